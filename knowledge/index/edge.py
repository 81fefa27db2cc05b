"""Embedded Qdrant (qdrant-edge-py): the in-process Rust engine with HNSW, on a local directory."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from knowledge.errors import Ech0Error, IndexMissingError
from knowledge.index.base import Filters, Hit, IndexPoint

_META = "ech0-index.json"


class EdgeIndex:
    """A qdrant-edge shard at `path/shard`, with `path/ech0-index.json` recording the embedding model."""

    def __init__(self, path: Path, dim: int, model: str, create: bool = False) -> None:
        import qdrant_edge as qe

        self._qe = qe
        self.path = Path(path)
        self.dim = dim
        self.model = model
        shard_dir = self.path / "shard"
        meta_file = self.path / _META
        if meta_file.exists():
            meta = json.loads(meta_file.read_text())
            if meta.get("dim") != dim or meta.get("model") != model:
                raise Ech0Error(
                    f"index at {self.path} was built with {meta.get('model')} ({meta.get('dim')}-d), not {model} "
                    f"({dim}-d): rebuild it with `ech0 index build --rebuild` or point ECH0_KNOWLEDGE__INDEX_PATH "
                    "elsewhere"
                )
            self._shard = qe.EdgeShard.load(str(shard_dir))
        elif create:
            self.path.mkdir(parents=True, exist_ok=True)
            config = qe.EdgeConfig(vectors=qe.EdgeVectorParams(size=dim, distance=qe.Distance.Cosine))
            self._shard = qe.EdgeShard.create(str(shard_dir), config)
            for field in ("source", "doc_key"):
                self._shard.update(qe.UpdateOperation.create_field_index(field, qe.PayloadSchemaType.Keyword))
            meta_file.write_text(json.dumps({"model": model, "dim": dim, "backend": "qdrant-edge"}))
        else:
            raise IndexMissingError(
                f"no literature index at {self.path}: build it with `ech0 index build` (or `make run`)"
            )

    def upsert(self, points: Sequence[IndexPoint]) -> None:
        if not points:
            return
        qe = self._qe
        self._shard.update(qe.UpdateOperation.upsert_points([qe.Point(p.id, p.vector, p.payload) for p in points]))
        self._shard.flush()  # a killed ingestion keeps every batch it reported as done

    def _filter(self, filters: Filters | None):
        if not filters:
            return None
        qe = self._qe
        conditions = []
        for key, value in filters.items():
            match = qe.MatchAny(list(value)) if isinstance(value, list) else qe.MatchValue(value)
            conditions.append(qe.FieldCondition(key, match=match))
        return qe.Filter(must=conditions)

    def search(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[Hit]:
        qe = self._qe
        request = qe.QueryRequest(
            limit=k,
            query=qe.Query.Nearest([float(x) for x in vector]),
            filter=self._filter(filters),
            with_payload=True,
        )
        return [
            Hit(id=str(p.id), score=float(p.score), payload=dict(p.payload or {})) for p in self._shard.query(request)
        ]

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        records = self._shard.retrieve(list(ids), with_payload=True, with_vector=False)
        return {str(r.id): dict(r.payload or {}) for r in records}

    def count(self) -> int:
        return int(self._shard.count(self._qe.CountRequest(exact=True)))

    def close(self) -> None:
        self._shard.close()
