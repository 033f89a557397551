"""`fupan-mcp demo`: a real MCP session over stdio against this server, on a bundled sample.

It starts the server as a subprocess (exactly what a client such as Claude Desktop does), lists what
the server offers, fills the review prompt, completes an argument, calls the tools on the sample's
data and prints what comes back.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import CallToolResult, PromptReference, TextContent

from fupan_mcp.samples import load_sample


def server_parameters() -> StdioServerParameters:
    """How to start this server: the same interpreter, `python -m fupan_mcp serve`."""
    return StdioServerParameters(command=sys.executable, args=["-m", "fupan_mcp", "serve"])


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def banner(title: str) -> None:
    print(f"\n{'=' * 8} {title} {'=' * 8}", flush=True)


async def demo_session(language: str, out_dir: Path) -> dict[str, Any]:
    sample = load_sample("erp_wms")
    metrics = sample["metrics"]
    outputs: dict[str, Any] = {}
    async with Client(server_parameters()) as client:
        tools = [tool.name for tool in (await client.list_tools()).tools]
        prompts = [prompt.name for prompt in (await client.list_prompts()).prompts]
        banner("server")
        print(f"tools: {', '.join(tools)}\nprompts: {', '.join(prompts)}")

        completion = await client.complete(
            PromptReference(type="ref/prompt", name="project_review"), {"name": "project_type", "value": "技术"}
        )
        banner("completion/complete project_type='技术'")
        print(", ".join(completion.completion.values))

        prompt = await client.get_prompt(
            "project_review",
            {
                "project_info": sample["project"],
                "project_type": sample["project_type"],
                "key_data": "\n".join(f"{m['name']}: {m.get('actual', '—')} ({m['target']})" for m in metrics),
                "language": language,
            },
        )
        first = prompt.messages[0].content
        banner("prompt project_review (first lines)")
        print("\n".join(first.text.splitlines()[:8]) if isinstance(first, TextContent) else first)

        result = await client.call_tool("compute_attainment", {"metrics": sample["metrics"], "language": language})
        banner("compute_attainment")
        print(text_of(result))
        outputs["compute_attainment"] = result.structured_content
    return outputs


def run_demo(language: str = "zh", out_dir: Path = Path("out")) -> None:
    anyio.run(demo_session, language, out_dir)
