"""Saves are single transactions: a whole review or nothing, retries that never duplicate, and
read-modify-writes that see each other. Every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp import workspace
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.review import Review
from fupan_mcp.domain.stored import ReviewRecord
from fupan_mcp.errors import InputError
from fupan_mcp.samples import load_sample
from fupan_mcp.store import ReviewStore, SQLiteStore, open_store
from fupan_mcp.store import sqlite as sqlite_store
from fupan_mcp.store.base import ActionChange, ReviewChanges
from store_backends import BACKENDS, postgres_schema_url

TODAY = dt.date(2024, 7, 10)


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLite file (threads get their own connections, as in the server) or a PostgreSQL schema."""
    if request.param == "sqlite":
        yield str(tmp_path / "atomic.db")
        return
    with postgres_schema_url(request.config) as url:
        yield url


@pytest.fixture
def store(location: str) -> Iterator[ReviewStore]:
    opened = open_store(location)
    try:
        yield opened
    finally:
        opened.close()


def _sample(name: str = "b2b_mvp") -> Review:
    return Review.model_validate(load_sample(name))


def _backend_module(store: ReviewStore) -> Any:
    if isinstance(store, SQLiteStore):
        return sqlite_store
    from fupan_mcp.store import postgres

    return postgres


def _counts(store: ReviewStore) -> tuple[int, int, int]:
    reviews = store.list_reviews(limit=1000)
    lessons = sum(len(store.get_review(r.id).lessons) for r in reviews)
    return len(reviews), len(store.list_actions(limit=1000)), lessons


# --- create_review: all or nothing, idempotent ------------------------------------------------


