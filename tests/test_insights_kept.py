"""What review_insights keeps at write time (insight_actions; insight_metrics and the alike texts'
insight_pairs, see the last tests) gives the groups the analysis computes from the rows themselves (the
alike pairs compared in the analysis, see `_result`), on SQLite and PostgreSQL, through creates,
edits, lesson replacements, deletions and an import; and nothing of a deleted review stays behind in it.

A filter that keeps every review (``date_from`` far back) reads the rows and groups them in Python; the
call without a filter reads what was kept. Both must give the same result, field for field.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import sys
from collections.abc import Iterator
from typing import Any, cast

import pytest

from fupan_mcp.analysis.insights import RECURRING_THRESHOLD, compute_insights, default_as_of, issue_similarity
from fupan_mcp.analysis.text import normalize_text
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.insights import InsightRows, InsightsResult
from fupan_mcp.store import ReviewStore
from fupan_mcp.store.records import ATTAINMENT_SECTION
from fupan_mcp.store.transfer import TransferStore, export_workspace, import_workspace
from store_backends import BACKENDS, open_backend

WORDS = ["支付", "网关", "超时", "配置", "容量", "评估", "告警", "回滚", "canary", "deploy", "rollback", "alert"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[ReviewStore]:
    with open_backend(request.param, request.config) as opened:
        yield opened


@pytest.fixture(params=BACKENDS)
def other(request: pytest.FixtureRequest) -> Iterator[ReviewStore]:
    with open_backend(request.param, request.config) as opened:
        yield opened


def _text(rng: random.Random) -> str:
    """A short text from a small vocabulary, spaced or not, so many are alike and some differ in spacing only."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 4))]
    return rng.choice(("", " ", "，")).join(words) + rng.choice(("", "。", " "))


def _result(store: ReviewStore, **filters: Any) -> InsightsResult:
    """The result from what the store read, equal to the one with the alike pairs compared in the analysis."""
    rows = store.insight_rows(**filters)
    result = compute_insights(rows, default_as_of(rows, None))
    compared = compute_insights(rows.model_copy(update={"pairs": None}), default_as_of(rows, None))
    assert result.model_dump() == compared.model_dump()
    return result


def _same(store: ReviewStore) -> InsightsResult:
    kept = _result(store)
    computed = _result(store, date_from="1900-01-01")
    assert kept.model_dump() == computed.model_dump()
    return kept


def _fill(store: ReviewStore, rng: random.Random, reviews: int) -> list[str]:
    ids = []
    for i in range(reviews):
        actions = [
            ActionItem(action=_text(rng), owner=f"o{rng.randrange(4)}", due=dt.date(2025, 1, 1) + dt.timedelta(i))
            for _ in range(rng.randint(0, 4))
        ]
        lessons = [(rng.choice(("problem", "root_cause", "lesson", "risk")), _text(rng)) for _ in range(3)]
        created = store.create_review_document(
            f"项目{i % 3}",
            f"r{i}",
            "incident",
            dt.date(2025, 1, 1) + dt.timedelta(rng.randrange(60)),
            actions=actions,
            lessons=lessons,
        )
        ids.append(created.record.id)
    return ids


def test_kept_groups_equal_the_computed_ones_through_every_write(store: ReviewStore, other: ReviewStore) -> None:
    rng = random.Random(7)
    ids = _fill(store, rng, 40)
    first = _same(store)
    assert first.recurring_count > 0 and first.carried_over_count > 0
    assert any(len(group.texts) > 1 for group in first.recurring)  # groups joined through alike pairs
    for review_id in ids[:8]:  # edits: statuses, new actions, lessons replaced
        record = store.get_review(review_id)
        if record.actions:
            store.update_action(record.actions[0].id, status="done", evidence="shipped")
        store.add_actions(review_id, [ActionItem(action=_text(rng), owner="o1")])
        store.index_lessons(review_id, [("root_cause", _text(rng)), ("lesson", _text(rng))])
    _same(store)
    for review_id in ids[8:16]:
        store.delete_review(review_id)
    _same(store)
    out = io.StringIO()
    export_workspace(cast(TransferStore, store), out)
    import_workspace(io.StringIO(out.getvalue()).readlines(), cast(TransferStore, other))
    assert _result(other).model_dump() == _result(store).model_dump()
    _same(other)


