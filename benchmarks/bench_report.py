"""render_report at scale: a full review with a growing list of improvement actions.

The review is the B2B sample (metrics, KPI tree, SWOT, two 5 Whys, risks, PDCA...) with its actions
replaced by N generated ones (deterministic seed; some without an owner or a date, some with a vague
verb, a roster name to mask in a tenth of them). Columns, median of several runs, in milliseconds:

- ``check_actions``: the action check alone on the same N actions (the baseline: what the report
  cannot avoid doing);
- ``analyze``: every analysis of the review (`analyze_review`);
- ``md std`` / ``md full`` / ``html std`` / ``html full``: the whole `render_report` call
  (validation, masking, analyses, layout, Jinja2), markdown and HTML (with its SVG charts), depth
  standard and full.

N goes 10, 100, 1,000, then up to `MAX_ACTIONS` (5,000); a review above the limit is refused by
validation, and the time to refuse 10,000 is shown too.

Then the charts target of #15: the full HTML report *with its charts* of every bundled sample (and of
the B2B review with 1,000 actions) against the markdown render of the same review, depth and
audience, warm, median of the runs; one ``TARGET charts.html_vs_markdown.<case>`` line each (see
README.md), limit 3x. Before the charts were our own SVG (matplotlib, one process lock) the B2B
sample was ~20x (654 ms against 33 ms) and 1,000 actions 2.4x.

Run: ``.venv/bin/python benchmarks/bench_report.py [--runs 7] [--sizes 10,100,1000,5000] [--quick]``
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
from fupan_mcp.samples import SAMPLES, load_sample

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
        median_ms(lambda: render_report(data, format="html", depth="standard", charts=True), runs),
        median_ms(lambda: render_report(data, format="html", depth="full", charts=True), runs),
    ]
    size_kb = len(render_report(data, format="html", depth="full", charts=True).content.encode()) / 1024
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


CHARTS_LIMIT = 3.0
"""#15: a full HTML report with charts within 3x of its markdown render."""


def chart_targets(runs: int) -> bool:
    """Print the HTML-with-charts / markdown ratio of each case and its TARGET line; True when all hold."""
    cases: list[tuple[str, dict[str, Any]]] = [(name, load_sample(name)) for name in SAMPLES]
    cases.append(("actions_1k", review_with(1000)))
    print()
    print("full report, audience reader, warm: markdown against HTML with inline SVG charts (median ms)")
    header = f"{'case':>20} {'markdown':>10} {'html+charts':>12} {'ratio':>7} {'charts':>7} {'html KB':>8}"
    print(header)
    print("-" * len(header))
    lines: list[str] = []
    holds = True
    for name, data in cases:

        def md(data: dict[str, Any] = data) -> object:
            return render_report(data, format="markdown", depth="full", audience="reader")

        def html(data: dict[str, Any] = data) -> object:
            return render_report(data, format="html", depth="full", audience="reader", charts=True)

        md()
        page = html()  # warm: imports, templates
        content = getattr(page, "content", "")
        md_ms, html_ms = median_ms(md, runs), median_ms(html, runs)
        ratio = html_ms / md_ms
        ok = ratio <= CHARTS_LIMIT
        holds = holds and ok
        print(
            f"{name:>20} {md_ms:>10.1f} {html_ms:>12.1f} {ratio:>6.2f}x {content.count('<svg'):>7} "
            f"{len(content.encode()) / 1024:>8,.0f}",
            flush=True,
        )
        lines.append(
            f"TARGET charts.html_vs_markdown.{name} ours={html_ms:.4g} base={md_ms:.4g} ratio={ratio:.3f} "
            f"limit={CHARTS_LIMIT:g} {'ok' if ok else 'MISS'}"
        )
    print("\n".join(lines), flush=True)
    return holds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default=None, help=f"default 10,100,1000,{MAX_ACTIONS} (--quick: 10,100)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: fewer runs and sizes")
    args = parser.parse_args()
    runs = 3 if args.quick else args.runs
    sizes = [
        int(size) for size in (args.sizes or ("10,100" if args.quick else f"10,100,1000,{MAX_ACTIONS}")).split(",")
    ]

    header = (
        f"{'actions':>8} {'check_actions':>12} {'analyze':>12} {'md std':>12} {'md full':>12} "
        f"{'html std':>12} {'html full':>12} {'html KB':>12}"
    )
    print("median ms per call (the B2B sample review with N generated actions)")
    print(header)
    print("-" * len(header))
    render_report(review_with(10))  # warm up: imports, template compilation
    for n in sizes:
        print(row(n, runs if n <= 1000 else max(3, runs // 2)), flush=True)
    over = 2 * MAX_ACTIONS
    print(f"{over:>8,} refused by validation (MAX_ACTIONS = {MAX_ACTIONS:,}) in {refusal_ms(over, 3):.1f} ms")
    if not chart_targets(runs):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
