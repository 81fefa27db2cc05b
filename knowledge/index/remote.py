"""A Qdrant server or cluster through qdrant-client (also runs against qdrant-client's local mode)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from knowledge.errors import Ech0Error, IndexMissingError
from knowledge.index.base import Filters, Hit, IndexPoint


class QdrantServerIndex:
    """One collection on a Qdrant server; `client` is a `qdrant_client.QdrantClient` built by the caller."""

    def __init__(self, client, collection: str, dim: int, model: str, create: bool = False) -> None:
        from qdrant_client import models

        self._models = models
        self.client = client
        self.collection = collection
        self.dim = dim
        self.model = model
        if client.collection_exists(collection):
            info = client.get_collection(collection)
            size = info.config.params.vectors.size
            if size != dim:
                raise Ech0Error(
                    f"collection {collection!r} holds {size}-d vectors, but {model} makes {dim}-d ones: "
                    "rebuild it with `ech0 index build --rebuild`"
                )
        elif create:
            client.create_collection(
                collection, vectors_config=models.VectorParams(size=dim, distance=models.Distance.COSINE)
            )
            for field in ("source", "doc_key"):
                client.create_payload_index(collection, field, models.PayloadSchemaType.KEYWORD)
        else:
            raise IndexMissingError(
                f"no collection {collection!r} on the Qdrant server: build it with `ech0 index build`"
            )

    def upsert(self, points: Sequence[IndexPoint]) -> None:
        if points:
            self.client.upsert(
                self.collection,
                points=[self._models.PointStruct(id=p.id, vector=p.vector, payload=p.payload) for p in points],
                wait=True,
            )

    def _filter(self, filters: Filters | None):
        if not filters:
            return None
        m = self._models
        conditions = [
            m.FieldCondition(
                key=key, match=m.MatchAny(any=value) if isinstance(value, list) else m.MatchValue(value=value)
            )
            for key, value in filters.items()
        ]
        return m.Filter(must=conditions)

    def search(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[Hit]:
        response = self.client.query_points(
            self.collection,
            query=[float(x) for x in vector],
            limit=k,
            query_filter=self._filter(filters),
            with_payload=True,
        )
        return [Hit(id=str(p.id), score=float(p.score), payload=dict(p.payload or {})) for p in response.points]

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        records = self.client.retrieve(self.collection, ids=list(ids), with_payload=True, with_vectors=False)
        return {str(r.id): dict(r.payload or {}) for r in records}

    def count(self) -> int:
        return int(self.client.count(self.collection, exact=True).count)

    def close(self) -> None:
        self.client.close()
