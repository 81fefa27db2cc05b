"""Liveness (no key needed) and Prometheus metrics (read scope)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from server.api.deps import require_read

router = APIRouter(tags=["health"])


def _version() -> str:
    try:
        return version("ech0")
    except PackageNotFoundError:
        return "unknown"


@router.get("/healthz", summary="Liveness: 200 while the process serves requests")
def healthz() -> dict:
    return {"status": "ok", "version": _version()}


@router.get("/metrics", summary="Prometheus metrics of this process", dependencies=[Depends(require_read)])
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
