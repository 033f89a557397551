"""Rendering of a whole review: markdown or a self-contained HTML page (Jinja2, imported lazily)."""

from __future__ import annotations

from fupan_mcp.report.render import mask_review, render_report

__all__ = ["mask_review", "render_report"]
