"""Bytes of a CSV, TSV or XLSX file into sheets of typed cells. Pure: no file system, no clock.

CSV and TSV are text: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or GB18030 (Excel's
Chinese CSV), the delimiter sniffed. XLSX goes through openpyxl (the optional ``import`` extra, imported
on first use), never running macros and never refreshing external links:

- loaded with ``data_only=True``: a formula cell holds the value cached when the file was last saved
  (noted); a formula never calculated has no cached value (noted, read as empty);
- not in openpyxl's read-only mode, because that mode does not expose merged cells, and merged header
  cells must be filled; the input size and the unpacked size are bounded instead (zip bombs refused);
- a number formatted as a percent in the sheet (``0.0%``) becomes percent numbers (0.286 -> 28.6,
  kind ``percent``), dates stay dates, merged ranges carry their top-left value into every cell.

An encrypted Office file is an OLE compound file rather than a zip: it is refused with a clear message,
as is a legacy .xls or a corrupt file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, tr
from fupan_mcp.materials.strings import TEXT

if TYPE_CHECKING:
    from fupan_mcp.materials.layouts import Layout

__all__ = [
    "MAX_COLUMNS",
    "MAX_SHEET_ROWS",
    "MAX_UNPACKED_BYTES",
    "Cell",
    "CellKind",
    "Note",
    "Sheet",
    "Workbook",
    "check_office_container",
    "column_letter",
    "decode_text",
    "extra_cells",
    "read_table",
    "single_column_reason",
]

MAX_SHEET_ROWS = 20_000
"""Rows read from one sheet (the header search included); far above any review's table."""
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
"""Largest total size of the parts of an XLSX or DOCX once unzipped."""

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION_MARKERS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

CellKind = Literal["empty", "text", "number", "percent", "date", "bool"]
TableFormat = Literal["csv", "tsv", "xlsx"]


@dataclass(frozen=True)
class Cell:
    """One cell: its kind, its value (percent numbers for ``percent``), and the text as written."""

    kind: CellKind
    value: float | str | dt.date | bool | None
    text: str
    formula: bool = False

    @property
    def empty(self) -> bool:
        return self.kind == "empty"


EMPTY = Cell("empty", None, "")


@dataclass(frozen=True)
class Note:
    """A note on the whole file, localized when the result is built."""

    code: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]
    """rows[i][j] is sheet row i + 1, column j + 1; every row has the same length."""
    decimal_comma_hint: bool = False
    """Read from a semicolon-separated file, the CSV Excel writes where the comma is the decimal mark."""
    text: bool = False
    """Read from text (CSV, TSV, a pasted table): a row longer than its header is a misplaced separator."""


@dataclass
class Workbook:
    format: TableFormat
    sheets: list[Sheet]
    notes: list[Note] = field(default_factory=list)

    def sheet(self, name: str | None, language: Language, field_name: str = "sheet") -> Sheet:
        """The sheet called ``name`` (case and surrounding blanks ignored), else the first one."""
        if name is None:
            return self.sheets[0]
        wanted = name.strip().casefold()
        for sheet in self.sheets:
            if sheet.name.strip().casefold() == wanted:
                return sheet
        names = ", ".join(sheet.name for sheet in self.sheets)
        raise InputError(field_name, tr(TEXT, "err.no_sheet", language, name=name, sheets=names))


