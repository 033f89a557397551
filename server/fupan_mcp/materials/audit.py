"""A review already written, audited. Pure: a `Document` in, an `AuditResult` out.

1. Sections: each heading is matched to a report section by its words (`documents.section_of`); the
   project type's checklist (``knowledge/checklists.json``; without a type, the core sections) says which
   sections must be there, and a missing one is a finding that quotes what it should hold.
2. Figures: tables whose header names a metric with a target or an actual (read by `metrics.read_metrics`,
   the same reader as import_metrics), and sentences such as "GMV目标2000万，实际完成1800万，完成率95%" or
   "Sign-ups: target 2,000, actual 1,800 (90% of target)", and the goal bullets that leave the word out
   ("新增付费用户 ≥ 5,000（实际 4,200）", "获客成本控制在80元以内，实际92元", "p95 under 300 ms, actual
   280 ms"). Each is recomputed by compute_attainment; a stated rate or verdict that disagrees is a
   finding with both figures. A stated rate that matches the
   other convention for lower-is-better targets (actual / target) is noted, not called wrong.
3. Actions: tables with an owner or due column (`trackers.read_tracker`), and the items under an actions
   heading, reading "负责人：X" / "owner: X" / "@X" and a date; without an owner, without a date, or with a
   date that has no year, each is a finding.
4. Tone and privacy: every paragraph, item and table cell through `analysis.compliance.check_compliance`.

Nothing is guessed: a sentence that states a target or an actual whose figures cannot be read, a table
that is neither a metrics nor an action table, images and embedded objects are listed as unreadable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import ValidationError

from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.analysis.compliance import check_compliance
from fupan_mcp.analysis.misreads import side_of
from fupan_mcp.analysis.targets import parse_target
from fupan_mcp.catalog import PROJECT_TYPES
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.attainment import MetricInput, MetricResult, Status
from fupan_mcp.domain.common import SEVERITY_ORDER, Severity, SeverityCounts
from fupan_mcp.domain.compliance import RosterEntry
from fupan_mcp.domain.materials import (
    AuditChange,
    AuditFinding,
    AuditMetric,
    AuditResult,
    AuditSection,
    MaterialNote,
    MissingSection,
    Unreadable,
)
from fupan_mcp.domain.numbers import parse_scaled_quantity
from fupan_mcp.domain.review import CORE_SECTIONS, project_type_key
from fupan_mcp.domain.statuses import read_status
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, join_list, tr
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS
from fupan_mcp.materials.documents import Block, Document, sections_of
from fupan_mcp.materials.metrics import metric_header, read_metrics
from fupan_mcp.materials.stated_changes import ChangeColumns, StatedChange, change_columns, stated_changes, table_change
from fupan_mcp.materials.strings import TEXT
from fupan_mcp.materials.tables import EMPTY, Cell, Sheet
from fupan_mcp.materials.trackers import action_header, parse_date, read_tracker
from fupan_mcp.numfmt import percent, plain

__all__ = ["audit_document"]

_EXCERPT = 160

# ---------------------------------------------------------------- statements of target and actual

_CMP = (
    r"(?:[≥≤<>]=?|>=|<=|=|不低于|不少于|至少|不超过|不高于|至多|超过|低于|"
    r"at least|at most|no more than|no less than|under|over|above|below)?"
)
_NUM = r"[-+]?[$¥￥]?\s*\d[\d,，]*(?:\.\d+)?"
_UNIT = (
    r"(?:\s*(?:%|％|‰|‱|pp|个百分点|个基点|(?:百万|万|亿|千)(?:元|块|人|单|次|条|个|家|笔|件|户|台)?|元|块|[kKmMbB](?![a-zA-Z])|小时|h(?![a-zA-Z])|分钟|min(?![a-zA-Z])|"
    r"分(?!钟)|秒|ms(?![a-zA-Z])|s(?![a-zA-Z])|天|日|人|单|次|条|个|家|笔|件|户|台|起|例|项|场|款|篇|套|users?|days?|hours?|minutes?|seconds?|weeks?|orders?))?"
)
_DURATION_TAIL = (
    r"(?:(?<=[时天日hH])\s*\d+(?:\.\d+)?\s*"
    r"(?:个?小时|分钟|分(?![之数值])|秒|min(?![a-zA-Z])|m(?![a-zA-Z])|s(?![a-zA-Z])|h(?![a-zA-Z]))){0,2}"
)
"""'1小时20分', '2 天 6 小时', '1h 20m': a duration goes on past its first unit; cut there, 1小时20分 read
as 1小时 and '≤1小时, 达成' was accepted."""
_VALUE = rf"{_CMP}\s*{_NUM}{_UNIT}{_DURATION_TAIL}(?:\s*[~～-]\s*{_NUM}{_UNIT})?"
_SEP = r"\s*[，,；;、]?\s*"
_BOUND_WORD = r"(?:\s*(?:以内|以下|以上|之内))?"
"""'目标 30 分钟以内': the bound word after the figure belongs to the target (a ceiling), and without it in
the pattern the statement was not found at all."""

_UP = r"提升|提高|增长|增加|上升"
_DOWN = r"降低|下降|减少|缩短"
ZH_STATEMENT = re.compile(
    rf"(?P<name>[^，,。；;：:\n]{{1,40}}?)\s*[:：]?\s*(?:的)?(?:目标|计划)(?:值)?(?:为|是|定为|设定为|设为)?\s*[:：]?\s*"
    rf"(?P<target>{_VALUE}{_BOUND_WORD}){_SEP}(?:但|而|最终|结果)?\s*(?:实际|最终|实现|完成|达成|做到)(?:完成|达成|值|结果|新增|支出|花费|发生|实现|"
    rf"回款|上线|到岗|入职|交付|签约|成交|售出|发货|获客|拉新|注册|招聘|招到)?"
    rf"(?:仅|只有|只)?(?:了|为|是|到)?\s*[:：]?\s*(?P<actual>{_VALUE})"
)
ZH_NAMED = re.compile(  # "目标GMV 2000万，实际GMV 1800万": the name after 目标 and again after 实际
    rf"(?:目标|计划)(?!{_UP}|{_DOWN})(?P<name>[A-Za-z\u4e00-\u9fff][^\d，,。；;：:\n]{{0,19}}?)\s*(?:为|是)?\s*[:：]?\s*"
    rf"(?P<target>{_VALUE}){_SEP}(?:但|而|最终|结果)?\s*(?:实际|最终)\s*(?P=name)\s*"
    rf"(?:仅|只有|只)?(?:为|是|达到|达|到)?\s*[:：]?\s*(?P<actual>{_VALUE})"
)
ZH_BOUND = re.compile(  # "成本不超过500万，实际450万": a bound written without the word 目标
    rf"(?P<name>[^，,。；;：:\n\d]{{1,20}}?)\s*[:：]?\s*(?:预算|上限|下限)?(?:须|需|应|要)?\s*"
    rf"(?P<target>(?:[≥≤]|>=|<=|不低于|不少于|至少|不超过|不高于|至多)\s*{_NUM}{_UNIT})(?:以内|以下|以上)?{_SEP}"
    rf"(?:但|而|最终|结果)?\s*(?:实际|最终)(?:完成|达成|值|结果|支出|花费|发生)?(?:了|为|是|到)?\s*[:：]?\s*"
    rf"(?P<actual>{_VALUE})"
)
ZH_CHANGE = re.compile(  # "复购率目标提升20%，实际提升15%": a change against a change, progress 75%
    rf"(?P<name>[^，,。；;：:\n]{{1,40}}?)(?:的)?(?:目标|计划)(?:为|是)?\s*(?:(?P<up>{_UP})|(?P<down>{_DOWN}))\s*"
    rf"(?P<target>{_NUM}{_UNIT}){_SEP}(?:但|而|最终|结果)?\s*实际(?:仅|只|也)?\s*"
    rf"(?:(?P<up2>{_UP})|(?P<down2>{_DOWN}))(?:了)?\s*(?P<actual>{_NUM}{_UNIT})"
)
_FINALLY = r"最终(?=\s*(?:为|是|达到|落在|[:：])?\s*[-+]?[$¥￥]?\d)"
"""'最终1.5%', '最终为99.2%': the final figure is the actual when a figure follows at once."""
_ENDED = r"(?:we\s+|it\s+|they\s+)?(?:ended|landed|finished|closed|came\s+in)\s+(?:up\s+)?(?:at|on)"
"""'we ended at 1.5%', 'landed at 380 ms': how English reviews give the actual without the word."""
_LEVEL_LEAD = (
    r"(?:[≥≤<>]=?|>=|<=|不低于|不少于|至少|不超过|不高于|至多|超过|低于|控制在|降至|降到|降低到|降低至|提升至|提升到|"
    r"提高到|提高至|达到|从|由|at least|at most|no more than|no less than|under|below|above|over|up to|from)"
)
LEVEL = re.compile(  # "新增付费用户 ≥ 5,000（实际 4,200）", "获客成本控制在80元以内，实际92元": no 目标 written
    rf"(?P<name>[^，,。；;：:\n（()≥≤<>]{{1,30}}?)\s*(?P<target>{_LEVEL_LEAD}\s*(?:[^，,。；;：:\n（()]|(?<=\d)[,，](?=\d{{3}})){{0,30}}?)"
    rf"\s*(?:[（(]\s*|{_SEP}(?:但|而|最终|结果|but|while|and)?\s*)(?:实际|actual|{_FINALLY}|{_ENDED})(?:完成|达成|值|结果|ly)?"
    rf"(?:仅|只有|只)?(?:了|为|是|到|was|is|:|：)?\s*[:：]?\s*(?P<actual>{_VALUE})",
    re.IGNORECASE,
)
EN_STATEMENT = re.compile(
    rf"(?P<name>[A-Za-z][\w %/&'’.-]{{0,40}}?)\s*[:：]?\s*(?:had\s+a\s+|with\s+a\s+)?(?:target(?:ed)?|goal)\s*"
    rf"(?:was|of|is|:|=)?\s*(?P<target>{_VALUE}){_SEP}(?:but|and|while|with)?\s*(?:(?:the\s+)?actual(?:ly)?|{_ENDED})\s*"
    rf"(?:was|is|:|=|reached|came in at|hit)?\s*(?P<actual>{_VALUE})",
    re.IGNORECASE,
)
EN_BUDGET = re.compile(  # "Marketing budget: $500k, actual spend $520k": a budget is a ceiling
    rf"(?P<name>[A-Za-z][\w %/&'’.-]{{0,40}}?(?P<ceiling>budget))\s*(?:was|of|is|:|=)?\s*(?P<target>{_NUM}{_UNIT})"
    rf"{_SEP}(?:but|and|while|with)?\s*(?:(?:the\s+)?actual(?:ly)?(?:\s+(?:spend|spending|spent|cost|costs))?|"
    rf"(?:we\s+)?spent|spend(?:ing)?)\s*(?:was|is|:|=|of|came in at)?\s*(?P<actual>{_NUM}{_UNIT})",
    re.IGNORECASE,
)
_EN_CAME = (
    r"(?:reached|hit|was|were|is|came in at|achieved|ended at|landed at|finished at|closed at|stayed at|"
    r"rose to|grew to|climbed to|fell to|dropped to|averaged|totall?ed)"
)
EN_AGAINST = re.compile(
    rf"(?P<name>[A-Za-z][\w %/&'’.-]{{0,40}}?)\s+{_EN_CAME}\s+"
    rf"(?P<actual>{_VALUE})\s+"
    rf"(?:against|vs\.?|versus|compared with)\s+(?:a|an|the|our)?\s*(?:target|goal|objective|slo|sla)\s+(?:of\s+)?"
    rf"(?P<target>{_VALUE})",
    re.IGNORECASE,
)
EN_AGAINST_TARGET = re.compile(  # "came in at $4.2M versus the $5M target": the target's figure before the word
    rf"(?P<name>[A-Za-z][\w %/&'’.-]{{0,40}}?)\s+{_EN_CAME}\s+"
    rf"(?P<actual>{_VALUE})\s+"
    rf"(?:against|vs\.?|versus|compared with)\s+(?:a|an|the|our)?\s*(?P<target>{_VALUE})(?:[\s-]+(?:month|monthly|"
    rf"quarter|quarterly|annual|weekly|p\d{{2,3}}|availability|uptime|latency))?\s+"
    rf"(?:target|goal|plan|objective|slo|sla|(?P<ceiling>budget|ceiling|cap|limit))\b",
    re.IGNORECASE,
)
"""'against our 99.9% SLO', 'versus the $50k budget': a budget, ceiling, cap or limit is a level not to pass."""
ZH_AGAINST = re.compile(  # "大促GMV 5,200万，对比目标5,000万": the actual first, then the target it is set against
    rf"(?P<name>[A-Za-z\u4e00-\u9fff][^，,。；;：:\n\d]{{0,19}}?)\s*(?:为|是|达到了?|达|实现|完成|突破|录得)?\s*"
    rf"(?P<actual>{_VALUE})\s*(?:[，,]\s*(?:(?:对比|对照|相比|相较于?|比较|较|vs\.?)\s*)?|(?:对比|对照|相比|相较于?|比较|较|vs\.?)\s*)"
    rf"(?:目标|计划)(?:值)?(?:为|是)?(?:的)?\s*(?P<target>{_VALUE}{_BOUND_WORD})(?![\d.])",
    re.IGNORECASE,
)
"""Also '系统可用性99.95%，目标99.9%' and 'DAU峰值突破120万，目标100万': the figure, a comma, then the target."""
ZH_BUDGET = re.compile(  # "营销预算500万，实际花费520万": a budget is a ceiling, whatever the name says
    rf"(?P<name>[^，,。；;：:\n\d]{{0,20}}?(?P<ceiling>预算))(?:目标)?(?:总额|金额|额度)?(?:为|是|定为)?\s*[:：]?\s*"
    rf"(?P<target>{_NUM}{_UNIT}){_BOUND_WORD}{_SEP}(?:但|而|最终|结果)?\s*(?:实际|最终)"
    rf"(?:花费|支出|使用|发生|消耗|投入|花了|用了|花掉|开支)?(?:了|为|是|到)?\s*[:：]?\s*(?P<actual>{_NUM}{_UNIT})"
)
_PEAK_NAME = re.compile(r"峰值|高峰|最高|\bpeak\b", re.IGNORECASE)
"""'DAU峰值', 'peak DAU': the figure is a peak. Where the name also leads the target ('DAU峰值目标100万，实际120万')
the target is on the peak too; where the figure comes first and the target after it ('DAU峰值突破120万，目标
100万'), the target names no peak: a peak cannot prove it (needs verification, as compute_attainment says)."""
_ACTUAL_FIRST = (ZH_AGAINST, EN_AGAINST, EN_AGAINST_TARGET)
_POINTS = re.compile(r"(?<=\d)\s*分$")  # "NPS目标40分": 分 is points for a score, minutes otherwise
_HOURS_MINUTES = re.compile(r"(?:时|天|日|h)\s*\d+(?:\.\d+)?\s*分$", re.IGNORECASE)
"""'1小时20分': the 分 after hours is minutes, never points."""


def _points(text: str) -> bool:
    return _POINTS.search(text) is not None and _HOURS_MINUTES.search(text) is None


_SCORE_NAME = re.compile(r"NPS|CSAT|评分|得分|分数|打分|满意度|推荐值|score|rating", re.IGNORECASE)
_BASELINE = re.compile(
    rf"(?:基线|上期|去年同期|同期|基准|baseline|last year|previous)\s*(?:为|是|:|：|was|of)?\s*(?P<baseline>{_VALUE})",
    re.IGNORECASE,
)
_APPROX_WORDS = r"约为|约|大约|大概|差不多|approximately|about|around|roughly|~|～|≈"
_NEAR_WORDS = r"接近|将近|近|nearly|almost|close to|just under"
_ABOVE_WORDS = r"超过|超|逾|高于|不低于|至少|over|above|more than|at least|exceeding"
_BELOW_WORDS = r"不足|不到|低于|未到|under|below|less than|short of"
_RATE_NUMBER = (
    rf"(?P<pre>{_APPROX_WORDS}|{_NEAR_WORDS}|{_ABOVE_WORDS}|{_BELOW_WORDS})?\s*"
    r"(?P<{g}>\d+(?:\.\d+)?)\s*(?:[%％]\s*)?(?:(?:[-~～至到]|to)\s*(?P<{g}hi>\d+(?:\.\d+)?)\s*)?[%％]"
    r"\s*(?P<post>左右|上下|以上|以下|多|余|出头|or more|or so|plus)?"
)
_RATE = re.compile(
    r"(?:完成率|达成率|达成度|完成度|达标率|attainment(?:\s+rate)?|completion rate)\s*"
    r"(?:(?:为|是|达到|达)?(?:目标|计划)(?:值)?的|仅为|仅|只有|只|高达|已达|达到了|达到|为|是|达|(?:was|is)(?:\s+only|\s+just)?|of|:|：|=)?\s*"
    + _RATE_NUMBER.replace("{g}", "rate").replace("<post>", "<post>")
    + r"|(?:完成了?|达成了?)(?:年度|全年|季度|月度|本季度|本月|半年)?目标的\s*"
    + _RATE_NUMBER.replace("{g}", "rate2").replace("<pre>", "<pre2>").replace("<post>", "<post2>")
    + r"|"
    + _RATE_NUMBER.replace("{g}", "rate3").replace("<pre>", "<pre3>").replace("<post>", "<post3>")
    + r"\s*(?:of (?:the )?(?:target|goal|plan)|attainment)",
    re.IGNORECASE,
)
_NOT_ACHIEVED = re.compile(
    r"未达成|未达标|未完成|没有达成|没有完成|未能达成|not (?:achieved|met|reached)|missed|fell short|"
    r"did(?:n't| not) (?:hit|make|reach|meet)|below (?:the |our )?(?:target|goal)|off[- ]target",
    re.IGNORECASE,
)
_ACHIEVED = re.compile(
    r"超额完成|超额达成|已达成|达成目标|完成目标(?!的)|达标(?!率)|目标达成(?![率度])|exceeded|achieved|\bmet\b|beat|"
    r"\b(?:hit|made|reached|hitting|making) (?:the |our )?(?:target|goal)|\bon[- ]target",
    re.IGNORECASE,
)
_TARGET_WORD = re.compile(r"目标|计划值|预算|\btarget|\b(?:goal|objective|slo|sla|budget|ceiling)\b", re.IGNORECASE)
_ACTUAL_WORD = re.compile(
    rf"实际|实现|完成|达成|\bactual|\bspent\b|reached|achieved|\bagainst\b|\bversus\b|\bvs\b|{_FINALLY}|{_ENDED}",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_FILLERS = re.compile(
    r"^(?:本次|本期|此次|这次|今年|全年|上半年|下半年|(?:活动|项目)(?=[A-Za-z0-9\s的])|其中|整体|我们的?|另外|同时|而|但|并且|以及|"
    r"and |the |our |overall |our campaign's |this quarter's |q\d |in q\d,? )+",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[。；;!！?？\n])|(?<=\.)\s+(?=[A-Z\u4e00-\u9fff])")  # "..., missed. 流失率目标5%"

# ---------------------------------------------------------------- actions

_OWNER = re.compile(
    r"(?:负责人|责任人|负责|跟进人|owner|dri|assignee)\s*[:：]?\s*(?P<owner>[^\s，,；;）)、|。]{1,30})"
    r"|[@＠](?P<mention>[\w\u4e00-\u9fff.-]{1,30})",
    re.IGNORECASE,
)
_DATE_FULL = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?"
    r"|\d{1,2}[ -/](?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[ -/]\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}",
    re.IGNORECASE,
)
_STRUCK_OUT = re.compile(r"~~[^~]*~~")
_ITEM_STATUS = re.compile(
    r"\b(?:status|state)\s*[:：=]\s*(?P<status>[^,;，；|]{1,40}?)\s*(?=$|[,;，；|]|\.(?:\s|$))", re.I
)
"""'…, status: done' written in an action item: read as a tracker's status cell (was ignored: every item open)."""
_DATE_NO_YEAR = re.compile(r"(?<![\d年])\d{1,2}\s*月\s*\d{1,2}\s*[日号]|(?<!\d)\d{1,2}/\d{1,2}(?![/\d])")


@dataclass
class _Statement:
    location: str
    section: str | None
    excerpt: str
    metric: MetricInput
    stated_rate: float | None
    stated_status: Status | None
    rate_decimals: int
    stated_low: float | None = None  # the stated rate as an interval, in percent ("约95%", "85%-90%", "90%以上")
    stated_high: float | None = None
    spread: float = 0.0  # relative precision of the written target and actual ("1.8亿" is 1.75 to 1.85亿)
    other_rates: tuple[float, ...] = ()  # the actual against the sentence's other targets (保底 vs 冲刺), percent


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _clean_name(name: str) -> str:
    name = name.strip(" ：:，,-—·*#|")
    # "missed. p99 latency": the verdict ending the sentence before, not part of the name ("Avg. handle time" is)
    name = re.sub(r"^(?:not\s+)?(?:met|missed|achieved|exceeded|reached|beat|on track)\.\s+", "", name, flags=re.I)
    name = _FILLERS.sub("", name).strip(" ：:，,的")
    name = re.sub(r"(?<=.)(?:的)?(?:预算)?目标$", "", name)  # "预算目标不超过50万" (ZH_BOUND) names the 预算
    return name[:MAX_NAME_CHARS] or "?"


def _value_ok(value: str) -> bool:
    try:
        parse_scaled_quantity(value)
    except ValueError:
        return False
    return True


@dataclass
class _Rate:
    value: float
    decimals: int
    low: float
    high: float
    qualifier: str  # the words naming whose rate it is, when they are not the metric's ("线上", "EMEA")


_QUALIFIER_NOISE = re.compile(
    r"目标|整体|总体|总|综合|最终|实际|累计|全部|即|为|的|其|了|是|达|"
    r"overall|total|the|its|an?|for|with|target|goal|plan|and|was|is|at|of|or|which|"
    r"hit(?:ting)?|reach(?:ed|ing)?|achiev(?:ed|ing)|came in|coming in|landing|ending|"
    r"[\s:：=（(、—–-]",
    re.IGNORECASE,
)
_SCOPE_NOISE = re.compile(r"其中|本次|本期|this|quarter'?s?|q\d", re.IGNORECASE)
_CLAUSE_EDGE = re.compile(r"[，,；;。）)]")


def _rate_of(match: re.Match[str]) -> _Rate:
    """The stated rate of a `_RATE` match as an interval in percent: rounding, "约", "以上", ranges."""
    for suffix in ("", "2", "3"):
        raw = match.group("rate" + suffix)
        if raw is not None:
            high_raw = match.group(f"rate{suffix}hi")
            pre = (match.group("pre" + (suffix or "")) or "").casefold()
            post = (match.group("post" + (suffix or "")) or "").casefold()
            break
    else:  # pragma: no cover - the pattern has three alternatives
        raise AssertionError(match.group())
    digits = [len(r.split(".")[1]) if "." in r else 0 for r in (raw, high_raw) if r]
    decimals = max(digits)
    tolerance = 0.5 * 10 ** (-decimals) + 1e-9
    value = float(raw)
    low, high = value - tolerance, (float(high_raw) if high_raw else value) + tolerance
    if re.fullmatch(_APPROX_WORDS, pre) or post in ("左右", "上下", "or so"):
        low, high = value - max(1.0, tolerance), value + max(1.0, tolerance)
    elif re.fullmatch(_NEAR_WORDS, pre):
        low = value - 2.0
    elif re.fullmatch(_ABOVE_WORDS, pre) or post in ("以上", "多", "余", "出头", "or more", "plus"):
        high = float("inf")
    elif re.fullmatch(_BELOW_WORDS, pre) or post == "以下":
        low = float("-inf")
    return _Rate(value, decimals, low, high, "")


def _rates(text: str, name: str) -> tuple[_Rate | None, str | None]:
    """The first rate in ``text`` that is the metric's own, and the qualifier of one that is another's.

    "客单价目标300元，实际280元，GMV完成率90%" states GMV's rate, "线上完成率110%" a channel's, "按调整后目标完成率100%"
    a rate against another target: none of them is the rate of this metric, so none is compared.
    """
    other: str | None = None
    folded = name.casefold()
    for match in _RATE.finditer(text):
        before = text[: match.start()]
        edges = list(_CLAUSE_EDGE.finditer(before))
        clause = before[edges[-1].end() :] if edges else before
        qualifier = _QUALIFIER_NOISE.sub("", _SCOPE_NOISE.sub("", clause)).casefold()
        # "其中直播GMV完成率110%" after "GMV目标…": the name with a scope before or after it is another's rate
        if qualifier and qualifier not in folded:
            other = other or clause.strip()
            continue
        return _rate_of(match), other
    return None, other


_VERDICT_NOISE = re.compile(
    r"已经|已|均|全部|顺利|成功|圆满|超额|整体|全面|最终|基本|目标|指标|了|并且|并|且|因此|所以|"
    r"\b(?:so|thus|and|was|were|the|our|target|goal|plan|objective|slo|sla|budget|is|has|have|been|fully|"
    r"comfortably|clearly|we|it)\b|[\s.!！、]",
    re.IGNORECASE,
)


_VERDICT_CLAUSE = re.compile(r"[，,；;。:：（）()—–]|\s-\s")
"""Where a verdict clause ends: punctuation, and a dash set off by spaces ('actual 3h — on target')."""


def _stated_verdict(rest: str) -> Status | None:
    """A verdict the statement itself carries: a clause that is the verdict and nothing else ("未达成", "已达标").

    "距离达成目标还差200万", "预计Q4可达成目标", "虽然达标，但毛利未达标", "we met with the partners weekly"
    name a verdict of something else, or of nothing yet: none of them is compared.
    """
    verdicts: tuple[tuple[re.Pattern[str], Status], ...] = ((_NOT_ACHIEVED, "not_achieved"), (_ACHIEVED, "achieved"))
    clauses = _VERDICT_CLAUSE.split(rest)
    for index, clause in enumerate(clauses):
        for pattern, status in verdicts:
            if pattern.search(clause):
                if not _VERDICT_NOISE.sub("", pattern.sub("", clause)):
                    return _answered(status, clauses[index + 1 :])
                break
        else:
            alone = None if _HEDGED.search(clause) else _BARE_VERDICTS.get(_VERDICT_NOISE.sub("", clause))
            if alone is not None:  # '实际12天——达成。': the bare word as the whole clause
                return _answered(alone, clauses[index + 1 :])
    return None


def _answered(status: Status, after: list[str]) -> Status | None:
    """A verdict word set as a question with its answer after it ('Met: No', 'Achieved: yes', '达成：否'): the
    answer decides ('Met: No' is not met; it was read as met). Any other clause after it leaves the verdict."""
    answer = next((clause.strip().casefold() for clause in after if clause.strip()), "")
    if answer in _NO_ANSWERS:
        return "not_achieved" if status == "achieved" else "achieved"
    return status


_NO_ANSWERS = frozenset({"no", "n", "false", "否", "✗", "×", "❌", "✘"})
_HEDGED = re.compile(r"基本|大体|大致|接近|几乎|差不多|大部分|部分|初步")
"""'基本达成' is a hedge, not the claim that the target was met: it is not compared."""
_BARE_VERDICTS: dict[str, Status] = {
    **dict.fromkeys(("达成", "完成", "达标"), "achieved"),
    **dict.fromkeys(("未达成", "未完成", "未达标", "没达成", "没完成"), "not_achieved"),
}


def _stated_status(text: str) -> Status | None:
    if _NOT_ACHIEVED.search(text):
        return "not_achieved"
    if _ACHIEVED.search(text):
        return "achieved"
    return None


_ACHIEVED_CELLS = (
    "达成",
    "已达成",
    "达标",
    "完成",
    "已完成",
    "超额完成",
    "是",
    "√",
    "✓",
    "✔",
    "✅",
    "yes",
    "y",
    "achieved",
    "met",
    "done",
    "completed",
    "complete",
    "passed",
)
_NOT_ACHIEVED_CELLS = (
    "未达成",
    "未达标",
    "未完成",
    "否",
    "×",
    "✗",
    "✘",
    "❌",
    "no",
    "n",
    "not achieved",
    "not met",
    "missed",
    "failed",
)
_MARKS = re.compile("[√✓✔✅×✗✘❌]")
_STATUS_WORDS: dict[str, Status] = {
    **dict.fromkeys(_ACHIEVED_CELLS, "achieved"),
    **dict.fromkeys(_NOT_ACHIEVED_CELLS, "not_achieved"),
}


def _status_cell(text: str) -> Status | None:
    """A verdict written in a table cell: a word, a tick or a cross; else read like a sentence."""
    folded = text.replace("\ufe0f", "").strip().casefold()  # '✔️' carries a variation selector
    found = _STATUS_WORDS.get(folded)
    if found is None and _MARKS.search(folded):  # '✅ Met', '❌ 未达成': a mark and a word that agree
        marks = {_STATUS_WORDS[mark] for mark in _MARKS.findall(folded)}
        word = _MARKS.sub("", folded).strip(" :：-")
        said = _STATUS_WORDS.get(word) if word else None
        if len(marks) == 1 and said in (None, *marks) and (said is not None or not word):
            found = marks.pop()
    return found or _stated_verdict(text)  # "预计Q4达成" in a status cell is no verdict yet


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE.split(text) if part and part.strip()]


