"""One bad item among good ones is reported alone, the rest computed (both protocol eras)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from mcp import Client

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Case:
    tool: str
    args: dict[str, Any]
    items: str  # the result's list of per-item checks
    bad_index: int
    bad_path: str  # the finding's path naming the bad item's field
    reason: dict[str, str]  # a part of the message, per language
    good_text: str  # the good item's text, computed in the answer


CASES = [
    Case(
        tool="check_risks",
        args={
            "risks": [
                {"risk": "支付回调延迟", "indicator": "回调 P99", "response": "扩容", "owner": "SRE"},
                {"risk": "   ", "owner": "SRE"},
            ]
        },
        items="risks",
        bad_index=1,
        bad_path="risks[1].risk",
        reason={"zh": "风险内容为空", "en": "risk text is blank"},
        good_text="支付回调延迟",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.tool)
@pytest.mark.parametrize("language", ["zh", "en"])
async def test_one_bad_item_is_reported_alone(client: Client, case: Case, language: str) -> None:
    result = await client.call_tool(case.tool, {**case.args, "language": language})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    items = data[case.items]
    assert len(items) == len(case.args[case.items])  # nothing dropped
    good = [item for item in items if item["index"] != case.bad_index]
    assert any(item.get("risk") == case.good_text for item in good)
    assert all(f["path"] != case.bad_path for item in good for f in item["findings"])
    bad = next(item for item in items if item["index"] == case.bad_index)
    named = [f for f in bad["findings"] if f["path"] == case.bad_path]
    assert named and named[0]["severity"] == "error"
    assert case.reason[language] in named[0]["message"]
    # the good risk was checked (its missing thresholds found), the bad one was not checked further
    assert any(f["code"] == "missing_yellow_threshold" for item in good for f in item["findings"])
    assert [f["code"] for f in bad["findings"]] == ["missing_risk"]
