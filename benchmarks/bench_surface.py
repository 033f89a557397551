"""The model-facing size of tools/list: what every conversation pays before a tool is called.

Counts, per tool, the JSON of {name, description, inputSchema} (ensure_ascii=False) as the official
Python client receives it, and prints the total against the 25,000-character goal of issue #14.

    python benchmarks/bench_surface.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import anyio
from mcp import Client

from fupan_mcp.app import Settings, create_server

GOAL = 25_000


async def sizes() -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        server = create_server(Settings(db=str(Path(tmp) / "reviews.db"), output_dir=Path(tmp) / "exports"))
        async with Client(server) as client:
            tools = (await client.list_tools()).tools
    return {
        tool.name: len(
            json.dumps(
                {"name": tool.name, "description": tool.description, "inputSchema": tool.input_schema},
                ensure_ascii=False,
            )
        )
        for tool in tools
    }


def main() -> None:
    measured = anyio.run(sizes)
    for name, size in sorted(measured.items(), key=lambda item: -item[1]):
        print(f"{name:22} {size:7,}")
    total = sum(measured.values())
    ratio = total / GOAL
    print(f"{'total':22} {total:7,}  ({len(measured)} tools)")
    print(
        f"TARGET surface.tools_list ours={total} base={GOAL} ratio={ratio:.2f} limit=1 {'ok' if ratio <= 1 else 'MISS'}"
    )


if __name__ == "__main__":
    main()
