"""Helpers shared by the CLI command groups: the runtime, output, progress and what a cold command waits for."""

from __future__ import annotations

import json
import time
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


def progress_bar(label: str, out=None, clock: Callable[[], float] = time.monotonic):
    """Progress on stderr (or the rich console `out`), so that --json output stays clean: a live bar with counts
    and time left in a terminal, else plain lines at every tenth of the work or every 30 s (logs, pipes, CI)."""
    out = out or console(stderr=True)
    if not out.is_terminal:
        from server.commands.progress import PlainProgress

        return PlainProgress(label, out.file, clock=clock)
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    return Progress(*columns, console=out)


@contextmanager
def loading(message: str, out=None, plain: bool = True) -> Iterator[None]:
    """Say what a command waits for before its first output: a spinner on stderr in a terminal (gone when the
    block ends), else one plain line. `plain=False` keeps the plain line out, for commands whose input errors
    must stay the only line on stderr."""
    out = out or console(stderr=True)
    if out.is_terminal:
        with out.status(f"{message}…", spinner="dots"):
            yield
        return
    if plain:
        out.file.write(f"{message}…\n")
        out.file.flush()
    yield


def require_index(settings=None) -> None:
    """Fail at once, before the runtime is built and the model loads, when the literature index of `settings`
    (the command's by default) was never built."""
    from knowledge.common.errors import IndexMissingError
    from server.settings import current_settings
    from server.warmup import index_exists

    settings = settings or current_settings()
    if not index_exists(settings):
        raise IndexMissingError(
            f"no literature index at {settings.index_path}: build it with `ech0 index build` (or `make run`)"
        )


def load_parts(rt, *names: str, out=None) -> None:
    """Load the named slow parts of `rt` (see server.warmup.SLOW_PARTS), each under its own spinner."""
    from server.warmup import SLOW_PARTS

    for name in names:
        part = SLOW_PARTS[name]
        with loading(f"loading {part.label}", out=out):
            part.load(rt)
