"""5 Whys: check a root-cause chain (or why-why tree), read it back, suggest categories.

The rules come from methods.md §4 (5 Whys), §7 (action items) and §8 (blameless tone):

- the problem is specific and measurable;
- five is a guide: fewer than three levels usually stops at a symptom;
- no answer restates the problem or an earlier answer (a circle explains nothing);
- every answer carries evidence or was verified, else it is a guess;
- a person is never the final cause: ask why again until a process or system cause appears;
- every root cause has a countermeasure, and every countermeasure names its root cause, an owner,
  a due date and a measurable result, without vague verbs.

All walks over the tree are iterative, so a deep chain cannot exhaust the stack. Input size is
bounded by `fupan_mcp.limits.MAX_WHYS`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from fupan_mcp.analysis.actions import resolve_due, unread_word_findings
from fupan_mcp.analysis.lexicon import BLAME_TERMS, Hit, blame_hits, vague_verbs
from fupan_mcp.analysis.text import (
    SIMILARITY_THRESHOLD,
    Fingerprint,
    fingerprint,
    jaccard,
    letters,
    near_duplicates,
    normalize_text,
    one_line,
    similar_pairs,
    text_similarity,
)
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.common import SEVERITY_ORDER, DataGap, Finding, Language, Severity, SeverityCounts
from fupan_mcp.domain.dates import read_date
from fupan_mcp.domain.items import ItemError, kept_positions, set_aside_findings
from fupan_mcp.domain.whys import (
    PROBLEM_PARENT,
    CategorySuggestion,
    CountermeasureLike,
    CountermeasureResult,
    EvidenceStatus,
    FiveWhysResult,
    ReadBack,
    RootCause,
    Why,
    WhyLike,
    WhyNode,
)
from fupan_mcp.errors import InputError, validate_union
from fupan_mcp.i18n import check_language, localized, tr
from fupan_mcp.limits import MAX_ACTIONS, MAX_TEXT_CHARS, MAX_WHYS

__all__ = [
    "MIN_DEPTH",
    "SIMILARITY_THRESHOLD",
    "categorize",
    "five_whys",
    "near_duplicates",
    "normalize_text",
    "text_similarity",
]

MIN_DEPTH = 3
"""Fewer levels than this on the longest path is flagged as too shallow."""

_ADDRESS_THRESHOLD = 0.5  # looser match between a countermeasure's `addresses` and a root cause
_MIN_CONTAINED_CHARS = 4  # a shorter text is not matched by containment
_QUOTE_CHARS = 60
"""A root cause quoted in a finding is cut to this many characters."""

_TEXT: dict[str, dict[str, str]] = {
    # findings
    "no_whys": {
        "zh": "没有任何“为什么”的回答：先连续追问为什么，再下根因结论，避免快速下结论。",
        "en": "No answer to 'why?' was given: ask why repeatedly before stating a root cause.",
    },
    "too_shallow": {
        "zh": "最长的因果链只有 {depth} 层：五层只是参考，但少于 {min} 层通常停在了表面症状；"
        "继续追问，直到原因在团队可控范围内并通过反事实检验。",
        "en": "The longest chain has only {depth} level(s): five is a guide, but fewer than {min} usually "
        "stops at a symptom; keep asking until the cause is within the team's control and passes the "
        "counterfactual test.",
    },
    "restates_problem": {
        "zh": "这条回答与问题本身几乎相同（相似度 {similarity}），只是换了说法，并没有解释原因。",
        "en": "This answer restates the problem (similarity {similarity}); it does not explain it.",
    },
    "circular": {
        "zh": "这条回答与同一条链上的 {other} 几乎相同（相似度 {similarity}），形成循环论证。",
        "en": "This answer repeats {other} on its own chain (similarity {similarity}): the reasoning is circular.",
    },
    "repeated": {
        "zh": "这条回答与另一分支的 {other} 几乎相同（相似度 {similarity}）：若是同一原因，合并分支。",
        "en": "This answer repeats {other} from another branch (similarity {similarity}); "
        "merge the branches if it is the same cause.",
    },
    "blame": {
        "zh": "“{phrases}”指向个人而不是流程或系统。建议：{hints}。",
        "en": "'{phrases}' points at a person rather than a process or system. Hint: {hints}.",
    },
    "root_blame": {
        "zh": "根因“{phrases}”归咎于个人：个人不能作为最终原因，继续追问是什么让它发生。建议：{hints}。",
        "en": "The root cause '{phrases}' blames a person: a person is never the final cause; ask what "
        "made it possible. Hint: {hints}.",
    },
    "verified_unread": {
        "zh": "verified 的值“{value}”读不出是/否，这一条按未验证处理，其余照常分析；请写 true 或 false。",
        "en": 'verified "{value}" reads as neither yes nor no; this why is treated as not verified and the rest '
        "is analysed. Write true or false.",
    },
    "unverified": {
        "zh": "这一环既没有证据也未验证：补充数据、日志或现场核实，否则它只是推测。",
        "en": "This link has no evidence and was not verified: add data, logs or an on-site check, "
        "otherwise it is a guess.",
    },
    "unverified_root": {
        "zh": "根因所在的这一环既没有证据也未验证：根因必须经过核实，再据此制定对策。",
        "en": "The link holding the root cause has no evidence and was not verified: verify a root cause "
        "before acting on it.",
    },
    "problem_not_measurable": {
        "zh": "问题描述里没有数字或指标：写明现象、范围和程度（例如“某指标从 A 降到 B”）。",
        "en": "The problem states no number or metric: say what, where and how much "
        "(e.g. 'metric X fell from A to B').",
    },
    "root_not_in_chain": {
        "zh": "根因“{root}”与链上任何回答都对不上：用 id 指明它来自哪一条“为什么”，以便回读检验。",
        "en": "The root cause '{root}' matches no answer in the tree: cite the why it comes from by id so "
        "that it can be read back.",
    },
    "root_no_countermeasure": {
        "zh": "根因 {root_id} 没有对应的对策：每个根因都需要至少一项对策。",
        "en": "Root cause {root_id} has no countermeasure: every root cause needs at least one.",
    },
    "cm_no_owner": {
        "zh": "对策没有负责人：指定唯一的负责人。",
        "en": "The countermeasure has no owner: name exactly one accountable owner.",
    },
    "cm_no_due": {
        "zh": "对策没有截止日期：给出具体日期（YYYY-MM-DD）。",
        "en": "The countermeasure has no due date: give an absolute date (YYYY-MM-DD).",
    },
    "cm_due_unreadable": {
        "zh": "对策的截止日期“{text}”无法换算为日期：写成 2025-07-03、2025年7月3日、T+30 或 4周内{hint}。",
        "en": 'The countermeasure\'s due date "{text}" cannot be resolved to a date: write 2025-07-03, July 3, '
        "T+30 or in 4 weeks{hint}.",
    },
    "cm_due_hint": {"zh": "，相对日期还需要 review_date", "en": "; a relative date also needs review_date"},
    "cm_no_metric": {
        "zh": "对策没有可衡量的结果：写明完成标准或要达到的指标。",
        "en": "The countermeasure has no measurable result: state a definition of done or a target metric.",
    },
    "cm_metric_not_measurable": {
        "zh": "成功标准里没有数字：写明指标和目标值，才能验证对策是否有效。",
        "en": "The success metric contains no number: give a metric and a target value so it can be checked.",
    },
    "cm_vague": {
        "zh": "对策使用了模糊动词“{verbs}”：改写为具体、可检查的动作。",
        "en": "The countermeasure uses vague verb(s) '{verbs}': rewrite it as a concrete, checkable action.",
    },
    "cm_no_root": {
        "zh": "有多个根因，但这项对策没有说明针对哪一个：在 addresses 中写根因 id（如 R1）。",
        "en": "There are several root causes and this countermeasure names none: put a root cause id "
        "(e.g. R1) in `addresses`.",
    },
    "cm_unknown_root": {
        "zh": "addresses“{addresses}”对不上任何根因：使用根因 id（{ids}）。",
        "en": "`addresses` '{addresses}' matches no root cause: use a root cause id ({ids}).",
    },
    "cm_due_past": {
        "zh": "截止日期 {due} 早于复盘日期 {review}：对策的截止日期应在复盘之后。",
        "en": "The due date {due} is before the review date {review}: a countermeasure is due after the review.",
    },
    # input errors
    "err_empty_problem": {"zh": "问题不能为空。", "en": "the problem must not be empty"},
    "err_blank_why": {
        "zh": "这一条是空白：每一条 why 都要写出原因，空白会断开因果链；请写出原因或删掉这一条。",
        "en": "this why is blank: each why states a cause, a blank one breaks the chain; write it or remove it",
    },
    "err_too_long": {"zh": "文本超过 {max} 个字符。", "en": "text longer than {max} characters"},
    "err_too_many": {
        "zh": "条目过多：{count} 条，上限 {max}。",
        "en": "too many items: {count}, at most {max}",
    },
    "err_duplicate_id": {
        "zh": "id“{id}”重复（也用于 whys[{other}]）。",
        "en": "duplicate id '{id}' (also used by whys[{other}])",
    },
    "err_reserved_id": {
        "zh": "id 不能是保留字“{id}”。",
        "en": "'{id}' is reserved and cannot be used as an id",
    },
    "err_unknown_parent": {
        "zh": "parent“{parent}”不是任何一条“为什么”的 id 或序号，也不是“problem”。",
        "en": "parent '{parent}' is neither the id or index of a why nor 'problem'",
    },
    "err_parent_set_aside": {
        "zh": "parent“{parent}”指向的 whys[{parent}] 因格式有误未计入（其错误见下），请先改正它。",
        "en": "parent '{parent}' names whys[{parent}], which was set aside for its shape (its error follows): fix it",
    },
    "err_self_parent": {"zh": "一条回答不能解释它自己。", "en": "a why cannot explain itself"},
    "err_cycle": {
        "zh": "parent 形成循环：{cycle}。每条回答最终都要追溯到问题。",
        "en": "parents form a cycle: {cycle}. Every answer must lead back to the problem.",
    },
    "err_date": {"zh": "日期格式应为 YYYY-MM-DD。", "en": "expected a date as YYYY-MM-DD"},
    # rendering
    "therefore": {"zh": "因此", "en": "therefore"},
    "list_sep": {"zh": "、", "en": ", "},
    # categories
    "cat_process": {"zh": "流程", "en": "process"},
    "cat_technology": {"zh": "技术", "en": "technology"},
    "cat_people": {"zh": "人员能力", "en": "people"},
    "cat_organization": {"zh": "组织与职责", "en": "organization"},
    "cat_data": {"zh": "数据", "en": "data"},
    "cat_man": {"zh": "人", "en": "man"},
    "cat_machine": {"zh": "机（设备/系统）", "en": "machine"},
    "cat_method": {"zh": "法（方法/流程）", "en": "method"},
    "cat_material": {"zh": "料", "en": "material"},
    "cat_measurement": {"zh": "测（度量）", "en": "measurement"},
    "cat_environment": {"zh": "环（环境）", "en": "environment"},
    "cat_unknown": {"zh": "未识别", "en": "unknown"},
    "cat_reason": {
        "zh": "匹配到关键词：{words}",
        "en": "matched keywords: {words}",
    },
    "cat_reason_unknown": {
        "zh": "没有匹配到分类关键词，请人工判断。",
        "en": "no category keyword matched; classify it by hand",
    },
    # data gaps
    "gap_evidence": {"zh": "补充证据或标记为已验证", "en": "add evidence or mark it verified"},
    "gap_owner": {"zh": "补充对策负责人", "en": "name the countermeasure's owner"},
    "gap_due": {"zh": "补充对策截止日期", "en": "give the countermeasure's due date"},
    "gap_metric": {"zh": "补充对策的可衡量结果", "en": "give the countermeasure's measurable result"},
}

# --------------------------------------------------------------------------------------------------
# Text similarity
# --------------------------------------------------------------------------------------------------


def _contains(a: Fingerprint, b: Fingerprint) -> bool:
    """True when one normalized text contains the other and the shorter is long enough to mean it."""
    shorter, longer = sorted((a.norm, b.norm), key=len)
    return len(shorter) >= _MIN_CONTAINED_CHARS and shorter in longer


# --------------------------------------------------------------------------------------------------
# Categories
# --------------------------------------------------------------------------------------------------

# Keywords are "|"-separated; Chinese ones match anywhere, ASCII ones at a word start ("priorit"
# matches priority and prioritise). Dict order is the tie-break: process and system causes first.
_DOMAIN_KEYWORDS: dict[str, str] = {
    "process": "流程|规范|标准|评审|审批|门槛|门禁|验收|机制|步骤|制度|清单|前置|里程碑|变更|SOP|检查|复核|"
    "process|procedure|review|checklist|workflow|approval|gate|standard|step|sign-off|handoff|hand-off",
    "technology": "系统|接口|代码|架构|功能|性能|服务器|工具|自动化|移动端|缺陷|通知|软件|硬件|"
    "版本|部署|配置|线程化|富文本|system|interface|api|code|architecture|feature|performance|server|tool|automation|"
    "bug|defect|infrastructure|deploy|config|software|mobile|notification",
    "data": "数据|口径|指标|埋点|打点|统计|标签|度量|看板|报表|"
    "data|metric|tracking|analytics|dashboard|kpi|measurement|telemetry",
    "organization": "职责|分工|负责人|责任人|RACI|沟通|协作|跨部门|资源|预算|优先级|激励|组织|管理层|"
    "决策|授权|owner|responsib|role|communication|coordination|budget|priorit|incentive|management|stakeholder|"
    "accountab|decision",
    "people": "培训|技能|能力|经验|人员|人手|知识|意识|新人|熟悉|交接|疲劳|"
    "training|skill|experience|knowledge|staff|onboarding|headcount|fatigue",
}

_SIX_M_KEYWORDS: dict[str, str] = {
    "method": "流程|方法|规范|标准|步骤|评审|审批|制度|SOP|机制|策略|门槛|验收|前置|清单|"
    "process|method|procedure|standard|step|review|policy|workflow|checklist|strategy",
    "machine": "设备|机器|系统|服务器|硬件|工具|接口|软件|网络|功能|移动端|通知|代码|"
    "machine|equipment|system|server|hardware|tool|software|network|feature|api|interface|code",
    "measurement": "测量|度量|指标|口径|数据|监控|检测|统计|埋点|打点|校准|看板|"
    "measure|metric|data|monitoring|inspection|calibration|gauge|tracking|dashboard",
    "material": "物料|原料|材料|零件|供应商|来料|素材|货品|库存|主数据|material|supplier|component|inventory",
    "environment": "环境|市场|政策|天气|温度|湿度|外部|竞品|法规|季节|场地|"
    "environment|market|regulation|weather|external|competitor|season|temperature|humidity",
    "man": "人员|培训|技能|经验|人手|新人|操作员|疲劳|熟练|"
    "staff|operator|training|skill|experience|fatigue|people|worker",
}


def _keyword_tables() -> tuple[dict[str, str], dict[str, str], dict[str, list[tuple[str, str]]]]:
    """CJK keywords, ASCII keywords (casefolded -> as written) and keyword -> [(scheme, category)]."""
    cjk: dict[str, str] = {}
    ascii_: dict[str, str] = {}
    owners: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for scheme, keyword_table in (("domain", _DOMAIN_KEYWORDS), ("6m", _SIX_M_KEYWORDS)):
        for category, keywords in keyword_table.items():
            for word in keywords.split("|"):
                (ascii_ if word.isascii() else cjk)[word.casefold()] = word
                owners[word].append((scheme, category))
    return cjk, ascii_, dict(owners)


_CJK_KEYWORDS, _ASCII_KEYWORDS, _KEYWORD_OWNERS = _keyword_tables()
_CJK_BY_FIRST_CHAR: dict[str, list[str]] = defaultdict(list)
for _key in _CJK_KEYWORDS:
    _CJK_BY_FIRST_CHAR[_key[0]].append(_key)
_CJK_FIRST_CHARS = frozenset(_CJK_BY_FIRST_CHAR)
_ASCII_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_LONGEST_ASCII_KEYWORD = max(map(len, _ASCII_KEYWORDS))


def _keywords_in(text: str) -> list[tuple[str, str]]:
    """(word as written, keyword) for each keyword in ``text``, in order of appearance. Chinese
    keywords match anywhere; an English one matches the start of a word ("priorit": "priority")."""
    folded = text.casefold()
    same_length = len(folded) == len(text)
    found: list[tuple[int, str, str]] = []
    for char in set(folded) & _CJK_FIRST_CHARS:
        for key in _CJK_BY_FIRST_CHAR[char]:
            position = folded.find(key)
            if position >= 0:
                word = _CJK_KEYWORDS[key]
                found.append((position, word, word))
    for match in _ASCII_WORD.finditer(folded):
        token = match.group()
        for end in range(min(len(token), _LONGEST_ASCII_KEYWORD), 0, -1):
            if token[:end] in _ASCII_KEYWORDS:
                shown = text[match.start() : match.end()] if same_length else token
                found.append((match.start(), shown, _ASCII_KEYWORDS[token[:end]]))
                break
    found.sort()
    return list(dict.fromkeys((shown, keyword) for _, shown, keyword in found))


def _best_category(matches: Sequence[tuple[str, str]], scheme: str, order: Sequence[str]) -> tuple[str, list[str]]:
    found: dict[str, list[str]] = {}
    for shown, keyword in matches:
        for owner_scheme, category in _KEYWORD_OWNERS[keyword]:
            if owner_scheme == scheme and shown not in found.setdefault(category, []):
                found[category].append(shown)
    best, best_words = "unknown", list[str]()
    for category in order:  # the order is the tie-break: process and system causes first
        words = found.get(category, [])
        if len(words) > len(best_words):
            best, best_words = category, words
    return best, best_words


def _suggestion(scheme: str, category: str, words: list[str], language: Language) -> CategorySuggestion:
    sep = tr(_TEXT, "list_sep", language)
    reason = (
        tr(_TEXT, "cat_reason", language, words=sep.join(words)) if words else tr(_TEXT, "cat_reason_unknown", language)
    )
    return CategorySuggestion.model_validate(
        {
            "scheme": scheme,
            "category": category,
            "label": tr(_TEXT, f"cat_{category}", language),
            "matched": words,
            "reason": reason,
        }
    )


def categorize(text: str, language: Language = "zh") -> tuple[CategorySuggestion, CategorySuggestion]:
    """Suggest a category for a cause: (process/technology/data/organization/people, 6M)."""
    matches = _keywords_in(text)
    domain, domain_words = _best_category(matches, "domain", list(_DOMAIN_KEYWORDS))
    six_m, six_m_words = _best_category(matches, "6m", list(_SIX_M_KEYWORDS))
    return (
        _suggestion("domain", domain, domain_words, language),
        _suggestion("6m", six_m, six_m_words, language),
    )


# --------------------------------------------------------------------------------------------------
# Input coercion
# --------------------------------------------------------------------------------------------------

_WHYS_ADAPTER: TypeAdapter[list[WhyLike]] = TypeAdapter(list[WhyLike])
_WHY_ADAPTER: TypeAdapter[Why] = TypeAdapter(Why)
_CMS_ADAPTER: TypeAdapter[list[CountermeasureLike]] = TypeAdapter(list[CountermeasureLike])
_ACTION_ADAPTER: TypeAdapter[ActionItem] = TypeAdapter(ActionItem)
_UNION_TAGS = frozenset({"str", "Why", "ActionItem"})


def _coerce_whys(
    whys: Sequence[WhyLike | Mapping[str, Any]] | None, language: Language, at: Sequence[int]
) -> list[Why]:
    raw = list(whys or [])
    if len(raw) > MAX_WHYS:
        raise InputError("whys", tr(_TEXT, "err_too_many", language, count=len(raw), max=MAX_WHYS))
    items = validate_union(_WHYS_ADAPTER, raw, "whys", _UNION_TAGS)
    result: list[Why] = []
    for index, item in zip(at, items, strict=True):
        if isinstance(item, str):
            if not item.strip():
                raise InputError(f"whys[{index}]", tr(_TEXT, "err_blank_why", language))
            item = validate_union(_WHY_ADAPTER, {"answer": item}, f"whys[{index}]", _UNION_TAGS)
        result.append(item)
    return result


def _coerce_countermeasures(
    countermeasures: Sequence[CountermeasureLike | Mapping[str, Any]] | None, language: Language, at: Sequence[int]
) -> list[ActionItem]:
    raw = list(countermeasures or [])
    if len(raw) > MAX_ACTIONS:
        raise InputError("countermeasures", tr(_TEXT, "err_too_many", language, count=len(raw), max=MAX_ACTIONS))
    items = validate_union(_CMS_ADAPTER, raw, "countermeasures", _UNION_TAGS)
    result: list[ActionItem] = []
    for index, item in zip(at, items, strict=True):
        if isinstance(item, str):
            if not item.strip():
                raise InputError(f"countermeasures[{index}]", "String should have at least 1 character")
            # validated as the why above: a text the model rejects (a lone surrogate) is an InputError
            # naming this countermeasure, not an unexpected exception
            result.append(
                validate_union(_ACTION_ADAPTER, {"action": item.strip()}, f"countermeasures[{index}]", _UNION_TAGS)
            )
        else:
            result.append(item)
    return result


def _coerce_roots(root_cause: str | Sequence[str] | None, language: Language) -> list[tuple[str, str]]:
    """(path, text) of every stated root cause; blanks are skipped."""
    if root_cause is None:
        return []
    if isinstance(root_cause, str):
        pairs = [("root_cause", root_cause)]
    elif not isinstance(root_cause, Sequence):
        raise InputError("root_cause", "Input should be a string or a list of strings")
    else:
        if len(root_cause) > MAX_WHYS:
            raise InputError("root_cause", tr(_TEXT, "err_too_many", language, count=len(root_cause), max=MAX_WHYS))
        pairs = [(f"root_cause[{k}]", text) for k, text in enumerate(root_cause)]
    result = []
    for path, text in pairs:
        if not isinstance(text, str):
            raise InputError(path, "Input should be a valid string")
        if len(text) > MAX_TEXT_CHARS:
            raise InputError(path, tr(_TEXT, "err_too_long", language, max=MAX_TEXT_CHARS))
        if text.strip():
            result.append((path, text.strip()))
    return result


def _coerce_date(value: dt.date | str | None, language: Language) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    found = read_date(value).date  # absolute forms: 2025-07-03, 2025/7/3, 2025年7月3日
    if found is None:
        raise InputError("review_date", tr(_TEXT, "err_date", language))
    return found


# --------------------------------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------------------------------

_TOP = -1  # parent index of a why that answers the problem


@dataclass
class _Tree:
    ids: list[str]
    parent: list[int]
    depth: list[int]
    children: list[list[int]]
    top: list[int]
    at: list[int] = field(default_factory=list)  # each why's position in the input (`domain.items`)
    order: list[int] = field(default_factory=list)  # preorder, for rendering
    label: list[str] = field(default_factory=list)
    indent: list[int] = field(default_factory=list)

    def path_up(self, index: int) -> list[int]:
        """The node and its ancestors, deepest first."""
        path = []
        while index != _TOP:
            path.append(index)
            index = self.parent[index]
        return path

    def is_ancestor(self, ancestor: int, index: int) -> bool:
        index = self.parent[index]
        while index != _TOP:
            if index == ancestor:
                return True
            index = self.parent[index]
        return False


def _assign_ids(whys: Sequence[Why], language: Language, at: Sequence[int]) -> list[str]:
    """Each why's id: its own, else W and its input position from 1."""
    given: dict[str, int] = {}
    for index, why in zip(at, whys, strict=True):
        if why.id is None:
            continue
        if why.id.casefold() == PROBLEM_PARENT:
            raise InputError(f"whys[{index}].id", tr(_TEXT, "err_reserved_id", language, id=why.id))
        if why.id in given:
            raise InputError(
                f"whys[{index}].id", tr(_TEXT, "err_duplicate_id", language, id=why.id, other=given[why.id])
            )
        given[why.id] = index
    ids: list[str] = []
    taken = set(given)
    for index, why in zip(at, whys, strict=True):
        if why.id is not None:
            ids.append(why.id)
            continue
        candidate, suffix = f"W{index + 1}", 1
        while candidate in taken:
            suffix += 1
            candidate = f"W{index + 1}_{suffix}"
        taken.add(candidate)
        ids.append(candidate)
    return ids


