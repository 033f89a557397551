"""Materials as they come: what `import_metrics`, `import_actions` and `audit_review` return.

A spreadsheet, a tracker export or a review someone already wrote is read by the server itself, so that no
figure is retyped by the model. Every model here is plain data with codes and localized messages: what
was read, where it came from (sheet, row, column), and what could not be read, listed as such.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from fupan_mcp.domain.actions import ActionItem, Risk
from fupan_mcp.domain.attainment import AttainmentResult, MetricInput, MetricResult, Status
from fupan_mcp.domain.common import Finding, Language, SeverityCounts

__all__ = [
    "AuditFinding",
    "AuditMetric",
    "AuditResult",
    "AuditSection",
    "CellProblem",
    "ColumnMapping",
    "ImportedAction",
    "ImportedMetric",
    "ImportedRisk",
    "MaterialFormat",
    "MaterialNote",
    "MetricImportResult",
    "MissingSection",
    "TrackerImportResult",
    "TrackerSource",
    "Unreadable",
]

MaterialFormat = Literal["csv", "tsv", "xlsx", "markdown", "docx"]
TrackerSource = Literal["jira", "linear", "github", "generic"]


class MaterialNote(BaseModel):
    """Something true of the whole file: formulas read as cached values, macros ignored, rows skipped."""

    code: str = Field(description="Stable code, e.g. 'formulas_cached', 'macros_ignored', 'title_rows_skipped'.")
    message: str = Field(description="Localized sentence.")


class ColumnMapping(BaseModel):
    """One column of the table and the field it was read into (None: not used, listed)."""

    column: str = Field(description="Column letter (A, B, ... AA) as a spreadsheet names it.")
    index: int = Field(description="1-based column number.")
    header: str = Field(description="The header as written (merged or two-row headers joined with ' / ').")
    field: str | None = Field(description="The field it fills, or None when the column is not used.")
    unit: str | None = Field(default=None, description="A unit written in the header, e.g. 'GMV（万元）' -> 万元.")


class CellProblem(BaseModel):
    """A cell (or a row) that could not be read as it should; the rest of the table is still read."""

    row: int = Field(description="1-based row number in the sheet or file (the header counts).")
    column: str | None = Field(default=None, description="Column letter, when one cell is at fault.")
    header: str | None = Field(default=None, description="The column's header, when one cell is at fault.")
    field: str | None = Field(default=None, description="The field the cell should fill (actual, due...).")
    value: str | None = Field(default=None, description="The cell as written (shortened).")
    code: str = Field(description="Stable code, e.g. 'unreadable_number', 'missing_name', 'ambiguous_date'.")
    severity: Literal["warning", "error"] = Field(
        description="error: the value was left out; warning: read, but check it."
    )
    message: str = Field(description="Localized sentence naming the row, the column and the reason.")


class ImportedMetric(BaseModel):
    """Where one metric of `metrics` came from."""

    index: int = Field(description="Position in `metrics`.")
    row: int = Field(description="1-based row of the sheet.")
    name: str


class MetricImportResult(BaseModel):
    """What `import_metrics` returns: `metrics` is ready to pass to compute_attainment as is."""

    language: Language
    format: MaterialFormat
    sheet: str | None = Field(default=None, description="The sheet read (XLSX).")
    sheets: list[str] = Field(default_factory=list, description="Every sheet of the workbook, in order.")
    header_rows: list[int] = Field(description="1-based rows that hold the header (two for a two-row header).")
    columns: list[ColumnMapping]
    unused_columns: list[str] = Field(
        default_factory=list, description="Headers of the columns not read into any field: listed, not dropped."
    )
    metrics: list[MetricInput] = Field(description="compute_attainment's `metrics` argument.")
    sources: list[ImportedMetric] = Field(description="The sheet row of each metric.")
    problems: list[CellProblem] = Field(default_factory=list)
    notes: list[MaterialNote] = Field(default_factory=list)
    attainment: AttainmentResult | None = Field(
        default=None, description="compute_attainment's result on `metrics`, when `compute` was asked for."
    )
    saved_to: str | None = Field(default=None, description="The review the metrics and result were saved into.")


class ImportedAction(BaseModel):
    """Where one action came from."""

    index: int = Field(description="Position in `actions`.")
    row: int
    ticket: str | None = None


class ImportedRisk(BaseModel):
    index: int = Field(description="Position in `risks`.")
    row: int
    ticket: str | None = None


class TrackerImportResult(BaseModel):
    """What `import_actions` returns: action items and risks from a tracker export."""

    language: Language
    format: MaterialFormat
    source: TrackerSource = Field(description="The tracker the columns look like.")
    sheet: str | None = None
    sheets: list[str] = Field(default_factory=list)
    header_rows: list[int]
    columns: list[ColumnMapping]
    unused_columns: list[str] = Field(
        default_factory=list, description="Headers of the columns not read into any field: listed, not dropped."
    )
    actions: list[ActionItem] = Field(description="check_actions' `actions` argument.")
    action_sources: list[ImportedAction]
    risks: list[Risk] = Field(description="check_risks' `risks` argument (rows typed or labelled as risks).")
    risk_sources: list[ImportedRisk]
    problems: list[CellProblem] = Field(default_factory=list)
    notes: list[MaterialNote] = Field(default_factory=list)
    saved_to: str | None = None


class AuditSection(BaseModel):
    """A heading of the document and the report section it was recognised as."""

    heading: str
    level: int = Field(description="Heading level, 1 = top.")
    section: str | None = Field(description="The report section id (goals, results, ...), None when not recognised.")
    also: list[str] = Field(default_factory=list, description="Other sections the heading names ('目标回顾与结果').")
    location: str = Field(description="Where it is, e.g. 'line 12' or 'paragraph 8'.")


class MissingSection(BaseModel):
    section: str
    title: str = Field(description="The section's title in the chosen language.")
    expects: list[str] = Field(default_factory=list, description="What the checklist expects in it.")


class AuditMetric(BaseModel):
    """A target/actual statement read from the document, and what the recomputation says."""

    location: str = Field(description="Where it was read: 'table 2, row 3' or 'line 14'.")
    section: str | None = None
    excerpt: str = Field(description="The statement or table row as written (shortened).")
    metric: MetricInput
    stated_rate: float | None = Field(default=None, description="The attainment rate the document states, in %.")
    stated_status: Status | None = Field(default=None, description="The verdict the document states.")
    recomputed: MetricResult | None = Field(default=None, description="compute_attainment's verdict on it.")


class AuditChange(BaseModel):
    """A change the document states with both of its figures ('从2.1%提升到2.8%，提升了33%'), recomputed."""

    location: str
    excerpt: str = Field(description="The change as written (shortened).")
    start: str = Field(description="The figure it starts from, as written.")
    end: str = Field(description="The figure it ends at, as written.")
    stated: str = Field(description="The change the document states, as written: '33%', '3个百分点'.")
    relative: float = Field(description="(end - start) / start, a fraction: 0.333 for a third more.")
    points: float | None = Field(default=None, description="end - start in percentage points, between percentages.")
    verdict: Literal["agrees", "change_direction", "change_unit", "change_mismatch"] = Field(
        description="'agrees' when figures that round to the written ones give the stated change."
    )


class AuditFinding(Finding):
    """One thing the audit noticed, with where it is."""

    location: str | None = None
    excerpt: str | None = Field(default=None, description="The text at fault, personal data masked.")


class Unreadable(BaseModel):
    """Something the audit saw but could not read; it is not guessed."""

    location: str
    code: str = Field(description="Stable code: 'figure_unreadable', 'table_unread', 'image', 'embedded_object'.")
    excerpt: str | None = None
    message: str


class AuditResult(BaseModel):
    """What `audit_review` returns."""

    language: Language
    format: MaterialFormat
    project_type: str | None = Field(description="The catalog key of the project type whose checklist was used.")
    sections: list[AuditSection]
    missing_sections: list[MissingSection]
    metrics: list[AuditMetric]
    changes: list[AuditChange] = Field(default_factory=list, description="Changes stated with both figures.")
    actions: list[ActionItem]
    action_locations: list[str] = Field(description="Where each action was read, in the order of `actions`.")
    findings: list[AuditFinding] = Field(description="Most severe first.")
    counts: SeverityCounts
    unreadable: list[Unreadable] = Field(default_factory=list)
    notes: list[MaterialNote] = Field(default_factory=list)
