"""Insight across reviews: the compact rows the store reads, and what `analysis.insights` finds in them.

The rows are deliberately small (counts the store made in SQL, ids, dates, short texts, rates) so a
store of 10,000 reviews answers without loading whole review documents or one row per action model.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, NamedTuple

from pydantic import BaseModel, Field

from fupan_mcp.domain.actions import ActionStatus
from fupan_mcp.limits import MAX_LISTED_GROUPS

AgingBucket = Literal["0-30", "31-90", "91-180", ">180"]
AGING_BUCKETS: tuple[AgingBucket, ...] = ("0-30", "31-90", "91-180", ">180")
RecurringKind = Literal["root_cause", "problem", "lesson"]
RECURRING_KINDS: tuple[RecurringKind, ...] = ("root_cause", "problem", "lesson")


# --- input rows ---------------------------------------------------------------------------
# Named tuples, not models: a store of 10,000 reviews hands over tens of thousands of them, which the
# store builds from its own rows without validation (a model each would cost more than the analysis).


class InsightReview(NamedTuple):
    id: str
    project: str
    review_type: str | None
    review_date: dt.date


class ActionTally(NamedTuple):
    """Counts of the actions of one review (``key``: its id) or one owner, counted in SQL. Overdue:
    open or in progress and due before the rows' as-of date; ``aging`` splits them by days past due
    (0-30, 31-90, 91-180, >180)."""

    key: str | None
    total: int
    done: int
    wont_do: int
    overdue: int
    aging: tuple[int, int, int, int]


class CellTally(NamedTuple):
    """The counts of `ActionTally` over the actions of the reviews of one project (as given) in one month
    (``month``: '2025-01'), read from what the store keeps at write time and its open actions."""

    project: str
    month: str
    total: int
    done: int
    wont_do: int
    overdue: int
    aging: tuple[int, int, int, int]


class CloseDays(NamedTuple):
    """How many done actions (``closed``) of one review or owner (``key``) closed ``days`` days after their review
    date (at least 0); only actions whose close date is known (marked done after they were recorded)."""

    key: str | None
    days: int
    closed: int


class ActionLine(NamedTuple):
    """An action's text and status, for the actions carried over from review to review."""

    review_id: str
    seq: int
    action: str
    status: ActionStatus


class CarriedKey(NamedTuple):
    """The actions of one review with one normal form (`analysis.text.normalize_text`), as the store keeps
    them at write time (``insight_actions``): the first one's text and the last one's status."""

    review_id: str
    project: str
    norm: str
    action: str
    status: ActionStatus


class InsightText(NamedTuple):
    review_id: str
    kind: str  # root_cause, problem, lesson (other lesson kinds are ignored)
    text: str


class InsightMetric(NamedTuple):
    review_id: str
    name: str
    attainment_rate: float | None  # fraction, 1.05 = 105%


class InsightRows(BaseModel):
    """What `ReviewStore.insight_rows` returns for a filter: the follow-through already counted by
    review and by owner, and the texts the grouping needs."""

    as_of: dt.date | None = Field(
        default=None, description="The date overdue was counted at: the filter's end date, else the latest review date."
    )
    reviews: list[InsightReview] = Field(default_factory=list)
    review_tallies: list[ActionTally] = Field(default_factory=list)
    cell_tallies: list[CellTally] | None = Field(
        default=None,
        description="Instead of ``review_tallies``: the counts by project and month, read from what the store keeps "
        "at write time (the whole store).",
    )
    owner_tallies: list[ActionTally] = Field(default_factory=list)
    review_closes: list[CloseDays] = Field(default_factory=list)
    owner_closes: list[CloseDays] = Field(default_factory=list)
    actions: list[ActionLine] = Field(
        default_factory=list, description="In review order: review date, review id, position in the review."
    )
    carried: list[CarriedKey] | None = Field(
        default=None,
        description="Instead of ``actions``: the keys of the carried-over groups that can be listed (at least the "
        "most-repeated, ties included), read from what the store keeps at write time.",
    )
    carried_count: int | None = Field(default=None, description="With ``carried``: how many groups there are in all.")
    texts: list[InsightText] = Field(default_factory=list)
    pairs: list[tuple[str, str]] | None = Field(
        default=None,
        description="Alike texts of different normal forms, kept at write time: at least every pair of ``texts`` "
        "whose grams reach the similarity threshold (None: the analysis compares the texts itself).",
    )
    metrics: list[InsightMetric] = Field(default_factory=list)


# --- results ------------------------------------------------------------------------------


class FollowThrough(BaseModel):
    """Counts of one slice of actions (all, one owner, one project, one quarter)."""

    key: str | None = Field(default=None, description="Owner, project or quarter ('2025Q1'); None for all.")
    total: int
    done: int
    wont_do: int
    open: int = Field(description="Open and in-progress actions.")
    overdue: int = Field(description="Open or in progress with a due date before the as-of date.")
    closure_rate: float | None = Field(
        description="done / (total - wont_do): a dropped action is a decision, not a failure to follow "
        "through. None when every action was dropped or there is none."
    )
    median_days_to_close: float | None = Field(
        description="Median days from the review date to the close date, over done actions whose close date is known."
    )
    closed_with_date: int = Field(description="Done actions whose close date is known (the median's base).")
    aging: dict[AgingBucket, int] = Field(description="Overdue actions by days past due: 0-30, 31-90, 91-180, >180.")


class ReviewRef(BaseModel):
    review_id: str
    project: str
    review_date: dt.date


class CarriedAction(BaseModel):
    """The same action (normalized text) decided in two or more reviews of one project."""

    project: str
    action: str = Field(description="The text as first written.")
    reviews: list[ReviewRef]
    latest_status: ActionStatus


class RecurringGroup(BaseModel):
    """Similar texts of one kind recorded in two or more reviews."""

    kind: RecurringKind
    text: str = Field(description="The earliest text of the group, as written.")
    texts: list[str] = Field(description="Every distinct text of the group, earliest first.")
    reviews: list[ReviewRef]
    not_yet_learned: bool = Field(description="A lesson recorded in three or more reviews: written, not yet learned.")


class TrendPoint(BaseModel):
    review_id: str
    review_date: dt.date
    attainment_rate: float


class MetricTrend(BaseModel):
    """One metric's attainment over successive reviews of one project."""

    project: str
    metric: str = Field(description="The metric name as first written.")
    points: list[TrendPoint]
    change: float = Field(description="Last rate minus first rate (fraction points).")
    direction: Literal["up", "down", "flat"]


class InsightsResult(BaseModel):
    as_of: dt.date | None = Field(description="The date open and overdue actions are counted at.")
    reviews: int
    similarity_threshold: float
    follow_through: FollowThrough
    by_owner: list[FollowThrough]
    by_project: list[FollowThrough]
    by_quarter: list[FollowThrough]
    carried_over: list[CarriedAction] = Field(
        description=f"The most-repeated first, at most {MAX_LISTED_GROUPS:,}; carried_over_count counts them all."
    )
    carried_over_count: int
    recurring: list[RecurringGroup] = Field(
        description=f"The most-repeated first, at most {MAX_LISTED_GROUPS:,}; recurring_count counts them all."
    )
    recurring_count: int
    trends: list[MetricTrend] = Field(
        description=f"By project and metric, at most {MAX_LISTED_GROUPS:,}; trend_count counts them all."
    )
    trend_count: int
