"""Two runs of one suite side by side: metric deltas judged by their direction, and per-case flips."""

from __future__ import annotations

from typing import Any

from evals.harness.base import EvalRun
from knowledge.common.errors import Ech0Error

EPSILON = 1e-9
# Wall-clock figures depend on the machine and its load as much as on the code: they are shown with their verdict,
# but a slower run is not a regression of the suite (two runs of the same code on a busy machine differ).
TIMING_PREFIXES = ("latency",)


def is_timing(metric: str) -> bool:
    return metric.startswith(TIMING_PREFIXES)


def _status(direction: str, before: Any, after: Any) -> str:
    if before is None or after is None:
        return "missing" if before is None and after is None else "changed"
    delta = after - before
    if direction == "info" or abs(delta) <= EPSILON:
        return "same" if abs(delta) <= EPSILON else "changed"
    better = delta > 0 if direction == "higher" else delta < 0
    return "improved" if better else "regressed"


def compare(a: EvalRun, b: EvalRun) -> dict[str, Any]:
    """B against A (the baseline): each metric's delta and verdict, and the cases that flipped either way."""
    if a.suite != b.suite:
        raise Ech0Error(f"run {a.run_id} is a {a.suite} run and {b.run_id} a {b.suite} run: compare runs of one suite")
    metrics = []
    for key in dict.fromkeys([*a.metrics, *b.metrics]):
        before, after = a.metrics.get(key), b.metrics.get(key)
        direction = b.directions.get(key) or a.directions.get(key) or "info"
        delta = None if before is None or after is None else round(after - before, 6)
        metrics.append({"metric": key, "a": before, "b": after, "delta": delta, "direction": direction,
                        "status": _status(direction, before, after)})  # fmt: skip
    cases_a, cases_b = {c.id: c for c in a.cases}, {c.id: c for c in b.cases}
    common = [i for i in cases_a if i in cases_b]
    regressions = [i for i in common if cases_a[i].passed and not cases_b[i].passed]
    fixes = [i for i in common if not cases_a[i].passed and cases_b[i].passed]
    worse = [m["metric"] for m in metrics if m["status"] == "regressed"]
    return {
        "suite": a.suite,
        "a": a.run_id,
        "b": b.run_id,
        "metrics": metrics,
        "regressed_metrics": [m for m in worse if not is_timing(m)],
        "slower_metrics": [m for m in worse if is_timing(m)],
        "case_regressions": [
            {"id": i, "a": cases_a[i].got, "b": cases_b[i].got, "expected": cases_b[i].expected} for i in regressions
        ],
        "case_fixes": fixes,
        "cases_only_in_a": [i for i in cases_a if i not in cases_b],
        "cases_only_in_b": [i for i in cases_b if i not in cases_a],
        "regressed": bool(regressions) or any(not is_timing(m) for m in worse),
    }


def _fmt(value: Any) -> str:
    return "—" if value is None else f"{value:.4g}" if isinstance(value, float) else str(value)


def render(result: dict[str, Any]) -> str:
    lines = [f"{result['suite']}: {result['a']} (A) → {result['b']} (B)",
             f"{'metric':<28} {'A':>10} {'B':>10} {'delta':>10}  verdict"]  # fmt: skip
    for m in result["metrics"]:
        delta = "—" if m["delta"] is None else f"{m['delta']:+.4g}"
        mark = {"regressed": "REGRESSED", "improved": "improved"}.get(m["status"], m["status"])
        if is_timing(m["metric"]) and m["status"] in ("regressed", "improved"):
            mark = "slower (timing: not gated)" if m["status"] == "regressed" else "faster"
        lines.append(f"{m['metric']:<28} {_fmt(m['a']):>10} {_fmt(m['b']):>10} {delta:>10}  {mark}")
    if result["case_regressions"]:
        lines.append(f"\n{len(result['case_regressions'])} case(s) passed in A and fail in B:")
        for c in result["case_regressions"][:50]:
            lines.append(f"  {c['id']}: expected {_fmt(c['expected'])}; A gave {_fmt(c['a'])}, B gives {_fmt(c['b'])}")
    if result["case_fixes"]:
        lines.append(
            f"\n{len(result['case_fixes'])} case(s) fail in A and pass in B: {', '.join(result['case_fixes'][:50])}"
        )
    for side in ("a", "b"):
        only = result[f"cases_only_in_{side}"]
        if only:
            lines.append(f"\n{len(only)} case(s) only in {side.upper()}: {', '.join(only[:20])}")
    lines.append("\nno regressions" if not result["regressed"] else "\nregressions found")
    return "\n".join(lines)
