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
  front, so two processes never deadlock upgrading a read lock, and what a write reads inside
  its transaction (`modify_review` reads the whole review) is the latest committed state, which
  no one else can change before the commit. Reads use a deferred transaction, so a multi-query
  read (a review with its sections and actions) is a consistent snapshot. A method returns only
  after ``COMMIT`` succeeded (``synchronous=FULL``: on disk).
- Errors: a `sqlite3.Error` becomes the `StoreError` subclass of its cause (SQLITE_FULL ->
  `StoreFull`, SQLITE_READONLY -> `StoreReadOnly`, SQLITE_CORRUPT/NOTADB -> `StoreCorrupt`,
  SQLITE_BUSY/LOCKED -> `StoreBusy`, SQLITE_CANTOPEN -> `StoreCannotOpen`).
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
import errno
import functools
import json
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fupan_mcp.domain.actions import ActionItem, ActionStatus
from fupan_mcp.domain.insights import (
    ActionLine,
    ActionTally,
    CarriedKey,
    CellTally,
    CloseDays,
    InsightMetric,
    InsightReview,
    InsightRows,
    InsightText,
)
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
from fupan_mcp.limits import MAX_LISTED_GROUPS
from fupan_mcp.store import base, records
from fupan_mcp.store.base import (
    Created,
    DateLike,
    NotFound,
    ReviewChanges,
    StoreBusy,
    StoreCannotOpen,
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreReadOnly,
)
from fupan_mcp.store.projects import Project, project_key
from fupan_mcp.store.records import OPEN_STATUSES
from fupan_mcp.store.search import QueryTerm, fallback_score, fts_match_expression, index_terms, like_pattern
from fupan_mcp.store.transfer import Column, Merge, NotEmpty, insert_batches

__all__ = ["MIGRATIONS", "SQLiteStore", "default_db_path", "fts5_available", "user_data_dir"]

APP_DIR = "fupan-mcp"
DB_FILE = "fupan.db"
ENV_DB = "FUPAN_MCP_DB"
BUSY_TIMEOUT_MS = 5_000

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

