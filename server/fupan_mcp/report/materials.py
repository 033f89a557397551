"""The text of import_metrics, import_actions and audit_review, for clients that only show text."""

from __future__ import annotations

from fupan_mcp.domain.materials import AuditResult, CellProblem, MaterialNote, MetricImportResult, TrackerImportResult
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report.strings import TEXT
from fupan_mcp.report.tool_text import attainment_text

__all__ = ["audit_text", "metrics_text", "tracker_text"]


def _t(key: str, language: Language, **values: object) -> str:
    return tr(TEXT, f"materials.{key}", language, **values)


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "—" if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def _tail(problems: list[CellProblem], notes: list[MaterialNote], language: Language) -> list[str]:
    lines: list[str] = []
    if problems:
        lines += ["", _t("problems", language, count=len(problems))]
        lines += [f"- {problem.message}" for problem in problems[:50]]
    if notes:
        lines += ["", _t("notes", language)]
        lines += [f"- {note.message}" for note in notes]
    return lines


def _source_line(format: str, sheet: str | None, rows: list[int], language: Language) -> str:
    sheet_text = _t("sheet", language, sheet=sheet) if sheet else ""
    return _t("source", language, format=format.upper(), sheet=sheet_text, rows="–".join(map(str, rows)))


def metrics_text(result: MetricImportResult, language: Language) -> str:
    lines = [_t("metrics.title", language, count=len(result.metrics)), ""]
    lines.append(_source_line(result.format, result.sheet, result.header_rows, language))
    mapped = [f"{c.column} {c.header} → {c.field}" for c in result.columns if c.field]
    lines.append(_t("columns", language, columns="; ".join(mapped)))
    if result.unused_columns:
        lines.append(_t("unused", language, columns=", ".join(result.unused_columns)))
    lines += ["", _t("head.metric", language), "|---|---|---|---|---|---|"]
    for source, metric in zip(result.sources, result.metrics, strict=True):
        target = metric.target if isinstance(metric.target, str) or metric.target is None else metric.target.kind
        cells = [source.row, metric.name, target, metric.actual, metric.baseline, metric.unit]
        lines.append("| " + " | ".join(_cell(value) for value in cells) + " |")
    lines += _tail(result.problems, result.notes, language)
    if result.attainment is not None:
        lines += ["", attainment_text(result.attainment)]
    else:
        lines += ["", _t("next", language)]
    if result.saved_to:
        lines += ["", _t("saved", language, review_id=result.saved_to)]
    return "\n".join(lines)


def tracker_text(result: TrackerImportResult, language: Language) -> str:
    lines = [_t("actions.title", language, actions=len(result.actions), risks=len(result.risks), source=result.source)]
    lines += ["", _source_line(result.format, result.sheet, result.header_rows, language)]
    mapped = [f"{c.column} {c.header} → {c.field}" for c in result.columns if c.field]
    lines.append(_t("columns", language, columns="; ".join(mapped)))
    if result.unused_columns:
        lines.append(_t("unused", language, columns=", ".join(result.unused_columns)))
    if result.actions:
        lines += ["", _t("head.action", language), "|---|---|---|---|---|---|"]
        for source, action in zip(result.action_sources, result.actions, strict=True):
            due = action.due.isoformat() if action.due else None
            cells = [source.row, action.ticket, action.action, action.owner, due, action.status]
            lines.append("| " + " | ".join(_cell(value) for value in cells) + " |")
    if result.risks:
        lines += [""] + [f"- {risk.risk}" + (f" ({risk.owner})" if risk.owner else "") for risk in result.risks]
    lines += _tail(result.problems, result.notes, language)
    lines += ["", _t("next_actions", language)]
    if result.saved_to:
        lines += ["", _t("saved", language, review_id=result.saved_to)]
    return "\n".join(lines)


def audit_text(result: AuditResult, language: Language) -> str:
    found = [f"{s.heading} ({s.section})" for s in result.sections if s.section]
    lines = [_t("audit.title", language), ""]
    lines.append(_t("sections", language, sections="; ".join(found) or _t("none", language)))
    missing = [m.title for m in result.missing_sections]
    lines.append(_t("missing", language, sections="; ".join(missing) or _t("none", language)))
    lines.append(
        _t("figures", language, count=len(result.metrics), changes=len(result.changes), actions=len(result.actions))
    )
    counts = result.counts
    lines += ["", _t("findings", language, error=counts.error, warning=counts.warning, info=counts.info)]
    for finding in result.findings:
        where = f" ({finding.location})" if finding.location else ""
        lines.append(f"- [{finding.severity}] {finding.message}{where}")
    if result.unreadable:
        lines += ["", _t("unreadable", language, count=len(result.unreadable))]
        lines += [f"- {item.location}: {item.message}" for item in result.unreadable]
    if result.notes:
        lines += ["", _t("notes", language)] + [f"- {note.message}" for note in result.notes]
    return "\n".join(lines)
