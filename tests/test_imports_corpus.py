"""Tables as people paste them into import_metrics / import_actions: a corpus of real tables
(tests/data/imports/*.jsonl, each with its `source`) with hand-checked expectations, and the forms
behind them (markdown, space-aligned, decimal commas, footnote marks, full-width digits, statuses, dates)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.errors import InputError
from fupan_mcp.materials.api import import_actions, import_metrics
from fupan_mcp.materials.layouts import split_layout
from fupan_mcp.materials.numbertext import clean_number, decimal_convention
from fupan_mcp.materials.trackers import vague_date

DATA = Path(__file__).parent / "data" / "imports"


def _load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


METRICS = _load("metrics.jsonl")
ACTIONS = _load("actions.jsonl")


def test_corpus_is_sourced_and_large_enough() -> None:
    entries = METRICS + ACTIONS
    assert len(entries) >= 15
    assert len({entry["id"] for entry in entries}) == len(entries)
    for entry in entries:
        assert entry["source"].startswith("https://"), entry["id"]
        assert entry["content"].strip() and entry["expect"], entry["id"]


def _close(value: float | None, expected: float | None) -> bool:
    if expected is None or value is None:
        return value is expected
    return abs(value - expected) <= 1e-6 * max(1.0, abs(expected))


@pytest.mark.parametrize("entry", METRICS, ids=[entry["id"] for entry in METRICS])
def test_metric_corpus(entry: dict[str, Any]) -> None:
    expect = entry["expect"]
    data = entry["content"].encode("utf-8")
    if "error" in expect:
        with pytest.raises(InputError) as caught:
            import_metrics(data, entry["format"], None, "zh", compute=True)
        assert caught.value.field == expect["error"]
        return
    result = import_metrics(data, entry["format"], None, "zh", compute=True)
    assert (result.attainment is None) == (not expect["metrics"])
    got = [(m.name, m.target_level, m.actual, m.status) for m in result.attainment.metrics] if result.attainment else []
    assert [g[0] for g in got] == [e[0] for e in expect["metrics"]]
    for (name, level, actual, status), (_, want_level, want_actual, want_status) in zip(
        got, expect["metrics"], strict=True
    ):
        assert _close(level, want_level), (name, level, want_level)
        assert _close(actual, want_actual), (name, actual, want_actual)
        assert status == want_status, (name, status)
    assert sorted([p.row, p.code] for p in result.problems) == sorted(expect["problems"])
    codes = {note.code for note in result.notes}
    assert set(expect["notes"]) <= codes, codes


@pytest.mark.parametrize("entry", ACTIONS, ids=[entry["id"] for entry in ACTIONS])
def test_action_corpus(entry: dict[str, Any]) -> None:
    expect = entry["expect"]
    result = import_actions(entry["content"].encode("utf-8"), entry["format"], None, "zh")
    got = [[a.action, a.owner, a.due.isoformat() if a.due else None, a.status] for a in result.actions]
    assert got == expect["actions"]
    assert [r.risk for r in result.risks] == expect.get("risks", [])
    if "levels" in expect:
        assert [[r.likelihood, r.impact] for r in result.risks] == expect["levels"]
    if "kinds" in expect:
        assert [a.kind for a in result.actions] == expect["kinds"]
    if "addresses" in expect:
        assert [a.addresses for a in result.actions] == expect["addresses"]
    if "tickets" in expect:
        assert [a.ticket for a in result.actions] == expect["tickets"]
    if "priorities" in expect:
        assert [a.priority for a in result.actions] == expect["priorities"]
    assert sorted([p.row, p.code] for p in result.problems) == sorted(expect["problems"])
    assert set(expect["notes"]) <= {note.code for note in result.notes}


# --------------------------------------------------------------------------- the forms behind the corpus


def test_superscript_footnote_is_not_a_digit() -> None:
    clean = clean_number("12.3¹")
    assert clean.text == "12.3" and clean.footnote == "¹"
    assert clean_number("12.3").footnote is None
    assert clean_number("1,628万").text == "1,628万"
    assert clean_number("≥2,000").text == "≥2,000"
    assert clean_number("１２３").text == "123"
    assert clean_number("４．５％").text == "4.5%"
    assert clean_number("12.3※").footnote == "※"
    assert clean_number("−5%").text == "-5%"
    assert clean_number("95–99%").text == "95–99%"


def test_thousands_blanks() -> None:
    assert clean_number("1 234 567").text == "1234567"
    assert clean_number("85\u202f000").text == "85000"
    assert clean_number("12 34").text == "12 34"  # not a grouping: left for the reader to refuse


def test_decimal_comma_convention_and_refusals() -> None:
    assert decimal_convention(["1.234,5", "12"], False) == "comma"
    assert decimal_convention(["1,234.5"], False) == "point"
    assert decimal_convention(["1.234"], False) == "point"
    assert decimal_convention(["1.234"], True) == "comma"  # a semicolon file, no other evidence
    assert decimal_convention(["12,5", "12.5"], False) == "mixed"
    assert clean_number("1.234,5", "comma").text == "1234.5"
    assert clean_number("18,7%", "comma").text == "18.7%"
    assert clean_number("1.234", "comma").refused == "ambiguous_decimal"
    assert clean_number("1,234", "comma").refused == "ambiguous_decimal"
    assert clean_number("1.234,5", "mixed").refused == "mixed_decimal"
    assert clean_number("12.5", "mixed").refused is None


def test_one_ambiguous_cell_alone_is_refused_in_english() -> None:
    data = b"KPI;Target;Actual\nRevenue;1.234,5;1.100,0\nUsers;1.234;1500\n"
    result = import_metrics(data, "csv", None, "en", compute=True)
    assert [m.target for m in result.metrics] == ["1234.5", None]
    assert [m.actual for m in result.metrics] == ["1100.0", "1500"]
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.code) == (3, "B", "ambiguous_decimal")
    assert "decimal commas" in problem.message and "'1.234'" in problem.message


def test_markdown_layouts() -> None:
    layout = split_layout("| a | b \\| c |\n|:--|--:|\n| 1 | 2 |\n")
    assert layout is not None and layout.kind == "markdown"
    assert layout.rows == [["a", "b | c"], [], ["1", "2"]]
    bare = split_layout("a | b\n---|---\n1 | 2\n")
    assert bare is not None and bare.rows == [["a", "b"], [], ["1", "2"]]
    assert split_layout("a,b\n1,2\n") is None


def test_aligned_layout_places_cells_by_position_and_refuses_the_rest() -> None:
    text = (
        "指标        目标      实际\nGMV         2000      1800\n新客数                5200\n"
        "转化率 5% 4.5%\n复购率 5% 4.5% 偏低\n流量\nUV          100       90\nDAU         50        45\n"
    )
    layout = split_layout(text)
    assert layout is not None and layout.kind == "aligned"
    assert layout.rows[1] == ["GMV", "2000", "1800"]
    assert layout.rows[2] == ["新客数", "", "5200"]
    assert layout.rows[3] == ["转化率", "5%", "4.5%"]
    assert layout.rows[4] == [] and [line for line, _ in layout.unplaced] == [5]
    assert layout.rows[5] == ["流量"]


def test_aligned_name_with_single_blanks() -> None:
    text = "Metric      Target    Actual\nNew users 1,200 1,350\nChurn rate    5%    6.1%\n"
    layout = split_layout(text)
    assert layout is not None
    assert layout.rows[1] == ["New users", "1,200", "1,350"]
    assert layout.rows[2] == ["Churn rate", "5%", "6.1%"]


def test_csv_with_wide_blanks_stays_csv() -> None:
    data = "指标,  目标,  实际\nGMV,  2000,  1800\n".encode()
    result = import_metrics(data, "csv", None, "zh")
    assert [(m.name, m.target, m.actual) for m in result.metrics] == [("GMV", "2000", "1800")]
    assert "layout_aligned" not in {note.code for note in result.notes}


def test_vague_dates() -> None:
    assert vague_date("下周五") == "relative_date"
    assert vague_date("next Friday") == "relative_date"
    assert vague_date("6月底") == "incomplete_date"
    assert vague_date("Q3") == "incomplete_date"
    assert vague_date("2024 Q3") == "vague_period"
    assert vague_date("garbage") == "none"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("✅", "done"),
        ("WIP", "in_progress"),
        ("推进中", "in_progress"),
        ("not completed", "open"),
        ("incomplete", "open"),
        ("已闭环", "done"),
        ("已销号", "done"),
        ("100%", "done"),
        ("完成100%", "done"),
        ("已完成90%", "in_progress"),
        ("进行中（80%）", "in_progress"),
        ("进度: 35%", "in_progress"),
        ("0%", "open"),
        ("已修复待验证", "in_progress"),
        ("已完成（待上线）", "in_progress"),
        ("开发完成，待发布", "in_progress"),
        ("已上线待观察", "in_progress"),
        ("灰度中", "in_progress"),
        ("未闭环", "open"),
        ("尚未闭环", "open"),
        ("已废弃", "wont_do"),
        ("无需处理", "wont_do"),
        ("Abandoned", "wont_do"),  # 'done' inside 'abandoned' is no done
        ("Preview", "open"),  # 'review' inside it gives no status: unknown, taken as open
        ("Not Doing", "wont_do"),
        ("Cancelled - superseded", "wont_do"),
        ("🔴 待处理", "open"),  # a coloured select option, as 飞书/Notion boards export it
        ("🟡 进行中", "in_progress"),
        ("🟢 已完成", "done"),
        ("🆕 New", "open"),
        ("❌ 已完成", "open"),  # a mark that means a status against the word: unread, reported
    ],
)
def test_status_forms(status: str, expected: str) -> None:
    """A done word with a step still to come, or a share below 100%, is never done."""
    data = f"Action,Owner,Status\nAdd alert,alice,{status}\n".encode()
    (action,) = import_actions(data, "csv", None, "en").actions
    assert action.status == expected


def test_group_row_needs_empty_cells_not_missing_marks() -> None:
    data = "指标,目标,实际\n流量\nUV,100,90\n留存,N/A,待定\n".encode()
    result = import_metrics(data, "csv", None, "zh")
    assert [(m.name, m.dimension) for m in result.metrics] == [("UV", "流量"), ("留存", "流量")]


def test_no_header_says_why_when_it_can() -> None:
    with pytest.raises(InputError) as fullwidth:
        import_metrics("指标，目标，实际\nGMV，２，８００万元，３０００万\n".encode(), "csv", None, "zh")
    assert "全角逗号" in str(fullwidth.value)
    with pytest.raises(InputError) as blanks:
        import_actions(b"Action Owner Due Status\nAdd alert alice 2024-01-02 done\n", "csv", None, "en")
    assert blanks.value.field == "content" and "single blanks" in str(blanks.value)
    with pytest.raises(InputError) as plain:
        import_metrics("| 维度 | 指标 |\n|---|---|\n| 销售 | GMV |\n".encode(), "csv", None, "zh")
    assert "全角" not in str(plain.value) and "单个空格" not in str(plain.value)


def test_title_above_an_aligned_table_and_a_total_row() -> None:
    text = (
        "2024 Q3 经营复盘\n\n"
        "指标          目标        实际\n"
        "GMV（万元）   2,000       1,800\n"
        "新客数        5000        5200\n"
        "合计          7000        7000\n"
    )
    result = import_metrics(text.encode(), "csv", None, "zh", compute=True)
    assert [(m.name, m.target, m.actual, m.unit) for m in result.metrics] == [
        ("GMV（万元）", "2,000", "1,800", "万元"),
        ("新客数", "5000", "5200", None),
    ]
    assert {"layout_aligned", "title_rows", "total_rows"} <= {note.code for note in result.notes}


def test_a_markdown_file_is_a_table_for_import(tmp_path: Path) -> None:
    from fupan_mcp.materials.files import load_material

    (tmp_path / "kpi.md").write_text("# Q3\n\n| 指标 | 目标% | 实际% |\n|---|---|---|\n| 转化率 | 5 | 4.5 |\n", "utf-8")
    data, chosen = load_material(
        path="kpi.md",
        content=None,
        format=None,
        allowed=[tmp_path],
        kind="table",
        choices=("csv", "tsv", "xlsx"),
        language="zh",
    )
    assert chosen == "csv"
    result = import_metrics(data, chosen, None, "zh")
    assert [(m.name, m.target, m.actual, m.unit) for m in result.metrics] == [("转化率", "5", "4.5", "%")]


@pytest.mark.parametrize(
    ("target", "actual", "clash"),
    [
        ("年度目标", "上半年完成", True),
        ("全年目标", "截至9月完成", True),
        ("年度目标", "实际完成（1-9月）", True),
        ("年度目标", "Q3实际", True),
        ("月度目标", "本周", True),
        ("Annual target", "Q3 actual", True),
        ("年度目标", "YTD 实际", True),
        ("Q3目标", "Q3实际", False),
        ("年度目标", "全年实际", False),
        ("本周目标", "本周完成", False),
        ("目标", "截至9月完成", False),  # no period on the target: nothing to compare
        ("年度目标", "实际", False),
    ],
)
def test_a_part_of_the_target_s_period_is_not_judged(target: str, actual: str, clash: bool) -> None:
    """1.6亿 to date against a 2亿 year is progress, not 'not achieved': the target is left out, said so."""
    data = f"指标,{target},{actual}\n营收,2亿,1.6亿\n".encode()
    result = import_metrics(data, "csv", None, "zh", compute=True)
    assert result.attainment is not None
    (metric,) = result.attainment.metrics
    assert (metric.status == "not_evaluable") is clash, metric.statement
    assert ("period_clash" in {note.code for note in result.notes}) is clash


def test_a_status_marked_on_the_bug_cell_leaves_the_ticket() -> None:
    data = (
        b"| Action Item | Owner | Bug |\n|---|---|---|\n| Plug the fd leak | agoogler | Bug 5554825 **DONE** |\n"
        b"| Add load shedding | agoogler | Bug 5554826 **MAYBE** |\n| Update the playbook | jennifer | n/a DONE |\n"
        b"| Freeze production | docbrown | OPS-12 |\n"
    )
    result = import_actions(data, "csv", None, "en")
    assert [(a.ticket, a.status) for a in result.actions] == [
        ("Bug 5554825", "done"),
        ("Bug 5554826", "open"),
        (None, "done"),
        ("OPS-12", "open"),
    ]
    (problem,) = result.problems  # the bold word that is no status, reported on the Bug column
    assert (problem.row, problem.column, problem.code, problem.value) == (4, "C", "unknown_status", "MAYBE")


@pytest.mark.parametrize(
    ("header", "row", "owner", "ticket"),
    [
        ("任务ID,内容,执行者,任务状态", "T-1,补齐慢查询告警,张三,进行中", "张三", "T-1"),  # the id was the title
        ("Name,Assignee,Assignee Email,Status", "Add alert,Alice Wong,alice@example.com,Done", "Alice Wong", None),
        ("Name,Assignee,Assignee Email,Status", "Add alert,,alice@example.com,Done", "alice@example.com", None),
        ("Name,Person,Status", "Add alert,bob,Done", "bob", None),
        ("Name,Assign,Status", "Add alert,carol,Done", "carol", None),
        ("Card ID,Card Name,Members,List Name", "5f1a,Add alert,dave,Done", "dave", "5f1a"),
    ],
)
def test_owner_and_title_columns_of_other_trackers(header: str, row: str, owner: str, ticket: str | None) -> None:
    """Teambition's 执行者, monday's Person, Notion's Assign, Trello's Members are the owner; an e-mail
    column beside the name is the same person, not a second owner; a 任务ID is the ticket, not the title."""
    (action,) = import_actions(f"{header}\n{row}\n".encode(), "csv", None, "zh").actions
    assert action.action in ("补齐慢查询告警", "Add alert")
    assert (action.owner, action.ticket) == (owner, ticket)


@pytest.mark.parametrize(
    ("header", "row", "status"),
    [
        ("Card Name,Members,Due Date,Due Complete", "Add alert,dave,2024-03-01,true", "done"),
        ("Card Name,Members,Due Date,Due Complete", "Add alert,dave,2024-03-01,false", "open"),
        ("Card Name,Members,Due Date,List Name", "Add alert,dave,2024-03-01,Done", "done"),
        ("Card Name,Members,Due Date,List Name", "Add alert,dave,2024-03-01,Backend", "open"),
        ("任务,负责人,截止日期,是否完成", "补监控,张三,2024-03-01,是", "done"),
        ("任务,负责人,截止日期,是否完成", "补监控,张三,2024-03-01,否", "open"),
        ("任务,负责人,截止日期,完成时间", "补监控,张三,2024-03-01,2024-02-27", "done"),  # beside a due: done on it
        ("任务,负责人,截止日期,实际完成时间", "补监控,张三,2024-03-01,2024-02-27", "done"),
        ("任务,负责人,完成时间", "补监控,张三,2024-03-01", "open"),  # no due column: the plan's date
        ("Summary,Assignee,Resolved", "Add alert,alice,2024-02-27", "done"),
        ("Name,Assign,Due,Completed", "Add alert,dave,2024-03-01,Yes", "done"),  # a Notion checkbox
        ("Name,Assign,Due,Completed", "Add alert,dave,2024-03-01,No", "open"),
        ("Action,Owner,Due,Done", "Add alert,dave,2024-03-01,✓", "done"),
        ("任务,负责人,截止日期,完成情况", "补监控,张三,2024-03-01,已完成", "done"),
        ("Action,Owner,Status", "Add alert,dave,[x]", "done"),
        ("任务,负责人,截止日期,状态,完成时间", "补监控,张三,2024-03-01,进行中,2024-02-27", "in_progress"),
    ],
)
def test_a_completion_in_its_own_column(header: str, row: str, status: str) -> None:
    """With no status written, a done flag, a completion date or a board column named as a status gives it;
    a written status comes first."""
    (action,) = import_actions(f"{header}\n{row}\n".encode(), "csv", None, "zh").actions
    assert action.status == status
    if status == "done":
        assert action.evidence is not None


def test_an_unread_done_flag_is_reported_alone() -> None:
    data = "任务,负责人,截止日期,是否完成\n补监控,张三,2024-03-01,差不多\n压测,李四,2024-03-02,是\n".encode()
    result = import_actions(data, "csv", None, "zh")
    assert [a.status for a in result.actions] == ["open", "done"]
    (problem,) = result.problems
    assert (problem.row, problem.column, problem.code) == (2, "D", "unknown_status")
    assert "差不多" in problem.message


@pytest.mark.parametrize(
    ("written", "priority"),
    [
        ("2 - High", "P1"),
        ("4 - Low", "P3"),
        ("3 (Medium)", "P2"),
        ("0 - No priority", None),
        ("P0-紧急", "P0"),
        ("P2 (Medium)", "P2"),
        ("高优", "P1"),
        ("低优先级", "P3"),
        ("较高", "P1"),
        ("非常紧急", "P0"),
        ("普通", "P2"),
        ("🔥 Urgent", "P0"),
        ("Critical ⚠️", "P0"),
    ],
)
def test_priority_forms(written: str, priority: str | None) -> None:
    (action,) = import_actions(f"Summary,Priority\nAdd alert,{written}\n".encode(), "csv", None, "en").actions
    assert action.priority == priority


def test_a_number_and_a_word_that_disagree_are_no_priority() -> None:
    result = import_actions(b"Summary,Priority\nAdd alert,1 - Low\nAdd probe,2 - High\n", "csv", None, "zh")
    assert [a.priority for a in result.actions] == [None, "P1"]
    (problem,) = result.problems
    assert (problem.row, problem.code) == (2, "unknown_priority") and "1 - Low" in problem.message


@pytest.mark.parametrize(
    ("header", "row", "ticket"),
    [
        ("序号,改进措施,负责人,状态", "1,补齐慢查询告警,张三,已完成", None),  # counts the rows
        ("编号,改进措施,负责人,状态", "3,补齐慢查询告警,张三,已完成", None),
        ("编号,改进措施,负责人,状态", "INC-12,补齐慢查询告警,张三,已完成", "INC-12"),
        ("No.,Action,Owner,Status", "2,Add alert,alice,Done", None),
        ("number,title,state,assignees", "412,Add alert,closed,octocat", "#412"),  # GitHub's issue number
        ("ID,Summary,Assignee,Status", "10231,Add alert,alice,Done", "10231"),
    ],
)
def test_a_row_number_is_no_ticket(header: str, row: str, ticket: str | None) -> None:
    """A done row's evidence named '#1', the row's 序号, as its ticket."""
    (action,) = import_actions(f"{header}\n{row}\n".encode(), "csv", None, "zh").actions
    assert action.ticket == ticket and action.status == "done"
    assert (action.evidence or "").startswith(ticket or "") and "#1" not in (action.evidence or "")


