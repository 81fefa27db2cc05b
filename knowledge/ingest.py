"""Ingestion: documents → sentence chunks → embeddings → index, idempotent and resumable.

Every chunk has a deterministic point id and a content hash. Before embedding a batch, the index is asked
which of its ids already hold the same content; those are skipped. A re-run therefore embeds nothing that
is unchanged, and an ingestion killed half-way continues where it stopped (each batch is flushed).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from pydantic import BaseModel

from knowledge.chunking import Chunk, chunk_document
from knowledge.corpus import Document
from knowledge.embeddings import Embedder
from knowledge.index.base import IndexPoint, VectorIndex, point_id
from knowledge.sparse import Bm25Encoder


class IngestReport(BaseModel):
    documents: int
    chunks: int
    embedded: int
    skipped: int
    duplicates: int = 0
    seconds: float


def chunk_payload(chunk: Chunk, doc: Document) -> dict:
    """What a search hit carries: the chunk, its sentence spans, and the document metadata citations need."""
    return {
        "chunk_key": chunk.key,
        "doc_key": chunk.doc_key,
        "source": chunk.source,
        "doc_id": chunk.doc_id,
        "title": chunk.title,
        "chunk_index": chunk.index,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "sentences": [list(s) for s in chunk.sentences],
        "content_hash": chunk.content_hash,
        "year": doc.year,
        "authors": doc.authors[:10],
        "journal": doc.journal,
        "doi": doc.doi,
        "categories": doc.categories,
        "domain": doc.domain,
        "published": doc.published,
    }


def ingest(
    documents: Iterable[Document],
    embedder: Embedder,
    index: VectorIndex,
    *,
    sparse: Bm25Encoder | None = None,
    batch_size: int = 256,
    max_chars: int = 800,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Index `documents`; `on_start(total_chunks)` and `on_progress(n_chunks_done)` drive a progress bar."""
    started = time.perf_counter()
    docs = list(documents)
    by_key = {doc.key: doc for doc in docs}
    all_chunks = [c for doc in docs for c in chunk_document(doc, max_chars=max_chars)]
    chunks, seen = [], set()
    for chunk in all_chunks:
        # The same text under two keys (a record listed twice, a re-published abstract) is indexed once.
        if chunk.content_hash not in seen:
            seen.add(chunk.content_hash)
            chunks.append(chunk)
    if on_start:
        on_start(len(chunks))
    embedded = skipped = 0
    for i in range(0, len(chunks), batch_size):
        batch = chunks[i : i + batch_size]
        ids = [point_id(c.key) for c in batch]
        existing = index.payloads(ids)
        todo = [
            (pid, c)
            for pid, c in zip(ids, batch, strict=True)
            if existing.get(pid, {}).get("content_hash") != c.content_hash
        ]
        skipped += len(batch) - len(todo)
        if todo:
            texts = [c.embedding_text() for _, c in todo]
            vectors = embedder.embed_documents(texts)
            sparse_vectors = sparse.embed_documents(texts) if sparse else [None] * len(todo)
            index.upsert(
                [
                    IndexPoint(id=pid, vector=v.tolist(), sparse=sv, payload=chunk_payload(c, by_key[c.doc_key]))
                    for (pid, c), v, sv in zip(todo, vectors, sparse_vectors, strict=True)
                ]
            )
            embedded += len(todo)
        if on_progress:
            on_progress(len(batch))
    return IngestReport(
        documents=len(docs),
        chunks=len(chunks),
        embedded=embedded,
        skipped=skipped,
        duplicates=len(all_chunks) - len(chunks),
        seconds=round(time.perf_counter() - started, 2),
    )
