"""Continuous learning: retrain the adapter when enough new verified examples or feedback items have arrived,
and switch to it only if it scores better on the held-out set.

State lives in the output directory: `continual_state.json` (items consumed, history with both scores) and the
`current` pointer file (the adapter in use, relative to the output directory). Both are written atomically.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from finetune.training.answer_check import evaluate
from finetune.training.config import FinetuneConfig
from finetune.training.sft import load_model, read_rows, train_sft, write_json
from knowledge.common.errors import Ech0Error

Log = Callable[[str], None]
Scorer = Callable[[Any, Any, list[dict[str, Any]]], float]
STATE = "continual_state.json"
POINTER = "current"


def _jsonl_files(path: Path | None) -> list[Path]:
    if path is None or not Path(path).exists():
        return []
    path = Path(path)
    return sorted(path.glob("*.jsonl")) if path.is_dir() else [path]


def _read_items(path: Path | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for file in _jsonl_files(path):
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError:
                    raise Ech0Error(f"{file}:{number}: not JSON") from None
    return items


def feedback_example(item: dict[str, Any]) -> dict[str, Any] | None:
    """A training row from a feedback item: its correction as the answer, or its answer when rated good (1).

    Items carry `messages` (the request and the answer given) or `request`/`answer`; `rating` in -1, 0, 1 and/or
    a free-text `correction`. Anything else is counted as feedback but not trained on.
    """
    messages = item.get("messages")
    if not messages and item.get("request"):
        messages = [{"role": "user", "content": item["request"]}]
        if item.get("answer"):
            messages.append({"role": "assistant", "content": item["answer"]})
    if not isinstance(messages, list) or not messages:
        return None
    prompt = (
        [m for m in messages if m.get("role") != "assistant"] if messages[-1].get("role") == "assistant" else messages
    )
    if not any(m.get("role") == "user" for m in prompt):
        return None
    if item.get("correction"):
        answer = item["correction"]
    elif item.get("rating") == 1 and messages[-1].get("role") == "assistant":
        answer = messages[-1]["content"]
    else:
        return None
    return {
        "messages": prompt + [{"role": "assistant", "content": answer}],
        "task": "feedback",
        "generator": "feedback",
    }


def read_state(out_dir: Path) -> dict[str, Any]:
    path = Path(out_dir) / STATE
    if not path.is_file():
        return {"consumed_items": 0, "current": None, "history": []}
    return json.loads(path.read_text(encoding="utf-8"))


def current_adapter(out_dir: Path) -> Path | None:
    """The adapter the `current` pointer names, or None before the first switch."""
    pointer = Path(out_dir) / POINTER
    if not pointer.is_file():
        return None
    return Path(out_dir) / pointer.read_text(encoding="utf-8").strip()


def _set_pointer(out_dir: Path, adapter: Path) -> None:
    tmp = out_dir / (POINTER + ".partial")
    tmp.write_text(str(adapter.relative_to(out_dir)) + "\n", encoding="utf-8")
    tmp.replace(out_dir / POINTER)


def _accuracy(rel_tol: float, abs_tol: float) -> Scorer:
    return lambda model, tokenizer, rows: evaluate(model, tokenizer, rows, rel_tol, abs_tol)["accuracy"]


def pending(cfg: FinetuneConfig) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """(every incoming example, every feedback item, how many items the last training consumed)."""
    assert cfg.continual is not None
    examples = _read_items(cfg.continual.incoming)
    feedback = _read_items(cfg.continual.feedback)
    consumed = read_state(cfg.output_dir)["consumed_items"]
    return examples, feedback, consumed


def run_continual(cfg: FinetuneConfig, scorer: Scorer | None = None, log: Log | None = None) -> dict[str, Any]:
    """`ech0 finetune continual`: retrain when due, compare old and new on held-out rows, switch only if better."""
    from finetune.training.answer_check import check_answer
    from finetune.training.config import check_data

    if cfg.continual is None:
        raise Ech0Error("the config has no `continual` section (incoming, feedback, min_new_items)")
    check_data(cfg, need_test=True)
    say = log or (lambda _m: None)
    out_dir = Path(cfg.output_dir)
    state = read_state(out_dir)
    examples, feedback, consumed = pending(cfg)
    total = len(examples) + len(feedback)
    new_items = total - consumed
    report: dict[str, Any] = {"new_items": new_items, "threshold": cfg.continual.min_new_items, "triggered": False}
    if new_items < cfg.continual.min_new_items:
        report["current"] = state["current"]
        return report
    verified = [r for r in examples if "messages" in r and check_answer(r["messages"][-1]["content"], r).ok]
    from_feedback = [ex for ex in map(feedback_example, feedback) if ex is not None]
    rows = read_rows(cfg.data.train, cfg.data.max_train_rows) if cfg.continual.include_original_train else []
    rows += verified + from_feedback
    if not rows:
        raise Ech0Error("nothing to train on: no verified examples, no usable feedback and no data.train")
    held_out = read_rows(cfg.data.test, cfg.data.max_eval_rows)
    tolerances = (cfg.distill.rel_tolerance, cfg.distill.abs_tolerance) if cfg.distill else (0.02, 0.05)
    score = scorer or _accuracy(*tolerances)

    model, tokenizer = load_model(cfg.model, cfg.quantization, out_dir.parent)
    old = current_adapter(out_dir)
    if old is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(old))
    old_score = float(score(model, tokenizer, held_out))
    say(f"{'adapter ' + str(old) if old else 'base model'}: {old_score:.3f} on {len(held_out)} held-out rows")
    if old is not None:
        model = model.unload()  # back to the bare base, adapter removed without merging

    version = out_dir / "adapters" / f"v{len(state['history']) + 1:04d}"
    say(f"retraining on {len(rows)} rows ({len(verified)} verified incoming, {len(from_feedback)} from feedback)")
    new_model, metrics = train_sft(model, tokenizer, rows, cfg.training, version, cfg.lora, log=log)
    new_score = float(score(new_model, tokenizer, held_out))
    switched = new_score > old_score
    if switched:
        _set_pointer(out_dir, version / "adapter")
    entry = {
        "version": version.name,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "new_items": new_items,
        "examples_verified": len(verified),
        "examples_rejected": len(examples) - len(verified),
        "feedback_examples": len(from_feedback),
        "train_rows": len(rows),
        "old_adapter": str(old.relative_to(out_dir)) if old else None,
        "old_score": old_score,
        "new_score": new_score,
        "switched": switched,
        "train_loss": metrics["train_loss"],
    }
    state["history"].append(entry)
    state["consumed_items"] = total
    state["current"] = str((version / "adapter").relative_to(out_dir)) if switched else state["current"]
    write_json(out_dir / STATE, state)
    report.update(entry, triggered=True, current=state["current"])
    return report