def _resolve_parent(
    index: int, why: Why, ids: dict[str, int], positions: Mapping[int, int], path: str, language: Language
) -> int:
    """The why ``index`` answers (an index into the whys analysed); a number names an input position
    (``positions``: input position -> index)."""
    ref = why.parent
    path = f"{path}.parent"
    if ref is None:
        return index - 1 if index > 0 else _TOP
    target: int | None = None
    if isinstance(ref, int):
        target = positions.get(ref)
    elif ref.strip().casefold() == PROBLEM_PARENT:
        return _TOP
    elif ref.strip() in ids:
        target = ids[ref.strip()]
    elif ref.strip().isdigit():
        target = positions.get(int(ref.strip()))
    if target is None:
        number = ref if isinstance(ref, int) else int(ref.strip()) if ref.strip().isdigit() else None
        if number is not None and number not in positions and 0 <= number <= max(positions, default=-1):
            raise InputError(path, tr(_TEXT, "err_parent_set_aside", language, parent=number))
        raise InputError(path, tr(_TEXT, "err_unknown_parent", language, parent=ref))
    if target == index:
        raise InputError(path, tr(_TEXT, "err_self_parent", language))
    return target


def _depths(parent: list[int], ids: list[str], language: Language, at: Sequence[int]) -> list[int]:
    """Depth of every node, iteratively; a parent cycle is an input error."""
    count = len(parent)
    state = [0] * count  # 0 new, 1 on the current walk, 2 done
    depth = [0] * count
    for start in range(count):
        walk: list[int] = []
        node = start
        while node != _TOP and state[node] == 0:
            state[node] = 1
            walk.append(node)
            node = parent[node]
        if node != _TOP and state[node] == 1:
            cycle = walk[walk.index(node) :]
            raise InputError(
                f"whys[{at[node]}].parent",
                tr(_TEXT, "err_cycle", language, cycle=" → ".join(ids[k] for k in [*cycle, node])),
            )
        level = 0 if node == _TOP else depth[node]
        for k in reversed(walk):
            level += 1
            depth[k] = level
            state[k] = 2
    return depth


