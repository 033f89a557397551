"""Action items and risks: are they checkable? (methods.md §7)

An action passes five checks, its SMART score is how many pass:

- **verb** — it starts with a concrete verb. A heuristic, not a parser:
  zh: after list markers and leading time, actor or adverb phrases ("在6月底前", "数据组牵头",
  "每周") are stripped, the text must not open with a filler (关于/针对/对于...) or a vague verb
  (加强/注意...); it passes when it opens with a known action verb; it fails as a noun-first title
  when its first clause ends in a nominalised verb or a noun of kind ("激活路径优化", "移动端策略",
  "权限细粒度V1"); anything else gets the benefit of the doubt.
  en: the first word (after markers, "to", and a few adverbs) must not be a vague verb, a
  determiner, pronoun or preposition; it passes when it is a known verb; a word with a noun suffix
  (-tion, -ment, -ness, -ity...) fails; anything else gets the benefit of the doubt.
- **owner** — exactly one accountable owner. "产品/前端/运营", "A, B", "A and B", "张三 李四", "@a @b" are
  several; a lead marked "X牵头, Y配合", "X (lead), Y", "Y, X (lead)" or "X（主）、Y" counts as one; a label
  ("负责人：张三", "Owner: Alice") is not part of the name; "R&D" is one; "TBD", "待确认", "—" are none.
- **due** — an absolute date after the review date (for open and in-progress actions). Forms as people
  write them are read (`domain.actions.due_form`: "end of Q3", "2024-07", "7月", "6.30", "30/06/2024",
  "Jun-30", "mid-July"); "持续"/"ongoing" and "next sprint"/"Sprint 24" are reported as such, never as
  unreadable; "7月前" and "03/06/2024" are not guessed. A year-less due before the review is read in the
  next year when that lands within nine months (said so, ``due_year_assumed``), else the year is asked
  for (``due_year_unclear``) and no overdue is stated from it.
- **metric** — ``success_metric`` holds a number, a comparator, a percentage or a date; without one, a
  target written in the action itself ("将P99降到200ms以下", "cut p99 to 200 ms") counts, said so.
- **addresses** — names the problem or root cause; matched by character-bigram overlap when the
  known problems / root causes are given.

Other findings: vague verbs anywhere, a missing priority, relative due phrases ("T+30", "4-6周内",
"下周") with the date they imply, done without evidence, won't-do without a reason, duplicates,
overdue as of the reference date: the review date, or an explicit ``as_of``, or ``today`` as
the fallback when there is no review date (`fupan_mcp.domain.asof`).

A risk needs an indicator, a yellow and a red threshold (red beyond yellow when both parse), a
response and one owner. A likelihood or impact that reads as no level ("3", "Likely") is reported for
that risk (``level_unread``), never converted to a guessed level.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, NamedTuple

from fupan_mcp.analysis.lexicon import VAGUE_VERBS, vague_verbs
from fupan_mcp.domain.actions import (
    ActionCheck,
    ActionChecklist,
    ActionCheckResult,
    ActionCounts,
    ActionItem,
    CauseCoverage,
    Risk,
    RiskCheck,
    RiskCheckResult,
    RiskCounts,
    RootCauseCoverage,
    Threshold,
    due_form,
    is_ongoing,
    is_sprint_relative,
    read_due,
)
from fupan_mcp.domain.asof import AsOf, days_overdue, reference_date
from fupan_mcp.domain.common import DataGap, Finding, Language, Severity
from fupan_mcp.domain.items import ItemError, kept_positions
from fupan_mcp.domain.numbers import UNIT_ALIASES, canonical_unit, convert, normalize
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import join_list, tr
from fupan_mcp.limits import MAX_ACTIONS

__all__ = [
    "check_actions",
    "check_risks",
    "is_measurable",
    "is_overdue",
    "is_ticket",
    "owners",
    "parse_threshold",
    "people_fix_findings",
    "people_fixes",
    "relative_due",
    "resolve_due",
    "root_cause_coverage",
    "starts_with_verb",
    "ticket_findings",
]

_TEXT = {
    # action findings
    "no_verb": {
        "zh": "没有以动词开头。建议以具体动作开头，例如“上线……”“建立……”“删除……”。",
        "en": 'Does not start with a verb. Start with the concrete action, e.g. "Ship…", "Add…", "Remove…".',
    },
    "filler_start": {
        "zh": "以“{word}”开头，读起来像议题而不是行动。建议直接写要做的动作。",
        "en": 'Starts with "{word}", which reads like a topic, not an action. Lead with the verb.',
    },
    "noun_first": {
        "zh": "“{clause}”是名词性标题，不是行动。建议把动作放在前面，例如“优化激活路径”而不是“激活路径优化”。",
        "en": '"{clause}" is a noun-phrase title, not an action. Put the verb first, e.g. "Redesign the '
        'onboarding flow" rather than "Onboarding flow redesign".',
    },
    "vague_verb": {
        "zh": "含有空泛动词“{words}”，无法检查是否完成。建议换成可验证的具体动作。",
        "en": 'Uses vague verbs ("{words}") that cannot be checked. Replace them with a concrete, verifiable step.',
    },
    "missing_owner": {
        "zh": "没有负责人。请指定一位对结果负责的人或角色。",
        "en": "No owner. Name one person or role accountable for the result.",
    },
    "multiple_owners": {
        "zh": "有 {n} 个负责人（{owners}）。一项行动只应有一位负责人（RACI 中的 A），其他人可作为执行或协作方。",
        "en": "{n} owners ({owners}). An action needs one accountable owner (the A in RACI); others can be "
        "responsible or consulted.",
    },
    "missing_due": {
        "zh": "没有截止日期。请给出具体日期（YYYY-MM-DD）。",
        "en": "No due date. Give an absolute date (YYYY-MM-DD).",
    },
    "due_unreadable": {
        "zh": "截止日期“{text}”无法识别为日期。请写成 2025-07-03、2025年7月3日、7月3日、T+30、4周内、下周五或月底前。",
        "en": 'The due date "{text}" cannot be read as a date. Write 2025-07-03, July 3, T+30, in 4 weeks, next '
        "Friday or end of month.",
    },
    "due_vague": {
        "zh": "截止日期“{text}”不是具体日期。请给出日期，例如 2025-07-03、T+30 或 4周内。",
        "en": 'The due date "{text}" is not a date. Give one, e.g. 2025-07-03, T+30 or in 4 weeks.',
    },
    "due_needs_review_date": {
        "zh": "截止日期“{text}”是相对日期，需要复盘日期才能换算。请传入 review_date（YYYY-MM-DD）。",
        "en": 'The due date "{text}" is relative and needs the review date to be resolved. Pass review_date '
        "(YYYY-MM-DD).",
    },
    "due_invalid_date": {
        "zh": "截止日期“{text}”不是日历上存在的日期。",
        "en": 'The due date "{text}" is not a day on the calendar.',
    },
    "due_ongoing": {
        "zh": "截止日期写的是“{text}”：这是持续进行的事项，没有截止日期，无法判断是否逾期。请给出首次完成或检查的日期"
        "（例如第一次复查日），或拆出一个有截止日期的具体动作。",
        "en": 'The due date says "{text}": an ongoing activity has no due date, so it cannot be overdue or done. '
        "Give the date of its first delivery or check-point, or split out a concrete step with a date.",
    },
    "due_sprint": {
        "zh": "截止日期“{text}”取决于团队的迭代日历，这里无法换算成日期。请写出迭代结束的日期。",
        "en": 'The due date "{text}" depends on the team\'s sprint calendar, which is not known here. Give the '
        "date the sprint ends.",
    },
    "due_year_unclear": {
        "zh": "截止日期“{text}”没有写年份：按复盘年份读作 {due}，不晚于复盘日期 {review}。"
        "请写明年份，以确认是已过期还是指下一年。",
        "en": 'The due date "{text}" has no year: in the review\'s year it is {due}, not after the review date '
        "{review}. Give the year to tell whether it is past or meant for the next year.",
    },
    "due_year_assumed": {
        "zh": "截止日期“{text}”没有写年份；按复盘日期所在年份会早于复盘，因此读作下一年的 {due}。如不是，请写明年份。",
        "en": 'The due date "{text}" has no year; in the review\'s year it would fall before the review, so it is '
        "read as {due} in the next year. If that is wrong, give the year.",
    },
    "due_not_after_review": {
        "zh": "截止日期 {due} 不晚于复盘日期 {review}。未完成的行动应在复盘之后到期。",
        "en": "Due date {due} is not after the review date {review}. An open action must fall due after the review.",
    },
    "relative_due": {
        "zh": "行动中写了相对时间“{phrase}”，请换成具体日期{suggestion}。",
        "en": 'The action gives a relative time ("{phrase}"); convert it to a date{suggestion}.',
    },
    "relative_due.suggestion": {"zh": "（按复盘日期推算为 {date}）", "en": " (from the review date: {date})"},
    "missing_priority": {
        "zh": "没有优先级。请标注 P0–P3。",
        "en": "No priority. Set one of P0–P3.",
    },
    "missing_addresses": {
        "zh": "没有写明对应的问题或根因。请说明这项行动解决哪个问题。",
        "en": "Does not say which problem or root cause it answers.",
    },
    "addresses_unmatched": {
        "zh": "对应的问题“{addresses}”与已列出的问题或根因都不匹配{closest}。",
        "en": 'The problem it answers ("{addresses}") matches none of the listed problems or root causes{closest}.',
    },
    "addresses_unmatched.closest": {"zh": "，最接近的是“{text}”", "en": '; the closest is "{text}"'},
    "missing_metric": {
        "zh": "没有可衡量的结果。请写明完成标准或指标，例如“激活率 ≥ 40%”。",
        "en": 'No measurable result. Add a definition of done or a metric, e.g. "activation rate ≥ 40%".',
    },
    "metric_in_action": {
        "zh": "没有单独的完成标准，按行动中写明的目标“{target}”判断为可衡量。",
        "en": 'No separate success metric; the target written in the action ("{target}") is taken as the measure.',
    },
    "metric_not_measurable": {
        "zh": "结果“{metric}”不含数字、比较符、百分比或日期，难以验证。",
        "en": 'The result "{metric}" has no number, comparator, percentage or date, so it cannot be verified.',
    },
    "done_without_evidence": {
        "zh": "状态为已完成，但没有完成证据（链接、数据或验收记录）。",
        "en": "Marked done without evidence (a link, a figure or an acceptance record).",
    },
    "done_ticket_only": {
        "zh": "状态为已完成，证据只有工单“{ticket}”。"
        "请补充完成证据（上线链接、数据或验收记录），或确认工单中有验收记录。",
        "en": 'Marked done with only the ticket "{ticket}" as proof. Add the evidence (a link, a figure or an '
        "acceptance record), or confirm the ticket holds it.",
    },
    "wont_do_without_reason": {
        "zh": "状态为不做，但没有说明原因。",
        "en": "Marked won't do without a reason.",
    },
    "overdue": {
        "zh": "已逾期 {days}：截止 {due}，截至{basis} {as_of} 仍未完成。",
        "en": "Overdue by {days}: due {due}, still not done as of {basis}, {as_of}.",
    },
    "days.one": {"zh": "{n} 天", "en": "{n} day"},
    "days.other": {"zh": "{n} 天", "en": "{n} days"},
    "as_of.given": {"zh": "指定日期", "en": "the given date"},
    "as_of.review_date": {"zh": "复盘日期", "en": "the review date"},
    "as_of.today": {"zh": "今天（复盘没有日期）", "en": "today (the review has no date)"},
    "md.as_of": {"zh": "逾期按{basis} {as_of} 计算。", "en": "Overdue is counted as of {basis}, {as_of}."},
    "duplicate_action": {
        "zh": "与第 {other} 项行动重复。",
        "en": "Duplicates action #{other}.",
    },
    "duplicate_id": {
        "zh": "编号“{id}”与第 {other} 项重复。",
        "en": 'Id "{id}" is also used by action #{other}.',
    },
    "people_fix": {
        "zh": "“{phrase}”是针对人的要求，不是系统上的改进，带有指责意味，也无法防止再次发生。建议改成对系统的改变："
        "自动化检查、护栏、告警、默认值或清单步骤，例如“在发布流水线中加入……校验，未通过则阻止发布”。",
        "en": '"{phrase}" asks people to try harder: it reads as blame and does not stop a recurrence. Rewrite it '
        "as a change to the system: an automated check, a guard-rail, an alert, a safe default or a checklist "
        'step, e.g. "Add a pre-deploy check that blocks the release when …".',
    },
    "metric_is_ticket": {
        "zh": "结果“{metric}”是工单编号或链接，不是可衡量的结果。工单请写在 ticket 中，这里写完成标准。",
        "en": 'The result "{metric}" is a ticket, not a measurable result. Put it in `ticket` and state the '
        "definition of done here.",
    },
    "root_cause_unanswered": {
        "zh": "根因“{cause}”没有对应的行动：没有哪项行动写明针对它。",
        "en": 'No action answers the root cause "{cause}": none says it addresses it.',
    },
    "no_prevent_action": {
        "zh": "根因“{cause}”只有{kinds}类行动，没有预防（prevent）类行动：同样的问题可能再次发生。",
        "en": 'The root cause "{cause}" has only {kinds} actions and no `prevent` action: it may happen again.',
    },
    "no_kind": {"zh": "未分类", "en": "untyped"},
    "missing_ticket": {
        "zh": "没有工单（ticket）：故障复盘的行动应在工单系统中跟踪到关闭。",
        "en": "No ticket: a postmortem action is tracked to closure in the team's tracker.",
    },
    "gap.owner": {"zh": "请补充这项行动的负责人。", "en": "Supply the owner of this action."},
    "gap.due": {"zh": "请补充这项行动的截止日期。", "en": "Supply the due date of this action."},
    # risk findings
    "missing_indicator": {
        "zh": "没有监测指标。请写明观察哪个信号。",
        "en": "No indicator. Say which signal is watched.",
    },
    "missing_yellow_threshold": {
        "zh": "没有黄色（预警）阈值。",
        "en": "No yellow (warning) threshold.",
    },
    "missing_red_threshold": {
        "zh": "没有红色（告警）阈值。",
        "en": "No red (alarm) threshold.",
    },
    "missing_action": {
        "zh": "行动内容为空，这一条未检查。请写明要做什么。",
        "en": "The action text is blank; this action was not checked. Say what is to be done.",
    },
    "missing_risk": {
        "zh": "风险内容为空，这一条未检查。请写明可能出什么问题。",
        "en": "The risk text is blank; this risk was not checked. Say what could go wrong.",
    },
    "missing_response": {
        "zh": "没有应对措施。请写明触发后做什么。",
        "en": "No response. Say what is done when it fires.",
    },
    "threshold_unparsed": {
        "zh": "{level}阈值“{value}”中没有可比较的数值。",
        "en": 'The {level} threshold "{value}" has no number to compare.',
    },
    "thresholds_reversed": {
        "zh": "红色阈值（{red}）比黄色阈值（{yellow}）更宽松：指标{direction}时会先触发红色。红色应比黄色更严格。",
        "en": "The red threshold ({red}) is looser than the yellow one ({yellow}): as the indicator moves "
        "{direction}, red fires first. Red must be beyond yellow.",
    },
    "thresholds_equal": {
        "zh": "红色与黄色阈值相同（{red}），没有逐级升级的空间。",
        "en": "Red and yellow thresholds are the same ({red}), so there is no escalation step.",
    },
    "thresholds_conflict": {
        "zh": "黄色阈值（{yellow}）与红色阈值（{red}）方向相反，请统一方向。",
        "en": "The yellow ({yellow}) and red ({red}) thresholds point in opposite directions.",
    },
    "threshold_units_differ": {
        "zh": "黄色与红色阈值的单位不同（{yellow_unit} / {red_unit}），无法比较。",
        "en": "The yellow and red thresholds use different units ({yellow_unit} / {red_unit}); not compared.",
    },
    "priority_unread": {
        "zh": "优先级“{value}”不是 P0–P3 之一，不做换算（高/低 各团队刻度不同），按未填写处理；"
        "请写 P0（最紧急）到 P3。",
        "en": 'The priority "{value}" is not one of P0–P3 and is not converted (teams scale high/low differently); '
        "it is treated as not given. Write P0 (most urgent) to P3.",
    },
    "status_unread": {
        "zh": "状态“{value}”无法识别（可写 open/in_progress/done/wont_do 或 未开始/进行中/已完成/不做），"
        "这一项按“未开始”检查；请改写状态。",
        "en": 'The status "{value}" is not recognised (open, in_progress, done or wont_do); this action is checked '
        "as open. Correct the status.",
    },
    "level_unread": {
        "zh": "{field}“{value}”无法读作 高/中/低：没有刻度的分值或其他写法不做换算，这一项按未填写处理。"
        "请写 高/中/低（low/medium/high）。",
        "en": 'The {field} "{value}" does not read as low, medium or high: a score without its scale or another '
        "wording is not converted, so it is left empty. Write low, medium or high (高/中/低).",
    },
    "field.likelihood": {"zh": "可能性", "en": "likelihood"},
    "field.impact": {"zh": "影响", "en": "impact"},
    "direction.below": {"zh": "下降", "en": "down"},
    "direction.above": {"zh": "上升", "en": "up"},
    "level.yellow": {"zh": "黄色", "en": "yellow"},
    "level.red": {"zh": "红色", "en": "red"},
    "gap.risk_owner": {"zh": "请补充这项风险的负责人。", "en": "Supply the owner of this risk."},
    "gap.risk_threshold": {
        "zh": "请补充这项风险的{level}阈值。",
        "en": "Supply the {level} threshold of this risk.",
    },
    "list_sep": {"zh": "、", "en": ", "},
}

MAX_RISKS = MAX_ACTIONS

# ---------------------------------------------------------------------------------------------
# Verb heuristics
# ---------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ZH_VERBS = _words(
    "建立 建设 搭建 构建 上线 发布 部署 制定 统一 设立 设置 设定 配置 "
    "优化 完成 引入 成立 编写 撰写 迁移 删除 增加 减少 降低 提升 提高 "
    "新增 推出 开发 实现 改造 重构 升级 替换 接入 打通 对接 落地 执行 "
    "开展 组织 召开 举办 安排 培训 开通 启用 停用 下线 关闭 修复 修订 "
    "修改 更新 补充 补齐 完善 梳理 整理 沉淀 输出 产出 定义 明确 确定 "
    "确认 评估 评审 审核 审查 复盘 复核 核对 校验 验证 测试 压测 演练 "
    "监控 跟踪 追踪 推进 推动 实施 试点 灰度 扩大 扩展 缩短 压缩 合并 "
    "拆分 拆解 分解 规范 标准化 固化 自动化 采购 招聘 签约 签订 谈判 调研 "
    "访谈 收集 采集 分析 设计 规划 排期 分配 指定 任命 授权 公布 通知 "
    "同步 共享 归档 备份 恢复 清理 淘汰 停止 取消 调整 切换 改为 改用 "
    "采用 引导 制作 录制 编制 起草 提交 申请 汇报 上报 绑定 纳入 加入 "
    "形成 打造 砍掉 移除 禁用 限制 限流 预留 预置 导入 导出 埋点 打点 "
    "联调 接管 交接 移交 转交 上收 下放 合规 审计 考核 认证 激励 奖励 "
    "复测 回归 回滚 重跑 重写 重做 编排 封装 抽象 解耦 拆除 扩容 缩容 "
    "降级 熔断 告警 报警 配备 增设 设 建 写 做 改 补 删 拆 测 砍 加 "
    "减 装 换 查 开 发 "
)
# Longest first, so that "设立" wins over "设"; single characters only at the very start.
_ZH_VERB_RE = re.compile("|".join(sorted(map(re.escape, _ZH_VERBS), key=len, reverse=True)))
# Verbs of two characters or more, to find the action after a leading "对/针对/为/通过 <object>".
_ZH_VERB_INSIDE = re.compile("|".join(sorted((re.escape(v) for v in _ZH_VERBS if len(v) > 1), key=len, reverse=True)))
_ZH_OBJECT_FILLERS = frozenset({"对", "对于", "针对", "为", "为了", "通过", "基于", "就"})
_ZH_FILLERS = (
    "关于",
    "对于",
    "针对",
    "有关",
    "就",
    "对",
    "为了",
    "为",
    "通过",
    "基于",
    "鉴于",
    "由于",
    "因为",
)
_ZH_FILLER_RE = re.compile("|".join(_ZH_FILLERS))
# A first clause ending like this is a title: "激活路径优化", "移动端策略", "权限细粒度V1".
_ZH_NOUN_TAIL = re.compile(
    r"(?:优化|升级|增强|改进|提升|建设|治理|管理|改造|重构|迭代|完善|规范|策略|体系|机制|方案|视图|平台|系统|能力|"
    r"流程|看板|专项|计划|工程|问题|项目|[vV]\d+(?:\.\d+)?)$",
)
_ZH_STRIP = re.compile(
    r"^(?:"
    # time: 在6月底前, T+30内, 4-6周内, 下周, 2025-07-01前, Q3
    r"(?:在|于)?(?:[tT]\s*[+-]\s*\d+|\d+\s*(?:[-~～到至]\s*\d+\s*)?(?:个?工作日|天|日|周|星期|个月|月)|下周|下个?月"
    r"|本周|本月|月底|月末|年底|年末|季度末|下季度|本季度|[qQ][1-4]|\d{1,2}月(?:底|末|中|初|\d{1,2}[日号])?"
    r"|\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2}日?)?)(?:前|之前|以前|内|以内|之内|起|底)?"
    # actor: 数据组牵头, 由PMO负责
    r"|(?:由|请)?[^,，。;；:：\s]{1,12}?(?:牵头|主导|主责|负责(?!人))"
    # adverbs and modals
    r"|立即|马上|尽快|持续|定期|逐步|全面|分批|分阶段|按周|按月|每天|每日|每周|每月|每季度|每个迭代|双周|首先|其次"
    r"|然后|同时|继续|正式|重新|集中|需要|需|必须|应该|应当|应|要|计划|拟|准备|先|再|并"
    r")[,，、\s]*",
)
_ZH_VAGUE = tuple(verb for verb in VAGUE_VERBS if not verb.isascii())
_VAGUE_LOWER = tuple(verb.lower() for verb in VAGUE_VERBS)


def _vague(text: str) -> list[str]:
    """``lexicon.vague_verbs``, skipped when no vague word occurs even as a substring (the common case)."""
    lowered = text.lower()
    return vague_verbs(text) if any(verb in lowered for verb in _VAGUE_LOWER) else []


_ZH_OBJECT_FIRST = re.compile(r"^(?:将|把)")
_MARKER = re.compile(r"^\s*(?:[-*•·]|\d+[.)、．]|[(（]?\d+[)）]|[①-⑳]|[【\[][^】\]]{0,8}[】\]])\s*")
_CLAUSE_END = re.compile(r"[,，。;；:：(（\n]")

_EN_VERBS = frozenset(
    _words(
        """
    add adopt adjust agree align allocate analyse analyze announce apply appoint approve archive assign
    attach audit automate backfill benchmark block book build bundle calculate calibrate cancel cap
    capture change check clean close collect communicate compare complete conduct configure connect
    consolidate cover create customize cut debug decide decommission define delete deliver deploy
    deprecate design detect disable distribute document double draft drop educate eliminate email
    enable enforce escalate establish estimate evaluate expand export extend fill finalise finalize fix
    formalise formalize gather halve hire hold host identify implement import increase inform install
    instrument integrate interview introduce invite label launch limit list lock log lower maintain
    mandate map mark measure merge migrate monitor move notify onboard optimise optimize organise
    organize own patch pilot plan prepare prioritise prioritize produce prototype provide publish
    purchase put raise rebuild record redesign reduce refactor refresh register release remove rename
    reorganise reorganize repair replace report reprioritize require resolve restore restructure
    retire retrain review revise rewrite roll rotate run scale schedule secure send separate set share
    ship shorten sign simplify specify split staff standardise standardize start stop streamline submit
    survey switch tag test track train unify update upgrade upload validate verify version write
    """
    )
)
# An action opening with a vague verb from the shared lexicon ("Improve…", "Make sure…") has no verb.
_EN_VAGUE_START = re.compile(
    "|".join(rf"{re.escape(verb)}\b" for verb in sorted(VAGUE_VERBS, key=len, reverse=True) if verb.isascii()),
    re.IGNORECASE,
)
_EN_FILLERS = frozenset(
    _words(
        """
    a an the this that these those our we they it he she i you there their its my your all some any more
    new regarding about re for on with of in at team everyone someone something
    """
    )
)
_EN_NOUN_SUFFIX = re.compile(r"(?:tion|sion|ment|ness|ity|ance|ence|ship|ism|ure|ogy)$")
_EN_STRIP = re.compile(
    r"^(?:to|please|immediately|quickly|first|then|also|asap|jointly|formally|continuously|regularly"
    r"|(?:by|before)\s+[\w\s/-]{1,20}?,)\s+",
    re.IGNORECASE,
)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


class VerbVerdict(NamedTuple):
    ok: bool
    code: str | None  # None when ok
    detail: str = ""


def _strip_leading(pattern: re.Pattern[str], text: str, times: int) -> str:
    """``text`` without up to ``times`` leading matches of ``pattern``, one after the other."""
    for _ in range(times):
        stripped = pattern.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def _is_zh(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text[:8])


def _zh_vague_start(text: str) -> str:
    return next(verb for verb in _ZH_VAGUE if text.startswith(verb))


def _starts_with_verb_zh(text: str) -> VerbVerdict:
    if text.startswith(_ZH_VAGUE):
        return VerbVerdict(False, "vague_verb", _zh_vague_start(text))
    if _ZH_VERB_RE.match(text):
        return VerbVerdict(True, None)
    body = _strip_leading(_ZH_STRIP, text, 4)
    if not body:
        return VerbVerdict(False, "no_verb")
    filler = _ZH_FILLER_RE.match(body)
    if filler and not _ZH_VERB_RE.match(body):
        clause = _CLAUSE_END.split(body[filler.end() :], maxsplit=1)[0]
        # the verb must follow the object: "针对发布流程" names a topic ("发布" is its noun), no action
        verb = _ZH_VERB_INSIDE.search(clause, 1) if filler.group() in _ZH_OBJECT_FILLERS else None
        if verb is None:
            return VerbVerdict(False, "filler_start", filler.group())
        return VerbVerdict(True, None)  # "对发布系统增加审批": the object first, then the action
    if body.startswith(_ZH_VAGUE):
        return VerbVerdict(False, "vague_verb", _zh_vague_start(body))
    if _ZH_OBJECT_FIRST.match(body) or _ZH_VERB_RE.match(body):
        return VerbVerdict(True, None)
    clause = _CLAUSE_END.split(body, maxsplit=1)[0].strip()
    if _ZH_NOUN_TAIL.search(clause):
        return VerbVerdict(False, "noun_first", clause)
    return VerbVerdict(True, None)


def _starts_with_verb_en(text: str) -> VerbVerdict:
    body = _strip_leading(_EN_STRIP, text, 3)
    word = _EN_WORD.match(body)
    if not word:
        return VerbVerdict(False, "no_verb")
    first = word.group().lower()
    vague = _EN_VAGUE_START.match(body)
    if vague:
        return VerbVerdict(False, "vague_verb", vague.group())
    if first in _EN_VERBS:
        return VerbVerdict(True, None)
    if first in _EN_FILLERS:
        return VerbVerdict(False, "filler_start", word.group())
    if _EN_NOUN_SUFFIX.search(first):
        return VerbVerdict(False, "noun_first", _CLAUSE_END.split(body, maxsplit=1)[0].strip())
    return VerbVerdict(True, None)


def starts_with_verb(text: str) -> VerbVerdict:
    """Whether an action text opens with a concrete verb (heuristic; see the module docstring)."""
    body = _MARKER.sub("", unicodedata.normalize("NFKC", text).strip(), count=1)
    return _starts_with_verb_zh(body) if _is_zh(body) else _starts_with_verb_en(body)


# ---------------------------------------------------------------------------------------------
# Owners
# ---------------------------------------------------------------------------------------------

_NO_OWNER = frozenset(
    {
        "",
        "-",
        "—",
        "--",
        "?",
        "？",
        "tbd",
        "tba",
        "n/a",
        "na",
        "none",
        "nobody",
        "unassigned",
        "unknown",
        "待定",
        "待补充",
        "待确认",
        "待分配",
        "待指定",
        "未分配",
        "未指定",
        "暂无",
        "无",
        "未定",
    }
)
_LEAD_ZH = re.compile(r"^(.+?)(?:牵头|主导|主责|负责(?!人))")
_LEAD_EN = re.compile(r"^(.+?)\s*[(（]\s*(?:lead|accountable|owner|a)\s*[)）]", re.IGNORECASE)
_STRONG_SEP = re.compile(r"\s*(?:/|、|,|，|;|；|&|\+|\||\band\b|\bor\b|[\r\n]+)\s*", re.IGNORECASE)
_WEAK_SEP = re.compile(r"以及|和|与|及|或")
# Anything that may separate several owners or mark a lead; without it the owner is one name.
_OWNER_SPECIAL = re.compile(r"[/、,，;；&+|和与及或牵主负(（\r\n]|\b[aA][nN][dD]\b|\b[oO][rR]\b")
"""A line break separates owners too: a spreadsheet cell lists them one a line (Alt+Enter)."""


# A unit's name ends with its kind: "产品与技术部" and "研发与测试中心" are one department (the suffix only at
# the end), "市场部和销售部" two.
_UNIT_SUFFIX = re.compile(r"(?:部|中心|组|团队|委员会|办公室|实验室|工作室|事业群|事业线|业务线|科|处|室)$")


def _split_weak(part: str) -> list[str]:
    """Split on 和/与/及 only when every piece is at least two characters ("王和平" stays one name) and
    they are not one unit's name ("产品与技术部")."""
    pieces = [p.strip() for p in _WEAK_SEP.split(part)]
    if len(pieces) < 2 or not all(len(p) >= 2 for p in pieces):
        return [part]
    if _UNIT_SUFFIX.search(pieces[-1]) and not any(_UNIT_SUFFIX.search(p) for p in pieces[:-1]):
        return [part]
    return pieces


