"""Experiment records in SQL (SQLite by default, PostgreSQL with the same code): cache and provenance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables, engine_for
from labs.base import ExperimentResult


class ExperimentRow(Base):
    __tablename__ = "experiments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    lab: Mapped[str] = mapped_column(String(64), index=True)
    operation: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSON)
    outputs: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    duration_s: Mapped[float] = mapped_column(Float)


class ExperimentStore:
    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        create_tables(self.engine, ExperimentRow)

    def get(self, experiment_id: str) -> ExperimentResult | None:
        with Session(self.engine) as session:
            row = session.get(ExperimentRow, experiment_id)
            if row is None:
                return None
            return ExperimentResult(
                experiment_id=row.id,
                lab=row.lab,
                operation=row.operation,
                version=row.version,
                params=row.params,
                outputs=row.outputs,
                created_at=row.created_at,
                duration_s=row.duration_s,
                cached=True,
            )

    def put(self, result: ExperimentResult) -> None:
        """Idempotent: an id already stored keeps its first record (same inputs give the same outputs)."""
        with Session(self.engine) as session, session.begin():
            if session.get(ExperimentRow, result.experiment_id) is None:
                session.add(
                    ExperimentRow(
                        id=result.experiment_id,
                        lab=result.lab,
                        operation=result.operation,
                        version=result.version,
                        params=result.params,
                        outputs=result.outputs,
                        created_at=result.created_at,
                        duration_s=result.duration_s,
                    )
                )

    def recent(self, limit: int = 20) -> list[str]:
        with Session(self.engine) as session:
            rows = session.scalars(select(ExperimentRow.id).order_by(ExperimentRow.created_at.desc()).limit(limit))
            return list(rows)
