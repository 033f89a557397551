"""Heavy pure calls over HTTP run in worker processes (`fupan_mcp.isolation`, #15) and answer exactly as
the same calls in process (on a thread): results, detail, relative dates, argument errors. A large
request of such a call is answered whole in a worker (`isolation.exchange`: parsed, validated, run,
serialised) with the very bytes, status and headers the event loop's path sends. The workers do the
work and end with the server."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp_types import TextContent

from fupan_mcp.app import Settings, create_server
from fupan_mcp.http import EXCHANGE_BYTES
from fupan_mcp.limits import OFF_LOOP_WEIGHT
from test_http import Running, start, stop

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only"),
]


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def cpu_ns(pid: int) -> int:
    """CPU time of the process's main thread, in nanoseconds: a worker runs each call there
    (`callpath.OFF_LOOP`); its other thread only gives memory back, seconds after a call (`memory`). The
    process's ``/proc/<pid>/stat`` counts 10 ms ticks, which a 7 ms call could leave unchanged."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; nobody may reap it in a container


def text_of(result: Any) -> str:
    return " ".join(block.text for block in result.content if isinstance(block, TextContent))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    running = start(tmp_path_factory.mktemp("isolation"), "isolation")
    try:
        yield running
    finally:
        stop(running)


@pytest.fixture
async def both(server: Running, tmp_path: Path) -> AsyncIterator[tuple[Client, Client]]:
    """(over HTTP, in process)"""
    local = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "exports"))
    async with Client(server.mcp) as remote, Client(local) as here:
        yield remote, here


def wide_tree(channels: int) -> list[dict[str, object]]:
    nodes: list[dict[str, object]] = [{"id": "gmv", "formula": " + ".join(f"gmv_{k}" for k in range(channels))}]
    for k in range(channels):
        nodes += [
            {"id": f"gmv_{k}", "formula": f"traffic_{k} * aov_{k}"},
            {"id": f"traffic_{k}", "actual": 100 + k, "baseline": 100},
            {"id": f"aov_{k}", "actual": 10 + k % 3, "baseline": 10},
        ]
    return nodes


def wider_tree(groups: int, channels: int) -> list[dict[str, object]]:
    """A root over ``groups`` subtrees of ``channels`` channels each (every formula stays short)."""
    nodes: list[dict[str, object]] = [{"id": "total", "formula": " + ".join(f"g{g}" for g in range(groups))}]
    for g in range(groups):
        nodes.append({"id": f"g{g}", "formula": " + ".join(f"g{g}_{k}" for k in range(channels))})
        for k in range(channels):
            nodes += [
                {"id": f"g{g}_{k}", "formula": f"t{g}_{k} * a{g}_{k}"},
                {"id": f"t{g}_{k}", "actual": 100 + k, "baseline": 100},
                {"id": f"a{g}_{k}", "actual": 10 + k % 3, "baseline": 10},
            ]
    return nodes


ACTIONS = [
    {"id": f"A{i}", "action": f"复查对账脚本 {i}", "owner": "李四", "due": "下周五" if i % 2 else "T+30"}
    for i in range(OFF_LOOP_WEIGHT + 20)
]


def on_call_notes(count: int, start: int = 0) -> str:
    """An incident's on-call notes: a phone, an e-mail and blaming words in each (178 characters)."""
    return "".join(
        f"On-call note {i:04d}: paged Li Na at +1 415 555 {i % 10_000:04d} and mailed ops{i % 10}@example.com; the "
        "rollback was late because someone failed to follow the checklist, which was clearly his fault. "
        for i in range(start, start + count)
    )


MID_TEXT = on_call_notes(225)
"""40,050 characters in a 40 KB request: under EXCHANGE_BYTES, so the event loop's path takes it, and its
scan (~40 ms) must leave the loop for a worker process (`limits.CHARS_PER_WEIGHT`)."""
MID_FIELDS = {f"timeline[{i}]": on_call_notes(3, 3 * i) for i in range(60)}
"""60 fields of 534 characters: 32,040 characters checked, 60 items."""

HEAVY_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("check_compliance", {"text": MID_TEXT, "language": "en"}),
    ("check_compliance", {"fields": MID_FIELDS, "language": "en"}),
    ("build_kpi_tree", {"nodes": wide_tree(70), "language": "en"}),  # 211 nodes: in summary (> 200)
    ("build_kpi_tree", {"nodes": wide_tree(70), "detail": "full"}),
    ("check_actions", {"actions": ACTIONS, "language": "en"}),  # relative dues, read against today
    ("check_compliance", {"text": "联系 13800138000，邮件 a@example.com。" * 4_000}),
    ("compute_attainment", {"metrics": [{"name": f"m{i}", "target": "≥98%", "actual": "99%"} for i in range(150)]}),
    # Requests larger than EXCHANGE_BYTES: answered whole in a worker (`isolation.exchange`).
    ("build_kpi_tree", {"nodes": wider_tree(20, 50), "language": "zh"}),
    ("build_kpi_tree", {"nodes": wider_tree(20, 50), "detail": "full", "language": "en"}),
    ("check_compliance", {"text": "联系 13800138000，邮件 a@example.com，身份证 11010519491231002X。" * 3_000}),
    ("compute_attainment", {"metrics": [{"name": f"m{i}", "target": "≥98%", "actual": "97%"} for i in range(2_000)]}),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("tool", "arguments"), HEAVY_CALLS, ids=[f"{t}-{i}" for i, (t, _) in enumerate(HEAVY_CALLS)])
