"""Literature search tool: passages above the relevance threshold, with their best evidence sentences."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from knowledge.index.base import SearchFilters
from knowledge.retrieve import MAX_QUERY_CHARS
from tools.registry import ToolContext, register_tool


class LiteratureSearchArgs(BaseModel):
    query: str = Field(
        min_length=1, max_length=MAX_QUERY_CHARS, description="the question or keywords to search the literature for"
    )
    k: int | None = Field(default=None, ge=1, le=50, description="documents to return at most (default: settings)")
    filters: SearchFilters | None = Field(default=None, description="source, journal, category, domain, year range")
    mmr: float | None = Field(default=None, gt=0, le=1, description="diversify results (relevance weight)")


@register_tool(
    "literature_search",
    "Search the literature index (PubMed and arXiv abstracts) for passages relevant to a question. Returns only "
    "passages above the calibrated relevance threshold, each with its best evidence sentences.",
    LiteratureSearchArgs,
)
def literature_search(
    ctx: ToolContext,
    query: str,
    k: int | None = None,
    filters: SearchFilters | None = None,
    mmr: float | None = None,
) -> dict[str, Any]:
    result = ctx.retriever.search(query, k=k or ctx.top_k, filters=filters, mmr=mmr)
    passages = []
    for passage in result.passages:
        evidence = ctx.retriever.evidence_sentences(query, passage)
        passages.append({**passage.model_dump(), "evidence": [e.model_dump() for e in evidence]})
    return {**result.model_dump(exclude={"passages"}), "passages": passages}
