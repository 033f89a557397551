"""One bad item in a list argument is reported alone (its path, the reason, in the user's language) while
the rest is computed, through a real MCP client (in process, both protocol eras)."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.types import TextContent

pytestmark = pytest.mark.anyio

CASES: list[tuple[str, dict[str, Any], str, str, dict[str, str]]] = [
    (
        "build_kpi_tree",
        {
            "nodes": [
                {"id": "gmv", "formula": "orders * aov", "actual": 2000, "baseline": 1000},
                {"id": "orders", "actual": "12..5", "baseline": 50},
                {"id": "aov", "actual": 20, "baseline": "abc"},
            ]
        },
        "nodes[1].actual",
        "value_unread",
        {"zh": "无法使用", "en": "cannot be used"},
    ),
    (
        "check_actions",
        {"actions": [{"action": "Add a 5xx alert", "owner": "Li", "priority": "高"}, {"action": "Add a test"}]},
        "actions[0].priority",
        "priority_unread",
        {"zh": "不是 P0–P3 之一", "en": "is not one of P0–P3"},
    ),
    (
        "check_actions",
        {"actions": [{"action": "Add a test"}, {"action": "Add a 5xx alert", "status": "blocked-ish"}]},
        "actions[1].status",
        "status_unread",
        {"zh": "无法识别", "en": "not recognised"},
    ),
    (
        "check_actions",
        {
            "actions": [
                {"action": "Add a 5xx alert", "due": "2024-02-30"},
                {"action": "Add a test", "due": "2024-03-01"},
            ]
        },
        "actions[0].due",
        "due_invalid_date",
        {"zh": "2024-02-30", "en": "not a day on the calendar"},
    ),
    (
        "five_whys",
        {"problem": "下单失败", "whys": [{"answer": "接口超时"}, {"answer": "连接池耗尽", "verified": "maybe"}]},
        "whys[1].verified",
        "verified_unread",
        {"zh": "读不出是/否", "en": "neither yes nor no"},
    ),
    (
        "swot",
        {"strengths": ["口碑好", " "], "weaknesses": ["成本高"], "opportunities": ["政策"], "threats": ["竞品"]},
        "strengths[1]",
        "blank_factor",
        {"zh": "空白", "en": "blank"},
    ),
    (
        "check_compliance",
        {"fields": {"problems[0]": "张三负责", "problems[1]": None}},
        "fields.problems[1]",
        "field_not_text",
        {"zh": "不是文字", "en": "holds no text"},
    ),
]


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def _findings(structured: Any) -> list[dict[str, Any]]:
    """Every finding anywhere in a structured result."""
    found: list[dict[str, Any]] = []
    if isinstance(structured, dict):
        if "code" in structured and "path" in structured and "message" in structured:
            found.append(structured)
        for value in structured.values():
            found += _findings(value)
    elif isinstance(structured, list):
        for value in structured:
            found += _findings(value)
    return found


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize(("tool", "arguments", "path", "code", "words"), CASES, ids=[f"{c[0]}:{c[3]}" for c in CASES])
async def test_one_bad_item_is_reported_alone_and_the_rest_computed(
    client: Client, tool: str, arguments: dict[str, Any], path: str, code: str, words: dict[str, str], language: str
) -> None:
    result = await client.call_tool(tool, {**arguments, "language": language})
    assert not result.is_error, _text(result)
    found = [f for f in _findings(result.structured_content) if f["code"] == code]
    assert [f["path"] for f in found][:1] == [path], found
    assert words[language] in found[0]["message"], found[0]["message"]
