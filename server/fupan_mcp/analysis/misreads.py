"""Readings that a figure's text alone cannot settle: decided from the metric's name and the values'
shapes, or reported as a doubt (a misread that is reported is a nuisance; one stated as a verdict is a defect).

- 分 is a score (points) in ratings and minutes in durations. A metric named like a rating (满意度, 评分,
  NPS, CSAT, score...) reads a bare 分 as points (unit ``pt``); one named like a duration (时长, 耗时, MTTR,
  响应, latency...) or a value shaped like a duration (1小时10分) as minutes; any other name is a doubt.
- A fraction target ("4.5/5", "8/10") against a bare actual: the actual is on the same scale (4.3 of 5).
  On a rating scale (a rating name, or a denominator of at most 10) both read as points; otherwise the
  actual is read as a share (19 of 20 = 95 %). An actual above the denominator is a doubt.
- A negative actual against a positive ceiling of a loss or a deviation (亏损不超过500万 against -600万) is a
  doubt: the minus sign may only say "loss". A bare figure against a target in 亿 may be in 万 (12000 for
  1.2亿): a doubt too.
- A text that cannot be read and names a date or a deadline ("6月30日前上线", "Q3 完成", "by end of June")
  is a milestone, not a figure: `looks_like_date` lets the error say so instead of "unclear numbers". A
  text whose only figures are calendar dates ("6月底前", "2026年", "2026-06-30", "30 June") would read as
  a count of months or years (7月 "ahead of" 6月 by 1月): `date_only` refuses it before it is judged.
- Calendar time against working time (4天 against ≤3个工作日, 4 hours against 3 business hours) is a doubt
  (`days_doubt`): the days or hours do not count alike, and converting 1:1 would state a verdict on a guess.
- A change of a loss (减亏50%, "reduce losses by 50%") from negative figures (-800万 to -300万) is a doubt
  (`loss_change_doubt`): the loss shrank while the signed figure rose; which one is meant cannot be told.
- A target that states its start ('从5%降到3%', 'from 45 to 30 days') or a change with its end level ('reduce
  churn by 2pp to 3%': from 5%; 'cut MTTR by half to 30 min': from 60) against a baseline that is not that
  start (`start_doubt`): the end level and the change name different targets from that baseline (3% or 4%),
  so which one was meant cannot be told; the doubt names both figures.
- A colon figure is a ratio where the name says so ('staffing ratio', 'LTV:CAC', '投入产出比': `names_a_ratio`),
  so '1:20' is not refused as h:mm; a bare ratio target takes its side from the ratio's two names
  (`lexicon.ratio_figure_side`: 'nurse-to-patient 1:4' is at most 4 patients a nurse, 'LTV:CAC 3:1' at least
  3), and is a doubt saying what to write where the names do not tell ('staffing ratio 1:20').
- A bare actual or baseline that takes the target's unit, and is about 100x (a fraction written for a
  percent: 0.42 against 40 %) or a magnitude word (48.5 against 50万) away from it, is a doubt naming the
  likely reading.

Pure functions of the metric's text and the values already read; no I/O.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeVar

from fupan_mcp.analysis.lexicon import RATIO_NAME, ratio_figure_side, side_of_words
from fupan_mcp.analysis.targets import convert_compatible, glued_label_reads, implied_start, states_no_side
from fupan_mcp.domain.attainment import MetricInput, ParsedTarget
from fupan_mcp.domain.numbers import (
    NumberError,
    Value,
    chinese_to_digits,
    normalize,
    read_value,
    split_magnitude_unit,
)

__all__ = [
    "Doubt",
    "Reconsidered",
    "date_only",
    "days_doubt",
    "kept_reading",
    "looks_like_date",
    "loss_change_doubt",
    "magnitude_doubt",
    "name_reads_fen",
    "names_a_ratio",
    "readings_of_one_call",
    "reconsider",
    "sign_doubt",
    "target_magnitude",
]

FenReading = Literal["points", "minutes", "unclear"]
_CACHE = 256
"""Texts whose readings are kept: pure functions of a short text, asked for every metric of every call."""
CACHED_METRICS = 200
"""A call with more metrics than this keeps its readings for itself only (`readings_of_one_call`)."""
_CALL_MEMO: ContextVar[dict[tuple[int, str], object] | None] = ContextVar("fupan_misreads_memo", default=None)
"""The readings of the big call running in this context, dropped with it (None: the kept readings)."""
_R = TypeVar("_R")


def _kept(read: Callable[[str], _R]) -> Callable[[str], _R]:
    """``read`` with its last `_CACHE` readings kept across calls, or, inside `readings_of_one_call`, with
    the call's first `_CALL_MEMO_SIZE` readings kept for that call only.

    A small call asks the same few texts again and again (a third of its compute is spared). A big one
    asks thousands: the entries an lru cache would keep after it are scattered over the allocator's
    arenas, which then stay resident (memory.rss_after_big_calls, benchmarks/bench_sizes.py: 1.20-1.25x
    of idle with them, 1.16x without), while reading each text afresh made a 10,000-metric call half as
    slow again. A small memo of its own (`_CALL_MEMO_SIZE`), dropped when the call ends, gives it both."""
    kept = functools.lru_cache(maxsize=_CACHE)(read)
    slot = next(_SLOTS)

    @functools.wraps(read)
    def reading(text: str) -> _R:
        memo = _CALL_MEMO.get()
        if memo is None:
            return kept(text)
        key = (slot, text)
        if key in memo:
            return memo[key]  # type: ignore[return-value]  # this slot holds only `read`'s results
        value = read(text)
        if len(memo) < _CALL_MEMO_SIZE:  # the texts a list repeats come early; the rest are read afresh
            memo[key] = value
        return value

    setattr(reading, "kept", kept)  # noqa: B010 - for tests: what is kept (cache_info, cache_clear)
    return reading


def kept_reading(read: Callable[[str], _R]) -> Callable[[str], _R]:
    """``read`` (a pure function of one text) with its readings kept as this module's own (`_kept`): across
    small calls, or for the one big call that runs (`readings_of_one_call`)."""
    return _kept(read)


_SLOTS = itertools.count()
_CALL_MEMO_SIZE = 1024
"""Readings one big call keeps for itself: its repeated targets and units, not every unique actual."""


@contextmanager
def readings_of_one_call(metrics: int) -> Iterator[None]:
    """Keep the readings for this call only while a call of more than `CACHED_METRICS` metrics runs."""
    if metrics <= CACHED_METRICS:
        yield
        return
    token = _CALL_MEMO.set({})
    try:
        yield
    finally:
        _CALL_MEMO.reset(token)


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
_FRACTION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?(?:/|out of)\s?(\d+(?:\.\d+)?)(?![\d.])")
_RATED_FRACTION = re.compile(_FRACTION.pattern + r"(?:\s?(?:stars?|points?|pts?|分|星|颗星))?")
"""'4.6/5 stars' as an actual: the fraction with its rating word."""
_RATING_UNITS = frozenset({"stars", "star", "星", "颗星", "pt"})
"""A figure in stars or points is on the scale of a fraction target as a bare one is: '4.3 stars' of '4.5/5 stars'."""
_TARGET_MAGNITUDE = re.compile(
    r"\d\s?(?P<word>百万|千万|万亿|万|亿|千|k|w|mn|bn|million|billion|m|b)(?![a-z])", re.IGNORECASE
)
_MAGNITUDE_FACTORS = {
    "千": 1e3, "k": 1e3, "万": 1e4, "w": 1e4, "百万": 1e6, "m": 1e6, "mn": 1e6, "million": 1e6,
    "千万": 1e7, "亿": 1e8, "万亿": 1e12, "b": 1e9, "bn": 1e9, "billion": 1e9,
}  # fmt: skip
_LEVEL_KINDS = frozenset({"at_least", "at_most", "equal", "slo", "budget"})
_RATING_SCALE = 10.0
_OFF_BY = 20.0
"""A bare figure this many times smaller than the level it is judged against is suspect."""
_CLOSE_ENOUGH = 5.0
"""...when its likely reading lands within this factor of the level."""

DoubtKind = Literal[
    "fen", "scale", "magnitude", "direction", "inherited", "rating", "sign", "days", "plus", "start", "ratio"
]

_OF_TAIL = re.compile(
    r"(?<=[a-z\d])\s(?:of|in)\s(?!the\s|baseline)[a-z]+(?:\s[a-z]+)?(?:\s(?:per|a|each)\s(?:day|week|month|quarter|year))?$"
)
"""'43 minutes of downtime per month' states no side: the figure is as bare as '43 minutes'."""
_GLUED_NOUN = re.compile(r"^[\u4e00-\u9fffa-z]{1,11}[率度数量额值比]\s?(?=[¥$€£]?\d)")
"""'不良率0.5%' is as bare as '0.5%': the metric's name written before the figure."""
_TIME_UNITS = frozenset({"ms", "s", "min", "h", "d", "week", "workday"})
_GLUED_LABEL = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,12}?)(?P<figure>[¥$€£]?\d.*)$")
_SPACED_LABEL = re.compile(r"^(?P<label>.*?\S)[\s:：]+(?P<figure>[¥$€£]?\d.*)$")


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
    return _folded_text(text) if isinstance(text, str) else ""


