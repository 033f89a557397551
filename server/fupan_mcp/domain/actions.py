"""Improvement actions and risks: what a review decides, tracked until closed (methods.md §7)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field, field_validator, model_validator

from fupan_mcp.domain.asof import AsOf
from fupan_mcp.domain.common import DataGap, Finding, Language, Model, renamed_keys
from fupan_mcp.domain.dates import BoundedDate, DateReading, current_reference, read_date
from fupan_mcp.domain.items import ItemError
from fupan_mcp.limits import MAX_DATE_CHARS, MAX_NAME_CHARS, MAX_TEXT_CHARS

ActionStatus = Literal["open", "in_progress", "done", "wont_do"]
Priority = Literal["P0", "P1", "P2", "P3"]
ActionKind = Literal["mitigate", "prevent", "detect", "process", "repair"]
"""The action types SRE postmortems use; any other label is kept as written."""
ACTION_KINDS: tuple[ActionKind, ...] = get_args(ActionKind)
_ACTION_KIND_ALIASES: dict[str, ActionKind] = {
    "mitigation": "mitigate",
    "mitigating": "mitigate",
    "prevention": "prevent",
    "preventive": "prevent",
    "preventative": "prevent",
    "detection": "detect",
    "monitoring": "detect",
    "alerting": "detect",
    "repair": "repair",
    "fix": "repair",
    "cleanup": "repair",
    "procedure": "process",
    "止损": "mitigate",
    "缓解": "mitigate",
    "预防": "prevent",
    "防范": "prevent",
    "发现": "detect",
    "检测": "detect",
    "监控": "detect",
    "流程": "process",
    "修复": "repair",
}


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_iso_date(text: str) -> bool:
    """A YYYY-MM-DD that is a day of the calendar ('2024-02-30' is not: it is read as a written due)."""
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# Status words as trackers and 复盘 tables write them; anything else is left to the field's own error.
_STATUS_WORDS: dict[str, ActionStatus] = {
    **dict.fromkeys(
        (
            "todo",
            "to do",
            "to_do",
            "not started",
            "not_started",
            "new",
            "planned",
            "backlog",
            "pending",
            "待开始",
            "未开始",
            "待处理",
            "待办",
            "计划中",
            "未完成",
            "打开",
            "新建",
            "待启动",
            "待排期",
            "已排期",
            "规划中",
            "未闭环",
            "未处理",
            "deferred",
            "outstanding",
            "unaccepted",
            "postponed",
            "延期",
            "已延期",
            "延期处理",
            "推迟",
            "延后",
            "逾期",
            "已逾期",
            "激活",
            "已激活",
            "已指派",
            "待确认",
            "已确认",
            "待开发",
        ),
        "open",
    ),
    **dict.fromkeys(
        (
            "in progress",
            "in-progress",
            "inprogress",
            "doing",
            "started",
            "ongoing",
            "wip",
            "blocked",
            "working on it",
            "to be verified",
            "to-be-verified",
            "acknowledged",
            "stuck",
            "跟踪中",
            "关注中",
            "on hold",
            "paused",
            "suspended",
            "挂起",
            "已挂起",
            "暂停",
            "已暂停",
            "待上线",
            "待发布",
            "待评审",
            "开发完成",
            "进行中",
            "处理中",
            "开发中",
            "测试中",
            "跟进中",
            "推进中",
            "执行中",
            "已开始",
            "阻塞",
            "灰度中",
            "已灰度",
            "落地中",
            "优化中",
            "整改中",
            "验证中",
            "验收中",
            "待验证",
            "待验收",
            "观察中",
            "监控中",
            "排查中",
            "联调中",
            "已提测",
            "待销号",
            "部分完成",
            "实施中",
            "进展中",
            "持续跟进",
            "长期跟进",
        ),
        "in_progress",
    ),
    **dict.fromkeys(
        (
            "done",
            "closed",
            "complete",
            "completed",
            "resolved",
            "fixed",
            "finished",
            "已完成",
            "完成",
            "已解决",
            "已关闭",
            "已上线",
            "已落地",
            "已验收",
            "已闭环",
            "闭环",
            "已处理",
            "已验证",
            "已修复",
            "已合入",
            "已合并",
            "已部署",
            "已整改",
            "整改完成",
            "已落实",
            "已实现",
            "已交付",
            "已销号",
            "销号",
            "已发布",
            "已实施",
            "已结束",
            "verified",
            "deployed",
        ),
        "done",
    ),
    **dict.fromkeys(
        (
            "won't do",
            "wont do",
            "won't fix",
            "wontfix",
            "wont_fix",
            "cancelled",
            "canceled",
            "rejected",
            "dropped",
            "abandoned",
            "skipped",
            "not_doing",
            "duplicate",
            "invalid",
            "not doing",
            "已拒绝",
            "拒绝",
            "驳回",
            "已驳回",
            "无效",
            "设计如此",
            "不予解决",
            "无法重现",
            "重复",
            "已转需求",
            "转为需求",
            "已放弃",
            "已搁置",
            "不做",
            "不处理",
            "取消",
            "已取消",
            "放弃",
            "搁置",
            "已废弃",
            "废弃",
            "作废",
            "不再跟进",
            "无需处理",
            "无需修复",
            "暂不处理",
            "不修复",
        ),
        "wont_do",
    ),
}

RiskLevel = Literal["low", "medium", "high"]
# Likelihood and impact as registers write them: words, letters, "High (3)"; a bare number has no scale here.
# The five-step words of a risk matrix fold into three: rare/unlikely low, possible medium, likely/almost
# certain high (likelihood); negligible/minor low, moderate medium, major/severe/catastrophic high (impact).
_LEVEL_WORDS: dict[str, RiskLevel] = {
    **dict.fromkeys(
        ("high", "h", "高", "较高", "很高", "极高", "严重", "very high", "critical", "大", "较大", "很大", "极大"),
        "high",
    ),
    **dict.fromkeys(
        (
            "likely", "very likely", "highly likely", "almost certain", "certain", "probable", "frequent",
            "major", "severe", "catastrophic", "significant", "很可能", "极可能", "大概率", "非常可能", "重大",
            "几乎确定", "几乎肯定", "灾难性", "致命", "极其严重", "extreme",
        ),
        "high",
    ),
    **dict.fromkeys(("medium", "med", "m", "mid", "moderate", "中", "中等", "一般"), "medium"),
    **dict.fromkeys(("possible", "possibly", "occasional", "可能", "有可能", "偶尔"), "medium"),
    **dict.fromkeys(
        ("low", "l", "低", "较低", "很低", "极低", "轻微", "very low", "minor", "小", "较小", "很小", "极小"), "low"
    ),
    **dict.fromkeys(
        (
            "unlikely", "very unlikely", "rare", "remote", "improbable", "negligible", "insignificant",
            "不太可能", "不大可能", "小概率", "罕见", "极少", "几乎不可能",
        ),
        "low",
    ),
}  # fmt: skip
_LEVEL_HEAD = re.compile(r"^\d(?:\.\d+)?\s*(?:[-–—:：.]\s*|[(（]\s*)(?=\D)")
_LEVEL_TAIL = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*[)）]\s*$")


# Due forms `read_date` does not take as they are, rewritten to one it does (the text stays as written).
_DUE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:by\s+)?(?:the\s+)?end\s+of\s+(q[1-4])(?:\s+(\d{4}))?$", re.I), r"\1 \2"),
    (re.compile(r"^(q[1-4])\s*(?:end|末|底)$", re.I), r"\1"),
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*(q[1-4])$", re.I), r"\1 \2"),
    (re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$"), r"\1年\2月底"),
    (re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?$"), r"\1年\2月底"),
    (re.compile(r"^(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?$"), r"\1月底"),
    (re.compile(r"^(\d{1,2})\.(\d{1,2})$"), r"\1/\2"),
)
_DUE_MONTH_NAME = re.compile(
    r"^(?:by\s+|in\s+)?(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(\s+\d{4})?$",
    re.I,
)
_ONGOING = re.compile(
    r"^(?:持续|持续进行|持续跟进|持续优化|长期|长期跟进|常态化|日常|每周|每月|每天|每日|定期|ongoing|continuous(?:ly)?|"
    r"recurring|weekly|monthly|daily|n/?a\s*\(ongoing\))$",
    re.I,
)
_SPRINT = re.compile(
    r"^(?:next|this|the\s+next)\s+(?:sprint|iteration|release)$|^(?:下个?|本|这个?)(?:迭代|版本|sprint)$"
    r"|^(?:sprint|iteration|迭代)\s*#?\d+$|^第\s*\d+\s*(?:个)?迭代$|^v\d+(?:\.\d+)*\s*(?:release|版本|发布|上线)?$"
    r"|^\d+(?:\.\d+)+\s*(?:release|版本|发布|上线)$",
    re.I,
)


_MONTH_NUMBER = {
    name: i + 1
    for i, name in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
}
_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
_MON_DAY = re.compile(r"^([a-z]{3})[a-z]*\.?[-/ ](\d{1,2})(?:[-/ ,]+(\d{4}))?$", re.I)
_DAY_MON = re.compile(r"^(\d{1,2})[-/ ]([a-z]{3})[a-z]*\.?(?:[-/ ,]+(\d{4}))?$", re.I)
_WEEKDAY_AROUND = re.compile(
    r"^(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?|(?:周|星期|礼拜)[一二三四五六日天])\s*(?=\S)"
    r"|\s*[(（](?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?|(?:周|星期|礼拜)[一二三四五六日天])[)）]\s*$",
    re.IGNORECASE,
)
_JIRA_DAY = re.compile(r"^(\d{1,2})[-/]([a-z]{3})[-/](\d{2})(?:\s+\d{1,2}:\d{2}(?:\s*[ap]m)?)?$", re.I)
_PART_OF_MONTH = re.compile(r"^(early|mid|late|end)[- ]([a-z]{3})[a-z]*\.?(?:\s+(\d{4}))?$", re.I)
_SHORT_QUARTER = re.compile(r"^(\d{2})\s*([qQ][1-4])$")
_SHOPPING_DAYS = {"双11": "11月11日", "双十一": "11月11日", "双12": "12月12日", "双十二": "12月12日", "618": "6月18日"}
_UNSCHEDULED = re.compile(r"^(?:待排期|未排期|待安排|未定时间|时间待定|not\s+scheduled|unscheduled)$", re.I)
_BARE_MONTH = re.compile(r"(?:\d{4}\s*[-/.年]\s*)?(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*月?(?:份)?")
# A due cell left as a placeholder: no due date at all, not an unreadable one.
_NO_DUE = frozenset({"-", "--", "—", "——", "/", "无", "n/a", "na", "none"})


def due_form(text: str) -> str:
    """``text`` rewritten to a form `read_date` reads: 'end of Q3' -> 'Q3', '2024-07' -> '2024年7月底',
    '7月' -> '7月底', '6.30' -> '6/30', 'July' -> 'end of July', '30/06/2024' -> '2024-06-30' (only
    when the day is above 12: '03/06/2024' stays unread), 'Jun-30', 'mid-July', '24Q3', '双11前';
    unchanged when none applies."""
    value = re.sub(r"(?:前|之前|以前)$", "", text.strip()).strip()
    if value != text.strip() and _BARE_MONTH.fullmatch(value):
        return text  # "7月前" is before July begins or by its end: not read, the check asks for the date
    value = _SHOPPING_DAYS.get(value, value)
    # 'Tue Mar 12 2024', '2024-03-12（周二）': the weekday says nothing more
    dated = _WEEKDAY_AROUND.sub("", value).strip()
    if dated != value and re.search(r"\d{4}", dated):
        value = dated
    value = re.sub(r"^(?:cob|eod|eob)\s+(?=\S)", "", value, flags=re.I)  # "COB Friday": close of business that day
    value = {"今年内": "年内", "本年内": "年内"}.get(value, value)
    if _UNSCHEDULED.fullmatch(value):
        return "待定"
    if value.casefold() in {"年中", "mid-year", "mid year", "midyear"}:
        return "6月底"
    for pattern, replacement in _DUE_FORMS:
        if pattern.fullmatch(value):
            return pattern.sub(replacement, value).strip()
    if match := _DUE_MONTH_NAME.fullmatch(value):
        return f"end of {match[1]}{match[2] or ''}"
    if (match := _DMY.fullmatch(value)) and (int(match[1]) > 12 >= int(match[2]) or "." in value):
        return f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"  # '12.03.2024': dotted is day first
    if (match := _JIRA_DAY.fullmatch(value)) and match[2].lower() in _MONTH_NUMBER:
        return f"20{match[3]}年{_MONTH_NUMBER[match[2].lower()]}月{int(match[1])}日"  # Jira's '12/Mar/24'

    if (match := _MON_DAY.fullmatch(value)) and match[1].lower() in _MONTH_NUMBER:
        return f"{match[3] + '年' if match[3] else ''}{_MONTH_NUMBER[match[1].lower()]}月{int(match[2])}日"
    if (match := _DAY_MON.fullmatch(value)) and match[2].lower() in _MONTH_NUMBER:
        return f"{match[3] + '年' if match[3] else ''}{_MONTH_NUMBER[match[2].lower()]}月{int(match[1])}日"
    if (match := _PART_OF_MONTH.fullmatch(value)) and match[2].lower() in _MONTH_NUMBER:
        part = {"early": "初", "mid": "中", "late": "下旬", "end": "底"}[match[1].lower()]
        return f"{match[3] + '年' if match[3] else ''}{_MONTH_NUMBER[match[2].lower()]}月{part}"
    if match := _SHORT_QUARTER.fullmatch(value):
        return f"20{match[1]} {match[2]}"
    return value if value != text.strip() else text


def is_no_due(text: str) -> bool:
    """A due cell holding a placeholder ('—', '无', 'N/A'): no due date was given."""
    return text.strip().casefold() in _NO_DUE


def is_ongoing(text: str) -> bool:
    """A due written as 'ongoing', '持续', '常态化': an action without an end."""
    return _ONGOING.fullmatch(text.strip().rstrip("。.")) is not None


def is_sprint_relative(text: str) -> bool:
    """A due written as 'next sprint', '下个迭代': a date only the team's calendar knows."""
    return _SPRINT.fullmatch(text.strip()) is not None


