"""Target expressions as people write them, read into a `ParsedTarget`.

Rules, applied in this order (each one is tested):

1. The text is folded by `numbers.normalize` (NFKC, so full-width ``＞＝９８％`` reads as ``>=98%``;
   thousands separators dropped; ASCII lower-cased). ``≥ ≧ ⩾ =>`` become ``>=``, ``≤ ≦ ⩽ =<`` become
   ``<=``. ``percentage point(s)`` becomes ``pp``, ``percent`` and ``百分之N`` become ``%``. Filler such as
   ``目标:``, ``target:``, ``同比``, ``较基线``, ``vs baseline`` is dropped.
2. ``预算 45万`` / ``budget 450k`` is a budget: the actual must stay within it.
3. ``a <= x <= b`` (any label in the middle) is a range.
4. A comparator may lead (``>=``, ``>``, ``<=``, ``<``, ``=``, ``不低于``, ``不少于``, ``至少``,
   ``超过``, ``不超过``, ``不高于``, ``至多``, ``低于``, ``控制在``, ``at least``, ``no more than``,
   ``up to``, ``below``...) and/or trail (``以上``, ``及以上``, ``以内``, ``以下``, ``内``,
   ``or more``, ``or less``, a trailing ``+``).
   ``以上`` and ``以下`` include the number, as in Chinese usage. Contradicting comparators are an error.
5. A change verb (``下降 降低 减少 缩短 压缩 提升 提高 增长 增加 上升``, ``reduce decrease cut increase grow
   raise``, optional ``by``) makes a change target. Followed by ``至``/``到``/``to`` it names a level
   instead: ``降至1.5h`` is at most 1.5 h, ``提升到99%`` is at least 99%.
6. A change is in percentage points when its unit is ``pp``/``个百分点`` (pp_change), in percent of the
   baseline when its unit is ``%`` (relative_change), and in the metric's unit otherwise
   (absolute_change). An explicit sign without a comparator is a change too: ``-30%`` and ``+15%`` are
   relative changes even for a ``%`` metric (write ``+5pp`` for points), ``+500`` is an absolute change.
   ``pp`` is always a change. A comparator may only strengthen a change (``下降至少30%``, ``≥+5pp``,
   ``≤-2pp``); a limit on a change (``下降10%以内``) is refused with a hint to state the level instead.
7. Two numbers joined by ``~ - 至 到 to 和 and`` (``95~99``, ``95-99%``, ``95 至 99``) or ``a ± b`` form an
   inclusive range. A unit written only on the second number applies to both (``95~99%``), and so does a
   magnitude word when that keeps the bounds in order (``1~2万``).
8. Anything else must be one quantity. A bare ``T+N`` is at most N (a close cycle of at most N days);
   any other bare number is at least (``2000`` means "at least 2,000").
9. If the whole text does not parse, a leading label is dropped at each comparator or verb in turn
   (``DAU≥300``, ``订单处理时长下降30%``) and the first reading that parses wins.

Numbers are converted to the metric's unit when one is given: time units convert (``2h`` → 120 for a
``min`` metric), a magnitude written with the number is undone for a scaled unit (``1,500万`` → 1500 for
``万元``). A unit that does not convert is kept as written, and `compute_attainment` flags the mismatch.
Unreadable text raises ``ValueError`` with a reason a person understands. No ``eval``, ever.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal, NamedTuple

from fupan_mcp.domain.attainment import Direction, ParsedTarget, TargetKind, TargetSpec
from fupan_mcp.domain.numbers import (
    ScaledQuantity,
    canonical_unit,
    convert,
    normalize,
    parse_scaled_quantity,
    split_magnitude_unit,
)

__all__ = [
    "MetricUnit",
    "Op",
    "convert_compatible",
    "metric_unit",
    "parse_target",
    "target_from_spec",
    "to_metric_unit",
]

Op = Literal[">=", ">", "<=", "<", "="]

# --- units -------------------------------------------------------------------------------------------


class MetricUnit(NamedTuple):
    """A metric's unit: ``label`` as shown ("万元"), ``base`` without magnitude ("元"), ``scale`` (1e4)."""

    label: str | None
    base: str | None
    scale: float


