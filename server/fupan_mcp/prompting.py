"""The `project_review` prompt: seven arguments of the original template plus a language.

Templates live in ``fupan_mcp/prompts`` (shipped in the wheel, found in editable installs too).
The text mentions only the tools the server actually offers, so it stays true as tools are added.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from typing import TYPE_CHECKING

from fupan_mcp.i18n import Language

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
    return template.render(
        project_info=project_info.strip(),
        period_and_phases=period_and_phases.strip(),
        review_dimensions=review_dimensions.strip(),
        key_data=key_data.strip(),
        project_type=project_type.strip(),
        report_focus=report_focus.strip(),
        analysis_models=analysis_models.strip(),
        tools=set(tools),
        incident=is_incident_type(project_type),
    )


def is_incident_type(project_type: str) -> bool:
    """Whether a project type names an incident postmortem ('incident', '故障复盘', 'Postmortem', 'outage')."""
    from fupan_mcp.domain.review import Review, is_incident

    return bool(project_type.strip()) and is_incident(Review(project="-", project_type=project_type.strip()[:200]))
