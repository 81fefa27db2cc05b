"""The ECH0 HTTP API: `create_app(settings)` composes the routers, the stores and the middleware.

`factory()` builds the settings itself (environment, ech0.toml), for `uvicorn --factory server.app:factory`,
which is how `ech0 serve` starts one or several worker processes.

Start-up (server.preload, on by default): each process loads the embedding model, the literature index and the
compound store in the background; /healthz answers 503 `starting` until they are loaded (then `ok`, with any
part that could not load under `problems`), and other requests wait for them instead of loading them again.

Serving at scale (`ech0 serve --workers N`, or ECH0_SERVER__WORKERS):
- Every worker builds its own runtime from the same settings. What they share lives in the database: API
  keys, research jobs, feedback, runs and experiments. SQLite (the default, in DATA_DIR) serves one host; for
  several hosts set ECH0_DATABASE_URL=postgresql+psycopg://… (the `scale` extra installs psycopg).
- The embedded index opens in one process only, so several workers need the index on a Qdrant server:
  ECH0_KNOWLEDGE__INDEX_BACKEND=qdrant and ECH0_KNOWLEDGE__QDRANT_URL=http://qdrant:6333 (`ech0 serve`
  refuses --workers > 1 on the embedded index rather than fail every other search).
- Graph checkpoints are a SQLite file in DATA_DIR (server.wiring): resuming a run works on the host that ran it.
- Rate limits and /metrics are per worker process: a key may make up to N × rate_limit_per_minute requests a
  minute over N workers, and each scrape of /metrics sees the worker that answered it.
- Discovery loops: each process that serves with server.run_loops (the default) runs the loop scheduler; with
  several workers or hosts set ECH0_SERVER__RUN_LOOPS=false and run one `ech0 loop daemon` instead (an
  overlapping trigger is harmless: an iteration is exclusive, but each scheduler would try).
- Research jobs run in each worker's bounded pool (server.job_workers threads, server.max_queued_jobs waiting,
  then 503); any worker answers for any job, and a cancel recorded by one is honoured by the one running it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from agents.loops.store import LoopStore
from server.api import (
    chat,
    compounds,
    dashboard,
    feedback,
    health,
    keys,
    labs,
    log_redaction,
    models,
    research,
    schedules,
    search,
)
from server.api.deps import require_read
from server.api.errors import install_error_handlers
from server.api.middleware import BodyLimitMiddleware, Metrics, MetricsMiddleware, RateLimiter
from server.api.profiles import Profiles
from server.feedback_store import FeedbackStore
from server.jobs import JobManager, JobStore
from server.keys import KeyStore
from server.settings import Settings, current_settings
from server.warmup import Warmup, WarmupGate
from server.wiring import Runtime, build_runtime

DESCRIPTION = (
    "ECH0 research orchestrator: cited literature answers, RDKit chemistry and property models. "
    "Every endpoint but /healthz needs `Authorization: Bearer KEY` (`ech0 keys create NAME --scope read|run|admin`)."
)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """The app over `runtime` (built from `settings` when not given; then the app closes it on shutdown)."""
    settings = settings or (runtime.settings if runtime is not None else current_settings())
    log_redaction.install()  # before the first request can be logged
    owns_runtime = runtime is None
    runtime = runtime or build_runtime(settings)
    server = settings.server

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if server.preload:  # /healthz says `starting` until the model, index and compounds are loaded
            app.state.warmup = Warmup(runtime)
            app.state.warmup.start()
        if server.run_loops:
            app.state.scheduler = start_scheduler(settings, runtime)
        try:
            yield
        finally:
            if app.state.scheduler is not None:
                stop_scheduler(app.state.scheduler)
                app.state.scheduler = None
            app.state.loop_runner.shutdown(wait=False, cancel_futures=True)
        app.state.jobs.shutdown()
        if owns_runtime:
            app.state.profiles.close()

    docs = {} if server.public_docs else {"docs_url": None, "redoc_url": None, "openapi_url": None}
    app = FastAPI(title="ECH0", version="0.1.0", description=DESCRIPTION, lifespan=lifespan, **docs)
    app.state.settings = settings
    app.state.profiles = Profiles(runtime)
    app.state.keys = KeyStore(settings.db_url)
    app.state.feedback = FeedbackStore(settings.db_url)
    app.state.jobs = JobManager(JobStore(settings.db_url), server.job_workers, server.max_queued_jobs)
    app.state.limiter = RateLimiter(server.rate_limit_per_minute)
    app.state.metrics = Metrics()
    app.state.loops = LoopStore(settings.db_url)
    app.state.loop_runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ech0-loop")
    app.state.scheduler = None  # the discovery-loop scheduler, while the app runs it (server.run_loops)
    app.state.warmup = None  # the runtime's warm-up, while `server.preload` has it load in the background

    install_error_handlers(app)
    if not server.public_docs:

        @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(require_read)])
        def openapi() -> dict:
            return app.openapi()

    # Property models before chat: /v1/models/properties must not be read as a model named "properties".
    for module in (health, models, chat, research, search, compounds, labs, feedback, keys, schedules, dashboard):
        app.include_router(module.router)

    # Added last = outermost: metrics see every response, 413s included; CORS answers preflights first.
    if server.preload:
        app.add_middleware(WarmupGate)
    app.add_middleware(BodyLimitMiddleware, max_bytes=server.max_request_bytes)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    if server.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=server.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )
    return app


def start_scheduler(settings: Settings, runtime: Runtime):
    """The discovery-loop scheduler (APScheduler, jobs in the results database), running on the app's runtime."""
    from server.scheduler import bind_runtime, make_scheduler, sync

    scheduler, store = make_scheduler(settings.db_url)
    bind_runtime(runtime)
    sync(scheduler, store)
    scheduler.start()
    return scheduler


def stop_scheduler(scheduler) -> None:
    """Stop scheduling; an iteration already running finishes in its thread (it is exclusive and idempotent)."""
    from server.scheduler import bind_runtime

    scheduler.shutdown(wait=False)  # also closes its job stores
    bind_runtime(None)


def prepare_database(settings: Settings) -> None:
    """Create every table once, before worker processes start (workers creating them at once would race)."""
    from agents.store import RunStore
    from labs.store import ExperimentStore

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for store in (KeyStore, FeedbackStore, JobStore, RunStore, ExperimentStore, LoopStore):
        engine = getattr(store(settings.db_url), "engine", None)
        if engine is not None:
            engine.dispose()


def factory() -> FastAPI:
    """uvicorn's factory: each worker process reads the settings and builds its own runtime."""
    return create_app(current_settings())
