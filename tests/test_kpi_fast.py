"""The fast paths of `build_kpi_tree`'s answer give what the general ones give, on many trees.

Each node's evaluation and each contribution is assembled from dict literals (`domain.common.assembled`:
no validation, no key check), so every one of every tree here must equal the model validated from its
own dump, field for field and type for type, with every field set and in the model's order.
"""

from __future__ import annotations

import json
import math
import random
import re
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.analysis.kpi_templates import TEMPLATE_KEYS
from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.domain.kpi import Contribution, KpiNodeEvaluation, KpiTreeResult, PeriodValue

ROOT = Path(__file__).parent.parent
Call = dict[str, Any]


def _channel_tree(channels: int) -> list[dict[str, Any]]:
    """GMV = Σ channels, each traffic × conversion (%) × order value, as people write them."""
    nodes: list[dict[str, Any]] = [
        {"id": "gmv", "name": "GMV", "formula": " + ".join(f"gmv_{k}" for k in range(channels)), "unit": "万元"}
    ]
    for k in range(channels):
        nodes += [
            {"id": f"gmv_{k}", "formula": f"traffic_{k} * cvr_{k} * aov_{k}", "actual": f"{12 + k}.3万元"},
            {"id": f"traffic_{k}", "name": f"渠道 {k} 访客", "actual": 100_000 + 997 * k, "baseline": 90_000 + k},
            {"id": f"cvr_{k}", "name": f"转化率 {k}", "actual": f"{2.5 + k % 7 / 10:.1f}%", "baseline": "2.2%"},
            {"id": f"aov_{k}", "actual": f"{39.6 + k:.1f}元", "baseline": 37 + k % 3, "unit": "元"},
        ]
    return nodes


def _random_tree(seed: int) -> Call:
    """A tree of sums, products, ratios and mixed formulas over leaves with numbers, texts with units,
    zeros, negatives and gaps; now and then a cycle or an unknown id."""
    rng = random.Random(seed)
    leaves = [f"x{i}" for i in range(rng.randint(2, 12))]
    nodes: list[dict[str, Any]] = []
    for leaf in leaves:
        node: dict[str, Any] = {"id": leaf}
        for period in ("actual", "baseline", "target"):
            roll = rng.random()
            if roll < 0.1:
                continue
            value = round(rng.uniform(-50, 5_000) if roll < 0.2 else rng.uniform(0.01, 5_000), rng.randint(0, 4))
            node[period] = rng.choice([value, f"{value}", f"{value}%", f"{value}万", 0])
        if rng.random() < 0.3:
            node["unit"] = rng.choice(["%", "元", "万元", "人", "h", "$", None])
        nodes.append(node)
    level = list(leaves)
    depth = 0
    while len(level) > 1:
        depth += 1
        parents = []
        for j in range(0, len(level), 3):
            group = level[j : j + 3]
            shape = rng.choice(["+", "*", "/", "mixed", "const"])
            if shape == "/" and len(group) > 1:
                formula = f"{group[0]} / {group[1]}" + "".join(f" * {g}" for g in group[2:])
            elif shape == "mixed":
                formula = f"({' + '.join(group)}) * 2 - {group[0]}"
            elif shape == "const":
                formula = f"{' * '.join(group)} * 1.5"
            else:
                formula = f" {shape} ".join(group)
            parent: dict[str, Any] = {"id": f"n{depth}_{j}", "formula": formula}
            if rng.random() < 0.5:
                parent["actual"] = round(rng.uniform(1, 10_000), 2)
            if rng.random() < 0.2:
                parent["unit"] = rng.choice(["%", "元", "万元"])
            nodes.append(parent)
            parents.append(parent["id"])
        level = parents
    if rng.random() < 0.15 and len(nodes) > 3:
        nodes[0] = {"id": nodes[0]["id"], "formula": nodes[-1]["id"]}  # a cycle through the root
    if rng.random() < 0.1:
        nodes.append({"id": "stray", "formula": "nowhere * 2"})
    root = level[0]
    call: Call = {"nodes": nodes, "root": root, "method": rng.choice(["lmdi", "chain", "shapley"])}
    return call


def _corpus() -> list[tuple[str, Call]]:
    cases: list[tuple[str, Call]] = []
    for path in sorted((ROOT / "tests" / "data" / "kpi_trees").glob("*.json")):
        call = json.loads(path.read_text(encoding="utf-8"))["call"]
        cases.append((path.stem, {key: value for key, value in call.items() if key != "language"}))
    for path in sorted((ROOT / "server" / "fupan_mcp" / "samples").glob("*.json")):
        kpi = json.loads(path.read_text(encoding="utf-8")).get("kpi_tree")
        if kpi:
            cases.append((f"sample {path.stem}", {key: value for key, value in kpi.items() if value is not None}))
    cases += [(f"template {key}", {"template": key}) for key in TEMPLATE_KEYS]
    cases += [("channels 40", {"nodes": _channel_tree(40)})]
    cases += [(f"random {seed}", _random_tree(seed)) for seed in range(60)]
    return cases