def read_due(text: str, reference: dt.date | None) -> DateReading:
    """A due date as people write it, read against ``reference`` (the review date)."""
    form = due_form(text)
    reading = read_date(form, reference)
    return reading if form == text else DateReading(text, reading.date, reading.relative, reading.error)


def owner_list(value: object) -> object:
    """Owners sent as a list of names (["Alice", "Bob"]) kept as one text ("Alice, Bob"), so the check
    counts them; anything else unchanged."""
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        names = [item.strip() for item in value if item.strip()]
        return ", ".join(names) if names else None
    return value


_PRIORITIES: tuple[str, ...] = get_args(Priority)
_STATUSES: tuple[str, ...] = get_args(ActionStatus)


_PRIORITY_FORM = re.compile(r"\s*[pP][0-3]\s*")


def _priority_word(value: object) -> object:
    """'p1', ' P2 ' as written; other values unchanged ('high' is not read as a level)."""
    if not isinstance(value, str) or value in _PRIORITIES:  # a stored action's own priority: 'P2' as it is
        return value
    if _PRIORITY_FORM.fullmatch(value):
        return value.strip().upper()
    return value


def status_word(value: object) -> object:
    """The canonical status for a status word ('已完成', 'In Progress', '待开始'); other values unchanged."""
    if not isinstance(value, str) or value in _STATUSES:  # a stored action's own status: 'open' as it is
        return value
    key = re.sub(r"\s+", " ", value.strip().casefold()).replace("’", "'")
    found = _STATUS_WORDS.get(key, _STATUS_WORDS.get(key.replace("_", " ")))
    if found is not None or not key:
        return found if found is not None else value
    # the words import_actions reads ('Abandoned', '🟢 已完成', '已完成，见PR#123', 'Closed as won't fix'); a
    # qualified or contradicted status ('Done - reverted', '已完成，待复盘') stays unread, reported for its action
    from fupan_mcp.domain.statuses import read_status

    return read_status(value) or value


