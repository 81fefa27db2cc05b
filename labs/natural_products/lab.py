"""NP-likeness (Ertl) as a recorded experiment."""

from __future__ import annotations

from typing import Any

from labs.base import register_lab
from labs.chemistry.features import np_likeness
from labs.chemistry.mol import to_mol


@register_lab("natural_products")
class NaturalProductsLab:
    name = "natural_products"
    version = "1"

    def operations(self):
        return {"np_likeness": self.np_likeness}

    @staticmethod
    def np_likeness(smiles: str) -> dict[str, Any]:
        score = np_likeness(to_mol(smiles))
        return {"np_likeness": round(score, 3), "scale": "about -5 (synthetic-like) to +5 (natural-product-like)"}
