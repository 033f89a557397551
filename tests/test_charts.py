"""Charts: valid, deterministic SVG with the labels as escaped text; PNG for Word; nothing without data."""

from __future__ import annotations

import datetime as dt
import re
import sys
import xml.etree.ElementTree as ET

import pytest

from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.analysis.review import analyze_review
from fupan_mcp.analysis.swot import swot
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.attainment import MetricInput
from fupan_mcp.domain.kpi import KpiNode, KpiTreeResult
from fupan_mcp.domain.review import Review
from fupan_mcp.report import charts
from fupan_mcp.samples import load_sample

pytestmark = pytest.mark.skipif(not charts.available(), reason="charts need the optional 'export' extra")

SVG = "{http://www.w3.org/2000/svg}"
XSS = "<script>alert(1)</script>"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def texts(svg: str) -> str:
    """All text of the SVG's <text> elements, joined (what a reader sees)."""
    root = ET.fromstring(svg)
    return "\n".join("".join(node.itertext()) for node in root.iter(f"{SVG}text"))


def metrics() -> list[MetricInput]:
    return [
        MetricInput(name="注册用户数", target="≥2,000", actual="2,842"),
        MetricInput(name="D7 留存", target="≥25%", actual="21%"),
        MetricInput(name="DAU", target="≥300", actual=318, aggregation="peak", target_aggregation="average"),
        MetricInput(name="反馈条数", target="≥50"),
        MetricInput(name=XSS, target="≥1", actual=3),
    ]


def kpi_result() -> KpiTreeResult:
    nodes = [
        {"id": "gmv", "name": "GMV", "formula": "traffic * cvr * aov", "actual": 11880, "baseline": 10000},
        {"id": "traffic", "name": "流量", "actual": 12000, "baseline": 10000},
        {"id": "cvr", "name": "转化率", "actual": "1.8%", "baseline": "2%"},
        {"id": "aov", "name": "客单价", "actual": 55, "baseline": 50, "unit": "元"},
    ]
    return build_kpi_tree([KpiNode.model_validate(node) for node in nodes], None, None, "zh", "lmdi", None)


def test_attainment_chart_is_valid_svg_with_every_metric_and_status_colour() -> None:
    result = compute_attainment(metrics(), "zh")
    svg = charts.attainment_chart(result)
    assert svg is not None
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    shown = texts(svg)
    for name in ("注册用户数", "D7 留存", "DAU", "反馈条数"):
        assert name in shown
    assert "142.1%" in shown and "待核验" in shown and "无法评估" in shown
    lowered = svg.lower()
    for colour in ("#1a7f37", "#cf222e"):  # achieved green, not achieved red
        assert colour in lowered
    assert "<script" not in lowered and "&lt;script&gt;" in svg
    assert "Noto Sans CJK" in svg or "DejaVu Sans" in svg  # text stays text (svg.fonttype none)
    assert charts.attainment_chart(result) == svg  # deterministic: fixed hash salt, no date


def test_english_labels() -> None:
    svg = charts.attainment_chart(compute_attainment(metrics(), "en"), "en")
    assert svg is not None and "Attainment rate: actual ÷ target" in texts(svg) and "achieved" in texts(svg)


def test_kpi_chart_is_a_waterfall_of_contributions() -> None:
    result = kpi_result()
    svg = charts.kpi_chart(result)
    assert svg is not None
    shown = texts(svg)
    for name in ("流量", "转化率", "客单价", "合计变化", "+1,880", "LMDI"):
        assert name in shown


def test_kpi_chart_needs_a_decomposition() -> None:
    nodes = [KpiNode(id="a", formula="b * 2"), KpiNode(id="b", actual=3)]
    assert charts.kpi_chart(build_kpi_tree(nodes, None, None, "zh", "lmdi", None)) is None


def test_swot_position_with_ife_and_efe_scores() -> None:
    result = swot(
        [{"text": "品牌强", "weight": 0.6, "rating": 4}],
        [{"text": "成本高", "weight": 0.4, "rating": 2}],
        [{"text": "市场增长", "weight": 0.7, "rating": 3}],
        [{"text": "竞争", "weight": 0.3, "rating": 2}],
        None,
        "zh",
    )
    assert result.ife.score is not None and result.efe.score is not None
    svg = charts.swot_chart(result)
    assert svg is not None
    shown = texts(svg)
    assert "SO 增长型" in shown and "WT 防御型" in shown
    assert f"IFE {result.ife.score:.2f} / EFE {result.efe.score:.2f}" in shown


