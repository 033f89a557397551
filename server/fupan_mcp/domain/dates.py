"""Dates as people write them, read against a reference date (the review's date).

``read_date(text, reference)`` is a pure function: no clock, no locale, no I/O. It reads

- absolute dates: ``2025-07-03``, ``2025/7/3``, ``2025.7.3``, ``20250703``, ``2025年7月3日``/``号``,
  ``July 3, 2025``, ``3 Jul 2025`` (a time of day after the date is ignored);
- dates without a year, in the reference's year: ``7月3日``, ``7/3``, ``July 3``, ``6月底``,
  ``7月中旬``;
- offsets from the reference: ``T+30`` (``D+30``, ``+30d``), ``30天内``, ``4周内``, ``4-6周内`` (the
  later bound), ``两个月后``, ``5个工作日内`` (Monday to Friday, no holiday calendar), ``in 2 weeks``,
  ``within 10 business days``;
- named points: ``今天``, ``明天``, ``下周五``, ``本周五``/``周五前`` (the next Friday after the
  reference), ``下周`` (Friday of next week), ``月底前``/``by end of month``/``EOM``, ``下月底``,
  ``季度末``/``EOQ``, ``Q3``, ``年底``/``EOY``, ``上半年``/``H2``.

Wrappers people put around a date are dropped first: ``截止``, ``于``, ``前``, ``之前``, ``完成``,
``by``, ``before``, ``due``, ``no later than``. A week runs Monday to Sunday and its working end is
Friday, so "end of week" and "下周" land on a Friday. "Next Friday" is read as 下周五 (the Friday of
the following week).

Why not a date library: ``dateparser`` (the well-kept general one) is large and slow to import for a
server that answers ``initialize`` in under a second, reads ``T+30``, ``4周内`` and ``月底前`` wrongly
or not at all, and resolves against the clock unless configured; review due dates are a small closed
language, so this module spells it out and tests every form.

`HumanDate` is the pydantic type for date fields: ISO and every absolute form always; relative and
year-less forms when a reference is set with `reference_date` (the review sets its own date while
its document is validated; the MCP shell sets today's date around each tool call).
"""

from __future__ import annotations

import calendar
import contextlib
import contextvars
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from fupan_mcp.limits import MAX_DATE_CHARS

__all__ = [
    "DATE_ERROR_TYPE",
    "EN_SMALL_NUMBERS",
    "BoundedDate",
    "DateCode",
    "DateReading",
    "HumanDate",
    "current_reference",
    "read_date",
    "reference_date",
]

DateCode = Literal["unreadable", "vague", "needs_reference", "invalid_date"]
"""Why a text gave no date: not a date; a date-like word with no date in it (尽快, ASAP); a relative
or year-less date with no reference to resolve it against; a day that does not exist (2025-02-30)."""

DATE_ERROR_TYPE = "fupan_date"
"""The pydantic error type `HumanDate` raises; its context carries ``code`` and ``text``."""


@dataclass(frozen=True)
class DateReading:
    """What a date text says: the date, whether it needed the reference, or why there is none."""

    text: str
    date: dt.date | None = None
    relative: bool = False
    error: DateCode | None = None


_REFERENCE: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("fupan_reference_date", default=None)


@contextlib.contextmanager
def reference_date(day: dt.date | None) -> Iterator[None]:
    """Resolve relative dates validated inside this block against ``day`` (None: keep the outer one)."""
    if day is None:
        yield
        return
    token = _REFERENCE.set(day)
    try:
        yield
    finally:
        _REFERENCE.reset(token)


def current_reference() -> dt.date | None:
    return _REFERENCE.get()


# --------------------------------------------------------------------------------------------- words

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
EN_SMALL_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_WEEKDAYS_CN = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_WEEKDAYS_EN = {
    name: index
    for index, names in enumerate(
        (
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        )
    )
    for name in names
}
_FRIDAY = 4

_NUM = r"\d{1,3}|[零〇一二两三四五六七八九十]{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"


def _number(word: str) -> int | None:
    """12, 十二, 两, twelve -> int; None for anything else."""
    if word.isdigit():
        return int(word)
    if word in EN_SMALL_NUMBERS:
        return EN_SMALL_NUMBERS[word]
    if word == "半":
        return None
    if "十" in word:
        tens, _, units = word.partition("十")
        high = _CN_DIGITS.get(tens, -1) if tens else 1
        low = _CN_DIGITS.get(units, -1) if units else 0
        return None if high < 0 or low < 0 else high * 10 + low
    if len(word) == 1 and word in _CN_DIGITS:
        return _CN_DIGITS[word]
    return None


