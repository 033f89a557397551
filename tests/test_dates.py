"""Dates as people write them (domain.dates), against a review on Wednesday 2025-06-18."""

from __future__ import annotations

import datetime as dt

import pytest

from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.dates import read_date, reference_date
from fupan_mcp.domain.review import Review

REVIEW = dt.date(2025, 6, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-07-03", dt.date(2025, 7, 3)),
        ("2025-7-3", dt.date(2025, 7, 3)),
        ("2025/7/3", dt.date(2025, 7, 3)),
        ("2025.07.03", dt.date(2025, 7, 3)),
        ("20250703", dt.date(2025, 7, 3)),
        ("2025年7月3日", dt.date(2025, 7, 3)),
        ("２０２５年７月３号", dt.date(2025, 7, 3)),  # full-width digits
        ("截止2025年7月3日", dt.date(2025, 7, 3)),
        ("2025年7月3日前完成", dt.date(2025, 7, 3)),
        ("no later than 2025-07-31", dt.date(2025, 7, 31)),
        ("2025-07-03T10:00:00+08:00", dt.date(2025, 7, 3)),
        ("July 3, 2025", dt.date(2025, 7, 3)),
        ("3rd July 2025", dt.date(2025, 7, 3)),
        ("2025Q4", dt.date(2025, 12, 31)),
    ],
)
def test_absolute_dates_need_no_reference(text: str, expected: dt.date) -> None:
    reading = read_date(text)
    assert (reading.date, reading.relative, reading.error) == (expected, False, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7月3日", dt.date(2025, 7, 3)),  # the review's year
        ("七月三日", dt.date(2025, 7, 3)),
        ("7/3", dt.date(2025, 7, 3)),
        ("截止：7月15日", dt.date(2025, 7, 15)),
        ("July 3", dt.date(2025, 7, 3)),
        ("before July 10", dt.date(2025, 7, 10)),
        ("T+30", dt.date(2025, 7, 18)),  # 18 June + 30 days: 12 left in June, 18 in July
        ("T+30天", dt.date(2025, 7, 18)),
        ("D+7", dt.date(2025, 6, 25)),
        ("+2w", dt.date(2025, 7, 2)),
        ("30天内", dt.date(2025, 7, 18)),
        ("30天后", dt.date(2025, 7, 18)),
        ("十天内", dt.date(2025, 6, 28)),
        ("4周内", dt.date(2025, 7, 16)),  # 28 days
        ("两周内", dt.date(2025, 7, 2)),
        ("4-6周内", dt.date(2025, 7, 30)),  # the later bound: 42 days
        ("一个月内", dt.date(2025, 7, 18)),
        ("三个月内", dt.date(2025, 9, 18)),
        ("半个月内", dt.date(2025, 7, 3)),  # 15 days
        ("5个工作日内", dt.date(2025, 6, 25)),  # Thu, Fri, Mon, Tue, Wed
        ("within 10 business days", dt.date(2025, 7, 2)),
        ("in 2 weeks", dt.date(2025, 7, 2)),
        ("within two weeks", dt.date(2025, 7, 2)),
        ("30 days", dt.date(2025, 7, 18)),
        ("下周五", dt.date(2025, 6, 27)),  # the Friday of next week
        ("下星期一", dt.date(2025, 6, 23)),
        ("本周五", dt.date(2025, 6, 20)),
        ("周五前", dt.date(2025, 6, 20)),
        ("周二", dt.date(2025, 6, 24)),  # the coming Tuesday: this week's is past
        ("next Friday", dt.date(2025, 6, 27)),
        ("by Friday", dt.date(2025, 6, 20)),
        ("下周", dt.date(2025, 6, 27)),
        ("end of week", dt.date(2025, 6, 20)),
        ("明天", dt.date(2025, 6, 19)),
        ("月底前", dt.date(2025, 6, 30)),
        ("本月内", dt.date(2025, 6, 30)),
        ("by end of month", dt.date(2025, 6, 30)),
        ("EOM", dt.date(2025, 6, 30)),
        ("下月底", dt.date(2025, 7, 31)),
        ("next month", dt.date(2025, 7, 31)),
        ("6月底前", dt.date(2025, 6, 30)),
        ("7月中旬", dt.date(2025, 7, 20)),
        ("end of July", dt.date(2025, 7, 31)),
        ("季度末", dt.date(2025, 6, 30)),
        ("下季度", dt.date(2025, 9, 30)),
        ("Q3", dt.date(2025, 9, 30)),
        ("第三季度", dt.date(2025, 9, 30)),
        ("年底前", dt.date(2025, 12, 31)),
        ("EOY", dt.date(2025, 12, 31)),
        ("下半年", dt.date(2025, 12, 31)),
    ],
)
def test_relative_dates_resolve_against_the_review_date(text: str, expected: dt.date) -> None:
    reading = read_date(text, REVIEW)
    assert (reading.date, reading.relative, reading.error) == (expected, True, None)
    assert read_date(text).error == "needs_reference"


