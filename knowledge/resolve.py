"""Identifier resolution with a confidence and the method that produced it.

Exact identifiers and structures resolve with confidence 1.0; names exactly (0.98) or without a salt word
(0.9); misspelt names by string similarity, with the similarity as confidence. When several candidates are
about equally good, the answer is `ambiguous` and lists them rather than guessing.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

from pydantic import BaseModel, Field

from knowledge.compounds import CompoundRecord, CompoundStore, normalize_name, smiles_inchikey

_INCHIKEY = re.compile(r"^[A-Z]{14}-[A-Z]{10}-[A-Z]$")
_CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")
_DRUGBANK = re.compile(r"^DB\d{5}$", re.IGNORECASE)
_CID = re.compile(r"^(?:CID[:\s]?)(\d+)$", re.IGNORECASE)
_CHEMBL = re.compile(r"^CHEMBL\d+$", re.IGNORECASE)
FUZZY_MIN = 0.85
AMBIGUITY_MARGIN = 0.03


class Candidate(BaseModel):
    key: str
    label: str
    smiles: str
    inchikey: str | None
    confidence: float


class Resolution(BaseModel):
    query: str
    status: Literal["resolved", "ambiguous", "not_found"]
    method: str | None = Field(None, description="how the match was made, e.g. 'inchikey', 'name', 'fuzzy_name'")
    confidence: float = 0.0
    match: Candidate | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    message: str | None = Field(None, description="why nothing was resolved, and what to try")


def _candidate(record: CompoundRecord, confidence: float) -> Candidate:
    return Candidate(
        key=record.key,
        label=record.label,
        smiles=record.smiles,
        inchikey=record.inchikey or smiles_inchikey(record.smiles),
        confidence=round(confidence, 3),
    )


def _resolved(query: str, record: CompoundRecord, method: str, confidence: float) -> Resolution:
    match = _candidate(record, confidence)
    return Resolution(query=query, status="resolved", method=method, confidence=match.confidence, match=match)


def _inchi_key(text: str) -> str | None:
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    mol = Chem.MolFromInchi(text)
    return Chem.MolToInchiKey(mol) if mol is not None else None


def resolve(store: CompoundStore, text: str) -> Resolution:
    query = (text or "").strip()
    if not query:
        return Resolution(
            query=query, status="not_found", message="empty compound query: give a name, identifier or SMILES"
        )
    upper = query.upper()
    if (record := store.get(query)) is not None:
        return _resolved(query, record, "store_key", 1.0)
    if _INCHIKEY.match(upper):
        record = store.by_inchikey(upper)
        if record is not None:
            return _resolved(query, record, "inchikey", 1.0)
    if query.startswith("InChI="):
        key = _inchi_key(query)
        if key and (record := store.by_inchikey(key)) is not None:
            return _resolved(query, record, "inchi", 1.0)
    if (_CAS.match(query) or _DRUGBANK.match(query)) and (record := store.by_identifier(query)) is not None:
        return _resolved(query, record, "cas" if _CAS.match(query) else "drugbank_id", 1.0)
    if _CID.match(query) or _CHEMBL.match(query) or query.isdigit():
        source = "ChEMBL" if _CHEMBL.match(query) else "PubChem"
        return Resolution(
            query=query,
            status="not_found",
            message=f"{query!r} looks like a {source} identifier; the shipped sets do not carry {source} ids and "
            "ECH0 has no PubChem/ChEMBL client yet: give a name, CAS number, InChIKey or SMILES",
        )
    if (record := store.by_name(query)) is not None:
        exact = normalize_name(record.name or "") == normalize_name(query)
        return _resolved(query, record, "name" if exact else "name_without_salt", 0.98 if exact else 0.9)
    if " " not in query and (record := store.by_structure(query)) is not None:
        return _resolved(query, record, "structure", 1.0)
    return _fuzzy(store, query)


def _fuzzy(store: CompoundStore, query: str) -> Resolution:
    names = store.names()
    scored = [
        (difflib.SequenceMatcher(None, normalize_name(query), name).ratio(), name)
        for name in difflib.get_close_matches(normalize_name(query), names, n=5, cutoff=FUZZY_MIN)
    ]
    if not scored:
        return Resolution(
            query=query,
            status="not_found",
            message=f"no compound matches {query!r}: give a drug name, CAS number, DrugBank id, InChIKey or SMILES",
        )
    scored.sort(reverse=True)
    best = scored[0][0]
    close = [_candidate(store.by_name(name), score) for score, name in scored if best - score <= AMBIGUITY_MARGIN]
    if len(close) > 1:
        return Resolution(query=query, status="ambiguous", method="fuzzy_name", confidence=0.0, candidates=close)
    others = [_candidate(store.by_name(name), score) for score, name in scored[1:]]
    return Resolution(
        query=query,
        status="resolved",
        method="fuzzy_name",
        confidence=close[0].confidence,
        match=close[0],
        candidates=others,
    )