def _letters(position: int) -> str:
    """0 → a, 25 → z, 26 → aa: a branch letter."""
    return letters(position).lower()


def _layout(tree: _Tree) -> None:
    """Preorder, display labels (level + branch letters) and indentation, without recursion."""
    count = len(tree.ids)
    tree.label = [""] * count
    tree.indent = [0] * count
    suffix = [""] * count
    stack: list[int] = list(reversed(tree.top))
    for position, node in enumerate(tree.top):
        if len(tree.top) > 1:
            suffix[node], tree.indent[node] = _letters(position), 1
    while stack:
        node = stack.pop()
        tree.order.append(node)
        tree.label[node] = f"{tree.depth[node]}{suffix[node]}"
        kids = tree.children[node]
        for position, kid in enumerate(kids):
            branching = len(kids) > 1
            suffix[kid] = suffix[node] + (_letters(position) if branching else "")
            tree.indent[kid] = tree.indent[node] + (1 if branching else 0)
        stack.extend(reversed(kids))


def _build_tree(whys: Sequence[Why], language: Language, at: Sequence[int]) -> _Tree:
    ids = _assign_ids(whys, language, at)
    lookup = {identifier: index for index, identifier in enumerate(ids)}
    positions = {position: index for index, position in enumerate(at)}
    parent = [
        _resolve_parent(index, why, lookup, positions, f"whys[{at[index]}]", language) for index, why in enumerate(whys)
    ]
    depth = _depths(parent, ids, language, at)
    children: list[list[int]] = [[] for _ in whys]
    top: list[int] = []
    for index, up in enumerate(parent):
        (top if up == _TOP else children[up]).append(index)
    tree = _Tree(ids=ids, parent=parent, depth=depth, children=children, top=top, at=list(at))
    _layout(tree)
    return tree


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------

