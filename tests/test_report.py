"""render_report: sections and depth, escaping (markdown and HTML), masking, broken sections, figures."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from fupan_mcp.domain.review import Review
from fupan_mcp.domain.stored import OpenAction
from fupan_mcp.errors import InputError
from fupan_mcp.knowledge import list_knowledge, read_knowledge
from fupan_mcp.report.render import md_inline, render_report
from fupan_mcp.samples import load_sample

XSS = "<script>alert(1)</script>"


def render(review: dict[str, Any], **options: Any) -> str:
    return render_report({"project": "测试项目", **review}, **options).content


class _Tags(HTMLParser):
    """Collects the tags of an HTML page, to prove no user text became markup."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)


def tags_of(page: str) -> set[str]:
    parser = _Tags()
    parser.feed(page)
    return set(parser.tags)


# --------------------------------------------------------------------------- sections and depth


def test_empty_review_renders_core_sections_and_gaps() -> None:
    result = render_report(Review(project="只有名字"))
    assert result.sections == ["overview", "goals", "results", "problems", "lessons", "actions", "gaps"]
    assert result.sections[-1] == "gaps"
    assert "待补充" in result.content and "只有名字" in result.content
    assert {g.section for g in result.data_gaps} >= {"results", "actions", "lessons"}
    assert result.findings.error == 0 and result.masked_count == 0


def test_brief_has_only_the_brief_sections() -> None:
    result = render_report(load_sample("b2b_mvp"), depth="brief")
    assert result.sections == ["overview", "results", "problems", "lessons", "actions", "gaps"]  # GRAI's I kept
    assert "```mermaid" not in result.content


def test_full_has_every_section_findings_and_mermaid() -> None:
    result = render_report(load_sample("midyear_campaign"), depth="full")
    assert result.sections[0] == "overview" and result.sections[-1] == "gaps"
    assert {"kpi_tree", "swot", "five_whys", "risks", "pdca", "outlook"} <= set(result.sections)
    assert "```mermaid" in result.content and "flowchart TD" in result.content
    assert "| kpi_tree.nodes[1].actual |" in result.content  # the findings table with paths


def test_standard_omits_mermaid_and_info_findings() -> None:
    content = render_report(load_sample("midyear_campaign"), depth="standard").content
    assert "```mermaid" not in content
    assert "根指标“投放 ROI”缺少基线值或实际值" not in content.split("## 16.")[0].split("### 检查发现")[-1]


def test_sections_are_numbered_and_in_order() -> None:
    content = render_report(load_sample("erp_wms")).content
    numbers = [int(n) for n in re.findall(r"^## (\d+)\. ", content, flags=re.MULTILINE)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_language_defaults_to_the_review_and_can_be_overridden() -> None:
    assert render_report({"project": "P", "language": "en"}).language == "en"
    english = render_report(load_sample("erp_wms"), language="en").content
    assert "## 1. Project overview" in english and "Notes and data gaps" in english
    assert "项目概述" not in english


@pytest.mark.parametrize(("option", "value"), [("format", "pdf"), ("depth", "deep"), ("language", "fr")])
def test_unknown_options_are_input_errors(option: str, value: str) -> None:
    with pytest.raises(InputError) as caught:
        options: dict[str, Any] = {option: value}
        render_report({"project": "P"}, **options)
    assert caught.value.field == option


def test_invalid_review_is_an_input_error_naming_the_field() -> None:
    with pytest.raises(InputError) as caught:
        render_report({"project": "P", "actions": [{"action": "x", "priority": 7}]})
    assert caught.value.field.startswith("review.actions.0.priority")


def test_an_unreadable_priority_is_a_finding_of_that_action_only() -> None:
    actions = [{"action": "补齐测试", "priority": "someday"}, {"action": "补齐文档", "priority": "P1"}]
    rendered = render_report({"project": "P", "actions": actions}, depth="full")
    assert "优先级“someday”不是 P0–P3 之一" in rendered.content and "actions[0].priority" in rendered.content
    assert "actions[1].priority" not in rendered.content


def test_an_unreadable_due_date_is_a_finding_of_that_action_only() -> None:
    """'someday' gives no date: the report is still rendered and says so for that action (the issue:
    one bad item is reported alone)."""
    actions = [{"action": "补齐测试", "due": "someday"}, {"action": "补齐文档", "due": "T+30"}]
    rendered = render_report({"project": "P", "review_date": "2025-06-18", "actions": actions}, depth="full")
    assert "截止日期“someday”无法识别为日期" in rendered.content
    assert "| 补齐测试 | 待补充 | someday |" in rendered.content
    assert "| 补齐文档 | 待补充 | 2025-07-18 (T+30) |" in rendered.content


# --------------------------------------------------------------------------- safety


def test_html_escapes_user_text_everywhere() -> None:
    review = {
        "project": XSS,
        "title": XSS,
        "goals": [XSS],
        "metrics": [{"name": XSS, "target": "≥1", "actual": 2}],
        "problems": [{"title": XSS, "detail": XSS}],
        "actions": [{"action": f"修复 {XSS}", "owner": XSS}],
        "risks": [{"risk": XSS, "indicator": XSS}],
        "kpi_tree": {"nodes": [{"id": "a", "name": XSS, "formula": "b * 2"}, {"id": "b", "name": XSS, "actual": 1}]},
        "five_whys": [{"problem": XSS, "whys": [XSS, "b", "c"]}],
        "swot": {"strengths": [XSS], "weaknesses": ["w"], "opportunities": ["o"], "threats": ["t"]},
        "notes": [XSS],
    }
    for depth in ("brief", "standard", "full"):
        page = render_report(review, format="html", depth=depth).content
        assert "<script" not in page.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert tags_of(page) <= {
            "html",
            "head",
            "meta",
            "title",
            "style",
            "body",
            "main",
            "header",
            "h1",
            "h2",
            "h3",
            "dl",
            "dt",
            "dd",
            "p",
            "nav",
            "ol",
            "ul",
            "li",
            "a",
            "section",
            "strong",
            "div",
            "table",
            "thead",
            "tbody",
            "tr",
            "th",
            "td",
            "details",
            "summary",
            "pre",
            "code",
            "footer",
        }


def test_html_is_self_contained_and_printable() -> None:
    page = render_report(load_sample("b2b_mvp"), format="html").content
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "@media print" in page and "PingFang SC" in page
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page)
    assert '<html lang="zh-CN">' in page


