"""Targets against actuals: status, attainment rate, gap and change for every metric (methods.md §2).

Rules:

- Values are read by `numbers.parse_scaled_quantity` and expressed in the metric's unit (declared, or
  inferred from the target, then the actual, then the baseline). Time units convert (h ↔ min), T+N and
  days count alike, a scaled unit undoes magnitude words (``1628万`` is 1628 for ``万元``). Units that do
  not convert (元 against %) make the metric ``needs_verification`` with the flag ``unit_mismatch``.
- Raw values are compared with a relative tolerance of 1e-9 (flag ``rounding_tolerance`` when it
  decided); rounding happens only for display.
- Rate conventions (``attainment_rate`` is a fraction, 1.31 = 131%):
  at least: actual / target (a negative target uses 2 - actual / target, which stays monotone);
  at most and budget: target / actual (lower is better, so 45 / 39.6 = 113.6%); none for negative values;
  change targets: achieved change / target change (a 39.29% decrease against "下降30%" is 131.0%);
  ranges and equal targets: no ratio, only the signed distance (``gap_to_target``);
  a target of 0: no ratio, the absolute difference and the flag ``zero_target``.
- ``gap_to_target`` is in the metric's unit, positive when better than the target; for change targets it
  is measured from the level the target implies (2.8 h, "下降30%" → 1.96 h). ``gap_rate`` is the gap over
  the threshold: for a budget of 450k spent 432k it is the 4.0% variance share.
- Change against the baseline: absolute, relative (over |baseline|), and in percentage points for ``%``
  metrics (93.1% → 99.2% is +6.1 pp and +6.55%). A baseline of 0 gives no relative change.
- Evidence that does not fit the target is ``needs_verification`` with no rate: a ``peak`` actual unless
  the target is on the peak too, or any other aggregation mismatch. One exception, because it is a proof:
  a peak below an at-least target stated on the average or the latest value is ``not_achieved`` (with
  no rate: the peak only bounds it).
- A figure whose reading the text alone cannot settle is ``needs_verification`` with a flag and a reason
  naming the field, never a verdict (`analysis.misreads`): 分 that may be points or minutes
  (``unit_ambiguous``); a bare figure about 100x or a magnitude word off its target, a bare actual beyond a
  fraction target's scale, ratings on different scales (``scale_doubt``, with the likely reading); a bare
  duration target of a metric whose better side is unknown (``direction_unknown``). What the name settles
  is read so: 分 of a rating is points, "4.3" against "4.5/5" is 4.3 points, a latency's bare "200ms" a ceiling.
- A negative actual against a positive ceiling of a loss or a deviation, or a loss ceiling written negative,
  is ``scale_doubt`` (the minus sign may only say "loss"); so is a bare figure in base units for a 万元 or
  亿元 metric (26,200,000,000 for 亿元).
- A date or a deadline ("6月30日前上线", "Q3 完成", "by end of June", "2026-06-30") in the target, actual or
  baseline is a milestone, not a figure: a `MetricError` saying so, never "7月 is ahead of 6月 by 1月".
- Calendar against working time (4天 against ≤3个工作日, hours against business hours) is ``unit_ambiguous``;
  a loss cut (减亏50%) measured on negative figures is ``scale_doubt``.
- Words around a target that say what it is about are taken out before it is read, never its comparator or
  figure: a trailing bracketed comparison note ("≥ 95%（同比+2pp）", "(vs 93% last year)"; on an actual
  too), the metric's own name after the figure ("less than 2 hours MTTR"), a unit hyphen ("2-hour"), a
  share's noun and a coverage verb (至少覆盖80%门店, "cover at least 80% of stores"); 减亏 is the loss down.
  "前10%" as an actual is the share it names. A target against a reference with no figure (不低于行业平均,
  "beat the industry benchmark") is refused naming the reference.
- A missing target, actual, or baseline needed by a change target is ``not_evaluable`` and a data gap.
- Unreadable values become `MetricError` entries; the other metrics are still computed. Whole-input
  problems (no metrics, too many, unknown language) raise `InputError`.
- ``weighted_attainment`` is the weighted mean of the rates of achieved and not-achieved metrics, each
  clamped to [0, RATE_CAP].
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fupan_mcp import numfmt
from fupan_mcp.analysis.misreads import (
    Doubt,
    Reconsidered,
    date_only,
    days_doubt,
    fen_unit,
    kept_reading,
    looks_like_date,
    loss_change_doubt,
    magnitude_doubt,
    names_a_ratio,
    readings_of_one_call,
    reconsider,
    sign_doubt,
    start_doubt,
    target_magnitude,
)
from fupan_mcp.analysis.targets import (
    MULTIPLE_UNITS,
    MetricUnit,
    TargetError,
    describe_target,
    metric_unit,
    parse_target,
    same_noun,
    spec_example,
    takes_no_count,
    target_from_spec,
    to_metric_unit,
)
from fupan_mcp.domain.attainment import (
    AttainmentResult,
    AttainmentSummary,
    ErrorBudget,
    Flag,
    MetricError,
    MetricInput,
    MetricResult,
    ParsedTarget,
    Status,
    TargetSpec,
)
from fupan_mcp.domain.common import DataGap, Language, built
from fupan_mcp.domain.items import ItemError, kept_positions
from fupan_mcp.domain.numbers import (
    KNOWN_UNITS,
    TIME_SECONDS,
    NumberError,
    Value,
    canonical_unit,
    ratio_value,
    read_value,
)
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Table, check_language, localized, template_parts, tr
from fupan_mcp.limits import MAX_METRICS
from fupan_mcp.numfmt import clean, difference_unit, percent

__all__ = ["RATE_CAP", "compute_attainment"]

RATE_CAP = 2.0
_REL_TOL = 1e-9
_ABS_TOL = 1e-12
_APPROX_MARGIN = 0.02
_RANK_UNITS = frozenset({"rank", "名", "位"})
_CHANGE_KINDS = frozenset({"relative_change", "pp_change", "absolute_change"})
_BASELINE_KINDS = _CHANGE_KINDS | {"baseline", "tolerance"}
_STATUSES: tuple[Status, ...] = ("achieved", "not_achieved", "needs_verification", "not_evaluable", "reported")
_PERIOD_DAYS = {
    "month": 30.0, "monthly": 30.0, "月": 30.0, "个月": 30.0, "月度": 30.0,
    "quarter": 90.0, "quarterly": 90.0, "季度": 90.0, "季": 90.0, "个季度": 90.0,
    "year": 365.0, "yearly": 365.0, "annual": 365.0, "年": 365.0, "年度": 365.0,
    "week": 7.0, "weekly": 7.0, "周": 7.0, "星期": 7.0, "day": 1.0, "daily": 1.0, "天": 1.0, "日": 1.0,
}  # fmt: skip

Case = Literal[
    "judged",
    "peak",
    "peak_bound",
    "aggregation",
    "unit",
    "zero_baseline",
    "no_target",
    "no_actual",
    "no_baseline",
    "reported",
    "direction",
    "approximate",
    "doubt",
]

_TEXT: Table = {
    # status words and table headers
    "achieved": {"zh": "已达成", "en": "achieved"},
    "not_achieved": {"zh": "未达成", "en": "not achieved"},
    "needs_verification": {"zh": "待核验", "en": "needs verification"},
    "not_evaluable": {"zh": "无法评估", "en": "not evaluable"},
    # sentence frame
    "statement": {"zh": "{name}：{body}。", "en": "{name}: {body}."},
    "sep": {"zh": "，", "en": ", "},
    "detail": {"zh": "{verdict}（{details}）", "en": "{verdict} ({details})"},
    # pieces of a judged statement
    "actual_is": {"zh": "实际 {actual}", "en": "actual {actual}"},
    "target_is": {"zh": "目标 {target}", "en": "target {target}"},
    "target_level": {"zh": "目标 {target}（即 {level}）", "en": "target {target} (i.e. {level})"},
    "baseline_is": {"zh": "基线 {baseline}", "en": "baseline {baseline}"},
    "from_to": {"zh": "由 {baseline} 到 {actual}", "en": "from {baseline} to {actual}"},
    "rate_level": {"zh": "完成率 {rate}", "en": "attainment {rate}"},
    "rate_change": {"zh": "进度 {rate}", "en": "progress {rate}"},
    "ahead": {"zh": "超出 {gap}", "en": "ahead by {gap}"},
    "short": {"zh": "差 {gap}", "en": "short by {gap}"},
    "under_limit": {"zh": "低于上限 {gap}", "en": "under the limit by {gap}"},
    "over_limit": {"zh": "超出上限 {gap}", "en": "over the limit by {gap}"},
    "saving": {"zh": "节省 {gap}，占预算 {share}", "en": "saving {gap}, {share} of budget"},
    "overspend": {"zh": "超支 {gap}，占预算 {share}", "en": "overspend {gap}, {share} of budget"},
    "off_by": {"zh": "偏离 {gap}", "en": "off by {gap}"},
    "inside": {"zh": "在区间内，距最近边界 {gap}", "en": "inside the range, {gap} from the nearest bound"},
    "outside": {"zh": "超出区间 {gap}", "en": "outside the range by {gap}"},
    "margin": {"zh": "余量 {gap}", "en": "margin {gap}"},
    # change against the baseline
    "pp_change": {"zh": "{pp} 个百分点（相对 {rel}）", "en": "{pp} pp (relative {rel})"},
    "pp_only": {"zh": "{pp} 个百分点", "en": "{pp} pp"},
    "down": {"zh": "下降 {rel}（{abs}）", "en": "down {rel} ({abs})"},
    "up": {"zh": "增长 {rel}（{abs}）", "en": "up {rel} ({abs})"},
    "flat": {"zh": "持平", "en": "unchanged"},
    "change_abs": {"zh": "变化 {abs}", "en": "change {abs}"},
    # target descriptions
    "budget": {"zh": "预算 {value}", "en": "budget {value}"},
    "increase": {"zh": "提升 {value}", "en": "increase by {value}"},
    "decrease": {"zh": "下降 {value}", "en": "decrease by {value}"},
    "increase_strict": {"zh": "提升超过 {value}", "en": "increase by more than {value}"},
    "decrease_strict": {"zh": "下降超过 {value}", "en": "decrease by more than {value}"},
    # cases that are not judged
    "no_target": {
        "zh": "未设定目标，无法评估达成情况",
        "en": "no target was set, so attainment cannot be judged",
    },
    "no_actual": {
        "zh": "缺少实际值，无法评估（目标 {target}），请补充",
        "en": "the actual value is missing, so it cannot be judged (target {target}); please supply it",
    },
    "no_baseline": {
        "zh": "目标 {target} 是相对基线的变化，但缺少基线值，无法评估，请补充基线",
        "en": "the target {target} is a change from the baseline, which is missing; please supply it",
    },
    "unit": {
        "zh": "单位不一致（实际 {actual}，目标 {target}），待核验，请统一单位",
        "en": "the units differ (actual {actual}, target {target}); needs verification: use one unit",
    },
    "unit_baseline": {
        "zh": "单位不一致（实际 {actual}，基线 {baseline}），待核验，请统一单位",
        "en": "the units differ (actual {actual}, baseline {baseline}); needs verification: use one unit",
    },
    "zero_baseline": {
        "zh": "基线为 0，相对变化无意义，不能按“{target}”判断；绝对变化 {abs}，待核验",
        "en": "the baseline is 0, so a relative change is undefined and '{target}' cannot be judged; "
        "absolute change {abs}; needs verification",
    },
    "peak": {
        "zh": "只有峰值 {actual}，峰值不能证明目标 {target} 已达成，待核验；"
        "请补充与目标同口径的均值（如 7 日/30 日均值）",
        "en": "only the peak {actual} is reported, and a peak cannot prove the target {target}; needs "
        "verification: supply the average on the target's basis (e.g. the 7- or 30-day mean)",
    },
    "peak_bound": {
        "zh": "峰值 {actual} 已低于目标 {target}，{aggregation}只会更低",
        "en": "the peak {actual} is already below the target {target}; the {aggregation} cannot be higher",
    },
    "aggregation": {
        "zh": "实际值为{actual_aggregation}口径（{actual}），目标为{target_aggregation}口径（{target}），"
        "口径不一致，待核验；请补充{target_aggregation}口径的实际值",
        "en": "the actual is a {actual_aggregation} ({actual}) but the target is on the {target_aggregation} "
        "({target}); needs verification: supply the {target_aggregation}",
    },
    "agg_peak": {"zh": "峰值", "en": "peak"},
    "agg_average": {"zh": "均值", "en": "average"},
    "agg_total": {"zh": "累计值", "en": "total"},
    "agg_latest": {"zh": "期末值", "en": "latest value"},
    "agg_unstated": {"zh": "未注明", "en": "unstated"},
    # data gaps
    "gap_target": {
        "zh": "请补充「{name}」的目标值；若未设目标，请注明。",
        "en": "Supply the target of '{name}', or note that none was set.",
    },
    "gap_actual": {"zh": "请补充「{name}」的实际值。", "en": "Supply the actual value of '{name}'."},
    "gap_baseline": {
        "zh": "「{name}」的目标是相对基线的变化，请补充基线值。",
        "en": "The target of '{name}' is a change from the baseline: supply the baseline.",
    },
    "gap_peak": {
        "zh": "「{name}」只有峰值，请补充与目标同口径的均值（如 7 日/30 日均值）。",
        "en": "'{name}' has only a peak: supply the average on the target's basis (e.g. the 30-day mean).",
    },
    "gap_aggregation": {
        "zh": "请补充「{name}」{aggregation}口径的实际值。",
        "en": "Supply the {aggregation} of '{name}', the basis of its target.",
    },
    "gap_unit": {
        "zh": "请统一「{name}」目标、实际值与基线的单位。",
        "en": "State the target, actual and baseline of '{name}' in one unit.",
    },
    "gap_zero_baseline": {
        "zh": "「{name}」的基线为 0，无法按相对变化判断，请改用绝对目标（如 ≥ 某值）。",
        "en": "The baseline of '{name}' is 0: restate its target as a level (e.g. ≥ a value).",
    },
    # errors
    "field_target": {"zh": "目标", "en": "target"},
    "field_name": {"zh": "名称", "en": "name"},
    "blank_name": {
        "zh": "第 {number} 项指标没有名称，未评估。请写明指标名称，其余指标照常计算。",
        "en": "Metric #{number} has no name and was not judged. Give its name; the other metrics are computed.",
    },
    "field_actual": {"zh": "实际值", "en": "actual"},
    "field_baseline": {"zh": "基线", "en": "baseline"},
    "metric_error": {
        "zh": "「{name}」的{field}无法解析：{reason}。可写作 ≥2,000、≤45元、下降30%、+5pp、95~99%、≤T+1。",
        "en": "The {field} of '{name}' cannot be read: {reason}. "
        "Write it like ≥2,000, ≤45元, -30%, +5pp, 95~99% or ≤T+1.",
    },
    "empty": {"zh": "至少需要一个指标", "en": "at least one metric is required"},
    "too_many": {
        "zh": "指标数量 {count} 超过上限 {limit}",
        "en": "{count} metrics exceed the limit of {limit}",
    },
    # summary
    "rate_convention": {
        "zh": "完成率：下限目标 = 实际/目标；上限目标（成本、时长）与预算 = 目标/实际；"
        "变化目标 = 实际变化/目标变化；区间、等值与目标为 0 时不计完成率。"
        "加权完成率只计已达成与未达成的指标，单项封顶 {cap}。",
        "en": "Rate: at-least targets = actual/target; "
        "at-most targets (cost, time) and budgets = target/actual; "
        "change targets = achieved change/target change; none for ranges, equal or zero targets. "
        "The weighted rate counts achieved and not-achieved metrics only, each capped at {cap}.",
    },
    "summary_line": {
        "zh": "共 {total} 项：已达成 {achieved}，未达成 {not_achieved}，待核验 {needs_verification}，"
        "无法评估 {not_evaluable}；加权完成率 {weighted}。",
        "en": "{total} metrics: {achieved} achieved, {not_achieved} not achieved, {needs_verification} need "
        "verification, {not_evaluable} not evaluable; weighted attainment {weighted}.",
    },
    "errors_title": {"zh": "无法计算的指标：", "en": "Metrics that could not be computed:"},
    # reported-only figures, SLOs, baseline levels, approximations
    "reported": {"zh": "已报告", "en": "reported"},
    "reported_fact": {"zh": "{actual}（仅报告，不设目标）", "en": "{actual} (reported, no target)"},
    "direction": {
        "zh": "目标“{target}”取决于指标方向，请注明越高越好或越低越好（把 better 设为 higher 或 lower），待核验",
        "en": "the target '{target}' depends on which way is better; needs verification: set better to higher or lower",
    },
    "approximate": {
        "zh": "实际 {actual} 为约数，与目标 {target} 相差不足 {margin}，无法据此判断，待核验；请补充准确值",
        "en": "the actual {actual} is approximate and within {margin} of the target {target}; needs "
        "verification: supply the exact value",
    },
    "approx_note": {"zh": "实际值为约数", "en": "the actual is approximate"},
    "slo_budget": {
        "zh": "错误预算 {budget}（{period}），实际消耗 {spent}，为预算的 {times} 倍",
        "en": "error budget {budget} ({period}), spent {spent}, {times}x the budget",
    },
    "slo_times": {"zh": "错误预算消耗为预算的 {times} 倍", "en": "error budget spent {times}x"},
    "slo_requests": {
        "zh": "允许失败 {budget} 次请求，实际失败 {spent} 次，为预算的 {times} 倍",
        "en": "allowed {budget} failed requests, {spent} failed, {times}x the budget",
    },
    "gap_direction": {
        "zh": "「{name}」的目标取决于指标方向，请注明越高越好还是越低越好（better）。",
        "en": "The target of '{name}' depends on which way is better: set `better` (higher or lower).",
    },
    "gap_approximate": {
        "zh": "「{name}」的实际值为约数且接近目标，请补充准确值。",
        "en": "The actual of '{name}' is approximate and close to the target: supply the exact value.",
    },
    "field_unit": {"zh": "单位", "en": "unit"},
    "field_slo_period": {"zh": "SLO 周期", "en": "SLO period"},
    "field_slo_requests": {"zh": "SLO 请求数", "en": "SLO request count"},
    "target_error": {
        "zh": "「{name}」的目标“{text}”无法解析：{why}。可写作 ≥2,000、≤45元、下降30%、下降不超过3%、+5pp、"
        "95~99%、TOP3、≤T+1，或改用结构化目标，如 {spec}。",
        "en": "The target '{text}' of '{name}' cannot be read: {why}. Write it like ≥2,000, ≤45元, -30%, "
        "decline no more than 3%, +5pp, 95~99%, TOP3 or ≤T+1, or use a structured target such as {spec}.",
    },
    "date_error": {
        "zh": "「{name}」的{field}“{text}”是日期或期限，不是可计算的数值：完成率只对数值计算。"
        "请把按期与否作为里程碑记录，或改成数值，如目标 ≤0天（延期天数）、实际 5天。",
        "en": "The {field} '{text}' of '{name}' is a date or a deadline, not a figure: attainment is computed "
        "for figures only. Record it as a milestone, or state it as a figure, such as target ≤0 days (days "
        "late) and actual 5 days.",
    },
    "value_error": {
        "zh": "「{name}」的{field}“{text}”无法解析：{why}。请写成数字加单位，如 2,842、28.6%、39.6元、1628万、"
        "1小时20分。",
        "en": "The {field} '{text}' of '{name}' cannot be read: {why}. Write a number with its unit, such as "
        "2,842, 28.6%, 39.6元, 1628万 or 1h20m.",
    },
    # why a value or target could not be read, by error code
    "why.empty": {"zh": "内容为空", "en": "it is empty"},
    "why.no_number": {"zh": "其中没有数字", "en": "it holds no number"},
    "why.reference": {
        "zh": "它以“{reference}”为参照，却没有写出参照的数值，无从计算；请写出具体数值（如 ≥32%），"
        "或把参照值填入基线并写“不低于基线”",
        "en": "it compares with '{reference}' but gives no figure for it, so there is nothing to compute: write "
        "the figure (e.g. ≥32%), or put the reference's value in the baseline and write 'at least baseline'",
    },
    "why.unreadable": {
        "zh": "读到了数字 {numbers}，但无法确定它们的含义",
        "en": "it holds the numbers {numbers}, but their meaning is unclear",
    },
    "why.text_around_number": {
        "zh": "数字前后有无法识别的文字",
        "en": "there is text around the number that is not a unit",
    },
    "why.contradicting": {"zh": "比较符相互矛盾", "en": "its comparators contradict each other"},
    "why.verb_sign": {"zh": "动词与正负号方向相反", "en": "the verb and the sign point opposite ways"},
    "why.range_order": {"zh": "区间下限 {low} 大于上限 {high}", "en": "the low bound {low} is above the high {high}"},
    "why.range_units": {"zh": "区间两端单位不同", "en": "the bounds have different units"},
    "why.tolerance_units": {"zh": "容差与数值的单位不同", "en": "the tolerance and the value have different units"},
    "why.budget_ceiling": {"zh": "预算是上限，不能写“不低于”", "en": "a budget is a ceiling, not a floor"},
    "why.ambiguous_multiple": {
        "zh": "“增长N倍”有歧义（是N倍还是N+1倍？），请写“达到基线的N倍”或“增长100%”",
        "en": "'grow N times' is ambiguous (xN or xN+1?): write 'Nx the baseline' or '+100%'",
    },
    "why.ambiguous_clock": {
        "zh": "“1:20”可能是时：分或分：秒，请写 1小时20分 或 1:20:00",
        "en": "'1:20' could be h:mm or mm:ss: write 1h20m or 1:20:00",
    },
    "why.ambiguous_ratio": {
        "zh": "比值两边都不是 1，无法确定读作哪一边对 1（如 2:3 是 1:1.5 还是 0.67:1？），请写成 1:N 或 N:1",
        "en": "the ratio has no side of 1, so it is unclear which way it reads (is 2:3 1:1.5 or 0.67:1?): "
        "write it as 1:N or N:1",
    },
    "why.negative_within": {
        "zh": "负数加“以内”有歧义（是降幅不超过该值，还是不高于该负数？），请写 ≥-10% 或 下降不超过10%",
        "en": "a negative figure 'within' is ambiguous (a decline of at most that size, or at most that negative "
        "figure?): write ≥-10% or 'decline no more than 10%'",
    },
    "why.bad_factor": {"zh": "倍数必须大于 0 且不等于 1", "en": "a multiple must be above 0 and not 1"},
    "why.rank_zero": {"zh": "名次从 1 开始", "en": "a rank starts at 1"},
    "why.rank_direction": {"zh": "名次越小越好，请写 TOP3 或 前三", "en": "a lower rank is better: write TOP3"},
    "why.change_equal": {"zh": "变化目标不能用“=”", "en": "a change cannot be '='"},
    "why.zero_denominator": {"zh": "分母为 0", "en": "the denominator is 0"},
    "why.not_finite": {"zh": "数值超出范围", "en": "the number is out of range"},
    "why.boolean": {"zh": "应为数字，而不是真/假", "en": "a number is expected, not true/false"},
    "why.period": {
        "zh": "无法识别的周期，请写 30天、1个月、季度、7d，或具体的月份、季度（如 2024年3月、2024年第一季度）",
        "en": "the period is not recognised: write 30d, 1 month, quarter, 7 days, or the month or quarter itself "
        "(e.g. March 2024, 2024 Q1)",
    },
    "why.downtime_over_window": {
        "zh": "停机时间比 SLO 周期“{window}”还长",
        "en": "the downtime is longer than the SLO window '{window}'",
    },
    "why.calendar_month": {
        "zh": "自然月有 28 到 31 天，错误预算取决于是哪个月；请写明月份（如 2024年3月）或天数（如 30天）",
        "en": "a calendar month has 28 to 31 days, so the error budget depends on which one; name the month "
        "(e.g. March 2024) or the days (e.g. 30 days)",
    },
    "why.period_conflict": {
        "zh": "目标里写的周期是“{window}”，与它不是同一长度，错误预算无法确定；请只保留一个周期",
        "en": "the target gives another window, '{window}', of another length, so the error budget cannot be "
        "settled; keep one of them",
    },
    "why.start_mismatch": {
        "zh": "起点 {start}、变化 {change} 与终点 {end} 对不上",
        "en": "the start {start}, the change {change} and the end {end} do not agree",
    },
    "why.spec": {
        "zh": "结构化目标不完整或自相矛盾（{kind}）",
        "en": "the structured target is incomplete or contradicts itself ({kind})",
    },
    "gaps_title": {"zh": "待补充数据：", "en": "Data gaps:"},
    # figures whose reading is in doubt
    "doubt_fen": {
        "zh": "{field}“{text}”中的“分”可能是分数（评分）也可能是分钟，无法据此判断，待核验；"
        "请写明单位：评分写“points”，时长写“分钟”",
        "en": "the 分 in the {field} '{text}' may be a score (points) or minutes, so it cannot be judged; "
        "needs verification: write the unit as points or 分钟 (minutes)",
    },
    "doubt_scale": {
        "zh": "{field}“{text}”未写单位，且超出目标“{target}”的满分 {scale}，无法确定口径，待核验；请写明单位",
        "en": "the {field} '{text}' has no unit and is above the scale of the target '{target}' (out of "
        "{scale}), so its basis is unclear; needs verification: write its unit",
    },
    "doubt_magnitude": {
        "zh": "{field}“{text}”未写单位，可读作 {read}，也可能是 {likely}（两种读法相差 {times} 倍），"
        "无法对照目标“{target}”判断，待核验；请写明单位，如“{likely}”",
        "en": "the {field} '{text}' has no unit: it reads as {read} but may be {likely} (the two readings are "
        "{times}x apart), so it cannot be judged against the target '{target}'; needs verification: write its "
        "unit, e.g. '{likely}'",
    },
    "doubt_rating": {
        "zh": "实际值“{text}”与目标“{target}”相差 10 倍以上，像是不同的评分制（如 5 分制与百分制），无法据此判断，"
        "待核验；请按同一评分制填写",
        "en": "the actual '{text}' and the target '{target}' are 10x or more apart in points, as if on different "
        "rating scales (out of 5 and out of 100?), so it cannot be judged; needs verification: state both on one scale",
    },
    "doubt_sign": {
        "zh": "{field}“{text}”与目标“{target}”的正负号口径不一：负号若只表示亏损或减少，与按负数比较的结论相反，"
        "待核验；请按同一口径填写目标和数值（如亏损都写正数）",
        "en": "the {field} '{text}' and the target '{target}' do not use signs the same way: read with the minus "
        "sign as a mere 'loss' marker and read as negative numbers, they give opposite verdicts, so it cannot be "
        "judged; needs verification: write the target and the figures the same way (a loss as a positive figure "
        "in all)",
    },
    "doubt_days": {
        "zh": "{field}“{text}”与目标“{target}”一个按自然时间、一个按工作时间计（4 个自然日可能只有 2 个工作日），"
        "不能直接比较，待核验；请按同一口径填写",
        "en": "the {field} '{text}' and the target '{target}' count time differently (calendar time against "
        "working time: 4 calendar days may be only 2 working days), so they cannot be compared; needs "
        "verification: state both the same way",
    },
    "doubt_plus": {
        "zh": "目标“{text}”带正号：既可以是得分 {value}（即 ≥ {value}），也可以是提升 {value}，无法据此判断，"
        "待核验；请写明“≥ {value}”或“提升 {value}”",
        "en": "the target '{text}' has a plus sign: it may be the score of {value} (≥ {value}) or a rise of "
        "{value}, so it cannot be judged; needs verification: write '≥ {value}' or 'increase by {value}'",
    },
    "doubt_start": {
        "zh": "目标“{text}”与基线对不上：按目标，基线应为 {start}，而给出的基线是 {baseline}；"
        "由 {baseline} 按所写变化是 {reached}，与终点 {end} 不同，两种读法结论不同，无法确定按哪个判断，待核验；"
        "请核对基线或目标",
        "en": "the target '{text}' does not agree with the baseline: it implies a baseline of {start}, but the "
        "baseline given is {baseline}; the stated change from {baseline} reaches {reached}, not the end level "
        "{end}, and the two readings give different verdicts, so it cannot be judged; needs verification: check "
        "the baseline or the target",
    },
    "doubt_ratio": {
        "zh": "目标“{text}”是比值，指标名看不出它越高越好还是越低越好（1:20 是每 1 个对应至多 20 个，"
        "还是至少 20 个？），待核验；请写“≤ {text}”或“≥ {text}”，或设置 better",
        "en": "the target '{text}' is a ratio, and the name does not tell whether it is better higher or lower "
        "(is 1:20 at most 20 for each one, or at least 20?); needs verification: write '≤ {text}' or "
        "'≥ {text}', or set better",
    },
    "start_note": {
        "zh": "注意：目标“{text}”意味着基线为 {start}，给出的基线是 {baseline}（按所写变化应到 {reached}），"
        "两种读法结论相同",
        "en": "note: the target '{text}' implies a baseline of {start}, but the baseline given is {baseline} (the "
        "stated change reaches {reached}); both readings give the same verdict",
    },
    "doubt_inherited": {
        "zh": "目标“{text}”未写单位，按实际值 {actual} 的单位读作百分数，两者相差 20 倍以上，无法据此判断，待核验；"
        "请写明目标的单位",
        "en": "the target '{text}' has no unit: read as a percent like the actual {actual}, the two are 20x or "
        "more apart, so it cannot be judged; needs verification: write the target's unit",
    },
    "gap_fen": {
        "zh": "「{name}」的“分”是评分还是分钟？请写明单位。",
        "en": "Is the 分 of '{name}' a score or minutes? State the unit.",
    },
    "gap_scale": {
        "zh": "请写明「{name}」{field}的单位。",
        "en": "State the unit of the {field} of '{name}'.",
    },
    "gap_days": {
        "zh": "请确认「{name}」{field}按自然时间还是工作时间计，并与目标同一口径。",
        "en": "State whether the {field} of '{name}' counts calendar or working time, as the target does.",
    },
    "gap_plus": {
        "zh": "「{name}」的目标是得分还是提升幅度？请写明。",
        "en": "Is the target of '{name}' a score or a rise? State which.",
    },
    "gap_start": {
        "zh": "请核对「{name}」的基线：它与目标写明的起点或变化幅度对不上。",
        "en": "Check the baseline of '{name}': it does not agree with the start or the change the target states.",
    },
    "gap_ratio": {
        "zh": "「{name}」的比值目标是越高越好还是越低越好？请写“≤”或“≥”，或设置 better。",
        "en": "Is the ratio target of '{name}' better higher or lower? Write ≤ or ≥ with it, or set `better`.",
    },
    "gap_sign": {
        "zh": "请确认「{name}」{field}的正负号与目标同一口径。",
        "en": "Check that the sign of the {field} of '{name}' follows the target's.",
    },
}

_W: dict[Language, dict[str, str]] = {
    language: {key: localized(entry, language) for key, entry in _TEXT.items()} for language in ("zh", "en")
}
"""`_TEXT` in each language, for the words of every metric's statement: what `tr` looks up, looked up
once (``_W[language][key].format(...)`` is `tr`'s text; about a tenth of a metric's text was `tr`'s own
work, nine calls a metric)."""

_PART_FIELDS: dict[str, tuple[str, ...]] = {
    "statement": ("name", "body"),
    "detail": ("verdict", "details"),
    "actual_is": ("actual",),
    "target_is": ("target",),
    "baseline_is": ("baseline",),
    "from_to": ("baseline", "actual"),
    "target_level": ("target", "level"),
    "rate_level": ("rate",),
    "rate_change": ("rate",),
    **dict.fromkeys(("ahead", "short", "under_limit", "over_limit", "off_by", "inside", "outside", "margin"), ("gap",)),
    "pp_change": ("pp", "rel"),
    "pp_only": ("pp",),
    "down": ("rel", "abs"),
    "up": ("rel", "abs"),
    "change_abs": ("abs",),
}
"""The templates of a judged metric's statement and their fields in the order they are written."""
_P: dict[Language, dict[str, tuple[str, ...]]] = {
    language: {key: template_parts(_W[language][key], fields) for key, fields in _PART_FIELDS.items()}
    for language in ("zh", "en")
}
"""`_PART_FIELDS`' templates in each language as their literal parts (`i18n.template_parts`): a statement
is written by concatenation, ``before + figure + after``, not by seven ``str.format`` calls a metric."""


