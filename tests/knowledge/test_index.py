"""Both index adapters behave alike: qdrant-edge on a local path and qdrant-client (local mode)."""

import numpy as np
import pytest

from knowledge.common.errors import IndexMissingError
from knowledge.index.base import IndexPoint, SearchFilters, point_id
from knowledge.sparse import Bm25Encoder

TEXTS = [
    "metformin lowers cancer risk in diabetes",
    "aspirin prevents colorectal adenoma",
    "statins and cardiovascular outcomes",
    "kinase inhibitor imatinib in leukemia",
]


def _points(n=20, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    bm25 = Bm25Encoder()
    out = []
    for i in range(n):
        v = rng.normal(size=dim)
        text = TEXTS[i % len(TEXTS)] + f" study {i}"
        out.append(
            IndexPoint(
                id=point_id(f"doc:{i}#0"),
                vector=(v / np.linalg.norm(v)).tolist(),
                sparse=bm25.embed_documents([text])[0],
                payload={
                    "doc_key": f"doc:{i}",
                    "source": "a" if i % 2 else "b",
                    "year": 2000 + i,
                    "categories": ["q-bio.BM"] if i % 3 == 0 else ["cs.LG"],
                    "chunk_index": 0 if i < 15 else 1,
                    "text": text,
                },
            )
        )
    return out


@pytest.fixture(params=["edge", "qdrant-client"])
def make_index(request, tmp_path):
    opened = []
    clients = []

    def factory(create=True):
        if request.param == "edge":
            from knowledge.index.edge import EdgeIndex

            index = EdgeIndex(tmp_path / "idx", dim=8, model="test-model", create=create)
        else:
            from qdrant_client import QdrantClient

            from knowledge.index.remote import QdrantServerIndex

            if not clients:
                clients.append(QdrantClient(path=str(tmp_path / "qc")))
            index = QdrantServerIndex(clients[0], "lit", dim=8, model="test-model", create=create)
        opened.append(index)
        return index

    yield factory
    for index in opened:
        index.close()
    for client in clients:
        client.close()


def test_upsert_is_idempotent_and_dense_search_ranks_the_exact_vector_first(make_index):
    index = make_index()
    points = _points()
    index.upsert(points)
    index.upsert(points)  # same ids: overwritten, not duplicated
    assert index.count() == 20
    hits = index.search(points[3].vector, None, k=3, mode="dense")
    assert hits[0].id == points[3].id
    assert hits[0].score == pytest.approx(1.0, abs=1e-4) and hits[0].dense_score == pytest.approx(1.0, abs=1e-4)
    assert hits[0].payload["doc_key"] == "doc:3"


def test_sparse_and_hybrid_search(make_index):
    index = make_index()
    points = _points()
    index.upsert(points)
    query = Bm25Encoder().embed_query("imatinib leukemia")
    sparse_hits = index.search(points[0].vector, query, k=5, mode="sparse")
    assert sparse_hits and all("imatinib" in h.payload["text"] for h in sparse_hits)
    # Dense query: an aspirin document's vector. The five keyword matches rank first (both rankings see them),
    # then the best dense-only match.
    hybrid = index.search(points[1].vector, query, k=6, mode="hybrid")
    assert sum("imatinib" in h.payload["text"] for h in hybrid[:5]) == 5
    assert hybrid[5].id == points[1].id
    assert all(-1.0 <= h.dense_score <= 1.0 for h in hybrid)
    assert hybrid[0].score >= hybrid[-1].score


def test_filters_counts_and_facets(make_index):
    index = make_index()
    points = _points()
    index.upsert(points)
    hits = index.search(points[3].vector, None, k=20, filters=SearchFilters(source=["b"]), mode="dense")
    assert hits and all(h.payload["source"] == "b" for h in hits)
    hits = index.search(points[3].vector, None, k=20, filters=SearchFilters(year_min=2005, year_max=2007), mode="dense")
    assert sorted(h.payload["year"] for h in hits) == [2005, 2006, 2007]
    hits = index.search(points[3].vector, None, k=20, filters=SearchFilters(category=["q-bio.BM"]), mode="dense")
    assert {h.payload["doc_key"] for h in hits} == {f"doc:{i}" for i in range(0, 20, 3)}
    assert index.count(SearchFilters(source=["a"])) == 10
    assert index.count(first_chunks_only=True) == 15
    assert index.facet("source") == {"a": 10, "b": 10}
    found = index.payloads([points[0].id, point_id("absent")])
    assert list(found) == [points[0].id]


def test_unknown_filter_fields_are_rejected():
    with pytest.raises(ValueError, match="colour"):
        SearchFilters(colour=["red"])


def test_opening_a_missing_index_names_the_fix(make_index):
    with pytest.raises(IndexMissingError, match="ech0 index build"):
        make_index(create=False)


def test_edge_index_persists_across_reopen_and_checks_its_model(tmp_path):
    from knowledge.common.errors import Ech0Error
    from knowledge.index.edge import EdgeIndex

    index = EdgeIndex(tmp_path / "idx", dim=8, model="m", create=True)
    index.upsert(_points())
    index.close()
    reopened = EdgeIndex(tmp_path / "idx", dim=8, model="m")
    assert reopened.count() == 20
    reopened.close()
    with pytest.raises(Ech0Error, match="--rebuild"):
        EdgeIndex(tmp_path / "idx", dim=16, model="other")


def test_index_held_by_another_process_is_a_clear_error(tmp_path):
    import subprocess
    import sys
    import textwrap

    from knowledge.index.edge import EdgeIndex, IndexBusyError

    EdgeIndex(tmp_path / "idx", dim=8, model="m", create=True).close()
    holder = textwrap.dedent(f"""
        import time
        from knowledge.index.edge import EdgeIndex
        index = EdgeIndex({str(tmp_path / "idx")!r}, dim=8, model="m")
        print("open", flush=True)
        time.sleep(30)
    """)
    proc = subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "open"
        with pytest.raises(IndexBusyError, match="open in another process"):
            EdgeIndex(tmp_path / "idx", dim=8, model="m")
    finally:
        proc.kill()
        proc.wait()