@pytest.mark.parametrize(
    "text",
    [
        "- [ ] Add alert on queue depth — @alice — due 2024-03-01\n- [x] Fix the runbook (bob)\n",
        "1. 补充慢查询告警（负责人：张三，截止：2024-03-01）\n2. 压测报告（李四，3月15日）\n",
        "• Rotate the keys, ops, Friday\n• Add a canary, dev, next sprint\n",
    ],
)
def test_a_pasted_list_is_told_apart_from_a_table(text: str) -> None:
    """A list pasted into import_actions was refused for its full-width commas, or with no reason."""
    for language, words in (("zh", "列表，不是表格"), ("en", "looks like a list")):
        with pytest.raises(InputError) as caught:
            import_actions(text.encode(), "csv", None, language)  # type: ignore[arg-type]
        assert caught.value.field == "content" and words in str(caught.value) and "audit_review" in str(caught.value)
        assert "全角逗号" not in str(caught.value)


def test_owners_one_a_line_in_a_cell_are_all_named() -> None:
    data = 'Action,Owner,Status\n"Add alert","Alice\r\nBob",Open\n补监控,"王五\n赵六",进行中\n'.encode()
    result = import_actions(data, "csv", None, "zh")
    assert [a.owner for a in result.actions] == ["Alice, Bob", "王五, 赵六"]


