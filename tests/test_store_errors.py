"""Store failures say why: each cause has its own error class, code and message in the user's
language, without paths, URLs or SQL, through the store and through the MCP server.

Causes, each produced for real where a test can: a full database (SQLite ``max_page_count``, the
same SQLITE_FULL a full disk gives), a read-only store (a file another user owns, opened as
``nobody`` when the tests run as root; ``PRAGMA query_only``; a PostgreSQL role that may only
read), a database from a newer schema, a corrupt file (garbage, and damaged pages), PostgreSQL
unreachable (a closed port). PostgreSQL's disk-full and corruption errors cannot be provoked on a
test server; their SQLSTATEs are mapped from psycopg's own exception classes.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import TextContent

from fupan_mcp.app import Settings, create_server
from fupan_mcp.store import SQLiteStore, StoreError
from fupan_mcp.store import sqlite as sqlite_store
from fupan_mcp.store.base import (
    StoreBusy,
    StoreCannotOpen,
    StoreCorrupt,
    StoreFull,
    StoreReadOnly,
    StoreSchemaTooNew,
    StoreUnavailable,
)
from fupan_mcp.store.messages import STORE_MESSAGES, describe
from store_backends import postgres_base_url, postgres_schema_url, with_search_path

SERVER_DIR = Path(__file__).resolve().parents[1] / "server"
CAUSES = (StoreFull, StoreReadOnly, StoreSchemaTooNew, StoreCorrupt, StoreCannotOpen, StoreUnavailable, StoreBusy)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the socket is: nobody listens there


def _capped(store: SQLiteStore) -> None:
    """No page may be added to the database any more: a full disk, as SQLite reports it."""
    with store._connection() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")


def _garbage(path: Path) -> None:
    path.write_bytes(bytes((i * 131 + 7) % 256 for i in range(16384)))


# --- the messages ---------------------------------------------------------------------------


def test_every_cause_has_its_own_code_and_both_languages() -> None:
    codes = [cause.code for cause in CAUSES]
    assert len(set(codes)) == len(CAUSES) and StoreError.code not in codes
    for code in [*codes, StoreError.code]:
        assert set(STORE_MESSAGES[code]) == {"zh", "en"}
    zh = describe(StoreFull("database error: database or disk is full at /srv/x.db"), "zh")
    assert zh == "store_full: 复盘存储空间已满，本次修改没有保存。请释放磁盘空间（或为数据库扩容）后重试。"
    en = describe(StoreUnavailable("cannot connect to postgresql://u@db:5432/f: refused"), "en")
    assert en.startswith("store_unavailable: The review database cannot be reached right now; nothing was done.")
    assert "try again" in en and "5432" not in en and "postgresql" not in en
    both = describe(StoreSchemaTooNew(7, 2))
    assert both.startswith("store_schema_newer: 复盘数据库由更新版本的 fupan-mcp 写入（结构版本 7，本版本只认识到 2）")
    assert " / The review database was written by a newer fupan-mcp (schema version 7; this version knows up to 2)" in (
        both
    )
    assert StoreUnavailable.retry and StoreBusy.retry and not StoreFull.retry
    print("store error causes with their own code and zh/en message:", len(CAUSES), "of", len(CAUSES))


def test_sqlite_errors_are_classified_without_error_codes_too() -> None:
    """Pythons before 3.11 give no sqlite_errorcode: the message decides."""
    expected = {
        "database or disk is full": StoreFull,
        "attempt to write a readonly database": StoreReadOnly,
        "database disk image is malformed": StoreCorrupt,
        "file is not a database": StoreCorrupt,
        "database is locked": StoreBusy,
        "unable to open database file": StoreCannotOpen,
        "no such table: x": StoreError,
    }
    for message, cause in expected.items():
        assert type(sqlite_store.classify(sqlite3.OperationalError(message))) is cause, message


# --- SQLite, for real -------------------------------------------------------------------------


def test_sqlite_full(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "full.db") as store:
        rid = store.create_review("P", "T", None, "2024-01-01").id
        _capped(store)
        with pytest.raises(StoreFull) as error:
            store.update_sections(rid, {"notes": "权" * 20000})
        assert error.value.code == "store_full"
        with pytest.raises(StoreFull):
            store.create_review_document("P", "T", None, "2024-01-01", sections={"notes": "x" * 50000})
        assert store.get_review(rid).sections == {}  # reading still works, nothing half-written
        assert len(store.list_reviews()) == 1


def test_sqlite_read_only_connection(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "ro.db") as store:
        rid = store.create_review("P", "T", None, "2024-01-01").id
        with store._connection() as conn:
            conn.execute("PRAGMA query_only = 1")
        with pytest.raises(StoreReadOnly):
            store.update_sections(rid, {"a": 1})
        assert store.get_review(rid).id == rid


READ_ONLY_PROBE = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])
    from fupan_mcp.store import SQLiteStore, StoreError
    try:
        SQLiteStore(sys.argv[2]).create_review("P", "T", None, "2024-01-01")
        print("written")
    except StoreError as error:
        print(error.code)
    """
)


