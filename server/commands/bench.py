"""`ech0 bench …`: ECH0's batch chemistry against plain RDKit loops, on the shipped molecules."""

from __future__ import annotations

from pathlib import Path

import typer

from server.commands.common import emit

app = typer.Typer(help="Benchmark batch featurization and similarity search.", no_args_is_help=True)


@app.command("featurize")
def featurize(
    n: int = typer.Option(2000, "--n", min=1, help="molecules: shipped natural products first, then approved drugs"),
    featurizer: str = typer.Option("descriptors2d", "--featurizer", help="a registered featurizer"),
    workers: int | None = typer.Option(None, "--workers", min=1, help="processes for ours (default: the cores)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Molecules per second: a plain RDKit loop, then featurize_batch cold (process pool), then warm (cache)."""
    from evals.bench.featurize import render, run
    from labs.chemistry.features import get_featurizer

    get_featurizer(featurizer)  # an unknown name fails here, before the baseline runs
    emit(run(n, featurizer, workers), as_json, render)


@app.command("similarity")
def similarity(
    queries: int = typer.Option(200, "--queries", min=1, help="approved drugs used as queries"),
    k: int = typer.Option(10, "--k", min=1, max=1000, help="neighbours per query"),
    csv: Path | None = typer.Option(None, "--csv", help="library CSV with a smiles column (default: shipped 5k NPs)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Top-k Tanimoto search over natural products: ours against a plain RDKit loop, queries/s and latency."""
    from evals.bench.similarity import render, run
    from knowledge.common.errors import Ech0Error

    if csv is not None and not csv.is_file():
        raise Ech0Error(f"no library CSV at {csv}: give a CSV file with a smiles column")
    emit(run(queries, k, csv), as_json, render)


@app.command("datagen")
def datagen(
    compounds: int = typer.Option(1000, "--compounds", min=1, help="input compounds (shipped sets, interleaved)"),
    workers: int | None = typer.Option(None, "--workers", min=1, help="processes for ours (default: the cores)"),
    check: bool = typer.Option(True, "--check/--no-check", help="also run the full check (verified examples/hour)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Training examples per hour: the data factory against a plain per-example RDKit + MinHash loop."""
    from evals.bench.datagen import render, run

    emit(run(compounds, workers, check), as_json, render)


@app.command("load")
def load(
    clients: int = typer.Option(20, "--clients", min=1, max=500, help="concurrent clients"),
    seconds: float = typer.Option(60, "--seconds", min=1, max=3600, help="how long the clients run"),
    index: Path | None = typer.Option(None, "--index", help="serve this embedded index (default: index a small one)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Throughput, p50/p95 latency and errors of `ech0 serve` (started here on loopback) under N clients."""
    from evals.bench.load import render, run

    emit(run(clients, seconds, index), as_json, render)
