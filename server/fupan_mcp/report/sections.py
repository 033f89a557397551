"""Build the report document, section by section, from a (masked) review and its analysis.

Figures come from the `ReviewAnalysis` (computed), words from `strings.TEXT`, and the user's prose from
the review. Which sections appear depends on the depth:

- brief: overview, results, problems (the first few), actions (the most urgent few), notes and gaps;
- standard: every section that has content, plus the core ones (with a 'not provided' line);
- full: as standard, with every finding, every row and the Mermaid diagrams.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from fupan_mcp.analysis.actions import action_target, is_overdue
from fupan_mcp.catalog import PROJECT_TYPES
from fupan_mcp.domain.actions import ActionCheck, ActionCheckResult, ActionItem, Risk, RiskCheck, RiskCheckResult
from fupan_mcp.domain.asof import AsOfSource
from fupan_mcp.domain.attainment import AttainmentResult, MetricResult
from fupan_mcp.domain.common import Finding
from fupan_mcp.domain.kpi import KpiNodeEvaluation, KpiTreeResult
from fupan_mcp.domain.review import (
    CORE_SECTIONS,
    SECTION_IDS,
    Audience,
    Point,
    PointLike,
    Review,
    ReviewAnalysis,
    SectionGap,
    SectionId,
    project_type_key,
)
from fupan_mcp.domain.stored import OpenAction
from fupan_mcp.domain.swot import SwotResult
from fupan_mcp.domain.whys import FiveWhysResult, RootCause, WhyNode
from fupan_mcp.i18n import Language, counts_agree, localized, template_parts, tr
from fupan_mcp.report import diagrams
from fupan_mcp.report import formatting as fmt
from fupan_mcp.report.seen_before import SeenIndex, seen_notes
from fupan_mcp.report.strings import TEXT
from fupan_mcp.report.view import (
    Block,
    Bullets,
    Diagram,
    Document,
    Heading,
    Item,
    Paragraph,
    Section,
    Table,
    Tone,
    Tree,
    TreeLine,
)

Depth = Literal["brief", "standard", "full"]

BRIEF_SECTIONS: tuple[SectionId, ...] = ("overview", "results", "problems", "lessons", "actions", "follow_up", "gaps")
BRIEF_ITEMS = 5
"""Problems and actions shown in a brief report."""
STANDARD_ROWS = 200
"""Action rows in a standard report (full shows all)."""
STANDARD_FINDINGS = 10
"""Findings listed per section in a standard report (errors and warnings only)."""
FULL_FINDINGS = 2_000
"""Rows of the findings table of a full report."""
GAP_SUBJECTS = 8
"""Subjects named in one grouped gap line."""
READER_QUESTIONS = 12
"""Open questions a reader's report lists (the checks' errors and warnings, most severe first)."""

_PRIORITY_RANK = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}
_STATUS_TONE: dict[str, Tone] = {
    "achieved": "ok",
    "not_achieved": "bad",
    "needs_verification": "warn",
    "not_evaluable": "muted",
    "reported": "normal",
}
_SEVERITY_TONE: dict[str, Tone] = {"error": "bad", "warning": "warn", "info": "muted"}
_KPI_FLAGS = (
    "inconsistent",
    "unit_scale_suspected",
    "unit_mismatch",
    "too_rounded",
    "cycle",
    "unknown_id",
    "division_by_zero",
    "formula_error",
    "value_unread",
)
_KPI_WARNINGS = ("inconsistent", "unit_scale_suspected", "unit_mismatch", "too_rounded")


@dataclass(frozen=True, slots=True, kw_only=True)
class Words:
    """What a block builder needs besides the result it presents: the language and the depth.

    The report's sections and each tool's text (`report.tool_text`) build their blocks with it.
    """

    language: Language
    depth: Depth
    audience: Audience = "author"

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, key, self.language, **values)

    @property
    def full(self) -> bool:
        return self.depth == "full"

    @property
    def brief(self) -> bool:
        return self.depth == "brief"

    @property
    def author(self) -> bool:
        """The review's author reads codes, ids and places; a reader (management) does not."""
        return self.audience == "author"

    def join(self, parts: Iterable[str]) -> str:
        return self.t("list_sep").join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Context(Words):
    review: Review
    analysis: ReviewAnalysis
    masked_count: int
    follow_up: tuple[OpenAction, ...] = ()
    today: dt.date | None = None
    """The day the report is made for: open actions due before it are overdue."""
    seen: SeenIndex = field(default_factory=dict)
    """Problems and root causes earlier reviews already recorded (`report.seen_before`)."""


def seen_lines(ctx: Context, kind: str, text: str) -> tuple[str, ...]:
    """The "seen before" lines under a reported problem or root cause (none for most)."""
    return seen_notes(ctx.seen, kind, text, ctx.language, ctx.author) if ctx.seen else ()


# --------------------------------------------------------------------------- helpers


def _point_item(point: PointLike, notes: tuple[str, ...] = ()) -> Item:
    if isinstance(point, Point):
        if point.detail:
            return Item(text=point.detail, label=point.title, children=notes)
        return Item(text=point.title, children=notes)
    return Item(text=point, children=notes)


def _point_text(point: PointLike) -> str:
    """The point as one text, as the store indexes it (``title: detail``)."""
    if isinstance(point, str):
        return point
    return f"{point.title}: {point.detail}" if point.detail else point.title


def _points(
    ctx: Context, points: Sequence[PointLike], limit: int | None = None, kind: str | None = None
) -> list[Block]:
    """The points as a list; with ``kind`` (problem), each with its "seen before" lines."""
    if not points:
        return [Paragraph(ctx.t("points.none"), tone="muted")]
    shown = points if limit is None else points[:limit]
    items = (_point_item(p, seen_lines(ctx, kind, _point_text(p)) if kind else ()) for p in shown)
    blocks: list[Block] = [Bullets(tuple(items))]
    if len(shown) < len(points):
        blocks.append(Paragraph(ctx.t("problems.top", total=len(points), n=len(shown)), tone="muted"))
    return blocks


def _findings_blocks(ctx: Context, section: SectionId) -> list[Block]:
    """The findings of one section, for the author: none in brief, errors and warnings in standard,
    all in full. A reader's report has none here: the appendix asks the open questions instead."""
    if ctx.brief or not ctx.author:
        return []
    found = [f for f in ctx.analysis.findings if f.section == section]
    if not ctx.full:
        found = [f for f in found if f.severity != "info"]
    if not found:
        return []
    limit = FULL_FINDINGS if ctx.full else STANDARD_FINDINGS
    blocks: list[Block] = [
        Heading(ctx.t("findings.title")),
        Bullets(tuple(finding_item(ctx, f) for f in found[:limit])),
    ]
    if len(found) > limit:
        blocks.append(Paragraph(ctx.t("more_items", n=len(found) - limit), tone="muted"))
    return blocks


def finding_item(ctx: Words, finding: Finding) -> Item:
    """A finding for its author: the message, then its code and (at depth full) where it is."""
    place = [finding.code, finding.path] if finding.path and ctx.full else [finding.code]
    where = f" ({' · '.join(place)})" if ctx.author else ""
    return Item(
        text=f"{finding.message}{where}",
        label=ctx.t(f"severity.{finding.severity}"),
        tone=_SEVERITY_TONE[finding.severity],
    )


def _issues(ctx: Words, findings: Sequence[Finding]) -> str:
    labels = dict.fromkeys(ctx.t(f"issue.{f.code}") if f"issue.{f.code}" in TEXT else f.code for f in findings)
    return ctx.join(labels) if labels else ctx.t("checks.ok")


def _worst_tone(findings: Sequence[Finding]) -> Tone:
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "bad"
    if "warning" in severities:
        return "warn"
    return "normal"


def _or_missing(ctx: Words, value: str | None) -> str:
    return value if value else ctx.t("missing")


def _period_text(ctx: Context) -> str | None:
    period = ctx.review.period
    if period is None or (period.start is None and period.end is None):
        return None
    if period.start and period.end and period.start <= period.end:
        days = fmt.day_span(period.start, period.end)
        return ctx.t("period_days", start=period.start, end=period.end, days=days)
    return ctx.t("period_open", start=fmt.iso(period.start), end=fmt.iso(period.end))


