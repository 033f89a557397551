"""The whole review: one document that carries every section of a 复盘 report, and what its analysis returns.

A review is built over many turns, so every field is optional except ``project``. The bundles
(`KpiTreeInput`, `SwotInput`, `FiveWhysInput`) use the argument names of their tools
(`build_kpi_tree`, `swot`, `five_whys`), so a model can paste a tool call's arguments into the review.
Raw inputs only: every figure the report shows is computed from them by `analysis.review`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from annotated_types import Len
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    Field,
    ModelWrapValidatorHandler,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from fupan_mcp.catalog import PROJECT_TYPES
from fupan_mcp.domain.actions import ActionCheckResult, ActionItem, Risk, RiskCheckResult, RootCauseCoverage
from fupan_mcp.domain.asof import AsOf
from fupan_mcp.domain.attainment import AttainmentResult, MetricInput
from fupan_mcp.domain.common import DataGap, Finding, IdStr, Language, Model, SeverityCounts, renamed_keys
from fupan_mcp.domain.compliance import MAX_ROSTER, RosterEntry
from fupan_mcp.domain.dates import HumanDate, current_reference, read_date, reference_date
from fupan_mcp.domain.kpi import DecompositionMethod, KpiNode, KpiTreeResult
from fupan_mcp.domain.prose import ProseCheck
from fupan_mcp.domain.swot import StrategyLike, SwotItemLike, SwotResult
from fupan_mcp.domain.timeline import MAX_EVENTS, SeverityCheck, TimelineEvent, TimelineResult
from fupan_mcp.domain.whys import CountermeasureLike, FiveWhysResult, WhyLike
from fupan_mcp.limits import (
    MAX_ACTIONS,
    MAX_KPI_NODES,
    MAX_METRICS,
    MAX_NAME_CHARS,
    MAX_SWOT_ITEMS,
    MAX_TEXT_CHARS,
    MAX_WHYS,
)

__all__ = [
    "CORE_SECTIONS",
    "MAX_CHAINS",
    "MAX_LIST_ITEMS",
    "SECTION_IDS",
    "FiveWhysInput",
    "GapKind",
    "KpiTreeInput",
    "Milestone",
    "Overview",
    "Pdca",
    "Period",
    "Phase",
    "Point",
    "PointLike",
    "RenderedReport",
    "ReportDepth",
    "ReportFormat",
    "Review",
    "ReviewAnalysis",
    "SectionFinding",
    "SectionGap",
    "SectionId",
    "SwotInput",
    "is_incident",
    "project_type_key",
]

MAX_LIST_ITEMS = 500
"""Upper bound for the plain lists of a review (goals, problems, lessons, notes...)."""
MAX_PHASES = 100
MAX_MILESTONES = 200
MAX_CHAINS = 50
"""Upper bound for the number of 5 Whys analyses in one review."""

SectionId = Literal[
    "overview",
    "summary",
    "impact",
    "goals",
    "timeline",
    "incident_timeline",
    "execution",
    "results",
    "kpi_tree",
    "trigger",
    "success_factors",
    "went_well",
    "problems",
    "went_wrong",
    "where_lucky",
    "swot",
    "root_causes",
    "five_whys",
    "detection",
    "resolution",
    "lessons",
    "actions",
    "follow_up",
    "risks",
    "pdca",
    "outlook",
    "supporting",
    "gaps",
]
SECTION_IDS: tuple[SectionId, ...] = get_args(SectionId)
"""Report sections in reading order; 'gaps' (notes and data gaps) is always last."""

CORE_SECTIONS: frozenset[SectionId] = frozenset(
    {"overview", "goals", "results", "problems", "lessons", "actions", "gaps"}
)
"""Sections every review should have: rendered with a 'not provided' line when empty."""

Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_CHARS)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_CHARS)]


# --------------------------------------------------------------------------- building blocks


class Period(Model):
    """Start and end of the project (or of the reviewed stretch of it)."""

    start: HumanDate | None = Field(default=None, description="First day (YYYY-MM-DD).")
    end: HumanDate | None = Field(default=None, description="Last day (YYYY-MM-DD).")


class Overview(Model):
    """What the project was: background, scope, who took part, what it delivered."""

    background: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="Why the project existed, in a few sentences."
    )
    scope: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="What was in scope and, just as useful, what was explicitly out of scope.",
    )
    participants: list[Name] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Teams, roles and external parties (roles rather than personal names).",
    )
    deliverables: list[Text] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="The key deliverables."
    )


class Milestone(Model):
    """A milestone of a phase."""

    name: Name = Field(description="What the milestone marks, e.g. 'M2 试点开放'.")
    date: HumanDate | None = Field(default=None, description="Planned or actual date (YYYY-MM-DD).")
    done: bool | None = Field(default=None, description="True when reached; null when unknown.")
    note: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="Free text.")


class Phase(Model):
    """A stage of the project (启动, 规划, 执行, 监控, 收尾...) with its dates, milestones and what happened."""

    name: Name = Field(description="Name of the phase, e.g. '执行' or 'Cut-over'.")
    start: HumanDate | None = Field(default=None, description="First day (YYYY-MM-DD).")
    end: HumanDate | None = Field(default=None, description="Last day (YYYY-MM-DD).")
    milestones: list[Milestone] = Field(
        default_factory=list, max_length=MAX_MILESTONES, description="Milestones reached in this phase."
    )
    notes: list[Text] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Execution notes: what was done, key decisions, what happened (facts, not blame).",
    )


class Point(Model):
    """A short headline with an optional explanation (a success factor, a problem, a lesson...)."""

    # a point is written {"text": ...} as often as {"title": ...}; {"details": ...} too
    title: Text = Field(description="The point in a few words.", validation_alias=AliasChoices("title", "text"))
    detail: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="Explanation, evidence or example.",
        validation_alias=AliasChoices("detail", "details", "description"),
    )


PointLike = Text | Point
"""A point given as plain text or as a titled object."""


# --------------------------------------------------------------------------- the tools' section arguments
# Declared once (issue 14): each is both a field of the review (a bundle below, or `Review`) and the
# argument of the same name of its tool (`fupan_mcp.tools.analysis`), with one type, bound and text.

KpiNodes = Annotated[
    list[KpiNode],
    Field(
        max_length=MAX_KPI_NODES,
        description="KPI nodes. A node with a formula over other ids ('traffic * cvr * aov', 'gmv / spend') is "
        "computed; a '%' node enters formulas as a fraction. Omit to get a template.",
    ),
]
KpiRoot = Annotated[str | None, Field(max_length=64, description="Id of the root KPI; default: the node no one uses.")]
KpiTemplate = Annotated[str | None, Field(max_length=64, description="A ready skeleton, by its template name.")]
KpiMethod = Annotated[
    DecompositionMethod,
    Field(description="lmdi: exact, order-free; chain: substitution in `order`; shapley."),
]
KpiOrder = Annotated[
    list[IdStr] | None,
    Field(max_length=MAX_KPI_NODES, description="Factor order for chain, e.g. quantity before quality."),
]


def _factors(description: str) -> Any:
    return Field(max_length=MAX_SWOT_ITEMS, description=description)


Strengths = Annotated[list[SwotItemLike], _factors("Internal strengths.")]
Weaknesses = Annotated[list[SwotItemLike], _factors("Internal weaknesses.")]
Opportunities = Annotated[list[SwotItemLike], _factors("External opportunities.")]
Threats = Annotated[list[SwotItemLike], _factors("External threats.")]
Strategies = Annotated[list[StrategyLike], _factors("TOWS strategies citing factor ids.")]

Problem = Annotated[Text, Field(description="The problem, specific and measurable.")]
Whys = Annotated[
    list[WhyLike],
    Field(max_length=MAX_WHYS, description="Answers to 'why?'. A plain list is a chain; `parent` makes branches."),
]
RootCause = Annotated[
    Text | Annotated[list[Text], Len(max_length=MAX_WHYS)] | None, Field(description="Default: the last answers.")
]
Countermeasures = Annotated[
    list[CountermeasureLike],
    Field(max_length=MAX_ACTIONS, description="Actions against the root causes."),
]

Metrics = Annotated[
    list[MetricInput],
    Field(
        max_length=MAX_METRICS,
        description="Targets with their actuals. Target strings as people write them: '≥2,000', '下降30%', "
        "'+5pp', '不超过45元', '≤T+1', '95~99'.",
    ),
]
"""The metrics a tool judges: one without a name among them is reported alone."""


def _stated(action: ActionItem) -> ActionItem:
    """A saved review's action says what is done: `check_actions` reports a blank one and checks the rest,
    but a document keeps no empty row in the tracker, so the save names it instead."""
    if not action.action.strip():
        raise PydanticCustomError("blank_action", "the action text is blank")
    return action


def _named(metric: MetricInput) -> MetricInput:
    """A saved review's metric has a name (trends across reviews follow it); the tool reports a blank one."""
    if not metric.name.strip():
        raise PydanticCustomError("blank_metric_name", "the metric has no name")
    return metric


