"""Toxicology as recorded experiments: which PAINS, Brenk and NIH substructures a molecule carries, and the
ClinTox model's probability of clinical-trial toxicity (the model version is pinned into the parameters)."""

from __future__ import annotations

from functools import cache
from typing import Any

from rdkit.Chem.FilterCatalog import FilterCatalog, FilterCatalogParams

from knowledge.common.errors import Ech0Error
from knowledge.common.mol import to_mol
from labs.base import ContextBound, register_lab

CLINTOX_MODEL = "admet-clintox"
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
class ToxicologyLab(ContextBound):
    name = "toxicology"
    version = "1"

    def operations(self):
        return {"alerts": self.alerts, "clintox": self.clintox}

    def prepare(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation == "clintox":
            from labs.pharmacology.lab import pin_model

            return {**params, "model": pin_model(self.context, params.get("model") or CLINTOX_MODEL)}
        return params

    def provenance(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        if operation != "clintox":
            return {}
        from labs.pharmacology.endpoints import endpoint
        from labs.pharmacology.lab import model_provenance, shipped_data

        e = endpoint("clintox")
        return {
            "models": [model_provenance(self.context, params["model"])],
            "data": [shipped_data(e.path, self.context, params["model"])],
        }

    def clintox(self, smiles: str, model: str | None = None) -> dict[str, Any]:
        """P(toxic in clinical trials) from the ClinTox model (CT_TOX), with spread, domain and model version."""
        from labs.pharmacology.lab import pin_model, predict_rows

        ref = pin_model(self.context, model or CLINTOX_MODEL)
        to_mol(smiles)  # a bad SMILES fails here with the input named
        (row,), _ = predict_rows(self.context, ref, [smiles])
        if row.get("error"):
            raise Ech0Error(f"cannot predict clinical toxicity of {smiles!r}: {row['error']}")
        p = row["prediction"]
        return {
            "p_toxic": p,
            "toxic": p >= 0.5,
            "std": row["std"],
            "max_similarity": row["max_similarity"],
            "in_domain": row["in_domain"],
            "model": row["model"],
            "endpoint": "clinical-trial toxicity (ClinTox CT_TOX)",
        }

    @staticmethod
    def alerts(smiles: str, catalogs: list[str] | None = None) -> dict[str, Any]:
        found = structural_alerts(smiles, catalogs)
        return {"alerts": found, "n_alerts": len(found), "catalogs": [c.upper() for c in catalogs or CATALOGS]}
