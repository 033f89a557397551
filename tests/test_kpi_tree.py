"""build_kpi_tree: evaluation, checks, change decomposition, templates and rendering (methods.md §3)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupan_mcp.analysis.kpi_templates import TEMPLATE_KEYS, list_templates, template_nodes
from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.domain.kpi import KpiNode, KpiNodeEvaluation, KpiTreeResult
from fupan_mcp.errors import InputError
from fupan_mcp.limits import MAX_KPI_NODES
from fupan_mcp.report.diagrams import kpi_flowchart
from fupan_mcp.report.tool_text import kpi_tree_text

Node = dict[str, Any]


def revenue_tree() -> list[Node]:
    """methods.md §3, test vector 1."""
    return [
        {
            "id": "revenue",
            "name": "收入",
            "formula": "traffic * cvr * aov",
            "actual": 11_880,
            "baseline": 10_000,
        },
        {"id": "traffic", "name": "流量", "actual": 12_000, "baseline": 10_000},
        {"id": "cvr", "name": "转化率", "actual": "1.8%", "baseline": "2%"},
        {"id": "aov", "name": "客单价", "actual": 55, "baseline": 50, "unit": "元"},
    ]


def roi_tree() -> list[Node]:
    """methods.md §3, test vector 2."""
    return [
        {"id": "roi", "formula": "gmv / spend", "actual": 2.0, "baseline": 2.5},
        {"id": "gmv", "actual": 1200, "baseline": 1000},
        {"id": "spend", "actual": 600, "baseline": 400},
    ]


def contributions(result: KpiTreeResult) -> dict[str, float]:
    assert result.decomposition is not None
    return {c.id: c.value for c in result.decomposition.contributions}


def evaluation(result: KpiTreeResult, node_id: str) -> KpiNodeEvaluation:
    return next(e for e in result.evaluations if e.id == node_id)


def assert_sums_to_total(result: KpiTreeResult) -> None:
    decomposition = result.decomposition
    assert decomposition is not None
    explained = sum(c.value for c in decomposition.contributions) + decomposition.residual
    assert explained == pytest.approx(decomposition.total_change, rel=1e-6, abs=1e-9)


def codes(result: KpiTreeResult) -> list[str]:
    return [f.code for f in result.findings]


# --------------------------------------------------------------------------- test vectors


def test_vector_1_lmdi_to_the_cent() -> None:
    result = build_kpi_tree(revenue_tree())
    assert result.root == "revenue"
    values = contributions(result)
    assert round(values["traffic"], 2) == 1989.68
    assert round(values["cvr"], 2) == -1149.80
    assert round(values["aov"], 2) == 1040.12
    assert result.decomposition is not None
    assert result.decomposition.method == "lmdi"
    assert result.decomposition.total_change == 1880
    assert abs(result.decomposition.residual) < 1e-9
    assert_sums_to_total(result)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        (["traffic", "cvr", "aov"], {"traffic": 2000, "cvr": -1200, "aov": 1080}),
        (["aov", "cvr", "traffic"], {"traffic": 1980, "cvr": -1100, "aov": 1000}),
    ],
)
def test_vector_1_chain_substitution(order: list[str], expected: dict[str, float]) -> None:
    result = build_kpi_tree(revenue_tree(), method="chain", order=order)
    assert {k: round(v, 2) for k, v in contributions(result).items()} == expected
    assert result.decomposition is not None
    assert result.decomposition.order == order
    assert evaluation(result, "revenue").decomposition_method == "chain"
    assert_sums_to_total(result)


def test_vector_1_shapley_is_exact_and_between_the_chains() -> None:
    result = build_kpi_tree(revenue_tree(), method="shapley")
    values = contributions(result)
    assert 1980 < values["traffic"] < 2000
    assert_sums_to_total(result)


def test_vector_2_ratio_by_lmdi() -> None:
    result = build_kpi_tree(roi_tree())
    values = contributions(result)
    assert round(values["gmv"], 4) == 0.4085
    assert round(values["spend"], 4) == -0.9085
    assert_sums_to_total(result)


def test_elasticities_follow_the_formula_shape() -> None:
    result = build_kpi_tree(roi_tree())
    assert evaluation(result, "roi").elasticity == 1
    assert evaluation(result, "gmv").elasticity == 1
    assert evaluation(result, "spend").elasticity == -1
    tree: list[Node] = [
        {"id": "total", "formula": "a + b", "actual": 100, "baseline": 90},
        {"id": "a", "formula": "p * q", "actual": 75, "baseline": 60},
        {"id": "b", "actual": 25, "baseline": 30},
        {"id": "p", "actual": 15, "baseline": 12},
        {"id": "q", "actual": 5, "baseline": 5},
    ]
    result = build_kpi_tree(tree)
    assert evaluation(result, "a").elasticity == pytest.approx(0.75)
    assert evaluation(result, "b").elasticity == pytest.approx(0.25)
    assert evaluation(result, "p").elasticity == pytest.approx(0.75)  # 0.75 × (+1) along the path


def test_shares_and_node_contributions() -> None:
    result = build_kpi_tree(revenue_tree())
    root = evaluation(result, "revenue")
    assert root.contribution == 1880
    assert root.share == 1
    cvr = evaluation(result, "cvr")
    assert cvr.share == pytest.approx(-1149.80 / 1880, abs=1e-5)
    assert cvr.change_abs == pytest.approx(-0.2)  # percentage points
    assert cvr.change_rel == pytest.approx(-0.1)
    assert cvr.unit == "%"


# --------------------------------------------------------------------------- hierarchy


def ecommerce(gmv_actual: float | str = 11_880) -> list[Node]:
    return [
        {"id": "gmv", "formula": "traffic * cvr * aov", "actual": gmv_actual, "baseline": 10_000},
        {"id": "traffic", "formula": "paid + live + private"},
        {"id": "paid", "actual": 6000, "baseline": 6000},
        {"id": "live", "actual": 4500, "baseline": 2500},
        {"id": "private", "actual": 1500, "baseline": 1500},
        {"id": "cvr", "actual": 1.8, "baseline": 2, "unit": "%"},
        {"id": "aov", "actual": 55, "baseline": 50},
    ]


def test_hierarchical_split_passes_shares_down() -> None:
    result = build_kpi_tree(ecommerce())
    values = contributions(result)
    assert set(values) == {"paid", "live", "private", "cvr", "aov"}
    assert round(values["live"], 2) == 1989.68  # the whole traffic effect came from live
    assert values["paid"] == 0
    assert evaluation(result, "traffic").actual.computed == 12_000
    assert evaluation(result, "traffic").contribution == pytest.approx(1989.68, abs=0.005)
    assert evaluation(result, "traffic").decomposition_method == "additive"
    assert_sums_to_total(result)


def test_offsetting_inputs_of_an_unchanged_node_sum_exactly() -> None:
    tree = ecommerce()
    tree[3].update(actual=2500)  # live unchanged
    tree[2].update(actual=7000)  # paid +1000
    tree[4].update(actual=500)  # private −1000: traffic stays at 10,000
    tree[0].update(actual=9900)
    result = build_kpi_tree(tree)
    values = contributions(result)
    assert values["paid"] == pytest.approx(-values["private"])
    assert values["paid"] > 0
    assert_sums_to_total(result)


def test_shared_input_is_counted_on_every_path() -> None:
    tree: list[Node] = [
        {"id": "profit", "formula": "revenue - spend", "actual": 600, "baseline": 600},
        {"id": "revenue", "formula": "spend * roas"},
        {"id": "spend", "actual": 400, "baseline": 300},
        {"id": "roas", "actual": 2.5, "baseline": 3},
    ]
    result = build_kpi_tree(tree)
    values = contributions(result)
    assert set(values) == {"spend", "roas"}
    assert_sums_to_total(result)


@pytest.mark.parametrize("method", ["lmdi", "chain", "shapley"])
def test_zeros_and_negatives_fall_back_and_still_sum_exactly(method: str) -> None:
    tree: list[Node] = [
        {"id": "profit", "formula": "units * margin", "actual": 300, "baseline": 0},
        {"id": "units", "actual": 100, "baseline": 0},
        {"id": "margin", "actual": 3, "baseline": -2},
    ]
    result = build_kpi_tree(tree, method=method)  # type: ignore[arg-type]
    assert_sums_to_total(result)
    assert result.decomposition is not None
    if method == "lmdi":
        assert result.decomposition.fallback_nodes == ["profit"]
        assert evaluation(result, "profit").decomposition_method == "shapley"


def test_mixed_formula_uses_shapley() -> None:
    tree: list[Node] = [
        {"id": "y", "formula": "(a + b) * c", "actual": 36, "baseline": 10},
        {"id": "a", "actual": 4, "baseline": 3},
        {"id": "b", "actual": 5, "baseline": 2},
        {"id": "c", "actual": 4, "baseline": 2},
    ]
    result = build_kpi_tree(tree)
    assert evaluation(result, "y").decomposition_method == "shapley"
    assert result.decomposition is not None
    assert result.decomposition.fallback_nodes == ["y"]
    assert_sums_to_total(result)


def test_many_inputs_beyond_the_shapley_cap_use_the_chain_average() -> None:
    ids = [f"x{i}" for i in range(12)]
    tree: list[Node] = [{"id": "y", "formula": " * ".join(ids)}]
    tree += [{"id": i, "actual": 2, "baseline": 0 if i == "x0" else 1} for i in ids]
    result = build_kpi_tree(tree)
    assert evaluation(result, "y").decomposition_method == "chain_average"
    assert_sums_to_total(result)


def test_inconsistent_node_leaves_a_residual_and_still_sums() -> None:
    result = build_kpi_tree(ecommerce(gmv_actual=13_000))
    assert result.decomposition is not None
    assert result.decomposition.residual == pytest.approx(13_000 - 11_880)
    assert_sums_to_total(result)


def test_percent_root_contributions_are_percentage_points() -> None:
    tree: list[Node] = [
        {"id": "d30", "formula": "d7 * keep", "unit": "%"},
        {"id": "d7", "actual": "28.6%", "baseline": "25%"},
        {"id": "keep", "actual": "60%", "baseline": "60%"},
    ]
    result = build_kpi_tree(tree)
    root = evaluation(result, "d30")
    assert root.actual.computed == pytest.approx(17.16)
    assert result.decomposition is not None
    assert result.decomposition.total_change == pytest.approx(2.16)
    assert contributions(result)["d7"] == pytest.approx(2.16)
    assert "| d7 | +2.16 个百分点 | 100% |" in kpi_tree_text(result)


# --------------------------------------------------------------------------- seed figures and checks


def test_seed_activation_from_signups() -> None:
    tree: list[Node] = [
        {"id": "激活用户", "name": "激活用户数", "formula": "注册数 * 激活率", "actual": 924},
        {"id": "注册数", "actual": "2,842"},
        {"id": "激活率", "actual": "32.5%"},
    ]
    result = build_kpi_tree(tree)
    activated = evaluation(result, "激活用户")
    assert activated.actual.computed == pytest.approx(923.65)
    assert activated.actual.used == 924  # the reported value is the one used
    assert activated.actual.consistent is True
    assert "inconsistent" not in codes(result)


def test_seed_roi_is_consistent_with_reported_value() -> None:
    tree: list[Node] = [
        {"id": "roi", "formula": "gmv / spend", "actual": 3.4},
        {"id": "gmv", "actual": "1628万", "unit": "元"},
        {"id": "spend", "actual": "479万", "unit": "元"},
    ]
    result = build_kpi_tree(tree)
    roi = evaluation(result, "roi")
    assert roi.actual.computed == pytest.approx(3.3987, abs=1e-4)
    assert roi.actual.consistent is True
    assert "inconsistent" not in codes(result)
    assert evaluation(result, "gmv").actual.used == 16_280_000


def test_gmv_not_reproduced_by_its_drivers_is_flagged() -> None:
    tree: list[Node] = [
        {"id": "gmv", "formula": "traffic * cvr * aov", "actual": "1628万"},
        {"id": "traffic", "actual": 2_000_000},
        {"id": "cvr", "actual": "2%"},
        {"id": "aov", "actual": 300},
    ]
    result = build_kpi_tree(tree)
    gmv = evaluation(result, "gmv")
    assert gmv.actual.computed == pytest.approx(12_000_000)
    assert gmv.actual.consistent is False
    assert "inconsistent" in gmv.flags
    finding = next(f for f in result.findings if f.code == "inconsistent")
    assert finding.path == "nodes[0].actual"
    assert finding.severity == "warning"
    assert "1,628万" in finding.message and "1,200万" in finding.message  # the report's formatter
    assert "| gmv | traffic × cvr × aov | 1,628万 | 1,200万 | 35.7% |" in kpi_tree_text(result)


def test_tolerance_can_be_set_per_node() -> None:
    tree: list[Node] = [
        {"id": "roi", "formula": "gmv / spend", "actual": 3.4, "tolerance": 0.0001},
        {"id": "gmv", "actual": 1628},
        {"id": "spend", "actual": 479},
    ]
    assert "inconsistent" in codes(build_kpi_tree(tree))


def test_cycle_is_named_and_the_rest_is_evaluated() -> None:
    tree: list[Node] = [
        {"id": "top", "formula": "a + c", "actual": 10, "baseline": 8},
        {"id": "a", "formula": "b * 2", "actual": 6, "baseline": 4},
        {"id": "b", "formula": "a / 2", "actual": 3, "baseline": 2},
        {"id": "c", "actual": 4, "baseline": 4},
    ]
    result = build_kpi_tree(tree)
    cycle = next(f for f in result.findings if f.code == "cycle")
    assert "a → b → a" in cycle.message or "b → a → b" in cycle.message
    assert "cycle" in evaluation(result, "a").flags
    assert "cycle" in evaluation(result, "b").flags
    assert evaluation(result, "top").actual.computed == 10
    assert_sums_to_total(result)


def test_self_reference_is_a_cycle() -> None:
    result = build_kpi_tree([{"id": "x", "formula": "x + 1", "actual": 1}], root="x")
    assert "cycle" in codes(result)


def test_unknown_id_is_reported_and_the_node_kept() -> None:
    tree: list[Node] = [
        {"id": "gmv", "formula": "traffic * cvr * aovv", "actual": 100, "baseline": 90},
        {"id": "traffic", "actual": 10, "baseline": 9},
        {"id": "cvr", "actual": 1, "baseline": 1},
        {"id": "aov", "actual": 10, "baseline": 10},
    ]
    result = build_kpi_tree(tree, root="gmv")
    finding = next(f for f in result.findings if f.code == "unknown_id")
    assert "aovv" in finding.message
    assert finding.path == "nodes[0].formula"
    assert evaluation(result, "gmv").actual.used == 100
    assert contributions(result) == {"gmv": 10}


def test_division_by_zero_is_a_finding() -> None:
    tree: list[Node] = [
        {"id": "roi", "formula": "gmv / spend"},
        {"id": "gmv", "actual": 1200, "baseline": 1000},
        {"id": "spend", "actual": 0, "baseline": 400},
    ]
    result = build_kpi_tree(tree)
    assert "division_by_zero" in codes(result)
    roi = evaluation(result, "roi")
    assert roi.actual.computed is None
    assert roi.baseline.computed == 2.5
    assert result.decomposition is None


def test_formula_errors_are_findings_with_position() -> None:
    tree: list[Node] = [
        {"id": "a", "formula": "b ** 2", "actual": 4},
        {"id": "b", "actual": 2},
    ]
    result = build_kpi_tree(tree, root="a", language="en")
    finding = next(f for f in result.findings if f.code == "formula_error")
    assert "character 3" in finding.message
    assert finding.path == "nodes[0].formula"


def test_missing_leaf_is_a_data_gap() -> None:
    tree = revenue_tree()
    del tree[3]["baseline"]
    result = build_kpi_tree(tree)
    gap = next(g for g in result.data_gaps if g.subject == "aov")
    assert gap.field == "baseline"
    assert gap.path == "nodes[3]"
    assert "missing_leaf" in evaluation(result, "aov").flags
    assert evaluation(result, "revenue").baseline.computed is None
    assert evaluation(result, "revenue").baseline.used == 10_000
    assert result.decomposition is not None  # the root's own values are reported
    assert contributions(result) == {"revenue": 1880}


def test_missing_root_change_gives_no_decomposition() -> None:
    tree: list[Node] = [
        {"id": "gmv", "formula": "a * b"},
        {"id": "a", "actual": 2},
        {"id": "b", "actual": 3},
    ]
    result = build_kpi_tree(tree)
    assert result.decomposition is None
    assert "no_decomposition" in codes(result)
    assert {(g.subject, g.field) for g in result.data_gaps} == {("a", "baseline"), ("b", "baseline")}


def test_deep_chain_of_ten_thousand_nodes() -> None:
    depth = 10_000
    tree: list[Node] = [{"id": f"n{i}", "formula": f"n{i + 1} * 1"} for i in range(depth - 1)]
    tree.append({"id": f"n{depth - 1}", "actual": 5, "baseline": 4})
    result = build_kpi_tree(tree)  # evaluated iteratively: no RecursionError at this depth
    assert result.root == "n0"
    assert evaluation(result, "n0").actual.computed == 5
    assert contributions(result) == {f"n{depth - 1}": 1}


def test_wide_tree_of_ten_thousand_nodes_sums_exactly() -> None:
    tree: list[Node] = [{"id": "root", "formula": " + ".join(f"g{g}" for g in range(50))}]
    for g in range(50):
        tree.append({"id": f"g{g}", "formula": " + ".join(f"p{g}_{k}" for k in range(66))})
        for k in range(66):
            tree.append({"id": f"p{g}_{k}", "formula": f"x{g}_{k} * y{g}_{k}"})
            tree.append({"id": f"x{g}_{k}", "actual": 10 + k, "baseline": 9 + k})
            tree.append({"id": f"y{g}_{k}", "actual": 2 + g / 10, "baseline": 2})
    result = build_kpi_tree(tree)
    assert len(result.evaluations) == len(tree)
    assert_sums_to_total(result)


# --------------------------------------------------------------------------- input errors


@pytest.mark.parametrize(("written", "key"), [("lots", "actual"), ("12..5", "baseline"), ("abc万", "target")])
def test_one_unreadable_value_is_reported_for_its_node_and_the_tree_is_computed(written: str, key: str) -> None:
    nodes = [
        {"id": "gmv", "formula": "orders * aov", "actual": 2000, "baseline": 1000},
        {"id": "orders", "actual": 100, "baseline": 50, key: written},
        {"id": "aov", "actual": 20, "baseline": 20},
    ]
    for language, words in (("zh", "无法使用"), ("en", "cannot be used")):
        result = build_kpi_tree(nodes, language=language)
        unread = [f for f in result.findings if f.code == "value_unread"]
        assert [(f.path, f.severity) for f in unread] == [(f"nodes[1].{key}", "error")]
        assert words in unread[0].message and written in unread[0].message
        orders = next(e for e in result.evaluations if e.id == "orders")
        assert getattr(orders, key).reported is None and "value_unread" in orders.flags
        gmv = next(e for e in result.evaluations if e.id == "gmv")
        assert gmv.actual.reported == 2000  # the other nodes are still read
        if key == "target":  # nothing the split needs is missing: the root's change is still split
            assert result.decomposition is not None and result.decomposition.contributions


def test_a_value_whose_unit_clashes_with_the_node_is_reported_for_that_node() -> None:
    result = build_kpi_tree([{"id": "a", "actual": "12%", "baseline": 10, "unit": "元"}], language="en")
    unread = [f for f in result.findings if f.code == "value_unread"]
    assert [f.path for f in unread] == ["nodes[0].actual"] and "unit" in unread[0].message
    assert result.evaluations[0].baseline.reported == 10


def test_a_template_node_keeps_its_unreadable_value_reported() -> None:
    result = build_kpi_tree([{"id": "traffic", "actual": "n/a?"}], template="ecommerce_gmv")
    assert [f.path for f in result.findings if f.code == "value_unread"] == ["nodes[0].actual"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"nodes": [{"id": "a"}, {"id": "a"}]}, "nodes[1].id"),
        ({"nodes": [{"id": "a b"}]}, "nodes[0].id"),
        ({"nodes": [{"id": "sum"}]}, "nodes[0].id"),
        ({"nodes": [{"id": "a", "colour": "red"}]}, "nodes[0].colour"),
        ({"nodes": []}, "nodes"),
        ({"nodes": [{"id": "a"}], "template": "rocket_launch"}, "template"),
        ({"nodes": [{"id": "a"}], "root": "b"}, "root"),
        ({"nodes": [{"id": "a"}, {"id": "b"}]}, "root"),
        ({"nodes": [{"id": "a"}], "method": "magic"}, "method"),
        ({"nodes": [{"id": "a"}], "language": "fr"}, "language"),
        ({"nodes": [{"id": "a"}], "order": ["a"]}, "order"),
        ({"nodes": [{"id": "a"}], "method": "chain", "order": ["a", "z"]}, "order[1]"),
        ({"nodes": [{"id": "a"}], "method": "chain", "order": ["a", "a"]}, "order[1]"),
    ],
)
def test_whole_input_errors_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        build_kpi_tree(**kwargs)
    assert caught.value.field == field
    assert caught.value.reason


def test_too_many_nodes() -> None:
    with pytest.raises(InputError) as caught:
        build_kpi_tree([{"id": "a"}] * (MAX_KPI_NODES + 1))
    assert caught.value.field == "nodes"


def test_values_as_people_write_them() -> None:
    node = KpiNode.model_validate({"id": "gmv", "actual": "1,628万", "baseline": "", "target": "¥1800万"})
    assert node.actual == 16_280_000
    assert node.baseline is None
    assert node.unit == "元"
    assert KpiNode.model_validate({"id": "d7", "actual": "28.6%"}).unit == "%"
    assert KpiNode.model_validate({"id": "lead", "actual": "90min", "unit": "h"}).actual == 1.5


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_skeleton(key: str) -> None:
    result = build_kpi_tree(template=key)
    assert result.template == key
    assert result.nodes
    assert all(n.actual is None and n.baseline is None for n in result.nodes)
    assert any(n.formula for n in result.nodes)
    assert not [f for f in result.findings if f.severity == "error"]
    assert result.decomposition is None
    assert result.data_gaps  # every leaf is still to be filled
    assert "模板骨架" in kpi_tree_text(result)
    assert kpi_flowchart(result, "zh").startswith("flowchart TD")


def test_templates_are_listed_in_both_languages() -> None:
    zh = {t.key: t for t in list_templates("zh")}
    en = {t.key: t for t in list_templates("en")}
    assert {"ecommerce_gmv", "saas_funnel", "it_delivery"} <= set(zh)
    assert zh["ecommerce_gmv"].name != en["ecommerce_gmv"].name
    assert zh["saas_funnel"].root == "retained_users"
    assert template_nodes("ecommerce_gmv", "en")[0].name == "GMV"


def test_template_filled_by_id() -> None:
    values: list[Node] = [
        {"id": "paid_traffic", "actual": 6000, "baseline": 6000},
        {"id": "creator_traffic", "actual": 4500, "baseline": 2500},
        {"id": "private_traffic", "actual": 1500, "baseline": 1500},
        {"id": "cvr", "actual": 1.8, "baseline": 2},
        {"id": "aov", "actual": 55, "baseline": 50},
        {"id": "ad_spend", "actual": 3000, "baseline": 2500},
        {"id": "extra", "name": "Extra KPI", "actual": 1},
    ]
    result = build_kpi_tree(values, template="ecommerce_gmv")
    assert result.root == "gmv"
    gmv = evaluation(result, "gmv")
    assert gmv.actual.computed == pytest.approx(11_880)
    assert gmv.name == "GMV（成交总额）"
    assert evaluation(result, "cvr").unit == "%"
    assert evaluation(result, "roi").actual.computed == pytest.approx(3.96)
    assert evaluation(result, "paid_traffic").path == "nodes[0]"
    assert evaluation(result, "roi").path == "template.roi"
    assert [n.id for n in result.nodes][-1] == "extra"
    assert round(contributions(result)["creator_traffic"], 2) == 1989.68
    assert_sums_to_total(result)


def test_saas_template_reproduces_the_seed_funnel() -> None:
    values: list[Node] = [{"id": "signups", "actual": 2842}, {"id": "activation_rate", "actual": "32.5%"}]
    result = build_kpi_tree(values, template="saas_funnel")
    assert evaluation(result, "activated_users").actual.computed == pytest.approx(923.65)


# --------------------------------------------------------------------------- rendering and language


def test_tool_text_tree_is_indented_and_localized() -> None:
    zh = kpi_tree_text(build_kpi_tree(ecommerce(), language="zh"))
    en = kpi_tree_text(build_kpi_tree(ecommerce(), language="en"))
    assert zh.startswith("### KPI 指标树\n")
    assert "分解方法" in zh
    assert "LMDI" in zh
    # 11,880 is 1.188万 exactly (four digits), reported and computed alike, beside the baseline's 1万
    assert "\n- gmv = traffic × cvr × aov · 填报 1.188万 / 公式 1.188万 · 基线 1万" in zh
    assert "\n  - traffic = paid + live + private · 实际 1.2万" in zh
    # live: 4,500 - 2,500 = +2,000; its LMDI contribution 1,989.68 of the root's +1,880 is 105.8 %
    assert "\n    - live · 实际 4,500 · 基线 2,500 · 变化 +2,000 · 贡献 +1,989.68（105.8%）" in zh
    assert en.startswith("### KPI tree\n")
    assert "live · actual 4,500 · baseline 2,500 · change +2,000 · contribution +1,989.68 (105.8%)" in en
    assert "cvr · actual 1.8% · baseline 2% · change -0.2 pp · contribution -1,149.8 (-61.2%)" in en
    assert "```mermaid\nflowchart TD\n" in en


def test_findings_are_localized() -> None:
    tree: list[Node] = [{"id": "x", "formula": "y / z"}, {"id": "y", "actual": 1}, {"id": "z", "actual": 0}]
    zh = build_kpi_tree(tree, language="zh")
    en = build_kpi_tree(tree, language="en")
    message_zh = next(f.message for f in zh.findings if f.code == "division_by_zero")
    message_en = next(f.message for f in en.findings if f.code == "division_by_zero")
    assert "除以零" in message_zh
    assert "divides by zero" in message_en
    assert any("请提供" in g.message for g in zh.data_gaps)
    assert any("Provide the" in g.message for g in en.data_gaps)


def test_shared_nodes_are_shown_once() -> None:
    tree: list[Node] = [
        {"id": "profit", "formula": "revenue - spend", "actual": 600, "baseline": 600},
        {"id": "revenue", "formula": "spend * roas"},
        {"id": "spend", "actual": 400, "baseline": 300},
        {"id": "roas", "actual": 2.5, "baseline": 3},
    ]
    text = kpi_tree_text(build_kpi_tree(tree, language="en"))
    assert text.count("spend · actual 400") == 1
    assert "  - spend (see above)" in text


def test_other_kpis_are_listed_apart() -> None:
    result = build_kpi_tree([*roi_tree(), {"id": "nps", "actual": 24}], root="roi", language="en")
    assert "### Other KPIs (not under the root)\n\n- nps · actual 24" in kpi_tree_text(result)
    assert evaluation(result, "nps").in_root_tree is False


def test_mermaid_flowchart_escapes_labels() -> None:
    tree: list[Node] = [
        {"id": "a", "name": 'A "quoted" <b>', "formula": "b + c", "actual": 3},
        {"id": "b", "name": "B", "actual": 1},
        {"id": "c", "name": "C", "actual": 2},
    ]
    mermaid = kpi_flowchart(build_kpi_tree(tree), "zh")
    lines = mermaid.splitlines()
    assert lines[0] == "flowchart TD"
    assert '  n0["A &quot;quoted&quot; &lt;b&gt;<br/>3"]' in lines
    assert "  n0 --> n1" in lines
    assert "  n0 --> n2" in lines
    assert "<b>" not in mermaid


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_text_flowchart_reuses_the_tree_figures_and_reads_the_same(language: str) -> None:
    """The tool text's flowchart takes its figures from the tree lines' writer: same chart as on its own
    (values typed, computed, missing, a baseline only, changes in points and money)."""
    from fupan_mcp.report.sections import Words, kpi_tree_blocks
    from fupan_mcp.report.view import Diagram

    tree: list[Node] = [
        {"id": "gmv", "formula": "uv * cvr * aov", "actual": "1,628万", "unit": "元"},
        {"id": "uv", "actual": 1_200_000, "baseline": 1_000_000},
        {"id": "cvr", "actual": "3.2%", "baseline": "2.9%"},
        {"id": "aov", "actual": 42.4, "unit": "元"},
        {"id": "other", "formula": "x + y", "baseline": 3},
        {"id": "x", "baseline": 1},
        {"id": "y"},
    ]
    result = build_kpi_tree(tree, root="gmv", language=language)  # type: ignore[arg-type]
    blocks = kpi_tree_blocks(Words(language=result.language, depth="full"), result)
    diagram = next(block for block in blocks if isinstance(block, Diagram))
    assert diagram.source == kpi_flowchart(result, result.language)
    assert "+20" in diagram.source  # changes written (the check is not of an empty chart)


def test_mermaid_marks_flagged_nodes() -> None:
    tree: list[Node] = [{"id": "x", "formula": "y / z"}, {"id": "y", "actual": 1}, {"id": "z", "actual": 0}]
    mermaid = kpi_flowchart(build_kpi_tree(tree), "zh")
    assert "classDef flagged" in mermaid
    class_line = next(line for line in mermaid.splitlines() if line.startswith("  class "))
    assert "n0" in class_line.split()[1].split(",")


MIXED_TREE: list[Node] = [
    {"id": "y", "formula": "(p + c) * r"},
    {"id": "p", "formula": "a * b"},
    {"id": "r", "formula": "d / e - f"},
]
MIXED_LEAVES = ("a", "b", "c", "d", "e", "f")
CENTS = st.integers(min_value=-5000, max_value=5000).map(lambda cents: cents / 100)


def mixed_tree(values: list[tuple[float, float]]) -> list[Node]:
    leaves = [{"id": i, "actual": a, "baseline": b} for i, (a, b) in zip(MIXED_LEAVES, values, strict=True)]
    return [*MIXED_TREE, *leaves]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.tuples(CENTS, CENTS), min_size=6, max_size=6),
    method=st.sampled_from(["lmdi", "chain", "shapley"]),
)
def test_any_values_split_exactly(values: list[tuple[float, float]], method: str) -> None:
    """Zeros, negatives and sign changes included: the split is always exact."""
    result = build_kpi_tree(mixed_tree(values), method=method)  # type: ignore[arg-type]
    if result.decomposition is None:  # a divisor was zero
        assert "division_by_zero" in codes(result)
        return
    assert abs(result.decomposition.residual) <= 1e-9 * max(1.0, abs(result.decomposition.total_change))
    assert_sums_to_total(result)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.floats(allow_nan=False, allow_infinity=False), st.floats(allow_nan=False, allow_infinity=False)),
        min_size=6,
        max_size=6,
    ),
)
def test_extreme_values_never_crash(values: list[tuple[float, float]]) -> None:
    """Overflow, underflow and subnormal numbers end as findings, never as exceptions."""
    result = build_kpi_tree(mixed_tree(values))
    assert kpi_tree_text(result).startswith("### KPI 指标树")


def test_permille_and_basis_points_enter_formulas_as_fractions() -> None:
    tree: list[Node] = [
        {"id": "total", "formula": "a + b + c", "actual": "12.75%"},
        {"id": "a", "actual": "12%"},
        {"id": "b", "actual": "5‰"},
        {"id": "c", "actual": "25bp"},
    ]
    result = build_kpi_tree(tree)
    total = next(e for e in result.evaluations if e.id == "total")
    assert total.actual.computed == pytest.approx(12.75)  # 12 % + 0.5 % + 0.25 %, not 12 % + 5 + 25
    assert total.actual.consistent is True


def test_sum_of_unlike_units_is_named_and_wan_yuan_is_not() -> None:
    unlike = build_kpi_tree(
        [{"id": "t", "formula": "a + b"}, {"id": "a", "actual": "5元"}, {"id": "b", "actual": "3人"}]
    )
    assert "unit_mismatch" in codes(unlike)
    scaled: list[Node] = [
        {"id": "t", "formula": "a + b"},
        {"id": "a", "actual": "5万元"},
        {"id": "b", "actual": 3, "unit": "万元"},
    ]
    result = build_kpi_tree(scaled)
    assert "unit_mismatch" not in codes(result)
    assert next(e for e in result.evaluations if e.id == "t").actual.computed == pytest.approx(80000)


def test_fraction_marked_percent_in_a_product_is_to_verify_not_inconsistent() -> None:
    tree: list[Node] = [
        {"id": "gmv", "name": "GMV", "formula": "uv * cvr * aov", "actual": "1.2亿"},
        {"id": "uv", "name": "访客数", "actual": "3500万"},
        {"id": "cvr", "name": "转化率", "actual": 0.032, "unit": "%"},  # meant 3.2 %
        {"id": "aov", "name": "客单价", "actual": "¥107"},
    ]
    result = build_kpi_tree(tree, language="en")
    gmv = next(e for e in result.evaluations if e.id == "gmv")
    assert gmv.actual.consistent is None
    assert "inconsistent" not in codes(result)
    [finding] = [f for f in result.findings if f.code == "unit_scale_suspected"]
    assert "转化率 (nodes[2].actual)" in finding.message and finding.path == "nodes[0].actual"


def test_rounding_explains_small_gaps_and_too_coarse_figures_are_to_verify() -> None:
    def tree(gmv: str, cvr: str) -> list[Node]:
        return [
            {"id": "gmv", "formula": "uv * cvr * aov", "actual": gmv},
            {"id": "uv", "actual": "3500万"},
            {"id": "cvr", "actual": cvr},
            {"id": "aov", "actual": "¥107"},
        ]

    # 3500万 × 3.3% × 107 = 1.23585亿: '1.2亿' (1.15-1.25亿) covers it
    close = build_kpi_tree(tree("1.2亿", "3.3%"))
    assert close.evaluations[0].actual.consistent is True and "within_rounding" in codes(close)
    # 1.30亿 is 5.2 % off: beyond what 3 digits and 3.3% explain
    far = build_kpi_tree(tree("1.30亿", "3.3%"))
    assert far.evaluations[0].actual.consistent is False and "inconsistent" in codes(far)
    # '3%' may be 2.5-3.5 %: 1.2亿 against 1.1235亿 (6.8 %) cannot be called either way
    coarse = build_kpi_tree(tree("1.2亿", "3%"))
    assert coarse.evaluations[0].actual.consistent is None and "too_rounded" in codes(coarse)
    assert "inconsistent" not in codes(coarse)


def test_template_rate_given_as_fraction_is_named_to_verify() -> None:
    # the template's 转化率 is in '%'; 0.0286 meant 2.86 %: 41.1万 × 2.86 % × 129.6 = 152.34万
    nodes: list[Node] = [
        {"id": "gmv", "actual": "152.3万"},
        {"id": "paid_traffic", "actual": "30万"},
        {"id": "creator_traffic", "actual": "10万"},
        {"id": "private_traffic", "actual": "1.1万"},
        {"id": "cvr", "actual": 0.0286},
        {"id": "aov", "actual": "¥129.6"},
        {"id": "ad_spend", "actual": "47.9万"},
    ]
    result = build_kpi_tree(nodes, template="ecommerce_gmv")
    gmv = next(e for e in result.evaluations if e.id == "gmv")
    assert gmv.actual.computed == pytest.approx(15233.96, rel=1e-6)
    assert gmv.actual.consistent is None and "inconsistent" not in codes(result)
    [finding] = [f for f in result.findings if f.code == "unit_scale_suspected"]
    assert "nodes[4].actual" in finding.message


def test_a_name_shared_by_two_nodes_is_not_guessed() -> None:
    tree: list[Node] = [
        {"id": "t", "formula": "收入 - 成本"},
        {"id": "a", "name": "收入", "actual": 5},
        {"id": "b", "name": "收入", "actual": 3},
        {"id": "c", "name": "成本", "actual": 1},
    ]
    result = build_kpi_tree(tree, root="t")
    [finding] = [f for f in result.findings if f.code == "unknown_id"]
    assert "收入 → a、b" in finding.message and finding.path == "nodes[0].formula"
    assert next(e for e in result.evaluations if e.id == "t").actual.computed is None


def test_a_currency_per_unit_value_reads() -> None:
    tree: list[Node] = [
        {"id": "gmv", "formula": "orders * aov", "actual": "86.5万"},
        {"id": "orders", "actual": "1万单"},
        {"id": "aov", "actual": "¥86.5/单"},
    ]
    result = build_kpi_tree(tree)
    aov = next(n for n in result.nodes if n.id == "aov")
    assert aov.actual == 86.5 and aov.unit == "元/单"
    assert result.evaluations[0].actual.consistent is True


def test_a_sum_node_in_another_unit_than_its_terms_is_named_unless_a_factor_converts() -> None:
    slip: list[Node] = [
        {"id": "t", "name": "毛利率", "formula": "a - b", "unit": "%"},
        {"id": "a", "actual": "5元"},
        {"id": "b", "actual": "3元"},
    ]
    assert "unit_mismatch" in codes(build_kpi_tree(slip))
    converted: list[Node] = [
        {"id": "t", "formula": "h * 60 + m", "unit": "min"},
        {"id": "h", "actual": "2 h"},
        {"id": "m", "actual": "3 min"},
    ]
    assert "unit_mismatch" not in codes(build_kpi_tree(converted))
    assert "unit_mismatch" not in codes(build_kpi_tree(None, template="saas_funnel"))  # NPS = (p - d) * 100


def test_written_precision_belongs_to_its_own_node() -> None:
    from fupan_mcp.domain.kpi import KpiNode

    first = KpiNode.model_validate({"id": "a", "actual": "1.2亿"})
    second = KpiNode.model_validate({"id": "b", "actual": 120000000})
    assert first.rounding("actual") == pytest.approx(0.05 / 1.2)
    assert second.rounding("actual") == pytest.approx(0.5 / 1.2e8)  # a JSON integer: its last digit
    assert KpiNode(id="c", actual=3.2).rounding("actual") == pytest.approx(0.05 / 3.2)


def test_a_formula_reads_in_the_nodes_names() -> None:
    """A reader sees '激活用户数 = 注册用户数 × 激活率', not the ids the formula was written with."""
    nodes = [
        {"id": "activated", "name": "激活用户数", "formula": "signups * activation / 100 + sum(extra)"},
        {"id": "signups", "name": "注册用户数", "actual": 2842},
        {"id": "activation", "name": "激活率", "actual": "32.5%"},
        {"id": "extra", "actual": 0},
    ]
    text = kpi_tree_text(build_kpi_tree(nodes, language="zh"))
    assert "- 激活用户数 = 注册用户数 × 激活率 ÷ 100 + sum(extra)" in text
    assert "| 激活用户数 | 注册用户数 × 激活率 ÷ 100 + sum(extra) |" in text


def test_a_formula_with_its_own_name_on_the_left_is_shown_once() -> None:
    """'GMV = 访客数 × 转化率 × 客单价' as people write it: the tree's line read 'GMV = GMV = 访客数 …'."""
    nodes = [
        KpiNode.model_validate(n)
        for n in (
            {"id": "gmv", "name": "GMV", "formula": "GMV = 访客数 × 转化率 × 客单价", "actual": "128.3万"},
            {"id": "uv", "name": "访客数", "actual": "19.1万"},
            {"id": "cvr", "name": "转化率", "actual": "3.36%"},
            {"id": "aov", "name": "客单价", "actual": 199.69},
        )
    ]
    result = build_kpi_tree(nodes)
    # 191,000 × 3.36% × 199.69 = 1,281,530.6 against 1,283,000 reported (0.11%)
    assert result.evaluations[0].actual.computed == pytest.approx(191_000 * 0.0336 * 199.69)
    text = kpi_tree_text(result)
    assert "- GMV = 访客数 × 转化率 × 客单价 ·" in text
    assert "GMV = GMV" not in text