_METRIC_WORDS = re.compile(
    r"\d|[%‰]|率|占比|比例|数量|次数|时长|耗时|金额|成本|收入|天数|小时|分钟|毫秒|人数|单量|转化|留存|"
    r"\b(rate|ratio|count|number|percent|share|time|hours?|days?|minutes?|seconds?|ms|latency|cost|"
    r"revenue|volume|conversion|retention|churn)\b",
    re.IGNORECASE,
)


def _has_metric(text: str) -> bool:
    return bool(_METRIC_WORDS.search(unicodedata.normalize("NFKC", text)))


def _finding(code: str, severity: Severity, message: str, path: str | None) -> Finding:
    return Finding(code=code, severity=severity, message=message, path=path)


_ANY_BLAME = re.compile("|".join(f"(?:{term.pattern})" for term in BLAME_TERMS), re.IGNORECASE)


@functools.lru_cache(maxsize=1024)
def _blame(text: str) -> tuple[Hit, ...]:
    """`lexicon.blame_hits`, after one scan that rules out most texts (cached: root causes are
    checked as answers and as roots)."""
    return tuple(blame_hits(text)) if _ANY_BLAME.search(text) else ()


def _blame_finding(text: str, path: str, language: Language, *, root: bool) -> Finding | None:
    hits = _blame(text)
    if not hits:
        return None
    sep = tr(_TEXT, "list_sep", language)
    phrases = sep.join(dict.fromkeys(h.text for h in hits))
    hints = "; ".join(dict.fromkeys(localized({"zh": h.term.hint_zh, "en": h.term.hint_en}, language) for h in hits))
    if root:
        message = tr(_TEXT, "root_blame", language, phrases=phrases, hints=hints)
        return _finding("root_cause_blames_person", "error", message, path)
    return _finding("blame_person", "warning", tr(_TEXT, "blame", language, phrases=phrases, hints=hints), path)


