"""Lab operations as recorded experiments: list them, run one with JSON parameters."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Path

from knowledge.common.errors import Ech0Error
from server.api.deps import get_runtime, require_read, require_run
from server.api.errors import ApiError
from server.wiring import Runtime

router = APIRouter(prefix="/v1/labs", tags=["labs"])
_NAME = r"^[a-z][a-z0-9_]{0,63}$"


@router.get("", summary="Every lab with its operations and their parameters", dependencies=[Depends(require_read)])
def list_labs() -> dict:
    from labs.base import lab_catalog

    return lab_catalog()


@router.post(
    "/{lab}/{operation}",
    summary="Run one operation; a repeat with the same inputs returns the stored result (cached: true)",
    dependencies=[Depends(require_run)],
)
def run_operation(
    lab: str = Path(..., pattern=_NAME),
    operation: str = Path(..., pattern=_NAME),
    params: dict[str, Any] = Body(default_factory=dict, description='parameters, e.g. {"smiles": "CCO"}'),
    runtime: Runtime = Depends(get_runtime),
) -> dict:
    try:
        result = runtime.labs.run(lab, operation, params)
    except Ech0Error:
        raise
    except (TypeError, ValueError, AttributeError) as exc:
        # A parameter of the wrong type that the operation itself trips over.
        raise ApiError(422, f"bad parameters for {lab}.{operation}: {exc}", "invalid_parameters") from None
    return result.model_dump(mode="json")
