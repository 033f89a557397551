"""The words of the MCP Apps view (report.html), the view's one string table.

The page holds no words: `fupan_mcp.ui.html` injects this table, with each language's number
conventions (`STYLE`), into the page, and the page looks them up by key.
"""

from __future__ import annotations

from typing import Any

from fupan_mcp.i18n import Language, Table, one_forms

__all__ = ["STYLE", "VIEW_TEXT", "view_words"]

VIEW_TEXT: Table = {
    "attainment": {"zh": "目标达成", "en": "Target attainment"},
    "kpi": {"zh": "KPI 指标树", "en": "KPI tree"},
    "swot": {"zh": "SWOT", "en": "SWOT"},
    "whys": {"zh": "5 Whys 根因", "en": "5 Whys"},
    "actions": {"zh": "改进行动", "en": "Actions"},
    "risks": {"zh": "风险与预警", "en": "Risks"},
    "gaps": {"zh": "数据缺口", "en": "Data gaps"},
    "metrics": {"zh": "指标", "en": "Metrics"},
    "achieved": {"zh": "已达成", "en": "achieved"},
    "not_achieved": {"zh": "未达成", "en": "not achieved"},
    "needs_verification": {"zh": "待核验", "en": "to verify"},
    "not_evaluable": {"zh": "无法评估", "en": "not evaluable"},
    "weighted": {"zh": "加权完成率", "en": "Weighted attainment"},
    "target": {"zh": "目标", "en": "Target"},
    "actual": {"zh": "实际", "en": "Actual"},
    "rate": {"zh": "完成率", "en": "Rate"},
    "status": {"zh": "状态", "en": "Status"},
    "noRate": {"zh": "无达成率", "en": "no rate"},
    "all": {"zh": "全部", "en": "all"},
    "owner": {"zh": "负责人", "en": "Owner"},
    "due": {"zh": "截止", "en": "Due"},
    "priority": {"zh": "优先级", "en": "Priority"},
    "action": {"zh": "行动", "en": "Action"},
    "overdue": {"zh": "逾期", "en": "overdue"},
    "onlyOverdue": {"zh": "只看逾期", "en": "overdue only"},
    "open": {"zh": "未开始", "en": "open"},
    "in_progress": {"zh": "进行中", "en": "in progress"},
    "done": {"zh": "已完成", "en": "done"},
    "wont_do": {"zh": "不做", "en": "won't do"},
    "shown": {"zh": "显示 {n} / {total} 项", "en": "{n} of {total} shown"},
    "change": {"zh": "变化", "en": "change"},
    "contribution": {"zh": "贡献", "en": "contribution"},
    "baseline": {"zh": "基线", "en": "baseline"},
    "other": {"zh": "未接入根指标的节点", "en": "Nodes outside the root's tree"},
    "strengths": {"zh": "优势 S", "en": "Strengths"},
    "weaknesses": {"zh": "劣势 W", "en": "Weaknesses"},
    "opportunities": {"zh": "机会 O", "en": "Opportunities"},
    "threats": {"zh": "威胁 T", "en": "Threats"},
    "rootCauses": {"zh": "根本原因", "en": "Root causes"},
    "problem": {"zh": "问题", "en": "Problem"},
    "risk": {"zh": "风险", "en": "Risk"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "yellow": {"zh": "黄线", "en": "Yellow"},
    "red": {"zh": "红线", "en": "Red"},
    "response": {"zh": "应对", "en": "Response"},
    "complete": {"zh": "要素齐全", "en": "Complete"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "noOwner": {"zh": "（未指定）", "en": "(none)"},
    "target100": {"zh": "目标 100%", "en": "target 100%"},
    "findings": {"zh": "检查发现", "en": "Findings"},
    "error": {"zh": "错误", "en": "errors"},
    "warning": {"zh": "警告", "en": "warnings"},
    "info": {"zh": "提示", "en": "notes"},
    "score": {"zh": "要素", "en": "Checks"},
    "report": {"zh": "报告正文", "en": "Report text"},
    "waiting": {"zh": "等待复盘数据…", "en": "Waiting for review data…"},
    "received": {"zh": "已收到 {tool} 的结果", "en": "Result of {tool} received"},
    "decomposition": {"zh": "变化分解", "en": "Change by driver"},
    "decomposition_gap": {"zh": "对目标差距的分解", "en": "Gap to target by driver"},
    "showFindings": {"zh": "显示检查发现（{n} 条，供复盘作者修改）", "en": "Show the findings ({n}, for the author)"},
    "errorLabel": {"zh": "错误", "en": "error"},
    "warningLabel": {"zh": "警告", "en": "warning"},
    "infoLabel": {"zh": "提示", "en": "note"},
    "severity": {"zh": "级别", "en": "Severity"},
    "section": {"zh": "部分", "en": "Section"},
    "message": {"zh": "说明", "en": "Message"},
    "where": {"zh": "代码与位置", "en": "Code and place"},
    "insights": {"zh": "跨复盘洞察", "en": "Insight across reviews"},
    "insightsScope": {
        "zh": "共 {reviews} 次复盘；未关闭与逾期按 {as_of} 计",
        "en": "{reviews} reviews; open and overdue as of {as_of}",
    },
    "insightsEmpty": {"zh": "没有符合条件的复盘。", "en": "No review matches the filter."},
    "closureRate": {"zh": "闭环率", "en": "Closure rate"},
    "closureOf": {
        "zh": "已完成 {done} / {base} 项（不计决定不做的 {wont_do} 项）",
        "en": "{done} of {base} done (not counting {wont_do} dropped)",
    },
    "actionsTotal": {"zh": "行动总数", "en": "Actions"},
    "openActions": {"zh": "未关闭", "en": "Open"},
    "overdueActions": {"zh": "已逾期", "en": "Overdue"},
    "medianClose": {"zh": "关闭中位天数", "en": "Median days to close"},
    "days": {"zh": "{n} 天", "en": "{n} days"},
    "aging": {"zh": "逾期行动按逾期天数", "en": "Overdue actions by days past due"},
    "aging.0-30": {"zh": "0–30 天", "en": "0–30 days"},
    "aging.31-90": {"zh": "31–90 天", "en": "31–90 days"},
    "aging.91-180": {"zh": "91–180 天", "en": "91–180 days"},
    "aging.>180": {"zh": "180 天以上", "en": "over 180 days"},
    "countItems": {"zh": "{n} 项", "en": "{n}"},
    "noOverdue": {"zh": "没有逾期的行动。", "en": "No action is overdue."},
    "byOwner": {"zh": "按负责人", "en": "By owner"},
    "recurring": {"zh": "反复出现的问题", "en": "What keeps coming back"},
    "noRecurring": {
        "zh": "没有在两次以上复盘中反复出现的问题、根因或经验。",
        "en": "No problem, root cause or lesson recurs in two reviews or more.",
    },
    "kind.root_cause": {"zh": "根因", "en": "Root cause"},
    "kind.problem": {"zh": "问题", "en": "Problem"},
    "kind.lesson": {"zh": "经验", "en": "Lesson"},
    "inReviews": {"zh": "{n} 次复盘", "en": "{n} reviews"},
    "notLearned": {"zh": "尚未吸取", "en": "not yet learned"},
    "alsoWritten": {"zh": "其他写法：{texts}", "en": "Also written as: {texts}"},
    "trends": {"zh": "目标达成趋势", "en": "Attainment trends"},
    "trendsNote": {
        "zh": "每个项目的每个指标在各次复盘中的达成率；虚线为目标 100%。",
        "en": "Each metric's attainment over a project's reviews; the dashed line is the 100% target.",
    },
    "trend.up": {"zh": "↑ 上升 {change}", "en": "↑ up {change}"},
    "trend.down": {"zh": "↓ 下降 {change}", "en": "↓ down {change}"},
    "trend.flat": {"zh": "→ 持平（{change}）", "en": "→ flat ({change})"},
    "listSep": {"zh": "、", "en": ", "},
}

STYLE: dict[Language, dict[str, Any]] = {
    "zh": {
        "locale": "zh-CN",
        "points": " 个百分点",
        "units": {"d": "天", "min": "分钟", "s": "秒"},
        "scales": [["亿", 1e8], ["万", 1e4]],
    },
    "en": {"locale": "en-US", "points": " pp", "units": {}, "scales": []},
}
"""How each language writes a figure in the view (the same conventions as `report.formatting`)."""


def view_words() -> dict[str, dict[str, Any]]:
    """Per language: every word of the view, and under ``_style`` its number conventions."""
    languages: tuple[Language, ...] = ("zh", "en")
    ones = {  # "{n} reviews" as "1 review": the page picks the form when n is 1 (same keys in every language)
        (key, name): {lang: one_forms(entry[lang], lang).get(name, entry[lang]) for lang in languages}
        for key, entry in VIEW_TEXT.items()
        for language in languages
        for name in one_forms(entry[language], language)
    }
    return {
        language: {
            **{key: entry[language] for key, entry in VIEW_TEXT.items()},
            **{f"{key}#one:{name}": forms[language] for (key, name), forms in ones.items()},
            "_style": STYLE[language],
        }
        for language in languages
    }
