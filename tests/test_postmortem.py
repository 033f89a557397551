"""Incident postmortems: the bundled SRE-book sample in en and zh, typed actions and their checks,
the prompt, the checklist, the SLO template, the check_timeline tool and what a stored review keeps."""

from __future__ import annotations

import math
from typing import Any

import pytest
from mcp import Client

from fupan_mcp.analysis.actions import check_actions, is_ticket, people_fixes, root_cause_coverage
from fupan_mcp.analysis.kpi_templates import template_nodes
from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.knowledge import read_knowledge
from fupan_mcp.prompting import render_review_prompt
from fupan_mcp.report.render import render_report
from fupan_mcp.samples import load_sample

INCIDENT = "shakespeare_outage"


def incident_document(name: str = INCIDENT) -> dict[str, Any]:
    """The incident sample as a plain document."""
    return load_sample(name)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_sre_book_postmortem_renders_as_a_postmortem(language: str) -> None:
    result = render_report(incident_document(), depth="standard", language=language)  # type: ignore[arg-type]
    assert result.sections[:8] == [
        "summary",
        "impact",
        "trigger",
        "root_causes",
        "five_whys",
        "detection",
        "resolution",
        "incident_timeline",
    ]
    assert (
        result.sections.index("went_well") < result.sections.index("went_wrong") < result.sections.index("where_lucky")
    )
    assert result.sections.index("where_lucky") < result.sections.index("lessons") < result.sections.index("actions")
    assert result.sections[-2:] == ["supporting", "gaps"]
    assert result.findings.error == 0 and result.failed_sections == []
    timeline = result.timeline
    assert timeline is not None
    # 14:54 outage begins, 14:55 paged, 15:36 mitigated, 16:00 outage ends, 16:30 incident ends
    assert (timeline.time_to_detect_minutes, timeline.time_to_mitigate_minutes) == (1, 42)
    assert (timeline.time_to_resolve_minutes, timeline.impact_duration_minutes) == (96, 66)
    assert result.severity is not None and result.severity.rank == 1
    content = result.content
    if language == "en":
        for heading in ("Summary", "Impact", "Trigger", "Root causes", "Detection", "Resolution", "Timeline"):
            assert f". {heading}\n" in content
        assert "## 11. Where we got lucky" in content and "A mailing list of Shakespeare enthusiasts" in content
        assert "**Time to mitigate**: 42 min (14:54 → 15:36)" in content
        assert "| Time to resolve | resolved − impact start | 14:54 → 16:30 | 1 h 36 min |" in content
        assert "Action items" in content and "| Bug 5554825 |" in content
    else:
        assert "侥幸之处" in content and "止损与解决" in content and "事件时间线" in content
        assert "**止损用时**：42分钟（14:54 → 15:36）" in content
        assert "1小时36分钟" in content and "行动项" in content
    # the roster turns the on-call engineer's name into the role, in the timeline too
    assert "docbrown" not in content and result.masked_count >= 1


def test_root_causes_are_answered_and_prevented_in_the_sample() -> None:
    result = render_report(incident_document(), depth="full", language="en")
    assert "4 root causes: 4 answered by an action, 3 by a prevent action." in result.content
    # the chain's root cause is answered by the review's actions: no 'no countermeasure' warning left
    assert "has no countermeasure" not in result.content


def test_a_classic_review_keeps_its_layout() -> None:
    result = render_report(load_sample("b2b_mvp"), depth="standard", language="zh")
    assert result.sections[0] == "overview" and result.timeline is None
    assert not {"summary", "impact", "incident_timeline", "where_lucky", "root_causes"} & set(result.sections)


def test_an_incident_without_its_sections_lists_them_as_gaps() -> None:
    result = render_report({"project": "Payments API", "project_type": "incident"}, language="en")
    fields = {gap.field for gap in result.data_gaps}
    assert {"timeline", "trigger", "detection", "resolution", "where_lucky", "severity", "impact"} <= fields
    assert "where_lucky" in result.sections and "incident_timeline" in result.sections


def test_people_fixes_are_flagged_with_a_systemic_rewrite() -> None:
    for text in (
        "Be more careful when editing the load balancer",
        "加强责任心,杜绝此类错误",
        "Remind the engineer to check",
    ):
        assert people_fixes(text), text
    assert people_fixes("Add a pre-deploy check that blocks configs without a canary") == []
    actions = [
        ActionItem(action="Remind the on-call engineers to double-check the config", owner="SRE lead"),
        ActionItem(action="加强运维人员责任心", owner="运维经理"),
    ]
    result = check_actions(actions, language="en")
    flagged = [f for check in result.actions for f in check.findings if f.code == "people_fix"]
    assert [f.path for f in flagged] == ["actions[0]", "actions[1]"]
    assert "change to the system" in flagged[0].message


def test_a_ticket_is_not_a_measurable_result() -> None:
    assert is_ticket("PROJ-123") and is_ticket("https://tracker.example/browse/OPS-9") and is_ticket("Bug 5554823")
    assert not is_ticket("p99 latency < 300 ms")
    item = ActionItem(action="Add load shedding", success_metric="OPS-42", ticket="OPS-42", kind="Prevention")
    assert item.kind == "prevent" and item.ticket == "OPS-42"
    check = check_actions([item], language="en").actions[0]
    assert check.checklist.metric is False and [f.code for f in check.findings if "metric" in f.code] == [
        "metric_is_ticket"
    ]


