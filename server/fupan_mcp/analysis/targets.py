"""Target expressions as people write them, read into a `ParsedTarget`; and written back (`describe_target`).

Rules, applied in this order (each one is tested, and tests/data/targets_corpus.jsonl holds the real-world
forms with their meaning):

1. The text is folded by `numbers.normalize` (NFKC, so full-width ``＞＝９８％`` reads as ``>=98%``;
   thousands separators dropped; ASCII lower-cased), Chinese numerals become digits (一千二百, 百分之三十,
   三成 → 30%, 前三 → 前3). ``≥ ≧ ⩾ =>`` become ``>=``, ``≤ ≦ ⩽ =<`` become ``<=``. ``percentage
   point(s)`` becomes ``pp``, ``percent`` becomes ``%``. Filler such as ``目标:``, ``target:``, ``同比``,
   ``较基线``, ``vs baseline`` is dropped. ``zero`` / ``零`` are 0; ``no data loss`` is ``0 data loss``.
   Approximation words (约, 近, 大约, about, around, ~) are dropped and the target is flagged ``approximate``.
   Everyday forms are read and qualifiers that are not units dropped: "four nines" / 三个九 / 4个9 (an SLO),
   "99.9% monthly", "over 30 days", "$10M by Q4", "95% of 200 cases" (190 cases), "99% of requests under
   200ms" (the share is the SLO), "a third" / 三分之一, "4 out of 5", （满分10分）, 5分制, "提升3pct" and
   个点 (points), "43 minutes of downtime", "cut costs by 25%" (the object is the metric), 每周2次 (次/周).
2. Service-level labels (SLA, SLO, availability, uptime, 可用性, 可用率) are dropped; an at-least target
   in percent then becomes an ``slo`` target ("99.9% SLA", "SLA 99.95%", "可用性≥99.95%").
3. ``预算 45万`` / ``budget 450k`` is a budget: the actual must stay within it.
4. Whole forms: the baseline as the level ("不低于去年同期", "at least baseline", "不高于基线"; "持平" and
   "no worse than last year" take their side from the metric's ``better``); a multiple of the baseline
   ("翻一番" ×2, "翻两番" ×4, "减半" ×0.5, "两倍" / "达到基线的2倍" ×2, "double", "halve", "3x", "3x lower"
   ×1/3, described back as 降至基线的 1/3 / "3x lower": a relative change with ``factor``; "增长一倍" is ×2,
   "增长两倍" is refused as ambiguous: ×2 or ×3?); a
   tolerance around the baseline ("±2%" of the baseline, "±5分钟", "误差不超过2%", "偏差在±5%以内", "within ±2%"); a
   rank ("TOP3", "前三", "进入前10", "排名第一", "第2名", "No.1": at most that rank, lower is better).
5. ``a <= x <= b`` (any label in the middle) is a range.
6. A comparator may lead (``>=``, ``不低于``, ``至少``, ``超过``, ``不超过``, ``控制在``, ``at least``,
   ``no more than``, ``up to``, ``below``...) and/or trail (``以上``, ``以内``, ``以下``, ``or more``, ``+``).
   ``以上`` and ``以下`` include the number, as in Chinese usage. Contradicting comparators are an error.
   A negation is part of its comparator, never a label to drop: ``not exceed``, ``must not fall below``,
   ``不得超过``, ``不应低于`` (the modal goes, ``not exceed`` / ``不超过`` stay).
7. A change verb or noun (``下降 降低 减少 缩短 下滑 提升 增长 增加``, ``降幅 跌幅 增幅 涨幅 增速 增长率``,
   ``reduce decrease decline cut grow increase raise``, ``growth``) makes a change target. Followed by
   ``至``/``到``/``to`` it names a level instead: ``降至1.5h`` is at most 1.5 h. A comparator with the change
   either strengthens it (``下降至少30%``, ``增幅不低于20%``, ``grow at least 20%``) or caps it
   (``下降不超过3%``, ``降幅控制在3%以内``, ``下降10%以内``, ``decline no more than 3%``, ``≥-2pp``): a
   cap on a decline of 3% means *change ≥ −3%* (``limit``). A trailing noun works too ("at least 20%
   growth", "no more than 3% decline").
8. A change is in percentage points when its unit is ``pp``/``个百分点`` (pp_change; ``bp`` and ``‰`` are
   converted into points: 20bp = 0.2pp), in percent of the baseline when its unit is ``%``
   (relative_change), and in the metric's unit otherwise (absolute_change). An explicit sign without a
   comparator is a change too: ``-30%`` and ``+15%`` are relative changes even for a ``%`` metric (write
   ``+5pp`` for points), ``+500`` is an absolute change.
9. Two numbers joined by ``~ - 至 到 to 和 and`` (``95~99``, ``95-99%``) or ``a ± b`` form an inclusive range
   (``200ms ± 5%`` is ±5 % of 200 ms). A unit written only on the second number applies to both.
10. Anything else must be one value as `numbers.read_value` reads it. A bare ``T+N`` or a bare rank is at most
   N; a bare 0 ("0", "零事故", "0 data loss") is at most 0, never trivially met; any other bare number is at
   least ("2000" means "at least 2,000").
11. If the whole text does not parse, a leading label is dropped at each comparator, verb or number in
   turn (``DAU≥300``, ``P95<200ms``, ``Q3末达到50万``, ``订单处理时长下降30%``) and the first reading that
   parses wins; then a verb after the comparator (``10分钟内响应``), a metric noun glued to the number
   (``满意度95分以上``, ``覆盖率100%``; never a verb: ``优化30%`` stays unreadable) and a long counted noun
   (``5 个核心业务系统``) are dropped. Said in words: 全覆盖 is 100%, 扭亏为盈 is > 0, 杜绝X is 0, "zero P0
   incidents" is 0 incidents; "提升NPS 10分" is +10 from the baseline. A count against a per-period target
   (``7起`` against ``每月不超过5起``) is the same unit. ``-10%以内`` is refused: ≥ -10% or ≤ -10%?

Numbers are converted to the metric's unit when one is given: time units convert (``2h`` → 120 for a
``min`` metric), data sizes and rates convert across prefixes (1 GB = 1000 MB, 1 GiB = 1024 MiB, 100 Mbps =
12.5 MB/s), ``‰`` and ``bp`` convert into ``%``, a magnitude
written with the number is undone for a scaled unit (``1,500万`` → 1500 for ``万元``). A unit that does
not convert is kept as written, and `compute_attainment` flags the mismatch. Unreadable text raises
`TargetError` (a ``ValueError``) with a code, an English reason and the parameters of a localized message.
No ``eval``, ever.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from contextvars import ContextVar
from functools import lru_cache
from typing import Literal, NamedTuple

from fupan_mcp import numfmt
from fupan_mcp.analysis.lexicon import HIGHER_IS_BETTER, LOWER_IS_BETTER, side_of_words
from fupan_mcp.domain.attainment import Direction, ParsedTarget, TargetKind, TargetSpec
from fupan_mcp.domain.numbers import (
    MAGNITUDES,
    NumberError,
    ScaledQuantity,
    Value,
    canonical_unit,
    chinese_to_digits,
    convert,
    english_to_digits,
    normalize,
    ratio_value,
    read_value,
    singular_noun,
    split_magnitude_unit,
)
from fupan_mcp.i18n import Language, Table, tr

__all__ = [
    "MULTIPLE_UNITS",
    "RATIO_UNITS",
    "MetricUnit",
    "Op",
    "StatedStart",
    "TargetError",
    "convert_compatible",
    "describe_target",
    "glued_label_reads",
    "implied_start",
    "metric_unit",
    "parse_target",
    "spec_example",
    "takes_no_count",
    "target_from_spec",
    "to_metric_unit",
]

Op = Literal[">=", ">", "<=", "<", "="]


class TargetError(ValueError):
    """A target that cannot be read: ``str()`` is an English reason, ``code`` and ``params`` localize it."""

    def __init__(self, code: str, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.code = code
        self.params = params


# --- units -------------------------------------------------------------------------------------------


class MetricUnit(NamedTuple):
    """A metric's unit: ``label`` as shown ("万元"), ``base`` without magnitude ("元"), ``scale`` (1e4)."""

    label: str | None
    base: str | None
    scale: float


NO_UNIT = MetricUnit(None, None, 1.0)
_DAY_LIKE = frozenset({"T+", "d", "workday"})
_RANK_LIKE = frozenset({"rank", "名", "位"})
_T_PLUS_UNITS = frozenset({"t+", "t+n", "t+x"})  # canonical_unit lower-cases "T+"


@lru_cache(maxsize=1024)
def metric_unit(unit: str | None) -> MetricUnit:
    """Resolve a unit as a person writes it ("万元", "小时", "%") into a `MetricUnit`."""
    label = canonical_unit(unit)
    if label in _T_PLUS_UNITS:
        return MetricUnit("T+", "T+", 1.0)
    base, scale = split_magnitude_unit(unit)
    return NO_UNIT if label is None else MetricUnit(label, base, scale)


def convert_compatible(value: float, from_unit: str | None, to_unit: str | None) -> float | None:
    """`numbers.convert`, plus T+N days, calendar and working days, and ranks (名) read as the same count."""
    if from_unit in _DAY_LIKE and to_unit in _DAY_LIKE:
        return value
    if from_unit in _RANK_LIKE and to_unit in _RANK_LIKE:
        return value
    if _same_count(from_unit, to_unit) or _same_per_period(from_unit, to_unit) or _counted_noun(from_unit, to_unit):
        return value
    if same_noun(from_unit, to_unit):
        return value
    return convert(value, from_unit, to_unit)


def same_noun(first: str | None, second: str | None) -> bool:
    """'1 customer complaint' against '< 3 customer complaints': one English noun, in the singular and the
    plural (after 1 people write the singular); the words before the last must be the same."""
    if not first or not second or first == second or not (first.isascii() and second.isascii()):
        return False
    head_1, _, last_1 = first.rpartition(" ")
    head_2, _, last_2 = second.rpartition(" ")
    if head_1 != head_2 or not (last_1.isalpha() and last_2.isalpha()):
        return False
    return singular_noun(last_1) == singular_noun(last_2)


_CLASSIFIERS = frozenset("个家人名位条次单件台座所场户款项笔")


def _same_count(first: str | None, second: str | None) -> bool:
    """'30个城市' and '28个' (or '28城市') count the same thing: a classifier with its noun and either alone."""
    if not first or not second or first == second:
        return False
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    if longer[0] not in _CLASSIFIERS or len(longer) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in longer):
        return False
    return shorter in (longer[0], longer[1:])


_COUNT_WORDS = frozenset("起次个例件宗项")
_NOT_NOUNS = frozenset("元万亿千百分秒时天日周月年次")


def _counted_noun(first: str | None, second: str | None) -> bool:
    """'1起' against '零事故' (0事故): a classifier counts the noun the other side names."""
    if not first or not second:
        return False
    word, noun = (first, second) if first in _COUNT_WORDS else (second, first)
    if word not in _COUNT_WORDS or not 2 <= len(noun) <= 6:
        return False
    return all("\u4e00" <= ch <= "\u9fff" and ch not in _NOT_NOUNS for ch in noun)


_PERIODS = frozenset({"天", "日", "周", "月", "季", "季度", "年", "day", "week", "month", "quarter", "year"})


def _same_per_period(first: str | None, second: str | None) -> bool:
    """'7起' against '每月不超过5起' (起/月): a count in the review's period is the count per period."""
    if not first or not second or ("/" in first) == ("/" in second):
        return False
    rate, count = (first, second) if "/" in first else (second, first)
    head, _, period = rate.partition("/")
    return period.strip() in _PERIODS and (head == count or _same_count(head, count))


RATIO_UNITS = frozenset({"%", "‰", "bp", "pp", "倍", "x", "折"})
"""Shares and multiples: a figure with a magnitude word and no unit (1100万, 5w) is a count, which converts
to no ratio ('达成105%' or '2倍' in a 1000万 row is not 105 or 2 of 1000万)."""
MULTIPLE_UNITS = frozenset({"倍", "x"})
_SHORT_LATIN_UNIT = re.compile(r"[a-z]{1,3}")


def takes_no_count(label: str | None) -> bool:
    """A unit that a count with a magnitude word and no unit (1600万, 5w) never converts to: a ratio, or a
    short Latin unit (kw, ms, kg...). '1.5kw' is 千万 in Chinese business slang and kilowatts elsewhere:
    1600万 against it was 'achieved, 1,066,666,667%'."""
    return label is not None and (label in RATIO_UNITS or _SHORT_LATIN_UNIT.fullmatch(label) is not None)


