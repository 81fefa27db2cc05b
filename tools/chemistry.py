"""Property tool: RDKit properties of a compound, run as a recorded chemistry-lab experiment."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from knowledge.common.errors import CompoundNotFoundError
from knowledge.common.mol import try_mol
from labs.chemistry.properties import PROPERTIES
from tools.common import local_structure
from tools.registry import ToolContext, register_tool


class ComputePropertiesArgs(BaseModel):
    compound: str = Field(min_length=1, description="a compound name known to the store, or a SMILES string")
    names: list[str] | None = Field(
        default=None, description=f"subset of properties; all when omitted: {', '.join(PROPERTIES)}"
    )


@register_tool(
    "compute_properties",
    "Compute RDKit properties (MW, logP, TPSA, HBD/HBA, rotatable bonds, rings, aromatic rings, QED, "
    "Lipinski violations, SA score) of a compound given by name or SMILES; each result has an experiment id.",
    ComputePropertiesArgs,
)
def compute_properties(ctx: ToolContext, compound: str, names: list[str] | None = None) -> dict[str, Any]:
    try:
        record = ctx.compounds.resolve(compound)
        # a structure written out is computed as written (a zwitterion stays one), under its record's name
        smiles = compound if try_mol(compound) is not None else record.smiles
        record_key, label = record.key, record.label
    except CompoundNotFoundError:
        # not a known compound: a SMILES or an InChI (converted locally), else InvalidSmilesError says so
        smiles, record_key, label = local_structure(compound), None, compound
    params: dict[str, Any] = {"smiles": smiles}
    if names:
        params["names"] = names
    result = ctx.labs.run("chemistry", "properties", params)
    return {
        "experiment_id": result.experiment_id,
        "title": result.title,
        "compound": {"query": compound, "label": label, "record_key": record_key},
        "outputs": result.outputs,
        "units": {name: PROPERTIES[name].unit for name in result.outputs["properties"]},
        "labels": {name: PROPERTIES[name].label for name in result.outputs["properties"]},
    }
