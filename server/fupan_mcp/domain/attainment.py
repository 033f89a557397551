"""Targets against actuals: the input and output models of `compute_attainment` (methods.md §2).

Input models forbid unknown fields and describe every field, because their JSON schema is what a
model reads before it calls the tool. Output models are plain data: every figure in them was computed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictFloat, StringConstraints, model_validator

from fupan_mcp.domain.common import DataGap, Language, Model, renamed_keys, share_as_written
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS

__all__ = [
    "Aggregation",
    "AttainmentResult",
    "AttainmentSummary",
    "Better",
    "Direction",
    "ErrorBudget",
    "Flag",
    "MetricError",
    "MetricInput",
    "MetricRef",
    "MetricResult",
    "ParsedTarget",
    "Status",
    "TargetKind",
    "TargetSpec",
]

TargetKind = Literal[
    "at_least",
    "at_most",
    "equal",
    "range",
    "relative_change",
    "pp_change",
    "absolute_change",
    "budget",
    "baseline",
    "tolerance",
    "slo",
]
Aggregation = Literal["peak", "average", "total", "latest"]
Direction = Literal["increase", "decrease"]
Better = Literal["higher", "lower"]
Status = Literal["achieved", "not_achieved", "needs_verification", "not_evaluable", "reported"]
Flag = Literal[
    "missing_target",
    "missing_actual",
    "missing_baseline",
    "peak_only",
    "aggregation_mismatch",
    "unit_mismatch",
    "zero_baseline",
    "zero_target",
    "zero_actual",
    "negative_values",
    "partial_progress",
    "regressed",
    "rounding_tolerance",
    "approximate",
    "direction_unknown",
    "error_budget_exceeded",
    "reported_only",
    "unit_ambiguous",
    "scale_doubt",
    "baseline_conflict",
]

_VALUE_CHARS = 100
NumberOrText = StrictFloat | Annotated[str, StringConstraints(max_length=_VALUE_CHARS)]
_NUMBER_OR_TEXT = "A number, or text with its unit as written: 28.6%, '2,842', '39.6元', '1628万', '2.8h', 'T+1'."


class TargetSpec(Model):
    """A target given as structure instead of an expression string."""

    kind: TargetKind = Field(
        description=(
            "at_least: actual >= value (more is better). at_most: actual <= value (cost, CPA, lead time). "
            "equal: actual = value. range: low <= actual <= high. "
            "relative_change: a change of `value` percent of the baseline, in `direction`. "
            "pp_change: a change of `value` percentage points from the baseline ('%' metrics). "
            "absolute_change: a change of `value` in the metric's unit from the baseline. "
            "The three change kinds need a baseline. "
            "budget: actual spend <= value; reports the variance (budget - actual) and its share. "
            "baseline: the level is the baseline itself (不低于去年同期 = direction increase, 持平 / no worse "
            "than last year = no direction: the metric's `better` decides). "
            "tolerance: |actual - baseline| <= value, where value is '2%' (of the baseline) or an amount in "
            "the metric's unit (±2%, 误差不超过2%). "
            "slo: an availability or success-rate objective in percent (99.9); with the metric's "
            "`slo_period` or `slo_requests` the error budget is computed."
        )
    )
    value: NumberOrText | None = Field(
        default=None,
        description=(
            "The threshold for at_least, at_most, equal and budget, in the metric's unit "
            "('45元', 2000, 'T+1'). For relative_change the size of the change in percent of the "
            "baseline: 30 or '30%' for 30%. For pp_change the size in percentage points (5 or '5pp'); "
            "for absolute_change in the metric's unit. "
            "A negative change size means a decrease when `direction` is not given."
        ),
    )
    low: NumberOrText | None = Field(default=None, description="Lower bound of a range target (inclusive).")
    high: NumberOrText | None = Field(default=None, description="Upper bound of a range target (inclusive).")
    direction: Direction | None = Field(
        default=None,
        description="For change targets: 'increase' or 'decrease'. Defaults to the sign of `value`.",
    )
    inclusive: bool = Field(
        default=True,
        description="For at_least, at_most and change targets: whether reaching the value exactly counts.",
    )
    limit: bool = Field(
        default=False,
        description=(
            "For change targets: the change in `direction` may be at most `value` (a cap, not a goal). "
            "下降不超过3% = relative_change, direction decrease, value 3, limit true: change >= -3%."
        ),
    )
    factor: float | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description=(
            "A multiple of the baseline instead of `value`, with kind relative_change: 翻一番 / double = 2, "
            "翻两番 = 4, 减半 / halve = 0.5, 3x = 3."
        ),
    )


_METRIC_ALIASES: Mapping[str, str] = {
    "metric": "name",
    "kpi": "name",
    "indicator": "name",
    "goal": "target",
    "plan": "target",
    "planned": "target",
    "result": "actual",
    "achieved": "actual",
    "actual_value": "actual",
    "previous": "baseline",
    "before": "baseline",
}
"""A metric's fields as scorecards name them (metric / KPI, goal / plan, result / achieved, previous)."""


