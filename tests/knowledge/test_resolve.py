import pytest

from knowledge.compounds import CompoundRecord, CompoundStore
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K
from knowledge.errors import CompoundNotFoundError
from knowledge.resolve import resolve


@pytest.fixture(scope="module")
def store():
    return CompoundStore.from_files(DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K)


@pytest.mark.parametrize(
    ("query", "method", "confidence"),
    [
        ("metformin", "name", 0.98),
        ("Metformin Hydrochloride", "name_without_salt", 0.9),
        ("657-24-9", "cas", 1.0),
        ("DB00331", "drugbank_id", 1.0),
        ("XZWYZXLIPXDOLR-UHFFFAOYSA-N", "inchikey", 1.0),
        ("InChI=1S/C4H11N5/c1-9(2)4(7)8-3(5)6/h1-2H3,(H5,5,6,7,8)", "inchi", 1.0),
        ("NC(=N)NC(=N)N(C)C", "structure", 1.0),
    ],
)
def test_each_identifier_kind_resolves_with_its_method(store, query, method, confidence):
    result = resolve(store, query)
    assert result.status == "resolved" and result.match.key == "drugcentral:1725"
    assert (result.method, result.confidence) == (method, confidence)


def test_misspelt_name_resolves_with_lower_confidence(store):
    result = resolve(store, "metfromin")
    assert result.status == "resolved" and result.method == "fuzzy_name"
    assert result.match.label == "metformin" and 0.85 <= result.confidence < 0.98


def test_ambiguous_names_list_candidates_instead_of_guessing():
    records = [
        CompoundRecord(source="t", source_id=str(i), name=name, smiles=smiles)
        for i, (name, smiles) in enumerate([("abcxolol", "CCO"), ("abcyolol", "CCN"), ("other", "CCC")])
    ]
    store = CompoundStore(records)
    result = resolve(store, "abczolol")
    assert result.status == "ambiguous" and result.match is None
    assert {c.label for c in result.candidates} == {"abcxolol", "abcyolol"}
    with pytest.raises(CompoundNotFoundError, match="ambiguous: did you mean"):
        store.resolve("abczolol")


@pytest.mark.parametrize("query", ["CHEMBL1431", "CID 2244", "2244"])
def test_foreign_identifiers_say_what_is_missing(store, query):
    result = resolve(store, query)
    assert result.status == "not_found" and "no PubChem/ChEMBL client" in result.message


def test_unknown_and_empty(store):
    assert resolve(store, "foobarin").status == "not_found"
    assert "empty compound query" in resolve(store, "  ").message
