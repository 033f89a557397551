"""Figures written back for people: a value with its unit, a percent, in the user's language.

The inverse of `domain.numbers`: what is written here reads back to the same value (tested as a round
trip). Rules:

- zh writes time units in words (天, 小时, 分钟, 秒, 毫秒, 周, 工作日), never d/h/min/s; en spells them
  with the right plural ("1 day", "2 days", "1.5 hours"), milliseconds as "ms".
- zh writes amounts of 10,000 and more in 万 / 亿 when that is exact to two decimals, and a unit that
  carries a magnitude (万元, 亿元, 万人) is composed once: 12,000 万元 is "1.2亿元", never "1.2万万元".
  en writes currency amounts of a million and more in M / B ("$1.2M").
- Currency symbols stand before the number ($1.2M, ¥120万, €30); the word 元 follows the number in zh.
- A rank is "第2名" / "#2"; percentage points are "5个百分点" / "5 pp"; T+N days "T+1".
- Numbers: thousands separators, two decimals from 1 up and four below, trailing zeros dropped.
- `percent` is `numfmt.percent`, the report's: it never rounds a value below 100 % up to "100%"
  (99.95 % shows as 99.9 %), nor a value above 0 down to "0%": a rounded figure never hides a miss.
"""

from __future__ import annotations

import math

from fupan_mcp import numfmt
from fupan_mcp.domain.numbers import split_magnitude_unit
from fupan_mcp.i18n import Language, Table, tr
from fupan_mcp.numfmt import fmt_number

__all__ = ["clean", "format_number", "format_value", "percent", "unit_word"]

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
    "rank.one": {"zh": "第{n}名", "en": "#{n}"},
    "rank.many": {"zh": "第{n}名", "en": "#{n}"},
    "pp.one": {"zh": "{n}个百分点", "en": "{n} pp"},
    "pp.many": {"zh": "{n}个百分点", "en": "{n} pp"},
    "bp.one": {"zh": "{n}个基点", "en": "{n} bp"},
    "bp.many": {"zh": "{n}个基点", "en": "{n} bp"},
    "yuan": {"zh": "{sign}{n}元", "en": "{sign}¥{n}"},
}
_WORD_UNITS = frozenset({"d", "h", "min", "s", "ms", "week", "workday", "rank", "pp", "bp"})
_SYMBOLS_BEFORE = {"$": "$", "€": "€", "£": "£"}
_SCALES_ZH = (("亿", 1e8), ("万", 1e4))
_SCALES_EN = (("B", 1e9), ("M", 1e6))
_PLAIN_SCALES: dict[Language, tuple[tuple[str, float], ...]] = {"zh": _SCALES_ZH, "en": ()}
"""Amounts without a currency: zh writes 万/亿, en keeps the digits."""
_MONEY_SCALES: dict[Language, tuple[tuple[str, float], ...]] = {"zh": _SCALES_ZH, "en": _SCALES_EN}
_CURRENCIES = frozenset({"$", "€", "£", "元"})
_SIGNIFICANT = 12


def clean(value: float | None) -> float | None:
    """``value`` rounded to 12 significant digits: binary noise (1.2000000000000028) gone, meaning kept."""
    if value is None or value == 0 or not math.isfinite(value):
        return value
    return float(f"{value:.{_SIGNIFICANT}g}")


def format_number(value: float, digits: int | None = None) -> str:
    """A plain number: separators, 2 decimals from 1 up and 4 below (or ``digits``), zeros trimmed."""
    places = digits if digits is not None else (2 if abs(value) >= 1 else 4)
    return fmt_number(round(value, places), places)


def _scaled(value: float, scales: tuple[tuple[str, float], ...]) -> str | None:
    magnitude = abs(value)
    for word, factor in scales:
        scaled = value / factor
        if magnitude >= factor and math.isclose(round(scaled, 2), scaled, rel_tol=1e-9, abs_tol=1e-12):
            return f"{format_number(scaled)}{word}"
    return None


def format_value(value: float | None, unit: str | None, language: Language) -> str:
    """``value`` in ``unit`` written for people (see the module docstring); "—" for None."""
    if value is None:
        return "—"
    if unit == "T+":
        return f"T+{format_number(value)}"
    if unit in ("%", "‰"):
        return f"{format_number(value)}{unit}"
    if unit in _WORD_UNITS:
        plural = "one" if math.isclose(abs(value), 1.0) else "many"
        return tr(_TEXT, f"{unit}.{plural}", language, n=format_number(value))
    base, scale = split_magnitude_unit(unit)
    if scale != 1.0:
        return format_value(value * scale, base, language)
    if base in _CURRENCIES:
        return _money(value, base, language)
    number = _scaled(value, _PLAIN_SCALES[language]) or format_number(value)
    if base is None:
        return number
    if base[:1].isascii() and base[:1].isalpha():
        return f"{number} {base}"
    return f"{number}{base}"


def _money(value: float, currency: str, language: Language) -> str:
    number = _scaled(abs(value), _MONEY_SCALES[language]) or format_number(abs(value))
    sign = "-" if value < 0 else ""
    if currency == "元":
        return tr(_TEXT, "yuan", language, sign=sign, n=number)
    return f"{sign}{_SYMBOLS_BEFORE[currency]}{number}"


def unit_word(unit: str | None, language: Language) -> str:
    """The unit alone, as it follows a number ("小时", "hours"), for headers and labels."""
    if unit is None:
        return ""
    if unit in _WORD_UNITS:
        return tr(_TEXT, f"{unit}.many", language, n="").strip()
    return unit


def percent(fraction: float, *, signed: bool = False) -> str:
    """A fraction as a percent, rounded by the one rule of `numfmt.percent` (one decimal from 10 % up,
    two below, trailing zeros dropped, never across 100 % or 0): 0.392857 → "39.3%", 1.3095 → "131%".

    The statements quote the figures the report's tables show, so they round them the same way."""
    return numfmt.percent(fraction, signed=signed)