Actions = Annotated[list[ActionItem], Field(max_length=MAX_ACTIONS)]
"""The actions a tool checks: a blank one among them is reported alone."""
StatedActions = Annotated[list[Annotated[ActionItem, AfterValidator(_stated)]], Field(max_length=MAX_ACTIONS)]
"""The actions a saved review holds: each says what is done."""
NamedMetrics = Annotated[
    list[Annotated[MetricInput, AfterValidator(_named)]],
    Field(
        max_length=MAX_METRICS,
        description="Targets with their actuals. Target strings as people write them: '≥2,000', '下降30%', "
        "'+5pp', '不超过45元', '≤T+1', '95~99'.",
    ),
]
"""The metrics a saved review holds: each has a name."""
Risks = Annotated[list[Risk], Field(max_length=MAX_ACTIONS)]
Timeline = Annotated[
    list[TimelineEvent],
    Field(
        max_length=MAX_EVENTS,
        description="Events; `at` as written, e.g. '2024-03-10 14:05', '14:05', '次日 09:30', 'T+15m'. "
        "Forms: ISO 8601, 'YYYY-MM-DD HH:MM' (in `timezone`), 'Feb 28, 2017 9:37 AM PST', "
        "'3月10日 14:05', '下午2:35', '次日 09:30', 'Day 2 03:00', 'T+15m', a span '14:05–14:20', '~14:05' "
        "(approximate) or 'HH:MM' alone (the date of the event "
        "before; the next day when over an hour earlier). CST/IST/BST need `timezone`. Kind: impact_start, "
        "detected, escalated, mitigated, resolved, impact_end, trigger, change, communication, or a free label.",
    ),
]


