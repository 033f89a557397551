"""The material tools: metric sheets, tracker exports and written reviews as they come, read by the server
from a file it may read or from content given inline."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import anyio
from mcp.types import CallToolResult
from pydantic import Field

from fupan_mcp import workspace
from fupan_mcp.domain.common import IdStr, NameStr
from fupan_mcp.domain.compliance import Roster
from fupan_mcp.domain.dates import BoundedDate
from fupan_mcp.domain.materials import AuditResult, MetricImportResult, TrackerImportResult
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language
from fupan_mcp.services import Services
from fupan_mcp.store.base import StoreError
from fupan_mcp.tools.args import LanguageArg, MaterialPathArg, MaterialSheetArg
from fupan_mcp.tools.calls import check_review, not_saved_note, run_core, tool_result


def load_material(
    services: Services,
    path: str | None,
    content: str | None,
    format: str | None,
    kind: Literal["table", "document"],
    language: Language,
) -> tuple[bytes, str]:
    """The file's bytes and format, read only from the directories the settings allow (`safefs`)."""
    from fupan_mcp.materials.files import load_material as read

    choices = ("csv", "tsv", "xlsx") if kind == "table" else ("markdown", "docx")
    return run_core(
        lambda: read(
            path=path,
            content=content,
            format=format,
            allowed=services.settings.readable_dirs(),
            kind=kind,
            choices=choices,
            language=language,
        )
    )


async def import_metrics(
    services: Services,
    path: MaterialPathArg = None,
    content: Annotated[
        str | None,
        Field(
            max_length=30_000_000,
            description="Inline: CSV/TSV or a pasted markdown/aligned table; base64 XLSX.",
        ),
    ] = None,
    format: Annotated[
        Literal["csv", "tsv", "xlsx"] | None, Field(description="Default: from the file name, else csv.")
    ] = None,
    sheet: MaterialSheetArg = None,
    compute: Annotated[bool, Field(description="Also run compute_attainment on the imported metrics.")] = False,
    review_id: Annotated[
        IdStr | None,
        Field(description="Save metrics and attainment into this review; implies compute."),
    ] = None,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, MetricImportResult]:
    """Read a table of metrics (CSV, TSV, XLSX) into compute_attainment's `metrics`, without retyping.

    Columns are found by their headers in Chinese or English (指标/关键结果/metric, 目标/target,
    实际/完成/当前/actual/current, 基线/上期/去年同期/起始值/baseline/start, 单位/unit, 口径/aggregation, 权重/weight,
    维度/dimension, 备注/note), below a title row and over merged two-row headers; a markdown table or one
    aligned with blanks (copied from a web page or a PDF) is read as pasted. Numbers, percents formatted in
    the sheet, 万/亿, thousands separators and full-width digits keep their meaning; a footnote mark (12.3¹)
    is taken off and said, a decimal comma (1.234,5) is read only where the sheet leaves no doubt. Formulas
    are read as their cached values. Cells that cannot be read are listed by row and column, the other rows
    still imported; columns not used are listed.
    """

    def work() -> CallToolResult:
        from fupan_mcp.materials.api import import_metrics as read
        from fupan_mcp.report.materials import metrics_text

        check_review(services, review_id)
        data, chosen = load_material(services, path, content, format, "table", language)
        result = run_core(lambda: read(data, chosen, sheet, language, compute or review_id is not None))
        text = metrics_text(result, language)
        if review_id is not None and result.attainment is not None:
            try:
                workspace.save_tool_run(
                    services.store,
                    review_id,
                    "metrics",
                    workspace.to_jsonable(result.metrics),
                    "compute_attainment",
                    result.attainment,
                )
                result = result.model_copy(update={"saved_to": review_id})
                text = metrics_text(result, language)
            except (InputError, StoreError) as error:
                text += not_saved_note(review_id, error)
        return tool_result(result, text)

    return await anyio.to_thread.run_sync(work)


async def import_actions(
    services: Services,
    path: MaterialPathArg = None,
    content: Annotated[
        str | None,
        Field(
            max_length=30_000_000,
            description="Inline: CSV/TSV or a pasted markdown table; base64 for XLSX.",
        ),
    ] = None,
    format: Annotated[
        Literal["csv", "tsv", "xlsx"] | None, Field(description="Default: from the file name, else csv.")
    ] = None,
    sheet: MaterialSheetArg = None,
    review_id: Annotated[
        IdStr | None,
        Field(description="Add the actions and risks to this stored review."),
    ] = None,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, TrackerImportResult]:
    """Read a Jira, Linear or GitHub issues export (CSV) into action items and risks.

    Owner, due, status (已完成/进行中/✅/WIP/blocked...), priority and ticket are read; rows typed or labelled
    as risks become risks. Unknown columns are listed, not dropped; ambiguous, relative (下周五) or
    incomplete (6月底, Q3) dates and unknown statuses are reported by row and column, never guessed."""

    def work() -> CallToolResult:
        from fupan_mcp.materials.api import import_actions as read
        from fupan_mcp.report.materials import tracker_text

        check_review(services, review_id)
        data, chosen = load_material(services, path, content, format, "table", language)
        result = run_core(lambda: read(data, chosen, sheet, language))
        text = tracker_text(result, language)
        if review_id is not None and (result.actions or result.risks):
            try:
                changes: dict[str, Any] = {}
                if result.actions:
                    changes["actions"] = workspace.to_jsonable(result.actions)
                if result.risks:
                    existing = workspace.load_review(services.store, review_id).risks
                    known = {risk.risk for risk in existing}
                    added = [risk for risk in result.risks if risk.risk not in known]
                    changes["risks"] = workspace.to_jsonable([*existing, *added])
                workspace.update_review(services.store, review_id, changes)
                result = result.model_copy(update={"saved_to": review_id})
                text = tracker_text(result, language)
            except (InputError, StoreError) as error:
                text += not_saved_note(review_id, error)
        return tool_result(result, text)

    return await anyio.to_thread.run_sync(work)


async def audit_review(
    services: Services,
    path: MaterialPathArg = None,
    content: Annotated[
        str | None,
        Field(
            max_length=30_000_000,
            description="The document inline: markdown text, or base64 for .docx.",
        ),
    ] = None,
    format: Annotated[
        Literal["markdown", "docx"] | None, Field(description="Default: from the file name, else markdown.")
    ] = None,
    project_type: Annotated[
        NameStr | None,
        Field(
            description="Its checklist applies; a catalog key or label, e.g. marketing_campaign. "
            "Default: the core sections."
        ),
    ] = None,
    roster: Annotated[Roster | None, Field(description="Names that count as personal data.")] = None,
    review_date: Annotated[
        BoundedDate | None, Field(description="Date of the review; due dates must come after it.")
    ] = None,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, AuditResult]:
    """Audit a written review (markdown or .docx): recompute figures such as
    "目标2000万，实际1800万，完成率95%"; report disagreeing rates, missing sections, actions without owner or
    date, blame and personal data.

    Sections are found by their headings, figures in tables and sentences; a .docx may come from Word, Feishu,
    WPS or Confluence. What it cannot read is listed, not guessed."""

    def work() -> CallToolResult:
        from fupan_mcp.materials.api import audit_review as audit
        from fupan_mcp.report.materials import audit_text

        data, chosen = load_material(services, path, content, format, "document", language)
        result = run_core(lambda: audit(data, chosen, language, project_type, roster or (), review_date))
        return tool_result(result, audit_text(result, language))

    return await anyio.to_thread.run_sync(work)
