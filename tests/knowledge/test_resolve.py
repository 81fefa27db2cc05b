import pytest

from knowledge.common.errors import CompoundNotFoundError
from knowledge.compound_models import CompoundRecord
from knowledge.compounds import CompoundStore
from knowledge.data import DRUGCENTRAL_APPROVED, NPCLASSIFIER_5K
from knowledge.resolve import classify, resolve


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


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("CHEMBL1431", "no compound has the ChEMBL id 'CHEMBL1431'"),
        ("CID 2244", "no compound has the PubChem CID '2244'"),
        ("2244", "a bare number is ambiguous: write 'CID 2244'"),
        ("50-78-3", "not a valid CAS number: its check digit is wrong"),
    ],
)
def test_identifiers_the_shipped_sets_lack_say_so_without_a_fallback(store, query, needle):
    result = resolve(store, query)
    assert result.status == "not_found" and needle in result.message


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("CID 2244", "cid", "2244"),
        ("cid:2244", "cid", "2244"),
        ("pubchem:2244", "cid", "2244"),
        ("chembl25", "chembl", "CHEMBL25"),
        ("chembl:CHEMBL25", "chembl", "CHEMBL25"),
        ("db00945", "drugbank", "DB00945"),
        ("50-78-2", "cas", "50-78-2"),
        ("50-78-3", "bad_cas", "50-78-3"),
        ("bsynrymutxbxsq-uhfffaoysa-n", "inchikey", "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"),
        ("2244", "number", "2244"),
        ("aspirin", "text", "aspirin"),
    ],
)
def test_classify(text, kind, value):
    assert classify(text) == (kind, value)


def test_unknown_and_empty(store):
    assert resolve(store, "foobarin").status == "not_found"
    assert "empty compound query" in resolve(store, "  ").message


# --- the fallback: compound DB, then PubChem / ChEMBL through the HTTP stack ----------------------------------

TERT_BUTYLPHENOL = {
    "CID": 7393,
    "MolecularFormula": "C10H14O",
    "SMILES": "CC(C)(C)C1=CC=C(C=C1)O",
    "InChIKey": "QHPQWRBYOIRBIT-UHFFFAOYSA-N",
}
PROPANOL, ISOPROPANOL = {"CID": 1031, "SMILES": "CCCO"}, {"CID": 3776, "SMILES": "CC(C)O"}


def _sources(request):
    """PubChem (documented PUG-REST JSON, from test_pubchem) and ChEMBL molecule answers, plus two extra names."""
    from tests.knowledge.test_chembl import chembl_api
    from tests.knowledge.test_pubchem import BY_NAME, METFORMIN_HCL, SYNONYMS, pug_rest

    if request.url.host == "www.ebi.ac.uk":
        return chembl_api(request)
    extra = {
        "4-tert-butylphenol": [TERT_BUTYLPHENOL],
        "propanol": [PROPANOL, ISOPROPANOL],
        "1115-70-4": [METFORMIN_HCL],  # PubChem matches CAS numbers as names
    }
    saved = dict(BY_NAME)
    BY_NAME.update(extra)
    SYNONYMS.setdefault(7393, ["4-tert-Butylphenol", "98-54-4"])
    SYNONYMS.setdefault(1031, ["1-propanol"])
    try:
        return pug_rest(request)
    finally:
        BY_NAME.clear()
        BY_NAME.update(saved)


@pytest.fixture
def lookup_env(tmp_path):
    import httpx

    from knowledge.compound_db import CompoundDB
    from knowledge.http import HttpClient, RetryPolicy
    from knowledge.resolve import CompoundLookup
    from knowledge.sources.chembl import chembl_source_policy
    from knowledge.sources.pubchem import pubchem_source_policy
    from tests.knowledge.sources.conftest import FakeClock, Recorder

    clock, clients = FakeClock(), []

    def make(mode="replay", network=True, db_name="compounds.db"):
        recorder = Recorder(_sources)
        http = HttpClient(
            tmp_path / "http",
            mode=mode,
            sources=[pubchem_source_policy(), chembl_source_policy()],
            retry=RetryPolicy(attempts=2, backoff_s=0, jitter_s=0),
            transport=recorder.transport if network else httpx.MockTransport(_no_network),
            sleep=clock.sleep,
            clock=clock,
        )
        clients.append(http)
        store = CompoundStore.from_files(DRUGCENTRAL_APPROVED, None)
        db = CompoundDB(f"sqlite:///{tmp_path / db_name}")
        store.fallback = CompoundLookup(store, lambda: db, lambda: http)
        return store, db, recorder

    yield make
    for c in clients:
        c.close()


def _no_network(request):
    raise AssertionError(f"unexpected network call: {request.url}")