_ACTUAL_LEAD = re.compile(
    rf"^(?:但|而|结果|but|and|while)?\s*(?:实际|actual|{_FINALLY}|{_ENDED}|(?:we\s+)?spent\b)", re.IGNORECASE
)


def _with_actual_after(sentences: list[str]) -> list[str]:
    """A goal and its actual split by a semicolon ('… from 2.0% to 1.4%; we ended at 1.5%') are one
    statement: the part that opens with the actual is joined to the goal before it."""
    joined: list[str] = []
    for sentence in sentences:
        if joined and _ACTUAL_LEAD.match(sentence) and not _statement_matches(joined[-1]):
            candidate = f"{joined[-1].rstrip('。.；; ')}; {sentence}"  # 'Budget target: $300k. Actual: $280k.'
            if _statement_matches(candidate):
                joined[-1] = candidate
                continue
        joined.append(sentence)
    return joined


def _statement_matches(sentence: str) -> list[re.Match[str]]:
    """Every statement of a target and an actual in ``sentence``, in order, by the first pattern that finds one."""
    patterns = (
        ZH_BUDGET,
        ZH_STATEMENT,
        ZH_BOUND,
        ZH_CHANGE,
        ZH_NAMED,
        ZH_AGAINST,
        EN_BUDGET,
        EN_STATEMENT,
        EN_AGAINST,
        EN_AGAINST_TARGET,
        LEVEL,
    )
    for pattern in patterns:
        found = list(pattern.finditer(sentence))
        if found:
            return found
    return []


