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


class IngestReport(BaseModel):
    documents: int
    chunks: int
    embedded: int
    skipped: int
    seconds: float


def chunk_payload(chunk: Chunk) -> dict:
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
    }


def ingest(
    documents: Iterable[Document],
    embedder: Embedder,
    index: VectorIndex,
    *,
    batch_size: int = 256,
    max_chars: int = 800,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Index `documents`; `on_start(total_chunks)` and `on_progress(n_chunks_done)` drive a progress bar."""
    started = time.perf_counter()
    docs = list(documents)
    chunks = [chunk for doc in docs for chunk in chunk_document(doc, max_chars=max_chars)]
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
            vectors = embedder.embed_documents([c.embedding_text() for _, c in todo])
            index.upsert(
                [
                    IndexPoint(id=pid, vector=v.tolist(), payload=chunk_payload(c))
                    for (pid, c), v in zip(todo, vectors, strict=True)
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
        seconds=round(time.perf_counter() - started, 2),
    )