def test_an_excel_serial_date_is_read_and_said() -> None:
    """'45366' in a due column (a date cell saved as General) was unreadable: it is 2024-03-15, read with a
    warning naming the date; a number out of this century's range stays unreadable."""
    data = b"Action,Owner,Due date\nAdd alert,alice,45366\nAdd probe,bob,45366.75\nAdd check,cy,12345\n"
    result = import_actions(data, "csv", None, "en")
    assert [a.due for a in result.actions] == [dt.date(2024, 3, 15), dt.date(2024, 3, 15), None]
    assert sorted((p.row, p.code) for p in result.problems) == [
        (2, "excel_serial_date"),
        (3, "excel_serial_date"),
        (4, "unreadable_date"),
    ]
    assert "2024-03-15" in result.problems[0].message and "45366" in result.problems[0].message
    zh = import_actions(data, "csv", None, "zh").problems[0].message
    assert "Excel 的日期序号" in zh and "2024-03-15" in zh


@pytest.mark.parametrize(
    ("span", "due"),
    [
        ("2024/03/01 ~ 2024/03/15", dt.date(2024, 3, 15)),
        ("2024年3月1日至2024年3月15日", dt.date(2024, 3, 15)),
        ("2024-03-01 → 2024-03-15", dt.date(2024, 3, 15)),
        ("2024-03-15", dt.date(2024, 3, 15)),
        ("2024-03-01 或 2024-03-15", None),  # two options, no span: refused
    ],
)
def test_a_span_with_no_due_column_ends_on_its_due(span: str, due: dt.date | None) -> None:
    result = import_actions(f"任务,负责人,起止时间\n补监控,张三,{span}\n".encode(), "csv", None, "zh")
    assert result.actions[0].due == due
    assert [p.code for p in result.problems] == ([] if due else ["unreadable_date"])


