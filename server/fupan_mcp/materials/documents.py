"""A review document (markdown or .docx) into headings, paragraphs, list items and tables. Pure.

Markdown: ATX (``## 目标回顾``) and setext headings; a bold-only line, a Chinese numbered line (``一、目标回顾``,
``（二）结果``) or a numbered line (``3. Lessons``) is a heading only when its words name a review section
(`section_of`), so a numbered list stays a list. Pipe tables become tables; fenced code is skipped;
images are counted (their content is not read).

.docx (python-docx, the ``export`` extra): paragraphs and tables in body order. A heading is a paragraph
whose style is a heading (``Heading 2``, ``标题 2``, the document ``Title``), or whose outline level is set
(what Feishu, WPS and Confluence exports often use instead), or a short bold-only paragraph naming a
section. List paragraphs (numbering or a list style) are items. Drawings are counted as images.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, tr
from fupan_mcp.materials.strings import TEXT
from fupan_mcp.materials.tables import check_office_container, decode_text

__all__ = ["SECTION_WORDS", "Block", "Document", "read_docx", "read_markdown", "section_of", "sections_of"]

BlockKind = Literal["heading", "paragraph", "item", "table"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    location: str
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = ()
    checked: bool | None = None
    """A task-list item's box: '- [x]' True, '- [ ]' False, no box None."""


@dataclass
class Document:
    format: Literal["markdown", "docx"]
    blocks: list[Block]
    images: int = 0
    embedded: int = 0
    notes: list[str] = field(default_factory=list)


# Section words, the most specific first: "根因分析" before "分析", "风险与预警" before "预警".
SECTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("follow_up", ("上期遗留", "遗留行动", "上次复盘", "follow-up of", "previous actions", "open items from")),
    (
        "five_whys",
        (
            "5why",
            "5 why",
            "five whys",
            "五问",
            "根因",
            "原因分析",
            "分析原因",
            "root cause",
            "causes",
            "why it happened",
        ),
    ),
    ("kpi_tree", ("kpi 指标树", "指标树", "指标拆解", "kpi tree", "driver tree", "metric tree")),
    ("swot", ("swot", "tows")),
    ("pdca", ("pdca",)),
    (
        "success_factors",
        (
            "成功因素",
            "成功经验",
            "亮点",
            "做得好",
            "做的好",
            "what went well",
            "success factors",
            "highlights",
            "went well",
        ),
    ),
    (
        "problems",
        (
            "问题与挑战",
            "存在问题",
            "问题",
            "不足",
            "挑战",
            "what went wrong",
            "went wrong",
            "problems",
            "issues",
            "challenges",
            "pain points",
        ),
    ),
    (
        "lessons",
        (
            "经验总结",
            "经验教训",
            "总结规律",
            "经验",
            "教训",
            "心得",
            "启示",
            "lessons",
            "learnings",
            "insights",
            "takeaways",
        ),
    ),
    (
        "actions",
        (
            "改进建议",
            "改进措施",
            "改进计划",
            "行动项",
            "行动计划",
            "后续行动",
            "待办",
            "改进",
            "action items",
            "actions",
            "next steps",
            "improvements",
            "follow-ups",
            "follow ups",
            "corrective",
            "remediation",
        ),
    ),
    ("risks", ("风险", "预警", "risks", "risk", "alerts")),
    (
        "results",
        (
            "成果评估",
            "评估结果",
            "结果评估",
            "达成情况",
            "完成情况",
            "目标达成",
            "成果",
            "结果",
            "数据表现",
            "业绩",
            "results",
            "outcomes",
            "result",
            "performance",
            "what happened",
            "impact",
        ),
    ),
    (
        "goals",
        (
            "目标回顾",
            "回顾目标",
            "项目目标",
            "目标",
            "goals",
            "objectives",
            "goal",
            "okr",
            "what was supposed",
            "expected",
        ),
    ),
    (
        "timeline",
        ("时间周期", "里程碑", "时间线", "时间轴", "项目周期", "进度", "timeline", "milestones", "schedule", "phases"),
    ),
    ("execution", ("执行过程", "过程回顾", "执行情况", "执行", "过程", "execution", "process", "delivery")),
    ("outlook", ("未来展望", "展望", "下一阶段", "outlook", "future", "looking ahead")),
    ("gaps", ("数据缺口", "备注", "附录", "data gaps", "notes", "appendix", "supporting information")),
    (
        "overview",
        (
            "项目概述",
            "项目背景",
            "概述",
            "背景",
            "基本信息",
            "项目简介",
            "简介",
            "overview",
            "background",
            "summary",
            "introduction",
            "context",
        ),
    ),
)

