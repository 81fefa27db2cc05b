"""Natural products as recorded experiments: NP-likeness (Ertl) and NPClassifier pathway/superclass/class.

`classify` answers from the shipped NPClassifier set (knowledge.data.NPCLASSIFIER_5K): a compound in the set gets
its recorded classes; any other gets, at each level, a vote of its k most similar compounds (Tanimoto on Morgan
r=2, 2048 bits) weighted by similarity cubed, with the winning share of the vote as its confidence. Cubing lets
a near neighbour outvote several distant ones. `evaluate` measures that vote on the MoleculeNet scaffold split of
the set (library = train + validation, queries = test), so the accuracy it reports is on unseen scaffolds.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from rdkit import DataStructs
from rdkit.Chem import rdFingerprintGenerator

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError, canonical_smiles, to_mol
from labs.base import register_lab
from labs.chemistry.features import np_likeness

LEVELS = ("pathway", "superclass", "class")
POWER = 3  # similarity exponent of a neighbour's vote (chosen on the validation fold, see `evaluate`)
MIN_SIMILARITY = 0.3  # below this the nearest neighbours say little about a query's class


class NPLibrary:
    """The NPClassifier compounds that parse, their classes, fingerprints and InChIKeys."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.smiles: list[str] = []
        self.labels: list[dict[str, str]] = []
        self.mols = []
        with self.path.open(newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                try:
                    mol = to_mol(row["smiles"])
                except InvalidSmilesError:
                    continue
                self.smiles.append(row["smiles"])
                self.labels.append({level: row[level] for level in LEVELS})
                self.mols.append(mol)
        self.fps = [_generator().GetFingerprint(m) for m in self.mols]

    def __len__(self) -> int:
        return len(self.smiles)

    def same_structure(self, mol, sims: np.ndarray, rows: np.ndarray) -> int | None:
        """The row among `rows` holding the query's structure (Tanimoto 1 and the same canonical SMILES)."""
        wanted = canonical_smiles(mol)
        for row in rows:
            if sims[row] >= 0.999 and canonical_smiles(self.mols[row]) == wanted:
                return int(row)
        return None


@lru_cache(maxsize=1)
def _generator():
    return rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)


@lru_cache(maxsize=2)
def library(path: str | None = None) -> NPLibrary:
    from knowledge.data import NPCLASSIFIER_5K

    return NPLibrary(Path(path) if path else NPCLASSIFIER_5K)


def vote(labels: list[dict[str, str]], sims: np.ndarray, rows: np.ndarray, power: int = POWER) -> dict[str, Any]:
    """Per level: the class with the largest similarity**power-weighted vote among `rows`, and its share."""
    out = {}
    for level in LEVELS:
        weights: dict[str, float] = defaultdict(float)
        for row in rows:
            if labels[row][level]:
                weights[labels[row][level]] += float(sims[row]) ** power
        total = sum(weights.values())
        if not weights or total <= 0:
            out[level] = {"value": None, "confidence": 0.0}
            continue
        best = max(weights, key=weights.get)
        out[level] = {"value": best, "confidence": round(weights[best] / total, 3)}
    return out


def top_k(sims: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    return top[np.lexsort((top, -sims[top]))]


def _check_k(k: int) -> None:
    if not isinstance(k, int) or not 1 <= k <= 50:
        raise Ech0Error(f"k={k!r} is out of range: give the number of voting neighbours, 1 to 50 (e.g. 5)")


@register_lab("natural_products")
class NaturalProductsLab:
    name = "natural_products"
    version = "1"

    def operations(self):
        return {"np_likeness": self.np_likeness, "classify": self.classify, "evaluate": self.evaluate}

    def provenance(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation not in ("classify", "evaluate"):
            return {}
        from labs.pharmacology.lab import file_sha256

        path = library().path
        return {"data": [{"file": path.name, "sha256": file_sha256(str(path)), "used_for": operation}]}

    @staticmethod
    def np_likeness(smiles: str) -> dict[str, Any]:
        score = np_likeness(to_mol(smiles))
        return {"np_likeness": round(score, 3), "scale": "about -5 (synthetic-like) to +5 (natural-product-like)"}

    @staticmethod
    def classify(smiles: str, k: int = 5) -> dict[str, Any]:
        """NPClassifier pathway, superclass and class with confidences, the method, and the neighbours cited."""
        _check_k(k)
        mol = to_mol(smiles)
        lib = library()
        sims = np.asarray(DataStructs.BulkTanimotoSimilarity(_generator().GetFingerprint(mol), lib.fps))
        rows = top_k(sims, k)
        exact = lib.same_structure(mol, sims, rows)
        if exact is not None:
            classes = {level: {"value": lib.labels[exact][level], "confidence": 1.0} for level in LEVELS}
            method = "record: the compound is in the NPClassifier set"
        else:
            classes = vote(lib.labels, sims, rows)
            method = f"vote of the {len(rows)} most similar NPClassifier compounds (weight similarity^{POWER})"
        top = float(sims[rows[0]]) if len(rows) else 0.0
        return {
            "classes": classes,
            "method": method,
            "max_similarity": round(top, 3),
            "in_domain": exact is not None or top >= MIN_SIMILARITY,
            "neighbours": [
                {"smiles": lib.smiles[r], "similarity": round(float(sims[r]), 3), **lib.labels[r]} for r in rows
            ],
            "library": {"file": lib.path.name, "n": len(lib)},
        }

    @staticmethod
    def evaluate(k: int = 5, power: int = POWER) -> dict[str, Any]:
        """Accuracy of the vote per level on the scaffold split's test fold (library: train + validation)."""
        from labs.models.splits import make_split

        _check_k(k)
        lib = library()
        split = make_split("scaffold", lib.mols)
        reference = np.concatenate([split.train, split.valid])
        ref_fps = [lib.fps[i] for i in reference]
        ref_labels = [lib.labels[i] for i in reference]
        hits = dict.fromkeys(LEVELS, 0)
        for q in split.test:
            sims = np.asarray(DataStructs.BulkTanimotoSimilarity(lib.fps[q], ref_fps))
            predicted = vote(ref_labels, sims, top_k(sims, k), power)
            for level in LEVELS:
                hits[level] += predicted[level]["value"] == lib.labels[q][level]
        n = len(split.test)
        return {
            "accuracy": {level: round(hits[level] / n, 4) for level in LEVELS},
            "n_test": n,
            "n_reference": len(reference),
            "split": "scaffold (MoleculeNet: largest scaffold groups to train, then validation, then test)",
            "k": k,
            "power": power,
        }
