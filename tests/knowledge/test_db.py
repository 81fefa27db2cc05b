"""One engine per database URL per process, shared by the stores; tables created once per engine."""

from __future__ import annotations

import multiprocessing
import sys
import threading

import pytest
from sqlalchemy import event, text

from knowledge.common.db import create_tables, engine_for


def _statements(engine) -> list[str]:
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, statement, *_a: seen.append(statement))
    return seen


def test_the_same_url_gives_the_same_engine(tmp_path):
    url = f"sqlite:///{tmp_path / 'results.db'}"
    engine = engine_for(url)
    assert engine_for(url) is engine
    assert engine_for(f"sqlite:///{tmp_path / 'other.db'}") is not engine


def test_the_same_engine_is_handed_to_threads_at_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'threads.db'}"
    barrier = threading.Barrier(8)
    got = []

    def ask() -> None:
        barrier.wait()
        got.append(engine_for(url))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 8 and all(engine is got[0] for engine in got)


def test_in_memory_sqlite_is_a_database_per_engine():
    first, second = engine_for("sqlite://"), engine_for("sqlite://")
    assert first is not second
    with first.begin() as conn:
        conn.execute(text("create table only_here (x integer)"))
    with second.connect() as conn:
        assert not conn.execute(text("select name from sqlite_master where name = 'only_here'")).all()


def test_two_stores_on_one_url_share_the_engine_and_both_work(tmp_path):
    from labs.store import ExperimentStore
    from server.keys import KeyStore

    url = f"sqlite:///{tmp_path / 'ech0.db'}"
    keys, experiments = KeyStore(url), ExperimentStore(url)
    assert keys.engine is experiments.engine
    token, _ = keys.create("ci", "read")
    assert keys.verify(token).name == "ci"
    assert experiments.get("missing") is None and experiments.recent() == []
    with keys.engine.connect() as conn:
        tables = {row[0] for row in conn.execute(text("select name from sqlite_master where type = 'table'"))}
    assert tables == {"api_keys", "experiments"}  # each store creates its own tables, no one else's


def test_a_sqlite_url_in_a_folder_not_yet_made_works(tmp_path):
    from agents.store import RunStore

    path = tmp_path / "new" / "deeper" / "runs.db"
    store = RunStore(f"sqlite:///{path}")
    store.set_status("r1", "metformin?", "running")
    assert store.status("r1")["status"] == "running" and path.is_file()


def test_tables_are_created_once_per_engine(tmp_path):
    from agents.store import RunStore

    url = f"sqlite:///{tmp_path / 'once.db'}"
    engine = engine_for(url)
    seen = _statements(engine)
    RunStore(url)
    assert any("CREATE TABLE runs" in s for s in seen)
    seen.clear()
    RunStore(url)
    assert seen == []  # not even the existence checks: this engine has made these tables


def test_create_tables_adds_a_later_store_s_tables(tmp_path):
    from server.feedback_store import FeedbackRow
    from server.keys import ApiKeyRow

    engine = engine_for(f"sqlite:///{tmp_path / 'later.db'}")
    create_tables(engine, ApiKeyRow)
    create_tables(engine, ApiKeyRow, FeedbackRow)
    with engine.connect() as conn:
        tables = {row[0] for row in conn.execute(text("select name from sqlite_master where type = 'table'"))}
    assert tables == {"api_keys", "feedback"}


def test_wal_is_switched_on_for_an_engine_already_open(tmp_path):
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    plain = engine_for(url)
    with plain.connect() as conn:
        assert conn.execute(text("pragma journal_mode")).scalar() == "delete"
    assert engine_for(url, wal=True) is plain
    with plain.connect() as conn:
        assert conn.execute(text("pragma journal_mode")).scalar() == "wal"
        assert conn.execute(text("pragma synchronous")).scalar() == 1  # NORMAL


def _child_reads(url: str, out) -> None:
    engine = engine_for(url)
    with engine.connect() as conn:
        out.put((conn.execute(text("select count(*) from api_keys")).scalar(), id(engine.pool)))


@pytest.mark.skipif(sys.platform != "linux", reason="fork start method")
def test_a_forked_child_opens_its_own_connections(tmp_path):
    from server.keys import KeyStore

    url = f"sqlite:///{tmp_path / 'fork.db'}"
    store = KeyStore(url)
    store.create("ci", "read")
    parent_pool = store.engine.pool
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    child = context.Process(target=_child_reads, args=(url, out))
    child.start()
    child.join(30)
    assert child.exitcode == 0
    count, child_pool = out.get(timeout=5)
    assert count == 1 and child_pool != id(parent_pool)  # same engine object, a pool of the child's own
    assert store.engine.pool is parent_pool and store.verify("ech0_unknown") is None  # the parent's pool is untouched
