"""Plain-Python floors: the figures of a tool computed with dicts and tuples, no pydantic, no models.

Why: issue #15 asks each tool's whole call to stay within 3x of what plain Python can do on the same
input. These functions are that "what plain Python can do": they read the raw JSON-like arguments the
benchmarks generate (`bench_core.make_*`), compute the figures the tool reports, and build a small
per-item record (figures plus a one-line statement, as the tool's text has). They only understand the
input shapes the generators produce (target forms '≥2,000', '≤45元', '下降30%', '+5pp', '≤T+1',
'不超过380万元'; formulas 'a * b * c' and 'a + b + ...'), which is what a floor is for: the cost of the
arithmetic and of touching every item once. `same_*` compare a floor's figures with the tool's result
(relative tolerance 1e-9), so a floor that computes something else fails the benchmark loudly.

A floor does all the work its tool does, not only the arithmetic: `five_whys_floor` and `swot_floor`
also compare every text with the others (bigram Jaccard with prefix filtering, as any plain
implementation that is not quadratic would), scan for blame, vague and misplacement words, classify root
causes by keyword and write one line of text per item; each docstring lists what it computes. The word
lists themselves (keywords, the blame and vague-verb lexicon, the placement regexes) are read from
`fupan_mcp` as data: they are the specification, not the work."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
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


# --- texts compared (swot and five_whys) ----------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")
SIMILAR = 0.85  # bigram Jaccard at which two answers are the same (the tool's SIMILARITY_THRESHOLD)


def _print(text: str) -> tuple[str, frozenset[str]]:
    """(normal form, character bigrams): width and case folded, letters and digits only."""
    norm = _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())
    return norm, frozenset(norm[k : k + 2] for k in range(len(norm) - 1)) if len(norm) > 1 else frozenset({norm})


def _similarity(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> float:
    if a[0] == b[0]:
        return 1.0
    inter = len(a[1] & b[1])
    return inter / (len(a[1]) + len(b[1]) - inter)


def _contained(a: tuple[str, frozenset[str]], b: tuple[str, frozenset[str]]) -> bool:
    shorter, longer = (a[0], b[0]) if len(a[0]) <= len(b[0]) else (b[0], a[0])
    return len(shorter) >= 4 and shorter in longer


def _first_similar(prints: list[tuple[str, frozenset[str]]], threshold: float) -> dict[int, tuple[int, float]]:
    """For each text, the first earlier text at least ``threshold`` similar (prefix filtering: texts
    that reach the threshold share one of the rarest ``n - ceil(t n) + 1`` bigrams of each)."""
    frequency: dict[str, int] = {}
    for _, grams in prints:
        for gram in grams:
            frequency[gram] = frequency.get(gram, 0) + 1
    rank = {gram: k for k, gram in enumerate(sorted(frequency, key=lambda g: (frequency[g], g)))}
    index: dict[str, list[int]] = {}
    first: dict[int, tuple[int, float]] = {}
    for i, fp in enumerate(prints):
        size = len(fp[1])
        prefix = sorted(fp[1], key=rank.__getitem__)[: size - math.ceil(threshold * size - 1e-9) + 1]
        candidates = sorted({j for gram in prefix for j in index.get(gram, ())})
        for j in candidates:
            if threshold * size <= len(prints[j][1]) <= size / threshold or prints[j][0] == fp[0]:
                score = _similarity(prints[j], fp)
                if score >= threshold:
                    first[i] = (j, score)
                    break
        for gram in prefix:
            index.setdefault(gram, []).append(i)
    return first


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


# --- swot ----------------------------------------------------------------------------------------------

QUADRANTS = (("S", "strengths"), ("W", "weaknesses"), ("O", "opportunities"), ("T", "threats"))


_QUADRANT_ZH = {"S": "优势 S", "W": "劣势 W", "O": "机会 O", "T": "威胁 T"}
_NEEDS = {"SO": "SO", "ST": "ST", "WO": "WO", "WT": "WT"}


def _placement_words() -> dict[str, re.Pattern[str]]:
    from fupan_mcp.analysis.swot import _EXTERNAL_WORDS, _INTERNAL_WORDS  # the word lists (data)

    external = re.compile(_EXTERNAL_WORDS.pattern, re.IGNORECASE)
    internal = re.compile(_INTERNAL_WORDS.pattern, re.IGNORECASE)
    return {"S": external, "W": external, "O": internal, "T": internal}


_PLACEMENT = _placement_words()


def swot_floor(arguments: dict[str, Any]) -> dict[str, Any]:
    """The whole SWOT check, for the generator's input (`bench_core.make_swot`: every factor with text,
    weight, rating and evidence; strategies with a type and the ids they use):

    - ids S1.., W1.., O1.., T1..; each factor's weighted score; weight in 0-1, rating an integer in 1-4
      on the right side of 2.5 for S and W;
    - near-duplicate factors across all four quadrants (bigram Jaccard >= 0.85, prefix-filtered pairs),
      the first earlier one reported; words placing a factor on the other side (the tool's two regexes);
    - IFE (S+W) and EFE (O+T): weight sums (against 1 ± 0.01), the 10-20 factor range, score and reading;
    - each strategy: ids known, unknown, the quadrants its type needs, foreign ones, valid; the TOWS
      cells with a prompt for an empty one;
    - findings sorted by severity, their counts; the text: one table row per factor and per strategy,
      the two matrix rows, one line per finding (up to 50), one quadrant-chart point per factor
      (its coordinates), joined once."""
    scores: dict[str, float] = {}
    factors: list[tuple[str, str, int, dict[str, Any]]] = []  # (id, quadrant, position, item)
    findings: list[tuple[str, str, str | None]] = []
    for letter, key in QUADRANTS:
        if not arguments[key]:
            findings.append(("empty_quadrant", "warning", key))
        for position, item in enumerate(arguments[key]):
            identifier = f"{letter}{position + 1}"
            factors.append((identifier, letter, position, item))
            scores[identifier] = round(float(item["weight"]) * float(item["rating"]), 6)
    field = dict(QUADRANTS)
    paths = [f"{field[q]}[{position}]" for _, q, position, _ in factors]
    duplicates = _first_similar([_print(item["text"]) for *_, item in factors], SIMILAR)
    for i in sorted(duplicates):
        findings.append(("duplicate", "warning", paths[i]))
    for k, (_, quadrant, _, item) in enumerate(factors):
        if _PLACEMENT[quadrant].search(item["text"]):
            findings.append(("likely_misplaced", "warning", paths[k]))
    for k, (_, quadrant, _, item) in enumerate(factors):
        weight, rating = float(item["weight"]), float(item["rating"])
        if not 0 <= weight <= 1:
            findings.append(("weight_out_of_range", "error", f"{paths[k]}.weight"))
        if not 1 <= rating <= 4:
            findings.append(("rating_out_of_range", "error", f"{paths[k]}.rating"))
        elif rating != int(rating):
            findings.append(("rating_not_integer", "warning", f"{paths[k]}.rating"))
        elif (quadrant == "S" and rating <= 2) or (quadrant == "W" and rating >= 3):
            findings.append(("ife_rating_inconsistent", "info", f"{paths[k]}.rating"))
    matrices = {}
    for name, side in (("IFE", "SW"), ("EFE", "OT")):
        members = [item for _, quadrant, _, item in factors if quadrant in side]
        weights = [float(item["weight"]) for item in members]
        if abs(math.fsum(weights) - 1.0) > 0.01:
            findings.append(("weights_not_summing_to_1", "warning", None))
        if not 10 <= len(members) <= 20:
            code = "too_few_factors" if len(members) < 10 else "too_many_factors"
            findings.append((code, "info", None))
        score = round(math.fsum(float(item["weight"]) * float(item["rating"]) for item in members), 4)
        reading = "偏弱" if score < 2.0 - 1e-9 else "中等" if score < 3.0 - 1e-9 else "较强"
        matrices[name] = (len(members), round(math.fsum(weights), 6), score, reading)
    quadrant_of = {identifier: quadrant for identifier, quadrant, _, _ in factors}
    valid: list[bool] = []
    placed: dict[str, list[int]] = {kind: [] for kind in _NEEDS}
    strategy_rows = []
    for k, strategy in enumerate(arguments.get("strategies") or ()):
        path = f"strategies[{k}].uses"
        uses = list(dict.fromkeys(use for use in strategy["uses"] if use in quadrant_of))
        unknown = [use for use in strategy["uses"] if use not in quadrant_of]
        if unknown:
            findings.append(("strategy_unknown_factor", "error", path))
        if not strategy["uses"]:
            findings.append(("strategy_no_factors", "warning", path))
        kind = strategy["type"]
        cited = {quadrant_of[use] for use in uses}
        lacking = [q for q in kind if q not in cited]
        if strategy["uses"] and lacking:
            findings.append(("strategy_missing_kind", "warning", path))
        foreign = [use for use in uses if quadrant_of[use] not in kind]
        if foreign:
            findings.append(("strategy_wrong_kind", "warning", path))
        ok = bool(uses) and not lacking and not foreign and not unknown
        valid.append(ok)
        placed[kind].append(k)
        strategy_rows.append((kind, strategy["text"], "、".join(uses) or "—", "是" if ok else "否"))
    for indexes in placed.values():
        if valid and not indexes:
            findings.append(("missing_strategy_type", "info", "strategies"))
    if not valid:
        findings.append(("no_strategies", "info", "strategies"))
    findings.sort(key=lambda f: _SEVERITY_RANK[f[1]])
    severities = {"error": 0, "warning": 0, "info": 0}
    for _, severity, _ in findings:
        severities[severity] += 1

    lines = [
        f"| {_QUADRANT_ZH[quadrant]} | {identifier} | {item['text']} | {float(item['weight']):.3g} | "
        f"{float(item['rating']):g} | {scores[identifier]:.3g} |"
        for identifier, quadrant, _, item in factors
    ]
    lines += [f"| {' | '.join(row)} |" for kind in _NEEDS for row in strategy_rows if row[0] == kind]
    lines += [f"| {name} | {m[0]} | {m[1]:g} | {m[2]:.2f} | {m[3]} |" for name, m in matrices.items()]
    lines += [f"- **{severity}**：{code} ({code} · {path})" for code, severity, path in findings[:50]]
    for quadrant in "SWOT":
        points = [(identifier, item) for identifier, q, _, item in factors if q == quadrant]
        heaviest = max(float(item["weight"]) for _, item in points) if points else 1.0
        helpful, internal = quadrant in "SO", quadrant in "SW"
        for identifier, item in points:
            strength = min(max((float(item["rating"]) - 1) / 3, 0.0), 1.0)
            dx = 0.05 + 0.4 * min(max(float(item["weight"]) / heaviest, 0.0), 1.0)
            dy = 0.05 + 0.4 * (strength if helpful else 1.0 - strength)
            x, y = (0.5 - dx if internal else 0.5 + dx), (0.5 + dy if helpful else 0.5 - dy)
            label = f"{identifier} {item['text']}"
            lines.append(f'    "{label if len(label) <= 24 else label[:23] + "…"}": [{x:.2f}, {y:.2f}]')
    return {
        "scores": scores,
        "ife": matrices["IFE"][2],
        "efe": matrices["EFE"][2],
        "weights": (matrices["IFE"][1], matrices["EFE"][1]),
        "valid": valid,
        "placed": placed,
        "findings": [(code, path) for code, _, path in findings],
        "severities": severities,
        "text": "\n".join(lines),
    }


def same_swot(floor: dict[str, Any], result: Any) -> list[str]:
    problems: list[str] = []
    items = [*result.strengths, *result.weaknesses, *result.opportunities, *result.threats]
    if len(items) != len(floor["scores"]):
        return [f"items: tool {len(items)} vs floor {len(floor['scores'])}"]
    for item in items:
        if not _close(floor["scores"][item.id], item.weighted_score, 1e-9):
            problems.append(f"{item.id}: tool {item.weighted_score} vs floor {floor['scores'][item.id]}")
    for label, ours, theirs in (
        ("ife", floor["ife"], result.ife.score),
        ("efe", floor["efe"], result.efe.score),
        ("ife weights", floor["weights"][0], result.ife.weight_sum),
        ("efe weights", floor["weights"][1], result.efe.weight_sum),
    ):
        if not _close(ours, theirs, 1e-6):
            problems.append(f"{label}: tool {theirs} vs floor {ours}")
    if [strategy.valid for strategy in result.strategies] != floor["valid"]:
        problems.append("strategies: validity differs")
    if {cell.type: cell.strategies for cell in result.tows} != floor["placed"]:
        problems.append("TOWS cells differ")
    findings = [(finding.code, finding.path) for finding in result.findings]
    if findings != floor["findings"]:
        problems.append(f"findings: tool {findings[:4]} vs floor {floor['findings'][:4]}")
    counts = {"error": result.counts.error, "warning": result.counts.warning, "info": result.counts.info}
    if counts != floor["severities"]:
        problems.append(f"counts: tool {counts} vs floor {floor['severities']}")
    return problems


# --- five_whys -----------------------------------------------------------------------------------------


def _keyword_schemes() -> dict[str, tuple[list[str], dict[str, list[tuple[str, str]]], list[tuple[str, str]]]]:
    """Per scheme: categories in tie-break order, Chinese keywords by first character, English ones."""
    from fupan_mcp.analysis.five_whys import _DOMAIN_KEYWORDS, _SIX_M_KEYWORDS  # the keyword lists (data)

    schemes = {}
    for scheme, table in (("domain", _DOMAIN_KEYWORDS), ("6m", _SIX_M_KEYWORDS)):
        by_char: dict[str, list[tuple[str, str]]] = {}
        english: list[tuple[str, str]] = []
        for category, words in table.items():
            for word in words.split("|"):
                if word.isascii():
                    english.append((word.casefold(), category))
                else:
                    by_char.setdefault(word[0], []).append((word, category))
        schemes[scheme] = (list(table), by_char, english)
    return schemes


def _lexicon() -> tuple[re.Pattern[str], re.Pattern[str]]:
    from fupan_mcp.analysis.lexicon import BLAME_TERMS, VAGUE_VERBS  # the word lists (data)

    blame = re.compile("|".join(f"(?:{term.pattern})" for term in BLAME_TERMS), re.IGNORECASE)
    vague = "|".join(rf"\b{re.escape(v)}\b" if v.isascii() else re.escape(v) for v in VAGUE_VERBS)
    return blame, re.compile(vague, re.IGNORECASE)


_SCHEMES = _keyword_schemes()
_ASCII_TOKEN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_BLAME, _VAGUE = _lexicon()
_CATEGORY_ZH = {
    "process": "流程", "technology": "技术", "people": "人员能力", "organization": "组织与职责", "data": "数据",
    "man": "人", "machine": "机（设备/系统）", "method": "法（方法/流程）", "material": "料",
    "measurement": "测（度量）", "environment": "环（环境）",
}  # fmt: skip
_STATUS_ZH = {"verified": "已验证", "evidence": "有证据", "unverified": "未验证"}


def _category(text: str, scheme: str) -> str:
    """The category with most distinct keywords in ``text`` (the first listed on a tie), else unknown:
    Chinese keywords anywhere, English ones at the start of a word."""
    order, by_char, english = _SCHEMES[scheme]
    folded = text.casefold()
    found: dict[str, set[str]] = {}
    for char in set(folded):
        for word, category in by_char.get(char, ()):
            if word in folded:
                found.setdefault(category, set()).add(word)
    for token in _ASCII_TOKEN.findall(folded):
        for word, category in english:
            if token.startswith(word):
                found.setdefault(category, set()).add(token)
    best, most = "unknown", 0
    for category in order:
        if len(found.get(category, ())) > most:
            best, most = category, len(found[category])
    return best


def five_whys_floor(arguments: dict[str, Any]) -> dict[str, Any]:
    """The whole check of a why-why tree, for the generator's input (`bench_core.make_whys`: answers whose
    parent is 'problem' or the answer before; countermeasures citing R1, R2...; an ISO review date):

    - the tree: ids W1.., depth, children, display labels (level + branch letters), leaves = root causes;
    - per answer: bigram fingerprint; restates the problem (Jaccard >= 0.85 or containment), else the
      first earlier answer at least 0.85 similar (prefix-filtered pairs): circular on its own chain,
      repeated across branches; blame words (the lexicon, one regex); evidence status, an unverified
      link (a root cause's or not) with its data gap;
    - the problem: a number in it, blame words; the depth against 3;
    - per root cause: blame, domain and 6M category by keywords, the 'therefore' read-back;
    - per countermeasure: the root it cites, owner, due date (after the review), a number in the success
      metric, vague verbs, blame, complete; roots with no countermeasure;
    - findings sorted by severity, their counts; the text: one line per answer, root cause, read-back,
      countermeasure and finding (up to 50), one flowchart edge per answer, joined once."""
    problem = arguments["problem"].strip()
    whys = arguments["whys"]
    review = dt.date.fromisoformat(arguments["review_date"])
    count = len(whys)
    parent = [-1 if why.get("parent") == "problem" or k == 0 else k - 1 for k, why in enumerate(whys)]
    depth: list[int] = []
    children: list[list[int]] = [[] for _ in whys]
    top: list[int] = []
    for k, up in enumerate(parent):
        depth.append(1 if up < 0 else depth[up] + 1)
        (top if up < 0 else children[up]).append(k)
    suffix = [""] * count
    for position, node in enumerate(top):
        suffix[node] = _letters(position) if len(top) > 1 else ""
    for k, up in enumerate(parent):  # parents come first in the generated input
        if up >= 0:
            kids = children[up]
            suffix[k] = suffix[up] + (_letters(kids.index(k)) if len(kids) > 1 else "")
    labels = [f"{depth[k]}{suffix[k]}" for k in range(count)]
    ids = [f"W{k + 1}" for k in range(count)]
    leaves = [k for k in range(count) if not children[k]]
    root_of = {leaf: f"R{n + 1}" for n, leaf in enumerate(leaves)}
    status = [
        "verified" if why.get("verified") else "evidence" if why.get("evidence") else "unverified" for why in whys
    ]
    max_depth = max(depth)

    findings: list[tuple[str, str, str | None]] = []  # (code, severity, path)
    gaps = 0
    if not re.search(r"\d|[%‰]|率", unicodedata.normalize("NFKC", problem)):
        findings.append(("problem_not_measurable", "info", "problem"))
    if _BLAME.search(problem):
        findings.append(("blame_person", "warning", "problem"))
    if max_depth < 3:
        findings.append(("too_shallow", "warning", "whys"))
    prints = [_print(why["answer"]) for why in whys]
    problem_print = _print(problem)
    first = _first_similar(prints, SIMILAR)
    for k, fp in enumerate(prints):
        if _similarity(fp, problem_print) >= SIMILAR or _contained(fp, problem_print):
            findings.append(("circular_answer", "warning", f"whys[{k}]"))
        elif k in first:
            other, up = first[k][0], parent[k]
            while up >= 0 and up != other:
                up = parent[up]
            findings.append(
                ("circular_answer", "warning", f"whys[{k}]") if up >= 0 else ("repeated_answer", "info", f"whys[{k}]")
            )
    for k, why in enumerate(whys):
        if k not in root_of and _BLAME.search(why["answer"]):
            findings.append(("blame_person", "warning", f"whys[{k}]"))
        if status[k] == "unverified":
            findings.append(
                ("unverified_root", "warning", f"whys[{k}]")
                if k in root_of
                else ("unverified_link", "info", f"whys[{k}]")
            )
            gaps += 1
    roots = []
    for leaf in leaves:
        text = whys[leaf]["answer"]
        blames = bool(_BLAME.search(text))
        if blames:
            findings.append(("root_cause_blames_person", "error", f"whys[{leaf}]"))
        chain = [leaf]
        while parent[chain[-1]] >= 0:
            chain.append(parent[chain[-1]])
        steps = [whys[k]["answer"] for k in chain] + [problem]
        roots.append(
            {
                "id": root_of[leaf],
                "why": ids[leaf],
                "text": text,
                "categories": (_category(text, "domain"), _category(text, "6m")),
                "blames": blames,
                "read_back": " → 因此 → ".join(steps),
                "countermeasures": [],
            }
        )
    by_id = {root["id"].casefold(): n for n, root in enumerate(roots)}
    countermeasures = []
    for k, item in enumerate(arguments["countermeasures"]):
        tokens = [token for token in re.split(r"[,，;；、/\s]+", item.get("addresses") or "") if token]
        matched = (
            sorted({by_id[t.casefold()] for t in tokens})
            if tokens and all(t.casefold() in by_id for t in tokens)
            else []
        )
        if item.get("addresses") and not matched:
            findings.append(("countermeasure_unknown_root", "warning", f"countermeasures[{k}].addresses"))
        for n in matched:
            roots[n]["countermeasures"].append(k)
        countermeasures.append((k, matched))
    rows = []
    for k, item in enumerate(arguments["countermeasures"]):
        path = f"countermeasures[{k}]"
        due = dt.date.fromisoformat(item["due"]) if item.get("due") else None
        if not item.get("owner"):
            findings.append(("countermeasure_no_owner", "warning", f"{path}.owner"))
            gaps += 1
        if due is None:
            findings.append(("countermeasure_no_due", "warning", f"{path}.due"))
            gaps += 1
        elif due < review:
            findings.append(("countermeasure_due_before_review", "warning", f"{path}.due"))
        metric = item.get("success_metric")
        if not metric:
            findings.append(("countermeasure_no_metric", "warning", f"{path}.success_metric"))
            gaps += 1
        elif not re.search(r"\d", unicodedata.normalize("NFKC", metric)):
            findings.append(("countermeasure_metric_not_measurable", "info", f"{path}.success_metric"))
        vague = _VAGUE.search(item["action"]) is not None
        if vague:
            findings.append(("countermeasure_vague", "warning", f"{path}.action"))
        if _BLAME.search(item["action"]):
            findings.append(("blame_person", "warning", f"{path}.action"))
        complete = bool(item.get("owner") and due and metric and not vague)
        cited = "、".join(roots[n]["id"] for n in countermeasures[k][1]) or "—"
        rows.append(
            (
                item["action"],
                item.get("owner") or "未提供",
                due.isoformat() if due else "未提供",
                metric or "未提供",
                cited,
                complete,
            )
        )
    for root in roots:
        if not root["countermeasures"]:
            findings.append(("root_cause_no_countermeasure", "warning", None))
    findings.sort(key=lambda f: _SEVERITY_RANK[f[1]])
    severities = {"error": 0, "warning": 0, "info": 0}
    for _, severity, _ in findings:
        severities[severity] += 1

    lines = [f"问题：{problem}", f"深度 {max_depth} 层；{severities}"]
    marks = {leaf: root_of[leaf] for leaf in leaves}
    order, stack = [], list(reversed(top))
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(children[node]))
    for k in order:
        why = whys[k]
        line = f"{'  ' * (depth[k] - 1)}- {labels[k]}（{ids[k]}）：{why['answer']} — {_STATUS_ZH[status[k]]}"
        if why.get("evidence"):
            line += f" · 证据：{why['evidence']}"
        if k in marks:
            line += f" · 根因 {marks[k]}"
        lines.append(line)
    for root in roots:
        domain, six_m = (_CATEGORY_ZH.get(category, "未识别") for category in root["categories"])
        lines.append(f"- {root['id']} {root['text']}（{domain}；{six_m}）")
    lines += [f"- {root['read_back']}" for root in roots]
    lines += [f"| {' | '.join(str(cell).replace('|', chr(92) + '|') for cell in row)} |" for row in rows]
    lines += [f"- **{severity}**：{code} ({code} · {path})" for code, severity, path in findings[:50]]
    lines += [
        f'    {"P" if parent[k] < 0 else f"n{parent[k]}"} -->|为什么| n{k}["为什么 {label}：{whys[k]["answer"][:60]}"]'
        for k, label in ((k, labels[k]) for k in order)
    ]
    return {
        "depth": depth,
        "labels": labels,
        "leaves": leaves,
        "max_depth": max_depth,
        "roots": roots,
        "findings": [(code, path) for code, _, path in findings],
        "severities": severities,
        "gaps": gaps,
        "complete": [row[5] for row in rows],
        "text": "\n".join(lines),
    }


def _letters(position: int) -> str:
    text, position = "", position + 1
    while position:
        position, remainder = divmod(position - 1, 26)
        text = chr(ord("a") + remainder) + text
    return text


def same_five_whys(floor: dict[str, Any], result: Any) -> list[str]:
    problems: list[str] = []
    if [why.depth for why in result.whys] != floor["depth"]:
        problems.append("depths differ")
    if [why.label for why in result.whys] != floor["labels"]:
        problems.append("labels differ")
    leaves = [why.index for why in result.whys if why.is_leaf]
    if leaves != floor["leaves"]:
        problems.append(f"leaves: tool {leaves[:5]} vs floor {floor['leaves'][:5]}")
    causes = [(cause.id, cause.why_id) for cause in result.root_causes]
    if causes != [(root["id"], root["why"]) for root in floor["roots"]]:
        problems.append(f"root causes: tool {causes[:5]}")
    categories = [(cause.category.category, cause.category_6m.category) for cause in result.root_causes]
    if categories != [root["categories"] for root in floor["roots"]]:
        problems.append(f"categories: tool {categories[:5]} vs floor {[r['categories'] for r in floor['roots']][:5]}")
    if [cause.blames_person for cause in result.root_causes] != [root["blames"] for root in floor["roots"]]:
        problems.append("root blame differs")
    if [cause.countermeasures for cause in result.root_causes] != [root["countermeasures"] for root in floor["roots"]]:
        problems.append("root countermeasures differ")
    if [rb.text for rb in result.read_back] != [root["read_back"] for root in floor["roots"]]:
        problems.append("read-backs differ")
    if result.depth != floor["max_depth"]:
        problems.append(f"depth: tool {result.depth} vs floor {floor['max_depth']}")
    findings = [(finding.code, finding.path) for finding in result.findings]
    if findings != floor["findings"]:
        problems.append(f"findings: tool {findings[:4]} vs floor {floor['findings'][:4]}")
    counts = {"error": result.counts.error, "warning": result.counts.warning, "info": result.counts.info}
    if counts != floor["severities"]:
        problems.append(f"counts: tool {counts} vs floor {floor['severities']}")
    if len(result.data_gaps) != floor["gaps"]:
        problems.append(f"data gaps: tool {len(result.data_gaps)} vs floor {floor['gaps']}")
    if [cm.complete for cm in result.countermeasures] != floor["complete"]:
        problems.append("countermeasure completeness differs")
    return problems


# --- check_actions -------------------------------------------------------------------------------------


def _action_words() -> dict[str, Any]:
    from fupan_mcp.analysis import actions as words  # the verb lists, fillers, separators, phrases (data)
    from fupan_mcp.analysis.lexicon import VAGUE_VERBS

    names = (
        "_MARKER _ZH_VERB_RE _ZH_STRIP _ZH_FILLER_RE _ZH_OBJECT_FIRST _ZH_NOUN_TAIL _CLAUSE_END _OWNER_SPECIAL "
        "_LEAD_ZH _STRONG_SEP _WEAK_SEP _RELATIVE _MEASURABLE_CHARS _MEASURABLE_WORDS _TICKET _PEOPLE_FIX"
    )
    table: dict[str, Any] = {name: getattr(words, name) for name in names.split()}
    table["zh_vague"] = tuple(verb for verb in VAGUE_VERBS if not verb.isascii())
    table["vague"] = VAGUE_VERBS
    return table


_ACTION_WORDS = _action_words()
_VAGUE_LOWER = tuple(verb.lower() for verb in _ACTION_WORDS["vague"])
_OPEN = ("open", "in_progress")
_KEY_DROP = re.compile(r"[\s\W_]+")
_STATUS_WORDS = {"open": "待办", "in_progress": "进行中", "done": "已完成", "wont_do": "不做"}


def _verb_check(text: str) -> tuple[str | None, str]:
    """(None, '') when a Chinese action opens with a verb, else (vague_verb | filler_start | noun_first |
    no_verb, the word): vague opening, verb, up to four leading time/actor/adverb phrases stripped, then
    a filler, a vague verb, 将/把 or a verb, else a first clause ending like a title."""
    w = _ACTION_WORDS
    body = w["_MARKER"].sub("", unicodedata.normalize("NFKC", text).strip(), count=1)
    vague = next((verb for verb in w["zh_vague"] if body.startswith(verb)), None)
    if vague is not None:
        return "vague_verb", vague
    if w["_ZH_VERB_RE"].match(body):
        return None, ""
    for _ in range(4):
        stripped = w["_ZH_STRIP"].sub("", body, count=1)
        if stripped == body:
            break
        body = stripped
    if not body:
        return "no_verb", ""
    filler = w["_ZH_FILLER_RE"].match(body)
    if filler and not w["_ZH_VERB_RE"].match(body):
        return "filler_start", filler.group()
    vague = next((verb for verb in w["zh_vague"] if body.startswith(verb)), None)
    if vague is not None:
        return "vague_verb", vague
    if w["_ZH_OBJECT_FIRST"].match(body) or w["_ZH_VERB_RE"].match(body):
        return None, ""
    clause = w["_CLAUSE_END"].split(body, maxsplit=1)[0].strip()
    return ("noun_first", clause) if w["_ZH_NOUN_TAIL"].search(clause) else (None, "")


def _owner_count(owner: str | None) -> int:
    """How many accountable owners ``owner`` names (a lead 'X牵头' is one)."""
    w = _ACTION_WORDS
    if owner is None or owner.strip().lower() in ("", "-", "—", "?", "tbd", "n/a", "none", "待定", "无"):
        return 0
    text = unicodedata.normalize("NFKC", owner).strip()
    if not w["_OWNER_SPECIAL"].search(text):
        return 1
    lead = w["_LEAD_ZH"].match(text)
    if lead:
        text = lead.group(1).strip()
    count = 0
    for part in (p.strip() for p in w["_STRONG_SEP"].split(text) if p.strip()):
        pieces = [p.strip() for p in w["_WEAK_SEP"].split(part)]
        count += len(pieces) if len(pieces) > 1 and all(len(p) >= 2 for p in pieces) else 1
    return count


def _grams(text: str) -> frozenset[str]:
    key = _KEY_DROP.sub("", unicodedata.normalize("NFKC", text).casefold())
    return frozenset(key[k : k + 2] for k in range(len(key) - 1)) if len(key) > 1 else frozenset({key})


def check_actions_floor(arguments: dict[str, Any]) -> dict[str, Any]:
    """Every action of the generator's input (`bench_core.make_actions`: Chinese action texts, owners,
    ISO due dates, priorities, addresses, metrics, statuses; the review date and the known problems):

    - verb: a vague opening, a verb, or after stripping leading time/actor/adverb phrases a filler, a
      vague verb or a noun-like title (the tool's verb list and phrases); vague verbs anywhere;
    - owner: none, one, or several (separators, a lead, 和/与 between names);
    - due: after the review date, else missing (with the relative phrase 'T+30' the text implies and the
      date it gives) or not after the review; overdue days as of the review date;
    - metric: missing, a ticket, or nothing measurable (numbers, comparators, count words);
    - addresses: the known problem with the largest bigram overlap coefficient, matched at 0.5;
    - status: done without evidence, open without priority; 'people fix' phrases; repeated texts;
    - per action the five checks, score, findings; counts by status and code, complete, with errors and
      warnings, the average score; the data gaps; the text: one table row per action (up to 200) and
      the summary, joined once."""
    w = _ACTION_WORDS
    review = dt.date.fromisoformat(arguments["review_date"])
    known = [(problem, _grams(problem)) for problem in arguments.get("problems") or ()]
    rows: list[tuple[Any, ...]] = []
    by_code: dict[str, int] = {}
    by_status: dict[str, int] = {}
    seen: set[str] = set()
    complete = with_errors = with_warnings = overdue_count = score_sum = gaps = 0
    for index, action in enumerate(arguments["actions"]):
        path = f"actions[{index}]"
        text, status = action["action"], action.get("status", "open")
        found: list[tuple[str, str, str]] = []  # (code, severity, path)
        code, _word = _verb_check(text)
        lowered = text.lower()
        if code == "vague_verb" or (any(verb in lowered for verb in _VAGUE_LOWER) and _VAGUE.search(text)):
            found.append(("vague_verb", "warning", f"{path}.action"))
        if code in ("filler_start", "noun_first", "no_verb"):
            found.append((code, "warning", f"{path}.action"))
        verb_ok = code is None
        named = _owner_count(action.get("owner"))
        if named == 0 and status != "wont_do":
            found.append(("missing_owner", "warning", f"{path}.owner"))
        elif named > 1:
            found.append(("multiple_owners", "warning", f"{path}.owner"))
        owner_ok = named == 1
        due = dt.date.fromisoformat(action["due"]) if action.get("due") else None
        due_ok = due is not None and (due > review or status not in _OPEN)
        suggested = None
        if status in _OPEN:
            if due is None:
                found.append(("missing_due", "warning", f"{path}.due"))
                relative = w["_RELATIVE"].search(unicodedata.normalize("NFKC", f"{text} {action.get('owner') or ''}"))
                if relative is not None:
                    if relative.group("tdays") is not None and relative.group("tsign") == "+":
                        suggested = review + dt.timedelta(days=int(relative.group("tdays")))
                    found.append(("relative_due", "info", f"{path}.action"))
            elif due <= review:
                found.append(("due_not_after_review", "error", f"{path}.due"))
            if due is not None and due < review:
                found.append(("overdue", "warning", f"{path}.due"))
        is_overdue = status in _OPEN and due is not None and due < review
        days = ((review - due).days if is_overdue and due else 0) if status in _OPEN else None
        metric = action.get("success_metric")
        metric_ok = False
        if not metric:
            if status != "wont_do":
                found.append(("missing_metric", "warning", f"{path}.success_metric"))
        elif w["_TICKET"].match(metric.strip()):
            found.append(("metric_is_ticket", "warning", f"{path}.success_metric"))
        elif not (w["_MEASURABLE_CHARS"].search(metric) or w["_MEASURABLE_WORDS"].search(metric)):
            found.append(("metric_not_measurable", "warning", f"{path}.success_metric"))
        else:
            metric_ok = True
        addresses, matched = action.get("addresses"), None
        addresses_ok = False
        if not addresses:
            if status != "wont_do":
                found.append(("missing_addresses", "warning", f"{path}.addresses"))
        elif not known:
            addresses_ok = True
        else:
            grams = _grams(addresses)
            best, best_score = known[0][0], 0.0
            for problem, problem_grams in known:
                score = len(grams & problem_grams) / min(len(grams), len(problem_grams))
                if score > best_score:
                    best, best_score = problem, score
            if best_score >= 0.5:
                addresses_ok, matched = True, best
            else:
                found.append(("addresses_unmatched", "warning", f"{path}.addresses"))
        if status == "done" and not action.get("evidence"):
            found.append(("done_without_evidence", "error", f"{path}.evidence"))
        elif status == "wont_do" and not action.get("status_reason"):
            found.append(("wont_do_without_reason", "error", f"{path}.status_reason"))
        elif status in _OPEN and not action.get("priority"):
            found.append(("missing_priority", "info", f"{path}.priority"))
        if w["_PEOPLE_FIX"].search(unicodedata.normalize("NFKC", text)):
            found.append(("people_fix", "warning", path))
        key = _KEY_DROP.sub("", unicodedata.normalize("NFKC", text).casefold())
        extra = [("duplicate_action", "warning", path)] if key in seen else []
        seen.add(key)
        score = verb_ok + owner_ok + due_ok + metric_ok + addresses_ok
        severities = {severity for _, severity, _ in (*found, *extra)}
        complete += score == 5 and "error" not in severities
        with_errors += "error" in severities
        with_warnings += "warning" in severities
        overdue_count += is_overdue
        score_sum += score
        by_status[status] = by_status.get(status, 0) + 1
        for finding_code, _, _ in (*found, *extra):
            by_code[finding_code] = by_code.get(finding_code, 0) + 1
        gaps += sum(finding_code in ("missing_owner", "missing_due") for finding_code, _, _ in found)
        checks = (verb_ok, owner_ok, due_ok, metric_ok, addresses_ok)
        rows.append((index, checks, score, matched, suggested, is_overdue, days, [(c, p) for c, _, p in found]))
    total = len(rows)
    lines = [f"共 {total} 项；要素齐全 {complete} 项；平均 {score_sum / total:.1f}/5"]
    for index, _checks, score, _, suggested, is_overdue, _, codes in rows[:200]:
        item = arguments["actions"][index]
        shown = item.get("due") or ("未提供" if suggested is None else f"未提供（建议 {suggested.isoformat()}）")
        state = _STATUS_WORDS[item.get("status", "open")] + ("（已逾期）" if is_overdue else "")
        cells: tuple[Any, ...] = (
            index + 1,
            item["action"],
            item.get("owner") or "未提供",
            shown,
            item.get("priority") or "—",
        )
        cells += (state, item.get("success_metric") or "未提供", item.get("addresses") or "—", f"{score}/5")
        lines.append(f"| {' | '.join(map(str, cells))} | {'、'.join(dict.fromkeys(c for c, _ in codes)) or '—'} |")
    counts = {
        "total": total,
        "complete": complete,
        "with_errors": with_errors,
        "with_warnings": with_warnings,
        "overdue": overdue_count,
        "average_score": round(score_sum / total, 2) if total else None,
        "by_status": by_status,
        "by_code": by_code,
        "set_aside": 0,  # every action of the floor's input is well formed (domain.items)
    }
    return {"rows": rows, "counts": counts, "gaps": gaps, "text": "\n".join(lines)}


def same_actions(floor: dict[str, Any], result: Any) -> list[str]:
    problems: list[str] = []
    for row, check in zip(floor["rows"], result.actions, strict=True):
        index, checks, score, matched, suggested, overdue, days, found = row
        c = check.checklist
        theirs = (
            (c.verb, c.owner, c.due, c.metric, c.addresses),
            check.score,
            check.matched_addresses,
            check.suggested_due,
            check.overdue,
            check.days_overdue,
            [(f.code, f.path) for f in check.findings],
        )
        if theirs != (checks, score, matched, suggested, overdue, days, found):
            problems.append(f"action {index}: tool {theirs} vs floor {row[1:]}")
    counts = result.counts.model_dump()
    if counts != floor["counts"]:
        problems.append(f"counts: tool {counts} vs floor {floor['counts']}")
    if len(result.data_gaps) != floor["gaps"]:
        problems.append(f"data gaps: tool {len(result.data_gaps)} vs floor {floor['gaps']}")
    return problems
