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
- A missing target, actual, or baseline needed by a change target is ``not_evaluable`` and a data gap.
- Unreadable values become `MetricError` entries; the other metrics are still computed. Whole-input
  problems (no metrics, too many, unknown language) raise `InputError`.
- ``weighted_attainment`` is the weighted mean of the rates of achieved and not-achieved metrics, each
  clamped to [0, RATE_CAP].
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fupan_mcp.analysis.numbers import ScaledQuantity, parse_scaled_quantity
from fupan_mcp.analysis.targets import MetricUnit, metric_unit, parse_target, target_from_spec, to_metric_unit
from fupan_mcp.domain.attainment import (
    AttainmentResult,
    AttainmentSummary,
    Flag,
    MetricError,
    MetricInput,
    MetricResult,
    ParsedTarget,
    Status,
    TargetSpec,
)
from fupan_mcp.domain.common import DataGap, Language
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Table, check_language, tr
from fupan_mcp.limits import MAX_METRICS
from fupan_mcp.report import formatting as fmt

__all__ = ["RATE_CAP", "compute_attainment"]

RATE_CAP = 2.0
_REL_TOL = 1e-9
_ABS_TOL = 1e-12
_CHANGE_KINDS = frozenset({"relative_change", "pp_change", "absolute_change"})
_STATUSES: tuple[Status, ...] = ("achieved", "not_achieved", "needs_verification", "not_evaluable")

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
]

