"""ChEMBL REST over httpx.MockTransport, answering in ChEMBL's documented JSON formats."""

from __future__ import annotations

import httpx
import pytest

from knowledge.common.errors import Ech0Error
from knowledge.http import CacheMissError, HttpClient, RetryPolicy
from knowledge.resilience import CircuitOpenError, HttpFetchError
from knowledge.sources.chembl import (
    approved_drugs,
    chembl_source_policy,
    get_molecule,
    molecule_by_inchikey,
    search_molecules,
    target_activities,
)
from tests.knowledge.sources.conftest import FakeClock, Recorder

API = "/chembl/api/data"


def molecule(chembl_id, name, smiles, key, phase="4.0", synonyms=()):
    return {
        "molecule_chembl_id": chembl_id,
        "pref_name": name,
        "max_phase": phase,
        "molecule_type": "Small molecule",
        "first_approval": 1995,
        "molecule_hierarchy": {"molecule_chembl_id": chembl_id, "parent_chembl_id": chembl_id},
        "molecule_properties": {"full_mwt": "129.17", "alogp": "-1.03", "psa": "88.99", "hba": 2, "hbd": 3},
        "molecule_structures": {"canonical_smiles": smiles, "standard_inchi": None, "standard_inchi_key": key},
        "molecule_synonyms": [{"molecule_synonym": s, "syn_type": "OTHER", "synonyms": s.upper()} for s in synonyms],
    }


METFORMIN = molecule(
    "CHEMBL1431", "METFORMIN", "CN(C)C(=N)N=C(N)N", "XZWYZXLIPXDOLR-UHFFFAOYSA-N", synonyms=["Glucophage", "Metformin"]
)
ASPIRIN = molecule("CHEMBL25", "ASPIRIN", "CC(=O)Oc1ccccc1C(=O)O", "BSYNRYMUTXBXSQ-UHFFFAOYSA-N", synonyms=["Aspirin"])
INSULIN = {**molecule("CHEMBL1201631", "INSULIN HUMAN", None, None), "molecule_type": "Protein"}
MOLECULES = {m["molecule_chembl_id"]: m for m in (METFORMIN, ASPIRIN, INSULIN)}


def activity(n, molecule_id, smiles, pchembl, value):
    return {
        "activity_id": 1000 + n,
        "assay_chembl_id": f"CHEMBL{600 + n}",
        "document_chembl_id": "CHEMBL1134862",
        "molecule_chembl_id": molecule_id,
        "molecule_pref_name": {"CHEMBL553": "ERLOTINIB", "CHEMBL939": "GEFITINIB"}.get(molecule_id),
        "canonical_smiles": smiles,
        "target_chembl_id": "CHEMBL203",
        "target_pref_name": "Epidermal growth factor receptor erbB1",
        "target_organism": "Homo sapiens",
        "standard_type": "IC50",
        "standard_relation": "=",
        "standard_value": value,
        "standard_units": "nM",
        "pchembl_value": pchembl,
    }


ERLOTINIB = "COCCOc1cc2ncnc(Nc3cccc(C#C)c3)c2cc1OCCOC"
GEFITINIB = "COc1cc2ncnc(Nc3ccc(F)c(Cl)c3)c2cc1OCCCN1CCOCC1"
ACTIVITIES = [
    activity(1, "CHEMBL553", ERLOTINIB, "9.00", "1.0"),
    activity(2, "CHEMBL939", GEFITINIB, "8.52", "3.0"),
    activity(3, "CHEMBL553", ERLOTINIB, "8.30", "5.0"),
    activity(4, "CHEMBL9999", None, "6.00", "1000.0"),  # no structure: reported for its row
    activity(5, "CHEMBL939", GEFITINIB, "7.70", "20.0"),
]


