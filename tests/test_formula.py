"""The KPI formula language: parsing, shapes, evaluation and rejection of anything else."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import example, given, settings
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


@pytest.mark.parametrize(
    "text",
    [
        "traffic x cvr x aov",
        "traffic X cvr X aov",
        "traffic ⋅ cvr ∗ aov",
        "traffic • cvr ✖ aov",
        "traffic x (cvr * aov)",
    ],
)
def test_a_letter_x_or_a_dot_between_operands_multiplies(text: str) -> None:
    expr = parse_formula(text)
    assert expr.ids == ("traffic", "cvr", "aov")
    assert expr.kind == "monomial"
    assert expr.evaluate({"traffic": 10_000.0, "cvr": 0.02, "aov": 50.0}) == pytest.approx(10_000.0)


def test_x_elsewhere_stays_an_id() -> None:
    assert parse_formula("x * y").ids == ("x", "y")
    assert parse_formula("x + 2").evaluate({"x": 3.0}) == pytest.approx(5.0)
    assert parse_formula("a * x").ids == ("a", "x")
    assert parse_formula("2 x a").evaluate({"a": 4.0}) == pytest.approx(8.0)
    with pytest.raises(FormulaError):
        parse_formula("a x")  # nothing to multiply by


def _parsed_by_the_parser(text: str) -> tuple[object, ...]:
    """What `parse_formula` gave before its plain-sum-or-product path: the tokens, the parser, the walks."""
    from fupan_mcp.analysis import formula

    tree = formula._Parser(formula._tokenize(text)).parse()
    linear = formula._linear_form(tree)
    run = formula._compile(tree)
    return tree, formula._collect_ids(tree), linear, formula._monomial_form(tree), run


_SIMPLE_NAMES = ("a", "b", "gmv_1", "注册数", "D7留存", "_x", "sum", "Traffic")


@given(
    st.lists(st.sampled_from(_SIMPLE_NAMES), min_size=1, max_size=6),
    st.sampled_from((" + ", "+", " * ", "*", "  +\t")),
    st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), min_size=8, max_size=8),
)
@example(["a", "b"], " + ", [-0.0] * 8)  # 0.0 + -0.0 is 0.0: the sum starts at 0.0, not at its first term
@example(["a", "b", "a"], "*", [1e200, 1e200, *[0.0] * 6])  # overflow to inf
@settings(max_examples=300, deadline=None)
def test_a_plain_sum_or_product_reads_as_the_parser_reads_it(names: list[str], op: str, values: list[float]) -> None:
    """The plain shapes ('a + b + c', 'a * b', 'a') skip the tokens and the tree walks: same tree, ids,
    forms and, bit for bit, the same value (or the same error) as the parser gives."""
    text = op.join(names)
    expr = parse_formula(text)
    tree, ids, linear, monomial, run = _parsed_by_the_parser(text)
    assert (expr.tree, expr.ids, expr.monomial) == (tree, ids, monomial)
    assert (expr.linear, expr.constant) == (linear if linear else (None, 0.0))
    env = dict(zip(_SIMPLE_NAMES, values, strict=True))
    got: object
    want: object
    try:
        got = expr.evaluate(env)
    except FormulaEvaluationError as error:
        got = type(error)
    try:
        want = run(env)
        if not math.isfinite(want):
            want = FormulaEvaluationError
    except ZeroDivisionError:
        want = FormulaZeroDivision
    assert repr(got) == repr(want)
