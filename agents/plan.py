"""Typed plans: what the planner decides and the act node executes."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PlanStep(BaseModel):
    id: str = Field(description="short unique id within the plan, e.g. 's1'")
    tool: str = Field(description="name of a registered tool")
    args: dict[str, Any] = Field(description="arguments, validated by the tool's schema")
    purpose: str = Field(description="why this step is in the plan, for the report and the run record")


class Plan(BaseModel):
    steps: list[PlanStep]
    literature_query: str | None = None
    compounds: list[str] = Field(default_factory=list, description="compound names and SMILES found in the request")
