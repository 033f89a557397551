"""The forms people paste into import_metrics / import_actions, one check each (see
tests/test_imports_corpus.py for the real tables they come from)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fupan_mcp.errors import InputError
from fupan_mcp.materials.api import import_actions, import_metrics


def M(text: str, lang: str = "zh") -> Any:
    try:
        r = import_metrics(text.encode(), "csv", None, lang, compute=True)
    except InputError:
        return None
    return r


def lv(r: Any) -> Any:
    return [(x.name, x.target_level, x.actual) for x in r.attainment.metrics] if r and r.attainment else None


def codes(r: Any) -> Any:
    return sorted(p.code for p in r.problems) if r else None


def A(text: str) -> Any:
    try:
        return import_actions(text.encode(), "csv", None, "zh")
    except InputError:
        return None


F: dict[str, Callable[[], Any]] = {
    "'In progress - no blockers' stays in progress": lambda: (
        A("Action,Owner,Status\nx,a,In progress - no blockers\n").actions[0].status == "in_progress"
    ),
    "one cell headed 'Target | Actual | Δ'": lambda: (
        lv(M('KPI,"Target | Actual | Δ"\nRevenue,"100 | 110 | +10"\n')) == [("Revenue", 100, 110)]
    ),
    "unquoted 1,234 in CSV: row reported, not shifted": lambda: (
        lambda r: lv(r) == [("DAU", 10, 9)] and codes(r) == ["extra_cells"]
    )(M("指标,目标,实际\nGMV,1,234,1,100\nDAU,10,9\n")),
    "stray comma in an action title: row reported": lambda: (
        lambda r: [a.action for a in r.actions] == ["B"] and codes(r) == ["extra_cells"]
    )(A("Action,Owner,Due\nFix, the alert,alice,2024-01-02\nB,bob,2024-01-03\n")),
    "markdown table": lambda: (
        lv(M("| 指标 | 目标 | 实际 |\n|---|---:|---:|\n| GMV | 2,000 | 1,800 |\n")) == [("GMV", 2000, 1800)]
    ),
    "markdown without outer pipes": lambda: (
        lv(M("指标 | 目标 | 实际\n---|---|---\nGMV | 2000 | 1800\n")) == [("GMV", 2000, 1800)]
    ),
    "markdown with title line": lambda: (
        lv(M("Q3 复盘\n\n| 指标 | 目标 | 实际 |\n|---|---|---|\n| GMV | 2000 | 1800 |\n")) == [("GMV", 2000, 1800)]
    ),
    "space-aligned (PDF/web)": lambda: (
        lv(M("指标      目标      实际\nGMV       2,000     1,800\n新客      500       520\n"))
        == [("GMV", 2000, 1800), ("新客", 500, 520)]
    ),
    "aligned with an empty cell": lambda: (
        lv(
            M(
                "Metric        Target    Actual\nRevenue       100       90\n"
                "Users                   80\nDAU           50        45\n"
            )
        )
        == [("Revenue", 100, 90), ("Users", None, 80), ("DAU", 50, 45)]
    ),
    "combined 目标/实际 column": lambda: lv(M("指标,目标/实际\nGMV,2000/1800\n")) == [("GMV", 2000, 1800)],
    "decimal comma 1.234,5": lambda: (
        lv(M("KPI;Target;Actual\nRevenue;1.234,5;1.100,0\n")) == [("Revenue", 1234.5, 1100)]
    ),
    "ambiguous 1.234 refused in a decimal-comma sheet": lambda: (
        lambda r: r is not None and "ambiguous_decimal" in codes(r)
    )(M("KPI;Target;Actual\nA;12,5;13,1\nB;1.234;1.500\n")),
    "full-width digits": lambda: lv(M("指标,目标,实际\nGMV,１２３,１１０\n")) == [("GMV", 123, 110)],
    "superscript footnote 12.3¹ (not 12.31)": lambda: (
        lambda r: lv(r) == [("X", 10, 12.3)] and "footnote_mark" in codes(r)
    )(M("指标,目标,实际\nX,10,12.3¹\n")),
    "footnote 12.3* / [1] said": lambda: (
        lambda r: lv(r) == [("X", 10, 12.3), ("Y", 10, 40)] and codes(r).count("footnote_mark") == 2
    )(M("指标,目标,实际\nX,10,12.3*\nY,10,40[1]\n")),
    "blank thousands 1 234": lambda: lv(M("指标,目标,实际\nGMV,1 234,1 100\n")) == [("GMV", 1234, 1100)],
    "repeated header row skipped": lambda: (
        [n for n, *_ in lv(M("指标,目标,实际\nA,1,1\n指标,目标,实际\nB,2,2\n"))] == ["A", "B"]
    ),
    "'Total ...:' summary row not a metric": lambda: (
        [n for n, *_ in lv(M("KPI Name,Target Value,Actual Value\nA,1,1\nTotal KPIs Tracked:,6,x\n"))] == ["A"]
    ),
    "all-missing metric not a group title": lambda: (
        [n for n, *_ in lv(M("指标,目标,实际\n留存,N/A,待定\nDAU,1,1\n"))] == ["留存", "DAU"]
    ),
    "unit in name (万元) / not (CAC)": lambda: (
        [m.unit for m in M("指标,目标,实际\nGMV（万元）,1,1\nCost (CAC),$5,$4\n").metrics] == ["万元", None]
    ),
    "U+2212 minus": lambda: M("指标,目标,实际\nA,1,−3\n").metrics[0].actual == "-3",
    "status ✅ → done": lambda: A("措施,负责人,状态\n补监控,张三,✅\n").actions[0].status == "done",
    "status WIP → in_progress": lambda: A("Action,Owner,Status\nx,a,WIP\n").actions[0].status == "in_progress",
    "'not done' never done": lambda: A("Action,Owner,Status\nx,a,not done\n").actions[0].status != "done",
    "'incomplete' never done": lambda: A("Action,Owner,Status\nx,a,incomplete\n").actions[0].status != "done",
    "下周五 named a relative date": lambda: "relative_date" in codes(A("措施,负责人,截止日期\nx,a,下周五\n")),
    "6月底 named incomplete (no year)": lambda: "incomplete_date" in codes(A("措施,负责人,截止日期\nx,a,6月底\n")),
    "plan 完成时间 kept as due of an open action": lambda: (
        str(A("措施,负责人,完成时间,状态\nx,a,2024-01-20,待开始\n").actions[0].due) == "2024-01-20"
    ),
    "markdown action table (no '---' action)": lambda: (
        [a.action for a in A("| Action | Owner |\n|---|---|\n| x | a |\n").actions] == ["x"]
    ),
    "full-width comma separators: error says why": lambda: _why(),
}


def _why() -> bool:
    try:
        import_metrics("指标，目标，实际\nGMV，１，２\n".encode(), "csv", None, "zh")
    except InputError as e:
        return "全角逗号" in str(e)
    return False


@pytest.mark.parametrize("name", list(F))
def test_form_is_read(name: str) -> None:
    assert F[name]()


def test_an_okr_sheets_start_column_is_the_baseline() -> None:
    """'Start' / '起始值' beside Target and Current (an OKR tracker's layout, as on
    https://www.andrewthompson.co/2020/04/) is the baseline; a 'Start date' column is not."""
    okr = M(
        "| Key Result | Start | Target | Current |\n|---|---|---|---|\n"
        "| Reduce monthly churn | 4.1% | 3% | 3.4% |\n| Increase MRR | $120k | $150k | $141k |\n",
        "en",
    )
    assert [(m.name, m.baseline) for m in okr.metrics] == [("Reduce monthly churn", "4.1%"), ("Increase MRR", "$120k")]
    churn = okr.attainment.metrics[0]
    assert churn.change_abs == pytest.approx(-0.7) and churn.status == "not_achieved"
    zh = M("关键结果,起始值,目标,当前\n注册用户,1200,2000,1850\n")
    assert [(m.name, m.baseline) for m in zh.metrics] == [("注册用户", "1200")]
    dated = M("Key Result,Start date,Target,Current\nSignups,2024-01-01,2000,1850\n", "en")
    assert [m.baseline for m in dated.metrics] == [None]


def test_a_chinese_tracker_with_progress_and_month_dues() -> None:
    """当前进展 is the status column (已完成 was imported as open), and a month with its year is due at its
    last day, as check_actions reads it (2025年1月 was an unreadable date)."""
    sheet = (
        "序号,改进事项,责任人,计划完成时间,当前进展\n"
        "1,补齐支付链路压测,王磊,2024/12/15,进行中\n"
        "2,建立变更评审机制,运维组,2025年1月,已完成\n"
        "3,梳理告警规则,李娜,2025 Q1,未开始\n"
        "4,Review the paging policy,Ops,Jan 2025,done\n"
    )
    result = import_actions(sheet.encode(), "csv", None, "zh")
    got = [(a.due.isoformat() if a.due else None, a.status) for a in result.actions]
    assert got == [
        ("2024-12-15", "in_progress"),
        ("2025-01-31", "done"),
        ("2025-03-31", "open"),
        ("2025-01-31", "done"),
    ]
    assert not result.problems


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_unit_declared_above_the_header_is_the_unit_of_the_sums_of_money(language: str) -> None:
    """'单位：万元' under the title of a Chinese operating report: 12,000 is 1.2亿元, and the gap 660万元; a score
    row is no sum of money and keeps no unit (it was shown as 90万元), which a note says."""
    text = (
        "2025年度经营指标完成情况表,,,\n单位：万元,,,\n指标名称,年度目标,实际完成,完成率\n"
        '营业收入,"12,000","11,340",94.5%\n销售费用,"2,000","2,150",107.5%\n客户满意度,90,92.5,102.8%\n'
        "客户数,800,760,95%\n"
    )
    r = import_metrics(text.encode(), "csv", None, language, compute=True)  # type: ignore[arg-type]
    assert [m.unit for m in r.metrics] == ["万元", "万元", None, None]
    assert r.attainment is not None
    revenue, cost, score, customers = r.attainment.metrics
    assert revenue.target_level == pytest.approx(12_000) and revenue.gap_to_target == pytest.approx(-660)  # 万元
    assert {"zh": "目标 ≥ 1.2亿元", "en": "target ≥ ¥120M"}[language] in revenue.statement
    assert cost.status == "not_achieved" and cost.attainment_rate == pytest.approx(2000 / 2150, abs=1e-9)
    assert score.target_level == 90 and customers.target_level == 800
    codes = {note.code for note in r.notes}
    assert {"sheet_unit", "unit_withheld"} <= codes
    [withheld] = [note for note in r.notes if note.code == "unit_withheld"]
    assert "客户满意度" in withheld.message and "客户数" in withheld.message


def test_a_unit_column_header_is_not_given_to_a_score_row() -> None:
    text = "指标,目标(万元),实际(万元)\nGMV,1500,1628\n客户满意度（分）,90,92.5\n"
    r = import_metrics(text.encode(), "csv", None, "zh", compute=False)
    assert [m.unit for m in r.metrics] == ["万元", None]