def test_a_synonym_unknown_locally_resolves_through_pubchem_and_is_stored(lookup_env):
    store, db, recorder = lookup_env()
    result = resolve(store, "Aspirin")
    assert (result.status, result.method, result.confidence) == ("resolved", "pubchem_name", 0.95)
    assert result.match.key == "drugcentral:74"  # the shipped record, with its targets and approvals
    assert store.resolve("aspirin").name == "acetylsalicylic acid"
    stored = db.find("pubchem_cid", "2244")
    assert stored.ids["drugcentral"] == ["74"] and "50-78-2" in stored.ids["cas"]
    calls = len(recorder.requests)
    again = resolve(store, "ASPIRIN")
    assert (again.method, again.confidence, len(recorder.requests)) == ("stored_synonym", 0.95, calls)


def test_replay_from_the_http_cache_without_network(lookup_env):
    lookup_env(mode="live")[0].resolve("aspirin")  # fills the HTTP cache
    store, db, _ = lookup_env(mode="offline", network=False, db_name="fresh.db")
    result = resolve(store, "aspirin")
    assert result.status == "resolved" and result.method == "pubchem_name" and result.match.key == "drugcentral:74"


def test_offline_without_cache_is_the_clear_unknown_compound_error(lookup_env):
    store, _, _ = lookup_env(mode="offline", network=False)
    result = resolve(store, "aspirin")
    assert result.status == "not_found"
    assert result.message.startswith("no compound matches 'aspirin': offline mode has no cached PubChem answer")
    assert "would look it up in PubChem" in result.message
    with pytest.raises(CompoundNotFoundError, match="no compound matches 'aspirin'"):
        store.resolve("aspirin")
    assert resolve(store, "metfromin").method == "fuzzy_name"  # typos of shipped names still resolve


@pytest.mark.parametrize(
    ("query", "method", "confidence", "key"),
    [
        ("CID 2244", "pubchem_cid", 1.0, "drugcentral:74"),
        ("1115-70-4", "pubchem_cas", 1.0, "drugcentral:1725"),  # metformin HCl's CAS → the parent drug
        ("OETHQSJEHLVLGH-UHFFFAOYSA-N", "pubchem_inchikey", 1.0, "drugcentral:1725"),  # the salt's InChIKey
        ("CHEMBL25", "chembl_id", 1.0, "drugcentral:74"),
        ("4-tert-butylphenol", "pubchem_name", 0.95, "pubchem:7393"),
    ],
)
def test_each_remote_identifier_kind(lookup_env, query, method, confidence, key):
    store, _, _ = lookup_env()
    result = resolve(store, query)
    assert (result.status, result.method, result.confidence, result.match.key) == ("resolved", method, confidence, key)
    assert store.resolve(query).key == key and store.get(key) is not None  # remembered for citations


def test_stored_identifiers_resolve_from_the_db(lookup_env):
    store, _, recorder = lookup_env()
    resolve(store, "CID 14219")
    calls = len(recorder.requests)
    for query, method in [
        ("CID 14219", "stored_cid"),
        ("1115-70-4", "stored_cas"),
        ("CN(C)C(=N)N=C(N)N.Cl", "stored_structure"),
    ]:
        assert resolve(store, query).method == method
    assert len(recorder.requests) == calls


def test_a_name_pubchem_maps_to_several_structures_is_ambiguous(lookup_env):
    store, _, _ = lookup_env()
    result = resolve(store, "propanol")
    assert result.status == "ambiguous" and result.method == "pubchem_name"
    assert [c.key for c in result.candidates] == ["pubchem:1031", "drugcentral:4215"]  # isopropanol is shipped
    with pytest.raises(CompoundNotFoundError, match="ambiguous"):
        store.resolve("propanol")


def test_unknown_everywhere_and_drugbank_ids_explain_themselves(lookup_env):
    store, _, _ = lookup_env()
    assert (
        resolve(store, "foobarin").message
        == "no compound matches 'foobarin': PubChem has no compound for name 'foobarin'"
    )
    assert "DrugBank has no open API" in resolve(store, "DB99999").message


def test_record_keys_of_stored_compounds_resolve_without_network(lookup_env, tmp_path):
    from knowledge.compound_models import CompoundEntry

    store, db, recorder = lookup_env()
    db.upsert(CompoundEntry(source="coconut", source_id="CNP0000001", structure="Oc1ccc(cc1)-c1cc(=O)c2c(O)cc(O)cc2o1"))
    result = resolve(store, "coconut:CNP0000001")
    assert (result.method, result.match.key) == ("stored_key", "coconut:CNP0000001")
    assert store.resolve("coconut:CNP0000001").key == "coconut:CNP0000001"
    assert store.get("coconut:CNP0000001") is not None
    assert "no stored compound has the key" in resolve(store, "zinc:ZINC000000000404").message
    assert recorder.requests == []
