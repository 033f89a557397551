"""An item of a list argument whose SHAPE is wrong (an unknown field, a wrong type, a missing required field,
not an object) is set aside alone: it becomes its result's error entry (index, field, path, reason, a
localized fix), the rest of the list is computed with their input positions, and the counts say how many
were set aside. When every item is bad, or the error is about the list itself or another argument, the call
is refused as before; a tool that stores what it is given keeps refusing (a typo must not lose an item).

Through the core functions (the list parsed as the tool's argument, `domain.items.ItemWise`) and through a
real in-process MCP client (both protocol eras, `conftest.client`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import pytest
from mcp import Client
from pydantic import Field, TypeAdapter, ValidationError

from fupan_mcp.analysis.actions import check_actions, check_risks
from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.analysis.five_whys import five_whys
from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.analysis.swot import swot
from fupan_mcp.analysis.timeline import check_timeline
from fupan_mcp.domain.actions import ActionItem, Risk
from fupan_mcp.domain.attainment import MetricInput
from fupan_mcp.domain.items import SET_ASIDE_CODE, ItemWise, set_aside_of
from fupan_mcp.domain.kpi import KpiNode
from fupan_mcp.domain.review import (
    Actions,
    Countermeasures,
    KpiNodes,
    Metrics,
    Risks,
    Strategies,
    Strengths,
    Timeline,
    Whys,
)
from fupan_mcp.domain.swot import StrategyLike, SwotItemLike
from fupan_mcp.domain.timeline import TimelineEvent
from fupan_mcp.domain.whys import CountermeasureLike, WhyLike
from fupan_mcp.report.validation import item_errors

pytestmark = pytest.mark.anyio

FIELD_LIST = {"zh": "可用字段：name、target、actual", "en": "fields here: name, target, actual"}


def _parsed(annotation: Any, raw: list[Any]) -> Any:
    return TypeAdapter(Annotated[annotation, Field(min_length=1), ItemWise]).validate_python(raw)


# --------------------------------------------------------------------------- core: compute_attainment


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_metric_with_an_unknown_field_is_set_aside_and_the_other_computed(language: str) -> None:
    raw = [
        {"name": "GMV", "target": "≥100万", "actual": "120万"},
        {"name": "DAU", "target": "≥300", "actual": 280, "owner": "x"},
    ]
    metrics = _parsed(Metrics, raw)
    assert len(metrics) == 1
    set_aside = item_errors(set_aside_of(metrics), "metrics", MetricInput, language)
    result = compute_attainment(metrics, language, set_aside=set_aside)
    [gmv] = result.metrics
    assert (gmv.index, gmv.name, gmv.attainment_rate) == (0, "GMV", 1.2)  # 120万 / 100万
    [error] = result.errors
    assert (error.index, error.name, error.field, error.path) == (1, "DAU", "owner", "metrics[1].owner")
    assert error.reason.startswith("extra_forbidden")
    assert FIELD_LIST[language] in error.message
    assert {"zh": "metrics 的第 2 项（DAU）因格式有误未计入", "en": "Item 2 (DAU) of metrics was set aside"}[
        language
    ] in error.message
    summary = result.summary
    assert (summary.total, summary.achieved, summary.errors) == (1, 1, 1)
    assert summary.weighted_attainment == 1.2


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [
        ({"name": "NPS", "target": "≥40", "actual": {"x": 1}}, "actual", "fupan_union"),
        ({"name": "NPS", "target": "≥40", "actual": 42, "weight": "heavy"}, "weight", "float_parsing"),
        ({"target": "≥40", "actual": 42}, "name", "missing"),
        ("NPS ≥40 actual 42", "", "model_type"),
        (42, "", "model_type"),
    ],
    ids=["wrong-type", "weight-word", "missing-name", "a-string", "a-number"],
)
def test_each_kind_of_wrong_shape_is_set_aside_keeping_the_positions(bad: Any, field: str, reason: str) -> None:
    raw = [
        {"name": "订单量", "target": "≥100", "actual": 80},
        bad,
        {"name": "退货率", "target": "≤8%", "actual": "10%"},
    ]
    metrics = _parsed(Metrics, raw)
    set_aside = item_errors(set_aside_of(metrics), "metrics", MetricInput, "zh")
    result = compute_attainment(metrics, "zh", set_aside=set_aside)
    assert [(m.index, m.name, m.attainment_rate) for m in result.metrics] == [(0, "订单量", 0.8), (2, "退货率", 0.8)]
    [error] = result.errors  # 80 / 100; 8% / 10% (at most)
    assert (error.index, error.field) == (1, field)
    assert error.path == ("metrics[1]." + field if field else "metrics[1]")
    assert error.reason.startswith(reason)
    assert error.message.startswith("metrics 的第 2 项") and error.message.endswith("。")
    assert result.summary.total == 2 and result.summary.errors == 1
    assert result.summary.weighted_attainment == 0.8


def test_an_unreadable_value_and_a_set_aside_item_are_listed_in_input_order() -> None:
    raw = [
        {"name": "A", "target": "≥100", "actual": "owner", "unit": "件"},
        {"name": "B", "target": "≥1", "colour": "red"},
        {"name": "C", "target": "≥100", "actual": 150},
    ]
    metrics = _parsed(Metrics, raw)
    set_aside = item_errors(set_aside_of(metrics), "metrics", MetricInput, "en")
    result = compute_attainment(metrics, "en", set_aside=set_aside)
    assert [e.path for e in result.errors] == ["metrics[0].actual", "metrics[1].colour"]
    assert [(m.index, m.attainment_rate) for m in result.metrics] == [(2, 1.5)]  # 150 / 100


@pytest.mark.parametrize(
    "raw",
    [
        [{"name": "A", "owner": "x"}, {"name": "B", "colour": "red"}],  # every item bad
        [],  # too short
        "GMV ≥ 100",  # not a list
    ],
    ids=["all-bad", "empty", "not-a-list"],
)
def test_a_list_with_nothing_left_or_wrong_itself_is_refused(raw: Any) -> None:
    with pytest.raises(ValidationError):
        _parsed(Metrics, raw)


def test_a_valid_list_is_returned_as_the_plain_validated_list() -> None:
    metrics = _parsed(Metrics, [{"name": "A", "target": "≥1", "actual": 2}])
    assert type(metrics) is list and set_aside_of(metrics) == ()


def test_the_advertised_item_schema_is_unchanged() -> None:
    plain = TypeAdapter(Annotated[Metrics, Field(min_length=1)]).json_schema()
    assert TypeAdapter(Annotated[Metrics, Field(min_length=1), ItemWise]).json_schema() == plain
    assert "owner" not in plain["$defs"]["MetricInput"]["properties"]
    assert plain["$defs"]["MetricInput"]["additionalProperties"] is False


# --------------------------------------------------------------------------- through an MCP client

ATTAINMENT_CALL = {
    "metrics": [
        {"name": "GMV", "target": "≥100万", "actual": "120万"},
        {"name": "DAU", "target": "≥300", "actual": 280, "owner": "x"},
    ]
}


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_compute_attainment_sets_the_bad_metric_aside(client: Client, language: str) -> None:
    result = await client.call_tool("compute_attainment", {**ATTAINMENT_CALL, "language": language})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    assert [(m["index"], m["attainment_rate"]) for m in data["metrics"]] == [(0, 1.2)]
    [error] = data["errors"]
    assert (error["index"], error["field"], error["path"]) == (1, "owner", "metrics[1].owner")
    assert data["summary"]["total"] == 1 and data["summary"]["errors"] == 1
    text = result.content[0].text  # type: ignore[union-attr]
    assert {
        "zh": "metrics 的第 2 项（DAU）因格式有误未计入：metrics[1].owner：",
        "en": "Item 2 (DAU) of metrics was set aside",
    }[language] in text
    assert FIELD_LIST[language] in text


async def test_a_wrong_top_level_argument_still_refuses_the_call(client: Client) -> None:
    result = await client.call_tool("compute_attainment", {**ATTAINMENT_CALL, "chart": "yes please"})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "chart" in text


async def test_an_unknown_top_level_argument_still_refuses_the_call(client: Client) -> None:
    result = await client.call_tool("compute_attainment", {**ATTAINMENT_CALL, "metric": []})
    assert result.is_error


async def test_every_metric_bad_is_refused_as_before(client: Client) -> None:
    metrics = [{"name": "A", "owner": "x"}, {"name": "B", "actual": {"x": 1}}]
    result = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en"})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "metrics[0].owner: not a field here" in text and "metrics[1].actual" in text


async def test_an_oversized_list_is_refused_as_before(client: Client) -> None:
    metrics = [{"name": f"m{i}", "target": "≥1", "actual": 1} for i in range(10_001)] + [{"name": "x", "owner": 1}]
    result = await client.call_tool("compute_attainment", {"metrics": metrics})
    assert result.is_error


async def test_a_set_aside_metric_is_not_saved_into_a_review(client: Client) -> None:
    """Saving the section without the bad metric would lose it: the result is returned, nothing is saved."""
    created = await client.call_tool("create_review", {"project": "大促"})
    assert created.structured_content is not None
    review_id = created.structured_content["review"]["id"]
    result = await client.call_tool("compute_attainment", {**ATTAINMENT_CALL, "review_id": review_id})
    assert not result.is_error, result.content
    text = result.content[0].text  # type: ignore[union-attr]
    assert f"未保存到复盘 {review_id}" in text and "有 1 项因格式有误未计入" in text
    stored = await client.call_tool("get_review", {"review_id": review_id})
    assert stored.structured_content is not None
    assert stored.structured_content["section_names"] == []  # a good call saves 'metrics' and its result


# --------------------------------------------------------------------------- check_actions, check_risks

GOOD_ACTION = {"action": "为支付回调补充超时告警", "owner": "张伟", "due": "2025-03-01"}


@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_action_with_an_unknown_field_is_set_aside(language: str) -> None:
    raw = [{"action": "补充回归测试", "owner": "李雷", "colour": "red"}, GOOD_ACTION, {**GOOD_ACTION, "owner": "王芳"}]
    actions = _parsed(Actions, raw)
    set_aside = item_errors(set_aside_of(actions), "actions", ActionItem, language)
    result = check_actions(actions, dt.date(2025, 2, 10), language=language, set_aside=set_aside)
    assert [(a.index, a.action, a.score) for a in result.actions] == [
        (1, "为支付回调补充超时告警", 3),  # verb, owner, due; no metric, no problem it answers
        (2, "为支付回调补充超时告警", 3),
    ]
    [repeat] = result.findings  # the repeat names the input positions: item 3 repeats item 2
    assert (repeat.code, repeat.path) == ("duplicate_action", "actions[2]")
    assert {"zh": "第 2", "en": "#2"}[language] in repeat.message
    [entry] = result.set_aside
    assert (entry.index, entry.name, entry.field, entry.path) == (0, "补充回归测试", "colour", "actions[0].colour")
    assert {"zh": "可用字段：id、action、owner", "en": "fields here: id, action, owner"}[language] in entry.message
    assert (result.counts.total, result.counts.set_aside) == (2, 1)
    assert result.counts.average_score == 3


def test_an_actions_alias_keeps_working_and_an_alias_beside_its_field_is_set_aside() -> None:
    raw = [
        {"task": "为支付回调补充超时告警", "assignee": "张伟", "deadline": "2025-03-01"},
        {"action": "补充回归测试", "task": "补充回归测试", "owner": "李雷"},
    ]
    actions = _parsed(Actions, raw)
    [action] = actions
    assert (action.action, action.owner, action.due) == ("为支付回调补充超时告警", "张伟", dt.date(2025, 3, 1))
    [entry] = item_errors(set_aside_of(actions), "actions", ActionItem, "zh")
    assert (entry.index, entry.path) == (1, "actions[1].task")


def test_a_risk_that_is_a_string_is_set_aside() -> None:
    raw = ["支付回调延迟", {"risk": "库存超卖", "indicator": "超卖单数", "response": "限购", "owner": "SRE"}]
    risks = _parsed(Risks, raw)
    set_aside = item_errors(set_aside_of(risks), "risks", Risk, "en")
    result = check_risks(risks, "en", set_aside=set_aside)
    [check] = result.risks
    assert (check.index, check.risk) == (1, "库存超卖")
    assert [f.path for f in check.findings] == ["risks[1].yellow_threshold", "risks[1].red_threshold"]
    assert [g.path for g in result.data_gaps] == ["risks[1].yellow_threshold", "risks[1].red_threshold"]
    [entry] = result.set_aside
    assert (entry.index, entry.field, entry.path) == (0, "", "risks[0]")
    assert "expected an object" in entry.message and '"支付回调延迟"' in entry.message
    assert (result.counts.total, result.counts.set_aside) == (1, 1)


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_check_actions_through_a_client_sets_the_bad_action_aside(client: Client, language: str) -> None:
    args = {
        "actions": [{"action": "a", "owner": "Li", "due": "2026-12-20"}, {**GOOD_ACTION, "colour": "red"}],
        "review_date": "2026-12-01",
        "language": language,
    }
    result = await client.call_tool("check_actions", args)
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    assert [a["index"] for a in data["actions"]] == [0]
    assert [(e["index"], e["path"]) for e in data["set_aside"]] == [(1, "actions[1].colour")]
    assert data["counts"]["total"] == 1 and data["counts"]["set_aside"] == 1
    text = result.content[0].text  # type: ignore[union-attr]
    heading = {"zh": "### 未计入的项（格式有误）", "en": "### Items set aside (wrong shape)"}[language]
    assert heading in text
    said = {
        "zh": "actions 的第 2 项（为支付回调补充超时告警）因格式有误未计入",
        "en": "Item 2 (为支付回调补充超时告警) of actions was set aside",
    }
    assert said[language] in text


async def test_check_risks_through_a_client_sets_the_bad_risk_aside(client: Client) -> None:
    risks = [{"risk": "库存超卖", "owner": "SRE"}, {"risk": "支付回调延迟", "owner": "SRE", "severity": "high"}]
    result = await client.call_tool("check_risks", {"risks": risks, "language": "en"})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    assert [r["index"] for r in data["risks"]] == [0]
    assert [e["path"] for e in data["set_aside"]] == ["risks[1].severity"]
    text = result.content[0].text  # type: ignore[union-attr]
    assert "Item 2 (支付回调延迟) of risks was set aside" in text and "risks[1].severity: not a field here" in text


# --------------------------------------------------------------------------- check_timeline, build_kpi_tree

TIMELINE = [
    {"at": "2025-03-01 10:00", "kind": "impact_start", "text": "回调超时告警"},
    {"at": "10:03", "kind": "detected", "text": "李雷发现", "who": "李雷"},
    {"at": "10:05", "kind": "detected", "text": "值班发现"},
    {"at": "10:20", "kind": "mitigated", "text": "回滚"},
]


def test_an_event_with_an_unknown_field_is_set_aside_and_the_durations_use_the_others() -> None:
    events = _parsed(Timeline, TIMELINE)
    set_aside = item_errors(set_aside_of(events), "timeline", TimelineEvent, "en")
    result = check_timeline(events, language="en", set_aside=set_aside)
    assert [e.index for e in result.events] == [0, 2, 3]
    assert (result.time_to_detect_minutes, result.time_to_mitigate_minutes) == (5, 20)  # 10:05, 10:20 − 10:00
    [entry] = result.set_aside
    assert (entry.index, entry.field, entry.path) == (1, "who", "timeline[1].who")
    [finding] = [f for f in result.findings if f.code == SET_ASIDE_CODE]
    assert (finding.severity, finding.path, finding.message) == ("error", "timeline[1].who", entry.message)
    assert result.counts.error == 1


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_check_timeline_through_a_client_names_the_event_set_aside(client: Client, language: str) -> None:
    result = await client.call_tool("check_timeline", {"timeline": TIMELINE, "language": language})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    assert data["time_to_detect_minutes"] == 5
    assert [e["path"] for e in data["set_aside"]] == ["timeline[1].who"]
    text = result.content[0].text  # type: ignore[union-attr]
    said = {
        "zh": "timeline 的第 2 项（李雷发现）因格式有误未计入：timeline[1].who：不是这里的字段",
        "en": "Item 2 (李雷发现) of timeline was set aside",
    }
    assert said[language] in text and {"zh": "可用字段：at、kind", "en": "fields here: at, kind"}[language] in text


KPI_NODES = [
    {"id": "gmv", "formula": "orders * aov", "actual": 2000, "baseline": 1000},
    {"id": "orders", "actual": 100, "baseline": 50, "colour": "red"},
    {"id": "aov", "actual": 20, "baseline": "abc"},
]


def test_a_kpi_node_set_aside_leaves_an_unknown_id_in_the_formula_naming_it() -> None:
    nodes = _parsed(KpiNodes, KPI_NODES)
    set_aside = item_errors(set_aside_of(nodes), "nodes", KpiNode, "en")
    result = build_kpi_tree(nodes, language="en", set_aside=set_aside)
    assert [n.id for n in result.nodes] == ["gmv", "aov"]
    codes = {(f.code, f.path) for f in result.findings}
    assert ("item_set_aside", "nodes[1].colour") in codes
    assert ("unknown_id", "nodes[0].formula") in codes  # 'orders' is no node now
    assert ("value_unread", "nodes[2].baseline") in codes  # aov keeps its input position
    [entry] = result.set_aside
    assert (entry.index, entry.name, entry.path) == (1, "orders", "nodes[1].colour")


async def test_build_kpi_tree_through_a_client_reports_the_node_set_aside(client: Client) -> None:
    result = await client.call_tool("build_kpi_tree", {"nodes": KPI_NODES, "language": "en"})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    assert [e["path"] for e in data["set_aside"]] == ["nodes[1].colour"]
    text = result.content[0].text  # type: ignore[union-attr]
    assert "Item 2 (orders) of nodes was set aside" in text and "refers to unknown ids: orders" in text


# --------------------------------------------------------------------------- swot

SWOT_CALL: dict[str, Any] = {
    "strengths": [
        {"text": "渠道覆盖广", "weight": 0.3, "rating": 4},
        {"text": "品牌认知强", "weigth": 0.2},
        {"text": "供应链稳定", "weight": 0.2, "rating": 3},
    ],
    "weaknesses": [{"text": "履约成本高", "weight": 0.3, "rating": 2}, 42],
    "opportunities": ["直播电商渗透率提升"],
    "threats": ["竞品低价补贴"],
    "strategies": [{"type": "SO", "txt": "x"}, {"type": "SO", "text": "用渠道抓直播", "uses": ["S1", "O1"]}],
}


def test_swot_factors_and_strategies_set_aside_per_list() -> None:
    kinds = {"strengths": SwotItemLike, "weaknesses": SwotItemLike, "strategies": StrategyLike}
    lists = {
        name: _parsed(Strengths if kind is SwotItemLike else Strategies, SWOT_CALL[name])
        for name, kind in kinds.items()
    }
    set_aside = {name: item_errors(set_aside_of(lists[name]), name, kind, "zh") for name, kind in kinds.items()}
    result = swot(
        lists["strengths"],
        lists["weaknesses"],
        SWOT_CALL["opportunities"],
        SWOT_CALL["threats"],
        lists["strategies"],
        "zh",
        set_aside=set_aside,
    )
    assert [(f.id, f.path, f.weighted_score) for f in result.strengths] == [
        ("S1", "strengths[0]", 1.2),  # 0.3 × 4
        ("S2", "strengths[2]", 0.6),  # 0.2 × 3: the ids go to the factors analysed, the paths stay
    ]
    assert [f.path for f in result.weaknesses] == ["weaknesses[0]"]
    assert result.ife.score == pytest.approx(2.4) and result.ife.weight_sum == pytest.approx(0.8)  # 1.2 + 0.6 + 0.6
    assert [(s.index, s.uses) for s in result.strategies] == [(1, ["S1", "O1"])]
    assert [(e.index, e.field, e.path) for e in result.set_aside] == [
        (1, "weigth", "strengths[1].weigth"),
        (1, "", "weaknesses[1]"),
        (0, "text", "strategies[0].text"),
    ]
    assert "可用字段：text、id、weight、rating" in result.set_aside[0].message
    assert "strategies[0].txt：不是这里的字段" in result.set_aside[2].message
    assert [f.path for f in result.findings if f.code == SET_ASIDE_CODE] == [e.path for e in result.set_aside]
    assert result.counts.error == 3 and not result.passed


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_swot_through_a_client_sets_the_bad_factors_aside(client: Client, language: str) -> None:
    result = await client.call_tool("swot", {**SWOT_CALL, "language": language})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    assert data["ife"]["score"] == pytest.approx(2.4)
    assert [e["path"] for e in data["set_aside"]] == ["strengths[1].weigth", "weaknesses[1]", "strategies[0].text"]
    text = result.content[0].text  # type: ignore[union-attr]
    said = {
        "zh": "strengths 的第 2 项（品牌认知强）因格式有误未计入：strengths[1].weigth：不是这里的字段",
        "en": "Item 2 (品牌认知强) of strengths was set aside for its shape: strengths[1].weigth: not a",
    }
    assert said[language] in text


async def test_a_swot_list_whose_only_factor_is_bad_is_refused(client: Client) -> None:
    result = await client.call_tool("swot", {**SWOT_CALL, "threats": [{"txt": "竞品低价补贴"}], "language": "en"})
    assert result.is_error
    assert "threats[0].txt: not a field here" in result.content[0].text  # type: ignore[union-attr]


# --------------------------------------------------------------------------- five_whys

WHYS_CALL: dict[str, Any] = {
    "problem": "下单失败率升至 5%",
    "whys": [
        {"answer": "支付接口超时"},
        {"answer": "连接池耗尽", "evidnce": "监控截图"},
        {"answer": "连接泄漏未回收", "verified": True},
        {"answer": "重试风暴放大了超时", "parent": 0},
    ],
    "countermeasures": [
        {"action": "修复连接泄漏", "owner": "张伟", "due": "2025-03-01", "colour": 1},
        {"action": "为连接池加告警", "owner": "李雷", "due": "2025-03-01", "addresses": "R1"},
    ],
    "review_date": "2025-02-10",
}


def test_a_why_set_aside_leaves_the_chain_as_if_it_were_absent() -> None:
    whys = _parsed(Whys, WHYS_CALL["whys"])
    cms = _parsed(Countermeasures, WHYS_CALL["countermeasures"])
    set_aside = {
        "whys": item_errors(set_aside_of(whys), "whys", WhyLike, "en"),
        "countermeasures": item_errors(set_aside_of(cms), "countermeasures", CountermeasureLike, "en"),
    }
    result = five_whys(WHYS_CALL["problem"], whys, None, cms, "en", WHYS_CALL["review_date"], set_aside=set_aside)
    # W3 answers W1 (the why before it that was analysed); ids and indexes are input positions
    assert [(w.index, w.id, w.parent_id) for w in result.whys] == [(0, "W1", None), (2, "W3", "W1"), (3, "W4", "W1")]
    assert [r.why_id for r in result.root_causes] == ["W3", "W4"]
    assert [(c.index, c.root_ids) for c in result.countermeasures] == [(1, ["R1"])]
    assert result.root_causes[0].countermeasures == [1]
    assert [(e.index, e.name, e.path) for e in result.set_aside] == [
        (1, "连接池耗尽", "whys[1].evidnce"),
        (0, "修复连接泄漏", "countermeasures[0].colour"),
    ]
    assert [f.path for f in result.findings if f.code == SET_ASIDE_CODE] == [e.path for e in result.set_aside]


@pytest.mark.parametrize("language", ["zh", "en"])
async def test_five_whys_through_a_client_sets_the_bad_why_aside(client: Client, language: str) -> None:
    result = await client.call_tool("five_whys", {**WHYS_CALL, "language": language})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data is not None
    assert [w["index"] for w in data["whys"]] == [0, 2, 3]
    assert data["counts"]["error"] == 2  # the two items set aside
    text = result.content[0].text  # type: ignore[union-attr]
    said = {
        "zh": "whys 的第 2 项（连接池耗尽）因格式有误未计入：whys[1].evidnce：",
        "en": "Item 2 (连接池耗尽) of whys",
    }
    assert said[language] in text


async def test_a_why_whose_parent_was_set_aside_refuses_naming_both(client: Client) -> None:
    whys = [{"answer": "支付接口超时"}, {"answer": "连接池耗尽", "evidnce": "x"}, {"answer": "连接泄漏", "parent": 1}]
    result = await client.call_tool("five_whys", {"problem": "下单失败", "whys": whys, "language": "en"})
    assert result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert "whys[2].parent: parent '1' names whys[1], which was set aside" in text
    assert "- Item 2 (连接池耗尽) of whys was set aside for its shape: whys[1].evidnce: not a field here" in text