# --- internal records --------------------------------------------------------------------------------

# Not frozen: a frozen dataclass sets each field through object.__setattr__, five times slower to
# build (5 µs against 1 µs for `_Reading`), and five of these are built per metric. They stay private
# and nothing changes them once built.


class _FieldError(ValueError):
    def __init__(
        self, field_name: str, reason: str, code: str = "unreadable", text: str = "", **params: object
    ) -> None:
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason
        self.code = code
        self.text = text
        self.params = params


@dataclass(slots=True)
class _Reading:
    """A metric's values, read and expressed in the metric's unit."""

    target: ParsedTarget | None
    actual: float | None
    baseline: float | None
    unit: MetricUnit
    actual_unit: str | None
    baseline_unit: str | None
    target_fits: bool
    actual_fits: bool
    baseline_fits: bool
    approximate: bool = False
    budget: ErrorBudget | None = None
    doubt: Doubt | None = None


@dataclass(slots=True)
class _Score:
    """The numbers of a judged metric."""

    achieved: bool
    rate: float | None
    gap: float | None
    gap_rate: float | None
    level: float | None
    flags: tuple[Flag, ...] = ()


@dataclass(slots=True)
class _Verdict:
    status: Status
    case: Case
    score: _Score | None = None
    flags: tuple[Flag, ...] = ()
    doubt: Doubt | None = None


