"""Reviews that last, through a real MCP client: create, save tool runs, follow up actions, search."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import TextContent, TextResourceContents

from fupan_mcp.app import Settings, create_server

pytestmark = pytest.mark.anyio


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


TOMORROW = (dt.date.today() + dt.timedelta(days=30)).isoformat()
LAST_MONTH = (dt.date.today() - dt.timedelta(days=30)).isoformat()


async def create(client: Client, **extra: Any) -> dict[str, Any]:
    created = data(await client.call_tool("create_review", {"project": "B2B 协作工具", **extra}))
    assert isinstance(created, dict)
    return created


async def test_tool_runs_are_saved_into_the_review(ws: Client) -> None:
    review_id = (await create(ws, title="MVP 复盘", review_date=dt.date.today().isoformat()))["review"]["id"]
    metrics = [{"name": "注册数", "target": "≥2,000", "actual": "2,842"}]
    data(await ws.call_tool("compute_attainment", {"metrics": metrics, "review_id": review_id}))
    data(
        await ws.call_tool(
            "five_whys",
            {
                "problem": "评论使用占比仅 15%",
                "whys": ["提醒不足", "通知策略缺失", "没有移动端"],
                "review_id": review_id,
            },
        )
    )
    record = data(await ws.call_tool("get_review", {"review_id": review_id}))
    assert record["sections"]["metrics"][0]["name"] == "注册数"
    assert record["sections"]["results.compute_attainment"]["metrics"][0]["status"] == "achieved"
    assert record["sections"]["five_whys"][0]["problem"] == "评论使用占比仅 15%"
    assert any(lesson["kind"] == "root_cause" for lesson in record["lessons"])

    rendered = data(await ws.call_tool("render_report", {"review_id": review_id}))
    assert "注册数" in rendered["content"]


async def test_a_bad_review_id_is_a_clear_error_and_nothing_is_lost(ws: Client) -> None:
    result = await ws.call_tool(
        "compute_attainment", {"metrics": [{"name": "x", "target": ">=1", "actual": 2}], "review_id": "R-nope"}
    )
    assert "review_id" in error_text(result) and "R-nope" in error_text(result)
    for tool, args in (
        ("get_review", {"review_id": "R-nope"}),
        ("delete_review", {"review_id": "R-nope"}),
        ("update_action", {"action_id": "A-nope", "status": "done", "evidence": "x"}),
    ):
        assert "nope" in error_text(await ws.call_tool(tool, args))
    bad_filter = await ws.call_tool("list_actions", {"status": ["finished"]})
    assert "status" in error_text(bad_filter)


async def test_actions_are_tracked_and_followed_up_in_the_next_review(ws: Client) -> None:
    first = await create(
        ws,
        review_date=LAST_MONTH,
        review={
            "project": "ignored",
            "actions": [
                {"action": "上线通知中心", "owner": "后端负责人", "due": LAST_MONTH, "priority": "P1"},
                {"action": "统一 DAU 口径", "owner": "数据负责人", "due": TOMORROW, "priority": "P2"},
            ],
        },
    )
    actions = data(await ws.call_tool("list_actions", {"project": "B2B 协作工具"}))["actions"]
    assert len(actions) == 2
    overdue = data(await ws.call_tool("list_actions", {"overdue": True}))["actions"]
    assert [a["action"] for a in overdue] == ["上线通知中心"]

    refused = await ws.call_tool("update_action", {"action_id": overdue[0]["id"], "status": "done"})
    assert "evidence" in error_text(refused)
    done = data(
        await ws.call_tool(
            "update_action", {"action_id": overdue[0]["id"], "status": "done", "evidence": "通知中心已全量"}
        )
    )
    assert done["status"] == "done"

    second = await create(ws, title="第二期复盘")
    assert [a["action"] for a in second["earlier_open_actions"]] == ["统一 DAU 口径"]
    report = data(await ws.call_tool("render_report", {"review_id": second["review"]["id"]}))["content"]
    assert "统一 DAU 口径" in report
    assert first["review"]["id"] != second["review"]["id"]


async def test_lessons_are_searchable_in_chinese(ws: Client) -> None:
    await create(
        ws, review={"project": "x", "lessons": ["权限细粒度要在设计阶段确定"], "problems": ["跨项目汇总视图缺失"]}
    )
    await create(ws, review={"project": "y", "lessons": ["灰度发布配合回滚预案"]}, project_type="技术研发与实施")
    hits = data(await ws.call_tool("search_lessons", {"query": "权限"}))["hits"]
    assert hits and hits[0]["text"].startswith("权限细粒度")
    assert hits[0]["project"] == "B2B 协作工具"
    listed = data(await ws.call_tool("list_reviews", {"project_type": "技术研发与实施"}))["reviews"]
    assert len(listed) == 1


async def test_update_review_validates_before_saving(ws: Client) -> None:
    review_id = (await create(ws))["review"]["id"]
    bad = await ws.call_tool("update_review", {"review_id": review_id, "sections": {"metrics": [{"target": ">1"}]}})
    assert "metrics" in error_text(bad)
    unknown = await ws.call_tool("update_review", {"review_id": review_id, "sections": {"colour": "red"}})
    assert "colour" in error_text(unknown)
    ok = data(await ws.call_tool("update_review", {"review_id": review_id, "sections": {"lessons": ["先定口径"]}}))
    assert ok["sections"]["lessons"] == ["先定口径"]


async def test_resources_list_and_read_stored_reviews(ws: Client) -> None:
    review_id = (await create(ws, review={"project": "x", "goals": ["验证核心价值"]}))["review"]["id"]
    index = await ws.read_resource("fupan://reviews")
    first = index.contents[0]
    assert isinstance(first, TextResourceContents)
    assert json.loads(first.text)[0]["uri"] == f"fupan://reviews/{review_id}"
    report = (await ws.read_resource(f"fupan://reviews/{review_id}/report")).contents[0]
    assert isinstance(report, TextResourceContents) and "验证核心价值" in report.text
    with pytest.raises(MCPError):
        await ws.read_resource("fupan://reviews/R-missing")


async def test_export_writes_inside_the_output_directory_only(ws: Client, tmp_path: Path) -> None:
    review_id = (await create(ws, review={"project": "x", "goals": ["<script>alert(1)</script>"]}))["review"]["id"]
    exported = data(await ws.call_tool("export_report", {"review_id": review_id, "filename": "mvp"}))
    path = Path(exported["path"])
    assert path.parent == (tmp_path / "out").resolve() and path.name == "mvp.html"
    assert "<script>alert(1)</script>" not in path.read_text(encoding="utf-8")
    for name in ("../escape", "/etc/passwd", "a/../../b"):
        refused = await ws.call_tool("export_report", {"review_id": review_id, "filename": name})
        assert "filename" in error_text(refused)
    assert not (tmp_path / "escape.html").exists()


async def test_delete_removes_the_review(ws: Client) -> None:
    review_id = (await create(ws))["review"]["id"]
    assert data(await ws.call_tool("delete_review", {"review_id": review_id}))["deleted"]
    assert "R-" in error_text(await ws.call_tool("get_review", {"review_id": review_id}))


async def test_update_review_reads_sections_under_postmortem_names(ws: Client) -> None:
    """{'lessons_learned', 'what_went_wrong'} as create_review reads them (they were 'not a review section')."""
    review_id = (await create(ws, review_date="2024-11-20"))["review"]["id"]
    sections = {"lessons_learned": ["配置变更必须灰度"], "what_went_wrong": ["回滚脚本缺少权限"]}
    updated = data(await ws.call_tool("update_review", {"review_id": review_id, "sections": sections}))
    assert updated["section_names"] == ["lessons", "went_wrong"]
    assert updated["sections"]["lessons"] == ["配置变更必须灰度"]


async def test_an_unknown_section_is_named_in_both_languages(ws: Client) -> None:
    review_id = (await create(ws, review_date="2024-11-20"))["review"]["id"]
    result = await ws.call_tool("update_review", {"review_id": review_id, "sections": {"lesons": ["x"]}})
    text = error_text(result)
    assert "sections.lesons" in text and "不是复盘的章节" in text and "not a review section" in text


async def test_a_done_action_without_evidence_is_refused_in_both_languages(ws: Client) -> None:
    review = {"actions": [{"action": "补齐压测脚本", "status": "done"}]}
    result = await ws.call_tool("create_review", {"project": "P", "review_date": "2024-11-20", "review": review})
    text = error_text(result)
    assert "actions[0].evidence" in text and "什么能证明已完成" in text and "what shows it is done" in text
