"""Plain-Python floors: the figures of a tool computed with dicts and tuples, no pydantic, no models.

Why: issue #15 asks each tool's whole call to stay within 3x of what plain Python can do on the same
input. These functions are that "what plain Python can do": they read the raw JSON-like arguments the
benchmarks generate (`bench_core.make_*`), compute the figures the tool reports, and build a small
per-item record (figures plus a one-line statement, as the tool's text has). They only understand the
input shapes the generators produce (target forms '≥2,000', '≤45元', '下降30%', '+5pp', '≤T+1',
'不超过380万元'; formulas 'a * b * c' and 'a + b + ...'), which is what a floor is for: the cost of the
arithmetic and of touching every item once. `same_*` compare a floor's figures with the tool's result
(relative tolerance 1e-9), so a floor that computes something else fails the benchmark loudly.
"""

from __future__ import annotations

import math
import re
from typing import Any

Raw = Any

# --- compute_attainment ------------------------------------------------------------------------------

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_SCALE = {"万": 1e4, "亿": 1e8, "千": 1e3}
RATE_CAP = 2.0


def _quantity(value: Raw) -> tuple[float, str] | None:
    """(value, unit) of '2,842', '28.6%', '1628万', '39.6元', '1.7h', 'T+1', 318; None when missing."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value), ""
    text = str(value).strip()
    if text.startswith("T+"):
        return float(text[2:]), "T+"
    match = _NUMBER.search(text)
    if match is None:
        return None
    number = float(match.group().replace(",", ""))
    rest = text[match.end() :]
    if rest[:1] in _SCALE:
        number *= _SCALE[rest[0]]
        rest = rest[1:]
    return number, rest


def _target(text: str) -> tuple[str, float, str]:
    """(kind, value, unit): at_least / at_most / decrease_pct / increase_pp."""
    text = text.strip()
    if text.startswith("下降"):
        quantity = _quantity(text[2:])
        assert quantity is not None
        return "decrease_pct", quantity[0], "%"
    if text.startswith("+") and text.endswith("pp"):
        return "increase_pp", float(text[1:-2]), "pp"
    if text.startswith("不超过"):
        kind, text = "at_most", text[3:]
    elif text.startswith("≤"):
        kind, text = "at_most", text[1:]
    else:
        kind, text = "at_least", text.lstrip("≥")
    quantity = _quantity(text)
    assert quantity is not None
    return kind, quantity[0], quantity[1]


def attainment_floor(metrics: list[dict[str, Any]]) -> dict[str, Any]:
    """Per metric: status, level, rate, gap, change; the weighted rate over achieved/not achieved."""
    rows: list[tuple[Any, ...]] = []
    rate_sum = weight_sum = 0.0
    for index, metric in enumerate(metrics):
        name = metric["name"]
        kind, value, _unit = _target(metric["target"])
        actual_q = _quantity(metric.get("actual"))
        baseline_q = _quantity(metric.get("baseline"))
        baseline = None if baseline_q is None else baseline_q[0]
        if actual_q is None:
            rows.append((index, name, "not_evaluable", None, None, None, None, None))
            continue
        actual = actual_q[0]
        change_abs = None if baseline is None else actual - baseline
        change_rel = None if baseline is None or baseline == 0 else (actual - baseline) / baseline
        if metric.get("aggregation") == "peak":
            rows.append((index, name, "needs_verification", None, None, None, change_abs, change_rel))
            continue
        if kind == "at_least":
            level, rate, gap = value, actual / value, actual - value
            achieved = actual >= value
        elif kind == "at_most":
            level, rate, gap = value, value / actual, value - actual
            achieved = actual <= value
        elif kind == "decrease_pct":
            assert baseline is not None
            level = baseline * (1 - value / 100)
            rate, gap = (baseline - actual) / (baseline - level), level - actual
            achieved = actual <= level
        else:  # increase_pp
            assert baseline is not None
            level = baseline + value
            rate, gap = (actual - baseline) / value, actual - level
            achieved = actual >= level
        rate = round(rate, 11)
        rate_sum += min(rate, RATE_CAP)
        weight_sum += 1.0
        status = "achieved" if achieved else "not_achieved"
        rows.append((index, name, status, level, rate, gap, change_abs, change_rel))
    statements = [f"{row[1]}:{row[2]} {row[4]}" for row in rows]  # one line per metric, as the tool's text
    weighted = round(rate_sum / weight_sum, 11) if weight_sum else None
    return {"rows": rows, "weighted_attainment": weighted, "statements": statements}


def _close(a: float | None, b: float | None, tolerance: float = 1e-9) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-9)


def same_attainment(floor: dict[str, Any], result: Any) -> list[str]:
    """Differences between the floor's figures and an AttainmentResult (empty when they agree)."""
    problems: list[str] = []
    for row, metric in zip(floor["rows"], result.metrics, strict=True):
        index, name, status, level, rate, gap, change_abs, change_rel = row
        if metric.name != name or metric.status != status:
            problems.append(f"metric {index}: {metric.name}/{metric.status} vs floor {name}/{status}")
            continue
        for label, ours, theirs in (
            ("target_level", level, metric.target_level),
            ("attainment_rate", rate, metric.attainment_rate),
            ("gap_to_target", gap, metric.gap_to_target),
            ("change_abs", change_abs, metric.change_abs),
            ("change_rel", change_rel, metric.change_rel),
        ):
            if not _close(ours, theirs, 1e-8):
                problems.append(f"metric {index} {label}: tool {theirs} vs floor {ours}")
    if not _close(floor["weighted_attainment"], result.summary.weighted_attainment, 1e-8):
        problems.append(f"weighted: tool {result.summary.weighted_attainment} vs floor {floor['weighted_attainment']}")
    return problems


