"""Each eval suite end to end on real components (the session's mini index, the rules backend), and the CLI."""

from __future__ import annotations

import json

from evals.harness import SuiteContext, run_suite
from evals.suites import DEV_SUITES
from server.cli import main
from tests.conftest import DATA


def _ctx(runtime, **options):
    return SuiteContext(
        ask=lambda request: runtime.research.ask(request),
        retriever_for=lambda _corpus: runtime.retriever_for(),
        options=options,
    )


def test_chemqa_and_research_suites_write_a_run_folder(runtime, tmp_path):
    lines = DEV_SUITES["chemqa"].read_text().splitlines()
    subset = tmp_path / "chemqa.jsonl"
    # one case of each kind: element count, rings, path, mapping, formula, SMILES, number
    picks = ("element-1", "rings-1", "path-1", "mapping-1", "formula-1", "smiles-1", "number-1")
    subset.write_text("\n".join(line for line in lines if json.loads(line)["id"] in picks) + "\n")
    run = run_suite("chemqa", subset, tmp_path / "evals", _ctx(runtime))
    assert len(run.cases) == len(picks) and run.metrics["accuracy"] == 1.0, [c for c in run.cases if not c.passed]
    folder = tmp_path / "evals" / run.run_id
    assert {"result.json", "report.md", "accuracy_by_type.png", "latency.png"} <= {p.name for p in folder.iterdir()}
    assert (folder / "accuracy_by_type.png").read_bytes()[:4] == b"\x89PNG"
    assert "| accuracy | 1 | higher |" in (folder / "report.md").read_text()

    requests = tmp_path / "research.jsonl"
    rows = [json.loads(line) for line in DEV_SUITES["research"].read_text().splitlines()]
    requests.write_text("\n".join(json.dumps(r) for r in rows if r["id"] in ("metformin-properties", "caffeine-rings")))
    research = run_suite("research", requests, tmp_path / "evals", _ctx(runtime))
    assert research.metrics["pass_rate"] == 1.0, [c.detail for c in research.cases]
    assert research.metrics["fact_recall"] == 1.0 and research.metrics["source_recall"] == 1.0


def test_retrieval_suite_on_a_beir_folder(runtime, tmp_path):
    folder = tmp_path / "beir"
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text((DATA / "scifact_mini.jsonl").read_text())
    (folder / "queries.jsonl").write_text((DATA / "mini_queries.jsonl").read_text())
    (folder / "qrels" / "test.tsv").write_text((DATA / "mini_qrels.tsv").read_text())
    run = run_suite("retrieval", folder, tmp_path / "evals", _ctx(runtime, mode="hybrid"))
    assert run.metrics["n_queries"] == len(run.cases) > 0
    assert 0.5 <= run.metrics["ndcg@10"] <= 1.0 and run.metrics["recall@100"] >= run.metrics["hit@10"] - 1e-9
    assert all(c.detail["query"] for c in run.cases)


def test_properties_suite_trains_and_scores_the_held_out_fold(tmp_path):
    csv = tmp_path / "esol.csv"
    csv.write_text("\n".join(DEV_SUITES["properties"].with_name("esol-dev.csv").read_text().splitlines()[:71]))
    ctx = SuiteContext(options={"target": "log_solubility", "seeds": 1})
    run = run_suite("properties", csv, tmp_path / "evals", ctx)
    assert run.metrics["n"] == 70 and {"rmse", "mae", "r2", "baseline.rmse"} <= set(run.metrics)
    assert run.directions["rmse"] == "lower" and run.directions["r2"] == "higher"
    assert run.cases and all(c.id.startswith("line ") for c in run.cases)
    assert (tmp_path / "evals" / run.run_id / "predicted_vs_measured.png").is_file()


def test_cli_eval_run_and_compare(built_data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECH0_KNOWLEDGE__INDEX_PATH", str(built_data_dir / "index" / "literature"))
    lines = DEV_SUITES["chemqa"].read_text().splitlines()
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text("\n".join(lines[:2]) + "\n")
    wrong = [{**json.loads(line), "answer": 999} if i == 0 else json.loads(line) for i, line in enumerate(lines[:2])]
    bad.write_text("\n".join(json.dumps(r) for r in wrong) + "\n")
    assert main(["eval", "run", "chemqa", "--file", str(good), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["metrics"]["accuracy"] == 1.0 and first["folder"].endswith(first["run_id"])
    assert main(["eval", "run", "chemqa", "--file", str(bad), "--out", str(tmp_path / "second")]) == 0
    assert "1/2 cases passed" in capsys.readouterr().out
    assert main(["eval", "compare", first["run_id"], str(tmp_path / "second"), "--fail-on-regression"]) == 1
    out = capsys.readouterr().out
    assert "REGRESSED" in out and "passed in A and fail in B" in out
    assert main(["eval", "run", "nonsense"]) != 0
    assert "unknown suite 'nonsense'" in capsys.readouterr().err


def test_dataset_suite_generates_and_checks_a_data_set(tmp_path):
    spec = tmp_path / "dataset.json"
    spec.write_text(json.dumps({"generate": {"compounds": 4, "seed": 0}}))
    run = run_suite("dataset", spec, tmp_path / "evals", SuiteContext())
    assert run.metrics["gates_passed"] == 1.0 and run.metrics["examples"] > 0, run.meta["samples"]
    assert {c.id for c in run.cases} >= {"schema", "smiles", "no_scaffold_leaks"}
    folder = tmp_path / "evals" / run.run_id
    assert (folder / "dataset" / "qa" / "report.md").is_file() and (folder / "problems.png").is_file()
    copied = run_suite("dataset", folder / "dataset", tmp_path / "evals", SuiteContext())  # an existing folder
    assert copied.metrics["examples"] == run.metrics["examples"] and copied.meta["source"].endswith("dataset")
