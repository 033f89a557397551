"""The review document and its analysis: validation, bundles, per-section isolation, data gaps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from fupan_mcp.analysis.five_whys import five_whys
from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.analysis.review import analyze_review
from fupan_mcp.analysis.swot import swot
from fupan_mcp.domain.review import (
    SECTION_IDS,
    FiveWhysInput,
    KpiTreeInput,
    Review,
    SwotInput,
    project_type_key,
)
from fupan_mcp.samples import SAMPLES, load_sample


def review(**fields: Any) -> Review:
    return Review.model_validate({"project": "测试项目", **fields})


# --------------------------------------------------------------------------- the model


def test_only_the_project_is_required() -> None:
    empty = Review(project="P")
    assert empty.metrics == [] and empty.kpi_tree is None and empty.roster == []
    with pytest.raises(ValidationError):
        Review.model_validate({})


def test_unknown_fields_are_refused_with_their_name() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Review.model_validate({"project": "P", "colour": "red"})


def test_every_field_is_described_in_the_schema() -> None:
    schema = Review.model_json_schema()
    for name, prop in schema["properties"].items():
        assert prop.get("description"), name
    for name in ("KpiTreeInput", "SwotInput", "FiveWhysInput", "Phase", "Overview", "Pdca"):
        for field, prop in schema["$defs"][name]["properties"].items():
            assert prop.get("description"), f"{name}.{field}"


@pytest.mark.parametrize(
    ("bundle", "tool", "context"),
    [
        (KpiTreeInput, build_kpi_tree, {"language"}),
        (SwotInput, swot, {"language"}),
        (FiveWhysInput, five_whys, {"language", "review_date"}),
    ],
)
def test_bundle_fields_are_the_tool_arguments(bundle: type[BaseModel], tool: Any, context: set[str]) -> None:
    """A model can paste a tool call's arguments into the review."""
    arguments = set(tool.__code__.co_varnames[: tool.__code__.co_argcount])
    assert set(bundle.model_fields) == arguments - context


def test_pasted_tool_arguments_validate() -> None:
    arguments = {
        "problem": "评论使用占比 15%",
        "whys": ["只在任务流转中协作", {"answer": "通知不足", "evidence": "埋点"}],
        "root_cause": "通知机制不足",
        "countermeasures": ["上线通知中心"],
    }
    chain = FiveWhysInput.model_validate(arguments)
    assert chain.whys[0] == "只在任务流转中协作"


def test_pdca_accepts_one_string_per_step() -> None:
    assert review(pdca={"plan": "锁定目标", "act": ["固化做法"]}).pdca is not None


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("marketing_campaign", "marketing_campaign"),
        ("技术研发与实施", "technical_implementation"),
        ("New product or service development", "product_development"),
        ("其他", None),
        (None, None),
    ],
)
def test_project_type_key(value: str | None, key: str | None) -> None:
    assert project_type_key(value) == key


PROJECT_SAMPLES = ("erp_wms", "b2b_mvp", "midyear_campaign")
"""The project reviews that use every classic section (the incident and campaign samples use fewer)."""


@pytest.mark.parametrize("name", SAMPLES)
def test_every_sample_is_a_valid_review(name: str) -> None:
    sample = Review.model_validate(load_sample(name))
    assert sample.metrics and sample.actions and sample.review_date is not None
    assert all(a.due is None or a.due > sample.review_date for a in sample.actions)


@pytest.mark.parametrize("name", PROJECT_SAMPLES)
def test_samples_are_valid_reviews(name: str) -> None:
    sample = Review.model_validate(load_sample(name))
    assert sample.metrics and sample.actions and sample.risks and sample.swot and sample.pdca
    assert sample.review_date is not None
    assert all(a.due is None or a.due > sample.review_date for a in sample.actions)


def test_erp_sample_keeps_the_keys_the_demo_uses() -> None:
    data = load_sample("erp_wms")
    assert {"project", "project_type", "metrics"} <= set(data)


# --------------------------------------------------------------------------- the analysis


def test_empty_review_is_all_gaps_and_no_crash() -> None:
    analysis = analyze_review(Review(project="P"))
    sections = {gap.section for gap in analysis.data_gaps}
    assert {"overview", "timeline", "goals", "results", "problems", "lessons", "actions"} <= sections
    assert analysis.attainment is None and analysis.failed_sections == []


def test_language_defaults_to_the_review_then_chinese() -> None:
    assert analyze_review(review(language="en")).language == "en"
    assert analyze_review(review()).language == "zh"
    assert analyze_review(review(language="en"), "zh").language == "zh"