# Functions whose name joins two words and means one team: "Trust & Safety", "Research and Development".
_ONE_FUNCTION = re.compile(
    r"\b(?:trust|research|sales|health|legal|risk|finance|people|mergers|learning|security|operations|talent"
    r"|safety|quality|facilities|marketing|product|design)\s*(?:&|and)\s*"
    r"(?:safety|development|marketing|compliance|accounting|culture|acquisitions|operations|maintenance"
    r"|engagement|assurance|reliability|communications|analytics|insights|engineering|growth)\b",
    re.IGNORECASE,
)


# A label written into the cell: "负责人：张三", "Owner: Alice", "DRI - bob".
_OWNER_LABEL = re.compile(
    r"^(?:负责人|责任人|跟进人|执行人|处理人|owner|owners|assignee|assigned\s+to|dri|responsible)\s*(?:[:：=]|-\s)\s*",
    re.IGNORECASE,
)
# "张三（牵头）", "Alice (lead)": the lead is the name before the bracket.
_LEAD_BRACKET = re.compile(
    r"^(.+?)\s*[(（]\s*(?:牵头|主导|主责|负责|主|lead|accountable|owner|dri|a)\s*[)）]", re.IGNORECASE
)
# "R&D", "P&L": an ampersand inside one short abbreviation joins, it does not list.
_AMPERSAND_WORD = re.compile(r"\b[A-Za-z]{1,2}&[A-Za-z]{1,2}\b")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_HANDLE = re.compile(r"@[\w.-]+")


