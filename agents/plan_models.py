"""Typed plans: what the planner decides and the act node executes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from agents.understanding.layer import Part


class PlanStep(BaseModel):
    id: str = Field(description="short unique id within the plan, e.g. 's1'")
    tool: str = Field(description="name of a registered tool")
    args: dict[str, Any] = Field(description="arguments, validated by the tool's schema")
    purpose: str = Field(description="why this step is in the plan, for the report and the run record")


class AnswerSpec(BaseModel):
    """Where the short answer to a single-value question is found in a step's result."""

    step: str = Field(description="id of the step whose result holds the value")
    field: str = Field(description="dotted path into the step's data, e.g. 'value' or 'outputs.formula'")
    form: Literal["value", "yes_if_at_most_one", "yes_if_positive"] = Field(
        "value",
        description="'yes_if_at_most_one': a Lipinski verdict from the violation count; 'yes_if_positive': yes "
        "for a positive count or class",
    )


class Plan(BaseModel):
    steps: list[PlanStep]
    answers: list[AnswerSpec] = Field(default_factory=list, description="single values the request asks for")
    literature_query: str | None = None
    compounds: list[str] = Field(default_factory=list, description="compound names and SMILES found in the request")
    parts: list[Part] = Field(default_factory=list, description="each clause of the request and what became of it")
    notes: list[str] = Field(
        default_factory=list, description="parts not planned (not understood, unresolved, unsupported) and why"
    )
    background: list[str] = Field(
        default_factory=list, description="ids of steps added for context (a named compound's record and properties)"
    )
    conversation: str | None = Field(None, description="the conversation intent a reply answers")
    reply: str | None = Field(None, description="the answer to a conversational request; such a plan has no steps")
