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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from fupan_mcp.errors import require
from fupan_mcp.i18n import tr
from fupan_mcp.report.strings import TEXT
from fupan_mcp.report.view import Block, Bullets, Heading, Paragraph, Table, Tone, Tree

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
_HEADER_FILL = "F6F8FA"
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: python-docx refuses them, so they are dropped."""


def _clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


def review_docx(built: BuiltReport, *, today: dt.date | None = None, charts: bool = True) -> bytes:
    """The report as .docx bytes. Raises `MissingExtra` without python-docx.

    ``charts`` adds the review's charts as pictures when matplotlib is installed; ``today`` marks
    overdue actions in the timeline.
    """
    require("docx", "python-docx (needed for the Word export)")
    import docx
    from docx.shared import Cm

    pictures = _charts(built, today) if charts else {}
    document = docx.Document()
    _setup(document, built)
    doc = built.document
    document.add_heading(_clean(doc.title), level=0)
    for label, value in doc.meta:
        paragraph = document.add_paragraph()
        paragraph.add_run(_clean(label) + doc.colon).bold = True
        paragraph.add_run(_clean(value))
    summary = document.add_paragraph()
    _shade_paragraph(summary, _HEADER_FILL)
    summary.add_run(_clean(doc.summary)).italic = True
    for section in doc.sections:
        document.add_heading(f"{section.number}. {_clean(section.title)}", level=1)
        for chart in pictures.get(section.id, ()):
            assert isinstance(chart.data, bytes)
            document.add_picture(io.BytesIO(chart.data), width=Cm(16))
            caption = document.add_paragraph(_clean(chart.caption), style=_style(document, "Caption"))
            caption.paragraph_format.space_after = Cm(0.3)
        for block in section.blocks:
            _block(document, block, doc.colon)
    footer = document.add_paragraph()
    _color(footer.add_run(_clean(doc.footer)), "muted").italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _charts(built: BuiltReport, today: dt.date | None) -> dict[str, list[ReviewChart]]:
    from fupan_mcp.report import charts

    if not charts.available():
        return {}
    by_section: dict[str, list[ReviewChart]] = {}
    for chart in charts.review_charts(built.analysis, built.review, "png", language=built.language, today=today):
        by_section.setdefault(chart.section, []).append(chart)
    return by_section


# --------------------------------------------------------------------------- page and styles


def _setup(document: DocxDocument, built: BuiltReport) -> None:
    from docx.shared import Cm, Pt

    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Caption", "List Bullet", "List Bullet 2"):
        if name in [style.name for style in styles]:
            _fonts(styles[name])
    properties = document.core_properties
    properties.title = _clean(built.title)[:255]
    properties.subject = _clean(built.review.project)[:255]
    properties.author = "fupan-mcp"
    properties.language = tr(TEXT, "locale", built.language)
    properties.comments = ""


def _fonts(style: Any) -> None:
    from docx.oxml.ns import qn

    style.font.name = _LATIN_FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:eastAsiaTheme", "w:asciiTheme", "w:hAnsiTheme"):
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


def _shade_paragraph(paragraph: Any, fill: str) -> None:
    paragraph._p.get_or_add_pPr().append(_shading(fill))


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
        if item.label:
            _color(paragraph.add_run(_clean(item.label) + (colon if item.text else "")), item.tone).bold = True
        _color(paragraph.add_run(_clean(item.text)), item.tone)
        for child in item.children:
            document.add_paragraph(_clean(child), style=nested)


def _table(document: DocxDocument, block: Table) -> None:
    from docx.shared import Pt

    table = document.add_table(rows=1, cols=len(block.headers))
    grid = _style(document, "Table Grid")
    if grid:
        table.style = grid
    for cell, header in zip(table.rows[0].cells, block.headers, strict=True):
        _cell_text(cell, header, bold=True)
        _shade_cell(cell, _HEADER_FILL)
    tones: Sequence[Tone] = block.tones or ["normal"] * len(block.rows)
    for row, tone in zip(block.rows, tones, strict=False):
        cells = table.add_row().cells
        fill = _TONE_FILLS.get(tone)
        for cell, value in zip(cells, row, strict=False):
            _cell_text(cell, value, tone="muted" if tone == "muted" else "normal")
            if fill:
                _shade_cell(cell, fill)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    document.add_paragraph()


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, tone: Tone = "normal") -> None:
    paragraph = cell.paragraphs[0]
    run = _color(paragraph.add_run(_clean(text)), tone)
    run.bold = bold
