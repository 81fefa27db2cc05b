"""Scheduling discovery loops with APScheduler: loop definitions live in the loop store, job state (next run
times) in APScheduler's SQLAlchemy job store, both in the results database. `sync` makes the jobs match the
loops (new, changed, paused, resumed); the daemon and `ech0 serve` call it at start and every half minute.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from agents.loops.store import LoopStore

if TYPE_CHECKING:
    from agents.loops.iteration import LoopServices
    from server.wiring import Runtime

log = logging.getLogger("ech0.loops")
JOB_PREFIX = "loop:"


@lru_cache(maxsize=1)
def _runtime():
    from server.settings import current_settings
    from server.wiring import build_runtime

    return build_runtime(current_settings())


_bound: list = []  # the serving app's runtime, when `ech0 serve` runs the loops in its own process


def bind_runtime(runtime) -> None:
    """Run scheduled iterations on `runtime` (None: build one from the settings, as the daemon does).

    `ech0 serve` binds its own runtime: the embedded index opens once per process, so a second runtime there
    could not search it.
    """
    _bound[:] = [] if runtime is None else [runtime]


def digest_dir(data_dir: Path) -> Path:
    return data_dir / "loops"


def loop_services(runtime: Runtime) -> LoopServices:
    """What a loop iteration uses of `runtime`, each part built on first use."""
    from agents.loops.iteration import LoopServices
    from server.wiring import make_http_client

    def fetch_documents(source: str, query: str, max_results: int) -> list:
        with make_http_client(runtime.settings) as http:
            return runtime.fetch_documents(source, query, max_results, http).documents

    def add_documents(docs: list) -> object:
        runtime.retriever.close()  # the embedded index has one writer: let ingestion open it
        return runtime.add_documents(docs)

    return LoopServices(
        fetch_documents=fetch_documents,
        add_documents=add_documents,
        ask=lambda request: runtime.research.ask(request),
        embed=lambda texts: runtime.embedder.embed_documents(texts),
        compound=lambda key: runtime.compounds.get(key),
        run_lab=lambda lab, operation, params: runtime.labs.run(lab, operation, params),
        count_steps=lambda run_id: len(runtime.runs.get_run(run_id)["steps"]),
    )


def run_loop_job(name: str) -> None:
    """The scheduled job (a module-level function, so that the job store can name it)."""
    from agents.loops.iteration import run_iteration

    runtime = _bound[0] if _bound else _runtime()
    store = LoopStore(runtime.settings.db_url)
    if store.get(name)["paused"]:
        return
    digest = run_iteration(loop_services(runtime), store, name, digest_dir(runtime.settings.data_dir))
    if digest is None:
        log.info("loop %s: an iteration is already running; this trigger is skipped", name)
    else:
        log.info("loop %s: iteration %s, %d new findings", name, digest["iteration"], len(digest["new_findings"]))


def sync(scheduler, store: LoopStore) -> None:
    """Add, update or remove jobs so that every unpaused loop has exactly one interval job."""
    loops = {f"{JOB_PREFIX}{loop['name']}": loop for loop in store.list()}
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and (job.id not in loops or loops[job.id]["paused"]):
            job.remove()
    for job_id, loop in loops.items():
        if loop["paused"]:
            continue
        job = scheduler.get_job(job_id)
        if job is None or job.trigger.interval.total_seconds() != loop["every_s"]:
            scheduler.add_job(run_loop_job, "interval", seconds=loop["every_s"], id=job_id, args=[loop["name"]],
                              replace_existing=True, max_instances=1, coalesce=True,
                              misfire_grace_time=int(loop["every_s"]))  # fmt: skip


def make_scheduler(db_url: str, blocking: bool = False):
    """A scheduler whose loop jobs persist in the database, plus an in-memory job that re-syncs them."""
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler

    from knowledge.common.db import engine_for

    cls = BlockingScheduler if blocking else BackgroundScheduler
    # the job store shares the stores' engine: one connection pool per database per process
    job_store = SQLAlchemyJobStore(engine=engine_for(db_url), tablename="loop_jobs")
    jobstores = {"default": job_store, "memory": MemoryJobStore()}
    scheduler = cls(jobstores=jobstores, timezone="UTC")
    store = LoopStore(db_url)
    # the sync job holds the scheduler itself, which cannot be pickled: it lives in the memory store
    scheduler.add_job(sync, "interval", seconds=30, id="loops-sync", args=[scheduler, store], jobstore="memory")
    return scheduler, store
