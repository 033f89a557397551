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


# --- 2. a change with its end level --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "unit", "kind", "value"),
    [
        ("reduce churn by 2pp to 3%", None, "at_most", 3.0),  # was refused: 'the bounds have different units'
        ("cut MTTR by half to 30 min", None, "at_most", 30.0),  # was 'at least 30 minutes': a wrong side
        ("cut MTTR in half to 30 min", "min", "at_most", 30.0),
        ("increase conversion 1.5pp to 4.2%", None, "at_least", 4.2),
        ("提升2个百分点至15%", None, "at_least", 15.0),
        ("流失率下降2个百分点至3%", None, "at_most", 3.0),
        ("MTTR减半至30分钟", "min", "at_most", 30.0),
        ("reduce p99 latency by 100ms to 300ms", None, "at_most", 300.0),
    ],
)
def test_the_end_level_is_the_target(target: str, unit: str | None, kind: str, value: float) -> None:
    from fupan_mcp.analysis.targets import parse_target

    parsed = parse_target(target, unit)
    assert (parsed.kind, parsed.value) == (kind, value)


@pytest.mark.parametrize(
    ("target", "start"),
    [
        ("reduce churn by 2pp to 3%", 5.0),  # 3 + 2
        ("cut MTTR by half to 30 min", 60.0),  # 30 / 0.5
        ("increase conversion 1.5pp to 4.2%", 2.7),  # 4.2 - 1.5
        ("提升2个百分点至15%", 13.0),  # 15 - 2
        ("reduce costs by 20% to 80万", 100.0),  # 80 / (1 - 0.2), in 万元
        ("从5%降到3%", 5.0),
        ("转化率由2.7%提升1.5个百分点至4.2%", 2.7),
        ("Reduce customer onboarding time from 14 days to 7 days", 14.0),
    ],
)
def test_the_wording_implies_the_start(target: str, start: float) -> None:
    from fupan_mcp.analysis.targets import implied_start

    stated = implied_start(target, "万元" if "万" in target else None)
    assert stated is not None and stated.start == pytest.approx(start)
    assert stated.fits(start)


def test_a_start_change_and_end_that_disagree_are_refused_in_both_languages() -> None:
    # from 6% down 2 points is 4%, not 3%
    metric = MetricInput(name="流失率", target="将流失率从6%降低2个百分点至3%", actual="3.5%", baseline="6%")
    zh, en = compute_attainment([metric], "zh"), compute_attainment([metric], "en")
    assert zh.errors[0].field == "target" and "起点 6%、变化 2个百分点 与终点 3% 对不上" in zh.errors[0].message
    assert "the start 6%, the change 2个百分点 and the end 3% do not agree" in en.errors[0].message


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_baseline_that_agrees_is_judged_on_the_end_level(language: str) -> None:
    # from 5% by 2 points to 3%: 3.2% is over the 3% ceiling by 0.2 pp; rate 3 / 3.2 = 0.9375
    result = _one(language, name="churn", target="reduce churn by 2pp to 3%", actual="3.2%", baseline="5%")
    assert result.status == "not_achieved" and result.attainment_rate == pytest.approx(3 / 3.2)
    assert "baseline_conflict" not in result.flags


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_contradicting_baseline_with_different_verdicts_is_a_doubt_naming_both_figures(language: str) -> None:
    # from 6% down 2 points is 4%: 3.2% meets 4% but not the end level 3%; the target implies a start of 5%
    result = _one(language, name="churn", target="reduce churn by 2pp to 3%", actual="3.2%", baseline="6%")
    assert result.status == "needs_verification" and result.attainment_rate is None
    assert result.flags == ["baseline_conflict"]
    if language == "zh":
        assert "按目标，基线应为 5%，而给出的基线是 6%；由 6% 按所写变化是 4%，与终点 3% 不同" in result.statement
    else:
        assert "implies a baseline of 5%, but the baseline given is 6%" in result.statement
        assert "the stated change from 6% reaches 4%, not the end level 3%" in result.statement


