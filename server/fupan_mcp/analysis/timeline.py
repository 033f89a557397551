"""The incident timeline: read the times, put the events in order, compute the durations, check the story.

`check_timeline` is pure: events in, a `TimelineResult` out. Each event's ``at`` is read by
`timeline_at.read_at`, in the forms public postmortems write: ISO 8601 (``2017-02-28T17:37Z``), a date and
a time (``2024-03-10 01:45 PST``, ``Feb 28, 2017 9:37 AM``, ``3月10日 14:05``), a time alone (``3:20am``,
``下午2:35``: the date of the event before, the next day when it is more than an hour earlier), ``次日 09:30``,
``Day 2 03:00``, ``D+1 03:00``, ``00:10 (+1)``, ``T+15m``, spans ``14:05–14:20`` and approximate times
``~14:05`` (see `timeline_at`). Times without a zone are read in the review's ``timezone`` and all are shown on
its clock. An ambiguous zone abbreviation (CST, IST) the timezone does not settle, a clock time skipped by
a daylight-saving change, a date without a year nobody gives: each is an error naming the event, the rest
is computed.

The durations, all in minutes, come from the milestone events (the first of each kind; the last for
``resolved`` and ``impact_end``, which may be reached again after a relapse):

- time to detect = detected - impact_start;      time to escalate = escalated - detected;
- time to mitigate = mitigated - impact_start;   time to resolve = resolved - impact_start;
- impact duration = impact_end - impact_start;   trigger to impact = impact_start - trigger.

An event written as a span is listed at its start; it counts from its start, except a mitigated, resolved or
impact_end, which is reached when the span ends (each said in a finding). A duration that uses a time
written as approximate is marked ``approximate`` and the event has a finding.

Findings: unreadable or impossible times, an unknown or ambiguous zone, a time read as the next day, a clock
time that happens twice, an abbreviation the zone was not on at that instant, local times that cannot be
compared with zoned ones, events listed out of time order, duplicate events, a milestone given twice,
sequences that cannot happen (resolved before detected, impact ending before it starts, mitigation before
impact) or rarely do (impact before its trigger, resolution before mitigation), events after the review date,
and the tone check (blame, a roster name) on every event's text. Missing milestones are data gaps.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from pydantic import ValidationError

from fupan_mcp.analysis.compliance import check_compliance
from fupan_mcp.analysis.timeline_at import ParsedAt, parse_zone, read_at, timeline_year
from fupan_mcp.domain.common import SEVERITY_ORDER, DataGap, Finding, Language, Severity, SeverityCounts
from fupan_mcp.domain.compliance import RosterEntry
from fupan_mcp.domain.items import ItemError, kept_positions, set_aside_findings
from fupan_mcp.domain.timeline import (
    DEFAULT_SEVERITY_SCALE,
    EVENT_KINDS,
    MAX_EVENTS,
    DurationKey,
    EventKind,
    OffsetFrom,
    SeverityCheck,
    TimelineDuration,
    TimelineEvent,
    TimelineEventResult,
    TimelineResult,
)
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Table, join_list, tr

__all__ = ["check_severity", "check_timeline", "duration_text", "parse_at", "parse_zone"]

parse_at = read_at
"""Kept under its old name: `timeline_at.read_at` reads one ``at``."""

_TEXT: Table = {
    "at_unreadable": {
        "zh": "第 {n} 条事件的时间“{at}”无法识别{why}。可写成 2024-03-10 14:05、2017-02-28T17:37Z、"
        "Feb 28, 2017 9:37 AM PST、3月10日 14:05、下午2:35、次日 09:30、T+15m，"
        "或只写时刻 14:05（沿用上一条事件的日期）。",
        "en": 'The time of event #{n} ("{at}") cannot be read{why}. Write e.g. 2024-03-10 14:05, 2017-02-28T17:37Z, '
        "Feb 28, 2017 9:37 AM PST, 28 Feb 2017 09:37 UTC, 3:20am, Day 2 03:00, T+15m, or a time of day alone "
        "(14:05, on the date of the event before).",
    },
    "at_impossible": {
        "zh": "第 {n} 条事件的时间“{at}”不存在：{reason}。",
        "en": 'The time of event #{n} ("{at}") does not exist: {reason}.',
    },
    "at_no_year": {
        "zh": "第 {n} 条事件的日期“{at}”没有年份，前面的事件和复盘日期也给不出年份。请写上年份（如 2024年3月10日）。",
        "en": 'Event #{n} ("{at}") gives a date without a year, and no event before it nor the review date gives '
        "one. Write the year (e.g. Mar 10, 2024).",
    },
    "at_relative_no_anchor": {
        "zh": "第 {n} 条事件的时间“{at}”从第一条事件起算，但第一条事件没有可读的日期和时刻。"
        "请给第一条事件写上日期和时刻。",
        "en": 'Event #{n} ("{at}") counts from the first event, which has no readable date and time. Give the '
        "first event a date and a time (e.g. 2024-03-10 14:05).",
    },
    "at_zone_unknown": {
        "zh": "第 {n} 条事件的时间“{at}”中的时区“{zone}”无法识别。请写 UTC、偏移（如 +08:00）"
        "或 IANA 名称（如 Asia/Shanghai）。",
        "en": 'The time zone "{zone}" of event #{n} ("{at}") is not known. Write UTC, an offset (e.g. -07:00) or '
        "an IANA name (e.g. America/Los_Angeles).",
    },
    "at_zone_ambiguous": {
        "zh": "第 {n} 条事件的时间“{at}”写的“{abbr}”有多种含义（{options}），没有按猜测计算。请改写为偏移"
        "（如 +08:00），或把复盘的 timezone 设为使用该缩写的时区（如 Asia/Shanghai、America/Chicago）。",
        "en": 'Event #{n} ("{at}") is written in "{abbr}", which has several meanings ({options}); it is not '
        "guessed. Write the offset (e.g. -06:00), or set the review's timezone to the zone that uses it "
        "(e.g. America/Chicago, Asia/Shanghai).",
    },
    "at_rolled_over": {
        "zh": "第 {n} 条事件只写了时刻“{at}”，比上一条事件早一小时以上，按第二天（{date}）计算。如果不是，请写上日期。",
        "en": 'Event #{n} gives only a time of day ("{at}"), more than an hour before the event before it: it is '
        "read as the next day ({date}). If it is not, write the date.",
    },
    "at_ambiguous": {
        "zh": "第 {n} 条事件的时间“{at}”在 {zone} 出现两次（夏令时结束，时钟回拨），"
        "按 {used} 计算（另一次为 {other}）。请写上偏移或时区缩写以确认。",
        "en": 'The time of event #{n} ("{at}") happens twice in {zone} (daylight saving ends, the clocks go back); '
        "it is read as {used} (the other is {other}). Write the offset or the zone abbreviation to be sure.",
    },
    "at_zone_mismatch": {
        "zh": "第 {n} 条事件写的是 {abbr}，但那一刻 {zone} 用的是 {used}（当地钟面 {local}）；"
        "按写明的 {abbr} 计算，请核对。",
        "en": "Event #{n} is written in {abbr}, but at that instant {zone} was on {used} (its clocks read {local}); "
        "it is read as written, in {abbr}. Check it.",
    },
    "at_span": {
        "zh": "第 {n} 条事件“{at}”是一段时间（{start} 至 {end}，共 {length}）：按开始时间 {start} 排序并计算时长，"
        "结束时间不作为里程碑。如果结束时刻本身是里程碑（如止损、解决），请另写一条事件。",
        "en": 'Event #{n} ("{at}") is a span ({start} to {end}, {length}): it is placed at its start, {start}, and '
        "durations count from the start; the end is not a milestone. If the end is one (mitigated, resolved), "
        "give it its own event.",
    },
    "at_span_end": {
        "zh": "第 {n} 条事件“{at}”是一段时间（{start} 至 {end}，共 {length}）：按开始时间 {start} 排序，"
        "但这类事件在时间段结束时才算达成，时长按结束时间 {end} 计算。如果不是，请把开始和结束分成两条事件。",
        "en": 'Event #{n} ("{at}") is a span ({start} to {end}, {length}): it is listed at its start, {start}, but '
        "this kind of milestone is reached when the span ends, so the durations use its end, {end}. If not, give "
        "the start and the end their own events.",
    },
    "blank_text": {
        "zh": "第 {n} 条事件（{at}）没有写发生了什么：它仍按时间和类型排入时间线，请补上事件描述。",
        "en": "Event #{n} ({at}) does not say what happened: it is still placed by its time and kind; add what "
        "happened.",
    },
    "at_approximate": {
        "zh": "第 {n} 条事件的时间“{at}”是约数：按写出的时刻计算，用到它的时长也是约数。",
        "en": 'The time of event #{n} ("{at}") is approximate: it is read as the time written, and the durations '
        "that use it are approximate too.",
    },
    "at_length_approximate": {
        "zh": "第 {n} 条事件“{at}”写的时长是约数：结束时刻按写出的时长计算，用到结束时刻的时长也是约数。",
        "en": 'Event #{n} ("{at}") gives an approximate length: its end is computed from the length written, and '
        "the durations that use the end are approximate too.",
    },
    "at_other_month": {
        "zh": "第 {n} 条事件“{at}”只写了日（{dom}日），离上一条事件最近的是另一个月的这一天，按 {date} 计算。"
        "如果不是，请写上月份。",
        "en": 'Event #{n} ("{at}") gives only the day of the month ({dom}); the nearest such day to the event before '
        "is in another month: it is read as {date}. If it is not, write the month.",
    },
    "at_midnight": {
        "zh": "第 {n} 条事件写的是“{at}”，按 {date} 00:00（当天开始）计算；如果指的是当天结束，请写 {next} 00:00。",
        "en": 'Event #{n} says "{at}": it is read as {date} 00:00, the start of that day. If the end of the day is '
        "meant, write {next} 00:00.",
    },
    "no_date": {
        "zh": "第 {n} 条事件只有时刻“{at}”，前面没有带日期的事件。{dst}请给第一条事件写上日期。",
        "en": 'Event #{n} gives only a time of day ("{at}") and no event before it has a date. {dst}Put the date '
        "on the first event.",
    },
    "reason.dst": {
        "zh": "{zone} 随夏令时改变与 UTC 的时差，没有日期就无法确定（不按猜测的日期换算）。",
        "en": "{zone} changes its offset to UTC with daylight saving, so without a date the offset is unknown "
        "(no date is guessed). ",
    },
    "no_zone": {
        "zh": "第 {n} 条事件的时间“{at}”没有时区，而其他事件有，无法比较。请补充复盘的 timezone 或在时间后写明时区。",
        "en": 'Event #{n} ("{at}") has no time zone while other events do, so it cannot be compared. Set the '
        "review's timezone or add the zone to the time.",
    },
    "timezone_unknown": {
        "zh": "时区“{zone}”无法识别。请写 IANA 名称（如 Asia/Shanghai、UTC）或偏移（如 +08:00）。",
        "en": 'The time zone "{zone}" is not known. Use an IANA name (e.g. America/Los_Angeles, UTC) or an '
        "offset (e.g. -07:00).",
    },
    "zone_inherited": {
        "zh": "第 {events} 条事件没有写时区，按其他事件的时区（{zone}）计算。",
        "en": "Events #{events} have no time zone of their own: they are read in the other events' zone ({zone}).",
    },
    "timezone_missing": {
        "zh": "时间线没有时区：各时间按同一时区的钟面时间计算。请补充 timezone（如 Asia/Shanghai）。",
        "en": "The timeline has no time zone: the times are read as wall-clock times of one zone. Set the "
        "timezone (e.g. UTC).",
    },
    "out_of_order": {
        "zh": "第 {n} 条事件（{at}）排在第 {prev} 条（{prev_at}）之后，但发生得更早；时间线已按时间重新排序。"
        "如果它其实是第二天，请写上日期。",
        "en": "Event #{n} ({at}) is listed after event #{prev} ({prev_at}) but happened earlier; the timeline is "
        "shown in time order. If it is the next day, write the date.",
    },
    "duplicate_event": {
        "zh": "第 {n} 条事件与第 {other} 条重复（同一时间、同样内容）。",
        "en": "Event #{n} duplicates event #{other} (same time, same content).",
    },
    "repeated_milestone": {
        "zh": "有 {count} 条“{kind}”事件；计算时长用的是第 {used} 条（{at}）。",
        "en": 'There are {count} "{kind}" events; the durations use event #{used} ({at}).',
    },
    "sequence_impossible": {
        "zh": "“{later}”（{later_at}）早于“{earlier}”（{earlier_at}），这不可能发生。请核对这两条事件的时间。",
        "en": '"{later}" ({later_at}) comes before "{earlier}" ({earlier_at}), which cannot happen. Check the '
        "times of these two events.",
    },
    "sequence_unlikely": {
        "zh": "“{later}”（{later_at}）早于“{earlier}”（{earlier_at}），请确认顺序无误。",
        "en": '"{later}" ({later_at}) comes before "{earlier}" ({earlier_at}); check that this is right.',
    },
    "detected_before_impact": {
        "zh": "发现（{detected}）早于影响开始（{impact}）：告警先于用户受影响，发现用时为负。",
        "en": "Detection ({detected}) precedes the impact start ({impact}): the alert fired before users were "
        "affected, so time to detect is negative.",
    },
    "event_after_review": {
        "zh": "第 {n} 条事件（{at}）晚于复盘日期 {review}。",
        "en": "Event #{n} ({at}) is after the review date {review}.",
    },
    "names_person": {
        "zh": "第 {n} 条事件写了人名；时间线应写角色（报告中已替换为“{role}”）。",
        "en": 'Event #{n} names a person; a timeline names roles (the report shows "{role}").',
    },
    "gap.impact_start": {
        "zh": "时间线缺少影响开始（impact_start）事件，无法计算发现、止损、解决用时与影响时长。",
        "en": "The timeline has no impact_start event, so time to detect, mitigate and resolve and the impact "
        "duration cannot be computed.",
    },
    "gap.detected": {
        "zh": "时间线缺少发现（detected）事件，无法计算发现用时。",
        "en": "The timeline has no detected event, so time to detect cannot be computed.",
    },
    "gap.mitigated": {
        "zh": "时间线缺少止损（mitigated）事件，无法计算止损用时。",
        "en": "The timeline has no mitigated event, so time to mitigate cannot be computed.",
    },
    "gap.resolved": {
        "zh": "时间线缺少解决（resolved）事件，无法计算解决用时。",
        "en": "The timeline has no resolved event, so time to resolve cannot be computed.",
    },
    "gap.impact_end": {
        "zh": "时间线缺少影响结束（impact_end）事件，无法计算影响时长。",
        "en": "The timeline has no impact_end event, so the impact duration cannot be computed.",
    },
    "severity_unknown": {
        "zh": "严重级别“{given}”不在级别表（{scale}）中。请使用其中一个级别，或在 severity_scale 中配置团队的级别。",
        "en": 'The severity "{given}" is not on the scale ({scale}). Use one of its levels, or configure the '
        "team's levels in severity_scale.",
    },
    "reason.hour": {"zh": "小时应在 0–23 之间", "en": "the hour must be 0-23"},
    "reason.minute": {"zh": "分钟应在 0–59 之间", "en": "the minute must be 0-59"},
    "reason.second": {"zh": "秒应在 0–59 之间", "en": "the second must be 0-59"},
    "reason.date": {"zh": "日期不存在", "en": "no such date"},
    "reason.dst_gap": {
        "zh": "{zone} 在这一天因夏令时调整跳过了这段钟面时间（{before} 变为 {after}）",
        "en": "{zone} skips this clock time that day (daylight saving: {before} becomes {after})",
    },
    "reason.ampm_hour": {"zh": "写 am/pm 时小时应在 1–12 之间", "en": "with am/pm the hour must be 1-12"},
    "reason.period": {"zh": "“{period}”与 {hour} 点矛盾", "en": '"{period}" does not go with hour {hour}'},
    "reason.weekday": {
        "zh": "{date} 是{weekday}，与写的星期不符",
        "en": "{date} is a {weekday}, not the day of the week written",
    },
    "reason.span_end": {
        "zh": "时间段的结束“{end}”早于开始",
        "en": 'the end of the span ("{end}") is before its start',
    },
    "reason.span_length": {
        "zh": "时间段到“{end}”是 {minutes} 分钟，与写的时长“{length}”不符；请核对开始、结束时刻和时长",
        "en": 'the span to "{end}" is {minutes} minutes, not the length written ("{length}"); check the start, the '
        "end and the length",
    },
    "reason.length_bound": {
        "zh": "：“{length}”是一个界限（超过、不到），不是时长，无法算出结束时刻；请写结束时刻（如 14:03–16:20）",
        "en": ': "{length}" is a bound (over, under), not a length, so the end cannot be computed; write the end '
        "(e.g. 14:03-16:20)",
    },
    "reason.two_times": {
        "zh": "同一时刻写了两个时区的时间，但“{other}”与前一个不符（前一个在该时区是 {there}）",
        "en": 'it gives the time in two zones, but "{other}" does not match the first (which is {there} there)',
    },
    "reason.day_or_offset": {
        "zh": "：“+{n}”可能是 {n} 天后，也可能是 UTC+{n}，请写成“+{n}d”（{n} 天后）或“UTC+{n}”",
        "en": ': "+{n}" may be {n} day(s) later or UTC+{n}; write (+{n}d) or UTC+{n}',
    },
    "weekday.0": {"zh": "星期一", "en": "Monday"},
    "weekday.1": {"zh": "星期二", "en": "Tuesday"},
    "weekday.2": {"zh": "星期三", "en": "Wednesday"},
    "weekday.3": {"zh": "星期四", "en": "Thursday"},
    "weekday.4": {"zh": "星期五", "en": "Friday"},
    "weekday.5": {"zh": "星期六", "en": "Saturday"},
    "weekday.6": {"zh": "星期日", "en": "Sunday"},
    "reason.no_time": {"zh": "：只有日期，没有时刻", "en": ": a date without a time of day"},
    "reason.hour_and_some": {
        "zh": "：“{text}”只说了在这个钟点之内，没有分钟，不能按整点计算；请写出分钟（如 22:15），或写“约22点”",
        "en": ': "{text}" says only some time in that hour, with no minute, so it is not read as the hour itself; '
        "write the minute (e.g. 22:15) or 'about 10 pm'",
    },
    "reason.span_or_offset": {
        "zh": "：“{zone} - {end}”可能是到 {end} 为止的时间段，也可能是偏移 {zone}-{end}；"
        "时间段请写成 04:09–05:00 {zone}，偏移请写成 {zone}-{end}（不加空格）",
        "en": ': "{zone} - {end}" may be a span to {end} or the offset {zone}-{end}; write a span as 04:09-05:00 '
        "{zone}, an offset as {zone}-{end} (no spaces)",
    },
    "reason.two_zones": {"zh": "：写了两个时区", "en": ": it names two time zones"},
    "reason.us_date": {
        "zh": "：“月/日/年”与“日/月/年”无法区分，请写成 2024-03-10",
        "en": ": month/day/year and day/month/year cannot be told apart, write 2024-03-10",
    },
    "kind.impact_start": {"zh": "影响开始", "en": "impact start"},
    "kind.detected": {"zh": "发现", "en": "detected"},
    "kind.escalated": {"zh": "升级", "en": "escalated"},
    "kind.mitigated": {"zh": "止损", "en": "mitigated"},
    "kind.resolved": {"zh": "解决", "en": "resolved"},
    "kind.impact_end": {"zh": "影响结束", "en": "impact end"},
    "kind.trigger": {"zh": "触发", "en": "trigger"},
    "kind.change": {"zh": "变更", "en": "change"},
    "kind.communication": {"zh": "沟通", "en": "communication"},
    "unit.day": {"zh": "{n}天", "en": "{n} d"},
    "unit.hour": {"zh": "{n}小时", "en": "{n} h"},
    "unit.minute": {"zh": "{n}分钟", "en": "{n} min"},
    "unit.second": {"zh": "{n}秒", "en": "{n} s"},
    "unit.join": {"zh": "{a}{b}", "en": "{a} {b}"},
    "unit.about": {"zh": "约{text}", "en": "about {text}"},
    "member": {"zh": "角色", "en": "a role"},
}

# --------------------------------------------------------------------------- durations in words


def duration_text(minutes: float, language: Language) -> str:
    """A duration in words: '1小时6分钟' / '1 h 6 min'; seconds only when there are any."""
    total = round(abs(minutes) * 60)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    mins, secs = divmod(rest, 60)
    parts = [
        tr(_TEXT, f"unit.{unit}", language, n=amount)
        for unit, amount in (("day", days), ("hour", hours), ("minute", mins), ("second", secs))
        if amount
    ]
    text = parts[0] if parts else tr(_TEXT, "unit.minute", language, n=0)
    for part in parts[1:]:
        text = tr(_TEXT, "unit.join", language, a=text, b=part)
    return f"-{text}" if minutes < 0 and total else text


# --------------------------------------------------------------------------- the check

_DURATIONS: tuple[tuple[DurationKey, EventKind, EventKind], ...] = (
    ("time_to_detect", "impact_start", "detected"),
    ("time_to_escalate", "detected", "escalated"),
    ("time_to_mitigate", "impact_start", "mitigated"),
    ("time_to_resolve", "impact_start", "resolved"),
    ("impact_duration", "impact_start", "impact_end"),
    ("trigger_to_impact", "trigger", "impact_start"),
)
_LAST_WINS: frozenset[str] = frozenset({"resolved", "impact_end"})
_MILESTONES: frozenset[str] = frozenset(
    {"impact_start", "detected", "escalated", "mitigated", "resolved", "impact_end", "trigger"}
)
_IMPOSSIBLE: tuple[tuple[EventKind, EventKind], ...] = (
    ("resolved", "detected"),
    ("resolved", "impact_start"),
    ("impact_end", "impact_start"),
    ("mitigated", "impact_start"),
)
"""(later, earlier): the first must not come before the second."""
_UNLIKELY: tuple[tuple[EventKind, EventKind], ...] = (
    ("impact_start", "trigger"),
    ("mitigated", "detected"),
    ("escalated", "detected"),
    ("resolved", "mitigated"),
)
_REACHED_AT_END: frozenset[str] = frozenset({"mitigated", "resolved", "impact_end"})
"""Kinds whose milestone, for an event written as a span, is the span's end."""
_GAPS: tuple[EventKind, ...] = ("impact_start", "detected", "mitigated", "resolved", "impact_end")