def _may_fold_to(words: re.Pattern[str], text: object) -> bool:
    """Whether ``words`` (a pattern of words with no digit, space or punctuation in them) may match the folded
    ``text`` (`_folded`). A text already in NFKC whose lower-case form has no match has none once folded:
    folding then only drops thousands commas, collapses spaces, writes dashes as ASCII and Chinese numerals as
    digits; it joins no letters and makes none. This spares folding a text (a metric's name, read afresh
    for every metric) that cannot name a loss or a deviation."""
    if not isinstance(text, str):
        return False  # `_folded` of it is "": no match
    return not unicodedata.is_normalized("NFKC", text) or words.search(text.lower()) is not None


@_kept
def _folded_text(text: str) -> str:
    return chinese_to_digits(normalize(text))


@_kept
def _bare_value(text: str) -> Value | None:
    """``text`` read as one value, or None when it is more than a value (a comparator, a verb...)."""
    try:
        return read_value(text)
    except NumberError:
        return None


@_kept
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
    if not isinstance(text, str) or "分" not in text:
        return False
    folded = _folded_text(text)
    return bool(_BARE_FEN.search(folded)) and not _DURATION_SHAPE.search(folded)


def _as_points_value(value: Value | None, text: object) -> Value | None:
    if value is not None and value.unit == "min" and _has_bare_fen(text):
        return value._replace(unit="pt")
    return value


