"""Action statuses as trackers and 复盘 tables write them, read into the four statuses. Pure.

Shared by import_actions (materials.trackers) and the actions' own status field (domain.actions), so that
check_actions and import_actions read the same words ('Abandoned' won't-do, '🟢 已完成' done, 'Done -
reverted' no status)."""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["STATUS_MARKS", "STATUS_WORDS", "STRUCK", "affirmed", "read_status"]

ActionStatus = Literal["open", "in_progress", "done", "wont_do"]

STRUCK = re.compile(r"~~[^~]*~~|<(?:del|s)>.*?</(?:del|s)>", re.IGNORECASE)
"""Struck-out text (markdown ~~…~~, <del>/<s>): what it says is withdrawn."""

STATUS_WORDS: tuple[tuple[ActionStatus, tuple[str, ...]], ...] = (
    (
        "wont_do",
        (
            "won't do",
            "wont do",
            "won't fix",
            "wontfix",
            "cancel",
            "duplicate",
            "rejected",
            "not planned",
            "not_planned",
            "obsolete",
            "will not fix",
            "will not do",
            "not needed",
            "no longer needed",
            "not applicable",
            "superseded",
            "out of scope",
            "descoped",
            "no action",
            "merged into",
            "abandoned",
            "dropped",
            "not doing",
            "declined",
            "skipped",
            "not_doing",
            "invalid",
            "works for me",
            "worksforme",
            "已拒绝",
            "驳回",
            "已驳回",
            "无效",
            "设计如此",
            "不予解决",
            "外部原因",
            "无法重现",
            "重复bug",
            "转为需求",
            "已转需求",
            "搁置",
            "已搁置",
            "放弃",
            "已放弃",
            "不做",
            "不处理",
            "取消",
            "已取消",
            "重复",
            "拒绝",
            "关闭-不修复",
            "已废弃",
            "废弃",
            "作废",
            "不再跟进",
            "无需处理",
            "无需修复",
            "暂不处理",
            "不修复",
        ),
    ),
    (
        "done",
        (
            "done",
            "closed",
            "resolved",
            "complete",
            "completed",
            "fixed",
            "merged",
            "released",
            "shipped",
            "verified",
            "deployed",
            "已完成",
            "完成",
            "已解决",
            "已关闭",
            "关闭",
            "已上线",
            "已发布",
            "已验收",
            "已闭环",
            "闭环",
            "已处理",
            "已验证",
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
        ),
    ),
    (
        "in_progress",
        (
            "in progress",
            "in_progress",
            "in review",
            "review",
            "started",
            "doing",
            "testing",
            "qa",
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
            "waiting for support",
            "waiting for customer",
            "escalated",
            "ready for qa",
            "in qa",
            "ready to deploy",
            "awaiting deploy",
            "pending deploy",
            "pending release",
            "pending vendor",
            "pending user",
            "挂起",
            "已挂起",
            "暂停",
            "已暂停",
            "待上线",
            "待发布",
            "待评审",
            "进行中",
            "处理中",
            "开发中",
            "测试中",
            "评审中",
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
            "持续",
            "长期",
            "持续跟进",
            "长期跟进",
            "待销号",
        ),
    ),
    (
        "open",
        (
            "open",
            "to do",
            "todo",
            "backlog",
            "triage",
            "new",
            "selected for development",
            "reopened",
            "unstarted",
            "planned",
            "not started",
            "delayed",
            "outstanding",
            "unaccepted",
            "overdue",
            "deferred",
            "postponed",
            "icebox",
            "later",
            "延期",
            "已延期",
            "延期处理",
            "推迟",
            "已推迟",
            "延后",
            "延后处理",
            "延迟",
            "逾期",
            "已逾期",
            "已过期",
            "激活",
            "已激活",
            "已指派",
            "待确认",
            "已确认",
            "待开发",
            "待分配",
            "需求池",
            "未完成",
            "待办",
            "待处理",
            "未开始",
            "新建",
            "打开",
            "重新打开",
            "计划中",
            "待排期",
            "已排期",
            "规划中",
            "未闭环",
            "未处理",
        ),
    ),
)
STATUS_MARKS: tuple[tuple[ActionStatus, frozenset[str]], ...] = (
    (
        "done",
        frozenset({"✅", "✔", "☑", "√", "✓", "已完成✅", "done✅", "finished", "已结束", "已落地", "已实施", "已修复"})
        | {"[x]", "[✓]", "☒"},
    ),
    (
        "in_progress",
        frozenset(
            {"wip", "ongoing", "in-progress", "开发完成", "推进中", "跟进中", "进展中", "实施中", "执行中", "部分完成"}
            | {"🚧", "🔄"}
        ),
    ),
    ("open", frozenset({"未启动", "待启动", "待开始", "notyet", "notstarted", "⏳", "☐", "⬜", "[]"})),
)
_DECOR = re.compile(r"[\u2300-\u23ff\u2460-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f\u200d]+")
_MEANT = re.compile(r"[✅✔☑√✓❌❎✗✘🚧🔄⏳☐⬜🚫]")
_PARTIAL = re.compile(r"\b(?:partial(?:ly)?|partly|mostly|almost|nearly|half)\b")
_HEDGED = re.compile(
    r"\?|？|\b(?:revert(?:ed)?|rolled back|rollback|undone|re-?opened|pending|awaiting|tbc|tbd|unclear|unverified)\b"
    r"|\bnot\s+(?:yet\s+)?(?:deployed|released|shipped|merged|verified|rolled out|live|in prod(?:uction)?)\b"
)
"""A status word inside a longer phrase gives its status only when nothing qualifies it: 'Done - reverted',
'Done?', 'Closed, pending verification', 'Fixed (not deployed)', 'Closed - not fixed' are no evidence of done,
and a phrase naming two statuses ('Open - partially done') is neither; both are reported (unknown status, taken
as open), never imported as done."""
_NEGATION = re.compile(r"(?:\bnot(?:\s+yet)?\s*|\bno\s+|\bun|\bin|未|没有?|尚未|非|不)$")


