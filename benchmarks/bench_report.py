"""render_report at scale: a full review with a growing list of improvement actions.

The review is the B2B sample (metrics, KPI tree, SWOT, two 5 Whys, risks, PDCA...) with its actions
replaced by N generated ones (deterministic seed; some without an owner or a date, some with a vague
verb, a roster name to mask in a tenth of them). Columns, median of several runs, in milliseconds:

- ``check_actions``: the action check alone on the same N actions (the baseline: what the report
  cannot avoid doing);
- ``analyze``: every analysis of the review (`analyze_review`);
- ``md std`` / ``md full`` / ``html std`` / ``html full``: the whole `render_report` call
  (validation, masking, analyses, layout, Jinja2), markdown and HTML, depth standard and full.

N goes 10, 100, 1,000, then up to `MAX_ACTIONS` (5,000); a review above the limit is refused by
validation, and the time to refuse 10,000 is shown too.

Run: ``.venv/bin/python benchmarks/bench_report.py [--runs 7] [--sizes 10,100,1000,5000]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from fupan_mcp.analysis.actions import check_actions
from fupan_mcp.analysis.review import analyze_review, point_title
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.review import Review
from fupan_mcp.errors import InputError
from fupan_mcp.limits import MAX_ACTIONS
from fupan_mcp.report.render import render_report
from fupan_mcp.samples import load_sample

SEED = 20250605
VERBS = ("上线", "建立", "统一", "优化", "梳理", "交付", "编写", "加强", "搭建", "复核")
OBJECTS = ("通知中心", "权限 V1", "激活引导", "监控大盘", "指标口径", "评论线程", "跨项目视图", "回滚预案")
OWNERS = ("产品负责人", "后端负责人", "前端负责人", "数据负责人", "王小明", "", "测试负责人/运维")
PROBLEMS = ("激活与深度使用不足", "长期留存承压", "权限与跨项目能力不足", "指标口径不够细")


def generated_actions(n: int, review_date: dt.date) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    actions = []
    for i in range(n):
        owner = OWNERS[rng.randrange(len(OWNERS))]
        due = review_date + dt.timedelta(days=rng.randrange(-5, 90)) if rng.random() > 0.1 else None
        actions.append(
            {
                "id": f"A{i}",
                "action": f"{rng.choice(VERBS)}{rng.choice(OBJECTS)}(第 {i} 项)",
                "owner": owner or None,
                "due": due.isoformat() if due else None,
                "priority": rng.choice(("P0", "P1", "P2", "P3", None)),
                "addresses": rng.choice(PROBLEMS) if rng.random() > 0.2 else None,
                "success_metric": f"指标提升 ≥ {rng.randrange(5, 30)}%" if rng.random() > 0.15 else None,
            }
        )
    return actions


def review_with(n: int) -> dict[str, Any]:
    data = load_sample("b2b_mvp")
    data["actions"] = generated_actions(n, dt.date.fromisoformat(data["review_date"]))
    return data


def median_ms(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def baseline(review: Review) -> Callable[[], object]:
    items: list[ActionItem] = review.actions
    problems = [point_title(p) for p in review.problems]
    return lambda: check_actions(items, review.review_date, problems, (), "zh")


def row(n: int, runs: int) -> str:
    data = review_with(n)
    review = Review.model_validate(data)
    cells = [
        median_ms(baseline(review), runs),
        median_ms(lambda: analyze_review(review), runs),
        median_ms(lambda: render_report(data, format="markdown", depth="standard"), runs),
        median_ms(lambda: render_report(data, format="markdown", depth="full"), runs),
        median_ms(lambda: render_report(data, format="html", depth="standard"), runs),
        median_ms(lambda: render_report(data, format="html", depth="full"), runs),
    ]
    size_kb = len(render_report(data, format="html", depth="full").content.encode()) / 1024
    return f"{n:>8,} " + " ".join(f"{cell:>12.1f}" for cell in cells) + f" {size_kb:>12,.0f}"


def refusal_ms(n: int, runs: int) -> float:
    data = review_with(n)

    def refuse() -> None:
        try:
            render_report(data)
        except InputError:
            return
        raise AssertionError("a review above MAX_ACTIONS was accepted")

    return median_ms(refuse, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default=f"10,100,1000,{MAX_ACTIONS}")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    header = (
        f"{'actions':>8} {'check_actions':>12} {'analyze':>12} {'md std':>12} {'md full':>12} "
        f"{'html std':>12} {'html full':>12} {'html KB':>12}"
    )
    print("median ms per call (the B2B sample review with N generated actions)")
    print(header)
    print("-" * len(header))
    render_report(review_with(10))  # warm up: imports, template compilation
    for n in sizes:
        print(row(n, args.runs if n <= 1000 else max(3, args.runs // 2)), flush=True)
    over = 2 * MAX_ACTIONS
    print(f"{over:>8,} refused by validation (MAX_ACTIONS = {MAX_ACTIONS:,}) in {refusal_ms(over, 3):.1f} ms")


if __name__ == "__main__":
    main()
