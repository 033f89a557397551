"""The report as a Word document (.docx), with python-docx.

It is built from the same laid-out document as the markdown and HTML reports (`BuiltReport`):
the section headings, paragraphs, lists and tables (attainment, actions, risks, SWOT...), with the
charts as PNG pictures at the top of their sections (when matplotlib is installed; without it the
document is complete, only without pictures). Chinese text gets an East Asian font (Microsoft YaHei,
which Word substitutes where it is missing).

The printable HTML export is the HTML report itself (self-contained, CJK font stack, ``@media
print`` rules, inline SVG charts): print it or save it as PDF from a browser. A PDF export is not
offered: the PyPI renderers that follow CSS well (WeasyPrint) need Pango and cairo from the system,
and the pure-Python ones (xhtml2pdf, ReportLab, fpdf2) need a CJK font file of their own and drop the
layout and the SVG charts. python-docx and matplotlib come with ``pip install 'fupan-mcp[export]'``;
nothing of them is imported until an export runs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fupan_mcp.errors import require
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report.strings import TEXT
from fupan_mcp.report.view import SHORT_WIDTH, Block, Bullets, Heading, Paragraph, Table, Tone, Tree, text_width

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import _Cell

    from fupan_mcp.report.charts import ReviewChart
    from fupan_mcp.report.render import BuiltReport

__all__ = ["DOCX_MIME", "review_docx"]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_EAST_ASIAN_FONT = "Microsoft YaHei"
_LATIN_FONT = "Calibri"
_TONE_COLORS: dict[Tone, str | None] = {
    "normal": None,
    "muted": "656D76",
    "ok": "1A7F37",
    "warn": "9A6700",
    "bad": "CF222E",
}
_TONE_FILLS: dict[Tone, str | None] = {
    "normal": None,
    "muted": None,
    "ok": "DAFBE1",
    "warn": "FFF8C5",
    "bad": "FFEBE9",
}
_HEADER_FILL = "EAEEF2"
_SUMMARY_FILL = "F6F8FA"
_BORDER = "D0D7DE"
_ACCENT = "1F4E79"
_TABLE_PT = 9
_WIDE_TABLE_PT = 7.5
_WIDE_TABLE = 9
"""Columns from which a table is set smaller, so that its words still fit their columns."""
_PAGE_CM = (21.0, 29.7)
_MARGIN_CM = 2.2
_TWIPS_PER_CM = 567
_CELL_PAD_TWIPS = 2 * 85 + 40
"""Left and right cell margins (85 twips each, 0.15 cm) and some slack for bold and rounding."""
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: python-docx refuses them, so they are dropped."""


def _clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def review_docx(built: BuiltReport, *, today: dt.date | None = None, charts: bool = True) -> bytes:
    """The report as .docx bytes. Raises `MissingExtra` without python-docx.

    ``charts`` adds the review's charts as pictures when matplotlib is installed; ``today`` marks
    overdue actions in the timeline and dates a review that has no date of its own.
    """
    require("docx", "python-docx (needed for the Word export)")
    import docx
    from docx.shared import Cm

    pictures = _charts(built, today) if charts else {}
    document = docx.Document()
    day = _document_date(built, today)
    _setup(document, built, day)
    doc = built.document
    document.add_heading(_clean(doc.title), level=0)
    for label, value in doc.meta:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Cm(0.1)
        paragraph.add_run(_clean(label) + doc.colon).bold = True
        paragraph.add_run(_clean(value))
    summary = document.add_paragraph()
    _box(summary)
    summary.add_run(_clean(doc.summary))
    _contents(document, built)
    for index, section in enumerate(doc.sections):
        heading = document.add_heading(f"{section.number}. {_clean(section.title)}", level=1)
        _bookmark(heading, index)
        for chart in pictures.get(section.id, ()):
            assert isinstance(chart.data, bytes)
            document.add_picture(io.BytesIO(chart.data), width=Cm(16))
            caption = document.add_paragraph(_clean(chart.caption), style=_style(document, "Caption"))
            caption.paragraph_format.space_after = Cm(0.3)
        for block in section.blocks:
            _block(document, block, doc.colon)
    footer = document.add_paragraph()
    footer.paragraph_format.space_before = Cm(0.6)
    _color(footer.add_run(_clean(doc.footer)), "muted")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _document_date(built: BuiltReport, today: dt.date | None) -> dt.date | None:
    """The date the document is of: the review's, else the end of the period, else ``today``."""
    review = built.review
    period_end = review.period.end if review.period else None
    return review.review_date or period_end or today


