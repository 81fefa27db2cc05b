"""The `ech0` command line. Heavy libraries are imported inside commands so that `ech0 --help` is instant."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
import typer

from knowledge.common.errors import Ech0Error
from server.commands import (
    bench,
    compounds,
    data,
    evals,
    feedback,
    finetune,
    index,
    keys,
    lab,
    llm,
    loop,
    models,
    runs,
    serve,
)
from server.commands.common import console, loading, open_runtime, print_json

# typer parses with the click it bundles, whose exceptions derive from typer's own, not from click's: catch both.
_CLICK_ERRORS = (click.ClickException, typer.exceptions.TyperException)
_ABORTS = (click.exceptions.Abort, typer.exceptions.Abort)

app = typer.Typer(
    name="ech0",
    help="ECH0: research orchestrator for drug discovery — cited literature answers and RDKit chemistry.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
config_app = typer.Typer(help="Inspect the effective settings.", no_args_is_help=True)
app.add_typer(index.app, name="index")
app.add_typer(compounds.app, name="compounds")
app.add_typer(evals.app, name="eval")
app.add_typer(lab.app, name="lab")
app.add_typer(bench.app, name="bench")
app.add_typer(models.app, name="models")
app.add_typer(finetune.app, name="finetune")
app.add_typer(data.app, name="data")
app.add_typer(keys.app, name="keys")
app.command("serve")(serve.serve)
app.command("mcp")(serve.mcp)
app.add_typer(config_app, name="config")
app.add_typer(runs.app, name="runs")
app.add_typer(loop.app, name="loop")
app.add_typer(llm.app, name="llm")
app.command("feedback")(feedback.feedback)


@app.command()
def ask(
    request: str | None = typer.Argument(None, help="the research request, in plain language"),
    as_json: bool = typer.Option(False, "--json", help="print the report's JSON form"),
    batch: Path | None = typer.Option(None, "--batch", help='JSONL of {"id", "request"} lines to answer in one run'),
    out: Path | None = typer.Option(None, "--out", help="with --batch: JSONL file the results are appended to"),
    stream: bool = typer.Option(False, "--stream", help="show the plan and each finished step as the run goes"),
    approval: str | None = typer.Option(
        None, "--approval", help="which steps wait for `ech0 runs approve`: expensive (default), never or always"
    ),
    max_replans: int | None = typer.Option(
        None, "--max-replans", min=0, max=5, help="times reflect may re-plan failed steps (default: llm.max_replans)"
    ),
    after: str | None = typer.Option(
        None, "--after", help="a follow-up of this run ('last' for the latest): \"and for ibuprofen?\" reads with it"
    ),
) -> None:
    """Answer a research request with a cited report (or a whole batch of them with --batch/--out)."""
    context = _run_context(approval, max_replans)
    if batch is not None:
        from server.batch import run_batch

        if out is None:
            raise Ech0Error("--batch needs --out: the JSONL file the results are written to")
        summary = run_batch(batch, out, context=context)
        typer.echo(
            json.dumps(summary)
            if as_json
            else f"{summary['answered']} answered, {summary['failed']} failed, {summary['skipped']} already in {out}",
            err=not as_json,
        )
        if summary["failed"]:  # a batch that lost rows is not a success: scripts and CI see it
            tried = summary["answered"] + summary["failed"]
            raise Ech0Error(f"{summary['failed']} of {tried} requests failed: their rows in {out} carry the error")
        return
    if request is None:
        raise Ech0Error('no request: ech0 ask "QUESTION" or ech0 ask --batch IN.jsonl --out OUT.jsonl')
    with open_runtime() as rt, loading("researching (a first request loads the models: up to a minute)", plain=False):
        history = rt.research.conversation_of(after) if after else None
        if stream:
            result = _ask_with_progress(rt, request, context, history)
        else:
            result = rt.research.ask(request, context=context, history=history)
    if as_json:
        print_json(result)
    else:
        from rich.markdown import Markdown

        console().print(Markdown(result["report_markdown"]))
    if result.get("status") == "partial":  # the report says what was lost; the exit code says it to scripts
        lost = result["lost"]
        more = f" (and {len(lost) - 1} more, in the report's notes)" if len(lost) > 1 else ""
        raise Ech0Error(f"the answer lost a requested part: {lost[0]}{more}")


def _run_context(approval: str | None, max_replans: int | None):
    """This run's own configuration from the ask options; None when none was given."""
    if approval is None and max_replans is None:
        return None
    from agents.context import RunContext

    if approval is not None and approval not in ("expensive", "never", "always"):
        raise Ech0Error(f"--approval {approval!r}: use expensive, never or always")
    return RunContext(approval=approval, max_replans=max_replans)


def _ask_with_progress(rt, request: str, context=None, history: list[str] | None = None) -> dict[str, Any]:
    """Run a request, printing its plan and each finished step on stderr as they happen."""
    err = console(stderr=True)
    result: dict[str, Any] = {}
    for event in rt.research.stream(request, context=context, history=history):
        if event["event"] == "plan":
            steps = ", ".join(f"{s['id']} {s['tool']}" for s in event["steps"]) or "no tool calls"
            err.print(f"[bold]plan[/bold] {steps}")
        elif event["event"] == "step":
            mark = "[green]ok[/green]" if event["ok"] else f"[red]failed[/red] {event['error']}"
            err.print(f"  {event['step_id']} {event['tool']} {mark} ({event['seconds']:.2f} s)")
        elif event["event"] == "reflect":
            err.print(f"  reflect: {len(event['issues'])} issue(s)")
        elif event["event"] == "result":
            result = {k: v for k, v in event.items() if k != "event"}
    return result


@config_app.command("show")
def config_show(as_json: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Print the effective settings (environment, ech0.toml, defaults), secrets masked."""
    from server.settings import current_settings

    data = current_settings().masked()
    if as_json:
        print_json(data)
        return

    def flatten(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                flatten(f"{prefix}.{key}" if prefix else key, inner)
        else:
            typer.echo(f"{prefix} = {json.dumps(value)}")

    flatten("", data)


def main(argv: list[str] | None = None) -> int:
    """Console entry point: user errors print one line on stderr and exit 1, never a traceback."""
    import logging

    # bitsandbytes (pulled in through transformers) warns about optional CPU kernels on import: not our user's concern
    logging.getLogger("bitsandbytes").setLevel(logging.ERROR)
    from server.settings import settings_scope

    command = typer.main.get_command(app)
    try:
        with settings_scope():  # one Settings for the whole command, read when first needed
            result = command.main(args=argv, prog_name="ech0", standalone_mode=False)
    except Ech0Error as exc:
        typer.echo(f"error: {exc}", err=True)
        return 1
    except _CLICK_ERRORS as exc:
        # one line and where to look, never a traceback: "error: No such option: --bogus (see `ech0 ask --help`)"
        ctx = getattr(exc, "ctx", None)
        hint = f" (see `{ctx.command_path} --help`)" if ctx is not None and exc.exit_code == 2 else ""
        typer.echo(f"error: {exc.format_message()}{hint}", err=True)
        return exc.exit_code
    except _ABORTS:
        typer.echo("aborted", err=True)
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
