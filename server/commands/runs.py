"""`ech0 runs …`: recorded runs, and the ones that stopped — resume a crashed run, approve or reject a step."""

from __future__ import annotations

from typing import Any

import typer

from server.commands.common import console, emit_rows, open_runtime, print_json, runtime

app = typer.Typer(help="Inspect, resume, approve and reject research runs.", no_args_is_help=True)


def _print_outcome(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    from rich.markdown import Markdown

    console().print(Markdown(result["report_markdown"]))


@app.command("show")
def show(run_id: str = typer.Argument(..., help="a run id printed by `ech0 ask`")) -> None:
    """Print a recorded run: request, status, plan, steps and report."""
    from knowledge.common.errors import Ech0Error

    rt = runtime()
    run = rt.runs.get_run(run_id)
    status = rt.runs.status(run_id)
    if run is None and status is None:
        raise Ech0Error(f"no run {run_id!r} in {rt.settings.db_url}: list runs with `ech0 runs list`")
    record = run or {"run_id": run_id, "request": status["request"]}
    state = status or {"status": "done", "detail": {}}  # runs recorded before statuses existed
    print_json({**record, "status": state["status"], "detail": state["detail"]})


@app.command("list")
def list_(
    limit: int = typer.Option(20, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List recent runs with their status (done, running, awaiting_approval, failed)."""
    runs = runtime().runs.list_runs(limit)
    emit_rows(runs, as_json, lambda r: f"{r['run_id']}  {r['created_at'][:19]}  {r['status']:<17}  {r['request'][:70]}")


@app.command("resume")
def resume(
    run_id: str = typer.Argument(..., help="the run to continue"),
    as_json: bool = typer.Option(False, "--json", help="print the report's JSON form"),
) -> None:
    """Continue a run that stopped (crash, kill) from its last completed step."""
    with open_runtime() as rt:
        _print_outcome(rt.research.resume(run_id), as_json)


def _decide(run_id: str, approved: bool, comment: str | None, as_json: bool) -> None:
    with open_runtime() as rt:
        _print_outcome(rt.research.decide(run_id, approved, comment), as_json)


@app.command("approve")
def approve(
    run_id: str = typer.Argument(..., help="a run waiting for approval"),
    comment: str | None = typer.Option(None, "--comment", help="why, for the record"),
    as_json: bool = typer.Option(False, "--json", help="print the report's JSON form"),
) -> None:
    """Approve the expensive steps a run waits on; it runs them and finishes."""
    _decide(run_id, True, comment, as_json)


@app.command("reject")
def reject(
    run_id: str = typer.Argument(..., help="a run waiting for approval"),
    comment: str | None = typer.Option(None, "--comment", help="why, for the record and the report"),
    as_json: bool = typer.Option(False, "--json", help="print the report's JSON form"),
) -> None:
    """Reject the expensive steps a run waits on; it finishes without them and says so."""
    _decide(run_id, False, comment, as_json)