NO_UNIT = MetricUnit(None, None, 1.0)
_DAY_LIKE = frozenset({"T+", "d", "workday"})
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
    """`numbers.convert`, plus T+N days, calendar days and working days read as the same count."""
    if from_unit in _DAY_LIKE and to_unit in _DAY_LIKE:
        return value
    return convert(value, from_unit, to_unit)


def to_metric_unit(quantity: ScaledQuantity, unit: MetricUnit) -> tuple[float, str | None, bool]:
    """Express a parsed value in the metric's unit: (value, unit, compatible).

    A number without unit and magnitude is already in the metric's unit. A magnitude word or the base unit
    ("1628万", "16,280,000元" for a 万元 metric) means base units, divided by the unit's scale. When the
    units do not convert, the value and its own unit come back with ``compatible`` False.
    """
    if unit.label is None:
        return quantity.value, quantity.unit, True
    if quantity.unit is None:
        in_base = quantity.magnitude != 1.0
        return (quantity.value / unit.scale if in_base else quantity.value), unit.label, True
    if quantity.unit == unit.label:
        return quantity.value, unit.label, True
    converted = convert_compatible(quantity.value, quantity.unit, unit.base)
    if converted is None:
        return quantity.value, quantity.unit, False
    return converted / unit.scale, unit.label, True


# --- vocabulary --------------------------------------------------------------------------------------

