"""Literature retrieval with a relevance floor: weak matches are reported as such, never as evidence."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, Field

from knowledge.embeddings import Embedder
from knowledge.errors import Ech0Error
from knowledge.index.base import Filters, VectorIndex


class Passage(BaseModel):
    """A retrieved chunk with its document metadata; sentence offsets index into the document text."""

    doc_key: str
    source: str
    doc_id: str
    title: str
    text: str
    score: float
    chunk_index: int
    start: int
    end: int
    sentences: list[tuple[int, int]]

    def sentence_texts(self) -> list[str]:
        return [self.text[s - self.start : e - self.start] for s, e in self.sentences]


class EvidenceSentence(BaseModel):
    text: str
    span: tuple[int, int] = Field(description="character offsets in the document text")
    score: float


class SearchResult(BaseModel):
    query: str
    passages: list[Passage] = Field(description="passages at or above the relevance threshold, best first")
    best_score: float | None = Field(description="score of the best match, relevant or not")
    threshold: float


class Retriever:
    """Dense retrieval over one index, one best passage per document."""

    def __init__(self, embedder: Embedder, index_factory: Callable[[], VectorIndex], min_score: float) -> None:
        self.embedder = embedder
        self._index_factory = index_factory
        self._index: VectorIndex | None = None
        self.min_score = min_score

    @property
    def index(self) -> VectorIndex:
        # Opened on first use: requests that need no literature work without a built index.
        if self._index is None:
            self._index = self._index_factory()
        return self._index

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> SearchResult:
        query = query.strip()
        if not query:
            raise Ech0Error("empty literature query: give a question or keywords to search for")
        if k < 1:
            raise Ech0Error(f"k={k} is not a valid number of results: give k >= 1")
        hits = self.index.search(self.embedder.embed_query(query), k=k * 4, filters=filters)
        best_per_doc: dict[str, Passage] = {}
        for hit in hits:
            p = hit.payload
            if p["doc_key"] in best_per_doc:
                continue
            best_per_doc[p["doc_key"]] = Passage(
                doc_key=p["doc_key"],
                source=p["source"],
                doc_id=p["doc_id"],
                title=p["title"],
                text=p["text"],
                score=round(hit.score, 4),
                chunk_index=p["chunk_index"],
                start=p["start"],
                end=p["end"],
                sentences=[tuple(s) for s in p["sentences"]],
            )
        ranked = sorted(best_per_doc.values(), key=lambda x: -x.score)
        return SearchResult(
            query=query,
            passages=[x for x in ranked if x.score >= self.min_score][:k],
            best_score=ranked[0].score if ranked else None,
            threshold=self.min_score,
        )

    def evidence_sentences(self, query: str, passage: Passage, n: int = 2) -> list[EvidenceSentence]:
        """The `n` sentences of a passage closest to the query, in document order."""
        texts = passage.sentence_texts()
        if not texts:
            return []
        vectors = self.embedder.embed_documents(texts)
        scores = vectors @ self.embedder.embed_query(query)
        top = sorted(np.argsort(-scores)[:n])
        return [
            EvidenceSentence(text=texts[i], span=passage.sentences[i], score=round(float(scores[i]), 4)) for i in top
        ]
