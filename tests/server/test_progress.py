"""The CLI's progress and loading notices, in a terminal and in a log: rich consoles on in-memory streams and a
fake clock, so that nothing depends on how fast this machine is."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from server.commands.common import loading, progress_bar
from server.commands.progress import PlainProgress, duration


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _console(terminal: bool) -> Console:
    return Console(file=io.StringIO(), force_terminal=terminal, width=100)


def test_a_terminal_gets_rich_progress_bar():
    from rich.progress import Progress

    out = _console(terminal=True)
    with progress_bar("indexing chunks", out=out) as bar:
        assert isinstance(bar, Progress)
        task = bar.add_task("index", total=None)
        bar.update(task, total=40)
        bar.advance(task, 40)
    text = out.file.getvalue()
    assert "indexing chunks" in text and "40/40" in text and "\x1b[" in text  # drawn with terminal codes


def test_a_log_gets_a_line_per_tenth_with_time_left():
    out, clock = _console(terminal=False), FakeClock()
    with progress_bar("indexing chunks", out=out, clock=clock) as bar:
        assert isinstance(bar, PlainProgress)
        task = bar.add_task("index", total=None)
        bar.update(task, total=5183)
        for _ in range(5183 // 100):
            clock.now += 2.5
            bar.advance(task, 100)
        clock.now += 1.5
        bar.advance(task, 5183 % 100)
    lines = out.file.getvalue().splitlines()
    assert len(lines) == 10 and "\x1b[" not in out.file.getvalue()
    assert lines[0] == "indexing chunks: 600/5,183 (12%), 15s elapsed, ~1m55s left"
    assert lines[4].startswith("indexing chunks: 2,600/5,183 (50%), 1m05s elapsed, ~")
    assert lines[-1] == "indexing chunks: 5,183/5,183 (100%), done in 2m09s"


def test_a_log_hears_from_slow_work_every_30_seconds():
    stream, clock = io.StringIO(), FakeClock()
    bar = PlainProgress("answering", stream, clock=clock)
    with bar:
        task = bar.add_task("batch", total=1000)
        clock.now += 29
        bar.advance(task)  # nothing yet: under a tenth and under 30 s
        assert stream.getvalue() == ""
        clock.now += 31
        bar.advance(task)
        assert stream.getvalue() == "answering: 2/1,000 (0%), 1m00s elapsed, ~8h19m left\n"
        clock.now += 5
        bar.advance(task)  # 5 s after the last line: quiet again
    assert stream.getvalue().splitlines()[1:] == ["answering: 3/1,000 (0%), done in 1m05s"]


def test_unknown_totals_and_failures_in_a_log():
    stream, clock = io.StringIO(), FakeClock()
    with PlainProgress("checking", stream, clock=clock) as bar:
        task = bar.add_task("examples", total=None)
        clock.now += 45
        bar.update(task, completed=120)
    assert stream.getvalue().splitlines() == ["checking: 120, 45s elapsed", "checking: 120, done in 45s"]
    failing = io.StringIO()
    with pytest.raises(ValueError, match="bad row"), PlainProgress("checking", failing, clock=clock) as bar:
        bar.update(bar.add_task("examples", total=10), completed=3)
        raise ValueError("bad row")
    assert failing.getvalue().splitlines() == ["checking: 3/10 (30%), 0s elapsed, ~0s left"]  # no "done" line


def test_durations_read_like_a_person_would_say_them():
    assert [duration(s) for s in (0, 44.6, 60, 130, 3599, 3600, 7500)] == [
        "0s", "45s", "1m00s", "2m10s", "59m59s", "1h00m", "2h05m",
    ]  # fmt: skip


def test_loading_is_a_spinner_in_a_terminal_and_one_line_in_a_log():
    terminal = _console(terminal=True)
    with loading("loading the embedding model", out=terminal):
        terminal.file.write("")  # the work: nothing to print, the spinner's frames are the output
    assert "loading the embedding model…" in terminal.file.getvalue()  # the spinner's frames
    log = _console(terminal=False)
    with loading("loading the embedding model", out=log):
        log.file.write("work\n")
    assert log.file.getvalue() == "loading the embedding model…\nwork\n"
    quiet = _console(terminal=False)
    with loading("researching", out=quiet, plain=False):
        quiet.file.write("")  # off a terminal and not asked for a plain line: nothing is printed
    assert quiet.file.getvalue() == ""
