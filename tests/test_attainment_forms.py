"""compute_attainment on every target form of issue 10: status, rate and gap computed by hand in each test."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.domain.attainment import AttainmentResult, MetricInput, MetricResult
from fupan_mcp.report.tool_text import attainment_text


def _run(language: str = "zh", *metrics: dict[str, Any]) -> AttainmentResult:
    inputs = [MetricInput.model_validate({"name": f"m{i}", **fields}) for i, fields in enumerate(metrics)]
    return compute_attainment(inputs, language)  # type: ignore[arg-type]


def _one(language: str = "zh", **fields: Any) -> MetricResult:
    result = _run(language, fields)
    assert not result.errors, result.errors
    return result.metrics[0]


def _judged(fields: dict[str, Any], status: str, rate: float | None, gap: float | None) -> MetricResult:
    result = _one(**fields)
    assert result.status == status, result.statement
    if rate is None:
        assert result.attainment_rate is None
    else:
        assert result.attainment_rate == pytest.approx(rate, rel=1e-9)
    if gap is None:
        assert result.gap_to_target is None
    else:
        assert result.gap_to_target == pytest.approx(gap, rel=1e-9, abs=1e-12)
    return result


# (fields, status, rate, gap): every figure below is computed by hand in the comment.
CASES = [
    # caps on a change: 下降不超过3% from 100 means at least 97; 98/97, 98-97; 96/97, 96-97
    ({"target": "下降不超过3%", "baseline": 100, "actual": 98}, "achieved", 98 / 97, 1.0),
    ({"target": "降幅控制在3%以内", "baseline": 100, "actual": 96}, "not_achieved", 96 / 97, -1.0),
    ({"target": "decline no more than 3%", "baseline": 200, "actual": 210}, "achieved", 210 / 194, 16.0),
    # a cap on growth: 成本增长不超过10% from 200 is at most 220; 220/230, 220-230
    ({"target": "成本增长不超过10%", "baseline": 200, "actual": 230}, "not_achieved", 220 / 230, -10.0),
    # floors on growth: +25% of 20% is 1.25, level 120, 125-120
    ({"target": "增幅不低于20%", "baseline": 100, "actual": 125}, "achieved", 25 / 20, 5.0),
    ({"target": "grow at least 20%", "baseline": 100, "actual": 110}, "not_achieved", 10 / 20, -10.0),
    # the baseline as the level: 480/500, 480-500
    ({"target": "不低于去年同期", "baseline": 500, "actual": 480}, "not_achieved", 480 / 500, -20.0),
    ({"target": "at least baseline", "baseline": 500, "actual": 520}, "achieved", 520 / 500, 20.0),
    # 持平 for a lower-is-better metric: at most 50; 50/45, 50-45
    ({"target": "持平", "baseline": 50, "actual": 45, "better": "lower"}, "achieved", 50 / 45, 5.0),
    ({"target": "no worse than last year", "baseline": 50, "actual": 52, "better": "higher"}, "achieved", 52 / 50, 2.0),
    # tolerances: ±2% of 1000 is 980~1020; 1015 is 5 inside the nearest bound, 1030 is 10 outside
    ({"target": "±2%", "baseline": 1000, "actual": 1015}, "achieved", None, 5.0),
    ({"target": "误差不超过2%", "baseline": 1000, "actual": 1030}, "not_achieved", None, -10.0),
    ({"target": "目标 100 ± 5", "actual": 103}, "achieved", None, 2.0),
    # basis points: 3.5% → 3.25% is -0.25 pp against -0.2 pp: 0.25/0.2, level 3.3, 3.3-3.25
    ({"target": "降低 20bp", "baseline": 3.5, "actual": 3.25, "unit": "%"}, "achieved", 0.25 / 0.2, 0.05),
    # per mille: ≤0.5‰ is ≤0.05%; 0.05/0.04, 0.05-0.04
    ({"target": "≤0.5‰", "actual": "0.04%", "unit": "%"}, "achieved", 0.05 / 0.04, 0.01),
    # ranks: lower is better; TOP3 with 第2名: 3/2, 3-2; with 第5名: 3/5, 3-5
    ({"target": "TOP3", "actual": "第2名"}, "achieved", 3 / 2, 1.0),
    ({"target": "进入前三", "actual": "第五名"}, "not_achieved", 3 / 5, -2.0),
    ({"target": "前10", "actual": 4, "unit": "名"}, "achieved", 10 / 4, 6.0),
    # multiples: 翻一番 from 100 is 200; +80% of +100% is 0.8, 180-200
    ({"target": "翻一番", "baseline": 100, "actual": 180}, "not_achieved", 0.8, -20.0),
    # 减半 from 40 is 20; -55% of -50% is 1.1; 20-18 = 2 better
    ({"target": "减半", "baseline": 40, "actual": 18}, "achieved", 55 / 50, 2.0),
    ({"target": "3x", "baseline": 10, "actual": 30}, "achieved", 1.0, 0.0),
    ({"target": "增长三成", "baseline": 1000, "actual": 1200}, "not_achieved", 20 / 30, -100.0),
    # labels around the number: P95<200ms; 200/180, 200-180; 0.25 s is 250 ms: 200/250, 200-250
    ({"target": "P95<200ms", "actual": "180ms"}, "achieved", 200 / 180, 20.0),
    ({"target": "p99 ≤ 1s", "actual": "1.2s"}, "not_achieved", 1 / 1.2, -0.2),
    ({"target": "P95<200ms", "actual": "0.25s", "unit": "ms"}, "not_achieved", 200 / 250, -50.0),
    ({"target": "NPS≥+30", "actual": 42}, "achieved", 42 / 30, 12.0),
    ({"target": "Q3末达到50万", "actual": "48万"}, "not_achieved", 48 / 50, -20_000.0),
    # zero: at most 0, no ratio
    ({"target": "零事故", "actual": 0}, "achieved", None, 0.0),
    ({"target": "0", "actual": 2}, "not_achieved", None, -2.0),
    ({"target": "0 data loss", "actual": "0"}, "achieved", None, 0.0),
    # values: 1小时20分 is 80 min = 4/3 h against ≤2h: 2/(4/3) = 1.5, 2-4/3
    ({"target": "≤2h", "actual": "1小时20分"}, "achieved", 1.5, 2 / 3),
    ({"target": "≤ 18小时", "actual": "18小时44分钟"}, "not_achieved", 18 * 60 / 1124, (18 * 60 - 1124) / 60),
    ({"target": "≤ 1:30:00", "actual": "1:20:00"}, "achieved", 5400 / 4800, 600.0),
    # fractions: 3/5 is 60% against ≥80%: 0.75, -20
    ({"target": "≥80%", "actual": "3/5"}, "not_achieved", 0.75, -20.0),
    # Chinese numerals: 一千五百 / 一千二百
    ({"target": "不低于一千二百人", "actual": "一千五百人"}, "achieved", 1500 / 1200, 300.0),
    ({"target": "≥百分之三十", "actual": "三成五"}, "achieved", 35 / 30, 5.0),
    # currencies and magnitudes: $1.5M / $1.2M; 15,000 万元 against 1.2亿元 = 12,000 万元
    ({"target": "≥ $1.2M", "actual": "$1.5M"}, "achieved", 1.25, 300_000.0),
    ({"target": "≥1.2亿元", "actual": 15000, "unit": "万元"}, "achieved", 1.25, 3000.0),
    ({"target": "预算 ¥120万", "actual": "114万元"}, "achieved", 120 / 114, 60_000.0),
    # data sizes and rates across prefixes: 800 Mbps of 1 Gbps; 4,800 KB is 4.8 MB against 5 MB
    ({"target": "≥ 1 Gbps", "actual": "800Mbps", "unit": "Mbps"}, "not_achieved", 0.8, -200.0),
    ({"target": "≤ 5 MB", "actual": "4,800KB"}, "achieved", 5 / 4.8, 0.2),
    ({"target": "≤ 1 GiB", "actual": "900 MiB", "unit": "MiB"}, "achieved", 1024 / 900, 124.0),
]


@pytest.mark.parametrize(("fields", "status", "rate", "gap"), CASES, ids=[c[0]["target"] for c in CASES])
def test_every_form_by_hand(fields: dict[str, Any], status: str, rate: float | None, gap: float | None) -> None:
    _judged(fields, status, rate, gap)


def test_a_cap_on_a_decline_is_never_read_as_at_most_three_percent() -> None:
    result = _one(target="下降不超过3%", baseline="28.6%", actual="28%", unit="%")
    # 28.6% minus 3% of it is 27.742%: 28% is above that floor, so the cap was respected
    assert result.status == "achieved"
    assert result.target_level == pytest.approx(28.6 * 0.97)
    assert "≥ 27.74%" in result.statement


def test_a_direction_dependent_target_without_better_needs_verification_and_asks_for_it() -> None:
    result = _run("zh", {"target": "持平", "baseline": 50, "actual": 45})
    metric = result.metrics[0]
    assert metric.status == "needs_verification"
    assert "direction_unknown" in metric.flags
    assert metric.attainment_rate is None
    assert [gap.field for gap in result.summary.data_gaps] == ["better"]


def test_a_tolerance_needs_its_reference() -> None:
    result = _run("zh", {"target": "±2%", "actual": 1015})
    assert result.metrics[0].status == "not_evaluable"
    assert result.summary.data_gaps[0].field == "baseline"


# --- SLO and error budget ------------------------------------------------------------------------------


def test_slo_over_a_month_reads_as_a_budget_overspent_fifteen_times() -> None:
    # 30 days = 43,200 min; 99.99% allows 0.01% = 4.32 min; 99.85% spends 0.15% = 64.8 min = 15x
    metric = _one(target="99.99% SLA", actual="99.85%", slo_period="1个月")
    assert metric.status == "not_achieved"
    budget = metric.error_budget
    assert budget is not None
    assert (budget.period_minutes, budget.budget_minutes, budget.consumed_minutes) == (43200.0, 4.32, 64.8)
    assert budget.remaining_minutes == pytest.approx(-60.48)
    assert budget.consumed == 15.0
    assert budget.exhausted
    assert metric.attainment_rate == pytest.approx(1 / 15)
    assert "error_budget_exceeded" in metric.flags
    assert "15 倍" in metric.statement
    assert "99.9%" not in metric.statement.replace("99.99%", "")


def test_slo_target_written_as_a_level_with_a_period_becomes_an_slo() -> None:
    # ≥99.9% over 30 days: 43.2 min allowed; 99.95% spends 21.6 min = 0.5x
    metric = _one("en", target="≥99.9%", actual="99.95%", slo_period="30d")
    assert metric.target is not None and metric.target.kind == "slo"
    assert metric.status == "achieved"
    assert metric.error_budget is not None
    assert (metric.error_budget.budget_minutes, metric.error_budget.consumed_minutes) == (43.2, 21.6)
    assert metric.error_budget.consumed == 0.5
    assert metric.attainment_rate == pytest.approx(2.0)
    assert "43.2 minutes" in metric.statement and "0.5x" in metric.statement


def test_request_based_slo() -> None:
    # 12,000,000 requests at 99.9%: 12,000 may fail; 99.95% means 6,000 failed = 0.5x
    metric = _one(target="SLO 99.9%", actual="99.95%", slo_requests="1200万")
    assert metric.error_budget is not None
    assert (metric.error_budget.budget_requests, metric.error_budget.failed_requests) == (12000.0, 6000.0)
    assert metric.error_budget.remaining_requests == 6000.0
    assert not metric.error_budget.exhausted


_PERIODS = [("30天", 43200.0), ("quarter", 129600.0), ("7d", 10080.0), ("28 days", 40320.0), ("week", 10080.0)]


@pytest.mark.parametrize(("period", "minutes"), [*_PERIODS, ("一周", 10080.0)])
def test_slo_periods(period: str, minutes: float) -> None:
    metric = _one(target="99.9%", actual="99.9%", slo_period=period)
    assert metric.error_budget is not None and metric.error_budget.period_minutes == minutes


@pytest.mark.parametrize(
    ("period", "days"),
    [
        ("2020年12月", 31),
        ("December 2020", 31),
        ("2020-12", 31),
        ("2024年2月", 29),  # a leap year's February
        ("Feb 2023", 28),
        ("2024年第一季度", 91),  # 31 + 29 + 31
        ("Q1 2024", 91),
        ("2024 Q4", 92),
        ("H2 2024", 184),
        ("2024年", 366),
    ],
)
def test_a_named_calendar_window_counts_its_own_days(period: str, days: int) -> None:
    """Google Cloud's SLAs count the minutes of the calendar month (https://cloud.google.com/compute/sla,
    'Monthly Uptime Percentage'): December has 44,640 of them, not the 43,200 of 30 days. Its 2020-12-14
    User ID Service outage lasted 47 minutes: 1 - 47/44,640 = 99.895% for the month."""
    metric = _one(target="99.9%", actual="99.895%", slo_period=period)
    budget = metric.error_budget
    assert budget is not None and budget.period_minutes == days * 1440
    assert budget.budget_minutes == pytest.approx(days * 1440 * 0.001)
    assert budget.consumed_minutes == pytest.approx(days * 1440 * 0.00105)
    assert budget.consumed == pytest.approx(1.05)


def test_the_december_budget_is_stated_with_its_31_days() -> None:
    metric = _one(target="99.9%", actual="99.895%", slo_period="2020年12月")
    assert "44.64分钟（31天）" in metric.statement and "46.87分钟" in metric.statement


@pytest.mark.parametrize("period", ["2024年13月", "Foo 2024", "FY2024"])
def test_a_window_that_is_no_calendar_window_is_refused(period: str) -> None:
    # FY2024: a fiscal year starts in a month the text does not give, and its length follows from it
    result = _run("zh", {"target": "99.9%", "actual": "99.9%", "slo_period": period})
    assert [error.field for error in result.errors] == ["slo_period"] and period in result.errors[0].message


@pytest.mark.parametrize(
    ("target", "window", "minutes"),
    [
        ("99.9% monthly", "monthly", 43.2),  # Atlassian's cloud SLA, 'Monthly Uptime Percentage' of 99.9%
        ("99.9% over 30 days", "30 days", 43.2),
        ("99.9% over a rolling 28-day window", "rolling 28-day window", 40.32),
        ("99.95% / 30d", "30d", 21.6),  # was refused: '30' read as a second figure
        ("99.9%（月度）", "月度", 43.2),
        ("每月可用性 ≥ 99.9%", "每月", 43.2),
    ],
)
def test_the_window_written_with_the_target_gives_the_budget(target: str, window: str, minutes: float) -> None:
    metric = _one(target=target, actual="99.95%")
    budget = metric.error_budget
    assert metric.target is not None and metric.target.kind == "slo"
    assert budget is not None and budget.period == window and budget.budget_minutes == pytest.approx(minutes)


@pytest.mark.parametrize(
    "period", ["30 days rolling", "28-day rolling window", "trailing 30 days", "过去30天", "近30天"]
)
def test_window_words_around_the_period_are_read(period: str) -> None:
    budget = _one(target="99.9%", actual="99.95%", slo_period=period).error_budget
    assert budget is not None and budget.period_minutes == (28 if "28" in period else 30) * 1440


def test_two_windows_of_different_lengths_are_refused() -> None:
    result = _run("zh", {"target": "99.9%（月度）", "actual": "99.95%", "slo_period": "季度"})
    assert [error.field for error in result.errors] == ["slo_period"]
    assert "月度" in result.errors[0].message and "季度" in result.errors[0].message
    same = _one(target="99.9% monthly", actual="99.95%", slo_period="30天").error_budget
    assert same is not None and same.budget_minutes == 43.2  # the same length twice is one window


@pytest.mark.parametrize(
    ("fields", "spent", "allowed"),
    [
        # Google Cloud incident 20013 (https://status.cloud.google.com/incident/zall/20013): 47 minutes of
        # authentication outage on 2020-12-14; December's calendar month has 44,640 minutes
        ({"target": "99.9%", "actual": "47 min", "slo_period": "December 2020"}, 47.0, 44.64),
        ({"target": "99.9%（月度）", "actual": "47分钟"}, 47.0, 43.2),
        ({"target": "99.99% monthly", "actual": "47 minutes of downtime"}, 47.0, 4.32),
        ({"target": "99.9% monthly", "actual": "2 hours of outage"}, 120.0, 43.2),
    ],
)
def test_an_slo_actual_written_as_downtime_is_the_availability_it_leaves(
    fields: dict[str, str], spent: float, allowed: float
) -> None:
    metric = _one("en", **fields)
    budget = metric.error_budget
    assert budget is not None and budget.period_minutes is not None
    assert metric.actual == pytest.approx(100 * (1 - spent / budget.period_minutes))
    assert budget.consumed_minutes == pytest.approx(spent) and budget.budget_minutes == pytest.approx(allowed)
    assert metric.attainment_rate == pytest.approx(allowed / spent)
    assert metric.status == "not_achieved" and "error_budget_exceeded" in metric.flags


def test_downtime_without_a_window_or_longer_than_it_is_not_judged() -> None:
    alone = _one("en", target="99.9%", actual="47 min")
    assert alone.status == "needs_verification" and alone.error_budget is None  # no window: minutes of what?
    result = _run("zh", {"target": "99.9%", "actual": "31 d", "slo_period": "30d"})
    assert [error.field for error in result.errors] == ["actual"] and "比 SLO 周期" in result.errors[0].message


@pytest.mark.parametrize(
    ("actual", "spent"),
    [
        ("burned 62% of the error budget", 0.62),
        ("62% of error budget", 0.62),
        ("consumed 150% of the monthly error budget", 1.5),
        ("error budget consumed: 62%", 0.62),
        ("38% of the budget remaining", 0.62),
        ("消耗了62%的错误预算", 0.62),
        ("错误预算已消耗62%", 0.62),
        ("错误预算剩余38%", 0.62),
    ],
)
def test_an_slo_actual_written_as_the_budget_spent(actual: str, spent: float) -> None:
    metric = _one("en", target="99.9%", actual=actual, slo_period="30d")
    budget = metric.error_budget
    assert metric.actual == pytest.approx(100 - spent * 0.1)
    assert budget is not None and budget.consumed == pytest.approx(spent)
    assert budget.consumed_minutes == pytest.approx(43.2 * spent)
    assert metric.status == ("achieved" if spent <= 1 else "not_achieved")


def test_a_budget_share_without_an_availability_target_is_not_read() -> None:
    # against a latency ceiling there is no error budget to take a share of: refused, as before
    result = _run("en", {"target": "≤200ms", "actual": "62% of error budget"})
    assert [error.field for error in result.errors] == ["actual"]
    plain = _one("en", target="99.9%", actual="62%")  # a bare 62% is an availability of 62%, not a share
    assert plain.actual == 62.0 and plain.error_budget is None


@pytest.mark.parametrize(
    ("period", "days"), [("一个月（30天）", 30), ("1 month (31 days)", 31), ("quarter (92 days)", 92)]
)
def test_the_days_written_with_a_period_give_its_length(period: str, days: int) -> None:
    budget = _one(target="99.9%", actual="99.95%", slo_period=period).error_budget
    assert budget is not None and budget.period_minutes == days * 1440


@pytest.mark.parametrize("period", ["自然月", "calendar month", "本月", "1 month (35 days)", "30 days (31 days)"])
def test_a_calendar_month_not_named_is_refused_not_taken_for_30_days(period: str) -> None:
    """'自然月' was 30 days: a budget of 43.2 minutes stated for a month that may have 44.64 (31 days) or 40.32
    (28); which month it is decides. '1 month (35 days)' is no month."""
    zh, en = (
        _run("zh", {"target": "99.9%", "actual": "99.95%", "slo_period": period}),
        _run("en", {"target": "99.9%", "actual": "99.95%", "slo_period": period}),
    )
    assert [error.field for error in zh.errors] == [error.field for error in en.errors] == ["slo_period"]
    if "days" not in period:
        assert "28 到 31 天" in zh.errors[0].message and "28 to 31 days" in en.errors[0].message


def test_an_unreadable_slo_period_is_an_error_for_that_metric() -> None:
    result = _run("zh", {"target": "99.9%", "actual": "99.9%", "slo_period": "sometimes"})
    assert [error.field for error in result.errors] == ["slo_period"]
    assert "SLO 周期" in result.errors[0].message


# --- reported-only figures -----------------------------------------------------------------------------


def test_reported_figures_are_facts_not_gaps() -> None:
    result = _run(
        "zh",
        {"name": "x", "actual": "约12万", "reported_only": True},
        {"target": "≥2,000", "actual": 2842},
    )
    reported = result.metrics[0]
    assert reported.status == "reported"
    assert reported.attainment_rate is None
    assert "12万" in reported.statement and "仅报告" in reported.statement
    assert result.summary.reported == 1
    assert result.summary.total == 1
    assert result.summary.data_gaps == []
    assert result.summary.weighted_attainment == pytest.approx(2842 / 2000)


# --- approximations ------------------------------------------------------------------------------------


def test_an_approximate_figure_far_from_the_target_is_judged_and_flagged() -> None:
    metric = _one(target="≥5,000", actual="约5,200")  # 4% above: the approximation cannot flip it
    assert metric.status == "achieved"
    assert "approximate" in metric.flags
    assert metric.attainment_rate == pytest.approx(1.04)


def test_an_approximate_figure_at_the_target_is_not_stated_as_a_verdict() -> None:
    result = _run("zh", {"target": "≤18h", "actual": "超过18小时"})
    metric = result.metrics[0]
    assert metric.status == "needs_verification"
    assert metric.attainment_rate is None
    assert result.summary.data_gaps[0].field == "actual"


# --- unreadable targets --------------------------------------------------------------------------------

_ENGLISH_WORDS = re.compile(r"\b(?:the|cannot|expected|number|found|target|got|unexpected|text)\b", re.IGNORECASE)


@pytest.mark.parametrize("text", ["优化30%", "显著改善", "增长两倍", "≥300以下", "99~95", "提升3pct左右的水平"])
def test_an_unreadable_target_gets_a_chinese_error_with_the_structured_form(text: str) -> None:
    result = _run("zh", {"target": text, "actual": 1}, {"target": "≥1", "actual": 2})
    assert [metric.status for metric in result.metrics] == ["achieved"]
    (error,) = result.errors
    message = error.message
    assert text in message
    assert '"kind": "at_least"' in message
    without_json = re.sub(r"\{.*?\}", "", message)
    assert not _ENGLISH_WORDS.search(without_json), message
    if re.search(r"\d", text):
        assert "没有数字" not in message


def test_an_error_names_the_numbers_it_did_read() -> None:
    (error,) = _run("zh", {"target": "优化30%", "actual": 1}).errors
    assert "30%" in error.message
    assert '"value": "30%"' in error.message
    (english,) = _run("en", {"target": "显著改善", "actual": 1}).errors
    assert "holds no number" in english.message


def test_an_unreadable_actual_gets_a_localized_error() -> None:
    (error,) = _run("zh", {"target": "≥1", "actual": "很多"}).errors
    assert error.field == "actual"
    assert "实际值" in error.message and "没有数字" in error.message
    assert not _ENGLISH_WORDS.search(error.message)


# --- output: units, scale and rounding -----------------------------------------------------------------


def test_chinese_output_writes_time_units_in_words() -> None:
    metric = _one(target="≤2h", actual="1.5h", baseline="3h")
    assert "1.5小时" in metric.statement and "2小时" in metric.statement
    assert not re.search(r"\d\s?(?:h|min|d|s)\b", metric.statement)
    days = _one(target="≤3天", actual=2)
    assert "2天" in days.statement and "3天" in days.statement


def test_english_plurals() -> None:
    assert "2 days" in _one("en", target="≤2天", actual="1天").statement
    assert "actual 1 day" in _one("en", target="≤2天", actual="1天").statement
    assert "actual 1 hour," in _one("en", target="≤2h", actual="1h").statement


@pytest.mark.parametrize(
    ("target", "actual", "rate", "gap"),
    [
        # the singular after 1 is the same noun: 3/1 better by 2; 5/1 better by 4; 1/5 short by 4
        ("< 3 customer complaints", "1 customer complaint", 3.0, 2.0),
        ("at most 5 queries", "1 query", 5.0, 4.0),
        ("at least 5 boxes", "1 box", 0.2, -4.0),
        ("no more than 2 P1 incidents", "1 P1 incident", 2.0, 1.0),
    ],
)
def test_an_english_noun_in_the_singular_is_the_same_unit(target: str, actual: str, rate: float, gap: float) -> None:
    metric = _one("en", target=target, actual=actual)
    assert metric.status == ("achieved" if rate >= 1 else "not_achieved"), metric.statement
    assert metric.attainment_rate == pytest.approx(rate)
    assert metric.gap_to_target == pytest.approx(gap)
    assert f"actual {actual}," in metric.statement  # agreement after 1, as the user wrote it


def test_different_nouns_stay_different_units() -> None:
    metric = _one("en", target="< 3 customer complaints", actual="1 support ticket")
    assert metric.status == "needs_verification"
    assert "unit_mismatch" in metric.flags


def test_severity_classes_are_written_as_classes() -> None:
    english = _one("en", target="fewer than 3 Sev-1 incidents", actual="2 Sev-1 incidents")
    assert "2 Sev1 incidents" in english.statement and "< 3 Sev1 incidents" in english.statement
    chinese = _one(target="不超过2起P1故障", actual="1起P1故障")
    assert "1起P1故障" in chinese.statement and "p1" not in chinese.statement


def test_magnitudes_compose_with_the_unit_once() -> None:
    metric = _one(target="≥1.2亿元", actual=15000, unit="万元")
    assert "1.5亿元" in metric.statement and "1.2亿元" in metric.statement
    assert "万万" not in metric.statement
    english = _one("en", target="≥ $1.2M", actual="$1.5M")
    assert "$1.5M" in english.statement and "$1.2M" in english.statement


def test_a_rounded_weighted_attainment_never_hides_a_miss() -> None:
    # (0.999 + 1.0) / 2 = 0.9995, which rounds to 100.0%: it must show 99.9%
    result = _run("zh", {"target": "≥1000", "actual": 999}, {"target": "≥100", "actual": 100})
    assert result.summary.weighted_attainment == pytest.approx(0.9995)
    assert "加权完成率 99.9%" in attainment_text(result)
    miss = _one(target="≥100000", actual=99999)
    assert miss.status == "not_achieved"
    assert "100.0%" not in miss.statement and "99.9%" in miss.statement


def test_structured_numbers_carry_no_float_noise() -> None:
    metric = _one(target="≥3", actual=4.0, baseline=2.8)  # 4.0 - 2.8 = 1.2000000000000002 in binary
    assert repr(metric.change_abs) == "1.2"
    assert repr(metric.change_rel) == "0.428571428571"  # 12 significant digits


def test_every_form_has_a_structured_equivalent() -> None:
    written = _one(target="下降不超过3%", baseline=100, actual=98)
    structured = _one(
        target={"kind": "relative_change", "value": 3, "direction": "decrease", "limit": True}, baseline=100, actual=98
    )
    assert written.target == structured.target
    assert (
        _one(target={"kind": "relative_change", "factor": 2}, baseline=100, actual=180).target
        == _one(target="翻一番", baseline=100, actual=180).target
    )
    assert (
        _one(target={"kind": "baseline", "direction": "increase"}, baseline=1, actual=2).target
        == _one(target="不低于基线", baseline=1, actual=2).target
    )
    assert (
        _one(target={"kind": "tolerance", "value": "2%"}, baseline=1, actual=1).target
        == _one(target="±2%", baseline=1, actual=1).target
    )
    assert (
        _one(target={"kind": "slo", "value": 99.9}, actual=99.95).target
        == _one(target="99.9% SLA", actual=99.95).target
    )
    assert (
        _one(
            target={
                "kind": "at_most",
                "value": "3",
            },
            actual="第2名",
            unit="rank",
        ).status
        == "achieved"
    )


@pytest.mark.parametrize(
    ("name", "target", "actual", "rate"),
    [
        ("GMV", "GMV 5000万", "GMV 4800万", 0.96),  # 4800 / 5000
        ("DAU", "DAU达到100万", "DAU 92万", 0.92),  # 92 / 100
        ("日活", "100万", "日活：92万", 0.92),
        ("Revenue", "$2M ARR", "$1.8M ARR", 0.9),  # 1.8 / 2
    ],
)
def test_the_metric_s_own_word_beside_the_actual_is_no_second_figure(
    name: str, target: str, actual: str, rate: float
) -> None:
    result = compute_attainment([MetricInput(name=name, target=target, actual=actual)], "zh")
    assert not result.errors, result.errors
    assert result.metrics[0].status == "not_achieved"
    assert result.metrics[0].attainment_rate == pytest.approx(rate)


@pytest.mark.parametrize(("name", "actual"), [("x", "目标 50%"), ("NPS", "CSAT 41"), ("GMV", "GMV 48 tickets 3")])
def test_a_word_the_metric_never_mentions_stays_unread(name: str, actual: str) -> None:
    result = compute_attainment([MetricInput(name=name, target="50", actual=actual)], "en")
    assert not result.metrics and result.errors[0].field == "actual"


@pytest.mark.parametrize(
    ("target", "language", "named", "value"),
    [
        ("优化5万", "zh", "5万", 50_000),  # a verb that states no side: unread, and 5万 is 50,000, not 5
        ("打通1.2千", "en", "1.2千", 1_200),
    ],
)
def test_an_unread_target_names_its_figures_with_their_magnitude(
    target: str, language: str, named: str, value: float
) -> None:
    """The error names the figure as a reader would say it back, and the structured spec it offers keeps
    the magnitude: a caller that follows the hint must not turn 5万 into a target of 5 (a false verdict)."""
    import json

    from fupan_mcp.analysis.targets import spec_example

    result = _run(language, {"target": target, "actual": "5.2万"})
    assert not result.metrics and len(result.errors) == 1
    assert named in result.errors[0].message
    assert json.loads(spec_example(target)) == {"kind": "at_least", "value": value}
    assert f'"value": {value}' in result.errors[0].message


@pytest.mark.parametrize(
    ("target", "actual", "status", "rate", "gap"),
    [
        # what the figure bounds, glued to it: its words tell the side (gaps: positive is the good side)
        ("故障时长30分钟", "42分钟", "not_achieved", 30 / 42, -12.0),  # a ceiling: 30/42 = 71.4%, over by 12
        ("营销费用20万", "18万", "achieved", 20 / 18, 20_000.0),  # a ceiling: 20/18 = 111.1%, under by 2万
        ("不良率0.5%", "0.3%", "achieved", 0.5 / 0.3, 0.2),  # a ceiling: 166.7%, 0.2 pp under
        ("超时率0.1%", "0.2%", "not_achieved", 0.5, -0.1),  # 超时 is a failure: 0.1/0.2 = 50%
        ("降本金额100万", "120万", "achieved", 1.2, 200_000.0),  # savings: a floor, 120/100
        # a count: 新增, 日均... make the glued name a count of something, a floor
        ("新增用户5万", "5.2万", "achieved", 1.04, 2_000.0),
        ("日均订单3万", "2.8万", "not_achieved", 2.8 / 3, -2_000.0),
        # a label before the figure, spaced: the label's words tell the side where the metric's name does not
        ("成本 200万", "180万", "achieved", 200 / 180, 200_000.0),
        ("Cost 1.5M", "1.2M", "achieved", 1.5 / 1.2, 300_000.0),
        ("Error rate 0.5%", "0.3%", "achieved", 0.5 / 0.3, 0.2),
        ("43 minutes of downtime per month", "30 minutes", "achieved", 43 / 30, 13.0),
        ("故障数 3", "2", "achieved", 1.5, 1.0),
    ],
)
def test_the_words_before_a_bare_figure_tell_its_side(
    target: str, actual: str, status: str, rate: float, gap: float
) -> None:
    """'Cost 1.5M' of a metric named 'Cloud' was judged as at least 1.5M ('not achieved' at 1.2M), and
    '故障时长30分钟' was unread: the label in the target names what the figure bounds."""
    _judged({"name": "项目", "target": target, "actual": actual}, status, rate, gap)


@pytest.mark.parametrize("target", ["优化30%", "减少投诉50起", "提升用户5万"])
def test_a_glued_verb_still_states_no_level(target: str) -> None:
    """A glued word that tells no side, or states a change, never becomes a floor."""
    result = _run("zh", {"target": target, "actual": "40", "baseline": "60"})
    assert all(metric.target is None or metric.target.kind != "at_least" for metric in result.metrics)


def test_a_label_that_contradicts_the_name_is_a_doubt() -> None:
    """'Saved hours' (higher is better) with 'Cost 20' as its target: which way is better is asked."""
    result = _run("en", {"target": "Cost 20", "actual": "18", "name": "Hours saved"})
    assert result.metrics[0].status == "needs_verification"


@pytest.mark.parametrize(
    ("name", "target", "actual", "status", "rate"),
    [
        # lower is better by the name: a bare target is a ceiling
        ("资损金额", "10万", "20万", "not_achieved", 0.5),  # a loss of 20万 against 10万: 10/20
        ("误报率", "5%", "3%", "achieved", 5 / 3),
        ("Fraud losses", "$50k", "$40k", "achieved", 1.25),
        ("Cart abandonment", "60%", "70%", "not_achieved", 60 / 70),
        ("App size", "50 MB", "45 MB", "achieved", 50 / 45),
        ("Replication lag", "5 s", "8 s", "not_achieved", 5 / 8),
        # higher is better: a rate of responses or recoveries, a bad thing dealt with
        ("客服响应率", "95%", "97%", "achieved", 97 / 95),
        ("Survey response rate", "40%", "30%", "not_achieved", 0.75),
        ("Bugs fixed", "120", "150", "achieved", 1.25),
        ("缺陷修复率", "90%", "95%", "achieved", 95 / 90),
    ],
)
def test_the_name_tells_which_way_a_bare_target_bounds(
    name: str, target: str, actual: str, status: str, rate: float
) -> None:
    """Names of losses, false alarms, abandonment, size and lag were judged as floors ('资损 10万' achieved at
    20万); 'response rate' and 'bugs fixed' were judged as ceilings."""
    result = _one(name=name, target=target, actual=actual)
    assert result.status == status, result.statement
    assert result.attainment_rate == pytest.approx(rate, rel=1e-9)


@pytest.mark.parametrize(
    ("target", "actual"),
    [("1000万", "达成105%"), ("≥ 1000万元", "完成105%"), ("5w+", "92%"), ("1.2亿", "98.5%"), ("≥95%", "1100万")],
)
def test_a_share_in_a_count_s_row_states_no_verdict(target: str, actual: str) -> None:
    """'达成105%' in a 1000万 row is the attainment, not 105 of 1000万: a count and a share do not convert,
    so no verdict (it was 'not achieved, 0.001%'), and no 1100万 % against 95% either."""
    for language in ("zh", "en"):
        result = _one(language, target=target, actual=actual)
        assert result.status == "needs_verification", result.statement
        assert result.flags == ["unit_mismatch"] and result.attainment_rate is None
    assert _one(target="1000万", actual="1050万").status == "achieved"  # the figure itself still reads
