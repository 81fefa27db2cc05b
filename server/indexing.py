"""Building literature indexes from corpus files: incremental, resumable, with a completion marker."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from knowledge.corpus import load_corpus
from knowledge.ingest import IngestReport, ingest
from server.settings import Settings
from server.wiring import Runtime, make_index

_MARKER = "ech0-complete.json"


def corpus_fingerprint(settings: Settings, corpus_path: Path, source: str) -> str:
    k = settings.knowledge
    digest = hashlib.sha256(Path(corpus_path).read_bytes()).hexdigest()[:16]
    return f"{digest}:{k.embedding_model}:{k.chunk_max_chars}:{source}"


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
    index = make_index(s, runtime.embedder.dim, create=True, path=index_path)
    try:
        report = ingest(
            docs,
            runtime.embedder,
            index,
            sparse=runtime.sparse,
            max_chars=s.knowledge.chunk_max_chars,
            on_start=on_start,
            on_progress=on_progress,
        )
    finally:
        index.close()
    if limit is None and s.knowledge.index_backend == "edge":
        marker = (index_path or s.index_path) / _MARKER
        marker.write_text(
            json.dumps({"fingerprint": corpus_fingerprint(s, corpus_path, source), **report.model_dump()})
        )
    return report
