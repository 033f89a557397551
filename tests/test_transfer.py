"""The workspace as JSON lines (store/transfer.py): exact round trips on both stores and across them,
every column carried, every bad line reported, nothing written unless all is good."""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from fupan_mcp.analysis.insights import compute_insights, default_as_of
from fupan_mcp.cli import main as cli_main
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.errors import InputError
from fupan_mcp.store import ReviewStore, SQLiteStore
from fupan_mcp.store.base import StoreError
from fupan_mcp.store.transfer import (
    TABLES,
    ImportRefused,
    NotEmpty,
    TransferStore,
    canonical_json,
    export_workspace,
    import_workspace,
)
from store_backends import BACKENDS, open_backend, postgres_schema_url


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[ReviewStore]:
    with open_backend(request.param, request.config) as s:
        yield s


@pytest.fixture(params=BACKENDS)
def pair(request: pytest.FixtureRequest) -> Iterator[tuple[ReviewStore, ReviewStore]]:
    """Two empty stores of the same backend."""
    with open_backend(request.param, request.config) as a, open_backend(request.param, request.config) as b:
        yield a, b


def _t(store: ReviewStore) -> TransferStore:
    return cast(TransferStore, store)


def seed(store: ReviewStore) -> dict[str, str]:
    """Two reviews of one project (stored under two spellings and an alias), sections with numbers JSONB
    reshapes, a done and an open action, lessons in Chinese and English, an idempotency key."""
    first = store.create_review_document(
        "商城 2024",
        "618 大促复盘",
        "ecommerce",
        "2024-07-05",
        "zh",
        {"attainment": {"zz": 1, "b": 1e20, "a": [1.5, -0.0, "张三"]}, "roster": [{"name": "王伟", "role": "后端"}]},
        actions=[
            ActionItem(action="补齐压测，覆盖两倍峰值", owner="王伟", due="2024-08-01", priority="P1", kind="prevent"),
            ActionItem(action="写告警手册", owner="李娜"),
        ],
        lessons=[("lesson", "权限细粒度要在设计阶段定下来"), ("root_cause", "capacity planning skipped")],
        idempotency_key="doc-1",
    ).record
    store.update_action(first.actions[0].id, status="done", evidence="压测报告 v2")
    second = store.create_review("商城2024", "双十一复盘", None, "2024-11-20", "en")
    store.add_project_alias("商城 2024", "Mall 2024")
    return {"first": first.id, "second": second.id, "done": first.actions[0].id}


def dump(store: ReviewStore) -> str:
    out = io.StringIO()
    export_workspace(_t(store), out)
    return out.getvalue()


def records(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines()]


# --- round trips -----------------------------------------------------------------------------


def test_export_holds_every_stored_thing(store: ReviewStore) -> None:
    ids = seed(store)
    text = dump(store)
    lines = records(text)
    schema = _t(store).schema_version()  # 4 when written; a migration moves it, the test follows
    assert text.splitlines()[0] == f'{{"format":1,"kind":"fupan-mcp-workspace","schema":{schema}}}'
    kinds = [line["kind"] for line in lines]
    # 1 project, 2 names (the spellings "商城 2024" and "商城2024" share a key, the alias has its own),
    # 2 reviews, 2 sections, 2 actions, 2 lessons, 1 key: 12 records between the header and the end line.
    assert kinds == ["fupan-mcp-workspace", "project"] + ["project_name"] * 2 + ["review"] * 2 + ["section"] * 2 + [
        "action"
    ] * 2 + ["lesson"] * 2 + ["review_key", "end"]
    assert lines[-1] == {"kind": "end", "records": 12}
    (project,) = [line["row"] for line in lines if line["kind"] == "project"]
    assert project["name"] == "商城 2024"
    names = sorted((line["row"]["key"], line["row"]["name"]) for line in lines if line["kind"] == "project_name")
    assert names == [("mall2024", "Mall 2024"), ("商城2024", "商城 2024")]
    reviews = {line["row"]["id"]: line["row"] for line in lines if line["kind"] == "review"}
    assert reviews[ids["second"]]["project"] == "商城2024" and reviews[ids["second"]]["language"] == "en"
    assert reviews[ids["first"]]["review_date"] == "2024-07-05"
    assert {r["project_id"] for r in reviews.values()} == {project["id"]}
    (section,) = [line for line in text.splitlines() if '"name":"attainment"' in line]
    # keys sorted, -0.0 as 0.0, 1e20 as the integer PostgreSQL's numeric keeps, Chinese as it is
    assert '"value":{"a":[1.5,0.0,"张三"],"b":100000000000000000000,"zz":1}}}' in section
    done = next(line["row"] for line in lines if line["kind"] == "action" and line["row"]["id"] == ids["done"])
    assert (done["status"], done["evidence"], done["due"], done["priority"], done["seq"]) == (
        "done",
        "压测报告 v2",
        "2024-08-01",
        "P1",
        0,
    )
    assert done["updated_at"] > done["created_at"] and done["created_at"].endswith("+00:00")
    lessons = [(line["row"]["kind"], line["row"]["text"]) for line in lines if line["kind"] == "lesson"]
    assert lessons == [("lesson", "权限细粒度要在设计阶段定下来"), ("root_cause", "capacity planning skipped")]
    assert "terms" not in next(line["row"] for line in lines if line["kind"] == "lesson")