def risk_level(value: object) -> object:
    """The canonical level for '高', 'H', 'Med', 'High (3)'; other values unchanged (the field then says why)."""
    if not isinstance(value, str):
        return value
    key = _LEVEL_TAIL.sub("", value.strip().casefold())
    key = re.sub(r"\s+", " ", key)
    if key not in _LEVEL_WORDS:
        # '5 - Almost certain', '4 (Likely)': a matrix's step number before its word, the word gives the level;
        # '高风险', '低风险': the level of a risk
        key = _LEVEL_HEAD.sub("", key).rstrip(")）").strip()
        key = key.removesuffix("风险") if len(key) > 2 else key
    return _LEVEL_WORDS.get(key, None if not key else value)


def action_kind(value: str) -> str:
    """The canonical action kind for a label ('Prevention', '预防' -> 'prevent'); other labels as written."""
    label = value.strip()
    key = re.sub(r"[\s\-]+", "_", label.casefold())
    if key in ACTION_KINDS:
        return key
    return _ACTION_KIND_ALIASES.get(key, label)


_RISK_LEVELS: tuple[str, ...] = ("low", "medium", "high")


def _keep_unread(data: object, fields: tuple[tuple[str, tuple[str, ...], Callable[[Any], object]], ...]) -> object:
    """The one pattern of a leniently read word (a before-validator, thread-safe: nothing kept outside
    the data): a word under ``name`` that ``read`` turns into none of ``allowed`` leaves the field unset
    and is kept, as typed, in ``<name>_text``; a blank one (or one read as nothing) is simply not given.
    The word counts as unread while the field holds its default (`_unread_texts`).
    Only strings are words (another type is refused by the field), except for risk levels ('3')."""
    if not isinstance(data, dict):
        return data
    kept: dict[str, str] = {}
    dropped: set[str] = set()
    promoted: dict[str, object] = {}
    for name, allowed, read in fields:
        value = data.get(name)
        if value is None and isinstance(data.get(f"{name}_text"), str):
            # only the word as written was given ('likelihood_text': '中'): it is the field's word
            value = promoted[name] = data[f"{name}_text"]
        strings_only = allowed is not _RISK_LEVELS
        if not isinstance(value, str if strings_only else str | int | float):
            continue  # None, or a type the field refuses by name (a 10,000-deep list has no word to keep)
        reading = read(value)
        if reading in allowed or (not strings_only and reading is None):
            continue
        promoted.pop(name, None)
        dropped.add(name)
        word = str(value)
        if word.strip():
            kept[f"{name}_text"] = word.encode("utf-8", "replace").decode("utf-8")[:MAX_NAME_CHARS]
    if not dropped and not promoted:
        return data
    gone = dropped | {f"{name}_text" for name in promoted}
    return {**{key: value for key, value in data.items() if key not in gone}, **promoted, **kept}