class _Read(NamedTuple):
    position: int
    event: TimelineEvent
    at: dt.datetime
    end: dt.datetime | None = None
    approximate: bool = False
    end_approximate: bool = False
    """Only the span's end is approximate (its length is: '14:03起持续约2小时')."""

    @property
    def milestone_approximate(self) -> bool:
        """Whether the instant the milestone is reached at is approximate."""
        uses_end = self.end is not None and self.event.kind in _REACHED_AT_END
        return self.approximate or (uses_end and self.end_approximate)

    @property
    def instant(self) -> dt.datetime:
        """The instant in UTC: Python compares and subtracts datetimes of one zone by wall clock, which
        would count a daylight-saving jump as elapsed time."""
        return self.at.astimezone(dt.timezone.utc) if self.at.tzinfo is not None else self.at

    @property
    def milestone_at(self) -> dt.datetime:
        """When the event's milestone is reached: the end of a span for a kind that ends something
        ('00:00–01:50 services restored' is resolved at 01:50), else its start."""
        return self.end if self.end is not None and self.event.kind in _REACHED_AT_END else self.at

    @property
    def milestone(self) -> dt.datetime:
        at = self.milestone_at
        return at.astimezone(dt.timezone.utc) if at.tzinfo is not None else at


def _finding(code: str, severity: Severity, path: str, language: Language, **values: object) -> Finding:
    return Finding(code=code, severity=severity, message=tr(_TEXT, code, language, **values), path=path)


