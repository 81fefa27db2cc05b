"""The whole path on real components: LangGraph graph, tools, qdrant-edge, MiniLM, RDKit, SQLite."""

import pytest

from knowledge.corpus import corpus_lookup
from tests.conftest import MINI_CORPUS

SAMPLE = (
    "What does the literature say about metformin and cancer? Also compute the drug-likeness properties of metformin."
)


@pytest.fixture(scope="module")
def corpus():
    return corpus_lookup(MINI_CORPUS)


def test_sample_request_gives_a_cited_report(runtime, corpus):
    result = runtime.research.ask(SAMPLE)
    citations = {c["id"]: c for c in result["citations"]}
    documents = [c for c in result["citations"] if c["kind"] == "document"]
    assert len(documents) >= 3
    for doc in documents:
        assert doc["id"] in corpus and doc["title"] == corpus[doc["id"]].title
        for s, e in doc["detail"]["sentences"]:
            assert corpus[doc["id"]].text[s:e] in result["report_markdown"]
    assert "drugcentral:1725" in citations
    experiments = [c for c in result["citations"] if c["kind"] == "experiment"]
    assert len(experiments) == 1
    exp_id = experiments[0]["id"]
    stored = runtime.labs.store.get(exp_id)
    assert stored is not None and stored.params == {"smiles": "CN(C)C(=N)NC(N)=N"}
    # Each property value is a claim citing the experiment, and appears in the table.
    property_claims = [c for c in result["claims"] if c["citations"] == [exp_id]]
    assert len(property_claims) >= 12
    assert "Molecular weight of metformin: 129.17 g/mol." in [c["text"] for c in property_claims]
    number = [c["id"] for c in result["citations"]].index(exp_id) + 1
    assert f"| Molecular weight (g/mol) | 129.17 | [{number}] |" in result["report_markdown"]
    # Every claim cites something that is in the citation list.
    for claim in result["claims"]:
        assert claim["citations"] and all(c in citations for c in claim["citations"])


def test_run_and_steps_are_recorded(runtime):
    result = runtime.research.ask(SAMPLE)
    run = runtime.runs.get_run(result["run_id"])
    assert run["request"] == SAMPLE
    assert [s["tool"] for s in run["steps"]] == ["compound_lookup", "compute_properties", "literature_search"]
    assert all(s["ok"] for s in run["steps"])
    assert run["report"]["report_markdown"] == result["report_markdown"]


def test_no_relevant_literature_is_said_and_nothing_is_cited(runtime):
    result = runtime.research.ask("What does the literature say about orbital mechanics of geostationary satellites?")
    assert not [c for c in result["citations"] if c["kind"] == "document"]
    assert any("No relevant literature" in n for n in result["notes"])
    assert "No relevant literature" in result["report_markdown"]


def test_failed_step_is_reported_not_fatal(runtime, monkeypatch):
    # A literature step that fails is reported in the notes; the chemistry still gets reported.
    from knowledge.common.errors import Ech0Error

    def failing_search(query, **options):
        raise Ech0Error(f"search for {query!r} failed")

    monkeypatch.setattr(runtime.retriever, "search", failing_search)
    result = runtime.research.ask(SAMPLE)
    assert any("search for 'metformin and cancer' failed" in n for n in result["notes"])
    assert any(c["kind"] == "experiment" for c in result["citations"])
    assert not [c for c in result["citations"] if c["kind"] == "document"]
    # the run lost its literature: partial, never done, and the run store says so too
    assert result["status"] == "partial" and "literature_search" in result["lost"][0]
    assert runtime.runs.status(result["run_id"])["status"] == "partial"


def test_missing_index_stops_the_run_with_the_fix(runtime, monkeypatch):
    import pytest

    from knowledge.common.errors import IndexMissingError

    def missing():
        raise IndexMissingError("no literature index at /nowhere: build it with `ech0 index build`")

    runtime.retriever._index = None
    monkeypatch.setattr(runtime.retriever, "_index_factory", missing)
    with pytest.raises(IndexMissingError, match="ech0 index build"):
        runtime.research.ask(SAMPLE)
    # A request that needs no literature still works without an index.
    result = runtime.research.ask("Compute the properties of metformin")
    assert any(c["kind"] == "experiment" for c in result["citations"])


def test_langgraph_json_points_at_a_graph_factory(built_data_dir, monkeypatch):
    import importlib
    import json
    from pathlib import Path

    config = json.loads((Path(__file__).resolve().parents[2] / "langgraph.json").read_text())
    module_path, attr = config["graphs"]["ech0"].split(":")
    module = importlib.import_module(module_path.removeprefix("./").removesuffix(".py").replace("/", "."))
    monkeypatch.setenv("ECH0_DATA_DIR", str(built_data_dir))
    graph = getattr(module, attr)()
    assert {"plan", "act", "synthesize", "record"} <= set(graph.get_graph().nodes)


def test_streamed_run_reports_plan_steps_and_the_same_result(runtime):
    events = list(runtime.research.stream("How many rings are in c1ccc2ccccc2c1? What is known about metformin?"))
    kinds = [e["event"] for e in events]
    assert kinds[0] == "plan" and kinds[-1] == "result" and "report" in kinds
    steps = [e for e in events if e["event"] == "step"]
    assert {s["tool"] for s in steps} == {e["tool"] for e in events[0]["steps"]}
    assert events[-1]["answer"] == 2 and events[-1]["status"] == "done"