def to_metric_unit(quantity: ScaledQuantity | Value, unit: MetricUnit) -> tuple[float, str | None, bool]:
    """Express a parsed value in the metric's unit: (value, unit, compatible).

    A number without unit and magnitude is already in the metric's unit. A magnitude word or the base unit
    ("1628万", "16,280,000元" for a 万元 metric) means base units, divided by the unit's scale. When the
    units do not convert, the value and its own unit come back with ``compatible`` False.
    """
    if unit.label is None:
        return quantity.value, quantity.unit, True
    if quantity.unit is None and quantity.magnitude != 1.0 and takes_no_count(unit.label):
        return quantity.value, None, False  # '1100万' is a count, never 1,100万 % or times
    if quantity.unit is None:
        in_base = quantity.magnitude != 1.0
        return (quantity.value / unit.scale if in_base else quantity.value), unit.label, True
    if quantity.unit == unit.label:
        return quantity.value, unit.label, True
    if quantity.magnitude == 1e3 and f"k{quantity.unit}" in (unit.label, unit.base):
        return quantity.value / 1e3, unit.label, True  # '0.13 kg/employee' reads as 130 g/employee
    converted = convert_compatible(quantity.value, quantity.unit, unit.base)
    if converted is None:
        return quantity.value, quantity.unit, False
    return converted / unit.scale, unit.label, True


# --- vocabulary --------------------------------------------------------------------------------------

_PREFIX_OPS: dict[str, Op] = {
    ">=": ">=", "=>": ">=", ">": ">", "<=": "<=", "=<": "<=", "<": "<", "==": "=", "=": "=",
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "大于等于": ">=", "大于或等于": ">=", "至少": ">=",
    "最少": ">=", "最低": ">=", "达到": ">=", "达": ">=", "高于": ">", "大于": ">", "超过": ">", "多于": ">",
    "突破": ">", "完成": ">=", "实现": ">=", "做到": ">=",
    "不少于等于": ">=", "保持在": ">=", "维持在": ">=", "稳定在": ">=", "确保": ">=",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "不大于": "<=", "小于等于": "<=", "小于或等于": "<=",
    "至多": "<=", "最多": "<=", "最高": "<=", "控制在": "<=", "低于": "<", "小于": "<", "少于": "<",
    "不到": "<", "不足": "<", "等于": "=", "压降至": "<=", "压到": "<=",
    "缩至": "<=", "缩到": "<=", "压至": "<=", "收窄至": "<=", "收窄到": "<=", "sub-": "<", "sub ": "<",
    "at least": ">=", "no less than": ">=", "not less than": ">=", "no fewer than": ">=",
    "not below": ">=", "minimum of": ">=", "minimum": ">=", "min": ">=", "reach": ">=", "reaches": ">=",
    "hit": ">=", "achieve": ">=", "maintain": ">=", "keep above": ">=",
    "more than": ">", "greater than": ">", "higher than": ">", "above": ">", "over": ">",
    "exceeding": ">", "exceeds": ">", "exceed": ">",
    "at most": "<=", "no more than": "<=", "not more than": "<=", "no greater than": "<=", "no higher than": "<=",
    "not above": "<=", "not to exceed": "<=", "not exceeding": "<=", "up to": "<=", "maximum of": "<=",
    "maximum": "<=", "max": "<=", "within": "<=", "less than": "<", "fewer than": "<", "lower than": "<",
    "below": "<", "under": "<", "keep below": "<", "keep under": "<", "equal to": "=", "equals": "=",
    "exactly": "=", "no lower than": ">=", "not lower than": ">=", "not fewer than": ">=", "not under": ">=",
    "at or above": ">=", "at or over": ">=", "at or below": "<=", "at or under": "<=", "not exceed": "<=",
    "does not exceed": "<=", "do not exceed": "<=", "never exceed": "<=", "not higher than": "<=",
    "not greater than": "<=", "not over": "<=",
}  # fmt: skip
_SUFFIX_OPS: dict[str, Op] = {
    "及以上": ">=", "或以上": ">=", "以上": ">=", "及以下": "<=", "或以下": "<=", "以下": "<=",
    "以内": "<=", "之内": "<=", "内": "<=", "or more": ">=", "or above": ">=", "or higher": ">=",
    "or greater": ">=", "and above": ">=", "and up": ">=", "at least": ">=", "or less": "<=",
    "or below": "<=", "or lower": "<=", "or fewer": "<=", "and below": "<=", "at most": "<=", "+": ">=",
    "or better": ">=", "minimum": ">=", "maximum": "<=",
}  # fmt: skip
_VERBS: dict[str, Direction] = {
    "下降": "decrease", "降低": "decrease", "减少": "decrease", "缩短": "decrease", "压缩": "decrease",
    "缩减": "decrease", "减小": "decrease", "下滑": "decrease", "回落": "decrease", "下跌": "decrease",
    "压降": "decrease", "削减": "decrease", "节省": "decrease", "节约": "decrease", "降": "decrease",
    "减": "decrease", "跌": "decrease",
    "降幅": "decrease", "跌幅": "decrease", "减幅": "decrease", "下降幅度": "decrease", "降低幅度": "decrease",
    "减少幅度": "decrease", "下滑幅度": "decrease", "回落幅度": "decrease", "下降率": "decrease",
    "decrease": "decrease", "decreased": "decrease", "reduce": "decrease", "reduced": "decrease",
    "reduction of": "decrease", "reduction": "decrease", "cut": "decrease", "lower": "decrease",
    "drop": "decrease", "shorten": "decrease", "down": "decrease", "decline": "decrease",
    "declines": "decrease", "decline of": "decrease", "fall": "decrease", "falls": "decrease",
    "shrink": "decrease", "drop of": "decrease", "decrease of": "decrease",
    "提升": "increase", "提高": "increase", "增长": "increase", "增加": "increase", "上升": "increase",
    "上涨": "increase", "扩大": "increase", "拉升": "increase", "增": "increase", "升": "increase",
    "涨": "increase",
    "增幅": "increase", "涨幅": "increase", "升幅": "increase", "增速": "increase", "增长率": "increase",
    "增长幅度": "increase", "提升幅度": "increase", "增加幅度": "increase", "增长速度": "increase",
    "increase": "increase", "increased": "increase", "grow": "increase", "growth of": "increase",
    "growth": "increase", "raise": "increase", "up": "increase", "boost": "increase", "rise": "increase",
    "rise of": "increase", "increase of": "increase", "improve": "increase", "lift": "increase",
    "growth rate": "increase",
}  # fmt: skip
# Comparators that may follow a verb: >=/> strengthen it ("下降至少30%"), <=/< cap it ("下降不超过3%").
_VERB_OPS: dict[str, Op] = {
    "至少": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=", "超过": ">", "达到": ">=",
    "by at least": ">=", "at least": ">=", "of at least": ">=",
    "by more than": ">", "more than": ">", "by over": ">", "over": ">", "of more than": ">",
    ">=": ">=", ">": ">", "<=": "<=", "<": "<",
    "不超过": "<=", "不高于": "<=", "不大于": "<=", "不多于": "<=", "控制在": "<=", "至多": "<=",
    "最多": "<=", "低于": "<", "少于": "<", "小于": "<", "不到": "<", "不足": "<",
    "by no more than": "<=", "no more than": "<=", "not more than": "<=", "of no more than": "<=",
    "by at most": "<=", "at most": "<=", "of at most": "<=", "by less than": "<", "less than": "<",
    "of less than": "<", "by up to": "<=", "up to": "<=", "of up to": "<=", "within": "<=",
    "capped at": "<=", "limited to": "<=",
}  # fmt: skip
_TRAILING_NOUNS: dict[str, Direction] = {
    "growth": "increase", "increase": "increase", "uplift": "increase", "lift": "increase",
    "improvement": "increase", "rise": "increase", "gain": "increase",
    "decline": "decrease", "decrease": "decrease", "drop": "decrease", "reduction": "decrease",
    "cut": "decrease", "fall": "decrease",
    "增长": "increase", "提升": "increase", "增幅": "increase", "下降": "decrease", "降幅": "decrease",
}  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first; ASCII words must end at a word boundary."""
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(f"{escaped}(?![a-z])" if word[-1].isascii() and word[-1].isalpha() else escaped)
    return "|".join(parts)


# --- patterns (compiled once) ------------------------------------------------------------------------

_TRIM = " .。;;,,:"
_SYMBOLS = str.maketrans({"≥": ">=", "≧": ">=", "⩾": ">=", "≤": "<=", "≦": "<=", "⩽": "<=", "—": "-", "–": "-"})
_PERCENT_WORDS = re.compile(r"\s?percentage points?|\s?percent(?:age)?(?! point)")
_FILLER = re.compile(
    r"^(?:目标值?|target(?: value)?|goal|kpi|okr|kr\d?)\s?(?:[:为是]|is)?\s?"
    r"|同比|环比|较基线|相比基线|相对基线|比基线|较上期|较去年|介于|之间|\bbetween\b|\byoy\b|\bqoq\b|\bmom\b"
    r"|\s?\b(?:vs\.?|versus|from|over|relative to|compared (?:to|with)|(?<=[\d%p] )than)\s?(?:the\s)?"
    r"(?:baseline|last year|prior year)\b"
    r"|^在(?=\s?[-+]?\d)|^新增(?=\s?(?:[<>=\d]|不少于|不低于|至少|超过|达到))|^(?:全年|年度|季度|月度|上线后|上线首月)\s?(?=[<>=\d不至控达])"
    r"|\s?\b(?:compared (?:to|with)|relative to|vs\.?|versus)\s(?:the\s)?(?:fy\s?)?(?:19|20)\d{2}"
    r"(?:\s(?:levels?|baseline))?$|(?:较|相比|相较于?|比)(?:19|20)\d{2}\s?年(?:度|底|末)?(?:水平)?"
)
_ZERO_WORDS = re.compile(
    r"\bzero\b|(?<![a-z])no (?=[a-z])(?!more|less|fewer|greater|higher|lower|worse|later|regression|decline)"
)
_NEGATIVE_WITHIN = re.compile(r"^-\s?\d+(?:\.\d+)?\s?(?:%|pp)?\s?(?:以内|之内|内)$|^within\s-\s?\d")
"""'-10%以内': a decline of at most 10 % (≥ -10 %) or a level of at most -10 %? Refused, never guessed."""
_SEVERITY = re.compile(r"(?<=^0 )(?:p|sev|s)\s?-?[0-4]\s(?=[a-z])")
"""'zero P0 incidents', 'no Sev1 outages': the severity names the kind, it is not a figure."""
_NONE_CN = re.compile(r"^(?:无|不发生|杜绝|不出现)(?=[\u4e00-\u9fffa-z])")
_APPROX = re.compile(
    r"^(?:约为|约|大约|大概|近|将近|接近|~|≈|about|around|approximately|approx\.?|roughly)\s?(?=[\d$¥€£])"
)
_APPROX_TAIL = re.compile(r"\s?(?:左右|上下|or so)$")
_APPROX_VERB = re.compile(r"^(?:约|大约|大概)\s?(?=提升|提高|增长|增加|上涨|下降|降低|减少|缩短|压缩|达到|实现)")
"""'约提升20%', '大约下降一半': the approximation before the verb is the figure's (its flag was lost)."""
_SLO_LABEL = re.compile(
    r"(?:^|\s)(?:sla|slo|sli|availability|uptime)(?:\s?(?:target|of|is))?(?=$|\s|[:<>=\d])|"
    r"(?:服务)?(?:可用性|可用率|可用度|在线率)(?:目标)?"
)
_BUDGET = re.compile(r"^(?:预算|budget(?: of)?)\s?(?:[:为是]|is)?\s?")
_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)"
_UNIT = r"(?:\s?[a-z%$¥€£‰\u4e00-\u9fff/°#][a-z%$¥€£‰\u4e00-\u9fff/°\d]*)?"
_QTY_UNSIGNED = rf"(?:[¥$€£]|usd\s?)?{_NUM}{_UNIT}"
_T_DAY = r"t\s?[-+]\s?\d+(?:\.\d+)?(?:\s?(?:天|日|d))?"
_QTY = rf"(?:{_T_DAY}|[-+]?\s?{_QTY_UNSIGNED})"
_RANGE = re.compile(rf"(?P<lo>{_QTY})\s?(?:~|-|至|(?<![达做提升增降减])到|to|and|和|与)\s?(?P<hi>{_QTY})")
"""'95~99%', '3到5天'; never the 到 of a verb ('1季度达到50万' read as the range 1 ~ 50万 with the unit 季度达)."""
_PLUS_MINUS = re.compile(rf"(?P<mid>{_QTY})\s?(?:±|\+/-|\+-)\s?(?P<tol>{_QTY_UNSIGNED})")
_CHAINED = re.compile(rf"(?P<lo>{_QTY})\s?(?P<op1><=|<)\s?[^<>=\d]*?\s?(?P<op2><=|<)\s?(?P<hi>{_QTY})")
_PREFIX = re.compile(rf"^(?P<word>{_alternation(_PREFIX_OPS)})\s?")
_SUFFIX_ENDINGS = tuple({word[-1] for word in _SUFFIX_OPS})
_SUFFIX = re.compile(rf"\s?(?P<word>{_alternation(_SUFFIX_OPS)})$")
_VERB = re.compile(
    rf"^(?P<verb>{_alternation(_VERBS)})\s?(?:(?:by|of)\s)?"
    rf"(?:(?P<op>{_alternation(_VERB_OPS)})|(?P<to>至|到|to(?![a-z])))?"
    r"\s?(?:by(?![a-z]))?\s?"
)
_TRAILING_NOUN = re.compile(rf"^(?P<qty>.+?)\s?(?P<noun>{_alternation(_TRAILING_NOUNS)})$")
# Where a leading label may end: before a comparator symbol, a comparator word, a verb or a number.
_LABEL_END = re.compile(rf"[<>=]|{_alternation(_PREFIX_OPS)}|{_alternation(_VERBS)}|预算|budget|±")
_LABEL_NUMBER = re.compile(r"(?<=[\s:])(?=\+?[¥$€£]?\d)")
_NEGATED = re.compile(
    r"(?:\b(?:not|no|never|don't|doesn't|mustn't|cannot)(?:\sbe)?|[不未无勿别](?:得|应|能|可|宜|要|会|该|允许)?)\s?$"
)
"""A label never ends in a negation: 'not exceed 2%' must not become 'exceed 2%'."""
_MODAL_NEGATION_CN = re.compile(
    r"(?<=[不未])(?:得|应该|应|能够|能|可以|可|宜|要|会|该|允许)(?=超过|高于|大于|多于|低于|少于|小于)"
)
_NEVER = re.compile(r"\bnever\b")
_MODAL_NEGATION_EN = re.compile(
    r"\b(?:must|should|shall|will|may|can|do|does|to)\s(?=not\s)"
    r"|(?<=\bnot)\s(?:be|fall|go|drop|dip|get|rise|climb)(?=\s(?:below|under|above|over|lower|higher|less|more)\b)"
    r"|(?<=\bnot)\sbe(?=\s)"
)
"""'must not fall below 99.9%', 'should not exceed 2%', "shouldn't be under 90%": the modal and the verb go,
'not below' / 'not exceed' stay (never 'below 99.9%' with the negation dropped as a label)."""
_TAIL_AFTER_SUFFIX = re.compile(
    r"^(?P<head>.*\d.*?(?:及以上|或以上|以上|及以下|或以下|以下|以内|之内|内))\s?"
    r"(?:为优|为宜|即可|为合格|达标|合格|[\u4e00-\u9fff]{1,4})$"
)
_DIRECTION_CHARS = re.compile(r"[至到降减缩少低高多增涨升提超过压控不无非内外前后第翻倍半跌]|to\b|by\b")
_COUNTED_NOUN = re.compile(r"(?<=\d)\s?[个家名位条件项款场起台套]?(?P<noun>[\u4e00-\u9fff]{3,16})$")
_NUMBER_AFTER_LABEL = re.compile(r"(?<=[\s\u4e00-\u9fff])(?=\d)")
_NOUN_ENDINGS = frozenset("率度数量额值比")
_GLUED_LABEL = re.compile(r"^[\u4e00-\u9fffa-z]{2,12}?(?=\+?[¥$€£]?\d)")
_LEVEL_KINDS: dict[Op, TargetKind] = {
    ">=": "at_least",
    ">": "at_least",
    "<=": "at_most",
    "<": "at_most",
    "=": "equal",
}

