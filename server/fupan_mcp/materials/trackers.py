"""Tracker exports into action items and risks. Pure: cells in, models out.

Column names are those the trackers document for their exports:
- Jira (Issues → Export → CSV): Summary, Issue key, Issue id, Issue Type, Status, Priority, Assignee,
  Reporter, Created, Updated, Due date, Resolution, Resolved, Labels (repeated once per label), Description;
  the Chinese UI writes 概要, 问题关键字, 问题类型, 状态, 优先级, 经办人, 到期日, 解决结果, 标签.
- Linear (Export CSV): ID, Team, Title, Description, Status, Priority, Assignee, Labels, Created, Updated,
  Completed, Canceled, Due Date, Project, Cycle Name...; priority words Urgent, High, Medium, Low, No priority.
- GitHub issues (``gh issue list --json number,title,state,assignees,milestone,url,labels`` flattened to
  CSV, or a Projects table export): number, title, state, stateReason, assignees, url, labels, milestone,
  milestone due (dueOn), closedAt; a project export names them Title, Assignees, Status, URL, Milestone.

- Other trackers' exports and 复盘 tables: Asana (Task ID, Name, Assignee, Assignee Email, Due Date, Completed
  At, Section/Column), Trello (Card ID, Card Name, Members, Due Date, Due Complete, List Name), ClickUp (Task
  Name, Assignees '[A, B]', Due Date and its '(Unix)' copy, Date Closed), monday.com (Name, Person, Status,
  Timeline), Notion (Name, Assign, Due, a Completed checkbox), 禅道 (Bug编号, Bug标题, 指派给, Bug状态, 解决方案),
  TAPD (标题, 处理人, 状态), Teambition (任务ID, 内容, 执行者), the SRE book's Action Item | Type | Owner | Bug.
  With no status written, the status comes from the resolution, a Status Category, a mark on the bug cell,
  a done flag, a completion date, or the board column; a risk register (风险 | 可能性 | 影响) gives risks.

A row typed or labelled as a risk (Issue Type "Risk", a "risk"/"风险" label) becomes a `Risk`; every other
row an `ActionItem` with owner, due, status, priority and ticket (the issue key, the Linear ID, or the
GitHub URL or #number). A closed ticket is done with the ticket as its evidence; a won't-do one carries
the resolution as its reason. Columns that fill no field are listed; cells that cannot be read (a date
that could be day/month or month/day, an unknown status) are reported by row and column.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from fupan_mcp.domain.actions import (
    ACTION_KINDS,
    ActionItem,
    ActionStatus,
    Priority,
    Risk,
    action_kind,
    is_ongoing,
    is_sprint_relative,
    read_due,
    risk_level,
)
from fupan_mcp.domain.materials import (
    CellProblem,
    ColumnMapping,
    ImportedAction,
    ImportedRisk,
    MaterialNote,
    TrackerSource,
)
from fupan_mcp.domain.statuses import STATUS_WORDS, STRUCK, affirmed, read_status
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, tr
from fupan_mcp.limits import MAX_ACTIONS, MAX_NAME_CHARS, MAX_TEXT_CHARS
from fupan_mcp.materials.headers import FieldSpec, Header, find_header, match_field, normalize_label
from fupan_mcp.materials.metrics import is_placeholder, localize_notes
from fupan_mcp.materials.strings import TEXT
from fupan_mcp.materials.tables import Cell, Note, Sheet, cells_text, extra_cells, single_column_reason

__all__ = ["TRACKER_FIELDS", "TrackerTable", "action_header", "parse_date", "read_tracker"]

TRACKER_FIELDS: tuple[FieldSpec, ...] = (
    # Columns whose names hold a field's word but fill no field: Jira's 'Status Category Changed' (a date) was
    # read as the status when Status was empty, 'Parent summary' as a second title, Linear's 'SLA Status' as
    # the status. Matched first by their whole name, listed as unused.
    FieldSpec(
        "unused",
        (
            "statuscategorychanged",
            "parentsummary",
            "parentstatus",
            "slastatus",
            "epiclinksummary",
            "epicstatus",
            "sprintstatus",
            "父级概要",
            "状态类别已更改",
        ),
        (),
    ),
    FieldSpec(
        "ticket_key",
        (
            "issuekey",
            "key",
            "问题关键字",
            "关键字",
            "问题键",
            "identifier",
            "issueidentifier",
            "工单号",
            "编号",
            "ticket",
            "任务id",
            "任务编号",
            "bug编号",
            "需求编号",
            "cardid",
            "taskid",
        ),
        ("issuekey", "问题关键字", "工单"),
    ),
    FieldSpec("ticket_id", ("id", "issueid", "问题id"), ()),
    FieldSpec("url", ("url", "link", "issueurl", "链接", "htmlurl"), ("url", "链接")),
    FieldSpec("number", ("number", "#", "no", "issuenumber", "序号"), ()),
    FieldSpec(
        "due",
        (
            "duedate",
            "due",
            "dueon",
            "到期日",
            "到期时间",
            "截止日期",
            "截止时间",
            "截止",
            "期限",
            "完成期限",
            "计划完成日期",
            "计划完成时间",
            "targetdate",
            "targetend",
            "目标完成日期",
            "deadline",
            "milestonedue",
            "milestonedueon",
            "milestoneduedate",
            "时间节点",
            "完成时限",
            "整改时限",
            "预计完成时间",
            "预计完成日期",
            "要求完成时间",
        ),
        ("due", "deadline", "截止", "到期", "期限", "时限", "计划完成"),
    ),
    FieldSpec(
        "resolved",
        (
            "resolved",
            "resolutiondate",
            "closedat",
            "closed",
            "completed",
            "completedat",
            "解决时间",
            "完成时间",
            "关闭时间",
            "已解决",
            "实际完成时间",
            "实际完成日期",
            "实际完成",
            "解决日期",
            "关闭日期",
            "completeddate",
            "datecompleted",
            "dateclosed",
            "closeddate",
            "closedon",
            "completedon",
        ),
        ("resolved", "closedat", "completedat", "解决时间", "关闭时间"),
    ),
    FieldSpec("board_column", ("listname", "sectioncolumn", "section", "boardcolumn", "看板列", "所属列", "泳道"), ()),
    FieldSpec(
        "done_flag",
        (
            "duecomplete",
            "是否完成",
            "是否已完成",
            "是否闭环",
            "done?",
            "completed?",
            "iscompleted",
            "isdone",
            "done",
            "complete",
            "finished",
            "完成",
            "已完成",
            "✓",
            "✅",
        ),
        (),
    ),
    FieldSpec(
        "resolution", ("resolution", "解决结果", "解决方案", "statereason", "关闭原因"), ("resolution", "解决结果")
    ),
    FieldSpec(
        "timeline", ("timeline", "起止时间", "起止日期", "时间范围", "日期范围", "daterange", "计划起止时间"), ()
    ),
    FieldSpec("status_category", ("statuscategory", "状态类别", "状态分类"), ()),
    FieldSpec(
        "status",
        (
            "status",
            "state",
            "状态",
            "进展",
            "进度",
            "当前状态",
            "当前进展",
            "最新进展",
            "进展情况",
            "执行情况",
            "完成情况",
            "完成状态",
            "整改情况",
            "落实情况",
        ),
        ("status", "状态", "进展", "进度", "progress"),
    ),
    FieldSpec("priority", ("priority", "优先级", "紧急程度", "紧急度"), ("priority", "优先级")),
    FieldSpec(
        "issue_type",
        ("issuetype", "type", "问题类型", "类型", "kind", "工单类型", "事项类型"),
        ("issuetype", "问题类型"),
    ),
    FieldSpec("labels", ("labels", "label", "标签", "tags"), ("label", "标签")),
    FieldSpec(
        "likelihood",
        ("likelihood", "probability", "可能性", "发生概率", "概率"),
        ("likelihood", "probability", "可能性", "概率"),
    ),
    FieldSpec("impact", ("impact", "影响", "影响程度", "严重程度", "severity"), ("impact", "影响")),
    FieldSpec(
        "response",
        ("mitigation", "response", "应对措施", "应对", "预案", "缓解措施", "contingency"),
        ("mitigation", "应对", "预案"),
    ),
    FieldSpec("owner_email", ("assigneeemail", "owneremail", "负责人邮箱", "处理人邮箱"), ()),
    FieldSpec(
        "owner",
        (
            "assignee",
            "assignees",
            "owner",
            "owners",
            "经办人",
            "负责人",
            "处理人",
            "责任人",
            "跟进人",
            "执行人",
            "assignedto",
            "dri",
            "指派给",
            "当前指派",
            "当前处理人",
            "执行者",
            "person",
            "people",
            "assign",
            "members",
            "responsible",
            "承办人",
        ),
        ("assignee", "owner", "负责人", "经办人", "责任人", "处理人"),
    ),
    FieldSpec("kind", ("actiontype", "actionkind", "行动类型", "措施类型", "改进类型", "kind", "category"), ()),
    FieldSpec(
        "addresses",
        (
            "问题",
            "问题描述",
            "根因",
            "根本原因",
            "原因",
            "对应问题",
            "针对问题",
            "发现的问题",
            "rootcause",
            "cause",
            "problem",
            "addresses",
            "contributingfactor",
        ),
        (),
    ),
    FieldSpec(
        "success_metric",
        (
            "successmetric",
            "definitionofdone",
            "acceptancecriteria",
            "验收标准",
            "完成标准",
            "衡量指标",
            "成功标准",
            "预期结果",
        ),
        ("验收标准", "完成标准", "acceptance", "definitionofdone"),
    ),
    FieldSpec(
        "action",
        (
            "summary",
            "title",
            "概要",
            "标题",
            "主题",
            "摘要",
            "任务",
            "任务名称",
            "事项",
            "行动项",
            "改进项",
            "改进措施",
            "措施",
            "action",
            "actionitem",
            "actionitems",
            "task",
            "name",
            "cardname",
            "taskname",
            "followup",
            "followups",
            "followupitem",
            "followupaction",
            "correctiveaction",
            "跟进项",
            "后续事项",
            "待办事项",
            "风险",
            "risk",
            "内容",
            "风险描述",
            "风险项",
            "风险点",
            "风险事项",
            "风险名称",
            "riskdescription",
            "riskname",
            "risktitle",
        ),
        ("summary", "title", "概要", "标题", "行动", "改进", "措施", "任务", "action"),
    ),
)

_UNDONE_RESOLUTIONS = (
    *STATUS_WORDS[0][1],
    "cannot reproduce",
    "can't reproduce",
    "incomplete",
    "declined",
    "abandoned",
    "not a bug",
    "works as designed",
    "works as intended",
    "won't implement",
)
"""Jira resolutions that close an issue without doing it: with one of them, 'Closed' is not done (Closed /
Incomplete, Closed / Declined were imported as done, with the closing as evidence)."""
_UNRESOLVED = frozenset({"unresolved", "未解决", "open", "none", "无"})
"""How Jira writes an issue with no resolution yet (its UI and some exports): not an ending."""


_PRIORITY: tuple[tuple[Priority, tuple[str, ...]], ...] = (
    (
        "P0",
        (
            "p0", "highest", "blocker", "critical", "urgent", "紧急", "最高", "阻塞级", "1 - urgent", "urgent (1)",
            "非常紧急", "特急", "极高", "重要且紧急", "重要紧急",
        ),
    ),
    ("P1", ("p1", "high", "major", "高", "重要", "高优", "高优先级", "较高", "重要不紧急")),
    ("P2", ("p2", "medium", "normal", "中", "一般", "中优", "中优先级", "中等", "普通", "正常", "紧急不重要")),
    (
        "P3",
        ("p3", "p4", "low", "lowest", "minor", "trivial", "低", "最低", "次要", "低优", "低优先级", "较低",
         "不重要不紧急"),
    ),
)  # fmt: skip
_PRIORITY_NUMBERED = re.compile(r"^(?:p(?P<p>[0-4])|(?P<n>[0-4]))\s*(?:[-–—:：.)）(（]\s*(?P<word>.*?)[)）]?)?$")
"""'P1 - Critical', 'P0-紧急', '2 - High' (Linear's numbered priorities), '3 (Medium)': the number gives it."""
_NO_PRIORITY = frozenset({"no priority", "none", "无", "0"})
_LEVEL_PRIORITY: tuple[Priority, ...] = ("P0", "P1", "P2", "P3")
_SIGNS = re.compile(r"[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d!！]+")
_LINEAR_PRIORITY: dict[str, Priority] = {"1": "P0", "2": "P1", "3": "P2", "4": "P3"}
Level = Literal["low", "medium", "high"]
_LEVELS: tuple[tuple[Level, tuple[str, ...]], ...] = (
    ("high", ("high", "高", "大", "严重", "h")),
    ("medium", ("medium", "中", "一般", "m", "moderate")),
    ("low", ("low", "低", "小", "轻微", "l", "minor")),
)
_RISK_WORDS = ("risk", "风险")

_MONTHS = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T（(].*)?$")
_ZH_DATE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?")
_JIRA = re.compile(r"^(\d{1,2})[/ -]([A-Za-z]{3})[a-z]*[/ -](\d{2,4})(?:\s.*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?:\s.*)?$")
_DOTTED = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}(?:\s.*)?$")
_EN_DATE = re.compile(r"^([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+(?=\S)", re.IGNORECASE)
"""'Tue, 12 Mar 2024 15:00:00 +0800' (RFC 2822), 'Tue Mar 12 2024' (a script's toDateString), 'Tuesday, March
12th 2024': the weekday before the date says nothing more (each was unreadable)."""