class MetricInput(Model):
    """One metric to judge: a target, the actual result and, for change targets, the baseline."""

    @model_validator(mode="before")
    @classmethod
    def _scorecard_words(cls, data: object) -> object:
        return renamed_keys(data, _METRIC_ALIASES)

    # A blank name does not refuse the whole list: compute_attainment reports that metric alone.
    name: str = Field(max_length=MAX_NAME_CHARS, description="Metric name, e.g. 'D7留存' or 'GMV'.")
    target: Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS)] | TargetSpec | None = Field(
        default=None,
        description=(
            "The target as written ('≥2,000', '≤45元', '下降30%', '+5pp', '95~99%', '≤T+1', 'at least 300') "
            "or a structured TargetSpec. A bare number means at least; a bare 'T+N' means at most. "
            "Leave empty when no target was set: the metric is then listed as not evaluable."
        ),
    )
    actual: NumberOrText | None = Field(
        default=None,
        description=f"Omit if unknown: a data gap. The actual result. {_NUMBER_OR_TEXT}",
    )
    baseline: NumberOrText | None = Field(
        default=None,
        description=f"The value before the project (needed by change targets). {_NUMBER_OR_TEXT}",
    )
    unit: str | None = Field(
        default=None,
        max_length=32,
        description=(
            "Unit of the metric: '%', '元', '万元', 'h', 'min', '天', '人'... Numbers given without "
            "a unit are in this unit. '%' means the numbers are percents (28.6, not 0.286). "
            "Inferred from the target and values if empty."
        ),
    )
    aggregation: Aggregation | None = Field(
        default=None,
        description="How the actual was aggregated: peak, average, total or latest (end of period).",
    )
    target_aggregation: Aggregation | None = Field(
        default=None,
        description=(
            "The aggregation the target refers to. A 'peak' actual proves nothing unless this is 'peak' too; "
            "actual and target aggregations that differ make the metric need verification."
        ),
    )
    weight: Annotated[float, BeforeValidator(share_as_written)] = Field(
        default=1.0,
        ge=0,
        allow_inf_nan=False,
        description="Weight in the summary's weighted attainment (>= 0); '30%' is 0.3.",
    )
    dimension: str | None = Field(
        default=None, max_length=MAX_NAME_CHARS, description="Review dimension, e.g. '质量' or 'cost'."
    )
    note: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="Free text: source, caveats.")
    reported_only: bool = Field(
        default=False,
        description=(
            "A figure reported as a fact, with no target (users affected, queries lost, time to mitigate): "
            "its status is 'reported', it is shown with its value and is not a data gap."
        ),
    )
    better: Better | None = Field(
        default=None,
        description=(
            "Which way is better for this metric: 'higher' (revenue, availability) or 'lower' (cost, "
            "latency, incidents). Needed by targets that depend on it: 持平, 'no worse than last year'."
        ),
    )
    slo_period: str | None = Field(
        default=None,
        max_length=32,
        description=(
            "For an SLO (availability over time): the window, e.g. '30d', '30天', '1个月', 'month' (30 days), "
            "'quarter' (90 days), 'week', '28 days'. With a target in percent it makes the metric an SLO: the "
            "error budget in minutes, the downtime it allows and the budget consumed (x) are computed."
        ),
    )
    slo_requests: NumberOrText | None = Field(
        default=None,
        description=(
            "For a request-based SLO (success rate): the number of requests in the window, e.g. 12000000 or "
            "'1200万'. The error budget is then counted in failed requests."
        ),
    )


