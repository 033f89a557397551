"""Display of computed figures: quantities with units, percents, signed changes, dates.

Only display: the figures themselves come from the analyses. Rounding happens here and nowhere else:
the report's sections, each tool's text (`report.tool_text`), the charts, the Word export and the
figures quoted inside the analyses' statements and finding messages all write a number with these
functions, so a figure reads the same wherever it appears (a rate is 39.3% in a table and in the
sentence beside it, sales are $9.3B in the attainment table, in the statement and in the KPI tree).
It lives below the analyses, beside `i18n`, because the pure analyses quote figures in their
messages and must import nothing from `report/`; the report reaches it through `report.formatting`.
It imports the standard library, `i18n` and the unit spellings of `domain.numbers` (pure, below it).

Rules, one per kind of unit, the same for every caller:

- Large amounts are written with the language's scale words, zh 万 / 亿 (1,628万元, $93亿), en M / B
  ($9.3B, 61M people), whenever that loses nothing: the scaled number has three decimals below 100
  and two from 100 up (1.188万, ¥72.726M, 2,017.84万) and is exact (16,281,234 stays 16,281,234). A
  computed amount (a formula's value) is scaled the same way, rounded to those decimals ($92.994亿,
  $9.299B), so that a change or a formula value reads like the reported figure beside it.
- A unit that carries a magnitude is composed once: 12,000 万元 is 1.2亿元, never 1.2万万元.
- Currency: $ € £ stand before the number in both languages ($93亿, $9.3B); 元 follows it in zh
  (376万元) and is ¥ before it in en (¥3.76M). "USD", "美元", "dollars" all read as $.
- Time units in words: zh 天 / 小时 / 分钟 / 秒 / 毫秒 / 周 / 个工作日; en with the right plural
  ("1 hour", "1.7 hours", "66 minutes"), milliseconds as "ms". A duration that has more than two decimals in
  its unit is written in the largest finer unit where it has at most one: 9 days against weeks is 9天,
  not 1.29周, 67 minutes against hours 67分钟, not 1.12小时 (1.25小时 and 0.5天 stay).
- Percentage points are "1.2 个百分点" / "1.2 pp"; a rank "第2名" / "#2"; T+N days "T+1".
- Numbers: thousands separators, two decimals from 1 up and four below, trailing zeros dropped; a
  computed count is a whole number, a small computed ratio keeps two decimals (3.40).
- Rounding never hides a miss: `percent` never shows a value below 100 % as "100%" nor one above 0
  as "0%", and a computed amount that is not zero is never shown as 0.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Iterable

from fupan_mcp.domain.numbers import TIME_SECONDS, canonical_unit, singular_noun, split_magnitude_unit
from fupan_mcp.i18n import Language, Table, localized, template_parts

_TEXT: Table = {
    "d.one": {"zh": "{n}天", "en": "{n} day"},
    "d.many": {"zh": "{n}天", "en": "{n} days"},
    "h.one": {"zh": "{n}小时", "en": "{n} hour"},
    "h.many": {"zh": "{n}小时", "en": "{n} hours"},
    "min.one": {"zh": "{n}分钟", "en": "{n} minute"},
    "min.many": {"zh": "{n}分钟", "en": "{n} minutes"},
    "s.one": {"zh": "{n}秒", "en": "{n} second"},
    "s.many": {"zh": "{n}秒", "en": "{n} seconds"},
    "ms.one": {"zh": "{n}毫秒", "en": "{n} ms"},
    "ms.many": {"zh": "{n}毫秒", "en": "{n} ms"},
    "week.one": {"zh": "{n}周", "en": "{n} week"},
    "week.many": {"zh": "{n}周", "en": "{n} weeks"},
    "workday.one": {"zh": "{n}个工作日", "en": "{n} working day"},
    "workday.many": {"zh": "{n}个工作日", "en": "{n} working days"},
    "workhour.one": {"zh": "{n}个工作小时", "en": "{n} business hour"},
    "workhour.many": {"zh": "{n}个工作小时", "en": "{n} business hours"},
    "rank.one": {"zh": "第{n}名", "en": "#{n}"},
    "rank.many": {"zh": "第{n}名", "en": "#{n}"},
    "places.one": {"zh": "{n} 名", "en": "{n} place"},
    "places.many": {"zh": "{n} 名", "en": "{n} places"},
    "pp.one": {"zh": "{n} 个百分点", "en": "{n} pp"},
    "pp.many": {"zh": "{n} 个百分点", "en": "{n} pp"},
    "bp.one": {"zh": "{n} 个基点", "en": "{n} bp"},
    "bp.many": {"zh": "{n} 个基点", "en": "{n} bp"},
    "pt.one": {"zh": "{n}分", "en": "{n} point"},
    "pt.many": {"zh": "{n}分", "en": "{n} points"},
    "yuan": {"zh": "{sign}{n}元", "en": "{sign}¥{n}"},
}
_WORDS: dict[Language, dict[str, str]] = {
    language: {key: localized(entry, language) for key, entry in _TEXT.items()} for language in ("zh", "en")
}
"""`_TEXT` in each language, as `tr` picks it: looked up once, not for every figure with a unit."""
_PARTS: dict[Language, dict[str, tuple[str, ...]]] = {
    language: {key: template_parts(text, ("sign", "n") if key == "yuan" else ("n",)) for key, text in words.items()}
    for language, words in _WORDS.items()
}
"""`_WORDS` as their literal parts (`i18n.template_parts`): a unit is written around its figure by
concatenation, not by a ``str.format`` of the template for every figure with a unit."""
_WORD_UNITS = frozenset({"d", "h", "min", "s", "ms", "week", "workday", "workhour", "rank", "places", "pp", "bp", "pt"})
"""Units written as words around the number, looked up in `_TEXT`."""
_UNSCALED = frozenset({"rank", "places", "pp", "bp", "pt"})
"""Units whose figures are never put in 万 / M: a rank, a difference of percents."""
_SYMBOLS_BEFORE = frozenset({"$", "€", "£"})
"""Currency symbols written before the number in both languages: $1.2B, $93亿, €30."""
_CURRENCIES = _SYMBOLS_BEFORE | {"元"}
_TIMES = frozenset({"x", "×", "times"})
"""A multiple: 88×."""

SCALES: dict[Language, tuple[tuple[str, float], ...]] = {
    "zh": (("亿", 1e8), ("万", 1e4)),
    "en": (("B", 1e9), ("M", 1e6)),
}
"""Words for large amounts, largest first."""
_SMALLEST_SCALE = {language: min(factor for _, factor in scales) for language, scales in SCALES.items()}

COUNT_UNITS = frozenset(
    {"人", "个", "名", "位", "单", "笔", "次", "条", "家", "场", "件", "户", "台"}
    | {"users", "people", "orders", "requests", "queries", "tickets", "incidents", "customers"}
)
"""Units of things that are counted: a computed count is shown rounded to a whole number."""

_SIGNIFICANT = 12
_SIGNIFICANT_FORMAT = f"%.{_SIGNIFICANT}g"
_WHOLE_LIMIT = 10.0**_SIGNIFICANT
_FIXED = {digits: f",.{digits}f" for digits in range(10)}
"""Format specs of `fmt_number`, built once (a nested format spec is parsed on every call)."""


def clean(value: float | None) -> float | None:
    """``value`` rounded to 12 significant digits: binary noise (1.2000000000000028) gone, meaning kept."""
    if value is None or value == 0 or not math.isfinite(value):
        return value
    if type(value) is float and value.is_integer() and -_WHOLE_LIMIT < value < _WHOLE_LIMIT:
        return value  # a whole number of at most 12 digits has no noise (most figures read from text)
    return float(_SIGNIFICANT_FORMAT % value)


def fmt_number(value: float | None, digits: int = 2) -> str:
    """A number with thousands separators, trailing zeros trimmed; '—' for None, '∞' for infinity."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "—" if math.isnan(value) else "∞" if value > 0 else "-∞"
    if (value.is_integer() if type(value) is float else value == int(value)) and abs(value) < 1e15:
        return f"{int(value):,}"
    text = format(value, _FIXED.get(digits) or f",.{digits}f").rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def number(value: float, *, digits: int = 2, fixed: bool = False) -> str:
    """A plain number with thousands separators; ``fixed`` keeps trailing zeros (3.40)."""
    if fixed and math.isfinite(value):
        text = f"{value:,.{digits}f}"
        return "0" if text.strip("-0.,") == "" else text
    return fmt_number(round(value, digits), digits)


