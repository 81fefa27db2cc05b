"""Documents from a user's JSONL or CSV file, through a mapping from Document fields to the file's columns."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from knowledge.common.jsonl import jsonl_rows
from knowledge.corpus import Document

FileFormat = Literal["jsonl", "csv", "tsv"]
_SUFFIXES: dict[str, FileFormat] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv"}


class FieldMapping(BaseModel):
    """Which column holds each Document field, e.g. FieldMapping(doc_id="pmid", title="title", text="abstract")."""

    doc_id: str
    title: str
    text: str = Field(description="column of the abstract; a list value (JSONL) is joined with spaces")
    year: str | None = None
    authors: str | None = Field(None, description="a list (JSONL) or a ';'-separated string")
    journal: str | None = None
    doi: str | None = None
    published: str | None = None
    metadata: list[str] = Field(default_factory=list, description="further columns copied into Document.metadata")


def load_documents(
    path: Path,
    mapping: FieldMapping,
    *,
    source: str,
    domain: str | None = None,
    fmt: FileFormat | None = None,
) -> Iterator[Document]:
    """Yield one Document per row. Raises `Ech0Error` naming the file, line and field of a row it cannot read."""
    path = Path(path)
    fmt = fmt or _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise Ech0Error(f"{path}: unknown file type {path.suffix!r}; name it .jsonl, .csv or .tsv, or pass fmt=")
    if not path.is_file():
        raise Ech0Error(f"{path} does not exist: give the path of a JSONL or CSV file of documents")
    rows = jsonl_rows(path) if fmt == "jsonl" else _csv_rows(path, "\t" if fmt == "tsv" else ",", mapping)
    try:
        for line_no, row in rows:
            yield _to_document(row, mapping, path, line_no, source, domain)
    except UnicodeDecodeError as exc:
        raise Ech0Error(f"{path} is not UTF-8 text ({exc}); convert it to UTF-8") from None


def _csv_rows(path: Path, delimiter: str, mapping: FieldMapping) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter=delimiter)
        header = reader.fieldnames or []
        for field, column in _mapped_columns(mapping):
            if column not in header:
                raise Ech0Error(
                    f"{path}:1 has no column {column!r} mapped to field {field!r} (columns: {', '.join(header)})"
                )
        try:
            for row in reader:
                if None in row:  # DictReader puts cells beyond the header under the key None
                    raise Ech0Error(f"{path}:{reader.line_num} has more cells than the header has columns")
                yield reader.line_num, row
        except csv.Error as exc:
            raise Ech0Error(f"{path}:{reader.line_num} is not readable CSV ({exc})") from None


def _mapped_columns(mapping: FieldMapping) -> list[tuple[str, str]]:
    named = [(f, c) for f, c in mapping.model_dump(exclude={"metadata"}).items() if c is not None]
    return named + [(f"metadata.{c}", c) for c in mapping.metadata]


def _to_document(
    row: dict[str, Any], mapping: FieldMapping, path: Path, line_no: int, source: str, domain: str | None
) -> Document:
    def value(field: str, column: str) -> Any:
        if column not in row:
            raise Ech0Error(f"{path}:{line_no} has no column {column!r} mapped to field {field!r}")
        return row[column]

    def required(field: str, column: str) -> str:
        raw = value(field, column)
        text = " ".join(str(v) for v in raw) if isinstance(raw, list) else ("" if raw is None else str(raw))
        if field == "doc_id" and not text.strip():
            raise Ech0Error(f"{path}:{line_no} has an empty {column!r} for field 'doc_id'; every row needs an id")
        return " ".join(text.split())

    def optional(field: str) -> Any:
        column = getattr(mapping, field)
        raw = value(field, column) if column is not None else None
        return None if raw is None or raw == "" else raw

    year = optional("year")
    try:
        year = int(str(year).strip()[:4]) if year is not None else None
    except ValueError:
        raise Ech0Error(f"{path}:{line_no} has year {year!r} in column {mapping.year!r}; expected e.g. 2021") from None
    authors = optional("authors")
    if isinstance(authors, str):
        authors = [a.strip() for a in authors.split(";") if a.strip()]
    return Document(
        source=source,
        doc_id=required("doc_id", mapping.doc_id),
        title=required("title", mapping.title),
        text=required("text", mapping.text),
        year=year,
        authors=[str(a) for a in authors or []],
        journal=_str_or_none(optional("journal")),
        doi=_str_or_none(optional("doi")),
        published=_str_or_none(optional("published")),
        domain=domain,
        metadata={c: value(f"metadata.{c}", c) for c in mapping.metadata},
    )


def _str_or_none(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None
