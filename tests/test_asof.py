"""Overdue, days late and days left are counted as of the review's date, never the reader's clock.

The review below is dated 2024-06-30 and its open action was due 2024-06-15: 15 days late as of the
review, whatever day the report is rendered on. Today's date is used only for a review without a date,
and every output says which date it used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fupan_mcp.analysis.review import analyze_review
from fupan_mcp.app import Settings, create_server
from fupan_mcp.domain.asof import days_overdue, reference_date
from fupan_mcp.domain.review import Review
from fupan_mcp.report import charts
from fupan_mcp.report.render import render_report
from fupan_mcp.store.sqlite import SQLiteStore
from fupan_mcp.workspace import create_review, earlier_open_actions

REVIEW_DATE = "2024-06-30"
ACTIONS: list[dict[str, Any]] = [
    {
        "id": "A1",
        "action": "上线容量告警",
        "owner": "运维负责人",
        "due": "2024-06-15",
        "priority": "P1",
        "addresses": "告警缺失",
        "success_metric": "告警覆盖率 ≥ 95%",
    },
    {
        "id": "A2",
        "action": "补齐回滚预案",
        "owner": "研发负责人",
        "due": "2024-07-31",
        "priority": "P2",
        "addresses": "告警缺失",
        "success_metric": "演练 2 次",
    },
]


def past_review(**extra: Any) -> dict[str, Any]:
    return {"project": "支付网关", "review_date": REVIEW_DATE, "problems": ["告警缺失"], "actions": ACTIONS, **extra}


def test_reference_date_order_and_day_counts() -> None:
    day = dt.date(2024, 6, 30)
    assert reference_date() is None
    assert reference_date(today=day) is not None
    chosen = reference_date(given=dt.date(2024, 7, 1), review_date=day, today=dt.date(2030, 1, 1))
    assert chosen is not None and (chosen.date, chosen.source) == (dt.date(2024, 7, 1), "given")
    chosen = reference_date(review_date=day, today=dt.date(2030, 1, 1))
    assert chosen is not None and (chosen.date, chosen.source) == (day, "review_date")
    assert days_overdue(dt.date(2024, 6, 15), day) == 15
    assert days_overdue(dt.date(2024, 2, 28), dt.date(2024, 3, 1)) == 2  # leap year: 02-29 in between
    assert days_overdue(day, day) == 0 and days_overdue(None, day) == 0
    assert days_overdue(dt.date(2024, 7, 31), day) == 0


@pytest.mark.parametrize("today", [dt.date(2024, 7, 1), dt.date(2026, 3, 9), None])
def test_a_past_review_is_15_days_late_in_its_report_whatever_the_clock(today: dt.date | None) -> None:
    analysis = analyze_review(Review.model_validate(past_review()), today=today)
    assert analysis.as_of is not None and analysis.as_of.date == dt.date(2024, 6, 30)
    assert analysis.as_of.source == "review_date"
    assert analysis.actions is not None
    assert [c.days_overdue for c in analysis.actions.actions] == [15, 0]
    assert analysis.actions.counts.overdue == 1
    rendered = render_report(past_review(), today=today).content
    assert "| 2024-06-15（已逾期 15 天） |" in rendered and "| 2024-07-31 |" in rendered
    assert "逾期天数按复盘日期 2024-06-30 计算。" in rendered
    full = render_report(past_review(), depth="full", today=today).content
    assert "已逾期 15 天：截止 2024-06-15，截至复盘日期 2024-06-30 仍未完成。" in full
    en = render_report(past_review(), language="en", depth="full", today=today).content
    assert "| 2024-06-15 (15 days overdue) |" in en
    assert "Overdue by 15 days: due 2024-06-15, still not done as of the review date, 2024-06-30." in en
    assert "Days overdue are counted as of the review date, 2024-06-30." in en


def test_a_review_without_a_date_falls_back_to_today_and_says_so() -> None:
    undated = {key: value for key, value in past_review().items() if key != "review_date"}
    rendered = render_report(undated, today=dt.date(2024, 7, 5)).content
    assert "2024-06-15（已逾期 20 天）" in rendered  # 06-15 -> 07-05
    assert "逾期天数按今天（复盘没有填写日期） 2024-07-05 计算。" in rendered
    plain = render_report(undated).content
    assert "已逾期" not in plain and "逾期天数按" not in plain


def test_the_follow_up_of_earlier_actions_counts_to_the_new_review_date(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "r.db"))
    try:
        first = Review.model_validate({"project": "支付网关", "review_date": "2024-05-31", "actions": ACTIONS})
        create_review(store, first, dt.date(2031, 1, 1))
        second = Review.model_validate({"project": "支付网关", "review_date": REVIEW_DATE})
        created = create_review(store, second, dt.date(2031, 1, 1))  # the clock is far later: ignored
        assert (created.as_of.date, created.as_of.source) == (dt.date(2024, 6, 30), "review_date")
        late = {a.id: a.days_overdue for a in created.earlier_open_actions}
        assert sorted(late.values()) == [0, 15]
        carried = earlier_open_actions(store, created.review.id)
        assert [(a.action, a.days_overdue, a.as_of) for a in carried] == [
            ("上线容量告警", 15, dt.date(2024, 6, 30)),
            ("补齐回滚预案", 0, dt.date(2024, 6, 30)),
        ]
        report = render_report(second, follow_up=carried, depth="full")
        assert "（最长逾期 15 天）" in report.content
        assert "截至 2024-06-30 已逾期 15 天" in report.content
        en = render_report(second, follow_up=carried, depth="full", language="en").content
        assert "15 days overdue" in en and "is 15 days overdue as of 2024-06-30" in en
        one_day = earlier_open_actions(store, created.review.id, as_of=dt.date(2024, 6, 16))
        text = render_report(second, follow_up=one_day, language="en").content
        assert "1 day overdue" in text and "1 days" not in text
    finally:
        store.close()


def test_the_action_timeline_marks_overdue_as_of_the_review() -> None:
    review = Review.model_validate(past_review())
    found = charts.review_charts(analyze_review(review), review, today=dt.date(2030, 1, 1))
    svg = next(chart.data for chart in found if chart.key == "actions")
    assert isinstance(svg, str)
    assert "06-15 逾期" in svg and "07-31 逾期" not in svg
    assert "今天" not in svg  # the review date is the reference: no 'today' line


# --------------------------------------------------------------------------- through a real MCP client


@pytest.fixture
async def ws(tmp_path: Path) -> AsyncIterator[Client]:
    server = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "out"))
    async with Client(server) as client:
        yield client


def data(result: Any) -> Any:
    assert not result.is_error, result.content
    return result.structured_content


@pytest.mark.anyio
async def test_list_actions_says_which_date_it_used_and_takes_as_of(ws: Client) -> None:
    data(
        await ws.call_tool(
            "create_review", {"project": "支付网关", "review_date": REVIEW_DATE, "review": past_review()}
        )
    )
    listed = data(await ws.call_tool("list_actions", {"overdue": True, "as_of": "2024-06-30"}))
    assert [a["id"] for a in listed["actions"]] == ["A1"]
    assert listed["as_of"] == {"date": "2024-06-30", "source": "given"}
    early = data(await ws.call_tool("list_actions", {"overdue": True, "as_of": "2024-06-15"}))
    assert early["actions"] == []  # due that day: not yet late
    both = data(await ws.call_tool("list_actions", {"overdue": True, "as_of": "2024-08-01"}))
    assert sorted(a["id"] for a in both["actions"]) == ["A1", "A2"]
    live = data(await ws.call_tool("list_actions", {"overdue": True}))
    assert live["as_of"]["source"] == "today" and live["as_of"]["date"] == dt.date.today().isoformat()
    everything = data(await ws.call_tool("list_actions", {}))
    assert everything["as_of"] is None and len(everything["actions"]) == 2


@pytest.mark.anyio
async def test_check_actions_and_the_report_count_to_the_review_date(ws: Client) -> None:
    checked = data(await ws.call_tool("check_actions", {"actions": ACTIONS, "review_date": REVIEW_DATE}))
    assert [a["days_overdue"] for a in checked["actions"]] == [15, 0]
    assert checked["as_of"] == {"date": "2024-06-30", "source": "review_date"}
    created = data(await ws.call_tool("create_review", {"project": "支付网关", "review": past_review()}))
    review_id = created["review"]["id"]
    stored = data(await ws.call_tool("check_actions", {"actions": ACTIONS, "review_id": review_id}))
    assert stored["as_of"] == {"date": "2024-06-30", "source": "review_date"}  # the stored review's date
    assert [a["days_overdue"] for a in stored["actions"]] == [15, 0]
    later = data(await ws.call_tool("check_actions", {"actions": ACTIONS, "as_of": "2024-08-01"}))
    assert [a["days_overdue"] for a in later["actions"]] == [47, 1]  # 06-15 -> 08-01; 07-31 -> 08-01
    report = data(await ws.call_tool("render_report", {"review_id": review_id}))["content"]
    assert "已逾期 15 天" in report and "逾期天数按复盘日期 2024-06-30 计算。" in report
