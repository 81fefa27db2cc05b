"""Smoke tests of `ech0 bench featurize` and `ech0 bench similarity` at tiny sizes, called in-process."""

import json

import typer

from server.commands.bench import app


def _run(capsys, args: list[str]) -> dict:
    typer.main.get_command(app).main(args, standalone_mode=False)
    return json.loads(capsys.readouterr().out)


def test_bench_featurize_json(capsys):
    result = _run(capsys, ["featurize", "--n", "40", "--workers", "2", "--json"])
    for key in ("ours_mol_per_s", "baseline_mol_per_s", "ratio", "cached_ratio", "cached_mol_per_s"):
        assert result[key] > 0, key
    assert result["n"] == 40 and result["workers"] == 2
    assert result["warm_cached"] == result["cold_computed"] == result["valid"]
    assert result["agreement"] > 0.999 and result["warm_identical"]


def test_bench_similarity_json(capsys):
    result = _run(capsys, ["similarity", "--queries", "5", "--k", "3", "--json"])
    assert result["molecules"] > 4000 and result["queries"] == 5
    assert result["queries_per_s"] > 0 and result["p50_ms"] > 0
