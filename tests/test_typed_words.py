"""Nothing the user typed is lost: a priority, status, likelihood or impact word that reads as none of
its values is kept as typed (``*_text``) beside the empty / default value, through the model, the store
(SQLite, and PostgreSQL when configured), get_review, the report's action table, the tracker CSV and the
workspace JSONL round trip; a schema-9 store upgrades with every record kept."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import pytest

from fupan_mcp.analysis.actions import unread_word_findings
from fupan_mcp.domain.actions import ActionItem, Risk
from fupan_mcp.report.render import render_report
from fupan_mcp.report.tracker_csv import tracker_csv
from fupan_mcp.store import ReviewStore, SQLiteStore
from fupan_mcp.store import sqlite as sqlite_store
from fupan_mcp.store.transfer import TransferStore, export_workspace, import_workspace
from store_backends import BACKENDS, open_backend

# Words as people type them in a 复盘 action list (the category: a priority / status cell that is a
# question, a range or a plain-language word, never a stored value).
TYPED = [
    {"action": "补齐压测脚本", "owner": "王伟", "priority": "ASAP-ish", "status": "跟进中?"},
    {"action": "Add a 5xx alert", "owner": "Li", "priority": "p0/p1", "status": "blocked-ish"},
    {"action": "写告警手册", "owner": "李娜", "priority": "P2", "status": "进行中"},  # read: nothing kept
]


def test_the_typed_word_is_kept_beside_the_value() -> None:
    first, second, third = (ActionItem.model_validate(item) for item in TYPED)
    assert (first.priority, first.priority_text, first.status, first.status_text) == (
        None,
        "ASAP-ish",
        "open",
        "跟进中?",
    )
    assert first.unread_words == {"priority": "ASAP-ish", "status": "跟进中?"}
    assert second.unread_words == {"priority": "p0/p1", "status": "blocked-ish"}
    assert (third.priority, third.status, third.priority_text, third.status_text, third.unread_words) == (
        "P2",
        "in_progress",
        None,
        None,
        {},
    )
    again = ActionItem.model_validate(first.model_dump(mode="json"))  # a stored copy reads the same
    assert again == first and again.unread_words == first.unread_words
    codes = [f.code for f in unread_word_findings(again, "actions[0]", "zh")]
    assert codes == ["priority_unread", "status_unread"]
    blank = ActionItem.model_validate({"action": "x", "priority": "  ", "status": ""})
    assert (blank.priority, blank.status, blank.priority_text, blank.status_text) == (None, "open", None, None)
    moved = first.model_copy(update={"status": "done"})  # a status set later: the old word is not its status
    assert moved.unread_words == {"priority": "ASAP-ish"}


def test_risk_levels_use_the_same_pattern() -> None:
    risk = Risk.model_validate({"risk": "大促期间支付超时", "likelihood": 3, "impact": "3×4", "owner": "王伟"})
    assert (risk.likelihood, risk.impact, risk.likelihood_text, risk.impact_text) == (None, None, "3", "3×4")
    assert risk.unread_levels == {"likelihood": "3", "impact": "3×4"}
    assert Risk.model_validate(risk.model_dump(mode="json")) == risk
    read = Risk.model_validate({"risk": "x", "likelihood": "高", "impact": "  "})
    assert (read.likelihood, read.impact, read.unread_levels) == ("high", None, {})


def test_validation_is_thread_safe() -> None:
    """No word of one item can reach another validated at the same time on another thread."""

    def one(index: int) -> dict[str, str]:
        item = {"action": f"a{index}", "priority": f"word-{index}"} if index % 2 else {"action": f"a{index}"}
        return ActionItem.model_validate(item).unread_words

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(400)))
    assert results == [({"priority": f"word-{i}"} if i % 2 else {}) for i in range(400)]


@pytest.fixture(params=BACKENDS)
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[ReviewStore, ReviewStore]]:
    with open_backend(request.param, request.config) as a, open_backend(request.param, request.config) as b:
        yield a, b


def _dump(store: ReviewStore) -> str:
    out = io.StringIO()
    export_workspace(cast(TransferStore, store), out)
    return out.getvalue()


def _save(store: ReviewStore) -> str:
    return store.create_review_document(
        "商城 2024",
        "618 大促复盘",
        "ecommerce",
        "2024-07-05",
        "zh",
        {"risks": [{"risk": "支付超时", "likelihood": "Likely", "impact": "3×4"}]},
        actions=[ActionItem.model_validate(item) for item in TYPED],
    ).record.id


def test_the_store_report_csv_and_workspace_keep_the_word(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    review_id = _save(source)
    stored = source.get_review(review_id)
    words = [(a.priority_text, a.status_text, a.priority, a.status) for a in stored.actions]
    assert words == [
        ("ASAP-ish", "跟进中?", None, "open"),
        ("p0/p1", "blocked-ish", None, "open"),
        (None, None, "P2", "in_progress"),
    ]
    assert stored.actions[0].unread_words == {"priority": "ASAP-ish", "status": "跟进中?"}
    text = _dump(source)
    rows = [json.loads(line)["row"] for line in text.splitlines() if json.loads(line)["kind"] == "action"]
    assert [(r["priority_text"], r["status_text"]) for r in rows] == [
        ("ASAP-ish", "跟进中?"),
        ("p0/p1", "blocked-ish"),
        (None, None),
    ]
    import_workspace(text.splitlines(), cast(TransferStore, target))
    assert _dump(target) == text  # exactly the same after export -> import
    assert target.get_review(review_id) == stored
    listed = target.list_actions()
    zh = tracker_csv(listed, "jira", "zh")
    assert "原写的优先级待确认：ASAP-ish" in zh and "原写的状态待确认：跟进中?" in zh
    en = tracker_csv(listed, "github", "en")
    assert "Priority as written, to confirm: p0/p1" in en and "Status as written, to confirm: blocked-ish" in en
    assert "to confirm: P2" not in en


def test_the_report_action_table_shows_the_word() -> None:
    review = {"project": "商城", "title": "618 复盘", "review_date": "2024-07-05", "actions": TYPED}
    zh = render_report(review, language="zh").content
    assert "待确认：ASAP-ish" in zh and "（待确认：跟进中?）" in zh
    en = render_report(review, language="en").content
    assert "to confirm: p0/p1" in en and "(to confirm: blocked-ish)" in en


def test_a_schema_9_store_upgrades_with_every_record(tmp_path: Path) -> None:
    """A store file as schema 9 left it (written today, then the two columns of migration 10 and the
    tables of the later ones dropped and the version set back: the tables of schema 9 exactly) opens with
    every record kept."""
    path = tmp_path / "old.db"
    with SQLiteStore(path) as old:
        review_id = old.create_review_document(
            "商城", "618 复盘", None, "2024-07-05", "zh", actions=[ActionItem(action="补齐压测", priority="P1")]
        ).record.id
        old.create_review("商城", "双十一复盘", None, "2024-11-20", "en")
        before = [json.loads(line) for line in _dump(old).splitlines()[1:]]
        review_before = old.get_review(review_id)
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE actions DROP COLUMN priority_text")
    conn.execute("ALTER TABLE actions DROP COLUMN status_text")
    for table in ("insight_pairs", "insight_grams", "insight_texts"):  # migration 11's
        conn.execute(f"DROP TABLE {table}")
    conn.execute("DROP INDEX insight_counts_by_cell")
    conn.execute(f"PRAGMA user_version = {sqlite_store.MIGRATIONS.index(sqlite_store._TYPED_WORDS)}")
    conn.commit()
    conn.close()
    with SQLiteStore(path) as new:
        assert new.schema_version() == len(sqlite_store.MIGRATIONS)
        after = [json.loads(line) for line in _dump(new).splitlines()[1:]]
        assert after == before  # every record kept
        assert new.get_review(review_id) == review_before
