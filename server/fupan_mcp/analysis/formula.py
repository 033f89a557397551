"""KPI formulas: a tokenizer, a precedence-climbing parser and an evaluator. Never ``eval``.

The grammar is deliberately tiny::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := ("-" | "+") unary | primary
    primary := NUMBER | ID | FUNC "(" expr ("," expr)* ")" | "(" expr ")"
    FUNC    := sum | min | max            (case-insensitive)

An ``ID`` is a run of word characters (letters including CJK, digits, underscore), such as
``gmv``, ``注册数`` or ``D7留存``; it may start with a digit (``7日留存``) as long as it is not a
plain number. ``×``, ``÷``, ``−`` and full-width operators and brackets are accepted, and a number
written with ``%`` is a fraction (``30%`` is 0.3).

The parse tree is normalised while it is built: sums (including ``sum(...)``) and products are
flattened into n-ary nodes with constant coefficients folded, so ``a + b + c`` is one node of depth
one, and the shape of a formula can be read off directly (``Expr.kind``): a linear combination of
ids, a monomial (product or ratio of ids), a constant, or anything else. Parenthesis, function and
unary-minus nesting is capped at ``MAX_DEPTH`` and the text at ``limits.MAX_FORMULA_CHARS``, so the
tree is shallow and the recursive parser and evaluator cannot exhaust the stack.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from fupan_mcp.domain.identifiers import FUNCTIONS, is_identifier
from fupan_mcp.i18n import Language, tr
from fupan_mcp.limits import MAX_FORMULA_CHARS

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "Call",
    "Expr",
    "ExprKind",
    "FormulaError",
    "FormulaEvaluationError",
    "FormulaZeroDivision",
    "Monomial",
    "Num",
    "Product",
    "Ref",
    "Sum",
    "is_identifier",
    "parse_formula",
]

MAX_DEPTH = 64

ExprKind = Literal["constant", "linear", "monomial", "other"]
Env = Mapping[str, float]
Evaluator = Callable[[Env], float]

_TEXT = {
    "empty": {"zh": "公式为空", "en": "the formula is empty"},
    "too_long": {"zh": "公式超过 {limit} 个字符", "en": "the formula is longer than {limit} characters"},
    "too_deep": {"zh": "括号、函数或负号嵌套超过 {limit} 层", "en": "nesting deeper than {limit} levels"},
    "unexpected_char": {"zh": "不允许的字符 {char!r}", "en": "character {char!r} is not allowed"},
    "quote": {
        "zh": "不允许引号：公式只能包含指标 id、数字、运算符 + - * / 和括号",
        "en": "quotes are not allowed: a formula holds only ids, numbers, + - * / and parentheses",
    },
    "power": {"zh": "不支持乘方 {op!r}", "en": "the power operator {op!r} is not supported"},
    "attribute": {"zh": "不允许属性访问 '.'", "en": "attribute access with '.' is not allowed"},
    "assignment": {
        "zh": "不要写 {op!r}：只写等号右边的表达式",
        "en": "do not write {op!r}: give only the right-hand side",
    },
    "number_then_name": {
        "zh": "数字后紧跟名称，是否缺少运算符？",
        "en": "a name directly follows a number; is an operator missing?",
    },
    "unknown_function": {
        "zh": "未知函数 {name!r}：只允许 sum、min、max（或此处缺少运算符）",
        "en": "unknown function {name!r}: only sum, min and max are allowed (or an operator is missing)",
    },
    "expected_operand": {
        "zh": "此处应为数字、指标 id、函数或左括号",
        "en": "expected a number, an id, a function or '('",
    },
    "expected_operator": {"zh": "此处应为运算符 + - * /", "en": "expected an operator + - * /"},
    "unclosed": {"zh": "缺少右括号 ')'", "en": "missing closing ')'"},
    "unmatched": {"zh": "多余的右括号 ')'", "en": "unmatched ')'"},
    "stray_comma": {"zh": "逗号只能用于分隔函数参数", "en": "a comma may only separate function arguments"},
    "at": {"zh": "第 {column} 个字符：{reason}", "en": "at character {column}: {reason}"},
}

# Characters people paste from documents, mapped to the ASCII operator they mean.
_OPERATOR_ALIASES = {
    "×": "*",
    "✕": "*",
    "·": "*",
    "⋅": "*",
    "∙": "*",
    "•": "*",
    "∗": "*",
    "✖": "*",
    "⨯": "*",
    "÷": "/",
    "−": "-",
    "–": "-",
    "＋": "+",
    "－": "-",
    "＊": "*",
    "／": "/",
    "（": "(",
    "）": ")",
    "，": ",",
}
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_NAME = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)|(?P<id>\w+)"
    r"|(?P<op>\*\*|[-+*/(),×✕·⋅∙•∗✖⨯÷−–＋－＊／（），])|(?P<end>\Z))"
)
_QUOTES = frozenset("'\"`‘’“”")


# --------------------------------------------------------------------------- errors


class FormulaError(ValueError):
    """A formula that cannot be parsed: a stable ``code``, the 1-based ``column`` and the reason."""

    def __init__(self, code: str, column: int, **params: object) -> None:
        self.code = code
        self.column = column
        self.params = params
        super().__init__(self.localized("en"))

    @property
    def reason(self) -> str:
        return tr(_TEXT, self.code, "en", **self.params)

    def localized(self, language: Language) -> str:
        """The message in ``language``, position included."""
        reason = tr(_TEXT, self.code, language, **self.params)
        return tr(_TEXT, "at", language, column=self.column, reason=reason)


class FormulaEvaluationError(ArithmeticError):
    """The formula parsed but its value is not a finite number for these inputs."""


class FormulaZeroDivision(FormulaEvaluationError, ZeroDivisionError):
    """A divisor evaluated to zero."""


# --------------------------------------------------------------------------- tree


@dataclass(frozen=True, slots=True)
class Num:
    value: float


@dataclass(frozen=True, slots=True)
class Ref:
    name: str


@dataclass(frozen=True, slots=True)
class Sum:
    """``constant + Σ coefficient·term``; never holds a nested Sum or a bare number term."""

    constant: float
    terms: tuple[tuple[float, Node], ...]


@dataclass(frozen=True, slots=True)
class Product:
    """``coefficient · Π factor^exponent``; exponents are non-zero integers (−1 for a divisor)."""

    coefficient: float
    factors: tuple[tuple[int, Node], ...]


@dataclass(frozen=True, slots=True)
class Call:
    """``min(...)`` or ``max(...)`` (``sum`` becomes a Sum)."""

    function: Literal["min", "max"]
    args: tuple[Node, ...]


Node = Num | Ref | Sum | Product | Call


@dataclass(frozen=True, slots=True)
class Monomial:
    """``coefficient · Π id^exponent`` with exponents summed per id."""

    coefficient: float
    exponents: dict[str, int]


@dataclass(frozen=True, slots=True)
class Expr:
    """A parsed formula.

    ``ids`` are the referenced ids in order of first appearance. ``linear`` (id → coefficient, with
    ``constant``) is set when the formula is a linear combination of ids, ``monomial`` when it is
    a product or ratio of ids; ``kind`` summarises which. ``evaluate`` takes every id in ``ids``.
    """

    source: str
    tree: Node
    ids: tuple[str, ...]
    linear: dict[str, float] | None
    constant: float
    monomial: Monomial | None
    _run: Evaluator = field(repr=False, compare=False)

    @property
    def kind(self) -> ExprKind:
        if not self.ids:
            return "constant"
        if self.linear is not None:
            return "linear"
        if self.monomial is not None:
            return "monomial"
        return "other"

    def evaluate(self, values: Env) -> float:
        """The value for ``values`` (id → number, in formula units).

        Raises ``FormulaZeroDivision`` when a divisor is zero and ``FormulaEvaluationError`` when
        the result is not finite; ``KeyError`` when an id is missing from ``values``.
        """
        try:
            result = self._run(values)
        except ZeroDivisionError as exc:
            raise FormulaZeroDivision("division by zero") from exc
        except OverflowError as exc:
            raise FormulaEvaluationError("overflow") from exc
        if not math.isfinite(result):
            raise FormulaEvaluationError("the result is not finite")
        return result


# --------------------------------------------------------------------------- tokens

TokenKind = Literal["num", "id", "op", "end"]
_Token = tuple[TokenKind, str, int]  # kind, text, 1-based column; plain tuples keep parsing cheap


def _tokenize(text: str) -> list[_Token]:
    """Split ``text`` into tokens, rejecting anything that is not part of the grammar."""
    tokens: list[_Token] = []
    pos = 0
    size = len(text)
    while True:
        match = _TOKEN.match(text, pos)
        if match is None:
            space = _SPACE.match(text, pos)
            raise _bad_character(text, space.end() if space else pos)
        kind = match.lastgroup
        pos = match.end()
        if kind == "id":
            tokens.append(("id", match.group(kind), match.start(kind) + 1))
        elif kind == "op":
            op = match.group(kind)
            op = _OPERATOR_ALIASES.get(op, op)
            if op == "**":
                raise FormulaError("power", match.start(kind) + 1, op="**")
            tokens.append(("op", op, match.start(kind) + 1))
        elif kind == "num":
            if pos < size and _NAME.match(text, pos):
                token, pos = _number_or_name(text, match.start(kind))
                tokens.append(token)
            elif pos < size and text[pos] in "%％":  # a percent constant: "收入 × 30%" is 收入 × 0.3
                tokens.append(("num", repr(float(match.group(kind)) / 100), match.start(kind) + 1))
                pos += 1
            else:
                tokens.append(("num", match.group(kind), match.start(kind) + 1))
        else:
            tokens.append(("end", "", size + 1))
            return _letter_x_as_times(tokens)


def _letter_x_as_times(tokens: list[_Token]) -> list[_Token]:
    """A lone ``x`` / ``X`` between two operands is the multiplication sign typed as a letter, as in
    "traffic x cvr x aov" or "UV X CR X AOV": two operands side by side read nothing else (an id ``x`` there
    would be a missing operator either way), so it is a ``*``. Anywhere else ``x`` stays an id."""
    for index in range(1, len(tokens) - 1):
        kind, text, column = tokens[index]
        if kind != "id" or text not in ("x", "X"):
            continue
        before, after = tokens[index - 1], tokens[index + 1]
        if (before[0] in ("num", "id") or before[1] == ")") and (after[0] in ("num", "id") or after[1] == "("):
            tokens[index] = ("op", "*", column)
    return tokens


def _number_or_name(text: str, pos: int) -> tuple[_Token, int]:
    """At a digit: a number, or an id that starts with digits such as ``7日留存``."""
    number = _NUMBER.match(text, pos)
    name = _NAME.match(text, pos)
    name_end = name.end() if name else pos
    if number is None or name_end > number.end():
        assert name is not None
        return ("id", name.group(), pos + 1), name_end
    end = number.end()
    if end < len(text) and _NAME.match(text, end):
        raise FormulaError("number_then_name", end + 1)
    return ("num", number.group(), pos + 1), end


def _bad_character(text: str, pos: int) -> FormulaError:
    char = text[pos]
    column = pos + 1
    if char in _QUOTES:
        return FormulaError("quote", column)
    if char == "^":
        return FormulaError("power", column, op="^")
    if char == ".":
        return FormulaError("attribute", column)
    if char in "=<>!:":
        return FormulaError("assignment", column, op=char)
    return FormulaError("unexpected_char", column, char=char)


# --------------------------------------------------------------------------- parser


class _Parser:
    """Recursive descent over the token list; ``depth`` bounds the recursion."""

    __slots__ = ("depth", "index", "tokens")

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def enter(self, column: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError("too_deep", column, limit=MAX_DEPTH)

    def parse(self) -> Node:
        tree = self.expression()
        kind, text, column = self.tokens[self.index]
        if kind != "end":
            if text == ")":
                raise FormulaError("unmatched", column)
            if text == ",":
                raise FormulaError("stray_comma", column)
            raise FormulaError("expected_operator", column)
        return tree

    def expression(self) -> Node:
        """term (("+" | "-") term)*"""
        first = self.term()
        kind, text, _ = self.tokens[self.index]
        if kind != "op" or text not in _ADDITIVE:
            return first
        terms: list[tuple[float, Node]] = [(1.0, first)]
        while kind == "op" and text in _ADDITIVE:
            self.index += 1
            terms.append((-1.0 if text == "-" else 1.0, self.term()))
            kind, text, _ = self.tokens[self.index]
        return make_sum(0.0, terms)

    def term(self) -> Node:
        """unary (("*" | "/") unary)*"""
        first = self.unary()
        kind, text, _ = self.tokens[self.index]
        if kind != "op" or text not in _MULTIPLICATIVE:
            return first
        factors: list[tuple[int, Node]] = [(1, first)]
        while kind == "op" and text in _MULTIPLICATIVE:
            self.index += 1
            factors.append((-1 if text == "/" else 1, self.unary()))
            kind, text, _ = self.tokens[self.index]
        return make_product(1.0, factors)

    def unary(self) -> Node:
        """("-" | "+") unary | NUMBER | ID | FUNC "(" args ")" | "(" expr ")" """
        kind, text, column = self.tokens[self.index]
        if kind == "num":
            self.index += 1
            return Num(float(text))
        if kind == "id":
            self.index += 1
            following = self.tokens[self.index]
            if following[0] == "op" and following[1] == "(":
                return self.call(text, column)
            return Ref(text)
        if kind == "op" and text in _ADDITIVE:
            self.index += 1
            self.enter(column)
            operand = self.unary()
            self.depth -= 1
            return make_sum(0.0, [(-1.0, operand)]) if text == "-" else operand
        if kind == "op" and text == "(":
            self.index += 1
            self.enter(column)
            inner = self.expression()
            self.close()
            return inner
        if kind == "end" and self.index > 0 and self.tokens[self.index - 1][1] == "(":
            raise FormulaError("unclosed", column)
        raise FormulaError("expected_operand", column)

    def call(self, name: str, column: int) -> Node:
        function = name.lower()
        if function not in FUNCTIONS:
            raise FormulaError("unknown_function", column, name=name)
        self.index += 1  # "("
        self.enter(column)
        args = [self.expression()]
        while self.tokens[self.index][:2] == ("op", ","):
            self.index += 1
            args.append(self.expression())
        self.close()
        if function == "sum":
            return make_sum(0.0, [(1.0, arg) for arg in args])
        return Call("min" if function == "min" else "max", tuple(args))

    def close(self) -> None:
        kind, text, column = self.tokens[self.index]
        if kind != "op" or text != ")":
            if kind == "end":
                raise FormulaError("unclosed", column)
            if text == ",":
                raise FormulaError("stray_comma", column)
            raise FormulaError("expected_operator", column)
        self.index += 1
        self.depth -= 1


_ADDITIVE = ("+", "-")
_MULTIPLICATIVE = ("*", "/")


# --------------------------------------------------------------------------- normalising constructors


def make_sum(constant: float, terms: Sequence[tuple[float, Node]]) -> Node:
    """A flattened sum: nested sums merged, numbers folded, product coefficients pulled out."""
    flat: list[tuple[float, Node]] = []
    for coefficient, term in terms:
        if isinstance(term, Num):
            constant += coefficient * term.value
        elif isinstance(term, Sum):
            constant += coefficient * term.constant
            flat.extend((coefficient * inner, node) for inner, node in term.terms)
        elif isinstance(term, Product) and term.coefficient != 1.0:
            flat.append((coefficient * term.coefficient, make_product(1.0, term.factors)))
        else:
            flat.append((coefficient, term))
    if not flat:
        return Num(constant)
    if constant == 0.0 and len(flat) == 1:
        scale, term = flat[0]
        if scale == 1.0:
            return term
        if isinstance(term, Product):  # -(a*b) is the monomial -1·a·b
            return Product(scale * term.coefficient, term.factors)
    return Sum(constant, tuple(flat))


def make_product(coefficient: float, factors: Sequence[tuple[int, Node]]) -> Node:
    """A flattened product: nested products merged, numbers and single-term sums folded in."""
    flat: list[tuple[int, Node]] = []
    for exponent, factor in factors:
        if isinstance(factor, Num) and factor.value != 0.0:
            coefficient = _scale(coefficient, factor.value, exponent)
        elif isinstance(factor, Product):
            coefficient *= _power_or_keep(factor.coefficient, exponent, flat)
            flat.extend((exponent * inner, node) for inner, node in factor.factors)
        elif isinstance(factor, Sum) and factor.constant == 0.0 and len(factor.terms) == 1:
            scale, node = factor.terms[0]
            coefficient *= _power_or_keep(scale, exponent, flat)
            flat.extend(make_product_factors(node, exponent))
        else:
            flat.append((exponent, factor))
    if not flat:
        return Num(coefficient)
    if len(flat) == 1 and flat[0][0] == 1:
        only = flat[0][1]
        if coefficient == 1.0:
            return only
        if isinstance(only, Sum):  # (a + b) / 2 stays a linear combination
            return make_sum(coefficient * only.constant, [(coefficient * c, t) for c, t in only.terms])
    return Product(coefficient, tuple(flat))


def make_product_factors(node: Node, exponent: int) -> list[tuple[int, Node]]:
    if isinstance(node, Product) and node.coefficient == 1.0:
        return [(exponent * inner, factor) for inner, factor in node.factors]
    return [(exponent, node)]


def _power_or_keep(value: float, exponent: int, flat: list[tuple[int, Node]]) -> float:
    """``value**exponent``, except a zero divisor is kept as a factor so evaluation reports it."""
    if value == 0.0 and exponent < 0:
        flat.append((exponent, Num(0.0)))
        return 1.0
    return _scale(1.0, value, exponent)


def _scale(coefficient: float, value: float, exponent: int) -> float:
    """``coefficient · value**exponent`` by repeated × or ÷: overflow gives ±inf (reported when
    the formula is evaluated) instead of raising while parsing."""
    for _ in range(abs(exponent)):
        coefficient = coefficient * value if exponent > 0 else coefficient / value
    return coefficient


# --------------------------------------------------------------------------- analysis of the tree


def _collect_ids(tree: Node) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    stack: list[Node] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, Ref):
            seen.setdefault(node.name, None)
        elif isinstance(node, Sum):
            stack.extend(term for _, term in reversed(node.terms))
        elif isinstance(node, Product):
            stack.extend(factor for _, factor in reversed(node.factors))
        elif isinstance(node, Call):
            stack.extend(reversed(node.args))
    return tuple(seen)


def _linear_form(tree: Node) -> tuple[dict[str, float], float] | None:
    """id → coefficient and the constant, when the formula is a linear combination of ids."""
    terms: Sequence[tuple[float, Node]]
    if isinstance(tree, Sum):
        constant, terms = tree.constant, tree.terms
    else:
        constant, terms = 0.0, ((1.0, tree),)
    coefficients: dict[str, float] = {}
    for coefficient, term in terms:
        scaled = _scaled_ref(term)
        if scaled is None:
            if isinstance(term, Num):
                constant += coefficient * term.value
                continue
            return None
        scale, name = scaled
        coefficients[name] = coefficients.get(name, 0.0) + coefficient * scale
    return coefficients, constant


def _scaled_ref(node: Node) -> tuple[float, str] | None:
    if isinstance(node, Ref):
        return 1.0, node.name
    if isinstance(node, Product) and len(node.factors) == 1:
        exponent, factor = node.factors[0]
        if exponent == 1 and isinstance(factor, Ref):
            return node.coefficient, factor.name
    return None


def _monomial_form(tree: Node) -> Monomial | None:
    if isinstance(tree, Ref):
        return Monomial(1.0, {tree.name: 1})
    if not isinstance(tree, Product):
        return None
    exponents: dict[str, int] = {}
    for exponent, factor in tree.factors:
        if not isinstance(factor, Ref):
            return None
        exponents[factor.name] = exponents.get(factor.name, 0) + exponent
    return Monomial(tree.coefficient, exponents)


# --------------------------------------------------------------------------- evaluation


def _compile(tree: Node) -> Evaluator:
    """Turn the tree into nested closures (fast to call; depth bounded by the parser)."""
    if isinstance(tree, Num):
        value = tree.value
        return lambda env: value
    if isinstance(tree, Ref):
        name = tree.name
        return lambda env: env[name]
    if isinstance(tree, Sum):
        return _compile_sum(tree)
    if isinstance(tree, Product):
        return _compile_product(tree)
    return _compile_call(tree)


def _compile_sum(tree: Sum) -> Evaluator:
    constant = tree.constant
    parts = [(coefficient, _compile(term)) for coefficient, term in tree.terms]

    def run(env: Env) -> float:
        total = constant
        for coefficient, part in parts:
            total += coefficient * part(env)
        return total

    return run


def _compile_product(tree: Product) -> Evaluator:
    coefficient = tree.coefficient
    parts = [(exponent, _compile(factor)) for exponent, factor in tree.factors]

    def run(env: Env) -> float:
        value = coefficient
        for exponent, part in parts:
            x = part(env)
            if exponent == 1:
                value *= x
            elif exponent == -1:
                value /= x  # ZeroDivisionError is turned into FormulaZeroDivision by Expr.evaluate
            else:
                value *= x**exponent
        return value

    return run


def _compile_call(tree: Call) -> Evaluator:
    parts = [_compile(arg) for arg in tree.args]
    pick = min if tree.function == "min" else max
    return lambda env: pick(part(env) for part in parts)


# --------------------------------------------------------------------------- public entry points


_SIMPLE_SUM = re.compile(r"\s*[^\W\d]\w*(?:\s*\+\s*[^\W\d]\w*)*\s*")
_SIMPLE_PRODUCT = re.compile(r"\s*[^\W\d]\w*(?:\s*\*\s*[^\W\d]\w*)+\s*")
"""The common shapes, ``a + b + c`` (one id too) and ``a * b * c``: ids that start with a letter or '_'. Two
patterns, the one a text can match picked by its '*' (a sum has none, a product has one): as one alternation,
a product was first tried as a sum, a third of its match."""


def _simple_expr(text: str) -> Expr | None:
    """The `Expr` `parse_formula` makes of a plain sum or product of ids, without tokens, its forms read
    off the names instead of walking the tree four times; None for any other shape (a number, a function,
    a '-', '/', brackets or an alias such as '×' go to the parser; a function name without '(' is an id to
    the parser too).

    Why: most formulas of a driver tree are these; tokenizing and parsing each was 40 µs of a 10,000-node
    tree's 100 ms of parsing, and then the walks (ids, linear and monomial forms, the closures) were half
    of what was left. The evaluator does the same float operations in the same order
    as the compiled tree (0.0 + a + b..., 1.0 · a · b...), so every value is the same to the last bit."""
    if (_SIMPLE_PRODUCT if "*" in text else _SIMPLE_SUM).fullmatch(text) is None:
        return None
    names = _NAME.findall(text)
    ids = tuple(dict.fromkeys(names))
    counts = dict.fromkeys(ids, 0)
    for name in names:
        counts[name] += 1
    if len(names) == 1:
        only = names[0]
        return Expr(text, Ref(only), ids, {only: 1.0}, 0.0, Monomial(1.0, {only: 1}), lambda env: env[only])
    if "*" in text:
        tree: Node = Product(1.0, tuple((1, Ref(name)) for name in names))

        def product(env: Env) -> float:
            value = 1.0
            for name in names:
                value *= env[name]
            return value

        return Expr(text, tree, ids, None, 0.0, Monomial(1.0, counts), product)
    tree = Sum(0.0, tuple((1.0, Ref(name)) for name in names))

    def total(env: Env) -> float:
        value = 0.0
        for name in names:
            value += env[name]
        return value

    return Expr(text, tree, ids, {name: float(count) for name, count in counts.items()}, 0.0, None, total)


def parse_formula(text: str) -> Expr:
    """Parse ``text``; raise ``FormulaError`` (a ValueError) with the position and the reason."""
    if len(text) > MAX_FORMULA_CHARS:
        raise FormulaError("too_long", MAX_FORMULA_CHARS + 1, limit=MAX_FORMULA_CHARS)
    if not text.strip():
        raise FormulaError("empty", 1)
    simple = _simple_expr(text)
    if simple is not None:
        return simple
    tree = _Parser(_tokenize(text)).parse()
    linear = _linear_form(tree)
    return Expr(
        source=text,
        tree=tree,
        ids=_collect_ids(tree),
        linear=linear[0] if linear else None,
        constant=linear[1] if linear else 0.0,
        monomial=_monomial_form(tree),
        _run=_compile(tree),
    )
