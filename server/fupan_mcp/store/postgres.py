"""The shared review store: one PostgreSQL database (psycopg 3), for a team server.

``PostgresStore("postgresql://user:password@host:5432/fupan")`` (any libpq URL or conninfo
string; ``?options=-csearch_path%3Dfupan`` keeps the tables in the schema ``fupan``, which must
exist). It behaves exactly like `SQLiteStore`: same ids, same validation (store/base.py, store/records.py), same
errors, same ordering, same search. Install with ``pip install 'fupan-mcp[postgres]'``.

Connections and transactions:
- each thread gets its own connection (created on first use, replaced when it broke, closed by
  `close()` or when a new thread notices its owner has ended), so a store object may be shared by
  the MCP server's worker threads. The session runs in UTC with a ``lock_timeout``.
- every write is one ``READ COMMITTED`` transaction that first locks the review row it changes
  (``SELECT ... FOR UPDATE``; deleting or creating a review locks it too). Writes to one review are
  therefore serialized (``MAX(seq) + 1`` for new actions is safe), writes to different reviews run
  in parallel, and locks are always taken review first, then its rows, so writers never deadlock.
  Ids are inserted with ``ON CONFLICT DO NOTHING`` and retried, so a collision with a concurrent
  writer is never an error (a caller-given action id that is taken is an `InputError`).
- a read-modify-write (`modify_review`) locks the review row first and then reads it: in READ
  COMMITTED each statement sees what was committed before it started, and every writer of a review
  holds that lock until it commits, so the copy read is current and no save overwrites another's.
  A create with an idempotency key takes a transaction-scoped advisory lock on the key first, so
  two concurrent retries make one review. A method returns only after ``COMMIT`` succeeded.
- every read is one ``REPEATABLE READ READ ONLY`` transaction: a consistent snapshot, never blocked
  by writers and never failing with a serialization error.
- a `psycopg.Error` becomes the `StoreError` subclass of its cause: no connection or the server
  going away -> `StoreUnavailable`; lock timeout, serialization failure, deadlock -> `StoreBusy`;
  disk full (class 53) -> `StoreFull`; read-only transaction or no privilege -> `StoreReadOnly`;
  data corrupted (XX001/XX002) -> `StoreCorrupt`. URLs in messages have their password left out.

Schema: versioned by the ``schema_version`` table (one row per applied migration). `MIGRATIONS`
is the ordered list of forward migrations; opening a database applies the missing ones in one
transaction under an advisory lock, so processes starting at once do not race. To change the
schema, append a migration (a tuple of SQL statements, or a function taking the connection);
never edit a released one. Dates are ``DATE``, timestamps ``TIMESTAMPTZ``, sections ``JSONB``.

Search: the same bigram tokens as SQLite (store/search.py), stored in ``lessons.terms`` and as a
``tsvector`` built here with explicit positions (no text-search parser, dictionary or locale is
involved, so the result does not depend on the server's configuration), indexed by GIN. A query
becomes a ``tsquery`` of phrases (``'权限' <-> '限细'``) and prefixes (``'permission':*``) joined
with ``&`` (or ``|`` for the relaxed any-term retry), ranked by ``ts_rank_cd`` (cover density:
more occurrences and closer query terms rank higher) divided by 1 + log(length), which orders
results like FTS5's BM25 (``ts_rank`` barely rewards repeated terms, so shorter texts would win);
the relaxed retry ranks by ``ts_rank`` (the sum of the matched terms' weights, and far cheaper on
large OR queries). So 权限 finds 权限细粒度, exactly as with FTS5; scores differ in scale from BM25.

Differences from SQLite, both forced by PostgreSQL: text cannot contain NUL (``\\x00``), so such
input is an `InputError` naming the field (and a filter with NUL matches nothing); JSONB does not
keep the key order of objects (``sections`` come back with the same content, keys reordered) and
stores numbers as decimals (``1e20`` comes back as the integer ``100000000000000000000``).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.pq import TransactionStatus
from psycopg.rows import DictRow, TupleRow, dict_row, tuple_row

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
    StoreCorrupt,
    StoreError,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
)
from fupan_mcp.store.projects import Project, project_key
from fupan_mcp.store.records import OPEN_STATUSES
from fupan_mcp.store.search import QueryTerm, index_terms
from fupan_mcp.store.transfer import Column, Merge, NotEmpty, insert_batches

__all__ = ["MIGRATIONS", "PostgresStore", "tsquery_expression", "tsvector_literal"]

Connection = psycopg.Connection[DictRow]
Migration = Sequence[str] | Callable[[Connection], None]

LOCK_TIMEOUT_MS = 5_000
CONNECT_TIMEOUT_S = 10
RANK_NORMALIZATION = 1  # ts_rank_cd divided by 1 + log(document length), like BM25's length damping
_MAX_LEXEME_BYTES = 2047  # PostgreSQL's limit for one tsvector lexeme
_MAX_POSITION = 16383  # larger positions are stored as 16383 by PostgreSQL itself
_SCHEMA_LOCK = "fupan-mcp schema migration"
_TEXTS_LOCK = "fupan-mcp insight texts"
"""Held by the writer keeping new insight texts (`_keep_texts`): two texts written at once see each other."""
_KEY_LOCK = "fupan-mcp idempotency key "

# Migration 1: the initial schema. Value checks (status, kind) live in code, not CHECK
# constraints, so adding a value never needs a table rewrite.
_MIGRATION_1: tuple[str, ...] = (
    """CREATE TABLE reviews (
        id          TEXT PRIMARY KEY,
        project     TEXT NOT NULL,
        title       TEXT NOT NULL,
        review_type TEXT,
        review_date DATE NOT NULL,
        language    TEXT NOT NULL,
        created_at  TIMESTAMPTZ NOT NULL,
        updated_at  TIMESTAMPTZ NOT NULL
    )""",
    "CREATE INDEX reviews_by_project ON reviews (project, review_date)",
    "CREATE INDEX reviews_by_date ON reviews (review_date DESC, created_at DESC)",
    """CREATE TABLE review_sections (
        review_id  TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        name       TEXT NOT NULL,
        value      JSONB NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (review_id, name)
    )""",
    """CREATE TABLE actions (
        id             TEXT PRIMARY KEY,
        review_id      TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        action         TEXT NOT NULL,
        owner          TEXT,
        due            DATE,
        priority       TEXT,
        addresses      TEXT,
        success_metric TEXT,
        status         TEXT NOT NULL,
        status_reason  TEXT,
        evidence       TEXT,
        created_at     TIMESTAMPTZ NOT NULL,
        updated_at     TIMESTAMPTZ NOT NULL,
        CONSTRAINT actions_review_seq UNIQUE (review_id, seq)
    )""",
    "CREATE INDEX actions_by_status ON actions (status, due)",
    "CREATE INDEX actions_by_owner ON actions (owner)",
    """CREATE TABLE lessons (
        id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,
        kind      TEXT NOT NULL,
        text      TEXT NOT NULL,
        terms     TEXT NOT NULL,     -- pre-tokenized search terms, see store/search.py
        tsv       TSVECTOR NOT NULL  -- the same terms with their positions, see tsvector_literal()
    )""",
    "CREATE INDEX lessons_by_review ON lessons (review_id, seq)",
    "CREATE INDEX lessons_fts ON lessons USING gin (tsv)",
)

# Migration 2: idempotency keys of create_review_document (a retry returns the review the key made).
_MIGRATION_2: tuple[str, ...] = (
    """CREATE TABLE review_keys (
        key         TEXT PRIMARY KEY,
        review_id   TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        fingerprint TEXT NOT NULL,
        created_at  TIMESTAMPTZ NOT NULL
    )""",
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
        created_at TIMESTAMPTZ NOT NULL
    )""",
    """CREATE TABLE project_names (
        key        TEXT PRIMARY KEY,  -- store.projects.project_key of the name
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        name       TEXT NOT NULL
    )""",
    "CREATE INDEX project_names_by_project ON project_names (project_id)",
    "ALTER TABLE reviews ADD COLUMN project_id TEXT REFERENCES projects (id)",
    "CREATE INDEX reviews_by_project_id ON reviews (project_id, review_date)",
    "ALTER TABLE lessons ADD COLUMN section TEXT",
)


