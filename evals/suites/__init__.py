"""The shipped dev suites, one small file (or folder) per eval suite; rebuilt by `python -m evals.suites.build`."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
DEV_SUITES: dict[str, Path] = {
    "retrieval": HERE / "retrieval" / "scifact-dev",
    "chemqa": HERE / "chemqa" / "dev.jsonl",
    "properties": HERE / "properties" / "esol-dev.json",
    "dataset": HERE / "dataset" / "dev.json",
    "research": HERE / "research" / "dev.jsonl",
}