_NUMBERING = re.compile(
    r"^(?:第?[一二三四五六七八九十百]+[、.．章节部分]\s*|[（(][一二三四五六七八九十\d]+[)）]\s*|\d+(?:\.\d+)*[、.．)]?\s+|"
    r"part\s+\d+[:.]?\s*|[a-z][.)]\s+)",
    re.IGNORECASE,
)
_EMOJI = re.compile(r"^[\W_]+", re.UNICODE)


def _clean_heading(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).strip().strip("*_#").strip()
    folded = _NUMBERING.sub("", folded)
    return _EMOJI.sub("", folded).strip().casefold()


def sections_of(heading: str) -> list[str]:
    """Every review section a heading names ("目标回顾与结果": goals and results), the most specific first."""
    text = _clean_heading(heading)
    if not text or len(text) > 40:
        return []
    found: list[str] = []
    taken: list[str] = []
    for section, words in SECTION_WORDS:
        matched = [word for word in words if _has_word(text, word)]
        # "目标达成情况" names results; its 目标 is part of 目标达成, not a goals heading of its own
        if matched and not all(any(word in other for other in taken) for word in matched):
            found.append(section)
            taken += matched
    return found


def section_of(heading: str) -> str | None:
    """The review section a heading names, by its words (numbering and emoji stripped); None if none."""
    found = sections_of(heading)
    return found[0] if found else None


def _has_word(text: str, word: str) -> bool:
    if word.isascii():
        return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None
    return word in text


# --------------------------------------------------------------------------- markdown

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*[:：]?\s*$")
_ZH_NUMBERED = re.compile(r"^\s*(?:第?[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])\s*\S")
_NUMBERED_LINE = re.compile(r"^\s*\d+(?:\.\d+)*[、.．]\s*\S")
_ITEM = re.compile(r"^\s*(?:[-*+•·]|\d+[.)、]|[（(]\d+[)）])\s+(?:\[(?P<box>[ xX])\]\s+)?(?P<text>.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _strip_inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|`)", "", text).strip()


def _split_row(line: str) -> tuple[str, ...]:
    body = line.strip()
    body = body.removeprefix("|").removesuffix("|") if body.startswith("|") else body
    cells = re.split(r"(?<!\\)\|", body)
    return tuple(_strip_inline(cell.replace("\\|", "|")) for cell in cells)


def read_markdown(text: str) -> Document:
    lines = text.splitlines()
    blocks: list[Block] = []
    images = 0
    paragraph: list[str] = []
    paragraph_start = 0
    fenced = False
    i = 0

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            blocks.append(Block("paragraph", _strip_inline(" ".join(paragraph)), f"line {paragraph_start}"))
            paragraph = []

    while i < len(lines):
        line = lines[i]
        number = i + 1
        if _FENCE.match(line):
            flush()
            fenced = not fenced
            i += 1
            continue
        if fenced:
            i += 1
            continue
        images += len(_IMAGE.findall(line))
        stripped = line.strip()
        if not stripped:
            flush()
            i += 1
            continue
        atx = _ATX.match(line)
        if atx:
            flush()
            blocks.append(Block("heading", _strip_inline(atx.group(2)), f"line {number}", len(atx.group(1))))
            i += 1
            continue
        if stripped.startswith("|") and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]):
            flush()
            rows = [_split_row(line)]
            i += 2
            while i < len(lines) and lines[i].strip().startswith("|"):
                rows.append(_split_row(lines[i]))
                i += 1
            table_number = sum(block.kind == "table" for block in blocks) + 1
            blocks.append(Block("table", "", f"table {table_number} (line {number})", rows=tuple(rows)))
            continue
        if paragraph and _SETEXT.match(line) and len(paragraph) == 1:
            heading = paragraph.pop()
            blocks.append(Block("heading", _strip_inline(heading), f"line {paragraph_start}", 1 if "=" in line else 2))
            i += 1
            continue
        heading_like = _BOLD_LINE.match(line)
        candidate = (
            heading_like.group(1)
            if heading_like
            else stripped
            if _ZH_NUMBERED.match(line) or _NUMBERED_LINE.match(line)
            else None
        )
        if candidate is not None and len(candidate) <= 40 and section_of(candidate) is not None:
            flush()
            blocks.append(Block("heading", _strip_inline(candidate), f"line {number}", 3 if heading_like else 2))
            i += 1
            continue
        item = _ITEM.match(line)
        if item:
            flush()
            box = item.group("box")
            checked = None if box is None else box != " "
            blocks.append(Block("item", _strip_inline(item.group("text")), f"line {number}", checked=checked))
            i += 1
            continue
        if not paragraph:
            paragraph_start = number
        paragraph.append(stripped)
        i += 1
    flush()
    return Document("markdown", [block for block in blocks if block.text or block.kind == "table"], images)


