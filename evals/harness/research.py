"""The `research` suite: research requests with the facts their report must state and the sources it must cite.

File: JSONL, one case a line: {"id", "request", "facts": [...], "sources": [...]}.
- a fact is text (found case-insensitively in the report) or {"number": x, "tolerance"?: t} (some number
  written in the report lies within t of x; default t 0.01);
- a source is a citation id ("drugcentral:1725") or an id prefix ending in ':' or '*' ("scifact:", "exp-*").
A case passes when every fact and every source is found; its score is the fraction found.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from evals.harness.base import Case, Outcome, Plot, SuiteContext, load_jsonl, percentile
from knowledge.common.errors import Ech0Error

_NUMBER = re.compile(r"(?<![\w.])[-\u2212]?\d+(?:\.\d+)?")


def load_cases(path: Path) -> list[dict[str, Any]]:
    rows = load_jsonl(path, "research")
    for row in rows:
        where = f"{path}:{row['_line']}"
        if not isinstance(row.get("id"), str | int) or not isinstance(row.get("request"), str):
            raise Ech0Error(f"{where}: a research case has an id and a request (text)")
        facts, sources = row.setdefault("facts", []), row.setdefault("sources", [])
        if not isinstance(facts, list) or not isinstance(sources, list) or not (facts or sources):
            raise Ech0Error(f"{where}: give 'facts' and/or 'sources' as lists")
        for fact in facts:
            if not (isinstance(fact, str) and fact.strip()) and not (
                isinstance(fact, dict) and isinstance(fact.get("number"), int | float)
            ):
                raise Ech0Error(f'{where}: a fact is text or {{"number": x, "tolerance": t}}, not {fact!r}')
        if not all(isinstance(s, str) and s.strip() for s in sources):
            raise Ech0Error(f"{where}: a source is a citation id or an id prefix (text)")
    return rows


def numbers_in(text: str) -> list[float]:
    return [float(m.replace("\u2212", "-")) for m in _NUMBER.findall(text)]


def fact_found(fact: str | dict[str, Any], text: str, numbers: list[float]) -> bool:
    if isinstance(fact, str):
        return fact.casefold() in text.casefold()
    tolerance = float(fact.get("tolerance", 0.01))
    return any(abs(n - float(fact["number"])) <= tolerance for n in numbers)


def source_found(source: str, citation_ids: list[str]) -> bool:
    if source.endswith("*"):
        return any(c.startswith(source[:-1]) for c in citation_ids)
    if source.endswith(":"):
        return any(c.startswith(source) for c in citation_ids)
    return source in citation_ids


def report_text(report: dict[str, Any]) -> str:
    answer = report.get("answer")
    return "\n".join([report.get("report_markdown") or "", "" if answer is None else str(answer)])


def run(path: Path, ctx: SuiteContext) -> Outcome:
    ask = ctx.need_ask("research")
    rows = load_cases(path)
    cases, seconds, fact_rates, source_rates = [], [], [], []
    for done, row in enumerate(rows, 1):
        started = time.perf_counter()
        try:
            report, error = ask(row["request"]), None
        except Ech0Error as exc:
            report, error = {}, str(exc)
        seconds.append(time.perf_counter() - started)
        text = report_text(report)
        numbers = numbers_in(text)
        cited = [c["id"] for c in report.get("citations") or []]
        missing_facts = [f for f in row["facts"] if not fact_found(f, text, numbers)]
        missing_sources = [s for s in row["sources"] if not source_found(s, cited)]
        fact_rate = 1 - len(missing_facts) / len(row["facts"]) if row["facts"] else None
        source_rate = 1 - len(missing_sources) / len(row["sources"]) if row["sources"] else None
        found = [r for r in (fact_rate, source_rate) if r is not None]
        fact_rates += [fact_rate] if fact_rate is not None else []
        source_rates += [source_rate] if source_rate is not None else []
        detail = {"request": row["request"], "status": report.get("status"), "run_id": report.get("run_id"),
                  "missing_facts": missing_facts, "missing_sources": missing_sources, "cited": cited[:50],
                  "seconds": round(seconds[-1], 3), "why": error or ""}  # fmt: skip
        expected = {"facts": row["facts"], "sources": row["sources"]}
        ok = not missing_facts and not missing_sources and error is None
        cases.append(Case(id=str(row["id"]), passed=ok, score=round(sum(found) / len(found), 4), expected=expected,
                          got={"status": report.get("status"), "citations": len(cited)}, detail=detail))  # fmt: skip
        ctx.progress(done, len(rows))
    n = len(cases)
    metrics: dict[str, float | int | None] = {
        "pass_rate": round(sum(c.passed for c in cases) / n, 4),
        "fact_recall": round(sum(fact_rates) / len(fact_rates), 4) if fact_rates else None,
        "source_recall": round(sum(source_rates) / len(source_rates), 4) if source_rates else None,
        "n": n,
        "latency_p50_s": percentile(seconds, 0.5),
        "latency_p95_s": percentile(seconds, 0.95),
    }
    directions = {k: "lower" if k.startswith("latency") else "info" if k == "n" else "higher" for k in metrics}
    plots = [Plot(kind="bar", title="Facts and sources found per request", file="found_per_request.png",
                  x=[c.id for c in cases], y=[c.score or 0.0 for c in cases], ylabel="fraction found")]  # fmt: skip
    return Outcome(metrics=metrics, directions=directions, cases=cases, plots=plots)
