"""Progress as plain lines, for logs and pipes: rich's live bar only shows its last frame when stderr is no
terminal, so a long build would say nothing until it finished.

`PlainProgress` takes the calls the commands make on a `rich.progress.Progress` (add_task, update, advance,
start, stop, a `with` block) and prints a line at every tenth of the work, or after `every_s` seconds without
one (e.g. "indexing chunks: 1,200/5,183 (23%), 2m10s elapsed, ~6m left").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO


def duration(seconds: float) -> str:
    """A short human duration: 45s, 2m10s, 1h05m."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


@dataclass
class _Task:
    total: float | None
    completed: float = 0.0
    tenths_reported: int = 0  # tenths of the total already announced
    last_line_at: float = 0.0
    lines: int = 0


@dataclass
class PlainProgress:
    """Progress lines on `stream`: one per tenth of the total, or one every `every_s` seconds in between."""

    label: str
    stream: TextIO
    every_s: float = 30.0
    clock: Callable[[], float] = time.monotonic
    started_at: float | None = None
    _tasks: dict[int, _Task] = field(default_factory=dict)

    def __enter__(self) -> PlainProgress:
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.stop()

    def start(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock()

    def stop(self) -> None:
        """The closing line of each task that reported nothing final yet."""
        for task in self._tasks.values():
            if task.lines and task.total is not None and task.tenths_reported >= 10:
                continue  # its 100 % line was the last word
            if task.completed or task.lines:
                self._line(task, done=True)

    def add_task(self, description: str = "", total: float | None = None, **_: object) -> int:
        self.start()
        task_id = len(self._tasks)
        self._tasks[task_id] = _Task(total=total, last_line_at=self.clock())
        return task_id

    def update(
        self,
        task_id: int,
        *,
        total: float | None = None,
        completed: float | None = None,
        advance: float | None = None,
        **_: object,
    ) -> None:
        task = self._tasks[task_id]
        if total is not None:
            task.total = total
        if completed is not None:
            task.completed = completed
        if advance is not None:
            task.completed += advance
        self._maybe_report(task)

    def advance(self, task_id: int, advance: float = 1) -> None:
        self.update(task_id, advance=advance)

    def _maybe_report(self, task: _Task) -> None:
        now = self.clock()
        if task.total:
            tenths = min(10, int(10 * task.completed / task.total))
            if tenths > task.tenths_reported:
                task.tenths_reported = tenths
                self._line(task, done=tenths >= 10)
                return
        if now - task.last_line_at >= self.every_s and task.completed:
            self._line(task)

    def _line(self, task: _Task, done: bool = False) -> None:
        now = self.clock()
        elapsed = now - (self.started_at if self.started_at is not None else now)
        count = f"{task.completed:,.0f}"
        if task.total:
            count += f"/{task.total:,.0f} ({100 * task.completed / task.total:.0f}%)"
        if done:
            text = f"{self.label}: {count}, done in {duration(elapsed)}"
        else:
            text = f"{self.label}: {count}, {duration(elapsed)} elapsed"
            if task.total and task.completed:
                left = elapsed * (task.total - task.completed) / task.completed
                text += f", ~{duration(left)} left"
        self.stream.write(text + "\n")
        self.stream.flush()
        task.last_line_at = now
        task.lines += 1