_BASELINE_WORDS = (
    r"(?:the\s)?(?:去年同期|上年同期|同期|去年|上年|上一年|基线|基准|上期|上月|上季度|上一期|改造前|上线前|"
    r"baseline|last year|prior year|previous year|the previous period|previous period|last quarter|last month|"
    r"before|pre-launch)(?:水平|值|数据|level)?"
)
_BASELINE = re.compile(
    rf"^(?:(?P<op>不低于|不少于|不小于|不高于|不超过|不多于|不大于|至少|至多|>=|<=|>|<|高于|低于|"
    rf"at least|at most|no less than|no lower than|no more than|no higher than|not below|not above|"
    rf"above|below|better than|worse than|no worse than|not worse than|不差于|不劣于|不弱于|优于|好于|"
    rf"持平于|与|和|match|matches|equal to|same as|flat (?:vs|versus|to|with))\s?)?"
    rf"{_BASELINE_WORDS}(?:\s?(?P<tail>持平|相当|一致|齐平|or better|or higher|or lower|or less))?$"
)
_FLAT = re.compile(r"^(?:保持|维持)?(?:持平|基本持平|不下降|不退步|flat|hold flat|no regression|no decline)$")
_BASELINE_OPS: dict[str, Direction | None] = {
    "不低于": "increase", "不少于": "increase", "不小于": "increase", "至少": "increase", ">=": "increase",
    "at least": "increase", "no less than": "increase", "no lower than": "increase", "not below": "increase",
    "高于": "increase", ">": "increase", "above": "increase", "优于": None, "好于": None, "better than": None,
    "不高于": "decrease", "不超过": "decrease", "不多于": "decrease", "不大于": "decrease", "至多": "decrease",
    "<=": "decrease", "at most": "decrease", "no more than": "decrease", "no higher than": "decrease",
    "not above": "decrease", "低于": "decrease", "<": "decrease", "below": "decrease",
    "or better": None, "or higher": "increase", "or lower": "decrease", "or less": "decrease",
}  # fmt: skip
_STRICT_BASELINE_OPS = frozenset({"高于", ">", "above", "低于", "<", "below", "优于", "好于", "better than"})

_MULTIPLE_CN = re.compile(
    r"^(?:(?P<verb>增长|提升|提高|增加|扩大|上升|增)(?P<to>至|到|为)?|达到|达|为|是|实现|做到|到)?\s?"
    r"(?:基线的|去年的|去年同期的|原来的|上年的|同期的)?\s?(?P<n>\d+(?:\.\d+)?)\s?倍$"
)
_DIVIDED_CN = re.compile(
    r"^(?:降至|降到|减至|减到|达到|为)?\s?(?:基线的|去年的|去年同期的|原来的)\s?1\s?/\s?(?P<n>\d+(?:\.\d+)?)$"
)
"""'降至基线的 1/3': a third of the baseline (how `describe_target` writes '3x lower' in Chinese)."""
_TENTHS_OF = re.compile(
    r"^(?:降至|降到|降为|降低至|压至|压到|压降至|缩至|减至|减到|控制在|打|打到|做到)\s?(?P<n>\d(?:\.\d+)?)\s?折$"
)
"""'成本降至七折', '打八五折': to that many tenths of the baseline (×0.7, ×0.85), a multiple of it. Read as a
level of 7折 it took a cost of 75万 as 750,000折 ('not achieved, 0.01%')."""
_DOUBLINGS = re.compile(r"^(?:实现|收入|规模)?翻(?:了)?(?:(?P<n>\d+)番|番|倍)$")
_HALVES = re.compile(
    r"^(?:减半|(?:降低|下降|减少|缩短|降|压缩)(?:一|1)半|砍半|折半|腰斩|halve|halved|cut (?:in|by) half|"
    r"reduce(?:d)? by half|half|by half|50% less|(?:cut|reduce|halve|slash)\s(?:[\w-]+\s){1,3}(?:in|by) half)$"
)
_MULTIPLE_EN = re.compile(
    r"^(?P<n>\d+(?:\.\d+)?)\s?(?:x|×|times)(?:\s(?P<dir>higher|more|larger|bigger|greater|growth|increase|"
    r"lower|less|fewer|smaller|faster|cheaper|reduction|decrease)|\s(?:the\s)?(?:baseline|last year))?$"
)
_MULTIPLE_EN_VERB = re.compile(
    r"^(?P<verb>reduce|cut|decrease|shrink|grow|increase|boost)\s(?:by\s)?(?P<n>\d+(?:\.\d+)?)\s?(?:x|×|times|fold)$"
)
_MULTIPLE_WORDS = {"double": 2.0, "doubled": 2.0, "doubling": 2.0, "triple": 3.0, "tripled": 3.0, "quadruple": 4.0}
_LOWER_WORDS = frozenset({"lower", "less", "fewer", "smaller", "faster", "cheaper", "reduction", "decrease"})

_TOLERANCE = re.compile(
    r"^(?:(?P<word>误差|偏差|偏离|偏差率|波动|差异|浮动|variance|deviation|error|tolerance|drift)\s?"
    r"(?:率)?\s?(?:在|控制在|不超过|不大于|不高于|<=|<|within|of|no more than|at most|less than|under|is)?\s?"
    r"|(?:within|在|控制在)\s?)?"
    r"(?:与?(?:基线|基准|计划|目标|预算|baseline|plan|forecast)\s?)?(?P<pm>±|\+/-|\+-)?\s?(?P<qty>"
    rf"{_QTY_UNSIGNED})\s?(?:以内|之内|内|of (?:the )?(?:baseline|plan|forecast|target|budget))?$"
)
_RANK_TARGET = re.compile(
    r"^(?:进入|排名|排进|位列|保持|冲进|冲击|争取|跻身|挤进|进|入围|rank in|in the|be in|get into|reach)?\s?"
    r"(?:行业|全国|全球|品类|类目|区域|全省|全市|同行|industry|global|national|the)?\s?"
    r"(?:top\s?-?\s?|前\s?)(?P<n>\d+)\s?(?:名|位|强)?(?:以内|之内|内)?$"
)
_RANK_FIRST = re.compile(
    r"^(?:保持|夺得|争夺|拿下|获得|获|取得|蝉联|稳居|稳坐|成为|做到|排名|位列|位居|名列|rank|be)?\s?"
    r"(?:行业|全国|全球|品类|类目|区域|industry|global|national|the)?\s?"
    r"(?:第\s?(?P<n>\d+)\s?(?:名|位)?|no\.?\s?(?P<no>\d+)|#\s?(?P<hash>\d+)|(?P<ord>\d+)(?:st|nd|rd|th)(?:\s?place)?|"
    r"(?P<lead>第一|冠军|榜首|龙头|number one|leader))$"
)
_TOP_PERCENT = re.compile(r"^(?:进入|排名|位列|跻身)?(?:top|前)\s?(?P<n>\d+(?:\.\d+)?)\s?%$")
_FROM_TO_CN = re.compile(rf"^(?:将|把)?.*?从\s?{_QTY}\s?(?P<rest>(?:{_alternation(_VERBS)})\s?(?:至|到).+)$")
_FROM_TO_EN = re.compile(
    rf"^(?:.*?\s)?from\s(?P<a>{_QTY})\s?to\s(?P<b>{_QTY})$"
    rf"|^(?:.*?)?(?:从|由)\s?(?P<a2>{_QTY})\s?(?:到|至)\s?(?P<b2>{_QTY})$"
    rf"|^(?P<a3>{_QTY})\s?(?:→|->|=>|⟶|➝|➔)\s?(?P<b3>{_QTY})$"
)
"""A move from one level to another, the side from the two figures: 'from 45 to 30 days', '从45天到30天'
(no verb), '3%→4%' (as review tables write it)."""
_COMPARED = re.compile(
    r"(?P<qty>[-+]?(?:[$¥€£]|usd\s?)?\d[\d.,]*\s?(?:%|pp|k|m|bn|(?!(?:or|and)(?![a-z]))[a-z]{1,12})?)\s?"
    r"(?P<word>more|fewer|less|higher|lower|greater|bigger|larger|smaller|cheaper|up|down)"
    r"(?:\s(?!than\b|vs\b|versus\b|compared\b)[a-z][a-z0-9-]*){0,4}"
    r"(?:\s(?:than|vs\.?|versus|compared (?:to|with))\s(?:the\s)?(?:baseline|last (?:year|quarter|month|week|period)|"
    r"(?:prior|previous) (?:year|quarter|month|period)|before|today|now|q[1-4](?:\s20\d\d)?|20\d\d))?"
)
"""'25% fewer pages', '500 more signups', '30% down', '$10k less spend than last year': a change from the
baseline in the stated direction (read as a level, '25% fewer' was met by any count under 25). 'Faster',
'slower', 'better' and a comparison with anything but the baseline are not read."""
_ONE_FOLD = re.compile(r"(?:增长|提升|提高|增加|扩大|上升)\s?(?:了)?\s?1\s?倍")
_AMBIGUOUS_MULTIPLE = re.compile(r"(?:增长|提升|提高|增加|扩大|上升|翻)\s?(?:了)?\s?\d+(?:\.\d+)?\s?倍")


# --- entry points ------------------------------------------------------------------------------------


class _Prepared(NamedTuple):
    text: str
    approximate: bool
    slo: bool


_AS_RATIO: ContextVar[bool] = ContextVar("fupan_targets_as_ratio", default=False)
"""Set while a target of a ratio (``parse_target(..., ratio=True)``) is read: '1:20' is then a ratio."""


@lru_cache(maxsize=4096)
def parse_target(text: str, unit: str | None = None, ratio: bool = False) -> ParsedTarget:
    """Read a target expression; numbers come back in ``unit`` when it is given and compatible. With
    ``ratio`` (the metric is a ratio by its name or the target's label: 'staffing ratio', 'LTV:CAC') a
    figure 'a:b' is the ratio, never a clock time ('1:20' is refused as h:mm or mm:ss otherwise).

    Raises `TargetError` naming what could not be read. Results are cached (ParsedTarget is frozen):
    the same few target strings recur across metrics and reviews.
    """
    if not ratio or (":" not in text and "：" not in text):
        return _parse_target(text, unit)
    token = _AS_RATIO.set(True)
    try:
        return _parse_target(text, unit)
    finally:
        _AS_RATIO.reset(token)


