"""The review's prose read back against the computed figures (issue: prose that agrees with the figures).

The corpus sentences are our own wording of the way reviews are written (e-commerce campaign reviews,
SaaS OKR retrospectives, incident postmortems, ERP go-live reviews), zh and en, with what each must
yield. Most must yield nothing: a checker that cries wolf is worse than none. Computed figures:

- GMV ≥1,500万元, actual 1,628万元: achieved, rate 1628/1500 = 108.53%.
- 投放 ROI ≥3, actual 3.4: achieved.  获客成本 CPA ≤45元, actual 39.6元: achieved.
- 新客占比 ≥35%, actual 31.2%: not achieved.
- D7 留存 ≥25%, baseline 24.1%, actual 28.6%: achieved; +4.5 pp, relative 4.5/24.1 = +18.67%.
- 订单处理时长 下降30%, baseline 2.8h, actual 1.7h: achieved; change -1.1h = -39.29%.
- 库存准确率 ≥98%, baseline 93.1%, actual 99.2%: achieved; +6.1 pp, relative +6.55%.
- DAU ≥300, a peak of 318 against an average target: needs verification.
- 会员复购率 ≥20%, no actual: not evaluable.
- 项目预算 budget 45万元, actual 43.2万元: achieved.
- P99 延迟 ≤200ms, actual 180ms: achieved.
- Activation rate ≥55%, baseline 40%, actual 48%: not achieved; change +8 pp, relative +20%.
- Time to first value ≤5 min, actual 7 min: not achieved.  NPS ≥50, actual 42: not achieved.
- Availability ≥99.9%, actual 99.95%: achieved.
"""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.analysis.prose import check_prose, prose_texts
from fupan_mcp.analysis.review import analyze_review
from fupan_mcp.domain.review import Review
from fupan_mcp.report.render import render_report
from fupan_mcp.samples import SAMPLES, load_sample

METRICS: list[dict[str, Any]] = [
    {"name": "GMV", "target": "≥1,500万元", "actual": "1628万元", "unit": "万元"},
    {"name": "投放 ROI", "target": "≥3", "actual": 3.4},
    {"name": "获客成本 CPA", "target": "≤45元", "actual": "39.6元", "unit": "元"},
    {"name": "新客占比", "target": "≥35%", "actual": "31.2%", "unit": "%"},
    {"name": "D7 留存", "target": "≥25%", "baseline": "24.1%", "actual": "28.6%", "unit": "%"},
    {"name": "订单处理时长", "target": "下降30%", "baseline": "2.8h", "actual": "1.7h", "unit": "h"},
    {"name": "库存准确率", "target": "≥98%", "baseline": "93.1%", "actual": "99.2%", "unit": "%"},
    {
        "name": "DAU",
        "target": "≥300",
        "actual": 318,
        "unit": "人",
        "aggregation": "peak",
        "target_aggregation": "average",
    },
    {"name": "会员复购率", "target": "≥20%", "unit": "%"},
    {"name": "项目预算", "target": "预算45万元", "actual": "43.2万元", "unit": "元"},
    {"name": "P99 延迟", "target": "≤200ms", "actual": "180ms", "unit": "ms"},
    {"name": "Activation rate", "target": "≥55%", "baseline": "40%", "actual": "48%", "unit": "%"},
    {"name": "Time to first value", "target": "≤5 min", "actual": "7 min", "unit": "min"},
    {"name": "NPS", "target": "≥50", "actual": 42},
    {"name": "Availability", "target": "≥99.9%", "actual": "99.95%", "unit": "%"},
]

BAD_STATUS = "prose_status_contradiction"
UNPROVEN = "prose_status_unverifiable"
BAD_FIGURE = "prose_figure_mismatch"

