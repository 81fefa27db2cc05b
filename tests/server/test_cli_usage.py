"""Every command answers a usage error with one line that says where to look, exit code 2, no traceback."""

from __future__ import annotations

import pytest
import typer

from server.cli import app, main


def _paths(command, prefix=()):
    sub = getattr(command, "commands", None)
    if not sub:
        return [prefix]
    return [p for name, child in sorted(sub.items()) for p in _paths(child, (*prefix, name))]


COMMANDS = _paths(typer.main.get_command(app))


def test_the_walk_covers_the_command_tree():
    assert len(COMMANDS) > 40 and ("ask",) in COMMANDS and ("index", "search") in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_a_bad_option_is_one_line_and_exit_two(path, capsys):
    assert main([*path, "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: No such option") and "Traceback" not in err
    assert f"`ech0 {' '.join(path)} --help`" in err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["index", "search", "metformin", "--k", "notanint"], "Invalid value for '--k'"),
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
    ],
)
def test_bad_values_and_unknown_commands_are_usage_errors(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1
