"""Distillation: sequence-level (verified teacher answers from an OpenAI-compatible endpoint, then SFT) and
logit-level (trl's GKD against a local teacher that shares the student's vocabulary).

Every teacher answer is checked against the row's `facts` before the student sees it
(`finetune.training.answer_check`).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from finetune.training.answer_check import check_answer
from finetune.training.config import FinetuneConfig, ModelConfig, TeacherEndpoint
from finetune.training.sft import (
    answer_of,
    load_model,
    prompt_of,
    read_rows,
    sft_args,
    train_sft,
    trainer_args,
    write_json,
    write_rows,
)
from knowledge.common.errors import Ech0Error

Log = Callable[[str], None]


# --- sequence-level KD: a teacher behind an OpenAI-compatible endpoint ---------------------------------------


def make_teacher_client(endpoint: TeacherEndpoint, api_key: str | None, http_client=None):
    """An `openai.OpenAI` client for the teacher endpoint (vLLM accepts any key)."""
    from openai import OpenAI

    return OpenAI(
        base_url=endpoint.base_url,
        api_key=api_key or "EMPTY",
        timeout=endpoint.timeout_s,
        max_retries=endpoint.max_retries,
        http_client=http_client,
    )


def cache_key(endpoint: TeacherEndpoint, messages: list[dict[str, str]]) -> str:
    payload = [endpoint.model, endpoint.max_tokens, endpoint.temperature, messages]
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read_cache(path: Path) -> dict[str, str]:
    """Cached teacher answers by key; a line cut short by a crash is ignored (that prompt is asked again)."""
    answers: dict[str, str] = {}
    if Path(path).is_file():
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            answers[entry["key"]] = entry["answer"]
    return answers


def collect_teacher_answers(
    rows: list[dict[str, Any]],
    client,
    endpoint: TeacherEndpoint,
    cache_path: Path,
    rel_tol: float = 0.02,
    abs_tol: float = 0.05,
    log: Log | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Ask the teacher every prompt not yet cached, verify each answer against the row's facts.

    Returns the verified rows (the teacher's answer as the assistant turn) and counts. Answers are appended to
    the cache file as they arrive, so an interrupted run resumes where it stopped.
    """
    from openai import OpenAIError

    cache_path = Path(cache_path)
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    cached = read_cache(cache_path)
    keys = [cache_key(endpoint, prompt_of(r)) for r in rows]
    todo = sorted({k: r for k, r in zip(keys, rows, strict=True) if k not in cached}.items())
    errors: list[str] = []
    lock = threading.Lock()

    def ask(item: tuple[str, dict[str, Any]]) -> None:
        key, row = item
        try:
            reply = client.chat.completions.create(
                model=endpoint.model,
                messages=prompt_of(row),
                max_tokens=endpoint.max_tokens,
                temperature=endpoint.temperature,
            )
            answer = reply.choices[0].message.content or ""
        except OpenAIError as exc:
            with lock:
                errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            return
        with lock, cache_path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"key": key, "answer": answer}) + "\n")
            cached[key] = answer

    if todo:
        (log or (lambda _m: None))(f"asking {endpoint.model} {len(todo)} prompt(s); {len(rows) - len(todo)} cached")
        with ThreadPoolExecutor(max_workers=endpoint.concurrency) as pool:
            list(pool.map(ask, todo))
    verified: list[dict[str, Any]] = []
    rejected: list[dict[str, str]] = []
    for key, row in zip(keys, rows, strict=True):
        if key not in cached:
            continue
        verdict = check_answer(cached[key], row, rel_tol, abs_tol)
        if verdict.ok:
            messages = prompt_of(row) + [{"role": "assistant", "content": cached[key]}]
            verified.append({**row, "messages": messages, "teacher": endpoint.model})
        else:
            rejected.append({"task": str(row.get("task")), "reason": verdict.reason, "answer": cached[key][:200]})
    stats = {
        "rows": len(rows),
        "asked": len(todo),
        "from_cache": len(rows) - len(todo),
        "errors": len(errors),
        "verified": len(verified),
        "rejected": len(rejected),
        "rejected_examples": rejected[:5],
        "error_examples": errors[:3],
    }
    return verified, stats


def run_sequence_kd(cfg: FinetuneConfig, client, log: Log | None = None) -> dict[str, Any]:
    """`ech0 finetune distill` with method 'sequence': verified teacher answers, then SFT of the student."""
    from finetune.training.config import check_data

    check_data(cfg)
    assert cfg.distill is not None and cfg.distill.teacher is not None
    rows = read_rows(cfg.data.train, cfg.data.max_train_rows)
    verified, stats = collect_teacher_answers(
        rows,
        client,
        cfg.distill.teacher,
        cfg.output_dir / "teacher_cache.jsonl",
        cfg.distill.rel_tolerance,
        cfg.distill.abs_tolerance,
        log,
    )
    if stats["errors"]:
        raise Ech0Error(
            f"{stats['errors']} teacher request(s) failed ({stats['error_examples'][0]}); answers so far are "
            f"cached in {cfg.output_dir / 'teacher_cache.jsonl'}: rerun to resume"
        )
    if not verified:
        raise Ech0Error(f"none of the teacher's {stats['rows']} answers passed verification: no data to train on")
    write_rows(cfg.output_dir / "teacher_verified.jsonl", verified)
    args = sft_args(cfg.training, cfg.output_dir)  # before the model: ZeRO-3 shards it while loading
    model, tokenizer = load_model(cfg.model, cfg.quantization, cfg.output_dir.parent)
    _, metrics = train_sft(model, tokenizer, verified, cfg.training, cfg.output_dir, cfg.lora, args=args, log=log)
    metrics.update(method="sequence", teacher=cfg.distill.teacher.model, verification=stats)
    write_json(cfg.output_dir / "metrics.json", metrics)
    return metrics


