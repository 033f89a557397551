"""The surface a model meets, through a real MCP client (in process, both protocol eras): argument
errors it can fix, dates as people write them, one bad item reported alone, a prompt that acts on its
parameters, progress and logs, completions, team modes, and a demo that runs twice."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import LoggingMessageNotificationParams, PromptReference, ResourceTemplateReference, TextContent

from fupan_mcp.app import Settings, create_server
from fupan_mcp.cli import main as cli_main
from fupan_mcp.limits import MAX_METRICS
from fupan_mcp.samples import load_sample

pytestmark = pytest.mark.anyio

LEAKS = re.compile(r"pydantic|https?://|Traceback|\.py\b|For further information|validation error", re.I)
"""What an argument error must never carry: the library's name or URL, a traceback, a source file."""


def text(result: Any) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def prompt_text(result: Any) -> str:
    body = result.messages[0].content
    assert isinstance(body, TextContent)
    return body.text


# --- 1. errors a model can fix ------------------------------------------------------------------


async def test_a_schema_error_names_the_field_and_the_fix_in_chinese_by_default(client: Client) -> None:
    """One metric of a wrong type is set aside alone (the other two are computed), in the same words."""
    metrics = [{"name": "a", "target": ">=1", "actual": 1}, {"name": "b", "target": ">=1", "actual": 2}]
    metrics.append({"name": "c", "target": ">=1", "actual": [3]})
    result = await client.call_tool("compute_attainment", {"metrics": metrics})
    assert not result.is_error, result.content
    assert result.structured_content is not None
    assert [m["index"] for m in result.structured_content["metrics"]] == [0, 1]
    [error] = result.structured_content["errors"]
    message = error["message"]
    assert error["path"] == "metrics[2].actual" and "metrics[2].actual" in message
    assert "应为数字或文本" in message and "28.6" in message and "收到 [3]" in message
    assert not LEAKS.search(message), message
    assert message in text(result)


async def test_a_schema_error_follows_the_language_argument(client: Client) -> None:
    result = await client.call_tool(
        "check_actions", {"actions": [{"action": "add an alert", "owner": "SRE"}, {"owner": "x"}], "language": "en"}
    )
    assert not result.is_error, result.content  # the bad action is set aside, the other checked
    assert result.structured_content is not None
    [entry] = result.structured_content["set_aside"]
    assert "actions[1].action: required, but not given." in entry["message"]
    refused = await client.call_tool("check_actions", {"actions": [{"owner": "x"}], "language": "en"})
    assert refused.is_error  # nothing left to check: refused as before
    message = text(refused)
    assert "- actions[0].action: required, but not given." in message
    assert "Invalid arguments to check_actions (1)" in message
    assert not LEAKS.search(message), message


async def test_an_unknown_field_lists_the_fields_allowed_there(client: Client) -> None:
    result = await client.call_tool("compute_attainment", {"metrics": [{"name": "a", "target": "≥1", "actuall": 1}]})
    message = text(result)
    assert "metrics[0].actuall" in message and "可用字段" in message and "actual" in message.split("可用字段")[1]


@pytest.mark.parametrize(
    ("tool", "arguments", "path", "words"),
    [
        (
            "compute_attainment",
            {"metrics": [{"name": "x" * 5000, "target": "1", "actual": 1}]},
            "metrics[0].name",
            "最多",
        ),
        ("compute_attainment", {"metrics": [{"name": "m", "actual": 1}] * (MAX_METRICS + 1)}, "metrics", "请分批"),
        ("list_reviews", {"limit": "many"}, "limit", "应为整数"),
        ("list_reviews", {"limit": 0}, "limit", "应不小于 1"),
        ("check_actions", {"actions": [{"action": "a", "priority": 3}]}, "actions[0].priority", "'P0'"),
        ("check_actions", {"actions": [{"action": "a"}], "review_date": "someday"}, "review_date", "无法识别为日期"),
        ("create_review", {"project": "p", "review_date": "2025-02-30"}, "review_date", "日历上"),
        ("five_whys", {"problem": "p", "whys": "not a list"}, "whys", "应为列表"),
    ],
)
async def test_every_kind_of_schema_error_is_explained(
    client: Client, tool: str, arguments: dict[str, Any], path: str, words: str
) -> None:
    result = await client.call_tool(tool, arguments)
    assert result.is_error
    message = text(result)
    assert f"- {path}：" in message and words in message, message
    assert not LEAKS.search(message), message


