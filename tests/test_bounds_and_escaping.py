"""Bounded answers and escaped output, in process: compliance findings, result size, log rate,
the JSON-RPC envelope check, markdown links and images, SWOT quadrant labels."""

from __future__ import annotations

import logging
import random

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from fupan_mcp.analysis.compliance import check_compliance
from fupan_mcp.analysis.swot import swot
from fupan_mcp.app import bounded
from fupan_mcp.jsonrpc import MAX_ID_CHARS, MAX_NESTING, check_message
from fupan_mcp.limits import MAX_LISTED_FINDINGS, MAX_REF_CHARS, MAX_RESULT_BYTES
from fupan_mcp.netguard import RateLimitFilter
from fupan_mcp.report.diagrams import swot_quadrants
from fupan_mcp.report.render import (
    _CELL_END,
    _INLINE_CHANGES,
    _inline_lines,
    _plainly_inline,
    md_block,
    md_inline,
    md_row,
    md_rows,
    render_report,
)
from fupan_mcp.report.tool_text import compliance_text
from fupan_mcp.report.view import Bullets, Item
from fupan_mcp.tools.calls import clip_message

# --- compliance: findings counted, not all built ------------------------------------------------


def test_compliance_lists_the_first_findings_and_counts_all() -> None:
    field = "联系 13800138000 或 a.li@example.com；" * 40  # 40 mobiles + 40 e-mails per field
    result = check_compliance(fields={f"problems[{i}]": field for i in range(30)}, language="en")
    assert result.counts.pii == 30 * 80 == 2400
    assert result.counts.pii_by_kind == {"mobile": 1200, "email": 1200}
    assert len(result.pii) == MAX_LISTED_FINDINGS == 1000
    assert result.listed_limit == 1000
    assert [hit.path for hit in result.pii[:80]] == ["problems[0]"] * 80  # the first fields, in order
    assert result.pii[-1].path == "problems[12]"  # 12 full fields (960) + 40 of the 13th
    assert "Personal data: 2400" in compliance_text(result)  # the text counts all of them
    assert result.masked_fields is not None and "13800138000" not in result.masked_fields["problems[29]"]


def test_compliance_under_the_limit_lists_everything() -> None:
    result = check_compliance(text="都是张三的错，他总是拖延。电话 13800138000", language="zh")
    assert result.listed_limit is None
    assert len(result.pii) == result.counts.pii and len(result.tone) == result.counts.tone


# --- one call's answer --------------------------------------------------------------------------


def test_a_result_above_the_limit_becomes_a_clear_tool_error() -> None:
    big = CallToolResult(content=[TextContent(type="text", text="x" * (MAX_RESULT_BYTES + 1))])
    refused = bounded(big, "check_compliance")
    assert refused.is_error and len(refused.content) == 1
    text = refused.content[0].text  # type: ignore[union-attr]
    assert "Result too large: 16.0 MB, above the 16 MB" in text and "结果过大" in text
    small = CallToolResult(content=[TextContent(type="text", text="ok")], structured_content={"a": 1})
    assert bounded(small, "x") is small


def test_long_messages_keep_head_and_tail() -> None:
    message = "review_id: no review with id '" + "x" * 1_000_000 + "'"
    clipped = clip_message(message)
    assert len(clipped) < 1100
    assert clipped.startswith("review_id: no review with id 'xxx") and clipped.endswith("xx'")
    assert "characters omitted" in clipped
    assert clip_message("short") == "short"


# --- logs ---------------------------------------------------------------------------------------


def test_the_log_keeps_one_line_per_cause_per_interval() -> None:
    now = [0.0]
    limiter = RateLimitFilter(interval=10, clock=lambda: now[0])

    def record(message: str, *args: object) -> logging.LogRecord:
        return logging.LogRecord("fupan_mcp.http", logging.WARNING, __file__, 1, message, args, None)

    passed = [limiter.filter(record("refused a request with Host %r", f"h{i}")) for i in range(500)]
    other = limiter.filter(record("closed a connection: request headers incomplete after %ss", 10))
    assert passed.count(True) == 1 and other
    now[0] = 10.5
    summary = record("refused a request with Host %r", "late")
    assert limiter.filter(summary)
    assert summary.getMessage() == "refused a request with Host 'late' [499 similar lines held back in the last 10s]"


# --- the JSON-RPC envelope ----------------------------------------------------------------------


DEEP = b"[" * MAX_NESTING + b"]" * MAX_NESTING


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"jsonrpc":"2.0","id":1,"method":"ping"}', None),
        (b'{"jsonrpc":"2.0","method":"notifications/initialized"}', None),
        (b'{"jsonrpc":"2.0","id":1,"result":{}}', None),
        (b"{", -32700),
        (b'{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":NaN}}', -32700),
        (b'{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\\udc00"}}', -32700),
        (b'[{"jsonrpc":"2.0","id":1,"method":"ping"}]', -32600),
        (b'{"jsonrpc":"2.0","id":"' + b"i" * (MAX_ID_CHARS + 1) + b'","method":"ping"}', -32600),
        (
            b'{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":' + b"[" * MAX_NESTING + b"]" * MAX_NESTING + b"}}",
            -32600,
        ),
    ],
)
def test_envelope_check(body: bytes, code: int | None) -> None:
    refusal = check_message(body)
    assert (refusal.code if refusal else None) == code
    if refusal is not None:
        assert len(refusal.message) < 200 and (refusal.id is None or refusal.id == 1)


def test_nesting_at_the_limit_passes() -> None:
    depth = MAX_NESTING - 2  # the message object and params are two levels
    body = b'{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":' + b"[" * depth + b"]" * depth + b"}}"
    assert check_message(body) is None


