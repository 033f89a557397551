"""Each analysis tool's text: what a client that only shows text gets next to the structured content.

Built from the same blocks as the report's sections (`report.sections`), with the same words
(`report.strings`) and the same formatter (`report.formatting`), then rendered to markdown by the
report's own block template: a figure reads the same in a tool's answer and in the report. The tool
text is written for the author of the review, so it lists every finding with its place.
"""

from __future__ import annotations

from collections.abc import Sequence

from fupan_mcp.domain.actions import ActionCheckResult, ActionItem, Risk, RiskCheckResult
from fupan_mcp.domain.attainment import AttainmentResult
from fupan_mcp.domain.common import DataGap, Finding
from fupan_mcp.domain.compliance import ComplianceResult
from fupan_mcp.domain.insights import FollowThrough, InsightsResult
from fupan_mcp.domain.items import ItemError
from fupan_mcp.domain.kpi import KpiTreeResult
from fupan_mcp.domain.swot import SwotResult
from fupan_mcp.domain.whys import FiveWhysResult
from fupan_mcp.i18n import Language
from fupan_mcp.report import formatting as fmt
from fupan_mcp.report.render import markdown_blocks
from fupan_mcp.report.sections import (
    Words,
    action_blocks,
    attainment_blocks,
    finding_item,
    five_whys_blocks,
    kpi_tree_blocks,
    risk_blocks,
    swot_blocks,
)
from fupan_mcp.report.view import Block, Bullets, Heading, Item, Paragraph, Table, Tone

__all__ = [
    "TOOL_FINDINGS",
    "TOOL_ROWS",
    "actions_text",
    "attainment_text",
    "compliance_text",
    "five_whys_text",
    "insights_text",
    "kpi_tree_text",
    "risks_text",
    "swot_text",
]

TOOL_FINDINGS = 50
"""Findings listed in a tool's text; the structured content carries all of them."""
TOOL_ROWS = 200
"""Rows of one table in a tool's text."""


def _words(language: Language) -> Words:
    return Words(language=language, depth="full")


def _render(w: Words, title_key: str, blocks: Sequence[Block]) -> str:
    return markdown_blocks([Heading(w.t(title_key)), *blocks], w.t("colon"))


def _findings(w: Words, findings: Sequence[Finding]) -> list[Block]:
    """Every finding (up to `TOOL_FINDINGS`) with its severity and where it is."""
    if not findings:
        return []
    blocks: list[Block] = [
        Heading(w.t("findings.title")),
        Bullets(tuple(finding_item(w, f) for f in findings[:TOOL_FINDINGS])),
    ]
    if len(findings) > TOOL_FINDINGS:
        blocks.append(Paragraph(w.t("more_items", n=len(findings) - TOOL_FINDINGS), tone="muted"))
    return blocks


def _set_aside(w: Words, entries: Sequence[ItemError]) -> list[Block]:
    """The items of a list set aside for a wrong shape, each with its place and the fix (`domain.items`)."""
    if not entries:
        return []
    items = tuple(Item(entry.message, tone="bad") for entry in entries[:TOOL_ROWS])
    return [Heading(w.t("set_aside.title")), Bullets(items), *_more(w, len(entries))]


def kpi_tree_text(result: KpiTreeResult) -> str:
    """`build_kpi_tree`: root and change, the tree, the formula check, contributions, findings, flowchart."""
    from fupan_mcp.report.sizing import summarised

    result = summarised(result)
    w = _words(result.language)
    blocks = kpi_tree_blocks(w, result)
    if result.template is not None and all(n.actual is None and n.baseline is None for n in result.nodes):
        blocks.insert(0, Paragraph(w.t("kpi.skeleton"), tone="muted"))
    return _render(w, "section.kpi_tree", _with_findings(w, blocks, result.findings))


def five_whys_text(result: FiveWhysResult) -> str:
    """`five_whys`: the problem, the chain, root causes, read-back, countermeasures, findings, flowchart."""
    w = _words(result.language)
    blocks = [Paragraph(w.t("whys.problem_line", problem=result.problem)), *five_whys_blocks(w, result)]
    if not result.findings:
        blocks.append(Paragraph(w.t("findings.none"), tone="ok"))
    return _render(w, "section.five_whys", _with_findings(w, blocks, result.findings))


def swot_text(result: SwotResult) -> str:
    """`swot`: the factors, the TOWS strategies and prompts, the IFE/EFE scores, findings, quadrant chart."""
    w = _words(result.language)
    blocks = swot_blocks(w, result)
    if not result.findings:
        blocks.append(Paragraph(w.t("findings.none"), tone="ok"))
    return _render(w, "section.swot", _with_findings(w, blocks, result.findings))


def attainment_text(result: AttainmentResult) -> str:
    """`compute_attainment`: counts and weighted rate, the table, each statement, errors, data gaps; in
    summary (`report.sizing.summarised_attainment`) the worst rows only, then every metric that needs
    attention, by name."""
    w = _words(result.language)
    blocks = attainment_blocks(w, result)
    if result.detail == "summary":
        total = len(result.metrics) + result.omitted_metrics
        note = w.t("results.summary_note", total=total, shown=len(result.metrics), omitted=result.omitted_metrics)
        blocks.insert(1, Paragraph(note, tone="muted"))
        blocks += _problems(w, result)
    return _render(w, "section.results", blocks + _gaps(w, result.summary.data_gaps))


