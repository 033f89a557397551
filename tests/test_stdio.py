"""End to end over real stdio: the console script a client such as Claude Desktop starts."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import PromptReference, TextContent

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def console_script() -> str:
    beside_python = Path(sys.executable).with_name("fupan-mcp")
    found = str(beside_python) if beside_python.exists() else shutil.which("fupan-mcp")
    assert found, "the fupan-mcp console script is not installed"
    return found


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_console_script_serves_prompt_completion_and_tool(mode: str) -> None:
    params = StdioServerParameters(command=console_script(), args=[])
    async with Client(params, mode=mode) as client:
        assert "compute_attainment" in [t.name for t in (await client.list_tools()).tools]
        assert "project_review" in [p.name for p in (await client.list_prompts()).prompts]

        for language, marker in (("zh", "GRAI"), ("en", "GRAI")):
            prompt = await client.get_prompt("project_review", {"project_info": "MVP", "language": language})
            content = prompt.messages[0].content
            assert isinstance(content, TextContent) and marker in content.text

        ref = PromptReference(type="ref/prompt", name="project_review")
        completion = await client.complete(ref, {"name": "project_type", "value": "市场"})
        assert completion.completion.values == ["市场营销活动"]

        result = await client.call_tool(
            "compute_attainment",
            {"metrics": [{"name": "关账周期", "target": "≤T+1", "baseline": "T+3", "actual": "T+1"}]},
        )
        assert result.structured_content is not None
        assert result.structured_content["metrics"][0]["status"] == "achieved"

        bad = await client.call_tool("compute_attainment", {"metrics": [{"name": 3}]})
        assert bad.is_error


def test_help_lists_subcommands() -> None:
    import subprocess

    out = subprocess.run([console_script(), "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("serve", "prompt", "demo"):
        assert command in out


def test_prompt_subcommand_prints_the_filled_prompt() -> None:
    import subprocess

    out = subprocess.run(
        [console_script(), "prompt", "--project-info", "年中大促", "--language", "en"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "年中大促" in out and "Goals" in out