def plain(value: float, digits: int | None = None) -> str:
    """A plain number: separators, 2 decimals from 1 up and 4 below (or ``digits``), zeros trimmed."""
    if type(value) is float and -1e15 < value < 1e15:
        if value.is_integer() and (digits is None or digits >= 0):
            return f"{int(value):,}"  # what rounding and `fmt_number` give a whole number, without them
        places = digits if digits is not None else (2 if abs(value) >= 1 else 4)
        spec = _FIXED.get(places) if places > 0 else None
        if spec is not None:  # `fmt_number(round(value, places), places)` of a finite float, inline: the
            # fixed format rounds the exact value as `round` does, a whole result loses its '.00' alike
            text = format(value, spec).rstrip("0").rstrip(".")
            return "0" if text in {"-0", ""} else text
    places = digits if digits is not None else (2 if abs(value) >= 1 else 4)
    return fmt_number(round(value, places), places)


@functools.lru_cache(maxsize=1024)
def display_unit(unit: str | None) -> tuple[str | None, float]:
    """The unit a figure is written with and the factor its value is multiplied by: "万元" → ("元",
    1e4), "USD" → ("$", 1), "hours" → ("h", 1). A unit we do not know keeps its spelling ("QPS").
    Cached per distinct spelling: every figure written asks it."""
    if unit is None or not unit.strip():
        return None, 1.0
    base, factor = split_magnitude_unit(unit)
    if factor != 1.0:
        return base, factor
    canonical = canonical_unit(unit)
    if canonical in _CURRENCIES or canonical in _WORD_UNITS or canonical in _TIMES:
        return canonical, 1.0
    return unit.strip(), 1.0


