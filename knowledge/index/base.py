"""The vector-index protocol every backend implements, typed filters, and deterministic point ids.

Each point carries a dense vector ("dense", cosine) and a BM25 sparse vector ("bm25", IDF applied by the
engine at query time), so hybrid search is one engine query: both rankings fused by reciprocal rank.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

# Point ids are UUIDv5 of the chunk key, so re-ingesting a chunk overwrites it instead of duplicating it.
_NAMESPACE = uuid.UUID("5b0c2f0e-9d1a-4f5e-8c61-ec40000000e0")

DENSE = "dense"
SPARSE = "bm25"
SearchMode = Literal["hybrid", "dense", "sparse"]

# Payload fields with an engine index: keyword fields filter and facet; integer fields filter by range.
KEYWORD_FIELDS = ("source", "doc_key", "journal", "categories", "domain")
INTEGER_FIELDS = ("year", "chunk_index")


def point_id(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


class SparseVector(BaseModel):
    indices: list[int]
    values: list[float]


class IndexPoint(BaseModel):
    id: str
    vector: list[float]
    sparse: SparseVector | None = None
    payload: dict[str, Any]


class Hit(BaseModel):
    id: str
    score: float = Field(description="the ranking score: fused RRF score in hybrid mode, else the mode's own score")
    dense_score: float = Field(description="cosine similarity of the query and the chunk: the calibrated relevance")
    payload: dict[str, Any]
    vector: list[float] | None = Field(None, description="the dense vector, when asked for (MMR needs it)")


class SearchFilters(BaseModel):
    """Payload filters; several values in one field match any of them. Unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid")

    source: list[str] | None = Field(None, description="e.g. ['pubmed', 'arxiv', 'scifact']")
    journal: list[str] | None = None
    category: list[str] | None = Field(None, description="arXiv categories, e.g. ['q-bio.BM']")
    domain: list[str] | None = Field(None, description="e.g. ['biomedicine', 'chemistry', 'ml']")
    doc_key: list[str] | None = None
    year_min: int | None = None
    year_max: int | None = None

    def conditions(self) -> list[tuple[str, str, Any]]:
        """(field, 'any' | 'range', value) triples, for the adapters to translate."""
        out: list[tuple[str, str, Any]] = []
        for name, field in (
            ("source", "source"),
            ("journal", "journal"),
            ("category", "categories"),
            ("domain", "domain"),
            ("doc_key", "doc_key"),
        ):
            values = getattr(self, name)
            if values:
                out.append((field, "any", list(values)))
        if self.year_min is not None or self.year_max is not None:
            out.append(("year", "range", (self.year_min, self.year_max)))
        return out


class VectorIndex(Protocol):
    """Hybrid dense + BM25 index over chunks, with payload filters and facets."""

    dim: int
    model: str  # the embedding model id its vectors come from

    def upsert(self, points: Sequence[IndexPoint]) -> None: ...

    def search(
        self,
        dense: Sequence[float],
        sparse: SparseVector | None,
        k: int,
        filters: SearchFilters | None = None,
        mode: SearchMode = "hybrid",
        with_vectors: bool = False,
    ) -> list[Hit]: ...

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Payloads of the points that exist among `ids` (missing ids are left out)."""
        ...

    def count(self, filters: SearchFilters | None = None, first_chunks_only: bool = False) -> int:
        """Points matching `filters`; with `first_chunks_only`, documents rather than chunks."""
        ...

    def facet(self, field: str, limit: int = 100) -> dict[str, int]:
        """Chunk counts per value of a keyword field."""
        ...

    def optimize(self) -> None:
        """Build the search structures after a bulk load (blocking where the engine does not do it itself)."""
        ...

    def close(self) -> None: ...


def make_hit(
    point_id: Any,
    score: float,
    payload: dict | None,
    vector: Sequence[float],
    query: Sequence[float],
    with_vectors: bool,
) -> Hit:
    """A Hit from an engine's scored point: the relevance is the cosine of the query and the stored vector."""
    vector = list(vector)
    return Hit(
        id=str(point_id),
        score=float(score),
        dense_score=dense_cosine(query, vector),
        payload=dict(payload or {}),
        vector=vector if with_vectors else None,
    )


def dense_cosine(query: Sequence[float], vector: Sequence[float]) -> float:
    """Cosine of two vectors (the engines store cosine vectors normalised; the query may not be)."""
    import numpy as np

    q = np.asarray(query, dtype=np.float32)
    v = np.asarray(vector, dtype=np.float32)
    denom = float(np.linalg.norm(q) * np.linalg.norm(v)) or 1.0
    return float(q @ v) / denom