def column_letter(index: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(data: bytes, format: TableFormat, language: Language, field_name: str = "content") -> Workbook:
    """Read a whole file. Raises `InputError` (under ``field_name``) for what cannot be read."""
    if format == "xlsx":
        return _read_xlsx(data, language, field_name)
    text = decode_text(data, language, field_name)
    try:
        rows, delimiter = _read_delimited_with(text, format)
    except csv.Error as error:  # an unbalanced quote swallowing the file, a field over the csv module's limit
        reason = str(error)[:200]
        raise InputError(field_name, tr(TEXT, "err.corrupt", language, kind=format.upper(), reason=reason)) from error
    notes: list[Note] = []
    if format == "csv":
        pasted = _pasted_layout(text, rows)
        if pasted is not None:
            kept = pasted.rows[: MAX_SHEET_ROWS + 1]
            rows = _squared([[_text_cell(value) for value in row[:MAX_COLUMNS]] for row in kept])
            notes.append(Note(f"layout_{pasted.kind}"))
            if pasted.unplaced:
                shown = "; ".join(f"{line}: {content}" for line, content in pasted.unplaced[:10])
                notes.append(Note("layout_unplaced", {"count": len(pasted.unplaced), "text": shown[:400]}))
            delimiter = ""
    return Workbook(format, [Sheet(format.upper(), rows, decimal_comma_hint=delimiter == ";", text=True)], notes)


def _pasted_layout(text: str, rows: list[list[Cell]]) -> Layout | None:
    """A markdown or space-aligned table, unless the text reads as consistent CSV (markdown always wins)."""
    from fupan_mcp.materials.layouts import split_layout

    if len(text) > 4 * 1024 * 1024:  # far beyond a pasted table: read as CSV only
        return None
    layout = split_layout(text)
    if layout is None or layout.kind == "markdown":
        return layout
    widths = Counter(max((j + 1 for j, c in enumerate(row) if not c.empty), default=0) for row in rows)
    widths.pop(0, None)
    filled = sum(widths.values())
    if widths:
        common, seen = widths.most_common(1)[0]
        if common >= 2 and seen * 2 >= filled:
            return None
    return layout


def extra_cells(sheet: Sheet, labels: Sequence[str], row: Sequence[Cell]) -> list[Cell]:
    """The filled cells of a text table's row beyond its header's last named column ("GMV,1,234,1,100"
    under "指标,目标,实际": a thousands comma not quoted), which shift every value; none for XLSX."""
    if not sheet.text:
        return []
    width = max((j + 1 for j, label in enumerate(labels) if label), default=0)
    return [cell for cell in row[width:] if not cell.empty]


_LIST_ITEM = re.compile(r"^\s*(?:[-*+•·▪◦]\s+|\d{1,3}[.、)）]\s*\S|[（(]\d{1,3}[)）]|\[[ xX✓]\]\s)")


def single_column_reason(rows: Sequence[Sequence[Cell]], names_fields: Callable[[str], int]) -> str | None:
    """Why a text table shows no header, when it can be told: 'list' (most lines are list items: a pasted
    list, not a table), 'fullwidth_comma' (every line one cell holding
    '，') or 'single_blanks' (the first line one cell whose blank-separated words name two fields or more,
    ``names_fields`` counting them)."""
    filled = [[c for c in row if not c.empty] for row in rows[:30]]
    filled = [cells for cells in filled if cells]
    if not filled:
        return None
    if sum(1 for cells in filled if _LIST_ITEM.match(cells[0].text)) * 2 > len(filled):
        return "list"  # '- [ ] Add the alert — @alice', '1. 补充告警（张三，3月1日）': one item a line, no columns
    if all(len(cells) == 1 for cells in filled) and sum(1 for c in filled if "，" in c[0].text) * 2 >= len(filled):
        return "fullwidth_comma"
    first = filled[0]
    if len(first) == 1 and first[0].kind == "text" and names_fields(first[0].text) >= 2:
        return "single_blanks"
    return None


def decode_text(data: bytes, language: Language, field_name: str = "content") -> str:
    """Text from bytes: a BOM decides, else UTF-8, else GB18030 (what Chinese Excel writes)."""
    if data.startswith(CFB_MAGIC) or data.startswith(ZIP_MAGIC):
        reason = "binary Office or zip data"
        raise InputError(field_name, tr(TEXT, "err.format_mismatch", language, format="text", reason=reason))
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(field_name, tr(TEXT, "err.encoding", language))


def _read_delimited_with(text: str, format: TableFormat) -> tuple[list[list[Cell]], str]:
    sample = text[:8192]
    delimiter = "\t"
    if format == "csv":
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    rows: list[list[Cell]] = []
    for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        rows.append([_text_cell(value) for value in record[:MAX_COLUMNS]])
        if len(rows) > MAX_SHEET_ROWS:
            break
    return _squared(rows), delimiter


_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e\u00ad]")
"""Characters a copy from a web page or a document leaves in a cell and no one sees (zero-width space, word
joiner, a BOM inside the text, direction marks, soft hyphen): '2024-03-01\u200b' was unreadable, 'Done\u200b'
an unknown status, '\u200balice' another owner than 'alice'. The joiners of emoji sequences stay."""


def _visible(value: str) -> str:
    return _INVISIBLE.sub("", value) if not value.isascii() else value


def _text_cell(value: str) -> Cell:
    stripped = _visible(value).strip()
    return Cell("text", stripped, stripped) if stripped else EMPTY