def _parse_target(text: str, unit: str | None) -> ParsedTarget:
    prepared = _prepare(text)
    if not prepared.text:
        raise TargetError("empty", "the target is empty")
    resolved = metric_unit(unit)
    if _NEGATIVE_WITHIN.match(prepared.text):
        raise TargetError(
            "negative_within",
            f"{text!r} is ambiguous: at least that negative change, or at most? write ≥-10% or 下降不超过10%",
            text=text.strip(),
        )
    try:
        parsed = _parse_with_labels(prepared.text, resolved)
    except NumberError as error:
        raise _unreadable(text, str(error)) from None
    except TargetError as error:
        if error.code != "unreadable":
            raise
        raise _unreadable(text, str(error)) from None
    return _finish(parsed, prepared, resolved)


def _parse_with_labels(text: str, unit: MetricUnit) -> ParsedTarget:
    try:
        return _parse_prepared(text, unit)
    except (TargetError, NumberError) as first_error:
        if isinstance(first_error, TargetError) and first_error.code != "unreadable":
            raise
        if _BUDGET.match(text):
            raise
        candidates = [text[start:].lstrip(" :") for start in _label_ends(text)] + _trimmed_readings(text)
        for candidate in candidates:
            try:
                return _parse_prepared(candidate, unit)
            except TargetError as error:
                if error.code != "unreadable":
                    raise
            except NumberError:
                continue
        raise


def _trimmed_readings(text: str) -> list[str]:
    """Everyday wrappings of a readable target, to try when the whole does not parse: a trailing verb after
    the comparator ("10分钟内响应", "2小时内完成", "95分以上为优"), a label glued to the number
    ("满意度95分以上", "回款率95%以上")."""
    found = []
    tail = _TAIL_AFTER_SUFFIX.match(text)
    if tail and _DIRECTION_CHARS.search(text[tail.end("head") :]):
        tail = None  # "10%以上增长": a change, not a level
    if tail:
        found.append(tail["head"])
    glued = _GLUED_LABEL.match(text)
    if glued and glued_label_reads(glued.group()):
        # the name of what the figure bounds, glued to it ('故障时长30分钟'): the figure alone, whose side
        # the misreads check then takes from the name (a ceiling for a duration of failures)
        found.append(text[glued.end() :])
    elif glued and not _DIRECTION_CHARS.search(glued.group()):
        # only with a comparator after the number, or after a metric noun ("覆盖率100%"): "优化30%" states no
        # side and stays unreadable
        noun = glued.group()[-1] in _NOUN_ENDINGS
        found += [rest[glued.end() :] for rest in (text, tail["head"] if tail else "") if noun or _SUFFIX.search(rest)]
    counted = None if _SUFFIX.search(text) else _COUNTED_NOUN.search(text)
    if counted and not _DIRECTION_CHARS.search(counted["noun"]):
        # '5 个核心业务系统', '与 10 家区域主要分销商建立合作关系': the count with its classifier
        head = text[: counted.start("noun")].rstrip()
        found += [head] + [head[m.start() :] for m in _NUMBER_AFTER_LABEL.finditer(head)]
    return found


_COUNT_PREFIX = re.compile(r"^(?:新增|新签|新开|新上线|累计|日均|月均|周均|人均|单日|单月|全年|年度|季度|月度)")
"""Words that make a glued name a count of something ('新增用户5万', '日均订单3万'), not a change."""


def glued_label_reads(label: str) -> bool:
    """True when a name glued before a figure ('故障时长30分钟', '营销费用20万', '不良率0.5%', '新增用户5万') can be
    taken off: its words tell which way is better (the figure is then a ceiling or a floor), or it counts
    (新增, 累计, 日均...); and what is left of it states no side. '优化30%' tells neither and '减少投诉50起'
    states a change: both stay unread."""
    folded = normalize(label)
    rest = HIGHER_IS_BETTER.sub("", LOWER_IS_BETTER.sub("", folded))
    counted = _COUNT_PREFIX.match(rest)
    if counted is not None:
        rest = rest[counted.end() :]
    elif side_of_words(folded) is None:
        return False
    return not rest or (_DIRECTION_CHARS.search(rest) is None and states_no_side(rest))


def states_no_side(label: str) -> bool:
    """True when a label before a figure ('p99', 'Cost', '成本') holds no comparator, verb or direction word:
    'p99 300ms' is as bare as '300ms', while 'under 300ms' or '降至 300ms' state their side."""
    if not any(ch.isalnum() for ch in label) or any(ch in "<>=≥≤≧≦≠~～±" for ch in label):
        return False
    return _LABEL_END.search(label) is None and _DIRECTION_CHARS.search(label) is None and not _NEGATED.search(label)


def _label_ends(text: str) -> list[int]:
    """Positions where a leading label may end, in order: comparators and verbs, then numbers."""
    starts = [
        m.start()
        for m in _LABEL_END.finditer(text)
        if m.start() > 0 and not _ends_like_number(text[: m.start()]) and not _NEGATED.search(text[: m.start()])
    ]
    numbers = (m.start() for m in _LABEL_NUMBER.finditer(text) if m.start() > 0)
    starts += [start for start in numbers if not _RATIO_HEAD.search(text[:start])]
    return [start for start in dict.fromkeys(starts) if not _FIGURE_IN_LABEL.search(text[:start])]


_RATIO_HEAD = re.compile(r"(?:^|[^a-z0-9.])\d+(?:\.\d+)?[:：]$")
"""'投入产出比1:3': the colon is a ratio's, not a label's ('Q3:50万' and 'KR1: 50%' end one: a name holds the digit)."""
_FIGURE_IN_LABEL = re.compile(
    r"(?<![a-z\u4e00-\u9fff\d.,])\d+(?:[.,]\d+)*(?![\d.,]|x|st\b|nd\b|rd\b|th\b|g\b|fa\b|ds\b)|[<>=]"
)
"""A label holds no figure or comparator of its own: in '< 5 per 1000 requests', '1 in 1,000' or 'p99 < 300ms
over 28 days' the first figure is the target, and reading '1000 requests' or 'over 28 days' after it as the
target (at least 1000, at least 28 days) states a wrong verdict. Names that carry digits stay labels: 'p99',
'Q3', 'KR1', '5xx', '99th percentile', '5G', '2FA'."""


def _finish(parsed: ParsedTarget, prepared: _Prepared, unit: MetricUnit) -> ParsedTarget:
    changes: dict[str, object] = {}
    if prepared.approximate and not parsed.approximate:
        changes["approximate"] = True
    if prepared.slo and parsed.kind == "at_least" and (parsed.unit == "%" or unit.label == "%"):
        changes["kind"] = "slo"
    return parsed.model_copy(update=changes) if changes else parsed


def _unreadable(text: str, reason: str) -> TargetError:
    numbers = _numbers_in(text)
    code = "unreadable" if numbers else "no_number"
    return TargetError(code, f"cannot read the target {text!r}: {reason}", text=text.strip(), numbers=numbers)


_NUMBER_FORM = re.compile(
    r"(\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?:(%)|[ ]?(千万|百万|万|亿|千|(?i:million|billion|thousand|mln|bln|mn|bn|k|m|b|w)(?![A-Za-z])))?"
)
"""A figure as a reader names it back: its digits with their thousands separators, and a magnitude
(5万, 1.2M) or a percent sign, so that '新增用户5万' is not reported (nor offered as a spec) as 5."""


def _number_forms(text: str) -> list[tuple[str, float | str]]:
    """Each distinct figure in ``text``: (as written, its value); a percentage's value stays '30%'."""
    forms: dict[str, float | str] = {}
    for match in _NUMBER_FORM.finditer(chinese_to_digits(normalize(text))):
        digits, percent, magnitude = match.groups()
        if percent:
            forms.setdefault(digits + "%", digits.replace(",", "") + "%")
            continue
        value = float(digits.replace(",", "")) * (MAGNITUDES[magnitude.lower()] if magnitude else 1.0)
        forms.setdefault(match.group(), int(value) if value.is_integer() else value)
    return list(forms.items())


def _numbers_in(text: str) -> str:
    return ", ".join(written for written, _ in _number_forms(text))


def spec_example(text: str | None = None) -> str:
    """A structured TargetSpec a caller can use instead of ``text``, as compact JSON; its value is the
    text's first figure with its magnitude applied (5万 is 50000), so following the hint keeps the figure."""
    forms = _number_forms(text or "")
    value = forms[0][1] if forms else 2000
    return json.dumps({"kind": "at_least", "value": value}, ensure_ascii=False)


def target_from_spec(spec: TargetSpec, unit: str | None = None) -> ParsedTarget:
    """Check a structured target and express its numbers in ``unit``. Raises `TargetError`."""
    try:
        return _from_spec(spec, metric_unit(unit))
    except NumberError as error:
        raise TargetError("spec_value", str(error), kind=spec.kind) from None


def _from_spec(spec: TargetSpec, resolved: MetricUnit) -> ParsedTarget:
    strict = not spec.inclusive
    if spec.kind == "range":
        if spec.low is None or spec.high is None:
            raise TargetError("spec_range", "a range target needs both 'low' and 'high'")
        low, high = _level(spec.low, resolved), _level(spec.high, resolved)
        return _range_target(low, high)
    if spec.kind == "baseline":
        return ParsedTarget(kind="baseline", direction=spec.direction, strict=strict)
    if spec.kind == "relative_change" and spec.factor is not None:
        return _multiple(spec.factor)
    if spec.value is None:
        raise TargetError("spec_value_missing", f"a {spec.kind} target needs a 'value'", kind=spec.kind)
    if spec.kind in ("at_least", "at_most", "equal", "budget", "slo"):
        value, value_unit = _level(spec.value, resolved)
        strict = strict and spec.kind != "budget"
        return ParsedTarget(
            kind=spec.kind, value=value, unit=value_unit or ("%" if spec.kind == "slo" else None), strict=strict
        )
    quantity = _quantity(spec.value)
    if spec.kind == "tolerance":
        size, size_unit, _ = to_metric_unit(quantity, resolved) if quantity.unit != "%" else (quantity.value, "%", True)
        return ParsedTarget(kind="tolerance", value=abs(size), unit=size_unit)
    expected = {"relative_change": "%", "pp_change": "pp"}.get(spec.kind)
    if spec.kind == "pp_change" and quantity.unit == "bp":
        quantity = Value(quantity.value / 100, "pp")
    if expected and quantity.unit not in (None, expected):
        raise TargetError(
            "spec_change_unit", f"a {spec.kind} value is in {expected!r}, not {quantity.unit!r}",
            kind=spec.kind, expected=expected, unit=quantity.unit,
        )  # fmt: skip
    direction = _direction_of(spec.direction, quantity.value)
    limit = spec.limit
    if spec.kind == "absolute_change":
        size, size_unit, _ = to_metric_unit(quantity, resolved)
        return ParsedTarget(
            kind="absolute_change", value=abs(size), direction=direction, strict=strict, unit=size_unit, limit=limit
        )
    return ParsedTarget(
        kind=spec.kind, value=abs(quantity.value), direction=direction, strict=strict, unit=expected, limit=limit
    )


# --- parsing steps -----------------------------------------------------------------------------------


_BITS = re.compile(r"(?<![A-Za-z])([KMGTP]i?)b(?=/s|[^A-Za-z]|$)")


_BREAK_THROUGH = re.compile(r"(?:^|(?<=\s))突?破\s?(?:(?P<round>[十百千]?[万亿])(?![\d万亿])|(?=\d))")
""""破亿", "GMV 破千万", "破5000万": above the figure (突破); a bare 亿 / 千万 is one of it."""


def _break_through(match: re.Match[str]) -> str:
    magnitude = match["round"]
    if magnitude is None:
        return "突破"
    return "突破" + chinese_to_digits("一" + magnitude) if magnitude[0] in "十百千" else "突破1" + magnitude


# --- everyday forms: spoken numbers and qualifiers that are not units -----------------------------

