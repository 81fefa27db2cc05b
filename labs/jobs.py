"""The experiment queue's records in the results database: what is queued, running, done or failed.

Each orchestrator keeps its own in-memory priority queue; this table mirrors it so that another process
(`ech0 lab queue`) sees the queue, and so that jobs submitted by one process (`ech0 lab submit`) can be run by
another (`ech0 lab drain`). A job is claimed with a conditional update, so two drains never run the same job.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Engine, Integer, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables

STATUSES = ("queued", "running", "done", "failed", "cancelled")


class JobRow(Base):
    __tablename__ = "lab_jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    lab: Mapped[str] = mapped_column(String(64))
    operation: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    experiment_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    cached: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    failure: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    run_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    node: Mapped[str | None] = mapped_column(String(64), nullable=True)


def utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time here is UTC."""
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _as_dict(row: JobRow) -> dict[str, Any]:
    data = {c: getattr(row, c) for c in JobRow.__table__.columns.keys()}  # noqa: SIM118 (a ColumnCollection)
    for key in ("run_at", "submitted_at", "started_at", "finished_at"):
        data[key] = utc(data[key])
    return data


class JobStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(engine, JobRow)

    def add(self, **fields: Any) -> None:
        with Session(self.engine) as session, session.begin():
            session.add(JobRow(**fields))

    def claim(self, job_id: str, started_at: datetime) -> bool:
        """Mark a queued job running; False when another worker or process claimed it first."""
        with Session(self.engine) as session, session.begin():
            done = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == "queued")
                .values(status="running", started_at=started_at)
            )
            return done.rowcount == 1

    def finish(self, job_id: str, **fields: Any) -> None:
        with Session(self.engine) as session, session.begin():
            session.execute(update(JobRow).where(JobRow.id == job_id).values(**fields))

    def get(self, job_id: str) -> dict[str, Any] | None:
        with Session(self.engine) as session:
            row = session.get(JobRow, job_id)
            return _as_dict(row) if row else None

    def list(self, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Jobs newest first (queued ones by when they are due), optionally of one status."""
        with Session(self.engine) as session:
            query = select(JobRow).order_by(JobRow.submitted_at.desc()).limit(limit)
            if status:
                query = query.where(JobRow.status == status)
            return [_as_dict(r) for r in session.scalars(query)]

    def counts(self) -> dict[str, int]:
        with Session(self.engine) as session:
            rows = session.execute(select(JobRow.status, func.count()).group_by(JobRow.status)).all()
        found = dict(rows)
        return {s: int(found.get(s, 0)) for s in STATUSES}

    def queued(self) -> list[dict[str, Any]]:
        """Every queued job, due first."""
        with Session(self.engine) as session:
            query = select(JobRow).where(JobRow.status == "queued").order_by(JobRow.run_at, JobRow.submitted_at)
            return [_as_dict(r) for r in session.scalars(query)]