def test_export_import_export_is_byte_identical(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    ids = seed(source)
    text = dump(source)
    counts = import_workspace(text.splitlines(), _t(target))
    assert (counts.records, counts.of("review"), counts.of("action")) == (12, 2, 2)
    assert dump(target) == text
    assert target.get_review(ids["first"]) == source.get_review(ids["first"])  # ids, timestamps, state
    assert target.list_projects() == source.list_projects()
    # the search index was rebuilt from the texts: Chinese bigrams and English stems
    assert [hit.review_id for hit in target.search_lessons("权限")] == [ids["first"]]
    assert [hit.text for hit in target.search_lessons("planning")] == ["capacity planning skipped"]
    # and the store goes on working: the idempotency key still replays, the project identity holds
    replay = target.create_review_document(
        "商城 2024",
        "618 大促复盘",
        "ecommerce",
        "2024-07-05",
        "zh",
        {"attainment": {"zz": 1, "b": 1e20, "a": [1.5, -0.0, "张三"]}, "roster": [{"name": "王伟", "role": "后端"}]},
        actions=[
            ActionItem(action="补齐压测，覆盖两倍峰值", owner="王伟", due="2024-08-01", priority="P1", kind="prevent"),
            ActionItem(action="写告警手册", owner="李娜"),
        ],
        lessons=[("lesson", "权限细粒度要在设计阶段定下来"), ("root_cause", "capacity planning skipped")],
        idempotency_key="doc-1",
    )
    assert replay.replayed and replay.record.id == ids["first"]
    assert [a.action for a in target.open_actions_for_project("Mall 2024", "2024-12-01")] == ["写告警手册"]


def test_sqlite_to_postgres_to_sqlite_is_byte_identical(request: pytest.FixtureRequest) -> None:
    from fupan_mcp.store.postgres import PostgresStore

    with SQLiteStore(":memory:") as first, SQLiteStore(":memory:") as last:
        ids = seed(first)
        text = dump(first)
        with postgres_schema_url(request.config) as url, PostgresStore(url) as middle:
            import_workspace(text.splitlines(), _t(middle))
            assert dump(middle) == text
            assert [hit.review_id for hit in middle.search_lessons("权限")] == [ids["first"]]
            again = dump(middle)
        import_workspace(again.splitlines(), _t(last))
        assert dump(last) == text
        assert last.get_review(ids["first"]) == first.get_review(ids["first"])


def test_canonical_json_is_what_jsonb_keeps() -> None:
    assert canonical_json({"x": [-0.0, 1e16, 1.2345678901234567e30, 0.1, 1e15, 7, "a"]}) == {
        "x": [0.0, 10_000_000_000_000_000, 1_234_567_890_123_456_700_000_000_000_000, 0.1, 1e15, 7, "a"]
    }


# --- nothing left behind ------------------------------------------------------------------------


def test_every_column_of_every_table_is_exported(store: ReviewStore) -> None:
    """Fails when a migration adds a table the export does not know, or when a column of a stored
    table is neither in the records nor one the store computes again on import."""
    seed(store)
    columns = _t(store).table_columns()
    assert set(columns) == {spec.table for spec in TABLES}
    seen: dict[str, set[str]] = {}
    for line in records(dump(store))[1:-1]:
        seen.setdefault(line["kind"], set()).update(line["row"])
    for spec in TABLES:
        stored = {c.name for c in columns[spec.table]}
        derived = {c.name for c in columns[spec.table] if c.derived}
        assert seen[spec.kind] == stored - derived, spec.table
    # what the store computes again on import, and nothing else: the lesson's row id and search terms
    derived = {(table, c.name) for table, cols in columns.items() for c in cols if c.derived}
    expected = {("lessons", "id"), ("lessons", "terms")}
    assert derived == (expected if _t(store).text_holds_nul else expected | {("lessons", "tsv")})


def _sql(store: ReviewStore, statement: str, url: str | None = None) -> None:
    """Run DDL on the store's database, as a migration would."""
    if url is not None:
        import psycopg

        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(statement)
        return
    assert isinstance(store, SQLiteStore) and store.path is not None
    with sqlite3.connect(store.path) as conn:
        conn.execute(statement)
    conn.close()


@pytest.fixture(params=BACKENDS)
def migrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[ReviewStore, ReviewStore, Any]]:
    """Two stores of one backend whose actions table got a column after this module was written, as
    migration 5 adds actions.closed_at (a name of its own, so that it never meets a real one); and a
    function running DDL on the first."""
    if request.param == "sqlite":
        with SQLiteStore(tmp_path / "a.db") as a, SQLiteStore(tmp_path / "b.db") as b:
            for s in (a, b):
                _sql(s, "ALTER TABLE actions ADD COLUMN test_added_at TEXT")
            yield a, b, lambda statement: _sql(a, statement)
        return
    from fupan_mcp.store.postgres import PostgresStore

    with (
        postgres_schema_url(request.config) as url_a,
        postgres_schema_url(request.config) as url_b,
        PostgresStore(url_a) as a,
        PostgresStore(url_b) as b,
    ):
        for url in (url_a, url_b):
            _sql(a, "ALTER TABLE actions ADD COLUMN test_added_at TIMESTAMPTZ", url)
        yield a, b, lambda statement: _sql(a, statement, url_a)