def _show(at: dt.datetime) -> str:
    text = at.strftime("%Y-%m-%d %H:%M")
    if at.second:
        text += at.strftime(":%S")
    if at.tzinfo is not None:
        offset = at.utcoffset()
        text += " UTC" if offset == dt.timedelta(0) else at.strftime(" %z")[:-2] + ":" + at.strftime("%z")[-2:]
    return text


def _as_events(timeline: Sequence[TimelineEvent | Mapping[str, object]]) -> list[TimelineEvent]:
    if len(timeline) > MAX_EVENTS:
        raise InputError("timeline", f"more than {MAX_EVENTS} events")
    events: list[TimelineEvent] = []
    for index, item in enumerate(timeline):
        try:
            events.append(item if isinstance(item, TimelineEvent) else TimelineEvent.model_validate(item))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(f"timeline[{index}]" + (f".{where}" if where else ""), first["msg"]) from None
    return events


_NOTE_SEVERITY: dict[str, Severity] = {
    "at_rolled_over": "info",
    "at_ambiguous": "warning",
    "at_zone_mismatch": "warning",
    "at_midnight": "warning",
    "at_other_month": "info",
}


def _at_error(parsed: ParsedAt, index: int, at: str, language: Language) -> Finding:
    """The finding for an ``at`` that could not be read: the event, its text and the reason, in words."""
    code = parsed.error or "at_unreadable"
    values: dict[str, object] = {"n": index + 1, "at": at, **(parsed.values or {})}
    extra = dict(parsed.values or {})
    if "weekday" in extra:
        extra["weekday"] = tr(_TEXT, f"weekday.{extra['weekday']}", language)
    values |= extra
    if code == "at_impossible":
        values["reason"] = tr(_TEXT, f"reason.{parsed.reason or 'date'}", language, **extra)
    elif code == "at_unreadable":
        values["why"] = tr(_TEXT, f"reason.{parsed.reason}", language, **extra) if parsed.reason else ""
    elif code == "no_date":
        values["dst"] = tr(_TEXT, "reason.dst", language, **extra) if parsed.reason == "dst" else ""
    return _finding(code, "error", f"timeline[{index}].at", language, **values)