def test_a_contradicting_baseline_of_a_halving_is_a_doubt() -> None:
    # half of 80 min is 40 min; 35 min meets 40 but not 30; the target implies 60 min
    result = _one("en", name="MTTR", target="cut MTTR by half to 30 min", actual="35 min", baseline="80 min")
    assert result.status == "needs_verification" and result.flags == ["baseline_conflict"]
    assert "implies a baseline of 60 minutes" in result.statement and "reaches 40 minutes" in result.statement


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_contradicting_baseline_with_one_verdict_is_judged_and_noted(language: str) -> None:
    # 提升2个百分点至15% from 12%: the change reaches 14%; 15.5% meets both 15% and 14%: achieved on 15%
    result = _one(language, name="转化率", target="提升2个百分点至15%", actual="15.5%", baseline="12%")
    assert result.status == "achieved" and result.attainment_rate == pytest.approx(15.5 / 15)
    assert result.flags == ["baseline_conflict"]
    if language == "zh":
        assert (
            "注意：目标“提升2个百分点至15%”意味着基线为 13%，给出的基线是 12%（按所写变化应到 14%）" in result.statement
        )
    else:
        assert "implies a baseline of 13%, but the baseline given is 12% (the stated change reaches 14%)" in (
            result.statement
        )


def test_a_start_written_as_a_level_is_checked_against_the_baseline() -> None:
    # 从5%降到3% from 6%: the same 2-point fall reaches 4%; 3.5% meets 4% but not 3%: a doubt
    result = _one("zh", name="流失率", target="从5%降到3%", actual="3.5%", baseline="6%")
    assert result.status == "needs_verification" and result.flags == ["baseline_conflict"]
    assert "基线应为 5%，而给出的基线是 6%" in result.statement


def test_a_rounded_baseline_is_no_conflict() -> None:
    # 'by 2pp' is written to the point: 5.3% - 3% = 2.3 pp rounds to 2 pp; 2.9% is under 3%: achieved
    result = _one("en", name="churn", target="reduce churn by 2pp to 3%", actual="2.9%", baseline="5.3%")
    assert result.status == "achieved" and result.flags == []


def test_grow_from_to_without_by_stays_a_move() -> None:
    # 'Grow signups 1k to 2k' is a move from 1,000 to 2,000 (a floor of 2,000), not a rise of 1,000 to 2,000
    from fupan_mcp.analysis.targets import parse_target

    parsed = parse_target("Grow signups 1k to 2k")
    assert (parsed.kind, parsed.value) == ("at_least", 2000.0)


@pytest.mark.anyio
@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_change_with_its_end_through_the_server(client: Client, language: str) -> None:
    agreed = {"name": "MTTR", "target": "cut MTTR by half to 30 min", "actual": "35 min", "baseline": "60 min"}
    judged = await _attainment(client, agreed, language)
    # a ceiling of 30: 35 is over it, rate 30 / 35
    assert judged["status"] == "not_achieved" and judged["attainment_rate"] == pytest.approx(30 / 35)
    contradicted = {**agreed, "baseline": "80 min"}
    doubted = await _attainment(client, contradicted, language)
    assert doubted["status"] == "needs_verification" and doubted["flags"] == ["baseline_conflict"]


# --- 3. ratios written with a colon ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "target", "actual", "status", "rate", "kind"),
    [
        # 1 nurse to at most 4 patients: 1:5 is over it, rate 4 / 5; 1:3 is under, 4 / 3
        ("nurse-to-patient ratio", "1:4", "1:5", "not_achieved", 4 / 5, "at_most"),
        ("nurse-to-patient ratio", "1:4", "1:3", "achieved", 4 / 3, "at_most"),
        ("护患比", "1:4", "1:5", "not_achieved", 4 / 5, "at_most"),
        # '1:20' after a ratio word was refused as h:mm or mm:ss; 18 students a teacher is under 20
        ("师生比", "1:20", "1:18", "achieved", 20 / 18, "at_most"),
        ("alert quality", "signal:noise 1:20", "1:15", "achieved", 20 / 15, "at_most"),
        # LTV per CAC at least 3: 2.5 is 2.5 / 3; output per input at least 4: 3.5 / 4
        ("LTV:CAC", "3:1", "2.5:1", "not_achieved", 2.5 / 3, "at_least"),
        ("投入产出比", "1:4", "1:3.5", "not_achieved", 3.5 / 4, "at_least"),
        ("staffing ratio", "≤ 1:20", "1:25", "not_achieved", 20 / 25, "at_most"),
    ],
)
def test_a_colon_ratio_takes_its_side_from_its_names(
    name: str, target: str, actual: str, status: str, rate: float, kind: str
) -> None:
    result = _one("en", name=name, target=target, actual=actual)
    assert result.status == status, result.statement
    assert result.attainment_rate == pytest.approx(rate)
    assert result.target is not None and result.target.kind == kind


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_ratio_whose_side_the_name_does_not_tell_says_what_to_write(language: str) -> None:
    result = _one(language, name="staffing ratio", target="1:20", actual="1:25")
    assert result.status == "needs_verification" and result.flags == ["direction_unknown"]
    if language == "zh":
        assert "目标“1:20”是比值" in result.statement and "请写“≤ 1:20”或“≥ 1:20”，或设置 better" in result.statement
    else:
        assert "the target '1:20' is a ratio" in result.statement and "write '≤ 1:20' or '≥ 1:20'" in result.statement