_MONTH_WORD = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DATE_TOKEN = re.compile(
    rf"\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}"
    rf"|\b{_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+\d{{4}})?|\b\d{{1,2}}[\s-]{_MONTH_WORD}(?:[\s-]\d{{2,4}})?",
    re.IGNORECASE,
)
_MOVED_TO = re.compile(
    r"^\s*(?:→|->|=>|⇒|➝|»|>)\s*$|\b(?:moved|pushed|slipped|extended|delayed|postponed|changed|rescheduled)\s+to\b"
    r"|\b(?:now|new(?: due)?|revised|updated)\b\s*:?\s*$",
    re.IGNORECASE,
)
_MOVED_FROM = re.compile(
    r"^\s*[(\[]?\s*(?:was|moved from|originally|orig\.?|previously|from|initially|planned)\b", re.IGNORECASE
)


def _one_due(value: str) -> str | None:
    """The one due date of a cell that writes two: the struck-out one goes ('~~2026-11-30~~ 2026-12-15'), a move
    keeps its new date ('2026-11-30 → 2026-12-15', 'moved to Dec 15, 2026'), an old one in brackets goes
    ('2026-12-15 (was 2026-11-30)'); any other pair (a span, two options) is None: no date is chosen for it.
    A cell with one date or none comes back as it is. Reading the first of two dates made an action due on
    the date it was moved from, and overdue by it."""
    value = STRUCK.sub(" ", value).strip() if "~~" in value or "<" in value else value
    found = list(_DATE_TOKEN.finditer(value))
    if len(found) < 2:
        return value
    between = value[found[0].end() : found[1].start()]
    if len(found) == 2 and _MOVED_TO.search(between):
        return found[1].group()
    if len(found) == 2 and _MOVED_FROM.match(between):
        return found[0].group()
    return None