def test_sqlite_file_that_may_not_be_written(tmp_path: Path) -> None:
    """A file and folder of another user: root hands them to nobody's process, others chmod them."""
    user: int | None = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("nobody").pw_uid
        except KeyError:
            pytest.skip("running as root without a 'nobody' user to open the file as")
    # pytest's own temporary folders are private to their owner: nobody must reach this one
    folder = Path(tempfile.mkdtemp(prefix="fupan-ro-"))
    try:
        folder.chmod(0o755)
        for directory in folder.parents:
            if user is not None and not os.stat(directory).st_mode & 0o001:
                pytest.skip(f"{directory} is not traversable by other users")
        path = folder / "fupan.db"
        SQLiteStore(path).close()
        if user is None:
            path.chmod(0o444)
            folder.chmod(0o555)
        done = subprocess.run(
            [sys.executable, "-c", READ_ONLY_PROBE, str(SERVER_DIR), str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            user=user,
            env={**os.environ, "HOME": str(tmp_path)},
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "store_read_only"
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def test_sqlite_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(sqlite_store.MIGRATIONS) + 3}")
    conn.close()
    with pytest.raises(StoreSchemaTooNew) as error:
        SQLiteStore(path)
    assert (error.value.found, error.value.known) == (len(sqlite_store.MIGRATIONS) + 3, len(sqlite_store.MIGRATIONS))


def test_sqlite_corrupt(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    _garbage(garbage)
    with pytest.raises(StoreCorrupt):
        SQLiteStore(garbage)
    damaged = tmp_path / "damaged.db"
    with SQLiteStore(damaged) as store:
        for i in range(40):
            store.create_review("P", f"T{i}", None, "2024-01-01", sections={"notes": "经验" * 500})
    conn = sqlite3.connect(damaged)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(damaged.read_bytes())
    page = 4096
    data[page : len(data)] = bytes((i * 37 + 11) % 256 for i in range(len(data) - page))  # all but the header page
    damaged.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt), SQLiteStore(damaged) as store:
        store.list_reviews(limit=100)


def test_sqlite_cannot_open(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreCannotOpen):
        SQLiteStore(tmp_path / "dir.db")


# --- PostgreSQL ---------------------------------------------------------------------------------


def test_postgres_unreachable() -> None:
    pytest.importorskip("psycopg")
    from fupan_mcp.store.postgres import PostgresStore

    with pytest.raises(StoreUnavailable) as error:
        PostgresStore(f"postgresql://fupan:pw@127.0.0.1:{_closed_port()}/fupan?connect_timeout=5")
    assert error.value.retry and "pw@" not in str(error.value)


def test_postgres_newer_schema(request: pytest.FixtureRequest) -> None:
    import psycopg

    from fupan_mcp.store import postgres as pg_store

    with postgres_schema_url(request.config) as url:
        pg_store.PostgresStore(url).close()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(pg_store.MIGRATIONS) + 1,))
        with pytest.raises(StoreSchemaTooNew):
            pg_store.PostgresStore(url)


