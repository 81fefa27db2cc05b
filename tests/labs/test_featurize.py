import sys

import numpy as np
import pytest

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import to_mol
from labs.chemistry.features import featurize, get_featurizer
from labs.feature_cache import FeatureCache
from labs.featurize import featurize_batch

VALID = [
    "CC(=O)Oc1ccccc1C(=O)O",  # aspirin
    "Cn1cnc2c1c(=O)n(C)c(=O)n2C",  # caffeine
    "O=c1c(O)c(-c2ccc(O)c(O)c2)oc2cc(O)cc(O)c12",  # quercetin
    "CCO",
    "c1ccccc1",
    "CC(C)Cc1ccc(C(C)C(=O)O)cc1",  # ibuprofen
]
INVALID = ["C1CC(=O", "not a smiles", "", "c1cccc1X", "C(C)(C)(C)(C)C"]


def _half_invalid() -> list[str]:
    batch = []
    for good, bad in zip(VALID, INVALID + ["N#N("], strict=True):
        batch += [good, bad]
    return batch


def test_rows_keep_input_order_and_match_the_featurizer():
    result = featurize_batch(VALID, "descriptors_fast", workers=1)
    assert result.matrix.shape == (len(VALID), get_featurizer("descriptors_fast").width)
    assert result.matrix.dtype == np.float32 and result.index.tolist() == list(range(len(VALID)))
    for row, smiles in enumerate(VALID):
        np.testing.assert_array_equal(result.matrix[row], featurize(to_mol(smiles), "descriptors_fast"))
    assert (result.computed, result.cached, result.errors) == (len(VALID), 0, [])


def test_invalid_smiles_are_reported_per_row_and_never_stop_the_batch():
    batch = _half_invalid()
    result = featurize_batch(batch, "morgan", workers=1)
    assert result.index.tolist() == list(range(0, len(batch), 2))
    assert [e.row for e in result.errors] == list(range(1, len(batch), 2))
    assert all(e.smiles == batch[e.row].strip() and e.reason for e in result.errors)
    assert "empty SMILES" in result.errors[2].reason and "invalid SMILES" in result.errors[0].reason
    np.testing.assert_array_equal(result.matrix[2], featurize(to_mol(VALID[2]), "morgan"))


def test_process_pool_gives_the_same_result_as_in_process():
    batch = _half_invalid() * 3
    one = featurize_batch(batch, "descriptors_fast", workers=1)
    two = featurize_batch(batch, "descriptors_fast", workers=2, chunk_size=2)
    assert two.workers == 2
    np.testing.assert_array_equal(one.matrix, two.matrix)
    assert one.index.tolist() == two.index.tolist() and one.errors == two.errors
    assert two.computed == len(VALID)  # repeated SMILES are computed once


@pytest.mark.parametrize("workers", [1, 2])
def test_cache_hit_returns_identical_vectors_and_counts_hits(tmp_path, workers):
    cache = FeatureCache(tmp_path / "features.db")
    batch = _half_invalid()
    cold = featurize_batch(batch, "descriptors2d", workers=workers, cache=cache, chunk_size=2)
    assert (cold.computed, cold.cached) == (len(VALID), 0)
    assert len(cache) == len(VALID)
    warm = featurize_batch(batch, "descriptors2d", workers=workers, cache=FeatureCache(tmp_path / "features.db"))
    assert (warm.computed, warm.cached) == (0, len(VALID))
    np.testing.assert_array_equal(cold.matrix, warm.matrix)
    assert warm.errors == cold.errors and len(cache) == len(VALID)


@pytest.mark.parametrize("workers", [1, 2])
def test_two_smiles_of_one_molecule_share_one_cache_entry(tmp_path, workers):
    cache = FeatureCache(tmp_path / "features.db")
    first = featurize_batch(["CCO", "c1ccccc1"], "morgan", workers=workers, cache=cache, chunk_size=1)
    again = featurize_batch(["OCC", "C1=CC=CC=C1"], "morgan", workers=workers, cache=cache, chunk_size=1)
    assert (again.computed, again.cached) == (0, 2)
    np.testing.assert_array_equal(first.matrix, again.matrix)
    assert cache.count("morgan") == 2