_NINES = re.compile(
    r"(?<![\d.])\b(?P<n>two|three|four|five|six|[2-6](?:\.5)?)(?P<half>\s(?:and\s)?a\shalf)?[\s-]?(?:nines|9s|9's)(?![\w.%])"
    r"|(?<![\d.])(?P<cn>[2-6])\s?个\s?(?P<cnhalf>半)?\s?9(?![\d.])"
)
"""'four nines', 'five 9s' (read as 9 seconds: 'five ≥ 9 s'), 'five-nines', 'three and a half nines' (99.95 %),
'3.5 nines', 三个九, 4个9, 三个半9: the count of nines of an availability."""
_NINE_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_PERIOD_QUALIFIER = re.compile(
    r"(?<=%)\s?(?:(?:per|a|each|every)\s)?(?:month|monthly|quarter|quarterly|year|yearly|annually|annual|"
    r"week|weekly|daily)$"
    r"|(?<=%)\s(?:over|in|across|during|for|measured over)\s(?:a\s|the\s|any\s)?(?:rolling\s|trailing\s|"
    r"last\s|past\s)?(?:\d+[-\s]?(?:days?|d|weeks?|months?)|month|quarter|year|week|calendar month)"
    r"(?:\s(?:window|period))?$"
)
_WINDOW = re.compile(
    r"(?<=\d)(?P<unit>\s?[a-z]{1,12})?\s(?:over|across|during|measured over)\s(?:a\s|the\s|any\s)?"
    r"(?:rolling\s|trailing\s|last\s|past\s)?(?:\d+[-\s]?(?:days?|d|weeks?|months?)|month|quarter|year|week|"
    r"calendar month)(?:\s(?:window|period))?$"
)
"""'p99 < 300ms over 28 days': the measurement window of an SLO after its figure, not a second figure."""
_DEADLINE = re.compile(
    r"\s(?:by|before|in|until|through)\s(?:the\s)?(?:end\sof\s)?(?:q[1-4]|h[12]|fy\s?\d{2,4}|20\d\d|"
    r"year[- ]end|eoy|eoq|end of (?:the )?(?:year|quarter|month)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*(?:\s\d{1,2})?)(?:\s?(?:20\d\d|fy\d{2,4}))?$"
    r"|(?<=.)\s?[(（]?(?:于|在)?(?:q[1-4]|年底|年末|季末|月底|本季度|本月|\d{4}年)(?:前|之前|末|内)?[)）]?$"
)
_WHEN = (
    r"\d{1,2}\s?月份?\s?(?:\d{1,2}\s?[日号])?\s?(?:底|末|中旬|下旬|上旬|初|中)?"
    r"|第?[1-4]\s?季度末?|q[1-4]|h[12]|[上下]半年|年底|年末|年内|季末|季度末|月底|月末|本季度?|本月|本年|今年|当年"
    r"|\d+\s?个?\s?(?:月|天|日|周|星期|工作日|年)"
)
_DEADLINE_LEAD = re.compile(
    rf"^(?:在|于|到)?\s?(?:20\d\d\s?年\s?(?:底|末)?\s?(?:{_WHEN})?|{_WHEN})\s?(?:前|之前|以前|内|之内|以内)\s?[,，]?\s?"
)
"""A deadline or a window written before the figure ('6月底前达到5万', '2025年底前', 'Q3前', '3个月内'): the target is
what follows it. Only where a figure follows: '3天内' alone is the figure (at most 3 days)."""
_PERIOD_LEAD = re.compile(
    r"^(?:在|于)?\s?(?:(?:20\d\d\s?年度?|第?[1-4]\s?季度|q[1-4]|h[12]|[上下]半年|全年|年度|\d{1,2}\s?月份?)\s?)+[,，]?\s?"
    r"(?=达到|完成|突破|实现|提升|提高|增长|下降|降低|减少|控制|不低于|不超过|不少于|不高于|至少|最多|>=|<=|[≥≤><])"
)
"""The period a target is for, written before its verb ('1季度达到50万', '6月达到5万', '2025年达到1亿')."""
_DIGIT_CHAR = re.compile(r"\d")
_SHARE_OF = re.compile(
    r"(?P<p>\d+(?:\.\d+)?)\s?%\s?of\s(?:the\s|all\s)?(?P<n>\d+(?:\.\d+)?)(?=\s?[a-z\u4e00-\u9fff]*$)"
)
_FRACTION_WORDS = re.compile(
    r"\b(?P<count>a|one|two|three)[\s-](?P<part>thirds?|quarters?|fifths?|tenths?)\b(?!\s(?:of|the))"
)
_PARTS = {"third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
_COUNTS = {"a": 1, "one": 1, "two": 2, "three": 3}
_PCT = re.compile(r"(?<=\d)\s?pcts?\b")
_OF_NOUN = re.compile(
    r"(?<=\d)(?P<unit>\s?(?:ms|milliseconds?|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|s|m|h|d))"
    r"\s(?:of|in)\s(?!the\s|baseline)[a-z]+(?:\s[a-z]+)?(?:\s(?:per|a|each)\s(?:day|week|month|quarter|year))?$"
)
_MULTIPLE_FROM = re.compile(
    r"^(?P<word>double|triple|halve|quadruple|\d+(?:\.\d+)?x)\s(?:from|of|vs\.?)\s[-+$¥€£]?\d[\d.,]*\s?[a-z%]*$"
)
"""'double from 1M': the figure after 'from' is the baseline, given with the metric's baseline."""
_PERCENT_METRIC = re.compile(
    r"(?<=%)\s?(?:churn|churn rate|error rate|errors|conversion|conversion rate|retention|defect rate|"
    r"bounce rate|attrition|margin|gross margin|market share|share|adoption)$"
)
_COVERED = re.compile(
    r"(?<=%)\s?(?:覆盖率?|(?:test |code )?coverage|完成率?|达标率?|合格率?|的[\u4e00-\u9fff]{1,8})$"
    r"|(?<=%)\s(?:monthly|weekly|daily|quarterly|annual|yearly)(?=\s(?:uptime|availability)$)"
)
_VERB_OBJECT_CN = re.compile(
    r"^(?P<verb>提升|提高|增加|降低|减少|缩短|压缩|削减)\s?(?![至到]|约|大约|大概|近|将近|接近)"
    r"(?:[a-z\u4e00-\u9fff](?<![至到不超过低高少多内以])){1,10}?\s?(?=[-+]?\d)"
)
"""'提升NPS 10分', '降低差评率2个百分点': the metric named between the verb and the figure."""
_VERB_OBJECT_TO_CN = re.compile(
    r"^(?P<verb>提升|提高|增加|降低|减少|缩短|压缩|削减|下降|降)\s?(?!\d)"
    r"(?:[a-z0-9\u4e00-\u9fff](?<![至到不超低高少多内以])){1,10}?"
    r"\s?(?P<to>至|到)(?=\s?(?:[-+$¥€£]?\d|不超过|不高于|不低于|低于|高于|少于))"
)
"""'提升转化率至5%', '缩短交付周期到3天': the object between the verb and 至/到 (refused as unreadable). What
follows the verb is no object when it opens with a figure: '提升2个百分点至15%' states the change (dropped, the
change was never checked against the baseline)."""
_WHOLE_WORDS = {
    "全覆盖": "100%", "全部覆盖": "100%", "全员覆盖": "100%", "full coverage": "100%", "100% 覆盖": "100%",
    "持平或增长": "不低于基线", "持平或提升": "不低于基线", "不降": "不低于基线", "持平或下降": "不高于基线",
    "扭亏为盈": "> 0", "扭亏": "> 0", "实现盈利": "> 0", "turn a profit": "> 0", "profitable": "> 0",
    "盈亏平衡": ">= 0", "break even": ">= 0", "breakeven": ">= 0",
    "不超预算": "不高于基线", "不超过预算": "不高于基线", "预算内": "不高于基线", "在预算内": "不高于基线",
    "预算以内": "不高于基线", "控制在预算内": "不高于基线", "控制在预算以内": "不高于基线",
    "within budget": "不高于基线", "on budget": "不高于基线", "under budget": "不高于基线",
    "stay within budget": "不高于基线",
}  # fmt: skip
"""Targets said in words: full coverage is 100 %, turning a profit is above 0, breaking even at least 0;
"within budget" is at most the budget given as the baseline (no baseline: the target stays unread)."""


_NO_CHANGE = re.compile(
    r"^(?:no|zero)\s(?:[a-z]+\s)?(?P<noun>increase|rise|growth|uptick|decrease|drop|decline|reduction|fall)"
    r"(?:\s(?:in|of)\s[a-z][a-z ]*?)?(?:\s(?:vs\.?|versus|from|over|on|compared (?:to|with))\s(?:the\s)?"
    r"(?:baseline|last (?:year|quarter|month)|(?:prior|previous) (?:year|quarter|period)))?$"
)
"""'no increase', 'no cost increase vs last year' (at most the baseline), 'no drop in conversion' (at least it):
a change capped at zero. Read as a change of 0 in the named direction, 'no increase' was met by any rise and
'no decrease' by any fall."""
_FULL_MARKS = re.compile(
    r"\s?[(（]?\s?(?:满分\s?\d+(?:\.\d+)?\s?分?|\d+\s?分制|百分制|out of \d+(?:\.\d+)?(?: points?)?)\s?[)）]?$"
)
_METRIC_WORD = re.compile(r"(?<=[\dkmb])\s(?:arr|mrr|in revenue|revenue|in sales|sales|gmv|bookings|in bookings)$")
_RESTATED = re.compile(r"^(?P<v>\d+(?:\.\d+)?%)\s?[(（]\s?(?P=v)\s?[)）]$")
_SHARE_UNDER = re.compile(
    r"^(?:(?:resolve|close|answer|handle|serve|complete)\s)?(?P<p>\d+(?:\.\d+)?%)\s?(?:of\s(?:all\s)?(?:[a-z]+\s){0,3}?)?"
    r"(?:under|within|below|faster than|in less than|in under|<=?)\s?\d+(?:\.\d+)?\s?[a-z]+$"
    r"|^\d+(?:\.\d+)?\s?(?:小时|分钟|天|秒|毫秒|ms|h|min|s)\s?内\s?(?:解决|处理|响应|完成|关闭|回复|返回)?\s?(?:率\s?)?"
    r"(?:>=|不低于|达到|达)?\s?(?P<cp>\d+(?:\.\d+)?%)(?:\s?(?:的)?[\u4e00-\u9fff]{1,8})?$"
)
_VERB_OBJECT = re.compile(
    r"^(?P<verb>reduce|cut|decrease|lower|grow|increase|raise|boost|improve|lift)\s"
    r"(?:(?!(?:by|of|to|at|from|more|less|than|no|not|up|over|under|within|below|above|least|most|about|around|"
    r"roughly|approximately|nearly|almost|some)\s)"
    r"[a-z][a-z0-9]*\s){1,3}?(?=by\s|(?:about|around|roughly|approximately|nearly|almost)\s|[-+$¥€£~]?\d)"
)
"""'cut costs by 25%', 'reduce p99 latency by 50ms', 'cut cloud spend 20%': the object after the verb is the
metric, not a label."""
_VERB_OBJECT_TO = re.compile(
    r"^(?P<verb>reduce|cut|decrease|lower|shorten|shrink|drop|grow|increase|raise|boost|improve|lift)\s"
    r"(?:(?!(?:by|of|to|from|at|than|no|not)\s)[a-z][a-z0-9'/-]*\s){1,5}?(?=to\s(?:[-+$¥€£]?\d|under\b|below\b|"
    r"less\b|at\b|no\b|over\b|above\b|more\b))"
)
"""'lower latency to 200ms', 'cut CAC to $150', 'reduce headcount to 40': the object named between the verb and 'to'
(the verb then makes the level a ceiling or a floor). With the object left in, the bare figure after it was read:
'at least 200 ms', and 150 ms 'not achieved'."""
_IN_HALF = re.compile(r"\bin half\b(?=\sto\s)")
_FOR_SHARE = re.compile(r"\sfor\s\d+(?:\.\d+)?%\sof\s(?:all\s)?[a-z]+(?:\s(?:in|over)\s(?:a\s|the\s)?.+)?$")


_PER_THEN_OP = re.compile(
    r"^每\s?(?P<per>周|星期|月|天|日|年|季度)\s?(?P<op>至少|不少于|不低于|不超过|不多于|最多|至多|>=|<=|<|>)\s?(?P<rest>\d.*)$"
)


def _per_then_op(match: re.Match[str]) -> str:
    """'每周至少2次' is 至少2次/周: the rate moves behind the number, where `read_value` reads it."""
    rest = match["rest"]
    return f"{match['op']}{rest}" if "/" in rest else f"{match['op']}{rest}/{match['per']}"


_TWICE = re.compile(
    r"\b(?:twice|two times)(?=\s(?:the\s)?(?:baseline|last year|prior year)$|$)"
    r"|\b(?P<n>two|three|four|five|ten)fold\b|(?<=\d)[\s-]fold\b"
)
_FOLDS = {"two": "2", "three": "3", "four": "4", "five": "5", "ten": "10"}
_MULTIPLE_OBJECT = re.compile(
    r"^(?P<word>double|triple|quadruple|halve)\s(?:the\s)?(?:number\sof\s|amount\sof\s|our\s)?"
    r"(?!digits?\b|down\b|up\b|check\b|click\b)[a-z][a-z0-9'-]*(?:\s[a-z][a-z0-9'-]*){0,3}$"
)
"""'double signups', 'triple the signups', 'halve the number of escalations': the object is the metric, the
word the multiple (refused: 'no number')."""


def _spoken_multiples(folded: str) -> str:
    """'twice the baseline' is 2x the baseline, 'tenfold' / '10-fold' are 10x, 'double signups' is double."""
    if "twice" in folded or "two times" in folded or "fold" in folded:
        folded = _TWICE.sub(lambda m: f"{_FOLDS[m['n']]}x" if m["n"] else "x" if m.group()[0] in " -" else "2x", folded)
    multiple = _MULTIPLE_OBJECT.match(folded) if folded.startswith(("double", "triple", "quadruple", "halve")) else None
    return multiple["word"] if multiple else folded


def _everyday(folded: str) -> tuple[str, bool]:
    """Spoken forms read as numbers and qualifiers dropped: 'four nines' / 三个九 → 99.99% (an SLO),
    '99.9% monthly' and '$10M by Q4' lose the period and deadline, '95% of 200 cases' is 190 cases, 'a
    third' is 33.3%, '提升3pct' is points (pct in Chinese writing) and '43 minutes of downtime' is 43 minutes."""
    nines = False
    folded = _WHOLE_WORDS.get(folded.strip(), folded).replace("个工作日", "工作日")
    if "前" in folded or "内" in folded:
        lead = _DEADLINE_LEAD.match(folded)
        if lead is not None and _DIGIT_CHAR.search(folded, lead.end()):
            folded = folded[lead.end() :]  # '6月底前达到5万' is 达到5万 by a date: it read as the range 6 ~ 5万
    if "年" in folded or "月" in folded or "季" in folded or folded[:1] in "qh":
        lead = _PERIOD_LEAD.match(folded)
        if lead is not None and lead.end() > 0 and _DIGIT_CHAR.search(folded, lead.end()):
            folded = folded[lead.end() :]  # '6月底前达到5万' is 达到5万 by a date: it read as the range 6 ~ 5万
    if folded.startswith(("no ", "zero ")):
        unchanged = _NO_CHANGE.match(folded.strip())
        if unchanged:  # 'no increase' caps the change at 0 (it read as 'increase by at least 0')
            folded = "不高于基线" if unchanged["noun"] in ("increase", "rise", "growth", "uptick") else "不低于基线"
    if "not" in folded or "n't" in folded or "never" in folded:
        folded = _MODAL_NEGATION_EN.sub("", _NEVER.sub("not", folded.replace("n't", " not")))
    folded = _MODAL_NEGATION_CN.sub("", folded)
    folded = _MULTIPLE_FROM.sub(r"\g<word>", folded)
    if "%" in folded:
        folded = _PERCENT_METRIC.sub("", _COVERED.sub("", folded))
    if "nine" in folded or "9s" in folded or "9's" in folded or "个" in folded:
        folded, count = _NINES.subn(_nines, folded)
        nines = count > 0
    folded = _RESTATED.sub(r"\g<v>", _FULL_MARKS.sub("", folded))
    folded = _METRIC_WORD.sub("", folded)
    if folded.startswith("每"):
        folded = _PER_THEN_OP.sub(_per_then_op, folded)
    share = _SHARE_UNDER.match(folded)
    if share:
        return share["p"] or share["cp"], True  # '99% of requests under 200ms': the objective is the share
    folded = _FOR_SHARE.sub("", folded)
    if "half" in folded:
        folded = _IN_HALF.sub("by half", folded)  # 'cut MTTR in half to 30 min': the half is the change
    folded = _VERB_OBJECT_TO.sub(r"\g<verb> ", _VERB_OBJECT.sub(r"\g<verb> ", folded))
    folded = _VERB_OBJECT_CN.sub(r"\g<verb>", _VERB_OBJECT_TO_CN.sub(r"\g<verb>\g<to>", folded))
    if "%" in folded:
        folded = _PERIOD_QUALIFIER.sub("", folded).strip()
        folded = _SHARE_OF.sub(lambda m: f"{float(m['p']) * float(m['n']) / 100:.12g}", folded)
    if "over" in folded or "across" in folded or "during" in folded:
        folded = _WINDOW.sub(lambda m: m["unit"] or "", folded)
    folded = _DEADLINE.sub("", folded).strip()
    if "third" in folded or "quarter" in folded or "fifth" in folded or "tenth" in folded:
        folded = _FRACTION_WORDS.sub(_fraction_word, folded)
    if "pct" in folded:
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in folded)
        folded = _PCT.sub("pp" if chinese else "%", folded)
    return _OF_NOUN.sub(lambda m: m["unit"], folded), nines


