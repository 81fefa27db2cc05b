"""Applicability domain: is a query molecule close enough to the training set for the model to be trusted?

A query is in domain when its highest Tanimoto similarity (Morgan bits) to any training molecule reaches the
threshold. The threshold is learnt from the training set itself: the similarity that 95 % of training molecules
reach to their own nearest other training molecule (leave-one-out), bounded to [0.2, 0.5] so that a very tight or
very diverse training set still gives a usable domain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from labs.models.kernels import max_similarity

QUANTILE = 0.05
BOUNDS = (0.2, 0.5)


@dataclass
class ApplicabilityDomain:
    train_bits: np.ndarray  # packed (np.packbits) training fingerprints
    n_bits: int
    threshold: float

    @classmethod
    def fit(cls, bits: np.ndarray) -> ApplicabilityDomain:
        nearest = max_similarity(bits, bits, exclude_self=True) if len(bits) > 1 else np.zeros(1)
        threshold = float(np.clip(np.quantile(nearest, QUANTILE), *BOUNDS))
        return cls(np.packbits(bits, axis=1), bits.shape[1], threshold)

    @property
    def bits(self) -> np.ndarray:
        return np.unpackbits(self.train_bits, axis=1, count=self.n_bits).astype(bool)

    def similarity(self, bits: np.ndarray) -> np.ndarray:
        """Highest Tanimoto similarity of each query to the training set, in [0, 1]."""
        return max_similarity(bits, self.bits)

    def in_domain(self, similarity: np.ndarray) -> np.ndarray:
        return similarity >= self.threshold