def test_better_speaks_of_the_ratio_figure() -> None:
    # better=lower: at most 20 for each one; 25 is over it, rate 20 / 25
    result = _one("en", name="staffing ratio", target="1:20", actual="1:25", better="lower")
    assert result.status == "not_achieved" and result.attainment_rate == pytest.approx(0.8)


def test_a_clock_time_is_no_ratio_and_a_ratio_word_does_not_make_it_one() -> None:
    # '1:20' of a response time is h:mm or mm:ss: refused, never read as 20 or as a ratio
    refused = compute_attainment([MetricInput(name="首次响应", target="1:20", actual="0:50")], "en")
    assert refused.errors and refused.errors[0].field == "target"
    # '14:03' has no side of 1: no ratio even after a ratio word
    from fupan_mcp.analysis.targets import TargetError, parse_target

    with pytest.raises(TargetError):
        parse_target("14:03", None, True)
    assert parse_target("1:20", None, True).unit == "1:"


@pytest.mark.anyio
@pytest.mark.parametrize("language", ["zh", "en"])
async def test_a_colon_ratio_through_the_server(client: Client, language: str) -> None:
    metric = {"name": "nurse-to-patient ratio", "target": "1:4", "actual": "1:5"}
    judged = await _attainment(client, metric, language)
    assert judged["status"] == "not_achieved" and judged["attainment_rate"] == pytest.approx(0.8)
    doubted = await _attainment(client, {"name": "staffing ratio", "target": "1:20", "actual": "1:25"}, language)
    assert doubted["status"] == "needs_verification" and doubted["flags"] == ["direction_unknown"]


@pytest.mark.parametrize(
    ("metric", "field", "zh"),
    [
        ({"name": "churn", "target": "reduce churn by 2pp to 3%", "actual": "3.2%", "baseline": "6%"}, "baseline",
         "请核对「churn」的基线：它与目标写明的起点或变化幅度对不上。"),
        ({"name": "staffing ratio", "target": "1:20", "actual": "1:25"}, "target",
         "「staffing ratio」的比值目标是越高越好还是越低越好？请写“≤”或“≥”，或设置 better。"),
        ({"name": "NPS", "target": "NPS +40", "actual": "42", "baseline": "35"}, "target",
         "「NPS」的目标是得分还是提升幅度？请写明。"),
    ],
)  # fmt: skip
def test_each_doubt_leaves_a_data_gap_on_its_field(metric: dict[str, Any], field: str, zh: str) -> None:
    result = compute_attainment([MetricInput.model_validate(metric)], "zh")
    assert [(gap.field, gap.message) for gap in result.summary.data_gaps] == [(field, zh)]


# --- 4. SLO actuals written as downtime, and time zones written as words ---------------------------------


@pytest.mark.parametrize(
    "actual", ["47分钟不可用", "不可用时长 47 分钟", "宕机47分钟", "服务中断 47 分钟", "down for 47 minutes", "47 min"]
)
def test_a_downtime_in_words_is_the_actual_of_an_slo(actual: str) -> None:
    # 99.9% of a 30-day month (43,200 min) allows 43.2 min; 47 min down leaves 100 x (1 - 47/43,200) = 99.8912%
    result = _one("zh", name="可用性", target="99.9% monthly", actual=actual)
    assert result.status == "not_achieved" and result.flags == ["error_budget_exceeded"]
    assert result.actual == pytest.approx(100 * (1 - 47 / 43_200))
    assert result.error_budget is not None and result.error_budget.consumed_minutes == pytest.approx(47)
    assert result.error_budget.budget_minutes == pytest.approx(43.2)


