"""Reading a property table: any CSV with a SMILES column and a target column.

Rows with an empty target are skipped; rows whose SMILES does not parse are dropped and reported one by one.
Problems the user must fix (missing file or column, a target that is not numeric, not two classes) raise Ech0Error.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel
from rdkit import Chem

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError, to_mol

Task = Literal["regression", "classification"]
TASKS: tuple[str, ...] = ("regression", "classification")


class DroppedRow(BaseModel):
    """A row left out of the dataset; `line` is its line number in the file (the header is line 1)."""

    line: int
    smiles: str
    reason: str


@dataclass
class Dataset:
    smiles: list[str]
    mols: list[Chem.Mol]
    y: np.ndarray
    task: str
    data_hash: str
    source: str
    dropped: list[DroppedRow] = field(default_factory=list)
    skipped_empty_target: int = 0
    # For classification: the file's label for class 0 and class 1.
    classes: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # each kept row's line in the file (header = 1)

    def __len__(self) -> int:
        return len(self.mols)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_table(path: Path, required: list[str]) -> tuple[list[dict[str, str]], bytes]:
    """The CSV's rows as dicts, and its raw bytes; raises Ech0Error naming the file or the missing column."""
    path = Path(path)
    if not path.is_file():
        raise Ech0Error(f"no CSV file at {path}: give the path of an existing file")
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c for c in (reader.fieldnames or []) if c is not None]
    if not columns:
        raise Ech0Error(f"{path} is empty: it needs a header row and at least one data row")
    for name in required:
        if name not in columns:
            raise Ech0Error(f"column {name!r} not in {path}; its columns are: {', '.join(columns)}")
    rows = list(reader)
    if not rows:
        raise Ech0Error(f"{path} has a header but no data rows")
    return rows, raw


def parse_smiles_rows(
    smiles: list[str], lines: list[int] | None = None
) -> tuple[list[int], list[Chem.Mol], list[DroppedRow]]:
    """Parse each SMILES; returns the positions that parsed, their molecules, and one DroppedRow per failure.

    `lines` gives each SMILES's line number for the report (default: a CSV with a header, data from line 2).
    """
    lines = lines if lines is not None else list(range(2, len(smiles) + 2))
    kept: list[int] = []
    mols: list[Chem.Mol] = []
    dropped: list[DroppedRow] = []
    for i, (text, line) in enumerate(zip(smiles, lines, strict=True)):
        try:
            mols.append(to_mol(text))
            kept.append(i)
        except InvalidSmilesError as exc:
            dropped.append(DroppedRow(line=line, smiles=text or "", reason=str(exc)))
    return kept, mols, dropped


def _regression_targets(values: list[str], lines: list[int], column: str, path: Path) -> np.ndarray:
    out, bad = [], []
    for value, line in zip(values, lines, strict=True):
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            bad.append(f"line {line}: {value!r}")
        out.append(number)
    if bad:
        shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise Ech0Error(
            f"target column {column!r} in {path} is not numeric ({shown}): regression needs numbers; "
            "fix those rows or use --task classification for class labels"
        )
    return np.asarray(out, dtype=np.float64)


def _class_targets(values: list[str], column: str, path: Path) -> tuple[np.ndarray, list[str]]:
    def key(label: str) -> tuple[int, float | str]:
        try:
            return (0, float(label))
        except ValueError:
            return (1, label)

    labels = sorted({v for v in values}, key=key)
    if len(labels) != 2:
        shown = ", ".join(repr(v) for v in labels[:10]) + (" …" if len(labels) > 10 else "")
        raise Ech0Error(
            f"target column {column!r} in {path} has {len(labels)} distinct value(s) ({shown}): "
            "binary classification needs exactly two classes, e.g. 0 and 1"
        )
    # Numeric labels keep their order (0 → class 0); text labels are sorted so the mapping is reproducible.
    index = {label: i for i, label in enumerate(labels)}
    return np.asarray([index[v] for v in values], dtype=np.int64), labels


def load_dataset(path: Path | str, smiles_col: str, target_col: str, task: str) -> Dataset:
    """Read `path` for a model: skip empty targets, drop unparsable SMILES (reported), check the target's type."""
    if task not in TASKS:
        raise Ech0Error(f"unknown task {task!r}: use regression or classification")
    path = Path(path)
    rows, raw = read_table(path, [smiles_col, target_col])
    values, smiles, lines = [], [], []
    skipped = 0
    for i, row in enumerate(rows):
        value = (row.get(target_col) or "").strip()
        if not value:
            skipped += 1
            continue
        values.append(value)
        smiles.append((row.get(smiles_col) or "").strip())
        lines.append(i + 2)
    if not values:
        raise Ech0Error(f"target column {target_col!r} in {path} has no values: every row's target is empty")
    if task == "regression":
        y_all = _regression_targets(values, lines, target_col, path)
        classes: list[str] = []
    else:
        y_all, classes = _class_targets(values, target_col, path)
    kept, mols, dropped = parse_smiles_rows(smiles, lines)
    if not mols:
        raise Ech0Error(f"no SMILES in column {smiles_col!r} of {path} could be parsed: check the column name")
    y = y_all[kept]
    if task == "classification" and len(np.unique(y)) < 2:
        raise Ech0Error(
            f"after dropping unparsable SMILES, target {target_col!r} in {path} has only one class: "
            "classification needs examples of both classes"
        )
    return Dataset(
        smiles=[smiles[i] for i in kept],
        mols=mols,
        y=y,
        task=task,
        data_hash=sha256_bytes(raw),
        source=str(path),
        dropped=dropped,
        skipped_empty_target=skipped,
        classes=classes,
        lines=[lines[i] for i in kept],
    )
