"""Identifier resolution with a confidence and the method that produced it.

Order: the shipped sets (exact identifiers and structures 1.0; names exactly 0.98 or without a salt word 0.9), then
the store's fallback (`CompoundLookup`: the compound DB, then PubChem or ChEMBL through the HTTP stack), then
misspelt shipped names by string similarity (the similarity is the confidence). Names several candidates match
about equally well come back `ambiguous`, listing them rather than guessing.

Identifier kinds (`classify`): InChIKey, InChI, CAS number (the check digit is verified), DrugBank id, ChEMBL id
(`CHEMBL25`, `chembl:CHEMBL25`), PubChem CID written as `CID 2244`, `CID:2244` or `pubchem:2244`, a 'source:id'
store key, else a name or a SMILES. A bare number is not taken for a CID — "2244" could as well be a DrugCentral id —
and the answer says to write `CID 2244` (the CLI's `--cid` does that).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal, Protocol

from pydantic import BaseModel, Field
from rapidfuzz import process
from rapidfuzz.distance import Indel

from knowledge.common.mol import InvalidStructureError, inchikey, parse_structure
from knowledge.compound_models import CompoundRecord
from knowledge.standardize import CAS_PATTERN, INCHIKEY_PATTERN, is_cas, normalize_name, smiles_inchikey

_DRUGBANK = re.compile(r"^DB\d{5}$", re.IGNORECASE)
_CID = re.compile(r"^(?:CID|PUBCHEM)\s*[:\s]\s*(\d+)$", re.IGNORECASE)
_CHEMBL = re.compile(r"^(?:CHEMBL:)?(CHEMBL\d+)$", re.IGNORECASE)
FUZZY_MIN = 0.85
AMBIGUITY_MARGIN = 0.03
Kind = Literal["inchikey", "inchi", "cas", "bad_cas", "drugbank", "chembl", "cid", "number", "text"]


class Candidate(BaseModel):
    key: str
    label: str
    smiles: str
    inchikey: str | None
    confidence: float


class Resolution(BaseModel):
    query: str
    status: Literal["resolved", "ambiguous", "not_found"]
    method: str | None = Field(None, description="how the match was made, e.g. 'inchikey', 'name', 'pubchem_name'")
    confidence: float = 0.0
    match: Candidate | None = None
    candidates: list[Candidate] = Field(default_factory=list)
    message: str | None = Field(None, description="why nothing was resolved, and what to try")
    record: CompoundRecord | None = Field(None, exclude=True, description="the matched record, when not shipped")


class ShippedStore(Protocol):
    """What resolution reads from the store of shipped sets (`knowledge.compounds.CompoundStore`, which calls
    `resolve` itself: this protocol keeps the two modules free of an import cycle)."""

    fallback: Callable[[str], Resolution] | None

    def get(self, key: str) -> CompoundRecord | None: ...
    def names(self) -> list[str]: ...
    def is_synonym(self, name: str) -> bool: ...
    def by_name(self, name: str) -> CompoundRecord | None: ...
    def by_inchikey(self, key: str, *, compute: bool = True) -> CompoundRecord | None: ...
    def by_identifier(self, ident: str) -> CompoundRecord | None: ...
    def by_structure(self, smiles: str) -> CompoundRecord | None: ...


def classify(text: str) -> tuple[Kind, str]:
    """The kind of identifier `text` is, and its normalized value (e.g. ('cid', '2244') for 'CID 2244')."""
    query = text.strip()
    upper = query.upper()
    if INCHIKEY_PATTERN.match(upper):
        return "inchikey", upper
    if query.startswith("InChI="):
        return "inchi", query
    if CAS_PATTERN.match(query):
        return ("cas" if is_cas(query) else "bad_cas"), query
    if _DRUGBANK.match(query):
        return "drugbank", upper
    if match := _CHEMBL.match(query):
        return "chembl", match.group(1).upper()
    if match := _CID.match(query):
        return "cid", match.group(1)
    if query.isdigit():
        return "number", query
    return "text", query


def _candidate(record: CompoundRecord, confidence: float) -> Candidate:
    return Candidate(
        key=record.key,
        label=record.label,
        smiles=record.smiles,
        inchikey=record.inchikey or smiles_inchikey(record.smiles),
        confidence=round(confidence, 3),
    )


def resolved(query: str, record: CompoundRecord, method: str, confidence: float, **extra) -> Resolution:
    match = _candidate(record, confidence)
    return Resolution(
        query=query, status="resolved", method=method, confidence=match.confidence, match=match, record=record, **extra
    )


def ambiguous(query: str, records: list[CompoundRecord], method: str, confidence: float) -> Resolution:
    return Resolution(
        query=query, status="ambiguous", method=method, candidates=[_candidate(r, confidence) for r in records]
    )


def not_found(query: str, message: str) -> Resolution:
    return Resolution(query=query, status="not_found", message=message)


def inchi_to_key(text: str) -> str | None:
    """The InChIKey of an InChI, or None when RDKit cannot read it."""
    try:
        return inchikey(parse_structure(text))
    except InvalidStructureError:
        return None


def _local(store: ShippedStore, query: str, kind: Kind, value: str) -> Resolution | None:
    """An exact match in the shipped sets, or None."""
    if (record := store.get(query)) is not None:
        return resolved(query, record, "store_key", 1.0)
    if kind == "inchikey" and (record := store.by_inchikey(value)) is not None:
        return resolved(query, record, "inchikey", 1.0)
    if kind == "inchi":
        key = inchi_to_key(value)
        if key and (record := store.by_inchikey(key)) is not None:
            return resolved(query, record, "inchi", 1.0)
    if kind in ("cas", "drugbank") and (record := store.by_identifier(value)) is not None:
        return resolved(query, record, "cas" if kind == "cas" else "drugbank_id", 1.0)
    if kind == "text":
        if (record := store.by_name(query)) is not None:
            if normalize_name(record.name or "") == normalize_name(query):
                return resolved(query, record, "name", 0.98)
            if store.is_synonym(query):  # the shipped synonym table: INN/USAN/BAN or brand name
                return resolved(query, record, "synonym", 0.95)
            return resolved(query, record, "name_without_salt", 0.9)
        if " " not in query and (record := store.by_structure(query)) is not None:
            return resolved(query, record, "structure", 1.0)
    return None


def _systematic(store: ShippedStore, query: str) -> CompoundRecord | None:
    """The record for a reagent or building-block name the name parser reads: the shipped record with that
    structure when there is one, else a new 'ech0_names' record."""
    from knowledge.naming import name_to_smiles

    if (smiles := name_to_smiles(query)) is None:
        return None
    key = smiles_inchikey(smiles)
    if key and (record := store.by_inchikey(key, compute=False)) is not None:
        return record
    return CompoundRecord(source="ech0_names", source_id=normalize_name(query), name=query, smiles=smiles, inchikey=key)


# PubChem CIDs and ChEMBL ids are not in the shipped sets: only the live sources or the compound DB know them.
LIVE_ID_ADVICE = (
    "PubChem CIDs and ChEMBL ids are looked up in PubChem or ChEMBL, so they need the live data mode "
    "(ECH0_DATA__MODE=live) or a compound DB that already holds the compound (ech0 compounds fetch / ech0 "
    "compounds import); offline, give the compound's name or SMILES instead"
)

_WHAT = {
    "inchikey": "InChIKey",
    "inchi": "InChI",
    "cas": "CAS number",
    "drugbank": "DrugBank id",
    "chembl": "ChEMBL id",
    "cid": "PubChem CID",
}


def resolve(store: ShippedStore, text: str) -> Resolution:
    query = (text or "").strip()
    if not query:
        return not_found(query, "empty compound query: give a name, identifier or SMILES")
    kind, value = classify(query)
    if (local := _local(store, query, kind, value)) is not None:
        return local
    if kind == "bad_cas":
        return not_found(query, f"{query!r} is not a valid CAS number: its check digit is wrong (a typo?)")
    if kind == "number":
        return not_found(
            query, f"a bare number is ambiguous: write 'CID {query}' for the PubChem compound {query} (CLI: --cid)"
        )
    hint = None
    if store.fallback is not None:
        answer = store.fallback(query)
        if answer.status != "not_found":
            return answer
        hint = answer.message
    if kind == "text":
        # A reagent name ("4-bromoanisole") read offline by knowledge.naming, when no source knew it.
        if (record := _systematic(store, query)) is not None:
            return resolved(query, record, "systematic_name", 0.9)
        fuzzy = _fuzzy(store, query)
        if fuzzy.status != "not_found":
            return fuzzy
        base = f"no compound matches {query!r}"
        advice = "give a drug name, CAS number, DrugBank or ChEMBL id, PubChem CID ('CID 2244'), InChIKey or SMILES"
    else:
        base = f"no compound has the {_WHAT[kind]} {value!r}"
        advice = LIVE_ID_ADVICE if kind in ("cid", "chembl") else "the shipped sets do not hold it"
    return not_found(query, f"{base}: {hint or advice}")


def _fuzzy(store: ShippedStore, query: str) -> Resolution:
    names = store.names()
    # Indel similarity is 2·matches / total length (difflib's ratio, over the true longest common subsequence).
    matches = process.extract(
        normalize_name(query), names, scorer=Indel.normalized_similarity, limit=5, score_cutoff=FUZZY_MIN
    )
    # Synonyms bring several names per record ("cyclosporin", "cyclosporine"): keep each record's best score.
    best_by_key: dict[str, tuple[float, str]] = {}
    for name, score, _ in matches:
        key = store.by_name(name).key
        best_by_key[key] = max(best_by_key.get(key, (0.0, name)), (score, name))
    scored = sorted(best_by_key.values(), reverse=True)
    if not scored:
        return not_found(query, f"no compound matches {query!r}")
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


class CompoundLookup:
    """The shipped store's fallback: the compound DB first, then PubChem (or ChEMBL for ChEMBL ids).

    `db` and `http` are objects or zero-argument factories, built on first use (so a process that never misses
    the shipped sets never opens them). What the live sources return is merged into the DB, so a name looked up
    once resolves locally afterwards, in any mode. A compound that a shipped record carrying an InChIKey also
    describes (a DrugCentral drug) answers with that record, whose targets and approvals the agent's tools use.
    """

    def __init__(self, shipped: ShippedStore, db, http=None) -> None:
        import threading

        self._shipped = shipped
        self._factories = {"db": db, "http": http}
        self._built: dict[str, object] = {}
        self._lock = threading.Lock()

    def _get(self, name: str):
        if name not in self._built:
            factory = self._factories[name]
            self._built[name] = factory() if callable(factory) else factory
        return self._built[name]

    def __call__(self, query: str) -> Resolution:
        kind, value = classify(query)
        with self._lock:
            found = self._from_db(query, kind, value)
            return found if found is not None else self._from_sources(query, kind, value)

    def _answer(self, query: str, compounds: list, method: str, confidence: float) -> Resolution:
        records = [self._shipped_record(c) or c.to_record() for c in compounds]
        if len(records) > 1:
            return ambiguous(query, records, method, confidence)
        return resolved(query, records[0], method, confidence)

    def _shipped_record(self, compound) -> CompoundRecord | None:
        for key in dict.fromkeys([compound.inchikey, *compound.ids.get("inchikey", [])]):
            if (record := self._shipped.by_inchikey(key, compute=False)) is not None:
                return record
        return None

    def _from_db(self, query: str, kind: Kind, value: str) -> Resolution | None:
        from knowledge.common.mol import InvalidStructureError
        from knowledge.compound_models import SOURCE_NAMESPACES
        from knowledge.standardize import standardize

        db = self._get("db")
        source, _, ident = query.partition(":")
        if kind == "text" and ident and source.lower() in (*SOURCE_NAMESPACES, "compound_db"):  # a record key
            found = db.find(SOURCE_NAMESPACES.get(source.lower(), "inchikey"), ident)
            if found is None:
                return not_found(query, f"no stored compound has the key {query!r}")
            return self._answer(query, [found], "stored_key", 1.0)
        namespace = {"inchikey": "inchikey", "cas": "cas", "drugbank": "drugbank", "chembl": "chembl"}.get(kind)
        namespace = namespace or {"cid": "pubchem_cid", "inchi": "inchikey"}.get(kind)
        if kind == "inchi":
            value = inchi_to_key(value) or ""
        if namespace and value and (compound := db.find(namespace, value)) is not None:
            return self._answer(query, [compound], f"stored_{kind}", 1.0)
        if kind != "text":
            return None
        if found := db.by_synonym(query):
            return self._answer(query, found, "stored_synonym", 0.95)
        if " " not in query:
            try:
                key = standardize(query).inchikey
            except InvalidStructureError:
                return None
            if (compound := db.find("inchikey", key)) is not None:
                return self._answer(query, [compound], "stored_structure", 1.0)
        return None

    def _from_sources(self, query: str, kind: Kind, value: str) -> Resolution:
        from knowledge.common.errors import Ech0Error
        from knowledge.common.mol import InvalidStructureError, parse_structure
        from knowledge.compound_models import entry_from_record
        from knowledge.http import CacheMissError
        from knowledge.sources import chembl, pubchem

        if kind == "drugbank":
            return not_found(
                query,
                "DrugBank has no open API: import DrugBank's open structures SDF (ech0 compounds import FILE "
                "--format drugbank-sdf) to resolve DrugBank ids beyond the shipped set",
            )
        http = self._get("http")
        if http is None:
            return not_found(query, "no live compound sources are configured")
        source, namespace = ("ChEMBL", "chembl") if kind == "chembl" else ("PubChem", None)
        if namespace is None:
            namespace = {"cid": "cid", "inchikey": "inchikey", "inchi": "inchi", "cas": "name"}.get(kind)
        if namespace is None:
            try:
                namespace = "smiles" if " " not in query and parse_structure(query) is not None else "name"
            except InvalidStructureError:
                namespace = "name"
        try:
            if kind == "chembl":
                molecule = chembl.get_molecule(http, value)
                entries = [molecule.to_entry()] if molecule else []
            else:
                compounds = pubchem.lookup(http, value, namespace)
                entries = [c.to_entry() for c in compounds if c.structure]
        except CacheMissError:
            message = (
                f"offline mode has no cached {source} answer for {value!r}; in live or replay mode "
                f"(ECH0_DATA__MODE) ECH0 would look it up in {source}"
            )
            return not_found(query, f"{message}. {LIVE_ID_ADVICE}" if kind in ("cid", "chembl") else message)
        except Ech0Error as exc:  # a failure after retries, an open circuit, a rejected identifier
            return not_found(query, str(exc))
        db = self._get("db")
        stored = {}
        for entry in entries:
            try:
                compound = db.upsert(entry)
            except InvalidStructureError:
                continue
            if (shipped := self._shipped_record(compound)) is not None and shipped.source == "drugcentral":
                compound = db.upsert(entry_from_record(shipped))  # the DB learns the DrugCentral ids too
            stored.setdefault(compound.inchikey, compound)
        if not stored:
            return not_found(query, f"{source} has no compound for {_WHAT.get(kind, namespace)} {value!r}")
        compounds = list(stored.values())
        if namespace != "name" or kind == "cas":
            compounds = compounds[:1]
        method = "chembl_id" if kind == "chembl" else f"pubchem_{'cas' if kind == 'cas' else namespace}"
        confidence = 0.95 if namespace == "name" and kind != "cas" else 1.0
        if kind == "cas" and value not in compounds[0].ids.get("cas", []):
            confidence = 0.9  # PubChem matched the number as a name, but does not list it as the compound's CAS
        return self._answer(query, compounds, method, confidence)
