"""The stores under real concurrency: two processes, a killed process, many threads.

Each test runs on SQLite (a file) and on PostgreSQL (a fresh schema; skipped when unavailable).
"""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.store import ReviewStore, SQLiteStore, StoreError, open_store
from store_backends import BACKENDS, postgres_schema_url

SERVER_DIR = Path(__file__).resolve().parents[1] / "server"

# A child process: writes reviews with sections, actions and lessons; prints what it committed.
WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])
    from fupan_mcp.domain.actions import ActionItem
    from fupan_mcp.store import open_store

    path, worker, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = open_store(path)  # a SQLite file or a postgresql:// URL
    i = 0
    while count < 0 or i < count:
        review = store.create_review(
            f"P{worker}", f"review {i}", "saas", "2024-05-01", "zh", {"data": {"worker": worker, "i": i}}
        )
        print("R", review.id, i, flush=True)
        store.add_actions(review.id, [ActionItem(action=f"{worker}-{i}-{k}") for k in range(3)])
        print("A", review.id, flush=True)
        lessons = [("lesson", f"权限细粒度 {worker} {i}"), ("problem", "data migration")]
        store.index_lessons(review.id, lessons)
        i += 1
    store.close()
    """
)


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a store lives: a SQLite file (not yet created), or a fresh PostgreSQL schema's URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "shared.db")
        return
    with postgres_schema_url(request.config) as url:
        yield url


def _is_sqlite(location: str) -> bool:
    return not location.startswith("postgresql://")


def _spawn(db: Path | str, worker: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(SERVER_DIR), str(db), worker, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_integrity(db: Path | str) -> None:
    if not _is_sqlite(str(db)):
        _check_postgres_integrity(str(db))
        return
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO lesson_fts (lesson_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


def _check_postgres_integrity(url: str) -> None:
    """Every foreign key holds, every lesson's index matches its text, the schema is complete."""
    import psycopg

    from fupan_mcp.store.postgres import MIGRATIONS, tsvector_literal
    from fupan_mcp.store.search import index_terms

    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (len(MIGRATIONS),)
        for child in ("actions", "lessons", "review_sections"):
            orphans = conn.execute(
                f"SELECT count(*) FROM {child} c LEFT JOIN reviews r ON r.id = c.review_id WHERE r.id IS NULL"
            ).fetchone()
            assert orphans == (0,), child
        for text, terms, tsv in conn.execute("SELECT text, terms, tsv::text FROM lessons"):
            assert terms == index_terms(text)
            assert conn.execute("SELECT %s::tsvector::text", (tsvector_literal(terms),)).fetchone() == (tsv,)


@contextlib.contextmanager
def _open(location: Path | str) -> Iterator[ReviewStore]:
    store = open_store(location)
    try:
        yield store
    finally:
        store.close()


@pytest.mark.slow
def test_two_processes_writing_lose_nothing(location: str) -> None:
    db = location
    count = 150
    children = [_spawn(db, worker, count) for worker in ("a", "b")]  # both also race to create the schema
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert out.count("\nA ") + out.startswith("A ") == count
    _check_integrity(db)
    with _open(db) as store:
        assert len(store.list_reviews(limit=1000)) == 2 * count
        assert len(store.list_reviews(project="Pa", limit=1000)) == count
        assert len(store.list_actions(limit=5000)) == 2 * count * 3
        assert len(store.search_lessons("data migration", project="Pa", limit=200)) == count
        assert len(store.search_lessons("权限", project="Pb", limit=200)) == count


@pytest.mark.slow
def test_killed_writer_leaves_consistent_database(location: str) -> None:
    db = location
    child = _spawn(db, "k", -1)  # writes until killed
    assert child.stdout is not None
    committed: dict[str, int] = {}  # review id -> i
    with_actions: set[str] = set()
    deadline = time.monotonic() + 20
    while len(committed) < 25 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        kind, review_id, *rest = line.split()
        if kind == "R":
            committed[review_id] = int(rest[0])
        else:
            with_actions.add(review_id)
    child.kill()  # SIGKILL on POSIX: no cleanup, mid-transaction
    assert child.wait(timeout=10) != 0  # it was still writing when killed
    assert len(committed) >= 25, child.stderr.read() if child.stderr else ""

    _check_integrity(db)
    with _open(db) as store:
        for review_id, i in committed.items():
            record = store.get_review(review_id)
            assert record.sections == {"data": {"worker": "k", "i": i}}
            if review_id in with_actions:
                assert [a.action for a in record.actions] == [f"k-{i}-{k}" for k in range(3)]
        for summary in store.list_reviews(limit=1000):  # all-or-nothing, reported or not
            assert len(store.get_review(summary.id).actions) in (0, 3)


