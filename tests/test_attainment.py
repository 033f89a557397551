"""compute_attainment: statuses, rates, gaps and changes, on the worked numbers and the seed's figures."""

from __future__ import annotations

from typing import Any

import pytest

from fupan_mcp.analysis.attainment import RATE_CAP, compute_attainment
from fupan_mcp.domain.attainment import AttainmentResult, MetricInput, MetricResult
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language
from fupan_mcp.limits import MAX_METRICS
from fupan_mcp.report.tool_text import attainment_text


def _metric(**fields: Any) -> MetricInput:
    return MetricInput.model_validate({"name": "m", **fields})


def _one(language: str = "zh", **fields: Any) -> MetricResult:
    result = compute_attainment([_metric(**fields)], language)  # type: ignore[arg-type]
    assert not result.errors, result.errors
    return result.metrics[0]


# --- worked numbers (methods.md §2) --------------------------------------------------------------------


def test_relative_decrease_worked_example() -> None:
    result = _one(name="订单处理时长", target="下降30%", baseline="2.8h", actual="1.7h", unit="h")
    assert result.status == "achieved"
    assert result.change_rel == pytest.approx(-0.392857, abs=1e-6)
    assert result.attainment_rate == pytest.approx(1.3095, abs=1e-4)
    assert result.target_level == pytest.approx(1.96)
    assert result.gap_to_target == pytest.approx(0.26)
    assert "下降 39.3%" in result.statement
    assert "进度 131%，" in result.statement  # 39.29 / 30, as the table writes it
    assert "≤ 1.96小时" in result.statement


def test_percentage_points_and_relative_change_are_reported_separately() -> None:
    result = _one(name="库存准确率", target="≥98%", baseline="93.1%", actual="99.2%", unit="%")
    assert result.status == "achieved"
    assert result.change_pp == pytest.approx(6.1)
    assert result.change_abs == pytest.approx(6.1)
    assert result.change_rel == pytest.approx(0.065521, abs=1e-6)
    assert "+6.1 个百分点" in result.statement
    assert "+6.55%" in result.statement


def test_budget_variance_is_a_share_of_the_budget() -> None:
    result = _one(name="成本", target={"kind": "budget", "value": 450_000}, actual=432_000)
    assert result.status == "achieved"
    assert result.gap_to_target == pytest.approx(18_000)
    assert result.gap_rate == pytest.approx(0.04)
    assert result.attainment_rate == pytest.approx(450 / 432)
    assert "节省 1.8万" in result.statement
    assert "占预算 4%）" in result.statement  # 1.8 / 45 = 4 %


def test_budget_written_as_text_with_magnitudes() -> None:
    result = _one(name="成本", target="预算45万", actual="43.2万")
    assert (result.target is not None) and result.target.kind == "budget"
    assert result.gap_rate == pytest.approx(0.04)


def test_overspent_budget_is_not_achieved() -> None:
    result = _one(name="成本", target="预算 100", actual=110, language="en")
    assert result.status == "not_achieved"
    assert result.gap_to_target == pytest.approx(-10)
    assert result.gap_rate == pytest.approx(-0.1)
    assert "overspend 10, 10% of budget" in result.statement


# --- the seed's figures ----------------------------------------------------------------------------------

SEED_METRICS: list[dict[str, Any]] = [
    {"name": "注册", "target": "≥2,000", "actual": "2,842"},
    {"name": "D7留存", "target": "≥25%", "actual": "28.6%"},
    {"name": "DAU", "target": "≥300", "actual": 318, "aggregation": "peak"},
    {"name": "GMV", "target": "≥1,500万", "actual": "1628万"},
    {"name": "投放ROI", "target": "≥3", "actual": 3.4},
    {"name": "CPA", "target": "≤45元", "actual": "39.6元"},
    {"name": "新客占比", "target": "≥35%", "actual": None},
    {"name": "库存准确率", "target": "≥98%", "baseline": "93.1%", "actual": "99.2%", "unit": "%"},
    {"name": "关账周期", "target": "≤T+1", "baseline": "T+3", "actual": "T+1"},
    {"name": "订单处理时长", "target": "下降30%", "baseline": "2.8h", "actual": "1.7h", "unit": "h"},
    {"name": "接口成功率", "target": "≥99.5%", "actual": "99.7%"},
]


def _seed(language: str = "zh") -> AttainmentResult:
    metrics = [MetricInput.model_validate(fields) for fields in SEED_METRICS]
    return compute_attainment(metrics, language)  # type: ignore[arg-type]


