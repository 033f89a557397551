"""Changes a review states with both of their ends: "转化率从2.1%提升到2.8%，提升了33%", "客单价同比增长12%，由180元
提升至201.6元", "churn fell from 5.0% to 4.2%, a 16% reduction", "from 2.1% to 2.8% (+0.7pp)".

The stated change is checked against its two figures, which are taken as written: a figure with one decimal
may be anything that rounds to it, so a change is only called wrong when no pair of figures that round to the
written ones gives it (2.1% → 2.8% is anything from 27.9% to 39.0%). Three findings, in that order:

- ``change_direction``: the words say a rise and the figures fall, or the reverse;
- ``change_unit``: a change between two percentages written in % that is the difference in points
  ("从2.1%提升到2.8%，提升了0.7%" is 0.7 个百分点, a relative rise of 33.3%);
- ``change_mismatch``: the change fits neither the relative change nor (between percentages) the points.

Pure: text in, `StatedChange` records out; the audit words the findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from fupan_mcp.domain.numbers import NumberError, read_value

__all__ = ["ChangeColumns", "StatedChange", "change_columns", "judged_change", "stated_changes", "table_change"]

_FIG = (
    r"[-+]?[$¥￥€£]?\s*\d[\d,，]*(?:\.\d+)?\s*"
    r"(?:%|％|‰|万|亿|千|百万|[kKmMbB](?![a-zA-Z])|元|块|ms|秒|分钟|小时|天|人|单|次|个)?"
)
_UP_ZH = r"提升|提高|增长|增加|上升|上涨|增幅|涨幅"
_DOWN_ZH = r"下降|降低|减少|缩短|下跌|降幅|跌幅|下滑"
_SHIFT_ZH = rf"(?:{_UP_ZH}|{_DOWN_ZH}|降|升|涨|增)?(?:了)?"
_POINTS = r"个百分点|pp|p\.p\.|percentage points?|(?<=\d)\s*points?"
_STATED = rf"(?P<stated>\d+(?:\.\d+)?)\s*(?P<unit>%|％|{_POINTS})"
_SIGNED = rf"[（(]\s*(?P<sign>[+＋]|[-－−])\s*(?P<stated3>\d+(?:\.\d+)?)\s*(?P<unit3>%|％|{_POINTS})\s*[）)]"

_ZH_AFTER = re.compile(
    rf"(?:从|由)\s*(?P<start>{_FIG})\s*{_SHIFT_ZH}\s*(?:到|至)\s*(?P<end>{_FIG})\s*"
    rf"(?:{_SIGNED}|[，,]?\s*(?:同比|环比|较上期|较去年)?\s*(?P<verb>{_UP_ZH}|{_DOWN_ZH})\s*(?:了|达|约|近)?\s*{_STATED})"
)
_ZH_BEFORE = re.compile(
    rf"(?P<verb>{_UP_ZH}|{_DOWN_ZH})\s*(?:了|达|约|近)?\s*{_STATED}\s*[，,（(]?\s*"
    rf"(?:从|由)\s*(?P<start>{_FIG})\s*{_SHIFT_ZH}\s*(?:到|至)\s*(?P<end>{_FIG})"
)
_UP_EN = r"increase|rise|gain|improvement|growth|jump|lift|uplift|up"
_DOWN_EN = r"decrease|drop|decline|reduction|fall|cut|down"
_EN_AFTER = re.compile(
    rf"\bfrom\s+(?P<start>{_FIG})\s+to\s+(?P<end>{_FIG})\s*"
    rf"(?:{_SIGNED}|,?\s*(?:an?\s+|or\s+|which is\s+(?:an?\s+)?)?(?:{_STATED}\s+(?P<verb>{_UP_EN}|{_DOWN_EN})\b"
    rf"|(?P<verb2>up|down)\s+(?:by\s+)?(?P<stated2>\d+(?:\.\d+)?)\s*(?P<unit2>%|{_POINTS})))",
    re.IGNORECASE,
)
_EN_BEFORE = re.compile(
    rf"\b(?P<verb>rose|grew|increased|climbed|jumped|improved|went up|fell|dropped|decreased|declined|went down|"
    rf"shrank)\s+(?:by\s+)?{_STATED},?\s+from\s+(?P<start>{_FIG})\s+to\s+(?P<end>{_FIG})",
    re.IGNORECASE,
)
_ZH_MOVED = re.compile(  # "复购率从28%提升至25%": the verb between the figures, no amount
    rf"(?:从|由)\s*(?P<start>{_FIG})\s*(?P<verb>{_UP_ZH}|{_DOWN_ZH}|降|升|涨)(?:了)?\s*(?:到|至)\s*(?P<end>{_FIG})"
)
_EN_MOVED = re.compile(
    rf"\b(?P<verb>rose|grew|increased|climbed|jumped|went up|fell|dropped|decreased|declined|went down|shrank)"
    rf"\s+from\s+(?P<start>{_FIG})\s+to\s+(?P<end>{_FIG})",
    re.IGNORECASE,
)
_RISE_WORDS = re.compile(
    rf"^(?:{_UP_ZH}|升|涨|{_UP_EN}|rose|grew|increased|climbed|jumped|improved|went up|[+＋])$", re.IGNORECASE
)

Verdict = Literal["agrees", "change_direction", "change_unit", "change_mismatch"]


@dataclass(frozen=True)
class StatedChange:
    """One stated change, its two figures as written, and what they give."""

    excerpt: str
    start: str
    end: str
    stated: str  # as written: '33%', '0.7个百分点'
    relative: float  # (end - start) / start, a fraction
    points: float | None  # end - start in percentage points, when both ends are percentages
    verdict: Verdict


def stated_changes(sentence: str) -> list[StatedChange]:
    """Every change in ``sentence`` stated with both of its figures, checked (see the module docstring)."""
    found: list[StatedChange] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_ZH_AFTER, _ZH_BEFORE, _EN_AFTER, _EN_BEFORE, _ZH_MOVED, _EN_MOVED):
        for match in pattern.finditer(sentence):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            change = _checked(match)
            if change is not None:
                found.append(change)
                taken.append(match.span())
    return found


def _checked(match: re.Match[str]) -> StatedChange | None:
    groups = match.groupdict()
    stated_text = groups.get("stated") or groups.get("stated2") or groups.get("stated3")
    unit_text = groups.get("unit") or groups.get("unit2") or groups.get("unit3")
    verb = groups.get("verb") or groups.get("verb2") or groups.get("sign")
    if verb is None:
        return None
    if stated_text is None or unit_text is None:
        return _moved(match, verb)
    rises = _RISE_WORDS.match(verb.strip()) is not None
    return judged_change(match.group().strip(), groups["start"], groups["end"], stated_text, unit_text, rises)


def judged_change(
    excerpt: str, start_text: str, end_text: str, stated_text: str, unit_text: str, rises: bool | None
) -> StatedChange | None:
    """The change ``stated_text`` + ``unit_text`` ('33' '%', '0.7' '个百分点') from ``start_text`` to ``end_text``,
    judged; ``rises`` is the direction the words or the sign state (None: none stated). None when the two
    figures are not two values of one unit, or the change is in points of something that is no percentage."""
    try:
        start, end = read_value(start_text.strip()), read_value(end_text.strip())
    except NumberError:
        return None
    if start.unit != end.unit or start.value == 0 or start.value < 0 or end.value < 0:
        return None  # other units, a change from nothing or across zero: not a relative change to check
    stated = float(stated_text)
    in_points = not unit_text.strip().startswith(("%", "％"))
    percents = start.unit == "%"
    if in_points and not percents:
        return None  # points of a score ('NPS up 5 points'): the difference, nothing to mix up
    relative = (end.value - start.value) / start.value
    points = end.value - start.value if percents else None
    verdict: Verdict
    if rises is not None and end.value != start.value and rises != (end.value > start.value):
        verdict = "change_direction"
    else:
        low, high = _relative_bounds(start_text, end_text, start.value, end.value)
        points_range = _points_bounds(start_text, end_text, start.value, end.value)
        s_low, s_high = _bounds(stated_text, stated)
        if in_points:
            verdict = "agrees" if _overlap(s_low, s_high, *points_range) else "change_mismatch"
        elif _overlap(s_low, s_high, low * 100, high * 100):
            verdict = "agrees"
        elif percents and _overlap(s_low, s_high, *points_range):
            verdict = "change_unit"
        else:
            verdict = "change_mismatch"
    return StatedChange(
        excerpt=excerpt,
        start=start_text.strip(),
        end=end_text.strip(),
        stated=f"{stated_text}{unit_text.strip()}",
        relative=relative,
        points=points,
        verdict=verdict,
    )


# --- tables of before, after and the change ('| 指标 | 旧版本 | 新版本 | 提升 |') ---------------------------

_BEFORE_LABEL = re.compile(
    r"^(?:旧版本?|改版前|优化前|上线前|调整前|实施前|改造前|之前|对照组|对照|基线|上期|上月|上周|上季度|去年同期|去年|"
    r"before|old|baseline|control|previous|prior|last (?:year|quarter|month|week))$",
    re.IGNORECASE,
)
_AFTER_LABEL = re.compile(
    r"^(?:新版本?|改版后|优化后|上线后|调整后|实施后|改造后|之后|实验组|实验|本期|本月|本周|本季度|今年|当前|"
    r"after|new|treatment|variant|current|this (?:year|quarter|month|week))$",
    re.IGNORECASE,
)
_CHANGE_LABEL = re.compile(
    r"^(?:提升|提高|增长|增幅|涨幅|增长率|降幅|下降|降低|变化|变化率|变化幅度|差值|差异|环比|同比|"
    r"change|delta|diff(?:erence)?|lift|uplift|improvement|growth|Δ|% change)$",
    re.IGNORECASE,
)
_RISING_LABEL = re.compile(r"^(?:提升|提高|增长|增幅|涨幅|增长率|lift|uplift|improvement|growth)$", re.IGNORECASE)
_FALLING_LABEL = re.compile(r"^(?:降幅|下降|降低)$")
_LABEL_NOTE = re.compile(r"[（(][^（()）]*[）)]")
_CELL_CHANGE = re.compile(
    rf"^\s*(?P<sign>[+＋]|[-－−])?\s*(?:{_UP_ZH}|{_DOWN_ZH}|up|down)?\s*(?P<stated>\d+(?:\.\d+)?)\s*"
    rf"(?P<unit>%|％|{_POINTS})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ChangeColumns:
    """Where a table of before / after / change keeps its columns (0-based); the change column's label."""

    name: int
    before: int
    after: int
    change: int
    label: str


