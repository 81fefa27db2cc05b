"""Compound records with their computed properties, and identifier resolution with candidates."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from knowledge.common.errors import CompoundNotFoundError
from server.api.deps import get_runtime, require_read
from server.wiring import Runtime

router = APIRouter(prefix="/v1/compounds", tags=["compounds"], dependencies=[Depends(require_read)])


@router.get("/resolve", summary="Resolve an identifier: match, confidence, method, and candidates when ambiguous")
def resolve(
    q: str = Query(..., min_length=1, max_length=2000, description="name, CAS, InChI, InChIKey or SMILES"),
    runtime: Runtime = Depends(get_runtime),
) -> dict:
    from knowledge.resolve import resolve as resolve_text

    result = resolve_text(runtime.compounds, q)
    if result.status == "not_found":
        raise CompoundNotFoundError(result.message)
    return result.model_dump()


@router.get("/{query:path}", summary="A compound's record and computed properties (a recorded experiment)")
def get_compound(query: str, runtime: Runtime = Depends(get_runtime)) -> dict:
    """`query` is a name, CAS number, DrugBank id, InChIKey or SMILES (URL-encoded: '#' as %23)."""
    from labs.compound_card import compound_card

    return compound_card(runtime.compounds, runtime.labs, query)[1]
