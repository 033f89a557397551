"""A metric's verdict is its own: judged in a list of hundreds (the passes of `compute_attainment`, the
readings kept for that one call) it is what it is when judged alone, row, error, data gap and all.

Why: `compute_attainment` reads and judges every metric, then writes every figure, statement and result
in passes of their own (each pass keeps one part of the code hot), and a call of more than
`misreads.CACHED_METRICS` metrics keeps its readings for itself. Neither may change what a metric gets:
the same row, the same error, the same data gaps, in the same order, whatever the metrics around it.
The inputs: every entry of tests/data/attainment_corpus.jsonl, the samples' metrics, the seed figures
of benchmarks/bench_core.py and generated ones (units, scales, signs, missing fields), in zh and en.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.analysis import misreads
from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.domain.attainment import AttainmentResult, MetricInput
from fupan_mcp.i18n import Language

_DATA = Path(__file__).parent / "data" / "attainment_corpus.jsonl"
_SAMPLES = Path(__file__).parents[1] / "server" / "fupan_mcp" / "samples"
_FIELDS = ("name", "target", "actual", "baseline", "unit", "better")
_SEED: tuple[dict[str, Any], ...] = (  # the figures of benchmarks/bench_core.py METRICS
    {"name": "注册", "target": "≥2,000", "actual": "2,842", "dimension": "增长"},
    {"name": "D7留存", "target": "≥25%", "actual": "28.6%", "dimension": "增长"},
    {"name": "DAU", "target": "≥300", "actual": 318, "aggregation": "peak"},
    {"name": "GMV", "target": "≥1,500万", "actual": "1628万", "dimension": "收入"},
    {"name": "CPA", "target": "≤45元", "actual": "39.6元", "dimension": "成本与资源"},
    {"name": "新客占比", "target": "≥35%", "actual": None},
    {"name": "库存准确率", "target": "≥98%", "baseline": "93.1%", "actual": "99.2%", "unit": "%"},
    {"name": "关账周期", "target": "≤T+1", "baseline": "T+3", "actual": "T+1"},
    {"name": "订单处理时长", "target": "下降30%", "baseline": "2.8h", "actual": "1.7h", "unit": "h"},
    {"name": "激活率", "target": "+5pp", "baseline": "27.5%", "actual": "32.5%", "unit": "%"},
    {"name": "项目预算", "target": "不超过380万元", "actual": "376万元", "unit": "元"},
)
_TARGETS = (
    "≥{}",
    "≤{}",
    ">{}",
    "下降{}%",
    "提升{}%",
    "+{}pp",
    "不超过{}",
    "at least {}",
    "{}~{}",
    "持平",
    "±{}%",
    "{}",
)
_FORMS = ("{:,}", "{}", "{}%", "{}万", "{}元", "{}h", "{}亿", "{}ms", "{}天", "T+{}", "约{}", "${}")


def _generated(seed: int, count: int) -> list[dict[str, Any]]:
    """Metrics of every shape the reader takes: bare and scaled figures, units, signs, missing fields."""
    draw = random.Random(seed)

    def figure() -> str | float:
        if draw.random() < 0.3:
            return draw.choice([0.0, 318.0, 2.5e-5, 99.995, 123456789.123, -40.0, 0.1 + 0.2])
        form = draw.choice(_FORMS)
        number = draw.randint(0, 9) if form == "T+{}" else round(draw.uniform(0, 5000), draw.randint(0, 3))
        return form.format(number)

    metrics: list[dict[str, Any]] = []
    for index in range(count):
        template = draw.choice(_TARGETS)
        figures = [str(figure()).removeprefix("约") for _ in range(template.count("{}"))]
        metric: dict[str, Any] = {"name": f"m{index}{draw.choice(['', ' 留存', ' GMV', ' latency'])}"}
        metric["target"] = template.format(*figures)
        for field, share in (("actual", 0.9), ("baseline", 0.6)):
            if draw.random() < share:
                metric[field] = figure()
        if draw.random() < 0.3:
            metric["unit"] = draw.choice(["%", "元", "万元", "h", "ms", "天", "人", "pt"])
        if draw.random() < 0.1:
            metric["aggregation"] = draw.choice(["peak", "average", "total", "latest"])
        metrics.append(metric)
    return metrics


def _inputs() -> list[MetricInput]:
    corpus = [json.loads(line) for line in _DATA.read_text("utf-8").splitlines() if line.strip()]
    raw: list[dict[str, Any]] = [{"name": " ", "target": "≥1", "actual": 2}]  # blank: an error of its own, first
    raw.append({"name": "可用性", "target": "≥99.9%", "actual": "99.5%", "slo_period": "sometimes"})  # read last
    raw += [{key: entry[key] for key in _FIELDS if entry.get(key) is not None} for entry in corpus]
    for path in sorted(_SAMPLES.glob("*.json")):
        raw += json.loads(path.read_text("utf-8")).get("metrics") or []
    raw += [{**metric, "name": f"{metric['name']} #{i}"} for i in range(3) for metric in _SEED]
    raw += _generated(15, 150)
    return [MetricInput.model_validate(metric) for metric in raw]


_METRICS = _inputs()


def _alone(metric: MetricInput, index: int, language: Language) -> dict[str, Any]:
    """The metric judged alone, placed at ``index`` as in the list (a blank name's message numbers it: the
    list's is first)."""
    result = compute_attainment([metric], language).model_dump(mode="json")
    for row in result["metrics"] + result["errors"]:
        row["index"] = index
    for row in result["errors"]:
        row["path"] = row["path"].replace("metrics[0]", f"metrics[{index}]")
    for gap in result["summary"]["data_gaps"]:
        gap["path"] = gap["path"].replace("metrics[0]", f"metrics[{index}]")
    return result


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_metric_in_a_long_list_gets_what_it_gets_alone(language: Language) -> None:
    assert len(_METRICS) > misreads.CACHED_METRICS  # the big call's own readings, not the kept ones
    together = compute_attainment(_METRICS, language)
    assert isinstance(together, AttainmentResult)
    rows: list[Any] = []
    errors: list[Any] = []
    gaps: list[Any] = []
    for index, metric in enumerate(_METRICS):
        alone = _alone(metric, index, language)
        rows += alone["metrics"]
        errors += alone["errors"]
        gaps += alone["summary"]["data_gaps"]
    dumped = together.model_dump(mode="json")
    assert dumped["metrics"] == rows
    assert dumped["errors"] == errors
    assert dumped["summary"]["data_gaps"] == gaps
    statuses = {row["status"] for row in rows}
    assert statuses >= {"achieved", "not_achieved", "needs_verification", "not_evaluable"}, statuses
    assert len(errors) >= 5 and len(gaps) >= 20  # the inputs reach the error and gap paths too
    assert errors[1]["field"] == "slo_period"  # an error found once the figures are read, in input order


def test_the_statement_templates_written_by_concatenation_read_as_their_format() -> None:
    """`i18n.template_parts`: the literal parts joined around the figures are the template's ``format``;
    a template whose fields come in another order is refused, not filled in the wrong places."""
    from fupan_mcp.analysis.attainment import _P, _PART_FIELDS, _W
    from fupan_mcp.i18n import template_parts

    for language in ("zh", "en"):
        for key, fields in _PART_FIELDS.items():
            values = {field: f"<{field}·{index}>" for index, field in enumerate(fields)}
            parts = _P[language][key]  # type: ignore[index]
            written = parts[0] + "".join(values[field] + after for field, after in zip(fields, parts[1:], strict=True))
            assert written == _W[language][key].format(**values), (language, key)  # type: ignore[index]
    from fupan_mcp import numfmt

    for language, words in numfmt._WORDS.items():  # the units written around a figure
        for key, text in words.items():
            fields = ("sign", "n") if key == "yuan" else ("n",)
            parts = numfmt._PARTS[language][key]
            written = parts[0] + "".join(f"<{field}>" + after for field, after in zip(fields, parts[1:], strict=True))
            assert written == text.format(**{field: f"<{field}>" for field in fields}), (language, key)
    assert template_parts("由 {baseline} 到 {actual}", ("baseline", "actual")) == ("由 ", " 到 ", "")
    with pytest.raises(ValueError, match="in that order"):
        template_parts("{actual} from {baseline}", ("baseline", "actual"))
    with pytest.raises(ValueError, match="placeholders only"):
        template_parts("{rate:.1f}", ("rate",))


def test_the_table_cells_written_by_concatenation_read_as_tr() -> None:
    """The attainment table's change and gap cells (`report.sections`) are their templates' parts joined
    around the figures: what `tr` writes, count agreement included."""
    from fupan_mcp.i18n import counts_agree, tr
    from fupan_mcp.report.sections import _CELL_TEMPLATES, _attainment_words
    from fupan_mcp.report.strings import TEXT

    for language in ("zh", "en"):
        words = _attainment_words(language)  # type: ignore[arg-type]
        for key, fields in _CELL_TEMPLATES.items():
            values = {field: "1" if index == 0 else f"<{field}>" for index, field in enumerate(fields)}
            parts = words.parts[key]
            written = parts[0] + "".join(values[field] + after for field, after in zip(fields, parts[1:], strict=True))
            assert written == tr(TEXT, key, language, **values), (language, key)  # type: ignore[arg-type]
    assert counts_agree("{n} metrics", "en") and not counts_agree("{n} metrics", "zh")