def _charts(built: BuiltReport, today: dt.date | None) -> dict[str, list[ReviewChart]]:
    from fupan_mcp.report import charts

    if not charts.available():
        return {}
    by_section: dict[str, list[ReviewChart]] = {}
    for chart in charts.review_charts(built.analysis, built.review, "png", language=built.language, today=today):
        by_section.setdefault(chart.section, []).append(chart)
    return by_section


# --------------------------------------------------------------------------- page and styles


def _setup(document: DocxDocument, built: BuiltReport, day: dt.date | None) -> None:
    from docx.shared import Cm, Pt, RGBColor

    language = built.language
    for section in document.sections:
        section.page_width, section.page_height = Cm(_PAGE_CM[0]), Cm(_PAGE_CM[1])
        section.left_margin = section.right_margin = Cm(_MARGIN_CM)
        section.top_margin = section.bottom_margin = Cm(2)
        section.header_distance = section.footer_distance = Cm(1)
        _running_header(section, built, day)
        _page_footer(section, language)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    names = {style.name for style in styles}
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "List Bullet", "List Bullet 2"):
        if name in names:
            _fonts(styles[name])
            styles[name].font.italic = False  # CJK fonts have no italic: Word would slant them synthetically
    for name, size in (("Title", 22), ("Heading 1", 15), ("Heading 2", 12)):
        if name in names:
            styles[name].font.size = Pt(size)
            styles[name].font.color.rgb = RGBColor.from_string(_ACCENT)
    if "Heading 1" in names:
        styles["Heading 1"].paragraph_format.space_before = Pt(16)
    if "Caption" in names:
        styles["Caption"].font.color.rgb = RGBColor.from_string(_TONE_COLORS["muted"] or "656D76")
    _language(document, tr(TEXT, "docx.lang", language))
    properties = document.core_properties
    project = _clean(built.review.project)[:255]
    properties.title = _clean(built.title)[:255]
    properties.subject = project
    properties.author = properties.last_modified_by = tr(TEXT, "docx.author", language, project=project)[:255]
    properties.keywords = tr(TEXT, "docx.keywords", language)
    properties.category = tr(TEXT, f"depth.{built.depth}", language)
    properties.language = tr(TEXT, "docx.lang", language)
    properties.comments = _clean(built.summary)[:255]
    properties.revision = 1
    if day is not None:
        stamp = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
        properties.created = properties.modified = stamp
        properties.last_printed = stamp


