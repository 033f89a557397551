"""Personal data masked in a stored review as a reader receives it (issue 13, "privacy through the store").

The store keeps what the author wrote, so the author can correct it; every path that hands a stored
review to a reader (get_review, list_reviews, search_lessons, the review resources) passes it through
here first. Every string is masked, recursively, not only free text: units, targets, thresholds, KPI
ids, owners and timeline entries hold names and numbers as often as prose does. Only the store's own
identifiers and timestamps are left alone, because they are never personal and readers follow them;
and a metric's figures (target, actual, baseline) have their names masked but never their numbers
(a GMV of 13912345678 is no phone: a mask over it would be a misread).
Pure: models in, models out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fupan_mcp.analysis.compliance import apply_spans, check_compliance, find_pii, mask_text
from fupan_mcp.analysis.lexicon import blame_hits
from fupan_mcp.domain.common import Language
from fupan_mcp.domain.compliance import RosterEntry
from fupan_mcp.domain.insights import InsightsResult, ReviewRef
from fupan_mcp.domain.stored import LessonHit, ReviewRecord, ReviewSummary, StoredAction

__all__ = [
    "mask_action",
    "mask_hit",
    "mask_insights",
    "mask_record",
    "mask_summary",
    "mask_value",
    "rank_blame_last",
    "roster_from",
    "roster_of",
]

_KEEP = frozenset({"id", "review_id", "created_at", "updated_at", "review_date", "language", "kind", "status"})
"""Keys whose values the store assigns or constrains (ids, dates, enums): never personal, never masked."""
_KEEP_ACTION = _KEEP | {"due", "closed_at"}
_MAY_HOLD_PATTERN_PII = re.compile(r"[0-9０-９@＠]")
_FIGURES = frozenset({"target", "actual", "baseline"})
"""Keys whose values are a metric's figures: names in them are masked, numbers never."""


def roster_of(record: ReviewRecord) -> list[RosterEntry]:
    """The roster saved with a review (its ``roster`` section); entries that no longer validate are skipped."""
    return roster_from(record.sections.get("roster"))


def roster_from(value: object) -> list[RosterEntry]:
    """Roster entries from plain data or models; entries that do not validate are skipped."""
    entries: list[RosterEntry] = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, RosterEntry):
            entries.append(item)
            continue
        try:
            entries.append(RosterEntry.model_validate(item))
        except ValidationError:
            continue
    return entries


def _mask_names(value: Any, roster: Sequence[RosterEntry], language: Language) -> Any:
    """A figure's value (a metric's target, actual or baseline) with the roster's names masked only: a
    number there is the figure (GMV 13912345678), and a mask over it would be a misread."""
    if isinstance(value, str):
        if not roster:
            return value
        spans = [span for span in find_pii(value, roster, language) if span.kind == "name"]
        return apply_spans(value, spans)
    if isinstance(value, dict):
        return {k: _mask_names(v, roster, language) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_names(item, roster, language) for item in value]
    return value


def mask_value(
    value: Any, roster: Sequence[RosterEntry], language: Language, keep: frozenset[str] = frozenset()
) -> Any:
    """``value`` (JSON-like: dicts, lists, strings, numbers) with every string masked, keys kept, and
    the values of the keys in ``keep`` left as they are; a metric's figures (``target``, ``actual``,
    ``baseline``) have their names masked, never their numbers."""
    if isinstance(value, str):
        if not roster and not _MAY_HOLD_PATTERN_PII.search(value):
            return value
        return mask_text(value, roster, language)[0]
    if isinstance(value, dict):
        return {
            k: v
            if k in keep
            else _mask_names(v, roster, language)
            if k in _FIGURES
            else mask_value(v, roster, language, keep)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_value(item, roster, language, keep) for item in value]
    return value


def mask_record(record: ReviewRecord, roster: Sequence[RosterEntry] | None = None) -> ReviewRecord:
    """The whole stored review masked with its own roster (or ``roster``) and the personal-data rules."""
    people = roster_of(record) if roster is None else list(roster)
    data = mask_value(record.model_dump(mode="json", exclude={"sections"}), people, record.language, _KEEP)
    # Inside the sections nothing is the store's: a KPI node's `id` is the author's word and masked too.
    data["sections"] = mask_value(record.sections, people, record.language)
    return ReviewRecord.model_validate(data)


def mask_summary(summary: ReviewSummary, roster: Sequence[RosterEntry], language: Language) -> ReviewSummary:
    """A listing entry masked with its review's roster."""
    return ReviewSummary.model_validate(mask_value(summary.model_dump(mode="json"), roster, language, _KEEP))


def mask_action(action: StoredAction, roster: Sequence[RosterEntry], language: Language) -> StoredAction:
    """A tracked action masked with its review's roster: owner, text, evidence, reasons, project and title."""
    return StoredAction.model_validate(mask_value(action.model_dump(mode="json"), roster, language, _KEEP_ACTION))