_TIME_ONLY = re.compile(
    r"^\s*(?:上午|下午|中午|晚上|凌晨|早上|傍晚)?\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?(?:\s*(?:am|pm|AM|PM|a\.m\.|p\.m\.))?\s*$"
)
"""A time written without a date or a zone ('14:15', '2:31 pm'): the line of a timeline under a dated first one."""


def _zoned(item: _Read, tz: dt.tzinfo | None) -> _Read:
    """A bare event time (and its span's end) read in the zone the other events are written in."""
    end = item.end if item.end is None or item.end.tzinfo is not None else item.end.replace(tzinfo=tz)
    return item._replace(at=item.at.replace(tzinfo=tz), end=end)


def _read_times(
    events: Sequence[TimelineEvent],
    zone: dt.tzinfo | None,
    default_date: dt.date | None,
    review_date: dt.date | None,
    language: Language,
    findings: list[Finding],
    positions: Sequence[int],
) -> list[_Read]:
    read: list[_Read] = []
    previous: dt.datetime | None = None
    first: dt.datetime | None = None
    year = timeline_year([event.at for event in events])
    latest: dt.date | None = None
    if year is None and review_date is not None:
        year, latest = review_date.year, review_date
    elif year is None and default_date is not None:
        year = default_date.year
    for index, event in zip(positions, events, strict=True):
        parsed = read_at(
            event.at,
            zone,
            previous,
            first,
            first_is_event_one=bool(read) and read[0].position == positions[0],
            default_date=default_date,
            year=year,
            latest=latest,
        )
        if parsed.at is None:
            findings.append(_at_error(parsed, index, event.at, language))
            continue
        for note in parsed.notes:
            findings.append(
                _finding(
                    note.code,
                    _NOTE_SEVERITY[note.code],
                    f"timeline[{index}].at",
                    language,
                    n=index + 1,
                    at=event.at,
                    **note.values,
                )
            )
        previous = parsed.at
        first = first or parsed.at
        shown, end = (
            (t.astimezone(zone) if zone is not None and t is not None and t.tzinfo is not None else t)
            for t in (parsed.at, parsed.end)
        )
        assert shown is not None
        if end is not None:
            length = duration_text((end - shown).total_seconds() / 60, language)
            findings.append(
                _finding(
                    "at_span_end" if event.kind in _REACHED_AT_END else "at_span",
                    "info",
                    f"timeline[{index}].at",
                    language,
                    n=index + 1,
                    at=event.at,
                    start=_show(shown),
                    end=_show(end),
                    length=length,
                )
            )
        if parsed.approximate:
            findings.append(
                _finding("at_approximate", "info", f"timeline[{index}].at", language, n=index + 1, at=event.at)
            )
        if parsed.end_approximate and not parsed.approximate:
            findings.append(
                _finding("at_length_approximate", "info", f"timeline[{index}].at", language, n=index + 1, at=event.at)
            )
        read.append(_Read(index, event, shown, end, parsed.approximate, parsed.end_approximate))
    zoned = [r for r in read if r.at.tzinfo is not None]
    if zoned and len(zoned) < len(read):
        # a zone written with the date, then times alone ('2024-03-12 14:02 PDT', then '14:15'): the times
        # are in that zone, as a reader takes them; a bare time with its own date was written apart, and
        # with zones that differ nothing tells which one a bare time is in: neither can be compared
        single = len({r.at.utcoffset() for r in zoned}) == 1
        tz = zoned[0].at.tzinfo
        inherited: list[int] = []
        kept: list[_Read] = []
        for r in read:
            if r.at.tzinfo is None and single and _TIME_ONLY.match(r.event.at):
                r = _zoned(r, tz)
                inherited.append(r.position + 1)
            if r.at.tzinfo is None:
                findings.append(
                    _finding(
                        "no_zone", "error", f"timeline[{r.position}].at", language, n=r.position + 1, at=r.event.at
                    )
                )
                continue
            kept.append(r)
        if inherited:
            zone_name = _zone_label(zoned[0].at)
            numbers = join_list(map(str, inherited), language)
            findings.append(_finding("zone_inherited", "info", "timezone", language, events=numbers, zone=zone_name))
        read = kept
    elif read and not zoned:
        findings.append(_finding("timezone_missing", "info", "timezone", language))
    return read


