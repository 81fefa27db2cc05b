"""Sentence-aware chunking that keeps character offsets, so a claim can cite the sentences it rests on."""

from __future__ import annotations

import hashlib
import re

from pydantic import BaseModel

from knowledge.corpus import Document

# A sentence ends at . ! or ? followed by whitespace and a capital, digit or bracket, or glued straight
# onto a capitalised word ("disabilities.A line scan", as in abstracts flattened from structured text).
# Abbreviations such as "e.g." or "et al." are not followed by a capital often enough to matter here.
_BOUNDARY = re.compile(r"(?<=[.!?])(?:\s+(?=[A-Z0-9(\[])|(?=[A-Z][a-z ]))")
_ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "vs.", "Fig.", "approx.", "ca.", "Dr.", "No.")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the sentences of `text`; whitespace between them is excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start()
        if text[start:end].rstrip().endswith(_ABBREVIATIONS):
            continue
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = match.end()
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class Chunk(BaseModel):
    """A run of whole sentences from one document; offsets index into `Document.text`."""

    doc_key: str
    source: str
    doc_id: str
    title: str
    index: int
    start: int
    end: int
    text: str
    sentences: list[tuple[int, int]]
    content_hash: str

    @property
    def key(self) -> str:
        return f"{self.doc_key}#{self.index}"

    def embedding_text(self) -> str:
        """What gets embedded: the title gives every chunk its document's context."""
        return f"{self.title}\n{self.text}" if self.title else self.text


def chunk_document(doc: Document, max_chars: int = 800) -> list[Chunk]:
    """Group consecutive sentences into chunks of at most `max_chars` (a longer sentence stands alone).

    A document with no abstract text yields a single title-only chunk, so that it is still findable.
    """
    spans = split_sentences(doc.text)
    groups: list[list[tuple[int, int]]] = []
    for span in spans:
        if groups and span[1] - groups[-1][0][0] <= max_chars:
            groups[-1].append(span)
        else:
            groups.append([span])
    if not groups:
        groups = [[(0, len(doc.text))]]
    chunks = []
    for index, group in enumerate(groups):
        start, end = group[0][0], group[-1][1]
        text = doc.text[start:end]
        digest = hashlib.sha256(f"{doc.title}\n{text}".encode()).hexdigest()[:16]
        chunks.append(
            Chunk(
                doc_key=doc.key,
                source=doc.source,
                doc_id=doc.doc_id,
                title=doc.title,
                index=index,
                start=start,
                end=end,
                text=text,
                sentences=group,
                content_hash=digest,
            )
        )
    return chunks
