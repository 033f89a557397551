"""Mermaid sources of the diagrams: the KPI flowchart, the 5 Whys chain, the SWOT quadrant chart.

Built from the analyses' results with the report's words and formatter; the report shows them at
depth ``full`` and the tools' text ends with them.
"""

from __future__ import annotations

from collections import deque
from typing import Protocol

from fupan_mcp.domain.kpi import KpiNodeEvaluation, KpiTreeResult
from fupan_mcp.domain.swot import Quadrant, SwotFactor, SwotResult
from fupan_mcp.domain.whys import FiveWhysResult, WhyNode
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report import formatting as fmt
from fupan_mcp.report.strings import TEXT

__all__ = ["MERMAID_MAX_NODES", "kpi_flowchart", "mermaid_label", "reading_order", "swot_quadrants", "whys_flowchart"]

MERMAID_MAX_NODES = 300
"""Mermaid renderers give up on large graphs; beyond this a diagram shows the first nodes."""
LABEL_CHARS = 60
"""A longer text is cut in a diagram's label."""


def mermaid_label(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    return (
        text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")
    )


# --------------------------------------------------------------------------- KPI tree


class Figures(Protocol):
    """Writes a tree's figures (`report.sections` passes the one that has written them for the tree)."""

    def quantity(self, value: float | None, unit: str | None, computed: bool = False) -> str: ...

    def change(self, value: float, unit: str | None) -> str: ...


class _Written:
    """`Figures` by `report.formatting`, each figure written afresh."""

    __slots__ = ("_language",)

    def __init__(self, language: Language) -> None:
        self._language: Language = language

    def quantity(self, value: float | None, unit: str | None, computed: bool = False) -> str:
        return fmt.quantity(value, unit, self._language, computed=computed)

    def change(self, value: float, unit: str | None) -> str:
        return fmt.signed_change(value, unit, self._language)


def kpi_flowchart(result: KpiTreeResult, language: Language, figures: Figures | None = None) -> str:
    """``flowchart TD``: one node per KPI (capped at MERMAID_MAX_NODES), edges parent → input.

    A dotted edge leaves a node whose formula was not evaluated (on a cycle, or unusable); flagged
    nodes get a thick border. ``figures``: the writer of the tree's text, whose figures these are
    (each node's value and change, already written for its tree line).
    """
    writer = figures if figures is not None else _Written(language)
    by_id = {e.id: e for e in result.evaluations}
    shown = _kpi_nodes(result, by_id)
    ids = {node_id: f"n{k}" for k, node_id in enumerate(shown)}
    lines = ["flowchart TD"]
    for node_id in shown:
        node = by_id[node_id]
        label = mermaid_label(node.name) + "<br/>" + mermaid_label(_kpi_value(node, language, writer))
        lines.append(f'  {ids[node_id]}["{label}"]')
    for node_id in shown:
        node = by_id[node_id]
        arrow = "-.->" if node.kind == "leaf" else "-->"
        lines += [f"  {ids[node_id]} {arrow} {ids[child]}" for child in node.inputs if child in ids]
    flagged = [ids[i] for i in shown if by_id[i].flags]
    if flagged:
        lines.append("  classDef flagged stroke:#c0392b,stroke-width:3px,stroke-dasharray:4 2")
        lines.append(f"  class {','.join(flagged)} flagged")
    hidden = len(by_id) - len(shown)
    if hidden > 0:
        lines.append(f"  %% {hidden} more nodes not shown")
    return "\n".join(lines)


def _kpi_nodes(result: KpiTreeResult, by_id: dict[str, KpiNodeEvaluation]) -> list[str]:
    """The root's tree breadth-first, then the other nodes, up to MERMAID_MAX_NODES."""
    seen: dict[str, None] = {result.root: None} if result.root in by_id else {}
    queue = deque(seen)
    while queue and len(seen) < MERMAID_MAX_NODES:
        for child in by_id[queue.popleft()].inputs:
            if child in by_id and child not in seen and len(seen) < MERMAID_MAX_NODES:
                seen[child] = None
                queue.append(child)
    for node_id in by_id:
        if len(seen) >= MERMAID_MAX_NODES:
            break
        seen.setdefault(node_id, None)
    return list(seen)


def _kpi_value(node: KpiNodeEvaluation, language: Language, figures: Figures) -> str:
    actual, baseline = node.actual.used, node.baseline.used
    if actual is None:
        if baseline is None:
            return tr(TEXT, "missing", language)
        return tr(TEXT, "kpi.baseline", language, value=figures.quantity(baseline, node.unit))
    text = figures.quantity(actual, node.unit, node.actual.reported is None)
    if node.change_abs is None:
        return text
    change = figures.change(node.change_abs, node.unit)
    return tr(TEXT, "diagram.change", language, value=text, change=change)


# --------------------------------------------------------------------------- 5 Whys


def whys_flowchart(result: FiveWhysResult, language: Language) -> str:
    """``flowchart TD``: the problem at the top, each why below the answer it explains, root causes
    marked (a root cause that summarises a why hangs below it on a dotted edge); unverified whys dashed."""
    why_edge = tr(TEXT, "whys.why_edge", language)
    problem = tr(TEXT, "whys.problem_line", language, problem=_short(result.problem))
    lines = ["flowchart TD", f'    P["{mermaid_label(problem)}"]']
    index_of = {node.id: node.index for node in result.whys}
    for node in reading_order(result.whys)[:MERMAID_MAX_NODES]:
        why = tr(TEXT, "whys.why", language, label=node.label)
        label = mermaid_label(tr(TEXT, "diagram.labelled", language, head=why, text=_short(node.answer)))
        parent = index_of.get(node.parent_id) if node.parent_id is not None else None
        source = "P" if parent is None else f"n{parent}"
        lines.append(f'    {source} -->|{why_edge}| n{node.index}["{label}"]')
    root_nodes: list[str] = []
    for position, root in enumerate(result.root_causes):
        anchor = index_of.get(root.why_id) if root.why_id is not None else None
        if anchor is not None and root.is_why:
            root_nodes.append(f"n{anchor}")
            continue
        label = mermaid_label(tr(TEXT, "diagram.labelled", language, head=root.id, text=_short(root.text)))
        lines.append(f'    r{position}(["{label}"])')
        lines.append(f"    {'P' if anchor is None else f'n{anchor}'} -.-> r{position}")
        root_nodes.append(f"r{position}")
    unverified = [f"n{node.index}" for node in result.whys if node.status == "unverified"]
    lines.append("    classDef root fill:#fdecea,stroke:#c0392b,stroke-width:3px")
    lines.append("    classDef unverified stroke-dasharray: 5 3")
    if unverified:
        lines.append(f"    class {','.join(unverified)} unverified")
    if root_nodes:
        lines.append(f"    class {','.join(dict.fromkeys(root_nodes))} root")
    return "\n".join(lines)


def reading_order(whys: list[WhyNode]) -> list[WhyNode]:
    """Each answer followed by the answers that explain it (iterative: deep chains need no recursion)."""
    by_id = {node.id: node for node in whys}
    stack = [node for node in reversed(whys) if node.parent_id is None or node.parent_id not in by_id]
    ordered: list[WhyNode] = []
    seen: set[str] = set()
    while stack:
        node = stack.pop()
        if node.id in seen:
            continue
        seen.add(node.id)
        ordered.append(node)
        stack.extend(by_id[c] for c in reversed(node.children) if c in by_id)
    return ordered


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


# --------------------------------------------------------------------------- SWOT

QUADRANT_LABEL_CHARS = 24
_QUADRANTS: tuple[Quadrant, ...] = ("S", "W", "O", "T")
_HELPFUL = {"S": True, "W": False, "O": True, "T": False}
_INTERNAL = {"S": True, "W": True, "O": False, "T": False}


def swot_quadrants(result: SwotResult, language: Language) -> str:
    """``quadrantChart`` of the factors: internal left, external right, helpful up, harmful down."""

    def word(key: str) -> str:
        return f'"{_chart_label(tr(TEXT, key, language))}"'

    lines = [
        "quadrantChart",
        f"    title {_chart_label(tr(TEXT, 'section.swot', language))}",
        f"    x-axis {word('swot.internal')} --> {word('swot.external')}",
        f"    y-axis {word('swot.harmful')} --> {word('swot.helpful')}",
        f"    quadrant-1 {word('quadrant.O')}",
        f"    quadrant-2 {word('quadrant.S')}",
        f"    quadrant-3 {word('quadrant.W')}",
        f"    quadrant-4 {word('quadrant.T')}",
    ]
    factors = [*result.strengths, *result.weaknesses, *result.opportunities, *result.threats]
    for quadrant in _QUADRANTS:
        for label, x, y in _coordinates(factors, quadrant):
            lines.append(f'    "{_chart_label(label)}": [{x:.2f}, {y:.2f}]')
    return "\n".join(lines)


_MERMAID_ENTITIES = {"<": "#lt;", ">": "#gt;", "&": "#amp;", "#": "#35;", "`": "#96;"}
"""Mermaid's own entity codes: shown as the character, never read as markup or diagram syntax."""
_MERMAID_TABLE = str.maketrans(_MERMAID_ENTITIES)


def _chart_label(text: str) -> str:
    """Text safe inside a quoted quadrantChart string: no double quotes, one line, short, and no character
    that Mermaid or the SVG it draws could read as markup (``<``, ``>``, ``&``; ``#`` starts an entity;
    backticks could close the markdown fence)."""
    text = " ".join(text.split()).replace('"', "'")
    text = text if len(text) <= QUADRANT_LABEL_CHARS else text[: QUADRANT_LABEL_CHARS - 1] + "…"
    if not any(char in text for char in _MERMAID_ENTITIES):  # most labels: nothing to replace
        return text
    return text.translate(_MERMAID_TABLE)


def _coordinates(factors: list[SwotFactor], quadrant: Quadrant) -> list[tuple[str, float, float]]:
    """Points of one quadrant. Distance from the centre: horizontally the weight (relative to the
    heaviest factor of the quadrant), vertically the rating (higher is better for S/O, lower is worse
    for W/T); factors without them are spread evenly."""
    members = [f for f in factors if f.quadrant == quadrant]
    heaviest = max((f.weight for f in members if f.weight is not None and f.weight > 0), default=None)
    points = []
    count = len(members)
    for position, factor in enumerate(members):
        spread = (position + 1) / (count + 1)
        if factor.weight is not None and heaviest is not None:
            across = min(max(factor.weight / heaviest, 0.0), 1.0)
        else:
            across = spread
        if factor.rating is not None:
            strength = min(max((factor.rating - 1) / 3, 0.0), 1.0)
            along = strength if _HELPFUL[quadrant] else 1.0 - strength
        else:
            along = 1.0 - spread
        dx, dy = 0.05 + 0.4 * across, 0.05 + 0.4 * along
        x = 0.5 - dx if _INTERNAL[quadrant] else 0.5 + dx
        y = 0.5 + dy if _HELPFUL[quadrant] else 0.5 - dy
        points.append((f"{factor.id} {factor.text}", x, y))
    return points