def _migration_4(conn: Connection) -> None:
    for statement in _MIGRATION_4_SQL:
        conn.execute(statement)
    names = conn.execute(
        "SELECT project, MIN(created_at) AS first FROM reviews GROUP BY project ORDER BY 2, 1"
    ).fetchall()
    for name in (str(row["project"]) for row in names):
        project_id = _project_id(conn, name, _now())
        conn.execute("UPDATE reviews SET project_id = %s WHERE project = %s", (project_id, name))
    rows = conn.execute("SELECT id, text FROM lessons").fetchall()
    with conn.cursor() as cur:
        cur.executemany(
            "UPDATE lessons SET terms = %s, tsv = %s::tsvector WHERE id = %s",
            [(terms, tsvector_literal(terms), r["id"]) for r in rows for terms in (index_terms(r["text"]),)],
        )


# Migration 5: an action's close time (set when its status becomes done or won't-do, cleared when it
# is reopened, see records.CLOSED_AT_ON_UPDATE) and its due date as written ('下周五', 'T+30'), kept
# beside the absolute date it resolved to. Actions already closed get their last change as close
# time when that came after they were recorded (what insights took as the close date until now).
_MIGRATION_5: tuple[str, ...] = (
    "ALTER TABLE actions ADD COLUMN closed_at TIMESTAMPTZ",
    "ALTER TABLE actions ADD COLUMN due_text TEXT",
    "UPDATE actions SET closed_at = updated_at WHERE status IN ('done', 'wont_do') AND updated_at > created_at",
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
    )""",
    'CREATE INDEX insight_actions_by_group ON insight_actions (project COLLATE "C", norm COLLATE "C")',
)


def _migration_7(conn: Connection) -> None:
    for statement in _INSIGHT_ACTIONS:
        conn.execute(statement)
    _keep_carried(conn, None)


# Migration 8: review_insights' follow-through of the whole store without a pass over every action. What
# does not depend on the as-of date is kept at write time (`_keep_insights`): the status counts of each
# review's actions with its project and month, so the counts by project and quarter are a GROUP BY over
# 1 row per review. What does (overdue, days past due) is counted at each call from partial indexes that
# hold only the open actions; another one holds the done actions with a close date (the days to close).
# Derived, like insight_actions.
_INSIGHT_COUNTS: tuple[str, ...] = (
    """CREATE TABLE insight_counts (
        review_id TEXT PRIMARY KEY REFERENCES reviews (id) ON DELETE CASCADE,
        project   TEXT NOT NULL,  -- the review's project as given
        month     TEXT NOT NULL,  -- of its review date: '2025-01'
        total     INTEGER NOT NULL,
        done      INTEGER NOT NULL,
        wont_do   INTEGER NOT NULL
    )""",
    "CREATE INDEX actions_open_by_review ON actions (review_id, due) WHERE status IN ('open', 'in_progress')",
    "CREATE INDEX actions_open_by_owner ON actions (owner, due) WHERE status IN ('open', 'in_progress')",
    "CREATE INDEX actions_closed ON actions (review_id, owner, closed_at) "
    "WHERE status = 'done' AND closed_at IS NOT NULL",
)


def _migration_8(conn: Connection) -> None:
    for statement in _INSIGHT_COUNTS:
        conn.execute(statement)
    _keep_counts(conn, None)


# Migration 9: the attainment rates review_insights' trends read, kept beside their section at write time
# (`_keep_metrics`, where the attainment section is written and on import), so a call reads one row per
# metric instead of each section's JSON: the rows are what the read out of the JSON gave (the objects of an
# array '$.metrics' with a name, their rate when it is a number). And the lesson texts review_insights
# groups in review order (byte order of the ids) from an index. Derived, like the others.
_METRIC_ROWS = (
    "SELECT s.review_id, m.seq, m.value->>'name', "
    "CASE WHEN jsonb_typeof(m.value->'attainment_rate') = 'number' THEN (m.value->>'attainment_rate')::float8 END "
    "FROM review_sections s, jsonb_array_elements(CASE WHEN jsonb_typeof(s.value->'metrics') = 'array' "
    "THEN s.value->'metrics' ELSE '[]'::jsonb END) WITH ORDINALITY AS m (value, seq) "
    "WHERE s.name = %s AND jsonb_typeof(m.value) = 'object' AND m.value->>'name' IS NOT NULL AND {where}"
)
_INSERT_METRICS = "INSERT INTO insight_metrics (review_id, seq, name, rate) " + _METRIC_ROWS
_INSIGHT_METRICS: tuple[str, ...] = (
    """CREATE TABLE insight_metrics (
        review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
        seq       BIGINT NOT NULL,  -- the metric's place in its section's list, from 1
        name      TEXT NOT NULL,
        rate      DOUBLE PRECISION,
        PRIMARY KEY (review_id, seq)
    )""",
    'CREATE INDEX lessons_insight ON lessons (review_id COLLATE "C", seq) INCLUDE (kind)',
)


def _migration_9(conn: Connection) -> None:
    for statement in _INSIGHT_METRICS:
        conn.execute(statement)
    _keep_metrics(conn, None)


# Migration 10 (schema 9 -> 10): an action's
# priority and status as typed when they read as none of their values ('ASAP-ish', '跟进中?'), kept
# beside the empty priority / default status so a save, get_review, export and import keep the word.
_TYPED_WORDS: tuple[str, ...] = (
    "ALTER TABLE actions ADD COLUMN IF NOT EXISTS priority_text TEXT",
    "ALTER TABLE actions ADD COLUMN IF NOT EXISTS status_text TEXT",
)

# Migration 11: the alike pairs review_insights joins recurring problems, root causes and lessons by, kept
# at write time (`_keep_texts`, wherever lessons are written or deleted) instead of compared at each call:
# each text of those kinds once while a lesson holds it (insight_texts, under its hash: an index entry has a
# size limit), its grams (insight_grams: how a new text finds the texts it shares grams with) and the pairs
# of texts of different normal forms alike at `analysis.insights.RECURRING_THRESHOLD` (insight_pairs).
# Derived, like the others (see store/sqlite.py).
_INSIGHT_TEXTS: tuple[str, ...] = (
    """CREATE TABLE insight_texts (
        key     TEXT PRIMARY KEY,  -- records.text_key of the text
        text    TEXT NOT NULL,
        norm    TEXT NOT NULL,     -- analysis.text.normalize_text
        size    INTEGER NOT NULL,  -- how many grams (analysis.insights.text_grams)
        lessons INTEGER NOT NULL   -- how many lessons hold it: it goes with the last one
    )""",
    """CREATE TABLE insight_grams (
        gram TEXT NOT NULL,  -- records.gram_key
        key  TEXT NOT NULL,  -- the text's
        PRIMARY KEY (gram, key)
    )""",
    """CREATE TABLE insight_pairs (
        a TEXT NOT NULL,  -- the keys of two alike texts, a < b
        b TEXT NOT NULL,
        PRIMARY KEY (a, b)
    )""",
    "CREATE INDEX insight_pairs_by_b ON insight_pairs (b)",
)


def _migration_11(conn: Connection) -> None:
    for statement in _INSIGHT_TEXTS:
        conn.execute(statement)
    _keep_texts(conn, None)


def _migration_12(conn: Connection) -> None:
    """The alike pairs again, now that texts are compared with their synonyms as one word, fillers out and
    English words by their stem (`analysis.insights.text_grams`): the kept grams and pairs were the old ones."""
    _keep_texts(conn, None)


# Append new migrations here: MIGRATIONS[n] upgrades schema version n to n + 1.
MIGRATIONS: tuple[Migration, ...] = (
    _MIGRATION_1,
    _MIGRATION_2,
    _MIGRATION_3,
    _migration_4,
    _MIGRATION_5,
    _MIGRATION_6,
    _migration_7,
    _migration_8,
    _migration_9,
    _TYPED_WORDS,
    _migration_11,
    _migration_12,
)
DERIVED_TABLES = (
    "insight_actions",
    "insight_counts",
    "insight_metrics",
    "insight_texts",
    "insight_grams",
    "insight_pairs",
)
"""Tables the store makes from the others at write time: not data (not exported), made again on import."""

_BEGIN_WRITE = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE"
_BEGIN_READ = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
_ACTION_COLUMNS = (
    "a.id, a.review_id, a.action, a.owner, a.due, a.priority, a.addresses, a.success_metric, "
    "a.status, a.status_reason, a.evidence, a.kind, a.ticket, a.due_text, a.priority_text, a.status_text, "
    "a.closed_at, a.created_at, "
    "a.updated_at, r.project, r.project_id, r.title AS review_title, r.review_date"
)
_PROJECT_ID = records.PROJECT_ID_OF_KEY.format(p="%s")
_CLOSED_AT = records.CLOSED_AT_ON_UPDATE.format(p="%s")
_ACTION_FROM = "FROM actions a JOIN reviews r ON r.id = a.review_id"
_ACTION_SET = ", ".join(f"{column} = %s" for column in records.ACTION_VALUE_COLUMNS)
_ACTION_TEXT_FIELDS = (
    "id",
    "action",
    "owner",
    "addresses",
    "success_metric",
    "status_reason",
    "evidence",
    "kind",
    "ticket",
    "due_text",
    "priority_text",
    "status_text",
)
# review_insights' counts, per review or per owner ({key}) over the actions in {scope}: overdue ones
# (open or in progress, due before the as-of date, given twice) by days past due, and the days from
# the review date to the close date (the UTC day of closed_at) of the done actions that have one.
_TALLY_SQL = (
    "SELECT key, count(*), count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'wont_do'), "
    "count(late), count(*) FILTER (WHERE late <= 30), count(*) FILTER (WHERE late > 30 AND late <= 90), "
    "count(*) FILTER (WHERE late > 90 AND late <= 180), count(*) FILTER (WHERE late > 180) "
    "FROM (SELECT {key} AS key, a.status, CASE WHEN a.status NOT IN ('done', 'wont_do') AND a.due < %s::date "
    "THEN %s::date - a.due END AS late {scope}) AS counted GROUP BY key"
)
_CLOSES_SQL = (
    "SELECT {key}, greatest(0, (a.closed_at AT TIME ZONE 'UTC')::date - r.review_date), count(*) "
    f"{_ACTION_FROM} WHERE a.status = 'done' AND a.closed_at IS NOT NULL{{rest}} GROUP BY 1, 2"
)
_INSERT_COUNTS = (
    "INSERT INTO insight_counts (review_id, project, month, total, done, wont_do) "
    "SELECT a.review_id, min(r.project), min(to_char(r.review_date, 'YYYY-MM')), count(*), "
    "count(*) FILTER (WHERE a.status = 'done'), count(*) FILTER (WHERE a.status = 'wont_do') "
    "FROM actions a JOIN reviews r ON r.id = a.review_id WHERE {where} GROUP BY a.review_id"
)
# The whole store's counts: by project and month from insight_counts, by owner from its index; the
# overdue ones (open or in progress, due before the as-of date, the last parameter) by review then by
# project and month, and by owner, from the partial indexes of open actions: how many, and how many of
# them are at most 30, 90 and 180 days past due (the bands of _TALLY_SQL are their differences).
_CELL_COUNTS_SQL = "SELECT project, month, sum(total), sum(done), sum(wont_do) FROM insight_counts GROUP BY 1, 2"
_LATE = (
    "count(*), count(*) FILTER (WHERE a.due >= %s), count(*) FILTER (WHERE a.due >= %s), "
    "count(*) FILTER (WHERE a.due >= %s)"
)
_CELL_LATE_SQL = (
    "SELECT k.project, k.month, sum(o.n), sum(o.b0), sum(o.b1), sum(o.b2) FROM (SELECT a.review_id, "
    "count(*) AS n, count(*) FILTER (WHERE a.due >= %s) AS b0, count(*) FILTER (WHERE a.due >= %s) AS b1, "
    "count(*) FILTER (WHERE a.due >= %s) AS b2 FROM actions a "
    "WHERE a.status IN ('open', 'in_progress') AND a.due < %s GROUP BY a.review_id) o "
    "JOIN insight_counts k ON k.review_id = o.review_id GROUP BY 1, 2"
)
_OWNER_COUNTS_SQL = (
    "SELECT owner, count(*), count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'wont_do') "
    "FROM actions GROUP BY owner"
)
_OWNER_LATE_SQL = (
    f"SELECT a.owner, {_LATE} FROM actions a WHERE a.status IN ('open', 'in_progress') AND a.due < %s GROUP BY a.owner"
)
_SECTION_NAMES_SQL = (
    '(SELECT array_agg(s.name ORDER BY s.name COLLATE "C") FROM review_sections s WHERE s.review_id = r.id)'
)
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")  # an escaped NUL, not an escaped backslash + "u0000"


def _whole_tallies(
    cur: psycopg.Cursor[TupleRow], counts_sql: str, late_sql: str, as_of: dt.date | None, make: Any, width: int = 2
) -> list[Any]:
    """Tallies (`ActionTally` or `CellTally`, ``make``) keyed by the first ``width`` columns of both queries:
    the status counts of ``counts_sql`` and the overdue ones of ``late_sql`` as of ``as_of``."""
    found: dict[tuple[Any, ...], list[Any]] = {}
    for row in cur.execute(counts_sql):
        found[row[:width]] = [*row, 0, (0, 0, 0, 0)]
    if as_of is not None:
        bounds = [as_of - dt.timedelta(days=n) for n in (30, 90, 180)]
        for row in cur.execute(late_sql, (*bounds, as_of)):
            n, within_30, within_90, within_180 = (int(v) for v in row[width:])
            entry = found[row[:width]]
            entry[-2] = n
            entry[-1] = (within_30, within_90 - within_30, within_180 - within_90, n - within_180)
    return [make(*entry) for entry in found.values()]


def _tally(row: TupleRow) -> ActionTally:
    return ActionTally(row[0], row[1], row[2], row[3], row[4], (row[5], row[6], row[7], row[8]))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# --- the store ---------------------------------------------------------------------------


class PostgresStore:
    """`ReviewStore` on a PostgreSQL database. Thread-safe; any number of processes may share it.

    ``url``: a ``postgresql://`` URL or a libpq conninfo string. ``lock_timeout_ms`` bounds how
    long a write waits for another writer of the same review before failing with `StoreError`.
    """

    def __init__(self, url: str, *, lock_timeout_ms: int = LOCK_TIMEOUT_MS) -> None:
        if not isinstance(url, str) or not url.strip():
            raise StoreError("a PostgreSQL store needs a postgresql:// URL")
        self.url = url.strip()
        try:
            params = conninfo_to_dict(self.url)
        except psycopg.Error as exc:
            raise StoreError(f"invalid PostgreSQL URL: {exc}") from exc
        self.target = _describe(params)
        self._connect_kwargs: dict[str, Any] = {}
        if "connect_timeout" not in params:
            self._connect_kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
        if "application_name" not in params:
            self._connect_kwargs["application_name"] = "fupan-mcp"
        self._lock_timeout_ms = int(lock_timeout_ms)
        self._lock = threading.RLock()
        self._per_thread: dict[threading.Thread, Connection] = {}
        self._closed = False
        try:
            self._initialize()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.target!r})"

    # --- connections and transactions ------------------------------------------------------

    def _connect(self) -> Connection:
        with _as_store_error(f"cannot connect to {self.target}"):
            conn = psycopg.connect(self.url, autocommit=True, row_factory=dict_row, **self._connect_kwargs)
            try:
                conn.execute(
                    "SELECT set_config('TimeZone', 'UTC', false), set_config('lock_timeout', %s, false)",
                    (f"{self._lock_timeout_ms}ms",),
                )
            except BaseException:
                conn.close()
                raise
            return conn

    def _thread_connection(self) -> Connection:
        """This thread's connection, (re)opened when missing or broken."""
        thread = threading.current_thread()
        with self._lock:
            self._check_open()
            conn = self._per_thread.get(thread)
            if conn is not None and (conn.closed or conn.broken):
                conn.close()
                conn = None
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

    def _begin(self, statement: str) -> Connection:
        """This thread's connection, in a new transaction. A connection found dead at ``BEGIN``
        (the server restarted, a proxy dropped an idle connection) is replaced once: nothing of
        the transaction was sent yet, so the retry cannot apply anything twice."""
        conn = self._thread_connection()
        try:
            conn.execute(statement)
        except psycopg.OperationalError:
            if not (conn.closed or conn.broken):
                raise
            conn = self._thread_connection()  # notices the broken one and reconnects
            conn.execute(statement)
        return conn

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[Connection]:
        """One transaction: read committed with row locks for writes, a read-only snapshot for reads."""
        with _as_store_error():
            conn = self._begin(_BEGIN_WRITE if write else _BEGIN_READ)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                _rollback(conn)
                raise

    def close(self) -> None:
        """Close every connection. Call when no other thread is using the store."""
        with self._lock:
            self._closed = True
            for conn in self._per_thread.values():
                conn.close()
            self._per_thread.clear()

    # --- schema ----------------------------------------------------------------------------

    def _initialize(self) -> None:
        with self._transaction(write=True) as conn:
            _migrate(conn)

    def schema_version(self) -> int:
        """The applied migration count (the highest version in ``schema_version``)."""
        with self._transaction(write=False) as conn:
            return _current_version(conn)

    # --- the whole workspace (store/transfer.py) ---------------------------------------------

    text_holds_nul = False

    def table_columns(self) -> dict[str, tuple[Column, ...]]:
        """Every data table of the schema and its columns, from ``information_schema`` (the table of
        applied migrations and the insight tables kept at write time, `DERIVED_TABLES`, are not data)."""
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, c.is_identity "
                "FROM information_schema.columns c JOIN information_schema.tables t "
                "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
                "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
                "AND c.table_name <> 'schema_version' AND NOT c.table_name = ANY(%s) "
                "ORDER BY c.table_name, c.ordinal_position",
                (list(DERIVED_TABLES),),
            ).fetchall()
        tables: dict[str, list[Column]] = {}
        for row in rows:
            tables.setdefault(str(row["table_name"]), []).append(_column(row))
        return {name: tuple(columns) for name, columns in tables.items()}

    def read_tables(
        self, tables: Sequence[tuple[str, Sequence[str], Sequence[str]]]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        kinds = {table: {c.name: c.kind for c in columns} for table, columns in self.table_columns().items()}
        with self._transaction(write=False) as conn:
            for table, columns, order in tables:
                names = ", ".join(f'"{c}"' for c in columns)
                keys = ", ".join(f'"{c}" COLLATE "C"' if kinds[table].get(c) == "text" else f'"{c}"' for c in order)
                with conn.cursor(name=f"export_{table}") as cursor:  # server side: rows as they are read
                    cursor.execute(f'SELECT {names} FROM "{table}" ORDER BY {keys}')
                    for row in cursor:
                        yield table, dict(row)

    def load_tables(
        self, rows: Sequence[tuple[str, Sequence[Mapping[str, Any]]]], replace: bool, merge: Merge | None = None
    ) -> None:
        types = {table: {c.name: c for c in columns} for table, columns in self.table_columns().items()}
        with self._transaction(write=True) as conn:
            tables = [table for table, _ in rows]
            conn.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")  # no writer slips in meanwhile
            counts: dict[str, int] = {}
            replaced = False
            for table in tables:
                found = conn.execute(f'SELECT COUNT(*) AS n FROM "{table}"').fetchone()
                counts[table] = int(found["n"]) if found else 0
            if merge is not None:  # what is stored stays; the merge reads it under these locks
                rows = merge(functools.partial(_lookup, conn))
            elif any(counts.values()):
                if not replace:
                    raise NotEmpty(counts)
                for table in reversed(tables):
                    conn.execute(f'DELETE FROM "{table}"')
                replaced = True
            for table, items in rows:
                columns = types[table]
                for names, values in insert_batches(table, items, columns, functools.partial(_prepare, table, columns)):
                    quoted = ", ".join(f'"{name}"' for name in names)
                    casts = ", ".join(f"%s::{columns[name].sql_type}" for name in names)
                    with conn.cursor() as cur:
                        cur.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({casts})', values)
            imported = {str(row["review_id"]) for table, items in rows if table == "actions" for row in items}
            _keep_insights(conn, sorted(imported))
            attained = {
                str(row["review_id"])
                for table, items in rows
                if table == "review_sections"
                for row in items
                if row.get("name") == records.ATTAINMENT_SECTION
            }
            _keep_metrics(conn, sorted(attained))
            _keep_texts(conn, None if replaced else records.imported_texts(rows))  # replaced: every text again

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
        row = records.checked_review(project, title, review_type, review_date, language)
        for field in ("project", "title", "review_type"):
            _storable(getattr(row, field), field)
        encoded = _checked_sections(sections)
        checked = _checked_actions(actions)
        items = _checked_lessons(lessons)
        key = records.checked_key(idempotency_key)
        _storable(key, "idempotency_key")
        digest = records.fingerprint(row, encoded, checked, items)
        with self._transaction(write=True) as conn:
            if key is not None:  # concurrent creates with one key wait here, then find the first one's review
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_KEY_LOCK + key,))
                found = conn.execute("SELECT review_id, fingerprint FROM review_keys WHERE key = %s", (key,)).fetchone()
                if found is not None:
                    if found["fingerprint"] != digest:
                        raise records.key_reused(key, found["review_id"])
                    return Created(_load_review(conn, found["review_id"]), replayed=True)
            now = _now()
            project_id = _project_id(conn, row.project, now)
            while True:
                review_id = base.new_id("R")
                inserted = conn.execute(
                    "INSERT INTO reviews (id, project, title, review_type, review_date, language, "
                    "created_at, updated_at, project_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (id) DO NOTHING RETURNING id",
                    (review_id, *row, now, now, project_id),
                ).fetchone()
                if inserted is not None:
                    break
            _upsert_sections(conn, review_id, encoded, now)
            if checked:
                _append_actions(conn, review_id, checked, now)
            if items:
                _replace_lessons(conn, review_id, items)
            if key is not None:
                conn.execute(
                    "INSERT INTO review_keys (key, review_id, fingerprint, created_at) VALUES (%s, %s, %s, %s)",
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
        where.add("r.review_type = %s", records.strip(review_type))
        where.add("r.review_date >= %s", start)
        where.add("r.review_date <= %s", end)
        sql = (
            f"SELECT r.*, {_SECTION_NAMES_SQL} AS section_names FROM reviews r {where.sql} "
            'ORDER BY r.review_date DESC, r.created_at DESC, r.id COLLATE "C" LIMIT %s OFFSET %s'
        )
        with self._transaction(write=False) as conn:
            rows = conn.execute(sql, (*where.params, limit, offset)).fetchall()
        return [_summary(row) for row in rows]

    def delete_review(self, review_id: str) -> None:
        with self._transaction(write=True) as conn:
            _lock_review(conn, review_id)  # its lessons as they are, until it goes
            removed = _insight_texts_of(conn, review_id)
            conn.execute("DELETE FROM reviews WHERE id = %s", (review_id,))  # its children cascade
            _keep_texts(conn, [], removed)

    def update_sections(self, review_id: str, sections: Mapping[str, Any]) -> ReviewRecord:
        encoded = _checked_sections(sections)
        with self._transaction(write=True) as conn:
            _lock_review(conn, review_id)
            now = _now()
            _upsert_sections(conn, review_id, encoded, now)
            _touch(conn, review_id, now)
            return _load_review(conn, review_id)

    def modify_review(self, review_id: str, change: Callable[[ReviewRecord], ReviewChanges]) -> ReviewRecord:
        with self._transaction(write=True) as conn:
            _lock_review(conn, review_id)  # from here on no other writer can change this review
            current = _load_review(conn, review_id)
            checked = records.checked_changes(change(current))
            sections = _storable_sections(checked.sections)
            for i, item in enumerate(checked.new_actions):
                _storable_action(item, f"actions[{i}].")
            now = _now()
            _upsert_sections(conn, review_id, sections, now)
            by_id = {action.id: action for action in current.actions}
            for action_id, fields in checked.action_updates.items():
                if action_id not in by_id:
                    raise InputError("actions", base.both("not_its_action", id=repr(action_id), review=review_id))
                _update_action(conn, by_id[action_id], fields, now)
            if checked.new_actions:
                _append_actions(conn, review_id, checked.new_actions, now)
            if checked.lessons is not None:
                for i, lesson in enumerate(checked.lessons):
                    _storable(lesson.text, f"lessons[{i}].text")
                _replace_lessons(conn, review_id, checked.lessons)
            _touch(conn, review_id, now)
            return _load_review(conn, review_id)

    # --- actions ---------------------------------------------------------------------------

    def add_actions(self, review_id: str, items: Sequence[ActionItem]) -> list[StoredAction]:
        checked = _checked_actions(items)
        with self._transaction(write=True) as conn:
            _lock_review(conn, review_id)
            now = _now()
            first_seq = _append_actions(conn, review_id, checked, now)
            _touch(conn, review_id, now)
            return _select_actions(
                conn, "WHERE a.review_id = %s AND a.seq >= %s ORDER BY a.seq", (review_id, first_seq)
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
        statuses, overdue = records.checked_action_filter(status, overdue_on, limit, offset)
        where = _Where()
        where.add("a.owner = %s", records.strip(owner))
        where.add(f"r.project_id = {_PROJECT_ID}", records.project_filter(project))
        where.add("a.review_id = %s", review_id)
        where.add_in("a.status", statuses)
        if overdue is not None:
            where.add("a.due < %s", overdue)
            where.add_in("a.status", OPEN_STATUSES)
        order = (
            'ORDER BY a.due NULLS LAST, a.priority COLLATE "C" NULLS LAST, r.review_date, '
            'a.review_id COLLATE "C", a.seq LIMIT %s OFFSET %s'
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
            found = (
                None
                if _has_nul(action_id)
                else conn.execute("SELECT review_id FROM actions WHERE id = %s", (action_id,)).fetchone()
            )
            if found is None:
                raise NotFound("action_id", "action", action_id)
            _lock_review(conn, found["review_id"])  # review first, as every writer does
            current = _select_actions(conn, "WHERE a.id = %s", (action_id,))
            if not current:  # deleted with its review while we waited for the lock
                raise NotFound("action_id", "action", action_id)
            now = _now()
            _update_action(conn, current[0], changes, now)
            _touch(conn, current[0].review_id, now)
            return _select_actions(conn, "WHERE a.id = %s", (action_id,))[0]

    def open_actions_for_project(
        self, project: str, today: DateLike, exclude_review_id: str | None = None
    ) -> list[OpenAction]:
        name = base.require_text(project, "project")
        day = base.parse_date(today, "today")
        where = _Where()
        where.add(f"r.project_id = {_PROJECT_ID}", records.project_filter(name))
        where.add("a.review_id <> %s", exclude_review_id)
        where.add_in("a.status", OPEN_STATUSES)
        order = 'ORDER BY r.review_date, a.review_id COLLATE "C", a.seq'
        with self._transaction(write=False) as conn:
            if exclude_review_id is not None:
                _require_review(conn, exclude_review_id, field="exclude_review_id")
            actions = _select_actions(conn, f"{where.sql} {order}", where.params)
        return records.carried_actions(actions, day)

    # --- lessons ---------------------------------------------------------------------------

    def index_lessons(self, review_id: str, items: Sequence[Lesson | tuple[str, str]]) -> int:
        lessons = _checked_lessons(items)
        with self._transaction(write=True) as conn:
            _lock_review(conn, review_id)
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
        where.add("r.review_type = %s", kind)
        where.add("r.review_date >= %s", start)
        where.add("r.review_date <= %s", end)
        rest = where.and_sql()

        def join(alias: str) -> str:  # the reviews only when a filter reads them
            return f" JOIN reviews r ON r.id = {alias}.review_id" if rest else ""

        owned = " AND a.owner = %s" if who is not None else ""
        params = (*where.params, *([who] if who is not None else []))
        # Without a review filter every action is in scope: no join with the reviews.
        scope = f"{_ACTION_FROM} WHERE TRUE{rest}{owned}" if rest else f"FROM actions a WHERE TRUE{owned}"
        with self._transaction(write=False) as conn, conn.cursor(row_factory=tuple_row) as cur:
            reviews = [
                InsightReview(*row)
                for row in cur.execute(
                    f"SELECT r.id, r.project, r.review_type, r.review_date FROM reviews r {where.sql}",
                    tuple(where.params),
                )
            ]
            as_of = records.insight_as_of(end, reviews)
            cells: list[CellTally] | None = None
            if rest or who is not None:  # a filter: counted over the actions in scope
                counted = (as_of, as_of, *params)
                tallies = [
                    [_tally(row) for row in cur.execute(_TALLY_SQL.format(key=key, scope=scope), counted)]
                    for key in ("a.review_id", "a.owner")
                ]
            else:  # the whole store: what is kept, and the open actions past due from their indexes
                cells = _whole_tallies(cur, _CELL_COUNTS_SQL, _CELL_LATE_SQL, as_of, CellTally)
                tallies = [[], _whole_tallies(cur, _OWNER_COUNTS_SQL, _OWNER_LATE_SQL, as_of, ActionTally, 1)]
            closes = [
                [CloseDays(*row) for row in cur.execute(_CLOSES_SQL.format(key=key, rest=f"{rest}{owned}"), params)]
                for key in ("a.review_id", "a.owner")
            ]
            lines: list[ActionLine] = []
            carried: list[CarriedKey] | None = None
            count: int | None = None
            if rest or who is not None:  # a filter: the lines in scope, grouped by the analysis
                lines = [
                    ActionLine(*row)
                    for row in cur.execute(
                        f"SELECT a.review_id, a.seq, a.action, a.status {scope} ORDER BY a.review_id, a.seq", params
                    )
                ]
            else:  # the whole store: the groups kept at write time, only those that can be listed
                keys = cur.execute(
                    records.CARRIED_SQL.format(c=' COLLATE "C"', p="%s"), (MAX_LISTED_GROUPS - 1,)
                ).fetchall()
                carried = [CarriedKey(row[0], row[1], row[2], row[3], row[4]) for row in keys]
                count = int(keys[0][5]) if keys else 0
            texts = [
                InsightText(*row)
                for row in cur.execute(
                    f"SELECT l.review_id, l.kind, l.text FROM lessons l{join('l')} "
                    f'WHERE l.kind = ANY(%s){rest} ORDER BY l.review_id COLLATE "C", l.seq',
                    (list(records.INSIGHT_TEXT_KINDS), *where.params),
                )
            ]
            pairs = cur.execute(  # the alike texts, kept at write time (migration 11)
                "SELECT a.text, b.text FROM insight_pairs p JOIN insight_texts a ON a.key = p.a "
                "JOIN insight_texts b ON b.key = p.b"
            ).fetchall()
            metrics = [  # kept beside the attainment section (migration 9)
                InsightMetric(*row)
                for row in cur.execute(
                    f"SELECT m.review_id, m.name, m.rate FROM insight_metrics m{join('m')} WHERE TRUE{rest}",
                    tuple(where.params),
                )
            ]
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
            texts=texts,
            pairs=pairs,
            metrics=metrics,
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
        where.add("r.review_type = %s", checked.review_type)
        where.add("r.review_date >= %s", checked.date_from)
        where.add("r.review_date <= %s", checked.date_to)
        with self._transaction(write=False) as conn:
            return records.search_with_retry(
                lambda t, relaxed: _search(conn, t, where, limit, relaxed), terms, any_term
            )

    # --- projects --------------------------------------------------------------------------

    def team_roster(self) -> list[dict[str, Any]]:
        with self._transaction(write=False) as conn:
            rows = conn.execute(
                "SELECT s.value FROM review_sections s JOIN reviews r ON r.id = s.review_id "
                "WHERE s.name = 'roster' ORDER BY r.review_date, r.created_at"
            ).fetchall()
        return [entry for row in rows for entry in records.roster_entries(row["value"])]

    def find_project(self, name: str) -> Project | None:
        key = project_key(base.require_text(name, "project"))
        _storable(key, "project")
        with self._transaction(write=False) as conn:
            return _find_project(conn, key)

    def list_projects(self) -> list[Project]:
        with self._transaction(write=False) as conn:
            return _projects(conn, "", ())

    def add_project_alias(self, project: str, alias: str) -> Project:
        name = base.require_text(project, "project")
        other = base.require_text(alias, "alias")
        _storable(name, "project")
        _storable(other, "alias")
        with self._transaction(write=True) as conn:
            found = _find_project(conn, project_key(name))
            if found is None:
                raise records.unknown_project(name)
            conn.execute(
                "INSERT INTO project_names (key, project_id, name) VALUES (%s, %s, %s) ON CONFLICT (key) DO NOTHING",
                (project_key(other), found.id, other),
            )
            holder = _find_project(conn, project_key(other))
            if holder is not None and holder.id != found.id:
                raise records.alias_taken(other, holder.name)
            return _projects(conn, "WHERE p.id = %s", (found.id,))[0]


# --- search expressions -------------------------------------------------------------------


def _lexeme(token: str) -> str:
    """A quoted tsvector/tsquery lexeme (our tokens are word characters; quote anyway)."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(terms: str) -> str:
    """The ``tsvector`` text of space-separated tokens: each lexeme with its 1-based positions.

    Positions make phrases (``<->``) and ranking (``ts_rank_cd``) work as with FTS5. Tokens
    longer than PostgreSQL accepts are left out (no query can reach them: queries are shorter).
    """
    parts = []
    for position, token in enumerate(terms.split(), start=1):
        if len(token.encode()) <= _MAX_LEXEME_BYTES:
            parts.append(f"{_lexeme(token)}:{min(position, _MAX_POSITION)}")
    return " ".join(parts)


def tsquery_expression(terms: list[QueryTerm], any_term: bool = False) -> str:
    """A ``tsquery``: each term a phrase of its tokens (``<->``), the last a prefix (``:*``)
    when the term is one; terms joined by ``&`` (or ``|`` for the relaxed search)."""
    parts = []
    for term in terms:
        lexemes = [_lexeme(token) for token in term.tokens]
        if term.prefix:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return (" | " if any_term else " & ").join(parts)


# --- helpers (module-level so that they take the connection explicitly) -------------------


@contextmanager
def _as_store_error(context: str = "database error") -> Iterator[None]:
    """Backend-neutral errors: a `psycopg.Error` (server gone, lock timeout, disk full...)
    becomes the `StoreError` of its cause; `InputError`/`NotFound` pass through."""
    try:
        yield
    except psycopg.Error as exc:
        raise classify(exc, context) from exc
    except UnicodeEncodeError as exc:
        raise records.surrogate_error(exc) from exc


# SQLSTATE (exact, then its two-character class) -> our errors. See PostgreSQL's appendix A.
_SQLSTATE_CAUSES: dict[str, type[StoreError]] = {
    "53100": StoreFull,  # disk_full
    "25006": StoreReadOnly,  # read_only_sql_transaction (a standby, default_transaction_read_only)
    "42501": StoreReadOnly,  # insufficient_privilege (a role that may only read)
    "XX001": StoreCorrupt,  # data_corrupted
    "XX002": StoreCorrupt,  # index_corrupted
    "55P03": StoreBusy,  # lock_not_available (lock_timeout)
    "40001": StoreBusy,  # serialization_failure
    "40P01": StoreBusy,  # deadlock_detected
    "57014": StoreBusy,  # query_canceled (statement_timeout)
    "57P01": StoreUnavailable,  # admin_shutdown
    "57P02": StoreUnavailable,  # crash_shutdown
    "57P03": StoreUnavailable,  # cannot_connect_now (starting up, recovering)
    "53300": StoreUnavailable,  # too_many_connections
}
_SQLSTATE_CLASSES: dict[str, type[StoreError]] = {
    "08": StoreUnavailable,  # connection exception
    "53": StoreFull,  # insufficient resources (out of disk, memory)
}


def classify(exc: psycopg.Error, context: str = "database error") -> StoreError:
    """The `StoreError` subclass for a `psycopg.Error`, its message the technical detail.

    An `OperationalError` without an SQLSTATE is the client side failing to reach the server
    (refused, timed out, dropped): `StoreUnavailable`."""
    message = f"{context}: {str(exc).strip() or type(exc).__name__}"
    state = exc.sqlstate or ""
    cause = _SQLSTATE_CAUSES.get(state) or _SQLSTATE_CLASSES.get(state[:2])
    if cause is None and not state and isinstance(exc, psycopg.OperationalError):
        cause = StoreUnavailable
    return (cause or StoreError)(message)


def _rollback(conn: Connection) -> None:
    if conn.closed or conn.info.transaction_status == TransactionStatus.IDLE:
        return
    try:
        conn.execute("ROLLBACK")
    except psycopg.Error:  # the connection broke: the server rolls back on its own
        conn.close()


def _describe(params: Mapping[str, Any]) -> str:
    """The database as ``postgresql://user@host:port/dbname``, without the password."""
    user = f"{params['user']}@" if params.get("user") else ""
    host = params.get("host") or params.get("hostaddr") or "localhost"
    port = f":{params['port']}" if params.get("port") else ""
    return f"postgresql://{user}{host}{port}/{params.get('dbname') or ''}"


class _Where(records.Where):
    """A text parameter with NUL cannot equal anything PostgreSQL stores, so it matches nothing."""

    def add(self, condition: str, param: object) -> None:
        if isinstance(param, str) and "\x00" in param:
            self.conditions.append("FALSE")
            return
        super().add(condition, param)

    def add_in(self, column: str, values: Sequence[str]) -> None:
        if values:
            self.conditions.append(f"{column} = ANY(%s)")
            self.params.append(list(values))


_KINDS = {
    "text": "text",
    "integer": "integer",
    "bigint": "integer",
    "smallint": "integer",
    "date": "date",
    "timestamp with time zone": "timestamp",
    "jsonb": "json",
    "json": "json",
}
_DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {"lessons": ("id", "terms", "tsv")}
"""Columns the store computes (the identity, the search terms and their tsvector): made again on import."""


def _lookup(conn: Connection, table: str, column: str, values: Collection[Any], result: str) -> dict[Any, Any]:
    """``column value -> result value`` of the stored rows whose ``column`` is one of ``values``."""
    rows = conn.execute(
        f'SELECT "{column}" AS k, "{result}" AS v FROM "{table}" WHERE "{column}" = ANY(%s)', (list(set(values)),)
    ).fetchall()
    return {row["k"]: row["v"] for row in rows}


def _prepare(table: str, columns: Mapping[str, Column], row: dict[str, Any]) -> None:
    """An imported row as this store keeps it: JSON as its text, a lesson's search terms and tsvector made again."""
    for name, column in columns.items():
        if column.kind == "json" and row.get(name) is not None:
            row[name] = json.dumps(row[name], ensure_ascii=False)
    if table == "lessons":
        terms = index_terms(str(row["text"]))
        row["terms"], row["tsv"] = terms, tsvector_literal(terms)


def _column(row: DictRow) -> Column:
    data_type = str(row["data_type"])
    derived = row["column_name"] in _DERIVED_COLUMNS.get(str(row["table_name"]), ())
    required = row["is_nullable"] == "NO" and row["column_default"] is None and row["is_identity"] != "YES"
    return Column(str(row["column_name"]), _KINDS.get(data_type, "other"), required, derived, data_type)


def _current_version(conn: Connection) -> int:
    row = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL AS present").fetchone()
    if not row or not row["present"]:
        return 0
    row = conn.execute("SELECT COALESCE(MAX(version), 0) AS version FROM schema_version").fetchone()
    return int(row["version"]) if row else 0


def _migrate(conn: Connection) -> None:
    """Apply the missing migrations (the caller holds a write transaction)."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_SCHEMA_LOCK,))
    version = _current_version(conn)
    records.check_schema_version(version, len(MIGRATIONS))
    if version == len(MIGRATIONS):
        return
    if version == 0:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            "version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        if callable(migration):
            migration(conn)
        else:
            for statement in migration:
                conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (number,))


def _project_id(conn: Connection, name: str, now: dt.datetime) -> str:
    """The id of the project ``name`` stands for, created when its key is new. Two transactions creating
    the same key: the second waits on the key's row, then finds the first one's project."""
    key = project_key(name)
    row = conn.execute("SELECT project_id FROM project_names WHERE key = %s", (key,)).fetchone()
    if row is not None:
        return str(row["project_id"])
    project_id = base.new_id("P")
    conn.execute("INSERT INTO projects (id, name, created_at) VALUES (%s, %s, %s)", (project_id, name, now))
    inserted = conn.execute(
        "INSERT INTO project_names (key, project_id, name) VALUES (%s, %s, %s) ON CONFLICT (key) DO NOTHING "
        "RETURNING project_id",
        (key, project_id, name),
    ).fetchone()
    if inserted is not None:
        return project_id
    conn.execute("DELETE FROM projects WHERE id = %s", (project_id,))
    row = conn.execute("SELECT project_id FROM project_names WHERE key = %s", (key,)).fetchone()
    assert row is not None
    return str(row["project_id"])


def _find_project(conn: Connection, key: str) -> Project | None:
    found = _projects(conn, f"WHERE p.id = {_PROJECT_ID}", (key,))
    return found[0] if found else None


def _projects(conn: Connection, where: str, params: Sequence[object]) -> list[Project]:
    rows = conn.execute(
        "SELECT p.id, p.name, n.name AS alias FROM projects p LEFT JOIN project_names n ON n.project_id = p.id "
        f'{where} ORDER BY p.name COLLATE "C", p.id, n.name COLLATE "C"',
        tuple(params),
    ).fetchall()
    return records.projects_from_rows(rows)


def _has_nul(value: object) -> bool:
    return isinstance(value, str) and "\x00" in value


def _storable(value: str | None, field: str) -> None:
    """`InputError` for text PostgreSQL cannot store (it has NUL)."""
    if _has_nul(value):
        raise InputError(field, base.both("nul"))


def _storable_action(item: ActionItem, prefix: str) -> None:
    for name in _ACTION_TEXT_FIELDS:
        _storable(getattr(item, name), f"{prefix}{name}")


def _checked_sections(sections: Mapping[str, Any] | None) -> dict[str, str]:
    return _storable_sections(records.checked_sections(sections))


def _storable_sections(encoded: dict[str, str]) -> dict[str, str]:
    for name, value in encoded.items():
        if _JSON_NUL.search(value):
            raise InputError(f"sections.{name}", base.both("nul"))
    return encoded


def _checked_actions(items: Sequence[ActionItem]) -> list[ActionItem]:
    checked = records.checked_actions(items)
    for i, item in enumerate(checked):
        _storable_action(item, f"actions[{i}].")
    return checked


def _checked_lessons(items: Sequence[Lesson | tuple[str, str]]) -> list[Lesson]:
    lessons = base.check_lessons(items)
    for i, lesson in enumerate(lessons):
        _storable(lesson.text, f"items[{i}].text")
    return lessons


def _append_actions(conn: Connection, review_id: str, checked: list[ActionItem], now: dt.datetime) -> int:
    """Insert actions after the review's last one (the caller holds the review's lock); the first seq."""
    ids = records.assign_action_ids(checked, lambda given: _action_holder(conn, given), lambda: "")
    row = conn.execute(
        "SELECT COALESCE(MAX(seq), -1) + 1 AS next FROM actions WHERE review_id = %s", (review_id,)
    ).fetchone()
    first_seq = int(row["next"]) if row else 0
    _insert_actions(conn, review_id, first_seq, ids, checked, now)
    _keep_insights(conn, [review_id])
    return first_seq


def _update_action(conn: Connection, current: StoredAction, changes: Mapping[str, object], now: dt.datetime) -> None:
    item = records.changed_action(current, changes)
    _storable_action(item, "")
    conn.execute(
        f"UPDATE actions SET {_ACTION_SET}, {_CLOSED_AT}, updated_at = %s WHERE id = %s",
        (*records.action_values(item), item.status, item.status, now, now, current.id),
    )
    _keep_insights(conn, [current.review_id])


def _keep_insights(conn: Connection, review_ids: Sequence[str] | None) -> None:
    """Make what review_insights keeps of these reviews (``insight_actions``, ``insight_counts``) again from
    their actions, or of every review (None), in the caller's write transaction."""
    _keep_carried(conn, review_ids)
    _keep_counts(conn, review_ids)


def _keep_counts(conn: Connection, review_ids: Sequence[str] | None) -> None:
    """The status counts (``insight_counts``) of these reviews' actions again, or of every review (None)."""
    if review_ids is None:
        conn.execute("DELETE FROM insight_counts")
        conn.execute(_INSERT_COUNTS.format(where="TRUE"))
        return
    ids = list(review_ids)
    conn.execute("DELETE FROM insight_counts WHERE review_id = ANY(%s)", (ids,))
    conn.execute(_INSERT_COUNTS.format(where="a.review_id = ANY(%s)"), (ids,))


def _keep_metrics(conn: Connection, review_ids: Sequence[str] | None) -> None:
    """The attainment rates (``insight_metrics``) of these reviews' attainment sections again, or of every
    review (None), in the caller's write transaction."""
    if review_ids is None:
        conn.execute("DELETE FROM insight_metrics")
        conn.execute(_INSERT_METRICS.format(where="TRUE"), (records.ATTAINMENT_SECTION,))
        return
    if not review_ids:
        return
    ids = list(review_ids)
    conn.execute("DELETE FROM insight_metrics WHERE review_id = ANY(%s)", (ids,))
    conn.execute(_INSERT_METRICS.format(where="s.review_id = ANY(%s)"), (records.ATTAINMENT_SECTION, ids))


def _keep_carried(conn: Connection, review_ids: Sequence[str] | None) -> None:
    """Make the carried-over keys (``insight_actions``) of these reviews again from their actions, or of
    every review (None), in the caller's write transaction."""
    with conn.cursor(row_factory=tuple_row) as cur:
        if review_ids is None:
            cur.execute("DELETE FROM insight_actions")
            lines = cur.execute(records.INSIGHT_ACTIONS_SQL.format(where="TRUE")).fetchall()
        else:
            ids = list(review_ids)
            cur.execute("DELETE FROM insight_actions WHERE review_id = ANY(%s)", (ids,))
            lines = cur.execute(records.INSIGHT_ACTIONS_SQL.format(where="a.review_id = ANY(%s)"), (ids,)).fetchall()
        keys = records.carried_keys(lines)
        if keys:
            cur.executemany(
                "INSERT INTO insight_actions (review_id, norm, project, action, status) VALUES (%s, %s, %s, %s, %s)",
                keys,
            )


_ALIKE_SQL = (  # the kept texts sharing a gram with a new one (its gram keys), how many each
    "SELECT t.key, t.norm, t.size, count(*) FROM insight_grams g JOIN insight_texts t ON t.key = g.key "
    "WHERE g.gram = ANY(%s) GROUP BY t.key, t.norm, t.size"
)


def _insight_texts_of(conn: Connection, review_id: str) -> list[str]:
    """The review's problem, root cause and lesson texts (what `_keep_texts` is told of when they go)."""
    rows = conn.execute(
        "SELECT text FROM lessons WHERE review_id = %s AND kind = ANY(%s)",
        (review_id, list(records.INSIGHT_TEXT_KINDS)),
    )
    return [str(row["text"]) for row in rows.fetchall()]


def _keep_texts(conn: Connection, added: Sequence[str] | None, removed: Sequence[str] = ()) -> None:
    """Keep the alike pairs of problem, root cause and lesson texts (migration 11) as lessons holding
    ``added`` are written and lessons holding ``removed`` go: a text no lesson held is kept with its pairs
    (the kept texts sharing a gram with it, from their grams' index), one no lesson holds any more goes
    with them. Or every lesson text again (None, or more new texts than `records.TEXT_KEEP_BULK`). Under a
    lock, so that two transactions writing texts at once see each other's (each statement reads what was
    committed before it: READ COMMITTED)."""
    if added is not None and not added and not removed:
        return
    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_TEXTS_LOCK,))
    with conn.cursor(row_factory=tuple_row) as cur:
        if added is not None:
            changes = records.text_changes(added, removed)
            found = cur.execute("SELECT key, lessons FROM insight_texts WHERE key = ANY(%s)", (list(changes),))
            held = {str(row[0]): int(row[1]) for row in found.fetchall()}
            new = [(text, n) for key, (text, n) in changes.items() if key not in held and n > 0]
            if len(new) <= records.TEXT_KEEP_BULK:
                for key, (text, n) in changes.items():
                    if key in held and held[key] + n > 0:
                        cur.execute("UPDATE insight_texts SET lessons = %s WHERE key = %s", (held[key] + n, key))
                    elif key in held:
                        _drop_text(cur, key, text)
                for text, n in new:
                    kept = records.kept_text(text)
                    if kept is None:
                        continue
                    grams = [records.gram_key(gram) for gram in kept.grams]
                    alike = [records.alike_pair(kept, *row) for row in cur.execute(_ALIKE_SQL, (grams,)).fetchall()]
                    _insert_texts(cur, [(kept, n)], [pair for pair in alike if pair is not None])
                return
        for table in ("insight_pairs", "insight_grams", "insight_texts"):
            cur.execute(f"DELETE FROM {table}")
        rows = cur.execute(
            "SELECT text, count(*) FROM lessons WHERE kind = ANY(%s) GROUP BY text", (list(records.INSIGHT_TEXT_KINDS),)
        )
        held_by = {str(text): int(n) for text, n in rows.fetchall()}
        every, pairs = records.every_text_pair(held_by)
        _insert_texts(cur, [(text, held_by[text.text]) for text in every], pairs)