_TEXT: Table = {
    # status words and table headers
    "achieved": {"zh": "已达成", "en": "achieved"},
    "not_achieved": {"zh": "未达成", "en": "not achieved"},
    "needs_verification": {"zh": "待核验", "en": "needs verification"},
    "not_evaluable": {"zh": "无法评估", "en": "not evaluable"},
    # sentence frame
    "statement": {"zh": "{name}:{body}。", "en": "{name}: {body}."},
    "sep": {"zh": ",", "en": ", "},
    "detail": {"zh": "{verdict}({details})", "en": "{verdict} ({details})"},
    # pieces of a judged statement
    "actual_is": {"zh": "实际 {actual}", "en": "actual {actual}"},
    "target_is": {"zh": "目标 {target}", "en": "target {target}"},
    "target_level": {"zh": "目标 {target}(即 {level})", "en": "target {target} (i.e. {level})"},
    "baseline_is": {"zh": "基线 {baseline}", "en": "baseline {baseline}"},
    "from_to": {"zh": "由 {baseline} 到 {actual}", "en": "from {baseline} to {actual}"},
    "rate_level": {"zh": "完成率 {rate}", "en": "attainment {rate}"},
    "rate_change": {"zh": "进度 {rate}", "en": "progress {rate}"},
    "ahead": {"zh": "超出 {gap}", "en": "ahead by {gap}"},
    "short": {"zh": "差 {gap}", "en": "short by {gap}"},
    "under_limit": {"zh": "低于上限 {gap}", "en": "under the limit by {gap}"},
    "over_limit": {"zh": "超出上限 {gap}", "en": "over the limit by {gap}"},
    "saving": {"zh": "节省 {gap},占预算 {share}", "en": "saving {gap}, {share} of budget"},
    "overspend": {"zh": "超支 {gap},占预算 {share}", "en": "overspend {gap}, {share} of budget"},
    "off_by": {"zh": "偏离 {gap}", "en": "off by {gap}"},
    "inside": {"zh": "在区间内,距最近边界 {gap}", "en": "inside the range, {gap} from the nearest bound"},
    "outside": {"zh": "超出区间 {gap}", "en": "outside the range by {gap}"},
    "margin": {"zh": "余量 {gap}", "en": "margin {gap}"},
    # change against the baseline
    "pp_change": {"zh": "{pp} 个百分点(相对 {rel})", "en": "{pp} pp (relative {rel})"},
    "pp_only": {"zh": "{pp} 个百分点", "en": "{pp} pp"},
    "down": {"zh": "下降 {rel}({abs})", "en": "down {rel} ({abs})"},
    "up": {"zh": "增长 {rel}({abs})", "en": "up {rel} ({abs})"},
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
        "zh": "未设定目标,无法评估达成情况",
        "en": "no target was set, so attainment cannot be judged",
    },
    "no_actual": {
        "zh": "缺少实际值,无法评估(目标 {target}),请补充",
        "en": "the actual value is missing, so it cannot be judged (target {target}); please supply it",
    },
    "no_baseline": {
        "zh": "目标 {target} 是相对基线的变化,但缺少基线值,无法评估,请补充基线",
        "en": "the target {target} is a change from the baseline, which is missing; please supply it",
    },
    "unit": {
        "zh": "单位不一致(实际 {actual},目标 {target}),待核验,请统一单位",
        "en": "the units differ (actual {actual}, target {target}); needs verification: use one unit",
    },
    "zero_baseline": {
        "zh": "基线为 0,相对变化无意义,不能按“{target}”判断;绝对变化 {abs},待核验",
        "en": "the baseline is 0, so a relative change is undefined and '{target}' cannot be judged; "
        "absolute change {abs}; needs verification",
    },
    "peak": {
        "zh": "只有峰值 {actual},峰值不能证明目标 {target} 已达成,待核验;请补充与目标同口径的均值(如 7 日/30 日均值)",
        "en": "only the peak {actual} is reported, and a peak cannot prove the target {target}; needs "
        "verification: supply the average on the target's basis (e.g. the 7- or 30-day mean)",
    },
    "peak_bound": {
        "zh": "峰值 {actual} 已低于目标 {target},{aggregation}只会更低",
        "en": "the peak {actual} is already below the target {target}; the {aggregation} cannot be higher",
    },
    "aggregation": {
        "zh": "实际值为{actual_aggregation}口径({actual}),目标为{target_aggregation}口径({target}),"
        "口径不一致,待核验;请补充{target_aggregation}口径的实际值",
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
        "zh": "请补充「{name}」的目标值;若未设目标,请注明。",
        "en": "Supply the target of '{name}', or note that none was set.",
    },
    "gap_actual": {"zh": "请补充「{name}」的实际值。", "en": "Supply the actual value of '{name}'."},
    "gap_baseline": {
        "zh": "「{name}」的目标是相对基线的变化,请补充基线值。",
        "en": "The target of '{name}' is a change from the baseline: supply the baseline.",
    },
    "gap_peak": {
        "zh": "「{name}」只有峰值,请补充与目标同口径的均值(如 7 日/30 日均值)。",
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
        "zh": "「{name}」的基线为 0,无法按相对变化判断,请改用绝对目标(如 ≥ 某值)。",
        "en": "The baseline of '{name}' is 0: restate its target as a level (e.g. ≥ a value).",
    },
    # errors
    "field_target": {"zh": "目标", "en": "target"},
    "field_actual": {"zh": "实际值", "en": "actual"},
    "field_baseline": {"zh": "基线", "en": "baseline"},
    "metric_error": {
        "zh": "「{name}」的{field}无法解析:{reason}。可写作 ≥2,000、≤45元、下降30%、+5pp、95~99%、≤T+1。",
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
        "zh": "完成率:下限目标 = 实际/目标;上限目标(成本、时长)与预算 = 目标/实际;"
        "变化目标 = 实际变化/目标变化;区间、等值与目标为 0 时不计完成率。"
        "加权完成率只计已达成与未达成的指标,单项封顶 {cap}。",
        "en": "Rate: at-least targets = actual/target; "
        "at-most targets (cost, time) and budgets = target/actual; "
        "change targets = achieved change/target change; none for ranges, equal or zero targets. "
        "The weighted rate counts achieved and not-achieved metrics only, each capped at {cap}.",
    },
}


# --- internal records --------------------------------------------------------------------------------


