"""A table of metrics into compute_attainment's input. Pure: cells in, models out.

Columns are found by their headers (see `METRIC_FIELDS`, Chinese and English with the usual variants).
Values keep their types: a number stays a number, a percent formatted in the sheet is percent numbers
with the unit '%', text such as "1,628万", "≥2,000", "28.6%" or "39.6元" is passed on as written
(compute_attainment reads thousands separators, 万/亿 and units) after checking that it can be read.
A cell that cannot be read is reported by row and column and left out; the row is still imported.
Placeholders ("-", "—", "N/A", "待补充", "无") are empty cells, so the metric shows as a data gap.

Rows that are not metrics are said so, never silently dropped: rows above the header (a title), group
rows (only the first cell filled: used as the dimension of the rows under them when the sheet has no
dimension column), total rows (合计/小计/Total), and rows with values but no name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from fupan_mcp.analysis.targets import parse_target
from fupan_mcp.domain.attainment import Aggregation, MetricInput
from fupan_mcp.domain.materials import CellProblem, ColumnMapping, ImportedMetric, MaterialNote
from fupan_mcp.domain.numbers import parse_scaled_quantity
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, tr
from fupan_mcp.limits import MAX_METRICS, MAX_NAME_CHARS, MAX_TEXT_CHARS
from fupan_mcp.materials.headers import FieldSpec, Header, find_header, header_unit, match_field
from fupan_mcp.materials.numbertext import Convention, clean_number, decimal_convention
from fupan_mcp.materials.strings import TEXT
from fupan_mcp.materials.tables import EMPTY, Cell, Note, Sheet, cells_text, extra_cells, single_column_reason

__all__ = ["METRIC_FIELDS", "MetricTable", "is_placeholder", "localize_notes", "read_metrics"]

METRIC_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec(  # '下周目标', 'Next quarter target': the next period's plan, not this period's target
        "next_period",
        (),
        (
            "下周",
            "下月",
            "下个月",
            "下季",
            "下一季",
            "下阶段",
            "下一阶段",
            "下期",
            "下一期",
            "明年",
            "下年度",
            "次月",
            "下一周期",
            "nextweek",
            "nextmonth",
            "nextquarter",
            "nextyear",
            "nextperiod",
            "nextsprint",
            "upcoming",
        ),
    ),
    FieldSpec(
        "rate",
        ("完成率", "达成率", "达标率", "完成度", "达成度", "完成进度", "attainment", "completionrate", "rate"),
        (
            "完成率",
            "达成率",
            "达标率",
            "完成度",
            "达成度",
            "完成比例",
            "完成进度",
            "达成进度",
            "attainment",
            "oftarget",
            "达成百分比",
            "completion",
            "achievement",
        ),
    ),
    FieldSpec(
        "stated_status",
        ("是否达成", "达成情况", "达成状态", "是否达标", "状态", "status", "verdict", "met", "achieved?"),
        ("是否达成", "是否达标", "是否完成", "达成状态"),
    ),
    FieldSpec("target_aggregation", ("目标口径", "targetaggregation"), ("目标口径",)),
    FieldSpec(
        "aggregation",
        ("口径", "统计口径", "取值口径", "取值方式", "聚合方式", "aggregation", "agg", "basis"),
        ("口径", "aggregation", "取值方式"),
    ),
    FieldSpec("unit", ("单位", "计量单位", "unit", "units", "uom"), ("单位", "unit")),
    FieldSpec("weight", ("权重", "weight", "weighting", "权重占比"), ("权重", "weight")),
    FieldSpec(
        "dimension",
        ("维度", "复盘维度", "类别", "分类", "类型", "板块", "模块", "dimension", "category", "area", "group"),
        ("维度", "dimension", "category"),
    ),
    FieldSpec(
        "note",
        (
            "备注",
            "说明",
            "注释",
            "数据来源",
            "来源",
            "note",
            "notes",
            "comment",
            "comments",
            "remark",
            "remarks",
            "source",
        ),
        ("备注", "说明", "来源", "note", "comment", "remark"),
    ),
    FieldSpec(
        "baseline",
        (
            "基线",
            "基线值",
            "基准",
            "基准值",
            "基期",
            "上期",
            "上期值",
            "去年同期",
            "同期",
            "上年同期",
            "对照组",
            "改造前",
            "上线前",
            "优化前",
            "起始值",
            "初始值",
            "期初",
            "期初值",
            "起点",
            "baseline",
            "previous",
            "prior",
            "lastperiod",
            "lastyear",
            "before",
            "base",
            "start",  # an OKR sheet's start value (never "Start date": whole labels only)
            "startvalue",
            "starting",
            "startingvalue",
            "startingpoint",
            "initial",
            "initialvalue",
            "from",
        ),
        (
            "基线",
            "基准",
            "基期",
            "上期",
            "同期",
            "上年",
            "去年",
            "上月",
            "上周",
            "上季",
            "之前",
            "改造前",
            "上线前",
            "优化前",
            "baseline",
            "previous",
            "prior",
            "lastyear",
            "lastperiod",
            "lastquarter",
            "lastmonth",
            "before",
        ),
        qualifies=True,
    ),
    FieldSpec(
        "target",
        (
            "目标",
            "目标值",
            "计划",
            "计划值",
            "预期",
            "预期值",
            "指标值",
            "考核值",
            "target",
            "targets",
            "goal",
            "plan",
            "planned",
            "budget",
            "预算",
        ),
        ("目标", "计划", "预期", "考核", "target", "goal", "plan", "预算", "budget"),
    ),
    FieldSpec(
        "actual",
        (
            "实际",
            "实际值",
            "实际完成",
            "完成",
            "完成值",
            "完成情况",
            "达成",
            "达成值",
            "实绩",
            "结果",
            "本期",
            "当期",
            "本周",
            "本月",
            "本季度",
            "本季",
            "当月",
            "实际结果",
            "当前",
            "当前值",
            "目前",
            "现值",
            "最新值",
            "actual",
            "actuals",
            "result",
            "results",
            "achieved",
            "outcome",
            "value",
            "current",
            "currentvalue",
            "latest",
        ),
        ("实际", "完成", "达成", "实绩", "当前值", "actual", "result", "achieved", "outcome"),
    ),
    FieldSpec("id", ("id", "kpiid", "krid", "metricid", "编号", "序号", "指标编号", "no", "#"), ()),
    FieldSpec(
        "name",
        (
            "指标",
            "指标名称",
            "名称",
            "指标项",
            "考核指标",
            "关键指标",
            "关键结果",
            "kpi",
            "kr",
            "项目",
            "metric",
            "metricname",
            "metrics",
            "name",
            "measure",
            "indicator",
            "keyresult",
            "item",
        ),
        ("指标", "名称", "关键结果", "metric", "kpi", "indicator", "measure"),
    ),
)

_PLACEHOLDERS = frozenset(
    {
        "-",
        "--",
        "—",
        "——",
        "–",
        "/",
        "n/a",
        "na",
        "n.a.",
        "null",
        "none",
        "无",
        "暂无",
        "待补充",
        "待定",
        "tbd",
        "?",
        "？",
    }
)
_TOTAL_NAMES = frozenset({"合计", "总计", "小计", "汇总", "total", "totals", "subtotal", "sum", "grandtotal"})
_AGGREGATIONS: tuple[tuple[Aggregation, tuple[str, ...]], ...] = (
    ("peak", ("峰值", "最高", "最大", "高峰", "peak", "max")),
    ("average", ("均值", "平均", "日均", "周均", "月均", "average", "mean", "avg")),
    ("total", ("累计", "合计", "总计", "总量", "总和", "汇总", "total", "sum", "cumulative")),
    ("latest", ("期末", "最新", "截至", "末值", "latest", "end", "last", "current")),
)
_VALUE_CHARS = 100
_FRACTION_TARGET = re.compile(r"\d\s?(?:/|out of)\s?\d", re.IGNORECASE)
"""'4.5/5', '18/20': the target reads as a share, but the row is on the fraction's scale (4.6 of 5, 19 of
20); declaring the row '%' made 4.6 a 4.6% against 90%: 'not achieved, 5.1%'."""


@dataclass
class MetricTable:
    """What was read from one sheet; `problems` and `notes` are localized."""

    header: Header
    columns: list[ColumnMapping]
    unused_columns: list[str]
    metrics: list[MetricInput]
    sources: list[ImportedMetric]
    stated_rates: list[tuple[float | None, str | None]]
    """Per metric: the rate the sheet states (percent) and its stated verdict text, for audits."""
    problems: list[CellProblem] = field(default_factory=list)
    notes: list[MaterialNote] = field(default_factory=list)


def is_placeholder(cell: Cell) -> bool:
    return cell.empty or (cell.kind == "text" and str(cell.value).strip().casefold() in _PLACEHOLDERS)


def _accept(named: set[str]) -> bool:
    return "name" in named and bool(named & {"target", "actual", "baseline"})


def metric_header(rows: Sequence[Sequence[Cell]]) -> Header | None:
    return find_header(rows, METRIC_FIELDS, _accept)


def localize_notes(notes: Sequence[Note], language: Language) -> list[MaterialNote]:
    return [
        MaterialNote(code=note.code, message=tr(TEXT, f"note.{note.code}", language, **note.values)) for note in notes
    ]


def read_metrics(sheet: Sheet, language: Language, *, row_offset: int = 0, header: Header | None = None) -> MetricTable:
    """The metrics of ``sheet``. Raises `InputError` when no header is found or there are too many rows.

    ``row_offset`` is added to reported row numbers (a table inside a document counts from its own top).
    """
    rows = sheet.rows
    if not rows:
        raise InputError("content", tr(TEXT, "err.empty", language))
    given = header is not None
    header = header or metric_header(rows)
    if header is None:
        needed = "指标/metric, 目标/target, 实际/actual"
        why = single_column_reason(
            rows, lambda text: len({match_field(w, METRIC_FIELDS) for w in text.split()} - {None})
        )
        if why is not None:
            reason = tr(TEXT, f"why.{why}", language)
            count = min(len(rows), 30)
            raise InputError(
                "content", tr(TEXT, "err.no_header_single_column", language, rows=count, why=reason, needed=needed)
            )
        raise InputError("content", tr(TEXT, "err.no_header", language, rows=min(len(rows), 30), needed=needed))
    unsplit: list[tuple[int, int, str, str]] = []
    if not given:
        split = _split_combined(sheet, header)
        if split is not None:
            sheet, unsplit = split
            header = metric_header(sheet.rows) or header
    reader = _Reader(sheet, header, language, row_offset)
    reader.convention = _sheet_convention(sheet, header)
    for i, j, text, label in unsplit:
        reader.problem(i, header.fields[j], "combined_cell", "error", text, header_text=label)
    return reader.read()


_COMBINED_SEPARATOR = re.compile(r"\s*[/／|｜]\s*")
_COMBINED_FIELDS = frozenset({"target", "actual", "baseline"})


def _split_combined(sheet: Sheet, header: Header) -> tuple[Sheet, list[tuple[int, int, str, str]]] | None:
    """A column headed by two fields at once ("目标值/实际值", "Target | Actual") with cells "2000/1800"
    becomes one column per field. A cell that does not split into as many parts is left empty in each
    and returned as (row index, first new column, text, combined label) to be reported."""
    plans: dict[int, list[str]] = {}
    for j, label in enumerate(header.labels):
        lower = label.split(" / ")[-1]
        parts = [part for part in _COMBINED_SEPARATOR.split(lower) if part]
        if len(parts) < 2:
            continue
        fields = [f for f in (match_field(part, METRIC_FIELDS) for part in parts) if f in _COMBINED_FIELDS]
        if len(fields) >= 2 and len(set(fields)) == len(fields):  # "Target | Actual | Δ": Δ an unused column
            plans[j] = parts
    if not plans:
        return None
    bottom = header.rows[-1]
    rows: list[list[Cell]] = []
    unsplit: list[tuple[int, int, str, str]] = []
    for i, row in enumerate(sheet.rows):
        out: list[Cell] = []
        for j, cell in enumerate(row):
            if j not in plans:
                out.append(cell)
                continue
            parts = plans[j]
            if i == bottom:
                out.extend(Cell("text", part, part) for part in parts)
            elif i < bottom or is_placeholder(cell):
                out.extend([cell] * len(parts))
            else:
                pieces = _COMBINED_SEPARATOR.split(cell.text.strip()) if cell.kind == "text" else [cell.text]
                if len(pieces) == len(parts):
                    out.extend(Cell("text", piece, piece) if piece else EMPTY for piece in pieces)
                else:
                    out.extend([EMPTY] * len(parts))
                    unsplit.append((i, len(out) - len(parts), cell.text, header.labels[j]))
        rows.append(out)
    return Sheet(sheet.name, rows, sheet.decimal_comma_hint, sheet.text), unsplit


_NUMBER_FIELDS = ("target", "actual", "baseline", "weight", "rate")


def _sheet_convention(sheet: Sheet, header: Header) -> Convention:
    columns = [j for j, name in enumerate(header.fields) if name in _NUMBER_FIELDS]
    texts = (row[j].text for row in sheet.rows[header.end :] for j in columns if j < len(row) and row[j].kind == "text")
    return decimal_convention(texts, sheet.decimal_comma_hint)


_PERIOD_RANKS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (5, re.compile(r"上半年|下半年|半年|(?<![a-z])h[12](?![a-z\d])|half")),
    (6, re.compile(r"全年|年度|本年|今年|当年|年目标|(?<![a-z])fy|annual|yearly|fullyear")),
    (4, re.compile(r"(?<![a-z])q[1-4](?!\d)|[一二三四1-4]季度|季度|本季|当季|quarter")),
    (3, re.compile(r"(?<!\d)\d{1,2}月|月度|本月|当月|(?<![a-z])month")),
    (2, re.compile(r"本周|当周|周度|第\d+周|(?<![a-z])w\d{1,2}(?!\d)|(?<![a-z])week")),
)
_TO_DATE = re.compile(
    r"截至|截止|至今|累计至|年初至|(?<![a-z])ytd|(?<![a-z])qtd|(?<![a-z])mtd|todate|"
    r"\d{1,2}\s?[-~～至到]\s?\d{1,2}\s?月|前[一二三四五六七八九十\d]+个?月|前[一二三1-3]季度"
)


def _period(label: str) -> int | None:
    """The length of the period a header names: 2 a week ... 6 a year ('年度目标', 'Q3实际', '本周')."""
    key = _period_key(label)
    for rank, words in _PERIOD_RANKS:
        if words.search(key):
            return rank
    return None


def period_clash(target_label: str, actual_label: str) -> bool:
    """The actual column covers less than the target's period: '年度目标' against '上半年完成', 'Q3实际',
    '截至9月完成' or '1-9月累计'; '月度目标' against '本周'. A part of the period is progress, not a verdict:
    1.6亿 to date against a 2亿 year is not 'not achieved'."""
    target, actual = _period(target_label), _period(actual_label)
    if target is None:
        return False
    if actual is not None and actual < target:
        return True
    return bool(_TO_DATE.search(_period_key(actual_label))) and actual != target


_BARE_NUMBER = re.compile(r"^[¥$￥]?\s*-?\d[\d,，]*(?:\.\d+)?\s*(?:[万亿千]|百万|千万)?\s*(?:元|万元|美元)?$")


def _bare_number(text: str) -> bool:
    """A figure with no comparator or change word: '200', '1,500万', '¥30万元'."""
    return _BARE_NUMBER.match(unicodedata.normalize("NFKC", text).strip()) is not None


def _period_key(label: str) -> str:
    """The header folded with its brackets kept: '实际（1-9月）' names its period inside them."""
    return "".join(unicodedata.normalize("NFKC", label).casefold().split())


_BASE_TARGET = re.compile(r"保底|底线|基础目标|基本目标|承诺|commit|base|floor|minimum")
_STRETCH_TARGET = re.compile(r"挑战|冲刺|冲击|激励目标|stretch|aspiration|moonshot")
_BUDGET_HEADER = re.compile(r"预算|budget")
_SPENDING = re.compile(r"支出|花费|费用|成本|开销|开支|耗费|spend|spent|cost|expense|outlay")
"""A 预算 is a ceiling only for spending: a 收入预算 (营业收入 | 预算 1亿) is the plan to reach."""


def _base_target_first(header: Header) -> tuple[Header, str | None]:
    """With a stretch and a base target column ('挑战目标 | 保底目标'), the base one is the target: 1.1亿
    against 挑战 1.2亿 and 保底 1亿 was 'not achieved' by the first column only. Returns the header and
    the stretch column's label when it was set aside."""
    columns = [j for j, name in enumerate(header.fields) if name in ("target", "duplicate:target")]
    if len(columns) < 2:
        return header, None
    keys = {j: _period_key(header.labels[j]) for j in columns}
    base = [j for j in columns if _BASE_TARGET.search(keys[j]) and not _STRETCH_TARGET.search(keys[j])]
    stretch = [j for j in columns if _STRETCH_TARGET.search(keys[j])]
    if len(base) != 1 or not stretch:
        return header, None
    fields = list(header.fields)
    for j in columns:
        fields[j] = "target" if j == base[0] else "duplicate:target"
    set_aside = header.labels[stretch[0]]
    return Header(header.rows, header.labels, tuple(fields), header.units), set_aside


