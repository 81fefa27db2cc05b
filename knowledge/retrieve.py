"""Literature retrieval: hybrid ranking, one passage per document, and a calibrated relevance floor.

Ranking uses dense + BM25 fused by reciprocal rank (or either alone). Relevance is judged on the dense
cosine score, which is calibrated (see evals/relevance.py); passages below it are never evidence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from knowledge.common.errors import Ech0Error
from knowledge.embeddings import Embedder
from knowledge.index.base import Hit, SearchFilters, SearchMode, VectorIndex
from knowledge.sparse import Bm25Encoder

MAX_QUERY_CHARS = 10_000


SENTENCE_CACHE_SIZE = 20_000  # sentence vectors kept (384 floats each: about 30 MB)


class Passage(BaseModel):
    """A retrieved chunk with its document metadata; sentence offsets index into the document text."""

    doc_key: str
    source: str
    doc_id: str
    title: str
    text: str
    score: float = Field(description="dense cosine similarity to the query: the calibrated relevance")
    rank_score: float = Field(0.0, description="the score the ranking used (RRF in hybrid mode)")
    chunk_index: int
    start: int
    end: int
    sentences: list[tuple[int, int]]
    year: int | None = None
    authors: list[str] = Field(default_factory=list)
    journal: str | None = None
    doi: str | None = None
    categories: list[str] = Field(default_factory=list)

    def sentence_texts(self) -> list[str]:
        return [self.text[s - self.start : e - self.start] for s, e in self.sentences]

    @classmethod
    def from_hit(cls, hit: Hit) -> Passage:
        p = hit.payload
        return cls(
            doc_key=p["doc_key"],
            source=p["source"],
            doc_id=p["doc_id"],
            title=p["title"],
            text=p["text"],
            score=round(hit.dense_score, 4),
            rank_score=round(hit.score, 6),
            chunk_index=p["chunk_index"],
            start=p["start"],
            end=p["end"],
            sentences=[tuple(s) for s in p["sentences"]],
            year=p.get("year"),
            authors=p.get("authors") or [],
            journal=p.get("journal"),
            doi=p.get("doi"),
            categories=p.get("categories") or [],
        )


class EvidenceSentence(BaseModel):
    text: str
    span: tuple[int, int] = Field(description="character offsets in the document text")
    score: float


class Evidence(BaseModel):
    """Sentences of one document that support a claim, with what is needed to cite them."""

    passage: Passage
    sentences: list[EvidenceSentence]


class SearchResult(BaseModel):
    query: str
    passages: list[Passage] = Field(description="passages at or above the relevance threshold, best first")
    best_score: float | None = Field(description="relevance of the best match, relevant or not")
    threshold: float
    mode: SearchMode


def parse_filters(filters: SearchFilters | dict[str, Any] | None) -> SearchFilters | None:
    if filters is None or isinstance(filters, SearchFilters):
        return filters
    try:
        return SearchFilters(**filters)
    except ValidationError as exc:
        fields = ", ".join(SearchFilters.model_fields)
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise Ech0Error(f"bad search filters ({problems}): use the fields {fields}") from None


def validate_query(query: str) -> str:
    query = (query or "").strip()
    if not query:
        raise Ech0Error("empty literature query: give a question or keywords to search for")
    if len(query) > MAX_QUERY_CHARS:
        raise Ech0Error(
            f"literature query of {len(query):,} characters is too long: keep it under {MAX_QUERY_CHARS:,} "
            "(ask a question, or cite the claim to check rather than the whole text)"
        )
    return query


def mmr_order(query: np.ndarray, vectors: np.ndarray, k: int, lam: float) -> list[int]:
    """Maximal marginal relevance: trade similarity to the query (lam) against novelty (1 - lam)."""
    if len(vectors) == 0:
        return []
    relevance = vectors @ query
    chosen: list[int] = [int(np.argmax(relevance))]
    while len(chosen) < min(k, len(vectors)):
        redundancy = (vectors @ vectors[chosen].T).max(axis=1)
        scores = lam * relevance - (1 - lam) * redundancy
        scores[chosen] = -np.inf
        chosen.append(int(np.argmax(scores)))
    return chosen


class Retriever:
    """Searches one index; `index_factory` opens it on first use so requests without literature need none."""

    def __init__(
        self,
        embedder: Embedder,
        index_factory: Callable[[], VectorIndex],
        min_score: float,
        sparse: Bm25Encoder | None = None,
        mode: SearchMode = "hybrid",
    ) -> None:
        self.embedder = embedder
        self.sparse = sparse
        self._index_factory = index_factory
        self._index: VectorIndex | None = None
        self._last_query: tuple[str, np.ndarray] | None = None
        # Sentence vectors by sentence text: the same passages come back for related questions, and embedding
        # their sentences again was most of a warm literature request's time. Bounded, least recently used out.
        self._sentence_vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._sentence_lock = threading.Lock()
        self.min_score = min_score
        self.mode: SearchMode = mode if sparse is not None else "dense"

    def _query_vector(self, query: str) -> np.ndarray:
        # A search, its MMR pass and the evidence sentences of each passage all need the same query vector.
        # One read of the (query, vector) pair: parallel graph branches may replace it meanwhile.
        query = query.strip()
        last = self._last_query
        if last is None or last[0] != query:
            last = (query, self.embedder.embed_query(query))
            self._last_query = last
        return last[1]

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            self._index = self._index_factory()
        return self._index

    def close(self) -> None:
        """Close the index; the next search opens it again (and sees documents ingested meanwhile)."""
        if self._index is not None:
            self._index.close()
            self._index = None

    def rank(
        self,
        query: str,
        k: int,
        filters: SearchFilters | dict[str, Any] | None = None,
        mode: SearchMode | None = None,
        with_vectors: bool = False,
    ) -> list[tuple[Passage, list[float] | None]]:
        """The best passage of each of the top `k` documents, in ranking order, relevant or not."""
        query = validate_query(query)
        mode = mode or self.mode
        sparse = self.sparse.embed_query(query) if self.sparse is not None and mode != "dense" else None
        hits = self.index.search(
            self._query_vector(query),
            sparse,
            k=k * 4,  # several chunks per document: over-fetch, then keep each document's best
            filters=parse_filters(filters),
            mode=mode,
            with_vectors=with_vectors,
        )
        best: dict[str, tuple[Passage, list[float] | None]] = {}
        for hit in hits:
            key = hit.payload["doc_key"]
            if key not in best:
                best[key] = (Passage.from_hit(hit), hit.vector)
        return list(best.values())[:k]

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | dict[str, Any] | None = None,
        mode: SearchMode | None = None,
        mmr: float | None = None,
    ) -> SearchResult:
        """Up to `k` relevant passages (one per document); `mmr` in (0, 1] diversifies them."""
        if k < 1:
            raise Ech0Error(f"k={k} is not a valid number of results: give k >= 1")
        if mmr is not None and not 0 < mmr <= 1:
            raise Ech0Error(f"mmr={mmr} is out of range: give a relevance weight in (0, 1], e.g. 0.7")
        ranked = self.rank(query, k=k * 3 if mmr else k * 2, filters=filters, mode=mode, with_vectors=mmr is not None)
        relevant = [(p, v) for p, v in ranked if p.score >= self.min_score]
        if mmr is not None and relevant:
            order = mmr_order(self._query_vector(query), np.array([v for _, v in relevant]), k, mmr)
            relevant = [relevant[i] for i in order]
        return SearchResult(
            query=query.strip(),
            passages=[p for p, _ in relevant][:k],
            best_score=max((p.score for p, _ in ranked), default=None),
            threshold=self.min_score,
            mode=mode or self.mode,
        )

    def _sentence_embeddings(self, texts: list[str]) -> np.ndarray:
        with self._sentence_lock:
            known = {t: self._sentence_vectors[t] for t in texts if t in self._sentence_vectors}
            for text in known:
                self._sentence_vectors.move_to_end(text)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            known.update(zip(missing, self.embedder.embed_documents(missing), strict=True))
            with self._sentence_lock:
                for text in missing:
                    self._sentence_vectors[text] = known[text]
                while len(self._sentence_vectors) > SENTENCE_CACHE_SIZE:
                    self._sentence_vectors.popitem(last=False)
        return np.stack([known[t] for t in texts])

    def evidence_sentences(self, query: str, passage: Passage, n: int = 2) -> list[EvidenceSentence]:
        """The `n` sentences of a passage closest to the query, in document order."""
        texts = passage.sentence_texts()
        if not texts:
            return []
        vectors = self._sentence_embeddings(texts)
        scores = vectors @ self._query_vector(query)
        top = sorted(np.argsort(-scores)[:n])
        return [
            EvidenceSentence(text=texts[i], span=passage.sentences[i], score=round(float(scores[i]), 4)) for i in top
        ]

    def evidence(
        self, claim: str, k: int = 3, sentences: int = 2, filters: SearchFilters | dict[str, Any] | None = None
    ) -> list[Evidence]:
        """The best supporting sentences for a claim from up to `k` relevant documents."""
        result = self.search(claim, k=k, filters=filters)
        return [Evidence(passage=p, sentences=self.evidence_sentences(claim, p, sentences)) for p in result.passages]