def _check_repeats(
    prints: Sequence[Fingerprint], tree: _Tree, problem: Fingerprint, language: Language
) -> list[Finding]:
    """Answers that restate the problem, an ancestor (circular) or another branch (repeated)."""
    first_match: dict[int, tuple[int, float]] = {}
    for other, index, score in similar_pairs(prints, SIMILARITY_THRESHOLD):
        first_match.setdefault(index, (other, score))
    findings: list[Finding] = []
    for index, current in enumerate(prints):
        path = f"whys[{tree.at[index]}]"
        score = jaccard(current, problem)
        if score >= SIMILARITY_THRESHOLD or _contains(current, problem):
            message = tr(_TEXT, "restates_problem", language, similarity=f"{score:.2f}")
            findings.append(_finding("circular_answer", "warning", message, path))
        elif index in first_match:
            other, score = first_match[index]
            values = {"other": f"whys[{tree.at[other]}] ({tree.ids[other]})", "similarity": f"{score:.2f}"}
            if tree.is_ancestor(other, index) or tree.is_ancestor(index, other):
                findings.append(_finding("circular_answer", "warning", tr(_TEXT, "circular", language, **values), path))
            else:
                findings.append(_finding("repeated_answer", "info", tr(_TEXT, "repeated", language, **values), path))
    return findings