CORPUS = _corpus()


def _result(call: Call, language: str) -> KpiTreeResult:
    return build_kpi_tree(
        call.get("nodes"), call.get("root"), call.get("template"), language, call.get("method", "lmdi")
    )  # type: ignore[arg-type]


def _assert_as_validated(built: Any, model: type[Any]) -> None:
    assert type(built) is model
    assert list(built.__dict__) == list(model.model_fields)
    assert built.model_fields_set == set(model.model_fields)
    again = model.model_validate(built.model_dump())
    assert again == built
    assert again.model_dump_json() == built.model_dump_json()  # the types too: 1 and 1.0 dump apart


@pytest.mark.parametrize(("name", "call"), CORPUS, ids=[name for name, _ in CORPUS])
def test_assembled_evaluations_equal_validated_ones(name: str, call: Call) -> None:
    for language in ("zh", "en"):
        try:
            result = _result(call, language)
        except ValueError:  # a whole-input error (an ambiguous root): nothing assembled
            continue
        assert result.evaluations, name
        for evaluation in result.evaluations:
            _assert_as_validated(evaluation, KpiNodeEvaluation)
            for period in (evaluation.actual, evaluation.baseline, evaluation.target):
                _assert_as_validated(period, PeriodValue)
        for contribution in result.decomposition.contributions if result.decomposition else ():
            _assert_as_validated(contribution, Contribution)
        again = KpiTreeResult.model_validate(result.model_dump())
        assert again.model_dump_json() == result.model_dump_json()


def test_the_random_trees_reach_the_paths_they_are_for() -> None:
    """The corpus is only as good as the paths it takes: sums, products, fallbacks, cycles, gaps."""
    kinds: set[str] = set()
    codes: set[str] = set()
    methods: set[str] = set()
    for _, call in CORPUS:
        try:
            result = _result(call, "zh")
        except ValueError:
            continue
        kinds.update(e.kind for e in result.evaluations)
        codes.update(f.code for f in result.findings)
        methods.update(e.decomposition_method for e in result.evaluations if e.decomposition_method)
    assert {"leaf", "additive", "multiplicative", "mixed"} <= kinds
    assert {"cycle", "missing_leaf", "inconsistent", "unknown_id"} <= codes
    assert {"additive", "lmdi", "shapley"} <= methods


def _markdown_blocks_reference(texts: list[str]) -> str:
    """`report.render.markdown_blocks` as it was: every run of blank lines collapsed over the joined text."""
    content = "".join(f"{text}\n\n" for text in texts)
    return re.sub(r"\n{3,}", "\n\n", content).strip() + "\n"