def quantity(value: float | None, unit: str | None, language: Language, *, computed: bool = False) -> str:
    """``value`` in ``unit`` written for people by the rules of the module docstring; "—" for None.

    ``computed`` marks a value from a formula: counts are rounded to whole units, small ratios keep
    two decimals (3.40) so that they read as computed, not as typed.
    """
    if value is None:
        return "—"
    if unit == "T+":
        return f"T+{plain(value)}"
    if unit in ("%", "‰"):
        if 99 < value < 100:  # nines: 99.993% is not 99.99%, and 99.998% is not 100%
            return f"{plain(value, 4)}{unit}"
        return f"{plain(value)}{unit}"
    base, factor = display_unit(unit)
    amount = clean(value * factor) if factor != 1.0 else value
    assert amount is not None
    if base in _DURATIONS and math.isfinite(amount):
        amount, base = _plain_duration(amount, base)
    if not computed and -_SMALLEST_SCALE[language] < amount < _SMALLEST_SCALE[language]:
        text = plain(amount)  # what `_amount` gives a typed figure below every scale word, one call less
    else:
        text = _amount(amount, base, language, computed, None)
    return text if base is None else _with_unit(text, amount, base, language)


_DURATIONS = ("week", "d", "h", "min", "s", "ms")


def _plain_duration(value: float, unit: str) -> tuple[float, str]:
    """``value`` itself when it has at most two decimals in ``unit``; else in the largest finer unit in which it
    has at most one (9 days, not 1.29 weeks; 67 minutes, not 1.12 hours); else itself (1.3333 h stays 1.33 h)."""
    if _decimals_at_most(value, 2):
        return value, unit
    start = _DURATIONS.index(unit) + 1
    for finer in _DURATIONS[start : start + 2]:  # a week in days or hours, never in seconds
        amount = value * TIME_SECONDS[unit] / TIME_SECONDS[finer]
        if _decimals_at_most(amount, 1) and abs(amount) < 10_000:
            return round(amount, 1), finer
    return value, unit


def _decimals_at_most(value: float, places: int) -> bool:
    scaled = value * 10.0**places
    return abs(scaled - round(scaled)) <= 1e-6 * max(1.0, abs(scaled))


def quantity_in(
    value: float, unit: str | None, language: Language, scale: tuple[str, float] | None, *, signed: bool = False
) -> str:
    """``value`` written in a given scale word, as a chart's labels are when its axis is in 亿 (see
    `axis_scale`): +13.36亿, +0.01968亿, with the decimals that keep three digits at least. Without a
    scale (small figures) it is `quantity`'s text."""
    base, factor = display_unit(unit)
    amount = value * factor
    if scale is None or amount == 0 or not math.isfinite(amount):
        text = quantity(value, unit, language)
    else:
        text = _with_unit(_amount(amount, base, language, True, scale), amount, base, language)
    return f"+{text}" if signed and value > 0 else text


def axis_scale(values: Iterable[float], unit: str | None, language: Language) -> tuple[str, float] | None:
    """The scale word a chart of ``values`` is drawn in, its ticks and its labels alike: the one of the
    largest magnitude (None when the figures are small, or the unit is never scaled)."""
    base, factor = display_unit(unit)
    if unit in ("%", "‰", "T+") or base in _UNSCALED:
        return None
    largest = max((abs(v) * factor for v in values if math.isfinite(v)), default=0.0)
    return next((scale for scale in SCALES[language] if largest >= scale[1]), None)


