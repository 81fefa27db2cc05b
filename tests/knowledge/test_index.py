"""Both index adapters behave alike: qdrant-edge on a local path and qdrant-client (local mode)."""

import numpy as np
import pytest

from knowledge.errors import IndexMissingError
from knowledge.index.base import IndexPoint, point_id


def _points(n=20, dim=8, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        v = rng.normal(size=dim)
        out.append(
            IndexPoint(
                id=point_id(f"doc:{i}#0"),
                vector=(v / np.linalg.norm(v)).tolist(),
                payload={"doc_key": f"doc:{i}", "source": "a" if i % 2 else "b", "content_hash": str(i)},
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


def test_upsert_is_idempotent_and_search_ranks_the_exact_vector_first(make_index):
    index = make_index()
    points = _points()
    index.upsert(points)
    index.upsert(points)  # same ids: overwritten, not duplicated
    assert index.count() == 20
    hits = index.search(points[3].vector, k=3)
    assert hits[0].id == points[3].id
    assert hits[0].score == pytest.approx(1.0, abs=1e-4)
    assert hits[0].payload["doc_key"] == "doc:3"


def test_filters_and_payload_lookup(make_index):
    index = make_index()
    points = _points()
    index.upsert(points)
    hits = index.search(points[3].vector, k=20, filters={"source": "b"})
    assert hits and all(h.payload["source"] == "b" for h in hits)
    hits = index.search(points[3].vector, k=20, filters={"doc_key": ["doc:1", "doc:2"]})
    assert {h.payload["doc_key"] for h in hits} == {"doc:1", "doc:2"}
    found = index.payloads([points[0].id, point_id("absent")])
    assert list(found) == [points[0].id]


def test_opening_a_missing_index_names_the_fix(make_index):
    with pytest.raises(IndexMissingError, match="ech0 index build"):
        make_index(create=False)


def test_edge_index_persists_across_reopen(tmp_path):
    from knowledge.index.edge import EdgeIndex

    index = EdgeIndex(tmp_path / "idx", dim=8, model="m", create=True)
    index.upsert(_points())
    index.close()
    reopened = EdgeIndex(tmp_path / "idx", dim=8, model="m")
    assert reopened.count() == 20
    reopened.close()
