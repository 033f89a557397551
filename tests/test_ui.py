"""The MCP Apps view: the ui:// resource, the tools bound to it, the capability, the view's data."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from mcp.client import advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from mcp.types import ImageContent, TextContent, TextResourceContents

from fupan_mcp import ui
from fupan_mcp.app import create_server
from fupan_mcp.report.render import build_report
from fupan_mcp.samples import load_sample

pytestmark = pytest.mark.anyio

BOUND = {
    "render_report",
    "compute_attainment",
    "build_kpi_tree",
    "five_whys",
    "swot",
    "check_actions",
    "review_insights",
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
METRICS = [{"name": "注册数", "target": "≥2,000", "actual": "2,842"}, {"name": "DAU", "target": "≥300"}]


@pytest.fixture
async def apps_client() -> AsyncIterator[Client]:
    """A client on the modern era that declares MCP Apps support (with the app MIME type)."""
    extension = advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})
    async with Client(create_server(), extensions=[extension]) as connected:
        yield connected


async def test_the_view_is_listed_as_an_mcp_app(client: Client) -> None:
    listed = {str(resource.uri): resource for resource in (await client.list_resources()).resources}
    view = listed[ui.RESOURCE_URI]
    assert view.mime_type == APP_MIME_TYPE == "text/html;profile=mcp-app"
    contents = (await client.read_resource(ui.RESOURCE_URI)).contents
    assert isinstance(contents[0], TextResourceContents) and contents[0].mime_type == APP_MIME_TYPE
    page = contents[0].text
    assert page.startswith("<!DOCTYPE html>") and "ui/initialize" in page and "ui/notifications/tool-result" in page
    assert contents[0].meta is not None and contents[0].meta["ui"]["prefersBorder"] is True


async def test_the_analysis_tools_and_the_report_point_at_the_view(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    for name, tool in tools.items():
        meta = tool.meta or {}
        if name in BOUND:
            assert meta["ui"] == {"resourceUri": ui.RESOURCE_URI}, name
        else:
            assert "ui" not in meta, name


async def test_an_apps_client_sees_the_capability_on_the_modern_era(apps_client: Client) -> None:
    assert not apps_client.protocol_version.startswith("2025")
    extensions = apps_client.server_capabilities.extensions or {}
    assert EXTENSION_ID in extensions


async def test_render_report_carries_the_view_data_only_for_apps_clients(client: Client, apps_client: Client) -> None:
    arguments = {"review": load_sample("b2b_mvp"), "depth": "standard"}
    plain = await client.call_tool("render_report", arguments)
    rich = await apps_client.call_tool("render_report", arguments)
    assert not plain.is_error and not rich.is_error
    assert plain.structured_content == rich.structured_content
    assert [type(block) for block in plain.content] == [TextContent]  # standard depth: no images
    assert ui.VIEW_META_KEY not in (plain.meta or {})
    view = (rich.meta or {})[ui.VIEW_META_KEY]
    assert view["kind"] == "review" and view["title"] == rich.structured_content["title"]
    assert [m["name"] for m in view["attainment"]["metrics"]][:2] == ["注册用户数", "DAU"]
    assert "markdown" not in view["attainment"] and "mermaid" not in view["swot"]
    assert {action["id"] for action in view["actions"]} >= {"B2B-A1", "B2B-A7"}
    assert all("王小明" not in json.dumps(action, ensure_ascii=False) for action in view["actions"])  # masked


async def test_render_report_full_adds_chart_images_after_the_text(client: Client) -> None:
    pytest.importorskip("matplotlib", reason="chart images need the optional 'export' extra")
    result = await client.call_tool("render_report", {"review": load_sample("b2b_mvp"), "depth": "full"})
    assert isinstance(result.content[0], TextContent) and result.content[0].text == result.structured_content["content"]
    images = [block for block in result.content if isinstance(block, ImageContent)]
    assert len(images) == 2 and all(image.mime_type == "image/png" for image in images)
    assert all(base64.b64decode(image.data).startswith(PNG_SIGNATURE) for image in images)


async def test_compute_attainment_adds_a_chart_image_on_request(client: Client) -> None:
    pytest.importorskip("matplotlib", reason="chart images need the optional 'export' extra")
    plain = await client.call_tool("compute_attainment", {"metrics": METRICS})
    assert [type(block) for block in plain.content] == [TextContent]
    result = await client.call_tool("compute_attainment", {"metrics": METRICS, "chart": True})
    first, *rest = result.content
    assert isinstance(first, TextContent) and first.text.startswith("### 成果评估\n")
    assert "markdown" not in (result.structured_content or {})
    assert len(rest) == 1 and isinstance(rest[0], ImageContent)
    assert base64.b64decode(rest[0].data).startswith(PNG_SIGNATURE)


async def test_without_matplotlib_the_results_are_text_only(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = await client.call_tool("compute_attainment", {"metrics": METRICS, "chart": True})
    assert not result.is_error and [type(block) for block in result.content] == [TextContent]


def test_review_view_marks_overdue_actions_as_of_the_review_date() -> None:
    built = build_report(load_sample("b2b_mvp"), "full")
    view = ui.review_view(built, dt.date(2025, 7, 5))  # a month later: still nothing late as of the review
    assert not any(action["overdue"] for action in view["actions"])
    assert (view["as_of"], view["as_of_source"]) == ("2025-06-05", "review_date")
    undated = {key: value for key, value in load_sample("b2b_mvp").items() if key != "review_date"}
    fallback = build_report(undated, "full", today=dt.date(2025, 7, 5))
    view = ui.review_view(fallback, dt.date(2025, 7, 5))
    overdue = {action["id"] for action in view["actions"] if action["overdue"]}
    assert overdue == {"B2B-A2", "B2B-A3", "B2B-A6", "B2B-A8"}  # due 07-03, 07-03, 06-26, 07-03
    assert (view["as_of"], view["as_of_source"]) == ("2025-07-05", "today")
    assert not any(action["overdue"] for action in ui.review_view(build_report(undated, "full"))["actions"])
    json.dumps(view)  # plain JSON


def test_standalone_page_embeds_data_without_breaking_out() -> None:
    page = ui.standalone_html({"title": "</script><script>alert(1)</script>", "language": "en"})
    block = re.search(r'<script type="application/json" id="fupan-data">(.*?)</script>', page, re.S)
    assert block is not None
    assert json.loads(block.group(1))["title"] == "</script><script>alert(1)</script>"
    assert "<script>alert(1)" not in page


def test_the_page_is_self_contained_and_writes_user_text_as_text() -> None:
    page = ui.html()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert "@import" not in page and "url(" not in page
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in page, sink
    assert page.count("<!-- fupan-data -->") == 1


def _tool_result_for_view(result: Any) -> dict[str, Any]:
    """What a host posts in ui/notifications/tool-result: the CallToolResult as JSON."""
    return dict(result.model_dump(mode="json", by_alias=True, exclude_none=True))


async def test_tool_results_are_json_a_host_can_post(apps_client: Client) -> None:
    result = await apps_client.call_tool("compute_attainment", {"metrics": METRICS})
    posted = _tool_result_for_view(result)
    assert posted["structuredContent"]["metrics"][0]["name"] == "注册数"
    json.dumps(posted)


def test_start_up_imports_nothing_of_the_export_stack() -> None:
    """matplotlib, python-docx (and numpy, Pillow under them) load only when a chart or a .docx is made."""
    import subprocess

    code = (
        "import sys, anyio, fupan_mcp.app as app\n"
        "server = app.create_server()\n"
        "anyio.run(server.list_tools)\n"
        "heavy = {'matplotlib', 'docx', 'numpy', 'PIL', 'lxml'}\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]"
