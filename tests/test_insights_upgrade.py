"""Migrations 8, 9 and 11 (what review_insights keeps of each review: ``insight_counts``, and on SQLite the
group sizes ``insight_groups``; the attainment rates ``insight_metrics``; the alike texts ``insight_pairs``)
upgrade a store written at schema 7, 8 or 10 without losing anything.

The older store is written by today's code held at schema 7, 8 or 10: its first migrations only, and its
write paths keeping only what that schema kept (at 7 the carried-over keys, ``_keep_carried``; no
attainment rates before 9, no alike texts before 11), as the code of that schema did; the writes are
creates, status changes (done, with their close dates), added actions, replaced lessons, edited
attainment sections and a deletion. Opened with every migration, the store must hold the same records
(the export, line for line), the attainment rates migration 9 kept must be what was read out of the
sections' JSON before it, the alike pairs migration 11 kept must be those of the texts compared two by
two, and review_insights over the whole store (read from what migrations 8, 9 and 11 made) must equal
what is computed from the rows themselves (a filter keeping every review; the pairs compared in the
analysis), and what a store made afresh from the export gives. The results of the schema-7 and schema-8
code itself on the 10,000-review bench store were compared the same way when migrations 8 and 9 were
written (benchmarks/README.md), those of schema 10 when migration 11 was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import random
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from fupan_mcp.analysis.insights import RECURRING_THRESHOLD, compute_insights, default_as_of, issue_similarity
from fupan_mcp.analysis.text import normalize_text
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.insights import InsightRows, InsightsResult
from fupan_mcp.store import ReviewStore, SQLiteStore
from fupan_mcp.store import records as store_records
from fupan_mcp.store import sqlite as sqlite_store
from fupan_mcp.store.records import ATTAINMENT_SECTION
from fupan_mcp.store.transfer import TransferStore, export_workspace, import_workspace
from store_backends import BACKENDS, open_backend, postgres_schema_url

SCHEMA_7 = 7
SCHEMA_8 = 8
SCHEMA_10 = 10
WORDS = ["支付", "网关", "超时", "配置", "容量", "评估", "告警", "回滚", "canary", "deploy", "rollback", "alert"]


def _text(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
    return rng.choice(("", " ", "，")).join(words) + rng.choice(("", "。", " "))


def _fill(store: ReviewStore, rng: random.Random, reviews: int) -> None:
    """Reviews with actions (open, in progress, done, won't do; some past due), lessons and metrics, then
    edits: statuses set to done (a close date), actions added, lessons replaced, one review deleted."""
    ids = []
    for i in range(reviews):
        day = dt.date(2024, 11, 1) + dt.timedelta(days=rng.randrange(120))
        actions = []
        for _ in range(rng.randint(0, 5)):
            status = rng.choice(("open", "in_progress", "done", "wont_do"))
            actions.append(
                ActionItem(
                    action=_text(rng),
                    owner=rng.choice(("o1", "o2", "o3", "王芳")),
                    due=day + dt.timedelta(days=rng.randrange(-10, 60)),
                    status=status,  # type: ignore[arg-type]
                    evidence="shipped" if status == "done" else None,
                    status_reason="superseded" if status == "wont_do" else None,
                )
            )
        metrics: dict[str, Any] = {
            "metrics": [{"name": rng.choice(("GMV", "支付成功率")), "attainment_rate": rng.uniform(0.5, 1.3)}]
        }
        if i % 6 == 0:  # what a stored section may hold besides: no rate, a text rate, no name, not an object
            metrics["metrics"] += [{"name": "NPS"}, {"name": "留存", "attainment_rate": "0.9"}, {"rate": 1}, "x"]
        created = store.create_review_document(
            f"项目{i % 3}",
            f"r{i}",
            rng.choice(("incident", "retro")),
            day,
            sections={"results.compute_attainment": metrics},
            actions=actions,
            lessons=[(rng.choice(("problem", "root_cause", "lesson")), _text(rng)) for _ in range(3)],
        )
        ids.append(created.record.id)
    for review_id in ids[:10]:
        record = store.get_review(review_id)
        for action in record.actions[:2]:
            if action.status in ("open", "in_progress"):
                store.update_action(action.id, status="done", evidence="merged")
        store.add_actions(review_id, [ActionItem(action=_text(rng), owner="o2", due=dt.date(2025, 1, 15))])
        store.index_lessons(review_id, [("root_cause", _text(rng)), ("lesson", _text(rng))])
    for review_id in ids[:4]:  # the attainment section edited
        store.update_sections(review_id, {ATTAINMENT_SECTION: {"metrics": [{"name": "GMV", "attainment_rate": 0.7}]}})
    store.delete_review(ids[-1])


def _insights(store: ReviewStore, **filters: Any) -> InsightsResult:
    """The result from what the store read, equal to the one with the alike pairs compared in the analysis."""
    rows = store.insight_rows(**filters)
    result = compute_insights(rows, default_as_of(rows, None))
    compared = compute_insights(rows.model_copy(update={"pairs": None}), default_as_of(rows, None))
    assert result.model_dump() == compared.model_dump()
    return result


def _records(store: ReviewStore) -> list[str]:
    """The export's lines but its header (which names the schema version)."""
    out = io.StringIO()
    export_workspace(cast(TransferStore, store), out)
    lines = out.getvalue().splitlines()
    assert "schema" in json.loads(lines[0])
    return lines[1:]


@contextlib.contextmanager
def _at_schema(backend: str, version: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This backend's code as it was at schema 7, 8 or 10: its first migrations, its writes keeping what that
    schema kept (at 7 the carried-over keys only; below 9 not the attainment rates, which SQLite keeps by
    triggers that came with migration 9; below 11 not the alike texts)."""
    module: Any = sqlite_store
    if backend == "postgres":
        from fupan_mcp.store import postgres as module
    with monkeypatch.context() as patch:
        patch.setattr(module, "MIGRATIONS", module.MIGRATIONS[:version])
        patch.setattr(
            module, "_keep_texts", lambda conn, added, removed=(): None
        )  # the alike pairs came with migration 11
        if version == SCHEMA_7:
            patch.setattr(module, "_keep_insights", module._keep_carried)
        if backend == "postgres" and version < SCHEMA_10:  # schema 9 kept them
            patch.setattr(module, "_keep_metrics", lambda conn, review_ids: None)
        if version < SCHEMA_10:
            _without_typed_words(patch, module)
        yield


_TYPED_WORDS = ("priority_text", "status_text")


def _without_typed_words(patch: pytest.MonkeyPatch, module: Any) -> None:
    """Writes and reads without the action columns of migration 10 (the typed priority / status)."""
    columns = tuple(c for c in store_records.ACTION_VALUE_COLUMNS if c not in _TYPED_WORDS)
    mark = "?" if module is sqlite_store else "%s"
    values = store_records.action_values
    patch.setattr(store_records, "ACTION_VALUE_COLUMNS", columns)
    patch.setattr(store_records, "action_values", lambda item, **kw: values(item, **kw)[: len(columns)])
    patch.setattr(module, "_ACTION_COLUMNS", module._ACTION_COLUMNS.replace(" a.priority_text, a.status_text,", ""))
    patch.setattr(module, "_ACTION_SET", ", ".join(f"{column} = {mark}" for column in columns))
    insert = module._INSERT_ACTION.replace(", priority_text, status_text", "").replace(f", {mark}, {mark})", ")", 1)
    patch.setattr(module, "_INSERT_ACTION", insert)


def _typed_words_dropped(lines: list[str], version: int) -> list[Any]:
    """The records with the two empty columns migration 10 adds to each action left out (below schema 10)."""
    out = []
    for line in lines:
        record = json.loads(line)
        row = record.get("row")
        if version < SCHEMA_10 and record.get("kind") == "action" and isinstance(row, dict):
            assert all(row.pop(name, None) is None for name in _TYPED_WORDS)
        out.append(record)
    return out


def _metrics_from_sections(store: ReviewStore, backend: str) -> list[tuple[str, str, float | None]]:
    """What review_insights read out of the attainment sections' JSON before schema 9 (each backend's own
    reading: a metric is an object of the list with a text name, SQLite keeps its rate as a JSON number or
    true, PostgreSQL as a number), computed here from the records."""
    found = []
    for summary in store.list_reviews(limit=100):
        section = store.get_review(summary.id).sections.get(ATTAINMENT_SECTION)
        items = section.get("metrics") if isinstance(section, dict) else None
        for item in items if isinstance(items, list) else []:
            name, rate = (item.get("name"), item.get("attainment_rate")) if isinstance(item, dict) else (None, None)
            if isinstance(name, str):
                number = isinstance(rate, (int, float)) and (backend == "sqlite" or not isinstance(rate, bool))
                found.append((summary.id, name, float(rate) if number else None))
    return sorted(found, key=repr)


@pytest.fixture(params=BACKENDS)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Callable[[], ReviewStore]]]:
    """The backend's name and how to open its one (file or schema) store, again and again."""
    if request.param == "sqlite":
        path = tmp_path / "v7.db"
        yield "sqlite", lambda: SQLiteStore(path)
        return
    from fupan_mcp.store.postgres import PostgresStore

    with postgres_schema_url(request.config) as url:
        yield "postgres", lambda: PostgresStore(url)


@pytest.mark.parametrize("version", [SCHEMA_7, SCHEMA_8, SCHEMA_10])
def test_an_older_store_upgrades_with_nothing_lost(
    opener: tuple[str, Callable[[], ReviewStore]],
    version: int,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    backend, open_store = opener
    with _at_schema(backend, version, monkeypatch), open_store() as old:
        assert old.schema_version() == version
        _fill(old, random.Random(8), 36)
        before = _records(old)
        reviews_before = [old.get_review(s.id).model_dump() for s in old.list_reviews(limit=100)]
        metrics_before = _metrics_from_sections(old, backend)
    with open_store() as new:
        assert new.schema_version() == _migrations(backend) > version
        kept_metrics = sorted(((m.review_id, m.name, m.attainment_rate) for m in new.insight_rows().metrics), key=repr)
        assert len(kept_metrics) > 30 and kept_metrics == metrics_before  # the rates kept by migration 9
        assert _typed_words_dropped(_records(new), version) == [
            json.loads(line) for line in before
        ]  # every record kept
        assert [new.get_review(s.id).model_dump() for s in new.list_reviews(limit=100)] == reviews_before
        rows = new.insight_rows()
        assert rows.pairs and _pairs(rows.pairs) == _text_pairs(rows)  # the alike pairs kept by migration 11
        kept = _insights(new)
        assert any(len(group.texts) > 1 for group in kept.recurring)  # groups joined through kept pairs
        assert kept.follow_through.total > 0 and kept.follow_through.overdue > 0 and kept.follow_through.done > 0
        assert kept.follow_through.closed_with_date > 0 and kept.carried_over_count > 0 and kept.trends
        assert kept.model_dump() == _insights(new, date_from="1900-01-01").model_dump()  # read = computed
        for project in ("项目0", "项目1"):
            assert (
                _insights(new, project=project).model_dump()
                == _insights(new, project=project, date_from="1900-01-01").model_dump()
            )
        with open_backend(backend, request.config) as fresh:  # the same records written at today's schema
            import_workspace(_export(new), cast(TransferStore, fresh))
            assert _insights(fresh).model_dump() == kept.model_dump()
            assert _typed_words_dropped(_records(fresh), version) == [json.loads(line) for line in before]


def _pairs(pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(min(a, b), max(a, b)) for a, b in pairs}


def _text_pairs(rows: InsightRows) -> set[tuple[str, str]]:
    """The alike pairs of the rows' texts, compared here: different normal forms, gram Jaccard at the threshold."""
    texts = sorted({t.text for t in rows.texts if normalize_text(t.text)})
    found = set()
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            if normalize_text(a) != normalize_text(b) and issue_similarity(a, b) >= RECURRING_THRESHOLD:
                found.add((a, b))
    return found


def _export(store: ReviewStore) -> list[str]:
    out = io.StringIO()
    export_workspace(cast(TransferStore, store), out)
    return out.getvalue().splitlines(keepends=True)


def _migrations(backend: str) -> int:
    if backend == "sqlite":
        return len(sqlite_store.MIGRATIONS)
    from fupan_mcp.store import postgres

    return len(postgres.MIGRATIONS)


def test_migration_12_pairs_texts_as_they_are_compared_now(tmp_path: Path) -> None:
    """A schema-11 store kept the pairs of the texts as they were compared then (bigrams as written):
    migration 12 keeps them again as `text_grams` reads them now, so one root cause worded two ways
    ('数据库连接池耗尽', '连接池被耗尽导致数据库超时': 0.36 then, 0.6 now) recurs."""
    path = tmp_path / "schema11.db"
    with SQLiteStore(path) as store:
        for day, cause in (("2024-11-01", "数据库连接池耗尽"), ("2024-12-01", "连接池被耗尽导致数据库超时")):
            store.create_review_document("支付", f"{day} 复盘", None, day, "zh", lessons=[("root_cause", cause)])
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM insight_pairs")  # what schema 11 kept for these two: no pair
    conn.execute(f"PRAGMA user_version = {len(sqlite_store.MIGRATIONS) - 1}")
    conn.commit()
    conn.close()
    with SQLiteStore(path) as store:
        assert store.schema_version() == len(sqlite_store.MIGRATIONS)
        rows = store.insight_rows(None, None, None, None, None)
        groups = compute_insights(rows, default_as_of(rows, None)).recurring
        assert [sorted(g.texts) for g in groups] == [["数据库连接池耗尽", "连接池被耗尽导致数据库超时"]]
