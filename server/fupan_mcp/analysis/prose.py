"""Prose that agrees with the figures: the review's sentences checked against `compute_attainment`.

The model writes the prose and the server computes the figures; this check reads the prose back
(the conclusion, the qualitative results, the PDCA check, the success factors and the problems) and
flags a sentence that

- calls a metric achieved when it was computed as missed, or missed when it was achieved
  (``prose_status_contradiction``, an error), or calls it either when the figures cannot show it
  (needs verification, not evaluable: ``prose_status_unverifiable``, a warning);
- quotes a figure for a metric (its value, its change against the baseline in percent or in
  percentage points, its attainment rate) that differs from the computed one beyond rounding
  (``prose_figure_mismatch``, a warning).

It is deliberately conservative: only what is clearly a claim is checked.

- A metric is recognised by its name as given (width, spaces and case folded), longest name first;
  a name of "<words> <ACRONYM>" ("获客成本 CPA") is also recognised by the words (four characters or
  more) or by the acronym, for status claims only.
- Sentences are split into clauses at commas, semicolons and contrast words (但/而/but/while...).
  A clause with no metric name takes the metric of the clause before it only when it opens with a
  verb or a status word ("……，同比提升 12%", "……，均已达成", "... but still below target").
- Clauses that are hedged (基本/接近/almost), uncertain (是否/待核实/whether/cannot be verified),
  future or conditional (将/计划/如果/will/plan to/if), or questions are not claims.
- A number belongs to the nearest metric name before it in its clause (or right after it:
  "48% activation"). Targets, baselines and benchmarks are not actuals: a number introduced by
  目标/计划/预期/基线/去年/行业/target/goal/baseline/from..., or followed by 的目标/target, is skipped,
  as are dates, ordinals, ranges, fractions, multiples and numbers glued to letters (D7, P95, Q3).
- What a number is depends on the words just before it: a change verb (提升/下降/increased by...) makes
  it a change (relative %, or pp), 完成率/达成率/of target an attainment rate (checked for "at least"
  targets only, where the rate convention is unambiguous), 到/至/to a level; otherwise it is the
  actual value, and only in a unit that converts to the metric's (%, ‰, 元/万元/亿元, $, time units,
  the metric's own count word; a bare number is in the metric's unit).
- Rounding: a figure written with d decimals may differ from the computed one by one unit of its
  last digit (39% for 39.29% is fine, 45% is not); large round figures ("1600万") by one unit of
  their last non-zero digit, keeping two significant digits. 约/近/about widen this to 5%;
  超过/逾/over and 不到/不足/under are bounds and only a figure on the wrong side is flagged.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from fupan_mcp.domain.attainment import AttainmentResult, MetricResult
from fupan_mcp.domain.numbers import TIME_SECONDS, canonical_unit, split_magnitude_unit
from fupan_mcp.domain.prose import ClaimKind, ProseCheck, ProseFinding
from fupan_mcp.domain.review import Point, PointLike, Review
from fupan_mcp.i18n import Language, Table, tr
from fupan_mcp.numfmt import fmt_number

__all__ = ["check_prose", "prose_texts"]

_SENTENCE_CHARS = 160

_TEXT: Table = {
    "prose_status_contradiction": {
        "zh": "{where}称“{metric}”{stated}，但计算结果是{computed}。原句：“{sentence}”",
        "en": "{where} says '{metric}' {stated}, but it was computed as {computed}. Sentence: \"{sentence}\"",
    },
    "prose_status_unverifiable": {
        "zh": "{where}称“{metric}”{stated}，但计算结果是{computed}，现有数据证明不了这一点。原句：“{sentence}”",
        "en": "{where} says '{metric}' {stated}, but it was computed as {computed}: the figures cannot show "
        'that. Sentence: "{sentence}"',
    },
    "prose_figure_mismatch": {
        "zh": "{where}写“{metric}”{what}为 {stated}，计算结果是 {computed}，超出了四舍五入的误差。原句：“{sentence}”",
        "en": "{where} gives {stated} as the {what} of '{metric}', but the computed figure is {computed}, "
        'beyond rounding. Sentence: "{sentence}"',
    },
    "status.achieved": {"zh": "已达成", "en": "achieved"},
    "status.not_achieved": {"zh": "未达成", "en": "not achieved"},
    "status.needs_verification": {"zh": "待核验", "en": "needing verification"},
    "status.not_evaluable": {"zh": "无法评估", "en": "not evaluable"},
    "claim.achieved": {"zh": "已达成（原文“{words}”）", "en": 'was achieved ("{words}")'},
    "claim.missed": {"zh": "未达成（原文“{words}”）", "en": 'was missed ("{words}")'},
    "what.actual": {"zh": "实际值", "en": "actual value"},
    "what.change": {"zh": "相对基线的变化", "en": "change against the baseline"},
    "what.change_pp": {"zh": "变化（百分点）", "en": "change in percentage points"},
    "what.attainment_rate": {"zh": "达成率", "en": "attainment rate"},
    "where.conclusion": {"zh": "结论", "en": "The conclusion"},
    "where.qualitative_results": {"zh": "定性结果第 {n} 条", "en": "Qualitative result {n}"},
    "where.pdca.check": {"zh": "PDCA 检查第 {n} 条", "en": "PDCA check {n}"},
    "where.success_factors": {"zh": "成功因素第 {n} 条", "en": "Success factor {n}"},
    "where.problems": {"zh": "问题第 {n} 条", "en": "Problem {n}"},
    "where.summary": {"zh": "摘要", "en": "The summary"},
    "where.impact": {"zh": "影响", "en": "The impact"},
    "where.resolution": {"zh": "处置经过", "en": "The resolution"},
    "where.went_well": {"zh": "做得好的第 {n} 条", "en": "What went well {n}"},
    "where.went_wrong": {"zh": "做得不好的第 {n} 条", "en": "What went wrong {n}"},
    "where.where_lucky": {"zh": "侥幸之处第 {n} 条", "en": "Where we got lucky {n}"},
}


# --------------------------------------------------------------------------- the texts


def prose_texts(review: Review) -> list[tuple[str, str]]:
    """(path, text) of every prose field that is checked, in report order."""
    texts: list[tuple[str, str]] = []
    for field in ("summary", "impact", "conclusion", "resolution"):
        text = getattr(review, field)
        if text:
            texts.append((field, text))
    texts += [(f"qualitative_results[{i}]", text) for i, text in enumerate(review.qualitative_results)]
    texts += _points("success_factors", review.success_factors)
    texts += _points("problems", review.problems)
    for field in ("went_well", "went_wrong", "where_lucky"):
        texts += _points(field, getattr(review, field))
    if review.pdca is not None:
        texts += [(f"pdca.check[{i}]", text) for i, text in enumerate(review.pdca.check)]
    return texts


def _points(field: str, points: Sequence[PointLike]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for index, point in enumerate(points):
        if isinstance(point, Point):
            out.append((f"{field}[{index}].title", point.title))
            if point.detail:
                out.append((f"{field}[{index}].detail", point.detail))
        else:
            out.append((f"{field}[{index}]", point))
    return out


_WHERE = re.compile(r"^(?P<field>[a-z_.]+?)(?:\[(?P<n>\d+)\])?(?:\.(?:title|detail))?$")


def _where(path: str, language: Language) -> str:
    match = _WHERE.match(path)
    field = match.group("field") if match else "conclusion"
    n = int(match.group("n")) + 1 if match and match.group("n") else 1
    key = f"where.{field}"
    return tr(_TEXT, key if key in _TEXT else "where.conclusion", language, n=n)


# --------------------------------------------------------------------------- text folding


def _fold(text: str) -> str:
    """NFKC, one character at a time (so positions stay those of the original), dashes unified."""
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) != 1:
            folded = ch
        if folded in "\u2212\u2013\u2014":
            folded = "-"
        out.append(folded)
    return "".join(out)


def _key(name: str) -> str:
    """A metric name for matching: width and case folded, spaces dropped."""
    return "".join(_fold(name).casefold().split())


@dataclass(frozen=True)
class _Compact:
    """A text without spaces, casefolded, with the position of each kept character in the original."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> _Compact:
        kept = [(i, ch) for i, ch in enumerate(text.casefold()) if not ch.isspace()]
        return cls("".join(ch for _, ch in kept), tuple(i for i, _ in kept))


