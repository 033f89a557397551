"""Insight across reviews: the compact rows the store reads, and what `analysis.insights` finds in them.

The rows are deliberately small (ids, dates, short texts, rates) so a store of 10,000 reviews
answers in one pass without loading whole review documents.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from fupan_mcp.domain.actions import ActionStatus

AgingBucket = Literal["0-30", "31-90", "91-180", ">180"]
AGING_BUCKETS: tuple[AgingBucket, ...] = ("0-30", "31-90", "91-180", ">180")
RecurringKind = Literal["root_cause", "problem", "lesson"]
RECURRING_KINDS: tuple[RecurringKind, ...] = ("root_cause", "problem", "lesson")


# --- input rows ---------------------------------------------------------------------------


class InsightReview(BaseModel):
    id: str
    project: str
    review_type: str | None = None
    review_date: dt.date


class InsightAction(BaseModel):
    id: str
    review_id: str
    project: str
    review_date: dt.date
    action: str
    owner: str | None = None
    status: ActionStatus
    due: dt.date | None = None
    closed_on: dt.date | None = Field(
        default=None,
        description=(
            "When a done action was closed: the day its status became done, known only when it was marked done "
            "after it was recorded (an action stored as done has no close date)."
        ),
    )


class InsightText(BaseModel):
    review_id: str
    kind: str = Field(description="root_cause, problem, lesson (other lesson kinds are ignored).")
    text: str


class InsightMetric(BaseModel):
    review_id: str
    name: str
    attainment_rate: float | None = Field(default=None, description="Fraction, 1.05 = 105%.")


class InsightRows(BaseModel):
    """What `ReviewStore.insight_rows` returns for a filter."""

    reviews: list[InsightReview] = Field(default_factory=list)
    actions: list[InsightAction] = Field(default_factory=list)
    texts: list[InsightText] = Field(default_factory=list)
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
    carried_over: list[CarriedAction]
    recurring: list[RecurringGroup]
    trends: list[MetricTrend]
