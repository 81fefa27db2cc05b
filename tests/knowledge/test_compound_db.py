"""The normalized compound DB: merging by standardized InChIKey across sources, idempotent upserts, lookups.

Runs on SQLite; the same tests run on PostgreSQL when ECH0_TEST_POSTGRES_URL is set (marker `postgres`).
"""

from __future__ import annotations

import os
import uuid

import pytest

from knowledge.common.mol import InvalidStructureError
from knowledge.compound_db import CompoundDB
from knowledge.compound_models import Bioactivity, CompoundEntry, RowFailure, entry_from_record
from knowledge.compounds import CompoundStore
from knowledge.data import DRUGCENTRAL_APPROVED
from labs.chemistry.properties import compute_properties

METFORMIN = "XZWYZXLIPXDOLR-UHFFFAOYSA-N"
ASPIRIN = "BSYNRYMUTXBXSQ-UHFFFAOYSA-N"

PUBCHEM_METFORMIN_HCL = CompoundEntry(
    source="pubchem",
    source_id="14219",
    name="Metformin hydrochloride",
    structure="CN(C)C(=N)N=C(N)N.Cl",
    ids={"cas": ["1115-70-4"], "inchikey": ["OETHQSJEHLVLGH-UHFFFAOYSA-N"]},
    synonyms=["Metformin hydrochloride", "Glucophage", "1115-70-4"],
    properties={"molecular_weight": 165.62},
)
CHEMBL_METFORMIN = CompoundEntry(
    source="chembl",
    source_id="CHEMBL1431",
    name="metformin",
    structure="CN(C)C(=N)N=C(N)N",
    synonyms=["Glucophage", "Metformin"],
    bioactivities=[
        Bioactivity(
            activity_id="1", target_id="CHEMBL2000", standard_type="IC50", standard_value=30.0, pchembl_value=7.5
        )
    ],
)


def _urls():
    yield pytest.param("sqlite", id="sqlite")
    yield pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)


