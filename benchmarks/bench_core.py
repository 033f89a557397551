"""How each pure tool's compute grows with its input, side by side with parsing the same input.

    .venv/bin/python benchmarks/bench_core.py            # full run
    .venv/bin/python benchmarks/bench_core.py --quick    # fewer, shorter repeats (a smoke test)

For every tool, inputs of 10 → 100 → 1,000 → 10,000 items (capped at the tool's limit in
`fupan_mcp.limits`, the cap then being the last size) are generated from the seed reviews' figures
(targets '≥2,000', '下降30%', '≤T+1', '+5pp'; formulas 'traffic * cvr * aov'...). Two things are timed
in the same run, interleaved, each the median over several repeats:

- ``analysis``: the core function (`compute_attainment`, `build_kpi_tree`, ...) on inputs already
  validated, as the server calls it after parsing the request;
- ``parse`` (the baseline): pydantic validation of the same raw input alone,
  ``TypeAdapter(list[Model]).validate_python`` (``dict[str, str]`` for the compliance fields).

The markdown table gives ms per call, µs per item and the growth per 10× more input (≈10× is
linear; a step that is not 10×, e.g. 100 → 200 at a limit, is scaled to 10× as r^(1/log10(step))),
and how many times the parse time the analysis takes. Figures only: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import math
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import fupan_mcp  # noqa: F401  # installed in the venv; otherwise run from a checkout
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

import pydantic
from pydantic import TypeAdapter

sys.path.insert(0, str(Path(__file__).resolve().parent))
import floors  # benchmarks/floors.py, beside this file
from fupan_mcp.analysis.actions import check_actions
from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.analysis.compliance import check_compliance
from fupan_mcp.analysis.five_whys import five_whys
from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.analysis.swot import swot
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.attainment import MetricInput
from fupan_mcp.domain.compliance import MAX_COMPLIANCE_FIELDS, RosterEntry
from fupan_mcp.domain.kpi import KpiNode
from fupan_mcp.domain.swot import Strategy, SwotItem
from fupan_mcp.domain.whys import Why
from fupan_mcp.limits import MAX_ACTIONS, MAX_KPI_NODES, MAX_METRICS, MAX_SWOT_ITEMS, MAX_WHYS

SIZES = (10, 100, 1_000, 10_000)
Raw = Any  # JSON-like input, as it arrives in a request

# --- generated inputs (figures from the seed reviews) ----------------------------------------------

METRICS: tuple[dict[str, Any], ...] = (
    {"name": "注册", "target": "≥2,000", "actual": "2,842", "dimension": "增长"},
    {"name": "D7留存", "target": "≥25%", "actual": "28.6%", "dimension": "增长"},
    {"name": "DAU", "target": "≥300", "actual": 318, "aggregation": "peak"},
    {"name": "GMV", "target": "≥1,500万", "actual": "1628万", "dimension": "收入"},
    {"name": "投放ROI", "target": "≥3", "actual": 3.4},
    {"name": "CPA", "target": "≤45元", "actual": "39.6元", "dimension": "成本与资源"},
    {"name": "新客占比", "target": "≥35%", "actual": None},
    {"name": "库存准确率", "target": "≥98%", "baseline": "93.1%", "actual": "99.2%", "unit": "%"},
    {"name": "关账周期", "target": "≤T+1", "baseline": "T+3", "actual": "T+1"},
    {"name": "订单处理时长", "target": "下降30%", "baseline": "2.8h", "actual": "1.7h", "unit": "h"},
    {"name": "接口成功率", "target": "≥99.5%", "actual": "99.7%", "aggregation": "average"},
    {"name": "激活率", "target": "+5pp", "baseline": "27.5%", "actual": "32.5%", "unit": "%"},
    {"name": "项目预算", "target": "不超过380万元", "actual": "376万元", "unit": "元"},
)


def make_metrics(n: int) -> Raw:
    return [{**METRICS[i % len(METRICS)], "name": f"{METRICS[i % len(METRICS)]['name']} #{i}"} for i in range(n)]


def _channel(k: int) -> list[dict[str, Any]]:
    """One channel: gmv_k = traffic_k * cvr_k * aov_k, with the reported GMV agreeing with the formula."""
    traffic = (100_000 + 997 * k % 50_000, 90_000 + 991 * k % 40_000)
    cvr = (2.5 + k % 7 / 10, 2.2 + k % 5 / 10)  # percent
    aov = (39.6 + k % 11, 37.0 + k % 13)
    gmv = [round(traffic[p] * cvr[p] / 100 * aov[p], 2) for p in (0, 1)]
    return [
        {
            "id": f"gmv_{k}",
            "name": f"渠道 {k} GMV",
            "formula": f"traffic_{k} * cvr_{k} * aov_{k}",
            "actual": gmv[0],
            "baseline": gmv[1],
            "unit": "元",
        },
        {"id": f"traffic_{k}", "name": f"渠道 {k} 访客", "actual": traffic[0], "baseline": traffic[1]},
        {"id": f"cvr_{k}", "name": f"渠道 {k} 转化率", "actual": f"{cvr[0]:.1f}%", "baseline": f"{cvr[1]:.1f}%"},
        {"id": f"aov_{k}", "name": f"渠道 {k} 客单价", "actual": f"{aov[0]:.1f}元", "baseline": f"{aov[1]:.1f}元"},
    ]


def make_wide_tree(n: int) -> Raw:
    """Exactly n nodes: channels of 4 (`_channel`) under a sum tree of fan-out 10, topped up with leaves."""

    def sums(k: int) -> int:  # sum nodes above k channels: levels of fan-out 10 up to one root
        count, width = 0, k
        while True:
            width = math.ceil(width / 10)
            count += width
            if width == 1:
                return count

    k = max(1, (n - 1) // 4)
    while k > 1 and sums(k) + 4 * k > n:
        k -= 1
    nodes = [node for c in range(k) for node in _channel(c)]
    level = [f"gmv_{c}" for c in range(k)]
    depth = 0
    while len(level) > 1 or depth == 0:
        depth += 1
        parents = []
        for j in range(0, len(level), 10):
            parent = "gmv" if len(level) <= 10 else f"gmv_l{depth}_{j // 10}"
            nodes.append({"id": parent, "formula": " + ".join(level[j : j + 10]), "unit": "元"})
            parents.append(parent)
        level = parents
    extra = n - len(nodes)  # top-up leaves added to the root (a few at most)
    if extra > 0:
        root = next(node for node in nodes if node["id"] == "gmv")
        root["formula"] += "".join(f" + other_{e}" for e in range(extra))
        nodes += [{"id": f"other_{e}", "actual": 1_000 + e, "baseline": 900 + e, "unit": "元"} for e in range(extra)]
    return nodes


def make_deep_chain(n: int) -> Raw:
    chain: list[dict[str, Any]] = [{"id": f"n{i}", "formula": f"n{i + 1} * 1"} for i in range(n - 1)]
    chain.append({"id": f"n{n - 1}", "actual": 1628, "baseline": 1500})
    return chain


ACTIONS: tuple[dict[str, Any], ...] = (
    {
        "action": "激活路径优化:首登导引、模板库、一键邀请",
        "owner": "产品/前端/运营",
        "priority": "P0",
        "addresses": "激活率偏低",
        "success_metric": "激活率 +8~12pp,首周 WAU +10%",
    },
    {
        "action": "加强测试",
        "owner": "测试",
        "due": "2025-07-01",
        "priority": "P1",
        "addresses": "P2 缺陷状态不明",
        "success_metric": "质量更好",
    },
    {
        "action": "上线评论线程化回复与引用",
        "owner": "前端",
        "due": "2025-06-28",
        "priority": "P1",
        "addresses": "评论使用占比低",
        "success_metric": "评论占比提升到 ≥22%",
        "status": "done",
    },
    {
        "action": "统一 KPI 口径,把 DAU 峰值改为 7/30 日均值追踪,T+30 内完成",
        "owner": "数据组牵头,产品配合",
        "priority": "P2",
        "addresses": "DAU 只有峰值",
        "success_metric": "口径文档发布,试验决策周期 -30%",
    },
    {
        "action": "设立移动端数据阈值再决定是否做原生 App",
        "owner": "产品",
        "due": "2025-05-20",
        "priority": "P2",
        "addresses": "D30 留存偏低",
        "success_metric": "移动访问占比 ≥ 25%",
    },
    {
        "action": "建立 ERP 与 WMS 接口监控和失败重试",
        "owner": "集成组",
        "due": "2025-09-15",
        "priority": "P1",
        "addresses": "接口失败导致订单积压",
        "success_metric": "接口成功率 ≥99.5%",
    },
)
REVIEW = dt.date(2025, 5, 31)
PROBLEMS = (
    "激活率32.5%,激活与深度使用不足",
    "评论使用占比仅15%,协作深度不足",
    "D30留存17.4%,长期留存承压",
    "DAU只有峰值,指标口径不统一",
    "接口失败导致订单积压",
)
MODULES = ("库存", "订单", "财务", "采购", "门店", "仓配", "会员", "报表", "权限", "支付", "结算", "退货")


def make_actions(n: int) -> Raw:
    return [
        {**ACTIONS[i % len(ACTIONS)], "action": f"{ACTIONS[i % len(ACTIONS)]['action']}({MODULES[i % 12]}模块 #{i})"}
        for i in range(n)
    ]


CAUSES = (
    "{m}接口偶发超时 {k} 次未告警",
    "重试机制缺失,失败单靠人工补录",
    "联调只覆盖主流程,没有压测 {k} 并发",
    "上线排期压缩了 {k} 天,回归测试被砍",
    "供应商文档与实际字段不一致",
    "{m}主数据编码规则前后两套口径",
)


def make_whys(n: int) -> Raw:
    """A why-why tree: branches of five whys each hanging off the problem, countermeasures on the roots."""
    whys = []
    for i in range(n):
        text = CAUSES[i % len(CAUSES)].format(m=MODULES[i // 5 % 12], k=i * 7 % 97 + 3)
        why: dict[str, Any] = {"answer": f"{text}(分支 {i // 5 + 1} 第 {i % 5 + 1} 层)"}
        if i % 5 == 0:
            why["parent"] = "problem"
        if i % 3 == 0:
            why["evidence"] = f"工单 OPS-{1000 + i}"
            why["verified"] = i % 2 == 0
        whys.append(why)
    leaves = [i for i in range(n) if i % 5 == 4 or i == n - 1]
    countermeasures = [
        {**ACTIONS[5], "action": f"{ACTIONS[5]['action']}(分支 {r + 1})", "addresses": f"R{r + 1}"}
        for r in range(len(leaves))
    ]
    return {"whys": whys, "countermeasures": countermeasures}


FACTORS = {
    "S": (
        "库存准确率提升到 {v}%",
        "实施团队熟悉零售业务流程",
        "供应商响应及时,问题 {v} 小时内闭环",
        "门店店长积极参与上线演练",
        "主数据清洗提前完成",
        "集团信息中心有专职运维",
    ),
    "W": (
        "关账流程依赖手工对账 {v} 次",
        "接口监控缺失,失败单靠人工发现",
        "培训覆盖率只有 {v}%",
        "需求变更没有评审门槛",
        "测试环境数据与生产不一致",
        "关键岗位只有一人熟悉配置",
    ),
    "O": (
        "集团计划新开 {v} 家门店",
        "行业数字化补贴政策",
        "电商渠道订单增长 {v}%",
        "云服务商提供迁移折扣",
        "区域物流园区即将投用",
        "会员体系可以与支付打通",
    ),
    "T": (
        "竞争对手上线同类系统",
        "核心顾问流失风险 {v}%",
        "旺季订单峰值是平日的 {v} 倍",
        "原厂停止旧版本维护",
        "监管对个人信息要求收紧",
        "上游供应商系统频繁变更",
    ),
}


def make_swot(n: int) -> Raw:
    """n factors spread over the four quadrants (weights summing to 1 per side), n/4 TOWS strategies."""
    quadrants: dict[str, list[dict[str, Any]]] = {q: [] for q in "SWOT"}
    for i in range(n):
        q = "SWOT"[i % 4]
        pool = FACTORS[q]
        quadrants[q].append({"text": f"{pool[i // 4 % len(pool)].format(v=i % 90 + 5)}({MODULES[i % 12]})"})
    for side in ("SW", "OT"):
        count = sum(len(quadrants[q]) for q in side)
        for q in side:
            for j, item in enumerate(quadrants[q]):
                rating = (4 - j % 2) if q in "SO" else (1 + j % 2)
                item.update(weight=1 / count, rating=rating, evidence=f"复盘数据 {j + 1}")
    types = ("SO", "ST", "WO", "WT")
    strategies = []
    for i in range(max(1, n // 4)):
        kind = types[i % 4]
        first, second = kind[0], kind[1]
        uses = [f"{first}{i % len(quadrants[first]) + 1}", f"{second}{i % len(quadrants[second]) + 1}"]
        strategies.append({"type": kind, "text": f"策略 {i + 1}:借助{MODULES[i % 12]}优势推进门店扩张", "uses": uses})
    return {**{q: quadrants[q] for q in "SWOT"}, "strategies": strategies}


TEXTS = (
    "请联系张伟 13800138000 确认退款流程",
    "客户身份证 11010519491231002X 被误传到项目群,已撤回",
    "验收报告已发 li.na@example.com,等待签字",
    "由于王芳疏忽,{m}接口配置错误导致订单积压 {k} 单",
    "都怪测试没测好,上线总是出问题",
    "库存准确率从 93.1% 提升到 99.2%,关账周期从 T+3 缩短到 T+1",
    "退款打到卡号 4111 1111 1111 1111,财务已核对",
    "{m}模块切换顺利,灰度 {k} 家门店无回滚",
)
ROSTER: tuple[dict[str, Any], ...] = (
    {"name": "王芳", "role": "实施顾问"},
    {"name": "张伟", "role": "产品经理", "aliases": ["小张"]},
    {"name": "李娜", "role": "财务负责人"},
)


def make_texts(n: int) -> Raw:
    return {
        f"problems[{i}]": TEXTS[i % len(TEXTS)].format(m=MODULES[i % 12], k=i % 500 + 1) + f"(第 {i + 1} 条)"
        for i in range(n)
    }


# --- what is measured ------------------------------------------------------------------------------

METRICS_ADAPTER = TypeAdapter(list[MetricInput])
NODES_ADAPTER = TypeAdapter(list[KpiNode])
ACTIONS_ADAPTER = TypeAdapter(list[ActionItem])
WHYS_ADAPTER = TypeAdapter(list[Why])
ITEMS_ADAPTER = TypeAdapter(list[SwotItem])
STRATEGIES_ADAPTER = TypeAdapter(list[Strategy])
FIELDS_ADAPTER = TypeAdapter(dict[str, str])
ROSTER_ENTRIES = TypeAdapter(list[RosterEntry]).validate_python(list(ROSTER))


def parse_whys(raw: Raw) -> Any:
    return WHYS_ADAPTER.validate_python(raw["whys"]), ACTIONS_ADAPTER.validate_python(raw["countermeasures"])


def parse_swot(raw: Raw) -> Any:
    items = {q: ITEMS_ADAPTER.validate_python(raw[q]) for q in "SWOT"}
    return items, STRATEGIES_ADAPTER.validate_python(raw["strategies"])


def run_whys(parsed: Any) -> Any:
    whys, countermeasures = parsed
    return five_whys("订单积压率 2.3%,超出 SLA 0.5%", whys, countermeasures=countermeasures, review_date=REVIEW)


def run_swot(parsed: Any) -> Any:
    items, strategies = parsed
    return swot(items["S"], items["W"], items["O"], items["T"], strategies)


@dataclass(frozen=True)
class Case:
    tool: str
    item: str  # what one unit of input size is
    limit: int
    make: Callable[[int], Raw]
    parse: Callable[[Raw], Any]  # the baseline: pydantic validation of the input models alone
    run: Callable[[Any], Any]  # the analysis, on the parsed input
    count: Callable[[Any], int]  # items in the result, checked against n (a sanity check, not a test)


CASES = (
    Case(
        "compute_attainment",
        "metrics",
        MAX_METRICS,
        make_metrics,
        METRICS_ADAPTER.validate_python,
        compute_attainment,
        lambda r: len(r.metrics) if r.summary.errors == 0 else -1,
    ),
    Case(
        "build_kpi_tree (wide)",
        "nodes",
        MAX_KPI_NODES,
        make_wide_tree,
        NODES_ADAPTER.validate_python,
        build_kpi_tree,
        lambda r: len(r.nodes) if r.decomposition is not None and not r.findings else -1,
    ),
    Case(
        "build_kpi_tree (chain)",
        "nodes",
        MAX_KPI_NODES,
        make_deep_chain,
        NODES_ADAPTER.validate_python,
        build_kpi_tree,
        lambda r: len(r.nodes) if r.decomposition is not None else -1,
    ),
    Case(
        "check_actions",
        "actions",
        MAX_ACTIONS,
        make_actions,
        ACTIONS_ADAPTER.validate_python,
        lambda a: check_actions(a, review_date=REVIEW, problems=PROBLEMS),
        lambda r: len(r.actions),
    ),
    Case("five_whys", "whys", MAX_WHYS, make_whys, parse_whys, run_whys, lambda r: len(r.whys)),
    Case(
        "swot",
        "items",
        MAX_SWOT_ITEMS,
        make_swot,
        parse_swot,
        run_swot,
        lambda r: len(r.strengths) + len(r.weaknesses) + len(r.opportunities) + len(r.threats),
    ),
    Case(
        "check_compliance",
        "texts",
        MAX_COMPLIANCE_FIELDS,
        make_texts,
        FIELDS_ADAPTER.validate_python,
        lambda fields: check_compliance(fields=fields, roster=ROSTER_ENTRIES),
        lambda r: len(r.masked_fields or {}) if r.pii and r.tone else -1,
    ),
)


def sizes(limit: int) -> list[int]:
    """SIZES up to the limit, then the limit itself when it falls between two of them."""
    within = [n for n in SIZES if n <= limit]
    return within if limit in within or limit > SIZES[-1] else [*within, limit]


# --- timing ----------------------------------------------------------------------------------------


def calls_for(fn: Callable[[], object], min_seconds: float) -> int:
    """Calls per sample so that one sample lasts at least min_seconds (as timeit's autorange)."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= min_seconds:
            return calls
        calls *= 2


def sample(fn: Callable[[], object], calls: int) -> float:
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


@dataclass(frozen=True)
class Row:
    n: int
    analysis: float  # median seconds per call
    parse: float


def measure(case: Case, n: int, repeats: int, min_seconds: float) -> Row:
    raw = case.make(n)
    parsed = case.parse(raw)
    got = case.count(case.run(parsed))
    if got != n:
        raise SystemExit(f"{case.tool} at n={n}: expected {n} items in the result, got {got}")

    def parse() -> object:
        return case.parse(raw)

    def analyse() -> object:
        return case.run(parsed)

    parse_calls, analysis_calls = calls_for(parse, min_seconds), calls_for(analyse, min_seconds)
    parse_times, analysis_times = [], []
    for _ in range(repeats):  # interleaved, so that drift in the machine affects both alike
        parse_times.append(sample(parse, parse_calls))
        analysis_times.append(sample(analyse, analysis_calls))
    return Row(n, statistics.median(analysis_times), statistics.median(parse_times))


# --- report ----------------------------------------------------------------------------------------


def per_10x(row: Row, previous: Row | None, attr: str) -> str:
    if previous is None:
        return "—"
    ratio: float = getattr(row, attr) / getattr(previous, attr)
    return f"{ratio ** (1 / math.log10(row.n / previous.n)):.1f}×"


def ms(seconds: float) -> str:
    value = seconds * 1e3
    return f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def us(seconds: float, n: int) -> str:
    value = seconds * 1e6 / n
    return f"{value:.1f}" if value >= 1 else f"{value:.3f}"


# --- whole tool call against its plain-Python floor (issue #15, "compute near the floor") -----------


@dataclass(frozen=True)
class FloorCase:
    tool: str
    sizes: tuple[int, int]  # small, large (10x apart; capped at the tool's limit)
    arguments: Callable[[int], dict[str, Any]]  # the tool's arguments for n items
    floor: Callable[[dict[str, Any]], Any]  # the floor, on the same raw arguments
    same: Callable[[Any, Any], list[str]]  # differences between the floor's figures and the tool's result


def _attainment_args(n: int) -> dict[str, Any]:
    return {"metrics": make_metrics(n), "detail": "full"}  # every row, as the floor computes


def _kpi_args(n: int) -> dict[str, Any]:
    return {"nodes": make_wide_tree(n), "detail": "full"}  # every evaluation, as the floor computes


def _swot_args(n: int) -> dict[str, Any]:
    raw = make_swot(n)
    return {key: raw[letter] for letter, key in floors.QUADRANTS} | {"strategies": raw["strategies"]}


def _actions_args(n: int) -> dict[str, Any]:
    return {"actions": make_actions(n), "review_date": REVIEW.isoformat(), "problems": list(PROBLEMS)}


def _whys_args(n: int) -> dict[str, Any]:
    return {"problem": "订单积压率 2.3%,超出 SLA 0.5%", **make_whys(n), "review_date": REVIEW.isoformat()}


FLOOR_CASES = (
    FloorCase(
        "compute_attainment",
        (1_000, 10_000),
        _attainment_args,
        lambda a: floors.attainment_floor(a["metrics"]),
        floors.same_attainment,
    ),
    FloorCase(
        "build_kpi_tree",
        (1_000, 10_000),
        _kpi_args,
        lambda a: floors.kpi_tree_floor(a["nodes"]),
        floors.same_kpi_tree,
    ),
    FloorCase(
        "check_actions", (500, MAX_ACTIONS), _actions_args, floors.check_actions_floor, floors.same_actions
    ),  # at most 5,000
    FloorCase("five_whys", (20, MAX_WHYS), _whys_args, floors.five_whys_floor, floors.same_five_whys),  # <= 200
    FloorCase("swot", (20, MAX_SWOT_ITEMS), _swot_args, floors.swot_floor, floors.same_swot),  # at most 200
)
GROWTH_LIMIT = 11.0  # per 10x more items, GC included
SAMPLE_SECONDS = 0.1  # per repeat: a call of a few milliseconds is sampled until about this much time passed
MAX_SAMPLES = 100
"""On a shared machine the best of 3 calls of 2 ms is often 3x the quiet figure, the best of 3 of 2 s much
less so: short calls (ours and the floor alike, interleaved) get more samples, the best of which is kept."""
FLOOR_LIMIT = 3.0


def _structured(tool: str, result: Any) -> Any:
    """The tool's result model again, from the structured content of the whole call (to compare figures)."""
    from fupan_mcp.domain.actions import ActionCheckResult
    from fupan_mcp.domain.attainment import AttainmentResult
    from fupan_mcp.domain.kpi import KpiTreeResult
    from fupan_mcp.domain.swot import SwotResult
    from fupan_mcp.domain.whys import FiveWhysResult

    models: dict[str, Any] = {
        "compute_attainment": AttainmentResult,
        "check_actions": ActionCheckResult,
        "build_kpi_tree": KpiTreeResult,
        "swot": SwotResult,
        "five_whys": FiveWhysResult,
    }
    return models[tool].model_validate(result.structured_content)


def bench_floors(repeats: int, no_gc_tuning: bool = False, only: frozenset[str] = frozenset()) -> None:
    """Each tool's whole in-process call (`FupanServer.call_tool`: argument validation, core, text,
    size check; no output check for our own model's dump) beside its floor, at two sizes 10x apart;
    best of `repeats` samples, more for a short call (`SAMPLE_SECONDS`). The table also gives the best CPU
    time of the same samples (`process_time`, every thread of this process): on a loaded machine it moves
    less than the wall time the TARGET lines use."""
    import anyio

    from fupan_mcp.app import create_server

    server = create_server()
    server.ensure_registered()
    if not no_gc_tuning:
        from fupan_mcp.gctuning import tune_gc

        tune_gc()  # as `fupan-mcp serve` does after start-up (stdio and HTTP)

    async def call(tool: str, arguments: dict[str, Any]) -> tuple[float, float, Any]:
        started, cpu = time.perf_counter(), time.process_time()
        result = await server.call_tool(tool, arguments)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        if getattr(result, "is_error", False):
            raise SystemExit(f"{tool}: {result}")
        return elapsed, cpu, result

    def floor_time(case: FloorCase, arguments: dict[str, Any]) -> tuple[float, float]:
        started, cpu = time.perf_counter(), time.process_time()
        case.floor(arguments)
        return time.perf_counter() - started, time.process_time() - cpu

    print()
    print("| tool | n | whole call ms | floor ms | call ÷ floor | CPU: call ms | floor ms | call ÷ floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for case in FLOOR_CASES:
        if only and case.tool not in only:
            continue
        best: dict[int, float] = {}
        for n in case.sizes:
            arguments = case.arguments(n)
            warm, _, result = anyio.run(call, case.tool, arguments)  # warm up, and the figures to check
            problems = case.same(case.floor(arguments), _structured(case.tool, result))
            if problems:
                raise SystemExit(f"{case.tool} at n={n}: the floor disagrees: {problems[:5]}")
            calls, floor_times, call_cpu, floor_cpu = [], [], [], []
            samples = max(repeats, min(MAX_SAMPLES, int(repeats * SAMPLE_SECONDS / warm)))  # short calls: more
            for _ in range(samples):  # interleaved, so that drift in the machine affects both alike
                elapsed, cpu, _ = anyio.run(call, case.tool, arguments)
                calls.append(elapsed)
                call_cpu.append(cpu)
                elapsed, cpu = floor_time(case, arguments)
                floor_times.append(elapsed)
                floor_cpu.append(cpu)
            ours, base = min(calls), min(floor_times)
            cpu_ratio = f"{min(call_cpu) / min(floor_cpu):.1f}×" if min(floor_cpu) > 0 else "—"
            cpu_cells = f"{ms(min(call_cpu))} | {ms(min(floor_cpu))} | {cpu_ratio}"
            best[n] = ours
            print(f"| {case.tool} | {n:,} | {ms(ours)} | {ms(base)} | {ours / base:.1f}× | {cpu_cells} |", flush=True)
            target(
                f"floor.{case.tool}_{n // 1000}k" if n >= 1000 else f"floor.{case.tool}_{n}", ours, base, FLOOR_LIMIT
            )
        small, large = case.sizes
        target(f"growth.{case.tool}_{small}_{large}", best[large], best[small], GROWTH_LIMIT)


def target(name: str, ours: float, base: float, limit: float) -> None:
    """One summary line in the format of benchmarks/README.md (collected by `dev.py bench`)."""
    ratio = ours / base
    verdict = "ok" if ratio <= limit else "MISS"
    print(f"TARGET {name} ours={ours:.6g} base={base:.6g} ratio={ratio:.2f} limit={limit:g} {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 short repeats instead of 7 (a smoke test)")
    parser.add_argument("--floors", action="store_true", help="only the whole calls against their floors")
    parser.add_argument("--no-gc-tuning", action="store_true", help="CPython's default GC (to see what tuning buys)")
    parser.add_argument("--only", default="", help="with --floors: these tools only, comma-separated (five_whys,swot)")
    args = parser.parse_args()
    repeats, min_seconds = (3, 0.01) if args.quick else (7, 0.1)
    if args.floors:
        bench_floors(repeats, args.no_gc_tuning, frozenset(filter(None, args.only.split(","))))
        return

    print(
        f"Python {platform.python_version()}, pydantic {pydantic.VERSION}, {platform.machine()}, "
        f"{'quick' if args.quick else 'full'} run: median of {repeats} samples of ≥{min_seconds * 1e3:.0f} ms"
    )
    print()
    print(
        "| tool | n | analysis ms | µs/item | growth /10× | parse ms (baseline) | µs/item | growth /10× "
        "| analysis ÷ parse |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for case in CASES:
        previous: Row | None = None
        for n in sizes(case.limit):
            row = measure(case, n, repeats, min_seconds)
            print(
                f"| {case.tool} | {n:,} {case.item} | {ms(row.analysis)} | {us(row.analysis, n)} "
                f"| {per_10x(row, previous, 'analysis')} | {ms(row.parse)} | {us(row.parse, n)} "
                f"| {per_10x(row, previous, 'parse')} | {row.analysis / row.parse:.1f}× |",
                flush=True,
            )
            previous = row
    print()
    print(
        "analysis: the core function on validated input; parse: `TypeAdapter(list[Model]).validate_python` "
        "of the same raw input alone (`dict[str, str]` for the compliance texts). growth /10×: time ratio "
        "per 10× more input (≈10× is linear); a step that is not 10× (at a tool's limit) is scaled to 10×."
    )
    bench_floors(repeats, args.no_gc_tuning)


if __name__ == "__main__":
    main()
