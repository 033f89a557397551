"""5 Whys: a problem, the answers to "why?" (a chain or a why-why tree), root causes, countermeasures.

Input models are strict (``extra="forbid"``); output models describe every field so that the tool's
output schema documents itself. The checks live in `fupan_mcp.analysis.five_whys` (methods.md §4).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr, model_validator

from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.common import DataGap, Finding, IdStr, Language, Model, SeverityCounts, TextStr, renamed_keys
from fupan_mcp.domain.items import ItemError
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS

__all__ = [
    "PROBLEM_PARENT",
    "CategorySuggestion",
    "CountermeasureLike",
    "CountermeasureResult",
    "EvidenceStatus",
    "FiveWhysResult",
    "ReadBack",
    "RootCause",
    "Why",
    "WhyLike",
    "WhyNode",
]

PROBLEM_PARENT = "problem"
"""The ``parent`` value that attaches an answer directly to the problem (a first-level why)."""

EvidenceStatus = Literal["verified", "evidence", "unverified"]

CategoryCode = Literal[
    "process",
    "technology",
    "people",
    "organization",
    "data",
    "man",
    "machine",
    "method",
    "material",
    "measurement",
    "environment",
    "unknown",
]


class _Unread(threading.local):
    """A why's ``verified`` as written, per thread, from its before-validator to its `model_post_init`."""

    verified: str | None = None


_UNREAD = _Unread()


_WHY_ALIASES: Mapping[str, str] = {"why": "question", "because": "answer", "cause": "answer", "reason": "answer"}


class Why(Model):
    """One answer to "why?". Without ``parent`` it answers the answer listed just before it."""

    answer: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The cause, as a statement.")
    question: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="The why asked, as written ('为什么连接池会耗尽？'); optional, shown before its answer.",
    )
    evidence: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="What shows this cause is real (data, log, ticket).",
    )
    verified: bool = Field(default=False, description="True when the cause was checked on the spot / in the data.")
    id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Optional stable id, used by `parent` and by `root_cause`. Assigned W1, W2... if empty.",
    )
    parent: IdStr | int | None = Field(
        default=None,
        description=(
            "What this answer explains: the id of another why, its 0-based index in `whys`, or 'problem'. "
            "Empty: the previous why (the first why answers the problem). Several whys with one parent "
            "make a why-why tree."
        ),
    )

    _unread_verified: str | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _verified_as_written(cls, data: object) -> object:
        """A ``verified`` that reads as neither yes nor no ('maybe', '待定') does not refuse the whole
        chain: this why is taken as not verified and `five_whys` reports it for this why alone (kept
        until `model_post_init`, so that a `str | Why` union's errors keep the model's name)."""
        _UNREAD.verified = None
        if not isinstance(data, dict) or not isinstance(data.get("verified"), str):
            return data
        value = data["verified"]
        word = _YES_NO.get(value.strip().casefold())
        if word is not None:
            return {**data, "verified": word}
        _UNREAD.verified = value[:MAX_NAME_CHARS]
        return {key: item for key, item in data.items() if key != "verified"}

    @model_validator(mode="before")
    @classmethod
    def _asked_and_answered(cls, data: object) -> object:
        """{'why': ..., 'because': ...} / {'cause': ...} as people write a why (runs before the reading above)."""
        return renamed_keys(data, _WHY_ALIASES)

    def model_post_init(self, context: Any, /) -> None:
        if _UNREAD.verified is not None:
            self._unread_verified = _UNREAD.verified
            _UNREAD.verified = None

    @property
    def unread_verified(self) -> str | None:
        """``verified`` as written when it read as neither yes nor no."""
        return self._unread_verified


_YES_NO: dict[str, bool] = {
    **dict.fromkeys(("true", "yes", "y", "1", "on", "t", "是", "已验证", "已核实", "已确认", "对", "✓", "√"), True),
    **dict.fromkeys(
        ("false", "no", "n", "0", "off", "f", "", "否", "未验证", "未核实", "未确认", "不是", "✗", "×"), False
    ),
}
"""``verified`` as people write it; anything else is reported, never guessed."""

WhyLike = TextStr | Why
"""A why given as plain text or as an object."""

CountermeasureLike = TextStr | ActionItem
"""A countermeasure given as plain text (the action) or as a full action item."""