_PROGRESS = re.compile(
    r"^(?P<word>已完成|完成|进行中|处理中|推进中|进度|完成度|完成率)?\s?[:：]?\s?[(（]?\s?"
    r"(?P<share>\d{1,3}(?:\.\d+)?)\s?%\s?[)）]?$"
)
_PENDING = re.compile(
    r"^(?:已|开发|研发|修复|代码)?(?:完成|修复|开发完成|上线|提测|合入)\s?[,，、;；/（(]?\s?"
    r"(?:待|未|尚未|等待)(?:上线|发布|验证|验收|部署|复核|确认|合入|灰度|观察|评审)[)）]?$"
)


def _qualified_status(folded: str) -> ActionStatus | None:
    """A status with its progress ('进行中（80%）', '已完成90%', '60%'): done only at 100%, open at 0%,
    else in progress, never done; a done word still waiting for a step ('已修复待验证', '开发完成，待发布',
    '已完成（待上线）'): in progress, since the step it waits for is not done. None when neither."""
    progress = _PROGRESS.match(folded)
    if progress is not None:
        share = float(progress["share"])
        if share >= 100 and progress["word"] not in ("进行中", "处理中", "推进中"):
            return "done" if share == 100 else None
        return "open" if share == 0 and progress["word"] is None else "in_progress"
    return "in_progress" if _PENDING.match(folded) else None


