"""Compound records as pydantic models: a compound as one source describes it (`CompoundRecord`), what a source
says about it, and the merged compound.

Pure data (pydantic), shared by the sources (`knowledge.sources.pubchem`, `chembl`, `compound_files`) and the SQL
store (`knowledge.compound_db`), so that a source module does not import SQLAlchemy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

# The identifier namespace each source's own id goes into.
SOURCE_NAMESPACES = {
    "pubchem": "pubchem_cid",
    "chembl": "chembl",
    "drugcentral": "drugcentral",
    "drugbank": "drugbank",
    "coconut": "coconut",
    "zinc": "zinc",
    "pdb": "pdb",
}
NAMESPACES = (*SOURCE_NAMESPACES.values(), "cas", "inchikey")
# Which source's id names a merged compound (its record key), best first.
KEY_PREFERENCE = ("drugcentral", "chembl", "pubchem", "drugbank", "coconut", "zinc", "pdb")


class CompoundRecord(BaseModel):
    """A compound as one source describes it; `key` ("source:id") is what citations name."""

    source: str = Field(description="'drugcentral', 'npclassifier', or for compound-DB records 'pubchem', 'chembl'…")
    source_id: str
    name: str | None = None
    smiles: str
    inchikey: str | None = None
    cas: str | None = None
    drugbank_id: str | None = None
    approved_by: list[str] = Field(default_factory=list)
    targets: list[str] = Field(default_factory=list)
    np_pathway: str | None = None
    np_superclass: str | None = None
    np_class: str | None = None
    ids: dict[str, str] = Field(default_factory=dict, description="ids in other sources, e.g. pubchem_cid, chembl")

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_id}"

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return f"natural product {self.source_id}" + (f" ({self.np_class})" if self.np_class else "")

    @property
    def source_title(self) -> str:
        names = {
            "drugcentral": "DrugCentral approved drugs",
            "npclassifier": "NPClassifier natural products",
            "pubchem": "PubChem CID",
            "chembl": "ChEMBL",
        }
        return f"{self.label} ({names.get(self.source, self.source)} {self.source_id})"


class Bioactivity(BaseModel):
    """One measured activity (a ChEMBL activity row), with its pChEMBL value when ChEMBL computed one."""

    source: str = "chembl"
    activity_id: str
    target_id: str | None = None
    target_name: str | None = None
    target_organism: str | None = None
    assay_id: str | None = None
    document_id: str | None = None
    standard_type: str | None = None
    standard_relation: str | None = None
    standard_value: float | None = None
    standard_units: str | None = None
    pchembl_value: float | None = None


class CompoundEntry(BaseModel):
    """What one source says about one compound, before merging."""

    source: str = Field(description="pubchem, chembl, drugcentral, drugbank, coconut, zinc, pdb or a file format")
    source_id: str
    name: str | None = None
    structure: str = Field(description="SMILES, InChI or molblock as the source gives it")
    ids: dict[str, list[str]] = Field(default_factory=dict, description="namespace -> identifiers, e.g. cas")
    synonyms: list[str] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict, description="properties as the source reports them")
    bioactivities: list[Bioactivity] = Field(default_factory=list)


class SourceRef(BaseModel):
    source: str
    source_id: str
    name: str | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    fetched_at: datetime | None = None


class NormalizedCompound(BaseModel):
    """One compound as the DB holds it: the standardized structure and everything the sources said about it."""

    inchikey: str
    inchi: str
    smiles: str
    formula: str
    name: str | None = None
    ids: dict[str, list[str]] = Field(default_factory=dict)
    synonyms: list[str] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict, description="computed from the standardized structure")
    sources: list[SourceRef] = Field(default_factory=list)
    bioactivities: list[Bioactivity] = Field(default_factory=list)

    def to_record(self) -> CompoundRecord:
        """The compound as a `CompoundRecord`, keyed by its best source id (e.g. 'chembl:CHEMBL25')."""
        refs = {r.source: r.source_id for r in self.sources}
        source = next((s for s in KEY_PREFERENCE if s in refs), None)
        source, source_id = (source, refs[source]) if source else ("compound_db", self.inchikey)
        first = {ns: values[0] for ns, values in self.ids.items() if values}
        return CompoundRecord(
            source=source,
            source_id=source_id,
            name=self.name,
            smiles=self.smiles,
            inchikey=self.inchikey,
            cas=first.get("cas"),
            drugbank_id=first.get("drugbank"),
            ids={ns: v for ns, v in first.items() if ns not in ("cas", "drugbank", "inchikey")},
        )


class RowFailure(BaseModel):
    """An input row or record that could not be read or stored; the others go on."""

    row: int | None = Field(None, description="1-based row or record number in the input")
    source_id: str | None = None
    reason: str


class UpsertReport(BaseModel):
    added: int = Field(0, description="compounds new to the DB")
    merged: int = Field(0, description="entries merged into a compound already there")
    failures: list[RowFailure] = Field(default_factory=list)
    inchikeys: list[str] = Field(default_factory=list, description="the compounds touched, in input order")


def entry_from_record(record: CompoundRecord) -> CompoundEntry:
    """A shipped record (DrugCentral, NPClassifier) as an entry for the DB."""
    ids = {"cas": [record.cas] if record.cas else [], "drugbank": [record.drugbank_id] if record.drugbank_id else []}
    if record.inchikey:
        ids["inchikey"] = [record.inchikey]
    for namespace, value in record.ids.items():
        ids.setdefault(namespace, []).append(value)
    return CompoundEntry(
        source=record.source,
        source_id=record.source_id,
        name=record.name,
        structure=record.smiles,
        ids=ids,
        properties={k: v for k, v in (("approved_by", record.approved_by), ("targets", record.targets)) if v},
    )