class _FieldError(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(reason)
        self.field_name = field_name
        self.reason = reason


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class _Score:
    """The numbers of a judged metric."""

    achieved: bool
    rate: float | None
    gap: float | None
    gap_rate: float | None
    level: float | None
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class _Verdict:
    status: Status
    case: Case
    score: _Score | None = None
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True, slots=True)
class _Change:
    absolute: float | None = None
    relative: float | None = None
    points: float | None = None
    flags: tuple[Flag, ...] = ()


_NO_CHANGE = _Change()


# --- entry point -------------------------------------------------------------------------------------


def compute_attainment(metrics: Sequence[MetricInput], language: Language = "zh") -> AttainmentResult:
    """Judge every metric against its target; see the module docstring for the rules.

    Raises InputError for whole-input problems; a metric that cannot be read becomes a `MetricError`.
    """
    _check_input(metrics, language)
    results: list[MetricResult] = []
    errors: list[MetricError] = []
    gaps: list[DataGap] = []
    for index, metric in enumerate(metrics):
        try:
            reading = _read(metric)
        except _FieldError as error:
            errors.append(_metric_error(index, metric, error, language))
            continue
        verdict = _verdict(metric, reading)
        results.append(_result(index, metric, reading, verdict, language))
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


def _read(metric: MetricInput) -> _Reading:
    target = _read_target(metric.target, metric.unit)
    actual = _read_value(metric.actual, "actual")
    baseline = _read_value(metric.baseline, "baseline")
    declared = metric_unit(metric.unit)
    unit = declared if declared.label is not None else metric_unit(_inferred_unit(target, actual, baseline))
    actual_value, actual_unit, actual_fits = _in_unit(actual, unit)
    baseline_value, baseline_unit, baseline_fits = _in_unit(baseline, unit)
    return _Reading(
        target=target,
        actual=actual_value,
        baseline=baseline_value,
        unit=unit,
        actual_unit=actual_unit,
        baseline_unit=baseline_unit,
        target_fits=_target_fits(target, unit),
        actual_fits=actual_fits,
        baseline_fits=baseline_fits,
    )


def _read_target(target: str | TargetSpec | None, unit: str | None) -> ParsedTarget | None:
    if target is None or (isinstance(target, str) and not target.strip()):
        return None
    try:
        if isinstance(target, TargetSpec):
            return target_from_spec(target, unit)
        return parse_target(target, unit)
    except ValueError as error:
        raise _FieldError("target", str(error)) from None


def _read_value(value: float | str | None, field_name: str) -> ScaledQuantity | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_scaled_quantity(value)
    except ValueError as error:
        raise _FieldError(field_name, str(error)) from None


def _inferred_unit(
    target: ParsedTarget | None, actual: ScaledQuantity | None, baseline: ScaledQuantity | None
) -> str | None:
    """The target's unit for level targets, else the actual's, else the baseline's ('%' for pp targets)."""
    if target is not None and target.kind not in ("relative_change", "pp_change") and target.unit:
        return target.unit
    for quantity in (actual, baseline):
        if quantity is not None and quantity.unit is not None:
            return quantity.unit
    return "%" if target is not None and target.kind == "pp_change" else None


def _in_unit(quantity: ScaledQuantity | None, unit: MetricUnit) -> tuple[float | None, str | None, bool]:
    if quantity is None:
        return None, unit.label, True
    return to_metric_unit(quantity, unit)


def _target_fits(target: ParsedTarget | None, unit: MetricUnit) -> bool:
    if target is None or target.kind == "relative_change":
        return True
    if target.kind == "pp_change":
        return unit.label in (None, "%")
    return target.unit is None or target.unit == unit.label


# --- judging -----------------------------------------------------------------------------------------


