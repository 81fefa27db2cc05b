"""Live literature sources (PubMed, arXiv) and file loaders that yield `knowledge.corpus.Document`s.

Every fetcher takes a `knowledge.http.HttpClient` (built by the caller) and returns a `FetchResult`: the
documents that could be read, and one `FetchFailure` per document (or page) that could not, so one bad record
or one failed batch never costs the others.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from knowledge.corpus import Document


class FetchFailure(BaseModel):
    """A document (or, where no id is known yet, a page such as 'start=200') that could not be fetched or read."""

    doc_id: str
    reason: str


class FetchResult(BaseModel):
    source: str
    documents: list[Document] = Field(default_factory=list)
    failures: list[FetchFailure] = Field(default_factory=list)
    total_found: int | None = Field(None, description="how many records the source reports for the query")

    def extend(self, other: FetchResult) -> None:
        self.documents.extend(other.documents)
        self.failures.extend(other.failures)


__all__ = ["FetchFailure", "FetchResult"]
