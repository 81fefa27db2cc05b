"""Feedback on research runs: a thumbs rating and/or a correction, kept for evaluation and training data."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from server.api.deps import get_feedback, get_runtime, require_read, require_run
from server.api.errors import ApiError
from server.feedback_store import MAX_CORRECTION_CHARS, FeedbackStore
from server.keys import ApiKey
from server.wiring import Runtime

router = APIRouter(prefix="/v1/feedback", tags=["feedback"])


class FeedbackIn(BaseModel):
    run_id: str = Field(..., min_length=1, max_length=64, description="the run the feedback is about")
    rating: int | None = Field(None, ge=-1, le=1, description="-1 bad, 0 neutral, 1 good")
    correction: str | None = Field(None, max_length=MAX_CORRECTION_CHARS, description="what the answer should say")


@router.post("", status_code=201, summary="Record a rating and/or a correction for a run")
def add_feedback(
    body: FeedbackIn,
    key: ApiKey = Depends(require_run),
    runtime: Runtime = Depends(get_runtime),
    store: FeedbackStore = Depends(get_feedback),
) -> dict:
    if runtime.runs.get_run(body.run_id) is None:
        raise ApiError(404, f"no run {body.run_id!r}: give a run_id returned by a research request", "run_not_found")
    return store.add(body.run_id, body.rating, body.correction, source=f"api:{key.name}")


@router.get("", summary="Feedback, newest first", dependencies=[Depends(require_read)])
def list_feedback(
    run_id: str | None = Query(None, max_length=64),
    limit: int = Query(100, ge=1, le=1000),
    store: FeedbackStore = Depends(get_feedback),
) -> list[dict]:
    return store.list(run_id=run_id, limit=limit)
