"""`ech0 finetune demo`: the distillation pipeline end to end on CPU, in a few minutes, reported honestly.

1. The data factory generates a small verified data set; short questions with short answers are kept (cheap to
   train on, and scored by their facts or exact match).
2. Teacher: SmolLM2-135M-Instruct with a LoRA adapter fine-tuned on it, merged.
3. Student: a layer-pruned copy of the teacher (every other decoder layer), so it shares the vocabulary.
4. The student is trained twice from that same start, with the same rows, steps, batch, learning rate and LoRA,
   on whole chats (a pruned model has to relearn every position, not only the answer's): SFT on the text, and
   distillation towards the teacher's token distributions (trl GKD, lmbda=0, forward KL).
5. Teacher and both students answer the same held-out questions (accuracy), and the likelihood of each
   reference answer is measured (mean negative log-likelihood per token: sensitive where accuracy is still near
   zero). Sign tests over the questions say whether distillation helped, hurt, or cannot be told from noise.
"""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from finetune.training.answer_check import check_answer
from finetune.training.config import DistillSettings, LoraSettings, TrainingSettings
from finetune.training.distill import train_gkd
from finetune.training.sft import answer_of, generate_answers, prompt_of, read_rows, train_sft, trainer_args, write_json
from knowledge.common.errors import Ech0Error

Log = Callable[[str], None]


class DemoSettings(BaseModel):
    out_dir: Path = Path(".ech0/finetune-demo")
    compounds: int = Field(60, ge=4, description="compounds the generated data set covers")
    steps: int = Field(12, ge=1, description="optimizer steps of each of the three training runs")
    batch_size: int = Field(8, ge=1)
    learning_rate: float = Field(1e-3, gt=0)
    eval_rows: int = Field(40, ge=4, description="held-out questions")
    max_answer_tokens: int = Field(16, ge=1, description="keep questions whose reference answer is this short")
    max_prompt_tokens: int = Field(64, ge=16, description="keep questions whose chat prompt is this short")
    keep_every: int = Field(2, ge=2, description="the student keeps every k-th decoder layer of the teacher")
    seed: int = 0


def generate_data(out_dir: Path, compounds: int, seed: int) -> Path:
    """The factory's train/validation/test JSONL under out_dir (reused when already complete)."""
    try:
        from finetune.dataset.factory import generate_dataset
    except ImportError as exc:
        raise Ech0Error(f"the demo needs the training-data factory (finetune.dataset.factory): {exc}") from None
    generate_dataset(out_dir, n_compounds=compounds, seed=seed, workers=1)
    if not (out_dir / "train.jsonl").is_file() or not (out_dir / "test.jsonl").is_file():
        raise Ech0Error(f"the data factory wrote no train.jsonl/test.jsonl under {out_dir}")
    return out_dir


SYSTEM = "Answer briefly."  # without a system turn, SmolLM2's template adds a 20-token default one to every row
LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def select_rows(rows: list[dict[str, Any]], tokenizer, settings: DemoSettings, limit: int) -> list[dict[str, Any]]:
    """Short-answer rows whose reference passes the answer checker, shuffled, at most `limit`."""
    picked = []
    for row in rows:
        if row["messages"][0]["role"] != "system":
            row = {**row, "messages": [{"role": "system", "content": SYSTEM}, *row["messages"]]}
        answer_tokens = len(tokenizer(answer_of(row), add_special_tokens=False)["input_ids"])
        prompt = tokenizer.apply_chat_template(prompt_of(row), add_generation_prompt=True, tokenize=False)
        prompt_tokens = len(tokenizer(prompt, add_special_tokens=False)["input_ids"])
        short = answer_tokens <= settings.max_answer_tokens and prompt_tokens <= settings.max_prompt_tokens
        if short and check_answer(answer_of(row), row).ok:
            picked.append(row)
    random.Random(settings.seed).shuffle(picked)
    return picked[:limit]


