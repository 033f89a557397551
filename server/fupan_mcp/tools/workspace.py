"""The workspace tools: reviews that last (create, read, list, update, delete), the actions they track
across reviews, and the lessons and insight found in all of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, get_args

import anyio
from mcp.types import CallToolResult
from pydantic import Field

from fupan_mcp import workspace
from fupan_mcp.analysis.compliance import name_behind_label
from fupan_mcp.analysis.insights import compute_insights, default_as_of
from fupan_mcp.analysis.stored_masking import mask_insights, team_roster
from fupan_mcp.domain.actions import ActionStatus
from fupan_mcp.domain.asof import reference_date
from fupan_mcp.domain.common import IdStr, NameStr, TextStr
from fupan_mcp.domain.dates import BoundedDate, HumanDate
from fupan_mcp.domain.insights import InsightsResult
from fupan_mcp.domain.stored import LessonKind, ReviewRecord, StoredAction
from fupan_mcp.gctuning import collections_paused
from fupan_mcp.i18n import Language
from fupan_mcp.limits import MAX_NAME_CHARS
from fupan_mcp.services import Services
from fupan_mcp.store.base import ReviewStore
from fupan_mcp.tools.args import REVIEW_KEYS, REVIEW_SECTIONS_TEXT, LanguageArg, RawArg
from fupan_mcp.tools.calls import run_core, tool_result
from fupan_mcp.workspace import ActionList, Deleted, LessonSearch, ReviewList


def insights_call(
    store: ReviewStore,
    project: str | None,
    review_type: str | None,
    owner: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    language: Language,
    raw: bool = False,
) -> CallToolResult:
    """`review_insights`: the store's rows for the filter, the pure analysis as of the filter's end,
    masked with the team's roster unless ``raw``."""
    from fupan_mcp.report.tool_text import insights_text

    roster = None if raw else team_roster(run_core(store.team_roster, language))
    if roster and owner:
        # a reader sees owners as their labels (后端负责人, 成员A): the label filters by the person behind it
        owner = name_behind_label(owner, roster, language) or owner
    with collections_paused():  # hundreds of thousands of objects, none in a cycle (gctuning)
        rows = run_core(lambda: store.insight_rows(project, review_type, owner, date_from, date_to), language)
        result = compute_insights(rows, default_as_of(rows, date_to))
        del rows  # freed here, not walked by the collection that follows the block (tens of thousands of rows)
        if roster is not None:
            result = mask_insights(result, roster, language)
        return tool_result(result, insights_text(result, language))


def create_review(
    services: Services,
    project: Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)],
    title: Annotated[str | None, Field(max_length=MAX_NAME_CHARS)] = None,
    project_type: Annotated[NameStr | None, Field(description="Project type, e.g. 技术研发与实施.")] = None,
    review_date: Annotated[HumanDate | None, Field(description="Date of the review; default today.")] = None,
    review: Annotated[dict[str, Any] | None, Field(max_length=REVIEW_KEYS, description=REVIEW_SECTIONS_TEXT)] = None,
    language: LanguageArg = "zh",
    idempotency_key: Annotated[
        str | None,
        Field(
            max_length=200,
            description="A retry with the same key (e.g. a UUID) returns the stored review.",
        ),
    ] = None,
    new_project: Annotated[bool, Field(description="Create it even if its name is close to a stored project.")] = False,
) -> workspace.CreatedReview:
    """Start a stored review; returns its id and the open actions of the project's earlier reviews. Pass
    `review_id` to the analysis tools to save into it.

    Everything is stored in one transaction; give `idempotency_key` to make a retry safe."""
    data = dict(review) if review is not None else {}
    data.update(project=project, language=language)
    for key, value in (("title", title), ("project_type", project_type), ("review_date", review_date)):
        if value is not None:
            data[key] = value
    document = run_core(lambda: workspace.validate_review(data, "review"))
    today = dt.date.today()
    return run_core(
        lambda: workspace.create_review(services.store, document, today, idempotency_key, new_project), language
    )


def get_review(
    services: Services,
    review_id: Annotated[IdStr, Field(description="Id returned by create_review.")],
    raw: RawArg = False,
) -> ReviewRecord:
    """A stored review: metadata, saved sections and tool results, actions and lessons; masked unless
    `raw`."""
    return run_core(lambda: workspace.read_review(services.store, review_id, raw))


def list_reviews(
    services: Services,
    project: NameStr | None = None,
    project_type: NameStr | None = None,
    date_from: Annotated[HumanDate | None, Field(description="Reviews on or after this date.")] = None,
    date_to: Annotated[HumanDate | None, Field(description="Reviews on or before this date.")] = None,
    limit: Annotated[int, Field(ge=1, le=1000)] = 50,
    offset: Annotated[int, Field(ge=0)] = 0,
    raw: RawArg = False,
) -> ReviewList:
    """Stored reviews, newest first, filtered by project, type and date (masked unless `raw`)."""
    reviews = run_core(
        lambda: workspace.read_reviews(services.store, project, project_type, date_from, date_to, limit, offset, raw)
    )
    return ReviewList(reviews=reviews)


def update_review(
    services: Services,
    review_id: Annotated[IdStr, Field(description="Id returned by create_review.")],
    sections: Annotated[
        dict[str, Any],
        Field(
            max_length=REVIEW_KEYS,
            description="Top-level sections to replace, e.g. {'lessons': [...], 'swot': {...}}. "
            "Actions are added, or updated by id; nothing else is touched.",
        ),
    ],
) -> workspace.UpdatedReview:
    """Replace sections of a stored review (validated first); problems and root causes earlier reviews
    recorded come back in `seen_before`."""
    return run_core(lambda: workspace.update_review(services.store, review_id, sections))


