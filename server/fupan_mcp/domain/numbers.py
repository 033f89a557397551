"""Numbers as people write them: "2,842", "28.6%", "¥39.6", "1628万", "2.8 小时", "T+3", "约5,200", "6h40m".

`read_value` turns one such value into a `Value`: a float, a canonical unit, the magnitude word written with
it and whether it was an approximation. `parse_quantity` and `parse_scaled_quantity` are the narrower views
the KPI and action modules use. Rules, in the order they apply:

1. The text is folded (NFKC, so full-width ``１２％`` reads as ``12%``; odd minus signs and tildes unified;
   thousands separators dropped). ASCII is compared lower-cased, but data units keep their case (``Mb`` is
   megabits, ``MB`` megabytes; ``mb`` reads as megabytes).
2. Approximation words are dropped and the value is flagged ``approximate``: 约, 大约, 近, 将近, 接近, 超过,
   逾, 不到, 不足, 左右, 上下, 多/余 after the number ("100多万"), ``~``, ``≈``, ``about``, ``around``,
   ``nearly``, ``over``, ``more than``, ``less than``, ``under``, a trailing ``+`` ("5,000+").
3. Chinese numerals become digits: 一千二百 → 1200, 两百 → 200, 三万五 → 35000, 三点五 → 3.5, 零 → 0;
   百分之三十 → 30%; 三成 → 30% (三成五 → 35%); 半小时 → 0.5 h, 一个半小时 → 1.5 h. (Our own converter: the
   forms are few and fixed, and a dependency would bring its own number grammar to reconcile with ours.)
4. Special forms: ``T+N`` (a day count); a fraction ``3/5`` (a share, 60 %); a compound duration
   ``6h40m``, ``1小时20分``, ``18小时44分钟``, ``2d3h``, ``1 hour 20 minutes`` (in its smallest unit) or a
   clock span ``1:20:00`` (h:mm:ss, in seconds; ``1:20`` is refused as ambiguous); a rank ``第2名``,
   ``排名第3``, ``No.1``, ``#2``, ``rank 2``, ``2nd``, ``TOP3`` (unit ``rank``; "TOP3" is approximate).
5. Otherwise: an optional currency before the number (``$ ¥ € £ USD RMB CNY EUR``), the number, an optional
   magnitude word (千 万 百万 亿, k, m, b / bn, mn, million, billion), and a unit word. ``M`` of ``MB`` or
   ``Mbps`` is part of the unit, never a magnitude.

Units are canonical: ``%``, ``‰``, ``bp`` (basis points), ``pp``; ``元 $ € £``; ``ms s min h d week``;
``B KB MB GB TB PB KiB MiB GiB TiB`` and ``bps kbps Mbps Gbps Tbps B/s KB/s MB/s GB/s``; ``rank``; ``T+``.
`convert` converts within a family: time, data sizes (SI and binary), data rates (bits and bytes), and the
ratio family (``‰`` → ``%`` ×0.1, ``bp`` → ``%`` or ``pp`` ×0.01). Errors are `NumberError` (a
``ValueError``) with a stable ``code`` and the parameters a localized message needs.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from typing import NamedTuple

__all__ = [
    "MAGNITUDES",
    "TIME_SECONDS",
    "UNIT_ALIASES",
    "NumberError",
    "Quantity",
    "ScaledQuantity",
    "Value",
    "canonical_unit",
    "chinese_to_digits",
    "convert",
    "english_to_digits",
    "normalize",
    "parse_quantity",
    "parse_scaled_quantity",
    "ratio_value",
    "read_value",
    "singular_noun",
    "split_magnitude_unit",
]


class NumberError(ValueError):
    """A value that cannot be read. ``str()`` is an English reason; ``code`` and ``params`` localize it."""

    def __init__(self, code: str, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.code = code
        self.params = params


# --- units -------------------------------------------------------------------------------------------

# Canonical unit spellings (keys are lower-case: `canonical_unit` lower-cases before the lookup).
UNIT_ALIASES: dict[str, str] = {
    "%": "%",
    "percent": "%",
    "‰": "‰",
    "permille": "‰",
    "per mille": "‰",
    "千分点": "‰",
    "‱": "bp",
    "bp": "bp",
    "bps": "bp",
    "基点": "bp",
    "个基点": "bp",
    "basis point": "bp",
    "basis points": "bp",
    "pp": "pp",
    "个百分点": "pp",
    "百分点": "pp",
    "个点": "pp",
    "percentage point": "pp",
    "percentage points": "pp",
    "元": "元",
    "¥": "元",
    "￥": "元",
    "rmb": "元",
    "cny": "元",
    "块": "元",
    "块钱": "元",
    "人民币": "元",
    "$": "$",
    "usd": "$",
    "us$": "$",
    "美元": "$",
    "美金": "$",
    "dollar": "$",
    "dollars": "$",
    "€": "€",
    "eur": "€",
    "euro": "€",
    "euros": "€",
    "欧元": "€",
    "£": "£",
    "gbp": "£",
    "英镑": "£",
    "h": "h",
    "hr": "h",
    "hrs": "h",
    "hour": "h",
    "hours": "h",
    "小时": "h",
    "个小时": "h",
    "钟头": "h",
    "个钟头": "h",
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
    "秒钟": "s",
    "ms": "ms",
    "millisecond": "ms",
    "milliseconds": "ms",
    "毫秒": "ms",
    "d": "d",
    "day": "d",
    "days": "d",
    "天": "d",
    "日": "d",
    "自然日": "d",
    "工作日": "workday",
    "个工作日": "workday",
    "个自然日": "d",
    "工作小时": "workhour",
    "个工作小时": "workhour",
    "business hour": "workhour",
    "business hours": "workhour",
    "working hour": "workhour",
    "working hours": "workhour",
    "workhour": "workhour",
    "workday": "workday",
    "workdays": "workday",
    "working day": "workday",
    "working days": "workday",
    "business day": "workday",
    "business days": "workday",
    "周": "week",
    "星期": "week",
    "个星期": "week",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "wks": "week",
    "pt": "pt",
    "pts": "pt",
    "point": "pt",
    "points": "pt",
    "rank": "rank",
    "名次": "rank",
    "排名": "rank",
}
TIME_SECONDS: dict[str, float] = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0, "week": 604800.0}

# Data sizes in bytes and data rates in bits per second. Canonical spellings keep their case.
_SI = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15}
_BINARY = {"Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40, "Pi": 2.0**50}
DATA_BYTES: dict[str, float] = {f"{p}B": f for p, f in (_SI | _BINARY).items()} | {
    f"{p}bit": f / 8 for p, f in _SI.items()
}
DATA_RATES: dict[str, float] = {f"{p.lower() if p == 'K' else p}bps": f for p, f in _SI.items()} | {
    f"{p}B/s": f * 8 for p, f in (_SI | _BINARY).items()
}
RATIO_PERCENT: dict[str, float] = {"%": 1.0, "‰": 0.1, "bp": 0.01}
_DATA_UNIT = re.compile(r"(?P<prefix>[kKmMgGtTpP]i?)?(?P<base>bytes?|B|bits?|b)(?P<rate>ps|/s|/sec|每秒)?")
for _unit in list(DATA_BYTES) + list(DATA_RATES):
    UNIT_ALIASES.setdefault(_unit.lower(), _unit)
UNIT_ALIASES.update({"kb": "KB", "kbps": "kbps", "b": "B", "byte": "B", "bytes": "B"})
del _unit

MAGNITUDES: dict[str, float] = {
    "千": 1e3,
    "k": 1e3,
    "万": 1e4,
    "w": 1e4,
    "百万": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "mil": 1e6,  # "$3 mil", "3 mln users" (a letter after it is a word: "5 miles")
    "mln": 1e6,
    "亿": 1e8,
    "万亿": 1e12,
    "b": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "billion": 1e9,
    "thousand": 1e3,
    "千万": 1e7,
}
KNOWN_UNITS: frozenset[str] = frozenset(
    {*UNIT_ALIASES, *UNIT_ALIASES.values(), *TIME_SECONDS, *DATA_BYTES, *DATA_RATES, *RATIO_PERCENT}
)
"""Every unit spelling the reader knows (as written and canonical): a word outside it is a counted noun."""
_MAGNITUDES_LONGEST_FIRST: tuple[tuple[str, float], ...] = tuple(sorted(MAGNITUDES.items(), key=lambda kv: -len(kv[0])))
_CURRENCY_PREFIXES = ("us$", "usd", "rmb", "cny", "eur", "gbp", "$", "¥", "€", "£")


def _data_unit(text: str) -> str | None:
    """The canonical data size or rate unit of ``text`` (case-sensitive), or None.

    A prefix is required for the short forms: a bare "B" is a billion and a bare "bps" are basis points;
    write "bytes" or "bit/s" for those.
    """
    match = _DATA_UNIT.fullmatch(text.strip())
    if match is None:
        return None
    raw_prefix, base, rate = match["prefix"] or "", match["base"], match["rate"]
    if not raw_prefix and base in ("B", "b"):
        return None
    is_bit = base.startswith("bit") or (base == "b" and raw_prefix[:1].isupper())
    prefix = raw_prefix[:1].upper() + raw_prefix[1:]
    bits_per_second = f"{'k' if prefix == 'K' else prefix}bps"
    if rate == "ps":
        return bits_per_second if base in ("b", "bit", "bits") and bits_per_second in DATA_RATES else None
    if rate:
        if is_bit:
            return bits_per_second if bits_per_second in DATA_RATES else None
        unit = f"{prefix}B/s"
        return unit if unit in DATA_RATES else None
    unit = f"{prefix}bit" if is_bit else f"{prefix}B"
    return unit if unit in DATA_BYTES else None


class Quantity(NamedTuple):
    """A parsed value. ``unit`` is canonical ('%', '元', 'h', 'T+'...) or None when none was written."""

    value: float
    unit: str | None


class ScaledQuantity(NamedTuple):
    """A parsed value and the magnitude word written with it (1e4 for "1628万", 1.0 when none)."""

    value: float
    unit: str | None
    magnitude: float


class Value(NamedTuple):
    """Everything read from one value: number, canonical unit, magnitude word factor, approximation."""

    value: float
    unit: str | None
    magnitude: float = 1.0
    approximate: bool = False


# --- folding -----------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_SPACE_THOUSANDS = re.compile(r"(?<![\w.])\d{1,3}(?: \d{3})+(?![\d])")
"""'1 200', '12 500 000' (a space, a no-break or thin space after NFKC, between groups of three): one number.
A number glued to a label ('P95 200ms') is not a first group."""


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2212", "-").replace("\u2013", "-").replace("～", "~").replace("〜", "~")
    text = _THOUSANDS.sub("", text)
    text = " ".join(text.split())
    return _SPACE_THOUSANDS.sub(lambda match: match.group().replace(" ", ""), text) if " " in text else text


_SEV_CLASS = re.compile(r"\bsev[-\s]([0-4])\b", re.IGNORECASE)
"""'Sev-1', 'SEV 2': a severity class, one word (the hyphen is no range, the digit no second figure)."""


def normalize(text: str) -> str:
    """Fold full-width forms and odd spaces, drop thousands separators, lower-case ASCII; a severity class
    is one word ('Sev-1' is 'sev1')."""
    folded = _fold(text).lower()
    return _SEV_CLASS.sub(r"sev\1", folded) if "sev" in folded else folded


UNIT_CACHE = 1024
"""Unit spellings whose readings are kept (a pure function of a short text, asked several times for each
figure a tool writes)."""


@functools.lru_cache(maxsize=UNIT_CACHE)
def canonical_unit(unit: str | None) -> str | None:
    """The canonical spelling of a unit word, or the word itself (trimmed) if we do not know it.

    Cached per distinct spelling: the formatter asks for the unit of every figure it writes (a
    10,000-node tree asks 100,000 times for a handful of units)."""
    if unit is None:
        return None
    folded = _fold(unit).strip()
    if not folded:
        return None
    data = _data_unit(folded)
    if data is not None and folded.lower() not in ("b", "bps", "bp"):
        return data
    key = _english_period(folded.lower())
    return UNIT_ALIASES.get(key, key)


_PERIOD_UNIT = re.compile(r"^(?P<base>[$€£¥]|[a-z]*)\s*/\s*(?P<period>月|周|天|日|年|季度|小时|[a-z]+)$")
_EN_PERIODS = {
    "月": "month", "周": "week", "天": "day", "日": "day", "年": "year", "季度": "quarter", "小时": "hour",
    "mo": "month", "wk": "week", "yr": "year", "hr": "hour",
    "month": "month", "week": "week", "day": "day", "year": "year", "quarter": "quarter", "hour": "hour",
}  # fmt: skip


def _english_period(key: str) -> str:
    """A figure per period with no counted word in Chinese ('$/月', '/month', '5/月') is one unit whichever
    language wrote its period: '$/month', 'per month' (as 'no more than 5 per month' reads)."""
    if "/" not in key:
        return key
    match = _PERIOD_UNIT.match(key)
    period = _EN_PERIODS.get(match.group("period")) if match else None
    if match is None or period is None:
        return key
    return f"{match.group('base')}/{period}" if match.group("base") else f"per {period}"


# --- Chinese numerals --------------------------------------------------------------------------------

_CN_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_RUN = re.compile(
    r"(?<![万亿千百])[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*"
    r"(?:点[零〇一二三四五六七八九]+)?"
)
_CN_PERCENT = re.compile(r"百分之\s?(\d+(?:\.\d+)?)")
_CN_PERMILLE = re.compile(r"千分之\s?(\d+(?:\.\d+)?)")
_CN_PERMYRIAD = re.compile(r"万分之\s?(\d+(?:\.\d+)?)")
"""万分之五 is 5‱, 5 basis points (0.05%): read as 5 with no unit, 0.06% passed '万分之五以下' as 0.06 ≤ 5."""
_CN_FRACTION = re.compile(r"(?<![\d.])(\d+)\s?分之\s?(\d+(?:\.\d+)?)")
_CN_TENTHS = re.compile(r"(\d+(?:\.\d+)?)成(\d)?(?![功本交员绩果熟立])")
_CN_GE_MAGNITUDE = re.compile(r"(?<=\d)\s?个\s?(?=万亿|亿|千万|百万|万)")
"""'3个亿', '一个亿' (colloquial): the 个 kept the 亿 from the number, read as 3 and 'not achieved'."""
_CN_TENTHS_OFF = re.compile(r"(?<![\d.])([1-9])([0-9])\s?折(?![扣旧算合损叠返])")
"""'85折' / 八五折 is 8.5折 (85 % of the price), never 85折: two digits before 折 are its tenths."""
_CN_HALF_HOUR = re.compile(r"(\d+)\s?个半(小时|钟头|月|天)")
_CN_HALF = re.compile(r"(?<![\d减砍折对一])半(个?小时|个?钟头|天|个月|年)")


def _cn_integer(text: str) -> int:
    """Value of a run of Chinese numerals without a decimal point (一千二百, 三万五, 二〇二四)."""
    if not any(ch in _CN_SMALL or ch in _CN_BIG for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total = section = number = 0
    last_unit = 1
    previous = ""
    for ch in text:
        if ch in _CN_DIGITS:
            number = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (number or (1 if previous in ("", "零", "〇") or previous in _CN_BIG else 0)) * _CN_SMALL[ch]
            number = 0
            last_unit = _CN_SMALL[ch]
        else:
            big = _CN_BIG[ch]
            section += number
            number = 0
            total = (total + section) * big if big > total + section or big == 100_000_000 else total + section * big
            section = 0
            last_unit = big
        previous = ch
    if number and previous in _CN_DIGITS and len(text) >= 2 and text[-2] in {**_CN_SMALL, **_CN_BIG}:
        number *= max(last_unit // 10, 1)  # 一千二 = 1200, 三万五 = 35000 (the unit below is implied)
    return total + section + number


def _cn_run_to_digits(run: str) -> str:
    whole, _, fraction = run.partition("点")
    tail = ""
    if whole and whole[-1] in _CN_BIG and len(whole) > 1 and not fraction:
        tail = whole[-1]
        value = _cn_integer(whole) / _CN_BIG[tail]
        text = f"{value:.10g}"
        return f"{text}{tail}"
    number = str(_cn_integer(whole)) if whole else "0"
    if fraction:
        number += "." + "".join(str(_CN_DIGITS[ch]) for ch in fraction)
    return number + tail


def chinese_to_digits(text: str) -> str:
    """Replace Chinese numerals with digits: 百分之三十 → 30%, 三成 → 30%, 一千二百元 → 1200元."""
    if not any("\u4e00" <= ch <= "\u9fff" or ch == "〇" for ch in text):
        return text
    text = _CN_RUN.sub(lambda m: _cn_run_to_digits(m.group()), text)
    text = _CN_PERCENT.sub(r"\1%", text)
    text = _CN_PERMILLE.sub(r"\1‰", text)
    if "个" in text:
        text = _CN_GE_MAGNITUDE.sub("", text)
    text = _CN_PERMYRIAD.sub(r"\1‱", text)
    if "分之" in text:
        text = _CN_FRACTION.sub(_cn_fraction, text)
    text = _CN_TENTHS.sub(lambda m: f"{_trim(float(m[1]) * 10 + int(m[2] or 0))}%", text)
    if "折" in text:
        text = _CN_TENTHS_OFF.sub(r"\1.\2折", text)
    text = _CN_HALF_HOUR.sub(lambda m: f"{int(m[1]) + 0.5:g}{m[2]}", text)
    return _CN_HALF.sub(lambda m: f"0.5{m[1]}", text)


def _cn_fraction(match: re.Match[str]) -> str:
    """三分之一 (read as 3分之1) is one third: 33.33…%; 十分之一 is 10%."""
    denominator = float(match[1])
    if denominator == 0:
        return match.group()
    return f"{float(match[2]) / denominator * 100!r}%"


def _trim(value: float) -> str:
    return f"{value:.12g}"


# --- English number words ----------------------------------------------------------------------------

_EN_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90
}  # fmt: skip
_EN_UNIT_WORDS = "|".join(sorted(_EN_UNITS, key=len, reverse=True))
_EN_TENS_WORDS = "|".join(_EN_TENS)
_EN_BELOW_HUNDRED = rf"(?:(?:{_EN_TENS_WORDS})(?:[- ](?:{_EN_UNIT_WORDS}))?|{_EN_UNIT_WORDS})"
_EN_NUMBER = re.compile(
    rf"(?<![\w-])(?P<words>(?:(?:{_EN_BELOW_HUNDRED}|a)\shundred(?:\s(?:and\s)?{_EN_BELOW_HUNDRED})?"
    rf"|{_EN_BELOW_HUNDRED}|a\sdozen|half\sa\sdozen|(?:{_EN_BELOW_HUNDRED})\sdozen))"
    r"(?P<half>\sand\sa\shalf)?"
    r"(?![\w-]|\s(?:of|another|nines?|9s|thirds?|quarters?|fifths?|tenths?|halves|by\sone)\b|'s)"
)
_EN_ONE_GUARD = re.compile(r"(?:\bno|\bany|\bevery|\bsome|\beach|\bthe|\bthis|\bthat|\bwhich|\bonly)\s$")


def _en_below_hundred(words: str) -> int:
    tens, _, unit = words.replace("-", " ").partition(" ")
    if tens in _EN_TENS:
        return _EN_TENS[tens] + (_EN_UNITS[unit] if unit else 0)
    return _EN_UNITS[words]


def _en_value(words: str) -> float:
    if words.endswith("dozen"):
        head = words[: -len("dozen")].strip()
        count = 0.5 if head == "half a" else 1 if head == "a" else _en_below_hundred(head)
        return 12 * count
    head, hundred, tail = words.partition(" hundred")
    if not hundred:
        return _en_below_hundred(words)
    count = 1 if head == "a" else _en_below_hundred(head)
    tail = tail.strip().removeprefix("and ").strip()
    return count * 100 + (_en_below_hundred(tail) if tail else 0)


def english_to_digits(text: str) -> str:
    """English number words as digits, in a lower-cased text: 'two hours' → '2 hours', 'twenty-five' → '25',
    'a dozen customers' → '12 customers', 'one and a half days' → '1.5 days', 'ten%' → '10%'. Words that
    name no count stay: 'no one', 'one of', 'one-off', 'two-factor'; 'four nines' and 'two thirds' are read
    by their own forms."""
    if not any(word in text for word in ("one", "two", "thr", "fou", "fiv", "six", "sev", "eig", "nin", "ten",
                                         "ele", "twe", "fif", "thi", "for", "dozen", "hundred")):  # fmt: skip
        return text

    def digits(match: re.Match[str]) -> str:
        words = match["words"]
        if words == "one" and _EN_ONE_GUARD.search(text[: match.start()]):
            return match.group()
        value = _en_value(words) + (0.5 if match["half"] else 0)
        return _trim(value)

    return _EN_NUMBER.sub(digits, text)


# --- approximations ----------------------------------------------------------------------------------

_APPROX_PREFIX = re.compile(
    r"^(?:约为|约合|约|大约|大概|差不多|近|将近|接近|超过|超|逾|不到|不足|多于|少于|~|≈|≈|"
    r"about|approx\.?|approximately|around|roughly|nearly|almost|close to|circa|c\.|over|more than|"
    r"less than|under|just over|just under|some)\s?(?=[-+$¥€£\d.]|usd|rmb|cny|us\$)"
)
_APPROX_SUFFIX = re.compile(r"(?:\s?(?:左右|上下|出头|or so|ish)|(?<=\d)\+|(?<=\d[kmb%])\+|(?<=\dbn)\+)$")
_APPROX_INNER = re.compile(r"(?<=\d)[多余](?=\s?(?:[万亿千百]|个|[a-z]|$))|(?<=\d)\+(?=\s?[a-z\u4e00-\u9fff])")


_FOOTNOTE = re.compile(r"(?<=[\d%a-z])\s?(?:\*+|†|‡)$")
_ESTIMATE_NOTE = re.compile(
    r"\s?\((?:est\.?|estimated?|prelim\.?|preliminary|approx\.?|approximate(?:ly)?|provisional)\)$"
)
_NOT_ACTUAL_NOTE = re.compile(
    r"\s?\((?:forecast|fcst|projected|projection|expected|target|plan|planned|goal|budget|tbc|tbd|"
    r"run[- ]rate|annuali[sz]ed|pro[- ]forma)\)$"
)


def _strip_approximation(text: str) -> tuple[str, bool]:
    """'~12k', '12k+', '约1.2万' and '12k (est.)' are approximate; a footnote mark ('99.9%*') goes; a figure
    marked as no measurement ('$5.2M (forecast)', '(target)', '(run-rate)') is refused: it was taken with
    '(forecast)' as its unit, and judged as if it were the actual."""
    approximate = False
    if text.endswith(")"):
        if _NOT_ACTUAL_NOTE.search(text):
            raise NumberError("text_around_number", f"not a measured value: {text!r}", text=text.strip())
        estimate = _ESTIMATE_NOTE.search(text)
        if estimate and estimate.start() > 0:
            text, approximate = text[: estimate.start()], True
    elif text.endswith(("*", "†", "‡")):
        text = _FOOTNOTE.sub("", text)
    match = _APPROX_PREFIX.match(text)
    if match:
        text, approximate = text[match.end() :], True
    match = _APPROX_SUFFIX.search(text)
    if match and match.start() > 0:
        text, approximate = text[: match.start()].rstrip(), True
    stripped = _APPROX_INNER.sub("", text)
    return stripped, approximate or stripped != text


# --- special forms -----------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)
_T_PLUS = re.compile(r"^t\s*([+-])\s*(\d+(?:\.\d+)?)\s*(?:d|天|日)?$", re.IGNORECASE)
_FRACTION = re.compile(r"^(\d+(?:\.\d+)?)\s?(?:/|out of)\s?(\d+(?:\.\d+)?)(?:\s?(?:stars?|points?|pts?|分|星|颗星))?$")
"""'3/5', '4 out of 5', '4.5/5 stars', '4.5/5分': a share of the scale (the rating word was text around it)."""
_DURATION_UNIT = (
    r"(?:天|日|days?|d|个小时|小时|个钟头|钟头|hours?|hrs?|h|分钟|分|minutes?|mins?|m|秒钟|秒|seconds?|secs?|s|毫秒|ms)"
)
_DURATION_PART = re.compile(rf"(\d+(?:\.\d+)?)\s?({_DURATION_UNIT})(?![a-z])\s?(?:and\s)?(?:零\s?)?")
_DURATION_UNIT_SECONDS = {"m": 60.0}
_CLOCK = re.compile(r"^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$")
_CLOCK_SHORT = re.compile(r"^\d+:[0-5]\d$")
_RATIO = re.compile(r"^(\d+(?:\.\d+)?)\s?[:：]\s?(\d+(?:\.\d+)?)$")
"""'1:2.5' (ROI, 投入产出比 1:3), '3:1' (LTV:CAC): one side is 1, the figure is the other; its orientation is its
unit ('1:' or ':1'), so '1:3' never meets '3:1' silently. '2:3' is refused: 1.5 or 0.67?"""
_RANK = re.compile(
    r"^(?:(?:排名|排行|名列|位列|位居)?第\s?(\d+)\s?(?:名|位)?|(?:排名|rank(?:ed)?)\s?#?\s?(\d+)|no\.?\s?(\d+)"
    r"|#\s?(\d+)|(\d+)(?:st|nd|rd|th)(?:\s?place)?|(\d+)\s?名次)$"
)
_TOP = re.compile(r"^(?:进入|位列|排名|排进)?(?:top\s?|前\s?)(\d+)\s?(?:名|位)?$")


def _duration(text: str) -> Value | None:
    """A compound duration (two or more parts, largest unit first), in its smallest unit."""
    position = 0
    parts: list[tuple[float, str]] = []
    while position < len(text):
        match = _DURATION_PART.match(text, position)
        if match is None:
            return None
        unit = "min" if match[2] == "m" else UNIT_ALIASES[match[2]]
        parts.append((float(match[1]), unit))
        position = match.end()
    if len(parts) < 2:
        return None
    seconds = [TIME_SECONDS[unit] for _, unit in parts]
    if any(later >= earlier for earlier, later in itertools.pairwise(seconds)):
        return None
    smallest = parts[-1][1]
    total = sum(value * TIME_SECONDS[unit] for value, unit in parts) / TIME_SECONDS[smallest]
    return Value(total, smallest)


def _special(text: str) -> Value | None:
    t_plus = _T_PLUS.match(text)
    if t_plus:
        sign = -1.0 if t_plus.group(1) == "-" else 1.0
        return Value(sign * float(t_plus.group(2)), "T+")
    fraction = _FRACTION.match(text)
    if fraction:
        denominator = float(fraction[2])
        if denominator == 0:
            raise NumberError("zero_denominator", f"the fraction {text!r} divides by zero", text=text)
        return Value(float(fraction[1]) / denominator * 100, "%")
    clock = _CLOCK.match(text)
    if clock:
        return Value(int(clock[1]) * 3600 + int(clock[2]) * 60 + float(clock[3]), "s")
    if _CLOCK_SHORT.match(text):
        raise NumberError("ambiguous_clock", f"{text!r} could be h:mm or mm:ss; write 1小时20分 or 1:20:00", text=text)
    ratio = _RATIO.match(text) if ":" in text or "：" in text else None
    if ratio:
        first, second = float(ratio[1]), float(ratio[2])
        if first == 1:
            return Value(second, "1:")
        if second == 1:
            return Value(first, ":1")
        raise NumberError("ambiguous_ratio", f"{text!r} is no ratio to 1: write 1:{second / first:.3g}", text=text)
    rank = _RANK.match(text)
    if rank:
        return Value(float(next(group for group in rank.groups() if group)), "rank")
    top = _TOP.match(text)
    if top:
        return Value(float(top[1]), "rank", approximate=True)
    if text[:1].isdigit():
        return _duration(text)
    return None


@functools.lru_cache(maxsize=1024)
def ratio_value(text: str) -> Value | None:
    """'1:20' or '3:1' read as a ratio, where the context says the figure is one (a ratio's name, 'LTV:CAC',
    'nurse-to-patient ratio', '投入产出比'): `read_value` refuses '1:20' alone as h:mm or mm:ss. None for any
    other text, and for a ratio with no side of 1 ('2:3')."""
    if ":" not in text and "：" not in text:
        return None
    ratio = _RATIO.match(_fold(text).strip())
    if ratio is None:
        return None
    first, second = float(ratio[1]), float(ratio[2])
    if first == 1:
        return Value(second, "1:")
    if second == 1:
        return Value(first, ":1")
    return None


# --- the reader --------------------------------------------------------------------------------------


_SIGN_BEFORE_CURRENCY = re.compile(r"^-\s?([¥$€£])")
"""'-¥25B', '-$3M': the minus sign written before the currency symbol, as '¥-25B'."""


@functools.lru_cache(maxsize=8192)
def read_value(value: str | float | int) -> Value:
    """Read one value (see the module docstring). Raises `NumberError`."""
    if isinstance(value, bool):
        raise NumberError("boolean", "expected a number, got a boolean")
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            raise NumberError("not_finite", "the number is not finite")
        return Value(number, None)
    cased = _SIGN_BEFORE_CURRENCY.sub(r"\1-", chinese_to_digits(_fold(value)))
    if "sev" in cased.lower():  # 'Sev-1 incidents': one class word, as targets read it (its case kept)
        cased = _SEV_CLASS.sub(lambda match: match.group()[:3] + match.group(1), cased)
    text = cased.lower()
    if text[:1].isalpha() and text.isascii():
        spoken = english_to_digits(text)  # 'two hours', 'a dozen': the case goes with the words
        if spoken != text:
            text = cased = spoken
    if len(text) != len(cased):  # lower() changed the length: no case-sensitive units then
        cased = text
    if not text:
        raise NumberError("empty", "the value is empty")
    if text[:1] in _PER_LEADS:
        text, cased = _per_suffix(text), _per_suffix(cased)
    stripped, approximate = _strip_approximation(text)
    if stripped != text:
        cased = _realign(cased, stripped)
        text = stripped
    special = _special(text)
    if special is not None:
        return special._replace(approximate=approximate or special.approximate)
    prefix_unit: str | None = None
    for symbol in _CURRENCY_PREFIXES:
        if text.startswith(symbol):
            prefix_unit = UNIT_ALIASES[symbol]
            cut = len(text) - len(text[len(symbol) :].lstrip())
            text, cased = text[cut:], cased[cut:]
            break
    match = _NUMBER.match(text)
    if not match:
        if _NUMBER.search(text):
            raise NumberError(
                "text_around_number", f"unexpected text around the number in {value!r}", text=value.strip()
            )
        raise NumberError("no_number", f"no number found in {value!r}", text=value.strip())
    number = float(match.group())
    rest, cased_rest = text[match.end() :].strip(), cased[match.end() :].strip()
    magnitude = 1.0
    data = _data_unit(cased_rest)
    if data is None:
        for word, factor in _MAGNITUDES_LONGEST_FIRST:
            if rest.startswith(word) and not _glued_word(rest, word) and not _unit_word_starting_with(rest, word):
                magnitude = factor
                cut = len(word)
                rest, cased_rest = rest[cut:].strip(), cased_rest[cut:].strip()
                data = _data_unit(cased_rest)
                break
    number *= magnitude
    if not math.isfinite(number):
        raise NumberError("not_finite", "the number is too large")
    if prefix_unit is not None and rest.startswith(("per ", "a ", "each ")) and _PER_WORD.fullmatch(rest):
        cut = rest.index(" ") + 1  # '$3 per user', '$10 a month': the currency per that word, as '$3/user'
        rest, cased_rest = "/" + rest[cut:], "/" + cased_rest[cut:]
    unit = data or (canonical_unit(rest) if rest else None)
    if prefix_unit is not None and rest.startswith("/") and rest[1:].strip() and _looks_like_unit(rest[1:].strip()):
        unit = canonical_unit(prefix_unit + "/" + cased_rest[1:].strip())  # "¥86.5/单" is 86.5 元/单
    elif prefix_unit is not None:
        if unit is not None and unit != prefix_unit:
            raise NumberError("text_around_number", f"unexpected text after the number: {rest!r}", text=value.strip())
        unit = prefix_unit
    elif rest and unit == rest and not _looks_like_unit(rest):
        raise NumberError("text_around_number", f"unexpected text after the number: {rest!r}", text=value.strip())
    return Value(number, unit, magnitude, approximate)


_PER_WORD = re.compile(r"(?:per|a|each) [a-z][a-z-]{1,20}")
"""'per user', 'a month', 'each order': one counted word after a currency figure."""
_PER_LEADS = frozenset("每人平户店场日月周")
_PER_PREFIX = re.compile(
    r"^(?:每\s?(?P<per>周|星期|月|天|日|年|季度|小时|人|单|笔|件|户|店|台|位|张|次)|[日月周]均|人均|平均|户均|店均|场均)"
    r"\s?(?=[\d.])"
)


def _per_suffix(text: str) -> str:
    """'每周2次' is 2次/周 (a rate written before the number); '人均', '平均', '日均' are qualifiers, not
    units ('人均10单/天' is 10单/天, '日均10万' is 10万)."""
    match = _PER_PREFIX.match(text)
    if match is None:
        return text
    per = match["per"]
    rest = text[match.end() :]
    return f"{rest}/{per}" if per and "/" not in rest else rest


def _realign(cased: str, stripped: str) -> str:
    """The case-preserving twin of ``stripped`` (a lower-cased slice of ``cased`` with words removed)."""
    index = cased.lower().find(stripped)
    return cased[index : index + len(stripped)] if index >= 0 else stripped


def parse_quantity(value: str | float | int) -> Quantity:
    """Parse one value into (number, canonical unit). Raises `NumberError` (a ValueError)."""
    read = read_value(value)
    return Quantity(read.value, read.unit)


def parse_scaled_quantity(value: str | float | int) -> ScaledQuantity:
    """Like `parse_quantity`, and also tell which magnitude word (万, 亿, k...) the text carried."""
    read = read_value(value)
    return ScaledQuantity(read.value, read.unit, read.magnitude)


def _glued_word(rest: str, word: str) -> bool:
    """True when a Latin magnitude letter is only the start of a word: "50 bugs" is 50 bugs, not 50 billion
    "ugs"; "12 months", "20 members", "3 kids", "2 B2B deals" likewise (50b, 50bn, 10k users, 1.2M are
    magnitudes)."""
    return word.isascii() and len(rest) > len(word) and rest[len(word)].isascii() and rest[len(word)].isalnum()


def _unit_word_starting_with(rest: str, word: str) -> bool:
    """True when ``rest`` is a known unit that merely starts like a magnitude ('min', 'ms', 'week')."""
    return any(rest.startswith(alias) and len(alias) > len(word) for alias in UNIT_ALIASES if alias[0] == word[0])


_SEVERITY_UNIT = re.compile(r"(?:p|sev|s)[0-4]s?(?:\s[a-z]+){0,3}|[起次个]?(?:p|sev|s)[0-4]级?[\u4e00-\u9fff]{0,4}")


_COMPARATIVE = re.compile(
    r"^(?:%|pp)?\s?(?:more|fewer|less|higher|lower|greater|bigger|larger|smaller|faster|slower|cheaper|better|worse|"
    r"up|down|above|below|over|under)(?![a-z])"
    r"|(?:^|\s)(?:or|and)\s(?:more|fewer|less|higher|lower|greater|above|below|over|under|up|better|worse)(?![a-z])"
    r"|(?:^|\s)(?:at least|at most|minimum|maximum|max)$"
)
"""'25% fewer', '500 more signups', '30% down', '20 or more', '5 minimum': a comparison, never a unit. Read as a
unit, '% fewer' made '25% fewer' a level of 25 (met by any count under 25), and 'or more' made '20 or more' a bare
level, which a lower-is-better name ('defects fixed') then turned into a ceiling."""


_NOTE_IN_UNIT = re.compile(r"\([a-z][a-z .,'-]*\)|[↑↓⬆⬇]")
"""'12k (unaudited)', '0 (zero)', '12% ↑': a note or an arrow after the figure is no unit."""


def _looks_like_unit(rest: str) -> bool:
    """Unknown units are allowed if they are short words ('条', '次/周', 'users', 'data loss'), not phrases.

    Chinese up to 4 characters, other words up to 24 characters in at most three words ('customer
    complaints', 'incidents per quarter'); no digits, and no mix of Chinese and Latin letters ('pct左右的水平'
    is a phrase, not a unit).
    """
    if _COMPARATIVE.search(rest) or _NOTE_IN_UNIT.search(rest):
        return False
    if any(ch.isdigit() for ch in rest):
        return bool(_SEVERITY_UNIT.fullmatch(rest))  # "5 P1s", "3 sev2 incidents": a class, not a number
    letters = rest.replace("/", "").replace(" ", "")
    chinese = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff")
    if chinese and chinese != len(letters):
        return False
    return len(rest) <= 4 if chinese else len(rest) <= 24 and len(rest.split()) <= 3


_SIBILANT_PLURAL = re.compile(r"(?:s|x|z|ch|sh)es$")
_NOT_PLURALS = frozenset({"news", "series", "species", "kudos", "means", "lens", "gas", "bias", "chaos"})


def singular_noun(word: str) -> str:
    """An English noun in the singular, for agreement after 1 and for telling 'complaint' and 'complaints'
    apart from two different units: 'complaints' -> 'complaint', 'queries' -> 'query', 'boxes' -> 'box'.
    Words that only look plural ('status', 'analysis', 'news') and short ones ('ms', 'pts') stay."""
    lower = word.lower()
    if len(word) < 4 or not word.isalpha() or lower in _NOT_PLURALS or lower.endswith(("ss", "us", "is")):
        return word
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + ("Y" if word.isupper() else "y")
    if _SIBILANT_PLURAL.search(lower):
        return word[:-2]
    return word[:-1] if lower.endswith("s") else word


def convert(value: float, from_unit: str | None, to_unit: str | None) -> float | None:
    """Convert between compatible units; None when they are incompatible.

    Equal units and a missing unit on either side pass through unchanged. Families: time, data sizes,
    data rates, and ratios (‰ and basis points into percent; basis points into percentage points).
    """
    if from_unit == to_unit or from_unit is None or to_unit is None:
        return value
    for family in (TIME_SECONDS, DATA_BYTES, DATA_RATES, RATIO_PERCENT):
        if from_unit in family and to_unit in family:
            return value * family[from_unit] / family[to_unit]
    if from_unit == "bp" and to_unit == "pp":
        return value / 100
    if from_unit == "pp" and to_unit == "bp":
        return value * 100
    return None


# --- magnitude-carrying units ------------------------------------------------------------------------

# Magnitude words that may lead a unit ("万元", "万人", "k"); 千 and k only before a count or currency word,
# so that "千克" or "km" are not read as thousands.
_UNIT_MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("百万", 1e6),
    ("千万", 1e7),
    ("亿", 1e8),
    ("万", 1e4),
    ("千", 1e3),
    ("k", 1e3),
)
_SMALL_MAGNITUDES = frozenset({"千", "k"})
_COUNT_WORDS = frozenset({"元", "$", "€", "£", "人", "次", "条", "个", "单", "笔", "件", "户", "台", "家"})
_CURRENCY_SCALED = re.compile(
    r"^(?:(?P<c1>\$|usd|us\$|元|¥|rmb|cny|€|eur|£|gbp)\s?(?P<m1>k|m|mn|b|bn|thousand|million|billion)"
    r"|(?P<m2>k|m|mn|b|bn|thousand|million|billion)\s?(?P<c2>\$|usd|us\$|元|rmb|cny|€|eur|£|gbp|dollars?|euros?))$"
)


@functools.lru_cache(maxsize=UNIT_CACHE)
def split_magnitude_unit(unit: str | None) -> tuple[str | None, float]:
    """Split a unit that carries a magnitude: "万元" -> ("元", 1e4), "$M" -> ("$", 1e6), "h" -> ("h", 1).
    Cached per distinct spelling, as `canonical_unit`."""
    canonical = canonical_unit(unit)
    if canonical is None or canonical in UNIT_ALIASES.values():
        return canonical, 1.0
    scaled = _CURRENCY_SCALED.match(canonical)
    if scaled:
        currency = scaled["c1"] or scaled["c2"]
        word = scaled["m1"] or scaled["m2"]
        return UNIT_ALIASES.get(currency, UNIT_ALIASES.get(currency.rstrip("s"), "$")), MAGNITUDES[word]
    for word, factor in _UNIT_MAGNITUDES:
        if not canonical.startswith(word):
            continue
        rest = canonical[len(word) :].strip()
        base = canonical_unit(rest) if rest else None
        if word in _SMALL_MAGNITUDES and base is not None and base not in _COUNT_WORDS:
            return canonical, 1.0
        return base, factor
    return canonical, 1.0
