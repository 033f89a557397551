"""The whole workspace as JSON lines: a backup, and the way from SQLite to PostgreSQL and back.

Why rows and not models: a backup that leaves something out is found out on the day it is needed.
So a record is one stored row, with every column the store's table has (read from the database
itself, not from a list kept here): a column a later migration adds (``actions.closed_at``) is in
the next export without a change here, and `tests/test_transfer.py` fails when a table of the
schema is not in `TABLES`. Only what the store computes from other columns is left out (a
backend's ``derived`` columns: the search terms and index of a lesson, its row number) and made
again on import, so the search index is rebuilt from the texts.

The file, UTF-8, one JSON object a line, each with a ``kind``:

    {"format":1,"kind":"fupan-mcp-workspace","schema":4}
    {"kind":"project","row":{"created_at":"…","id":"P-…","name":"商城"}}
    {"kind":"project_name","row":{"key":"商城","name":"商城","project_id":"P-…"}}
    {"kind":"review","row":{…}}   {"kind":"section","row":{…,"value":{…}}}   {"kind":"action","row":{…}}
    {"kind":"lesson","row":{…}}   {"kind":"review_key","row":{…}}
    {"kind":"end","records":7}

Exact: export, import into an empty store and export again gives the same bytes, across backends
too. For that the text is canonical: keys sorted, no spaces, dates ``YYYY-MM-DD``, timestamps
ISO 8601 in UTC with microseconds (what both stores write), and section values as PostgreSQL's
JSONB keeps them (object keys sorted, a float of 16 or more integer digits as the integer it is,
``-0.0`` as ``0.0``), since JSONB cannot keep more. The last line counts the records, so a
truncated file is refused rather than restored in part.

Import is all or nothing, as a restore must be: every line is checked (JSON, kind, columns known
to this store, types, the models' rules, unique keys, references) and every bad line is reported
with its number and reason; one bad line and nothing is written. Otherwise everything is written
in ONE transaction, into an empty store (`NotEmpty` otherwise) unless ``replace`` is asked for,
which deletes what is stored in the same transaction.

The export is the stored text, unmasked: it is the database in another form, to be kept like the
database. Personal data is masked on the ways out to readers (`report.tracker_csv` for trackers).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as default
from decimal import Decimal
from typing import IO, Any, Protocol

from pydantic import BaseModel, ValidationError

from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.stored import Lesson, ReviewSummary
from fupan_mcp.errors import InputError
from fupan_mcp.gctuning import collections_paused
from fupan_mcp.i18n import Language, Table, join_list, tr
from fupan_mcp.store import base

__all__ = [
    "FORMAT",
    "HEADER_KIND",
    "TABLES",
    "TRANSFER_MESSAGES",
    "Column",
    "ImportRefused",
    "LineProblem",
    "Lookup",
    "Merge",
    "NotEmpty",
    "TableSpec",
    "TransferStore",
    "canonical_json",
    "export_records",
    "export_workspace",
    "import_workspace",
    "insert_batches",
    "merged_rows",
    "parse_workspace",
]

FORMAT = 1
HEADER_KIND = "fupan-mcp-workspace"
END_KIND = "end"


@dataclass(frozen=True)
class Column:
    """One column of a stored table, as the backend reports it from its own catalog."""

    name: str
    kind: str
    """``text``, ``integer``, ``json``, ``date``, ``timestamp`` or ``other`` (what a value must be)."""
    required: bool
    """NOT NULL without a default: a record must give it."""
    derived: bool = False
    """Computed by the store from other columns (search terms, row ids): not exported, made again on import."""
    sql_type: str = ""
    """The backend's type name, for the casts of an insert."""


@dataclass(frozen=True)
class TableSpec:
    """What the transfer knows of a table beyond its columns: its record kind, its order in the file
    (parents before children, so an import inserts in file order), how its rows are sorted, its
    unique keys and the tables its columns refer to."""

    table: str
    kind: str
    order_by: tuple[str, ...]
    unique: tuple[tuple[str, ...], ...] = ()
    references: tuple[tuple[str, str], ...] = ()
    """(column, table): the column holds an id of that table's first unique key, or is empty."""