def change_columns(header: list[str]) -> ChangeColumns | None:
    """The columns of a table that compares a before and an after and states the change, or None."""
    labels = [_LABEL_NOTE.sub("", label).strip() for label in header]
    before = [k for k, label in enumerate(labels) if _BEFORE_LABEL.match(label)]
    after = [k for k, label in enumerate(labels) if _AFTER_LABEL.match(label)]
    change = [k for k, label in enumerate(labels) if _CHANGE_LABEL.match(label)]
    if len(before) != 1 or len(after) != 1 or len(change) != 1:
        return None
    used = {before[0], after[0], change[0]}
    rest = [k for k in range(len(labels)) if k not in used and labels[k]]
    return ChangeColumns(rest[0] if rest else 0, before[0], after[0], change[0], labels[change[0]])


def table_change(columns: ChangeColumns, row: list[str]) -> StatedChange | None:
    """One row of such a table judged: '85%', '92%', '+8%' (the sign, or the column's word, gives the side)."""
    if max(columns.before, columns.after, columns.change) >= len(row):
        return None
    stated = _CELL_CHANGE.match(row[columns.change])
    if stated is None:
        return None
    sign = stated["sign"]
    rises: bool | None = None
    if sign is not None:
        rises = sign in "+＋"
    elif _RISING_LABEL.match(columns.label):
        rises = True
    elif _FALLING_LABEL.match(columns.label):
        rises = False
    else:
        words = row[columns.change]
        rises = (
            True
            if re.search(_UP_ZH + r"|\bup\b", words, re.I)
            else False
            if re.search(_DOWN_ZH + r"|\bdown\b", words, re.I)
            else None
        )
    excerpt = " | ".join(cell for cell in row if cell)
    return judged_change(excerpt, row[columns.before], row[columns.after], stated["stated"], stated["unit"], rises)