def test_markdown_user_text_cannot_break_the_structure() -> None:
    content = render(
        {
            "goals": ["# 假标题", "- 假列表", "1. 假序号", "---", "> 引用", "```", XSS],
            "actions": [{"action": "上线 a|b\n第二行", "owner": "x|y"}],
            "notes": ["| 伪 | 表 |"],
        }
    )
    assert not re.search(r"^#+ 假标题", content, flags=re.MULTILINE)
    assert "- \\# 假标题" in content and "- 1\\. 假序号" in content and "- \\---" in content
    assert "<script>" not in content and "&lt;script>" in content
    [row] = [line for line in content.splitlines() if line.startswith("| 1 |")]
    assert "上线 a\\|b 第二行" in row and "x\\|y" in row
    assert row.count(" | ") == 9  # ten columns (with the status), none added by user text


def test_md_inline_keeps_harmless_text() -> None:
    assert md_inline("<99.5% 持续 15 分钟") == "<99.5% 持续 15 分钟"
    assert md_inline("1.5 倍") == "1.5 倍"
    assert md_inline("<b>粗</b>") == "&lt;b>粗&lt;/b>"


# --------------------------------------------------------------------------- masking


def test_personal_data_is_masked_and_counted() -> None:
    review = {
        "project": "P",
        "notes": ["联系人电话 13800138000,邮箱 zhang.wei@example.com"],
        "actions": [{"action": "上线通知中心", "owner": "张伟"}],
        "roster": [{"name": "张伟", "role": "产品经理"}],
    }
    result = render_report(review)
    assert "13800138000" not in result.content and "138****8000" in result.content
    assert "zhang.wei@example.com" not in result.content
    assert "张伟" not in result.content and "产品经理" in result.content
    assert result.masked_count == 3
    html = render_report(review, format="html").content
    assert "13800138000" not in html and "张伟" not in html


def test_roster_argument_adds_to_the_reviews_roster() -> None:
    result = render_report(
        {"project": "P", "lessons": ["李娜 提出的做法有效"]}, roster=[{"name": "李娜", "role": "运营"}]
    )
    assert "李娜" not in result.content and "运营 提出的做法有效" in result.content


def test_masking_can_be_switched_off() -> None:
    result = render_report({"project": "P", "notes": ["电话 13800138000"]}, mask_personal_data=False)
    assert "13800138000" in result.content and result.masked_count == 0


def test_masking_leaves_figures_and_ids_alone() -> None:
    result = render_report(load_sample("erp_wms"))
    assert "99.2%" in result.content and "ERP-A1" not in result.content  # ids are not shown, figures are
    assert result.masked_count == 0


# --------------------------------------------------------------------------- broken sections


def test_cyclic_kpi_tree_is_a_finding_and_the_rest_renders() -> None:
    result = render_report(
        {
            "project": "P",
            "metrics": [{"name": "GMV", "target": "≥1500万元", "actual": "1628万元"}],
            "kpi_tree": {"nodes": [{"id": "a", "formula": "b + 1"}, {"id": "b", "formula": "a * 2"}], "root": "a"},
        },
        depth="full",
    )
    assert "kpi_tree" in result.sections and "results" in result.sections
    assert "循环" in result.content and "| 已达成 |" in result.content
    assert result.findings.error >= 1