def _nines(match: re.Match[str]) -> str:
    word = match["n"] or match["cn"]
    count = _NINE_COUNTS.get(word) or int(float(word))
    # a half nine is a 5: 3.5 nines is 99.95 %
    half = 0.5 if match["half"] or match["cnhalf"] or word.endswith(".5") else 1.0
    return f"{100 - half * 10.0 ** (2 - count):.10g}%"


def _fraction_word(match: re.Match[str]) -> str:
    return f"{_COUNTS[match['count']] / _PARTS[match['part'].rstrip('s')] * 100!r}%"


def _prepare(text: str) -> _Prepared:
    folded = chinese_to_digits(normalize(_BITS.sub(r"\1bit", text))).translate(_SYMBOLS)
    folded = _BREAK_THROUGH.sub(_break_through, english_to_digits(_spoken_multiples(folded)))
    if "percent" in folded:
        folded = _PERCENT_WORDS.sub(_percent_word, folded)
    folded, nines = _everyday(folded)
    folded = _FILLER.sub("", folded).strip(_TRIM)
    slo = False
    if _SLO_LABEL.search(folded):
        stripped = _SLO_LABEL.sub(" ", folded).strip(_TRIM)
        if stripped and re.search(r"\d", stripped):
            folded, slo = " ".join(stripped.split()), True
    folded = _ZERO_WORDS.sub(lambda m: "0 " if m.group().startswith("no") else "0", folded)
    folded = _SEVERITY.sub("", folded)
    folded = _NONE_CN.sub("0", folded)
    slo = slo or nines
    approximate = False
    match = _APPROX.match(folded) or _APPROX_VERB.match(folded)
    if match:
        folded, approximate = folded[match.end() :], True
    tail = _APPROX_TAIL.search(folded)
    if tail and tail.start() > 0:
        folded, approximate = folded[: tail.start()], True
    return _Prepared(folded.strip(_TRIM), approximate, slo)


def _percent_word(match: re.Match[str]) -> str:
    return "pp" if "point" in match.group() else "%"


def _ends_like_number(text: str) -> bool:
    """True when ``text`` ends in a number (so what follows is not after a label): '2000', not 'p95'."""
    tail = text.rstrip()
    if not tail:
        return True
    if not (tail[-1].isdigit() or tail[-1] in "%.+-~"):
        return False
    head = tail.rstrip("0123456789.%+-~")
    return not head or not (head[-1].isalpha() or "\u4e00" <= head[-1] <= "\u9fff")


def _parse_prepared(text: str, unit: MetricUnit) -> ParsedTarget:
    budget = _BUDGET.match(text)
    if budget:
        return _budget_target(text[budget.end() :], unit)
    special = _whole_form(text, unit)
    if special is not None:
        return special
    chained = _CHAINED.fullmatch(text) if text.count("<") == 2 else None
    if chained:
        return _range_of(chained["lo"], chained["hi"], unit)
    prefix_op, text = _take_prefix(text)
    suffix_op, text = _take_suffix(text)
    op = _merge_ops(prefix_op, suffix_op)
    verb = _VERB.match(text)
    if verb and verb.end() < len(text):
        return _verb_target(verb, text[verb.end() :], op, unit)
    compared = _COMPARED.fullmatch(text)
    if compared:
        direction: Direction = "decrease" if compared["word"] in _LOWER_WORDS | {"down"} else "increase"
        return _change_target(_single(compared["qty"]), op, direction, unit, by_verb=True)
    noun = _TRAILING_NOUN.match(text)
    if noun and re.search(r"\d", noun["qty"]):
        return _change_target(_single(noun["qty"]), op, _TRAILING_NOUNS[noun["noun"]], unit, by_verb=True)
    rank = _rank_form(text)
    if rank is not None:
        if op not in (None, "<=", "<"):
            raise TargetError("rank_direction", "a rank is better when lower: write TOP3 or 前三", text=text)
        return rank
    if op is None:
        ranged = _range_from(text, unit)
        if ranged is not None:
            return ranged
    return _single_target(_single(text), op, unit)


def _whole_form(text: str, unit: MetricUnit) -> ParsedTarget | None:
    """Forms that are read as a whole: a change with its end level, from-to levels, the baseline as the level,
    multiples, tolerances."""
    if "至" in text or "到" in text or " to " in text:
        ended = _change_to_end(text, unit)
        if ended is not None:
            return ended
    from_to = _FROM_TO_CN.match(text)
    if from_to:
        return _parse_prepared(from_to["rest"], unit)
    from_to = _FROM_TO_EN.match(text)
    if from_to:
        first = from_to["a"] or from_to["a2"] or from_to["a3"]
        last = from_to["b"] or from_to["b2"] or from_to["b3"]
        start, end = _moved(_quantity(first), _quantity(last))
        if end.value == start.value:
            return None
        op: Op = ">=" if end.value > start.value else "<="
        return _single_target(last, op, unit)
    if _FLAT.match(text):
        return ParsedTarget(kind="baseline")
    baseline = _BASELINE.match(text)
    if baseline and (baseline["op"] or baseline["tail"] or text in ("baseline", "基线")):
        word = baseline["op"] or baseline["tail"] or ""
        direction = _BASELINE_OPS.get(word.strip())
        return ParsedTarget(kind="baseline", direction=direction, strict=word.strip() in _STRICT_BASELINE_OPS)
    multiple = _multiple_form(text)
    if multiple is not None:
        return multiple
    tolerance = _TOLERANCE.match(_take_suffix(text)[1])
    if tolerance and (tolerance["pm"] or tolerance["word"]):
        return _tolerance(tolerance["qty"], unit)
    return None


def _multiple_form(text: str) -> ParsedTarget | None:
    if _ONE_FOLD.fullmatch(text):
        return _multiple(2.0)  # 增长一倍 is x2 whichever way 增长N倍 is read (N+1 or N)
    if _AMBIGUOUS_MULTIPLE.fullmatch(text):
        raise TargetError(
            "ambiguous_multiple",
            f"{text!r} is ambiguous (x2 or x3?): write 达到基线的2倍 / 增长100%, or a TargetSpec with 'factor'",
            text=text,
        )
    tenths = _TENTHS_OF.match(text) if "折" in text else None
    if tenths:
        return _multiple(float(tenths["n"]) / 10)
    doubling = _DOUBLINGS.match(text)
    if doubling:
        return _multiple(2.0 ** int(doubling["n"] or 1))
    if _HALVES.match(text):
        return _multiple(0.5)
    if text in _MULTIPLE_WORDS:
        return _multiple(_MULTIPLE_WORDS[text])
    chinese = _MULTIPLE_CN.match(text)
    if chinese and (not chinese["verb"] or chinese["to"]):
        return _multiple(float(chinese["n"]))
    divided = _DIVIDED_CN.match(text)
    if divided:
        return _multiple(1 / float(divided["n"]))
    english = _MULTIPLE_EN.match(text)
    if english:
        factor = float(english["n"])
        return _multiple(1 / factor if english["dir"] in _LOWER_WORDS else factor)
    english = _MULTIPLE_EN_VERB.match(text)
    if english:
        factor = float(english["n"])
        lower = english["verb"] in ("reduce", "cut", "decrease", "shrink")
        return _multiple(1 / factor if lower else factor)
    return None


def _multiple(factor: float) -> ParsedTarget:
    if factor <= 0 or factor == 1:
        raise TargetError("bad_factor", f"a multiple of {factor:g} is not a change", factor=factor)
    direction: Direction = "increase" if factor > 1 else "decrease"
    return ParsedTarget(
        kind="relative_change", value=abs(factor - 1) * 100, direction=direction, unit="%", factor=factor
    )


def _tolerance(text: str, unit: MetricUnit) -> ParsedTarget:
    quantity = _quantity(text)
    if quantity.unit == "%" and unit.label != "%":
        return ParsedTarget(kind="tolerance", value=abs(quantity.value), unit="%")
    if quantity.unit == "%" or quantity.unit == "pp":
        return ParsedTarget(kind="tolerance", value=abs(quantity.value), unit="%" if quantity.unit == "%" else "pp")
    size, size_unit, _ = to_metric_unit(quantity, unit)
    return ParsedTarget(kind="tolerance", value=abs(size), unit=size_unit)


def _rank_form(text: str) -> ParsedTarget | None:
    top = _RANK_TARGET.match(text)
    if top:
        return _rank(float(top["n"]))
    first = _RANK_FIRST.match(text)
    if first:
        number = first["n"] or first["no"] or first["hash"] or first["ord"]
        return _rank(float(number) if number else 1.0)
    top_percent = _TOP_PERCENT.match(text)
    if top_percent:
        return ParsedTarget(kind="at_most", value=float(top_percent["n"]), unit="%")
    return None


def _rank(value: float) -> ParsedTarget:
    if value < 1:
        raise TargetError("rank_zero", "a rank starts at 1", value=value)
    return ParsedTarget(kind="at_most", value=value, unit="rank")


def _take_prefix(text: str) -> tuple[Op | None, str]:
    match = _PREFIX.match(text)
    if not match:
        return None, text
    return _PREFIX_OPS[match["word"]], text[match.end() :]


def _take_suffix(text: str) -> tuple[Op | None, str]:
    if not text.endswith(_SUFFIX_ENDINGS):
        return None, text
    match = _SUFFIX.search(text)
    if not match or match.start() == 0:
        return None, text
    return _SUFFIX_OPS[match["word"]], text[: match.start()]


def _merge_ops(first: Op | None, second: Op | None) -> Op | None:
    if first is None or second is None or first == second:
        return first or second
    if {first, second} in ({">=", ">"}, {"<=", "<"}):
        return first
    raise TargetError(
        "contradicting", f"contradicting comparators {first!r} and {second!r}", first=first, second=second
    )


