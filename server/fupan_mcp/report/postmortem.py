"""The postmortem sections of a report: summary, impact, trigger, root causes, detection, resolution,
the incident timeline, what went well and wrong, where we got lucky, supporting information.

An incident review (project type ``incident``) is laid out the way SRE postmortems are read: summary and
impact first, then trigger, causes, detection and resolution, the timeline with its computed durations,
the lessons (went well, went wrong, got lucky), the typed action items, supporting information, gaps.
Other reviews keep their order; a postmortem section appears in them only when its field is filled.
Every duration and count comes from the analysis; the words come from `strings.TEXT`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from fupan_mcp.domain.actions import ActionCheck
from fupan_mcp.domain.review import Point, PointLike, SectionId, is_incident
from fupan_mcp.domain.timeline import TimelineDuration, TimelineResult
from fupan_mcp.i18n import tr
from fupan_mcp.report import formatting as fmt
from fupan_mcp.report.sections import Context, actions, overview, results, seen_lines
from fupan_mcp.report.strings import TEXT
from fupan_mcp.report.view import Block, Bullets, Heading, Item, Paragraph, Table, Tone

__all__ = ["BUILDERS", "INCIDENT_CORE", "builders", "plan", "title"]

Builder = Callable[[Context], "list[Block] | None"]

INCIDENT_SECTIONS: tuple[SectionId, ...] = (
    "summary",
    "impact",
    "trigger",
    "root_causes",
    "five_whys",
    "detection",
    "resolution",
    "incident_timeline",
    "went_well",
    "went_wrong",
    "where_lucky",
    "problems",
    "success_factors",
    "lessons",
    "actions",
    "follow_up",
    "risks",
    "kpi_tree",
    "timeline",
    "execution",
    "swot",
    "pdca",
    "outlook",
    "supporting",
    "gaps",
)
"""The order of an incident postmortem (sections without content are left out)."""
INCIDENT_BRIEF: tuple[SectionId, ...] = ("summary", "impact", "root_causes", "actions", "follow_up", "gaps")
INCIDENT_CORE: frozenset[SectionId] = frozenset(
    {"summary", "impact", "root_causes", "incident_timeline", "lessons", "actions", "gaps"}
)
"""Sections of an incident postmortem rendered with a 'not provided' line when empty."""
_OPTIONAL_IN_INCIDENT: dict[SectionId, str] = {"problems": "problems", "success_factors": "success_factors"}
"""Classic sections an incident shows only when they were filled (their builders always say something)."""
_SEVERITY_TONE: dict[str, Tone] = {"error": "bad", "warning": "warn", "info": "muted"}
_KEY_DURATIONS = ("time_to_detect", "time_to_mitigate", "time_to_resolve", "impact_duration")


def plan(ctx: Context) -> tuple[SectionId, ...] | None:
    """The section order of an incident postmortem for the depth; None for other reviews."""
    if not is_incident(ctx.review):
        return None
    order = INCIDENT_BRIEF if ctx.brief else INCIDENT_SECTIONS
    return tuple(s for s in order if s not in _OPTIONAL_IN_INCIDENT or getattr(ctx.review, _OPTIONAL_IN_INCIDENT[s]))


# --------------------------------------------------------------------------- helpers


def _point_item(point: PointLike) -> Item:
    if isinstance(point, Point):
        return Item(text=point.detail or "", label=point.title) if point.detail else Item(text=point.title)
    return Item(text=point)


def _points(points: Sequence[PointLike]) -> list[Block]:
    return [Bullets(tuple(_point_item(point) for point in points))]


def _missing(ctx: Context) -> list[Block]:
    return [Paragraph(ctx.t("points.none"), tone="muted")]


def _findings(ctx: Context, section: SectionId) -> list[Block]:
    """Findings of a section for the author: none in brief, errors and warnings in standard, all in full.
    The reader sees none here: the checks become the open questions of the appendix."""
    if ctx.brief or not ctx.author:
        return []
    found = [f for f in ctx.analysis.findings if f.section == section and (ctx.full or f.severity != "info")]
    if not found:
        return []
    items = tuple(
        Item(
            text=f"{f.message} ({f.path})" if f.path and ctx.full else f.message,
            label=ctx.t(f"severity.{f.severity}"),
            tone=_SEVERITY_TONE[f.severity],
        )
        for f in found
    )
    return [Heading(ctx.t("findings.title")), Bullets(items)]


def _duration(timeline: TimelineResult | None, key: str) -> TimelineDuration | None:
    if timeline is None:
        return None
    return next((d for d in timeline.durations if d.key == key), None)


def _clock(ctx: Context, timeline: TimelineResult, duration: TimelineDuration) -> str:
    """'14:54 → 14:55' (with the dates when they differ)."""
    same_day = duration.start.date() == duration.end.date()
    pattern = "%H:%M" if same_day else "%Y-%m-%d %H:%M"
    return ctx.t("pm.span", start=duration.start.strftime(pattern), end=duration.end.strftime(pattern))


def _duration_item(ctx: Context, timeline: TimelineResult, duration: TimelineDuration) -> Item:
    return Item(
        label=ctx.t(f"pm.duration.{duration.key}"),
        text=ctx.t("pm.duration_value", value=duration.text, span=_clock(ctx, timeline, duration)),
        tone="bad" if duration.minutes < 0 else "normal",
    )


def _duration_items(ctx: Context, keys: Sequence[str]) -> list[Item]:
    timeline = ctx.analysis.timeline
    items: list[Item] = []
    for key in keys:
        duration = _duration(timeline, key)
        if timeline is not None and duration is not None:
            items.append(_duration_item(ctx, timeline, duration))
    return items


def _severity_item(ctx: Context) -> Item | None:
    check = ctx.analysis.severity
    if check is None:
        return None
    if check.level is None or check.rank is None:
        return Item(label=ctx.t("pm.severity"), text=ctx.t("pm.severity_unknown", given=check.given), tone="bad")
    return Item(
        label=ctx.t("pm.severity"),
        text=ctx.t("pm.severity_rank", level=check.level, rank=check.rank, levels=len(check.scale)),
    )


# --------------------------------------------------------------------------- sections


def summary(ctx: Context) -> list[Block] | None:
    review = ctx.review
    if not is_incident(review):
        return [Paragraph(review.summary)] if review.summary else None
    blocks: list[Block] = [Paragraph(review.summary)] if review.summary else []
    key = [item for item in (_severity_item(ctx),) if item is not None]
    timeline = ctx.analysis.timeline
    if timeline is not None and timeline.start is not None and timeline.end is not None:
        window = ctx.t(
            "pm.span", start=timeline.start.strftime("%Y-%m-%d %H:%M"), end=timeline.end.strftime("%Y-%m-%d %H:%M")
        )
        key.append(
            Item(label=ctx.t("pm.window"), text=f"{window} ({timeline.timezone})" if timeline.timezone else window)
        )
    key += _duration_items(ctx, _KEY_DURATIONS)
    if key:
        blocks += [Heading(ctx.t("pm.key_figures")), Bullets(tuple(key))]
    facts = overview(ctx)
    if timeline is not None and (review.period is None or review.period.start is None):
        period = ctx.t("meta.period")  # the timeline dates an incident: no 'period not provided' line
        facts = [
            Bullets(tuple(i for i in b.items if i.label != period)) if isinstance(b, Bullets) else b for b in facts
        ]
    return blocks + facts


def impact(ctx: Context) -> list[Block] | None:
    review = ctx.review
    incident = is_incident(review)
    if not incident and not review.impact and review.severity is None:
        return None
    blocks: list[Block] = []
    severity = _severity_item(ctx)
    duration = _duration_items(ctx, ("impact_duration",))
    if severity is not None or duration:
        blocks.append(Bullets(tuple([*([severity] if severity else []), *duration])))
    if review.impact:
        blocks.append(Paragraph(review.impact))
    if incident:
        if review.metrics:
            blocks += [Heading(ctx.t("pm.impact_figures")), *results(ctx)]
        elif not review.impact:
            blocks += _missing(ctx)
    return blocks + _findings(ctx, "impact")


def trigger(ctx: Context) -> list[Block] | None:
    review = ctx.review
    events = [e for e in ctx.analysis.timeline.events if e.kind == "trigger"] if ctx.analysis.timeline else []
    if not review.trigger and not events:
        return None
    blocks: list[Block] = [Paragraph(review.trigger)] if review.trigger else []
    if events:
        blocks.append(Bullets(tuple(Item(label=_at(ctx, e.at), text=e.text) for e in events if e.at)))
    blocks += [Bullets((item,)) for item in _duration_items(ctx, ("trigger_to_impact",))]
    return blocks


def _at(ctx: Context, at: object) -> str:
    import datetime as dt

    assert isinstance(at, dt.datetime)
    return at.strftime("%Y-%m-%d %H:%M")


def root_causes(ctx: Context) -> list[Block] | None:
    review = ctx.review
    coverage = ctx.analysis.root_cause_coverage
    chains = [root for chain in ctx.analysis.five_whys if chain is not None for root in chain.root_causes]
    if not is_incident(review) and not review.contributing_factors and coverage is None:
        return None
    if not review.contributing_factors and not chains and coverage is None:
        return _missing(ctx)
    blocks: list[Block] = []
    if chains:
        blocks += [
            Heading(ctx.t("pm.chain_roots")),
            Bullets(tuple(Item(root.text, children=seen_lines(ctx, "root_cause", root.text)) for root in chains)),
        ]
    if review.contributing_factors:
        blocks += [Heading(ctx.t("pm.contributing")), *_points(review.contributing_factors)]
    if coverage is not None and coverage.causes:
        rows = tuple(
            (
                cause.cause,
                ctx.join(str(i + 1) for i in cause.actions) or "—",
                ctx.join(cause.kinds) or "—",
                ctx.t("yes") if cause.prevented else ctx.t("no"),
            )
            for cause in coverage.causes
        )
        tones: tuple[Tone, ...] = tuple(
            "bad" if not c.answered else "warn" if not c.prevented else "ok" for c in coverage.causes
        )
        headers = tuple(ctx.t(k) for k in ("pm.col.cause", "pm.col.actions", "pm.col.kinds", "pm.col.prevented"))
        blocks += [
            Heading(ctx.t("pm.coverage")),
            Paragraph(
                ctx.t(
                    "pm.coverage_summary",
                    total=len(coverage.causes),
                    answered=coverage.answered,
                    prevented=coverage.prevented,
                )
            ),
            Table(headers, rows, tones),
        ]
    return blocks + _findings(ctx, "root_causes")


def detection(ctx: Context) -> list[Block] | None:
    review = ctx.review
    items = _duration_items(ctx, ("time_to_detect", "time_to_escalate"))
    if not review.detection and not items:
        return None
    blocks: list[Block] = [Paragraph(review.detection)] if review.detection else []
    return blocks + ([Bullets(tuple(items))] if items else [])


def resolution(ctx: Context) -> list[Block] | None:
    review = ctx.review
    items = _duration_items(ctx, ("time_to_mitigate", "time_to_resolve"))
    if not review.resolution and not items:
        return None
    blocks: list[Block] = [Paragraph(review.resolution)] if review.resolution else []
    return blocks + ([Bullets(tuple(items))] if items else [])


def incident_timeline(ctx: Context) -> list[Block] | None:
    timeline = ctx.analysis.timeline
    if timeline is None:
        if ctx.review.timeline:
            return _findings(ctx, "incident_timeline") or _missing(ctx)
        return _missing(ctx) if is_incident(ctx.review) else None
    blocks: list[Block] = []
    zone = timeline.timezone or ctx.t("pm.no_zone")
    blocks.append(Paragraph(ctx.t("pm.timeline_summary", n=len(timeline.events), zone=zone)))
    if timeline.durations:
        rows = tuple(
            (ctx.t(f"pm.duration.{d.key}"), ctx.t(f"pm.formula.{d.key}"), _clock(ctx, timeline, d), d.text)
            for d in timeline.durations
        )
        tones: tuple[Tone, ...] = tuple("bad" if d.minutes < 0 else "normal" for d in timeline.durations)
        headers = tuple(ctx.t(k) for k in ("pm.col.measure", "pm.col.formula", "pm.col.span", "pm.col.duration"))
        blocks += [Heading(ctx.t("pm.durations")), Table(headers, rows, tones)]
    if timeline.events:
        multi_day = (
            timeline.start is not None and timeline.end is not None and timeline.start.date() != timeline.end.date()
        )
        rows_e = []
        mixed = _mixed_offsets(timeline)
        for event in timeline.events:
            assert event.at is not None
            when = _when(event.at, "%Y-%m-%d %H:%M" if multi_day else "%H:%M", mixed)
            offset = _offset(ctx, event.minutes_from_start)
            kind = ctx.t(f"pm.kind.{event.kind}") if event.known_kind and event.kind else (event.kind or "—")
            rows_e.append((when, offset, kind, event.text, event.source or "—"))
        event_tones: tuple[Tone, ...] = tuple(
            "bad"
            if e.kind in ("impact_start", "impact_end")
            else "ok"
            if e.kind in ("mitigated", "resolved")
            else "normal"
            for e in timeline.events
        )
        headers_e = tuple(
            ctx.t(k) for k in ("pm.col.time", _offset_column(timeline), "pm.col.kind", "pm.col.event", "pm.col.source")
        )
        heading = (
            ctx.t("pm.events", date=timeline.start.strftime("%Y-%m-%d"))
            if timeline.start and not multi_day
            else ctx.t("pm.events_multi")
        )
        blocks += [Heading(heading), Table(headers_e, tuple(rows_e), event_tones)]
    return blocks + _findings(ctx, "incident_timeline")


def _offset_column(timeline: TimelineResult) -> str:
    """The offset column's header: minutes count from the impact start, or from the first event without one."""
    return "pm.col.offset_first" if timeline.offset_from == "first_event" else "pm.col.offset"