class ParsedTarget(BaseModel):
    """A target as the tool understood it: its kind and numbers, in the units named here."""

    model_config = ConfigDict(frozen=True)

    kind: TargetKind
    value: float | None = Field(
        default=None,
        description=(
            "Threshold (at_least, at_most, equal, budget) in `unit`; for change targets the size of "
            "the change, always >= 0: percent of the baseline (relative_change), percentage points "
            "(pp_change) or the metric's unit (absolute_change)."
        ),
    )
    low: float | None = Field(default=None, description="Lower bound of a range (inclusive).")
    high: float | None = Field(default=None, description="Upper bound of a range (inclusive).")
    direction: Direction | None = Field(default=None, description="Direction of a change target.")
    strict: bool = Field(default=False, description="True for > and <: reaching the value exactly is not enough.")
    unit: str | None = Field(
        default=None, description="Unit of value/low/high: the metric's unit, '%' (relative) or 'pp'."
    )
    limit: bool = Field(default=False, description="Change targets: a cap on the change in `direction`.")
    factor: float | None = Field(default=None, description="A multiple of the baseline, as written (翻一番 = 2).")
    approximate: bool = Field(default=False, description="The target was written as an approximation (约300).")


class ErrorBudget(BaseModel):
    """The error budget of an SLO: what the objective allows, what was spent, and how many times over."""

    slo: float = Field(description="The objective in percent (99.99).")
    actual: float = Field(description="The achieved availability or success rate in percent (99.85).")
    period: str | None = Field(default=None, description="The window as given (slo_period).")
    period_minutes: float | None = Field(default=None, description="The window in minutes (a month = 30 days).")
    budget_minutes: float | None = Field(default=None, description="Bad minutes the SLO allows in the window.")
    consumed_minutes: float | None = Field(default=None, description="Bad minutes implied by the actual.")
    remaining_minutes: float | None = Field(default=None, description="budget - consumed; negative = overspent.")
    requests: float | None = Field(default=None, description="Requests in the window (slo_requests).")
    budget_requests: float | None = Field(default=None, description="Failed requests the SLO allows.")
    failed_requests: float | None = Field(default=None, description="Failed requests implied by the actual.")
    remaining_requests: float | None = Field(default=None, description="budget - failed; negative = overspent.")
    consumed: float | None = Field(
        default=None,
        description=(
            "Budget consumed as a multiple: (100 - actual) / (100 - slo). 15.0 = 15x the budget; <= 1 is within "
            "it. None for an SLO of 100%."
        ),
    )
    exhausted: bool = Field(description="True when more than the whole budget was spent (consumed > 1).")