def test_every_root_cause_needs_an_action_and_a_prevention() -> None:
    actions = [
        ActionItem(action="Roll back faster", kind="mitigate", addresses="Bad config pushed to all regions at once"),
        ActionItem(action="Stage config pushes region by region", kind="prevent", addresses="No staged rollout"),
    ]
    causes = [
        ("Bad config pushed to all regions at once", "contributing_factors[0]"),
        ("No staged rollout for config changes", "contributing_factors[1]"),
        ("Alert thresholds too loose", "contributing_factors[2]"),
    ]
    coverage = root_cause_coverage(actions, causes, "en")
    assert [(c.answered, c.prevented, c.actions) for c in coverage.causes] == [
        (True, False, [0]),
        (True, True, [1]),
        (False, False, []),
    ]
    assert [(f.code, f.path) for f in coverage.findings] == [
        ("no_prevent_action", "contributing_factors[0]"),
        ("root_cause_unanswered", "contributing_factors[2]"),
    ]
    assert (coverage.answered, coverage.prevented) == (2, 1)


def test_the_prompt_walks_an_incident_postmortem() -> None:
    tools = ["check_timeline", "compute_attainment", "five_whys", "check_actions", "render_report"]
    for language in ("en", "zh"):
        text = render_review_prompt(
            project_info="Payments outage", project_type="incident", language=language, tools=tools
        )  # type: ignore[arg-type]
        timeline, impact, causes = (text.index(w) for w in ("check_timeline", "reported_only", "five_whys"))
        assert timeline < impact < causes
        assert "where_lucky" in text and "prevent" in text
    classic = render_review_prompt(project_info="CRM rollout", project_type="新产品", language="zh", tools=tools)
    assert "check_timeline" not in classic and "GRAI" in classic


def test_the_incident_checklist_and_the_slo_template() -> None:
    checklist = read_knowledge("checklist-incident")
    assert "slo_availability" in checklist and "where_lucky" not in checklist and "侥幸之处" in checklist
    values = {"good_requests": 999_000, "valid_requests": 1_000_000, "slo_target": 99.9}
    values |= {"bad_minutes": 66, "window_minutes": 43_200}
    nodes = [n.model_copy(update={"actual": values.get(n.id)}) for n in template_nodes("slo_availability", "en")]
    result = build_kpi_tree(nodes, "availability", None, "en")
    used = {e.id: e.actual.used for e in result.evaluations}
    assert used["availability"] == pytest.approx(99.9)
    assert used["failed_requests"] == pytest.approx(1_000)
    assert used["budget_consumed"] == pytest.approx(1.0)  # 1,000 failed / (1,000,000 x 0.1%)
    assert used["budget_minutes"] == pytest.approx(43.2)  # 43,200 x 0.1%
    assert used["time_availability"] == pytest.approx(100 * (1 - 66 / 43_200))


def test_the_english_campaign_sample_splits_its_growth_by_lmdi() -> None:
    result = render_report(load_sample("bfcm_campaign"), depth="standard", language="en")
    assert result.language == "en" and "kpi_tree" in result.sections and result.findings.error == 0
    # sales = shoppers x orders per shopper x average cart; LMDI weight L = dV / ln(V1 / V0)
    v0, v1 = 52e6 * 1.41 * 102.31, 61e6 * 1.41 * 108.12
    weight = (v1 - v0) / math.log(v1 / v0)
    shoppers = weight * math.log(61 / 52)
    cart = weight * math.log(108.12 / 102.31)
    # in the scale the report writes sales in, four digits at least: $1.336B, $462.21M
    assert f"+${shoppers / 1e9:,.3f}B" in result.content
    assert f"+${cart / 1e6:,.2f}M" in result.content
    assert shoppers + cart == pytest.approx(v1 - v0)


@pytest.mark.anyio
async def test_check_timeline_tool_returns_and_stores_the_durations(client: Client) -> None:
    events = incident_document()["timeline"]
    result = await client.call_tool("check_timeline", {"timeline": events, "timezone": "UTC", "language": "en"})
    assert not result.is_error
    data = result.structured_content or {}
    assert (data["time_to_detect_minutes"], data["time_to_mitigate_minutes"], data["time_to_resolve_minutes"]) == (
        1,
        42,
        96,
    )
    text = "\n".join(getattr(block, "text", "") for block in result.content)
    assert "| Time to mitigate | mitigated − impact start |" in text

    created = await client.call_tool("create_review", {"project": "Shakespeare search", "project_type": "incident"})
    review_id = (created.structured_content or {})["review"]["id"]
    stored = await client.call_tool(
        "check_timeline", {"timeline": events, "timezone": "UTC", "review_id": review_id, "language": "en"}
    )
    assert not stored.is_error
    record = (await client.call_tool("get_review", {"review_id": review_id})).structured_content or {}
    assert len(record["sections"]["timeline"]) == len(events)
    assert record["sections"]["timezone"] == "UTC"
    assert record["sections"]["results.check_timeline"]["impact_duration_minutes"] == 66
    rendered = await client.call_tool("render_report", {"review_id": review_id, "language": "en"})
    assert (rendered.structured_content or {})["timeline"]["time_to_resolve_minutes"] == 96


@pytest.mark.anyio
async def test_check_timeline_tool_refuses_a_malformed_event(client: Client) -> None:
    result = await client.call_tool("check_timeline", {"timeline": [{"text": "回调超时告警"}]})
    assert result.is_error  # no time at all: nothing to place it by (a blank text is only a warning)


@pytest.mark.anyio
async def test_a_stored_action_keeps_its_kind_and_ticket(client: Client) -> None:
    action = {"action": "Add load shedding", "kind": "prevent", "ticket": "OPS-7", "owner": "SRE lead"}
    created = await client.call_tool(
        "create_review",
        {
            "project": "Payments API",
            "project_type": "incident",
            "review": {"project": "Payments API", "actions": [action]},
        },
    )
    assert not created.is_error, created.content
    stored = (created.structured_content or {})["review"]["actions"][0]
    assert (stored["kind"], stored["ticket"]) == ("prevent", "OPS-7")
