"""The presentation wing: tool text and report from the same blocks, action urgency, string tables."""

from __future__ import annotations

import ast
import datetime as dt
import io
import json
import re
import string
from pathlib import Path

import pytest

from fupan_mcp import ui
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.review import Audience
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report import formatting as fmt
from fupan_mcp.report.docx import review_docx
from fupan_mcp.report.render import BuiltReport, build_report, render_built, render_report
from fupan_mcp.report.sections import READER_QUESTIONS, urgency_order
from fupan_mcp.report.strings import TEXT
from fupan_mcp.report.view import Bullets, Heading, Table
from fupan_mcp.samples import SAMPLES, load_sample


def test_most_urgent_orders_by_status_overdue_priority_then_due() -> None:
    day = dt.date(2025, 6, 1)
    items = [
        ActionItem(action="完成 A", status="done", priority="P0", due=day),  # 0: done, never urgent
        ActionItem(action="推进 B", status="in_progress", priority="P0", due=day),  # 1
        ActionItem(action="启动 C", status="open", priority="P2", due=day),  # 2
        ActionItem(action="启动 D", status="open", priority="P1", due=dt.date(2025, 7, 1)),  # 3
        ActionItem(action="启动 E", status="open", priority="P1", due=dt.date(2025, 6, 15)),  # 4
        ActionItem(action="启动 F", status="open", priority="P3", due=day),  # 5: overdue
        ActionItem(action="放弃 G", status="wont_do", priority="P0", due=day),  # 6: won't do, never urgent
        ActionItem(action="启动 H", status="open"),  # 7: no priority, no date
    ]
    overdue = [i == 5 for i in range(len(items))]
    # open first (overdue F, then P1 by date E before D, then P2 C, then H without priority), then in progress B
    assert urgency_order(items, overdue) == [5, 4, 3, 2, 7, 1]


def test_a_brief_report_lists_the_overdue_open_actions_first_and_says_so() -> None:
    review = {**load_sample("midyear_campaign"), "review_date": "2025-07-20"}  # overdue is as of the review
    built = build_report(review, "brief", audience="reader", today=dt.date(2031, 1, 1))
    actions = next(s for s in built.document.sections if s.id == "actions")
    table = next(b for b in actions.blocks if isinstance(b, Table))
    status = table.headers.index("状态")
    # as of the review on 2025-07-20 MC-A6 (P1, due 07-15) and MC-A7 (P2, due 07-07) are overdue: they lead,
    # by priority, before
    # the P0 MC-A1 (due 07-30); then P1 by due date (A4, A5 on 08-29 in input order); A2 (no date) and A3 (P2) drop out
    assert [(row[0], row[status]) for row in table.rows] == [
        ("6", "未开始（已逾期）"),
        ("7", "未开始（已逾期）"),
        ("1", "未开始"),
        ("4", "未开始"),
        ("5", "未开始"),
    ]
    # as of the sample's own date nothing is overdue, whatever today is
    assert (
        "已逾期"
        not in render_report(load_sample("midyear_campaign"), "html", "brief", today=dt.date(2031, 1, 1)).content
    )


# --------------------------------------------------------------------------- string tables

SERVER = Path(__file__).resolve().parents[1] / "server" / "fupan_mcp"
TABLE_NAMES = frozenset({"TEXT", "_TEXT", "VIEW_TEXT"})
"""The names string tables are assigned to: one per module, one per layer in report/ and ui/."""