def _problems(w: Words, result: AttainmentResult) -> list[Block]:
    """A summary's problems: per status, how many and their names (up to `TOOL_ROWS` each)."""
    by_status: dict[str, list[str]] = {status: [] for status in ("not_achieved", "needs_verification", "not_evaluable")}
    for ref in result.problems:
        by_status.setdefault(ref.status, []).append(ref.name)
    items = []
    for status, names in by_status.items():
        if not names:
            continue
        word = w.t("results.problem_error") if status == "error" else w.t(f"status.{status}")
        shown = w.join(names[:TOOL_ROWS])
        if len(names) > TOOL_ROWS:
            shown += w.t("more_items", n=len(names) - TOOL_ROWS)
        items.append(Item(shown, label=w.t("results.problem_label", status=word, n=len(names))))
    return [Heading(w.t("results.problems")), Bullets(tuple(items))] if items else []


def _gaps(w: Words, gaps: Sequence[DataGap]) -> list[Block]:
    if not gaps:
        return []
    items = tuple(Item(gap.message, label=gap.subject) for gap in gaps[:TOOL_ROWS])
    return [Heading(w.t("gaps.title")), Bullets(items), *_more(w, len(gaps))]


def actions_text(result: ActionCheckResult, actions: Sequence[ActionItem]) -> str:
    """`check_actions`: the summary, each action with its status, score and issues, list findings."""
    w = _words(result.language)
    blocks = action_blocks(w, actions[:TOOL_ROWS], result.model_copy(update={"actions": result.actions[:TOOL_ROWS]}))
    blocks += _more(w, len(actions))
    blocks += _set_aside(w, result.set_aside)
    if result.as_of is not None:
        basis = w.t(f"as_of.{result.as_of.source}")
        blocks.append(Paragraph(w.t("as_of.line", basis=basis, date=result.as_of.date.isoformat()), tone="muted"))
    return _render(w, "actions.title", _with_findings(w, blocks, result.findings))


def risks_text(result: RiskCheckResult, risks: Sequence[Risk]) -> str:
    """`check_risks`: the summary and each risk with its thresholds, response, owner and issues."""
    w = _words(result.language)
    blocks = risk_blocks(w, risks[:TOOL_ROWS], result.model_copy(update={"risks": result.risks[:TOOL_ROWS]}))
    return _render(w, "risks.title", [*blocks, *_more(w, len(risks)), *_set_aside(w, result.set_aside)])


def compliance_text(result: ComplianceResult) -> str:
    """`check_compliance`: counts, where each piece of personal data is (masked), each tone finding."""
    w = _words(result.language)
    unchecked: list[Block] = [Paragraph(f"{f.path}: {f.message}", tone="warn") for f in result.findings[:TOOL_ROWS]]
    if not result.pii and not result.tone:
        return _render(w, "compliance.title", [*unchecked, Paragraph(w.t("compliance.clean"), tone="ok")])
    counts = result.counts
    summary = w.t(
        "compliance.summary",
        pii=counts.pii,
        pii_detail=_detail(w, {w.t(f"pii.{kind}"): n for kind, n in counts.pii_by_kind.items()}),
        tone=counts.tone,
        tone_detail=_detail(w, {w.t(f"severity.{sev}"): n for sev, n in counts.tone_by_severity.items()}),
    )
    blocks: list[Block] = [*unchecked, Paragraph(summary)]
    masked = result.masked_text is not None or result.masked_fields is not None
    if result.pii and masked:
        blocks.append(Paragraph(w.t("compliance.masked_note"), tone="muted"))
    where = w.t("compliance.text")
    if result.pii:
        rows = tuple((hit.path or where, w.t(f"pii.{hit.kind}"), hit.masked) for hit in result.pii[:TOOL_ROWS])
        headers = tuple(w.t(k) for k in ("col.where", "col.kind", "col.masked"))
        blocks += [Heading(w.t("compliance.pii")), Table(headers, rows), *_more(w, len(result.pii))]
    if result.tone:
        shown = result.tone[:TOOL_ROWS]
        rows = tuple((f.path or where, w.t(f"severity.{f.severity}"), f.message) for f in shown)
        tones: tuple[Tone, ...] = tuple("warn" if f.severity != "info" else "muted" for f in shown)
        headers = tuple(w.t(k) for k in ("col.where", "col.severity", "col.message"))
        blocks += [Heading(w.t("compliance.tone")), Table(headers, rows, tones), *_more(w, len(result.tone))]
    return _render(w, "compliance.title", blocks)


def _detail(w: Words, counts: dict[str, int]) -> str:
    if not counts:
        return ""
    return w.t("compliance.detail", parts=w.join(f"{label} {n}" for label, n in counts.items()))


