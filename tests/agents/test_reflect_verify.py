"""Reflection and claim verification (pure logic), and re-planning through the real LangGraph graph."""

from langchain_core.tools import StructuredTool

from agents.backends import RulesBackend
from agents.graph import build_graph
from agents.issues import review, should_replan
from agents.report import Citation, Claim, Report
from agents.store import RunStore
from agents.verify import citation_sources, verify_report


def _result(step_id, tool, ok=True, data=None, error=None, args=None):
    return {"step_id": step_id, "tool": tool, "args": args or {}, "ok": ok, "data": data, "error": error, "seconds": 0}


def test_review_finds_failures_empty_searches_and_out_of_domain_predictions():
    results = [
        _result("s1", "compute_properties", ok=False, error="invalid SMILES 'C1CC'"),
        _result("s2", "literature_search", data={"passages": []}, args={"query": "metformin; glioma"}),
        _result("s3", "predict_admet", data={"predictions": [
            {"endpoint": "bbb", "label": "X", "in_domain": False, "similarity": 0.12},
            {"endpoint": "solubility", "label": "X", "in_domain": True, "similarity": 0.8},
        ]}),
    ]  # fmt: skip
    issues = review(results)
    assert [(i.step_id, i.kind, i.retryable) for i in issues] == [
        ("s1", "failed", False),
        ("s2", "empty", True),
        ("s3", "low_confidence", False),
    ]
    assert "0.12" in issues[2].message
    assert should_replan(issues, attempt=0, max_replans=1)
    assert not should_replan(issues, attempt=1, max_replans=1)


def _report(claims, citations):
    return Report(run_id="r", request="q", claims=claims, citations=citations, sections=[])


def test_verification_drops_misquoted_numbers_and_unresolvable_citations():
    data = {"experiment_id": "exp-1", "outputs": {"properties": {"molecular_weight": 129.17}}}
    sources = citation_sources([_result("s1", "compute_properties", data=data)])
    report = _report(
        [
            Claim(text="Molecular weight of metformin: 129.17 g/mol.", citations=["exp-1"], section="x"),
            Claim(text="Molecular weight of metformin: 129.2 g/mol.", citations=["exp-1"], section="x"),
            Claim(text="Molecular weight of metformin: 150.3 g/mol.", citations=["exp-1"], section="x"),
            Claim(text="Metformin cures everything.", citations=["pubmed:1"], section="x"),
            Claim(text="An uncited statement.", citations=[], section="x"),
        ],
        [Citation(kind="experiment", id="exp-1", title="t"), Citation(kind="document", id="pubmed:1", title="t")],
    )
    kept = verify_report(report, sources)
    assert [c.text for c in kept.claims] == [
        "Molecular weight of metformin: 129.17 g/mol.",
        "Molecular weight of metformin: 129.2 g/mol.",  # rounding of the cited value is not a misquote
    ]
    assert len(kept.notes) == 3 and any("150.3" in n for n in kept.notes)


class _Names:
    def is_name(self, phrase):
        return False


def test_empty_compound_search_is_replanned_part_by_part(tmp_path):
    calls = []

    def search(query: str) -> dict:
        calls.append(query)
        passages = [] if ";" in query else [{"doc_key": f"doc:{query}", "title": query, "text": query,
                                               "score": 0.9, "evidence": []}]  # fmt: skip
        return {"ok": True, "data": {"query": query, "passages": passages, "threshold": 0.45}, "error": None}

    tool = StructuredTool.from_function(func=search, name="literature_search", description="search")
    graph = build_graph(RulesBackend(_Names()), {"literature_search": tool}, RunStore(f"sqlite:///{tmp_path}/r.db"))
    state = graph.invoke({"run_id": "r1", "request": "What is known about insulin resistance; and about gut flora?"})
    assert calls[0].count(";") == 1 and sorted(calls[1:]) == sorted(p.strip() for p in calls[0].split(";"))
    cited = [c["id"] for c in state["report"]["citations"]]
    assert len(cited) == 2 and all(";" not in c for c in cited)
    assert state["attempt"] == 1 and state["superseded"] == ["s1"]