def prune_layers(model, keep_every: int = 2):
    """A copy of a decoder-only model that keeps layers 0, k, 2k, …: same embeddings, head and vocabulary."""
    from torch import nn

    student = copy.deepcopy(model)
    layers = student.model.layers
    keep = list(range(0, len(layers), keep_every))
    student.model.layers = nn.ModuleList(layers[i] for i in keep)
    for new_index, layer in enumerate(student.model.layers):
        if hasattr(layer, "self_attn") and hasattr(layer.self_attn, "layer_idx"):
            layer.self_attn.layer_idx = new_index  # the KV cache is indexed by position in the stack
    config = student.config
    if getattr(config, "layer_types", None):
        config.layer_types = [config.layer_types[i] for i in keep]
    config.num_hidden_layers = len(keep)
    return student


def sign_test(wins: int, losses: int) -> float:
    """Two-sided exact binomial p-value of `wins` against `losses` (ties dropped), as in McNemar's exact test."""
    from scipy.stats import binomtest  # scipy loads in ~0.3 s: only when a demo reaches its verdict

    n = wins + losses
    if n == 0:
        return 1.0
    return float(binomtest(wins, n, p=0.5, alternative="two-sided").pvalue)


class FullChatCollator:
    """Batches whole chats with the loss on every token, prompt included (for GKDTrainer's `data_collator`)."""

    def __init__(self, tokenizer, max_length: int) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length

    def __call__(self, examples: list[dict[str, Any]]) -> dict[str, Any]:
        texts = [self.tokenizer.apply_chat_template(e["messages"], tokenize=False) for e in examples]
        batch = self.tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=self.max_length,
            return_tensors="pt",
            add_special_tokens=False,
        )
        labels = batch["input_ids"].clone()
        labels[batch["attention_mask"] == 0] = -100
        return {"input_ids": batch["input_ids"], "attention_mask": batch["attention_mask"], "labels": labels}


def answer_nll(model, tokenizer, rows: list[dict[str, Any]], batch_size: int = 8) -> list[float]:
    """Per question: mean negative log-likelihood (nats/token) of the reference answer given the prompt."""
    import torch
    import torch.nn.functional as F

    model.eval()
    side, tokenizer.padding_side = tokenizer.padding_side, "right"
    out: list[float] = []
    try:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            prompts = [
                tokenizer.apply_chat_template(prompt_of(r), add_generation_prompt=True, tokenize=False) for r in chunk
            ]
            fulls = [tokenizer.apply_chat_template(r["messages"], tokenize=False).rstrip("\n") for r in chunk]
            batch = tokenizer(fulls, padding=True, return_tensors="pt", add_special_tokens=False)
            labels = batch["input_ids"].clone()
            labels[batch["attention_mask"] == 0] = -100
            for i, prompt in enumerate(prompts):
                labels[i, : len(tokenizer(prompt, add_special_tokens=False)["input_ids"])] = -100
            with torch.no_grad():
                logits = model(**batch).logits[:, :-1].float()
            target = labels[:, 1:]
            loss = F.cross_entropy(logits.transpose(1, 2), target, ignore_index=-100, reduction="none")
            counts = (target != -100).sum(dim=1).clamp(min=1)
            out.extend((loss.sum(dim=1) / counts).tolist())
    finally:
        tokenizer.padding_side = side
    return out


def _score(model, tokenizer, rows, max_new_tokens: int, label: str, log: Log) -> dict[str, Any]:
    started = time.perf_counter()
    answers = generate_answers(model, tokenizer, rows, max_new_tokens=max_new_tokens, batch_size=16)
    correct = [check_answer(a, r).ok for a, r in zip(answers, rows, strict=True)]
    nll = answer_nll(model, tokenizer, rows)
    mean_nll = sum(nll) / len(nll)
    seconds = time.perf_counter() - started
    log(f"{label}: {sum(correct)}/{len(rows)} correct, answer NLL {mean_nll:.2f} ({seconds:.0f} s)")
    return {
        "accuracy": round(sum(correct) / len(rows), 4),
        "correct": sum(correct),
        "n": len(rows),
        "answer_nll": round(mean_nll, 4),
        "per_question": correct,
        "per_question_nll": nll,
        "samples": [
            {"question": prompt_of(r)[-1]["content"], "answer": a, "correct": c}
            for r, a, c in zip(rows[:3], answers[:3], correct[:3], strict=True)
        ],
    }


def _paired(better_a: list[bool], better_b: list[bool]) -> tuple[int, int, float]:
    wins, losses = sum(better_a), sum(better_b)
    return wins, losses, sign_test(wins, losses)


