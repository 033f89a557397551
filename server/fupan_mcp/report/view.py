"""The report as plain data: a document of sections made of a few kinds of blocks.

The section builders fill these; the markdown and HTML templates render them. Every string in a
block is final text (already localized, masked and formatted); the templates only escape it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from fupan_mcp.domain.review import SectionId

Tone = Literal["normal", "muted", "ok", "warn", "bad"]


@dataclass(frozen=True, slots=True)
class Heading:
    """A sub-heading inside a section."""

    text: str
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    tone: Tone = "normal"
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True, slots=True)
class Item:
    """A list item: an optional bold label, the text, and nested lines."""

    text: str
    label: str | None = None
    children: tuple[str, ...] = ()
    tone: Tone = "normal"


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[Item, ...]
    ordered: bool = False
    kind: ClassVar[str] = "list"


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    tones: tuple[Tone, ...] = ()
    """One tone per row (HTML colours the row); empty for none."""
    short: tuple[int, ...] = ()
    """Columns of short values (a number, a date, a status) that stay on one line."""
    kind: ClassVar[str] = "table"

    def one_line(self) -> tuple[int, ...]:
        """The columns kept on one line: the declared ones, and those whose every value is short
        (at most `SHORT_WIDTH` half-ems: a date, a rate, a status). HTML and Word both use it."""
        count = len(self.headers)
        widths = [max((text_width(row[i]) for row in self.rows if i < len(row)), default=0) for i in range(count)]
        return tuple(i for i in range(count) if i in self.short or 0 < widths[i] <= SHORT_WIDTH)


SHORT_WIDTH = 16
"""Half-ems up to which a column's values are kept on one line (a date is 10, a status 4 to 10)."""


def text_width(text: str) -> int:
    """Width of ``text`` in half-ems: a CJK (wide) character counts two, any other one."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


@dataclass(frozen=True, slots=True)
class TreeLine:
    depth: int
    text: str
    tone: Tone = "normal"


@dataclass(frozen=True, slots=True)
class Tree:
    lines: tuple[TreeLine, ...]
    kind: ClassVar[str] = "tree"


@dataclass(frozen=True, slots=True)
class Diagram:
    """Diagram source (Mermaid): a fenced block in markdown, a collapsed source listing in HTML."""

    source: str
    caption: str
    language: str = "mermaid"
    kind: ClassVar[str] = "diagram"


Block = Heading | Paragraph | Bullets | Table | Tree | Diagram


@dataclass(slots=True)
class Section:
    id: SectionId
    number: int
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    title: str
    language: str
    meta: list[tuple[str, str]]
    summary: str
    sections: list[Section]
    footer: str
    colon: str