def test_postgres_role_that_may_only_read(request: pytest.FixtureRequest) -> None:
    import psycopg

    from fupan_mcp.store.postgres import PostgresStore

    base = postgres_base_url(request.config)
    role = f"reader_{secrets.token_hex(4)}"
    with postgres_schema_url(request.config) as url:
        with PostgresStore(url) as owner:
            rid = owner.create_review("P", "T", None, "2024-01-01").id
        with psycopg.connect(url, autocommit=True) as admin:
            current = admin.execute("SELECT current_schema()").fetchone()
            assert current is not None
            admin.execute(f"CREATE ROLE {role} LOGIN")
            admin.execute(f"GRANT USAGE ON SCHEMA {current[0]} TO {role}")
            admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {current[0]} TO {role}")
        reader_url = with_search_path(base.replace("postgres@", f"{role}@", 1), current[0])
        try:
            with PostgresStore(reader_url) as reader:
                assert reader.get_review(rid).id == rid
                with pytest.raises(StoreReadOnly):
                    reader.update_sections(rid, {"a": 1})
                with pytest.raises(StoreReadOnly):
                    reader.create_review("P", "T", None, "2024-01-01")
        finally:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f"DROP OWNED BY {role}")
                admin.execute(f"DROP ROLE {role}")


def test_postgres_sqlstates_map_to_causes() -> None:
    psycopg = pytest.importorskip("psycopg")
    from psycopg import errors

    from fupan_mcp.store.postgres import classify

    expected: dict[type[Exception], type[StoreError]] = {
        errors.DiskFull: StoreFull,
        errors.OutOfMemory: StoreFull,
        errors.ReadOnlySqlTransaction: StoreReadOnly,
        errors.InsufficientPrivilege: StoreReadOnly,
        errors.DataCorrupted: StoreCorrupt,
        errors.IndexCorrupted: StoreCorrupt,
        errors.LockNotAvailable: StoreBusy,
        errors.SerializationFailure: StoreBusy,
        errors.DeadlockDetected: StoreBusy,
        errors.AdminShutdown: StoreUnavailable,
        errors.CannotConnectNow: StoreUnavailable,
        errors.ConnectionFailure: StoreUnavailable,
        errors.TooManyConnections: StoreUnavailable,
        errors.UndefinedTable: StoreError,
    }
    for kind, cause in expected.items():
        assert type(classify(kind("detail"))) is cause, kind
    assert type(classify(psycopg.OperationalError("connection refused"))) is StoreUnavailable


# --- through the MCP server: the client reads the reason ------------------------------------------


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return tmp_path / "exports"


async def _call(db: str, exports: Path, tool: str, arguments: dict[str, Any]) -> tuple[bool, str]:
    """Whether the call failed, and its text without the prefix the SDK puts before every tool error."""
    server = create_server(Settings(db=db, output_dir=exports))
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    text = "\n".join(block.text for block in result.content if isinstance(block, TextContent))
    return bool(result.is_error), text.removeprefix(f"Error executing tool {tool}: ")


def _clean(text: str, *secrets_: str) -> None:
    assert not text.startswith("Error executing tool") and "Traceback" not in text
    for secret in secrets_:
        assert secret not in text
    for marker in ("SELECT", "INSERT", "sqlite3", "psycopg", "/tmp", "\\"):
        assert marker not in text