@dataclass(slots=True)
class _Change:
    absolute: float | None = None
    relative: float | None = None
    points: float | None = None
    flags: tuple[Flag, ...] = ()


_NO_CHANGE = _Change()


# --- entry point -------------------------------------------------------------------------------------


def compute_attainment(
    metrics: Sequence[MetricInput], language: Language = "zh", *, set_aside: Sequence[ItemError] = ()
) -> AttainmentResult:
    """Judge every metric against its target; see the module docstring for the rules.

    Raises InputError for whole-input problems; a metric that cannot be read becomes a `MetricError`.
    ``set_aside``: the metrics of the input left out of ``metrics`` because their shape was wrong
    (`domain.items`); each becomes a `MetricError` too, and ``metrics`` keep their input positions.
    """
    _check_input(metrics, language)
    positions = kept_positions(len(metrics), set_aside)
    results: list[MetricResult] = []
    gaps: list[DataGap] = []
    # In passes over every metric: read the figures, put them in the metric's unit, judge, write the
    # figures, the statements, the results. The same work in the same order for each metric, but each
    # pass keeps one part of the code hot: all at once, the reading, judging and writing of 1,000 metrics
    # took 37 us a metric, in two passes (read and judge, then write) 29, in six 24 (bench_core inputs,
    # CPU time).
    figures: list[tuple[int, MetricInput, Reconsidered]] = []
    read: list[tuple[int, MetricInput, _Reading]] = []
    failed: list[tuple[int, MetricInput, _FieldError]] = []
    with readings_of_one_call(len(metrics)):
        for index, metric in zip(positions, metrics, strict=True):
            try:
                figures.append((index, metric, _read_figures(metric)))
            except _FieldError as error:
                failed.append((index, metric, error))
        unread = len(failed)
        for index, metric, figure in figures:
            try:
                read.append((index, metric, _read(metric, figure)))
            except _FieldError as error:
                failed.append((index, metric, error))
        if len(failed) > unread:  # an SLO's period or request count not read: the errors in input order
            failed.sort(key=lambda entry: entry[0])
        errors = [_metric_error(index, metric, error, language) for index, metric, error in failed]
        if set_aside:
            errors = sorted(errors + [_set_aside_error(entry) for entry in set_aside], key=lambda e: e.index)
        judged = [(index, metric, reading, _verdict(metric, reading)) for index, metric, reading in read]
        shown = [_shown(reading, language) for _, _, reading, _ in judged]
        statements = [
            _statement(metric, reading, verdict, display, language)
            for (_, metric, reading, verdict), (_, display) in zip(judged, shown, strict=True)
        ]
        for (index, metric, reading, verdict), (change, display), statement in zip(
            judged, shown, statements, strict=True
        ):
            results.append(_result(index, metric, reading, verdict, change, display, statement))
            gaps.extend(_data_gaps(index, metric, verdict, language))
    summary = _summarize(results, errors, gaps, language)
    return AttainmentResult(language=language, metrics=results, errors=errors, summary=summary)


def _check_input(metrics: Sequence[MetricInput], language: Language) -> None:
    check_language(language)
    if not metrics:
        raise InputError("metrics", tr(_TEXT, "empty", language))
    if len(metrics) > MAX_METRICS:
        raise InputError("metrics", tr(_TEXT, "too_many", language, count=len(metrics), limit=MAX_METRICS))


# --- reading -----------------------------------------------------------------------------------------


def _read_figures(metric: MetricInput) -> Reconsidered:
    """The target, actual and baseline as written, read again where the text alone misleads
    (`misreads.reconsider`). Raises `_FieldError`."""
    if not metric.name.strip():
        raise _FieldError("name", "the metric has no name", code="blank_name")
    _refuse_dates(metric)
    written = metric.target if isinstance(metric.target, str) else ""
    ratio = (":" in written or "：" in written) and names_a_ratio(metric)  # a colon first: the common target has none
    target = _read_target(_without_slash_window(metric.target), fen_unit(metric), metric.name, ratio=ratio)
    share = _budget_share(metric.actual)
    if share is not None and _slo_level(target) is not None:
        # 'burned 62% of the error budget' against 99.9%: 0.62 of the 0.1% allowed failed, 99.938% available
        slo = _required(_slo_level(target))
        actual: Value | None = Value(value=100 - share * (100 - slo), unit="%")
    else:
        actual = _read_value(metric.actual, "actual", metric)
    baseline = _read_value(metric.baseline, "baseline", metric)
    return reconsider(metric, target, actual, baseline)


