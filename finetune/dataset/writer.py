"""HF-style data set files: `{train,validation,test}.jsonl` and `.parquet`, streamed to temporary files and renamed
into place only by `commit()`, so an interrupted run never leaves a split looking complete.

The JSONL lines are the examples as made (what `ech0 data check` verifies); the Parquet rows carry the same data in
the typed layout of `schema.PARQUET_FEATURES`, which `datasets.load_dataset` reads back as declared."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from finetune.dataset.atomic import disk_error, temp_beside
from finetune.dataset.schema import ID_NAMESPACES, PARQUET_FEATURES, SPLITS

_ARROW_VALUES = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(), "bool": pa.bool_()}


def arrow_type(feature: Any) -> pa.DataType:
    """The Arrow type `datasets` gives a serialised feature: a Value, a one-element list (a list of it) or a struct."""
    if isinstance(feature, list):
        return pa.list_(arrow_type(feature[0]))
    if feature.get("_type") == "Value":
        return _ARROW_VALUES[feature["dtype"]]
    return pa.struct([(name, arrow_type(sub)) for name, sub in feature.items()])


# The features ride in the schema metadata under "huggingface", as `datasets` writes them, so that
# `datasets.load_dataset` reads the declared types back exactly.
SCHEMA = pa.schema(
    [(name, arrow_type(feature)) for name, feature in PARQUET_FEATURES.items()],
    metadata={"huggingface": json.dumps({"info": {"features": PARQUET_FEATURES}})},
)
_BATCH = 20_000


def _compound(ref: dict[str, Any] | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    ids = ref.get("ids") or {}
    unknown = set(ids) - set(ID_NAMESPACES)
    if unknown:  # a new source must be declared in schema.ID_NAMESPACES before its ids can be written
        raise ValueError(f"compound id namespaces {sorted(unknown)} are not declared in ID_NAMESPACES")
    return {"smiles": ref["smiles"], "name": ref.get("name"), "ids": {ns: ids.get(ns) for ns in ID_NAMESPACES}}


def _named_json(values: dict[str, Any]) -> list[dict[str, str]]:
    return [{"name": name, "value": json.dumps(value, ensure_ascii=False)} for name, value in values.items()]


def parquet_row(example: dict[str, Any]) -> dict[str, Any]:
    """An example as a row of SCHEMA; `example_from_parquet_row` gives it back."""
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
        "compound": _compound(example["compound"]),
        "partner": _compound(example.get("partner")),
        "inputs": _named_json(example.get("inputs") or {}),
        "facts": _named_json(example["facts"]),
    }


def _compound_from_row(ref: dict[str, Any] | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    out: dict[str, Any] = {"smiles": ref["smiles"], "ids": {k: v for k, v in ref["ids"].items() if v is not None}}
    if ref.get("name") is not None:
        out["name"] = ref["name"]
    return out


def example_from_parquet_row(row: dict[str, Any]) -> dict[str, Any]:
    """A Parquet row (from pyarrow or `datasets`) in the shape of its JSONL line: unset ids, names and message
    fields dropped, fact and input values decoded from their JSON text."""
    return {
        "messages": [{k: v for k, v in m.items() if v is not None} for m in row["messages"]],
        "task": row["task"],
        "category": row["category"],
        "template_id": row["template_id"],
        "generator": row["generator"],
        "compound": _compound_from_row(row["compound"]),
        "partner": _compound_from_row(row["partner"]),
        "inputs": {item["name"]: json.loads(item["value"]) for item in row["inputs"]},
        "facts": {item["name"]: json.loads(item["value"]) for item in row["facts"]},
        "split": row["split"],
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
        self.nbytes: dict[str, int] = dict.fromkeys(SPLITS, 0)  # Arrow in-memory size: the card's num_bytes
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
            table = pa.Table.from_pylist(rows, schema=SCHEMA)
            self.nbytes[split] += table.nbytes
            try:
                self._parquet[split].write_table(table)
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