def _evidence_status(why: Why) -> EvidenceStatus:
    if why.verified:
        return "verified"
    return "evidence" if why.evidence else "unverified"


# --------------------------------------------------------------------------------------------------
# Root causes
# --------------------------------------------------------------------------------------------------


@dataclass
class _Root:
    id: str
    text: str
    path: str
    source: str
    anchor: int | None  # the why it is, or summarises
    is_node: bool  # True when the root cause *is* the anchor's answer (no separate step)
    prints: list[Fingerprint] = field(default_factory=list)  # texts `addresses` may quote to cite it
    countermeasures: list[int] = field(default_factory=list)


def _match_node(text: str, prints: Sequence[Fingerprint], tree: _Tree) -> tuple[int | None, bool]:
    """The why a stated root cause refers to: by id, by near-identical text, or by containment."""
    if text in tree.ids:
        return tree.ids.index(text), True
    target = fingerprint(text)
    best: tuple[float, int, int] | None = None
    for index, candidate in enumerate(prints):
        score = jaccard(target, candidate)
        if score >= SIMILARITY_THRESHOLD or _contains(target, candidate):
            key = (score, tree.depth[index], index)
            if best is None or key > best:
                best = key
    if best is not None:
        return best[2], True
    leaves = [index for index in range(len(prints)) if not tree.children[index]]
    if len(leaves) == 1:
        return leaves[0], False  # a summary of a single chain sits below its deepest answer
    return None, False


def _roots(
    stated: Sequence[tuple[str, str]], whys: Sequence[Why], prints: Sequence[Fingerprint], tree: _Tree
) -> list[_Root]:
    """The stated root causes, placed in the tree; else every leaf of the tree."""
    roots: list[_Root] = []
    for number, (path, text) in enumerate(stated, start=1):
        anchor, is_node = _match_node(text, prints, tree)
        root = _Root(f"R{number}", text, path, "given", anchor, is_node, [fingerprint(text)])
        if anchor is not None and is_node:
            root.prints.append(prints[anchor])
        roots.append(root)
    if not stated:
        leaves = [index for index in range(len(whys)) if not tree.children[index]]
        for number, leaf in enumerate(leaves, start=1):
            path = f"whys[{tree.at[leaf]}]"
            roots.append(_Root(f"R{number}", whys[leaf].answer, path, "leaf", leaf, True, [prints[leaf]]))
    return roots


def _read_back(root: _Root, problem: str, whys: Sequence[Why], tree: _Tree, language: Language) -> ReadBack:
    chain = tree.path_up(root.anchor) if root.anchor is not None else []
    steps = [] if root.is_node else [root.text]
    steps.extend(whys[index].answer for index in chain)
    steps.append(problem)
    joiner = f" → {tr(_TEXT, 'therefore', language)} → "
    return ReadBack(root_id=root.id, steps=steps, why_ids=[tree.ids[k] for k in chain], text=joiner.join(steps))


# --------------------------------------------------------------------------------------------------
# Countermeasures
# --------------------------------------------------------------------------------------------------

_ADDRESS_SPLIT = re.compile(r"[,，;；、/\s]+")


def _ids_of_roots(roots: Sequence[_Root], tree: _Tree) -> dict[str, int]:
    """Casefolded ids a countermeasure may cite a root cause by (R1..., or the why it is) -> position."""
    by_id: dict[str, int] = {}
    for position, root in enumerate(roots):
        by_id[root.id.casefold()] = position
    for position, root in enumerate(roots):
        if root.anchor is not None and root.is_node:
            by_id.setdefault(tree.ids[root.anchor].casefold(), position)
    return by_id


def _match_addresses(addresses: str, roots: Sequence[_Root], by_id: Mapping[str, int]) -> list[int]:
    """Root indexes a countermeasure's `addresses` names: by root id or why id, else by text."""
    tokens = [token for token in _ADDRESS_SPLIT.split(addresses) if token]
    if tokens and all(token.casefold() in by_id for token in tokens):
        return sorted({by_id[token.casefold()] for token in tokens})
    target = fingerprint(addresses)
    best: tuple[float, int] | None = None
    for position, root in enumerate(roots):
        for candidate in root.prints:
            score = 1.0 if _contains(target, candidate) else jaccard(target, candidate)
            if score >= _ADDRESS_THRESHOLD and (best is None or score > best[0]):
                best = (score, position)
    return [] if best is None else [best[1]]


