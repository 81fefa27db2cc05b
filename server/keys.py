"""API keys: random tokens stored only as SHA-256 hashes, scoped read < run < admin, in the results database.

A key is shown once, when it is created. The store keeps its hash and a short visible prefix (for listing and
revoking), never the key itself. Names need not be unique: `revoke NAME` revokes every active key of that name.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import DateTime, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from knowledge.common.db import Base, create_tables, engine_for
from knowledge.common.errors import Ech0Error

SCOPES = ("read", "run", "admin")
TOKEN_PREFIX = "ech0_"
VISIBLE_CHARS = 12  # "ech0_" and 7 random characters: enough to tell keys apart, useless for guessing
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    scope: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class ApiKey:
    """A stored key as the server sees it: no secret in it."""

    id: int
    name: str
    prefix: str
    scope: str
    created_at: datetime
    revoked_at: datetime | None = None

    def allows(self, needed: str) -> bool:
        """admin implies run implies read."""
        return scope_rank(self.scope) >= scope_rank(needed)

    def public(self) -> dict:
        return {
            "name": self.name,
            "prefix": self.prefix,
            "scope": self.scope,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "revoked_at": self.revoked_at.isoformat(timespec="seconds") if self.revoked_at else None,
        }


def scope_rank(scope: str) -> int:
    if scope not in SCOPES:
        raise Ech0Error(f"unknown scope {scope!r}: choose one of {', '.join(SCOPES)}")
    return SCOPES.index(scope)


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _row_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(row.id, row.name, row.prefix, row.scope, _utc(row.created_at), _utc(row.revoked_at))


def _utc(value: datetime | None) -> datetime | None:
    # SQLite hands timezone-aware columns back naive; they were written in UTC.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class KeyStore:
    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        create_tables(self.engine, ApiKeyRow)

    def create(self, name: str, scope: str) -> tuple[str, ApiKey]:
        """A new key: returns the token (to show once) and its stored record."""
        if not _NAME.match(name or ""):
            raise Ech0Error(
                f"invalid key name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', "
                "starting with a letter or digit"
            )
        scope_rank(scope)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        row = ApiKeyRow(
            name=name,
            prefix=token[:VISIBLE_CHARS],
            key_hash=hash_key(token),
            scope=scope,
            created_at=datetime.now(UTC),
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            record = _row_key(row)
        return token, record

    def verify(self, token: str) -> ApiKey | None:
        """The active key for `token`, or None (unknown, malformed or revoked)."""
        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 256:
            return None
        digest = hash_key(token)
        with Session(self.engine) as session:
            row = session.scalar(select(ApiKeyRow).where(ApiKeyRow.key_hash == digest))
            if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest):
                return None
            return _row_key(row)

    def list(self, include_revoked: bool = False) -> list[ApiKey]:
        with Session(self.engine) as session:
            query = select(ApiKeyRow).order_by(ApiKeyRow.id)
            if not include_revoked:
                query = query.where(ApiKeyRow.revoked_at.is_(None))
            return [_row_key(r) for r in session.scalars(query)]

    def revoke(self, name_or_prefix: str) -> int:
        """Revoke the active keys with this name (or this visible prefix); returns how many were revoked."""
        with Session(self.engine) as session, session.begin():
            rows = session.scalars(
                select(ApiKeyRow).where(
                    ApiKeyRow.revoked_at.is_(None),
                    (ApiKeyRow.name == name_or_prefix) | (ApiKeyRow.prefix == name_or_prefix),
                )
            ).all()
            now = datetime.now(UTC)
            for row in rows:
                row.revoked_at = now
            return len(rows)

    def count_active(self) -> int:
        return len(self.list())

    def close(self) -> None:
        self.engine.dispose()