@pytest.fixture
def full_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """A database with one review, where no page can be added (every connection capped)."""
    path = tmp_path / "full.db"
    with SQLiteStore(path) as store:
        rid = store.create_review("P", "T", None, "2024-01-01").id
        with store._connection() as conn:
            pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    connect = SQLiteStore._connect

    def capped(self: SQLiteStore) -> sqlite3.Connection:
        conn = connect(self)
        conn.execute(f"PRAGMA max_page_count = {pages}")
        return conn

    monkeypatch.setattr(SQLiteStore, "_connect", capped)
    yield str(path), rid


@pytest.mark.anyio
async def test_server_full_store(full_db: tuple[str, str], exports: Path) -> None:
    db, rid = full_db
    failed, text = await _call(db, exports, "update_review", {"review_id": rid, "sections": {"notes": ["权" * 20000]}})
    assert failed and text.startswith("store_full: 复盘存储空间已满，本次修改没有保存。")
    assert "The review store is out of space" in text  # update_review has no language: both
    _clean(text, db)
    problem = "评论使用占比仅 15%，" + "用户反馈讨论难以聚合" * 1500
    failed, text = await _call(db, exports, "five_whys", {"problem": problem, "whys": ["a"], "review_id": rid})
    assert not failed  # the analysis is still returned, with a line saying it was not saved
    assert f"未保存到复盘 {rid} / not saved to review {rid}: store_full: 复盘存储空间已满" in text
    _clean(text, db)


@pytest.mark.anyio
async def test_server_read_only_store(tmp_path: Path, exports: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ro.db"
    with SQLiteStore(path) as store:
        rid = store.create_review("P", "T", None, "2024-01-01").id
    connect = SQLiteStore._connect

    def read_only(self: SQLiteStore) -> sqlite3.Connection:
        conn = connect(self)
        conn.execute("PRAGMA query_only = 1")
        return conn

    monkeypatch.setattr(SQLiteStore, "_connect", read_only)
    failed, text = await _call(str(path), exports, "delete_review", {"review_id": rid})
    assert failed and text.startswith("store_read_only: 复盘存储是只读的")
    _clean(text, str(path))


@pytest.mark.anyio
async def test_server_newer_schema_in_the_callers_language(tmp_path: Path, exports: Path) -> None:
    path = tmp_path / "new.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    known = len(sqlite_store.MIGRATIONS)
    failed, text = await _call(str(path), exports, "create_review", {"project": "P", "language": "en"})
    assert failed
    assert text == (
        f"store_schema_newer: The review database was written by a newer fupan-mcp (schema version 99; this "
        f"version knows up to {known}); to protect it, nothing was read or written. Upgrade fupan-mcp."
    )
    failed, text = await _call(str(path), exports, "create_review", {"project": "P"})
    assert failed and text.startswith(
        f"store_schema_newer: 复盘数据库由更新版本的 fupan-mcp 写入（结构版本 99，本版本只认识到 {known}）"
    )


@pytest.mark.anyio
async def test_server_corrupt_file(tmp_path: Path, exports: Path) -> None:
    path = tmp_path / "corrupt.db"
    _garbage(path)
    failed, text = await _call(str(path), exports, "list_reviews", {})
    assert failed and text.startswith("store_corrupt: 复盘数据库文件已损坏，或不是 fupan-mcp 的数据库")
    _clean(text, str(path))
    failed, text = await _call(
        str(path), exports, "compute_attainment", {"metrics": [{"name": "x", "target": ">=1", "actual": 2}]}
    )
    assert not failed  # a tool that needs no store is not affected


@pytest.mark.anyio
async def test_server_postgres_unreachable(exports: Path) -> None:
    pytest.importorskip("psycopg")
    port = _closed_port()
    url = f"postgresql://fupan:s3cret@127.0.0.1:{port}/fupan?connect_timeout=5"
    failed, text = await _call(url, exports, "get_review", {"review_id": "R-1"})
    assert failed and text.startswith("store_unavailable: 暂时连接不上复盘数据库，本次操作没有执行。请稍等片刻后重试")
    _clean(text, "s3cret", str(port), "127.0.0.1")
