"""Literature search over the configured index."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query

from server.api.deps import get_runtime, require_read
from server.wiring import Runtime

router = APIRouter(prefix="/v1", tags=["literature"], dependencies=[Depends(require_read)])


@router.get("/search", summary="Relevant passages (one per document) for a question or keywords")
def search(
    q: str = Query(..., min_length=1, max_length=10_000, description="question or keywords"),
    k: int = Query(5, ge=1, le=50, description="documents to return at most"),
    mode: Literal["hybrid", "dense", "sparse"] | None = Query(None, description="ranking (default: configured)"),
    mmr: float | None = Query(None, gt=0, le=1, description="diversify: relevance weight in (0, 1]"),
    source: list[str] | None = Query(None, description="only these sources, e.g. scifact, pubmed (repeatable)"),
    year_min: int | None = Query(None, ge=0, le=3000),
    year_max: int | None = Query(None, ge=0, le=3000),
    runtime: Runtime = Depends(get_runtime),
) -> dict:
    filters = {
        name: value for name, value in (("source", source), ("year_min", year_min), ("year_max", year_max)) if value
    }
    result = runtime.retriever.search(q, k=k, filters=filters or None, mode=mode, mmr=mmr)
    return result.model_dump(mode="json")
