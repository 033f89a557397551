"""`render.joined_blocks` writes what joining the blocks with a blank line, collapsing blank-line runs with
the regex and stripping the whole wrote: over blocks of newlines, spaces, ideographic spaces and text, at
their ends and inside, empty and whitespace-only blocks included (the seams are where they differ first)."""

from __future__ import annotations

import random

from fupan_mcp.report.render import _BLANK_RUNS, joined_blocks


def _reference(texts: list[str]) -> str:
    content = "".join(f"{text}\n\n" for text in texts)
    return _BLANK_RUNS.sub("\n\n", content).strip() + "\n"


def test_joined_blocks_write_what_the_regex_over_the_joined_text_writes() -> None:
    draw = random.Random(7)
    pieces = ["\n", "\n", "\n\n\n", " ", "\u3000", "\t", "x", "表", "| a |", ""]
    cases = [[], [""], ["\n"], ["x\n", "\n", "y\n"], [" \n\n\nx\n \n"], ["a", "b"]]
    cases += [
        ["".join(draw.choice(pieces) for _ in range(draw.randint(0, 8))) for _ in range(draw.randint(0, 6))]
        for _ in range(5000)
    ]
    for texts in cases:
        assert joined_blocks(texts) == _reference(texts), texts


def test_table_rows_with_numbers_read_as_their_text() -> None:
    """`render.md_rows` joins text cells as they are and writes any other cell by str(), as before."""
    from fupan_mcp.report.render import md_rows

    rows = [("a", 1, 2.5, None), ("b|c", "x  y", "<b>", "—")]
    assert md_rows(rows) == md_rows([tuple(str(cell) for cell in row) for row in rows])
    assert md_rows(rows).splitlines()[0] == "| a | 1 | 2.5 | None |"