class _Reader:
    def __init__(self, sheet: Sheet, header: Header, language: Language, row_offset: int) -> None:
        self.sheet = sheet
        header, self.stretch_column = _base_target_first(header)
        self.header = header
        self.language = language
        self.offset = row_offset
        self.problems: list[CellProblem] = []
        self.notes: list[Note] = []
        self.convention: Convention = "point"
        target, actual = header.column("target"), header.column("actual")
        self.budget_column = target is not None and bool(_BUDGET_HEADER.search(_period_key(header.labels[target])))
        """The target column is a budget ('预算（万元）'): a bare figure in it is a ceiling where the actual
        column or the metric names spending (`_spent`)."""
        self.spending_column = actual is not None and bool(_SPENDING.search(_period_key(header.labels[actual])))
        self.period_clash = (
            target is not None and actual is not None and period_clash(header.labels[target], header.labels[actual])
        )
        """The target column's period is longer than the actual's: the targets are not read against them."""
        self.sheet_unit = _declared_unit(sheet.rows[: header.rows[0]])
        """The unit a line above the header declares ('单位：万元', 'Unit: $k'), for columns that name none."""
        self.unit_withheld: list[str] = []

    def number_cell(self, i: int, row: Sequence[Cell], name: str, report: bool = True) -> Cell | None:
        """The cell of a number column with its text made plain (`clean_number`); a footnote mark taken off
        is said, a decimal mark the sheet leaves open is refused (reported, read as empty)."""
        cell = self.cell(row, name)
        if cell is None or cell.kind != "text" or is_placeholder(cell):
            return cell
        clean = clean_number(cell.text, self.convention)
        if clean.refused is not None:
            if report:
                self.problem(i, name, clean.refused, "error", cell.text)
            return EMPTY
        if clean.footnote is not None and report:
            self.problem(i, name, "footnote_mark", "warning", cell.text, mark=clean.footnote, read=clean.text)
        if clean.text == cell.text:
            return cell
        return Cell("text", clean.text, clean.text) if clean.text else EMPTY

    # -- helpers
    def cell(self, row: Sequence[Cell], name: str) -> Cell | None:
        index = self.header.column(name)
        return row[index] if index is not None else None

    def problem(
        self, i: int, name: str | None, code: str, severity: str, value: str | None = None, **extra: object
    ) -> None:
        index = self.header.column(name) if name else None
        column = self.header.letter(index) if index is not None else None
        label = self.header.labels[index] if index is not None else None
        row = i + 1 + self.offset
        message = tr(TEXT, f"cell.{code}", self.language, row=row, column=column, header=label, value=value, **extra)
        self.problems.append(
            CellProblem(
                row=row,
                column=column,
                header=label,
                field=name,
                value=value[:_VALUE_CHARS] if value is not None else None,
                code=code,
                severity="error" if severity == "error" else "warning",
                message=message,
            )
        )

    def columns(self) -> tuple[list[ColumnMapping], list[str]]:
        mappings: list[ColumnMapping] = []
        unused: list[str] = []
        for j, (label, name, unit) in enumerate(
            zip(self.header.labels, self.header.fields, self.header.units, strict=True)
        ):
            used = name if name is not None and not name.startswith("duplicate:") and name != "rate" else None
            if name == "duplicate:target" and label == self.stretch_column:
                self.notes.append(Note("stretch_column", {"header": label}))
                mappings.append(ColumnMapping(column=self.header.letter(j), index=j + 1, header=label, field=None))
                unused.append(label)
                continue
            if name == "rate":
                self.notes.append(Note("rate_column", {"header": label}))
            if name is not None and name.startswith("duplicate:"):
                self.notes.append(Note("duplicate_column", {"header": label, "field": name.split(":", 1)[1]}))
            if name in ("stated_status",):
                used = None
            if name == "next_period":  # a column of next period's targets is never this period's target
                used = None
                self.notes.append(Note("next_period_column", {"header": label}))
            if name == "target" and self.period_clash:
                used = None
                actual = self.header.labels[self.header.fields.index("actual")]
                self.notes.append(Note("period_clash", {"header": label, "actual": actual}))
            mappings.append(
                ColumnMapping(column=self.header.letter(j), index=j + 1, header=label, field=used, unit=unit)
            )
            if used is None and label and name != "rate":
                unused.append(label)
        return mappings, unused

    def read(self) -> MetricTable:
        columns, unused = self.columns()
        title = [row for row in self.sheet.rows[: self.header.rows[0]] if any(not c.empty for c in row)]
        if title:
            text = " | ".join(cells_text(_distinct(row)) for row in title)[:200]
            self.notes.append(Note("title_rows", {"count": len(title), "text": text}))
        metrics: list[MetricInput] = []
        sources: list[ImportedMetric] = []
        stated: list[tuple[float | None, str | None]] = []
        groups: list[str] = []
        totals: list[int] = []
        repeated: list[int] = []
        group: str | None = None
        data = self.sheet.rows[self.header.end :]
        if len(data) > MAX_METRICS:
            raise InputError("content", tr(TEXT, "err.too_many_rows", self.language, rows=len(data), limit=MAX_METRICS))
        name_index = self.header.column("name")
        assert name_index is not None
        for k, row in enumerate(data):
            i = self.header.end + k
            filled = [j for j, cell in enumerate(row) if not is_placeholder(cell)]
            if not filled:
                continue
            name_cell = row[name_index]
            name = name_cell.text.strip() if not is_placeholder(name_cell) else ""
            if self.repeats_header(row) or _sub_header(row):
                repeated.append(i + 1 + self.offset)
                continue
            if _total_name(name):
                totals.append(i + 1 + self.offset)
                continue
            if _distinct_nonempty(row) == 1 and name_cell.kind == "text" and name:
                group = name
                groups.append(name)
                continue
            if not name:
                self.problem(i, None, "missing_name", "error")
                continue
            extra = extra_cells(self.sheet, self.header.labels, row)
            if extra:
                self.problem(i, None, "extra_cells", "error", " | ".join(c.text for c in row if not c.empty))
                continue
            metric = self.metric(i, row, name[:MAX_NAME_CHARS], group)
            if metric is None:
                continue
            sources.append(ImportedMetric(index=len(metrics), row=i + 1 + self.offset, name=metric.name))
            metrics.append(metric)
            stated.append(self.stated(i, row))
        if self.sheet_unit is not None:
            self.notes.append(Note("sheet_unit", {"unit": self.sheet_unit}))
        if self.unit_withheld:
            unit = self.header_unit() or ""
            names = "、".join(self.unit_withheld)[:200]
            self.notes.append(Note("unit_withheld", {"unit": unit, "count": len(self.unit_withheld), "names": names}))
        if groups:
            self.notes.append(Note("group_rows", {"count": len(groups), "text": "、".join(groups)[:200]}))
        if totals:
            self.notes.append(Note("total_rows", {"count": len(totals), "rows": ", ".join(map(str, totals))}))
        if repeated:
            self.notes.append(Note("repeated_header", {"count": len(repeated), "rows": ", ".join(map(str, repeated))}))
        return MetricTable(
            header=self.header,
            columns=columns,
            unused_columns=unused,
            metrics=metrics,
            sources=sources,
            stated_rates=stated,
            problems=self.problems,
            notes=localize_notes(self.notes, self.language),
        )

    def repeats_header(self, row: Sequence[Cell]) -> bool:
        """A header row repeated below (a pasted table with its header on every page)."""
        bottom = self.header.rows[-1]
        lower = [cell.text.strip() for cell in self.sheet.rows[bottom]]
        texts = [cell.text.strip() for cell in row]
        return any(lower) and texts == lower

    def stated(self, i: int, row: Sequence[Cell]) -> tuple[float | None, str | None]:
        rate_cell = self.number_cell(i, row, "rate", report=False)
        status_cell = self.cell(row, "stated_status")
        rate: float | None = None
        if rate_cell is not None and not is_placeholder(rate_cell):
            if rate_cell.kind == "percent":
                rate = float(rate_cell.value)  # type: ignore[arg-type]
            elif rate_cell.kind == "number":
                number = float(rate_cell.value)  # type: ignore[arg-type]
                rate = number * 100 if abs(number) <= 3 else number
            else:
                rate = _percent_text(rate_cell.text)
        status = status_cell.text if status_cell is not None and not is_placeholder(status_cell) else None
        return rate, status

    def metric(self, i: int, row: Sequence[Cell], name: str, group: str | None) -> MetricInput | None:
        unit_cell = self.cell(row, "unit")
        unit = unit_cell.text.strip()[:32] if unit_cell is not None and not is_placeholder(unit_cell) else None
        if not unit:
            unit = _name_unit(name)
            declared = self.header_unit()
            if unit is None and declared is not None and _MONEY_UNIT.search(declared) and _NOT_MONEY.search(name):
                self.unit_withheld.append(name)  # '客户满意度' under '单位：万元' is no sum of money
            elif unit is None:
                unit = declared
        percent_seen = False
        values: dict[str, float | str | None] = {}
        for key in ("actual", "baseline"):
            cell = self.number_cell(i, row, key)
            value, is_percent = self.value(i, row, key, cell, unit)
            values[key] = value
            percent_seen |= is_percent
        target = None if self.period_clash else self.target(i, self.number_cell(i, row, "target"), unit, name)
        self._target_percent &= not self.period_clash
        percent_seen |= self._target_percent
        if unit is None and percent_seen:
            unit = "%"
        aggregation, aggregation_note = self.aggregation(i, self.cell(row, "aggregation"), "aggregation")
        target_aggregation, target_note = self.aggregation(
            i, self.cell(row, "target_aggregation"), "target_aggregation"
        )
        weight = self.weight(i, self.number_cell(i, row, "weight"))
        dimension_cell = self.cell(row, "dimension")
        dimension = (
            dimension_cell.text[:MAX_NAME_CHARS]
            if dimension_cell is not None and not is_placeholder(dimension_cell)
            else group
        )
        note_cell = self.cell(row, "note")
        notes = [note_cell.text] if note_cell is not None and not is_placeholder(note_cell) else []
        notes += [text for text in (aggregation_note, target_note) if text]
        note = "；".join(notes)[:MAX_TEXT_CHARS] or None
        try:
            return MetricInput(
                name=name,
                target=target,
                actual=values["actual"],
                baseline=values["baseline"],
                unit=unit,
                aggregation=aggregation,
                target_aggregation=target_aggregation,
                weight=weight,
                dimension=dimension,
                note=note,
            )
        except ValidationError as error:  # a value too long for the model, say
            first = error.errors()[0]
            self.problem(
                i, str(first["loc"][0]) if first["loc"] else None, "unreadable_number", "error", "", reason=first["msg"]
            )
            return None

    def header_unit(self) -> str | None:
        for name in ("actual", "target", "baseline"):
            index = self.header.column(name)
            if index is not None and self.header.units[index]:
                return self.header.units[index]
        return self.sheet_unit

    _target_percent = False

    def value(
        self, i: int, row: Sequence[Cell], key: str, cell: Cell | None, unit: str | None
    ) -> tuple[float | str | None, bool]:
        if cell is None or is_placeholder(cell):
            return None, False
        if cell.kind == "percent":
            return float(cell.value), True  # type: ignore[arg-type]
        if cell.kind == "number":
            number = float(cell.value)  # type: ignore[arg-type]
            if unit == "%" and 0 < abs(number) <= 1:
                self.problem(i, key, "percent_fraction", "warning", cell.text)
            return number, False
        if cell.kind == "date":
            self.problem(i, key, "date_value", "error", cell.text)
            return None, False
        if cell.kind == "bool":
            self.problem(i, key, "unreadable_number", "error", cell.text, reason="TRUE/FALSE")
            return None, False
        text = cell.text[:_VALUE_CHARS]
        try:
            parsed = parse_scaled_quantity(text)
        except ValueError as error:
            self.problem(i, key, "unreadable_number", "error", cell.text, reason=str(error))
            return None, False
        return text, parsed.unit == "%"

    def spent(self, name: str) -> bool:
        """A budget to spend: the target column is a 预算 and the actual column or the name is spending."""
        return self.budget_column and (self.spending_column or bool(_SPENDING.search(name.casefold())))

    def target(self, i: int, cell: Cell | None, unit: str | None, name: str = "") -> str | None:
        self._target_percent = False
        if cell is None or is_placeholder(cell):
            return None
        if cell.kind == "percent":
            self._target_percent = True
            return f"{cell.text}"
        if cell.kind == "number":
            return f"预算{cell.text}" if self.spent(name) else cell.text
        if cell.kind in ("date", "bool"):
            self.problem(
                i, "target", "date_value" if cell.kind == "date" else "unreadable_target", "error", cell.text, reason=""
            )
            return None
        text = cell.text[:MAX_NAME_CHARS]
        try:
            parsed = parse_target(text, unit)
            if self.spent(name) and parsed.kind == "at_least" and _bare_number(text):
                text = f"预算{text}"  # '预算（万元）| 200' is a ceiling to spend, not a floor to reach
                parsed = parse_target(text, unit)
        except ValueError as error:
            self.problem(i, "target", "unreadable_target", "error", cell.text, reason=str(error))
            return None
        fraction = _FRACTION_TARGET.search(text) is not None  # '4.5/5' is 90% only as a target's share
        self._target_percent = parsed.unit == "%" and parsed.kind not in ("relative_change",) and not fraction
        return text

    def aggregation(self, i: int, cell: Cell | None, key: str) -> tuple[Aggregation | None, str | None]:
        if cell is None or is_placeholder(cell):
            return None, None
        text = cell.text.casefold()
        for aggregation, words in _AGGREGATIONS:
            if any(word in text for word in words):
                return aggregation, None
        self.problem(i, key, "unknown_aggregation", "warning", cell.text)
        return None, f"{self.header.labels[self.header.column(key) or 0]}：{cell.text}"

    def weight(self, i: int, cell: Cell | None) -> float:
        if cell is None or is_placeholder(cell):
            return 1.0
        number: float | None = None
        if cell.kind == "percent":
            number = float(cell.value) / 100  # type: ignore[arg-type]
        elif cell.kind == "number":
            number = float(cell.value)  # type: ignore[arg-type]
        elif cell.kind == "text":
            try:
                parsed = parse_scaled_quantity(cell.text)
                number = parsed.value / 100 if parsed.unit == "%" else parsed.value if parsed.unit is None else None
            except ValueError:
                number = None
        if number is None or number < 0:
            self.problem(i, "weight", "bad_weight", "warning", cell.text)
            return 1.0
        return number


