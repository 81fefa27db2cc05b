"""Distillation: answer verification, the endpoint teacher (replayed Chat Completions), and trl GKD on tiny models."""

from __future__ import annotations

import json
import math

import httpx
import pytest

from knowledge.common.errors import Ech0Error
from tests.finetune.test_sft import TRAIN, make_tokenizer, save_tiny_model, write_config


def _row(question: str, answer: str, facts: dict, smiles: str = "CC(=O)Oc1ccccc1C(=O)O") -> dict:
    messages = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
    return {"messages": messages, "task": "t", "facts": facts, "compound": {"smiles": smiles}}


ASPIRIN_MW = _row(
    "What is the molecular weight of aspirin (CC(=O)Oc1ccccc1C(=O)O)?",
    "The molecular weight of aspirin is 180.16 g/mol.",
    {"molecular_weight": 180.16},
)


@pytest.mark.parametrize(
    ("answer", "ok"),
    [
        ("The molecular weight of aspirin is 180.16 g/mol.", True),
        ("About 180.2 g/mol.", True),  # within the 2 % relative tolerance
        ("Aspirin (CC(=O)Oc1ccccc1C(=O)O) weighs 180.16 g/mol.", True),  # SMILES digits are not numbers
        ("It weighs 194.19 g/mol.", False),  # the wrong number
        ("It weighs 180.16 g/mol, and 3 of its atoms are oxygen-bearing.", False),  # an unsupported extra number
        ("I do not know.", False),
        ("", False),
    ],
)
def test_check_answer_numbers(answer, ok):
    from finetune.training.answer_check import check_answer

    assert check_answer(answer, ASPIRIN_MW).ok is ok


def test_check_answer_integers_strings_booleans_and_plain_text():
    from finetune.training.answer_check import check_answer

    rings = _row("How many rings does aspirin have?", "1", {"rings": 1})
    assert check_answer("1", rings).ok and check_answer("It has 1 ring.", rings).ok
    assert not check_answer("1.4", rings).ok  # integer facts are exact
    formula = _row("Formula of aspirin?", "C9H8O4", {"formula": "C9H8O4"})
    assert check_answer("Its formula is C9H8O4.", formula).ok and not check_answer("C9H8O3", formula).ok
    lipinski = _row("Does aspirin pass Lipinski?", "Yes: 0 violations.", {"lipinski_compliant": True, "v": 0})
    assert check_answer("Yes, 0 violations", lipinski).ok and not check_answer("No, 0 violations", lipinski).ok
    ring = _row("SMILES of cyclohexane?", "C1CCCCC1", {"smiles": "C1CCCCC1"}, smiles="C1CCCCC1")
    assert check_answer("It is C1CCCCC1.", ring).ok and not check_answer("c1ccccc1", ring).ok  # case is structure
    plain = _row("Say hi", "Hello there.", {})
    assert check_answer("hello THERE", plain).ok and not check_answer("Goodbye.", plain).ok
    fixture = [json.loads(line) for line in TRAIN.read_text().splitlines()]
    assert all(check_answer(r["messages"][-1]["content"], r).ok for r in fixture), "references pass their own facts"


