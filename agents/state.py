"""Graph state, typed: the request, the plan, step results (merged across parallel branches) and the report.

Values are the JSON forms the pydantic models dump (`PlanStep`, `AnswerSpec`, `Issue`, `Report`), so that
checkpoints stay plain data. `typing_extensions.TypedDict`, not `typing.TypedDict`: pydantic builds JSON schemas
(LangGraph Studio's input form, `TypeAdapter(ResearchState)`) only from the former on Python 3.11.
"""

from __future__ import annotations

import operator
from typing import Annotated, Any, Literal, NotRequired

from typing_extensions import TypedDict

from agents.issues import IssueKind

# 'expensive': steps the tool registry marks expensive wait for a person's approval; 'never': nothing waits;
# 'always': every step waits
ApprovalPolicy = Literal["expensive", "never", "always"]


class PlanStepData(TypedDict):
    """A `PlanStep` dumped: one typed tool call."""

    id: str
    tool: str
    args: dict[str, Any]
    purpose: str


class AnswerSpecData(TypedDict):
    """An `AnswerSpec` dumped: where the short answer is read from."""

    step: str
    field: str
    form: Literal["value", "yes_if_at_most_one", "yes_if_positive"]


class IssueData(TypedDict):
    """An `Issue` dumped: one weak spot the reflect node found."""

    step_id: str
    tool: str
    kind: IssueKind
    message: str
    retryable: bool


class CitationData(TypedDict):
    kind: Literal["document", "compound", "experiment", "model", "dataset"]
    id: str
    title: str
    detail: dict[str, Any]


class ClaimData(TypedDict):
    text: str
    citations: list[str]
    section: str


class SectionData(TypedDict):
    heading: str
    paragraphs: list[str]


class PartData(TypedDict):
    """A `Part` dumped: one clause of the request, its intent, and whether it was planned (else why not)."""

    text: str
    intent: str | None
    score: float | None
    status: str
    hint: str | None


class ReportData(TypedDict):
    """A `Report` dumped (JSON mode), with its markdown rendering."""

    run_id: str
    request: str
    claims: list[ClaimData]
    citations: list[CitationData]
    sections: list[SectionData]
    notes: list[str]
    answer: Any  # a single value, or a list for several
    reply: NotRequired[str | None]  # the answer to a conversational request
    parts: NotRequired[list[PartData]]  # each clause of the request and what became of it
    report_markdown: str


class StepResult(TypedDict):
    step_id: str
    tool: str
    args: dict[str, Any]
    ok: bool
    data: dict[str, Any] | None
    error: str | None
    seconds: float
    rejected: NotRequired[bool]  # an expensive step a person declined to approve


class RunOptions(TypedDict):
    """What a run uses, fixed when it starts (its context over the graph's defaults) and kept in its checkpoints,
    so that a resumed run goes on as it began."""

    backend: str
    max_replans: int
    approval: ApprovalPolicy


class ResearchInput(TypedDict):
    """What a run starts from (Studio's input form): the request, and the run id when the caller names the run
    (the CLI and the API do); without one the plan node names the run after its LangGraph thread."""

    request: str
    run_id: NotRequired[str]
    history: NotRequired[list[str]]  # earlier user turns of the conversation, oldest first (for follow-ups)


class ResearchState(TypedDict, total=False):
    run_id: str
    request: str
    history: list[str]
    options: RunOptions
    plan: list[PlanStepData]
    answers: list[AnswerSpecData]
    parts: list[PartData]  # the planner's reading of the request, clause by clause
    plan_notes: list[str]  # parts not planned, and why
    reply: str | None  # a conversational request's answer (the plan then has no steps)
    results: Annotated[list[StepResult], operator.add]  # each parallel act branch adds its own
    attempt: int  # re-plans so far
    issues: list[IssueData]  # the last reflection's findings
    superseded: list[str]  # steps a re-plan retried: the report uses the retries instead
    report: ReportData


class StepInput(TypedDict):
    """What one parallel `act` branch receives through `Send`."""

    run_id: str
    step: PlanStepData
    options: RunOptions
