"""The lab orchestrator: a priority queue of experiments run by a pool of workers, with scheduling and caching.

- An experiment is (lab, operation, params); the lab's prepared parameters hash to its id, the cache key. A job
  whose experiment is stored returns the stored result marked `cached`; two jobs of the same experiment running
  at once compute it once (the second waits for the first and is marked `cached`).
- Jobs run highest `priority` first, then in submission order; a job with `run_at` waits until that time.
- Workers are threads (`mode="thread"`) or threads that hand the computation to a process pool
  (`mode="process"`, for CPU-bound labs; parameters and outputs must pickle). Planning, the cache lookup and
  recording always happen in this process.
- A job never raises: it ends `done` with a result or `failed` with a typed `Failure`.

Every job is mirrored in the `lab_jobs` table (see labs.jobs) so other processes can list and drain the queue.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
import traceback
import uuid
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from knowledge.common.errors import Ech0Error
from labs.base import ExperimentResult
from labs.jobs import JobStore, utc
from labs.lineage import LineageStore
from labs.runner import LabRunner, check_params, compute

FailureKind = Literal["invalid_experiment", "lab_error", "missing_reference", "exception", "cancelled"]


class Failure(BaseModel):
    """Why a job or workflow node failed: `lab_error` is bad input the lab refused (an Ech0Error);
    `invalid_experiment` an unknown operation, bad parameters or a missing resource found while planning;
    `missing_reference` a workflow reference with nothing at its path; `exception` an unexpected error."""

    kind: FailureKind
    message: str
    error_type: str | None = None
    detail: str | None = None


class JobFailed(Exception):
    def __init__(self, failure: Failure) -> None:
        self.failure = failure
        super().__init__(failure.message)


def failure_of(exc: BaseException, kind: FailureKind) -> Failure:
    if isinstance(exc, JobFailed):
        return exc.failure
    if isinstance(exc, Ech0Error):
        return Failure(kind=kind, message=str(exc), error_type=type(exc).__name__)
    tail = "".join(traceback.format_exception(exc)[-3:])[-1500:]
    return Failure(kind="exception", message=f"{type(exc).__name__}: {exc}", error_type=type(exc).__name__, detail=tail)


@dataclass
class Job:
    id: str
    lab: str
    operation: str
    params: dict[str, Any]
    priority: int = 0
    run_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    submitted_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    status: str = "queued"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    start_order: int | None = None
    result: ExperimentResult | None = None
    failure: Failure | None = None
    future: Future = field(default_factory=Future, repr=False)

    @property
    def experiment_id(self) -> str | None:
        return self.result.experiment_id if self.result else None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lab": self.lab,
            "operation": self.operation,
            "priority": self.priority,
            "status": self.status,
            "run_at": self.run_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "experiment_id": self.experiment_id,
            "cached": self.result.cached if self.result else None,
            "failure": self.failure.model_dump() if self.failure else None,
        }


def _when(run_at: datetime | float | None, delay: float | None) -> datetime:
    now = datetime.now(UTC)
    if run_at is not None and delay is not None:
        raise Ech0Error("give run_at or delay, not both")
    if delay is not None:
        return datetime.fromtimestamp(now.timestamp() + delay, UTC)
    if run_at is None:
        return now
    return datetime.fromtimestamp(run_at, UTC) if isinstance(run_at, int | float) else utc(run_at)


class Orchestrator:
    def __init__(
        self,
        runner: LabRunner,
        workers: int = 2,
        mode: Literal["thread", "process"] = "thread",
        start: bool = True,
    ) -> None:
        if workers < 1:
            raise Ech0Error(f"workers must be at least 1, not {workers}")
        if mode not in ("thread", "process"):
            raise Ech0Error(f"unknown worker mode {mode!r}: choose thread or process")
        self.runner = runner
        self.workers = workers
        self.jobs = JobStore(runner.store.engine)
        self.lineage = LineageStore(runner.store.engine)
        self._pool = None
        if mode == "process":
            import multiprocessing

            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        self._cond = threading.Condition()
        self._ready: list[tuple[int, int, str]] = []  # (-priority, seq, job id)
        self._delayed: list[tuple[float, int, str]] = []  # (run_at timestamp, seq, job id)
        self._jobs: dict[str, Job] = {}
        self._inflight: dict[str, Future] = {}
        self._seq = itertools.count()
        self._order = itertools.count()
        self._threads: list[threading.Thread] = []
        self._closing = False

    # lifecycle ------------------------------------------------------------------------------------------------
    def start(self) -> Orchestrator:
        with self._cond:
            if self._threads:
                return self
            for i in range(self.workers):
                thread = threading.Thread(target=self._work, name=f"lab-worker-{i}", daemon=True)
                self._threads.append(thread)
                thread.start()
        return self

    def close(self) -> None:
        """Finish the jobs that are due, leave scheduled ones queued (in the table, for a later drain), stop."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join()
        with self._cond:
            for _, _, job_id in self._delayed:
                self._jobs[job_id].future.cancel()
            self._delayed.clear()
        if self._pool is not None:
            self._pool.shutdown()

    def __enter__(self) -> Orchestrator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # submitting -----------------------------------------------------------------------------------------------
    def submit(
        self,
        lab: str,
        operation: str,
        params: dict[str, Any] | None = None,
        priority: int = 0,
        run_at: datetime | float | None = None,
        delay: float | None = None,
        run_id: str | None = None,
        node: str | None = None,
        record: bool = True,
    ) -> Job:
        """Queue one experiment; raises Ech0Error at once for an unknown operation or parameter names."""
        params = dict(params or {})
        check_params(lab, operation, self.runner.operation(lab, operation), params)
        job = Job(
            id="job-" + uuid.uuid4().hex[:12],
            lab=lab,
            operation=operation,
            params=params,
            priority=priority,
            run_at=_when(run_at, delay),
        )
        if record:
            self.jobs.add(
                id=job.id,
                lab=lab,
                operation=operation,
                params=params,
                priority=priority,
                run_at=job.run_at,
                status="queued",
                submitted_at=job.submitted_at,
                run_id=run_id,
                node=node,
            )
        self._enqueue(job)
        return job

    def _enqueue(self, job: Job) -> None:
        with self._cond:
            if self._closing:
                raise Ech0Error("the orchestrator is closed: start a new one to submit jobs")
            self._jobs[job.id] = job
            seq = next(self._seq)
            if job.run_at.timestamp() <= time.time():
                heapq.heappush(self._ready, (-job.priority, seq, job.id))
            else:
                heapq.heappush(self._delayed, (job.run_at.timestamp(), seq, job.id))
            self._cond.notify()

    def load_queued(self) -> list[Job]:
        """Take the table's queued jobs that this orchestrator does not hold yet (submitted elsewhere)."""
        taken = []
        for row in self.jobs.queued():
            if row["id"] in self._jobs:
                continue
            job = Job(
                id=row["id"],
                lab=row["lab"],
                operation=row["operation"],
                params=row["params"],
                priority=row["priority"],
                run_at=row["run_at"],
                submitted_at=row["submitted_at"],
            )
            self._enqueue(job)
            taken.append(job)
        return taken

    def run_batch(self, lab: str, operation: str, rows: list[dict[str, Any]], priority: int = 0) -> dict[str, Any]:
        """Run one operation over many parameter sets; rows that fail are listed with their row number and
        typed failure, the others give their results."""
        jobs: dict[int, Job] = {}
        errors: list[dict[str, Any]] = []
        for i, params in enumerate(rows):
            try:
                jobs[i] = self.submit(lab, operation, params, priority=priority)
            except Ech0Error as exc:
                errors.append({"row": i, "failure": failure_of(exc, "invalid_experiment").model_dump()})
        self.wait(list(jobs.values()))
        results = []
        for i, job in jobs.items():
            if job.result is not None:
                results.append({"row": i, **job.result.model_dump(mode="json")})
            else:
                errors.append({"row": i, "failure": job.failure.model_dump() if job.failure else None})
        errors.sort(key=lambda e: e["row"])
        return {"results": results, "errors": errors, "n": len(rows), "n_errors": len(errors)}

    # waiting and looking --------------------------------------------------------------------------------------
    def wait(self, jobs: list[Job], timeout: float | None = None) -> list[Job]:
        """Block until the jobs are finished (or the timeout passes); returns them."""
        wait([j.future for j in jobs], timeout=timeout)
        return jobs

    def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """This orchestrator's jobs by status."""
        with self._cond:
            jobs = list(self._jobs.values())
        out: dict[str, list[dict[str, Any]]] = {"queued": [], "running": [], "done": [], "failed": []}
        for job in jobs:
            out.setdefault(job.status, []).append(job.summary())
        return out

    # working --------------------------------------------------------------------------------------------------
    def _next(self) -> Job | None:
        with self._cond:
            while True:
                now = time.time()
                while self._delayed and self._delayed[0][0] <= now:
                    due, seq, job_id = heapq.heappop(self._delayed)
                    heapq.heappush(self._ready, (-self._jobs[job_id].priority, seq, job_id))
                if self._ready:
                    _, _, job_id = heapq.heappop(self._ready)
                    job = self._jobs[job_id]
                    job.status, job.started_at = "running", datetime.now(UTC)
                    job.start_order = next(self._order)
                    return job
                if self._closing:
                    return None
                self._cond.wait(self._delayed[0][0] - now if self._delayed else None)

    def _work(self) -> None:
        while (job := self._next()) is not None:
            if not self.jobs.claim(job.id, job.started_at) and self.jobs.get(job.id) is not None:
                job.status = "cancelled"  # another process took it from the table first
                job.future.set_result(job)
                continue
            try:
                job.result = self._execute(job)
                job.status = "done"
            except Exception as exc:  # a job never raises: every failure becomes a typed record
                job.failure, job.status = failure_of(exc, "lab_error"), "failed"
            job.finished_at = datetime.now(UTC)
            self.jobs.finish(
                job.id,
                status=job.status,
                finished_at=job.finished_at,
                experiment_id=job.experiment_id,
                cached=job.result.cached if job.result else None,
                failure=job.failure.model_dump() if job.failure else None,
            )
            job.future.set_result(job)

    def _execute(self, job: Job) -> ExperimentResult:
        try:
            planned = self.runner.plan(job.lab, job.operation, job.params)
        except Exception as exc:
            raise JobFailed(failure_of(exc, "invalid_experiment")) from exc
        stored = self.runner.store.get(planned.id)
        if stored is not None:
            return stored
        with self._cond:
            leader = self._inflight.get(planned.id)
            if leader is None:
                mine: Future = Future()
                self._inflight[planned.id] = mine
        if leader is not None:  # the same experiment is running now: wait for it instead of computing twice
            return leader.result().model_copy(update={"cached": True})
        try:
            started = time.perf_counter()
            e = planned.experiment
            if self._pool is not None:
                outputs = self._pool.submit(compute, e.lab, e.operation, e.params, self.runner.context).result()
            else:
                outputs = planned.fn(**e.params)
            result = self.runner.record(planned, outputs, time.perf_counter() - started)
            mine.set_result(result)
            return result
        except Exception as exc:
            failed = JobFailed(failure_of(exc, "lab_error"))
            mine.set_exception(failed)
            raise failed from exc
        finally:
            with self._cond:
                self._inflight.pop(planned.id, None)
