"""Oversized input is refused before any model is built, in the call's language, naming the limit;
heavy calls (run off the event loop) answer exactly as small ones do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import TextContent

from fupan_mcp.limits import (
    MAX_ARGUMENT_CHARS,
    MAX_METRICS,
    MAX_REF_CHARS,
    OFF_LOOP_WEIGHT,
    argument_weight,
    oversized,
)


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


def test_weight_counts_items_and_characters_by_fifty() -> None:
    arguments = {"metrics": [{}] * 40, "text": "x" * 5_000, "review": {"actions": [1] * 7}}
    assert argument_weight(arguments) == 40 + 100 + 1 + 7
    fields = {"fields": {"a": "x" * 3_000, "b": "y" * 2_049, "c": None}}  # the texts inside count too
    assert argument_weight(fields) == 3 + 60 + 40


def test_a_text_check_past_five_thousand_characters_leaves_the_event_loop() -> None:
    """A 60 KB check_compliance (under the HTTP exchange size) weighed 60 counted by the thousand and ran
    its ~60 ms scan on the event loop."""
    assert argument_weight({"text": "x" * 5_000, "language": "en"}) <= OFF_LOOP_WEIGHT
    assert argument_weight({"text": "x" * 5_050, "language": "en"}) > OFF_LOOP_WEIGHT
    assert argument_weight({"text": "x" * 60_000}) == 1_200


@pytest.mark.anyio
async def test_too_many_metrics_are_refused_naming_the_limit(client: Client) -> None:
    metrics = [{"name": f"m{i}", "target": "≥1", "actual": 2} for i in range(MAX_METRICS + 1)]
    zh = await client.call_tool("compute_attainment", {"metrics": metrics})
    assert zh.is_error and "- metrics：最多 10,000 项（收到 10,001 项），请分批提交" in text_of(zh)
    en = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en"})
    assert en.is_error and "- metrics: at most 10,000 items (got 10,001)" in text_of(en)


@pytest.mark.anyio
async def test_an_id_has_its_own_bound_and_an_undeclared_argument_the_default(client: Client) -> None:
    result = await client.call_tool("get_review", {"review_id": "R-" + "x" * MAX_ARGUMENT_CHARS, "language": "en"})
    text = text_of(result)
    assert result.is_error and f"review_id: at most {MAX_REF_CHARS} characters" in text and len(text) < 500
    result = await client.call_tool("get_review", {"review_id": "R-1", "note": "x" * (MAX_ARGUMENT_CHARS + 1)})
    text = text_of(result)
    assert result.is_error and f"note：最多 {MAX_ARGUMENT_CHARS:,} 个字符" in text and len(text) < 500


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
    result = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en", "chart": "maybe"})
    text = text_of(result)
    assert result.is_error and "chart" in text and "pydantic" not in text, text[:400]
    # the nameless metric alone is set aside: the other 150 are computed
    result = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en"})
    text = text_of(result)
    assert not result.is_error and "metrics[150].name: required, but not given" in text, text[:400]
    assert result.structured_content is not None and result.structured_content["summary"]["total"] == 150


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


def wide_tree(channels: int) -> list[dict[str, object]]:
    """gmv = sum of channels' gmv_k = traffic_k * aov_k: 1 + 3 * channels nodes."""
    nodes: list[dict[str, object]] = [{"id": "gmv", "formula": " + ".join(f"gmv_{k}" for k in range(channels))}]
    for k in range(channels):
        nodes += [
            {"id": f"gmv_{k}", "formula": f"traffic_{k} * aov_{k}"},
            {"id": f"traffic_{k}", "actual": 100 + k, "baseline": 100},
            {"id": f"aov_{k}", "actual": 10, "baseline": 10},
        ]
    return nodes


@pytest.mark.anyio
async def test_a_big_tree_is_answered_in_summary_unless_full_is_asked(client: Client) -> None:
    nodes = wide_tree(100)  # 301 nodes, above SUMMARY_NODES
    summary = await client.call_tool("build_kpi_tree", {"nodes": nodes, "language": "en"})
    full = await client.call_tool("build_kpi_tree", {"nodes": nodes, "language": "en", "detail": "full"})
    assert not summary.is_error and not full.is_error
    small, whole = summary.structured_content, full.structured_content
    assert small is not None and whole is not None
    assert whole["detail"] == "full" and len(whole["evaluations"]) == 301 and len(whole["nodes"]) == 301
    assert small["detail"] == "summary" and small["nodes"] == []
    kept = {e["id"] for e in small["evaluations"]}
    # the root, its 100 inputs, the 50 largest contributors (traffic_99 ... traffic_50: +99 ... +50 visits x 10)
    assert {"gmv", "gmv_0", "traffic_99", "traffic_50"} <= kept and "traffic_49" not in kept
    assert small["omitted_nodes"] == 301 - len(kept) == 301 - 1 - 100 - 50
    assert small["decomposition"] == whole["decomposition"]  # whole: it adds up to the change
    assert len(text_of(summary)) < len(text_of(full))


