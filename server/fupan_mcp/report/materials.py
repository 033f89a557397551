"""The text of import_metrics, import_actions and audit_review, for clients that only show text."""

from __future__ import annotations

from fupan_mcp.domain.materials import AuditResult, CellProblem, MaterialNote, MetricImportResult, TrackerImportResult
from fupan_mcp.i18n import Language, Table, tr

__all__ = ["audit_text", "metrics_text", "tracker_text"]

_TEXT: Table = {
    "metrics.title": {"zh": "### 导入指标（{count} 项）", "en": "### Imported metrics ({count})"},
    "actions.title": {
        "zh": "### 导入行动项（{actions} 项）与风险（{risks} 项）· 来源：{source}",
        "en": "### Imported actions ({actions}) and risks ({risks}) · source: {source}",
    },
    "audit.title": {"zh": "### 复盘文档审阅", "en": "### Review document audit"},
    "source": {"zh": "格式 {format}{sheet}，表头在第 {rows} 行", "en": "format {format}{sheet}, header in row {rows}"},
    "sheet": {"zh": "，工作表“{sheet}”", "en": ", sheet '{sheet}'"},
    "columns": {"zh": "列：{columns}", "en": "Columns: {columns}"},
    "unused": {"zh": "未使用的列：{columns}", "en": "Columns not used: {columns}"},
    "problems": {"zh": "无法读取的单元格（{count}）：", "en": "Cells that could not be read ({count}):"},
    "notes": {"zh": "说明：", "en": "Notes:"},
    "next": {
        "zh": "把结构化结果中的 `metrics` 原样传给 compute_attainment（或用 compute=true 直接计算）。",
        "en": "Pass `metrics` from the structured result to compute_attainment as is (or set compute=true).",
    },
    "next_actions": {
        "zh": "把 `actions` 传给 check_actions、`risks` 传给 check_risks 检查。",
        "en": "Pass `actions` to check_actions and `risks` to check_risks.",
    },
    "saved": {"zh": "已保存到复盘 {review_id}。", "en": "Saved to review {review_id}."},
    "head.metric": {
        "zh": "| 行 | 指标 | 目标 | 实际 | 基线 | 单位 |",
        "en": "| Row | Metric | Target | Actual | Baseline | Unit |",
    },
    "head.action": {
        "zh": "| 行 | 工单 | 行动项 | 负责人 | 截止 | 状态 |",
        "en": "| Row | Ticket | Action | Owner | Due | Status |",
    },
    "sections": {"zh": "识别到的章节：{sections}", "en": "Sections found: {sections}"},
    "missing": {"zh": "缺少的章节：{sections}", "en": "Sections missing: {sections}"},
    "figures": {
        "zh": "复算了 {count} 项目标/实际表述；行动项 {actions} 项。",
        "en": "{count} target/actual statements recomputed; {actions} action items read.",
    },
    "findings": {
        "zh": "发现（错误 {error}，警告 {warning}，提示 {info}）：",
        "en": "Findings ({error} errors, {warning} warnings, {info} info):",
    },
    "unreadable": {"zh": "未能读取（{count}）：", "en": "Not read ({count}):"},
    "none": {"zh": "无", "en": "none"},
}


def _t(key: str, language: Language, **values: object) -> str:
    return tr(_TEXT, key, language, **values)


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
        lines += ["", result.attainment.markdown]
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
        lines += [""] + [f"- ⚠ {risk.risk}" + (f" ({risk.owner})" if risk.owner else "") for risk in result.risks]
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
    lines.append(_t("figures", language, count=len(result.metrics), actions=len(result.actions)))
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