def _verdict(metric: MetricInput, reading: _Reading) -> _Verdict:
    target, actual, baseline = reading.target, reading.actual, reading.baseline
    if target is None:
        return _Verdict("not_evaluable", "no_target", flags=("missing_target",))
    if actual is None:
        return _Verdict("not_evaluable", "no_actual", flags=("missing_actual",))
    needs_baseline = target.kind in _CHANGE_KINDS
    if needs_baseline and baseline is None:
        return _Verdict("not_evaluable", "no_baseline", flags=("missing_baseline",))
    if not (reading.target_fits and reading.actual_fits and (reading.baseline_fits or not needs_baseline)):
        return _Verdict("needs_verification", "unit", flags=("unit_mismatch",))
    if target.kind == "relative_change" and baseline == 0:
        return _Verdict("needs_verification", "zero_baseline", flags=("zero_baseline",))
    usable_baseline = baseline if reading.baseline_fits else None
    score = _score(target, actual, usable_baseline)
    aggregation_flags = _aggregation_flags(metric)
    if not aggregation_flags:
        return _Verdict("achieved" if score.achieved else "not_achieved", "judged", score, score.flags)
    if _peak_disproves(metric, target, score):
        return _Verdict("not_achieved", "peak_bound", score, aggregation_flags + score.flags)
    case: Case = "peak" if "peak_only" in aggregation_flags else "aggregation"
    return _Verdict("needs_verification", case, flags=aggregation_flags)


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
    if target.kind in _CHANGE_KINDS:
        assert baseline is not None  # guaranteed by _verdict
        return _score_change(target, actual, baseline)
    score = _score_level(target, actual)
    return _with_progress(score, target, actual, baseline)


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


@dataclass(frozen=True, slots=True)
class _Display:
    """The strings of one metric, formatted once for both the statement and the table row."""

    target: str | None
    actual: str
    baseline: str
    change: str | None
    change_cell: str


def _result(index: int, metric: MetricInput, reading: _Reading, verdict: _Verdict, language: Language) -> MetricResult:
    """The result model (its table in words: `fupan_mcp.report.tool_text`)."""
    change = _change(reading)
    display = _display(reading, change, language)
    score = verdict.score if verdict.case == "judged" else None  # a peak bound proves the miss, not the rate
    result = MetricResult(
        index=index,
        name=metric.name,
        dimension=metric.dimension,
        status=verdict.status,
        target_text=display.target,
        target=reading.target,
        target_level=verdict.score.level if verdict.score is not None else None,
        actual=reading.actual,
        baseline=reading.baseline,
        unit=reading.unit.label,
        actual_unit=None if reading.actual_fits else reading.actual_unit,
        baseline_unit=None if reading.baseline_fits else reading.baseline_unit,
        aggregation=metric.aggregation,
        target_aggregation=metric.target_aggregation,
        weight=metric.weight,
        attainment_rate=score.rate if score else None,
        gap_to_target=score.gap if score else None,
        gap_rate=score.gap_rate if score else None,
        change_abs=change.absolute,
        change_rel=change.relative,
        change_pp=change.points,
        flags=_unique(verdict.flags + change.flags),
        statement=_statement(metric, reading, verdict, display, language),
    )
    return result


def _unique(flags: tuple[Flag, ...]) -> list[Flag]:
    return list(dict.fromkeys(flags))


def _metric_error(index: int, metric: MetricInput, error: _FieldError, language: Language) -> MetricError:
    field_word = tr(_TEXT, f"field_{error.field_name}", language)
    return MetricError(
        index=index,
        name=metric.name,
        field=error.field_name,
        path=f"metrics[{index}].{error.field_name}",
        reason=error.reason,
        message=tr(_TEXT, "metric_error", language, name=metric.name, field=field_word, reason=error.reason),
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
}


def _data_gaps(index: int, metric: MetricInput, verdict: _Verdict, language: Language) -> list[DataGap]:
    entry = _GAP_CASES.get(verdict.case)
    if entry is None:
        return []
    field_name, key = entry
    aggregation = _aggregation_word(metric.target_aggregation, language)
    message = tr(_TEXT, key, language, name=metric.name, aggregation=aggregation)
    return [DataGap(subject=metric.name, field=field_name, message=message, path=f"metrics[{index}].{field_name}")]