def delete_review(
    services: Services, review_id: Annotated[IdStr, Field(description="Id of the review to delete.")]
) -> Deleted:
    """Delete a stored review with its sections, actions and lessons. This cannot be undone."""
    run_core(lambda: services.store.delete_review(review_id))
    return Deleted(review_id=review_id)


def list_actions(
    services: Services,
    owner: NameStr | None = None,
    status: Annotated[
        list[ActionStatus] | None, Field(max_length=len(get_args(ActionStatus)), description="Only these statuses.")
    ] = None,
    overdue: Annotated[
        bool, Field(description="Only open actions past their due date (as of `as_of`, else today).")
    ] = False,
    project: NameStr | None = None,
    review_id: IdStr | None = None,
    limit: Annotated[int, Field(ge=1, le=1000)] = 100,
    offset: Annotated[int, Field(ge=0)] = 0,
    as_of: Annotated[
        BoundedDate | None,
        Field(description="The day overdue is counted on; implies `overdue`."),
    ] = None,
    raw: RawArg = False,
) -> ActionList:
    """Improvement actions across reviews, by owner, status, overdue, project or review; masked unless
    `raw`.

    The result's `as_of` says which date overdue was counted on."""
    reference = reference_date(given=as_of, today=dt.date.today()) if overdue or as_of else None
    overdue_on = reference.date if reference else None
    if owner and not raw:
        # the owners a reader sees are labels (后端负责人, 成员A): a label filters by the person behind it
        roster = team_roster(run_core(services.store.team_roster))
        owner = name_behind_label(owner, roster, "zh") or name_behind_label(owner, roster, "en") or owner
    found = run_core(
        lambda: services.store.list_actions(owner, status, overdue_on, project, review_id, limit=limit, offset=offset)
    )
    if not raw:
        found = run_core(lambda: workspace.mask_actions(services.store, found))
    return ActionList(actions=found, as_of=reference)


def update_action(
    services: Services,
    action_id: Annotated[IdStr, Field(description="Id of the action, e.g. A-7c1e0b9d42.")],
    status: ActionStatus | None = None,
    owner: NameStr | None = None,
    due: Annotated[
        HumanDate | None, Field(description="New due date: YYYY-MM-DD, or 'in 2 weeks', '月底前' (from today).")
    ] = None,
    evidence: Annotated[TextStr | None, Field(description="Proof that it is done (required for done).")] = None,
    status_reason: Annotated[
        TextStr | None, Field(description="Why it will not be done (required for wont_do).")
    ] = None,
) -> StoredAction:
    """Move an action along: open → in_progress → done (with evidence) or wont_do (with a reason)."""
    return run_core(
        lambda: services.store.update_action(
            action_id, status=status, owner=owner, due=due, evidence=evidence, status_reason=status_reason
        )
    )


def search_lessons(
    services: Services,
    query: Annotated[str, Field(min_length=1, max_length=500, description="Words to find, Chinese or English.")],
    kinds: Annotated[
        list[LessonKind] | None,
        Field(max_length=len(get_args(LessonKind)), description="Only these kinds."),
    ] = None,
    project: Annotated[NameStr | None, Field(description="Only this project (any of its names).")] = None,
    limit: Annotated[int, Field(ge=1, le=200)] = 20,
    review_type: Annotated[NameStr | None, Field(description="Only reviews of this type.")] = None,
    date_from: Annotated[HumanDate | None, Field(description="Reviews dated on or after.")] = None,
    date_to: Annotated[HumanDate | None, Field(description="Reviews dated on or before.")] = None,
    raw: RawArg = False,
) -> LessonSearch:
    """Search stored reviews' lessons, root causes, success factors, problems, SWOT factors, risks and
    actions, best first; masked unless `raw`.

    English words match their other forms (permission/permissions)."""
    hits = run_core(
        lambda: workspace.find_lessons(
            services.store,
            query,
            kinds,
            project,
            limit,
            raw,
            review_type=review_type,
            date_from=date_from,
            date_to=date_to,
        )
    )
    return LessonSearch(query=query, hits=hits)


async def review_insights(
    services: Services,
    project: Annotated[NameStr | None, Field(description="Only this project.")] = None,
    project_type: Annotated[NameStr | None, Field(description="Only this project type.")] = None,
    owner: Annotated[NameStr | None, Field(description="Only this owner's actions.")] = None,
    date_from: Annotated[HumanDate | None, Field(description="Reviews on or after this date.")] = None,
    date_to: Annotated[
        HumanDate | None, Field(description="Reviews on or before this date; overdue is counted on it.")
    ] = None,
    language: LanguageArg = "zh",
    raw: RawArg = False,
) -> Annotated[CallToolResult, InsightsResult]:
    """Across stored reviews: action closure, days to close, overdue aging by owner, project and quarter,
    carried-over actions, recurring problems, root causes and lessons, attainment trends; masked unless `raw`.

    A lesson in 3+ reviews is not yet learned. Overdue is counted as of `date_to`, else the latest review
    date."""
    return await anyio.to_thread.run_sync(
        lambda: insights_call(services.store, project, project_type, owner, date_from, date_to, language, raw)
    )