async def test_an_error_inside_the_review_document_names_its_path(client: Client) -> None:
    review = {"project": "p", "swot": {"strengths": ["s"], "weakness": ["w"]}}
    result = await client.call_tool("create_review", {"project": "p", "review": review, "language": "en"})
    assert result.is_error
    message = text(result)
    assert "review.swot.weakness: not a field here" in message and "weaknesses" in message
    assert not LEAKS.search(message), message


async def test_a_missing_prompt_argument_is_invalid_params_naming_it(client: Client) -> None:
    with pytest.raises(MCPError) as raised:
        await client.get_prompt("project_review", {"language": "en", "project_info": "  "})
    assert raised.value.error.code == -32602
    assert "project_info" in raised.value.error.message and "Internal" not in raised.value.error.message
    with pytest.raises(MCPError) as bad_language:
        await client.get_prompt("project_review", {"project_info": "CRM", "language": "fr"})
    assert bad_language.value.error.code == -32602 and '"fr"' in bad_language.value.error.message


# --- 1 and 2. one bad item alone; dates as people write them ------------------------------------


async def test_dates_as_written_are_resolved_and_one_unreadable_date_is_reported_alone(client: Client) -> None:
    actions = [
        {"action": "补齐回归测试", "owner": "QA", "due": "2025年7月3日", "priority": "P1"},
        {"action": "上线接口告警", "owner": "SRE", "due": "T+30", "priority": "P1"},
        {"action": "复查库存差异", "owner": "仓储", "due": "看情况", "priority": "P2"},
        {"action": "更新切换手册", "owner": "PMO", "due": "4周内", "priority": "P2"},
    ]
    result = await client.call_tool("check_actions", {"actions": actions, "review_date": "2025/6/18"})
    assert not result.is_error, text(result)
    data = result.structured_content
    assert data is not None
    assert [check["checklist"]["due"] for check in data["actions"]] == [True, True, False, True]
    unreadable = [(i, f["code"]) for i, c in enumerate(data["actions"]) for f in c["findings"] if "due" in f["code"]]
    assert unreadable == [(2, "due_unreadable")]
    table = text(result)
    assert "2025-07-18 (T+30)" in table and "2025-07-16 (4周内)" in table and "2025-07-03 (2025年7月3日)" in table


async def test_a_stored_review_keeps_absolute_dates_resolved_against_its_own_date(client: Client) -> None:
    review = {
        "project": "ERP+WMS",
        "review_date": "2025年6月18日",
        "actions": [
            {"action": "上线接口告警", "owner": "SRE", "due": "下周五"},
            {"action": "复盘月结流程", "owner": "财务", "due": "月底前"},
        ],
    }
    created = await client.call_tool("create_review", {"project": "ERP+WMS", "review": review})
    assert not created.is_error, text(created)
    assert created.structured_content is not None
    stored = created.structured_content["review"]
    assert stored["review_date"] == "2025-06-18"
    assert sorted(a["due"] for a in stored["actions"]) == ["2025-06-27", "2025-06-30"]


async def test_a_swot_strategy_without_a_type_is_reported_alone(client: Client) -> None:
    arguments = {
        "strengths": ["自研推荐引擎"],
        "weaknesses": ["客服人手不足"],
        "opportunities": ["直播渠道增长"],
        "threats": ["竞品补贴"],
        "strategies": ["加大投入", "SO: 用 S1 抓住 O1"],
    }
    result = await client.call_tool("swot", arguments)
    assert not result.is_error, text(result)
    data = result.structured_content
    assert data is not None
    assert [(s["index"], s["type"]) for s in data["strategies"]] == [(1, "SO")]
    assert [f["path"] for f in data["findings"] if f["code"] == "strategy_unreadable"] == ["strategies[0]"]


# --- 3. the prompt uses its parameters ----------------------------------------------------------

FLOW = ("create_review", "update_review", "render_report", "export_report", "update_action")


async def test_a_risk_focus_brings_in_check_risks_and_thresholds(client: Client) -> None:
    arguments = {"project_info": "大促复盘", "project_type": "市场营销活动", "report_focus": "风险预警"}
    body = prompt_text(await client.get_prompt("project_review", arguments))
    assert "`check_risks`" in body and "yellow_threshold" in body and "red_threshold" in body
    plain = prompt_text(await client.get_prompt("project_review", {**arguments, "report_focus": ""}))
    assert "`check_risks`" not in plain.split("## 工作流程")[0].split("未选用")[0]


