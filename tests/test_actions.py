"""Action items and risks: SMART checks, status rules, thresholds, speed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from fupan_mcp.analysis.actions import (
    action_target,
    check_actions,
    check_risks,
    is_measurable,
    is_overdue,
    owners,
    parse_threshold,
    relative_due,
    starts_with_verb,
)
from fupan_mcp.domain.actions import ActionCheckResult, ActionItem, Risk, RiskCheckResult
from fupan_mcp.errors import InputError
from fupan_mcp.report.tool_text import actions_text, risks_text

REVIEW = dt.date(2025, 5, 31)
PROBLEMS = [
    "激活率32.5%,激活与深度使用不足",
    "评论使用占比仅15%,协作深度不足",
    "D30留存17.4%,长期留存承压",
    "DAU只有峰值,指标口径不统一",
]


def action(**fields: Any) -> ActionItem:
    """A fully specified action, with ``fields`` overriding."""
    base: dict[str, Any] = {
        "action": "上线@必达提醒与聚合通知中心",
        "owner": "后端负责人",
        "due": dt.date(2025, 7, 15),
        "priority": "P1",
        "addresses": "评论使用占比低",
        "success_metric": "评论/任务比 ≥ 25%",
    }
    return ActionItem(**{**base, **fields})


def one(item: ActionItem, **kwargs: Any) -> tuple[set[str], ActionCheckResult]:
    result = check_actions([item], review_date=REVIEW, **kwargs)
    return {f.code for f in result.actions[0].findings}, result


# --- the seed's actions, rebuilt -------------------------------------------------------------------


def seed_actions() -> list[ActionItem]:
    return [
        ActionItem(
            action="激活路径优化:首登导引、模板库、一键邀请",
            owner="产品/前端/运营",
            priority="P0",
            addresses="激活率偏低",
            success_metric="激活率 +8~12pp,首周 WAU +10%",
        ),
        ActionItem(
            action="加强测试",
            owner="测试",
            due=dt.date(2025, 7, 1),
            priority="P1",
            addresses="P2 缺陷状态不明",
            success_metric="质量更好",
        ),
        ActionItem(
            action="上线评论线程化回复与引用",
            owner="前端",
            due=dt.date(2025, 6, 28),
            priority="P1",
            addresses="评论使用占比低",
            success_metric="评论占比提升到 ≥22%",
            status="done",
        ),
        ActionItem(
            action="统一 KPI 口径,把 DAU 峰值改为 7/30 日均值追踪,T+30 内完成",
            owner="数据组牵头,产品配合",
            priority="P2",
            addresses="DAU 只有峰值",
            success_metric="口径文档发布,试验决策周期 -30%",
        ),
        ActionItem(
            action="设立移动端数据阈值再决定是否做原生 App",
            owner="产品",
            due=dt.date(2025, 5, 20),
            priority="P2",
            addresses="D30 留存偏低",
            success_metric="移动访问占比 ≥ 25%",
        ),
    ]


def test_seed_actions() -> None:
    result = check_actions(seed_actions(), review_date=REVIEW, problems=PROBLEMS)
    found = [{f.code for f in check.findings} for check in result.actions]
    assert {"noun_first", "multiple_owners", "missing_due"} <= found[0]
    assert {"vague_verb", "metric_not_measurable", "addresses_unmatched"} <= found[1]
    assert found[2] == {"done_without_evidence"}
    assert found[3] == {"missing_due", "relative_due"}
    assert found[4] == {"due_not_after_review", "overdue"}  # open, due before the review: late as of it
    assert result.actions[3].suggested_due == dt.date(2025, 6, 30)
    assert result.actions[3].matched_addresses == PROBLEMS[3]
    assert [check.score for check in result.actions] == [2, 2, 5, 4, 4]
    assert result.counts.with_errors == 2
    assert result.counts.complete == 0
    assert [(g.field, g.path) for g in result.data_gaps] == [
        ("due", "actions[0].due"),
        ("due", "actions[3].due"),
    ]


def test_multiple_owners_message_asks_for_one_accountable_owner() -> None:
    codes, result = one(action(owner="产品/前端/运营"))
    assert codes == {"multiple_owners"}
    finding = result.actions[0].findings[0]
    assert finding.path == "actions[0].owner" and finding.severity == "warning"
    assert "产品、前端、运营" in finding.message and "一位负责人" in finding.message
    _, english = one(action(owner="产品/前端/运营"), language="en")
    assert "one accountable owner" in english.actions[0].findings[0].message


def test_good_action_passes_everything() -> None:
    codes, result = one(action(), problems=PROBLEMS)
    check = result.actions[0]
    assert codes == set()
    assert check.score == 5
    assert check.checklist.model_dump() == dict.fromkeys(("verb", "owner", "due", "metric", "addresses"), True)
    assert check.matched_addresses == PROBLEMS[1]
    assert result.counts.complete == 1 and result.data_gaps == []


def test_good_english_action_passes() -> None:
    item = action(
        action="Add a contract test for the refund path",
        owner="Alice",
        addresses="refund bug reached production",
        success_metric="refund path covered; zero refund incidents in Q3",
    )
    codes, _ = one(item, language="en")
    assert codes == set()


# --- single checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["加强测试", "注意上线质量", "Improve testing", "Ensure the dashboard is right"])
def test_vague_verbs(text: str) -> None:
    codes, result = one(action(action=text))
    assert "vague_verb" in codes
    assert result.actions[0].checklist.verb is False


def test_vague_verb_inside_a_concrete_action_is_a_warning_but_the_verb_passes() -> None:
    codes, result = one(action(action="上线监控大盘并加强值守"))
    assert "vague_verb" in codes
    assert result.actions[0].checklist.verb is True


@pytest.mark.parametrize(
    ("text", "ok", "code"),
    [
        ("建立TOP素材库与停投阈值", True, None),
        ("在6月底前上线监控大盘", True, None),
        ("数据组牵头统一新客判定标准", True, None),
        ("每周复盘一次盘点差异", True, None),
        ("将数据可得性纳入立项验收项", True, None),
        ("1. 删除过期券模板", True, None),
        ("激活路径优化", False, "noun_first"),
        ("跨项目汇总视图", False, "noun_first"),
        ("权限细粒度V1", False, "noun_first"),
        ("关于监控的改进", False, "filler_start"),
        ("Ship the alerting runbook", True, None),
        ("To publish the FAQ", True, None),
        ("The dashboard for managers", False, "filler_start"),
        ("Migration of the order database", False, "noun_first"),
    ],
)
def test_starts_with_verb(text: str, ok: bool, code: str | None) -> None:
    verdict = starts_with_verb(text)
    assert (verdict.ok, verdict.code) == (ok, code)


@pytest.mark.parametrize(
    ("owner", "expected"),
    [
        ("产品/前端/运营", ["产品", "前端", "运营"]),
        ("后端、架构", ["后端", "架构"]),
        ("Alice, Bob", ["Alice", "Bob"]),
        ("Alice and Bob", ["Alice", "Bob"]),
        ("市场与品牌", ["市场", "品牌"]),
        ("王和平", ["王和平"]),
        ("数据组牵头,市场/电商/私域配合", ["数据组"]),
        ("Alice (lead), Bob", ["Alice"]),
        ("HR/培训负责人+业务线负责人", ["HR", "培训负责人", "业务线负责人"]),
        ("信息部运维负责人", ["信息部运维负责人"]),
        ("Trust & Safety", ["Trust & Safety"]),
        ("Research and Development", ["Research and Development"]),
        ("Security AND Compliance", ["Security AND Compliance"]),
        ("Trust & Safety, Legal", ["Trust & Safety", "Legal"]),
        ("R&D/测试", ["R&D", "测试"]),
        ("产品与技术部", ["产品与技术部"]),
        ("研发与测试中心牵头，运维配合", ["研发与测试中心"]),
        ("市场部和销售部", ["市场部", "销售部"]),
        ("TBD", []),
        ("待定", []),
        (None, []),
    ],
)
def test_owners(owner: str | None, expected: list[str]) -> None:
    assert owners(owner) == expected


def test_missing_owner_is_a_data_gap() -> None:
    codes, result = one(action(owner=None))
    assert codes == {"missing_owner"}
    assert [(g.field, g.path) for g in result.data_gaps] == [("owner", "actions[0].owner")]


@pytest.mark.parametrize(("due", "late"), [(dt.date(2025, 5, 1), {"overdue"}), (REVIEW, set())])
def test_due_at_or_before_the_review_is_an_error(due: dt.date, late: set[str]) -> None:
    codes, result = one(action(due=due))
    assert codes == {"due_not_after_review"} | late  # before the review date it is also overdue as of it
    assert result.actions[0].findings[0].severity == "error"
    assert result.actions[0].checklist.due is False


def test_done_action_may_be_due_before_the_review() -> None:
    codes, result = one(action(due=dt.date(2025, 5, 1), status="done", evidence="验收记录 #42"))
    assert codes == set()
    assert result.actions[0].checklist.due is True


@pytest.mark.parametrize(
    ("text", "phrase", "date"),
    [
        ("T+30内完成口径统一", "T+30", dt.date(2025, 6, 30)),
        ("4-6周内交付激活引导", "4-6周内", dt.date(2025, 7, 12)),
        ("3~4周内上线通知中心", "3~4周内", dt.date(2025, 6, 28)),
        ("2个月内完成迁移", "2个月内", dt.date(2025, 7, 31)),
        ("Ship it within 2 weeks", "within 2 weeks", dt.date(2025, 6, 14)),
        ("下周上线灰度", "下周", None),
        ("下次大促T-21起执行", "T-21", None),
    ],
)
def test_relative_due_phrases(text: str, phrase: str, date: dt.date | None) -> None:
    assert relative_due(text, REVIEW) == (phrase, date)
    codes, result = one(action(action=text, due=None))
    assert {"missing_due", "relative_due"} <= codes
    assert result.actions[0].suggested_due == date
    hint = next(f for f in result.actions[0].findings if f.code == "relative_due")
    assert hint.severity == "info" and phrase in hint.message
    assert (date.isoformat() in hint.message) if date else ("推算" not in hint.message)


def test_missing_priority_is_info() -> None:
    codes, result = one(action(priority=None))
    assert codes == {"missing_priority"}
    assert result.actions[0].findings[0].severity == "info"
    assert result.actions[0].score == 5


@pytest.mark.parametrize("metric", ["更稳定", "质量更好", "better quality"])
def test_unmeasurable_metrics(metric: str) -> None:
    codes, _ = one(action(success_metric=metric))
    assert codes == {"metric_not_measurable"}


@pytest.mark.parametrize(
    "metric",
    ["≥25%", "P2 超 SLA 事件<10%", "零漏报", "到 2025-09-30 前全量", "翻倍", "zero incidents", "三次演练"],
)
def test_measurable_metrics(metric: str) -> None:
    assert is_measurable(metric)


def test_missing_metric() -> None:
    codes, _ = one(action(success_metric=None))
    assert codes == {"missing_metric"}


def test_addresses_fuzzy_match_and_mismatch() -> None:
    _, matched = one(action(addresses="D30留存偏低"), problems=PROBLEMS)
    assert matched.actions[0].matched_addresses == PROBLEMS[2]
    codes, unmatched = one(action(addresses="供应商交付延迟"), root_causes=PROBLEMS)
    assert codes == {"addresses_unmatched"}
    assert unmatched.actions[0].checklist.addresses is False
    codes, _ = one(action(addresses=None))
    assert codes == {"missing_addresses"}


def test_status_rules() -> None:
    codes, result = one(action(status="done"))
    assert codes == {"done_without_evidence"}
    assert result.actions[0].findings[0].severity == "error"
    assert one(action(status="done", evidence="https://example.com/pr/1"))[0] == set()
    codes, _ = one(action(status="wont_do", owner=None, success_metric=None))
    assert codes == {"wont_do_without_reason"}
    assert one(action(status="wont_do", status_reason="被PWA方案替代"))[0] == set()


def test_overdue() -> None:
    item = action(due=dt.date(2025, 6, 10))
    assert is_overdue(item, dt.date(2025, 6, 11))
    assert not is_overdue(item, dt.date(2025, 6, 10))
    assert not is_overdue(action(due=dt.date(2025, 6, 10), status="done", evidence="x"), dt.date(2025, 7, 1))
    assert not is_overdue(action(due=None), dt.date(2030, 1, 1))
    result = check_actions([item], review_date=REVIEW, as_of=dt.date(2025, 6, 20))
    assert result.actions[0].overdue is True
    assert result.actions[0].days_overdue == 10  # 2025-06-10 -> 06-20
    assert result.counts.overdue == 1
    assert "overdue" in {f.code for f in result.actions[0].findings}
    assert result.as_of is not None and (result.as_of.date, result.as_of.source) == (dt.date(2025, 6, 20), "given")


PAST_REVIEW = dt.date(2024, 6, 30)


def test_overdue_is_counted_as_of_the_review_date_not_the_clock() -> None:
    late = action(due=dt.date(2024, 6, 15))
    soon = action(due=dt.date(2024, 7, 2), action="上线通知中心第二期")
    done = action(due=dt.date(2024, 6, 1), status="done", evidence="验收记录 #7", action="统一口径")
    for today in (dt.date(2024, 7, 1), dt.date(2031, 1, 1), None):
        result = check_actions([late, soon, done], review_date=PAST_REVIEW, today=today)
        assert [c.overdue for c in result.actions] == [True, False, False]
        assert [c.days_overdue for c in result.actions] == [15, 0, None]  # 06-15 -> 06-30 is 15 days
        assert result.counts.overdue == 1
        assert result.as_of is not None and result.as_of.source == "review_date"
        assert result.as_of.date == PAST_REVIEW
    overdue = next(f for f in result.actions[0].findings if f.code == "overdue")
    assert overdue.message == "已逾期 15 天：截止 2024-06-15，截至复盘日期 2024-06-30 仍未完成。"
    assert overdue.path == "actions[0].due"
    assert "逾期天数按复盘日期 2024-06-30 计算" in actions_text(result, [late, soon, done])
    en = check_actions([late], review_date=PAST_REVIEW, language="en")
    found = next(f for f in en.actions[0].findings if f.code == "overdue")
    assert found.message == "Overdue by 15 days: due 2024-06-15, still not done as of the review date, 2024-06-30."
    one_day = check_actions([action(due=dt.date(2024, 6, 29))], review_date=PAST_REVIEW, language="en")
    assert "Overdue by 1 day:" in next(f.message for f in one_day.actions[0].findings if f.code == "overdue")


def test_today_is_only_the_fallback_for_a_review_without_a_date() -> None:
    item = action(due=dt.date(2024, 6, 15))
    result = check_actions([item], today=dt.date(2024, 7, 5))
    assert result.actions[0].days_overdue == 20  # 06-15 -> 07-05
    assert result.as_of is not None and result.as_of.source == "today"
    assert "今天（复盘没有日期）" in next(f.message for f in result.actions[0].findings if f.code == "overdue")
    blind = check_actions([item])
    assert blind.as_of is None and blind.actions[0].overdue is None and blind.actions[0].days_overdue is None
    assert "overdue" not in {f.code for f in blind.actions[0].findings}


def test_duplicates() -> None:
    result = check_actions([action(id="A1"), action(id="A1"), action(action="上线聚合通知中心 ")], review_date=REVIEW)
    assert [(f.code, f.path) for f in result.findings] == [
        ("duplicate_action", "actions[1]"),
        ("duplicate_id", "actions[1].id"),
    ]
    assert result.counts.with_errors == 1


def test_tool_text_tables_are_localized() -> None:
    items = seed_actions()
    zh = actions_text(check_actions(items, review_date=REVIEW), items)
    en = actions_text(check_actions(items, review_date=REVIEW, language="en"), items)
    assert "| # | 行动 | 负责人 | 截止 | 优先级 | 状态 |" in zh and "多个负责人" in zh and "待补充" in zh
    assert "| # | Action | Owner | Due | Priority | Status |" in en and "several owners" in en and "not provided" in en
    assert zh.count("\n| ") == len(items) + 1  # header and one row per action
    assert "状态：未开始 4 项、已完成 1 项。" in zh  # the seed: one action is done
    assert "还没有改进行动" in actions_text(check_actions([], review_date=REVIEW), [])


def test_no_review_date_skips_the_date_order_check() -> None:
    result = check_actions([action(due=dt.date(2020, 1, 1))])
    assert result.actions[0].checklist.due is True


def test_too_many_actions() -> None:
    with pytest.raises(InputError) as error:
        check_actions([action()] * 5_001)
    assert error.value.field == "actions"


def test_results_serialize_and_have_schemas() -> None:
    result = check_actions(seed_actions(), review_date=REVIEW, problems=PROBLEMS)
    assert ActionCheckResult.model_validate(result.model_dump(mode="json")) == result
    assert "actions" in ActionCheckResult.model_json_schema()["properties"]
    assert "risks" in RiskCheckResult.model_json_schema()["properties"]


def test_five_thousand_actions_are_all_checked() -> None:
    # Speed is measured in benchmarks/bench_core.py; this checks the result at the size limit.
    count = 5_000
    templates = seed_actions()
    items = [
        templates[i % len(templates)].model_copy(update={"action": f"{templates[i % len(templates)].action} #{i}"})
        for i in range(count)
    ]
    result = check_actions(items, review_date=REVIEW, problems=PROBLEMS)
    seed = check_actions(templates, review_date=REVIEW, problems=PROBLEMS).actions
    assert len(result.actions) == count
    assert [check.score for check in result.actions] == [seed[i % len(seed)].score for i in range(count)]
    assert [{f.code for f in check.findings} for check in result.actions] == [
        {f.code for f in seed[i % len(seed)].findings} for i in range(count)
    ]


# --- risks ---------------------------------------------------------------------------------------------


def risk(**fields: Any) -> Risk:
    base: dict[str, Any] = {
        "risk": "接口失败导致订单积压",
        "indicator": "接口成功率(15 分钟滚动)",
        "yellow_threshold": "<99.5%",
        "red_threshold": "<99.0%",
        "response": "自动通知值班并切换重试队列",
        "owner": "信息部运维负责人",
    }
    return Risk(**{**base, **fields})


def risk_codes(item: Risk, language: str = "zh") -> set[str]:
    return {f.code for f in check_risks([item], language=language).risks[0].findings}  # type: ignore[arg-type]


def test_good_risk() -> None:
    result = check_risks([risk()])
    assert result.risks[0].complete and result.risks[0].findings == []
    assert result.risks[0].yellow is not None and result.risks[0].yellow.direction == "below"
    assert result.counts.complete == 1


@pytest.mark.parametrize(
    ("yellow", "red"),
    [("<99.0%", "<99.5%"), ("可用性<99.7%/日", "可用性<99.9%/日"), (">60分钟", ">30分钟"), (">1h", ">30min")],
)
def test_reversed_thresholds(yellow: str, red: str) -> None:
    result = check_risks([risk(yellow_threshold=yellow, red_threshold=red)])
    finding = result.risks[0].findings[0]
    assert (finding.code, finding.severity) == ("thresholds_reversed", "error")
    assert red in finding.message and yellow in finding.message
    assert not result.risks[0].complete


@pytest.mark.parametrize(
    ("yellow", "red", "codes"),
    [
        ("连续15分钟<99.5%", "<99.0%", set()),
        (">30分钟", ">1h", set()),
        ("99.5%", "<99%", set()),  # a bare number takes the other's direction
        ("99%以下", "98%以下", set()),
        ("<99.5%", "<99.5%", {"thresholds_equal"}),
        ("<99.5%", ">99.9%", {"thresholds_conflict"}),
        ("<99.5%", "<3元", {"threshold_units_differ"}),
        ("明显下降", "<99%", {"threshold_unparsed"}),
    ],
)
def test_threshold_pairs(yellow: str, red: str, codes: set[str]) -> None:
    assert risk_codes(risk(yellow_threshold=yellow, red_threshold=red)) == codes


def test_incomplete_risk() -> None:
    result = check_risks([Risk(risk="移动端投入过大", response="先做 PWA 验证", owner="产品/前端")])
    codes = {f.code for f in result.risks[0].findings}
    assert codes == {
        "missing_indicator",
        "missing_yellow_threshold",
        "missing_red_threshold",
        "multiple_owners",
    }
    assert {g.field for g in result.data_gaps} == {"yellow_threshold", "red_threshold"}
    assert "待补充" in risks_text(result, [Risk(risk="移动端投入过大", response="先做 PWA 验证", owner="产品/前端")])
    lone = [Risk(risk="x")]
    assert "no yellow" in risks_text(check_risks(lone, language="en"), lone)


@pytest.mark.parametrize(
    ("text", "direction", "value", "unit"),
    [
        ("<99.5%", "below", 99.5, "%"),
        ("接口成功率连续15分钟<99.5%", "below", 99.5, "%"),
        ("积压>30分钟", "above", 30.0, "min"),
        ("≥3家门店离线", "above", 3.0, None),
        ("不低于 2 小时", "above", 2.0, "h"),
        ("99%以下", "below", 99.0, "%"),
        ("at most 2 hours", "below", 2.0, "h"),
        ("3.5", None, 3.5, None),
    ],
)
def test_parse_threshold(text: str, direction: str | None, value: float, unit: str | None) -> None:
    parsed = parse_threshold(text)
    assert parsed is not None
    assert (parsed.direction, parsed.value, parsed.unit) == (direction, value, unit)


def test_parse_threshold_without_a_number() -> None:
    assert parse_threshold("明显下降") is None


@pytest.mark.parametrize(
    ("action", "target"),
    [
        ("Add rate limit on login endpoint to 10 req/s per IP", "to 10 req/s"),
        ("Reduce MTTR to 4 hours", "to 4 hours"),
        ("Raise the disk quota to 500 GB", "to 500 GB"),
        ("Cut p99 to 200 ms", "to 200 ms"),
        ("将P99降到200ms以下", "降到200ms以下"),
        ("Migrate to 2 regions", None),
        ("Add a check to the deploy script", None),
    ],
)
def test_a_target_written_in_the_action(action: str, target: str | None) -> None:
    """An action that states its own measurable result counts as measured (said so in the finding)."""
    assert action_target(action) == target


@pytest.mark.parametrize(
    ("written", "level"),
    [
        ("Likely", "high"),
        ("almost certain", "high"),
        ("Possible", "medium"),
        ("unlikely", "low"),
        ("Rare", "low"),
        ("Major", "high"),
        ("catastrophic", "high"),
        ("negligible", "low"),
        ("很可能", "high"),
        ("不太可能", "low"),
        ("可能", "medium"),
    ],
)
def test_a_risk_matrix_word_folds_into_three_levels(written: str, level: str) -> None:
    """The five-step words of a likelihood / impact matrix, as registers write them, read as low/medium/high."""
    from fupan_mcp.domain.actions import risk_level

    assert risk_level(written) == level


def test_a_word_given_only_as_the_written_form_is_read() -> None:
    """A caller that puts the word in ``status_text`` / ``likelihood_text`` (the written form the server
    keeps) and leaves the field out gets it read, as if given in the field: '已完成' is done, 'Possible'
    medium. A word that reads as nothing stays unread, kept as written; a field given wins over its text."""
    assert ActionItem.model_validate({"action": "补齐告警", "status_text": "已完成"}).status == "done"
    stuck = ActionItem.model_validate({"action": "补齐告警", "status_text": "卡住了"})
    assert (stuck.status, stuck.status_text) == ("open", "卡住了")
    risk = Risk.model_validate({"risk": "支付通道中断", "likelihood_text": "Possible", "impact_text": "高"})
    assert (risk.likelihood, risk.impact, risk.likelihood_text, risk.impact_text) == ("medium", "high", None, None)
    given = Risk.model_validate({"risk": "r", "likelihood": "low", "likelihood_text": "Possible"})
    assert given.likelihood == "low"


def test_fields_under_trackers_names_are_read() -> None:
    """{'task', 'assignee', 'deadline'} as trackers name them were refused as unknown fields."""
    item = ActionItem.model_validate({"task": "补齐压测脚本", "assignee": "张伟", "deadline": "2024-12-01"})
    assert (item.action, item.owner, item.due) == ("补齐压测脚本", "张伟", dt.date(2024, 12, 1))
    titled = ActionItem.model_validate({"title": "Add a canary stage", "due_date": "2025年1月3日"})
    assert (titled.action, titled.due, titled.due_text) == ("Add a canary stage", dt.date(2025, 1, 3), "2025年1月3日")
    with pytest.raises(ValidationError):  # both names: the alias is named as unknown, nothing is chosen
        ActionItem.model_validate({"task": "x", "action": "y"})
    risk = Risk.model_validate({"risk": "支付通道故障", "mitigation": "切换备用通道", "probability": "高"})
    assert (risk.response, risk.likelihood) == ("切换备用通道", "high")
    rag = Risk.model_validate({"risk": "CDN 费用超支", "kri": "日 CDN 费用", "amber": "> $2k/day", "red": "> $3k/day"})
    assert (rag.indicator, rag.yellow_threshold, rag.red_threshold) == ("日 CDN 费用", "> $2k/day", "> $3k/day")
    with pytest.raises(ValidationError):  # both names: refused by name
        Risk.model_validate({"risk": "x", "yellow": "> 1", "yellow_threshold": "> 2"})


@pytest.mark.parametrize(
    ("owner", "named"),
    [
        ("支付组 王磊", ["支付组 王磊"]),
        ("王磊 支付组", ["王磊 支付组"]),
        ("运维部 张三", ["运维部 张三"]),
        ("张三 李四", ["张三", "李四"]),
        ("数据组 市场部", ["数据组", "市场部"]),
    ],
)
def test_a_person_written_with_their_team_is_one_owner(owner: str, named: list[str]) -> None:
    """'支付组 王磊' in a risk register was 'several owners'; two people or two teams still are."""
    assert owners(owner) == named