def _read(metric: MetricInput, figures: Reconsidered) -> _Reading:
    """The figures in the metric's unit, with the doubts the units and the name raise. Raises `_FieldError`
    (an SLO period or request count that cannot be read)."""
    target, actual, baseline, doubt = figures
    window = _target_window(metric.target)
    if (
        target is not None
        and target.kind == "at_least"
        and (metric.slo_period or window or metric.slo_requests is not None or _budget_share(metric.actual) is not None)
    ):
        target = target.model_copy(update={"kind": "slo"})
    if target is not None and target.kind == "slo" and actual is not None and (metric.slo_period or window):
        actual = _downtime_as_availability(actual, metric.slo_period or window or "", metric)
    declared = metric_unit(fen_unit(metric))
    unit = declared if declared.label is not None else metric_unit(_inferred_unit(target, actual, baseline))
    actual_value, actual_unit, actual_fits = _in_unit(actual, unit)
    baseline_value, baseline_unit, baseline_fits = _in_unit(baseline, unit)
    if _multiple_of_a_level(actual, baseline):
        baseline_fits = False
    if doubt is None:
        doubt = magnitude_doubt(metric, target, unit.label, (actual, actual_value), (baseline, baseline_value))
    if doubt is None:
        doubt = sign_doubt(target, actual, metric)
    if doubt is None:
        doubt = days_doubt(target, actual, baseline, metric)
    if doubt is None:
        doubt = loss_change_doubt(target, actual, baseline, metric)
    if doubt is None and baseline_fits:
        doubt = start_doubt(metric, target, baseline_value, fen_unit(metric))
    if doubt is not None and doubt.kind == "days":  # '2天' is shown as written, not as '2个工作日'
        actual_unit = actual.unit if doubt.field == "actual" and actual is not None else actual_unit
        baseline_unit = baseline.unit if doubt.field == "baseline" and baseline is not None else baseline_unit
    approximate = any(q is not None and q.approximate for q in (actual, baseline))
    budget = None
    if target is not None and target.kind == "slo" and actual_value is not None and actual_fits:
        budget = _error_budget(metric, _required(target.value), actual_value, window)
    return _Reading(
        target=target,
        actual=actual_value,
        baseline=baseline_value,
        unit=unit,
        actual_unit=actual_unit,
        baseline_unit=baseline_unit,
        target_fits=_target_fits(target, unit, metric.target),
        actual_fits=actual_fits,
        baseline_fits=baseline_fits,
        approximate=approximate,
        budget=budget,
        doubt=doubt,
    )


_NUM = r"(\d+(?:\.\d+)?)"
_BUDGET_SHARE = re.compile(
    "|".join(
        (
            rf"^(?:(?:we\s+)?(?:burned|burnt|consumed|spent|used|ate|exhausted)\s+(?:through\s+)?)?{_NUM}\s*%\s*(?:of\s+)?"
            r"(?:the\s+|our\s+|its\s+|this\s+)?(?:month's\s+|monthly\s+|quarterly\s+|weekly\s+|\d+[-\s]day\s+)?"
            r"(?:error\s+)?budget(?:\s+(?:consumed|burned|burnt|spent|used))?$",
            rf"^(?:error\s+)?budget\s+(?:consumed|burned|burnt|spent|used)\s*:?\s*{_NUM}\s*%$",
            rf"^(?:消耗|用掉|烧掉|花掉|使用|用去)了?\s*(?:(?:月度|季度|本月|当月)的?)?(?:错误预算|预算)的?\s*{_NUM}\s*%$",
            rf"^(?:消耗|用掉|烧掉|花掉|使用|用去)了?\s*{_NUM}\s*%\s*的?\s*(?:(?:月度|季度|本月|当月)的?)?错误预算$",
            rf"^(?:(?:月度|季度|本月|当月)的?)?错误预算(?:已)?(?:消耗|使用|用掉|烧掉)(?:了)?\s*{_NUM}\s*%$",
        )
    ),
    re.IGNORECASE,
)
_BUDGET_LEFT = re.compile(
    rf"^{_NUM}\s*%\s*(?:of\s+)?(?:the\s+|our\s+)?(?:error\s+)?budget\s+(?:remaining|left)$"
    rf"|^(?:error\s+)?budget\s+(?:remaining|left)\s*:?\s*{_NUM}\s*%$"
    rf"|^(?:错误)?预算(?:剩余|还剩)\s*{_NUM}\s*%$|^(?:剩余|还剩)\s*{_NUM}\s*%\s*的?错误预算$",
    re.IGNORECASE,
)
"""An SLO's actual written as the share of its error budget spent ('burned 62% of the error budget',
'消耗了62%的错误预算', '错误预算已消耗62%') or left ('38% of the budget remaining', '错误预算剩余38%')."""


def _budget_share(actual: object) -> float | None:
    """The error budget spent, as a fraction (0.62), that an actual's text gives; None when it gives none."""
    if not isinstance(actual, str):
        return None
    text = re.sub(r"\s+", " ", actual.strip().replace("％", "%"))
    spent = _BUDGET_SHARE.match(text)
    if spent is not None:
        return float(next(group for group in spent.groups() if group)) / 100
    left = _BUDGET_LEFT.match(text)
    if left is not None:
        share = float(next(group for group in left.groups() if group))
        return (100 - share) / 100 if share <= 100 else None
    return None


def _slo_level(target: ParsedTarget | None) -> float | None:
    """The objective of an availability target ('≥ 99.9%': 99.9), the level a budget share is read against."""
    if target is None or target.kind not in ("at_least", "slo") or target.unit != "%" or target.value is None:
        return None
    return target.value if 0 < target.value < 100 else None


_DOWNTIME_UNIT = re.compile(
    r"^(?P<u>[^\s]+)(?:\s+(?:of\s+)?(?:downtime|outage|unavailability|down\s*time))?$", re.IGNORECASE
)
"""An SLO's actual written as its downtime: '47 min', '47分钟', '47 minutes of downtime', '2 h outage'."""


def _downtime_as_availability(actual: Value, window: str, metric: MetricInput) -> Value:
    """An SLO's actual given as downtime in its window ('47 min' of December 2020's 44,640) as the availability
    it leaves: 100 x (1 - 47 / 44,640) = 99.8947%, so the budget spent is those 47 minutes. Downtime longer
    than the window cannot be: refused (`_FieldError` on the actual)."""
    found = _DOWNTIME_UNIT.match(actual.unit or "")
    unit = canonical_unit(found["u"]) if found is not None else None
    if unit not in TIME_SECONDS:
        return actual
    minutes = actual.value * TIME_SECONDS[unit] / 60
    window_minutes = _period_minutes(window)
    if minutes < 0 or minutes > window_minutes:
        raise _FieldError(
            "actual", f"{minutes} min of downtime in a window of {window_minutes} min", "downtime_over_window",
            str(metric.actual), window=window,
        )  # fmt: skip
    return Value(value=100 * (1 - minutes / window_minutes), unit="%", approximate=actual.approximate)


def _multiple_of_a_level(actual: Value | None, baseline: Value | None) -> bool:
    """'1.8倍' against a baseline of 500万 is a ratio to it, not a level of 1.8: judged as a level it
    was 'down 99.9%' from 500万 (and 2.1倍 missed 翻一番). A unit mismatch, never a verdict."""
    return (
        actual is not None
        and baseline is not None
        and actual.unit in MULTIPLE_UNITS
        and baseline.unit not in MULTIPLE_UNITS
    )


def _refuse_dates(metric: MetricInput) -> None:
    """A date is a milestone, not a figure: 7月 against 6月底前 is late, not 'ahead by 1 month'."""
    for name, text in (("target", metric.target), ("actual", metric.actual), ("baseline", metric.baseline)):
        if isinstance(text, str) and date_only(text):
            raise _FieldError(name, f"{text!r} is a date, not a figure", code="date", text=text)


_NOTE = re.compile(r"\s*[(（]([^()（）]*)[)）]\s*$")
"""A trailing note in brackets: '≥ 95%（同比+2pp）', '96% (vs 93% last year)'."""
_COMPARISON_NOTE = re.compile(
    r"同比|环比|较|去年|上年|上期|上月|上季|基线|基期|\bvs\b|\bversus\b|\byoy\b|\bmom\b|\bqoq\b|last|prior|"
    r"previous|baseline|\bfrom\b|\bwas\b|^[+-]\s?\d"
)
"""A note comparing with another period says how the figure moved, not what the target is."""


_TOP_SHARE = re.compile(r"^\s*(?:排名)?(?:前|top\s?)\s*(\d+(?:\.\d+)?)\s*[%％]\s*$", re.IGNORECASE)
"""'前10%', 'TOP 10%', 'top 5%' as a figure: a share from the top (the target '前20%' is ≤ 20%)."""


def _without_note(text: str) -> str | None:
    """The text without a trailing bracketed note, or None when there is none (or nothing is left)."""
    match = _NOTE.search(text)
    if match is None or not text[: match.start()].strip():
        return None
    return text[: match.start()]


def _comparison_note(text: str) -> bool:
    match = _NOTE.search(text)
    return match is not None and _COMPARISON_NOTE.search(match.group(1).lower()) is not None


_REFERENCE = re.compile(
    r"行业平均|行业均值|行业水平|行业标杆|行业中位数|同行|竞品|竞争对手|市场平均|大盘|对标|标杆|"
    r"industry average|industry median|industry benchmark|industry|benchmark|competitors?|peers?|market average|median"
)
"""A target against a reference whose figure is not written ('不低于行业平均'): nothing to compute with."""
_HYPHEN_UNIT = re.compile(
    r"(?<=\d)-(?=(?:hours?|hrs?|minutes?|mins?|seconds?|secs?|days?|weeks?|months?|ms|percent)\b)"
)
"""'2-hour MTTR', '5-minute response': the hyphen joins a number to its unit, it is not a range."""
_SHARE_OF = re.compile(
    r"(?<=%)\s*(?:of\s+(?:the\s+|our\s+|all\s+)?[a-z][a-z -]{0,30}|的?(?![以之内左上或及])[\u4e00-\u9fff]{1,4})$"
)
"""'80% of stores', '80%门店', '80%的用户': a percent is a share of something; the noun is not a unit."""
_DANGLING = re.compile(r"(?<=[\d%‰])\s*(?:of(?:\s+(?:the|our|all))?|for|in|across|的)$", re.IGNORECASE)
"""What is left of '80% of stores' once the metric's name 'stores' is taken out: the share's 'of'."""
_LEVEL_VERB = re.compile(r"覆盖(?=\s*[\d<>≤≥])|(?<![a-z])cover(?:s|ing)?\s+(?=[\d<>≤≥]|at |up |no |over )")
"""'至少覆盖80%门店', 'cover at least 80% of stores': coverage as a level, the verb names no change."""
_LOSS_CUT = re.compile(r"减亏|亏损收窄|收窄亏损")
"""'减亏50%': the loss reduced, a decline of the loss."""
_HALVE_OBJECT = re.compile(r"^(halve|double|triple)\s+(?:the\s+|our\s+)?[a-z][a-z ]{0,30}$")
"""'halve the loss', 'double the revenue': the object is the metric."""


_WORDY_UNIT = re.compile(r"[ )-]")
"""A unit read with a space, a hyphen or a bracket in it is words, not a unit."""


def _tidied(text: str, name: str) -> str:
    """The target with words that say what it is about, not what it is, taken out (the metric's own name at
    the end, a share's noun, a coverage verb, a unit hyphen); the text unchanged when there are none."""
    tidy = _HYPHEN_UNIT.sub(" ", text)
    folded_name = name.strip().lower()
    if folded_name and tidy.lower().endswith(folded_name) and len(tidy) > len(folded_name):
        head = tidy[: len(tidy) - len(folded_name)]
        if head[-1:] in (" ", ")", "）") or not head[-1:].isascii():
            tidy = _DANGLING.sub("", head.rstrip())  # '≥80% of stores' for 'stores' is '≥80%', not '≥80% of'
    tidy = _LEVEL_VERB.sub("", _LOSS_CUT.sub("亏损下降", tidy))
    tidy = _SHARE_OF.sub("", tidy.strip())
    match = _HALVE_OBJECT.match(tidy.lower())
    return match.group(1) if match else tidy


def _read_target(
    target: str | TargetSpec | None, unit: str | None, name: str = "", *, ratio: bool = False
) -> ParsedTarget | None:
    if target is None or (isinstance(target, str) and not target.strip()):
        return None
    text = target if isinstance(target, str) else target.model_dump_json(exclude_defaults=True)
    try:
        if isinstance(target, TargetSpec):
            return target_from_spec(target, unit)
        bare = _without_note(target)
        if bare is not None and _comparison_note(target):
            target = bare  # the note is a comparison with another period, not the target
            bare = None
        try:
            parsed = parse_target(target, unit, ratio)
        except TargetError:
            tidy = _tidied(target, name)
            if tidy != target:
                try:
                    return parse_target(tidy, unit, ratio)
                except TargetError:
                    pass
            if bare is None:
                raise
            return parse_target(bare, unit, ratio)
        if parsed.unit is None or not _WORDY_UNIT.search(parsed.unit):
            return parsed
        tidy = _tidied(target, name)  # 'hours mttr', '% of stores': words read as a unit
        if tidy == target:
            return parsed
        try:
            tidied = parse_target(tidy, unit, ratio)
        except TargetError:
            return parsed
        if tidied.unit is None or _leftover_word(parsed.unit, tidied.unit, name):
            return parsed  # '0 critical bugs' keeps its counted noun, '< 3 customer complaints' too
        return tidied
    except TargetError as error:
        reference = _REFERENCE.search(text.lower())
        if error.code == "no_number" and reference is not None:
            raise _FieldError(
                "target", f"{text!r} names a reference without its figure", "reference", text,
                reference=reference.group(),
            ) from None  # fmt: skip
        code = "spec" if error.code.startswith("spec") else error.code
        params = {"kind": getattr(target, "kind", "")} | error.params
        raise _FieldError("target", str(error), code, text, **_without_text(params)) from None
    except ValueError as error:
        raise _FieldError("target", str(error), "unreadable", text) from None


