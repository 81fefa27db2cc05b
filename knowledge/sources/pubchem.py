"""PubChem through PUG-REST: compounds by name, CID, SMILES, InChI or InChIKey; properties, synonyms and CAS.

pubchempy is the reference client, but it sends its own urllib requests, which would bypass the cache, the rate
limit, the retries and the circuit breaker. So the requests here are the ones pubchempy builds (its `API_BASE`, the
identifier in the URL for CIDs and in a POST form for names and structures, as `pubchempy.request` does), sent
through `knowledge.http.HttpClient`, and the property table is read with pubchempy's data model: its
`PROPERTY_MAP` names each PUG-REST property by the `pubchempy.Compound` attribute that carries it.

Documented response formats (https://pubchem.ncbi.nlm.nih.gov/docs/pug-rest):
- `.../compound/{namespace}/{id}/property/{P1,P2,...}/JSON` →
  `{"PropertyTable": {"Properties": [{"CID": 2244, "MolecularFormula": "C9H8O4", "SMILES": "...", ...}]}}`;
  since 2025 PubChem answers `SMILES` (with stereo, was IsomericSMILES) and `ConnectivitySMILES` (was
  CanonicalSMILES), and MolecularWeight is a string. Older cached bodies with the old names are read too.
- `.../compound/cid/{cid}/synonyms/JSON` → `{"InformationList": {"Information": [{"CID": 2244, "Synonym": [...]}]}}`.
- errors → `{"Fault": {"Code": "PUGREST.NotFound", "Message": "No CID found", "Details": [...]}}` with HTTP 404
  (not found), 400 (bad request, e.g. an unparsable SMILES) or 503 (server busy: retried by the client).

PubChem asks for no more than 5 requests per second (and 400 per minute): `pubchem_source_policy`.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field

from knowledge.common.errors import Ech0Error
from knowledge.compound_models import CompoundEntry
from knowledge.http import CacheMissError, HttpClient
from knowledge.resilience import HttpFetchError, SourcePolicy
from knowledge.standardize import cas_numbers

SOURCE = "pubchem"
Namespace = Literal["name", "cid", "smiles", "inchi", "inchikey"]
NAMESPACES: tuple[str, ...] = ("name", "cid", "smiles", "inchi", "inchikey")
# Compound attributes (pubchempy's names) fetched for every record.
FIELDS = (
    "molecular_formula",
    "molecular_weight",
    "smiles",
    "connectivity_smiles",
    "inchi",
    "inchikey",
    "iupac_name",
    "xlogp",
    "exact_mass",
    "tpsa",
    "complexity",
    "charge",
    "h_bond_donor_count",
    "h_bond_acceptor_count",
    "rotatable_bond_count",
    "heavy_atom_count",
)
# Property names PubChem used before 2025, as they may appear in cached bodies.
_LEGACY = {"IsomericSMILES": "smiles", "CanonicalSMILES": "connectivity_smiles"}
MAX_CIDS = 10  # a name can match many CIDs (mixtures, isotopologues): keep PubChem's best-ranked few


def api_base() -> str:
    import pubchempy

    return pubchempy.API_BASE


class PubChemCompound(BaseModel):
    """One PubChem compound: the property table row (pubchempy's attribute names) plus synonyms and CAS."""

    cid: int
    molecular_formula: str | None = None
    molecular_weight: float | None = None
    smiles: str | None = Field(None, description="absolute (isomeric) SMILES")
    connectivity_smiles: str | None = Field(None, description="SMILES without stereo or isotopes")
    inchi: str | None = None
    inchikey: str | None = None
    iupac_name: str | None = None
    xlogp: float | None = None
    exact_mass: float | None = None
    tpsa: float | None = None
    complexity: float | None = None
    charge: int | None = None
    h_bond_donor_count: int | None = None
    h_bond_acceptor_count: int | None = None
    rotatable_bond_count: int | None = None
    heavy_atom_count: int | None = None
    synonyms: list[str] = Field(default_factory=list, description="PubChem's ranked synonyms, best first")
    cas: list[str] = Field(default_factory=list, description="CAS numbers among the synonyms (check digit valid)")

    @property
    def name(self) -> str | None:
        return self.synonyms[0] if self.synonyms else self.iupac_name

    @property
    def structure(self) -> str | None:
        return self.smiles or self.connectivity_smiles or self.inchi

    def to_entry(self) -> CompoundEntry:
        if not self.structure:
            raise Ech0Error(f"PubChem CID {self.cid} has no structure (SMILES or InChI) in its property table")
        reported = self.model_dump(exclude={"cid", "synonyms", "cas"}, exclude_none=True)
        return CompoundEntry(
            source=SOURCE,
            source_id=str(self.cid),
            name=self.name,
            structure=self.structure,
            ids={"cas": self.cas, "inchikey": [self.inchikey] if self.inchikey else []},
            synonyms=self.synonyms,
            properties=reported,
        )


def pubchem_source_policy(failure_threshold: int = 5, cooldown_s: float = 60.0) -> SourcePolicy:
    """PubChem's usage policy: at most 5 requests per second."""
    return SourcePolicy(
        name=SOURCE, max_requests=5, period_s=1.0, failure_threshold=failure_threshold, cooldown_s=cooldown_s
    )


def _get_json(http: HttpClient, namespace: str, identifier: str, operation: str) -> dict[str, Any] | None:
    """One PUG-REST JSON request built as pubchempy builds it; None when PubChem says the record does not exist."""
    if namespace not in NAMESPACES:
        raise Ech0Error(f"unknown PubChem namespace {namespace!r}: use one of {', '.join(NAMESPACES)}")
    identifier = str(identifier).strip()
    if not identifier:
        raise Ech0Error("empty PubChem identifier")
    try:
        if namespace == "cid":
            if not identifier.isdigit():
                raise Ech0Error(f"PubChem CID {identifier!r} is not a number")
            response = http.get(SOURCE, f"{api_base()}/compound/cid/{identifier}/{operation}/JSON")
        else:  # names and structures go in a POST form, so that '/' and '#' in SMILES survive
            url = f"{api_base()}/compound/{namespace}/{operation}/JSON"
            response = http.request(SOURCE, "POST", url, data={namespace: identifier})
    except CacheMissError as exc:  # the identifier travels in a POST form: name it, the URL does not
        raise CacheMissError(
            f"PubChem: offline mode has no cached answer for {namespace} {identifier!r} ({operation.split('/')[0]}); "
            "run once in replay or live mode with network access to fill the cache",
            source=SOURCE,
            url=exc.url,
        ) from None
    except HttpFetchError as exc:
        if exc.status_code == 404:
            return None
        if exc.status_code == 400:
            raise Ech0Error(f"PubChem rejected {namespace} {identifier!r}: {str(exc).split(': ', 1)[-1]}") from None
        raise type(exc)(
            f"PubChem lookup of {namespace} {identifier!r} failed: {exc}",
            source=SOURCE,
            url=exc.url,
            status_code=exc.status_code,
        ) from None
    try:
        body = json.loads(response.content)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Ech0Error(f"PubChem returned an unreadable body from {response.url} ({exc})") from None
    if "Fault" in body:
        fault = body["Fault"]
        if fault.get("Code") == "PUGREST.NotFound":
            return None
        raise Ech0Error(f"PubChem fault for {namespace} {identifier!r}: {fault.get('Code')}: {fault.get('Message')}")
    return body


def parse_property_table(body: dict[str, Any]) -> list[PubChemCompound]:
    """Compounds from a PropertyTable body, read through pubchempy's PROPERTY_MAP (PubChem name -> attribute)."""
    import pubchempy

    attribute = {v: k for k, v in pubchempy.PROPERTY_MAP.items() if k in FIELDS} | _LEGACY
    compounds = []
    for row in body.get("PropertyTable", {}).get("Properties", []):
        values = {attribute[k]: v for k, v in row.items() if k in attribute and v not in (None, "")}
        compounds.append(PubChemCompound(cid=int(row["CID"]), **values))
    return compounds


def parse_synonyms(body: dict[str, Any] | None) -> list[str]:
    info = (body or {}).get("InformationList", {}).get("Information", [])
    return [str(s) for s in info[0].get("Synonym", [])] if info else []


def get_properties(http: HttpClient, identifier: str | int, namespace: Namespace = "cid") -> list[PubChemCompound]:
    """The property rows of the compounds matching an identifier (empty when PubChem has none)."""
    import pubchempy

    names = ",".join(pubchempy.PROPERTY_MAP[f] for f in FIELDS)
    body = _get_json(http, namespace, str(identifier), f"property/{names}")
    return parse_property_table(body) if body else []


def get_synonyms(http: HttpClient, cid: int | str) -> list[str]:
    return parse_synonyms(_get_json(http, "cid", str(cid), "synonyms"))


def lookup(
    http: HttpClient, identifier: str | int, namespace: Namespace = "name", *, synonyms: bool = True
) -> list[PubChemCompound]:
    """Compounds for a name, CID, SMILES, InChI or InChIKey, best match first, with synonyms and CAS numbers.

    Returns [] when PubChem has no such compound; raises `HttpFetchError` (a cache miss offline, a failure after
    retries, an open circuit) or `Ech0Error` (a rejected identifier).
    """
    compounds = get_properties(http, identifier, namespace)[:MAX_CIDS]
    if synonyms:
        for compound in compounds[:1] if len(compounds) > 1 else compounds:  # synonyms cost one request a CID
            compound.synonyms = get_synonyms(http, compound.cid)
            compound.cas = cas_numbers(compound.synonyms)
    return compounds
