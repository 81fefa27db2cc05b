"""Helpers shared by the CLI command groups."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import typer


def runtime():
    from server.settings import current_settings
    from server.wiring import build_runtime

    return build_runtime(current_settings())


@contextmanager
def open_runtime() -> Iterator[Any]:
    """The command's runtime, closed (index, HTTP client, database connections) when the block ends."""
    rt = runtime()
    try:
        yield rt
    finally:
        rt.close()


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def emit(data: Any, as_json: bool, render: Callable[[Any], str]) -> None:
    """`data` as JSON with --json, else as the text `render` makes of it."""
    if as_json:
        print_json(data)
    else:
        typer.echo(render(data))


def emit_rows(rows: Iterable[Any], as_json: bool, line: Callable[[Any], str], empty: str | None = None) -> None:
    """A listing: JSON with --json, else one line per row (or `empty` when there is none)."""
    rows = list(rows)
    if as_json:
        print_json(rows)
    elif not rows and empty:
        typer.echo(empty)
    else:
        for row in rows:
            typer.echo(line(row))


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr)


def progress_bar(label: str):
    """A progress bar with counts and time left, on stderr so that --json output stays clean."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    return Progress(*columns, console=console(stderr=True))