_TARGET_FIGURE = re.compile(rf"(?:目标|target)(?:值|为|是|of|was|:|：|\s)*(?P<value>{_NUM}{_UNIT})", re.IGNORECASE)
_FIGURE = re.compile(rf"{_NUM}{_UNIT}")


_PP = re.compile(r"\s*(?:pp|个百分点)$")
_SIGN = re.compile(r"^\s*([+-])\s*(?=[$¥￥]?\s*\d)")


def _change_pair(match: re.Match[str], target: str, actual: str) -> tuple[str, str] | Literal[False] | None:
    """A target change and an actual change of the same metric, as two magnitudes ("提升20%", "提升15%": ≥20%, 15%).

    The target magnitude is a floor whichever way the metric goes: a 25% cut of complaints against '下降20%'
    is 125% of it. Left bare, a lower-is-better name (投诉, 成本) read '20%' as a ceiling, the 25% cut a miss.

    None when the statement is not a change against a change, False when the two go opposite ways
    ("目标提升20%，实际下降5%", "target +20%, actual -5%"): no progress rate is read from that.
    """
    groups = match.groupdict()
    if "up" in groups:
        if bool(groups["up"]) != bool(groups["up2"]):
            return False
        points = _PP.search(target), _PP.search(actual)
        if points[0] and points[1]:  # "提升2个百分点", "提升1.5个百分点": the two changes in points
            return f"≥{target[: points[0].start()]}", actual[: points[1].start()]
        return f"≥{target}", actual
    signs = _SIGN.match(target), _SIGN.match(actual)
    if signs[0] is None or signs[1] is None:
        return None
    if signs[0].group(1) != signs[1].group(1):
        return False
    return f"≥{target[signs[0].end() :]}", actual[signs[1].end() :]