def _distinct(row: Sequence[Cell]) -> list[Cell]:
    """The cells of a row with merged repeats collapsed (a merged title fills every cell)."""
    out: list[Cell] = []
    for cell in row:
        if not cell.empty and (not out or out[-1] != cell):
            out.append(cell)
    return out


_NAME_UNITS = re.compile(
    r"^(?:%|％|百分比|pp|[百千万亿]?元|万美元|百万美元|亿美元|百万|千万|(?:us)?[$€£¥￥]\s?(?:k|m|mm|mn|b|bn)?|"
    r"(?:k|m|mm|mn|b|bn)\s?[$€£]|usd|rmb|cny|eur|人|人次|次|单|笔|件|户|个|天|日|小时|分钟|分|秒|毫秒|ms|"
    r"min|mins|minutes|hours|hrs|days|h|s|sec|seconds)$",
    re.IGNORECASE,
)


def _sub_header(row: Sequence[Cell]) -> bool:
    """A row of labels under the header ("Target | Actual | Variance" repeated per period): text only,
    naming at least two of target, actual, baseline."""
    if any(cell.kind not in ("text", "empty") for cell in row):
        return False
    texts = [cell.text for cell in row if not cell.empty]
    plain = [text for text in texts if not _DIGIT.search(text)]
    if len({_metric_field(text) for text in plain} & {"target", "actual", "baseline"}) < 2:
        return False
    # A label may hold a figure ("Metric Value (e.g., 100%)"); a value never names a field.
    return all(_metric_field(text) is not None for text in texts if _DIGIT.search(text))