def test_a_create_that_fails_half_way_leaves_nothing(store: ReviewStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between the actions and the search entries (here: an error raised right there)
    rolls the whole review back: no review with sections but no actions or lessons."""
    review = _sample()
    module = _backend_module(store)

    def broken(*args: object) -> None:
        raise RuntimeError("power cut while writing the search entries")

    monkeypatch.setattr(module, "_replace_lessons", broken)
    with pytest.raises(RuntimeError):
        workspace.create_review(store, review, TODAY)
    assert _counts(store) == (0, 0, 0)
    monkeypatch.undo()
    created = workspace.create_review(store, review, TODAY)
    stored = created.review
    assert len(stored.actions) == len(review.actions) > 0
    assert len(stored.lessons) > 0 and stored.lessons == store.get_review(stored.id).lessons
    assert _counts(store) == (1, len(review.actions), len(stored.lessons))


def test_same_document_twice_without_a_key_is_refused_clearly_and_stores_nothing(store: ReviewStore) -> None:
    review = _sample()
    first = workspace.create_review(store, review, TODAY).review
    before = _counts(store)
    with pytest.raises(InputError) as error:
        workspace.create_review(store, review, TODAY)
    assert error.value.field == "actions[0].id"
    assert first.id in error.value.reason and "idempotency_key" in error.value.reason
    assert "Nothing was saved" in error.value.reason
    assert _counts(store) == before  # no half review left behind


def test_an_idempotency_key_makes_a_retry_return_the_stored_review(store: ReviewStore) -> None:
    review = _sample()
    first = workspace.create_review(store, review, TODAY, idempotency_key="doc-618-v1")
    assert not first.replayed
    counts = _counts(store)
    for _ in range(3):
        again = workspace.create_review(store, review, TODAY, idempotency_key="doc-618-v1")
        assert again.replayed and again.review.id == first.review.id
        assert again.review.actions == first.review.actions
    assert _counts(store) == counts
    other = _sample("erp_wms")
    with pytest.raises(InputError) as error:  # the same key for another document is a mistake
        workspace.create_review(store, other, TODAY, idempotency_key="doc-618-v1")
    assert error.value.field == "idempotency_key" and first.review.id in error.value.reason
    assert _counts(store) == counts
    created = workspace.create_review(store, other, TODAY, idempotency_key="doc-erp-v1")
    assert not created.replayed and created.review.id != first.review.id
    store.delete_review(created.review.id)  # a key lives as long as its review
    recreated = workspace.create_review(store, other, TODAY, idempotency_key="doc-erp-v1")
    assert not recreated.replayed and recreated.review.id != created.review.id


def test_idempotency_key_is_checked(store: ReviewStore) -> None:
    for bad in ("", "   ", "k" * 201):
        with pytest.raises(InputError) as error:
            store.create_review_document("P", "T", None, "2024-01-01", idempotency_key=bad)
        assert error.value.field == "idempotency_key"
    assert store.list_reviews() == []


def test_concurrent_retries_with_one_key_make_one_review(store: ReviewStore) -> None:
    review = _sample("midyear_campaign")
    ids: list[str] = []
    errors: list[BaseException] = []

    def retry() -> None:
        try:
            ids.append(workspace.create_review(store, review, TODAY, idempotency_key="mc-retry").review.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(ids) == 6 and len(set(ids)) == 1
    assert len(store.list_reviews()) == 1


# --- modify_review: one transaction, a fresh read -----------------------------------------------


def test_modify_review_reads_under_the_lock_and_writes_everything_at_once(store: ReviewStore) -> None:
    rid = store.create_review("P", "T", None, "2024-01-01").id
    (kept,) = store.add_actions(rid, [ActionItem(action="补齐压测脚本", owner="王")])
    seen: list[ReviewRecord] = []

    def change(record: ReviewRecord) -> ReviewChanges:
        seen.append(record)
        return ReviewChanges(
            sections={"a": 1},
            new_actions=[ActionItem(action="上线前演练")],
            action_updates={kept.id: ActionChange(status="in_progress", owner="李")},
            lessons=[("lesson", "权限细粒度要在设计阶段定下来")],
        )

    record = store.modify_review(rid, change)
    assert seen[0].id == rid and seen[0].actions[0].id == kept.id
    assert record.sections == {"a": 1}
    assert [(a.action, a.status, a.owner) for a in record.actions] == [
        ("补齐压测脚本", "in_progress", "李"),
        ("上线前演练", "open", None),
    ]
    assert [hit.review_id for hit in store.search_lessons("权限")] == [rid]
    assert store.get_review(rid) == record


def test_a_failing_change_writes_nothing(store: ReviewStore) -> None:
    rid = store.create_review("P", "T", None, "2024-01-01", sections={"a": 1}).id
    store.index_lessons(rid, [("lesson", "旧的经验")])
    before = store.get_review(rid)

    def refuse(record: ReviewRecord) -> ReviewChanges:
        raise InputError("sections.swot", "not valid")

    with pytest.raises(InputError):
        store.modify_review(rid, refuse)

    def foreign(record: ReviewRecord) -> ReviewChanges:  # fails after the sections were written
        return ReviewChanges(sections={"a": 2}, action_updates={"A-elsewhere": ActionChange(owner="x")})

    with pytest.raises(InputError) as error:
        store.modify_review(rid, foreign)
    assert error.value.field == "actions" and "A-elsewhere" in error.value.reason
    assert store.get_review(rid) == before
    with pytest.raises(InputError) as error:
        store.modify_review("R-missing", refuse)
    assert error.value.field == "review_id"


def test_concurrent_edits_of_different_sections_all_survive(store: ReviewStore) -> None:
    """Three threads each edit their own section of one review, and a fourth adds 5 Whys chains
    (a read-modify-write of one section); every edit is kept and the index follows the text."""
    rid = workspace.create_review(store, Review(project="并发", title="并发复盘"), TODAY).review.id
    rounds = 8
    owners = {"lessons": "lesson", "problems": "problem", "success_factors": "success_factor"}
    errors: list[BaseException] = []

    def edit(section: str) -> None:
        try:
            for i in range(rounds):
                workspace.update_review(store, rid, {section: [f"{section} round{i:02d}"]})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def chains() -> None:
        try:
            for i in range(rounds):
                chain = {"problem": f"问题 {i}", "whys": ["a", "b"], "root_cause": f"根因 chain{i:02d}"}
                _append_chain(store, rid, chain)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=edit, args=(s,)) for s in owners] + [threading.Thread(target=chains)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    record = store.get_review(rid)
    last = f"round{rounds - 1:02d}"
    for section in owners:
        assert record.sections[section] == [f"{section} {last}"]
    stored_chains: Any = record.sections["five_whys"]
    assert [chain["problem"] for chain in stored_chains] == [f"问题 {i}" for i in range(rounds)]
    expected = sorted(
        [(kind, f"{section} {last}") for section, kind in owners.items()]
        + [("root_cause", f"根因 chain{i:02d}") for i in range(rounds)]
    )
    assert sorted((lesson.kind, lesson.text) for lesson in record.lessons) == expected
    assert [hit.text for hit in store.search_lessons(last)] != []
    assert store.search_lessons("round00") == []  # no stale entry of an overwritten section


def _append_chain(store: ReviewStore, rid: str, chain: dict[str, Any]) -> None:
    """What the five_whys tool does with a review_id: upsert the chain inside the transaction."""
    from fupan_mcp.analysis.five_whys import five_whys

    result = five_whys(chain["problem"], chain["whys"], chain["root_cause"], None, "zh", None)
    workspace.save_tool_run(store, rid, "five_whys", chain, "five_whys", result)


# --- schema: a version-1 database gains the idempotency keys -------------------------------------


def test_a_version_1_sqlite_database_is_upgraded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "v1.db"
    with monkeypatch.context() as patch:
        patch.setattr(sqlite_store, "MIGRATIONS", sqlite_store.MIGRATIONS[:1])
        SQLiteStore(path).close()
    rid = "R-0000000001"  # written as a version-1 fupan-mcp wrote it (today's code reads newer columns)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO reviews VALUES (?, 'P', 'T', NULL, '2024-01-01', 'zh', ?, ?)",
        (rid, "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"),
    )
    conn.commit()
    conn.close()
    with SQLiteStore(path) as new:
        assert new.schema_version() == len(sqlite_store.MIGRATIONS)
        assert new.get_review(rid).id == rid
        created = new.create_review_document("P", "T2", None, "2024-01-02", idempotency_key="k1")
        assert new.create_review_document("P", "T2", None, "2024-01-02", idempotency_key="k1").record == created.record
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT key, review_id FROM review_keys").fetchall() == [("k1", created.record.id)]
    conn.close()


# --- through the create_review tool --------------------------------------------------------------


@pytest.mark.anyio
async def test_create_review_tool_retries_with_a_key_and_refuses_a_duplicate(tmp_path: Path) -> None:
    from mcp import Client
    from mcp.types import TextContent

    from fupan_mcp.app import Settings, create_server

    sample = load_sample("b2b_mvp")
    server = create_server(Settings(db=str(tmp_path / "tool.db"), output_dir=tmp_path / "out"))
    async with Client(server) as client:
        arguments = {"project": sample["project"], "review": sample, "idempotency_key": "b2b-mvp-2024"}
        first = await client.call_tool("create_review", arguments)
        again = await client.call_tool("create_review", arguments)
        assert not first.is_error and not again.is_error
        assert first.structured_content is not None and again.structured_content is not None
        assert first.structured_content["replayed"] is False and again.structured_content["replayed"] is True
        review_id = first.structured_content["review"]["id"]
        assert again.structured_content["review"]["id"] == review_id
        duplicate = await client.call_tool("create_review", {"project": sample["project"], "review": sample})
        assert duplicate.is_error
        text = "\n".join(block.text for block in duplicate.content if isinstance(block, TextContent))
        assert "actions[0].id" in text and review_id in text and "Nothing was saved" in text
        listed = await client.call_tool("list_reviews", {})
        assert listed.structured_content is not None and len(listed.structured_content["reviews"]) == 1