def _order_findings(read: Sequence[_Read], language: Language) -> list[Finding]:
    findings: list[Finding] = []
    latest: _Read | None = None
    for item in read:
        if latest is not None and item.instant < latest.instant:
            findings.append(
                _finding(
                    "out_of_order",
                    "warning",
                    f"timeline[{item.position}].at",
                    language,
                    n=item.position + 1,
                    at=_show(item.at),
                    prev=latest.position + 1,
                    prev_at=_show(latest.at),
                )
            )
        if latest is None or item.instant >= latest.instant:
            latest = item
    seen: dict[tuple[dt.datetime, str], int] = {}
    for item in read:
        text_key = re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", item.event.text).casefold())
        keys = [(item.instant, "text:" + text_key)]
        if item.event.kind in _MILESTONES:
            keys.append((item.instant, "kind:" + item.event.kind))
        other = next((seen[k] for k in keys if k in seen), None)
        if other is not None:
            findings.append(
                _finding(
                    "duplicate_event",
                    "warning",
                    f"timeline[{item.position}]",
                    language,
                    n=item.position + 1,
                    other=other + 1,
                )
            )
        for key in keys:
            seen.setdefault(key, item.position)
    return findings


def _kind_label(kind: str, language: Language) -> str:
    return tr(_TEXT, f"kind.{kind}", language) if kind in EVENT_KINDS else kind


