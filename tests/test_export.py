"""export_report: printable HTML with inline charts, markdown, Word; each file also served as a resource."""

from __future__ import annotations

import base64
import io
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import BlobResourceContents, ResourceLink, TextContent, TextResourceContents

from fupan_mcp.app import Settings, create_server
from fupan_mcp.samples import load_sample

pytestmark = pytest.mark.anyio

XSS = "<script>alert(1)</script>"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
async def ws(tmp_path: Path) -> AsyncIterator[Client]:
    server = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "out"))
    async with Client(server) as client:
        yield client


def data(result: Any) -> Any:
    assert not result.is_error, result.content
    return result.structured_content


def error_text(result: Any) -> str:
    assert result.is_error
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


async def stored_sample(client: Client, **changes: Any) -> str:
    review = {**load_sample("b2b_mvp"), **changes}
    created = data(await client.call_tool("create_review", {"project": review["project"], "review": review}))
    return str(created["review"]["id"])


def link_of(result: Any) -> ResourceLink:
    links = [block for block in result.content if isinstance(block, ResourceLink)]
    assert len(links) == 1
    return links[0]


async def test_docx_has_headings_tables_and_pictures(ws: Client, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx", reason="the Word export needs the optional 'export' extra")
    pytest.importorskip("matplotlib", reason="charts need the optional 'export' extra")
    review_id = await stored_sample(ws)
    result = await ws.call_tool("export_report", {"review_id": review_id, "format": "docx", "filename": "b2b"})
    exported = data(result)
    path = Path(exported["path"])
    assert path == (tmp_path / "out" / "b2b.docx").resolve() and exported["format"] == "docx"
    assert exported["uri"] == "fupan://exports/b2b.docx" and exported["bytes"] == path.stat().st_size

    document = docx.Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    for title in ("1. 项目概述", "5. 成果评估", "9. SWOT 分析", "12. 改进建议", "16. 附录：待确认问题与数据缺口"):
        assert title in headings
    header_rows = [[cell.text for cell in table.rows[0].cells] for table in document.tables]
    assert any({"指标", "目标", "实际", "状态"} <= set(row) for row in header_rows)  # attainment
    assert any({"行动", "负责人", "截止", "优先级"} <= set(row) for row in header_rows)  # actions
    assert any({"风险", "黄色预警", "红色预警"} <= set(row) for row in header_rows)  # risks
    assert any({"象限", "编号", "内容"} <= set(row) for row in header_rows)  # SWOT
    all_cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "注册用户数" in all_cells
    assert len(document.inline_shapes) >= 2  # attainment, action timeline (the SWOT has no scores to place)

    link = link_of(result)
    assert link.uri == exported["uri"] and link.mime_type == DOCX_MIME
    contents = (await ws.read_resource(link.uri)).contents
    assert isinstance(contents[0], BlobResourceContents) and contents[0].mime_type == DOCX_MIME
    assert base64.b64decode(contents[0].blob) == path.read_bytes()
    docx.Document(io.BytesIO(base64.b64decode(contents[0].blob)))


async def test_html_export_has_inline_charts_and_escapes_user_text(ws: Client) -> None:
    metrics = [*load_sample("b2b_mvp")["metrics"], {"name": XSS, "target": "≥1", "actual": 2}]
    review_id = await stored_sample(ws, goals=[XSS], metrics=metrics)
    result = await ws.call_tool("export_report", {"review_id": review_id, "format": "html", "filename": "sub/b2b"})
    exported = data(result)
    page = Path(exported["path"]).read_text(encoding="utf-8")
    assert page.count("<svg") >= 2 and 'class="chart-svg"' in page and '<figure class="chart">' in page
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "@media print" in page and "Noto Sans CJK SC" in page
    assert "http://www.w3.org/2000/svg" in page and "https://" not in page.replace("https://github.com", "")

    link = link_of(result)
    assert link.uri == "fupan://exports/sub/b2b.html" and link.mime_type == "text/html"
    contents = (await ws.read_resource(link.uri)).contents
    assert isinstance(contents[0], TextResourceContents) and contents[0].text == page


async def test_markdown_export_keeps_mermaid_and_is_served(ws: Client) -> None:
    review_id = await stored_sample(ws)
    result = await ws.call_tool("export_report", {"review_id": review_id, "format": "markdown", "filename": "复盘"})
    exported = data(result)
    assert Path(exported["path"]).name == "复盘.md" and exported["uri"] == "fupan://exports/%E5%A4%8D%E7%9B%98.md"
    contents = (await ws.read_resource(exported["uri"])).contents
    assert isinstance(contents[0], TextResourceContents) and contents[0].mime_type == "text/markdown"
    assert "```mermaid" in contents[0].text and "<svg" not in contents[0].text


async def test_exports_resource_refuses_missing_and_escaping_files(ws: Client) -> None:
    for uri in ("fupan://exports/nothing.html", "fupan://exports/../reviews.db.md"):
        with pytest.raises(MCPError):  # not found, or refused by the template's path check
            await ws.read_resource(uri)


async def test_pdf_is_not_a_format(ws: Client) -> None:
    review_id = await stored_sample(ws)
    refused = await ws.call_tool("export_report", {"review_id": review_id, "format": "pdf"})
    assert "format" in error_text(refused)


async def test_docx_without_python_docx_says_how_to_install(ws: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    review_id = await stored_sample(ws)
    monkeypatch.setitem(sys.modules, "docx", None)  # importlib.util.find_spec now reports it missing
    refused = await ws.call_tool("export_report", {"review_id": review_id, "format": "docx"})
    assert "pip install 'fupan-mcp[export]'" in error_text(refused)


async def test_html_export_without_matplotlib_still_has_its_charts(ws: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """The HTML charts are our own SVG: the optional matplotlib is only for Word's pictures."""
    review_id = await stored_sample(ws)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    exported = data(await ws.call_tool("export_report", {"review_id": review_id, "format": "html"}))
    page = Path(exported["path"]).read_text(encoding="utf-8")
    assert page.count('<figure class="chart">') == 2 and "成果评估" in page and "matplotlib" not in page
