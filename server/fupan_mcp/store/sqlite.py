"""The embedded review store: one SQLite file (stdlib `sqlite3`, nothing else).

Where: `default_db_path()` — ``$FUPAN_MCP_DB`` if set, else ``fupan.db`` in the user's data
directory (``$XDG_DATA_HOME`` or ``~/.local/share`` on Linux, ``~/Library/Application Support``
on macOS, ``%APPDATA%`` on Windows) under ``fupan-mcp/``. ``":memory:"`` gives a private
in-memory database (tests).

Durability and concurrency:
- WAL journal (readers never block the writer, several processes may share the file),
  ``synchronous=FULL`` (a committed review survives a crash or power loss), foreign keys on,
  ``busy_timeout`` 5 s (a writer waits for another instead of failing).
- Every write is one transaction opened with ``BEGIN IMMEDIATE``: the write lock is taken up
  front, so two processes never deadlock upgrading a read lock. Reads use a deferred
  transaction, so a multi-query read (a review with its sections and actions) is a consistent
  snapshot.
- Threads: a file store gives each thread its own connection (created on first use, closed by
  `close()` or when a new thread notices its owner has ended); SQLite does the locking
  between them as between processes. A ``:memory:`` store has a single connection guarded by a
  lock, since each connection to ``:memory:`` would be a different database. A store object may
  therefore be shared by the MCP server's worker threads.

Schema: versioned by ``PRAGMA user_version``. `MIGRATIONS` is the ordered list of forward
migrations; opening a database applies the missing ones in one transaction. To change the
schema, append a migration (a tuple of SQL statements, or a function taking the connection);
never edit a released one. The lesson full-text index (`FTS_SCHEMA`) is not a migration: it is
created (and rebuilt from ``lessons.terms``) whenever the SQLite library has FTS5 and the index
is missing, so a database stays usable by a build without FTS5 (searches then scan with LIKE).
A limit of that design: a build without FTS5 cannot write lessons to a database that already has
the index (its triggers need the module).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fupan_mcp.domain.actions import ActionItem, ActionStatus
from fupan_mcp.domain.stored import (
    Lesson,
    LessonHit,
    LessonKind,
    OpenAction,
    ReviewRecord,
    ReviewSummary,
    StoredAction,
)
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language
from fupan_mcp.limits import MAX_ACTIONS, MAX_TEXT_CHARS
from fupan_mcp.store import base
from fupan_mcp.store.base import DateLike, NotFound, StoreError
from fupan_mcp.store.search import (
    QueryTerm,
    fallback_score,
    fts_match_expression,
    index_terms,
    like_pattern,
    make_snippet,
    parse_query,
    relaxed_terms,
)

__all__ = ["MIGRATIONS", "SQLiteStore", "default_db_path", "fts5_available", "user_data_dir"]

APP_DIR = "fupan-mcp"
DB_FILE = "fupan.db"
ENV_DB = "FUPAN_MCP_DB"
BUSY_TIMEOUT_MS = 5_000
MAX_SEARCH_LIMIT = 200

Migration = Sequence[str] | Callable[[sqlite3.Connection], None]

# Migration 1: the initial schema. Dates are ISO 'YYYY-MM-DD' text (they sort and compare as
# text), timestamps ISO-8601 UTC text, section values JSON text. Value checks (status, kind)
# live in code, not CHECK constraints, so adding a value never needs a table rebuild.
_MIGRATION_1: tuple[str, ...] = (
    """CREATE TABLE reviews (
        id          TEXT PRIMARY KEY,
        project     TEXT NOT NULL,
        title       TEXT NOT NULL,
        review_type TEXT,
        review_date TEXT NOT NULL,
        language    TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    )""",
    "CREATE INDEX reviews_by_project ON reviews (project, review_date)",
    "CREATE INDEX reviews_by_date ON reviews (review_date)",
    """CREATE TABLE review_sections (
        review_id  TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        value      TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (review_id, name)
    ) WITHOUT ROWID""",
    """CREATE TABLE actions (
        id             TEXT PRIMARY KEY,
        review_id      TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        action         TEXT NOT NULL,
        owner          TEXT,
        due            TEXT,
        priority       TEXT,
        addresses      TEXT,
        success_metric TEXT,
        status         TEXT NOT NULL,
        status_reason  TEXT,
        evidence       TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    )""",
    "CREATE INDEX actions_by_review ON actions (review_id, seq)",
    "CREATE INDEX actions_by_status ON actions (status, due)",
    "CREATE INDEX actions_by_owner ON actions (owner)",
    """CREATE TABLE lessons (
        id        INTEGER PRIMARY KEY,
        review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,
        kind      TEXT NOT NULL,
        text      TEXT NOT NULL,
        terms     TEXT NOT NULL  -- pre-tokenized search terms, see store/search.py
    )""",
    "CREATE INDEX lessons_by_review ON lessons (review_id, seq)",
)

# Append new migrations here: MIGRATIONS[n] upgrades user_version n to n + 1.
MIGRATIONS: tuple[Migration, ...] = (_MIGRATION_1,)

# External-content FTS5 index over lessons.terms, kept in step by triggers (which also fire
# for the rows a review deletion cascades to).
FTS_SCHEMA: tuple[str, ...] = (
    """CREATE VIRTUAL TABLE lesson_fts USING fts5(
        terms, content='lessons', content_rowid='id', tokenize='unicode61'
    )""",
    """CREATE TRIGGER lessons_fts_insert AFTER INSERT ON lessons BEGIN
        INSERT INTO lesson_fts (rowid, terms) VALUES (new.id, new.terms);
    END""",
    """CREATE TRIGGER lessons_fts_delete AFTER DELETE ON lessons BEGIN
        INSERT INTO lesson_fts (lesson_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
    END""",
    """CREATE TRIGGER lessons_fts_update AFTER UPDATE ON lessons BEGIN
        INSERT INTO lesson_fts (lesson_fts, rowid, terms) VALUES ('delete', old.id, old.terms);
        INSERT INTO lesson_fts (rowid, terms) VALUES (new.id, new.terms);
    END""",
)

_ACTION_COLUMNS = (
    "a.id, a.review_id, a.action, a.owner, a.due, a.priority, a.addresses, a.success_metric, "
    "a.status, a.status_reason, a.evidence, a.created_at, a.updated_at, "
    "r.project, r.title AS review_title, r.review_date"
)
_ACTION_FROM = "FROM actions a JOIN reviews r ON r.id = a.review_id"
_OPEN_STATUSES: tuple[ActionStatus, ...] = ("open", "in_progress")
_SECTION_SEP = "\x1f"  # joins section names in listings; names may not contain control characters


# --- locations ---------------------------------------------------------------------------


def user_data_dir() -> Path:
    """The per-user data directory of fupan-mcp for this platform (not created here)."""
    if sys.platform == "win32":
        base_dir = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base_dir = Path.home() / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base_dir = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"
    return base_dir / APP_DIR


def default_db_path() -> Path:
    """``$FUPAN_MCP_DB`` when set (``:memory:`` allowed), else ``<user data dir>/fupan.db``."""
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        return Path(env) if env == ":memory:" else Path(env).expanduser()
    return user_data_dir() / DB_FILE


def fts5_available() -> bool:
    """Whether this Python's SQLite library has the FTS5 module."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


# --- the store ---------------------------------------------------------------------------


class SQLiteStore:
    """`ReviewStore` on one SQLite file. Thread-safe; several processes may share the file.

    ``fts``: None detects FTS5; False forces the LIKE fallback (tests); True requires FTS5.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        fts: bool | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        target = default_db_path() if path is None else Path(path)
        self.memory = str(target) == ":memory:"
        self.path: Path | None = None if self.memory else target.expanduser().resolve()
        self._busy_timeout_ms = busy_timeout_ms
        self._lock = threading.RLock()
        self._per_thread: dict[threading.Thread, sqlite3.Connection] = {}
        self._shared: sqlite3.Connection | None = None
        self._closed = False
        has_fts = fts5_available()
        if fts and not has_fts:
            raise StoreError("this SQLite library has no FTS5 module")
        self.fts: bool = has_fts if fts is None else fts
        if self.path is not None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {self.path.parent}: {exc}") from exc
        try:
            self._initialize()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SQLiteStore({':memory:' if self.path is None else str(self.path)!r}, fts={self.fts})"

    # --- connections and transactions ------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        with _as_store_error(f"cannot open {self.path or ':memory:'}"):
            conn = sqlite3.connect(
                ":memory:" if self.path is None else str(self.path),
                timeout=self._busy_timeout_ms / 1000,
                isolation_level=None,  # we issue BEGIN/COMMIT ourselves
                check_same_thread=False,  # only so that close() may close it from another thread
            )
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            return conn

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (file), or the shared one under the lock (memory)."""
        if self.memory:
            with self._lock:
                self._check_open()
                if self._shared is None:
                    self._shared = self._connect()
                yield self._shared
            return
        yield self._thread_connection()

    def _thread_connection(self) -> sqlite3.Connection:
        thread = threading.current_thread()
        with self._lock:
            self._check_open()
            conn = self._per_thread.get(thread)
            if conn is None:
                self._close_orphans()
                conn = self._per_thread[thread] = self._connect()
            return conn

    def _close_orphans(self) -> None:
        """Close connections of threads that have ended (caller holds the lock)."""
        for thread in [t for t in self._per_thread if not t.is_alive()]:
            self._per_thread.pop(thread).close()

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError("the store is closed")

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Connection]:
        """One transaction: ``BEGIN IMMEDIATE`` for writes, a deferred snapshot for reads."""
        with self._connection() as conn, _as_store_error():
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def close(self) -> None:
        """Close every connection. Call when no other thread is using the store."""
        with self._lock:
            self._closed = True
            for conn in self._per_thread.values():
                conn.close()
            self._per_thread.clear()
            if self._shared is not None:
                self._shared.close()
                self._shared = None

    # --- schema ----------------------------------------------------------------------------

    def _initialize(self) -> None:
        with self._connection() as conn, _as_store_error():
            if not self.memory:
                conn.execute("PRAGMA journal_mode = WAL")
        with self._transaction(write=True) as conn:
            _migrate(conn)
            if self.fts:
                _ensure_fts(conn)

    def schema_version(self) -> int:
        """The applied migration count (``PRAGMA user_version``)."""
        with self._transaction(write=False) as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    # --- reviews ---------------------------------------------------------------------------

    def create_review(
        self,
        project: str,
        title: str,
        review_type: str | None,
        review_date: DateLike,
        language: Language = "zh",
        sections: Mapping[str, Any] | None = None,
    ) -> ReviewRecord:
        row = (
            base.require_text(project, "project"),
            base.require_text(title, "title"),
            base.optional_text(review_type, "review_type"),
            base.parse_date(review_date, "review_date").isoformat(),
            base.check_choice(language, base.LANGUAGES, "language"),
        )
        encoded = _checked_sections(sections)
        with self._transaction(write=True) as conn:
            review_id = _unused_id(conn, "reviews", "R")
            now = _now()
            conn.execute(
                "INSERT INTO reviews (id, project, title, review_type, review_date, language, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (review_id, *row, now, now),
            )
            _upsert_sections(conn, review_id, encoded, now)
            return _load_review(conn, review_id)

    def get_review(self, review_id: str) -> ReviewRecord:
        with self._transaction(write=False) as conn:
            return _load_review(conn, review_id)

    def list_reviews(
        self,
        project: str | None = None,
        review_type: str | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[ReviewSummary]:
        start = base.optional_date(date_from, "date_from")
        end = base.optional_date(date_to, "date_to")
        base.check_date_range(start, end)
        base.check_page(limit, offset)
        where = _Where()
        where.add("r.project = ?", _strip(project))
        where.add("r.review_type = ?", _strip(review_type))
        where.add("r.review_date >= ?", start.isoformat() if start else None)
        where.add("r.review_date <= ?", end.isoformat() if end else None)
        sql = (
            f"SELECT r.*, {_SECTION_NAMES_SQL} AS section_names FROM reviews r {where.sql} "
            "ORDER BY r.review_date DESC, r.created_at DESC, r.id LIMIT ? OFFSET ?"
        )
        with self._transaction(write=False) as conn:
            rows = conn.execute(sql, (*where.params, limit, offset)).fetchall()
        return [_summary(row) for row in rows]

    def delete_review(self, review_id: str) -> None:
        with self._transaction(write=True) as conn:
            if conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,)).rowcount == 0:
                raise NotFound("review_id", "review", review_id)

    def update_sections(self, review_id: str, sections: Mapping[str, Any]) -> ReviewRecord:
        encoded = _checked_sections(sections)
        with self._transaction(write=True) as conn:
            _require_review(conn, review_id)
            now = _now()
            _upsert_sections(conn, review_id, encoded, now)
            _touch(conn, review_id, now)
            return _load_review(conn, review_id)

    # --- actions ---------------------------------------------------------------------------

    def add_actions(self, review_id: str, items: Sequence[ActionItem]) -> list[StoredAction]:
        base.check_action_count(items)
        checked = [base.validate_action(item, f"actions[{i}]") for i, item in enumerate(items)]
        with self._transaction(write=True) as conn:
            _require_review(conn, review_id)
            ids = _action_ids(conn, checked)
            first_seq = conn.execute(
                "SELECT COALESCE(MAX(seq), -1) + 1 FROM actions WHERE review_id = ?", (review_id,)
            ).fetchone()[0]
            now = _now()
            conn.executemany(
                "INSERT INTO actions (id, review_id, seq, action, owner, due, priority, addresses, "
                "success_metric, status, status_reason, evidence, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (action_id, review_id, first_seq + i, *_action_values(item), now, now)
                    for i, (action_id, item) in enumerate(zip(ids, checked, strict=True))
                ],
            )
            _touch(conn, review_id, now)
            return _select_actions(
                conn, "WHERE a.review_id = ? AND a.seq >= ? ORDER BY a.seq", (review_id, first_seq)
            )

    def list_actions(
        self,
        owner: str | None = None,
        status: ActionStatus | Sequence[ActionStatus] | None = None,
        overdue_on: DateLike | None = None,
        project: str | None = None,
        review_id: str | None = None,
        limit: int = 500,
        offset: int = 0,
    ) -> list[StoredAction]:
        statuses = base.check_statuses(status)
        overdue = base.optional_date(overdue_on, "overdue_on")
        base.check_page(limit, offset, max_limit=MAX_ACTIONS)
        where = _Where()
        where.add("a.owner = ?", _strip(owner))
        where.add("r.project = ?", _strip(project))
        where.add("a.review_id = ?", review_id)
        where.add_in("a.status", statuses)
        if overdue is not None:
            where.add("a.due < ?", overdue.isoformat())
            where.add_in("a.status", _OPEN_STATUSES)
        order = (
            "ORDER BY a.due IS NULL, a.due, a.priority IS NULL, a.priority, r.review_date, a.review_id, "
            "a.seq LIMIT ? OFFSET ?"
        )
        with self._transaction(write=False) as conn:
            if review_id is not None:
                _require_review(conn, review_id)
            return _select_actions(conn, f"{where.sql} {order}", (*where.params, limit, offset))

    def update_action(
        self,
        action_id: str,
        status: ActionStatus | None = None,
        owner: str | None = None,
        due: DateLike | None = None,
        evidence: str | None = None,
        status_reason: str | None = None,
    ) -> StoredAction:
        changes: dict[str, object] = {
            "status": None if status is None else base.check_choice(status, base.ACTION_STATUSES, "status"),
            "owner": owner,
            "due": base.optional_date(due, "due"),
            "evidence": evidence,
            "status_reason": status_reason,
        }
        changes = {k: v for k, v in changes.items() if v is not None}
        with self._transaction(write=True) as conn:
            current = _select_actions(conn, "WHERE a.id = ?", (action_id,))
            if not current:
                raise NotFound("action_id", "action", action_id)
            fields = current[0].model_dump(include=set(ActionItem.model_fields))
            item = base.validate_action({**fields, **changes}, "")
            now = _now()
            conn.execute(
                "UPDATE actions SET action = ?, owner = ?, due = ?, priority = ?, addresses = ?, "
                "success_metric = ?, status = ?, status_reason = ?, evidence = ?, updated_at = ? "
                "WHERE id = ?",
                (*_action_values(item), now, action_id),
            )
            _touch(conn, current[0].review_id, now)
            return _select_actions(conn, "WHERE a.id = ?", (action_id,))[0]

    def open_actions_for_project(
        self, project: str, today: DateLike, exclude_review_id: str | None = None
    ) -> list[OpenAction]:
        name = base.require_text(project, "project")
        day = base.parse_date(today, "today")
        where = _Where()
        where.add("r.project = ?", name)
        where.add("a.review_id != ?", exclude_review_id)
        where.add_in("a.status", _OPEN_STATUSES)
        with self._transaction(write=False) as conn:
            if exclude_review_id is not None:
                _require_review(conn, exclude_review_id, field="exclude_review_id")
            actions = _select_actions(conn, f"{where.sql} ORDER BY r.review_date, a.seq", where.params)
        carried = [_open_action(action, day) for action in actions]
        carried.sort(key=_open_action_order)
        return carried

    # --- lessons ---------------------------------------------------------------------------

    def index_lessons(self, review_id: str, items: Sequence[Lesson | tuple[str, str]]) -> int:
        lessons = base.check_lessons(items)
        rows = [(review_id, i, it.kind, it.text, index_terms(it.text)) for i, it in enumerate(lessons)]
        with self._transaction(write=True) as conn:
            _require_review(conn, review_id)
            conn.execute("DELETE FROM lessons WHERE review_id = ?", (review_id,))
            conn.executemany(
                "INSERT INTO lessons (review_id, seq, kind, text, terms) VALUES (?, ?, ?, ?, ?)", rows
            )
            _touch(conn, review_id, _now())
        return len(rows)

    def search_lessons(
        self,
        query: str,
        kinds: Sequence[LessonKind] | None = None,
        project: str | None = None,
        limit: int = 20,
    ) -> list[LessonHit]:
        terms = _checked_query(query)
        base.check_page(limit, 0, max_limit=MAX_SEARCH_LIMIT)
        where = _Where()
        where.add_in("l.kind", base.check_kinds(kinds))
        where.add("r.project = ?", _strip(project))
        with self._transaction(write=False) as conn:
            hits = self._search(conn, terms, where, limit, any_term=False)
            if not hits and sum(len(t.tokens) for t in terms) > 1:
                hits = self._search(conn, relaxed_terms(terms), where, limit, any_term=True)
        return hits

    def _search(
        self, conn: sqlite3.Connection, terms: list[QueryTerm], where: _Where, limit: int, any_term: bool
    ) -> list[LessonHit]:
        if self.fts:
            return _search_fts(conn, terms, where, limit, any_term)
        return _search_like(conn, terms, where, limit, any_term)