def project_type_label(ctx: Context) -> str | None:
    value = ctx.review.project_type
    key = project_type_key(value)
    if key is None:
        return value or None
    zh, en = PROJECT_TYPES[key]
    return localized({"zh": zh, "en": en}, ctx.language)


# --------------------------------------------------------------------------- overview and goals


def overview(ctx: Context) -> list[Block]:
    review = ctx.review
    info = review.overview
    items: list[Item] = [Item(label=ctx.t("meta.project"), text=review.project)]
    type_label = project_type_label(ctx)
    if type_label:
        items.append(Item(label=ctx.t("meta.type"), text=type_label))
    period = _period_text(ctx)
    items.append(Item(label=ctx.t("meta.period"), text=_or_missing(ctx, period)))
    items.append(
        Item(
            label=ctx.t("meta.review_date"),
            text=_or_missing(ctx, fmt.iso(review.review_date) if review.review_date else None),
        )
    )
    if review.review_dimensions:
        items.append(Item(label=ctx.t("overview.dimensions"), text=ctx.join(review.review_dimensions)))
    if info is not None:
        if info.participants:
            items.append(Item(label=ctx.t("overview.participants"), text=ctx.join(info.participants)))
        if info.scope:
            items.append(Item(label=ctx.t("overview.scope"), text=info.scope))
        if info.background and not ctx.brief:
            items.append(Item(label=ctx.t("overview.background"), text=info.background))
    blocks: list[Block] = [Bullets(tuple(items))]
    if info is not None and info.deliverables and not ctx.brief:
        blocks += [Heading(ctx.t("overview.deliverables")), Bullets(tuple(Item(d) for d in info.deliverables))]
    if review.conclusion:
        blocks += [Heading(ctx.t("overview.conclusion")), Paragraph(review.conclusion)]
        blocks += _prose_notes(ctx, "conclusion")
    return blocks


def _prose_notes(ctx: Context, field: str) -> list[Block]:
    """Notes right under the text holding a sentence that disagrees with the computed figures."""
    prose = ctx.analysis.prose
    if prose is None:
        return []
    return [
        Paragraph(ctx.t("prose.note", message=f.message), tone="bad" if f.severity == "error" else "warn")
        for f in prose.findings
        if f.field == field or f.field.startswith((f"{field}[", f"{field}."))
    ]


