"""The short answer of a report: the values its single-value questions asked for, read from tool results (pure)."""

from __future__ import annotations

from typing import Any

from agents.plan import AnswerSpec


class _Missing(Exception):
    pass


def _lookup(data: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(data, dict) or key not in data:
            raise _Missing(path)
        data = data[key]
    return data


def resolve_answer(specs: list[AnswerSpec], results: list[dict[str, Any]]) -> Any:
    """One value for one question, a list for several, None when no question was asked or none succeeded.

    Values come only from successful tool results, never from text, so the answer is as exact as the tool.
    """
    by_step = {r["step_id"]: r for r in results}
    values = []
    for spec in specs:
        result = by_step.get(spec.step)
        if result is None or not result["ok"]:
            continue
        try:
            value = _lookup(result["data"], spec.field)
        except _Missing:
            continue
        if spec.form == "yes_if_at_most_one":
            value = "yes" if value <= 1 else "no"
        values.append(value)
    if not values:
        return None
    return values[0] if len(specs) == 1 else values
