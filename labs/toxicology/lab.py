"""Structural alerts as recorded experiments: which PAINS, Brenk and NIH substructures a molecule carries."""

from __future__ import annotations

from functools import cache
from typing import Any

from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams

from knowledge.errors import Ech0Error
from labs.base import register_lab
from labs.chemistry.mol import to_mol

CATALOGS = {
    "PAINS": FilterCatalogParams.FilterCatalogs.PAINS,
    "BRENK": FilterCatalogParams.FilterCatalogs.BRENK,
    "NIH": FilterCatalogParams.FilterCatalogs.NIH,
}


@cache
def _catalog(name: str) -> FilterCatalog:
    params = FilterCatalogParams()
    params.AddCatalog(CATALOGS[name])
    return FilterCatalog(params)


def structural_alerts(smiles: str, catalogs: list[str] | None = None) -> list[dict[str, Any]]:
    """Every alert of the chosen catalogs (all three by default) that matches, with the matched atoms."""
    chosen = [c.upper() for c in catalogs] if catalogs else list(CATALOGS)
    unknown = [c for c in chosen if c not in CATALOGS]
    if unknown:
        raise Ech0Error(f"unknown alert catalogs {unknown}: choose from {', '.join(CATALOGS)}")
    mol = to_mol(smiles)
    alerts = []
    for name in chosen:
        for entry in _catalog(name).GetMatches(mol):
            atoms = sorted({atom for match in entry.GetFilterMatches(mol) for _, atom in match.atomPairs})
            alerts.append({"catalog": name, "alert": entry.GetDescription(), "atoms": atoms})
    return alerts


@register_lab("toxicology")
class ToxicologyLab:
    name = "toxicology"
    version = "1"

    def operations(self):
        return {"alerts": self.alerts}

    @staticmethod
    def alerts(smiles: str, catalogs: list[str] | None = None) -> dict[str, Any]:
        found = structural_alerts(smiles, catalogs)
        return {"alerts": found, "n_alerts": len(found), "catalogs": [c.upper() for c in catalogs or CATALOGS]}
