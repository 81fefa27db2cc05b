"""The chemistry lab: RDKit property calculations as recorded experiments."""

from __future__ import annotations

from typing import Any

from rdkit.Chem import rdMolDescriptors

from labs.base import register_lab
from labs.chemistry.mol import canonical_smiles, inchikey, to_mol
from labs.chemistry.properties import compute_properties


@register_lab("chemistry")
class ChemistryLab:
    name = "chemistry"
    version = "1"

    def operations(self):
        return {"properties": self.properties}

    @staticmethod
    def properties(smiles: str, names: list[str] | None = None) -> dict[str, Any]:
        mol = to_mol(smiles)
        return {
            "canonical_smiles": canonical_smiles(mol),
            "inchikey": inchikey(mol),
            "formula": rdMolDescriptors.CalcMolFormula(mol),
            "properties": compute_properties(mol, names),
        }
