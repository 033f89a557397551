"""The review store: CRUD, filters, sections, actions lifecycle, open actions, lesson search."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.stored import Lesson, StoredAction
from fupan_mcp.errors import InputError
from fupan_mcp.store import NotFound, ReviewStore, SQLiteStore, StoreError, default_db_path, open_store
from fupan_mcp.store import sqlite as sqlite_store
from fupan_mcp.store.search import index_terms, make_snippet, parse_query
from store_backends import BACKENDS, open_backend, postgres_schema_url

D = dt.date


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[ReviewStore]:
    """Every backend: SQLite in memory, PostgreSQL in a fresh schema (skipped when unavailable)."""
    with open_backend(request.param, request.config) as s:
        yield s


@pytest.fixture(params=[("sqlite", True), ("sqlite", False), ("postgres", None)], ids=["fts5", "like", "postgres"])
def search_store(request: pytest.FixtureRequest) -> Iterator[ReviewStore]:
    """Every search path: FTS5, the LIKE fallback used when FTS5 is missing, PostgreSQL tsvector."""
    backend, fts = request.param
    with open_backend(backend, request.config, fts=fts) as s:
        yield s


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL schema."""
    with postgres_schema_url(request.config) as url:
        yield url


def _review(
    store: ReviewStore,
    project: str = "SaaS MVP",
    date: str = "2024-05-10",
    title: str | None = None,
    review_type: str | None = "saas",
) -> str:
    return store.create_review(project, title or f"{project} 复盘", review_type, date, "zh").id


# --- reviews ------------------------------------------------------------------------------


def test_create_get_delete_review(store: ReviewStore) -> None:
    created = store.create_review(
        " 商城 ",
        "618 大促复盘",
        "ecommerce",
        D(2024, 7, 5),
        "zh",
        {"attainment": {"input": [1], "result": None}},
    )
    assert created.id.startswith("R-")
    assert created.project == "商城"
    assert created.review_date == D(2024, 7, 5)
    assert created.section_names == ["attainment"]
    got = store.get_review(created.id)
    assert got.sections == {"attainment": {"input": [1], "result": None}}
    assert got.actions == [] and got.lessons == []
    store.delete_review(created.id)
    with pytest.raises(NotFound) as err:
        store.get_review(created.id)
    assert created.id in str(err.value)
    assert isinstance(err.value, KeyError) and isinstance(err.value, InputError)
    assert err.value.field == "review_id"


def test_delete_cascades_to_sections_actions_lessons(store: ReviewStore) -> None:
    rid = _review(store)
    store.update_sections(rid, {"swot": {"s": ["a"]}})
    store.add_actions(rid, [ActionItem(action="补齐压测")])
    store.index_lessons(rid, [("lesson", "权限细粒度")])
    store.delete_review(rid)
    assert store.list_actions() == []
    assert store.search_lessons("权限") == []
    with pytest.raises(NotFound):
        store.delete_review(rid)


def test_list_reviews_filters_and_paging(store: ReviewStore) -> None:
    a = _review(store, "A", "2024-01-10", review_type="saas")
    b = _review(store, "A", "2024-03-10", review_type="ecommerce")
    c = _review(store, "B", "2024-02-10", review_type="saas")
    assert [r.id for r in store.list_reviews()] == [b, c, a]  # newest first
    assert [r.id for r in store.list_reviews(project="A")] == [b, a]
    assert [r.id for r in store.list_reviews(review_type="saas")] == [c, a]
    assert [r.id for r in store.list_reviews(date_from="2024-02-10", date_to=D(2024, 3, 10))] == [b, c]
    assert [r.id for r in store.list_reviews(limit=1, offset=1)] == [c]
    assert store.list_reviews(project="nobody") == []


def test_sections_merge(store: ReviewStore) -> None:
    rid = store.create_review("P", "T", None, "2024-05-01", "en", {"attainment": {"v": 1}}).id
    store.update_sections(rid, {"kpi_tree": {"nodes": []}, "five_whys:0": ["why", {"n": 1.5}]})
    record = store.update_sections(rid, {"attainment": {"v": 2}, "report": "# 复盘报告"})
    assert record.sections == {
        "attainment": {"v": 2},
        "five_whys:0": ["why", {"n": 1.5}],
        "kpi_tree": {"nodes": []},
        "report": "# 复盘报告",
    }
    assert record.section_names == ["attainment", "five_whys:0", "kpi_tree", "report"]
    assert store.list_reviews()[0].section_names == record.section_names
    assert record.updated_at >= record.created_at


