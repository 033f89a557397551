"""The four kinds of tool a `ToolSpec` (`fupan_mcp.tools`) is annotated as.

Apart from the tools package so the MCP shell (`app`) can apply the team modes to the packaged
listing (`listing`) without importing every tool module and the domain models behind them.
"""

from __future__ import annotations

from mcp.types import ToolAnnotations

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
SAVES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
"""A tool that computes, and with `review_id` saves its input and result into that review: not read-only
(a client that auto-approves read-only tools must ask), idempotent (the same input saved twice leaves the
same state)."""
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)
