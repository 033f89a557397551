"""The review workspace: reviews that last across turns and conversations.

A stored review is the `Review` document spread over the store: its metadata in the review row, each
other top-level field of `Review` as a section of the same name, its improvement actions in the
actions table (where they are tracked until closed) and its lessons, success factors, problems and
root causes in the search index. Results the tools computed are kept beside the inputs, in sections
named ``results.<tool>``, so a later turn can read them back without recomputing.

Every save is one store transaction: `create_review` stores the review, its sections, actions and
search entries together (`ReviewStore.create_review_document`), and every change of a stored review
(`update_review`, `save_tool_run`, `save_review`) is computed from the review as read inside the
write transaction (`ReviewStore.modify_review`), so concurrent saves never undo one another and the
search index always matches the stored text.

This module knows the store interface and the domain models, nothing of MCP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from fupan_mcp.analysis.insights import RECURRING_THRESHOLD, issue_similarity
from fupan_mcp.analysis.stored_masking import (
    mask_action,
    mask_hit,
    mask_record,
    mask_summary,
    mask_value,
    rank_blame_last,
    roster_of,
)
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.asof import AsOf, reference_date
from fupan_mcp.domain.common import renamed_keys
from fupan_mcp.domain.compliance import RosterEntry
from fupan_mcp.domain.review import REVIEW_ALIASES, FiveWhysInput, Point, Review
from fupan_mcp.domain.stored import (
    Lesson,
    LessonHit,
    LessonKind,
    OpenAction,
    ReviewRecord,
    ReviewSummary,
    SeenBefore,
    StoredAction,
)
from fupan_mcp.errors import InputError, input_error_from
from fupan_mcp.i18n import Language, Table, join_list, tr
from fupan_mcp.limits import MAX_TEXT_CHARS
from fupan_mcp.store.base import MAX_QUERY_CHARS, ActionChange, ReviewChanges, ReviewStore
from fupan_mcp.store.projects import did_you_mean

METADATA_FIELDS = ("project", "title", "project_type", "review_date", "language")
"""Review fields kept in the review row rather than in sections."""
RESULTS_PREFIX = "results."
DOCUMENT_FIELDS = tuple(name for name in Review.model_fields if name not in (*METADATA_FIELDS, "actions"))
"""Review fields stored as sections of the same name."""


SEEN_BEFORE_AT = RECURRING_THRESHOLD
"""Similarity (`analysis.insights.issue_similarity`) from which an earlier item counts as the same problem
seen before: the threshold review_insights groups recurring problems by. The search index proposes, this decides."""
SEEN_BEFORE_CANDIDATES = 30
"""Search hits read per item, best shared tokens first (any-term BM25): the candidates the similarity
decides on. The review's own item is one of them."""


def seen_before(
    store: ReviewStore, record: ReviewRecord, only: Collection[tuple[str, str]] | None = None
) -> list[SeenBefore]:
    """Problems and root causes of ``record`` that reviews dated on or before it recorded in similar words
    (any project: a team's memory crosses projects), most similar first. ``only``: just these
    (kind, text) items, e.g. the ones an update has just written."""
    found: list[SeenBefore] = []
    for item in record.lessons:
        if item.kind not in ("problem", "root_cause") or (only is not None and (item.kind, item.text) not in only):
            continue
        try:
            hits = store.search_lessons(
                item.text[:MAX_QUERY_CHARS],
                [item.kind],
                None,
                SEEN_BEFORE_CANDIDATES,
                date_to=record.review_date,
                any_term=True,
            )
        except InputError:  # a text with nothing to search for
            continue
        for hit in hits:
            score = issue_similarity(item.text, hit.text)
            if hit.review_id != record.id and score >= SEEN_BEFORE_AT:
                found.append(
                    SeenBefore(
                        kind=item.kind,
                        text=item.text,
                        earlier_text=hit.text,
                        review_id=hit.review_id,
                        project=hit.project,
                        title=hit.title,
                        review_date=hit.review_date,
                        similarity=round(score, 3),
                    )
                )
    found.sort(key=lambda seen: (-seen.similarity, seen.review_date, seen.review_id))
    return found