def _amount(value: float, unit: str | None, language: Language, computed: bool, scale: tuple[str, float] | None) -> str:
    """The number of a quantity, scaled (万 / 亿, M / B) where that loses nothing."""
    if not math.isfinite(value):
        return fmt_number(value)
    if scale is not None:
        scaled = value / scale[1]
        digits = max(2, 3 - math.floor(math.log10(abs(scaled)))) if scaled else 0
        return f"{plain(scaled, min(digits, 6))}{scale[0]}"
    if unit in _UNSCALED:  # points and ranks read as typed: -0.2 个百分点, not -0.20
        return plain(value)
    counted = computed and unit in COUNT_UNITS
    if counted:
        value = float(round(value))
    magnitude = abs(value)
    for word, factor in SCALES[language] if magnitude >= _SMALLEST_SCALE[language] else ():
        if magnitude < factor:
            continue
        scaled = value / factor
        places = 3 if abs(scaled) < 100 else 2  # 1.188万, ¥72.726M, 2,017.84万: four digits at least
        if computed or math.isclose(round(scaled, places), scaled, rel_tol=1e-9, abs_tol=1e-12):
            return f"{plain(scaled, places)}{word}"
    if counted:
        return number(value, digits=0)
    if computed and magnitude < 100:
        text = number(value, fixed=True)
        if text == "0" and value != 0:  # a computed 0.004 is not 0: never round a miss away
            return plain(value, 2 - math.floor(math.log10(magnitude)))
        return text
    return plain(value)


_ENGLISH_PERIODS: dict[Language, dict[str, str]] = {
    "zh": {
        **dict.fromkeys(("month", "mo"), "月"),
        **dict.fromkeys(("week", "wk"), "周"),
        "day": "天",
        **dict.fromkeys(("year", "yr"), "年"),
        "quarter": "季度",
        **dict.fromkeys(("hour", "hr"), "小时"),
    },
    "en": {
        **dict.fromkeys(("month", "mo"), "month"),
        **dict.fromkeys(("week", "wk"), "week"),
        "day": "day",
        **dict.fromkeys(("year", "yr"), "year"),
        "quarter": "quarter",
        **dict.fromkeys(("hour", "hr"), "hour"),
    },
}
"""A period written in English ('$/month', 'per month') in the reader's words: $3.8万/月 and 4,000/月 in a
Chinese sentence, $38,000/month (the currency before the number) in an English one. Units written in Chinese
stay as written in English text, as 人 does (924人)."""
_PER_PERIOD = re.compile(r"^(?P<base>.*?)\s*(?:/|\bper\s+)\s*(?P<period>[a-z]+)$")


@functools.lru_cache(maxsize=256)
def _per_period(unit: str, language: Language) -> tuple[str, str] | None:
    """'$/month' → ('$', '月') in Chinese; None for any other unit or language."""
    match = _PER_PERIOD.match(unit.strip().lower())
    if match is None:
        return None
    period = _ENGLISH_PERIODS[language].get(match.group("period"))
    return None if period is None else (match.group("base"), period)


def _with_unit(text: str, value: float, unit: str | None, language: Language) -> str:
    if unit is None:
        return text
    per = _per_period(unit, language) if unit.isascii() and ("/" in unit or "per " in unit) else None
    if per is not None:
        return f"{_with_unit(text, value, per[0] or None, language)}/{per[1]}"
    if unit in _SYMBOLS_BEFORE:
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}{unit}{digits}"
    if unit[:1] in _SYMBOLS_BEFORE and unit[1:2] == "/":  # '$3/user', not '3$/user'
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return f"{sign}{unit[0]}{digits}{unit[1:]}"
    if unit == "1:":  # a ratio written one first: ROI 1:2.5
        return f"1:{text}"
    if unit == "元":
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        before, middle, after = _PARTS[language]["yuan"]
        return before + sign + middle + digits + after
    if unit in _WORD_UNITS:
        before, after = _PARTS[language][unit + (".one" if math.isclose(abs(value), 1.0) else ".many")]
        return before + text + after
    if unit in _TIMES:
        return f"{text}×"
    if unit[:1].isascii() and unit[:1].isalpha():
        unit = _SEVERITY_CLASS.sub(_severity_case, unit) if _has_class(unit) else unit
        return f"{text} {_agreeing(unit) if math.isclose(abs(value), 1.0) else unit}"
    return f"{text}{_SEVERITY_CLASS.sub(_severity_case, unit) if _has_class(unit) else unit}"


