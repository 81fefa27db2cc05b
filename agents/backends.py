"""LLM backends behind one protocol. `rules` is the deterministic default and needs no model."""

from __future__ import annotations

from typing import Any, Protocol

from agents.plan import Plan
from agents.report import Report
from agents.rules_planner import CompoundNames, plan_request
from agents.synthesis import synthesize_report


class Backend(Protocol):
    name: str

    def plan(self, request: str) -> Plan: ...

    def synthesize(self, run_id: str, request: str, results: list[dict[str, Any]]) -> Report: ...


class RulesBackend:
    """Plans from compound mentions and literature cues; writes a templated report quoting tool outputs."""

    name = "rules"

    def __init__(self, names: CompoundNames) -> None:
        self.names = names

    def plan(self, request: str) -> Plan:
        return plan_request(request, self.names)

    def synthesize(self, run_id: str, request: str, results: list[dict[str, Any]]) -> Report:
        return synthesize_report(run_id, request, results)
