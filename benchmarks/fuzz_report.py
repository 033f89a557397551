"""A bigger fuzz campaign over every tool, with the figures: calls tried, failures found, time.

Uses the strategies and the checks of ``tests/test_robustness.py`` (same properties: a result that
validates against the output schema, or a clear tool error; no hang; the server keeps serving), but
collects the failures instead of stopping at the first one.

    .venv/bin/python benchmarks/fuzz_report.py                    # 1,000 examples per tool (client, 2026-07-28 era)
    .venv/bin/python benchmarks/fuzz_report.py --examples 200 --tools export_report list_reviews
    FUPAN_FUZZ_EXAMPLES=2000 .venv/bin/python benchmarks/fuzz_report.py

Besides the main run through the client, each tool gets a quarter as many examples on the
handshake era and a third as many raw calls (NaN floats, 10,000-deep nesting: not serialized by the client).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import test_robustness as fz


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=int(os.environ.get("FUPAN_FUZZ_EXAMPLES") or 1000))
    parser.add_argument("--tools", nargs="*", help="only these tools (default: every listed tool)")
    args = parser.parse_args(argv)
    logging.getLogger("mcp").setLevel(logging.CRITICAL)  # the crashes are collected, not printed
    logging.getLogger("mcp").propagate = False
    warnings.simplefilter("ignore")  # e.g. matplotlib on degenerate charts, hypothesis on large reprs

    tools = args.tools or fz.TOOLS
    unknown = sorted(set(tools) - set(fz.TOOLS))
    if unknown:
        parser.error(f"unknown tools: {', '.join(unknown)}")
    runs = [
        ("client, 2026-07-28", "auto", args.examples, False),
        ("client, handshake era", "legacy", max(args.examples // 4, 5), False),
        ("raw values", "auto", max(args.examples // 3, 5), True),
    ]
    with tempfile.TemporaryDirectory(prefix="fupan-fuzz-") as tmp:
        harnesses = {mode: fz.Harness(Path(tmp) / mode, mode) for mode in ("auto", "legacy")}
        for harness in harnesses.values():
            harness.calls.clear()  # the seed call is set-up, not fuzzing
        seconds: dict[str, float] = {}
        try:
            for tool in tools:
                started = time.perf_counter()
                for _label, mode, examples, raw in runs:
                    fz.fuzz(harnesses[mode], tool, examples, raw=raw, collect=True)
                seconds[tool] = time.perf_counter() - started
                calls = sum(h.calls[tool] for h in harnesses.values())
                found = sum(1 for h in harnesses.values() for t, _ in h.failures if t == tool)
                print(f"{tool:<20} {calls:>7,} calls  {found:>3} distinct failures  {seconds[tool]:7.1f}s", flush=True)
        finally:
            for harness in harnesses.values():
                harness.close()

    failures = {key: text for h in harnesses.values() for key, text in h.failures.items()}
    total = sum(sum(h.calls[t] for t in tools) for h in harnesses.values())
    print()
    print(f"examples per tool: {', '.join(f'{label} {n}' for label, _, n, _ in runs)}")
    elapsed = sum(seconds.values())
    print(f"total: {total:,} calls over {len(tools)} tools in {elapsed:.0f}s; {len(failures)} distinct failures")
    unsendable = sum(h.unsendable for h in harnesses.values())
    print(f"({unsendable:,} of them too deep or odd for the SDK client to serialize: sent raw instead)")
    for (tool, _), text in sorted(failures.items()):
        print(f"- {tool}: {text}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
