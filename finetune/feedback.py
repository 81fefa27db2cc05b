"""Feedback → eval cases and training examples: the flywheel from users' ratings and corrections to evals/
and finetune/. The feedback rows and the runs they are about arrive as plain dicts (the stores stay above).

- A correction becomes a `chemqa`-style eval case (the request, the corrected answer) and an SFT example whose
  assistant turn is the correction (generator "feedback": a person's statement, not a recomputed fact).
- A good rating (1) without a correction makes the run's own report a training example.
- A bad rating (-1) without a correction becomes an eval case to look at: the answer ECH0 gave, marked wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def _answer_type(answer: Any) -> str:
    if isinstance(answer, bool) or answer is None:
        return "text"
    if isinstance(answer, int):
        return "integer"
    if isinstance(answer, float):
        return "number"
    return "list" if isinstance(answer, list) else "text"


def export_feedback(
    feedback: Iterable[dict[str, Any]], run_of: Callable[[str], dict[str, Any] | None], out_dir: Path
) -> dict[str, int]:
    """Write eval_cases.jsonl and train_examples.jsonl (atomically); returns the counts.

    `feedback` rows carry id, run_id, rating and correction; `run_of(run_id)` is the recorded run (run_id,
    request, report with report_markdown and answer), or None for a run that is not recorded.
    """
    eval_cases: list[dict[str, Any]] = []
    examples: list[dict[str, Any]] = []
    for item in feedback:
        run = run_of(item["run_id"])
        if run is None:
            continue
        request, report = run["request"], run["report"]
        case_id = f"feedback-{item['id']}"
        if item["correction"]:
            eval_cases.append({"id": case_id, "question": request, "answer": item["correction"],
                               "answer_type": "text", "source": f"feedback on run {run['run_id']}"})  # fmt: skip
            examples.append(_example(case_id, request, item["correction"], run["run_id"]))
        elif item["rating"] == 1:
            examples.append(_example(case_id, request, report["report_markdown"], run["run_id"]))
        elif item["rating"] == -1 and report.get("answer") is not None:
            eval_cases.append({"id": case_id, "question": request, "wrong_answer": report["answer"],
                               "answer_type": _answer_type(report["answer"]),
                               "source": f"rated wrong on run {run['run_id']}"})  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, rows in (("eval_cases.jsonl", eval_cases), ("train_examples.jsonl", examples)):
        tmp = out_dir / f".{name}.partial"
        tmp.write_text("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows))
        tmp.replace(out_dir / name)
    return {"eval_cases": len(eval_cases), "train_examples": len(examples)}


def _example(case_id: str, request: str, answer: str, run_id: str) -> dict[str, Any]:
    return {
        "messages": [{"role": "user", "content": request}, {"role": "assistant", "content": answer}],
        "task": "feedback",
        "category": "tool_use",
        "template_id": case_id,
        "generator": "feedback",
        "compound": None,
        "facts": {},
        "source_run": run_id,
    }
