"""Hostile HTTP input that ``test_http.py`` does not send (issue: robustness).

``test_http.py`` already covers a foreign Origin and Host, a missing or wrong token, oversized
bodies (declared and chunked), malformed JSON-RPC envelopes and a few odd methods and paths. This
module adds: bodies that are not UTF-8, JSON-RPC batches, more wrong Content-Types and Accepts, huge
and numerous headers, bytes that are not HTTP at all, tool arguments only raw JSON can carry (NaN,
``1e400``, a 400-digit integer, a lone surrogate escape, 900 and 10,000 levels of nesting,
arguments that are not an object), on both protocol eras. Every request carries a secret (a header
or the body), and no answer may contain it, nor a traceback, nor a 5xx; the servers must still be
serving at the end, without a traceback in their logs.

The servers are the real ``fupan-mcp serve --http`` in a subprocess, started with the helpers of
``test_http.py``.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from test_http import INITIALIZE, MCP_HEADERS, TOKEN, Running, start, stop

SECRET = "s3cr3t-0f-the-request-5b1e9c"
LEAKS = ("Traceback", 'File "', "site-packages", SECRET)
MODERN = "2026-07-28"
LEGACY = "2025-11-25"
MODERN_META = {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("http-robustness")


@pytest.fixture(scope="module")
def server(tmp_module: Path) -> Iterator[Running]:
    running = start(tmp_module, "open", "--max-body", "256KiB", env={"FUPAN_MCP_DB": str(tmp_module / "open.db")})
    try:
        yield running
    finally:
        stop(running)
        log = running.output()
        assert "Traceback" not in log, log[-3000:]


@pytest.fixture(scope="module")
def token_server(tmp_module: Path) -> Iterator[Running]:
    running = start(tmp_module, "token", env={"FUPAN_MCP_TOKEN": TOKEN, "FUPAN_MCP_DB": str(tmp_module / "token.db")})
    try:
        yield running
    finally:
        stop(running)
        log = running.output()
        assert "Traceback" not in log, log[-3000:]
        assert SECRET not in log and TOKEN not in log


def assert_clean(response: httpx2.Response) -> None:
    """No 5xx; neither a traceback nor the request's secret in the body or the headers."""
    assert response.status_code < 500, response.text[:500]
    seen = response.text + "\n".join(f"{k}: {v}" for k, v in response.headers.items())
    for leak in LEAKS:
        assert leak not in seen, f"{leak!r} in the answer: {seen[:500]}"


def post(server: Running, body: bytes, **headers: str) -> httpx2.Response:
    sent = {**MCP_HEADERS, "X-Api-Key": SECRET, **headers}
    response = httpx2.post(server.mcp, content=body, headers=sent, timeout=60)
    assert_clean(response)
    return response


def message(response: httpx2.Response) -> dict[str, Any]:
    """The JSON-RPC message of a JSON or an SSE answer."""
    text = response.text
    if response.headers.get("content-type", "").startswith("text/event-stream"):
        text = next(line[5:] for line in text.splitlines() if line.startswith("data:"))
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def jsonrpc_error(response: httpx2.Response) -> dict[str, Any] | None:
    """The JSON-RPC error of the answer, None for a result."""
    error: dict[str, Any] | None = message(response).get("error")
    return error


def assert_alive(server: Running) -> None:
    assert server.process.poll() is None, server.output()[-3000:]
    assert httpx2.get(f"{server.base}/health", timeout=60).status_code == 200


# --- bodies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("era", [LEGACY, MODERN, None])
@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe",
        b'{"jsonrpc":"2.0","id":1,"method":"\xff\xfeping"}',
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xc3\x28"}}',
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xed\xa0\x80"}}',  # a surrogate in UTF-8 bytes
        b"\xef\xbb\xbf" + json.dumps(INITIALIZE).encode("utf-16-le"),
        b"\x00" * 64,
    ],
)
def test_a_body_that_is_not_utf8_is_a_clean_parse_error(server: Running, era: str | None, body: bytes) -> None:
    headers = {"MCP-Protocol-Version": era} if era else {}
    response = post(server, body + SECRET.encode(), **headers)
    assert response.status_code == 400
    error = jsonrpc_error(response)
    assert error is not None and error["code"] == -32700