_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=4096)
def _metric_field(text: str) -> str | None:
    return match_field(text, METRIC_FIELDS)


_DECLARED_UNIT = re.compile(r"(?:金额|计量)?(?:单位|\bunits?\b)\s*[:：]\s*(?P<unit>[^）)\s,，;；|]+)", re.IGNORECASE)
_MONEY_UNIT = re.compile(r"元|[$€£¥￥]|usd|rmb|cny|eur", re.IGNORECASE)
_NOT_MONEY = re.compile(
    r"满意度|评分|得分|分数|净推荐|率|占比|比例|天数|人数|次数|户数|时长|周期|[（(](?:分|天|人|次|%|％|个|小时|h)[）)]|数(?:量)?$|"
    r"\bnps\b|\bcsat\b|score|rating|\brate\b|ratio|share|percent|\bdays\b|count|headcount|users|customers|"
    r"orders|tickets",
    re.IGNORECASE,
)
"""Names that are no sum of money ('客户满意度', '毛利率', '周转天数', '客户数'): a money unit declared for the sheet or
the column is not theirs ('客户满意度 90' under '单位：万元' was shown as 90万元)."""


def _declared_unit(rows: Sequence[Sequence[Cell]]) -> str | None:
    """The unit a line above the header declares: '单位：万元', '（金额单位：元）', 'Unit: $k' (a unit we read)."""
    for row in rows:
        for cell in row:
            found = _DECLARED_UNIT.search(cell.text) if not cell.empty else None
            if found is not None and _NAME_UNITS.match(found["unit"]):
                return found["unit"]
    return None


