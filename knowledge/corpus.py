"""Literature documents and the loaders for shipped corpora."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from knowledge.errors import Ech0Error


class Document(BaseModel):
    """One abstract-level literature record; `key` ("source:doc_id") is what citations name."""

    source: str = Field(description="corpus or database the document comes from, e.g. 'scifact', 'pubmed'")
    doc_id: str = Field(description="identifier inside that source (PMID for PubMed-derived corpora)")
    title: str
    text: str = Field(description="the abstract, sentences separated by single spaces")
    year: int | None = None
    metadata: dict = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.source}:{self.doc_id}"


def load_scifact(path: Path, source: str = "scifact") -> Iterator[Document]:
    """Yield the documents of a SciFact-format JSONL corpus (`doc_id`, `title`, `abstract` as a list)."""
    if not path.exists():
        raise Ech0Error(f"corpus file {path} does not exist: give the path of a SciFact-format JSONL corpus")
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                abstract = row["abstract"]
                text = " ".join(abstract) if isinstance(abstract, list) else str(abstract)
                yield Document(
                    source=source,
                    doc_id=str(row["doc_id"]),
                    title=row.get("title", "").strip(),
                    text=text.strip(),
                    metadata={"structured": bool(row.get("structured", False))},
                )
            except (json.JSONDecodeError, KeyError) as exc:
                raise Ech0Error(
                    f"{path}:{line_no} is not a SciFact corpus row ({exc}); expected doc_id, title, abstract"
                ) from exc


def corpus_lookup(path: Path, source: str = "scifact") -> dict[str, Document]:
    """All documents of a corpus by key, for resolving citations back to their source."""
    return {doc.key: doc for doc in load_scifact(path, source)}