def read_markdown_bytes(data: bytes, language: Language, field_name: str = "content") -> Document:
    return read_markdown(decode_text(data, language, field_name))


# --------------------------------------------------------------------------- docx

_HEADING_STYLE = re.compile(r"^(?:heading|标题|titre|überschrift)\s*(\d)$", re.IGNORECASE)
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, language: Language, field_name: str = "content") -> Document:
    """Read a .docx; `InputError` for an encrypted, legacy or corrupt file or a missing python-docx."""
    archive = check_office_container(data, "DOCX", language, field_name)
    if "word/document.xml" not in archive.namelist():
        reason = "no word/document.xml"
        raise InputError(field_name, tr(TEXT, "err.corrupt", language, kind="DOCX", reason=reason))
    try:
        import docx
    except ImportError as error:
        raise InputError(field_name, tr(TEXT, "err.missing_docx", language)) from error
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, XML errors on a broken package
        reason = f"{type(error).__name__}: {error}"[:200]
        raise InputError(field_name, tr(TEXT, "err.corrupt", language, kind="DOCX", reason=reason)) from error
    blocks: list[Block] = []
    images = embedded = 0
    paragraphs = tables = 0
    for part in document.iter_inner_content():
        if hasattr(part, "rows"):
            tables += 1
            rows = tuple(_docx_row(row) for row in part.rows)
            blocks.append(Block("table", "", f"table {tables}", rows=rows))
            continue
        paragraphs += 1
        element = part._p
        images += len(element.findall(f".//{_W}drawing")) + len(element.findall(f".//{_W}pict"))
        embedded += len(element.findall(f".//{_W}object"))
        text = part.text.strip()
        if not text:
            continue
        location = f"paragraph {paragraphs}"
        level = _docx_heading_level(part, text)
        if level is not None:
            blocks.append(Block("heading", text, location, level))
        elif _docx_is_item(part):
            blocks.append(Block("item", text, location))
        else:
            blocks.append(Block("paragraph", text, location))
    return Document("docx", blocks, images, embedded)


def _docx_row(row: Any) -> tuple[str, ...]:
    cells: list[str] = []
    previous: Any = None
    for cell in row.cells:
        # a horizontally merged cell is returned once per grid column: read it once
        cells.append("" if cell._tc is previous else cell.text.strip())
        previous = cell._tc
    return tuple(cells)


def _outline_level(element: Any) -> int | None:
    ppr = element.find(f"{_W}pPr")
    if ppr is None:
        return None
    outline = ppr.find(f"{_W}outlineLvl")
    if outline is None:
        return None
    try:
        value = int(outline.get(f"{_W}val"))
    except (TypeError, ValueError):
        return None
    return value + 1 if value < 9 else None


def _docx_heading_level(paragraph: Any, text: str) -> int | None:
    style = paragraph.style
    for current in _styles(style):
        name = str(current.name or "")
        match = _HEADING_STYLE.match(name.strip())
        if match:
            return int(match.group(1))
        if name.strip().casefold() in ("title", "标题"):
            return 1
        level = _outline_level(current.element)
        if level is not None:
            return level
    level = _outline_level(paragraph._p)
    if level is not None:
        return level
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs) and len(text) <= 40 and section_of(text) is not None:
        return 3
    return None


def _styles(style: Any) -> Iterator[Any]:
    seen = 0
    while style is not None and seen < 10:
        yield style
        style = getattr(style, "base_style", None)
        seen += 1


def _docx_is_item(paragraph: Any) -> bool:
    ppr = paragraph._p.find(f"{_W}pPr")
    if ppr is not None and ppr.find(f"{_W}numPr") is not None:
        return True
    name = str(paragraph.style.name or "") if paragraph.style is not None else ""
    return "list" in name.casefold() or "列表" in name