def _bare_against_scaled(target: str, actual: str) -> bool:
    """True for a bare actual against a target in 万/亿/k/M ("目标2000万，实际1800"): the scale is not known."""
    figure = _FIGURE.search(target)
    if figure is None:
        return False
    try:
        wanted, got = parse_scaled_quantity(figure.group().strip()), parse_scaled_quantity(actual)
    except ValueError:
        return False
    scaled = got.value * wanted.magnitude <= abs(wanted.value) * 10  # 18000000 against 2000万 is plain yuan
    return wanted.magnitude != 1.0 and got.magnitude == 1.0 and got.unit is None and scaled


def _other_targets(sentence: str, match: re.Match[str], actual: str) -> tuple[float, ...]:
    """The actual against each other target of the sentence, in percent ("保底目标1800万，冲刺目标2000万")."""
    try:
        got = parse_scaled_quantity(actual).value
    except ValueError:
        return ()
    rates: list[float] = []
    for other in _TARGET_FIGURE.finditer(sentence):
        if match.start("target") <= other.start("value") < match.end("target"):
            continue
        try:
            level = parse_scaled_quantity(other.group("value").strip().rstrip("，,")).value
        except ValueError:
            continue
        if level:
            rates.append(got / level * 100)
    return tuple(rates)


_WRITTEN_NUMBER = re.compile(r"\d[\d,，]*(?:\.(\d+))?")


