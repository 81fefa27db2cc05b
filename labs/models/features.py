"""Model inputs: RDKit 2D descriptors plus Morgan bits (radius 2, 2048), from the featurizer registry.

Both come from `labs.featurize.featurize_batch` (descriptors over a process pool). `Preprocessor` is fitted on
the training rows only: NaN descriptors take the training median, then a signed log tames heavy-tailed
descriptors (Ipc, BertzCT, …) before standardizing; rare fingerprint bits are left out of the tree inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from labs.featurize import RowError, featurize_batch

DESCRIPTORS = "descriptors2d"
FINGERPRINT = "morgan"
MIN_BIT_FRACTION = 0.01  # tree inputs keep the bits set in at least 1 % of training molecules


@dataclass
class MolFeatures:
    """Per-molecule inputs: `descriptors` (n, 217) float32 with NaN where RDKit failed; `bits` (n, 2048) bool."""

    descriptors: np.ndarray
    bits: np.ndarray

    def __len__(self) -> int:
        return len(self.descriptors)

    def take(self, rows: np.ndarray) -> MolFeatures:
        return MolFeatures(self.descriptors[rows], self.bits[rows])


def compute_features(smiles: Sequence[str], workers: int = 1) -> tuple[MolFeatures, np.ndarray, list[RowError]]:
    """Features of every SMILES that parses; returns them, the input rows they belong to, and per-row errors."""
    desc = featurize_batch(smiles, DESCRIPTORS, workers=workers)
    # Fingerprints cost ~30 µs a molecule: a process pool would cost more than it saves.
    fps = featurize_batch([smiles[i] for i in desc.index], FINGERPRINT, workers=1)
    index = desc.index[fps.index]
    errors = sorted(desc.errors + [e._replace(row=int(desc.index[e.row])) for e in fps.errors], key=lambda e: e.row)
    return MolFeatures(desc.matrix[fps.index], fps.matrix.astype(bool)), index, errors


def signed_log(x: np.ndarray) -> np.ndarray:
    return np.sign(x) * np.log1p(np.abs(x))


@dataclass
class Preprocessor:
    """Imputation, scaling and bit selection learnt from the training rows (never from validation or test)."""

    medians: np.ndarray
    center: np.ndarray
    scale: np.ndarray
    bit_mask: np.ndarray

    @classmethod
    def fit(cls, feats: MolFeatures) -> Preprocessor:
        with np.errstate(all="ignore"):
            medians = np.nanmedian(feats.descriptors.astype(np.float64), axis=0)
        medians = np.where(np.isfinite(medians), medians, 0.0)  # a descriptor that failed on every molecule
        logged = signed_log(np.where(np.isnan(feats.descriptors), medians, feats.descriptors).astype(np.float64))
        center, scale = logged.mean(axis=0), logged.std(axis=0)
        scale = np.where(scale > 1e-12, scale, 1.0)  # constant columns stay 0 after centring
        min_count = max(2, int(np.ceil(MIN_BIT_FRACTION * len(feats))))
        return cls(medians, center, scale, feats.bits.sum(axis=0) >= min_count)

    def descriptors(self, feats: MolFeatures) -> np.ndarray:
        """Imputed, signed-log, standardized descriptors (n, 217) float64."""
        raw = np.where(np.isnan(feats.descriptors), self.medians, feats.descriptors).astype(np.float64)
        return (signed_log(raw) - self.center) / self.scale

    def tree_matrix(self, feats: MolFeatures) -> np.ndarray:
        """Inputs for tree models: the scaled descriptors followed by the kept fingerprint bits."""
        return np.hstack([self.descriptors(feats), feats.bits[:, self.bit_mask].astype(np.float64)])
