"""Natural-product tool: NP-likeness and NPClassifier pathway/superclass/class, as recorded experiments.

The natural-products lab answers both: a compound already in the NPClassifier set gets its recorded classes;
any other gets a similarity-weighted vote of its nearest NPClassifier neighbours, with the vote's share as
its confidence and an applicability-domain flag.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tools.common import structure_of
from tools.registry import ToolContext, register_tool


class ClassifyNaturalProductArgs(BaseModel):
    compound: str = Field(min_length=1, description="a compound name known to the store, or a SMILES string")
    k: int = Field(5, ge=1, le=25, description="neighbours that vote on the class")


@register_tool(
    "classify_natural_product",
    "Classify a compound as a natural product: NP-likeness score, and NPClassifier pathway, superclass and "
    "class (recorded for known natural products, else a vote of the most similar known ones with a confidence).",
    ClassifyNaturalProductArgs,
)
def classify_natural_product(ctx: ToolContext, compound: str, k: int = 5) -> dict[str, Any]:
    structure = structure_of(ctx, compound)
    likeness = ctx.labs.run("natural_products", "np_likeness", {"smiles": structure.smiles})
    classified = ctx.labs.run("natural_products", "classify", {"smiles": structure.smiles, "k": k})
    out = classified.outputs
    return {
        "experiment_id": classified.experiment_id,
        "title": classified.title,
        "likeness_experiment_id": likeness.experiment_id,
        "likeness_title": likeness.title,
        "compound": structure.as_dict(compound),
        "np_likeness": likeness.outputs["np_likeness"],
        "classes": out["classes"],
        "method": out["method"],
        "max_similarity": out["max_similarity"],
        "in_domain": out["in_domain"],
        "neighbours": out["neighbours"],
    }
