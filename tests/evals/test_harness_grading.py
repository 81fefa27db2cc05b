"""Eval harness without ECH0: answer grading, the dev suites' files, run folders and their comparison."""

from __future__ import annotations

import json

import pytest

from evals.harness import SUITES
from evals.harness.base import Case, EvalRun, list_runs, load_run, percentile, write_run
from evals.harness.chemqa import load_cases
from evals.harness.compare import compare, render
from evals.harness.grading import grade, is_isomorphism
from evals.harness.research import fact_found, numbers_in, source_found
from evals.suites import DEV_SUITES
from knowledge.common.errors import Ech0Error


def _case(answer, kind, **extra):
    return {"answer": answer, "answer_type": kind, **extra}


def test_grading_by_answer_type():
    assert (
        grade(_case(9, "integer"), 9)[0] and grade(_case(9, "integer"), "9")[0] and grade(_case(9, "integer"), 9.0)[0]
    )
    assert not grade(_case(9, "integer"), 9.5)[0] and not grade(_case(9, "integer"), None)[0]
    assert grade(_case(129.17, "number", tolerance=0.01), 129.165)[0]
    assert not grade(_case(129.17, "number", tolerance=0.01), 129.2)[0]
    assert grade(_case("CCO", "smiles"), "OCC")[0] and grade(_case("c1ccccc1", "smiles"), "C1=CC=CC=C1")[0]
    right, why = grade(_case("CCO", "smiles"), "C1CC(=O")
    assert not right and "not a parsable SMILES" in why
    assert grade(_case("C4H11N5", "text"), " c4h11n5 ")[0] and not grade(_case("C4H11N5", "text"), "C4H11N4")[0]
    assert grade(_case([1, "yes", 2.5], "list", tolerance=0.01), [1, "YES", 2.501])[0]
    assert not grade(_case([1, 2], "list"), [2, 1])[0] and not grade(_case([1, 2], "list"), 1)[0]
    with pytest.raises(ValueError):
        grade(_case(1, "colour"), 1)


def test_atom_mappings_compare_as_sets_or_as_any_isomorphism():
    expected = [[0, 2], [1, 1], [2, 0]]
    assert grade(_case(expected, "list"), [[2, 0], [0, 2], [1, 1]])[0]  # order does not matter
    # benzene onto itself rotated: not the listed pairs, but a valid isomorphism when the structures are given
    ring = _case([[i, i] for i in range(6)], "list", smiles_a="c1ccccc1", smiles_b="c1ccccc1")
    rotated = [[i, (i + 1) % 6] for i in range(6)]
    assert grade(ring, rotated)[0]
    assert not grade({**ring, "smiles_a": None}, rotated)[0]
    assert not grade(ring, [[0, 0], [1, 2], [2, 1], [3, 3], [4, 4], [5, 5]])[0]  # breaks bonds
    assert is_isomorphism([(0, 2), (1, 1), (2, 0)], "CCO", "OCC")
    assert not is_isomorphism([(0, 0), (1, 1), (2, 2)], "CCO", "OCC")  # O onto C
    assert not is_isomorphism([(0, 2), (1, 1)], "CCO", "OCC")  # not every atom
    assert not is_isomorphism([(0, 1), (1, 1), (2, 0)], "CCO", "OCC")  # not one to one
    assert not grade(_case(expected, "list"), [[0, "x"]])[0]


def test_research_facts_and_sources():
    text = "Metformin weighs 129.17 g/mol; its formula is C4H11N5 and logP −1.03."
    numbers = numbers_in(text)
    assert 129.17 in numbers and -1.03 in numbers and 11 not in numbers  # digits inside a formula are not numbers
    assert fact_found("c4h11n5", text, numbers) and fact_found({"number": 129.2, "tolerance": 0.05}, text, numbers)
    assert not fact_found({"number": 4}, text, numbers)
    cited = ["drugcentral:1725", "exp-1af0", "scifact:13466622"]
    assert source_found("scifact:", cited) and source_found("exp-*", cited) and source_found("drugcentral:1725", cited)
    assert not source_found("drugcentral:17", cited) and not source_found("pubmed:", cited)


