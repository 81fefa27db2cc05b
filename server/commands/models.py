"""`ech0 models …`: train property models with uncertainty and an applicability domain, predict, list."""

from __future__ import annotations

from pathlib import Path

import typer

from server.commands.common import console, emit_rows, loading, print_json, runtime

app = typer.Typer(
    help="Property models: train (with a baseline), predict with uncertainty, list.", no_args_is_help=True
)


def _registry():
    from labs.models.registry import ModelRegistry

    return ModelRegistry(runtime().settings.models_dir)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


@app.command("train")
def train(
    csv: Path = typer.Option(..., "--csv", help="CSV file with a SMILES column and a target column"),
    smiles_col: str = typer.Option("smiles", "--smiles-col", help="column holding SMILES"),
    target: str = typer.Option(..., "--target", help="column holding the property to learn"),
    task: str = typer.Option(..., "--task", help="regression or classification (binary)"),
    split: str = typer.Option("scaffold", "--split", help="scaffold (deterministic), scaffold_balanced or random"),
    seeds: int = typer.Option(3, "--seeds", min=1, max=20, help="seeds to evaluate; metrics are their mean ± std"),
    name: str | None = typer.Option(None, "--name", help="registry name (default: CSV stem and target)"),
    refit: bool = typer.Option(True, "--refit/--no-refit", help="save a model refitted on train+valid"),
    jobs: int = typer.Option(2, "--jobs", min=1, max=64, help="processes for featurizing, threads for forests"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Train the ensemble and a Morgan-fingerprint random-forest baseline on the same splits; save the ensemble."""
    from labs.models.train import train_property_model

    err = console(stderr=True)
    report = train_property_model(
        csv,
        smiles_col,
        target,
        task,
        _registry(),
        split=split,
        seeds=seeds,
        name=name,
        refit=refit,
        workers=jobs,
        log=lambda msg: err.print(msg, markup=False, highlight=False),
    )
    if as_json:
        print_json(report.model_dump())
        return
    from rich.table import Table

    table = Table(title=f"{report.model}: {task} on {report.n} rows, {split} split, {len(report.seeds)} seed(s)")
    for column in ("metric", "ensemble", "baseline (Morgan RF)"):
        table.add_column(column)
    for key, value in report.metrics.items():
        ours = f"{_fmt(value)} ± {_fmt(report.metrics_std[key])}"
        base = f"{_fmt(report.baseline[key])} ± {_fmt(report.baseline_std[key])}"
        table.add_row(key, ours, base)
    out = console()
    out.print(table)
    if report.dropped_rows:
        out.print(f"{len(report.dropped_rows)} row(s) dropped:", markup=False)
        for row in report.dropped_rows[:20]:
            out.print(f"  line {row.line}: {row.reason}", markup=False)
    out.print(f"saved {report.model} ({report.final_model.trained_on}) in {report.seconds['total']:.0f}s")


@app.command("predict")
def predict(
    model: str = typer.Option(..., "--model", help="NAME or NAME@VERSION (latest when the version is left out)"),
    smiles: list[str] | None = typer.Option(None, "--smiles", help="a SMILES to predict (repeatable)"),
    csv: Path | None = typer.Option(None, "--csv", help="CSV of molecules to predict"),
    smiles_col: str = typer.Option("smiles", "--smiles-col", help="SMILES column of --csv"),
    jobs: int = typer.Option(1, "--jobs", min=1, max=64, help="processes for featurizing"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Predict with uncertainty and an applicability-domain flag; bad SMILES get a per-row error."""
    from knowledge.common.errors import Ech0Error
    from labs.models.predict import predict_csv, predict_smiles

    if bool(smiles) == bool(csv):
        raise Ech0Error("give either --smiles S (repeatable) or --csv PATH --smiles-col COL")
    registry = _registry()
    with loading(f"loading the model {model} and predicting"):
        if csv is not None:
            report = predict_csv(registry, model, csv, smiles_col, workers=jobs)
        else:
            report = predict_smiles(registry, model, smiles or [], workers=jobs)
    if as_json:
        print_json(report.model_dump())
        return
    from rich.table import Table

    regression = report.task == "regression"
    table = Table(title=f"{report.model}: {report.target} (domain: similarity ≥ {report.domain_threshold:.2f})")
    columns = ["smiles", "prediction", "interval" if regression else "class", "std", "similarity", "in domain"]
    for column in columns:
        table.add_column(column)
    for row in report.predictions:
        if row.error:
            table.add_row(row.smiles, "error (below)", "", "", "", "")
            continue
        extra = f"[{row.lower:.2f}, {row.upper:.2f}]" if regression and row.lower is not None else row.label or ""
        flag = "yes" if row.in_domain else "NO"
        table.add_row(row.smiles, f"{row.prediction:.3f}", extra, _fmt(row.std), _fmt(row.max_similarity), flag)
    out = console()
    out.print(table)
    for row in report.predictions:
        if row.error:
            out.print(f"row {row.row}: {row.error}", markup=False, highlight=False)


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Registered models: latest version, task, target, metrics and when they were trained."""

    def line(meta: dict) -> str:
        metrics = ", ".join(f"{k} {_fmt(v)}" for k, v in meta["metrics"].items())
        base = ", ".join(f"{k} {_fmt(v)}" for k, v in meta["baseline"].items())
        return (
            f"{meta['ref']}  {meta['task']} {meta['target']} ({meta['n']} rows, {meta['split']})  {metrics}  "
            f"[baseline {base}]  versions {meta['versions']}  {meta['created_at']}"
        )

    emit_rows(_registry().list(), as_json, line, empty="no models yet: train one with `ech0 models train`")