def report_seen_before(store: ReviewStore, review_id: str, mask: bool = True) -> list[SeenBefore]:
    """The "seen before" notes of a stored review's report: `seen_before`, with each earlier review's
    title, project and text masked with that review's own roster (``mask``), as a reader receives it."""
    found = seen_before(store, store.get_review(review_id))
    if not mask:
        return found
    rosters: dict[str, tuple[list[RosterEntry], Language]] = {}
    masked: list[SeenBefore] = []
    for seen in found:
        if seen.review_id not in rosters:
            earlier = store.get_review(seen.review_id)
            rosters[seen.review_id] = (roster_of(earlier), earlier.language)
        roster, language = rosters[seen.review_id]
        update = {
            name: mask_value(getattr(seen, name), roster, language) for name in ("earlier_text", "project", "title")
        }
        masked.append(seen.model_copy(update=update))
    return masked


class CreatedReview(BaseModel):
    """A new review and what earlier reviews of the same project left open."""

    review: ReviewRecord
    earlier_open_actions: list[OpenAction] = Field(
        default_factory=list,
        description="Open and in-progress actions of earlier reviews of this project, overdue first: "
        "follow them up in this review.",
    )
    as_of: AsOf = Field(
        description="The date the earlier actions' overdue days are counted from: the review date, or today "
        "when the review was created without one (it is then stored with today's date)."
    )
    replayed: bool = Field(
        default=False,
        description="True when this idempotency_key had already created the review: nothing new was stored.",
    )
    seen_before: list[SeenBefore] = Field(
        default_factory=list, description="Problems and root causes that earlier reviews already recorded."
    )


def create_review(
    store: ReviewStore,
    review: Review,
    today: dt.date,
    idempotency_key: str | None = None,
    new_project: bool = False,
) -> CreatedReview:
    """Store a new review (metadata, sections, actions, lessons) in one transaction and surface earlier
    open actions. With ``idempotency_key``, a retry returns the review the first call stored.

    A project name with the key of a stored project is that project (store.projects); a new name close
    to stored ones is refused with "did you mean" candidates unless ``new_project`` is true, so a typo
    never silently starts a new history (and loses the follow-up of its open actions)."""
    if not new_project and store.find_project(review.project) is None:
        close = did_you_mean(review.project, store.list_projects(), review.language or "zh")
        if close is not None:
            raise close
    as_of = reference_date(review_date=review.review_date, today=today)
    assert as_of is not None
    review_date = as_of.date
    created = store.create_review_document(
        review.project,
        review.title or review.project,
        review.project_type,
        review_date,
        review.language or "zh",
        _sections_of(review, review.model_fields_set),
        actions=review.actions,
        lessons=lessons_of(review),
        idempotency_key=idempotency_key,
    )
    record = created.record
    earlier = [
        action
        for action in store.open_actions_for_project(review.project, review_date, exclude_review_id=record.id)
        if action.review_date <= review_date
    ]
    return CreatedReview(
        review=record,
        earlier_open_actions=earlier,
        as_of=as_of,
        replayed=created.replayed,
        seen_before=seen_before(store, record),
    )


def read_review(store: ReviewStore, review_id: str, raw: bool = False) -> ReviewRecord:
    """A stored review as a reader receives it: masked with its roster and the personal-data rules,
    or, with ``raw`` (the author correcting it), exactly as stored."""
    record = store.get_review(review_id)
    return record if raw else mask_record(record)


def read_reviews(
    store: ReviewStore,
    project: str | None = None,
    review_type: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 50,
    offset: int = 0,
    raw: bool = False,
) -> list[ReviewSummary]:
    """Stored reviews, newest first; titles and projects masked with each review's roster unless ``raw``."""
    found = store.list_reviews(project, review_type, date_from, date_to, limit, offset)
    if raw:
        return found
    return [mask_summary(s, roster_of(store.get_review(s.id)), s.language) for s in found]


def find_lessons(
    store: ReviewStore,
    query: str,
    kinds: list[LessonKind] | None = None,
    project: str | None = None,
    limit: int = 20,
    raw: bool = False,
    **filters: Any,
) -> list[LessonHit]:
    """Search the stored lessons; each hit masked with its review's roster unless ``raw``. A root cause
    that blames a person is no lesson: it is marked (``blames_person``) and ranked after the others.
    ``filters``: the store's review_type, date_from and date_to."""
    hits = store.search_lessons(query, kinds, project, limit, **filters)
    reviews: dict[str, ReviewRecord] = {}
    for hit in hits:
        if hit.review_id not in reviews:
            reviews[hit.review_id] = store.get_review(hit.review_id)
    rosters = [roster_of(reviews[hit.review_id]) for hit in hits]
    ranked = rank_blame_last(hits, rosters, [reviews[hit.review_id].language for hit in hits])
    if raw:
        return ranked
    return [mask_hit(hit, roster_of(reviews[hit.review_id]), reviews[hit.review_id].language) for hit in ranked]