def test_month_ends_and_leap_years() -> None:
    assert read_date("T+1", dt.date(2024, 2, 28)).date == dt.date(2024, 2, 29)
    assert read_date("一个月内", dt.date(2025, 1, 31)).date == dt.date(2025, 2, 28)
    assert read_date("月底前", dt.date(2024, 2, 10)).date == dt.date(2024, 2, 29)
    assert read_date("下月底", dt.date(2025, 12, 5)).date == dt.date(2026, 1, 31)
    assert read_date("下季度", dt.date(2025, 11, 5)).date == dt.date(2026, 3, 31)
    assert read_date("3个工作日内", dt.date(2025, 6, 20)).date == dt.date(2025, 6, 25)  # Fri -> Mon, Tue, Wed


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("尽快", "vague"),
        ("ASAP", "vague"),
        ("待定", "vague"),
        ("2025-02-30", "invalid_date"),
        ("2月30日", "invalid_date"),
        ("13月底", "invalid_date"),
        ("the sprint after the launch", "unreadable"),
        ("", "unreadable"),
        ("P1", "unreadable"),
    ],
)
def test_texts_without_a_date_say_why(text: str, code: str) -> None:
    reading = read_date(text, REVIEW)
    assert (reading.date, reading.error) == (None, code)


def test_an_action_keeps_the_text_beside_the_date() -> None:
    with reference_date(REVIEW):
        relative = ActionItem.model_validate({"action": "补齐回归测试", "due": "4周内"})
    assert (relative.due, relative.due_text) == (dt.date(2025, 7, 16), "4周内")
    absolute = ActionItem.model_validate({"action": "补齐回归测试", "due": "2025年7月3日"})
    assert (absolute.due, absolute.due_text) == (dt.date(2025, 7, 3), "2025年7月3日")
    iso = ActionItem.model_validate({"action": "补齐回归测试", "due": "2025-07-03"})
    assert (iso.due, iso.due_text) == (dt.date(2025, 7, 3), None)
    unreadable = ActionItem.model_validate({"action": "补齐回归测试", "due": "看情况"})
    assert (unreadable.due, unreadable.due_text) == (None, "看情况")
    pending = ActionItem.model_validate({"action": "补齐回归测试", "due": "T+30"})  # no reference here
    assert (pending.due, pending.due_text) == (None, "T+30")


def test_a_review_reads_its_dates_against_its_own_date() -> None:
    review = Review.model_validate(
        {
            "project": "ERP+WMS",
            "review_date": "2025年6月18日",
            "period": {"start": "2025/3/1", "end": "6月10日"},
            "phases": [{"name": "上线", "start": "5月3日", "milestones": [{"name": "切换", "date": "5月20日"}]}],
            "actions": [{"action": "上线告警", "due": "T+30"}, {"action": "复查", "due": "下周五"}],
        }
    )
    assert review.review_date == REVIEW
    assert review.period is not None and review.period.start == dt.date(2025, 3, 1)
    assert review.period.end == dt.date(2025, 6, 10)
    assert review.phases[0].milestones[0].date == dt.date(2025, 5, 20)
    assert [(a.due, a.due_text) for a in review.actions] == [
        (dt.date(2025, 7, 18), "T+30"),
        (dt.date(2025, 6, 27), "下周五"),
    ]