CORPUS: list[tuple[str, set[tuple[str, str]]]] = [
    # --- zh: claims that contradict the computation
    ("GMV 未达成目标，主要受大促节奏影响。", {(BAD_STATUS, "GMV")}),
    ("新客占比达成目标，拉新效果明显。", {(BAD_STATUS, "新客占比")}),
    ("获客成本 CPA 为 45.8 元，控制得不错。", {(BAD_FIGURE, "获客成本 CPA")}),
    ("订单处理时长下降 45%。", {(BAD_FIGURE, "订单处理时长")}),
    ("D7 留存 31%，达成目标。", {(BAD_FIGURE, "D7 留存")}),
    ("GMV 1,528 万元，超额完成。", {(BAD_FIGURE, "GMV")}),
    ("库存准确率提升 8 个百分点，盘点差异明显减少。", {(BAD_FIGURE, "库存准确率")}),
    ("DAU 已达标。", {(UNPROVEN, "DAU")}),
    ("会员复购率达标，老客运营有效。", {(UNPROVEN, "会员复购率")}),
    ("GMV 达成率 120%，创历史新高。", {(BAD_FIGURE, "GMV")}),
    ("投放 ROI 达到 4.2，超出预期。", {(BAD_FIGURE, "投放 ROI")}),
    ("获客成本没有达标，需要继续压降。", {(BAD_STATUS, "获客成本 CPA")}),
    ("项目预算超支，追加了审批。", {(BAD_STATUS, "项目预算")}),
    ("新客占比 35.2%，与目标持平。", {(BAD_FIGURE, "新客占比")}),
    ("订单处理时长从 2.8 小时缩短到 1.2 小时。", {(BAD_FIGURE, "订单处理时长")}),
    ("P99 延迟 240ms，低于目标。", {(BAD_FIGURE, "P99 延迟")}),
    ("ＧＭＶ　未达标。", {(BAD_STATUS, "GMV")}),  # full-width name and space
    ("GMV、投放 ROI 与新客占比均已达成。", {(BAD_STATUS, "新客占比")}),
    ("D7 留存达成，但新客占比也达成了。", {(BAD_STATUS, "新客占比")}),
    ("库存准确率达到 97.5%，离目标还差一点。", {(BAD_FIGURE, "库存准确率")}),
    # --- zh: must not be flagged
    ("GMV 1628 万元，目标 1500 万元，达成率 108.5%。", set()),
    ("GMV 达成，实际 1,628 万元。", set()),
    ("订单处理时长下降 39%，达成目标。", set()),
    ("订单处理时长缩短约 40%。", set()),
    ("获客成本 CPA 39.6 元，低于 45 元的目标。", set()),
    ("新客占比未达成，仅 31.2%。", set()),
    ("新客占比目标为 35%，实际 31%。", set()),
    ("D7 留存从 24.1% 提升到 28.6%，提升 4.5 个百分点。", set()),
    ("D7 留存同比提升 18.7%。", set()),
    ("D30 留存 17.4%，与 D7 相比下滑明显。", set()),
    ("会员复购率没有可用数据，无法判定是否达成。", set()),
    ("DAU 只有峰值 318，能否达标尚待核实。", set()),
    ("下一阶段 GMV 要达成 2000 万元。", set()),
    ("如果投放 ROI 未达标，将缩减预算。", set()),
    ("GMV 基本达成预期。", set()),
    ("各平台 GMV 占比中，直播占 35%。", set()),
    ("投放 ROI 3.4，高于目标 3。", set()),
    ("库存准确率 99.2%，较上线前提升 6.1 个百分点。", set()),
    ("订单处理时长降到 1.7 小时，降幅 39.3%。", set()),
    ("项目预算控制在 43.2 万元，未超支。", set()),
    ("GMV 突破 1600 万元，直播贡献 35%。", set()),
    ("本次活动 GMV 1628 万（目标 1500 万元，达成率 108%），投放 ROI 3.4（目标 3，达标）。", set()),
    ("P99 延迟 180 毫秒，达标。", set()),
    ("客服首响 30 秒内占比 94%，满意度 4.7/5。", set()),
    ("新客占比距离目标还差 3.8 个百分点。", set()),
    ("5 家试点客户参与度高，新客占比提升明显。", set()),
    ("GMV 同比增长 32%，但新客占比仅 31.2%，未达成 35% 的目标。", set()),
    ("获客成本 CPA 从 52 元降到 39.6 元，低于目标。", set()),
    ("库存准确率由 93.1% 提升至 99.2%。", set()),
    ("订单处理时长缩短了 1.1 小时，降幅约 39%。", set()),
    ("虽然 GMV 达成，但新客占比没有达成。", set()),
    ("全年 GMV 1628 万元，去年同期 1200 万元。", set()),
    ("P99 延迟控制在 200ms 以内。", set()),
    ("项目预算节省 1.8 万元，占预算 4%。", set()),
    ("订单处理时长 1 小时 42 分钟。", set()),
    ("新客占比未达预期（31.2% vs 35%）。", set()),
    ("GMV 1.6 亿元。", {(BAD_FIGURE, "GMV")}),  # 1,628万元 is 0.16亿元
    ("订单处理时长 1 小时 12 分钟。", {(BAD_FIGURE, "订单处理时长")}),  # 72 min, computed 102 min
    ("投放 ROI 达标但 GMV 未达标。", {(BAD_STATUS, "GMV")}),
    # --- en: claims that contradict the computation
    ("Activation rate hit its target.", {(BAD_STATUS, "Activation rate")}),
    ("We met the NPS goal this quarter.", {(BAD_STATUS, "NPS")}),
    ("Activation rate reached 52% by the end of the quarter.", {(BAD_FIGURE, "Activation rate")}),
    ("Availability fell short of the target.", {(BAD_STATUS, "Availability")}),
    ("Time to first value was 5 min.", {(BAD_FIGURE, "Time to first value")}),
    ("NPS came in at 47, below target.", {(BAD_FIGURE, "NPS")}),
    ("Activation rate grew by 35% over the quarter.", {(BAD_FIGURE, "Activation rate")}),
    ("Availability was 99.5% for the month.", {(BAD_FIGURE, "Availability")}),
    ("We did not achieve the availability target.", {(BAD_STATUS, "Availability")}),
    ("Time to first value exceeded its goal.", {(BAD_STATUS, "Time to first value")}),
    ("The activation rate improved by 12 percentage points.", {(BAD_FIGURE, "Activation rate")}),
    ("ACTIVATION RATE: achieved.", {(BAD_STATUS, "Activation rate")}),
    # --- en: must not be flagged
    ("Activation rate 48% (target 55%), so we missed the goal.", set()),
    ("Availability stayed at 99.95%, above the 99.9% SLO.", set()),
    ("NPS improved but is still below target.", set()),
    ("Time to first value dropped from 10 min to 7 min.", set()),
    ("We will hit the activation target next quarter.", set()),
    ("It is unclear whether the DAU goal was met.", set()),
    ("Activation rate was about 50%.", set()),
    ("NPS exceeded 40 for the first time.", set()),
    ("Activation rate grew 20% against the baseline, up 8 percentage points.", set()),
    ("Availability met the target at 99.95%.", set()),
    ("We almost hit the NPS target.", set()),
    ("Time to first value is 7 minutes, which missed the 5 min target.", set()),
    ("The team met with the vendor twice; availability incidents dropped.", set()),
    ("If availability falls short, we roll back.", set()),
    ("Activation rate fell short of the 55% goal.", set()),
    ("Activation climbed from 40% to 48%, short of the 55% goal.", set()),
    ("Our availability target of 99.9% was met.", set()),
    ("Activation rate of 48% missed its target by 7 points.", set()),
    ("We hit 99.95% availability.", set()),
    ("NPS is 42; the goal was 50.", set()),
    ("Availability did not miss the target.", set()),
    ("Availability wasn't met.", {(BAD_STATUS, "Availability")}),
    ("NPS didn't meet expectations.", set()),
]