def _unread_texts(model: BaseModel, names: tuple[str, ...]) -> dict[str, str]:
    """``{name: word}`` of the words kept as typed beside a field still at its default (a status set
    later, e.g. to done, makes the old word no longer the action's status)."""
    words: dict[str, str] = {}
    for name in names:
        text = getattr(model, f"{name}_text")
        if isinstance(text, str) and text and getattr(model, name) == type(model).model_fields[name].default:
            words[name] = text
    return words


_ACTION_ALIASES: Mapping[str, str] = {
    "task": "action",
    "title": "action",
    "todo": "action",
    "assignee": "owner",
    "responsible": "owner",
    "deadline": "due",
    "due_date": "due",
    "due_on": "due",
}
_RISK_ALIASES: Mapping[str, str] = {
    "mitigation": "response",
    "assignee": "owner",
    "probability": "likelihood",
    "yellow": "yellow_threshold",
    "amber": "yellow_threshold",
    "amber_threshold": "yellow_threshold",
    "warning_threshold": "yellow_threshold",
    "red": "red_threshold",
    "critical_threshold": "red_threshold",
    "trigger": "red_threshold",
    "kri": "indicator",
    "metric": "indicator",
}
"""The names risk registers give the fields: a RAG register's yellow/amber and red thresholds, a KRI."""


