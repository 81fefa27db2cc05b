"""HF-style data set files: `{train,validation,test}.jsonl` and `.parquet`, streamed to temporary files and renamed
into place only by `commit()`, so an interrupted run never leaves a split looking complete."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from finetune.dataset.atomic import disk_error, temp_beside
from finetune.dataset.schema import SPLITS

_MESSAGE = pa.struct(
    [("role", pa.string()), ("content", pa.string()), ("name", pa.string()), ("tool_call_id", pa.string())]
)
_COMPOUND = pa.struct([("smiles", pa.string()), ("name", pa.string()), ("ids", pa.map_(pa.string(), pa.string()))])
# facts and inputs hold values of mixed types (numbers, strings, lists): Parquet stores them as JSON text.
SCHEMA = pa.schema(
    [
        ("messages", pa.list_(_MESSAGE)),
        ("task", pa.string()),
        ("category", pa.string()),
        ("template_id", pa.string()),
        ("generator", pa.string()),
        ("split", pa.string()),
        ("compound", _COMPOUND),
        ("partner", _COMPOUND),
        ("inputs", pa.string()),
        ("facts", pa.string()),
    ]
)
_BATCH = 20_000


def parquet_row(example: dict[str, Any]) -> dict[str, Any]:
    messages = [
        {"role": m["role"], "content": m["content"], "name": m.get("name"), "tool_call_id": m.get("tool_call_id")}
        for m in example["messages"]
    ]
    return {
        "messages": messages,
        "task": example["task"],
        "category": example["category"],
        "template_id": example["template_id"],
        "generator": example["generator"],
        "split": example["split"],
        "compound": example["compound"],
        "partner": example.get("partner"),
        "inputs": json.dumps(example.get("inputs") or {}, ensure_ascii=False),
        "facts": json.dumps(example["facts"], ensure_ascii=False),
    }


class DatasetWriter:
    """Streams examples into per-split JSONL and Parquet temporary files; `commit` renames them into place."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._tmp: dict[Path, str] = {}
        self._jsonl: dict[str, IO[str]] = {}
        self._parquet: dict[str, pq.ParquetWriter] = {}
        self._rows: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
        self.counts: dict[str, int] = dict.fromkeys(SPLITS, 0)
        try:
            for split in SPLITS:
                self._jsonl[split] = open(self._temp(out_dir / f"{split}.jsonl"), "w", encoding="utf-8")  # noqa: SIM115
                path = self._temp(out_dir / f"{split}.parquet")
                self._parquet[split] = pq.ParquetWriter(path, SCHEMA, compression="zstd")
        except OSError as exc:
            self.abort()
            raise disk_error(out_dir / "train.jsonl", exc) from exc

    def _temp(self, final: Path) -> str:
        tmp = temp_beside(final)
        self._tmp[final] = tmp
        return tmp

    def add(self, line: str, example: dict[str, Any]) -> None:
        split = example["split"]
        try:
            self._jsonl[split].write(line + "\n")
        except OSError as exc:
            raise disk_error(self.out_dir / f"{split}.jsonl", exc) from exc
        rows = self._rows[split]
        rows.append(parquet_row(example))
        self.counts[split] += 1
        if len(rows) >= _BATCH:
            self._flush(split)

    def _flush(self, split: str) -> None:
        rows = self._rows[split]
        if rows:
            try:
                self._parquet[split].write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
            except OSError as exc:
                raise disk_error(self.out_dir / f"{split}.parquet", exc) from exc
            rows.clear()

    def commit(self) -> list[str]:
        """Close every file and rename it into place; returns the file names written."""
        for split in SPLITS:
            self._flush(split)
            self._parquet[split].close()
            handle = self._jsonl[split]
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        names = []
        for final, tmp in self._tmp.items():
            try:
                os.replace(tmp, final)
            except OSError as exc:
                raise disk_error(final, exc) from exc
            names.append(final.name)
        self._tmp.clear()
        return sorted(names)

    def abort(self) -> None:
        for handle in self._jsonl.values():
            with contextlib.suppress(OSError):
                handle.close()
        for writer in self._parquet.values():
            with contextlib.suppress(Exception):
                writer.close()
        for tmp in self._tmp.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._tmp.clear()