@pytest.fixture(params=list(_urls()))
def db(request, tmp_path):
    if request.param == "sqlite":
        yield CompoundDB(f"sqlite:///{tmp_path / 'compounds.db'}", properties=compute_properties)
        return
    url = os.environ.get("ECH0_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("ECH0_TEST_POSTGRES_URL is not set: no PostgreSQL server to test against")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:8]}"
    with create_engine(url).begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"
    yield CompoundDB(f"{url}{sep}options=-csearch_path%3D{schema}", properties=compute_properties)
    with create_engine(url).begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


@pytest.fixture(scope="module")
def drugcentral_metformin():
    return CompoundStore.from_files(DRUGCENTRAL_APPROVED, None).resolve("metformin")


def test_pubchem_chembl_and_drugcentral_merge_by_standardized_inchikey(db, drugcentral_metformin):
    db.upsert(PUBCHEM_METFORMIN_HCL)  # the salt: standardizes to the parent
    db.upsert(CHEMBL_METFORMIN)
    merged = db.upsert(entry_from_record(drugcentral_metformin))
    assert db.count() == 1
    assert merged.inchikey == METFORMIN and merged.formula == "C4H11N5"
    assert merged.ids["pubchem_cid"] == ["14219"] and merged.ids["chembl"] == ["CHEMBL1431"]
    assert merged.ids["drugcentral"] == ["1725"] and merged.ids["drugbank"] == ["DB00331"]
    assert set(merged.ids["cas"]) == {"1115-70-4", "657-24-9"}
    assert {"OETHQSJEHLVLGH-UHFFFAOYSA-N", METFORMIN} <= set(merged.ids["inchikey"])
    assert [s.source for s in merged.sources] == ["pubchem", "chembl", "drugcentral"]
    assert merged.sources[0].properties == {"molecular_weight": 165.62}
    assert merged.name == "Metformin hydrochloride"  # the first source to name it
    assert {"Glucophage", "metformin", "Metformin hydrochloride"} <= set(merged.synonyms)
    assert merged.properties["molecular_weight"] == pytest.approx(129.17, abs=0.01)  # of the parent, not the salt
    assert [(a.activity_id, a.pchembl_value) for a in merged.bioactivities] == [("1", 7.5)]
    record = merged.to_record()
    assert record.key == "drugcentral:1725" and record.ids == {
        "pubchem_cid": "14219",
        "chembl": "CHEMBL1431",
        "drugcentral": "1725",
    }


def test_upserts_are_idempotent(db):
    first = db.upsert(CHEMBL_METFORMIN)
    again = db.upsert(CHEMBL_METFORMIN)
    assert db.count() == 1
    assert again.ids == first.ids and again.synonyms == first.synonyms
    assert len(again.sources) == 1 and len(again.bioactivities) == 1


def test_an_identifier_stays_with_the_compound_that_claimed_it_first(db):
    db.upsert(CompoundEntry(source="csv", source_id="a", structure="CCO", ids={"cas": ["64-17-5"]}))
    other = db.upsert(CompoundEntry(source="csv", source_id="b", structure="CCN", ids={"cas": ["64-17-5"]}))
    assert "cas" not in other.ids
    assert db.find("cas", "64-17-5").smiles == "CCO"


def test_lookups_by_identifier_synonym_and_original_inchikey(db):
    db.upsert(PUBCHEM_METFORMIN_HCL)
    assert db.find("pubchem_cid", "14219").inchikey == METFORMIN
    assert db.find("inchikey", "OETHQSJEHLVLGH-UHFFFAOYSA-N").inchikey == METFORMIN  # the salt's key
    assert db.find("inchikey", METFORMIN.lower()).inchikey == METFORMIN
    assert [c.inchikey for c in db.by_synonym("  GLUCOPHAGE ")] == [METFORMIN]
    assert db.find("cas", "50-78-2") is None and db.by_synonym("aspirin") == []
    assert "glucophage" in db.names()
    with pytest.raises(Exception, match="unknown identifier namespace"):
        db.find("smiles", "CCO")


def test_upsert_many_reports_bad_rows_and_goes_on(db):
    entries = [
        CompoundEntry(source="csv", source_id="ok1", structure="CC(=O)Oc1ccccc1C(=O)O"),
        CompoundEntry(source="csv", source_id="bad", structure="C1CC(=O"),
        RowFailure(row=3, source_id="x", reason="no SMILES in this row"),
        CompoundEntry(source="csv", source_id="ok2", structure="OC(=O)c1ccccc1OC(C)=O.[Na+]"),
        CompoundEntry(source="csv", source_id="long", structure="CCO", synonyms=["x" * 400]),
    ]
    report = db.upsert_many(entries, batch_size=2)
    assert (report.added, report.merged) == (2, 1)  # aspirin, its sodium salt merged into it, ethanol
    assert [(f.row, f.source_id) for f in report.failures] == [(2, "bad"), (3, "x")]
    assert "invalid structure 'C1CC(=O'" in report.failures[0].reason
    assert report.inchikeys[:2] == [ASPIRIN, ASPIRIN]
    assert db.find("inchikey", report.inchikeys[2]).synonyms == []  # an over-long synonym is dropped, not fatal


def test_upsert_raises_for_an_unreadable_structure(db):
    with pytest.raises(InvalidStructureError):
        db.upsert(CompoundEntry(source="csv", source_id="bad", structure="not a molecule"))


def test_summaries_list_newest_first_with_sources_and_activity_counts(db):
    db.upsert(CompoundEntry(source="csv", source_id="e", name="ethanol", structure="CCO"))
    db.upsert(CHEMBL_METFORMIN)
    rows = db.summaries(limit=10)
    assert [r["name"] for r in rows] == ["metformin", "ethanol"]
    assert rows[0]["sources"] == ["chembl:CHEMBL1431"] and rows[0]["activities"] == 1
    assert db.summaries(limit=1, offset=1)[0]["name"] == "ethanol"


def test_a_store_without_property_function_keeps_properties_empty(tmp_path):
    plain = CompoundDB(f"sqlite:///{tmp_path / 'plain.db'}")
    assert plain.upsert(CompoundEntry(source="csv", source_id="1", structure="CCO")).properties == {}


def test_unsupported_database_is_a_clear_error():
    with pytest.raises(Exception, match="SQLite or PostgreSQL"):
        CompoundDB("mysql+pymysql://u:p@localhost/db")
