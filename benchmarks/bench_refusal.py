"""Refuse early: a call with 100,000 metrics is refused before any model is built (#15).

    .venv/bin/python benchmarks/bench_refusal.py            # median of 21
    .venv/bin/python benchmarks/bench_refusal.py --quick    # median of 7

In process (`FupanServer.call_tool`, no transport):

- ``ours``: `compute_attainment` with 100,000 metrics, ten times `MAX_METRICS`: refused by
  `limits.oversized` on the raw arguments (a ``len()``), with the localized message naming the limit;
- ``base``: `compute_attainment` on the five sample metrics (`samples/erp_wms.json`), a small call
  that is validated, computed and answered.

Target: refusing costs at most 3x the small call (`TARGET refusal.metrics_100k_over_small_call`).
The time to validate and compute 10,000 metrics (at the limit) is printed beside it, to show what the
early refusal saves. Over HTTP the same arguments (about 7 MB of JSON) are refused sooner still, by
the body limit (413, `--max-body`, 4 MiB by default), before the body is read.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_server import sample_metrics
from targets import target

LIMIT = 3.0
OVER = 100_000


def metrics(n: int) -> list[dict[str, Any]]:
    return [{"name": f"指标{i}", "target": "≥95%", "actual": f"{90 + i % 10}%"} for i in range(n)]


def main() -> None:
    import anyio
    from mcp.server.mcpserver.exceptions import ToolError

    from fupan_mcp.app import create_server
    from fupan_mcp.gctuning import tune_gc
    from fupan_mcp.limits import MAX_METRICS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="median of 7 instead of 21")
    args = parser.parse_args()
    runs = 7 if args.quick else 21

    server = create_server()
    tune_gc()
    over = {"metrics": metrics(OVER), "language": "en"}
    small = {"metrics": sample_metrics(), "language": "en"}
    at_limit = {"metrics": metrics(MAX_METRICS), "language": "en"}

    async def refuse() -> None:
        try:
            await server.call_tool("compute_attainment", over)
        except ToolError as error:
            message = str(error)
            if f"at most {MAX_METRICS:,} items (got {OVER:,})" not in message:
                raise SystemExit(f"refused, but not naming the limit: {message[:300]}") from error
            return
        raise SystemExit(f"{OVER:,} metrics were accepted")

    async def call(arguments: dict[str, Any]) -> None:
        result = await server.call_tool("compute_attainment", arguments)
        if getattr(result, "is_error", False):
            raise SystemExit(f"the small call failed: {result}")

    def timed(work: Any, *arguments: Any) -> float:
        started = time.perf_counter()
        anyio.run(work, *arguments)
        return time.perf_counter() - started

    for _ in range(3):  # warm: imports, the first schema and error paths
        timed(refuse)
        timed(call, small)
    ours: list[float] = []
    base: list[float] = []
    for _ in range(runs):  # alternated, so a noisy neighbour hits both
        ours.append(timed(refuse))
        base.append(timed(call, small))
    full = min(timed(call, at_limit) for _ in range(1 if args.quick else 3))
    size = len(json.dumps(over, ensure_ascii=False).encode())
    print(f"refuse {OVER:,} metrics ({size / 1e6:.1f} MB of JSON): median {statistics.median(ours) * 1e3:.2f} ms")
    print(f"small call (5 sample metrics): median {statistics.median(base) * 1e3:.2f} ms")
    print(f"validate and compute {MAX_METRICS:,} metrics (the limit): best {full * 1e3:.0f} ms")
    target("refusal.metrics_100k_over_small_call", statistics.median(ours) * 1e3, statistics.median(base) * 1e3, LIMIT)


if __name__ == "__main__":
    main()