TABLES: tuple[TableSpec, ...] = (
    TableSpec("projects", "project", ("id",), (("id",),)),
    TableSpec("project_names", "project_name", ("key",), (("key",),), (("project_id", "projects"),)),
    TableSpec("reviews", "review", ("id",), (("id",),), (("project_id", "projects"),)),
    TableSpec(
        "review_sections", "section", ("review_id", "name"), (("review_id", "name"),), (("review_id", "reviews"),)
    ),
    TableSpec("actions", "action", ("review_id", "seq"), (("id",), ("review_id", "seq")), (("review_id", "reviews"),)),
    TableSpec("lessons", "lesson", ("id",), (), (("review_id", "reviews"),)),  # by id: search ties keep their order
    TableSpec("review_keys", "review_key", ("key",), (("key",),), (("review_id", "reviews"),)),
)
"""Every data table of the schema, parents first. A table missing here fails the export (and its test)."""

_BY_KIND = {spec.kind: spec for spec in TABLES}
_RECORD_KEYS = frozenset({"kind", "row"})


class TransferStore(Protocol):
    """What a backend gives the transfer (both `SQLiteStore` and `PostgresStore` do)."""

    text_holds_nul: bool
    """Whether a text may contain NUL (SQLite yes, PostgreSQL no)."""

    def schema_version(self) -> int: ...

    def table_columns(self) -> dict[str, tuple[Column, ...]]:
        """Every data table with its columns, from the database's own catalog."""
        ...

    def read_tables(
        self, tables: Sequence[tuple[str, Sequence[str], Sequence[str]]]
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """The rows of each (table, columns, order by), tables in the given order, all from ONE snapshot.
        Values are Python values: dates and datetimes as such or as ISO text, JSON columns parsed."""
        ...

    def load_tables(
        self, rows: Sequence[tuple[str, Sequence[Mapping[str, Any]]]], replace: bool, merge: Merge | None = None
    ) -> None:
        """Insert the rows of each table in ONE write transaction, computing the derived columns and
        rebuilding the search index; `NotEmpty` when anything is stored and not ``replace``, which
        deletes everything stored first, in the same transaction. With ``merge`` the store may hold
        data: ``merge(lookup)``, called inside the transaction, gives the rows to insert instead."""
        ...


Lookup = Callable[[str, str, Collection[Any], str], dict[Any, Any]]
"""``lookup(table, column, values, result)``: for the stored rows whose ``column`` is one of ``values``,
``column value -> result column value``, read inside the write transaction."""
Merge = Callable[[Lookup], Sequence[tuple[str, Sequence[Mapping[str, Any]]]]]


# --- messages ------------------------------------------------------------------------------

TRANSFER_MESSAGES: Table = {
    "line": {"zh": "第 {line} 行", "en": "line {line}"},
    "problem": {"zh": "{where}：{reason}", "en": "{where}: {reason}"},
    "line_field": {"zh": "第 {line} 行，{field}", "en": "line {line}, {field}"},
    "refused": {
        "zh": "导入被拒绝：{count} 处问题，什么都没有写入。恢复备份必须完整：要么全部导入，要么都不导入；"
        "请修正下列各行后重试。",
        "en": "Import refused: {count} problems, nothing was written. A restore must be complete, all or nothing; "
        "fix the lines below and try again.",
    },
    "more": {"zh": "……另有 {count} 处问题未列出。", "en": "… and {count} more problems not listed."},
    "not_empty": {
        "zh": "目标存储不是空的（已有：{counts}），没有写入任何内容。import-workspace 默认只导入到空存储；"
        "要先删除其中的全部内容再导入，请加 --replace（在同一个事务里完成）；要把文件添加到已有内容中，请加 --merge。",
        "en": "The target store is not empty (it holds {counts}); nothing was written. import-workspace loads into "
        "an empty store; to delete everything it holds first and then load the file, pass --replace (one "
        "transaction); to add the file to what it holds, pass --merge.",
    },
    "count": {"zh": "{table} {n} 条", "en": "{n} {table}"},
    "table.projects": {"zh": "项目", "en": "projects"},
    "table.project_names": {"zh": "项目名称", "en": "project names"},
    "table.reviews": {"zh": "复盘", "en": "reviews"},
    "table.review_sections": {"zh": "复盘章节", "en": "review sections"},
    "table.actions": {"zh": "行动", "en": "actions"},
    "table.lessons": {"zh": "可搜索条目", "en": "searchable items"},
    "table.review_keys": {"zh": "幂等键", "en": "idempotency keys"},
    "imported": {
        "zh": "已导入 {records} 条记录：{reviews} 个复盘、{actions} 项行动、{projects} 个项目；搜索索引已重建。",
        "en": "Imported {records} records: {reviews} reviews, {actions} actions, {projects} projects; the search "
        "index was rebuilt.",
    },
    "exported": {
        "zh": "已导出 {records} 条记录到 {path}：{reviews} 个复盘、{actions} 项行动、{projects} 个项目。",
        "en": "Exported {records} records to {path}: {reviews} reviews, {actions} actions, {projects} projects.",
    },
    # line problems
    "not_utf8": {"zh": "不是 UTF-8 文本", "en": "is not UTF-8 text"},
    "not_json": {"zh": "不是 JSON（{detail}）", "en": "is not JSON ({detail})"},
    "empty_line": {"zh": "是空行", "en": "is empty"},
    "not_record": {
        "zh": "不是记录：应为含 kind 和 row 两个字段的对象",
        "en": "is not a record: expected an object with the fields kind and row",
    },
    "no_header": {
        "zh": '缺少文件头：第一行应为 {{"kind": "{kind}", "format": {format}, …}}，这不是 fupan-mcp 的工作区导出文件',
        "en": 'has no header: the first line should be {{"kind": "{kind}", "format": {format}, …}}; this is '
        "not a fupan-mcp workspace export",
    },
    "format_unknown": {
        "zh": "格式版本 {found} 不认识（本版本只认识 {known}）",
        "en": "format version {found} is unknown (this version knows {known})",
    },
    "schema_newer": {
        "zh": "由更新版本的 fupan-mcp 写出（结构版本 {found}，本版本只认识到 {known}），请先升级 fupan-mcp",
        "en": "was written by a newer fupan-mcp (schema version {found}; this one knows up to {known}); upgrade "
        "fupan-mcp first",
    },
    "unknown_kind": {
        "zh": "记录类型 {kind} 不认识（可选：{choices}）",
        "en": "unknown kind {kind} (expected one of: {choices})",
    },
    "unknown_field": {
        "zh": "不是本存储的列（文件可能由更新版本的 fupan-mcp 写出）",
        "en": "is not a column of this store (the file may come from a newer fupan-mcp)",
    },
    "missing_field": {"zh": "缺失，此列必填", "en": "is missing; the column is required"},
    "wrong_type": {"zh": "类型不对：应为{expected}", "en": "has the wrong type: expected {expected}"},
    "type.text": {"zh": "文本", "en": "a text"},
    "type.integer": {"zh": "整数", "en": "an integer"},
    "type.date": {"zh": "日期 YYYY-MM-DD", "en": "a date YYYY-MM-DD"},
    "type.timestamp": {"zh": "带时区的 ISO 8601 时间", "en": "an ISO 8601 timestamp with a time zone"},
    "invalid": {"zh": "取值无效（{detail}）", "en": "is not valid ({detail})"},
    "nul_text": {
        "zh": "含有 NUL 字符（\\u0000），PostgreSQL 无法保存",
        "en": "contains a NUL character (\\u0000), which PostgreSQL cannot store",
    },
    "duplicate": {"zh": "值 {value} 重复（第 {first} 行已有）", "en": "repeats {value} (already on line {first})"},
    "dangling": {
        "zh": "指向的 {value} 在文件中不存在（应为 {table} 里的一条记录）",
        "en": "refers to {value}, which the file does not hold (expected a record of {table})",
    },
    "no_end": {
        "zh": '文件没有结束行 {"kind": "end", …}：可能被截断了',
        "en": 'the file has no end line {"kind": "end", …}: it may be truncated',
    },
    "end_count": {
        "zh": "结束行记着 {expected} 条记录，文件里有 {found} 条：文件不完整或被改过",
        "en": "the end line counts {expected} records but the file holds {found}: it is incomplete or was edited",
    },
    "after_end": {"zh": "在结束行之后", "en": "comes after the end line"},
    "stored_already": {
        "zh": "{value} 已在存储中（合并只添加存储中没有的复盘、行动和键）",
        "en": "{value} is stored already (a merge only adds reviews, actions and keys the store lacks)",
    },
    "names_split": {
        "zh": "这个项目的名称在存储中分属两个项目（{value}），无法合并到其中一个",
        "en": "the names of this project belong to two stored projects ({value}); it cannot be merged into one",
    },
}


@dataclass(frozen=True)
class LineProblem:
    """What is wrong with one line of an import file: its number, the field (or ""), a message key of
    `TRANSFER_MESSAGES` and the values that fill it."""

    line: int
    field: str
    code: str
    values: Mapping[str, object] = default(default_factory=dict)

    def message(self, language: Language) -> str:
        values = dict(self.values)
        if self.code == "wrong_type":
            values["expected"] = tr(TRANSFER_MESSAGES, f"type.{values['expected']}", language)
        where = (
            tr(TRANSFER_MESSAGES, "line_field", language, line=self.line, field=self.field)
            if self.field
            else tr(TRANSFER_MESSAGES, "line", language, line=self.line)
        )
        reason = tr(TRANSFER_MESSAGES, self.code, language, **values)
        return tr(TRANSFER_MESSAGES, "problem", language, where=where, reason=reason)


class ImportRefused(InputError):
    """The file has bad lines: nothing was written. ``problems`` lists every one found."""

    def __init__(self, problems: Sequence[LineProblem]) -> None:
        super().__init__("file", f"{len(problems)} bad lines; nothing was written")
        self.problems = list(problems)

    def describe(self, language: Language, limit: int = 50) -> str:
        lines = [tr(TRANSFER_MESSAGES, "refused", language, count=len(self.problems))]
        lines += [problem.message(language) for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(tr(TRANSFER_MESSAGES, "more", language, count=len(self.problems) - limit))
        return "\n".join(lines)


class NotEmpty(InputError):
    """The target store holds data and ``replace`` was not asked for; nothing was written."""

    def __init__(self, counts: Mapping[str, int]) -> None:
        super().__init__("store", f"the target store is not empty ({dict(counts)}); nothing was written")
        self.counts = {table: n for table, n in counts.items() if n}

    def describe(self, language: Language) -> str:
        parts = [
            tr(TRANSFER_MESSAGES, "count", language, table=_table_name(table, language), n=n)
            for table, n in self.counts.items()
        ]
        return tr(TRANSFER_MESSAGES, "not_empty", language, counts=join_list(parts, language))


def _table_name(table: str, language: Language) -> str:
    key = f"table.{table}"
    return tr(TRANSFER_MESSAGES, key, language) if key in TRANSFER_MESSAGES else table


# --- export --------------------------------------------------------------------------------


def canonical_json(value: Any) -> Any:
    """A JSON value as JSONB keeps it: -0.0 as 0.0, a float of 16 or more integer digits as its integer
    (PostgreSQL's numeric has no exponent form), everything else as it is. Keys are sorted on output."""
    if isinstance(value, float):
        if value == 0:
            return 0.0
        if math.isfinite(value) and value.is_integer() and abs(value) >= 1e16:
            return int(Decimal(repr(value)))
        return value
    if isinstance(value, dict):
        return {key: item if type(item) in _KEPT else canonical_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [item if type(item) in _KEPT else canonical_json(item) for item in value]
    return value


_KEPT = frozenset({str, int, bool, type(None)})
"""The JSON values `canonical_json` gives back as they are, without a call for each."""


def _export_value(value: Any, column: Column) -> Any:
    if isinstance(value, dt.datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return stamp.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if column.kind == "json":
        return canonical_json(value)
    return value


_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode
"""What ``json.dumps`` with these options gives, without making the encoder again for each of the lines."""
_PLAIN = frozenset({str, int, type(None)})
"""The types a value is exported as it is in any column (`_export_value` gives them back unchanged)."""


def _line(record: Mapping[str, Any]) -> str:
    return _encode(record)


def exported_columns(store: TransferStore) -> dict[str, tuple[Column, ...]]:
    """The columns each table's records carry: all but the derived ones. A data table of the
    database that `TABLES` does not know is an error: exporting without it would lose it."""
    columns = store.table_columns()
    unknown = sorted(set(columns) - {spec.table for spec in TABLES})
    if unknown:
        raise base.StoreError(f"the workspace export does not know the tables {unknown}; it would lose them")
    return {table: tuple(c for c in cols if not c.derived) for table, cols in columns.items()}


def export_records(store: TransferStore) -> Iterator[tuple[str, str]]:
    """The export as (kind, line without its newline) pairs, from one snapshot of the store."""
    columns = exported_columns(store)
    plan = [(s.table, [c.name for c in columns.get(s.table, ())], list(s.order_by)) for s in TABLES]
    yield HEADER_KIND, _line({"kind": HEADER_KIND, "format": FORMAT, "schema": store.schema_version()})
    count = 0
    rows = store.read_tables([entry for entry in plan if entry[1]])
    kinds = {spec.table: spec.kind for spec in TABLES}
    by_name = {table: {c.name: c for c in cols} for table, cols in columns.items()}
    plain = _PLAIN
    try:
        for table, row in rows:
            if not plain.issuperset(map(type, row.values())):  # most rows are texts and integers only
                named = by_name[table]
                for name, value in row.items():
                    if type(value) not in plain:
                        row[name] = _export_value(value, named[name])
            yield kinds[table], _encode({"kind": kinds[table], "row": row})
            count += 1
    finally:
        close = getattr(rows, "close", None)
        if close is not None:
            close()  # ends the read snapshot when the consumer stops early
    yield END_KIND, _line({"kind": END_KIND, "records": count})


@dataclass
class Counts:
    """How many records of each kind a transfer moved."""

    by_kind: dict[str, int] = default(default_factory=dict)

    @property
    def records(self) -> int:
        return sum(self.by_kind.values())

    def of(self, kind: str) -> int:
        return self.by_kind.get(kind, 0)

    def add(self, kind: str) -> None:
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


def export_workspace(store: TransferStore, out: IO[str]) -> Counts:
    """Write the export to ``out``, lines ended by ``\\n`` (open a file with ``newline="\\n"`` so that
    Windows writes the same bytes); the counts of each kind."""
    counts = Counts()
    for kind, text in export_records(store):
        out.write(text + "\n")
        if kind in _BY_KIND:
            counts.add(kind)
    return counts


# --- import --------------------------------------------------------------------------------


@dataclass
class Parsed:
    """A checked import file: each table's rows in file order, and the counts of each kind."""

    rows: dict[str, list[dict[str, Any]]]
    counts: Counts
    lines: dict[str, list[int]] = default(default_factory=dict)
    """Each row's line number, table by table, to report what a merge finds stored already."""


def _type_ok(value: Any, kind: str) -> bool:
    if kind in ("json", "other"):
        return True
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if not isinstance(value, str):
        return False
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return len(value) == 10
    if kind == "timestamp":
        try:
            return dt.datetime.fromisoformat(value).tzinfo is not None
        except ValueError:
            return False
    return True


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _model_problem(exc: ValidationError | InputError, line: int, prefix: str) -> LineProblem:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return LineProblem(line, f"{prefix}.{where}" if where else prefix, "invalid", {"detail": first["msg"]})
    return LineProblem(line, f"{prefix}.{exc.field}" if exc.field else prefix, "invalid", {"detail": exc.reason})


_MODELS: dict[str, type[BaseModel]] = {"review": ReviewSummary, "action": ActionItem, "lesson": Lesson}
_MODEL_FIELDS = {kind: tuple(model.model_fields) for kind, model in _MODELS.items()}


def _model_check(kind: str, row: Mapping[str, Any], line: int) -> LineProblem | None:
    """The rules the stored models hold every row to (statuses, dates, languages, a done action's
    evidence...): a file that breaks them was not written by a store."""
    picked = _MODELS.get(kind)
    try:
        if kind == "project" or kind == "project_name":
            base.require_text(str(row.get("name", "")), "name")  # a text already: no blank name
        if picked is None:
            return None
        data = {name: row[name] for name in _MODEL_FIELDS[kind] if name in row}
        model = picked.model_validate(data)
        if isinstance(model, ActionItem):
            base.check_action_rules(model)
            for name in ("status", "priority"):  # a word the tools read leniently ('finished', 'high') is
                # not what a store writes: restored as read, the backup would not be what it holds
                if row.get(name) is not None and row[name] != getattr(model, name):
                    return LineProblem(line, f"row.{name}", "invalid", {"detail": f"not a stored {name}"})
    except (ValidationError, InputError) as exc:
        return _model_problem(exc, line, "row")
    return None


def parse_workspace(lines: Iterable[bytes | str], store: TransferStore) -> Parsed:
    """Check every line of an import file against this store; `ImportRefused` listing every bad line."""
    tables = store.table_columns()
    columns = {
        spec.kind: _Columns({c.name: c for c in tables.get(spec.table, ()) if not c.derived}, store.text_holds_nul)
        for spec in TABLES
    }
    problems: list[LineProblem] = []
    rows: dict[str, list[dict[str, Any]]] = {spec.table: [] for spec in TABLES}
    lines_of: dict[str, list[int]] = {spec.table: [] for spec in TABLES}
    counts = Counts()
    end: tuple[int, int] | None = None
    rejected: dict[str, set[Any]] = {}
    number = 0
    for number, raw in enumerate(lines, start=1):
        record = _record(raw, number, problems)
        if record is None:
            continue
        kind = record.get("kind")
        if number == 1:
            _check_header(record, store, problems)
            continue
        if end is not None:
            problems.append(LineProblem(number, "", "after_end"))
            continue
        if kind == END_KIND:
            records = record.get("records")
            if not isinstance(records, int) or isinstance(records, bool):
                problems.append(LineProblem(number, "records", "wrong_type", {"expected": "integer"}))
                records = -1
            end = (number, records)
            continue
        if not isinstance(kind, str) or kind not in _BY_KIND or record.keys() != _RECORD_KEYS:
            if isinstance(kind, str) and kind not in _BY_KIND and record.keys() == _RECORD_KEYS:
                choices = ", ".join(_BY_KIND)
                problems.append(LineProblem(number, "kind", "unknown_kind", {"kind": kind, "choices": choices}))
            else:
                problems.append(LineProblem(number, "", "not_record"))
            continue
        row = record["row"]
        if not isinstance(row, dict):
            problems.append(LineProblem(number, "", "not_record"))
            continue
        found = _row_problems(kind, row, columns[kind], number, store.text_holds_nul)
        table = _BY_KIND[kind].table
        if found:
            problems.extend(found)
            spec = _BY_KIND[kind]
            if spec.unique and len(spec.unique[0]) == 1:  # its children are not reported again as dangling
                rejected.setdefault(table, set()).add(row.get(spec.unique[0][0]))
            continue
        rows[table].append(row)
        lines_of[table].append(number)
        counts.add(kind)
    if number == 0:
        problems.append(LineProblem(1, "", "no_header", {"kind": HEADER_KIND, "format": FORMAT}))
    elif end is None:
        problems.append(LineProblem(number + 1, "", "no_end"))
    elif end[1] >= 0 and end[1] != counts.records and not problems:
        problems.append(LineProblem(end[0], "records", "end_count", {"expected": end[1], "found": counts.records}))
    problems.extend(_key_problems(rows, lines_of, rejected))
    if problems:
        problems.sort(key=lambda p: p.line)
        raise ImportRefused(problems)
    return Parsed(rows, counts, lines_of)


def _record(raw: bytes | str, number: int, problems: list[LineProblem]) -> dict[str, Any] | None:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(LineProblem(number, "", "not_utf8"))
            return None
    text = raw.rstrip("\r\n")
    if number == 1:
        text = text.removeprefix("\ufeff")
    if not text.strip():
        problems.append(LineProblem(number, "", "empty_line"))
        return None
    try:
        record = json.loads(text)
    except ValueError as exc:
        problems.append(LineProblem(number, "", "not_json", {"detail": str(exc)}))
        return None
    if not isinstance(record, dict):
        problems.append(LineProblem(number, "", "not_record"))
        return None
    return record


def _check_header(record: Mapping[str, Any], store: TransferStore, problems: list[LineProblem]) -> None:
    if record.get("kind") != HEADER_KIND:
        problems.append(LineProblem(1, "", "no_header", {"kind": HEADER_KIND, "format": FORMAT}))
        return
    if record.get("format") != FORMAT:
        problems.append(LineProblem(1, "format", "format_unknown", {"found": record.get("format"), "known": FORMAT}))
    schema = record.get("schema")
    known = store.schema_version()
    if not isinstance(schema, int) or isinstance(schema, bool):
        problems.append(LineProblem(1, "schema", "wrong_type", {"expected": "integer"}))
    elif schema > known:
        problems.append(LineProblem(1, "schema", "schema_newer", {"found": schema, "known": known}))


class _Columns:
    """The columns of one kind's rows, and whether a row's values pass `_column_problems` without a problem
    (`clean`): what the values' types are decides it for every column but the dates and timestamps, whose
    texts are read too (and the NUL check of a store that cannot hold one), so a row's types (one tuple,
    made in C) are judged once for all the rows with the same types. A row that is not clean is checked
    column by column, for its problems."""

    def __init__(self, columns: Mapping[str, Column], nul_ok: bool) -> None:
        self.columns = columns
        self.names = frozenset(columns)
        self.order = tuple(columns)
        self.read = tuple((c.name, c.kind) for c in columns.values() if c.kind in ("date", "timestamp"))
        self.nul_ok = nul_ok
        self.judged: dict[tuple[type, ...], bool] = {}

    def clean(self, row: Mapping[str, Any]) -> bool:
        if not row.keys() <= self.names:
            return False
        types = tuple(map(type, map(row.get, self.order)))
        ok = self.judged.get(types)
        if ok is None:
            ok = self.judged[types] = all(map(_type_clean, self.columns.values(), types))
        if not ok:
            return False
        for name, kind in self.read:
            value = row.get(name)
            if value is not None and not _type_ok(value, kind):
                return False
        return self.nul_ok or not any(_has_nul(value) for value in row.values())


def _type_clean(column: Column, found: type) -> bool:
    """Whether a value of this type passes the column's type check (a date's or timestamp's text is read
    besides): JSON gives a text as `str`, an integer as `int` and true or false as `bool`, never a subclass."""
    if found is type(None):
        return not column.required
    if column.kind in ("json", "other"):
        return True
    return found is (int if column.kind == "integer" else str)


def _row_problems(kind: str, row: Mapping[str, Any], columns: _Columns, line: int, nul_ok: bool) -> list[LineProblem]:
    if columns.clean(row):
        found = _model_check(kind, row, line)
        return [] if found is None else [found]
    return _column_problems(kind, row, columns.columns, line, nul_ok)


def _column_problems(
    kind: str, row: Mapping[str, Any], columns: Mapping[str, Column], line: int, nul_ok: bool
) -> list[LineProblem]:
    problems = [LineProblem(line, f"row.{name}", "unknown_field") for name in row if name not in columns]
    for column in columns.values():
        value = row.get(column.name)
        if value is None:
            if column.required:
                problems.append(LineProblem(line, f"row.{column.name}", "missing_field"))
            continue
        if not _type_ok(value, column.kind):
            problems.append(LineProblem(line, f"row.{column.name}", "wrong_type", {"expected": column.kind}))
        elif not nul_ok and _has_nul(value):
            problems.append(LineProblem(line, f"row.{column.name}", "nul_text"))
    if not problems:
        found = _model_check(kind, row, line)
        if found is not None:
            problems.append(found)
    return problems


def _key_problems(
    rows: Mapping[str, list[dict[str, Any]]], lines_of: Mapping[str, list[int]], rejected: Mapping[str, set[Any]]
) -> list[LineProblem]:
    """Unique keys repeated and references to records the file does not hold, on the lines that hold them
    (a reference to a record whose own line is bad is not reported twice)."""
    problems: list[LineProblem] = []
    ids: dict[str, set[Any]] = {}
    for spec in TABLES:
        for key in spec.unique:
            seen: dict[tuple[Any, ...], int] = {}
            for row, line in zip(rows[spec.table], lines_of[spec.table], strict=True):
                value = tuple(row.get(name) for name in key)
                if value in seen:
                    shown = ", ".join(str(v) for v in value)
                    problems.append(
                        LineProblem(line, "row." + "+".join(key), "duplicate", {"value": shown, "first": seen[value]})
                    )
                else:
                    seen[value] = line
        if spec.unique and len(spec.unique[0]) == 1:
            ids[spec.table] = {row.get(spec.unique[0][0]) for row in rows[spec.table]}
    for spec in TABLES:
        for column, target in spec.references:
            for row, line in zip(rows[spec.table], lines_of[spec.table], strict=True):
                ref = row.get(column)
                if ref is not None and ref not in ids.get(target, set()) and ref not in rejected.get(target, ()):
                    problems.append(LineProblem(line, f"row.{column}", "dangling", {"value": ref, "table": target}))
    return problems


def insert_batches(
    table: str, items: Iterable[Mapping[str, Any]], columns: Collection[str], prepare: Callable[[dict[str, Any]], None]
) -> Iterator[tuple[tuple[str, ...], list[list[Any]]]]:
    """The rows of one table as runs of rows that give the same columns (a file may leave out a nullable
    column), in file order, each row ``prepare``d by the backend (JSON as text, derived columns). A
    column the table does not have is refused here too: names go into the SQL, values never do."""
    names: tuple[str, ...] = ()
    run: list[list[Any]] = []
    known = frozenset(columns)
    for item in items:
        values = dict(item)
        prepare(values)
        if not values.keys() <= known:
            unknown = sorted(set(values) - known)
            raise InputError("row", f"the table {table} has no columns {unknown}")
        given = tuple(values)
        if given != names and run:
            yield names, run
            run = []
        names = given
        run.append(list(values.values()))  # in the order of ``given``
    if run:
        yield names, run


def import_workspace(
    lines: Iterable[bytes | str], store: TransferStore, *, replace: bool = False, merge: bool = False
) -> Counts:
    """Check the whole file, then load it in one transaction (`ImportRefused`, `NotEmpty`: nothing
    written). ``replace``: delete what is stored first. ``merge``: add the file to what is stored (see
    `merged_rows`). The counts of what was written."""
    if replace and merge:
        raise InputError("merge", "choose --replace or --merge, not both")
    with collections_paused():  # every row of the file is held until it is written, none in a cycle (gctuning)
        return _imported(lines, store, replace, merge)


def _imported(lines: Iterable[bytes | str], store: TransferStore, replace: bool, merge: bool) -> Counts:
    parsed = parse_workspace(lines, store)
    rows = [(spec.table, parsed.rows[spec.table]) for spec in TABLES]
    if not merge:
        store.load_tables(rows, replace)
        return parsed.counts
    written = Counts()

    def plan(lookup: Lookup) -> list[tuple[str, list[dict[str, Any]]]]:
        found = merged_rows(parsed, lookup)
        for spec, (_, items) in zip(TABLES, found, strict=True):
            if items:
                written.by_kind[spec.kind] = len(items)
        return found

    store.load_tables(rows, False, plan)
    return written


def merged_rows(parsed: Parsed, lookup: Lookup) -> list[tuple[str, list[dict[str, Any]]]]:
    """The rows a merge adds to a store that holds others, or `ImportRefused` listing what collides.

    A project of the file whose names the store knows becomes that stored project (its names the
    store lacks are added to it, its reviews point at it); a project whose names are all new is
    added. Reviews, actions and idempotency keys are added, and one that is stored already (the same
    id or key) is a conflict on its line: a merge never overwrites, and the same file merged twice is
    refused whole. Sections and lessons come with their reviews."""
    rows, lines = parsed.rows, parsed.lines
    problems: list[LineProblem] = []
    names = rows["project_names"]
    stored_names = lookup("project_names", "key", [row["key"] for row in names], "project_id")
    stored_projects = lookup("projects", "id", [row["id"] for row in rows["projects"]], "id")
    target: dict[str, str] = {}
    for row, line in zip(names, lines["project_names"], strict=True):
        stored = stored_names.get(row["key"])
        if stored is None:
            continue
        earlier = target.setdefault(row["project_id"], stored)
        if earlier != stored:
            problems.append(LineProblem(line, "row.key", "names_split", {"value": f"{earlier}, {stored}"}))
    for row, line in zip(rows["projects"], lines["projects"], strict=True):
        if row["id"] not in target and row["id"] in stored_projects:
            problems.append(LineProblem(line, "row.id", "stored_already", {"value": row["id"]}))
    for table, column in (("reviews", "id"), ("actions", "id"), ("review_keys", "key")):
        stored = lookup(table, column, [row[column] for row in rows[table]], column)
        for row, line in zip(rows[table], lines[table], strict=True):
            if row[column] in stored:
                problems.append(LineProblem(line, f"row.{column}", "stored_already", {"value": row[column]}))
    if problems:
        raise ImportRefused(sorted(problems, key=lambda p: p.line))
    merged: dict[str, list[dict[str, Any]]] = {spec.table: list(rows[spec.table]) for spec in TABLES}
    merged["projects"] = [row for row in rows["projects"] if row["id"] not in target]
    merged["project_names"] = [
        {**row, "project_id": target.get(row["project_id"], row["project_id"])}
        for row in names
        if row["key"] not in stored_names
    ]
    merged["reviews"] = [
        {**row, "project_id": target.get(row["project_id"], row["project_id"])} for row in rows["reviews"]
    ]
    return [(spec.table, merged[spec.table]) for spec in TABLES]
