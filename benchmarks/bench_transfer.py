"""A workspace backup and restore (store/transfer.py) beside the plainest JSON-lines copy of the same rows.

Builds a temporary SQLite store (deterministic seed): reviews of 50 projects, each with two
sections, five actions and three lessons (Chinese and English texts).

- ``ours``: `export_workspace` to a JSON-lines file, then `import_workspace` of it into a new
  store (every line checked, one transaction, the search index rebuilt);
- ``base``: the plainest JSON-lines copy of the same rows: ``SELECT *`` of each table, a
  ``json.dumps`` of each row to a file, then a ``json.loads`` of each line and an ``INSERT`` into a
  new store in one transaction (the search index following through its triggers): no canonical
  text, no checks, no line numbers, nothing rebuilt.

Prints `TARGET transfer.<n>_reviews ...` (see benchmarks/README.md). The limit is a ratio to the
baseline (see LIMIT).

Run: ``.venv/bin/python benchmarks/bench_transfer.py [--reviews 2000] [--runs 3]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.store import SQLiteStore
from fupan_mcp.store.transfer import export_workspace, import_workspace
from targets import target

TABLES = ("projects", "project_names", "reviews", "review_sections", "actions", "lessons", "review_keys")

LIMIT = 2.0
"""ours / base: the canonical text and the checks of every line (models, types, keys, references) may
cost as much again as moving the rows at all, not more."""
_CN = "支付网关超时配置容量评估上线回滚告警监控数据库连接池缓存发布流程权限审批测试覆盖依赖订单库存结算"
_EN = ("deploy", "canary", "rollback", "alert", "cache", "timeout", "config", "capacity", "runbook", "queue")


def build(path: Path, reviews: int) -> None:
    rng = random.Random(13)
    start = dt.date(2022, 1, 1)
    with SQLiteStore(path) as store:
        for i in range(reviews):
            words = "".join(rng.choice(_CN) for _ in range(12))
            store.create_review_document(
                f"项目 {i % 50}",
                f"第 {i} 次复盘",
                "saas",
                start + dt.timedelta(days=i % 900),
                "zh",
                {
                    "metrics": [
                        {"name": f"指标{j}", "target": 100 + j, "actual": rng.random() * 120} for j in range(4)
                    ],
                    "swot": {"strengths": [words], "threats": [" ".join(rng.sample(_EN, 4))]},
                },
                actions=[
                    ActionItem(action=f"{words[:6]} {rng.choice(_EN)} {j}", owner=f"负责人{j}", priority="P2")
                    for j in range(5)
                ],
                lessons=[("lesson", words), ("root_cause", " ".join(rng.sample(_EN, 5))), ("problem", words[3:])],
            )


def ours(source: Path, work: Path) -> float:
    backup, target_db = work / "backup.jsonl", work / "restored.db"
    begin = time.perf_counter()
    with SQLiteStore(source) as store, backup.open("w", encoding="utf-8", newline="\n") as out:
        export_workspace(store, out)
    with SQLiteStore(target_db) as store, backup.open("rb") as lines:
        import_workspace(lines, store)
    elapsed = time.perf_counter() - begin
    backup.unlink()
    for leftover in work.glob("restored.db*"):
        leftover.unlink()
    return elapsed


def base(source: Path, work: Path) -> float:
    dump, target_db = work / "plain.jsonl", work / "plain.db"
    begin = time.perf_counter()
    with sqlite3.connect(source) as conn, dump.open("w", encoding="utf-8", newline="\n") as out:
        conn.row_factory = sqlite3.Row
        for table in TABLES:
            for row in conn.execute(f"SELECT * FROM {table}"):
                out.write(json.dumps({"t": table, "r": dict(row)}, ensure_ascii=False) + "\n")
    conn.close()
    with SQLiteStore(target_db):  # the same schema and search index, empty
        pass
    restored = sqlite3.connect(target_db, isolation_level=None)
    restored.execute("BEGIN IMMEDIATE")
    with dump.open("rb") as lines:
        for line in lines:
            record = json.loads(line)
            row = record["r"]
            names = ", ".join(row)
            marks = ", ".join("?" * len(row))
            restored.execute(f"INSERT INTO {record['t']} ({names}) VALUES ({marks})", list(row.values()))
    restored.execute("COMMIT")
    restored.close()
    elapsed = time.perf_counter() - begin
    dump.unlink()
    for leftover in work.glob("plain.db*"):
        leftover.unlink()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 reviews, 1 run (a smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.reviews, args.runs = 200, 1
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "source.db"
        build(source, args.reviews)
        ours_s = statistics.median(ours(source, work) for _ in range(args.runs))
        base_s = statistics.median(base(source, work) for _ in range(args.runs))
    target(f"transfer.{args.reviews}_reviews", ours_s, base_s, LIMIT)


if __name__ == "__main__":
    main()
