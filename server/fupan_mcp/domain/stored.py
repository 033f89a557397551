"""Records the review store returns: saved reviews, tracked actions, searchable lessons.

These are output models (what a store hands back), so they carry the ids and timestamps the
store assigns. Input stays in the shared models: an action is added as an `ActionItem` and comes
back as a `StoredAction` (the same fields plus where it came from).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, JsonValue

from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.common import Model
from fupan_mcp.i18n import Language
from fupan_mcp.limits import MAX_TEXT_CHARS

LessonKind = Literal["lesson", "root_cause", "success_factor", "problem", "swot", "risk", "action"]
LESSON_KINDS: tuple[LessonKind, ...] = (
    "lesson",
    "root_cause",
    "success_factor",
    "problem",
    "swot",
    "risk",
    "action",
)


class ReviewSummary(BaseModel):
    """A saved review without its content: what a listing shows."""

    id: str = Field(description="Store-assigned id, e.g. 'R-3f9a0c2b1d'.")
    project: str
    project_id: str | None = Field(
        default=None,
        description="The project's identity ('P-…'): names that differ only in spacing, width, case or punctuation "
        "share it.",
    )
    title: str
    review_type: str | None = Field(default=None, description="Project type, e.g. 'saas', 'ecommerce'.")
    review_date: dt.date
    language: Language
    created_at: dt.datetime
    updated_at: dt.datetime
    section_names: list[str] = Field(default_factory=list, description="Names of the saved sections.")


class Lesson(Model):
    """One searchable item distilled from a review: a lesson, root cause, success factor, problem, SWOT
    factor, risk or action text."""

    kind: LessonKind
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    section: str | None = Field(
        default=None, max_length=200, description="Where in the review it comes from, e.g. 'swot.threats'."
    )


class StoredAction(ActionItem):
    """An improvement action as stored: always has an id, and knows its review."""

    id: str = Field(max_length=64, description="Store-assigned id, e.g. 'A-7c1e0b9d42'.")
    review_id: str
    project: str
    project_id: str | None = Field(default=None, description="The identity of the review's project.")
    review_title: str
    review_date: dt.date
    closed_at: dt.datetime | None = Field(
        default=None,
        description="When its status became done or won't-do (None while open, and for an action recorded "
        "already closed: when that happened is not known).",
    )
    created_at: dt.datetime
    updated_at: dt.datetime


class OpenAction(StoredAction):
    """An open or in-progress action carried over from an earlier review (复盘闭环)."""

    overdue: bool = Field(description="True when the due date is before the reference date `as_of`.")
    days_overdue: int = Field(description="Days past due as of `as_of` (0 when not overdue or no due date).")
    as_of: dt.date | None = Field(
        default=None, description="The date overdue is counted from (the review date of the review being written)."
    )


class ReviewRecord(ReviewSummary):
    """A whole saved review: its sections (analysis inputs and results), actions and lessons."""

    sections: dict[str, JsonValue] = Field(
        default_factory=dict, description="Section name -> arbitrary JSON, e.g. 'attainment', 'five_whys:0'."
    )
    actions: list[StoredAction] = Field(default_factory=list)
    lessons: list[Lesson] = Field(default_factory=list)


class SeenBefore(BaseModel):
    """A problem or root cause of this review that an earlier review (of any project) already recorded."""

    kind: Literal["problem", "root_cause"] = Field(description="problem or root_cause.")
    text: str = Field(description="The item of this review.")
    earlier_text: str = Field(description="The similar item of the earlier review.")
    review_id: str
    project: str
    title: str
    review_date: dt.date
    similarity: float = Field(
        description="Jaccard similarity of the two texts' grams (CJK character bigrams, Latin words), 0 to 1: "
        "the measure review_insights groups recurring problems by."
    )


class LessonHit(BaseModel):
    """One search result: the matching item, the review it comes from, a ranking score."""

    review_id: str
    project: str
    title: str = Field(description="Title of the review the item comes from.")
    review_date: dt.date
    kind: LessonKind
    section: str = Field(description="The review section the item comes from (its kind for items stored without one).")
    text: str
    score: float = Field(description="Relevance, higher is better (negated FTS5 BM25, or a coarse fallback).")
    snippet: str = Field(description="The excerpt: text around the first match, matches wrapped in **…**.")
    matched_all: bool = Field(
        description="True when every query term matched; False for the relaxed any-term fallback."
    )
    blames_person: bool = Field(
        default=False,
        description="A root cause that pins the problem on a person (the 5 Whys flag root_cause_blames_person): "
        "not a lesson to learn, so ranked after every other hit.",
    )