def conclude(teacher: dict, sft: dict, distilled: dict) -> tuple[str, dict[str, Any]]:
    """An honest verdict on distillation from two paired sign tests: accuracy, and the answers' likelihood."""
    pairs = list(zip(distilled["per_question"], sft["per_question"], strict=True))
    a_wins, a_losses, a_p = _paired([d and not s for d, s in pairs], [s and not d for d, s in pairs])
    nll_pairs = list(zip(distilled["per_question_nll"], sft["per_question_nll"], strict=True))
    l_wins, l_losses, l_p = _paired([d < s for d, s in nll_pairs], [s < d for d, s in nll_pairs])
    n = sft["n"]

    def direction(wins: int, losses: int, p: float) -> str:
        return "better" if wins > losses and p < 0.05 else "worse" if losses > wins and p < 0.05 else "same"

    acc, lik = direction(a_wins, a_losses, a_p), direction(l_wins, l_losses, l_p)
    heads = {
        ("better", "better"): "Distillation helped",
        ("same", "better"): "Distillation helped the likelihood of the reference answers, not measurably the accuracy",
        ("better", "same"): "Distillation helped accuracy, not measurably the likelihood of the reference answers",
        ("worse", "worse"): "Distillation hurt",
        ("same", "worse"): "Distillation hurt the likelihood of the reference answers, not measurably the accuracy",
        ("worse", "same"): "Distillation hurt accuracy, not measurably the likelihood of the reference answers",
        ("same", "same"): "Distillation did not clearly help: the differences are within noise at this scale",
    }
    head = heads.get((acc, lik), "Mixed result: the two measures disagree")
    accuracy = (
        f"accuracy distilled {distilled['correct']}/{n} vs SFT-only {sft['correct']}/{n} (teacher "
        f"{teacher['correct']}/{n}); {a_wins} question(s) right only for the distilled student, {a_losses} only "
        f"for the SFT one, sign test p={a_p:.2g}"
    )
    likelihood = (
        f"reference-answer NLL distilled {distilled['answer_nll']:.2f} vs SFT-only {sft['answer_nll']:.2f} "
        f"nats/token (teacher {teacher['answer_nll']:.2f}), lower for the distilled student on {l_wins} of {n} "
        f"questions and for the SFT one on {l_losses}, sign test p={l_p:.2g}"
    )
    verdict = f"{head}. {accuracy[0].upper()}{accuracy[1:]}; {likelihood}."
    if max(sft["accuracy"], distilled["accuracy"]) < 0.2:
        verdict += (
            " Both students remain weak at this budget: halving the depth breaks the model, and a few CPU steps"
            " only begin to repair it; more steps (--steps) give a clearer comparison."
        )
    stats = {
        "accuracy": {"distilled_only": a_wins, "sft_only": a_losses, "p_value": round(a_p, 4)},
        "answer_nll": {"distilled_lower": l_wins, "sft_lower": l_losses, "p_value": round(l_p, 4)},
    }
    return verdict, stats


