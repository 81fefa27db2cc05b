"""Train/validation/test splits that return index arrays (MoleculeNet and chemprop protocols).

`scaffold` is deterministic: the seed never changes it, so seeds vary only model randomness.
`scaffold_balanced` and `random` depend on the seed.
"""

from __future__ import annotations

import random as _random
from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict
from rdkit import Chem
from rdkit.Chem.Scaffolds import MurckoScaffold

from knowledge.common.errors import Ech0Error

SplitName = Literal["scaffold", "scaffold_balanced", "random"]
SPLITS: tuple[str, ...] = ("scaffold", "scaffold_balanced", "random")
FRACTIONS = (0.8, 0.1, 0.1)


class Split(BaseModel):
    """Index arrays into the dataset's rows; the three are disjoint and cover every row."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    protocol: str
    seed: int
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray


def scaffold_smiles(mol: Chem.Mol) -> str:
    """The Bemis–Murcko scaffold without stereochemistry; acyclic molecules share the empty scaffold ''."""
    return MurckoScaffold.MurckoScaffoldSmiles(mol=mol, includeChirality=False)


def scaffold_groups(mols: Sequence[Chem.Mol]) -> list[list[int]]:
    """Row indices grouped by scaffold, in order of first appearance."""
    groups: dict[str, list[int]] = {}
    for i, mol in enumerate(mols):
        groups.setdefault(scaffold_smiles(mol), []).append(i)
    return list(groups.values())


def _fill_cumulative(ordered: list[list[int]], n: int) -> tuple[list[int], list[int], list[int]]:
    """MoleculeNet's rule: train while train stays within 80 %, else valid while train+valid stay within 90 %."""
    train_cutoff, valid_cutoff = FRACTIONS[0] * n, (FRACTIONS[0] + FRACTIONS[1]) * n
    train: list[int] = []
    valid: list[int] = []
    test: list[int] = []
    for group in ordered:
        if len(train) + len(group) <= train_cutoff:
            train += group
        elif len(train) + len(valid) + len(group) <= valid_cutoff:
            valid += group
        else:
            test += group
    return train, valid, test


def _fill_sizes(ordered: list[list[int]], n: int) -> tuple[list[int], list[int], list[int]]:
    """chemprop's rule: train if the group fits the train size, else valid if it fits the valid size, else test."""
    train_size, valid_size = FRACTIONS[0] * n, FRACTIONS[1] * n
    train: list[int] = []
    valid: list[int] = []
    test: list[int] = []
    for group in ordered:
        if len(train) + len(group) <= train_size:
            train += group
        elif len(valid) + len(group) <= valid_size:
            valid += group
        else:
            test += group
    return train, valid, test


def scaffold_split(mols: Sequence[Chem.Mol]) -> tuple[list[int], list[int], list[int]]:
    """MoleculeNet's (DeepChem ScaffoldSplitter) deterministic scaffold split.

    Groups are sorted by (size, first row index) in descending order, exactly as DeepChem does: largest first,
    and among equal sizes the group seen last in the file first. (Ascending ties would send the file's last
    singletons to test; on BBBP that leaves a test fold with a single class.)
    """
    groups = sorted(scaffold_groups(mols), key=lambda g: (len(g), g[0]), reverse=True)
    return _fill_cumulative(groups, len(mols))


def scaffold_balanced_split(mols: Sequence[Chem.Mol], seed: int) -> tuple[list[int], list[int], list[int]]:
    """chemprop's balanced scaffold split: groups bigger than half the valid/test size go first, each part shuffled."""
    n = len(mols)
    valid_size, test_size = FRACTIONS[1] * n, FRACTIONS[2] * n
    big, small = [], []
    for group in scaffold_groups(mols):
        (big if len(group) > valid_size / 2 or len(group) > test_size / 2 else small).append(group)
    rng = _random.Random(seed)
    rng.shuffle(big)
    rng.shuffle(small)
    return _fill_sizes(big + small, n)


def random_split(n: int, seed: int) -> tuple[list[int], list[int], list[int]]:
    order = np.random.default_rng(seed).permutation(n)
    n_train, n_valid = int(FRACTIONS[0] * n), int(FRACTIONS[1] * n)
    return list(order[:n_train]), list(order[n_train : n_train + n_valid]), list(order[n_train + n_valid :])


def make_split(protocol: str, mols: Sequence[Chem.Mol], seed: int = 0) -> Split:
    """Split `mols` by `protocol` (scaffold, scaffold_balanced or random); raises Ech0Error on an unknown name."""
    if protocol == "scaffold":
        parts = scaffold_split(mols)
    elif protocol == "scaffold_balanced":
        parts = scaffold_balanced_split(mols, seed)
    elif protocol == "random":
        parts = random_split(len(mols), seed)
    else:
        raise Ech0Error(f"unknown split {protocol!r}: choose one of {', '.join(SPLITS)}")
    train, valid, test = (np.array(sorted(p), dtype=np.int64) for p in parts)
    if min(len(train), len(valid), len(test)) == 0:
        raise Ech0Error(
            f"the {protocol} split of {len(mols)} molecules left an empty train, validation or test part "
            f"({len(train)}/{len(valid)}/{len(test)}): use more rows or --split random"
        )
    return Split(protocol=protocol, seed=seed, train=train, valid=valid, test=test)
