"""ChEMBL through its REST web services: molecules, approved drugs, and a target's activities with pChEMBL values.

Documented formats (https://www.ebi.ac.uk/chembl/api/data/docs, JSON by the `.json` suffix):
- `molecule/{chembl_id}.json` → one molecule: `molecule_chembl_id`, `pref_name`, `max_phase` ("4.0"),
  `molecule_structures` {`canonical_smiles`, `standard_inchi`, `standard_inchi_key`}, `molecule_properties`
  {`full_mwt`, `alogp`, `psa`, `hba`, `hbd`, ...}, `molecule_synonyms` [{`molecule_synonym`, `syn_type`}],
  `molecule_hierarchy` {`parent_chembl_id`}, `first_approval`. An unknown id is HTTP 404.
- list resources (`molecule.json`, `activity.json`) with Django-style filters (`max_phase=4`,
  `molecule_structures__standard_inchi_key=…`, `target_chembl_id=…`, `pchembl_value__isnull=false`) →
  `{"molecules" | "activities": [...], "page_meta": {"limit", "offset", "total_count", "next", "previous"}}`, where
  `next` is the path of the next page (relative to the host) or null on the last one.
- activity rows: `activity_id`, `molecule_chembl_id`, `canonical_smiles`, `molecule_pref_name`, `target_chembl_id`,
  `target_pref_name`, `target_organism`, `assay_chembl_id`, `document_chembl_id`, `standard_type`,
  `standard_relation`, `standard_value`, `standard_units`, `pchembl_value` (−log10 molar potency, a string).

ChEMBL publishes no hard rate limit; `chembl_source_policy` stays polite at 5 requests per second.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from knowledge.compound_models import Bioactivity, CompoundEntry, RowFailure
from knowledge.http import HttpClient
from knowledge.resilience import HttpFetchError, SourcePolicy

SOURCE = "chembl"
HOST = "https://www.ebi.ac.uk"
API = f"{HOST}/chembl/api/data"
PAGE_SIZE = 1000  # the largest page ChEMBL serves


class ChemblMolecule(BaseModel):
    chembl_id: str
    pref_name: str | None = None
    max_phase: float | None = None
    molecule_type: str | None = None
    first_approval: int | None = None
    parent_chembl_id: str | None = None
    smiles: str | None = None
    inchi: str | None = None
    inchikey: str | None = None
    synonyms: list[str] = Field(default_factory=list)
    properties: dict[str, Any] = Field(default_factory=dict)

    def to_entry(self, bioactivities: list[Bioactivity] | None = None) -> CompoundEntry:
        if not (self.smiles or self.inchi):
            raise Ech0Error(f"ChEMBL molecule {self.chembl_id} has no small-molecule structure (a biologic?)")
        reported = dict(self.properties)
        reported.update(
            {k: v for k, v in (("max_phase", self.max_phase), ("first_approval", self.first_approval)) if v}
        )
        return CompoundEntry(
            source=SOURCE,
            source_id=self.chembl_id,
            name=self.pref_name.lower() if self.pref_name else None,
            structure=self.smiles or self.inchi,
            ids={"inchikey": [self.inchikey] if self.inchikey else []},
            synonyms=self.synonyms,
            properties=reported,
            bioactivities=bioactivities or [],
        )


class ChemblPage(BaseModel):
    """Everything a paginated listing returned, pages that failed, and the total ChEMBL reported."""

    items: list[dict[str, Any]] = Field(default_factory=list)
    total_count: int | None = None
    failures: list[RowFailure] = Field(default_factory=list)


class ChemblActivities(BaseModel):
    target_id: str
    total_count: int | None = None
    activities: list[Bioactivity] = Field(default_factory=list)
    entries: list[CompoundEntry] = Field(default_factory=list, description="one per molecule, with its activities")
    failures: list[RowFailure] = Field(default_factory=list)


def chembl_source_policy(failure_threshold: int = 5, cooldown_s: float = 60.0) -> SourcePolicy:
    return SourcePolicy(
        name=SOURCE, max_requests=5, period_s=1.0, failure_threshold=failure_threshold, cooldown_s=cooldown_s
    )


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def parse_molecule(data: dict[str, Any]) -> ChemblMolecule:
    structures = data.get("molecule_structures") or {}
    hierarchy = data.get("molecule_hierarchy") or {}
    synonyms = [s["molecule_synonym"] for s in data.get("molecule_synonyms") or [] if s.get("molecule_synonym")]
    return ChemblMolecule(
        chembl_id=data["molecule_chembl_id"],
        pref_name=data.get("pref_name"),
        max_phase=_float(data.get("max_phase")),
        molecule_type=data.get("molecule_type"),
        first_approval=data.get("first_approval"),
        parent_chembl_id=hierarchy.get("parent_chembl_id"),
        smiles=structures.get("canonical_smiles"),
        inchi=structures.get("standard_inchi"),
        inchikey=structures.get("standard_inchi_key"),
        synonyms=list(dict.fromkeys(synonyms)),
        properties={k: v for k, v in (data.get("molecule_properties") or {}).items() if v is not None},
    )


def parse_activity(row: dict[str, Any]) -> Bioactivity:
    return Bioactivity(
        source=SOURCE,
        activity_id=str(row["activity_id"]),
        target_id=row.get("target_chembl_id"),
        target_name=row.get("target_pref_name"),
        target_organism=row.get("target_organism"),
        assay_id=row.get("assay_chembl_id"),
        document_id=row.get("document_chembl_id"),
        standard_type=row.get("standard_type"),
        standard_relation=row.get("standard_relation"),
        standard_value=_float(row.get("standard_value")),
        standard_units=row.get("standard_units"),
        pchembl_value=_float(row.get("pchembl_value")),
    )


def _json(http: HttpClient, url: str, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """A ChEMBL JSON body; None for HTTP 404 (no such record)."""
    try:
        response = http.get(SOURCE, url, params)
    except HttpFetchError as exc:
        if exc.status_code == 404:
            return None
        raise
    try:
        return json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Ech0Error(f"ChEMBL returned an unreadable body from {response.url} ({exc})") from None


def get_molecule(http: HttpClient, chembl_id: str) -> ChemblMolecule | None:
    """A molecule by ChEMBL id (e.g. CHEMBL25); None when ChEMBL has no such molecule."""
    ident = chembl_id.strip().upper()
    if not ident.startswith("CHEMBL") or not ident[6:].isdigit():
        raise Ech0Error(f"{chembl_id!r} is not a ChEMBL id (CHEMBL followed by digits, e.g. CHEMBL25)")
    data = _json(http, f"{API}/molecule/{ident}.json")
    return parse_molecule(data) if data else None


def _first_molecule(http: HttpClient, params: dict[str, Any]) -> list[ChemblMolecule]:
    data = _json(http, f"{API}/molecule.json", {**params, "limit": 20})
    return [parse_molecule(m) for m in (data or {}).get("molecules", [])]


def molecule_by_inchikey(http: HttpClient, inchikey: str) -> ChemblMolecule | None:
    found = _first_molecule(http, {"molecule_structures__standard_inchi_key": inchikey.strip().upper()})
    return found[0] if found else None


def search_molecules(http: HttpClient, name: str) -> list[ChemblMolecule]:
    """Molecules whose preferred name or a synonym is `name` (case-insensitive), preferred-name matches first."""
    by_pref = _first_molecule(http, {"pref_name__iexact": name.strip()})
    by_synonym = _first_molecule(http, {"molecule_synonyms__molecule_synonym__iexact": name.strip()})
    return list({m.chembl_id: m for m in by_pref + by_synonym}.values())


def paginate(
    http: HttpClient, resource: str, params: dict[str, Any], key: str, max_items: int | None = None
) -> ChemblPage:
    """Follow `page_meta.next` until the last page or `max_items`.

    A failed first page raises (HttpFetchError, e.g. an offline cache miss, or Ech0Error): there is nothing to
    report but the error. A later failed page ends the walk and is reported, keeping the pages before it.
    """
    page = ChemblPage()
    limit = min(PAGE_SIZE, max_items) if max_items else PAGE_SIZE
    url, query = f"{API}/{resource}.json", {**params, "limit": limit, "offset": 0}
    first = True
    while url and (max_items is None or len(page.items) < max_items):
        try:
            data = _json(http, url, query)
        except HttpFetchError as exc:
            if first:
                raise
            page.failures.append(RowFailure(source_id=url, reason=str(exc)))
            break
        if data is None or key not in data:
            reason = f"ChEMBL answered without a {key!r} list"
            if first:
                raise Ech0Error(f"{reason} from {url}: the ChEMBL web services may have changed or be down")
            page.failures.append(RowFailure(source_id=url, reason=reason))
            break
        first = False
        page.items.extend(data[key])
        meta = data.get("page_meta") or {}
        page.total_count = meta.get("total_count", page.total_count)
        url, query = (f"{HOST}{meta['next']}" if meta.get("next") else None), None
    if max_items is not None:
        page.items = page.items[:max_items]
    return page


def approved_drugs(http: HttpClient, max_items: int | None = None) -> tuple[list[ChemblMolecule], ChemblPage]:
    """Molecules at max_phase 4 (approved), with the listing's failures and total."""
    page = paginate(http, "molecule", {"max_phase": 4}, "molecules", max_items)
    molecules = []
    for number, item in enumerate(page.items, 1):
        try:
            molecules.append(parse_molecule(item))
        except (KeyError, ValueError, TypeError) as exc:
            page.failures.append(RowFailure(row=number, reason=f"unreadable molecule: {exc}"))
    return molecules, page


