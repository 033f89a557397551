"""Tests for the SWOT / TOWS / IFE-EFE tool (analysis/swot.py).

The factors paraphrase the seed's example reviews: an ERP+WMS rollout for a regional retailer and a
B2B collaboration MVP. Weights and ratings are test data chosen for the hand computations below.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from fupan_mcp.analysis.swot import misplacement_words, reading_of, swot
from fupan_mcp.domain.swot import SwotItem, SwotResult
from fupan_mcp.errors import InputError
from fupan_mcp.limits import MAX_SWOT_ITEMS
from fupan_mcp.report.diagrams import swot_quadrants
from fupan_mcp.report.tool_text import swot_text

# ERP+WMS rollout, with IFE/EFE weights and ratings.
ERP_S: list[Any] = [
    {"text": "治理机制和方法论落地到位", "weight": 0.20, "rating": 4},
    {"text": "四项核心指标全部达成,上线后稳定", "weight": 0.15, "rating": 4},
    {"text": "主数据口径统一,跨部门协同顺畅", "weight": 0.15, "rating": 3},
    {"text": "预算内交付,成本可控", "weight": 0.10, "rating": 3},
]
ERP_W: list[Any] = [
    {"text": "培训覆盖 96%,末端执行仍有长尾", "weight": 0.15, "rating": 2},
    {"text": "知识转移不足,依赖实施商", "weight": 0.15, "rating": 1},
    {"text": "生产监控的告警阈值不够细", "weight": 0.10, "rating": 2},
]
ERP_O: list[Any] = [
    {"text": "订单与库存数据可用于预测补货", "weight": 0.20, "rating": 3},
    {"text": "借助一体化底座拓展供应商协同与财务自动化", "weight": 0.15, "rating": 2},
    {"text": "即时零售、门店自提带来新的履约需求", "weight": 0.15, "rating": 3},
]
ERP_T: list[Any] = [
    {"text": "大促与节假日峰值带来系统和履约风险", "weight": 0.25, "rating": 2},
    {"text": "新场景对系统实时性要求更高", "weight": 0.15, "rating": 1},
    {"text": "关键人员流动造成知识断层", "weight": 0.10, "rating": 2},
]

# B2B collaboration MVP, plain strings.
MVP_S = ["里程碑可控", "可用性 99.95%", "成本比预算节省 4%", "NPS 为 +24", "发布周期从 14 天缩到 10 天"]
MVP_W = ["激活与协作深度不足", "D30 留存只有 17.4%", "权限与跨项目能力弱", "没有移动端"]
MVP_O = ["轻量移动端与集成可提升留存", "中型团队需要权限和跨项目汇总", "模板与引导可提升激活"]
MVP_T = ["竞品在移动端和企业级特性上更成熟", "B2B 导入门槛高,试用转化受阻"]


def codes(result: SwotResult) -> list[str]:
    return [f.code for f in result.findings]


def findings(result: SwotResult, code: str) -> list[Any]:
    return [f for f in result.findings if f.code == code]


# --- IFE / EFE ----------------------------------------------------------------------------------------


def test_ife_efe_scores_match_the_hand_computation() -> None:
    # IFE = 0.20·4 + 0.15·4 + 0.15·3 + 0.10·3 + 0.15·2 + 0.15·1 + 0.10·2
    #     = 0.80 + 0.60 + 0.45 + 0.30 + 0.30 + 0.15 + 0.20 = 2.80            -> average
    # EFE = 0.20·3 + 0.15·2 + 0.15·3 + 0.25·2 + 0.15·1 + 0.10·2
    #     = 0.60 + 0.30 + 0.45 + 0.50 + 0.15 + 0.20 = 2.20                   -> average
    # weights: IFE 0.20+0.15+0.15+0.10+0.15+0.15+0.10 = 1.00; EFE 0.20+0.15+0.15+0.25+0.15+0.10 = 1.00
    result = swot(ERP_S, ERP_W, ERP_O, ERP_T)
    assert result.ife.score == pytest.approx(2.80)
    assert result.efe.score == pytest.approx(2.20)
    assert result.ife.weight_sum == pytest.approx(1.0)
    assert result.efe.weight_sum == pytest.approx(1.0)
    assert (result.ife.reading, result.efe.reading) == ("average", "average")
    assert result.ife.reading_label == "中等"
    assert result.ife.factors == 7 and result.efe.factors == 6
    assert [f.weighted_score for f in result.strengths] == pytest.approx([0.80, 0.60, 0.45, 0.30])
    assert "weights_not_summing_to_1" not in codes(result)
    assert "ife_rating_inconsistent" not in codes(result)
    # 7 and 6 factors: below the usual 10-20, a note only
    assert [f.severity for f in findings(result, "too_few_factors")] == ["info", "info"]


def test_strong_and_weak_readings() -> None:
    # IFE = 0.5·4 + 0.3·4 + 0.2·2 = 2.0 + 1.2 + 0.4 = 3.6 -> strong
    # EFE = 0.6·1 + 0.4·2 = 0.6 + 0.8 = 1.4 -> weak
    result = swot(
        [{"text": "s1", "weight": 0.5, "rating": 4}, {"text": "s2", "weight": 0.3, "rating": 4}],
        [{"text": "w1", "weight": 0.2, "rating": 2}],
        [{"text": "o1", "weight": 0.6, "rating": 1}],
        [{"text": "t1", "weight": 0.4, "rating": 2}],
        language="en",
    )
    assert result.ife.score == pytest.approx(3.6)
    assert (result.ife.reading, result.ife.reading_label) == ("strong", "strong")
    assert result.efe.score == pytest.approx(1.4)
    assert result.efe.reading == "weak"


@pytest.mark.parametrize(
    ("score", "reading"),
    [
        (1.0, "weak"),
        (1.99, "weak"),
        (2.0, "average"),
        (2.5, "average"),
        (2.99, "average"),
        (3.0, "strong"),
        (4.0, "strong"),
    ],
)
def test_reading_bands(score: float, reading: str) -> None:
    assert reading_of(score) == reading


def test_weights_must_sum_to_one_per_side() -> None:
    s = [{"text": "s1", "weight": 0.3, "rating": 4}, {"text": "s2", "weight": 0.3, "rating": 3}]
    w = [{"text": "w1", "weight": 0.3, "rating": 1}]  # IFE weights sum to 0.9
    o = [
        {"text": "o1", "weight": 0.505, "rating": 3},
        {"text": "o2", "weight": 0.5, "rating": 2},
    ]  # 1.005: ok
    result = swot(s, w, o, [{"text": "t1", "weight": 0.0, "rating": 2}])
    (bad,) = findings(result, "weights_not_summing_to_1")
    assert "IFE" in bad.message and "0.9" in bad.message
    assert bad.severity == "warning"
    assert result.ife.score == pytest.approx(0.3 * 4 + 0.3 * 3 + 0.3 * 1)  # still computed: 2.4


def test_no_weight_checks_without_weights() -> None:
    result = swot(MVP_S, MVP_W, MVP_O, MVP_T)
    assert result.ife.score is None and result.ife.weight_sum is None and result.ife.reading is None
    assert not {"weights_not_summing_to_1", "too_few_factors", "matrix_incomplete"} & set(codes(result))


def test_incomplete_matrix_is_not_scored() -> None:
    s = [{"text": "s1", "weight": 0.6, "rating": 4}, {"text": "s2", "weight": 0.4}]
    result = swot(s, ["w1"], ["o1"], ["t1"])
    assert result.ife.score is None
    assert result.ife.missing == ["S2", "W1"]
    (note,) = findings(result, "matrix_incomplete")
    assert "S2" in note.message and "W1" in note.message
    assert "weights_not_summing_to_1" not in codes(result)  # only judged when every factor has a weight


def test_weight_and_rating_ranges() -> None:
    s = [{"text": "s1", "weight": 1.2, "rating": 5}, {"text": "s2", "weight": -0.1, "rating": 2.5}]
    w = [{"text": "w1", "weight": 0.1, "rating": 0}]
    result = swot(s, w, ["o1"], ["t1"])
    assert [f.path for f in findings(result, "weight_out_of_range")] == [
        "strengths[0].weight",
        "strengths[1].weight",
    ]
    assert [f.path for f in findings(result, "rating_out_of_range")] == [
        "strengths[0].rating",
        "weaknesses[0].rating",
    ]
    (not_integer,) = findings(result, "rating_not_integer")
    assert not_integer.path == "strengths[1].rating" and not_integer.severity == "warning"
    assert not result.passed
    assert result.findings[0].severity == "error"


def test_ife_ratings_on_the_wrong_side_of_average() -> None:
    result = swot([{"text": "s1", "rating": 2}], [{"text": "w1", "rating": 4}], ["o1"], ["t1"])
    notes = findings(result, "ife_rating_inconsistent")
    assert [(f.path, f.severity) for f in notes] == [
        ("strengths[0].rating", "info"),
        ("weaknesses[0].rating", "info"),
    ]


def test_too_many_factors() -> None:
    s = [{"text": f"优势 {i}", "weight": 0.04, "rating": 3} for i in range(25)]
    result = swot(s, ["w1"], ["o1"], ["t1"])
    assert findings(result, "too_many_factors")[0].severity == "info"


# --- quadrant checks ----------------------------------------------------------------------------------


def test_ids_are_assigned_in_order_and_given_ids_kept() -> None:
    result = swot(["a", {"text": "b", "id": "core"}, SwotItem(text="c")], MVP_W, MVP_O, MVP_T)
    assert [f.id for f in result.strengths] == ["S1", "core", "S2"]
    assert [f.id for f in result.weaknesses] == ["W1", "W2", "W3", "W4"]
    assert [f.path for f in result.threats] == ["threats[0]", "threats[1]"]
    skipping = swot([{"text": "x", "id": "S1"}, "y"], [], [], [])
    assert [f.id for f in skipping.strengths] == ["S1", "S2"]


def test_empty_quadrants() -> None:
    result = swot(MVP_S, [], MVP_O, None)
    assert [(f.path, f.severity) for f in findings(result, "empty_quadrant")] == [
        ("weaknesses", "warning"),
        ("threats", "warning"),
    ]


def test_duplicates_within_and_across_quadrants() -> None:
    result = swot(["没有移动端", "成本可控", "没有移动端。"], ["没有 移动端"], ["o1"], ["t1"])
    duplicates = findings(result, "duplicate")
    assert [f.path for f in duplicates] == ["strengths[2]", "weaknesses[0]"]
    assert "S1" in duplicates[0].message
    assert "优势" in duplicates[1].message


@pytest.mark.parametrize(
    ("text", "quadrant", "words"),
    [
        ("行业政策利好", "S", ["行业", "政策"]),
        ("竞争对手降价", "W", ["竞争对手"]),
        ("Our team lacks on-call rotation", "T", ["Our team"]),
        ("我们的团队人手不足", "T", ["我们的", "团队"]),
        ("内部流程审批慢", "O", ["内部", "流程"]),
        ("市场部配合顺畅", "S", []),
        ("Strong marketing team", "S", []),
        ("竞品在移动端上更成熟", "T", []),
        ("Regulation tightens on data export", "T", []),
    ],
)
def test_misplacement_words(text: str, quadrant: Any, words: list[str]) -> None:
    assert misplacement_words(text, quadrant) == words


def test_likely_misplaced_is_a_warning_with_reason() -> None:
    erp_o = [*ERP_O[:1], {"text": "通过流程与自动化继续压缩履约时长"}]
    result = swot(["宏观经济回暖"], ERP_W, erp_o, ["团队骨干可能流失"])
    misplaced = {f.path: f for f in findings(result, "likely_misplaced")}
    assert set(misplaced) == {"strengths[0]", "opportunities[1]", "threats[0]"}
    assert "宏观" in misplaced["strengths[0]"].message and "机会或威胁" in misplaced["strengths[0]"].message
    assert "流程" in misplaced["opportunities[1]"].message
    assert all(f.severity == "warning" for f in misplaced.values())


# --- strategies and TOWS ------------------------------------------------------------------------------


def test_strategies_are_placed_and_checked() -> None:
    strategies: list[Any] = [
        {"type": "SO", "text": "用统一主数据做预测补货", "uses": ["S3", "O1"]},
        {"type": "so", "text": "只引用了优势", "uses": ["s1"]},
        {"type": "ST", "text": "引用了机会", "uses": ["S1", "T1", "O2"]},
        {"type": "WT", "text": "引用了不存在的因素", "uses": ["W2", "T9"]},
        {"type": "WO", "text": "没有引用"},
        "WT: 峰值前完成知识转移和演练 (W2, T1)",
        "用 S2 化解 T2",
    ]
    result = swot(ERP_S, ERP_W, ERP_O, ERP_T, strategies)
    by_index = result.strategies
    assert by_index[0].valid and by_index[0].uses == ["S3", "O1"]
    assert by_index[1].type == "SO" and by_index[1].uses == ["S1"] and not by_index[1].valid
    # strategies[3] names no existing threat either (T9 is unknown)
    assert [f.path for f in findings(result, "strategy_missing_kind")] == [
        "strategies[1].uses",
        "strategies[3].uses",
    ]
    (wrong,) = findings(result, "strategy_wrong_kind")
    assert wrong.path == "strategies[2].uses" and "O2" in wrong.message
    (unknown,) = findings(result, "strategy_unknown_factor")
    assert unknown.severity == "error" and "T9" in unknown.message
    assert by_index[3].unknown == ["T9"]
    (none,) = findings(result, "strategy_no_factors")
    assert none.path == "strategies[4].uses"
    assert (by_index[5].type, by_index[5].text, by_index[5].uses) == (
        "WT",
        "峰值前完成知识转移和演练 (W2, T1)",
        ["W2", "T1"],
    )
    assert (by_index[6].type, by_index[6].uses, by_index[6].valid) == ("ST", ["S2", "T2"], True)
    cells = {cell.type: cell for cell in result.tows}
    assert [cell.type for cell in result.tows] == ["SO", "ST", "WO", "WT"]
    assert cells["SO"].strategies == [0, 1] and cells["SO"].prompt is None
    assert cells["WT"].strategies == [3, 5]
    assert "missing_strategy_type" not in codes(result)


def test_empty_tows_cells_get_prompts() -> None:
    result = swot(MVP_S, MVP_W, MVP_O, MVP_T, ["SO: 用发布效率优势快速上线模板 (S5, O3)"])
    cells = {cell.type: cell for cell in result.tows}
    assert cells["SO"].prompt is None
    assert cells["ST"].prompt == "用哪些优势化解哪些威胁？（S1、S2、S3、S4、S5 × T1、T2）"
    assert cells["WO"].prompt is not None and cells["WO"].prompt.startswith("借助哪些机会弥补哪些劣势？")
    assert [f.severity for f in findings(result, "missing_strategy_type")] == ["info"] * 3
    no_strategies = swot(MVP_S, MVP_W, MVP_O, MVP_T, language="en")
    assert codes(no_strategies).count("no_strategies") == 1
    assert "missing_strategy_type" not in codes(no_strategies)
    assert (
        no_strategies.tows[0].prompt
        == "Which strengths can seize which opportunities? (S1, S2, S3, S4, S5 × O1, O2, O3)"
    )


def test_strategy_text_without_type_or_ids_is_reported_alone() -> None:
    """One strategy that cannot be placed is an error finding of its own; the others are still placed."""
    result = swot(MVP_S, MVP_W, MVP_O, MVP_T, ["do something good", "SO: use S1 to take O1"])
    unreadable = findings(result, "strategy_unreadable")
    assert [(f.path, f.severity) for f in unreadable] == [("strategies[0]", "error")]
    assert "SO:" in unreadable[0].message
    assert [(s.index, s.type, s.uses) for s in result.strategies] == [(1, "SO", ["S1", "O1"])]
    assert result.tows[0].strategies == [1]
    assert "use S1 to take O1" in swot_text(result)
    assert not result.passed


# --- renderings ---------------------------------------------------------------------------------------


def test_tool_text_factors_tows_and_scores() -> None:
    result = swot(ERP_S, ERP_W, ERP_O, ERP_T, [{"type": "SO", "text": "预测补货", "uses": ["S3", "O1"]}])
    md = swot_text(result)
    assert md.startswith("### SWOT 分析\n")
    assert "| 优势 S | S1 | 治理机制和方法论落地到位 | 0.2 | 4 | 0.8 |" in md
    assert "| 机会 O | O1 | 订单与库存数据可用于预测补货 | 0.2 | 3 | 0.6 |" in md
    assert md.count("治理机制和方法论落地到位") == 2  # once in the table, once in the quadrant chart
    assert "### TOWS 策略" in md
    assert "| 预测补货 | S3、O1 | 是 |" in md
    assert "| 用哪些优势化解哪些威胁？（S1、S2、S3、S4 × T1、T2、T3） |" in md
    # IFE: 0.2·4 + 0.15·4 + 0.15·3 + 0.1·3 + 0.15·2 + 0.15·1 + 0.1·2 = 2.80; EFE: 0.6 + 0.3 + 0.45 + 0.5 + 0.15 + 0.2
    assert "| IFE | 7 | 1 | 2.80 | 中等 |" in md
    assert "| EFE | 6 | 1 | 2.20 | 中等 |" in md
    assert "| 劣势 W | W2 | 知识转移不足,依赖实施商 | 0.15 | 1 | 0.15 |" in md
    assert "<br>" not in md  # plain GFM tables: pastes cleanly into wikis


def test_tool_text_in_english_and_pipes_escaped() -> None:
    result = swot(["fast | cheap releases"], [], ["market demand grows"], ["new entrants"], language="en")
    md = swot_text(result)
    assert "### SWOT analysis" in md
    assert "| Strengths S | S1 | fast \\| cheap releases |" in md
    assert "(empty_quadrant · weaknesses)" in md
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in f.message) for f in result.findings)


def test_mermaid_quadrant_chart() -> None:
    result = swot(ERP_S, ['说明 "引号" 的劣势'], ERP_O, ERP_T)
    mermaid = swot_quadrants(result, "zh")
    lines = mermaid.splitlines()
    assert lines[0] == "quadrantChart"
    assert '    x-axis "内部" --> "外部"' in lines
    assert '    quadrant-2 "优势 S"' in lines
    points = {}
    for line in lines:
        match = re.fullmatch(r'    "([^"]*)": \[(0\.\d\d), (0\.\d\d)\]', line)
        if match:
            points[match.group(1).split()[0]] = (float(match.group(2)), float(match.group(3)))
    assert len(points) == 4 + 1 + 3 + 3
    assert all(x < 0.5 and y > 0.5 for key, (x, y) in points.items() if key.startswith("S"))
    assert all(x < 0.5 and y < 0.5 for key, (x, y) in points.items() if key.startswith("W"))
    assert all(x > 0.5 and y > 0.5 for key, (x, y) in points.items() if key.startswith("O"))
    assert all(x > 0.5 and y < 0.5 for key, (x, y) in points.items() if key.startswith("T"))
    # the heaviest threat sits farthest right; a rating-1 threat sits lowest
    assert points["T1"][0] == max(x for key, (x, _) in points.items() if key.startswith("T"))
    assert points["T2"][1] == min(y for key, (_, y) in points.items() if key.startswith("T"))
    assert "'引号'" in mermaid and '"引号"' not in mermaid


# --- input errors and limits --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"strengths": [{"text": "a", "score": 3}]}, "strengths[0].score"),
        ({"strengths": [{"text": ""}]}, "strengths[0].text"),
        ({"weaknesses": [{"text": "a", "weight": [0.2]}]}, "weaknesses[0].weight"),  # a word is a finding: see onebad
        ({"strengths": [{"text": "a", "id": "X"}], "threats": [{"text": "b", "id": "X"}]}, "threats[0].id"),
        ({"strengths": ["s"] * 150, "threats": ["t"] * (MAX_SWOT_ITEMS - 149)}, "threats"),
        ({"language": "de"}, "language"),
    ],
)
def test_input_errors_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    arguments: dict[str, Any] = {
        "strengths": ["s"],
        "weaknesses": ["w"],
        "opportunities": ["o"],
        "threats": ["t"],
    }
    arguments.update(kwargs)
    with pytest.raises(InputError) as raised:
        swot(**arguments)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("strategy", "path"),
    [
        ({"type": "XY", "text": "a"}, "strategies[0].type"),
        ({"type": "SO", "text": "a", "extra": 1}, "strategies[0].extra"),
    ],
)
def test_a_bad_strategy_object_is_a_finding_of_its_own(strategy: dict[str, Any], path: str) -> None:
    result = swot(["s"], ["w"], ["o"], ["t"], [strategy, {"type": "WT", "text": "b", "uses": ["W1", "T1"]}])
    assert [f.path for f in findings(result, "strategy_unreadable")] == [path]
    assert [(s.index, s.type, s.valid) for s in result.strategies] == [(1, "WT", True)]


def test_two_hundred_items_are_all_scored() -> None:
    def side(prefix: str) -> list[Any]:
        return [
            {"text": f"{prefix} 因素 {i} 关于环节 {i * 17}", "weight": 0.01, "rating": 1 + i % 4} for i in range(50)
        ]

    strategies = [{"type": "SO", "text": f"策略 {i}", "uses": [f"S{i % 50 + 1}", f"O{i % 50 + 1}"]} for i in range(50)]
    result = swot(side("优势"), side("劣势"), side("机会"), side("威胁"), strategies)
    assert len(result.strengths) == 50 and all(s.valid for s in result.strategies)
    assert result.ife.score is not None


@pytest.mark.parametrize("blank", ["", "   ", "\u3000"])
def test_a_blank_factor_is_reported_alone_and_the_others_keep_their_paths(blank: str) -> None:
    for language, words in (("zh", "空白"), ("en", "blank")):
        result = swot(["产品口碑好", blank, "渠道多"], ["成本高"], ["政策支持"], ["竞品降价"], language=language)
        blanks = [f for f in result.findings if f.code == "blank_factor"]
        assert [f.path for f in blanks] == ["strengths[1]"] and words in blanks[0].message
        assert [(s.id, s.path) for s in result.strengths] == [("S1", "strengths[0]"), ("S2", "strengths[2]")]


def test_ife_weights_written_as_percents() -> None:
    """'20%' / '30%' / '50%' as IFE sheets write weights: 0.2 × 4 + 0.3 × 3 + 0.5 × 1 = 2.2."""
    from fupan_mcp.domain.swot import SwotItem

    items = [
        SwotItem.model_validate({"text": t, "weight": w, "rating": r})
        for t, w, r in (("团队稳定", "20%", 4), ("流程成熟", "30 ％", 3), ("人手不足", "0.5", 1))
    ]
    assert [i.weight for i in items] == [0.2, 0.3, 0.5]
    assert sum((i.weight or 0) * (i.rating or 0) for i in items) == pytest.approx(2.2)


def test_a_factor_written_under_the_matrix_s_own_word_is_its_text() -> None:
    """IFE/EFE matrices call their rows factors: {'factor': ...} was refused as an unknown field."""
    items = [SwotItem.model_validate({key: "团队经验丰富", "weight": "60%", "rating": 4}) for key in ("factor", "item")]
    assert [item.text for item in items] == ["团队经验丰富", "团队经验丰富"]
    weakness = SwotItem.model_validate({"description": "测试资源不足", "weight": 0.4, "rating": 2})
    result = swot(strengths=[items[0]], weaknesses=[weakness], opportunities=[], threats=[])
    assert result.ife.score == pytest.approx(0.6 * 4 + 0.4 * 2)  # 3.2


@pytest.mark.parametrize(
    ("quadrant", "text"),
    [
        ("weaknesses", "新客获取成本高于行业均值30%"),
        ("weaknesses", "交付速度落后于竞争对手"),
        ("weaknesses", "Checkout is slower than competitors"),
        ("strengths", "Our NPS is above the industry average"),
        ("strengths", "市场份额第一"),
    ],
)
def test_a_comparison_with_a_benchmark_is_no_external_factor(quadrant: str, text: str) -> None:
    """It measures us against others: an internal strength or weakness, not misplaced."""
    others = {"strengths": ["品牌认知度高"], "weaknesses": ["数据口径不统一"]}
    result = swot(**{**others, quadrant: [text]}, opportunities=["直播电商渠道增长"], threats=["原材料价格上涨"])
    assert not [f for f in result.findings if f.code == "likely_misplaced"]


def test_an_external_factor_among_the_weaknesses_is_still_flagged() -> None:
    result = swot(strengths=["品牌认知度高"], weaknesses=["行业政策收紧"], opportunities=["o"], threats=["t"])
    assert [f.path for f in result.findings if f.code == "likely_misplaced"] == ["weaknesses[0]"]