def mask_actions(store: ReviewStore, actions: list[StoredAction]) -> list[StoredAction]:
    """Listed actions masked with the roster of the review each comes from."""
    reviews: dict[str, ReviewRecord] = {}
    masked: list[StoredAction] = []
    for action in actions:
        if action.review_id not in reviews:
            reviews[action.review_id] = store.get_review(action.review_id)
        record = reviews[action.review_id]
        masked.append(mask_action(action, roster_of(record), record.language))
    return masked


def load_review(store: ReviewStore, review_id: str) -> Review:
    """The stored review as one `Review` document (actions from the actions table)."""
    return review_of(store.get_review(review_id))


def review_of(record: ReviewRecord) -> Review:
    """A stored review as one `Review` document (actions from the actions table)."""
    data: dict[str, Any] = {
        "project": record.project,
        "title": record.title,
        "project_type": record.review_type,
        "review_date": record.review_date,
        "language": record.language,
    }
    data.update({name: value for name, value in record.sections.items() if name in DOCUMENT_FIELDS})
    data["actions"] = [_as_action_item(action) for action in record.actions]
    return Review.model_validate(data)


class UpdatedReview(ReviewRecord):
    """A stored review after `update_review`, with what earlier reviews already recorded of the
    problems and root causes the update wrote."""

    seen_before: list[SeenBefore] = Field(
        default_factory=list,
        description="Problems and root causes this update added or reworded that earlier reviews already recorded.",
    )


def update_review(store: ReviewStore, review_id: str, changes: Mapping[str, Any]) -> UpdatedReview:
    """Replace whole top-level sections of a stored review (``{"swot": {...}, "lessons": [...]}``).

    One transaction: the stored review is read under the write lock, merged with ``changes`` and
    validated before anything is written, so a bad section changes nothing and a concurrent save of
    another section is kept. Metadata fields cannot be changed here; ``actions`` are added or
    updated by id, never dropped. The search entries are rebuilt from the merged document.

    Problems and root causes the update adds or rewords are looked up in the earlier reviews
    (`seen_before`); an update that leaves them as they were costs no search.
    """
    renamed = renamed_keys(dict(changes), REVIEW_ALIASES)  # 'lessons_learned' is lessons, as in create_review
    changes = renamed if isinstance(renamed, dict) else changes
    _check_section_names(changes)
    before: list[set[tuple[str, str]]] = []

    def change(record: ReviewRecord) -> ReviewChanges:
        before[:] = [_issues(record)]  # the review as read inside the write transaction
        return _document_changes(record, changes)

    record = store.modify_review(review_id, change)
    written = _issues(record) - (before[0] if before else set())
    seen = seen_before(store, record, only=written) if written else []
    return UpdatedReview(**dict(record), seen_before=seen)


def _issues(record: ReviewRecord) -> set[tuple[str, str]]:
    """The (kind, text) of a stored review's problems and root causes."""
    return {(item.kind, item.text) for item in record.lessons if item.kind in ("problem", "root_cause")}


def save_tool_run(store: ReviewStore, review_id: str, section: str, value: Any, tool: str, result: BaseModel) -> None:
    """Keep what a tool was given as the review's ``section`` and what it returned beside it, in one
    transaction (a 5 Whys chain replaces the stored chain about the same problem, others are kept)."""
    _check_section_names({section: value})
    saved_result = {RESULTS_PREFIX + tool: result.model_dump(mode="json")}

    def change(record: ReviewRecord) -> ReviewChanges:
        given = value
        if section == "five_whys":
            given = _upsert_chain(review_of(record).five_whys, value)
        document = _document_changes(record, {section: given})
        return ReviewChanges(
            sections={**document.sections, **saved_result},
            new_actions=document.new_actions,
            action_updates=document.action_updates,
            lessons=document.lessons,
        )

    store.modify_review(review_id, change)


def _check_section_names(changes: Mapping[str, Any]) -> None:
    """Every key a section of the review; the reason in both languages (update_review has none of its own)."""
    unknown = sorted(set(changes) - set(DOCUMENT_FIELDS) - {"actions"})
    if unknown:
        names = (*DOCUMENT_FIELDS, "actions")
        reason = " / ".join(tr(_MESSAGES, "not_a_section", lang, names=join_list(names, lang)) for lang in ("zh", "en"))
        raise InputError(f"sections.{unknown[0]}", reason)