def goals(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    if ctx.review.goals:
        blocks.append(Bullets(tuple(Item(goal) for goal in ctx.review.goals)))
    targets = _target_items(ctx)
    if targets:
        blocks += [Heading(ctx.t("goals.targets")), Bullets(tuple(targets))]
    return blocks or [Paragraph(ctx.t("goals.none"), tone="muted")]


def _target_items(ctx: Context) -> list[Item]:
    """Each metric's target as the attainment tool understood it (the raw text if it was unreadable)."""
    understood = {m.index: m.target_text for m in ctx.analysis.attainment.metrics} if ctx.analysis.attainment else {}
    items: list[Item] = []
    for index, metric in enumerate(ctx.review.metrics):
        target = understood.get(index) or (metric.target if isinstance(metric.target, str) else None)
        items.append(Item(label=metric.name, text=_or_missing(ctx, target)))
    return items


# --------------------------------------------------------------------------- timeline and execution


def timeline(ctx: Context) -> list[Block] | None:
    review = ctx.review
    if not review.phases and review.period is None:
        return None
    blocks: list[Block] = []
    period = _period_text(ctx)
    if period:
        blocks.append(Bullets((Item(label=ctx.t("meta.period"), text=period),)))
    if review.phases:
        blocks += [Heading(ctx.t("timeline.phases")), _phase_table(ctx)]
    milestones = [(phase.name, m) for phase in review.phases for m in phase.milestones]
    if milestones:
        done = sum(1 for _, m in milestones if m.done is True)
        unknown = sum(1 for _, m in milestones if m.done is None)
        rows = tuple(
            (m.name, phase, fmt.iso(m.date), _milestone_state(ctx, m.done), m.note or "") for phase, m in milestones
        )
        tones: tuple[Tone, ...] = tuple(
            "ok" if m.done else "warn" if m.done is False else "normal" for _, m in milestones
        )
        headers = tuple(ctx.t(k) for k in ("col.milestone", "col.phase", "col.date", "col.state", "col.note"))
        blocks += [
            Heading(ctx.t("timeline.milestones")),
            Paragraph(
                ctx.t(
                    "timeline.milestone_count",
                    total=len(milestones),
                    done=done,
                    open=len(milestones) - done - unknown,
                    unknown=unknown,
                )
            ),
            Table(headers, rows, tones),
        ]
    return blocks + _findings_blocks(ctx, "timeline")


def _phase_table(ctx: Context) -> Table:
    rows = []
    for phase in ctx.review.phases:
        days = (
            str(fmt.day_span(phase.start, phase.end)) if phase.start and phase.end and phase.start <= phase.end else "—"
        )
        names = ctx.join(m.name for m in phase.milestones) or "—"
        rows.append((phase.name, fmt.iso(phase.start), fmt.iso(phase.end), days, names))
    headers = tuple(ctx.t(k) for k in ("col.phase", "col.start", "col.end", "col.days", "col.milestone"))
    return Table(headers, tuple(rows))


def _milestone_state(ctx: Context, done: bool | None) -> str:
    return ctx.t("milestone.done" if done else "milestone.open" if done is False else "milestone.unknown")


def execution(ctx: Context) -> list[Block] | None:
    phases = [phase for phase in ctx.review.phases if phase.notes]
    if not phases:
        return None
    blocks: list[Block] = []
    for phase in phases:
        dates = (
            fmt.iso(phase.start)
            if phase.start and phase.start == phase.end
            else ctx.t("period_open", start=fmt.iso(phase.start), end=fmt.iso(phase.end))
        )
        heading = ctx.t("paren", text=phase.name, inner=dates)
        blocks += [Heading(heading), Bullets(tuple(Item(note) for note in phase.notes))]
    return blocks


# --------------------------------------------------------------------------- results


def results(ctx: Context) -> list[Block]:
    result = ctx.analysis.attainment
    blocks: list[Block] = []
    if result is None:
        blocks.append(Paragraph(ctx.t("results.none"), tone="muted"))
    else:
        blocks += attainment_blocks(ctx, result)
    if ctx.review.qualitative_results and not ctx.brief:
        blocks += [
            Heading(ctx.t("results.qualitative")),
            Bullets(tuple(Item(text) for text in ctx.review.qualitative_results)),
            *_prose_notes(ctx, "qualitative_results"),
        ]
    failed = [f for f in ctx.analysis.findings if f.section == "results" and f.code == "section_failed"]
    blocks += [Paragraph(f.message, tone="bad") for f in failed]
    return blocks


def attainment_blocks(ctx: Words, result: AttainmentResult) -> list[Block]:
    """Counts and weighted rate, the table, each metric's statement, the metrics that could not be read."""
    blocks: list[Block] = []
    summary = result.summary
    weighted = fmt.percent(summary.weighted_attainment) if summary.weighted_attainment is not None else "—"
    blocks.append(
        Paragraph(
            ctx.t(
                "results.summary",
                total=summary.total,
                achieved=summary.achieved,
                not_achieved=summary.not_achieved,
                needs_verification=summary.needs_verification,
                not_evaluable=summary.not_evaluable,
                weighted=weighted,
                basis=summary.weighted_attainment_basis,
            )
        )
    )
    if result.metrics:
        blocks.append(_attainment_table(ctx, result.metrics))
    if not ctx.brief and result.metrics:
        blocks += [
            Heading(ctx.t("results.statements")),
            Bullets(tuple(Item(m.statement, tone=_STATUS_TONE[m.status]) for m in result.metrics)),
        ]
    if result.errors:
        blocks += [
            Heading(ctx.t("results.errors")),
            Bullets(tuple(Item(error.message, tone="bad") for error in result.errors)),
        ]
    if ctx.full:
        blocks.append(Paragraph(ctx.t("results.convention", text=summary.rate_convention), tone="muted"))
    return blocks


_ATTAINMENT_COLUMNS = (
    "col.metric", "col.target", "col.actual", "col.baseline", "col.change", "col.rate", "col.gap", "col.status"
)  # fmt: skip


_CELL_TEMPLATES: dict[str, tuple[str, ...]] = {
    "change.pp_change": ("pp", "rel"),
    "change.pp_only": ("pp",),
    "change.down": ("rel", "abs"),
    "change.up": ("rel", "abs"),
    "change.abs": ("abs",),
    "gap.saving": ("gap", "share"),
    "gap.overspend": ("gap", "share"),
    "gap.better": ("gap",),
    "gap.short": ("gap",),
    "gap.over_limit": ("gap",),
    "gap.outside": ("gap",),
    "gap.off_by": ("gap",),
}
"""The templates of the change and gap cells and their fields in the order they are written."""
_CELL_WORDS = ("change.flat", "gap.exact", "gap.inside", "days_unit")


@dataclass(frozen=True, slots=True)
class _AttainmentWords:
    """The table's fixed texts in one language: headers, 'missing', status words, the cells' words and
    the cells' templates as their literal parts (`i18n.template_parts`), so that a cell is written by
    concatenation, not by `tr` (a lookup, the count agreement and a ``str.format``) twice a row."""

    headers: tuple[str, ...]
    missing: str
    statuses: Mapping[str, str]
    words: Mapping[str, str]
    parts: Mapping[str, tuple[str, ...]]


@functools.cache
def _attainment_words(language: Language) -> _AttainmentWords:
    """The table's words in ``language``, looked up once per language rather than on every call. A
    template that the count agreement would change (`i18n.counts_agree`) is refused: `tr` must write it."""
    words = Words(language=language, depth="full")
    statuses = {status: words.t(f"status.{status}") for status in _STATUS_TONE}
    parts: dict[str, tuple[str, ...]] = {}
    for key, fields in _CELL_TEMPLATES.items():
        template = localized(TEXT[key], language)
        if counts_agree(template, language):
            raise ValueError(f"{key}: a table cell's template cannot agree with a count")
        parts[key] = template_parts(template, fields)
    return _AttainmentWords(
        tuple(words.t(k) for k in _ATTAINMENT_COLUMNS),
        words.t("missing"),
        statuses,
        {key: words.t(key) for key in _CELL_WORDS},
        parts,
    )


def _attainment_table(ctx: Words, metrics: Sequence[MetricResult]) -> Table:
    language = ctx.language
    words = _attainment_words(language)
    missing, statuses = words.missing, words.statuses
    rows = tuple(
        (
            m.name,
            m.target_text or ("—" if m.status == "reported" else missing),  # a fact has no target
            fmt.quantity(m.actual, m.actual_unit or m.unit, language) if m.actual is not None else missing,
            fmt.quantity(m.baseline, m.baseline_unit or m.unit, language),
            _change_cell(words, m, language),
            fmt.percent(m.attainment_rate) if m.attainment_rate is not None else "—",
            _gap_cell(words, m, language),
            statuses[m.status],
        )
        for m in metrics
    )
    return Table(words.headers, rows, tuple(_STATUS_TONE[m.status] for m in metrics))


def _change_cell(words: _AttainmentWords, metric: MetricResult, language: Language) -> str:
    if metric.change_abs is None:
        return "—"
    parts = words.parts
    if metric.change_pp is not None:
        pp = fmt.number(metric.change_pp, digits=2)
        pp = f"+{pp}" if metric.change_pp > 0 else pp
        if metric.change_rel is None:
            before, after = parts["change.pp_only"]
            return before + pp + after
        before, middle, after = parts["change.pp_change"]
        return before + pp + middle + fmt.percent(metric.change_rel, signed=True) + after
    absolute = fmt.signed_quantity(metric.change_abs, fmt.difference_unit(metric.unit), language)
    if metric.change_rel is None or metric.unit == "rank":  # ranks move by places, not by percents
        before, after = parts["change.abs"]
        return before + absolute + after
    if metric.change_abs == 0:
        return words.words["change.flat"]
    before, middle, after = parts["change.down" if metric.change_abs < 0 else "change.up"]
    return before + fmt.percent(abs(metric.change_rel)) + middle + absolute + after


def _gap_cell(words: _AttainmentWords, metric: MetricResult, language: Language) -> str:
    gap = metric.gap_to_target
    if gap is None or metric.status in ("needs_verification", "not_evaluable", "reported"):
        return "—"
    if metric.unit == "T+":
        shown = f"{fmt.number(abs(gap))}{words.words['days_unit']}"
    else:
        shown = fmt.quantity(abs(gap), fmt.difference_unit(metric.unit), language)
    parts = words.parts
    if metric.target is not None and metric.target.kind == "budget" and metric.gap_rate is not None:
        before, middle, after = parts["gap.saving" if gap >= 0 else "gap.overspend"]
        return before + shown + middle + fmt.percent(abs(metric.gap_rate)) + after
    kind = metric.target.kind if metric.target is not None else None
    if kind in ("range", "tolerance"):  # the gap is to the nearest bound: inside or outside, never 'short'
        if metric.status == "achieved":
            return words.words["gap.inside"]
        before, after = parts["gap.outside"]
        return before + shown + after
    if gap == 0:
        return words.words["gap.exact"]
    if kind == "equal":
        key = "gap.off_by"
    elif kind == "at_most" and gap < 0:  # a ceiling passed is over it, not short of it
        key = "gap.over_limit"
    else:
        key = "gap.better" if gap > 0 else "gap.short"
    before, after = parts[key]
    return before + shown + after


# --------------------------------------------------------------------------- KPI tree


def kpi_tree(ctx: Context) -> list[Block] | None:
    if ctx.review.kpi_tree is None:
        return None
    result = ctx.analysis.kpi_tree
    if result is None:
        return _findings_blocks(ctx, "kpi_tree") or None
    return kpi_tree_blocks(ctx, result) + _findings_blocks(ctx, "kpi_tree")


def kpi_tree_blocks(ctx: Words, result: KpiTreeResult) -> list[Block]:
    """The tree and its figures (the report's section and the tool's text); findings apart."""
    by_id = {e.id: e for e in result.evaluations}
    root = by_id.get(result.root)
    method = ctx.t(f"method.{result.decomposition.method if result.decomposition else result.method}")
    blocks: list[Block] = [Paragraph(ctx.t("kpi.root", root=root.name if root else result.root, method=method))]
    figures = _Figures(ctx.language)
    blocks.append(_decomposition_paragraph(ctx, result, figures))
    seen: set[str] = set()
    against_target = result.decomposition is not None and result.decomposition.reference == "target"
    lines = _KpiLines(ctx, figures, by_id, seen, against_target)
    blocks += [Heading(ctx.t("kpi.tree")), Tree(tuple(_tree_lines(lines, result)))]
    others = [e for e in result.evaluations if not e.in_root_tree]
    if others:
        blocks += [Heading(ctx.t("kpi.others")), Tree(tuple(_other_lines(lines, others)))]
    checked = [e for e in result.evaluations if e.formula and not ctx.brief]
    if checked:
        blocks += [Heading(ctx.t("kpi.check")), _kpi_check_table(ctx, checked, figures, by_id)]
    if result.decomposition is not None and result.decomposition.contributions:
        heading = "kpi.contributions" + ("" if result.decomposition.reference == "baseline" else ".target")
        blocks += [Heading(ctx.t(heading)), _contribution_table(ctx, result, figures)]
    if ctx.full:
        blocks.append(Diagram(diagrams.kpi_flowchart(result, ctx.language, figures), ctx.t("kpi.diagram")))
    return blocks


class _Figures:
    """The figures of one KPI tree's text, each written once (`report.formatting`, memoised per call).

    Why: a node's contribution is written in the tree and again in the contributions table, a formula
    node's reported and computed values in the tree and again in the formula check, and many leaves
    share their values; writing a figure was most of a 10,000-node tree's text. A key holds the value's
    type, so 1 and 1.0 (equal as keys) are never confused."""

    __slots__ = ("_changes", "_formulas", "_language", "_percents", "_quantities")

    def __init__(self, language: Language) -> None:
        self._language: Language = language
        self._quantities: dict[tuple[object, ...], str] = {}
        self._changes: dict[tuple[object, ...], str] = {}
        self._percents: dict[tuple[object, ...], str] = {}
        self._formulas: dict[str, str] = {}

    def formula(self, formula: str, by_id: Mapping[str, KpiNodeEvaluation]) -> str:
        """`formula_in_names`, once per formula (the tree's line and the formula check both show it);
        ``by_id`` is the one tree's nodes."""
        text = self._formulas.get(formula)
        if text is None:
            text = self._formulas[formula] = formula_in_names(formula, by_id)
        return text

    def quantity(self, value: float | None, unit: str | None, computed: bool = False) -> str:
        key = (type(value), value, unit, computed)
        text = self._quantities.get(key)
        if text is None:
            text = self._quantities[key] = fmt.quantity(value, unit, self._language, computed=computed)
        return text

    def change(self, value: float, unit: str | None) -> str:
        key = (type(value), value, unit)
        text = self._changes.get(key)
        if text is None:
            text = self._changes[key] = fmt.signed_change(value, unit, self._language)
        return text

    def percent(self, fraction: float) -> str:
        key = (type(fraction), fraction)
        text = self._percents.get(key)
        if text is None:
            text = self._percents[key] = fmt.percent(fraction)
        return text


def _decomposition_paragraph(ctx: Words, result: KpiTreeResult, figures: _Figures) -> Paragraph:
    decomposition = result.decomposition
    if decomposition is None:
        return Paragraph(ctx.t("kpi.no_change"), tone="muted")
    unit = decomposition.unit
    total = sum(c.value for c in decomposition.contributions)
    root = next((e for e in result.evaluations if e.id == decomposition.root), None)
    # a reported level reads as in the tree below ('baseline ¥72.726M'), a formula's as computed
    typed_actual = root is not None and root.actual.reported is not None
    before = None if root is None else root.baseline if decomposition.reference == "baseline" else root.target
    typed_baseline = before is not None and before.reported is not None
    return Paragraph(
        ctx.t(
            "kpi.change" if decomposition.reference == "baseline" else "kpi.gap",
            baseline=figures.quantity(decomposition.baseline, unit, not typed_baseline),
            actual=figures.quantity(decomposition.actual, unit, not typed_actual),
            change=figures.change(decomposition.total_change, unit),
            sum=figures.change(total, unit),
            residual=figures.change(decomposition.residual, unit),
        )
    )


_LINE_WORDS = (
    "kpi.see_above",
    "missing",
    "field.actual",
    "field.baseline",
    "field.target",
    *(f"kpi.flag.{flag}" for flag in _KPI_FLAGS),
)
"""The words of a tree line, looked up once per text (`_KpiLines`), not once per node."""

_LINE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "kpi.reported_computed": ("reported", "computed"),
    "kpi.actual": ("value",),
    "kpi.target": ("value",),
    "kpi.baseline": ("value",),
    "kpi.delta": ("value",),
    "kpi.contribution": ("value", "share"),
    "kpi.missing": ("fields",),
}
"""The templates of a tree line and their fields in the order they are written (`i18n.template_parts`)."""