# --- helpers (module-level so that they take the connection explicitly) -------------------


@contextmanager
def _as_store_error(context: str = "database error") -> Iterator[None]:
    """Backend-neutral errors: a `sqlite3.Error` (busy past the timeout, disk full, corrupt
    file...) becomes a `StoreError`; `InputError`/`NotFound` pass through."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(f"{context}: {exc}") from exc
    except UnicodeEncodeError as exc:  # an unpaired surrogate ('\ud800'): JSON transports refuse it, in process not
        bad = exc.object[exc.start : exc.end]
        raise InputError("input", f"a text holds the unpaired surrogate {bad!a}, which is not valid Unicode") from exc


class _Where:
    """Accumulates ``AND``-ed conditions; a None parameter means "no filter"."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[object] = []

    def add(self, condition: str, param: object) -> None:
        if param is not None:
            self.conditions.append(condition)
            self.params.append(param)

    def add_in(self, column: str, values: Sequence[str]) -> None:
        if values:
            self.conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
            self.params.extend(values)

    @property
    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.conditions)}" if self.conditions else ""

    def and_sql(self) -> str:
        return "".join(f" AND {c}" for c in self.conditions)


_SECTION_NAMES_SQL = (
    f"(SELECT group_concat(name, '{_SECTION_SEP}') FROM review_sections s WHERE s.review_id = r.id)"
)


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing migrations (the caller holds a write transaction)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > len(MIGRATIONS):
        raise StoreError(
            f"database schema version {version} is newer than this fupan-mcp knows "
            f"({len(MIGRATIONS)}); upgrade fupan-mcp"
        )
    for migration in MIGRATIONS[version:]:
        if callable(migration):
            migration(conn)
        else:
            for statement in migration:
                conn.execute(statement)
    if version < len(MIGRATIONS):
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")


