"""Linear privacy scan: `check_compliance` of a text dense with hits against a sparse one (#15).

    .venv/bin/python benchmarks/bench_compliance.py            # median of 7
    .venv/bin/python benchmarks/bench_compliance.py --quick    # median of 3

Two texts of the same length (200,000 characters, the tool's limit for `text`), checked by the same
in-process call (`FupanServer.call_tool`: argument validation, the scan, the tone check, the masked
text, the structured result), with the same roster and language:

- ``ours``: dense with hits: every ~90 characters a mobile number, an e-mail, a name from the roster
  blamed for a failure and an absolute word ("总是"), so tens of thousands of personal-data spans
  and tone phrases, the first 1,000 of each listed with a masked excerpt;
- ``base``: sparse: sentences of the same shape and length with one hit of each kind every ~10,000
  characters.

Target: the dense text within 2x of the sparse one (`TARGET compliance.dense_over_sparse_200k`): the
cost is the length of the text, not the number of hits. Both answers are checked first: the counts
are those the generator planted and no call is an error.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from targets import target

CHARS = 200_000
LIMIT = 2.0
SPARSE_EVERY = 100
"""One sentence in this many of the sparse text carries hits."""
ROSTER = [{"name": "张伟", "role": "后端"}, {"name": "李娜"}]


def _hit_sentence(i: int) -> str:
    # 1380013{i:04d}: a subscriber's number for every i (138 0000 0000, a round figure, is not one)
    return f"第{i}条：张伟导致接口超时，联系 1380013{i % 10_000:04d}，邮件 user{i}@example.com，总是这样。"


def _plain_sentence(i: int) -> str:
    # the same shape and about the same length, no personal data, no blame, no absolute word
    return f"第{i}条：接口在高峰期响应变慢，已经通知值班同学，记录在工单系统里，次日复核。"


def make_text(every: int, chars: int = CHARS) -> tuple[str, int]:
    """``chars`` characters of sentences, one in ``every`` with hits; the text and its hit sentences."""
    parts: list[str] = []
    size, i, hits = 0, 0, 0
    while size < chars:
        if i % every == 0:
            part = _hit_sentence(i)
            hits += 1 if size + len(part) <= chars else 0
        else:
            part = _plain_sentence(i)
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[:chars], hits


def _arguments(text: str) -> dict[str, Any]:
    return {"text": text, "roster": ROSTER, "language": "zh"}


def main() -> None:
    import anyio

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="median of 3 instead of 7")
    parser.add_argument("--runs", type=int, default=None)
    args = parser.parse_args()
    runs = args.runs or (3 if args.quick else 7)

    from fupan_mcp.app import create_server
    from fupan_mcp.gctuning import tune_gc

    server = create_server()
    tune_gc()
    cases = {"dense": make_text(1), "sparse": make_text(SPARSE_EVERY)}
    for name, (text, hits) in cases.items():
        if len(text) != CHARS:
            raise SystemExit(f"{name}: {len(text)} characters, not {CHARS}")
        result = anyio.run(server.call_tool, "check_compliance", _arguments(text))
        if result.is_error:
            raise SystemExit(f"{name}: {result.content}")
        counts = result.structured_content["counts"]
        # each hit sentence: a mobile, an e-mail, the name; a blamed person and an absolute word
        if counts["pii"] < 3 * hits or counts["tone"] < 2 * hits:
            raise SystemExit(f"{name}: counts {counts} for {hits} hit sentences")
        print(f"{name}: {len(text):,} characters, {counts['pii']:,} personal-data spans, {counts['tone']:,} tone")

    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (text, _hits) in cases.items():  # alternated, so a noisy neighbour hits both
            arguments = _arguments(text)
            started = time.perf_counter()
            anyio.run(server.call_tool, "check_compliance", arguments)
            times[name].append(time.perf_counter() - started)
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values) * 1e3:.0f} ms, best {min(values) * 1e3:.0f} ms")
    dense, sparse = statistics.median(times["dense"]), statistics.median(times["sparse"])
    target("compliance.dense_over_sparse_200k", dense * 1e3, sparse * 1e3, LIMIT)


if __name__ == "__main__":
    main()