@pytest.mark.parametrize(
    "batch",
    [
        [INITIALIZE],
        [{"jsonrpc": "2.0", "id": 1, "method": "ping"}, {"jsonrpc": "2.0", "id": 2, "method": "ping"}],
        [{"jsonrpc": "2.0", "method": "notifications/initialized"}],
        [[]],
        [SECRET],
    ],
)
def test_a_json_rpc_batch_is_refused(server: Running, batch: list[Any]) -> None:
    response = post(server, json.dumps(batch).encode())
    assert response.status_code == 400
    error = jsonrpc_error(response)
    assert error is not None and error["code"] == -32600


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/xml",
        "application/jsonp",
        "application/json-seq",
        "",
        "application/json\r\nX-Injected: 1",
    ],
)
def test_a_wrong_content_type_is_4xx(server: Running, content_type: str) -> None:
    body = json.dumps({**INITIALIZE, "secret": SECRET}).encode()
    if "\r" in content_type:  # httpx refuses to send it: the server never sees such a header
        with pytest.raises((httpx2.LocalProtocolError, ValueError)):
            post(server, body, **{"Content-Type": content_type})
        return
    response = post(server, body, **{"Content-Type": content_type})
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("accept", ["text/html", "application/json", "text/event-stream", "*/*;q=0", ""])
def test_an_accept_without_json_and_sse_is_4xx_or_served(server: Running, accept: str) -> None:
    response = post(server, json.dumps(INITIALIZE).encode(), Accept=accept)
    assert response.status_code in (200, 406)


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [100_000, 1_000_000, 8_000_000])
def test_a_huge_header_is_served_or_refused_cleanly(server: Running, size: int) -> None:
    try:
        response = post(server, json.dumps(INITIALIZE).encode(), **{"X-Pad": "a" * size})
    except httpx2.TransportError:
        pass  # refused (400) and closed while the client was still sending: a race the size does not decide
    else:
        assert response.status_code in (200, 400, 431)
        if size >= 1_000_000:
            assert response.status_code in (400, 431)  # bounded by the HTTP parser
    assert_alive(server)


def test_many_headers(server: Running) -> None:
    headers = {f"X-Header-{i}": f"{SECRET}-{i}" for i in range(1_000)}
    response = post(server, json.dumps(INITIALIZE).encode(), **headers)
    assert response.status_code in (200, 400, 431)
    assert_alive(server)


def _raw(server: Running, data: bytes) -> bytes:
    host, port = server.base.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if len(b"".join(chunks)) > 1_000_000:
                    break
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


NOT_HTTP = [
    b"GARBAGE\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS ClientHello
    b"POST /mcp HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",  # no Host
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999999\r\n\r\n{}",
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: a\x00b\r\nContent-Length: 2\r\n\r\n{}",
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\n{}",
    b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
]


@pytest.mark.parametrize("data", NOT_HTTP, ids=range(len(NOT_HTTP)))
def test_bytes_that_are_not_valid_http(server: Running, data: bytes) -> None:
    answer = _raw(server, data.replace(b"Host: 127.0.0.1", b"Host: " + server.base.removeprefix("http://").encode()))
    if answer:  # answering nothing and closing is fine too
        status = int(answer.split(b" ", 2)[1])
        assert 400 <= status < 500, answer[:300]
        assert b"Traceback" not in answer
    assert_alive(server)


# --- the token server ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        f"Bearer {SECRET}",
        f"bearer {SECRET}",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Bearer  {SECRET} {TOKEN}",
        f"Token {TOKEN}",
        f"Bearer {SECRET * 1000}",
    ],
)
def test_a_wrong_token_is_401_and_not_echoed(token_server: Running, authorization: str) -> None:
    response = post(token_server, json.dumps(INITIALIZE).encode(), Authorization=authorization)
    assert response.status_code == 401
    assert TOKEN not in response.text