@pytest.mark.anyio
async def test_detail_takes_summary_or_full_only(client: Client) -> None:
    result = await client.call_tool("build_kpi_tree", {"nodes": wide_tree(2), "detail": "everything"})
    assert result.is_error and "detail" in text_of(result) and "summary" in text_of(result)


def unbounded(node: object, defs: dict[str, Any], path: str, seen: frozenset[str] = frozenset()) -> list[str]:
    """Every place under ``node`` where a client could send more than a declared bound allows: a string
    without ``maxLength`` (an enum or a const is bounded by its values), an array without ``maxItems``, a
    map without ``maxProperties``, an object open to any keys, a value of no type at all."""
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else unbounded(defs[name], defs, path, seen | {name})
    found = [
        hit
        for key in ("anyOf", "oneOf", "allOf")
        for branch in node.get(key, [])
        for hit in unbounded(branch, defs, path, seen)
    ]
    if "enum" in node or "const" in node:
        return found
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if kind is None and not any(key in node for key in ("anyOf", "oneOf", "allOf")):
        found.append(f"{path}: no type")
    if "string" in kinds and "maxLength" not in node:
        found.append(f"{path}: string without maxLength")
    if "array" in kinds:
        if "maxItems" not in node:
            found.append(f"{path}: array without maxItems")
        found += unbounded(node.get("items"), defs, f"{path}[]", seen)
    if "object" in kinds:
        extra = node.get("additionalProperties", True)
        if extra is not False and "maxProperties" not in node:
            found.append(f"{path}: object without maxProperties")
        if isinstance(extra, dict):
            found += unbounded(extra, defs, f"{path}{{}}", seen)
            keys = {"type": "string", **node.get("propertyNames", {})}
            found += unbounded(keys, defs, f"{path}{{key}}", seen)
        for name, field in node.get("properties", {}).items():
            found += unbounded(field, defs, f"{path}.{name}", seen)
    return found


def test_the_walk_finds_what_has_no_bound() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "b": {"type": "array", "maxItems": 2, "items": {"$ref": "#/$defs/X"}},
            "c": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 3}},
            "d": {"anyOf": [{"type": "string", "maxLength": 1}, {"type": "null"}]},
            "e": {"enum": ["x", "y"]},
        },
        "$defs": {"X": {"type": "object", "additionalProperties": False, "properties": {"y": {"type": "array"}}}},
    }
    assert unbounded(schema, schema["$defs"], "t") == [
        "t: object without maxProperties",
        "t.a: string without maxLength",
        "t.b[].y: array without maxItems",
        "t.c: object without maxProperties",
        "t.c{key}: string without maxLength",
    ]


@pytest.mark.anyio
async def test_every_argument_of_every_listed_tool_has_a_bound(tmp_path: Path) -> None:
    """Walks the full input schema (the one calls are validated against; the listing drops upper bounds
    to save a model's context, `surface.LOOSE_BOUNDS`) of every tool tools/list shows, and the review
    document that `review` and `sections` are read into. The arguments object itself holds its declared
    fields; an undeclared argument is ignored and has the default bound (`limits.oversized`)."""
    from mcp import Client

    from fupan_mcp.app import Settings, create_server
    from fupan_mcp.domain.review import Review
    from fupan_mcp.tools import TOOLS

    server = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "exports"))
    async with Client(server) as client:
        listed = [tool.name for tool in (await client.list_tools()).tools]
    assert set(listed) == {spec.name for spec in TOOLS}
    problems: list[str] = []
    for name in listed:
        schema = server._tool_input_schema(name)
        assert schema is not None and schema["type"] == "object" and schema["properties"], name
        defs = schema.get("$defs", {})
        for field, field_schema in schema["properties"].items():
            problems += unbounded(field_schema, defs, f"{name}.{field}")
    review = Review.model_json_schema()
    problems += unbounded(review, review.get("$defs", {}), "review")
    assert problems == []


def metric_list(count: int) -> list[dict[str, object]]:
    """``count`` metrics, all achieved but: every 7th has no actual (not evaluable), every 11th misses its
    target by a rate that falls with its position, and metric 5 has an actual that cannot be read."""
    metrics: list[dict[str, object]] = []
    for i in range(count):
        metric: dict[str, object] = {"name": f"m{i}", "target": "≥100", "actual": 120}
        if i % 7 == 0:
            metric["actual"] = None
        elif i % 11 == 0:
            metric["actual"] = 90 - i / 10
        metrics.append(metric)
    metrics[5]["actual"] = "abc"
    return metrics


