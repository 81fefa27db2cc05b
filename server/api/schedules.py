"""Discovery loops over HTTP: list, create, pause, resume, run one iteration now, and read the digests.

Loops live in the loop store (agents.loops.store) in the results database, as for `ech0 loop …`. When the app
runs the scheduler (server.run_loops), a change here reaches it at once (`server.scheduler.sync`); otherwise the
`ech0 loop daemon` that runs them picks it up within half a minute. "Run now" starts one iteration on the app's
own runtime in a background thread and answers 202 at once; its progress and digest appear under
`GET /v1/schedules/{name}`. A loop's literature comes from PubMed or arXiv (never from a file path: nothing in a
request reaches the file system), and only an admin key may set a webhook (the server would POST to that URL).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field, HttpUrl

from agents.loops.store import LoopStore
from knowledge.common.errors import Ech0Error
from server.api.deps import get_runtime, require_read, require_run
from server.api.errors import ApiError
from server.keys import ApiKey
from server.wiring import Runtime

log = logging.getLogger("ech0.loops")
router = APIRouter(prefix="/v1/schedules", tags=["discovery loops"])
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


class LiteratureIn(BaseModel):
    source: Literal["pubmed", "arxiv"] = Field(..., description="where each iteration fetches new literature")
    query: str | None = Field(None, max_length=500, description="literature query (default: the program)")
    max: int = Field(50, ge=1, le=10_000, description="records fetched per iteration at most")


class ScheduleIn(BaseModel):
    name: str = Field(..., pattern=_NAME, description="loop name")
    program: str = Field(..., min_length=1, max_length=4000, description="the research program, in plain language")
    every: str = Field(..., min_length=1, max_length=32, description="interval: 30m, 6h, 1d, or seconds (≥ 10)")
    questions: list[str] = Field(
        default_factory=list, max_length=20, description="standing questions re-asked each iteration"
    )
    literature: LiteratureIn | None = Field(None, description="new literature to ingest each iteration (none: skip)")
    max_tool_calls: int = Field(50, ge=1, le=10_000, description="tool-call budget of one iteration")
    max_wall: str = Field("10m", min_length=1, max_length=32, description="wall-time budget of one iteration")
    webhook: HttpUrl | None = Field(None, description="URL each digest is POSTed to (admin keys only)")


def get_loops(request: Request) -> LoopStore:
    return request.app.state.loops


def _loop_or_404(store: LoopStore, name: str) -> dict[str, Any]:
    try:
        return store.get(name)
    except Ech0Error:
        raise ApiError(404, f"no discovery loop named {name!r}", "loop_not_found") from None


def next_run(request: Request, name: str) -> str | None:
    """When the in-app scheduler will next run the loop (None when it does not run it)."""
    scheduler = getattr(request.app.state, "scheduler", None)
    if scheduler is None:
        return None
    from server.scheduler import JOB_PREFIX

    job = scheduler.get_job(f"{JOB_PREFIX}{name}")
    return job.next_run_time.isoformat() if job is not None and job.next_run_time else None


def _resync(request: Request, store: LoopStore) -> None:
    scheduler = getattr(request.app.state, "scheduler", None)
    if scheduler is not None:
        from server.scheduler import sync

        sync(scheduler, store)


def _run_in_background(executor: ThreadPoolExecutor, runtime: Runtime, store: LoopStore, name: str) -> None:
    from agents.loops.iteration import run_iteration
    from server.scheduler import digest_dir, loop_services

    def work() -> None:
        try:
            digest = run_iteration(loop_services(runtime), store, name, digest_dir(runtime.settings.data_dir))
        except Exception:  # recorded as a failed iteration by run_iteration; the thread must not die silently
            log.exception("loop %s: the iteration started from the API failed", name)
            return
        if digest is None:
            log.info("loop %s: an iteration was already running; the API trigger did nothing", name)

    executor.submit(work)


@router.get(
    "", summary="Discovery loops, their schedule and their last iteration", dependencies=[Depends(require_read)]
)
def list_schedules(request: Request, store: LoopStore = Depends(get_loops)) -> list[dict]:
    return [{**loop, "next_run": next_run(request, loop["name"])} for loop in store.list()]


@router.post("", status_code=201, summary="Define a discovery loop; the scheduler runs it every interval")
def create_schedule(
    body: ScheduleIn,
    request: Request,
    key: ApiKey = Depends(require_run),
    store: LoopStore = Depends(get_loops),
) -> dict:
    from agents.loops.iteration import parse_interval

    if not body.program.strip():
        raise ApiError(400, "empty program: describe the research program", param="program")
    questions = [q.strip() for q in body.questions if q.strip()]
    if any(len(q) > 2000 for q in questions):
        raise ApiError(400, "a standing question is longer than 2,000 characters", param="questions")
    if body.webhook is not None and not key.allows("admin"):
        raise ApiError(403, "only an admin key may set a webhook: the server would POST to it", "insufficient_scope")
    every, wall = parse_interval(body.every), parse_interval(body.max_wall)
    literature = body.literature
    spec = {}
    if literature is not None:
        spec = {"source": literature.source, "query": literature.query or body.program, "max": literature.max}
    budget = {"tool_calls": body.max_tool_calls, "wall_s": wall}
    if store.exists(body.name):
        raise ApiError(409, f"a loop named {body.name!r} exists: pick another name", "loop_exists", param="name")
    store.add(body.name, body.program.strip(), every, questions, spec, budget, str(body.webhook or "") or None)
    _resync(request, store)
    return {**store.get(body.name), "next_run": next_run(request, body.name)}


@router.get("/{name}", summary="A loop and its recent iterations", dependencies=[Depends(require_read)])
def get_schedule(
    request: Request,
    name: str = Path(..., pattern=_NAME),
    limit: int = Query(20, ge=1, le=500),
    store: LoopStore = Depends(get_loops),
) -> dict:
    loop = _loop_or_404(store, name)
    return {**loop, "next_run": next_run(request, name), "recent": store.iterations(name, limit)}


def _set_paused(request: Request, store: LoopStore, name: str, paused: bool) -> dict:
    _loop_or_404(store, name)
    store.set_paused(name, paused)
    _resync(request, store)
    return {**store.get(name), "next_run": next_run(request, name)}


@router.post("/{name}/pause", summary="Stop scheduling a loop (its history stays)", dependencies=[Depends(require_run)])
def pause_schedule(request: Request, name: str = Path(..., pattern=_NAME), store=Depends(get_loops)) -> dict:
    return _set_paused(request, store, name, True)


@router.post("/{name}/resume", summary="Schedule a paused loop again", dependencies=[Depends(require_run)])
def resume_schedule(request: Request, name: str = Path(..., pattern=_NAME), store=Depends(get_loops)) -> dict:
    return _set_paused(request, store, name, False)


@router.post(
    "/{name}/run",
    status_code=202,
    summary="Start one iteration now, in the background; follow it at GET /v1/schedules/{name}",
    dependencies=[Depends(require_run)],
)
def run_schedule(
    request: Request,
    name: str = Path(..., pattern=_NAME),
    store: LoopStore = Depends(get_loops),
    runtime: Runtime = Depends(get_runtime),
) -> dict:
    loop = _loop_or_404(store, name)
    if loop["last_status"] == "running":
        raise ApiError(409, f"loop {name!r} has an iteration running: wait for it to finish", "iteration_running")
    _run_in_background(request.app.state.loop_runner, runtime, store, name)
    return {"loop": name, "status": "started", "iteration": loop["iterations"] + 1, "location": f"/v1/schedules/{name}"}


@router.get("/{name}/digests", summary="A loop's digests, newest first", dependencies=[Depends(require_read)])
def list_digests(
    name: str = Path(..., pattern=_NAME),
    limit: int = Query(20, ge=1, le=500),
    store: LoopStore = Depends(get_loops),
) -> list[dict]:
    _loop_or_404(store, name)
    return store.iterations(name, limit)


@router.get(
    "/{name}/digests/{number}",
    summary="One iteration's digest, as JSON and as markdown",
    dependencies=[Depends(require_read)],
)
def get_digest(
    name: str = Path(..., pattern=_NAME),
    number: int = Path(..., ge=1, le=10_000_000),
    store: LoopStore = Depends(get_loops),
) -> dict:
    from agents.loops.digest import digest_markdown

    loop = _loop_or_404(store, name)
    found = store.iteration(name, number)
    if found is None:
        raise ApiError(404, f"loop {name!r} has no iteration {number}", "iteration_not_found")
    done = found["status"] == "done" and found["digest"].get("iteration") == number
    return {**found, "loop": name, "markdown": digest_markdown(loop, found["digest"]) if done else None}