# Migration 2: idempotency keys of create_review_document (a retry returns the review the key made).
_MIGRATION_2: tuple[str, ...] = (
    """CREATE TABLE review_keys (
        key         TEXT PRIMARY KEY,
        review_id   TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        created_at  TEXT NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX review_keys_by_review ON review_keys (review_id)",
)

# Migration 3: the postmortem fields of an action (its type and where it is tracked).
_MIGRATION_3: tuple[str, ...] = (
    "ALTER TABLE actions ADD COLUMN kind TEXT",
    "ALTER TABLE actions ADD COLUMN ticket TEXT",
)

# Migration 4: projects as identities (store/projects.py), the section of a searchable item, and
# the search tokens of stored items re-made with English stemming (store/search.py). Every review
# gets the project of its name's key; nothing is dropped (reviews.project keeps the name as given).
_MIGRATION_4_SQL: tuple[str, ...] = (
    """CREATE TABLE projects (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE project_names (
        key        TEXT PRIMARY KEY,  -- store.projects.project_key of the name
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        name       TEXT NOT NULL
    ) WITHOUT ROWID""",
    "CREATE INDEX project_names_by_project ON project_names (project_id)",
    "ALTER TABLE reviews ADD COLUMN project_id TEXT REFERENCES projects (id)",
    "CREATE INDEX reviews_by_project_id ON reviews (project_id, review_date)",
    "ALTER TABLE lessons ADD COLUMN section TEXT",
)


def _migration_4(conn: sqlite3.Connection) -> None:
    for statement in _MIGRATION_4_SQL:
        conn.execute(statement)
    names = conn.execute("SELECT project, MIN(created_at) FROM reviews GROUP BY project ORDER BY 2, 1").fetchall()
    for name in (str(row[0]) for row in names):
        project_id = _project_id(conn, name, _now())
        conn.execute("UPDATE reviews SET project_id = ? WHERE project = ?", (project_id, name))
    rows = conn.execute("SELECT id, text FROM lessons").fetchall()
    conn.executemany("UPDATE lessons SET terms = ? WHERE id = ?", [(index_terms(r[1]), r[0]) for r in rows])


# Migration 5: an action's close time (set when its status becomes done or won't-do, cleared when it
# is reopened, see records.CLOSED_AT_ON_UPDATE) and its due date as written ('下周五', 'T+30'), kept
# beside the absolute date it resolved to. Actions already closed get their last change as close
# time when that came after they were recorded (what insights took as the close date until now).
def _migration_5(conn: sqlite3.Connection) -> None:
    conn.execute("ALTER TABLE actions ADD COLUMN closed_at TEXT")
    conn.execute("ALTER TABLE actions ADD COLUMN due_text TEXT")
    closed = conn.execute(
        "SELECT id, created_at, updated_at FROM actions WHERE status IN ('done', 'wont_do')"
    ).fetchall()
    conn.executemany(
        "UPDATE actions SET closed_at = ? WHERE id = ?",
        [(at, row[0]) for row in closed if (at := records.backfilled_closed_at(row[1], row[2])) is not None],
    )


# Migration 6: indexes that hold what review_insights counts (status and due date by review and by
# owner), so its GROUP BYs read the index instead of every action row with its texts; the owner index
# replaces the one on the owner alone (list_actions filters by owner through it as before).
_MIGRATION_6: tuple[str, ...] = (
    "CREATE INDEX actions_tally_by_review ON actions (review_id, status, due)",
    "DROP INDEX actions_by_owner",
    "CREATE INDEX actions_by_owner ON actions (owner, status, due)",
)


# Migration 7: what review_insights groups carried-over actions by, kept at write time (`_keep_insights`):
# one row per review and normal form of its actions (records.carried_keys), so the groups of the whole
# store are a GROUP BY over an index instead of every action text normalized at each call. Derived,
# like the search index: not exported, made again by an import (and deleted with its review).
_INSIGHT_ACTIONS: tuple[str, ...] = (
    """CREATE TABLE insight_actions (
        review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        norm      TEXT NOT NULL,
        project   TEXT NOT NULL,  -- the review's project as given (what the groups are made by)
        action    TEXT NOT NULL,  -- the first of the review's actions with this normal form, as written
        status    TEXT NOT NULL,  -- the status of its last one
        PRIMARY KEY (review_id, norm)
    ) WITHOUT ROWID""",
    "CREATE INDEX insight_actions_by_group ON insight_actions (project, norm)",
)


def _migration_7(conn: sqlite3.Connection) -> None:
    for statement in _INSIGHT_ACTIONS:
        conn.execute(statement)
    _keep_carried(conn, None)


# Migration 8: review_insights' follow-through of the whole store without a pass over every action. What
# does not depend on the as-of date is kept at write time (`_keep_insights`): the status counts of each
# review's actions with its project and month (_INSERT_COUNTS), so the counts by project and quarter are
# a GROUP BY over 1 row per review; and, kept by triggers on insight_actions, how many reviews each
# carried-over group has (insight_groups), so the listed groups are found without a GROUP BY over every
# key. What depends on the as-of date (overdue, days past due) is counted at each call from partial
# indexes that hold only the open actions; another one holds the done actions with a close date (the
# days to close). Derived, like insight_actions.
_INSIGHT_COUNTS: tuple[str, ...] = (
    """CREATE TABLE insight_counts (
        review_id TEXT PRIMARY KEY REFERENCES reviews (id) ON DELETE CASCADE,
        project   TEXT NOT NULL,  -- the review's project as given
        month     TEXT NOT NULL,  -- of its review date: '2025-01'
        total     INTEGER NOT NULL,
        done      INTEGER NOT NULL,
        wont_do   INTEGER NOT NULL
    ) WITHOUT ROWID""",
    # how many reviews each carried-over group has, kept beside its keys by triggers (records.kept_carried)
    """CREATE TABLE insight_groups (
        project TEXT NOT NULL,
        norm    TEXT NOT NULL,
        n       INTEGER NOT NULL,
        PRIMARY KEY (project, norm)
    ) WITHOUT ROWID""",
    "CREATE INDEX insight_groups_by_size ON insight_groups (n DESC, project)",
    """CREATE TRIGGER insight_groups_add AFTER INSERT ON insight_actions BEGIN
        INSERT INTO insight_groups (project, norm, n) VALUES (new.project, new.norm, 1)
        ON CONFLICT (project, norm) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER insight_groups_remove AFTER DELETE ON insight_actions BEGIN
        UPDATE insight_groups SET n = n - 1 WHERE project = old.project AND norm = old.norm;
        DELETE FROM insight_groups WHERE project = old.project AND norm = old.norm AND n <= 0;
    END""",
    """CREATE TRIGGER insight_groups_move AFTER UPDATE OF project, norm ON insight_actions BEGIN
        UPDATE insight_groups SET n = n - 1 WHERE project = old.project AND norm = old.norm;
        DELETE FROM insight_groups WHERE project = old.project AND norm = old.norm AND n <= 0;
        INSERT INTO insight_groups (project, norm, n) VALUES (new.project, new.norm, 1)
        ON CONFLICT (project, norm) DO UPDATE SET n = n + 1;
    END""",
    "INSERT INTO insight_groups (project, norm, n) SELECT project, norm, count(*) FROM insight_actions GROUP BY 1, 2",
    # the listed groups' keys read from the index alone (the review id is in it: the table's key)
    "DROP INDEX insight_actions_by_group",
    "CREATE INDEX insight_actions_by_group ON insight_actions (project, norm, action, status)",
    # the status too, though implied: so that the queries read the index alone
    "CREATE INDEX actions_open_by_review ON actions (review_id, due, status) WHERE status IN ('open', 'in_progress')",
    "CREATE INDEX actions_open_by_owner ON actions (owner, due, status) WHERE status IN ('open', 'in_progress')",
    "CREATE INDEX actions_closed ON actions (review_id, owner, closed_at, status) "
    "WHERE status = 'done' AND closed_at IS NOT NULL",
)


def _migration_8(conn: sqlite3.Connection) -> None:
    for statement in _INSIGHT_COUNTS:
        conn.execute(statement)
    _keep_counts(conn, None)


# Migration 9: the attainment rates review_insights' trends read, kept beside their section by triggers on
# review_sections (every write of the attainment section: a create, an edit, an import), so a call reads one
# row per metric instead of parsing each section's JSON; the rows are what the read out of the JSON gave
# (json_each over '$.metrics', objects with a text name, the rate as stored: `_rate` reads it). And the
# lesson texts review_insights groups read from an index alone, in review order. Derived, like the others.
_METRIC_ROWS = (
    "SELECT {review}, m.id, json_extract(m.value, '$.name'), json_extract(m.value, '$.attainment_rate') "
    "FROM json_each({value}, '$.metrics') m "
    "WHERE m.type = 'object' AND typeof(json_extract(m.value, '$.name')) = 'text'"
)
_INSERT_METRICS = "INSERT INTO insight_metrics (review_id, seq, name, rate) " + _METRIC_ROWS
_ATTAINMENT = f"'{records.ATTAINMENT_SECTION}'"
_INSIGHT_METRICS: tuple[str, ...] = (
    """CREATE TABLE insight_metrics (
        review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,  -- json_each's id of the metric in its section
        name      TEXT NOT NULL,
        rate      BLOB,              -- the attainment_rate as stored, any JSON scalar (no affinity)
        PRIMARY KEY (review_id, seq)
    ) WITHOUT ROWID""",
    f"""CREATE TRIGGER insight_metrics_add AFTER INSERT ON review_sections WHEN new.name = {_ATTAINMENT} BEGIN
        {_INSERT_METRICS.format(review="new.review_id", value="new.value")};
    END""",
    f"""CREATE TRIGGER insight_metrics_change AFTER UPDATE OF review_id, name, value ON review_sections
    WHEN old.name = {_ATTAINMENT} OR new.name = {_ATTAINMENT} BEGIN
        DELETE FROM insight_metrics WHERE review_id = old.review_id AND old.name = {_ATTAINMENT};
        {_INSERT_METRICS.format(review="new.review_id", value="new.value")} AND new.name = {_ATTAINMENT};
    END""",
    f"""CREATE TRIGGER insight_metrics_remove AFTER DELETE ON review_sections WHEN old.name = {_ATTAINMENT} BEGIN
        DELETE FROM insight_metrics WHERE review_id = old.review_id;
    END""",
    "INSERT INTO insight_metrics (review_id, seq, name, rate) "
    + _METRIC_ROWS.format(review="s.review_id", value="s.value").replace(
        "FROM json_each", "FROM review_sections s, json_each"
    )
    + f" AND s.name = {_ATTAINMENT}",
    "CREATE INDEX lessons_insight ON lessons (review_id, seq, kind, text)",
)

# Migration 10 (schema 10, user_version 9 -> 10): an action's
# priority and status as typed when they read as none of their values ('ASAP-ish', '跟进中?'), kept
# beside the empty priority / default status so a save, get_review, export and import keep the word.
_TYPED_WORDS: tuple[str, ...] = (
    "ALTER TABLE actions ADD COLUMN priority_text TEXT",
    "ALTER TABLE actions ADD COLUMN status_text TEXT",
)

# Migration 11: the alike pairs review_insights joins recurring problems, root causes and lessons by, kept
# at write time (`_keep_texts`, wherever lessons are written or deleted) instead of compared at each call:
# each text of those kinds once while a lesson holds it (insight_texts: its normal form, gram count and how
# many lessons hold it, under its hash), its grams (insight_grams, the index a new text finds the texts it
# shares grams with through) and the pairs of texts of different normal forms alike at
# `analysis.insights.RECURRING_THRESHOLD` (insight_pairs): the pairs of the texts a call reads are those
# `analysis.text.similar_pairs` finds among them. Derived, like the others (made again by an import).
_INSIGHT_TEXTS: tuple[str, ...] = (
    """CREATE TABLE insight_texts (
        key     TEXT PRIMARY KEY,  -- records.text_key of the text
        text    TEXT NOT NULL,
        norm    TEXT NOT NULL,     -- analysis.text.normalize_text
        size    INTEGER NOT NULL,  -- how many grams (analysis.insights.text_grams)
        lessons INTEGER NOT NULL   -- how many lessons hold it: it goes with the last one
    ) WITHOUT ROWID""",
    """CREATE TABLE insight_grams (
        gram TEXT NOT NULL,  -- records.gram_key
        key  TEXT NOT NULL,  -- the text's
        PRIMARY KEY (gram, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE insight_pairs (
        a TEXT NOT NULL,  -- the keys of two alike texts, a < b
        b TEXT NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID""",
    "CREATE INDEX insight_pairs_by_b ON insight_pairs (b)",
    # and the counts by project and month read in their order from an index (_CELL_COUNTS_SQL, no sort)
    "CREATE INDEX insight_counts_by_cell ON insight_counts (project, month, total, done, wont_do)",
)


def _migration_11(conn: sqlite3.Connection) -> None:
    for statement in _INSIGHT_TEXTS:
        conn.execute(statement)
    _keep_texts(conn, None)


def _migration_12(conn: sqlite3.Connection) -> None:
    """The alike pairs again, now that texts are compared with their synonyms as one word, fillers out and
    English words by their stem (`analysis.insights.text_grams`): the kept grams and pairs were the old ones."""
    _keep_texts(conn, None)


# Append new migrations here: MIGRATIONS[n] upgrades user_version n to n + 1.
MIGRATIONS: tuple[Migration, ...] = (
    _MIGRATION_1,
    _MIGRATION_2,
    _MIGRATION_3,
    _migration_4,
    _migration_5,
    _MIGRATION_6,
    _migration_7,
    _migration_8,
    _INSIGHT_METRICS,
    _TYPED_WORDS,
    _migration_11,
    _migration_12,
)
DERIVED_TABLES = (
    "insight_actions",
    "insight_counts",
    "insight_groups",
    "insight_metrics",
    "insight_texts",
    "insight_grams",
    "insight_pairs",
)
"""Tables the store makes from the others at write time: not data (not exported), made again on import."""

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
    "a.status, a.status_reason, a.evidence, a.kind, a.ticket, a.due_text, a.priority_text, a.status_text, "
    "a.closed_at, a.created_at, "
    "a.updated_at, r.project, r.project_id, r.title AS review_title, r.review_date"
)
_PROJECT_ID = records.PROJECT_ID_OF_KEY.format(p="?")
_CLOSED_AT = records.CLOSED_AT_ON_UPDATE.format(p="?")
_ACTION_FROM = "FROM actions a JOIN reviews r ON r.id = a.review_id"
_ACTION_SET = ", ".join(f"{column} = ?" for column in records.ACTION_VALUE_COLUMNS)
_INSERT_ACTION = (
    f"INSERT INTO actions (id, review_id, seq, {', '.join(records.ACTION_VALUE_COLUMNS)}, created_at, updated_at) "
    f"VALUES ({', '.join('?' * (len(records.ACTION_VALUE_COLUMNS) + 5))})"
)
# review_insights' counts, per review or per owner ({key}) over the actions in {scope}: overdue ones
# (open or in progress, due before the as-of date, given twice) by days past due, and the days from
# the review date to the close date of the done actions whose close date is known.
_TALLY_SQL = (  # band: 0-3 for 0-30, 31-90, 91-180, >180 days past due, from due dates compared as text
    "SELECT key, count(*), sum(status = 'done'), sum(status = 'wont_do'), count(band), "
    "coalesce(sum(band = 0), 0), coalesce(sum(band = 1), 0), coalesce(sum(band = 2), 0), coalesce(sum(band = 3), 0) "
    "FROM (SELECT {key} AS key, a.status, CASE WHEN a.status NOT IN ('done', 'wont_do') AND a.due < ? THEN "
    "CASE WHEN a.due >= ? THEN 0 WHEN a.due >= ? THEN 1 WHEN a.due >= ? THEN 2 ELSE 3 END END AS band {scope}) "
    "GROUP BY key"
)
_CLOSES_SQL = (  # the close date is the day of closed_at as written (UTC, as the store writes it)
    "SELECT {key}, max(0, CAST(julianday(substr(a.closed_at, 1, 10)) - julianday(r.review_date) AS INTEGER)), "
    "count(*) FROM actions a INDEXED BY actions_closed JOIN reviews r ON r.id = a.review_id "
    "WHERE a.status = 'done' AND a.closed_at IS NOT NULL{rest} GROUP BY 1, 2"
)
_INSERT_COUNTS = (
    "INSERT INTO insight_counts (review_id, project, month, total, done, wont_do) "
    "SELECT a.review_id, r.project, substr(r.review_date, 1, 7), count(*), sum(a.status = 'done'), "
    "sum(a.status = 'wont_do') FROM actions a JOIN reviews r ON r.id = a.review_id WHERE {where} GROUP BY a.review_id"
)
# The whole store's counts: by project and month from insight_counts (its index by cell, migration 11),
# by owner from its index; the overdue ones (open or in progress, due before the as-of date, the last
# parameter) by project and month, and by owner, from the partial indexes of open actions: how many, and how many of
# them are at most 30, 90 and 180 days past due (the bands of _TALLY_SQL are their differences).
_CELL_COUNTS_SQL = "SELECT project, month, sum(total), sum(done), sum(wont_do) FROM insight_counts GROUP BY 1, 2"
_LATE = "count(*), sum(a.due >= ?), sum(a.due >= ?), sum(a.due >= ?)"
_CELL_LATE_SQL = (  # each open action joined to its review's cell: a third less than a GROUP BY review first
    f"SELECT k.project, k.month, {_LATE} FROM actions a INDEXED BY actions_open_by_review "
    "JOIN insight_counts k ON k.review_id = a.review_id "
    "WHERE a.status IN ('open', 'in_progress') AND a.due < ? GROUP BY 1, 2"
)
_OWNER_COUNTS_SQL = (
    "SELECT owner, sum(n), sum(CASE WHEN status = 'done' THEN n ELSE 0 END), "
    "sum(CASE WHEN status = 'wont_do' THEN n ELSE 0 END) "
    "FROM (SELECT owner, status, count(*) AS n FROM actions INDEXED BY actions_by_owner GROUP BY owner, status) "
    "GROUP BY owner"
)
_OWNER_LATE_SQL = (
    f"SELECT a.owner, {_LATE} FROM actions a INDEXED BY actions_open_by_owner "
    "WHERE a.status IN ('open', 'in_progress') AND a.due < ? GROUP BY a.owner"
)
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


_RATE_SQL = "CASE WHEN typeof(m.rate) IN ('integer', 'real') THEN m.rate * 1.0 END"
"""A stored attainment rate as a float, in SQL (a number as a float, a text or null as no rate): what the
read of each row in Python gave, one call less per metric (json_extract stores JSON true and false as the
integers 1 and 0, which were 1.0 and 0.0 there too)."""


def _whole_tallies(
    cur: sqlite3.Cursor, counts_sql: str, late_sql: str, bounds: Sequence[str | None], make: Any, width: int = 2
) -> list[Any]:
    """Tallies (`ActionTally` or `CellTally`, ``make``) keyed by the first ``width`` columns of both queries:
    the status counts of ``counts_sql`` and the overdue ones of ``late_sql`` (as of ``bounds[0]``)."""
    found: dict[tuple[Any, ...], list[Any]] = {}
    for row in cur.execute(counts_sql):
        found[row[:width]] = [*row, 0, (0, 0, 0, 0)]
    if bounds[0] is not None:
        for row in cur.execute(late_sql, (*bounds[1:], bounds[0])):
            n, within_30, within_90, within_180 = row[width:]
            entry = found[row[:width]]
            entry[-2] = n
            entry[-1] = (within_30, within_90 - within_30, within_180 - within_90, n - within_180)
    return [make(*entry) for entry in found.values()]


def _tally(row: Sequence[Any]) -> ActionTally:
    return ActionTally(row[0], row[1], row[2], row[3], row[4], (row[5], row[6], row[7], row[8]))


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
                raise _os_error(exc, f"cannot create {self.path.parent}") from exc
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
        if not self.memory:
            with self._connection() as conn, _as_store_error():
                _enable_wal(conn, self._busy_timeout_ms / 1000)
        with self._transaction(write=True) as conn:
            _migrate(conn)
            if self.fts:
                _ensure_fts(conn)

    def schema_version(self) -> int:
        """The applied migration count (``PRAGMA user_version``)."""
        with self._transaction(write=False) as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    # --- the whole workspace (store/transfer.py) ---------------------------------------------

    text_holds_nul = True

    def table_columns(self) -> dict[str, tuple[Column, ...]]:
        """Every data table and its columns, from ``sqlite_master`` and ``PRAGMA table_info`` (the
        full-text index, the insight tables kept at write time (`DERIVED_TABLES`) and SQLite's own tables
        are not data: they are made from the others)."""
        with self._transaction(write=False) as conn:
            names = [
                str(row[0])
                for row in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                    "AND name NOT LIKE 'lesson\\_fts%' ESCAPE '\\' ORDER BY name"
                )
                if row[0] not in DERIVED_TABLES
            ]
            return {
                name: tuple(_column(name, row) for row in conn.execute(f'PRAGMA table_info("{name}")'))
                for name in names
            }

    def read_tables(
        self, tables: Sequence[tuple[str, Sequence[str], Sequence[str]]]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        with self._transaction(write=False) as conn:
            for table, columns, order in tables:
                names = ", ".join(f'"{c}"' for c in columns)
                cursor = conn.cursor()
                cursor.row_factory = None  # plain tuples, zipped with the columns asked for
                cursor.execute(f'SELECT {names} FROM "{table}" ORDER BY {", ".join(order)}')
                keys = tuple(columns)
                parsed = [name for name in _JSON_COLUMNS.get(table, ()) if name in keys]
                for row in cursor:
                    values = dict(zip(keys, row, strict=True))
                    for name in parsed:
                        if values[name] is not None:
                            values[name] = json.loads(values[name])
                    yield table, values

    def load_tables(
        self, rows: Sequence[tuple[str, Sequence[Mapping[str, Any]]]], replace: bool, merge: Merge | None = None
    ) -> None:
        with self._transaction(write=True) as conn:
            tables = [table for table, _ in rows]
            counts = {t: int(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]) for t in tables}
            if merge is not None:  # what is stored stays; the merge reads it under this write lock
                rows = merge(functools.partial(_lookup, conn))
            elif any(counts.values()):
                if not replace:
                    raise NotEmpty(counts)
                for table in reversed(tables):
                    conn.execute(f'DELETE FROM "{table}"')
            # the index is rebuilt below from every lesson at once: not also a row at a time by its trigger
            with _triggers_dropped(conn, ("lessons_fts_insert",) if self.fts else ()):
                for table, items in rows:
                    known = [str(info["name"]) for info in conn.execute(f'PRAGMA table_info("{table}")')]
                    for names, values in insert_batches(table, items, known, functools.partial(_prepare, table)):
                        columns = ", ".join(f'"{name}"' for name in names)
                        conn.executemany(
                            f'INSERT INTO "{table}" ({columns}) VALUES ({", ".join("?" * len(names))})', values
                        )
            imported = {str(row["review_id"]) for table, items in rows if table == "actions" for row in items}
            _keep_imported_insights(conn, sorted(imported))
            # every text again when nothing else is stored (replaced, or into an empty store): no text is kept yet
            _keep_texts(conn, None if merge is None else records.imported_texts(rows))
            if self.fts:
                conn.execute("INSERT INTO lesson_fts (lesson_fts) VALUES ('rebuild')")

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
        return self.create_review_document(project, title, review_type, review_date, language, sections).record

    def create_review_document(
        self,
        project: str,
        title: str,
        review_type: str | None,
        review_date: DateLike,
        language: Language = "zh",
        sections: Mapping[str, Any] | None = None,
        *,
        actions: Sequence[ActionItem] = (),
        lessons: Sequence[Lesson | tuple[str, str]] = (),
        idempotency_key: str | None = None,
    ) -> Created:
        review = records.checked_review(project, title, review_type, review_date, language)
        row = (review.project, review.title, review.review_type, review.review_date.isoformat(), review.language)
        encoded = records.checked_sections(sections)
        checked = records.checked_actions(actions)
        items = base.check_lessons(lessons)
        key = records.checked_key(idempotency_key)
        digest = records.fingerprint(review, encoded, checked, items)
        with self._transaction(write=True) as conn:
            if key is not None:
                found = conn.execute("SELECT review_id, fingerprint FROM review_keys WHERE key = ?", (key,)).fetchone()
                if found is not None:
                    if found["fingerprint"] != digest:
                        raise records.key_reused(key, found["review_id"])
                    return Created(_load_review(conn, found["review_id"]), replayed=True)
            review_id = _unused_id(conn, "reviews", "R")
            now = _now()
            conn.execute(
                "INSERT INTO reviews (id, project, title, review_type, review_date, language, "
                "created_at, updated_at, project_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (review_id, *row, now, now, _project_id(conn, review.project, now)),
            )
            _upsert_sections(conn, review_id, encoded, now)
            if checked:
                _append_actions(conn, review_id, checked, now)
            if items:
                _replace_lessons(conn, review_id, items)
            if key is not None:
                conn.execute(
                    "INSERT INTO review_keys (key, review_id, fingerprint, created_at) VALUES (?, ?, ?, ?)",
                    (key, review_id, digest, now),
                )
            return Created(_load_review(conn, review_id))

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
        start, end = records.checked_review_filter(date_from, date_to, limit, offset)
        where = _Where()
        where.add(f"r.project_id = {_PROJECT_ID}", records.project_filter(project))
        where.add("r.review_type = ?", records.strip(review_type))
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
            removed = _insight_texts_of(conn, review_id)  # its lessons go with it (ON DELETE CASCADE)
            if conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,)).rowcount == 0:
                raise NotFound("review_id", "review", review_id)
            _keep_texts(conn, [], removed)

    def update_sections(self, review_id: str, sections: Mapping[str, Any]) -> ReviewRecord:
        encoded = records.checked_sections(sections)
        with self._transaction(write=True) as conn:
            _require_review(conn, review_id)
            now = _now()
            _upsert_sections(conn, review_id, encoded, now)
            _touch(conn, review_id, now)
            return _load_review(conn, review_id)

    def modify_review(self, review_id: str, change: Callable[[ReviewRecord], ReviewChanges]) -> ReviewRecord:
        with self._transaction(write=True) as conn:  # BEGIN IMMEDIATE: what we read here is current
            current = _load_review(conn, review_id)
            checked = records.checked_changes(change(current))
            now = _now()
            _upsert_sections(conn, review_id, checked.sections, now)
            by_id = {action.id: action for action in current.actions}
            for action_id, fields in checked.action_updates.items():
                if action_id not in by_id:
                    raise InputError("actions", base.both("not_its_action", id=repr(action_id), review=review_id))
                _update_action(conn, by_id[action_id], fields, now)
            if checked.new_actions:
                _append_actions(conn, review_id, checked.new_actions, now)
            if checked.lessons is not None:
                _replace_lessons(conn, review_id, checked.lessons)
            _touch(conn, review_id, now)
            return _load_review(conn, review_id)

    # --- actions ---------------------------------------------------------------------------

    def add_actions(self, review_id: str, items: Sequence[ActionItem]) -> list[StoredAction]:
        checked = records.checked_actions(items)
        with self._transaction(write=True) as conn:
            _require_review(conn, review_id)
            now = _now()
            first_seq = _append_actions(conn, review_id, checked, now)
            _touch(conn, review_id, now)
            return _select_actions(conn, "WHERE a.review_id = ? AND a.seq >= ? ORDER BY a.seq", (review_id, first_seq))

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
        statuses, overdue = records.checked_action_filter(status, overdue_on, limit, offset)
        where = _Where()
        where.add("a.owner = ?", records.strip(owner))
        where.add(f"r.project_id = {_PROJECT_ID}", records.project_filter(project))
        where.add("a.review_id = ?", review_id)
        where.add_in("a.status", statuses)
        if overdue is not None:
            where.add("a.due < ?", overdue.isoformat())
            where.add_in("a.status", OPEN_STATUSES)
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
        changes = records.action_changes(status, owner, due, evidence, status_reason)
        with self._transaction(write=True) as conn:
            current = _select_actions(conn, "WHERE a.id = ?", (action_id,))
            if not current:
                raise NotFound("action_id", "action", action_id)
            now = _now()
            _update_action(conn, current[0], changes, now)
            _touch(conn, current[0].review_id, now)
            return _select_actions(conn, "WHERE a.id = ?", (action_id,))[0]

    def open_actions_for_project(
        self, project: str, today: DateLike, exclude_review_id: str | None = None
    ) -> list[OpenAction]:
        name = base.require_text(project, "project")
        day = base.parse_date(today, "today")
        where = _Where()
        where.add(f"r.project_id = {_PROJECT_ID}", records.project_filter(name))
        where.add("a.review_id != ?", exclude_review_id)
        where.add_in("a.status", OPEN_STATUSES)
        with self._transaction(write=False) as conn:
            if exclude_review_id is not None:
                _require_review(conn, exclude_review_id, field="exclude_review_id")
            actions = _select_actions(conn, f"{where.sql} ORDER BY r.review_date, a.seq", where.params)
        return records.carried_actions(actions, day)

    # --- lessons ---------------------------------------------------------------------------

    def index_lessons(self, review_id: str, items: Sequence[Lesson | tuple[str, str]]) -> int:
        lessons = base.check_lessons(items)
        with self._transaction(write=True) as conn:
            _require_review(conn, review_id)
            _replace_lessons(conn, review_id, lessons)
            _touch(conn, review_id, _now())
        return len(lessons)

    def insight_rows(
        self,
        project: str | None = None,
        review_type: str | None = None,
        owner: str | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
    ) -> InsightRows:
        name, kind, who, start, end = records.checked_insight_filter(project, review_type, owner, date_from, date_to)
        where = _Where()
        where.add(f"r.project_id = {_PROJECT_ID}", name)  # the project identity, any of its names
        where.add("r.review_type = ?", kind)
        where.add("r.review_date >= ?", start.isoformat() if start else None)
        where.add("r.review_date <= ?", end.isoformat() if end else None)
        rest = where.and_sql()

        def join(alias: str) -> str:  # the reviews only when a filter reads them
            return f" JOIN reviews r ON r.id = {alias}.review_id" if rest else ""

        owned = " AND a.owner = ?" if who is not None else ""
        params = (*where.params, *([who] if who is not None else []))
        # Without a review filter every action is in scope: no join with the reviews (a lookup per action).
        scope = f"{_ACTION_FROM} WHERE 1 = 1{rest}{owned}" if rest else f"FROM actions a WHERE 1 = 1{owned}"
        with self._transaction(write=False) as conn:
            cur = conn.cursor()
            cur.row_factory = None  # plain tuples: tens of thousands of rows
            day, review = dt.date.fromisoformat, functools.partial(tuple.__new__, InsightReview)  # C calls: 10,000 rows
            reviews: list[InsightReview] = [
                review((id_, project_, type_, day(date_)))
                for id_, project_, type_, date_ in cur.execute(
                    f"SELECT r.id, r.project, r.review_type, r.review_date FROM reviews r {where.sql}", where.params
                )
            ]
            as_of = records.insight_as_of(end, reviews)
            bounds = [(as_of - dt.timedelta(days=n)).isoformat() if as_of else None for n in (0, 30, 90, 180)]
            cells: list[CellTally] | None = None
            if rest or who is not None:  # a filter: counted over the actions in scope
                tallies = [
                    [_tally(row) for row in cur.execute(_TALLY_SQL.format(key=key, scope=scope), (*bounds, *params))]
                    for key in ("a.review_id", "a.owner")
                ]
            else:  # the whole store: what is kept, and the open actions past due from their indexes
                cells = _whole_tallies(cur, _CELL_COUNTS_SQL, _CELL_LATE_SQL, bounds, CellTally)
                tallies = [[], _whole_tallies(cur, _OWNER_COUNTS_SQL, _OWNER_LATE_SQL, bounds, ActionTally, 1)]
            closes = [
                records.as_rows(CloseDays, cur.execute(_CLOSES_SQL.format(key=key, rest=f"{rest}{owned}"), params))
                for key in ("a.review_id", "a.owner")
            ]
            lines: list[ActionLine] = []
            carried: list[CarriedKey] | None = None
            count: int | None = None
            if rest or who is not None:  # a filter: the lines in scope, grouped by the analysis
                lines = records.as_rows(
                    ActionLine,
                    cur.execute(
                        f"SELECT a.review_id, a.seq, a.action, a.status {scope} ORDER BY a.review_id, a.seq", params
                    ),
                )
            else:  # the whole store: the groups kept at write time, only those that can be listed
                carried, count = records.kept_carried(
                    lambda sql, args: cur.execute(sql, args).fetchall(), "?", "", MAX_LISTED_GROUPS
                )
            kinds = ", ".join("?" * len(records.INSIGHT_TEXT_KINDS))
            texts = cur.execute(
                f"SELECT l.review_id, l.kind, l.text FROM lessons l{join('l')} "
                f"WHERE l.kind IN ({kinds}){rest} ORDER BY l.review_id, l.seq",
                (*records.INSIGHT_TEXT_KINDS, *where.params),
            ).fetchall()
            pairs = cur.execute(  # the alike texts, kept at write time (migration 11)
                "SELECT a.text, b.text FROM insight_pairs p JOIN insight_texts a ON a.key = p.a "
                "JOIN insight_texts b ON b.key = p.b"
            ).fetchall()
            metrics = cur.execute(  # kept beside the attainment section (migration 9)
                f"SELECT m.review_id, m.name, {_RATE_SQL} FROM insight_metrics m{join('m')} "
                f"WHERE typeof(m.name) = 'text'{rest}",
                where.params,
            ).fetchall()
        return InsightRows.model_construct(  # rows this store counted and wrote: no re-validation
            as_of=as_of,
            reviews=reviews,
            review_tallies=tallies[0],
            cell_tallies=cells,
            owner_tallies=tallies[1],
            review_closes=closes[0],
            owner_closes=closes[1],
            actions=records.in_review_order(lines, reviews),
            carried=carried,
            carried_count=count,
            texts=records.as_rows(InsightText, texts),
            pairs=pairs,
            metrics=records.as_rows(InsightMetric, metrics),
        )

    def search_lessons(
        self,
        query: str,
        kinds: Sequence[LessonKind] | None = None,
        project: str | None = None,
        limit: int = 20,
        *,
        review_type: str | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        any_term: bool = False,
    ) -> list[LessonHit]:
        terms = records.checked_query(query, limit)
        checked = records.checked_search_filter(kinds, project, review_type, date_from, date_to)
        where = _Where()
        where.add_in("l.kind", checked.kinds)
        where.add(f"r.project_id = {_PROJECT_ID}", checked.project_key)
        where.add("r.review_type = ?", checked.review_type)
        where.add("r.review_date >= ?", checked.date_from.isoformat() if checked.date_from else None)
        where.add("r.review_date <= ?", checked.date_to.isoformat() if checked.date_to else None)
        with self._transaction(write=False) as conn:
            return records.search_with_retry(
                lambda t, relaxed: self._search(conn, t, where, limit, relaxed), terms, any_term
            )

    # --- projects --------------------------------------------------------------------------

    def team_roster(self) -> list[dict[str, Any]]:
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT s.value FROM review_sections s JOIN reviews r ON r.id = s.review_id "
                "WHERE s.name = 'roster' ORDER BY r.review_date, r.created_at"
            ).fetchall()
        return [entry for (value,) in rows for entry in records.roster_entries(json.loads(value))]

    def find_project(self, name: str) -> Project | None:
        key = project_key(base.require_text(name, "project"))
        with self._transaction(write=False) as conn:
            return _find_project(conn, key)

    def list_projects(self) -> list[Project]:
        with self._transaction(write=False) as conn:
            return _projects(conn, "", ())

    def add_project_alias(self, project: str, alias: str) -> Project:
        name = base.require_text(project, "project")
        other = base.require_text(alias, "alias")
        with self._transaction(write=True) as conn:
            found = _find_project(conn, project_key(name))
            if found is None:
                raise records.unknown_project(name)
            holder = _find_project(conn, project_key(other))
            if holder is None:
                conn.execute(
                    "INSERT INTO project_names (key, project_id, name) VALUES (?, ?, ?)",
                    (project_key(other), found.id, other),
                )
            elif holder.id != found.id:
                raise records.alias_taken(other, holder.name)
            return _projects(conn, "WHERE p.id = ?", (found.id,))[0]

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
    file...) becomes the `StoreError` of its cause; `InputError`/`NotFound` pass through."""
    try:
        yield
    except sqlite3.Error as exc:
        raise classify(exc, context) from exc
    except UnicodeEncodeError as exc:
        raise records.surrogate_error(exc) from exc


# SQLite result codes (the primary code is the low byte of an extended one) -> our errors.
_SQLITE_CAUSES: dict[int, type[StoreError]] = {
    3: StoreCannotOpen,  # SQLITE_PERM
    5: StoreBusy,  # SQLITE_BUSY
    6: StoreBusy,  # SQLITE_LOCKED
    8: StoreReadOnly,  # SQLITE_READONLY (and its _DIRECTORY, _DBMOVED... variants)
    11: StoreCorrupt,  # SQLITE_CORRUPT
    13: StoreFull,  # SQLITE_FULL (ENOSPC, or max_page_count reached)
    14: StoreCannotOpen,  # SQLITE_CANTOPEN
    26: StoreCorrupt,  # SQLITE_NOTADB
}
# The same from the message, for Pythons before 3.11 (no sqlite_errorcode).
_SQLITE_MESSAGES: tuple[tuple[str, type[StoreError]], ...] = (
    ("database or disk is full", StoreFull),
    ("readonly database", StoreReadOnly),
    ("malformed", StoreCorrupt),
    ("not a database", StoreCorrupt),
    ("is locked", StoreBusy),
    ("unable to open", StoreCannotOpen),
)


def classify(exc: sqlite3.Error, context: str = "database error") -> StoreError:
    """The `StoreError` subclass for a `sqlite3.Error`, its message the technical detail."""
    code = getattr(exc, "sqlite_errorcode", None)
    cause: type[StoreError] | None = _SQLITE_CAUSES.get(code & 0xFF) if isinstance(code, int) else None
    if cause is None:
        text = str(exc).lower()
        cause = next((kind for needle, kind in _SQLITE_MESSAGES if needle in text), StoreError)
    return cause(f"{context}: {exc}")


def _os_error(exc: OSError, context: str) -> StoreError:
    """A file-system error while preparing the database's directory."""
    if exc.errno == errno.ENOSPC:
        return StoreFull(f"{context}: {exc}")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StoreReadOnly(f"{context}: {exc}")
    return StoreCannotOpen(f"{context}: {exc}")


class _Where(records.Where):
    def add_in(self, column: str, values: Sequence[str]) -> None:
        if values:
            self.conditions.append(f"{column} IN ({', '.join('?' * len(values))})")
            self.params.extend(values)


_JSON_COLUMNS: dict[str, tuple[str, ...]] = {"review_sections": ("value",)}
"""Columns that hold JSON text (SQLite has no JSON type): exported as the value, stored as its text."""
_DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {"lessons": ("id", "terms")}
"""Columns the store computes (the row id, the search terms of store/search.py): made again on import."""


@contextmanager
def _triggers_dropped(conn: sqlite3.Connection, names: Sequence[str]) -> Iterator[None]:
    """The statements inside without these triggers, made again afterwards from their own SQL (what
    ``sqlite_master`` keeps), all in the caller's write transaction: its rollback on an error brings them
    back as they were, and no other connection ever sees the store without them. For a bulk write whose
    caller then does what they would have done row by row (the full-text index of an import, rebuilt from
    every lesson at once: 600 rows a tenth of the time)."""
    found: list[str] = []
    for name in names:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).fetchone()
        if row is not None:
            conn.execute(f'DROP TRIGGER "{name}"')
            found.append(str(row[0]))
    yield
    for sql in found:
        conn.execute(sql)


def _lookup(conn: sqlite3.Connection, table: str, column: str, values: Collection[Any], result: str) -> dict[Any, Any]:
    """``column value -> result value`` of the stored rows whose ``column`` is one of ``values``."""
    found: dict[Any, Any] = {}
    given = list(dict.fromkeys(values))
    for start in range(0, len(given), 500):  # within SQLite's limit of bound parameters
        chunk = given[start : start + 500]
        sql = f'SELECT "{column}", "{result}" FROM "{table}" WHERE "{column}" IN ({", ".join("?" * len(chunk))})'
        found.update((row[0], row[1]) for row in conn.execute(sql, chunk))
    return found


_json_text = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(value, ensure_ascii=False)``, with one encoder for every row of an import."""


def _prepare(table: str, row: dict[str, Any]) -> None:
    """An imported row as this store keeps it: JSON as its text, a lesson's search terms made again."""
    for name in _JSON_COLUMNS.get(table, ()):
        if row.get(name) is not None:
            row[name] = _json_text(row[name])
    if table == "lessons":
        row["terms"] = index_terms(str(row["text"]))


def _column(table: str, info: sqlite3.Row) -> Column:
    declared = str(info["type"]).upper()
    kind = "json" if info["name"] in _JSON_COLUMNS.get(table, ()) else "integer" if "INT" in declared else "text"
    derived = info["name"] in _DERIVED_COLUMNS.get(table, ())
    required = bool(info["notnull"] or info["pk"]) and info["dflt_value"] is None
    return Column(str(info["name"]), kind, required, derived, declared)


_SECTION_NAMES_SQL = f"(SELECT group_concat(name, '{_SECTION_SEP}') FROM review_sections s WHERE s.review_id = r.id)"


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing migrations (the caller holds a write transaction)."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    records.check_schema_version(version, len(MIGRATIONS))
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


def _project_id(conn: sqlite3.Connection, name: str, now: str) -> str:
    """The id of the project ``name`` stands for, created when its key is new (under the write lock)."""
    key = project_key(name)
    row = conn.execute("SELECT project_id FROM project_names WHERE key = ?", (key,)).fetchone()
    if row is not None:
        return str(row[0])
    project_id = _unused_id(conn, "projects", "P")
    conn.execute("INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)", (project_id, name, now))
    conn.execute("INSERT INTO project_names (key, project_id, name) VALUES (?, ?, ?)", (key, project_id, name))
    return project_id


def _find_project(conn: sqlite3.Connection, key: str) -> Project | None:
    found = _projects(conn, f"WHERE p.id = {_PROJECT_ID}", (key,))
    return found[0] if found else None


def _projects(conn: sqlite3.Connection, where: str, params: Sequence[object]) -> list[Project]:
    rows = conn.execute(
        "SELECT p.id, p.name, n.name AS alias FROM projects p LEFT JOIN project_names n ON n.project_id = p.id "
        f"{where} ORDER BY p.name, p.id, n.name",
        tuple(params),
    ).fetchall()
    return records.projects_from_rows(dict(row) for row in rows)


def _unused_id(conn: sqlite3.Connection, table: str, prefix: str) -> str:
    """A fresh random id not yet in ``table`` (the write lock makes check-then-insert safe)."""
    while True:
        candidate = base.new_id(prefix)
        if not _exists(conn, table, candidate):
            return candidate


def _exists(conn: sqlite3.Connection, table: str, id_: str) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (id_,)).fetchone() is not None


def _select_actions(conn: sqlite3.Connection, tail: str, params: Sequence[object]) -> list[StoredAction]:
    rows = conn.execute(f"SELECT {_ACTION_COLUMNS} {_ACTION_FROM} {tail}", tuple(params)).fetchall()
    return [StoredAction.model_validate(dict(row)) for row in rows]


def _append_actions(conn: sqlite3.Connection, review_id: str, checked: list[ActionItem], now: str) -> int:
    """Insert actions after the review's last one (the caller holds the write lock); the first seq."""
    ids = records.assign_action_ids(
        checked, lambda given: _action_holder(conn, given), lambda: _unused_id(conn, "actions", "A")
    )
    first_seq = int(
        conn.execute("SELECT COALESCE(MAX(seq), -1) + 1 FROM actions WHERE review_id = ?", (review_id,)).fetchone()[0]
    )
    conn.executemany(
        _INSERT_ACTION,
        [
            (action_id, review_id, first_seq + i, *records.action_values(item, iso_dates=True), now, now)
            for i, (action_id, item) in enumerate(zip(ids, checked, strict=True))
        ],
    )
    _keep_insights(conn, [review_id])
    return first_seq


def _action_holder(conn: sqlite3.Connection, action_id: str) -> str | None:
    row = conn.execute("SELECT review_id FROM actions WHERE id = ?", (action_id,)).fetchone()
    return None if row is None else str(row[0])


def _update_action(conn: sqlite3.Connection, current: StoredAction, changes: Mapping[str, object], now: str) -> None:
    item = records.changed_action(current, changes)
    conn.execute(
        f"UPDATE actions SET {_ACTION_SET}, {_CLOSED_AT}, updated_at = ? WHERE id = ?",
        (*records.action_values(item, iso_dates=True), item.status, item.status, now, now, current.id),
    )
    _keep_insights(conn, [current.review_id])


def _keep_insights(conn: sqlite3.Connection, review_ids: Sequence[str] | None) -> None:
    """Make what review_insights keeps of these reviews (``insight_actions``, ``insight_counts``) again from
    their actions, or of every review (None), in the caller's write transaction."""
    _keep_carried(conn, review_ids)
    _keep_counts(conn, review_ids)


def _keep_imported_insights(conn: sqlite3.Connection, review_ids: Sequence[str]) -> None:
    """`_keep_insights` of the reviews an import wrote, with the sizes of the carried-over groups
    (``insight_groups``) counted once from the keys made instead of by their trigger a key at a time: the
    same counts (the keys of these reviews are all new), for a thousand keys a third of the time."""
    with _triggers_dropped(conn, ("insight_groups_add",)):
        _keep_carried(conn, review_ids)
        for start in range(0, len(review_ids), 500):  # within SQLite's limit of bound parameters
            chunk = review_ids[start : start + 500]
            conn.execute(
                "INSERT INTO insight_groups (project, norm, n) SELECT project, norm, count(*) FROM insight_actions "
                f"WHERE review_id IN ({', '.join('?' * len(chunk))}) GROUP BY project, norm "
                "ON CONFLICT (project, norm) DO UPDATE SET n = n + excluded.n",
                chunk,
            )
    _keep_counts(conn, review_ids)


def _keep_counts(conn: sqlite3.Connection, review_ids: Sequence[str] | None) -> None:
    """The status counts (``insight_counts``) of these reviews' actions again, or of every review (None)."""
    if review_ids is None:
        conn.execute("DELETE FROM insight_counts")
        conn.execute(_INSERT_COUNTS.format(where="1 = 1"))
        return
    for start in range(0, len(review_ids), 500):  # within SQLite's limit of bound parameters
        chunk = review_ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        conn.execute(f"DELETE FROM insight_counts WHERE review_id IN ({marks})", chunk)
        conn.execute(_INSERT_COUNTS.format(where=f"a.review_id IN ({marks})"), chunk)


def _keep_carried(conn: sqlite3.Connection, review_ids: Sequence[str] | None) -> None:
    """Make the carried-over keys (``insight_actions``) of these reviews again from their actions, or of
    every review (None), in the caller's write transaction."""
    if review_ids is None:
        conn.execute("DELETE FROM insight_actions")
        lines = conn.execute(records.INSIGHT_ACTIONS_SQL.format(where="1 = 1")).fetchall()
    else:
        lines = []
        for start in range(0, len(review_ids), 500):  # within SQLite's limit of bound parameters
            chunk = review_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            conn.execute(f"DELETE FROM insight_actions WHERE review_id IN ({marks})", chunk)
            lines += conn.execute(records.INSIGHT_ACTIONS_SQL.format(where=f"a.review_id IN ({marks})"), chunk)
    conn.executemany(
        "INSERT INTO insight_actions (review_id, norm, project, action, status) VALUES (?, ?, ?, ?, ?)",
        records.carried_keys(lines),
    )


def _replace_lessons(conn: sqlite3.Connection, review_id: str, lessons: Sequence[Lesson]) -> None:
    """The review's searchable items become ``lessons`` (the FTS triggers follow in this transaction)."""
    removed = _insight_texts_of(conn, review_id)
    conn.execute("DELETE FROM lessons WHERE review_id = ?", (review_id,))
    conn.executemany(
        "INSERT INTO lessons (review_id, seq, kind, text, terms, section) VALUES (?, ?, ?, ?, ?, ?)",
        [(review_id, i, it.kind, it.text, index_terms(it.text), it.section) for i, it in enumerate(lessons)],
    )
    _keep_texts(conn, [it.text for it in lessons if it.kind in records.INSIGHT_TEXT_KINDS], removed)


_TEXT_KINDS = ", ".join(f"'{kind}'" for kind in records.INSIGHT_TEXT_KINDS)
_ALIKE_SQL = (  # the kept texts sharing a gram with a new one (its gram keys: a JSON array), how many each
    "SELECT t.key, t.norm, t.size, count(*) FROM insight_grams g JOIN insight_texts t ON t.key = g.key "
    "WHERE g.gram IN (SELECT value FROM json_each(?)) GROUP BY t.key"
)


def _insight_texts_of(conn: sqlite3.Connection, review_id: str) -> list[str]:
    """The review's problem, root cause and lesson texts (what `_keep_texts` is told of when they go)."""
    rows = conn.execute(f"SELECT text FROM lessons WHERE review_id = ? AND kind IN ({_TEXT_KINDS})", (review_id,))
    return [str(row[0]) for row in rows]


def _keep_texts(conn: sqlite3.Connection, added: Sequence[str] | None, removed: Sequence[str] = ()) -> None:
    """Keep the alike pairs of problem, root cause and lesson texts (migration 11) as lessons holding
    ``added`` are written and lessons holding ``removed`` go: a text no lesson held is kept with its pairs
    (the kept texts sharing a gram with it, from their grams' index), one no lesson holds any more goes
    with them. Or every lesson text again (None, or more new texts than `records.TEXT_KEEP_BULK`)."""
    if added is not None:
        changes = records.text_changes(added, removed)
        held = _lookup(conn, "insight_texts", "key", list(changes), "lessons")
        new = [(text, n) for key, (text, n) in changes.items() if key not in held and n > 0]
        if len(new) <= records.TEXT_KEEP_BULK:
            for key, (text, n) in changes.items():
                if key in held and held[key] + n > 0:
                    conn.execute("UPDATE insight_texts SET lessons = ? WHERE key = ?", (held[key] + n, key))
                elif key in held:
                    _drop_text(conn, key, text)
            for text, n in new:
                kept = records.kept_text(text)
                if kept is None:
                    continue
                grams = json.dumps([records.gram_key(gram) for gram in kept.grams], ensure_ascii=False)
                found = [records.alike_pair(kept, *row) for row in conn.execute(_ALIKE_SQL, (grams,))]
                _insert_texts(conn, [(kept, n)], [pair for pair in found if pair is not None])
            return
    for table in ("insight_pairs", "insight_grams", "insight_texts"):
        conn.execute(f"DELETE FROM {table}")
    rows = conn.execute(f"SELECT text, count(*) FROM lessons WHERE kind IN ({_TEXT_KINDS}) GROUP BY text")
    held_by = {str(text): int(n) for text, n in rows}
    every, pairs = records.every_text_pair(held_by)
    _insert_texts(conn, [(text, held_by[text.text]) for text in every], pairs)


def _drop_text(conn: sqlite3.Connection, key: str, text: str) -> None:
    """A kept text no lesson holds any more, its grams and its pairs."""
    conn.execute("DELETE FROM insight_pairs WHERE a = ?", (key,))
    conn.execute("DELETE FROM insight_pairs WHERE b = ?", (key,))
    kept = records.kept_text(text)
    if kept is not None:
        conn.executemany("DELETE FROM insight_grams WHERE gram = ? AND key = ?", kept.rows(0)[1])
    conn.execute("DELETE FROM insight_texts WHERE key = ?", (key,))


def _insert_texts(
    conn: sqlite3.Connection, kept: Sequence[tuple[records.KeptText, int]], pairs: Sequence[tuple[str, str]]
) -> None:
    """Kept texts (each with how many lessons hold it), their grams and these pairs."""
    made = [text.rows(n) for text, n in kept]
    conn.executemany(
        "INSERT INTO insight_texts (key, text, norm, size, lessons) VALUES (?, ?, ?, ?, ?)", [m[0] for m in made]
    )
    conn.executemany("INSERT INTO insight_grams (gram, key) VALUES (?, ?)", [g for m in made for g in m[1]])
    conn.executemany("INSERT INTO insight_pairs (a, b) VALUES (?, ?)", pairs)


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
    names = row["section_names"]
    return records.review_summary(dict(row), names.split(_SECTION_SEP) if names else [])


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
    lessons = conn.execute("SELECT kind, text, section FROM lessons WHERE review_id = ? ORDER BY seq", (review_id,))
    return records.review_record(summary, sections, actions, lessons)


_HIT_COLUMNS = "l.review_id, r.project, r.title, r.review_date, l.kind, l.text, l.section"


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
    return [records.lesson_hit(dict(row), float(f"{-float(row['bm25']):.6g}"), terms, any_term) for row in rows]


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
    return [records.lesson_hit(dict(row), score, terms, any_term) for score, row in scored[:limit]]


def _enable_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    """Switch the file to WAL. The switch needs the file to itself and SQLite does not wait for it
    through the busy handler, so two processes opening a new file at once retry until the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)