def _milestones(read: Sequence[_Read], language: Language, findings: list[Finding]) -> dict[str, _Read]:
    by_kind: dict[str, list[_Read]] = {}
    for item in read:
        if item.event.kind in _MILESTONES:
            by_kind.setdefault(item.event.kind, []).append(item)
    chosen: dict[str, _Read] = {}
    for kind, items in by_kind.items():
        ordered = sorted(items, key=lambda r: (r.milestone, r.position))
        pick = ordered[-1] if kind in _LAST_WINS else ordered[0]
        chosen[kind] = pick
        if len(items) > 1:
            findings.append(
                _finding(
                    "repeated_milestone",
                    "info",
                    f"timeline[{pick.position}].kind",
                    language,
                    count=len(items),
                    kind=_kind_label(kind, language),
                    used=pick.position + 1,
                    at=_show(pick.milestone_at),
                )
            )
    return chosen


def _sequence_findings(chosen: Mapping[str, _Read], language: Language) -> list[Finding]:
    findings: list[Finding] = []
    for rules, code, severity in (
        (_IMPOSSIBLE, "sequence_impossible", "error"),
        (_UNLIKELY, "sequence_unlikely", "warning"),
    ):
        for later, earlier in rules:
            a, b = chosen.get(later), chosen.get(earlier)
            if a is not None and b is not None and a.milestone < b.milestone:
                findings.append(
                    _finding(
                        code,
                        severity,  # type: ignore[arg-type]
                        f"timeline[{a.position}].at",
                        language,
                        later=_kind_label(later, language),
                        later_at=_show(a.milestone_at),
                        earlier=_kind_label(earlier, language),
                        earlier_at=_show(b.milestone_at),
                    )
                )
    detected, impact = chosen.get("detected"), chosen.get("impact_start")
    if detected is not None and impact is not None and detected.milestone < impact.milestone:
        findings.append(
            _finding(
                "detected_before_impact",
                "info",
                f"timeline[{detected.position}].at",
                language,
                detected=_show(detected.milestone_at),
                impact=_show(impact.milestone_at),
            )
        )
    return findings


