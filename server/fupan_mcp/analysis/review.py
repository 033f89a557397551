"""The whole review: run every analysis on the review's raw inputs and gather one list of data gaps.

`analyze_review` is pure. Each section is analysed on its own: input one analysis cannot use at all
(an `InputError` or a validation error) becomes an error finding for that section, and the other
sections are still analysed. Paths in findings and gaps point into the review
(``kpi_tree.nodes[2].formula``, ``five_whys[0].whys[1]``, ``actions[4].due``).

The data gaps read like the closing notes of a good report: missing actuals, figures that cannot prove
what they claim (a peak against an average target, a reported value that disagrees with its formula,
an unverified cause), KPI leaves without values, actions without an owner or a date, risks without
thresholds, and the sections that are empty.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from fupan_mcp.analysis.actions import check_actions, check_risks, days_text, root_cause_coverage, ticket_findings
from fupan_mcp.analysis.attainment import compute_attainment
from fupan_mcp.analysis.five_whys import five_whys
from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.analysis.prose import check_prose
from fupan_mcp.analysis.swot import swot
from fupan_mcp.analysis.timeline import check_severity, check_timeline
from fupan_mcp.domain.actions import ActionCheckResult, RiskCheckResult, RootCauseCoverage
from fupan_mcp.domain.asof import AsOf, reference_date
from fupan_mcp.domain.attainment import AttainmentResult
from fupan_mcp.domain.common import SEVERITY_ORDER, DataGap, Finding, Language, Severity, SeverityCounts
from fupan_mcp.domain.kpi import KpiTreeResult
from fupan_mcp.domain.prose import ProseCheck
from fupan_mcp.domain.review import (
    SECTION_IDS,
    FiveWhysInput,
    GapKind,
    Point,
    PointLike,
    Review,
    ReviewAnalysis,
    SectionFinding,
    SectionGap,
    SectionId,
    is_incident,
)
from fupan_mcp.domain.stored import OpenAction
from fupan_mcp.domain.swot import SwotResult
from fupan_mcp.domain.timeline import SeverityCheck, TimelineResult
from fupan_mcp.domain.whys import FiveWhysResult
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Table, tr

__all__ = ["analyze_review", "point_title"]

_T = TypeVar("_T")
_SECTION_ORDER = {section: index for index, section in enumerate(SECTION_IDS)}
_SUBJECT_CHARS = 40
_INDEX = re.compile(r"^\w+\[(\d+)\]")

_TEXT: Table = {
    "section_failed": {
        "zh": "这一部分无法分析（{field}）：{reason}。其余部分照常生成，请修正后重试。",
        "en": "This section could not be analysed ({field}): {reason}. The rest of the report is "
        "still rendered; fix it and render again.",
    },
    "gap_review_date": {
        "zh": "请补充复盘日期（YYYY-MM-DD），行动的截止日期要据此检查。",
        "en": "Supply the review date (YYYY-MM-DD); action due dates are checked against it.",
    },
    "gap_period": {
        "zh": "请补充项目起止日期。",
        "en": "Supply the project's start and end dates.",
    },
    "gap_goals": {
        "zh": "未记录项目目标：先回顾（或如实重建）目标，再评估结果。",
        "en": "No goals are recorded: record (or honestly reconstruct) the goals before judging results.",
    },
    "gap_metrics": {
        "zh": "未提供量化指标（目标、实际值、基线），无法计算达成情况。",
        "en": "No metrics (target, actual, baseline) are given, so attainment cannot be computed.",
    },
    "gap_problems": {
        "zh": "未列出问题与挑战。",
        "en": "No problems or challenges are listed.",
    },
    "gap_lessons": {
        "zh": "未总结可复用的经验。",
        "en": "No transferable lessons are recorded.",
    },
    "gap_actions": {
        "zh": "没有改进行动：复盘的结论需要落到有负责人、有日期的行动上。",
        "en": "No improvement actions: a review's conclusions need actions with an owner and a date.",
    },
    "gap_kpi_baseline": {
        "zh": "KPI 树没有任何基线值，无法把根指标的变化分解到各驱动因素；如有上一周期数据请补充。",
        "en": "The KPI tree has no baseline values, so the root's change cannot be split among its "
        "drivers; supply the previous period's values if there are any.",
    },
    "kpi_tree": {"zh": "KPI 树", "en": "KPI tree"},
    "period_reversed": {
        "zh": "项目开始日期 {start} 晚于结束日期 {end}。",
        "en": "The project starts ({start}) after it ends ({end}).",
    },
    "phase_reversed": {
        "zh": "阶段“{name}”的开始日期 {start} 晚于结束日期 {end}。",
        "en": "Phase '{name}' starts ({start}) after it ends ({end}).",
    },
    "phase_outside_period": {
        "zh": "阶段“{name}”（{start} ~ {end}）超出了项目周期 {period_start} ~ {period_end}。",
        "en": "Phase '{name}' ({start} to {end}) lies outside the project period {period_start} to {period_end}.",
    },
    "milestone_outside_period": {
        "zh": "里程碑“{name}”的日期 {date} 不在项目周期 {period_start} ~ {period_end} 内。",
        "en": "Milestone '{name}' ({date}) lies outside the project period {period_start} to {period_end}.",
    },
    "follow_up_overdue": {
        "zh": "上期行动“{action}”（{review}）截至 {as_of} 已逾期 {days}：请更新状态，或说明原因并调整日期。",
        "en": "Earlier action '{action}' ({review}) is {days} overdue as of {as_of}: update its status, or give "
        "the reason and a new date.",
    },
    "gap_timeline": {
        "zh": "没有事件时间线：请按时间记录影响开始、发现、升级、止损、解决等事件，用时由工具计算。",
        "en": "No incident timeline: record the events (impact start, detected, escalated, mitigated, resolved) "
        "with their times; the durations are computed from them.",
    },
    "gap_trigger": {"zh": "未写明触发因素（trigger）。", "en": "The trigger is not described."},
    "gap_detection": {
        "zh": "未写明如何发现（detection）：告警、客户反馈还是偶然发现？",
        "en": "Detection is not described: an alert, a customer report, or by chance?",
    },
    "gap_resolution": {"zh": "未写明如何止损与解决（resolution）。", "en": "The resolution is not described."},
    "gap_impact": {
        "zh": "未写明影响：受影响的用户、请求、收入或数据（数字请放在 reported_only 指标中）。",
        "en": "The impact is not described: users, requests, revenue or data affected (figures go in metrics "
        "with reported_only).",
    },
    "gap_severity": {"zh": "未标注严重级别（如 SEV2）。", "en": "No severity is given (e.g. SEV2)."},
    "gap_where_lucky": {
        "zh": "未记录“哪里侥幸”（险些更糟的地方）：这些是下一次事故的线索。",
        "en": "Nothing is recorded under 'where we got lucky': near misses point to the next incident.",
    },
    "gap_root_causes": {
        "zh": "没有根因或促成因素：请用 5 Whys 或列出 contributing_factors。",
        "en": "No root causes or contributing factors: use five_whys or list contributing_factors.",
    },
    "interim_review": {
        "zh": "复盘日期 {review} 早于项目结束日期 {end}：这是阶段性复盘，结果可能尚未定型。",
        "en": "The review date {review} is before the project end {end}: an interim review, results may not be final.",
    },
}


def point_title(point: PointLike) -> str:
    """The headline of a point given as text or as a titled object."""
    return point.title if isinstance(point, Point) else point


def _clip(text: str, limit: int = _SUBJECT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prefixed(path: str | None, prefix: str) -> str | None:
    if not prefix:
        return path
    return prefix.rstrip(".") if not path else f"{prefix}{path}"


def _index_of(path: str | None) -> int | None:
    match = _INDEX.match(path or "")
    return int(match.group(1)) if match else None


class _Collector:
    """Gathers findings and gaps section by section, and shields each section from the others."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.findings: list[SectionFinding] = []
        self.gaps: list[SectionGap] = []
        self.failed: list[SectionId] = []

    def run(self, section: SectionId, prefix: str, analysis: Callable[[], _T]) -> _T | None:
        """Run one analysis; input it cannot use becomes an error finding for the section."""
        try:
            return analysis()
        except InputError as error:
            self._fail(section, prefix, error.field, error.reason)
        except ValueError as error:  # pydantic validation inside an analysis, or a value it refused
            self._fail(section, prefix, "", str(error).splitlines()[0])
        return None

    def _fail(self, section: SectionId, prefix: str, field: str, reason: str) -> None:
        path = _prefixed(field, prefix) or section
        reason = reason.rstrip("。. ")
        message = tr(_TEXT, "section_failed", self.language, field=path, reason=reason)
        self.findings.append(
            SectionFinding(section=section, code="section_failed", severity="error", message=message, path=path)
        )
        if section not in self.failed:
            self.failed.append(section)

    def add_findings(self, section: SectionId, findings: Iterable[Finding], prefix: str = "") -> None:
        for finding in findings:
            self.findings.append(
                SectionFinding(
                    section=section,
                    code=finding.code,
                    severity=finding.severity,
                    message=finding.message,
                    path=_prefixed(finding.path, prefix),
                )
            )

    def add_finding(self, section: SectionId, code: str, severity: Severity, path: str, **values: object) -> None:
        """A finding of the review itself; its message is the `_TEXT` entry named like its code."""
        message = tr(_TEXT, code, self.language, **values)
        self.findings.append(SectionFinding(section=section, code=code, severity=severity, message=message, path=path))

    def add_gap(
        self, section: SectionId, kind: GapKind, gap: DataGap, prefix: str = "", subject: str | None = None
    ) -> None:
        self.gaps.append(
            SectionGap(
                section=section,
                kind=kind,
                subject=subject if subject is not None else gap.subject,
                field=gap.field,
                message=gap.message,
                path=_prefixed(gap.path, prefix),
            )
        )

    def add_section_gap(self, section: SectionId, field: str, key: str, kind: GapKind = "section") -> None:
        message = tr(_TEXT, key, self.language)
        self.gaps.append(
            SectionGap(section=section, kind=kind, subject=field, field=field, message=message, path=field)
        )

    def sorted_findings(self) -> list[SectionFinding]:
        return sorted(self.findings, key=lambda f: (_SECTION_ORDER[f.section], SEVERITY_ORDER[f.severity]))

    def sorted_gaps(self) -> list[SectionGap]:
        return sorted(self.gaps, key=lambda g: _SECTION_ORDER[g.section])


