"""The bundled samples render everywhere, and the report recomputes the seed projects' figures."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser
from typing import Any

import pytest

from fupan_mcp.report.render import render_report
from fupan_mcp.samples import SAMPLES, load_sample

COMBINATIONS = list(itertools.product(SAMPLES, ("zh", "en"), ("markdown", "html"), ("brief", "standard", "full")))


def sample_document(name: str) -> dict[str, Any]:
    """A bundled sample as a plain document."""
    return load_sample(name)


@pytest.mark.parametrize(("name", "language", "format", "depth"), COMBINATIONS)
def test_every_sample_renders(name: str, language: str, format: str, depth: str) -> None:
    document = sample_document(name)
    result = render_report(document, format=format, depth=depth, language=language)  # type: ignore[arg-type]
    first = "summary" if document.get("project_type") == "incident" else "overview"
    assert result.content and result.sections[0] == first and result.sections[-1] == "gaps"
    assert result.failed_sections == [] and result.findings.error == 0
    assert result.title in result.content
    if format == "html":
        assert result.content.rstrip().endswith("</html>")
        assert unbalanced_tags(result.content) == []


class _Balance(HTMLParser):
    """Every element closed in order (void elements aside)."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "meta":
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.errors.append(tag)


def unbalanced_tags(page: str) -> list[str]:
    checker = _Balance()
    checker.feed(page)
    return checker.errors + checker.open


def content(name: str, language: str = "zh", depth: str = "standard") -> str:
    return render_report(load_sample(name), depth=depth, language=language).content  # type: ignore[arg-type]


def row(text: str, metric: str) -> str:
    """The metric's row of the results table (the first table row that names it)."""
    return next(line for line in text.splitlines() if line.startswith(f"| {metric} |"))


# --------------------------------------------------------------------------- ERP + WMS


def test_erp_figures() -> None:
    text = content("erp_wms")
    assert "下降 39.3%（-1.1小时）" in row(text, "订单处理时长") and "131%" in row(text, "订单处理时长")
    assert "+6.1 个百分点（相对 +6.55%）" in row(text, "库存准确率")
    assert "| T+1 | T+3 |" in row(text, "关账周期") and "| 已达成 |" in row(text, "关账周期")
    assert "99.7%" in row(text, "接口成功率") and "| 已达成 |" in row(text, "接口成功率")
    assert "节省 4万元（占预算 1.05%）" in row(text, "项目预算")


def test_erp_figures_in_english() -> None:
    text = content("erp_wms", "en")
    # the table writes what the statement beside it writes: hours in words, 元 as ¥ before the number
    assert "down 39.3% (-1.1 hours)" in text and "+6.1 pp (relative +6.55%)" in text
    assert "saving ¥40,000 (1.05% of budget)" in text


# --------------------------------------------------------------------------- B2B MVP


def test_b2b_figures() -> None:
    text = content("b2b_mvp", depth="full")
    assert "| 已达成 |" in row(text, "注册用户数") and "2,842人" in row(text, "注册用户数")
    assert "| 待核验 |" in row(text, "DAU")
    assert "28.6%" in row(text, "D7 留存") and "| 已达成 |" in row(text, "D7 留存")
    assert "节省 1.8万元（占预算 4%）" in row(text, "项目预算")
    assert "| 无法评估 |" in row(text, "高质量反馈条数")
    assert "激活用户数 = 注册用户数 × 激活率 · 实际 924人" in text
    assert "下降 28.6%（-4天）" in row(text, "平均发布周期")


def test_b2b_gaps() -> None:
    result = render_report(load_sample("b2b_mvp"))
    gaps = {(g.section, g.subject, g.kind) for g in result.data_gaps}
    assert ("results", "DAU", "unverifiable") in gaps
    assert ("results", "高质量反馈条数", "missing") in gaps
    assert any(g.section == "actions" and g.field == "due" for g in result.data_gaps)
    assert "只有峰值" in result.content


def test_b2b_masks_the_demo_phone_and_the_roster_name() -> None:
    result = render_report(load_sample("b2b_mvp"), depth="full")
    assert "13800138000" not in result.content and "138****8000" in result.content
    assert "王小明" not in result.content and "产品经理" in result.content
    assert result.masked_count == 3


def test_b2b_five_whys_are_both_rendered() -> None:
    text = content("b2b_mvp")
    assert "问题 1：评论功能使用占比只有 15%" in text and "问题 2：D30 留存只有 17.4%" in text


# --------------------------------------------------------------------------- mid-year campaign


def test_campaign_figures() -> None:
    text = content("midyear_campaign", depth="full")
    assert "1,628万元" in row(text, "GMV") and "| 已达成 |" in row(text, "GMV")
    assert "39.6元" in row(text, "获客成本 CPA") and "| 已达成 |" in row(text, "获客成本 CPA")
    assert "投放 ROI = GMV ÷ 投放消耗 · 填报 3.4 / 公式 3.40" in text
    assert "| 投放 ROI | GMV ÷ 投放消耗 | 3.4 | 3.40 |" in text and "| 一致 |" in text
    assert "达人 GMV 占比 = 达人合作 GMV ÷ GMV · 实际 37.59%" in text
    formula = "曝光量 × 点击率 × 整体转化率 × 客单价（直播场均，峰值日）"
    assert f"| GMV | {formula} | 1,628万元 | 2,017.84万元 | 19.3% | 不一致 |" in text


def test_campaign_gaps() -> None:
    result = render_report(load_sample("midyear_campaign"))
    missing = {g.subject for g in result.data_gaps if g.kind == "missing"}
    assert {"新客占比", "会员复购率"} <= missing
    assert any(g.kind == "unverifiable" and g.section == "kpi_tree" for g in result.data_gaps)
    assert "CVR 日降幅 | >10% | >20%" in result.content


def test_campaign_in_english() -> None:
    text = content("midyear_campaign", "en", "full")
    assert "reported 3.4 / formula 3.40" in text and "¥16.28M" in text  # 1,628万元 in en