def test_dev_suites_are_shipped_and_well_formed():
    assert set(DEV_SUITES) == set(SUITES) and all(p.exists() for p in DEV_SUITES.values())
    chemqa = load_cases(DEV_SUITES["chemqa"])
    assert len(chemqa) >= 30
    assert {c["answer_type"] for c in chemqa} == {"integer", "number", "smiles", "text", "list"}
    assert any("*" in c["question"] for c in chemqa) and any(c.get("smiles_a") for c in chemqa)
    for c in chemqa:  # each shipped answer grades as right against itself
        assert grade(c, c["answer"])[0], c["id"]
    queries = (DEV_SUITES["retrieval"] / "queries.jsonl").read_text().splitlines()
    assert len(queries) == 20
    corpus_ids = {str(json.loads(line)["doc_id"]) for line in (DEV_SUITES["retrieval"] / "corpus.jsonl").open()}
    qrels = (DEV_SUITES["retrieval"] / "qrels" / "test.tsv").read_text().splitlines()[1:]
    assert {line.split("\t")[1] for line in qrels} <= corpus_ids


def test_chemqa_file_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "question": "q?", "answer": 1, "answer_type": "integer"}\n{"id": "b"}\n')
    with pytest.raises(Ech0Error, match=r"bad.jsonl:2 lacks"):
        load_cases(path)
    path.write_text('{"id": "a", "question": "q?", "answer": 1, "answer_type": "colour"}\n')
    with pytest.raises(Ech0Error, match="answer_type 'colour'"):
        load_cases(path)
    path.write_text("not json\n")
    with pytest.raises(Ech0Error, match="bad.jsonl:1 is not JSON"):
        load_cases(path)


def _run(run_id, metrics, passed, started="2026-01-01T00:00:00+00:00"):
    cases = [Case(id=i, passed=p, expected=1, got=1 if p else 0) for i, p in passed.items()]
    directions = {"accuracy": "higher", "latency_p95_s": "lower", "n": "info"}
    return EvalRun(run_id=run_id, suite="chemqa", file="dev.jsonl", started_at=started, seconds=1.0,
                   metrics=metrics, directions=directions, cases=cases, meta={}, files=[])  # fmt: skip


def test_compare_reports_metric_regressions_and_case_flips(tmp_path):
    a = _run("a", {"accuracy": 0.9, "latency_p95_s": 1.0, "n": 3}, {"x": True, "y": False, "z": True})
    b = _run("b", {"accuracy": 0.8, "latency_p95_s": 0.5, "n": 3}, {"x": False, "y": True, "w": True},
             started="2026-01-02T00:00:00+00:00")  # fmt: skip
    result = compare(a, b)
    verdicts = {m["metric"]: m["status"] for m in result["metrics"]}
    assert verdicts == {"accuracy": "regressed", "latency_p95_s": "improved", "n": "same"}
    assert [c["id"] for c in result["case_regressions"]] == ["x"] and result["case_fixes"] == ["y"]
    assert result["cases_only_in_a"] == ["z"] and result["cases_only_in_b"] == ["w"] and result["regressed"]
    assert "REGRESSED" in render(result) and "x: expected 1; A gave 1, B gives 0" in render(result)
    assert not compare(a, a)["regressed"]
    with pytest.raises(Ech0Error, match="compare runs of one suite"):
        compare(a, b.model_copy(update={"suite": "research"}))

    for run in (a, b):
        write_run(run, tmp_path / run.run_id)
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "result.json").write_text("{}")
    assert [r["run_id"] for r in list_runs(tmp_path)] == ["b", "a"]
    assert load_run("a", tmp_path).run_id == "a" and load_run(tmp_path / "b").run_id == "b"
    with pytest.raises(Ech0Error, match="no eval run 'nope'"):
        load_run("nope", tmp_path)


def test_percentile():
    assert percentile([], 0.5) is None and percentile([2.0], 0.95) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.5) == 3.0
    assert 4.7 <= percentile([1.0, 2.0, 3.0, 4.0, 5.0], 0.95) <= 5.0


def test_a_slower_run_alone_is_not_a_regression():
    a = _run("a", {"accuracy": 0.9, "latency_p95_s": 1.0}, {"x": True})
    b = _run("b", {"accuracy": 0.9, "latency_p95_s": 3.0}, {"x": True}, started="2026-01-02T00:00:00+00:00")
    result = compare(a, b)
    assert result["slower_metrics"] == ["latency_p95_s"] and result["regressed_metrics"] == []
    assert not result["regressed"]  # wall-clock figures depend on the machine's load, not only on the code
    assert "slower (timing: not gated)" in render(result)
    worse = _run("c", {"accuracy": 0.5, "latency_p95_s": 3.0}, {"x": True}, started="2026-01-03T00:00:00+00:00")
    assert compare(a, worse)["regressed"] and compare(a, worse)["regressed_metrics"] == ["accuracy"]