def _tables() -> list[tuple[str, ast.Dict]]:
    found = []
    for path in sorted(SERVER.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            target = node.target if isinstance(node, ast.AnnAssign) else None
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            value = getattr(node, "value", None)
            if isinstance(target, ast.Name) and target.id in TABLE_NAMES and isinstance(value, ast.Dict):
                found.append((f"{path.relative_to(SERVER)}:{target.id}", value))
    return found


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_table_entry_has_zh_and_en_and_is_defined_once() -> None:
    tables = _tables()
    assert {name for name, _ in tables} >= {"report/strings.py:TEXT", "ui/words.py:VIEW_TEXT"}
    problems: list[str] = []
    for name, table in tables:
        seen: set[str] = set()
        for key_node, value in zip(table.keys, table.values, strict=True):
            if key_node is None:  # ``**other``: checked where that table is defined
                continue
            assert isinstance(key_node, ast.Constant) and isinstance(key_node.value, str), name
            key = key_node.value
            if key in seen:
                problems.append(f"{name}: {key!r} defined twice")
            seen.add(key)
            entry = ast.literal_eval(value)
            if set(entry) != {"zh", "en"} or not all(isinstance(v, str) and v for v in entry.values()):
                problems.append(f"{name}: {key!r} needs a non-empty zh and en, has {sorted(entry)}")
            elif _placeholders(entry["zh"]) != _placeholders(entry["en"]):
                problems.append(f"{name}: {key!r} zh and en fill different placeholders")
    assert problems == []


_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_ASCII_BESIDE_CJK = re.compile(
    rf"(?<=[{_CJK}])[:;,?!()]|[:;,?!(](?=[{_CJK}])|(?<=\}})[:;,](?=\s*[{_CJK}])|\((?=[^()]*[{_CJK}][^()]*\))"
)


def _zh_values() -> list[tuple[str, str, str]]:
    """Every ``"zh": ...`` string literal in the server (string tables and the analyses' messages),
    with its English sibling."""
    found = []
    for path in sorted(SERVER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Dict):
                continue
            texts = {
                key.value: value.value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and isinstance(value, ast.Constant) and isinstance(value.value, str)
            }
            if "zh" in texts:
                found.append((f"{path.relative_to(SERVER)}:{node.lineno}", texts["zh"], texts.get("en", "")))
    return found


def _without_syntax(zh: str, en: str) -> str:
    """``zh`` without the placeholders and the syntax a user types ('SO:', 'better: higher'), which
    is the same in both languages."""
    frame = re.sub(r"\{[^{}]*\}", "", zh)
    return "".join(part for part in re.split(r"([\w.-]+:)", frame) if part not in en)


def test_chinese_text_uses_chinese_punctuation() -> None:
    """zh output writes ：，；（） beside Chinese words, never the ASCII marks a translation leaves."""
    values = _zh_values()
    assert len(values) > 500
    offenders = [
        f"{place}: {zh[:60]!r}" for place, zh, en in values if _ASCII_BESIDE_CJK.search(_without_syntax(zh, en))
    ]
    # the string tables' frames too: '{section}：{text}', '（{inner}）' (examples of a format are left as they are)
    for _, table in _tables():
        for value in table.values:
            if value is None:
                continue
            entry = ast.literal_eval(value)
            frame = _without_syntax(entry["zh"], entry["en"])
            if re.search(r"[:;]|\([^)]*\)|(?<!\d),|,(?!\d)", frame) and not re.search(r"[\"=]|://|\d:\d", entry["zh"]):
                offenders.append(f"frame: {entry['zh'][:60]!r}")
    assert offenders == []


def test_the_presentation_layers_have_one_table_each() -> None:
    names = [name for name, _ in _tables()]
    assert [n for n in names if n.startswith("report/")] == ["report/strings.py:TEXT"]
    assert [n for n in names if n.startswith("ui/")] == ["ui/words.py:VIEW_TEXT"]


def test_no_code_forks_on_the_language_outside_i18n() -> None:
    fork = re.compile(r"""\blang(?:uage)?\s*[!=]=\s*["'](?:zh|en)["']|["'](?:zh|en)["']\s*[!=]=\s*\w*lang""")
    offenders = [
        f"{path.relative_to(SERVER)}:{number}"
        for path in sorted(SERVER.rglob("*.py"))
        if path.name != "i18n.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if fork.search(line)
    ]
    assert offenders == []


def test_the_view_holds_no_words_of_its_own() -> None:
    page = (SERVER / "ui" / "report.html").read_text(encoding="utf-8")
    script = page[page.index("<script>") :]
    assert "已达成" not in script and 'achieved: "achieved"' not in script
    assert 'state.lang === "zh"' not in script
    served = ui.html()
    words = json.loads(served.split('id="fupan-words">', 1)[1].split("</script>", 1)[0])
    assert words["zh"]["achieved"] == "已达成" and words["en"]["achieved"] == "achieved"
    assert set(words["zh"]) == set(words["en"])


# --------------------------------------------------------------------------- two readers

PATH_LIKE = re.compile(
    r"\b[a-z_]+(?:\[\d+\])+(?:\.[a-z_]+)*|\b(?:kpi_tree|five_whys|swot|metrics|actions|risks)\.[a-z_]+"
)


def _docx_text(built: BuiltReport) -> str:
    """Every word a reader sees in the Word export: paragraphs, table cells, header and footer."""
    docx = pytest.importorskip("docx", reason="the Word export needs the optional 'export' extra")
    document = docx.Document(io.BytesIO(review_docx(built, charts=False)))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    for section in document.sections:
        texts += [paragraph.text for paragraph in (*section.header.paragraphs, *section.footer.paragraphs)]
    return "\n".join(texts)


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("format", ["markdown", "html", "docx"])
def test_the_readers_report_holds_no_code_and_no_path(name: str, language: Language, format: str) -> None:
    built = build_report(load_sample(name), "full", language, audience="reader")
    found = {f.code for f in built.analysis.findings} | {g.field for g in built.analysis.data_gaps}
    codes = {code for code in found if "_" in code}  # 'missing_leaf'; a code like 'overdue' is also a word
    content = _docx_text(built) if format == "docx" else render_built(built, format).content  # type: ignore[arg-type]
    if name in ("b2b_mvp", "midyear_campaign", "erp_wms", "shakespeare_outage"):
        assert built.analysis.findings  # these samples do have findings: the test is not empty
    assert [code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", content)] == []
    assert PATH_LIKE.findall(content) == []
    assert tr(TEXT, "section.gaps_reader", language) in content
    prose = re.sub(r"```.*?```", "", content, flags=re.S)  # diagrams travel as fenced blocks
    assert "`" not in prose  # field names marked for the author read as plain words here
    assert tr(TEXT, "findings.title", language) not in content


def test_the_authors_report_keeps_every_finding_with_its_code_and_place() -> None:
    built = build_report(load_sample("midyear_campaign"), "full", audience="author")
    content = render_built(built, "markdown").content
    assert "| kpi_tree.nodes[1].actual |" in content and tr(TEXT, "findings.title", "zh") in content
    assert all(f.code in content for f in built.analysis.findings)


def test_the_reader_gets_open_questions_phrased_for_people() -> None:
    built = build_report(load_sample("midyear_campaign"), "standard", "en", audience="reader")
    gaps = next(s for s in built.document.sections if s.id == "gaps")
    assert gaps.title == "Appendix: open questions and data gaps"
    heading = next(i for i, b in enumerate(gaps.blocks) if isinstance(b, Heading) and b.text == "Open questions")
    questions = gaps.blocks[heading + 2]
    assert isinstance(questions, Bullets)
    assert 0 < len(questions.items) <= READER_QUESTIONS
    warnings = {f.message for f in built.analysis.findings if f.severity != "info" and f.code != "section_failed"}
    assert all(any(message in item.text for message in warnings) for item in questions.items)


def test_render_report_defaults_to_the_reader_for_html_and_the_author_for_markdown() -> None:
    review = load_sample("b2b_mvp")
    assert render_report(review, "html").audience == "reader"
    assert render_report(review, "markdown").audience == "author"
    assert render_report(review, "markdown", audience="reader").audience == "reader"


EMOJI = re.compile("[\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff\ufe0f]")
"""Pictographs that turn into identical boxes where no emoji font is installed."""


@pytest.mark.parametrize("audience", ["reader", "author"])
def test_status_is_written_in_words_not_emoji(audience: Audience) -> None:
    for name in SAMPLES:
        for language in ("zh", "en"):
            built = build_report(load_sample(name), "full", language, audience=audience)  # type: ignore[arg-type]
            for format in ("markdown", "html"):
                content = render_built(built, format).content  # type: ignore[arg-type]
                assert EMOJI.findall(content) == [], (name, language, format)
    assert EMOJI.findall(json.dumps(TEXT, ensure_ascii=False)) == []


def test_the_view_keeps_the_findings_behind_a_toggle() -> None:
    built = build_report(load_sample("midyear_campaign"), "standard", audience="reader")
    view = ui.review_view(built, dt.date(2025, 7, 5))
    listed = view["finding_list"]
    assert len(listed) == len(built.analysis.findings) > 0
    assert {"code", "path", "message", "severity", "section_title"} <= set(listed[0])
    page = ui.html()
    assert 'h("details", { class: "findings" }' in page  # closed by default: a toggle, not the body


# --------------------------------------------------------------------------- layers and figures


def test_the_analyses_and_the_domain_import_nothing_from_the_report() -> None:
    """The pure core sits below the presentation: it quotes figures through `numfmt`, not `report`."""
    offenders = []
    for folder in ("analysis", "domain"):
        for path in sorted((SERVER / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                if any(name.startswith(("fupan_mcp.report", "fupan_mcp.ui", "fupan_mcp.app")) for name in names):
                    offenders.append(f"{path.relative_to(SERVER)}:{node.lineno}")
    assert offenders == []


def test_a_statement_and_the_table_round_a_figure_alike() -> None:
    """ERP 订单处理时长: 2.8 h → 1.7 h is -1.1 / 2.8 = -39.2857 %, progress 39.2857 / 30 = 130.95 %."""
    for language, down in (("zh", "下降 39.3%"), ("en", "down 39.3%")):
        built = build_report(load_sample("erp_wms"), "standard", language, audience="reader")
        content = render_built(built, "markdown").content
        (metric,) = [m for m in built.analysis.attainment.metrics if m.name == "订单处理时长"]  # type: ignore[union-attr]
        assert fmt.percent(abs(metric.change_rel)) == "39.3%" and fmt.percent(metric.attainment_rate) == "131%"  # type: ignore[arg-type]
        row = next(line for line in content.splitlines() if line.startswith("| 订单处理时长 |"))
        assert down in row and "| 131% |" in row
        assert down in metric.statement and "131%" in metric.statement
        assert "39.29" not in content and "131.0%" not in content


@pytest.mark.parametrize(
    ("value", "unit", "computed", "zh", "en"),
    [
        (9.3e9, "USD", False, "$93亿", "$9.3B"),  # 'USD', '$' and '美元' are one currency
        (9.3e9, "美元", False, "$93亿", "$9.3B"),
        (9_299_401_200, "$", True, "$92.994亿", "$9.299B"),  # a formula's value: three decimals below 100
        (72_726_000, "元", False, "7,272.6万元", "¥72.726M"),  # exact in three decimals: scaled
        (376, "万元", False, "376万元", "¥3.76M"),  # a unit with a magnitude is composed once
        (12_000, "万元", False, "1.2亿元", "¥120M"),
        (11_880, None, False, "1.188万", "11,880"),
        (16_281_234, "元", False, "16,281,234元", "¥16,281,234"),  # not exact in 万 or M: every digit
        (61e6, "people", False, "6,100万 people", "61M people"),
        (1.7, "h", False, "1.7小时", "1.7 hours"),
        (1, "hours", False, "1小时", "1 hour"),
        (66, "min", False, "66分钟", "66 minutes"),
        (1.2, "pp", False, "1.2 个百分点", "1.2 pp"),
        (88, "x", False, "88×", "88×"),
        (3.4, None, True, "3.40", "3.40"),
        (0.004, "元", True, "0.004元", "¥0.004"),  # a computed figure that is not 0 never reads 0
        (923.65, "人", True, "924人", "924人"),
    ],
)
def test_one_formatter_writes_a_figure_for_the_tables_and_the_statements(
    value: float, unit: str | None, computed: bool, zh: str, en: str
) -> None:
    assert fmt.quantity(value, unit, "zh", computed=computed) == zh
    assert fmt.quantity(value, unit, "en", computed=computed) == en


def test_the_statement_and_the_table_write_the_same_amount() -> None:
    """BFCM sales of 9.3B USD: the attainment row, its statement and the KPI tree all write $9.3B / $93亿."""
    for language, shown in (("zh", "$93亿"), ("en", "$9.3B")):
        built = build_report(load_sample("bfcm_campaign"), "full", language, audience="reader")  # type: ignore[arg-type]
        content = render_built(built, "markdown").content
        row = next(line for line in content.splitlines() if line.startswith("| Weekend sales | >"))
        (metric,) = [m for m in built.analysis.attainment.metrics if m.name == "Weekend sales"]  # type: ignore[union-attr]
        reported = tr(TEXT, "kpi.reported_computed", language, reported=shown, computed="")
        assert f"| {shown} |" in row and shown in metric.statement.split(",")[0].split("，")[0]
        assert reported.split("/")[0] in content
        assert "9,300,000,000" not in content


@pytest.mark.parametrize("name", SAMPLES)
def test_every_rate_in_a_statement_is_the_tables_rate(name: str) -> None:
    for language in ("zh", "en"):
        built = build_report(load_sample(name), "full", language, audience="reader")  # type: ignore[arg-type]
        if built.analysis.attainment is None:
            continue
        for metric in built.analysis.attainment.metrics:
            shown = re.findall(r"-?[\d,]+(?:\.\d+)?%", metric.statement)
            if metric.attainment_rate is not None and metric.status in ("achieved", "not_achieved"):
                assert fmt.percent(metric.attainment_rate) in shown, (metric.name, metric.statement)
            evaluated = metric.status in ("achieved", "not_achieved")
            if evaluated and metric.change_rel is not None and metric.change_pp is None and metric.change_abs:
                assert fmt.percent(abs(metric.change_rel)) in shown, (metric.name, metric.statement)


# --------------------------------------------------------------------------- markdown that pastes cleanly

_FENCE = re.compile(r"^(```|~~~)")
_RAW_HTML = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*[\s/>]|/[A-Za-z]|!--)")
_PIPE = re.compile(r"(?<!\\)\|")


@pytest.mark.parametrize("name", SAMPLES)
@pytest.mark.parametrize("audience", ["reader", "author"])
def test_markdown_is_plain_gfm_that_pastes_into_confluence_notion_and_feishu(name: str, audience: Audience) -> None:
    """No raw HTML anywhere (the editors drop or show it), every table a GFM table: a header row, a
    delimiter row, and the same number of cells in each row (pipes inside a cell escaped)."""
    for language in ("zh", "en"):
        built = build_report(load_sample(name), "full", language, audience=audience)  # type: ignore[arg-type]
        lines = render_built(built, "markdown").content.splitlines()
        fenced = False
        tables = 0
        for number, line in enumerate(lines):
            if _FENCE.match(line):
                fenced = not fenced
                continue
            if fenced:
                continue
            assert not _RAW_HTML.search(line), (name, language, line)
            if line.startswith("|") and (number == 0 or not lines[number - 1].startswith("|")):
                tables += 1
                cells = len(_PIPE.findall(line)) - 1
                assert cells >= 1 and line.rstrip().endswith("|")
                assert re.fullmatch(r"\|(?:\s*:?-{3,}:?\s*\|)+", lines[number + 1]), lines[number + 1]
                assert len(_PIPE.findall(lines[number + 1])) - 1 == cells
                assert number == 0 or lines[number - 1].strip() == ""  # a blank line before the table
                row = number + 2
                while row < len(lines) and lines[row].startswith("|"):
                    assert len(_PIPE.findall(lines[row])) - 1 == cells, (name, language, lines[row])
                    row += 1
        assert not fenced
        assert tables > 0 or name == "shakespeare_outage"


def test_short_cells_stay_on_one_line_in_the_html_report() -> None:
    """The postmortem's error-budget rate (43.2 / 66 = 65.5%) and its status are never broken over two lines."""
    built = build_report(load_sample("shakespeare_outage"), "standard", "en", audience="reader")
    content = render_built(built, "html").content
    assert '<td class="short">65.5%</td>' in content
    assert '<td class="short">not achieved</td>' in content
    assert "<td>65.5%</td>" not in content


@pytest.mark.parametrize(
    ("target", "actual", "zh", "en"),
    [
        ("≤ 200ms", "260ms", "超出上限 60毫秒", "over the limit by 60 ms"),  # a ceiling passed: over it, not short
        ("≤ 200ms", "180ms", "优于目标 20毫秒", "better by 20 ms"),
        ("8%-10%", "12%", "超出区间 2 个百分点", "outside the range by 2 pp"),  # above a range is not 'short'
        ("8%-10%", "7%", "超出区间 1 个百分点", "outside the range by 1 pp"),
        ("8%-10%", "9%", "在区间内", "inside the range"),
        ("= 30天", "33天", "偏离 3天", "off by 3 days"),
        ("≥ 40", "36", "距目标差 4", "short by 4"),
    ],
)
def test_the_gap_cell_says_which_side_of_the_target_the_actual_is(target: str, actual: str, zh: str, en: str) -> None:
    from fupan_mcp.analysis.attainment import compute_attainment
    from fupan_mcp.domain.attainment import MetricInput
    from fupan_mcp.report.tool_text import attainment_text

    metric = MetricInput(name="m", target=target, actual=actual)
    for language, cell in (("zh", zh), ("en", en)):
        text = attainment_text(compute_attainment([metric], language))  # type: ignore[arg-type]
        row = next(line for line in text.splitlines() if line.startswith("| m |"))
        assert row.split(" | ")[6] == cell, row


def test_english_counts_agree_with_one() -> None:
    """A count of one takes the singular noun (and verb) of the template; a value is never rewritten."""
    from fupan_mcp.i18n import tr

    table = {
        "k": {
            "zh": "{n} 项指标",
            "en": "{n} metrics, {m} rows are open, {c} root causes, in {r} earlier reviews, target '{t}'",
        }
    }
    assert tr(table, "k", "en", n=1, m="1", c=1, r=1, t="1 days") == (
        "1 metric, 1 row is open, 1 root cause, in 1 earlier review, target '1 days'"
    )
    assert tr(table, "k", "en", n=11, m="2", c=0, r=21, t="x") == (
        "11 metrics, 2 rows are open, 0 root causes, in 21 earlier reviews, target 'x'"
    )
    assert tr(table, "k", "zh", n=1) == "1 项指标"


@pytest.mark.parametrize(
    ("fraction", "signed", "shown"),
    [
        (0.392857, False, "39.3%"),  # one decimal from 10 % up
        (0.392857, True, "+39.3%"),
        (0.1, False, "10%"),  # 10.000000000000002: one decimal, its zero dropped
        (0.0999, False, "9.99%"),  # below 10 %: two decimals
        (0.9993, False, "99.9%"),
        (0.99945, False, "99.9%"),  # 99.945 may round to 100.0: kept below the edge
        (0.9995, False, "99.9%"),
        (1.0004, False, "100.1%"),  # 100.04 rounds to 100.0: kept above the edge
        (1.0007, False, "100.1%"),
        (1.3095, False, "131%"),
        (13.0, False, "1,300%"),
        (12345.678, False, "1,234,567.8%"),
        (-0.392857, False, "-39.3%"),
    ],
)
def test_percent_rounds_to_one_decimal_from_ten_and_never_across_an_edge(
    fraction: float, signed: bool, shown: str
) -> None:
    """The percents of attainment rates and closure rates, on either side of where rounding could cross
    100 % (the common case and the guarded one give the same figure there)."""
    assert fmt.percent(fraction, signed=signed) == shown