def _name_unit(name: str) -> str | None:
    """A unit written in brackets in the metric's own name ("GMV（万元）", "Churn rate (%)"), only from a
    list of units: "(CAC)" or "(Q1)" are abbreviations, not units."""
    unit = header_unit(name)
    return unit if unit is not None and _NAME_UNITS.match(unit) else None


def _distinct_nonempty(row: Sequence[Cell]) -> int:
    """Distinct cells written: a metric whose values are all marked missing ("—", "N/A") is no group title."""
    return len({(cell.kind, cell.text) for cell in row if not cell.empty})


def _total_name(name: str) -> bool:
    """合计, Total, "合计（全渠道）", "Total:", "Grand total" - a sum of other rows, not a metric."""
    key = re.sub(r"[\s:：]+", "", name).casefold()
    if key in _TOTAL_NAMES:
        return True
    bare = re.sub(r"[（(【\[].*$", "", name).strip(" :：").replace(" ", "").casefold()
    if bare in _TOTAL_NAMES:
        return True
    # "Total KPIs Tracked:", "合计：" - a summary label (it ends with a colon), not a metric named "Total revenue".
    return (
        name.rstrip().endswith((":", "："))
        and re.match(r"(?i)^(?:合计|总计|小计|汇总|total|overall|summary)", name) is not None
    )


_PERCENT = re.compile(r"(-?\d+(?:\.\d+)?)\s*%")


def _percent_text(text: str) -> float | None:
    match = _PERCENT.search(text.replace(",", ""))
    return float(match.group(1)) if match else None