def _single(text: str) -> str:
    text = text.strip()
    try:
        _quantity(text)
    except NumberError as error:
        raise TargetError(
            "unreadable",
            "expected a comparison (>= 2000, ≤45元, 不低于25%), a change (下降30%, +5pp), "
            f"a range (95~99%) or T+N, got {text!r}",
            text=text,
        ) from error
    return text


_WORDS_APART = re.compile(r"[a-z]\d?\s[a-z]")
"""Words that keep their space in a unit ('data loss', 'P1 incidents'); other blanks go ('≤ 2 h', '2 000')."""


def _quantity(value: float | str) -> Value:
    if isinstance(value, str):
        compact = value.strip()
        if not _WORDS_APART.search(compact):
            compact = compact.replace(" ", "")
        if ":" in compact and _AS_RATIO.get():
            ratio = ratio_value(compact)
            if ratio is not None:
                return ratio
        return read_value(compact)
    return read_value(value)


def _level(value: float | str, unit: MetricUnit) -> tuple[float, str | None]:
    converted, converted_unit, _ = to_metric_unit(_quantity(value), unit)
    return converted, converted_unit


def _is_signed(text: str) -> bool:
    return text.lstrip()[:1] in ("+", "-")


# --- target builders ---------------------------------------------------------------------------------


def _budget_target(text: str, unit: MetricUnit) -> ParsedTarget:
    prefix_op, text = _take_prefix(text)
    suffix_op, text = _take_suffix(text)
    if _merge_ops(prefix_op, suffix_op) not in (None, "<=", "<"):
        raise TargetError("budget_ceiling", "a budget is a ceiling: write 预算 45万 or budget <= 450k")
    value, value_unit = _level(_single(text), unit)
    return ParsedTarget(kind="budget", value=value, unit=value_unit)


def _range_from(text: str, unit: MetricUnit) -> ParsedTarget | None:
    plus_minus = _PLUS_MINUS.fullmatch(text)
    if plus_minus:
        return _plus_minus_range(plus_minus["mid"], plus_minus["tol"], unit)
    ranged = _RANGE.fullmatch(text)
    return _range_of(ranged["lo"], ranged["hi"], unit) if ranged else None


def _range_of(low_text: str, high_text: str, unit: MetricUnit) -> ParsedTarget:
    high = _quantity(high_text)
    low = _share_unit(_quantity(low_text), high)
    return _range_target(to_metric_unit(low, unit)[:2], to_metric_unit(high, unit)[:2])


def _plus_minus_range(middle_text: str, spread_text: str, unit: MetricUnit) -> ParsedTarget:
    """'100±5' is 95~105; '99±0.5%' is 98.5~99.5%; '200ms ± 5%' is ±5 % of 200 ms."""
    middle, spread = _quantity(middle_text), _quantity(spread_text)
    bare = middle.unit is None and middle.magnitude == 1.0
    relative = spread.unit == "%" and middle.unit != "%" and not (bare and unit.label in (None, "%"))
    if relative:
        centre, centre_unit = to_metric_unit(middle, unit)[:2]
        width = abs(centre) * spread.value / 100
        return _range_target((centre - width, centre_unit), (centre + width, centre_unit))
    if middle.unit is None and middle.magnitude == 1.0:
        middle = Value(middle.value, spread.unit)
    if spread.unit is None and spread.magnitude == 1.0:
        spread = Value(spread.value, middle.unit)
    centre, centre_unit = to_metric_unit(middle, unit)[:2]
    width, width_unit = to_metric_unit(spread, unit)[:2]
    if width_unit != centre_unit:
        raise TargetError(
            "tolerance_units", f"the tolerance's unit {width_unit!r} differs from the value's {centre_unit!r}",
            tolerance=width_unit, value=centre_unit,
        )  # fmt: skip
    return _range_target((centre - abs(width), centre_unit), (centre + abs(width), centre_unit))


def _share_unit(low: Value, high: Value) -> Value:
    """'95~99%' writes the unit once; '1~2万' and '$10-12M' the magnitude (applied if the bounds stay in order:
    '$10-12M' is $10M to $12M, not $10 to $12M, a range any actual under $12M was in)."""
    if low.unit is not None and high.unit in (None, low.unit) and low.magnitude == 1.0 and high.magnitude != 1.0:
        scaled = low.value * high.magnitude
        return Value(scaled, low.unit, high.magnitude) if scaled <= high.value else low
    if low.unit is not None or low.magnitude != 1.0:
        return low
    scaled = low.value * high.magnitude
    value = scaled if scaled <= high.value else low.value
    return Value(value, high.unit, high.magnitude if value == scaled else 1.0)


def _range_target(low: tuple[float, str | None], high: tuple[float, str | None]) -> ParsedTarget:
    if low[1] != high[1] and None not in (low[1], high[1]):
        raise TargetError(
            "range_units",
            f"the range bounds have different units: {low[1]!r} and {high[1]!r}",
            low=low[1],
            high=high[1],
        )
    if low[0] > high[0]:
        raise TargetError(
            "range_order", f"the range's low bound {low[0]:g} is above its high bound {high[0]:g}",
            low=numfmt.plain(low[0]), high=numfmt.plain(high[0]),
        )  # fmt: skip
    return ParsedTarget(kind="range", low=low[0], high=high[0], unit=low[1] or high[1])


def _verb_target(verb: re.Match[str], rest: str, op: Op | None, unit: MetricUnit) -> ParsedTarget:
    direction = _VERBS[verb["verb"]]
    moved = _MOVE.fullmatch(rest)
    if moved and not verb["to"] and not verb["op"]:
        start, end = _moved(_quantity(moved["a"]), _quantity(moved["b"]))
        if end.value == start.value or (end.value > start.value) != (direction == "increase"):
            raise TargetError(
                "verb_sign", f"the verb says {direction} but {moved['a']} to {moved['b']} does not", text=rest
            )
        return _single_target(moved["b"], _merge_ops(">=" if direction == "increase" else "<=", op), unit)
    if verb["to"]:
        level_op: Op = ">=" if direction == "increase" else "<="
        inner_op, rest = _take_prefix(rest)  # 'lower latency to under 200ms': strictly under
        return _single_target(_single(rest), _merge_ops(_merge_ops(inner_op, level_op), op), unit)
    inner = _VERB_OPS[verb["op"]] if verb["op"] else None
    prefix_op, rest = _take_prefix(rest)
    suffix_op, rest = _take_suffix(rest)
    inner = _merge_ops(_merge_ops(inner, prefix_op), suffix_op)
    multiple = _multiple_form(f"{verb['verb']}{rest}") if "倍" in rest else None
    if multiple is not None:
        return multiple
    return _change_target(_single(rest), _merge_ops(inner, op), direction, unit, by_verb=True)


def _moved(start: Value, end: Value) -> tuple[Value, Value]:
    """The two ends of a move in one unit: 'from 4 hours to 30 minutes' is a fall (240 to 30 min), never the
    rise from 4 to 30 that made it 'at least 30 minutes'. Units that do not convert are refused."""
    if start.unit is None or end.unit is None or start.unit == end.unit:
        return start, end
    converted = convert_compatible(start.value, start.unit, end.unit)
    if converted is None:
        raise TargetError(
            "range_units", f"the move's ends have different units: {start.unit!r} and {end.unit!r}",
            low=start.unit, high=end.unit,
        )  # fmt: skip
    return start._replace(value=converted, unit=end.unit), end


_MOVE = re.compile(rf"(?P<a>{_QTY})\s?(?:to|->|→|至|到)\s?(?P<b>{_QTY})")
"""'Increase uptime 99.5% to 99.9%', 'Grow signups 1k to 2k': after a verb, two figures joined by 'to' are a move
from the first to the second (read as the range 99.5% to 99.9%, met by 99.7%)."""


# --- a change with its end level -----------------------------------------------------------------------

_FALLS_CN = ("下降", "降低", "减少", "缩短", "压缩", "削减", "下滑", "降", "减")
_RISES_CN = ("提升", "提高", "增长", "增加", "上升", "拉升", "增", "升")
_TO_END_VERBS_CN: dict[str, Direction] = {word: _VERBS[word] for word in (*_FALLS_CN, *_RISES_CN)}
_QTY_BEFORE = rf"[-+]?(?:[¥$€£]|usd\s?)?{_NUM}(?:\s?(?:%|‰|[a-z$/][a-z$/\d]*|[\u4e00-\u9fff]{{1,5}}?))?"
"""A figure followed by a verb or 至/到 in Chinese: its unit takes as few characters as the rest allows
('5%降到3%', '45天缩短到30天'), where `_QTY`'s greedy unit took '5%降' and left nothing readable."""
_TO_END_EN = re.compile(
    r"^(?P<verb>reduce|cut|decrease|lower|shorten|shrink|drop|grow|increase|raise|boost|lift)\s(?P<byword>by\s)?"
    rf"(?P<by>half|{_QTY})\s?to\s(?P<end>{_QTY})$"
)
_TO_END_CN = re.compile(
    r"^(?:将|把)?(?:[a-z\u4e00-\u9fff][a-z0-9\u4e00-\u9fff ]{0,11}?)?\s?"
    rf"(?:(?:从|由)\s?(?P<start>{_QTY_BEFORE})\s?)?"
    rf"(?:(?P<half>减半|砍半|(?:降低|减少|下降|缩短)(?:了)?一半)|(?P<verb>{_alternation(_TO_END_VERBS_CN)})\s?(?:了)?\s?"
    rf"(?P<by>{_QTY_BEFORE}))\s?(?:至|到)\s?(?P<end>{_QTY})$"
)
"""A change with the level it ends at: 'reduce churn by 2pp to 3%', 'cut MTTR by half to 30 min', 'increase
conversion 1.5pp to 4.2%', '提升2个百分点至15%', '流失率从5%降低2个百分点至3%', 'MTTR减半至30分钟'. The end level is the
target (a ceiling after a fall, a floor after a rise); the change is kept to check the baseline against
(`implied_start`). Read as a move from the change to the end ('2pp to 3%': units differ) it was refused, and
'cut by half to 30 min' was 'at least 30 minutes'."""
_FROM_LEVEL = re.compile(
    rf"(?:(?:^|(?<=\s))from\s|从|由)\s?(?P<a>{_QTY_BEFORE})\s?(?:{_alternation(_TO_END_VERBS_CN)})?\s?"
    rf"(?:to|至|到)\s?(?P<b>{_QTY})$"
)
"""A move with its start written: 'from 5% to 3%', '从5%降到3%', '由45天缩短到30天'."""


class StatedStart(NamedTuple):
    """The baseline a target's wording implies, to check the given baseline against: a start written in the
    target ('从5%降到3%': 5), or one worked back from a change and its end ('reduce by 2pp to 3%': 3 + 2 = 5).
    Figures are in the metric's unit; ``change`` is in ``change_unit`` ('pp', '%' of the baseline, 'x' a
    multiple, or the metric's unit); ``margin`` is half a unit of the last digit written (of the start, or
    of the change): people round."""

    end: float
    start: float
    decrease: bool
    change: float | None = None
    change_unit: str | None = None
    margin: float = 0.0
    points_too: bool = False
    """A '%' change on a percent level ('reduce churn by 2% to 3%'): relative by rule 8, and 2 points is read
    too when the baseline is checked, so that neither reading raises a false doubt."""

    def fits(self, baseline: float) -> bool:
        """True when ``baseline`` agrees with the wording (within the rounding of what was written)."""
        if self.change is None:
            return abs(baseline - self.start) <= self.margin + 1e-9 * max(1.0, abs(self.start))
        return any(abs(moved - self.change) <= self.margin + 1e-9 for moved in self._moved(baseline))

    def reached(self, baseline: float) -> float:
        """The level the stated change reaches from ``baseline`` (a start and an end: the same difference)."""
        if self.change is None:  # 'from 5% to 3%' from 6%: the same fall, 2 points, reaches 4%
            return baseline + (self.end - self.start)
        sign = -1.0 if self.decrease else 1.0
        if self.change_unit == "%":
            return baseline * (1 + sign * self.change / 100)
        if self.change_unit == "x":
            return baseline * self.change
        return baseline + sign * self.change

    def _moved(self, baseline: float) -> list[float]:
        """The change from ``baseline`` to the end, in the change's unit."""
        if self.change_unit == "x":
            return [self.end / baseline] if baseline else []
        fall = baseline - self.end if self.decrease else self.end - baseline
        if self.change_unit == "%":
            return ([fall / baseline * 100] if baseline else []) + ([fall] if self.points_too else [])
        return [fall]


def _margin(written: str) -> float:
    """Half a unit of the last digit written: '2pp' 0.5, '1.5pp' 0.05."""
    digits = re.search(r"\d+(?:\.(\d+))?", written)
    decimals = len(digits[1]) if digits and digits[1] else 0
    return 0.5 * 10.0**-decimals


def _change_to_end(text: str, unit: MetricUnit) -> ParsedTarget | None:
    parts = _end_parts(text, unit)
    return None if parts is None else parts[0]


