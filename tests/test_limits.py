"""Oversized input is refused before any model is built, in the call's language, naming the limit;
heavy calls (run off the event loop) answer exactly as small ones do."""

from __future__ import annotations

import pytest
from mcp import Client
from mcp_types import TextContent

from fupan_mcp.limits import MAX_ARGUMENT_CHARS, MAX_METRICS, argument_weight, oversized


def text_of(result: object) -> str:
    return " ".join(block.text for block in getattr(result, "content", []) if isinstance(block, TextContent))


def test_the_bound_comes_from_the_schema_or_the_default() -> None:
    schema = {
        "properties": {
            "metrics": {"type": "array", "maxItems": 3},
            "note": {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "null"}]},
        }
    }
    assert oversized({"metrics": [1, 2, 3], "note": "12345"}, schema) is None
    assert oversized({"metrics": [1, 2, 3, 4]}, schema) == ("metrics", "items", 4, 3)
    assert oversized({"note": "123456"}, schema) == ("note", "chars", 6, 5)
    assert oversized({"free": "x" * (MAX_ARGUMENT_CHARS + 1)}, schema) == (
        "free",
        "chars",
        MAX_ARGUMENT_CHARS + 1,
        MAX_ARGUMENT_CHARS,
    )


def test_weight_counts_items_and_thousands_of_characters() -> None:
    arguments = {"metrics": [{}] * 40, "text": "x" * 5_000, "review": {"actions": [1] * 7}}
    assert argument_weight(arguments) == 40 + 5 + 1 + 7


@pytest.mark.anyio
async def test_too_many_metrics_are_refused_naming_the_limit(client: Client) -> None:
    metrics = [{"name": f"m{i}", "target": "≥1", "actual": 2} for i in range(MAX_METRICS + 1)]
    zh = await client.call_tool("compute_attainment", {"metrics": metrics})
    assert zh.is_error and "metrics" in text_of(zh) and "10,001 项" in text_of(zh) and "上限 10,000 项" in text_of(zh)
    en = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en"})
    assert en.is_error and "10,001 items, above the limit of 10,000" in text_of(en)


@pytest.mark.anyio
async def test_a_field_without_its_own_bound_has_the_default(client: Client) -> None:
    result = await client.call_tool("get_review", {"review_id": "R-" + "x" * MAX_ARGUMENT_CHARS, "language": "en"})
    text = text_of(result)
    assert result.is_error and "review_id" in text and f"limit of {MAX_ARGUMENT_CHARS:,}" in text and len(text) < 500


@pytest.mark.anyio
async def test_a_heavy_call_answers_as_a_small_one(client: Client) -> None:
    """150 metrics run on a worker thread; 5 on the loop: the same statuses, one per metric."""
    metric = {"name": "拣货准确率", "target": "≥99%", "actual": "99.5%"}
    small = await client.call_tool("compute_attainment", {"metrics": [metric] * 5})
    heavy = await client.call_tool("compute_attainment", {"metrics": [metric] * 150})
    assert not small.is_error and not heavy.is_error
    assert small.structured_content is not None and heavy.structured_content is not None
    statuses = [item["status"] for item in heavy.structured_content["metrics"]]
    assert statuses == ["achieved"] * 150
    assert small.structured_content["metrics"][0] == heavy.structured_content["metrics"][0]


@pytest.mark.anyio
async def test_a_heavy_call_with_a_bad_argument_gets_the_localized_error(client: Client) -> None:
    metrics = [{"name": f"m{i}", "target": "≥1", "actual": 2} for i in range(150)] + [{"target": "≥1"}]
    result = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en"})
    text = text_of(result)
    assert result.is_error and "metrics" in text and "150" in text and "pydantic" not in text, text[:400]


@pytest.mark.anyio
async def test_the_published_output_schema_is_one_level_deep_and_accepts_the_result(client: Client) -> None:
    """The client checks results against it; the server still checks them against the full model."""
    import jsonschema

    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    schema = tools["build_kpi_tree"].output_schema
    assert schema is not None and "$defs" not in schema
    assert schema["properties"]["evaluations"] == {"title": "Evaluations", "type": "array"}
    assert schema["properties"]["template"]["type"] == ["null", "string"]
    result = await client.call_tool("build_kpi_tree", {"template": "ecommerce_gmv"})
    assert not result.is_error
    jsonschema.validate(result.structured_content, schema)