def _mixed_offsets(timeline: TimelineResult) -> bool:
    """True when the events are on clocks of different offsets (no review zone to show them all in)."""
    return len({e.at.utcoffset() for e in timeline.events if e.at is not None}) > 1


def _when(at: dt.datetime, pattern: str, mixed: bool) -> str:
    """An event's time as the table shows it; with its UTC offset when the events' offsets differ."""
    text = at.strftime(pattern)
    offset = at.utcoffset()
    if not mixed or offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return f"{text} UTC"
    hours, mins = divmod(abs(minutes), 60)
    return f"{text} {'+' if minutes > 0 else '-'}{hours:02d}:{mins:02d}"


def _offset(ctx: Context, minutes: float | None) -> str:
    if minutes is None:
        return "—"
    value = fmt.number(minutes, digits=1)
    return ctx.t("pm.offset", value=f"+{value}" if minutes > 0 else value)


def went_well(ctx: Context) -> list[Block] | None:
    points = ctx.review.went_well
    return _points(points) if points else None


def went_wrong(ctx: Context) -> list[Block] | None:
    points = ctx.review.went_wrong
    return _points(points) if points else None


def where_lucky(ctx: Context) -> list[Block] | None:
    points = ctx.review.where_lucky
    if not points:
        return [Paragraph(ctx.t("pm.lucky_none"), tone="muted")] if is_incident(ctx.review) else None
    return _points(points)