def _precision(value: str) -> float:
    """The relative half unit of the last digit written: "1.8亿" ±0.05 of 1.8, "1,800万" ±0.5 of 1800."""
    match = _WRITTEN_NUMBER.search(value)
    if match is None:
        return 0.0
    number = float(re.sub(r"[,，]", "", match.group()))
    decimals = len(match.group(1)) if match.group(1) else 0
    if not number:
        return 0.0
    digits = re.sub(r"\D", "", match.group().split(".")[0])
    zeros = len(digits) - len(digits.rstrip("0")) if not decimals else 0
    if zeros:  # "1800万" may be 1798万 rounded: up to half its last non-zero place, at most 1%
        return min(0.5 * 10.0**zeros / number, 0.01)
    # a one-digit figure ("$2M") is not taken to be anywhere from 1.5 to 2.5: at most 5% either way
    return min(0.5 * 10.0 ** (-decimals) / number, 0.05)


class _Auditor:
    def __init__(self, document: Document, language: Language, review_date: dt.date | None) -> None:
        self.document = document
        self.language = language
        self.review_date = review_date
        self.findings: list[AuditFinding] = []
        self.unreadable: list[Unreadable] = []
        self.risk_tables: list[tuple[str, int]] = []
        self.statements: list[_Statement] = []
        self.changes: list[AuditChange] = []
        self.actions: list[ActionItem] = []
        self.action_locations: list[str] = []
        self.no_year: dict[int, str] = {}

    def t(self, key: str, **values: object) -> str:
        return tr(TEXT, key, self.language, **values)

    def finding(self, code: str, severity: Severity, message: str, location: str | None, excerpt: str | None) -> None:
        self.findings.append(
            AuditFinding(
                code=code, severity=severity, message=message, path=location, location=location, excerpt=excerpt
            )
        )

    # -- walk
    def walk(self) -> list[AuditSection]:
        sections: list[AuditSection] = []
        current: str | None = None
        current_level = 0
        for block in self.document.blocks:
            if block.kind == "heading":
                named = sections_of(block.text)
                section = named[0] if named else None
                sections.append(
                    AuditSection(
                        heading=block.text, level=block.level, section=section, also=named[1:], location=block.location
                    )
                )
                if section is not None:
                    current, current_level = section, block.level
                elif block.level <= current_level:
                    current, current_level = None, block.level
                continue
            if block.kind == "table":
                self.table(block, current)
            elif block.kind == "item" and current in ("actions", "follow_up"):
                self.item_action(block, current)
                self.sentences(block, current)
            else:
                self.sentences(block, current)
        return sections

    # -- tables
    def table(self, block: Block, section: str | None) -> None:
        rows = [[Cell("text", text, text) if text else EMPTY for text in row] for row in block.rows]
        width = max((len(row) for row in rows), default=0)
        rows = [row + [EMPTY] * (width - len(row)) for row in rows]
        sheet = Sheet(block.location, rows)
        header = metric_header(rows)
        columns = change_columns([cell.text for cell in rows[0]]) if rows else None
        if columns is not None and (header is None or header.column("target") is None):
            self.change_table(block, columns, rows)
            return
        if header is not None:
            table = read_metrics(sheet, self.language, header=header)
            for k, metric in enumerate(table.metrics):
                row = table.sources[k].row
                rate, status_text = table.stated_rates[k]
                source_row = rows[row - 1]
                excerpt = _excerpt(" | ".join(cell.text for cell in source_row if not cell.empty))
                self.statements.append(
                    _Statement(
                        location=f"{block.location}, row {row}",
                        section=section,
                        excerpt=excerpt,
                        metric=metric,
                        stated_rate=rate,
                        stated_status=_status_cell(status_text) if status_text else None,
                        rate_decimals=_decimals(source_row, table.header.column("rate")),
                        spread=_precision(str(metric.actual)),
                    )
                )
            for problem in table.problems:
                self.unreadable.append(
                    Unreadable(
                        location=f"{block.location}, row {problem.row}",
                        code="figure_unreadable",
                        excerpt=problem.value,
                        message=problem.message,
                    )
                )
            return
        header = action_header(rows, strict=True)
        if header is not None:
            tracker = read_tracker(sheet, self.language, header=header)
            if tracker.risks:  # a risk register: its rows are risks, not actions to audit (said in a note)
                self.risk_tables.append((block.location, len(tracker.risks)))
            for k, action in enumerate(tracker.actions):
                self.add_action(action, f"{block.location}, row {tracker.action_sources[k].row}", None)
            for problem in tracker.problems:
                self.unreadable.append(
                    Unreadable(
                        location=f"{block.location}, row {problem.row}",
                        code="figure_unreadable",
                        excerpt=problem.value,
                        message=problem.message,
                    )
                )
            return
        header_text = " | ".join(cell.text for cell in rows[0] if not cell.empty) if rows else ""
        self.unreadable.append(
            Unreadable(
                location=block.location,
                code="table_unread",
                excerpt=_excerpt(header_text),
                message=self.t("unread.table", header=_excerpt(header_text)),
            )
        )

    # -- sentences
    def sentences(self, block: Block, section: str | None) -> None:
        for sentence in _with_actual_after(_sentences(block.text)):
            self.stated_changes(block, sentence)
            named = _TARGET_WORD.search(sentence) or ZH_BOUND.search(sentence) or LEVEL.search(sentence)
            against = named and _ACTUAL_WORD.search(sentence) is None and ZH_AGAINST.search(sentence) is not None
            if not (named and (against or _ACTUAL_WORD.search(sentence)) and _DIGIT.search(sentence)):
                continue
            matches = _statement_matches(sentence)
            if not matches:
                self.unread_figure(block, sentence, self.t("reason.no_pair"))
                continue
            for k, match in enumerate(matches):
                # the rate and verdict of a statement are read up to the next statement of the sentence
                end = matches[k + 1].start() if k + 1 < len(matches) else len(sentence)
                self.statement(block, section, sentence, match, sentence[match.end() : end], len(matches) == 1)

    def statement(
        self, block: Block, section: str | None, sentence: str, match: re.Match[str], rest: str, alone: bool
    ) -> None:
        target, actual = (match.group(g).strip().rstrip("，,；;、").strip() for g in ("target", "actual"))
        if "ceiling" in match.re.groupindex and match.group("ceiling") and not re.match(r"[<>≤≥=]", target):
            target = f"<= {target}"  # 'versus the $50k budget': at most $50k, whatever the name says
        if not _value_ok(actual):
            self.unread_figure(block, sentence, actual)
            return
        try:
            parse_target(target)
        except ValueError as error:
            self.unread_figure(block, sentence, str(error))
            return
        change = _change_pair(match, target, actual)
        if change is False:
            self.unread_figure(block, sentence, self.t("reason.change_sides", target=target, actual=actual))
            return
        if change is not None:  # a change against a change: the progress is the one change over the other
            target, actual = change
        if _points(target) or _points(actual):
            if not (_points(target) and _points(actual) and _SCORE_NAME.search(match.group("name"))):
                self.unread_figure(block, sentence, self.t("reason.points", target=target, actual=actual))
                return
            target, actual = _POINTS.sub("", target), _POINTS.sub("", actual)  # points of a score: plain numbers
        if _bare_against_scaled(target, actual):  # "目标2000万，实际1800": 1800 what? not judged
            self.unread_figure(block, sentence, self.t("reason.magnitude", target=target, actual=actual))
            return
        baseline_match = _BASELINE.search(sentence if alone else match.group() + rest)
        baseline = baseline_match.group("baseline").strip() if baseline_match else None
        name = _clean_name(match.group("name"))
        rate, other = _rates(rest, name)
        if rate is None and other is None and alone:
            rate, other = _rates(sentence[: match.start()], name)
        if rate is None and other is not None:
            self.unread_figure(block, sentence, self.t("reason.rate_of_other", name=name, qualifier=other))
        peak = _PEAK_NAME.search(name) is not None
        try:
            metric = MetricInput(
                name=name,
                target=target,
                actual=actual,
                baseline=baseline if baseline and _value_ok(baseline) else None,
                aggregation="peak" if peak else None,
                target_aggregation="peak" if peak and match.re not in _ACTUAL_FIRST else None,
            )
        except ValidationError as error:
            self.unread_figure(block, sentence, str(error.errors()[0]["msg"]))
            return
        self.statements.append(
            _Statement(
                block.location,
                section,
                _excerpt(sentence),
                metric,
                rate.value if rate else None,
                _stated_verdict(rest),
                rate.decimals if rate else 0,
                rate.low if rate else None,
                rate.high if rate else None,
                _precision(actual),  # a target is set, not measured: its figure is taken as exact
                _other_targets(sentence, match, actual),
            )
        )

    def change_table(self, block: Block, columns: ChangeColumns, rows: list[list[Cell]]) -> None:
        """A table of before, after and the change ('| 指标 | 旧版本 | 新版本 | 提升 |'): each row's change checked."""
        for number, row in enumerate(rows[1:], start=2):
            texts = [cell.text for cell in row]
            change = table_change(columns, texts)
            if change is None:
                if any(_DIGIT.search(text) for text in texts):
                    self.unreadable.append(
                        Unreadable(
                            location=f"{block.location}, row {number}",
                            code="figure_unreadable",
                            excerpt=_excerpt(" | ".join(text for text in texts if text)),
                            message=self.t("unread.figure", reason=self.t("reason.change_row")),
                        )
                    )
                continue
            self.record_change(f"{block.location}, row {number}", change, change.excerpt)

    def stated_changes(self, block: Block, sentence: str) -> None:
        """Changes stated with both figures ('从2.1%提升到2.8%，提升了33%'), recomputed (`stated_changes`)."""
        if not _DIGIT.search(sentence):
            return
        for change in stated_changes(sentence):
            self.record_change(block.location, change, sentence)

    def record_change(self, location: str, change: StatedChange, context: str) -> None:
        """The change kept in `AuditResult.changes`, and a finding when it is wrong."""
        record = AuditChange(
            location=location,
            excerpt=_excerpt(change.excerpt),
            start=change.start,
            end=change.end,
            stated=change.stated,
            relative=round(change.relative, 6),
            points=None if change.points is None else round(change.points, 6),
            verdict=change.verdict,
        )
        self.changes.append(record)
        if change.verdict == "agrees":
            return
        relative = percent(abs(change.relative), signed=False)
        points = "—" if change.points is None else plain(abs(change.points))
        message = self.t(
            f"audit.{change.verdict}",
            stated=change.stated,
            start=change.start,
            end=change.end,
            relative=relative,
            points=points,
        )
        severity: Severity = "warning" if change.verdict == "change_unit" else "error"
        self.finding(change.verdict, severity, message, location, _excerpt(context))

    def unread_figure(self, block: Block, sentence: str, reason: str) -> None:
        self.unreadable.append(
            Unreadable(
                location=block.location,
                code="figure_unreadable",
                excerpt=_excerpt(sentence),
                message=self.t("unread.figure", reason=reason),
            )
        )

    # -- actions
    def item_action(self, block: Block, section: str) -> None:
        text = block.text
        owner_match = _OWNER.search(text)
        owner = (owner_match.group("owner") or owner_match.group("mention")) if owner_match else None
        due: dt.date | None = None
        dates = list(_DATE_FULL.finditer(_STRUCK_OUT.sub(" ", text)))
        full = dates[0] if dates else None
        if full:
            parsed = parse_date(
                re.sub(r"\s+", "", full.group()).replace("年", "-").replace("月", "-").rstrip("日号")
                if "年" in full.group()
                else full.group()
            )
            if len(dates) == 2 and "年" not in full.group():  # 'due 2026-11-30 → 2026-12-15': the move's date
                struck = _STRUCK_OUT.sub(" ", text)
                moved = parse_date(struck[full.start() : dates[1].end()])
                parsed = moved if isinstance(moved, dt.date) else parsed
            due = parsed if isinstance(parsed, dt.date) else None
        written = _ITEM_STATUS.search(text)
        status = read_status(written.group("status")) if written else None
        if block.checked is not None and status is None:
            status = "done" if block.checked else "open"  # '- [x] Add the alert': a ticked task is done
        try:
            action = ActionItem(
                action=text[:MAX_TEXT_CHARS],
                owner=owner[:MAX_NAME_CHARS] if owner else None,
                due=due,
                status=status or "open",
            )
        except ValidationError:
            return
        no_year = _DATE_NO_YEAR.search(text) if due is None else None
        self.add_action(action, block.location, no_year.group() if no_year else None)

    def add_action(self, action: ActionItem, location: str, no_year: str | None) -> None:
        self.actions.append(action)
        self.action_locations.append(location)
        excerpt = _excerpt(action.action)
        if not action.owner:
            self.finding(
                "action_no_owner", "warning", self.t("audit.action_no_owner", action=excerpt), location, excerpt
            )
        if action.due is None and no_year:
            message = self.t("audit.action_due_no_year", date=no_year, action=excerpt)
            self.finding("action_due_no_year", "warning", message, location, excerpt)
        elif action.due is None:
            self.finding("action_no_due", "warning", self.t("audit.action_no_due", action=excerpt), location, excerpt)
        elif (
            self.review_date is not None and action.due <= self.review_date and action.status in ("open", "in_progress")
        ):
            message = self.t("audit.action_due_past", due=action.due.isoformat(), action=excerpt)
            self.finding("action_due_past", "warning", message, location, excerpt)

    # -- recomputation
    def recompute(self) -> list[AuditMetric]:
        if not self.statements:
            return []
        result = compute_attainment([s.metric for s in self.statements], self.language)
        by_index: dict[int, MetricResult] = {m.index: m for m in result.metrics}
        errors = {e.index: e for e in result.errors}
        out: list[AuditMetric] = []
        for k, statement in enumerate(self.statements):
            recomputed = by_index.get(k)
            name = statement.metric.name
            if k in errors:
                message = self.t("audit.metric_error", name=name, message=errors[k].message)
                self.finding("metric_unreadable", "warning", message, statement.location, statement.excerpt)
            elif recomputed is not None:
                self.compare(statement, recomputed)
            out.append(
                AuditMetric(
                    location=statement.location,
                    section=statement.section,
                    excerpt=statement.excerpt,
                    metric=statement.metric,
                    stated_rate=statement.stated_rate,
                    stated_status=statement.stated_status,
                    recomputed=recomputed,
                )
            )
        return out

    def compare(self, statement: _Statement, recomputed: MetricResult) -> None:
        name = statement.metric.name
        if recomputed.status == "not_evaluable" and (statement.stated_rate is not None or statement.stated_status):
            message = self.t("audit.not_evaluable", name=name, statement=recomputed.statement)
            self.finding("not_evaluable", "warning", message, statement.location, statement.excerpt)
            return
        if recomputed.status == "needs_verification" and (
            statement.stated_rate is not None or statement.stated_status == "achieved"
        ):  # '完成率120%' of a peak: the document states what its evidence cannot prove
            message = self.t("audit.unproven", name=name, statement=recomputed.statement)
            self.finding("claim_unproven", "warning", message, statement.location, statement.excerpt)
            return
        stated = statement.stated_rate
        rate = recomputed.attainment_rate
        if stated is not None and rate is not None:
            tolerance = 0.5 * 10 ** (-statement.rate_decimals) + 1e-9
            low = stated - tolerance if statement.stated_low is None else statement.stated_low
            high = stated + tolerance if statement.stated_high is None else statement.stated_high
            computed = rate * 100
            ratio = recomputed.target is not None and recomputed.target.kind in _RATIO_KINDS
            spread = statement.spread if ratio else 0.0
            if not _overlaps(computed, spread, low, high):
                alternatives = _other_conventions(recomputed) + list(statement.other_rates)
                digits = max(statement.rate_decimals, 1)
                lower = _lower_side_rates(statement.metric, recomputed)
                if lower and any(_overlaps(alt, spread, low, high) for alt in lower):
                    self.direction_assumed(statement, recomputed, f"{stated:g}%", f"{computed:.{digits}f}%")
                    return
                message = self.t(
                    "audit.rate_mismatch", name=name, stated=f"{stated:g}%", computed=f"{computed:.{digits}f}%"
                )
                if any(_overlaps(alt, spread, low, high) for alt in alternatives):
                    if _reads_as_other_verdict(stated, recomputed):  # '完成率120%' of a missed ceiling
                        status = self.t(f"status.{recomputed.status}")
                        message = self.t(
                            "audit.rate_convention_verdict",
                            name=name,
                            stated=f"{stated:g}%",
                            computed=f"{computed:.{digits}f}%",
                            status=status,
                        )
                        self.finding(
                            "rate_convention_verdict", "warning", message, statement.location, statement.excerpt
                        )
                    else:
                        self.finding("rate_convention", "info", message, statement.location, statement.excerpt)
                else:
                    self.finding("rate_mismatch", "error", message, statement.location, statement.excerpt)
        verdict = statement.stated_status
        if verdict is not None and recomputed.status in ("achieved", "not_achieved") and verdict != recomputed.status:
            if _lower_side_rates(statement.metric, recomputed):  # the stated verdict is right if lower is better
                stated_text, computed_text = self.t(f"status.{verdict}"), self.t(f"status.{recomputed.status}")
                self.direction_assumed(statement, recomputed, stated_text, computed_text)
                return
            message = self.t(
                "audit.status_mismatch",
                name=name,
                stated=self.t(f"status.{verdict}"),
                computed=self.t(f"status.{recomputed.status}"),
            )
            self.finding("status_mismatch", "error", message, statement.location, statement.excerpt)

    def direction_assumed(self, statement: _Statement, recomputed: MetricResult, stated: str, computed: str) -> None:
        """A disagreement that rests only on taking a bare target as a floor: said so, not a verdict."""
        message = self.t(
            "audit.direction_assumed",
            name=statement.metric.name,
            target=str(statement.metric.target),
            stated=stated,
            computed=computed,
        )
        self.finding("direction_assumed", "warning", message, statement.location, statement.excerpt)

    # -- tone and personal data
    def compliance(self, roster: Sequence[RosterEntry]) -> None:
        fields: dict[str, str] = {}
        for block in self.document.blocks:
            if block.kind == "table":
                for r, row in enumerate(block.rows, start=1):
                    text = " | ".join(cell for cell in row if cell)
                    if text:
                        fields[f"{block.location}, row {r}"] = text[:MAX_TEXT_CHARS]
            elif block.kind != "heading" or block.text:
                key = block.location
                fields[key] = (fields[key] + " " + block.text if key in fields else block.text)[:MAX_TEXT_CHARS]
        if not fields:
            return
        result = check_compliance(None, fields, roster, False, self.language)
        for tone in result.tone:
            self.findings.append(
                AuditFinding(
                    code=tone.code,
                    severity=tone.severity,
                    message=tone.message,
                    path=tone.path,
                    location=tone.path,
                    excerpt=tone.excerpt,
                )
            )
        for hit in result.pii:
            kind = self.t(f"pii.{hit.kind}")
            self.finding(
                "personal_data",
                "warning",
                self.t("audit.personal_data", kind=kind, masked=hit.masked),
                hit.path,
                hit.masked,
            )