_PREFIX_OPS: dict[str, Op] = {
    ">=": ">=", "=>": ">=", ">": ">", "<=": "<=", "=<": "<=", "<": "<", "==": "=", "=": "=",
    "不低于": ">=", "不少于": ">=", "不小于": ">=", "大于等于": ">=", "大于或等于": ">=", "至少": ">=",
    "最少": ">=", "最低": ">=", "达到": ">=", "达": ">=", "高于": ">", "大于": ">", "超过": ">", "多于": ">",
    "不超过": "<=", "不高于": "<=", "不多于": "<=", "不大于": "<=", "小于等于": "<=", "小于或等于": "<=",
    "至多": "<=", "最多": "<=", "最高": "<=", "控制在": "<=", "低于": "<", "小于": "<", "少于": "<",
    "不到": "<", "等于": "=",
    "at least": ">=", "no less than": ">=", "not less than": ">=", "no fewer than": ">=",
    "not below": ">=", "minimum of": ">=", "minimum": ">=", "min": ">=", "reach": ">=", "reaches": ">=",
    "more than": ">", "greater than": ">", "higher than": ">", "above": ">", "over": ">",
    "exceeding": ">", "exceeds": ">", "exceed": ">",
    "at most": "<=", "no more than": "<=", "not more than": "<=", "no greater than": "<=",
    "not above": "<=", "not to exceed": "<=", "not exceeding": "<=", "up to": "<=", "maximum of": "<=",
    "maximum": "<=", "max": "<=", "within": "<=", "less than": "<", "fewer than": "<", "lower than": "<",
    "below": "<", "under": "<", "equal to": "=", "equals": "=", "exactly": "=",
}  # fmt: skip
_SUFFIX_OPS: dict[str, Op] = {
    "及以上": ">=", "或以上": ">=", "以上": ">=", "及以下": "<=", "或以下": "<=", "以下": "<=",
    "以内": "<=", "之内": "<=", "内": "<=", "or more": ">=", "or above": ">=", "or higher": ">=",
    "or greater": ">=", "and above": ">=", "and up": ">=", "at least": ">=", "or less": "<=",
    "or below": "<=", "or lower": "<=", "or fewer": "<=", "and below": "<=", "at most": "<=", "+": ">=",
}  # fmt: skip
_VERBS: dict[str, Direction] = {
    "下降": "decrease", "降低": "decrease", "减少": "decrease", "缩短": "decrease", "压缩": "decrease",
    "缩减": "decrease", "减小": "decrease", "降": "decrease", "减": "decrease",
    "decrease": "decrease", "decreased": "decrease", "reduce": "decrease", "reduced": "decrease",
    "reduction of": "decrease", "reduction": "decrease", "cut": "decrease", "lower": "decrease",
    "drop": "decrease", "shorten": "decrease", "down": "decrease",
    "提升": "increase", "提高": "increase", "增长": "increase", "增加": "increase", "上升": "increase",
    "增": "increase", "升": "increase", "涨": "increase",
    "increase": "increase", "increased": "increase", "grow": "increase", "growth of": "increase",
    "growth": "increase", "raise": "increase", "up": "increase", "boost": "increase",
}  # fmt: skip
# Comparators that may follow a verb and only strengthen it ("下降至少30%", "reduce by at least 30%").
_VERB_OPS: dict[str, Op] = {
    "至少": ">=", "不低于": ">=", "不少于": ">=", "超过": ">", "by at least": ">=", "at least": ">=",
    "by more than": ">", "more than": ">", "by over": ">", "over": ">",
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
_PERCENT_WORDS = re.compile(r"\s?percentage points?|\s?percent(?:age)?|百分之\s?(?P<n>\d+(?:\.\d+)?)")
_FILLER = re.compile(
    r"^(?:目标值?|target(?: value)?)\s?(?:[:为是]|is)?\s?"
    r"|同比|环比|较基线|相比基线|相对基线|比基线|较上期|较去年|介于|之间|\bbetween\b"
    r"|\s?\b(?:vs\.?|versus|from|over|relative to|compared (?:to|with)|than)\s?(?:the\s)?baseline\b"
    r"|^在(?=\s?[-+]?\d)"
)
_BUDGET = re.compile(r"^(?:预算|budget(?: of)?)\s?(?:[:为是]|is)?\s?")
_NUM = r"(?:\d+(?:\.\d*)?|\.\d+)"
_UNIT = r"(?:\s?[a-z%$¥\u4e00-\u9fff/°]+)?"
_QTY_UNSIGNED = rf"[¥$]?\s?{_NUM}{_UNIT}"
_T_DAY = r"t\s?[-+]\s?\d+(?:\.\d+)?(?:\s?(?:天|日|d))?"
_QTY = rf"(?:{_T_DAY}|[-+]?\s?{_QTY_UNSIGNED})"
_SINGLE = re.compile(_QTY)
_RANGE = re.compile(rf"(?P<lo>{_QTY})\s?(?:~|-|至|到|to|and|和|与)\s?(?P<hi>{_QTY})")
_PLUS_MINUS = re.compile(rf"(?P<mid>{_QTY})\s?(?:±|\+/-|\+-)\s?(?P<tol>{_QTY_UNSIGNED})")
_CHAINED = re.compile(rf"(?P<lo>{_QTY})\s?(?P<op1><=|<)\s?[^<>=\d]*?\s?(?P<op2><=|<)\s?(?P<hi>{_QTY})")
_PREFIX = re.compile(rf"^(?P<word>{_alternation(_PREFIX_OPS)})\s?")
_SUFFIX_ENDINGS = tuple({word[-1] for word in _SUFFIX_OPS})
_SUFFIX = re.compile(rf"\s?(?P<word>{_alternation(_SUFFIX_OPS)})$")
_VERB = re.compile(
    rf"^(?P<verb>{_alternation(_VERBS)})\s?(?:(?P<op>{_alternation(_VERB_OPS)})|(?P<to>至|到|to(?![a-z])))?"
    r"\s?(?:by(?![a-z]))?\s?"
)
# Where a leading label may end: before a comparator symbol, a comparator word or a verb.
_LABEL_END = re.compile(rf"[<>=]|{_alternation(_PREFIX_OPS)}|{_alternation(_VERBS)}|预算|budget")
_LEVEL_KINDS: dict[Op, TargetKind] = {
    ">=": "at_least",
    ">": "at_least",
    "<=": "at_most",
    "<": "at_most",
    "=": "equal",
}


# --- entry points ------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def parse_target(text: str, unit: str | None = None) -> ParsedTarget:
    """Read a target expression; numbers come back in ``unit`` when it is given and compatible.

    Raises ValueError naming what could not be read. Results are cached (ParsedTarget is frozen):
    the same few target strings recur across metrics and reviews.
    """
    prepared = _prepare(text)
    if not prepared:
        raise ValueError("the target is empty")
    resolved = metric_unit(unit)
    try:
        return _parse_prepared(prepared, resolved)
    except ValueError as first_error:
        labels = () if _BUDGET.match(prepared) else _LABEL_END.finditer(prepared)
        for match in labels:
            start = match.start()
            if start == 0 or _ends_like_number(prepared[:start]):
                continue
            try:
                return _parse_prepared(prepared[start:], resolved)
            except ValueError:
                continue
        raise ValueError(f"cannot read the target {text!r}: {first_error}") from None


def target_from_spec(spec: TargetSpec, unit: str | None = None) -> ParsedTarget:
    """Check a structured target and express its numbers in ``unit``. Raises ValueError."""
    resolved = metric_unit(unit)
    strict = not spec.inclusive
    if spec.kind == "range":
        if spec.low is None or spec.high is None:
            raise ValueError("a range target needs both 'low' and 'high'")
        low, high = _level(spec.low, resolved), _level(spec.high, resolved)
        return _range_target(low, high)
    if spec.value is None:
        raise ValueError(f"a {spec.kind} target needs a 'value'")
    if spec.kind in ("at_least", "at_most", "equal", "budget"):
        value, value_unit = _level(spec.value, resolved)
        return ParsedTarget(kind=spec.kind, value=value, unit=value_unit, strict=strict and spec.kind != "budget")
    quantity = _quantity(spec.value)
    expected = {"relative_change": "%", "pp_change": "pp"}.get(spec.kind)
    if expected and quantity.unit not in (None, expected):
        raise ValueError(f"a {spec.kind} value is in {expected!r}, not {quantity.unit!r}")
    direction = _direction_of(spec.direction, quantity.value)
    if spec.kind == "absolute_change":
        size, size_unit, _ = to_metric_unit(quantity, resolved)
        return ParsedTarget(kind="absolute_change", value=abs(size), direction=direction, strict=strict, unit=size_unit)
    return ParsedTarget(kind=spec.kind, value=abs(quantity.value), direction=direction, strict=strict, unit=expected)


# --- parsing steps -----------------------------------------------------------------------------------


def _prepare(text: str) -> str:
    folded = normalize(text).translate(_SYMBOLS)
    if "percent" in folded or "百分之" in folded:
        folded = _PERCENT_WORDS.sub(_percent_word, folded)
    folded = _FILLER.sub("", folded)
    return folded.strip(_TRIM)


def _percent_word(match: re.Match[str]) -> str:
    if match.group("n") is not None:
        return f"{match.group('n')}%"
    return "pp" if "point" in match.group() else "%"


def _ends_like_number(text: str) -> bool:
    tail = text.rstrip()
    return not tail or tail[-1].isdigit() or tail[-1] in "%.+-~"


def _parse_prepared(text: str, unit: MetricUnit) -> ParsedTarget:
    budget = _BUDGET.match(text)
    if budget:
        return _budget_target(text[budget.end() :], unit)
    chained = _CHAINED.fullmatch(text) if text.count("<") == 2 else None
    if chained:
        return _range_of(chained["lo"], chained["hi"], unit)
    prefix_op, text = _take_prefix(text)
    suffix_op, text = _take_suffix(text)
    verb = _VERB.match(text)
    if verb:
        return _verb_target(verb, text[verb.end() :], _merge_ops(prefix_op, suffix_op), unit)
    op = _merge_ops(prefix_op, suffix_op)
    if op is None:
        ranged = _range_from(text, unit)
        if ranged is not None:
            return ranged
    return _single_target(_single(text), op, unit)


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
    raise ValueError(f"contradicting comparators {first!r} and {second!r}")


def _single(text: str) -> str:
    if not _SINGLE.fullmatch(text):
        raise ValueError(
            "expected a comparison (>= 2000, ≤45元, 不低于25%), a change (下降30%, +5pp), "
            f"a range (95~99%) or T+N, got {text!r}"
        )
    return text


def _quantity(value: float | str) -> ScaledQuantity:
    return parse_scaled_quantity(value.replace(" ", "") if isinstance(value, str) else value)


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
        raise ValueError("a budget is a ceiling: write 预算 45万 or budget <= 450k")
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
    """'100±5' is 95~105; the unit may be written on either number ('99±0.5%')."""
    middle, spread = _quantity(middle_text), _quantity(spread_text)
    if middle.unit is None and middle.magnitude == 1.0:
        middle = ScaledQuantity(middle.value, spread.unit, 1.0)
    if spread.unit is None and spread.magnitude == 1.0:
        spread = ScaledQuantity(spread.value, middle.unit, 1.0)
    centre, centre_unit = to_metric_unit(middle, unit)[:2]
    width, width_unit = to_metric_unit(spread, unit)[:2]
    if width_unit != centre_unit:
        raise ValueError(f"the tolerance's unit {width_unit!r} differs from the value's {centre_unit!r}")
    return _range_target((centre - abs(width), centre_unit), (centre + abs(width), centre_unit))


def _share_unit(low: ScaledQuantity, high: ScaledQuantity) -> ScaledQuantity:
    """'95~99%' writes the unit once; '1~2万' the magnitude (applied if the bounds stay in order)."""
    if low.unit is not None or low.magnitude != 1.0:
        return low
    scaled = low.value * high.magnitude
    value = scaled if scaled <= high.value else low.value
    return ScaledQuantity(value, high.unit, high.magnitude if value == scaled else 1.0)


def _range_target(low: tuple[float, str | None], high: tuple[float, str | None]) -> ParsedTarget:
    if low[1] != high[1] and None not in (low[1], high[1]):
        raise ValueError(f"the range bounds have different units: {low[1]!r} and {high[1]!r}")
    if low[0] > high[0]:
        raise ValueError(f"the range's low bound {low[0]:g} is above its high bound {high[0]:g}")
    return ParsedTarget(kind="range", low=low[0], high=high[0], unit=low[1] or high[1])


def _verb_target(verb: re.Match[str], rest: str, op: Op | None, unit: MetricUnit) -> ParsedTarget:
    direction = _VERBS[verb["verb"]]
    if verb["to"]:
        level_op: Op = ">=" if direction == "increase" else "<="
        return _single_target(_single(rest), _merge_ops(level_op, op), unit)
    inner = _VERB_OPS[verb["op"]] if verb["op"] else None
    return _change_target(_single(rest), _merge_ops(inner, op), direction, unit)


def _single_target(text: str, op: Op | None, unit: MetricUnit) -> ParsedTarget:
    quantity = _quantity(text)
    if quantity.unit == "pp" or (op is None and _is_signed(text)):
        return _change_target(text, op, None, unit)
    value, value_unit, _ = to_metric_unit(quantity, unit)
    if op is None:
        op = "<=" if quantity.unit == "T+" else ">="
    return ParsedTarget(kind=_LEVEL_KINDS[op], value=value, unit=value_unit, strict=op in (">", "<"))


def _change_target(text: str, op: Op | None, verb_direction: Direction | None, unit: MetricUnit) -> ParsedTarget:
    quantity = _quantity(text)
    signed = _is_signed(text)
    sign_direction: Direction | None = (
        ("decrease" if quantity.value < 0 else "increase") if signed and quantity.value != 0 else None
    )
    if verb_direction and sign_direction and verb_direction != sign_direction:
        raise ValueError(f"the verb says {verb_direction} but the sign says {sign_direction}")
    direction: Direction = verb_direction or sign_direction or "increase"
    _check_change_op(op, direction, by_verb=verb_direction is not None)
    strict = op in (">", "<")
    if quantity.unit in ("pp", "%"):
        kind: TargetKind = "pp_change" if quantity.unit == "pp" else "relative_change"
        return ParsedTarget(
            kind=kind, value=abs(quantity.value), direction=direction, strict=strict, unit=quantity.unit
        )
    size, size_unit, _ = to_metric_unit(quantity, unit)
    return ParsedTarget(kind="absolute_change", value=abs(size), direction=direction, strict=strict, unit=size_unit)


def _check_change_op(op: Op | None, direction: Direction, *, by_verb: bool) -> None:
    """A comparator may strengthen a change ('at least 30% down'), never cap it ('down 10% at most')."""
    if op is None:
        return
    strengthens = op in (">=", ">") if by_verb else op in ((">=", ">") if direction == "increase" else ("<=", "<"))
    if not strengthens:
        raise ValueError(
            "a limit on a change (下降10%以内, ≥-2pp) is not supported; state the level instead (≤ 1.5h, ≥ 95%)"
        )


def _direction_of(direction: Direction | None, value: float) -> Direction:
    implied: Direction = "decrease" if value < 0 else "increase"
    if direction is None:
        return implied
    if value < 0 and direction == "increase":
        raise ValueError("a negative change size contradicts direction 'increase'")
    return direction
