"""Deduplication: exact digests and MinHash near duplicates (character 5-grams, Jaccard threshold 0.8).

MinHash signatures are computed in batch with numpy (one matrix operation per few thousand examples) using
datasketch's own affine32 permutations, so they equal what `datasketch.MinHash.update_batch` gives for the same
shingle hashes (a test checks this); datasketch's `MinHashLSH` then finds the candidate pairs, which are
confirmed with the signatures' estimated Jaccard.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

NUM_PERM = 128
SEED = 1
SHINGLE = 5
THRESHOLD = 0.8
SCHEME = "affine32"
_BATCH_SHINGLES = 16384  # columns of the (permutations × shingles) uint32 block: 8 MiB, cache-friendly
_P = np.uint64(0x100000001B3)  # FNV-64 prime: a polynomial rolling hash over code points


def example_text(messages: Sequence[dict[str, Any]]) -> str:
    """The text compared for near duplicates: the user turns and the final answer. The shared system prompt and
    a trajectory's JSON plan and tool results are left out: their fixed keys would make every trajectory about a
    small molecule look alike. (Exact duplicates compare every message.)"""
    parts = [m["content"] for m in messages if m["role"] == "user"]
    return "\n".join([*parts, messages[-1]["content"]])


def digest(messages: Sequence[dict[str, Any]]) -> bytes:
    """Exact-duplicate key of an example's messages."""
    payload = json.dumps([[m["role"], m["content"]] for m in messages], ensure_ascii=False)
    return hashlib.blake2b(payload.encode(), digest_size=16).digest()


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's 32-bit finalizer, as datasketch applies it before its affine32 permutations.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the character 5-grams of `text` (one shingle for a shorter text)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    n = len(codes)
    if n < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - n, dtype=np.uint64)])
        n = SHINGLE
    h = codes[: n - SHINGLE + 1].copy()
    with np.errstate(over="ignore"):
        for k in range(1, SHINGLE):
            h = h * _P + codes[k : n - SHINGLE + 1 + k]
        h ^= h >> np.uint64(29)
        h *= np.uint64(0xBF58476D1CE4E5B9)
        h ^= h >> np.uint64(32)
    return (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)


@cache
def permutations() -> tuple[np.ndarray, np.ndarray]:
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


def signatures(texts: Sequence[str]) -> np.ndarray:
    """(len(texts), NUM_PERM) uint32 MinHash signatures, computed a batch of texts at a time."""
    a, b = permutations()
    a, b = a[:, None], b[:, None]
    out = np.empty((len(texts), NUM_PERM), dtype=np.uint32)
    # Permutations × shingles, reused in place: cache-sized blocks run ~50x faster than fresh broadcast arrays.
    buffer = np.empty((NUM_PERM, _BATCH_SHINGLES), dtype=np.uint32)
    start = 0
    while start < len(texts):
        hashes, offsets, total, end = [], [], 0, start
        while end < len(texts):
            h = shingle_hashes(texts[end])
            if total and total + len(h) > _BATCH_SHINGLES:
                break
            offsets.append(total)
            hashes.append(h)
            total += len(h)
            end += 1
        mixed = _fmix32(np.concatenate(hashes))
        if total > buffer.shape[1]:
            buffer = np.empty((NUM_PERM, total), dtype=np.uint32)
        block = buffer[:, :total]
        np.multiply(a, mixed[None, :], out=block)
        np.add(block, b, out=block)
        out[start:end] = np.minimum.reduceat(block, np.asarray(offsets), axis=1).T
        start = end
    return out


def lean(signature: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=signature, scheme=SCHEME)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / len(a)


class NearDuplicateFilter:
    """Keeps an example unless MinHash LSH finds an earlier kept one with estimated Jaccard ≥ threshold."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._kept: list[np.ndarray] = []

    def add(self, signature: np.ndarray) -> bool:
        """True (and indexed) when new; False when it nearly duplicates a kept example."""
        m = lean(signature)
        for key in self.lsh.query(m):
            if jaccard(self._kept[key], signature) >= self.threshold:
                return False
        self.lsh.insert(len(self._kept), m, check_duplication=False)
        self._kept.append(signature)
        return True


def near_duplicate_pairs(matrix: np.ndarray, threshold: float = THRESHOLD) -> list[tuple[int, int, float]]:
    """Every pair (i < j) of rows that LSH proposes and whose estimated Jaccard is ≥ threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    pairs = []
    for i, row in enumerate(matrix):
        m = lean(row)
        for j in lsh.query(m):
            score = jaccard(matrix[j], row)
            if score >= threshold:
                pairs.append((j, i, score))
        lsh.insert(i, m, check_duplication=False)
    return pairs


def exact_duplicates(digests: Iterable[bytes]) -> int:
    seen: set[bytes] = set()
    repeats = 0
    for d in digests:
        repeats += d in seen
        seen.add(d)
    return repeats
