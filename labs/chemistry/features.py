"""Featurizers: a string-keyed registry of pure functions Mol → float32 vector (datamol style).

Every featurizer has a name, a version (bump it when its output changes: caches key on it) and a width.
`featurize(mol, name)` returns the vector; a molecule a featurizer cannot handle gives NaNs, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
from rdkit import Chem, DataStructs
from rdkit.Chem import MACCSkeys, rdFingerprintGenerator

from knowledge.common.registry import Registry
from labs.chemistry.properties import PROPERTIES


@dataclass(frozen=True)
class Featurizer:
    name: str
    version: str
    width: int
    fn: Callable[[Chem.Mol], np.ndarray]
    description: str

    def __call__(self, mol: Chem.Mol) -> np.ndarray:
        try:
            out = np.asarray(self.fn(mol), dtype=np.float32)
        except (ValueError, RuntimeError, ZeroDivisionError, OverflowError):
            return np.full(self.width, np.nan, dtype=np.float32)
        # Some RDKit descriptors overflow to inf on exotic molecules; models need finite numbers or NaN.
        out[~np.isfinite(out)] = np.nan
        return out


FEATURIZERS: Registry[Featurizer] = Registry("featurizer")  # its members are defined below, in this module


def register_featurizer(name: str, version: str, width: int, description: str):
    """Decorator: register `fn(mol) -> vector` as the featurizer `name`; returns `fn` unchanged."""

    def decorator(fn: Callable[[Chem.Mol], np.ndarray]) -> Callable[[Chem.Mol], np.ndarray]:
        FEATURIZERS.add(name, Featurizer(name, version, width, fn, description))
        return fn

    return decorator


def list_featurizers() -> list[str]:
    return FEATURIZERS.names()


def get_featurizer(name: str) -> Featurizer:
    """The featurizer called `name`; Ech0Error listing the known ones for an unknown name."""
    return FEATURIZERS.get(name)


def featurize(mol: Chem.Mol, name: str) -> np.ndarray:
    return get_featurizer(name)(mol)


def _bits(fp) -> np.ndarray:
    arr = np.zeros((fp.GetNumBits(),), dtype=np.float32)
    DataStructs.ConvertToNumpyArray(fp, arr)
    return arr


@cache
def fingerprint_generator(kind: str):
    if kind == "morgan":
        return rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    if kind == "featmorgan":
        return rdFingerprintGenerator.GetMorganGenerator(
            radius=2, fpSize=2048, atomInvariantsGenerator=rdFingerprintGenerator.GetMorganFeatureAtomInvGen()
        )
    if kind == "rdkit":
        return rdFingerprintGenerator.GetRDKitFPGenerator(fpSize=2048)
    if kind == "atompair":
        return rdFingerprintGenerator.GetAtomPairGenerator(fpSize=2048)
    raise KeyError(kind)


for _kind, _label in (
    ("morgan", "Morgan (ECFP4-like) bits, radius 2, 2048 bits"),
    ("featmorgan", "feature Morgan (FCFP4-like) bits, radius 2, 2048 bits"),
    ("rdkit", "RDKit path fingerprint, 2048 bits"),
    ("atompair", "atom-pair fingerprint, 2048 bits"),
):
    register_featurizer(_kind, "1", 2048, _label)(
        lambda mol, k=_kind: fingerprint_generator(k).GetFingerprintAsNumPy(mol)
    )


@register_featurizer("maccs", "1", 167, "MACCS structural keys (167 bits)")
def _maccs(mol: Chem.Mol) -> np.ndarray:
    return _bits(MACCSkeys.GenMACCSKeys(mol))


@cache
def _descriptor_list() -> tuple:
    from rdkit.Chem import Descriptors

    return tuple(Descriptors._descList)


def descriptor_names() -> list[str]:
    return [name for name, _ in _descriptor_list()]


@register_featurizer("descriptors2d", "1", 217, "the full RDKit 2D descriptor set (217 values)")
def _descriptors2d(mol: Chem.Mol) -> np.ndarray:
    values = []
    for _, fn in _descriptor_list():
        try:
            values.append(float(fn(mol)))
        except (ValueError, RuntimeError, ZeroDivisionError, OverflowError):
            values.append(np.nan)
    return np.array(values, dtype=np.float32)


_FAST = ("molecular_weight", "logp", "tpsa", "hbd", "hba", "rotatable_bonds", "rings", "aromatic_rings", "heavy_atoms")


@register_featurizer("descriptors_fast", "1", len(_FAST), "nine cheap descriptors: MW, logP, TPSA, HBD, HBA, …")
def _descriptors_fast(mol: Chem.Mol) -> np.ndarray:
    return np.array([PROPERTIES[name].fn(mol) for name in _FAST], dtype=np.float32)


@cache
def _np_model():
    # Ertl's NP-likeness model ships in RDKit Contrib with its fragment scores; its loader prints progress.
    import contextlib
    import io

    from rdkit.Contrib.NP_Score import npscorer

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return npscorer, npscorer.readNPModel()


def np_likeness(mol: Chem.Mol) -> float:
    """Natural-product likeness (Ertl 2008): about -5 (synthetic-like) to +5 (natural-product-like)."""
    scorer, model = _np_model()
    return float(scorer.scoreMol(mol, model))


@register_featurizer("scores", "1", 3, "QED, SA score and NP-likeness")
def _scores(mol: Chem.Mol) -> np.ndarray:
    return np.array([PROPERTIES["qed"].fn(mol), PROPERTIES["sa_score"].fn(mol), np_likeness(mol)], dtype=np.float32)