def _by_name(result: AttainmentResult) -> dict[str, MetricResult]:
    return {metric.name: metric for metric in result.metrics}


@pytest.mark.parametrize(
    ("name", "status", "rate"),
    [
        ("注册", "achieved", 2842 / 2000),
        ("D7留存", "achieved", 28.6 / 25),
        ("DAU", "needs_verification", None),
        ("GMV", "achieved", 1628 / 1500),
        ("投放ROI", "achieved", 3.4 / 3),
        ("CPA", "achieved", 45 / 39.6),
        ("新客占比", "not_evaluable", None),
        ("库存准确率", "achieved", 99.2 / 98),
        ("关账周期", "achieved", 1.0),
        ("订单处理时长", "achieved", 0.39285714 / 0.3),
        ("接口成功率", "achieved", 99.7 / 99.5),
    ],
)
def test_seed_figures(name: str, status: str, rate: float | None) -> None:
    result = _by_name(_seed())[name]
    assert result.status == status
    assert result.attainment_rate == (pytest.approx(rate) if rate is not None else None)


def test_seed_summary_counts_and_data_gaps() -> None:
    summary = _seed().summary
    assert (summary.total, summary.achieved, summary.not_achieved) == (11, 9, 0)
    assert (summary.needs_verification, summary.not_evaluable, summary.errors) == (1, 1, 0)
    assert {(gap.subject, gap.field) for gap in summary.data_gaps} == {
        ("DAU", "actual"),
        ("新客占比", "actual"),
    }
    assert summary.weighted_attainment_basis == 9


def test_dau_peak_asks_for_the_average() -> None:
    dau = _by_name(_seed())["DAU"]
    assert dau.flags == ["peak_only"]
    assert dau.gap_to_target is None
    assert "峰值" in dau.statement and "均值" in dau.statement
    dau_en = _by_name(_seed("en"))["DAU"]
    assert "average" in dau_en.statement


def test_missing_actual_is_not_evaluable_with_a_data_gap() -> None:
    result = compute_attainment([_metric(name="新客占比", target="≥35%")])
    metric = result.metrics[0]
    assert metric.status == "not_evaluable"
    assert metric.flags == ["missing_actual"]
    gap = result.summary.data_gaps[0]
    assert (gap.subject, gap.field, gap.path) == ("新客占比", "actual", "metrics[0].actual")


def test_close_cycle_t_plus_n() -> None:
    result = _by_name(_seed())["关账周期"]
    assert result.unit == "T+"
    assert (result.actual, result.baseline, result.change_abs) == (1.0, 3.0, -2.0)
    assert "T+1" in result.statement and "T+3" in result.statement


def test_gmv_in_wan_reads_naturally_in_chinese() -> None:
    result = _by_name(_seed())["GMV"]
    assert result.actual == 16_280_000
    assert "1,628万" in result.statement and "1,500万" in result.statement


# --- statuses and flags ------------------------------------------------------------------------------


def test_at_least_not_reached() -> None:
    result = _one(target="≥2,000", actual=1500, language="en")
    assert result.status == "not_achieved"
    assert result.attainment_rate == pytest.approx(0.75)
    assert result.gap_to_target == pytest.approx(-500)
    assert "short by 500" in result.statement


def test_at_most_rate_is_target_over_actual() -> None:
    result = _one(target="≤45元", actual="50元")
    assert result.status == "not_achieved"
    assert result.attainment_rate == pytest.approx(0.9)
    assert result.gap_to_target == pytest.approx(-5)


def test_strict_comparison_needs_more_than_the_threshold() -> None:
    assert _one(target=">300", actual=300).status == "not_achieved"
    assert _one(target="≥300", actual=300).status == "achieved"


def test_raw_values_are_compared_with_a_tolerance_not_rounded() -> None:
    close = _one(target="≥0.3", actual=0.1 + 0.2 - 1e-17)
    assert close.status == "achieved"
    short = _one(target="≥99.5%", actual="99.49%")
    assert short.status == "not_achieved"


def test_exact_relative_boundary_counts_within_tolerance() -> None:
    result = _one(target="下降30%", baseline=2.8, actual=1.96)
    assert result.status == "achieved"
    assert result.attainment_rate == pytest.approx(1.0)


def test_relative_change_not_reached_moves_the_right_way() -> None:
    result = _one(target="下降30%", baseline=100, actual=80)
    assert result.status == "not_achieved"
    assert result.attainment_rate == pytest.approx(20 / 30)
    assert "partial_progress" in result.flags


