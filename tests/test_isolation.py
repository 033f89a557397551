"""Heavy pure calls over HTTP run in worker processes (`fupan_mcp.isolation`, #15) and answer exactly as
the same calls in process (on a thread): results, detail, relative dates, argument errors. The workers
do the work and end with the server."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp_types import TextContent

from fupan_mcp.app import Settings, create_server
from fupan_mcp.limits import OFF_LOOP_WEIGHT
from test_http import Running, start, stop

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only"),
]


def children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return [int(child) for child in text.split()]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


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


ACTIONS = [
    {"id": f"A{i}", "action": f"复查对账脚本 {i}", "owner": "李四", "due": "下周五" if i % 2 else "T+30"}
    for i in range(OFF_LOOP_WEIGHT + 20)
]

HEAVY_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("build_kpi_tree", {"nodes": wide_tree(70), "language": "en"}),  # 211 nodes: in summary (> 200)
    ("build_kpi_tree", {"nodes": wide_tree(70), "detail": "full"}),
    ("check_actions", {"actions": ACTIONS, "language": "en"}),  # relative dues, read against today
    ("check_compliance", {"text": "联系 13800138000，邮件 a@example.com。" * 4_000}),
    ("compute_attainment", {"metrics": [{"name": f"m{i}", "target": "≥98%", "actual": "99%"} for i in range(150)]}),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("tool", "arguments"), HEAVY_CALLS, ids=[f"{t}-{i}" for i, (t, _) in enumerate(HEAVY_CALLS)])
async def test_a_heavy_call_in_a_worker_process_answers_as_in_process(
    server: Running, both: tuple[Client, Client], tool: str, arguments: dict[str, Any]
) -> None:
    remote, here = both
    workers = children(server.process.pid)
    assert workers, "the HTTP server runs no worker process"
    before = sum(cpu_ticks(pid) for pid in workers)
    over_http = await remote.call_tool(tool, arguments)
    in_process = await here.call_tool(tool, arguments)
    assert not over_http.is_error, text_of(over_http)[:500]
    assert over_http.structured_content == in_process.structured_content
    assert text_of(over_http) == text_of(in_process)
    assert sum(cpu_ticks(pid) for pid in workers) > before, "no worker process did the work"


@pytest.mark.anyio
async def test_an_argument_error_in_a_worker_process_reads_as_in_process(both: tuple[Client, Client]) -> None:
    remote, here = both
    metrics = [{"name": f"m{i}", "target": "≥1", "actual": 2} for i in range(150)] + [{"target": "≥1"}]
    for language in ("zh", "en"):
        arguments = {"metrics": metrics, "language": language}
        over_http = await remote.call_tool("compute_attainment", arguments)
        in_process = await here.call_tool("compute_attainment", arguments)
        assert over_http.is_error and in_process.is_error
        assert text_of(over_http) == text_of(in_process)
        assert "150" in text_of(over_http) and "pydantic" not in text_of(over_http)


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