def _ensure_fts(conn: sqlite3.Connection) -> None:
    """Create the lesson index and fill it from existing rows, if it is missing."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'lesson_fts'").fetchone():
        return
    for statement in FTS_SCHEMA:
        conn.execute(statement)
    conn.execute("INSERT INTO lesson_fts (lesson_fts) VALUES ('rebuild')")


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _unused_id(conn: sqlite3.Connection, table: str, prefix: str) -> str:
    """A fresh random id not yet in ``table`` (the write lock makes check-then-insert safe)."""
    while True:
        candidate = base.new_id(prefix)
        if not conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (candidate,)).fetchone():
            return candidate


def _action_ids(conn: sqlite3.Connection, items: list[ActionItem]) -> list[str]:
    """Keep given ids (if unused and unique), generate the others."""
    ids: list[str] = []
    for i, item in enumerate(items):
        if item.id is None or not item.id.strip():
            new = _unused_id(conn, "actions", "A")
            while new in ids:
                new = _unused_id(conn, "actions", "A")
            ids.append(new)
            continue
        given = item.id.strip()
        taken = conn.execute("SELECT 1 FROM actions WHERE id = ?", (given,)).fetchone()
        if taken or given in ids:
            raise InputError(f"actions[{i}].id", f"id {given!r} is already used by another action")
        ids.append(given)
    return ids


def _action_values(item: ActionItem) -> tuple[object, ...]:
    """Column values from ``action`` to ``evidence``, in table order."""
    return (
        item.action,
        item.owner,
        item.due.isoformat() if item.due else None,
        item.priority,
        item.addresses,
        item.success_metric,
        item.status,
        item.status_reason,
        item.evidence,
    )


def _select_actions(conn: sqlite3.Connection, tail: str, params: Sequence[object]) -> list[StoredAction]:
    rows = conn.execute(f"SELECT {_ACTION_COLUMNS} {_ACTION_FROM} {tail}", tuple(params)).fetchall()
    return [StoredAction.model_validate(dict(row)) for row in rows]


def _open_action(action: StoredAction, today: dt.date) -> OpenAction:
    late = (today - action.due).days if action.due and action.due < today else 0
    return OpenAction(**action.model_dump(), overdue=late > 0, days_overdue=late)


def _open_action_order(action: OpenAction) -> tuple[object, ...]:
    """Overdue first (longest overdue first), then by due date, priority, review date."""
    return (
        not action.overdue,
        -action.days_overdue,
        action.due is None,
        action.due or dt.date.max,
        action.priority or "P9",
        action.review_date,
    )


def _checked_sections(sections: Mapping[str, Any] | None) -> dict[str, str]:
    encoded = base.encode_sections(sections)
    for name in encoded:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
            raise InputError("sections", f"section name {name!r} contains control characters")
    return encoded


def _upsert_sections(conn: sqlite3.Connection, review_id: str, encoded: dict[str, str], now: str) -> None:
    conn.executemany(
        "INSERT INTO review_sections (review_id, name, value, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (review_id, name) "
        "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [(review_id, name, value, now) for name, value in encoded.items()],
    )


def _touch(conn: sqlite3.Connection, review_id: str, now: str) -> None:
    conn.execute("UPDATE reviews SET updated_at = ? WHERE id = ?", (now, review_id))


def _require_review(conn: sqlite3.Connection, review_id: str, field: str = "review_id") -> None:
    if not conn.execute("SELECT 1 FROM reviews WHERE id = ?", (review_id,)).fetchone():
        raise NotFound(field, "review", review_id)


def _summary(row: sqlite3.Row) -> ReviewSummary:
    data = dict(row)
    names = data.pop("section_names")
    data["section_names"] = sorted(names.split(_SECTION_SEP)) if names else []
    return ReviewSummary.model_validate(data)


def _load_review(conn: sqlite3.Connection, review_id: str) -> ReviewRecord:
    row = conn.execute(
        f"SELECT r.*, {_SECTION_NAMES_SQL} AS section_names FROM reviews r WHERE r.id = ?", (review_id,)
    ).fetchone()
    if row is None:
        raise NotFound("review_id", "review", review_id)
    summary = _summary(row)
    sections = {
        name: json.loads(value)
        for name, value in conn.execute(
            "SELECT name, value FROM review_sections WHERE review_id = ? ORDER BY name", (review_id,)
        )
    }
    actions = _select_actions(conn, "WHERE a.review_id = ? ORDER BY a.seq", (review_id,))
    rows = conn.execute("SELECT kind, text FROM lessons WHERE review_id = ? ORDER BY seq", (review_id,))
    lessons = [Lesson(kind=kind, text=text) for kind, text in rows]
    return ReviewRecord(**summary.model_dump(), sections=sections, actions=actions, lessons=lessons)


def _checked_query(query: str) -> list[QueryTerm]:
    text = base.require_text(query, "query", base.MAX_QUERY_CHARS)
    terms = parse_query(text)
    if not terms:
        raise InputError("query", "contains no letters, digits or CJK characters to search for")
    return terms


_HIT_COLUMNS = "l.review_id, r.project, r.title, r.review_date, l.kind, l.text"


def _search_fts(
    conn: sqlite3.Connection, terms: list[QueryTerm], where: _Where, limit: int, any_term: bool
) -> list[LessonHit]:
    if where.conditions:  # filter while ranking: BM25 is only computed for rows that pass
        sql = (
            f"SELECT {_HIT_COLUMNS}, bm25(lesson_fts) AS bm25 FROM lesson_fts "
            "JOIN lessons l ON l.id = lesson_fts.rowid JOIN reviews r ON r.id = l.review_id "
            f"WHERE lesson_fts MATCH ?{where.and_sql()} ORDER BY bm25, l.id LIMIT ?"
        )
    else:  # rank inside the index first, join only the top rows (twice as fast on common terms)
        sql = (
            f"SELECT {_HIT_COLUMNS}, top.bm25 FROM (SELECT rowid AS id, bm25(lesson_fts) AS bm25 "
            "FROM lesson_fts WHERE lesson_fts MATCH ? ORDER BY bm25, rowid LIMIT ?) AS top "
            "JOIN lessons l ON l.id = top.id JOIN reviews r ON r.id = l.review_id ORDER BY top.bm25, l.id"
        )
    params = (fts_match_expression(terms, any_term), *where.params, limit)
    rows = conn.execute(sql, params).fetchall()
    # BM25 is negative (lower is better); idf is floored at 1e-6 for terms in most documents,
    # so scores of a tiny store can be very small: keep significant digits, not decimals.
    return [_hit(row, float(f"{-float(row['bm25']):.6g}"), terms, any_term) for row in rows]


def _search_like(
    conn: sqlite3.Connection, terms: list[QueryTerm], where: _Where, limit: int, any_term: bool
) -> list[LessonHit]:
    joiner = " OR " if any_term else " AND "
    likes = joiner.join("l.text LIKE ? ESCAPE '\\'" for _ in terms)
    sql = (
        f"SELECT l.id, {_HIT_COLUMNS} FROM lessons l JOIN reviews r ON r.id = l.review_id "
        f"WHERE ({likes}){where.and_sql()}"
    )
    rows = conn.execute(sql, (*[like_pattern(t) for t in terms], *where.params)).fetchall()
    scored = [(fallback_score(row["text"], terms, any_term), row) for row in rows]
    scored = [(score, row) for score, row in scored if score > 0]
    scored.sort(key=lambda pair: (-pair[0], pair[1]["id"]))
    return [_hit(row, score, terms, any_term) for score, row in scored[:limit]]


def _hit(row: sqlite3.Row, score: float, terms: list[QueryTerm], any_term: bool) -> LessonHit:
    text = str(row["text"])
    return LessonHit(
        review_id=row["review_id"],
        project=row["project"],
        title=row["title"],
        review_date=row["review_date"],
        kind=row["kind"],
        text=text[:MAX_TEXT_CHARS],
        score=score,
        snippet=make_snippet(text, terms),
        matched_all=not any_term,
    )