def _leftover_word(written: str | None, tidied: str, name: str) -> bool:
    """The metric's name was a word of a counted noun ('Complaints' in '< 3 customer complaints'): taking
    it out leaves a word that is no unit ('customer'), where '2 hours MTTR' leaves the unit 'hours'."""
    folded = name.strip().lower()
    return (
        written is not None
        and bool(folded)
        and written.lower().endswith(folded)
        and canonical_unit(tidied) == tidied.strip().lower()
        and tidied.strip().lower() not in KNOWN_UNITS
    )


_FIELD_LABELS = {
    "actual": r"实际值?|实际完成|实际达成|完成值?|达成值?|当前值?|目前|现为|actual|current|achieved|result",
    "baseline": r"基线值?|基期|基准值?|起始值?|初始值?|去年同期|去年|上年|上期|原值?|此前|预算|baseline|"
    r"before|last year|previous|prior|start|budget",
}
_LABELLED = {
    field: re.compile(rf"^\s*(?:{words})\s*(?:[:：=]\s*|(?=[\d$¥€£+\-.~约≈]))(?=\S)", re.IGNORECASE)
    for field, words in _FIELD_LABELS.items()
}
"""A cell that names its own field before the figure ('实际 110万', 'actual: 42', '预算120万' as a baseline):
the word says which figure it is, not what it measures. Only the field's own words: '目标 50%' as an actual
stays unreadable (a target in the wrong field)."""
_LABEL_NOTE = {
    field: re.compile(rf"\s*[(（]\s*(?:{words})\s*[)）]\s*$", re.IGNORECASE) for field, words in _FIELD_LABELS.items()
}
"""The same word as a trailing note: '120万（预算）', '42 (actual)'."""


def _unlabelled(value: str, field_name: str) -> str:
    """The value without its own field's label before or after the figure; unchanged when it has none."""
    label, note = _LABELLED.get(field_name), _LABEL_NOTE.get(field_name)
    if label is None or note is None:
        return value
    stripped = note.sub("", label.sub("", value, count=1), count=1)
    return stripped if stripped.strip() else value


def _read_value(value: float | str | None, field_name: str, metric: MetricInput | None = None) -> Value | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, str):
            text_reader = _TEXT_READERS.get(field_name)
            return text_reader(value) if text_reader is not None else _read_text(value, field_name)
        return read_value(value)
    except NumberError as error:
        if error.code == "ambiguous_clock" and isinstance(value, str) and metric is not None and names_a_ratio(metric):
            ratio = ratio_value(value)  # '1:25' of a staffing ratio: the ratio, not 1 h 25 min
            if ratio is not None:
                return ratio
        subjectless = _without_subject(value, metric) if isinstance(value, str) and metric is not None else None
        if subjectless is not None:
            try:
                return read_value(subjectless)
            except NumberError:
                pass
        written = _unlabelled(value, field_name) if isinstance(value, str) else str(value)  # as it was read
        raise _FieldError(field_name, str(error), error.code, written, **_without_text(error.params)) from None


def _read_text(value: str, field_name: str) -> Value:
    """A value's text read (`read_value`) without its field's label, a top share as a percent, a trailing
    comparison note dropped. Raises `NumberError`."""
    value = _unlabelled(value, field_name)
    top = _TOP_SHARE.match(value)
    if top is not None:  # '前10%' as an actual: in the top 10%, as the target '前20%' reads ≤ 20%
        return read_value(f"{top.group(1)}%")
    bare = _without_note(value)
    if bare is not None and _comparison_note(value):
        return read_value(bare)  # '96%（同比+2pp）': the note says how it moved
    try:
        return read_value(value)
    except NumberError:
        duration = _downtime_duration(value)
        if duration is None:
            raise
        return read_value(duration)


_DOWN_WORDS = r"(?:服务)?(?:不可用|宕机|停机|停服|中断|不可访问|无法访问)"
_DOWNTIME_TEXT = re.compile(
    rf"^(?:累计|总|共计?|合计)?\s*{_DOWN_WORDS}(?:时长|时间|了)?\s*(?:为|共|约为)?\s*[:：]?\s*(?P<lead>[约近~≈]?\s*\d.*)$"
    rf"|^(?P<tail>[约近~≈]?\s*\d[^不宕停中无]*?)\s*(?:的)?{_DOWN_WORDS}(?:时长|时间)?$"
    r"|^(?:was\s+|were\s+)?(?:down|unavailable|offline|out)\s+(?:for\s+)?(?P<en>(?:about\s+|~)?\d.*)$",
    re.IGNORECASE,
)
"""An SLO's actual written as its downtime in words: '47分钟不可用', '不可用时长 47 分钟', '宕机约1小时', '停机 2 小时',
'down for 47 minutes' (as '47 min' and '47 minutes of downtime' already read): the duration, which
`_downtime_as_availability` turns into the availability it leaves in the SLO's window."""


def _downtime_duration(text: str) -> str | None:
    """The duration of a downtime written in words, or None."""
    if not any(word in text for word in ("不可", "宕机", "停机", "停服", "中断", "无法访问")) and not (
        text.isascii() and ("down" in text.lower() or "unavailable" in text.lower() or "offline" in text.lower())
    ):
        return None
    found = _DOWNTIME_TEXT.match(text.strip())
    if found is None:
        return None
    return (found["lead"] or found["tail"] or found["en"]).strip()


@kept_reading
def _read_actual(text: str) -> Value:
    return _read_text(text, "actual")


@kept_reading
def _read_baseline(text: str) -> Value:
    return _read_text(text, "baseline")


_TEXT_READERS = {"actual": _read_actual, "baseline": _read_baseline}
"""The texts of actuals and baselines, read once per distinct text (a list repeats its figures), as the
readings of `analysis.misreads` are: kept across small calls, for the call itself in a big one."""


_EDGE_WORDS = re.compile(
    r"^\s*(?P<lead>[A-Za-z][A-Za-z0-9_\-]*|[\u4e00-\u9fff]{1,8})\s*[:：]?\s*(?=[\d$¥€£+\-.~约≈])"
    r"|(?<=[\d%万亿kKmMbB])\s*(?P<trail>[A-Za-z][A-Za-z0-9_\-]*)\s*$"
)
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-]+")
_NOT_SUBJECTS = frozenset({"目标", "计划", "预期", "target", "goal", "plan", "planned", "expected", "forecast"})


def _without_subject(value: str, metric: MetricInput) -> str | None:
    """'GMV 4800万' or '$1.8M ARR' for a metric whose name or target names GMV / ARR: the word says what is
    measured (as the target 'GMV 5000万' does), not another figure. Only the metric's own words: '目标 50%'
    as an actual stays unreadable, and so does a word the metric never mentions."""
    own = {metric.name.strip().lower()}
    target = metric.target if isinstance(metric.target, str) else ""
    own.update(word.lower() for word in _ASCII_WORD.findall(f"{metric.name} {target}"))
    own -= _NOT_SUBJECTS
    stripped = value
    for match in list(_EDGE_WORDS.finditer(value))[::-1]:
        word = match["lead"] or match["trail"]
        if word.lower() not in own:
            return None
        stripped = stripped[: match.start()] + stripped[match.end() :]
    return stripped if stripped != value and stripped.strip() else None


def _without_text(params: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in params.items() if key != "text"}


_EN_MONTHS = {
    name: number
    for number, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
         ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
         ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}  # fmt: skip
_CN_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CALENDAR_PERIOD = re.compile(
    r"^(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>1[0-2]|0?[1-9])\s*月?(?:份)?$"
    r"|^(?P<mn>[a-z]{3,9})\.?\s*,?\s*(?P<my>(?:19|20)\d{2})$"
    r"|^(?P<qy>(?:19|20)\d{2})\s*年?\s*(?:[-\s]?q(?P<q>[1-4])|第?(?P<cq>[一二三四1-4])季度)$"
    r"|^q(?P<q2>[1-4])\s*[-,/\s]?\s*(?P<qy2>(?:19|20)\d{2})$"
    r"|^(?P<hy>(?:19|20)\d{2})\s*[-\s]?h(?P<h>[12])$|^h(?P<h2>[12])\s*[-,/\s]?\s*(?P<hy2>(?:19|20)\d{2})$"
    r"|^(?:calendar\s+year\s+)?(?P<year>(?:19|20)\d{2})\s*(?:年|年度|全年)?$",
)
"""A named calendar window: '2024年3月', '2024-03', 'March 2024', '2024 Q1', 'Q1 2024', '2024年第一季度', 'H1 2024',
'2024年'. Its length is counted on the calendar: March has 31 days, February 2024 29, Q1 2024 91, 2024 366."""


def _calendar_days(text: str) -> int | None:
    """The days of a named calendar window (see `_CALENDAR_PERIOD`), None when the text names none."""
    found = _CALENDAR_PERIOD.match(text)
    if found is None:
        return None
    if found["y"]:
        year, first, months = int(found["y"]), int(found["m"]), 1
    elif found["mn"]:
        if found["mn"] not in _EN_MONTHS:
            return None
        year, first, months = int(found["my"]), _EN_MONTHS[found["mn"]], 1
    elif found["qy"] or found["qy2"]:
        quarter = int(found["q"] or found["q2"] or _CN_QUARTERS[found["cq"]])
        year, first, months = int(found["qy"] or found["qy2"]), 3 * quarter - 2, 3
    elif found["hy"] or found["hy2"]:
        year, first, months = int(found["hy"] or found["hy2"]), 6 * int(found["h"] or found["h2"]) - 5, 6
    else:
        year, first, months = int(found["year"]), 1, 12
    start = dt.date(year, first, 1)
    last = first + months
    end = dt.date(year + (last - 1) // 12, (last - 1) % 12 + 1, 1)
    return (end - start).days


_TARGET_WINDOW = re.compile(
    r"(?<=%)\s*(?:(?:per|a|each|every)\s+)?(?P<word>month|monthly|quarter|quarterly|year|yearly|annually|annual|week"
    r"|weekly|daily)$"
    r"|(?<=%)\s*(?:over|in|across|during|for|measured\s+over)\s+(?:a\s+|the\s+|any\s+)?"
    r"(?P<span>(?:rolling\s+|trailing\s+|last\s+|past\s+)?\d+[-\s]?(?:days?|d|weeks?|months?)(?:\s+(?:window|period))?"
    r"|month|quarter|year|week)$"
    r"|(?<=%)\s*/\s*(?P<slash>\d+\s?(?:d|days?|天)|month|月|quarter|季度|year|年)$"
    r"|(?<=%)\s*[(（]\s*(?P<note>月度|每月|按月|季度|每季度|按季|年度|每年|按年|每周|按周|(?:滚动|近|过去)?\d+\s?天"
    r"|(?:rolling\s+)?\d+[-\s]?(?:days?|d)|monthly|quarterly|yearly)\s*[)）]$"
    r"|^(?P<lead>每月|月度|每季度|季度|年度|每年|每周)\s*(?:可用性|可用率|SLA|SLO)?\s*(?:[≥>]=?|不低于|至少|达到)?\s*(?=\d)",
    re.IGNORECASE,
)
"""The window written with an SLO target: '99.9% monthly', '99.9% over a rolling 28-day window', '99.95% / 30d',
'99.9%（月度）', '每月可用性 ≥ 99.9%'."""


def _without_slash_window(target: str | TargetSpec | None) -> str | TargetSpec | None:
    """'99.95% / 30d' without its window ('/ 30d'), which `_target_window` reads: not a second figure."""
    if isinstance(target, str) and "/" in target:
        found = _TARGET_WINDOW.search(target.strip())
        if found is not None and found["slash"] and _target_window(target) is not None:
            return target.strip()[: found.start()]
    return target


def _target_window(target: object) -> str | None:
    """The SLO window a target text gives (see `_TARGET_WINDOW`), when `_period_minutes` can read it; the
    window of a target whose window cannot be counted ('per calendar month': 28 to 31 days) is none."""
    if not isinstance(target, str) or "%" not in target:
        return None
    found = _TARGET_WINDOW.search(target.strip())
    if found is None:
        return None
    text = next(group for group in found.groups() if group)
    try:
        _period_minutes(text)
    except _FieldError:
        return None
    return text


_UNNAMED_CALENDAR = re.compile(r"^(?:calendar\s+month|自然月|本月|当月|this\s+month|(?:the\s+)?current\s+month)$", re.I)
"""A calendar month that is not named: 28 to 31 days, so its budget depends on which one."""
_DAYS_NOTE = re.compile(r"^(?P<head>.+?)\s*[(（]\s*(?P<days>\d+(?:\.\d+)?)\s*(?:days?|d|天)\s*[)）]$", re.I)
_CONVENTION_RANGE = {30 * 1440.0: (28.0, 31.0), 90 * 1440.0: (89.0, 92.0), 365 * 1440.0: (365.0, 366.0)}
"""The lengths a month, a quarter and a year (counted as 30, 90 and 365 days) may have on the calendar."""


def _period_minutes(text: str) -> float:
    """'30d', '30天', '1个月', 'month', 'quarter', '28 days', '4 weeks' in minutes (a month is 30 days); a named
    calendar window ('2024年3月', 'March 2024', '2024 Q1') by its days on the calendar."""
    days = _calendar_days(re.sub(r"\s+", " ", text.strip().lower()))
    if days is not None:
        return days * 1440.0
    if _UNNAMED_CALENDAR.match(text.strip()):
        raise _FieldError("slo_period", f"a calendar month of {text!r} has 28 to 31 days", "calendar_month", text)
    noted = _DAYS_NOTE.match(text.strip())
    if noted is not None:  # '1 month (31 days)', '一个月（30天）': the days say which length the month has
        head, written = _period_minutes(noted["head"]), float(noted["days"])
        convention = re.search(r"(?i)month|quarter|year|月|季|年", noted["head"]) is not None
        exact = (head / 1440, head / 1440)  # '30 days (31 days)' disagrees with itself
        low, high = _CONVENTION_RANGE.get(head, exact) if convention else exact
        if not low <= written <= high:
            raise _FieldError("slo_period", f"{text!r}: {written:g} days is not {noted['head']!r}", "period", text)
        return written * 1440
    folded = re.sub(
        r"^(?:a\s+|the\s+)?(?:rolling|trailing|last|past|滚动|过去|最近|近)\s*|\s*(?:rolling\s+)?(?:window|period)$"
        r"|\s+rolling$|\s*(?:滚动)?(?:窗口|周期)$",
        "",
        text.strip().lower(),
    ).strip(" -")
    folded = folded.removeprefix("每").removeprefix("per ").removeprefix("a ").removeprefix("one ").strip()
    if folded in _PERIOD_DAYS:
        return _PERIOD_DAYS[folded] * 1440
    try:
        value = read_value(folded.replace("-day", " days").replace("-week", " weeks"))
    except NumberError:
        value = None
    if value is not None and value.unit in _PERIOD_DAYS and value.unit not in ("天", "日"):
        return value.value * _PERIOD_DAYS[value.unit] * 1440
    seconds = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0, "week": 604800.0}
    if value is not None and value.unit in seconds and value.value > 0:
        return value.value * seconds[value.unit] / 60
    raise _FieldError("slo_period", f"cannot read the SLO period {text!r}", "period", text)


