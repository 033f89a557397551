"""Build the report document, section by section, from a (masked) review and its analysis.

Figures come from the `ReviewAnalysis` (computed), words from `strings.TEXT`, and the user's prose from
the review. Which sections appear depends on the depth:

- brief: overview, results, problems (the first few), actions (the most urgent few), notes and gaps;
- standard: every section that has content, plus the core ones (with a 'not provided' line);
- full: as standard, with every finding, every row and the Mermaid diagrams.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from fupan_mcp.catalog import PROJECT_TYPES
from fupan_mcp.domain.actions import ActionCheck, ActionItem, RiskCheck
from fupan_mcp.domain.attainment import MetricResult
from fupan_mcp.domain.common import Finding
from fupan_mcp.domain.kpi import KpiNodeEvaluation, KpiTreeResult
from fupan_mcp.domain.review import (
    CORE_SECTIONS,
    SECTION_IDS,
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
from fupan_mcp.domain.whys import FiveWhysResult, WhyNode
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report import formatting as fmt
from fupan_mcp.report.strings import ISSUE_LABELS, TEXT
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

BRIEF_SECTIONS: tuple[SectionId, ...] = ("overview", "results", "problems", "actions", "follow_up", "gaps")
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

_PRIORITY_RANK = {"P0": 0, "P1": 1, "P2": 2, "P3": 3}
_STATUS_TONE: dict[str, Tone] = {
    "achieved": "ok",
    "not_achieved": "bad",
    "needs_verification": "warn",
    "not_evaluable": "muted",
}
_SEVERITY_TONE: dict[str, Tone] = {"error": "bad", "warning": "warn", "info": "muted"}
_KPI_FLAGS = ("inconsistent", "cycle", "unknown_id", "division_by_zero", "formula_error")


@dataclass(frozen=True, slots=True)
class Context:
    review: Review
    analysis: ReviewAnalysis
    language: Language
    depth: Depth
    masked_count: int
    follow_up: tuple[OpenAction, ...] = ()

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, key, self.language, **values)

    @property
    def full(self) -> bool:
        return self.depth == "full"

    @property
    def brief(self) -> bool:
        return self.depth == "brief"

    def join(self, parts: Iterable[str]) -> str:
        return self.t("list_sep").join(parts)


# --------------------------------------------------------------------------- helpers


def _point_item(point: PointLike) -> Item:
    if isinstance(point, Point):
        return Item(text=point.detail or "", label=point.title) if point.detail else Item(text=point.title)
    return Item(text=point)


def _points(ctx: Context, points: Sequence[PointLike], limit: int | None = None) -> list[Block]:
    if not points:
        return [Paragraph(ctx.t("points.none"), tone="muted")]
    shown = points if limit is None else points[:limit]
    blocks: list[Block] = [Bullets(tuple(_point_item(point) for point in shown))]
    if len(shown) < len(points):
        blocks.append(Paragraph(ctx.t("problems.top", total=len(points), n=len(shown)), tone="muted"))
    return blocks


def _findings_blocks(ctx: Context, section: SectionId) -> list[Block]:
    """The findings of one section: none in brief, errors and warnings in standard, all in full."""
    if ctx.brief:
        return []
    found = [f for f in ctx.analysis.findings if f.section == section]
    if not ctx.full:
        found = [f for f in found if f.severity != "info"]
    if not found:
        return []
    limit = FULL_FINDINGS if ctx.full else STANDARD_FINDINGS
    blocks: list[Block] = [
        Heading(ctx.t("findings.title")),
        Bullets(tuple(_finding_item(ctx, f) for f in found[:limit])),
    ]
    if len(found) > limit:
        blocks.append(Paragraph(ctx.t("more_items", n=len(found) - limit), tone="muted"))
    return blocks


def _finding_item(ctx: Context, finding: Finding) -> Item:
    where = f" ({finding.path})" if finding.path and ctx.full else ""
    return Item(
        text=f"{finding.message}{where}",
        label=ctx.t(f"severity.{finding.severity}"),
        tone=_SEVERITY_TONE[finding.severity],
    )


def _issues(ctx: Context, findings: Sequence[Finding]) -> str:
    labels = dict.fromkeys(
        tr(ISSUE_LABELS, f.code, ctx.language) if f.code in ISSUE_LABELS else f.code for f in findings
    )
    return ctx.join(labels) if labels else ctx.t("checks.ok")


def _worst_tone(findings: Sequence[Finding]) -> Tone:
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "bad"
    if "warning" in severities:
        return "warn"
    return "normal"


def _or_missing(ctx: Context, value: str | None) -> str:
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
    return zh if ctx.language == "zh" else en


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
    return blocks


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
        heading = f"{phase.name}({dates})" if ctx.language == "zh" else f"{phase.name} ({dates})"
        blocks += [Heading(heading), Bullets(tuple(Item(note) for note in phase.notes))]
    return blocks


# --------------------------------------------------------------------------- results


def results(ctx: Context) -> list[Block]:
    result = ctx.analysis.attainment
    blocks: list[Block] = []
    if result is None:
        blocks.append(Paragraph(ctx.t("results.none"), tone="muted"))
    else:
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
    if ctx.review.qualitative_results and not ctx.brief:
        blocks += [
            Heading(ctx.t("results.qualitative")),
            Bullets(tuple(Item(text) for text in ctx.review.qualitative_results)),
        ]
    failed = [f for f in ctx.analysis.findings if f.section == "results" and f.code == "section_failed"]
    blocks += [Paragraph(f.message, tone="bad") for f in failed]
    return blocks


def _attainment_table(ctx: Context, metrics: Sequence[MetricResult]) -> Table:
    keys = ("col.metric", "col.target", "col.actual", "col.baseline", "col.change", "col.rate", "col.gap", "col.status")
    rows = tuple(
        (
            m.name,
            m.target_text or ctx.t("missing"),
            fmt.quantity(m.actual, m.actual_unit or m.unit, ctx.language) if m.actual is not None else ctx.t("missing"),
            fmt.quantity(m.baseline, m.baseline_unit or m.unit, ctx.language),
            _change_cell(ctx, m),
            fmt.percent(m.attainment_rate) if m.attainment_rate is not None else "—",
            _gap_cell(ctx, m),
            ctx.t(f"status.{m.status}"),
        )
        for m in metrics
    )
    return Table(tuple(ctx.t(k) for k in keys), rows, tuple(_STATUS_TONE[m.status] for m in metrics))


def _change_cell(ctx: Context, metric: MetricResult) -> str:
    if metric.change_abs is None:
        return "—"
    if metric.change_pp is not None:
        pp = fmt.number(metric.change_pp, digits=2)
        pp = f"+{pp}" if metric.change_pp > 0 else pp
        if metric.change_rel is None:
            return ctx.t("change.pp_only", pp=pp)
        return ctx.t("change.pp_change", pp=pp, rel=fmt.percent(metric.change_rel, signed=True))
    absolute = fmt.signed_quantity(metric.change_abs, metric.unit, ctx.language)
    if metric.change_rel is None:
        return ctx.t("change.abs", abs=absolute)
    if metric.change_abs == 0:
        return ctx.t("change.flat")
    key = "change.down" if metric.change_abs < 0 else "change.up"
    return ctx.t(key, rel=fmt.percent(abs(metric.change_rel)), abs=absolute)


def _gap_cell(ctx: Context, metric: MetricResult) -> str:
    gap = metric.gap_to_target
    if gap is None or metric.status in ("needs_verification", "not_evaluable"):
        return "—"
    unit = "pp" if metric.unit == "%" else metric.unit
    shown = fmt.quantity(abs(gap), unit, ctx.language)
    if metric.unit == "T+":
        shown = f"{fmt.number(abs(gap))}{ctx.t('days_unit')}"
    if metric.target is not None and metric.target.kind == "budget" and metric.gap_rate is not None:
        key = "gap.saving" if gap >= 0 else "gap.overspend"
        return ctx.t(key, gap=shown, share=fmt.percent(abs(metric.gap_rate)))
    if gap == 0:
        return ctx.t("gap.exact")
    return ctx.t("gap.better" if gap > 0 else "gap.short", gap=shown)


# --------------------------------------------------------------------------- KPI tree


def kpi_tree(ctx: Context) -> list[Block] | None:
    if ctx.review.kpi_tree is None:
        return None
    result = ctx.analysis.kpi_tree
    if result is None:
        return _findings_blocks(ctx, "kpi_tree") or None
    by_id = {e.id: e for e in result.evaluations}
    root = by_id.get(result.root)
    method = ctx.t(f"method.{result.decomposition.method if result.decomposition else result.method}")
    blocks: list[Block] = [Paragraph(ctx.t("kpi.root", root=root.name if root else result.root, method=method))]
    blocks.append(_decomposition_paragraph(ctx, result))
    seen: set[str] = set()
    blocks += [Heading(ctx.t("kpi.tree")), Tree(tuple(_tree_lines(ctx, result, by_id, seen)))]
    others = [e for e in result.evaluations if not e.in_root_tree]
    if others:
        blocks += [Heading(ctx.t("kpi.others")), Tree(tuple(_other_lines(ctx, others, by_id, seen)))]
    checked = [e for e in result.evaluations if e.formula and not ctx.brief]
    if checked:
        blocks += [Heading(ctx.t("kpi.check")), _kpi_check_table(ctx, checked)]
    if result.decomposition is not None and result.decomposition.contributions:
        blocks += [Heading(ctx.t("kpi.contributions")), _contribution_table(ctx, result)]
    if ctx.full and result.mermaid:
        blocks.append(Diagram(result.mermaid, ctx.t("kpi.diagram")))
    return blocks + _findings_blocks(ctx, "kpi_tree")


def _decomposition_paragraph(ctx: Context, result: KpiTreeResult) -> Paragraph:
    decomposition = result.decomposition
    if decomposition is None:
        return Paragraph(ctx.t("kpi.no_change"), tone="muted")
    unit = decomposition.unit
    total = sum(c.value for c in decomposition.contributions)
    return Paragraph(
        ctx.t(
            "kpi.change",
            baseline=fmt.quantity(decomposition.baseline, unit, ctx.language, computed=True),
            actual=fmt.quantity(decomposition.actual, unit, ctx.language, computed=True),
            change=_signed_change(ctx, decomposition.total_change, unit),
            sum=_signed_change(ctx, total, unit),
            residual=_signed_change(ctx, decomposition.residual, unit),
        )
    )


def _signed_change(ctx: Context, value: float, unit: str | None) -> str:
    text = fmt.quantity(abs(value), "pp" if unit == "%" else unit, ctx.language, computed=True)
    return f"+{text}" if value > 0 else f"-{text}" if value < 0 else text


def _node_value(ctx: Context, node: KpiNodeEvaluation) -> str:
    actual = node.actual
    if actual.reported is not None and actual.computed is not None:
        return ctx.t(
            "kpi.reported_computed",
            reported=fmt.quantity(actual.reported, node.unit, ctx.language),
            computed=fmt.quantity(actual.computed, node.unit, ctx.language, computed=True),
        )
    if actual.used is None:
        return ctx.t("kpi.actual", value=ctx.t("missing"))
    return ctx.t(
        "kpi.actual", value=fmt.quantity(actual.used, node.unit, ctx.language, computed=actual.reported is None)
    )


def _node_line(ctx: Context, node: KpiNodeEvaluation, root_unit: str | None, baselines: bool) -> tuple[str, Tone]:
    """One node: value(s), target, baseline, change, contribution and what is wrong or missing.

    When no node has a baseline, a missing baseline is one gap of the whole tree, not a mark per leaf.
    """
    parts = [f"{node.name} = {node.formula}" if node.formula else node.name, _node_value(ctx, node)]
    if node.target.used is not None:
        parts.append(ctx.t("kpi.target", value=fmt.quantity(node.target.used, node.unit, ctx.language)))
    if node.baseline.used is not None:
        parts.append(ctx.t("kpi.baseline", value=fmt.quantity(node.baseline.used, node.unit, ctx.language)))
    if node.change_abs is not None:
        parts.append(ctx.t("kpi.delta", value=_signed_change(ctx, node.change_abs, node.unit)))
    if node.contribution is not None and node.share is not None:
        parts.append(
            ctx.t(
                "kpi.contribution",
                value=_signed_change(ctx, node.contribution, root_unit),
                share=fmt.percent(node.share),
            )
        )
    missing = [
        ctx.t(f"field.{p}") for p in ("actual", "baseline") if getattr(node, p).used is None and not node.formula
    ]
    if missing:
        parts.append(ctx.t("kpi.missing", fields=ctx.join(missing)))
    flags = [ctx.t(f"kpi.flag.{flag}") for flag in node.flags if flag in _KPI_FLAGS]
    parts += flags
    tone: Tone = "bad" if any(f.startswith("⛔") for f in flags) else "warn" if flags or missing else "normal"
    return " · ".join(parts), tone


def _tree_lines(
    ctx: Context, result: KpiTreeResult, by_id: dict[str, KpiNodeEvaluation], seen: set[str]
) -> list[TreeLine]:
    root = by_id.get(result.root)
    if root is None:
        return []
    return _walk(ctx, root, by_id, seen, root.unit)


def _has_baselines(by_id: dict[str, KpiNodeEvaluation]) -> bool:
    return any(node.baseline.reported is not None for node in by_id.values())


def _walk(
    ctx: Context,
    start: KpiNodeEvaluation,
    by_id: dict[str, KpiNodeEvaluation],
    seen: set[str],
    root_unit: str | None,
) -> list[TreeLine]:
    """Depth-first lines below ``start``; iterative, and a node met twice is shown once ('see above')."""
    lines: list[TreeLine] = []
    stack: list[tuple[KpiNodeEvaluation, int]] = [(start, 0)]
    while stack:
        node, depth = stack.pop()
        if node.id in seen:
            lines.append(TreeLine(depth, ctx.t("kpi.see_above", name=node.name), "muted"))
            continue
        seen.add(node.id)
        text, tone = _node_line(ctx, node, root_unit, _has_baselines(by_id))
        lines.append(TreeLine(min(depth, 12), text, tone))
        children = [by_id[i] for i in node.inputs if i in by_id]
        stack.extend((child, depth + 1) for child in reversed(children))
    return lines


def _other_lines(
    ctx: Context,
    others: Sequence[KpiNodeEvaluation],
    by_id: dict[str, KpiNodeEvaluation],
    seen: set[str],
) -> list[TreeLine]:
    """The nodes the root does not depend on, from their tops; nodes already shown are 'see above'."""
    used = {i for e in others for i in e.inputs}
    tops = [e for e in others if e.id not in used] or list(others)
    lines: list[TreeLine] = []
    for top in tops:
        lines += _walk(ctx, top, by_id, seen, top.unit)
    return lines


def _kpi_check_table(ctx: Context, nodes: Sequence[KpiNodeEvaluation]) -> Table:
    rows = []
    tones: list[Tone] = []
    for node in nodes:
        actual = node.actual
        consistent = actual.consistent
        state = (
            ctx.t("kpi.consistent")
            if consistent
            else ctx.t("kpi.inconsistent")
            if consistent is False
            else ctx.t("kpi.unknown")
        )
        rows.append(
            (
                node.name,
                node.formula or "",
                fmt.quantity(actual.reported, node.unit, ctx.language),
                fmt.quantity(actual.computed, node.unit, ctx.language, computed=True),
                fmt.percent(actual.deviation) if actual.deviation is not None else "—",
                state,
            )
        )
        tones.append("ok" if consistent else "warn" if consistent is False else "normal")
    keys = ("col.node", "col.formula", "col.reported", "col.computed", "col.deviation", "col.consistency")
    return Table(tuple(ctx.t(k) for k in keys), tuple(rows), tuple(tones))


def _contribution_table(ctx: Context, result: KpiTreeResult) -> Table:
    decomposition = result.decomposition
    assert decomposition is not None
    rows = tuple(
        (
            c.name,
            _signed_change(ctx, c.value, decomposition.unit),
            fmt.percent(c.share) if c.share is not None else "—",
        )
        for c in decomposition.contributions
    )
    keys = ("col.factor", "col.contribution", "col.share")
    return Table(tuple(ctx.t(k) for k in keys), rows)


# --------------------------------------------------------------------------- narrative sections


def success_factors(ctx: Context) -> list[Block] | None:
    return _points(ctx, ctx.review.success_factors) if ctx.review.success_factors else None


def problems(ctx: Context) -> list[Block]:
    return _points(ctx, ctx.review.problems, BRIEF_ITEMS if ctx.brief else None)


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
    blocks: list[Block] = [Heading(ctx.t("swot.factors")), _swot_factor_table(ctx, result)]
    if result.strategies or ctx.full:
        blocks += [Heading(ctx.t("swot.tows")), _tows_table(ctx, result)]
    if any(m.weight_sum is not None for m in (result.ife, result.efe)):
        blocks += [Heading(ctx.t("swot.scores")), _score_table(ctx, result)]
    if ctx.full and result.mermaid:
        blocks.append(Diagram(result.mermaid, ctx.t("swot.diagram")))
    return blocks + _findings_blocks(ctx, "swot")


def _swot_factor_table(ctx: Context, result: SwotResult) -> Table:
    factors = [*result.strengths, *result.weaknesses, *result.opportunities, *result.threats]
    with_scores = any(f.weight is not None or f.rating is not None for f in factors)
    keys = ["col.quadrant", "col.id", "col.text"]
    if with_scores:
        keys += ["col.weight", "col.rating", "col.score"]
    rows = []
    for factor in factors:
        row = [ctx.t(f"quadrant.{factor.quadrant}"), factor.id, factor.text]
        if with_scores:
            row += [
                fmt.number(factor.weight, digits=3) if factor.weight is not None else "—",
                fmt.number(factor.rating) if factor.rating is not None else "—",
                fmt.number(factor.weighted_score, digits=3) if factor.weighted_score is not None else "—",
            ]
        rows.append(tuple(row))
    return Table(tuple(ctx.t(k) for k in keys), tuple(rows))


def _tows_table(ctx: Context, result: SwotResult) -> Table:
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


def _score_table(ctx: Context, result: SwotResult) -> Table:
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
        blocks += _chain_blocks(ctx, result)
    return blocks + _findings_blocks(ctx, "five_whys")


def _chain_blocks(ctx: Context, result: FiveWhysResult) -> list[Block]:
    shape = ctx.t("whys.chain" if result.is_chain else "whys.tree")
    counts = result.counts
    blocks: list[Block] = [
        Paragraph(
            ctx.t(
                "whys.depth",
                depth=result.depth,
                shape=shape,
                error=counts.error,
                warning=counts.warning,
                info=counts.info,
            ),
            tone="muted",
        ),
        Tree(
            tuple(
                _why_line(ctx, node.depth, node.label, node.answer, node.status, node.evidence)
                for node in _tree_order(result)
            )
        ),
    ]
    if result.root_causes:
        roots = tuple(
            Item(
                ctx.t("whys.root", id=root.id, text=root.text, category=root.category.label, m6=root.category_6m.label),
                tone="bad" if root.blames_person else "normal",
            )
            for root in result.root_causes
        )
        blocks += [Heading(ctx.t("whys.roots")), Bullets(roots)]
    if result.read_back and not ctx.brief:
        blocks += [Heading(ctx.t("whys.read_back")), Bullets(tuple(Item(rb.text) for rb in result.read_back))]
    if result.countermeasures:
        blocks += [Heading(ctx.t("whys.countermeasures")), _countermeasure_table(ctx, result)]
    return blocks


def _tree_order(result: FiveWhysResult) -> list[WhyNode]:
    """Whys in reading order: each answer followed by the answers that explain it."""
    by_id = {node.id: node for node in result.whys}
    tops = [node for node in result.whys if node.parent_id is None]
    ordered: list[WhyNode] = []
    stack = list(reversed(tops))
    seen: set[str] = set()
    while stack:
        node = stack.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        ordered.append(node)
        stack.extend(by_id[c] for c in reversed(node.children) if c in by_id)
    return ordered


def _why_line(ctx: Context, depth: int, label: str, answer: str, status: str, evidence: str | None) -> TreeLine:
    text = f"{label}:{answer}" if ctx.language == "zh" else f"{label}: {answer}"
    text += f" — {ctx.t(f'evidence.{status}')}"
    if evidence:
        text += f" · {ctx.t('whys.evidence', text=evidence)}"
    return TreeLine(max(depth - 1, 0), text, "normal" if status != "unverified" else "muted")


def _countermeasure_table(ctx: Context, result: FiveWhysResult) -> Table:
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
    result = ctx.analysis.actions
    items = ctx.review.actions
    if not items:
        return [Paragraph(ctx.t("actions.none"), tone="muted")]
    blocks: list[Block] = []
    checks: Sequence[ActionCheck | None] = result.actions if result else [None] * len(items)
    if result is not None:
        codes = result.counts.by_code
        score = fmt.number(result.counts.average_score, digits=1) if result.counts.average_score is not None else "—"
        blocks.append(
            Paragraph(
                ctx.t(
                    "actions.summary",
                    total=result.counts.total,
                    complete=result.counts.complete,
                    score=score,
                    owner=codes.get("missing_owner", 0),
                    due=codes.get("missing_due", 0),
                    metric=codes.get("missing_metric", 0),
                )
            )
        )
    order = list(range(len(items)))
    limit = None if ctx.full else STANDARD_ROWS
    if ctx.brief:
        order.sort(key=lambda i: (_PRIORITY_RANK.get(items[i].priority or "", 9), i))
        limit = BRIEF_ITEMS
        if len(items) > BRIEF_ITEMS:
            blocks.append(Paragraph(ctx.t("actions.top", n=BRIEF_ITEMS, total=len(items)), tone="muted"))
    shown = order if limit is None else order[:limit]
    blocks.append(_action_table(ctx, [(i, items[i], checks[i]) for i in shown]))
    if len(shown) < len(items) and not ctx.brief:
        blocks.append(Paragraph(ctx.t("more_rows", n=len(items) - len(shown)), tone="muted"))
    failed = [f for f in ctx.analysis.findings if f.section == "actions" and f.code == "section_failed"]
    blocks += [Paragraph(f.message, tone="bad") for f in failed]
    return blocks


def _action_table(ctx: Context, rows_in: Sequence[tuple[int, ActionItem, ActionCheck | None]]) -> Table:
    rows = []
    tones: list[Tone] = []
    for index, action, check in rows_in:
        due = fmt.iso(action.due) if action.due else ctx.t("missing")
        if action.due_text:  # the words it was written in, beside the date they resolve to
            due = f"{fmt.iso(action.due)} ({action.due_text})" if action.due else action.due_text
        if action.due is None and check is not None and check.suggested_due is not None:
            due = ctx.t("actions.suggested", missing=due, date=check.suggested_due.isoformat())
        findings = check.findings if check else []
        rows.append(
            (
                str(index + 1),
                action.action,
                _or_missing(ctx, action.owner),
                due,
                action.priority or "—",
                _or_missing(ctx, action.success_metric),
                action.addresses or "—",
                f"{check.score}/5" if check else "—",
                _issues(ctx, findings) if check else "—",
            )
        )
        tones.append(_worst_tone(findings))
    keys = (
        "col.n",
        "col.action",
        "col.owner",
        "col.due",
        "col.priority",
        "col.success_metric",
        "col.addresses",
        "col.smart",
        "col.issues",
    )
    return Table(tuple(ctx.t(k) for k in keys), tuple(rows), tuple(tones))


def follow_up(ctx: Context) -> list[Block] | None:
    """Open actions of earlier reviews of the project (复盘闭环): what was promised and is not done."""
    items = ctx.follow_up
    if not items:
        return None
    overdue = [a for a in items if a.overdue]
    longest = ctx.t("follow_up.longest", days=max(a.days_overdue for a in overdue)) if overdue else ""
    rows = tuple(
        (
            str(index + 1),
            action.action,
            f"{action.review_title}({action.review_date.isoformat()})"
            if ctx.language == "zh"
            else f"{action.review_title} ({action.review_date.isoformat()})",
            _or_missing(ctx, action.owner),
            fmt.iso(action.due) if action.due else ctx.t("missing"),
            ctx.t(f"action_status.{action.status}"),
            ctx.t("follow_up.days", days=action.days_overdue) if action.overdue else ctx.t("follow_up.on_time"),
        )
        for index, action in enumerate(items)
    )
    tones: tuple[Tone, ...] = tuple("bad" if a.overdue else "normal" for a in items)
    keys = ("col.n", "col.action", "col.from_review", "col.owner", "col.due", "col.progress", "col.state")
    return [
        Paragraph(ctx.t("follow_up.summary", total=len(items), overdue=len(overdue), longest=longest)),
        Table(tuple(ctx.t(k) for k in keys), rows, tones),
    ]


def risks(ctx: Context) -> list[Block] | None:
    items = ctx.review.risks
    if not items:
        return None
    result = ctx.analysis.risks
    blocks: list[Block] = []
    checks: Sequence[RiskCheck | None] = result.risks if result else [None] * len(items)
    if result is not None:
        blocks.append(Paragraph(ctx.t("risks.summary", total=result.counts.total, complete=result.counts.complete)))
    rows = []
    tones: list[Tone] = []
    for risk, check in zip(items, checks, strict=True):
        level = "/".join(ctx.t(f"level.{v}") if v else "—" for v in (risk.likelihood, risk.impact))
        findings = check.findings if check else []
        rows.append(
            (
                risk.risk,
                _or_missing(ctx, risk.indicator),
                _or_missing(ctx, risk.yellow_threshold),
                _or_missing(ctx, risk.red_threshold),
                _or_missing(ctx, risk.response),
                _or_missing(ctx, risk.owner),
                level,
                _issues(ctx, findings) if check else "—",
            )
        )
        tones.append(_worst_tone(findings))
    keys = (
        "col.risk",
        "col.indicator",
        "col.yellow",
        "col.red",
        "col.response",
        "col.owner",
        "col.level",
        "col.issues",
    )
    blocks.append(Table(tuple(ctx.t(k) for k in keys), tuple(rows), tuple(tones)))
    failed = [f for f in ctx.analysis.findings if f.section == "risks" and f.code == "section_failed"]
    return blocks + [Paragraph(f.message, tone="bad") for f in failed]


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
    return [Bullets(items)]


# --------------------------------------------------------------------------- notes and gaps


def gaps(ctx: Context) -> list[Block]:
    blocks: list[Block] = []
    if ctx.review.notes:
        blocks += [Heading(ctx.t("gaps.notes")), Bullets(tuple(Item(note) for note in ctx.review.notes))]
    blocks.append(Heading(ctx.t("gaps.title")))
    blocks += _gap_blocks(ctx)
    blocks += _findings_summary(ctx)
    if ctx.masked_count:
        blocks.append(Paragraph(ctx.t("findings.masked", n=ctx.masked_count), tone="muted"))
    return blocks


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
        title = postmortem.title(ctx, section_id) if incident_plan else ctx.t(f"section.{section_id}")
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