def _drop_text(cur: psycopg.Cursor[TupleRow], key: str, text: str) -> None:
    """A kept text no lesson holds any more, its grams and its pairs."""
    cur.execute("DELETE FROM insight_pairs WHERE a = %s", (key,))
    cur.execute("DELETE FROM insight_pairs WHERE b = %s", (key,))
    kept = records.kept_text(text)
    if kept is not None:
        cur.execute(
            "DELETE FROM insight_grams WHERE key = %s AND gram = ANY(%s)", (key, [g for g, _ in kept.rows(0)[1]])
        )
    cur.execute("DELETE FROM insight_texts WHERE key = %s", (key,))


def _insert_texts(
    cur: psycopg.Cursor[TupleRow], kept: Sequence[tuple[records.KeptText, int]], pairs: Sequence[tuple[str, str]]
) -> None:
    """Kept texts (each with how many lessons hold it), their grams and these pairs."""
    made = [text.rows(n) for text, n in kept]
    if made:
        cur.executemany(
            "INSERT INTO insight_texts (key, text, norm, size, lessons) VALUES (%s, %s, %s, %s, %s)",
            [m[0] for m in made],
        )
        cur.executemany("INSERT INTO insight_grams (gram, key) VALUES (%s, %s)", [g for m in made for g in m[1]])
    if pairs:
        cur.executemany("INSERT INTO insight_pairs (a, b) VALUES (%s, %s)", pairs)