def _error_budget(metric: MetricInput, slo: float, actual: float, window: str | None = None) -> ErrorBudget:
    """The error budget of an SLO: allowed and spent bad minutes or requests, and the multiple spent."""
    allowed = round(100 - slo, 10)
    spent = round(100 - actual, 10)
    consumed = spent / allowed if allowed > 0 else None
    minutes = _period_minutes(metric.slo_period) if metric.slo_period else None
    if minutes is not None and window is not None and _period_minutes(window) != minutes:
        raise _FieldError(
            "slo_period", f"the target's window {window!r} is not {metric.slo_period!r}", "period_conflict",
            str(metric.slo_period), window=window,
        )  # fmt: skip
    if minutes is None and window is not None:
        minutes = _period_minutes(window)
    window = metric.slo_period or window
    requests = None
    if metric.slo_requests is not None:
        counted = _read_value(metric.slo_requests, "slo_requests")
        requests = counted.value if counted is not None else None
    budget = ErrorBudget(
        slo=slo,
        actual=actual,
        period=window,
        period_minutes=minutes,
        budget_minutes=clean(minutes * allowed / 100) if minutes is not None else None,
        consumed_minutes=clean(minutes * spent / 100) if minutes is not None else None,
        remaining_minutes=clean(minutes * (allowed - spent) / 100) if minutes is not None else None,
        requests=requests,
        budget_requests=clean(requests * allowed / 100) if requests is not None else None,
        failed_requests=clean(requests * spent / 100) if requests is not None else None,
        remaining_requests=clean(requests * (allowed - spent) / 100) if requests is not None else None,
        consumed=clean(consumed),
        exhausted=consumed is not None and consumed > 1 + _REL_TOL,
    )
    return budget


def _inferred_unit(target: ParsedTarget | None, actual: Value | None, baseline: Value | None) -> str | None:
    """The target's unit for level targets, else the actual's, else the baseline's ('%' for pp targets)."""
    relative = ("relative_change", "pp_change", "baseline")
    if target is not None and target.kind not in relative and target.unit and not _relative_tolerance(target):
        return target.unit
    for quantity in (actual, baseline):
        if quantity is not None and quantity.unit is not None:
            return quantity.unit
    return "%" if target is not None and target.kind in ("pp_change", "slo") else None


def _relative_tolerance(target: ParsedTarget) -> bool:
    return target.kind == "tolerance" and target.unit == "%"


def _in_unit(quantity: Value | None, unit: MetricUnit) -> tuple[float | None, str | None, bool]:
    if quantity is None:
        return None, unit.label, True
    value, value_unit, fits = to_metric_unit(quantity, unit)
    if value_unit == "折" and quantity.unit != "折" and not 0 <= value <= 10:
        return value, quantity.unit, False  # a bare 75 against 七折 is no 75折 (a price is at most 10折)
    return value, value_unit, fits


def _target_fits(target: ParsedTarget | None, unit: MetricUnit, written: object = None) -> bool:
    """Whether the target is in the metric's unit; ``written`` is the target as written. A unitless target
    with a magnitude word ('1000万', '5w') is a count: a share or a multiple ('达成105%', '2倍') is no
    reading of it."""
    if target is None or target.kind in ("relative_change", "baseline") or _relative_tolerance(target):
        return True
    if target.unit is None and takes_no_count(unit.label) and target_magnitude(written) is not None:
        return False
    if target.kind == "pp_change" or (target.kind == "tolerance" and target.unit == "pp"):
        return unit.label in (None, "%")
    if target.unit is None or target.unit == unit.label or {target.unit, unit.label} <= _RANK_UNITS:
        return True
    return same_noun(target.unit, unit.label)


# --- judging -----------------------------------------------------------------------------------------


def _verdict(metric: MetricInput, reading: _Reading) -> _Verdict:
    conflict = reading.doubt if reading.doubt is not None and reading.doubt.kind == "start" else None
    if conflict is None or not _same_either_way(reading, conflict):
        return _judge(metric, reading)
    # the end level and the stated change from the given baseline agree on the verdict: judged on the end
    # level, the conflict stated beside it (flag and note), never silently
    reading.doubt = None
    verdict = _judge(metric, reading)
    reading.doubt = conflict
    if verdict.case != "judged":
        return verdict
    return _Verdict(verdict.status, "judged", verdict.score, (*verdict.flags, "baseline_conflict"), doubt=conflict)


_DOUBT_FLAGS: dict[str, Flag] = {
    "fen": "unit_ambiguous",
    "days": "unit_ambiguous",
    "plus": "unit_ambiguous",
    "start": "baseline_conflict",
    "ratio": "direction_unknown",
}


def _same_either_way(reading: _Reading, conflict: Doubt) -> bool:
    """True when the actual meets (or misses) both the end level and the level the stated change reaches from
    the given baseline (`misreads.start_doubt`): the two readings of the target give one verdict."""
    target, actual = reading.target, reading.actual
    if target is None or actual is None or target.value is None or conflict.factor is None:
        return False
    if not (reading.target_fits and reading.actual_fits):
        return False
    other = target.model_copy(update={"value": conflict.factor})
    return _score_level(target, actual).achieved == _score_level(other, actual).achieved


def _judge(metric: MetricInput, reading: _Reading) -> _Verdict:
    target, actual, baseline = reading.target, reading.actual, reading.baseline
    if metric.reported_only:  # '近87分钟' is reported as about 87 minutes, not as 87 minutes
        flags: tuple[Flag, ...] = ("reported_only", "approximate") if reading.approximate else ("reported_only",)
        return _Verdict("reported", "reported", flags=flags)
    if target is None:
        return _Verdict("not_evaluable", "no_target", flags=("missing_target",))
    if actual is None:
        return _Verdict("not_evaluable", "no_actual", flags=("missing_actual",))
    needs_baseline = target.kind in _BASELINE_KINDS
    if needs_baseline and baseline is None:
        return _Verdict("not_evaluable", "no_baseline", flags=("missing_baseline",))
    if reading.doubt is not None and reading.doubt.kind == "direction":
        return _Verdict("needs_verification", "direction", flags=("direction_unknown",))
    if reading.doubt is not None:
        flag: Flag = _DOUBT_FLAGS.get(reading.doubt.kind, "scale_doubt")
        return _Verdict("needs_verification", "doubt", flags=(flag,), doubt=reading.doubt)
    if not (reading.target_fits and reading.actual_fits and (reading.baseline_fits or not needs_baseline)):
        return _Verdict("needs_verification", "unit", flags=("unit_mismatch",))
    if (target.kind == "relative_change" or _relative_tolerance(target)) and baseline == 0:
        return _Verdict("needs_verification", "zero_baseline", flags=("zero_baseline",))
    if target.kind == "baseline" and target.direction is None and metric.better is None:
        return _Verdict("needs_verification", "direction", flags=("direction_unknown",))
    usable_baseline = baseline if reading.baseline_fits else None
    score = _score(_resolved_target(target, metric), actual, usable_baseline)
    if reading.budget is not None and reading.budget.exhausted:
        score = _Score(
            score.achieved, score.rate, score.gap, score.gap_rate, score.level, (*score.flags, "error_budget_exceeded")
        )
    approximate: tuple[Flag, ...] = ("approximate",) if reading.approximate or target.approximate else ()
    if approximate and _too_close(score, actual):
        return _Verdict("needs_verification", "approximate", flags=approximate)
    aggregation_flags = _aggregation_flags(metric)
    if not aggregation_flags:
        status: Status = "achieved" if score.achieved else "not_achieved"
        return _Verdict(status, "judged", score, score.flags + approximate)
    if _peak_disproves(metric, target, score):
        return _Verdict("not_achieved", "peak_bound", score, aggregation_flags + score.flags)
    case: Case = "peak" if "peak_only" in aggregation_flags else "aggregation"
    return _Verdict("needs_verification", case, flags=aggregation_flags)


def _resolved_target(target: ParsedTarget, metric: MetricInput) -> ParsedTarget:
    """A baseline level whose side comes from the metric ('持平', 'no worse than last year')."""
    if target.kind == "baseline" and target.direction is None:
        direction = "increase" if metric.better == "higher" else "decrease"
        return target.model_copy(update={"direction": direction})
    return target


def _too_close(score: _Score, actual: float) -> bool:
    """An approximate figure within 2 % of the level it is judged against cannot decide the verdict."""
    if score.level is None:
        return score.gap is not None and abs(score.gap) <= _APPROX_MARGIN * max(abs(actual), _ABS_TOL)
    return abs(actual - score.level) <= _APPROX_MARGIN * max(abs(score.level), _ABS_TOL)


def _aggregation_flags(metric: MetricInput) -> tuple[Flag, ...]:
    actual, target = metric.aggregation, metric.target_aggregation
    if actual == "peak" and target != "peak":
        return ("peak_only", "aggregation_mismatch") if target else ("peak_only",)
    if actual and target and actual != target:
        return ("aggregation_mismatch",)
    return ()


def _peak_disproves(metric: MetricInput, target: ParsedTarget, score: _Score) -> bool:
    """A peak below an at-least target on the average or latest value proves the target missed."""
    return (
        metric.aggregation == "peak"
        and metric.target_aggregation in ("average", "latest")
        and target.kind == "at_least"
        and not score.achieved
    )


def _score(target: ParsedTarget, actual: float, baseline: float | None) -> _Score:
    if target.kind == "range":
        return _score_range(target, actual)
    if target.kind == "slo":
        return _score_slo(target, actual)
    if target.kind in _BASELINE_KINDS:
        assert baseline is not None  # guaranteed by _verdict
        if target.kind == "tolerance":
            return _score_tolerance(target, actual, baseline)
        if target.kind == "baseline":
            kind = "at_least" if target.direction == "increase" else "at_most"
            level = ParsedTarget(kind=kind, value=baseline, strict=target.strict)
            return _with_progress(_score_level(level, actual), level, actual, baseline)
        if target.limit:
            return _score_change_limit(target, actual, baseline)
        return _score_change(target, actual, baseline)
    score = _score_level(target, actual)
    return _with_progress(score, target, actual, baseline)


def _change_level(target: ParsedTarget, baseline: float) -> float:
    sign = 1.0 if target.direction == "increase" else -1.0
    size = _required(target.value)
    if target.kind == "relative_change":
        return baseline + sign * size / 100 * abs(baseline)
    return baseline + sign * size


