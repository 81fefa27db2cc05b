"""Claim verification: a claim stays only if its citations resolve and its numbers are in what it cites (pure).

The rules synthesizer writes claims from tool outputs, so they pass by construction; an LLM synthesizer can
misquote a value or invent a source, and those claims are dropped and listed in the notes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from agents.report import Report

_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?![\w.])")
# Numbers that are labels rather than values: years, reference markers, SMILES ring digits, list remainders…
_IGNORED = re.compile(r"`[^`]*`|\[\d+\]|\b(?:19|20)\d\d\b|[A-Za-z]+\d+[A-Za-z\d]*|\band \d+ more\b")


def _numbers(text: str) -> list[float]:
    return [float(n) for n in _NUMBER.findall(_IGNORED.sub(" ", text))]


def _source_numbers(source: Any) -> list[float]:
    return _numbers(json.dumps(source, ensure_ascii=False, default=str))


def _matches(value: float, pool: list[float]) -> bool:
    # A value stated with fewer decimals than the source still matches (129.2 for 129.17).
    return any(abs(value - v) <= max(0.051, abs(v) * 0.005) for v in pool)


_WORD = re.compile(r"[a-z][a-z\-]{3,}")
_COMMON = {"this", "that", "with", "which", "have", "been", "also", "from", "these", "their", "about", "into",
           "compound", "molecule", "drug", "value", "values"}  # fmt: skip


def words_supported(text: str, sources: Any, min_share: float = 0.8) -> bool:
    """Whether most content words of `text` occur in `sources`: free text from a small model says nothing new."""
    words = [w for w in _WORD.findall(text.lower()) if w not in _COMMON]
    if len(words) < 3:
        return False
    pool = set(_WORD.findall(json.dumps(sources, ensure_ascii=False).lower()))
    return sum(w in pool for w in words) / len(words) >= min_share


def verify_report(report: Report, sources: dict[str, list[Any]]) -> Report:
    """Drop claims with an unresolvable citation or a number none of their cited sources contains.

    `sources` maps citation ids to the tool data (or document text) they stand for.
    """
    known = {c.id for c in report.citations}
    kept, dropped = [], []
    for claim in report.claims:
        missing = [c for c in claim.citations if c not in known or c not in sources]
        if not claim.citations or missing:
            report.notes.append(f"Dropped an unsupported claim (no resolvable source): {claim.text!r}")
            dropped.append(claim.text)
            continue
        pool = [n for c in claim.citations for n in _source_numbers(sources[c])]
        wrong = [n for n in _numbers(claim.text) if not _matches(n, pool)]
        if wrong:
            report.notes.append(
                f"Dropped a claim whose numbers {wrong} are not in the sources it cites: {claim.text!r}"
            )
            dropped.append(claim.text)
            continue
        kept.append(claim)
    report.claims = kept
    for section in report.sections:  # the report never shows a claim it could not verify
        section.paragraphs = [p for p in section.paragraphs if not any(text in p for text in dropped)]
    return report


def citation_sources(results: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Citation id → every piece of tool data behind it, from successful step results."""
    sources: dict[str, list[Any]] = {}

    def add(key: str, value: Any) -> None:
        sources.setdefault(key, []).append(value)

    for r in results:
        data = r.get("data") or {}
        if not r["ok"]:
            continue
        for key in [k for k in data if k.endswith("experiment_id")]:
            add(data[key], {"data": data, "args": r["args"]})
        if "key" in data and "record" in data:
            add(data["key"], data["record"])
        for passage in data.get("passages", []):
            add(passage["doc_key"], passage)
        for prediction in data.get("predictions", []):
            add(prediction["model"], prediction)
            if prediction.get("measured") is not None:
                add(prediction["measured_source"], prediction)
        if "metrics" in data and "model" in data:
            add(data["model"], data)
        for hit in data.get("hits", []):
            add(hit["key"], hit)
    return sources
