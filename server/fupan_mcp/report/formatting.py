"""Display of computed figures: quantities with units, percents, signed changes, dates.

Only display: the figures themselves come from the analyses. Rounding happens here and nowhere else:
the report's sections, each tool's text (`report.tool_text`), the charts, the Word export and the
figures quoted inside the analyses' finding messages all write a number with these functions, so a
figure reads the same wherever it appears. The module imports nothing but the standard library and
`i18n`, which is what lets the pure analyses use it for their messages.
"""

from __future__ import annotations

import datetime as dt
import math

from fupan_mcp.i18n import Language

COUNT_UNITS = frozenset({"人", "个", "名", "位", "单", "笔", "次", "条", "家", "场", "件", "users", "people"})
"""Units of things that are counted: a computed count is shown rounded to a whole number."""

_SCALES_ZH = (("亿", 1e8), ("万", 1e4))
_ZH_UNITS = {"d": "天", "min": "分钟", "s": "秒"}
"""Canonical units the parsers produce, written back the Chinese way."""


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
    if unit == "pp":
        return f"{number(value)}{' 个百分点' if language == 'zh' else ' pp'}"
    text = _scaled(value, unit, language, computed)
    if unit is None:
        return text
    unit = _ZH_UNITS.get(unit, unit) if language == "zh" else unit
    if language == "en" and unit.isascii() and unit.isalpha():
        return f"{text} {unit}"
    return f"{text}{unit}"


def _scaled(value: float, unit: str | None, language: Language, computed: bool) -> str:
    if not math.isfinite(value):
        return fmt_number(value)
    if computed and unit in COUNT_UNITS:
        return number(round(value), digits=0)
    magnitude = abs(value)
    if language == "zh" and magnitude >= 1e4:
        for word, factor in _SCALES_ZH:
            if magnitude >= factor:
                return f"{number(value / factor)}{word}"
    if computed and magnitude < 100:
        return number(value, fixed=True)
    return number(value, digits=2 if magnitude >= 1 else 4)


def signed_quantity(value: float, unit: str | None, language: Language) -> str:
    """A change with its sign: +6.1 个百分点, -1.1h, +842人."""
    if unit == "T+":
        unit = "天" if language == "zh" else " d"
        text = f"{number(value)}{unit}"
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

    0.392857 → 39.3%, 0.0655 → 6.55%, 0.04 → 4%, 1.3095 → 131%.
    """
    value = fraction * 100
    digits = 1 if abs(value) >= 10 else 2
    text = fmt_number(round(value, digits), digits)
    if signed and value > 0:
        text = "+" + text
    return f"{text}%"


def day_span(start: dt.date, end: dt.date) -> int:
    """Days from start to end, both included."""
    return (end - start).days + 1


def iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"
