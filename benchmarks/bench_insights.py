"""`review_insights` at scale: 10,000 reviews with 100,000 actions, beside a plain SQL baseline.

Builds a temporary SQLite store (deterministic seed): 200 projects, 10 actions per review from a
pool of 300 action texts (so some recur), a root cause and a lesson per review from pools of
generated Chinese and English texts (so recurring groups form), two metrics with attainment rates.

- ``ours``: what the tool does for a call without filters: `store.insight_rows()`, the pure
  analysis (`compute_insights`) and the text and structured content (`tools.workspace.insights_call`);
- ``base``: one SQL statement computing only total, done, won't-do, open and overdue counts over
  the same actions (what a hand-written report would run first).

Prints `TARGET insights.10k_reviews ...` (see benchmarks/README.md). The limit is a ratio to the
baseline (see LIMIT).

Run: ``.venv/bin/python benchmarks/bench_insights.py [--reviews 10000] [--runs 5] [--quick]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.gctuning import tune_gc
from fupan_mcp.store import SQLiteStore
from fupan_mcp.tools.workspace import insights_call
from targets import target

LIMIT = 10.0
"""ours / base. The issue asks for well under a second at 10,000 reviews, about 4x the 0.23 s the plain
count takes here; 10x leaves room for the breakdowns, groups and trends. Not met yet: 16.7 s before the
counts moved into SQL, 20-27x the count after (2026-12-02), 14-17x since the carried-over groups are
kept at write time (schema 7, 2026-12-03; a loaded 2-core VM), 9.5-13x with the follow-through counts and
the attainment rates kept too (schemas 8 and 9): see the README of this folder."""
_CHARS = (
    "支付网关超时配置容量评估上线回滚告警监控数据库连接池缓存发布流程权限审批测试覆盖依赖"
    "订单库存结算对账风控灰度扩容降级熔断限流队列消息"
)
_ROOTS = [
    "deploy",
    "canary",
    "rollback",
    "alert",
    "threshold",
    "cache",
    "timeout",
    "config",
    "capacity",
    "review",
    "test",
    "owner",
    "runbook",
    "queue",
]


def _vocabulary(rng: random.Random) -> tuple[list[str], list[str]]:
    """About 400 Chinese two-character words and 400 English words (roots with suffixes)."""
    chinese = sorted({rng.choice(_CHARS) + rng.choice(_CHARS) for _ in range(500)})[:400]
    suffixes = ("", "s", "ed", "ing", "er", "ly", "ment", "al", "ive", "ion", "ity", "ure", "ant", "ism", "ist")
    english = sorted({f"{root}{suffix}{n or ''}" for root in _ROOTS for suffix in suffixes for n in range(2)})
    return chinese, english[:400]


def _text(rng: random.Random, words: list[str], n: int, sep: str) -> str:
    return sep.join(rng.choice(words) for _ in range(n))


def build(path: Path, reviews: int) -> None:
    rng = random.Random(15)
    _CN, _EN = _vocabulary(rng)
    actions_pool = [_text(rng, _CN, 3, "") if i % 2 else _text(rng, _EN, 4, " ") for i in range(300)]
    causes = [_text(rng, _CN, 4, "") if i % 2 else _text(rng, _EN, 5, " ") for i in range(reviews // 4 + 1)]
    start = dt.date(2022, 1, 1)
    with SQLiteStore(path) as store:
        for i in range(reviews):
            day = start + dt.timedelta(days=i % 1400)
            items = []
            for k in range(10):
                status = rng.choice(("open", "in_progress", "done", "done", "wont_do"))
                items.append(
                    ActionItem(
                        action=rng.choice(actions_pool),
                        owner=f"owner{rng.randrange(300)}",
                        due=day + dt.timedelta(days=rng.randrange(10, 120)),
                        status=status,  # type: ignore[arg-type]
                        evidence="done" if status == "done" else None,
                        status_reason="dropped" if status == "wont_do" else None,
                        priority=None,
                        kind=None,
                        ticket=f"T-{k}",
                    )
                )
            metrics = {
                "metrics": [
                    {"name": "GMV", "attainment_rate": rng.uniform(0.6, 1.4)},
                    {"name": "支付成功率", "attainment_rate": rng.uniform(0.9, 1.05)},
                ]
            }
            store.create_review_document(
                f"项目{i % 200}",
                f"review {i}",
                "incident" if i % 3 else "retro",
                day,
                sections={"results.compute_attainment": metrics},
                actions=items,
                lessons=[("root_cause", rng.choice(causes)), ("lesson", rng.choice(causes))],
            )


_BASELINE = """
SELECT count(*), sum(a.status = 'done'), sum(a.status = 'wont_do'),
       sum(a.status IN ('open', 'in_progress')),
       sum(a.status IN ('open', 'in_progress') AND a.due < ?)
FROM actions a JOIN reviews r ON r.id = a.review_id
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1,000 reviews, 2 runs")
    args = parser.parse_args()
    reviews, runs = (1_000, 2) if args.quick else (args.reviews, args.runs)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "insights.db"
        began = time.perf_counter()
        build(path, reviews)
        print(f"built {reviews} reviews, {reviews * 10} actions in {time.perf_counter() - began:.1f} s")
        with SQLiteStore(path) as store:
            conn = sqlite3.connect(path)
            latest = conn.execute("SELECT max(review_date) FROM reviews").fetchone()[0]
            insights_call(store, "warm-up", None, None, None, None, "zh")  # imports the report code once
            tune_gc()  # what the server does once it has started (cli.py, http.py)
            ours: list[float] = []
            base: list[float] = []
            ours_cpu: list[float] = []  # CPU seconds too: steadier than wall times on a shared machine
            base_cpu: list[float] = []
            for _ in range(runs):
                t0, c0 = time.perf_counter(), time.process_time()
                result = insights_call(store, None, None, None, None, None, "zh")
                ours.append(time.perf_counter() - t0)
                ours_cpu.append(time.process_time() - c0)
                t0, c0 = time.perf_counter(), time.process_time()
                counts = conn.execute(_BASELINE, (latest,)).fetchone()
                base.append(time.perf_counter() - t0)
                base_cpu.append(time.process_time() - c0)
            conn.close()
        data = result.structured_content or {}
        follow = data.get("follow_through", {})
        assert follow.get("total") == counts[0] and follow.get("overdue") == counts[4], (follow, counts)
        print(
            f"actions {counts[0]}, done {counts[1]}, won't do {counts[2]}, open {counts[3]}, overdue {counts[4]}; "
            f"recurring groups {len(data.get('recurring', []))}, carried over {len(data.get('carried_over', []))}, "
            f"trends {len(data.get('trends', []))}"
        )
        print(
            f"review_insights median {statistics.median(ours):.3f} s; SQL counts median {statistics.median(base):.4f} s"
        )
        print(
            f"CPU: review_insights median {statistics.median(ours_cpu):.3f} s (min {min(ours_cpu):.3f}); "
            f"SQL counts median {statistics.median(base_cpu):.4f} s (min {min(base_cpu):.4f}); "
            f"ratio {statistics.median(ours_cpu) / statistics.median(base_cpu):.1f}x (not the target: wall times are)"
        )
        name = "insights.1k_reviews" if args.quick else "insights.10k_reviews"
        target(name, statistics.median(ours), statistics.median(base), LIMIT)


if __name__ == "__main__":
    main()
