"""Compound records from the shipped sets, resolved by name, identifier or structure."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, ValidationError

from knowledge.common.errors import CompoundNotFoundError, Ech0Error
from knowledge.compound_models import CompoundRecord
from knowledge.data import DATA_DIR
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


# The shipped synonym table: INN/USAN/BAN and brand names of shipped drugs, and common chemicals with their SMILES.
SHIPPED_SYNONYMS = DATA_DIR / "synonyms.csv"
SYNONYM_SOURCE = "ech0_synonyms"


class SynonymRow(BaseModel):
    """One row of the synonym table: `name` is what chemists write; `preferred` the record name it stands for.

    kind 'synonym' or 'brand': `preferred` is the name of a DrugCentral record or of a 'chemical' row.
    kind 'chemical': a compound the shipped sets lack, with its SMILES (`name` == `preferred`)."""

    name: str = Field(min_length=1)
    preferred: str = Field(min_length=1)
    smiles: str | None = None
    kind: Literal["synonym", "brand", "chemical"]
    source: str = Field(min_length=1, description="where the naming comes from, e.g. 'USAN', 'common usage'")


def load_synonyms(path: Path) -> list[SynonymRow]:
    rows = []
    with path.open(newline="", encoding="utf-8") as fh:
        for line, row in enumerate(csv.DictReader(fh), 2):
            try:
                entry = SynonymRow(**{k: (v.strip() or None) if k == "smiles" else v.strip() for k, v in row.items()})
            except ValidationError as exc:
                raise Ech0Error(f"{path}:{line}: bad synonym row {row}: {exc.errors()[0]['msg']}") from exc
            if entry.kind == "chemical" and not entry.smiles:
                raise Ech0Error(f"{path}:{line}: the chemical {entry.name!r} needs a SMILES")
            rows.append(entry)
    return rows


def chemical_record(row: SynonymRow) -> CompoundRecord:
    """The compound record of a 'chemical' synonym row (key 'ech0_synonyms:<name>')."""
    key = smiles_inchikey(row.smiles or "")
    if key is None:
        raise Ech0Error(f"the synonym table's SMILES for {row.name!r} does not parse: {row.smiles!r}")
    return CompoundRecord(source=SYNONYM_SOURCE, source_id=row.name, name=row.name, smiles=row.smiles, inchikey=key)


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

    `synonyms` (the synonym table) adds names: a synonym or brand name finds its preferred record, and each
    'chemical' row becomes a record of its own, kept in `chemicals` rather than `records` (so the similarity
    libraries stay the shipped sets) but found by key, name, InChIKey and structure like the others.
    """

    def __init__(
        self,
        records: Iterable[CompoundRecord],
        fallback: Callable[[str], Resolution] | None = None,
        synonyms: Iterable[SynonymRow] = (),
    ) -> None:
        self.fallback = fallback
        self.records = list(records)
        synonyms = list(synonyms)
        self.chemicals = [chemical_record(row) for row in synonyms if row.kind == "chemical"]
        self._by_key = {r.key: r for r in (*self.records, *self.chemicals)}
        self._by_name: dict[str, CompoundRecord] = {}
        self._by_id: dict[str, CompoundRecord] = {}
        for r in (*self.records, *self.chemicals):
            if r.name:
                self._by_name.setdefault(normalize_name(r.name), r)
            for ident in (r.cas, r.drugbank_id):
                if ident:
                    self._by_id.setdefault(ident.upper(), r)
        self._synonyms: set[str] = set()
        for row in synonyms:
            if row.kind == "chemical":
                continue
            target = self._by_name.get(normalize_name(row.preferred))
            if target is None:
                raise Ech0Error(f"the synonym {row.name!r} names {row.preferred!r}, which no compound record holds")
            name = normalize_name(row.name)
            if name not in self._by_name:  # a record's own name wins over a synonym
                self._by_name[name] = target
                self._synonyms.add(name)

    @classmethod
    def from_files(
        cls, drugcentral: Path | None, npclassifier: Path | None, synonyms: Path | None = None
    ) -> CompoundStore:
        records: list[CompoundRecord] = []
        for path, loader in ((drugcentral, load_drugcentral), (npclassifier, load_npclassifier)):
            if path is None:
                continue
            if not path.exists():
                raise Ech0Error(f"compound file {path} does not exist: check the data settings")
            records.extend(loader(path))
        if synonyms is not None and not synonyms.exists():
            raise Ech0Error(f"synonym file {synonyms} does not exist: check the data settings")
        return cls(records, synonyms=load_synonyms(synonyms) if synonyms is not None else ())

    @cached_property
    def _by_inchikey(self) -> dict[str, CompoundRecord]:
        index: dict[str, CompoundRecord] = {}
        for r in (*self.records, *self.chemicals):
            key = r.inchikey or smiles_inchikey(r.smiles)
            if key:
                index.setdefault(key, r)
        return index

    def names(self) -> list[str]:
        """Normalised compound names, synonyms and brand names, for finding mentions in free text."""
        return list(self._by_name)

    def is_synonym(self, name: str) -> bool:
        """True when `name` is a synonym or brand name from the synonym table, not a record's own name."""
        return normalize_name(name) in self._synonyms

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
        for r in (*self.records, *self.chemicals):
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
