"""Building the literature index from the configured corpus, incrementally, with a completion marker."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

from knowledge.corpus import load_scifact
from knowledge.ingest import IngestReport, ingest
from server.settings import Settings
from server.wiring import Runtime, make_index

_MARKER = "ech0-complete.json"


def corpus_fingerprint(settings: Settings) -> str:
    k = settings.knowledge
    digest = hashlib.sha256(Path(k.corpus_path).read_bytes()).hexdigest()[:16]
    return f"{digest}:{k.embedding_model}:{k.chunk_max_chars}:{k.corpus_source}"


def index_is_complete(settings: Settings) -> bool:
    """True when the embedded index holds the whole configured corpus (a finished build left its marker)."""
    marker = settings.index_path / _MARKER
    if settings.knowledge.index_backend != "edge" or not marker.exists():
        return False
    return json.loads(marker.read_text()).get("fingerprint") == corpus_fingerprint(settings)


def build_index(
    runtime: Runtime,
    limit: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest the configured corpus (first `limit` documents if given); unchanged chunks are skipped."""
    s = runtime.settings
    docs = list(load_scifact(s.knowledge.corpus_path, s.knowledge.corpus_source))
    if limit is not None:
        docs = docs[:limit]
    index = make_index(s, runtime.embedder.dim, create=True)
    try:
        report = ingest(
            docs,
            runtime.embedder,
            index,
            max_chars=s.knowledge.chunk_max_chars,
            on_start=on_start,
            on_progress=on_progress,
        )
    finally:
        index.close()
    if limit is None and s.knowledge.index_backend == "edge":
        (s.index_path / _MARKER).write_text(json.dumps({"fingerprint": corpus_fingerprint(s), **report.model_dump()}))
    return report