_MESSAGES: Table = {
    "not_a_section": {"zh": "不是复盘的章节，可选：{names}", "en": "not a review section; choose from {names}"},
}


def _document_changes(record: ReviewRecord, changes: Mapping[str, Any]) -> ReviewChanges:
    """What replacing ``changes``' sections in the stored ``record`` writes: those sections, the
    actions to add or update, and the search entries of the merged document."""
    merged = review_of(record).model_dump(mode="json", exclude={"actions"})
    merged.update(changes)
    merged.setdefault("actions", [])
    review = validate_review(merged, "sections")
    sections = {name: to_jsonable(getattr(review, name)) for name in changes if name != "actions"}
    new_actions: list[ActionItem] = []
    updates: dict[str, ActionChange] = {}
    if "actions" in changes:
        new_actions, updates = _action_changes(record.actions, review.actions)
    stored = [_as_action_item(action) for action in record.actions]
    lessons = lessons_of(review.model_copy(update={"actions": [*stored, *new_actions]}))
    return ReviewChanges(sections=sections, new_actions=new_actions, action_updates=updates, lessons=lessons)


def save_review(store: ReviewStore, review_id: str, review: Review) -> ReviewRecord:
    """Write every section the caller set on ``review`` into the stored review."""
    changes = {name: getattr(review, name) for name in review.model_fields_set if name not in METADATA_FIELDS}
    return update_review(store, review_id, to_jsonable(changes)) if changes else store.get_review(review_id)


def validate_review(data: Mapping[str, Any], field: str) -> Review:
    """A `Review` from plain data, or an `InputError` naming the first bad field."""
    try:
        return Review.model_validate(data)
    except ValidationError as error:
        raise input_error_from(error, field) from error


def _sections_of(review: Review, names: set[str]) -> dict[str, Any]:
    return {name: to_jsonable(getattr(review, name)) for name in DOCUMENT_FIELDS if name in names}


def to_jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, list):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _upsert_chain(chains: list[FiveWhysInput], value: Any) -> list[Any]:
    """Replace the chain about the same problem, or append a new one."""
    try:
        new = FiveWhysInput.model_validate(value)
    except ValidationError as error:  # e.g. a root cause of blanks only: the tool takes it, the document not
        raise input_error_from(error, "five_whys") from error
    kept = [chain for chain in chains if chain.problem.strip() != new.problem.strip()]
    return [*(to_jsonable(chain) for chain in kept), to_jsonable(new)]


def _action_changes(
    stored: list[StoredAction], actions: list[ActionItem]
) -> tuple[list[ActionItem], dict[str, ActionChange]]:
    """New actions to add, and the tracked fields to update of those whose id the review already has."""
    existing = {action.id: action for action in stored}
    fresh = [action for action in actions if action.id not in existing]
    updates: dict[str, ActionChange] = {}
    for action in actions:
        current = existing.get(action.id) if action.id else None
        if current is not None and _tracked(action) != _tracked(current):
            updates[current.id] = ActionChange(
                status=action.status,
                owner=action.owner,
                due=action.due,
                evidence=action.evidence,
                status_reason=action.status_reason,
            )
    return fresh, updates


def _tracked(action: ActionItem) -> tuple[object, ...]:
    return (action.status, action.owner, action.due, action.evidence, action.status_reason)


def _as_action_item(action: StoredAction) -> ActionItem:
    return ActionItem.model_validate(action.model_dump(include=set(ActionItem.model_fields)))


SWOT_LISTS = ("strengths", "weaknesses", "opportunities", "threats")