def _summarize(
    results: list[MetricResult], errors: list[MetricError], gaps: list[DataGap], language: Language
) -> AttainmentSummary:
    counts = dict.fromkeys(_STATUSES, 0)
    for result in results:
        counts[result.status] += 1
    weighted, basis = _weighted_attainment(results)
    return AttainmentSummary(
        total=len(results),
        achieved=counts["achieved"],
        not_achieved=counts["not_achieved"],
        needs_verification=counts["needs_verification"],
        not_evaluable=counts["not_evaluable"],
        errors=len(errors),
        weighted_attainment=weighted,
        weighted_attainment_basis=basis,
        rate_cap=RATE_CAP,
        rate_convention=tr(_TEXT, "rate_convention", language, cap=_percent(RATE_CAP, 0)),
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
    sentence, cell = _change_texts(change, reading.unit.label, language)
    return _Display(
        target=_describe_target(reading.target, language),
        actual=_fmt(reading.actual, reading.actual_unit, language),
        baseline=_fmt(reading.baseline, reading.baseline_unit, language),
        change=sentence,
        change_cell=cell,
    )


def _fmt(value: float | None, unit: str | None, language: Language) -> str:
    """A value with its unit for people, written by the report's formatter (one rounding everywhere)."""
    return fmt.quantity(value, unit, language)


def _signed(value: float, unit: str | None, language: Language) -> str:
    return "0" if _close(value, 0.0) else fmt.signed_quantity(value, unit, language)


def _percent(fraction: float, digits: int = 1, *, signed: bool = False) -> str:
    """A rate or a relative change, written like the report writes it (`report.formatting.percent`)."""
    return fmt.percent(fraction, signed=signed)


def _describe_target(target: ParsedTarget | None, language: Language) -> str | None:
    if target is None:
        return None
    if target.kind == "range":
        return f"{_fmt(target.low, target.unit, language)} ~ {_fmt(target.high, target.unit, language)}"
    value = _fmt(target.value, target.unit, language)
    if target.kind == "budget":
        return tr(_TEXT, "budget", language, value=value)
    if target.kind in _CHANGE_KINDS:
        key = f"{target.direction}_strict" if target.strict else str(target.direction)
        return tr(_TEXT, key, language, value=value)
    return f"{_SYMBOLS[target.kind, target.strict]} {value}"


_SYMBOLS = {
    ("at_least", False): "≥",
    ("at_least", True): ">",
    ("at_most", False): "≤",
    ("at_most", True): "<",
}
_SYMBOLS |= {("equal", False): "=", ("equal", True): "="}


def _aggregation_word(aggregation: str | None, language: Language) -> str:
    return tr(_TEXT, f"agg_{aggregation or 'unstated'}", language)


def _change_texts(change: _Change, unit: str | None, language: Language) -> tuple[str | None, str]:
    """The change against the baseline as a phrase for the statement and as a table cell."""
    if change.absolute is None:
        return None, "—"
    relative = _percent(change.relative, 2, signed=True) if change.relative is not None else None
    if change.points is not None:
        points = _signed(change.points, None, language)
        cell = f"{points} pp" + (f" ({relative})" if relative else "")
        if relative is None:
            return tr(_TEXT, "pp_only", language, pp=points), cell
        return tr(_TEXT, "pp_change", language, pp=points, rel=relative), cell
    absolute = _signed(change.absolute, unit, language)
    cell = absolute + (f" ({relative})" if relative else "")
    if change.relative is None:
        return tr(_TEXT, "change_abs", language, abs=absolute), cell
    if _close(change.absolute, 0.0):
        return tr(_TEXT, "flat", language), cell
    key = "down" if change.relative < 0 else "up"
    return tr(_TEXT, key, language, rel=_percent(abs(change.relative), 2), abs=absolute), cell


def _statement(metric: MetricInput, reading: _Reading, verdict: _Verdict, display: _Display, language: Language) -> str:
    body = tr(_TEXT, "sep", language).join(_statement_parts(metric, reading, verdict, display, language))
    return tr(_TEXT, "statement", language, name=metric.name, body=body)


def _statement_parts(
    metric: MetricInput, reading: _Reading, verdict: _Verdict, display: _Display, language: Language
) -> list[str]:
    case = verdict.case
    target = display.target or ""
    if case == "no_target":
        has_actual = reading.actual is not None
        actual = [tr(_TEXT, "actual_is", language, actual=display.actual)] if has_actual else []
        return [tr(_TEXT, "no_target", language), *actual]
    if case in ("no_actual", "no_baseline", "unit", "peak"):
        return [tr(_TEXT, case, language, target=target, actual=display.actual)]
    if case == "zero_baseline":
        absolute = display.change_cell
        return [tr(_TEXT, "zero_baseline", language, target=target, abs=absolute)]
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
        return [tr(_TEXT, "peak_bound", language, **values), tr(_TEXT, verdict.status, language)]
    return _judged_parts(reading, verdict, display, language)


def _judged_parts(reading: _Reading, verdict: _Verdict, display: _Display, language: Language) -> list[str]:
    target = _required_target(reading.target)
    score = verdict.score
    assert score is not None  # judged cases always carry a score
    unit = reading.unit.label
    if target.kind in _CHANGE_KINDS:
        level = _describe_level(target, score.level, unit, language)
        parts = [tr(_TEXT, "from_to", language, baseline=display.baseline, actual=display.actual)]
        parts += [display.change] if display.change else []
        parts.append(tr(_TEXT, "target_level", language, target=display.target, level=level))
    else:
        parts = [
            tr(_TEXT, "actual_is", language, actual=display.actual),
            tr(_TEXT, "target_is", language, target=display.target),
        ]
        if reading.baseline is not None and display.change:
            parts += [tr(_TEXT, "baseline_is", language, baseline=display.baseline), display.change]
    parts.append(_verdict_text(target, verdict.status, score, unit, language))
    return parts


def _required_target(target: ParsedTarget | None) -> ParsedTarget:
    if target is None:
        raise AssertionError("judged metric without a target")
    return target


def _describe_level(target: ParsedTarget, level: float | None, unit: str | None, language: Language) -> str:
    """The level a change target implies, shown as an at-least / at-most bound ("≤ 1.96h")."""
    kind = "at_least" if target.direction == "increase" else "at_most"
    return f"{_SYMBOLS[kind, target.strict]} {_fmt(level, unit, language)}"


def _verdict_text(target: ParsedTarget, status: Status, score: _Score, unit: str | None, language: Language) -> str:
    details: list[str] = []
    if score.rate is not None:
        key = "rate_change" if target.kind in _CHANGE_KINDS else "rate_level"
        details.append(tr(_TEXT, key, language, rate=_percent(score.rate)))
    gap_text = _gap_text(target, score, unit, language)
    if gap_text:
        details.append(gap_text)
    verdict = tr(_TEXT, status, language)
    if not details:
        return verdict
    return tr(_TEXT, "detail", language, verdict=verdict, details=tr(_TEXT, "sep", language).join(details))


# Phrase keys for a gap: (better than the target, worse than the target).
_GAP_KEYS: dict[str, tuple[str, str]] = {
    "at_least": ("ahead", "short"),
    "at_most": ("under_limit", "over_limit"),
    "budget": ("saving", "overspend"),
    "equal": ("off_by", "off_by"),
    "range": ("inside", "outside"),
}


def _gap_text(target: ParsedTarget, score: _Score, unit: str | None, language: Language) -> str | None:
    gap = score.gap
    if gap is None or (_close(gap, 0.0) and target.kind != "range"):
        return None
    amount = _fmt(abs(gap), "pp" if unit == "%" else unit, language)  # a difference of percents is in points
    better_key, worse_key = _GAP_KEYS.get(target.kind, ("margin", "short"))
    better = score.achieved if target.kind == "range" else gap > 0
    share = _percent(abs(score.gap_rate)) if score.gap_rate is not None else "—"
    return tr(_TEXT, better_key if better else worse_key, language, gap=amount, share=share)