# --- logit-level KD: trl GKD with a local teacher -----------------------------------------------------------


def check_vocab(
    student_model, teacher_model, student_tok, teacher_tok, names: tuple[str, str] = ("student", "teacher")
):
    """Ech0Error unless both models predict over the same token ids: same logit width and the same vocabulary."""
    sizes = [m.config.get_text_config().vocab_size for m in (student_model, teacher_model)]
    if sizes[0] != sizes[1]:
        raise Ech0Error(
            f"vocabulary mismatch: {names[0]} has {sizes[0]} logits, {names[1]} {sizes[1]}; logit distillation needs "
            "a same-family pair that shares a tokenizer (e.g. Qwen2.5-72B-Instruct → Qwen2.5-14B-Instruct), or use "
            "distill.method: sequence"
        )
    vocab_s, vocab_t = student_tok.get_vocab(), teacher_tok.get_vocab()
    if vocab_s != vocab_t:
        differ = len(set(vocab_s.items()) ^ set(vocab_t.items()))
        raise Ech0Error(
            f"vocabulary mismatch: the {names[0]} and {names[1]} tokenizers differ on {differ} token-id pairs "
            f"({len(vocab_s)} vs {len(vocab_t)} tokens); logit distillation needs a shared tokenizer, or use "
            "distill.method: sequence"
        )


def gkd_args(training, distill, out_dir: Path):
    from trl.experimental.gkd import GKDConfig

    return trainer_args(
        training,
        Path(out_dir) / "trainer",
        config_cls=GKDConfig,
        lmbda=distill.lmbda,
        beta=distill.beta,
        temperature=distill.temperature,
        max_new_tokens=distill.max_new_tokens,
    )


def train_gkd(
    student,
    teacher,
    tokenizer,
    rows,
    training,
    distill,
    out_dir: Path,
    lora=None,
    save: bool = True,
    args=None,
    log: Log | None = None,
    collator=None,
) -> tuple[Any, dict[str, Any]]:
    """Train the student towards the teacher's token distributions with trl's GKDTrainer.

    lmbda=0 distils on the dataset's own answers (supervised KD); lmbda>0 adds on-policy steps on answers the
    student generates itself. Returns (trained student, metrics).
    """
    from datasets import Dataset
    from trl.experimental.gkd import GKDTrainer

    from finetune.training.sft import fit, peft_config, save_model, summarize

    started = time.perf_counter()
    out_dir = Path(out_dir)
    args = args or gkd_args(training, distill, out_dir)
    dataset = Dataset.from_list(
        [{"messages": prompt_of(r) + [{"role": "assistant", "content": answer_of(r)}]} for r in rows]
    )
    trainer = GKDTrainer(
        model=student,
        teacher_model=teacher,
        args=args,
        train_dataset=dataset,
        data_collator=collator,  # None: trl's chat collator, loss on the answer only
        processing_class=tokenizer,
        peft_config=peft_config(lora) if lora is not None and lora.enabled else None,
    )
    result = fit(trainer, log)
    adapter_dir = save_model(trainer.model, tokenizer, out_dir / "adapter") if save else None
    metrics = summarize(trainer, result, started, len(rows), adapter_dir)
    trainer.model.eval()
    return trainer.model, metrics


def run_logit_kd(cfg: FinetuneConfig, log: Log | None = None) -> dict[str, Any]:
    """`ech0 finetune distill` with method 'logit': GKD of the configured student from a local teacher."""
    from finetune.training.config import check_data, check_model_ref

    check_data(cfg)
    assert cfg.distill is not None and cfg.distill.teacher_model
    check_model_ref(cfg.distill.teacher_model, "distill.teacher_model")
    rows = read_rows(cfg.data.train, cfg.data.max_train_rows)
    (log or (lambda _m: None))(f"loading student {cfg.model.name_or_path} and teacher {cfg.distill.teacher_model}")
    args = gkd_args(cfg.training, cfg.distill, cfg.output_dir)  # before the models: ZeRO-3 shards them while loading
    student, tokenizer = load_model(cfg.model, cfg.quantization, cfg.output_dir.parent)
    teacher_cfg = ModelConfig(
        name_or_path=cfg.distill.teacher_model, dtype=cfg.model.dtype, trust_remote_code=cfg.model.trust_remote_code
    )
    teacher, teacher_tok = load_model(teacher_cfg, cfg.distill.teacher_quantization, cfg.output_dir.parent)
    check_vocab(student, teacher, tokenizer, teacher_tok, (cfg.model.name_or_path, cfg.distill.teacher_model))
    _, metrics = train_gkd(
        student, teacher, tokenizer, rows, cfg.training, cfg.distill, cfg.output_dir, cfg.lora, args=args, log=log
    )
    metrics.update(method="logit", teacher=cfg.distill.teacher_model, lmbda=cfg.distill.lmbda, beta=cfg.distill.beta)
    write_json(cfg.output_dir / "metrics.json", metrics)
    return metrics
