"""The server through a real MCP client (in process, both protocol eras)."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import PromptReference, TextContent

pytestmark = pytest.mark.anyio


def text(result: Any) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


async def test_lists_the_prompt_and_the_tools_with_schemas(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert "compute_attainment" in tools
    attainment = tools["compute_attainment"]
    assert attainment.output_schema is not None
    assert "metrics" in attainment.input_schema["properties"]
    assert attainment.annotations is not None and not attainment.annotations.read_only_hint
    assert attainment.annotations.idempotent_hint and not attainment.annotations.destructive_hint

    prompts = {prompt.name: prompt for prompt in (await client.list_prompts()).prompts}
    arguments = {arg.name: arg for arg in prompts["project_review"].arguments or []}
    assert set(arguments) == {
        "project_info",
        "period_and_phases",
        "review_dimensions",
        "key_data",
        "project_type",
        "report_focus",
        "analysis_models",
        "language",
    }
    assert arguments["project_info"].required
    assert "项目核心信息" in (arguments["project_info"].description or "")


@pytest.mark.parametrize(("language", "expected"), [("zh", "回顾目标"), ("en", "review the Goals")])
async def test_prompt_fills_in_both_languages(client: Client, language: str, expected: str) -> None:
    result = await client.get_prompt(
        "project_review",
        {"project_info": "ERP+WMS rollout", "key_data": "库存准确率 99.2%", "language": language},
    )
    body = result.messages[0].content
    assert isinstance(body, TextContent)
    assert expected in body.text
    assert "ERP+WMS rollout" in body.text and "库存准确率 99.2%" in body.text
    assert "`compute_attainment`" in body.text


async def test_prompt_without_project_info_is_refused(client: Client) -> None:
    with pytest.raises(MCPError):
        await client.get_prompt("project_review", {"language": "en"})


@pytest.mark.parametrize(
    ("argument", "typed", "expected"),
    [
        ("project_type", "技术", "技术研发与实施"),
        ("project_type", "Mark", "Marketing campaign"),
        ("language", "e", "en"),
        ("review_dimensions", "目标达成、风险", "目标达成、风险管理与应对"),
        ("analysis_models", "SW", "SWOT"),
    ],
)
async def test_completion_offers_values(client: Client, argument: str, typed: str, expected: str) -> None:
    ref = PromptReference(type="ref/prompt", name="project_review")
    result = await client.complete(ref, {"name": argument, "value": typed})
    assert expected in result.completion.values


async def test_compute_attainment_returns_structure_and_a_table(client: Client) -> None:
    result = await client.call_tool(
        "compute_attainment",
        {
            "metrics": [
                {"name": "订单处理时长", "target": "下降30%", "baseline": "2.8h", "actual": "1.7h"},
                {"name": "库存准确率", "target": "≥98%", "baseline": "93.1%", "actual": "99.2%", "unit": "%"},
                {"name": "DAU", "target": "≥300", "actual": 318, "aggregation": "peak"},
                {"name": "新客占比", "target": "≥35%", "unit": "%"},
            ]
        },
    )
    assert not result.is_error
    data = result.structured_content
    assert data is not None
    by_name = {m["name"]: m for m in data["metrics"]}
    assert by_name["订单处理时长"]["status"] == "achieved"
    assert by_name["订单处理时长"]["change_rel"] == pytest.approx(-0.392857, abs=1e-5)
    assert by_name["库存准确率"]["change_pp"] == pytest.approx(6.1)
    assert by_name["DAU"]["status"] == "needs_verification"
    assert by_name["新客占比"]["status"] == "not_evaluable"
    assert any(gap["subject"] == "新客占比" for gap in data["summary"]["data_gaps"])
    assert "|" in text(result)


async def test_a_deadline_before_the_figure_is_not_read_as_a_range(client: Client) -> None:
    """'6月底前达到5万' against 3万 is 60% and not achieved; it read as the range 6 ~ 5万 and was 'achieved'."""
    result = await client.call_tool(
        "compute_attainment", {"metrics": [{"name": "注册用户", "target": "6月底前达到5万", "actual": "3万"}]}
    )
    data = result.structured_content
    assert data is not None
    [metric] = data["metrics"]
    assert (metric["status"], metric["target_level"], metric["attainment_rate"]) == ("not_achieved", 50_000, 0.6)


async def test_a_planned_loss_written_with_its_sign_is_judged_as_a_level(client: Client) -> None:
    """'-200万' against '-150万' is a planned loss of 200万 (a level), not a fall of 200万 from no baseline:
    1 + (-150 - -200) / 200 = 125%. Against an unsigned baseline it stays a change."""
    result = await client.call_tool(
        "compute_attainment",
        {
            "metrics": [
                {"name": "净利润", "target": "-200万", "actual": "-150万"},
                {"name": "利润", "target": "-200万", "baseline": "500万", "actual": "320万"},
            ]
        },
    )
    assert not result.is_error
    data = result.structured_content
    assert data is not None
    loss, fall = data["metrics"]
    assert (loss["status"], loss["target_level"], loss["attainment_rate"]) == ("achieved", -2_000_000, 1.25)
    assert loss["gap_to_target"] == pytest.approx(500_000)
    assert (fall["status"], fall["target_level"]) == ("not_achieved", 3_000_000)
    assert "净利润：实际 -150万，目标 ≥ -200万，已达成（完成率 125%" in text(result)


async def test_one_bad_metric_does_not_spoil_the_others(client: Client) -> None:
    result = await client.call_tool(
        "compute_attainment",
        {
            "metrics": [
                {"name": "good", "target": ">=10", "actual": 12},
                {"name": "bad", "target": "as high as possible", "actual": 3},
            ],
            "language": "en",
        },
    )
    assert not result.is_error
    data = result.structured_content
    assert data is not None
    assert [m["name"] for m in data["metrics"] if m["status"] == "achieved"] == ["good"]
    assert [e["name"] for e in data["errors"]] == ["bad"]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"metrics": []}, "metrics"),
        ({"metrics": "not a list"}, "metrics"),
        ({"metrics": [{"target": ">=1", "actual": 1}]}, "name"),
        ({"metrics": [{"name": "x", "target": ">=1", "actual": 1, "colour": "red"}]}, "colour"),
        ({"metrics": [{"name": "x", "target": ">=1"}], "language": "fr"}, "language"),
    ],
)
async def test_malformed_input_is_a_tool_error_naming_the_field(
    client: Client, arguments: dict[str, Any], field: str
) -> None:
    result = await client.call_tool("compute_attainment", arguments)
    assert result.is_error
    assert field in text(result)
    # and the server keeps serving
    ok = await client.call_tool("compute_attainment", {"metrics": [{"name": "x", "target": ">=1", "actual": 2}]})
    assert not ok.is_error


async def test_render_report_without_a_review_names_the_argument_in_the_call_language(client: Client) -> None:
    """No `review` and no `review_id`: one error naming `review`, in the language asked for, else in both."""
    for language, expected in (
        ("zh", ["review：请给出复盘文档，或已存复盘的 review_id。"]),
        ("en", ["review: give the review document, or the review_id of a stored review."]),
        (None, ["review：请给出复盘文档", " / review: give the review document"]),
    ):
        arguments = {} if language is None else {"language": language}
        result = await client.call_tool("render_report", arguments)
        assert result.is_error
        text = result.content[0].text  # type: ignore[union-attr]
        assert all(part in text for part in expected), text
        assert ("give the review" in text) == (language != "zh") and ("请给出" in text) == (language != "en")
