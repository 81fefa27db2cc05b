"""Smoke tests of `ech0 bench featurize` and `ech0 bench similarity` at tiny sizes, called in-process."""

import json

import typer

from evals.bench.similarity import render as render_similarity
from server.commands.bench import app


def _run(capsys, args: list[str]) -> dict:
    typer.main.get_command(app).main(args, standalone_mode=False)
    return json.loads(capsys.readouterr().out)


def test_bench_featurize_json(capsys):
    result = _run(capsys, ["featurize", "--n", "40", "--workers", "2", "--json"])
    for key in ("ours_mol_per_s", "baseline_mol_per_s", "cached_mol_per_s", "ratio"):
        assert result[key] > 0, key
    assert result["cached_ratio"] >= 0  # rounded to 0.1: 0.0 if a busy machine stalled the warm pass
    assert result["n"] == 40 and result["workers"] == 2
    assert result["warm_cached"] == result["cold_computed"] == result["valid"]
    assert result["agreement"] > 0.999 and result["warm_identical"]


def test_bench_similarity_json(capsys):
    result = _run(capsys, ["similarity", "--queries", "5", "--k", "3", "--json"])
    assert result["molecules"] > 4000 and result["queries"] == 5
    assert result["queries_per_s"] > 0 and result["p50_ms"] > 0


def test_bench_similarity_measures_the_plain_rdkit_baseline_on_the_same_queries(capsys, tmp_path):
    library = tmp_path / "library.csv"
    library.write_text("smiles\nCCO\nc1ccccc1O\nCC(=O)Oc1ccccc1C(=O)O\nnot-a-smiles\nCCN(CC)CC\n")
    result = _run(capsys, ["similarity", "--queries", "6", "--k", "2", "--csv", str(library), "--json"])
    assert (result["molecules"], result["invalid"], result["queries"]) == (4, 1, 6)
    assert result["agreement"] == 1.0  # same fingerprints, same scores: the two sides give the same top k
    assert {"baseline_queries_per_s", "baseline_p50_ms", "baseline_p95_ms", "baseline_build_s"} <= set(result)
    if result["baseline_queries_per_s"]:  # the ratio is derived from the two reported rates
        assert result["ratio"] == round(result["queries_per_s"] / result["baseline_queries_per_s"], 3)
    assert "baseline (plain RDKit loop)" in render_similarity(result)


def test_plain_search_ranks_like_the_similarity_index():
    from evals.bench.similarity import PlainSearch
    from labs.chemistry.similarity import SimilarityIndex

    library = ["CCO", "C1CC1", "CCCO", "c1ccccc1", "CCOC"]
    plain, index = PlainSearch(library), SimilarityIndex(library)
    for query in ("CCO", "c1ccccc1C", "CC(C)O"):
        assert [s for _, s in plain.search(query, 3)] == [s for _, s in index.search(query, 3)]
    assert plain.search("C1CC(=O", 3) is None
