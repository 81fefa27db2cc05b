"""Graph state: the request, the plan, step results (merged across parallel branches) and the report."""

from __future__ import annotations

import operator
from typing import Annotated, Any, NotRequired, TypedDict


class StepResult(TypedDict):
    step_id: str
    tool: str
    args: dict[str, Any]
    ok: bool
    data: dict[str, Any] | None
    error: str | None
    seconds: float
    rejected: NotRequired[bool]  # an expensive step a person declined to approve


class ResearchState(TypedDict, total=False):
    run_id: str
    request: str
    plan: list[dict[str, Any]]
    answers: list[dict[str, Any]]  # AnswerSpec dicts: where the short answer is read from
    results: Annotated[list[StepResult], operator.add]
    attempt: int  # re-plans so far
    issues: list[dict[str, Any]]  # the last reflection's findings (Issue dicts)
    superseded: list[str]  # steps a re-plan retried: the report uses the retries instead
    report: dict[str, Any]


class StepInput(TypedDict):
    """What one parallel `act` branch receives through `Send`."""

    run_id: str
    step: dict[str, Any]
