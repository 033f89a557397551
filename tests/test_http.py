"""The team server over real streamable HTTP: `fupan-mcp serve --http` in a subprocess.

Two servers per module (one open, one with a bearer token), each on a free loopback port, each
killed at the end. Raw requests go through httpx2, the SDK's own HTTP library.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from fupan_mcp import __version__
from fupan_mcp.cli import main as cli_main
from fupan_mcp.http import (
    ConfigError,
    _matches,
    jsonrpc_problem,
    parse_size,
    resolve_settings,
)

TOKEN = "test-token-0123456789abcdef"
START_TIMEOUT = 90.0
"""A hang guard for a server to answer /health: generous, since a loaded 2-core CI machine is slow to start one."""
METRICS = [
    {"name": "库存准确率", "target": "≥98%", "baseline": "93.1%", "actual": "99.2%", "unit": "%"},
    {"name": "订单处理时长", "target": "下降30%", "baseline": "2.8h", "actual": "1.7h"},
]
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "raw", "version": "0"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def console_script() -> str:
    script = Path(sys.executable).with_name("fupan-mcp")
    assert script.exists(), f"the fupan-mcp console script is not installed next to {sys.executable}"
    return str(script)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Running:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def mcp(self) -> str:
        return f"{self.base}/mcp"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("http")


def start(tmp: Path, name: str, *args: str, env: dict[str, str] | None = None) -> Running:
    """Spawn `fupan-mcp serve --http` and wait (bounded) until GET /health answers."""
    port = free_port()
    log = tmp / f"{name}.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FUPAN_MCP_")}
    environ.update(env or {})
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [console_script(), "serve", "--http", "--port", str(port), *args],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=environ,
        )
    running = Running(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{running.output()}")
        try:
            if httpx2.get(f"{running.base}/health", timeout=1.0).status_code == 200:
                return running
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    stop(running)
    raise AssertionError(f"server did not answer /health within {START_TIMEOUT}s:\n{running.output()}")


def stop(running: Running) -> int:
    """SIGTERM (graceful), then SIGKILL if it lingers; returns the exit code."""
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGTERM)
        try:
            running.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            running.process.kill()
            running.process.wait(timeout=5)
    return running.process.returncode


@pytest.fixture(scope="module")
def server(tmp_module: Path) -> Iterator[Running]:
    running = start(tmp_module, "open", "--max-body", "256KiB")
    try:
        yield running
    finally:
        stop(running)


@pytest.fixture(scope="module")
def token_server(tmp_module: Path) -> Iterator[Running]:
    running = start(tmp_module, "token", env={"FUPAN_MCP_TOKEN": TOKEN})
    try:
        yield running
    finally:
        stop(running)


def assert_clean(response: httpx2.Response) -> None:
    """No 5xx and nothing that looks like a traceback or an internal validation report."""
    assert response.status_code < 500, response.text
    for marker in ("Traceback", 'File "', "errors.pydantic.dev", "input_value"):
        assert marker not in response.text


async def attainment_roundtrip(client: Client) -> None:
    tools = [tool.name for tool in (await client.list_tools()).tools]
    assert "compute_attainment" in tools
    result = await client.call_tool("compute_attainment", {"metrics": METRICS, "language": "en"})
    assert not result.is_error
    assert result.structured_content is not None
    statuses = {m["name"]: m["status"] for m in result.structured_content["metrics"]}
    assert statuses == {"库存准确率": "achieved", "订单处理时长": "achieved"}


# --- end to end with the SDK client -----------------------------------------------------------


@pytest.mark.slow
@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_sdk_client_on_both_eras(server: Running, mode: str) -> None:
    async with Client(server.mcp, mode=mode) as client:
        await attainment_roundtrip(client)
        prompts = [prompt.name for prompt in (await client.list_prompts()).prompts]
        assert "project_review" in prompts


@pytest.mark.slow
def test_no_session_id_is_issued(server: Running) -> None:
    response = httpx2.post(server.mcp, json=INITIALIZE, headers=MCP_HEADERS, timeout=60)
    assert response.status_code == 200
    assert "mcp-session-id" not in response.headers  # stateless: any replica can answer


@pytest.mark.slow
def test_health(server: Running) -> None:
    response = httpx2.get(f"{server.base}/health", timeout=60)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}
    assert "server" not in response.headers  # no implementation banner


# --- DNS rebinding ----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/mcp", "/health"])
def test_wrong_origin_is_403(server: Running, path: str) -> None:
    headers = {**MCP_HEADERS, "Origin": "https://evil.example"}
    response = httpx2.post(f"{server.base}{path}", json=INITIALIZE, headers=headers, timeout=60)
    assert response.status_code == 403
    assert_clean(response)


@pytest.mark.slow
def test_local_origin_is_allowed(server: Running) -> None:
    headers = {**MCP_HEADERS, "Origin": server.base}
    assert httpx2.post(server.mcp, json=INITIALIZE, headers=headers, timeout=60).status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/mcp", "/health"])
def test_wrong_host_is_421(server: Running, path: str) -> None:
    headers = {**MCP_HEADERS, "Host": "evil.example"}
    response = httpx2.post(f"{server.base}{path}", json=INITIALIZE, headers=headers, timeout=60)
    assert response.status_code == 421
    assert_clean(response)
    rebound = httpx2.get(f"{server.base}/health", headers={"Host": "evil.example:80"}, timeout=60)
    assert rebound.status_code == 421


# --- body limits and malformed input ----------------------------------------------------------


@pytest.mark.slow
def test_oversized_body_is_413(server: Running) -> None:
    big = b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"' + b"x" * 300_000 + b'"}}'
    response = httpx2.post(server.mcp, content=big, headers=MCP_HEADERS, timeout=60)
    assert response.status_code == 413
    message = response.json()["error"]["message"]
    assert message.startswith("请求体过大") and "Request body too large" in message
    assert "262,144" in message and "--max-body" in message


@pytest.mark.slow
def test_oversized_chunked_body_is_413(server: Running) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the server must count
        for _ in range(40):
            yield b" " * 8192

    response = httpx2.post(server.mcp, content=chunks(), headers=MCP_HEADERS, timeout=60)
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


@pytest.mark.slow
@pytest.mark.parametrize("era", ["2025-11-25", "2026-07-28", None])
@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", -32700),
        (b"[" * 50_000 + b"]" * 50_000, -32700),
        (b"[]", -32600),
        (b'{"foo": 1}', -32600),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": "x"}', -32600),
        (b'{"jsonrpc": "2.0", "id": {"a": 1}, "method": "tools/list"}', -32600),
        (b'{"jsonrpc": "2.0", "id": 1, "method": 7}', -32600),
    ],
)
def test_malformed_jsonrpc_is_a_clean_400(server: Running, era: str | None, body: bytes, code: int) -> None:
    headers = dict(MCP_HEADERS)
    if era:
        headers["MCP-Protocol-Version"] = era
    response = httpx2.post(server.mcp, content=body, headers=headers, timeout=60)
    assert response.status_code == 400
    assert_clean(response)
    assert response.json()["error"]["code"] == code


@pytest.mark.slow
@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/mcp", {"Content-Type": "text/plain", "Accept": "application/json, text/event-stream"}),
        ("PUT", "/mcp", {}),
        ("DELETE", "/mcp", {}),
        ("GET", "/nowhere", {}),
        ("POST", "/health", {"Content-Type": "application/json"}),
    ],
)
def test_odd_requests_are_4xx(server: Running, method: str, path: str, headers: dict[str, str]) -> None:
    response = httpx2.request(method, f"{server.base}{path}", headers=headers, content=b"{}", timeout=60)
    assert 400 <= response.status_code < 500
    assert_clean(response)


@pytest.mark.slow
@pytest.mark.anyio
async def test_server_keeps_serving_after_abuse(server: Running) -> None:
    httpx2.post(server.mcp, content=b"\xff\xfe garbage", headers=MCP_HEADERS, timeout=60)
    async with Client(server.mcp, mode="legacy") as client:
        await attainment_roundtrip(client)
    assert server.process.poll() is None
    assert "Traceback" not in server.output()


# --- bearer token -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("authorization", "error"),
    [(None, None), ("Bearer wrong-token", "invalid_token"), (f"Basic {TOKEN}", None), ("Bearer", None)],
)
def test_token_missing_or_wrong_is_401(token_server: Running, authorization: str | None, error: str | None) -> None:
    headers = dict(MCP_HEADERS)
    if authorization is not None:
        headers["Authorization"] = authorization
    response = httpx2.post(token_server.mcp, json=INITIALIZE, headers=headers, timeout=60)
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith("Bearer")
    assert (f'error="{error}"' in challenge) == (error is not None)
    assert TOKEN not in response.text
    assert_clean(response)


@pytest.mark.slow
def test_token_is_checked_before_routing(token_server: Running) -> None:
    assert httpx2.get(f"{token_server.base}/nowhere", timeout=60).status_code == 401


@pytest.mark.slow
def test_health_stays_open_with_a_token(token_server: Running) -> None:
    response = httpx2.get(f"{token_server.base}/health", timeout=60)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


@pytest.mark.slow
@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_right_token_works_on_both_eras(token_server: Running, mode: str) -> None:
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(token_server.mcp, http_client=http), mode=mode) as client,
    ):
        await attainment_roundtrip(client)


@pytest.mark.slow
def test_sigterm_shuts_down_gracefully(tmp_module: Path) -> None:
    running = start(tmp_module, "shutdown")
    # uvicorn finishes the shutdown, then re-raises the signal: -SIGTERM is its normal exit.
    assert stop(running) in (0, -signal.SIGTERM)
    log = running.output()
    assert "Application shutdown complete" in log
    assert "Traceback" not in log


# --- start-up settings (in process, no sockets) -----------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "mcp.example.com"])
def test_refuses_non_local_host_without_allowlist(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli_main(["serve", "--http", "--host", host])
    message = str(exited.value.code)
    assert "refusing to listen" in message and "--allowed-host" in message and "FUPAN_MCP_ALLOWED_HOSTS" in message


def test_http_flags_need_http() -> None:
    with pytest.raises(SystemExit) as exited:
        cli_main(["serve", "--port", "9000"])
    assert "--port only apply with --http" in str(exited.value.code)


def test_non_local_host_with_allowlist() -> None:
    settings = resolve_settings(
        host="0.0.0.0",
        allowed_hosts=["mcp.example.com", "10.0.0.5:8000"],
        allowed_origins=["https://App.example.com/"],
        environ={"FUPAN_MCP_ALLOWED_HOSTS": "lb.internal, [fd00::1]:*", "FUPAN_MCP_TOKEN": TOKEN},
    )
    assert settings.allowed_hosts == (
        "mcp.example.com",
        "mcp.example.com:*",
        "10.0.0.5:8000",
        "lb.internal",
        "lb.internal:*",
        "[fd00::1]:*",
    )
    assert settings.allowed_origins == ("https://app.example.com",)
    assert not any("127.0.0.1" in host for host in settings.allowed_hosts)


def test_loopback_defaults_merge_with_extra_names() -> None:
    settings = resolve_settings(allowed_hosts=["mcp.internal"], environ={})
    assert {"127.0.0.1:*", "localhost:*", "[::1]:*", "mcp.internal:*"} <= set(settings.allowed_hosts)
    assert "http://localhost:*" in settings.allowed_origins
    assert settings.token is None


@pytest.mark.parametrize(
    ("kwargs", "environ", "message"),
    [
        ({"allowed_hosts": ["*"]}, {}, "wildcard"),
        ({"allowed_hosts": ["a.example:http"]}, {}, "port"),
        ({"allowed_origins": ["app.example.com"]}, {}, "scheme://host"),
        ({"path": "mcp"}, {}, "absolute path"),
        ({"path": "/health"}, {}, "health"),
        ({"port": 0}, {}, "1-65535"),
        ({}, {"FUPAN_MCP_TOKEN": "  "}, "set but empty"),
        ({}, {"FUPAN_MCP_TOKEN": "has space"}, "printable ASCII"),
        ({"token_file": Path("/nonexistent/token")}, {}, "cannot read"),
    ],
)
def test_bad_settings_are_refused_clearly(kwargs: dict[str, Any], environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve_settings(environ=environ, **kwargs)


def test_token_file_wins_over_the_environment(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("from-file\n", encoding="utf-8")
    settings = resolve_settings(token_file=token_file, environ={"FUPAN_MCP_TOKEN": "from-env"})
    assert settings.token == "from-file"
    assert "from-file" not in repr(settings)


@pytest.mark.parametrize(
    ("text", "size"),
    [("4MiB", 4 * 1024**2), ("512KiB", 512 * 1024), ("1048576", 1048576), ("2m", 2 * 1024**2)],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "0", "-1", "4 parsecs", "1.5MiB"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_size(text)


@pytest.mark.parametrize(
    ("value", "allowed"),
    [
        ("localhost:8000", True),
        ("LOCALHOST:8000", True),
        ("localhost", True),
        ("localhost.evil.example:80", False),
        ("localhost:80@evil", False),
        ("evil.example", False),
    ],
)
def test_host_matching(value: str, allowed: bool) -> None:
    assert _matches(value, ["localhost", "localhost:*"]) is allowed


def test_envelope_check_accepts_real_messages() -> None:
    assert jsonrpc_problem(b'{"jsonrpc":"2.0","id":1,"method":"tools/list"}') is None
    assert jsonrpc_problem(b'{"jsonrpc":"2.0","method":"notifications/initialized"}') is None
    assert jsonrpc_problem(b'{"jsonrpc":"2.0","id":"a","result":{}}') is None
    assert jsonrpc_problem(b'{"jsonrpc":"2.0","id":2,"error":{"code":-1,"message":"no"}}') is None
    assert jsonrpc_problem(b'{"jsonrpc":"2.0","id":null,"method":"x"}') is not None
    assert jsonrpc_problem(b'{"jsonrpc":"2.0","id":true,"method":"x"}') is not None


def test_stdio_start_up_does_not_import_the_http_stack() -> None:
    code = (
        "import sys, fupan_mcp.cli, fupan_mcp.app; fupan_mcp.app.create_server(); "
        "assert 'fupan_mcp.http' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
