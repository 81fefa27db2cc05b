"""A Qdrant server or cluster through qdrant-client (also runs against qdrant-client's local mode)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from knowledge.common.errors import Ech0Error, IndexMissingError
from knowledge.index.base import (
    DENSE,
    INTEGER_FIELDS,
    KEYWORD_FIELDS,
    SPARSE,
    Hit,
    IndexPoint,
    SearchFilters,
    SearchMode,
    SparseVector,
    make_hit,
)


class QdrantServerIndex:
    """One collection on a Qdrant server; `client` is a `qdrant_client.QdrantClient` built by the caller."""

    def __init__(
        self,
        client,
        collection: str,
        dim: int,
        model: str,
        create: bool = False,
        rrf_k: int = 60,
        rrf_weights: tuple[float, float] | None = None,
    ) -> None:
        from qdrant_client import models

        self._m = models
        self.client = client
        self.collection = collection
        self.dim = dim
        self.model = model
        self.rrf_k = rrf_k
        self.rrf_weights = rrf_weights
        if client.collection_exists(collection):
            vectors = client.get_collection(collection).config.params.vectors
            size = vectors[DENSE].size if isinstance(vectors, dict) and DENSE in vectors else None
            if size != dim:
                raise Ech0Error(
                    f"collection {collection!r} has no {dim}-d '{DENSE}' vectors for {model}: "
                    "rebuild it with `ech0 index build --rebuild`"
                )
        elif create:
            client.create_collection(
                collection,
                vectors_config={DENSE: models.VectorParams(size=dim, distance=models.Distance.COSINE)},
                sparse_vectors_config={SPARSE: models.SparseVectorParams(modifier=models.Modifier.IDF)},
            )
            for field in KEYWORD_FIELDS:
                client.create_payload_index(collection, field, models.PayloadSchemaType.KEYWORD)
            for field in INTEGER_FIELDS:
                client.create_payload_index(collection, field, models.PayloadSchemaType.INTEGER)
        else:
            raise IndexMissingError(
                f"no collection {collection!r} on the Qdrant server: build it with `ech0 index build`"
            )

    def _sparse(self, sparse: SparseVector):
        return self._m.SparseVector(indices=sparse.indices, values=sparse.values)

    def upsert(self, points: Sequence[IndexPoint]) -> None:
        if not points:
            return
        structs = []
        for p in points:
            vectors: dict[str, Any] = {DENSE: p.vector}
            if p.sparse is not None and p.sparse.indices:
                vectors[SPARSE] = self._sparse(p.sparse)
            structs.append(self._m.PointStruct(id=p.id, vector=vectors, payload=p.payload))
        self.client.upsert(self.collection, points=structs, wait=True)

    def _filter(self, filters: SearchFilters | None, first_chunks_only: bool = False):
        m = self._m
        conditions = []
        for field, kind, value in filters.conditions() if filters else []:
            if kind == "any":
                conditions.append(m.FieldCondition(key=field, match=m.MatchAny(any=value)))
            else:
                low, high = value
                conditions.append(m.FieldCondition(key=field, range=m.Range(gte=low, lte=high)))
        if first_chunks_only:
            conditions.append(m.FieldCondition(key="chunk_index", match=m.MatchValue(value=0)))
        return m.Filter(must=conditions) if conditions else None

    def search(
        self,
        dense: Sequence[float],
        sparse: SparseVector | None,
        k: int,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        with_vectors: bool = False,
    ) -> list[Hit]:
        m = self._m
        flt = self._filter(filters)
        dense_list = [float(x) for x in dense]
        common = {"limit": k, "with_payload": True, "with_vectors": [DENSE]}
        if mode == "dense" or sparse is None or not sparse.indices:
            response = self.client.query_points(
                self.collection, query=dense_list, using=DENSE, query_filter=flt, **common
            )
        elif mode == "sparse":
            response = self.client.query_points(
                self.collection, query=self._sparse(sparse), using=SPARSE, query_filter=flt, **common
            )
        else:
            depth = max(k, 50)
            response = self.client.query_points(
                self.collection,
                prefetch=[
                    m.Prefetch(query=dense_list, using=DENSE, limit=depth, filter=flt),
                    m.Prefetch(query=self._sparse(sparse), using=SPARSE, limit=depth, filter=flt),
                ],
                query=m.RrfQuery(rrf=m.Rrf(k=self.rrf_k, weights=list(self.rrf_weights) if self.rrf_weights else None)),
                **common,
            )
        return [make_hit(p.id, p.score, p.payload, p.vector[DENSE], dense_list, with_vectors) for p in response.points]

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        records = self.client.retrieve(self.collection, ids=list(ids), with_payload=True, with_vectors=False)
        return {str(r.id): dict(r.payload or {}) for r in records}

    def count(self, filters: SearchFilters | None = None, first_chunks_only: bool = False) -> int:
        flt = self._filter(filters, first_chunks_only)
        return int(self.client.count(self.collection, count_filter=flt, exact=True).count)

    def facet(self, field: str, limit: int = 100) -> dict[str, int]:
        response = self.client.facet(self.collection, key=field, limit=limit, exact=True)
        return {str(h.value): int(h.count) for h in response.hits}

    def optimize(self) -> None:
        # A Qdrant server runs its optimizers in the background; waiting for them would only block the caller.
        return None

    def close(self) -> None:
        self.client.close()
