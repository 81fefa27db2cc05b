"""The short answer of a report: the values its single-value questions asked for, read from tool results (pure)."""

from __future__ import annotations

from typing import Any

from agents.plan_models import AnswerSpec


class _Missing(Exception):
    """The answer's path is not in the step's data (the tool returned less than the plan expected)."""


def _lookup(data: Any, path: str) -> Any:
    """A value by dotted path; a number indexes a list, `*` maps the rest of the path over a list."""
    keys = path.split(".")
    for i, key in enumerate(keys):
        if key == "*" and isinstance(data, list):
            rest = ".".join(keys[i + 1 :])
            return [_lookup(item, rest) if rest else item for item in data]
        if isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        elif isinstance(data, dict) and key in data:
            data = data[key]
        else:
            raise _Missing(path)
    return data


def _yes_no(value: Any) -> str:
    """'yes' for a positive count, a true flag or the positive class label ('1'), else 'no'."""
    if isinstance(value, str):
        return "yes" if value.strip().lower() in ("1", "1.0", "true", "yes", "positive") else "no"
    return "yes" if value and value > 0 else "no"


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
        elif spec.form == "yes_if_positive":
            value = _yes_no(value)
        values.append(value)
    if not values:
        return None
    return values[0] if len(specs) == 1 else values