def _score_change_limit(target: ParsedTarget, actual: float, baseline: float) -> _Score:
    """A cap on a change is a level: '下降不超过3%' from 100 means at least 97 (change >= -3%)."""
    kind = "at_least" if target.direction == "decrease" else "at_most"
    level = ParsedTarget(kind=kind, value=_change_level(target, baseline), strict=target.strict)
    return _score_level(level, actual)


def _score_tolerance(target: ParsedTarget, actual: float, baseline: float) -> _Score:
    """Within ±value of the baseline (value in % of the baseline, or in the metric's unit)."""
    size = _required(target.value)
    allowed = abs(baseline) * size / 100 if target.unit == "%" else size
    score = _score_range(ParsedTarget(kind="range", low=baseline - allowed, high=baseline + allowed), actual)
    return _Score(score.achieved, None, score.gap, None, baseline, score.flags)


def _score_slo(target: ParsedTarget, actual: float) -> _Score:
    """At least the objective; the rate is allowed error / actual error (1 / budget consumed)."""
    slo = _required(target.value)
    achieved, flags = _reaches(actual, slo, higher_is_better=True, strict=target.strict)
    allowed, spent = round(100 - slo, 10), round(100 - actual, 10)
    rate = allowed / spent if spent > 0 and allowed > 0 else None
    extra: tuple[Flag, ...] = ("zero_actual",) if spent <= 0 else ()
    return _Score(achieved, rate, actual - slo, _share(actual - slo, slo), slo, flags + extra)


def _close(value: float, reference: float) -> bool:
    return math.isclose(value, reference, rel_tol=_REL_TOL, abs_tol=_ABS_TOL)


def _reaches(value: float, threshold: float, *, higher_is_better: bool, strict: bool) -> tuple[bool, tuple[Flag, ...]]:
    """Compare raw values; equality within the tolerance counts as reaching (unless strict)."""
    if _close(value, threshold):
        return not strict, (("rounding_tolerance",) if value != threshold else ())
    return (value > threshold if higher_is_better else value < threshold), ()


def _share(gap: float, threshold: float) -> float | None:
    return gap / abs(threshold) if threshold != 0 else None


def _score_level(target: ParsedTarget, actual: float) -> _Score:
    threshold = _required(target.value)
    if target.kind == "equal":
        achieved = _close(actual, threshold)
        flags: tuple[Flag, ...] = ("rounding_tolerance",) if achieved and actual != threshold else ()
        gap = 0.0 if achieved else -abs(actual - threshold)
        return _Score(achieved, None, gap, _share(gap, threshold), threshold, flags)
    higher_is_better = target.kind == "at_least"
    achieved, flags = _reaches(actual, threshold, higher_is_better=higher_is_better, strict=target.strict)
    gap = actual - threshold if higher_is_better else threshold - actual
    rate, rate_flags = (_at_least_rate if higher_is_better else _at_most_rate)(actual, threshold)
    return _Score(achieved, rate, gap, _share(gap, threshold), threshold, flags + rate_flags)


def _at_least_rate(actual: float, target: float) -> tuple[float | None, tuple[Flag, ...]]:
    if target == 0:
        return None, ("zero_target",)
    if target < 0:
        return 2 - actual / target, ("negative_values",)
    return actual / target, (("negative_values",) if actual < 0 else ())


def _at_most_rate(actual: float, target: float) -> tuple[float | None, tuple[Flag, ...]]:
    if target == 0:
        return None, ("zero_target",)
    if target < 0 or actual < 0:
        return None, ("negative_values",)
    if actual == 0:
        return None, ("zero_actual",)
    return target / actual, ()


def _score_range(target: ParsedTarget, actual: float) -> _Score:
    low, high = _required(target.low), _required(target.high)
    above_low = actual >= low or _close(actual, low)
    below_high = actual <= high or _close(actual, high)
    achieved = above_low and below_high
    flags: tuple[Flag, ...] = ("rounding_tolerance",) if achieved and not low <= actual <= high else ()
    gap = min(actual - low, high - actual)
    return _Score(achieved, None, 0.0 if achieved and gap < 0 else gap, None, None, flags)


def _score_change(target: ParsedTarget, actual: float, baseline: float) -> _Score:
    sign = 1.0 if target.direction == "increase" else -1.0
    size = _required(target.value)
    moved = (actual - baseline) * sign
    if target.kind == "relative_change":
        achieved_size = moved / abs(baseline) * 100
        level = baseline + sign * size / 100 * abs(baseline)
    else:
        achieved_size = moved
        level = baseline + sign * size
    achieved, flags = _reaches(achieved_size, size, higher_is_better=True, strict=target.strict)
    rate = achieved_size / size if size != 0 else None
    if rate is not None and "rounding_tolerance" in flags:
        rate = 1.0  # binary noise (+10.000000000000009%) is no progress beyond the target: not "100.1%"
    extra: list[Flag] = []
    if size == 0:
        extra.append("zero_target")
    if target.kind == "relative_change" and baseline < 0:
        extra.append("negative_values")
    extra.extend(_progress_flags(achieved, moved))
    return _Score(achieved, rate, (actual - level) * sign, None, level, flags + tuple(extra))


def _with_progress(score: _Score, target: ParsedTarget, actual: float, baseline: float | None) -> _Score:
    if baseline is None or target.kind == "equal":
        return score
    moved = actual - baseline if target.kind == "at_least" else baseline - actual
    flags = _progress_flags(score.achieved, moved)
    if not flags:
        return score
    return _Score(score.achieved, score.rate, score.gap, score.gap_rate, score.level, score.flags + flags)


def _progress_flags(achieved: bool, moved: float) -> tuple[Flag, ...]:
    """partial_progress: moved the right way but short; regressed: moved the wrong way."""
    if _close(moved, 0.0):
        return ()
    if moved < 0:
        return ("regressed",)
    return () if achieved else ("partial_progress",)


def _required(value: float | None) -> float:
    if value is None:  # ParsedTarget builders always set the numbers of their kind
        raise AssertionError("target number missing")
    return value


def _change(reading: _Reading) -> _Change:
    actual, baseline = reading.actual, reading.baseline
    if actual is None or baseline is None:
        return _NO_CHANGE
    if not (reading.actual_fits and reading.baseline_fits):
        return _Change(flags=("unit_mismatch",))
    delta = actual - baseline
    points = delta if reading.unit.label == "%" else None
    if baseline == 0:
        return _Change(delta, None, points, ("zero_baseline",))
    return _Change(delta, delta / abs(baseline), points)


# --- results -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Display:
    """The strings of one metric that its statement quotes, formatted once."""

    target: str | None
    actual: str
    baseline: str
    change: str | None


def _shown(reading: _Reading, language: Language) -> tuple[_Change, _Display]:
    """The change against the baseline and the strings of the metric that its statement quotes."""
    change = _change(reading)
    return change, _display(reading, change, language)


def _result(
    index: int,
    metric: MetricInput,
    reading: _Reading,
    verdict: _Verdict,
    change: _Change,
    display: _Display,
    statement: str,
) -> MetricResult:
    """The result model (its table in words: `fupan_mcp.report.tool_text`)."""
    score = verdict.score if verdict.case == "judged" else None  # a peak bound proves the miss, not the rate
    # every field, of its type, from the validated input and this module's figures: not validated again
    result = built(
        MetricResult,
        index=index,
        name=metric.name,
        dimension=metric.dimension,
        status=verdict.status,
        target_text=display.target,
        target=reading.target,
        target_level=clean(verdict.score.level) if verdict.score is not None else None,
        actual=clean(reading.actual),
        baseline=clean(reading.baseline),
        unit=reading.unit.label,
        actual_unit=None if reading.actual_fits and not _as_written(reading, "actual") else reading.actual_unit,
        baseline_unit=None if reading.baseline_fits and not _as_written(reading, "baseline") else reading.baseline_unit,
        aggregation=metric.aggregation,
        target_aggregation=metric.target_aggregation,
        weight=metric.weight,
        attainment_rate=clean(score.rate) if score else None,
        gap_to_target=clean(score.gap) if score else None,
        gap_rate=clean(score.gap_rate) if score else None,
        change_abs=clean(change.absolute),
        change_rel=clean(change.relative),
        change_pp=clean(change.points),
        flags=_unique(verdict.flags + change.flags),
        error_budget=reading.budget,
        statement=statement,
    )
    return result


def _unique(flags: tuple[Flag, ...]) -> list[Flag]:
    return list(dict.fromkeys(flags))


_UNREADABLE_CODES = frozenset({"unreadable", "no_number", "text_around_number"})


def _as_written(reading: _Reading, field: str) -> bool:
    """Calendar days against working days: the figure keeps its own unit (the doubt says why)."""
    return reading.doubt is not None and reading.doubt.kind == "days" and reading.doubt.field == field


def _set_aside_error(entry: ItemError) -> MetricError:
    """A metric set aside for its shape (`domain.items`), as the metric errors are written."""
    return MetricError(
        index=entry.index,
        name=entry.name,
        field=entry.field,
        path=entry.path,
        reason=entry.reason,
        message=entry.message,
    )


def _metric_error(index: int, metric: MetricInput, error: _FieldError, language: Language) -> MetricError:
    """A localized message with no English inside a Chinese one: the reason is worded from its code."""
    field_word = tr(_TEXT, f"field_{error.field_name}", language)
    why_key = f"why.{error.code}"
    if why_key not in _TEXT:
        why_key = "why.unreadable" if error.params.get("numbers") else "why.text_around_number"
    numbers = str(error.params.get("numbers") or "")
    why = tr(_TEXT, why_key, language, **{"numbers": numbers, "kind": "", **error.params})
    if error.code == "blank_name":
        message = tr(_TEXT, "blank_name", language, number=index + 1)
    elif error.code == "date" or (error.code in _UNREADABLE_CODES and looks_like_date(error.text)):
        message = tr(_TEXT, "date_error", language, name=metric.name, field=field_word, text=error.text)
    elif error.field_name == "target":
        message = tr(
            _TEXT, "target_error", language, name=metric.name, text=error.text, why=why, spec=spec_example(error.text)
        )
    else:
        message = tr(_TEXT, "value_error", language, name=metric.name, field=field_word, text=error.text, why=why)
    return MetricError(
        index=index,
        name=metric.name,
        field=error.field_name,
        path=f"metrics[{index}].{error.field_name}",
        reason=error.reason,
        message=message,
    )


# The data gap each unjudged case leaves: (input field, message key).
_GAP_CASES: dict[Case, tuple[str, str]] = {
    "no_target": ("target", "gap_target"),
    "no_actual": ("actual", "gap_actual"),
    "no_baseline": ("baseline", "gap_baseline"),
    "peak": ("actual", "gap_peak"),
    "aggregation": ("actual", "gap_aggregation"),
    "unit": ("unit", "gap_unit"),
    "zero_baseline": ("target", "gap_zero_baseline"),
    "direction": ("better", "gap_direction"),
    "approximate": ("actual", "gap_approximate"),
    "doubt": ("actual", "gap_scale"),
}


_DOUBT_GAPS = {
    "fen": "gap_fen", "sign": "gap_sign", "days": "gap_days", "plus": "gap_plus", "start": "gap_start",
    "ratio": "gap_ratio",
}  # fmt: skip


def _data_gaps(index: int, metric: MetricInput, verdict: _Verdict, language: Language) -> list[DataGap]:
    entry = _GAP_CASES.get(verdict.case)
    if entry is None:
        return []
    field_name, key = entry
    if verdict.doubt is not None:
        field_name = verdict.doubt.field
        key = _DOUBT_GAPS.get(verdict.doubt.kind, "gap_scale")
    aggregation = _aggregation_word(metric.target_aggregation, language)
    words = _W[language]
    field_word = words[f"field_{field_name}"] if verdict.doubt is not None else ""
    message = words[key].format(name=metric.name, aggregation=aggregation, field=field_word)
    path = f"metrics[{index}].{field_name}"
    return [built(DataGap, subject=metric.name, field=field_name, message=message, path=path)]  # one per gap


def _summarize(
    results: list[MetricResult], errors: list[MetricError], gaps: list[DataGap], language: Language
) -> AttainmentSummary:
    counts = dict.fromkeys(_STATUSES, 0)
    for result in results:
        counts[result.status] += 1
    weighted, basis = _weighted_attainment(results)
    return AttainmentSummary(
        total=len(results) - counts["reported"],
        reported=counts["reported"],
        achieved=counts["achieved"],
        not_achieved=counts["not_achieved"],
        needs_verification=counts["needs_verification"],
        not_evaluable=counts["not_evaluable"],
        errors=len(errors),
        weighted_attainment=clean(weighted),
        weighted_attainment_basis=basis,
        rate_cap=RATE_CAP,
        rate_convention=_W[language]["rate_convention"].format(cap=_percent(RATE_CAP)),
        data_gaps=gaps,
    )


def _weighted_attainment(results: list[MetricResult]) -> tuple[float | None, int]:
    total_weight = weighted_sum = 0.0
    basis = 0
    for result in results:
        rate = result.attainment_rate
        if rate is None or result.status not in ("achieved", "not_achieved"):
            continue
        basis += 1
        total_weight += result.weight
        weighted_sum += result.weight * min(max(rate, 0.0), RATE_CAP)
    return (weighted_sum / total_weight if total_weight > 0 else None), basis