def page(request, key, items, offset, limit, total):
    """A list page as ChEMBL serves it: `next` repeats the filters with the next offset, null on the last page."""
    nxt = offset + limit
    next_path = str(request.url.copy_set_param("offset", nxt).raw_path.decode()) if nxt < total else None
    meta = {"limit": limit, "offset": offset, "total_count": total, "next": next_path, "previous": None}
    return httpx.Response(200, json={key: items[offset:nxt], "page_meta": meta})


def chembl_api(request: httpx.Request) -> httpx.Response:
    path, params = request.url.path, request.url.params
    if path.startswith(f"{API}/molecule/"):
        found = MOLECULES.get(path.rsplit("/", 1)[1].removesuffix(".json"))
        return httpx.Response(200, json=found) if found else httpx.Response(404, text="Not found")
    limit, offset = int(params.get("limit", 20)), int(params.get("offset", 0))
    if path == f"{API}/molecule.json":
        if params.get("max_phase") == "4":
            items = [METFORMIN, ASPIRIN, INSULIN]
        elif key := params.get("molecule_structures__standard_inchi_key"):
            items = [m for m in MOLECULES.values() if m["molecule_structures"]["standard_inchi_key"] == key]
        else:
            name = (
                params.get("pref_name__iexact") or params.get("molecule_synonyms__molecule_synonym__iexact")
            ).lower()
            items = [m for m in MOLECULES.values() if name in {s.lower() for s in _names(m)}]
        return page(request, "molecules", items, offset, limit, len(items))
    if path == f"{API}/activity.json":
        assert params["pchembl_value__isnull"] == "false"
        items = [a for a in ACTIVITIES if a["target_chembl_id"] == params.get("target_chembl_id")]
        return page(request, "activities", items, offset, limit, len(items))
    return httpx.Response(404)


def _names(m):
    return [m["pref_name"] or "", *(s["molecule_synonym"] for s in m["molecule_synonyms"])]


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_http(tmp_path, clock):
    clients = []

    def make(handler=chembl_api, *, mode="replay", attempts=3, threshold=5) -> HttpClient:
        recorder = Recorder(handler) if handler else None
        client = HttpClient(
            tmp_path / "cache",
            mode=mode,
            sources=[chembl_source_policy(failure_threshold=threshold)],
            retry=RetryPolicy(attempts=attempts, backoff_s=1.0, jitter_s=0.0),
            transport=recorder.transport if recorder else httpx.MockTransport(_no_network),
            sleep=clock.sleep,
            clock=clock,
        )
        client.recorder = recorder
        clients.append(client)
        return client

    yield make
    for c in clients:
        c.close()


def _no_network(request):
    raise AssertionError(f"unexpected network call: {request.url}")


def test_molecule_by_id_maps_every_field(make_http):
    m = get_molecule(make_http(), "chembl1431")
    assert (m.chembl_id, m.pref_name, m.max_phase, m.first_approval) == ("CHEMBL1431", "METFORMIN", 4.0, 1995)
    assert m.inchikey == "XZWYZXLIPXDOLR-UHFFFAOYSA-N" and m.smiles == "CN(C)C(=N)N=C(N)N"
    assert m.synonyms == ["Glucophage", "Metformin"] and m.properties["full_mwt"] == "129.17"
    entry = m.to_entry()
    assert (entry.source, entry.source_id, entry.name) == ("chembl", "CHEMBL1431", "metformin")


def test_unknown_id_is_none_and_a_malformed_id_an_error(make_http):
    assert get_molecule(make_http(), "CHEMBL123456789") is None
    with pytest.raises(Ech0Error, match="not a ChEMBL id"):
        get_molecule(make_http(), "aspirin")


def test_molecule_by_inchikey_and_by_synonym(make_http):
    http = make_http()
    assert molecule_by_inchikey(http, "BSYNRYMUTXBXSQ-UHFFFAOYSA-N").chembl_id == "CHEMBL25"
    assert [m.chembl_id for m in search_molecules(http, "glucophage")] == ["CHEMBL1431"]
    assert search_molecules(http, "foobarin") == []


