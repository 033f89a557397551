"""Target expressions as people write them: every form the parser promises, and the clear refusals."""

from __future__ import annotations

from typing import Any

import pytest

from fupan_mcp.analysis.targets import metric_unit, parse_target, target_from_spec, to_metric_unit
from fupan_mcp.domain.attainment import ParsedTarget, TargetSpec
from fupan_mcp.domain.numbers import parse_scaled_quantity, split_magnitude_unit


def _fields(target: ParsedTarget) -> dict[str, Any]:
    return target.model_dump(exclude_defaults=True)


def _at_least(value: float, unit: str | None = None, strict: bool = False) -> dict[str, Any]:
    return _drop_defaults(kind="at_least", value=value, unit=unit, strict=strict)


def _at_most(value: float, unit: str | None = None, strict: bool = False) -> dict[str, Any]:
    return _drop_defaults(kind="at_most", value=value, unit=unit, strict=strict)


def _range(low: float, high: float, unit: str | None = None) -> dict[str, Any]:
    return _drop_defaults(kind="range", low=low, high=high, unit=unit)


def _change(kind: str, value: float, direction: str, unit: str | None, strict: bool = False) -> dict[str, Any]:
    return _drop_defaults(kind=kind, value=value, direction=direction, unit=unit, strict=strict)


def _drop_defaults(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, False)}


COMPARISONS = [
    (">=2,000", _at_least(2000)),
    ("≥2,000", _at_least(2000)),
    ("≥ 2000", _at_least(2000)),
    ("=>2000", _at_least(2000)),
    ("＞＝９８％", _at_least(98, "%")),
    (">300", _at_least(300, strict=True)),
    ("<=45元", _at_most(45, "元")),
    ("≤45元", _at_most(45, "元")),
    ("≦45", _at_most(45)),
    ("<5%", _at_most(5, "%", strict=True)),
    ("=100", {"kind": "equal", "value": 100.0}),
    ("不低于25%", _at_least(25, "%")),
    ("不少于50条", _at_least(50, "条")),
    ("至少300", _at_least(300)),
    ("超过300", _at_least(300, strict=True)),
    ("98%以上", _at_least(98, "%")),
    ("98%及以上", _at_least(98, "%")),
    ("300+", _at_least(300)),
    ("不超过45元", _at_most(45, "元")),
    ("不高于5%", _at_most(5, "%")),
    ("至多3天", _at_most(3, "d")),
    ("30分钟以内", _at_most(30, "min")),
    ("5%以下", _at_most(5, "%")),
    ("低于2%", _at_most(2, "%", strict=True)),
    ("控制在45元以内", _at_most(45, "元")),
    ("at least 300", _at_least(300)),
    ("At Least 300", _at_least(300)),
    ("no less than 25%", _at_least(25, "%")),
    ("more than 300", _at_least(300, strict=True)),
    ("at most 45", _at_most(45)),
    ("no more than 45元", _at_most(45, "元")),
    ("up to 5%", _at_most(5, "%")),
    ("below 2%", _at_most(2, "%", strict=True)),
    ("300 or more", _at_least(300)),
    ("5% or less", _at_most(5, "%")),
    ("目标:≥98%", _at_least(98, "%")),
    ("target: >= 98%", _at_least(98, "%")),
    ("降至1.5h", _at_most(1.5, "h")),
    ("降到 1.5 小时", _at_most(1.5, "h")),
    ("提升到99%", _at_least(99, "%")),
    ("reduce to 1.5h", _at_most(1.5, "h")),
    ("≥ -5%", _at_least(-5, "%")),
]

MAGNITUDES_AND_SEPARATORS = [
    ("1,500万", _at_least(15_000_000)),
    ("≥1,500万", _at_least(15_000_000)),
    ("≥１，５００万", _at_least(15_000_000)),
    ("不超过380万元", _at_most(3_800_000, "元")),
    ("≥ 1,234,567.5", _at_least(1_234_567.5)),
    ("≤¥45", _at_most(45, "元")),
    ("≥450k", _at_least(450_000)),
]