def test_regression_against_the_baseline_is_flagged() -> None:
    result = _one(target="+15%", baseline=100, actual=90)
    assert result.status == "not_achieved"
    assert result.attainment_rate == pytest.approx(-10 / 15)
    assert "regressed" in result.flags


def test_pp_target_judges_the_point_change() -> None:
    result = _one(target="+5pp", baseline="93.1%", actual="99.2%")
    assert result.status == "achieved"
    assert result.unit == "%"
    assert result.attainment_rate == pytest.approx(6.1 / 5)
    assert result.target_level == pytest.approx(98.1)


def test_pp_target_on_a_non_percent_metric_needs_verification() -> None:
    result = _one(target="+5pp", baseline="10元", actual="16元")
    assert result.status == "needs_verification"
    assert "unit_mismatch" in result.flags


def test_range_has_no_ratio_only_the_distance_to_the_nearest_bound() -> None:
    inside = _one(target="95~99%", actual="98%")
    assert (inside.status, inside.attainment_rate, inside.gap_to_target) == ("achieved", None, 1.0)
    outside = _one(target="95~99%", actual="93.5%", language="en")
    assert (outside.status, outside.gap_to_target) == ("not_achieved", -1.5)
    assert "outside the range by 1.5 pp" in outside.statement


def test_equal_target() -> None:
    assert _one(target="=100", actual=100).status == "achieved"
    missed = _one(target="=100", actual=97)
    assert (missed.status, missed.attainment_rate, missed.gap_to_target) == ("not_achieved", None, -3)


def test_zero_target_gives_the_absolute_difference_and_no_ratio() -> None:
    result = _one(target="≤0", actual=2)
    assert result.status == "not_achieved"
    assert result.attainment_rate is None
    assert result.gap_to_target == -2
    assert "zero_target" in result.flags


def test_zero_baseline_for_a_relative_target_needs_verification() -> None:
    result = _one(target="+10%", baseline=0, actual=5)
    assert result.status == "needs_verification"
    assert "zero_baseline" in result.flags
    assert result.change_abs == 5 and result.change_rel is None


def test_negative_target_uses_a_rate_that_stays_monotone() -> None:
    better = _one(target="≥-100", actual=-50)
    worse = _one(target="≥-100", actual=-150)
    assert better.status == "achieved" and worse.status == "not_achieved"
    assert better.attainment_rate == pytest.approx(1.5)
    assert worse.attainment_rate == pytest.approx(0.5)
    assert "negative_values" in better.flags


def test_negative_values_against_an_upper_bound_have_no_rate() -> None:
    result = _one(target="≤10", actual=-5)
    assert result.status == "achieved"
    assert result.attainment_rate is None
    assert "negative_values" in result.flags


def test_missing_baseline_for_a_change_target() -> None:
    result = compute_attainment([_metric(name="时长", target="下降30%", actual="1.7h")])
    assert result.metrics[0].status == "not_evaluable"
    assert result.metrics[0].flags == ["missing_baseline"]
    assert result.summary.data_gaps[0].field == "baseline"


def test_missing_target_is_not_evaluable() -> None:
    result = compute_attainment([_metric(name="券核销率", actual="32%")])
    assert result.metrics[0].status == "not_evaluable"
    assert result.summary.data_gaps[0].field == "target"


def test_compatible_time_units_convert() -> None:
    result = _one(target="≤2h", actual="100 min")
    assert result.status == "achieved"
    assert result.unit == "h"
    assert result.actual == pytest.approx(100 / 60)


def test_unit_mismatch_needs_verification() -> None:
    result = _one(target="≥98%", actual="39.6元")
    assert result.status == "needs_verification"
    assert result.flags == ["unit_mismatch"]
    assert (result.unit, result.actual_unit) == ("%", "元")
    assert result.attainment_rate is None


def test_scaled_metric_unit() -> None:
    result = _one(target="≥1,500万", actual=1628, unit="万元")
    assert (result.actual, result.target_level, result.unit) == (1628, 1500, "万元")
    assert result.status == "achieved"