_TEAM_WORD = re.compile(r"(?:组|部|团队|中心|小组|办|科|室|处|线)$")
"""A team before a person's name: the person is named with their team ('支付组 王磊'), one owner."""


def _space_separated(text: str) -> list[str] | None:
    """Several people written with spaces only: "张三 李四", "@alice @bob"; None when it is one name."""
    pieces = text.split()
    if len(pieces) < 2:
        return None
    if len(pieces) == 2 and sum(bool(_TEAM_WORD.search(p)) for p in pieces) == 1:
        return None  # '支付组 王磊', '王磊 支付组': a person with their team is one owner
    if all(_CJK_NAME.fullmatch(p) for p in pieces) or all(_HANDLE.fullmatch(p) for p in pieces):
        return pieces
    return None


def owners(owner: str | None) -> list[str]:
    """The accountable owners named in ``owner``: [] for none, one item when there is one lead."""
    if owner is None:
        return []
    text = owner.strip() if owner.isascii() else unicodedata.normalize("NFKC", owner).strip()
    text = _OWNER_LABEL.sub("", text).strip()
    if text.lower() in _NO_OWNER:
        return []
    if not _OWNER_SPECIAL.search(text):
        return _space_separated(text) or [text]
    joined = _ONE_FUNCTION.sub(_protected, _AMPERSAND_WORD.sub(_protected, text))
    parts = [p.strip() for p in _STRONG_SEP.split(joined) if p.strip()]
    leads = [_rejoined(found) for found in map(_lead, parts) if found is not None]
    if leads:  # "数据组牵头, 市场配合", "张三（牵头）、李四", "Alice, Bob (lead)"; two leads are two owners
        return [piece for lead in leads for piece in _split_weak(lead) if piece]
    parts = [_rejoined(_lead(part) or part) for part in parts]
    named = [piece for part in parts for piece in _split_weak(part) if piece]
    return [name for part in named for name in (_space_separated(part) or [part])]


