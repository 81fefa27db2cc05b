"""Building literature indexes from corpus files and live sources: incremental, resumable, with a completion marker.

Everything arrives as arguments: `open_index` opens the index to write (created if absent), the embedder and
the sparse encoder make its vectors, and an `IndexRecipe` names what besides the corpus decides the index's
contents. A build of a whole corpus into an embedded index leaves a marker with the corpus fingerprint, so
that `index_is_complete` can tell a finished index from one a crash cut short.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.common.errors import Ech0Error
from knowledge.corpus import Document, load_corpus
from knowledge.embeddings import Embedder
from knowledge.index.base import VectorIndex
from knowledge.ingest import IngestReport, ingest
from knowledge.sources import FetchResult
from knowledge.sparse import Bm25Encoder

if TYPE_CHECKING:
    from knowledge.http import HttpClient
    from knowledge.sources.pubmed import PubMedConfig

MARKER = "ech0-complete.json"


@dataclass(frozen=True)
class IndexRecipe:
    """What besides the corpus decides an index's contents: a change in any of them means a rebuild."""

    embedding_model: str
    quantized: bool  # int8 embeddings
    chunk_max_chars: int


def corpus_fingerprint(corpus_path: Path, source: str, recipe: IndexRecipe) -> str:
    digest = hashlib.sha256(Path(corpus_path).read_bytes()).hexdigest()[:16]
    return f"{digest}:{recipe.embedding_model}:int8={recipe.quantized}:{recipe.chunk_max_chars}:{source}"


def index_is_complete(marker_dir: Path, corpus_path: Path, source: str, recipe: IndexRecipe) -> bool:
    """True when the index whose marker lives in `marker_dir` holds the whole corpus as `recipe` builds it."""
    marker = marker_dir / MARKER
    if not marker.exists():
        return False
    return json.loads(marker.read_text()).get("fingerprint") == corpus_fingerprint(corpus_path, source, recipe)


def add_documents(
    docs: list[Document],
    open_index: Callable[[], VectorIndex],
    embedder: Embedder,
    *,
    max_chars: int,
    sparse: Bm25Encoder | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest documents into the index `open_index` opens, chunked to `max_chars`; unchanged chunks are skipped."""
    index = open_index()
    try:
        report = ingest(
            docs,
            embedder,
            index,
            sparse=sparse,
            max_chars=max_chars,
            on_start=on_start,
            on_progress=on_progress,
        )
        if report.embedded:
            index.optimize()
        return report
    finally:
        index.close()


def build_index(
    corpus_path: Path,
    source: str,
    open_index: Callable[[], VectorIndex],
    embedder: Embedder,
    recipe: IndexRecipe,
    *,
    sparse: Bm25Encoder | None = None,
    marker_dir: Path | None = None,
    limit: int | None = None,
    on_start: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest a corpus file (its first `limit` documents if given) as `recipe` says.

    Unchanged chunks are skipped, so a re-run after a crash continues where it stopped. A whole corpus leaves
    its completion marker in `marker_dir` (None: an index without one, e.g. on a Qdrant server).
    """
    docs = list(load_corpus(corpus_path, source))
    if limit is not None:
        docs = docs[:limit]
    report = add_documents(
        docs,
        open_index,
        embedder,
        max_chars=recipe.chunk_max_chars,
        sparse=sparse,
        on_start=on_start,
        on_progress=on_progress,
    )
    if limit is None and marker_dir is not None:
        fingerprint = corpus_fingerprint(corpus_path, source, recipe)
        (marker_dir / MARKER).write_text(json.dumps({"fingerprint": fingerprint, **report.model_dump()}))
    return report


def fetch_documents(source: str, query: str, max_results: int, http: HttpClient, pubmed: PubMedConfig) -> FetchResult:
    """Search a live source through the shared HTTP stack (its mode decides whether the network is used)."""
    if source == "pubmed":
        from knowledge.sources.pubmed import search_pubmed

        return search_pubmed(http, query, pubmed, max_results=max_results)
    if source == "arxiv":
        from knowledge.sources.arxiv import search_arxiv

        return search_arxiv(http, query, max_results=max_results)
    raise Ech0Error(f"unknown literature source {source!r}: use pubmed or arxiv")
