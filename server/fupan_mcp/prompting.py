"""The `project_review` prompt: seven arguments of the original template plus a language.

Templates live in ``fupan_mcp/prompts`` (shipped in the wheel, found in editable installs too).
The text mentions only the tools the server actually offers, so it stays true as tools are added.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from fupan_mcp.i18n import Language, Table, tr

if TYPE_CHECKING:
    import jinja2

PROMPT_ARGUMENTS: dict[str, tuple[str, str]] = {
    "project_info": (
        "项目核心信息:名称、目标、范围、参与方、关键交付物",
        "Core project information: name, goals, scope, participants, key deliverables",
    ),
    "period_and_phases": (
        "项目周期与阶段:起止日期、各阶段与里程碑",
        "Period and phases: start and end dates, phases and milestones",
    ),
    "review_dimensions": (
        "复盘核心维度,如目标达成、进度、质量、成本、协作、风险",
        "Review dimensions, e.g. goal attainment, schedule, quality, cost, collaboration, risk",
    ),
    "key_data": (
        "关键数据与材料:目标值、实际值、基线、反馈、事件记录",
        "Key data and materials: targets, actuals, baselines, feedback, incident notes",
    ),
    "project_type": (
        "项目类型,如新产品/服务开发、市场营销活动、技术研发与实施",
        "Project type, e.g. product development, marketing campaign, technical implementation",
    ),
    "report_focus": (
        "期望报告侧重,如改进建议可操作性、风险预警、战略前瞻",
        "Report focus, e.g. actionable improvements, risk alerts, strategic outlook",
    ),
    "analysis_models": (
        "偏好的分析模型,如 GRAI、SWOT、5 Whys、KPI 指标树、PDCA",
        "Preferred analysis models, e.g. GRAI, SWOT, 5 Whys, KPI tree, PDCA",
    ),
}


def argument_description(name: str) -> str:
    zh, en = PROMPT_ARGUMENTS[name]
    return f"{zh} / {en}"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    import jinja2  # imported on first use to keep server start-up light

    return jinja2.Environment(
        loader=jinja2.PackageLoader("fupan_mcp", "prompts"),
        autoescape=False,  # the output is a plain-text prompt, not HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_review_prompt(
    *,
    project_info: str,
    period_and_phases: str = "",
    review_dimensions: str = "",
    key_data: str = "",
    project_type: str = "",
    report_focus: str = "",
    analysis_models: str = "",
    language: Language = "zh",
    tools: Collection[str] = (),
) -> str:
    """Fill the review prompt in ``language``; ``tools`` names the tools the server offers."""
    if not project_info.strip():
        raise ValueError("project_info: must not be empty")
    template = _environment().get_template(f"project_review.{language}.md.j2")
    offered = set(tools)
    incident = is_incident_type(project_type)
    return template.render(
        project_info=project_info.strip(),
        period_and_phases=period_and_phases.strip(),
        review_dimensions=review_dimensions.strip(),
        key_data=key_data.strip(),
        project_type=project_type.strip(),
        report_focus=report_focus.strip(),
        analysis_models=analysis_models.strip(),
        tools=offered,
        incident=incident,
        plan=plan_review(project_type, report_focus, analysis_models, review_dimensions, offered, language, incident),
        section_title=lambda section: _section_title(section, language),
        model_label=lambda model: tr(MODEL_LABELS, model, language),
    )


def _section_title(section: str, language: Language) -> str:
    from fupan_mcp.report.strings import TEXT

    key = f"section.{section}"
    return tr(TEXT, key, language) if key in TEXT else section


# --------------------------------------------------------------------------------------------------
# What the parameters choose: the plan the prompt spells out
# --------------------------------------------------------------------------------------------------

_MODEL_WORDS: dict[str, str] = {
    "grai": r"grai|复盘四步",
    "swot": r"swot|tows|态势分析|优劣势",
    "five_whys": r"5\s*whys?|five\s*whys?|5\s*why|五问|5\s*问|五个为什么|根因|root[\s-]*cause",
    "kpi_tree": r"kpi|指标树|指标拆解|driver\s*tree|metric\s*tree|北极星|north\s*star|杜邦|dupont",
    "pdca": r"pdca|戴明|deming",
    "aar": r"\baar\b|after[\s-]*action|行动后",
    "fishbone": r"鱼骨|fishbone|ishikawa|石川",
    "risk": r"risk|风险",
    "timeline": r"timeline|时间线|时间轴",
}
"""Analysis models as people name them (the completion values and common variants)."""

_FOCUS_WORDS: dict[str, str] = {
    "risk": r"风险|预警|阈值|隐患|risk|alert|threshold|warning",
    "actions": r"改进|行动|可操作|可执行|落地|执行|闭环|action|improv|actionab|next\s*step|follow",
    "strategy": r"战略|前瞻|展望|长期|方向|规划|strateg|outlook|future|roadmap|long[\s-]*term",
    "data": r"数据|量化|指标|达成|度量|data|metric|quantit|kpi|number|attainment",
    "lessons": r"经验|沉淀|知识|复用|教训|lesson|learning|knowledge|reuse",
    "cost": r"成本|预算|费用|投入产出|roi|cost|budget|spend",
}
"""Report focuses the prompt knows how to serve: each brings its sections and tools."""

MODEL_LABELS: Table = {
    "grai": {"zh": "GRAI", "en": "GRAI"},
    "swot": {"zh": "SWOT", "en": "SWOT"},
    "five_whys": {"zh": "5 Whys", "en": "5 Whys"},
    "kpi_tree": {"zh": "KPI 指标树", "en": "KPI tree"},
    "pdca": {"zh": "PDCA", "en": "PDCA"},
    "aar": {"zh": "AAR", "en": "AAR"},
    "fishbone": {"zh": "鱼骨图", "en": "fishbone"},
    "risk": {"zh": "风险阈值", "en": "risk thresholds"},
    "timeline": {"zh": "事件时间线", "en": "timeline"},
}
"""How the prompt names each model."""

FOCUS_SECTIONS: dict[str, tuple[str, ...]] = {
    "risk": ("risks", "problems", "outlook"),
    "actions": ("actions", "lessons", "five_whys"),
    "strategy": ("swot", "outlook", "lessons"),
    "data": ("results", "kpi_tree", "goals"),
    "lessons": ("lessons", "success_factors", "problems"),
    "cost": ("results", "kpi_tree", "problems"),
}
"""Report sections (render_report section ids) each focus puts first."""

FOCUS_TOOLS: dict[str, tuple[str, ...]] = {
    "risk": ("check_risks",),
    "actions": ("check_actions", "update_action", "list_actions"),
    "strategy": ("swot",),
    "data": ("compute_attainment", "build_kpi_tree"),
    "lessons": ("search_lessons",),
    "cost": ("compute_attainment", "build_kpi_tree"),
}

_MODEL_TOOLS: dict[str, tuple[str, ...]] = {
    "kpi_tree": ("build_kpi_tree",),
    "five_whys": ("five_whys",),
    "fishbone": ("five_whys",),
    "swot": ("swot",),
    "risk": ("check_risks",),
    "timeline": ("check_timeline",),
}
ANALYSIS_ORDER: tuple[str, ...] = (
    "check_timeline",
    "compute_attainment",
    "build_kpi_tree",
    "five_whys",
    "swot",
    "check_risks",
    "check_actions",
    "check_compliance",
)
"""The analyses in the order the review needs them (results, drivers, causes, position, risks, actions)."""

_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("incident", r"incident|postmortem|post[\s-]*mortem|outage|故障|事故|宕机"),
    ("marketing_campaign", r"营销|市场|推广|大促|促销|活动|campaign|marketing|promotion|launch\s*event"),
    ("product_development", r"产品|mvp|saas|新功能|product|feature|app\b"),
    (
        "technical_implementation",
        r"研发|实施|上线|系统|迁移|部署|erp|wms|crm|技术|implementation|rollout|migration|platform",
    ),
    ("process_improvement", r"流程|精益|效率|process|lean|workflow|six\s*sigma"),
    ("cross_team_collaboration", r"协作|跨部门|跨团队|联合|collaborat|cross[\s-]*(?:team|functional)|partnership"),
)


@dataclass(frozen=True)
class ChecklistItem:
    section: str
    text: str


@dataclass(frozen=True)
class KpiSkeleton:
    key: str
    root: str
    nodes: tuple[tuple[str, str, str | None], ...]
    """(id, name, formula) of each node."""


@dataclass(frozen=True)
class ReviewPlan:
    """What the prompt's parameters choose: the project type's checklist and KPI template, the analyses
    to run (from the preferred models), the report focus with its sections and tools."""

    type_key: str | None = None
    checklist: tuple[ChecklistItem, ...] = ()
    kpi: KpiSkeleton | None = None
    models: tuple[str, ...] = ()
    models_from: str = "default"
    """'user' (analysis_models named them), 'type' (the project type's checklist) or 'default'."""
    analyses: tuple[str, ...] = ()
    """Analysis tools to run, in order (only tools the server offers)."""
    skipped: tuple[str, ...] = ()
    """Analysis tools the server offers that the chosen models leave out."""
    focus: tuple[str, ...] = ()
    focus_sections: tuple[str, ...] = ()
    focus_tools: tuple[str, ...] = field(default_factory=tuple)
    risk_dimension: bool = False


def _matches(table: dict[str, str], text: str) -> tuple[str, ...]:
    folded = text.casefold()
    return tuple(key for key, pattern in table.items() if re.search(pattern, folded, re.IGNORECASE))


def project_type_of(project_type: str) -> str | None:
    """The catalog key a project type names: the key or a label, else the first type whose words appear."""
    from fupan_mcp.domain.review import project_type_key

    text = project_type.strip()
    if not text:
        return None
    exact = project_type_key(text[:200])
    if exact is not None:
        return exact
    folded = text.casefold()
    return next((key for key, words in _TYPE_WORDS if re.search(words, folded, re.IGNORECASE)), None)


def plan_review(
    project_type: str,
    report_focus: str,
    analysis_models: str,
    review_dimensions: str,
    tools: Collection[str],
    language: Language,
    incident: bool = False,
) -> ReviewPlan:
    """The plan the prompt walks: a pure function of the prompt's arguments and the offered tools."""
    from fupan_mcp import knowledge

    offered = set(tools)
    type_key = "incident" if incident else project_type_of(project_type)
    entry = knowledge.checklist_entry(type_key) if type_key else None
    checklist = tuple(ChecklistItem(item["section"], item[language]) for item in (entry or {}).get("sections", []))
    kpi = None
    template_key = (entry or {}).get("kpi_template")
    if template_key:
        from fupan_mcp.analysis.kpi_templates import template_nodes, template_root

        nodes = tuple((node.id, node.name or node.id, node.formula) for node in template_nodes(template_key, language))
        kpi = KpiSkeleton(template_key, template_root(template_key), nodes)

    models = _matches(_MODEL_WORDS, analysis_models)
    models_from = "user"
    if not models and entry:
        models, models_from = _matches(_MODEL_WORDS, " ".join(entry.get("models", []))), "type"
    if not models:
        models, models_from = ("grai", "kpi_tree", "five_whys", "swot"), "default"
    focus = _matches(_FOCUS_WORDS, report_focus)
    risk_dimension = bool(re.search(_MODEL_WORDS["risk"], review_dimensions.casefold()))

    wanted = {"compute_attainment", "check_actions", "check_compliance"}
    if incident:
        wanted.update(("check_timeline", "five_whys"))
    for model in models:
        wanted.update(_MODEL_TOOLS.get(model, ()))
    if kpi is not None and models_from != "user":
        wanted.add("build_kpi_tree")
    if risk_dimension:
        wanted.add("check_risks")
    for key in focus:
        wanted.update(tool for tool in FOCUS_TOOLS[key] if tool in ANALYSIS_ORDER)
    analyses = tuple(tool for tool in ANALYSIS_ORDER if tool in wanted and tool in offered)
    skipped = tuple(
        tool
        for tool in ANALYSIS_ORDER
        if tool in offered and tool not in wanted and (incident or tool != "check_timeline")  # incidents only
    )
    sections = tuple(dict.fromkeys(section for key in focus for section in FOCUS_SECTIONS[key]))
    focus_tools = tuple(dict.fromkeys(tool for key in focus for tool in FOCUS_TOOLS[key] if tool in offered))
    return ReviewPlan(
        type_key=type_key,
        checklist=checklist,
        kpi=kpi,
        models=models,
        models_from=models_from,
        analyses=analyses,
        skipped=skipped,
        focus=focus,
        focus_sections=sections,
        focus_tools=focus_tools,
        risk_dimension=risk_dimension,
    )


def is_incident_type(project_type: str) -> bool:
    """Whether a project type names an incident postmortem ('incident', '故障复盘', 'Postmortem', 'outage')."""
    from fupan_mcp.domain.review import Review, is_incident

    return bool(project_type.strip()) and is_incident(Review(project="-", project_type=project_type.strip()[:200]))
