"""Targets, SLOs and timelines as people really write them (s11): each category read, or doubted with both
readings named, never stated as a verdict on a guess. Every figure in the assertions is computed by hand in
the comment beside it; the real inputs these stand for are in the corpora (tests/data/*.jsonl)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.app import Settings, create_server
from fupan_mcp.domain.attainment import MetricInput, MetricResult


def _one(language: str = "zh", **fields: Any) -> MetricResult:
    result = compute_attainment([MetricInput.model_validate({"name": "m", **fields})], language)  # type: ignore[arg-type]
    assert not result.errors, result.errors[0].message
    return result.metrics[0]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[Client]:
    server = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "out"))
    async with Client(server) as connected:
        yield connected


async def _attainment(client: Client, metric: dict[str, Any], language: str) -> dict[str, Any]:
    result = await client.call_tool("compute_attainment", {"metrics": [metric], "language": language})
    assert not result.is_error, result.content
    body: dict[str, Any] = result.structured_content  # type: ignore[assignment]
    assert not body["errors"], body["errors"]
    return body["metrics"][0]  # type: ignore[no-any-return]


# --- 1. a target with the metric's name before a signed score -----------------------------------------


@pytest.mark.parametrize("target", ["NPS +40", "nps +40", "净推荐值+40", "净推荐值 +40"])
def test_a_named_plus_score_against_signed_figures_is_the_level(target: str) -> None:
    # '+42' against '+35' are written as NPS scores: '+40' is the score 40, not 35 + 40 = 75
    result = _one("zh", name="NPS", target=target, actual="+42", baseline="+35")
    assert result.status == "achieved", result.statement
    assert result.attainment_rate == pytest.approx(42 / 40)  # 1.05
    assert result.target is not None and result.target.kind == "at_least" and result.target.value == 40


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_named_plus_score_against_unsigned_figures_names_both_readings(language: str) -> None:
    # 42 against 'NPS +40' from 35: the score 40 (achieved, 105%) or a rise to 75 (not achieved): a doubt
    result = _one(language, name="NPS", target="NPS +40", actual="42", baseline="35")
    assert result.status == "needs_verification" and result.attainment_rate is None
    assert result.flags == ["unit_ambiguous"]
    if language == "zh":
        assert "目标“NPS +40”带正号：既可以是得分 40（即 ≥ 40），也可以是提升 40" in result.statement
        assert "请写明“≥ 40”或“提升 40”" in result.statement
    else:
        assert "may be the score of 40 (≥ 40) or a rise of 40" in result.statement
        assert "write '≥ 40' or 'increase by 40'" in result.statement


def test_a_named_plus_figure_on_a_count_stays_a_rise() -> None:
    # 'DAU +500' from 3,200: at least 3,700; 3,500 is 300 of the 500 (60%)
    result = _one("en", name="DAU", target="DAU +500", actual="3500", baseline="3200")
    assert result.status == "not_achieved" and result.attainment_rate == pytest.approx(300 / 500)


def test_a_named_score_with_a_trailing_plus_or_a_comparator_is_a_floor() -> None:
    # 'CSAT 4.5+' is at least 4.5: 4.4 is 97.8% of it; 'eNPS ≥ +20' is at least 20: 18 is 90%
    assert _one("en", name="CSAT", target="CSAT 4.5+", actual="4.4").attainment_rate == pytest.approx(4.4 / 4.5)
    result = _one("en", name="eNPS", target="eNPS ≥ +20", actual="18")
    assert result.status == "not_achieved" and result.attainment_rate == pytest.approx(0.9)


@pytest.mark.anyio
@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_named_plus_score_through_the_server(client: Client, language: str) -> None:
    doubted = await _attainment(client, {"name": "NPS", "target": "NPS +40", "actual": 42, "baseline": 35}, language)
    assert doubted["status"] == "needs_verification" and doubted["flags"] == ["unit_ambiguous"]
    level = {"name": "净推荐值", "target": "净推荐值+40", "actual": "+38", "baseline": "+30"}
    judged = await _attainment(client, level, language)
    assert judged["status"] == "not_achieved" and judged["attainment_rate"] == pytest.approx(38 / 40)  # 0.95