def _pick(zh: str, en: str, language: Language) -> str:
    """One of two texts given side by side (the checklist and the catalog keep both languages)."""
    return tr({"text": {"zh": zh, "en": en}}, "text", language)


def _decimals(row: Sequence[Cell], index: int | None) -> int:
    if index is None:
        return 1
    match = re.search(r"\d+(?:\.(\d+))?", row[index].text)
    return len(match.group(1)) if match and match.group(1) else 0


_RATIO_KINDS = ("at_least", "at_most", "budget", "equal")


def _overlaps(computed: float, spread: float, low: float, high: float) -> bool:
    """True when a rate recomputed from figures written to ``spread`` (relative) can be the stated [low, high]."""
    least, most = computed * (1 - spread), computed / max(1 - spread, 1e-9)  # a / t, or t / a for a ceiling
    return least <= high + 1e-9 and most >= low - 1e-9


def _reads_as_other_verdict(stated: float, recomputed: MetricResult) -> bool:
    """Whether a rate stated in another convention falls on the other side of 100% than the verdict: a reader
    takes '完成率120%' for 'met', and the ceiling of 8% was missed at 9.6% (8 / 9.6 = 83.3%)."""
    if recomputed.status not in ("achieved", "not_achieved"):
        return False
    return (stated >= 100) != (recomputed.status == "achieved")


