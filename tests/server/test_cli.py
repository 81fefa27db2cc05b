"""The CLI in-process (main()), on the session's mini index: contracts, errors, and a fast --help."""

import json
import subprocess
import sys

import pytest

from server.cli import main


@pytest.fixture
def env(built_data_dir, tmp_path, monkeypatch):
    from tests.conftest import MINI_CORPUS

    monkeypatch.setenv("ECH0_DATA_DIR", str(built_data_dir))
    monkeypatch.setenv("ECH0_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ECH0_KNOWLEDGE__CORPUS_PATH", str(MINI_CORPUS))
    return built_data_dir


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_ask_json_contract(env, capsys):
    assert (
        main(
            ["ask", "How many rings are in the molecule c1ccc2ccccc2c1? Also, what is known about metformin?", "--json"]
        )
        == 0
    )
    out = _json(capsys)
    assert {"run_id", "report_markdown", "claims", "citations"} <= set(out)
    assert all({"kind", "id", "title"} <= set(c) for c in out["citations"])
    assert all({"text", "citations"} <= set(c) for c in out["claims"])
    assert out["answer"] == 2
    assert any(c["text"].startswith("c1ccc2ccccc2c1 has 2 rings") for c in out["claims"])


def test_ask_batch_writes_one_row_per_request_and_resumes(env, tmp_path, capsys):
    requests = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "request": "How many carbon atoms are in the molecule: CCO"},
        {"id": "b", "request": "How many rings are in the molecule: C1CC1"},
        {"id": "c", "request": "What is the molecular weight of C1CC(=O"},
    ]
    requests.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["ask", "--batch", str(requests), "--out", str(out), "--json"]) == 1  # a row failed
    printed = capsys.readouterr()
    assert json.loads(printed.out) == {"answered": 2, "failed": 1, "skipped": 0}
    assert printed.err.endswith(f"\nerror: 1 of 3 requests failed: their rows in {out} carry the error\n")
    results = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert results["a"]["answer"] == 2 and results["b"]["answer"] == 1
    assert {"id", "answer", "report_markdown", "claims", "citations", "run_id"} <= set(results["a"])
    assert results["c"]["answer"] is None and "C1CC(=O" in results["c"]["error"]
    assert main(["ask", "--batch", str(requests), "--out", str(out), "--json"]) == 0  # rerun: nothing repeated
    assert json.loads(capsys.readouterr().out)["skipped"] == 3
    assert len(out.read_text().splitlines()) == 3


def test_index_search_and_compounds_get(env, capsys):
    assert main(["index", "search", "metformin cancer", "--k", "3", "--json"]) == 0
    out = _json(capsys)
    assert 1 <= len(out["passages"]) <= 3 and out["threshold"] > 0
    assert main(["compounds", "get", "metformin", "--json"]) == 0
    out = _json(capsys)
    assert (
        out["key"] == "drugcentral:1725" and out["properties"]["hbd"] == 4 and out["experiment_id"].startswith("exp-")
    )
    assert main(["compounds", "get", "metformin"]) == 0
    assert "XZWYZXLIPXDOLR-UHFFFAOYSA-N" in capsys.readouterr().out


def test_index_build_if_absent_is_quick_when_complete(env, capsys):
    assert main(["index", "build", "--if-absent"]) == 0
    assert "nothing to do" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["compounds", "get", "C1CC(=O"], "invalid SMILES 'C1CC(=O'"),
        (["compounds", "get", "foobarin"], "no compound matches 'foobarin'"),
        (["ask", "   "], "empty request"),
        (["ask", "What is the logP of C1CC(=O?"], "invalid SMILES"),
        (["ask", "compute the logP of foobarin"], "unknown compound 'foobarin'"),
        (["index", "search", "  "], "empty literature query"),
        (["runs", "show", "nope"], "no run 'nope'"),
        (["ask", "metformin", "--approval", "sometimes"], "--approval 'sometimes': use expensive, never or always"),
    ],
)
def test_bad_input_gets_one_line_error(env, capsys, argv, needle):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_ask_carries_the_run_configuration(env, capsys):
    assert main(["ask", "How many rings are in c1ccc2ccccc2c1?", "--approval", "always", "--json"]) == 0
    waiting = _json(capsys)
    assert waiting["status"] == "awaiting_approval" and waiting["pending"][0]["step"]["tool"] == "structure_question"
    assert main(["ask", "How many rings are in c1ccc2ccccc2c1?", "--json"]) == 0
    assert _json(capsys)["answer"] == 2  # without the option: the defaults, no waiting


@pytest.mark.parametrize("argv", [["index", "search", "metformin"], ["ask", "What is known about metformin?"]])
def test_missing_index_is_a_clear_error(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path / "empty"))
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "no literature index" in err and "ech0 index build" in err and err.count("\n") == 1


def test_config_show_masks_secrets(monkeypatch, capsys):
    monkeypatch.setenv("ECH0_KNOWLEDGE__QDRANT_API_KEY", "s3cret-key")
    monkeypatch.setenv("ECH0_DATABASE_URL", "postgresql://ech0:hunter2@db:5432/ech0")
    assert main(["config", "show", "--json"]) == 0
    out = capsys.readouterr().out
    assert "s3cret-key" not in out and "hunter2" not in out
    data = json.loads(out)
    assert data["knowledge"]["qdrant_api_key"] == "**********"
    assert data["database_url"] == "postgresql://***@db:5432/ech0"
    assert main(["config", "show"]) == 0
    assert 'llm.backend = "rules"' in capsys.readouterr().out


