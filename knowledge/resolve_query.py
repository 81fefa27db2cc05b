"""Which lookup a compound query asks of PubChem or ChEMBL: pure classification over `knowledge.resolve.classify`,
for callers that fetch from those sources directly (`ech0 compounds fetch`).

Kept apart from knowledge.resolve (the resolver itself) so that each stays one concern and under 400 lines.
"""

from __future__ import annotations

from typing import Literal

from knowledge.common.mol import InvalidStructureError, parse_structure
from knowledge.resolve import classify

PubChemNamespace = Literal["cid", "inchikey", "inchi", "smiles", "name"]
ChemblLookup = Literal["chembl_id", "inchikey", "name"]


def is_structure(text: str) -> bool:
    """True when `text` parses as a structure (a SMILES, an InChI or a molblock); False for anything else."""
    try:
        parse_structure(text)
    except InvalidStructureError:
        return False
    return True


def pubchem_namespace(query: str) -> tuple[PubChemNamespace, str]:
    """The PubChem namespace to look `query` up in, and the value to send.

    'CID 2244' and a bare '2244' are CIDs (fetching names its source, so a bare number is not ambiguous here),
    InChIKeys and InChIs are themselves, one word that parses as a structure is a SMILES, the rest is a name.
    """
    kind, value = classify(query)
    if kind in ("cid", "number"):
        return "cid", value
    if kind in ("inchikey", "inchi"):
        return kind, value
    if " " not in value and is_structure(value):
        return "smiles", value
    return "name", value


def chembl_lookup(query: str) -> tuple[ChemblLookup, str]:
    """How to find `query` in ChEMBL: by ChEMBL id ('CHEMBL25', 'chembl:CHEMBL25'), by InChIKey, else a name search."""
    kind, value = classify(query)
    if kind == "chembl":
        return "chembl_id", value
    if kind == "inchikey":
        return "inchikey", value
    return "name", value