def target_activities(http: HttpClient, target_id: str, max_items: int | None = None) -> ChemblActivities:
    """Activities on a target that have a pChEMBL value, grouped into one compound entry per molecule."""
    target = target_id.strip().upper()
    if not target.startswith("CHEMBL") or not target[6:].isdigit():
        raise Ech0Error(f"{target_id!r} is not a ChEMBL target id (e.g. CHEMBL203 for EGFR)")
    params = {"target_chembl_id": target, "pchembl_value__isnull": "false"}
    page = paginate(http, "activity", params, "activities", max_items)
    out = ChemblActivities(target_id=target, total_count=page.total_count, failures=page.failures)
    molecules: dict[str, CompoundEntry] = {}
    for number, row in enumerate(page.items, 1):
        try:
            activity = parse_activity(row)
        except (KeyError, ValueError, TypeError) as exc:
            out.failures.append(RowFailure(row=number, reason=f"unreadable activity: {exc}"))
            continue
        out.activities.append(activity)
        molecule, smiles = row.get("molecule_chembl_id"), row.get("canonical_smiles")
        if not molecule or not smiles:
            out.failures.append(RowFailure(row=number, source_id=activity.activity_id, reason="no molecule structure"))
            continue
        entry = molecules.setdefault(
            molecule,
            CompoundEntry(
                source=SOURCE,
                source_id=molecule,
                name=row["molecule_pref_name"].lower() if row.get("molecule_pref_name") else None,
                structure=smiles,
            ),
        )
        entry.bioactivities.append(activity)
    out.entries = list(molecules.values())
    return out
