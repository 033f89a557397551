"""Answers sized to the question: a big KPI tree's answer in summary, unless the caller asks for it all.

A 10,000-node tree answered with every node's evaluation, the input echoed and the whole tree in
markdown came to 12 MB for a 1 MB request: more than any model reads, and seconds of serialising
and of client-side checking. Above `SUMMARY_NODES` nodes the answer (text and structured content)
keeps the root, the nodes with findings and the largest contributors, and says how many were left
out; ``detail: "full"`` returns everything. The review store always keeps the full result.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Literal

from fupan_mcp.domain.kpi import KpiTreeResult

Detail = Literal["auto", "summary", "full"]

SUMMARY_NODES = 200
"""Trees of more nodes are answered in summary by default."""
SUMMARY_CONTRIBUTORS = 50
"""Largest contributors (by size of contribution) whose evaluations a summary keeps."""

DETAIL: ContextVar[Detail] = ContextVar("fupan_detail", default="auto")
"""The detail the current call asked for (set by the server from the ``detail`` argument)."""

DETAIL_SCHEMA = {
    "title": "Detail",
    "description": f"summary (default above {SUMMARY_NODES} nodes): root, findings, top {SUMMARY_CONTRIBUTORS} "
    "contributors. Full: every node's evaluation and the whole tree in the text.",
    "enum": ["summary", "full"],
    "type": "string",
}
"""The ``detail`` argument the server adds to the tools in `SIZED_TOOLS`."""

SIZED_TOOLS = frozenset({"build_kpi_tree"})


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
