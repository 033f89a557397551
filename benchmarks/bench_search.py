"""Lesson search at scale: `search_lessons` (FTS5 over CJK bigrams) against a plain LIKE scan.

Builds a temporary store with 100,000 lessons of generated Chinese, English and mixed text
(deterministic seed, Zipf-like word frequencies), then times several queries:

- ``store``: `SQLiteStore.search_lessons` (ranked, top 20, with snippets) — the real API;
- ``fallback``: the same call with FTS5 switched off (the LIKE path used without FTS5);
- ``LIKE``: the baseline, ``SELECT id FROM lessons WHERE text LIKE '%q%'`` over the same table;
- ``postgres`` (with ``--postgres URL``, default ``$FUPAN_MCP_TEST_POSTGRES_URL``): the same lessons
  in `PostgresStore` (GIN over bigram tsvectors, ``ts_rank_cd``), in a temporary schema of that
  database (dropped afterwards). ``bash .ci/pg.sh`` starts a throwaway server and prints the URL.

Run: ``.venv/bin/python benchmarks/bench_search.py [--lessons 100000] [--runs 30] [--postgres URL]``
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from fupan_mcp.domain.stored import LESSON_KINDS
from fupan_mcp.store import ReviewStore, SQLiteStore

SEED = 20240618
LESSONS_PER_REVIEW = 1_000
PROJECTS = ("SaaS MVP", "商城大促", "ERP+WMS", "数据平台", "移动端改版")

_ZH = (
    "需求 变更 评审 上线 延期 测试 覆盖率 数据迁移 库存 接口 性能 沟通 客户 转化率 预算 供应商 培训 "
    "权限 细粒度 权限细粒度 流程 审批 回滚 压测 监控 告警 容量 排期 里程碑 验收 文档 交接 运维 "
    "故障 复盘 根因 责任 风险 阈值 指标 目标 达成率 基线 同比 环比 用户 留存 活跃 渠道 投放 "
    "成本 毛利 订单 退货 物流 仓库 盘点 差异 系统 集成 切换 并行 试运行 灰度发布 版本 发布 "
    "质量 缺陷 修复 优先级 资源 人力 外包 合同 范围 蔓延 估算 偏差 依赖 阻塞 协调 会议 "
    "决策 授权 培训不足 知识库 模板 标准化 自动化 脚本 配置 环境 隔离 安全 审计 合规 数据质量 "
    "报表 看板 埋点 漏斗 首页 搜索 推荐 直播 优惠券 满减 预售 客服 工单 响应 时效"
)
_EN = (
    "requirement change review release delay testing coverage data migration inventory api "
    "performance communication customer conversion budget vendor training permission permissions "
    "granularity process approval rollback load test monitoring alert capacity schedule milestone "
    "acceptance documentation handover operations incident retrospective root cause risk threshold "
    "metric target baseline user retention channel cost margin order return logistics warehouse "
    "stocktake variance system integration cutover parallel pilot canary version quality defect fix "
    "priority resource staffing outsourcing contract scope creep estimate dependency blocker "
    "meeting decision ownership knowledge template automation script configuration environment "
    "security audit compliance dashboard tracking funnel search recommendation coupon support ticket "
    "latency timeout SaaS tenant onboarding churn pricing trial"
)
ZH_WORDS = tuple(_ZH.split())
EN_WORDS = tuple(_EN.split())

QUERIES = (
    ("权限", "2-char zh"),
    ("权限细粒度", "5-char zh"),
    ("库", "1 zh char"),
    ("灰度发布", "rarer zh"),
    ("permission", "en word"),
    ("data migration", "en words"),
    ("SaaS 权限", "mixed"),
    ("客户权限设计不够细", "zh question"),
)


def _zipf_weights(n: int) -> list[float]:
    return [1.0 / (rank + 1) ** 0.8 for rank in range(n)]


def _sentence(rng: random.Random, zh_w: list[float], en_w: list[float]) -> str:
    n = rng.randint(6, 14)
    roll = rng.random()
    if roll < 0.6:
        words = rng.choices(ZH_WORDS, zh_w, k=n)
        return "".join(w + ("，" if rng.random() < 0.15 else "") for w in words)
    if roll < 0.85:
        return " ".join(rng.choices(EN_WORDS, en_w, k=n)).capitalize() + "."
    zh = rng.choices(ZH_WORDS, zh_w, k=n)
    zh.insert(rng.randrange(n), " " + rng.choice(EN_WORDS) + " ")
    return "".join(zh)


def build(path: Path, lessons: int) -> float:
    """Fill a new store with ``lessons`` items; returns the build time in seconds."""
    with SQLiteStore(path) as store:
        return fill(store, lessons)


def fill(store: ReviewStore, lessons: int) -> float:
    """Add ``lessons`` generated items to ``store``; returns the time taken in seconds."""
    rng = random.Random(SEED)
    zh_w, en_w = _zipf_weights(len(ZH_WORDS)), _zipf_weights(len(EN_WORDS))
    start = time.perf_counter()
    for r in range(0, lessons, LESSONS_PER_REVIEW):
        project = PROJECTS[(r // LESSONS_PER_REVIEW) % len(PROJECTS)]
        review = store.create_review(project, f"复盘 {r // LESSONS_PER_REVIEW}", None, "2024-06-30", "zh")
        count = min(LESSONS_PER_REVIEW, lessons - r)
        items = [(rng.choice(LESSON_KINDS), _sentence(rng, zh_w, en_w)) for _ in range(count)]
        store.index_lessons(review.id, items)  # one transaction, executemany
    return time.perf_counter() - start


def _time(call: Callable[[], int], runs: int) -> tuple[float, float, int]:
    """(p50 ms, p95 ms, result count) over ``runs`` calls after one warm-up."""
    hits = call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, hits


@contextlib.contextmanager
def postgres_store(url: str) -> Iterator[ReviewStore]:
    """A `PostgresStore` in a temporary schema of the database at ``url``, dropped afterwards."""
    import psycopg

    from fupan_mcp.store.postgres import PostgresStore

    schema = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            sep = "&" if "?" in url else "?"
            with PostgresStore(f"{url}{sep}options=-csearch_path%3D{schema}") as store:
                yield store
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def _count_hits(store: ReviewStore, query: str) -> int:
    return len(store.search_lessons(query))


def _like_scan(conn: sqlite3.Connection, query: str) -> int:
    """The baseline: every row whose text contains the query, unranked."""
    return len(conn.execute("SELECT id FROM lessons WHERE text LIKE ?", (f"%{query}%",)).fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lessons", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("FUPAN_MCP_TEST_POSTGRES_URL") or None,
        metavar="URL",
        help="also time PostgresStore in a temporary schema of this database",
    )
    parser.add_argument("--quick", action="store_true", help="10,000 lessons, 5 runs (a smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.lessons, args.runs = 10_000, 5

    with contextlib.ExitStack() as stack:
        pg: ReviewStore | None = None
        if args.postgres:
            pg = stack.enter_context(postgres_store(args.postgres))
            print(f"postgres: built {args.lessons:,} lessons in {fill(pg, args.lessons):.1f} s")
        _run(args.lessons, args.runs, pg)


def _run(lessons: int, runs: int, pg: ReviewStore | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        seconds = build(path, lessons)
        size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
        print(f"sqlite {sqlite3.sqlite_version}; built {lessons:,} lessons in {seconds:.1f} s, {size_mb:.0f} MB")
        store = SQLiteStore(path)
        fallback = SQLiteStore(path, fts=False)
        raw = sqlite3.connect(path)
        header = (
            f"{'query':<20} {'kind':<12} {'store p50/p95 ms':>17} {'fallback p50/p95':>17} "
            f"{'LIKE p50/p95 ms':>16} {'LIKE hits':>9}"
        )
        if pg is not None:
            header += f" {'postgres p50/p95':>17}"
        print(header)
        print("-" * len(header))
        for query, label in QUERIES:
            ranked = _time(partial(_count_hits, store, query), runs)
            slow = _time(partial(_count_hits, fallback, query), max(5, runs // 5))
            like = _time(partial(_like_scan, raw, query), runs)
            line = (
                f"{query:<20} {label:<12} {ranked[0]:>8.2f}/{ranked[1]:<8.2f} "
                f"{slow[0]:>8.1f}/{slow[1]:<8.1f} "
                f"{like[0]:>7.1f}/{like[1]:<8.1f} {like[2]:>9,}"
            )
            if pg is not None:
                shared = _time(partial(_count_hits, pg, query), runs)
                line += f" {shared[0]:>8.2f}/{shared[1]:<8.2f}"
            print(line)
        raw.close()
        fallback.close()
        store.close()


if __name__ == "__main__":
    main()