def _as_points_target(target: ParsedTarget | None, text: object) -> ParsedTarget | None:
    if target is not None and target.unit == "min" and _has_bare_fen(text):
        return target.model_copy(update={"unit": "pt"})
    return target


def _is_fen(unit: str) -> bool:
    return "分" in unit and normalize(unit).strip() == "分"


def fen_unit(metric: MetricInput) -> str | None:
    """The unit to read the metric with: 'pt' for a rating whose declared unit is a bare 分."""
    if metric.unit is not None and _is_fen(metric.unit) and name_reads_fen(metric.name) == "points":
        return "pt"
    return metric.unit


def reconsider(
    metric: MetricInput, target: ParsedTarget | None, actual: Value | None, baseline: Value | None
) -> Reconsidered:
    """The values read again where the text alone misleads (see the module docstring)."""
    fields = (("target", metric.target), ("actual", metric.actual), ("baseline", metric.baseline))
    fen_fields = [(name, text) for name, text in fields if _has_bare_fen(text)]
    if metric.unit is not None and _is_fen(metric.unit):
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
    target = _points_of_a_percent(target, actual, baseline)
    target, doubt = _ratio_side(metric, target)
    if doubt is not None:
        return Reconsidered(target, actual, baseline, doubt)
    target, doubt = _signed_level(metric, target)
    if doubt is not None:
        return Reconsidered(target, actual, baseline, doubt)
    target, doubt = _improved_side(metric, target)
    if doubt is not None:
        return Reconsidered(target, actual, baseline, doubt)
    target, doubt = _bare_side(metric, target, baseline)
    if doubt is not None:
        return Reconsidered(target, actual, baseline, doubt)
    return _fraction_scale(metric, target, actual, baseline)


def _points_of_a_percent(
    target: ParsedTarget | None, actual: Value | None, baseline: Value | None
) -> ParsedTarget | None:
    """ "Reduce churn by 2 points" of a metric given in percent is a change of 2 percentage points (as 个点
    is in Chinese): a point is only a score where the figures are no percentages."""
    if target is None or target.kind != "absolute_change" or target.unit != "pt":
        return target
    given = [value for value in (actual, baseline) if value is not None]
    if not given or any(value.unit != "%" for value in given):
        return target
    return target.model_copy(update={"kind": "pp_change", "unit": "pp"})


def _bare_side(
    metric: MetricInput, target: ParsedTarget | None, baseline: Value | None = None
) -> tuple[ParsedTarget | None, Doubt | None]:
    """A bare level ("200ms", "0.1%", "¥120") reads as a floor; for a latency, a cost or an error rate it is
    a ceiling. The metric's `better` decides, then its name (its noun, or the verb an OKR's key result opens
    with: 'Reduce support tickets'), then a baseline on one side of it (from 1,200 to a target of 800 is a
    fall); a bare duration of an unknown kind is a doubt."""
    if target is None or target.kind != "at_least" or target.strict or not isinstance(metric.target, str):
        return target, None
    if target.unit in _RATIO_UNITS:
        return target, None  # settled by `_ratio_side` from the ratio's two names
    read, label = _bare_level(metric.target)
    if read is None:
        return target, None  # a comparator or a verb was written: the side is stated
    lower = _lower_is_better(metric)
    by_label = side_of_words(normalize(label)) if label and metric.better is None else None
    if by_label is not None and lower is not None and by_label != lower:  # 'Revenue' with 'Cost 2M'
        return target, Doubt("direction", "target", metric.target)
    if lower is None:
        lower = by_label  # the label in the target ('Cost 1.5M', '成本 200万') names what the figure bounds
    if lower is None:
        lower = _verb_side(normalize(metric.name))
    if lower is None:
        lower = _baseline_side(target, baseline)
    if lower:
        return target.model_copy(update={"kind": "at_most"}), None
    if lower is None and (target.unit or "") in _TIME_UNITS:
        return target, Doubt("direction", "target", metric.target)
    return target, None


_RATIO_UNITS = frozenset({"1:", ":1"})
_RATIO_FIGURE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?\s?[:：]\s?\d+(?:\.\d+)?(?![\d.:])")


_RATIO_HINT = re.compile(r"[:：/比]|ratio|\bro(?:i|as)\b|-to-", re.IGNORECASE)
"""What every ratio name holds: one cheap search spares the common name the folding and `RATIO_NAME`."""


def _ratio_words(text: str) -> bool:
    return _RATIO_HINT.search(text) is not None and _ratio_name(text)