_PROTECT = {code: 0xE000 + code for code in range(128)}
_UNPROTECT = {0xE000 + code: code for code in range(128)}


def _protected(match: re.Match[str]) -> str:
    """A joined name ("R&D", "Trust & Safety") in private-use look-alikes, so no separator splits it."""
    return match.group().translate(_PROTECT)


def _rejoined(text: str) -> str:
    """``text`` with the names `_protected` from splitting as written."""
    return text.translate(_UNPROTECT)


_LEAD_PREFIX = re.compile(r"^(?:由|请)")


def _lead(text: str) -> str | None:
    """The name marked as the lead at the start of ``text`` ("张三（牵头）", "Alice (lead)", "由数据组负责")."""
    lead = _LEAD_BRACKET.match(text) or _LEAD_EN.match(text) or _LEAD_ZH.match(text)
    if lead is None:
        return None
    return _LEAD_PREFIX.sub("", lead.group(1).strip()).strip() or None


# ---------------------------------------------------------------------------------------------
# Dates, metrics, matching
# ---------------------------------------------------------------------------------------------

_RELATIVE = re.compile(
    r"t\s*(?P<tsign>[+-])\s*(?P<tdays>\d+)(?:\s*(?:天|日|d|days?))?"
    r"|(?P<lo>\d+)\s*(?:[-~～到至]\s*(?P<hi>\d+)\s*)?(?P<unit>个?工作日|天|日|周|星期|个月|月)\s*(?:内|以内|之内)"
    r"|(?:within|in)\s+(?P<en_lo>\d+)\s*(?:(?:-|–|to)\s*(?P<en_hi>\d+)\s*)?(?P<en_unit>days?|weeks?|months?)"
    r"|下周|下个?月|本周|本月|月底|月末|年底|年末|季度末|下季度|本季度|近期|尽快|立即|马上"
    r"|\b(?:asap|next\s+(?:week|month|quarter|sprint)|this\s+(?:week|month|quarter)|end\s+of\s+"
    r"(?:the\s+)?(?:week|month|quarter|year)|eow|eom|eoq|soon)\b",
    re.IGNORECASE,
)
_UNIT_DAYS = {"天": 1, "日": 1, "day": 1, "days": 1, "周": 7, "星期": 7, "week": 7, "weeks": 7}
_UNIT_MONTHS = {"个月": 1, "月": 1, "month": 1, "months": 1}


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _implied_date(match: re.Match[str], review_date: dt.date | None) -> dt.date | None:
    """The date a relative phrase implies from the review date (the later bound of a range)."""
    if review_date is None:
        return None
    if match.group("tdays") is not None:
        return review_date + dt.timedelta(days=int(match.group("tdays"))) if match.group("tsign") == "+" else None
    amount_text = match.group("hi") or match.group("lo") or match.group("en_hi") or match.group("en_lo")
    unit = (match.group("unit") or match.group("en_unit") or "").lower()
    if amount_text is None:
        return None
    amount = int(amount_text)
    if unit in _UNIT_DAYS:
        return review_date + dt.timedelta(days=amount * _UNIT_DAYS[unit])
    if unit in _UNIT_MONTHS:
        return _add_months(review_date, amount)
    return None  # working days and vague words: no date is guessed


# A due written into the action's text as a calendar point: "6月底前", "下周五", "Q3", "7月15日".
_DATE_IN_TEXT = re.compile(
    r"(?<!\d)\d{1,2}\s*月\s*(?:底|末|初|上旬|中旬|下旬|\d{1,2}\s*[日号])|(?:下下?个?|本|这个?)\s*(?:周|星期)\s*[一二三四五六日天]"
    r"|(?<![A-Za-z0-9])[qQ][1-4](?![0-9])|第?[一二三四]季度(?:末|底)?|(?:本|下个?)?月(?:底|末)|(?:今|本)?年(?:底|末)"
)


