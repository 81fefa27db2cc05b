"""What every suite shares: the context it runs in, its typed outcome, and the run folder it writes.

A run folder (default DATA_DIR/evals/<run-id>/) holds `result.json` (metrics, their direction, every case),
`report.md` and the plots the report shows. `list_runs` reads the folders back for the dashboard and
`ech0 eval compare`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error

RESULT_FILE = "result.json"
REPORT_FILE = "report.md"
Direction = Literal["higher", "lower", "info"]


@dataclass
class SuiteContext:
    """What the caller (the CLI, a test) provides: the entry points of a configured ECH0, never settings."""

    ask: Callable[[str], dict[str, Any]] | None = None  # server.research.ask on a runtime
    retriever_for: Callable[[Path], Any] | None = None  # a Retriever over a BEIR corpus file (indexed once)
    workers: int = 1
    out_dir: Path | None = None  # the run folder (set by run_suite): suites may write files there
    options: dict[str, Any] = field(default_factory=dict)  # suite options from the command line
    on_progress: Callable[[int, int], None] | None = None  # (done, total)

    def need_ask(self, suite: str) -> Callable[[str], dict[str, Any]]:
        if self.ask is None:
            raise Ech0Error(f"the {suite} suite asks ECH0: run it through `ech0 eval run {suite}`")
        return self.ask

    def progress(self, done: int, total: int) -> None:
        if self.on_progress is not None:
            self.on_progress(done, total)


class Case(BaseModel):
    id: str
    passed: bool
    score: float | None = Field(None, description="a graded score where the suite has one (nDCG, recall, error)")
    expected: Any = None
    got: Any = None
    detail: dict[str, Any] = Field(default_factory=dict)


class Plot(BaseModel):
    """A figure the report shows: drawn by evals.harness.report from these data."""

    kind: Literal["bar", "hist", "scatter"]
    title: str
    file: str
    x: list[Any]
    y: list[float] = Field(default_factory=list)
    xlabel: str = ""
    ylabel: str = ""


class Outcome(BaseModel):
    """What a suite returns: metrics with their direction, the cases, plots and notes."""

    metrics: dict[str, float | int | None]
    directions: dict[str, Direction] = Field(default_factory=dict)
    cases: list[Case] = Field(default_factory=list)
    plots: list[Plot] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)
    extra_files: list[str] = Field(default_factory=list, description="files the suite wrote into the run folder")


class EvalRun(BaseModel):
    run_id: str
    suite: str
    file: str
    started_at: str
    seconds: float
    metrics: dict[str, float | int | None]
    directions: dict[str, Direction]
    cases: list[Case]
    meta: dict[str, Any]
    files: list[str]

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)


def new_run_id(suite: str) -> str:
    return f"{suite}-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0–1) by linear interpolation between the closest ranks; None for no values."""
    if not values:
        return None
    return round(float(np.quantile(values, q, method="linear")), 4)


def load_jsonl(path: Path, what: str) -> list[dict[str, Any]]:
    """Rows of a JSONL file; a bad line is an error naming the file and the line."""
    if not path.is_file():
        raise Ech0Error(f"{what} file {path} does not exist")
    rows = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise Ech0Error(f"{path}:{line_no} is not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise Ech0Error(f"{path}:{line_no} is not a JSON object")
        row["_line"] = line_no
        rows.append(row)
    if not rows:
        raise Ech0Error(f"{what} file {path} has no cases")
    return rows


def write_run(run: EvalRun, out_dir: Path) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / RESULT_FILE
    path.write_text(run.model_dump_json(indent=2), encoding="utf-8")
    return path


def load_run(ref: str | Path, root: Path | None = None) -> EvalRun:
    """A run by folder, by result.json path, or by run id under `root` (DATA_DIR/evals)."""
    path = Path(ref)
    candidates = [path / RESULT_FILE, path] + ([root / str(ref) / RESULT_FILE] if root is not None else [])
    for candidate in candidates:
        if candidate.is_file() and candidate.name == RESULT_FILE:
            try:
                return EvalRun.model_validate_json(candidate.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise Ech0Error(f"{candidate} is not an eval result: {exc}") from None
    where = f" or under {root}" if root is not None else ""
    raise Ech0Error(f"no eval run {str(ref)!r}: give a run id{where}, its folder, or its result.json")


def list_runs(root: Path) -> list[dict[str, Any]]:
    """Summaries of the runs under `root`, newest first (unreadable folders are skipped)."""
    runs = []
    if not root.is_dir():
        return runs
    for path in root.glob(f"*/{RESULT_FILE}"):
        try:
            run = EvalRun.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        runs.append({"run_id": run.run_id, "suite": run.suite, "file": run.file, "started_at": run.started_at,
                     "seconds": run.seconds, "metrics": run.metrics, "cases": len(run.cases),
                     "passed": run.passed, "folder": path.parent.name})  # fmt: skip
    return sorted(runs, key=lambda r: r["started_at"], reverse=True)