@pytest.mark.parametrize("kind", ["file", ":memory:", "postgres"])
def test_threads_share_one_store(request: pytest.FixtureRequest, tmp_path: Path, kind: str) -> None:
    if kind == "postgres":
        with postgres_schema_url(request.config) as url:
            _threads_share_one_store(open_store(url))
    else:
        _threads_share_one_store(SQLiteStore(tmp_path / "threads.db" if kind == "file" else ":memory:"))


def _threads_share_one_store(store: ReviewStore) -> None:
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(15):
                review = store.create_review("T", f"{n}-{i}", None, "2024-01-01", "en")
                store.add_actions(review.id, [ActionItem(action=f"{n}-{i}")])
                store.update_sections(review.id, {"n": n})
                store.search_lessons("anything")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert len(store.list_reviews(limit=1000)) == 90
        assert len(store.list_actions()) == 90
    finally:
        store.close()


def test_writer_busy_past_the_timeout_gets_a_store_error(tmp_path: Path) -> None:
    db = tmp_path / "busy.db"
    with SQLiteStore(db, busy_timeout_ms=100) as store:
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holding the write lock
        try:
            with pytest.raises(StoreError, match="locked"):
                store.create_review("P", "T", None, "2024-01-01", "zh")
            assert store.list_reviews() == []  # readers are not blocked (WAL)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        store.create_review("P", "T", None, "2024-01-01", "zh")  # and it recovers


def test_postgres_writer_waiting_past_the_lock_timeout_gets_a_store_error(request: pytest.FixtureRequest) -> None:
    psycopg = pytest.importorskip("psycopg")
    from fupan_mcp.store.postgres import PostgresStore

    with postgres_schema_url(request.config) as url, PostgresStore(url, lock_timeout_ms=100) as store:
        rid = store.create_review("P", "T", None, "2024-01-01", "zh").id
        with psycopg.connect(url) as blocker:  # another writer of the same review, holding its lock
            blocker.execute("SELECT 1 FROM reviews WHERE id = %s FOR UPDATE", (rid,))
            with pytest.raises(StoreError, match="lock timeout"):
                store.update_sections(rid, {"a": 1})
            assert store.get_review(rid).sections == {}  # readers are not blocked
            other = store.create_review("P", "other", None, "2024-01-01", "zh").id  # nor other reviews
            store.add_actions(other, [ActionItem(action="x")])
            blocker.rollback()
        assert store.update_sections(rid, {"a": 1}).sections == {"a": 1}  # and it recovers


def test_postgres_concurrent_writes_to_one_review_keep_order(request: pytest.FixtureRequest) -> None:
    """Six threads append actions to the same review: the review lock keeps seq unique and dense."""
    with postgres_schema_url(request.config) as url:
        store = open_store(url)
        try:
            rid = store.create_review("P", "T", None, "2024-01-01", "zh").id
            errors: list[BaseException] = []

            def work(n: int) -> None:
                try:
                    for i in range(10):
                        store.add_actions(rid, [ActionItem(action=f"{n}-{i}-{k}") for k in range(2)])
                        store.index_lessons(rid, [("lesson", f"权限 {n} {i}")])
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)

            threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
            actions = store.get_review(rid).actions
            assert len(actions) == 120 and len({a.id for a in actions}) == 120
            for n in range(6):  # each call's two actions are adjacent and in order
                mine = [a.action for a in actions if a.action.startswith(f"{n}-")]
                assert mine == [f"{n}-{i}-{k}" for i in range(10) for k in range(2)]
            assert len(store.search_lessons("权限")) == 1
        finally:
            store.close()
