"""Answers sized to the question: a big KPI tree's or metric list's answer in summary, unless the caller
asks for it all.

A 10,000-node tree answered with every node's evaluation, the input echoed and the whole tree in
markdown came to 12 MB for a 1 MB request: more than any model reads, and seconds of serialising
and of client-side checking. Above `SUMMARY_NODES` nodes the answer (text and structured content)
keeps the root, the nodes with findings and the largest contributors, and says how many were left
out. 10,000 metrics came to 10.5 MB for a 1.5 MB request (every row, its statement twice, a
10,000-row table): above `SUMMARY_METRICS` metrics the answer keeps the counts and the weighted
rate, the `SUMMARY_ROWS` worst rows, the first errors and data gaps, and names every metric that is
not achieved. ``detail: "full"`` returns everything. The review store always keeps the full result.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal

from fupan_mcp.domain.attainment import AttainmentResult, MetricRef, MetricResult
from fupan_mcp.domain.kpi import KpiTreeResult

Detail = Literal["auto", "summary", "full"]

SUMMARY_NODES = 200
"""Trees of more nodes are answered in summary by default."""
SUMMARY_CONTRIBUTORS = 50
"""Largest contributors (by size of contribution) whose evaluations a summary keeps."""

SUMMARY_METRICS = 200
"""Metric lists of more metrics (rows and errors) are answered in summary by default."""
SUMMARY_ROWS = 50
"""Metric rows (the worst), errors and data gaps (the first) a summary keeps."""

DETAIL: ContextVar[Detail] = ContextVar("fupan_detail", default="auto")
"""The detail the current call asked for (set by the server from the ``detail`` argument)."""


def _detail_schema(description: str) -> dict[str, object]:
    return {"title": "Detail", "description": description, "enum": ["summary", "full"], "type": "string"}


DETAIL_SCHEMAS: dict[str, dict[str, object]] = {
    "build_kpi_tree": _detail_schema(
        f"summary (default above {SUMMARY_NODES} nodes): root, findings, top {SUMMARY_CONTRIBUTORS} "
        "contributors. Full: every node's evaluation and the whole tree in the text."
    ),
    "compute_attainment": _detail_schema(
        f"summary (default above {SUMMARY_METRICS} metrics): counts, {SUMMARY_ROWS} worst rows, problems. "
        "Full: every row and statement, in the text too."
    ),
}
"""The ``detail`` argument the server adds to the tools in `SIZED_TOOLS`."""

SIZED_TOOLS = frozenset(DETAIL_SCHEMAS)

_PROBLEMS = ("not_achieved", "needs_verification", "not_evaluable")
_WORST_FIRST = {"not_achieved": 0, "needs_verification": 1, "not_evaluable": 2, "achieved": 3, "reported": 4}


def summarised(result: KpiTreeResult) -> KpiTreeResult:
    """``result`` as the current call's detail asks: unchanged when full or small, else the summary."""
    detail = DETAIL.get()
    if result.detail == "summary" or detail == "full":
        return result
    if detail == "auto" and len(result.evaluations) <= SUMMARY_NODES:
        return result
    decomposition = result.decomposition
    top: list[str] = []
    if decomposition is not None:
        ranked = sorted(decomposition.contributions, key=lambda c: abs(c.value), reverse=True)
        top = [c.id for c in ranked[:SUMMARY_CONTRIBUTORS]]
    keep = {result.root, *top}
    by_id = {e.id: e for e in result.evaluations}
    root = by_id.get(result.root)
    if root is not None:
        keep.update(root.inputs)
    kept = [e for e in result.evaluations if e.id in keep or e.flags]
    return result.model_copy(  # the decomposition stays whole: its contributions add up to the change
        update={
            "nodes": [],
            "evaluations": kept,
            "detail": "summary",
            "omitted_nodes": len(result.evaluations) - len(kept),
        }
    )


def summarised_attainment(result: AttainmentResult) -> AttainmentResult:
    """``result`` as the current call's detail asks: unchanged when full or small, else the summary:
    the counts and weighted rate (the whole list's), the `SUMMARY_ROWS` worst rows in input order (not
    achieved with the lowest rates first, then to verify, not evaluable, achieved with the lowest rates),
    the first `SUMMARY_ROWS` errors and data gaps, and every problem named in `problems`."""
    detail = DETAIL.get()
    if result.detail == "summary" or detail == "full":
        return result
    if detail == "auto" and len(result.metrics) + len(result.errors) <= SUMMARY_METRICS:
        return result
    worst = sorted(result.metrics, key=_badness)[:SUMMARY_ROWS]
    keep = {m.index for m in worst}
    kept = [m for m in result.metrics if m.index in keep]
    problems = [MetricRef(index=m.index, name=m.name, status=m.status) for m in result.metrics if m.status in _PROBLEMS]
    problems += [MetricRef(index=e.index, name=e.name, status="error") for e in result.errors]
    problems.sort(key=lambda ref: ref.index)
    summary = result.summary.model_copy(update={"data_gaps": result.summary.data_gaps[:SUMMARY_ROWS]})
    return result.model_copy(
        update={
            "metrics": kept,
            "errors": result.errors[:SUMMARY_ROWS],
            "summary": summary,
            "detail": "summary",
            "omitted_metrics": len(result.metrics) - len(kept),
            "problems": problems,
        }
    )


def _badness(metric: MetricResult) -> tuple[int, float, int]:
    rate = metric.attainment_rate
    return _WORST_FIRST[metric.status], rate if rate is not None else float("inf"), metric.index
