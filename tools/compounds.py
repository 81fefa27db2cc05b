"""Compound lookup tool: the store's record for a name, identifier or SMILES."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tools.registry import ToolContext, register_tool


class CompoundLookupArgs(BaseModel):
    query: str = Field(min_length=1, description="drug name, CAS number, DrugBank id, InChIKey or SMILES")


@register_tool(
    "compound_lookup",
    "Look up a compound record (identifiers, structure, approvals, targets, natural-product class) by name, "
    "identifier or SMILES in the compound store.",
    CompoundLookupArgs,
)
def compound_lookup(ctx: ToolContext, query: str) -> dict[str, Any]:
    record = ctx.compounds.resolve(query)
    return {"key": record.key, "title": record.source_title, "label": record.label, "record": record.model_dump()}
