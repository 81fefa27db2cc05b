"""LLM backends behind one protocol. `rules` is the deterministic default and needs no model."""

from __future__ import annotations

from typing import Any, Protocol

from agents.issues import Issue
from agents.plan_models import Plan, PlanStep
from agents.report import Report
from agents.rules_planner import CompoundNames, plan_request
from agents.templated_writer import synthesize_report
from agents.understanding.classifier import IntentClassifier


class Backend(Protocol):
    name: str

    def plan(self, request: str) -> Plan: ...

    def replan(self, request: str, results: list[dict[str, Any]], issues: list[Issue], attempt: int) -> Plan | None:
        """New steps for the retryable issues, or None when nothing better can be tried."""
        ...

    def synthesize(self, run_id: str, request: str, results: list[dict[str, Any]]) -> Report: ...


def split_literature_retries(results: list[dict[str, Any]], issues: list[Issue]) -> list[PlanStep]:
    """A compound literature query that found nothing is searched again part by part."""
    by_step = {r["step_id"]: r for r in results}
    steps: list[PlanStep] = []
    for issue in issues:
        if not issue.retryable or issue.tool != "literature_search":
            continue
        query = by_step[issue.step_id]["args"]["query"]
        for part in (p.strip() for p in query.split(";")):
            if part and part != query:
                purpose = f"retry of {issue.step_id}: search one part of the question"
                steps.append(PlanStep(id="", tool="literature_search", args={"query": part}, purpose=purpose))
    return steps


class RulesBackend:
    """Plans from compound mentions and literature cues; writes a templated report quoting tool outputs."""

    name = "rules"

    def __init__(self, names: CompoundNames, classifier: IntentClassifier | None = None) -> None:
        self.names = names
        self.classifier = classifier

    def plan(self, request: str) -> Plan:
        return plan_request(request, self.names, self.classifier)

    def replan(self, request: str, results: list[dict[str, Any]], issues: list[Issue], attempt: int) -> Plan | None:
        steps = split_literature_retries(results, issues)
        return Plan(steps=steps) if steps else None

    def synthesize(self, run_id: str, request: str, results: list[dict[str, Any]]) -> Report:
        return synthesize_report(run_id, request, results)
