"""Improvement actions and risks: what a review decides, tracked until closed (methods.md §7)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from fupan_mcp.domain.common import Model
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS

ActionStatus = Literal["open", "in_progress", "done", "wont_do"]
Priority = Literal["P0", "P1", "P2", "P3"]


class ActionItem(Model):
    """One improvement action. Checked for SMART-ness by `analysis.actions`."""

    id: str | None = Field(default=None, max_length=64, description="Stable id; assigned by the store if empty.")
    action: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="What to do; starts with a verb.")
    owner: str | None = Field(default=None, max_length=MAX_NAME_CHARS, description="Exactly one accountable owner.")
    due: dt.date | None = Field(default=None, description="Absolute due date (YYYY-MM-DD), after the review date.")
    priority: Priority | None = Field(default=None, description="P0 (most urgent) to P3.")
    addresses: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="The problem or root cause this action answers."
    )
    success_metric: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="Measurable result or definition of done."
    )
    status: ActionStatus = "open"
    status_reason: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="Why it will not be done (required for wont_do)."
    )
    evidence: str | None = Field(
        default=None, max_length=MAX_TEXT_CHARS, description="Proof that it is done (required for done)."
    )


class Risk(Model):
    """A risk to watch, with the thresholds that raise the alarm and the response."""

    risk: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="What could go wrong.")
    indicator: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="The signal that is watched.")
    yellow_threshold: str | None = Field(default=None, max_length=MAX_NAME_CHARS, description="Warning level.")
    red_threshold: str | None = Field(default=None, max_length=MAX_NAME_CHARS, description="Alarm level.")
    response: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="What is done when it fires.")
    owner: str | None = Field(default=None, max_length=MAX_NAME_CHARS)
    likelihood: Literal["low", "medium", "high"] | None = None
    impact: Literal["low", "medium", "high"] | None = None