class ActionItem(Model):
    """One improvement action. Checked for SMART-ness by `analysis.actions`."""

    id: str | None = Field(default=None, max_length=64, description="Stable id; assigned by the store if empty.")
    # A blank action does not refuse the whole list: it is kept and `check_actions` reports it alone.
    action: str = Field(max_length=MAX_TEXT_CHARS, description="What to do; starts with a verb.")
    owner: str | None = Field(default=None, max_length=MAX_NAME_CHARS, description="Exactly one accountable owner.")
    due: BoundedDate | None = Field(
        default=None,
        description="Due date after the review: YYYY-MM-DD or as written ('2025年7月3日', '7月3日', 'T+30', "
        "'4周内', '下周五', '月底前', 'in 2 weeks'), resolved against the review date.",
    )
    due_text: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="The due date as written, kept when it was not YYYY-MM-DD (set by the server).",
    )
    priority: Priority | None = Field(default=None, description="P0 (most urgent) to P3.")
    priority_text: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="The priority as written, kept when it reads as no level (set by the server).",
    )
    addresses: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="The problem or root cause this action answers."
    )
    success_metric: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="Measurable result or definition of done."
    )
    status: ActionStatus = "open"
    status_text: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="The status as written, kept when it reads as no status (set by the server).",
    )
    status_reason: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="Why it will not be done (required for wont_do)."
    )
    evidence: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="Proof that it is done (required for done)."
    )
    kind: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="Action type: mitigate, prevent, detect, process, repair, or a free label.",
    )
    ticket: str | None = Field(
        default=None,
        max_length=2_000,
        description="Where it is tracked: a URL or an issue key such as 'PROJ-123' (not a measurable result).",
    )

    @model_validator(mode="before")
    @classmethod
    def _read_due(cls, data: object) -> object:
        """A due date as people write it: kept in ``due_text``, resolved into ``due`` when it can be
        (relative forms against the review date in force, see `domain.dates.reference_date`). A text
        that gives no date leaves ``due`` empty: the action checks report it for this item alone."""
        if not isinstance(data, dict):
            return data
        due, text = data.get("due"), data.get("due_text")
        if isinstance(due, str) and len(due) > MAX_DATE_CHARS:
            return data  # refused by the field's own bound, never read
        if isinstance(due, str) and (not due.strip() or is_no_due(due)):
            data = {**data, "due": None}
            due = None
        if isinstance(due, str) and not _is_iso_date(due.strip()):  # '2024-02-30' too: reported for this action
            text = due.strip()
        elif due is not None or not isinstance(text, str) or not text.strip():
            return data
        text = text.encode("utf-8", "replace").decode("utf-8")[:MAX_NAME_CHARS]  # no lone surrogates kept
        reading = read_due(text, current_reference())
        return {**data, "due": reading.date, "due_text": text}

    @model_validator(mode="before")
    @classmethod
    def _words_as_written(cls, data: object) -> object:
        """A priority or status that reads as none of its values ('high', '高', 'blocked') is not guessed
        and does not refuse the whole list: the field keeps its default (no priority; open), the word is
        kept in ``priority_text`` / ``status_text`` (so the store, reports and exports keep what was
        typed) and `check_actions` reports it for this action alone."""
        return _keep_unread(data, (("priority", _PRIORITIES, _priority_word), ("status", _STATUSES, status_word)))

    @model_validator(mode="before")
    @classmethod
    def _trackers_words(cls, data: object) -> object:
        """The fields under the names trackers and people give them ('task', 'assignee', 'deadline'); last
        defined, so it runs before the readings above, which look for the fields' own names."""
        return renamed_keys(data, _ACTION_ALIASES)

    @property
    def unread_words(self) -> dict[str, str]:
        """The priority / status as written when it could not be read as one of its values."""
        return _unread_texts(self, ("priority", "status"))

    @field_validator("owner", mode="before")
    @classmethod
    def _owner_list(cls, value: object) -> object:
        return owner_list(value)

    @field_validator("priority", mode="before")
    @classmethod
    def _priority_case(cls, value: object) -> object:
        """'p1', ' P2 ' as written ('high' is left out before, by `_words_as_written`: no level is guessed)."""
        return _priority_word(value)

    @field_validator("status", mode="before")
    @classmethod
    def _status_word(cls, value: object) -> object:
        return status_word(value)

    @field_validator("kind")
    @classmethod
    def _canonical_kind(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return action_kind(value)


class Risk(Model):
    """A risk to watch, with the thresholds that raise the alarm and the response."""

    # A blank risk does not refuse the whole list: it is kept and `check_risks` reports it alone.
    risk: str = Field(max_length=MAX_TEXT_CHARS, description="What could go wrong.")
    indicator: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="The signal that is watched.")
    yellow_threshold: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    red_threshold: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    response: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="What is done when it fires.")
    owner: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    likelihood: RiskLevel | None = Field(default=None, description="low, medium or high (also 高/中/低, H/M/L).")
    impact: RiskLevel | None = Field(default=None, description="low, medium or high (also 高/中/低, H/M/L).")

    likelihood_text: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="The likelihood as written, kept when it reads as no level (set by the server).",
    )
    impact_text: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description="The impact as written, kept when it reads as no level (set by the server).",
    )

    @model_validator(mode="before")
    @classmethod
    def _levels_as_written(cls, data: object) -> object:
        """A likelihood or impact that reads as no level ('3', '3×4', 'Likely') is not guessed and does
        not refuse the whole list: the field is left empty, the word kept in ``likelihood_text`` /
        ``impact_text`` and `check_risks` reports it for this risk."""
        return _keep_unread(data, (("likelihood", _RISK_LEVELS, risk_level), ("impact", _RISK_LEVELS, risk_level)))

    @model_validator(mode="before")
    @classmethod
    def _other_words(cls, data: object) -> object:
        """'mitigation', 'assignee', 'probability', 'yellow', 'red' … under the fields' names (runs before the reading
        above)."""
        return renamed_keys(data, _RISK_ALIASES)

    @property
    def unread_levels(self) -> dict[str, str]:
        """The likelihood / impact as written when it could not be read as low, medium or high."""
        return _unread_texts(self, ("likelihood", "impact"))

    @field_validator("likelihood", "impact", mode="before")
    @classmethod
    def _level_word(cls, value: object) -> object:
        return risk_level(value)

    @field_validator("owner", mode="before")
    @classmethod
    def _owner_list(cls, value: object) -> object:
        return owner_list(value)