async def test_a_heavy_call_in_a_worker_process_answers_as_in_process(
    server: Running, both: tuple[Client, Client], tool: str, arguments: dict[str, Any]
) -> None:
    remote, here = both
    workers = children(server.process.pid)
    assert workers, "the HTTP server runs no worker process"
    before = sum(cpu_ns(pid) for pid in workers)
    over_http = await remote.call_tool(tool, arguments)
    in_process = await here.call_tool(tool, arguments)
    assert not over_http.is_error, text_of(over_http)[:500]
    assert over_http.structured_content == in_process.structured_content
    assert text_of(over_http) == text_of(in_process)
    assert sum(cpu_ns(pid) for pid in workers) > before, "no worker process did the work"


def test_the_mid_size_text_checks_take_the_event_loops_path() -> None:
    """They stand for the requests `isolation.exchange` does not take: under EXCHANGE_BYTES."""
    for arguments in ({"text": MID_TEXT, "language": "en"}, {"fields": MID_FIELDS, "language": "en"}):
        message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "check_compliance"}}
        message["params"]["arguments"] = arguments  # type: ignore[index]
        assert len(json.dumps(message, ensure_ascii=False).encode()) < EXCHANGE_BYTES
    assert len(MID_TEXT) == 40_050 and sum(len(text) for text in MID_FIELDS.values()) == 32_040


@pytest.mark.anyio
async def test_an_argument_error_in_a_worker_process_reads_as_in_process(both: tuple[Client, Client]) -> None:
    remote, here = both
    metrics = [{"name": f"m{i}", "target": "≥1", "actual": 2} for i in range(150)] + [{"target": "≥1"}]
    large = [{"name": f"m{i}", "target": "≥1", "actual": 2} for i in range(2_000)] + [{"target": "≥1"}]
    for language, rows in (("zh", metrics), ("en", metrics), ("zh", large), ("en", large)):
        arguments = {"metrics": rows, "language": language, "chart": "maybe"}
        over_http = await remote.call_tool("compute_attainment", arguments)
        in_process = await here.call_tool("compute_attainment", arguments)
        assert over_http.is_error and in_process.is_error
        assert text_of(over_http) == text_of(in_process)
        assert "chart" in text_of(over_http) and "pydantic" not in text_of(over_http)
        # the one nameless metric is set aside, the rest computed, in a worker process as in process
        arguments = {"metrics": rows, "language": language}
        over_http = await remote.call_tool("compute_attainment", arguments)
        in_process = await here.call_tool("compute_attainment", arguments)
        assert not over_http.is_error and not in_process.is_error
        assert text_of(over_http) == text_of(in_process)
        assert f"metrics[{len(rows) - 1}].name" in text_of(over_http) and "pydantic" not in text_of(over_http)


def test_the_worker_processes_end_with_the_server(tmp_path: Path) -> None:
    running = start(tmp_path, "short-lived")
    workers = children(running.process.pid)
    assert workers
    stop(running)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # do not leave them behind even when the test fails
        os.kill(pid, 9)
    assert not left, "worker processes outlived the server"


# --- whole exchanges: the same message, padded past EXCHANGE_BYTES, answers byte for byte the same ----

HANDSHAKE_ERA = "2025-11-25"
MODERN_ERA = "2026-07-28"


def call_message(request_id: int | str, tool: str, arguments: dict[str, Any], era: str) -> dict[str, Any]:
    params: dict[str, Any] = {"name": tool, "arguments": arguments}
    if era == MODERN_ERA:
        params["_meta"] = {
            "io.modelcontextprotocol/protocolVersion": MODERN_ERA,
            "io.modelcontextprotocol/clientCapabilities": {},
        }
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": params}


def padded(body: bytes) -> bytes:
    """The same JSON message, past `EXCHANGE_BYTES` with insignificant whitespace before its last brace."""
    assert body.endswith(b"}")
    return body[:-1] + b" " * (EXCHANGE_BYTES + 1) + b"}"


def post(server: Running, body: bytes, headers: dict[str, str]) -> httpx2.Response:
    return httpx2.post(server.mcp, content=body, headers={"Content-Type": "application/json", **headers}, timeout=120)


