"""Enumerable values the review prompt offers for completion, in Chinese and English."""

from __future__ import annotations

PROJECT_TYPES: dict[str, tuple[str, str]] = {
    "product_development": ("新产品/服务开发", "New product or service development"),
    "marketing_campaign": ("市场营销活动", "Marketing campaign"),
    "technical_implementation": ("技术研发与实施", "Technical implementation"),
    "process_improvement": ("流程优化", "Process improvement"),
    "cross_team_collaboration": ("跨部门协作", "Cross-team collaboration"),
    "incident": ("故障复盘", "Incident postmortem"),
}

REVIEW_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("目标达成", "Goal attainment"),
    ("进度与时间管理", "Schedule and time management"),
    ("质量与交付成果", "Quality and deliverables"),
    ("成本与资源", "Cost and resources"),
    ("团队协作与沟通", "Team collaboration and communication"),
    ("风险管理与应对", "Risk management and response"),
    ("流程与方法论有效性", "Process and method effectiveness"),
    ("用户与客户反馈", "User and customer feedback"),
    ("数据与度量", "Data and measurement"),
)

ANALYSIS_MODELS: tuple[tuple[str, str], ...] = (
    ("GRAI 复盘四步法", "GRAI"),
    ("SWOT 分析", "SWOT"),
    ("5 Whys 根因分析", "5 Whys"),
    ("KPI 指标树", "KPI tree"),
    ("PDCA 循环", "PDCA"),
    ("AAR 行动后复盘", "After Action Review"),
    ("鱼骨图", "Fishbone diagram"),
)

LANGUAGES: tuple[str, ...] = ("zh", "en")


def completion_values(argument: str) -> list[str]:
    """Every value offered for a prompt argument, Chinese first; empty for free-text arguments."""
    if argument == "project_type":
        return [zh for zh, _ in PROJECT_TYPES.values()] + [en for _, en in PROJECT_TYPES.values()]
    if argument == "review_dimensions":
        return [zh for zh, _ in REVIEW_DIMENSIONS] + [en for _, en in REVIEW_DIMENSIONS]
    if argument == "analysis_models":
        return [zh for zh, _ in ANALYSIS_MODELS] + [en for _, en in ANALYSIS_MODELS]
    if argument == "language":
        return list(LANGUAGES)
    return []


def complete(argument: str, typed: str) -> list[str]:
    """Values for ``argument`` that match what the user typed so far.

    Multi-value arguments (dimensions, models) complete the part after the last separator, so
    "目标达成、进度" offers "目标达成、进度与时间管理".
    """
    head, current = _split_last(typed) if argument in {"review_dimensions", "analysis_models"} else ("", typed)
    needle = current.strip().casefold()
    values = completion_values(argument)
    prefix = [v for v in values if v.casefold().startswith(needle)]
    inside = [v for v in values if needle and needle in v.casefold() and v not in prefix]
    return [head + v for v in prefix + inside]


def _split_last(typed: str) -> tuple[str, str]:
    cut = max(typed.rfind(sep) for sep in ("、", ",", ",", ";", ";"))
    return (typed[: cut + 1], typed[cut + 1 :]) if cut >= 0 else ("", typed)