BARE_AND_T_PLUS = [
    ("2000", _at_least(2000)),
    ("25%", _at_least(25, "%")),
    ("T+1", _at_most(1, "T+")),
    ("t+1", _at_most(1, "T+")),
    ("≤T+1", _at_most(1, "T+")),
    ("≤ T + 1", _at_most(1, "T+")),
    ("T+1以内", _at_most(1, "T+")),
    ("≥T+2", _at_least(2, "T+")),
]

RANGES = [
    ("95~99", _range(95, 99)),
    ("95～99", _range(95, 99)),
    ("95-99%", _range(95, 99, "%")),
    ("95%-99%", _range(95, 99, "%")),
    ("95 至 99", _range(95, 99)),
    ("95到99%", _range(95, 99, "%")),
    ("95 to 99", _range(95, 99)),
    ("between 95 and 99", _range(95, 99)),
    ("介于95和99之间", _range(95, 99)),
    ("95 <= x <= 99", _range(95, 99)),
    ("95≤准确率≤99%", _range(95, 99, "%")),
    ("-5~5%", _range(-5, 5, "%")),
    ("100±5", _range(95, 105)),
    ("99±0.5%", _range(98.5, 99.5, "%")),
    ("1~2万", _range(10_000, 20_000)),
    ("9000~1.2万", _range(9000, 12_000)),
    ("T+1~T+2", _range(1, 2, "T+")),
]

RELATIVE_CHANGES = [
    ("-30%", _change("relative_change", 30, "decrease", "%")),
    ("−30%", _change("relative_change", 30, "decrease", "%")),
    ("下降30%", _change("relative_change", 30, "decrease", "%")),
    ("降低 20 %", _change("relative_change", 20, "decrease", "%")),
    ("减少15%", _change("relative_change", 15, "decrease", "%")),
    ("缩短 20%", _change("relative_change", 20, "decrease", "%")),
    ("下降至少30%", _change("relative_change", 30, "decrease", "%")),
    ("至少下降30%", _change("relative_change", 30, "decrease", "%")),
    ("下降30%以上", _change("relative_change", 30, "decrease", "%")),
    ("下降超过30%", _change("relative_change", 30, "decrease", "%", strict=True)),
    ("同比下降百分之三十".replace("三十", "30"), _change("relative_change", 30, "decrease", "%")),
    ("提升15%", _change("relative_change", 15, "increase", "%")),
    ("增长 15%", _change("relative_change", 15, "increase", "%")),
    ("提高15%", _change("relative_change", 15, "increase", "%")),
    ("同比增长15%", _change("relative_change", 15, "increase", "%")),
    ("+15%", _change("relative_change", 15, "increase", "%")),
    ("reduce by 30%", _change("relative_change", 30, "decrease", "%")),
    ("reduce by at least 30%", _change("relative_change", 30, "decrease", "%")),
    ("decrease 30 percent", _change("relative_change", 30, "decrease", "%")),
    ("increase by 15%", _change("relative_change", 15, "increase", "%")),
    ("down 30% vs baseline", _change("relative_change", 30, "decrease", "%")),
]

POINT_AND_ABSOLUTE_CHANGES = [
    ("+5pp", _change("pp_change", 5, "increase", "pp")),
    ("5pp", _change("pp_change", 5, "increase", "pp")),
    ("≥+5pp", _change("pp_change", 5, "increase", "pp")),
    ("≤-2pp", _change("pp_change", 2, "decrease", "pp")),
    ("-2 pp", _change("pp_change", 2, "decrease", "pp")),
    ("提升5个百分点", _change("pp_change", 5, "increase", "pp")),
    ("下降 2 个百分点", _change("pp_change", 2, "decrease", "pp")),
    ("increase by 5 percentage points", _change("pp_change", 5, "increase", "pp")),
    ("增加500", _change("absolute_change", 500, "increase", None)),
    ("+500", _change("absolute_change", 500, "increase", None)),
    ("减少2天", _change("absolute_change", 2, "decrease", "d")),
    ("缩短 0.5 小时", _change("absolute_change", 0.5, "decrease", "h")),
]

