"""BEIR-format retrieval data: queries JSONL (`_id`, `text`) and qrels TSV (`query-id corpus-id score`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from knowledge.common.errors import Ech0Error


def load_queries(path: Path) -> dict[str, str]:
    if not path.exists():
        raise Ech0Error(f"queries file {path} does not exist: give a BEIR queries JSONL (_id, text)")
    queries = {}
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            queries[str(row["_id"])] = str(row["text"])
        except (json.JSONDecodeError, KeyError) as exc:
            raise Ech0Error(f"{path}:{line_no} is not a BEIR query ({exc}); expected _id and text") from exc
    return queries


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """query id → {corpus id: graded relevance}; rows with score 0 are kept as judged non-relevant."""
    if not path.exists():
        raise Ech0Error(f"qrels file {path} does not exist: give a BEIR qrels TSV (query-id corpus-id score)")
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        missing = {"query-id", "corpus-id", "score"} - set(reader.fieldnames or [])
        if missing:
            raise Ech0Error(f"{path} lacks the qrels columns {sorted(missing)}: the header is query-id corpus-id score")
        for row in reader:
            qrels.setdefault(str(row["query-id"]), {})[str(row["corpus-id"])] = int(float(row["score"]))
    return qrels