_PART = " · "
"""Between the parts of a tree line."""


@dataclass(slots=True)
class _KpiLines:
    """Writes the tree's lines: the language's words looked up once, each figure written once."""

    ctx: Words
    figures: _Figures
    by_id: dict[str, KpiNodeEvaluation]
    seen: set[str]
    against_target: bool = False  # the gap to target is decomposed: a leaf's baseline is not missed
    words: dict[str, str] = field(init=False)
    parts: dict[str, tuple[str, ...]] = field(init=False)

    def __post_init__(self) -> None:
        language = self.ctx.language
        self.words = {key: localized(TEXT[key], language) for key in _LINE_WORDS}
        self.parts = {
            key: template_parts(localized(TEXT[key], language), fields) for key, fields in _LINE_TEMPLATES.items()
        }


_FORMULA_ID = re.compile(r"[^\W\d]\w*")
"""An identifier in a formula: letters (CJK too), digits and underscores, not starting with a digit."""


def formula_in_names(formula: str, by_id: Mapping[str, KpiNodeEvaluation]) -> str:
    """``formula`` as a reader reads it: each node id by the node's name ('signups * activation' as
    '注册用户数 × 激活率'), × and ÷ for * and /; an id without a name of its own, or a function, as written."""

    def named(match: re.Match[str]) -> str:
        node = by_id.get(match.group())
        return node.name if node is not None and node.name else match.group()

    return _FORMULA_ID.sub(named, formula).replace("*", "×").replace("/", "÷")


_OWN_LEFT_SIDE = re.compile(r"^\s*([^=＝]+?)\s*[=＝]\s*(?=\S)")


def _right_side(formula: str, node: KpiNodeEvaluation) -> str:
    """A formula written with the node's own name or id on its left ('GMV = 访客数 × 转化率 × 客单价', as
    people write it) without that left side: the line already starts with 'GMV = '."""
    left = _OWN_LEFT_SIDE.match(formula)
    if left is None or left.group(1).casefold() not in (node.id.casefold(), (node.name or "").casefold()):
        return formula
    return formula[left.end() :]


def _node_line(lines: _KpiLines, node: KpiNodeEvaluation, root_unit: str | None) -> tuple[str, Tone]:
    """One node: value(s), target, baseline, change, contribution and what is wrong or missing, each
    part after `_PART`, written by concatenation with the templates' literal parts (`i18n.template_parts`)."""
    figures, parts = lines.figures, lines.parts
    quantity = figures.quantity
    unit, formula, actual = node.unit, node.formula, node.actual
    text = f"{node.name} = {figures.formula(_right_side(formula, node), lines.by_id)}" if formula else node.name
    reported = actual.reported
    if reported is not None and actual.computed is not None:
        before, middle, after = parts["kpi.reported_computed"]
        text += _PART + before + quantity(reported, unit) + middle + quantity(actual.computed, unit, True) + after
    else:
        before, after = parts["kpi.actual"]
        used = actual.used
        value = lines.words["missing"] if used is None else quantity(used, unit, reported is None)
        text += _PART + before + value + after
    target = node.target.used
    if target is not None:
        before, after = parts["kpi.target"]
        text += _PART + before + quantity(target, unit) + after
    baseline = node.baseline.used
    if baseline is not None:
        before, after = parts["kpi.baseline"]
        text += _PART + before + quantity(baseline, unit) + after
    if node.change_abs is not None:
        before, after = parts["kpi.delta"]
        text += _PART + before + figures.change(node.change_abs, unit) + after
    if node.contribution is not None and node.share is not None:
        before, middle, after = parts["kpi.contribution"]
        share = figures.percent(node.share)
        text += _PART + before + figures.change(node.contribution, root_unit) + middle + share + after
    missing = False
    # the period a leaf is compared from: its baseline, or its target when the gap to target is split
    before_period, before_value = ("target", node.target.used) if lines.against_target else ("baseline", baseline)
    if not formula and (actual.used is None or before_value is None):
        words = lines.words
        periods = (("actual", actual.used), (before_period, before_value))
        fields = [words[f"field.{p}"] for p, value in periods if value is None]
        before, after = parts["kpi.missing"]
        text += _PART + before + lines.ctx.join(fields) + after
        missing = True
    if not node.flags:
        return text, "warn" if missing else "normal"
    flags = [lines.words[f"kpi.flag.{flag}"] for flag in node.flags if flag in _KPI_FLAGS]
    if flags:
        text += _PART + _PART.join(flags)
    broken = any(flag in _KPI_FLAGS and flag not in _KPI_WARNINGS for flag in node.flags)
    tone: Tone = "bad" if broken else "warn" if flags or missing else "normal"
    return text, tone


def _tree_lines(lines: _KpiLines, result: KpiTreeResult) -> list[TreeLine]:
    root = lines.by_id.get(result.root)
    if root is None:
        return []
    return _walk(lines, root, root.unit)