def review(conclusion: str, **extra: Any) -> Review:
    return Review.model_validate({"project": "P", "metrics": METRICS, "conclusion": conclusion, **extra})


ATTAINMENT = compute_attainment(review("x").metrics, "zh")


def test_the_corpus_metrics_compute_as_the_docstring_says() -> None:
    status = {m.name: m.status for m in ATTAINMENT.metrics}
    assert status["GMV"] == "achieved" and status["新客占比"] == "not_achieved"
    assert status["DAU"] == "needs_verification" and status["会员复购率"] == "not_evaluable"
    assert status["Activation rate"] == "not_achieved" and status["Availability"] == "achieved"
    assert status["订单处理时长"] == "achieved" and status["项目预算"] == "achieved"
    assert status["P99 延迟"] == "achieved" and status["Time to first value"] == "not_achieved"
    assert len(CORPUS) >= 40
    assert sum(1 for _, expected in CORPUS if not expected) >= 30


@pytest.mark.parametrize(("sentence", "expected"), CORPUS, ids=[s for s, _ in CORPUS])
def test_corpus(sentence: str, expected: set[tuple[str, str]]) -> None:
    found = check_prose(review(sentence), ATTAINMENT, "zh").findings
    assert {(f.code, f.metric) for f in found} == expected, [f.message for f in found]
    assert all(f.path == "conclusion" and f.sentence for f in found)


def test_a_figure_finding_names_the_metric_both_figures_and_the_place() -> None:
    text = "订单处理时长缩短 39%，GMV 稳步增长。订单处理时长下降 45%，效率提升明显。"
    (finding,) = check_prose(review("", qualitative_results=["x", text]), ATTAINMENT, "zh").findings
    assert finding.path == "qualitative_results[1]"
    assert finding.sentence == "订单处理时长下降 45%，效率提升明显"
    assert (finding.claim, finding.stated, finding.computed) == ("change", "45%", "39.3%")
    assert finding.stated_value == 45 and finding.computed_value == pytest.approx(39.2857, abs=1e-4)
    assert finding.message == (
        "定性结果第 2 条写“订单处理时长”相对基线的变化为 45%，计算结果是 39.3%，超出了四舍五入的误差。"
        "原句：“订单处理时长下降 45%，效率提升明显”"
    )
    (en,) = check_prose(review("Activation rate reached 52%."), ATTAINMENT, "en").findings
    assert en.message == (
        "The conclusion gives 52% as the actual value of 'Activation rate', but the computed figure is 48%, "
        'beyond rounding. Sentence: "Activation rate reached 52%"'
    )


