"""The model-facing size of tools/list: what every client pays in context before the first call.

Each tool counts as json.dumps({name, description, inputSchema}, ensure_ascii=False); the total is
held against a budget of 25,000 characters (issue 14), printed as a TARGET line."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

from mcp import Client

from fupan_mcp.app import Settings, create_server

BUDGET = 25_000


def tool_size(tool: object) -> int:
    body = {"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema}  # type: ignore[attr-defined]
    return len(json.dumps(body, ensure_ascii=False))


async def measure() -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "r.db"), output_dir=Path(tmp) / "out")
        async with Client(create_server(settings)) as client:
            tools = (await client.list_tools()).tools
    return {tool.name: tool_size(tool) for tool in tools}


def main() -> None:
    sizes = asyncio.run(measure())
    for name, size in sorted(sizes.items(), key=lambda item: -item[1]):
        print(f"{name:24} {size:7,}")
    total = sum(sizes.values())
    ratio = total / BUDGET
    verdict = "ok" if total <= BUDGET else "MISS"
    print(f"TARGET surface.tools_list ours={total} base={BUDGET} ratio={ratio:.3f} limit=1 {verdict}")


if __name__ == "__main__":
    main()