def _walk(lines: _KpiLines, start: KpiNodeEvaluation, root_unit: str | None) -> list[TreeLine]:
    """Depth-first lines below ``start``; iterative, and a node met twice is shown once ('see above')."""
    out: list[TreeLine] = []
    by_id, seen, see_above = lines.by_id, lines.seen, lines.words["kpi.see_above"]
    stack: list[tuple[KpiNodeEvaluation, int]] = [(start, 0)]
    while stack:
        node, depth = stack.pop()
        if node.id in seen:
            out.append(TreeLine(depth, see_above.format(name=node.name), "muted"))
            continue
        seen.add(node.id)
        text, tone = _node_line(lines, node, root_unit)
        out.append(TreeLine(min(depth, 12), text, tone))
        if node.inputs:
            below = depth + 1
            stack += [(by_id[i], below) for i in reversed(node.inputs) if i in by_id]
    return out


def _other_lines(lines: _KpiLines, others: Sequence[KpiNodeEvaluation]) -> list[TreeLine]:
    """The nodes the root does not depend on, from their tops; nodes already shown are 'see above'."""
    used = {i for e in others for i in e.inputs}
    tops = [e for e in others if e.id not in used] or list(others)
    out: list[TreeLine] = []
    for top in tops:
        out += _walk(lines, top, top.unit)
    return out


def _kpi_check_table(
    ctx: Words, nodes: Sequence[KpiNodeEvaluation], figures: _Figures, by_id: Mapping[str, KpiNodeEvaluation]
) -> Table:
    rows = []
    tones: list[Tone] = []
    states = {True: ctx.t("kpi.consistent"), False: ctx.t("kpi.inconsistent"), None: ctx.t("kpi.unknown")}
    for node in nodes:
        actual = node.actual
        consistent = actual.consistent
        state = states[True if consistent else False if consistent is False else None]
        rows.append(
            (
                node.name,
                figures.formula(node.formula, by_id) if node.formula else "",
                figures.quantity(actual.reported, node.unit),
                figures.quantity(actual.computed, node.unit, True),
                figures.percent(actual.deviation) if actual.deviation is not None else "—",
                state,
            )
        )
        tones.append("ok" if consistent else "warn" if consistent is False else "normal")
    keys = ("col.node", "col.formula", "col.reported", "col.computed", "col.deviation", "col.consistency")
    return Table(tuple(ctx.t(k) for k in keys), tuple(rows), tuple(tones))


def _contribution_table(ctx: Words, result: KpiTreeResult, figures: _Figures) -> Table:
    decomposition = result.decomposition
    assert decomposition is not None
    rows = tuple(
        (
            c.name,
            figures.change(c.value, decomposition.unit),
            figures.percent(c.share) if c.share is not None else "—",
        )
        for c in decomposition.contributions
    )
    keys = ("col.factor", "col.contribution", "col.share")
    return Table(tuple(ctx.t(k) for k in keys), rows)


# --------------------------------------------------------------------------- narrative sections


def success_factors(ctx: Context) -> list[Block] | None:
    if not ctx.review.success_factors:
        return None
    return _points(ctx, ctx.review.success_factors) + _prose_notes(ctx, "success_factors")


def problems(ctx: Context) -> list[Block]:
    limit = BRIEF_ITEMS if ctx.brief else None
    return _points(ctx, ctx.review.problems, limit, kind="problem") + _prose_notes(ctx, "problems")


def lessons(ctx: Context) -> list[Block]:
    return _points(ctx, ctx.review.lessons)


def outlook(ctx: Context) -> list[Block] | None:
    return _points(ctx, ctx.review.outlook) if ctx.review.outlook else None


# --------------------------------------------------------------------------- SWOT


def swot(ctx: Context) -> list[Block] | None:
    if ctx.review.swot is None:
        return None
    result = ctx.analysis.swot
    if result is None:
        return _findings_blocks(ctx, "swot") or None
    return swot_blocks(ctx, result) + _findings_blocks(ctx, "swot")


def swot_blocks(ctx: Words, result: SwotResult) -> list[Block]:
    """The factors (once), the TOWS strategies, the IFE/EFE scores (the report's section and the tool)."""
    blocks: list[Block] = [Heading(ctx.t("swot.factors")), _swot_factor_table(ctx, result)]
    if result.strategies or ctx.full:
        blocks += [Heading(ctx.t("swot.tows")), _tows_table(ctx, result)]
    if any(m.weight_sum is not None for m in (result.ife, result.efe)):
        blocks += [
            Heading(ctx.t("swot.scores")),
            _score_table(ctx, result),
            Paragraph(ctx.t("swot.scores_note"), tone="muted"),
        ]
    if ctx.full:
        blocks.append(Diagram(diagrams.swot_quadrants(result, ctx.language), ctx.t("swot.diagram")))
    return blocks


def _swot_factor_table(ctx: Words, result: SwotResult) -> Table:
    factors = [*result.strengths, *result.weaknesses, *result.opportunities, *result.threats]
    with_scores = any(f.weight is not None or f.rating is not None for f in factors)
    keys = ["col.quadrant", "col.id", "col.text"]
    if with_scores:
        keys += ["col.weight", "col.rating", "col.score"]
    rows = []
    quadrants = {quadrant: ctx.t(f"quadrant.{quadrant}") for quadrant in ("S", "W", "O", "T")}
    shown: dict[tuple[float, int], str] = {}  # this table's numbers: the same weights and ratings, row after row

    def number(value: float | None, digits: int) -> str:
        if value is None:
            return "—"
        if (value, digits) not in shown:
            shown[value, digits] = fmt.number(value, digits=digits)
        return shown[value, digits]

    for factor in factors:
        row = [quadrants[factor.quadrant], factor.id, factor.text]
        if with_scores:
            row += [number(factor.weight, 3), number(factor.rating, 2), number(factor.weighted_score, 3)]
        rows.append(tuple(row))
    return Table(tuple(ctx.t(k) for k in keys), tuple(rows))


def _tows_table(ctx: Words, result: SwotResult) -> Table:
    rows: list[tuple[str, ...]] = []
    tones: list[Tone] = []
    for cell in result.tows:
        by_index = {strategy.index: strategy for strategy in result.strategies}
        placed = [by_index[i] for i in cell.strategies if i in by_index]
        for strategy in placed:
            rows.append(
                (
                    cell.title,
                    strategy.text,
                    ctx.join(strategy.uses) or "—",
                    ctx.t("yes") if strategy.valid else ctx.t("no"),
                )
            )
            tones.append("normal" if strategy.valid else "warn")
        if not placed and ctx.full and cell.prompt:
            rows.append((cell.title, cell.prompt, "—", "—"))
            tones.append("muted")
    keys = ("col.type", "col.strategy", "col.uses", "col.valid")
    return Table(tuple(ctx.t(k) for k in keys), tuple(rows), tuple(tones))


def _score_table(ctx: Words, result: SwotResult) -> Table:
    rows = tuple(
        (
            m.matrix,
            str(m.factors),
            fmt.number(m.weight_sum, digits=3) if m.weight_sum is not None else "—",
            fmt.number(m.score, digits=2, fixed=True) if m.score is not None else "—",
            m.reading_label or "—",
        )
        for m in (result.ife, result.efe)
    )
    keys = ("col.matrix", "col.factors", "col.weight_sum", "col.total_score", "col.reading")
    return Table(tuple(ctx.t(k) for k in keys), rows)


# --------------------------------------------------------------------------- 5 Whys


def five_whys(ctx: Context) -> list[Block] | None:
    chains = ctx.review.five_whys
    if not chains:
        return None
    blocks: list[Block] = []
    for index, chain in enumerate(chains):
        blocks.append(Heading(ctx.t("whys.problem", n=index + 1, problem=chain.problem)))
        result = ctx.analysis.five_whys[index] if index < len(ctx.analysis.five_whys) else None
        if result is None:
            blocks.append(Paragraph(ctx.t("whys.failed"), tone="bad"))
            continue
        blocks += five_whys_blocks(ctx, result, lambda text: seen_lines(ctx, "root_cause", text))
    return blocks + _findings_blocks(ctx, "five_whys")


