"""Interop with clients we did not write (Node, in tests/interop/):

- the official TypeScript SDK clients, 1.x (`@modelcontextprotocol/sdk`) and 2.x
  (`@modelcontextprotocol/client`), over stdio and HTTP, on protocol revisions 2025-06-18,
  2025-11-25 (handshake era) and 2026-07-28 (modern era);
- the MCP Inspector CLI, over stdio and HTTP, on the legacy and modern eras;
- the official conformance suite, on the server scenarios that apply to any server (see
  `CONFORMANCE_SCENARIOS`).

Skipped, with the reason, when `node` or `tests/interop/node_modules` is missing;
`.ci/run` installs them (`npm ci --prefix tests/interop`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fupan_mcp.app import create_server
from test_http import Running, console_script, start, stop

INTEROP = Path(__file__).parent / "interop"
SAMPLE = Path(__file__).parents[1] / "server" / "fupan_mcp" / "samples" / "erp_wms.json"
NODE = shutil.which("node")
NODE_TIMEOUT = 120

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NODE is None, reason="node is not installed (needed for the interop clients)"),
    pytest.mark.skipif(
        not (INTEROP / "node_modules").is_dir(),
        reason="tests/interop/node_modules is missing: run `npm ci --prefix tests/interop`",
    ),
]

EXPECTED_VERSIONS = {
    "sdk-v1": "2025-11-25",
    "v2-2025-06-18": "2025-06-18",
    "v2-legacy": "2025-11-25",
    "v2-modern": "2026-07-28",
}

CONFORMANCE_SCENARIOS = [
    "server-initialize",  # the handshake answers with a valid structure
    "ping",
    "tools-list",  # every tool has a name, a description and an input schema
    "prompts-list",
    "resources-list",  # none are offered; an empty list is valid
    "completion-complete",  # the endpoint answers (empty values for a prompt we do not have)
    "dns-rebinding-protection",  # foreign Host/Origin refused, localhost accepted
]
"""The scenarios that test a server in general. The rest of the suite needs fixture tools and prompts
(test_simple_text, test_image_content, test_prompt_with_arguments, ...), which a real server does not
carry; `logging-set-level` needs the logging capability, deprecated in 2026-07-28 and not declared
here; `server-sse-polling`, `server-sse-multiple-streams` and the resumability checks need
sessions, and this server is stateless by design."""


def node_env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("FUPAN_")}, "NO_COLOR": "1"}


def run_node(*args: str, timeout: float = NODE_TIMEOUT) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run(
        [NODE, *args],
        cwd=INTEROP,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=node_env(),
        stdin=subprocess.DEVNULL,
    )


def bin_path(name: str) -> str:
    path = INTEROP / "node_modules" / ".bin" / name
    assert path.exists(), f"{path} is missing: run `npm ci --prefix tests/interop`"
    return str(path)


def run_bin(name: str, *args: str, timeout: float = NODE_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [bin_path(name), *args],
        cwd=INTEROP,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=node_env(),
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start(tmp_path_factory.mktemp("interop"), "interop")
    try:
        yield running
    finally:
        stop(running)


@pytest.fixture(scope="module")
def python_attainment() -> dict[str, Any]:
    """What our own SDK client gets for the sample, to compare the TypeScript results against."""
    import anyio

    metrics = json.loads(SAMPLE.read_text(encoding="utf-8"))["metrics"]

    async def call() -> dict[str, Any]:
        async with Client(create_server(), mode="legacy") as client:
            result = await client.call_tool("compute_attainment", {"metrics": metrics, "language": "en"})
            assert result.structured_content is not None
            return dict(result.structured_content)

    return anyio.run(call)


def variants(output: str) -> dict[str, dict[str, Any]]:
    parsed = [json.loads(line) for line in output.splitlines() if line.strip()]
    return {out["variant"]: out for out in parsed}


def check_typescript_run(completed: subprocess.CompletedProcess[str], expected_attainment: dict[str, Any]) -> None:
    results = variants(completed.stdout)
    assert set(results) == set(EXPECTED_VERSIONS), completed.stderr[-3000:]
    for name, out in results.items():
        assert "error" not in out, f"{name}: {out.get('error')}"
        assert out["protocolVersion"] == EXPECTED_VERSIONS[name], name
        assert out["server"]["name"] == "fupan-mcp"
        assert "compute_attainment" in out["tools"]
        assert out["attainmentHasOutputSchema"] and out["attainmentReadOnly"] is False  # it saves with review_id
        assert "project_review" in out["prompts"]
        assert {"project_info", "key_data", "language"} <= set(out["promptArguments"])
        assert "ERP+WMS rollout" in out["promptText"] and "compute_attainment" in out["promptText"]
        assert "en" in out["completion"]
        attainment = out["attainment"]
        assert not attainment["isError"] and attainment["text"]
        structured = {k: v for k, v in attainment["structured"].items() if k != "_meta"}
        assert structured == expected_attainment, name
        assert out["badInput"]["isError"] and "metrics" in out["badInput"]["text"]
    assert completed.returncode == 0


# --- the TypeScript SDK clients ---------------------------------------------------------------


def test_typescript_clients_over_stdio(python_attainment: dict[str, Any]) -> None:
    completed = run_node("ts_client.mjs", "stdio", console_script())
    check_typescript_run(completed, python_attainment)


def test_typescript_clients_over_http(http_server: Running, python_attainment: dict[str, Any]) -> None:
    completed = run_node("ts_client.mjs", "http", http_server.mcp)
    check_typescript_run(completed, python_attainment)


# --- the MCP Inspector CLI --------------------------------------------------------------------


def inspector(target: list[str], era: str, *args: str) -> Any:
    completed = run_bin("mcp-inspector", "--cli", *target, "--protocol-era", era, *args, "--format", "json", "-q")
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout)["result"]


@pytest.fixture(params=["stdio", "http"])
def inspector_target(request: pytest.FixtureRequest, http_server: Running) -> list[str]:
    if request.param == "stdio":
        return [console_script()]
    return [http_server.mcp, "--transport", "http"]


@pytest.mark.parametrize("era", ["legacy", "modern"])
def test_inspector_cli(inspector_target: list[str], era: str) -> None:
    tools = inspector(inspector_target, era, "--method", "tools/list")
    assert "compute_attainment" in [tool["name"] for tool in tools["tools"]]

    prompts = inspector(inspector_target, era, "--method", "prompts/list")
    assert "project_review" in [prompt["name"] for prompt in prompts["prompts"]]

    prompt = inspector(
        inspector_target,
        era,
        *("--method", "prompts/get", "--prompt-name", "project_review"),
        *("--prompt-args", "project_info=ERP rollout", "language=en"),
    )
    assert "ERP rollout" in prompt["messages"][0]["content"]["text"]

    metrics = json.loads(SAMPLE.read_text(encoding="utf-8"))["metrics"]
    call = inspector(
        inspector_target,
        era,
        *("--method", "tools/call", "--tool-name", "compute_attainment"),
        *("--tool-args-json", json.dumps({"metrics": metrics, "language": "en"}, ensure_ascii=False)),
    )
    assert call["isError"] is False
    statuses = {m["name"]: m["status"] for m in call["structuredContent"]["metrics"]}
    assert statuses["库存准确率"] == "achieved"


# --- the conformance suite --------------------------------------------------------------------


@pytest.mark.parametrize("scenario", CONFORMANCE_SCENARIOS)
def test_conformance(http_server: Running, scenario: str) -> None:
    completed = run_bin("conformance", "server", "--url", http_server.mcp, "--scenario", scenario)
    report = completed.stdout + completed.stderr
    assert completed.returncode == 0, report[-3000:]
    assert ", 0 failed, 0 warnings" in report, report[-3000:]