# ------------------------------------------------------------------------------------------ helpers


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _quarter_end(year: int, quarter: int) -> dt.date:
    return _month_end(year, quarter * 3)


def _add_working_days(day: dt.date, count: int) -> dt.date:
    while count > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _week_day(reference: dt.date, weekday: int, weeks_ahead: int) -> dt.date:
    """The ``weekday`` of the week ``weeks_ahead`` after the reference's (weeks start on Monday)."""
    monday = reference - dt.timedelta(days=reference.weekday())
    return monday + dt.timedelta(days=7 * weeks_ahead + weekday)


def _coming(reference: dt.date, weekday: int) -> dt.date:
    """The first ``weekday`` strictly after the reference."""
    return reference + dt.timedelta(days=(weekday - reference.weekday() - 1) % 7 + 1)


# ------------------------------------------------------------------------------------------ clean-up

_LEADING = re.compile(
    r"^(?:no\s+later\s+than|not\s+later\s+than|on\s+or\s+before|by\s+the|by|before|due(?:\s+date)?|deadline|until|"
    r"till|on|at|in\s+the|截止(?:日期|时间)?(?:到|至|于)?|截至|最迟|最晚|不晚于|预计|计划|需在|需|须在|应在|在|于|到|至)"
    r"(?:\s*[:：]\s*|\s+|(?=[\d一二两三四五六七八九十本下这今明后上月年季周星礼t+d]))",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:\s*(?:前|之前|以前|截止|为止|止|完成|交付|上线|落地|结束|到期|左右|（含）|\(含\)))+$|\s*(?:at\s+the\s+latest|latest)$",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    value = unicodedata.normalize("NFKC", text).strip().strip("。.,，;；!！").strip()
    value = re.sub(r"\s+", " ", value)
    for _ in range(3):
        before = value
        value = _LEADING.sub("", value).strip()
        value = _TRAILING.sub("", value).strip()
        if value == before:
            break
    return value


# ---------------------------------------------------------------------------------------- patterns

_TIME_TAIL = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_ISO = re.compile(rf"(\d{{4}})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*[日号]?{_TIME_TAIL}", re.IGNORECASE)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH_DAY_CN = re.compile(
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]"
)
_MONTH_DAY_SLASH = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})")
_MONTH_PART_CN = re.compile(
    r"(?:(\d{4})\s*年\s*)?(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?:份)?\s*(底|末|初|上旬|中旬|下旬|中)"
)
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_EN_MDY = re.compile(rf"({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*,?\s*(\d{{4}}))?", re.IGNORECASE)
_EN_DMY = re.compile(
    rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\.?(?:\s*,?\s*(\d{{4}}))?", re.IGNORECASE
)
_EN_MONTH_END = re.compile(rf"(?:the\s+)?end\s+of\s+({_MONTH_NAMES})(?:\s+(\d{{4}}))?", re.IGNORECASE)
_T_PLUS = re.compile(r"[td]\s*\+\s*(\d{1,4})\s*(天|日|d|days?|w|weeks?|周|m|months?|个月|月)?", re.IGNORECASE)
_PLUS = re.compile(r"\+\s*(\d{1,4})\s*(d|days?|天|w|weeks?|周)", re.IGNORECASE)
_AMOUNT_CN = re.compile(
    rf"({_NUM}|半)\s*(?:[-~～到至]\s*({_NUM})\s*)?(个?工作日|天|日|个?(?:星期|礼拜)|周|个半月|个月|年)"
    r"\s*(?:内|以内|之内|后|之后|以后)?"
)
_AMOUNT_EN = re.compile(
    rf"(?:in|within|after)?\s*(?:the\s+next\s+)?({_NUM})\s*(?:(?:-|–|to)\s*({_NUM})\s*)?"
    r"(business\s+days?|working\s+days?|days?|weeks?|months?|years?)(?:\s+(?:from\s+(?:now|today|the\s+review)|"
    r"after(?:\s+the\s+review)?|later|time))?",
    re.IGNORECASE,
)
_WEEKDAY_CN = re.compile(r"(下下|下个?|本|这个?|今)?\s*(?:周|星期|礼拜)\s*([一二三四五六日天七])")
_WEEKDAY_EN = re.compile(
    rf"(next|this|coming|the\s+coming)?\s*({'|'.join(sorted(_WEEKDAYS_EN, key=len, reverse=True))})\.?",
    re.IGNORECASE,
)
_QUARTER = re.compile(
    r"(?:(\d{4})\s*(?:年\s*)?)?(?:q([1-4])|第?([一二三四])季度)(?:\s*(\d{4}))?\s*(?:末|底|结束)?", re.I
)
_HALF = re.compile(r"(?:(\d{4})\s*(?:年\s*)?)?(?:h([12])|(上|下)半年)(?:\s*(\d{4}))?\s*(?:末|底)?", re.IGNORECASE)
_VAGUE = re.compile(
    r"尽快|尽早|近期|立即|马上|立刻|待定|待确认|持续|长期|随时|asap|as\s+soon\s+as\s+possible|soon|tbd|tba|ongoing|"
    r"continuous(?:ly)?|immediately|when\s+possible",
    re.IGNORECASE,
)


