"""Building literature indexes from corpus files: incremental, resumable, with a completion marker."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from knowledge.corpus import Document, load_corpus
from knowledge.errors import Ech0Error
from knowledge.ingest import IngestReport, ingest
from knowledge.sources import FetchResult
from server.settings import Settings
from server.wiring import Runtime, make_index, pubmed_config

_MARKER = "ech0-complete.json"


def corpus_fingerprint(settings: Settings, corpus_path: Path, source: str) -> str:
    k = settings.knowledge
    digest = hashlib.sha256(Path(corpus_path).read_bytes()).hexdigest()[:16]
    return f"{digest}:{k.embedding_model}:int8={k.embedding_quantize}:{k.chunk_max_chars}:{source}"


def index_is_complete(
    settings: Settings, index_path: Path | None = None, corpus_path: Path | None = None, source: str | None = None
) -> bool:
    """True when the embedded index at `index_path` holds the whole corpus (a finished build left its marker)."""
    k = settings.knowledge
    marker = (index_path or settings.index_path) / _MARKER
    if k.index_backend != "edge" or not marker.exists():
        return False
    expected = corpus_fingerprint(settings, corpus_path or k.corpus_path, source or k.corpus_source)
    return json.loads(marker.read_text()).get("fingerprint") == expected


def build_index(
    runtime: Runtime,
    corpus_path: Path | None = None,
    source: str | None = None,
    index_path: Path | None = None,
    limit: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest a corpus (the configured one by default; the first `limit` documents if given).

    Unchanged chunks are skipped, so a re-run after a crash continues where it stopped.
    """
    s = runtime.settings
    corpus_path = corpus_path or s.knowledge.corpus_path
    source = source or s.knowledge.corpus_source
    docs = list(load_corpus(corpus_path, source))
    if limit is not None:
        docs = docs[:limit]
    report = add_documents(runtime, docs, index_path, on_start, on_progress)
    if limit is None and s.knowledge.index_backend == "edge":
        marker = (index_path or s.index_path) / _MARKER
        marker.write_text(
            json.dumps({"fingerprint": corpus_fingerprint(s, corpus_path, source), **report.model_dump()})
        )
    return report


def add_documents(
    runtime: Runtime,
    docs: list[Document],
    index_path: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest documents into the configured index (created if absent); unchanged chunks are skipped."""
    index = make_index(runtime.settings, runtime.embedder, create=True, path=index_path)
    try:
        report = ingest(
            docs,
            runtime.embedder,
            index,
            sparse=runtime.sparse,
            max_chars=runtime.settings.knowledge.chunk_max_chars,
            on_start=on_start,
            on_progress=on_progress,
        )
        if report.embedded:
            index.optimize()
        return report
    finally:
        index.close()


def fetch_documents(runtime: Runtime, source: str, query: str, max_results: int, http) -> FetchResult:
    """Search a live source through the shared HTTP stack (its mode decides whether the network is used)."""
    if source == "pubmed":
        from knowledge.sources.pubmed import search_pubmed

        return search_pubmed(http, query, pubmed_config(runtime.settings), max_results=max_results)
    if source == "arxiv":
        from knowledge.sources.arxiv import search_arxiv

        return search_arxiv(http, query, max_results=max_results)
    raise Ech0Error(f"unknown literature source {source!r}: use pubmed or arxiv")