def test_unknown_kpi_root_fails_only_its_section() -> None:
    result = render_report(
        {
            "project": "P",
            "metrics": [{"name": "GMV", "target": "≥1500万元", "actual": "1628万元"}],
            "kpi_tree": {"nodes": [{"id": "a", "actual": 1}], "root": "nope"},
        }
    )
    assert result.failed_sections == ["kpi_tree"]
    assert "kpi_tree" in result.sections and "108.5%" in result.content
    assert "未能分析" in result.content


def test_bad_target_is_reported_and_other_metrics_computed() -> None:
    content = render(
        {
            "metrics": [
                {"name": "坏目标", "target": "差不多就行", "actual": 3},
                {"name": "好目标", "target": "≥2", "actual": 3},
            ]
        }
    )
    assert "无法计算的指标" in content and "坏目标" in content
    assert "| 好目标 | ≥ 2 | 3 |" in content


# --------------------------------------------------------------------------- figures


def test_contributions_are_computed_and_shown() -> None:
    """methods.md §3, test vector 1: LMDI contributions of traffic, CVR and AOV."""
    result = render_report(
        {
            "project": "P",
            "kpi_tree": {
                "nodes": [
                    {
                        "id": "revenue",
                        "name": "收入",
                        "formula": "traffic * cvr * aov",
                        "actual": 11880,
                        "baseline": 10000,
                    },
                    {"id": "traffic", "name": "流量", "actual": 12000, "baseline": 10000},
                    {"id": "cvr", "name": "转化率", "actual": "1.8%", "baseline": "2%"},
                    {"id": "aov", "name": "客单价", "actual": 55, "baseline": 50},
                ]
            },
        }
    )
    content = result.content
    assert "| 流量 | +1,989.68 |" in content
    assert "| 转化率 | -1,149.8 |" in content
    assert "| 客单价 | +1,040.12 |" in content
    assert "变化 +1,880" in content


def test_swot_scores_are_rendered() -> None:
    content = render(
        {
            "swot": {
                "strengths": [{"text": "稳定", "weight": 0.6, "rating": 4}],
                "weaknesses": [{"text": "培训长尾", "weight": 0.4, "rating": 1}],
                "opportunities": [{"text": "预测补货", "weight": 1.0, "rating": 3}],
                "threats": [],
            }
        }
    )
    assert "| IFE | 2 | 1 | 2.80 |" in content and "| EFE |" in content


def test_summary_counts_what_the_report_shows() -> None:
    result = render_report(load_sample("b2b_mvp"))
    assert result.summary.startswith("6 项指标：已达成 3")
    assert f"数据缺口 {len(result.data_gaps)} 条" in result.summary
    assert result.summary in result.content


def test_thousand_actions_are_grouped_in_the_gaps() -> None:
    actions = [{"action": f"上线第 {i} 个看板", "owner": "运营"} for i in range(1000)]
    result = render_report({"project": "P", "actions": actions})
    assert "（1000 项：" in result.content
    assert "depth=full" in result.content  # standard lists 200 rows and says how to see all
    assert len(render_report({"project": "P", "actions": actions}, depth="full").content) > len(result.content)


# --------------------------------------------------------------------------- follow-up (复盘闭环)


def open_action(action: str, owner: str, overdue: bool, days: int) -> OpenAction:
    stamp = dt.datetime(2025, 3, 1, 9, 0)
    return OpenAction(
        id="A-1",
        action=action,
        owner=owner,
        due=dt.date(2025, 4, 1),
        review_id="R-1",
        project="P",
        review_title="一季度复盘",
        review_date=dt.date(2025, 3, 1),
        created_at=stamp,
        updated_at=stamp,
        overdue=overdue,
        days_overdue=days,
    )


def test_earlier_open_actions_get_a_section_and_overdue_ones_a_finding() -> None:
    carried = [open_action("上线监控大盘", "张伟", True, 65), open_action("统一口径", "数据负责人", False, 0)]
    result = render_report(
        {"project": "P", "roster": [{"name": "张伟", "role": "运维负责人"}]}, depth="brief", follow_up=carried
    )
    assert "follow_up" in result.sections
    assert result.sections.index("follow_up") == result.sections.index("actions") + 1
    assert "仍未关闭的行动 2 项，其中已逾期 1 项（最长逾期 65 天）" in result.content
    assert "逾期 65 天" in result.content and "张伟" not in result.content
    assert result.masked_count == 1 and result.findings.warning >= 1


def test_no_follow_up_no_section() -> None:
    assert "follow_up" not in render_report({"project": "P"}).sections


# --------------------------------------------------------------------------- knowledge


def test_every_knowledge_resource_reads() -> None:
    docs = list_knowledge()
    names = [doc.uri_name for doc in docs]
    assert len(names) == len(set(names))
    assert {"method-grai", "method-five-whys", "checklists", "checklist-marketing_campaign"} <= set(names)
    for doc in docs:
        text = read_knowledge(doc.uri_name)
        assert text.strip(), doc.uri_name
        assert doc.mime in ("text/markdown", "application/json")
        assert doc.name == doc.uri_name


def test_unknown_knowledge_is_an_input_error() -> None:
    with pytest.raises(InputError):
        read_knowledge("nope")
