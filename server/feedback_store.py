"""Feedback on research runs (a rating and/or a correction), in the results database through SQLAlchemy.

Ratings are thumbs: -1 (wrong or unhelpful), 0 (neutral), 1 (good). A correction is free text saying what the
answer should have been. `source` says where the feedback came from, e.g. "api:alice" or "cli".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables, engine_for
from knowledge.common.errors import Ech0Error

RATINGS = (-1, 0, 1)
MAX_CORRECTION_CHARS = 20_000


class FeedbackRow(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(64), index=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    correction: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _as_dict(row: FeedbackRow) -> dict[str, Any]:
    created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    return {
        "id": row.id,
        "run_id": row.run_id,
        "rating": row.rating,
        "correction": row.correction,
        "source": row.source,
        "created_at": created.isoformat(timespec="seconds"),
    }


class FeedbackStore:
    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        create_tables(self.engine, FeedbackRow)

    def add(self, run_id: str, rating: int | None = None, correction: str | None = None, source: str = "api") -> dict:
        """Record feedback on a run; at least one of rating and correction. Returns the stored record."""
        correction = (correction or "").strip() or None
        if rating is None and correction is None:
            raise Ech0Error("empty feedback: give a rating (-1, 0 or 1), a correction, or both")
        if rating is not None and rating not in RATINGS:
            raise Ech0Error(f"rating {rating} is not one of -1 (bad), 0 (neutral), 1 (good)")
        if correction is not None and len(correction) > MAX_CORRECTION_CHARS:
            raise Ech0Error(f"correction of {len(correction):,} characters is too long: keep it under 20,000")
        row = FeedbackRow(
            run_id=run_id, rating=rating, correction=correction, source=source[:80], created_at=datetime.now(UTC)
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            return _as_dict(row)

    def list(self, run_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Feedback, newest first; only one run's when `run_id` is given."""
        query = select(FeedbackRow).order_by(FeedbackRow.id.desc()).limit(limit)
        if run_id is not None:
            query = query.where(FeedbackRow.run_id == run_id)
        with Session(self.engine) as session:
            return [_as_dict(r) for r in session.scalars(query)]

    def close(self) -> None:
        self.engine.dispose()