def five_whys_blocks(
    ctx: Words, result: FiveWhysResult, notes: Callable[[str], tuple[str, ...]] | None = None
) -> list[Block]:
    """One chain: depth, the whys as a tree, root causes, read-back, countermeasures (report and tool).

    ``notes``: the lines under a root cause (the report's "seen before"), from its text."""
    shape = ctx.t("whys.chain" if result.is_chain else "whys.tree")
    counts = result.counts
    marks: dict[str, list[str]] = {}
    for root in result.root_causes:
        if root.why_id is not None and root.is_why:
            marks.setdefault(root.why_id, []).append(root.id)
    depth = (
        ctx.t(
            "whys.depth", depth=result.depth, shape=shape, error=counts.error, warning=counts.warning, info=counts.info
        )
        if ctx.author
        else ctx.t("whys.depth_reader", depth=result.depth, shape=shape)
    )
    blocks: list[Block] = [
        Paragraph(depth, tone="muted"),
        Tree(tuple(_why_line(ctx, node, marks.get(node.id, [])) for node in diagrams.reading_order(result.whys))),
    ]
    if result.root_causes:
        roots = tuple(
            Item(
                _root_line(ctx, root),
                tone="bad" if root.blames_person else "normal",
                children=notes(root.text) if notes else (),
            )
            for root in result.root_causes
        )
        blocks += [Heading(ctx.t("whys.roots")), Bullets(roots)]
    if result.read_back and not ctx.brief:
        blocks += [Heading(ctx.t("whys.read_back")), Bullets(tuple(Item(rb.text) for rb in result.read_back))]
    if result.countermeasures:
        blocks += [Heading(ctx.t("whys.countermeasures")), _countermeasure_table(ctx, result)]
    elif result.root_causes:
        blocks.append(Paragraph(ctx.t("whys.no_countermeasures"), tone="warn"))
    if ctx.full:
        blocks.append(Diagram(diagrams.whys_flowchart(result, ctx.language), ctx.t("whys.diagram")))
    return blocks


def _why_line(ctx: Words, node: WhyNode, roots: Sequence[str]) -> TreeLine:
    label = ctx.t("whys.label_id", label=node.label, id=node.id) if ctx.author else node.label
    answer = ctx.t("whys.asked", question=node.question, answer=node.answer) if node.question else node.answer
    text = f"{label}{ctx.t('colon')}{answer} — {ctx.t(f'evidence.{node.status}')}"
    if node.evidence:
        text += f" · {ctx.t('whys.evidence', text=node.evidence)}"
    if roots:
        text += f" · {ctx.t('whys.root_mark', ids=ctx.join(roots))}"
    return TreeLine(max(node.depth - 1, 0), text, "normal" if node.status != "unverified" else "muted")


def _countermeasure_table(ctx: Words, result: FiveWhysResult) -> Table:
    rows = tuple(
        (
            cm.item.action,
            _or_missing(ctx, cm.item.owner),
            fmt.iso(cm.item.due) if cm.item.due else ctx.t("missing"),
            _or_missing(ctx, cm.item.success_metric),
            ctx.join(cm.root_ids) or "—",
            ctx.t("yes") if cm.complete else ctx.t("no"),
        )
        for cm in result.countermeasures
    )
    tones: tuple[Tone, ...] = tuple("normal" if cm.complete else "warn" for cm in result.countermeasures)
    keys = ("col.countermeasure", "col.owner", "col.due", "col.success_metric", "col.root", "col.complete")
    return Table(tuple(ctx.t(k) for k in keys), rows, tones)


# --------------------------------------------------------------------------- actions and risks


def actions(ctx: Context) -> list[Block]:
    blocks = action_blocks(ctx, ctx.review.actions, ctx.analysis.actions, ctx.today)
    failed = [f for f in ctx.analysis.findings if f.section == "actions" and f.code == "section_failed"]
    blocks += [Paragraph(f.message, tone="bad") for f in failed]
    if ctx.analysis.as_of is not None and any(a.due is not None for a in ctx.review.actions):
        blocks.append(_as_of_paragraph(ctx, ctx.analysis.as_of.date, ctx.analysis.as_of.source))
    return blocks


def action_blocks(
    ctx: Words, items: Sequence[ActionItem], result: ActionCheckResult | None, today: dt.date | None = None
) -> list[Block]:
    """The action table with each action's status (the report's section and `check_actions`'s text).

    A brief report lists only the most urgent open actions (`urgency_order`); the others list all
    (up to `STANDARD_ROWS` in a standard report) in the order given.
    """
    if not items:
        return [Paragraph(ctx.t("actions.none"), tone="muted")]
    blocks: list[Block] = []
    checks: Sequence[ActionCheck | None] = result.actions if result else [None] * len(items)
    overdue = [_is_overdue(action, check, today) for action, check in zip(items, checks, strict=True)]
    if result is not None:
        codes = result.counts.by_code
        score = fmt.number(result.counts.average_score, digits=1) if result.counts.average_score is not None else "—"
        blocks.append(
            Paragraph(
                ctx.t(
                    "actions.summary" if ctx.author else "actions.summary_reader",
                    total=result.counts.total,
                    complete=result.counts.complete,
                    score=score,
                    owner=codes.get("missing_owner", 0),
                    due=codes.get("missing_due", 0),
                    metric=codes.get("missing_metric", 0),
                )
            )
        )
        statuses = ctx.join(
            ctx.t("actions.status_count", status=ctx.t(f"action_status.{status}"), n=n)
            for status, n in sorted(result.counts.by_status.items(), key=lambda kv: _STATUS_RANK.get(kv[0], 9))
        )
        blocks.append(Paragraph(ctx.t("actions.statuses", statuses=statuses)))
    order = list(range(len(items)))
    limit = None if ctx.full else STANDARD_ROWS
    if ctx.brief:
        order = urgency_order(items, overdue)
        limit = BRIEF_ITEMS
        if len(order) > BRIEF_ITEMS or len(order) < len(items):
            blocks.append(
                Paragraph(ctx.t("actions.top", n=min(BRIEF_ITEMS, len(order)), total=len(items)), tone="muted")
            )
    shown = order if limit is None else order[:limit]
    if shown:
        blocks.append(_action_table(ctx, [(i, items[i], checks[i], overdue[i]) for i in shown]))
    if len(shown) < len(items) and not ctx.brief:
        blocks.append(Paragraph(ctx.t("more_rows", n=len(items) - len(shown)), tone="muted"))
    return blocks


def _as_of_paragraph(ctx: Context, day: dt.date, source: AsOfSource) -> Paragraph:
    """Which date the overdue days were counted from (the review date; today only as a fallback)."""
    return Paragraph(ctx.t("as_of.line", basis=ctx.t(f"as_of.{source}"), date=day.isoformat()), tone="muted")


_STATUS_RANK = {"open": 0, "in_progress": 1, "done": 2, "wont_do": 3}
_CLOSED = frozenset({"done", "wont_do"})


def _is_overdue(action: ActionItem, check: ActionCheck | None, today: dt.date | None) -> bool:
    """Past its due date and still to do: as the check found it, else against ``today``."""
    if check is not None and check.overdue is not None:
        return check.overdue
    return today is not None and is_overdue(action, today)


def urgency_order(items: Sequence[ActionItem], overdue: Sequence[bool]) -> list[int]:
    """Indexes of the actions still to do, most urgent first: by status (open, then in progress),
    then overdue ones, then priority (P0 first, none last), then due date (earliest first, none
    last), then input order. Done and won't-do actions are never among the most urgent."""

    def key(index: int) -> tuple[int, int, int, str, int]:
        action = items[index]
        due = action.due.isoformat() if action.due else "9999-99-99"
        return (
            _STATUS_RANK[action.status],
            0 if overdue[index] else 1,
            _PRIORITY_RANK.get(action.priority or "", 9),
            due,
            index,
        )

    return sorted((i for i, action in enumerate(items) if action.status not in _CLOSED), key=key)


