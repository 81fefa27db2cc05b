"""Research jobs: submit a request to run in the background, follow it (poll or SSE), cancel, resume, approve.

The job id is the run id: the graph's checkpoint, the recorded run and the feedback all use it. Resume,
approve and reject call the runtime's research service (`agents.research.Research`: `resume`, `decide`). A run
begun elsewhere (a chat completion, the CLI) that waits for approval or has failed gets a job record on its first
resume, approve or reject.

The event stream (`GET /v1/research/{id}/events`) sends `status` on every status change, `progress` (plan,
finished steps, next graph nodes, from the checkpoint) while the job runs, and `result` with the whole job when
it ends or waits for approval; then it closes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from functools import partial
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse

from agents.context import RunContext
from agents.research import RunNotFoundError
from server.api.deps import get_jobs, get_profiles, require_read, require_run
from server.api.errors import ApiError
from server.api.profiles import DEFAULT, Profiles
from server.jobs import STATUSES, TERMINAL, JobManager
from server.keys import ApiKey
from server.wiring import Runtime

log = logging.getLogger("ech0.api")
router = APIRouter(prefix="/v1/research", tags=["research jobs"])
POLL_S = 0.25
_ID = r"^[A-Za-z0-9_-]{1,64}$"


class ResearchIn(BaseModel):
    request: str = Field(..., min_length=1, max_length=100_000, description="the research request, in plain language")
    model: str = Field(DEFAULT, max_length=100, description="ECH0 profile, as in /v1/models")
    context: RunContext | None = Field(
        None, description="this run's own configuration (backend, max_replans, approval policy); unset: the profile's"
    )


def _job_or_404(jobs: JobManager, job_id: str) -> dict[str, Any]:
    job = jobs.store.get(job_id)
    if job is None:
        raise ApiError(404, f"no research job {job_id!r}", "job_not_found")
    return job


def _job_or_adopt(jobs: JobManager, profiles: Profiles, job_id: str, owner: str) -> dict[str, Any]:
    """The job, or a new job record for a run that began elsewhere (a chat completion, the CLI) and now waits for
    approval or has failed, so that the same endpoints can follow it up."""
    job = jobs.store.get(job_id)
    if job is not None:
        return job
    status = getattr(profiles.base.runs, "status", None)
    run = status(job_id) if status is not None else None
    if run is None or run["status"] not in ("awaiting_approval", "failed"):
        raise ApiError(404, f"no research job {job_id!r}", "job_not_found")
    return jobs.adopt(job_id, run["request"], DEFAULT, owner, run["status"])


@router.post("", status_code=202, summary="Start a research job; poll it or follow its events")
def create_job(
    body: ResearchIn,
    response: Response,
    key: ApiKey = Depends(require_run),
    profiles: Profiles = Depends(get_profiles),
    jobs: JobManager = Depends(get_jobs),
) -> dict:
    runtime = profiles.get(body.model)
    text = body.request.strip()
    limit = runtime.settings.llm.max_request_chars
    if not text:
        raise ApiError(400, "empty request: say what to research", "empty_request", param="request")
    if len(text) > limit:
        raise ApiError(
            400, f"request of {len(text):,} characters is too long: keep it under {limit:,}", param="request"
        )
    job_id = uuid.uuid4().hex[:12]
    job = jobs.create(job_id, text, body.model, key.name, partial(runtime.research.ask, text, job_id, body.context))
    response.headers["Location"] = f"/v1/research/{job_id}"
    return job


@router.get("", summary="Recent research jobs, newest first", dependencies=[Depends(require_read)])
def list_jobs(
    limit: int = Query(50, ge=1, le=500),
    status: str | None = Query(None, pattern="^(" + "|".join(STATUSES) + ")$"),
    jobs: JobManager = Depends(get_jobs),
) -> list[dict]:
    return jobs.store.list(limit=limit, status=status)


@router.get("/{job_id}", summary="A job's status and, once done, its result", dependencies=[Depends(require_read)])
def get_job(job_id: str = Path(..., pattern=_ID), jobs: JobManager = Depends(get_jobs)) -> dict:
    return _job_or_404(jobs, job_id)


@router.post("/{job_id}/cancel", summary="Cancel a queued, running or waiting job", dependencies=[Depends(require_run)])
def cancel_job(job_id: str = Path(..., pattern=_ID), jobs: JobManager = Depends(get_jobs)) -> dict:
    job = _job_or_404(jobs, job_id)
    if not jobs.cancel(job_id):
        raise ApiError(409, f"job {job_id!r} is already {job['status']}: nothing to cancel", "job_finished")
    return jobs.store.get(job_id)


def _requeue(jobs: JobManager, profiles: Profiles, job_id: str, allowed: tuple[str, ...], action: str, make_fn):
    job = jobs.store.get(job_id)
    fn = make_fn(profiles.get(job["model"]))
    if not jobs.requeue(job_id, allowed, fn):
        raise ApiError(
            409, f"job {job_id!r} is {job['status']}: only a job that is {' or '.join(allowed)} can be {action}"
        )
    return jobs.store.get(job_id)


def _resume_or_start(runtime: Runtime, job_id: str, request: str) -> dict:
    """Resume the run from its checkpoint; a job cancelled or stopped before its run began starts afresh."""
    try:
        return runtime.research.resume(job_id)
    except RunNotFoundError:
        return runtime.research.ask(request, job_id)


@router.post("/{job_id}/resume", summary="Resume a failed or cancelled job from its checkpoint", status_code=202)
def resume_job(
    job_id: str = Path(..., pattern=_ID),
    key: ApiKey = Depends(require_run),
    profiles: Profiles = Depends(get_profiles),
    jobs: JobManager = Depends(get_jobs),
) -> dict:
    job = _job_or_adopt(jobs, profiles, job_id, key.name)
    return _requeue(
        jobs,
        profiles,
        job_id,
        ("failed", "cancelled"),
        "resumed",
        lambda rt: partial(_resume_or_start, rt, job_id, job["request"]),
    )


def _decide(job_id: str, approved: bool, key: ApiKey, profiles: Profiles, jobs: JobManager) -> dict:
    _job_or_adopt(jobs, profiles, job_id, key.name)
    action = "approved" if approved else "rejected"
    return _requeue(
        jobs,
        profiles,
        job_id,
        ("awaiting_approval",),
        action,
        lambda rt: partial(rt.research.decide, job_id, approved),
    )


@router.post("/{job_id}/approve", summary="Approve the step a job waits on; it goes on", status_code=202)
def approve_job(
    job_id: str = Path(..., pattern=_ID),
    key: ApiKey = Depends(require_run),
    profiles: Profiles = Depends(get_profiles),
    jobs: JobManager = Depends(get_jobs),
) -> dict:
    return _decide(job_id, True, key, profiles, jobs)


@router.post("/{job_id}/reject", summary="Reject the step a job waits on; it goes on without it", status_code=202)
def reject_job(
    job_id: str = Path(..., pattern=_ID),
    key: ApiKey = Depends(require_run),
    profiles: Profiles = Depends(get_profiles),
    jobs: JobManager = Depends(get_jobs),
) -> dict:
    return _decide(job_id, False, key, profiles, jobs)


async def _events(job_id: str, jobs: JobManager, profiles: Profiles):
    last_status, last_progress = None, None
    while True:
        job = await asyncio.to_thread(jobs.store.get, job_id)
        if job is None:
            return
        if job["status"] != last_status:
            last_status = job["status"]
            yield {"event": "status", "data": json.dumps({"id": job_id, "status": last_status})}
        if last_status == "running":
            try:
                progress = await asyncio.to_thread(profiles.get(job["model"]).research.progress, job_id)
            except Exception:  # progress is a courtesy: a checkpoint that cannot be read must not end the stream
                log.warning("no progress for job %s", job_id, exc_info=True)
                progress = last_progress
            if progress != last_progress and (progress["plan"] or progress["next"]):  # not before the graph starts
                last_progress = progress
                yield {"event": "progress", "data": json.dumps(progress, ensure_ascii=False)}
        if last_status in TERMINAL or last_status == "awaiting_approval":
            yield {"event": "result", "data": json.dumps(job, ensure_ascii=False)}
            return
        await asyncio.sleep(POLL_S)


@router.get("/{job_id}/events", summary="Live progress over server-sent events", dependencies=[Depends(require_read)])
def job_events(
    job_id: str = Path(..., pattern=_ID),
    jobs: JobManager = Depends(get_jobs),
    profiles: Profiles = Depends(get_profiles),
) -> EventSourceResponse:
    _job_or_404(jobs, job_id)
    return EventSourceResponse(_events(job_id, jobs, profiles), ping=15)