def test_other_featurizer_versions_do_not_collide(tmp_path):
    cache = FeatureCache(tmp_path / "features.db")
    featurize_batch(["CCO"], "morgan", workers=1, cache=cache)
    result = featurize_batch(["CCO"], "maccs", workers=1, cache=cache)
    assert (result.computed, result.cached) == (1, 0) and result.matrix.shape == (1, 167)
    assert len(cache) == 2


def test_cache_writes_are_idempotent_and_round_trip_float32(tmp_path):
    cache = FeatureCache(str(tmp_path / "sub" / "features.db"))
    vector = np.array([1.5, np.nan, -2.25], dtype=np.float32)
    assert cache.put_many({"KEY-A": vector}, "f", "1", {"CCO": "KEY-A"}) == 1
    assert cache.put_many({"KEY-A": vector * 2}, "f", "1", {"CCO": "KEY-A"}) == 0
    got = cache.get_many(["KEY-A", "KEY-B"], "f", "1")
    assert list(got) == ["KEY-A"] and got["KEY-A"].dtype == np.float32
    np.testing.assert_array_equal(got["KEY-A"], vector)
    assert cache.get_many(["KEY-A"], "f", "2") == {} and cache.keys_for_smiles(["CCO", "x"]) == {"CCO": "KEY-A"}


def test_in_memory_cache_works_in_process():
    cache = FeatureCache("sqlite://")
    assert not cache.shareable
    featurize_batch(VALID, "maccs", workers=1, cache=cache)
    assert featurize_batch(VALID, "maccs", workers=2, cache=cache).cached == len(VALID)


def test_unknown_featurizer_and_executor_are_clear_errors():
    with pytest.raises(Ech0Error, match="unknown featurizer 'nope'"):
        featurize_batch(VALID, "nope")
    with pytest.raises(Ech0Error, match="unknown executor"):
        featurize_batch(VALID, "morgan", executor="dask")  # type: ignore[arg-type]


def test_ray_executor_without_ray_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError, installed or not
    with pytest.raises(Ech0Error, match=r"pip install ech0\[scale\]"):
        featurize_batch(VALID, "morgan", executor="ray")


def test_empty_batch():
    result = featurize_batch([], "morgan")
    assert result.matrix.shape == (0, 2048) and result.index.size == 0 and result.errors == []


class _FakeRay:
    """Ray's task API run synchronously: checks how featurize_batch drives ray.remote / ray.wait / ray.get."""

    def __init__(self) -> None:
        self.started, self.tasks = False, 0

    def is_initialized(self) -> bool:
        return self.started

    def init(self) -> None:
        self.started = True

    def remote(self, fn):
        fake = self

        class _Remote:
            @staticmethod
            def remote(*args):
                fake.tasks += 1
                return fn(*args)

        return _Remote

    @staticmethod
    def wait(refs, num_returns: int):
        return refs[:num_returns], refs[num_returns:]

    @staticmethod
    def get(ref):
        return ref


def test_ray_executor_sends_chunks_as_tasks_and_keeps_the_cache_local(monkeypatch, tmp_path):
    fake = _FakeRay()
    monkeypatch.setitem(sys.modules, "ray", fake)
    cache = FeatureCache(tmp_path / "features.db")
    batch = _half_invalid()
    result = featurize_batch(batch, "morgan", executor="ray", cache=cache, chunk_size=3)
    assert fake.started and fake.tasks == 4 and result.executor == "ray"
    np.testing.assert_array_equal(result.matrix, featurize_batch(batch, "morgan", workers=1).matrix)
    assert featurize_batch(batch, "morgan", executor="ray", cache=cache).cached == len(VALID)