def test_a_column_added_later_is_carried_and_an_unknown_table_stops_the_export(
    migrated: tuple[ReviewStore, ReviewStore, Any],
) -> None:
    source, target, run = migrated
    ids = seed(source)
    run(f"UPDATE actions SET test_added_at = '2024-07-20T08:30:00.000000+00:00' WHERE id = '{ids['done']}'")
    text = dump(source)
    done = next(r["row"] for r in records(text) if r["kind"] == "action" and r["row"]["id"] == ids["done"])
    assert done["test_added_at"] == "2024-07-20T08:30:00.000000+00:00"
    import_workspace(text.splitlines(), _t(target))
    assert dump(target) == text
    run("CREATE TABLE review_votes (review_id TEXT, voter TEXT)")
    with pytest.raises(StoreError, match="review_votes"):
        dump(source)


# --- refusals ----------------------------------------------------------------------------------


def _problems(error: ImportRefused) -> list[tuple[int, str, str]]:
    return [(p.line, p.field, p.code) for p in error.problems]


def test_bad_lines_are_reported_by_number_and_nothing_is_written(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    ids = seed(source)
    lines = dump(source).splitlines()
    action_line = next(i for i, line in enumerate(lines) if ids["done"] in line and '"kind":"action"' in line)
    section_line = next(i for i, line in enumerate(lines) if '"kind":"section"' in line)
    lines[2] = lines[2][:-5]  # a project name record cut short
    lines[4] = lines[4].replace('"title":', '"headline":')  # a review with an unknown column, and no title
    # a status word the tools read as done is still not a stored status: a backup restores exactly
    lines[action_line] = lines[action_line].replace('"status":"done"', '"status":"finished"')
    lines[section_line] = lines[section_line].replace(ids["first"], "R-0000000000")
    lines.insert(7, "")
    with pytest.raises(ImportRefused) as caught:
        import_workspace(lines, _t(target))
    assert _problems(caught.value) == [
        (3, "", "not_json"),
        (5, "row.headline", "unknown_field"),
        (5, "row.title", "missing_field"),
        (section_line + 1, "row.review_id", "dangling"),
        (8, "", "empty_line"),
        (action_line + 2, "row.status", "invalid"),
    ]
    assert target.list_reviews() == [] and target.list_projects() == []
    zh, en = caught.value.describe("zh"), caught.value.describe("en")
    assert zh.startswith("导入被拒绝：6 处问题，什么都没有写入。恢复备份必须完整：要么全部导入，要么都不导入")
    assert "第 5 行，row.headline：不是本存储的列" in zh and "第 8 行：是空行" in zh
    assert en.startswith("Import refused: 6 problems, nothing was written. A restore must be complete")
    assert section_line + 1 == 7  # before the inserted empty line: its number did not move
    assert f"line {section_line + 1}, row.review_id: refers to R-0000000000, which the file does not hold" in en


def test_a_truncated_or_edited_file_is_refused(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    seed(source)
    lines = dump(source).splitlines()
    with pytest.raises(ImportRefused) as caught:
        import_workspace(lines[:-3], _t(target))
    assert _problems(caught.value) == [(len(lines) - 2, "", "no_end")]
    with pytest.raises(ImportRefused) as caught:
        import_workspace(lines[:-2] + lines[-1:], _t(target))  # the key left out, the end line still counts 12
    assert _problems(caught.value) == [(len(lines) - 1, "records", "end_count")]
    with pytest.raises(ImportRefused) as caught:
        import_workspace(
            [json.dumps({"format": 1, "kind": "fupan-mcp-workspace", "schema": 99}), *lines[1:]], _t(target)
        )
    assert _problems(caught.value) == [(1, "schema", "schema_newer")]
    assert f"结构版本 99，本版本只认识到 {_t(target).schema_version()}" in caught.value.describe("zh")
    with pytest.raises(ImportRefused) as caught:
        import_workspace(['{"title": "not an export"}'], _t(target))
    assert _problems(caught.value) == [(1, "", "no_header"), (2, "", "no_end")]
    assert target.list_reviews() == []


def test_a_duplicated_id_is_refused(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    ids = seed(source)
    lines = dump(source).splitlines()
    action = next(i for i, line in enumerate(lines) if ids["done"] in line and '"kind":"action"' in line)
    other = lines[action + 1]
    other_id = json.loads(other)["row"]["id"]
    lines[action + 1] = other.replace(other_id, ids["done"])
    with pytest.raises(ImportRefused) as caught:
        import_workspace(lines, _t(target))
    assert _problems(caught.value) == [(action + 2, "row.id", "duplicate")]
    assert f"值 {ids['done']} 重复（第 {action + 1} 行已有）" in caught.value.describe("zh")


def test_a_store_that_holds_data_is_refused_unless_replace(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    ids = seed(source)
    text = dump(source)
    kept = target.create_review("旧项目", "旧复盘", None, "2023-01-01", "zh").id
    with pytest.raises(NotEmpty) as caught:
        import_workspace(text.splitlines(), _t(target))
    assert caught.value.counts == {"projects": 1, "project_names": 1, "reviews": 1}
    assert caught.value.describe("zh").startswith(
        "目标存储不是空的（已有：项目 1 条、项目名称 1 条、复盘 1 条），没有写入任何内容。"
    )
    assert "pass --replace" in caught.value.describe("en")
    assert [r.id for r in target.list_reviews()] == [kept]
    import_workspace(text.splitlines(), _t(target), replace=True)
    assert sorted(r.id for r in target.list_reviews()) == sorted([ids["first"], ids["second"]])
    assert dump(target) == text


def test_text_with_nul_goes_into_sqlite_but_not_into_postgresql(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    ids = seed(source)
    lines = dump(source).splitlines()
    action = next(i for i, line in enumerate(lines) if ids["done"] in line and '"kind":"action"' in line)
    lines[action] = lines[action].replace("压测报告 v2", "压测报告\\u0000v2")
    if _t(target).text_holds_nul:
        import_workspace(lines, _t(target))
        assert target.get_review(ids["first"]).actions[0].evidence == "压测报告\x00v2"
        return
    with pytest.raises(ImportRefused) as caught:
        import_workspace(lines, _t(target))
    assert _problems(caught.value) == [(action + 1, "row.evidence", "nul_text")]


# --- the commands ------------------------------------------------------------------------------


def _cli(*args: str) -> None:
    try:
        cli_main(list(args))
    except SystemExit as done:
        assert done.code in (None, 0), done.code


def test_the_commands_back_up_and_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with SQLiteStore(tmp_path / "a.db") as a:
        ids = seed(a)
    backup, again = tmp_path / "backup.jsonl", tmp_path / "again.jsonl"
    _cli("export-workspace", str(backup), "--db", str(tmp_path / "a.db"))
    assert "已导出 12 条记录到" in capsys.readouterr().err
    _cli("import-workspace", str(backup), "--db", str(tmp_path / "b.db"))
    assert capsys.readouterr().err.strip() == "已导入 12 条记录：2 个复盘、2 项行动、1 个项目；搜索索引已重建。"
    with pytest.raises(SystemExit) as refused:
        cli_main(["import-workspace", str(backup), "--db", str(tmp_path / "b.db"), "--language", "en"])
    assert str(refused.value.code).startswith(
        "The target store is not empty (it holds 1 projects, 2 project names, 2 reviews, "
    )
    _cli("import-workspace", str(backup), "--db", str(tmp_path / "b.db"), "--replace")
    _cli("export-workspace", str(again), "--db", str(tmp_path / "b.db"))
    assert again.read_bytes() == backup.read_bytes()
    assert not list(tmp_path.glob(".*.partial"))
    with SQLiteStore(tmp_path / "b.db") as b:
        assert b.get_review(ids["first"]).actions[0].status == "done"
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(backup.read_bytes()[:200])
    with pytest.raises(SystemExit) as refused:
        cli_main(["import-workspace", str(broken), "--db", str(tmp_path / "c.db")])
    assert str(refused.value.code).startswith("导入被拒绝：2 处问题，什么都没有写入。")


def test_the_readme_commands_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shlex

    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = text.split("### Backup and moving stores", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    with SQLiteStore(tmp_path / "home.db") as home:
        seed(home)
        home.create_review("商城", "周会复盘", None, "2024-12-01", "zh")
    monkeypatch.setenv("FUPAN_MCP_DB", str(tmp_path / "home.db"))
    monkeypatch.chdir(tmp_path)
    for line in block.splitlines():
        words = shlex.split(line.split(" #", 1)[0])
        assert words[0] == "fupan-mcp"
        _cli(*words[1:])
    assert (tmp_path / "again.jsonl").read_bytes() == (tmp_path / "backup.jsonl").read_bytes()
    jira = (tmp_path / "actions.csv").read_text(encoding="utf-8").splitlines()
    assert jira[0].startswith("Summary,Description,") and len([r for r in jira if "fupan 行动编号" in r]) == 1
    assert (tmp_path / "linear.csv").read_text(encoding="utf-8").splitlines() == [
        "Title,Description,Status,Priority,Assignee,Labels,Due Date,Created,Completed"
    ]  # 商城 has a review but no actions
    capsys.readouterr()


def test_merge_adds_a_workspace_to_a_store_that_holds_others(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    ids = seed(source)  # project 商城 2024, also named Mall 2024
    lines = dump(source).splitlines()
    held = target.create_review("mall 2024", "周会复盘", None, "2024-06-01", "zh").id  # the same identity
    other = target.create_review("官网", "改版复盘", None, "2024-08-01", "zh").id
    (stored,) = [p for p in target.list_projects() if p.name == "mall 2024"]
    counts = import_workspace(lines, _t(target), merge=True)
    # the file's project is the stored one: only its name the store lacked is added, to that project
    assert counts.by_kind == {"project_name": 1, "review": 2, "section": 2, "action": 2, "lesson": 2, "review_key": 1}
    projects = {p.name: p for p in target.list_projects()}
    assert set(projects) == {"mall 2024", "官网"}
    assert projects["mall 2024"].id == stored.id and projects["mall 2024"].aliases == ["商城 2024"]
    assert sorted(r.id for r in target.list_reviews()) == sorted([held, other, ids["first"], ids["second"]])
    assert {r.project_id for r in target.list_reviews(project="商城2024")} == {stored.id}
    assert [a.action for a in target.open_actions_for_project("mall 2024", "2024-12-01")] == ["写告警手册"]
    assert [hit.review_id for hit in target.search_lessons("权限")] == [ids["first"]]
    assert target.get_review(ids["first"]).actions == [
        a.model_copy(update={"project_id": stored.id}) for a in source.get_review(ids["first"]).actions
    ]
    # the same file again: every review, action and key it holds is stored already; nothing is written
    with pytest.raises(ImportRefused) as caught:
        import_workspace(lines, _t(target), merge=True)
    assert [(p.field, p.code) for p in caught.value.problems] == [("row.id", "stored_already")] * 4 + [
        ("row.key", "stored_already")
    ]
    assert f"{ids['first']} 已在存储中（合并只添加存储中没有的复盘、行动和键）" in caught.value.describe("zh")
    assert len(target.list_reviews()) == 4


def test_merge_refuses_a_project_whose_names_are_two_stored_projects(pair: tuple[ReviewStore, ReviewStore]) -> None:
    source, target = pair
    seed(source)
    lines = dump(source).splitlines()
    target.create_review("商城 2024", "旧复盘", None, "2024-01-01", "zh")
    target.create_review("Mall 2024", "old review", None, "2024-01-02", "en", {})
    first, second = sorted((p.id for p in target.list_projects()), key=lambda i: i)
    with pytest.raises(ImportRefused) as caught:
        import_workspace(lines, _t(target), merge=True)
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("row.key", "names_split")
    assert set(str(problem.values["value"]).split(", ")) == {first, second}
    assert len(target.list_reviews()) == 2
    with pytest.raises(InputError, match="not both"):
        import_workspace(lines, _t(target), merge=True, replace=True)


# --- what a restore rebuilds -------------------------------------------------------------------


def _insights_json(store: ReviewStore) -> str:
    rows = store.insight_rows()
    return compute_insights(rows, default_as_of(rows, None)).model_dump_json()


def test_a_restored_store_answers_insights_search_and_actions_byte_for_byte(
    pair: tuple[ReviewStore, ReviewStore],
) -> None:
    """The kept derivations (alike texts, carried-over actions, counts) are made again by the import: the
    restored store's answers are the same bytes as the original's."""
    source, target = pair
    for day, lesson, action in (
        ("2024-03-01", "数据库连接池耗尽", "扩容连接池"),
        ("2024-04-01", "连接池被耗尽导致数据库超时", "扩容连接池"),  # alike (0.6): one recurring group
        ("2024-05-01", "第三方物流接口超时", "补齐物流接口监控"),  # 0.45 to 第三方支付接口超时: apart
        ("2024-06-01", "第三方支付接口超时", "补齐支付接口监控"),
    ):
        source.create_review_document(
            "订单系统",
            f"{day} 复盘",
            "incident",
            day,
            "zh",
            actions=[ActionItem(action=action, owner="王伟", due="2024-12-01")],
            lessons=[("problem", lesson), ("root_cause", "Database connection pool exhausted")],
        )
    expected = _insights_json(source)
    import_workspace(dump(source).splitlines(), _t(target))
    assert _insights_json(target) == expected
    result = compute_insights(target.insight_rows(), default_as_of(target.insight_rows(), None))
    groups = {(g.kind, tuple(g.texts), len(g.reviews)) for g in result.recurring}
    assert groups == {
        ("problem", ("数据库连接池耗尽", "连接池被耗尽导致数据库超时"), 2),
        ("root_cause", ("Database connection pool exhausted",), 4),
    }
    assert [(c.action, len(c.reviews)) for c in result.carried_over] == [("扩容连接池", 2)]
    for query in ("连接池", "database", "接口超时"):
        found = [hit.model_dump_json() for hit in target.search_lessons(query)]
        assert found == [hit.model_dump_json() for hit in source.search_lessons(query)] and found
    assert [a.model_dump_json() for a in target.list_actions()] == [a.model_dump_json() for a in source.list_actions()]


def test_after_a_restore_the_kept_indexes_follow_new_writes(pair: tuple[ReviewStore, ReviewStore]) -> None:
    """The import rebuilds the search index from every lesson at once and counts the carried-over groups
    from every key at once (SQLite: without their row triggers meanwhile); what is written afterwards is
    indexed and counted as it is written."""
    source, target = pair
    ids = seed(source)
    import_workspace(dump(source).splitlines(), _t(target))
    target.index_lessons(ids["second"], [("lesson", "灰度发布要先看告警")])
    assert [hit.review_id for hit in target.search_lessons("灰度")] == [ids["second"]]
    assert [hit.review_id for hit in target.search_lessons("权限")] == [ids["first"]]
    third = target.create_review_document(  # the project as the first review gives it, its open action again
        "商城 2024", "复盘三", None, "2024-12-20", "zh", actions=[ActionItem(action="写告警手册", owner="李娜")]
    ).record.id
    rows = target.insight_rows()
    carried = compute_insights(rows, default_as_of(rows, None)).carried_over  # from the kept group sizes
    assert [(c.action, [r.review_id for r in c.reviews]) for c in carried] == [("写告警手册", [ids["first"], third])]
    if isinstance(target, SQLiteStore) and target.fts:
        with target._transaction(write=False) as conn:
            conn.execute("INSERT INTO lesson_fts (lesson_fts, rank) VALUES ('integrity-check', 1)")


@pytest.mark.parametrize("broken_step", ["_prepare", "_keep_carried"])
def test_a_restore_that_fails_while_writing_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken_step: str
) -> None:
    """A failure inside the write transaction (while the rows go in, with the full-text trigger set aside;
    while the carried-over keys are made, with the group trigger set aside) rolls everything back: the
    stored reviews, and the triggers, which go on following new writes."""
    from fupan_mcp.store import sqlite as sqlite_store

    with SQLiteStore(tmp_path / "a.db") as source, SQLiteStore(tmp_path / "b.db") as target:
        seed(source)
        text = dump(source)
        kept = target.create_review_document(
            "旧项目", "旧复盘", None, "2023-01-01", "zh", lessons=[("lesson", "旧的教训")]
        )
        with target._transaction(write=False) as conn:
            schema = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()

        def broken(*args: object) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(sqlite_store, broken_step, broken)
        with pytest.raises(StoreError):
            import_workspace(text.splitlines(), _t(target), replace=True)
        monkeypatch.undo()
        assert [r.id for r in target.list_reviews()] == [kept.record.id]
        with target._transaction(write=False) as conn:
            assert conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
        target.index_lessons(kept.record.id, [("lesson", "灰度发布要先看告警")])
        assert [hit.review_id for hit in target.search_lessons("灰度")] == [kept.record.id]
        assert target.search_lessons("旧的教训") == []  # replaced by index_lessons
        target.add_actions(kept.record.id, [ActionItem(action="补齐告警", owner="王伟")])
        other = target.create_review_document(
            "旧项目", "又一次复盘", None, "2023-02-01", "zh", actions=[ActionItem(action="补齐告警", owner="李娜")]
        )
        rows = target.insight_rows()
        carried = compute_insights(rows, default_as_of(rows, None)).carried_over  # from the kept group sizes
        assert [(c.action, [r.review_id for r in c.reviews]) for c in carried] == [
            ("补齐告警", [kept.record.id, other.record.id])
        ]