def _action_table(ctx: Words, rows_in: Sequence[tuple[int, ActionItem, ActionCheck | None, bool]]) -> Table:
    rows = []
    tones: list[Tone] = []
    for index, action, check, overdue in rows_in:
        due = fmt.iso(action.due) if action.due else ctx.t("missing")
        if action.due_text:  # the words it was written in, beside the date they resolve to
            due = f"{fmt.iso(action.due)} ({action.due_text})" if action.due else action.due_text
        if action.due is None and check is not None and check.suggested_due is not None:
            due = ctx.t("actions.suggested", missing=due, date=check.suggested_due.isoformat())
        if check is not None and check.overdue and check.days_overdue:
            key = "actions.overdue_due.one" if check.days_overdue == 1 else "actions.overdue_due"
            due = ctx.t(key, due=due, days=check.days_overdue)
        findings = check.findings if check else []
        metric = _or_missing(ctx, action.success_metric)
        if any(f.code == "metric_in_action" for f in findings):  # the target the check read in the action
            metric = ctx.t("actions.metric_in_action", target=action_target(action.action) or "")
        row = [
            str(index + 1),
            action.action,
            _or_missing(ctx, action.owner),
            due,
            action.priority or _unread_word(ctx, action, "priority") or "—",
            _action_status(ctx, action, overdue),
            metric,
            action.addresses or "—",
        ]
        if ctx.author:
            row += [f"{check.score}/5" if check else "—", _issues(ctx, findings) if check else "—"]
        rows.append(tuple(row))
        tones.append(_worst_tone(findings) if ctx.author else "normal")
    keys = ["col.n", "col.action", "col.owner", "col.due", "col.priority", "col.status", "col.success_metric"]
    keys.append("col.addresses")
    if ctx.author:
        keys += ["col.smart", "col.issues"]
    return Table(tuple(ctx.t(k) for k in keys), tuple(rows), tuple(tones), short=(0, 3, 4, 5))


def _unread_word(ctx: Words, action: ActionItem, name: str) -> str | None:
    """A priority or status kept as typed because it reads as none of its values ("待确认：ASAP-ish")."""
    word = action.unread_words.get(name)
    return ctx.t("actions.unread", text=word) if word else None


def _action_status(ctx: Words, action: ActionItem, overdue: bool) -> str:
    """The status in words, with a status word that could not be read beside it; an open action past
    its due date says so."""
    status = ctx.t(f"action_status.{action.status}")
    word = action.unread_words.get("status")
    if word:
        status = ctx.t("actions.status_unread", status=status, text=word)
    if overdue and action.status not in _CLOSED:
        return ctx.t("actions.overdue", status=status)
    return status


def follow_up(ctx: Context) -> list[Block] | None:
    """Open actions of earlier reviews of the project (复盘闭环): what was promised and is not done."""
    items = ctx.follow_up
    if not items:
        return None
    overdue = [a for a in items if a.overdue]
    most = max((a.days_overdue for a in overdue), default=0)
    longest = ctx.t("follow_up.longest.one" if most == 1 else "follow_up.longest", days=most) if overdue else ""
    rows = tuple(
        (
            str(index + 1),
            action.action,
            ctx.t("paren", text=action.review_title, inner=action.review_date.isoformat()),
            _or_missing(ctx, action.owner),
            fmt.iso(action.due) if action.due else ctx.t("missing"),
            ctx.t(f"action_status.{action.status}"),
            ctx.t("follow_up.days.one" if action.days_overdue == 1 else "follow_up.days", days=action.days_overdue)
            if action.overdue
            else ctx.t("follow_up.on_time"),
        )
        for index, action in enumerate(items)
    )
    tones: tuple[Tone, ...] = tuple("bad" if a.overdue else "normal" for a in items)
    keys = ("col.n", "col.action", "col.from_review", "col.owner", "col.due", "col.progress", "col.state")
    blocks: list[Block] = [
        Paragraph(ctx.t("follow_up.summary", total=len(items), overdue=len(overdue), longest=longest)),
        Table(tuple(ctx.t(k) for k in keys), rows, tones),
    ]
    counted = items[0].as_of or (ctx.analysis.as_of.date if ctx.analysis.as_of else None)
    if counted is not None:
        given = ctx.review.review_date is not None and counted != ctx.review.review_date
        source: AsOfSource = "given" if given else "review_date"
        blocks.append(_as_of_paragraph(ctx, counted, source))
    return blocks


def risks(ctx: Context) -> list[Block] | None:
    items = ctx.review.risks
    if not items:
        return None
    blocks = risk_blocks(ctx, items, ctx.analysis.risks)
    failed = [f for f in ctx.analysis.findings if f.section == "risks" and f.code == "section_failed"]
    return blocks + [Paragraph(f.message, tone="bad") for f in failed]


def risk_blocks(ctx: Words, items: Sequence[Risk], result: RiskCheckResult | None) -> list[Block]:
    """The risks with their thresholds, response and owner (the report's section and `check_risks`'s text)."""
    if not items:
        return [Paragraph(ctx.t("risks.none"), tone="muted")]
    blocks: list[Block] = []
    checks: Sequence[RiskCheck | None] = result.risks if result else [None] * len(items)
    if result is not None:
        blocks.append(Paragraph(ctx.t("risks.summary", total=result.counts.total, complete=result.counts.complete)))
    rows = []
    tones: list[Tone] = []
    for risk, check in zip(items, checks, strict=True):
        level = "/".join(ctx.t(f"level.{v}") if v else "—" for v in (risk.likelihood, risk.impact))
        findings = check.findings if check else []
        row = [
            risk.risk,
            _or_missing(ctx, risk.indicator),
            _or_missing(ctx, risk.yellow_threshold),
            _or_missing(ctx, risk.red_threshold),
            _or_missing(ctx, risk.response),
            _or_missing(ctx, risk.owner),
            level,
        ]
        if ctx.author:
            row.append(_issues(ctx, findings) if check else "—")
        rows.append(tuple(row))
        tones.append(_worst_tone(findings) if ctx.author else "normal")
    keys = ["col.risk", "col.indicator", "col.yellow", "col.red", "col.response", "col.owner", "col.level"]
    if ctx.author:
        keys.append("col.issues")
    blocks.append(Table(tuple(ctx.t(k) for k in keys), tuple(rows), tuple(tones)))
    return blocks


# --------------------------------------------------------------------------- PDCA


def pdca(ctx: Context) -> list[Block] | None:
    cycle = ctx.review.pdca
    if cycle is None:
        return None
    check = list(cycle.check)
    if ctx.analysis.attainment is not None:
        summary = ctx.analysis.attainment.summary
        line = ctx.t(
            "summary.metrics",
            total=summary.total,
            achieved=summary.achieved,
            not_achieved=summary.not_achieved,
            needs_verification=summary.needs_verification,
            not_evaluable=summary.not_evaluable,
        )
        check.append(ctx.t("pdca.computed", text=line))
    parts = (("pdca.plan", cycle.plan), ("pdca.do", cycle.do), ("pdca.check", check), ("pdca.act", cycle.act))
    items = tuple(
        Item(text="" if entries else ctx.t("missing"), label=ctx.t(key), children=tuple(entries))
        for key, entries in parts
    )
    return [Bullets(items), *_prose_notes(ctx, "pdca.check")]


# --------------------------------------------------------------------------- notes and gaps