@_kept
def _ratio_name(text: str) -> bool:
    return RATIO_NAME.search(_folded_text(text)) is not None


def names_a_ratio(metric: MetricInput) -> bool:
    """True when the metric's name or its target's label says its figures are ratios ('staffing ratio',
    'LTV:CAC', 'signal:noise 1:20', '投入产出比1:4'): a colon figure is then read as a ratio, never a clock."""
    return _ratio_words(metric.name) or (isinstance(metric.target, str) and _ratio_words(metric.target))


def _ratio_side(metric: MetricInput, target: ParsedTarget | None) -> tuple[ParsedTarget | None, Doubt | None]:
    """A bare ratio target ('1:4', 'LTV:CAC 3:1') read as at least its figure, turned round where the figure is
    better lower: by `better` (which speaks of the figure as written), else by the ratio's names. Unknown: a
    doubt that says what to write (≤ or ≥ with the ratio)."""
    if target is None or target.kind != "at_least" or target.strict or (target.unit or "") not in _RATIO_UNITS:
        return target, None
    if not isinstance(metric.target, str) or not _bare_ratio(metric.target):
        return target, None  # a comparator or a word states the side ('≥ 3:1', '3:1 or higher')
    if metric.better is not None:
        lower: bool | None = metric.better == "lower"
    else:
        one_first = target.unit == "1:"
        lower = ratio_figure_side(_folded_text(metric.name), one_first=one_first)
        if lower is None:
            label = _RATIO_FIGURE.split(metric.target, maxsplit=1)[0]
            lower = ratio_figure_side(_folded_text(label), one_first=one_first) if label.strip() else None
    if lower is None:
        return target, Doubt("ratio", "target", metric.target)
    return (target.model_copy(update={"kind": "at_most"}) if lower else target), None


@_kept
def _bare_ratio(text: str) -> bool:
    """'1:4', 'LTV:CAC 3:1', '投入产出比1:4': one ratio figure, nothing after it, a label before it that states no
    side."""
    found = list(_RATIO_FIGURE.finditer(text))
    if len(found) != 1 or text[found[0].end() :].strip(" 。.;；"):
        return False
    label = text[: found[0].start()].strip(" :：")
    return not label or states_no_side(_folded_text(label))


_IMPROVE = re.compile(r"^\s*(?:improve[sd]?|improving|better)\b", re.IGNORECASE)


def _improved_side(metric: MetricInput, target: ParsedTarget | None) -> tuple[ParsedTarget | None, Doubt | None]:
    """'Improve' names no side: the target reader takes it as a rise, which is right for conversion and wrong for
    latency ('Improve p99 latency by 20%' from 400 ms to 350 ms was 'regressed'; 'Improve p99 latency to 300ms'
    was met at 350 ms). Where lower is better (by `better` or the name) the target is turned round; where the
    side is unknown and the figure is a duration, it is a doubt."""
    if target is None or not isinstance(metric.target, str) or not _IMPROVE.match(metric.target):
        return target, None
    lower = _lower_is_better(metric)
    if lower is None and (target.unit or "") in _TIME_UNITS:
        return target, Doubt("direction", "target", metric.target)
    if not lower:
        return target, None
    if target.kind in ("relative_change", "pp_change", "absolute_change") and target.direction == "increase":
        if target.factor is not None:
            return _multiple_target(1 / target.factor), None
        return target.model_copy(update={"direction": "decrease"}), None
    if target.kind in ("at_least", "slo"):
        return target.model_copy(update={"kind": "at_most"}), None
    return target, None


_SIGNED_FIGURE = re.compile(
    r"^\s*(?P<label>[^\d+＋\-－−<>=≥≤~～±]*?)\s*(?P<sign>[+＋]|[-－−])\s?"
    r"(?P<figure>\d[\d,]*(?:\.\d+)?\s*(?:[%％万亿千]|[kKmMbB])?)\s*$"
)
"""A figure with its sign and nothing else ('+40', '-200万', '-5%'), or after the metric's name that states no side
('NPS +40', '净推荐值+40', 'eNPS +20'): a change, or a level written with its sign."""


def _signed_figure(text: str) -> re.Match[str] | None:
    """`_SIGNED_FIGURE`'s match when its label (if any) states no side ('NPS +40'; not 'increase +40')."""
    if not any(sign in text for sign in "+＋-－−"):
        return None  # the common path: no sign, no regex
    written = _SIGNED_FIGURE.match(text)
    if written is None:
        return None
    label = written["label"].strip(" :：")
    return written if not label or states_no_side(normalize(label)) else None


