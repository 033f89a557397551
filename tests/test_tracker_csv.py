"""Actions as the CSV of Jira, Linear and github-csv-tools (report/tracker_csv.py), read back with csv:
the documented headers, the mapped values, quoting of commas, quotes and new lines, Chinese kept,
and masking by default on the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from fupan_mcp.cli import main as cli_main
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.stored import StoredAction
from fupan_mcp.report.tracker_csv import tracker_csv
from fupan_mcp.store import SQLiteStore

CREATED = dt.datetime(2024, 7, 5, 9, 0, tzinfo=dt.timezone.utc)
UPDATED = dt.datetime(2024, 7, 20, 8, 30, tzinfo=dt.timezone.utc)


def _action(**fields: object) -> StoredAction:
    data: dict[str, object] = {
        "id": "A-0000000001",
        "review_id": "R-0000000001",
        "project": "商城 2024",
        "review_title": "618 大促复盘",
        "review_date": dt.date(2024, 7, 5),
        "created_at": CREATED,
        "updated_at": CREATED,
        "action": "补齐压测",
    }
    data.update(fields)
    return StoredAction.model_validate(data)


ACTIONS = [
    _action(
        action='补齐压测, 覆盖"大促"峰值\n两倍流量',
        owner="王伟",
        due="2024-08-01",
        priority="P1",
        kind="prevent",
        addresses="压测只到 1.2 倍",
        success_metric="2 倍峰值下 P99 < 300ms",
    ),
    _action(
        id="A-0000000002",
        action="=SUM(A1) 清理脚本",
        owner="octocat",
        status="done",
        evidence="PR #12",
        updated_at=UPDATED,
    ),
    _action(id="A-0000000003", action="Drop the old cache", status="wont_do", status_reason="replaced", priority="P0"),
]


def _read(text: str) -> list[list[str]]:
    assert not text.startswith("\ufeff")
    assert "\r\n" in text  # RFC 4180 rows
    return list(csv.reader(io.StringIO(text, newline="")))


def test_jira_columns_and_values() -> None:
    header, *rows = _read(tracker_csv(ACTIONS, "jira", "zh"))
    # Summary is required; a field of several values repeats its column (Labels)
    assert header == [
        "Summary",
        "Description",
        "Issue Type",
        "Status",
        "Resolution",
        "Priority",
        "Assignee",
        "Due date",
        "Labels",
        "Labels",
        "Labels",
    ]
    first, second, third = rows
    assert first[0] == '补齐压测, 覆盖"大促"峰值\n两倍流量'  # commas, quotes and a new line survive the quoting
    assert first[1] == (
        "来自复盘：618 大促复盘（2024-07-05，项目：商城 2024）\n针对的问题：压测只到 1.2 倍\n"
        "成功标准：2 倍峰值下 P99 < 300ms\n负责人：王伟\nfupan 行动编号：A-0000000001"
    )
    assert first[2:] == ["Task", "To Do", "", "High", "王伟", "2024-08-01", "fupan", "prevent", "商城_2024"]
    assert second[2:] == ["Task", "Done", "Done", "", "octocat", "", "fupan", "商城_2024", ""]
    assert second[0] == "=SUM(A1) 清理脚本"  # Jira takes the text as it is
    assert third[2:] == ["Task", "Done", "Won't Do", "Highest", "", "", "fupan", "商城_2024", ""]
    assert third[1].splitlines()[-2:] == ["状态说明：replaced", "fupan 行动编号：A-0000000003"]


def test_linear_columns_and_values() -> None:
    header, *rows = _read(tracker_csv(ACTIONS, "linear", "en"))
    assert header == [
        "Title",
        "Description",
        "Status",
        "Priority",
        "Assignee",
        "Labels",
        "Due Date",
        "Created",
        "Completed",
    ]
    first, second, third = rows
    assert first[2:] == [
        "Todo",
        "High",
        "王伟",
        "fupan, prevent, 商城 2024",
        "2024-08-01",
        "2024-07-05T09:00:00+00:00",
        "",
    ]
    assert first[1].splitlines()[0] == "From the review: 618 大促复盘 (2024-07-05, project: 商城 2024)"
    assert second[0] == "'=SUM(A1) 清理脚本"  # as Linear's export writes a formula-like text; its importer strips the '
    completed = "2024-07-20T08:30:00+00:00"  # a done action's last change
    assert second[2:] == [
        "Done",
        "No priority",
        "octocat",
        "fupan, 商城 2024",
        "",
        "2024-07-05T09:00:00+00:00",
        completed,
    ]
    assert third[2:4] == ["Canceled", "Urgent"]


def test_github_columns_and_values() -> None:
    header, *rows = _read(tracker_csv(ACTIONS, "github", "zh"))
    assert header == ["title", "body", "labels", "assignee", "milestone", "state"]
    first, second, third = rows
    assert first[2:] == ["fupan,prevent,商城 2024", "", "", "open"]  # 王伟 is no GitHub login: named in the body
    assert "负责人：王伟" in first[1]
    assert second[2:] == ["fupan,商城 2024", "octocat", "", "closed"]
    assert third[5] == "closed"


def test_a_byte_order_mark_only_when_asked() -> None:
    text = tracker_csv(ACTIONS[:1], "jira", "zh", bom=True)
    assert text.startswith("\ufeffSummary,")
    assert tracker_csv([], "github", "zh") == "title,body,labels,assignee,milestone,state\r\n"


def _seed(path: Path) -> None:
    with SQLiteStore(path) as store:
        store.create_review_document(
            "商城",
            "618 复盘",
            None,
            "2024-07-05",
            "zh",
            {"roster": [{"name": "王伟", "role": "后端负责人"}]},
            actions=[
                ActionItem(action="王伟补齐压测，联系 13800138000", owner="王伟", priority="P1"),
                ActionItem(action="写手册", owner="李娜", status="done", evidence="wiki"),
            ],
        )
        store.create_review("官网", "改版复盘", None, "2024-08-01", "zh", {})


def _export(tmp_path: Path, *args: str) -> list[list[str]]:
    out = tmp_path / "actions.csv"
    try:
        cli_main(["export-actions", str(out), "--db", str(tmp_path / "a.db"), *args])
    except SystemExit as done:
        assert done.code in (None, 0), done.code
    raw = out.read_bytes()
    assert raw.decode("utf-8")  # UTF-8, Chinese kept
    return list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))


def test_the_command_masks_personal_data_unless_raw(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(tmp_path / "a.db")
    header, *rows = _export(tmp_path, "--format", "jira")
    assert header[0] == "Summary" and len(rows) == 2
    masked = {row[0]: row for row in rows}
    assert "王伟补齐压测，联系 13800138000" not in masked
    (first,) = [row for row in rows if "压测" in row[0]]
    assert "王伟" not in first[0] and "13800138000" not in first[0] and first[6] == "后端负责人"
    assert "个人信息已按各复盘的名册脱敏" in capsys.readouterr().err
    header, *rows = _export(tmp_path, "--format", "jira", "--raw", "--status", "open")
    assert [(row[0], row[6]) for row in rows] == [("王伟补齐压测，联系 13800138000", "王伟")]
    header, *rows = _export(tmp_path, "--format", "github", "--project", "官网")
    assert rows == []


def test_a_long_action_is_cut_in_the_title_and_given_whole_in_the_description() -> None:
    long = "压测" * 200  # 400 characters; Jira's Summary holds 255
    _, row = _read(tracker_csv([_action(action=long)], "jira", "zh"))
    assert len(row[0]) == 255 and row[0] == long[:254] + "…"
    assert row[1].splitlines()[0] == long
    _, row = _read(tracker_csv([_action(action="短")], "github", "zh"))
    assert row[0] == "短" and row[1].splitlines()[0].startswith("来自复盘：")


@pytest.mark.parametrize(("tracker", "column"), [("jira", 6), ("linear", 4), ("github", 3)])
def test_several_owners_assign_the_first_and_are_all_named(tracker: str, column: int) -> None:
    """A tracker's assignee is one user: 'octocat, hubot' whole was a user no importer has (GitHub left
    it unassigned); the first owner is assigned, every owner named in the description."""
    shared = [_action(action="Add the alert", owner="octocat, hubot"), _action(id="A-0000000002", owner="王伟、李四")]
    _, first, second = _read(tracker_csv(shared, tracker, "en"))  # type: ignore[arg-type]
    assert first[column] == "octocat"
    assert second[column] == ("王伟" if tracker != "github" else "")  # not a GitHub login
    assert "octocat, hubot" in first[1] and "王伟、李四" in second[1]


@pytest.mark.parametrize("tracker", ["jira", "linear", "github"])
def test_an_export_reads_back_with_its_statuses(tracker: str) -> None:
    """import_actions reads each export back: a won't-do action closed on GitHub carries wontfix (closed alone
    was read back as done)."""
    from fupan_mcp.materials.api import import_actions

    text = tracker_csv(ACTIONS, tracker, "en")  # type: ignore[arg-type]
    back = import_actions(text.encode(), "csv", None, "en")
    assert [a.status for a in back.actions] == ["open", "done", "wont_do"]
    assert back.problems == []