def test_help_imports_no_heavy_library():
    code = (
        "import sys; from server.cli import main; rc = main(['--help']);"
        "heavy = [m for m in ('torch', 'rdkit', 'langgraph', 'sentence_transformers', 'qdrant_client', 'qdrant_edge')"
        " if m in sys.modules]; print(rc, heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("0 []")


def test_index_stats(env, capsys):
    assert main(["index", "stats", "--json"]) == 0
    out = _json(capsys)
    assert out["documents"] == 60 and out["chunks"] > 60
    assert out["sources"]["scifact"]["documents"] == 60
    assert out["embedding_model"] == "all-MiniLM-L6-v2" and out["dimension"] == 384


def test_index_search_with_options(env, capsys):
    assert main(["index", "search", "metformin", "--mode", "sparse", "--source", "scifact", "--mmr", "0.7"]) == 0
    assert "scifact:" in capsys.readouterr().out
    assert main(["index", "search", "metformin", "--mode", "fuzzy"]) == 1
    assert "unknown search mode 'fuzzy'" in capsys.readouterr().err


def test_eval_retrieval_contract(env, capsys):
    from tests.conftest import DATA

    args = ["eval", "retrieval", "--queries", str(DATA / "mini_queries.jsonl"), "--qrels", str(DATA / "mini_qrels.tsv")]
    assert main([*args, "--json"]) == 0
    out = _json(capsys)
    assert {"ndcg@10", "recall@100", "mrr@10", "n_queries"} <= set(out)
    assert out["n_queries"] == 11 and set(out["by_mode"]) == {"hybrid", "dense", "sparse"}
    assert 0.3 < out["ndcg@10"] <= 1.0
    assert out["recall@100"] == 1.0  # 60 documents: every one is ranked within 100
    assert all(0 <= m["ndcg@10"] <= 1 for m in out["by_mode"].values())
    # The same queries against a corpus file given on the command line: indexed once, then reused.
    assert main([*args, "--corpus", str(DATA / "scifact_mini.jsonl"), "--mode", "dense", "--json"]) == 0
    assert _json(capsys)["ndcg@10"] == out["by_mode"]["dense"]["ndcg@10"]


def test_eval_relevance_calibration(env, capsys):
    from tests.conftest import DATA

    args = ["eval", "relevance", str(DATA / "mini_queries.jsonl"), str(DATA / "mini_qrels.tsv"), "--depth", "10"]
    assert main(args) == 0
    head, relevant_q, unjudged_q, *rows = capsys.readouterr().out.strip().splitlines()
    assert head.startswith("11 queries; relevant docs in top 10: ")
    n_relevant, n_unjudged = (int(part.rsplit(" ", 1)[1]) for part in head.split("; ")[1:])
    assert 0 < n_relevant <= 11 and n_relevant + n_unjudged <= 110
    assert relevant_q.startswith("relevant score quantiles 5/10/25/50%: [")
    assert unjudged_q.startswith("unjudged score quantiles 50/75/90/95%: [")
    table = [json.loads(row) for row in rows]
    assert [row["threshold"] for row in table] == [round(0.2 + 0.05 * i, 2) for i in range(11)]
    kept = [row["relevant_kept"] for row in table]
    assert kept == sorted(kept, reverse=True) and all(0 <= k <= 1 for k in kept)


def test_lab_list_and_run(env, capsys):
    assert main(["lab", "list", "--json"]) == 0
    labs = _json(capsys)
    assert {"chemistry", "toxicology", "natural_products"} <= set(labs)
    assert "rings" in labs["chemistry"]["operations"]
    args = ["lab", "run", "chemistry.rings", "--params", '{"smiles": "c1ccc2ccccc2c1"}', "--json"]
    assert main(args) == 0
    first = _json(capsys)
    assert first["outputs"]["rings"] == 2
    assert main(args) == 0
    again = _json(capsys)
    assert again["cached"] and again["experiment_id"] == first["experiment_id"]
    assert main(["lab", "run", "chemistry.rings", "--params", "{oops"]) == 1
    assert "--params is not valid JSON" in capsys.readouterr().err
    assert main(["lab", "run", "rings"]) == 1
    assert "LAB.OPERATION" in capsys.readouterr().err


def test_compounds_resolve(env, capsys):
    assert main(["compounds", "resolve", "metfromin", "--json"]) == 0
    out = _json(capsys)
    assert out["status"] == "resolved" and out["method"] == "fuzzy_name" and out["match"]["key"] == "drugcentral:1725"
    assert main(["compounds", "resolve", "CHEMBL1431"]) == 1
    assert "ChEMBL" in capsys.readouterr().err


def test_a_run_that_lost_a_part_prints_its_report_and_exits_non_zero(env, capsys):
    assert main(["ask", "What is the logP of caffeine? Also, make it better."]) == 1
    printed = capsys.readouterr()
    assert "-1.03" in printed.out  # the part that was answered is still reported
    assert printed.err.strip().splitlines()[-1].startswith("error: the answer lost a requested part: “make it better.”")
