"""The report tools: render a review's report (returned in the call) or export it to a file, and the
renderers they share with the review resources of the shell.

The renderers import Jinja2, the section builders and the charts on first use, so the server starts light.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, Literal

from mcp.server.apps import client_supports_apps
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ResourceLink, TextContent
from pydantic import Field

from fupan_mcp import ui, workspace
from fupan_mcp.domain.common import IdStr
from fupan_mcp.domain.review import Audience, RenderedReport, Review
from fupan_mcp.domain.stored import OpenAction, SeenBefore
from fupan_mcp.errors import MissingExtra
from fupan_mcp.i18n import Language, tr
from fupan_mcp.limits import MAX_FILENAME_CHARS
from fupan_mcp.services import Services
from fupan_mcp.tools.args import AUDIENCE_TEXT, REVIEW_ARG_TEXT, REVIEW_KEYS, AudienceArg, ReportLanguageArg
from fupan_mcp.tools.calls import chart_images, run_core, tool_result
from fupan_mcp.workspace import Exported

if TYPE_CHECKING:
    from fupan_mcp.report.render import BuiltReport

Format = Literal["markdown", "html"]
ExportFormat = Literal["markdown", "html", "docx"]
Depth = Literal["brief", "standard", "full"]

EXPORT_TYPES: dict[str, tuple[str, str]] = {
    "markdown": (".md", "text/markdown"),
    "html": (".html", "text/html"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
"""Export format -> file suffix and MIME type (also the `fupan://exports/{name}.<suffix>` resources)."""


def render_review(
    review: Review,
    format: Format,
    depth: Depth,
    language: Language | None,
    mask_personal_data: bool,
    *,
    follow_up: Sequence[OpenAction] = (),
    seen_before: Sequence[SeenBefore] = (),
) -> RenderedReport:
    """The report renderer, imported on first use (Jinja2 and the section builders are not light)."""
    from fupan_mcp.report.render import render_report

    return render_report(
        review, format, depth, language, mask_personal_data, follow_up=follow_up, seen_before=seen_before
    )


def build_review_report(
    review: Review,
    depth: Depth,
    language: Language | None,
    mask_personal_data: bool,
    follow_up: Sequence[OpenAction],
    audience: Audience = "reader",
    today: dt.date | None = None,
    seen_before: Sequence[SeenBefore] = (),
) -> BuiltReport:
    """The laid-out report (for rendering, the charts, the app view and Word), imported on first use.

    Overdue is counted as of the review's date; ``today`` is the fallback for a review without one."""
    from fupan_mcp.report.render import build_report

    return build_report(
        review,
        depth,
        language,
        mask_personal_data,
        follow_up=follow_up,
        audience=audience,
        today=today,
        seen_before=seen_before,
    )


def render_built_report(built: BuiltReport, format: Format, today: dt.date) -> RenderedReport:
    from fupan_mcp.report.render import render_built

    return render_built(built, format, today=today, charts=True)


def _review_pngs(built: BuiltReport, today: dt.date) -> list[bytes]:
    from fupan_mcp.report import charts

    found = charts.review_charts(built.analysis, built.review, "png", language=built.language, today=today)
    return [chart.data for chart in found if isinstance(chart.data, bytes)]