def _other_conventions(result: MetricResult) -> list[float]:
    """Rates in percent by the other conventions of a lower-is-better target: actual / target, 2 - a/t."""
    target = result.target
    if target is None or target.kind not in ("at_most", "budget") or not target.value or result.actual is None:
        return []
    ratio = result.actual / target.value
    return [ratio * 100, (2 - ratio) * 100]


_SIDE_WRITTEN = re.compile(
    r"[≥≤<>+＋-]|不低于|不少于|至少|不超过|不高于|至多|超过|低于|以内|以下|以上|上限|下限|封顶|保底|"
    r"\b(?:at least|at most|no more than|no less than|under|over|above|below|minimum|maximum|floor|ceiling|cap)\b",
    re.IGNORECASE,
)


_HIGHER_HERE = re.compile(  # more is better by name, beyond analysis.misreads' list (a side it does not need)
    r"转化|留存|复购|GMV|销售|营收|收入|利润|毛利|订单|成交|新客|新增|拉新|用户|DAU|MAU|NPS|满意|覆盖|渗透|占比|ROI|"
    r"点击率|CTR|达成|完成|准时|通过率|合格率|良率|命中|召回|准确|\b(?:revenue|sales|conversion|retention|signups?|"
    r"users?|leads?|bookings|pipeline|margin|profit|orders?|customers?|adoption|accuracy|recall|precision|nps)\b",
    re.IGNORECASE,
)