# --------------------------------------------------------------------------- sections


def _overview_gaps(review: Review, out: _Collector) -> None:
    if review.review_date is None:
        out.add_section_gap("overview", "review_date", "gap_review_date", kind="missing")
    no_period = review.period is None or review.period.start is None or review.period.end is None
    if no_period and not (is_incident(review) and review.timeline):  # an incident's timeline dates it
        out.add_section_gap("timeline", "period", "gap_period", kind="missing")
    if not review.goals and not review.metrics:
        out.add_section_gap("goals", "goals", "gap_goals")


def _timeline_findings(review: Review, out: _Collector) -> None:
    """Dates that contradict each other: reversed periods, phases or milestones outside the project."""
    start = review.period.start if review.period else None
    end = review.period.end if review.period else None
    if start and end and start > end:
        out.add_finding("timeline", "period_reversed", "error", "period", start=start, end=end)
    if review.review_date and end and review.review_date < end:
        out.add_finding("timeline", "interim_review", "info", "review_date", review=review.review_date, end=end)
    for index, phase in enumerate(review.phases):
        path = f"phases[{index}]"
        if phase.start and phase.end and phase.start > phase.end:
            out.add_finding(
                "timeline", "phase_reversed", "error", path, name=phase.name, start=phase.start, end=phase.end
            )
        if start and end and (_outside(phase.start, start, end) or _outside(phase.end, start, end)):
            out.add_finding(
                "timeline",
                "phase_outside_period",
                "info",
                path,
                name=phase.name,
                start=phase.start or "?",
                end=phase.end or "?",
                period_start=start,
                period_end=end,
            )
        for m_index, milestone in enumerate(phase.milestones):
            if start and end and _outside(milestone.date, start, end):
                out.add_finding(
                    "timeline",
                    "milestone_outside_period",
                    "info",
                    f"{path}.milestones[{m_index}].date",
                    name=milestone.name,
                    date=milestone.date,
                    period_start=start,
                    period_end=end,
                )


