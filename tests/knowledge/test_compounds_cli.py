"""`ech0 compounds fetch|import|chembl-activities|list-db|resolve` in-process, over recorded-format answers."""

from __future__ import annotations

import json

import httpx
import pytest

from server.cli import main
from tests.knowledge.test_compound_files import COMPONENTS_CIF, DRUGBANK_XML
from tests.knowledge.test_resolve import _sources


@pytest.fixture
def env(tmp_path, monkeypatch):
    import server.wiring as wiring

    make = wiring.make_http_client
    calls = []

    def recorded(settings, transport=None):
        def handler(request):
            calls.append(str(request.url))
            return _sources(request)

        return make(settings, transport=httpx.MockTransport(handler))

    monkeypatch.setattr(wiring, "make_http_client", recorded)
    monkeypatch.setenv("ECH0_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ECH0_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("ECH0_DATA__MODE", "replay")
    return calls


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_fetch_pubchem_stores_and_then_resolves_offline(env, capsys, monkeypatch):
    assert main(["compounds", "fetch", "pubchem", "aspirin", "--json"]) == 0
    (aspirin,) = _json(capsys)["compounds"]
    assert aspirin["inchikey"] == "BSYNRYMUTXBXSQ-UHFFFAOYSA-N" and aspirin["ids"]["pubchem_cid"] == ["2244"]
    assert aspirin["ids"]["cas"] == ["50-78-2"] and aspirin["properties"]["qed"] > 0
    monkeypatch.setenv("ECH0_DATA__MODE", "offline")
    # a PubChem synonym that neither DrugCentral nor the shipped synonym table (which has "aspirin") knows
    assert main(["compounds", "resolve", "2-Acetoxybenzoic acid", "--json"]) == 0
    out = _json(capsys)
    assert out["method"] == "stored_synonym" and out["match"]["key"] == "drugcentral:74"
    assert main(["compounds", "resolve", "2244", "--cid"]) == 0
    assert "acetylsalicylic acid (drugcentral:74)" in capsys.readouterr().out


def test_resolve_in_replay_mode_looks_up_pubchem(env, capsys):
    assert main(["compounds", "resolve", "4-tert-butylphenol", "--json"]) == 0  # not a shipped name or synonym
    out = _json(capsys)
    assert (out["status"], out["method"], out["confidence"]) == ("resolved", "pubchem_name", 0.95)
    assert "record" not in out
    assert main(["compounds", "get", "aspirin", "--json"]) == 0
    assert _json(capsys)["key"] == "drugcentral:74"


def test_fetch_chembl_by_id_and_the_approved_list(env, capsys):
    assert main(["compounds", "fetch", "chembl", "CHEMBL1431", "--json"]) == 0
    (metformin,) = _json(capsys)["compounds"]
    assert metformin["ids"]["chembl"] == ["CHEMBL1431"] and metformin["name"] == "metformin"
    assert main(["compounds", "fetch", "chembl", "--approved", "--max", "5"]) == 0
    captured = capsys.readouterr()
    assert "CHEMBL25" in captured.out and "CHEMBL1201631" in captured.err  # the biologic is listed as not stored


def test_chembl_activities_and_list_db(env, capsys):
    assert main(["compounds", "chembl-activities", "CHEMBL203", "--json"]) == 0
    out = _json(capsys)
    assert (out["fetched"], out["molecules"], out["stored"]) == (5, 2, 2)
    assert out["failures"][0]["source_id"] == "1004"
    assert main(["compounds", "list-db", "--json"]) == 0
    listing = _json(capsys)
    assert listing["count"] == 2 and {r["activities"] for r in listing["compounds"]} == {2}


def test_import_reports_rows_and_merges(env, capsys, tmp_path):
    path = tmp_path / "components.cif"
    path.write_text(COMPONENTS_CIF)
    assert main(["compounds", "import", str(path), "--format", "pdb-ccd", "--json"]) == 0
    out = _json(capsys)
    assert (out["added"], out["merged"], out["failed"], out["compounds_in_db"]) == (2, 0, 1, 2)
    assert out["failures"][0]["source_id"] == "UNX"
    assert main(["compounds", "import", str(path), "--format", "pdb-ccd"]) == 0
    assert "0 new compound(s), 2 merged" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["compounds", "import", "{xml}", "--format", "drugbank-xml"], "--i-have-a-drugbank-licence"),
        (["compounds", "import", "nope.csv", "--format", "csv"], "does not exist"),
        (["compounds", "fetch", "pubchem", "foobarin"], "PubChem has no compound for name 'foobarin'"),
        (["compounds", "fetch", "uniprot", "x"], "unknown source 'uniprot'"),
        (["compounds", "resolve", "aspirin", "--cid"], "--cid needs a number"),
        (["compounds", "chembl-activities", "EGFR"], "not a ChEMBL target id"),
    ],
)
def test_errors_are_one_line(env, capsys, tmp_path, argv, needle):
    xml = tmp_path / "drugbank.xml"
    xml.write_text(DRUGBANK_XML)
    assert main([a.format(xml=xml) for a in argv]) == 1
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


def test_drugbank_xml_imports_with_the_licence_flag(env, capsys, tmp_path):
    xml = tmp_path / "drugbank.xml"
    xml.write_text(DRUGBANK_XML)
    assert (
        main(["compounds", "import", str(xml), "--format", "drugbank-xml", "--i-have-a-drugbank-licence", "--json"])
        == 0
    )
    assert _json(capsys)["added"] == 1


def test_chembl_activities_offline_without_a_cached_answer_is_a_one_line_error(env, capsys, monkeypatch):
    monkeypatch.setenv("ECH0_DATA__MODE", "offline")
    assert main(["compounds", "chembl-activities", "chembl203", "--max", "500"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert "no cached ChEMBL activities for CHEMBL203 in offline mode" in captured.err
    assert "ECH0_DATA__MODE=replay" in captured.err and env == []  # nothing was sent
    monkeypatch.setenv("ECH0_DATA__MODE", "replay")
    assert main(["compounds", "chembl-activities", "CHEMBL203"]) == 0
    assert "CHEMBL203: 5 of 5 activities with pChEMBL, 2 molecules" in capsys.readouterr().out
    monkeypatch.setenv("ECH0_DATA__MODE", "offline")  # now cached: the same answer without the network
    assert main(["compounds", "chembl-activities", "CHEMBL203"]) == 0
    assert "5 of 5 activities" in capsys.readouterr().out