def answer(response: httpx2.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers (but the date, which only says when) and the body's bytes."""
    headers = [(name, value) for name, value in response.headers.multi_items() if name.lower() != "date"]
    return response.status_code, headers, response.content


SMALL = {"metrics": [{"name": "GMV", "target": "≥1000万", "actual": "1100万"}], "language": "zh"}
EXCHANGES: list[tuple[str, dict[str, Any]]] = [
    ("compute_attainment", SMALL),
    ("compute_attainment", {"metrics": [{"target": "≥1"}], "language": "en"}),  # an argument error
    ("compute_attainment", {"metrics": "not a list"}),
    ("build_kpi_tree", {"nodes": wide_tree(20), "detail": "full"}),
    ("build_kpi_tree", {"nodes": [{"id": "a", "formula": "b +"}], "language": "en"}),  # a formula error
    ("build_kpi_tree", {"nodes": wide_tree(20), "detail": "everything"}),  # refused by our shell
    ("check_actions", {"actions": ACTIONS[:5], "language": "en"}),  # relative dues, read against today
    ("no_such_tool", {}),  # not a pure tool: left to the event loop's path
    ("compute_attainment", {"review_id": "r-missing", "metrics": []}),  # a review_id: left to it too
]
ACCEPTS = ["application/json, text/event-stream", "application/json", "text/event-stream"]


@pytest.mark.parametrize("era", [HANDSHAKE_ERA, MODERN_ERA])
@pytest.mark.parametrize("accept", ACCEPTS)
def test_a_large_request_answered_in_a_worker_is_the_answer_of_the_event_loops_path(
    server: Running, era: str, accept: str
) -> None:
    workers = children(server.process.pid)
    before = sum(cpu_ns(pid) for pid in workers)
    for number, (tool, arguments) in enumerate(EXCHANGES):
        headers = {"Accept": accept, "MCP-Protocol-Version": era}
        if era == MODERN_ERA:
            headers |= {"Mcp-Method": "tools/call", "Mcp-Name": tool}
        body = json.dumps(call_message(number, tool, arguments, era), ensure_ascii=False).encode()
        assert len(body) < EXCHANGE_BYTES <= len(padded(body))
        on_the_loop, in_a_worker = answer(post(server, body, headers)), answer(post(server, padded(body), headers))
        assert in_a_worker == on_the_loop, (tool, arguments)
    if accept == ACCEPTS[0]:  # the calls were answered, and by the workers
        assert sum(cpu_ns(pid) for pid in workers) > before


def test_a_large_malformed_request_gets_the_same_refusal(server: Running) -> None:
    headers = {"Accept": ACCEPTS[0], "MCP-Protocol-Version": HANDSHAKE_ERA}
    for body in (
        b'{"jsonrpc": "1.0", "id": 1, "method": "tools/call"}',
        b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": [1, 2]}',
        b'{"jsonrpc": "2.0", "id": [1], "method": "tools/call"}',
        b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "swot", "x": "\\ud800"}}',
    ):
        on_the_loop, in_a_worker = answer(post(server, body, headers)), answer(post(server, padded(body), headers))
        assert on_the_loop[0] == 400
        assert in_a_worker == on_the_loop
    unparsable = b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {' + b" " * EXCHANGE_BYTES
    assert answer(post(server, unparsable, headers)) == answer(post(server, unparsable[:1000], headers))


def test_a_large_request_with_a_progress_token_still_streams_its_progress(server: Running) -> None:
    """A call that asked for progress is not buffered in a worker: the event loop's path streams it."""
    message = call_message(1, "compute_attainment", SMALL, HANDSHAKE_ERA)
    message["params"]["_meta"] = {"progressToken": "p-1"}
    body = padded(json.dumps(message, ensure_ascii=False).encode())
    response = post(server, body, {"Accept": ACCEPTS[0], "MCP-Protocol-Version": HANDSHAKE_ERA})
    events = [json.loads(line[5:]) for line in response.text.splitlines() if line.startswith("data:")]
    assert [event.get("method") for event in events[:-1]] == ["notifications/progress"] * (len(events) - 1)
    assert len(events) >= 3 and events[-1]["id"] == 1 and not events[-1]["result"]["isError"]


def test_after_a_worker_died_large_requests_are_still_checked_and_answered(tmp_path: Path) -> None:
    """A killed worker breaks the pool: the request that finds it broken and every later one take the
    event loop's path (calls on threads), the envelope still checked first."""
    running = start(tmp_path, "broken-pool")
    try:
        headers = {"Accept": ACCEPTS[0], "MCP-Protocol-Version": HANDSHAKE_ERA}
        body = json.dumps(call_message(3, "compute_attainment", SMALL, HANDSHAKE_ERA), ensure_ascii=False).encode()
        expected = answer(post(running, body, headers))
        assert expected[0] == 200
        for pid in children(running.process.pid):
            os.kill(pid, 9)
        malformed = padded(b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": [1]}')
        for _ in range(2):  # the first finds the pool broken, the second finds no pool
            refused = post(running, malformed, headers)
            assert refused.status_code == 400 and "pydantic" not in refused.text
            assert refused.json()["error"]["message"] == 'Invalid Request: "params" must be an object'
            assert answer(post(running, padded(body), headers)) == expected
    finally:
        stop(running)