def read_status(text: str) -> ActionStatus | None:
    """An action's status as trackers write it ('Done', 'In Progress', '已完成', '✅', 'Closed as won't fix'), or
    None when the words do not settle it (unknown, qualified, or naming two statuses)."""
    folded = text.casefold().strip()
    for status, words in STATUS_WORDS:
        if folded in words:
            return status
    plain = _DECOR.sub("", folded).strip()
    if plain and plain != folded and not _MEANT.search(folded):
        # '🆕 New', '🟢 已完成', '🟡 进行中': a board's coloured sign before the word (GitHub project templates,
        # 飞书/Notion selects) says nothing of its own; a mark that means a status (✅ ❌ 🚧) is read as one
        return read_status(plain)
    marks = re.sub(r"[\s\ufe0f]+", "", folded)
    for status, signs in STATUS_MARKS:
        if marks in signs:
            return status
    folded = STRUCK.sub(" ", folded).strip() if "~~" in folded else folded
    found = [
        status for status, words in STATUS_WORDS if any(len(word) > 3 and affirmed(folded, word) for word in words)
    ]
    denied = any(word in folded and not affirmed(folded, word) for word in STATUS_WORDS[1][1] if len(word) > 3)
    if found and not _HEDGED.search(folded) and not (found == ["done"] and denied):
        if found == ["done"] and _PARTIAL.search(folded):
            return "in_progress"  # 'Done (partially)', 'mostly done': work remains
        if len(found) == 1:
            return found[0]
        if found == ["wont_do", "done"]:
            return "wont_do"  # 'Closed as won't fix', 'Resolved (duplicate)': closed undone
        if found == ["done", "in_progress"]:
            return "in_progress"  # 'In progress - 80% done'
        return None
    return _qualified_status(folded) or _annotated_status(folded)  # '进行中（80%）', '已修复待验证'


_NOTE_SPLIT = re.compile(r"\s*[,，、;；:：(（\[【]\s*|\s+[-–—]\s*|\s+")
_NOTE_DOUBT = re.compile(r"待|未|尚|没|不|部分|再|仍|还|重新|回滚|撤回|\?|？|\bnot\b|\bno\b|pending|partial|revert")


def _annotated_status(folded: str) -> ActionStatus | None:
    """A status word with a note after it: '已完成，见PR#123', '已完成（3/15）', '已上线（v2.3）', '✅ 已上线',
    '取消（需求变更）', '放弃：成本太高', '未开始（待排期）'. A short Chinese word is read only whole, so these
    were unknown and open (a done action overdue). The word gives the status when the note casts no doubt on
    it ('已完成，待复盘', '已完成（部分）', '已上线，已回滚' stay unread): the note is no status of its own."""
    parts = _NOTE_SPLIT.split(folded.strip(), maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        return None
    head, note = parts[0], parts[1]
    status = next((found for found, words in STATUS_WORDS if head in words), None)
    if status is None:
        marks = re.sub(r"[\s\ufe0f]+", "", head)
        status = next((found for found, signs in STATUS_MARKS if marks in signs), None)
    if status is None:
        return None
    if status in ("done", "in_progress") and _NOTE_DOUBT.search(note):
        return None
    other = read_status(note) if len(note) <= 20 and not _NOTE_DOUBT.search(note) else None
    return status if other in (None, status) else None


def affirmed(folded: str, word: str) -> bool:
    """``word`` occurs in the status and is not denied just before ("not done", "incomplete", "尚未完成"):
    a denied word never gives its status."""
    start = folded.find(word)
    while start >= 0:
        if _whole(folded, start, len(word)) and not _NEGATION.search(folded[max(0, start - 8) : start]):
            return True
        start = folded.find(word, start + 1)
    return False


def _whole(folded: str, start: int, size: int) -> bool:
    """A latin status word starts a word and ends one (an inflection aside: 'cancel' in 'cancelled'), never
    inside a longer word: 'done' is in 'abandoned', 'closed' in 'disclosed', 'review' in 'preview' (an
    abandoned action was imported as done). A Chinese word has no such edge and is taken where it stands."""
    if not folded[start].isascii():
        return True
    before = folded[start - 1] if start else " "
    return not (before.isascii() and before.isalpha()) and _WORD_END.match(folded, start + size) is not None


_WORD_END = re.compile(r"(?:s|d|ed|led|ing|lation|ation)?(?![a-z]|-[a-z])")  # "blocked-ish" is no "blocked"
