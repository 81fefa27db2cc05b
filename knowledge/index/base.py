"""The vector-index protocol every backend implements, and deterministic point ids."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from pydantic import BaseModel

# Point ids are UUIDv5 of the chunk key, so re-ingesting a chunk overwrites it instead of duplicating it.
_NAMESPACE = uuid.UUID("5b0c2f0e-9d1a-4f5e-8c61-ec40000000e0")


def point_id(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


class IndexPoint(BaseModel):
    id: str
    vector: list[float]
    payload: dict[str, Any]


class Hit(BaseModel):
    id: str
    score: float
    payload: dict[str, Any]


Filters = dict[str, str | int | bool | list[str] | list[int]]


class VectorIndex(Protocol):
    """Cosine-similarity index over chunk vectors with payload filters (field → value or list of values)."""

    dim: int

    def upsert(self, points: Sequence[IndexPoint]) -> None: ...

    def search(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[Hit]: ...

    def payloads(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Payloads of the points that exist among `ids` (missing ids are left out)."""
        ...

    def count(self) -> int: ...

    def close(self) -> None: ...