class KpiTreeInput(Model):
    """The arguments of `build_kpi_tree`, kept in the review."""

    nodes: KpiNodes = Field(default_factory=list)
    root: KpiRoot = None
    template: KpiTemplate = None
    method: KpiMethod = "lmdi"
    order: KpiOrder = None


class SwotInput(Model):
    """The arguments of `swot`, kept in the review."""

    strengths: Strengths = Field(default_factory=list)
    weaknesses: Weaknesses = Field(default_factory=list)
    opportunities: Opportunities = Field(default_factory=list)
    threats: Threats = Field(default_factory=list)
    strategies: Strategies = Field(default_factory=list)


class FiveWhysInput(Model):
    """The arguments of `five_whys`, kept in the review (the review date is the review's own)."""

    problem: Problem
    whys: Whys = Field(default_factory=list)
    root_cause: RootCause = None
    countermeasures: Countermeasures = Field(default_factory=list)


def _as_list(value: object) -> object:
    """One string is accepted where a list of strings is expected."""
    return [value] if isinstance(value, str) else value


class Pdca(Model):
    """The review read as a PDCA cycle: the plan, what was done, the check, what is acted on next."""

    plan: list[Text] = Field(default_factory=list, max_length=MAX_LIST_ITEMS, description="Plan: goals, plan.")
    do: list[Text] = Field(default_factory=list, max_length=MAX_LIST_ITEMS, description="Do: execution.")
    check: list[Text] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Check: actual against expected."
    )
    act: list[Text] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Act: fix gaps at the root, standardise what worked (the next Plan).",
    )

    @field_validator("plan", "do", "check", "act", mode="before")
    @classmethod
    def _one_string_is_a_list(cls, value: object) -> object:
        return _as_list(value)