def _named(value: str, reference: dt.date) -> dt.date | None:
    """Named points in time relative to the reference, or None."""
    key = value.casefold().replace(" ", "")
    year, month = reference.year, reference.month
    quarter = (month - 1) // 3 + 1
    next_quarter_year, next_quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    next_month = _add_months(dt.date(year, month, 1), 1)
    table: dict[tuple[str, ...], dt.date] = {
        ("今天", "今日", "当天", "当日", "today", "t"): reference,
        ("明天", "明日", "次日", "tomorrow"): reference + dt.timedelta(days=1),
        ("后天", "thedayaftertomorrow", "dayaftertomorrow"): reference + dt.timedelta(days=2),
        (
            "本周",
            "这周",
            "本周内",
            "本周末前",
            "周内",
            "endofweek",
            "endoftheweek",
            "eow",
            "thisweek",
            "endofthisweek",
        ): (_week_day(reference, _FRIDAY, 0)),
        ("周末", "本周末", "这周末", "thisweekend", "weekend", "theweekend"): _week_day(reference, 6, 0),
        ("下周", "下周内", "下个星期", "下星期", "下礼拜", "nextweek", "endofnextweek", "下周末前"): (
            _week_day(reference, _FRIDAY, 1)
        ),
        ("下周末", "nextweekend"): _week_day(reference, 6, 1),
        ("下下周", "weekafternext", "theweekafternext"): _week_day(reference, _FRIDAY, 2),
        (
            "月底",
            "月末",
            "本月底",
            "本月末",
            "本月",
            "这个月",
            "当月",
            "本月内",
            "月内",
            "endofmonth",
            "endofthemonth",
            "eom",
            "thismonth",
            "endofthismonth",
            "monthend",
            "month-end",
        ): _month_end(year, month),
        ("下月底", "下个月底", "下月末", "下个月末", "下月", "下个月", "nextmonth", "endofnextmonth"): (
            _month_end(next_month.year, next_month.month)
        ),
        (
            "季度末",
            "季末",
            "本季度末",
            "本季度",
            "本季末",
            "当季",
            "endofquarter",
            "endofthequarter",
            "eoq",
            "thisquarter",
            "quarterend",
            "quarter-end",
            "endofthisquarter",
        ): _quarter_end(year, quarter),
        ("下季度", "下季度末", "下个季度", "nextquarter", "endofnextquarter"): _quarter_end(
            next_quarter_year, next_quarter
        ),
        (
            "年底",
            "年末",
            "本年底",
            "今年底",
            "今年年底",
            "今年",
            "本年度",
            "年内",
            "endofyear",
            "endoftheyear",
            "eoy",
            "thisyear",
            "year-end",
            "yearend",
            "endofthisyear",
        ): dt.date(year, 12, 31),
        ("明年", "明年底", "nextyear", "endofnextyear"): dt.date(year + 1, 12, 31),
    }
    for keys, day in table.items():
        if key in keys:
            return day
    return None


