"""The ECH0 HTTP API: `create_app(settings)` composes the routers, the stores and the middleware.

`factory()` builds the settings itself (environment, ech0.toml), for `uvicorn --factory server.app:factory`,
which is how `ech0 serve` starts one or several worker processes.

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
- Research jobs run in each worker's bounded pool (server.job_workers threads, server.max_queued_jobs waiting,
  then 503); any worker answers for any job, and a cancel recorded by one is honoured by the one running it.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from server.api import chat, compounds, feedback, health, keys, labs, models, research, search
from server.api.deps import RateLimiter, require_read
from server.api.errors import install_error_handlers
from server.api.middleware import BodyLimitMiddleware, Metrics, MetricsMiddleware
from server.api.profiles import Profiles
from server.feedback_store import FeedbackStore
from server.jobs import JobManager, JobStore
from server.keys import KeyStore
from server.settings import Settings
from server.wiring import Runtime, build_runtime

DESCRIPTION = (
    "ECH0 research orchestrator: cited literature answers, RDKit chemistry and property models. "
    "Every endpoint but /healthz needs `Authorization: Bearer KEY` (`ech0 keys create NAME --scope read|run|admin`)."
)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """The app over `runtime` (built from `settings` when not given; then the app closes it on shutdown)."""
    settings = settings or (runtime.settings if runtime is not None else Settings())
    owns_runtime = runtime is None
    runtime = runtime or build_runtime(settings)
    server = settings.server

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
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

    install_error_handlers(app)
    if not server.public_docs:

        @app.get("/openapi.json", include_in_schema=False, dependencies=[Depends(require_read)])
        def openapi() -> dict:
            return app.openapi()

    # Property models before chat: /v1/models/properties must not be read as a model named "properties".
    for module in (health, models, chat, research, search, compounds, labs, feedback, keys):
        app.include_router(module.router)

    # Added last = outermost: metrics see every response, 413s included; CORS answers preflights first.
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


def prepare_database(settings: Settings) -> None:
    """Create every table once, before worker processes start (workers creating them at once would race)."""
    from agents.store import RunStore
    from labs.store import ExperimentStore

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for store in (KeyStore, FeedbackStore, JobStore, RunStore, ExperimentStore):
        engine = getattr(store(settings.db_url), "engine", None)
        if engine is not None:
            engine.dispose()


def factory() -> FastAPI:
    """uvicorn's factory: each worker process reads the settings and builds its own runtime."""
    return create_app(Settings())