BUDGETS = [
    ("预算45万", {"kind": "budget", "value": 450_000.0}),
    ("预算 ≤ 45万", {"kind": "budget", "value": 450_000.0}),
    ("预算45万以内", {"kind": "budget", "value": 450_000.0}),
    ("budget 450k", {"kind": "budget", "value": 450_000.0}),
    ("项目预算 380万元", {"kind": "budget", "value": 3_800_000.0, "unit": "元"}),
]

LABELLED = [
    ("DAU≥300", _at_least(300)),
    ("D7留存≥25%", _at_least(25, "%")),
    ("注册 ≥ 2,000", _at_least(2000)),
    ("新增用户不少于100", _at_least(100)),
    ("订单处理时长下降30%", _change("relative_change", 30, "decrease", "%")),
    ("关账周期≤T+1", _at_most(1, "T+")),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    COMPARISONS + MAGNITUDES_AND_SEPARATORS + BARE_AND_T_PLUS + RANGES + BUDGETS + LABELLED,
)
def test_level_and_range_forms(text: str, expected: dict[str, Any]) -> None:
    assert _fields(parse_target(text)) == expected


@pytest.mark.parametrize(("text", "expected"), RELATIVE_CHANGES + POINT_AND_ABSOLUTE_CHANGES)
def test_change_forms(text: str, expected: dict[str, Any]) -> None:
    assert _fields(parse_target(text)) == expected


def test_a_signed_percent_on_a_percent_metric_is_a_relative_change_not_points() -> None:
    assert parse_target("-30%", "%").kind == "relative_change"
    assert parse_target("+5pp", "%").kind == "pp_change"


def test_a_range_written_with_a_hyphen_is_a_range_not_a_negative_number() -> None:
    assert _fields(parse_target("95-99%", "%")) == _range(95, 99, "%")


@pytest.mark.parametrize(
    ("text", "unit", "expected"),
    [
        ("≥2h", "min", _at_least(120, "min")),
        ("≤90分钟", "h", _at_most(1.5, "h")),
        ("≥1,500万", "万元", _at_least(1500, "万元")),
        ("≥1500", "万元", _at_least(1500, "万元")),
        ("≥16,280,000元", "万元", _at_least(1628, "万元")),
        ("≤45", "元", _at_most(45, "元")),
        ("≤T+1", "天", _at_most(1, "d")),
        ("减少1h", "min", _change("absolute_change", 60, "decrease", "min")),
        ("1~2万", "万", _range(1, 2, "万")),
    ],
)
def test_numbers_are_expressed_in_the_metric_unit(text: str, unit: str, expected: dict[str, Any]) -> None:
    assert _fields(parse_target(text, unit)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("破亿", _at_least(1e8, "元", strict=True)),  # "GMV 破亿": above 1亿
        ("GMV 破亿", _at_least(1e8, "元", strict=True)),
        ("破千万", _at_least(1e7, "元", strict=True)),
        ("破5000万", _at_least(5e7, "元", strict=True)),
        ("突破1亿", _at_least(1e8, "元", strict=True)),
    ],
)
def test_breaking_through_a_round_figure_is_a_strict_lower_bound(text: str, expected: dict[str, Any]) -> None:
    assert _fields(parse_target(text, "元")) == expected


def test_an_incompatible_unit_is_kept_as_written_for_the_caller_to_flag() -> None:
    assert _fields(parse_target("≤45元", "%")) == _at_most(45, "元")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "expected a comparison"),
        ("优化30%", "expected a comparison"),
        ("下降+30%", "the verb says decrease"),
        ("≥300以下", "contradicting comparators"),
        ("99~95", "low bound 99 is above its high bound 95"),
        ("95元~99%", "different units"),
        ("预算 ≥ 45万", "a budget is a ceiling"),
        ("≥ 2000 abc def ghi jkl", "expected a comparison"),
    ],
)
def test_unreadable_targets_raise_value_error_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_target(text)