class WhyNode(BaseModel):
    """One answer placed in the chain or tree."""

    index: int = Field(description="0-based position in the `whys` input.")
    id: str = Field(description="The given id, or the assigned one (W1, W2...).")
    parent_id: str | None = Field(description="Id of the why this answer explains; null when it answers the problem.")
    depth: int = Field(description="Level: 1 answers the problem directly, 2 answers a level-1 why, ...")
    label: str = Field(description="Display label: the level, plus a letter when it is one of several branches.")
    answer: str
    question: str | None = None
    evidence: str | None = None
    verified: bool = False
    status: EvidenceStatus = Field(
        description="'verified' (checked), 'evidence' (evidence given, not marked verified) or 'unverified'."
    )
    children: list[str] = Field(default_factory=list, description="Ids of the whys that explain this one.")
    is_leaf: bool = Field(description="True when no further why explains this answer.")


class CategorySuggestion(BaseModel):
    """A keyword-based guess at the kind of cause, with the words that led to it."""

    scheme: Literal["domain", "6m"] = Field(
        description="'domain': process/technology/people/organization/data; "
        "'6m': man/machine/method/material/measurement/environment."
    )
    category: CategoryCode = Field(description="The suggested category; 'unknown' when no keyword matched.")
    label: str = Field(description="Localized name of the category.")
    matched: list[str] = Field(default_factory=list, description="Keywords found in the root cause text.")
    reason: str = Field(description="Localized explanation of the suggestion.")


class RootCause(BaseModel):
    """A root cause: stated by the caller, or a leaf of the chain when none was stated."""

    id: str = Field(description="R1, R2... in order; countermeasures may cite it in `addresses`.")
    text: str
    source: Literal["given", "leaf"] = Field(description="'given' in `root_cause`, or a 'leaf' of the chain.")
    why_id: str | None = Field(
        default=None, description="The why this root cause is (or summarises); null when it matches none."
    )
    is_why: bool = Field(
        default=False, description="True when the root cause is the answer of `why_id` itself, not a summary below it."
    )
    depth: int = Field(description="Number of links from this root cause up to the problem.")
    blames_person: bool = Field(description="True when the text blames a person rather than a process.")
    category: CategorySuggestion = Field(description="Suggestion in the process/technology/people/... scheme.")
    category_6m: CategorySuggestion = Field(description="Suggestion in the fishbone 6M scheme.")
    countermeasures: list[int] = Field(
        default_factory=list, description="0-based indexes of the countermeasures that answer it."
    )


class ReadBack(BaseModel):
    """The 'therefore' test: read from the root cause up to the problem; every link must hold."""

    root_id: str
    steps: list[str] = Field(description="Texts from the root cause to the problem, in reading order.")
    why_ids: list[str] = Field(description="Ids of the whys passed on the way (root side first).")
    text: str = Field(description="The steps joined by the localized 'therefore'.")


class CountermeasureResult(BaseModel):
    """A countermeasure as given, with the root causes it was matched to."""

    index: int = Field(description="0-based position in the `countermeasures` input.")
    item: ActionItem
    root_ids: list[str] = Field(default_factory=list, description="Ids of the root causes it answers.")
    complete: bool = Field(description="True when it has an owner, a due date, a measurable result and no vague verb.")


class FiveWhysResult(BaseModel):
    """The checked root-cause analysis."""

    language: Language
    problem: str
    depth: int = Field(description="Number of levels on the longest path from the problem to a leaf.")
    is_chain: bool = Field(description="True for a single chain; false when some why has several causes.")
    whys: list[WhyNode] = Field(description="The answers in input order, placed in the chain or tree.")
    root_causes: list[RootCause]
    countermeasures: list[CountermeasureResult]
    read_back: list[ReadBack] = Field(description="One 'therefore' read-back per root cause.")
    findings: list[Finding] = Field(description="Problems with the analysis, most severe first.")
    set_aside: list[ItemError] = Field(
        default_factory=list,
        description="Whys and countermeasures left out because their shape is wrong (an unknown field, a wrong "
        "type): each with its place and the fix, and an error finding 'item_set_aside'.",
    )
    counts: SeverityCounts = Field(description="Findings by severity.")
    passed: bool = Field(description="True when there is no finding of severity 'error'.")
    data_gaps: list[DataGap] = Field(description="Missing evidence, owners, dates and measurable results.")