def _lower_side_rates(metric: MetricInput, result: MetricResult) -> list[float]:
    """The rates in percent if lower were better, for a bare target taken as a floor only by default.

    "客诉率目标5%，实际6%": neither a comparator nor the name says which side is better, so "未达标" and
    "完成率83%" are right if lower is better; [] when the side is written or known from the name.
    """
    target = result.target
    if target is None or target.kind != "at_least" or not target.value or not result.actual:
        return []
    if not isinstance(metric.target, str) or _SIDE_WRITTEN.search(metric.target) or side_of(metric) is not None:
        return []
    if _HIGHER_HERE.search(metric.name):
        return []
    ratio = result.actual / target.value
    return [100 / ratio, (2 - ratio) * 100]


def _expected_sections(project_type: str | None) -> tuple[list[tuple[str, list[tuple[str, str]]]], str | None]:
    """Sections the checklist of ``project_type`` expects, each with its items (zh, en)."""
    from fupan_mcp.knowledge import _checklists  # the parsed checklists.json, cached

    key = project_type_key(project_type)
    if key is None:
        core = [s for s in ("overview", "goals", "results", "problems", "lessons", "actions") if s in CORE_SECTIONS]
        return [(section, []) for section in core], None
    entry = _checklists()[key]
    ordered: dict[str, list[tuple[str, str]]] = {}
    for item in entry["sections"]:
        ordered.setdefault(item["section"], []).append((item["zh"], item["en"]))
    return list(ordered.items()), key


def audit_document(
    document: Document,
    language: Language = "zh",
    project_type: str | None = None,
    roster: Sequence[RosterEntry] = (),
    review_date: dt.date | None = None,
) -> AuditResult:
    """Audit ``document``. Raises `InputError` for a project type the catalog does not know."""
    if project_type and project_type_key(project_type) is None:
        known = join_list(PROJECT_TYPES, language)
        raise InputError("project_type", tr(TEXT, "unknown_project_type", language, value=project_type, known=known))
    from fupan_mcp.report.strings import TEXT as REPORT_TEXT

    auditor = _Auditor(document, language, review_date)
    sections = auditor.walk()
    metrics = auditor.recompute()
    expected, key = _expected_sections(project_type)
    present = {name for section in sections for name in ([section.section] if section.section else []) + section.also}
    missing: list[MissingSection] = []
    type_label = _pick(*PROJECT_TYPES[key], language) if key else auditor.t("type.core")
    for section, items in expected:
        if section in present:
            continue
        title = tr(REPORT_TEXT, f"section.{section}", language)
        expects = [_pick(zh, en, language) for zh, en in items]
        missing.append(MissingSection(section=section, title=title, expects=expects))
        severity: Severity = "warning" if section in CORE_SECTIONS else "info"
        message = auditor.t(
            "audit.section_missing", title=title, type=type_label, expects=auditor.t("sep").join(expects) or "—"
        )
        auditor.finding("section_missing", severity, message, None, None)
    if not auditor.actions:
        auditor.finding("no_actions", "warning", auditor.t("audit.no_actions"), None, None)
    auditor.compliance(roster)
    notes: list[MaterialNote] = []
    if key is None:
        notes.append(MaterialNote(code="no_project_type", message=auditor.t("note.no_project_type")))
    for location, count in auditor.risk_tables:
        message = auditor.t("note.risk_table", location=location, count=count)
        notes.append(MaterialNote(code="risk_table", message=message))
    if document.images:
        notes.append(MaterialNote(code="images", message=auditor.t("note.images", count=document.images)))
        auditor.unreadable.append(
            Unreadable(location="document", code="image", message=auditor.t("note.images", count=document.images))
        )
    findings = sorted(auditor.findings, key=lambda f: SEVERITY_ORDER[f.severity])
    return AuditResult(
        language=language,
        format=document.format,
        project_type=key,
        sections=sections,
        missing_sections=missing,
        metrics=metrics,
        changes=auditor.changes,
        actions=auditor.actions,
        action_locations=auditor.action_locations,
        findings=findings,
        counts=SeverityCounts.of(findings),
        unreadable=auditor.unreadable,
        notes=notes,
    )