@pytest.mark.parametrize(
    ("aggregation", "target_aggregation", "actual", "status", "flags"),
    [
        ("peak", None, 318, "needs_verification", ["peak_only"]),
        ("peak", "average", 318, "needs_verification", ["peak_only", "aggregation_mismatch"]),
        ("peak", "peak", 318, "achieved", []),
        ("peak", "average", 290, "not_achieved", ["peak_only", "aggregation_mismatch"]),
        ("peak", None, 290, "needs_verification", ["peak_only"]),
        ("total", "average", 318, "needs_verification", ["aggregation_mismatch"]),
        ("average", "average", 318, "achieved", []),
        ("average", None, 318, "achieved", []),
    ],
)
def test_aggregation_rules(
    aggregation: str, target_aggregation: str | None, actual: float, status: str, flags: list[str]
) -> None:
    result = _one(target="≥300", actual=actual, aggregation=aggregation, target_aggregation=target_aggregation)
    assert (result.status, result.flags) == (status, flags)


# --- errors and whole-input problems -----------------------------------------------------------------


def test_one_bad_target_among_good_metrics() -> None:
    metrics = [
        _metric(name="注册", target="≥2,000", actual="2,842"),
        _metric(name="口碑", target="显著改善", actual=3),
        _metric(name="CPA", target="≤45元", actual="39.6元"),
    ]
    result = compute_attainment(metrics)
    assert [metric.name for metric in result.metrics] == ["注册", "CPA"]
    assert [metric.index for metric in result.metrics] == [0, 2]
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.index, error.name, error.field, error.path) == (1, "口碑", "target", "metrics[1].target")
    assert "显著改善" in error.reason
    assert "口碑" in error.message
    assert result.summary.errors == 1
    assert "口碑" in attainment_text(result)


def test_unreadable_actual_is_an_error_for_that_metric() -> None:
    result = compute_attainment([_metric(target="≥1", actual="lots"), _metric(target="≥1", actual=2)])
    assert [(error.field, error.index) for error in result.errors] == [("actual", 0)]
    assert result.metrics[0].status == "achieved"


def test_empty_input_is_an_input_error() -> None:
    with pytest.raises(InputError) as raised:
        compute_attainment([])
    assert raised.value.field == "metrics"


def test_too_many_metrics_is_an_input_error() -> None:
    metric = _metric(target="≥1", actual=1)
    with pytest.raises(InputError, match=str(MAX_METRICS)):
        compute_attainment([metric] * (MAX_METRICS + 1))


def test_unknown_language_is_an_input_error() -> None:
    with pytest.raises(InputError) as raised:
        compute_attainment([_metric(target="≥1", actual=1)], "fr")  # type: ignore[arg-type]
    assert raised.value.field == "language"