def supporting(ctx: Context) -> list[Block] | None:
    info = ctx.review.supporting_information
    sources = [(e.at_text, e.source) for e in ctx.analysis.timeline.events if e.source] if ctx.analysis.timeline else []
    if not info and not sources:
        return None
    blocks: list[Block] = [Bullets(tuple(Item(text) for text in info))] if info else []
    if sources:
        blocks += [
            Heading(ctx.t("pm.sources")),
            Bullets(tuple(Item(label=at, text=source or "") for at, source in dict.fromkeys(sources))),
        ]
    return blocks


def typed_actions(ctx: Context) -> list[Block]:
    """The action items as SRE teams track them: kind and ticket beside owner, due, status and checks."""
    items = ctx.review.actions
    if not items:
        return actions(ctx)
    result = ctx.analysis.actions
    checks: Sequence[ActionCheck | None] = result.actions if result else [None] * len(items)
    blocks: list[Block] = [b for b in actions(ctx) if not isinstance(b, Table)]
    by_kind: dict[str, int] = {}
    for action in items:
        label = (
            ctx.t(f"pm.action_kind.{action.kind}")
            if action.kind in _ACTION_KINDS
            else action.kind or ctx.t("pm.untyped")
        )
        by_kind[label] = by_kind.get(label, 0) + 1
    blocks.append(Paragraph(ctx.t("pm.kinds", kinds=ctx.join(f"{k} {n}" for k, n in by_kind.items()))))
    extra = {
        f.path.split(".")[0]: f
        for f in ctx.analysis.findings
        if f.section == "actions" and f.code == "missing_ticket" and f.path
    }
    rows = []
    tones: list[Tone] = []
    for index, (action, check) in enumerate(zip(items, checks, strict=True)):
        found = list(check.findings) if check else []
        codes = dict.fromkeys(
            tr(TEXT, f"issue.{f.code}", ctx.language) if f"issue.{f.code}" in TEXT else f.code for f in found
        )
        if f"actions[{index}]" in extra:
            codes[tr(TEXT, "issue.missing_ticket", ctx.language)] = None
        kind = ctx.t(f"pm.action_kind.{action.kind}") if action.kind in _ACTION_KINDS else action.kind or "—"
        rows.append(
            (
                str(index + 1),
                action.action,
                kind,
                action.owner or ctx.t("missing"),
                action.ticket or "—",
                fmt.iso(action.due) if action.due else "—",
                ctx.t(f"action_status.{action.status}"),
                action.addresses or "—",
                f"{check.score}/5" if check else "—",
                ctx.join(codes) if codes else ctx.t("checks.ok"),
            )
        )
        severities = {f.severity for f in found}
        tones.append("bad" if "error" in severities else "warn" if "warning" in severities else "normal")
    keys = (
        "col.n",
        "col.action",
        "pm.col.action_kind",
        "col.owner",
        "pm.col.ticket",
        "col.due",
        "col.progress",
        "col.addresses",
        "col.smart",
        "col.issues",
    )
    blocks.append(Table(tuple(ctx.t(k) for k in keys), tuple(rows), tuple(tones)))
    people = [f for f in ctx.analysis.findings if f.section == "actions" and f.code == "people_fix"]
    if people and not ctx.brief:
        blocks += [Heading(ctx.t("pm.people_fix")), Bullets(tuple(Item(f.message, tone="warn") for f in people))]
    return blocks


