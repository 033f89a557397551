"""Answers sized to the question, the official client's round trip, memory after big calls (#15).

    .venv/bin/python benchmarks/bench_sizes.py            # full run
    .venv/bin/python benchmarks/bench_sizes.py --quick    # a smoke test

1. Response / request bytes of the large cases, in process (`server.call_tool`, the result as the
   wire carries it: JSON by alias, nulls left out): a 10,000-node `build_kpi_tree`, 10,000 metrics
   for `compute_attainment`, a 200,000-character `check_compliance`, each as a client asks for it
   without `detail` (the first two are then answered in summary, `report.sizing`). Target: at most 2x.
2. Round trip through the official Python SDK client (`mcp.Client`, in process, so what is timed
   is the server plus the client's own checks, outputSchema validation included):
   `compute_attainment` on the five sample metrics against the bare server's trivial `echo`
   (benchmarks/bare_server.py). Target: within 1.5x.
3. Resident memory of this process after the big calls, against its figure once the server has
   started as `fupan-mcp serve` starts it (`fupan_mcp.memory.tune_allocator`, `fupan_mcp.gctuning`)
   and answered one small call; the after figure is taken a settle time after the last big call
   (the server trims a moment after a heavy call). Target: within 1.2x.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_isolation import dense_text, kpi_tree_arguments
from bench_server import ms, sample_metrics, synthetic_metrics, table
from targets import target


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


LARGE: list[tuple[str, str, Any]] = [
    ("kpi_tree_10k", "build_kpi_tree", kpi_tree_arguments),
    ("attainment_10k", "compute_attainment", lambda: {"metrics": synthetic_metrics(10_000), "language": "zh"}),
    ("compliance_200k", "check_compliance", lambda: {"text": dense_text(), "language": "zh"}),
]


async def sizes(server: Any) -> list[list[str]]:
    rows = []
    for suffix, tool, factory in LARGE:
        arguments = factory()
        request = len(json.dumps(arguments, ensure_ascii=False).encode())
        result = await server.call_tool(tool, arguments)
        response = len(result.model_dump_json(by_alias=True, exclude_none=True).encode())
        rows.append([tool, f"{request / 1e6:.2f} MB", f"{response / 1e6:.2f} MB", f"{response / request:.2f}x"])
        target(f"sizes.response_over_request.{suffix}", response, request, 2.0)
        del arguments, result
    return rows


async def round_trips(calls: int) -> list[list[str]]:
    from mcp import Client

    from bare_server import mcp as bare
    from fupan_mcp.app import create_server

    cases = [
        ("fupan-mcp: compute_attainment (5 sample metrics)", create_server(), "compute_attainment"),
        ("bare: echo (trivial)", bare, "echo"),
    ]
    arguments = {
        "compute_attainment": {"metrics": sample_metrics(), "language": "zh"},
        "echo": {"text": "hello"},
    }
    medians: list[float] = []
    cpus: list[float] = []
    rows = []
    for label, server, tool in cases:
        async with Client(server) as client:
            for _ in range(10):
                await client.call_tool(tool, arguments[tool])
            times = []
            cpu = time.process_time()
            for _ in range(calls):
                started = time.perf_counter()
                result = await client.call_tool(tool, arguments[tool])
                times.append(time.perf_counter() - started)
                if result.is_error:
                    raise RuntimeError(f"{label}: {result.content}")
            cpu = (time.process_time() - cpu) / calls
        medians.append(statistics.median(times))
        cpus.append(cpu)
        rows.append([label, ms(statistics.median(times)), ms(min(times)), ms(cpu)])
    rows.append(["ratio", f"{medians[0] / medians[1]:.2f}x", "", f"{cpus[0] / cpus[1]:.2f}x"])
    target("roundtrip.official_client.compute_attainment", medians[0], medians[1], 1.5)
    return rows


def main() -> None:
    import anyio

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    args = parser.parse_args()
    from fupan_mcp.app import create_server
    from fupan_mcp.gctuning import tune_gc
    from fupan_mcp.memory import TRIM_DELAY_SECONDS, tune_allocator

    tune_allocator()  # as `fupan-mcp serve` does, before the server exists (stdio and HTTP)
    server = create_server()
    tune_gc()
    anyio.run(server.call_tool, "compute_attainment", {"metrics": sample_metrics(), "language": "zh"})
    gc.collect()
    idle = rss_mib()
    table(
        "Response / request bytes of the large cases (in process, the result as JSON by alias, no nulls)",
        ["tool", "request", "response", "ratio"],
        anyio.run(sizes, server),
    )
    gc.collect()
    time.sleep(TRIM_DELAY_SECONDS + 1.0)  # the server gives freed pages back a moment after a heavy call
    after = rss_mib()
    target("memory.rss_after_big_calls", after, idle, 1.2)
    table(
        "Resident memory of this process", ["when", "RSS"], [["idle", f"{idle:.0f} MiB"], ["after", f"{after:.0f} MiB"]]
    )
    table(
        "Round trip through the official client (mcp.Client, in process; median; CPU of this process, client "
        "and server, per call: steadier than wall time on a shared machine)",
        ["call", "median", "best", "CPU/call"],
        anyio.run(round_trips, 30 if args.quick else 200),
    )


if __name__ == "__main__":
    main()
