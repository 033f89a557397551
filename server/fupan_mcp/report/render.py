"""`render_report`: the whole review as one document, markdown or a self-contained HTML page.

Steps: validate the review; mask personal data in every free-text field (roster names become roles,
phone, ID and card numbers and e-mail addresses are masked); run every analysis on the raw inputs
(`analysis.review.analyze_review`); lay the sections out for the chosen depth (`report.sections`);
render them with a Jinja2 template (one markdown and one HTML template, the words come from
`report.strings`). HTML reports can add inline SVG charts (`report.svg_charts`, no dependency).

Safety: the HTML environment autoescapes everything and the page carries a Content-Security-Policy
that allows no script at all; in markdown, user text is kept on its line, cannot open a block
(heading, list, quote, fence) and cannot carry raw HTML tags; table cells go through `escape_cell`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, get_args

from pydantic import ValidationError

from fupan_mcp.analysis.compliance import mask_text
from fupan_mcp.analysis.review import analyze_review
from fupan_mcp.domain.compliance import RosterEntry
from fupan_mcp.domain.review import Audience, RenderedReport, ReportDepth, ReportFormat, Review, ReviewAnalysis
from fupan_mcp.domain.stored import OpenAction, SeenBefore
from fupan_mcp.errors import InputError, input_error_from
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report.sections import Context, build_document
from fupan_mcp.report.seen_before import index_seen
from fupan_mcp.report.strings import TEXT
from fupan_mcp.report.view import Block, Bullets, Diagram, Document, Heading, Paragraph, Table, Tree

if TYPE_CHECKING:
    import jinja2

__all__ = [
    "BuiltReport",
    "RenderedReport",
    "build_report",
    "default_audience",
    "markdown_blocks",
    "mask_review",
    "render_built",
    "render_report",
]

_TEMPLATES = {"markdown": "report.md.j2", "html": "report.html.j2"}
_LANGUAGES: tuple[Language, ...] = get_args(Language)
_FORMATS: tuple[ReportFormat, ...] = get_args(ReportFormat)
_DEPTHS: tuple[ReportDepth, ...] = get_args(ReportDepth)
_AUDIENCES: tuple[Audience, ...] = get_args(Audience)


def default_audience(format: str) -> Audience:
    """Who a report is for when the caller does not say: a reader for a page or a document (HTML,
    Word), the author for markdown (pasted back into the conversation that writes the review)."""
    return "author" if format == "markdown" else "reader"


_NOT_TEXT = frozenset(
    {
        "id",
        "parent",
        "formula",
        "unit",
        "target",
        "actual",
        "baseline",
        "value",
        "low",
        "high",
        "aggregation",
        "target_aggregation",
        "kind",
        "direction",
        "type",
        "uses",
        "status",
        "priority",
        "likelihood",
        "impact",
        "language",
        "root",
        "method",
        "order",
        "template",
        "project_type",
        "yellow_threshold",
        "red_threshold",
        "roster",
        "at",
        "ticket",
        "severity",
        "severity_scale",
        "timezone",
    }
)
"""Keys whose strings are identifiers, codes or figures, never prose: masking leaves them alone."""
_FOLLOW_UP_TEXT = frozenset(
    {"action", "owner", "addresses", "success_metric", "status_reason", "evidence", "review_title", "project"}
)
"""Free-text fields of an earlier action (`OpenAction`) that masking covers."""
_MAY_HOLD_PATTERN_PII = re.compile(r"[0-9０-９@＠]")
"""Phone, ID and card numbers need digits, e-mail needs '@': text without them needs no pattern scan."""


# --------------------------------------------------------------------------- input


def _check_choice(field: str, value: object, allowed: Sequence[str]) -> None:
    if value not in allowed:
        shown = ", ".join(allowed)
        raise InputError(field, f"应为以下之一：{shown}；收到 {value!r} / must be one of {shown}, got {value!r}")


def _as_review(review: Review | Mapping[str, Any]) -> Review:
    if isinstance(review, Review):
        return review
    try:
        return Review.model_validate(review)
    except ValidationError as error:
        raise input_error_from(error, "review") from None


def _as_roster(roster: Sequence[RosterEntry | Mapping[str, Any]] | None) -> list[RosterEntry]:
    entries: list[RosterEntry] = []
    for index, entry in enumerate(roster or ()):
        try:
            entries.append(entry if isinstance(entry, RosterEntry) else RosterEntry.model_validate(entry))
        except ValidationError as error:
            raise InputError(f"roster[{index}]", error.errors()[0]["msg"]) from None
    return entries


# --------------------------------------------------------------------------- masking


def mask_review(review: Review, roster: Sequence[RosterEntry], language: Language) -> tuple[Review, int]:
    """The review with personal data masked in every free-text field, and how many items were masked."""
    counter = [0]
    masker = _masker(roster, language, counter)
    data = review.model_dump(mode="python", exclude={"roster"})
    masked = _walk(data, masker)
    if counter[0] == 0:
        return review, 0
    assert isinstance(masked, dict)
    masked["roster"] = review.roster
    return Review.model_validate(masked), counter[0]


def _mask_follow_up(
    actions: tuple[OpenAction, ...], roster: Sequence[RosterEntry], language: Language
) -> tuple[tuple[OpenAction, ...], int]:
    """Earlier actions with personal data masked in their free text, and how many items were masked."""
    counter = [0]
    masker = _masker(roster, language, counter)
    masked = []
    for action in actions:
        data = action.model_dump(mode="python")
        text = {k: masker(v) for k, v in data.items() if k in _FOLLOW_UP_TEXT and isinstance(v, str)}
        masked.append(action.model_copy(update=text))
    return tuple(masked), counter[0]


def _masker(roster: Sequence[RosterEntry], language: Language, counter: list[int]) -> Callable[[str], str]:
    def mask(text: str) -> str:
        if not roster and not _MAY_HOLD_PATTERN_PII.search(text):
            return text
        masked, hits = mask_text(text, roster, language)
        counter[0] += len(hits)
        return masked

    return mask


def _walk(value: object, mask: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {k: v if k in _NOT_TEXT else _walk(v, mask) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(item, mask) for item in value]
    return value


# --------------------------------------------------------------------------- templates

_BLOCK_START = re.compile(r"^(?:#|>|[-+*](?:\s|$)|=+\s*$|(?:[-*_][ \t]*){3,}$|`{3}|~{3}|\|)")
"""What would open a block if a line started with it: heading, quote, list, rule, fence, table."""
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


_CELL_ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "\r": " ", "\n": " "})


def escape_cell(text: object) -> str:
    """Make a value safe inside a markdown table cell."""
    cell = str(text)
    if "\\" in cell or "|" in cell or "\r" in cell or "\n" in cell:  # a dict-table translate walks every
        return cell.translate(_CELL_ESCAPES)  # character in Python's slow path: most cells need none
    return cell


_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")
"""A '<' that could open raw HTML in markdown (a tag, a comment, a declaration); '<99.5%' cannot."""


_LINK = re.compile(r"(?<!\\)\[([^\[\]\n]*)\]\(\s*<?([^\s)>]*)")
"""An inline link ``[text](destination``; the destination decides whether it stays a link."""
_SAFE_SCHEME = re.compile(r"(?i)(?:https?://|mailto:)")
_DEFINITION = re.compile(r"^(\s{0,3})\[(?=[^\]\n]*\]:)")
"""A link reference definition ``[ref]: url`` at the start of a line."""


def _safe_links(text: str) -> str:
    """No images at all (``![..]`` is shown as text, so no remote image is ever fetched); links only to
    http(s) and mailto (``javascript:``, ``data:``, ``file:``, relative and entity-obfuscated
    destinations are shown as text); no reference definitions (which could point anywhere)."""
    if "[" not in text:  # every rule below needs a '['; most cells have none (a 10,000-row table's hot path)
        return text
    text = text.replace("![", "!\\[")

    def link(match: re.Match[str]) -> str:
        return match.group(0) if _SAFE_SCHEME.match(match.group(2)) else "\\" + match.group(0)

    return _DEFINITION.sub(r"\1\\[", _LINK.sub(link, text))


def _no_tags(text: str) -> str:
    return _safe_links(_TAG_OPEN.sub("&lt;", text) if "<" in text else text)


_INLINE_CHANGES = re.compile(r"[<\[]|[^\S ]|  |^ | $")
"""What `md_inline` would change before its block checks: a '<' or '[' it checks, whitespace that is not
one inner space."""


def md_inline(value: object) -> str:
    """User text inside a markdown line: one line, no raw HTML tag, no block marker at its start."""
    text = value if isinstance(value, str) else str(value)
    if _INLINE_CHANGES.search(text) is not None:
        text = _no_tags(" ".join(text.split()))
    return _line_start(text)


def _line_start(text: str) -> str:
    """``text`` unable to open a block or an ordered list at the start of its line."""
    if _BLOCK_START.match(text):
        return "\\" + text
    ordered = _ORDERED_START.match(text) if text[:1].isdigit() else None  # most lines start otherwise
    return text if ordered is None else f"{ordered[1]}\\{ordered[2]}{text[ordered.end() :]}"


def md_paragraph(value: object) -> str:
    """User text as markdown paragraphs: each line kept, each made safe like `md_inline`."""
    lines = [md_inline(line) for line in str(value).splitlines() if line.strip()]
    return "\n\n".join(lines)


_CELL_CHANGES = re.compile(r"[\\|<\[]|[^\S ]|  |^ | $")
"""What `md_cell` would change: a character it escapes or checks, whitespace that is not one inner space."""


def md_cell(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    if _CELL_CHANGES.search(text) is None:  # most cells: nothing to escape, already one line
        return text
    return _no_tags(escape_cell(" ".join(text.split())))


def md_row(cells: Sequence[object]) -> str:
    return "| " + " | ".join(md_cell(cell) for cell in cells) + " |"


_CELL_END, _ROW_END = "\x00", "\x01"
"""Separators of `md_rows`' one string: neither is whitespace nor touched by any cell rule."""


def md_rows(rows: Sequence[Sequence[object]]) -> str:
    """``md_row`` of every row, one line each (no trailing newline), made in one pass over one string.

    Why: a 10,000-row table is 80,000 cells; folding spaces, escaping and tag-breaking them one by one
    was most of a tool's text. Every cell rule is local to a cell (the separators are no whitespace,
    no tag character, no escape), so it runs once over the joined table; a table with a '[' (a link
    rule looks at a cell's start), an empty row or a separator inside a cell goes row by row."""
    if not rows:
        return ""
    try:  # cells are text as a rule (str, no subclass of ours writes itself otherwise): joined as they are,
        # without a str() and a generator for every row (0.46 of a 1,000-row attainment table's 1.3 ms)
        joined = _ROW_END.join([_CELL_END.join(row) for row in rows])  # type: ignore[arg-type]
    except TypeError:  # a number or another object among them: each written by str(), as md_cell does
        joined = _ROW_END.join(_CELL_END.join(str(cell) for cell in row) for row in rows)
    separators = sum(len(row) for row in rows) - 1
    if not all(rows) or "[" in joined or joined.count(_CELL_END) + joined.count(_ROW_END) != separators:
        return "\n".join(md_row(row) for row in rows)
    text = " ".join(joined.split())  # whitespace runs folded (split's whitespace is the regex \s)
    for end in (_CELL_END, _ROW_END):
        text = text.replace(" " + end, end).replace(end + " ", end)
    # `_CELL_ESCAPES` with no whitespace left to fold: two C replaces, not a translate through a dict
    # table (about 40x slower on Chinese text, the most of a small table's rendering)
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "|" in text:
        text = text.replace("|", "\\|")
    if "<" in text:
        text = _TAG_OPEN.sub("&lt;", text)
    return "| " + text.replace(_CELL_END, " | ").replace(_ROW_END, " |\n| ") + " |"


_LINE_STARTS = frozenset("#>-+*=_`~|0123456789")
"""First characters `md_inline`'s block and ordered-list rules can act on."""


def _md_item(value: object) -> str:
    """`md_inline`, without its two start-of-line rules for text that cannot trigger them."""
    text = _no_tags(" ".join(str(value).split()))
    return text if text[:1] not in _LINE_STARTS else _line_start(text)


def md_block(b: Block, colon: str) -> str:
    """One block as markdown: a heading, a paragraph, a list, a table, a tree, a diagram.

    The one markdown layout of a block, for the report (`report.md.j2`) and each tool's text
    (`markdown_blocks`); every string arrives final and is only made safe here."""
    kind = b.kind
    if kind == "heading":
        assert isinstance(b, Heading)
        return f"### {md_inline(b.text)}\n"
    if kind == "paragraph":
        assert isinstance(b, Paragraph)
        return f"{md_paragraph(b.text)}\n"
    if kind == "list":
        assert isinstance(b, Bullets)
        marker = "1." if b.ordered else "-"
        lines: list[str] = []
        for item in b.items:
            label = f"**{md_inline(item.label)}**{colon if item.text else ''}" if item.label else ""
            lines.append(f"{marker} {label}{_md_item(item.text)}\n")
            if item.children:  # most items have none: no generator made for nothing (a statement list's)
                lines.extend(f"  - {md_inline(child)}\n" for child in item.children)
        return "".join(lines)
    if kind == "table":
        assert isinstance(b, Table)
        body = md_rows(b.rows) + "\n" if b.rows else ""
        return f"{md_row(b.headers)}\n{md_rule(b.headers)}\n{body}"
    if kind == "tree":
        assert isinstance(b, Tree)
        texts = _inline_lines([line.text for line in b.lines])
        return "".join(f"{'  ' * line.depth}- {text}\n" for line, text in zip(b.lines, texts, strict=True))
    if kind == "diagram":
        assert isinstance(b, Diagram)
        return f"**{md_inline(b.caption)}**\n\n```{b.language}\n{b.source}\n```\n"
    return ""


def _inline_lines(texts: list[str]) -> list[str]:
    """`md_inline` of each text, its whitespace and tag checks made in one pass over all of them.

    Why: a 10,000-node KPI tree is 10,000 lines, a regex search each. Joined with a separator that is no
    whitespace and that no rule acts on, the texts need nothing but their line-start rule when the one
    search finds nothing and no text starts or ends with a space; else each is made safe on its own."""
    joined = _CELL_END.join(texts)
    if (
        joined.count(_CELL_END) != len(texts) - 1
        or not (_plainly_inline(joined) or _INLINE_CHANGES.search(joined) is None)
        or f" {_CELL_END}" in joined
        or f"{_CELL_END} " in joined
    ):
        return [md_inline(text) for text in texts]
    return [_line_start(text) if text[:1] in _LINE_STARTS or text[:1].isdigit() else text for text in texts]


def _plainly_inline(joined: str) -> bool:
    """True when `_INLINE_CHANGES` cannot match ``joined`` (texts joined by `_CELL_END`), by C string tests.

    Why: that regex has no literal to skip to, so its search tries every position: 8 ms of a 1,000-node
    tree's 18 ms of markdown. Every whitespace but the space is unprintable, so printable text (the
    separators taken out) has none; False only sends the texts to the regex after all."""
    return (
        "<" not in joined
        and "[" not in joined
        and "  " not in joined
        and joined[:1] != " "
        and joined[-1:] != " "
        and joined.replace(_CELL_END, "").isprintable()
    )


def md_rule(cells: Sequence[object]) -> str:
    return "|" + "|".join("---" for _ in cells) + "|"


def _load_template(name: str) -> tuple[str, str, Callable[[], bool]]:
    source = resources.files(__package__).joinpath("templates").joinpath(name).read_text(encoding="utf-8")
    return source, name, lambda: True


@functools.lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    """One cached environment per output kind; HTML autoescapes everything."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load_template),
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.filters.update(md=md_inline, md_para=md_paragraph, md_row=md_row, md_rule=md_rule, md_block=md_block)
    return environment


_BLANK_RUNS = re.compile(r"\n{3,}")


def _render(format: ReportFormat, **context: object) -> str:
    template = _environment(format == "html").get_template(_TEMPLATES[format])
    content = template.render(**context)
    return _BLANK_RUNS.sub("\n\n", content) if format == "markdown" else content


def markdown_blocks(blocks: Sequence[Block], colon: str) -> str:
    """Blocks as markdown, as the report's sections render them (a tool's text, `report.tool_text`)."""
    return joined_blocks([md_block(b, colon) for b in blocks])


def joined_blocks(texts: Sequence[str]) -> str:
    """Markdown blocks one blank line apart, runs of blank lines as one, the whole stripped, one newline
    at its end: ``_BLANK_RUNS.sub("\\n\\n", "".join(t + "\\n\\n" for t in texts)).strip() + "\\n"``.

    Why not that: every block ends with a newline, so the joined text always had a run of three at each
    seam and the regex always ran over all of it (0.7 ms of a 1,000-metric attainment text). A seam's
    run, whatever its length, becomes one blank line, and a block of newlines alone joins two seams into
    one: so each block loses its own newlines at both ends and the seams are written as one blank line;
    only a block with a run inside it is passed through the regex."""
    kept: list[str] = []
    for text in texts:
        text = text.strip("\n")
        if not text:
            continue
        kept.append(_BLANK_RUNS.sub("\n\n", text) if "\n\n\n" in text else text)
    return "\n\n".join(kept).strip() + "\n"


# --------------------------------------------------------------------------- the entry point


@dataclass(frozen=True)
class BuiltReport:
    """A report before rendering: what the templates, the charts and the Word export all start from.

    ``review`` is the review as reported (personal data masked when asked), ``analysis`` every
    figure computed from it, ``document`` the sections laid out for the depth.
    """

    review: Review
    analysis: ReviewAnalysis
    document: Document
    depth: ReportDepth
    language: Language
    title: str
    summary: str
    masked_count: int
    audience: Audience = "reader"

    def result(self, format: ReportFormat, content: str) -> RenderedReport:
        """The `RenderedReport` for ``content`` rendered from this report."""
        return RenderedReport(
            format=format,
            depth=self.depth,
            language=self.language,
            title=self.title,
            content=content,
            sections=[section.id for section in self.document.sections],
            summary=self.summary,
            data_gaps=self.analysis.data_gaps,
            findings=self.analysis.counts,
            failed_sections=self.analysis.failed_sections,
            masked_count=self.masked_count,
            timeline=self.analysis.timeline,
            severity=self.analysis.severity,
            audience=self.audience,
        )


def render_report(
    review: Review | Mapping[str, Any],
    format: ReportFormat = "markdown",
    depth: ReportDepth = "standard",
    language: Language | None = None,
    mask_personal_data: bool = True,
    roster: Sequence[RosterEntry | Mapping[str, Any]] | None = None,
    *,
    follow_up: Sequence[OpenAction] = (),
    today: dt.date | None = None,
    charts: bool = False,
    audience: Audience | None = None,
    seen_before: Sequence[SeenBefore] = (),
) -> RenderedReport:
    """Render the whole review; every figure in it is computed here from the review's raw inputs.

    ``language`` defaults to the review's language, then Chinese. With ``mask_personal_data`` (the
    default) every free-text field is masked before anything else sees it, using the review's roster
    plus ``roster``. ``follow_up`` are the open actions of earlier reviews of the project (from the
    store); they get their own section, and overdue ones a finding. ``seen_before`` are the problems
    and root causes earlier reviews already recorded (from the store): a note under each. Raises
    `InputError` for a review that does not validate or an unknown option; problems inside one section
    become findings, and the rest of the report is still rendered.

    With ``charts`` (the MCP tools turn it on), HTML reports carry inline SVG charts (attainment, KPI
    contributions, SWOT, action timeline; our own SVG, no optional dependency); overdue actions
    are counted as of the review's date (``today`` only for a review without one). Markdown keeps its Mermaid diagrams.

    ``audience``: 'reader' (a document for management: no finding codes, paths or lint tables, the
    checks become open questions in the appendix) or 'author' (every finding, with its code and
    place). Default: reader for HTML, author for markdown (`default_audience`).
    """
    _check_choice("format", format, _FORMATS)
    chosen = audience or default_audience(format)
    built = build_report(
        review,
        depth,
        language,
        mask_personal_data,
        roster,
        follow_up=follow_up,
        audience=chosen,
        today=today,
        seen_before=seen_before,
    )
    return render_built(built, format, today=today, charts=charts)


def render_built(
    built: BuiltReport, format: ReportFormat = "markdown", *, today: dt.date | None = None, charts: bool = False
) -> RenderedReport:
    """Render a report `build_report` laid out (see `render_report`)."""
    _check_choice("format", format, _FORMATS)
    figures = _html_charts(built, today) if format == "html" and charts else {}
    return built.result(format, _render(format, doc=built.document, charts=figures))


def build_report(
    review: Review | Mapping[str, Any],
    depth: ReportDepth = "standard",
    language: Language | None = None,
    mask_personal_data: bool = True,
    roster: Sequence[RosterEntry | Mapping[str, Any]] | None = None,
    *,
    follow_up: Sequence[OpenAction] = (),
    audience: Audience = "reader",
    today: dt.date | None = None,
    seen_before: Sequence[SeenBefore] = (),
) -> BuiltReport:
    """Validate, mask and analyse the review and lay its sections out; `render_report` without rendering.

    ``today`` is the fallback reference date for overdue actions when the review has no date;
    ``seen_before`` the problems and root causes earlier reviews recorded (`report.seen_before`)."""
    _check_choice("depth", depth, _DEPTHS)
    _check_choice("audience", audience, _AUDIENCES)
    checked = _as_review(review)
    lang: Language = language or checked.language or "zh"
    _check_choice("language", lang, _LANGUAGES)
    extra_roster = _as_roster(roster)
    masked_count = 0
    carried = tuple(follow_up)
    note_mask: Callable[[str], str] = str
    if mask_personal_data:
        people = [*checked.roster, *extra_roster]
        checked, masked_count = mask_review(checked, people, lang)
        carried, masked_in_follow_up = _mask_follow_up(carried, people, lang)
        masked_count += masked_in_follow_up
        note_mask = _masker(people, lang, [0])  # the notes repeat the review's items: not counted again
    analysis = analyze_review(checked, lang, carried, today=today)
    ctx = Context(
        review=checked,
        analysis=analysis,
        language=lang,
        depth=depth,
        audience=audience,
        masked_count=masked_count,
        follow_up=carried,
        today=today,
        seen=index_seen(seen_before, note_mask) if seen_before else {},
    )
    title = checked.title or tr(TEXT, "title", lang, project=checked.project)
    summary = _summary(ctx)
    document = build_document(ctx, title, summary)
    return BuiltReport(checked, analysis, document, depth, lang, title, summary, masked_count, audience)


@dataclass(frozen=True)
class _Figure:
    svg: object
    """Markup: our own SVG, checked by `charts.inline_svg`; the template inserts it as is."""
    caption: str


def _html_charts(built: BuiltReport, today: dt.date | None) -> dict[str, list[_Figure]]:
    """Inline SVG charts by section id: our own markup, no optional dependency and no lock."""
    from markupsafe import Markup

    from fupan_mcp.report import charts

    figures: dict[str, list[_Figure]] = {}
    for chart in charts.review_charts(built.analysis, built.review, "svg", language=built.language, today=today):
        assert isinstance(chart.data, str)
        try:
            svg = charts.inline_svg(chart.data, chart.caption)
        except (ValueError, SyntaxError):  # pragma: no cover - our charts write no active content
            continue
        figures.setdefault(chart.section, []).append(_Figure(Markup(svg), chart.caption))
    return figures


def _summary(ctx: Context) -> str:
    analysis = ctx.analysis
    parts: list[str] = []
    if analysis.attainment is not None:
        s = analysis.attainment.summary
        parts.append(
            ctx.t(
                "summary.metrics",
                total=s.total,
                achieved=s.achieved,
                not_achieved=s.not_achieved,
                needs_verification=s.needs_verification,
                not_evaluable=s.not_evaluable,
            )
        )
    else:
        parts.append(ctx.t("summary.no_metrics"))
    if analysis.actions is not None:
        counts = analysis.actions.counts
        parts.append(ctx.t("summary.actions", total=counts.total, complete=counts.complete))
    parts.append(ctx.t("summary.gaps", n=len(analysis.data_gaps)))
    if ctx.author:
        parts.append(ctx.t("summary.findings", **analysis.counts.model_dump()))
    else:
        questions = {(f.section, f.message) for f in analysis.findings if f.severity != "info"}
        questions -= {(f.section, f.message) for f in analysis.findings if f.code == "section_failed"}
        if questions:
            parts.append(ctx.t("summary.questions", n=len(questions)))
    if analysis.failed_sections:
        names = ctx.join(ctx.t(f"section.{s}") for s in analysis.failed_sections)
        parts.append(ctx.t("summary.failed", sections=names))
    if ctx.masked_count:
        parts.append(ctx.t("summary.masked", n=ctx.masked_count))
    return ctx.t("clause_sep").join(parts) + ctx.t("full_stop")