def _signed_level(metric: MetricInput, target: ParsedTarget | None) -> tuple[ParsedTarget | None, Doubt | None]:
    """A bare '+40' reads as a rise of 40, '-200万' as a fall of 200万; where the actual or the baseline is
    itself written with a sign ('+38', '+30', as NPS and other signed scores are written; '-150万' for a
    loss, '-3%' for a margin or a change already taken) the target is a level in that notation: the score 40,
    not 30 + 40 = 70 ('NPS +40' against '+38' was 'not achieved, 20%'); a planned loss of 200万, not a fall
    of 200万 from a baseline nobody gave ('净利润 -200万' against '-150万' was 'no baseline, not evaluable').
    On a signed score (NPS, 净推荐值) written without signs, '+40' may be either: a doubt. The metric's name
    may stand before the figure ('NPS +40', '净推荐值+40'): the same reading."""
    if target is None or not isinstance(metric.target, str):
        return target, None
    if target.kind not in ("absolute_change", "relative_change") or target.factor is not None:
        return target, None
    written = _signed_figure(metric.target)
    if written is None or (target.kind == "relative_change" and target.unit != "%"):
        return target, None
    minus = written["sign"] not in "+＋"
    if minus != (target.direction == "decrease"):
        return target, None
    signed = [
        text
        for text in (metric.actual, metric.baseline)
        if isinstance(text, str) and (match := _signed_figure(text)) is not None and _same_kind(match, written)
    ]
    if signed:
        value = -target.value if minus and target.value is not None else target.value
        level = ParsedTarget(kind="at_least", value=value, unit=target.unit, approximate=target.approximate)
        return level, None
    if (
        not minus
        and target.kind == "absolute_change"
        and (_SIGNED_SCORE.search(_folded(metric.name)) or _SIGNED_SCORE.search(_folded(metric.target)))
    ):
        return target, Doubt("plus", "target", metric.target, likely=target.value)
    return target, None


def _same_kind(figure: re.Match[str], target: re.Match[str]) -> bool:
    """Whether two signed figures are written alike: both percentages, or neither."""
    return _is_percent(figure["figure"]) == _is_percent(target["figure"])


def _is_percent(figure: str) -> bool:
    return figure.rstrip().endswith(("%", "％"))


_SIGNED_SCORE = re.compile(r"\b(?:e?nps|net promoter)\b|净推荐|推荐值")
"""Scores written with their sign (NPS runs from -100 to +100): '+40' may be the score or a rise of 40."""


def _multiple_target(factor: float) -> ParsedTarget:
    return ParsedTarget(
        kind="relative_change", value=abs(factor - 1) * 100, direction="decrease", unit="%", factor=factor
    )


_REDUCE_VERB = re.compile(
    r"^(?:reduce|cut|lower|decrease|shrink|minimi[sz]e|bring down|drive down|halve|slash|trim|shorten)\b"
)
_RAISE_VERB = re.compile(r"^(?:increase|grow|raise|boost|maximi[sz]e|expand|double|triple|lift|drive up)\b")


def _verb_side(name: str) -> bool | None:
    """The side an OKR key result used as the name states with its verb: 'Reduce support tickets' is better
    lower, 'Grow weekly signups' higher ('improve' states none: 'improve p99 latency')."""
    lowered = name.strip().lower()
    if _REDUCE_VERB.match(lowered):
        return True
    if _RAISE_VERB.match(lowered):
        return False
    return None


def _baseline_side(target: ParsedTarget, baseline: Value | None) -> bool | None:
    """True when the baseline is above the bare target (the target is a fall), False when below, None when
    equal, absent or in another unit."""
    if baseline is None or target.value is None:
        return None
    start = baseline.value if baseline.unit in (None, target.unit) else None
    if start is None and target.unit is not None:
        start = convert_compatible(baseline.value, baseline.unit, target.unit)
    if start is None or start == target.value:
        return None
    return start > target.value


@_kept
def _bare_level(text: str) -> tuple[Value | None, str]:
    """A target text read as one bare value once its noun ('of downtime', '不良率') is taken out, or None;
    and the label written before the figure, if any ('Cost' of 'Cost 1.5M'), whose words may tell the side."""
    folded = _folded_text(text)
    of_tail = _OF_TAIL.search(folded)
    untailed = folded[: of_tail.start()] if of_tail else folded
    glued = _GLUED_NOUN.match(untailed)
    bare = untailed[glued.end() :] if glued else untailed
    read = _bare_value(bare)
    if read is not None:  # '故障数 3', '43 minutes of downtime': the noun taken out is the label
        return read, " ".join(part.group().strip() for part in (glued, of_tail) if part is not None)
    if read is None:
        labelled = _SPACED_LABEL.match(bare)  # 'p99 300ms', 'Cost $2M', '成本 200万': a label, then the figure
        if labelled is not None and states_no_side(labelled["label"]):
            read = _bare_value(labelled["figure"])
            if read is not None:
                return read, labelled["label"]
        glued_label = _GLUED_LABEL.match(bare)  # '故障时长30分钟', '营销费用20万': the name glued to the figure
        if glued_label is not None and glued_label_reads(glued_label["label"]):
            read = _bare_value(glued_label["figure"])
            if read is not None:
                return read, glued_label["label"]
    return read, ""


def side_of(metric: MetricInput) -> bool | None:
    """True when lower is better for ``metric`` by its `better` or its name, False when higher, None unknown."""
    return _lower_is_better(metric)


def _lower_is_better(metric: MetricInput) -> bool | None:
    if metric.better is not None:
        return metric.better == "lower"
    return side_of_words(normalize(metric.name))