@pytest.mark.parametrize("bad", [{"actual": True}, {"weight": -1}, {"target": {"kind": "most"}}, {"typo": 1}])
def test_input_model_rejects_malformed_fields(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        _metric(**{"target": "≥1", **bad})


# --- summary, language, markdown ---------------------------------------------------------------------


def test_weighted_attainment_caps_each_rate_and_skips_unjudged_metrics() -> None:
    metrics = [
        _metric(name="a", target="≥10", actual=50, weight=1),  # rate 5.0, capped
        _metric(name="b", target="≥10", actual=5, weight=3),  # rate 0.5
        _metric(name="c", target="≥10", actual=50, aggregation="peak"),  # needs verification
        _metric(name="d", target="≥10"),  # not evaluable
    ]
    summary = compute_attainment(metrics).summary
    assert summary.weighted_attainment == pytest.approx((RATE_CAP * 1 + 0.5 * 3) / 4)
    assert summary.weighted_attainment_basis == 2


def test_weighted_attainment_is_none_without_judged_rates() -> None:
    assert compute_attainment([_metric(target="≥10")]).summary.weighted_attainment is None


def test_english_statements() -> None:
    result = _by_name(_seed("en"))
    assert result["注册"].statement == (
        "注册: actual 2,842, target ≥ 2,000, achieved (attainment 142.1%, ahead by 842)."
    )
    assert result["CPA"].statement == (
        "CPA: actual ¥39.6, target ≤ ¥45, achieved (attainment 113.6%, under the limit by ¥5.4)."
    )
    assert "down 39.3%" in result["订单处理时长"].statement
    assert "progress 131%" in result["订单处理时长"].statement
    assert "+6.1 pp (relative +6.55%)" in result["库存准确率"].statement
    assert "missing" in result["新客占比"].statement


def test_chinese_statements() -> None:
    result = _by_name(_seed())
    assert result["注册"].statement == "注册：实际 2,842，目标 ≥ 2,000，已达成（完成率 142.1%，超出 842）。"
    assert result["D7留存"].statement.endswith("超出 3.6 个百分点）。")
    assert "缺少实际值" in result["新客占比"].statement


def test_summary_rate_convention_is_localized() -> None:
    assert "目标/实际" in _seed().summary.rate_convention
    assert "target/actual" in _seed("en").summary.rate_convention


def test_tool_text_table() -> None:
    text = attainment_text(_seed())
    lines = text.splitlines()
    assert "| 指标 | 目标 | 实际 | 基线 | 变化 | 完成率 | 与目标差距 | 状态 |" in lines
    # 99.2 - 93.1 = +6.1 pp, relative 6.1 / 93.1 = +6.55 %; rate 99.2 / 98 = 101.2 %
    assert any(
        line.startswith("| 库存准确率 | ≥ 98% | 99.2% | 93.1% | +6.1 个百分点（相对 +6.55%） | 101.2% |")
        for line in lines
    )
    assert any(line.startswith("| DAU | ≥ 300 | 318 | — | — | — | — |") for line in lines)
    assert any(line.startswith("| 新客占比 | ≥ 35% | 待补充 | — | — | — | — |") for line in lines)
    assert "### 数据缺口" in text
    english = attainment_text(_seed("en"))
    assert "| Metric | Target | Actual | Baseline | Change | Rate | Against target | Status |" in english
    # (1.7 - 2.8) / 2.8 = -39.3 %; progress 39.29 / 30 = 131 %; the statement rounds the same way
    assert "| 订单处理时长 | decrease by 30% | 1.7 hours | 2.8 hours | down 39.3% (-1.1 hours) | 131% |" in english
    (hours,) = [m for m in _seed("en").metrics if m.name == "订单处理时长"]
    assert "down 39.3% (-1.1 hours)" in hours.statement and "(progress 131%," in hours.statement  # as in the table


def test_tool_text_escapes_pipes_in_names() -> None:
    text = attainment_text(compute_attainment([_metric(name="a|b", target="≥1", actual=2)]))
    assert "a\\|b" in text


def test_default_language_is_chinese() -> None:
    assert compute_attainment([_metric(target="≥1", actual=2)]).language == "zh"


# --- performance -------------------------------------------------------------------------------------


def test_five_thousand_metrics_are_all_computed() -> None:
    # Speed is measured in benchmarks/bench_core.py; this checks the result on a large input.
    metrics = [
        MetricInput.model_validate({**SEED_METRICS[i % len(SEED_METRICS)], "name": f"m{i}"}) for i in range(5000)
    ]
    result = compute_attainment(metrics)
    seed_statuses = [metric.status for metric in _seed().metrics]
    assert result.summary.total == 5000
    assert [metric.status for metric in result.metrics] == [seed_statuses[i % len(SEED_METRICS)] for i in range(5000)]


def test_a_number_too_large_for_a_float_is_an_error_for_that_metric_only() -> None:
    result = compute_attainment(
        [MetricInput(name="huge", target=">=" + "9" * 400, actual=3), MetricInput(name="ok", target=">=1", actual=2)]
    )
    assert [error.name for error in result.errors] == ["huge"]
    assert [metric.status for metric in result.metrics] == ["achieved"]


def test_a_big_call_reads_without_the_kept_readings() -> None:
    """More than `CACHED_METRICS` metrics leave no entry in the kept readings (their scattered entries kept
    memory resident after the call): the call keeps its own, dropped when it ends; a small call keeps its
    readings; the figures are the same either way."""
    from fupan_mcp.analysis import misreads
    from fupan_mcp.analysis.attainment import compute_attainment as compute
    from fupan_mcp.domain.attainment import MetricInput

    def metrics(count: int, tag: str) -> list[MetricInput]:
        return [MetricInput(name=f"{tag}指标{i}", target=f"≥{1000 + i}", actual=str(900 + i)) for i in range(count)]

    kept = getattr(misreads._bare_level, "kept")  # noqa: B009  # one reading per target text
    kept.cache_clear()
    big = compute(metrics(misreads.CACHED_METRICS + 1, "大"))
    assert kept.cache_info().currsize == 0 and misreads._CALL_MEMO.get() is None
    small = compute(metrics(3, "大"))
    assert kept.cache_info().currsize == 3
    rates = [m.attainment_rate for m in small.metrics]
    assert [m.attainment_rate for m in big.metrics[:3]] == rates == pytest.approx([0.9, 901 / 1001, 902 / 1002])


def test_a_weight_written_as_a_percent() -> None:
    """'60%' and '40%' as KPI sheets write weights: 0.6 and 0.4 (0.6 × 90% + 0.4 × 120% = 102%)."""
    from fupan_mcp.analysis.attainment import compute_attainment as compute
    from fupan_mcp.domain.attainment import MetricInput

    metrics = [
        MetricInput.model_validate({"name": "A", "target": "≥100", "actual": "90", "weight": "60%"}),
        MetricInput.model_validate({"name": "B", "target": "≥50", "actual": "60", "weight": "40 ％"}),
    ]
    assert [m.weight for m in metrics] == [0.6, 0.4]
    assert compute(metrics).summary.weighted_attainment == pytest.approx(1.02)
    with pytest.raises(ValueError, match="weight"):
        MetricInput.model_validate({"name": "C", "target": "≥10", "actual": "5", "weight": "很重要"})


@pytest.mark.parametrize(
    ("language", "gap", "change"), [("zh", "超出上限 1 名", "变化 -2 名"), ("en", "by 1 place", "change -2 places")]
)
def test_a_rank_misses_and_moves_by_places(language: Language, gap: str, change: str) -> None:
    """第6名 → 第4名 against 前三: 1 place short, up 2 places; a difference of ranks is no rank ('第1名',
    '第-2名') and no percent ('下降 33.3%' read as a fall)."""
    result = compute_attainment([MetricInput(name="排名", target="前三", actual="第4名", baseline="第6名")], language)
    [metric] = result.metrics
    assert (metric.status, metric.gap_to_target, metric.change_abs) == ("not_achieved", -1, -2)
    text = attainment_text(result)
    assert gap in text and change in text
    assert "第1名" not in text and "第-2名" not in text and "#-2" not in text and "33.3%" not in text


def test_calendar_days_against_working_days_are_shown_as_written() -> None:
    """'2天' against '≤3个工作日' is a doubt (2 calendar days may be 0-2 working days): the table showed the
    actual as '2个工作日', a figure nobody wrote."""
    result = compute_attainment([MetricInput(name="交付", target="≤3个工作日", actual="2天")])
    [metric] = result.metrics
    assert metric.status == "needs_verification" and metric.actual_unit == "d"
    table_row = next(line for line in attainment_text(result).splitlines() if line.startswith("| 交付"))
    assert "2天" in table_row and "2个工作日" not in table_row


def test_a_scorecard_s_own_field_names_are_read() -> None:
    """{'metric', 'goal', 'result'} and {'kpi', 'plan', 'achieved', 'previous'} were refused as unknown."""
    first = MetricInput.model_validate({"metric": "GMV", "goal": "5000万", "result": "5200万"})
    second = MetricInput.model_validate({"kpi": "退款率", "plan": "下降20%", "achieved": "1.6%", "previous": "2%"})
    assert (first.name, first.target, first.actual) == ("GMV", "5000万", "5200万")
    assert (second.name, second.target, second.actual, second.baseline) == ("退款率", "下降20%", "1.6%", "2%")
    result = compute_attainment([first, second])
    # GMV 5,200万 / 5,000万 = 104%; 退款率 2% -> 1.6% is a fall of 20%, exactly the target: 100%
    assert [(r.status, r.attainment_rate) for r in result.metrics] == [
        ("achieved", pytest.approx(1.04)),
        ("achieved", pytest.approx(1.0)),
    ]


@pytest.mark.parametrize(
    ("language", "actual", "gap"),
    [("zh", "实际 9天", "低于上限 5天"), ("en", "actual 9 days", "under the limit by 5 days")],
)
def test_a_duration_is_written_in_a_unit_it_reads_plainly_in(language: Language, actual: str, gap: str) -> None:
    """'9 days' against 'under 2 weeks' is computed in weeks (9/7, 14/9 = 155.6%) but written as days: it
    read 'actual 1.29 weeks, under the limit by 0.7143 weeks'. 1.25 hours stays in hours."""
    result = compute_attainment(
        [
            MetricInput(name="Onboarding", target="under 2 weeks", actual="9 days"),
            MetricInput(name="MTTR", target="≤ 1h", actual="75 min"),
        ],
        language,
    )
    onboarding, mttr = result.metrics
    assert onboarding.unit == "week" and onboarding.attainment_rate == pytest.approx(14 / 9, abs=1e-9)
    assert actual in onboarding.statement and gap in onboarding.statement
    assert {"zh": "实际 1.25小时", "en": "actual 1.25 hours"}[language] in mttr.statement
    assert actual in attainment_text(result)
