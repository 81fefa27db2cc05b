"""The dashboard: server-rendered pages over the app's stores, at /dashboard (not part of the API schema).

Runs and their live progress (server-sent events, or polling), the lab's experiments and the research queue,
discovery loops and their digests, a run's lineage graph (SVG drawn here), eval runs with their plots, and
compound pages with properties and model predictions. Sign-in takes an API key through a form and keeps it in
an HttpOnly, SameSite=Strict cookie (see server.dashboard.auth); every asset is served from here, no CDN.
"""

from __future__ import annotations

import uuid
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sse_starlette import EventSourceResponse

from server.api.errors import ApiError
from server.dashboard import pages
from server.dashboard.auth import (
    COOKIE,
    COOKIE_PATH,
    MAX_AGE_S,
    check_csrf,
    data_reader,
    page_reader,
    require_scope,
    safe_next,
)
from server.keys import ApiKey

router = APIRouter(prefix=COOKIE_PATH, include_in_schema=False)
HERE = Path(__file__).resolve().parent.parent / "dashboard"
STATIC = {"dashboard.css": "text/css", "dashboard.js": "text/javascript"}
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def _templates():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("key", getattr(request.state, "api_key", None))
    context.setdefault("csrf", getattr(request.state, "csrf", None))
    html = _templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def _not_found(request: Request, what: str) -> HTMLResponse:
    return render(request, "error.html", 404, title="Not found", detail=what)


