"""The date a review's "overdue", "days left" and "days late" are counted from.

A review is a document about one moment: the actions it lists are late or on time *as of the review*,
not as of whenever someone happens to read it. So the reference is the review's own date; an explicit
date given by the caller (a live view asking "as of 2025-07-01?") wins over it, and today's date is
only the fallback for a review that has no date. The clock itself is read in the shell (app, CLI),
never here: whoever has today's date passes it in, and the result says which date was used and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

__all__ = ["AsOf", "AsOfSource", "days_overdue", "reference_date"]

AsOfSource = Literal["given", "review_date", "today"]
"""Where the reference date came from: passed explicitly, the review's date, or today (fallback)."""


class AsOf(BaseModel):
    """The reference date of the overdue counts, and where it came from."""

    date: dt.date = Field(description="Overdue and days late are counted as of this day.")
    source: AsOfSource = Field(
        description="given: passed explicitly (as_of); review_date: the review's own date; "
        "today: the review has no date, so today's date was used."
    )


def reference_date(
    *, given: dt.date | None = None, review_date: dt.date | None = None, today: dt.date | None = None
) -> AsOf | None:
    """The reference date: ``given`` first, then the review's date, then ``today``; None if none is known."""
    if given is not None:
        return AsOf(date=given, source="given")
    if review_date is not None:
        return AsOf(date=review_date, source="review_date")
    if today is not None:
        return AsOf(date=today, source="today")
    return None


def days_overdue(due: dt.date | None, as_of: dt.date) -> int:
    """Whole days between a due date and the reference date; 0 when not yet due or undated."""
    if due is None or due >= as_of:
        return 0
    return (as_of - due).days