def gaps(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    if ctx.review.notes:
        blocks += [Heading(ctx.t("gaps.notes")), Bullets(tuple(Item(note) for note in ctx.review.notes))]
    if not ctx.author:
        blocks += _open_questions(ctx)
    blocks.append(Heading(ctx.t("gaps.title")))
    blocks += _gap_blocks(ctx)
    if ctx.author:
        blocks += _findings_summary(ctx)
    elif ctx.analysis.failed_sections:
        names = ctx.join(ctx.t(f"section.{s}") for s in ctx.analysis.failed_sections)
        blocks.append(Paragraph(ctx.t("findings.failed", text=names), tone="bad"))
    if ctx.masked_count:
        blocks.append(Paragraph(ctx.t("findings.masked", n=ctx.masked_count), tone="muted"))
    return blocks


def _root_line(ctx: Words, root: RootCause) -> str:
    """A root cause with the categories the keywords suggest; a guess that found nothing ('6M: unknown')
    is left out rather than printed."""
    known = [c.category != "unknown" for c in (root.category, root.category_6m)]
    key = "whys.root" if all(known) else "whys.root_category" if known[0] else "whys.root_plain"
    return ctx.t(key, id=root.id, text=root.text, category=root.category.label, m6=root.category_6m.label)


def _open_questions(ctx: Context) -> list[Block]:
    """What the checks found, asked as questions for the people who own the review: no codes, no
    paths, no table. Errors and warnings only (notes are for the author), one line per message."""
    found = [f for f in ctx.analysis.findings if f.severity != "info" and f.code != "section_failed"]
    lines = list(dict.fromkeys(_question(ctx, f.section, f.path, _for_people(f.message)) for f in found))
    if not lines:
        return []
    blocks: list[Block] = [
        Heading(ctx.t("questions.title")),
        Paragraph(ctx.t("questions.intro", n=len(lines)), tone="muted"),
        Bullets(tuple(Item(line) for line in lines[:READER_QUESTIONS])),
    ]
    if len(lines) > READER_QUESTIONS:
        blocks.append(Paragraph(ctx.t("questions.more", n=len(lines) - READER_QUESTIONS), tone="muted"))
    return blocks


_ACTION_PATH = re.compile(r"^actions\[(\d+)\]")


def _question(ctx: Context, section: str, path: str | None, text: str) -> str:
    """One open question, naming the action it is about ('改进建议（第 4 项行动）：没有截止日期。'): the
    reader has no path to find it by, and two actions missing the same thing are two questions."""
    where = ctx.t(f"section.{section}")
    found = _ACTION_PATH.match(path or "")
    if found is None or int(found.group(1)) >= len(ctx.review.actions):
        return ctx.t("questions.line", section=where, text=text)
    subject = ctx.t("questions.action", n=int(found.group(1)) + 1)
    return ctx.t("questions.line_of", section=where, subject=subject, text=text)


_FIELD_MARK = re.compile(r"`([^`\n]+)`")


def _for_people(message: str) -> str:
    """A check's message without the backticks that mark field names for the author: a manager's
    document shows ``prevent`` as the plain word, not as code (Word and HTML would print the marks)."""
    return _FIELD_MARK.sub(r"\1", message)


def _gap_blocks(ctx: Context) -> list[Block]:
    all_gaps = ctx.analysis.data_gaps
    if not all_gaps:
        return [Paragraph(ctx.t("gaps.none"), tone="ok")]
    blocks: list[Block] = []
    for kind in ("missing", "unverifiable", "section"):
        of_kind = [gap for gap in all_gaps if gap.kind == kind]
        if of_kind:
            tone: Tone = "warn" if kind == "unverifiable" else "normal"
            items = tuple(Item(text, tone=tone) for text in _grouped_gap_lines(ctx, of_kind))
            blocks += [Paragraph(ctx.t(f"gaps.kind.{kind}")), Bullets(items)]
    return blocks


def _grouped_gap_lines(ctx: Context, gaps_of_kind: Sequence[SectionGap]) -> list[str]:
    """One line per (section, message): a thousand actions without a date make one line, not a thousand."""
    groups: dict[tuple[str, str], list[SectionGap]] = {}
    for gap in gaps_of_kind:
        groups.setdefault((gap.section, gap.message), []).append(gap)
    lines = []
    for (section, message), members in groups.items():
        message = message if ctx.author else _for_people(message)
        title = ctx.t(f"section.{section}")
        if members[0].kind == "section" or members[0].subject == members[0].path:
            lines.append(ctx.t("gaps.section", section=title, message=message))
        elif len(members) == 1:
            lines.append(ctx.t("gaps.one", section=title, subject=members[0].subject, message=message))
        else:
            subjects = ctx.join(dict.fromkeys(_short(m.subject) for m in members[:GAP_SUBJECTS]))
            if len(members) > GAP_SUBJECTS:
                subjects += "…"
            lines.append(ctx.t("gaps.group", section=title, message=message, n=len(members), subjects=subjects))
    return lines


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _findings_summary(ctx: Context) -> list[Block]:
    analysis = ctx.analysis
    counts = analysis.counts
    blocks: list[Block] = [
        Heading(ctx.t("findings.title")),
        Paragraph(ctx.t("findings.counts", error=counts.error, warning=counts.warning, info=counts.info)),
    ]
    if analysis.failed_sections:
        names = ctx.join(ctx.t(f"section.{s}") for s in analysis.failed_sections)
        blocks.append(Paragraph(ctx.t("findings.failed", text=names), tone="bad"))
    if not ctx.brief and analysis.findings:
        per_section = Counter(f.section for f in analysis.findings)
        lines = tuple(Item(f"{ctx.t(f'section.{section}')}{ctx.t('colon')}{n}") for section, n in per_section.items())
        blocks.append(Bullets(lines))
    if ctx.full and analysis.findings:
        blocks.append(_findings_table(ctx))
        if len(analysis.findings) > FULL_FINDINGS:
            blocks.append(Paragraph(ctx.t("more_items", n=len(analysis.findings) - FULL_FINDINGS), tone="muted"))
    return blocks


def _findings_table(ctx: Context) -> Table:
    shown = ctx.analysis.findings[:FULL_FINDINGS]
    rows = tuple(
        (ctx.t(f"section.{f.section}"), ctx.t(f"severity.{f.severity}"), f.code, f.message, f.path or "—")
        for f in shown
    )
    keys = ("col.section", "col.severity", "col.code", "col.message", "col.path")
    return Table(tuple(ctx.t(k) for k in keys), rows, tuple(_SEVERITY_TONE[f.severity] for f in shown))


# --------------------------------------------------------------------------- the document

Builder = Callable[[Context], "list[Block] | None"]

BUILDERS: dict[SectionId, Builder] = {
    "overview": overview,
    "goals": goals,
    "timeline": timeline,
    "execution": execution,
    "results": results,
    "kpi_tree": kpi_tree,
    "success_factors": success_factors,
    "problems": problems,
    "swot": swot,
    "five_whys": five_whys,
    "lessons": lessons,
    "actions": actions,
    "follow_up": follow_up,
    "risks": risks,
    "pdca": pdca,
    "outlook": outlook,
    "gaps": gaps,
}


def planned_sections(depth: Depth) -> tuple[SectionId, ...]:
    return BRIEF_SECTIONS if depth == "brief" else SECTION_IDS


def build_sections(ctx: Context) -> list[Section]:
    """The sections that have something to say (core sections always), numbered in order.

    An incident review is laid out as a postmortem (`report.postmortem`)."""
    from fupan_mcp.report import postmortem

    builders = {**BUILDERS, **postmortem.builders(ctx)}
    incident_plan = postmortem.plan(ctx)
    core = postmortem.INCIDENT_CORE if incident_plan else CORE_SECTIONS
    sections: list[Section] = []
    for section_id in incident_plan or planned_sections(ctx.depth):
        blocks = builders[section_id](ctx)
        if blocks is None or (not blocks and section_id not in core):
            continue
        if section_id == "gaps" and not ctx.author:
            title = ctx.t("section.gaps_reader")
        elif incident_plan:
            title = postmortem.title(ctx, section_id)
        else:
            title = ctx.t(f"section.{section_id}")
        sections.append(Section(section_id, len(sections) + 1, title, blocks))
    return sections


def build_document(ctx: Context, title: str, summary: str) -> Document:
    review = ctx.review
    meta: list[tuple[str, str]] = []
    if review.review_date:
        meta.append((ctx.t("meta.review_date"), review.review_date.isoformat()))
    meta.append((ctx.t("meta.depth"), ctx.t(f"depth.{ctx.depth}")))
    return Document(
        title=title,
        language=ctx.language,
        meta=meta,
        summary=summary,
        sections=build_sections(ctx),
        footer=ctx.t("generated"),
        colon=ctx.t("colon"),
    )