def _back(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


async def form_data(request: Request) -> dict[str, str]:
    """An urlencoded form's fields (the last value of each); the body limit middleware bounds its size."""
    body = (await request.body()).decode("utf-8", errors="replace")
    return {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}


@router.get("")
def home() -> RedirectResponse:
    return _back(f"{COOKIE_PATH}/runs")


@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(HERE / "static" / name, media_type=STATIC[name], headers={"Cache-Control": "max-age=300"})


@router.get("/login")
def login_form(request: Request, target: str | None = Query(None, alias="next", max_length=2000)) -> HTMLResponse:
    return render(request, "login.html", next=safe_next(target), key=None, csrf=None)


@router.post("/login")
def login(request: Request, form: dict = Depends(form_data)) -> Response:
    token = (form.get("key") or "").strip()
    key = request.app.state.keys.verify(token) if token else None
    target = safe_next(form.get("next"))
    if key is None:
        return render(request, "login.html", 401, next=target, key=None, csrf=None, message="That key is not valid "
                      "(unknown, mistyped or revoked).", message_kind="error")  # fmt: skip
    response = _back(target)
    response.set_cookie(COOKIE, token, max_age=MAX_AGE_S, path=COOKIE_PATH, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")  # fmt: skip
    return response


@router.post("/logout")
def logout(request: Request, form: dict = Depends(form_data), key: ApiKey = Depends(page_reader)) -> Response:
    check_csrf(request, form.get("csrf"))
    response = _back(f"{COOKIE_PATH}/login")
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")
    return response


@router.get("/runs")
def runs(request: Request, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    return render(request, "runs.html", section="runs", **pages.runs_page(request.app.state))


@router.post("/runs")
def start_run(request: Request, form: dict = Depends(form_data), key: ApiKey = Depends(page_reader)) -> Response:
    check_csrf(request, form.get("csrf"))
    require_scope(request, "run")
    state = request.app.state
    model = form.get("model") or "ech0"
    runtime = state.profiles.get(model)
    text = (form.get("request") or "").strip()
    limit = runtime.settings.llm.max_request_chars
    if not text or len(text) > limit:
        message = "Say what to research." if not text else f"Keep the request under {limit:,} characters."
        return render(request, "runs.html", 400, section="runs", message=message, message_kind="error",
                      **pages.runs_page(state))  # fmt: skip
    job_id = uuid.uuid4().hex[:12]
    state.jobs.create(job_id, text, model, key.name, partial(runtime.research.ask, text, job_id))
    return _back(f"{COOKIE_PATH}/runs/{job_id}")


@router.get("/runs/{run_id}")
def run_view(run_id: str, request: Request, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    data = pages.run_page(request.app.state, run_id) if pages.RUN_ID.match(run_id) else None
    if data is None:
        return _not_found(request, f"No run {run_id!r}.")
    return render(request, "run.html", section="runs", run=data)


@router.get("/runs/{run_id}/status")
def run_status(run_id: str, request: Request, key: ApiKey = Depends(data_reader)) -> dict:
    state = request.app.state
    job = state.jobs.store.get(run_id) if pages.RUN_ID.match(run_id) else None
    if job is None:
        raise ApiError(404, f"no research job {run_id!r}", "job_not_found")
    progress = None
    if job["status"] == "running":
        progress = state.profiles.get(job["model"]).research.progress(run_id)
    return {"id": run_id, "status": job["status"], "progress": progress}


@router.get("/runs/{run_id}/events")
def run_events(run_id: str, request: Request, key: ApiKey = Depends(data_reader)) -> EventSourceResponse:
    from server.api.research import _events

    state = request.app.state
    if not pages.RUN_ID.match(run_id) or state.jobs.store.get(run_id) is None:
        raise ApiError(404, f"no research job {run_id!r}", "job_not_found")
    return EventSourceResponse(_events(run_id, state.jobs, state.profiles), ping=15)


@router.post("/runs/{run_id}/{action}")
def decide(run_id: str, action: str, request: Request, form: dict = Depends(form_data),
           key: ApiKey = Depends(page_reader)) -> Response:  # fmt: skip
    from server.api.research import _decide

    check_csrf(request, form.get("csrf"))
    require_scope(request, "run")
    if action not in ("approve", "reject") or not pages.RUN_ID.match(run_id):
        return _not_found(request, f"No action {action!r} on runs.")
    state = request.app.state
    _decide(run_id, action == "approve", key, state.profiles, state.jobs)
    return _back(f"{COOKIE_PATH}/runs/{run_id}")


@router.get("/lab")
def lab(request: Request, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    return render(request, "lab.html", section="lab", **pages.lab_page(request.app.state))


def _next_run(request: Request):
    from server.api.schedules import next_run

    return lambda name: next_run(request, name)


@router.get("/schedules")
def schedules(request: Request, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    running = request.app.state.scheduler is not None
    data = pages.schedules_page(request.app.state, _next_run(request))
    return render(request, "schedules.html", section="schedules", scheduler_running=running, **data)


@router.get("/schedules/{name}")
def schedule(name: str, request: Request, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    data = pages.schedule_page(request.app.state, name, _next_run(request))
    if data is None:
        return _not_found(request, f"No discovery loop {name!r}.")
    return render(request, "schedule.html", section="schedules", **data)


@router.post("/schedules/{name}/{action}")
def schedule_action(name: str, action: str, request: Request, form: dict = Depends(form_data),
                    key: ApiKey = Depends(page_reader)) -> Response:  # fmt: skip
    from server.api import schedules as api

    check_csrf(request, form.get("csrf"))
    require_scope(request, "run")
    state = request.app.state
    if action == "run":
        api.run_schedule(request, name, state.loops, state.profiles.base)
    elif action in ("pause", "resume"):
        api._set_paused(request, state.loops, name, action == "pause")
    else:
        return _not_found(request, f"No action {action!r} on loops.")
    return _back(f"{COOKIE_PATH}/schedules")


@router.get("/evals")
def evals(request: Request, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    return render(request, "evals.html", section="evals", **pages.evals_page(request.app.state))


@router.get("/evals/trend.png")
def eval_trend(
    request: Request,
    suite: str = Query(..., pattern=r"^[a-z]{1,32}$"),
    metric: str = Query(..., max_length=100),
    key: ApiKey = Depends(page_reader),
) -> Response:
    png = pages.trend_png(request.app.state, suite, metric)
    if png is None:
        return Response("no runs with that metric", status_code=404, media_type="text/plain")
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})


@router.get("/evals/{run_id}")
def eval_view(run_id: str, request: Request, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    data = pages.eval_page(request.app.state, run_id)
    if data is None:
        return _not_found(request, f"No eval run {run_id!r}.")
    return render(request, "eval.html", section="evals", **data)


@router.get("/evals/{run_id}/files/{name}")
def eval_file(run_id: str, name: str, request: Request, key: ApiKey = Depends(page_reader)) -> Response:
    path = pages.eval_file(request.app.state, run_id, name)
    if path is None:
        return Response("not found", status_code=404, media_type="text/plain")
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@router.get("/compounds")
def compounds(request: Request, q: str | None = None, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    if not q or not q.strip():
        return render(request, "compounds.html", section="compounds", c=None, query=None)
    return _compound(request, q.strip()[:2000])


@router.get("/compounds/{query:path}")
def compound(query: str, request: Request, key: ApiKey = Depends(page_reader)) -> HTMLResponse:
    return _compound(request, query[:2000])


def _compound(request: Request, query: str) -> HTMLResponse:
    from knowledge.common.errors import Ech0Error

    try:
        data = pages.compound_page(request.app.state.profiles.base, query)
    except Ech0Error as exc:
        return render(request, "compounds.html", 404, section="compounds", c=None, query=query, message=str(exc),
                      message_kind="error")  # fmt: skip
    return render(request, "compounds.html", section="compounds", c=data, query=query,
                  permalink=f"{COOKIE_PATH}/compounds/{quote(data['record'].key, safe=':')}")  # fmt: skip