def test_sections_accept_pydantic_models_and_dates(store: ReviewStore) -> None:
    rid = _review(store)
    item = ActionItem(action="补齐压测", due=D(2024, 6, 1))
    record = store.update_sections(rid, {"actions": {"input": [item], "at": D(2024, 5, 2)}})
    assert record.sections["actions"] == {"input": [item.model_dump(mode="json")], "at": "2024-05-02"}


@pytest.mark.parametrize(
    ("sections", "field"),
    [
        ({"x": float("nan")}, "sections.x"),
        ({"x": object()}, "sections.x"),
        ({"  ": 1}, "sections"),
        ({"a\x1fb": 1}, "sections"),
    ],
)
def test_bad_sections(store: ReviewStore, sections: dict[str, object], field: str) -> None:
    rid = _review(store)
    with pytest.raises(InputError) as err:
        store.update_sections(rid, sections)
    assert err.value.field == field
    assert store.get_review(rid).sections == {}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"project": " "}, "project"),
        ({"title": ""}, "title"),
        ({"review_date": "2024-13-01"}, "review_date"),
        ({"review_date": "yesterday"}, "review_date"),
        ({"language": "fr"}, "language"),
    ],
)
def test_bad_review_input(store: ReviewStore, kwargs: dict[str, str], field: str) -> None:
    args = {"project": "P", "title": "T", "review_type": None, "review_date": "2024-05-01", "language": "zh"}
    args.update(kwargs)
    with pytest.raises(InputError) as err:
        store.create_review(**args)  # type: ignore[arg-type]
    assert err.value.field == field
    assert store.list_reviews() == []


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"date_from": "2024/01/01"}, "date_from"),
        ({"date_to": "soon"}, "date_to"),
        ({"date_from": "2024-02-01", "date_to": "2024-01-01"}, "date_to"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_review_filters(store: ReviewStore, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as err:
        store.list_reviews(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_unknown_ids(store: ReviewStore) -> None:
    calls: list[tuple[Callable[[], object], str]] = [
        (lambda: store.get_review("R-nope"), "review_id"),
        (lambda: store.update_sections("R-nope", {"a": 1}), "review_id"),
        (lambda: store.add_actions("R-nope", [ActionItem(action="x")]), "review_id"),
        (lambda: store.index_lessons("R-nope", [("lesson", "x")]), "review_id"),
        (lambda: store.list_actions(review_id="R-nope"), "review_id"),
        (lambda: store.update_action("A-nope", status="in_progress"), "action_id"),
        (lambda: store.open_actions_for_project("P", "2024-01-01", "R-nope"), "exclude_review_id"),
    ]
    for call, field in calls:
        with pytest.raises(NotFound) as err:
            call()
        assert err.value.field == field
        assert "nope" in str(err.value)


# --- actions ------------------------------------------------------------------------------


def test_add_actions_assigns_ids_and_keeps_order(store: ReviewStore) -> None:
    rid = _review(store)
    first = store.add_actions(rid, [ActionItem(action="补齐压测", owner="王", priority="P1")])
    more = store.add_actions(rid, [ActionItem(action="写回滚手册"), ActionItem(id="A-custom", action="复查权限")])
    assert first[0].id.startswith("A-") and first[0].review_id == rid and first[0].project == "SaaS MVP"
    assert [a.id for a in more][1] == "A-custom"
    assert [a.action for a in store.get_review(rid).actions] == ["补齐压测", "写回滚手册", "复查权限"]
    with pytest.raises(InputError) as err:
        store.add_actions(rid, [ActionItem(id="A-custom", action="dup")])
    assert err.value.field == "actions[0].id"


def test_add_actions_rules_are_all_or_nothing(store: ReviewStore) -> None:
    rid = _review(store)
    with pytest.raises(InputError) as err:
        store.add_actions(rid, [ActionItem(action="ok"), ActionItem(action="x", status="done")])
    assert err.value.field == "actions[1].evidence"
    with pytest.raises(InputError) as err:
        store.add_actions(rid, [ActionItem(action="x", status="wont_do")])
    assert err.value.field == "actions[0].status_reason"
    assert store.list_actions() == []
    # a due that is no real day is kept as written, with no date, and reported by check_actions
    (kept,) = store.add_actions(rid, [{"action": "x", "due": "2024-02-30"}])  # type: ignore[list-item]
    assert (kept.due, kept.due_text) == (None, "2024-02-30")


def test_action_lifecycle(store: ReviewStore) -> None:
    rid = _review(store)
    (action,) = store.add_actions(rid, [ActionItem(action="补齐压测", due=D(2024, 6, 1))])
    assert action.status == "open"
    moved = store.update_action(action.id, status="in_progress", owner="李")
    assert (moved.status, moved.owner, moved.due) == ("in_progress", "李", D(2024, 6, 1))
    with pytest.raises(InputError) as err:
        store.update_action(action.id, status="done")
    assert err.value.field == "evidence"
    assert store.list_actions()[0].status == "in_progress"  # unchanged after the refusal
    done = store.update_action(action.id, status="done", evidence="压测报告 #42")
    assert (done.status, done.evidence) == ("done", "压测报告 #42")
    with pytest.raises(InputError) as err:
        store.update_action(action.id, status="wont_do")
    assert err.value.field == "status_reason"
    dropped = store.update_action(action.id, status="wont_do", status_reason="需求取消")
    assert dropped.status_reason == "需求取消"
    rescheduled = store.update_action(action.id, status="open", due="2024-09-01")
    assert rescheduled.due == D(2024, 9, 1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"status": "finished"}, "status"), ({"due": "next week"}, "due"), ({"owner": "x" * 501}, "owner")],
)
def test_bad_action_updates(store: ReviewStore, kwargs: dict[str, str], field: str) -> None:
    rid = _review(store)
    (action,) = store.add_actions(rid, [ActionItem(action="x")])
    with pytest.raises(InputError) as err:
        store.update_action(action.id, **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_list_actions_filters_and_overdue(store: ReviewStore) -> None:
    a = _review(store, "A")
    b = _review(store, "B")
    store.add_actions(
        a,
        [
            ActionItem(action="late", owner="王", due=D(2024, 6, 1)),
            ActionItem(action="late but done", owner="王", due=D(2024, 6, 1), status="done", evidence="e"),
            ActionItem(action="future", owner="李", due=D(2024, 9, 1), status="in_progress"),
            ActionItem(action="no due", owner="李"),
        ],
    )
    store.add_actions(b, [ActionItem(action="b late", owner="王", due=D(2024, 5, 1))])

    def names(actions: list[StoredAction]) -> list[str]:
        return [x.action for x in actions]

    assert names(store.list_actions(owner="王")) == ["b late", "late", "late but done"]
    assert names(store.list_actions(status="in_progress")) == ["future"]
    assert names(store.list_actions(status=["open", "in_progress"], project="A")) == [
        "late",
        "future",
        "no due",
    ]
    assert names(store.list_actions(overdue_on="2024-07-01")) == ["b late", "late"]
    assert names(store.list_actions(overdue_on=D(2024, 7, 1), project="A")) == ["late"]
    assert names(store.list_actions(review_id=b)) == ["b late"]
    for kwargs, field in [({"status": "closed"}, "status"), ({"overdue_on": "07/01"}, "overdue_on")]:
        with pytest.raises(InputError) as err:
            store.list_actions(**kwargs)  # type: ignore[arg-type]
        assert err.value.field == field


def test_open_actions_surface_in_next_review_of_same_project(store: ReviewStore) -> None:
    first = _review(store, "ERP", "2024-03-01")
    other = _review(store, "CRM", "2024-03-01")
    store.add_actions(
        first,
        [
            ActionItem(action="盘点库存差异", due=D(2024, 4, 1), priority="P1"),
            ActionItem(action="培训仓管", due=D(2024, 8, 1), status="in_progress"),
            ActionItem(action="接口限流", due=D(2024, 3, 15), priority="P0"),
            ActionItem(action="已完成", status="done", evidence="验收单"),
            ActionItem(action="不做了", status="wont_do", status_reason="范围调整"),
        ],
    )
    store.add_actions(other, [ActionItem(action="别的项目")])
    second = _review(store, "ERP", "2024-06-01")
    store.add_actions(second, [ActionItem(action="新的行动")])
    carried = store.open_actions_for_project("ERP", "2024-06-01", exclude_review_id=second)
    assert [(a.action, a.overdue, a.days_overdue) for a in carried] == [
        ("接口限流", True, 78),
        ("盘点库存差异", True, 61),
        ("培训仓管", False, 0),
    ]
    assert all(a.review_id == first for a in carried)
    everything = store.open_actions_for_project("ERP", D(2024, 6, 1))
    assert "新的行动" in [a.action for a in everything]


# --- lessons and search -------------------------------------------------------------------


def test_index_lessons_replaces(store: ReviewStore) -> None:
    rid = _review(store)
    assert store.index_lessons(rid, [("lesson", "权限细粒度"), Lesson(kind="problem", text="延期两周")]) == 2
    assert store.index_lessons(rid, [("root_cause", "需求变更未评审")]) == 1
    assert [(x.kind, x.text) for x in store.get_review(rid).lessons] == [("root_cause", "需求变更未评审")]
    assert store.search_lessons("权限") == []
    assert len(store.search_lessons("评审")) == 1
    with pytest.raises(InputError) as err:
        store.index_lessons(rid, [("insight", "x")])
    assert err.value.field == "items[0].kind"
    with pytest.raises(InputError) as err:
        store.index_lessons(rid, [("lesson", "ok"), ("lesson", "   ")])
    assert err.value.field.startswith("items[1]")


def _seed_lessons(store: ReviewStore) -> dict[str, str]:
    saas = _review(store, "SaaS MVP", "2024-05-10", title="SaaS MVP 复盘")
    shop = _review(store, "商城", "2024-07-05", title="618 大促复盘")
    store.index_lessons(
        saas,
        [
            ("lesson", "权限细粒度要在需求阶段与客户确认"),
            ("root_cause", "权限模型只有管理员和成员两级,权限不足导致企业客户流失"),
            ("problem", "Permissions were too coarse for enterprise tenants"),
            ("success_factor", "每周与种子客户开一次反馈会"),
        ],
    )
    store.index_lessons(
        shop,
        [
            ("lesson", "大促前两周完成全链路压测,库存API必须限流"),
            ("problem", "The inventory API timed out at peak; data migration ran late"),
            ("lesson", "直播间权限由运营统一配置"),
        ],
    )
    return {"saas": saas, "shop": shop}


def test_two_character_chinese_query_finds_longer_word(search_store: ReviewStore) -> None:
    ids = _seed_lessons(search_store)
    hits = search_store.search_lessons("权限")
    assert {h.text for h in hits} == {
        "权限细粒度要在需求阶段与客户确认",
        "权限模型只有管理员和成员两级,权限不足导致企业客户流失",
        "直播间权限由运营统一配置",
    }
    top = hits[0]
    assert top.review_id == ids["saas"] and top.project == "SaaS MVP" and top.title == "SaaS MVP 复盘"
    assert "**权限**" in top.snippet
    assert all(h.matched_all for h in hits)
    assert search_store.search_lessons("权限细粒度")[0].text.startswith("权限细粒度")


def test_ranking_prefers_more_occurrences(search_store: ReviewStore) -> None:
    _seed_lessons(search_store)
    hits = search_store.search_lessons("权限")
    assert hits[0].kind == "root_cause"  # says 权限 twice
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_single_character_query(search_store: ReviewStore) -> None:
    _seed_lessons(search_store)
    assert {h.text[:3] for h in search_store.search_lessons("库")} == {"大促前"}
    assert len(search_store.search_lessons("度")) == 1  # last char of a run
    assert len(search_store.search_lessons("客")) == 3


def test_english_and_mixed_queries(search_store: ReviewStore) -> None:
    ids = _seed_lessons(search_store)
    (hit,) = search_store.search_lessons("permission")  # the same stem as Permissions
    assert hit.review_id == ids["saas"] and hit.kind == "problem"
    assert "**Permissions**" in hit.snippet
    (hit,) = search_store.search_lessons("DATA Migration")
    assert hit.review_id == ids["shop"]
    (hit,) = search_store.search_lessons("inventory 峰值")  # relaxed: 峰值 is absent
    assert not hit.matched_all
    (hit,) = search_store.search_lessons("库存 API")  # mixed, all terms in one item
    assert hit.matched_all and "**库存API**" in hit.snippet  # adjacent matches merge
    assert search_store.search_lessons("ＡＰＩ")  # full-width letters are normalized


def test_search_filters(search_store: ReviewStore) -> None:
    ids = _seed_lessons(search_store)
    assert {h.review_id for h in search_store.search_lessons("权限", project="商城")} == {ids["shop"]}
    assert [h.kind for h in search_store.search_lessons("权限", kinds=["root_cause"])] == ["root_cause"]
    assert len(search_store.search_lessons("权限", limit=1)) == 1
    assert search_store.search_lessons("权限", project="nobody") == []


def test_relaxed_search_for_long_chinese_question(search_store: ReviewStore) -> None:
    _seed_lessons(search_store)
    hits = search_store.search_lessons("客户权限设计得不够细")
    assert hits and not any(h.matched_all for h in hits)
    assert "权限" in hits[0].text


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"query": "  "}, "query"),
        ({"query": "!!!,。"}, "query"),
        ({"query": "x" * 501}, "query"),
        ({"query": "权限", "kinds": ["insight"]}, "kinds"),
        ({"query": "权限", "limit": 0}, "limit"),
    ],
)
def test_bad_search_input(store: ReviewStore, kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as err:
        store.search_lessons(**kwargs)  # type: ignore[arg-type]
    assert err.value.field == field


def test_tokenizer() -> None:
    assert index_terms("权限细粒度 SaaS-API v2") == "权限 限细 细粒 粒度 度 saa api v2"  # English words stemmed
    assert index_terms("权") == "权"
    terms = parse_query("权限 库 Permissions ui")
    assert [(t.tokens, t.prefix) for t in terms] == [
        (("权限",), False),
        (("库",), True),
        (("permiss",), True),
        (("ui",), False),
    ]
    assert make_snippet("A" * 50 + "权限" + "B" * 100, parse_query("权限")).startswith("…" + "A" * 20 + "**权限**")


# --- files, migrations, configuration -----------------------------------------------------


def test_file_store_reopen_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "fupan.db"
    with SQLiteStore(path) as first:
        rid = _review(first)
        first.index_lessons(rid, [("lesson", "权限细粒度")])
        assert first.schema_version() == len(sqlite_store.MIGRATIONS)
    for _ in range(2):
        with SQLiteStore(path) as again:
            assert again.schema_version() == len(sqlite_store.MIGRATIONS)
            assert [r.id for r in again.list_reviews()] == [rid]
            assert len(again.search_lessons("权限")) == 1
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.execute("INSERT INTO lesson_fts (lesson_fts) VALUES ('integrity-check')")
    conn.close()


def test_fts_index_is_built_for_a_database_written_without_it(tmp_path: Path) -> None:
    path = tmp_path / "fupan.db"
    with SQLiteStore(path, fts=False) as plain:
        rid = _review(plain)
        plain.index_lessons(rid, [("lesson", "权限细粒度")])
    with SQLiteStore(path) as indexed:
        assert indexed.fts
        assert [h.review_id for h in indexed.search_lessons("粒度")] == [rid]


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fupan.db"
    SQLiteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(sqlite_store.MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path)


def test_a_failing_migration_leaves_the_database_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "fupan.db"
    SQLiteStore(path).close()
    broken = ("CREATE TABLE extra (x INTEGER)", "THIS IS NOT SQL")
    monkeypatch.setattr(sqlite_store, "MIGRATIONS", (*sqlite_store.MIGRATIONS, broken))
    with pytest.raises(StoreError, match="syntax error"):
        SQLiteStore(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(sqlite_store.MIGRATIONS) - 1
    assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'extra'").fetchone() is None
    conn.close()


def test_unopenable_file_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match=r"dir\.db"):
        SQLiteStore(tmp_path / "dir.db")


def test_closed_store_refuses_work() -> None:
    store = SQLiteStore(":memory:")
    store.close()
    with pytest.raises(StoreError):
        store.list_reviews()


def test_default_db_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FUPAN_MCP_DB", str(tmp_path / "x.db"))
    assert default_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("FUPAN_MCP_DB")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "fupan-mcp" / "fupan.db"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert default_db_path() == Path.home() / ".local" / "share" / "fupan-mcp" / "fupan.db"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert default_db_path() == Path.home() / "Library" / "Application Support" / "fupan-mcp" / "fupan.db"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "roaming"))
    assert default_db_path() == tmp_path / "roaming" / "fupan-mcp" / "fupan.db"


