"""Every tool of the server, in one list (issue 14).

A tool is a module-level function of its family's module (`analysis`, `reports`, `workspace`, `materials`)
whose first argument is the server's `Services`; its other arguments, declared once with their types,
defaults and descriptions, are the tool's input schema. `TOOLS` is the only place that says which tools
exist, in which order they are listed, and how each is titled and annotated; `register` binds each to the
server's services and adds it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from mcp.server import MCPServer
from mcp.types import ToolAnnotations

from fupan_mcp import ui
from fupan_mcp.annotations import DESTRUCTIVE, READ_ONLY, SAVES, WRITES
from fupan_mcp.services import Services
from fupan_mcp.tools import analysis, materials, reports, workspace


@dataclass(frozen=True)
class ToolSpec:
    """One tool as the server lists it: the function holds the arguments, the description and the logic."""

    function: Callable[..., Any]
    title: str
    annotations: ToolAnnotations
    meta: dict[str, Any] | None = None
    """`ui.TOOL_META` for the tools whose result the app view can show."""

    @property
    def name(self) -> str:
        return self.function.__name__


VIEW = ui.TOOL_META

TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(analysis.compute_attainment, "目标达成度 / Target attainment", SAVES, VIEW),
    ToolSpec(analysis.build_kpi_tree, "KPI 指标树 / KPI driver tree", SAVES, VIEW),
    ToolSpec(analysis.five_whys, "5 Whys 根因分析 / 5 Whys", SAVES, VIEW),
    ToolSpec(analysis.swot, "SWOT / TOWS", SAVES, VIEW),
    ToolSpec(analysis.check_actions, "行动项检查 / Check action items", SAVES, VIEW),
    ToolSpec(analysis.check_risks, "风险检查 / Check risks", SAVES),
    ToolSpec(analysis.check_timeline, "事件时间线 / Check an incident timeline", SAVES),
    ToolSpec(analysis.check_compliance, "语气与隐私检查 / Tone and privacy", READ_ONLY),
    ToolSpec(reports.render_report, "渲染复盘报告 / Render the report", SAVES, VIEW),
    ToolSpec(workspace.create_review, "新建复盘 / Create a review", WRITES),
    ToolSpec(workspace.get_review, "读取复盘 / Get a review", READ_ONLY),
    ToolSpec(workspace.list_reviews, "复盘列表 / List reviews", READ_ONLY),
    ToolSpec(workspace.update_review, "更新复盘 / Update a review", WRITES),
    ToolSpec(workspace.delete_review, "删除复盘 / Delete a review", DESTRUCTIVE),
    ToolSpec(workspace.list_actions, "行动项列表 / List actions", READ_ONLY),
    ToolSpec(workspace.update_action, "更新行动项 / Update an action", WRITES),
    ToolSpec(workspace.search_lessons, "经验检索 / Search lessons", READ_ONLY),
    ToolSpec(workspace.review_insights, "跨复盘洞察 / Insight across reviews", READ_ONLY, VIEW),
    ToolSpec(reports.export_report, "导出报告 / Export the report", WRITES),
    ToolSpec(materials.import_metrics, "导入指标表 / Import a metrics sheet", SAVES),
    ToolSpec(materials.import_actions, "导入行动项 / Import tracker actions", SAVES),
    ToolSpec(materials.audit_review, "审阅复盘文档 / Audit a written review", READ_ONLY),
)
"""The tools in the order tools/list shows them."""

PURE_TOOLS = frozenset(spec.name for spec in TOOLS if spec.function.__module__ == analysis.__name__)
"""The analyses: called without a ``review_id`` they read and write nothing but their arguments, so a
heavy call can run in a worker process (`fupan_mcp.isolation`)."""


def bind(function: Callable[..., Any], services: Services) -> Callable[..., Any]:
    """``function`` with its first argument (the services) filled in, and a signature without it.

    The SDK reads a tool's arguments from ``inspect.signature`` and its context parameter from the type
    hints: both are given here with the annotations already evaluated, so the bound tool has exactly the
    schema the function declares after ``services``."""
    signature = inspect.signature(function, eval_str=True)
    parameters = list(signature.parameters.values())[1:]
    bound: Callable[..., Any]
    if inspect.iscoroutinefunction(function):

        async def bound_async(*args: Any, **kwargs: Any) -> Any:
            return await function(services, *args, **kwargs)

        bound = bound_async
    else:

        def bound_sync(*args: Any, **kwargs: Any) -> Any:
            return function(services, *args, **kwargs)

        bound = bound_sync
    functools.update_wrapper(bound, function)
    cast(Any, bound).__signature__ = signature.replace(parameters=parameters)  # what `inspect.signature` reads
    annotations = {param.name: param.annotation for param in parameters}
    annotations["return"] = signature.return_annotation
    bound.__annotations__ = annotations
    return bound


def register(server: MCPServer[Any], services: Services) -> None:
    """Add every tool of `TOOLS` to ``server``, bound to ``services``."""
    for spec in TOOLS:
        server.add_tool(
            bind(spec.function, services),
            name=spec.name,
            title=spec.title,
            annotations=spec.annotations,
            meta=spec.meta,
        )