def parse_date(text: str, year_first: bool = False) -> dt.date | str | None:
    """A date as trackers write it; ``"ambiguous"`` for 03/04/2024; None when it is no date at all.

    ``year_first``: the table is Chinese, where a two-digit year leads ('26/12/31', '26.12.15' is
    2026-12-31, 2026-12-15); read day first those were 2031 and 2015, so when both readings hold it is
    ambiguous."""
    weekday = _WEEKDAY.match(text.strip())
    if weekday is not None:
        read = parse_date(_WEEKDAY.sub("", text.strip()), year_first)
        if read == "ambiguous":  # 'Monday, 03/04/2024': the weekday tells 4 March from 3 April
            return _by_weekday(_WEEKDAY.sub("", text.strip()), weekday.group().strip(" ,.").casefold()[:3])
        return read
    one = _one_due(text.strip())
    if one is None:
        return None
    value = one
    for pattern in (_ISO, _ZH_DATE):
        match = pattern.match(value)
        if match:
            return _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _JIRA.match(value)
    if match and match.group(2).lower()[:3] in _MONTHS:
        return _date(_year(match.group(3)), _MONTHS[match.group(2).lower()[:3]], int(match.group(1)))
    match = _EN_DATE.match(value)
    if match and match.group(1).lower()[:3] in _MONTHS:
        return _date(int(match.group(3)), _MONTHS[match.group(1).lower()[:3]], int(match.group(2)))
    match = _NUMERIC.match(value)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        if year_first and len(match.group(3)) == 2 and first > 12 and second <= 12 and 1 <= int(match.group(3)) <= 31:
            return "ambiguous"  # '26/12/31': 26 Dec 2031, or 2026-12-31 as Chinese tables write yy/mm/dd
        if first > 12:
            return _date(year, second, first)
        if second > 12:
            return _date(year, first, second)
        if _DOTTED.match(value) and not (year_first and len(match.group(3)) == 2):
            return _date(year, second, first)  # '12.03.2024': a dotted date is day first wherever it is written
        return _date(year, first, second) if first == second else "ambiguous"
    # a month or a quarter with its year ('2025年1月', 'Jan 2025', '2025 Q1'): due at its end, as check_actions reads it
    return read_due(value, None).date


_RELATIVE_DATE = re.compile(
    r"(?:下|本|这|上|次)\s*(?:周|星期|礼拜|个?月|季度?)|明天|后天|今天|^月底|^月末|周末|下班前|尽快|"
    r"\b(?:next|this|coming)\s+(?:week|month|quarter|monday|tuesday|wednesday|thursday|friday|sprint)\b|"
    r"\b(?:tomorrow|today|asap|soon|later|eow|eom|eoq)\b|随后|近期|稍后",
    re.IGNORECASE,
)
_INCOMPLETE_DATE = re.compile(
    r"^(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号]?|底|初|中旬?|上旬|下旬|末)?|[qQ][1-4]|[一二三四1-4]\s*季度|"
    r"(?:上|下)半年|h[12]|\d{1,2}[/.-]\d{1,2}|(?:end of |mid-?|early |late )?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{1,2})?)(?:\s*(?:前|之前|左右))?$",
    re.IGNORECASE,
)