def _end_parts(text: str, unit: MetricUnit) -> tuple[ParsedTarget, StatedStart] | None:
    """The end level as the target, and what the wording says of the start (see `_TO_END_EN`)."""
    match = _TO_END_EN.match(text) or _TO_END_CN.match(text)
    if match is None:
        return None
    groups = match.groupdict()
    half = groups.get("half") or (groups["by"] if groups["by"] == "half" else None)
    if "byword" in groups and not groups["byword"] and not half and _same_unit(groups["by"], match["end"]):
        return None  # 'grow signups 1k to 2k': a move from 1k to 2k (`_MOVE`), not a rise of 1k
    direction: Direction = "decrease" if half else _VERBS.get(groups["verb"] or "", "decrease")
    level = _single_target(match["end"], "<=" if direction == "decrease" else ">=", unit)
    if level.kind not in ("at_least", "at_most") or level.value is None:
        return None
    if half:
        stated: StatedStart = StatedStart(level.value, level.value / 0.5, True, 0.5, "x", 0.05)
    else:
        stated = _stated_change(groups["by"], level, direction, unit)
    start = groups.get("start")
    if start is not None:
        written_start, _ = _level(start, unit)
        if not stated.fits(written_start):
            raise TargetError(
                "start_mismatch",
                f"the start {start}, the change {groups['by']} and the end {match['end']} do not agree",
                start=start.strip(), change=(groups["by"] or half or "").strip(), end=match["end"].strip(),
            )  # fmt: skip
        stated = stated._replace(start=written_start)
    return level, stated


def _same_unit(first: str, second: str) -> bool:
    try:
        return _quantity(first).unit == _quantity(second).unit
    except NumberError:
        return False


def _stated_change(by: str, level: ParsedTarget, direction: Direction, unit: MetricUnit) -> StatedStart:
    """The change written before the end level, in the end's terms; units that do not fit are refused."""
    end = _required_value(level.value)
    decrease = direction == "decrease"
    sign = -1.0 if decrease else 1.0
    quantity = _quantity(by)
    margin = _margin(by)
    percent_level = level.unit == "%" or unit.label == "%"
    if quantity.unit in ("pp", "bp", "‰") or (quantity.unit == "pt" and percent_level):
        points = quantity.value * (0.01 if quantity.unit == "bp" else 0.1 if quantity.unit == "‰" else 1.0)
        return StatedStart(end, end - sign * points, decrease, points, "pp", margin)
    if quantity.unit == "%":
        if decrease and quantity.value >= 100:
            raise TargetError("verb_sign", f"a fall of {by} cannot end at {end:g}", text=by)
        start = end / (1 + sign * quantity.value / 100)
        return StatedStart(end, start, decrease, quantity.value, "%", margin, points_too=percent_level)
    size, size_unit, fits = to_metric_unit(quantity, metric_unit(level.unit) if level.unit else unit)
    if not fits or (size_unit != level.unit and quantity.unit is not None):
        raise TargetError(
            "range_units", f"the change and the end have different units: {quantity.unit!r} and {level.unit!r}",
            low=quantity.unit, high=level.unit,
        )  # fmt: skip
    scaled_margin = margin * size / quantity.value if quantity.value else margin  # '2h' of a min metric: 30 min
    return StatedStart(end, end - sign * size, decrease, size, level.unit, scaled_margin)


def _required_value(value: float | None) -> float:
    if value is None:
        raise TargetError("unreadable", "a level without a value")
    return value


@lru_cache(maxsize=1024)
def implied_start(text: str, unit: str | None = None) -> StatedStart | None:
    """What ``text``'s wording says of the baseline, or None: a start written in it ('从5%降到3%', 'from 45 to
    30 days') or one worked back from a change and its end ('reduce churn by 2pp to 3%': 5%). Figures are in
    ``unit`` as `parse_target` gives them. The common target has no 'to'/至/到 and returns at once."""
    if not ("至" in text or "到" in text or "to" in text.lower()):
        return None
    prepared = _prepare(text).text
    resolved = metric_unit(unit)
    try:
        ended = _end_parts(prepared, resolved)
        if ended is not None:
            return ended[1]
        moved = _FROM_LEVEL.search(prepared)
        if moved is None:
            return None
        start, end = _moved(_quantity(moved["a"]), _quantity(moved["b"]))
        start_value, _, start_fits = to_metric_unit(start, resolved)
        end_value, _, end_fits = to_metric_unit(end, resolved)
    except (TargetError, NumberError):
        return None
    if not (start_fits and end_fits) or start_value == end_value:
        return None
    margin = _margin(moved["a"]) * (start_value / start.value if start.value else 1.0)
    return StatedStart(end_value, start_value, end_value < start_value, margin=abs(margin))


def _single_target(text: str, op: Op | None, unit: MetricUnit) -> ParsedTarget:
    quantity = _quantity(text)
    if quantity.unit == "pp" or (op is None and _is_signed(text)):
        return _change_target(text, op, None, unit, by_verb=False)
    if quantity.unit == "bp" and _is_signed(text):
        return _change_target(text, op, None, unit, by_verb=False)
    value, value_unit, _ = to_metric_unit(quantity, unit)
    if op is None:
        op = "<=" if quantity.unit in ("T+", "rank") or value == 0 else ">="
    return ParsedTarget(
        kind=_LEVEL_KINDS[op], value=value, unit=value_unit, strict=op in (">", "<"), approximate=quantity.approximate
    )


def _change_target(
    text: str, op: Op | None, verb_direction: Direction | None, unit: MetricUnit, *, by_verb: bool
) -> ParsedTarget:
    quantity = _quantity(text)
    signed = _is_signed(text)
    sign_direction: Direction | None = (
        ("decrease" if quantity.value < 0 else "increase") if signed and quantity.value != 0 else None
    )
    if verb_direction and sign_direction and verb_direction != sign_direction:
        raise TargetError(
            "verb_sign", f"the verb says {verb_direction} but the sign says {sign_direction}", text=text.strip()
        )
    direction: Direction = verb_direction or sign_direction or "increase"
    limit = _is_limit(op, direction, by_verb=by_verb)
    strict = op in (">", "<")
    size_unit: str | None
    if quantity.unit in ("bp", "‰") and unit.label not in ("bp", "‰"):
        points = convert(abs(quantity.value), quantity.unit, "pp" if quantity.unit == "bp" else "%")
        size = abs(points if points is not None else quantity.value)
        return ParsedTarget(
            kind="pp_change", value=size, direction=direction, strict=strict, unit="pp", limit=limit,
            approximate=quantity.approximate,
        )  # fmt: skip
    if quantity.unit in ("pp", "%"):
        kind: TargetKind = "pp_change" if quantity.unit == "pp" else "relative_change"
        return ParsedTarget(
            kind=kind, value=abs(quantity.value), direction=direction, strict=strict, unit=quantity.unit,
            limit=limit, approximate=quantity.approximate,
        )  # fmt: skip
    size, size_unit, _ = to_metric_unit(quantity, unit)
    return ParsedTarget(
        kind="absolute_change",
        value=abs(size),
        direction=direction,
        strict=strict,
        unit=size_unit,
        limit=limit,
        approximate=quantity.approximate,
    )


def _is_limit(op: Op | None, direction: Direction, *, by_verb: bool) -> bool:
    """Whether a comparator caps the change ('下降不超过3%', '≥-2pp') rather than strengthening it."""
    if op is None:
        return False
    if op == "=":
        raise TargetError("change_equal", "a change cannot be '=': write 下降30% or a level (= 100)")
    if by_verb:
        return op in ("<=", "<")
    return op in ("<=", "<") if direction == "increase" else op in (">=", ">")


def _direction_of(direction: Direction | None, value: float) -> Direction:
    implied: Direction = "decrease" if value < 0 else "increase"
    if direction is None:
        return implied
    if value < 0 and direction == "increase":
        raise TargetError("spec_direction", "a negative change size contradicts direction 'increase'")
    return direction


# --- writing a target back ---------------------------------------------------------------------------

_DESCRIBE: Table = {
    "budget": {"zh": "预算 {value}", "en": "budget {value}"},
    "range": {"zh": "{low} ~ {high}", "en": "{low} ~ {high}"},
    "increase": {"zh": "提升 {value}", "en": "increase by {value}"},
    "decrease": {"zh": "下降 {value}", "en": "decrease by {value}"},
    "increase_strict": {"zh": "提升超过 {value}", "en": "increase by more than {value}"},
    "decrease_strict": {"zh": "下降超过 {value}", "en": "decrease by more than {value}"},
    "increase_limit": {"zh": "提升不超过 {value}", "en": "increase by no more than {value}"},
    "decrease_limit": {"zh": "下降不超过 {value}", "en": "decrease by no more than {value}"},
    "increase_limit_strict": {"zh": "提升少于 {value}", "en": "increase by less than {value}"},
    "decrease_limit_strict": {"zh": "下降少于 {value}", "en": "decrease by less than {value}"},
    "factor": {"zh": "达到基线的 {factor} 倍", "en": "{factor}x the baseline"},
    "factor_divisor": {"zh": "降至基线的 1/{n}", "en": "{n}x lower"},
    "in_unit": {"zh": "{n}{unit}", "en": "{thousands}k"},
    "baseline_increase": {"zh": "不低于基线", "en": "at least the baseline"},
    "baseline_decrease": {"zh": "不高于基线", "en": "at most the baseline"},
    "baseline_increase_strict": {"zh": "高于基线", "en": "above the baseline"},
    "baseline_decrease_strict": {"zh": "低于基线", "en": "below the baseline"},
    "baseline_none": {"zh": "不差于基线", "en": "no worse than the baseline"},
    "tolerance": {"zh": "基线 ±{value}", "en": "baseline ±{value}"},
    "slo": {"zh": "SLO ≥ {value}", "en": "SLO ≥ {value}"},
    "rank": {"zh": "前 {n} 名", "en": "top {n}"},
    "approximate": {"zh": "约{text}", "en": "about {text}"},
}
_LEVEL_SYMBOLS: dict[tuple[str, bool], str] = {
    ("at_least", False): "≥",
    ("at_least", True): ">",
    ("at_most", False): "≤",
    ("at_most", True): "<",
    ("equal", False): "=",
    ("equal", True): "=",
}


@lru_cache(maxsize=4096)
def describe_target(target: ParsedTarget, language: Language) -> str:
    """The target in the user's language, in a form `parse_target` reads back to the same target.

    Cached per distinct target (frozen, so hashable), as `parse_target` is per distinct text: a
    review's metrics repeat a few target forms."""
    return _describe(target, language)


def _written(value: float | None, unit: str | None, language: Language) -> str:
    """A target's figure as `describe_target` writes it. In a unit that is a magnitude alone (万, 千), a
    figure written without a scale word (100,000; 12,345) would read back as 100,000万: it is written in
    the unit instead (1.2345万; in English 100k, which reads back too)."""
    text = numfmt.quantity(value, unit, language)
    if value is None or unit is None or not text[-1:].isdigit():
        return text
    base, factor = split_magnitude_unit(unit)
    if base is not None or factor == 1.0:
        return text
    thousands = numfmt.plain(value * factor / 1000, 6)
    return tr(_DESCRIBE, "in_unit", language, n=numfmt.plain(value, 6), unit=unit.strip(), thousands=thousands)


def _divisor(factor: float) -> float | None:
    """n for a factor of 1/n that four decimals would not write exactly (1/3, 1/7), else None."""
    if not 0 < factor < 1 or float(numfmt.plain(factor, 4).replace(",", "")) == factor:
        return None
    divisor = round(1 / factor, 4)
    return divisor if divisor > 1 and math.isclose(1 / divisor, factor, rel_tol=1e-12) else None


def _describe(target: ParsedTarget, language: Language) -> str:
    kind = target.kind
    if kind == "range":
        low = _written(target.low, target.unit, language)
        return tr(_DESCRIBE, "range", language, low=low, high=_written(target.high, target.unit, language))
    if kind == "baseline":
        suffix = "_strict" if target.strict and target.direction else ""
        return tr(_DESCRIBE, f"baseline_{target.direction or 'none'}{suffix}", language)
    if kind in ("relative_change", "pp_change", "absolute_change"):
        if target.factor is not None:
            divisor = _divisor(target.factor)
            if divisor is not None:  # '3x lower' is 1/3 of the baseline, not 0.3333 of it
                return tr(_DESCRIBE, "factor_divisor", language, n=numfmt.plain(divisor, 4))
            return tr(_DESCRIBE, "factor", language, factor=numfmt.plain(target.factor, 4))
        value = _written(target.value, target.unit, language)
        if target.approximate:  # 'increase by about 20%' reads back approximate
            value = tr(_DESCRIBE, "approximate", language, text=value)
        key = str(target.direction) + ("_limit" if target.limit else "") + ("_strict" if target.strict else "")
        return tr(_DESCRIBE, key, language, value=value)
    if kind == "tolerance":
        return tr(_DESCRIBE, "tolerance", language, value=_written(target.value, target.unit, language))
    value = _written(target.value, target.unit, language)
    if kind == "budget":
        return tr(_DESCRIBE, "budget", language, value=value)
    if kind == "slo":
        return tr(_DESCRIBE, "slo", language, value=value)
    if target.unit == "rank" and kind == "at_most" and not target.strict and target.value is not None:
        return tr(_DESCRIBE, "rank", language, n=numfmt.plain(target.value))
    if target.approximate:
        value = tr(_DESCRIBE, "approximate", language, text=value)
    return f"{_LEVEL_SYMBOLS[kind, target.strict]} {value}"