def test_a_deleted_review_leaves_no_kept_key(store: ReviewStore) -> None:
    kept = store.create_review_document(
        "p",
        "kept",
        None,
        "2025-01-01",
        lessons=[("lesson", "上线前必须做容量评估")],
        actions=[ActionItem(action="增加告警", owner="a")],
    )
    doomed = store.create_review_document(
        "p",
        "doomed",
        None,
        "2025-02-01",
        lessons=[("lesson", "zebracrossing 上线前必须做容量评估"), ("problem", "zebra")],
        actions=[ActionItem(action="zebracrossing follow-up", owner="a")],
    )
    store.delete_review(doomed.record.id)
    rows = store.insight_rows()
    assert [k.review_id for k in rows.carried or []] == []  # one review left: no group
    _same(store)
    assert kept.record.id


def test_only_the_listable_groups_are_read_ties_included(store: ReviewStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a cap of 2 the store reads the groups with as many reviews as the 2nd most-repeated or more
    (ties by project included) and counts the rest; the analysis lists the same 2 as from every line."""
    from fupan_mcp.analysis import insights as insights_module

    _fill(store, random.Random(11), 30)
    for module in (insights_module, sys.modules[type(store).__module__]):  # the analysis and this backend
        monkeypatch.setattr(module, "MAX_LISTED_GROUPS", 2)
    rows = store.insight_rows()
    result = _same(store)
    assert len(result.carried_over) == 2 and result.carried_over_count > 2
    groups = {(key.project, key.norm) for key in rows.carried or []}
    assert 2 <= len(groups) < result.carried_over_count  # not every group's keys were read


def _metrics_in_sections(store: ReviewStore) -> list[tuple[str, str, float | None]]:
    """The attainment rates as read out of each review's section (what was read at each call before
    schema 9 kept them): an object of the list with a text name, its rate when it is a number."""
    found = []
    for summary in store.list_reviews(limit=200):
        section = store.get_review(summary.id).sections.get(ATTAINMENT_SECTION)
        items = section.get("metrics") if isinstance(section, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                rate = item.get("attainment_rate")
                number = isinstance(rate, (int, float)) and not isinstance(rate, bool)
                found.append((summary.id, item["name"], float(rate) if number else None))
    return sorted(found, key=repr)


def _kept_metrics(store: ReviewStore, **filters: Any) -> list[tuple[str, str, float | None]]:
    return sorted(((m.review_id, m.name, m.attainment_rate) for m in store.insight_rows(**filters).metrics), key=repr)


def test_kept_attainment_rates_follow_every_write(store: ReviewStore, other: ReviewStore) -> None:
    """The rates kept beside the attainment section (schema 9) are the section's through creates, edits of
    that section and of others, deletions and an import; a filter reads the same ones for its reviews."""
    rng = random.Random(5)
    ids = []
    for i in range(24):
        name = rng.choice(("GMV", "支付成功率", "NPS"))
        metrics: list[Any] = [{"name": name, "attainment_rate": rng.uniform(0.5, 1.3)}]
        if i % 4 == 0:  # besides: no rate, a text rate, no name, not an object
            metrics += [{"name": "留存"}, {"name": "转化", "attainment_rate": "0.9"}, {"rate": 1}, "x"]
        sections = {ATTAINMENT_SECTION: {"metrics": metrics}} if i % 5 else {"other": {"metrics": metrics}}
        day = dt.date(2025, 1, 1) + dt.timedelta(i)
        ids.append(store.create_review_document(f"项目{i % 3}", f"r{i}", None, day, sections=sections).record.id)
    assert len(_kept_metrics(store)) > 20
    assert _kept_metrics(store) == _metrics_in_sections(store)
    for review_id in ids[:6]:  # the section replaced, added where there was none, emptied
        store.update_sections(review_id, {ATTAINMENT_SECTION: {"metrics": [{"name": "GMV", "attainment_rate": 0.7}]}})
    store.update_sections(ids[6], {ATTAINMENT_SECTION: {"metrics": []}})
    store.update_sections(ids[7], {ATTAINMENT_SECTION: {"summary": "none"}})
    store.update_sections(ids[8], {"other": {"metrics": [{"name": "GMV", "attainment_rate": 0.1}]}})
    assert _kept_metrics(store) == _metrics_in_sections(store)
    for review_id in ids[10:14]:
        store.delete_review(review_id)
    kept = _kept_metrics(store)
    assert kept == _metrics_in_sections(store) and not {m[0] for m in kept} & set(ids[10:14])
    in_project = {s.id for s in store.list_reviews(limit=200) if s.project == "项目1"}
    assert _kept_metrics(store, project="项目1") == [m for m in kept if m[0] in in_project]
    out = io.StringIO()
    export_workspace(cast(TransferStore, store), out)
    import_workspace(io.StringIO(out.getvalue()).readlines(), cast(TransferStore, other))
    assert _kept_metrics(other) == kept


def _compared_pairs(rows: InsightRows) -> set[tuple[str, str]]:
    """The alike pairs of the rows' texts compared two by two: different normal forms, gram Jaccard at the
    threshold (what `analysis.text.similar_pairs` finds among the texts a call reads)."""
    texts = sorted({t.text for t in rows.texts if normalize_text(t.text)})
    return {
        (a, b)
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if normalize_text(a) != normalize_text(b) and issue_similarity(a, b) >= RECURRING_THRESHOLD
    }


def _kept_pairs(store: ReviewStore, **filters: Any) -> set[tuple[str, str]]:
    """The kept pairs of the texts the call reads (all of them without a filter: a text goes with the last
    lesson that holds it)."""
    rows = store.insight_rows(**filters)
    texts = {t.text for t in rows.texts}
    pairs = {(min(a, b), max(a, b)) for a, b in rows.pairs or []}
    assert filters or all(a in texts and b in texts for a, b in pairs)
    return {(a, b) for a, b in pairs if a in texts and b in texts}


@pytest.mark.parametrize("bulk", [False, True])
def test_kept_alike_pairs_follow_every_write(
    store: ReviewStore, other: ReviewStore, bulk: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The alike pairs kept at write time (schema 11) are those of the texts compared two by two, through
    creates, lesson replacements, deletions and an import (one text at a time, or with ``bulk`` every text
    in one pass); long texts and long words are kept too (an index entry has a size limit); a text goes
    with the last lesson holding it."""
    from fupan_mcp.store import records

    if bulk:
        monkeypatch.setattr(records, "TEXT_KEEP_BULK", 2)
    rng = random.Random(13)
    ids = _fill(store, rng, 30)
    long_word, long_text = "x" * 3000 + " deploy canary", "支付网关超时" * 800
    ids.append(
        store.create_review_document(
            "项目0", "long", None, "2025-03-01", lessons=[("lesson", long_word), ("problem", long_text)]
        ).record.id
    )
    ids.append(
        store.create_review_document("项目1", "long too", None, "2025-03-02", lessons=[("lesson", long_word)]).record.id
    )
    first = _kept_pairs(store)
    assert len(first) > 20 and first == _compared_pairs(store.insight_rows())
    assert any(group.text == long_word for group in _same(store).recurring)
    for review_id in ids[:8]:
        store.index_lessons(review_id, [("root_cause", _text(rng)), ("lesson", _text(rng)), ("problem", _text(rng))])
    for review_id in ids[8:14]:
        store.delete_review(review_id)
    store.index_lessons(ids[-2], [])  # the long texts: one lesson of the long word left
    assert all(long_text not in pair for pair in store.insight_rows().pairs or [])
    assert _kept_pairs(store) == _compared_pairs(store.insight_rows())
    assert _kept_pairs(store, project="项目1") == _compared_pairs(store.insight_rows(project="项目1"))
    _same(store)
    out = io.StringIO()
    export_workspace(cast(TransferStore, store), out)
    import_workspace(io.StringIO(out.getvalue()).readlines(), cast(TransferStore, other))
    assert _kept_pairs(other) == _kept_pairs(store)
    _same(other)
