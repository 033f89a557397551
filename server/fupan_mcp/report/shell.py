"""What the MCP shell itself says: refusals of a restricted server, prompt argument errors,
progress and log messages. One table, zh and en."""

from __future__ import annotations

from fupan_mcp.i18n import Table
from fupan_mcp.report.strings import TEXT

SHELL_TEXT: Table = {key.removeprefix("shell."): entry for key, entry in TEXT.items() if key.startswith("shell.")}
"""The shell's messages: the ``shell.`` entries of the report's one string table."""
