"""Tests for the 5 Whys check (analysis/five_whys.py).

The chains paraphrase facts from the seed's example reviews (a B2B collaboration MVP whose comment
feature was little used; a campaign that could not measure its new-customer share).
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import pytest

from fupan_mcp.analysis.five_whys import (
    SIMILARITY_THRESHOLD,
    categorize,
    five_whys,
    near_duplicates,
    normalize_text,
    text_similarity,
)
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.whys import FiveWhysResult, Why
from fupan_mcp.errors import InputError
from fupan_mcp.limits import MAX_WHYS
from fupan_mcp.report.diagrams import whys_flowchart
from fupan_mcp.report.tool_text import five_whys_text

COMMENTS_PROBLEM = "评论功能的使用占比只有 15%"
COMMENTS_WHYS: list[Any] = [
    "成员只在任务之间流转,很少异步讨论",
    {"answer": "@提醒与通知策略不足,发言得不到回应", "evidence": "通知点击率周报", "verified": True},
    {"answer": "评论没有线程化、引用和富文本", "evidence": "试点客户访谈记录"},
    "没有跨项目的汇总视图,讨论上下文分散",
    "没有移动端,离开电脑就无法回复",
]

DATA_PROBLEM = "新客占比与会员复购率两项目标无法判定是否达成"
DATA_WHYS: list[Any] = [
    {"answer": "各平台的数据口径不一致,新客与复购无法统一判定", "evidence": "三个平台的字段对照表"},
    {"answer": "平台 ID、小程序和 CRM 之间没有打通统一身份", "verified": True},
    {"answer": "合规评估与埋点方案没有排进项目里程碑", "evidence": "项目计划"},
    {"answer": "KPI 树没有把数据可得性设为验收门槛", "evidence": "立项评审纪要"},
    {"answer": "缺少数据治理负责人和标准流程,RACI 不清", "evidence": "组织架构图", "id": "gov"},
]
DATA_COUNTERMEASURES: list[dict[str, Any]] = [
    {
        "action": "建立数据治理 RACI,在大促前 30 天完成埋点",
        "owner": "数据组",
        "due": "2025-07-25",
        "success_metric": "漏斗字段齐全率 ≥ 95%",
        "addresses": "R1",
    },
    {
        "action": "把新客与复购数据的可得性列入立项验收清单",
        "owner": "PMO",
        "due": "2025-07-10",
        "success_metric": "下次立项评审 100% 检查该项",
        "addresses": "gov",
    },
]


def codes(result: FiveWhysResult) -> list[str]:
    return [f.code for f in result.findings]


def finding(result: FiveWhysResult, code: str) -> list[Any]:
    return [f for f in result.findings if f.code == code]


# --- a single chain ---------------------------------------------------------------------------------


def test_chain_with_summary_root_reads_back_through_every_answer() -> None:
    result = five_whys(COMMENTS_PROBLEM, COMMENTS_WHYS, root_cause="通知与信息结构不足、移动端缺失")
    assert result.depth == 5
    assert result.is_chain
    assert [n.id for n in result.whys] == ["W1", "W2", "W3", "W4", "W5"]
    assert [n.parent_id for n in result.whys] == [None, "W1", "W2", "W3", "W4"]
    assert [n.status for n in result.whys] == [
        "unverified",
        "verified",
        "evidence",
        "unverified",
        "unverified",
    ]
    root = result.root_causes[0]
    assert (root.id, root.source, root.why_id) == ("R1", "given", "W5")  # a summary sits below the leaf
    read_back = result.read_back[0]
    assert read_back.steps[0] == "通知与信息结构不足、移动端缺失"
    assert read_back.steps[-1] == COMMENTS_PROBLEM
    assert read_back.why_ids == ["W5", "W4", "W3", "W2", "W1"]
    assert read_back.text.count("因此") == 6
    assert root.depth == 6
    # the summary mentions notifications and the mobile client: a technology / machine cause
    assert root.category.category == "technology"
    assert root.category.matched == ["通知", "移动端"]
    assert root.category_6m.category == "machine"


def test_stated_root_matching_an_answer_is_that_answer() -> None:
    result = five_whys(
        DATA_PROBLEM,
        DATA_WHYS,
        root_cause="缺少数据治理负责人和标准流程",
        countermeasures=DATA_COUNTERMEASURES,
        review_date="2025-06-25",
    )
    root = result.root_causes[0]
    assert root.why_id == "gov"
    assert root.countermeasures == [0, 1]  # by root id and by why id
    assert result.read_back[0].steps[0] == DATA_WHYS[4]["answer"]
    assert len(result.read_back[0].steps) == 6  # five answers and the problem
    assert result.passed
    assert result.counts.error == 0 and result.counts.warning == 0
    assert all(cm.complete and cm.root_ids == ["R1"] for cm in result.countermeasures)
    assert root.category.category == "process"
    assert {"标准", "流程"} <= set(root.category.matched)
    assert result.data_gaps == []


def test_plain_strings_are_a_chain_and_leaf_is_the_default_root() -> None:
    result = five_whys("接口成功率 99.1%,低于 99.5% 的目标", ["重试风暴", "超时阈值过短", "压测没有覆盖峰值"])
    assert result.depth == 3 and result.is_chain
    assert [r.text for r in result.root_causes] == ["压测没有覆盖峰值"]
    assert result.root_causes[0].source == "leaf"
    assert result.read_back[0].steps == ["压测没有覆盖峰值", "超时阈值过短", "重试风暴", result.problem]
    assert "too_shallow" not in codes(result)


def test_models_are_accepted_as_input() -> None:
    result = five_whys(
        "P1 故障 3 次",
        [Why(answer="a 层原因"), Why(answer="b 层原因"), Why(answer="c 层原因")],
        countermeasures=[
            ActionItem(action="上线变更门禁", owner="SRE", due=dt.date(2025, 9, 1), success_metric="P1=0")
        ],
    )
    assert result.countermeasures[0].root_ids == ["R1"]


# --- checks -------------------------------------------------------------------------------------------


def test_too_shallow_is_a_warning() -> None:
    result = five_whys("DAU 只有峰值 318", ["均值没有统计", "看板只展示峰值"])
    (shallow,) = finding(result, "too_shallow")
    assert shallow.severity == "warning"
    assert shallow.path == "whys"
    assert "2" in shallow.message


def test_no_whys_is_an_error() -> None:
    result = five_whys("激活率 32.5%", [], root_cause="引导不足")
    assert "no_whys" in codes(result)
    assert not result.passed
    assert result.read_back[0].steps == ["引导不足", "激活率 32.5%"]


@pytest.mark.parametrize("answer", ["评论使用占比低!", "因为评论使用占比低", "Comments: usage share is LOW"])
def test_answer_restating_the_problem_is_circular(answer: str) -> None:
    problem = "Comments usage share is low" if answer.isascii() else "评论使用占比低"
    result = five_whys(problem, [answer, "通知不足", "没有移动端"])
    (circular,) = finding(result, "circular_answer")
    assert circular.path == "whys[0]"
    assert circular.severity == "warning"


def test_answer_repeating_an_ancestor_is_circular() -> None:
    result = five_whys("发布周期 14 天", ["回归测试靠手工", "没有自动化用例", "回归测试靠手工。", "缺少测试预算"])
    (circular,) = finding(result, "circular_answer")
    assert circular.path == "whys[2]"
    assert "whys[0]" in circular.message


def test_same_answer_on_another_branch_is_only_repeated() -> None:
    whys: list[Any] = [
        {"answer": "库存差异大", "id": "a"},
        {"answer": "盘点规则不统一", "parent": "a"},
        {"answer": "退货上架慢", "parent": "a"},
        {"answer": "缺少作业标准", "parent": 1},
        {"answer": "缺少作业标准", "parent": 2},
    ]
    result = five_whys("库存准确率 93.1%", whys)
    (repeated,) = finding(result, "repeated_answer")
    assert repeated.severity == "info"
    assert repeated.path == "whys[4]"
    assert "circular_answer" not in codes(result)


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [("测试同学粗心,漏测了这个场景", "粗心"), ("运维失职", "失职"), ("两个团队互相甩锅", "甩锅")],
)
def test_blame_in_an_answer_is_a_warning_with_a_hint(answer: str, phrase: str) -> None:
    result = five_whys("线上故障 2 次", ["告警没有触发", answer, "变更没有走评审"])
    (blame,) = finding(result, "blame_person")
    assert blame.path == "whys[1]"
    assert blame.severity == "warning"
    assert phrase in blame.message
    assert "建议" in blame.message


def test_blame_in_english_with_rewrite_hint() -> None:
    result = five_whys(
        "Checkout errors rose to 3%",
        ["The deploy skipped canary", "Bob was careless during the release", "No release checklist exists"],
        language="en",
    )
    (blame,) = finding(result, "blame_person")
    assert "careless" in blame.message
    assert "missing check" in blame.message


def test_a_person_as_root_cause_is_an_error() -> None:
    result = five_whys(
        "Interface success rate 98.9%",
        ["Retries piled up", "The timeout was too short", "Config changed without review"],
        root_cause="human error by the on-call engineer",
        countermeasures=[
            {
                "action": "Add a config-change gate",
                "owner": "SRE",
                "due": "2025-09-01",
                "success_metric": "0 unreviewed changes",
            }
        ],
        language="en",
    )
    (error,) = finding(result, "root_cause_blames_person")
    assert error.severity == "error"
    assert error.path == "root_cause"
    assert result.root_causes[0].blames_person
    assert not result.passed
    assert result.findings[0].code == "root_cause_blames_person"  # most severe first


def test_blaming_leaf_is_reported_once_as_root_error() -> None:
    result = five_whys("漏发 3 批货", ["拣货单错误", "系统没有校验", "仓管员粗心"])
    assert codes(result).count("root_cause_blames_person") == 1
    assert "blame_person" not in codes(result)
    assert finding(result, "root_cause_blames_person")[0].path == "whys[2]"


def test_unverified_links_are_info_and_unverified_root_a_warning() -> None:
    result = five_whys(COMMENTS_PROBLEM, COMMENTS_WHYS)
    infos = finding(result, "unverified_link")
    assert [f.path for f in infos] == ["whys[0]", "whys[3]"]
    assert {f.severity for f in infos} == {"info"}
    (root,) = finding(result, "unverified_root")
    assert root.path == "whys[4]" and root.severity == "warning"
    assert [g.path for g in result.data_gaps if g.field == "evidence"] == ["whys[0]", "whys[3]", "whys[4]"]


def test_problem_without_number_or_metric_is_info() -> None:
    vague = five_whys("协作不够深入", ["a 原因", "b 原因", "c 原因"])
    assert finding(vague, "problem_not_measurable")[0].severity == "info"
    for problem in ("评论占比 15%", "D30 留存偏低", "Conversion rate dropped", "订单处理时长偏长"):
        assert "problem_not_measurable" not in codes(five_whys(problem, ["a 原因", "b 原因", "c 原因"]))


def test_root_without_countermeasure_is_flagged() -> None:
    result = five_whys(DATA_PROBLEM, DATA_WHYS)
    (missing,) = finding(result, "root_cause_no_countermeasure")
    assert missing.path == "whys[4]"
    assert "R1" in missing.message


def test_countermeasure_without_owner_due_metric_and_with_vague_verb() -> None:
    result = five_whys(DATA_PROBLEM, DATA_WHYS, countermeasures=["加强数据口径管理"])
    found = {f.code: f for f in result.findings}
    assert found["countermeasure_no_owner"].path == "countermeasures[0].owner"
    assert found["countermeasure_no_due"].path == "countermeasures[0].due"
    assert found["countermeasure_no_metric"].path == "countermeasures[0].success_metric"
    assert "加强" in found["countermeasure_vague"].message
    assert not result.countermeasures[0].complete
    assert {g.field for g in result.data_gaps} >= {"owner", "due", "success_metric"}
    # a single root: the countermeasure answers it without naming it
    assert result.countermeasures[0].root_ids == ["R1"]


def test_english_vague_verbs() -> None:
    result = five_whys(
        "Churn at 6%",
        ["a cause", "b cause", "c cause"],
        countermeasures=[
            {
                "action": "Improve onboarding and ensure quality",
                "owner": "PM",
                "due": "2025-10-01",
                "success_metric": "D7 retention 30%",
            }
        ],
        language="en",
    )
    (vague,) = finding(result, "countermeasure_vague")
    assert "Improve" in vague.message and "ensure" in vague.message


def test_metric_without_number_is_info() -> None:
    result = five_whys(
        "退款率 4%",
        ["a 原因", "b 原因", "c 原因"],
        countermeasures=[
            {
                "action": "上线退款原因看板",
                "owner": "数据组",
                "due": "2025-08-01",
                "success_metric": "看板上线",
            }
        ],
    )
    assert finding(result, "countermeasure_metric_not_measurable")[0].severity == "info"


def test_due_before_review_date() -> None:
    cm = {**DATA_COUNTERMEASURES[0], "due": "2025-06-01"}
    result = five_whys(DATA_PROBLEM, DATA_WHYS, countermeasures=[cm], review_date=dt.date(2025, 6, 25))
    (past,) = finding(result, "countermeasure_due_before_review")
    assert "2025-06-01" in past.message and "2025-06-25" in past.message
    assert finding(five_whys(DATA_PROBLEM, DATA_WHYS, countermeasures=[cm]), "countermeasure_due_before_review") == []


def test_countermeasure_must_name_its_root_when_there_are_several() -> None:
    whys: list[Any] = [
        {"answer": "D30 留存只有 17.4%"},
        {"answer": "缺少移动端", "parent": "problem"},
        {"answer": "没有跨项目汇总视图", "parent": "problem"},
    ]
    full = {"owner": "产品", "due": "2025-09-30", "success_metric": "D30 +4pp"}
    result = five_whys(
        "D30 留存 17.4%",
        whys,
        countermeasures=[
            {"action": "上线 PWA 适配", **full},
            {"action": "上线多项目看板", "addresses": "没有跨项目汇总视图", **full},
            {"action": "上线权限 V1", "addresses": "R9", **full},
        ],
    )
    assert [r.text for r in result.root_causes] == ["D30 留存只有 17.4%", "缺少移动端", "没有跨项目汇总视图"]
    assert finding(result, "countermeasure_no_root")[0].path == "countermeasures[0].addresses"
    assert result.countermeasures[1].root_ids == ["R3"]
    assert finding(result, "countermeasure_unknown_root")[0].path == "countermeasures[2].addresses"
    assert len(finding(result, "root_cause_no_countermeasure")) == 2
    both = five_whys(
        "D30 留存 17.4%", whys, countermeasures=[{"action": "上线周报推送", "addresses": "R2、r3", **full}]
    )
    assert both.countermeasures[0].root_ids == ["R2", "R3"]


# --- trees --------------------------------------------------------------------------------------------


def test_why_why_tree_by_id_and_index() -> None:
    whys: list[Any] = [
        {"answer": "关键场景缺失,试用后价值衰减", "id": "scene"},
        {"answer": "激活路径没有形成团队惯性", "parent": "problem", "id": "habit"},
        {"answer": "没有移动端", "parent": "scene"},
        {"answer": "缺少跨项目视角,管理层看不到产出", "parent": 0},
        {"answer": "模板与二次触达不足"},  # no parent: answers the previous line
        {"answer": "指标没有按团队和角色分层", "parent": "habit"},
    ]
    result = five_whys("D30 留存 17.4%", whys)
    assert not result.is_chain
    assert result.depth == 3
    by_id = {n.id: n for n in result.whys}
    assert by_id["scene"].children == ["W3", "W4"]
    assert by_id["W5"].parent_id == "W4" and by_id["W5"].depth == 3
    assert by_id["habit"].children == ["W6"]
    assert [n.label for n in result.whys] == ["1a", "1b", "2aa", "2ab", "3ab", "2b"]
    assert [r.why_id for r in result.root_causes] == ["W3", "W5", "W6"]
    assert "too_shallow" not in codes(result)
    text = five_whys_text(result)
    marks = ("(W", "(scene)", "(habit)", "（W", "（scene）", "（habit）")
    lines = [line for line in text.splitlines() if any(mark in line for mark in marks)]
    assert lines[0].startswith("- ") and lines[1].startswith("  - ")  # branches indent
    assert "scene" in lines[0] and "W3" in lines[1] and "W4" in lines[2] and lines[3].startswith("    - 3ab（W5）")


def test_root_in_a_tree_that_matches_nothing_is_reported() -> None:
    whys: list[Any] = ["原因 A 很长的描述", {"answer": "原因 B 很长的描述", "parent": "problem"}]
    result = five_whys("退货率 5%", whys, root_cause="完全无关的总结性表述")
    (lost,) = finding(result, "root_cause_not_in_chain")
    assert lost.severity == "info"
    assert result.root_causes[0].why_id is None
    assert result.read_back[0].steps == ["完全无关的总结性表述", "退货率 5%"]


def test_root_by_why_id() -> None:
    result = five_whys(DATA_PROBLEM, DATA_WHYS, root_cause=["W2"])
    assert result.root_causes[0].why_id == "W2"
    assert result.read_back[0].why_ids == ["W2", "W1"]


# --- renderings ---------------------------------------------------------------------------------------


def test_tool_text_has_chain_marks_tables_and_read_back() -> None:
    result = five_whys(
        DATA_PROBLEM,
        DATA_WHYS,
        root_cause="缺少数据治理负责人和标准流程",
        countermeasures=DATA_COUNTERMEASURES,
    )
    md = five_whys_text(result)
    assert md.startswith("### 5 Whys 根因分析")
    assert "\n- 1（W1）：" in md
    assert "已验证" in md and "有证据" in md
    assert "根因 R1" in md
    assert "R1 缺少数据治理负责人和标准流程（分类建议：流程；6M：法（方法/流程））" in md
    assert "“因此”回读检验" in md
    assert "| 建立数据治理 RACI,在大促前 30 天完成埋点 | 数据组 | 2025-07-25 |" in md
    assert "检查未发现问题" in md


def test_tool_text_and_read_back_in_english() -> None:
    result = five_whys("Refund rate 4%", ["a cause", "b cause", "c cause"], language="en")
    assert (
        result.read_back[0].text == "c cause → therefore → b cause → therefore → a cause → therefore → Refund rate 4%"
    )
    text = five_whys_text(result)
    assert "### 5 Whys root-cause analysis" in text
    assert "unverified" in text
    assert "No countermeasure was given." in text
    assert "(root_cause_no_countermeasure · whys[2])" in text  # the author sees the code and the place
    assert all(not any("\u4e00" <= ch <= "\u9fff" for ch in f.message) for f in result.findings)


def test_mermaid_flowchart_escapes_labels() -> None:
    result = five_whys('报错 "500" 占比 2%', ["网关 <超时> & 重试", "b 原因", "c 原因"], root_cause="总结: 缺少限流")
    mermaid = whys_flowchart(result, "zh")
    lines = mermaid.splitlines()
    assert lines[0] == "flowchart TD"
    assert lines[1] == '    P["问题：报错 &quot;500&quot; 占比 2%"]'
    # zh labels take the full-width colon; the escapes hold around it
    assert '    P -->|为什么| n0["为什么 1：网关 &lt;超时&gt; &amp; 重试"]' in lines
    assert "    n1 -->|为什么| n2[" in mermaid
    assert '    r0(["R1：总结: 缺少限流"])' in lines
    english = whys_flowchart(five_whys("Error 500", ["gateway <timeout>", "b"], root_cause="no limit"), "en")
    assert '    P -->|why| n0["Why 1: gateway &lt;timeout&gt;"]' in english.splitlines()
    assert "    n2 -.-> r0" in lines
    assert "    class r0 root" in lines
    assert "    class n0,n1,n2 unverified" in lines


# --- input errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"problem": "  ", "whys": ["a"]}, "problem"),
        ({"problem": "p", "whys": [{"answer": "a", "parent": "nope"}]}, "whys[0].parent"),
        ({"problem": "p", "whys": [{"answer": "a", "parent": 5}]}, "whys[0].parent"),
        ({"problem": "p", "whys": [{"answer": "a", "parent": 0}]}, "whys[0].parent"),
        ({"problem": "p", "whys": [{"answer": "a", "id": "x"}, {"answer": "b", "id": "x"}]}, "whys[1].id"),
        ({"problem": "p", "whys": [{"answer": "a", "id": "problem"}]}, "whys[0].id"),
        ({"problem": "p", "whys": [{"answer": "a", "because": "b"}]}, "whys[0].because"),
        ({"problem": "p", "whys": [{"answer": ""}]}, "whys[0].answer"),
        ({"problem": "p", "whys": [" "]}, "whys[0]"),
        ({"problem": "p", "whys": ["a"], "countermeasures": [{"owner": "x"}]}, "countermeasures[0].action"),
        ({"problem": "p", "whys": ["a"], "review_date": "yesterday"}, "review_date"),
        ({"problem": "p", "whys": ["a"], "language": "fr"}, "language"),
        ({"problem": "p", "whys": ["a"] * (MAX_WHYS + 1)}, "whys"),
    ],
)
def test_whole_input_errors_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as raised:
        five_whys(**kwargs)
    assert raised.value.field == field
    assert raised.value.reason


def test_an_unreadable_countermeasure_date_is_a_finding_of_its_own() -> None:
    """'soon' is no date: that countermeasure gets an error finding, the other is resolved from T+30."""
    result = five_whys(
        "p",
        ["a"],
        countermeasures=[{"action": "加装滤网", "due": "soon"}, {"action": "检查油泵", "due": "T+30"}],
        review_date="2025/6/18",
        language="en",
    )
    unreadable = [f for f in result.findings if f.code == "countermeasure_due_unreadable"]
    assert [f.path for f in unreadable] == ["countermeasures[0].due"]
    assert '"soon"' in unreadable[0].message
    assert not [f for f in result.findings if f.path == "countermeasures[1].due"]
    assert [cm.item.due for cm in result.countermeasures] == [None, dt.date(2025, 7, 18)]


def test_parent_cycle_is_an_input_error() -> None:
    whys: list[Any] = [
        {"answer": "a", "id": "a", "parent": "c"},
        {"answer": "b", "id": "b"},
        {"answer": "c", "id": "c"},
    ]
    with pytest.raises(InputError) as raised:
        five_whys("p 1", whys)
    assert raised.value.field == "whys[0].parent"
    assert "a → c → b → a" in raised.value.reason  # a's parent is c; c answers b; b answers a


# --- helpers and limits -------------------------------------------------------------------------------


def test_similarity_helpers() -> None:
    assert normalize_text("Ｄ30 留存, 偏低!") == "d30留存偏低"
    assert text_similarity("缺少移动端", "缺少移动端。") == 1.0
    assert text_similarity("缺少移动端", "缺少跨项目视图") < SIMILARITY_THRESHOLD
    assert near_duplicates(["a b c d", "完全不同", "A-B-C-D"]) == [(0, 2, 1.0)]


def test_categories() -> None:
    domain, six_m = categorize("The deploy pipeline has no review gate", "en")
    assert domain.category == "process" and domain.matched == ["review", "gate"]
    assert six_m.category == "method"
    assert "review" in domain.reason
    unknown, unknown_6m = categorize("某种说不清的原因")
    assert unknown.category == "unknown" and unknown_6m.category == "unknown"
    assert unknown.matched == [] and unknown.reason
    assert categorize("培训覆盖率只有 96%")[0].category == "people"
    assert categorize("埋点与口径不统一")[0].category == "data"
    assert categorize("跨部门职责与负责人不清")[0].category == "organization"
    assert categorize("大促期间平台政策变化")[1].category == "environment"


def test_deep_chain_is_iterative() -> None:
    whys: list[Any] = [f"第 {i} 层原因:环节 {i} 的检查项 {i * 7} 没有覆盖" for i in range(MAX_WHYS)]
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(150)  # deeper than this would fail if the tree walks recursed
    try:
        result = five_whys("接口失败率 2%", whys)
    finally:
        sys.setrecursionlimit(limit)
    assert result.depth == MAX_WHYS
    assert len(result.read_back[0].steps) == MAX_WHYS + 1


def test_wide_tree_of_max_size() -> None:
    whys: list[Any] = [
        {"answer": f"原因 {i} 描述 {i * 31}", "parent": (i - 1) // 2 if i else "problem"} for i in range(MAX_WHYS)
    ]
    result = five_whys("订单 SLA 达成率 95%", whys)
    assert result.depth == 8
    assert len(result.root_causes) == MAX_WHYS // 2
    assert not result.is_chain


def test_a_countermeasure_text_that_is_no_valid_unicode_is_an_input_error_naming_it() -> None:
    # a lone surrogate reaches an in-process call (the transports refuse it earlier): it must be reported
    # as this countermeasure's fault, not escape as an unexpected exception
    with pytest.raises(InputError) as caught:
        five_whys("评论功能使用占比只有 15%", ["讨论效率低"], countermeasures=["补齐评论线程", "\ud800"])
    assert caught.value.field.startswith("countermeasures[1]")


@pytest.mark.parametrize(("written", "read"), [("是", True), ("yes", True), ("否", False), ("False", False)])
def test_verified_words_are_read(written: str, read: bool) -> None:
    result = five_whys("p", [{"answer": "a", "verified": written}])
    assert result.whys[0].verified is read
    assert not [f for f in result.findings if f.code == "verified_unread"]


def test_an_unreadable_verified_or_priority_is_reported_alone_and_the_chain_is_analysed() -> None:
    whys = [{"answer": "接口超时", "verified": True}, {"answer": "连接池耗尽", "verified": "maybe"}]
    countermeasures = [{"action": "扩大连接池", "priority": "高"}, {"action": "增加连接池告警", "priority": "P1"}]
    for language, words in (("zh", "读不出是/否"), ("en", "neither yes nor no")):
        result = five_whys("下单失败", whys, countermeasures=countermeasures, language=language)
        unread = {f.path: f for f in result.findings if f.code.endswith("_unread")}
        assert set(unread) == {"whys[1].verified", "countermeasures[0].priority"}
        assert words in unread["whys[1].verified"].message and "maybe" in unread["whys[1].verified"].message
        assert [w.verified for w in result.whys] == [True, False] and len(result.countermeasures) == 2


@pytest.mark.parametrize(("language", "words"), [("zh", "空白"), ("en", "blank")])
def test_a_blank_why_is_refused_in_the_users_language(language: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        five_whys("p", ["a", "  "], language=language)
    assert raised.value.field == "whys[1]" and words in raised.value.reason


def test_a_why_written_as_question_and_answer_keeps_both() -> None:
    """{'question', 'answer'} and {'why', 'because'} as people write a why: 'question' was refused."""
    whys = [
        Why.model_validate({"question": "为什么成功率下降？", "answer": "第三方通道超时"}),
        Why.model_validate({"why": "为什么超时？", "because": "连接池耗尽"}),
    ]
    assert [(w.question, w.answer) for w in whys] == [
        ("为什么成功率下降？", "第三方通道超时"),
        ("为什么超时？", "连接池耗尽"),
    ]
    result = five_whys(problem="支付成功率下降", whys=whys, root_cause="连接池耗尽")
    assert [n.question for n in result.whys] == ["为什么成功率下降？", "为什么超时？"]
    assert "为什么超时？ → 连接池耗尽" in five_whys_text(result)