def _more(w: Words, total: int) -> list[Block]:
    return [Paragraph(w.t("more_items", n=total - TOOL_ROWS), tone="muted")] if total > TOOL_ROWS else []


def _with_findings(w: Words, blocks: Sequence[Block], findings: Sequence[Finding]) -> list[Block]:
    """The blocks with the findings before the diagrams (which close a tool's text)."""
    diagrams = [b for b in blocks if b.kind == "diagram"]
    body = [b for b in blocks if b.kind != "diagram"]
    return [*body, *_findings(w, findings), *diagrams]


_ALSO_WRITTEN = 2
"""How many other wordings of a recurring issue its line names (the result holds them all)."""


def _also_written(w: Words, texts: Sequence[str]) -> str:
    """The other wordings of a group ('连接池被耗尽导致数据库超时' beside '数据库连接池耗尽'): a reader sees why
    texts that differ are one issue."""
    others = [w.t("insights.wording", text=text) for text in texts[1 : 1 + _ALSO_WRITTEN]]
    more = len(texts) - 1 - len(others)
    return w.t("insights.also_written", texts=w.join(others)) + (w.t("insights.more_wordings", n=more) if more else "")


def insights_text(result: InsightsResult, language: Language) -> str:
    """`review_insights`: follow-through, its aging and breakdowns, carried-over actions, recurring
    issues (not-yet-learned lessons marked) and attainment trends."""
    w = _words(language)
    if not result.reviews:
        return _render(w, "insights.title", [Paragraph(w.t("insights.empty"), tone="muted")])
    total = result.follow_through
    median = total.median_days_to_close
    blocks: list[Block] = [
        Paragraph(
            w.t(
                "insights.summary",
                as_of=fmt.iso(result.as_of),
                reviews=result.reviews,
                total=total.total,
                done=total.done,
                wont_do=total.wont_do,
                open=total.open,
                overdue=total.overdue,
                rate=w.t("dash") if total.closure_rate is None else fmt.percent(total.closure_rate),
                median=w.t("dash") if median is None else w.t("insights.days", n=fmt.number(median, digits=1)),
            )
        )
    ]
    if total.overdue:
        items = [Item(f"{w.t('insights.bucket', range=bucket)}{w.t('colon')}{n}") for bucket, n in total.aging.items()]
        blocks += [Heading(w.t("insights.aging")), Bullets(tuple(items))]
    for key, rows in (
        ("insights.by_owner", result.by_owner),
        ("insights.by_project", result.by_project),
        ("insights.by_quarter", result.by_quarter),
    ):
        if rows:
            blocks += [Heading(w.t(key)), _follow_table(w, rows[:TOOL_ROWS]), *_more(w, len(rows))]
    if result.carried_over:
        items = [
            Item(
                w.t(
                    "insights.carried_item",
                    project=c.project,
                    action=c.action,
                    n=len(c.reviews),
                    dates=w.join(fmt.iso(r.review_date) for r in c.reviews),
                    status=w.t(f"action_status.{c.latest_status}"),
                )
            )
            for c in result.carried_over[:TOOL_ROWS]
        ]
        blocks += [Heading(w.t("insights.carried")), Bullets(tuple(items)), *_more(w, result.carried_over_count)]
    if result.recurring:
        items = [
            Item(
                w.t(
                    "insights.recurring_item",
                    kind=w.t(f"insights.kind.{g.kind}"),
                    text=g.text,
                    n=len(g.reviews),
                    dates=w.join(fmt.iso(r.review_date) for r in g.reviews),
                )
                + (w.t("paren", text="", inner=w.t("insights.not_learned")) if g.not_yet_learned else "")
                + (w.t("paren", text="", inner=_also_written(w, g.texts)) if len(g.texts) > 1 else ""),
                tone="bad" if g.not_yet_learned else "normal",
            )
            for g in result.recurring[:TOOL_ROWS]
        ]
        blocks += [Heading(w.t("insights.recurring")), Bullets(tuple(items)), *_more(w, result.recurring_count)]
    if result.trends:
        items = [
            Item(
                w.t(
                    "insights.trend_item",
                    project=t.project,
                    metric=t.metric,
                    points=w.t("insights.arrow").join(fmt.percent(p.attainment_rate) for p in t.points),
                )
            )
            for t in result.trends[:TOOL_ROWS]
        ]
        blocks += [Heading(w.t("insights.trends")), Bullets(tuple(items)), *_more(w, result.trend_count)]
    return _render(w, "insights.title", blocks)


def _follow_table(w: Words, rows: Sequence[FollowThrough]) -> Table:
    headers = tuple(w.t(f"insights.col.{k}") for k in ("key", "total", "done", "open", "overdue", "rate"))
    body = tuple(
        (
            row.key or w.t("dash"),
            str(row.total),
            str(row.done),
            str(row.open),
            str(row.overdue),
            w.t("dash") if row.closure_rate is None else fmt.percent(row.closure_rate),
        )
        for row in rows
    )
    return Table(headers, body, short=(1, 2, 3, 4, 5))