def _language(document: DocxDocument, tag: str) -> None:
    """The document's language (spelling, hyphenation, font choice); CJK text is tagged zh-CN either way."""
    from docx.oxml.ns import qn

    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:  # pragma: no cover - python-docx's template has them
        return
    run_defaults = defaults.find(qn("w:rPrDefault"))
    if run_defaults is None:  # pragma: no cover
        return
    properties = run_defaults.find(qn("w:rPr"))
    if properties is None:  # pragma: no cover
        return
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = properties.makeelement(qn("w:lang"), {})
        properties.append(lang)
    lang.set(qn("w:val"), tag)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _running_header(section: Any, built: BuiltReport, day: dt.date | None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    project = _clean(built.review.project)
    if day is None:
        text = tr(TEXT, "docx.header_undated", built.language, project=project)
    else:
        text = tr(TEXT, "docx.header", built.language, project=project, date=day.isoformat())
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _border(paragraph, "bottom")
    run = _color(paragraph.add_run(text), "muted")
    run.font.size = Pt(8.5)


def _page_footer(section: Any, language: Language) -> None:
    """'第 N 页 / 共 M 页' / 'Page N of M' with PAGE and NUMPAGES fields in the words' places."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    words = re.split(r"(\{page\}|\{pages\})", tr(TEXT, "docx.page", language, page="{page}", pages="{pages}"))
    for part in words:
        if part in ("{page}", "{pages}"):
            runs = _field(paragraph, "PAGE" if part == "{page}" else "NUMPAGES", "1")
        else:
            runs = [paragraph.add_run(part)] if part else []
        for run in runs:
            _color(run, "muted").font.size = Pt(8.5)


def _fonts(style: Any) -> None:
    from docx.oxml.ns import qn

    style.font.name = _LATIN_FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:eastAsiaTheme", "w:asciiTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), _EAST_ASIAN_FONT)
    fonts.set(qn("w:ascii"), _LATIN_FONT)
    fonts.set(qn("w:hAnsi"), _LATIN_FONT)


def _style(document: DocxDocument, name: str) -> str | None:
    return name if name in [style.name for style in document.styles] else None


def _color(run: Any, tone: Tone) -> Any:
    from docx.shared import RGBColor

    color = _TONE_COLORS.get(tone)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    return run


def _box(paragraph: Any) -> None:
    """The summary: shaded, with an accent rule on its left."""
    from docx.shared import Cm

    _border(paragraph, "left", color=_ACCENT, size=18)
    paragraph._p.get_or_add_pPr().append(_shading(_SUMMARY_FILL))
    paragraph.paragraph_format.left_indent = Cm(0.2)
    paragraph.paragraph_format.space_before = Cm(0.2)
    paragraph.paragraph_format.space_after = Cm(0.4)


def _border(paragraph: Any, side: str, *, color: str = _BORDER, size: int = 6) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", "4"), ("color", color)):
        line.set(qn(f"w:{key}"), value)
    borders.append(line)
    # w:pBdr comes before w:shd, w:tabs, w:spacing, w:ind and w:jc in a paragraph's properties
    properties.insert_element_before(
        borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr"
    )


def _shade_cell(cell: _Cell, fill: str) -> None:
    cell._tc.get_or_add_tcPr().append(_shading(fill))


def _shading(fill: str) -> Any:
    """A ``w:shd`` element filling the background with ``fill``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    return shading


# --------------------------------------------------------------------------- fields and contents


def _field(paragraph: Any, instruction: str, shown: str) -> list[Any]:
    """A field (PAGE, NUMPAGES, PAGEREF...) as its runs: begin, instruction, separate, result, end.

    ``shown`` is the result written in the file; Word and LibreOffice lay page fields out anew."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def char(kind: str) -> Any:
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)
        return run

    begin = char("begin")
    code = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    code._r.append(text)
    separate = char("separate")
    result = paragraph.add_run(shown)
    end = char("end")
    return [begin, code, separate, result, end]


def _bookmark_name(index: int) -> str:
    return f"_Toc_fupan_{index + 1}"


def _bookmark(paragraph: Any, index: int) -> None:
    """A bookmark around a section heading: the contents' page references and links point at it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(100 + index))
    start.set(qn("w:name"), _bookmark_name(index))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(100 + index))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _contents(document: DocxDocument, built: BuiltReport) -> None:
    """The table of contents: one line per section, linked to its heading, with a PAGEREF field.

    Not a TOC field: LibreOffice shows a TOC field's stored result as it is (it does not rebuild
    it when it converts or prints), so its page numbers would be whatever was written in the file,
    and nothing here can know them. A PAGEREF field is laid out by LibreOffice with the real page,
    and Word refreshes every field when it opens the file (``w:updateFields``)."""
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    sections = built.document.sections
    if not sections:
        return
    title = document.add_paragraph()
    title.paragraph_format.space_before = Pt(10)
    title.paragraph_format.space_after = Pt(4)
    run = title.add_run(tr(TEXT, "docx.contents", built.language))
    run.bold = True
    run.font.size = Pt(13)
    _color(run, "normal").font.color.rgb = None
    width = Cm(_PAGE_CM[0] - 2 * _MARGIN_CM)
    for index, section in enumerate(sections):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(2)
        paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), _bookmark_name(index))
        link.set(qn("w:history"), "1")
        paragraph._p.append(link)
        entry = paragraph.add_run(f"{section.number}. {_clean(section.title)}\t")
        link.append(entry._r)
        for part in _field(paragraph, f"PAGEREF {_bookmark_name(index)} \\h", ""):
            link.append(part._r)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


