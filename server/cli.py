"""The `ech0` command line. Heavy libraries are imported inside commands so that `ech0 --help` is instant."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
import typer

from knowledge.errors import Ech0Error

app = typer.Typer(
    name="ech0",
    help="ECH0: research orchestrator for drug discovery — cited literature answers and RDKit chemistry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
index_app = typer.Typer(help="Build and search the literature index.", no_args_is_help=True)
compounds_app = typer.Typer(help="Look up compounds in the compound store.", no_args_is_help=True)
config_app = typer.Typer(help="Inspect the effective settings.", no_args_is_help=True)
runs_app = typer.Typer(help="Inspect recorded research runs.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(compounds_app, name="compounds")
app.add_typer(config_app, name="config")
app.add_typer(runs_app, name="runs")


def _runtime():
    from server.settings import Settings
    from server.wiring import build_runtime

    return build_runtime(Settings())


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _console():
    from rich.console import Console

    return Console()


@app.command()
def ask(
    request: str = typer.Argument(..., help="the research request, in plain language"),
    as_json: bool = typer.Option(False, "--json", help="print the report's JSON form"),
) -> None:
    """Answer a research request with a cited report."""
    from server.research import ask as run_ask

    runtime = _runtime()
    try:
        result = run_ask(runtime, request)
    finally:
        runtime.close()
    if as_json:
        _print_json(result)
    else:
        from rich.markdown import Markdown

        _console().print(Markdown(result["report_markdown"]))


@index_app.command("build")
def index_build(
    if_absent: bool = typer.Option(False, "--if-absent", help="do nothing when a complete index already exists"),
    limit: int | None = typer.Option(None, "--limit", min=1, help="index only the first N documents"),
) -> None:
    """Index the configured corpus (the shipped SciFact abstracts by default); re-runs skip unchanged chunks."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from server.indexing import build_index, index_is_complete

    runtime = _runtime()
    settings = runtime.settings
    if if_absent and limit is None and index_is_complete(settings):
        typer.echo(f"literature index at {settings.index_path} is complete; nothing to do")
        return
    columns = (TextColumn("indexing chunks"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=_console()) as progress:
        task = progress.add_task("index", total=None)
        report = build_index(
            runtime,
            limit=limit,
            on_start=lambda n: progress.update(task, total=n),
            on_progress=lambda n: progress.advance(task, n),
        )
    typer.echo(
        f"indexed {report.documents} documents: {report.chunks} chunks, {report.embedded} embedded, "
        f"{report.skipped} unchanged, in {report.seconds:.1f}s → {settings.index_path}"
    )


@index_app.command("search")
def index_search(
    query: str = typer.Argument(..., help="question or keywords"),
    k: int = typer.Option(5, "--k", min=1, max=50, help="documents to return"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Search the literature index; only passages above the relevance threshold count as hits."""
    runtime = _runtime()
    try:
        result = runtime.retriever.search(query, k=k)
    finally:
        runtime.close()
    if as_json:
        _print_json(result.model_dump())
        return
    if not result.passages:
        best = f" (best score {result.best_score:.2f})" if result.best_score is not None else ""
        typer.echo(f"no passage reached the relevance threshold {result.threshold:.2f}{best}")
    for i, p in enumerate(result.passages, 1):
        typer.echo(f"{i}. [{p.score:.3f}] {p.doc_key} — {p.title}\n   {p.text[:240]}{'…' if len(p.text) > 240 else ''}")


@compounds_app.command("get")
def compounds_get(
    query: str = typer.Argument(..., help="name, CAS number, DrugBank id, InChIKey or SMILES"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Show a compound's record and its computed properties."""
    from knowledge.errors import CompoundNotFoundError
    from labs.chemistry.mol import looks_like_smiles, to_mol

    runtime = _runtime()
    try:
        record = runtime.compounds.resolve(query)
    except CompoundNotFoundError:
        if looks_like_smiles(query.strip()):
            to_mol(query)  # an unparsable structure gets the SMILES error, not "not found"
        raise
    experiment = runtime.labs.run("chemistry", "properties", {"smiles": record.smiles})
    data = {
        "key": record.key,
        "record": record.model_dump(),
        "experiment_id": experiment.experiment_id,
        **experiment.outputs,
    }
    if as_json:
        _print_json(data)
        return
    from rich.table import Table

    table = Table(title=f"{record.label} — {record.key}", show_header=False)
    for field in ("smiles", "inchikey", "cas", "drugbank_id", "np_pathway", "np_superclass", "np_class"):
        value = getattr(record, field)
        if value:
            table.add_row(field, str(value))
    if record.approved_by:
        table.add_row("approved by", ", ".join(record.approved_by))
    if record.targets:
        table.add_row("targets", "; ".join(record.targets[:8]) + (" …" if len(record.targets) > 8 else ""))
    table.add_row("formula", experiment.outputs["formula"])
    for name, value in experiment.outputs["properties"].items():
        table.add_row(name, str(value))
    table.add_row("experiment", experiment.experiment_id)
    _console().print(table)


@config_app.command("show")
def config_show(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Print the effective settings (environment, ech0.toml, defaults), secrets masked."""
    from server.settings import Settings

    data = Settings().masked()
    if as_json:
        _print_json(data)
        return

    def flatten(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                flatten(f"{prefix}.{key}" if prefix else key, inner)
        else:
            typer.echo(f"{prefix} = {json.dumps(value)}")

    flatten("", data)


@runs_app.command("show")
def runs_show(run_id: str = typer.Argument(..., help="a run id printed by `ech0 ask`")) -> None:
    """Print a recorded run: request, plan, steps and report."""
    runtime = _runtime()
    run = runtime.runs.get_run(run_id)
    if run is None:
        raise Ech0Error(f"no run {run_id!r} in {runtime.settings.db_url}: list runs with `ech0 runs list`")
    _print_json(run)


@runs_app.command("list")
def runs_list(limit: int = typer.Option(20, "--limit", min=1)) -> None:
    """List recent runs."""
    for run in _runtime().runs.list_runs(limit):
        typer.echo(f"{run['run_id']}  {run['created_at'][:19]}  {run['request'][:80]}")


def main(argv: list[str] | None = None) -> int:
    """Console entry point: user errors print one line on stderr and exit 1, never a traceback."""
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="ech0", standalone_mode=False)
    except Ech0Error as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