def test_a_biologic_has_no_structure_to_store(make_http):
    with pytest.raises(Ech0Error, match="no small-molecule structure"):
        get_molecule(make_http(), "CHEMBL1201631").to_entry()


def test_approved_drugs_follow_page_meta_next(make_http, monkeypatch):
    import knowledge.sources.chembl as chembl

    monkeypatch.setattr(chembl, "PAGE_SIZE", 2)
    http = make_http()
    molecules, listing = approved_drugs(http)
    assert [m.chembl_id for m in molecules] == ["CHEMBL1431", "CHEMBL25", "CHEMBL1201631"]
    assert listing.total_count == 3 and listing.failures == []
    assert [r.url.params["offset"] for r in http.recorder.requests] == ["0", "2"]
    assert all(r.url.params["max_phase"] == "4" for r in http.recorder.requests)


def test_target_activities_are_paginated_grouped_by_molecule_and_bad_rows_reported(make_http, monkeypatch):
    import knowledge.sources.chembl as chembl

    monkeypatch.setattr(chembl, "PAGE_SIZE", 2)
    result = target_activities(make_http(), "chembl203")
    assert result.total_count == 5 and len(result.activities) == 5
    assert [a.pchembl_value for a in result.activities] == [9.0, 8.52, 8.3, 6.0, 7.7]
    first = result.activities[0]
    assert (first.target_id, first.standard_type, first.standard_value, first.standard_units) == (
        "CHEMBL203",
        "IC50",
        1.0,
        "nM",
    )
    assert {e.source_id: len(e.bioactivities) for e in result.entries} == {"CHEMBL553": 2, "CHEMBL939": 2}
    assert [(f.row, f.source_id) for f in result.failures] == [(4, "1004")]


def test_max_items_stops_early(make_http):
    result = target_activities(make_http(), "CHEMBL203", max_items=3)
    assert len(result.activities) == 3


def test_a_failed_page_keeps_the_pages_before_it(make_http, monkeypatch):
    import knowledge.sources.chembl as chembl

    monkeypatch.setattr(chembl, "PAGE_SIZE", 2)

    def second_page_down(request):
        return httpx.Response(500) if request.url.params.get("offset") == "2" else chembl_api(request)

    result = target_activities(make_http(second_page_down, attempts=2), "CHEMBL203")
    assert len(result.activities) == 2
    assert "failed after 2 attempt" in result.failures[0].reason


def test_429_is_retried_and_repeated_5xx_open_the_circuit(make_http, clock):
    answers = [httpx.Response(429, headers={"Retry-After": "3"})]
    http = make_http(lambda r: answers.pop() if answers else chembl_api(r))
    assert get_molecule(http, "CHEMBL25").pref_name == "ASPIRIN"
    assert clock.sleeps == [3.0]
    broken = make_http(lambda r: httpx.Response(502), mode="live", attempts=1, threshold=2)
    for _ in range(2):
        with pytest.raises(HttpFetchError):
            get_molecule(broken, "CHEMBL25")
    with pytest.raises(CircuitOpenError, match="'chembl'"):
        get_molecule(broken, "CHEMBL25")


def test_offline_miss_names_the_url_with_the_id(make_http):
    with pytest.raises(CacheMissError, match="CHEMBL25"):
        get_molecule(make_http(None, mode="offline"), "CHEMBL25")


def test_a_failed_first_page_is_an_error_not_an_empty_listing(make_http):
    with pytest.raises(CacheMissError, match="target_chembl_id=CHEMBL203"):
        target_activities(make_http(None, mode="offline"), "CHEMBL203")
    with pytest.raises(HttpFetchError, match="failed after 2 attempt"):
        approved_drugs(make_http(lambda r: httpx.Response(503), attempts=2))
    with pytest.raises(Ech0Error, match="without a 'activities' list"):
        target_activities(make_http(lambda r: httpx.Response(200, json={"page_meta": {}})), "CHEMBL203")
