"""Ingestion on the real MiniLM model: idempotent re-runs, and a killed run resumes without loss or duplicates."""

import pytest

from knowledge.chunking import chunk_document
from knowledge.corpus import load_scifact
from knowledge.index.edge import EdgeIndex
from knowledge.ingest import ingest
from tests.conftest import MINI_CORPUS


class Killed(Exception):
    pass


@pytest.fixture(scope="module")
def docs():
    return list(load_scifact(MINI_CORPUS))[:12]


def test_reingest_embeds_nothing_new(tmp_path, embedder, docs):
    index = EdgeIndex(tmp_path / "idx", embedder.dim, embedder.model_name, create=True)
    first = ingest(docs, embedder, index)
    total = sum(len(chunk_document(d)) for d in docs)
    assert first.embedded == first.chunks == total
    second = ingest(docs, embedder, index)
    assert second.embedded == 0 and second.skipped == total
    assert index.count() == total
    index.close()


def test_changed_document_is_reembedded(tmp_path, embedder, docs):
    index = EdgeIndex(tmp_path / "idx", embedder.dim, embedder.model_name, create=True)
    ingest(docs, embedder, index)
    changed = [docs[0].model_copy(update={"title": docs[0].title + " (revised)"})] + docs[1:]
    report = ingest(changed, embedder, index)
    assert report.embedded == len(chunk_document(changed[0]))
    index.close()


def test_killed_ingestion_resumes_where_it_stopped(tmp_path, embedder, docs):
    index = EdgeIndex(tmp_path / "idx", embedder.dim, embedder.model_name, create=True)
    total = sum(len(chunk_document(d)) for d in docs)

    def die_after_first_batch(n):
        raise Killed

    with pytest.raises(Killed):
        ingest(docs, embedder, index, batch_size=5, on_progress=die_after_first_batch)
    index.close()  # the process is gone; a new one opens the same directory
    index = EdgeIndex(tmp_path / "idx", embedder.dim, embedder.model_name)
    assert index.count() == 5
    resumed = ingest(docs, embedder, index, batch_size=5)
    assert resumed.skipped == 5 and resumed.embedded == total - 5
    assert index.count() == total
    hits = index.search([0.0] * 383 + [1.0], None, k=total, mode="dense")
    keys = {h.payload["chunk_key"] for h in hits}
    assert len(keys) == total
    index.close()


def test_duplicate_text_is_indexed_once(tmp_path, embedder, docs):
    index = EdgeIndex(tmp_path / "idx", embedder.dim, embedder.model_name, create=True)
    twin = docs[0].model_copy(update={"doc_id": "twin-of-" + docs[0].doc_id})
    report = ingest([docs[0], twin], embedder, index)
    assert report.duplicates == len(chunk_document(docs[0]))
    assert index.count() == report.chunks == len(chunk_document(docs[0]))
    index.close()
