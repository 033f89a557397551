"""The three readings the tools offer, on bytes already loaded. Pure: bytes in, result models out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.domain.compliance import RosterEntry
from fupan_mcp.domain.materials import AuditResult, MetricImportResult, TrackerImportResult
from fupan_mcp.i18n import Language, check_language
from fupan_mcp.materials.audit import audit_document
from fupan_mcp.materials.documents import Document, read_docx, read_markdown_bytes
from fupan_mcp.materials.metrics import localize_notes, read_metrics
from fupan_mcp.materials.tables import Note, TableFormat, Workbook, read_table
from fupan_mcp.materials.trackers import read_tracker

__all__ = ["TABLE_FORMATS", "audit_review", "import_actions", "import_metrics", "list_sheets"]

TABLE_FORMATS: tuple[TableFormat, ...] = ("csv", "tsv", "xlsx")
DOCUMENT_FORMATS = ("markdown", "docx")


def _table_format(format: str) -> TableFormat:
    if format == "tsv":
        return "tsv"
    if format == "xlsx":
        return "xlsx"
    return "csv"


def _workbook_notes(book: Workbook, sheet_name: str, language: Language) -> list[Note]:
    notes = list(book.notes)
    if len(book.sheets) > 1:
        names = ", ".join(sheet.name for sheet in book.sheets)
        notes.append(Note("sheets", {"count": len(book.sheets), "sheets": names, "sheet": sheet_name}))
    return notes


def list_sheets(data: bytes, format: str, language: Language) -> list[str]:
    return [sheet.name for sheet in read_table(data, _table_format(format), language).sheets]


def import_metrics(
    data: bytes, format: str, sheet: str | None = None, language: Language = "zh", compute: bool = False
) -> MetricImportResult:
    """A metrics table read into compute_attainment's `metrics`, and (with ``compute``) its result."""
    language = check_language(language)
    book = read_table(data, _table_format(format), language)
    chosen = book.sheet(sheet, language)
    table = read_metrics(chosen, language)
    notes = localize_notes(_workbook_notes(book, chosen.name, language), language) + table.notes
    attainment = compute_attainment(table.metrics, language) if compute and table.metrics else None
    return MetricImportResult(
        language=language,
        format=book.format,
        sheet=chosen.name if book.format == "xlsx" else None,
        sheets=[s.name for s in book.sheets] if book.format == "xlsx" else [],
        header_rows=[i + 1 for i in table.header.rows],
        columns=table.columns,
        unused_columns=table.unused_columns,
        metrics=table.metrics,
        sources=table.sources,
        problems=table.problems,
        notes=notes,
        attainment=attainment,
    )


def import_actions(
    data: bytes, format: str, sheet: str | None = None, language: Language = "zh"
) -> TrackerImportResult:
    """A tracker export read into action items and risks."""
    language = check_language(language)
    book = read_table(data, _table_format(format), language)
    chosen = book.sheet(sheet, language)
    table = read_tracker(chosen, language)
    notes = localize_notes(_workbook_notes(book, chosen.name, language), language) + table.notes
    return TrackerImportResult(
        language=language,
        format=book.format,
        source=table.source,
        sheet=chosen.name if book.format == "xlsx" else None,
        sheets=[s.name for s in book.sheets] if book.format == "xlsx" else [],
        header_rows=[i + 1 for i in table.header.rows],
        columns=table.columns,
        unused_columns=table.unused_columns,
        actions=table.actions,
        action_sources=table.action_sources,
        risks=table.risks,
        risk_sources=table.risk_sources,
        problems=table.problems,
        notes=notes,
    )


def read_document(data: bytes, format: str, language: Language) -> Document:
    return read_docx(data, language) if format == "docx" else read_markdown_bytes(data, language)


def audit_review(
    data: bytes,
    format: str,
    language: Language = "zh",
    project_type: str | None = None,
    roster: Sequence[RosterEntry] = (),
    review_date: dt.date | None = None,
) -> AuditResult:
    """An existing review (markdown or .docx) audited: sections, figures recomputed, actions, tone."""
    language = check_language(language)
    return audit_document(read_document(data, format, language), language, project_type, roster, review_date)
