"""How one timeline event's ``at`` is read: the forms public postmortems write, and a reason when it cannot be.

Pure: text and context in, a `ParsedAt` out. Two steps: `_written` takes the text apart (a date, a day
word, a time of day, a zone, or an offset from the first event) without any context; `read_at` puts it
on the calendar with what the events before it say (their date, the first event, the review's zone).

Read forms (each may end with a zone: ``UTC``, ``Z``, ``+08:00``, ``(UTC+8)``, ``PST``, ``北京时间``, an IANA name):

- ``2017-02-28T17:37Z``, ``2024-03-10 01:45 PST``, ``2024/03/10 15:10``, ``2024年3月10日 16:00``;
- ``Feb 28, 2017 9:37 AM``, ``28 Feb 2017 09:37``, ``October 22, 2022 at 00:47 UTC``, ``2018 October 21 22:52 UTC``;
- a date without a year (``3月10日 14:05``, ``Oct 21 22:52``): the year of the event before, else of the first
  dated event, else of the review date;
- a time of day alone: ``14:05``, ``3:20am``, ``2:05 p.m.``, ``09:37 AM PST``, ``14点20分``, ``下午2:35``,
  ``凌晨2点``, ``晚上11点半``: the date of the event before — the next day when it is more than an hour
  earlier than that event (``23:50`` then ``00:10``), which is reported;
- a day word: ``次日 09:30``, ``第二天 03:00``, ``next day 03:00``, ``00:20 next day``, ``09:30 次日`` (the day
  after the event before); a day of the month alone, ``28日早上7点31分``, ``12号 09:00`` (the nearest such day
  to the event before's date, another month said),
  ``Day 2 03:00``, ``第2天 03:00`` (counted from the first event's day, which is day 1);
- ``T+15m``, ``T+1h05``, ``T+1:05``, ``T+2d``, ``T0``: after the first event;
- ``D+1 03:00``, ``D-1 22:00`` and a day marker after the time, ``00:10 (+1)``, ``03:00 +1d``, ``(+2 days)``:
  days after the first event's day (a bare ``+1`` may be a day or UTC+1: refused; ``UTC+8`` is a zone);
- ``noon``, ``12 noon``, ``中午``; ``midnight``, ``午夜``: 00:00 (a dated midnight is flagged: the start of that
  day is used, the end may be meant);
- ``14:05:33``, ``14h05``, ``1405Z``, ``1405 hrs``, ``11.57 am``, ``[14:05]``, ``starting at 7:38 UTC``;
- a day of the week: with a date it must agree (``2024-03-12 (Wed)`` is refused: a Tuesday); with a time alone
  it picks that day, on or after the event before's (``Tue 14:05``);
- a span ``14:05–14:20``, ``23:20-00:10``, ``2:00 PM – 2:30 PM PST``, ``下午1点至3点`` (the end keeps the start's
  下午 and the zone written after it): `ParsedAt.at` is the start and `ParsedAt.end` the end; an end before
  the start is refused. ``2024-03-10T14:05-07:00`` stays an ISO offset;
- a time with its length, ``09:40 UTC (lasting 48 minutes)``, ``14:03 for 2 hours and 17 minutes``,
  ``14:03起持续约2小时``: a span to the end the length gives (elapsed time); a span with its length,
  ``12:20–14:40 (140 minutes)``, is refused when the two disagree, and a bound (``over 2 hours``, ``一个多小时``)
  is refused, never read as a length. An approximate length (``约2小时``) makes only the end approximate;
- one instant in two zones, ``09:37 PST (17:37 UTC)``, ``… PST / 17:37 UTC``: read once, refused when the two
  clocks disagree;
- approximate: ``~14:05``, ``≈14:05``, ``约14:05``, ``14:05左右``, ``around 2pm``, ``about``, ``approx.``,
  ``by 7:00am``, ``shortly after 14:05``: read as written and `ParsedAt.approximate` set.

Zone abbreviations with one meaning are read (UTC, GMT, Z, PST/PDT, MST/MDT, CDT, EST/EDT, AKST/AKDT, HST,
WET/WEST, CET/CEST, EET/EEST, MSK, JST, KST, HKT, SGT, AWST, ACST/ACDT, AEST/AEDT, NZST/NZDT, IST is not
one of them); PT, MT, CT, ET and 北京时间 name a zone with its daylight saving. CST, IST, BST and AST have
several meanings: they are refused unless the review's ``timezone`` uses that abbreviation on that date
(Asia/Shanghai for CST as China, America/Chicago for CST as US Central, Europe/London for BST...).
A local time that the review's zone skips (02:30 on 2024-03-10 in Los Angeles) does not exist: refused.
One that it has twice (01:30 on 2024-11-03) is read as the one after the event before, and flagged.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from typing import NamedTuple

from fupan_mcp.domain.dates import EN_SMALL_NUMBERS

__all__ = ["AtNote", "ParsedAt", "parse_zone", "read_at", "timeline_year"]

# --------------------------------------------------------------------------- zones

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_UTC_NAMES = frozenset({"z", "utc", "gmt", "zulu", "ut"})

_FIXED: dict[str, int] = {
    "WET": 0,
    "WEST": 60,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "PST": -480,
    "PDT": -420,
    "MST": -420,
    "MDT": -360,
    "CDT": -300,
    "EST": -300,
    "EDT": -240,
    "AKST": -540,
    "AKDT": -480,
    "HST": -600,
    "JST": 540,
    "KST": 540,
    "HKT": 480,
    "SGT": 480,
    "AWST": 480,
    "ACST": 570,
    "ACDT": 630,
    "AEST": 600,
    "AEDT": 660,
    "NZST": 720,
    "NZDT": 780,
}
"""Abbreviations with one meaning in incident reports, as minutes east of UTC."""

_NAMED: dict[str, str] = {
    "PT": "America/Los_Angeles",
    "MT": "America/Denver",
    "CT": "America/Chicago",
    "ET": "America/New_York",
    "北京时间": "Asia/Shanghai",
    "BJT": "Asia/Shanghai",
}
"""Names of a zone with its daylight saving: the offset depends on the date."""

_AMBIGUOUS: dict[str, tuple[tuple[str, int], ...]] = {
    "CST": (("China Standard Time", 480), ("US Central Standard Time", -360), ("Cuba Standard Time", -300)),
    "IST": (("India Standard Time", 330), ("Israel Standard Time", 120), ("Irish Standard Time", 60)),
    "BST": (("British Summer Time", 60), ("Bangladesh Standard Time", 360)),
    "AST": (("Atlantic Standard Time", -240), ("Arabia Standard Time", 180)),
}
"""Abbreviations with several meanings: refused unless the review's zone settles them."""


def _fixed(minutes: int) -> dt.timezone:
    return dt.timezone.utc if minutes == 0 else dt.timezone(dt.timedelta(minutes=minutes))


def parse_zone(value: str) -> dt.tzinfo | None:
    """A zone from an IANA name ('Asia/Shanghai'), 'UTC'/'Z', an offset ('+08:00', 'UTC-7') or a name that
    follows daylight saving ('PT', 'ET', '北京时间'); None if unknown. 'PST' is not a zone (it is an offset)."""
    text = unicodedata.normalize("NFKC", value).strip()
    if text.casefold() in _UTC_NAMES:
        return dt.timezone.utc
    named = _NAMED.get(text.upper()) or _NAMED.get(text)
    if named is not None:
        return zoneinfo.ZoneInfo(named)
    match = _OFFSET.match(text)
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if hours > 14 or minutes not in (0, 30, 45):  # every zone's offset is whole, half or three quarters
            return None
        delta = dt.timedelta(hours=hours, minutes=minutes)
        return dt.timezone(-delta if sign == "-" else delta)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*", text):
        return None
    try:
        return zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _follows_dst(token: str) -> bool:
    """True when the written zone ('ET', 'Pacific', 'America/New_York') changes its offset with the season, so
    that a time without a date has no offset to UTC: never guessed."""
    zone = zoneinfo.ZoneInfo(_NAMED[token.upper()]) if token.upper() in _NAMED else None
    if zone is None and "/" in token:
        found = parse_zone(token)
        zone = found if isinstance(found, zoneinfo.ZoneInfo) else None
    if zone is None:
        return False
    return len(set(_zone_names(zone, 2024).values())) > 1  # its winter and summer offsets differ