def test_open_store_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("FUPAN_MCP_DB", str(tmp_path / "env.db"))
    store = open_store()
    try:
        _review(store)
    finally:
        store.close()
    assert (tmp_path / "env.db").exists()
    with pytest.raises(StoreError):  # no such server, role or database (or no psycopg)
        open_store("postgresql://localhost/fupan")


# --- PostgreSQL: schema, configuration, what PostgreSQL cannot store ----------------------


def _pg_connect(url: str) -> Any:
    psycopg = pytest.importorskip("psycopg")
    return psycopg.connect(url, autocommit=True)


def test_postgres_reopen_is_idempotent(pg_url: str) -> None:
    from fupan_mcp.store import postgres as pg_store

    first = open_store(pg_url)
    try:
        assert isinstance(first, pg_store.PostgresStore)
        rid = _review(first)
        first.index_lessons(rid, [("lesson", "权限细粒度")])
        assert first.schema_version() == len(pg_store.MIGRATIONS)
    finally:
        first.close()
    for _ in range(2):
        with pg_store.PostgresStore(pg_url) as again:
            assert again.schema_version() == len(pg_store.MIGRATIONS)
            assert [r.id for r in again.list_reviews()] == [rid]
            assert len(again.search_lessons("权限")) == 1
    with _pg_connect(pg_url) as conn:
        versions = conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
        assert versions == [(n,) for n in range(1, len(pg_store.MIGRATIONS) + 1)]
        indexes = {row[0] for row in conn.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'lessons'")}
        assert "lessons_fts" in indexes
        column = (
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s"
        )
        assert conn.execute(column, ("review_sections", "value")).fetchone() == ("jsonb",)
        assert conn.execute(column, ("lessons", "tsv")).fetchone() == ("tsvector",)


def test_postgres_url_in_env(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPAN_MCP_DB", pg_url)
    store = open_store()
    try:
        assert type(store).__name__ == "PostgresStore"
        _review(store)
        assert len(store.list_reviews()) == 1
    finally:
        store.close()


def test_postgres_newer_schema_is_refused(pg_url: str) -> None:
    from fupan_mcp.store import postgres as pg_store

    pg_store.PostgresStore(pg_url).close()
    with _pg_connect(pg_url) as conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (len(pg_store.MIGRATIONS) + 1,))
    with pytest.raises(StoreError, match="newer"):
        pg_store.PostgresStore(pg_url)


def test_postgres_failing_migration_leaves_the_database_untouched(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from fupan_mcp.store import postgres as pg_store

    pg_store.PostgresStore(pg_url).close()
    broken = ("CREATE TABLE extra (x INTEGER)", "THIS IS NOT SQL")
    monkeypatch.setattr(pg_store, "MIGRATIONS", (*pg_store.MIGRATIONS, broken))
    with pytest.raises(StoreError, match="syntax error"):
        pg_store.PostgresStore(pg_url)
    with _pg_connect(pg_url) as conn:
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone()[0] == len(pg_store.MIGRATIONS) - 1
        assert conn.execute("SELECT to_regclass('extra')").fetchone()[0] is None


def test_postgres_migration_applies_the_missing_ones(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from fupan_mcp.store import postgres as pg_store

    with pg_store.PostgresStore(pg_url) as old:
        rid = _review(old)
    added = ("ALTER TABLE reviews ADD COLUMN team TEXT",)
    monkeypatch.setattr(pg_store, "MIGRATIONS", (*pg_store.MIGRATIONS, added))
    known = len(pg_store.MIGRATIONS)
    with pg_store.PostgresStore(pg_url) as new:
        assert new.schema_version() == known
        assert new.get_review(rid).id == rid
    with _pg_connect(pg_url) as conn:
        assert [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY version")] == list(
            range(1, known + 1)
        )


def test_postgres_connection_errors_are_store_errors_without_password() -> None:
    pytest.importorskip("psycopg")
    from fupan_mcp.store.postgres import PostgresStore

    with pytest.raises(StoreError, match="cannot connect") as err:
        PostgresStore("postgresql://fupan:s3cret@127.0.0.1:1/fupan?connect_timeout=2")
    assert "s3cret" not in str(err.value) and "127.0.0.1:1/fupan" in str(err.value)
    with pytest.raises(StoreError, match="invalid"):
        PostgresStore("postgresql://[nonsense")


def test_postgres_closed_store_and_lost_connection(pg_url: str) -> None:
    from fupan_mcp.store.postgres import PostgresStore

    store = PostgresStore(pg_url)
    rid = _review(store)
    with _pg_connect(pg_url) as admin:  # the server drops the idle connection (restart, proxy...)
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'fupan-mcp' AND pid <> pg_backend_pid()"
        )
    assert store.get_review(rid).id == rid  # reconnected transparently
    store.close()
    with pytest.raises(StoreError):
        store.list_reviews()


def test_postgres_refuses_nul_text_naming_the_field(pg_url: str) -> None:
    from fupan_mcp.store.postgres import PostgresStore

    with PostgresStore(pg_url) as store:
        with pytest.raises(InputError) as err:
            store.create_review("P\x00", "T", None, "2024-01-01")
        assert err.value.field == "project"
        rid = _review(store)
        with pytest.raises(InputError) as err:
            store.update_sections(rid, {"a": {"k": "x\x00y"}})
        assert err.value.field == "sections.a"
        store.update_sections(rid, {"a": {"k": "\\u0000"}})  # a backslash then u0000 is fine
        assert store.get_review(rid).sections == {"a": {"k": "\\u0000"}}
        with pytest.raises(InputError) as err:
            store.add_actions(rid, [ActionItem(action="ok"), ActionItem(action="a", evidence="\x00")])
        assert err.value.field == "actions[1].evidence"
        (action,) = store.add_actions(rid, [ActionItem(action="x")])
        with pytest.raises(InputError) as err:
            store.update_action(action.id, owner="\x00")
        assert err.value.field == "owner"
        with pytest.raises(InputError) as err:
            store.index_lessons(rid, [("lesson", "权限\x00")])
        assert err.value.field == "items[0].text"
        # filters with NUL match nothing, ids with NUL are unknown
        assert store.list_reviews(project="P\x00") == []
        assert store.list_actions(owner="\x00") == []
        assert store.search_lessons("权限", project="\x00") == []
        with pytest.raises(NotFound):
            store.get_review("R-\x00")
        with pytest.raises(NotFound):
            store.update_action("A-\x00", status="in_progress")
        with pytest.raises(InputError) as err:  # not UTF-8 either, as with SQLite
            store.update_sections(rid, {"a": "\ud800"})
        assert err.value.field == "input"


def test_postgres_search_expressions() -> None:
    pytest.importorskip("psycopg")
    from fupan_mcp.store.postgres import tsquery_expression, tsvector_literal

    assert tsvector_literal(index_terms("权限细粒度 v2")) == "'权限':1 '限细':2 '细粒':3 '粒度':4 '度':5 'v2':6"
    assert tsvector_literal("a " + "x" * 3000 + " b") == "'a':1 'b':3"  # too long for a lexeme
    assert tsquery_expression(parse_query("权限细 库 permission ui")) == (
        "('权限' <-> '限细') & ('库':*) & ('permiss':*) & ('ui')"
    )
    assert tsquery_expression(parse_query("权限 api"), any_term=True) == "('权限') | ('api':*)"
