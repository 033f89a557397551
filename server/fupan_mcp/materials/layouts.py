"""Tables pasted as text that is not CSV: a markdown pipe table, or columns aligned with spaces (a table
copied from a web page, a PDF or a terminal). Pure: text in, rows of strings out.

- Markdown: lines holding ``|`` are rows; the ``|---|:--:|`` separator lines are read as empty rows (row
  numbers stay line numbers), the outer pipes are not cells, ``\\|`` is a pipe inside a cell. Lines
  without a pipe (a title, a note) are one-cell rows.
- Aligned with spaces: cells are separated by two or more blanks (or a tab). The number of columns is the
  one most lines have. A line with fewer cells is placed by the columns' positions under the header line
  (display width: a CJK character counts two); a line with more single-blank separated words than columns
  whose last cells are numbers gets its leading words joined as the name ("New users  1,200  1,350" and
  "New users 1,200 1,350" alike). A line that cannot be placed is not guessed: it is left out and
  listed (`Layout.unplaced`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Layout", "split_layout"]

_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")
_WIDE_GAP = re.compile(r"(?:\t|[ \u00a0\u3000]{2,})+")
_VALUE_WORD = re.compile(
    r"^[-+−]?[$¥￥€£]?[\d０-９][\d０-９.,，%％]*(?:[万亿kKmMbB]|pp)?[%％*¹²³]?$|^(?:-|—|–|/|N/?A|n/a|TBD|待定)$"
)


@dataclass
class Layout:
    kind: str
    """'markdown' or 'aligned'."""
    rows: list[list[str]]
    unplaced: list[tuple[int, str]] = field(default_factory=list)
    """(1-based line, text) of lines left out because their cells could not be placed."""


def _pipe_cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [cell.replace("\\|", "|").strip() for cell in cells]


def _markdown(lines: list[str]) -> Layout | None:
    piped = [line for line in lines if "|" in line]
    if len(piped) < 2:
        return None
    has_separator = any(all(_SEPARATOR_CELL.match(c) for c in _pipe_cells(line)) for line in piped)
    piped = [line for line in piped if line.strip().startswith("|") or line.strip().endswith("|")]
    fenced = sum(1 for line in piped if line.strip().startswith("|") and line.strip().endswith("|"))
    if not has_separator and (fenced < len(piped) or len(piped) < 2):
        return None
    rows: list[list[str]] = []
    for line in lines:
        if "|" not in line:
            rows.append([line.strip()] if line.strip() else [])
            continue
        cells = _pipe_cells(line)
        # The |---| line stays an (empty) row, so that row numbers are the pasted text's line numbers.
        rows.append([] if all(_SEPARATOR_CELL.match(c) for c in cells) else cells)
    return Layout("markdown", rows)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _spans(line: str) -> list[tuple[int, int, str]]:
    """The cells of an aligned line with their display start and end."""
    out: list[tuple[int, int, str]] = []
    position = 0
    for piece in re.split(f"({_WIDE_GAP.pattern})", line.rstrip()):
        if not piece:
            continue
        if _WIDE_GAP.fullmatch(piece):
            position += _width(piece.replace("\t", "    "))
            continue
        start = position + (len(piece) - len(piece.lstrip()))
        position += _width(piece)
        if piece.strip():
            out.append((start, position, piece.strip()))
    return out


def _aligned(lines: list[str]) -> Layout | None:
    cells = [_spans(line) for line in lines]
    counts = Counter(len(c) for c in cells if len(c) >= 2)
    if not counts:
        return None
    width, seen = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    filled = sum(1 for c in cells if c)
    if width < 2 or seen < 2 or seen * 2 < filled:
        return None
    top = next(k for k, c in enumerate(cells) if len(c) == width)
    header = cells[top]
    starts = [start for start, _, _ in header]
    ends = [end for _, end, _ in header]
    layout = Layout("aligned", [])
    for number, (line, spans) in enumerate(zip(lines, cells, strict=True), start=1):
        if len(spans) == width or not spans or (len(spans) == 1 and number - 1 <= top):
            layout.rows.append([text for _, _, text in spans])
            continue
        if len(spans) == 1:
            # Below the header a single cell is a group title ("流量"), unless it is a row typed with single
            # blanks: its values are split off, or, holding figures, it is left out rather than guessed.
            row = _by_words(line, width)
            if row is None and not (" " in spans[0][2] and re.search(r"\d", spans[0][2])):
                row = [spans[0][2]]
        else:
            row = _by_words(line, width) if len(spans) > width else _by_position(spans, starts, ends)
        if row is None:
            layout.unplaced.append((number, line.strip()[:120]))
            layout.rows.append([])
        else:
            layout.rows.append(row)
    return layout


def _by_words(line: str, width: int) -> list[str] | None:
    """Leading words joined into the first cell when the last ``width - 1`` words are values."""
    words = line.split()
    if len(words) < width:
        return None
    tail = words[len(words) - width + 1 :]
    if not all(_VALUE_WORD.match(word) for word in tail):
        return None
    return [" ".join(words[: len(words) - width + 1]), *tail]


def _by_position(spans: list[tuple[int, int, str]], starts: list[int], ends: list[int]) -> list[str] | None:
    """Each cell under the header column whose centre is nearest its own; None when two fall under one."""
    centres = [(a + b) / 2 for a, b in zip(starts, ends, strict=True)]
    row = [""] * len(starts)
    for start, end, text in spans:
        centre = (start + end) / 2
        j = min(range(len(centres)), key=lambda k: abs(centres[k] - centre))
        if row[j]:
            return None
        row[j] = text
    return row


def split_layout(text: str) -> Layout | None:
    """The rows of ``text`` when it is a markdown table or a space-aligned table, else None (CSV/TSV)."""
    lines = text.splitlines()
    markdown = _markdown(lines)
    if markdown is not None:
        return markdown
    if any("\t" in line for line in lines):
        return None
    content = [line for line in lines if line.strip()]
    if not content:
        return None
    if sum(1 for line in content if _WIDE_GAP.search(line.strip())) * 2 < len(content):
        return None
    return _aligned(lines)