# --- Results of `analysis.actions.check_actions` / `check_risks` (added; the inputs above are unchanged) ---


class ActionChecklist(BaseModel):
    """The five checks that make an action checkable; the SMART score counts the true ones."""

    verb: bool = Field(description="Starts with a concrete verb (not a noun phrase, not a vague verb).")
    owner: bool = Field(description="Exactly one accountable owner.")
    due: bool = Field(description="An absolute due date after the review date.")
    metric: bool = Field(description="A measurable result: a number, comparator, percentage or date.")
    addresses: bool = Field(description="Names the problem or root cause it answers (matching a known one).")


class ActionCheck(BaseModel):
    index: int = Field(description="Position in the input list, from 0.")
    id: str | None = None
    action: str
    checklist: ActionChecklist
    score: int = Field(ge=0, le=5, description="How many of the five checks pass.")
    suggested_due: dt.date | None = Field(
        default=None, description="Computed from a relative phrase ('T+30', '4-6周内') and the review date."
    )
    matched_addresses: str | None = Field(
        default=None, description="The known problem or root cause that `addresses` was matched to."
    )
    overdue: bool | None = Field(
        default=None, description="Open and due before the reference date (`as_of`); set when one is known."
    )
    days_overdue: int | None = Field(
        default=None, description="Days past due as of the reference date (0 when not overdue); set with `overdue`."
    )
    findings: list[Finding] = Field(default_factory=list)