def vague_date(text: str) -> str:
    """'relative_date' for 下周五 or next Friday (relative to a day the table does not give),
    'incomplete_date' for 6月底, Q3 or 6/30 (no year), else 'none'."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if _RELATIVE_DATE.search(folded):
        return "relative_date"
    if _INCOMPLETE_DATE.match(folded) or re.match(r"^(?:20\d\d\s*年?\s*)?(?:[qQ][1-4]|h[12])$", folded):
        return "incomplete_date" if not re.match(r"^20\d\d", folded) else "vague_period"
    return "none"


def _by_weekday(text: str, weekday: str) -> dt.date | str:
    """The one reading of an ambiguous numeric date that falls on ``weekday`` ('mon'...), else ambiguous."""
    match = _NUMERIC.match(text)
    if match is None:
        return "ambiguous"
    first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    fits = [d for d in (_date(year, first, second), _date(year, second, first)) if d and days[d.weekday()] == weekday]
    return fits[0] if len(fits) == 1 else "ambiguous"


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_YES = frozenset({"true", "yes", "y", "是", "已完成", "完成", "1", "✓", "✔", "✅", "x", "done", "√"})
_NO = frozenset({"false", "no", "n", "否", "未完成", "0", "✗", "✘", "❌", "×"})
_PLANNED_COMPLETION = frozenset({"完成时间", "完成日期", "completed", "closed"})
"""Completion labels a plan table also uses for the date an item is to be done by: a completion only beside
a due column."""
_MD_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _json_names(text: str) -> str:
    """A cell holding the JSON of ``gh issue list --json assignees,labels`` or of an API dump
    ('[{"login": "octocat"}, {"login": "hubot"}]', '[{"name": "bug"}]', '{"displayName": "Ann Lee"}') as its
    names joined by ', ' (the JSON itself was an owner and a label); any other text as it is."""
    value = text.strip()
    if not value.startswith(("[{", "{")) and value not in ("[]", "{}"):
        return text
    try:
        data = json.loads(value)
    except ValueError:
        return text
    items = data if isinstance(data, list) else [data]
    names = []
    for item in items:
        if not isinstance(item, dict):
            return text
        found = next((item[k] for k in _JSON_NAME_KEYS if isinstance(item.get(k), str) and item[k].strip()), None)
        if found is None:
            return text
        names.append(found.strip())
    return ", ".join(names)


_JSON_NAME_KEYS = ("login", "displayName", "display_name", "name", "username", "email", "emailAddress")


def _plain(text: str) -> str:
    """A markdown table cell's title as its words: '[Add the alert](https://…)' is 'Add the alert', a '<br>'
    a line break (the link's address stays the ticket's when the ticket column gives it)."""
    if "[" not in text and "<" not in text:
        return text
    return _BREAK.sub("\n", _MD_LINK.sub(lambda m: m.group(1), text)).strip()


_UNIX_COPY = re.compile(r"[(（]\s*unix\s*[)）]\s*$", re.IGNORECASE)
_BRACKETED = re.compile(r"^\s*\[\s*(.*?)\s*\]\s*$", re.DOTALL)
_SPAN = re.compile(r"\s*(?:-|–|—|~|～|→|->|至|到|to|until|till)\s*", re.IGNORECASE)
_EXCEL_DAY_ZERO = dt.date(1899, 12, 30)


def _excel_serial(text: str) -> dt.date | None:
    """The day an Excel serial number names ('45366' is 2024-03-15), for a number from 2000 to 2099 only
    (36526-73050: five digits no other date form writes); its time of day, if any, dropped."""
    match = re.fullmatch(r"\s*(\d{5})(?:\.\d+)?\s*", text)
    if match is None or not 36526 <= int(match[1]) <= 73050:
        return None
    return _EXCEL_DAY_ZERO + dt.timedelta(days=int(match[1]))


_ROW_NUMBER_LABELS = frozenset({"序号", "编号", "no", "#", "number", "num", "序", "行号", "item"})
_UNDONE_LABELS = frozenset(
    {"wontfix", "won't fix", "wont fix", "wont-fix", "won't do", "wont-do", "duplicate", "invalid", "not planned"}
)
_RISK_TITLES = frozenset({"risk", "risks", "风险", "riskitem", "riskdescription", "riskname", "risktitle"})
_BUG_LABELS = frozenset({"bug", "bugs", "bugid", "trackingbug", "bug#"})
_BOLD_MARK = re.compile(r"^(?P<ticket>.*?)\s*(?:\*\*|__)\s*(?P<mark>[^*_]{1,40}?)\s*(?:\*\*|__)\s*$")
_CAPS_MARK = re.compile(
    r"^(?P<ticket>.*?)\s*\b(?P<mark>DONE|TODO|TO DO|WIP|OPEN|CLOSED|FIXED|IN PROGRESS|BLOCKED|WONTFIX|WON'T FIX)$"
)
_NO_TICKET = frozenset({"", "n/a", "na", "none", "-", "—", "无", "暂无"})


def _ticket_marker(text: str) -> tuple[str | None, str | None]:
    """A ticket cell split into its ticket and the status marked after it: 'Bug 5554823 **TODO**' is
    ('Bug 5554823', 'TODO'), 'n/a DONE' (None, 'DONE'), 'OPS-12' ('OPS-12', None). A marker is a bold
    word, or a status word in capitals; 'n/a' names no ticket."""
    value = text.strip()
    match = _BOLD_MARK.match(value) or _CAPS_MARK.match(value)
    ticket, mark = (match["ticket"].strip(), match["mark"]) if match else (value, None)
    return (None if ticket.casefold() in _NO_TICKET else ticket), mark


@dataclass
class TrackerTable:
    header: Header
    source: TrackerSource
    columns: list[ColumnMapping]
    unused_columns: list[str]
    actions: list[ActionItem]
    action_sources: list[ImportedAction]
    risks: list[Risk]
    risk_sources: list[ImportedRisk]
    problems: list[CellProblem] = field(default_factory=list)
    notes: list[MaterialNote] = field(default_factory=list)


def _accept(named: set[str]) -> bool:
    return "action" in named and bool(named - {"action"})


def action_header(rows: Sequence[Sequence[Cell]], *, strict: bool = False) -> Header | None:
    """The header of a tracker export or of an action table; ``strict`` wants an owner or due column."""
    if strict:
        return find_header(rows, TRACKER_FIELDS, lambda named: "action" in named and bool(named & {"owner", "due"}))
    return find_header(rows, TRACKER_FIELDS, _accept)


def _source(labels: Sequence[str]) -> TrackerSource:
    folded = {label.casefold().replace(" ", "") for label in labels}
    if "issuekey" in folded or "summary" in folded:
        return "jira"
    if {"id", "title", "team"} <= folded or ("cyclename" in folded and "title" in folded):
        return "linear"
    if "title" in folded and ("number" in folded or "url" in folded) and bool(folded & {"state", "assignees"}):
        return "github"
    return "generic"


def read_tracker(
    sheet: Sheet, language: Language, *, row_offset: int = 0, header: Header | None = None
) -> TrackerTable:
    """Actions and risks of ``sheet``. Raises `InputError` when there is no header with a title column."""
    rows = sheet.rows
    if not rows:
        raise InputError("content", tr(TEXT, "err.empty", language))
    header = header or action_header(rows)
    if header is None:
        needed = "Summary/Title/概要, Assignee/负责人, Due date/截止日期, Status/状态"
        why = single_column_reason(
            rows, lambda text: len({match_field(w, TRACKER_FIELDS) for w in text.split()} - {None})
        )
        if why is not None:
            reason = tr(TEXT, f"why.{why}", language)
            count = min(len(rows), 30)
            raise InputError(
                "content", tr(TEXT, "err.no_header_single_column", language, rows=count, why=reason, needed=needed)
            )
        raise InputError("content", tr(TEXT, "err.no_header", language, rows=min(len(rows), 30), needed=needed))
    return _TrackerReader(sheet, header, language, row_offset).read()


class _TrackerReader:
    def __init__(self, sheet: Sheet, header: Header, language: Language, offset: int) -> None:
        self.sheet = sheet
        self.header = header
        self.language = language
        self.offset = offset
        self.problems: list[CellProblem] = []
        self.planned_rows: list[int] = []
        self.source = _source(header.labels)
        # Jira repeats a column once per value (Labels, Labels, Labels): every column of a field is read.
        self.orders: dict[int, tuple[str, str] | None] = {}
        self.ordered: dict[int, str] = {}  # columns whose ambiguous dates were read in the order they prove
        self.fields = [
            None if (name and name.removeprefix("duplicate:") == "unused") or _UNIX_COPY.search(label) else name
            for name, label in zip(header.fields, header.labels, strict=True)
        ]  # ClickUp's 'Due Date (Unix)' repeats 'Due Date' as epoch milliseconds, a UTC instant: the text is read
        if "ticket_key" not in self.fields:
            # The SRE book's action table: Action Item | Type | Owner | Bug, the Bug cell 'Bug 5554823 **TODO**'.
            # 'Bug' names the ticket only beside a title column (a bug list's 'Bug' column is its title).
            for j, label in enumerate(header.labels):
                if self.fields[j] is None and normalize_label(label) in _BUG_LABELS:
                    self.fields[j] = "ticket_key"
                    break
        self.by_field: dict[str, list[int]] = {}
        for j, name in enumerate(self.fields):
            if name is not None:
                self.by_field.setdefault(name.removeprefix("duplicate:"), []).append(j)
        # Two due columns (Jira's Due date and a custom Target end): the one named most plainly is read first.
        due_names = next(spec.exact for spec in TRACKER_FIELDS if spec.name == "due")
        rank = {name: k for k, name in enumerate(due_names)}
        self.by_field["due"] = sorted(
            self.by_field.get("due", []), key=lambda j: rank.get(normalize_label(header.labels[j]), len(rank))
        )
        # A risk register (风险 | 可能性 | 影响 | 应对措施, Risk | Likelihood | Impact | Mitigation): every row is
        # a risk. Its rows were imported as actions, their likelihood, impact and response lost.
        titles = [normalize_label(header.labels[j]) for j in self.by_field.get("action", [])]
        self.register = bool(self.by_field.get("likelihood")) or any(
            title in _RISK_TITLES or title.startswith(("风险", "risk")) for title in titles[:1]
        )

    def texts(self, row: Sequence[Cell], name: str) -> list[str]:
        # ClickUp writes a list cell in brackets: Assignees '[John Smith, Mary Smith]', Tags '[sre, postmortem]'
        texts = [_json_names(row[j].text) for j in self.by_field.get(name, []) if not is_placeholder(row[j])]
        return [_BRACKETED.sub(r"\1", text) for text in texts if _BRACKETED.sub(r"\1", text).strip()]

    def first(self, row: Sequence[Cell], name: str) -> tuple[Cell | None, int | None]:
        for j in self.by_field.get(name, []):
            if not is_placeholder(row[j]):
                return row[j], j
        return None, None

    def problem(
        self,
        i: int,
        j: int | None,
        name: str | None,
        code: str,
        severity: str,
        value: str | None,
        key: str | None = None,
        **extra: str,
    ) -> None:
        column = self.header.letter(j) if j is not None else None
        label = self.header.labels[j] if j is not None else None
        row = i + 1 + self.offset
        self.problems.append(
            CellProblem(
                row=row,
                column=column,
                header=label,
                field=name,
                value=value[:100] if value is not None else None,
                code=code,
                severity="error" if severity == "error" else "warning",
                message=tr(
                    TEXT,
                    f"cell.{key or code}",
                    self.language,
                    row=row,
                    column=column,
                    header=label,
                    value=value,
                    **extra,
                ),
            )
        )

    def read(self) -> TrackerTable:
        mappings: list[ColumnMapping] = []
        unused: list[str] = []
        for j, (label, name) in enumerate(zip(self.header.labels, self.fields, strict=True)):
            used = name.removeprefix("duplicate:") if name else None
            mappings.append(ColumnMapping(column=self.header.letter(j), index=j + 1, header=label, field=used))
            if used is None and label:
                unused.append(label)
        notes: list[Note] = []
        title = [row for row in self.sheet.rows[: self.header.rows[0]] if any(not c.empty for c in row)]
        if title:
            notes.append(
                Note("title_rows", {"count": len(title), "text": " | ".join(cells_text(r) for r in title)[:200]})
            )
        actions: list[ActionItem] = []
        action_sources: list[ImportedAction] = []
        risks: list[Risk] = []
        risk_sources: list[ImportedRisk] = []
        data = self.sheet.rows[self.header.end :]
        if len(data) > MAX_ACTIONS:
            raise InputError("content", tr(TEXT, "err.too_many_rows", self.language, rows=len(data), limit=MAX_ACTIONS))
        for k, row in enumerate(data):
            i = self.header.end + k
            if all(is_placeholder(cell) for cell in row):
                continue
            title_cell, _ = self.first(row, "action")
            if title_cell is None:
                self.problem(i, None, None, "missing_title", "error", None)
                continue
            extra = extra_cells(self.sheet, self.header.labels, row)
            if extra:
                self.problem(i, None, None, "extra_cells", "error", " | ".join(c.text for c in row if not c.empty))
                continue
            ticket = self.ticket(row)
            links = _MD_LINK.findall(title_cell.text)
            if ticket is None and len(links) == 1 and links[0][1].startswith(("http://", "https://")):
                ticket = links[0][1][:MAX_NAME_CHARS]  # the title links to its ticket: the address is kept
            row_number = i + 1 + self.offset
            if self.is_risk(row):
                risk = self.risk(i, row, _plain(title_cell.text))
                if risk is not None:
                    risk_sources.append(ImportedRisk(index=len(risks), row=row_number, ticket=ticket))
                    risks.append(risk)
                continue
            action = self.action(i, row, _plain(title_cell.text), ticket)
            if action is not None:
                action_sources.append(ImportedAction(index=len(actions), row=row_number, ticket=ticket))
                actions.append(action)
        for j, proof in self.ordered.items():
            order = self.orders[j]
            key = "day_first" if order and order[0] == "day" else "month_first"
            notes.append(Note(f"date_order_{key}", {"header": self.header.labels[j], "example": proof}))
        if self.planned_rows:
            label = self.header.labels[self.by_field["resolved"][0]]
            shown = ", ".join(map(str, self.planned_rows[:20]))
            notes.append(Note("resolved_as_due", {"header": label, "count": len(self.planned_rows), "rows": shown}))
        return TrackerTable(
            header=self.header,
            source=self.source,
            columns=mappings,
            unused_columns=unused,
            actions=actions,
            action_sources=action_sources,
            risks=risks,
            risk_sources=risk_sources,
            problems=self.problems,
            notes=localize_notes(notes, self.language),
        )

    def ticket(self, row: Sequence[Cell]) -> str | None:
        # GitHub's `id` is an opaque node id: its URL or #number names the issue.
        names = ("ticket_key", "url") if self.source == "github" else ("ticket_key", "ticket_id", "url")
        for name in names:
            cell, j = self.first(row, name)
            if cell is not None and j is not None and not self.row_number(j, cell):
                text = _ticket_marker(cell.text)[0] if name == "ticket_key" else cell.text
                link = _MD_LINK.fullmatch(text.strip()) if text else None
                text = link.group(2) if link else text  # '[OPS-1](https://…/OPS-1)': the link names the ticket
                return text[:MAX_NAME_CHARS] if text else None
        cell, j = self.first(row, "number")
        if cell is not None and j is not None and not self.row_number(j, cell):
            text = cell.text.lstrip("#")
            return f"#{text}" if text else None
        return None

    def row_number(self, j: int, cell: Cell) -> bool:
        """A 序号 / 编号 / No. / # of a plain table counts the rows: '1' is no ticket (it was the ticket, and a
        done row's evidence said '#1'). A GitHub list's number is its issue."""
        label = normalize_label(self.header.labels[j])
        if label in ("issuenumber", "issue#") or (self.source == "github" and label == "number"):
            return False
        return label in _ROW_NUMBER_LABELS and cell.text.strip().lstrip("#").isdigit()

    def is_risk(self, row: Sequence[Cell]) -> bool:
        if self.register:
            return True
        kinds = [text.casefold() for text in self.texts(row, "issue_type")]
        labels = [
            part.strip().casefold() for text in self.texts(row, "labels") for part in re.split(r"[,;，；|]", text)
        ]
        return any(word in kind for kind in kinds for word in _RISK_WORDS) or any(
            label in _RISK_WORDS for label in labels
        )

    def kind(self, row: Sequence[Cell]) -> str | None:
        """The action's type when its type column names one (the SRE book's Type: mitigate, prevent, process;
        预防, 修复): it was left out, every action without a kind. A tracker's issue type (Task, Bug) is none."""
        for text in self.texts(row, "kind") + self.texts(row, "issue_type"):
            kind = action_kind(text)
            if kind in ACTION_KINDS:
                return kind
        return None

    def undone_label(self, row: Sequence[Cell]) -> str | None:
        """A label that closes a ticket undone: GitHub's default wontfix, duplicate, invalid (a closed issue
        so labelled was imported as done)."""
        for text in self.texts(row, "labels"):
            for part in re.split(r"[,;，；|]", text):
                if part.strip().casefold() in _UNDONE_LABELS:
                    return part.strip()
        return None

    def owner(self, row: Sequence[Cell]) -> str | None:
        # Asana writes Assignee and Assignee Email: one person, not two; the address names an owner left unnamed.
        owners = self.texts(row, "owner") or self.texts(row, "owner_email")
        # a cell listing its owners one a line (Alt+Enter in Excel) names them all, not one name with breaks
        names = [name.strip() for text in owners for name in re.split(r"[\r\n]+", text) if name.strip()]
        return ", ".join(names)[:MAX_NAME_CHARS] if names else None

    def due(self, i: int, row: Sequence[Cell], name: str = "due") -> dt.date | None:
        cell, j = self.first(row, name)
        if cell is None:
            return None
        if cell.kind == "date":
            return cell.value  # type: ignore[return-value]
        serial = _excel_serial(cell.text)
        if serial is not None:
            # 45366: a date cell of Excel saved or pasted as its day number (the column's format was General)
            self.problem(i, j, name, "excel_serial_date", "warning", cell.text, date=serial.isoformat())
            return serial
        label = self.header.labels[j] if j is not None else ""
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in label)
        parsed = parse_date(unicodedata.normalize("NFKC", cell.text), year_first=chinese)
        if parsed == "ambiguous" and j is not None:
            parsed = self.in_column_order(j, unicodedata.normalize("NFKC", cell.text).strip())
        if parsed == "ambiguous":
            self.problem(i, j, name, "ambiguous_date", "error", cell.text)
            return None
        if parsed is None or isinstance(parsed, str):
            vague = vague_date(cell.text)
            if vague != "none":
                self.problem(i, j, name, vague, "error", cell.text)
                return None
            if is_sprint_relative(cell.text) or is_ongoing(cell.text):
                # 'Sprint 12', '下个迭代', 'v2.3 release': the team's calendar knows the day, the table does not;
                # '持续', 'ongoing': no end. Each was 'cannot read the date'.
                key = "sprint_due" if is_sprint_relative(cell.text) else "ongoing_due"
                self.problem(i, j, name, "unreadable_date", "error", cell.text, key=key)
                return None
            # two dates that are no move and no span ('2026-11-30 / 2026-12-15'): the message says so
            two = len(_DATE_TOKEN.findall(STRUCK.sub(" ", cell.text))) >= 2
            self.problem(i, j, name, "unreadable_date", "error", cell.text, key="two_dates" if two else None)
            return None
        return parsed

    def timeline_end(self, i: int, row: Sequence[Cell]) -> dt.date | None:
        """The due of a row that gives a span, not a due: monday's Timeline '2024-03-01 - 2024-03-05', 飞书's
        起止时间 '2024/03/01 ~ 2024/03/05' or '3月1日至3月5日' when the year is given. The span ends on its due;
        a span that reads as no two dates is reported."""
        cell, j = self.first(row, "timeline")
        if cell is None:
            return None
        if cell.kind == "date":
            return cell.value  # type: ignore[return-value]
        value = unicodedata.normalize("NFKC", cell.text)
        found = list(_DATE_TOKEN.finditer(value))
        between = value[found[0].end() : found[1].start()].lstrip("日号") if len(found) == 2 else ""
        end = parse_date(found[-1].group()) if found else None
        if len(found) == 1 or (len(found) == 2 and _SPAN.fullmatch(between)):
            if isinstance(end, dt.date):
                return end
            vague = vague_date(found[-1].group())
            if vague != "none":  # 'Mar 1 - Mar 5': no year
                self.problem(i, j, "due", vague, "error", cell.text)
                return None
        self.problem(i, j, "due", "unreadable_date", "error", cell.text)
        return None

    def column_order(self, j: int) -> tuple[str, str] | None:
        """The day/month order a date column proves ('21/03/2024': day first, '03/21/2024': month first), with
        the cell that proves it; None when no cell, or cells of both orders. An export writes one format per
        column, so its '05/03/2024' is read in the order the column proves (each was refused, the dates lost)."""
        if j not in self.orders:
            day = month = None
            for row in self.sheet.rows[self.header.end :]:
                match = _NUMERIC.match(row[j].text.strip()) if j < len(row) and row[j].kind == "text" else None
                if match is None or not self.year_last(j, match):
                    continue
                first, second = int(match.group(1)), int(match.group(2))
                if first > 12 >= second:
                    day = day or row[j].text.strip()
                elif second > 12 >= first:
                    month = month or row[j].text.strip()
            self.orders[j] = ("day", day) if day and not month else ("month", month) if month and not day else None
        return self.orders[j]

    def year_last(self, j: int, match: re.Match[str]) -> bool:
        """The year is the last part: four digits, or two under a label that is not Chinese (a Chinese table
        may write the year first, '26/12/31')."""
        return len(match.group(3)) == 4 or not any("\u4e00" <= ch <= "\u9fff" for ch in self.header.labels[j])

    def in_column_order(self, j: int, text: str) -> dt.date | str | None:
        order = self.column_order(j)
        match = _NUMERIC.match(text)
        if order is None or match is None or not self.year_last(j, match):
            return "ambiguous"
        first, second, year = int(match.group(1)), int(match.group(2)), _year(match.group(3))
        self.ordered.setdefault(j, order[1])
        return _date(year, second, first) if order[0] == "day" else _date(year, first, second)

    def status(self, i: int, row: Sequence[Cell]) -> tuple[ActionStatus, str | None]:
        cell, j = self.first(row, "status")
        if cell is None:
            category, _ = self.first(row, "status_category")
            read = read_status(category.text) if category is not None else None
            if category is not None and read is not None:
                return read, category.text if read in ("done", "wont_do") else None
            return self.resolution_status(i, row)
        status = read_status(cell.text)
        if status is not None:
            return status, cell.text
        category, _ = self.first(row, "status_category")
        read = read_status(category.text) if category is not None else None
        if category is not None and read is not None:
            # Jira's Status Category (To Do, In Progress, Done) places a custom status ('Awaiting Sign-off')
            return read, f"{cell.text} ({category.text})"
        self.problem(i, j, "status", "unknown_status", "warning", cell.text)
        return "open", cell.text

    def resolution_status(self, i: int, row: Sequence[Cell]) -> tuple[ActionStatus, str | None]:
        """With no status written, the resolution says how the ticket ended: a Jira export without its
        Status column, a GitHub list with stateReason alone. 'Fixed' / 'Done' / 'completed' is done, 'Won't
        Do' / 'Duplicate' / 'Cannot Reproduce' / 'not_planned' won't-do, 'Unresolved' open (every such row
        was open, and a fixed one overdue). A resolution read as no ending is reported, taken as open."""
        cell, j = self.first(row, "resolution")
        if cell is None:
            return self.marked_status(i, row)
        folded = cell.text.casefold().strip()
        if folded in _UNRESOLVED:
            return "open", None
        if any(affirmed(folded, word) for word in _UNDONE_RESOLUTIONS):
            return "wont_do", cell.text
        status = read_status(cell.text)
        if status is not None:
            return status, cell.text if status in ("done", "wont_do") else None  # GitHub's 'REOPENED': open
        self.problem(i, j, "resolution", "unknown_status", "warning", cell.text)
        return "open", None

    def marked_status(self, i: int, row: Sequence[Cell]) -> tuple[ActionStatus, str | None]:
        """The status marked on the ticket cell when no column gives one: 'n/a **DONE**', 'Bug 5554823 TODO'
        (the SRE book's action items; every such row was open, the done ones too). A bold word that reads
        as no status is reported, taken as open."""
        cell, j = self.first(row, "ticket_key")
        if cell is None:
            return self.completion_status(i, row)
        _, marker = _ticket_marker(cell.text)
        if marker is None:
            return self.completion_status(i, row)
        status = read_status(marker)
        if status is None:
            self.problem(i, j, "status", "unknown_status", "warning", marker)
            return "open", None
        return status, marker

    def completion_status(self, i: int, row: Sequence[Cell]) -> tuple[ActionStatus, str | None]:
        """Done by a completion written in its own column, when nothing gives a status: a done flag (Trello's
        Due Complete true/false, 是否完成 是/否), or a completion date (Asana's Completed At, 实际完成时间,
        a 完成时间 beside a due column). Every such row was open, the completed ones overdue. A 完成时间
        with no due column is the plan's date (see `action`), no completion; an unread flag is reported."""
        flag, j = self.first(row, "done_flag")
        if flag is not None:
            folded = flag.text.casefold().strip()
            if folded in _YES:
                return "done", f"{self.header.labels[j]}: {flag.text}" if j is not None else flag.text
            if folded in _NO:
                return "open", None
            self.problem(i, j, "status", "unknown_status", "warning", flag.text)
            return "open", None
        cell, j = self.first(row, "resolved")
        if cell is None or j is None:
            return self.board_status(row)
        written = cell.text.casefold().strip()
        if written in _YES or written in _NO:  # a Completed checkbox (Notion exports Yes / No), not a date
            return ("done", f"{self.header.labels[j]}: {cell.text}") if written in _YES else ("open", None)
        completion = normalize_label(self.header.labels[j]) not in _PLANNED_COMPLETION or bool(self.by_field.get("due"))
        dated = cell.kind == "date" or isinstance(parse_date(cell.text), dt.date) or _excel_serial(cell.text)
        if completion and dated:
            return "done", None
        return self.board_status(row)

    def board_status(self, row: Sequence[Cell]) -> tuple[ActionStatus, str | None]:
        """The board column a card sits in (Trello's List Name, Asana's Section/Column) when it is named as a
        status ('Done', '已完成'); a column named otherwise ('Backend', 'Sprint 12') says nothing: open."""
        cell, _ = self.first(row, "board_column")
        status = read_status(cell.text) if cell is not None else None
        if cell is None or status is None:
            return "open", None
        return status, cell.text if status in ("done", "wont_do") else None

    def priority(self, i: int, row: Sequence[Cell]) -> Priority | None:
        cell, j = self.first(row, "priority")
        if cell is None:
            return None
        # '🔥 Urgent', 'Critical ⚠️' (monday's default label), 'Urgent!'
        folded = _SIGNS.sub("", unicodedata.normalize("NFKC", cell.text).casefold()).strip()
        if folded in _NO_PRIORITY or folded in ("0 - no priority", "0 (no priority)"):
            return None
        if folded in _LINEAR_PRIORITY:
            return _LINEAR_PRIORITY[folded]
        for priority, words in _PRIORITY:
            if folded in words or folded.split(" ")[0] in words:
                return priority
        numbered = _PRIORITY_NUMBERED.match(folded)
        if numbered is not None:
            level = min(int(numbered["p"]), 3) if numbered["p"] is not None else None
            word = next((p for p, words in _PRIORITY if numbered["word"] in words), None) if numbered["word"] else None
            if numbered["n"] is not None:
                level = int(numbered["n"]) - 1 if numbered["n"] != "0" else None
            if level is not None and (word is None or word == f"P{level}"):
                return _LEVEL_PRIORITY[level]
            if level is None and numbered["n"] == "0" and word is None:
                return None  # '0 - No priority'
        # a number and a word that disagree ('1 - Low') are no priority: reported
        self.problem(i, j, "priority", "unknown_priority", "warning", cell.text)
        return None

    def level(self, i: int, row: Sequence[Cell], name: str) -> Level | None:
        cell, j = self.first(row, name)
        if cell is None:
            return None
        read = risk_level(cell.text)  # the register words check_risks reads: 'Likely', 'Major', 'High (3)', '很低'
        if read in ("low", "medium", "high"):
            return read
        folded = cell.text.casefold().strip()
        for level, words in _LEVELS:
            if folded in words or any(len(word) > 1 and folded.startswith(word) for word in words):
                return level
        self.problem(i, j, name, "unknown_level", "warning", cell.text)
        return None

    def action(self, i: int, row: Sequence[Cell], text: str, ticket: str | None) -> ActionItem | None:
        status, written = self.status(i, row)
        resolution = ", ".join(self.texts(row, "resolution")) or None
        if status == "done" and resolution and any(affirmed(resolution.casefold(), w) for w in _UNDONE_RESOLUTIONS):
            status = "wont_do"
        closing = self.undone_label(row) if status == "done" else None
        if closing is not None:
            # GitHub closes an issue it will not do with its default label (wontfix, duplicate, invalid)
            status, resolution = "wont_do", resolution or closing
        evidence = status_reason = None
        resolved_cell, _ = self.first(row, "resolved")
        checkbox = resolved_cell is not None and resolved_cell.text.casefold().strip() in _YES | _NO
        if status == "done":
            resolved = self.due(i, row, "resolved") if self.by_field.get("resolved") and not checkbox else None
            parts = [ticket or "", written or "", resolution or "", resolved.isoformat() if resolved else ""]
            evidence = " · ".join(dict.fromkeys(part for part in parts if part)) or None
        elif status == "wont_do":
            status_reason = resolution or written
        metric = self.texts(row, "success_metric")
        due = self.due(i, row)
        if due is None and not self.by_field.get("due") and self.by_field.get("timeline"):
            due = self.timeline_end(i, row)
        planned = not self.by_field.get("due") and bool(self.by_field.get("resolved")) and not checkbox
        if due is None and status != "done" and planned:
            # A plan table's 完成时间 on an item not done is when it is due, not when it was done.
            due = self.due(i, row, "resolved")
            if due is not None:
                self.planned_rows.append(i + 1 + self.offset)
        try:
            return ActionItem(
                action=text[:MAX_TEXT_CHARS],
                owner=self.owner(row),
                due=due,
                priority=self.priority(i, row),
                status=status,
                status_reason=status_reason,
                evidence=evidence,
                success_metric="；".join(metric)[:MAX_TEXT_CHARS] or None,
                addresses="；".join(self.texts(row, "addresses"))[:MAX_TEXT_CHARS] or None,
                kind=self.kind(row),
                ticket=ticket,
            )
        except ValidationError as error:
            self.problem(i, None, None, "missing_title", "error", str(error.errors()[0]["msg"]))
            return None

    def risk(self, i: int, row: Sequence[Cell], text: str) -> Risk | None:
        response = "；".join(self.texts(row, "response")) or None
        cell, j = self.first(row, "status")
        if cell is not None and read_status(cell.text) in ("done", "wont_do"):
            self.problem(i, j, "status", "risk_closed", "warning", cell.text)  # never dropped unsaid
        try:
            return Risk(
                risk=text[:MAX_TEXT_CHARS],
                owner=self.owner(row),
                likelihood=self.level(i, row, "likelihood"),
                impact=self.level(i, row, "impact"),
                response=response[:MAX_TEXT_CHARS] if response else None,
            )
        except ValidationError as error:
            self.problem(i, None, None, "missing_title", "error", str(error.errors()[0]["msg"]))
            return None