def test_without_a_baseline_the_gap_to_target_is_decomposed() -> None:
    """A 复盘 often has targets and actuals and no earlier period: GMV 目标 150万, 实际 128.3万. The gap of
    -21.7万 is split over the drivers by LMDI with each driver's target as its starting point (it was 'no
    decomposition' with a warning per leaf about the missing baseline)."""
    tree: list[Node] = [
        {"id": "gmv", "name": "GMV", "formula": "uv * cvr * aov", "actual": "128.3万", "target": "150万"},
        {"id": "uv", "name": "访客数", "actual": 191_000, "target": 200_000},
        {"id": "cvr", "name": "转化率", "actual": "3.36%", "target": "3.5%"},
        {"id": "aov", "name": "客单价", "actual": 199.69, "target": 214},
    ]
    result = build_kpi_tree(tree)
    decomposition = result.decomposition
    assert decomposition is not None
    assert decomposition.reference == "target"
    assert (decomposition.baseline, decomposition.actual) == (1_500_000, 1_283_000)
    assert decomposition.total_change == pytest.approx(-217_000)
    # f0 = 200,000 × 3.5% × 214 = 1,498,000, f1 = 191,000 × 3.36% × 199.69 = 1,281,530.544
    f0, f1 = 1_498_000.0, 191_000 * 0.0336 * 199.69
    log_mean = (f1 - f0) / math.log(f1 / f0)
    expected = {
        "uv": log_mean * math.log(191_000 / 200_000),  # -63,860
        "cvr": log_mean * math.log(0.0336 / 0.035),  # -56,618
        "aov": log_mean * math.log(199.69 / 214),  # -95,989
    }
    assert contributions(result) == pytest.approx(expected)
    assert decomposition.residual == pytest.approx(-217_000 - (f1 - f0))  # -530.54: the reported figures' rounding
    assert "decomposed_against_target" in codes(result)
    assert "missing_leaf" not in codes(result)  # the baseline is a gap, not what the split needs
    assert {(g.subject, g.field) for g in result.data_gaps} == {
        ("uv", "baseline"),
        ("cvr", "baseline"),
        ("aov", "baseline"),
    }
    text = kpi_tree_text(result)
    assert "根指标实际 128.3万，目标 150万，差距 -21.7万" in text
    assert "### 对目标差距的贡献" in text