def test_a_bad_section_is_a_finding_and_the_rest_is_analysed() -> None:
    analysis = analyze_review(
        review(
            metrics=[{"name": "GMV", "target": "≥1500万元", "actual": "1628万元"}],
            kpi_tree={"nodes": [{"id": "a", "actual": 1}], "root": "missing"},
            five_whys=[{"problem": "P", "whys": [{"answer": "x", "parent": "nowhere"}]}],
        )
    )
    assert analysis.failed_sections == ["kpi_tree", "five_whys"]
    assert analysis.kpi_tree is None and analysis.five_whys == [None]
    assert analysis.attainment is not None and analysis.attainment.summary.achieved == 1
    failed = [f for f in analysis.findings if f.code == "section_failed"]
    assert [f.path for f in failed] == ["kpi_tree.root", "five_whys[0].whys[0].parent"]
    assert all(f.severity == "error" and "。。" not in f.message for f in failed)


def test_an_unreadable_target_is_an_error_finding_for_that_metric() -> None:
    analysis = analyze_review(
        review(metrics=[{"name": "A", "target": "大概吧", "actual": 3}, {"name": "B", "target": "≥2", "actual": 3}])
    )
    assert analysis.attainment is not None and analysis.attainment.summary.achieved == 1
    [error] = [f for f in analysis.findings if f.section == "results"]
    assert error.code == "unreadable_target" and error.path == "metrics[0].target"


def test_a_cyclic_kpi_tree_is_a_finding() -> None:
    analysis = analyze_review(
        review(kpi_tree={"nodes": [{"id": "a", "formula": "b + 1"}, {"id": "b", "formula": "a * 2"}], "root": "a"})
    )
    cycle = [f for f in analysis.findings if f.code == "cycle"]
    assert cycle and cycle[0].path == "kpi_tree.nodes[0].formula" and cycle[0].section == "kpi_tree"


def test_gap_kinds_peak_only_is_unverifiable_missing_actual_is_missing() -> None:
    analysis = analyze_review(
        review(
            metrics=[
                {
                    "name": "DAU",
                    "target": "≥300",
                    "actual": 318,
                    "aggregation": "peak",
                    "target_aggregation": "average",
                },
                {"name": "反馈", "target": "≥50条"},
            ]
        )
    )
    kinds = {gap.subject: gap.kind for gap in analysis.data_gaps if gap.section == "results"}
    assert kinds == {"DAU": "unverifiable", "反馈": "missing"}


def test_kpi_tree_without_baselines_is_one_gap_not_one_per_leaf() -> None:
    analysis = analyze_review(
        review(
            kpi_tree={
                "nodes": [
                    {"id": "act", "formula": "s * r", "unit": "人"},
                    {"id": "s", "actual": 2842},
                    {"id": "r", "actual": "32.5%"},
                    {"id": "x", "formula": "y + 1"},
                    {"id": "y"},
                ],
                "root": "act",
            }
        )
    )
    gaps = [g for g in analysis.data_gaps if g.section == "kpi_tree"]
    assert [g.field for g in gaps].count("baseline") == 1
    assert any(g.field == "actual" and g.subject == "y" for g in gaps)


def test_formula_disagreement_is_an_unverifiable_gap() -> None:
    analysis = analyze_review(
        review(
            kpi_tree={
                "nodes": [
                    {"id": "roi", "formula": "gmv / spend", "actual": 5},
                    {"id": "gmv", "actual": 1628},
                    {"id": "spend", "actual": 479},
                ]
            }
        )
    )
    [gap] = [g for g in analysis.data_gaps if g.kind == "unverifiable"]
    assert gap.section == "kpi_tree" and gap.path == "kpi_tree.nodes[0].actual"


def test_actions_are_checked_against_problems_and_root_causes() -> None:
    analysis = analyze_review(
        review(
            review_date="2025-06-05",
            problems=[{"title": "激活率偏低", "detail": "32.5%"}],
            five_whys=[{"problem": "D30 留存低", "whys": ["a", "b", "c"], "root_cause": "通知机制不足"}],
            actions=[
                {
                    "action": "上线通知中心",
                    "owner": "后端负责人",
                    "due": "2025-07-01",
                    "addresses": "通知机制不足",
                    "priority": "P0",
                    "success_metric": "触达率 ≥ 80%",
                },
                {"action": "优化激活路径", "owner": "产品经理", "due": "2025-05-01", "addresses": "激活率偏低"},
                {"action": "加强沟通"},
            ],
        )
    )
    assert analysis.actions is not None
    codes = [{f.code for f in check.findings} for check in analysis.actions.actions]
    assert not codes[0] & {"addresses_unmatched", "missing_addresses", "due_not_after_review"}
    assert "due_not_after_review" in codes[1]
    assert {"vague_verb", "missing_owner", "missing_due"} <= codes[2]
    fields = {(g.section, g.field) for g in analysis.data_gaps}
    assert {("actions", "owner"), ("actions", "due")} <= fields


