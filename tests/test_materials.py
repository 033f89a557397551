"""Materials as they come: metric sheets, tracker exports and written reviews read by the server.

Every file is built in the test, shaped like the real thing (a zh sheet with a title row and merged
headers written by openpyxl, a Feishu-style .docx written by python-docx, CSV exports with the column
names Jira, Linear and GitHub document). Figures in the asserts are computed by hand.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import TextContent

from fupan_mcp.app import Settings, create_server
from fupan_mcp.errors import InputError
from fupan_mcp.materials.api import audit_review, import_actions, import_metrics
from fupan_mcp.materials.files import load_material, read_allowed_file

openpyxl = pytest.importorskip("openpyxl")
docx = pytest.importorskip("docx")


def zh_sheet() -> bytes:
    """A metrics sheet as a Chinese team keeps it: title row, two-row merged header, percent cells,
    万 and thousands separators in text, a group row, a total row with a formula, a second sheet."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "说明"
    ws["A1"] = "本工作簿为 618 大促复盘材料"
    ws = book.create_sheet("核心指标")
    ws["A1"] = "2024 年 618 大促 · 核心指标达成"
    ws.merge_cells("A1:H1")
    for column, title in (
        ("A", "指标名称"),
        ("D", "去年同期"),
        ("E", "单位"),
        ("F", "统计口径"),
        ("G", "权重"),
        ("H", "备注"),
    ):
        ws[f"{column}2"] = title
        ws.merge_cells(f"{column}2:{column}3")
    ws["B2"] = "完成情况"
    ws.merge_cells("B2:C2")
    ws["B3"], ws["C3"] = "目标值", "实际完成"
    ws.append(["一、交易"])
    ws.merge_cells("A4:H4")
    ws.append(["GMV", "≥1,500万", "1,628万", "1,210万", "万元", "累计", 0.4, "财务口径"])
    ws.append(["D7 留存", 0.25, 0.286, None, None, "7日均值", 0.3, None])
    ws["B6"].number_format = "0%"
    ws["C6"].number_format = "0.0%"
    ws["G5"].number_format = ws["G6"].number_format = "0%"
    ws.append(["获客成本 CPA", "≤45元", 39.6, "—", "元", None, "30%", "投放消耗 / 新客数"])
    ws.append(["新客数", "≥20万", "约18万", None, "人", None, None, None])
    ws.append(["合计", None, "=C5+C7", None, None, None, None, None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_zh_sheet_with_title_row_and_merged_headers() -> None:
    result = import_metrics(zh_sheet(), "xlsx", "核心指标", "zh")
    assert result.sheets == ["说明", "核心指标"] and result.sheet == "核心指标"
    assert result.header_rows == [2, 3]
    fields = {c.column: c.field for c in result.columns}
    assert fields == {
        "A": "name", "B": "target", "C": "actual", "D": "baseline", "E": "unit",
        "F": "aggregation", "G": "weight", "H": "note",
    }  # fmt: skip
    gmv, retention, cpa, customers = result.metrics
    assert (gmv.name, gmv.target, gmv.actual, gmv.baseline, gmv.unit) == (
        "GMV",
        "≥1,500万",
        "1,628万",
        "1,210万",
        "万元",
    )
    assert (gmv.aggregation, gmv.weight, gmv.dimension, gmv.note) == ("total", 0.4, "一、交易", "财务口径")
    # percent formatted in the sheet: 0.286 shown as 28.6% is 28.6 percent
    assert (retention.target, retention.actual, retention.unit, retention.aggregation) == ("25%", 28.6, "%", "average")
    assert retention.weight == 0.3
    assert (cpa.actual, cpa.baseline, cpa.weight) == (39.6, None, 0.3)  # "—" is empty, "30%" a weight of 0.3
    assert customers.actual == "约18万"  # an approximation is kept as written and computed as approximate
    assert result.problems == []
    assert [s.row for s in result.sources] == [5, 6, 7, 8]
    codes = {note.code for note in result.notes}
    assert {"sheets", "title_rows", "group_rows", "total_rows", "formulas_uncached"} <= codes


def test_computed_from_the_sheet_and_sheet_choice() -> None:
    result = import_metrics(zh_sheet(), "xlsx", "核心指标", "en", compute=True)
    assert result.attainment is not None
    by_name = {m.name: m for m in result.attainment.metrics}
    assert by_name["GMV"].attainment_rate == pytest.approx(1628 / 1500)  # 108.5%
    assert by_name["D7 留存"].attainment_rate == pytest.approx(28.6 / 25)  # 114.4%
    assert by_name["获客成本 CPA"].attainment_rate == pytest.approx(45 / 39.6)  # 113.6%
    assert by_name["新客数"].status == "not_achieved"  # about 180,000 against at least 200,000
    assert "approximate" in by_name["新客数"].flags
    with pytest.raises(InputError, match="核心指标"):
        import_metrics(zh_sheet(), "xlsx", "Sheet9", "en")


def test_en_csv_export() -> None:
    csv = (
        "Metric,Target,Actual,Baseline,Unit,Aggregation,Dimension,Comments\r\n"
        'Sign-ups,">= 2,000","2,842",,users,total,Growth,from the CRM\r\n'
        "D7 retention,+5pp,28.6%,23.1%,%,average,Retention,\r\n"
        "Median lead time,-30%,1.7h,2.8h,h,,Delivery,\r\n"
        "Support tickets,<= 120,n/a,,tickets,,Quality,not exported yet\r\n"
        "Spend,budget 450k,432k,,,,Cost,\r\n"
        "Owner,,,,,,,\r\n"
    )
    result = import_metrics(csv.encode("utf-8-sig"), "csv", None, "en", compute=True)
    assert [m.name for m in result.metrics] == [
        "Sign-ups",
        "D7 retention",
        "Median lead time",
        "Support tickets",
        "Spend",
    ]
    assert result.metrics[3].actual is None and result.metrics[3].note == "not exported yet"
    assert result.attainment is not None
    rates = [m.attainment_rate for m in result.attainment.metrics]
    assert rates[0] == pytest.approx(2842 / 2000)  # 142.1%
    assert rates[1] == pytest.approx((28.6 - 23.1) / 5)  # +5.5 pp of +5 pp: 110%
    assert rates[2] == pytest.approx((1.1 / 2.8) / 0.30)  # a 39.29% cut against 30%: 131.0%
    assert rates[4] == pytest.approx(450 / 432)
    assert result.attainment.metrics[3].status == "not_evaluable"
    # a row with only a name is a group title, said so in a note
    assert any(note.code == "group_rows" and "Owner" in note.message for note in result.notes)


JIRA = (
    "Summary,Issue key,Issue id,Issue Type,Status,Priority,Assignee,Reporter,Created,Due date,Resolution,"
    "Resolved,Labels,Labels,Sprint\n"
    "Add a load test to the release checklist,OPS-101,10001,Task,Done,High,Li Lei,Han Meimei,"
    "12/Mar/24 10:15 AM,30/Apr/24 12:00 AM,Done,28/Apr/24 4:02 PM,postmortem,,Sprint 7\n"
    "Alert on connection pool saturation,OPS-102,10002,Task,In Progress,Highest,Wang Fang,Han Meimei,"
    "12/Mar/24 10:20 AM,15/May/24,,,postmortem,monitoring,Sprint 7\n"
    "Vendor SDK may drop TLS 1.2,OPS-103,10003,Risk,To Do,Medium,,Han Meimei,12/Mar/24 10:25 AM,,,,,,\n"
    "Rewrite the cache layer,OPS-104,10004,Story,Closed,Low,Zhao Qiang,Han Meimei,12/Mar/24,,Won't Do,,,,\n"
    "Document the failover runbook,OPS-105,10005,Task,Parked,Medium,Li Lei,Han Meimei,12/Mar/24,01/06/2024,,,,,\n"
)


def test_jira_export() -> None:
    result = import_actions(JIRA.encode(), "csv", None, "en")
    assert result.source == "jira"
    assert result.unused_columns == ["Reporter", "Created", "Sprint"]
    first, second, rewrite, runbook = result.actions
    assert (first.ticket, first.owner, first.due, first.status, first.priority) == (
        "OPS-101", "Li Lei", dt.date(2024, 4, 30), "done", "P1",
    )  # fmt: skip
    assert first.evidence == "OPS-101 · Done · 2024-04-28"
    assert (second.status, second.priority, second.due) == ("in_progress", "P0", dt.date(2024, 5, 15))
    assert (rewrite.status, rewrite.status_reason) == ("wont_do", "Won't Do")  # closed as won't do
    assert runbook.due is None and runbook.status == "open"
    [risk] = result.risks
    assert risk.risk == "Vendor SDK may drop TLS 1.2" and result.risk_sources[0].ticket == "OPS-103"
    problems = {(p.row, p.column, p.code) for p in result.problems}
    assert problems == {(6, "J", "ambiguous_date"), (6, "E", "unknown_status")}


def test_linear_and_github_exports() -> None:
    linear = (
        "ID,Team,Title,Description,Status,Estimate,Priority,Project,Creator,Assignee,Labels,Created,Due Date\n"
        "ENG-41,Platform,Add retry budget to the payments client,,Todo,3,Urgent,Reliability,ann,bo@example.com,"
        "Risk,2024-05-02T09:00:00.000Z,\n"
        "ENG-42,Platform,Page on 5xx ratio above 2%,,In Review,2,High,Reliability,ann,cy,,2024-05-02,2024-06-14\n"
    )
    result = import_actions(linear.encode(), "csv", None, "zh")
    assert result.source == "linear"
    [action] = result.actions
    assert (action.ticket, action.owner, action.due, action.status, action.priority) == (
        "ENG-42", "cy", dt.date(2024, 6, 14), "in_progress", "P1",
    )  # fmt: skip
    assert [r.risk for r in result.risks] == ["Add retry budget to the payments client"]  # labelled Risk
    assert "Estimate" in result.unused_columns and "Project" in result.unused_columns
    github = (
        "number,title,state,stateReason,assignees,url,labels,milestone,milestone due,closedAt\n"
        '7,Cache warm-up after deploy,CLOSED,COMPLETED,"alice",https://github.com/o/r/issues/7,,v2,2024-07-01,'
        "2024-06-20T10:00:00Z\n"
        '9,Shard the queue,OPEN,,"bob, carol",https://github.com/o/r/issues/9,,v2,2024-07-01,\n'
        "11,Drop the legacy API,CLOSED,NOT_PLANNED,,https://github.com/o/r/issues/11,,,,\n"
    )
    result = import_actions(github.encode(), "csv", None, "en")
    assert result.source == "github"
    done, shard, dropped = result.actions
    assert (done.status, done.ticket, done.due) == ("done", "https://github.com/o/r/issues/7", dt.date(2024, 7, 1))
    assert shard.owner == "bob, carol"  # two owners kept as written: check_actions flags it
    assert (dropped.status, dropped.status_reason) == ("wont_do", "NOT_PLANNED")
    assert "milestone" in result.unused_columns


def feishu_docx() -> bytes:
    """A review as Feishu exports it: Title and Heading styles, a metrics table with a stated rate, an
    action table with owners and dates, bullet paragraphs."""
    document = docx.Document()
    document.add_paragraph("B2B 协作工具 MVP 项目复盘", style="Title")
    document.add_paragraph("一、项目背景", style="Heading 1")
    document.add_paragraph("面向中小团队的协作工具，3 个月完成 MVP 上线。")
    document.add_paragraph("二、目标达成情况", style="Heading 1")
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ("指标", "目标", "实际", "完成率", "是否达成"), strict=True):
        cell.text = text
    for row in (
        ("注册用户数", "≥2,000", "2,842", "142.1%", "达成"),
        ("D7 留存", "≥25%", "28.6%", "120%", "达成"),
        ("项目预算", "≤45万元", "43.2万元", "104.2%", "达成"),
        ("付费转化率", "≥5%", "3.2%", "64%", "达成"),
    ):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    document.add_paragraph("三、问题与原因", style="Heading 1")
    document.add_paragraph("上线初期权限配置复杂，新用户激活率偏低。")
    document.add_paragraph("四、改进措施", style="Heading 1")
    actions = document.add_table(rows=1, cols=3)
    for cell, text in zip(actions.rows[0].cells, ("改进措施", "负责人", "截止日期"), strict=True):
        cell.text = text
    for row in (("简化权限向导", "产品经理", "2024-08-31"), ("补齐移动端", "", "2024-09-30")):
        cells = actions.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_feishu_docx_review_is_audited() -> None:
    result = audit_review(feishu_docx(), "docx", "zh", "product_development")
    assert result.format == "docx"
    assert [(s.heading, s.section) for s in result.sections][1:] == [
        ("一、项目背景", "overview"), ("二、目标达成情况", "results"),
        ("三、问题与原因", "problems"), ("四、改进措施", "actions"),
    ]  # fmt: skip
    rates = {
        m.metric.name: (m.stated_rate, m.recomputed.attainment_rate if m.recomputed else None) for m in result.metrics
    }
    assert rates["注册用户数"][1] == pytest.approx(2842 / 2000)
    mismatched = {f.excerpt.split(" | ")[0] for f in result.findings if f.code == "rate_mismatch" and f.excerpt}
    assert mismatched == {"D7 留存"}  # 28.6 / 25 = 114.4%, not 120%; 3.2 / 5 = 64% is right
    verdicts = [f for f in result.findings if f.code == "status_mismatch"]
    assert len(verdicts) == 1 and "付费转化率" in verdicts[0].message  # 64% stated as achieved
    # 45 / 43.2 = 104.2% as stated: no finding for the budget
    assert not any("项目预算" in f.message for f in result.findings)
    assert [a.owner for a in result.actions] == ["产品经理", None]
    assert [f.code for f in result.findings if f.code.startswith("action_")] == ["action_no_owner"]
    # the product_development checklist: goals, timeline, results, kpi_tree, problems, five_whys, actions, gaps
    assert {m.section for m in result.missing_sections} == {"goals", "timeline", "kpi_tree", "five_whys", "gaps"}


WRONG_FIGURE_MD = """# 2024 年中大促复盘

## 一、项目概述
活动周期为 6 月 1 日至 6 月 18 日，覆盖天猫与抖音两个渠道。

## 二、目标回顾与结果
GMV 目标 2000万，实际完成1800万，完成率95%。
获客成本 CPA 目标≤45元，实际39.6元，达成率113.6%。
投放 ROI 目标为3，实际约3.4左右。

## 三、问题分析
转化率下滑完全是小王粗心导致的，复盘后请联系 13800138000 确认。

## 四、改进措施
- 建立 ROI 预警规则，负责人：李雷，2024-07-15 前完成
- 统一新客口径，6月30日前
- 加强复盘意识
"""


def test_markdown_review_with_a_wrong_figure() -> None:
    result = audit_review(WRONG_FIGURE_MD.encode(), "markdown", "zh", "marketing_campaign")
    [rate] = [f for f in result.findings if f.code == "rate_mismatch"]
    assert rate.severity == "error" and "95%" in rate.message and "90.0%" in rate.message  # 1800 / 2000
    cpa = next(m for m in result.metrics if m.metric.name == "获客成本 CPA")
    assert cpa.recomputed is not None and cpa.recomputed.attainment_rate == pytest.approx(45 / 39.6)
    assert [u.code for u in result.unreadable] == ["figure_unreadable"]  # "约3.4左右" is not a figure
    codes = [f.code for f in result.findings]
    assert codes.count("action_no_owner") == 2 and codes.count("action_due_no_year") == 1
    assert codes.count("action_no_due") == 1
    assert "blame_language" in codes
    pii = [f for f in result.findings if f.code == "personal_data"]
    assert [f.excerpt for f in pii] == ["138****8000"]
    # the marketing_campaign checklist: goals, timeline, results, kpi_tree, problems, risks, actions, gaps
    assert {m.section for m in result.missing_sections} == {"timeline", "kpi_tree", "risks", "gaps"}


def test_english_review_sentences() -> None:
    text = (
        "## Results\nSign-ups had a target of 2,000, actual 1,500 (80% of target).\n"
        "Churn reached 4% against a target of at most 3%.\n\n## Action items\n"
        "- Fix onboarding emails (owner: Dana, due 2024-09-01)\n"
    )
    result = audit_review(text.encode(), "markdown", "en")
    assert [m.metric.name for m in result.metrics] == ["Sign-ups", "Churn"]
    assert result.metrics[0].recomputed is not None and result.metrics[0].recomputed.attainment_rate == 0.75
    assert any(f.code == "rate_mismatch" and "75.0%" in f.message for f in result.findings)
    assert result.metrics[1].recomputed is not None and result.metrics[1].recomputed.status == "not_achieved"
    assert result.actions[0].owner == "Dana" and result.actions[0].due == dt.date(2024, 9, 1)


def test_a_ticked_task_or_a_written_status_of_an_action_item_is_read() -> None:
    """'- [x] …' is done and '- [ ] …' open; '…, status: done' is read as a tracker's cell. A ticked action was
    imported as open and, with its due date before the review, reported overdue."""
    text = (
        "## Action items\n"
        "- [x] Add replication-lag alert (owner: @ann, due 2026-11-30)\n"
        "- [ ] Validate config before push (owner: @bo, due 2026-12-15)\n"
        "- Add canary stage, owner: Dee, due 2026-12-20, status: done\n"
        "- Pin base image, owner: Ed, due 2026-12-01, status: Fixed (not deployed)\n"
    )
    result = audit_review(text.encode(), "markdown", "en", review_date=dt.date(2026, 12, 10))
    assert [a.status for a in result.actions] == ["done", "open", "done", "open"]
    overdue = [f.excerpt for f in result.findings if f.code == "action_due_past"]
    assert len(overdue) == 1 and overdue[0] is not None and overdue[0].startswith("Pin base image")


def test_an_action_item_due_moved_to_a_new_date_is_due_on_it() -> None:
    """'due 2026-11-30 → 2026-12-15', 'due ~~2026-11-15~~ 2026-12-20': the new date (the first was read, and the
    action reported overdue by the date it was moved from); another date later in the item stays aside."""
    text = (
        "## Action items\n"
        "- Add replication-lag alert (owner: @ann, due 2026-11-30 → 2026-12-15)\n"
        "- Validate config (owner: @bo, due ~~2026-11-15~~ 2026-12-20)\n"
        "- Rotate keys, owner: Fa, due 2026-11-25, reviewed 2026-11-01\n"
    )
    result = audit_review(text.encode(), "markdown", "en", review_date=dt.date(2026, 12, 5))
    assert [a.due for a in result.actions] == [dt.date(2026, 12, 15), dt.date(2026, 12, 20), dt.date(2026, 11, 25)]
    assert [f.code for f in result.findings if f.code.startswith("action_")] == ["action_due_past"]


# ------------------------------------------------------------------------------------------ safe reading


def test_paths_stay_inside_the_allowed_directories(tmp_path: Path) -> None:
    allowed = tmp_path / "in"
    allowed.mkdir()
    (allowed / "a.csv").write_text("指标,目标,实际\nGMV,100,90\n", encoding="utf-8")
    secret = tmp_path / "secret.csv"
    secret.write_text("x", encoding="utf-8")
    assert read_allowed_file("a.csv", [allowed], "en").startswith("指标".encode())
    with pytest.raises(InputError, match="only files under"):
        read_allowed_file(str(secret), [allowed], "en")
    with pytest.raises(InputError, match="only files under"):
        read_allowed_file("../secret.csv", [allowed], "en")
    (allowed / "link.csv").symlink_to(secret)
    with pytest.raises(InputError, match="只能读取"):
        read_allowed_file("link.csv", [allowed], "zh")
    with pytest.raises(InputError, match="no such file"):
        read_allowed_file("missing.csv", [allowed], "en")
    with pytest.raises(InputError, match="NUL"):
        read_allowed_file("a\x00.csv", [allowed], "en")


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fupan_mcp.materials import files

    monkeypatch.setattr(files, "MAX_INPUT_BYTES", 10)
    (tmp_path / "big.csv").write_text("a,b\n" * 10, encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        files.read_allowed_file("big.csv", [tmp_path], "en")


def test_encrypted_corrupt_and_legacy_files_are_named() -> None:
    cfb = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 64
    encrypted = cfb + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
    with pytest.raises(InputError, match="加密"):
        import_metrics(encrypted, "xlsx", None, "zh")
    with pytest.raises(InputError, match="encrypted"):
        audit_review(encrypted, "docx", "en")
    with pytest.raises(InputError, match="legacy"):
        import_metrics(cfb, "xlsx", None, "en")
    with pytest.raises(InputError, match="corrupt"):
        import_metrics(b"PK\x03\x04 truncated", "xlsx", None, "en")
    with pytest.raises(InputError, match="base64"):
        load_material(path=None, content="not base64!", format="xlsx", allowed=[], kind="table",
                      choices=("csv", "xlsx"), language="en")  # fmt: skip


# ------------------------------------------------------------------------------------------ MCP client


def _text(result: Any) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


@pytest.mark.anyio
async def test_through_an_mcp_client(tmp_path: Path) -> None:
    inputs = tmp_path / "materials"
    inputs.mkdir()
    (inputs / "jira.csv").write_text(JIRA, encoding="utf-8")
    settings = Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "exports", input_dirs=(inputs,))
    async with Client(create_server(settings)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert {"import_metrics", "import_actions", "audit_review"} <= names
        created = await client.call_tool("create_review", {"project": "618 大促", "project_type": "marketing_campaign"})
        review_id = (created.structured_content or {})["review"]["id"]

        content = base64.b64encode(zh_sheet()).decode()
        arguments = {"content": content, "format": "xlsx", "sheet": "核心指标", "review_id": review_id}
        imported = await client.call_tool("import_metrics", arguments)
        assert not imported.is_error, _text(imported)
        data = imported.structured_content or {}
        assert data["saved_to"] == review_id and len(data["metrics"]) == 4
        assert "108.5%" in _text(imported)  # GMV 1,628万 / 1,500万
        stored = (await client.call_tool("get_review", {"review_id": review_id})).structured_content or {}
        assert [m["name"] for m in stored["sections"]["metrics"]] == ["GMV", "D7 留存", "获客成本 CPA", "新客数"]

        tracked = await client.call_tool("import_actions", {"path": "jira.csv", "review_id": review_id})
        assert not tracked.is_error, _text(tracked)
        listed = (await client.call_tool("list_actions", {"review_id": review_id})).structured_content or {}
        assert len(listed["actions"]) == 4

        outside = await client.call_tool("import_actions", {"path": str(tmp_path / "reviews.db")})
        assert outside.is_error and "只能读取" in _text(outside)  # the review store lies outside the input dir

        audited = await client.call_tool("audit_review", {"content": WRONG_FIGURE_MD, "language": "en"})
        assert not audited.is_error
        findings = (audited.structured_content or {})["findings"]
        assert any(f["code"] == "rate_mismatch" for f in findings)


def test_bundled_sample_sheet_matches_the_sample_reviews() -> None:
    from fupan_mcp.analysis.attainment import compute_attainment
    from fupan_mcp.domain.attainment import MetricInput
    from fupan_mcp.samples import METRIC_SHEETS, load_sample, metrics_sheet_bytes

    data = metrics_sheet_bytes()
    for name, sheet in METRIC_SHEETS.items():
        imported = import_metrics(data, "xlsx", sheet, "zh", compute=True)
        typed = compute_attainment([MetricInput.model_validate(m) for m in load_sample(name)["metrics"]], "zh")
        assert imported.problems == [] and imported.attainment is not None
        got = [(m.name, m.status, m.attainment_rate) for m in imported.attainment.metrics]
        want = [(m.name, m.status, m.attainment_rate) for m in typed.metrics]
        assert [(n, s) for n, s, _ in got] == [(n, s) for n, s, _ in want]
        for (_, _, a), (_, _, b) in zip(got, want, strict=True):
            assert (a is None and b is None) or a == pytest.approx(b)


def test_cli_input_dir_sets_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fupan_mcp import cli
    from fupan_mcp.materials.files import INPUT_DIRS_ENV

    monkeypatch.delenv(INPUT_DIRS_ENV, raising=False)
    cli._set_input_dirs([str(tmp_path)], stdio=True)
    assert os.environ[INPUT_DIRS_ENV] == str(tmp_path.resolve())
    monkeypatch.delenv(INPUT_DIRS_ENV)
    monkeypatch.chdir(tmp_path)
    cli._set_input_dirs([], stdio=True)
    assert os.environ[INPUT_DIRS_ENV].split(os.pathsep)[-1] == str(Path.cwd())
    monkeypatch.delenv(INPUT_DIRS_ENV)
    cli._set_input_dirs([], stdio=False)
    assert str(Path.cwd()) not in os.environ[INPUT_DIRS_ENV].split(os.pathsep)
