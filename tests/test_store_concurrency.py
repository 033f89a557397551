"""The SQLite store under real concurrency: two processes, a killed process, many threads."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.store import SQLiteStore, StoreError

SERVER_DIR = Path(__file__).resolve().parents[1] / "server"

# A child process: writes reviews with sections, actions and lessons; prints what it committed.
WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])
    from fupan_mcp.domain.actions import ActionItem
    from fupan_mcp.store import SQLiteStore

    path, worker, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = SQLiteStore(path)
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


def _spawn(db: Path, worker: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(SERVER_DIR), str(db), worker, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _check_integrity(db: Path) -> None:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        conn.execute("INSERT INTO lesson_fts (lesson_fts) VALUES ('integrity-check')")
    finally:
        conn.close()


@pytest.mark.slow
def test_two_processes_writing_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    count = 150
    children = [_spawn(db, worker, count) for worker in ("a", "b")]  # both also race to create the file
    for child in children:
        out, err = child.communicate(timeout=60)
        assert child.returncode == 0, err
        assert out.count("\nA ") + out.startswith("A ") == count
    _check_integrity(db)
    with SQLiteStore(db) as store:
        assert len(store.list_reviews(limit=1000)) == 2 * count
        assert len(store.list_reviews(project="Pa", limit=1000)) == count
        assert len(store.list_actions(limit=5000)) == 2 * count * 3
        assert len(store.search_lessons("data migration", project="Pa", limit=200)) == count
        assert len(store.search_lessons("权限", project="Pb", limit=200)) == count


@pytest.mark.slow
def test_killed_writer_leaves_consistent_database(tmp_path: Path) -> None:
    db = tmp_path / "killed.db"
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
    with SQLiteStore(db) as store:
        for review_id, i in committed.items():
            record = store.get_review(review_id)
            assert record.sections == {"data": {"worker": "k", "i": i}}
            if review_id in with_actions:
                assert [a.action for a in record.actions] == [f"k-{i}-{k}" for k in range(3)]
        for summary in store.list_reviews(limit=1000):  # all-or-nothing, reported or not
            assert len(store.get_review(summary.id).actions) in (0, 3)


@pytest.mark.parametrize("location", ["file", ":memory:"])
def test_threads_share_one_store(tmp_path: Path, location: str) -> None:
    store = SQLiteStore(tmp_path / "threads.db" if location == "file" else ":memory:")
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
