"""Readings that a figure's text alone cannot settle: decided from the metric's name and the values'
shapes, or reported as a doubt (a misread that is reported is a nuisance; one stated as a verdict is a defect).

- 分 is a score (points) in ratings and minutes in durations. A metric named like a rating (满意度, 评分,
  NPS, CSAT, score...) reads a bare 分 as points (unit ``pt``); one named like a duration (时长, 耗时, MTTR,
  响应, latency...) or a value shaped like a duration (1小时10分) as minutes; any other name is a doubt.
- A fraction target ("4.5/5", "8/10") against a bare actual: the actual is on the same scale (4.3 of 5).
  On a rating scale (a rating name, or a denominator of at most 10) both read as points; otherwise the
  actual is read as a share (19 of 20 = 95 %). An actual above the denominator is a doubt.
- A bare actual or baseline that takes the target's unit, and is about 100x (a fraction written for a
  percent: 0.42 against 40 %) or a magnitude word (48.5 against 50万) away from it, is a doubt naming the
  likely reading.

Pure functions of the metric's text and the values already read; no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

from fupan_mcp.domain.attainment import MetricInput, ParsedTarget
from fupan_mcp.domain.numbers import Value, chinese_to_digits, normalize

__all__ = ["Doubt", "Reconsidered", "magnitude_doubt", "name_reads_fen", "reconsider"]

FenReading = Literal["points", "minutes", "unclear"]

_SCORE_NAME = re.compile(
    r"满意度|满意分|评分|得分|分数|打分|评价|口碑|星级|成绩|分值|质量分|健康分|信用分|体验分|推荐值|净推荐|"
    r"\bnps\b|\bcsat\b|\bces\b|rating|score|stars?\b|satisfaction|review"
)
_DURATION_NAME = re.compile(
    r"时长|耗时|用时|时间|时效|延迟|时延|响应|恢复|处理|等待|停机|宕机|中断|周期|间隔|"
    r"\bmtt[rdaf]\b|\brto\b|duration|latency|time\b|downtime|delay|wait|response|recovery|lead time"
)
_BARE_FEN = re.compile(r"\d\s?分(?!钟|之|位|成)")
_DURATION_SHAPE = re.compile(r"\d\s?(?:小时|个小时|钟头|时|天|秒)")
_FRACTION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?/\s?(\d+(?:\.\d+)?)(?![\d.])")
_TARGET_MAGNITUDE = re.compile(
    r"\d\s?(?P<word>百万|千万|万|亿|千|k|w|mn|bn|million|billion|m|b)(?![a-z])", re.IGNORECASE
)
_MAGNITUDE_FACTORS = {
    "千": 1e3, "k": 1e3, "万": 1e4, "w": 1e4, "百万": 1e6, "m": 1e6, "mn": 1e6, "million": 1e6,
    "千万": 1e7, "亿": 1e8, "b": 1e9, "bn": 1e9, "billion": 1e9,
}  # fmt: skip
_LEVEL_KINDS = frozenset({"at_least", "at_most", "equal", "slo", "budget"})
_RATING_SCALE = 10.0
_OFF_BY = 20.0
"""A bare figure this many times smaller than the level it is judged against is suspect."""
_CLOSE_ENOUGH = 5.0
"""...when its likely reading lands within this factor of the level."""

DoubtKind = Literal["fen", "scale", "magnitude"]


@dataclass(frozen=True, slots=True)
class Doubt:
    """Why a figure cannot be trusted as read: which field, as written, the reading and a likely one."""

    kind: DoubtKind
    field: str
    text: str
    likely: float | None = None
    factor: float | None = None
    target_text: str | None = None


class Reconsidered(NamedTuple):
    target: ParsedTarget | None
    actual: Value | None
    baseline: Value | None
    doubt: Doubt | None = None


def _folded(text: object) -> str:
    return chinese_to_digits(normalize(text)) if isinstance(text, str) else ""


def name_reads_fen(name: str) -> FenReading:
    """What a bare 分 means in a metric of this name: points, minutes, or unclear."""
    folded = normalize(name)
    score, duration = _SCORE_NAME.search(folded), _DURATION_NAME.search(folded)
    if score and not duration:
        return "points"
    if duration and not score:
        return "minutes"
    return "unclear"


def _has_bare_fen(text: object) -> bool:
    folded = _folded(text)
    return bool(_BARE_FEN.search(folded)) and not _DURATION_SHAPE.search(folded)


def _as_points_value(value: Value | None, text: object) -> Value | None:
    if value is not None and value.unit == "min" and _has_bare_fen(text):
        return value._replace(unit="pt")
    return value


def _as_points_target(target: ParsedTarget | None, text: object) -> ParsedTarget | None:
    if target is not None and target.unit == "min" and _has_bare_fen(text):
        return target.model_copy(update={"unit": "pt"})
    return target


def fen_unit(metric: MetricInput) -> str | None:
    """The unit to read the metric with: 'pt' for a rating whose declared unit is a bare 分."""
    if metric.unit is not None and normalize(metric.unit).strip() == "分" and name_reads_fen(metric.name) == "points":
        return "pt"
    return metric.unit


def reconsider(
    metric: MetricInput, target: ParsedTarget | None, actual: Value | None, baseline: Value | None
) -> Reconsidered:
    """The values read again where the text alone misleads (see the module docstring)."""
    fields = (("target", metric.target), ("actual", metric.actual), ("baseline", metric.baseline))
    fen_fields = [(name, text) for name, text in fields if _has_bare_fen(text)]
    if metric.unit is not None and normalize(metric.unit).strip() == "分":
        fen_fields.append(("unit", metric.unit))
    if fen_fields:
        reading = name_reads_fen(metric.name)
        if reading == "points":
            target = _as_points_target(target, metric.target)
            actual = _as_points_value(actual, metric.actual)
            baseline = _as_points_value(baseline, metric.baseline)
        elif reading == "unclear":
            field, text = fen_fields[0]
            return Reconsidered(target, actual, baseline, Doubt("fen", field, str(text)))
    return _fraction_scale(metric, target, actual, baseline)


def _bare(value: Value | None) -> bool:
    return value is not None and value.unit is None and value.magnitude == 1.0


def _fraction_scale(
    metric: MetricInput, target: ParsedTarget | None, actual: Value | None, baseline: Value | None
) -> Reconsidered:
    """A fraction target read as a share (4.5/5 = 90 %) puts a bare actual on the same scale."""
    if target is None or target.unit != "%" or target.kind not in _LEVEL_KINDS or target.value is None:
        return Reconsidered(target, actual, baseline)
    if metric.unit is not None or not isinstance(metric.target, str):
        return Reconsidered(target, actual, baseline)
    fraction = _FRACTION.search(_folded(metric.target))
    if fraction is None:
        return Reconsidered(target, actual, baseline)
    numerator, denominator = float(fraction[1]), float(fraction[2])
    if denominator == 0 or not math.isclose(target.value, numerator / denominator * 100, rel_tol=1e-9):
        return Reconsidered(target, actual, baseline)
    bare = [(name, value, text) for name, value, text in _values(metric, actual, baseline) if _bare(value)]
    if not bare:
        return Reconsidered(target, actual, baseline)
    for name, value, text in bare:
        assert value is not None
        if not 0 <= value.value <= denominator:
            doubt = Doubt("scale", name, text, factor=denominator, target_text=metric.target)
            return Reconsidered(target, actual, baseline, doubt)
    rating = denominator <= _RATING_SCALE or name_reads_fen(metric.name) == "points"
    if rating:
        target = target.model_copy(update={"value": numerator, "unit": "pt"})
    else:
        target = target.model_copy(update={"value": numerator / denominator * 100})

    def rescaled(value: Value | None) -> Value | None:
        if not _bare(value):
            return value
        assert value is not None
        return value._replace(unit="pt") if rating else Value(value.value / denominator * 100, "%")

    return Reconsidered(target, rescaled(actual), rescaled(baseline))


def _values(metric: MetricInput, actual: Value | None, baseline: Value | None) -> list[tuple[str, Value | None, str]]:
    return [("actual", actual, str(metric.actual)), ("baseline", baseline, str(metric.baseline))]


def magnitude_doubt(
    metric: MetricInput,
    target: ParsedTarget | None,
    unit: str | None,
    actual: tuple[Value | None, float | None],
    baseline: tuple[Value | None, float | None],
) -> Doubt | None:
    """A bare actual or baseline far off the target's level in the way a missing % or 万 would put it.

    ``actual`` and ``baseline`` are (as read, in the metric's unit)."""
    if target is None or target.kind not in _LEVEL_KINDS or not target.value:
        return None
    level = abs(target.value)
    factor = _missing_factor(metric, target, unit)
    if factor is None:
        return None
    for name, (read, value), text in (
        ("actual", actual, metric.actual),
        ("baseline", baseline, metric.baseline),
    ):
        if not _bare(read) or value is None or value == 0:
            continue
        if factor == 100 and abs(value) > 1.5:
            continue  # a fraction written for a percent is at most about 1
        likely = value * factor
        if abs(value) * _OFF_BY <= level and level / _CLOSE_ENOUGH <= abs(likely) <= level * _CLOSE_ENOUGH:
            return Doubt("magnitude", name, str(text), likely=likely, factor=factor)
    return None


def _missing_factor(metric: MetricInput, target: ParsedTarget, unit: str | None) -> float | None:
    """The factor a bare figure would lack: 100 for a percent, the magnitude word written in the target."""
    if unit == "%" and target.unit in ("%", None):
        return 100.0
    if not isinstance(metric.target, str):
        return None
    written = _TARGET_MAGNITUDE.search(_folded(metric.target))
    if written is None:
        return None
    return _MAGNITUDE_FACTORS.get(written["word"].lower())
