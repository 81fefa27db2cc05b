"""Helpers shared by the CLI command groups."""

from __future__ import annotations

import json
from typing import Any

import typer


def runtime():
    from server.settings import Settings
    from server.wiring import build_runtime

    return build_runtime(Settings())


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr)


def progress_bar(label: str):
    """A progress bar with counts and time left, on stderr so that --json output stays clean."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    return Progress(*columns, console=console(stderr=True))