def test_a_baseline_still_comes_first_when_there_is_a_target() -> None:
    tree: list[Node] = [
        {"id": "gmv", "formula": "a * b", "actual": 12, "baseline": 6, "target": 10},
        {"id": "a", "actual": 3, "baseline": 2, "target": 2},
        {"id": "b", "actual": 4, "baseline": 3, "target": 5},
    ]
    result = build_kpi_tree(tree)
    assert result.decomposition is not None and result.decomposition.reference == "baseline"
    assert result.decomposition.total_change == 6
    assert "decomposed_against_target" not in codes(result)


def test_a_driver_sheet_s_own_field_names_are_read() -> None:
    """{'label', 'expression', 'value', 'previous', 'goal'} were refused as unknown fields."""
    nodes = [
        KpiNode.model_validate(
            {"id": "gmv", "label": "GMV", "expression": "uv * aov", "value": 1200, "previous": 1000}
        ),
        KpiNode.model_validate({"id": "uv", "value": 120, "previous": 100, "goal": 110}),
        KpiNode.model_validate({"id": "aov", "current": 10, "before": 10}),
    ]
    assert (nodes[0].name, nodes[0].formula, nodes[1].target) == ("GMV", "uv * aov", 110)
    result = build_kpi_tree(nodes)
    assert result.decomposition is not None and result.decomposition.total_change == 200
    assert contributions(result) == pytest.approx({"uv": 200.0, "aov": 0.0})  # 1,000 -> 1,200 all from uv


def test_against_target_a_leaf_without_its_target_is_the_gap_warned_about() -> None:
    tree: list[Node] = [
        {"id": "gmv", "formula": "uv * cvr", "actual": 6_000, "target": 8_000},
        {"id": "uv", "actual": 200_000, "target": 200_000},
        {"id": "cvr", "name": "转化率", "actual": "3%"},
    ]
    result = build_kpi_tree(tree)
    assert result.decomposition is not None and result.decomposition.reference == "target"
    assert result.decomposition.contributions[0].id == "gmv"  # no split below a leaf without its target
    warned = [f.message for f in result.findings if f.code == "missing_leaf"]
    assert warned == ["“转化率”缺少目标值，依赖它的指标与变化分解因此不完整。"]
    assert ("cvr", "target") in {(g.subject, g.field) for g in result.data_gaps}
    assert "转化率 · 实际 3% · 缺目标值" in kpi_tree_text(result)
