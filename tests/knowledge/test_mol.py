"""The one molecule parser: typed errors naming the input, and `try_mol`'s None exactly where `to_mol` raises."""

from __future__ import annotations

import pytest

from knowledge.common.mol import (
    InvalidSmilesError,
    InvalidStructureError,
    inchikey,
    parse_structure,
    to_mol,
    try_mol,
)

ASPIRIN = "CC(=O)Oc1ccccc1C(=O)O"
ASPIRIN_KEY = "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"
ASPIRIN_INCHI = "InChI=1S/C9H8O4/c1-6(10)13-8-5-3-2-4-7(8)9(11)12/h2-5H,1H3,(H,11,12)"


@pytest.mark.parametrize("text", [ASPIRIN, f"  {ASPIRIN}\n", "[H]", "C"])
def test_try_mol_parses_what_to_mol_parses(text):
    mol = try_mol(text)
    assert mol is not None and inchikey(mol) == inchikey(to_mol(text))


@pytest.mark.parametrize("text", ["", "   ", None, "C1CC(", "not a smiles", "c1ccccc"])
def test_try_mol_is_none_where_to_mol_raises(text):
    assert try_mol(text) is None
    with pytest.raises(InvalidSmilesError):
        to_mol(text)


def test_errors_name_the_input():
    with pytest.raises(InvalidSmilesError, match="'C1CC\\('"):
        to_mol("C1CC(")
    with pytest.raises(InvalidStructureError, match="'InChI=1S/garbage'"):
        parse_structure("InChI=1S/garbage")


def test_parse_structure_reads_smiles_inchi_and_molblocks():
    from rdkit import Chem

    block = Chem.MolToMolBlock(to_mol(ASPIRIN))
    assert {inchikey(parse_structure(t)) for t in (ASPIRIN, ASPIRIN_INCHI, block)} == {ASPIRIN_KEY}
