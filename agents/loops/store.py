"""Discovery loops and their iterations in SQL (SQLAlchemy; SQLite by default, PostgreSQL with the same code)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Integer, String, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables, engine_for
from knowledge.common.errors import Ech0Error


class LoopRow(Base):
    __tablename__ = "loops"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    program: Mapped[str] = mapped_column(Text)
    every_s: Mapped[float] = mapped_column(Float)
    questions: Mapped[list] = mapped_column(JSON)  # standing questions re-asked each iteration
    literature: Mapped[dict] = mapped_column(JSON)  # {"source": "pubmed"|"arxiv"|"file", "query"|"path", "max"}
    budget: Mapped[dict] = mapped_column(JSON)  # {"tool_calls": N, "wall_s": S}
    webhook: Mapped[str | None] = mapped_column(Text, nullable=True)
    paused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IterationRow(Base):
    __tablename__ = "loop_iterations"

    loop: Mapped[str] = mapped_column(String(64), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # running, done, failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    digest: Mapped[dict] = mapped_column(JSON, default=dict)


class SeenRow(Base):
    """What a loop has already reported: citations, claim texts (with embeddings), documents, compounds."""

    __tablename__ = "loop_seen"

    loop: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # citation, claim, document, compound
    key: Mapped[str] = mapped_column(String(512), primary_key=True)
    vector: Mapped[list | None] = mapped_column(JSON, nullable=True)
    iteration: Mapped[int] = mapped_column(Integer)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class LoopStore:
    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        create_tables(self.engine, LoopRow, IterationRow, SeenRow)

    def add(self, name: str, program: str, every_s: float, questions: list[str], literature: dict[str, Any],
            budget: dict[str, Any], webhook: str | None = None) -> None:  # fmt: skip
        with Session(self.engine) as session, session.begin():
            if session.get(LoopRow, name) is not None:
                raise Ech0Error(f"a loop named {name!r} exists: pick another name or remove it first")
            session.add(LoopRow(name=name, program=program, every_s=every_s, questions=questions,
                                literature=literature, budget=budget, webhook=webhook, paused=False,
                                created_at=datetime.now(UTC)))  # fmt: skip

    def exists(self, name: str) -> bool:
        with Session(self.engine) as session:
            return session.get(LoopRow, name) is not None

    def get(self, name: str) -> dict[str, Any]:
        with Session(self.engine) as session:
            row = session.get(LoopRow, name)
            if row is None:
                raise Ech0Error(f"no loop named {name!r}: see `ech0 loop list`")
            return self._as_dict(session, row)

    def _as_dict(self, session: Session, row: LoopRow) -> dict[str, Any]:
        last = session.scalars(
            select(IterationRow).filter_by(loop=row.name).order_by(IterationRow.number.desc()).limit(1)
        ).first()
        return {
            "name": row.name, "program": row.program, "every_s": row.every_s, "questions": row.questions,
            "literature": row.literature, "budget": row.budget, "webhook": row.webhook, "paused": row.paused,
            "iterations": last.number if last else 0, "last_status": last.status if last else None,
            "last_started": _aware(last.started_at).isoformat() if last else None,
        }  # fmt: skip

    def list(self) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            return [self._as_dict(session, r) for r in session.scalars(select(LoopRow).order_by(LoopRow.name))]

    def set_paused(self, name: str, paused: bool) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(LoopRow, name)
            if row is None:
                raise Ech0Error(f"no loop named {name!r}: see `ech0 loop list`")
            row.paused = paused

    def begin_iteration(self, name: str, stale_after_s: float) -> int | None:
        """Claim the next iteration number, or None when one is still running (an overlapping trigger).

        The primary key (loop, number) makes two concurrent claims of the same number fail for one of them.
        An iteration left 'running' longer than `stale_after_s` (a crashed worker) is marked failed first.
        """
        now = datetime.now(UTC)
        try:
            with Session(self.engine) as session, session.begin():
                last = session.scalars(
                    select(IterationRow).filter_by(loop=name).order_by(IterationRow.number.desc()).limit(1)
                ).first()
                if last is not None and last.status == "running":
                    if now - _aware(last.started_at) < timedelta(seconds=stale_after_s):
                        return None
                    last.status, last.finished_at = "failed", now
                    last.digest = {"error": "the worker stopped before the iteration finished"}
                number = (last.number if last else 0) + 1
                session.add(IterationRow(loop=name, number=number, status="running", started_at=now, digest={}))
            return number
        except IntegrityError:
            return None

    def finish_iteration(self, name: str, number: int, status: str, digest: dict[str, Any]) -> None:
        with Session(self.engine) as session, session.begin():
            row = session.get(IterationRow, (name, number))
            row.status, row.finished_at, row.digest = status, datetime.now(UTC), digest

    def iteration(self, name: str, number: int) -> dict[str, Any] | None:
        with Session(self.engine) as session:
            row = session.get(IterationRow, (name, number))
            return None if row is None else {"number": row.number, "status": row.status, "digest": row.digest}

    def iterations(self, name: str, limit: int = 20) -> list[dict[str, Any]]:
        """A loop's iterations, newest first, each with its digest (empty while running)."""
        query = select(IterationRow).filter_by(loop=name).order_by(IterationRow.number.desc()).limit(limit)
        with Session(self.engine) as session:
            return [
                {
                    "number": row.number,
                    "status": row.status,
                    "started_at": row.started_at.isoformat(),
                    "finished_at": row.finished_at.isoformat() if row.finished_at else None,
                    "digest": row.digest or {},
                }
                for row in session.scalars(query)
            ]

    def seen(self, name: str, kind: str) -> dict[str, list | None]:
        with Session(self.engine) as session:
            return {r.key: r.vector for r in session.scalars(select(SeenRow).filter_by(loop=name, kind=kind))}

    def mark_seen(self, name: str, kind: str, items: dict[str, list | None], iteration: int) -> None:
        with Session(self.engine) as session, session.begin():
            for key, vector in items.items():
                if session.get(SeenRow, (name, kind, key[:512])) is None:
                    session.add(SeenRow(loop=name, kind=kind, key=key[:512], vector=vector, iteration=iteration))