_SEVERITY_CLASS = re.compile(r"(?<![a-z0-9])(p|sev)([0-4])(?![a-z0-9])")
"""'p1', 'sev1' as the reader folds them ('P1', 'Sev-1'): written back as severity classes are written."""


def _has_class(unit: str) -> bool:
    return ("p" in unit or "sev" in unit) and any(ch.isdigit() for ch in unit)


def _severity_case(match: re.Match[str]) -> str:
    return f"P{match[2]}" if match[1] == "p" else f"Sev{match[2]}"


def _agreeing(unit: str) -> str:
    """The user's own English unit after 1: '1 customer complaint', not '1 customer complaints'."""
    head, space, last = unit.rpartition(" ")
    return f"{head}{space}{singular_noun(last)}" if unit.isascii() else unit


def signed_quantity(value: float, unit: str | None, language: Language) -> str:
    """A change with its sign: +6.1 个百分点, -1.1小时, +842人; a change of a T+N target in days."""
    if unit == "T+":
        text = quantity(value, "d", language)
    elif unit == "%":
        text = quantity(value, "pp", language)
    else:
        text = quantity(value, unit, language)
    return f"+{text}" if value > 0 else text


_DIFFERENCE_UNITS: dict[str, str | None] = {"%": "pp", "rank": "places", "1:": None, ":1": None}


def difference_unit(unit: str | None) -> str | None:
    """The unit of a difference of two figures: percents differ in points, ranks in places (1 名, not 第1名),
    ratios to one in plain figures (short by 0.5, not by 1:0.5)."""
    return _DIFFERENCE_UNITS.get(unit or "", unit)


def signed_change(value: float, unit: str | None, language: Language) -> str:
    """A computed change with its sign, a change of percents in points: +1,989.68, -0.2 个百分点."""
    magnitude = clean(abs(value)) or 0.0  # a small difference reads as typed: -7元, not -7.00元
    text = quantity(magnitude, difference_unit(unit), language, computed=magnitude >= 100)
    return f"+{text}" if value > 0 else f"-{text}" if value < 0 else text


_EDGE_MARGIN = 0.06
"""Beyond this from 100, 0 and -100 (percent), rounding to one or two decimals cannot cross them."""


def percent(fraction: float, *, signed: bool = False) -> str:
    """A fraction as a percent: one decimal from 10 % up, two below, trailing zeros dropped.

    0.392857 → 39.3%, 0.0655 → 6.55%, 0.04 → 4%, 1.3095 → 131%. Rounding never crosses 100 % or 0, so
    a figure never hides a miss: 0.9995 → 99.9% (not 100%), 1.0004 → 100.1%, 0.00001 → 0.01%.
    """
    value = fraction * 100
    if type(value) is float and (10.0 <= value < 99.94 or 100.06 < value < 1e15):
        # Most percents: one decimal, and no edge that rounding could cross (what the rest gives for them, a
        # tenth of the calls' cost: review_insights writes 10,000 attainment rates at 10,000 reviews).
        text = format(round(value, 1), ",.1f")
        text = text[:-2] if text.endswith(".0") else text
        return f"+{text}%" if signed else f"{text}%"
    digits = 1 if abs(value) >= 10 else 2
    shown, factor = round(value, digits), 10.0**digits
    near_edge = abs(value) <= _EDGE_MARGIN or abs(abs(value) - 100.0) <= _EDGE_MARGIN or value != value
    for edge in (100.0, 0.0, -100.0) if near_edge else ():  # rounding moves a value 0.05 at most
        if value < edge <= shown:
            shown = math.floor(value * factor) / factor
        elif value > edge >= shown:
            shown = math.ceil(value * factor) / factor
    if type(shown) is float and -1e15 < shown < 1e15:  # `fmt_number` of a finite float, one call less
        if shown.is_integer():
            text = f"{int(shown):,}"
        else:
            text = format(shown, _FIXED[digits]).rstrip("0").rstrip(".")
            text = "0" if text in {"-0", ""} else text
    else:
        text = fmt_number(shown, digits)
    if signed and value > 0:
        text = "+" + text
    return f"{text}%"


def day_span(start: dt.date, end: dt.date) -> int:
    """Days from start to end, both included."""
    return (end - start).days + 1


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"
