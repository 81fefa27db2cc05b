import pytest

from knowledge.common.errors import CompoundNotFoundError
from knowledge.compounds import CompoundStore
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K


@pytest.fixture(scope="module")
def store():
    return CompoundStore.from_files(DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K)


@pytest.mark.parametrize(
    "query",
    [
        "metformin",
        "Metformin",
        "metformin hydrochloride",
        "657-24-9",
        "DB00331",
        "XZWYZXLIPXDOLR-UHFFFAOYSA-N",
        "CN(C)C(=N)NC(N)=N",
        "NC(=N)NC(=N)N(C)C",
        "drugcentral:1725",
    ],
)
def test_resolves_metformin_by_any_identifier(store, query):
    record = store.resolve(query)
    assert record.key == "drugcentral:1725"
    assert record.name == "metformin"
    assert "FDA" in record.approved_by


def test_natural_products_resolve_by_structure_and_carry_their_class(store):
    np_record = next(r for r in store.records if r.source == "npclassifier")
    found = store.resolve(np_record.smiles)
    assert found.key == np_record.key
    assert found.np_pathway and found.np_class
    assert np_record.label.startswith("natural product")


@pytest.mark.parametrize("query", ["foobarin", "", "   ", "C1CC"])
def test_unknown_compounds_raise_a_clear_error(store, query):
    with pytest.raises(CompoundNotFoundError) as err:
        store.resolve(query)
    assert "compound" in str(err.value)


def test_shipped_sets_sizes(store):
    assert sum(r.source == "drugcentral" for r in store.records) == 1823
    assert sum(r.source == "npclassifier" for r in store.records) > 4900
