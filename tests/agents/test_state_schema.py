"""The graph's state, input, output and context have JSON schemas (what LangGraph Studio renders), and the typed
state mirrors the pydantic models whose dumps it holds."""

import pytest
from pydantic import TypeAdapter

from agents.backends import RulesBackend
from agents.graph import build_graph
from agents.issues import Issue
from agents.plan_models import AnswerSpec, PlanStep
from agents.report import Citation, Claim, Report, Section
from agents.state import (
    AnswerSpecData,
    CitationData,
    ClaimData,
    IssueData,
    PlanStepData,
    ReportData,
    ResearchState,
    SectionData,
    StepInput,
)
from agents.store import RunStore


class _NoNames:
    def is_name(self, phrase):
        return False


@pytest.fixture
def graph(tmp_path):
    return build_graph(RulesBackend(_NoNames()), {}, RunStore(f"sqlite:///{tmp_path}/r.db"))


def test_graph_input_output_state_and_context_have_json_schemas(graph):
    inputs = graph.get_input_jsonschema()
    # the run id and a conversation's earlier turns are optional
    assert set(inputs["properties"]) == {"run_id", "request", "history"} and inputs["required"] == ["request"]
    outputs = graph.get_output_jsonschema()
    assert {"plan", "results", "issues", "report", "options"} <= set(outputs["properties"])
    state = TypeAdapter(ResearchState).json_schema()
    report = state["$defs"]["ReportData"]
    assert {"claims", "citations", "answer", "report_markdown"} <= set(report["properties"])
    issue_kinds = state["$defs"]["IssueData"]["properties"]["kind"]["enum"]
    assert issue_kinds == ["failed", "empty", "low_confidence", "rejected"]
    assert TypeAdapter(StepInput).json_schema()["required"] == ["run_id", "step", "options"]
    context = graph.get_context_jsonschema()
    assert set(context["properties"]) == {"backend", "max_replans", "approval"}
    assert all(field["description"] for field in context["properties"].values())


_SAMPLES = [
    (PlanStepData, PlanStep(id="s1", tool="literature_search", args={"query": "q"}, purpose="p")),
    (AnswerSpecData, AnswerSpec(step="s1", field="value")),
    (IssueData, Issue(step_id="s1", tool="t", kind="empty", message="m", retryable=True)),
    (CitationData, Citation(kind="document", id="scifact:1", title="t", detail={"year": 2020})),
    (ClaimData, Claim(text="c", citations=["scifact:1"], section="Findings")),
    (SectionData, Section(heading="h", paragraphs=["p"])),
]


@pytest.mark.parametrize(("typed", "model"), _SAMPLES, ids=lambda x: getattr(x, "__name__", ""))
def test_state_types_match_the_model_dumps(typed, model):
    assert set(typed.__annotations__) == set(type(model).model_fields)
    dumped = model.model_dump(mode="json")
    assert TypeAdapter(typed).validate_python(dumped) == dumped


def test_report_data_is_the_report_dump_with_its_markdown():
    report = Report(run_id="r", request="q", claims=[], citations=[], sections=[], answer=2)
    assert set(ReportData.__annotations__) == set(Report.model_fields) | {"report_markdown"}
    data = {**report.model_dump(mode="json"), "report_markdown": "# r"}
    assert TypeAdapter(ReportData).validate_python(data) == data
