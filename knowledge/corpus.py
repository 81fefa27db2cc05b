"""Literature documents and the loaders for shipped corpora."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from knowledge.common.jsonl import jsonl_rows


class Document(BaseModel):
    """One abstract-level literature record; `key` ("source:doc_id") is what citations name."""

    source: str = Field(description="corpus or database the document comes from, e.g. 'scifact', 'pubmed'")
    doc_id: str = Field(description="identifier inside that source (PMID for PubMed-derived corpora)")
    title: str
    text: str = Field(description="the abstract, sentences separated by single spaces")
    year: int | None = None
    authors: list[str] = Field(default_factory=list, description="'Family Given-initials' in byline order")
    journal: str | None = Field(None, description="journal title (PubMed) or None")
    doi: str | None = None
    mesh_terms: list[str] = Field(default_factory=list, description="MeSH descriptor names (PubMed)")
    categories: list[str] = Field(default_factory=list, description="arXiv categories, primary first")
    published: str | None = Field(None, description="ISO date of first publication or submission")
    updated: str | None = Field(None, description="ISO date of the latest version (arXiv)")
    domain: str | None = Field(None, description="broad field, e.g. 'biomedicine', 'chemistry', 'ml'")
    metadata: dict = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.doc_id}"


def load_scifact(path: Path, source: str = "scifact") -> Iterator[Document]:
    """Yield the documents of a SciFact-format JSONL corpus (`doc_id`, `title`, `abstract` as a list)."""
    for line_no, row in jsonl_rows(path):
        try:
            abstract = row["abstract"]
            text = " ".join(abstract) if isinstance(abstract, list) else str(abstract)
            yield Document(
                source=source,
                doc_id=str(row["doc_id"]),
                title=(row.get("title") or "").strip(),
                text=text.strip(),
                metadata={"structured": bool(row.get("structured", False))},
            )
        except KeyError as exc:
            raise Ech0Error(f"{path}:{line_no} lacks {exc}: a SciFact corpus row has doc_id, title, abstract") from None


def load_beir(path: Path, source: str) -> Iterator[Document]:
    """Yield the documents of a BEIR-format corpus (`_id`, `title`, `text`, optional `metadata`)."""
    for line_no, row in jsonl_rows(path):
        try:
            yield Document(
                source=source,
                doc_id=str(row["_id"]),
                title=(row.get("title") or "").strip(),
                text=str(row["text"]).strip(),
                metadata=row.get("metadata") or {},
            )
        except KeyError as exc:
            raise Ech0Error(f"{path}:{line_no} lacks {exc}: a BEIR corpus row has _id, title, text") from None


def load_corpus(path: Path, source: str) -> Iterator[Document]:
    """Documents of a JSONL corpus in SciFact (`doc_id`, `abstract`) or BEIR (`_id`, `text`) format."""
    if not path.exists():
        raise Ech0Error(f"corpus file {path} does not exist: give the path of a SciFact- or BEIR-format JSONL corpus")
    with path.open(encoding="utf-8") as fh:
        first = next((line for line in fh if line.strip()), "")
    try:
        keys = set(json.loads(first)) if first else set()
    except json.JSONDecodeError as exc:
        raise Ech0Error(f"{path} is not JSONL ({exc}): give a SciFact- or BEIR-format corpus") from exc
    if {"_id", "text"} <= keys:
        return load_beir(path, source)
    if {"doc_id", "abstract"} <= keys:
        return load_scifact(path, source)
    raise Ech0Error(f"{path} has neither SciFact fields (doc_id, title, abstract) nor BEIR fields (_id, title, text)")


def corpus_lookup(path: Path, source: str = "scifact") -> dict[str, Document]:
    """All documents of a corpus by key, for resolving citations back to their source."""
    return {doc.key: doc for doc in load_corpus(path, source)}
