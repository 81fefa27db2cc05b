"""Exact structural answers: each checked against a value worked out by hand."""

import pytest

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidSmilesError, to_mol
from labs.chemistry import structure


@pytest.mark.parametrize(
    ("smiles", "element", "count"),
    [("CCO", "carbon", 2), ("CCO", "H", 6), ("c1ccc2ccccc2c1", "C", 10), ("ClCCl", "chlorine", 2), ("[2H]C", "H", 4)],
)
def test_count_element(smiles, element, count):
    assert structure.count_element(to_mol(smiles), element) == count


def test_rings_of_naphthalene_and_a_spiro_compound():
    assert structure.ring_info(to_mol("c1ccc2ccccc2c1")) == {"rings": 2, "aromatic_rings": 2, "ring_sizes": [6, 6]}
    assert structure.ring_info(to_mol("C1CCC2(C1)CCCC2"))["ring_sizes"] == [5, 5]


@pytest.mark.parametrize(
    ("smiles", "a", "b", "bonds"),
    [("*CCCC*", None, None, 5), ("*c1ccc(*)cc1", None, None, 5), ("*c1ccccc1*", None, None, 3), ("CCOCC", 0, 4, 4)],
)
def test_shortest_path(smiles, a, b, bonds):
    assert structure.shortest_path_bonds(to_mol(smiles), a, b) == bonds


def test_shortest_path_errors_name_the_problem():
    with pytest.raises(Ech0Error, match="1 '\\*' atoms"):
        structure.shortest_path_bonds(to_mol("*CC"))
    with pytest.raises(Ech0Error, match="out of range"):
        structure.shortest_path_bonds(to_mol("CC"), 0, 7)
    with pytest.raises(Ech0Error, match="different fragments"):
        structure.shortest_path_bonds(to_mol("C.C"), 0, 1)


def test_atom_mapping_between_two_writings_of_one_molecule():
    a, b = to_mol("OCC"), to_mol("CCO")
    mapping = structure.atom_mapping(a, b)
    assert mapping == [2, 1, 0]
    for i, j in enumerate(mapping):
        assert a.GetAtomWithIdx(i).GetSymbol() == b.GetAtomWithIdx(j).GetSymbol()
    with pytest.raises(Ech0Error, match="not the same molecule"):
        structure.atom_mapping(to_mol("CCO"), to_mol("CCN"))


def test_scaffold_and_smarts():
    assert structure.scaffolds(to_mol("CC(=O)Oc1ccccc1C(=O)O")) == {
        "scaffold": "c1ccccc1",
        "generic_scaffold": "C1CCCCC1",
    }
    with pytest.raises(InvalidSmilesError, match="invalid SMARTS"):
        structure.parse_smarts("[C")
    with pytest.raises(Ech0Error, match="unknown element 'xx'"):
        structure.element_symbol("xx")