def run_demo(settings: DemoSettings, log: Log | None = None, data_dir: Path | None = None) -> dict[str, Any]:
    """Run the whole demonstration; returns {"teacher", "student_sft", "student_distilled", "conclusion", …}.

    `data_dir` with train.jsonl and test.jsonl skips the factory (used to rerun on a fixed data set).
    """
    import torch

    from finetune.training.smollm2 import load_smollm2_uncached

    say = log or (lambda _m: None)
    started = time.perf_counter()
    out = Path(settings.out_dir)
    torch.manual_seed(settings.seed)
    if data_dir is None:
        say(f"generating a data set over {settings.compounds} compounds")
        data_dir = generate_data(out / "data", settings.compounds, settings.seed)
    base, tokenizer = load_smollm2_uncached(torch.bfloat16)  # bf16 matmuls are ~2x faster on AVX512-BF16 CPUs
    n_train = settings.steps * settings.batch_size
    train = select_rows(read_rows(data_dir / "train.jsonl"), tokenizer, settings, n_train)
    held_out = select_rows(read_rows(data_dir / "test.jsonl"), tokenizer, settings, settings.eval_rows)
    if len(train) < settings.batch_size or len(held_out) < 4:
        raise Ech0Error(f"too few short-answer rows ({len(train)} train, {len(held_out)} test): raise --compounds")
    say(f"{len(train)} training rows, {len(held_out)} held-out questions")
    training = TrainingSettings(
        max_steps=settings.steps,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        max_length=settings.max_prompt_tokens + settings.max_answer_tokens + 8,
        seed=settings.seed,
        logging_steps=max(1, settings.steps // 4),
        warmup_ratio=0.1,
    )
    lora = LoraSettings(r=16, alpha=32, dropout=0.0)
    n_layers = len(base.model.layers)
    # The teacher adapts its upper half only: backpropagation then stops half-way down, halving its cost.
    teacher_lora = LoraSettings(
        r=16, alpha=32, dropout=0.0, target_modules=LINEAR, layers_to_transform=list(range(n_layers // 2, n_layers))
    )
    gen_tokens = settings.max_answer_tokens + 4
    timings: dict[str, float] = {}

    t = time.perf_counter()
    say(f"teacher: LoRA on SmolLM2-135M-Instruct ({n_layers} layers), {settings.steps} steps")
    teacher, teacher_metrics = train_sft(base, tokenizer, train, training, out / "teacher", teacher_lora, log=say)
    teacher = teacher.merge_and_unload()
    timings["teacher_train_s"] = round(time.perf_counter() - t, 1)

    student_init = prune_layers(teacher, settings.keep_every)
    layers = (len(teacher.model.layers), len(student_init.model.layers))
    init_nll = answer_nll(student_init, tokenizer, held_out)
    say(f"student: {layers[1]} of the teacher's {layers[0]} layers (answer NLL {sum(init_nll) / len(init_nll):.2f})")
    say(f"training it twice, {settings.steps} steps each: SFT, then GKD from the teacher")
    t = time.perf_counter()
    torch.manual_seed(settings.seed)
    whole_chat = trainer_args(training, out / "sft" / "trainer", completion_only_loss=False)
    student_sft, sft_metrics = train_sft(
        copy.deepcopy(student_init), tokenizer, train, training, out / "sft", lora, args=whole_chat, log=say
    )
    timings["student_sft_train_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    torch.manual_seed(settings.seed)
    distill = DistillSettings(method="logit", teacher_model="teacher", lmbda=0.0, beta=0.0, temperature=1.0)
    student_kd, kd_metrics = train_gkd(
        student_init,
        teacher,
        tokenizer,
        train,
        training,
        distill,
        out / "distilled",
        lora,
        log=say,
        collator=FullChatCollator(tokenizer, training.max_length),
    )
    timings["student_distilled_train_s"] = round(time.perf_counter() - t, 1)

    scores = {
        "teacher": _score(teacher, tokenizer, held_out, gen_tokens, "teacher", say),
        "student_sft": _score(student_sft, tokenizer, held_out, gen_tokens, "student (SFT only)", say),
        "student_distilled": _score(student_kd, tokenizer, held_out, gen_tokens, "student (distilled)", say),
    }
    conclusion, test = conclude(scores["teacher"], scores["student_sft"], scores["student_distilled"])
    described = {
        "teacher": (layers[0], "LoRA SFT on answers (upper half), merged", teacher_metrics),
        "student_sft": (layers[1], "LoRA SFT on whole chats", sft_metrics),
        "student_distilled": (layers[1], "LoRA GKD from teacher, whole chats", kd_metrics),
    }
    result: dict[str, Any] = {}
    for name, (count, how, metrics) in described.items():
        score = {k: v for k, v in scores[name].items() if not k.startswith("per_question")}
        result[name] = {**score, "layers": count, "trained": how, "train_loss": round(metrics["train_loss"], 4)}
    result["student_init"] = {
        "layers": layers[1],
        "trained": "pruned, untrained",
        "answer_nll": round(sum(init_nll) / len(init_nll), 4),
    }
    result.update(
        conclusion=conclusion,
        comparison=test,
        train_rows=len(train),
        eval_rows=len(held_out),
        steps=settings.steps,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        timings=timings,
        wall_s=round(time.perf_counter() - started, 1),
    )
    write_json(out / "demo.json", result)
    return result
