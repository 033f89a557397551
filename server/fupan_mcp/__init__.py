"""fupan-mcp: an MCP server for project reviews (复盘)."""

__version__ = "0.1.0"
