"""PubChem PUG-REST over httpx.MockTransport, answering in PubChem's documented JSON formats."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, unquote

import httpx
import pytest

from knowledge.common.errors import Ech0Error
from knowledge.http import CacheMissError, HttpClient, RetryPolicy
from knowledge.resilience import CircuitOpenError, HttpFetchError
from knowledge.sources.pubchem import lookup, parse_property_table, pubchem_source_policy
from tests.knowledge.sources.conftest import FakeClock, Recorder

BASE = "https://pubchem.ncbi.nlm.nih.gov/rest/pug/compound"
ASPIRIN = {
    "CID": 2244,
    "MolecularFormula": "C9H8O4",
    "MolecularWeight": "180.16",
    "SMILES": "CC(=O)OC1=CC=CC=C1C(=O)O",
    "ConnectivitySMILES": "CC(=O)OC1=CC=CC=C1C(=O)O",
    "InChI": "InChI=1S/C9H8O4/c1-6(10)13-8-5-3-2-4-7(8)9(11)12/h2-5H,1H3,(H,11,12)",
    "InChIKey": "BSYNRYMUTXBXSQ-UHFFFAOYSA-N",
    "IUPACName": "2-acetyloxybenzoic acid",
    "XLogP": 1.2,
    "ExactMass": "180.04225873",
    "TPSA": 63.6,
    "Complexity": 212,
    "Charge": 0,
    "HBondDonorCount": 1,
    "HBondAcceptorCount": 4,
    "RotatableBondCount": 3,
    "HeavyAtomCount": 13,
}
METFORMIN_HCL = {
    "CID": 14219,
    "MolecularFormula": "C4H12ClN5",
    "MolecularWeight": "165.62",
    "SMILES": "CN(C)C(=N)N=C(N)N.Cl",
    "InChI": "InChI=1S/C4H11N5.ClH/c1-9(2)4(7)8-3(5)6;/h1-2H3,(H5,5,6,7,8);1H",
    "InChIKey": "OETHQSJEHLVLGH-UHFFFAOYSA-N",
}
SYNONYMS = {
    2244: ["aspirin", "ACETYLSALICYLIC ACID", "50-78-2", "2-Acetoxybenzoic acid", "12345-67-8", "Ecotrin", "CHEMBL25"],
    14219: ["Metformin hydrochloride", "1115-70-4", "Glucophage"],
}
BY_NAME = {"aspirin": [ASPIRIN], "metformin hydrochloride": [METFORMIN_HCL]}


def fault(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"Fault": {"Code": code, "Message": message, "Details": [message]}})


def pug_rest(request: httpx.Request) -> httpx.Response:
    """PubChem as documented: property tables, synonym lists, and Fault bodies for unknown records."""
    parts = unquote(request.url.path).split("/compound/", 1)[1].split("/")
    namespace = parts[0]
    if request.method == "POST":
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        identifier, operation = form[namespace], parts[1]
    else:
        identifier, operation = parts[1], parts[2]
    if namespace == "cid":
        rows = [r for r in (ASPIRIN, METFORMIN_HCL) if str(r["CID"]) == identifier]
    elif namespace == "name":
        rows = BY_NAME.get(identifier.lower(), [])
    elif namespace == "smiles" and identifier == "C1CC(=O":
        return fault(400, "PUGREST.BadRequest", "Unable to standardize the given structure")
    else:
        rows = [r for r in (ASPIRIN, METFORMIN_HCL) if r.get(_FIELD[namespace]) == identifier]
    if not rows:
        return fault(404, "PUGREST.NotFound", "No CID found")
    if operation == "synonyms":
        return httpx.Response(
            200,
            json={"InformationList": {"Information": [{"CID": int(identifier), "Synonym": SYNONYMS[int(identifier)]}]}},
        )
    asked = parts[-2].split(",") if operation == "property" else []
    table = [{k: v for k, v in row.items() if k == "CID" or k in asked} for row in rows]
    return httpx.Response(200, json={"PropertyTable": {"Properties": table}})


_FIELD = {"inchikey": "InChIKey", "inchi": "InChI", "smiles": "SMILES"}


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_http(tmp_path, clock):
    clients = []

    def make(handler=pug_rest, *, mode="replay", attempts=3, threshold=5, cache="cache") -> HttpClient:
        recorder = handler if isinstance(handler, Recorder) else Recorder(handler) if handler else None
        transport = recorder.transport if recorder else httpx.MockTransport(_no_network)
        client = HttpClient(
            tmp_path / cache,
            mode=mode,
            sources=[pubchem_source_policy(failure_threshold=threshold, cooldown_s=60)],
            retry=RetryPolicy(attempts=attempts, backoff_s=1.0, jitter_s=0.0),
            transport=transport,
            sleep=clock.sleep,
            clock=clock,
        )
        clients.append(client)
        client.recorder = recorder
        return client

    yield make
    for c in clients:
        c.close()


def _no_network(request):
    raise AssertionError(f"unexpected network call: {request.url}")


@pytest.mark.parametrize(
    ("identifier", "namespace"),
    [
        ("aspirin", "name"),
        ("2244", "cid"),
        ("CC(=O)OC1=CC=CC=C1C(=O)O", "smiles"),
        ("BSYNRYMUTXBXSQ-UHFFFAOYSA-N", "inchikey"),
        ("InChI=1S/C9H8O4/c1-6(10)13-8-5-3-2-4-7(8)9(11)12/h2-5H,1H3,(H,11,12)", "inchi"),
    ],
)
def test_lookup_by_each_namespace_reads_properties_synonyms_and_cas(make_http, identifier, namespace):
    (aspirin,) = lookup(make_http(), identifier, namespace)
    assert aspirin.cid == 2244 and aspirin.name == "aspirin"
    assert aspirin.molecular_formula == "C9H8O4" and aspirin.molecular_weight == pytest.approx(180.16)
    assert aspirin.inchikey == "BSYNRYMUTXBXSQ-UHFFFAOYSA-N" and aspirin.xlogp == 1.2 and aspirin.tpsa == 63.6
    assert aspirin.smiles == "CC(=O)OC1=CC=CC=C1C(=O)O" and aspirin.h_bond_acceptor_count == 4
    assert aspirin.cas == ["50-78-2"]  # 12345-67-8 fails its check digit
    entry = aspirin.to_entry()
    assert (entry.source, entry.source_id, entry.ids["cas"]) == ("pubchem", "2244", ["50-78-2"])


def test_names_and_structures_are_posted_as_pubchempy_does(make_http):
    http = make_http()
    lookup(http, "CC(=O)OC1=CC=CC=C1C(=O)O", "smiles", synonyms=False)
    request = http.recorder.requests[0]
    assert request.method == "POST" and request.url.path.startswith("/rest/pug/compound/smiles/property/")
    assert parse_qs(request.content.decode())["smiles"] == ["CC(=O)OC1=CC=CC=C1C(=O)O"]


def test_legacy_property_names_in_old_cached_bodies_are_read():
    body = {"PropertyTable": {"Properties": [{"CID": 1, "IsomericSMILES": "C[C@H](N)O", "CanonicalSMILES": "CC(N)O"}]}}
    (compound,) = parse_property_table(body)
    assert (compound.smiles, compound.connectivity_smiles) == ("C[C@H](N)O", "CC(N)O")


def test_unknown_compound_is_empty_and_a_bad_smiles_is_a_clear_error(make_http):
    http = make_http()
    assert lookup(http, "foobarin", "name") == []
    with pytest.raises(Ech0Error, match="PubChem rejected smiles 'C1CC\\(=O'"):
        lookup(http, "C1CC(=O", "smiles")
    with pytest.raises(Ech0Error, match="not a number"):
        lookup(http, "aspirin", "cid")


def test_replay_serves_the_second_lookup_from_the_cache(make_http):
    http = make_http()
    lookup(http, "aspirin", "name")
    lookup(http, "aspirin", "name")
    assert len(http.recorder.requests) == 2  # properties + synonyms, once
    offline = make_http(None, mode="offline")
    assert lookup(offline, "aspirin", "name")[0].cid == 2244


def test_offline_miss_names_the_source_and_the_identifier(make_http):
    with pytest.raises(CacheMissError) as err:
        lookup(make_http(None, mode="offline"), "ibuprofen", "name")
    assert "PubChem" in str(err.value) and "name 'ibuprofen'" in str(err.value)


def test_503_busy_is_retried_then_answers(make_http, clock):
    answers = [fault(503, "PUGREST.ServerBusy", "Too many requests or server too busy")]

    def busy_once(request):
        return answers.pop() if answers else pug_rest(request)

    http = make_http(busy_once)
    assert lookup(http, "2244", "cid", synonyms=False)[0].cid == 2244
    assert clock.sleeps == [1.0]


def test_repeated_failures_open_the_circuit(make_http):
    http = make_http(lambda r: httpx.Response(500), attempts=2, threshold=2)
    for _ in range(2):
        with pytest.raises(HttpFetchError, match="failed after 2 attempt"):
            lookup(http, "2244", "cid")
    with pytest.raises(CircuitOpenError, match="'pubchem' is unavailable"):
        lookup(http, "2244", "cid")
    assert len(http.recorder.requests) == 4  # the open circuit sent nothing


def test_rate_limit_is_five_requests_per_second(make_http, clock):
    http = make_http()
    for cid in ["2244", "14219"] * 4:
        http.get("pubchem", f"{BASE}/cid/{cid}/synonyms/JSON?n={clock.now}")
    times = http.recorder.times
    assert max(sum(1 for t in times if start <= t < start + 1.0) for start in times) <= 5


def test_a_property_table_row_round_trips_to_json():
    (compound,) = parse_property_table({"PropertyTable": {"Properties": [ASPIRIN]}})
    assert json.loads(compound.model_dump_json())["iupac_name"] == "2-acetyloxybenzoic acid"