def _outside(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and not start <= day <= end


def _analyse_attainment(review: Review, out: _Collector) -> AttainmentResult | None:
    if not review.metrics:
        out.add_section_gap("results", "metrics", "gap_metrics")
        return None
    result = out.run("results", "", lambda: compute_attainment(review.metrics, out.language))
    if result is None:
        return None
    for error in result.errors:
        out.findings.append(
            SectionFinding(
                section="results",
                code=f"unreadable_{error.field}",
                severity="error",
                message=error.message,
                path=error.path,
            )
        )
    statuses = {metric.index: metric.status for metric in result.metrics}
    for gap in result.summary.data_gaps:
        status = statuses.get(_index_of(gap.path) or 0) if _index_of(gap.path) is not None else None
        kind: GapKind = "unverifiable" if status == "needs_verification" else "missing"
        out.add_gap("results", kind, gap)
    return result


_PROSE_SECTIONS: dict[str, SectionId] = {
    "conclusion": "overview",
    "qualitative_results": "results",
    "success_factors": "success_factors",
    "problems": "problems",
    "pdca": "pdca",
}


def _check_prose(review: Review, attainment: AttainmentResult | None, out: _Collector) -> ProseCheck | None:
    """Sentences of the prose that contradict the computed statuses or figures, in their sections."""
    if attainment is None or not attainment.metrics:
        return None
    result = check_prose(review, attainment, out.language)
    for finding in result.findings:
        section = _PROSE_SECTIONS.get(re.split(r"[\[.]", finding.field)[0], "results")
        out.add_findings(section, [finding])
    return result


def _analyse_kpi_tree(review: Review, out: _Collector) -> KpiTreeResult | None:
    bundle = review.kpi_tree
    if bundle is None or (not bundle.nodes and bundle.template is None):
        return None
    result = out.run(
        "kpi_tree",
        "kpi_tree.",
        lambda: build_kpi_tree(bundle.nodes, bundle.root, bundle.template, out.language, bundle.method, bundle.order),
    )
    if result is None:
        return None
    out.add_findings("kpi_tree", result.findings, "kpi_tree.")
    no_baseline = all(e.baseline.reported is None for e in result.evaluations)
    names = {e.id: e.name for e in result.evaluations}
    for gap in result.data_gaps:
        if no_baseline and gap.field == "baseline":
            continue
        out.add_gap("kpi_tree", "missing", gap, "kpi_tree.", subject=names.get(gap.subject, gap.subject))
    against_target = result.decomposition is not None and result.decomposition.reference == "target"
    if no_baseline and result.evaluations and not against_target:  # the gap to target was split instead
        root_name = names.get(result.root, result.root)
        out.add_gap(
            "kpi_tree",
            "missing",
            DataGap(
                subject=root_name, field="baseline", message=tr(_TEXT, "gap_kpi_baseline", out.language), path="nodes"
            ),
            "kpi_tree.",
        )
    for finding in result.findings:
        if finding.code == "inconsistent":
            node = _node_of(result, finding.path)
            out.add_gap(
                "kpi_tree",
                "unverifiable",
                DataGap(subject=node, field="formula", message=finding.message, path=finding.path),
                "kpi_tree.",
            )
    return result


def _node_of(result: KpiTreeResult, path: str | None) -> str:
    index = _index_of(path)
    if index is not None and index < len(result.nodes):
        return result.nodes[index].label
    return tr(_TEXT, "kpi_tree", result.language)


def _analyse_swot(review: Review, out: _Collector) -> SwotResult | None:
    bundle = review.swot
    if bundle is None:
        return None
    result = out.run(
        "swot",
        "swot.",
        lambda: swot(
            bundle.strengths,
            bundle.weaknesses,
            bundle.opportunities,
            bundle.threats,
            bundle.strategies,
            out.language,
        ),
    )
    if result is not None:
        out.add_findings("swot", result.findings, "swot.")
    return result


def _analyse_chain(index: int, chain: FiveWhysInput, review: Review, out: _Collector) -> FiveWhysResult | None:
    prefix = f"five_whys[{index}]."
    result = out.run(
        "five_whys",
        prefix,
        lambda: five_whys(
            chain.problem, chain.whys, chain.root_cause, chain.countermeasures, out.language, review.review_date
        ),
    )
    if result is None:
        return None
    out.add_findings("five_whys", result.findings, prefix)
    answers = {node.id: node.answer for node in result.whys}
    for gap in result.data_gaps:
        kind: GapKind = "unverifiable" if gap.field == "evidence" else "missing"
        subject = _clip(answers.get(gap.subject, gap.subject))
        out.add_gap("five_whys", kind, gap, prefix, subject=subject)
    return result


def _root_causes(chains: Sequence[FiveWhysResult | None]) -> list[str]:
    return [root.text for chain in chains if chain is not None for root in chain.root_causes]


def _causes(review: Review, chains: Sequence[FiveWhysResult | None]) -> list[tuple[str, str]]:
    """Every root cause with where it comes from: the 5 Whys chains, then the contributing factors."""
    causes = [
        (root.text, f"five_whys[{index}]")
        for index, chain in enumerate(chains)
        if chain is not None
        for root in chain.root_causes
    ]
    causes += [
        (point_title(point), f"contributing_factors[{i}]") for i, point in enumerate(review.contributing_factors)
    ]
    return list(dict.fromkeys(causes))


def _analyse_timeline(review: Review, out: _Collector) -> TimelineResult | None:
    """The incident timeline: durations, order and sequence checks, the tone check on its text."""
    if not review.timeline:
        if is_incident(review):
            out.add_section_gap("incident_timeline", "timeline", "gap_timeline")
        return None
    default_date = review.period.start if review.period else None
    result = out.run(
        "incident_timeline",
        "",
        lambda: check_timeline(
            review.timeline,
            review.timezone,
            out.language,
            review_date=review.review_date,
            default_date=default_date,
            roster=review.roster,
        ),
    )
    if result is None:
        return None
    out.add_findings("incident_timeline", result.findings)
    for gap in result.data_gaps:
        out.add_gap("incident_timeline", "missing", gap)
    return result


def _analyse_severity(review: Review, out: _Collector) -> SeverityCheck | None:
    if not review.severity:
        if is_incident(review):
            out.add_section_gap("impact", "severity", "gap_severity", kind="missing")
        return None
    result = check_severity(review.severity, review.severity_scale, out.language)
    out.add_findings("impact", result.findings)
    return result


def _incident_gaps(review: Review, out: _Collector) -> None:
    """The postmortem sections an incident review should not leave empty."""
    if not is_incident(review):
        return
    if not review.impact and not review.metrics:
        out.add_section_gap("impact", "impact", "gap_impact")
    sections: tuple[tuple[str, SectionId], ...] = (
        ("trigger", "trigger"),
        ("detection", "detection"),
        ("resolution", "resolution"),
    )
    for field, section in sections:
        if not getattr(review, field):
            out.add_section_gap(section, field, f"gap_{field}")
    if not review.where_lucky:
        out.add_section_gap("where_lucky", "where_lucky", "gap_where_lucky")
    if not review.five_whys and not review.contributing_factors:
        out.add_section_gap("root_causes", "contributing_factors", "gap_root_causes")


def _analyse_coverage(
    review: Review, chains: Sequence[FiveWhysResult | None], out: _Collector
) -> RootCauseCoverage | None:
    """Postmortem-style reviews (an incident, typed actions or contributing factors): every root cause
    answered by an action, and by a prevention; incident actions tracked by a ticket."""
    incident = is_incident(review)
    typed = any(action.kind for action in review.actions)
    if incident and review.actions:
        out.add_findings("actions", ticket_findings(review.actions, out.language))
    if not (incident or typed or review.contributing_factors):
        return None
    causes = _causes(review, chains)
    if not causes or not review.actions:
        return None
    result = root_cause_coverage(review.actions, causes, out.language, require_prevent=incident or typed)
    out.add_findings("root_causes", result.findings)
    for index in range(len(chains)):
        of_chain = [c for c in result.causes if c.source == f"five_whys[{index}]"]
        if of_chain and all(c.answered for c in of_chain):  # the review's actions answer what the chain left open
            prefix = f"five_whys[{index}]."
            out.findings = [
                f
                for f in out.findings
                if not (f.code == "root_cause_no_countermeasure" and (f.path or "").startswith(prefix))
            ]
    return result


def _analyse_actions(
    review: Review, chains: Sequence[FiveWhysResult | None], today: dt.date | None, out: _Collector
) -> ActionCheckResult | None:
    if not review.actions:
        out.add_section_gap("actions", "actions", "gap_actions")
        return None
    problems = [point_title(problem) for problem in review.problems]
    result = out.run(
        "actions",
        "",
        lambda: check_actions(
            review.actions,
            review.review_date,
            problems,
            [*_root_causes(chains), *(point_title(point) for point in review.contributing_factors)],
            out.language,
            today,
        ),
    )
    if result is None:
        return None
    for check in result.actions:
        out.add_findings("actions", check.findings)
    out.add_findings("actions", result.findings)
    for gap in result.data_gaps:
        out.add_gap("actions", "missing", gap, subject=_clip(gap.subject))
    return result


def _analyse_risks(review: Review, out: _Collector) -> RiskCheckResult | None:
    if not review.risks:
        return None
    result = out.run("risks", "", lambda: check_risks(review.risks, out.language))
    if result is None:
        return None
    for check in result.risks:
        out.add_findings("risks", check.findings)
    for gap in result.data_gaps:
        out.add_gap("risks", "missing", gap, subject=_clip(gap.subject))
    return result


def _content_gaps(review: Review, out: _Collector) -> None:
    if not review.problems and not (is_incident(review) and review.went_wrong):
        out.add_section_gap("problems", "problems", "gap_problems")
    if not review.lessons:
        out.add_section_gap("lessons", "lessons", "gap_lessons")


def _follow_up_findings(follow_up: Sequence[OpenAction], as_of: AsOf | None, out: _Collector) -> None:
    for index, action in enumerate(follow_up):
        if action.overdue:
            day = action.as_of or (as_of.date if as_of else None)
            out.add_finding(
                "follow_up",
                "follow_up_overdue",
                "warning",
                f"follow_up[{index}]",
                action=_clip(action.action),
                review=action.review_title,
                days=days_text(action.days_overdue, out.language),
                as_of=day.isoformat() if day else "?",
            )


def analyze_review(
    review: Review,
    language: Language | None = None,
    follow_up: Sequence[OpenAction] = (),
    *,
    today: dt.date | None = None,
) -> ReviewAnalysis:
    """Run every analysis on the review's raw inputs; gather findings and data gaps by section.

    ``language`` defaults to the review's language, then Chinese. ``follow_up`` are the open actions
    of earlier reviews of the project (from the store); overdue ones become findings. Never raises for
    the content of one section: such problems become findings for that section.

    Overdue actions are counted as of the review's date; ``today`` is only the fallback for a review
    without a date (the result's ``as_of`` says which was used). Without either, nothing is overdue.
    """
    lang: Language = language or review.language or "zh"
    as_of = reference_date(review_date=review.review_date, today=today)
    out = _Collector(lang)
    _overview_gaps(review, out)
    _timeline_findings(review, out)
    attainment = _analyse_attainment(review, out)
    prose = _check_prose(review, attainment, out)
    kpi_tree = _analyse_kpi_tree(review, out)
    _content_gaps(review, out)
    swot_result = _analyse_swot(review, out)
    chains = [_analyse_chain(index, chain, review, out) for index, chain in enumerate(review.five_whys)]
    actions = _analyse_actions(review, chains, today, out)
    coverage = _analyse_coverage(review, chains, out)
    _follow_up_findings(follow_up, as_of, out)
    risks = _analyse_risks(review, out)
    timeline = _analyse_timeline(review, out)
    severity = _analyse_severity(review, out)
    _incident_gaps(review, out)
    findings = out.sorted_findings()
    return ReviewAnalysis(
        language=lang,
        attainment=attainment,
        kpi_tree=kpi_tree,
        swot=swot_result,
        five_whys=chains,
        actions=actions,
        risks=risks,
        timeline=timeline,
        severity=severity,
        root_cause_coverage=coverage,
        findings=findings,
        counts=SeverityCounts.of(findings),
        data_gaps=out.sorted_gaps(),
        failed_sections=out.failed,
        as_of=as_of,
        prose=prose,
    )
