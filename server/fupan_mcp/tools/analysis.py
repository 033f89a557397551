"""The analysis tools: each takes a section's raw input, calls one pure function of `fupan_mcp.analysis`,
and with `review_id` keeps the input and the result in that stored review.

The section-shaped arguments are declared once, in `domain.review`, and shared with the stored review's
sections (`FiveWhysInput`, `SwotInput`, `KpiTreeInput`), so a tool call can be pasted into a review.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from mcp.types import CallToolResult, TextContent
from pydantic import Field

from fupan_mcp import workspace
from fupan_mcp.domain.actions import ActionCheckResult, ActionItem, Risk, RiskCheckResult
from fupan_mcp.domain.attainment import AttainmentResult, MetricInput
from fupan_mcp.domain.common import NameStr, TextStr
from fupan_mcp.domain.compliance import MAX_COMPLIANCE_FIELDS, ComplianceResult, Roster
from fupan_mcp.domain.dates import BoundedDate, HumanDate
from fupan_mcp.domain.items import ItemWise
from fupan_mcp.domain.kpi import KpiNode, KpiTreeResult
from fupan_mcp.domain.review import (
    Actions,
    Countermeasures,
    KpiMethod,
    KpiNodes,
    KpiOrder,
    KpiRoot,
    KpiTemplate,
    Metrics,
    Opportunities,
    Problem,
    Risks,
    RootCause,
    Strategies,
    Strengths,
    Threats,
    Timeline,
    Weaknesses,
    Whys,
)
from fupan_mcp.domain.swot import StrategyLike, SwotItemLike, SwotResult
from fupan_mcp.domain.timeline import TimelineEvent, TimelineResult
from fupan_mcp.domain.whys import CountermeasureLike, FiveWhysResult, WhyLike
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language
from fupan_mcp.limits import MAX_ACTIONS, MAX_DATE_CHARS, MAX_REF_CHARS, text_weight
from fupan_mcp.services import Services
from fupan_mcp.store.base import StoreError
from fupan_mcp.tools.args import LanguageArg, ReviewIdArg
from fupan_mcp.tools.calls import (
    INLINE_ITEMS,
    chart_images,
    check_review,
    remember,
    run_core,
    run_tool,
    set_aside_items,
    tool_result,
)


async def compute_attainment(
    services: Services,
    metrics: Annotated[Metrics, Field(min_length=1), ItemWise],
    review_id: ReviewIdArg = None,
    chart: Annotated[bool, Field(description="Append a PNG chart of the rates (needs the `export` extra).")] = False,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, AttainmentResult]:
    """Compare targets with actuals: status, attainment rate, gap, change against the baseline.

    Statuses: achieved, not_achieved, needs_verification (e.g. a peak reported against the target),
    not_evaluable (missing actual; listed among the data gaps). Lower-is-better targets use the
    rate target / actual. A metric that cannot be parsed or has a wrong shape gets its own error entry;
    the rest are computed. With `chart` (and the `export` extra installed), a PNG chart of the rates
    follows the text.
    Above 200 metrics the answer is a summary (`detail`).
    """

    def work() -> CallToolResult:
        check_review(services, review_id)
        from fupan_mcp.analysis.attainment import compute_attainment as compute
        from fupan_mcp.report.sizing import summarised_attainment
        from fupan_mcp.report.tool_text import attainment_text

        set_aside = set_aside_items(metrics, "metrics", MetricInput, language)
        result = run_core(lambda: compute(metrics, language, set_aside=set_aside), set_aside=set_aside)
        text = attainment_text(summarised_attainment(result))  # the store keeps the whole result
        out = remember(services, review_id, "metrics", metrics, "compute_attainment", result, text, len(set_aside))
        if chart:
            out.content.extend(chart_images(lambda: _attainment_png(result, language)))
        return out

    return await run_tool(work, len(metrics) + (INLINE_ITEMS if chart else 0), review_id)  # drawing is slow


async def build_kpi_tree(
    services: Services,
    nodes: Annotated[KpiNodes, ItemWise] | None = None,
    root: KpiRoot = None,
    template: KpiTemplate = None,
    method: KpiMethod = "lmdi",
    order: KpiOrder = None,
    review_id: ReviewIdArg = None,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, KpiTreeResult]:
    """Evaluate a KPI driver tree: compute formulas, check reported values, flag cycles, unknown ids and
    gaps, split the root's change among the drivers. Templates: ecommerce_gmv, saas_funnel, it_delivery,
    marketing_campaign, slo_availability."""

    def work() -> CallToolResult:
        check_review(services, review_id)
        from fupan_mcp.analysis.kpi_tree import build_kpi_tree as build
        from fupan_mcp.report.tool_text import kpi_tree_text

        set_aside = set_aside_items(nodes, "nodes", KpiNode, language)
        result = run_core(
            lambda: build(nodes, root, template, language, method, order, set_aside=set_aside), set_aside=set_aside
        )
        text = kpi_tree_text(result)
        section = {"nodes": result.nodes, "root": root, "template": template, "method": method, "order": order}
        return remember(services, review_id, "kpi_tree", section, "build_kpi_tree", result, text, len(set_aside))

    return await run_tool(work, len(nodes or ()), review_id)


async def five_whys(
    services: Services,
    problem: Problem,
    whys: Annotated[Whys, Field(min_length=1), ItemWise],
    root_cause: RootCause = None,
    countermeasures: Annotated[Countermeasures, ItemWise] | None = None,
    review_date: Annotated[
        str | None, Field(max_length=MAX_DATE_CHARS, description="Due dates must come after it (YYYY-MM-DD).")
    ] = None,
    review_id: ReviewIdArg = None,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, FiveWhysResult]:
    """Check a 5 Whys chain: too shallow, circular, blaming, unverified links, root causes lacking or with
    vague countermeasures; returns the 'therefore' read-back."""

    def work() -> CallToolResult:
        check_review(services, review_id)
        from fupan_mcp.analysis.five_whys import five_whys as analyse_whys
        from fupan_mcp.report.tool_text import five_whys_text

        set_aside = {
            "whys": set_aside_items(whys, "whys", WhyLike, language),
            "countermeasures": set_aside_items(countermeasures, "countermeasures", CountermeasureLike, language),
        }
        result = run_core(
            lambda: analyse_whys(
                problem, whys, root_cause, countermeasures, language, review_date, set_aside=set_aside
            ),
            set_aside=[entry for entries in set_aside.values() for entry in entries],
        )
        chain = {
            "problem": problem,
            "whys": whys,
            "root_cause": root_cause,
            "countermeasures": countermeasures or [],
        }
        text = five_whys_text(result)
        return remember(services, review_id, "five_whys", chain, "five_whys", result, text, len(result.set_aside))

    return await run_tool(work, len(whys), review_id)


async def swot(
    services: Services,
    strengths: Annotated[Strengths, ItemWise],
    weaknesses: Annotated[Weaknesses, ItemWise],
    opportunities: Annotated[Opportunities, ItemWise],
    threats: Annotated[Threats, ItemWise],
    strategies: Annotated[Strategies, ItemWise] | None = None,
    review_id: ReviewIdArg = None,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, SwotResult]:
    """Check a SWOT (empty quadrants, duplicates, misplaced factors, weights, ratings), compute IFE/EFE
    scores, and place TOWS strategies."""

    def work() -> CallToolResult:
        check_review(services, review_id)
        from fupan_mcp.analysis.swot import swot as analyse_swot
        from fupan_mcp.report.tool_text import swot_text

        lists = {
            "strengths": (strengths, SwotItemLike),
            "weaknesses": (weaknesses, SwotItemLike),
            "opportunities": (opportunities, SwotItemLike),
            "threats": (threats, SwotItemLike),
            "strategies": (strategies, StrategyLike),
        }
        set_aside = {name: set_aside_items(items, name, kind, language) for name, (items, kind) in lists.items()}
        result = run_core(
            lambda: analyse_swot(
                strengths, weaknesses, opportunities, threats, strategies, language, set_aside=set_aside
            ),
            set_aside=[entry for entries in set_aside.values() for entry in entries],
        )
        section = {
            "strengths": strengths,
            "weaknesses": weaknesses,
            "opportunities": opportunities,
            "threats": threats,
            "strategies": strategies or [],
        }
        left_out = len(result.set_aside)
        return remember(services, review_id, "swot", section, "swot", result, swot_text(result), left_out)

    return await run_tool(work, len(strengths) + len(weaknesses) + len(opportunities) + len(threats), review_id)


async def check_actions(
    services: Services,
    actions: Annotated[Actions, Field(min_length=1), ItemWise],
    review_date: Annotated[
        HumanDate | None,
        Field(description="Due dates must come after it; relative ones count from it."),
    ] = None,
    problems: Annotated[
        list[TextStr] | None,
        Field(max_length=MAX_ACTIONS, description="Known problems, to check what each action answers."),
    ] = None,
    root_causes: Annotated[
        list[TextStr] | None, Field(max_length=MAX_ACTIONS, description="Known root causes.")
    ] = None,
    review_id: ReviewIdArg = None,
    language: LanguageArg = "zh",
    as_of: Annotated[
        BoundedDate | None,
        Field(description="Count overdue on this day instead of the review date."),
    ] = None,
) -> Annotated[CallToolResult, ActionCheckResult]:
    """Check improvement actions: verb, one owner, due after the review, priority, problem answered,
    measurable result; done needs evidence, won't-do a reason.

    Vague verbs are flagged. Overdue is counted as of the review date (today only when there is none);
    `as_of` in the result says which date was used."""

    def work() -> CallToolResult:
        reviewed_on = review_date
        if review_id is not None:
            stored = run_core(lambda: services.store.get_review(review_id))
            reviewed_on = reviewed_on or stored.review_date
        from fupan_mcp.analysis.actions import check_actions as check
        from fupan_mcp.analysis.actions import resolve_due
        from fupan_mcp.report.tool_text import actions_text

        today = dt.date.today()  # only the fallback when no review date is known
        resolved = [resolve_due(action, reviewed_on) for action in actions]  # 'T+30' from the review date
        set_aside = set_aside_items(actions, "actions", ActionItem, language)
        result = run_core(
            lambda: check(
                resolved,
                reviewed_on,
                problems or (),
                root_causes or (),
                language,
                today,
                as_of=as_of,
                set_aside=set_aside,
            ),
            set_aside=set_aside,
        )
        text = actions_text(result, resolved)
        return remember(services, review_id, "actions", actions, "check_actions", result, text, len(set_aside))

    return await run_tool(work, len(actions), review_id)


async def check_risks(
    services: Services,
    risks: Annotated[Risks, Field(min_length=1), ItemWise],
    review_id: ReviewIdArg = None,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, RiskCheckResult]:
    """Check risks for an indicator, yellow and red thresholds in the right order, a response, an owner."""

    def work() -> CallToolResult:
        check_review(services, review_id)
        from fupan_mcp.analysis.actions import check_risks as check
        from fupan_mcp.report.tool_text import risks_text

        set_aside = set_aside_items(risks, "risks", Risk, language)
        result = run_core(lambda: check(risks, language, set_aside=set_aside), set_aside=set_aside)
        text = risks_text(result, risks)
        return remember(services, review_id, "risks", risks, "check_risks", result, text, len(set_aside))

    return await run_tool(work, len(risks), review_id)


async def check_timeline(
    services: Services,
    timeline: Annotated[Timeline, Field(min_length=1), ItemWise],
    timezone: Annotated[
        str | None,
        Field(max_length=MAX_REF_CHARS, description="For times without a zone: 'UTC', 'Asia/Shanghai', '+08:00'."),
    ] = None,
    review_date: Annotated[HumanDate | None, Field(description="Review date; events after it are flagged.")] = None,
    roster: Annotated[Roster | None, Field(description="People to name by their role.")] = None,
    review_id: ReviewIdArg = None,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, TimelineResult]:
    """From an incident timeline compute time to detect, escalate, mitigate, resolve and impact duration
    (event kinds: trigger, impact_start, detected, escalated, mitigated, resolved, impact_end); flag bad
    times, disorder, duplicates, impossible sequences, blame.

    The time from trigger to impact comes too. With review_id the timeline and the
    result are saved into the review."""

    def work() -> CallToolResult:
        check_review(services, review_id)
        from fupan_mcp.analysis.timeline import check_timeline as check
        from fupan_mcp.report.postmortem import timeline_markdown

        set_aside = set_aside_items(timeline, "timeline", TimelineEvent, language)
        result = run_core(
            lambda: check(
                timeline, timezone, language, review_date=review_date, roster=roster or (), set_aside=set_aside
            ),
            set_aside=set_aside,
        )
        text = timeline_markdown(result)
        out = remember(services, review_id, "timeline", timeline, "check_timeline", result, text, len(set_aside))
        if review_id is not None and timezone and not set_aside:
            try:
                workspace.update_review(services.store, review_id, {"timezone": timezone})
            except (InputError, StoreError) as error:
                out.content.append(TextContent(type="text", text=f"timezone not saved: {error}"))
        return out

    return await run_tool(work, len(timeline), review_id)


async def check_compliance(
    services: Services,
    text: Annotated[str | None, Field(max_length=200_000, description="One text to check.")] = None,
    fields: Annotated[
        dict[NameStr, TextStr | int | float | None] | None,
        Field(
            max_length=MAX_COMPLIANCE_FIELDS,
            description="Several texts keyed by origin, e.g. {'problems[0]': '...'}.",
        ),
    ] = None,
    roster: Annotated[Roster | None, Field(description="Names to replace by their role.")] = None,
    mask: Annotated[bool, Field(description="Return the texts with personal data masked.")] = True,
    language: LanguageArg = "zh",
) -> Annotated[CallToolResult, ComplianceResult]:
    """Find and mask personal data (mobiles, landlines, other countries' phones, resident IDs, passports,
    bank cards, e-mail, messaging accounts, roster names and how colleagues write them); flag blaming
    language with a neutral rewrite."""

    def work() -> CallToolResult:
        from fupan_mcp.analysis.compliance import check_compliance as check
        from fupan_mcp.report.tool_text import compliance_text

        result = run_core(lambda: check(text, fields, roster or (), mask, language))
        return tool_result(result, compliance_text(result))

    scanned = len(text or "") + sum(len(value) for value in (fields or {}).values() if isinstance(value, str))
    return await run_tool(work, len(fields or ()) + text_weight(scanned), None)  # every text is scanned


def _attainment_png(result: AttainmentResult, language: Language) -> list[bytes]:
    from fupan_mcp.report import charts

    png = charts.attainment_chart(result, language, fmt="png")
    return [png] if png else []
