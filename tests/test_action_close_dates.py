"""Migration 5 on both stores: an action's close time and its due date as written.

A store is written at schema 4 the way that version wrote it (raw rows: today's code reads the new
columns), then opened by this version. Expected, by hand:

| action | status | created | updated | closed_at after the migration |
| A-1 | done | 01-10 09:00 | 01-20 12:00 | 01-20 12:00 (marked done later) |
| A-2 | done | 01-10 09:00 | 01-10 09:00 | none (recorded already done: when is unknown) |
| A-3 | wont_do | 01-10 09:00 | 02-01 08:00 | 02-01 08:00 |
| A-4 | open | 01-10 09:00 | 03-01 10:00 | none (open) |
| A-5 | in_progress | 01-10 09:00 | 01-10 09:00 | none |

The review is dated 2025-01-10, so the median days to close over the done actions with a close date
is A-1's 10 (A-2 has none): closed_with_date 1.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fupan_mcp.analysis.insights import compute_insights, default_as_of
from fupan_mcp.app import Settings, create_server
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.errors import InputError
from fupan_mcp.store import ReviewStore, SQLiteStore
from fupan_mcp.store import sqlite as sqlite_store
from fupan_mcp.store.projects import project_key
from store_backends import BACKENDS, open_backend, postgres_schema_url

UTC = dt.timezone.utc
CREATED = "2025-01-10T09:00:00.000000+00:00"
ACTIONS = (  # id, seq, action, owner, due, status, status_reason, evidence, updated_at, kind, ticket
    (
        "A-1",
        0,
        "增加支付超时告警",
        "张三",
        "2025-02-10",
        "done",
        None,
        "告警已上线",
        "2025-01-20T12:00:00.000000+00:00",
    ),
    ("A-2", 1, "补充对账脚本", "李四", None, "done", None, "脚本 #7", CREATED),
    ("A-3", 2, "Rewrite ledger", "李四", None, "wont_do", "replaced", None, "2025-02-01T08:00:00.000000+00:00"),
    ("A-4", 3, "压测网关", "王五", "2025-03-01", "open", None, None, "2025-03-01T10:00:00.000000+00:00"),
    ("A-5", 4, "Document the runbook", "Bob", "2025-04-01", "in_progress", None, None, CREATED),
)
EXPECTED_CLOSED = {
    "A-1": dt.datetime(2025, 1, 20, 12, tzinfo=UTC),
    "A-2": None,
    "A-3": dt.datetime(2025, 2, 1, 8, tzinfo=UTC),
    "A-4": None,
    "A-5": None,
}

Execute = Callable[[str, tuple[object, ...]], None]


def _write_schema_4(execute: Execute) -> None:
    """One review as schema 4 held it: project identity, a section, five actions, a lesson, a key."""
    execute("INSERT INTO projects (id, name, created_at) VALUES (?, ?, ?)", ("P-1", "支付系统", CREATED))
    execute(
        "INSERT INTO project_names (key, project_id, name) VALUES (?, ?, ?)",
        (project_key("支付系统"), "P-1", "支付系统"),
    )
    execute(
        "INSERT INTO reviews (id, project, title, review_type, review_date, language, created_at, updated_at, "
        "project_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ("R-1", "支付系统", "一月复盘", "incident", "2025-01-10", "zh", CREATED, CREATED, "P-1"),
    )
    execute(
        "INSERT INTO review_sections (review_id, name, value, updated_at) VALUES (?, ?, ?, ?)",
        ("R-1", "background", '{"text": "支付超时"}', CREATED),
    )
    for row in ACTIONS:
        action_id, seq, text, owner, due, status, reason, evidence, updated = row
        execute(
            "INSERT INTO actions (id, review_id, seq, action, owner, due, priority, addresses, success_metric, "
            "status, status_reason, evidence, created_at, updated_at, kind, ticket) "
            "VALUES (?, 'R-1', ?, ?, ?, ?, 'P1', '支付超时', ?, ?, ?, ?, ?, ?, 'prevent', ?)",
            (
                action_id,
                seq,
                text,
                owner,
                due,
                "超时率 < 0.1%",
                status,
                reason,
                evidence,
                CREATED,
                updated,
                f"PAY-{seq}",
            ),
        )
    execute(
        "INSERT INTO review_keys (key, review_id, fingerprint, created_at) VALUES (?, ?, ?, ?)",
        ("key-1", "R-1", "f" * 64, CREATED),
    )


def _sqlite_at_4(path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], AbstractContextManager[ReviewStore]]:
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_store, "MIGRATIONS", sqlite_store.MIGRATIONS[:4])
        with SQLiteStore(path) as old:
            assert old.schema_version() == 4
    conn = sqlite3.connect(path)
    _write_schema_4(lambda sql, params: conn.execute(sql, params) and None)
    conn.execute(
        "INSERT INTO lessons (review_id, seq, kind, text, terms) VALUES ('R-1', 0, 'lesson', ?, ?)",
        ("上线前做容量评估", "上线 线前 前做 做容 容量 量评 评估"),
    )
    conn.commit()
    conn.close()
    return lambda: SQLiteStore(path)


def _postgres_at_4(url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[], AbstractContextManager[ReviewStore]]:
    import psycopg

    from fupan_mcp.store import postgres as pg_store

    with monkeypatch.context() as patch:
        patch.setattr(pg_store, "MIGRATIONS", pg_store.MIGRATIONS[:4])
        with pg_store.PostgresStore(url) as old:
            assert old.schema_version() == 4
    with psycopg.connect(url, autocommit=True) as conn:
        _write_schema_4(lambda sql, params: conn.execute(sql.replace("?", "%s"), params) and None)
        terms = "上线 线前 前做 做容 容量 量评 评估"
        conn.execute(
            "INSERT INTO lessons (review_id, seq, kind, text, terms, tsv) VALUES ('R-1', 0, 'lesson', %s, %s, %s)",
            ("上线前做容量评估", terms, pg_store.tsvector_literal(terms)),
        )
    return lambda: pg_store.PostgresStore(url)


@pytest.fixture(params=BACKENDS)
def schema_4(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], AbstractContextManager[ReviewStore]]]:
    """How to open a store written at schema 4 (with the rows of the module docstring)."""
    if request.param == "sqlite":
        yield _sqlite_at_4(tmp_path / "v4.db", monkeypatch)
        return
    with postgres_schema_url(request.config) as url:
        yield _postgres_at_4(url, monkeypatch)


def test_migration_5_backfills_close_times_and_keeps_everything(
    schema_4: Callable[[], AbstractContextManager[ReviewStore]],
) -> None:
    with schema_4() as store:
        assert store.schema_version() == len(sqlite_store.MIGRATIONS)  # type: ignore[attr-defined]  # same count on both
        review = store.get_review("R-1")
        assert (review.project, review.project_id, review.title, review.review_type) == (
            "支付系统",
            "P-1",
            "一月复盘",
            "incident",
        )
        assert review.sections == {"background": {"text": "支付超时"}}
        assert [(lesson.kind, lesson.text) for lesson in review.lessons] == [("lesson", "上线前做容量评估")]
        assert [h.review_id for h in store.search_lessons("容量评估")] == ["R-1"]
        by_id = {a.id: a for a in review.actions}
        assert [a.id for a in review.actions] == ["A-1", "A-2", "A-3", "A-4", "A-5"]
        for action_id, seq, text, owner, due, status, reason, evidence, updated in ACTIONS:
            got = by_id[action_id]
            assert (got.action, got.owner, got.status, got.status_reason, got.evidence) == (
                text,
                owner,
                status,
                reason,
                evidence,
            )
            assert got.due == (dt.date.fromisoformat(due) if due else None)
            assert (got.priority, got.addresses, got.success_metric, got.kind, got.ticket) == (
                "P1",
                "支付超时",
                "超时率 < 0.1%",
                "prevent",
                f"PAY-{seq}",
            )
            assert (got.created_at, got.updated_at) == (
                dt.datetime.fromisoformat(CREATED),
                dt.datetime.fromisoformat(updated),
            )
            assert got.due_text is None
            assert got.closed_at == EXPECTED_CLOSED[action_id], action_id
        rows = store.insight_rows()
        follow = compute_insights(rows, default_as_of(rows, None)).follow_through
        assert (follow.total, follow.done, follow.wont_do, follow.closed_with_date) == (5, 2, 1, 1)
        assert follow.median_days_to_close == 10.0
        with pytest.raises(InputError, match="R-1"):  # the key is still the one review R-1 was made with
            store.create_review_document("支付系统", "二月复盘", None, "2025-02-10", idempotency_key="key-1")
    with schema_4() as again:  # opening again applies nothing twice
        assert again.get_review("R-1").actions[0].closed_at == EXPECTED_CLOSED["A-1"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[ReviewStore]:
    with open_backend(request.param, request.config) as opened:
        yield opened


def test_close_time_follows_the_status(store: ReviewStore) -> None:
    review = store.create_review_document(
        "支付系统",
        "复盘",
        None,
        "2025-01-10",
        actions=[
            ActionItem(action="增加告警", owner="张三"),
            ActionItem(action="补充脚本", owner="李四", status="done", evidence="已合并"),
        ],
    ).record
    first, recorded_done = review.actions
    assert (first.closed_at, recorded_done.closed_at) == (None, None)  # recorded done: when is not known
    done = store.update_action(first.id, status="done", evidence="上线")
    assert done.closed_at == done.updated_at
    moved = store.update_action(first.id, owner="王五")  # another change keeps the close time
    assert moved.closed_at == done.closed_at and moved.updated_at > done.updated_at
    still = store.update_action(first.id, status="done", evidence="上线，复核通过")
    assert still.closed_at == done.closed_at  # done again is no new close
    dropped = store.update_action(first.id, status="wont_do", status_reason="方案取消")
    assert dropped.closed_at == dropped.updated_at > done.closed_at  # done -> won't do: closed anew
    reopened = store.update_action(first.id, status="in_progress")
    assert reopened.closed_at is None
    listed = {a.id: a for a in store.list_actions(review_id=review.id)}
    assert listed[first.id].closed_at is None and listed[recorded_done.id].closed_at is None
    closed_again = store.update_action(recorded_done.id, status="wont_do", status_reason="重复")
    assert closed_again.closed_at == closed_again.updated_at


def test_due_text_is_kept_and_a_new_due_date_drops_it(store: ReviewStore) -> None:
    review = store.create_review_document(
        "支付系统",
        "复盘",
        None,
        "2025-06-18",
        actions=[
            ActionItem.model_validate({"action": "补齐回归测试", "due": "2025年7月3日"}),
            ActionItem.model_validate({"action": "上线告警", "due": "T+30"}),  # no review date in scope: unresolved
            ActionItem.model_validate({"action": "复查", "due": "2025-07-01"}),
        ],
    ).record
    assert [(a.due, a.due_text) for a in review.actions] == [
        (dt.date(2025, 7, 3), "2025年7月3日"),
        (None, "T+30"),
        (dt.date(2025, 7, 1), None),
    ]
    assert [(a.due, a.due_text) for a in store.list_actions(review_id=review.id)] == [
        (dt.date(2025, 7, 1), None),
        (dt.date(2025, 7, 3), "2025年7月3日"),
        (None, "T+30"),
    ]
    changed = store.update_action(review.actions[0].id, due="2025-07-10")
    assert (changed.due, changed.due_text) == (dt.date(2025, 7, 10), None)  # the words were for the old date
    kept = store.update_action(review.actions[1].id, owner="张三")
    assert (kept.due, kept.due_text) == (None, "T+30")


def _data(result: Any) -> Any:
    assert not result.is_error, result.content
    return result.structured_content


@pytest.mark.anyio
async def test_dates_as_written_come_back_beside_the_resolved_ones(tmp_path: Path) -> None:
    """Through a real client: 2025-06-18 is a Wednesday, so 下周五 is 06-27 and T+30 is 07-18."""
    server = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "out"))
    review = {
        "project": "支付网关",
        "review_date": "2025-06-18",
        "actions": [
            {"id": "A1", "action": "上线超时告警", "owner": "张三", "due": "T+30"},
            {"id": "A2", "action": "复查对账脚本", "owner": "李四", "due": "下周五"},
            {"id": "A3", "action": "补齐回归测试", "owner": "王五", "due": "2025年7月3日"},
        ],
    }
    async with Client(server) as client:
        created = _data(await client.call_tool("create_review", {"project": "支付网关", "review": review}))
        review_id = created["review"]["id"]
        expected = {"A1": ("2025-07-18", "T+30"), "A2": ("2025-06-27", "下周五"), "A3": ("2025-07-03", "2025年7月3日")}
        listed = _data(await client.call_tool("list_actions", {"project": "支付网关"}))
        assert {a["id"]: (a["due"], a["due_text"]) for a in listed["actions"]} == expected
        stored = _data(await client.call_tool("get_review", {"review_id": review_id}))
        assert {a["id"]: (a["due"], a["due_text"]) for a in stored["actions"]} == expected
        closed = _data(
            await client.call_tool("update_action", {"action_id": "A1", "status": "done", "evidence": "已上线"})
        )
        assert closed["closed_at"] == closed["updated_at"]
