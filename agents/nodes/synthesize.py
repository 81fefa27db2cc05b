"""synthesize: write the cited report, keep only verifiable claims, state each weak spot, add the answer."""

from __future__ import annotations

from typing import Literal

from langgraph.runtime import Runtime
from langgraph.types import Command

from agents.answer import resolve_answer
from agents.context import RunContext, RunSetup
from agents.issues import Issue
from agents.plan_models import AnswerSpec
from agents.report import Report, render_markdown
from agents.state import ReportData, ResearchState
from agents.verify import citation_sources, verify_report


def make_synthesize_node(setup: RunSetup):
    def synthesize(state: ResearchState, runtime: Runtime[RunContext]) -> Command[Literal["record"]]:
        options = state.get("options") or setup.options(runtime.context)
        superseded = set(state.get("superseded", []))
        results = [r for r in state.get("results", []) if r["step_id"] not in superseded]
        if state.get("reply"):
            report = Report(run_id=state["run_id"], request=state["request"], claims=[], citations=[], sections=[],
                            reply=state["reply"])  # fmt: skip
        else:
            report = setup.backend_named(options["backend"]).synthesize(state["run_id"], state["request"], results)
            report = verify_report(report, citation_sources(results))
        report.parts = state.get("parts", [])
        report.notes = list(state.get("plan_notes", [])) + report.notes
        for issue in map(Issue.model_validate, state.get("issues", [])):
            if issue.kind in ("low_confidence", "rejected"):
                report.notes.append(f"Step {issue.step_id} ({issue.tool}): {issue.message}")
        report.answer = resolve_answer([AnswerSpec(**a) for a in state.get("answers", [])], results)
        data = ReportData(**report.model_dump(mode="json"), report_markdown=render_markdown(report))
        runtime.stream_writer({"event": "report", "run_id": state["run_id"]})
        return Command(update={"report": data}, goto="record")

    return synthesize