def _replay_teacher(answers: dict[str, str], calls: list[str]):
    """An httpx transport answering Chat Completions from a table keyed by the question, as a vLLM server would."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        question = body["messages"][-1]["content"]
        calls.append(question)
        if question not in answers:
            return httpx.Response(500, json={"error": {"message": "teacher crashed"}})
        return httpx.Response(
            200,
            json={
                "id": f"chatcmpl-{len(calls)}",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": answers[question]},
                    }
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13},
            },
        )

    return httpx.MockTransport(handler)


def _teacher_answers(rows: list[dict], wrong_every: int = 3) -> dict[str, str]:
    """The reference answer for most questions; a wrong number for every third (the verifier must drop those)."""
    answers = {}
    for i, row in enumerate(rows):
        reference = row["messages"][-1]["content"]
        answers[row["messages"][-2]["content"]] = "9999" if i % wrong_every == 0 else reference
    return answers


def test_sequence_kd_verifies_caches_and_trains(tmp_path):
    from finetune.training.config import load_config
    from finetune.training.distill import collect_teacher_answers, make_teacher_client, run_sequence_kd
    from finetune.training.sft import read_rows

    model = save_tiny_model(tmp_path / "student")
    distill = {"method": "sequence", "teacher": {"base_url": "http://teacher.test/v1", "model": "qwen-72b"}}
    data = {"max_train_rows": 12}
    cfg = load_config(
        write_config(
            tmp_path / "c.yaml", model, tmp_path / "out", distill=distill, data=data, training={"max_steps": 2}
        )
    )
    rows = read_rows(TRAIN, 12)
    calls: list[str] = []
    client = make_teacher_client(
        cfg.distill.teacher,
        "sk-test",
        http_client=httpx.Client(transport=_replay_teacher(_teacher_answers(rows), calls)),
    )
    metrics = run_sequence_kd(cfg, client)
    stats = metrics["verification"]
    assert stats["asked"] == 12 and stats["verified"] == 8 and stats["rejected"] == 4
    assert all("9999" in r["answer"] for r in stats["rejected_examples"])
    assert math.isfinite(metrics["train_loss"]) and (tmp_path / "out" / "adapter" / "adapter_config.json").is_file()
    kept = read_rows(tmp_path / "out" / "teacher_verified.jsonl")
    assert len(kept) == 8 and all(r["teacher"] == "qwen-72b" for r in kept)

    # A rerun resumes from the cache: no request reaches the teacher again.
    calls.clear()
    _, stats = collect_teacher_answers(rows, client, cfg.distill.teacher, tmp_path / "out" / "teacher_cache.jsonl")
    assert calls == [] and stats["from_cache"] == 12 and stats["verified"] == 8


def test_sequence_kd_failed_requests_are_reported_and_resumable(tmp_path):
    from finetune.training.config import TeacherEndpoint
    from finetune.training.distill import collect_teacher_answers, make_teacher_client
    from finetune.training.sft import read_rows

    rows = read_rows(TRAIN, 6)
    answers = _teacher_answers(rows, wrong_every=100)
    del answers[rows[0]["messages"][-2]["content"]]  # the teacher fails on this one
    endpoint = TeacherEndpoint(base_url="http://teacher.test/v1", model="m", max_retries=0, concurrency=2)
    calls: list[str] = []
    client = make_teacher_client(endpoint, None, http_client=httpx.Client(transport=_replay_teacher(answers, calls)))
    verified, stats = collect_teacher_answers(rows, client, endpoint, tmp_path / "cache.jsonl")
    assert stats["errors"] == 1 and stats["verified"] == 5
    answers[rows[0]["messages"][-2]["content"]] = rows[0]["messages"][-1]["content"]
    calls.clear()
    verified, stats = collect_teacher_answers(rows, client, endpoint, tmp_path / "cache.jsonl")
    assert len(calls) == 1 and stats["errors"] == 0 and stats["verified"] == 6


def test_logit_kd_with_gkd_trains_the_student(tmp_path):
    from finetune.training.config import load_config
    from finetune.training.distill import run_logit_kd

    tokenizer = make_tokenizer()
    student = save_tiny_model(tmp_path / "student", tokenizer, layers=1, seed=1)
    teacher = save_tiny_model(tmp_path / "teacher", tokenizer, layers=2, seed=2)
    distill = {"method": "logit", "teacher_model": str(teacher), "lmbda": 0.0, "beta": 0.5}
    cfg = load_config(
        write_config(tmp_path / "c.yaml", student, tmp_path / "out", distill=distill, training={"max_steps": 2})
    )
    metrics = run_logit_kd(cfg)
    assert metrics["steps"] == 2 and math.isfinite(metrics["train_loss"]) and metrics["method"] == "logit"
    assert (tmp_path / "out" / "adapter" / "adapter_config.json").is_file()


def test_vocabulary_mismatch_is_a_clear_error(tmp_path):
    from finetune.training.config import load_config
    from finetune.training.distill import run_logit_kd

    student = save_tiny_model(tmp_path / "student", make_tokenizer(400))
    wider = save_tiny_model(tmp_path / "wider", make_tokenizer(420))
    distill = {"method": "logit", "teacher_model": str(wider)}
    cfg = load_config(write_config(tmp_path / "c.yaml", student, tmp_path / "out", distill=distill))
    with pytest.raises(Ech0Error, match=r"vocabulary mismatch: .* 400 logits, .* 420"):
        run_logit_kd(cfg)

    # Same size, different merges: the logits line up in shape but not in meaning.
    other = save_tiny_model(tmp_path / "other", make_tokenizer(400, extra=" zebra quasar"))
    cfg.distill.teacher_model = str(other)
    with pytest.raises(Ech0Error, match="tokenizers differ on"):
        run_logit_kd(cfg)


def test_demo_pieces_on_a_tiny_teacher(tmp_path):
    """The demo's student construction, whole-chat GKD and likelihood metric, on tiny models (the demo itself
    runs SmolLM2 and takes minutes)."""
    import torch
    from transformers import AutoModelForCausalLM

    from finetune.training.config import DistillSettings, LoraSettings, TrainingSettings
    from finetune.training.demo import FullChatCollator, answer_nll, prune_layers
    from finetune.training.distill import train_gkd
    from finetune.training.sft import generate_answers, read_rows

    tokenizer = make_tokenizer()
    teacher = AutoModelForCausalLM.from_pretrained(save_tiny_model(tmp_path / "t", tokenizer, layers=4))
    student = prune_layers(teacher, 2)
    assert len(student.model.layers) == 2 and student.config.num_hidden_layers == 2
    assert [layer.self_attn.layer_idx for layer in student.model.layers] == [0, 1]
    rows = read_rows(TRAIN, 8)
    assert len(generate_answers(student, tokenizer, rows[:2], max_new_tokens=3)) == 2  # the KV cache lines up
    before = answer_nll(student, tokenizer, rows)
    assert len(before) == 8 and all(math.isfinite(x) and x > 0 for x in before)

    training = TrainingSettings(max_steps=2, batch_size=4, learning_rate=5e-3, logging_steps=1, max_length=160)
    distill = DistillSettings(method="logit", teacher_model="t", lmbda=0.0, beta=0.0)
    collator = FullChatCollator(tokenizer, 160)
    batch = collator([{"messages": r["messages"]} for r in rows[:2]])
    assert (batch["labels"][0] != -100).sum() == batch["attention_mask"][0].sum()  # every real token is trained
    trained, metrics = train_gkd(
        student,
        teacher,
        tokenizer,
        rows,
        training,
        distill,
        tmp_path / "kd",
        LoraSettings(r=4, alpha=8),
        collator=collator,
    )
    assert metrics["steps"] == 2 and math.isfinite(metrics["train_loss"])
    # The trained student computes with its own two layers, not the teacher's four: changing the teacher's
    # weights leaves it untouched (trl's patched forward would otherwise have kept the teacher's forward).
    ids = torch.tensor([[1, 5, 9, 42]])
    with torch.no_grad():
        reference = trained(input_ids=ids).logits
        for p in teacher.parameters():
            p.add_(1.0)
        assert torch.allclose(trained(input_ids=ids).logits, reference)


def test_demo_verdict_is_honest():
    from finetune.training.demo import conclude, sign_test

    assert sign_test(0, 0) == 1.0 and sign_test(10, 0) < 0.01 and sign_test(3, 2) == 1.0

    def model(correct: list[bool], nll: list[float]) -> dict:
        return {
            "per_question": correct,
            "per_question_nll": nll,
            "correct": sum(correct),
            "accuracy": sum(correct) / len(correct),
            "answer_nll": sum(nll) / len(nll),
            "n": len(correct),
        }

    n = 20
    teacher = model([True] * n, [1.0] * n)
    sft = model([False] * n, [5.0] * n)
    better = model([True] * 12 + [False] * 8, [3.0] * n)
    verdict, stats = conclude(teacher, sft, better)
    assert verdict.startswith("Distillation helped") and stats["answer_nll"]["distilled_lower"] == n
    worse = model([False] * n, [6.0] * n)
    assert conclude(teacher, sft, worse)[0].startswith("Distillation hurt the likelihood")
    likelier = model([False] * n, [4.0] * n)
    assert conclude(teacher, sft, likelier)[0].startswith("Distillation helped the likelihood")
    noisy = model([True] + [False] * (n - 1), [5.0 + (0.1 if i % 2 else -0.1) for i in range(n)])
    verdict, _ = conclude(teacher, sft, noisy)
    assert verdict.startswith("Distillation did not clearly help") and "remain weak" in verdict
