"""Runs and their steps in SQL through SQLAlchemy (SQLite by default; PostgreSQL with the same code)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables, engine_for


class RunRow(Base):
    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    request: Mapped[str] = mapped_column(Text)
    backend: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    plan: Mapped[list] = mapped_column(JSON)
    report: Mapped[dict] = mapped_column(JSON)


class StepRow(Base):
    __tablename__ = "run_steps"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id"), primary_key=True)
    step_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    tool: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict] = mapped_column(JSON)
    ok: Mapped[bool]
    data: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    seconds: Mapped[float] = mapped_column(Float)


class RunStatusRow(Base):
    """Where a run stands: running, awaiting_approval, done or failed (completed runs also have a RunRow)."""

    __tablename__ = "run_status"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    request: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class RunStore:
    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        create_tables(self.engine, RunRow, StepRow, RunStatusRow)

    def save_run(
        self,
        run_id: str,
        request: str,
        backend: str,
        plan: list[dict[str, Any]],
        results: list[dict[str, Any]],
        report: dict[str, Any],
    ) -> None:
        """Idempotent: saving a run id again replaces its record (a resumed run records once)."""
        order = {s["id"]: i for i, s in enumerate(plan)}
        with Session(self.engine) as session, session.begin():
            existing = session.get(RunRow, run_id)
            if existing is not None:
                session.query(StepRow).filter_by(run_id=run_id).delete()
                session.delete(existing)
                session.flush()
            session.add(
                RunRow(
                    id=run_id, request=request, backend=backend, created_at=datetime.now(UTC), plan=plan, report=report
                )
            )
            for r in results:
                session.add(
                    StepRow(
                        run_id=run_id,
                        step_id=r["step_id"],
                        position=order.get(r["step_id"], len(order)),
                        tool=r["tool"],
                        args=r["args"],
                        ok=r["ok"],
                        data=r["data"],
                        error=r["error"],
                        seconds=r["seconds"],
                    )
                )

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        with Session(self.engine) as session:
            run = session.get(RunRow, run_id)
            if run is None:
                return None
            steps = session.scalars(select(StepRow).filter_by(run_id=run_id).order_by(StepRow.position))
            return {
                "run_id": run.id,
                "request": run.request,
                "backend": run.backend,
                "created_at": run.created_at.isoformat(),
                "plan": run.plan,
                "report": run.report,
                "steps": [
                    {
                        "step_id": s.step_id,
                        "tool": s.tool,
                        "args": s.args,
                        "ok": s.ok,
                        "error": s.error,
                        "seconds": s.seconds,
                    }
                    for s in steps
                ],
            }

    def set_status(self, run_id: str, request: str, status: str, detail: dict[str, Any] | None = None) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(RunStatusRow, run_id)
            if row is None:
                row = RunStatusRow(id=run_id, request=request)
                session.add(row)
            row.status, row.detail, row.updated_at = status, detail or {}, datetime.now(UTC)

    def status(self, run_id: str) -> dict[str, Any] | None:
        with Session(self.engine) as session:
            row = session.get(RunStatusRow, run_id)
            if row is None:
                return None
            return {"run_id": row.id, "request": row.request, "status": row.status, "detail": row.detail,
                    "updated_at": row.updated_at.isoformat()}  # fmt: skip

    def list_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """Recent runs, newest first, with their status (runs recorded before statuses existed read 'done')."""
        with Session(self.engine) as session:
            statuses = {r.id: r for r in session.scalars(select(RunStatusRow))}
            done = {r.id: r for r in session.scalars(select(RunRow))}
            rows = [
                {"run_id": i, "request": r.request, "created_at": r.created_at.isoformat(),
                 "status": statuses[i].status if i in statuses else "done"}
                for i, r in done.items()
            ] + [
                {"run_id": i, "request": r.request, "created_at": r.updated_at.isoformat(), "status": r.status}
                for i, r in statuses.items() if i not in done
            ]  # fmt: skip
        return sorted(rows, key=lambda r: r["created_at"], reverse=True)[:limit]