def test_markdown_blocks_joins_as_collapsing_the_whole_text_did(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks with newlines and spaces at either end, runs of blank lines inside, empty blocks: the seams
    joined by one blank line give the text the collapse over the whole text gave."""
    from fupan_mcp.report import render

    monkeypatch.setattr(render, "md_block", lambda block, colon: block)
    rng = random.Random(7)
    pieces = ["", "\n", "\n\n", "\n\n\n", "\n\n\n\n", " ", "  \n", "\n \n", "a", "表", "- x\n", "```\nA\n\n\nB\n```\n"]
    for _ in range(3_000):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(0, 6))]
        assert render.markdown_blocks(texts, "：") == _markdown_blocks_reference(texts), texts  # type: ignore[arg-type]


def test_identifier_fast_path_agrees_with_the_rule() -> None:
    """`is_identifier`'s ASCII fast path (a Python identifier) answers as the two regexes do."""
    from fupan_mcp.domain import identifiers

    def by_the_rule(text: str) -> bool:
        if not text or len(text) > identifiers.MAX_FORMULA_CHARS or text.lower() in identifiers.FUNCTIONS:
            return False
        if identifiers._NAME.fullmatch(text) is None:
            return False
        number = identifiers._NUMBER.match(text)
        return number is None or number.end() < len(text)

    rng = random.Random(11)
    alphabet = "abcXYZ_019.e+- 留存·ª\u00b2"
    texts = ["", "_", "sum", "SUM", "Max", "min_", "if", "a" * 4_000, "1e5", "7日留存", "a1", "1a", "e5"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(20_000)]
    for text in texts:
        assert identifiers.is_identifier(text) == by_the_rule(text), text


def _quantity_reference(value: float | None, unit: str | None, language: str, computed: bool = False) -> str:
    """`numfmt.quantity` before its fast paths (no unit; 元 by concatenation; `math.isclose` inline)."""
    from fupan_mcp import numfmt as fmt

    if value is None:
        return "—"
    if unit == "T+":
        return f"T+{fmt.plain(value)}"
    if unit in ("%", "‰"):
        if 99 < value < 100:
            return f"{fmt.plain(value, 4)}{unit}"
        return f"{fmt.plain(value)}{unit}"
    base, factor = fmt.display_unit(unit)
    amount = fmt.clean(value * factor) if factor != 1.0 else value
    assert amount is not None
    if base in ("week", "d", "h", "min", "s", "ms") and math.isfinite(amount):
        amount, base = fmt._plain_duration(amount, base)  # a duration in a unit it reads plainly in
    smallest = fmt._SMALLEST_SCALE[language]  # type: ignore[index]
    if not computed and -smallest < amount < smallest:
        text = fmt.plain(amount)
    else:
        text = _amount_reference(amount, base, language, computed)
    if base == "元":
        sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
        return fmt._WORDS[language]["yuan"].format(sign=sign, n=digits)  # type: ignore[index]
    return text if base is None else fmt._with_unit(text, amount, base, language)  # type: ignore[arg-type]


def _amount_reference(value: float, unit: str | None, language: str, computed: bool) -> str:
    from fupan_mcp import numfmt as fmt

    if not math.isfinite(value):
        return fmt.fmt_number(value)
    if unit in fmt._UNSCALED:
        return fmt.plain(value)
    counted = computed and unit in fmt.COUNT_UNITS
    if counted:
        value = float(round(value))
    magnitude = abs(value)
    for word, factor in fmt.SCALES[language] if magnitude >= fmt._SMALLEST_SCALE[language] else ():  # type: ignore[index]
        if magnitude < factor:
            continue
        scaled = value / factor
        places = 3 if abs(scaled) < 100 else 2
        if computed or math.isclose(round(scaled, places), scaled, rel_tol=1e-9, abs_tol=1e-12):
            return f"{fmt.plain(scaled, places)}{word}"
    if counted:
        return fmt.number(value, digits=0)
    if computed and magnitude < 100:
        text = fmt.number(value, fixed=True)
        if text == "0" and value != 0:
            return fmt.plain(value, 2 - math.floor(math.log10(magnitude)))
        return text
    return fmt.plain(value)


def test_quantity_fast_paths_write_what_the_general_rules_wrote() -> None:
    """Every figure of a grid of values (whole, rounded at 0 to 6 decimals, 1e-7 to 1e14, negative, at the
    scale words' edges, not finite) in every kind of unit, both languages, typed and computed, and as a
    signed change: the same text as `numfmt.quantity` without its fast paths."""
    from fupan_mcp import numfmt as fmt

    rng = random.Random(3)
    values = [0.0, -0.0, 1.0, -1.0, 99.5, 9_999.0, 9_999.5, 10_000.0, 10_000.4, 12_345.678, 99_995.0, 1e8, 1.5e8]
    values += [-3.2e9, 9.9995e9, 0.0004, 1e-7, 123_456_789.123, 1e15, 1e16, math.inf, -math.inf, math.nan]
    values += [round(rng.uniform(-1, 1) * 10 ** rng.randint(-7, 14), rng.randint(0, 6)) for _ in range(1_500)]
    values += [float(rng.randint(-(10**9), 10**9)) for _ in range(300)]
    units = [None, "元", "万元", "亿元", "$", "USD", "$M", "€", "%", "‰", "pp", "bp", "人", "users", "h", "min", "d"]
    units += ["T+", "rank", "x", "QPS", "元/月", "$/month", "p1 incidents", "分"]
    for value in values:
        for unit in units:
            for language in ("zh", "en"):
                for computed in (False, True):
                    expected = _quantity_reference(value, unit, language, computed)
                    got = fmt.quantity(value, unit, language, computed=computed)  # type: ignore[arg-type]
                    assert got == expected, (value, unit, language, computed)
                if math.isfinite(value):
                    magnitude = fmt.clean(abs(value)) or 0.0
                    text = _quantity_reference(magnitude, fmt.difference_unit(unit), language, magnitude >= 100)
                    expected = f"+{text}" if value > 0 else f"-{text}" if value < 0 else text
                    assert fmt.signed_change(value, unit, language) == expected, (value, unit, language)  # type: ignore[arg-type]


def test_simple_formula_patterns_match_what_the_alternation_matched() -> None:
    """`formula._simple_expr` picks the sum or the product pattern by the text's '*': together they match
    exactly the texts the one alternation of both matched."""
    from fupan_mcp.analysis import formula

    both = re.compile(r"\s*[^\W\d]\w*(?:\s*\+\s*[^\W\d]\w*)*\s*|\s*[^\W\d]\w*(?:\s*\*\s*[^\W\d]\w*)+\s*")
    rng = random.Random(5)
    alphabet = ["a", "b1", "_x", "1", "+", "*", " ", "-", "(", ")", ".", "留存", "\t", "×", "＊"]
    texts = ["a", "a * b", "a + b", "a * b + c", " a*b ", "a *", "* a", "1a * b", "a + b * c", ""]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(50_000)]
    for text in texts:
        assert (formula._simple_expr(text) is None) == (both.fullmatch(text) is None), text