def relative_due(text: str, review_date: dt.date | None) -> tuple[str, dt.date | None] | None:
    """The first relative time phrase in ``text`` and the date it implies, if any: a calendar point
    written in the text ("6月底前", "下周五") as a whole, else a relative phrase ("T+30", "4-6周内")."""
    normalized = unicodedata.normalize("NFKC", text)
    point = _DATE_IN_TEXT.search(normalized)
    if point is not None:
        phrase = point.group()
        reading = read_due(phrase, review_date) if review_date is not None else None
        return phrase, reading.date if reading is not None else None
    match = _RELATIVE.search(normalized)
    return (match.group(), _implied_date(match, review_date)) if match else None


_MEASURABLE_CHARS = re.compile(r"[\d%≥≤<>=＞＜]")
_MEASURABLE_WORDS = re.compile(
    r"百分之|翻倍|减半|一倍|零|[一二两三四五六七八九十百千万]+\s*(?:个|次|项|条|倍|天|周|月|人|家|成|分钟|小时)"
    r"|(?:不超过|不低于|不高于|不少于|不多于|低于|高于|少于|多于|小于|大于|至少|至多|控制在)\s*[一二两三四五六七八九十百千万半]"
    r"|\b(?:zero|percent|double|halve|twice|at\s+least|at\s+most|no\s+more\s+than)\b"
    r"|\b(?:under|below|above|over|within|less\s+than|more\s+than|fewer\s+than)\s+(?:an?|one|two|three|four|five|"
    r"six|seven|eight|nine|ten|half\s+an?)\s+(?:hour|minute|second|day|week|month|quarter)s?\b"
    r"|\b(?:an?|one|two|three|four|five|once|twice)\s+(?:\w+\s+)?(?:per|every|a)\s+(?:day|week|month|quarter|"
    r"year|sprint|release)\b",
    re.IGNORECASE,
)


def is_measurable(metric: str) -> bool:
    """A number, a comparator, a percentage, a date or a count word: something one can check."""
    return _MEASURABLE_CHARS.search(metric) is not None or _MEASURABLE_WORDS.search(metric) is not None


_NORMALIZE_DROP = re.compile(r"[\s\W_]+")
_MATCH_THRESHOLD = 0.5


def _normalize_key(text: str) -> str:
    return _NORMALIZE_DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def _bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) if len(key) > 1 else frozenset({key})