def _tone_findings(
    events: Sequence[TimelineEvent], roster: Sequence[RosterEntry], language: Language, positions: Sequence[int]
) -> list[Finding]:
    """The tone check on every event's text; with a roster, each event that names a person."""
    if not events:
        return []
    fields = {f"timeline[{i}].text": event.text for i, event in zip(positions, events, strict=True)}
    result = check_compliance(None, fields, roster, True, language)
    findings: list[Finding] = [
        Finding(code=tone.code, severity=tone.severity, message=tone.message, path=tone.path) for tone in result.tone
    ]
    named: dict[str, str] = {}
    for hit in result.pii:
        if hit.kind == "name" and hit.path is not None:
            named.setdefault(hit.path, hit.masked)
    for path, role in named.items():
        index = int(path.split("[", 1)[1].split("]", 1)[0])
        findings.append(_finding("names_person", "info", path, language, n=index + 1, role=role))
    return findings


def _durations(chosen: Mapping[str, _Read], language: Language) -> list[TimelineDuration]:
    durations: list[TimelineDuration] = []
    for key, start_kind, end_kind in _DURATIONS:
        start, end = chosen.get(start_kind), chosen.get(end_kind)
        if start is None or end is None:
            continue
        minutes = round((end.milestone - start.milestone).total_seconds() / 60, 4)
        approximate = start.milestone_approximate or end.milestone_approximate
        text = duration_text(minutes, language)
        durations.append(
            TimelineDuration(
                key=key,
                start_kind=start_kind,
                end_kind=end_kind,
                start_index=start.position,
                end_index=end.position,
                start=start.milestone_at,
                end=end.milestone_at,
                minutes=minutes,
                text=tr(_TEXT, "unit.about", language, text=text) if approximate else text,
                approximate=approximate,
            )
        )
    return durations


def _written_zone(read: Sequence[_Read]) -> str | None:
    """The zone the events themselves are written in ('UTC-07:00' for '14:02 PDT'), when they share one."""
    if not read or any(item.at.tzinfo is None for item in read) or len({item.at.utcoffset() for item in read}) != 1:
        return None
    return _zone_label(read[0].at)