async def test_chosen_models_choose_the_analyses(client: Client) -> None:
    arguments = {"project_info": "CRM", "analysis_models": "SWOT", "language": "en"}
    body = prompt_text(await client.get_prompt("project_review", arguments))
    steps = body.split("## How to work")[1].split("## Report structure")[0]
    assert "`swot`" in steps and "`five_whys`" not in steps and "`build_kpi_tree`" not in steps
    whys = prompt_text(await client.get_prompt("project_review", {**arguments, "analysis_models": "5 Whys, PDCA"}))
    steps = whys.split("## How to work")[1].split("## Report structure")[0]
    assert "`five_whys`" in steps and "`swot`" not in steps
    assert "`pdca` section" in whys


async def test_the_project_type_brings_its_checklist_and_kpi_template(client: Client) -> None:
    arguments = {"project_info": "ERP+WMS 上线", "project_type": "技术研发与实施"}
    body = prompt_text(await client.get_prompt("project_review", arguments))
    assert "fupan://knowledge/checklist-technical_implementation" in body
    assert "UAT" in body  # an item of that checklist
    assert 'template="it_delivery"' in body and "`availability = 1 - downtime_minutes / period_minutes`" in body


async def test_the_prompt_walks_the_whole_flow_and_shows_the_document(client: Client) -> None:
    for language in ("zh", "en"):
        body = prompt_text(await client.get_prompt("project_review", {"project_info": "p", "language": language}))
        flow = body.split("## 工作流程" if language == "zh" else "## Workflow")[1]
        steps = []
        for tool in FLOW:
            match = re.search(rf"^(\d+)\. [^\n`]*`{tool}`", flow, re.M)
            assert match, tool
            steps.append(int(match.group(1)))
        assert steps == sorted(steps) and len(set(steps)) == len(FLOW)
        assert "yellow_threshold" in body and "success_metric" in body  # the document's shape
        assert '{"kind": "relative_change", "value": 30, "direction": "decrease"}' in body  # TargetSpec
        assert "T+30" in body
        for tool in ("import_metrics", "import_actions", "audit_review", "review_insights"):  # material, memory
            assert f"`{tool}`" in body, (language, tool)


async def test_the_prompt_names_only_tools_the_server_offers(tmp_path: Path) -> None:
    every = {tool.name for tool in await create_server(Settings(db=str(tmp_path / "a.db"))).list_tools()}
    offered = frozenset({"compute_attainment", "render_report"})
    server = create_server(Settings(db=str(tmp_path / "b.db"), tools=offered))
    async with Client(server) as client:
        for language in ("zh", "en"):
            for project_type in ("", "incident", "marketing_campaign"):
                arguments = {"project_info": "p", "project_type": project_type, "report_focus": "风险与改进"}
                body = prompt_text(await client.get_prompt("project_review", {**arguments, "language": language}))
                named = set(re.findall(r"`([a-z_]+)`", body)) & every
                assert named <= offered, named - offered


async def test_the_prompt_language_is_validated() -> None:
    server = create_server()
    async with Client(server) as client:
        english = prompt_text(await client.get_prompt("project_review", {"project_info": "p", "language": "EN"}))
        assert "review the Goals" in english


# --- 4. progress and logs -----------------------------------------------------------------------


async def test_render_and_export_report_progress_and_logs(tmp_path: Path) -> None:
    server = create_server(Settings(db=str(tmp_path / "r.db"), output_dir=tmp_path / "out"))
    logs: list[LoggingMessageNotificationParams] = []

    async def on_log(params: LoggingMessageNotificationParams) -> None:
        logs.append(params)

    async with Client(server, mode="legacy", logging_callback=on_log) as client:
        progress: list[tuple[float, float | None, str | None]] = []

        async def on_progress(done: float, total: float | None, message: str | None) -> None:
            progress.append((done, total, message))

        review = load_sample("erp_wms")
        result = await client.call_tool(
            "render_report", {"review": review, "format": "html", "language": "en"}, progress_callback=on_progress
        )
        assert not result.is_error
        assert progress[0] == (0, 1, "render_report: started") and progress[-1] == (1, 1, "render_report: done")
        assert [p[0] for p in progress] == sorted(p[0] for p in progress)
        assert [log.level for log in logs] == ["info", "info"]
        assert "render_report started" in str(logs[0].data) and "render_report finished" in str(logs[1].data)

        created = await client.call_tool("create_review", {"project": review["project"], "review": review})
        assert created.structured_content is not None
        review_id = created.structured_content["review"]["id"]
        progress.clear()
        exported = await client.call_tool(
            "export_report", {"review_id": review_id, "format": "markdown"}, progress_callback=on_progress
        )
        assert not exported.is_error, text(exported)
        assert progress[0][0] == 0 and progress[-1] == (1, 1, "export_report：完成")


