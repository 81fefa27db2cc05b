"""The `chemqa` suite: chemistry questions with exact answers, asked through ECH0 (its report's `answer`).

File: JSONL, one case a line: {"id", "question", "answer", "answer_type": integer|number|smiles|text|list,
"tolerance"?, "smiles_a"?, "smiles_b"?}. See evals.harness.grading for how each type compares.
"""

from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from evals.harness.base import Case, Outcome, Plot, SuiteContext, load_jsonl, percentile
from evals.harness.grading import ANSWER_TYPES, grade
from knowledge.common.errors import Ech0Error


def load_cases(path: Path) -> list[dict[str, Any]]:
    rows = load_jsonl(path, "chemqa")
    seen: set[str] = set()
    for row in rows:
        where = f"{path}:{row['_line']}"
        missing = {"id", "question", "answer", "answer_type"} - set(row)
        if missing:
            raise Ech0Error(f"{where} lacks {sorted(missing)}: a chemqa case has id, question, answer, answer_type")
        if row["answer_type"] not in ANSWER_TYPES:
            raise Ech0Error(f"{where}: answer_type {row['answer_type']!r} is not one of {', '.join(ANSWER_TYPES)}")
        if not isinstance(row["question"], str) or not row["question"].strip():
            raise Ech0Error(f"{where}: the question must be non-empty text")
        if "tolerance" in row and not isinstance(row["tolerance"], int | float):
            raise Ech0Error(f"{where}: tolerance must be a number")
        if str(row["id"]) in seen:
            raise Ech0Error(f"{where}: duplicate id {row['id']!r}")
        seen.add(str(row["id"]))
    return rows


def run(path: Path, ctx: SuiteContext) -> Outcome:
    ask = ctx.need_ask("chemqa")
    rows = load_cases(path)
    cases, seconds = [], []
    by_type: dict[str, list[bool]] = defaultdict(list)
    for done, row in enumerate(rows, 1):
        started = time.perf_counter()
        try:
            report = ask(row["question"])
            got, run_id, error = report.get("answer"), report.get("run_id"), None
        except Ech0Error as exc:
            got, run_id, error = None, None, str(exc)
        elapsed = time.perf_counter() - started
        seconds.append(elapsed)
        ok, why = grade(row, got)
        by_type[row["answer_type"]].append(ok)
        detail = {"question": row["question"], "answer_type": row["answer_type"], "seconds": round(elapsed, 3),
                  "run_id": run_id, "why": error or why}  # fmt: skip
        cases.append(Case(id=str(row["id"]), passed=ok, expected=row["answer"], got=got, detail=detail))
        ctx.progress(done, len(rows))
    n = len(cases)
    metrics: dict[str, float | int | None] = {
        "accuracy": round(sum(c.passed for c in cases) / n, 4),
        "answered": round(sum(c.got is not None for c in cases) / n, 4),
        "n": n,
        "latency_p50_s": percentile(seconds, 0.5),
        "latency_p95_s": percentile(seconds, 0.95),
    }
    for kind, oks in sorted(by_type.items()):
        metrics[f"accuracy.{kind}"] = round(sum(oks) / len(oks), 4)
    directions = {k: "lower" if k.startswith("latency") else "info" if k == "n" else "higher" for k in metrics}
    types = sorted(by_type)
    plots = [
        Plot(kind="bar", title="Accuracy by answer type", file="accuracy_by_type.png", x=types,
             y=[metrics[f"accuracy.{t}"] for t in types], ylabel="accuracy"),
        Plot(kind="hist", title="Answer latency", file="latency.png", x=[round(s, 3) for s in seconds],
             xlabel="seconds per question", ylabel="questions"),
    ]  # fmt: skip
    return Outcome(metrics=metrics, directions=directions, cases=cases, plots=plots)