@pytest.mark.parametrize("raw_value", [b"Bearer \xff\xfe\xfd", b"Bearer \xe4\xbd\xa0\xe5\xa5\xbd", b"\x00" * 8])
def test_a_token_header_that_is_not_ascii_is_401(token_server: Running, raw_value: bytes) -> None:
    host = token_server.base.removeprefix("http://").encode()
    answer = _raw(
        token_server,
        b"POST /mcp HTTP/1.1\r\nHost: " + host + b"\r\nAuthorization: " + raw_value + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    )
    status = int(answer.split(b" ", 2)[1])
    assert status in (400, 401), answer[:300]
    assert b"Traceback" not in answer and raw_value not in answer.split(b"\r\n\r\n", 1)[-1]
    assert_alive(token_server)


def test_an_unauthenticated_oversized_body_is_refused_before_reading(token_server: Running) -> None:
    big = b'{"pad":"' + b"x" * (5 * 1024 * 1024) + b'"}'
    try:
        response = post(token_server, big, Authorization=f"Bearer {SECRET}")
    except httpx2.TransportError:  # refused and closed before the upload ended
        pass
    else:
        assert response.status_code in (401, 413)
    assert_alive(token_server)


def test_the_token_in_the_query_string_is_not_accepted(token_server: Running) -> None:
    response = httpx2.post(
        f"{token_server.mcp}?access_token={TOKEN}&x={SECRET}",
        content=json.dumps(INITIALIZE).encode(),
        headers=MCP_HEADERS,
        timeout=10,
    )
    assert response.status_code == 401
    assert_clean(response)
    assert TOKEN not in response.text


# --- tool arguments only raw JSON carries -------------------------------------------------------


def tools_call(server: Running, arguments_json: str, era: str, tool: str = "compute_attainment") -> httpx2.Response:
    meta = f',"_meta":{json.dumps(MODERN_META)}' if era == MODERN else ""
    body = (
        f'{{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{{"name":"{tool}","arguments":{arguments_json}{meta}}}}}'
    ).encode()
    headers = {"MCP-Protocol-Version": era}
    if era == MODERN:
        headers |= {"Mcp-Method": "tools/call", "Mcp-Name": tool}
    return post(server, body, **headers)


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


HOSTILE_ARGUMENTS = {
    "nan-and-infinity": '{"metrics":[{"name":"a","target":NaN,"actual":Infinity}]}',
    "minus-infinity": '{"metrics":[{"name":"a","target":"≥1","actual":-Infinity}]}',
    "1e400": '{"metrics":[{"name":"a","target":"≥1","actual":1e400}]}',
    "400-digit-int": '{"metrics":[{"name":"a","target":"≥1","actual":' + "9" * 400 + "}]}",
    "lone-surrogate": '{"metrics":[{"name":"\\ud800","target":"≥1","actual":2}]}',
    "surrogate-key": '{"\\udfff":1,"metrics":[]}',
    "nul": '{"metrics":[{"name":"a\\u0000b","target":"≥1","actual":2}]}',
    "duplicate-keys": '{"metrics":[],"metrics":[{"name":"a","target":"≥1","actual":2}]}',
    "deep-150": '{"metrics":' + deep(150) + "}",
    "deep-900": '{"metrics":' + deep(900) + "}",
    "deep-10000": '{"metrics":' + deep(10_000) + "}",
    "deep-dict-10000": '{"metrics":' + '{"a":' * 10_000 + "1" + "}" * 10_000 + "}",
    "array": "[1,2]",
    "string": f'"{SECRET}"',
    "null": "null",
    "number": "1e999",
}


@pytest.mark.parametrize("era", [LEGACY, MODERN])
@pytest.mark.parametrize("case", list(HOSTILE_ARGUMENTS))
def test_hostile_tool_arguments_over_http(server: Running, era: str, case: str) -> None:
    response = tools_call(server, HOSTILE_ARGUMENTS[case], era)
    assert response.status_code in (200, 400)
    error = jsonrpc_error(response)
    if error is not None:  # refused by the parser or the envelope check: a JSON-RPC error, never -32603
        assert error["code"] in (-32700, -32600, -32602), error
    else:  # reached the tool: a result or a tool error, both fine
        assert "content" in message(response)["result"]


def test_servers_still_serve(server: Running, token_server: Running) -> None:
    for running in (server, token_server):
        assert_alive(running)
    response = tools_call(server, '{"metrics":[{"name":"a","target":"≥1","actual":2}]}', LEGACY)
    assert jsonrpc_error(response) is None