# --------------------------------------------------------------------------- blocks


def _block(document: DocxDocument, block: Block, colon: str) -> None:
    if isinstance(block, Heading):
        document.add_heading(_clean(block.text), level=2)
    elif isinstance(block, Paragraph):
        for text in _clean(block.text).splitlines() or [""]:
            _color(document.add_paragraph().add_run(text), block.tone)
    elif isinstance(block, Bullets):
        _bullets(document, block, colon)
    elif isinstance(block, Table):
        _table(document, block)
    elif isinstance(block, Tree):
        from docx.shared import Cm

        for line in block.lines:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.6 * line.depth)
            paragraph.paragraph_format.space_after = Cm(0)
            _color(paragraph.add_run(("└ " if line.depth else "") + _clean(line.text)), line.tone)
    # Diagrams (Mermaid source) are left out: Word cannot draw them; the charts stand in for them.


def _bullets(document: DocxDocument, block: Bullets, colon: str) -> None:
    from docx.shared import Cm

    bullet = _style(document, "List Bullet")
    nested = _style(document, "List Bullet 2")
    for number, item in enumerate(block.items, start=1):
        if block.ordered:  # numbered by hand: python-docx lists share one numbering across the document
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.75)
            paragraph.paragraph_format.first_line_indent = Cm(-0.75)
            paragraph.add_run(f"{number}.\t")
        else:
            paragraph = document.add_paragraph(style=bullet)
        paragraph.paragraph_format.space_after = Cm(0.05)
        if item.label:
            _color(paragraph.add_run(_clean(item.label) + (colon if item.text else "")), item.tone).bold = True
        _color(paragraph.add_run(_clean(item.text)), item.tone)
        for child in item.children:
            document.add_paragraph(_clean(child), style=nested)


# --------------------------------------------------------------------------- tables


_BREAK = re.compile(r"[\s/\-]+")
_TEXT_FLOOR = 14
"""Half-ems under which a column of text is not squeezed (seven CJK characters a line)."""