def _bare(value: Value | None) -> bool:
    return value is not None and value.unit is None and value.magnitude == 1.0


def _rated(value: Value | None) -> bool:
    """A bare figure, or one in stars or points."""
    return _bare(value) or (value is not None and value.unit in _RATING_UNITS and value.magnitude == 1.0)


def _fraction_scale(
    metric: MetricInput, target: ParsedTarget | None, actual: Value | None, baseline: Value | None
) -> Reconsidered:
    """A fraction target read as a share (4.5/5 = 90 %) puts a bare actual on the same scale."""
    if target is not None and target.unit in (None, "pt") and target.kind in _LEVEL_KINDS and metric.unit is None:
        return _fraction_values(metric, target, actual, baseline)
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
    bare = [(name, value, text) for name, value, text in _values(metric, actual, baseline) if _rated(value)]
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
        if not _rated(value):
            return value
        assert value is not None
        return value._replace(unit="pt") if rating else Value(value.value / denominator * 100, "%")

    return Reconsidered(target, rescaled(actual), rescaled(baseline))


def _fraction_values(
    metric: MetricInput, target: ParsedTarget, actual: Value | None, baseline: Value | None
) -> Reconsidered:
    """A bare score target (≥ 4.5) against an actual written as a fraction (4.7/5.0): 4.7 points, not 94 %."""
    if target.value is None:
        return Reconsidered(target, actual, baseline)
    read: list[Value | None] = []
    changed = False
    for value, text in ((actual, metric.actual), (baseline, metric.baseline)):
        fraction = _RATED_FRACTION.fullmatch(_folded(text).strip()) if value is not None and value.unit == "%" else None
        if fraction is not None and 0 <= target.value <= float(fraction[2]):
            read.append(Value(float(fraction[1]), "pt"))
            changed = True
        else:
            read.append(value)
    if not changed:
        return Reconsidered(target, actual, baseline)
    return Reconsidered(target.model_copy(update={"unit": "pt"}), read[0], read[1])


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
    if target is None:
        return None
    read = actual[0]
    if not (_bare(read) or _bare(baseline[0])):  # most metrics: every figure carries its unit
        if read is not None and read.unit in ("%", "pt") and read.magnitude == 1.0:
            return _inherited_target(metric, target, actual) or _rating_scales(metric, target, actual)
        return None
    if target.kind == "pp_change" and unit == "%":
        return _fractions_for_points(metric, target, actual, baseline)
    inherited = _inherited_target(metric, target, actual) or _rating_scales(metric, target, actual)
    if inherited is not None:
        return inherited
    level = _level(target)
    if level is None:
        return None
    scaled = _scaled_down(metric, level, actual, baseline)
    if scaled is not None:
        return scaled
    factor = _missing_factor(metric, target, unit)
    if factor is None:
        return None
    for name, (read, value), text in (
        ("actual", actual, metric.actual),
        ("baseline", baseline, metric.baseline),
    ):
        if not _bare(read) or value is None or value == 0:
            continue
        if factor == 100 and (abs(value) > 1.5 or (unit is None and abs(value) >= 1)):
            continue  # a fraction written for a percent is at most about 1 (below 1 when no unit says %)
        for times in (factor, *_SMALLER_MAGNITUDES.get(factor, ())):
            likely = value * times
            if abs(value) * _OFF_BY <= level and level / _CLOSE_ENOUGH <= abs(likely) <= level * _CLOSE_ENOUGH:
                return Doubt("magnitude", name, str(text), likely=likely, factor=times)
    return None


def _scaled_down(
    metric: MetricInput,
    level: float,
    actual: tuple[Value | None, float | None],
    baseline: tuple[Value | None, float | None],
) -> Doubt | None:
    """A bare figure in base units for a scaled unit: 26,200,000,000 for a 亿元 metric is 262亿元, not
    26,200,000,000亿元."""
    scale = split_magnitude_unit(metric.unit)[1] if metric.unit else 1.0
    if scale <= 1:
        return None
    for name, (read, value), text in (("actual", actual, metric.actual), ("baseline", baseline, metric.baseline)):
        if not _bare(read) or value is None or value == 0 or abs(value) < level * _OFF_BY:
            continue
        likely = value / scale
        if level / _CLOSE_ENOUGH <= abs(likely) <= level * _CLOSE_ENOUGH:
            return Doubt("magnitude", name, str(text), likely=likely, factor=scale)
    return None


_SMALLER_MAGNITUDES = {1e8: (1e4,), 1e7: (1e4,), 1e6: (1e3, 1e4), 1e9: (1e6,)}
"""A bare figure against a target in 亿 is often written in 万 (12000 for 1.2亿), one against $M in thousands."""


def _level(target: ParsedTarget) -> float | None:
    """The size a bare figure is compared with: the level, or a range's upper bound (8%-10%)."""
    if target.kind in _LEVEL_KINDS and target.value:
        return abs(target.value)
    if target.kind == "range" and target.high:
        return abs(target.high)
    return None


_SIGNLESS = re.compile(r"亏|赤字|偏差|误差|波动|loss|deficit|deviation|variance|burn")
"""Names whose figures are sizes written without sign: a loss of 600万, a deviation of 3%."""