def test_swot_counts_without_scores_and_nothing_without_factors() -> None:
    result = swot(["a", "b"], ["w"], [XSS], [], None, "en")
    svg = charts.swot_chart(result, "en")
    assert svg is not None
    shown = texts(svg)
    assert "Strengths" in shown and "Threats" in shown and XSS in shown
    assert "<script" not in svg
    assert charts.swot_chart(swot([], [], [], [], None, "zh")) is None


def test_action_timeline_marks_overdue_actions() -> None:
    actions = [
        ActionItem(id="A1", action="上线提醒", owner="后端", due=dt.date(2025, 7, 3)),
        ActionItem(id="A2", action="交付权限", owner="架构", due=dt.date(2025, 7, 20), status="in_progress"),
        ActionItem(id="A3", action="收集反馈", status="done", due=dt.date(2025, 6, 20)),
        ActionItem(id="A4", action="没有日期"),
    ]
    svg = charts.actions_chart(actions, review_date=dt.date(2025, 6, 5), today=dt.date(2025, 7, 10))
    assert svg is not None
    shown = texts(svg)
    assert "上线提醒(后端)" in shown and "A1 上线提醒" not in shown and "07-03 逾期" in shown  # the action, not its id
    assert "07-20" in shown and "07-20 逾期" not in shown  # not due yet
    assert "06-20 逾期" not in shown  # done
    assert "1 项没有截止日期" in shown
    assert "逾期" not in texts(charts.actions_chart(actions, review_date=dt.date(2025, 6, 5)) or "")
    assert charts.actions_chart([ActionItem(action="x")]) is None


def test_png_for_word() -> None:
    png = charts.attainment_chart(compute_attainment(metrics(), "zh"), fmt="png")
    assert png is not None and png.startswith(PNG_SIGNATURE) and len(png) > 10_000


def test_every_chart_of_a_sample_review() -> None:
    review = Review.model_validate(load_sample("b2b_mvp"))
    found = charts.review_charts(analyze_review(review), review, today=dt.date(2025, 7, 5))
    assert [(c.key, c.section) for c in found] == [
        ("attainment", "results"),
        ("actions", "actions"),  # no IFE/EFE scores: a SWOT chart would only repeat the factor table
    ]
    for chart in found:
        assert isinstance(chart.data, str)
        inline = charts.inline_svg(chart.data, chart.caption)
        assert inline.startswith("<svg") and "<?xml" not in inline and "<metadata" not in inline
        ET.fromstring(inline)


def test_inline_svg_refuses_active_content() -> None:
    for bad in (
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<use xlink:href="https://example.com/x.svg#a"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://example.com/a)"/></svg>',
    ):
        with pytest.raises(ValueError):
            charts.inline_svg(bad)


def test_cjk_font_lookup_is_graceful() -> None:
    found = charts.cjk_font()
    assert found is None or isinstance(found, str)


def test_without_matplotlib_the_error_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # find_spec now reports it missing
    assert not charts.available()
    with pytest.raises(charts.ChartsUnavailable, match=r"pip install 'fupan-mcp\[export\]'"):
        charts.attainment_chart(compute_attainment(metrics(), "zh"))


def test_action_timeline_over_two_years_shows_the_years_without_crowding() -> None:
    actions = [
        ActionItem(action=f"完成第 {n} 阶段迁移", owner="平台组", due=dt.date(2025, 1, 15) + dt.timedelta(days=61 * n))
        for n in range(12)
    ]
    svg = charts.actions_chart(actions, review_date=dt.date(2025, 1, 5))
    assert svg is not None
    shown = texts(svg)
    assert "2025" in shown and "2026" in shown  # a span of two years says which years
    assert "2025-01-15" in shown and "2026-11-17" in shown  # each point gives its full date
    ticks = [t for t in shown.splitlines() if re.fullmatch(r"\d{4}(?:-\d{2})?", t)]
    assert 3 <= len(ticks) <= 8  # few enough labels to stand apart
    assert "完成第 0 阶段迁移(平台组)" in shown
