"""Smoke tests of the benchmark scripts at tiny sizes: the JSON contract, positive figures, consistent ratios.

The figures are wall-clock measurements, so the tests check what holds on any machine, however busy: each
figure is there and positive, and each ratio is the one the script computes from the figures it reports.
"""

import json
from types import SimpleNamespace

import typer

from evals.bench import ingest as ingest_bench
from evals.bench import search as search_bench


def _run(app: typer.Typer, argv: list[str]) -> None:
    """A script's command line in-process, as `python -m evals.bench.NAME ARGV` runs it."""
    typer.main.get_command(app).main(argv, standalone_mode=False)


def _positive(figures: dict, keys: tuple[str, ...]) -> None:
    for key in keys:
        assert figures[key] > 0, key


def test_ingest_bench_json(capsys):
    _run(ingest_bench.app, ["--docs", "4", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["benchmark"] == "ingest"
    assert result["docs"] == 4 and result["chunks"] >= 4
    assert result["full_corpus_docs"] == 5183 and result["slices"] >= 1
    for side in ("ours", "baseline"):
        figures = result[side]
        _positive(figures, ("seconds", "docs_per_s", "chunks_per_s", "full_corpus_s"))
        assert figures["cpu_per_wall"] >= 0  # near 0 when other processes took the cores
    # encode and upsert are parts of the timed step: three figures rounded to 1 ms apart at most
    assert result["baseline"]["encode_s"] + result["baseline"]["upsert_s"] <= result["baseline"]["seconds"] + 0.002
    ours, base = result["ours"], result["baseline"]
    assert result["ratio_docs_per_s"] == round(ours["docs_per_s"] / base["docs_per_s"], 3)
    assert result["ratio_chunks_per_s"] == round(ours["chunks_per_s"] / base["chunks_per_s"], 3)
    assert "abstracts/s" in ingest_bench.render(result)


def test_ingest_rates_on_a_slow_machine():
    """4 abstracts in 35 s (a busy machine): each rate is its inputs' ratio to three significant digits."""
    side = SimpleNamespace(seconds=35.123456, cpu_s=52.0, chunks=9)
    assert ingest_bench._rates(side, docs=4, full_docs=5183) == {
        "seconds": 35.123,
        "cpu_per_wall": 1.48,
        "docs_per_s": 0.114,
        "chunks_per_s": 0.256,
        "full_corpus_s": 45511.2,
    }
    crawling = ingest_bench._rates(SimpleNamespace(seconds=975.0, cpu_s=10.0, chunks=9), docs=4, full_docs=5183)
    assert crawling["docs_per_s"] == 0.0041 and crawling["chunks_per_s"] == 0.00923  # never rounded to 0


def test_search_bench_json(capsys):
    argv = ["--sizes", "300", "--seed-chunks", "40", "--queries", "8", "--baseline-queries", "4", "--json"]
    _run(search_bench.app, argv)
    result = json.loads(capsys.readouterr().out)
    assert result["benchmark"] == "search"
    assert result["seed_chunks"] == 40 and result["baseline_queries"] == 4
    (row,) = result["results"]
    assert row["size"] == 300 and row["synthetic"] == 260
    assert 0 < row["mean_cos_to_seed"] < 1
    assert 0 <= row["top_k_overlap"] <= 1
    assert row["ours"]["queries"] == 8 and row["baseline"]["queries"] == 4
    for side in ("ours", "baseline"):
        _positive(row[side], ("p50_ms", "p95_ms", "mean_ms"))
        assert row[side]["build_s"] >= 0 and row[side]["p50_ms"] <= row[side]["p95_ms"]  # build_s: to 10 ms
    assert row["ratio_p50"] == round(row["baseline"]["p50_ms"] / row["ours"]["p50_ms"], 3)
    assert row["ratio_p95"] == round(row["baseline"]["p95_ms"] / row["ours"]["p95_ms"], 3)
    (memory,) = result["memory"]
    assert memory["size"] == 300
    for side in ("ours", "baseline"):
        assert memory[side]["backend"] == side and memory[side]["size"] == 300
        assert 0 < memory[side]["data_rss_mb"] <= memory[side]["peak_rss_mb"]
        _positive(memory[side], ("p50_ms", "p95_ms"))
    assert "peak RSS" in search_bench.render(result)
