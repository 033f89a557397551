"""The KPI formula language: parsing, shapes, evaluation and rejection of anything else."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupan_mcp.analysis.formula import (
    MAX_DEPTH,
    FormulaError,
    FormulaEvaluationError,
    FormulaZeroDivision,
    is_identifier,
    parse_formula,
)
from fupan_mcp.limits import MAX_FORMULA_CHARS


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("traffic * cvr * aov", {"traffic": 10_000, "cvr": 0.02, "aov": 50}, 10_000),
        ("gmv / spend", {"gmv": 1628, "spend": 479}, 1628 / 479),
        ("a + b - c", {"a": 1, "b": 2, "c": 4}, -1),
        ("a - b - c", {"a": 10, "b": 2, "c": 3}, 5),
        ("a / b / c", {"a": 12, "b": 2, "c": 3}, 2),
        ("a + b * c", {"a": 1, "b": 2, "c": 3}, 7),
        ("(a + b) * c", {"a": 1, "b": 2, "c": 3}, 9),
        ("-a * b", {"a": 2, "b": 3}, -6),
        ("-(a - b)", {"a": 2, "b": 3}, 1),
        ("- -a", {"a": 2}, 2),
        ("+a", {"a": 2}, 2),
        ("a / (b / c)", {"a": 8, "b": 4, "c": 2}, 4),
        ("sum(a, b, c) / 3", {"a": 1, "b": 2, "c": 6}, 3),
        ("max(a, b) - min(a, b)", {"a": 1, "b": 5}, 4),
        ("MAX(a, 0)", {"a": -1}, 0),
        ("1 - d / p", {"d": 5, "p": 100}, 0.95),
        ("2.5e2 * a + .5", {"a": 2}, 500.5),
        ("注册数 × 激活率", {"注册数": 2842, "激活率": 0.325}, 923.65),
        ("（a ＋ b）÷ c − d", {"a": 1, "b": 3, "c": 2, "d": 1}, 1),
        ("7日留存 * D30留存", {"7日留存": 0.5, "D30留存": 0.4}, 0.2),
    ],
)
def test_evaluates_like_arithmetic(text: str, values: dict[str, float], expected: float) -> None:
    assert parse_formula(text).evaluate(values) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("text", "kind", "ids"),
    [
        ("traffic * cvr * aov", "monomial", ("traffic", "cvr", "aov")),
        ("gmv / spend", "monomial", ("gmv", "spend")),
        ("a / b * 100", "monomial", ("a", "b")),
        ("a + b - c", "linear", ("a", "b", "c")),
        ("sum(a, b) / 2", "linear", ("a", "b")),
        ("2 * (a - b) + 1", "linear", ("a", "b")),
        ("a", "linear", ("a",)),
        ("(a + b) * c", "other", ("a", "b", "c")),
        ("max(a, b)", "other", ("a", "b")),
        ("1 - d / p", "other", ("d", "p")),
        ("42", "constant", ()),
        ("b + a + b", "linear", ("b", "a")),
    ],
)
def test_classifies_the_shape(text: str, kind: str, ids: tuple[str, ...]) -> None:
    expr = parse_formula(text)
    assert expr.kind == kind
    assert expr.ids == ids


def test_linear_and_monomial_forms() -> None:
    linear = parse_formula("2 * (a - b) + a / 4 + 1")
    assert linear.linear == {"a": 2.25, "b": -2.0}
    assert linear.constant == 1.0
    ratio = parse_formula("-(a * b) / (c * a)")
    assert ratio.monomial is not None
    assert ratio.monomial.coefficient == -1.0
    assert ratio.monomial.exponents == {"a": 0, "b": 1, "c": -1}


def test_long_sums_stay_flat() -> None:
    terms = [f"x{i}" for i in range(300)]
    expr = parse_formula(" + ".join(terms))
    assert expr.kind == "linear"
    assert expr.evaluate(dict.fromkeys(terms, 1.0)) == 300


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("__import__('os').system('ls')", "quote"),
        ("__import__(os)", "unknown_function"),
        ("eval(a)", "unknown_function"),
        ("exec(a)", "unknown_function"),
        ("os.system(a)", "attribute"),
        ("a.__class__", "attribute"),
        ("a; b", "unexpected_char"),
        ("a ** 2", "power"),
        ("a ^ 2", "power"),
        ('"a"', "quote"),
        ("`a`", "quote"),
        ("lambda: 1", "assignment"),
        ("a = b", "assignment"),
        ("[a]", "unexpected_char"),
        ("{a}", "unexpected_char"),
        ("a @ b", "unexpected_char"),
        ("a % b", "unexpected_char"),
        ("a if b else c", "expected_operator"),
        ("a b", "expected_operator"),
        ("a // b", "expected_operand"),
        ("1.5x", "number_then_name"),
        ("(a + b", "unclosed"),
        ("max(a, b", "unclosed"),
        ("a + b)", "unmatched"),
        ("a, b", "stray_comma"),
        ("a +", "expected_operand"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_rejects_everything_else_with_a_position(text: str, code: str) -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula(text)
    error = caught.value
    assert isinstance(error, ValueError)
    assert error.code == code
    assert error.column >= 1
    assert f"at character {error.column}" in str(error)
    assert error.reason


def test_error_points_at_the_offending_character() -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula("gmv / spend; rm")
    assert caught.value.column == 12
    assert "';'" in str(caught.value)


def test_error_messages_are_localized() -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula("a ** 2")
    assert "不支持乘方" in caught.value.localized("zh")
    assert "power operator" in caught.value.localized("en")


def test_length_and_depth_are_bounded() -> None:
    with pytest.raises(FormulaError) as caught:
        parse_formula("a+" * MAX_FORMULA_CHARS + "a")
    assert caught.value.code == "too_long"
    nested = "(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH
    assert parse_formula(nested).evaluate({"a": 3}) == 3
    with pytest.raises(FormulaError) as caught:
        parse_formula("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1))
    assert caught.value.code == "too_deep"
    with pytest.raises(FormulaError) as caught:
        parse_formula("-" * 500 + "a")
    assert caught.value.code == "too_deep"


def test_division_by_zero_is_signalled() -> None:
    expr = parse_formula("gmv / spend")
    with pytest.raises(FormulaZeroDivision):
        expr.evaluate({"gmv": 1, "spend": 0})
    with pytest.raises(ZeroDivisionError):
        parse_formula("a / 0").evaluate({"a": 1})
    with pytest.raises(ZeroDivisionError):
        parse_formula("a / (b - c)").evaluate({"a": 1, "b": 2, "c": 2})


@pytest.mark.parametrize("text", ["a * a * a", "a / 1e-320", "a / (1e-320 * a)", "1e999 * a", "1e308 * 1e308 * a"])
def test_non_finite_results_are_signalled(text: str) -> None:
    with pytest.raises(FormulaEvaluationError):
        parse_formula(text).evaluate({"a": 1e200})


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("gmv", True),
        ("注册数", True),
        ("D7留存", True),
        ("7日留存", True),
        ("paid_traffic", True),
        ("_x", True),
        ("123", False),
        ("1e5", False),
        ("sum", False),
        ("Max", False),
        ("a b", False),
        ("a-b", False),
        ("a.b", False),
        ("", False),
    ],
)
def test_is_identifier(text: str, ok: bool) -> None:
    assert is_identifier(text) is ok


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab19e.+-*/(),_ ;'\"=^x×（）sumax")), max_size=40))
def test_any_text_parses_or_raises_formula_error(text: str) -> None:
    try:
        expr = parse_formula(text)
    except FormulaError:
        return
    values = dict.fromkeys(expr.ids, 2.0)
    with contextlib.suppress(FormulaEvaluationError):
        expr.evaluate(values)


def test_a_number_written_with_percent_is_a_fraction() -> None:
    assert parse_formula("收入 × 30%").evaluate({"收入": 200.0}) == pytest.approx(60.0)
    assert parse_formula("(1 - 99.9％) * minutes").evaluate({"minutes": 43200.0}) == pytest.approx(43.2)
    with pytest.raises(FormulaError):
        parse_formula("a % b")  # not a modulo