def test_errors_quote_the_original_text() -> None:
    with pytest.raises(ValueError, match="'优化30%'"):
        parse_target("优化30%")


def test_no_eval_of_user_text() -> None:
    with pytest.raises(ValueError):
        parse_target("__import__('os').system('true')")


# --- structured targets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "unit", "expected"),
    [
        ({"kind": "at_least", "value": 2000}, None, _at_least(2000)),
        ({"kind": "at_least", "value": "2,000", "inclusive": False}, None, _at_least(2000, strict=True)),
        ({"kind": "at_most", "value": "45元"}, "元", _at_most(45, "元")),
        ({"kind": "at_most", "value": "T+1"}, None, _at_most(1, "T+")),
        ({"kind": "equal", "value": 100}, None, {"kind": "equal", "value": 100.0}),
        ({"kind": "range", "low": 95, "high": "99%"}, "%", _range(95, 99, "%")),
        ({"kind": "budget", "value": "45万"}, None, {"kind": "budget", "value": 450_000.0}),
        ({"kind": "budget", "value": 45}, "万元", {"kind": "budget", "value": 45.0, "unit": "万元"}),
        (
            {"kind": "relative_change", "value": 30, "direction": "decrease"},
            "h",
            _change("relative_change", 30, "decrease", "%"),
        ),
        ({"kind": "relative_change", "value": "-30%"}, None, _change("relative_change", 30, "decrease", "%")),
        ({"kind": "pp_change", "value": "5pp"}, "%", _change("pp_change", 5, "increase", "pp")),
        ({"kind": "pp_change", "value": -2}, "%", _change("pp_change", 2, "decrease", "pp")),
        (
            {"kind": "absolute_change", "value": "2h", "direction": "decrease"},
            "min",
            _change("absolute_change", 120, "decrease", "min"),
        ),
    ],
)
def test_structured_targets(spec: dict[str, Any], unit: str | None, expected: dict[str, Any]) -> None:
    assert _fields(target_from_spec(TargetSpec.model_validate(spec), unit)) == expected


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ({"kind": "range", "low": 95}, "needs both 'low' and 'high'"),
        ({"kind": "range", "low": 99, "high": 95}, "above its high bound"),
        ({"kind": "at_least"}, "needs a 'value'"),
        ({"kind": "at_least", "value": "many"}, "no number found"),
        ({"kind": "pp_change", "value": "5%"}, "is in 'pp'"),
        ({"kind": "relative_change", "value": -30, "direction": "increase"}, "contradicts"),
    ],
)
def test_structured_targets_that_cannot_be_used(spec: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        target_from_spec(TargetSpec.model_validate(spec))


def test_parsed_targets_are_immutable_so_they_can_be_shared() -> None:
    target = parse_target("≥2,000")
    assert parse_target("≥2,000") is target
    with pytest.raises(ValueError):
        target.value = 1.0  # type: ignore[misc]


# --- units -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("万元", ("元", 1e4)),
        ("万", (None, 1e4)),
        ("万人", ("人", 1e4)),
        ("亿元", ("元", 1e8)),
        ("千元", ("元", 1e3)),
        ("千克", ("千克", 1.0)),
        ("km", ("km", 1.0)),
        ("小时", ("h", 1.0)),
        ("min", ("min", 1.0)),
        (None, (None, 1.0)),
    ],
)
def test_magnitude_units_split(unit: str | None, expected: tuple[str | None, float]) -> None:
    assert split_magnitude_unit(unit) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1628万", (16_280_000.0, None, 1e4)),
        ("1,500万元", (15_000_000.0, "元", 1e4)),
        ("2,842", (2842.0, None, 1.0)),
        ("28.6%", (28.6, "%", 1.0)),
        ("39.6元", (39.6, "元", 1.0)),
        ("2.8h", (2.8, "h", 1.0)),
        ("T+3", (3.0, "T+", 1.0)),
        (318, (318.0, None, 1.0)),
    ],
)
def test_scaled_quantities(value: str | float, expected: tuple[float, str | None, float]) -> None:
    assert tuple(parse_scaled_quantity(value)) == expected


