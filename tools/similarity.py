"""Similarity search over the compound store (approved drugs and natural products): Morgan/Tanimoto top-k."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.common import structure_of
from tools.registry import ToolContext, register_tool

Library = Literal["all", "approved_drugs", "natural_products"]


def library_index(ctx: ToolContext, library: Library):
    """(records, SimilarityIndex) of one library of the store, built on first use and kept for the runtime."""
    key = f"similarity:{library}"
    if key not in ctx.cache:
        from labs.chemistry.similarity import SimilarityIndex

        records = [
            r
            for r in ctx.compounds.records
            if library == "all"
            or (library == "approved_drugs" and r.approved_by)
            or (library == "natural_products" and r.np_class)
        ]
        ctx.cache[key] = (records, SimilarityIndex([r.smiles for r in records]))
    return ctx.cache[key]


class SimilaritySearchArgs(BaseModel):
    compound: str = Field(min_length=1, description="query compound: a known name or a SMILES string")
    k: int = Field(5, ge=1, le=50, description="neighbours to return")
    library: Library = Field("all", description="which compounds to search: all, approved_drugs, natural_products")


@register_tool(
    "similarity_search",
    "Find the compounds most similar to a query (Morgan fingerprints radius 2, Tanimoto) among the approved "
    "drugs and natural products of the compound store.",
    SimilaritySearchArgs,
)
def similarity_search(ctx: ToolContext, compound: str, k: int = 5, library: Library = "all") -> dict[str, Any]:
    structure = structure_of(ctx, compound)
    records, index = library_index(ctx, library)
    hits = []
    for row, score in index.search(structure.smiles, k=k + 1):
        record = records[row]
        if record.key == structure.record_key:
            continue  # the query itself
        hits.append({"key": record.key, "label": record.label, "title": record.source_title,
                     "smiles": record.smiles, "similarity": round(float(score), 3),
                     # what a chemist asks next about neighbours: a drug's targets, a natural product's classes
                     "targets": record.targets[:5], "np_class": record.np_class,
                     "np_superclass": record.np_superclass, "np_pathway": record.np_pathway})  # fmt: skip
    return {
        "compound": structure.as_dict(compound),
        "library": library,
        "method": "Morgan fingerprint (radius 2, 2048 bits), Tanimoto similarity",
        "hits": hits[:k],
    }
