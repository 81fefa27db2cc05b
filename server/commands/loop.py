"""`ech0 loop …`: scheduled autonomous discovery loops."""

from __future__ import annotations

from pathlib import Path

import typer

from server.commands.common import emit_rows, print_json, runtime

app = typer.Typer(help="Scheduled autonomous discovery loops.", no_args_is_help=True)


def _store():
    from agents.loops.store import LoopStore

    return LoopStore(runtime().settings.db_url)


@app.command("add")
def add(
    name: str = typer.Argument(..., help="loop name"),
    every: str = typer.Option(..., "--every", help="interval: 30m, 6h, 1d, or seconds"),
    program: str = typer.Option(..., "--program", help="the research program, in plain language"),
    question: list[str] | None = typer.Option(None, "--question", help="a standing question (repeatable)"),
    source: str | None = typer.Option(None, "--source", help="pubmed or arxiv: fetch new literature each time"),
    query: str | None = typer.Option(None, "--query", help="literature query (default: the program)"),
    literature_file: Path | None = typer.Option(None, "--literature-file", help="JSONL corpus to ingest (offline)"),
    max_records: int = typer.Option(50, "--max", min=1, max=10_000, help="records fetched per iteration at most"),
    tool_calls: int = typer.Option(50, "--max-tool-calls", min=1, help="tool-call budget of one iteration"),
    wall: str = typer.Option("10m", "--max-wall", help="wall-time budget of one iteration"),
    webhook: str | None = typer.Option(None, "--webhook", help="URL the digest is POSTed to"),
) -> None:
    """Define a loop; `ech0 loop daemon` (or `ech0 serve`) runs it every INTERVAL."""
    from agents.loops.iteration import parse_interval
    from knowledge.common.errors import Ech0Error

    if source and literature_file:
        raise Ech0Error("give --source (live) or --literature-file (offline), not both")
    if source and source not in ("pubmed", "arxiv"):
        raise Ech0Error(f"unknown source {source!r}: use pubmed or arxiv")
    if literature_file is not None and not literature_file.is_file():
        raise Ech0Error(f"literature file {literature_file} does not exist")
    if not program.strip():
        raise Ech0Error("empty --program: describe the research program")
    literature = (
        {"source": "file", "path": str(literature_file.resolve()), "name": name}
        if literature_file
        else {"source": source, "query": query or program, "max": max_records}
        if source
        else {}
    )
    budget = {"tool_calls": tool_calls, "wall_s": parse_interval(wall)}
    _store().add(name, program, parse_interval(every), list(question or []), literature, budget, webhook)
    typer.echo(
        f"loop {name!r} added: every {every}; start it with `ech0 loop daemon` or run it now: ech0 loop run {name}"
    )


@app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Loops, their schedule and their last iteration."""

    def line(loop: dict) -> str:
        state = "paused" if loop["paused"] else f"every {loop['every_s']:.0f}s"
        return (
            f"{loop['name']}  {state}  iterations {loop['iterations']} ({loop['last_status']})  {loop['program'][:60]}"
        )

    emit_rows(_store().list(), as_json, line)


@app.command("run")
def run(
    name: str = typer.Argument(..., help="loop to run now"),
    as_json: bool = typer.Option(False, "--json", help="print the digest as JSON"),
) -> None:
    """Run one iteration now and print its digest."""
    from agents.loops.digest import digest_markdown
    from agents.loops.iteration import run_iteration
    from server.scheduler import digest_dir, loop_services

    rt = runtime()
    store = _store()
    try:
        digest = run_iteration(loop_services(rt), store, name, digest_dir(rt.settings.data_dir))
    finally:
        rt.close()
    if digest is None:
        typer.echo(f"loop {name!r} has an iteration running already: nothing done", err=True)
        return
    if as_json:
        print_json(digest)
        return
    from rich.markdown import Markdown

    from server.commands.common import console

    console().print(Markdown(digest_markdown(store.get(name), digest)))


@app.command("pause")
def pause(name: str = typer.Argument(...)) -> None:
    """Stop scheduling a loop (its history stays)."""
    _store().set_paused(name, True)
    typer.echo(f"loop {name!r} paused")


@app.command("resume")
def resume(name: str = typer.Argument(...)) -> None:
    """Schedule a paused loop again."""
    _store().set_paused(name, False)
    typer.echo(f"loop {name!r} resumed")


@app.command("daemon")
def daemon() -> None:
    """Run the scheduler in the foreground until interrupted."""
    from server.scheduler import make_scheduler, sync

    scheduler, store = make_scheduler(runtime().settings.db_url, blocking=True)
    sync(scheduler, store)
    typer.echo(f"running {len([loop for loop in store.list() if not loop['paused']])} loop(s); Ctrl-C stops",
               err=True)  # fmt: skip
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
