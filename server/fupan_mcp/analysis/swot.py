"""SWOT and TOWS: check the four quadrants, score IFE/EFE, place strategies (methods.md §5).

- S and W are internal and controllable, O and T external: a factor that names the market or a
  competitor among the strengths (or "our team" among the threats) is probably misplaced.
- IFE (S+W) and EFE (O+T): weights 0-1 summing to 1.0, integer ratings 1-4, score Σ weight × rating
  in 1.0-4.0 with 2.5 the average; 10-20 factors a side is the usual size.
- TOWS (Weihrich): SO, ST, WO, WT; each strategy cites at least one internal factor and one external
  factor of the kinds its type names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from fupan_mcp.analysis.text import near_duplicates
from fupan_mcp.domain.common import SEVERITY_ORDER, Finding, Language, Severity, SeverityCounts
from fupan_mcp.domain.items import ItemError, kept_positions, set_aside_findings
from fupan_mcp.domain.swot import (
    MatrixScore,
    Quadrant,
    Reading,
    Strategy,
    StrategyLike,
    StrategyResult,
    StrategyType,
    SwotFactor,
    SwotItem,
    SwotItemLike,
    SwotResult,
    TowsCell,
)
from fupan_mcp.errors import InputError, validate_union
from fupan_mcp.i18n import check_language, tr
from fupan_mcp.limits import MAX_SWOT_ITEMS
from fupan_mcp.numfmt import fmt_number

__all__ = ["RECOMMENDED_FACTORS", "WEIGHT_TOLERANCE", "misplacement_words", "reading_of", "swot"]

WEIGHT_TOLERANCE = 0.01
"""How far the weights of one side may sum from 1.0."""

RECOMMENDED_FACTORS = (10, 20)
"""The usual number of factors on one side of an IFE or EFE matrix."""

QUADRANTS: tuple[Quadrant, ...] = ("S", "W", "O", "T")
FIELDS: dict[Quadrant, str] = {"S": "strengths", "W": "weaknesses", "O": "opportunities", "T": "threats"}
STRATEGY_TYPES: tuple[StrategyType, ...] = ("SO", "ST", "WO", "WT")
_NEEDS: dict[StrategyType, tuple[Quadrant, Quadrant]] = {
    "SO": ("S", "O"),
    "ST": ("S", "T"),
    "WO": ("W", "O"),
    "WT": ("W", "T"),
}

_TEXT: dict[str, dict[str, str]] = {
    # findings
    "blank_factor": {
        "zh": "这一项是空白，已跳过，其余照常分析；请写出因素或删除这一项。",
        "en": "This factor is blank and was left out; the others are analysed. Write the factor or remove it.",
    },
    "empty_quadrant": {
        "zh": "{quadrant}为空：每个象限至少列出一项，并附上事实或数据。",
        "en": "No {quadrant} listed: give at least one, backed by a fact or a figure.",
    },
    "duplicate_within": {
        "zh": "与同一象限的 {other} 重复：合并为一项。",
        "en": "Same as {other} in the same quadrant: merge them.",
    },
    "duplicate_across": {
        "zh": "与{other_quadrant}中的 {other} 重复：同一因素只能属于一个象限，判断它是内部还是外部、有利还是不利。",
        "en": "Same as {other} among the {other_quadrant}: a factor belongs to one quadrant; decide whether "
        "it is internal or external, helpful or harmful.",
    },
    "misplaced_external": {
        "zh": "“{words}”指向外部环境：{quadrant}应是团队可控的内部因素，外部因素请放到机会或威胁。",
        "en": "'{words}' points outside the organisation: {quadrant} are internal and controllable; "
        "put external factors under opportunities or threats.",
    },
    "misplaced_internal": {
        "zh": "“{words}”指向内部：{quadrant}应是外部环境的变化，内部能力请放到优势或劣势。",
        "en": "'{words}' points inside the organisation: {quadrant} are external; put internal "
        "capabilities under strengths or weaknesses.",
    },
    "weight_unread": {
        "zh": "权重“{word}”不是数字：IFE/EFE 权重写 0–1 的小数或百分比，如 0.15 或 15%；这一项未计入得分。",
        "en": "The weight '{word}' is no number: IFE/EFE weights are 0-1 or a percent, such as 0.15 or 15%; this "
        "factor is left out of the score.",
    },
    "rating_unread": {
        "zh": "评分“{word}”不是数字：IFE/EFE 评分取 1、2、3、4；这一项未计入得分。",
        "en": "The rating '{word}' is no number: IFE/EFE ratings are 1, 2, 3 or 4; this factor is left out of the "
        "score.",
    },
    "weight_out_of_range": {
        "zh": "权重 {value} 超出 0–1 范围。",
        "en": "Weight {value} is outside 0-1.",
    },
    "rating_out_of_range": {
        "zh": "评分 {value} 超出 1–4 范围。",
        "en": "Rating {value} is outside 1-4.",
    },
    "rating_not_integer": {
        "zh": "评分 {value} 不是整数：IFE/EFE 评分取 1、2、3、4。",
        "en": "Rating {value} is not an integer: IFE/EFE ratings are 1, 2, 3 or 4.",
    },
    "strength_rated_low": {
        "zh": "优势的 IFE 评分应为 3（次要优势）或 4（主要优势），这里是 {value}：它是否其实是劣势？",
        "en": "A strength is rated 3 (minor) or 4 (major) in an IFE, not {value}: is it a weakness?",
    },
    "weakness_rated_high": {
        "zh": "劣势的 IFE 评分应为 1（主要劣势）或 2（次要劣势），这里是 {value}：它是否其实是优势？",
        "en": "A weakness is rated 1 (major) or 2 (minor) in an IFE, not {value}: is it a strength?",
    },
    "weights_not_summing": {
        "zh": "{matrix} 的权重合计为 {total}，应为 1.0（允许误差 ±{tolerance}）。",
        "en": "The {matrix} weights sum to {total}, not 1.0 (tolerance ±{tolerance}).",
    },
    "matrix_incomplete": {
        "zh": "{matrix} 得分未计算：{ids} 缺少权重或评分。",
        "en": "{matrix} score not computed: {ids} lack a weight or a rating.",
    },
    "too_few_factors": {
        "zh": "{matrix} 只有 {count} 个因素，通常建议 {low}–{high} 个。",
        "en": "The {matrix} has {count} factor(s); {low}-{high} is the usual size.",
    },
    "too_many_factors": {
        "zh": "{matrix} 有 {count} 个因素，通常建议 {low}–{high} 个：保留最关键的。",
        "en": "The {matrix} has {count} factors; {low}-{high} is the usual size: keep the key ones.",
    },
    "strategy_no_factors": {
        "zh": "该策略没有引用任何因素：在 uses 中列出它依据的因素 id（如 S1、O2）。",
        "en": "The strategy cites no factor: list the ids it builds on in `uses` (e.g. S1, O2).",
    },
    "strategy_unknown_factor": {
        "zh": "引用了不存在的因素：{ids}。",
        "en": "It cites factors that do not exist: {ids}.",
    },
    "strategy_missing_kind": {
        "zh": "{type} 策略需要至少引用一项{kinds}，目前没有。",
        "en": "A {type} strategy must cite at least one of the {kinds}; it cites none.",
    },
    "strategy_wrong_kind": {
        "zh": "{type} 策略引用了不属于它的因素 {ids}：改为相应类型的策略，或删去这些引用。",
        "en": "A {type} strategy cites {ids}, which do not belong to it: change its type or drop them.",
    },
    "no_strategies": {
        "zh": "没有提供策略：用 TOWS 矩阵把内部因素与外部因素配对，得出行动。",
        "en": "No strategy given: pair internal and external factors in the TOWS matrix to derive actions.",
    },
    "missing_strategy_type": {
        "zh": "没有 {type} 策略：{prompt}",
        "en": "No {type} strategy: {prompt}",
    },
    # input errors
    "err_too_many": {
        "zh": "条目过多：共 {count} 条，上限 {max}。",
        "en": "too many items: {count}, at most {max}",
    },
    "err_duplicate_id": {
        "zh": "id“{id}”重复（也用于 {other}）。",
        "en": "duplicate id '{id}' (also used by {other})",
    },
    "err_strategy_type": {
        "zh": "无法判断策略类型：以 SO:、ST:、WO: 或 WT: 开头，或写成对象并给出 type。",
        "en": "cannot tell the strategy type: start with SO:, ST:, WO: or WT:, or give an object with `type`",
    },
    # names
    "q_S": {"zh": "优势", "en": "strengths"},
    "q_W": {"zh": "劣势", "en": "weaknesses"},
    "q_O": {"zh": "机会", "en": "opportunities"},
    "q_T": {"zh": "威胁", "en": "threats"},
    "tows_SO": {"zh": "SO 增长型：用优势抓住机会", "en": "SO (maxi-maxi): strengths to seize opportunities"},
    "tows_ST": {"zh": "ST 多元型：用优势化解威胁", "en": "ST (maxi-mini): strengths to counter threats"},
    "tows_WO": {
        "zh": "WO 扭转型：借机会弥补劣势",
        "en": "WO (mini-maxi): opportunities to overcome weaknesses",
    },
    "tows_WT": {
        "zh": "WT 防御型：减少劣势、规避威胁",
        "en": "WT (mini-mini): reduce weaknesses, avoid threats",
    },
    "prompt_SO": {"zh": "用哪些优势抓住哪些机会？", "en": "Which strengths can seize which opportunities?"},
    "prompt_ST": {"zh": "用哪些优势化解哪些威胁？", "en": "Which strengths can counter which threats?"},
    "prompt_ids": {"zh": "{question}（{ids}）", "en": "{question} ({ids})"},
    "prompt_WO": {
        "zh": "借助哪些机会弥补哪些劣势？",
        "en": "Which opportunities can help overcome which weaknesses?",
    },
    "prompt_WT": {
        "zh": "如何减少哪些劣势、规避哪些威胁？",
        "en": "How can which weaknesses be reduced and which threats avoided?",
    },
    "reading_weak": {"zh": "偏弱", "en": "weak"},
    "reading_average": {"zh": "中等", "en": "average"},
    "reading_strong": {"zh": "较强", "en": "strong"},
    "matrix_IFE": {"zh": "IFE（内部因素）", "en": "IFE (internal factors)"},
    "matrix_EFE": {"zh": "EFE（外部因素）", "en": "EFE (external factors)"},
    # rendering
    "list_sep": {"zh": "、", "en": ", "},
}

# --------------------------------------------------------------------------------------------------
# Placement heuristics
# --------------------------------------------------------------------------------------------------

# Words that point outside the organisation (suspicious among S/W) or inside it (suspicious among O/T).
# "市场部" is a department, not the market; "marketing" is a function, not the market.
_EXTERNAL_WORDS = re.compile(
    r"竞品|竞争对手|对手|市场(?!部|团队)|政策|法规|监管|行业|宏观|经济|客户需求|消费者|趋势|汇率|疫情|外部|"
    r"\bcompetit(?:or|ors|ion|ive)\b|\bmarkets?\b|\bregulat(?:ion|ions|ory|or|ors)\b|\bpolic(?:y|ies)\b|"
    r"\beconom(?:y|ic|ics)\b|\bindustry\b|\btrends?\b|\bmacro\b|\bcustomer demand\b|\bgovernment\b|"
    r"\blegislation\b|\bexternal\b",
    re.IGNORECASE,
)
_INTERNAL_WORDS = re.compile(
    r"我们的|我们|我司|我方|本公司|本部门|团队|内部|流程|员工|自身|"
    r"\bour team\b|\bour\b|\bwe\b|\bus\b|\binternal\b|\bin-house\b|\bstaff\b|\bemployees?\b",
    re.IGNORECASE,
)


_BENCHMARK = re.compile(
    r"(?:高于|低于|优于|劣于|落后于?|领先于?|超过|超出|不及|不如|相比|对比|比|较|\bthan\b|\bvs\.?|\bversus\b|"
    r"\bcompared (?:with|to)\b|\b(?:above|below|behind|ahead of)\b)\s*(?:the\s+)?"
    r"(?:行业|市场|竞品|竞争对手|对手|同行|industry|market|competitors?|peers?|rivals?)"
    r"(?:\s*(?:的)?(?:均值|平均水平|平均值?|水平|标杆|基准|average|benchmark|norm|median|mean))?"
    r"|(?:行业|市场|industry|market)\s*(?:均值|平均水平|平均值?|标杆|基准|average|benchmark|median)"
    r"|市场(?:份额|占有率)|\bmarket share\b",
    re.IGNORECASE,
)
"""A comparison with a benchmark ('新客获取成本高于行业均值30%', 'slower than competitors'): it measures us, so it
names no external factor (the cost was flagged as a weakness that belongs among the threats); so does our
market share (市场份额第一 is a strength)."""


def misplacement_words(text: str, quadrant: Quadrant) -> list[str]:
    """Words suggesting ``text`` belongs on the other side (internal vs external) of the SWOT."""
    if quadrant in ("S", "W"):
        regex, text = _EXTERNAL_WORDS, _BENCHMARK.sub(" ", text)
    else:
        regex = _INTERNAL_WORDS
    return list(dict.fromkeys(m.group() for m in regex.finditer(text)))


def reading_of(score: float) -> Reading:
    """1.0-1.99 weak, 2.0-2.99 average, 3.0-4.0 strong."""
    if score < 2.0 - 1e-9:
        return "weak"
    if score < 3.0 - 1e-9:
        return "average"
    return "strong"


# --------------------------------------------------------------------------------------------------
# Input coercion
# --------------------------------------------------------------------------------------------------

_ITEMS_ADAPTER: TypeAdapter[list[SwotItemLike]] = TypeAdapter(list[SwotItemLike])
_ITEM_ADAPTER: TypeAdapter[SwotItem] = TypeAdapter(SwotItem)
_STRATEGY_ADAPTER: TypeAdapter[Strategy] = TypeAdapter(Strategy)
_STRATEGY_LIKE_ADAPTER: TypeAdapter[StrategyLike] = TypeAdapter(StrategyLike)
_UNION_TAGS = frozenset({"str", "SwotItem", "Strategy"})
_STRATEGY_PREFIX = re.compile(r"^\s*(SO|ST|WO|WT)\s*[:：\-—]\s*(.+)$", re.IGNORECASE | re.DOTALL)
_ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])([SWOT]\d{1,3})(?![A-Za-z0-9])", re.IGNORECASE)


def _coerce_items(
    value: Sequence[Any] | None, field_name: str, set_aside: Sequence[ItemError] = ()
) -> tuple[list[tuple[int, SwotItem]], list[int]]:
    """The factors with their positions in the list, and the positions of the blank ones (a blank factor
    is left out and reported alone, the others are analysed). ``set_aside``: the items of the input left
    out of ``value`` for a wrong shape (`domain.items`), whose positions the others keep."""
    raw = list(value or [])
    at = kept_positions(len(raw), set_aside)
    blank = [at[index] for index, item in enumerate(raw) if _is_blank_factor(item)]
    kept = [item for item in raw if not _is_blank_factor(item)]
    items = validate_union(_ITEMS_ADAPTER, kept, field_name, _UNION_TAGS)
    positions = [at[index] for index, item in enumerate(raw) if not _is_blank_factor(item)]
    result: list[tuple[int, SwotItem]] = []
    for index, item in zip(positions, items, strict=True):
        if isinstance(item, str):
            item = validate_union(_ITEM_ADAPTER, {"text": item}, f"{field_name}[{index}]", _UNION_TAGS)
        result.append((index, item))
    return result, blank


def _is_blank_factor(item: object) -> bool:
    """A factor written as '' or '  ': nothing to analyse (an object's empty text is refused by its schema)."""
    return isinstance(item, str) and not item.strip()


@dataclass(frozen=True)
class _Factor:
    quadrant: Quadrant
    position: int  # index within its quadrant's input list
    item: SwotItem
    id: str

    @property
    def path(self) -> str:
        return f"{FIELDS[self.quadrant]}[{self.position}]"


def _assign_ids(items: Mapping[Quadrant, Sequence[tuple[int, SwotItem]]], language: Language) -> list[_Factor]:
    """Given ids are kept (and must be unique); the others get S1, S2... skipping taken ones."""
    owner: dict[str, str] = {}
    for quadrant in QUADRANTS:
        for index, item in items[quadrant]:
            if item.id is None:
                continue
            path = f"{FIELDS[quadrant]}[{index}]"
            if item.id in owner:
                message = tr(_TEXT, "err_duplicate_id", language, id=item.id, other=owner[item.id])
                raise InputError(f"{path}.id", message)
            owner[item.id] = path
    factors: list[_Factor] = []
    for quadrant in QUADRANTS:
        number = 0
        for index, item in items[quadrant]:
            identifier = item.id
            while identifier is None:
                number += 1
                candidate = f"{quadrant}{number}"
                if candidate not in owner:
                    identifier = candidate
                    owner[candidate] = f"{FIELDS[quadrant]}[{index}]"
            factors.append(_Factor(quadrant, index, item, identifier))
    return factors


def _strategy_from_text(text: str, index: int, lookup: Mapping[str, _Factor], language: Language) -> Strategy:
    match = _STRATEGY_PREFIX.match(text)
    body = match.group(2).strip() if match else text.strip()
    if match:
        kind = match.group(1).upper()
    else:
        cited = [lookup[i].quadrant for i in _ids_in_text(body, lookup)]
        internal = {q for q in cited if q in ("S", "W")}
        external = {q for q in cited if q in ("O", "T")}
        if len(internal) != 1 or len(external) != 1:
            raise InputError(f"strategies[{index}]", tr(_TEXT, "err_strategy_type", language))
        kind = internal.pop() + external.pop()
    return validate_union(_STRATEGY_ADAPTER, {"type": kind, "text": body}, f"strategies[{index}]", _UNION_TAGS)


def _ids_in_text(text: str, lookup: Mapping[str, _Factor]) -> list[str]:
    """Factor ids written in a strategy's text (S1, O2...), known ones only, in order."""
    found = (_resolve_id(m.group(1), lookup) for m in _ID_IN_TEXT.finditer(text))
    return list(dict.fromkeys(identifier for identifier in found if identifier is not None))


def _resolve_id(reference: str, lookup: Mapping[str, _Factor]) -> str | None:
    reference = reference.strip()
    if reference in lookup:
        return reference
    folded = reference.casefold()
    return next((identifier for identifier in lookup if identifier.casefold() == folded), None)


def _coerce_strategies(
    value: Sequence[Any] | None,
    lookup: Mapping[str, _Factor],
    language: Language,
    set_aside: Sequence[ItemError] = (),
) -> tuple[list[tuple[int, Strategy]], list[Finding]]:
    """The strategies that can be placed, with their input positions; each one that cannot (no type
    prefix, a bad field) becomes an error finding of its own, and the others are still placed."""
    raw = list(value or [])
    if len(raw) > MAX_SWOT_ITEMS:
        raise InputError("strategies", tr(_TEXT, "err_too_many", language, count=len(raw), max=MAX_SWOT_ITEMS))
    result: list[tuple[int, Strategy]] = []
    findings: list[Finding] = []
    for index, entry in zip(kept_positions(len(raw), set_aside), raw, strict=True):
        try:
            item = validate_union(_STRATEGY_LIKE_ADAPTER, entry, f"strategies[{index}]", _UNION_TAGS)
            strategy = _strategy_from_text(item, index, lookup, language) if isinstance(item, str) else item
        except InputError as error:
            findings.append(_finding("strategy_unreadable", "error", error.reason, error.field))
            continue
        if not strategy.uses:
            strategy = strategy.model_copy(update={"uses": _ids_in_text(strategy.text, lookup)})
        result.append((index, strategy))
    return result, findings


# --------------------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------------------


def _finding(code: str, severity: Severity, message: str, path: str | None) -> Finding:
    return Finding(code=code, severity=severity, message=message, path=path)


def _quadrant_name(quadrant: Quadrant, language: Language) -> str:
    return tr(_TEXT, f"q_{quadrant}", language)


def _check_quadrants(factors: Sequence[_Factor], language: Language) -> list[Finding]:
    findings: list[Finding] = []
    present = {factor.quadrant for factor in factors}
    for quadrant in QUADRANTS:
        if quadrant not in present:
            message = tr(_TEXT, "empty_quadrant", language, quadrant=_quadrant_name(quadrant, language))
            findings.append(_finding("empty_quadrant", "warning", message, FIELDS[quadrant]))
    reported: set[int] = set()
    for j, i, _ in near_duplicates([factor.item.text for factor in factors]):
        if i in reported:
            continue
        reported.add(i)
        first, second = factors[j], factors[i]
        if first.quadrant == second.quadrant:
            message = tr(_TEXT, "duplicate_within", language, other=first.id)
        else:
            other_quadrant = _quadrant_name(first.quadrant, language)
            message = tr(_TEXT, "duplicate_across", language, other=first.id, other_quadrant=other_quadrant)
        findings.append(_finding("duplicate", "warning", message, second.path))
    for factor in factors:
        words = misplacement_words(factor.item.text, factor.quadrant)
        if words:
            key = "misplaced_external" if factor.quadrant in ("S", "W") else "misplaced_internal"
            sep = tr(_TEXT, "list_sep", language)
            name = _quadrant_name(factor.quadrant, language)
            message = tr(_TEXT, key, language, words=sep.join(words), quadrant=name)
            findings.append(_finding("likely_misplaced", "warning", message, factor.path))
    return findings


def _check_values(factor: _Factor, language: Language) -> list[Finding]:
    """Weight in 0-1; rating an integer in 1-4, on the right side of 2.5 for IFE factors."""
    findings: list[Finding] = []
    weight, rating = factor.item.weight, factor.item.rating
    for name, word in (("weight", factor.item.weight_text), ("rating", factor.item.rating_text)):
        if word is not None:
            message = tr(_TEXT, f"{name}_unread", language, word=word)
            findings.append(_finding(f"{name}_unread", "error", message, f"{factor.path}.{name}"))
    if weight is not None and not 0 <= weight <= 1:
        message = tr(_TEXT, "weight_out_of_range", language, value=fmt_number(weight, 4))
        findings.append(_finding("weight_out_of_range", "error", message, f"{factor.path}.weight"))
    if rating is None:
        return findings
    path = f"{factor.path}.rating"
    severity: Severity
    if not 1 <= rating <= 4:
        code, key, severity = "rating_out_of_range", "rating_out_of_range", "error"
    elif rating != int(rating):
        code, key, severity = "rating_not_integer", "rating_not_integer", "warning"
    elif factor.quadrant == "S" and rating <= 2:
        code, key, severity = "ife_rating_inconsistent", "strength_rated_low", "info"
    elif factor.quadrant == "W" and rating >= 3:
        code, key, severity = "ife_rating_inconsistent", "weakness_rated_high", "info"
    else:
        return findings  # most factors: no message to write, so no number to format
    findings.append(_finding(code, severity, tr(_TEXT, key, language, value=fmt_number(rating, 4)), path))
    return findings


def _matrix(name: str, factors: Sequence[_Factor], language: Language) -> tuple[MatrixScore, list[Finding]]:
    """The IFE or EFE score of one side, with the checks on its weights and size."""
    findings: list[Finding] = []
    weights = [f.item.weight for f in factors if f.item.weight is not None]
    in_use = any(f.item.weight is not None or f.item.rating is not None for f in factors)
    missing = [f.id for f in factors if f.item.weight is None or f.item.rating is None]
    weight_sum = round(math.fsum(weights), 6) if weights else None
    matrix_label = tr(_TEXT, f"matrix_{name}", language)
    if weights and len(weights) == len(factors) and abs(math.fsum(weights) - 1.0) > WEIGHT_TOLERANCE:
        total = fmt_number(weight_sum, 4)
        message = tr(
            _TEXT,
            "weights_not_summing",
            language,
            matrix=matrix_label,
            total=total,
            tolerance=WEIGHT_TOLERANCE,
        )
        findings.append(_finding("weights_not_summing_to_1", "warning", message, None))
    if in_use and missing:
        ids = tr(_TEXT, "list_sep", language).join(missing)
        findings.append(
            _finding(
                "matrix_incomplete",
                "info",
                tr(_TEXT, "matrix_incomplete", language, matrix=matrix_label, ids=ids),
                None,
            )
        )
    low, high = RECOMMENDED_FACTORS
    if in_use and not low <= len(factors) <= high:
        key = "too_few_factors" if len(factors) < low else "too_many_factors"
        message = tr(_TEXT, key, language, matrix=matrix_label, count=len(factors), low=low, high=high)
        findings.append(_finding(key, "info", message, None))
    score: float | None = None
    reading: Reading | None = None
    if factors and not missing:
        score = round(math.fsum((f.item.weight or 0.0) * (f.item.rating or 0.0) for f in factors), 4)
        reading = reading_of(score)
    result = MatrixScore(
        matrix="IFE" if name == "IFE" else "EFE",
        factors=len(factors),
        weight_sum=weight_sum,
        score=score,
        reading=reading,
        reading_label=None if reading is None else tr(_TEXT, f"reading_{reading}", language),
        missing=missing,
    )
    return result, findings


def _check_strategy(
    index: int, strategy: Strategy, lookup: Mapping[str, _Factor], language: Language
) -> tuple[StrategyResult, list[Finding]]:
    path = f"strategies[{index}]"
    sep = tr(_TEXT, "list_sep", language)
    uses: list[str] = []
    unknown: list[str] = []
    for reference in strategy.uses:
        resolved = _resolve_id(reference, lookup)
        if resolved is None:
            unknown.append(reference)
        elif resolved not in uses:
            uses.append(resolved)
    findings: list[Finding] = []
    if unknown:
        message = tr(_TEXT, "strategy_unknown_factor", language, ids=sep.join(unknown))
        findings.append(_finding("strategy_unknown_factor", "error", message, f"{path}.uses"))
    if not strategy.uses:
        findings.append(
            _finding("strategy_no_factors", "warning", tr(_TEXT, "strategy_no_factors", language), f"{path}.uses")
        )
    wanted = _NEEDS[strategy.type]
    cited = {lookup[identifier].quadrant for identifier in uses}
    lacking = [q for q in wanted if q not in cited]
    if strategy.uses and lacking:
        kinds = sep.join(_quadrant_name(q, language) for q in lacking)
        message = tr(_TEXT, "strategy_missing_kind", language, type=strategy.type, kinds=kinds)
        findings.append(_finding("strategy_missing_kind", "warning", message, f"{path}.uses"))
    foreign = [identifier for identifier in uses if lookup[identifier].quadrant not in wanted]
    if foreign:
        message = tr(_TEXT, "strategy_wrong_kind", language, type=strategy.type, ids=sep.join(foreign))
        findings.append(_finding("strategy_wrong_kind", "warning", message, f"{path}.uses"))
    valid = bool(uses) and not lacking and not foreign and not unknown
    result = StrategyResult(
        index=index, type=strategy.type, text=strategy.text, uses=uses, unknown=unknown, valid=valid
    )
    return result, findings


def _prompt(kind: StrategyType, factors: Sequence[_Factor], language: Language) -> str:
    """The question that fills an empty TOWS cell, with the candidate factor ids."""
    question = tr(_TEXT, f"prompt_{kind}", language)
    groups = []
    for quadrant in _NEEDS[kind]:
        ids = [f.id for f in factors if f.quadrant == quadrant]
        if ids:
            groups.append(tr(_TEXT, "list_sep", language).join(ids))
    return tr(_TEXT, "prompt_ids", language, question=question, ids=" × ".join(groups)) if groups else question


def _tows(
    strategies: Sequence[StrategyResult], factors: Sequence[_Factor], language: Language
) -> tuple[list[TowsCell], list[Finding]]:
    cells: list[TowsCell] = []
    findings: list[Finding] = []
    for kind in STRATEGY_TYPES:
        placed = [s.index for s in strategies if s.type == kind]
        prompt = None if placed else _prompt(kind, factors, language)
        cells.append(TowsCell(type=kind, title=tr(_TEXT, f"tows_{kind}", language), strategies=placed, prompt=prompt))
        if strategies and prompt is not None:
            message = tr(_TEXT, "missing_strategy_type", language, type=kind, prompt=prompt)
            findings.append(_finding("missing_strategy_type", "info", message, "strategies"))
    if not strategies:
        findings.append(_finding("no_strategies", "info", tr(_TEXT, "no_strategies", language), "strategies"))
    return cells, findings


# --------------------------------------------------------------------------------------------------
# Output models
# --------------------------------------------------------------------------------------------------


def _factor_model(factor: _Factor) -> SwotFactor:
    item = factor.item
    weighted = None
    if item.weight is not None and item.rating is not None:
        weighted = round(item.weight * item.rating, 6)
    return SwotFactor(
        id=factor.id,
        quadrant=factor.quadrant,
        path=factor.path,
        text=item.text,
        weight=item.weight,
        rating=item.rating,
        weighted_score=weighted,
        evidence=item.evidence,
    )


# --------------------------------------------------------------------------------------------------
# The tool
# --------------------------------------------------------------------------------------------------


def swot(
    strengths: Sequence[SwotItemLike | Mapping[str, Any]] | None,
    weaknesses: Sequence[SwotItemLike | Mapping[str, Any]] | None,
    opportunities: Sequence[SwotItemLike | Mapping[str, Any]] | None,
    threats: Sequence[SwotItemLike | Mapping[str, Any]] | None,
    strategies: Sequence[StrategyLike | Mapping[str, Any]] | None = None,
    language: Language = "zh",
    *,
    set_aside: Mapping[str, Sequence[ItemError]] | None = None,
) -> SwotResult:
    """Check a SWOT, compute IFE/EFE where weights and ratings are given, place the TOWS strategies.

    Factors are strings or `SwotItem` objects; ids S1.., W1.., O1.., T1.. are assigned in order
    unless given. Strategies are `Strategy` objects or strings such as "SO: ... (S1, O2)".
    Raises `InputError` for input that cannot be analysed (too many items, duplicate ids, a bad field).
    ``set_aside``: per list ('strengths'... 'strategies'), the items of the input left out of it for a
    wrong shape (`domain.items`): each an error finding and an entry of the result's ``set_aside``; the
    others keep their input positions (the ids S1, S2... are given to the factors analysed).
    """
    aside = set_aside or {}
    language = check_language(language)
    raw = {"S": strengths, "W": weaknesses, "O": opportunities, "T": threats}
    total = 0
    for quadrant in QUADRANTS:
        total += len(raw[quadrant] or [])
        if total > MAX_SWOT_ITEMS:
            message = tr(_TEXT, "err_too_many", language, count=total, max=MAX_SWOT_ITEMS)
            raise InputError(FIELDS[quadrant], message)
    coerced = {q: _coerce_items(raw[q], FIELDS[q], aside.get(FIELDS[q], ())) for q in QUADRANTS}
    items = {q: coerced[q][0] for q in QUADRANTS}
    blanks = [
        _finding("blank_factor", "warning", tr(_TEXT, "blank_factor", language), f"{FIELDS[q]}[{index}]")
        for q in QUADRANTS
        for index in coerced[q][1]
    ]
    factors = _assign_ids(items, language)
    lookup = {factor.id: factor for factor in factors}
    strategy_items, unreadable = _coerce_strategies(strategies, lookup, language, aside.get("strategies", ()))
    left_out = [entry for field_name in (*FIELDS.values(), "strategies") for entry in aside.get(field_name, ())]

    findings = set_aside_findings(left_out) + blanks + unreadable + _check_quadrants(factors, language)
    for factor in factors:
        findings += _check_values(factor, language)
    ife, ife_findings = _matrix("IFE", [f for f in factors if f.quadrant in ("S", "W")], language)
    efe, efe_findings = _matrix("EFE", [f for f in factors if f.quadrant in ("O", "T")], language)
    findings += ife_findings + efe_findings
    strategy_results: list[StrategyResult] = []
    for index, strategy in strategy_items:
        strategy_result, strategy_findings = _check_strategy(index, strategy, lookup, language)
        strategy_results.append(strategy_result)
        findings += strategy_findings
    tows, tows_findings = _tows(strategy_results, factors, language)
    findings += tows_findings
    findings.sort(key=lambda f: SEVERITY_ORDER[f.severity])

    models = [_factor_model(factor) for factor in factors]
    result = SwotResult(
        language=language,
        strengths=[m for m in models if m.quadrant == "S"],
        weaknesses=[m for m in models if m.quadrant == "W"],
        opportunities=[m for m in models if m.quadrant == "O"],
        threats=[m for m in models if m.quadrant == "T"],
        strategies=strategy_results,
        tows=tows,
        ife=ife,
        efe=efe,
        findings=findings,
        set_aside=left_out,
        counts=SeverityCounts.of(findings),
        passed=not any(f.severity == "error" for f in findings),
    )
    return result