def _fmt_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def _offset_minutes(zone: dt.tzinfo, local: dt.datetime) -> int | None:
    offset = local.replace(tzinfo=zone).utcoffset()
    return None if offset is None else int(offset.total_seconds() // 60)


def _zone_names(zone: dt.tzinfo, year: int) -> dict[str, int]:
    """The abbreviations a zone uses in a year, each with its offset (winter and summer)."""
    names: dict[str, int] = {}
    for month in (1, 7):
        moment = dt.datetime(year, month, 15, 12, tzinfo=zone)
        name, offset = moment.tzname(), moment.utcoffset()
        if name and offset is not None:
            names.setdefault(name.upper(), int(offset.total_seconds() // 60))
    return names


class _Zone(NamedTuple):
    zone: dt.tzinfo | None
    error: str | None = None
    """at_zone_unknown, at_zone_ambiguous."""
    values: dict[str, str] | None = None
    note: AtNote | None = None


def _written_zone(token: str, local: dt.datetime, review: dt.tzinfo | None) -> _Zone:
    """The zone a written token names on the local date; an ambiguous abbreviation only when the review's
    zone settles it. An abbreviation is its offset (``02:30 PST`` is 10:30 UTC, whatever the clocks did);
    when the review's zone was on another of its abbreviations at that instant, a note says so."""
    upper = token.upper()
    if token.casefold() in _UTC_NAMES:
        return _Zone(dt.timezone.utc)
    if upper in _NAMED or token in _NAMED:
        return _Zone(zoneinfo.ZoneInfo(_NAMED.get(upper) or _NAMED[token]))
    if upper not in _FIXED and upper not in _AMBIGUOUS:
        zone = parse_zone(token)
        if zone is None:
            return _Zone(None, "at_zone_unknown", {"zone": token})
        return _Zone(zone)
    used = _zone_names(review, local.year) if isinstance(review, zoneinfo.ZoneInfo) else {}
    if upper in _FIXED:
        minutes: int | None = _FIXED[upper]
    elif upper in used:
        minutes = used[upper]
    else:
        current = _offset_minutes(review, local) if review is not None and not used else None
        minutes = next((m for _, m in _AMBIGUOUS[upper] if m == current), None)
    if minutes is None:
        listed = "; ".join(f"{name} {_fmt_offset(m)}" for name, m in _AMBIGUOUS[upper])
        return _Zone(None, "at_zone_ambiguous", {"abbr": upper, "options": listed})
    fixed = _fixed(minutes)
    home = review if review is not None and upper in used else None
    if home is None and upper in _HOME and not isinstance(review, zoneinfo.ZoneInfo):
        home = zoneinfo.ZoneInfo(_HOME[upper])
    note = None
    if home is not None:
        there = local.replace(tzinfo=fixed).astimezone(home)
        name = (there.tzname() or "").upper()
        if name != upper:
            note = AtNote(
                "at_zone_mismatch",
                {"abbr": upper, "zone": str(home), "used": name, "local": there.strftime("%H:%M")},
            )
    return _Zone(fixed, note=note)


_HOME: dict[str, str] = {
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "EST": "America/New_York",
    "EDT": "America/New_York", "CDT": "America/Chicago", "MDT": "America/Denver", "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage", "CET": "Europe/Paris", "CEST": "Europe/Paris", "EEST": "Europe/Athens",
    "WEST": "Europe/Lisbon", "AEDT": "Australia/Sydney", "ACDT": "Australia/Adelaide",
    "NZST": "Pacific/Auckland", "NZDT": "Pacific/Auckland",
}  # fmt: skip
"""Where an abbreviation is the clock of one place that changes it with the season: without the review's
zone, 'PST' in July or 'PDT' in December is still noted (US postmortems often write the standard name all
year, and a timeline that mixes '14:05 EST' with '15:05 EDT' in June gave 0 minutes without a word). Names
also used all year somewhere (MST in Arizona, AEST in Queensland, EET, WET, ACST) are left out."""


# --------------------------------------------------------------------------- the written form

_MONTH_NAMES: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MON = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
_DATES: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"(?<![\d:])(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<mo>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)\s*[日号]?"
    ),
    re.compile(rf"(?<![\d:])(?P<y>\d{{4}})\s+(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}}){_ORD}\b", re.IGNORECASE),
    re.compile(
        rf"\b(?P<mon>{_MON})\.?\s+(?P<d>\d{{1,2}}){_ORD}\b(?!\s*[:h]\s*\d)(?:\s*,?\s*(?P<y>\d{{4}})(?![\d:]))?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\d:])(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MON})\b\.?(?:\s*,?\s*(?P<y>\d{{4}})(?![\d:]))?",
        re.IGNORECASE,
    ),
    re.compile(r"(?<![\d:])(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
)
_WEEKDAY = re.compile(
    r"^(?:on\s+)?(?P<en>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri|sat|sun)"
    r"\b\.?,?\s*|[(（]?\s*(?:周|星期|礼拜)(?P<cn>[一二三四五六日天])\s*[)）]?"
    r"|[(（]\s*(?P<en2>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thu|fri|sat"
    r"|sun)\.?\s*[)）]",
    re.IGNORECASE,
)
_WEEKDAY_NUMBER: dict[str, int] = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{c: i for i, c in enumerate("一二三四五六日")},
    "天": 6,
}
"""Monday is 0 (`date.weekday`); an English name by its first three letters."""
_APPROX_HEAD = re.compile(
    r"(?:^|(?<=[\s,]))(?:~|≈|约莫|大约|大概|约|approximately|approx\.?|about|around|circa|ca\.|roughly|by"
    r"|shortly\s+(?:after|before)|just\s+(?:after|before))\s*"
    r"(?=\d|noon|midnight|[上下]午|凌晨|清晨|早上|中午|傍晚|晚上|深夜|午夜)",
    re.IGNORECASE,
)
"""'~14:05', 'around 2pm', 'January 4, 2021 around 6:00 a.m.', 'by 7:00am' (at the latest): approximate."""
_APPROX_TAIL = re.compile(
    r"\s*(?:左右|前后|上下|许|\(approx(?:\.|imately)?\)|approx(?:\.|imately)?|or\s+so)$", re.IGNORECASE
)
_DAY_MARK = re.compile(
    r"\s*(?:[(\[]\s*\+\s*(?P<p>\d)\s*(?P<pu>d|days?|天)?\s*[)\]]|\+\s*(?P<b>\d{1,2})\s*(?:d|days?|天)\b"
    r"|(?<![\d:])\+\s*(?P<bare>\d)$)$",
    re.IGNORECASE,
)
"""A day marker after a time: '00:10 (+1)', '03:00 +1d', '03:00 (+2 days)'; a bare '+1' is refused."""
_NOON = re.compile(r"^(?:12(?::00)?\s*)?(?:noon|midday)$|^中午$", re.IGNORECASE)
_MIDNIGHT = re.compile(r"^(?:12(?::00)?\s*(?:a\.?m\.?\s*)?)?midnight$|^(?:午夜|半夜|子夜)$", re.IGNORECASE)
_H_TIME = re.compile(r"^(\d{1,2})\s*h\s*(\d{2})\s*(?:m(?:in)?)?$", re.IGNORECASE)
_DOT_TIME = re.compile(r"^(\d{1,2})\.(\d{2})(?=\s*[ap]\.?\s?m\b)", re.IGNORECASE)
_MILITARY = re.compile(r"^([01]\d|2[0-3])([0-5]\d)\s*(?:hrs?|hours)?$", re.IGNORECASE)
_SPAN_LEFT_ZONE = (
    r"(?:\s*(?-i:UTC|GMT|Z|[A-Z]{2,4}T|PT|ET|CT|MT|[A-Z][a-z]+/[A-Za-z_]+|[+-]\d{2}:?\d{2}))?"
    rf"(?:\s*(?:,\s*)?on\s+(?:(?:{_MON})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}\s+(?:{_MON})\.?)(?:,?\s+\d{{4}})?"
    rf"|\s*(?:,\s*)?(?:(?:{_MON})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}\s+(?:{_MON})\.?)(?:,?\s+\d{{4}})?)?"
)
"""A zone (and a date) after the start of a span: '04:09 UTC to 05:27 UTC',
'11:48 PM PDT Oct 19 - 2:40 AM PDT Oct 20'."""
_RANGE = re.compile(
    r"^(?P<left>.*?(?:\d{1,2}\s*[:h]\s*\d{2}(?::\d{2})?|\d\s*[ap]\.?\s?m\.?|\d\s*[点时](?:\s*\d{1,2}\s*分?|半|整)?)"
    rf"{_SPAN_LEFT_ZONE})"
    r"\s*(?P<sep>[–—‐‑‒−~]|\s-\s|-|\bto\b|\buntil\b|\btill\b|\band\b|至|到)\s*"
    r"(?P<right>(?:次日|翌日|第二天|next\s+day\s*)?(?:[上下]午|凌晨|清晨|早上|中午|傍晚|晚上|深夜)?"
    rf"(?:(?:{_MON})\.?\s+)?\s*\d.*)$",
    re.IGNORECASE,
)
"""A span '14:05–14:20', '23:20-00:10', '2:00 PM – 2:30 PM PST', '23点07分至23点17分'."""
_DUAL = re.compile(r"^(?P<at>.*\d.*?)\s*(?:[(（](?P<other>[^()（）]+)[)）]|/\s*(?P<slash>.+))$")
"""One instant in two zones: '09:37 PST (17:37 UTC)', '2017-02-28 09:37 PST / 17:37 UTC'."""
_CLOCK = re.compile(r"\d{1,2}:\d{2}|\d\s*[ap]\.?\s?m\b", re.IGNORECASE)
_SPAN_HINT = re.compile(
    r"(?:\d{1,2}\s*[:h]\s*\d{2}|\d\s*[ap]\.?\s?m\.?|[点时分半整])"
    rf"{_SPAN_LEFT_ZONE}\s*(?:[–—‐‑‒−~\-至到]|to\b|until\b|till\b|and\b)",
    re.IGNORECASE,
)
_APPROX_CHARS = frozenset("~≈约近概左右前后上下许")
_APPROX_WORDS = re.compile(r"approx|about|around|circa|ca\.|roughly|by|shortly|just|or so")
_SPAN_CHARS = frozenset("–—‐‑‒−~-至到")
_SPAN_WORDS = re.compile(r"to|until|till|and")
"""Quick checks: only a text that may be a span or approximate goes through the slower patterns."""
_OFFSET_TAIL = re.compile(r"(?:[+-])(?:0\d|1[0-4]):?[0-5]\d$")
_DAY_WORD = re.compile(
    r"^(?:(?P<next>次日|翌日|第二天|隔天|隔日|(?:the\s+)?next\s+day\b,?)|(?P<same>当天|当日|同日)"
    r"|d\s*(?P<dsign>[+-])\s*(?P<dn>\d{1,2})\b\s*[,:]?|(?:day|d)\s*(?P<n>\d{1,3})\b\s*[,:]?"
    r"|第\s*(?P<cn>\d{1,3})\s*天)\s*",
    re.IGNORECASE,
)
_ZONE_TAIL = re.compile(
    r"\s*[(\[（]?\s*(?P<zone>(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{1,2}(?::?\d{2})?|北京时间"
    r"|[A-Za-z]+/[A-Za-z_]+(?:/[A-Za-z_]+)?|(?<![A-Za-z])[A-Za-z]{1,5})\s*[)\]）]?$",
    re.IGNORECASE,
)
_ZONE_HEAD = re.compile(r"^(?P<zone>北京时间)\s*")
_RELATIVE = re.compile(
    r"^T\s*(?P<sign>[+-])\s*(?:(?P<hh>\d{1,3}):(?P<mm>\d{2})"
    r"|(?:(?P<d>\d{1,3})\s*(?:d|days?|天))?\s*(?:(?P<h>\d{1,4})\s*(?:h|hrs?|hours?|小时))?\s*"
    r"(?:(?P<m>\d{1,5})\s*(?:m|mins?|minutes?|分钟?)?)?)$",
    re.IGNORECASE,
)
_PERIODS = "凌晨|清晨|早上|早晨|早间|上午|中午|午后|下午|傍晚|晚上|晚间|夜里|夜间|深夜|半夜|午夜"
_TIME = re.compile(
    rf"^(?P<period>{_PERIODS})?\s*(?P<h>\d{{1,2}})\s*"
    r"(?:(?::\s*(?P<mi>\d{2})(?:\s*:\s*(?P<s>\d{2})(?:[.,]\d+)?)?)"
    r"|(?:[点时]\s*(?:(?P<cmi>\d{1,2})\s*分?(?:\s*(?P<cs>\d{1,2})\s*秒)?|(?P<half>半)|(?P<whole>整)|(?P<quarter>一刻|三刻))?))?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?$",
    re.IGNORECASE,
)
_AM_PM = frozenset({"am", "pm", "a", "p", "m"})
_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_HOUR = re.compile(r"[零〇一二两三四五六七八九十]{1,3}(?=\s*[点时])")
_CN_MINUTE = re.compile(r"(?<=[点时])\s*[零〇一二三四五六七八九十]{1,3}(?=\s*分|$)")
_US_DATE = re.compile(r"(?<!\d)\d{1,2}/\d{1,2}/\d{2,4}(?!\d)")


def _cn_number(text: str) -> str:
    """A Chinese numeral from 0 to 59 in digits ('十一' 11, '二十三' 23, '零五' 5); the text when it is not one."""
    word = text.strip()
    if "十" in word:
        tens, _, ones = word.partition("十")
        if len(tens) > 1 or len(ones) > 1 or (tens and tens not in _CN_DIGIT) or (ones and ones not in _CN_DIGIT):
            return text
        return str((_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0))
    if all(c in _CN_DIGIT for c in word) and len(word) <= 2:
        return str(int("".join(str(_CN_DIGIT[c]) for c in word)))
    return text


class _Written(NamedTuple):
    """What the text says, before any context."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    next_day: bool = False
    same_day: bool = False
    day_number: int | None = None
    hour: int = 0
    minute: int = 0
    second: int = 0
    extra_days: int = 0
    zone: str | None = None
    relative: dt.timedelta | None = None
    weekday: int | None = None
    """0 Monday .. 6 Sunday, when the text names the day of the week."""
    approximate: bool = False
    """'~14:05', '约14:05', 'around 2pm', '14:05左右'."""
    midnight: bool = False
    """Written as 'midnight' / '午夜': 00:00, the start of the day."""
    marker: int | None = None
    """'(+1)': the day after the first event's day, read as day number 2."""
    day_of_month: int | None = None
    """'11日 00:20', '12号凌晨': a day of the month alone, in the month of the event before."""
    end: str | None = None
    """The end of a span ('14:05–14:20': '14:20'), read after the start."""
    also: str | None = None
    """The same instant written in another zone ('09:37 PST (17:37 UTC)': '17:37 UTC'), checked to agree."""
    length: dt.timedelta | None = None
    """A length written with the time ('09:40 UTC (lasting 48 minutes)', '14:03起持续约2小时'): the end of the
    span it starts, or, with a span, checked against it."""
    length_text: str | None = None
    """The length as written ('48 minutes'), for the message when it disagrees with the span."""


class _Refused(NamedTuple):
    code: str
    reason: str | None = None
    values: dict[str, str] | None = None


def _day_marker(value: str) -> tuple[int, str] | _Refused | None:
    """'(+1)', '+1d', '(+2 days)' at the end: (days after the first event's day, the text before it).
    A bare '+1' may be a day or UTC+1: refused. '(+4)' and more without a unit: an offset, as before."""
    found = _DAY_MARK.search(value) if "+" in value else None
    with_unit = bool(found and (found.group("pu") or found.group("b")))
    if found is None or (not with_unit and re.search(r"(?i)(?:UTC|GMT)\s*$", value[: found.start()])):
        return None  # 'UTC+8' is a zone; '16:20 UTC (+1 day)' is a day
    if found.group("bare"):
        return _Refused("at_unreadable", "day_or_offset", {"n": found.group("bare")})
    days = int(found.group("p") or found.group("b"))
    if found.group("p") and not found.group("pu") and days > 3:
        return None
    return days, value[: found.start()].strip()


def _period_hour(period: str, hour: int) -> tuple[int, int] | None:
    """(hour, extra days) for a Chinese part of the day and a 12-hour clock; None when they disagree."""
    if period in ("凌晨", "半夜", "午夜"):
        return (0, 0) if hour == 12 else ((hour, 0) if hour <= 6 else None)
    if period in ("清晨", "早上", "早晨", "早间", "上午"):
        return (hour, 0) if hour <= 12 else None
    if period == "中午":
        return (hour + 12, 0) if 1 <= hour <= 2 else ((hour, 0) if 10 <= hour <= 14 else None)
    if period in ("午后", "下午", "傍晚"):
        return (hour + 12, 0) if 1 <= hour <= 11 else ((hour, 0) if 12 <= hour <= 23 else None)
    # 晚上, 夜里, 夜间, 深夜: the evening and the night after it
    if hour == 12:
        return (0, 1)
    if 6 <= hour <= 11:
        return (hour + 12, 0)
    return (hour, 0) if hour < 6 or hour >= 18 else None


_PLAIN = re.compile(r"(?:(\d{4})-(\d{1,2})-(\d{1,2})[ T])?(\d{1,2}):(\d{2})(?::(\d{2}))?")
"""The forms most timelines use ('2024-03-10 14:05', '14:05'), read without the general parse (same result)."""


def _written(text: str) -> _Written | _Refused:
    plain = _PLAIN.fullmatch(text)
    if plain is not None:
        year, month, day, hour, minute, second = (int(g) if g else None for g in plain.groups())
        assert hour is not None and minute is not None
        for key, number, top in (("hour", hour, 23), ("minute", minute, 59), ("second", second or 0, 59)):
            if number > top:
                return _Refused("at_impossible", key)
        return _Written(year=year, month=month, day=day, hour=hour, minute=minute, second=second or 0)
    return _written_general(text)


_LENGTH_UNIT = {
    "d": 1440,
    "day": 1440,
    "days": 1440,
    "天": 1440,
    "h": 60,
    "hr": 60,
    "hrs": 60,
    "hour": 60,
    "hours": 60,
    "小时": 60,
    "个小时": 60,
    "m": 1,
    "min": 1,
    "mins": 1,
    "minute": 1,
    "minutes": 1,
    "分钟": 1,
    "分": 1,
    "s": 1 / 60,
    "sec": 1 / 60,
    "secs": 1 / 60,
    "second": 1 / 60,
    "seconds": 1 / 60,
    "秒": 1 / 60,
    "秒钟": 1 / 60,
}
_LENGTH_PART = re.compile(
    r"(?:(?P<n>\d+(?:\.\d+)?|[一二两三四五六七八九十]{1,3})\s*|(?<![a-z])(?P<w>an?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve)\s+)(?P<u>个小时|小时|分钟|分|秒钟|秒|天|days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)"
    r"(?P<half>半|\s+and\s+a\s+half)?(?![a-z])",
    re.IGNORECASE,
)
_LENGTH_JOIN = re.compile(r"^(?:\s*(?:,|and|零|又)?\s*)$", re.IGNORECASE)
_LENGTH_LEAD = r"(?:\b(?:lasting|lasted|for|duration)\b:?|共计|共|历时|持续时间|持续时长|持续|时长)"
_LENGTH_CLAUSE = re.compile(
    r"\s*(?:起|开始)?\s*[,，、;；]?\s*"
    rf"(?:[(（]\s*(?:{_LENGTH_LEAD}\s*)?(?P<pbody>[^()（）]+?)\s*[)）]|{_LENGTH_LEAD}\s*(?P<body>[^()（）]+?))$",
    re.IGNORECASE,
)
"""A length after the time: '(lasting 48 minutes)', 'for 37 minutes', '(37 min)', '起持续约2小时', '（持续37分钟）'."""
_LENGTH_APPROX = re.compile(
    r"^(?:approximately|approx\.?|about|around|roughly|nearly|almost|close\s+to|circa|~|≈|约莫|大约|大概|约|近|将近)\s*"
    r"|\s*(?:左右|上下|or\s+so)$",
    re.IGNORECASE,
)
_LENGTH_BOUND = re.compile(
    r"^(?:over|more\s+than|at\s+least|less\s+than|under|up\s+to|超过|逾|不到|不足|至少|至多|最多)\s*|多(?=[个小时分钟天])|余(?=[个小时分钟天])"
    r"|\+(?=\s*(?:h|m|hours?|minutes?)\b)|\s*(?:以上|以内|之内|多)$",
    re.IGNORECASE,
)


class _Length(NamedTuple):
    minutes: float
    approximate: bool
    text: str


def _length(body: str) -> _Length | _Refused | None:
    """'48 minutes', '1 hour and 10 minutes', '3 hour and 06 minutes', '约2小时', '2小时17分', '一个半小时',
    'half an hour': minutes; a bound ('over 2 hours', '一个多小时', '2小时以上') is refused, not read as a figure;
    None when the text is no length."""
    text = body.strip()
    if _LENGTH_BOUND.search(text):
        return _Refused("at_unreadable", "length_bound", {"length": text})
    approximate = False
    while (found := _LENGTH_APPROX.search(text)) is not None and found.group(0):
        approximate, text = True, (text[: found.start()] + text[found.end() :]).strip()
    text = re.sub(r"(?i)^half\s+an?\s+hour$|^半(?:个)?小时$", "30 minutes", text)
    text = text.replace("个半小时", "小时半")  # 一个半小时: an hour and a half
    text = re.sub(r"(?i)^an?\s+hour\s+and\s+a\s+half$", "90 minutes", text)
    minutes, at = 0.0, 0
    for part in _LENGTH_PART.finditer(text):
        if not _LENGTH_JOIN.match(text[at : part.start()]):
            return None
        if part["w"]:
            count = float(EN_SMALL_NUMBERS[part["w"].lower()])
        elif part["n"][0].isdigit():
            count = float(part["n"])
        elif _cn_number(part["n"]).isdigit():
            count = float(_cn_number(part["n"]))
        else:
            return None
        word = part["u"].lower()
        unit = _LENGTH_UNIT.get(word) or _LENGTH_UNIT.get(word.rstrip("s"))  # '3 hour and 06 minutes'
        if unit is None:
            return None
        minutes += (count + (0.5 if part["half"] else 0)) * unit
        at = part.end()
    if at == 0 or text[at:].strip(" ,") or minutes <= 0:
        return None
    return _Length(minutes, approximate, body.strip())


def _without_length(value: str) -> tuple[str, _Length] | _Refused | None:
    """The time with the length written after it taken off, and the length; None when there is none."""
    found = _LENGTH_CLAUSE.search(value)
    if found is None:
        return None
    rest = value[: found.start()].strip()
    if not rest or not re.search(r"\d", rest):
        return None
    length = _length(found["pbody"] or found["body"])
    if length is None:
        return None
    if isinstance(length, _Refused):
        return length
    return rest, length


_POSTED = re.compile(
    r"^(?:(?:posted|updated|published)(?:\s+[^.\d]*\d*[^.\d]*?\bago\b\.?|\s+on)?|发布于|更新于|发布时间[:：]?|更新时间[:：]?)"
    r"\s*(?=\S)",
    re.I,
)
"""'Posted 3 years ago. Jun 21, 2022 - 09:00 UTC', as Statuspage stamps each update: the time of the update (the
'ago' is relative to the day the page is read, never used)."""


def _written_general(text: str) -> _Written | _Refused:
    value = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()
    value = _POSTED.sub("", value)
    if not value[-1:].isdigit() or "持续" in value or "历时" in value:
        cut = _without_length(value)
        if isinstance(cut, _Refused):
            return cut
        if cut is not None:
            rest, length = cut
            read = _written_general(rest)
            if isinstance(read, _Refused) or read.relative is not None or read.length is not None:
                return read if isinstance(read, _Refused) else _Refused("at_unreadable")
            return read._replace(
                length=dt.timedelta(minutes=length.minutes),
                length_text=length.text,
                approximate=read.approximate or length.approximate,
            )
    approximate = False
    folded = value.casefold()
    if not _APPROX_CHARS.isdisjoint(value) or _APPROX_WORDS.search(folded):
        for pattern in (_APPROX_HEAD, _APPROX_TAIL):
            found = pattern.search(value)
            if found is not None and found.group(0).strip()[:1] == "~" and _CLOCK.search(value[: found.start()]):
                continue  # '17:09:39 ~ 17:23:54': after a time, a tilde joins it to the end of a span
            if found is not None and found.group(0).strip() and value[: found.start()] + value[found.end() :]:
                approximate, value = True, (value[: found.start()] + value[found.end() :]).strip()
    if value[:1] in "[【" or value[-1:] in ":：-–—":
        value = re.sub(r"^[\[【](.*)[\]】]$|^(.*?)\s*[:：\-–—]$", lambda m: m.group(1) or m.group(2) or "", value)
        value = value.strip()
    if "h" in value or "H" in value:
        value = re.sub(r"(?i)(?<=:\d{2})\s*(?:hrs?|hours)\.?(?=\s|$)", "", value)  # '14:05 hrs'; '1405 hrs' below
    if value.upper().replace(" ", "") == "T0":
        value = "T+0"
    maybe_dual = "(" in value or "（" in value or ("/" in value and re.search(r"/\s*\d{1,2}:\d{2}", value))
    dual = _DUAL.match(value) if maybe_dual else None
    other_text = (dual.group("other") or dual.group("slash") or "").strip() if dual is not None else ""
    if dual is not None and _CLOCK.search(other_text):
        first = _written_one(dual.group("at"))
        other = _written_one(other_text)
        if isinstance(first, _Written) and isinstance(other, _Written) and first.zone and other.zone:
            return first._replace(approximate=approximate, also=other_text)
    maybe_span = not _SPAN_CHARS.isdisjoint(value) or _SPAN_WORDS.search(folded) is not None
    if maybe_span:
        value = _SHARED_PERIOD.sub(_both_periods, value, count=1)
    span = _span(value) if maybe_span and _SPAN_HINT.search(value) else None
    if span is not None:
        if isinstance(span, _Written):
            return span._replace(approximate=approximate or span.approximate)
        return span
    read = _written_one(value)
    return read._replace(approximate=True) if approximate and isinstance(read, _Written) else read


_SHARED_PERIOD = re.compile(
    r"(?<![\d:.])(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*(?P<sep>[–—‐‑‒−~-]|\s(?:to|until|till)\s)\s*"
    r"(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?\s*(?P<period>[ap])\.?\s?m\b\.?",
    re.IGNORECASE,
)
"""A span whose start borrows the end's am/pm: '2-3pm', '11–1 p.m.', '10:30-11am'."""


def _both_periods(found: re.Match[str]) -> str:
    """'2-3pm' as '2pm-3pm'; the start takes the other half of the day when the end's would put it after
    the end ('11-1pm' is 11am to 1pm, '11-12pm' 11am to noon, '11-1am' 11pm to 1am)."""
    h1, h2 = int(found["h1"]), int(found["h2"])
    if not (1 <= h1 <= 12 and 1 <= h2 <= 12):
        return found.group()
    period = found["period"].lower()
    other = "a" if period == "p" else "p"

    def clock(hour: int, half: str) -> int:  # 12-hour hour and half of the day -> 0..23
        return hour % 12 + (12 if half == "p" else 0)

    start_minutes = clock(h1, period) * 60 + int(found["m1"] or 0)
    end_minutes = clock(h2, period) * 60 + int(found["m2"] or 0)
    first = other if start_minutes > end_minutes else period
    start = f"{h1}:{found['m1']}" if found["m1"] else str(h1)
    end = f"{h2}:{found['m2']}" if found["m2"] else str(h2)
    return f"{start}{first}m{found['sep']}{end}{period}m"


def _span(value: str) -> _Written | _Refused | None:
    """A span read as its start with the end's text kept; None when the text is not a span.

    An ISO offset right after a dated time ('2024-03-10T14:05-07:00') is a zone, not the end of a span."""
    text = re.sub(r"(?i)^(?:from|between|从|自)\s*", "", value)
    found = _RANGE.match(text)
    if found is None:
        return None
    left, sep, right = found.group("left").strip(), found.group("sep").strip(), found.group("right").strip()
    if sep == "-" and _OFFSET_TAIL.search(f"-{right}") and re.search(r"\d{4}\s*[-/.年]|T\d|UTC$|GMT$", left):
        # '2024-03-10T14:05-07:00', '2024-07-19 04:09 -0500': an offset. A dash with a space on both sides is
        # no offset's: '04:09 - 05:27' is a span, and after UTC ('04:09 UTC - 05:00') it may be either
        dash = found.start("sep") + found.group("sep").index("-")
        spaced = text[dash - 1 : dash].isspace() and text[dash + 1 : dash + 2].isspace()
        if not spaced:
            return None
        if re.search(r"(?i)(?:UTC|GMT)$", left) and parse_zone(f"-{right}") is not None:
            return _Refused("at_unreadable", "span_or_offset", {"zone": left.split()[-1], "end": right})
    period = re.search(rf"(?:{_PERIODS})(?=\s*\d)", left)
    if period is not None and not re.match(rf"(?:次日|翌日|第二天)?\s*(?:{_PERIODS})", right):
        right = period.group(0) + right  # 下午1点至3点: 3 p.m.
    start, end = _written_one(left), _written_one(right)
    if isinstance(start, _Refused) or isinstance(end, _Refused) or start.relative or end.relative:
        return None
    undated = start.day_number is None and start.marker is None and start.day_of_month is None
    if start.month is None and end.month is not None and undated and not start.next_day:
        # '2:25 AM to 10:36 AM on October 20': the date written after the end is the start's too
        start = start._replace(year=end.year, month=end.month, day=end.day)
    if start.zone is None and end.zone is not None:
        start = start._replace(zone=end.zone)
    elif start.zone is not None and end.zone is None:
        right = f"{right} {start.zone}"
    return start._replace(end=right)


_HOUR_AND_SOME = re.compile(
    r"\d{1,2}\s*[点时]多|(?i:\b(?:just\s+)?(?:past|after)\s+\d{1,2}\s*(?:[ap]\.?m\.?|o'clock)?$)"
)
"""'10点多', 'past 10 pm': some time in that hour, no minute: refused with the reason, never read as 10:00."""
_NUMERIC_DATE = re.compile(
    r"^(?P<a>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<b>\d{1,2})(?:\s*(?P=sep)\s*(?P<y>\d{4}|\d{2}))?(?![\d:.])\s*"
)
"""A date of two numbers at the start, read only when one of them can only be the day: '21/06/2022 09:00',
'6/21 09:00', '06-21 09:00'. '6/7' is refused: the 6th of July and June 7th are both written so."""
_DAY_OF_MONTH = re.compile(r"^(?P<d>[12]\d|3[01]|0?[1-9])\s*[日号]\s*")
"""A day of the month alone before the time: '11日 00:20', '12日凌晨2点', '13号 09:00' (not '3月11日')."""
_NEXT_DAY_TAIL = re.compile(
    r"\s*,?\s*[(（]?\s*(?:(?:the\s+)?(?:next|following)\s+day|次日|翌日|第二天|隔天|隔日)\s*[)）]?$", re.IGNORECASE
)
"""The next day written after the time: '00:20 next day', '00:20 (the following day)', '09:30 次日', '00:20（次日）'."""
_DATE_TIME_DASH = re.compile(r"^[-–—]\s+(?=\d)")
_LONG_ZONE = re.compile(
    r"(?<!/)\b(?P<region>pacific|eastern|central|mountain)(?:\s+(?:(?P<season>standard|daylight)\s+)?time\b|"
    r"(?=\s*(?:$|[(（)）,，/])))(?:\s*\((?:pt|et|ct|mt|pst|pdt|est|edt|cst|cdt|mst|mdt)\))?",
    re.IGNORECASE,
)
_LONG_ZONES = {
    ("pacific", None): "PT", ("pacific", "standard"): "PST", ("pacific", "daylight"): "PDT",
    ("eastern", None): "ET", ("eastern", "standard"): "EST", ("eastern", "daylight"): "EDT",
    ("central", None): "CT", ("central", "standard"): "UTC-6", ("central", "daylight"): "CDT",
    ("mountain", None): "MT", ("mountain", "standard"): "MST", ("mountain", "daylight"): "MDT",
}  # fmt: skip
"""US zones spelled out ('9:37 AM Pacific Time', '2:05 PM Eastern Standard Time'), or the region alone after the
time ('14:03 Eastern', '2:15 PM Pacific', as US status pages write them), as the abbreviation they stand for;
'Central Standard Time' is the US one, UTC-6 (CST alone is ambiguous). ET and PT follow daylight saving: the
offset comes from the date (EDT in July, EST in January); with no date the time is refused as undated."""
_SPELLED_ZONE = re.compile(
    r"\b(?P<name>beijing|china standard|hong kong|singapore|japan standard|korea standard|india standard|"
    r"greenwich mean|coordinated universal|british summer|(?:central|eastern|western) european(?: summer)?)"
    r"\s+time\b",
    re.IGNORECASE,
)
_SPELLED_ZONES = {
    "beijing": "Asia/Shanghai", "china standard": "Asia/Shanghai", "hong kong": "HKT", "singapore": "SGT",
    "japan standard": "JST", "korea standard": "KST", "india standard": "UTC+05:30", "greenwich mean": "GMT",
    "coordinated universal": "UTC", "british summer": "UTC+01:00", "central european": "CET",
    "central european summer": "CEST", "eastern european": "EET", "eastern european summer": "EEST",
    "western european": "WET", "western european summer": "WEST",
}  # fmt: skip
"""Zones written out in words with one meaning ('India Standard Time' is +05:30 where IST alone is three
zones; 'British Summer Time' is +01:00 where BST is two)."""
_CN_ZONES = {
    "美国东部时间": "ET", "美东时间": "ET", "东部时间": "ET", "美国太平洋时间": "PT", "太平洋时间": "PT",
    "美西时间": "PT", "美国中部时间": "CT", "美国山地时间": "MT", "日本时间": "JST", "东京时间": "JST",
    "新加坡时间": "SGT", "香港时间": "HKT", "东八区": "UTC+08:00", "格林尼治时间": "GMT", "协调世界时": "UTC",
    "世界协调时间": "UTC", "世界标准时间": "UTC", "UTC时间": "UTC",
}  # fmt: skip
"""Zones as Chinese postmortems name them ('美东时间 14:03', '太平洋时间凌晨2点', '东八区'), written after the time
as the token the zone reader knows; 北京时间 is read where the zone reader finds it (head or tail)."""
_CN_ZONE = re.compile("|".join(sorted(map(re.escape, _CN_ZONES), key=len, reverse=True)))


def _zone_words(value: str) -> str:
    """Zones written as words, as the tokens `_ZONE_TAIL` reads ('14:03 Eastern' -> '14:03 ET')."""
    folded = value.casefold()
    if "time" in folded or any(region in folded for region in ("pacific", "eastern", "central", "mountain")):
        value = _LONG_ZONE.sub(_long_zone, value)
        if "time" in folded:
            value = _SPELLED_ZONE.sub(lambda match: _SPELLED_ZONES[" ".join(match["name"].casefold().split())], value)
    if "时" in value or "区" in value:
        found = _CN_ZONE.search(value)
        if found is not None:  # moved after the time, where a zone is read
            rest = f"{value[: found.start()]} {value[found.end() :]}".strip(" ,，")
            value = f"{rest} {_CN_ZONES[found.group()]}"
    return value


def _long_zone(match: re.Match[str]) -> str:
    season = match["season"].casefold() if match["season"] else None
    return _LONG_ZONES[match["region"].casefold(), season]


def _written_one(text: str) -> _Written | _Refused:
    value = _zone_words(text)
    relative = _RELATIVE.match(value)
    if relative is not None and any(relative.group(k) for k in ("hh", "d", "h", "m")):
        amounts = {k: int(relative.group(k) or 0) for k in ("hh", "mm", "d", "h", "m")}
        delta = dt.timedelta(
            days=amounts["d"], hours=amounts["h"] + amounts["hh"], minutes=amounts["m"] + amounts["mm"]
        )
        return _Written(relative=-delta if relative.group("sign") == "-" else delta)
    zone: str | None = None
    written: dict[str, object] = {}
    weekday = _WEEKDAY.search(value)
    if weekday is not None and (weekday.group("en") or weekday.group("en2") or weekday.group("cn")):
        name = weekday.group("en") or weekday.group("en2") or weekday.group("cn")
        written["weekday"] = _WEEKDAY_NUMBER[name if weekday.group("cn") else name[:3].casefold()]
        value = f"{value[: weekday.start()]} {value[weekday.end() :]}".strip()
    head = _ZONE_HEAD.match(value)
    if head is not None:
        zone, value = head.group("zone"), value[head.end() :]
    matches: list[re.Match[str]] = []
    for pattern in _DATES:
        match = pattern.search(value)
        if match is not None:
            matches.append(match)
            if match.start() == 0:
                break
    if matches:  # the date written first ('12 Mar 14:05' is 12 March, not 'Mar 14')
        found = min(matches, key=lambda m: m.start())
        got = found.groupdict()
        month = _MONTH_NAMES[got["mon"].casefold()] if got.get("mon") else int(got["mo"])
        written |= {"year": int(got["y"]) if got.get("y") else None, "month": month, "day": int(got["d"])}
        value = f"{value[: found.start()]} {value[found.end() :]}".strip(" ,")
        value = _DATE_TIME_DASH.sub("", value)  # 'Jun 21, 2022 - 06:34 UTC', as status pages write it
    elif (numeric := _NUMERIC_DATE.match(value)) is not None and (numeric["sep"] != "." or numeric["y"]):
        first, second = int(numeric["a"]), int(numeric["b"])
        if first > 12 >= second >= 1:  # '21/06/2022': day first, as only a day can be 21
            month, day = second, first
        elif second > 12 >= first >= 1:  # '6/21 09:00', '06-21 09:00': month first
            month, day = first, second
        elif (first > 12 and second > 12) or not (first and second):
            return _Refused("at_impossible", "date")
        else:  # '6/7': the 6th of July or June 7th, nothing tells
            return _Refused("at_unreadable", "us_date")
        year = numeric["y"]
        written |= {"year": (int(year) + (2000 if len(year) == 2 else 0)) if year else None, "month": month, "day": day}
        value = value[numeric.end() :].strip(" ,")
        value = _DATE_TIME_DASH.sub("", value)
    elif (dom := _DAY_OF_MONTH.match(value)) is not None:
        written["day_of_month"] = int(dom.group("d"))
        value = value[dom.end() :].strip(" ,")
    if matches:  # '21:40 UTC on 18 July 2024', '11:49 PM PDT on October 19': the zone stands before the 'on'
        value = re.sub(r"(?i)\s*(?:,|\bon\b|\bat\b)\s*$", "", value).strip(" ,")
    marker = _day_marker(value)
    if isinstance(marker, _Refused):
        return marker
    if marker is not None:
        written["marker"], value = marker
    after = _NEXT_DAY_TAIL.search(value)
    if after is not None and value[: after.start()].strip():
        written["next_day"], value = True, value[: after.start()].strip(" ,")
    tail = _ZONE_TAIL.search(value)
    if tail is not None and tail.group("zone").casefold() not in _AM_PM:
        token = tail.group("zone")
        known = (
            token.casefold() in _UTC_NAMES
            or token.upper() in _FIXED
            or token.upper() in _AMBIGUOUS
            or token.upper() in _NAMED
            or token in _NAMED
            or token[0] in "+-"
            or token.upper().startswith(("UTC", "GMT"))
            or "/" in token
        )
        if known or (token.isupper() and len(token) >= 2):
            if zone is not None:
                return _Refused("at_unreadable", "two_zones")
            zone, value = token, value[: tail.start()].strip(" ,")
    written["zone"] = zone
    if marker is None:
        marker = _day_marker(value)
        if isinstance(marker, _Refused):
            return marker
        if marker is not None:
            written["marker"], value = marker
    word = _DAY_WORD.match(value)
    if word is not None:
        if word.group("next"):
            written["next_day"] = True
        elif word.group("same"):
            written["same_day"] = True
        elif word.group("dn"):  # D+1 is the day after the incident's day (day 1), D-1 the day before
            days = int(word.group("dn"))
            written["day_number"] = 1 + (days if word.group("dsign") == "+" else -days)
        else:
            written["day_number"] = int(word.group("n") or word.group("cn"))
        value = value[word.end() :]
    if value[:1].isalpha() or value[:2].strip(" ,").isalpha():  # 'starting at 7:38', 'from 14:05'
        # 'On 12 June 2025, from 10:51' (the date taken off): 'On , from 10:51'
        value = re.sub(r"(?i)^\s*on\s*,?\s*(?=(?:from|starting|beginning)\s+(?:at\b|\d))", "", value.strip())
        value = re.sub(r"(?i)^\s*,?\s*(?:starting|beginning|started|began|from)\s+(?=at\b|\d)", "", value.strip())
    value = re.sub(r"(?i)^\s*(?:[,@]|\bat\b|\bon\b|于|在)?\s*T?(?=\d)|^\s*[,@]?\s*(?:at\b|on\b)?", "", value.strip())
    value = re.sub(r"(?i)\s*(?:,|\bon\b|\bat\b)\s*$", "", value).strip(" ,")
    if not value:
        return _Refused("at_unreadable", "no_time")
    if value[-1:] in "nNtTyY午夜":  # noon, midnight, midday, 中午, 午夜
        if _NOON.match(value):
            value = "12:00"
        elif _MIDNIGHT.match(value):
            value, written["midnight"] = "00:00", True
    if "h" in value or "H" in value:
        value = _H_TIME.sub(r"\1:\2", value)
    if "." in value:
        value = _DOT_TIME.sub(r"\1:\2", value)  # 11.57 am
    if value[:4].isdigit():
        military = _MILITARY.match(value)
        if military is not None and (zone is not None or not value.isdigit()):
            value = f"{military.group(1)}:{military.group(2)}"
    value = _CN_MINUTE.sub(lambda m: _cn_number(m.group(0)), _CN_HOUR.sub(lambda m: _cn_number(m.group(0)), value))
    time = _TIME.match(value)
    if time is None and (some := _HOUR_AND_SOME.search(value)) is not None:
        return _Refused("at_unreadable", "hour_and_some", {"text": some.group(0)})
    if time is None:
        return _Refused("at_unreadable", "us_date" if _US_DATE.search(value) else None)
    parts = time.groupdict()
    clock = parts["mi"] is not None or any(parts[k] is not None for k in ("cmi", "half", "whole", "quarter"))
    clock = clock or bool(re.search(r"[点时]", value))
    if not clock and not parts["ampm"]:
        return _Refused("at_unreadable")
    hour = int(parts["h"])
    minute = int(parts["mi"] or parts["cmi"] or 0)
    if parts["half"]:
        minute = 30
    elif parts["quarter"]:
        minute = 15 if parts["quarter"] == "一刻" else 45
    second = int(parts["s"] or parts["cs"] or 0)
    extra = 0
    if parts["ampm"]:
        if not 1 <= hour <= 12:
            return _Refused("at_impossible", "ampm_hour")
        pm = parts["ampm"][0].casefold() == "p"
        hour = (hour % 12) + (12 if pm else 0)
    if parts["period"]:
        read = _period_hour(parts["period"], hour)
        if read is None:
            return _Refused("at_impossible", "period", {"period": parts["period"], "hour": str(hour)})
        hour, extra = read
    for key, number, top in (("hour", hour, 23), ("minute", minute, 59), ("second", second, 59)):
        if number > top:
            return _Refused("at_impossible", key)
    return _Written(hour=hour, minute=minute, second=second, extra_days=extra, **written)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- on the calendar


class AtNote(NamedTuple):
    """Something said about a time that was read: a finding code and its values."""

    code: str
    """at_rolled_over, at_ambiguous, at_zone_mismatch, at_midnight."""
    values: dict[str, str]


class ParsedAt(NamedTuple):
    """What `read_at` read: the instant (None on error), an error code with its reason, notes."""

    at: dt.datetime | None
    error: str | None = None
    """at_unreadable, at_impossible, no_date, at_no_year, at_relative_no_anchor, at_zone_unknown,
    at_zone_ambiguous."""
    reason: str | None = None
    """A reason key (hour, minute, date, dst_gap, ampm_hour, period, no_time, two_zones)."""
    values: dict[str, str] | None = None
    notes: tuple[AtNote, ...] = ()
    written_date: bool = False
    """True when the text itself gave a date (not taken from the event before)."""
    end: dt.datetime | None = None
    """The end of a span ('14:05–14:20'); ``at`` is its start."""
    approximate: bool = False
    """The text says the time is approximate ('~14:05', '约14:05', 'around 2pm')."""
    end_approximate: bool = False
    """Only the end is approximate: the span's length is ('14:03起持续约2小时')."""


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_ROLLOVER = dt.timedelta(hours=1)
_YEAR_WRAP_DAYS = 183


def timeline_year(texts: list[str]) -> int | None:
    """The first four-digit year written in the timeline's times (for dates written without one)."""
    for text in texts:
        found = _YEAR.search(unicodedata.normalize("NFKC", text))
        if found is not None:
            return int(found.group(1))
    return None


def _instant(at: dt.datetime) -> dt.datetime:
    return at.astimezone(dt.timezone.utc) if at.tzinfo is not None else at


def _local_date(at: dt.datetime, zone: dt.tzinfo | None) -> dt.date:
    """The date of an instant on the clock of the zone an event is read in."""
    if at.tzinfo is not None and zone is not None:
        return at.astimezone(zone).date()
    return at.date()


def _place(local: dt.datetime, zone: dt.tzinfo | None, previous: dt.datetime | None) -> ParsedAt:
    """A local time in its zone: refused when the zone skips it, flagged when the zone has it twice."""
    if not isinstance(zone, zoneinfo.ZoneInfo):
        return ParsedAt(local.replace(tzinfo=zone))
    first, second = local.replace(tzinfo=zone, fold=0), local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return ParsedAt(first)
    back = first.astimezone(dt.timezone.utc).astimezone(zone).replace(tzinfo=None)
    if back != local:
        before = (local - dt.timedelta(hours=3)).replace(tzinfo=zone)
        after = (local + dt.timedelta(hours=3)).replace(tzinfo=zone)
        return ParsedAt(
            None,
            "at_impossible",
            "dst_gap",
            {
                "zone": str(zone),
                "before": _fmt_offset(_offset_minutes(zone, before.replace(tzinfo=None)) or 0),
                "after": _fmt_offset(_offset_minutes(zone, after.replace(tzinfo=None)) or 0),
            },
        )
    pick = first
    if previous is not None and _instant(first) < _instant(previous) <= _instant(second):
        pick = second
    offset = pick.utcoffset() or dt.timedelta(0)
    other = (second if pick is first else first).utcoffset() or dt.timedelta(0)
    note = AtNote(
        "at_ambiguous",
        {
            "zone": str(zone),
            "used": _fmt_offset(int(offset.total_seconds() // 60)),
            "other": _fmt_offset(int(other.total_seconds() // 60)),
        },
    )
    return ParsedAt(pick, notes=(note,))


def read_at(
    text: str,
    zone: dt.tzinfo | None,
    previous: dt.datetime | None,
    first: dt.datetime | None,
    *,
    first_is_event_one: bool = True,
    default_date: dt.date | None = None,
    year: int | None = None,
    latest: dt.date | None = None,
) -> ParsedAt:
    """Read one ``at`` (see the module docstring).

    ``zone`` is the review's zone for times written without one; ``previous`` the event read before
    (in list order), ``first`` the first event (``first_is_event_one`` False when event #1 could not be
    read); ``default_date`` the date of a time alone before any dated event; ``year`` the year of dates
    written without one when no event before has a date, and ``latest`` the day such a date cannot be
    after (the review date that gave the year: 12月28日 in a review of 2024-01-05 is 2023-12-28).
    """
    written = _written(text)
    if isinstance(written, _Refused):
        return ParsedAt(None, written.code, written.reason, written.values)
    context = {"first_is_event_one": first_is_event_one, "default_date": default_date, "year": year, "latest": latest}
    start = _read_written(written, zone, previous, first, **context)  # type: ignore[arg-type]
    if start.at is not None and written.also is not None:
        return _agrees(start, written.also, zone, **context)  # type: ignore[arg-type]
    if start.at is not None and written.end is None and written.length is not None:
        # '09:40 UTC (lasting 48 minutes)': the span ends that long after, in elapsed time (a daylight-saving
        # change in between moves the clock, not the end)
        moment = _instant(start.at) + written.length
        end_at = moment.astimezone(start.at.tzinfo) if start.at.tzinfo is not None else moment
        return start._replace(end=end_at, end_approximate=written.approximate)
    if start.at is None or written.end is None:
        return start._replace(approximate=written.approximate)
    end = read_at(written.end, zone, start.at, first, **context)  # type: ignore[arg-type]
    if end.at is None:
        return end
    if _instant(end.at) < _instant(start.at):
        return ParsedAt(None, "at_impossible", "span_end", {"end": written.end})
    if written.length is not None and not _same_length(
        _instant(end.at) - _instant(start.at), written.length, written.approximate
    ):
        span = (_instant(end.at) - _instant(start.at)).total_seconds() / 60
        return ParsedAt(
            None,
            "at_impossible",
            "span_length",
            {"length": written.length_text or "", "minutes": f"{span:g}", "end": written.end},
        )
    notes = tuple(n for n in end.notes if n.code != "at_rolled_over")
    return start._replace(end=end.at, approximate=written.approximate or end.approximate, notes=start.notes + notes)


def _same_length(span: dt.timedelta, written: dt.timedelta, approximate: bool) -> bool:
    """Whether a span's length is the length written with it: to the minute (a span '12:20–14:40' is written
    to the minute), or, for an approximate length ('约2小时'), within a tenth of it and at least 5 minutes."""
    off = abs(span - written)
    if approximate:
        return off <= max(written * 0.1, dt.timedelta(minutes=5))
    return off < dt.timedelta(minutes=1)


def _agrees(
    start: ParsedAt,
    other_text: str,
    zone: dt.tzinfo | None,
    *,
    first_is_event_one: bool,
    default_date: dt.date | None,
    year: int | None,
    latest: dt.date | None,
) -> ParsedAt:
    """The instant written twice, in two zones: read once, and refused when the two clocks disagree."""
    assert start.at is not None
    other = _written_one(other_text)
    if isinstance(other, _Refused) or other.zone is None:
        return ParsedAt(None, "at_unreadable", "two_times")
    tz = _written_zone(other.zone, start.at.replace(tzinfo=None), zone).zone
    if tz is None:
        return ParsedAt(None, "at_unreadable", "two_times")
    there = start.at.astimezone(tz)
    same_clock = (there.hour, there.minute, there.second) == (other.hour, other.minute, other.second)
    same_date = other.month is None or (there.month, there.day) == (other.month, other.day)
    if not (same_clock and same_date):
        return ParsedAt(None, "at_impossible", "two_times", {"other": other_text, "there": _clock(there)})
    return start


def _nearest_day_of_month(carried: dt.date, dom: int) -> dt.date | None:
    """The date with that day of the month nearest the event before's: its month, else the month after or
    before it ('1日' after '31日' is the next month's first); None when no such day is near (31 after February)."""
    options = []
    for step in (0, 1, -1):
        month0 = carried.year * 12 + carried.month - 1 + step
        try:
            options.append(dt.date(month0 // 12, month0 % 12 + 1, dom))
        except ValueError:
            continue
    near = [day for day in options if abs((day - carried).days) <= 15]
    return min(near, key=lambda day: abs((day - carried).days)) if near else None


def _clock(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M") + (at.strftime(":%S") if at.second else "")


def _read_written(
    written: _Written,
    zone: dt.tzinfo | None,
    previous: dt.datetime | None,
    first: dt.datetime | None,
    *,
    first_is_event_one: bool,
    default_date: dt.date | None,
    year: int | None,
    latest: dt.date | None,
) -> ParsedAt:
    if written.relative is not None:
        if first is None or not first_is_event_one:
            return ParsedAt(None, "at_relative_no_anchor")
        moment = _instant(first) + written.relative
        at = moment.astimezone(first.tzinfo) if first.tzinfo is not None else moment
        return ParsedAt(at)
    carried = _local_date(previous, zone) if previous is not None else default_date
    notes: list[AtNote] = []
    dated = written.month is not None
    if written.month is not None and written.day is not None:
        the_year = written.year
        if the_year is None:
            the_year = carried.year if carried is not None else year
            if the_year is None:
                return ParsedAt(None, "at_no_year")
        try:
            day = dt.date(the_year, written.month, written.day)
            if written.year is None and carried is not None and (carried - day).days > _YEAR_WRAP_DAYS:
                day = dt.date(the_year + 1, written.month, written.day)  # December, then 1月2日
            elif written.year is None and carried is None and latest is not None and day > latest:
                day = dt.date(the_year - 1, written.month, written.day)
        except ValueError:
            return ParsedAt(None, "at_impossible", "date")
    elif written.day_of_month is not None:
        if carried is None:
            return ParsedAt(None, "no_date")
        picked = _nearest_day_of_month(carried, written.day_of_month)
        if picked is None:
            return ParsedAt(None, "at_impossible", "date")
        day, dated = picked, True
        if (day.year, day.month) != (carried.year, carried.month):
            notes.append(AtNote("at_other_month", {"date": day.isoformat(), "dom": str(written.day_of_month)}))
    elif written.day_number is not None or written.marker is not None:
        base = _local_date(first, zone) if first is not None else default_date
        if base is None:
            return ParsedAt(None, "no_date")
        count = written.day_number - 1 if written.day_number is not None else 0
        day = base + dt.timedelta(days=count + (written.marker or 0))
        dated = True
    elif carried is not None and written.weekday is not None:
        day = carried + dt.timedelta(days=(written.weekday - carried.weekday()) % 7)
        dated = True
    elif carried is not None:
        day = carried + dt.timedelta(days=1 if written.next_day else 0)
        dated = written.next_day or written.same_day
    elif written.zone is not None and _follows_dst(written.zone):
        return ParsedAt(None, "no_date", "dst", {"zone": written.zone})  # '14:03 ET': EDT or EST?
    else:
        return ParsedAt(None, "no_date")
    if written.weekday is not None and day.weekday() != written.weekday:
        return ParsedAt(None, "at_impossible", "weekday", {"date": day.isoformat(), "weekday": str(day.weekday())})
    if written.midnight and dated:
        notes.append(AtNote("at_midnight", {"date": day.isoformat(), "next": (day + dt.timedelta(days=1)).isoformat()}))
    local = dt.datetime.combine(day, dt.time(written.hour, written.minute, written.second))
    local += dt.timedelta(days=written.extra_days)
    tz = zone
    if written.zone is not None:
        read = _written_zone(written.zone, local, zone)
        if read.zone is None:
            return ParsedAt(None, read.error, values=read.values)
        tz = read.zone
        if read.note is not None:
            notes.append(read.note)
        if not dated and previous is not None:  # the day before, on the written zone's clock
            carried = _local_date(previous, tz)
            local = dt.datetime.combine(carried, local.time()) + dt.timedelta(days=written.extra_days)
    placed = _place(local, tz, previous)
    if placed.at is None:
        return placed
    comparable = previous is not None and (placed.at.tzinfo is None) == (previous.tzinfo is None)
    if not dated and previous is not None and comparable and _instant(placed.at) < _instant(previous) - _ROLLOVER:
        later = _place(local + dt.timedelta(days=1), tz, previous)
        if later.at is None:
            return later
        notes.append(AtNote("at_rolled_over", {"date": later.at.date().isoformat()}))
        placed = later
    return ParsedAt(placed.at, notes=(*notes, *placed.notes), written_date=dated)