def _check_countermeasure(
    index: int, item: ActionItem, review_date: dt.date | None, language: Language
) -> tuple[list[Finding], list[DataGap], bool]:
    path = f"countermeasures[{index}]"
    subject = item.action[:80]
    findings: list[Finding] = []
    gaps: list[DataGap] = []
    if not item.owner:
        findings.append(
            _finding("countermeasure_no_owner", "warning", tr(_TEXT, "cm_no_owner", language), f"{path}.owner")
        )
        gaps.append(
            DataGap(subject=subject, field="owner", message=tr(_TEXT, "gap_owner", language), path=f"{path}.owner")
        )
    if item.due is None and item.due_text:
        hint = tr(_TEXT, "cm_due_hint", language) if review_date is None else ""
        message = tr(_TEXT, "cm_due_unreadable", language, text=item.due_text, hint=hint)
        findings.append(_finding("countermeasure_due_unreadable", "error", message, f"{path}.due"))
    elif item.due is None:
        findings.append(_finding("countermeasure_no_due", "warning", tr(_TEXT, "cm_no_due", language), f"{path}.due"))
        gaps.append(DataGap(subject=subject, field="due", message=tr(_TEXT, "gap_due", language), path=f"{path}.due"))
    elif review_date is not None and item.due < review_date:
        message = tr(_TEXT, "cm_due_past", language, due=item.due.isoformat(), review=review_date.isoformat())
        findings.append(_finding("countermeasure_due_before_review", "warning", message, f"{path}.due"))
    metric_path = f"{path}.success_metric"
    if not item.success_metric:
        findings.append(
            _finding("countermeasure_no_metric", "warning", tr(_TEXT, "cm_no_metric", language), metric_path)
        )
        gaps.append(
            DataGap(
                subject=subject,
                field="success_metric",
                message=tr(_TEXT, "gap_metric", language),
                path=metric_path,
            )
        )
    elif not re.search(r"\d", unicodedata.normalize("NFKC", item.success_metric)):
        findings.append(
            _finding(
                "countermeasure_metric_not_measurable",
                "info",
                tr(_TEXT, "cm_metric_not_measurable", language),
                metric_path,
            )
        )
    vague = list(dict.fromkeys(vague_verbs(item.action)))
    if vague:
        message = tr(_TEXT, "cm_vague", language, verbs=tr(_TEXT, "list_sep", language).join(vague))
        findings.append(_finding("countermeasure_vague", "warning", message, f"{path}.action"))
    blame = _blame_finding(item.action, f"{path}.action", language, root=False)
    if blame is not None:
        findings.append(blame)
    complete = bool(item.owner and item.due and item.success_metric and not vague)
    return findings, gaps, complete


def _link_countermeasures(
    items: Sequence[ActionItem], roots: list[_Root], tree: _Tree, language: Language, at: Sequence[int]
) -> tuple[list[list[int]], list[Finding]]:
    links: list[list[int]] = []
    findings: list[Finding] = []
    by_id = _ids_of_roots(roots, tree)
    for index, item in zip(at, items, strict=True):
        path = f"countermeasures[{index}].addresses"
        if item.addresses:
            matched = _match_addresses(item.addresses, roots, by_id)
            if not matched and roots:
                ids = tr(_TEXT, "list_sep", language).join(root.id for root in roots)
                message = tr(_TEXT, "cm_unknown_root", language, addresses=item.addresses, ids=ids)
                findings.append(_finding("countermeasure_unknown_root", "warning", message, path))
        elif len(roots) == 1:
            matched = [0]
        else:
            matched = []
            if roots:
                findings.append(_finding("countermeasure_no_root", "warning", tr(_TEXT, "cm_no_root", language), path))
        for position in matched:
            roots[position].countermeasures.append(index)
        links.append(matched)
    return links, findings


# --------------------------------------------------------------------------------------------------
# The tool
# --------------------------------------------------------------------------------------------------


def _short(text: str) -> str:
    text = one_line(text)
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1] + "…"


def _check_problem(problem: str, language: Language) -> str:
    text = problem.strip() if isinstance(problem, str) else ""
    if not text:
        raise InputError("problem", tr(_TEXT, "err_empty_problem", language))
    if len(text) > MAX_TEXT_CHARS:
        raise InputError("problem", tr(_TEXT, "err_too_long", language, max=MAX_TEXT_CHARS))
    return text


def _nodes(whys: Sequence[Why], tree: _Tree) -> list[WhyNode]:
    return [
        WhyNode(
            index=tree.at[index],
            id=tree.ids[index],
            parent_id=None if tree.parent[index] == _TOP else tree.ids[tree.parent[index]],
            depth=tree.depth[index],
            label=tree.label[index],
            answer=why.answer,
            question=why.question,
            evidence=why.evidence,
            verified=why.verified,
            status=_evidence_status(why),
            children=[tree.ids[k] for k in tree.children[index]],
            is_leaf=not tree.children[index],
        )
        for index, why in enumerate(whys)
    ]


def _why_findings(
    whys: Sequence[Why],
    prints: Sequence[Fingerprint],
    tree: _Tree,
    root_nodes: Collection[int],
    root_links: Collection[int],
    problem: str,
    language: Language,
) -> tuple[list[Finding], list[DataGap]]:
    """Per-answer checks. ``root_nodes`` are whys that are a root cause (their blame is an error,
    reported with the root); ``root_links`` also include whys a stated root cause sums up."""
    findings = _check_repeats(prints, tree, fingerprint(problem), language)
    gaps: list[DataGap] = []
    for index, why in enumerate(whys):
        path = f"whys[{tree.at[index]}]"
        if index not in root_nodes:
            blame = _blame_finding(why.answer, path, language, root=False)
            if blame is not None:
                findings.append(blame)
        if _evidence_status(why) == "unverified":
            if index in root_links:
                message = tr(_TEXT, "unverified_root", language)
                findings.append(_finding("unverified_root", "warning", message, path))
            else:
                findings.append(_finding("unverified_link", "info", tr(_TEXT, "unverified", language), path))
            gaps.append(
                DataGap(
                    subject=tree.ids[index],
                    field="evidence",
                    message=tr(_TEXT, "gap_evidence", language),
                    path=path,
                )
            )
    return findings, gaps


def _problem_findings(problem: str, whys: Sequence[Why], depth: int, language: Language) -> list[Finding]:
    findings: list[Finding] = []
    if not _has_metric(problem):
        message = tr(_TEXT, "problem_not_measurable", language)
        findings.append(_finding("problem_not_measurable", "info", message, "problem"))
    blame = _blame_finding(problem, "problem", language, root=False)
    if blame is not None:
        findings.append(blame)
    if not whys:
        findings.append(_finding("no_whys", "error", tr(_TEXT, "no_whys", language), "whys"))
    elif depth < MIN_DEPTH:
        message = tr(_TEXT, "too_shallow", language, depth=depth, min=MIN_DEPTH)
        findings.append(_finding("too_shallow", "warning", message, "whys"))
    return findings


