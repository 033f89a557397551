"""Numbers as people write them: "2,842", "28.6%", "¥39.6", "1628万", "2.8 小时", "T+3".

`parse_quantity` turns one such value into a float and a canonical unit. Full-width characters are
folded (NFKC), thousands separators dropped, Chinese magnitude words (万, 亿) applied, and unit words
mapped to one spelling so that "1.7小时" and "1.7h" compare.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from typing import NamedTuple

# Canonical unit spellings. Time units convert into each other through TIME_SECONDS.
UNIT_ALIASES: dict[str, str] = {
    "%": "%",
    "pp": "pp",
    "个百分点": "pp",
    "百分点": "pp",
    "元": "元",
    "¥": "元",
    "￥": "元",
    "rmb": "元",
    "cny": "元",
    "块": "元",
    "$": "$",
    "usd": "$",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "小时": "h",
    "时": "h",
    "min": "min",
    "mins": "min",
    "minute": "min",
    "minutes": "min",
    "分钟": "min",
    "分": "min",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "秒": "s",
    "ms": "ms",
    "毫秒": "ms",
    "d": "d",
    "day": "d",
    "days": "d",
    "天": "d",
    "日": "d",
    "工作日": "workday",
    "周": "week",
    "week": "week",
    "weeks": "week",
}
TIME_SECONDS: dict[str, float] = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0, "week": 604800.0}

MAGNITUDES: dict[str, float] = {"千": 1e3, "k": 1e3, "万": 1e4, "w": 1e4, "百万": 1e6, "m": 1e6, "亿": 1e8, "b": 1e9}

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)
_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_T_PLUS = re.compile(r"^t\s*([+-])\s*(\d+(?:\.\d+)?)\s*(?:d|天|日)?$", re.IGNORECASE)


class Quantity(NamedTuple):
    """A parsed value. ``unit`` is canonical ('%', '元', 'h', 'T+'...) or None when none was written."""

    value: float
    unit: str | None


def normalize(text: str) -> str:
    """Fold full-width forms and odd spaces, drop thousands separators, lower-case ASCII."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2212", "-").replace("\u2013", "-").replace("～", "~").replace("〜", "~")
    text = _THOUSANDS.sub("", text)
    return " ".join(text.split()).lower()


def canonical_unit(unit: str | None) -> str | None:
    """The canonical spelling of a unit word, or the word itself (trimmed) if we do not know it."""
    if unit is None:
        return None
    key = normalize(unit).strip()
    if not key:
        return None
    return UNIT_ALIASES.get(key, key)


def parse_quantity(value: str | float | int) -> Quantity:
    """Parse one value. Raises ValueError with a reason a person understands."""
    if isinstance(value, bool):
        raise ValueError("expected a number, got a boolean")
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError("the number is not finite")
        return Quantity(number, None)
    text = normalize(value)
    if not text:
        raise ValueError("the value is empty")
    t_plus = _T_PLUS.match(text)
    if t_plus:
        sign = -1.0 if t_plus.group(1) == "-" else 1.0
        return Quantity(sign * float(t_plus.group(2)), "T+")
    prefix_unit: str | None = None
    for symbol in ("¥", "$", "rmb", "cny", "usd"):
        if text.startswith(symbol):
            prefix_unit = UNIT_ALIASES[symbol]
            text = text[len(symbol) :].strip()
            break
    match = _NUMBER.match(text)
    if not match:
        raise ValueError(f"no number found in {value!r}")
    number = float(match.group())
    rest = text[match.end() :].strip()
    for word, factor in sorted(MAGNITUDES.items(), key=lambda kv: -len(kv[0])):
        if rest.startswith(word) and not _unit_word_starting_with(rest, word):
            number *= factor
            rest = rest[len(word) :].strip()
            break
    if not math.isfinite(number):
        raise ValueError("the number is not finite")
    unit = prefix_unit or canonical_unit(rest) if rest else prefix_unit
    if rest and unit == rest and not _looks_like_unit(rest):
        raise ValueError(f"unexpected text after the number: {rest!r}")
    return Quantity(number, unit)


def _unit_word_starting_with(rest: str, word: str) -> bool:
    """True when ``rest`` is a known unit that merely starts like a magnitude ('min', 'ms', 'week')."""
    return any(rest.startswith(alias) and len(alias) > len(word) for alias in UNIT_ALIASES if alias[0] == word[0])