def test_risks_without_thresholds_are_gaps() -> None:
    analysis = analyze_review(review(risks=[{"risk": "范围回潮"}]))
    fields = {g.field for g in analysis.data_gaps if g.section == "risks"}
    assert {"yellow_threshold", "red_threshold", "owner"} <= fields


def test_timeline_contradictions_are_findings() -> None:
    analysis = analyze_review(
        review(
            period={"start": "2025-03-01", "end": "2025-02-01"},
            phases=[{"name": "执行", "start": "2025-05-01", "end": "2025-04-01"}],
        )
    )
    codes = {f.code for f in analysis.findings if f.section == "timeline"}
    assert {"period_reversed", "phase_reversed"} <= codes


def test_findings_and_gaps_follow_the_section_order() -> None:
    analysis = analyze_review(Review.model_validate(load_sample("b2b_mvp")))
    order = {section: i for i, section in enumerate(SECTION_IDS)}
    assert [order[f.section] for f in analysis.findings] == sorted(order[f.section] for f in analysis.findings)
    assert [order[g.section] for g in analysis.data_gaps] == sorted(order[g.section] for g in analysis.data_gaps)
    assert analysis.counts.error + analysis.counts.warning + analysis.counts.info == len(analysis.findings)


def test_analysis_is_pure() -> None:
    sample = Review.model_validate(load_sample("midyear_campaign"))
    before = sample.model_dump()
    first = analyze_review(sample)
    assert sample.model_dump() == before
    assert analyze_review(sample) == first


def test_review_date_reaches_the_five_whys_countermeasures() -> None:
    analysis = analyze_review(
        review(
            review_date=dt.date(2025, 6, 5),
            five_whys=[
                {
                    "problem": "P 下降 10%",
                    "whys": ["a", "b", "c"],
                    "countermeasures": [
                        {
                            "action": "上线 X",
                            "owner": "A",
                            "due": "2025-05-01",
                            "success_metric": "≥ 1",
                            "addresses": "R1",
                        }
                    ],
                }
            ],
        )
    )
    assert any(f.code == "countermeasure_due_before_review" for f in analysis.findings)


def test_a_point_written_as_text_and_details_keeps_both() -> None:
    """{'text': ..., 'details': ...} was refused ('text: not a field here') for lessons, problems, factors."""
    from fupan_mcp.domain.review import Point

    point = Point.model_validate({"text": "Canary every config change", "details": "a global push caused it"})
    assert (point.title, point.detail) == ("Canary every config change", "a global push caused it")


def test_sections_under_postmortem_template_names_are_read() -> None:
    """The SRE postmortem's 'What went well' / 'What went wrong' / 'Action items' / 'Lessons learned' were
    refused as unknown fields of the review."""
    from fupan_mcp.domain.review import Review

    review = Review.model_validate(
        {
            "project": "支付网关",
            "review_date": "2024-11-20",
            "objectives": ["成功率 ≥ 99.9%"],
            "what_went_well": ["告警 2 分钟内触发"],
            "what_went_wrong": ["回滚脚本缺少权限"],
            "lessons_learned": ["配置变更必须灰度"],
            "action_items": [{"action": "为配置推送加灰度", "owner": "SRE", "due": "下周五"}],
        }
    )
    assert review.goals == ["成功率 ≥ 99.9%"]
    assert [p if isinstance(p, str) else p.title for p in review.went_well] == ["告警 2 分钟内触发"]
    assert [p if isinstance(p, str) else p.title for p in review.went_wrong] == ["回滚脚本缺少权限"]
    went_well = Review.model_validate({"project": "P", "went_well": ["a"], "success_factors": ["b"]})
    assert (went_well.went_well, went_well.success_factors) == (["a"], ["b"])  # the section itself stays
    assert [p if isinstance(p, str) else p.title for p in review.lessons] == ["配置变更必须灰度"]
    assert review.actions[0].due == dt.date(2024, 11, 29)  # 下周五 of Wednesday 2024-11-20