def test_a_column_of_both_date_orders_stays_refused_cell_by_cell() -> None:
    data = b"Action,Owner,Due\nA,al,05/03/2024\nB,bo,21/03/2024\nC,cy,03/21/2024\n"
    result = import_actions(data, "csv", None, "en")
    assert [a.due for a in result.actions] == [None, dt.date(2024, 3, 21), dt.date(2024, 3, 21)]
    assert [(p.row, p.code) for p in result.problems] == [(2, "ambiguous_date")]
    assert not [n for n in result.notes if n.code.startswith("date_order")]
    month = import_actions(b"Action,Owner,Due\nA,al,05/03/2024\nB,bo,03/21/2024\n", "csv", None, "en")
    assert month.actions[0].due == dt.date(2024, 5, 3) and "month first" in month.notes[0].message


def test_a_risk_register_in_a_review_is_no_action_list() -> None:
    """audit_review read a review's risk table as actions (each 'missing its due'); its risks are said in a note."""
    from fupan_mcp.materials.api import audit_review

    md = (
        "# 复盘\n\n## 改进措施\n| 措施 | 负责人 | 截止日期 | 状态 |\n|---|---|---|---|\n"
        "| 补监控 | 张三 | 2026-12-20 | 进行中 |\n\n## 风险\n"
        "| 风险 | 负责人 | 可能性 | 影响程度 | 应对措施 |\n|---|---|---|---|---|\n"
        "| 大促流量超预期 | 张三 | 高 | 严重 | 扩容 |\n| 供应商延期 | 李四 | 中 | 高 | 备选供应商 |\n"
    )
    for language, words in (("zh", "读出 2 条风险"), ("en", "2 risks were read")):
        result = audit_review(md.encode(), "markdown", language)  # type: ignore[arg-type]
        assert [a.action for a in result.actions] == ["补监控"]
        (note,) = [n for n in result.notes if n.code == "risk_table"]
        assert words in note.message and "check_risks" in note.message


