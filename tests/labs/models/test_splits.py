import numpy as np
import pytest
from rdkit import Chem

from knowledge.common.errors import Ech0Error
from labs.models.splits import make_split, scaffold_groups, scaffold_smiles


def _scaffolds(mols, rows):
    return {scaffold_smiles(mols[i]) for i in rows}


def _check_partition(split, n):
    parts = np.concatenate([split.train, split.valid, split.test])
    assert sorted(parts.tolist()) == list(range(n))


def test_scaffold_split_is_deterministic_and_ignores_the_seed(esol_dataset):
    mols = esol_dataset.mols
    first = make_split("scaffold", mols, seed=0)
    for seed in (0, 1, 7):
        other = make_split("scaffold", mols, seed=seed)
        for a, b in ((first.train, other.train), (first.valid, other.valid), (first.test, other.test)):
            np.testing.assert_array_equal(a, b)


def test_scaffold_split_fractions_and_no_shared_scaffold(esol_dataset):
    mols, n = esol_dataset.mols, len(esol_dataset)
    split = make_split("scaffold", mols)
    _check_partition(split, n)
    # MoleculeNet's cumulative cut-offs: train within 80 %, train + valid within 90 %, test takes the rest.
    assert len(split.train) <= 0.8 * n and len(split.train) + len(split.valid) <= 0.9 * n
    assert len(split.train) >= 0.75 * n and len(split.test) >= 0.09 * n
    train, valid, test = (_scaffolds(mols, part) for part in (split.train, split.valid, split.test))
    assert not (train & test) and not (train & valid) and not (valid & test)


def test_scaffold_split_puts_the_largest_groups_in_train(esol_dataset):
    mols = esol_dataset.mols
    split = make_split("scaffold", mols)
    largest = max(scaffold_groups(mols), key=len)
    assert set(largest) <= set(split.train.tolist())


def test_scaffold_split_follows_moleculenet_order_on_a_small_example():
    # 7 benzene derivatives, 1 pyridine, 1 cyclohexane, 1 acyclic: 10 molecules → train 8, valid 1, test 1.
    smiles = ["c1ccccc1" + s for s in ("C", "O", "N", "Cl", "F", "Br", "CC")] + ["c1ccncc1", "C1CCCCC1", "CCO"]
    mols = [Chem.MolFromSmiles(s) for s in smiles]
    split = make_split("scaffold", mols)
    # Benzene (7) first; then equal singletons by descending first index: acyclic (9), cyclohexane (8), pyridine (7).
    assert split.train.tolist() == [0, 1, 2, 3, 4, 5, 6, 9]
    assert split.valid.tolist() == [8] and split.test.tolist() == [7]


def test_balanced_and_random_splits_depend_on_the_seed(esol_dataset):
    mols, n = esol_dataset.mols, len(esol_dataset)
    for protocol in ("scaffold_balanced", "random"):
        a, a_again, b = (make_split(protocol, mols, seed) for seed in (0, 0, 1))
        _check_partition(a, n)
        np.testing.assert_array_equal(a.test, a_again.test)
        assert not np.array_equal(a.test, b.test)
    balanced = make_split("scaffold_balanced", mols, seed=3)
    assert not (_scaffolds(mols, balanced.train) & _scaffolds(mols, balanced.test))
    random = make_split("random", mols, seed=0)
    assert (len(random.train), len(random.valid), len(random.test)) == (160, 20, 20)


def test_split_errors_are_user_errors(esol_dataset):
    with pytest.raises(Ech0Error, match="unknown split 'time'"):
        make_split("time", esol_dataset.mols)
    with pytest.raises(Ech0Error, match="empty train, validation or test"):
        make_split("scaffold", esol_dataset.mols[:3])