def _root_findings(roots: Sequence[_Root], has_whys: bool, language: Language) -> list[Finding]:
    findings: list[Finding] = []
    for root in roots:
        blame = _blame_finding(root.text, root.path, language, root=True)
        if blame is not None:
            findings.append(blame)
        if root.anchor is None and has_whys:
            message = tr(_TEXT, "root_not_in_chain", language, root=_short(root.text))
            findings.append(_finding("root_cause_not_in_chain", "info", message, root.path))
    return findings


def _countermeasure_results(
    items: Sequence[ActionItem],
    roots: list[_Root],
    tree: _Tree,
    review: dt.date | None,
    language: Language,
    at: Sequence[int],
) -> tuple[list[CountermeasureResult], list[Finding], list[DataGap]]:
    """Link each countermeasure to its root causes and check it; then flag roots left unanswered.
    ``at``: each countermeasure's position in the input."""
    links, findings = _link_countermeasures(items, roots, tree, language, at)
    gaps: list[DataGap] = []
    results: list[CountermeasureResult] = []
    for k, (index, item) in enumerate(zip(at, items, strict=True)):
        item_findings, item_gaps, complete = _check_countermeasure(index, item, review, language)
        findings += item_findings
        gaps += item_gaps
        root_ids = [roots[r].id for r in links[k]]
        results.append(CountermeasureResult(index=index, item=item, root_ids=root_ids, complete=complete))
    for root in roots:
        if not root.countermeasures:
            message = tr(_TEXT, "root_no_countermeasure", language, root_id=root.id)
            findings.append(_finding("root_cause_no_countermeasure", "warning", message, root.path))
    return results, findings, gaps


def five_whys(
    problem: str,
    whys: Sequence[WhyLike | Mapping[str, Any]] | None,
    root_cause: str | Sequence[str] | None = None,
    countermeasures: Sequence[CountermeasureLike | Mapping[str, Any]] | None = None,
    language: Language = "zh",
    review_date: dt.date | str | None = None,
    *,
    set_aside: Mapping[str, Sequence[ItemError]] | None = None,
) -> FiveWhysResult:
    """Check a 5 Whys chain or why-why tree (its text and flowchart: `fupan_mcp.report.tool_text`).

    ``whys`` is a list of answers (strings or `Why` objects); without ``parent`` each answers the one
    before it. ``root_cause`` defaults to the leaves. ``countermeasures`` are action items whose
    ``addresses`` names the root cause they answer (R1, R2..., a why id, or the text).
    Raises `InputError` for input that cannot be analysed at all (empty problem, unknown parent,
    parent cycle, too many whys). ``set_aside``: per list ('whys', 'countermeasures'), the items of the
    input left out of it for a wrong shape (`domain.items`): each an error finding and an entry of the
    result's ``set_aside``; the others keep their input positions (a why's default id is W and its
    position; without ``parent`` a why answers the why before it that was analysed).
    """
    language = check_language(language)
    aside = set_aside or {}
    problem_text = _check_problem(problem, language)
    why_at = kept_positions(len(whys or ()), aside.get("whys", ()))
    why_items = _coerce_whys(whys, language, why_at)
    stated = _coerce_roots(root_cause, language)
    cm_at = kept_positions(len(countermeasures or ()), aside.get("countermeasures", ()))
    items = _coerce_countermeasures(countermeasures, language, cm_at)
    review = _coerce_date(review_date, language)
    items = [resolve_due(item, review) for item in items]

    tree = _build_tree(why_items, language, why_at)
    depth = max(tree.depth, default=0)
    prints = [fingerprint(why.answer) for why in why_items]
    roots = _roots(stated, why_items, prints, tree)
    root_nodes = {root.anchor for root in roots if root.anchor is not None and root.is_node}
    root_links = {root.anchor for root in roots if root.anchor is not None}

    left_out = [entry for name in ("whys", "countermeasures") for entry in aside.get(name, ())]
    findings = set_aside_findings(left_out) + _problem_findings(problem_text, why_items, depth, language)
    why_findings, gaps = _why_findings(why_items, prints, tree, root_nodes, root_links, problem_text, language)
    findings += why_findings
    findings += _root_findings(roots, bool(why_items), language)
    cm_results, cm_findings, cm_gaps = _countermeasure_results(items, roots, tree, review, language, cm_at)
    findings += cm_findings
    findings += [
        finding
        for index, item in zip(cm_at, items, strict=True)
        for finding in unread_word_findings(item, f"countermeasures[{index}]", language)
    ]
    findings += [
        _finding(
            "verified_unread",
            "warning",
            tr(_TEXT, "verified_unread", language, value=written),
            f"whys[{index}].verified",
        )
        for index, why in zip(why_at, why_items, strict=True)
        if (written := why.unread_verified) is not None
    ]
    gaps += cm_gaps
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])
    counts = SeverityCounts.of(findings)

    nodes = _nodes(why_items, tree)
    read_backs = [_read_back(root, problem_text, why_items, tree, language) for root in roots]
    root_models = [_root_model(root, rb, tree, language) for root, rb in zip(roots, read_backs, strict=True)]
    return FiveWhysResult(
        language=language,
        problem=problem_text,
        depth=depth,
        is_chain=len(tree.top) <= 1 and all(len(kids) <= 1 for kids in tree.children),
        whys=nodes,
        root_causes=root_models,
        countermeasures=cm_results,
        read_back=read_backs,
        findings=findings,
        counts=counts,
        passed=counts.error == 0,
        data_gaps=gaps,
        set_aside=left_out,
    )


def _root_model(root: _Root, read_back: ReadBack, tree: _Tree, language: Language) -> RootCause:
    category, category_6m = categorize(root.text, language)
    return RootCause.model_validate(
        {
            "id": root.id,
            "text": root.text,
            "source": root.source,
            "why_id": None if root.anchor is None else tree.ids[root.anchor],
            "depth": len(read_back.steps) - 1,
            "is_why": root.anchor is not None and root.is_node,
            "blames_person": bool(_blame(root.text)),
            "category": category,
            "category_6m": category_6m,
            "countermeasures": root.countermeasures,
        }
    )