def render_report(
    services: Services,
    review: Annotated[
        dict[str, Any] | None,
        Field(
            max_length=REVIEW_KEYS, description=REVIEW_ARG_TEXT + " Omit it to render the stored review `review_id`."
        ),
    ] = None,
    review_id: Annotated[
        IdStr | None,
        Field(description="A stored review; with `review`, that is saved into it first."),
    ] = None,
    format: Format = "markdown",
    depth: Depth = "standard",
    mask_personal_data: Annotated[bool, Field(description="Mask personal data and roster names.")] = True,
    language: ReportLanguageArg = None,
    audience: AudienceArg = None,
    *,
    ctx: Context[Any, Any],
) -> Annotated[CallToolResult, RenderedReport]:
    """Render the complete 复盘 report, every figure computed from the raw inputs, ending with the data gaps.

    HTML carries
    inline SVG charts; with depth 'full', PNG charts also follow the text (the PNGs need the
    `export` extra)."""
    if review is None and review_id is None:
        from fupan_mcp.report.shell import SHELL_TEXT

        languages: tuple[Language, ...] = ("zh", "en") if language is None else (language,)
        raise ToolError(" / ".join(tr(SHELL_TEXT, "review_missing", lang) for lang in languages))
    data = review
    document_in = None if data is None else run_core(lambda: workspace.validate_review(data, "review"))
    if review_id is not None:
        if document_in is not None:
            saved = document_in
            run_core(lambda: workspace.save_review(services.store, review_id, saved))
        document = run_core(lambda: workspace.load_review(services.store, review_id))
        follow_up = run_core(lambda: workspace.earlier_open_actions(services.store, review_id))
        seen = run_core(lambda: workspace.report_seen_before(services.store, review_id, mask_personal_data))
    else:
        assert document_in is not None
        document, follow_up, seen = document_in, [], []
    today = dt.date.today()  # only the fallback for a review without a date: overdue is as of the review
    reader = audience or ("author" if format == "markdown" else "reader")
    built = run_core(
        lambda: build_review_report(document, depth, language, mask_personal_data, follow_up, reader, today, seen)
    )
    result = run_core(lambda: render_built_report(built, format, today))
    out = tool_result(result, result.content)
    if depth == "full":
        out.content.extend(chart_images(lambda: _review_pngs(built, today)))
    if client_supports_apps(ctx):  # the view's data: for the app only, the model never reads _meta
        out.meta = {ui.VIEW_META_KEY: ui.review_view(built, today)}
    return out


def export_report(
    services: Services,
    review_id: Annotated[IdStr, Field(description="The stored review to export.")],
    format: Annotated[
        ExportFormat,
        Field(
            description="html prints to PDF; docx (Word) needs the `export` extra. "
            "HTML is self-contained with charts; docx has tables and charts."
        ),
    ] = "html",
    depth: Depth = "full",
    filename: Annotated[
        str | None,
        Field(max_length=MAX_FILENAME_CHARS, description="File name in the output directory; default from the title."),
    ] = None,
    language: ReportLanguageArg = None,
    audience: Annotated[
        Audience,
        Field(description=AUDIENCE_TEXT),
    ] = "reader",
    overwrite: Annotated[bool, Field(description="Replace an existing file of that name (else an error).")] = False,
) -> Annotated[CallToolResult, Exported]:
    """Write a stored review's report to a file in the output directory; returns its path and
    `fupan://exports/...` link."""
    today = dt.date.today()  # only the fallback: a stored review has a date, overdue is as of it
    document = run_core(lambda: workspace.load_review(services.store, review_id))
    follow_up = run_core(lambda: workspace.earlier_open_actions(services.store, review_id))
    seen = run_core(lambda: workspace.report_seen_before(services.store, review_id))
    built = run_core(lambda: build_review_report(document, depth, language, True, follow_up, audience, today, seen))
    content: str | bytes
    if format == "docx":
        from fupan_mcp.report.docx import review_docx

        try:
            content = review_docx(built, today=today)
        except MissingExtra as error:
            raise ToolError(f"format: {error}") from error
    else:
        content = run_core(lambda: render_built_report(built, format, today)).content
    suffix, mime = EXPORT_TYPES[format]
    root = services.settings.output_dir
    path, relative = run_core(
        lambda: workspace.write_export(root, filename or review_id, suffix, content, overwrite=overwrite)
    )
    uri = "fupan://exports/" + urllib.parse.quote(relative, safe="/")
    size = len(content if isinstance(content, bytes) else content.encode("utf-8"))
    exported = Exported(review_id=review_id, path=str(path), format=format, bytes=size, uri=uri)
    link = ResourceLink(
        type="resource_link", uri=uri, name=path.name, title=built.title, mime_type=mime, size=exported.bytes
    )
    return CallToolResult(
        content=[TextContent(type="text", text=exported.model_dump_json(indent=2)), link],
        structured_content=exported.model_dump(mode="json"),
    )
