"""Benchmarks: fupan-mcp side by side with a bare MCPServer (benchmarks/bare_server.py), in one run.

    .venv/bin/python benchmarks/bench_server.py            # full run (about a minute)
    .venv/bin/python benchmarks/bench_server.py --quick    # fewer repetitions, for a smoke test

Tables printed:

1. cold start over stdio: spawn the process, send `initialize` by hand, time to the answer (median);
2. round trip over stdio (raw JSON-RPC, handshake era): p50/p99 per tool call;
3. HTTP throughput against `serve --http` (stateless), several concurrent clients;
4. peak memory (VmHWM) of each server process;
5. compute scaling: one in-process `call_tool` (validation + core + rendering, no transport) at
   growing input sizes, with the ratio per 10x.

To add a tool, append to `ROUND_TRIPS` and `SCALING`. Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import select
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from targets import target

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "server" / "fupan_mcp" / "samples" / "erp_wms.json"
BARE = Path(__file__).with_name("bare_server.py")
HANDSHAKE = "2025-11-25"

Arguments = dict[str, Any]


def sample_metrics() -> list[dict[str, Any]]:
    metrics: list[dict[str, Any]] = json.loads(SAMPLE.read_text(encoding="utf-8"))["metrics"]
    return metrics


def synthetic_metrics(n: int) -> list[dict[str, Any]]:
    """n metrics cycling through the sample's target shapes, each with its own name."""
    base = sample_metrics()
    return [{**base[i % len(base)], "name": f"{base[i % len(base)]['name']} #{i}"} for i in range(n)]


# --- what is measured: extend these lists to benchmark more tools -----------------------------