_ACTION_KINDS = frozenset({"mitigate", "prevent", "detect", "process", "repair"})

BUILDERS: dict[SectionId, Builder] = {
    "summary": summary,
    "impact": impact,
    "trigger": trigger,
    "root_causes": root_causes,
    "detection": detection,
    "resolution": resolution,
    "incident_timeline": incident_timeline,
    "went_well": went_well,
    "went_wrong": went_wrong,
    "where_lucky": where_lucky,
    "supporting": supporting,
}


_INCIDENT_TITLES = frozenset({"actions", "lessons", "five_whys"})


def title(ctx: Context, section: SectionId) -> str:
    """A section's title in an incident postmortem ('Action items' rather than 'Improvement actions')."""
    return ctx.t(f"pm.title.{section}") if section in _INCIDENT_TITLES else ctx.t(f"section.{section}")


def builders(ctx: Context) -> dict[SectionId, Builder]:
    """The postmortem builders, and the typed action table when the actions carry a kind or a ticket."""
    found = dict(BUILDERS)
    if is_incident(ctx.review) or any(a.kind or a.ticket for a in ctx.review.actions):
        found["actions"] = typed_actions
    return found


def timeline_markdown(result: TimelineResult) -> str:
    """The text of `check_timeline`: the computed durations, the events in order, the findings."""
    from fupan_mcp.report.render import escape_cell
    from fupan_mcp.report.strings import TEXT

    def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
        lines = [
            "| " + " | ".join(escape_cell(h) for h in headers) + " |",
            "|" + "|".join("---" for _ in headers) + "|",
        ]
        return "\n".join([*lines, *("| " + " | ".join(escape_cell(c) for c in row) + " |" for row in rows)])

    language = result.language

    def t(key: str, **values: object) -> str:
        return tr(TEXT, key, language, **values)

    lines = [f"### {t('section.incident_timeline')}", ""]
    lines.append(t("pm.timeline_summary", n=len(result.events), zone=result.timezone or t("pm.no_zone")))
    if result.durations:
        rows = [
            (
                t(f"pm.duration.{d.key}"),
                t(f"pm.formula.{d.key}"),
                t("pm.span", start=d.start.strftime("%Y-%m-%d %H:%M"), end=d.end.strftime("%Y-%m-%d %H:%M")),
                d.text,
            )
            for d in result.durations
        ]
        headers = [t(k) for k in ("pm.col.measure", "pm.col.formula", "pm.col.span", "pm.col.duration")]
        lines += ["", table(headers, rows)]
    if result.events:
        mixed = _mixed_offsets(result)
        rows_e = [
            (
                _when(e.at, "%Y-%m-%d %H:%M", mixed) if e.at else e.at_text,
                _offset_text(t, e.minutes_from_start),
                t(f"pm.kind.{e.kind}") if e.known_kind and e.kind else (e.kind or "—"),
                e.text,
            )
            for e in result.events
        ]
        headers_e = [t(k) for k in ("pm.col.time", _offset_column(result), "pm.col.kind", "pm.col.event")]
        lines += ["", table(headers_e, rows_e)]
    if result.findings:
        lines += ["", f"**{t('findings.title')}**", ""]
        lines += [f"- {t(f'severity.{f.severity}')}{t('colon')}{f.message}" for f in result.findings]
    if result.data_gaps:
        lines += ["", f"**{t('gaps.title')}**", ""]
        lines += [f"- {gap.message}" for gap in result.data_gaps]
    return "\n".join(lines)


def _offset_text(t: Callable[..., str], minutes: float | None) -> str:
    if minutes is None:
        return "—"
    value = fmt.number(minutes, digits=1)
    return t("pm.offset", value=f"+{value}" if minutes > 0 else value)
