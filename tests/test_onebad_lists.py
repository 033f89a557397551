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
    text_key: str  # where an item's text is in the result
    good_code: str  # a finding the good item gets, so it was checked
    bad_code: str  # the one finding of the bad item


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
        text_key="risk",
        good_code="missing_yellow_threshold",
        bad_code="missing_risk",
    ),
    Case(
        tool="check_actions",
        args={
            "actions": [
                {"action": "   ", "owner": "李雷", "due": "2025-03-05"},
                {"action": "为支付回调补充超时告警", "owner": "张伟", "due": "2025-03-01"},
                {"action": "", "owner": "王芳"},
            ],
            "review_date": "2025-02-10",
        },
        items="actions",
        bad_index=0,
        bad_path="actions[0].action",
        reason={"zh": "行动内容为空", "en": "action text is blank"},
        good_text="为支付回调补充超时告警",
        text_key="action",
        good_code="missing_metric",
        bad_code="missing_action",
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
    assert any(item.get(case.text_key) == case.good_text for item in good)
    assert all(f["path"] != case.bad_path for item in good for f in item["findings"])
    bad = next(item for item in items if item["index"] == case.bad_index)
    named = [f for f in bad["findings"] if f["path"] == case.bad_path]
    assert named and named[0]["severity"] == "error"
    assert case.reason[language] in named[0]["message"]
    # the good item was checked (a finding of its own), the bad one was not checked further
    assert any(f["code"] == case.good_code for item in good for f in item["findings"])
    assert [f["code"] for f in bad["findings"]] == [case.bad_code]


async def test_blank_actions_are_counted_but_not_repeats(client: Client) -> None:
    """Two blank actions are two blank rows, not 'a repeat of action 1'; the list's counts still add up."""
    result = await client.call_tool("check_actions", CASES[1].args)
    data = result.structured_content
    assert data is not None
    assert data["counts"]["total"] == 3
    assert data["counts"]["with_errors"] == 2  # the two blank ones
    assert data["counts"]["by_code"].get("duplicate_action") is None
    assert data["actions"][1]["score"] == 3  # verb, owner, due; no metric, no problem it addresses


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_saved_review_names_its_blank_action(client: Client, language: str) -> None:
    """The document keeps no empty row in the tracker: the save is refused naming the row, nothing stored."""
    review = {"actions": [{"action": "补充超时告警", "owner": "张伟"}, {"action": " ", "owner": "李雷"}]}
    result = await client.call_tool(
        "create_review", {"project": "支付中台", "title": "回调超时复盘", "review": review, "language": language}
    )
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "review.actions[1]" in text
    assert {"zh": "行动内容“action”为空", "en": "action text 'action' is blank"}[language] in text
    listed = await client.call_tool("list_reviews", {})
    assert listed.structured_content is not None
    assert listed.structured_content.get("reviews", []) == []


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_an_event_without_text_keeps_its_place(client: Client, language: str) -> None:
    """An event whose text is blank still has a time and a kind: the durations use it, a warning names it."""
    timeline = [
        {"at": "2025-03-01 10:00", "kind": "impact_start", "text": "回调超时告警"},
        {"at": "10:05", "kind": "detected", "text": "  "},
        {"at": "10:20", "kind": "mitigated"},
    ]
    result = await client.call_tool("check_timeline", {"timeline": timeline, "language": language})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    assert len(data["events"]) == 3
    minutes = {d["key"]: d["minutes"] for d in data["durations"]}
    assert minutes == {"time_to_detect": 5, "time_to_mitigate": 20}  # 10:05 − 10:00, 10:20 − 10:00
    blank = [f for f in data["findings"] if f["code"] == "blank_text"]
    assert [f["path"] for f in blank] == ["timeline[1].text", "timeline[2].text"]
    assert all(f["severity"] == "warning" for f in blank)
    assert {"zh": "没有写发生了什么", "en": "does not say what happened"}[language] in blank[0]["message"]


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_metric_without_a_name_is_reported_alone(client: Client, language: str) -> None:
    """A pasted sheet's row with the name cell empty: that row is an error, the others are judged."""
    metrics = [
        {"name": "GMV", "target": "≥1,000万", "actual": "1,150万"},
        {"name": "  ", "target": "≥5%", "actual": "4%"},
        {"name": "退货率", "target": "≤8%", "actual": "10%"},
    ]
    result = await client.call_tool("compute_attainment", {"metrics": metrics, "language": language})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    rates = {m["name"]: m["attainment_rate"] for m in data["metrics"]}
    assert rates == {"GMV": pytest.approx(1.15), "退货率": pytest.approx(0.8)}  # 1150/1000; 8/10 (at most)
    [error] = data["errors"]
    assert (error["index"], error["path"], error["field"]) == (1, "metrics[1].name", "name")
    assert {"zh": "第 2 项指标没有名称", "en": "Metric #2 has no name"}[language] in error["message"]
    assert data["summary"]["weighted_attainment"] == pytest.approx(0.975)  # (115% + 80%) / 2


async def test_a_saved_review_names_its_nameless_metric(client: Client) -> None:
    review = {"metrics": [{"name": "GMV", "target": "≥1,000万", "actual": "1,150万"}, {"name": "", "target": "≥5%"}]}
    result = await client.call_tool("create_review", {"project": "大促", "review": review})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "review.metrics[1]" in text and "指标名称“name”为空" in text


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_swot_weight_written_as_a_word_is_reported_alone(client: Client, language: str) -> None:
    """'高' as a weight is no figure: that factor is named, the others keep theirs ('20%' = 0.2, '4分' = 4)."""
    args = {
        "strengths": [
            {"text": "渠道覆盖广", "weight": "高", "rating": 4},
            {"text": "品牌认知强", "weight": "20%", "rating": "4分"},
        ],
        "weaknesses": [{"text": "履约成本高", "weight": 0.3, "rating": 2}],
        "opportunities": ["直播电商渗透率提升"],
        "threats": ["竞品低价补贴"],
        "language": language,
    }
    result = await client.call_tool("swot", args)
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    s2, w1 = data["strengths"][1], data["weaknesses"][0]
    assert (s2["weight"], s2["rating"], s2["weighted_score"]) == (0.2, 4, pytest.approx(0.8))  # 0.2 × 4
    assert w1["weighted_score"] == pytest.approx(0.6)  # 0.3 × 2
    unread = [f for f in data["findings"] if f["code"] == "weight_unread"]
    assert [f["path"] for f in unread] == ["strengths[0].weight"]
    assert unread[0]["severity"] == "error" and "高" in unread[0]["message"]
    assert data["strengths"][0]["weight"] is None


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_one_character_roster_name_is_reported_alone(client: Client, language: str) -> None:
    """'王' alone would mask every 王 in the text: it is named and left out, the other names are masked.
    A roster given as plain names is read as entries."""
    args = {
        "fields": {"a": "张伟负责回滚，王说可以，王磊确认。"},
        "roster": ["张伟", {"name": "王"}, {"name": "磊", "aliases": ["王磊"]}],
        "language": language,
    }
    result = await client.call_tool("check_compliance", args)
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    masked = data["masked_fields"]["a"]
    assert "张伟" not in masked and "王磊" not in masked and "王说可以" in masked
    short = [f for f in data["findings"] if f["code"] == "roster_name_too_short"]
    assert [f["path"] for f in short] == ["roster[1].name", "roster[2].name"]
    assert {"zh": "只有一个字", "en": "one character"}[language] in short[0]["message"]