@pytest.mark.anyio
async def test_a_long_metric_list_is_answered_in_summary_unless_full_is_asked(client: Client) -> None:
    metrics = metric_list(300)  # above SUMMARY_METRICS
    summary = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en"})
    full = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en", "detail": "full"})
    assert not summary.is_error and not full.is_error
    small, whole = summary.structured_content, full.structured_content
    assert small is not None and whole is not None
    assert whole["detail"] == "full" and len(whole["metrics"]) == 299 and whole["problems"] == []
    assert small["detail"] == "summary" and len(small["metrics"]) == 50 and small["omitted_metrics"] == 249
    rows = {row["index"]: row for row in whole["metrics"]}
    not_achieved = [i for i, row in rows.items() if row["status"] == "not_achieved"]
    not_evaluable = [i for i, row in rows.items() if row["status"] == "not_evaluable"]
    assert len(not_achieved) == 24 and len(not_evaluable) == 43
    # the worst first: every metric not achieved, then the first not-evaluable ones; kept in input order
    kept = [row["index"] for row in small["metrics"]]
    assert kept == sorted(not_achieved + not_evaluable[:26]) and small["metrics"][0] == rows[kept[0]]
    # every problem named, in input order, the unreadable one with it
    named = [(ref["index"], ref["name"], ref["status"]) for ref in small["problems"]]
    expected = sorted([(i, f"m{i}", rows[i]["status"]) for i in not_achieved + not_evaluable] + [(5, "m5", "error")])
    assert named == expected
    # the counts and the weighted rate are the whole list's; errors and gaps the first ones
    counts = {key: value for key, value in small["summary"].items() if key != "data_gaps"}
    assert counts == {key: value for key, value in whole["summary"].items() if key != "data_gaps"}
    assert small["summary"]["data_gaps"] == whole["summary"]["data_gaps"][:50]
    assert small["errors"] == whole["errors"] and len(whole["errors"]) == 1
    text = text_of(summary)
    assert "In summary: of 299 metrics" in text and "detail 'full'" in text
    assert "not achieved (24)" in text and "m286" in text and "not computed (1)" in text
    assert "m299" not in text and "m299" in text_of(full)  # achieved, not among the worst
    assert len(text) < len(text_of(full)) / 3


@pytest.mark.anyio
async def test_a_short_metric_list_is_whole_unless_a_summary_is_asked(client: Client) -> None:
    metrics = metric_list(30)
    whole = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en"})
    asked = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en", "detail": "summary"})
    assert whole.structured_content is not None and asked.structured_content is not None
    assert whole.structured_content["detail"] == "full" and len(whole.structured_content["metrics"]) == 29
    assert "In summary" not in text_of(whole)
    assert asked.structured_content["detail"] == "summary" and asked.structured_content["omitted_metrics"] == 0
    assert [ref["name"] for ref in asked.structured_content["problems"]][:3] == ["m0", "m5", "m7"]


@pytest.mark.anyio
@pytest.mark.parametrize("language", ["zh", "en"])
async def test_an_argument_the_tool_does_not_take_is_named_not_dropped(language: str) -> None:
    """The SDK drops unknown arguments: a typo ('reviewdate') silently moved the as-of date to today, and
    'actions' beside `review` was lost. They are refused, naming the likely intended argument."""
    from mcp import Client

    from fupan_mcp.app import create_server

    async with Client(create_server()) as client:
        typo = await client.call_tool(
            "check_actions",
            {"actions": [{"action": "补监控", "owner": "张伟"}], "reviewdate": "2025-01-01", "language": language},
        )
        misplaced = await client.call_tool("create_review", {"project": "支付", "actions": [], "language": language})
        tolerated = await client.call_tool("get_review", {"review_id": "R-none", "language": language})
    assert typo.is_error and misplaced.is_error
    near = {"zh": "是否想写“{}”", "en": "did you mean '{}'"}[language]
    assert "reviewdate" in typo.content[0].text and near.format("review_date") in typo.content[0].text  # type: ignore[union-attr]
    assert near.format("review.actions") in misplaced.content[0].text  # type: ignore[union-attr]
    # `language` is taken from any call (it words the errors): only the missing review is the error here
    assert "R-none" in tolerated.content[0].text  # type: ignore[union-attr]


@pytest.mark.anyio
async def test_a_deep_list_as_a_risk_level_is_refused_by_name() -> None:
    """A fuzz example: a 10,000-deep list as `impact` reached str() in the lenient level reader and the
    error's own description (RecursionError, an unexpected error). It is refused in the user's words."""
    from fupan_mcp.app import create_server

    deep: list[Any] = []
    level = deep
    for _ in range(10_000):
        level.append([])
        level = level[0]
    server = create_server()
    server.ensure_registered()
    with pytest.raises(ToolError) as raised:
        await server.call_tool("check_risks", {"risks": [{"risk": "支付回调延迟", "impact": deep}]})
    assert "risks[0].impact" in str(raised.value) and "<list>" in str(raised.value)