# --------------------------------------------------------------------------- sentences and clauses

_SENTENCE_END = re.compile(r"[。！？!?;；\n]+|\.(?=\s|$)")
_CLAUSE_BREAK = re.compile(
    r"[，,、：:（）()]|(?:但是|但|然而|不过|而是|而|却|只是)"
    r"|\b(?:but|however|although|though|whereas|while|yet)\b",
    re.IGNORECASE,
)
"""Commas, colons, brackets and contrast words end a clause ('、' too: each item of a list is one)."""


def _spans(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    start = 0
    for match in pattern.finditer(text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


# --------------------------------------------------------------------------- words

_ZH_NEG = r"(?:未能|并未|尚未|没有|没能|无法|不能|未|没|不)"
_POSITIVE_ZH = (
    r"超额完成|超额达成|超出目标|超过目标|好于目标|优于目标|超出预期|超预期|好于预期|优于预期|符合预期"
    r"|达到目标|达到预期|实现目标|目标实现|目标达成|达成目标|完成目标|目标完成|达标|达成"
    r"|(?:全部|均已|均|都已|都|已经|已|如期|提前|顺利)完成|完成(?=[了]?目标|任务)"
)
_NEGATIVE_ZH = (
    r"未达预期|不及预期|未及预期|低于预期|不达预期|差于预期|不如预期|距离?目标还差|离目标还差|落后于?目标"
    r"|未到目标|不到目标|超支|超出预算|超预算"
)
_POSITIVE_EN = (
    r"exceeded|exceeds|exceed|surpassed|surpasses|beat|beats|achieved|achieves|attained|met(?!\s+with)|meets"
    r"|hit(?!\s+by)|hits(?!\s+by)|reached\s+(?:the|its|our|their)\s+(?:target|goal)|on\s+target"
    r"|(?:came\s+in\s+)?(?:within|under)\s+budget"
)
_NEGATIVE_EN = (
    r"missed|misses|fell\s+short|falls\s+short|short\s+of\s+(?:the\s+|its\s+|our\s+)?(?:target|goal)"
    r"|off\s+target|behind\s+target|over\s+budget|overspent|overran|underperformed|under-delivered|shortfall"
)
_EN_NEG = r"(?:\b(?:not|never|failed\s+to|fail\s+to|no\s+longer)|n't)"
_STATUS = re.compile(
    rf"(?P<neg_zh>{_ZH_NEG}\s?)?(?P<pos_zh>{_POSITIVE_ZH})(?![率度情])"
    rf"|(?P<negword_zh>{_NEGATIVE_ZH})"
    rf"|(?P<neg_en>{_EN_NEG}\s+(?:(?:yet|quite|fully|really|entirely)\s+)?)?\b(?P<pos_en>{_POSITIVE_EN})\b"
    rf"|(?P<neg_base>{_EN_NEG}\s+(?:(?:yet|quite|fully|really|entirely)\s+)?)\b(?P<base_en>achieve|meet|hit|reach"
    r"|beat|exceed|attain|make)\b"
    rf"|\b(?P<negword_en>{_NEGATIVE_EN})\b"
    r"|(?P<dir_zh>高于|超过|超出|低于|好于|差于)目标"
    r"|\b(?P<dir_en>above|over|below|under)\s+(?:the\s+|its\s+|our\s+)?(?:target|goal)\b",
    re.IGNORECASE,
)
_DOUBLE_NEG = re.compile(r"并非|不是没|not\s+un|\bnot\s+only\b", re.IGNORECASE)
_SKIP_CLAUSE = re.compile(
    # hedged
    r"基本|大体|大致|接近|几乎|差一点|险些|部分|初步"
    r"|\b(?:almost|nearly|close\s+to|largely|mostly|broadly|partially|partly|roughly|on\s+track)\b"
    # uncertain
    r"|是否|能否|可否|无法(?:判定|判断|评估|验证|确认|确定|衡量)|难以(?:判断|评估|确认)|尚待|待核实|待验证|待确认|待定"
    r"|有待|不确定|不清楚|不明|未知|暂无"
    r"|\b(?:whether|unclear|unknown|tbd|pending|unverified)\b|to\s+be\s+(?:confirmed|verified)"
    r"|\bnot\s+(?:yet\s+)?(?:known|clear|verified|confirmed)\b"
    r"|\b(?:cannot|can't|could\s+not|unable\s+to)\s+(?:be\s+)?(?:verif|confirm|determin|assess|evaluat|judg|tell)"
    # future, modal, conditional
    r"|将(?!近)|需要|必须|计划|预计|力争|争取|希望|目标是|目标为|下一?(?:个)?(?:季度|阶段|周期|年度|财年|期|轮|步)"
    r"|应当|应该|如果|若|假如|一旦|确保|要(?:达成|完成|实现|达到)"
    r"|\b(?:will|would|should|could|might|may|must|if|unless|once|aim(?:s|ing)?\s+to|plan(?:s|ned)?\s+to"
    r"|expect(?:s|ed)?\s+to|going\s+to|need(?:s)?\s+to|goal\s+(?:is|was)|target\s+(?:is|was)|next\s+"
    r"(?:quarter|year|cycle|phase|month|sprint|half))\b",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(
    r"^(?:\s|但是|但|而且|而|且|并且|并|也|均|都|已经|已|全部|仍然|仍|还|则|最终|实际上|实际|同时"
    r"|\b(?:but|and|however|still|yet|it|they|which|this|that|was|were|is|are|has|have|had|also|both|all"
    r"|each|finally|ultimately|so|thus|actually|we)\b)*",
    re.IGNORECASE,
)
_OPENS_WITH_VERB = re.compile(
    r"^(?:实际|达到|达|为|是|同比|环比|提升|提高|增长|增加|上升|上涨|下降|降低|减少|缩短|下滑|回落|降至|升至|增至"
    r"|完成率|达成率|完成|达成|实现|超额|未|没|不及|低于|高于|超出|超过"
    r"|\b(?:up|down|reaching|reached|rose|grew|fell|dropped|increased|decreased|declined|improved|came|ending"
    r"|at|to|with|hitting|an?\s+(?:increase|decrease|drop|rise))\b)",
    re.IGNORECASE,
)

# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(
    r"(?P<prefix>[$¥]|\b(?:usd|rmb|cny)\s?)?(?P<sign>[+±-])?(?P<num>\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mag>百万|千万|万|亿|千|(?<=\d)[kmb](?![a-z])|\s(?:million|billion|thousand)\b))?"
    r"\s?(?P<unit>%|‰|个百分点|百分点|pp\b|ppts?\b|percentage\s+points?|percent\b|万元|亿元|元|块|美元"
    r"|小时|分钟|毫秒|秒|天|日|周|个月|月|年|号|季度|期|轮|批|场|版|倍|人|条|单|笔|件|个|次|家|户"
    r"|hours?\b|hrs?\b|h\b|minutes?\b|mins?\b|min\b|ms\b|seconds?\b|secs?\b|s\b|days?\b|d\b|weeks?\b|x\b"
    r"|usd\b|dollars?\b|users?\b|orders?\b)?",
    re.IGNORECASE,
)
_PART_OF_PERIOD = re.compile(
    r"当天|当日|单日|首日|首小时|峰值日|单场|每场|场均|日均|每天|每日|每周|周均|首周|某天"
    r"|\b(?:on\s+the\s+day|(?:per|a|each)\s+(?:day|hour|week|show|stream)|daily|hourly|peak\s+day|first\s+(?:day|hour))\b",
    re.IGNORECASE,
)
"""A figure for one day, one show or one hour of the review ('店播 6·18 当天 GMV 破 800 万') is not the
metric's figure for the whole period: its figures are not compared (its status words still are)."""
_SKIP_UNITS = frozenset({"月", "个月", "年", "号", "季度", "期", "轮", "批", "场", "版", "倍", "x"})
_UNIT_WORDS = {
    "%": "%",
    "percent": "%",
    "‰": "‰",
    "个百分点": "pp",
    "百分点": "pp",
    "pp": "pp",
    "ppt": "pp",
    "ppts": "pp",
    "percentage point": "pp",
    "percentage points": "pp",
    "万元": "元",
    "亿元": "元",
    "元": "元",
    "块": "元",
    "美元": "$",
    "usd": "$",
    "dollar": "$",
    "dollars": "$",
}
_UNIT_FACTORS = {"万元": 1e4, "亿元": 1e8}
_MAGNITUDE_WORDS = {
    "千": 1e3,
    "万": 1e4,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "k": 1e3,
    "m": 1e6,
    "b": 1e9,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
}

_TARGET_WORDS = re.compile(
    r"目标|计划|预期|预计|要求|基线|基准|去年|上年|同期|上期|上月|上季度|上一期|此前|原来|原本|之前|上线前|行业|均值"
    r"|平均水平|对标|竞品|对手|门槛|阈值|上限|下限|≥|≤|>|<|=|不低于|不少于|不超过|不高于|至少|至多|以上|以下|以内"
    r"|\b(?:target(?:ed|s)?|goals?|plan(?:ned)?|expected|forecast|baseline|benchmark|last|previous|prior"
    r"|budget(?:ed)?|slo|sla|stretch|threshold|industry|average|before|vs\.?|versus|compared|than|at\s+least"
    r"|at\s+most|no\s+more|no\s+less)\b",
    re.IGNORECASE,
)
_FROM_WORDS = re.compile(r"从|由|\bfrom\b", re.IGNORECASE)
_TO_WORDS = re.compile(r"[到至]|\bto\b|\breach(?:ed|ing)?\b", re.IGNORECASE)
_CHANGE_WORDS = re.compile(
    r"提升|提高|增长|增加|上升|上涨|下降|降低|减少|缩短|下滑|回落|降幅|增幅|增速|同比|环比|涨|跌|增|降|减|升|缩"
    r"|\b(?:rose|rise|risen|grew|grow|growth|increased?|increases|decreased?|decreases|declined?|dropped|drop"
    r"|fell|fall|improved?|reduced?|reduction|cut|up|down|by)\b",
    re.IGNORECASE,
)
_RATE_WORDS = re.compile(
    r"达成率|完成率|达成度|完成度|目标的|\b(?:attainment|of\s+(?:the\s+)?(?:target|goal|plan))\b", re.IGNORECASE
)
_BLOCKING_WORDS = re.compile(
    r"带动|拉动|导致|使得|使|让|推动|影响|带来|促进|其中|同时|而|"
    r"\b(?:led|drove|driven|caused|resulted|which|whereas|while|with|its|their)\b",
    re.IGNORECASE,
)
_APPROX = re.compile(r"(?:约|大约|近|将近|接近|左右|上下|~|≈|\b(?:about|around|approximately|roughly|nearly|almost)\b)")
_OVER = re.compile(
    r"(?:超过|突破|逾|多于|高于|超|过|\b(?:over|more\s+than|above|exceed(?:ed|ing|s)?|surpass(?:ed|ing|es)?"
    r"|beat|beats|topped|upwards\s+of)\b)",
    re.IGNORECASE,
)
_UNDER = re.compile(r"(?:不到|不足|少于|低于|未满|\b(?:under|less\s+than|below|fewer\s+than)\b)")
_AFTER_TARGET = re.compile(
    r"^\s*(?:的)?\s*(?:目标|计划|预期|指标要求|基线|阈值|预算|红线|及格线"
    r"|\b(?:target|goal|slo|sla|objective|budget|threshold|baseline|benchmark|plan)\b)",
    re.IGNORECASE,
)
_AFTER_APPROX = re.compile(r"^\s*(?:左右|上下)")
_AFTER_OVER = re.compile(r"^\s*(?:以上|多|余|\+(?!\d)|\b(?:or\s+more|and\s+above|plus)\b)", re.IGNORECASE)
_AFTER_UNDER = re.compile(r"^\s*(?:以内|以下|之内|内|\b(?:or\s+less|or\s+fewer|and\s+below)\b)", re.IGNORECASE)
_VARIANCE_WORDS = re.compile(
    r"节省|节约|结余|省下|剩余|余量|缺口|差距|还差|相差|差|超支|超出|多出|少了|\b(?:saved|saving|savings|short\s+by"
    r"|over\s+by|under\s+by|shortfall|gap|remaining|left)\b",
    re.IGNORECASE,
)
_SUFFIX_SHARE = re.compile(r"^\s*(?:的)?\s*(?:占比|比例|份额|贡献|\b(?:share|mix)\b)", re.IGNORECASE)
_SUFFIX_CHANGE = re.compile(r"^\s*(?:的)?\s*(?:增速|增长率|增幅|降幅|同比|环比|\b(?:growth|change)\b)", re.IGNORECASE)
_SUFFIX_RATE = re.compile(r"^\s*(?:的)?\s*(?:达成率|完成率|达成度|完成度|\battainment\b)", re.IGNORECASE)

_MAX_LEAD_CHARS = 14
_CONTEXT_CHARS = 60
"""Words read before and after a figure."""
_MAX_SENTENCE_CHARS = 1_000
"""Longer 'sentences' are lists or pasted data, not claims: they are counted but not read."""
_COUNT_UNITS = frozenset({"人", "条", "单", "笔", "件", "个", "次", "家", "户", "users", "user", "orders", "order"})


# --------------------------------------------------------------------------- metrics in a clause


@dataclass(frozen=True)
class _Name:
    key: str
    index: int
    full: bool
    """False for an alias (the words or the acronym of '<words> <ACRONYM>'): status claims only."""


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    index: int
    full: bool


def _names(metrics: Sequence[MetricResult]) -> list[_Name]:
    counts: dict[str, int] = {}
    for metric in metrics:
        counts[_key(metric.name)] = counts.get(_key(metric.name), 0) + 1
    names = [_Name(_key(m.name), m.index, True) for m in metrics if counts[_key(m.name)] == 1 and _key(m.name)]
    aliases: dict[str, list[int]] = {}
    for metric in metrics:
        for part in re.split(r"[\s()（）/]+", _fold(metric.name).strip()):
            cjk = len(part) >= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in part)
            acronym = 2 <= len(part) <= 6 and part.isascii() and part.isalpha() and part.isupper()
            if (cjk or acronym) and part.casefold() != _key(metric.name):
                aliases.setdefault(part.casefold(), []).append(metric.index)
    full_keys = {name.key for name in names}
    for alias, owners in aliases.items():
        if len(owners) == 1 and alias not in full_keys:
            names.append(_Name(alias, owners[0], False))
    return sorted(names, key=lambda n: -len(n.key))


def _mentions(clause: str, names: Sequence[_Name]) -> list[_Mention]:
    compact = _Compact.of(clause)
    taken = bytearray(len(compact.text))
    found: list[_Mention] = []
    for name in names:
        start = compact.text.find(name.key)
        while start >= 0:
            end = start + len(name.key)
            first, last = compact.origin[start], compact.origin[end - 1] + 1
            if not any(taken[start:end]) and _bounded(clause, first, last, name.full):
                taken[start:end] = b"\x01" * (end - start)
                found.append(_Mention(first, last, name.index, name.full))
            start = compact.text.find(name.key, end)
    return sorted(found, key=lambda m: m.start)


def _bounded(text: str, start: int, end: int, full: bool) -> bool:
    """An ASCII name is a whole word; an alias acronym also may not stick to a Chinese word before it."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if text[start].isascii() and text[start].isalnum() and before.isascii() and before.isalnum():
        return False
    if text[end - 1].isascii() and text[end - 1].isalnum() and after.isascii() and after.isalnum():
        return False
    return full or not (before and "\u4e00" <= before <= "\u9fff")


# --------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class _Status:
    positive: bool | None
    """True achieved, False missed; None: a direction word ('高于目标') decided by the target's kind."""
    above: bool
    words: str
    start: int


@dataclass(frozen=True)
class _Figure:
    value: float
    text: str
    unit: str | None
    """'%', '‰', 'pp', '元', '$', a time unit, a count word, or None (bare)."""
    scale: float
    """What one stated unit is worth in the base unit (1e4 for 万元, 60 for minutes in seconds...)."""
    start: int
    end: int
    step: float
    """One unit of the last written digit."""


_NEGATED_BEFORE = re.compile(r"(?:未|没有|没|不|无|\bnot|n't|\bnever|\bno)\s*$", re.IGNORECASE)
_NUMBER_NEXT = re.compile(r"^\s*(?:了|at|of)?\s*[$¥+-]?\d")


def _statuses(clause: str) -> list[_Status]:
    found: list[_Status] = []
    for match in _STATUS.finditer(clause):
        words = match.group(0).strip()
        if _NUMBER_NEXT.match(clause[match.end() :]):
            continue  # '达成 1628 万', 'exceeded 40': a figure, checked as one
        if match.group("pos_zh"):
            found.append(_Status(not match.group("neg_zh"), True, words, match.start()))
        elif match.group("negword_zh") or match.group("negword_en"):
            negated = bool(_NEGATED_BEFORE.search(clause[max(0, match.start() - 6) : match.start()]))
            found.append(_Status(negated, True, words, match.start()))
        elif match.group("base_en"):
            found.append(_Status(False, True, words, match.start()))
        elif match.group("pos_en"):
            found.append(_Status(not match.group("neg_en"), True, words, match.start()))
        else:
            direction = (match.group("dir_zh") or match.group("dir_en") or "").casefold()
            found.append(
                _Status(None, direction in {"高于", "超过", "超出", "好于", "above", "over"}, words, match.start())
            )
    return found


def _step(number: str) -> float:
    if "." in number:
        return 10.0 ** -len(number.split(".")[1])
    digits = number.lstrip("0") or "0"
    zeros = len(digits) - len(digits.rstrip("0"))
    if len(digits) >= 4 and zeros:
        return 10.0 ** min(zeros, len(digits) - 2)
    return 1.0


def _figures(clause: str) -> list[_Figure]:
    found: list[_Figure] = []
    for match in _NUMBER.finditer(clause):
        start, end = match.span()
        before = clause[start - 1] if start > 0 else ""
        rest = clause[end:]
        if before.isascii() and (before.isalnum() or before in "+~/:._-") and not match.group("prefix"):
            continue  # D7, P95, T+1, ranges, fractions, versions, dates
        if before in "第～" or re.match(r"\s?(?:[~～/:]\s?\d|-\d|[年月日号])", rest):
            continue
        if re.match(r"\s?(?:到|至)\s?\d", rest):
            continue  # the low end of a range '95到99'
        unit_word = (match.group("unit") or "").casefold()
        unit_word = " ".join(unit_word.split())
        if unit_word in _SKIP_UNITS:
            continue
        value = float(match.group("num"))
        magnitude = _MAGNITUDE_WORDS.get((match.group("mag") or "").strip().casefold(), 1.0)
        if match.group("mag") and match.group("mag").strip().casefold() in "kmb" and not match.group("prefix"):
            continue  # 5m, 3b: a bare letter magnitude only after a currency sign
        prefix = (match.group("prefix") or "").strip().casefold()
        unit: str | None
        scale = magnitude * _UNIT_FACTORS.get(unit_word, 1.0)
        if unit_word in _UNIT_WORDS:
            unit = _UNIT_WORDS[unit_word]
        elif unit_word:
            unit = canonical_unit(unit_word)
            if unit in TIME_SECONDS:
                scale *= TIME_SECONDS[unit]
        elif prefix:
            unit = "$" if prefix in {"$", "usd"} else "元"
        else:
            unit = None
        if prefix and unit is None:
            unit = "$" if prefix in {"$", "usd"} else "元"
        sign = -1.0 if match.group("sign") == "-" else 1.0
        figure = _Figure(sign * value, match.group(0).strip(), unit, scale, start, end, _step(match.group("num")))
        last = found[-1] if found else None
        if (
            last is not None
            and last.unit in TIME_SECONDS
            and unit in TIME_SECONDS
            and last.scale > scale
            and not clause[last.end : start].strip()
        ):  # '1 小时 42 分钟', '6h 40m': one duration, in the smaller unit
            figure = _Figure(
                (last.value * last.scale + figure.value * scale) / scale,
                clause[last.start : end].strip(),
                unit,
                scale,
                last.start,
                end,
                figure.step,
            )
            found[-1] = figure
            continue
        found.append(figure)
    return found


# --------------------------------------------------------------------------- the check


@dataclass
class _Checker:
    metrics: dict[int, MetricResult]
    names: list[_Name]
    language: Language
    findings: list[ProseFinding]
    claims: int = 0

    def text(self, path: str, text: str) -> int:
        folded = _fold(text)
        folded = re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "\u2060", folded)  # 2,842 keeps its place
        sentences = 0
        for s_start, s_end in _spans(folded, _SENTENCE_END):
            sentence = folded[s_start:s_end]
            if not sentence.strip():
                continue
            sentences += 1
            if sentence.rstrip().endswith(("?", "？")) or len(sentence) > _MAX_SENTENCE_CHARS:
                continue
            original = text[s_start:s_end].strip()
            self.sentence(path, sentence.replace("\u2060", ""), original)
        return sentences

    def sentence(self, path: str, sentence: str, original: str) -> None:
        previous: list[_Mention] = []
        for c_start, c_end in _spans(sentence, _CLAUSE_BREAK):
            clause = sentence[c_start:c_end]
            if not clause.strip():
                continue
            mentions = _mentions(clause, self.names)
            inherited = False
            if not mentions and previous:
                opening = clause[_LEADING_FILLER.match(clause).end() :]  # type: ignore[union-attr]
                if _OPENS_WITH_VERB.match(opening) or _STATUS.match(opening):
                    mentions, inherited = previous, True
            if not mentions:
                previous = []
                continue
            if not _SKIP_CLAUSE.search(clause):
                self.status_claims(path, clause, mentions, original)
                if not _PART_OF_PERIOD.search(clause):
                    self.figure_claims(path, clause, mentions, inherited, original)
            if not inherited:
                previous = mentions

    # ---- status words

    def status_claims(self, path: str, clause: str, mentions: Sequence[_Mention], original: str) -> None:
        statuses = _statuses(clause)
        if not statuses or _DOUBLE_NEG.search(clause):
            return
        if len({s.positive for s in statuses}) > 1:
            return  # both ways in one clause: not a clear claim
        status = statuses[0]
        for index in dict.fromkeys(m.index for m in mentions):
            metric = self.metrics[index]
            positive = status.positive
            if positive is None:
                kind = metric.target.kind if metric.target else None
                if kind == "at_least":
                    positive = status.above
                elif kind in ("at_most", "budget"):
                    positive = not status.above
                else:
                    continue
            self.claims += 1
            self.compare_status(path, metric, positive, status.words, original)

    def compare_status(self, path: str, metric: MetricResult, positive: bool, words: str, original: str) -> None:
        claimed = "achieved" if positive else "not_achieved"
        if metric.status == claimed or metric.status not in (
            "achieved",
            "not_achieved",
            "needs_verification",
            "not_evaluable",
        ):
            return
        contradiction = metric.status in ("achieved", "not_achieved")
        code = "prose_status_contradiction" if contradiction else "prose_status_unverifiable"
        stated = tr(_TEXT, "claim.achieved" if positive else "claim.missed", self.language, words=words)
        computed = tr(_TEXT, f"status.{metric.status}", self.language)
        self.add(
            code,
            "error" if contradiction else "warning",
            path,
            original,
            metric,
            "status",
            stated,
            computed,
            None,
            None,
        )

    # ---- figures

    def figure_claims(
        self, path: str, clause: str, mentions: Sequence[_Mention], inherited: bool, original: str
    ) -> None:
        full = [m for m in mentions if m.full]
        if not full:
            return
        figures = _figures(clause)
        for position, figure in enumerate(figures):
            mention = self.owner(clause, figure, full, inherited)
            if mention is None:
                continue
            lead_from = mention.end if mention.end <= figure.start else 0
            if position and figures[position - 1].end > lead_from and figures[position - 1].end <= figure.start:
                lead_from = figures[position - 1].end
            lead = clause[lead_from : figure.start] if not inherited or lead_from else clause[: figure.start]
            lead = lead[-_CONTEXT_CHARS:]
            after = clause[figure.end : figure.end + _CONTEXT_CHARS]
            suffix = clause[mention.end : mention.end + _CONTEXT_CHARS] if mention.end <= figure.start else ""
            self.figure(path, original, self.metrics[mention.index], figure, lead, after, suffix)

    def owner(self, clause: str, figure: _Figure, mentions: Sequence[_Mention], inherited: bool) -> _Mention | None:
        if inherited:
            return mentions[-1] if len({m.index for m in mentions}) == 1 else None
        before = [m for m in mentions if m.end <= figure.start]
        after = [m for m in mentions if m.start >= figure.end]
        if after and re.fullmatch(r"\s*(?:的|of)?\s*", clause[figure.end : after[0].start], re.IGNORECASE):
            return after[0]  # '48% activation rate', '28.6% 的 D7 留存'
        if not before:
            return None
        nearest = before[-1]
        gap = clause[nearest.end : figure.start]
        if len(gap.strip()) > _MAX_LEAD_CHARS * (3 if gap.isascii() else 1) or _BLOCKING_WORDS.search(gap):
            return None
        return nearest

    def figure(
        self,
        path: str,
        original: str,
        metric: MetricResult,
        figure: _Figure,
        lead: str,
        after: str,
        suffix: str,
    ) -> None:
        if _TARGET_WORDS.search(lead) or _AFTER_TARGET.match(after) or _FROM_WORDS.search(lead):
            return
        if _VARIANCE_WORDS.search(lead):
            return  # a saving, a gap or a shortfall: not the value itself
        if _SUFFIX_SHARE.match(suffix) and not lead.strip():
            return
        claim: ClaimKind
        if _SUFFIX_RATE.match(suffix) or _RATE_WORDS.search(lead):
            claim = "attainment_rate"
        elif _TO_WORDS.search(lead):
            claim = "actual"
        elif _SUFFIX_CHANGE.match(suffix) or _CHANGE_WORDS.search(lead):
            claim = "change_pp" if figure.unit == "pp" else "change"
        else:
            claim = "actual"
        candidates = self.computed(metric, figure, claim)
        if not candidates:
            return
        self.claims += 1
        stated = figure.value
        tail = lead[-12:] if lead.isascii() else lead[-6:]
        if _APPROX.search(tail) or _AFTER_APPROX.match(after):
            tolerance = max(figure.step, 0.05 * abs(stated))
            bad = all(abs(abs(c) - abs(stated)) > tolerance + 1e-9 for c in candidates)
        elif _OVER.search(tail) or _AFTER_OVER.match(after):
            bad = all(abs(c) < abs(stated) - figure.step - 1e-9 for c in candidates)
        elif _UNDER.search(tail) or _AFTER_UNDER.match(after):
            bad = all(abs(c) > abs(stated) + figure.step + 1e-9 for c in candidates)
        else:
            compare = abs if claim in ("change", "change_pp") else (lambda x: x)
            bad = all(abs(compare(c) - compare(stated)) > figure.step * (1 + 1e-9) for c in candidates)
        if not bad:
            return
        computed = candidates[0]
        shown = computed if claim not in ("change", "change_pp") or stated * computed >= 0 else -computed
        digits = max(1, _decimals(figure.text) + 1)
        computed_text = _with_unit(fmt_number(shown, digits=digits), figure)
        self.add(
            "prose_figure_mismatch",
            "warning",
            path,
            original,
            metric,
            claim,
            figure.text,
            computed_text,
            stated,
            round(shown, 6),
            what=tr(_TEXT, f"what.{claim}", self.language),
        )

    def computed(self, metric: MetricResult, figure: _Figure, claim: ClaimKind) -> list[float]:
        """The computed figure(s) in the figure's unit and scale; empty when they do not compare."""
        unit = figure.unit
        if claim == "attainment_rate":
            kind = metric.target.kind if metric.target else None
            if unit != "%" or kind != "at_least" or metric.attainment_rate is None:
                return []
            return [metric.attainment_rate * 100]
        if claim == "change_pp":
            return [metric.change_pp] if metric.change_pp is not None else []
        if claim == "change":
            if unit == "%":
                values = [metric.change_rel * 100] if metric.change_rel is not None else []
                if metric.unit == "%" and metric.change_pp is not None:
                    values.append(metric.change_pp)
                return values
            if metric.change_abs is None:
                return []
            converted = self.in_figure_unit(metric, metric.change_abs, figure)
            return [converted] if converted is not None else []
        if metric.actual is None or metric.actual_unit is not None:
            return []
        converted = self.in_figure_unit(metric, metric.actual, figure)
        return [converted] if converted is not None else []

    def in_figure_unit(self, metric: MetricResult, value: float, figure: _Figure) -> float | None:
        """``value`` (in the metric's unit) in the figure's unit and scale; None if they do not convert."""
        metric_unit = canonical_unit(metric.unit)
        if figure.unit in ("%", "‰"):
            if metric_unit != "%":
                return None
            return value * 10 if figure.unit == "‰" else value
        if metric_unit == "%" or figure.unit == "pp":
            return None
        if metric_unit in TIME_SECONDS:
            if figure.unit not in TIME_SECONDS:
                return None
            return value * TIME_SECONDS[metric_unit] / figure.scale
        if figure.unit in TIME_SECONDS:
            return None
        base, factor = split_magnitude_unit(metric.unit)
        if figure.unit is None and figure.scale == 1.0:
            return value  # a bare number is in the metric's unit
        if figure.unit is None:
            if base not in (None, "元", "$") and base not in _COUNT_UNITS:
                return None
        elif figure.unit in ("元", "$"):
            if base != figure.unit:
                return None
        elif figure.unit != base:
            return None
        return value * factor / figure.scale

    def add(
        self,
        code: str,
        severity: str,
        path: str,
        original: str,
        metric: MetricResult,
        claim: ClaimKind,
        stated: str,
        computed: str,
        stated_value: float | None,
        computed_value: float | None,
        *,
        what: str = "",
    ) -> None:
        sentence = _clip(original)
        message = tr(
            _TEXT,
            code,
            self.language,
            where=_where(path, self.language),
            metric=metric.name,
            stated=stated,
            computed=computed,
            sentence=sentence,
            what=what,
        )
        self.findings.append(
            ProseFinding(
                code=code,
                severity="error" if severity == "error" else "warning",
                message=message,
                path=path,
                field=path,
                sentence=original,
                metric=metric.name,
                metric_index=metric.index,
                claim=claim,
                stated=stated,
                computed=computed,
                stated_value=stated_value,
                computed_value=computed_value,
            )
        )


def _decimals(text: str) -> int:
    match = re.search(r"\d+(?:\.(\d+))?", text)
    return len(match.group(1)) if match and match.group(1) else 0


def _with_unit(number: str, figure: _Figure) -> str:
    """The computed number written with the unit words of the stated figure ('39.3%', '1,628万元')."""
    numbers = list(re.finditer(r"\d+(?:\.\d+)?", figure.text))
    if not numbers:
        return number
    head = figure.text[: numbers[0].start()].lstrip("+±-")
    tail = figure.text[numbers[-1].end() :]
    return f"{head}{number}{tail}"


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _SENTENCE_CHARS else text[: _SENTENCE_CHARS - 1] + "…"


def check_prose(review: Review, attainment: AttainmentResult, language: Language = "zh") -> ProseCheck:
    """Every sentence of the review's prose whose status words or figures contradict ``attainment``."""
    checker = _Checker({m.index: m for m in attainment.metrics}, _names(attainment.metrics), language, [])
    sentences = 0
    if checker.names:
        for path, text in prose_texts(review):
            sentences += checker.text(path, text)
    return ProseCheck(findings=checker.findings, sentences=sentences, claims=checker.claims)