class ActionCounts(BaseModel):
    total: int = 0
    complete: int = Field(default=0, description="Actions passing all five checks with no error.")
    with_errors: int = 0
    with_warnings: int = 0
    overdue: int = 0
    average_score: float | None = None
    by_status: dict[str, int] = Field(default_factory=dict)
    by_code: dict[str, int] = Field(default_factory=dict)
    set_aside: int = Field(default=0, description="Actions set aside for a wrong shape (see `set_aside`).")


class ActionCheckResult(BaseModel):
    actions: list[ActionCheck] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list, description="Findings about the list as a whole.")
    set_aside: list[ItemError] = Field(
        default_factory=list,
        description="Actions not checked because their shape is wrong (an unknown field, a wrong type, not an "
        "object): each with its place and the fix. The others are checked as if they were absent.",
    )
    counts: ActionCounts
    data_gaps: list[DataGap] = Field(default_factory=list)
    language: Language = Field(default="zh", description="Language of the messages.")
    as_of: AsOf | None = Field(
        default=None,
        description="The date overdue is counted from: the review date, an explicit as_of, or today as the "
        "fallback when there is no review date; None when no date was known (no overdue check).",
    )


class Threshold(BaseModel):
    """A threshold as parsed: which way it fires, the number and its unit."""

    direction: Literal["below", "above"] | None = Field(
        default=None, description="'below': fires when the indicator falls under the value; 'above': over it."
    )
    value: float
    unit: str | None = None