def _zone_label(at: dt.datetime) -> str:
    """A zone as a reader can tell it: its name (Asia/Shanghai, not the ambiguous CST), else its offset."""
    return str(getattr(at.tzinfo, "key", None) or at.tzname() or at.tzinfo)


def check_timeline(
    timeline: Sequence[TimelineEvent | Mapping[str, object]],
    timezone: str | None = None,
    language: Language = "zh",
    *,
    review_date: dt.date | None = None,
    default_date: dt.date | None = None,
    roster: Sequence[RosterEntry] = (),
    set_aside: Sequence[ItemError] = (),
) -> TimelineResult:
    """Read, order and check an incident timeline and compute its durations (see the module docstring).

    ``timezone`` is the zone of times written without one. ``default_date`` is the date of time-only
    events before the first dated one. ``review_date`` flags events after the review. ``roster`` turns
    on the 'names a person' finding. An event that cannot be read is a finding; the others are computed.
    ``set_aside``: the events of the input left out of ``timeline`` for a wrong shape (`domain.items`): each
    an error finding and an entry of the result's ``set_aside``; the events keep their input positions.
    """
    events = _as_events(timeline)
    positions = kept_positions(len(events), set_aside)
    findings: list[Finding] = set_aside_findings(set_aside)
    zone: dt.tzinfo | None = None
    if timezone:
        zone = parse_zone(timezone)
        if zone is None:
            findings.append(_finding("timezone_unknown", "error", "timezone", language, zone=timezone))
    read = _read_times(events, zone, default_date, review_date, language, findings, positions)
    findings += _order_findings(read, language)
    ordered = sorted(read, key=lambda r: (r.instant, r.position))
    chosen = _milestones(ordered, language, findings)
    findings += _sequence_findings(chosen, language)
    if review_date is not None:
        for item in ordered:
            if item.at.date() > review_date:
                findings.append(
                    _finding(
                        "event_after_review",
                        "warning",
                        f"timeline[{item.position}].at",
                        language,
                        n=item.position + 1,
                        at=_show(item.at),
                        review=review_date.isoformat(),
                    )
                )
    findings += [
        _finding("blank_text", "warning", f"timeline[{index}].text", language, n=index + 1, at=event.at)
        for index, event in zip(positions, events, strict=True)
        if not event.text.strip()
    ]
    findings += _tone_findings(events, roster, language, positions)
    durations = _durations(chosen, language)
    origin = chosen.get("impact_start") or (ordered[0] if ordered else None)
    offset_from: OffsetFrom | None = None
    if origin is not None:
        offset_from = "impact_start" if "impact_start" in chosen else "first_event"
    results = [
        TimelineEventResult(
            index=item.position,
            at=item.at,
            at_text=item.event.at,
            kind=item.event.kind,
            known_kind=item.event.kind in EVENT_KINDS,
            text=item.event.text,
            source=item.event.source,
            minutes_from_start=round((item.instant - origin.instant).total_seconds() / 60, 4) if origin else None,
            end_at=item.end,
            approximate=item.approximate,
        )
        for item in ordered
    ]
    gaps = [
        DataGap(
            subject=tr(_TEXT, f"kind.{kind}", language),
            field=kind,
            message=tr(_TEXT, f"gap.{kind}", language),
            path="timeline",
        )
        for kind in _GAPS
        if kind not in chosen and (kind == "impact_start" or "impact_start" in chosen)
    ]
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    by_key = {d.key: d.minutes for d in durations}
    return TimelineResult(
        language=language,
        timezone=timezone or _written_zone(read),
        events=results,
        durations=durations,
        time_to_detect_minutes=by_key.get("time_to_detect"),
        time_to_escalate_minutes=by_key.get("time_to_escalate"),
        time_to_mitigate_minutes=by_key.get("time_to_mitigate"),
        time_to_resolve_minutes=by_key.get("time_to_resolve"),
        impact_duration_minutes=by_key.get("impact_duration"),
        trigger_to_impact_minutes=by_key.get("trigger_to_impact"),
        offset_from=offset_from,
        start=ordered[0].at if ordered else None,
        end=ordered[-1].at if ordered else None,
        findings=findings,
        set_aside=list(set_aside),
        counts=SeverityCounts.of(findings),
        data_gaps=gaps,
    )


# --------------------------------------------------------------------------- severity

_LEVEL_KEY = re.compile(r"[\s\-_.]+")


def _level_key(text: str) -> str:
    return _LEVEL_KEY.sub("", unicodedata.normalize("NFKC", text).casefold())


def check_severity(severity: str, scale: Sequence[str] = (), language: Language = "zh") -> SeverityCheck:
    """The severity matched against the team's scale (default SEV1–SEV4), case and spacing ignored."""
    levels = list(scale) or list(DEFAULT_SEVERITY_SCALE)
    wanted = _level_key(severity)
    for rank, level in enumerate(levels, start=1):
        if _level_key(level) == wanted:
            return SeverityCheck(given=severity, level=level, rank=rank, scale=levels)
    scale = join_list(levels, language)
    finding = _finding("severity_unknown", "error", "severity", language, given=severity, scale=scale)
    return SeverityCheck(given=severity, scale=levels, findings=[finding])
