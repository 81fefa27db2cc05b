"""Compound records from the shipped sets, resolved by name, identifier or structure."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.common.errors import CompoundNotFoundError, Ech0Error
from knowledge.compound_models import CompoundRecord
from knowledge.standardize import normalize_name, smiles_inchikey

if TYPE_CHECKING:
    from knowledge.resolve import Resolution

# Salt and hydrate words dropped when a name does not match as given ("metformin hydrochloride" → metformin).
_SALT_WORDS = {
    "hydrochloride",
    "dihydrochloride",
    "hcl",
    "sodium",
    "potassium",
    "calcium",
    "magnesium",
    "mesylate",
    "maleate",
    "sulfate",
    "sulphate",
    "phosphate",
    "acetate",
    "citrate",
    "tartrate",
    "fumarate",
    "succinate",
    "besylate",
    "tosylate",
    "bromide",
    "chloride",
    "hydrobromide",
    "nitrate",
    "monohydrate",
    "dihydrate",
    "trihydrate",
    "hydrate",
    "anhydrous",
}


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|" if "|" in value else ";") if v.strip()] if value else []


def load_drugcentral(path: Path) -> Iterable[CompoundRecord]:
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            yield CompoundRecord(
                source="drugcentral",
                source_id=row["drugcentral_id"],
                name=row["name"].strip(),
                smiles=row["smiles"],
                inchikey=row.get("inchikey") or None,
                cas=row.get("cas_rn") or None,
                drugbank_id=row.get("drugbank_id") or None,
                approved_by=_split(row.get("approved_by", "")),
                targets=_split(row.get("targets", "")),
            )


def load_npclassifier(path: Path) -> Iterable[CompoundRecord]:
    with path.open(newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh), 1):
            yield CompoundRecord(
                source="npclassifier",
                source_id=str(i),
                smiles=row["smiles"],
                np_pathway=row.get("pathway") or None,
                np_superclass=row.get("superclass") or None,
                np_class=row.get("class") or None,
            )


class CompoundStore:
    """In-memory store over the shipped sets; structure keys of records without one are computed on first use.

    `fallback` is consulted by `knowledge.resolve.resolve` when nothing here matches exactly: the composition root
    gives it the compound DB and the live sources (PubChem, ChEMBL) per data mode. Records it returns are kept, so
    that `get(key)` finds them for citations.
    """

    def __init__(self, records: Iterable[CompoundRecord], fallback: Callable[[str], Resolution] | None = None) -> None:
        self.fallback = fallback
        self.records = list(records)
        self._by_key = {r.key: r for r in self.records}
        self._by_name: dict[str, CompoundRecord] = {}
        self._by_id: dict[str, CompoundRecord] = {}
        for r in self.records:
            if r.name:
                self._by_name.setdefault(normalize_name(r.name), r)
            for ident in (r.cas, r.drugbank_id):
                if ident:
                    self._by_id.setdefault(ident.upper(), r)

    @classmethod
    def from_files(cls, drugcentral: Path | None, npclassifier: Path | None) -> CompoundStore:
        records: list[CompoundRecord] = []
        for path, loader in ((drugcentral, load_drugcentral), (npclassifier, load_npclassifier)):
            if path is None:
                continue
            if not path.exists():
                raise Ech0Error(f"compound file {path} does not exist: check the data settings")
            records.extend(loader(path))
        return cls(records)

    @cached_property
    def _by_inchikey(self) -> dict[str, CompoundRecord]:
        index: dict[str, CompoundRecord] = {}
        for r in self.records:
            key = r.inchikey or smiles_inchikey(r.smiles)
            if key:
                index.setdefault(key, r)
        return index

    def names(self) -> list[str]:
        """Normalised compound names, for finding mentions in free text."""
        return list(self._by_name)

    def get(self, key: str) -> CompoundRecord | None:
        return self._by_key.get(key)

    def by_name(self, name: str) -> CompoundRecord | None:
        norm = normalize_name(name)
        if norm in self._by_name:
            return self._by_name[norm]
        stripped = " ".join(w for w in norm.split() if w not in _SALT_WORDS)
        return self._by_name.get(stripped)

    @cached_property
    def _by_given_inchikey(self) -> dict[str, CompoundRecord]:
        index: dict[str, CompoundRecord] = {}
        for r in self.records:
            if r.inchikey:
                index.setdefault(r.inchikey, r)
        return index

    def by_inchikey(self, key: str, *, compute: bool = True) -> CompoundRecord | None:
        """The record with this InChIKey; `compute=False` skips records whose key must be computed from their
        SMILES (the first such lookup computes ~5,000 natural-product keys, several seconds)."""
        key = key.upper()
        if (record := self._by_given_inchikey.get(key)) is not None or not compute:
            return record
        return self._by_inchikey.get(key)

    def by_identifier(self, ident: str) -> CompoundRecord | None:
        """A record by CAS number or DrugBank id."""
        return self._by_id.get(ident.strip().upper())

    def by_structure(self, smiles: str) -> CompoundRecord | None:
        key = smiles_inchikey(smiles)
        return self._by_inchikey.get(key) if key else None

    def remember(self, record: CompoundRecord) -> CompoundRecord:
        """Keep a record found through the fallback (its key and name resolve from now on); returns the one kept."""
        kept = self._by_key.setdefault(record.key, record)
        if kept.name:
            self._by_name.setdefault(normalize_name(kept.name), kept)
        return kept

    def resolve(self, text: str) -> CompoundRecord:
        """The record for a name, synonym, CAS number, DrugBank/ChEMBL id, PubChem CID, InChIKey, InChI,
        'source:id' key or SMILES (through the fallback for what the shipped sets do not hold).

        Raises CompoundNotFoundError when nothing matches, or when a misspelt name matches several records
        about equally well (the message lists them).
        """
        from knowledge.resolve import resolve

        result = resolve(self, text)
        if result.status == "resolved":
            return self.get(result.match.key) or self.remember(result.record)
        if result.status == "ambiguous":
            names = ", ".join(f"{c.label} ({c.key})" for c in result.candidates)
            raise CompoundNotFoundError(f"{text.strip()!r} is ambiguous: did you mean one of {names}?")
        raise CompoundNotFoundError(result.message)