def _replace_lessons(conn: Connection, review_id: str, lessons: Sequence[Lesson]) -> None:
    """The review's searchable items become ``lessons``, in the caller's transaction."""
    removed = _insight_texts_of(conn, review_id)
    conn.execute("DELETE FROM lessons WHERE review_id = %s", (review_id,))
    if not lessons:
        _keep_texts(conn, [], removed)
        return
    rows = []
    for i, lesson in enumerate(lessons):
        terms = index_terms(lesson.text)
        rows.append((review_id, i, lesson.kind, lesson.text, terms, tsvector_literal(terms), lesson.section))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO lessons (review_id, seq, kind, text, terms, tsv, section) "
            "VALUES (%s, %s, %s, %s, %s, %s::tsvector, %s)",
            rows,
        )
    _keep_texts(conn, [it.text for it in lessons if it.kind in records.INSIGHT_TEXT_KINDS], removed)


def _upsert_sections(conn: Connection, review_id: str, encoded: dict[str, str], now: dt.datetime) -> None:
    if not encoded:
        return
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO review_sections (review_id, name, value, updated_at) VALUES (%s, %s, %s::jsonb, %s) "
            "ON CONFLICT (review_id, name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at",
            [(review_id, name, value, now) for name, value in encoded.items()],
        )
    if records.ATTAINMENT_SECTION in encoded:
        _keep_metrics(conn, [review_id])