# --- 5. completions -----------------------------------------------------------------------------


async def test_resource_templates_complete(client: Client) -> None:
    examples = ResourceTemplateReference(type="ref/resource", uri="fupan://examples/{name}")
    found = await client.complete(examples, {"name": "name", "value": "b2b"})
    assert found.completion.values == ["b2b_mvp"]
    created = await client.call_tool("create_review", {"project": "仓储升级二期"})
    assert created.structured_content is not None
    review_id = created.structured_content["review"]["id"]
    reviews = ResourceTemplateReference(type="ref/resource", uri="fupan://reviews/{review_id}")
    ids = await client.complete(reviews, {"name": "review_id", "value": review_id[:4]})
    assert review_id in ids.completion.values
    project = await client.complete(
        PromptReference(type="ref/prompt", name="project_review"), {"name": "project_info", "value": "仓储"}
    )
    assert project.completion.values == ["仓储升级二期"]


# --- 6. team modes ------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_read_only_lists_and_accepts_no_write_tool(tmp_path: Path, mode: str) -> None:
    server = create_server(Settings(db=str(tmp_path / "r.db"), output_dir=tmp_path / "out", read_only=True))
    async with Client(server, mode=mode) as client:
        tools = (await client.list_tools()).tools
        assert tools and all(tool.annotations and tool.annotations.read_only_hint for tool in tools)
        names = {tool.name for tool in tools}
        assert not names & {"create_review", "update_review", "delete_review", "update_action", "export_report"}
        assert {"compute_attainment", "render_report", "list_reviews"} <= names
        refused = await client.call_tool("create_review", {"project": "p", "language": "en"})
        assert refused.is_error and "read-only" in text(refused)
        assert (await client.call_tool("list_reviews", {})).structured_content == {"reviews": []}


async def test_an_allow_list_offers_only_those_tools(tmp_path: Path) -> None:
    allowed = frozenset({"compute_attainment", "swot"})
    server = create_server(Settings(db=str(tmp_path / "r.db"), tools=allowed))
    async with Client(server) as client:
        assert {tool.name for tool in (await client.list_tools()).tools} == allowed
        refused = await client.call_tool("five_whys", {"problem": "p", "whys": ["a"]})
        assert refused.is_error and "--tools" in text(refused)