def _moved(match: re.Match[str], verb: str) -> StatedChange | None:
    """A change stated by its verb alone ('从28%提升至25%'): only its direction can be wrong."""
    try:
        start, end = read_value(match["start"].strip()), read_value(match["end"].strip())
    except NumberError:
        return None
    if start.unit != end.unit or start.value <= 0 or end.value < 0:
        return None
    rises = _RISE_WORDS.match(verb.strip()) is not None
    wrong = end.value != start.value and rises != (end.value > start.value)
    return StatedChange(
        excerpt=match.group().strip(),
        start=match["start"].strip(),
        end=match["end"].strip(),
        stated=verb.strip(),
        relative=(end.value - start.value) / start.value,
        points=end.value - start.value if start.unit == "%" else None,
        verdict="change_direction" if wrong else "agrees",
    )


_DECIMALS = re.compile(r"\d[\d,，]*(?:\.(\d+))?")


def _half_step(text: str, value: float) -> float:
    """Half the last written place of ``text`` in the units of ``value`` ('2.1%' → 0.05, '1.2亿' → 0.05亿)."""
    written = _DECIMALS.search(text)
    if written is None:
        return 0.0
    decimals = len(written.group(1) or "")
    number = float(written.group().replace(",", "").replace("，", ""))
    scale = abs(value / number) if number else 1.0
    return 0.5 * 10.0 ** (-decimals) * scale


def _bounds(text: str, value: float) -> tuple[float, float]:
    step = _half_step(text, value)
    return value - step - 1e-9, value + step + 1e-9


def _relative_bounds(start_text: str, end_text: str, start: float, end: float) -> tuple[float, float]:
    """The smallest and largest (end - start) / start over the figures that round to the written ones, abs."""
    s_low, s_high = _bounds(start_text, start)
    e_low, e_high = _bounds(end_text, end)
    if s_low <= 0:
        s_low = min(start, 1e-12)
    corners = [abs((e - s) / s) for s in (s_low, s_high) for e in (e_low, e_high)]
    low = 0.0 if (e_low - s_high) * (e_high - s_low) <= 0 else min(corners)  # the ends may touch: 0 is possible
    return low, max(corners)


def _points_bounds(start_text: str, end_text: str, start: float, end: float) -> tuple[float, float]:
    s_low, s_high = _bounds(start_text, start)
    e_low, e_high = _bounds(end_text, end)
    corners = [abs(e - s) for s in (s_low, s_high) for e in (e_low, e_high)]
    low = 0.0 if (e_low - s_high) * (e_high - s_low) <= 0 else min(corners)
    return low, max(corners)


def _overlap(a_low: float, a_high: float, b_low: float, b_high: float) -> bool:
    return a_low <= b_high and b_low <= a_high
