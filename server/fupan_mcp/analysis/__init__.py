"""The pure core: pydantic models in, pydantic models out. No I/O, no MCP."""
