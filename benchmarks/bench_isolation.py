"""Isolation: does one heavy call slow everybody else down? (#15)

    .venv/bin/python benchmarks/bench_isolation.py            # full run
    .venv/bin/python benchmarks/bench_isolation.py --quick    # a smoke test

One `serve --http` process (stateless). Eight clients each alternate a small call
(`compute_attainment` on the five sample metrics) and `GET /health`, first alone (the idle p99,
the baseline), then while a ninth client keeps sending one heavy call after another: a 10,000-node
`build_kpi_tree`, then a 200,000-character `check_compliance` dense with personal data. Target:
under a heavy call, the p99 of the small call and of `/health` stay within 3x of their idle p99.
Figures only, printed as TARGET lines (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_server import HANDSHAKE, http_server, ms, percentile, sample_metrics, sse_result, table
from targets import target

CLIENTS = 8
LIMIT = 3.0


def kpi_tree_arguments(n: int = 10_000) -> dict[str, Any]:
    from bench_core import make_wide_tree

    return {"nodes": make_wide_tree(n), "language": "zh"}


def dense_text(chars: int = 200_000) -> str:
    """Text dense with personal data: a mobile number, an e-mail and an ID number every ~60 characters."""
    parts: list[str] = []
    size, i = 0, 0
    while size < chars:
        part = f"第{i}条：联系 138{i % 100_000_000:08d}，邮件 user{i}@example.com，身份证 11010519491231002X。"
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[:chars]


HEAVY: list[tuple[str, str, Callable[[], dict[str, Any]]]] = [
    ("kpi_tree_10k", "build_kpi_tree", kpi_tree_arguments),
    ("compliance_200k", "check_compliance", lambda: {"text": dense_text(), "language": "zh"}),
]
"""(target suffix, tool, arguments factory) of the heavy calls run against the small ones."""


def body(tool: str, arguments: dict[str, Any]) -> bytes:
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    return json.dumps(message, ensure_ascii=False).encode()


HEADERS = {
    "Accept": "application/json, text/event-stream",
    "Content-Type": "application/json",
    "MCP-Protocol-Version": HANDSHAKE,
}


async def probe(
    clients: list[Any], url: str, until: Callable[[], bool], small: bytes
) -> tuple[list[float], list[float]]:
    """The clients each alternating the small call and /health until ``until()``; their latencies."""
    calls: list[float] = []
    healths: list[float] = []
    health_url = url.rsplit("/", 1)[0] + "/health"

    async def one_client(http: Any) -> None:
        while not until():
            started = time.perf_counter()
            response = await http.post(url, content=small)
            calls.append(time.perf_counter() - started)
            message = sse_result(response.text)
            if "error" in message or message["result"].get("isError"):
                raise RuntimeError(f"small call failed: {message}")
            started = time.perf_counter()
            (await http.get(health_url)).raise_for_status()
            healths.append(time.perf_counter() - started)

    await asyncio.gather(*(one_client(http) for http in clients))
    return calls, healths


async def heavy_loop(http: Any, url: str, payload: bytes, runs: int, done: list[bool], durations: list[float]) -> None:
    """``runs`` heavy calls one after the other; their answers are checked once the last has come back
    (decoding a megabyte of JSON here would stall the probing clients, which share this event loop)."""
    answers: list[bytes] = []
    for _ in range(runs):
        started = time.perf_counter()
        response = await http.post(url, content=payload)
        durations.append(time.perf_counter() - started)
        answers.append(response.content)
    done[0] = True
    for answer in answers:
        message = sse_result(answer.decode())
        if "error" in message or message["result"].get("isError"):
            raise RuntimeError(f"heavy call failed: {str(message)[:300]}")


async def run(url: str, idle_seconds: float, heavy_runs: int) -> list[bool]:
    """The clients are made once, before anything is timed, and kept across the phases: making an
    httpx client loads the CA bundle (about 20 ms of CPU here), and eight of them made at the start of a
    phase stalled this process's event loop for 0.15 s, the first calls of every client waiting it out;
    in a phase of a few hundred calls that stall alone was the p99."""
    import httpx2

    small = body("compute_attainment", {"metrics": sample_metrics(), "language": "zh"})
    clients = [httpx2.AsyncClient(headers=HEADERS, timeout=120) for _ in range(CLIENTS)]
    heavy_client = httpx2.AsyncClient(headers=HEADERS, timeout=300)
    try:
        deadline = time.monotonic() + 1.0
        await probe(clients, url, lambda: time.monotonic() > deadline, small)  # warm up
        deadline = time.monotonic() + idle_seconds
        idle_calls, idle_health = await probe(clients, url, lambda: time.monotonic() > deadline, small)
        rows = [["idle", ms(percentile(idle_calls, 99)), ms(percentile(idle_health, 99)), "", str(len(idle_calls))]]
        verdicts = []
        for suffix, tool, factory in HEAVY:
            payload = body(tool, factory())
            done = [False]
            durations: list[float] = []
            heavy = asyncio.create_task(heavy_loop(heavy_client, url, payload, heavy_runs, done, durations))
            calls, healths = await probe(clients, url, lambda done=done: done[0], small)
            await heavy
            call_p99, health_p99 = percentile(calls, 99), percentile(healths, 99)
            label = f"during {tool} ({len(payload) / 1e6:.2f} MB request)"
            rows.append([label, ms(call_p99), ms(health_p99), ms(min(durations)), str(len(calls))])
            verdicts.append(target(f"isolation.small_call.{suffix}", call_p99, percentile(idle_calls, 99), LIMIT))
            verdicts.append(target(f"isolation.health.{suffix}", health_p99, percentile(idle_health, 99), LIMIT))
    finally:
        for http in [*clients, heavy_client]:
            await http.aclose()
    table(
        f"Isolation over HTTP: p99 of {CLIENTS} clients (small call + /health) idle and under a heavy call",
        ["phase", "small call p99", "/health p99", "heavy call (best)", "small calls"],
        rows,
    )
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    args = parser.parse_args()
    idle_seconds, heavy_runs = (2.0, 1) if args.quick else (5.0, 3)
    print(f"# isolation  (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    with http_server("fupan-mcp") as (url, _process):
        asyncio.run(run(url, idle_seconds, heavy_runs))


if __name__ == "__main__":
    main()