def _touch(conn: Connection, review_id: str, now: dt.datetime) -> None:
    conn.execute("UPDATE reviews SET updated_at = %s WHERE id = %s", (now, review_id))


def _lock_review(conn: Connection, review_id: str) -> None:
    """Lock the review row for this write transaction; `NotFound` when there is none."""
    if (
        _has_nul(review_id)
        or not conn.execute("SELECT 1 FROM reviews WHERE id = %s FOR UPDATE", (review_id,)).fetchone()
    ):
        raise NotFound("review_id", "review", review_id)


def _require_review(conn: Connection, review_id: str, field: str = "review_id") -> None:
    if _has_nul(review_id) or not conn.execute("SELECT 1 FROM reviews WHERE id = %s", (review_id,)).fetchone():
        raise NotFound(field, "review", review_id)


def _action_holder(conn: Connection, action_id: str) -> str | None:
    """The review that has an action with this id, if any (a generated id is checked by the insert)."""
    row = conn.execute("SELECT review_id FROM actions WHERE id = %s", (action_id,)).fetchone()
    return None if row is None else str(row["review_id"])


_INSERT_ACTION = (
    f"INSERT INTO actions (id, review_id, seq, {', '.join(records.ACTION_VALUE_COLUMNS)}, created_at, updated_at) "
    f"VALUES ({', '.join(['%s'] * (len(records.ACTION_VALUE_COLUMNS) + 5))}) ON CONFLICT (id) DO NOTHING RETURNING id"
)