class MetricResult(BaseModel):
    """The verdict on one metric."""

    index: int = Field(description="Position of the metric in the input list.")
    name: str
    dimension: str | None = None
    status: Status = Field(
        description=(
            "achieved; not_achieved; needs_verification (the evidence does not fit the target: a peak "
            "against an average, a unit mismatch, a zero baseline for a relative target); "
            "not_evaluable (missing actual, target or needed baseline); "
            "reported (a reported-only figure: a fact, not judged)."
        )
    )
    target_text: str | None = Field(default=None, description="The target as understood, in the chosen language.")
    target: ParsedTarget | None = None
    target_level: float | None = Field(
        default=None,
        description="The level the target implies in the metric's unit (change targets: from the baseline).",
    )
    actual: float | None = Field(
        default=None, description="Actual value in the metric's unit (as written if `actual_unit` is set)."
    )
    baseline: float | None = Field(
        default=None,
        description="Baseline value in the metric's unit (as written if `baseline_unit` is set).",
    )
    unit: str | None = Field(default=None, description="The metric's unit ('%' means percent numbers).")
    actual_unit: str | None = Field(
        default=None, description="Unit of `actual` when it does not convert to `unit` (unit_mismatch)."
    )
    baseline_unit: str | None = Field(
        default=None, description="Unit of `baseline` when it does not convert to `unit` (unit_mismatch)."
    )
    aggregation: Aggregation | None = None
    target_aggregation: Aggregation | None = None
    weight: float = 1.0
    attainment_rate: float | None = Field(
        default=None,
        description=(
            "Fraction, 1.31 = 131%. at_least: actual/target; at_most and budget: target/actual; "
            "change targets: achieved change / target change; a cap on a change (下降不超过3%) and a "
            "baseline level: as the level it implies (floor: actual/level, ceiling: level/actual); "
            "slo: allowed error / actual error = 1 / budget consumed. None for ranges, tolerances, equal "
            "targets, zero targets, reported figures and evidence that needs verification. Output floats are "
            "rounded to 12 significant digits (no binary noise); comparisons use the unrounded values."
        ),
    )
    gap_to_target: float | None = Field(
        default=None,
        description=(
            "Signed distance to the target level in the metric's unit; positive = better than the target. "
            "For a range: distance to the nearest bound, positive inside."
        ),
    )
    gap_rate: float | None = Field(
        default=None,
        description="gap_to_target / |threshold| as a fraction; for a budget the variance share (0.04 = 4%).",
    )
    change_abs: float | None = Field(default=None, description="actual - baseline, in the metric's unit.")
    change_rel: float | None = Field(
        default=None, description="(actual - baseline) / |baseline| as a fraction: 0.0655 = +6.55%."
    )
    change_pp: float | None = Field(
        default=None, description="actual - baseline in percentage points; only for '%' metrics."
    )
    flags: list[Flag] = Field(default_factory=list, description="Stable codes for what needs attention.")
    error_budget: ErrorBudget | None = Field(default=None, description="For SLO targets: the error budget.")
    statement: str = Field(description="One line in the chosen language stating the verdict and its figures.")


class MetricError(BaseModel):
    """A metric that could not be computed: a value the tool cannot read, or a shape that is wrong (set
    aside, `domain.items`). The others are still computed."""

    index: int = Field(description="Position of the metric in the input list.")
    name: str
    field: str = Field(
        description="The input field at fault: name, target, actual, baseline or unit; for a metric set aside "
        "for its shape (an unknown field, a wrong type), the field named there ('' when it is not an object)."
    )
    path: str = Field(description="Dotted path into the input, e.g. 'metrics[3].target'.")
    reason: str = Field(description="Why it could not be read (English, technical).")
    message: str = Field(description="Localized sentence with the fix.")


class AttainmentSummary(BaseModel):
    """Counts, the weighted attainment and the data gaps."""

    total: int = Field(description="Metrics judged (errors and reported-only figures excluded).")
    achieved: int
    not_achieved: int
    needs_verification: int
    not_evaluable: int
    errors: int = Field(description="Metrics that could not be computed (see `errors`).")
    reported: int = Field(default=0, description="Reported-only figures (facts with no target).")
    weighted_attainment: float | None = Field(
        default=None,
        description=(
            "Weighted mean of the attainment rates of the achieved and not-achieved metrics that "
            "have a rate, each clamped to [0, rate_cap]; None when no such metric has weight."
        ),
    )
    weighted_attainment_basis: int = Field(description="How many metrics entered the weighted attainment.")
    rate_cap: float = Field(description="Upper clamp applied to each rate in the weighted attainment.")
    rate_convention: str = Field(description="How rates are defined, in the chosen language.")
    data_gaps: list[DataGap] = Field(default_factory=list)


class MetricRef(BaseModel):
    """A metric named in a summary: where it is in the input, its name and its status."""

    index: int = Field(description="Position of the metric in the input list.")
    name: str
    status: Status | Literal["error"] = Field(description="Its status; 'error' for a metric that could not be read.")


class AttainmentResult(BaseModel):
    """What `compute_attainment` returns."""

    language: Language
    metrics: list[MetricResult]
    errors: list[MetricError]
    summary: AttainmentSummary
    detail: Literal["full", "summary"] = Field(
        default="full",
        description="summary: `metrics` keeps the worst rows, `errors` and the data gaps the first ones, "
        "`problems` names every metric not achieved (call again with detail 'full' for every row).",
    )
    omitted_metrics: int = Field(default=0, description="Metric rows left out of a summary.")
    problems: list[MetricRef] = Field(
        default_factory=list,
        description="In a summary: every metric not achieved, to verify, not evaluable or not read, in input order.",
    )
