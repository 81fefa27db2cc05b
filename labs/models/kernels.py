"""Similarity kernels between molecules: Tanimoto on fingerprint bits and a weighted RBF on descriptors.

The model kernel is their average: Tanimoto sees substructures, the RBF sees whole-molecule properties whose
weights (feature importances learnt on the training fold) drop the descriptors that do not matter for the target.
Both are positive semi-definite, so their mix is a valid kernel for SVMs.
"""

from __future__ import annotations

import numpy as np

TANIMOTO_SHARE = 0.5
_CHUNK = 2048  # query rows per block: bounds the float32 temporaries to ~16 MB per 1,000 training molecules


def tanimoto(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Tanimoto similarity of every row of `a` to every row of `b` (boolean fingerprints), float64 (len a, len b)."""
    b32 = b.astype(np.float32)
    b_count = b32.sum(axis=1)
    out = np.empty((len(a), len(b)), dtype=np.float64)
    for start in range(0, len(a), _CHUNK):
        a32 = a[start : start + _CHUNK].astype(np.float32)
        inter = a32 @ b32.T
        union = a32.sum(axis=1)[:, None] + b_count[None, :] - inter
        # Two empty fingerprints (e.g. [Na+] vs [Cl-]) share nothing we can see: similarity 0, not NaN.
        out[start : start + _CHUNK] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    return out


def squared_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    sq = (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :] - 2.0 * a @ b.T
    return np.maximum(sq, 0.0)


def mixed_kernel(
    tani: np.ndarray, sqdist: np.ndarray, gamma: float, n_features: int, share: float = TANIMOTO_SHARE
) -> np.ndarray:
    """share·Tanimoto + (1 − share)·exp(−gamma/d · ‖x − x'‖²); gamma is per descriptor, so d-free."""
    return share * tani + (1.0 - share) * np.exp(-gamma / n_features * sqdist)


def max_similarity(query_bits: np.ndarray, train_bits: np.ndarray, exclude_self: bool = False) -> np.ndarray:
    """Each query's highest Tanimoto similarity to the training set (leave-one-out when `exclude_self`)."""
    out = np.empty(len(query_bits), dtype=np.float64)
    for start in range(0, len(query_bits), _CHUNK):
        sims = tanimoto(query_bits[start : start + _CHUNK], train_bits)
        if exclude_self:
            rows = np.arange(sims.shape[0])
            sims[rows, start + rows] = -1.0
        out[start : start + _CHUNK] = sims.max(axis=1) if sims.shape[1] else 0.0
    return out