def _year_or(reference: dt.date | None, year: str | None) -> int | None:
    if year:
        return int(year)
    return reference.year if reference is not None else None


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_date(text: str, reference: dt.date | None = None) -> DateReading:
    """Read one date from ``text``; relative and year-less forms are resolved against ``reference``."""
    original = text
    value = _clean(text)
    if not value:
        return DateReading(original, error="unreadable")

    def absolute(year: int, month: int, day: int) -> DateReading:
        found = _make(year, month, day)
        return DateReading(original, found, error=None if found else "invalid_date")

    def relative(found: dt.date | None) -> DateReading:
        if reference is None:
            return DateReading(original, relative=True, error="needs_reference")
        return DateReading(original, found, relative=True, error=None if found else "invalid_date")

    if match := _ISO.fullmatch(value):
        return absolute(int(match[1]), int(match[2]), int(match[3]))
    if match := _COMPACT.fullmatch(value):
        return absolute(int(match[1]), int(match[2]), int(match[3]))
    if match := _EN_MDY.fullmatch(value):
        month, day = _MONTHS[match[1].lower()], int(match[2])
        if match[3]:
            return absolute(int(match[3]), month, day)
        return relative(_make(reference.year, month, day) if reference else None)
    if match := _EN_DMY.fullmatch(value):
        day, month = int(match[1]), _MONTHS[match[2].lower()]
        if match[3]:
            return absolute(int(match[3]), month, day)
        return relative(_make(reference.year, month, day) if reference else None)
    if match := re.fullmatch(r"(\d{4})\s*年\s*" + _MONTH_DAY_CN.pattern, value):
        cn_month, cn_day = _number(match[2]), _number(match[3])
        if cn_month is None or cn_day is None:
            return DateReading(original, error="unreadable")
        return absolute(int(match[1]), cn_month, cn_day)
    if match := _MONTH_DAY_CN.fullmatch(value):
        cn_month, cn_day = _number(match[1]), _number(match[2])
        if cn_month is None or cn_day is None:
            return DateReading(original, error="unreadable")
        return relative(_make(reference.year, cn_month, cn_day) if reference else None)
    if match := _MONTH_DAY_SLASH.fullmatch(value):
        return relative(_make(reference.year, int(match[1]), int(match[2])) if reference else None)
    if match := _MONTH_PART_CN.fullmatch(value):
        part_month = _number(match[2])
        if part_month is None or not 1 <= part_month <= 12:
            return DateReading(original, error="invalid_date")
        month = part_month
        year = _year_or(reference, match[1])
        if year is None:
            return DateReading(original, relative=True, error="needs_reference")
        part = match[3]
        part_day = {"初": 5, "上旬": 10, "中旬": 20, "中": 15}.get(part)
        found = dt.date(year, month, part_day) if part_day else _month_end(year, month)
        return DateReading(original, found) if match[1] else relative(found)
    if match := _EN_MONTH_END.fullmatch(value):
        month = _MONTHS[match[1].lower()]
        year = _year_or(reference, match[2])
        if year is None:
            return DateReading(original, relative=True, error="needs_reference")
        return DateReading(original, _month_end(year, month)) if match[2] else relative(_month_end(year, month))
    if match := _QUARTER.fullmatch(value):
        quarter = int(match[2]) if match[2] else " 一二三四".index(match[3])
        year_text = match[1] or match[4]
        year = _year_or(reference, year_text)
        if year is None:
            return DateReading(original, relative=True, error="needs_reference")
        found = _quarter_end(year, quarter)
        return DateReading(original, found) if year_text else relative(found)
    if match := _HALF.fullmatch(value):
        half = int(match[2]) if match[2] else (1 if match[3] == "上" else 2)
        year_text = match[1] or match[4]
        year = _year_or(reference, year_text)
        if year is None:
            return DateReading(original, relative=True, error="needs_reference")
        found = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        return DateReading(original, found) if year_text else relative(found)

    offset = _offset(value)
    if offset is not None:
        return relative(offset(reference) if reference else None)
    if reference is None:
        probe = _named(value, dt.date(2000, 1, 3))
        if probe is not None:
            return DateReading(original, relative=True, error="needs_reference")
    else:
        named = _named(value, reference)
        if named is not None:
            return DateReading(original, named, relative=True)
    if _VAGUE.search(value):
        return DateReading(original, error="vague")
    return DateReading(original, error="unreadable")