def test_two_dates_in_a_due_cell_are_refused_saying_why() -> None:
    data = b'Action,Owner,Due\nPin the base image,Build,"2026-11-30 / 2026-12-15"\nAdd probe,ops,"whenever"\n'
    result = import_actions(data, "csv", None, "zh")
    assert [(p.row, p.code) for p in result.problems] == [(2, "unreadable_date"), (3, "unreadable_date")]
    assert "两个日期" in result.problems[0].message and "两个日期" not in result.problems[1].message
    en = import_actions(data, "csv", None, "en").problems[0].message
    assert "two dates" in en and "2026-11-30 / 2026-12-15" in en


@pytest.mark.parametrize(
    ("resolution", "status"),
    [("Done (branch deleted)", "done"), ("Fixed (invalidated the cache)", "done"), ("Incomplete", "wont_do")],
)
def test_a_resolution_word_inside_another_word_closes_nothing_undone(resolution: str, status: str) -> None:
    """The undone resolutions were found anywhere in the text ('closed' in 'disclosed')."""
    (action,) = import_actions(f'Summary,Status,Resolution\nAdd alert,Closed,"{resolution}"\n'.encode(), "csv").actions
    assert action.status == status


@pytest.mark.parametrize(
    ("due", "zh", "en"),
    [
        ("Sprint 12", "是迭代或版本", "a sprint or a release"),
        ("v2.3 release", "是迭代或版本", "a sprint or a release"),
        ("持续", "持续进行", "goes on"),
        ("ongoing", "持续进行", "goes on"),
    ],
)
def test_a_sprint_or_ongoing_due_is_refused_saying_what_it_is(due: str, zh: str, en: str) -> None:
    """Each was 'cannot read the date', as if it were a typo."""
    data = f"Action,Owner,Due\nAdd alert,alice,{due}\n".encode()
    for language, words in (("zh", zh), ("en", en)):
        (problem,) = import_actions(data, "csv", None, language).problems  # type: ignore[arg-type]
        assert problem.code == "unreadable_date" and words in problem.message and due in problem.message


