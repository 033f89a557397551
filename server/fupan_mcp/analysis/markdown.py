"""Small markdown helpers shared by the renderers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

_CELL_ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "\r": " ", "\n": " "})


def escape_cell(text: object) -> str:
    """Make a value safe inside a markdown table cell."""
    return str(text).translate(_CELL_ESCAPES)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A GitHub-flavoured markdown table."""
    lines = [
        "| " + " | ".join(escape_cell(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines.extend("| " + " | ".join(escape_cell(c) for c in row) + " |" for row in rows)
    return "\n".join(lines)


def fmt_number(value: float | None, digits: int = 2) -> str:
    """Human display of a number: thousands separators, trailing zeros trimmed, '—' for None."""
    if value is None:
        return "—"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    text = f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def mermaid_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
    )