class RiskCheck(BaseModel):
    index: int
    risk: str
    yellow: Threshold | None = None
    red: Threshold | None = None
    complete: bool = Field(description="Indicator, both thresholds, response and one owner, and no error.")
    findings: list[Finding] = Field(default_factory=list)


class RiskCounts(BaseModel):
    total: int = 0
    complete: int = 0
    with_errors: int = 0
    with_warnings: int = 0
    by_code: dict[str, int] = Field(default_factory=dict)
    set_aside: int = Field(default=0, description="Risks set aside for a wrong shape (see `set_aside`).")


class RiskCheckResult(BaseModel):
    risks: list[RiskCheck] = Field(default_factory=list)
    set_aside: list[ItemError] = Field(
        default_factory=list,
        description="Risks not checked because their shape is wrong (an unknown field, a wrong type, not an "
        "object): each with its place and the fix. The others are checked as if they were absent.",
    )
    counts: RiskCounts
    data_gaps: list[DataGap] = Field(default_factory=list)
    language: Language = Field(default="zh", description="Language of the messages.")


class CauseCoverage(BaseModel):
    """One root cause and the actions that answer it."""

    index: int = Field(description="Position among the root causes, from 0.")
    cause: str
    source: str = Field(description="Where the cause comes from, as a path: 'five_whys[0]', 'contributing_factors[1]'.")
    actions: list[int] = Field(default_factory=list, description="Indexes of the actions that answer it.")
    kinds: list[str] = Field(default_factory=list, description="The kinds of those actions.")
    answered: bool = Field(description="At least one action answers it.")
    prevented: bool = Field(description="At least one of those actions is of kind 'prevent'.")


class RootCauseCoverage(BaseModel):
    """Every root cause against the actions: answered at all, and answered by a prevention."""

    causes: list[CauseCoverage] = Field(default_factory=list)
    answered: int = 0
    prevented: int = 0
    findings: list[Finding] = Field(default_factory=list)
