"""Health (no key needed; `starting` while `ech0 serve` preloads the runtime) and Prometheus metrics (read scope)."""

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


@router.get(
    "/healthz",
    summary="Health: 200 `ok` when the process serves requests; 503 `starting` while it preloads the runtime",
    responses={503: {"description": "starting: the embedding model, index or compound store is still loading"}},
)
def healthz(request: Request, response: Response) -> dict:
    warmup = getattr(request.app.state, "warmup", None)
    state = warmup.status() if warmup is not None else {"status": "ok"}
    if state["status"] != "ok":
        response.status_code = 503
        response.headers["Retry-After"] = "5"
    return {**state, "version": _version()}


@router.get("/metrics", summary="Prometheus metrics of this process", dependencies=[Depends(require_read)])
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
