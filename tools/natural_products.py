"""Natural-product tool: NP-likeness (recorded experiment) and NPClassifier pathway/superclass/class.

A compound already in the NPClassifier set gets its recorded classes; any other gets a similarity-weighted
vote of its nearest NPClassifier neighbours, with the vote's share as its confidence and the neighbours cited.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field

from tools.common import structure_of
from tools.registry import ToolContext, register_tool
from tools.similarity import library_index

_MIN_SIMILARITY = 0.3  # below this the nearest neighbours say little about the query's class


class ClassifyNaturalProductArgs(BaseModel):
    compound: str = Field(min_length=1, description="a compound name known to the store, or a SMILES string")
    k: int = Field(7, ge=1, le=25, description="neighbours that vote on the class")


def _vote(neighbours: list[tuple[Any, float]], level: str) -> tuple[str | None, float]:
    weights: dict[str, float] = defaultdict(float)
    for record, score in neighbours:
        value = getattr(record, level)
        if value:
            weights[value] += score
    if not weights:
        return None, 0.0
    best = max(weights, key=weights.get)
    return best, round(weights[best] / sum(weights.values()), 3)


@register_tool(
    "classify_natural_product",
    "Classify a compound as a natural product: NP-likeness score, and NPClassifier pathway, superclass and "
    "class (recorded for known natural products, else a vote of the most similar known ones with a confidence).",
    ClassifyNaturalProductArgs,
)
def classify_natural_product(ctx: ToolContext, compound: str, k: int = 7) -> dict[str, Any]:
    structure = structure_of(ctx, compound)
    likeness = ctx.labs.run("natural_products", "np_likeness", {"smiles": structure.smiles})
    records, index = library_index(ctx, "natural_products")
    hits = [(records[row], float(score)) for row, score in index.search(structure.smiles, k=k)]
    exact = next((r for r, score in hits if score >= 0.999 and ctx.compounds.by_structure(structure.smiles) is r), None)
    if exact is not None:
        classes = {level: {"value": getattr(exact, level), "confidence": 1.0}
                   for level in ("np_pathway", "np_superclass", "np_class")}  # fmt: skip
        method, neighbours = "record", [exact]
    else:
        classes = {level: dict(zip(("value", "confidence"), _vote(hits, level), strict=True))
                   for level in ("np_pathway", "np_superclass", "np_class")}  # fmt: skip
        method, neighbours = (
            f"similarity-weighted vote of the {len(hits)} nearest NPClassifier compounds",
            [r for r, _ in hits],
        )
    top = hits[0][1] if hits else 0.0
    return {
        "experiment_id": likeness.experiment_id,
        "title": likeness.title,
        "compound": structure.as_dict(compound),
        "np_likeness": likeness.outputs["np_likeness"],
        "classes": classes,
        "method": method,
        "max_similarity": round(top, 3),
        "in_domain": method == "record" or top >= _MIN_SIMILARITY,
        "neighbours": [
            {"key": r.key, "title": r.source_title, "label": r.label, "similarity": round(s, 3)}
            for r, s in hits
            if r in neighbours
        ],  # fmt: skip
    }
