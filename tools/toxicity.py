"""Toxicity tool: structural alerts (PAINS, Brenk, NIH) from the toxicology lab, as a recorded experiment."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tools.common import structure_of
from tools.registry import ToolContext, register_tool


class ToxicityAlertsArgs(BaseModel):
    compound: str = Field(min_length=1, description="a compound name known to the store, or a SMILES string")


@register_tool(
    "toxicity_alerts",
    "Screen a compound for structural alerts (PAINS, Brenk, NIH filter catalogs in RDKit): substructures "
    "associated with toxicity, reactivity or assay interference. Each screen is a recorded experiment.",
    ToxicityAlertsArgs,
)
def toxicity_alerts(ctx: ToolContext, compound: str) -> dict[str, Any]:
    structure = structure_of(ctx, compound)
    result = ctx.labs.run("toxicology", "alerts", {"smiles": structure.smiles})
    return {
        "experiment_id": result.experiment_id,
        "title": result.title,
        "compound": structure.as_dict(compound),
        "outputs": result.outputs,
    }
