"""SQLAlchemy plumbing shared by every store: the results database's declarative base and one engine per URL.

The stores of the results database (runs, loops, experiments, lab jobs and lineage, compounds, research jobs,
feedback, API keys) declare their tables on `Base`, get their engine from `engine_for` and create their tables
with `create_tables`, so the stores of one process share one connection pool per database and create each table
once. A store kept in a database of its own (the feature cache) declares its own base and uses the same engines.
"""

from __future__ import annotations

import os
import threading
import weakref
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """The tables of the results database; their names are what existing data directories hold."""


# Weak values: an engine lives while a store holds it and closes with the last one, as each store's own engine
# did before (a test session opens hundreds of temporary databases; a strong cache would keep them all open).
_engines: weakref.WeakValueDictionary[str, Engine] = weakref.WeakValueDictionary()
_wal_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_created_tables: weakref.WeakKeyDictionary[Engine, set[str]] = weakref.WeakKeyDictionary()
_engines_lock = threading.Lock()
_tables_lock = threading.Lock()


def _in_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"


def _sqlite_wal(dbapi_connection, _record) -> None:
    # WAL lets worker processes read while another writes; NORMAL sync is safe in WAL and much faster.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _new_engine(url: str, parsed: URL) -> Engine:
    if parsed.get_backend_name() == "sqlite" and not _in_memory(parsed) and not parsed.database.startswith("file:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
    return create_engine(url)


def engine_for(url: str, *, wal: bool = False) -> Engine:
    """This process's engine for `url`, created on first use and shared by every store that asks while it lives.

    SQLite file: its folder is created if missing. `wal=True` (SQLite only) puts the connections opened from then on
    in write-ahead-log mode with NORMAL sync. In-memory SQLite: a new engine on every call, because each such engine
    is a database of its own and two stores never saw each other's in-memory data. Other backends (PostgreSQL):
    the URL goes to SQLAlchemy unchanged.
    """
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    with _engines_lock:
        if sqlite and _in_memory(parsed):
            engine = _new_engine(url, parsed)
        else:
            engine = _engines.get(url)
            if engine is None:
                engine = _engines[url] = _new_engine(url, parsed)
        if wal and sqlite and engine not in _wal_engines:
            event.listen(engine, "connect", _sqlite_wal)
            _wal_engines.add(engine)
            engine.dispose()  # connections already pooled without the pragmas reopen with them
    return engine


def create_tables(engine: Engine, *models: type[DeclarativeBase]) -> None:
    """Create these models' tables where they are missing; each table once per engine, however many stores open it."""
    with _tables_lock:
        created = _created_tables.setdefault(engine, set())
        tables = [model.__table__ for model in models if model.__table__.name not in created]
        if tables:
            tables[0].metadata.create_all(engine, tables=tables)
            created.update(table.name for table in tables)


def _after_fork_in_child() -> None:
    # A forked child must not use its parent's pooled connections (SQLAlchemy's recipe: dispose without closing
    # them), nor wait on a lock that a parent thread held at the moment of the fork.
    global _engines_lock, _tables_lock
    _engines_lock, _tables_lock = threading.Lock(), threading.Lock()
    for engine in list(_engines.values()):
        engine.dispose(close=False)


if hasattr(os, "register_at_fork"):  # POSIX; elsewhere workers are spawned and start with an empty cache
    os.register_at_fork(after_in_child=_after_fork_in_child)
