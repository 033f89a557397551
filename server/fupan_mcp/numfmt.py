"""Display of computed figures: quantities with units, percents, signed changes, dates.

Only display: the figures themselves come from the analyses. Rounding happens here and nowhere else:
the report's sections, each tool's text (`report.tool_text`), the charts, the Word export and the
figures quoted inside the analyses' statements and finding messages all write a number with these
functions, so a figure reads the same wherever it appears (a rate is 39.3% in a table and in the
sentence beside it). It lives below the analyses, beside `i18n`, because the pure analyses quote
figures in their messages and must import nothing from `report/`; the report reaches it through
`report.formatting`. It imports nothing but the standard library and `i18n`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass

from fupan_mcp.i18n import Language

_SYMBOLS_BEFORE = frozenset({"$", "€", "£", "¥"})
"""Currency symbols written before the number: $1.2M, ¥39.6."""

COUNT_UNITS = frozenset({"人", "个", "名", "位", "单", "笔", "次", "条", "家", "场", "件", "users", "people"})
"""Units of things that are counted: a computed count is shown rounded to a whole number."""


@dataclass(frozen=True, slots=True)
class _Style:
    """How one language writes a figure: looked up by language, never chosen with an ``if``."""

    points: str
    """After a difference of percents: ' 个百分点', ' pp'."""
    days: str
    """After a number of days (a change of a T+N target)."""
    units: Mapping[str, str]
    """Canonical units the parsers produce, written the language's way."""
    spaced_words: bool
    """Whether a unit made of letters stands apart from the number: '1.7 h'."""
    scales: tuple[tuple[str, float], ...]
    """Words for large amounts, largest first: 亿, 万."""


_STYLES: dict[Language, _Style] = {
    "zh": _Style(
        points=" 个百分点",
        days="天",
        units={"d": "天", "h": "小时", "min": "分钟", "s": "秒", "ms": "毫秒", "week": "周", "workday": "个工作日"},
        spaced_words=False,
        scales=(("亿", 1e8), ("万", 1e4)),
    ),
    "en": _Style(points=" pp", days=" d", units={}, spaced_words=True, scales=()),
}


def fmt_number(value: float | None, digits: int = 2) -> str:
    """A number with thousands separators, trailing zeros trimmed; '—' for None, '∞' for infinity."""
    if value is None or math.isnan(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def number(value: float, *, digits: int = 2, fixed: bool = False) -> str:
    """A plain number with thousands separators; ``fixed`` keeps trailing zeros (3.40)."""
    if fixed and math.isfinite(value):
        text = f"{value:,.{digits}f}"
        return "0" if text.strip("-0.,") == "" else text
    return fmt_number(round(value, digits), digits)


def quantity(value: float | None, unit: str | None, language: Language, *, computed: bool = False) -> str:
    """A value with its unit. zh writes amounts of 10,000 and more in 万/亿; percents keep '%'.

    ``computed`` marks a value from a formula: counts are rounded to whole units, small ratios keep
    two decimals (3.40) so that they read as computed, not as typed.
    """
    if value is None:
        return "—"
    if unit == "T+":
        return f"T+{number(value)}"
    if unit == "%":
        return f"{number(value)}%"
    style = _STYLES[language]
    if unit == "pp":
        return f"{number(value)}{style.points}"
    if unit is not None and unit[:1] in ("万", "亿"):  # 1.2万元 stays 1.2万元, never 1.2万万元
        text = number(value, fixed=computed and abs(value) < 100)
    else:
        text = _scaled(value, unit, style, computed)
    if unit is None:
        return text
    if unit in _SYMBOLS_BEFORE:
        sign = "-" if text.startswith("-") else ""
        return f"{sign}{unit}{text.removeprefix('-')}"
    unit = style.units.get(unit, unit)
    if style.spaced_words and unit.isascii() and unit.isalpha():
        return f"{text} {unit}"
    return f"{text}{unit}"


def _scaled(value: float, unit: str | None, style: _Style, computed: bool) -> str:
    """The number of a quantity. An amount is put in 万/亿 when that loses nothing (1,628万, but 11,880
    stays 11,880), and a computed one also from ten of the unit up (2,017.84万): it keeps four digits."""
    if not math.isfinite(value):
        return fmt_number(value)
    if computed and unit in COUNT_UNITS:
        return number(round(value), digits=0)
    magnitude = abs(value)
    for word, factor in style.scales:
        if magnitude >= factor:
            scaled = value / factor
            exact = math.isclose(round(scaled, 2), scaled, rel_tol=1e-9, abs_tol=1e-12)
            if exact or (computed and magnitude >= 10 * factor):
                return f"{number(scaled)}{word}"
    if computed and magnitude < 100:
        return number(value, fixed=True)
    return number(value, digits=2 if magnitude >= 1 else 4)


def signed_quantity(value: float, unit: str | None, language: Language) -> str:
    """A change with its sign: +6.1 个百分点, -1.1h, +842人."""
    if unit == "T+":
        text = f"{number(value)}{_STYLES[language].days}"
    elif unit == "%":
        text = quantity(value, "pp", language)
    else:
        text = quantity(value, unit, language)
    return f"+{text}" if value > 0 else text


def signed_change(value: float, unit: str | None, language: Language) -> str:
    """A computed change with its sign, a change of percents in points: +1,989.68, -0.2 个百分点."""
    text = quantity(abs(value), "pp" if unit == "%" else unit, language, computed=True)
    return f"+{text}" if value > 0 else f"-{text}" if value < 0 else text


def percent(fraction: float, *, signed: bool = False) -> str:
    """A fraction as a percent: one decimal from 10 % up, two below, trailing zeros dropped.

    0.392857 → 39.3%, 0.0655 → 6.55%, 0.04 → 4%, 1.3095 → 131%. Rounding never crosses 100 % or 0, so
    a figure never hides a miss: 0.9995 → 99.9% (not 100%), 1.0004 → 100.1%, 0.00001 → 0.01%.
    """
    value = fraction * 100
    digits = 1 if abs(value) >= 10 else 2
    shown, factor = round(value, digits), 10.0**digits
    for edge in (100.0, 0.0, -100.0):
        if value < edge <= shown:
            shown = math.floor(value * factor) / factor
        elif value > edge >= shown:
            shown = math.ceil(value * factor) / factor
    text = fmt_number(shown, digits)
    if signed and value > 0:
        text = "+" + text
    return f"{text}%"


def day_span(start: dt.date, end: dt.date) -> int:
    """Days from start to end, both included."""
    return (end - start).days + 1


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"