# --- display -----------------------------------------------------------------------------------------


def _display(reading: _Reading, change: _Change, language: Language) -> _Display:
    return _Display(
        target=_describe_target(reading.target, language),
        actual=_fmt(reading.actual, reading.actual_unit, language),
        baseline=_fmt(reading.baseline, reading.baseline_unit, language),
        change=_change_text(change, reading.unit.label, language),
    )


def _fmt(value: float | None, unit: str | None, language: Language) -> str:
    """A value with its unit for people, written by `numfmt.quantity` as the report's tables write it."""
    if value is None:
        return "—"
    if unit == "pp":
        before, after = _P[language]["pp_only"]
        return before + numfmt.plain(value) + after
    return numfmt.quantity(value, unit, language)


def _signed(value: float, unit: str | None, language: Language) -> str:
    """A change with its sign; a change of a T+N target is a number of days."""
    if _close(value, 0.0):
        return "0"
    text = _fmt(value, "d" if unit == "T+" else difference_unit(unit), language)
    return f"+{text}" if value > 0 else text


def _percent(fraction: float, *, signed: bool = False) -> str:
    return percent(fraction, signed=signed)


def _describe_target(target: ParsedTarget | None, language: Language) -> str | None:
    if target is None:
        return None
    return describe_target(target, language)


_SYMBOLS = {
    ("at_least", False): "≥",
    ("at_least", True): ">",
    ("at_most", False): "≤",
    ("at_most", True): "<",
}
_SYMBOLS |= {("equal", False): "=", ("equal", True): "="}


def _aggregation_word(aggregation: str | None, language: Language) -> str:
    return _W[language][f"agg_{aggregation or 'unstated'}"]


def _change_text(change: _Change, unit: str | None, language: Language) -> str | None:
    """The change against the baseline as a phrase for the statement: only the figures it quotes are
    written (the flat case quotes none)."""
    if change.absolute is None:
        return None
    parts = _P[language]
    if change.points is not None:
        points = _signed(change.points, None, language)
        if change.relative is None:
            before, after = parts["pp_only"]
            return before + points + after
        before, middle, after = parts["pp_change"]
        return before + points + middle + _percent(change.relative, signed=True) + after
    if change.relative is None or unit == "rank":  # ranks move by places: '第6名' to '第4名' is -2 名, not -33%
        before, after = parts["change_abs"]
        return before + _signed(change.absolute, unit, language) + after
    if _close(change.absolute, 0.0):
        return _W[language]["flat"]
    before, middle, after = parts["down" if change.relative < 0 else "up"]
    return before + _percent(abs(change.relative)) + middle + _signed(change.absolute, unit, language) + after


def _change_cell(change: _Change, unit: str | None, language: Language) -> str:
    """The change as a table cell writes it, absolute (relative): what a zero baseline's statement quotes."""
    if change.absolute is None:
        return "—"
    relative = f" ({_percent(change.relative, signed=True)})" if change.relative is not None and unit != "rank" else ""
    if change.points is not None:
        return f"{_signed(change.points, None, language)} pp{relative}"
    return _signed(change.absolute, unit, language) + relative


def _statement(metric: MetricInput, reading: _Reading, verdict: _Verdict, display: _Display, language: Language) -> str:
    body = _W[language]["sep"].join(_statement_parts(metric, reading, verdict, display, language))
    before, middle, after = _P[language]["statement"]
    return before + metric.name + middle + body + after


def _statement_parts(
    metric: MetricInput, reading: _Reading, verdict: _Verdict, display: _Display, language: Language
) -> list[str]:
    case = verdict.case
    target = display.target or ""
    if case == "reported":
        fact = [_W[language]["reported_fact"].format(actual=display.actual)]
        return fact + [_W[language]["approx_note"]] * ("approximate" in verdict.flags)
    if case == "direction":
        return [_W[language]["direction"].format(target=target)]
    if case == "doubt" and verdict.doubt is not None:
        return [_doubt_text(verdict.doubt, reading, target, language)]
    if case == "approximate":
        margin = _percent(_APPROX_MARGIN)
        return [_W[language]["approximate"].format(actual=display.actual, target=target, margin=margin)]
    if case == "no_target":
        has_actual = reading.actual is not None
        actual = [_W[language]["actual_is"].format(actual=display.actual)] if has_actual else []
        return [_W[language]["no_target"], *actual]
    if case == "unit" and reading.target_fits and reading.actual_fits:  # the baseline is the odd one out
        return [_W[language]["unit_baseline"].format(baseline=display.baseline, actual=display.actual)]
    if case in ("no_actual", "no_baseline", "unit", "peak"):
        return [_W[language][case].format(target=target, actual=display.actual)]
    if case == "zero_baseline":
        absolute = _change_cell(_change(reading), reading.unit.label, language)
        return [_W[language]["zero_baseline"].format(target=target, abs=absolute)]
    if case == "aggregation":
        actual_aggregation = _aggregation_word(metric.aggregation, language)
        target_aggregation = _aggregation_word(metric.target_aggregation, language)
        return [
            tr(
                _TEXT,
                "aggregation",
                language,
                actual_aggregation=actual_aggregation,
                target_aggregation=target_aggregation,
                target=target,
                actual=display.actual,
            )
        ]
    if case == "peak_bound":
        aggregation = _aggregation_word(metric.target_aggregation, language)
        values = {"actual": display.actual, "target": target, "aggregation": aggregation}
        return [_W[language]["peak_bound"].format(**values), _W[language][verdict.status]]
    return _judged_parts(reading, verdict, display, language)


def _doubt_text(doubt: Doubt, reading: _Reading, target: str, language: Language) -> str:
    """Why the figure was not judged: the field as written, how it would read, and the likely reading."""
    field = tr(_TEXT, f"field_{doubt.field}", language)
    if doubt.kind == "fen":
        return tr(_TEXT, "doubt_fen", language, field=field, text=doubt.text)
    if doubt.kind == "scale":
        scale = numfmt.plain(doubt.factor) if doubt.factor is not None else "—"
        written = doubt.target_text or target
        return tr(_TEXT, "doubt_scale", language, field=field, text=doubt.text, target=written, scale=scale)
    if doubt.kind == "rating":
        return tr(_TEXT, "doubt_rating", language, text=doubt.text, target=doubt.target_text or target)
    if doubt.kind == "sign":
        written = doubt.target_text or target
        return tr(_TEXT, "doubt_sign", language, field=field, text=doubt.text, target=written)
    if doubt.kind == "days":
        written = doubt.target_text or target
        return tr(_TEXT, "doubt_days", language, field=field, text=doubt.text, target=written)
    if doubt.kind == "plus":
        value = numfmt.plain(doubt.likely) if doubt.likely is not None else doubt.text.strip().lstrip("+＋").strip()
        return tr(_TEXT, "doubt_plus", language, text=doubt.text, value=value)
    if doubt.kind == "ratio":
        return tr(_TEXT, "doubt_ratio", language, text=doubt.text)
    if doubt.kind == "start":
        label = reading.unit.label
        figures = {
            "text": doubt.target_text or target,
            "start": _fmt(doubt.likely, label, language),
            "baseline": _fmt(reading.baseline, label, language),
            "end": _fmt(reading.target.value if reading.target else None, label, language),
        }
        return tr(_TEXT, "doubt_start", language, reached=_fmt(doubt.factor, label, language), **figures)
    if doubt.kind == "inherited":
        actual = _fmt(reading.actual, reading.actual_unit, language)
        return tr(_TEXT, "doubt_inherited", language, text=doubt.text, actual=actual)
    read = reading.actual if doubt.field == "actual" else reading.baseline
    label = reading.unit.label
    times = numfmt.plain(doubt.factor) if doubt.factor is not None else "—"
    return tr(
        _TEXT, "doubt_magnitude", language, field=field, text=doubt.text, target=target,
        read=_fmt(read, label, language), likely=_fmt(doubt.likely, label, language), times=times,
    )  # fmt: skip


def _judged_parts(reading: _Reading, verdict: _Verdict, display: _Display, language: Language) -> list[str]:
    target = _required_target(reading.target)
    score = verdict.score
    assert score is not None  # judged cases always carry a score
    unit = reading.unit.label
    texts = _P[language]
    if target.kind in _CHANGE_KINDS and score.level is not None:
        level = _describe_level(target, score.level, unit, language)
        before, middle, after = texts["from_to"]
        parts = [before + display.baseline + middle + display.actual + after]
        parts += [display.change] if display.change else []
        before, middle, after = texts["target_level"]
        parts.append(before + str(display.target) + middle + level + after)
    else:
        (actual_before, actual_after), (target_before, target_after) = texts["actual_is"], texts["target_is"]
        parts = [
            actual_before + display.actual + actual_after,
            target_before + str(display.target) + target_after,
        ]
        if reading.baseline is not None and display.change:
            before, after = texts["baseline_is"]
            parts += [before + display.baseline + after, display.change]
    if reading.budget is not None:
        parts.append(_budget_text(reading.budget, language))
    if "approximate" in verdict.flags:
        parts.append(_W[language]["approx_note"])
    parts.append(_verdict_text(target, verdict.status, score, unit, language))
    if verdict.doubt is not None and verdict.doubt.kind == "start":
        parts.append(_start_note(verdict.doubt, reading, language))
    return parts


def _start_note(doubt: Doubt, reading: _Reading, language: Language) -> str:
    label = reading.unit.label
    return tr(
        _TEXT, "start_note", language, text=doubt.target_text or "", start=_fmt(doubt.likely, label, language),
        baseline=_fmt(reading.baseline, label, language), reached=_fmt(doubt.factor, label, language),
    )  # fmt: skip


def _budget_text(budget: ErrorBudget, language: Language) -> str:
    times = numfmt.plain(budget.consumed, 2) if budget.consumed is not None else "—"
    if budget.budget_minutes is not None and budget.consumed_minutes is not None:
        period = _fmt(budget.period_minutes / 1440 if budget.period_minutes else None, "d", language)
        spent = _fmt(budget.consumed_minutes, "min", language)
        allowed = _fmt(budget.budget_minutes, "min", language)
        return _W[language]["slo_budget"].format(budget=allowed, period=period, spent=spent, times=times)
    if budget.budget_requests is not None and budget.failed_requests is not None:
        allowed = numfmt.plain(budget.budget_requests)
        spent = numfmt.plain(budget.failed_requests)
        return _W[language]["slo_requests"].format(budget=allowed, spent=spent, times=times)
    return _W[language]["slo_times"].format(times=times)


def _required_target(target: ParsedTarget | None) -> ParsedTarget:
    if target is None:
        raise AssertionError("judged metric without a target")
    return target


def _describe_level(target: ParsedTarget, level: float | None, unit: str | None, language: Language) -> str:
    """The level a change target implies, shown as an at-least / at-most bound ("≤ 1.96h")."""
    kind = "at_least" if (target.direction == "increase") != target.limit else "at_most"
    return f"{_SYMBOLS[kind, target.strict]} {_fmt(level, unit, language)}"


def _verdict_text(target: ParsedTarget, status: Status, score: _Score, unit: str | None, language: Language) -> str:
    details: list[str] = []
    parts = _P[language]
    if score.rate is not None:
        before, after = parts["rate_change" if target.kind in _CHANGE_KINDS and not target.limit else "rate_level"]
        details.append(before + _percent(score.rate) + after)
    gap_text = _gap_text(target, score, unit, language)
    if gap_text:
        details.append(gap_text)
    verdict = _W[language][status]
    if not details:
        return verdict
    before, middle, after = parts["detail"]
    return before + verdict + middle + _W[language]["sep"].join(details) + after


# Phrase keys for a gap: (better than the target, worse than the target).
_GAP_KEYS: dict[str, tuple[str, str]] = {
    "at_least": ("ahead", "short"),
    "at_most": ("under_limit", "over_limit"),
    "budget": ("saving", "overspend"),
    "equal": ("off_by", "off_by"),
    "range": ("inside", "outside"),
    "tolerance": ("inside", "outside"),
    "slo": ("ahead", "short"),
}


def _gap_text(target: ParsedTarget, score: _Score, unit: str | None, language: Language) -> str | None:
    gap = score.gap
    if gap is None or (_close(gap, 0.0) and target.kind != "range"):
        return None
    # a difference of percents is in points, a difference of ranks in places ('落后 1 名', not '第1名')
    amount = _fmt(abs(gap), difference_unit(unit), language)
    better_key, worse_key = _GAP_KEYS.get(target.kind, ("margin", "short"))
    better = score.achieved if target.kind in ("range", "tolerance") else gap > 0
    key = better_key if better else worse_key
    parts = _P[language].get(key)
    if parts is not None:  # a phrase that quotes the gap alone (every phrase but a budget's)
        before, after = parts
        return before + amount + after
    text = _W[language][key]
    if "{share}" not in text:  # only a budget's phrases quote the share: no percent written for the others
        return text.format(gap=amount)
    share = _percent(abs(score.gap_rate)) if score.gap_rate is not None else "—"
    return text.format(gap=amount, share=share)