def _insert_actions(
    conn: Connection, review_id: str, first_seq: int, ids: list[str], items: list[ActionItem], now: dt.datetime
) -> None:
    """Insert in one round trip; an id taken meanwhile is retried (generated) or refused (given)."""
    final = [action_id or base.new_id("A") for action_id in ids]
    pending = list(range(len(items)))
    while pending:
        rows = [(final[i], review_id, first_seq + i, *records.action_values(items[i]), now, now) for i in pending]
        with conn.cursor() as cur:
            cur.executemany(_INSERT_ACTION, rows, returning=True)
            inserted = []
            while True:
                inserted.append(cur.fetchone() is not None)
                if not cur.nextset():
                    break
        retry = []
        for i, ok in zip(pending, inserted, strict=True):
            if ok:
                continue
            if ids[i]:
                raise records.id_taken(i, ids[i])
            final[i] = base.new_id("A")
            retry.append(i)
        pending = retry


def _select_actions(conn: Connection, tail: str, params: Sequence[object]) -> list[StoredAction]:
    rows = conn.execute(f"SELECT {_ACTION_COLUMNS} {_ACTION_FROM} {tail}", tuple(params)).fetchall()
    return [StoredAction.model_validate(row) for row in rows]


def _summary(row: DictRow) -> ReviewSummary:
    return records.review_summary(row, row["section_names"] or [])