# --------------------------------------------------------------------------- the review


REVIEW_ALIASES: Mapping[str, str] = {
    "objectives": "goals",
    "what_went_well": "went_well",
    "what_went_wrong": "went_wrong",
    "where_we_got_lucky": "where_lucky",
    "lessons_learned": "lessons",
    "action_items": "actions",
}
"""Sections as the SRE postmortem and retro templates name them ('What went well' is `went_well`)."""


class Review(Model):
    """A whole project review (复盘). Only `project` is required; missing parts become data gaps."""

    project: Name = Field(description="Project name.")
    title: str | None = Field(
        default=None, max_length=MAX_NAME_CHARS, description="Report title; '<project> 复盘报告' if empty."
    )
    project_type: str | None = Field(
        default=None,
        max_length=MAX_NAME_CHARS,
        description=(
            "Project type: product_development, marketing_campaign, technical_implementation, "
            "process_improvement, cross_team_collaboration, or its Chinese/English label."
        ),
    )
    review_date: HumanDate | None = Field(
        default=None,
        description="Date of the review (YYYY-MM-DD, or '2025年7月3日'); relative dates in the document "
        "('T+30', '7月3日', '月底前') are read against it.",
    )
    language: Language | None = Field(
        default=None, description="Language the review is written in (zh or en); the report's default."
    )
    period: Period | None = Field(default=None, description="Start and end of the project.")
    review_dimensions: list[Name] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Dimensions the review focuses on, e.g. '质量与交付成果', '进度与时间管理'.",
    )
    overview: Overview | None = Field(default=None, description="Background, scope, participants, deliverables.")
    conclusion: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="The conclusion in a few sentences. State no figure that a tool did not compute.",
    )
    goals: list[Text] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="The goals as set at the start (including any changed or added midway, marked so).",
    )
    phases: list[Phase] = Field(
        default_factory=list, max_length=MAX_PHASES, description="Phases with dates, milestones and notes."
    )
    metrics: NamedMetrics = Field(default_factory=list)
    kpi_tree: KpiTreeInput | None = Field(
        default=None, description="The build_kpi_tree arguments: nodes, root, template, method, order."
    )
    qualitative_results: list[Text] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Results that are not figures: feedback themes, observed behaviour, stakeholder views.",
    )
    success_factors: list[PointLike] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="What made things work (3-5 is typical)."
    )
    problems: list[PointLike] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Problems and challenges, most important first; actions may name them in 'addresses'.",
    )
    swot: SwotInput | None = Field(
        default=None,
        description="The swot arguments: strengths, weaknesses, opportunities, threats, strategies.",
    )
    five_whys: list[FiveWhysInput] = Field(
        default_factory=list,
        max_length=MAX_CHAINS,
        description="Root-cause analyses, each with the five_whys arguments: problem, whys, root_cause, "
        "countermeasures.",
    )
    lessons: list[PointLike] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Lessons that transfer to other work (the 'I' of GRAI).",
    )
    actions: StatedActions = Field(
        default_factory=list,
        description="Improvement actions: action (verb first), owner, due, priority, addresses, success_metric.",
    )
    risks: Risks = Field(
        default_factory=list, description="Risks to watch: indicator, yellow and red thresholds, response, owner."
    )
    pdca: Pdca | None = Field(default=None, description="The review as a PDCA cycle.")
    outlook: list[PointLike] = Field(
        default_factory=list, max_length=MAX_LIST_ITEMS, description="Outlook and next steps (未来展望)."
    )
    notes: list[Text] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Remarks for the closing section: sources, caveats, definitions (口径).",
    )
    roster: list[RosterEntry] = Field(
        default_factory=list,
        max_length=MAX_ROSTER,
        description="People whose names must not appear in the report: each is replaced by its role.",
    )
    # --- the postmortem of an incident (project_type 'incident'); any review may use them
    summary: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="Incident summary in a few sentences: what broke, for how long, for whom.",
    )
    severity: str | None = Field(
        default=None, max_length=MAX_NAME_CHARS, description="Severity on the team's scale, e.g. 'SEV2'."
    )
    severity_scale: list[Name] = Field(
        default_factory=list,
        max_length=20,
        description="The team's severity levels, most severe first; default SEV1, SEV2, SEV3, SEV4.",
    )
    timezone: str | None = Field(
        default=None,
        max_length=64,
        description="Zone of timeline times written without one: an IANA name ('Asia/Shanghai', 'UTC') or an "
        "offset ('+08:00', 'UTC-7').",
    )
    impact: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="Who and what was affected. Impact figures (users, requests, revenue, data lost) go in "
        "metrics with reported_only: true.",
    )
    timeline: Timeline = Field(default_factory=list)
    trigger: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="What set the incident off (the trigger)."
    )
    contributing_factors: list[PointLike] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Root causes and contributing factors besides the five_whys chains; actions answer them.",
    )
    detection: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="How the incident was detected (alert, customer...)."
    )
    resolution: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="How it was mitigated and resolved."
    )
    went_well: list[PointLike] = Field(default_factory=list, max_length=MAX_LIST_ITEMS, description="What went well.")
    went_wrong: list[PointLike] = Field(default_factory=list, max_length=MAX_LIST_ITEMS, description="What went wrong.")
    where_lucky: list[PointLike] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Where we got lucky: near misses, things that helped by chance.",
    )
    supporting_information: list[Text] = Field(
        default_factory=list,
        max_length=MAX_LIST_ITEMS,
        description="Supporting information: dashboards, logs, chat transcripts, graphs (links or text).",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _dates_against_review_date(cls, data: object, handler: ModelWrapValidatorHandler[Review]) -> Review:
        """Validate the document with its own review date as the reference of relative dates."""
        reference = None
        raw = data.get("review_date") if isinstance(data, dict) else None
        if isinstance(raw, dt.date):
            reference = raw
        elif isinstance(raw, str):
            reference = read_date(raw, current_reference()).date
        with reference_date(reference):
            return handler(data)

    @model_validator(mode="before")
    @classmethod
    def _postmortem_words(cls, data: object) -> object:
        """Sections under the names postmortem and retro templates give them (lessons_learned, action_items,
        what_went_well / what_went_wrong / where_we_got_lucky, objectives); defined last, so it runs before
        the validator above."""
        return renamed_keys(data, REVIEW_ALIASES)


def project_type_key(value: str | None) -> str | None:
    """The catalog key of a project type given as key or label (zh or en); None when unknown."""
    if not value:
        return None
    needle = value.strip().casefold()
    for key, (zh, en) in PROJECT_TYPES.items():
        if needle in (key, zh.casefold(), en.casefold()):
            return key
    return None


_INCIDENT_WORDS = ("incident", "postmortem", "post-mortem", "post mortem", "outage", "故障", "事故", "事件复盘")


def is_incident(review: Review) -> bool:
    """Whether the review is an incident postmortem: project type 'incident' (key, label or a word for it)."""
    if project_type_key(review.project_type) == "incident":
        return True
    value = (review.project_type or "").casefold()
    return any(word in value for word in _INCIDENT_WORDS)


# --------------------------------------------------------------------------- analysis results

GapKind = Literal["missing", "unverifiable", "section"]


class SectionGap(DataGap):
    """A data gap of the review, with the section it belongs to."""

    section: SectionId = Field(description="The report section the gap belongs to.")
    kind: GapKind = Field(
        description="missing: a value was not supplied; unverifiable: a value was given but cannot prove "
        "what it should (a peak against an average target, a figure that disagrees with its formula, an "
        "unverified cause); section: a whole section is empty."
    )


class SectionFinding(Finding):
    """A finding of one analysis, with the section it belongs to. Paths point into the review."""

    section: SectionId = Field(description="The report section the finding belongs to.")


class ReviewAnalysis(BaseModel):
    """Every analysis run on the review's raw inputs, one findings list and one data-gaps list.

    A section whose input could not be analysed at all has ``None`` as result and an error finding;
    the other sections are still analysed.
    """

    language: Language
    attainment: AttainmentResult | None = Field(default=None, description="compute_attainment on metrics.")
    kpi_tree: KpiTreeResult | None = Field(default=None, description="build_kpi_tree on kpi_tree.")
    swot: SwotResult | None = Field(default=None, description="swot on swot.")
    five_whys: list[FiveWhysResult | None] = Field(
        default_factory=list, description="five_whys on each chain, in order; None for a chain that failed."
    )
    actions: ActionCheckResult | None = Field(default=None, description="check_actions on actions.")
    risks: RiskCheckResult | None = Field(default=None, description="check_risks on risks.")
    timeline: TimelineResult | None = Field(default=None, description="check_timeline on timeline.")
    severity: SeverityCheck | None = Field(default=None, description="The severity read against the scale.")
    root_cause_coverage: RootCauseCoverage | None = Field(
        default=None, description="Which actions answer each root cause, and whether one prevents it."
    )
    findings: list[SectionFinding] = Field(
        default_factory=list, description="Every finding, in section order, most severe first within one."
    )
    counts: SeverityCounts = Field(description="Findings by severity.")
    data_gaps: list[SectionGap] = Field(default_factory=list, description="Every data gap, in section order.")
    failed_sections: list[SectionId] = Field(
        default_factory=list, description="Sections whose input could not be analysed (see findings)."
    )
    as_of: AsOf | None = Field(
        default=None,
        description="The date overdue actions are counted from: the review date, or today when the review "
        "has no date; None when neither was known.",
    )
    prose: ProseCheck | None = Field(
        default=None,
        description="The prose (conclusion, qualitative results, PDCA check, success factors, problems) read "
        "against the computed attainment: sentences whose status words or figures disagree (also in findings).",
    )


# --------------------------------------------------------------------------- the rendered report

ReportFormat = Literal["markdown", "html"]
ReportDepth = Literal["brief", "standard", "full"]
Audience = Literal["reader", "author"]
"""Who a report is for: 'reader' (management: no finding codes, paths or lint tables; the checks become
open questions) or 'author' (the person writing the review: every finding with its code and place)."""


class RenderedReport(BaseModel):
    """What `render_report` returns: the document and what a client needs to talk about it."""

    format: ReportFormat = Field(description="markdown, or html (one self-contained, printable page).")
    depth: ReportDepth = Field(description="brief, standard or full.")
    language: Language
    title: str
    content: str = Field(description="The report itself.")
    sections: list[SectionId] = Field(description="Ids of the sections rendered, in order.")
    summary: str = Field(description="One line: attainment, actions, gaps and findings in figures.")
    data_gaps: list[SectionGap] = Field(description="Every data gap, in section order.")
    findings: SeverityCounts = Field(description="Findings by severity (details in a full report).")
    failed_sections: list[SectionId] = Field(
        default_factory=list, description="Sections whose input could not be analysed."
    )
    masked_count: int = Field(description="Personal data items masked (0 when masking was off).")
    timeline: TimelineResult | None = Field(
        default=None,
        description="The incident timeline as computed: events in order, time to detect, mitigate and resolve, "
        "impact duration, findings.",
    )
    severity: SeverityCheck | None = Field(default=None, description="The severity read against the scale.")
    audience: Audience = Field(
        default="reader", description="reader (management: the checks as open questions) or author (every finding)."
    )
