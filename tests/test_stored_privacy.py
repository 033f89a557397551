"""Personal data in a stored review never reaches a reader unmasked (issue 13): every path out."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import TextResourceContents

from fupan_mcp.app import Settings, create_server
from store_backends import BACKENDS, open_backend

pytestmark = pytest.mark.anyio

PHONE = "13800138000"
EMAIL = "zhangwei@example.com"
RESIDENT_ID = "11010519491231002X"  # check digit computed by GB 11643: 1101051949123100 2 -> X
NAME = "张伟"
RAW_VALUES = (PHONE, EMAIL, RESIDENT_ID, NAME)


def _review() -> dict[str, Any]:
    return {
        "roster": [{"name": NAME, "role": "前端负责人"}],
        "project": f"{NAME}的权限项目",
        "overview": {"background": f"项目由{NAME}牵头,联系电话{PHONE}。"},
        "lessons": [f"上线前请{NAME}({EMAIL})确认权限配置"],
        "problems": [f"权限配置错误,身份证号{RESIDENT_ID}被写进日志"],
        "metrics": [{"name": f"{NAME}负责的转化率", "target": ">=3%", "actual": "3.2%", "unit": f"{NAME}口径%"}],
        "kpi_tree": {"nodes": [{"id": f"{NAME}_gmv", "name": f"{NAME} GMV", "actual": 10}]},
        "actions": [{"action": f"补充权限检查,联系{PHONE}", "owner": NAME, "due": "2025-08-01"}],
        "timeline": [{"at": "2025-07-03 10:00", "text": f"{NAME}发现权限告警,邮件{EMAIL}"}],
    }


async def _create(client: Client) -> str:
    result = await client.call_tool(
        "create_review",
        {"project": f"{NAME}的权限项目", "review_date": "2025-07-10", "review": _review()},
    )
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return str(result.structured_content["review"]["id"])


def _leaks(payload: Any) -> list[str]:
    text = json.dumps(payload, ensure_ascii=False)
    return [value for value in RAW_VALUES if value in text]


async def _resource(client: Client, uri: str) -> str:
    read = await client.read_resource(uri)
    content = read.contents[0]
    assert isinstance(content, TextResourceContents)
    return content.text


async def test_get_review_is_masked_in_every_field_and_raw_on_request(client: Client) -> None:
    review_id = await _create(client)
    masked = await client.call_tool("get_review", {"review_id": review_id})
    assert not masked.is_error
    data = masked.structured_content
    assert data is not None
    assert _leaks(data) == []
    sections = data["sections"]
    assert "138****8000" in sections["overview"]["background"]
    assert "前端负责人" in sections["overview"]["background"]
    assert sections["kpi_tree"]["nodes"][0]["id"] == "前端负责人_gmv"
    assert sections["metrics"][0]["unit"] == "前端负责人口径%"
    assert "z***@example.com" in sections["timeline"][0]["text"]
    assert data["actions"][0]["owner"] == "前端负责人"
    assert data["project"] == "前端负责人的权限项目"
    assert "110105********002X" in sections["problems"][0]
    assert all(value not in str(masked.content) for value in RAW_VALUES)

    raw = await client.call_tool("get_review", {"review_id": review_id, "raw": True})
    assert raw.structured_content is not None
    assert set(_leaks(raw.structured_content)) == set(RAW_VALUES)


async def test_list_reviews_and_search_lessons_are_masked_unless_raw(client: Client) -> None:
    await _create(client)
    listed = await client.call_tool("list_reviews", {})
    assert listed.structured_content is not None
    assert listed.structured_content["reviews"][0]["project"] == "前端负责人的权限项目"
    assert _leaks(listed.structured_content) == []
    raw_list = await client.call_tool("list_reviews", {"raw": True})
    assert raw_list.structured_content is not None
    assert raw_list.structured_content["reviews"][0]["project"] == f"{NAME}的权限项目"

    found = await client.call_tool("search_lessons", {"query": "权限"})
    assert found.structured_content is not None
    hits = found.structured_content["hits"]
    assert {hit["kind"] for hit in hits} >= {"lesson", "problem"}
    assert _leaks(hits) == []
    assert all(value not in str(found.content) for value in RAW_VALUES)
    raw_found = await client.call_tool("search_lessons", {"query": "权限", "raw": True})
    assert raw_found.structured_content is not None
    assert set(_leaks(raw_found.structured_content["hits"])) >= {EMAIL, RESIDENT_ID, NAME}


async def test_list_actions_is_masked_unless_raw(client: Client) -> None:
    await _create(client)
    listed = await client.call_tool("list_actions", {})
    assert listed.structured_content is not None
    action = listed.structured_content["actions"][0]
    assert (action["owner"], action["action"]) == ("前端负责人", "补充权限检查,联系138****8000")
    assert _leaks(listed.structured_content) == []
    by_label = await client.call_tool("list_actions", {"owner": "前端负责人"})  # the owner as a reader sees it
    assert by_label.structured_content is not None
    assert [a["owner"] for a in by_label.structured_content["actions"]] == ["前端负责人"]
    raw = await client.call_tool("list_actions", {"raw": True})
    assert raw.structured_content is not None
    assert raw.structured_content["actions"][0]["owner"] == NAME


async def test_review_resources_and_exports_are_masked(client: Client) -> None:
    review_id = await _create(client)
    for uri in ("fupan://reviews", f"fupan://reviews/{review_id}", f"fupan://reviews/{review_id}/report"):
        text = await _resource(client, uri)
        assert [value for value in RAW_VALUES if value in text] == [], uri
        assert "前端负责人" in text, uri
    exported = await client.call_tool("export_report", {"review_id": review_id, "format": "markdown"})
    assert not exported.is_error, exported.content
    assert exported.structured_content is not None
    uri = exported.structured_content["uri"]
    text = await _resource(client, uri)
    assert [value for value in RAW_VALUES if value in text] == []
    assert "138****8000" in text


async def test_mask_at_ingest_stores_no_personal_data(tmp_path: Path) -> None:
    db = tmp_path / "masked.db"
    server = create_server(Settings(db=str(db), output_dir=tmp_path / "exports", mask_at_ingest=True))
    async with Client(server) as client:
        review_id = await _create(client)
        raw = await client.call_tool("get_review", {"review_id": review_id, "raw": True})
        assert raw.structured_content is not None
        assert _leaks(raw.structured_content) == []
        assert raw.structured_content["actions"][0]["owner"] == "前端负责人"
        updated = await client.call_tool(
            "update_review", {"review_id": review_id, "sections": {"lessons": [f"发布前联系值班 {PHONE}"]}}
        )
        assert not updated.is_error, updated.content
        moved = await client.call_tool(
            "update_action",
            {"action_id": raw.structured_content["actions"][0]["id"], "status": "done", "evidence": f"见{EMAIL}"},
        )
        assert not moved.is_error, moved.content
    with sqlite3.connect(db) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        dump = "\n".join(repr(row) for table in tables for row in connection.execute(f'SELECT * FROM "{table}"'))
    assert [value for value in RAW_VALUES if value in dump] == []
    assert "138****8000" in dump
    assert "z***@example.com" in dump


def test_mask_at_ingest_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUPAN_MCP_MASK_AT_INGEST", "1")
    assert Settings().mask_at_ingest
    monkeypatch.delenv("FUPAN_MCP_MASK_AT_INGEST")
    assert not Settings().mask_at_ingest


async def test_a_root_cause_that_blames_a_person_is_marked_and_ranked_last(client: Client) -> None:
    review = {
        "project": "权限治理",
        "roster": [{"name": NAME, "role": "运维"}],
        "five_whys": [
            {
                "problem": "权限配置错误导致下单失败",
                "whys": ["发布时权限配置被覆盖", "覆盖前没有校验"],
                "root_cause": [f"{NAME}粗心忘记检查权限配置", "权限配置的发布流程缺少自动校验"],
            }
        ],
    }
    created = await client.call_tool("create_review", {"project": "权限治理", "review": review})
    assert not created.is_error, created.content
    found = await client.call_tool("search_lessons", {"query": "权限配置", "kinds": ["root_cause"]})
    assert found.structured_content is not None
    hits = found.structured_content["hits"]
    assert [hit["blames_person"] for hit in hits] == [False, True]
    assert hits[0]["text"] == "权限配置的发布流程缺少自动校验"
    assert hits[1]["text"] == "运维粗心忘记检查权限配置"


async def test_delete_review_leaves_nothing_behind_in_any_table(tmp_path: Path) -> None:
    db = tmp_path / "deleted.db"
    server = create_server(Settings(db=str(db), output_dir=tmp_path / "exports"))
    doomed_review = {
        "project": "zebra",
        "lessons": ["zebracrossing lesson about 权限配置"],
        "problems": ["zebracrossing problem"],
        "actions": [{"action": "zebracrossing follow-up", "owner": "ops", "due": "2025-08-01"}],
    }
    kept_review = {"project": "okapi", "lessons": ["okapiforest lesson"]}
    async with Client(server) as client:
        doomed = await client.call_tool(
            "create_review", {"project": "zebra", "review": doomed_review, "idempotency_key": "k-zebra"}
        )
        kept = await client.call_tool("create_review", {"project": "okapi", "review": kept_review})
        assert doomed.structured_content is not None and kept.structured_content is not None
        doomed_id = doomed.structured_content["review"]["id"]
        kept_id = kept.structured_content["review"]["id"]
        deleted = await client.call_tool("delete_review", {"review_id": doomed_id})
        assert not deleted.is_error, deleted.content
        found = await client.call_tool("search_lessons", {"query": "zebracrossing"})
        assert found.structured_content is not None
        assert found.structured_content["hits"] == []
    with sqlite3.connect(db) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        with_review_id = [
            table
            for table in tables
            if "review_id" in [column[1] for column in connection.execute(f'PRAGMA table_info("{table}")')]
        ]
        assert {"review_sections", "actions", "lessons", "review_keys"} <= set(with_review_id)
        left = {
            table: connection.execute(f'SELECT count(*) FROM "{table}" WHERE review_id = ?', (doomed_id,)).fetchone()[0]
            for table in with_review_id
        }
        assert left == dict.fromkeys(with_review_id, 0)
        assert connection.execute("SELECT count(*) FROM reviews WHERE id = ?", (doomed_id,)).fetchone()[0] == 0
        kept_rows = connection.execute("SELECT count(*) FROM lessons WHERE review_id = ?", (kept_id,)).fetchone()[0]
        assert kept_rows == 1
        # The full-text index: the deleted review's word is gone from it, the kept one's still found.
        match = "SELECT count(*) FROM lesson_fts WHERE lesson_fts MATCH ?"
        assert connection.execute(match, ('"zebracrossing"',)).fetchone()[0] == 0
        assert connection.execute(match, ('"okapiforest"',)).fetchone()[0] == 1
        connection.execute("INSERT INTO lesson_fts (lesson_fts) VALUES ('integrity-check')")
        dump = "\n".join(
            repr(row)
            for table in tables
            if not table.startswith("lesson_fts")
            for row in connection.execute(f'SELECT * FROM "{table}"')
        )
    assert "zebracrossing" not in dump
    assert "k-zebra" not in dump


async def test_a_stored_review_masks_the_forms_people_write_and_keeps_its_figures(client: Client) -> None:
    """The store's reader masks what the detector finds (a colleague's 张工, a London number, a landline
    with its extension, a passport) and leaves the review's figures as written: a mask over an amount,
    an order number or a timestamp would be a misread."""
    people = "张工确认后回滚;London +44 20 7946 0958;座机 010-62345678 转 8001;护照号 G1234567"
    figures = "营收 13800138000 元,订单号 4012888888881881,上线时间 20240310143000,PV 15012345678"
    review = {
        "roster": [{"name": NAME, "role": "前端负责人"}],
        "overview": {"background": people},
        "problems": [figures],
        "metrics": [{"name": "GMV", "target": f"{NAME}口径 15012345678", "actual": "13912345678", "unit": "元"}],
    }
    created = await client.call_tool(
        "create_review", {"project": "支付网关", "review_date": "2025-07-10", "review": review}
    )
    assert not created.is_error, created.content
    assert created.structured_content is not None
    review_id = created.structured_content["review"]["id"]
    got = await client.call_tool("get_review", {"review_id": review_id})
    assert got.structured_content is not None
    sections = got.structured_content["sections"]
    assert sections["overview"]["background"] == (
        "前端负责人确认后回滚;London +44 ** **** 0958;座机 010-****5678 转 ****;护照号 G****4567"
    )
    assert sections["problems"] == [figures]
    metric = sections["metrics"][0]
    assert (metric["target"], metric["actual"]) == ("前端负责人口径 15012345678", "13912345678")


async def test_review_insights_and_its_resource_are_masked_unless_raw(client: Client) -> None:
    """Insight across reviews shows owners, action texts and recurring problems and lessons: each is a
    path out. Three reviews with the same problem, lesson and action make every list non-empty."""
    for date in ("2025-05-10", "2025-06-10", "2025-07-10"):
        result = await client.call_tool(
            "create_review", {"project": f"{NAME}的权限项目", "review_date": date, "review": _review()}
        )
        assert not result.is_error, result.content
    masked = await client.call_tool("review_insights", {})
    assert not masked.is_error, masked.content
    data = masked.structured_content
    assert data is not None
    assert [row["key"] for row in data["by_owner"]] == ["前端负责人"]
    assert data["carried_over"][0]["action"] == "补充权限检查,联系138****8000"
    kinds = {group["kind"] for group in data["recurring"]}
    assert {"problem", "lesson"} <= kinds
    assert _leaks(data) == []
    assert all(value not in str(masked.content) for value in RAW_VALUES)
    assert data["by_owner"][0]["total"] == 3 and data["follow_through"]["total"] == 3  # figures unchanged
    text = await _resource(client, "fupan://insights")
    assert [value for value in RAW_VALUES if value in text] == []
    assert "前端负责人" in text

    # the label a reader sees filters by the person behind it (it found nothing: no owner is stored so)
    by_label = await client.call_tool("review_insights", {"owner": "前端负责人"})
    assert by_label.structured_content is not None
    assert by_label.structured_content["follow_through"]["total"] == 3
    assert [row["key"] for row in by_label.structured_content["by_owner"]] == ["前端负责人"]
    nobody = await client.call_tool("review_insights", {"owner": "后端负责人"})
    assert nobody.structured_content is not None and nobody.structured_content["follow_through"]["total"] == 0

    raw = await client.call_tool("review_insights", {"raw": True})
    assert raw.structured_content is not None
    assert [row["key"] for row in raw.structured_content["by_owner"]] == [NAME]
    assert {PHONE, NAME, EMAIL} <= set(_leaks(raw.structured_content))


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_team_roster_holds_every_review_s_entries_earliest_first(
    backend: str, request: pytest.FixtureRequest
) -> None:
    """What masks review_insights: each review's roster, on SQLite and PostgreSQL, in review order."""
    from fupan_mcp.analysis.stored_masking import team_roster

    with open_backend(backend, request.config) as store:
        store.create_review("甲", "二", None, "2025-06-01", sections={"roster": [{"name": "李娜", "role": "测试"}]})
        first = {"roster": [{"name": NAME, "role": "前端"}, "王强"]}
        store.create_review("甲", "一", None, "2025-05-01", sections=first)
        store.create_review("乙", "三", None, "2025-07-01", sections={"roster": [{"name": NAME, "role": "后端"}]})
        store.create_review("乙", "四", None, "2025-08-01", sections={"lessons": ["无名单"]})
        entries = store.team_roster()
        assert [entry["name"] for entry in entries] == [NAME, "王强", "李娜", NAME]
        people = team_roster(entries)
        assert [(person.name, person.role) for person in people] == [(NAME, "前端"), ("王强", None), ("李娜", "测试")]
