"""Planner dev set: requests with the tool calls a correct plan makes, and the plan accuracy (pure + one loop).

A plan is correct when its steps and the expected steps pair up one to one: the same tool, and every expected
argument equal (literature queries are phrased by the planner, so only their presence is checked).
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agents.plan_models import Plan
from knowledge.common.errors import Ech0Error

DEV_SET = Path(__file__).parent / "data" / "planner_dev.jsonl"


class ExpectedStep(BaseModel):
    tool: str
    args: dict[str, Any] = Field(default_factory=dict)


class DevCase(BaseModel):
    id: str
    request: str
    intents: list[str]
    expected: list[ExpectedStep]


def load_dev_set(path: Path = DEV_SET) -> list[DevCase]:
    if not path.is_file():
        raise Ech0Error(f"planner dev set {path} does not exist")
    cases = [DevCase.model_validate_json(line) for line in path.read_text().splitlines() if line.strip()]
    if not cases:
        raise Ech0Error(f"planner dev set {path} is empty")
    return cases


def _matches(expected: ExpectedStep, tool: str, args: dict[str, Any]) -> bool:
    return expected.tool == tool and all(args.get(k) == v for k, v in expected.args.items())


def plan_is_correct(expected: list[ExpectedStep], plan: Plan) -> bool:
    remaining = [(s.tool, s.args) for s in plan.steps]
    for want in expected:
        hit = next((i for i, (tool, args) in enumerate(remaining) if _matches(want, tool, args)), None)
        if hit is None:
            return False
        remaining.pop(hit)
    return not remaining


def evaluate_plans(cases: list[DevCase], plan: Callable[[str], Plan]) -> dict[str, Any]:
    """Accuracy overall and per intent, with each miss (expected vs planned) for reading."""
    by_intent: dict[str, list[bool]] = defaultdict(list)
    misses = []
    correct = 0
    for case in cases:
        try:
            planned = plan(case.request)
            ok = plan_is_correct(case.expected, planned)
            got = [{"tool": s.tool, "args": s.args} for s in planned.steps]
        except Ech0Error as exc:
            ok, got = False, [{"error": str(exc)}]
        correct += ok
        for intent in case.intents:
            by_intent[intent].append(ok)
        if not ok:
            misses.append({"id": case.id, "expected": [e.model_dump() for e in case.expected], "planned": got})
    return {
        "n": len(cases),
        "plan_accuracy": round(correct / len(cases), 4),
        "by_intent": {k: round(sum(v) / len(v), 4) for k, v in sorted(by_intent.items())},
        "misses": misses,
    }


def measure_latency(cases: list[DevCase], ask: Callable[[str], dict[str, Any]], progress=None) -> dict[str, Any]:
    """Wall time of each answered request after one warm-up request (models and indexes loaded)."""
    ask(cases[0].request)
    seconds, statuses = [], defaultdict(int)
    for case in cases:
        started = time.perf_counter()
        try:
            statuses[ask(case.request).get("status", "done")] += 1
        except Ech0Error:
            statuses["error"] += 1
        seconds.append(time.perf_counter() - started)
        if progress:
            progress(1)
    ordered = sorted(seconds)
    return {
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 3),
        "max_s": round(ordered[-1], 3),
        "statuses": dict(statuses),
    }


def dump(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2)