_LOSS = re.compile(r"亏|赤字|loss|deficit|burn")


def sign_doubt(target: ParsedTarget | None, actual: Value | None, metric: MetricInput) -> Doubt | None:
    """A negative actual against a positive ceiling ('亏损不超过500万', '-600万') is trivially under it
    if the sign is taken literally, and far over it if the minus sign only says 'loss': a doubt."""
    if target is None or actual is None or target.kind not in ("at_most", "budget") or not target.value:
        return None
    if not (_may_fold_to(_SIGNLESS, metric.name) or _may_fold_to(_SIGNLESS, metric.target)):
        return None  # neither names a loss or a deviation: what the search below finds, without folding
    words = _folded(metric.name) + " " + _folded(metric.target)
    if not _SIGNLESS.search(words):
        return None
    if (target.value > 0 and actual.value < 0) or (target.value < 0 and _LOSS.search(words)):
        # a ceiling of -21B on a loss: literally 'lose at least 21B', as a size 'lose at most 21B'
        return Doubt("sign", "actual", str(metric.actual), target_text=str(metric.target))
    return None


_CHANGE_KINDS = frozenset({"relative_change", "absolute_change", "pp_change", "baseline"})


def loss_change_doubt(
    target: ParsedTarget | None, actual: Value | None, baseline: Value | None, metric: MetricInput
) -> Doubt | None:
    """A loss cut by half ('减亏50%', 'reduce losses by 50%') from -800万 to -300万: the loss shrank by 62.5 %,
    while the signed figures rose by 62.5 %. Which one the target means cannot be told: a doubt."""
    if target is None or target.kind not in _CHANGE_KINDS:
        return None
    if not (_may_fold_to(_LOSS, metric.name) or _may_fold_to(_LOSS, metric.target)):
        return None  # neither names a loss: what the search below finds, without folding
    words = _folded(metric.name) + " " + _folded(metric.target)
    if not _LOSS.search(words):
        return None
    for name, read, text in (("baseline", baseline, metric.baseline), ("actual", actual, metric.actual)):
        if read is not None and read.value < 0:
            return Doubt("sign", name, str(text), target_text=str(metric.target))
    return None


_LEVELS = frozenset({"at_least", "at_most"})


def start_doubt(
    metric: MetricInput, target: ParsedTarget | None, baseline: float | None, unit: str | None
) -> Doubt | None:
    """A start the target's wording implies that the given baseline contradicts (see the module docstring):
    ``likely`` is the start the wording implies, ``factor`` the level the stated change reaches from the given
    baseline (None when only a start is written). ``baseline`` is in ``unit``, as the target's figures."""
    if baseline is None or target is None or target.kind not in _LEVELS or not isinstance(metric.target, str):
        return None
    stated = implied_start(metric.target, unit)
    if stated is None or stated.end != target.value or stated.fits(baseline):
        return None
    text = metric.baseline if isinstance(metric.baseline, str) else f"{baseline:g}"
    return Doubt(
        "start", "baseline", text, likely=stated.start, factor=stated.reached(baseline), target_text=metric.target
    )


_OTHER_KIND_OF_TIME = {"d": "workday", "workday": "d", "h": "workhour", "workhour": "h"}
"""Calendar time and working time: 4 days may be 2 working days, 24 hours 8 business hours."""


def days_doubt(
    target: ParsedTarget | None, actual: Value | None, baseline: Value | None, metric: MetricInput
) -> Doubt | None:
    """Calendar days against working days ('4天' against '≤3个工作日') are not the same count: 4 calendar days
    may be 2 to 4 working days. Converting one into the other silently would state a verdict on a guess."""
    other = _OTHER_KIND_OF_TIME.get(target.unit or "") if target is not None else None
    if other is None:
        return None
    for name, read, text in (("actual", actual, metric.actual), ("baseline", baseline, metric.baseline)):
        if read is not None and read.unit == other:
            return Doubt("days", name, str(text), target_text=str(metric.target))
    return None


def _fractions_for_points(
    metric: MetricInput,
    target: ParsedTarget,
    actual: tuple[Value | None, float | None],
    baseline: tuple[Value | None, float | None],
) -> Doubt | None:
    """'提升3pct' from a bare 0.21 to 0.25: fractions written for percents, not 0.21% → 0.25%."""
    size = abs(target.value or 0.0)
    for name, (read, value), text in (("actual", actual, metric.actual), ("baseline", baseline, metric.baseline)):
        if _bare(read) and value is not None and 0 < abs(value) <= 1 and size >= 1:
            return Doubt("magnitude", name, str(text), likely=value * 100, factor=100.0)
    return None