class _KnownIndex:
    """The problems and root causes actions may answer, indexed by character bigram.

    Similarity is the overlap coefficient of bigram sets, |A ∩ B| / min(|A|, |B|): 1.0 when one text
    contains the other, robust to a short ``addresses`` against a long problem statement.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        self.texts: list[str] = []
        self.sizes: list[int] = []
        self.postings: dict[str, list[int]] = {}
        self._memo: dict[str, tuple[int, float] | None] = {}
        for text in texts:
            key = _normalize_key(text)
            if not key:
                continue
            grams = _bigrams(key)
            for gram in grams:
                self.postings.setdefault(gram, []).append(len(self.texts))
            self.texts.append(text)
            self.sizes.append(len(grams))

    def __bool__(self) -> bool:
        return bool(self.texts)

    def best(self, text: str) -> tuple[str, float] | None:
        """The most similar known text and its similarity (0–1); None when nothing is known."""
        key = _normalize_key(text)
        if key not in self._memo:
            self._memo[key] = self._best(key)
        found = self._memo[key]
        return None if found is None else (self.texts[found[0]], found[1])

    def _best(self, key: str) -> tuple[int, float] | None:
        if not key or not self.texts:
            return None
        grams = _bigrams(key)
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self.postings.get(gram, ()))
        if not shared:
            return 0, 0.0
        return max(
            ((index, count / min(len(grams), self.sizes[index])) for index, count in shared.items()),
            key=lambda pair: pair[1],
        )


# ---------------------------------------------------------------------------------------------
# One action
# ---------------------------------------------------------------------------------------------

_OPEN = frozenset({"open", "in_progress"})


def _due_cell(action: ActionItem, language: Language) -> str:
    """The due date for the table, with the words it was written in ('2025-07-18 (T+30)')."""
    if action.due is None:
        return action.due_text or tr(_TEXT, "md.missing", language)
    return f"{action.due.isoformat()} ({action.due_text})" if action.due_text else action.due.isoformat()


def resolve_due(action: ActionItem, review_date: dt.date | None) -> ActionItem:
    """The action with a due date written as text ('T+30', '7月3日') resolved against ``review_date``;
    unchanged when it has no such text, no review date is given, or the text is absolute."""
    if review_date is None or not action.due_text:
        return action
    reading = read_due(action.due_text, review_date)
    if reading.date is None or (not reading.relative and action.due is not None):
        return action
    return action.model_copy(update={"due": _next_year_if_meant(action.due_text, reading.date, review_date)})


_YEAR = re.compile(r"\d{4}")


def _next_year_if_meant(text: str, due: dt.date, review_date: dt.date) -> dt.date:
    """A due written without a year ('1月15日', 'Q1', 'Jan 15') that falls before the review is read in
    the next year when that lands within nine months of the review (a December review's "1月15日");
    otherwise the review's year stands and the date-order check reports it."""
    if due >= review_date or _YEAR.search(text):
        return due
    later = _add_months(due, 12)
    return later if later <= _add_months(review_date, 9) else due


def _due_year_unclear(action: ActionItem, review_date: dt.date | None) -> bool:
    """An open action's year-less due that, in the review's year, is not after the review: whether it is
    past or meant for the next year is asked, and no overdue is stated from it."""
    return (
        review_date is not None
        and action.status in _OPEN
        and action.due is not None
        and action.due <= review_date
        and _year_unclear(action, review_date)
    )


def _year_unclear(action: ActionItem, review_date: dt.date) -> bool:
    """A due written without a year that, read in the review's year, is not after the review."""
    text = action.due_text
    if not text or _YEAR.search(text):
        return False
    reading = read_due(text, review_date)
    return bool(reading.relative and reading.date == action.due and _calendar_form(text))


# Year-less calendar points ('6/30', '1月15日', 'Q3', 'Jan 15', '7月底'), not offsets such as '上周五'.
_CALENDAR_FORM = re.compile(
    r"\d{1,2}\s*[/.月]|[qQ][1-4]|季度|半年|\b[hH][12]\b|[A-Za-z]{3,9}\.?\s+\d{1,2}\b|end\s+of\s+[a-z]"
)


def _calendar_form(text: str) -> bool:
    return _CALENDAR_FORM.search(due_form(text)) is not None


def _year_assumed(action: ActionItem, review_date: dt.date | None) -> bool:
    """Whether the due was read in the year after the review's (see `_next_year_if_meant`)."""
    if review_date is None or action.due is None or not action.due_text:
        return False
    reading = read_due(action.due_text, review_date)
    return bool(reading.relative and reading.date and action.due.year == reading.date.year + 1)


def is_overdue(action: ActionItem, today: dt.date) -> bool:
    """An open or in-progress action whose due date has passed."""
    return action.status in _OPEN and action.due is not None and action.due < today


class _Context(NamedTuple):
    review_date: dt.date | None
    as_of: AsOf | None
    known: _KnownIndex
    language: Language


def days_text(days: int, language: Language) -> str:
    """A count of days in words: "3 天", "1 day", "2 days"."""
    return tr(_TEXT, "days.one" if days == 1 else "days.other", language, n=days)


def as_of_basis(as_of: AsOf, language: Language) -> str:
    """Where the reference date came from, in words: 复盘日期 / the review date..."""
    return tr(_TEXT, f"as_of.{as_of.source}", language)


def as_of_line(as_of: AsOf, language: Language) -> str:
    """One sentence naming the date overdue is counted from."""
    return tr(_TEXT, "md.as_of", language, basis=as_of_basis(as_of, language), as_of=as_of.date.isoformat())


def _finding(code: str, severity: Severity, path: str, language: Language, **values: object) -> Finding:
    return Finding(code=code, severity=severity, message=tr(_TEXT, code, language, **values), path=path)


def _subject(action: ActionItem) -> str:
    """How a data gap names the action: its id, else the start of its text."""
    return action.id or (action.action[:30] + ("…" if len(action.action) > 30 else ""))


def _verb_findings(action: ActionItem, path: str, language: Language) -> tuple[bool, list[Finding]]:
    verdict = starts_with_verb(action.action)
    findings: list[Finding] = []
    vague = _vague(action.action)
    if verdict.code == "vague_verb" and not vague:
        vague = [verdict.detail]
    if vague:
        words = tr(_TEXT, "list_sep", language).join(dict.fromkeys(vague))
        findings.append(_finding("vague_verb", "warning", f"{path}.action", language, words=words))
    if verdict.code == "filler_start":
        findings.append(_finding("filler_start", "warning", f"{path}.action", language, word=verdict.detail))
    elif verdict.code == "noun_first":
        findings.append(_finding("noun_first", "warning", f"{path}.action", language, clause=verdict.detail))
    elif verdict.code == "no_verb":
        findings.append(_finding("no_verb", "warning", f"{path}.action", language))
    return verdict.ok, findings


def _owner_findings(action: ActionItem, path: str, language: Language) -> tuple[bool, list[Finding]]:
    named = owners(action.owner)
    if not named:
        if action.status == "wont_do":
            return False, []
        return False, [_finding("missing_owner", "warning", f"{path}.owner", language)]
    if len(named) > 1:
        separator = tr(_TEXT, "list_sep", language)
        return False, [
            _finding(
                "multiple_owners",
                "warning",
                f"{path}.owner",
                language,
                n=len(named),
                owners=separator.join(named),
            )
        ]
    return True, []


def _due_findings(action: ActionItem, path: str, ctx: _Context) -> tuple[bool, dt.date | None, list[Finding]]:
    review = ctx.review_date
    due_ok = action.due is not None and (review is None or action.due > review or action.status not in _OPEN)
    if action.status not in _OPEN:
        return due_ok, None, []
    findings: list[Finding] = []
    suggested: dt.date | None = None
    unclear = _due_year_unclear(action, review)
    if action.due is None and action.due_text and is_ongoing(action.due_text):
        findings.append(_finding("due_ongoing", "warning", f"{path}.due", ctx.language, text=action.due_text))
    elif action.due is None and action.due_text and is_sprint_relative(action.due_text):
        findings.append(_finding("due_sprint", "warning", f"{path}.due", ctx.language, text=action.due_text))
    elif action.due is None and action.due_text:
        reading = read_due(action.due_text, review)
        code = {"vague": "due_vague", "needs_reference": "due_needs_review_date", "invalid_date": "due_invalid_date"}
        key = code.get(reading.error or "", "due_unreadable")
        findings.append(_finding(key, "error", f"{path}.due", ctx.language, text=action.due_text))
    elif action.due is None:
        findings.append(_finding("missing_due", "warning", f"{path}.due", ctx.language))
        relative = relative_due(f"{action.action} {action.owner or ''}", review)
        if relative is not None:
            phrase, suggested = relative
            hint = tr(_TEXT, "relative_due.suggestion", ctx.language, date=suggested.isoformat()) if suggested else ""
            findings.append(
                _finding("relative_due", "info", f"{path}.action", ctx.language, phrase=phrase, suggestion=hint)
            )
    elif unclear and action.due is not None and review is not None:
        findings.append(
            _finding(
                "due_year_unclear",
                "warning",
                f"{path}.due",
                ctx.language,
                text=action.due_text,
                due=action.due.isoformat(),
                review=review.isoformat(),
            )
        )
    elif review is not None and action.due <= review:
        findings.append(
            _finding(
                "due_not_after_review",
                "error",
                f"{path}.due",
                ctx.language,
                due=action.due.isoformat(),
                review=review.isoformat(),
            )
        )
    if review is not None and action.due is not None and _year_assumed(action, review):
        findings.append(
            _finding(
                "due_year_assumed",
                "info",
                f"{path}.due",
                ctx.language,
                text=action.due_text,
                due=action.due.isoformat(),
            )
        )
    if ctx.as_of is not None and is_overdue(action, ctx.as_of.date) and action.due is not None and not unclear:
        findings.append(
            _finding(
                "overdue",
                "warning",
                f"{path}.due",
                ctx.language,
                days=days_text(days_overdue(action.due, ctx.as_of.date), ctx.language),
                due=action.due.isoformat(),
                basis=as_of_basis(ctx.as_of, ctx.language),
                as_of=ctx.as_of.date.isoformat(),
            )
        )
    return due_ok, suggested, findings


_TARGET_UNIT = r"(?:%|％|ms|毫秒|秒|分钟|小时|次|个|倍|家|人|元|万|条|台|qps|rps|tps|gb|mb|s\b|min\b|h\b)"
_ACTION_TARGET = re.compile(
    r"(?:降到|降至|降为|降低到|降低至|减少到|减少至|减到|减至|减为|缩至|控制在|提升到|提升至|提高到|提高至|升至|缩短到|缩短至|压缩到|压缩至|达到"
    r"|至少|不超过|不低于|不高于|低于|高于|小于|大于|少于|多于|≥|≤|<=|>=|<|>)\s*[^\d\s,，。;；]{0,8}?"
    rf"\d+(?:\.\d+)?\s*{_TARGET_UNIT}?(?:以下|以内|以上)?"
    rf"|\d+(?:\.\d+)?\s*{_TARGET_UNIT}\s*(?:以下|以内|以上|之内)"
    r"|\b(?:to|below|under|above|at\s+least|at\s+most|less\s+than|more\s+than|by)\s+\d+(?:\.\d+)?\s*"
    r"(?:%|ms|s|secs?|seconds?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|x|rps|qps|tps|req(?:uest)?s?\s?/\s?s"
    r"|requests?\s+per\s+(?:second|minute)|errors?|alerts?|pages?|pp|points?|[kmgt]b|users?|tickets?|incidents?)"
    r"(?![a-z])"
    r"|\d+(?:\.\d+)?\s*%",
    re.IGNORECASE,
)


def action_target(text: str) -> str | None:
    """A measurable target written in the action itself: '将P99降到200ms以下', 'cut p99 to 200 ms', '99.9%'."""
    match = _ACTION_TARGET.search(unicodedata.normalize("NFKC", text))
    return match.group().strip() if match else None


def _metric_findings(action: ActionItem, path: str, language: Language) -> tuple[bool, list[Finding]]:
    metric = action.success_metric
    if metric and not is_ticket(metric) and is_measurable(metric):
        return True, []
    target = action_target(action.action)
    if target is not None:  # the action states its own result: read from there, and said so
        return True, [_finding("metric_in_action", "info", f"{path}.success_metric", language, target=target)]
    if not metric:
        if action.status == "wont_do":
            return False, []
        return False, [_finding("missing_metric", "warning", f"{path}.success_metric", language)]
    if is_ticket(metric):
        return False, [_finding("metric_is_ticket", "warning", f"{path}.success_metric", language, metric=metric)]
    return False, [_finding("metric_not_measurable", "warning", f"{path}.success_metric", language, metric=metric)]


def _addresses_findings(action: ActionItem, path: str, ctx: _Context) -> tuple[bool, str | None, list[Finding]]:
    if not action.addresses:
        if action.status == "wont_do":
            return False, None, []
        return False, None, [_finding("missing_addresses", "warning", f"{path}.addresses", ctx.language)]
    if not ctx.known:
        return True, None, []
    best = ctx.known.best(action.addresses)
    if best is not None and best[1] >= _MATCH_THRESHOLD:
        return True, best[0], []
    closest = (
        tr(_TEXT, "addresses_unmatched.closest", ctx.language, text=best[0][:60])
        if best is not None and best[1] > 0
        else ""
    )
    finding = _finding(
        "addresses_unmatched",
        "warning",
        f"{path}.addresses",
        ctx.language,
        addresses=action.addresses,
        closest=closest,
    )
    return False, None, [finding]


def unread_word_findings(action: ActionItem, path: str, language: Language) -> list[Finding]:
    """A priority or status that reads as none of its values, reported for this action alone."""
    return [
        _finding(f"{name}_unread", "warning", f"{path}.{name}", language, value=written)
        for name, written in action.unread_words.items()
    ]


def _status_findings(action: ActionItem, path: str, language: Language) -> list[Finding]:
    if action.status == "done" and not action.evidence and action.ticket:
        # the tracked ticket is where the proof usually is: asked for, not called missing
        return [_finding("done_ticket_only", "warning", f"{path}.evidence", language, ticket=action.ticket[:80])]
    if action.status == "done" and not action.evidence:
        return [_finding("done_without_evidence", "error", f"{path}.evidence", language)]
    if action.status == "wont_do" and not action.status_reason:
        return [_finding("wont_do_without_reason", "error", f"{path}.status_reason", language)]
    if action.status in _OPEN and action.priority is None and "priority" not in action.unread_words:
        return [_finding("missing_priority", "info", f"{path}.priority", language)]
    return []


def _check_action(action: ActionItem, index: int, ctx: _Context) -> ActionCheck:
    """The five checks and every finding for one action."""
    path = f"actions[{index}]"
    if not action.action.strip():  # blank: reported for this action alone, the others are checked
        nothing = ActionChecklist(verb=False, owner=False, due=False, metric=False, addresses=False)
        blank = _finding("missing_action", "error", f"{path}.action", ctx.language)
        return ActionCheck(index=index, id=action.id, action="", checklist=nothing, score=0, findings=[blank])
    verb_ok, verb_found = _verb_findings(action, path, ctx.language)
    owner_ok, owner_found = _owner_findings(action, path, ctx.language)
    due_ok, suggested, due_found = _due_findings(action, path, ctx)
    metric_ok, metric_found = _metric_findings(action, path, ctx.language)
    addresses_ok, matched, addresses_found = _addresses_findings(action, path, ctx)
    checklist = ActionChecklist(verb=verb_ok, owner=owner_ok, due=due_ok, metric=metric_ok, addresses=addresses_ok)
    known = ctx.as_of is not None and not _due_year_unclear(action, ctx.review_date)
    return ActionCheck(
        index=index,
        id=action.id,
        action=action.action,
        checklist=checklist,
        score=verb_ok + owner_ok + due_ok + metric_ok + addresses_ok,
        suggested_due=suggested,
        matched_addresses=matched,
        overdue=is_overdue(action, ctx.as_of.date) if known and ctx.as_of is not None else None,
        days_overdue=(
            days_overdue(action.due, ctx.as_of.date)
            if known and ctx.as_of is not None and action.status in _OPEN
            else None
        ),
        findings=[
            *verb_found,
            *owner_found,
            *due_found,
            *metric_found,
            *addresses_found,
            *unread_word_findings(action, path, ctx.language),
            *_status_findings(action, path, ctx.language),
            *people_fix_findings(action.action, path, ctx.language),
        ],
    )


# ---------------------------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------------------------


def _duplicates(
    actions: Sequence[ActionItem], language: Language, positions: Sequence[int] | None = None
) -> dict[int, list[Finding]]:
    """Repeated action texts (warning) and repeated ids (error), keyed by the later item's index (its input
    position: ``positions``, when some items were set aside)."""
    findings: dict[int, list[Finding]] = {}
    seen_text: dict[str, int] = {}
    seen_id: dict[str, int] = {}
    for index, action in zip(positions or range(len(actions)), actions, strict=True):
        path = f"actions[{index}]"
        if not action.action.strip():
            continue  # a blank action is reported on its own, not as a repeat of another blank one
        key = _normalize_key(_MARKER.sub("", action.action, count=1))  # "1. 添加监控" repeats "2、添加监控"
        if key in seen_text:
            found = _finding("duplicate_action", "warning", path, language, other=seen_text[key] + 1)
            findings.setdefault(index, []).append(found)
        else:
            seen_text[key] = index
        if action.id:
            if action.id in seen_id:
                found = _finding(
                    "duplicate_id",
                    "error",
                    f"{path}.id",
                    language,
                    id=action.id,
                    other=seen_id[action.id] + 1,
                )
                findings.setdefault(index, []).append(found)
            else:
                seen_id[action.id] = index
    return findings


def _data_gaps(actions: Sequence[ActionItem], checks: Sequence[ActionCheck], language: Language) -> list[DataGap]:
    gaps: list[DataGap] = []
    for action, check in zip(actions, checks, strict=True):
        codes = {finding.code for finding in check.findings}
        subject = _subject(action)
        path = f"actions[{check.index}]"
        if "missing_owner" in codes:
            gaps.append(
                DataGap(
                    subject=subject,
                    field="owner",
                    message=tr(_TEXT, "gap.owner", language),
                    path=f"{path}.owner",
                )
            )
        if "missing_due" in codes:
            gaps.append(
                DataGap(subject=subject, field="due", message=tr(_TEXT, "gap.due", language), path=f"{path}.due")
            )
    return gaps


def _severities(findings: Iterable[Finding]) -> set[str]:
    return {finding.severity for finding in findings}


def _action_counts(
    actions: Sequence[ActionItem],
    checks: Sequence[ActionCheck],
    extra: Mapping[int, list[Finding]],
    set_aside: int = 0,
) -> ActionCounts:
    severities = [_severities([*c.findings, *extra.get(c.index, ())]) for c in checks]
    by_code = Counter(f.code for c in checks for f in c.findings)
    by_code.update(f.code for found in extra.values() for f in found)
    return ActionCounts(
        total=len(checks),
        complete=sum(1 for c, s in zip(checks, severities, strict=True) if c.score == 5 and "error" not in s),
        with_errors=sum(1 for s in severities if "error" in s),
        with_warnings=sum(1 for s in severities if "warning" in s),
        overdue=sum(1 for c in checks if c.overdue),
        average_score=round(sum(c.score for c in checks) / len(checks), 2) if checks else None,
        by_status=dict(Counter(a.status for a in actions)),
        by_code=dict(by_code),
        set_aside=set_aside,
    )


def check_actions(
    actions: Sequence[ActionItem],
    review_date: dt.date | None = None,
    problems: Sequence[str] = (),
    root_causes: Sequence[str] = (),
    language: Language = "zh",
    today: dt.date | None = None,
    *,
    as_of: dt.date | None = None,
    set_aside: Sequence[ItemError] = (),
) -> ActionCheckResult:
    """Check every action for the five SMART-style properties and its status rules.

    ``set_aside``: the actions of the input left out of ``actions`` for a wrong shape (`domain.items`):
    listed and counted in the result; ``actions`` keep their input positions.

    ``problems`` and ``root_causes`` (optional) are what the actions may answer; when given, each
    ``addresses`` must match one of them. Overdue is counted as of ``as_of`` when given, else as of
    the review date, else as of ``today`` (the fallback for a review without a date); with none of
    them there is no overdue check. The result's ``as_of`` says which date was used.
    """
    if len(actions) > MAX_ACTIONS:
        raise InputError("actions", f"more than {MAX_ACTIONS} actions")
    actions = [resolve_due(action, review_date) for action in actions]
    reference = reference_date(given=as_of, review_date=review_date, today=today)
    ctx = _Context(review_date, reference, _KnownIndex([*problems, *root_causes]), language)
    positions = kept_positions(len(actions), set_aside)
    checks = [_check_action(action, index, ctx) for index, action in zip(positions, actions, strict=True)]
    extra = _duplicates(actions, language, positions if set_aside else None)
    counts = _action_counts(actions, checks, extra, len(set_aside))
    return ActionCheckResult(
        actions=checks,
        findings=[finding for found in extra.values() for finding in found],
        set_aside=list(set_aside),
        counts=counts,
        data_gaps=_data_gaps(actions, checks, language),
        as_of=reference,
        language=language,
    )


# ---------------------------------------------------------------------------------------------
# Postmortem actions: people fixes, tickets, root causes answered and prevented
# ---------------------------------------------------------------------------------------------

_PEOPLE_FIX = re.compile(
    r"\b(?:be|being|to\s+be)\s+(?:more\s+|extra\s+)?(?:careful|vigilant|cautious|diligent|attentive)\b"
    r"|\b(?:pay|paying)\s+(?:more\s+|closer\s+)?attention\b"
    r"|\bremind(?:s|ed|ing)?\s+(?:the\s+|all\s+|our\s+)?(?:\w+\s+)?"
    r"(?:engineers?|developers?|devs?|operators?|team|staff|people|sres?|on-?calls?|everyone|users?)\b"
    r"|\b(?:tell|told|warn|warned|instruct|instructed)\s+(?:the\s+)?(?:\w+\s+)?(?:engineers?|developers?|operators?|team|staff)\s+(?:to|not)\b"
    r"|\b(?:re-?train|re-?educate|reprimand|discipline)\s+(?:the\s+)?(?:\w+\s+)?(?:engineers?|developers?|operators?|staff|team|person)\b"
    r"|\bhold\s+(?:\w+\s+)?accountable\b|\btry\s+harder\b|\bdon'?t\s+forget\b|\bdouble[-\s]check\s+(?:more\s+)?carefully\b"
    r"|\b(?:human|operator|engineer)\s+error\b"
    r"|加强(?:\S{0,4})?责任心|提高(?:\S{0,4})?责任心|增强(?:\S{0,4})?责任心|责任心"
    r"|提高警惕|保持警惕|更加(?:细心|小心|仔细|认真|谨慎)|(?:认真|仔细|细心|小心)(?:一点|些)|下次注意|以后注意|引以为戒"
    r"|吸取教训|提醒(?:相关|各位|全体)?(?:人员|同事|同学|工程师|开发|运维|员工|大家|值班)"
    r"|批评教育|通报批评|严肃处理|追责|问责|加强(?:安全|质量|风险)?意识|提高(?:安全|质量|风险)?意识|增强(?:安全|质量|风险)?意识"
    r"|严格要求(?:自己|员工|相关人员)?|避免再次犯错|杜绝(?:此类)?(?:低级)?错误",
    re.IGNORECASE,
)
"""Actions that ask people to be better instead of changing the system (a 'people fix')."""

_TICKET = re.compile(
    r"^(?:https?://\S+|[A-Z][A-Z0-9_]{1,15}-\d+|#\d+|(?:bug|issue|ticket|b)\s*[/#:]?\s*\d{3,}|[A-Z]+#\d+)$",
    re.IGNORECASE,
)


def is_ticket(text: str) -> bool:
    """A ticket reference on its own: a URL, 'PROJ-123', '#42', 'Bug 5554823', 'b/123456'."""
    return _TICKET.match(text.strip()) is not None


def people_fixes(text: str) -> list[str]:
    """The 'people fix' phrases in an action: 'be more careful', '加强责任心', 'remind the engineer'."""
    return [match.group() for match in _PEOPLE_FIX.finditer(unicodedata.normalize("NFKC", text))]


def people_fix_findings(text: str, path: str, language: Language) -> list[Finding]:
    """A 'people fix' flagged as blame, with a hint to rewrite it as a change to the system."""
    found = people_fixes(text)
    if not found:
        return []
    return [_finding("people_fix", "warning", path, language, phrase=found[0])]


def ticket_findings(actions: Sequence[ActionItem], language: Language) -> list[Finding]:
    """Open actions without a ticket (what a postmortem's actions are tracked by)."""
    return [
        _finding("missing_ticket", "info", f"actions[{index}].ticket", language)
        for index, action in enumerate(actions)
        if action.status in _OPEN and not action.ticket
    ]


def root_cause_coverage(
    actions: Sequence[ActionItem],
    causes: Sequence[tuple[str, str]],
    language: Language = "zh",
    *,
    require_prevent: bool = True,
) -> RootCauseCoverage:
    """Which actions answer each root cause (its ``addresses`` matches the cause best), and whether one
    of them prevents it. ``causes`` are (text, where it comes from). Findings: a cause no action answers;
    with ``require_prevent``, a cause answered without any ``prevent`` action."""
    index = _KnownIndex(text for text, _ in causes)
    answering: dict[str, list[int]] = {}
    for position, action in enumerate(actions):
        if not action.addresses or action.status == "wont_do":
            continue
        best = index.best(action.addresses)
        if best is not None and best[1] >= _MATCH_THRESHOLD:
            answering.setdefault(best[0], []).append(position)
    covered: list[CauseCoverage] = []
    findings: list[Finding] = []
    for number, (cause, source) in enumerate(causes):
        members = answering.get(cause, [])
        kinds = list(dict.fromkeys(actions[i].kind or tr(_TEXT, "no_kind", language) for i in members))
        prevented = any(actions[i].kind == "prevent" for i in members)
        covered.append(
            CauseCoverage(
                index=number,
                cause=cause,
                source=source,
                actions=members,
                kinds=kinds,
                answered=bool(members),
                prevented=prevented,
            )
        )
        short = cause if len(cause) <= 60 else cause[:59] + "…"
        if not members:
            findings.append(_finding("root_cause_unanswered", "warning", source, language, cause=short))
        elif require_prevent and not prevented:
            findings.append(
                _finding(
                    "no_prevent_action", "warning", source, language, cause=short, kinds=join_list(kinds, language)
                )
            )
    return RootCauseCoverage(
        causes=covered,
        answered=sum(c.answered for c in covered),
        prevented=sum(c.prevented for c in covered),
        findings=findings,
    )


# ---------------------------------------------------------------------------------------------
# Risks
# ---------------------------------------------------------------------------------------------

Direction = Literal["below", "above"]

_BELOW_WORDS = (
    r"<=|<|≤|=<|不高于|不超过|不大于|至多|低于|少于|小于|跌破|跌至|跌到|降至|降到|不足"
    r"|\b(?:below|under|less\s+than|at\s+most|no\s+more\s+than)\b"
)
_ABOVE_WORDS = (
    r">=|>|≥|=>|不低于|不少于|不小于|至少|高于|超过|多于|大于|达到|超出|突破|升至|涨到"
    r"|\b(?:above|over|more\s+than|exceeds?|at\s+least|no\s+less\s+than)\b"
)
_NUMBER = r"(?P<number>[-+]?\d+(?:\.\d+)?)"
_COMPARATOR_FIRST = re.compile(rf"(?P<below>{_BELOW_WORDS})|(?P<above>{_ABOVE_WORDS})", re.IGNORECASE)
_NUMBER_AFTER = re.compile(rf"\s*{_NUMBER}\s*")
_NUMBER_ANY = re.compile(rf"{_NUMBER}\s*")
_SUFFIX = re.compile(r"\s*(?:及|或)?(?P<suffix>以下|以内|以上)")
_UNITS = sorted((alias for alias in UNIT_ALIASES if alias), key=len, reverse=True)


def _unit_at(text: str, position: int) -> tuple[str | None, int]:
    """The known unit word starting at ``position`` (longest wins) and where it ends."""
    rest = text[position:]
    for alias in _UNITS:
        if rest.startswith(alias) and not (
            alias.isalpha() and alias.isascii() and rest[len(alias) : len(alias) + 1].isalpha()
        ):
            return canonical_unit(alias), position + len(alias)
    return None, position


def parse_threshold(value: str) -> Threshold | None:
    """The first comparator and number in ``value`` ("连续15分钟<99.5%", "≥3家", "99%以下").

    Without a comparator the first number is taken with no direction. None when there is no number.
    """
    text = normalize(value)
    for comparator in _COMPARATOR_FIRST.finditer(text):
        number = _NUMBER_AFTER.match(text, comparator.end())
        if number:
            unit, _ = _unit_at(text, number.end())
            direction: Direction = "below" if comparator.group("below") else "above"
            return Threshold(direction=direction, value=float(number.group("number")), unit=unit)
    number = _NUMBER_ANY.search(text)
    if number is None:
        return None
    unit, end = _unit_at(text, number.end())
    suffix = _SUFFIX.match(text, end)
    suffix_direction: Direction | None = None
    if suffix:
        suffix_direction = "above" if suffix.group("suffix") == "以上" else "below"
    return Threshold(direction=suffix_direction, value=float(number.group("number")), unit=unit)


def _compare_thresholds(
    yellow: Threshold, red: Threshold, path: str, raw: tuple[str, str], language: Language
) -> list[Finding]:
    """Red must lie beyond yellow in the direction the alarm fires."""
    yellow_raw, red_raw = raw
    if yellow.direction and red.direction and yellow.direction != red.direction:
        return [_finding("thresholds_conflict", "warning", path, language, yellow=yellow_raw, red=red_raw)]
    direction = yellow.direction or red.direction
    if direction is None:
        return []
    red_value = convert(red.value, red.unit, yellow.unit)
    if red_value is None:
        return [
            _finding(
                "threshold_units_differ",
                "info",
                path,
                language,
                yellow_unit=yellow.unit or "—",
                red_unit=red.unit or "—",
            )
        ]
    if red_value == yellow.value:
        return [_finding("thresholds_equal", "warning", path, language, red=red_raw)]
    beyond = red_value < yellow.value if direction == "below" else red_value > yellow.value
    if beyond:
        return []
    return [
        _finding(
            "thresholds_reversed",
            "error",
            path,
            language,
            red=red_raw,
            yellow=yellow_raw,
            direction=tr(_TEXT, f"direction.{direction}", language),
        )
    ]


def _risk_threshold(
    raw: str | None, level: str, path: str, language: Language
) -> tuple[Threshold | None, list[Finding]]:
    if not raw:
        return None, [_finding(f"missing_{level}_threshold", "warning", f"{path}.{level}_threshold", language)]
    parsed = parse_threshold(raw)
    if parsed is None:
        label = tr(_TEXT, f"level.{level}", language)
        return None, [
            _finding("threshold_unparsed", "info", f"{path}.{level}_threshold", language, level=label, value=raw)
        ]
    return parsed, []


def _check_risk(risk: Risk, index: int, language: Language) -> RiskCheck:
    path = f"risks[{index}]"
    if not risk.risk:  # blank: reported for this risk alone, the others are checked
        blank = [_finding("missing_risk", "error", f"{path}.risk", language)]
        return RiskCheck(index=index, risk="", complete=False, findings=blank)
    findings: list[Finding] = []
    if not risk.indicator:
        findings.append(_finding("missing_indicator", "warning", f"{path}.indicator", language))
    yellow, yellow_found = _risk_threshold(risk.yellow_threshold, "yellow", path, language)
    red, red_found = _risk_threshold(risk.red_threshold, "red", path, language)
    findings += yellow_found + red_found
    if yellow is not None and red is not None and risk.yellow_threshold and risk.red_threshold:
        findings += _compare_thresholds(
            yellow, red, f"{path}.red_threshold", (risk.yellow_threshold, risk.red_threshold), language
        )
    if not risk.response:
        findings.append(_finding("missing_response", "warning", f"{path}.response", language))
    for name, written in risk.unread_levels.items():
        field = tr(_TEXT, f"field.{name}", language)
        findings.append(_finding("level_unread", "warning", f"{path}.{name}", language, field=field, value=written))
    named = owners(risk.owner)
    if not named:
        findings.append(_finding("missing_owner", "warning", f"{path}.owner", language))
    elif len(named) > 1:
        separator = tr(_TEXT, "list_sep", language)
        findings.append(
            _finding(
                "multiple_owners",
                "warning",
                f"{path}.owner",
                language,
                n=len(named),
                owners=separator.join(named),
            )
        )
    complete = (
        bool(risk.indicator and risk.yellow_threshold and risk.red_threshold and risk.response)
        and len(named) == 1
        and all(f.severity != "error" for f in findings)
    )
    return RiskCheck(index=index, risk=risk.risk, yellow=yellow, red=red, complete=complete, findings=findings)


def _risk_gaps(risks: Sequence[Risk], language: Language, positions: Sequence[int]) -> list[DataGap]:
    gaps: list[DataGap] = []
    for index, risk in zip(positions, risks, strict=True):
        subject = risk.risk[:30]
        path = f"risks[{index}]"
        if not owners(risk.owner):
            gaps.append(
                DataGap(
                    subject=subject,
                    field="owner",
                    message=tr(_TEXT, "gap.risk_owner", language),
                    path=f"{path}.owner",
                )
            )
        for level, value in (("yellow", risk.yellow_threshold), ("red", risk.red_threshold)):
            if not value:
                message = tr(_TEXT, "gap.risk_threshold", language, level=tr(_TEXT, f"level.{level}", language))
                gaps.append(
                    DataGap(
                        subject=subject,
                        field=f"{level}_threshold",
                        message=message,
                        path=f"{path}.{level}_threshold",
                    )
                )
    return gaps


def check_risks(
    risks: Sequence[Risk], language: Language = "zh", *, set_aside: Sequence[ItemError] = ()
) -> RiskCheckResult:
    """Check each risk for an indicator, ordered yellow/red thresholds, a response and one owner.

    ``set_aside``: the risks of the input left out of ``risks`` for a wrong shape (`domain.items`): listed
    and counted in the result; ``risks`` keep their input positions."""
    if len(risks) > MAX_RISKS:
        raise InputError("risks", f"more than {MAX_RISKS} risks")
    positions = kept_positions(len(risks), set_aside)
    checks = [_check_risk(risk, index, language) for index, risk in zip(positions, risks, strict=True)]
    severities = [_severities(check.findings) for check in checks]
    counts = RiskCounts(
        total=len(checks),
        complete=sum(1 for check in checks if check.complete),
        with_errors=sum(1 for s in severities if "error" in s),
        with_warnings=sum(1 for s in severities if "warning" in s),
        by_code=dict(Counter(f.code for check in checks for f in check.findings)),
        set_aside=len(set_aside),
    )
    return RiskCheckResult(
        risks=checks,
        set_aside=list(set_aside),
        counts=counts,
        data_gaps=_risk_gaps(risks, language, positions),
        language=language,
    )
