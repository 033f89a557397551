"""Real-world target and value strings (tests/data/targets_corpus.jsonl), each with its meaning stated by hand.

Every entry must read to its stated meaning; every readable target must survive parse → describe → parse in
both languages; and generated targets of every kind must survive the same round trip.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupan_mcp.analysis.targets import TargetError, describe_target, parse_target
from fupan_mcp.domain.attainment import ParsedTarget
from fupan_mcp.domain.numbers import NumberError, read_value

CORPUS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "targets_corpus.jsonl").read_text("utf-8").splitlines()
    if line.strip()
]
TARGETS = [entry for entry in CORPUS if entry["field"] == "target"]
VALUES = [entry for entry in CORPUS if entry["field"] == "value"]
READABLE = [entry for entry in TARGETS if "error" not in entry["expect"]]


def _id(entry: dict[str, Any]) -> str:
    return f"{entry['text']}|{entry['unit'] or ''}"


def _same(actual: dict[str, Any], expected: dict[str, Any]) -> bool:
    if actual.keys() != expected.keys():
        return False
    return all(
        actual[key] == pytest.approx(value, rel=1e-9) if isinstance(value, float) else actual[key] == value
        for key, value in expected.items()
    )


def test_the_corpus_is_large_and_covers_both_languages_and_every_source() -> None:
    assert len(CORPUS) >= 300
    languages = {entry["lang"] for entry in CORPUS}
    assert {"zh", "en"} <= languages
    assert {entry["source"] for entry in CORPUS} >= {"okr", "review", "slo", "postmortem", "finance", "it_ops"}
    assert len({_id(entry) + entry["field"] for entry in CORPUS}) == len(CORPUS), "duplicate entries"


@pytest.mark.parametrize("entry", TARGETS, ids=_id)
def test_every_target_reads_to_its_stated_meaning(entry: dict[str, Any]) -> None:
    expected = entry["expect"]
    if "error" in expected:
        with pytest.raises(TargetError) as caught:
            parse_target(entry["text"], entry["unit"])
        assert caught.value.code == expected["error"]
        return
    parsed = parse_target(entry["text"], entry["unit"]).model_dump(exclude_defaults=True)
    assert _same(parsed, expected), parsed


@pytest.mark.parametrize("entry", VALUES, ids=_id)
def test_every_value_reads_to_its_stated_number(entry: dict[str, Any]) -> None:
    expected = entry["expect"]
    if "error" in expected:
        with pytest.raises(NumberError) as caught:
            read_value(entry["text"])
        assert caught.value.code == expected["error"]
        return
    value = read_value(entry["text"])
    assert value.value == pytest.approx(expected["value"], rel=1e-9)
    assert value.unit == expected["unit"]
    assert value.approximate is expected.get("approximate", False)


def _round_trips(target: ParsedTarget, unit: str | None) -> None:
    for language in ("zh", "en"):
        text = describe_target(target, language)
        again = parse_target(text, unit)
        assert _same(again.model_dump(exclude_defaults=True), target.model_dump(exclude_defaults=True)), (
            language,
            text,
            again,
        )


@pytest.mark.parametrize("entry", READABLE, ids=_id)
def test_every_corpus_target_survives_parse_describe_parse(entry: dict[str, Any]) -> None:
    _round_trips(parse_target(entry["text"], entry["unit"]), entry["unit"])


# --- generated targets ---------------------------------------------------------------------------------

_AMOUNTS = st.decimals(min_value="0.01", max_value="99999", places=2).map(float)
_LEVEL_UNITS = st.sampled_from([None, "%", "元", "$", "h", "min", "s", "ms", "d", "MB", "Mbps", "人", "‰", "T+"])
_DIRECTIONS = st.sampled_from(["increase", "decrease"])


@st.composite
def _targets(draw: st.DrawFn) -> ParsedTarget:
    kind = draw(st.sampled_from(["at_least", "at_most", "range", "relative_change", "pp_change", "absolute_change",
                                 "budget", "baseline", "tolerance", "slo", "rank", "factor"]))  # fmt: skip
    value = draw(_AMOUNTS)
    if kind in ("at_least", "at_most"):
        unit = draw(_LEVEL_UNITS)
        return ParsedTarget(kind=kind, value=value, unit=unit, strict=draw(st.booleans()))
    if kind == "range":
        high = value + draw(_AMOUNTS)
        return ParsedTarget(kind="range", low=value, high=round(high, 2), unit=draw(_LEVEL_UNITS))
    if kind in ("relative_change", "pp_change"):
        unit = "%" if kind == "relative_change" else "pp"
        return ParsedTarget(kind=kind, value=value, direction=draw(_DIRECTIONS), unit=unit,
                            strict=draw(st.booleans()), limit=draw(st.booleans()))  # fmt: skip
    if kind == "absolute_change":
        unit = draw(st.sampled_from([None, "元", "h", "min", "d", "人"]))
        return ParsedTarget(kind=kind, value=value, direction=draw(_DIRECTIONS), unit=unit, limit=draw(st.booleans()))
    if kind == "budget":
        return ParsedTarget(kind="budget", value=value, unit=draw(st.sampled_from([None, "元", "$"])))
    if kind == "baseline":
        direction = draw(st.sampled_from([None, "increase", "decrease"]))
        return ParsedTarget(kind="baseline", direction=direction, strict=direction is not None and draw(st.booleans()))
    if kind == "tolerance":
        return ParsedTarget(kind="tolerance", value=value, unit=draw(st.sampled_from(["%", "min", "元"])))
    if kind == "slo":
        return ParsedTarget(kind="slo", value=min(value, 99.99), unit="%")
    if kind == "rank":
        return ParsedTarget(kind="at_most", value=float(draw(st.integers(1, 500))), unit="rank")
    factor = draw(st.sampled_from([0.25, 0.5, 1.5, 2.0, 3.0, 4.0, 10.0]))
    direction = "increase" if factor > 1 else "decrease"
    return ParsedTarget(kind="relative_change", value=abs(factor - 1) * 100, direction=direction, unit="%",
                        factor=factor)  # fmt: skip


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_targets())
def test_generated_targets_survive_describe_then_parse(target: ParsedTarget) -> None:
    _round_trips(target, None)
