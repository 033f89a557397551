"""An incident's timeline and severity: what a postmortem records, and what `analysis.timeline` computes.

An event is ``{at, kind, text, source}``. ``at`` is written the way postmortems write it: ISO 8601
(``2015-10-21T14:54:00Z``), a date and a time with or without a zone (``2024-03-10 01:45 PST``,
``Feb 28, 2017 9:37 AM``, ``3月10日 14:05``), a time of day alone (``14:54``, ``3:20am``, ``下午2:35``), which
takes the date of the event before it, ``次日 09:30``, ``Day 2 03:00`` or ``T+15m`` (see
`analysis.timeline_at`). ``kind`` is one of the milestones the durations are computed from (`EVENT_KINDS`),
or any other label ("customer report", "rollback"). Durations are never typed: they are computed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, get_args

from pydantic import AliasChoices, BaseModel, Field, field_validator

from fupan_mcp.domain.common import DataGap, Finding, Model, SeverityCounts
from fupan_mcp.domain.items import ItemError
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS

__all__ = [
    "DEFAULT_SEVERITY_SCALE",
    "DURATION_KEYS",
    "EVENT_KINDS",
    "MAX_EVENTS",
    "DurationKey",
    "EventKind",
    "OffsetFrom",
    "SeverityCheck",
    "TimelineDuration",
    "TimelineEvent",
    "TimelineEventResult",
    "TimelineResult",
    "event_kind",
]

MAX_EVENTS = 1_000
"""Upper bound for the events of one timeline."""

EventKind = Literal[
    "impact_start",
    "detected",
    "escalated",
    "mitigated",
    "resolved",
    "impact_end",
    "trigger",
    "change",
    "communication",
]
EVENT_KINDS: tuple[EventKind, ...] = get_args(EventKind)
"""The kinds the durations are computed from; any other label is kept as written."""

_KIND_ALIASES: dict[str, EventKind] = {
    # English spellings teams use in incident channels and templates
    "impact": "impact_start",
    "impact_began": "impact_start",
    "impact_begins": "impact_start",
    "impact_begin": "impact_start",
    "outage_start": "impact_start",
    "outage_begins": "impact_start",
    "outage_began": "impact_start",
    "start": "impact_start",
    "started": "impact_start",
    "begin": "impact_start",
    "detection": "detected",
    "detect": "detected",
    "alert": "detected",
    "alerted": "detected",
    "paged": "detected",
    "page": "detected",
    "escalation": "escalated",
    "escalate": "escalated",
    "declared": "escalated",
    "incident_declared": "escalated",
    "mitigation": "mitigated",
    "mitigate": "mitigated",
    "outage_mitigated": "mitigated",
    "resolution": "resolved",
    "resolve": "resolved",
    "incident_ends": "resolved",
    "incident_end": "resolved",
    "closed": "resolved",
    "impact_ended": "impact_end",
    "impact_ends": "impact_end",
    "outage_end": "impact_end",
    "outage_ends": "impact_end",
    "outage_ended": "impact_end",
    "recovered": "impact_end",
    "recovery": "impact_end",
    "triggered": "trigger",
    "cause": "trigger",
    "deploy": "change",
    "deployment": "change",
    "config_change": "change",
    "comms": "communication",
    "comm": "communication",
    "status_update": "communication",
    "update": "communication",
    # Chinese
    "影响开始": "impact_start",
    "故障开始": "impact_start",
    "开始影响": "impact_start",
    "发现": "detected",
    "告警": "detected",
    "报警": "detected",
    "检测到": "detected",
    "发现故障": "detected",
    "升级": "escalated",
    "上报": "escalated",
    "宣布事故": "escalated",
    "止损": "mitigated",
    "缓解": "mitigated",
    "止血": "mitigated",
    "解决": "resolved",
    "恢复": "resolved",
    "事故结束": "resolved",
    "关闭": "resolved",
    "影响结束": "impact_end",
    "故障结束": "impact_end",
    "触发": "trigger",
    "诱因": "trigger",
    "变更": "change",
    "发布": "change",
    "上线": "change",
    "沟通": "communication",
    "通报": "communication",
    "通知": "communication",
}
_KIND_SEPARATORS = re.compile(r"[\s\-/.:,;]+")

_PHRASE_ALIASES: dict[str, EventKind] = {
    # what is left of a label written as a sentence once its subject and helper words are taken off
    "alert_fired": "detected",
    "alert_fires": "detected",
    "alerts_fired": "detected",
    "alert_triggered": "detected",
    "alert_received": "detected",
    "alert_raised": "detected",
    "alert_sent": "detected",
    "page_sent": "detected",
    "page_received": "detected",
    "detected": "detected",
    "noticed": "detected",
    "start_impact": "impact_start",
    "impact_started": "impact_start",
    "impact_starts": "impact_start",
    "impact_begins": "impact_start",
    "impact_began": "impact_start",
    "end_impact": "impact_end",
    "impact_ended": "impact_end",
    "impact_ends": "impact_end",
    "restored": "impact_end",
    "impact_mitigated": "mitigated",
    "mitigation_applied": "mitigated",
    "mitigation_complete": "mitigated",
    "mitigation_completed": "mitigated",
    "mitigation_deployed": "mitigated",
}
_PHRASE_FILLER = frozenset(
    {
        "the", "a", "an", "of", "was", "were", "is", "are", "has", "have", "been", "got", "get", "gets", "we",
        "our", "customer", "customers", "user", "users", "service", "services", "incident", "issue", "problem",
        "on", "call", "oncall", "engineer", "engineers", "responder", "responders", "team", "teams", "sre",
        "sres", "first", "initial", "all", "full", "fully", "complete", "completely", "monitoring", "pagerduty",
    }
)  # fmt: skip
"""Words that say who or which, not what: 'Engineers were paged', 'Customer impact begins', 'Issue detected'."""
_PHRASE_KINDS = frozenset({"detected", "escalated", "mitigated", "resolved", "impact_end", "impact_start"})
"""The kinds a sentence may name: 'Customer update' is no more than a label."""
_GENERIC_WORDS = frozenset({"start", "started", "begin", "impact"})
"""Aliases that name a milestone only alone: 'Service started' is a service coming up, not an impact start."""
_ZH_PHRASE_TEXTS: tuple[tuple[str, EventKind], ...] = (
    (r"^(?:监控|系统|值班(?:人员|同学|工程师)?|SRE|首次|首个|第一个)*(?:收到|触发|发出|产生|出现)?(?:监控)?"
     r"(?:告警|报警)(?:触发|发出|响起|产生)?$", "detected"),
    (r"^(?:监控|值班(?:人员|同学|工程师)?|SRE)?发现(?:问题|异常|故障)$", "detected"),
    (r"^(?:故障|问题|事故|异常|服务异常)(?:发生|开始|出现)$", "impact_start"),
    (r"^(?:用户|业务)开始受(?:到)?影响$", "impact_start"),
    (r"^(?:完成)?(?:止血|止损)(?:完成|成功)?$", "mitigated"),
    (r"^(?:故障|影响|问题)(?:已|得到)?(?:缓解|止血|止损)$", "mitigated"),
    (r"^(?:核心)?(?:服务|业务|系统|功能)*(?:已|已经)?(?:全部|全面|完全)?(?:恢复)(?:正常)?$", "resolved"),
    (r"^(?:故障|问题|事故)(?:已)?(?:解决|恢复|排除)$", "resolved"),
    (r"^(?:影响|故障)(?:结束|消除)$", "impact_end"),
)  # fmt: skip
_ZH_PHRASES: tuple[tuple[re.Pattern[str], EventKind], ...] = tuple(
    (re.compile(pattern), kind) for pattern, kind in _ZH_PHRASE_TEXTS
)
"""Chinese labels written as a phrase ('告警触发', '收到报警', '核心业务全部恢复'); '部分恢复', '开始恢复' and
'开始止血' are no milestone: the recovery or the mitigation has not been reached."""


def event_kind(value: str) -> str:
    """The canonical kind for a label: a known kind or alias ('Detection', '止损') maps to its key, and so
    does a label written as a short sentence that names one milestone ('Engineers were paged', 'Alert fired',
    '告警触发', '核心业务全部恢复'); any other label ('Partial recovery', '部分恢复') is kept as written (trimmed)."""
    label = value.strip()
    key = _KIND_SEPARATORS.sub("_", label.casefold()).strip("_")
    if key in EVENT_KINDS:
        return key
    if key in _KIND_ALIASES:
        return _KIND_ALIASES[key]
    words = [word for word in key.split("_") if word]
    core = "_".join(word for word in words if word not in _PHRASE_FILLER)
    if core in EVENT_KINDS:
        kind: str | None = core
    elif core in _PHRASE_ALIASES:
        kind = _PHRASE_ALIASES[core]
    else:  # a one-word alias with its subject: 'Engineers paged', 'Incident closed'; not 'Service started'
        kind = _KIND_ALIASES.get(core) if core and core != key and core not in _GENERIC_WORDS else None
    if kind in _PHRASE_KINDS:
        return kind
    compact = re.sub(r"[\s，,、。]+", "", label)
    for pattern, kind in _ZH_PHRASES:
        if pattern.match(compact):
            return kind
    return label


class TimelineEvent(Model):
    """One line of the incident timeline (the postmortem's 'screenplay')."""

    at: str = Field(
        min_length=1,
        max_length=128,  # 'Between 11:48 PM PDT on October 19 and 2:40 AM PDT on October 20' (AWS) is 65
        validation_alias=AliasChoices("at", "time", "timestamp", "when"),
        description="When, as postmortems write it: '2015-10-21T14:54:00Z', '2024-03-10 01:45 PST', "
        "'Feb 28, 2017 9:37 AM', '3月10日 14:05', '下午2:35', '次日 09:30', 'Day 2 03:00', 'D+1 03:00', "
        "'00:10 (+1)', 'T+15m' (after the first event), or a time alone ('14:54', '3:20am', 'noon': the date of the "
        "event before, the next day when it is over an hour earlier). A span '14:05–14:20' is placed at its start "
        "(a mitigated/resolved/impact_end is reached at its end), as is a time with its length ('09:40 UTC (lasting 48 "
        "minutes)', '14:03起持续约2小时'); '~14:05', '约14:05' are read and flagged "
        "approximate. Without a zone: the review's timezone. CST/IST/BST need that timezone to settle them.",
    )
    kind: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="impact_start, detected, escalated, mitigated, resolved, impact_end, trigger, change, "
        "communication, or a free label. Durations come from the first six and trigger.",
    )
    # A blank text keeps the event: its time and kind still place the milestones; check_timeline warns on it.
    text: str = Field(
        default="",
        max_length=MAX_TEXT_CHARS,
        validation_alias=AliasChoices("text", "event", "description", "what"),
        description="What happened; name roles, not people.",
    )
    source: str | None = Field(
        default=None, max_length=2_000, description="Optional link or reference: a dashboard, a log, a chat message."
    )

    @field_validator("kind")
    @classmethod
    def _canonical_kind(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return event_kind(value)


DurationKey = Literal[
    "time_to_detect",
    "time_to_escalate",
    "time_to_mitigate",
    "time_to_resolve",
    "impact_duration",
    "trigger_to_impact",
]
DURATION_KEYS: tuple[DurationKey, ...] = get_args(DurationKey)


OffsetFrom = Literal["impact_start", "first_event"]
"""What an event's minutes are counted from: the impact start, or the first event when there is none."""


class TimelineEventResult(BaseModel):
    """An event as read: its instant (with a zone when one is known), its kind, and its place in time."""

    index: int = Field(description="Position in the input list, from 0.")
    at: dt.datetime | None = Field(
        default=None,
        description="The instant (on the clock of the review's timezone when one is given), None when `at` could "
        "not be read.",
    )
    at_text: str = Field(description="`at` as given.")
    kind: str | None = Field(default=None, description="Canonical kind, or the free label as given.")
    known_kind: bool = Field(description="True for one of the kinds durations are computed from.")
    text: str
    source: str | None = None
    minutes_from_start: float | None = Field(
        default=None, description="Minutes after impact_start (negative before it), else after the first event."
    )
    end_at: dt.datetime | None = Field(
        default=None,
        description="The end of a span written as '14:05–14:20' (`at` is its start, which durations use).",
    )
    approximate: bool = Field(
        default=False, description="True when `at` is written as approximate ('~14:05', '约14:05', 'around 2pm')."
    )


class TimelineDuration(BaseModel):
    """One computed duration: from one milestone event to another."""

    key: DurationKey
    start_kind: EventKind
    end_kind: EventKind
    start_index: int = Field(description="Index of the event the duration starts at.")
    end_index: int = Field(description="Index of the event the duration ends at.")
    start: dt.datetime
    end: dt.datetime
    minutes: float = Field(description="end - start in minutes (negative when the events are reversed).")
    text: str = Field(description="The duration in words, e.g. '1 小时 6 分钟' / '1 h 6 min'.")
    approximate: bool = Field(
        default=False, description="True when the time of either event is written as approximate ('~14:05')."
    )


class TimelineResult(BaseModel):
    """What `check_timeline` returns: events in time order, the computed durations, findings and gaps."""

    language: Literal["zh", "en"]
    timezone: str | None = Field(default=None, description="The zone local times were read in.")
    events: list[TimelineEventResult] = Field(
        default_factory=list, description="Readable events in time order (input order among equal times)."
    )
    durations: list[TimelineDuration] = Field(
        default_factory=list, description="Every duration that could be computed."
    )
    time_to_detect_minutes: float | None = Field(default=None, description="detected - impact_start.")
    time_to_escalate_minutes: float | None = Field(default=None, description="escalated - detected.")
    time_to_mitigate_minutes: float | None = Field(default=None, description="mitigated - impact_start.")
    time_to_resolve_minutes: float | None = Field(default=None, description="resolved - impact_start.")
    impact_duration_minutes: float | None = Field(default=None, description="impact_end - impact_start.")
    trigger_to_impact_minutes: float | None = Field(default=None, description="impact_start - trigger.")
    offset_from: OffsetFrom | None = Field(
        default=None,
        description="What the events' minutes_from_start count from: impact_start, or the first event when the "
        "timeline has no impact_start.",
    )
    start: dt.datetime | None = Field(default=None, description="The first event.")
    end: dt.datetime | None = Field(default=None, description="The last event.")
    findings: list[Finding] = Field(default_factory=list)
    set_aside: list[ItemError] = Field(
        default_factory=list,
        description="Events not read because their shape is wrong (an unknown field, a wrong type, not an object): "
        "each with its place and the fix, and an error finding 'item_set_aside'. The others are computed as if "
        "they were absent.",
    )
    counts: SeverityCounts
    data_gaps: list[DataGap] = Field(default_factory=list)


DEFAULT_SEVERITY_SCALE: tuple[str, ...] = ("SEV1", "SEV2", "SEV3", "SEV4")
"""The severity levels when a team configures none, most severe first."""


class SeverityCheck(BaseModel):
    """The review's severity read against the scale the team uses."""

    given: str = Field(description="The severity as written.")
    level: str | None = Field(default=None, description="The level of the scale it matched, None when none did.")
    rank: int | None = Field(default=None, description="1 for the most severe level of the scale.")
    scale: list[str] = Field(description="The scale, most severe first.")
    findings: list[Finding] = Field(default_factory=list)