# --- build_kpi_tree ------------------------------------------------------------------------------------


def _log_mean(a: float, b: float) -> float:
    if a == b or abs(a - b) <= 1e-12 * max(a, b):
        return (a + b) / 2
    return (a - b) / (math.log(a) - math.log(b))


def kpi_tree_floor(nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """Evaluate every formula bottom-up (actual and baseline), check reported against computed, and split
    the root's change: a sum passes each term's change down, a product splits its (used) change by LMDI."""
    by_id: dict[str, dict[str, Any]] = {}
    ops: dict[str, tuple[str, list[str]]] = {}  # id -> ('*' or '+', input ids)
    used_by: set[str] = set()
    for node in nodes:
        by_id[node["id"]] = node
        formula = node.get("formula")
        if formula:
            op = "*" if "*" in formula else "+"
            node_inputs = [part.strip() for part in formula.split(op)]
            ops[node["id"]] = (op, node_inputs)
            used_by.update(node_inputs)
    root = next(node_id for node_id in by_id if node_id not in used_by)
    values: dict[str, tuple[float, float]] = {}  # id -> (actual used, baseline used)
    computed: dict[str, tuple[float, float]] = {}
    consistent: dict[str, bool] = {}

    def quantity(value: Any) -> float | None:
        got = _quantity(value)
        if got is None:
            return None
        return got[0] / 100 if got[1] == "%" else got[0]

    def evaluate(node_id: str) -> tuple[float, float]:
        if node_id in values:
            return values[node_id]
        if node_id not in by_id:  # a constant in a formula ('n1 * 1')
            constant = float(node_id)
            return constant, constant
        node = by_id[node_id]
        if node_id not in ops:
            pair = (quantity(node["actual"]) or 0.0, quantity(node["baseline"]) or 0.0)
            values[node_id] = pair
            return pair
        op, node_inputs = ops[node_id]
        parts = [evaluate(child) for child in node_inputs]
        if op == "*":
            actual = baseline = 1.0
            for a, b in parts:
                actual *= a
                baseline *= b
        else:
            actual = sum(a for a, _ in parts)
            baseline = sum(b for _, b in parts)
        computed[node_id] = (actual, baseline)
        reported = (quantity(node.get("actual")), quantity(node.get("baseline")))
        used = (
            reported[0] if reported[0] is not None else actual,
            reported[1] if reported[1] is not None else baseline,
        )
        consistent[node_id] = all(
            r is None or math.isclose(r, c, rel_tol=1e-3) for r, c in zip(reported, (actual, baseline), strict=True)
        )
        values[node_id] = used
        return used

    stack = [root]
    while stack:  # deep chains: evaluate children first without recursing 10,000 deep
        node_id = stack[-1]
        pending = [child for child in ops.get(node_id, ("", []))[1] if child not in values and child in by_id]
        if pending:
            stack.extend(pending)
        else:
            evaluate(node_id)
            stack.pop()
    root_actual, root_baseline = values[root]
    total = root_actual - root_baseline
    contributions: dict[str, float] = {root: total}
    order = [root]
    for node_id in order:  # breadth first from the root: each node hands its contribution down
        if node_id not in ops:
            continue
        op, node_inputs = ops[node_id]
        share = contributions[node_id]
        actual, baseline = values[node_id]
        if op == "+":
            change = actual - baseline
            for child in node_inputs:
                child_actual, child_baseline = values[child]
                effect = child_actual - child_baseline
                contributions[child] = share * effect / change if change else effect
                order.append(child)
        else:
            weight = _log_mean(actual, baseline)
            change = actual - baseline
            for child in node_inputs:
                if child not in by_id:
                    continue  # a constant does not change
                child_actual, child_baseline = values[child]
                effect = weight * math.log(child_actual / child_baseline)
                contributions[child] = share * effect / change if change else effect
                order.append(child)
    rows = [(node_id, *values[node_id], contributions.get(node_id), consistent.get(node_id, True)) for node_id in by_id]
    return {"root": root, "actual": root_actual, "baseline": root_baseline, "total": total, "rows": rows}


def same_kpi_tree(floor: dict[str, Any], result: Any) -> list[str]:
    problems: list[str] = []
    decomposition = result.decomposition
    if decomposition is None or decomposition.root != floor["root"]:
        return [f"root: tool {getattr(decomposition, 'root', None)} vs floor {floor['root']}"]
    for label, ours, theirs in (
        ("actual", floor["actual"], decomposition.actual),
        ("baseline", floor["baseline"], decomposition.baseline),
        ("total_change", floor["total"], decomposition.total_change),
    ):
        if not _close(ours, theirs, 1e-6):
            problems.append(f"{label}: tool {theirs} vs floor {ours}")
    evaluations = {evaluation.id: evaluation for evaluation in result.evaluations}
    for node_id, _actual, _baseline, contribution, _consistent in floor["rows"]:
        theirs = evaluations[node_id].contribution
        if contribution is not None and not _close(contribution, theirs, 1e-6):
            problems.append(f"{node_id} contribution: tool {theirs} vs floor {contribution}")
    return problems


# --- swot ----------------------------------------------------------------------------------------------

QUADRANTS = (("S", "strengths"), ("W", "weaknesses"), ("O", "opportunities"), ("T", "threats"))


def swot_floor(arguments: dict[str, Any]) -> dict[str, Any]:
    """Ids S1.., weighted scores, IFE (S+W) and EFE (O+T) sums, strategies checked against the ids."""
    scores: dict[str, float] = {}
    sums = {"IFE": [0.0, 0.0], "EFE": [0.0, 0.0]}  # weight sum, score
    texts: set[str] = set()
    for letter, key in QUADRANTS:
        matrix = sums["IFE" if letter in "SW" else "EFE"]
        for number, item in enumerate(arguments[key], 1):
            weight, rating = float(item["weight"]), float(item["rating"])
            scores[f"{letter}{number}"] = weight * rating
            matrix[0] += weight
            matrix[1] += weight * rating
            texts.add(item["text"])
    valid = [all(use in scores for use in strategy["uses"]) for strategy in arguments.get("strategies") or ()]
    return {
        "scores": scores,
        "ife": round(sums["IFE"][1], 6),
        "efe": round(sums["EFE"][1], 6),
        "weights": (sums["IFE"][0], sums["EFE"][0]),
        "valid": valid,
    }


def same_swot(floor: dict[str, Any], result: Any) -> list[str]:
    problems: list[str] = []
    items = [*result.strengths, *result.weaknesses, *result.opportunities, *result.threats]
    if len(items) != len(floor["scores"]):
        return [f"items: tool {len(items)} vs floor {len(floor['scores'])}"]
    for item in items:
        if not _close(floor["scores"][item.id], item.weighted_score, 1e-9):
            problems.append(f"{item.id}: tool {item.weighted_score} vs floor {floor['scores'][item.id]}")
    for label, ours, theirs in (("ife", floor["ife"], result.ife.score), ("efe", floor["efe"], result.efe.score)):
        if not _close(ours, theirs, 1e-6):
            problems.append(f"{label}: tool {theirs} vs floor {ours}")
    if [strategy.valid for strategy in result.strategies] != floor["valid"]:
        problems.append("strategies: validity differs")
    return problems


# --- five_whys -----------------------------------------------------------------------------------------


def five_whys_floor(arguments: dict[str, Any]) -> dict[str, Any]:
    """The why-why tree of the generated input: an answer hangs off the problem when its parent is
    'problem', else off the answer before it; depth per answer, leaves (the root causes), deepest chain.
    (The tool also classifies each root cause by keywords; the floor does not.)"""
    whys = arguments["whys"]
    depth: list[int] = []
    children: list[list[int]] = [[] for _ in whys]
    for index, why in enumerate(whys):
        if why.get("parent") == "problem" or index == 0:
            depth.append(1)
        else:
            depth.append(depth[index - 1] + 1)
            children[index - 1].append(index)
    leaves = [index for index in range(len(whys)) if not children[index]]
    return {"depth": depth, "leaves": leaves, "max_depth": max(depth)}


def same_five_whys(floor: dict[str, Any], result: Any) -> list[str]:
    problems: list[str] = []
    if [why.depth for why in result.whys] != floor["depth"]:
        problems.append("depths differ")
    leaves = [why.index for why in result.whys if why.is_leaf]
    if leaves != floor["leaves"]:
        problems.append(f"leaves: tool {leaves[:5]} vs floor {floor['leaves'][:5]}")
    causes = [cause.why_id for cause in result.root_causes]
    if causes != [f"W{index + 1}" for index in floor["leaves"]]:
        problems.append(f"root causes: tool {causes[:5]}")
    if result.depth != floor["max_depth"]:
        problems.append(f"depth: tool {result.depth} vs floor {floor['max_depth']}")
    return problems
