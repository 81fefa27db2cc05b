"""Structure-elucidation tool: candidates for a formula ranked by NMR shift agreement, as a recorded experiment."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tools.registry import ToolContext, register_tool


class ElucidateArgs(BaseModel):
    formula: str = Field(min_length=1, description="molecular formula, e.g. 'C8H10O' (C, H, N, O, S, F, Cl, Br, I)")
    h_shifts: list[float] = Field(default_factory=list, description="1H shifts in ppm, one per signal")
    c_shifts: list[float] = Field(default_factory=list, description="13C shifts in ppm, one per signal")
    h_counts: list[int] | None = Field(None, description="optional 1H integrals (number of H), one per 1H shift")
    max_candidates: int = Field(10, ge=1, le=100, description="how many ranked candidates to return")
    use_constraints: bool = Field(
        True, description="filter by what the shifts imply (C=O above 165 ppm, aromatic ring from aromatic 1H)"
    )


@register_tool(
    "elucidate_structure",
    "Propose structures for a molecular formula from 1H and/or 13C chemical shifts: enumerates every "
    "constitutional isomer (formulas up to 12 heavy atoms) plus shipped compounds with the formula, predicts "
    "shifts with a documented additive model and ranks candidates by mean absolute error against the given "
    "shifts. Returns the ranking with per-signal evidence; each run is a recorded experiment.",
    ElucidateArgs,
)
def elucidate_structure(ctx: ToolContext, **kwargs: Any) -> dict[str, Any]:
    args = ElucidateArgs(**kwargs)
    params: dict[str, Any] = {
        "formula": args.formula,
        "h_shifts": args.h_shifts,
        "c_shifts": args.c_shifts,
        "max_candidates": args.max_candidates,
        "use_constraints": args.use_constraints,
    }
    if args.h_counts:
        params["h_counts"] = args.h_counts
    result = ctx.labs.run("chemistry", "elucidate", params)
    out = result.outputs
    return {
        "experiment_id": result.experiment_id,
        "title": result.title,
        "value": out["candidates"][0]["smiles"],
        "statement": out["statement"],
        "candidates": out["candidates"],
        "outputs": out,
    }