# --- markdown links and images ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("see [the runbook](https://wiki.example.com/runbook)", True),
        ("write to [ops](mailto:ops@example.com)", True),
        ("[click](javascript:alert(document.cookie))", False),
        ("[click](  JAVASCRIPT:alert(1))", False),
        ("[x](javascript&#58;alert(1))", False),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", False),
        ("[x](vbscript:msgbox)", False),
        ("[x](file:///etc/passwd)", False),
        ("[x](/relative/path)", False),
    ],
)
def test_markdown_links_only_to_http_and_mailto(text: str, kept: bool) -> None:
    safe = md_inline(text)
    assert (safe == text) is kept
    if not kept:
        assert "\\[" in safe  # shown as text: the bracket is escaped


@pytest.mark.parametrize(
    "text", ["![tracker](https://evil.example/pixel.png)", "![](http://x/y.gif)", "![a][ref]", "x ![b](c) y"]
)
def test_markdown_shows_no_images(text: str) -> None:
    assert "![" not in md_inline(text)


_CELL_CHARS = (" ", "\t", "\n", "\r", "\u3000", "\xa0", "\x1c", "|", "\\", "<", "b", "/", "!", "1", "中", "-", "#")


def test_a_table_made_in_one_pass_is_the_table_made_cell_by_cell() -> None:
    """`md_rows` (one pass over the joined table) writes what `md_row` writes row by row, for cells
    with every kind of space, pipes, backslashes, tags, links and the separators it joins with."""
    rnd = random.Random(15)
    for trial in range(3000):
        chars = _CELL_CHARS + (("[", "]", "(", ")", "\x00", "\x01") if trial % 3 == 0 else ())
        rows = tuple(
            tuple(
                "".join(rnd.choice(chars) for _ in range(rnd.randint(0, 6)))
                for _ in range(rnd.randint(0 if trial % 7 == 0 else 1, 4))
            )
            for _ in range(rnd.randint(0, 4))
        )
        assert md_rows(rows) == "\n".join(md_row(row) for row in rows), rows


def test_tree_lines_made_in_one_pass_are_the_lines_made_one_by_one() -> None:
    """A tree's lines (`_inline_lines`: C string tests, then one regex pass, over the joined lines) are
    `md_inline` of each line, for lines with every kind of space, unprintable characters, tags, links,
    block markers and the separator it joins with; the string tests never pass text the regex flags."""
    rnd = random.Random(16)
    chars = (*_CELL_CHARS, "[", "]", "\x00", "\u200b", "\x07", "\u2028", "*", ">", "a")
    for trial in range(3000):
        texts = ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 5))) for _ in range(rnd.randint(1, 5))]
        if trial % 2:  # mostly plain lines, as a KPI tree's
            texts = [text.replace(" ", "中").replace("\t", "x").replace("\n", "y") for text in texts]
        joined = _CELL_END.join(texts)
        if _plainly_inline(joined):
            assert _INLINE_CHANGES.search(joined) is None, texts
        assert _inline_lines(texts) == [md_inline(text) for text in texts], texts


def test_a_list_item_is_made_safe_like_inline_text() -> None:
    texts = ["# h", "- x", "1. one", "2) two", "> q", "***", "=", "`" * 3, "|a|", "<b>x</b>", "plain 文本", ""]
    got = md_block(Bullets(tuple(Item(text) for text in texts)), ": ")
    assert got == "".join(f"- {md_inline(text)}\n" for text in texts)


def test_a_reference_definition_cannot_smuggle_a_link() -> None:
    assert md_inline("[r]: javascript:alert(1)").startswith("\\[r]:")


def test_a_rendered_markdown_report_carries_no_unsafe_link_or_image() -> None:
    review = {
        "project": "Checkout rollout",
        "lessons": ["[run me](javascript:alert(1)) and ![p](https://tracker.example/p.gif)"],
        "problems": [{"title": "see [docs](https://docs.example.com)", "detail": "[x](data:text/html,hi)"}],
    }
    text = render_report(review, "markdown", "full", "en", True).content
    assert "](javascript:" not in text.replace("\\[run me](javascript:", "")
    assert "![" not in text
    assert "[docs](https://docs.example.com)" in text
    assert "\\[x](data:" in text


# --- SWOT quadrant chart labels -----------------------------------------------------------------


def test_swot_quadrant_labels_cannot_carry_markup() -> None:
    evil = '<b>&"q"#lt;```<img src=x onerror=alert(1)>'
    result = swot([evil], [evil], [evil], [evil], language="en")
    mermaid = swot_quadrants(result, "en")
    labels = [line for line in mermaid.splitlines() if line.strip().startswith('"S1') or '"W1' in line]
    assert labels
    for line in labels:
        label = line.split('"')[1]
        assert "<" not in label and ">" not in label and "`" not in label
        assert label.startswith(("S1 #lt;b#gt;#amp;'q'#35;lt;#96;", "W1 #lt;b#gt;#amp;'q'#35;lt;#96;")), label
    assert "```" not in mermaid


@pytest.mark.anyio
async def test_a_huge_review_id_is_not_echoed_whole(client: Client) -> None:
    huge = "R-" + "x" * 100_000  # over the bound of an id: refused unread, naming the bound, never echoed
    for tool, arguments in (
        ("get_review", {"review_id": huge}),
        ("compute_attainment", {"metrics": [{"name": "a", "target": "≥1", "actual": 2}], "review_id": huge}),
    ):
        result = await client.call_tool(tool, arguments)
        text = " ".join(block.text for block in result.content if isinstance(block, TextContent))
        assert result.is_error and len(text) < 500 and f"最多 {MAX_REF_CHARS} 个字符" in text, text[:300]
        assert "x" * 100 not in text
