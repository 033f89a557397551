"""Localized labels an analysis prints and the report prints again: one table each, shared.

Kept apart from the analyses so that the report strings (loaded at start-up by the knowledge
resources) can use them without importing the analysis stack.
"""

from __future__ import annotations

from fupan_mcp.i18n import Table

__all__ = ["ACTION_STATUS_LABELS", "CHANGE_PHRASES", "ISSUE_LABELS", "KPI_ERROR_FLAGS", "METHOD_LABELS"]

ACTION_STATUS_LABELS: Table = {
    "open": {"zh": "未开始", "en": "open"},
    "in_progress": {"zh": "进行中", "en": "in progress"},
    "done": {"zh": "已完成", "en": "done"},
    "wont_do": {"zh": "不做", "en": "won't do"},
}
"""An action's status in words."""

ISSUE_LABELS: Table = {
    "no_verb": {"zh": "非动词开头", "en": "no verb"},
    "filler_start": {"zh": "议题式开头", "en": "topic, not action"},
    "noun_first": {"zh": "名词性标题", "en": "noun-first"},
    "vague_verb": {"zh": "动词空泛", "en": "vague verb"},
    "missing_owner": {"zh": "缺负责人", "en": "no owner"},
    "multiple_owners": {"zh": "多个负责人", "en": "several owners"},
    "missing_due": {"zh": "缺截止日期", "en": "no due date"},
    "due_not_after_review": {"zh": "截止早于复盘", "en": "due before review"},
    "relative_due": {"zh": "相对时间", "en": "relative date"},
    "due_unreadable": {"zh": "日期无法识别", "en": "unreadable date"},
    "due_vague": {"zh": "日期不具体", "en": "vague date"},
    "due_needs_review_date": {"zh": "缺复盘日期", "en": "needs review date"},
    "due_invalid_date": {"zh": "日期不存在", "en": "no such date"},
    "missing_priority": {"zh": "缺优先级", "en": "no priority"},
    "missing_addresses": {"zh": "缺对应问题", "en": "no problem named"},
    "addresses_unmatched": {"zh": "问题不匹配", "en": "unknown problem"},
    "missing_metric": {"zh": "缺衡量标准", "en": "no metric"},
    "metric_not_measurable": {"zh": "不可衡量", "en": "not measurable"},
    "done_without_evidence": {"zh": "完成无证据", "en": "done, no evidence"},
    "wont_do_without_reason": {"zh": "不做无原因", "en": "won't do, no reason"},
    "duplicate_action": {"zh": "重复", "en": "duplicate"},
    "duplicate_id": {"zh": "编号重复", "en": "duplicate id"},
    "missing_indicator": {"zh": "缺指标", "en": "no indicator"},
    "missing_yellow_threshold": {"zh": "缺黄色阈值", "en": "no yellow"},
    "missing_red_threshold": {"zh": "缺红色阈值", "en": "no red"},
    "missing_response": {"zh": "缺应对", "en": "no response"},
    "threshold_unparsed": {"zh": "阈值无数值", "en": "threshold not numeric"},
    "thresholds_reversed": {"zh": "阈值颠倒", "en": "thresholds reversed"},
    "thresholds_equal": {"zh": "阈值相同", "en": "thresholds equal"},
    "thresholds_conflict": {"zh": "阈值方向相反", "en": "thresholds conflict"},
    "threshold_units_differ": {"zh": "阈值单位不同", "en": "units differ"},
    "people_fix": {"zh": "针对人的要求", "en": "people fix"},
    "metric_is_ticket": {"zh": "工单不是结果", "en": "ticket, not a result"},
    "missing_ticket": {"zh": "缺工单", "en": "no ticket"},
}
"""Short labels of the action and risk check codes, for an 'issues' or 'checks' column."""

CHANGE_PHRASES: Table = {
    "pp_change": {"zh": "{pp} 个百分点(相对 {rel})", "en": "{pp} pp (relative {rel})"},
    "pp_only": {"zh": "{pp} 个百分点", "en": "{pp} pp"},
    "down": {"zh": "下降 {rel}({abs})", "en": "down {rel} ({abs})"},
    "up": {"zh": "增长 {rel}({abs})", "en": "up {rel} ({abs})"},
    "flat": {"zh": "持平", "en": "unchanged"},
}
"""A metric's change against its baseline."""

KPI_ERROR_FLAGS: Table = {
    "cycle": {"zh": "⛔ 循环引用", "en": "⛔ cycle"},
    "unknown_id": {"zh": "⛔ 未知 id", "en": "⛔ unknown id"},
    "division_by_zero": {"zh": "⛔ 除以零", "en": "⛔ division by zero"},
    "formula_error": {"zh": "⛔ 公式错误", "en": "⛔ formula error"},
}
"""The flags of a KPI node whose formula could not be used."""

METHOD_LABELS: Table = {
    "lmdi": {"zh": "LMDI 对数平均迪氏分解", "en": "LMDI (log-mean Divisia)"},
    "chain": {"zh": "连环替代法", "en": "chain substitution"},
    "shapley": {"zh": "Shapley 分解", "en": "Shapley decomposition"},
}
"""The KPI tree's decomposition methods (``additive`` is worded by each renderer)."""