def test_a_status_finding_says_what_was_claimed_and_computed() -> None:
    (finding,) = check_prose(
        review("", problems=[{"title": "拉新", "detail": "新客占比已达标。"}]), ATTAINMENT
    ).findings
    assert (finding.path, finding.severity, finding.claim) == ("problems[0].detail", "error", "status")
    assert finding.message == "问题第 1 条称“新客占比”已达成（原文“达标”），但计算结果是未达成。原句：“新客占比已达标”"
    (en,) = check_prose(review("DAU met the target."), ATTAINMENT, "en").findings
    assert en.severity == "warning"
    assert en.message == (
        "The conclusion says 'DAU' was achieved (\"met\"), but it was computed as needing verification: "
        'the figures cannot show that. Sentence: "DAU met the target"'
    )


@pytest.mark.parametrize(
    ("stated", "flagged"),
    [
        ("39%", False),
        ("39.3%", False),
        ("39.29%", False),
        ("40%", False),
        ("38%", True),
        ("45%", True),
        ("39.5%", True),
    ],
)
def test_rounding_tolerance_is_one_unit_of_the_last_written_digit(stated: str, flagged: bool) -> None:
    # computed: (1.7 - 2.8) / 2.8 = -39.2857%
    found = check_prose(review(f"订单处理时长下降了 {stated}。"), ATTAINMENT).findings
    assert bool(found) is flagged


def test_every_prose_field_is_read() -> None:
    bad = "新客占比达成。"
    full = review(
        bad,
        qualitative_results=[bad],
        success_factors=[bad, {"title": bad, "detail": bad}],
        problems=[bad],
        pdca={"check": [bad]},
        lessons=[bad],
        outlook=[bad],
    )
    paths = [path for path, _ in prose_texts(full)]
    assert paths == [
        "conclusion",
        "qualitative_results[0]",
        "success_factors[0]",
        "success_factors[1].title",
        "success_factors[1].detail",
        "problems[0]",
        "pdca.check[0]",
    ]
    assert [f.path for f in check_prose(full, ATTAINMENT).findings] == paths


@pytest.mark.parametrize("name", SAMPLES)
def test_the_sample_reviews_agree_with_their_figures(name: str) -> None:
    sample = Review.model_validate(load_sample(name))
    result = check_prose(sample, compute_attainment(sample.metrics, sample.language or "zh"))
    assert result.findings == [] and result.sentences > 15
    if name in ("b2b_mvp", "midyear_campaign", "erp_wms"):  # their conclusions quote the computed figures
        assert result.claims >= 1


def test_analyze_review_reports_them_by_section_and_the_report_shows_them_in_place() -> None:
    document = review(
        "GMV 未达成目标。",
        qualitative_results=["获客成本 CPA 为 45.8 元。"],
        pdca={"check": ["新客占比达成。"]},
    )
    analysis = analyze_review(document)
    assert analysis.prose is not None and len(analysis.prose.findings) == 3
    prose = {(f.section, f.code, f.path) for f in analysis.findings if f.code.startswith("prose_")}
    assert prose == {
        ("overview", BAD_STATUS, "conclusion"),
        ("results", BAD_FIGURE, "qualitative_results[0]"),
        ("pdca", BAD_STATUS, "pdca.check[0]"),
    }
    content = render_report(document).content
    overview = content.split("## 2.")[0]
    assert "GMV 未达成目标。" in overview and "与计算结果不符" in overview and "计算结果是已达成" in overview
    results = content.split("## 3.")[1].split("## 4.")[0]
    assert "45.8 元" in results and "计算结果是 39.6 元" in results
    en = render_report(document, language="en").content
    assert "disagrees with the computed figures" in en


def test_no_metrics_no_prose_check() -> None:
    analysis = analyze_review(Review.model_validate({"project": "P", "conclusion": "GMV 未达成。"}))
    assert analysis.prose is None


@pytest.mark.anyio
async def test_render_report_through_a_client_shows_the_disagreement_under_the_sentence(client: Client) -> None:
    document = {
        "project": "P",
        "metrics": METRICS[:4],
        "conclusion": "GMV、投放 ROI 均达成，新客占比也已达标。",
        "problems": [{"title": "获客成本", "detail": "获客成本 CPA 为 45.8 元，仍需压降。"}],
    }
    result = await client.call_tool("render_report", {"review": document, "language": "en"})
    assert not result.is_error
    content = result.structured_content["content"]
    overview = content.split("## 2.")[0]
    assert "Note: disagrees with the computed figures. The conclusion says '新客占比' was achieved" in overview
    problems = content.split("Problems and challenges")[1].split("## ")[0]
    expected = "Problem 1 gives 45.8 元 as the actual value of '获客成本 CPA', but the computed figure is 39.6 元"
    assert expected in problems
    assert result.structured_content["findings"]["error"] >= 1
