"""BM25 sparse vectors for hybrid search, from qdrant-edge's built-in BM25 model (no server, no download).

Documents get BM25 term-frequency weights; queries get unit weights; the index applies IDF at query time,
so adding documents never requires re-encoding the old ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from knowledge.index.base import SparseVector


class Bm25Encoder:
    def __init__(self, language: str = "english", avg_len: float = 150.0, k: float = 1.2, b: float = 0.75) -> None:
        import qdrant_edge as qe

        self.config = {"language": language, "avg_len": avg_len, "k": k, "b": b}
        self._model = qe.Bm25(qe.Bm25Config(k=k, b=b, avg_len=avg_len, language=language))

    def embed_documents(self, texts: Sequence[str]) -> list[SparseVector]:
        out = []
        for text in texts:
            v = self._model.embed_document(text)
            out.append(SparseVector(indices=list(v.indices), values=list(v.values)))
        return out

    def embed_query(self, text: str) -> SparseVector:
        v = self._model.embed_query(text)
        return SparseVector(indices=list(v.indices), values=list(v.values))
