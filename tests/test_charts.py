"""Charts: our own SVG (valid, deterministic, labels as escaped text, no overlapping axis labels, not
colour alone), PNG for Word through matplotlib; nothing without data."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import sys
import threading
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
from fupan_mcp.report import charts, svg_charts
from fupan_mcp.report.render import build_report, render_report
from fupan_mcp.report.strings import TEXT
from fupan_mcp.samples import SAMPLES, load_sample

needs_matplotlib = pytest.mark.skipif(not charts.available(), reason="PNG charts need the optional 'export' extra")

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
    assert "<script" not in lowered and "&lt;script&gt;" in svg and XSS in shown
    assert "Noto Sans CJK SC" in root.get("font-family", "")  # the report's CJK font stack
    assert charts.attainment_chart(result) == svg  # deterministic


def test_attainment_status_is_readable_without_colour() -> None:
    """D7 留存 misses its target (21% of 25% = 84%): its bar is hatched and says 未达成 beside the rate."""
    svg = charts.attainment_chart(compute_attainment(metrics(), "zh"))
    assert svg is not None
    root = ET.fromstring(svg)
    fills = [rect.get("fill", "") for rect in root.iter(f"{SVG}rect")]
    hatch = "url(#fp-attainment-hatch-cf222e)"
    assert fills.count(hatch) == 2  # the bar and its legend swatch
    assert any(p.get("id") == "fp-attainment-hatch-cf222e" for p in root.iter(f"{SVG}pattern"))
    shown = texts(svg).splitlines()
    assert "84%" in shown and shown[shown.index("84%") + 1] == "未达成"
    assert "142.1%" in shown and shown[shown.index("142.1%") + 1] == "已达成"


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


@pytest.mark.parametrize("language", ["zh", "en"])
def test_kpi_waterfall_labels_use_the_axis_scale(language: str) -> None:
    """BFCM sales rose $7.5B → $9.3B; shoppers' LMDI share 74.2 % is $1,335,819,461: in a chart drawn in
    亿 (zh) or B (en) every bar label is in 亿 / B too, never full digits beside a scaled axis."""
    kpi = build_report(load_sample("bfcm_campaign"), "full", language).analysis.kpi_tree  # type: ignore[arg-type]
    assert kpi is not None
    svg = charts.kpi_chart(kpi, language)  # type: ignore[arg-type]
    assert svg is not None
    word, shoppers = {"zh": ("亿", "+$13.36亿（74.2%）"), "en": ("B", "+$1.336B (74.2%)")}[language]
    labels = [t for t in re.findall(r">([^<>]*\d[^<>]*)</text>", svg) if "LMDI" not in t]
    assert shoppers in labels and ("+$18亿" if language == "zh" else "+$1.8B") in labels
    assert all(word in label or label.startswith("$0") for label in labels), labels
    assert not any(re.search(r"\d,\d{3},\d{3}", label) for label in labels)
    if charts.available():  # the Word PNG draws the same labels on the same axis
        axes = charts._kpi_figure(kpi, language).axes[0]  # type: ignore[arg-type, union-attr]
        drawn = [text.get_text() for text in axes.texts]
        assert shoppers in drawn
        ticks = [axes.xaxis.get_major_formatter()(value, 0) for value in axes.get_xticks()]
        assert all(word in tick or tick == "$0" for tick in ticks), ticks


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
    assert "上线提醒（后端）" in shown and "A1" not in shown and "07-03 逾期" in shown  # the action, not its id
    assert "07-20" in shown and "07-20 逾期" not in shown  # not due yet
    assert "06-20 逾期" not in shown  # done
    assert "1 项没有截止日期" in shown
    assert "逾期" not in texts(charts.actions_chart(actions, review_date=dt.date(2025, 6, 5)) or "")
    assert charts.actions_chart([ActionItem(action="x")]) is None


@needs_matplotlib
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


@needs_matplotlib
def test_cjk_font_lookup_is_graceful() -> None:
    found = charts.cjk_font()
    assert found is None or isinstance(found, str)


def test_without_matplotlib_svg_still_works_and_png_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # find_spec now reports it missing
    assert not charts.available()
    result = compute_attainment(metrics(), "zh")
    assert charts.attainment_chart(result) is not None
    with pytest.raises(charts.ChartsUnavailable, match=r"pip install 'fupan-mcp\[export\]'"):
        charts.attainment_chart(result, fmt="png")


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
    assert "完成第 0 阶段迁移（平台组）" in shown


def axis_labels(svg: str) -> list[tuple[float, str]]:
    """The x-axis tick labels of a chart: the <text> elements of the lowest row of grey, centred labels."""
    root = ET.fromstring(svg)
    centred = [
        (float(node.get("y", 0)), float(node.get("x", 0)), "".join(node.itertext()))
        for node in root.iter(f"{SVG}text")
        if node.get("text-anchor") == "middle" and node.get("fill") == svg_charts.MUTED
    ]
    row = max(centred)[0] if centred else 0.0
    return sorted((x, text) for y, x, text in centred if y == row)


@pytest.mark.parametrize(
    ("start", "days", "years"),
    [
        (dt.date(2025, 6, 5), 20, {"2025"}),  # three weeks
        (dt.date(2025, 10, 20), 100, {"2025", "2026"}),  # months across a new year
        (dt.date(2025, 1, 5), 700, {"2025", "2026"}),  # two years
        (dt.date(2024, 3, 1), 5 * 365, {"2026", "2028"}),  # five years
        (dt.date(2010, 1, 1), 20 * 365, {"2015", "2025"}),  # twenty years
    ],
)
def test_action_timeline_axis_labels_stand_apart_and_show_the_year(start: dt.date, days: int, years: set[str]) -> None:
    actions = [
        ActionItem(
            action=f"完成第 {n} 阶段迁移与验收,并同步给所有相关团队",
            owner="平台组",
            due=start + dt.timedelta(days=days * n // 11),
        )
        for n in range(1, 12)
    ]
    svg = charts.actions_chart(actions, review_date=start)
    assert svg is not None
    labels = axis_labels(svg)
    assert 2 <= len(labels) <= 8
    for (x1, a), (x2, b) in itertools.pairwise(labels):  # computed extents never touch
        assert x1 + svg_charts.text_width(a, 11) / 2 + 10 <= x2 - svg_charts.text_width(b, 11) / 2, (a, b)
    shown = " ".join(text for _, text in labels)
    assert all(year in shown for year in years)
    assert re.search(r"\b(19|20)\d{2}\b", labels[0][1])  # the first label says the year
    for _, label in labels:
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?|\d{2}-\d{2}", label)  # numeric, no month names


def test_date_ticks_of_one_day_and_of_a_century() -> None:
    def x(day: dt.date) -> float:
        return (day - dt.date(2025, 1, 1)).days * 600 / 2

    short = svg_charts.date_ticks(dt.date(2025, 1, 1), dt.date(2025, 1, 3), x)
    assert [label for _, label in short] == ["2025-01-01", "01-02", "01-03"]

    def far(day: dt.date) -> float:
        return (day - dt.date(1950, 1, 1)).days * 600 / 36525

    long = svg_charts.date_ticks(dt.date(1950, 1, 1), dt.date(2050, 1, 1), far)
    assert [label for _, label in long] == ["1960", "1980", "2000", "2020", "2040"]  # round years


def test_action_bars_are_labelled_by_the_truncated_action_and_the_status_shape() -> None:
    long_text = "把发布流程中的所有手工审批步骤替换为自动化检查并在两周内完成全部团队的迁移与培训"
    actions = [
        ActionItem(id="ACT-1", action=long_text, owner="平台组", due=dt.date(2025, 7, 1), status="done"),
        ActionItem(id="ACT-2", action="Write the runbook", due=dt.date(2025, 7, 9), status="wont_do"),
    ]
    svg = charts.actions_chart(actions, "en", review_date=dt.date(2025, 6, 5))
    assert svg is not None
    root = ET.fromstring(svg)
    label = next(n for n in root.iter(f"{SVG}text") if (n.findtext(f"{SVG}title") or "") == long_text)
    visible = (label.text or "") + "".join(child.tail or "" for child in label)
    assert visible.endswith("… (平台组)") and visible.startswith("把发布流程") and "ACT-1" not in svg
    assert "Write the runbook" in texts(svg) and "done" in texts(svg) and "won't do" in texts(svg)
    assert root.find(f".//{SVG}path[@fill='{svg_charts.ACTION_COLORS['done']}']") is not None  # done: a diamond


XSS_ATTR = '"><svg onload=alert(1)>'


def test_user_text_is_escaped_in_every_chart() -> None:
    actions = [ActionItem(action=XSS, owner=XSS_ATTR, due=dt.date(2025, 7, 3))]
    swot_counts = swot([XSS_ATTR], [], [], [], None, "zh")
    nodes = [
        {"id": "gmv", "name": XSS, "formula": "a * b", "actual": 12, "baseline": 10},
        {"id": "a", "name": XSS_ATTR, "actual": 3, "baseline": 2},
        {"id": "b", "name": "b", "actual": 4, "baseline": 5},
    ]
    kpi = build_kpi_tree([KpiNode.model_validate(n) for n in nodes], None, None, "zh", "lmdi", None)
    drawn = [
        charts.actions_chart(actions, review_date=dt.date(2025, 6, 5)),
        charts.swot_chart(swot_counts),
        charts.kpi_chart(kpi),
        charts.attainment_chart(compute_attainment([MetricInput(name=XSS_ATTR, target="≥1", actual=2)], "zh")),
    ]
    for svg in drawn:
        assert svg is not None
        root = ET.fromstring(svg)  # well-formed: nothing broke out of a text or an attribute
        assert not [e for e in root.iter() if e.tag.endswith(("script", "foreignObject"))]
        assert not [name for e in root.iter() for name in e.attrib if name.lower().startswith("on")]
        assert "<script" not in svg and "<svg onload" not in svg
        assert charts.inline_svg(svg, XSS).startswith("<svg")


def test_incident_timeline_of_the_outage_sample() -> None:
    review = Review.model_validate(load_sample("shakespeare_outage"))
    analysis = analyze_review(review, "en")
    assert analysis.timeline is not None
    svg = charts.timeline_chart(analysis.timeline, "en")
    assert svg is not None
    shown = texts(svg)
    for key in ("time_to_detect", "time_to_mitigate", "time_to_resolve"):
        assert TEXT[f"chart.duration.{key}"]["en"] in shown
    labels = axis_labels(svg)
    assert labels and all(re.fullmatch(r"\d{2}:(00|15|30|45)", text) for _, text in labels)  # round clock times


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_sample_report_inlines_well_formed_charts_with_its_words(name: str, language: str) -> None:
    page = render_report(load_sample(name), format="html", depth="full", language=language, charts=True).content  # type: ignore[arg-type]
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S)
    assert len(figures) >= 2
    for svg in figures:
        root = ET.fromstring(svg)
        assert root.get("class") == "chart-svg" and root.get("role") == "img" and root.get("viewBox")
        assert root.get("width") is None  # scales with the page
        assert len(svg) < 20_000  # a few KB of text, not a page of glyph paths
        assert all(len(p.get("d", "")) < 200 for p in root.iter(f"{SVG}path"))  # marks, not glyph outlines
    titles = {TEXT[key][language] for key in ("chart.actions.title", "chart.timeline.events", "chart.attainment.axis")}
    assert any(title in page for title in titles)


def test_html_charts_take_no_process_lock() -> None:
    """Another thread holding matplotlib's lock (a Word export drawing PNGs) does not hold up an HTML report."""
    done = threading.Event()
    released = threading.Event()

    def hold() -> None:
        with charts._LOCK:
            done.wait(60)
        released.set()

    holder = threading.Thread(target=hold)
    holder.start()
    result: list[str] = []
    worker = threading.Thread(
        target=lambda: result.append(render_report(load_sample("b2b_mvp"), format="html", charts=True).content)
    )
    worker.start()
    worker.join(60)  # a hang guard
    done.set()
    holder.join(60)
    assert released.is_set() and result and result[0].count('<figure class="chart">') == 2
