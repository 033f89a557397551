"""Finding a table's header and its columns by their names, in Chinese or English. Pure.

A sheet as people keep it may have a title row (or a few lines of notes) above the header, and a header
over two rows where a merged group cell ("完成情况") spans the cells below ("目标", "实际"). The header
is the row, within the first rows, whose cells name the most distinct fields; the row under it joins it
when it is text only and names more fields together with it. Each column is matched by its whole label:
first an exact name, then the first field (in the order of the specs: the most specific first) whose
word it contains, so that "上期实际" is a baseline and "目标完成率" a stated rate, not a target.
A unit written in brackets ("GMV（万元）", "Spend ($)") is read off the header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fupan_mcp.materials.tables import Cell, column_letter

__all__ = ["FieldSpec", "Header", "find_header", "header_unit", "match_field", "normalize_label"]

HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class FieldSpec:
    """A field and the header words that name it: whole labels, and words a label may contain."""

    name: str
    exact: tuple[str, ...]
    contains: tuple[str, ...] = ()
    qualifies: bool = False
    """As the upper cell of a two-row header, this field wins over the lower one ("上期" over "实际")."""


@dataclass(frozen=True)
class Header:
    rows: tuple[int, ...]
    """0-based indices of the header rows."""
    labels: tuple[str, ...]
    fields: tuple[str | None, ...]
    units: tuple[str | None, ...]

    @property
    def end(self) -> int:
        """0-based index of the first data row."""
        return self.rows[-1] + 1

    def column(self, field: str) -> int | None:
        return self.fields.index(field) if field in self.fields else None

    def letter(self, index: int) -> str:
        return column_letter(index + 1)


_BRACKETS = re.compile(r"[\(\[（【]\s*([^()\[\]（）【】]{1,12})\s*[\)\]）】]")
_NOISE = re.compile(r"[\s*:：_\-—/\\|.。·•#]+")
_UNIT_WORDS = re.compile(
    r"^(?:%|％|pp|百分比|[百千万亿]?元|[百千万亿]|k|m|w|人|次|条|个|单|笔|件|户|天|日|小时|h|分钟|min|秒|s|ms|"
    r"\$|usd|rmb|cny|¥|￥|元/单|元/人|人次|[a-z]{1,5}|(?:us)?[$€£¥]\s?(?:k|m|mm|mn|b|bn)|(?:k|m|mm|mn|b|bn)\s?[$€£]|"
    r"百万|千万|百万元|千万元|万美元|百万美元|亿美元)$",
    re.IGNORECASE,
)


def normalize_label(text: str) -> str:
    """A header without brackets, blanks and punctuation, case-folded and NFKC-folded."""
    folded = unicodedata.normalize("NFKC", text)
    custom = _CUSTOM_FIELD.match(folded)
    if custom is not None:  # Jira's export names a custom field 'Custom field (Action Owner)': its name is inside
        folded = custom.group(1)
    folded = _BRACKETS.sub("", folded)
    return _NOISE.sub("", folded).casefold()


_CUSTOM_FIELD = re.compile(r"^\s*(?:custom\s*field|自定义字段)\s*[(\[]\s*(.+?)\s*[)\]]\s*$", re.IGNORECASE)


def header_unit(text: str) -> str | None:
    """The unit written in brackets in a header, if it looks like one ('万元', '%', '$', 'h'); or a percent
    sign closing it ("目标%", "Actual %")."""
    folded = unicodedata.normalize("NFKC", text)
    for match in _BRACKETS.finditer(folded):
        word = match.group(1).strip()
        if _UNIT_WORDS.match(word):
            return "%" if word in ("%", "百分比") else word
    if folded.rstrip().endswith("%") and len(folded.strip()) > 1:
        return "%"
    return None


def match_field(label: str, specs: Sequence[FieldSpec]) -> str | None:
    key = normalize_label(label)
    if not key:
        return None
    for spec in specs:
        if key in spec.exact:
            return spec.name
    for spec in specs:
        if any(word in key for word in spec.contains):
            return spec.name
    return None


def _labels(rows: Sequence[Sequence[Cell]], indices: Sequence[int]) -> list[str]:
    width = len(rows[0]) if rows else 0
    labels: list[str] = []
    for j in range(width):
        parts: list[str] = []
        for i in indices:
            text = rows[i][j].text.strip() if rows[i][j].kind == "text" else ""
            if text and text not in parts:
                parts.append(text)
        labels.append(" / ".join(parts))
    return labels


def _field(label: str, specs: Sequence[FieldSpec]) -> str | None:
    """A one-row label by its words; a two-row label by its lower cell (the specific one), unless the upper
    cell qualifies it (a period such as 上期 over 实际), else by the upper cell."""
    parts = label.split(" / ")
    if len(parts) < 2:
        return match_field(label, specs)
    upper, lower = match_field(parts[0], specs), match_field(parts[-1], specs)
    qualifying = {spec.name for spec in specs if spec.qualifies}
    if upper in qualifying and lower is not None:
        return upper
    return lower or upper or match_field("".join(parts), specs)


def _fields(labels: Sequence[str], specs: Sequence[FieldSpec]) -> list[str | None]:
    return [_field(label, specs) if label else None for label in labels]


def _textual(row: Sequence[Cell]) -> bool:
    return all(cell.kind in ("text", "empty") for cell in row) and any(not cell.empty for cell in row)


def _group_row(upper: Sequence[Cell], lower: Sequence[Cell]) -> bool:
    """True when ``upper`` holds group cells merged over several distinct cells of ``lower`` ("完成情况" over
    "目标" and "实际"), and is not a title merged over the whole width."""
    if not _textual(upper) or len({cell.text for cell in upper if not cell.empty}) < 2:
        return False
    return any(
        not upper[j].empty and upper[j] == upper[j + 1] and lower[j] != lower[j + 1] for j in range(len(upper) - 1)
    )


def find_header(
    rows: Sequence[Sequence[Cell]], specs: Sequence[FieldSpec], accept: Callable[[set[str]], bool]
) -> Header | None:
    """The header of ``rows``: the first row naming the most distinct fields that ``accept`` takes."""
    best: tuple[int, int] | None = None  # (score, row)
    for i in range(min(len(rows), HEADER_SCAN_ROWS)):
        if not _textual(rows[i]):
            continue
        named = {f for f in _fields(_labels(rows, [i]), specs) if f is not None}
        if accept(named) and (best is None or len(named) > best[0]):
            best = (len(named), i)
    if best is None:
        return None
    score, i = best
    indices: tuple[int, ...] = (i,)
    if i > 0 and _group_row(rows[i - 1], rows[i]):
        joined = {f for f in _fields(_labels(rows, [i - 1, i]), specs) if f is not None}
        if accept(joined) and len(joined) >= score:
            indices = (i - 1, i)
    elif i + 1 < len(rows) and _textual(rows[i + 1]):
        joined = {f for f in _fields(_labels(rows, [i, i + 1]), specs) if f is not None}
        if accept(joined) and len(joined) > score:
            indices = (i, i + 1)
    labels = _labels(rows, indices)
    fields = _fields(labels, specs)
    seen: set[str] = set()
    unique: list[str | None] = []
    for name in fields:
        unique.append(name if name is None or name not in seen else f"duplicate:{name}")
        if name is not None:
            seen.add(name)
    units = tuple(header_unit(label) for label in labels)
    return Header(indices, tuple(labels), tuple(unique), units)