def test_serve_refuses_an_unknown_tool_name(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli_main(["serve", "--tools", "compute_attainment,render_reports"])
    assert "render_reports" in str(raised.value.code) and "render_report," in str(raised.value.code)


# --- 7. the demo runs any number of times -------------------------------------------------------


@pytest.mark.slow
def test_the_demo_runs_twice_against_one_store(tmp_path: Path) -> None:
    for _ in range(2):
        run = subprocess.run(
            [sys.executable, "-m", "fupan_mcp", "demo", "--out", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert run.returncode == 0, run.stderr[-2000:]


async def test_a_lone_surrogate_in_a_date_is_a_clear_error(client: Client) -> None:
    result = await client.call_tool(
        "check_actions", {"actions": [{"action": "a", "due": "\ud800"}], "review_date": "\ud800"}
    )
    assert result.is_error and "- review_date：无法识别为日期" in text(result)
    alone = await client.call_tool("check_actions", {"actions": [{"action": "a", "due": "\ud800"}]})
    assert not alone.is_error and "日期无法识别" in text(alone)


# --- 7. a compact, honest surface ---------------------------------------------------------------

SAVING_TOOLS = {
    "compute_attainment",
    "build_kpi_tree",
    "five_whys",
    "swot",
    "check_actions",
    "check_risks",
    "check_timeline",
    "render_report",
    "import_metrics",
    "import_actions",
}
"""The tools that compute and, given `review_id`, save their input and result into that review."""


async def test_the_tool_surface_holds_its_budget_and_shows_no_docstring_indentation(client: Client) -> None:
    import json

    tools = (await client.list_tools()).tools
    sizes = {
        tool.name: len(
            json.dumps(
                {"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema},
                ensure_ascii=False,
            )
        )
        for tool in tools
    }
    from fupan_mcp.analysis.kpi_templates import TEMPLATE_KEYS
    from fupan_mcp.surface import BUDGET_CHARS

    assert sum(sizes.values()) <= BUDGET_CHARS, sizes
    for tool in tools:
        assert "\n    " not in (tool.description or ""), tool.name
        assert "…" not in json.dumps(tool.input_schema, ensure_ascii=False), tool.name  # no half sentence
        assert "$defs" not in json.dumps(tool.input_schema) or tool.name not in ("render_report", "create_review")
    kpi_tree = next(tool for tool in tools if tool.name == "build_kpi_tree")
    assert all(key in (kpi_tree.description or "") for key in TEMPLATE_KEYS)  # `template` points there


async def test_a_tool_that_saves_with_review_id_is_not_read_only(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    for name, tool in tools.items():
        hints = tool.annotations
        assert hints is not None
        if name in SAVING_TOOLS:
            assert not hints.read_only_hint and not hints.destructive_hint and hints.idempotent_hint, name
        properties = tool.input_schema.get("properties", {})
        if "review_id" in properties and name not in {"get_review", "list_actions", "search_lessons"}:
            assert not hints.read_only_hint, name


async def test_the_review_schema_is_one_resource_and_a_bad_review_is_still_a_fixable_error(client: Client) -> None:
    import json

    schema = await client.read_resource("fupan://schema/review")
    body = json.loads(schema.contents[0].text)  # type: ignore[union-attr]
    assert "metrics" in body["properties"] and body["required"] == ["project"]
    bad = {"project": "p", "metrics": [{"name": "a", "target": ">=1", "actual": [3]}]}
    result = await client.call_tool("render_report", {"review": bad, "language": "en"})
    assert result.is_error
    message = text(result)
    assert "review.metrics[0].actual" in message and not LEAKS.search(message), message


async def test_read_only_mode_keeps_the_analyses_but_refuses_to_save(tmp_path: Path) -> None:
    server = create_server(Settings(db=str(tmp_path / "r.db"), output_dir=tmp_path / "out", read_only=True))
    async with Client(server) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert "compute_attainment" in tools and tools["compute_attainment"].annotations.read_only_hint  # type: ignore[union-attr]
        metrics = [{"name": "a", "target": ">=2", "actual": 1}]
        assert not (await client.call_tool("compute_attainment", {"metrics": metrics})).is_error
        saving = await client.call_tool("compute_attainment", {"metrics": metrics, "review_id": "r1", "language": "en"})
        assert saving.is_error or "not saved" in text(saving).lower() or "read-only" in text(saving), text(saving)


async def test_export_never_replaces_a_file_unless_asked(client: Client) -> None:
    review = load_sample("b2b_mvp")
    created = await client.call_tool("create_review", {"project": review["project"], "review": review})
    review_id = created.structured_content["review"]["id"]
    first = await client.call_tool("export_report", {"review_id": review_id, "format": "markdown", "filename": "r"})
    assert not first.is_error, text(first)
    second = await client.call_tool("export_report", {"review_id": review_id, "format": "markdown", "filename": "r"})
    assert second.is_error
    third = await client.call_tool(
        "export_report", {"review_id": review_id, "format": "markdown", "filename": "r", "overwrite": True}
    )
    assert not third.is_error, text(third)


def test_the_compact_schema_says_a_type_once() -> None:
    """An enum of strings needs no `type: string`; a choice of bare types is one type list; `true` as
    additionalProperties is JSON Schema's default. Anything else in those nodes stays."""
    from fupan_mcp.surface import compact_schema

    schema = {
        "properties": {
            "language": {"default": "zh", "enum": ["zh", "en"], "type": "string", "title": "Language"},
            "level": {"enum": [1, 2], "type": "integer"},
            "actual": {"anyOf": [{"type": "number"}, {"type": "string"}], "description": "The actual."},
            "target": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/T"}]},
            "review": {"type": "object", "additionalProperties": True},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "type": "object",
    }
    assert compact_schema(schema) == {
        "properties": {
            "language": {"default": "zh", "enum": ["zh", "en"]},
            "level": {"enum": [1, 2], "type": "integer"},
            "actual": {"type": ["number", "string"], "description": "The actual."},
            "target": {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/T"}]},
            "review": {"type": "object"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "type": "object",
    }