def _longest_piece(text: str) -> int:
    """The widest part of ``text`` that cannot wrap: a word of Latin text, one character of CJK."""
    pieces = [piece for piece in _BREAK.split(text) if piece]
    widest = 0
    for piece in pieces:
        wide = any(unicodedata.east_asian_width(char) in "WF" for char in piece)
        widest = max(widest, 2 if wide else len(piece))
    return widest


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], short: Sequence[int], total: int
) -> tuple[list[int], list[bool]]:
    """Column widths in half-ems for a table ``total`` half-ems wide, and which columns never wrap.

    A column whose every value is short (numbers, dates, statuses, the '#') gets the width of its
    widest value and does not wrap (when they cannot all, the widest of them wrap first); the
    other columns share what is left in proportion to their
    widest value, each at least as wide as its longest word and seven CJK characters. A table
    narrower than the page keeps its natural widths, the text columns widened to fill the page."""
    count = len(headers)
    cells = [[str(row[i]) if i < len(row) else "" for row in rows] for i in range(count)]
    natural = [max([text_width(headers[i]), *(text_width(c) for c in cells[i])], default=1) for i in range(count)]
    values = [max((text_width(c) for c in cells[i]), default=0) for i in range(count)]
    fixed = [i in short or (values[i] <= SHORT_WIDTH and natural[i] <= SHORT_WIDTH + 8) for i in range(count)]
    floor = min(_TEXT_FLOOR, total // max(count, 1))  # a table of many columns squeezes its text more
    minimum = [
        max(_longest_piece(headers[i]), *(_longest_piece(c) for c in cells[i]), min(natural[i], floor))
        for i in range(count)
    ]
    widths = [max(natural[i] if fixed[i] else minimum[i], 2) for i in range(count)]
    while sum(widths) > total and any(fixed):  # the widest short column wraps first, the '#' last
        widest = max((i for i in range(count) if fixed[i]), key=lambda i: natural[i])
        fixed[widest] = False
        widths[widest] = minimum[widest]
    if sum(widths) > total:  # even the words do not fit: every column shrinks alike
        scale = total / sum(widths)
        return [max(2, int(w * scale)) for w in widths], fixed
    free = [i for i in range(count) if not fixed[i]] or list(range(count))
    room = total - sum(widths[i] for i in range(count) if i not in free)
    demand = sum(natural[i] for i in free)
    if demand <= room:  # everything fits: text columns take their natural width plus a share of the rest
        spare = room - demand
        for i in free:
            widths[i] = natural[i] + spare * natural[i] // max(demand, 1)
    else:  # share the room by natural width, never under the longest word
        active, budget = list(free), room
        while active:
            weight = sum(natural[i] for i in active) or 1
            share = {i: budget * natural[i] // weight for i in active}
            pinned = [i for i in active if share[i] < minimum[i]]
            if not pinned:
                for i in active:
                    widths[i] = max(share[i], 2)
                break
            for i in pinned:
                widths[i] = minimum[i]
                budget -= minimum[i]
                active.remove(i)
    return widths, fixed


def _table(document: DocxDocument, block: Table) -> None:
    from docx.shared import Pt, Twips

    table = document.add_table(rows=1, cols=len(block.headers))
    grid = _style(document, "Table Grid")
    if grid:
        table.style = grid
    table.autofit = False
    total_twips = int((_PAGE_CM[0] - 2 * _MARGIN_CM) * _TWIPS_PER_CM)
    size = _WIDE_TABLE_PT if len(block.headers) >= _WIDE_TABLE else _TABLE_PT
    half_em = round(size * 10)  # twips of half an em at the table's size (1 pt = 20 twips)
    columns = len(block.headers)
    units = (total_twips - columns * _CELL_PAD_TWIPS) // half_em
    widths, fixed = column_widths(block.headers, block.rows, block.short, units)
    twips = [w * half_em + _CELL_PAD_TWIPS for w in widths]
    _table_frame(table, sum(twips))
    for index, width in enumerate(twips):
        table.columns[index].width = Twips(width)
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, block.headers, strict=True):
        _cell_text(cell, text, bold=True)
        _shade_cell(cell, _HEADER_FILL)
    tones: Sequence[Tone] = block.tones or ["normal"] * len(block.rows)
    for row, tone in zip(block.rows, tones, strict=False):
        added = table.add_row()
        _keep_row_together(added)
        fill = _TONE_FILLS.get(tone)
        for cell, value in zip(added.cells, row, strict=False):
            _cell_text(cell, value, tone="muted" if tone == "muted" else "normal")
            if fill:
                _shade_cell(cell, fill)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Twips(twips[index])
            if fixed[index]:
                _no_wrap(cell)
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(size)
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_after = Pt(2)


def _table_frame(table: Any, width: int) -> None:
    """The table's width and light grey rules (Table Grid's black ones read as a draft)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = table._tbl.tblPr
    table_width = properties.find(qn("w:tblW"))
    if table_width is None:
        table_width = OxmlElement("w:tblW")
        properties.insert_element_before(table_width, "w:jc", "w:tblInd", "w:tblBorders", "w:tblLayout", "w:tblLook")
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(width))
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", _BORDER)):
            line.set(qn(f"w:{key}"), value)
        borders.append(line)
    properties.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    margins = OxmlElement("w:tblCellMar")
    for side, size in (("top", 30), ("left", 85), ("bottom", 30), ("right", 85)):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(size))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _repeat_header(row: Any) -> None:
    """The header row is repeated at the top of every page the table runs over (``w:tblHeader``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    _keep_row_together(row)
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def _keep_row_together(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert(0, keep)


def _no_wrap(cell: _Cell) -> None:
    from docx.oxml import OxmlElement

    properties = cell._tc.get_or_add_tcPr()
    properties.insert_element_before(
        OxmlElement("w:noWrap"), "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark"
    )


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, tone: Tone = "normal") -> None:
    paragraph = cell.paragraphs[0]
    run = _color(paragraph.add_run(_clean(text)), tone)
    run.bold = bold