def _looks_like_unit(rest: str) -> bool:
    """Unknown units are allowed if they are short words ('条', 'users', '次/周'), not sentences."""
    return len(rest) <= 12 and not any(ch.isdigit() for ch in rest)


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float | None:
    """Convert between compatible units; None when they are incompatible.

    Equal units and a missing unit on either side pass through unchanged.
    """
    if from_unit == to_unit or from_unit is None or to_unit is None:
        return value
    if from_unit in TIME_SECONDS and to_unit in TIME_SECONDS:
        return value * TIME_SECONDS[from_unit] / TIME_SECONDS[to_unit]
    return None


# --- Magnitude-aware parsing (added for compute_attainment) ------------------------------------------

_MAGNITUDES_LONGEST_FIRST: tuple[tuple[str, float], ...] = tuple(sorted(MAGNITUDES.items(), key=lambda kv: -len(kv[0])))
# Magnitude words that may lead a unit ("万元", "万人", "k"); 千 and k only before a count or currency word,
# so that "千克" or "km" are not read as thousands.
_UNIT_MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("百万", 1e6),
    ("亿", 1e8),
    ("万", 1e4),
    ("千", 1e3),
    ("k", 1e3),
)
_SMALL_MAGNITUDES = frozenset({"千", "k"})
_COUNT_WORDS = frozenset({"元", "$", "人", "次", "条", "个", "单", "笔", "件", "户", "台", "家"})


class ScaledQuantity(NamedTuple):
    """A parsed value and the magnitude word written with it (1e4 for "1628万", 1.0 when none)."""

    value: float
    unit: str | None
    magnitude: float


# Plain ASCII numbers with an optional known unit word ("2,842", "28.6%", "39.6元", "2.8h") take a fast path
# that gives exactly what parse_quantity gives; anything else goes the full way.
_PLAIN = re.compile(r"\s*([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s?(百万|千|万|亿)?\s?([^\d\s.,+-]*)\s*")


@functools.lru_cache(maxsize=4096)
def parse_scaled_quantity(value: str | float | int) -> ScaledQuantity:
    """Like `parse_quantity`, and also tell which magnitude word (万, 亿, k...) the text carried.

    Cached: reviews repeat the same values ("≥98%", "99.2%"), and the result is an immutable tuple.
    """
    if isinstance(value, str):
        plain = _PLAIN.fullmatch(value)
        if plain and (not plain.group(3) or plain.group(3) in UNIT_ALIASES):
            unit = UNIT_ALIASES[plain.group(3)] if plain.group(3) else None
            magnitude = MAGNITUDES[plain.group(2)] if plain.group(2) else 1.0
            number = float(plain.group(1).replace(",", "")) * magnitude
            if not math.isfinite(number):
                raise ValueError("the number is too large")
            return ScaledQuantity(number, unit, magnitude)
    quantity = parse_quantity(value)
    if not isinstance(value, str):
        return ScaledQuantity(quantity.value, quantity.unit, 1.0)
    return ScaledQuantity(quantity.value, quantity.unit, _written_magnitude(normalize(value)))


def _written_magnitude(text: str) -> float:
    """The factor of the magnitude word right after the first number, as `parse_quantity` applies it."""
    match = _NUMBER.search(text)
    if match is None:
        return 1.0
    rest = text[match.end() :].strip()
    for word, factor in _MAGNITUDES_LONGEST_FIRST:
        if rest.startswith(word) and not _unit_word_starting_with(rest, word):
            return factor
    return 1.0


def split_magnitude_unit(unit: str | None) -> tuple[str | None, float]:
    """Split a unit that carries a magnitude: "万元" -> ("元", 1e4), "万" -> (None, 1e4), "h" -> ("h", 1)."""
    canonical = canonical_unit(unit)
    if canonical is None or canonical in UNIT_ALIASES.values():
        return canonical, 1.0
    for word, factor in _UNIT_MAGNITUDES:
        if not canonical.startswith(word):
            continue
        rest = canonical[len(word) :].strip()
        base = canonical_unit(rest) if rest else None
        if word in _SMALL_MAGNITUDES and base is not None and base not in _COUNT_WORDS:
            return canonical, 1.0
        return base, factor
    return canonical, 1.0