def test_values_convert_into_a_scaled_metric_unit() -> None:
    unit = metric_unit("万元")
    assert to_metric_unit(parse_scaled_quantity("1628万"), unit) == (1628.0, "万元", True)
    assert to_metric_unit(parse_scaled_quantity(1628), unit) == (1628.0, "万元", True)
    assert to_metric_unit(parse_scaled_quantity("28.6%"), unit) == (28.6, "%", False)


@pytest.mark.parametrize(
    ("written", "value", "unit"),
    [
        ("50 bugs", 50, "bugs"),
        ("12 months", 12, "months"),
        ("20 members", 20, "members"),
        ("3 kids", 3, "kids"),
        ("4 builds", 4, "builds"),
        ("50b", 50e9, None),
        ("50bn", 50e9, None),
        ("1.2M", 1.2e6, None),
        ("10k users", 1e4, "users"),
        ("2.5 billion", 2.5e9, None),
        ("$1.2M", 1.2e6, "$"),
        ("$3 mil", 3e6, "$"),
        ("3 mln users", 3e6, "users"),
        ("5 miles", 5, "miles"),
        ("12 milestones", 12, "milestones"),
    ],
)
def test_a_magnitude_letter_is_not_the_start_of_a_word(written: str, value: float, unit: str | None) -> None:
    """'50 bugs' is 50 bugs: b, m and k are billion, million and thousand only when no letter follows."""
    from fupan_mcp.domain.numbers import read_value

    read = read_value(written)
    assert (read.value, read.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    ("written", "kind", "value", "unit"),
    [
        ("< 3 customer complaints", "at_most", 3, "customer complaints"),
        ("≤ 2 incidents per quarter", "at_most", 2, "incidents per quarter"),
        ("No more than 2 P1 incidents per quarter", "at_most", 2, "p1 incidents per quarter"),
        ("Cut MTTR in half", "relative_change", 50, "%"),
        ("reduce on-call pages by half", "relative_change", 50, "%"),
    ],
)
def test_english_targets_with_longer_nouns(written: str, kind: str, value: float, unit: str | None) -> None:
    """A count noun of two or three words, and 'cut X in half', as English OKRs write them."""
    read = parse_target(written)
    assert (read.kind, read.value, read.unit) == (kind, pytest.approx(value), unit)


def test_a_magnitude_letter_before_a_digit_is_no_magnitude() -> None:
    """'2 B2B deals' is not 2 billion '2B deals': refused as unreadable rather than misread."""
    from fupan_mcp.domain.numbers import NumberError, read_value

    with pytest.raises(NumberError):
        read_value("2 B2B deals")


@pytest.mark.parametrize("written", ["不超预算", "控制在预算内", "预算以内", "within budget", "on budget"])
def test_within_budget_is_at_most_the_baseline(written: str) -> None:
    """'不超预算' / 'within budget': the budget given as the baseline is the ceiling."""
    from fupan_mcp.analysis.attainment import compute_attainment
    from fupan_mcp.domain.attainment import MetricInput

    result = compute_attainment([MetricInput(name="项目费用", target=written, baseline="45万", actual="47万")])
    metric = result.metrics[0]
    assert metric.status == "not_achieved" and metric.attainment_rate == pytest.approx(45 / 47, abs=1e-9)


@pytest.mark.parametrize(
    ("written", "kind", "value"),
    [
        ("从3%到4%", "at_least", 4),
        ("从45天到30天", "at_most", 30),
        ("3%→4%", "at_least", 4),
        ("45天 -> 30天", "at_most", 30),
        ("1.2亿→1.5亿", "at_least", 1.5e8),
    ],
)
def test_a_move_from_one_level_to_another(written: str, kind: str, value: float) -> None:
    """'从A到B' and 'A→B' as review tables write a target move: the side from the two figures."""
    read = parse_target(written)
    assert (read.kind, read.value) == (kind, pytest.approx(value))
