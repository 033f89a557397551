"""Metrics as people write them (tests/data/attainment_corpus.jsonl): name, target, actual, baseline and unit,
each with its verdict worked out by hand: status, attainment rate, unit and flags.

The principle: a misread that is reported is a nuisance; a misread stated as a verdict is a defect. So an
entry whose reading cannot be settled expects ``needs_verification`` with a flag, and its statement must
name the field in doubt, in both languages.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.analysis.targets import TargetError, parse_target
from fupan_mcp.domain.attainment import MetricInput, MetricResult

CORPUS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "attainment_corpus.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]
JUDGED = [entry for entry in CORPUS if "error" not in entry["expect"]]
REFUSED = [entry for entry in CORPUS if "error" in entry["expect"]]
_FIELDS = ("name", "target", "actual", "baseline", "unit", "better")
_FIELD_WORDS = {"zh": {"target": "目标", "actual": "实际值", "baseline": "基线"}, "en": {}}


def _id(entry: dict[str, Any]) -> str:
    return f"{entry['name']}|{entry['target']}|{entry['actual']}|{entry['baseline'] or ''}|{entry['unit'] or ''}"


def _judge(entry: dict[str, Any], language: str) -> MetricResult:
    metric = MetricInput(**{key: entry[key] for key in _FIELDS if entry.get(key) is not None})
    result = compute_attainment([metric], language)  # type: ignore[arg-type]
    assert not result.errors, result.errors[0].message
    return result.metrics[0]


def test_the_corpus_covers_both_languages_and_names_its_sources() -> None:
    assert len(CORPUS) >= 80
    assert len({_id(entry) for entry in CORPUS}) == len(CORPUS), "duplicate entries"
    assert all(entry["source"] for entry in CORPUS)
    assert sum(entry["source"].startswith("web:") for entry in CORPUS) >= 20
    chinese = [entry for entry in CORPUS if any("\u4e00" <= ch <= "\u9fff" for ch in entry["name"] + entry["target"])]
    assert 20 <= len(chinese) <= len(CORPUS) - 20
    statuses = {entry["expect"]["status"] for entry in JUDGED}
    assert statuses >= {"achieved", "not_achieved", "needs_verification"}
    assert sum(entry["expect"]["date"] for entry in REFUSED) >= 5


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("entry", JUDGED, ids=_id)
def test_every_metric_gets_its_hand_computed_verdict(entry: dict[str, Any], language: str) -> None:
    expected = entry["expect"]
    result = _judge(entry, language)
    assert result.status == expected["status"], result.statement
    if expected["rate"] is None:
        assert result.attainment_rate is None, result.statement
    else:
        assert result.attainment_rate == pytest.approx(expected["rate"], rel=1e-9), result.statement
    assert result.unit == expected["unit"], result.statement
    assert result.flags == expected["flags"], result.statement


@pytest.mark.parametrize("entry", REFUSED, ids=_id)
def test_a_refused_metric_names_its_field_and_why_in_both_languages(entry: dict[str, Any]) -> None:
    """A date or deadline is a milestone, not a figure: refused with that reason, the field named."""
    expected = entry["expect"]
    metric = MetricInput(**{key: entry[key] for key in _FIELDS if entry.get(key) is not None})
    zh, en = compute_attainment([metric], "zh"), compute_attainment([metric], "en")
    assert not zh.metrics and len(zh.errors) == 1 and len(en.errors) == 1
    assert zh.errors[0].field == en.errors[0].field == expected["error"]
    written = str(entry[expected["error"]])
    assert written in zh.errors[0].message and written in en.errors[0].message
    assert ("日期或期限" in zh.errors[0].message) is expected["date"], zh.errors[0].message
    assert ("date or a deadline" in en.errors[0].message) is expected["date"], en.errors[0].message


def test_one_refused_metric_leaves_the_others_judged() -> None:
    entries = JUDGED[:50] + REFUSED[:3]
    metrics = [MetricInput(**{key: entry[key] for key in _FIELDS if entry.get(key) is not None}) for entry in entries]
    result = compute_attainment(metrics, "zh")
    assert len(result.errors) == 3 and len(result.metrics) == 50
    assert [error.index for error in result.errors] == [50, 51, 52]


DOUBTS = [entry for entry in JUDGED if entry["expect"]["status"] == "needs_verification"]


@pytest.mark.parametrize("entry", DOUBTS, ids=_id)
def test_a_doubt_names_its_field_and_states_no_verdict(entry: dict[str, Any]) -> None:
    zh, en = _judge(entry, "zh"), _judge(entry, "en")
    assert "待核验" in zh.statement and "needs verification" in en.statement
    assert "已达成" not in zh.statement and "未达成" not in zh.statement
    assert " achieved" not in en.statement
    assert "完成率" not in zh.statement and "attainment" not in en.statement
    if zh.flags != ["direction_unknown"]:
        written = [entry[key] for key in ("target", "actual", "baseline", "unit") if entry.get(key)]
        assert any(str(text) in zh.statement for text in written), zh.statement
        assert any(word in zh.statement for word in ("目标", "实际值", "基线", "单位")), zh.statement
        assert any(word in en.statement for word in ("target", "actual", "baseline", "unit")), en.statement


POINTS = [entry for entry in JUDGED if entry["expect"]["unit"] == "pt"]


@pytest.mark.parametrize("entry", POINTS, ids=_id)
def test_a_score_is_never_stated_in_minutes_or_percent(entry: dict[str, Any]) -> None:
    zh, en = _judge(entry, "zh"), _judge(entry, "en")
    assert "分钟" not in zh.statement and "minute" not in en.statement
    assert "%," not in re.split("attainment|progress", en.statement)[0], en.statement  # the rate may be a percent
    assert "point" in en.statement and "分" in zh.statement


def _percent_target(text: str) -> bool:
    """A target written in percent, or in words that read as one ('five 9s' is 99.999 %)."""
    if "%" in text:
        return True
    try:
        target = parse_target(text)
    except TargetError:
        return False
    return target.kind == "slo" and target.unit == "%"


def test_a_bare_actual_never_silently_becomes_a_small_percent() -> None:
    """The defect the corpus started from: '4.3' against '4.5/5' stated as 'actual 4.3%'."""
    for entry in JUDGED:
        actual = entry["actual"]
        if any(ch.isalpha() or ch in "%$¥/" for ch in actual) or _percent_target(entry["target"]):
            continue  # a bare actual against a percent target of its magnitude is that percent
        statement = _judge(entry, "en").statement
        assert f"actual {actual}%" not in statement, statement
        assert f"to {actual}%" not in statement, statement
