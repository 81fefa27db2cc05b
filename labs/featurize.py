"""Batch featurization: SMILES in, one float32 matrix out, over local processes or Ray, with a feature cache.

`featurize_batch(smiles, "descriptors2d")` parses and featurizes every SMILES with a registered featurizer
(labs.chemistry.features). A SMILES that does not parse is reported for its row in `errors` and never stops the
batch; `matrix` holds the valid rows in input order and `index` says which input row each one is.

Execution: SMILES strings (cheap to pickle, unlike Mol objects) travel in chunks to a process pool on the local
cores; `workers=1` runs in-process; `executor="ray"` sends the same chunks to Ray tasks (pip install ech0[scale]).
With a FeatureCache, a molecule featurized before under the same featurizer version is read, not computed.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from rdkit import Chem

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError, to_mol
from labs.chemistry.features import Featurizer, get_featurizer
from labs.feature_cache import FeatureCache

Executor = Literal["local", "ray"]
_MAX_CHUNK = 32  # small chunks keep both cores busy to the end; pickling 32 SMILES costs microseconds
_FLUSH_ROWS = 1024  # new vectors written to the cache per transaction while the batch runs


class RowError(NamedTuple):
    row: int
    smiles: str
    reason: str


class _Outcome(NamedTuple):
    smiles: str
    key: str | None  # InChIKey, when a cache asked for it
    vector: np.ndarray | None
    error: str | None
    cached: bool


@dataclass(frozen=True)
class BatchFeatures:
    """The featurized batch. `computed` and `cached` count distinct SMILES strings, not rows."""

    featurizer: str
    version: str
    matrix: np.ndarray  # (len(index), width) float32: the valid rows, in input order
    index: np.ndarray  # int64 input positions of the matrix rows
    errors: list[RowError]
    computed: int
    cached: int
    seconds: float
    workers: int
    executor: Executor

    @property
    def n_valid(self) -> int:
        return len(self.index)


def default_workers() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _compute_chunk(name: str, smiles: Sequence[str], with_keys: bool, cache: FeatureCache | None) -> list[_Outcome]:
    """Parse, identify (InChIKey) and featurize one chunk; molecules already in `cache` are read instead."""
    featurizer = get_featurizer(name)
    out: dict[str, _Outcome] = {}
    parsed: list[tuple[str, Chem.Mol, str | None]] = []
    for text in smiles:
        try:
            mol = to_mol(text)
        except InvalidSmilesError as exc:
            out[text] = _Outcome(text, None, None, str(exc), False)
            continue
        # MolToInchiKey gives "" for molecules InChI cannot describe (e.g. dummy atoms): those are not cached.
        parsed.append((text, mol, (Chem.MolToInchiKey(mol) or None) if with_keys else None))
    hits = cache.get_many([k for _, _, k in parsed if k], name, featurizer.version) if cache else {}
    for text, mol, key in parsed:
        if key in hits and hits[key].size == featurizer.width:
            out[text] = _Outcome(text, key, hits[key], None, True)
        else:
            out[text] = _featurize_one(featurizer, text, mol, key)
    return [out[text] for text in smiles]


def _featurize_one(featurizer: Featurizer, text: str, mol: Chem.Mol, key: str | None) -> _Outcome:
    try:
        with np.errstate(all="ignore"):  # overflowing descriptors become NaN in Featurizer; the warning is noise
            return _Outcome(text, key, featurizer(mol), None, False)
    except Exception as exc:  # noqa: BLE001 — one molecule that breaks a featurizer must not stop the batch
        return _Outcome(text, key, None, f"{featurizer.name} failed on {text!r}: {type(exc).__name__}: {exc}", False)


_worker_cache: FeatureCache | None = None  # per worker process: its own connection, opened by the initializer


def _init_worker(cache_url: str | None) -> None:
    global _worker_cache
    _worker_cache = FeatureCache(cache_url) if cache_url else None


def _pool_chunk(name: str, smiles: Sequence[str], with_keys: bool) -> list[_Outcome]:
    return _compute_chunk(name, smiles, with_keys, _worker_cache)


def _run_local(
    name: str, chunks: list[list[str]], with_keys: bool, cache: FeatureCache | None, workers: int
) -> Iterator[list[_Outcome]]:
    if workers == 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield _compute_chunk(name, chunk, with_keys, cache)
        return
    # fork starts workers in milliseconds with RDKit already imported; spawn/forkserver re-import it (~1 s each).
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None
    url = cache.url if cache is not None and cache.shareable else None
    with ProcessPoolExecutor(
        max_workers=min(workers, len(chunks)), mp_context=context, initializer=_init_worker, initargs=(url,)
    ) as pool:
        futures = [pool.submit(_pool_chunk, name, chunk, with_keys) for chunk in chunks]
        for future in as_completed(futures):
            yield future.result()


def _import_ray():
    try:
        import ray
    except ImportError as exc:
        raise Ech0Error("executor='ray' needs Ray, which is not installed: pip install ech0[scale]") from exc
    return ray


def _run_ray(name: str, chunks: list[list[str]], with_keys: bool) -> Iterator[list[_Outcome]]:
    # Ray tasks run wherever the cluster puts them, so they get no cache: the caller reads and writes it here.
    ray = _import_ray()
    if not ray.is_initialized():
        ray.init()  # joins the cluster named by RAY_ADDRESS, or starts a local one
    task = ray.remote(_compute_chunk)
    pending = [task.remote(name, chunk, with_keys, None) for chunk in chunks]
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        yield ray.get(done[0])


def featurize_batch(
    smiles: Sequence[str],
    featurizer: str,
    *,
    workers: int | None = None,
    cache: FeatureCache | None = None,
    chunk_size: int | None = None,
    executor: Executor = "local",
    on_progress: Callable[[int], None] | None = None,
) -> BatchFeatures:
    """Featurize every SMILES with the named featurizer; bad rows go to `errors`, never raise.

    Raises Ech0Error only for an unknown featurizer or executor, or executor="ray" without Ray installed.
    `workers` (local processes; Ray places tasks itself) defaults to the local cores; `chunk_size` to about
    16 chunks per worker, at most 32 SMILES each.
    `on_progress(n)` is called as each chunk of n distinct SMILES finishes.
    """
    start = time.perf_counter()
    feat = get_featurizer(featurizer)
    if executor not in ("local", "ray"):
        raise Ech0Error(f"unknown executor {executor!r}: use local or ray")
    if executor == "ray":
        _import_ray()
    n_workers = max(1, workers if workers is not None else default_workers())
    texts = [s.strip() if isinstance(s, str) else "" for s in smiles]
    unique = list(dict.fromkeys(texts))
    outcomes: dict[str, _Outcome] = {}
    if cache is not None:
        known = cache.keys_for_smiles([t for t in unique if t])
        hits = cache.get_many(known.values(), feat.name, feat.version)
        for text, key in known.items():
            if key in hits and hits[key].size == feat.width:
                outcomes[text] = _Outcome(text, key, hits[key], None, True)
    pending = [t for t in unique if t not in outcomes]
    size = chunk_size or max(1, min(_MAX_CHUNK, math.ceil(len(pending) / (n_workers * 16))))
    chunks = [pending[i : i + size] for i in range(0, len(pending), size)]
    with_keys = cache is not None
    if executor == "ray":
        runs = _run_ray(feat.name, chunks, with_keys)
    else:
        runs = _run_local(feat.name, chunks, with_keys, cache, n_workers)
    new_vectors: dict[str, np.ndarray] = {}
    new_keys: dict[str, str] = {}
    for results in runs:
        for outcome in results:
            outcomes[outcome.smiles] = outcome
            if cache is not None and outcome.key and outcome.vector is not None:
                new_keys[outcome.smiles] = outcome.key
                if not outcome.cached:
                    new_vectors[outcome.key] = outcome.vector
        if cache is not None and len(new_keys) >= _FLUSH_ROWS:
            cache.put_many(new_vectors, feat.name, feat.version, new_keys)
            new_vectors, new_keys = {}, {}
        if on_progress is not None:
            on_progress(len(results))
    if cache is not None and new_keys:
        cache.put_many(new_vectors, feat.name, feat.version, new_keys)
    return _assemble(feat, texts, outcomes, start, n_workers, executor)


def _assemble(
    feat: Featurizer,
    texts: list[str],
    outcomes: dict[str, _Outcome],
    start: float,
    workers: int,
    executor: Executor,
) -> BatchFeatures:
    rows: list[int] = []
    errors: list[RowError] = []
    for row, text in enumerate(texts):
        outcome = outcomes[text]
        if outcome.vector is None:
            errors.append(RowError(row, text, outcome.error or "no features"))
        else:
            rows.append(row)
    matrix = np.empty((len(rows), feat.width), dtype=np.float32)
    for i, row in enumerate(rows):
        matrix[i] = outcomes[texts[row]].vector
    distinct = [o for o in outcomes.values() if o.vector is not None]
    return BatchFeatures(
        featurizer=feat.name,
        version=feat.version,
        matrix=matrix,
        index=np.asarray(rows, dtype=np.int64),
        errors=errors,
        computed=sum(not o.cached for o in distinct),
        cached=sum(o.cached for o in distinct),
        seconds=time.perf_counter() - start,
        workers=workers,
        executor=executor,
    )
