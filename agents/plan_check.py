"""Checks an LLM planner's tool calls before anything runs (pure).

Each call is validated against its tool's argument schema. A `compound` the request never mentions is an
invention: the step is dropped. A required argument the model left out (or gave in a form the schema refuses)
is filled from the rules planner's step for the same tool when there is one; otherwise the step is dropped.
Every repair and every drop comes back as a note that says why, so the report can show it.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from agents.plan_models import Plan, PlanStep


class ToolCall(BaseModel):
    """One tool call as the model made it."""

    name: str
    args: dict[str, Any]


class CheckedPlan(BaseModel):
    steps: list[PlanStep]
    notes: list[str]


def mentioned(compound: str, request: str, known: list[str]) -> bool:
    """Whether `compound` is in the request (a name, case-insensitive, or a SMILES as written) or in `known`."""
    text = compound.strip()
    if not text:
        return False
    if text in request or text.lower() in (k.lower() for k in known):
        return True
    return re.search(rf"(?<!\w){re.escape(text)}(?!\w)", request, re.IGNORECASE) is not None


def _rules_step(tool: str, args: dict[str, Any], rules: Plan | None) -> PlanStep | None:
    """The rules plan's step for the same tool: the one about the same compound first."""
    same = [s for s in (rules.steps if rules else []) if s.tool == tool]
    compound = args.get("compound")
    return next((s for s in same if compound is not None and s.args.get("compound") == compound), None) or (
        same[0] if same else None
    )


def _bad_fields(error: ValidationError) -> tuple[list[str], list[str]]:
    """(missing, invalid) top-level argument names of a validation error."""
    missing, invalid = [], []
    for e in error.errors():
        field = str(e["loc"][0]) if e["loc"] else "(arguments)"
        (missing if e["type"] == "missing" else invalid).append(field)
    return sorted(set(missing)), sorted(set(invalid) - set(missing))


def check_step(
    call: ToolCall, schema: type[BaseModel], request: str, rules: Plan | None
) -> tuple[dict[str, Any] | None, str | None]:
    """(validated args, note) of one call: args None when the step is dropped; a note when dropped or repaired."""
    label = f"{call.name} {call.args}"
    compound = call.args.get("compound")
    known = rules.compounds if rules else []
    if isinstance(compound, str) and not mentioned(compound, request, known):
        return None, f"Dropped the planned step {label}: the compound {compound!r} is not in the request."
    try:
        return schema.model_validate(call.args).model_dump(exclude_none=True), None
    except ValidationError as exc:
        missing, invalid = _bad_fields(exc)
    fallback = _rules_step(call.name, call.args, rules)
    wrong = [f"missing {', '.join(missing)}"] * bool(missing) + [f"invalid {', '.join(invalid)}"] * bool(invalid)
    if fallback is None or any(f not in fallback.args for f in missing + invalid):
        return None, f"Dropped the planned step {label}: {'; '.join(wrong)}, and the rules plan has no such step."
    repaired = {k: v for k, v in call.args.items() if k not in invalid} | {
        f: fallback.args[f] for f in missing + invalid
    }
    try:
        args = schema.model_validate(repaired).model_dump(exclude_none=True)
    except ValidationError as exc:
        return None, f"Dropped the planned step {label}: {'; '.join(wrong)}; the repair failed too ({exc.errors()})."
    filled = ", ".join(f"{f}={fallback.args[f]!r}" for f in missing + invalid)
    return args, f"Repaired the planned step {call.name}: {'; '.join(wrong)}; took {filled} from the rules plan."


def check_plan(
    calls: list[ToolCall], schemas: dict[str, type[BaseModel]], request: str, rules: Plan | None, who: str
) -> CheckedPlan:
    """The calls that may run, as numbered plan steps, and a note for each call repaired or dropped.

    `schemas` maps each allowed tool to its argument schema; `rules` is the rules planner's plan for the same
    request (None when it could not plan it); `who` names the planner in each step's purpose.
    """
    steps: list[PlanStep] = []
    notes: list[str] = []
    for call in calls:
        schema = schemas.get(call.name)
        if schema is None:
            notes.append(f"Dropped the planned step {call.name}: not an allowed tool.")
            continue
        args, note = check_step(call, schema, request, rules)
        if note:
            notes.append(note)
        if args is not None:
            purpose = f"{who} planner" + (" (repaired from the rules plan)" if note else "")
            steps.append(PlanStep(id=f"s{len(steps) + 1}", tool=call.name, args=args, purpose=purpose))
    return CheckedPlan(steps=steps, notes=notes)