def _squared(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop trailing empty rows and columns; pad every row to the same width."""
    while rows and all(cell.empty for cell in rows[-1]):
        rows.pop()
    width = max((max((j + 1 for j, cell in enumerate(row) if not cell.empty), default=0) for row in rows), default=0)
    return [(row + [EMPTY] * (width - len(row)))[:width] for row in rows]


# --------------------------------------------------------------------------- XLSX


def check_office_container(data: bytes, kind: str, language: Language, field_name: str) -> zipfile.ZipFile:
    """The zip inside an .xlsx or .docx, or an `InputError`: encrypted, legacy, corrupt, a zip bomb."""
    if data.startswith(CFB_MAGIC):
        encrypted = any(marker in data for marker in _ENCRYPTION_MARKERS)
        raise InputError(field_name, tr(TEXT, "err.encrypted" if encrypted else "err.legacy_office", language))
    if not data.startswith(ZIP_MAGIC):
        raise InputError(field_name, tr(TEXT, "err.corrupt", language, kind=kind, reason="not a zip container"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise InputError(field_name, tr(TEXT, "err.corrupt", language, kind=kind, reason=str(error))) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise InputError(
            field_name, tr(TEXT, "err.unpacked_too_large", language, size=unpacked, limit=MAX_UNPACKED_BYTES)
        )
    return archive


def _openpyxl(language: Language, field_name: str) -> Any:
    try:
        import openpyxl  # type: ignore[import-untyped]  # no stubs shipped
    except ImportError as error:
        raise InputError(field_name, tr(TEXT, "err.missing_openpyxl", language)) from error
    return openpyxl


def _read_xlsx(data: bytes, language: Language, field_name: str) -> Workbook:
    archive = check_office_container(data, "XLSX", language, field_name)
    names = archive.namelist()
    notes: list[Note] = []
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        notes.append(Note("macros_ignored"))
    if any(name.startswith("xl/externalLinks/") for name in names):
        notes.append(Note("external_links"))
    has_formulas = any(
        name.startswith("xl/worksheets/") and name.endswith(".xml") and b"<f" in archive.read(name) for name in names
    )
    openpyxl = _openpyxl(language, field_name)
    try:
        values = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False, keep_vba=False)
        formulas = (
            openpyxl.load_workbook(io.BytesIO(data), data_only=False, keep_links=False, keep_vba=False)
            if has_formulas
            else None
        )
    except Exception as error:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors)
        reason = f"{type(error).__name__}: {error}"[:200]
        raise InputError(field_name, tr(TEXT, "err.corrupt", language, kind="XLSX", reason=reason)) from error
    sheets: list[Sheet] = []
    cached = uncached = 0
    for worksheet in values.worksheets:
        formula_sheet = formulas[worksheet.title] if formulas is not None else None
        rows, sheet_cached, sheet_uncached = _worksheet_rows(worksheet, formula_sheet)
        cached += sheet_cached
        uncached += sheet_uncached
        sheets.append(Sheet(str(worksheet.title), rows))
    if not sheets:
        raise InputError(field_name, tr(TEXT, "err.empty", language))
    if cached:
        notes.append(Note("formulas_cached", {"count": cached}))
    if uncached:
        notes.append(Note("formulas_uncached", {"count": uncached}))
    return Workbook("xlsx", sheets, notes)


def _worksheet_rows(worksheet: Any, formula_sheet: Any) -> tuple[list[list[Cell]], int, int]:
    max_row = min(int(worksheet.max_row or 0), MAX_SHEET_ROWS + 1)
    max_col = min(int(worksheet.max_column or 0), MAX_COLUMNS)
    rows: list[list[Cell]] = []
    cached = uncached = 0
    formula_rows = (
        formula_sheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col) if formula_sheet is not None else None
    )
    for row in worksheet.iter_rows(min_row=1, max_row=max_row, max_col=max_col):
        formula_row = next(formula_rows) if formula_rows is not None else None
        cells: list[Cell] = []
        for j, cell in enumerate(row):
            is_formula = formula_row is not None and getattr(formula_row[j], "data_type", None) == "f"
            converted = _xlsx_cell(cell.value, str(cell.number_format or "General"), is_formula)
            if is_formula:
                if converted.empty:
                    uncached += 1
                else:
                    cached += 1
            cells.append(converted)
        rows.append(cells)
    for merged in worksheet.merged_cells.ranges:
        top = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else EMPTY
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            for c in range(merged.min_col, min(merged.max_col, max_col) + 1):
                rows[r - 1][c - 1] = top
    return _squared(rows), cached, uncached


def _xlsx_cell(value: object, number_format: str, formula: bool) -> Cell:
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY
    if isinstance(value, bool):
        return Cell("bool", value, "TRUE" if value else "FALSE", formula)
    if isinstance(value, (int, float)):
        number = float(value)
        if not math.isfinite(number):
            return Cell("text", str(value), str(value), formula)
        if "%" in _format_body(number_format):
            percent = _rounded(number * 100)
            return Cell("percent", percent, f"{_plain(percent)}%", formula)
        return Cell("number", number, _plain(number), formula)
    if isinstance(value, dt.datetime):
        day = value.date()
        return Cell("date", day, day.isoformat() if value.time() == dt.time() else value.isoformat(" "), formula)
    if isinstance(value, dt.date):
        return Cell("date", value, value.isoformat(), formula)
    if isinstance(value, dt.time):
        return Cell("text", value.isoformat(), value.isoformat(), formula)
    text = _visible(str(value)).strip()
    if not text:
        return EMPTY
    return Cell("text", text, text, formula)


def _format_body(number_format: str) -> str:
    """The number format without quoted literals and escapes: '0.0"%"' is not a percent format."""
    out: list[str] = []
    quoted = escaped = False
    for ch in number_format:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif not quoted:
            out.append(ch)
    return "".join(out)


def _rounded(value: float) -> float:
    """0.286 * 100 is 28.599999999999998 in binary; 12 significant digits give 28.6 back."""
    return float(f"{value:.12g}")


def _plain(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.12g}"


def cells_text(cells: Sequence[Cell]) -> str:
    """The written texts of some cells, joined for a note."""
    return " ".join(cell.text for cell in cells if not cell.empty)