def test_a_downtime_in_hours_against_a_window_given_apart() -> None:
    # 99.95% of 30 days allows 21.6 min; 停机 2 小时 is 120 min: 120 / 21.6 = 5.56x the budget
    result = _one("zh", name="可用性", target="99.95%", actual="停机 2 小时", slo_period="月")
    assert result.status == "not_achieved"
    assert result.error_budget is not None and result.error_budget.consumed == pytest.approx(120 / 21.6)
    assert "实际消耗 120分钟" in result.statement


def test_a_downtime_word_without_a_duration_is_still_refused() -> None:
    refused = compute_attainment([MetricInput(name="可用性", target="99.9% monthly", actual="宕机多次")], "zh")
    assert refused.errors and refused.errors[0].field == "actual"


@pytest.mark.parametrize(
    ("at", "iso"),
    [
        ("2024-07-10 14:03 Eastern", "2024-07-10T14:03:00-04:00"),  # EDT in July
        ("2024-01-10 14:03 Eastern", "2024-01-10T14:03:00-05:00"),  # EST in January
        ("Jul 10, 2024 2:15 PM Pacific", "2024-07-10T14:15:00-07:00"),
        ("2024-07-10 09:00 CET", "2024-07-10T09:00:00+01:00"),  # CET as written (noted: CEST in July)
        ("2024-07-10 14:03 北京时间", "2024-07-10T14:03:00+08:00"),
        ("2024-07-10 14:03 UTC+8", "2024-07-10T14:03:00+08:00"),
        ("2024年7月10日 美东时间 14:03", "2024-07-10T14:03:00-04:00"),
        ("2024-07-10 14:03 India Standard Time", "2024-07-10T14:03:00+05:30"),
        ("2024-07-10 14:03 US/Eastern", "2024-07-10T14:03:00-04:00"),
    ],
)
def test_a_zone_written_as_a_word_is_read_with_the_date(at: str, iso: str) -> None:
    import datetime as dt

    from fupan_mcp.analysis.timeline_at import read_at

    parsed = read_at(at, None, None, None)
    assert parsed.at == dt.datetime.fromisoformat(iso), parsed


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_daylight_saving_zone_without_a_date_is_not_guessed(language: str) -> None:
    from fupan_mcp.analysis.timeline import check_timeline

    events = [{"at": "14:03 Eastern", "kind": "detected", "text": "alerts fire"}]
    found = check_timeline(events, None, language).findings  # type: ignore[arg-type]
    assert [f.code for f in found] == ["no_date"]
    if language == "zh":
        assert "ET 随夏令时改变与 UTC 的时差，没有日期就无法确定" in found[0].message
    else:
        assert "ET changes its offset to UTC with daylight saving, so without a date" in found[0].message
    # a fixed zone without a date is refused for the date alone, without the daylight-saving sentence
    fixed = check_timeline([{"at": "14:03 UTC+8", "kind": "detected", "text": "x"}], None, language)  # type: ignore[list-item]
    assert [f.code for f in fixed.findings] == ["no_date"] and "UTC+8 " not in fixed.findings[0].message


def test_a_time_of_day_stays_a_time_where_no_ratio_is_named() -> None:
    import datetime as dt

    from fupan_mcp.analysis.timeline_at import read_at

    assert read_at("2024-07-10 1:20 UTC", None, None, None).at == dt.datetime(2024, 7, 10, 1, 20, tzinfo=dt.UTC)


@pytest.mark.anyio
@pytest.mark.parametrize("language", ["zh", "en"])
async def test_words_for_zones_and_downtime_through_the_server(client: Client, language: str) -> None:
    timeline = [
        {"at": "Apr 29, 2016 9:02 PM Pacific", "kind": "impact_start", "text": "5xx errors"},
        {"at": "9:12 PM Pacific", "kind": "resolved", "text": "errors at baseline"},
    ]
    result = await client.call_tool("check_timeline", {"timeline": timeline, "language": language})
    assert not result.is_error, result.content
    body: dict[str, Any] = result.structured_content  # type: ignore[assignment]
    assert body["time_to_resolve_minutes"] == 10.0 and body["findings"] == []  # 21:02 to 21:12 PDT
    slo = await _attainment(client, {"name": "可用性", "target": "99.9% monthly", "actual": "47分钟不可用"}, language)
    assert slo["status"] == "not_achieved" and slo["error_budget"]["consumed_minutes"] == pytest.approx(47)
