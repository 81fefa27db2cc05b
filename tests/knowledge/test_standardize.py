"""Structure standardization (real RDKit) and CAS check digits."""

import pytest

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import InvalidStructureError
from knowledge.standardize import cas_numbers, is_cas, standardize

METFORMIN_KEY = "XZWYZXLIPXDOLR-UHFFFAOYSA-N"


@pytest.mark.parametrize(
    "structure",
    [
        "CN(C)C(=N)NC(N)=N.Cl",  # metformin hydrochloride
        "CN(C)C(=N)N=C(N)N.Cl.Cl",
        "C[NH+](C)C(=N)NC(N)=N.[Cl-]",  # protonated salt form
        "NC(=N)NC(=N)N(C)C",  # the free base written another way
        "InChI=1S/C4H11N5.ClH/c1-9(2)4(7)8-3(5)6;/h1-2H3,(H5,5,6,7,8);1H",
    ],
)
def test_salts_and_charges_are_stripped_to_the_parent(structure):
    result = standardize(structure)
    assert result.inchikey == METFORMIN_KEY
    assert result.formula == "C4H11N5"
    assert "Cl" not in result.smiles and "+" not in result.smiles


def test_the_input_key_is_kept_so_changes_are_visible():
    salt = standardize("CN(C)C(=N)NC(N)=N.Cl")
    assert salt.input_inchikey == "OETHQSJEHLVLGH-UHFFFAOYSA-N" and salt.changed
    assert not standardize("CN(C)C(=N)NC(N)=N").changed


def test_sodium_carboxylate_is_neutralized_and_stereo_kept():
    assert standardize("CC(=O)[O-].[Na+]").smiles == "CC(=O)O"
    levo = standardize("CCCCN1CCCC[C@H]1C(=O)NC1=C(C)C=CC=C1C")
    assert levo.inchikey == "LEBVLXFERQHONN-INIZCTEOSA-N"  # DrugCentral's key: the stereocentre survives


def test_canonical_tautomer_is_optional_and_merges_tautomers():
    keto, enol = "CC(=O)CC(C)=O", "CC(O)=CC(C)=O"
    assert standardize(keto).inchikey != standardize(enol).inchikey
    assert standardize(keto, tautomer=True).inchikey == standardize(enol, tautomer=True).inchikey


def test_molblocks_parse():
    from rdkit import Chem

    block = Chem.MolToMolBlock(Chem.MolFromSmiles("CCO"))
    assert standardize(block).smiles == "CCO"


@pytest.mark.parametrize("bad", ["C1CC(=O", "", "InChI=1S/garbage", "foobarin"])
def test_unreadable_structures_raise_an_error_naming_the_input(bad):
    with pytest.raises(InvalidStructureError) as err:
        standardize(bad)
    assert isinstance(err.value, Ech0Error)
    assert (repr(bad) in str(err.value)) if bad else "empty structure" in str(err.value)


def test_cas_check_digit():
    assert is_cas("50-78-2") and is_cas("657-24-9") and is_cas("7732-18-5") and is_cas("1115-70-4")
    assert not is_cas("50-78-3") and not is_cas("12345-67-8") and not is_cas("50782") and not is_cas("CHEMBL25")
    names = ["aspirin", "50-78-2", "12345-67-8", "11126-35-5", "50-78-2", "DB00945"]
    assert cas_numbers(names) == ["50-78-2", "11126-35-5"]
