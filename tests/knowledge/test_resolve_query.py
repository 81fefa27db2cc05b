"""Which PubChem namespace or ChEMBL lookup a compound query asks for."""

import pytest

from knowledge.resolve_query import chembl_lookup, is_structure, pubchem_namespace


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CID 2244", ("cid", "2244")),
        ("2244", ("cid", "2244")),  # a bare number is a CID when the source is named
        ("bsyngpvqktpmhh-uhfffaoysa-n", ("inchikey", "BSYNGPVQKTPMHH-UHFFFAOYSA-N")),
        ("InChI=1S/CH4/h1H4", ("inchi", "InChI=1S/CH4/h1H4")),
        ("CC(=O)Oc1ccccc1C(=O)O", ("smiles", "CC(=O)Oc1ccccc1C(=O)O")),
        ("aspirin", ("name", "aspirin")),
        ("acetylsalicylic acid", ("name", "acetylsalicylic acid")),
        ("C1CC(=O", ("name", "C1CC(=O")),  # not a parsable structure: PubChem gets it as a name
        ("50-78-2", ("name", "50-78-2")),  # PubChem finds CAS numbers among the names
    ],
)
def test_pubchem_namespace(query, expected):
    assert pubchem_namespace(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("chembl:chembl25", ("chembl_id", "CHEMBL25")),
        ("CHEMBL25", ("chembl_id", "CHEMBL25")),
        ("BSYNGPVQKTPMHH-UHFFFAOYSA-N", ("inchikey", "BSYNGPVQKTPMHH-UHFFFAOYSA-N")),
        ("aspirin", ("name", "aspirin")),
    ],
)
def test_chembl_lookup(query, expected):
    assert chembl_lookup(query) == expected


def test_is_structure():
    assert is_structure("c1ccccc1") and is_structure("InChI=1S/CH4/h1H4")
    assert not is_structure("aspirin") and not is_structure("C1CC(=O") and not is_structure("")