@pytest.mark.parametrize(
    ("written", "due"),
    [
        ("Tue, 12 Mar 2024 15:00:00 +0800", dt.date(2024, 3, 12)),  # RFC 2822, as mail-fed trackers write dates
        ("Tue Mar 12 2024", dt.date(2024, 3, 12)),
        ("Tuesday, March 12th 2024", dt.date(2024, 3, 12)),
        ("Monday, 03/04/2024", dt.date(2024, 3, 4)),  # the weekday tells 4 March from 3 April
        ("Wednesday, 03/04/2024", dt.date(2024, 4, 3)),
        ("Friday, 03/04/2024", None),  # neither reading is a Friday: still ambiguous
    ],
)
def test_a_weekday_before_a_date(written: str, due: dt.date | None) -> None:
    """Each of these was unreadable or ambiguous."""
    result = import_actions(f'Action,Owner,Due\nAdd alert,alice,"{written}"\n'.encode(), "csv", None, "en")
    assert result.actions[0].due == due
    assert [p.code for p in result.problems] == ([] if due else ["ambiguous_date"])


def test_invisible_characters_from_a_copied_page_are_dropped() -> None:
    """A zero-width space, a word joiner, a BOM inside a cell: the due was unreadable, the status unknown,
    the owner another person; an emoji sequence keeps its joiner."""
    data = (
        "Action,Owner,Due,Status\nAdd\u200b alert,\u200balice,2024-03-01\u200b,Done\u200b\n"
        "压测,\u2060李四,2024-03-02,\ufeff已完成\n"
    )
    result = import_actions(data.encode(), "csv", None, "zh")
    assert [(a.action, a.owner, a.due, a.status) for a in result.actions] == [
        ("Add alert", "alice", dt.date(2024, 3, 1), "done"),
        ("压测", "李四", dt.date(2024, 3, 2), "done"),
    ]
    assert result.problems == []
    (kept,) = import_actions("Action,Owner\n👩\u200d💻 pairing,alice\n".encode(), "csv", None, "zh").actions
    assert "\u200d" in kept.action
    metrics = import_metrics("指标,目标,实际\nGMV,2000\u200b,1800\n".encode(), "csv", None, "zh")
    assert [(m.target, m.actual) for m in metrics.metrics] == [("2000", "1800")]