def fupan_command() -> list[str]:
    script = Path(sys.executable).with_name("fupan-mcp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "fupan_mcp"]


def bare_command() -> list[str]:
    return [sys.executable, str(BARE)]


SERVERS: dict[str, Callable[[], list[str]]] = {"fupan-mcp": fupan_command, "bare": bare_command}
"""Server name -> the command that serves it over stdio."""

HTTP_SERVERS: dict[str, Callable[[int], list[str]]] = {
    "fupan-mcp": lambda port: [*fupan_command(), "serve", "--http", "--port", str(port)],
    "bare": lambda port: [*bare_command(), "--http", "--port", str(port)],
    "bare+layer": lambda port: [*bare_command(), "--http", "--fupan-layer", "--port", str(port)],
}
"""Server name -> the command that serves it over streamable HTTP (stateless) on a port."""


@dataclass(frozen=True)
class ToolCase:
    server: str
    tool: str
    arguments: Callable[[], Arguments]
    label: str = ""

    @property
    def title(self) -> str:
        return self.label or f"{self.server}: {self.tool}"


ROUND_TRIPS: list[ToolCase] = [
    ToolCase(
        "fupan-mcp",
        "compute_attainment",
        lambda: {"metrics": sample_metrics(), "language": "zh"},
        "fupan-mcp: compute_attainment (5 sample metrics)",
    ),
    ToolCase("bare", "echo", lambda: {"text": "hello"}, "bare: echo (trivial)"),
]
"""Round trips over stdio; the last entry is the baseline."""

HTTP_CASES: list[ToolCase] = [
    *ROUND_TRIPS[:-1],
    ToolCase("bare+layer", "echo", lambda: {"text": "hello"}, "bare: echo behind fupan-mcp's HTTP layer"),
    ROUND_TRIPS[-1],
]
"""HTTP throughput; the last entry is the baseline. `bare+layer` isolates the cost of fupan_mcp.http
(Host/Origin, token, body limit, envelope check) from the cost of the tool."""

SCALING: list[tuple[str, Callable[[int], Arguments]]] = [
    ("compute_attainment", lambda n: {"metrics": synthetic_metrics(n), "language": "zh", "detail": "full"}),
]
"""(tool name, arguments factory for a size) for the in-process compute-scaling table; every row answered
(`detail: "full"`), so the growth per 10x measures the same work at each size."""

SCALING_SIZES = [10, 100, 1_000, 10_000]


# --- helpers ----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mib(pid: int) -> float | None:
    """VmHWM: the peak resident set size of a live process (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU a live process has used (Linux): steadier than wall time on a shared machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    print(f"\n## {title}\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    sys.stdout.flush()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("FUPAN_MCP_")}


class StdioServer:
    """A server process spoken to with raw newline-delimited JSON-RPC over its pipes."""

    def __init__(self, command: list[str], extra_env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**env(), **(extra_env or {})},
            bufsize=0,
        )
        self.next_id = 0
        self.buffer = bytearray()

    def request(self, method: str, params: Arguments, timeout: float = 60.0) -> Any:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive(timeout)
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def send(self, message: Arguments) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")

    def receive(self, timeout: float) -> Any:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        deadline = time.monotonic() + timeout
        while (end := self.buffer.find(b"\n")) < 0:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("no answer from the server")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise RuntimeError(f"server exited with {self.process.wait()}")
            self.buffer.extend(chunk)
        line = bytes(self.buffer[:end])
        del self.buffer[: end + 1]
        return json.loads(line)

    def initialize(self) -> Any:
        result = self.request(
            "initialize",
            {
                "protocolVersion": HANDSHAKE,
                "capabilities": {},
                "clientInfo": {"name": "bench", "version": "0"},
            },
        )
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return result

    def close(self) -> float | None:
        peak = peak_rss_mib(self.process.pid)
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        return peak


# --- 1. cold start ----------------------------------------------------------------------------


COLD_STARTS: list[tuple[str, str, bool, bool]] = [
    ("startup.initialize", "to the first `initialize` answer", False, False),
    ("startup.initialize_no_pyc", "to `initialize`, no .pyc (fresh empty pycache, none written)", True, False),
    ("startup.tools_list", "to the first `tools/list` answer", False, True),
    ("startup.tools_list_no_pyc", "to `tools/list`, no .pyc", True, True),
]
"""(target name, what is timed, without .pyc files, up to the first tools/list)."""


def bench_cold_start(runs: int) -> dict[str, float]:
    import tempfile

    medians: dict[str, float] = {}
    rows = []
    for target_name, label, no_pyc, listed in COLD_STARTS:
        times: dict[str, list[float]] = {name: [] for name in SERVERS}
        for _ in range(runs):
            for name, command in SERVERS.items():  # interleaved: a neighbour's burst hits both alike
                with tempfile.TemporaryDirectory() as cache:
                    extra = {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": cache} if no_pyc else {}
                    started = time.perf_counter()
                    server = StdioServer(command(), extra)
                    server.initialize()
                    if listed:
                        server.request("tools/list", {})
                    times[name].append(time.perf_counter() - started)
                    server.close()
        for name in SERVERS:
            medians[f"{target_name}:{name}"] = statistics.median(times[name])
            rows.append([label, name, ms(statistics.median(times[name])), ms(min(times[name])), ms(max(times[name]))])
        ours, base = statistics.median(times["fupan-mcp"]), statistics.median(times["bare"])
        rows.append([label, "ratio fupan/bare", f"{ours / base:.2f}x", "", "target <= 1.20x"])
        target(target_name, ours, base, 1.2)
    table(
        f"Cold start over stdio (median of {runs}, the two servers interleaved)",
        ["timed", "server", "median", "min", "max"],
        rows,
    )
    return medians


# --- 2. round trips over stdio ----------------------------------------------------------------


def bench_round_trips(calls: int, peaks: dict[str, list[str]]) -> None:
    rows = []
    p50s: dict[str, float] = {}
    cpus: dict[str, float] = {}
    for case in ROUND_TRIPS:
        server = StdioServer(SERVERS[case.server]())
        server.initialize()
        arguments = case.arguments()
        for _ in range(max(5, calls // 20)):  # warm up
            server.request("tools/call", {"name": case.tool, "arguments": arguments})
        times = []
        cpu_before = cpu_seconds(server.process.pid)
        for _ in range(calls):
            started = time.perf_counter()
            result = server.request("tools/call", {"name": case.tool, "arguments": arguments})
            times.append(time.perf_counter() - started)
            if result.get("isError"):
                raise RuntimeError(f"{case.title}: {result['content']}")
        cpu_after = cpu_seconds(server.process.pid)
        peak = server.close()
        peaks.setdefault(case.server, []).append(f"{peak:.1f} MiB (stdio, after {calls} calls)" if peak else "n/a")
        p50s[case.title] = percentile(times, 50)
        if cpu_before is not None and cpu_after is not None:
            cpus[case.title] = (cpu_after - cpu_before) / calls
        shown_cpu = ms(cpus[case.title]) if case.title in cpus else "n/a"
        rows.append(
            [case.title, ms(percentile(times, 50)), ms(percentile(times, 99)), ms(statistics.mean(times)), shown_cpu]
        )
    baseline = ROUND_TRIPS[-1].title
    for case in ROUND_TRIPS[:-1]:
        ratio = p50s[case.title] / p50s[baseline]
        target(f"roundtrip.stdio_raw.{case.tool}", p50s[case.title], p50s[baseline], 1.5)
        cpu_ratio = f"{cpus[case.title] / cpus[baseline]:.2f}x" if cpus.get(baseline) and case.title in cpus else ""
        rows.append(
            [
                f"ratio p50 {case.server}/{ROUND_TRIPS[-1].server}",
                f"{ratio:.2f}x",
                "",
                f"target <= 1.50x: {'met' if ratio <= 1.5 else 'MISSED'}",
                cpu_ratio,
            ]
        )
    table(
        f"Round trip of one tools/call over stdio, raw JSON-RPC, {HANDSHAKE} (N={calls}; server CPU per call "
        "from /proc, in clock ticks of 10 ms over the N calls: steadier than wall time on a shared machine)",
        ["call", "p50", "p99", "mean", "server CPU/call"],
        rows,
    )


# --- 3. HTTP throughput -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def http_server(name: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    import httpx2

    port = free_port()
    command = HTTP_SERVERS[name](port)
    process = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env()
    )
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}")
            try:
                httpx2.post(url, content=b"{}", headers={"Content-Type": "application/json"}, timeout=1)
                break
            except httpx2.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield url, process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def sse_result(body: str) -> Any:
    for line in body.splitlines():
        if line.startswith("data:") and line[5:].strip():
            return json.loads(line[5:])
    return json.loads(body)


async def load(url: str, case: ToolCase, clients: int, calls: int) -> tuple[float, list[float]]:
    import httpx2

    headers = {
        "Accept": "application/json, text/event-stream",
        "Content-Type": "application/json",
        "MCP-Protocol-Version": HANDSHAKE,  # stateless: no session, no handshake needed
    }
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": case.tool, "arguments": case.arguments()},
        },
        ensure_ascii=False,
    ).encode()
    latencies: list[float] = []

    async def one_client() -> None:
        async with httpx2.AsyncClient(headers=headers, timeout=60) as http:
            for _ in range(3):  # warm up this connection
                (await http.post(url, content=body)).raise_for_status()
            for _ in range(calls):
                started = time.perf_counter()
                response = await http.post(url, content=body)
                latencies.append(time.perf_counter() - started)
                response.raise_for_status()
                if "error" in (message := sse_result(response.text)) or message["result"].get("isError"):
                    raise RuntimeError(f"{case.title}: {message}")

    started = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    return time.perf_counter() - started, latencies


def bench_http(clients: int, calls: int, peaks: dict[str, list[str]]) -> None:
    rows = []
    rates: dict[str, float] = {}
    for case in HTTP_CASES:
        with http_server(case.server) as (url, process):
            elapsed, latencies = asyncio.run(load(url, case, clients, calls))
            peak = peak_rss_mib(process.pid)
        peaks.setdefault(case.server, []).append(f"{peak:.1f} MiB (http, after load)" if peak else "n/a")
        total = clients * calls
        rates[case.title] = total / elapsed
        rows.append(
            [
                case.title,
                f"{total / elapsed:.0f} req/s",
                ms(percentile(latencies, 50)),
                ms(percentile(latencies, 99)),
            ]
        )
    baseline = HTTP_CASES[-1].title
    for case in HTTP_CASES[:-1]:
        rows.append(
            [
                f"ratio {case.server}/{HTTP_CASES[-1].server}",
                f"{rates[case.title] / rates[baseline]:.2f}x",
                "",
                "",
            ]
        )
    table(
        f"HTTP throughput, stateless streamable HTTP, {clients} clients x {calls} calls "
        f"(client and server share {os.cpu_count()} CPUs)",
        ["call", "throughput", "p50", "p99"],
        rows,
    )


# --- 4. memory --------------------------------------------------------------------------------


def print_memory(peaks: dict[str, list[str]]) -> None:
    rows = [[name, "; ".join(values)] for name, values in peaks.items()]
    table("Peak memory of the server process (VmHWM)", ["server", "peak RSS"], rows)


# --- 5. compute scaling -----------------------------------------------------------------------


def bench_scaling(sizes: list[int], budget: float) -> None:
    import anyio

    from fupan_mcp.app import create_server

    server = create_server()

    async def measure(tool: str, arguments: Arguments) -> list[float]:
        async def call() -> None:
            result = await server.call_tool(tool, arguments)
            if getattr(result, "is_error", False):
                raise RuntimeError(f"{tool}: {result}")

        await call()  # warm up
        times: list[float] = []
        deadline = time.perf_counter() + budget
        while len(times) < 3 or (time.perf_counter() < deadline and len(times) < 50):
            started = time.perf_counter()
            await call()
            times.append(time.perf_counter() - started)
        return times

    rows = []
    for tool, factory in SCALING:
        previous: float | None = None
        for size in sizes:
            times = anyio.run(measure, tool, factory(size))
            best = min(times)
            ratio = f"{best / previous:.1f}x" if previous else ""
            rows.append(
                [
                    tool,
                    f"{size:,}",
                    ms(best),
                    ms(statistics.median(times)),
                    f"{best / size * 1e6:.1f} us",
                    ratio,
                ]
            )
            previous = best
    table(
        "Compute scaling: one in-process call_tool (validation + core + rendering)",
        ["tool", "items", "best", "median", "per item (best)", "ratio per 10x (best)"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    args = parser.parse_args()
    starts, calls, clients, per_client, budget = (3, 30, 4, 10, 0.5) if args.quick else (10, 200, 8, 50, 3.0)

    print(f"# fupan-mcp benchmarks  (python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {sys.platform})")
    peaks: dict[str, list[str]] = {}
    bench_cold_start(starts)
    bench_round_trips(calls, peaks)
    bench_http(clients, per_client, peaks)
    print_memory(peaks)
    bench_scaling(SCALING_SIZES, budget)


if __name__ == "__main__":
    main()
