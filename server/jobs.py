"""Background research jobs: a bounded thread pool, with every job's status and result in the results database.

Statuses: queued → running → done | failed | awaiting_approval, and cancelled from any of queued, running or
awaiting_approval. State changes are compare-and-set updates in SQL, so several server processes can share one
database: any of them answers for any job, and a cancel wins over a result that arrives later (a running
thread cannot be stopped; its result is then discarded). A job whose process died is marked failed when a
process on the same host starts, and can be resumed from its checkpoint.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, String, Text, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables, engine_for
from knowledge.common.errors import Ech0Error

log = logging.getLogger("ech0.jobs")

ACTIVE = ("queued", "running")
TERMINAL = ("done", "failed", "cancelled")
STATUSES = (*ACTIVE, "awaiting_approval", *TERMINAL)


class JobQueueFullError(Ech0Error):
    """Too many research jobs are waiting; the client should retry later."""


class JobRow(Base):
    __tablename__ = "research_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    request: Mapped[str] = mapped_column(Text)
    profile: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24), index=True)
    owner: Mapped[str] = mapped_column(String(64))
    worker: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[dict | None] = mapped_column(JSON, nullable=True)


def _iso(value: datetime) -> str:
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat(timespec="milliseconds")


def _as_dict(row: JobRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "status": row.status,
        "request": row.request,
        "model": row.profile,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "result": row.result,
        "error": row.error,
    }


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobStore:
    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        create_tables(self.engine, JobRow)

    def create(
        self, job_id: str, request: str, profile: str, owner: str, worker: str, status: str = "queued"
    ) -> dict[str, Any]:
        now = datetime.now(UTC)
        row = JobRow(
            id=job_id,
            request=request,
            profile=profile,
            status=status,
            owner=owner,
            worker=worker,
            created_at=now,
            updated_at=now,
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            return _as_dict(row)

    def get(self, job_id: str) -> dict[str, Any] | None:
        with Session(self.engine) as session:
            row = session.get(JobRow, job_id)
            return None if row is None else _as_dict(row)

    def list(self, limit: int = 50, status: str | None = None) -> list[dict[str, Any]]:
        query = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
        if status is not None:
            query = query.where(JobRow.status == status)
        with Session(self.engine) as session:
            return [_as_dict(r) for r in session.scalars(query)]

    def transition(self, job_id: str, from_statuses: Iterable[str], to_status: str, **fields: Any) -> bool:
        """Atomically move a job to `to_status` if it is in one of `from_statuses`; False when it was not."""
        values = {"status": to_status, "updated_at": datetime.now(UTC), **fields}
        query = update(JobRow).where(JobRow.id == job_id, JobRow.status.in_(list(from_statuses))).values(**values)
        with Session(self.engine) as session, session.begin():
            return session.execute(query).rowcount == 1

    def interrupt_orphans(self, worker: str) -> int:
        """Fail the active jobs of dead processes on this host (a restart); returns how many."""
        host = worker.rsplit(":", 1)[0]
        with Session(self.engine) as session:
            rows = session.scalars(select(JobRow).where(JobRow.status.in_(ACTIVE))).all()
            orphans = []
            for row in rows:
                row_host, _, pid = row.worker.rpartition(":")
                if row_host == host and row.worker != worker and pid.isdigit() and not _pid_alive(int(pid)):
                    orphans.append(row.id)
        error = {
            "message": "the server stopped before this job finished: resume it with POST /v1/research/{id}/resume",
            "type": "interrupted",
        }
        return sum(self.transition(job_id, ACTIVE, "failed", error=error) for job_id in orphans)

    def close(self) -> None:
        self.engine.dispose()


class JobManager:
    """Runs job functions on a bounded pool and records their outcome in the JobStore."""

    def __init__(self, store: JobStore, max_workers: int = 2, max_queued: int = 100) -> None:
        self.store = store
        self.worker = this_worker()
        self.max_queued = max_queued
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="ech0-job")
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.store.interrupt_orphans(self.worker)

    def pending(self) -> int:
        with self._lock:
            return sum(1 for f in self._futures.values() if not f.running())

    def check_capacity(self) -> None:
        if self.pending() >= self.max_queued:
            raise JobQueueFullError(f"{self.max_queued} research jobs are already waiting: retry in a minute")

    def create(self, job_id: str, request: str, profile: str, owner: str, fn: Callable[[], dict]) -> dict[str, Any]:
        """Record a new job and queue `fn`, which returns the job's result."""
        self.check_capacity()
        job = self.store.create(job_id, request, profile, owner, self.worker)
        self._submit(job_id, fn)
        return job

    def adopt(self, run_id: str, request: str, profile: str, owner: str, status: str) -> dict[str, Any]:
        """A job record for a run started elsewhere (a chat completion, the CLI), so that it can be followed up."""
        try:
            return self.store.create(run_id, request, profile, owner, self.worker, status=status)
        except IntegrityError:  # adopted by a concurrent request
            return self.store.get(run_id)

    def requeue(self, job_id: str, from_statuses: Iterable[str], fn: Callable[[], dict]) -> bool:
        """Run `fn` for an existing job (resume, approve, reject) if it is in one of `from_statuses`."""
        self.check_capacity()
        if not self.store.transition(job_id, from_statuses, "queued", error=None, worker=self.worker):
            return False
        self._submit(job_id, fn)
        return True

    def cancel(self, job_id: str) -> bool:
        """Cancel a queued, running or waiting job; False when it had already finished."""
        if not self.store.transition(job_id, (*ACTIVE, "awaiting_approval"), "cancelled"):
            return False
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.cancel()  # only stops a job that has not started; a running one finishes and is discarded
        return True

    def _submit(self, job_id: str, fn: Callable[[], dict]) -> None:
        with self._lock:
            future = self._executor.submit(self._run, job_id, fn)
            self._futures[job_id] = future
        future.add_done_callback(lambda _f: self._forget(job_id, future))

    def _forget(self, job_id: str, future: Future) -> None:
        with self._lock:
            if self._futures.get(job_id) is future:
                del self._futures[job_id]

    def _run(self, job_id: str, fn: Callable[[], dict]) -> None:
        if not self.store.transition(job_id, ("queued",), "running"):
            return  # cancelled while it waited
        try:
            result = fn()
        except Ech0Error as exc:
            self.store.transition(job_id, ("running",), "failed", error={"message": str(exc), "type": error_kind(exc)})
            return
        except Exception:
            log.exception("research job %s failed", job_id)
            error = {"message": "internal error while running the job: see the server log", "type": "internal_error"}
            self.store.transition(job_id, ("running",), "failed", error=error)
            return
        status = "awaiting_approval" if result.get("status") == "awaiting_approval" else "done"
        self.store.transition(job_id, ("running",), status, result=result)

    def shutdown(self) -> None:
        """Stop taking jobs; those still queued here are marked failed so that they can be resumed."""
        with self._lock:
            ids = [job_id for job_id, f in self._futures.items() if not f.running() and not f.done()]
        self._executor.shutdown(wait=False, cancel_futures=True)
        error = {"message": "the server stopped before this job ran: resume it", "type": "interrupted"}
        for job_id in ids:
            self.store.transition(job_id, ("queued",), "failed", error=error)


def error_kind(exc: Exception) -> str:
    """snake_case of the error class, e.g. IndexMissingError → index_missing."""
    name = type(exc).__name__.removesuffix("Error") or "Ech0"
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))
