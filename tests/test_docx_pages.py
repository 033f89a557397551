"""The Word export as a reader gets it: its structure in the file, and its pages laid out by LibreOffice.

The structure tests read the .docx with python-docx (the ``export`` extra). The page tests convert
the B2B sample in Chinese and in English to PDF with LibreOffice in one start (it is slow to start),
then to PNG pages with pdftoppm and to text with pdftotext (Debian: ``libreoffice-writer-nogui``,
``poppler-utils``; `.ci/services.sh` installs them). Without LibreOffice they are skipped, except in
CI (``CI=true``), where a skip would hide a broken export: there they fail.
The PDFs and PNGs land in out/docx-pages/ (git-ignored) to be looked at.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from fupan_mcp.i18n import Language
from fupan_mcp.report.docx import column_widths, review_docx
from fupan_mcp.report.render import BuiltReport, build_report
from fupan_mcp.report.view import text_width
from fupan_mcp.samples import load_sample

docx = pytest.importorskip("docx", reason="the Word export needs the optional 'export' extra")

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT / "out" / "docx-pages"
TODAY = dt.date(2025, 7, 5)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


def built(language: Language, name: str = "b2b_mvp") -> BuiltReport:
    return build_report(load_sample(name), "standard", language, audience="reader", today=TODAY)


def document_xml(data: bytes, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(part).decode("utf-8")


# --------------------------------------------------------------------------- the file


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_table_repeats_its_header_and_keeps_dates_on_one_line(language: Language) -> None:
    report = built(language)
    document = docx.Document(io.BytesIO(review_docx(report, today=TODAY, charts=False)))
    assert document.tables
    date = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    dated_cells = 0
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.find(f"{W}trPr/{W}tblHeader") is not None  # repeated on every page it runs over
        assert table._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
        for row in table.rows[1:]:
            for cell in row.cells:
                if date.match(cell.text):
                    dated_cells += 1
                    assert cell._tc.tcPr.find(f"{W}noWrap") is not None, cell.text
    assert dated_cells > 5  # the phases' starts and ends, the actions' due dates


@pytest.mark.parametrize("language", ["zh", "en"])
def test_no_run_is_italic_and_cjk_has_an_east_asian_font(language: Language) -> None:
    data = review_docx(built(language), today=TODAY, charts=False)
    body, styles = document_xml(data), document_xml(data, "word/styles.xml")
    assert "<w:i/>" not in body and '<w:i w:val="1"/>' not in body and '<w:i w:val="true"/>' not in body
    assert CJK.search(body)  # the zh report, and the en one's Chinese names of people's roles
    normal = re.search(r'<w:style [^>]*w:styleId="Normal".*?</w:style>', styles, re.S)
    assert normal and 'w:eastAsia="Microsoft YaHei"' in normal.group(0)
    for style_id in ("Title", "Heading1", "Heading2"):
        style = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', styles, re.S)
        assert style and "<w:i/>" not in style.group(0) and 'w:eastAsia="Microsoft YaHei"' in style.group(0)
    lang = {"zh": 'w:val="zh-CN"', "en": 'w:val="en-US"'}[language]
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)
    tag = re.search(r"<w:lang [^>]*>", defaults.group(0) if defaults else "")
    assert tag and lang in tag.group(0) and 'w:eastAsia="zh-CN"' in tag.group(0)


def test_document_properties_come_from_the_review_not_the_clock() -> None:
    data = review_docx(built("zh"), today=TODAY, charts=False)
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert properties.title == "B2B 协作工具 MVP 复盘"
    assert properties.subject == "B2B 协作工具 MVP"
    assert properties.author == "B2B 协作工具 MVP 项目组"
    assert properties.language == "zh-CN"
    review_day = dt.datetime(2025, 6, 5, tzinfo=dt.timezone.utc)  # the sample's review_date
    assert properties.created == properties.modified == review_day
    header = docx.Document(io.BytesIO(data)).sections[0].header.paragraphs[0].text
    assert header == "B2B 协作工具 MVP · 复盘 · 2025-06-05"


def test_a_review_without_dates_is_dated_by_today() -> None:
    review = {"project": "无日期项目", "language": "zh"}
    report = build_report(review, "brief", "zh", audience="reader", today=TODAY)
    properties = docx.Document(io.BytesIO(review_docx(report, today=TODAY, charts=False))).core_properties
    assert properties.created == dt.datetime(2025, 7, 5, tzinfo=dt.timezone.utc)


def test_column_widths_keep_short_columns_whole_and_share_the_rest() -> None:
    headers = ("#", "行动", "截止", "状态")
    rows = (("1", "优化激活路径:首登引导、空状态可操作、一键邀请与模板库" * 2, "2025-07-17", "未开始"),)
    widths, fixed = column_widths(headers, rows, (), 100)
    assert fixed == [True, False, True, True]
    assert widths[0] == 2  # '#' and '1' are one half-em wide; no column is narrower than two
    assert widths[2] == 10 and widths[3] == text_width("未开始") == 6
    assert widths[1] == 100 - widths[0] - 10 - 6  # the text column takes what is left
    narrow, _ = column_widths(("指标", "说明"), (("DAU", "短"),), (), 100)
    assert narrow == [50, 50]  # only short columns: they share the page by their widths (4 and 4)


# --------------------------------------------------------------------------- the pages


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext")
IN_CI = os.environ.get("CI") == "true"
needs_libreoffice = pytest.mark.skipif(
    not (SOFFICE and POPPLER) and not IN_CI,
    reason="LibreOffice or poppler-utils not found (Debian: apt-get install libreoffice-writer-nogui poppler-utils)",
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, list[str], list[Path]]]:
    """zh and en of the B2B sample through LibreOffice once: each page's text and its PNG, by language."""
    if not (SOFFICE and POPPLER):  # pragma: no cover - only a CI image without them gets here
        pytest.fail("CI must render the Word export: .ci/services.sh installs libreoffice-writer-nogui, poppler-utils")
    work = tmp_path_factory.mktemp("docx-pages")
    PAGES.mkdir(parents=True, exist_ok=True)
    sources = []
    for language in ("zh", "en"):
        source = work / f"b2b-{language}.docx"
        source.write_bytes(review_docx(built(language), today=TODAY))
        sources.append(str(source))
    profile = (work / "profile").as_uri()
    command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", str(work)]
    subprocess.run([*command, *sources], check=True, capture_output=True, timeout=300)
    result: dict[str, tuple[str, list[str], list[Path]]] = {}
    for language in ("zh", "en"):
        pdf = work / f"b2b-{language}.pdf"
        shutil.copy(pdf, PAGES / pdf.name)
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
        per_page = text.stdout.decode("utf-8").split("\f")
        per_page = [page for page in per_page if page.strip()]
        prefix = PAGES / f"b2b-{language}"
        for old in PAGES.glob(f"b2b-{language}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True, timeout=120)
        pngs = sorted(PAGES.glob(f"b2b-{language}-*.png"))
        result[language] = (text.stdout.decode("utf-8"), per_page, pngs)
    return result


@needs_libreoffice
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_pages_carry_headings_contents_header_and_page_numbers(
    pages: dict[str, tuple[str, list[str], list[Path]]], language: Language
) -> None:
    text, per_page, pngs = pages[language]
    count = len(per_page)
    assert count > 1 and len(pngs) == count
    report = built(language)
    flat = " ".join(text.split())
    for section in report.document.sections:
        assert f"{section.number}. {section.title}" in flat
    footer = {"zh": "第 {n} 页 / 共 {m} 页", "en": "Page {n} of {m}"}[language]
    header = {"zh": "B2B 协作工具 MVP · 复盘 · 2025-06-05", "en": "B2B 协作工具 MVP · review · 2025-06-05"}[language]
    for number, page in enumerate(per_page, start=1):
        assert footer.format(n=number, m=count) in " ".join(page.split())
        assert header in " ".join(page.split())
    # the contents give each section's page: the page where its heading is set
    for section in report.document.sections:
        heading = f"{section.number}. {section.title}"
        entry = re.search(re.escape(heading) + r"\s*\.{3,}\s*(\d+)", per_page[0])
        assert entry, heading
        listed = int(entry.group(1))
        body = [n for n, page in enumerate(per_page, start=1) if re.search(rf"(?m)^\s*{re.escape(heading)}\s*$", page)]
        assert listed in body, (heading, listed, body)


@needs_libreoffice
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_pages_are_not_blank(pages: dict[str, tuple[str, list[str], list[Path]]], language: Language) -> None:
    from PIL import Image

    for png in pages[language][2]:
        with Image.open(png) as image:
            grey = image.convert("L")
            dark = sum(grey.histogram()[:160])
            assert dark > 0.003 * grey.width * grey.height, png.name  # text, not an empty sheet
            assert image.size[0] < image.size[1]  # A4 portrait
