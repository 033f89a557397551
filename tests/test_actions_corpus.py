"""Action items and risk-register rows as people write them (tests/data/actions_corpus.jsonl).

Each row has a ``source`` (a public postmortem, 复盘 table or risk register, or the brief) and an
expectation decided by hand: the owners named, the due date read and the due findings, the status,
whether the result is measurable, the likelihood and impact, the threshold findings.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fupan_mcp.analysis.actions import check_actions, check_risks, owners, resolve_due, starts_with_verb
from fupan_mcp.domain.actions import ActionItem, Risk

CORPUS = [json.loads(line) for line in (Path(__file__).parent / "data" / "actions_corpus.jsonl").open(encoding="utf-8")]
DUE_CODES = {
    "due_ongoing",
    "due_sprint",
    "due_vague",
    "due_unreadable",
    "due_needs_review_date",
    "due_invalid_date",
    "due_year_assumed",
    "due_year_unclear",
    "due_not_after_review",
    "overdue",
}


def rows(kind: str) -> list[Any]:
    return [
        pytest.param(row, id=f"{i}:{row.get('owner') or row.get('due') or row.get('status') or ''}")
        for i, row in enumerate(CORPUS)
        if row["kind"] == kind
    ]


def test_the_corpus_is_large_and_sourced() -> None:
    assert len(CORPUS) >= 60
    assert all(row["source"] for row in CORPUS)
    assert sum(row["source"].startswith("web:") for row in CORPUS) >= 25


@pytest.mark.parametrize("row", rows("owner"))
def test_owners_as_written(row: dict[str, Any]) -> None:
    assert owners(row["owner"]) == row["expect"]["owners"]


def _action(**fields: Any) -> ActionItem:
    base: dict[str, Any] = {
        "action": "Add an alert on 5xx rate",
        "owner": "alice",
        "priority": "P1",
        "success_metric": "alert fires within 5 minutes of 5xx > 1%",
        "addresses": "no alert",
    }
    return ActionItem(**{**base, **fields})


@pytest.mark.parametrize("row", rows("due"))
@pytest.mark.parametrize("language", ["zh", "en"])
def test_due_dates_as_written(row: dict[str, Any], language: str) -> None:
    review = dt.date.fromisoformat(row["review_date"])
    result = check_actions([_action(due=row["due"])], review, language=language)  # type: ignore[arg-type]
    check = result.actions[0]
    expected = row["expect"]["due"]
    resolved = resolve_due(_action(due=row["due"]), review)
    assert (resolved.due.isoformat() if resolved.due else None) == expected
    codes = sorted(f.code for f in check.findings if f.code in DUE_CODES)
    assert codes == sorted(row["expect"]["codes"])
    assert check.checklist.due == (expected is not None and not set(codes) - {"due_year_assumed"})
    for finding in check.findings:
        if finding.code in DUE_CODES and finding.code != "overdue":
            assert row["due"] in finding.message  # the text as written is named


@pytest.mark.parametrize("row", rows("verb"))
def test_verbs(row: dict[str, Any]) -> None:
    verdict = starts_with_verb(row["action"])
    assert (verdict.ok, verdict.code) == (row["expect"]["ok"], row["expect"]["code"])


@pytest.mark.parametrize("row", rows("status"))
def test_status_words(row: dict[str, Any]) -> None:
    assert _action(status=row["status"]).status == row["expect"]["status"]


@pytest.mark.parametrize("row", rows("metric"))
def test_measurable_results(row: dict[str, Any]) -> None:
    item = _action(action=row["action"], success_metric=row["success_metric"])
    check = check_actions([item], dt.date(2024, 6, 3), language="en").actions[0]
    assert check.checklist.metric is row["expect"]["metric"]
    metric_codes = {f.code for f in check.findings} & {
        "metric_in_action",
        "missing_metric",
        "metric_not_measurable",
        "metric_is_ticket",
    }
    assert metric_codes == ({row["expect"]["code"]} if row["expect"]["code"] else set())


@pytest.mark.parametrize("row", rows("risk_level"))
def test_risk_levels(row: dict[str, Any]) -> None:
    risk = Risk(risk="r", likelihood=row["likelihood"], impact=row["impact"])
    assert (risk.likelihood, risk.impact) == (row["expect"]["likelihood"], row["expect"]["impact"])
    unread = row["expect"].get("unread", [])
    assert sorted(risk.unread_levels) == sorted(unread)
    findings = check_risks([Risk(risk="ok", likelihood="高"), risk], language="en").risks
    assert not [f for f in findings[0].findings if f.code == "level_unread"]  # the other risk is computed
    flagged = [f for f in findings[1].findings if f.code == "level_unread"]
    assert sorted(f.path for f in flagged) == sorted(f"risks[1].{name}" for name in unread)
    for finding in flagged:
        assert row[finding.path.rsplit(".", 1)[1]] in finding.message


@pytest.mark.parametrize("row", rows("risk_thresholds"))
def test_risk_thresholds(row: dict[str, Any]) -> None:
    risk = Risk(
        risk="r",
        indicator="i",
        yellow_threshold=row["yellow_threshold"],
        red_threshold=row["red_threshold"],
        response="page on-call",
        owner="SRE team",
    )
    codes = sorted(f.code for f in check_risks([risk]).risks[0].findings)
    assert codes == sorted(row["expect"]["codes"])


def test_one_unclear_due_is_reported_alone_and_the_rest_computed() -> None:
    items = [
        _action(due="5/30"),
        _action(action="Add a dashboard", due="2024-07-01"),
        _action(action="x y", due="持续"),
    ]
    result = check_actions(items, dt.date(2024, 6, 3))
    assert [c.checklist.due for c in result.actions] == [False, True, False]
    assert {f.code for f in result.actions[1].findings} == set()


def test_a_yearless_due_before_the_review_is_asked_about_not_called_overdue() -> None:
    check = check_actions([_action(due="5/30")], dt.date(2024, 6, 3)).actions[0]
    assert check.overdue is None and check.days_overdue is None
    assert "请写明年份" in next(f.message for f in check.findings if f.code == "due_year_unclear")
    dated = check_actions([_action(due="2024-05-30")], dt.date(2024, 6, 3)).actions[0]
    assert dated.overdue is True and dated.days_overdue == 4


@pytest.mark.parametrize(("written", "priority"), [("p1", "P1"), (" P2 ", "P2")])
def test_priority_case(written: str, priority: str) -> None:
    assert _action(priority=written).priority == priority


@pytest.mark.parametrize("written", ["high", "高", "P5", "urgent!"])
def test_a_priority_word_is_not_guessed_and_is_reported_for_its_action_alone(written: str) -> None:
    item = _action(priority=written)
    assert item.priority is None and item.unread_words == {"priority": written}
    for language, words in (("zh", "不是 P0–P3 之一"), ("en", "is not one of P0–P3")):
        result = check_actions([_action(priority="P1"), item], language=language)
        assert not [f for f in result.actions[0].findings if f.code.endswith("_unread")]
        unread = [f for f in result.actions[1].findings if f.code == "priority_unread"]
        assert [f.path for f in unread] == ["actions[1].priority"] and words in unread[0].message
        assert written in unread[0].message
        assert "missing_priority" not in {f.code for f in result.actions[1].findings}  # said once
        assert result.actions[0].score == result.actions[1].score  # the rest is checked as before


@pytest.mark.parametrize("written", ["blocked-ish", "卡住了"])
def test_an_unknown_status_is_reported_for_its_action_and_checked_as_open(written: str) -> None:
    item = _action(status=written)
    assert item.status == "open" and item.unread_words == {"status": written}
    result = check_actions([item, _action(status="已完成", evidence="PR 12 merged")], language="en")
    assert [f.path for f in result.actions[0].findings if f.code == "status_unread"] == ["actions[0].status"]
    assert "checked as open" in next(f.message for f in result.actions[0].findings if f.code == "status_unread")
    assert not [f for f in result.actions[1].findings if f.code.endswith("_unread")]


def test_a_blank_priority_or_status_is_not_given() -> None:
    item = _action(priority=" ", status="")
    assert item.priority is None and item.status == "open" and item.unread_words == {}


def test_a_priority_of_another_type_is_still_refused() -> None:
    with pytest.raises(ValidationError):
        _action(priority=3)


@pytest.mark.parametrize("written", ["待确认", "待分配", "unknown", "--"])
def test_placeholder_owners_are_no_owner(written: str) -> None:
    assert owners(written) == []


def test_a_repeated_action_under_another_list_number_is_a_duplicate() -> None:
    items = [
        _action(action="1. 添加数据库连接池监控"),
        _action(action="2、添加数据库连接池监控"),
        _action(action="3. 添加慢SQL巡检"),
    ]
    result = check_actions(items, dt.date(2024, 6, 3))
    assert [(f.code, f.path) for f in result.findings] == [("duplicate_action", "actions[1]")]


@pytest.mark.parametrize(
    ("text", "phrase", "date"),
    [
        (
            "优化审批流程节点从7个减至3个,6月底前完成系统改造",
            "6月底",
            dt.date(2024, 6, 30),
        ),  # fudaoke.com SMART example
        ("下周五前上线告警", "下周五", dt.date(2024, 6, 14)),
        ("Q3 上线新网关", "Q3", dt.date(2024, 9, 30)),
        ("本月底前补齐文档", "本月底", dt.date(2024, 6, 30)),
        ("统一 KPI 口径,把 DAU 峰值改为 7/30 日均值追踪,T+30 内完成", "T+30", dt.date(2024, 7, 3)),
    ],
)
def test_a_due_written_in_the_action_is_quoted_whole_with_its_date(text: str, phrase: str, date: dt.date) -> None:
    check = check_actions([_action(action=text, due=None)], dt.date(2024, 6, 3)).actions[0]
    assert check.suggested_due == date
    assert f"“{phrase}”" in next(f.message for f in check.findings if f.code == "relative_due")


def test_owners_sent_as_a_list_are_counted_not_refused() -> None:
    check = check_actions([_action(owner=["agoogler", "docbrown"])], dt.date(2024, 6, 3)).actions[0]
    assert [f.code for f in check.findings if f.path.endswith("owner")] == ["multiple_owners"]
    assert Risk(risk="r", owner=["SRE team"]).owner == "SRE team"


def test_done_with_only_its_ticket_is_asked_about_not_an_error() -> None:
    # SRE book example postmortem: "Plug file descriptor leak ... | prevent | agoogler | Bug 5554825 | DONE"
    item = _action(action="Plug file descriptor leak in search ranking subsystem", status="DONE", ticket="Bug 5554825")
    check = check_actions([item], dt.date(2015, 10, 22), language="en").actions[0]
    found = {f.code: f for f in check.findings}
    assert "done_without_evidence" not in found and found["done_ticket_only"].severity == "warning"
    assert "Bug 5554825" in found["done_ticket_only"].message
    bare = check_actions([_action(status="done")], dt.date(2015, 10, 22)).actions[0]
    assert "done_without_evidence" in {f.code for f in bare.findings}


def test_a_month_day_without_a_review_date_asks_for_it_and_is_not_a_release() -> None:
    check = check_actions([_action(due="6.30")]).actions[0]
    assert [f.code for f in check.findings if f.code.startswith("due")] == ["due_needs_review_date"]


def test_a_due_that_is_no_calendar_day_is_reported_for_its_action_alone() -> None:
    bad, good = _action(due="2024-02-30"), _action(due="2024-03-01")
    assert bad.due is None and bad.due_text == "2024-02-30"  # the text is kept, nothing lost
    result = check_actions([bad, good], dt.date(2024, 2, 1), language="en")
    assert [f.path for f in result.actions[0].findings if f.code == "due_invalid_date"] == ["actions[0].due"]
    assert result.actions[1].checklist.due
