"""Benchmarks that run ECH0's code and a plain baseline side by side on the same data (`python -m evals.bench.NAME`).

Each script is a one-command typer app (`script_app`) that prints its result as a table or, with --json, as one
JSON object (`print_result`); `ech0 bench …` calls the same `run` and `render`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer


def script_app() -> typer.Typer:
    """The command line of one benchmark script: no shell-completion commands, errors without a rich traceback."""
    return typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def print_result(result: dict[str, Any], as_json: bool, render: Callable[[dict[str, Any]], str], indent=None) -> None:
    typer.echo(json.dumps(result, indent=indent) if as_json else render(result))