def _offset(value: str) -> Callable[[dt.date], dt.date | None] | None:
    """A function of the reference for offsets and weekdays, or None when ``value`` is neither."""
    if match := _T_PLUS.fullmatch(value):
        return _amount_resolver(int(match[1]), int(match[1]), (match[2] or "d").lower())
    if match := _PLUS.fullmatch(value):
        return _amount_resolver(int(match[1]), int(match[1]), match[2].lower())
    if match := _AMOUNT_CN.fullmatch(value):
        return _cn_amount(match)
    if match := _AMOUNT_EN.fullmatch(value.lower()):
        low, high = _number(match[1]), _number(match[2]) if match[2] else None
        if low is None:
            return None
        return _amount_resolver(low, high if high is not None else low, re.sub(r"\s+", " ", match[3]))
    if match := _WEEKDAY_CN.fullmatch(value):
        weekday = _WEEKDAYS_CN[match[2]]
        which = (match[1] or "").replace("个", "")
        weeks = {"下下": 2, "下": 1}.get(which)
        if weeks is not None:
            return lambda ref: _week_day(ref, weekday, weeks)
        return lambda ref: _coming(ref, weekday)
    if match := _WEEKDAY_EN.fullmatch(value.lower()):
        weekday = _WEEKDAYS_EN[match[2]]
        if match[1] == "next":
            return lambda ref: _week_day(ref, weekday, 1)
        return lambda ref: _coming(ref, weekday)
    return None


class _Resolver:
    """A date computed from the reference (see `_amount_resolver`)."""

    def __init__(self, amount: int, unit: str) -> None:
        self.amount, self.unit = amount, unit

    def __call__(self, reference: dt.date) -> dt.date | None:
        unit, amount = self.unit, self.amount
        try:
            if unit in {"d", "day", "days", "天", "日"}:
                return reference + dt.timedelta(days=amount)
            if unit in {"w", "week", "weeks", "周", "星期", "礼拜"}:
                return reference + dt.timedelta(days=7 * amount)
            if unit in {"m", "month", "months", "个月", "月"}:
                return _add_months(reference, amount)
            if unit in {"year", "years", "年"}:
                return _add_months(reference, 12 * amount)
            if unit in {"工作日", "business day", "business days", "working day", "working days"}:
                return _add_working_days(reference, amount)
            if unit == "half_month":
                return reference + dt.timedelta(days=15 * amount)
        except OverflowError:
            return None
        return None


def _amount_resolver(low: int, high: int, unit: str) -> _Resolver:
    """A range ('4-6周') resolves to its later bound."""
    unit = unit.strip()
    unit = {"business day": "business days", "working day": "working days"}.get(unit, unit)
    return _Resolver(max(low, high), unit)


def _cn_amount(match: re.Match[str]) -> _Resolver | None:
    unit = match[3].replace("个", "") if match[3] != "个半月" else "个半月"
    if unit in {"星期", "礼拜"}:
        unit = "周"
    if match[1] == "半":
        if unit in {"月", "个月"}:
            return _Resolver(1, "half_month")
        if unit == "年":
            return _Resolver(6, "月")
        return None
    low = _number(match[1])
    high = _number(match[2]) if match[2] else low
    if low is None or high is None:
        return None
    if unit == "个半月":
        return _Resolver(2 * max(low, high) + 1, "half_month")
    return _amount_resolver(low, high, unit)


# -------------------------------------------------------------------------------------- pydantic type


def _bounded(value: object) -> object:
    """A date text longer than `MAX_DATE_CHARS` is refused before anything reads it (pydantic's own
    ``string_too_long``, so it is described like any text over its bound)."""
    if isinstance(value, str) and len(value) > MAX_DATE_CHARS:
        raise PydanticCustomError(
            "string_too_long", "String should have at most {max_length} characters", {"max_length": MAX_DATE_CHARS}
        )
    return value


_DATE_SCHEMA = WithJsonSchema({"type": "string", "format": "date", "maxLength": MAX_DATE_CHARS})

BoundedDate = Annotated[dt.date, BeforeValidator(_bounded), _DATE_SCHEMA]
"""A date field read by pydantic itself (or by its model's own validator): YYYY-MM-DD, at most
`MAX_DATE_CHARS` characters of text."""


def _human_date(value: object) -> object:
    """Validator of `HumanDate`: a date text becomes a date, or a `fupan_date` error saying why not."""
    if not isinstance(value, str):
        return value
    _bounded(value)
    reading = read_date(value, current_reference())
    if reading.date is not None:
        return reading.date
    raise PydanticCustomError(
        DATE_ERROR_TYPE,
        "cannot read {text!r} as a date ({code}); write YYYY-MM-DD, e.g. 2025-07-03",
        {"code": reading.error or "unreadable", "text": value[:80].encode("utf-8", "replace").decode("utf-8")},
    )


HumanDate = Annotated[dt.date, BeforeValidator(_human_date), _DATE_SCHEMA]
"""A date field that also takes '2025年7月3日', '2025/7/3', '7月3日', 'T+30', '下周五', '月底前'..."""