def lessons_of(review: Review) -> list[Lesson]:
    """What later reviews should be able to find: lessons, success factors, problems, root causes,
    SWOT factors, risks and action texts, each with the section it comes from."""
    items: list[Lesson] = [Lesson(kind="lesson", text=_point_text(p), section="lessons") for p in review.lessons]
    items.extend(
        Lesson(kind="success_factor", text=_point_text(p), section="success_factors") for p in review.success_factors
    )
    items.extend(Lesson(kind="problem", text=_point_text(p), section="problems") for p in review.problems)
    for chain in review.five_whys:
        items.extend(Lesson(kind="root_cause", text=text, section="five_whys") for text in _root_causes(chain))
    if review.swot is not None:
        for name in SWOT_LISTS:
            for factor in getattr(review.swot, name):
                text = factor if isinstance(factor, str) else factor.text
                if text.strip():  # a blank factor (reported by `swot`) is nothing to find later
                    items.append(Lesson(kind="swot", text=text, section=f"swot.{name}"))
    for risk in review.risks:
        text = f"{risk.risk}: {risk.response}" if risk.response else risk.risk
        items.append(Lesson(kind="risk", text=text[:MAX_TEXT_CHARS], section="risks"))
    items.extend(Lesson(kind="action", text=action.action, section="actions") for action in review.actions)
    return [item for item in items if item.text.strip()]


def _point_text(point: str | Point) -> str:
    if isinstance(point, str):
        return point
    return f"{point.title}: {point.detail}" if point.detail else point.title


def _root_causes(chain: FiveWhysInput) -> list[str]:
    if isinstance(chain.root_cause, str):
        return [chain.root_cause]
    if chain.root_cause:
        return list(chain.root_cause)
    last = chain.whys[-1] if chain.whys else None
    if last is None:
        return []
    return [last if isinstance(last, str) else last.answer]


def earlier_open_actions(store: ReviewStore, review_id: str, as_of: dt.date | None = None) -> list[OpenAction]:
    """Open actions of the project's earlier reviews: the report's follow-up section.

    Overdue days are counted as of the review's own date (a stored review always has one), unless
    ``as_of`` names another day explicitly; the clock is never read.
    """
    record = store.get_review(review_id)
    day = as_of or record.review_date
    return [
        action
        for action in store.open_actions_for_project(record.project, day, exclude_review_id=review_id)
        if action.review_date <= record.review_date
    ]


def write_export(
    output_dir: Path, name: str, suffix: str, content: str | bytes, *, overwrite: bool = False
) -> tuple[Path, str]:
    """Write ``content`` (text as UTF-8, or bytes) to ``output_dir/name+suffix``; returns the path and the
    name relative to ``output_dir``. A name that leaves the directory, a symlink on the way and (without
    ``overwrite``) an existing file are refused; see `fupan_mcp.safefs` for how races are closed."""
    from fupan_mcp import safefs

    stem = name.strip()
    if not stem or stem in {".", ".."}:
        raise InputError("filename", "must not be empty")
    if not stem.endswith(suffix):
        stem += suffix
    try:
        stem.encode("utf-8")
    except UnicodeEncodeError as error:  # an unpaired surrogate: no file system takes it
        raise InputError("filename", "must not hold NUL bytes or unpaired surrogates") from error
    if "\x00" in stem:
        raise InputError("filename", "must not hold NUL bytes or unpaired surrogates")
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    try:
        return safefs.write_file(output_dir, stem, data, overwrite=overwrite), stem
    except safefs.SafePathError as error:
        raise InputError("filename", str(error)) from error
    except FileExistsError as error:
        raise InputError(
            "filename",
            f"{stem[:80]!a} already exists; pass overwrite: true to replace it, or choose another filename",
        ) from error
    except OSError as error:  # a name too long, a directory in the way, no permission, a full disk
        reason = error.strerror or type(error).__name__
        raise InputError("filename", f"cannot write {Path(stem).name[:80]!a}: {reason}") from error


def read_export(output_dir: Path, name: str, limit: int) -> bytes | None:
    """The bytes of an exported file, or None when there is no such regular file inside ``output_dir``."""
    from fupan_mcp import safefs

    try:
        return safefs.read_file(output_dir, name, limit)
    except safefs.TooLarge as error:
        raise InputError("uri", str(error)) from error
    except (safefs.SafePathError, OSError):
        return None


class ReviewList(BaseModel):
    reviews: list[ReviewSummary]


class ActionList(BaseModel):
    actions: list[StoredAction]
    as_of: AsOf | None = Field(
        default=None,
        description="With `overdue`: the date the actions were overdue on (the `as_of` asked for, else today).",
    )


class LessonSearch(BaseModel):
    query: str
    hits: list[LessonHit] = Field(description="Best first, each with the review it comes from.")


class Deleted(BaseModel):
    review_id: str
    deleted: bool = True


class Exported(BaseModel):
    review_id: str
    path: str = Field(description="Absolute path of the written file.")
    format: str
    bytes: int
    uri: str | None = Field(default=None, description="The file as an MCP resource (fupan://exports/...).")
