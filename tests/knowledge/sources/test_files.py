"""The JSONL/CSV loader: field mapping, list-valued text, and errors that name file, line and field."""

from __future__ import annotations

import pytest

from knowledge.common.errors import Ech0Error
from knowledge.sources.files import FieldMapping, load_documents

from .conftest import DATA

JSONL_MAP = FieldMapping(
    doc_id="pmid",
    title="title",
    text="abstract",
    year="year",
    authors="authors",
    journal="journal",
    metadata=["source_db"],
)
CSV_MAP = FieldMapping(doc_id="id", title="headline", text="body", year="pub_year", authors="byline")


def test_jsonl_rows_become_documents():
    first, second = load_documents(DATA / "records.jsonl", JSONL_MAP, source="mylit", domain="biomedicine")
    assert first.key == "mylit:101"
    assert first.text == "Metformin activates AMPK. AMPK lowers glucose output."
    assert (first.year, first.authors, first.journal) == (2019, ["Smith JA", "Nguyen V"], "Cell Metab")
    assert first.metadata == {"source_db": "medline"} and first.domain == "biomedicine"
    assert (second.title, second.text) == ("Statins in the elderly", "Statins reduce LDL cholesterol.")
    assert (second.year, second.authors, second.journal) == (None, [], None)


def test_csv_rows_become_documents():
    first, second = load_documents(DATA / "records.csv", CSV_MAP, source="notes")
    assert first.title == "Aspirin, platelets and you"
    assert first.text == "Aspirin irreversibly inhibits COX-1. It lasts for the platelet's life."
    assert (first.year, first.authors) == (2018, ["Doe J", "Roe R"])
    assert (second.doc_id, second.year, second.authors) == ("c2", None, [])


def test_a_missing_csv_column_names_file_line_and_field():
    mapping = CSV_MAP.model_copy(update={"journal": "venue"})
    with pytest.raises(Ech0Error, match=r"records\.csv:1 has no column 'venue' mapped to field 'journal'"):
        list(load_documents(DATA / "records.csv", mapping, source="notes"))


def test_a_missing_jsonl_key_names_file_line_and_field(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"pmid": 1, "title": "a", "abstract": "b"}\n{"pmid": 2, "title": "c"}\n')
    rows = load_documents(path, FieldMapping(doc_id="pmid", title="title", text="abstract"), source="x")
    assert next(rows).doc_id == "1"
    with pytest.raises(Ech0Error, match=r"rows\.jsonl:2 has no column 'abstract' mapped to field 'text'"):
        next(rows)


def test_an_unreadable_jsonl_line_names_file_and_line(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"pmid": 1, "title": "a", "abstract": "b"}\n{"pmid": 2, "title": \n')
    with pytest.raises(Ech0Error, match=r"rows\.jsonl:2 is not valid JSON"):
        list(load_documents(path, FieldMapping(doc_id="pmid", title="title", text="abstract"), source="x"))


def test_a_bad_year_names_the_column(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("id,t,a,y\n1,T,A,soon\n")
    mapping = FieldMapping(doc_id="id", title="t", text="a", year="y")
    with pytest.raises(Ech0Error, match=r"rows\.csv:2 has year 'soon' in column 'y'"):
        list(load_documents(path, mapping, source="x"))


def test_an_empty_id_and_a_ragged_row_are_errors(tmp_path):
    mapping = FieldMapping(doc_id="id", title="t", text="a")
    empty_id = tmp_path / "empty.csv"
    empty_id.write_text("id,t,a\n,T,A\n")
    with pytest.raises(Ech0Error, match=r"empty\.csv:2 has an empty 'id' for field 'doc_id'"):
        list(load_documents(empty_id, mapping, source="x"))
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,t,a\n1,T,A,extra\n")
    with pytest.raises(Ech0Error, match=r"ragged\.csv:2 has more cells"):
        list(load_documents(ragged, mapping, source="x"))


def test_unknown_type_missing_file_and_non_utf8(tmp_path):
    mapping = FieldMapping(doc_id="id", title="t", text="a")
    with pytest.raises(Ech0Error, match="unknown file type '.xlsx'"):
        list(load_documents(tmp_path / "rows.xlsx", mapping, source="x"))
    with pytest.raises(Ech0Error, match="does not exist"):
        list(load_documents(tmp_path / "absent.csv", mapping, source="x"))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("id,t,a\n1,Caf\xe9,A\n".encode("latin-1"))
    with pytest.raises(Ech0Error, match="not UTF-8"):
        list(load_documents(latin1, mapping, source="x"))


def test_tsv_by_suffix(tmp_path):
    path = tmp_path / "rows.tsv"
    path.write_text("id\tt\ta\n7\tTitle\tText, with comma\n")
    [doc] = load_documents(path, FieldMapping(doc_id="id", title="t", text="a"), source="x")
    assert (doc.doc_id, doc.text) == ("7", "Text, with comma")
