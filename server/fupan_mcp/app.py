"""The MCP shell: the only module that knows MCP.

Each tool validates its arguments (pydantic, through the SDK), calls one pure function of
``fupan_mcp.analysis`` and returns its result twice: as structured content matching the published
output schema, and as markdown text for clients that only show text. Input a caller can fix becomes a
``ToolError`` naming the field, so the model can retry and the server keeps serving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import (
    CallToolResult,
    Completion,
    CompletionArgument,
    CompletionContext,
    PromptReference,
    ResourceTemplateReference,
    TextContent,
    ToolAnnotations,
)
from pydantic import BaseModel, Field

from fupan_mcp import __version__, catalog
from fupan_mcp.analysis import actions as actions_core
from fupan_mcp.analysis import attainment as attainment_core
from fupan_mcp.analysis import compliance as compliance_core
from fupan_mcp.analysis import five_whys as whys_core
from fupan_mcp.analysis import kpi_tree as kpi_core
from fupan_mcp.analysis import swot as swot_core
from fupan_mcp.analysis.kpi_templates import TEMPLATE_KEYS
from fupan_mcp.domain.actions import ActionCheckResult, ActionItem, Risk, RiskCheckResult
from fupan_mcp.domain.attainment import AttainmentResult, MetricInput
from fupan_mcp.domain.compliance import ComplianceResult, RosterEntry
from fupan_mcp.domain.kpi import DecompositionMethod, KpiNode, KpiTreeResult
from fupan_mcp.domain.swot import StrategyLike, SwotItemLike, SwotResult
from fupan_mcp.domain.whys import CountermeasureLike, FiveWhysResult, WhyLike
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language
from fupan_mcp.limits import MAX_ACTIONS, MAX_KPI_NODES, MAX_METRICS, MAX_SWOT_ITEMS, MAX_TEXT_CHARS, MAX_WHYS
from fupan_mcp.prompting import argument_description, render_review_prompt

SERVER_NAME = "fupan-mcp"

INSTRUCTIONS = (
    "复盘 (project review) server. Start with the `project_review` prompt; call the tools for every "
    "figure (attainment rates, changes, KPI contributions, scores) instead of computing them yourself, "
    "leave missing data as gaps, keep the tone blameless. Language: 'zh' (default) or 'en'."
)

LanguageArg = Annotated[Language, Field(description="Language of the text output: 'zh' (default) or 'en'.")]

READ_ONLY = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


ResultT = TypeVar("ResultT", bound=BaseModel)


def tool_result(result: BaseModel, text: str) -> CallToolResult:
    """Structured content for programs, markdown for people."""
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=result.model_dump(mode="json"),
    )


def run_core(compute: Callable[[], ResultT]) -> ResultT:
    """Call the pure core, turning input errors into tool errors the model can read."""
    try:
        return compute()
    except InputError as error:
        raise ToolError(f"{error.field}: {error.reason}") from error


def create_server() -> MCPServer[Any]:
    """Build the server with its prompt, completions and tools."""
    server: MCPServer[Any] = MCPServer(
        SERVER_NAME,
        title="复盘 fupan-mcp",
        version=__version__,
        instructions=INSTRUCTIONS,
        website_url="https://github.com/fupan-mcp/fupan-mcp",
    )
    _add_prompt(server)
    _add_tools(server)
    return server


def _described(name: str) -> Any:
    return Field(description=argument_description(name))


def _add_prompt(server: MCPServer[Any]) -> None:
    @server.prompt(name="project_review", title="项目复盘 / Project review")
    async def project_review(
        project_info: Annotated[str, _described("project_info")],
        period_and_phases: Annotated[str, _described("period_and_phases")] = "",
        review_dimensions: Annotated[str, _described("review_dimensions")] = "",
        key_data: Annotated[str, _described("key_data")] = "",
        project_type: Annotated[str, _described("project_type")] = "",
        report_focus: Annotated[str, _described("report_focus")] = "",
        analysis_models: Annotated[str, _described("analysis_models")] = "",
        language: Annotated[str, Field(description="输出语言 / Output language: zh (default) or en")] = "zh",
    ) -> str:
        """复盘报告提示词(GRAI)/ The GRAI project-review prompt: guides the model through a full report."""
        lang: Language = "en" if language.strip().lower().startswith("en") else "zh"
        return render_review_prompt(
            project_info=project_info,
            period_and_phases=period_and_phases,
            review_dimensions=review_dimensions,
            key_data=key_data,
            project_type=project_type,
            report_focus=report_focus,
            analysis_models=analysis_models,
            language=lang,
            tools=[tool.name for tool in await server.list_tools()],
        )

    @server.completion()  # type: ignore[no-untyped-call, untyped-decorator]  # untyped in the SDK
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if isinstance(ref, PromptReference) and ref.name == "project_review":
            values = catalog.complete(argument.name, argument.value)
            return Completion(values=values[:100], total=len(values), has_more=len(values) > 100)
        return None


def _add_tools(server: MCPServer[Any]) -> None:
    @server.tool(title="目标达成度 / Target attainment", annotations=READ_ONLY)
    def compute_attainment(
        metrics: Annotated[
            list[MetricInput],
            Field(
                min_length=1,
                max_length=MAX_METRICS,
                description="Targets with their actuals. Target strings as people write them: '≥2,000', "
                "'下降30%', '+5pp', '不超过45元', '≤T+1', '95~99'.",
            ),
        ],
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, AttainmentResult]:
        """Compare targets with actuals: status, attainment rate, gap, change against the baseline.

        Statuses: achieved, not_achieved, needs_verification (e.g. a peak reported against the target),
        not_evaluable (missing actual; listed among the data gaps). Lower-is-better targets use the
        rate target / actual. A metric that cannot be parsed gets its own error entry; the rest are
        computed.
        """
        result = run_core(lambda: attainment_core.compute_attainment(metrics, language))
        return tool_result(result, result.markdown)

    @server.tool(title="KPI 指标树 / KPI driver tree", annotations=READ_ONLY)
    def build_kpi_tree(
        nodes: Annotated[
            list[KpiNode] | None,
            Field(
                max_length=MAX_KPI_NODES,
                description="KPI nodes. A node with a formula over other ids ('traffic * cvr * aov', "
                "'gmv / spend') is computed; a '%' node enters formulas as a fraction. Omit to get a template.",
            ),
        ] = None,
        root: Annotated[
            str | None, Field(description="Id of the root KPI; default: the node no one uses.")
        ] = None,
        template: Annotated[
            str | None,
            Field(description="A ready skeleton for a project type: " + ", ".join(TEMPLATE_KEYS) + "."),
        ] = None,
        method: Annotated[
            DecompositionMethod,
            Field(
                description="How the root's change is split among drivers: lmdi (default, exact and "
                "order-free), chain (chain substitution in `order`), shapley."
            ),
        ] = "lmdi",
        order: Annotated[
            list[str] | None,
            Field(description="Factor order for chain substitution, e.g. quantity before quality."),
        ] = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, KpiTreeResult]:
        """Evaluate a KPI / driver tree: compute formulas, check reported values against them, flag cycles,
        unknown ids and missing data, and split the root's change into each driver's contribution."""
        result = run_core(lambda: kpi_core.build_kpi_tree(nodes, root, template, language, method, order))
        return tool_result(result, result.markdown + "\n\n```mermaid\n" + result.mermaid + "\n```")

    @server.tool(title="5 Whys 根因分析 / 5 Whys", annotations=READ_ONLY)
    def five_whys(
        problem: Annotated[
            str,
            Field(
                min_length=1, max_length=MAX_TEXT_CHARS, description="The problem, specific and measurable."
            ),
        ],
        whys: Annotated[
            list[WhyLike],
            Field(
                min_length=1,
                max_length=MAX_WHYS,
                description="Answers to 'why?'. A plain list is a chain; `parent` makes branches.",
            ),
        ],
        root_cause: Annotated[
            str | list[str] | None, Field(description="The root cause(s); default: the last answers.")
        ] = None,
        countermeasures: Annotated[
            list[CountermeasureLike] | None,
            Field(
                max_length=MAX_WHYS,
                description="Actions against the root causes (owner, due, success_metric).",
            ),
        ] = None,
        review_date: Annotated[
            str | None, Field(description="Review date YYYY-MM-DD; due dates must come after it.")
        ] = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, FiveWhysResult]:
        """Check a root-cause chain: too shallow, circular, blaming a person, unverified links, root causes
        without countermeasures, vague countermeasures. Returns the 'therefore' read-back and a category."""
        result = run_core(
            lambda: whys_core.five_whys(problem, whys, root_cause, countermeasures, language, review_date)
        )
        return tool_result(result, result.markdown)

    @server.tool(title="SWOT / TOWS", annotations=READ_ONLY)
    def swot(
        strengths: Annotated[
            list[SwotItemLike], Field(max_length=MAX_SWOT_ITEMS, description="Internal strengths.")
        ],
        weaknesses: Annotated[
            list[SwotItemLike], Field(max_length=MAX_SWOT_ITEMS, description="Internal weaknesses.")
        ],
        opportunities: Annotated[
            list[SwotItemLike], Field(max_length=MAX_SWOT_ITEMS, description="External opportunities.")
        ],
        threats: Annotated[
            list[SwotItemLike], Field(max_length=MAX_SWOT_ITEMS, description="External threats.")
        ],
        strategies: Annotated[
            list[StrategyLike] | None,
            Field(max_length=MAX_SWOT_ITEMS, description="TOWS strategies (SO/ST/WO/WT) citing factor ids."),
        ] = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, SwotResult]:
        """Check a SWOT (empty quadrants, duplicates, misplaced factors, weights and ratings), compute IFE/EFE
        scores, and place TOWS strategies in the SO/ST/WO/WT matrix."""
        result = run_core(
            lambda: swot_core.swot(strengths, weaknesses, opportunities, threats, strategies, language)
        )
        return tool_result(result, result.markdown)

    @server.tool(title="行动项检查 / Check action items", annotations=READ_ONLY)
    def check_actions(
        actions: Annotated[list[ActionItem], Field(min_length=1, max_length=MAX_ACTIONS)],
        review_date: Annotated[
            dt.date | None, Field(description="Review date; due dates must come after it.")
        ] = None,
        problems: Annotated[
            list[str] | None, Field(description="Known problems, to check what each action answers.")
        ] = None,
        root_causes: Annotated[list[str] | None, Field(description="Known root causes.")] = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, ActionCheckResult]:
        """Check improvement actions: a verb, one owner, a due date after the review, a priority, the problem
        it answers, a measurable result; vague verbs flagged; done needs evidence, won't-do a reason."""
        result = run_core(
            lambda: actions_core.check_actions(
                actions, review_date, problems or (), root_causes or (), language
            )
        )
        return tool_result(result, result.markdown)

    @server.tool(title="风险检查 / Check risks", annotations=READ_ONLY)
    def check_risks(
        risks: Annotated[list[Risk], Field(min_length=1, max_length=MAX_ACTIONS)],
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, RiskCheckResult]:
        """Check risks for an indicator, yellow and red thresholds in the right order, a response, an owner."""
        result = run_core(lambda: actions_core.check_risks(risks, language))
        return tool_result(result, result.markdown)

    @server.tool(title="语气与隐私检查 / Tone and privacy", annotations=READ_ONLY)
    def check_compliance(
        text: Annotated[str | None, Field(max_length=200_000, description="One text to check.")] = None,
        fields: Annotated[
            dict[str, str] | None,
            Field(description="Several texts keyed by where they come from, e.g. {'problems[0]': '...'}."),
        ] = None,
        roster: Annotated[
            list[RosterEntry] | None, Field(description="People whose names must be replaced by their role.")
        ] = None,
        mask: Annotated[bool, Field(description="Return the texts with personal data masked.")] = True,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, ComplianceResult]:
        """Find personal data (mobile numbers, resident IDs, bank cards, e-mail, roster names) and mask it;
        flag blaming or loaded language with a neutral rewrite hint."""
        result = run_core(
            lambda: compliance_core.check_compliance(text, fields, roster or (), mask, language)
        )
        return tool_result(result, result.markdown)


def main_server() -> MCPServer[Any]:
    """The default server instance (what `fupan-mcp` serves over stdio)."""
    return create_server()
