"""`ech0 data generate|check` in-process: the JSON contract, exit codes and one-line errors."""

from __future__ import annotations

import json

from server.cli import main

KEYS = {"examples", "tasks", "templates", "invalid", "exact_duplicates", "near_duplicate_rate", "examples_per_hour"}


def test_generate_and_check_json(tmp_path, capsys):
    out = tmp_path / "ds"
    assert (
        main(["data", "generate", "--out", str(out), "--compounds", "6", "--seed", "2", "--workers", "1", "--json"])
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert KEYS | {"wall_s"} <= set(report) and report["examples"] > 0
    assert main(["data", "check", str(out), "--workers", "1", "--json"]) == 0
    check = json.loads(capsys.readouterr().out)
    assert check["passed"] and check["examples"] == report["examples"]


def test_errors_are_one_line_and_exit_1(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["data", "generate", "--out", str(blocker / "ds"), "--compounds", "2"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: cannot write")
    assert main(["data", "generate", "--out", str(tmp_path / "ds"), "--compounds", "0"]) == 1
    assert "compound set is empty" in capsys.readouterr().err
    assert main(["data", "check", str(tmp_path / "nothing")]) == 1
    assert "no data set directory" in capsys.readouterr().err


def test_failed_check_exits_1(tmp_path, capsys):
    (tmp_path / "train.jsonl").write_text('{"messages": []}\n')
    assert main(["data", "check", str(tmp_path), "--workers", "1"]) == 1
    assert "FAILED" in capsys.readouterr().out
