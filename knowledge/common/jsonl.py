"""The one JSONL reader: line numbers kept, blank lines skipped, a bad line an error that names file and line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from knowledge.common.errors import Ech0Error


def jsonl_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSONL file; bad lines raise Ech0Error naming them."""
    if not path.exists():
        raise Ech0Error(f"file {path} does not exist: give the path of a JSONL file")
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise Ech0Error(
                    f"{path}:{line_no} is not valid JSON ({exc}); each line must be one JSON object"
                ) from None
            if not isinstance(row, dict):
                raise Ech0Error(f"{path}:{line_no} is a JSON {type(row).__name__}, not an object with named fields")
            yield line_no, row