def _load_review(conn: Connection, review_id: str) -> ReviewRecord:
    row = None
    if not _has_nul(review_id):
        row = conn.execute(
            f"SELECT r.*, {_SECTION_NAMES_SQL} AS section_names FROM reviews r WHERE r.id = %s", (review_id,)
        ).fetchone()
    if row is None:
        raise NotFound("review_id", "review", review_id)
    summary = _summary(row)
    rows = conn.execute(
        'SELECT name, value FROM review_sections WHERE review_id = %s ORDER BY name COLLATE "C"', (review_id,)
    ).fetchall()
    sections = {r["name"]: r["value"] for r in rows}
    actions = _select_actions(conn, "WHERE a.review_id = %s ORDER BY a.seq", (review_id,))
    rows = conn.execute(
        "SELECT kind, text, section FROM lessons WHERE review_id = %s ORDER BY seq", (review_id,)
    ).fetchall()
    return records.review_record(summary, sections, actions, ((r["kind"], r["text"], r["section"]) for r in rows))


def _search(conn: Connection, terms: list[QueryTerm], where: _Where, limit: int, any_term: bool) -> list[LessonHit]:
    # All terms: cover density (repeated and nearby terms count). Any term: ts_rank, which sums
    # the matched terms' weights (what the relaxed search is about) and is ~7x faster than
    # ts_rank_cd on the large OR queries a long question makes.
    rank = "ts_rank" if any_term else "ts_rank_cd"
    sql = (
        "SELECT l.review_id, r.project, r.title, r.review_date, l.kind, l.text, l.section, "
        f"{rank}(l.tsv, q.query, {RANK_NORMALIZATION}) AS rank "
        "FROM lessons l JOIN reviews r ON r.id = l.review_id CROSS JOIN (SELECT %s::tsquery AS query) q "
        f"WHERE l.tsv @@ q.query{where.and_sql()} ORDER BY rank DESC, l.id LIMIT %s"
    )
    rows = conn.execute(sql, (tsquery_expression(terms, any_term), *where.params, limit)).fetchall()
    # the rank is a float4: keep its significant digits, as the SQLite store does for BM25.
    return [records.lesson_hit(row, float(f"{float(row['rank']):.6g}"), terms, any_term) for row in rows]
