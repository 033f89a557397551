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


MALFORMED_LINES = [
    (b"{not json", -32700),
    (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\\ud800"}}', -32700),
    (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xed\xa0\x80"}}', None),  # bytes: replaced, served
    (b'[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]', -32600),
    (b"[]", -32600),
    (b'{"a":' * 300 + b"1" + b"}" * 300, -32700),
    (b'{"jsonrpc":"2.0","id":3,"method":"ping","params":{"x":' + b"[" * 3000 + b"]" * 3000 + b"}}", -32700),
    (b'{"jsonrpc":"2.0","id":5,"method":3}', -32600),
    (b'"just a string"', -32600),
    (b"\xff\xfe\x00", -32700),
    (b'{"jsonrpc":"2.0","id":"' + b"x" * 1_000_000 + b'","method":"ping"}', -32600),
]


def test_every_line_over_stdio_gets_an_answer() -> None:
    """Malformed JSON, lone surrogates, batches, deep nesting, a megabyte id: each line gets its answer,
    in order, and the server still serves the request that follows."""
    import json
    import subprocess
    import threading

    lines = [line for line, _ in MALFORMED_LINES] + [b'{"jsonrpc":"2.0","id":"last","method":"ping"}']
    process = subprocess.Popen(
        [console_script()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    guard = threading.Timer(120, process.kill)  # a hang guard, not a threshold
    guard.start()
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"\n".join(lines) + b"\n")
        process.stdin.flush()
        raw = [process.stdout.readline() for _ in lines]  # the input stays open until every answer is in
        process.stdin.close()
        stderr = process.stderr.read() if process.stderr else b""
        process.wait()
    finally:
        guard.cancel()
    answers = [json.loads(line) for line in raw if line]
    codes = [answer.get("error", {}).get("code") for answer in answers]
    print(f"\nstdio: {len(lines)} lines, {len(answers)} answers, codes {codes}")
    assert len(answers) == len(lines)
    assert codes == [code for _, code in MALFORMED_LINES] + [None]
    assert answers[4]["id"] is None and answers[7]["id"] == 5  # the id is echoed when it can be read
    assert answers[-1] == {"jsonrpc": "2.0", "id": "last", "result": {}}
    assert max(len(line) for line in raw) < 500  # the megabyte id is not echoed
    assert b"x" * 1000 not in stderr and b"Traceback" not in stderr