def _inherited_target(
    metric: MetricInput, target: ParsedTarget | None, actual: tuple[Value | None, float | None]
) -> Doubt | None:
    """A bare target (≥ 4.5) that takes the actual's percent (90%) and lands 20x away from it."""
    read, value = actual
    if target is None or target.kind not in _LEVEL_KINDS or not target.value or value is None or read is None:
        return None
    if metric.unit is not None or not isinstance(metric.target, str) or read.unit != "%":
        return None
    written = _written_level(metric.target)
    if written is None or written.unit is not None or written.magnitude != 1.0:
        return None
    level = abs(target.value)
    if abs(value) >= level * _OFF_BY or abs(value) * _OFF_BY <= level:
        return Doubt("inherited", "target", metric.target)
    return None


def _rating_scales(
    metric: MetricInput, target: ParsedTarget | None, actual: tuple[Value | None, float | None]
) -> Doubt | None:
    """A rating against a target on another scale: 4.5 against ≥ 90 (out of 5 and out of 100?)."""
    read, value = actual
    if target is None or target.kind not in _LEVEL_KINDS or not target.value or value is None or read is None:
        return None
    if target.unit not in (None, "pt") or read.unit not in (None, "pt") or read.magnitude != 1.0:
        return None
    level = abs(target.value)
    if not (abs(value) * _RATING_GAP <= level or abs(value) >= level * _RATING_GAP) or metric.unit is not None:
        return None  # the name is read last: a name is rarely asked twice, the figures cost nothing
    if name_reads_fen(metric.name) != "points":
        return None
    return Doubt("rating", "actual", str(metric.actual), target_text=str(metric.target))


@_kept
def _written_level(text: str) -> Value | None:
    """A target text read as one value once its comparator words are taken out ('≥ 4.5' is 4.5), or None."""
    return _bare_value(_FULL_TARGET_WORDS.sub("", _folded_text(text)).strip())


_RATING_GAP = 10.0
_FULL_TARGET_WORDS = re.compile(
    r"^(?:>=|<=|>|<|≥|≤|至少|不低于|不少于|不超过|at least|at most)\s?|(?:以上|以下|以内|\+)$"
)


def _missing_factor(metric: MetricInput, target: ParsedTarget, unit: str | None) -> float | None:
    """The factor a bare figure would lack: 100 for a percent (declared, or no unit at all), the magnitude
    word written in the target."""
    if unit == "%" and target.unit in ("%", None):
        return 100.0
    if not isinstance(metric.target, str):
        return None
    written = _target_magnitude(metric.target)
    if written is None and unit is None and target.unit is None:
        return 100.0  # no unit anywhere: 0.9992 against 99.9 is a fraction against a percent number
    return written


@_kept
def _target_magnitude(text: str) -> float | None:
    written = _TARGET_MAGNITUDE.search(_folded_text(text))
    return None if written is None else _MAGNITUDE_FACTORS.get(written["word"].lower())


def target_magnitude(target: object) -> float | None:
    """The magnitude word a written target carries (1e4 for '1000万', '5w'), None for a spec or none written."""
    return _target_magnitude(target) if isinstance(target, str) else None


_DATE = re.compile(
    r"\d{1,2}\s?月\s?(?:\d{1,2}\s?[日号]|[底末初中]|份)|\d{4}\s?年|\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?|"
    r"\d{1,2}\s?[日号]\s?(?:前|之前|以前)|(?<![a-z])[qh][1-4](?![a-z\d])|第?\s?[1-4一二三四]\s?季度|"
    r"[上下]半年|年[底末中内初]|月[底末初]|季度?[末底]|周[末五]前|截止|截至|deadline|\bdue\b|\beo[dwmqy]\b|"
    r"\b(?:by|before|until)\s+(?:the\s+)?(?:end|mid|start|beginning)\b|\bend of\b|"
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\bmay\s?\d|\d\s?may\b|"
    r"\b(?:monday|tuesday|wednesday|thursday|friday|week\s?\d+|fy\d{2,4})\b",
    re.IGNORECASE,
)


@_kept
def looks_like_date(text: str) -> bool:
    """Whether an unreadable text names a date or a deadline rather than a figure."""
    return bool(_DATE.search(normalize(text)))


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_CALENDAR = re.compile(
    r"(?<![\d.个])\d{1,2}\s?月\s?(?:\d{1,2}\s?[日号]|[底末初中]|份|上旬|中旬|下旬)?(?!\s?[内以])|"
    r"(?<![\d.])(?:19|20)\d{2}\s?年\s?(?:[底末初中内]|上半年|下半年)?(?!\s?[以内])|"
    r"(?<![\d.])(?:19|20)\d{2}(?:[-/]\d{1,2}(?:[-/]\d{1,2})?|\.\d{1,2}\.\d{1,2})(?![\d.])|"
    r"(?<![a-z])[qh][1-4](?![a-z\d])\s?(?:末|底|初|前|结束前)?|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s?{_MONTH}\b|\b{_MONTH}\.?\s?\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"(?:,?\s?(?:19|20)\d{2})?",
    re.IGNORECASE,
)


@_kept
def date_only(text: str) -> bool:
    """Whether every figure in ``text`` is part of a calendar date (6月底, 2026年, 2026-06-30, 30 June, Q3)."""
    folded = _folded_text(text)
    if not _CALENDAR.search(folded):
        return False
    return not re.search(r"\d", _CALENDAR.sub(" ", folded))