def mask_hit(hit: LessonHit, roster: Sequence[RosterEntry], language: Language) -> LessonHit:
    """A search hit masked with its review's roster.

    The snippet's ``**`` match marks survive unless they cut through a piece of personal data (a
    marked "**138**0013 8000" would hide the number from the detector): then the snippet is masked
    without its marks, because a missed highlight costs less than a leaked number.
    """
    data = mask_value(hit.model_dump(mode="json", exclude={"snippet"}), roster, language, _KEEP)
    marked = mask_value(hit.snippet, roster, language)
    plain = mask_value(hit.snippet.replace("**", ""), roster, language)
    data["snippet"] = marked if marked.replace("**", "") == plain else plain
    return LessonHit.model_validate(data)


def _blames(hit: LessonHit, roster: Sequence[RosterEntry], language: Language) -> bool:
    """The 5 Whys test of a root cause (blaming words, `root_cause_blames_person`), and a roster name
    followed by a failure verb ("张伟忘记…"), which the tone check calls blame_person."""
    if hit.kind != "root_cause":
        return False
    if blame_hits(hit.text):
        return True
    tone = check_compliance(hit.text, roster=roster, mask=False, language=language).tone
    return any(finding.code == "blame_person" for finding in tone)


def rank_blame_last(
    hits: Sequence[LessonHit], rosters: Sequence[Sequence[RosterEntry]], language_of: Sequence[Language]
) -> list[LessonHit]:
    """The hits in their order, each root cause that blames a person marked and moved after all others
    (read on the stored text, before masking turns the name into a role)."""
    marked = [
        hit.model_copy(update={"blames_person": _blames(hit, roster, language)})
        for hit, roster, language in zip(hits, rosters, language_of, strict=True)
    ]
    return [hit for hit in marked if not hit.blames_person] + [hit for hit in marked if hit.blames_person]


def team_roster(entries: Sequence[object]) -> list[RosterEntry]:
    """One roster from the entries saved with every review (`ReviewStore.team_roster`), each name once
    (its earliest entry): a text across reviews is masked with everyone who appears in any of them."""
    seen: set[str] = set()
    people: list[RosterEntry] = []
    for entry in roster_from(list(entries)):
        key = entry.name.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            people.append(entry)
    return people


def mask_insights(result: InsightsResult, roster: Sequence[RosterEntry], language: Language) -> InsightsResult:
    """review_insights as a reader receives it: owners, actions, recurring texts, projects and metric
    names masked with the team's roster and the personal-data rules; counts, rates, ids and dates kept.
    The grouping ran on the stored texts, so masking changes no figure. Each distinct text is masked
    once (a project's name is in every reference to its reviews), and only what changes is copied."""
    memo: dict[str, str] = {}

    def masked(text: str) -> str:
        found = memo.get(text)
        if found is None:
            found = memo[text] = mask_value(text, roster, language)
        return found

    def renamed(model: _M, *fields: str) -> _M:
        changes: dict[str, Any] = {}
        for name in fields:
            value = getattr(model, name)
            if isinstance(value, str):
                if (new := masked(value)) != value:
                    changes[name] = new
            elif isinstance(value, list) and value and isinstance(value[0], str):
                if (texts := [masked(text) for text in value]) != value:
                    changes[name] = texts
            elif isinstance(value, list):  # review references: their project
                items = [ref_renamed(item) for item in value]
                if any(new is not old for new, old in zip(items, value, strict=True)):
                    changes[name] = items
        return model.model_copy(update=changes) if changes else model

    def ref_renamed(ref: ReviewRef) -> ReviewRef:
        """`renamed(ref, "project")` of a review reference, inline: 12,000 of them at 10,000 reviews, most
        of them kept as they are (a project name seldom holds personal data)."""
        project = ref.project
        new = memo.get(project)
        if new is None:
            new = masked(project)
        return ref if new == project else ref.model_copy(update={"project": new})

    changes: dict[str, Any] = {}
    for name, fields in _INSIGHT_TEXTS:
        items = getattr(result, name)
        new_items = [renamed(item, *fields) for item in items]
        if any(new is not old for new, old in zip(new_items, items, strict=True)):
            changes[name] = new_items
    return result.model_copy(update=changes) if changes else result


_M = TypeVar("_M", bound=BaseModel)
_INSIGHT_TEXTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("by_owner", ("key",)),
    ("by_project", ("key",)),
    ("carried_over", ("project", "action", "reviews")),
    ("recurring", ("text", "texts", "reviews")),
    ("trends", ("project", "metric")),
)
"""Where a text of the store reaches the reader in an InsightsResult (quarters and counts never hold one)."""
