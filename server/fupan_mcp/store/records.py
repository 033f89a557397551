"""What every store backend does the same way around its SQL.

Argument checks in the order each method makes them, actions prepared for writing, rows turned
into record models, search hits shaped. No SQL and no connection here: a backend (store/sqlite.py,
store/postgres.py) runs its own queries and hands the rows to these functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any, NamedTuple, TypeVar, cast

from fupan_mcp.analysis.insights import RECURRING_THRESHOLD, issue_fingerprint
from fupan_mcp.analysis.text import Fingerprint, normalize_text, similar_pairs
from fupan_mcp.domain.actions import ActionItem, ActionStatus
from fupan_mcp.domain.asof import days_overdue
from fupan_mcp.domain.insights import ActionLine, CarriedKey, InsightReview
from fupan_mcp.domain.stored import Lesson, LessonHit, OpenAction, ReviewRecord, ReviewSummary, StoredAction
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, tr
from fupan_mcp.limits import MAX_ACTIONS, MAX_TEXT_CHARS
from fupan_mcp.store import base
from fupan_mcp.store.base import DateLike, ReviewChanges, StoreSchemaTooNew
from fupan_mcp.store.projects import PROJECT_MESSAGES, Project, project_key
from fupan_mcp.store.search import QueryTerm, make_snippet, parse_query, relaxed_terms

MAX_SEARCH_LIMIT = 200
ACTION_VALUE_COLUMNS = (
    "action",
    "owner",
    "due",
    "priority",
    "addresses",
    "success_metric",
    "status",
    "status_reason",
    "evidence",
    "kind",
    "ticket",
    "due_text",
    "priority_text",
    "status_text",
)
"""The action columns `action_values` fills, in its order (inserts and updates name them from here)."""
OPEN_STATUSES: tuple[ActionStatus, ...] = ("open", "in_progress")
CLOSED_STATUSES: tuple[ActionStatus, ...] = ("done", "wont_do")
CLOSED_AT_ON_UPDATE = (
    "closed_at = CASE WHEN {p} IN ('done', 'wont_do') THEN CASE WHEN status = {p} THEN closed_at ELSE {p} END END"
)
"""SQL of an action's close time after an update, from (new status, new status, now) ({p}: the backend's
placeholder; ``status`` and ``closed_at`` on the right are the stored values): the update's time when the
status becomes done or won't-do (or moves from one to the other), kept while it stays, cleared when the
action is reopened. An action recorded already closed has no close time: when it was closed is not known."""


# --- arguments ---------------------------------------------------------------------------


class NewReview(NamedTuple):
    """The checked columns of a review to create, in table order."""

    project: str
    title: str
    review_type: str | None
    review_date: dt.date
    language: Language


def checked_review(
    project: str, title: str, review_type: str | None, review_date: DateLike, language: str
) -> NewReview:
    return NewReview(
        base.require_text(project, "project"),
        base.require_text(title, "title"),
        base.optional_text(review_type, "review_type"),
        base.parse_date(review_date, "review_date"),
        base.check_choice(language, base.LANGUAGES, "language"),
    )


def checked_sections(sections: Mapping[str, Any] | None) -> dict[str, str]:
    """Encoded sections whose names hold no control characters (listings join names with one)."""
    encoded = base.encode_sections(sections)
    for name in encoded:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
            raise InputError("sections", f"section name {name!r} contains control characters")
    return encoded


def checked_review_filter(
    date_from: DateLike | None, date_to: DateLike | None, limit: int, offset: int
) -> tuple[dt.date | None, dt.date | None]:
    """The date bounds of a review listing, after checking them and the page."""
    start = base.optional_date(date_from, "date_from")
    end = base.optional_date(date_to, "date_to")
    base.check_date_range(start, end)
    base.check_page(limit, offset)
    return start, end


def checked_action_filter(
    status: str | Sequence[str] | None, overdue_on: DateLike | None, limit: int, offset: int
) -> tuple[tuple[ActionStatus, ...], dt.date | None]:
    """The statuses and the overdue day of an action listing, after checking them and the page."""
    statuses = base.check_statuses(status)
    overdue = base.optional_date(overdue_on, "overdue_on")
    base.check_page(limit, offset, max_limit=MAX_ACTIONS)
    return statuses, overdue


def checked_query(query: str, limit: int) -> list[QueryTerm]:
    """The terms of a lesson search, after checking the query and the limit."""
    text = base.require_text(query, "query", base.MAX_QUERY_CHARS)
    terms = parse_query(text)
    if not terms:
        raise InputError("query", base.both("query_empty"))
    base.check_page(limit, 0, max_limit=MAX_SEARCH_LIMIT)
    return terms


class SearchFilter(NamedTuple):
    """The checked filters of a lesson search (None: no filter)."""

    kinds: tuple[str, ...]
    project_key: str | None
    review_type: str | None
    date_from: dt.date | None
    date_to: dt.date | None


def checked_search_filter(
    kinds: Sequence[str] | None,
    project: str | None,
    review_type: str | None,
    date_from: DateLike | None,
    date_to: DateLike | None,
) -> SearchFilter:
    start = base.optional_date(date_from, "date_from")
    end = base.optional_date(date_to, "date_to")
    base.check_date_range(start, end)
    return SearchFilter(base.check_kinds(kinds), project_filter(project), strip(review_type), start, end)


def project_filter(project: str | None) -> str | None:
    """The key a project filter compares (the review's project identity), or None for no filter."""
    name = strip(project)
    if not name:
        return None
    try:
        name.encode("utf-8")  # the key folds an unpaired surrogate away: refuse it as the driver would
    except UnicodeEncodeError as exc:
        raise surrogate_error(exc) from exc
    return project_key(name)


PROJECT_ID_OF_KEY = "(SELECT project_id FROM project_names WHERE key = {p})"
"""SQL of the project id a name key stands for ({p}: the backend's placeholder); NULL matches nothing."""


def projects_from_rows(rows: Iterable[Mapping[str, Any]]) -> list[Project]:
    """Projects from (id, name, alias) rows ordered by project, the alias None or a name of the project."""
    projects: dict[str, Project] = {}
    for row in rows:
        project = projects.setdefault(row["id"], Project(id=row["id"], name=row["name"]))
        alias = row["alias"]
        if alias is not None and project_key(alias) != project_key(project.name) and alias not in project.aliases:
            project.aliases.append(alias)
    return list(projects.values())


def unknown_project(name: str) -> InputError:
    return InputError("project", tr(PROJECT_MESSAGES, "unknown_project", "en", name=name))


def alias_taken(alias: str, other: str) -> InputError:
    return InputError("alias", tr(PROJECT_MESSAGES, "alias_taken", "en", alias=alias, other=other))


def check_schema_version(version: int, known: int) -> None:
    """`StoreSchemaTooNew` for a database written by a newer fupan-mcp than this one."""
    if version > known:
        raise StoreSchemaTooNew(version, known)


def checked_key(key: str | None) -> str | None:
    """An idempotency key: None, or a stripped, non-empty string of bounded length."""
    return base.optional_text(key, "idempotency_key", base.MAX_IDEMPOTENCY_KEY_CHARS)


def fingerprint(
    review: NewReview, sections: Mapping[str, str], actions: Sequence[ActionItem], lessons: Sequence[Lesson]
) -> str:
    """A digest of everything a create stores, to tell a retry (same content) from a reused key."""
    content = {
        "review": [review.project, review.title, review.review_type, review.review_date.isoformat(), review.language],
        "sections": {name: sections[name] for name in sorted(sections)},
        "actions": [item.model_dump(mode="json") for item in actions],
        "lessons": [[lesson.kind, lesson.text] for lesson in lessons],
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def key_reused(key: str, review_id: str) -> InputError:
    return InputError(
        "idempotency_key",
        f"already used to create review {review_id} with other content; choose a new key for a new "
        f"review, or change {review_id} with update_review",
    )


class CheckedChanges(NamedTuple):
    """A `ReviewChanges` after its checks: encoded sections, validated actions and lessons."""

    sections: dict[str, str]
    new_actions: list[ActionItem]
    action_updates: dict[str, dict[str, object]]
    lessons: list[Lesson] | None


def checked_changes(changes: ReviewChanges) -> CheckedChanges:
    """Check what a `modify_review` callback returned; errors name the field it came from."""
    if not isinstance(changes, ReviewChanges):
        raise TypeError(f"modify_review: the change function must return ReviewChanges, not {type(changes).__name__}")
    updates = {
        action_id: action_changes(c.status, c.owner, c.due, c.evidence, c.status_reason)
        for action_id, c in changes.action_updates.items()
    }
    lessons = None if changes.lessons is None else base.check_lessons(changes.lessons)
    return CheckedChanges(checked_sections(changes.sections), checked_actions(changes.new_actions), updates, lessons)


def surrogate_error(exc: UnicodeEncodeError) -> InputError:
    """An unpaired surrogate ('\\ud800') a driver cannot encode: JSON transports refuse it, in process not."""
    bad = exc.object[exc.start : exc.end]
    return InputError("input", f"a text holds the unpaired surrogate {bad!a}, which is not valid Unicode")


# --- queries -----------------------------------------------------------------------------


class Where:
    """Accumulates ``AND``-ed conditions; a None parameter means "no filter".

    A backend adds ``add_in`` (its placeholders for a list of values).
    """

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.params: list[object] = []

    def add(self, condition: str, param: object) -> None:
        if param is not None:
            self.conditions.append(condition)
            self.params.append(param)

    def add_in(self, column: str, values: Sequence[str]) -> None:
        raise NotImplementedError

    @property
    def sql(self) -> str:
        return f"WHERE {' AND '.join(self.conditions)}" if self.conditions else ""

    def and_sql(self) -> str:
        return "".join(f" AND {c}" for c in self.conditions)


# --- actions -----------------------------------------------------------------------------


def checked_actions(items: Sequence[ActionItem]) -> list[ActionItem]:
    """The actions to add, each validated under ``actions[i]``."""
    base.check_action_count(items)
    return [base.validate_action(item, f"actions[{i}]") for i, item in enumerate(items)]


def action_changes(
    status: ActionStatus | None,
    owner: str | None,
    due: DateLike | None,
    evidence: str | None,
    status_reason: str | None,
) -> dict[str, object]:
    """The fields an update changes (None leaves a field as it is)."""
    changes: dict[str, object] = {
        "status": None if status is None else base.check_choice(status, base.ACTION_STATUSES, "status"),
        "owner": owner,
        "due": base.optional_date(due, "due"),
        "evidence": evidence,
        "status_reason": status_reason,
    }
    return {k: v for k, v in changes.items() if v is not None}


def changed_action(current: StoredAction, changes: Mapping[str, object]) -> ActionItem:
    """The stored action with ``changes`` applied, checked as a whole. A new due date (always
    YYYY-MM-DD here) replaces the words the old one was written in, so ``due_text`` is dropped; a new
    status the same way drops ``status_text`` (the status word that could not be read)."""
    fields = current.model_dump(include=set(ActionItem.model_fields))
    if "due" in changes:
        fields["due_text"] = None
    if "status" in changes:
        fields["status_text"] = None
    return base.validate_action({**fields, **changes}, "")


def id_taken(index: int, action_id: str, holder: str | None = None) -> InputError:
    """A caller-given action id that is taken; ``holder`` is the review that has it, when known."""
    if holder is None:
        return InputError(f"actions[{index}].id", f"id {action_id!r} is already used by another action")
    return InputError(
        f"actions[{index}].id",
        f"id {action_id!r} is already used by an action of review {holder}; this document may already be "
        f"stored as {holder} (read it with get_review, change it with update_review; a retry with the same "
        "idempotency_key returns it), or leave the action ids out to create a separate review. Nothing was saved.",
    )


def assign_action_ids(
    items: Sequence[ActionItem], taken: Callable[[str], str | None], generate: Callable[[], str]
) -> list[str]:
    """Keep given ids (if not ``taken`` and unique), ``generate`` the others.

    ``taken(id)`` is the id of the review that already has an action with that id, or None.
    A generated id that repeats one already assigned is generated again; ``generate`` may
    return ``""`` to leave the id to the insert.
    """
    ids: list[str] = []
    for i, item in enumerate(items):
        if item.id is None or not item.id.strip():
            new = generate()
            while new and new in ids:
                new = generate()
            ids.append(new)
            continue
        given = item.id.strip()
        if given in ids:
            raise id_taken(i, given)
        holder = taken(given)
        if holder is not None:
            raise id_taken(i, given, holder)
        ids.append(given)
    return ids


def action_values(item: ActionItem, *, iso_dates: bool = False) -> tuple[object, ...]:
    """Column values of `ACTION_VALUE_COLUMNS`, in that order (``due`` as text if ``iso_dates``)."""
    return (
        item.action,
        item.owner,
        item.due.isoformat() if iso_dates and item.due else item.due,
        item.priority,
        item.addresses,
        item.success_metric,
        item.status,
        item.status_reason,
        item.evidence,
        item.kind,
        item.ticket,
        item.due_text,
        item.priority_text,
        item.status_text,
    )


def carried_actions(actions: Iterable[StoredAction], as_of: dt.date) -> list[OpenAction]:
    """Open actions as of the reference date ``as_of`` (the review date of the review being written):
    overdue first (longest overdue first), then by due date, priority, review date."""
    carried = [_open_action(action, as_of) for action in actions]
    carried.sort(key=_open_action_order)
    return carried


def _open_action(action: StoredAction, as_of: dt.date) -> OpenAction:
    late = days_overdue(action.due, as_of)
    return OpenAction(**action.model_dump(), overdue=late > 0, days_overdue=late, as_of=as_of)


def _open_action_order(action: OpenAction) -> tuple[object, ...]:
    return (
        not action.overdue,
        -action.days_overdue,
        action.due is None,
        action.due or dt.date.max,
        action.priority or "P9",
        action.review_date,
    )


# --- rows to records ---------------------------------------------------------------------


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def review_summary(row: Mapping[str, Any], section_names: Iterable[str]) -> ReviewSummary:
    """A review row (its columns) with its section names, sorted."""
    return ReviewSummary.model_validate({**row, "section_names": sorted(section_names)})


def review_record(
    summary: ReviewSummary,
    sections: dict[str, Any],
    actions: list[StoredAction],
    lessons: Iterable[tuple[Any, Any, Any]],
) -> ReviewRecord:
    """The whole review from its summary, sections, actions and (kind, text, section) lessons."""
    items = [Lesson(kind=kind, text=text, section=section) for kind, text, section in lessons]
    return ReviewRecord(**summary.model_dump(), sections=sections, actions=actions, lessons=items)


def search_with_retry(
    search: Callable[[list[QueryTerm], bool], list[LessonHit]], terms: list[QueryTerm], any_term: bool = False
) -> list[LessonHit]:
    """All terms first; when that finds nothing and there are several tokens, any of them.
    With ``any_term``, any of them straight away."""
    if any_term:
        return search(relaxed_terms(terms), True)
    hits = search(terms, False)
    if not hits and sum(len(t.tokens) for t in terms) > 1:
        hits = search(relaxed_terms(terms), True)
    return hits


def lesson_hit(row: Mapping[str, Any], score: float, terms: list[QueryTerm], any_term: bool) -> LessonHit:
    text = str(row["text"])
    return LessonHit(
        review_id=row["review_id"],
        project=row["project"],
        title=row["title"],
        review_date=row["review_date"],
        kind=row["kind"],
        section=row["section"] or row["kind"],
        text=text[:MAX_TEXT_CHARS],
        score=score,
        snippet=make_snippet(text, terms),
        matched_all=not any_term,
    )


# --- insight rows (shared by both backends) ----------------------------------------------

INSIGHT_TEXT_KINDS: tuple[str, ...] = ("root_cause", "problem", "lesson")
ATTAINMENT_SECTION = "results.compute_attainment"
"""Where `workspace.save_tool_run` keeps the attainment result: its metrics carry the rates."""


def checked_insight_filter(
    project: str | None,
    review_type: str | None,
    owner: str | None,
    date_from: DateLike | None,
    date_to: DateLike | None,
) -> tuple[str | None, str | None, str | None, dt.date | None, dt.date | None]:
    start = base.optional_date(date_from, "date_from")
    end = base.optional_date(date_to, "date_to")
    base.check_date_range(start, end)
    return project_filter(project), strip(review_type), strip(owner), start, end


RowT = TypeVar("RowT", bound=tuple[Any, ...])


def as_rows(cls: type[RowT], rows: Iterable[Sequence[Any]]) -> list[RowT]:
    """Rows read with exactly the fields of ``cls`` (a NamedTuple), in order, as instances of it: made by
    ``tuple.__new__`` in C, as ``cls._make`` makes them but without a Python call per row (tens of
    thousands of rows per review_insights call)."""
    return cast(list[RowT], list(map(partial(tuple.__new__, cls), rows)))


def insight_as_of(date_to: dt.date | None, reviews: Iterable[InsightReview]) -> dt.date | None:
    """The date review_insights counts overdue at: the filter's end date, else the latest review date."""
    return date_to if date_to is not None else max((r.review_date for r in reviews), default=None)


def in_review_order(lines: Sequence[ActionLine], reviews: Iterable[InsightReview]) -> list[ActionLine]:
    """Action lines read grouped by review and in position order (``ORDER BY review_id, seq``, an index
    scan), put in review order: review date, then review id, as `analysis.insights` reads them. Moving
    whole blocks costs less than a join with the reviews and a sort in SQL."""
    if not lines:  # the whole store reads the kept keys instead: no sort of every review for nothing
        return []
    blocks: dict[str, tuple[int, int]] = {}
    start = 0
    for i in range(1, len(lines) + 1):
        if i == len(lines) or lines[i][0] != lines[start][0]:
            blocks[lines[start][0]] = (start, i)
            start = i
    ordered: list[ActionLine] = []
    for review in sorted(reviews, key=lambda r: (r.review_date, r.id)):
        block = blocks.get(review.id)
        if block is not None:
            ordered.extend(lines[block[0] : block[1]])
    return ordered


INSIGHT_ACTIONS_SQL = (
    "SELECT a.review_id, r.project, a.action, a.status FROM actions a JOIN reviews r ON r.id = a.review_id "
    "WHERE {where} ORDER BY a.review_id, a.seq"
)
"""What `carried_keys` is made from: the actions of some reviews with their project, in position order."""
CARRIED_SQL = (
    "WITH g AS (SELECT project, norm, count(*) AS n FROM insight_actions GROUP BY project, norm HAVING count(*) >= 2), "
    "cut AS (SELECT n, project FROM g ORDER BY n DESC, project{c} LIMIT 1 OFFSET {p}) "
    "SELECT k.review_id, k.project, k.norm, k.action, k.status, (SELECT count(*) FROM g) "
    "FROM g JOIN insight_actions k ON k.project = g.project AND k.norm = g.norm "
    "WHERE NOT EXISTS (SELECT 1 FROM cut) OR g.n > (SELECT n FROM cut) "
    "OR (g.n = (SELECT n FROM cut) AND g.project{c} <= (SELECT project FROM cut){c})"
)
"""The carried-over groups of the whole store (two or more reviews of one project with the same normal form)
that can be listed: those with as many reviews as the `MAX_LISTED_GROUPS`-th most-repeated or more, ties
by project included (the analysis breaks the rest of the ties by text), each row with the count of all
groups. ``{p}``: the offset placeholder; ``{c}``: a collation comparing as Python does (code points)."""


def kept_carried(
    run: Callable[[str, Sequence[Any]], Sequence[Sequence[Any]]], p: str, c: str, cap: int
) -> tuple[list[CarriedKey], int]:
    """What `CARRIED_SQL` reads (the keys of the listable groups, ties by project included, and how many
    groups there are), from the group sizes kept beside the keys (``insight_groups``: how many reviews of
    each project have each normal form, kept by triggers on ``insight_actions``): the cut is found in its
    index, and only the keys of the groups at or above it are read. ``run(sql, params)``: the rows;
    ``p``: the placeholder; ``c``: a collation comparing as Python does (code points)."""
    count = int(run("SELECT count(*) FROM insight_groups WHERE n >= 2", ())[0][0])
    cut = run(
        f"SELECT n, project FROM insight_groups WHERE n >= 2 ORDER BY n DESC, project{c} LIMIT 1 OFFSET {p}",
        (cap - 1,),
    )
    keys = "SELECT k.review_id, k.project, k.norm, k.action, k.status FROM insight_groups g JOIN insight_actions k "
    keys += "ON k.project = g.project AND k.norm = g.norm WHERE g.n >= "
    if cut:
        sql = f"{keys}{p} AND (g.n > {p} OR g.project{c} <= {p}{c})"
        rows = run(sql, (cut[0][0], cut[0][0], cut[0][1]))
    else:
        rows = run(f"{keys}2", ())
    return as_rows(CarriedKey, rows), count  # the five columns of the key, in order


def carried_keys(lines: Iterable[Sequence[Any]]) -> list[tuple[str, str, str, str, str]]:
    """The rows of ``insight_actions`` for action lines (review id, project, text, status) given review by
    review in position order: one per review and normal form (`analysis.text.normalize_text`, empty ones
    left out), with the first action's text and the last one's status, as `analysis.insights` groups
    carried-over actions."""
    found: dict[tuple[str, str], list[str]] = {}
    norms: dict[str, str] = {}
    for review_id, project, action, status in lines:
        norm = norms.get(action)
        if norm is None:
            norm = norms[action] = normalize_text(action)
        if not norm:
            continue
        entry = found.get((review_id, norm))
        if entry is None:
            found[(review_id, norm)] = [review_id, norm, project, action, status]
        else:
            entry[4] = status
    return [(e[0], e[1], e[2], e[3], e[4]) for e in found.values()]


TEXT_KEEP_BULK = 200
"""More new texts than this in one write (an import): kept by one pass over every text (`every_text_pair`)."""
_GRAM_CHARS = 100
"""A gram longer than this (a long Latin word) is kept as its hash: an index entry has a size limit."""


class KeptText(NamedTuple):
    """A problem, root cause or lesson text as ``insight_texts`` keeps it (migration 11): its key (the
    text's hash: an index on the text itself has a size limit), normal form and grams (`text_grams`)."""

    key: str
    text: str
    norm: str
    grams: frozenset[str]

    def rows(self, lessons: int) -> tuple[tuple[str, str, str, int, int], list[tuple[str, str]]]:
        """Its ``insight_texts`` row (key, text, normal form, gram count, how many ``lessons`` hold it) and
        ``insight_grams`` rows."""
        text_row = (self.key, self.text, self.norm, len(self.grams), lessons)
        key = self.key  # `gram_key` inline: an import makes thousands of these rows
        return text_row, [(g if len(g) <= _GRAM_CHARS else gram_key(g), key) for g in self.grams]


def gram_key(gram: str) -> str:
    """A gram as ``insight_grams`` keeps it: itself, a long one as '#' and its hash ('#' is in no gram)."""
    return gram if len(gram) <= _GRAM_CHARS else "#" + text_key(gram)


def text_key(text: str) -> str:
    """The key ``insight_texts`` keeps a text under: its SHA-256, in hex."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def kept_text(text: str) -> KeptText | None:
    """What ``insight_texts`` keeps of a text; None when it has no letter or digit (never grouped)."""
    found = issue_fingerprint(text)
    return KeptText(text_key(text), text, found.norm, found.grams) if found.norm else None


def alike_pair(a: KeptText, b_key: str, b_norm: str, b_size: int, shared: int) -> tuple[str, str] | None:
    """The ``insight_pairs`` row of two kept texts of different normal forms whose grams are alike (the
    Jaccard of `analysis.insights`, ``shared`` grams in common, at or above `RECURRING_THRESHOLD`): their
    keys, the lesser first; None when they are not alike. Texts of one normal form are never paired: the
    analysis compares one text per normal form."""
    if b_norm == a.norm or shared / (len(a.grams) + b_size - shared) < RECURRING_THRESHOLD:
        return None
    return (a.key, b_key) if a.key < b_key else (b_key, a.key)


def text_changes(added: Iterable[str], removed: Iterable[str]) -> dict[str, tuple[str, int]]:
    """By `text_key`: each text written or removed and how many more lessons hold it (never 0)."""
    changes: dict[str, list[Any]] = {}
    for texts, step in ((added, 1), (removed, -1)):
        for text in texts:
            entry = changes.get(text)
            if entry is None:
                changes[text] = [text, step]
            else:
                entry[1] += step
    return {text_key(text): (text, change) for text, change in changes.values() if change}


def every_text_pair(texts: Iterable[str]) -> tuple[list[KeptText], list[tuple[str, str]]]:
    """What ``insight_texts`` and ``insight_pairs`` keep of these texts, made in one pass: the kept texts
    (each once) and every alike pair of them (`analysis.text.similar_pairs`, exact: the pairs one text at a
    time by shared grams gives too)."""
    kept = [found for text in dict.fromkeys(texts) if (found := kept_text(text)) is not None]
    prints = [Fingerprint(k.norm, k.grams) for k in kept]
    pairs: list[tuple[str, str]] = []
    for j, i, _ in similar_pairs(prints, RECURRING_THRESHOLD):
        a, b = kept[j], kept[i]
        if a.norm != b.norm:
            pairs.append((a.key, b.key) if a.key < b.key else (b.key, a.key))
    return kept, pairs


def imported_texts(rows: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]) -> list[str]:
    """The problem, root cause and lesson texts of an import's lesson rows (`_keep_texts` keeps them)."""
    return [
        str(row["text"])
        for table, items in rows
        if table == "lessons"
        for row in items
        if row.get("kind") in INSIGHT_TEXT_KINDS
    ]


def backfilled_closed_at(created_at: str, updated_at: str) -> str | None:
    """Migration 5's close time of an action stored closed before close times were kept: its last
    change, when that came after it was recorded (what insights read as the close date until then)."""
    return updated_at if dt.datetime.fromisoformat(updated_at) > dt.datetime.fromisoformat(created_at) else None


def roster_entries(value: object) -> list[dict[str, Any]]:
    """The entries of a stored roster section (a list of {name, role, aliases}, or of plain names), as
    plain data; anything else in it is skipped (a reader's mask is built from what validates)."""
    if not isinstance(value, list):
        return []
    return [
        {"name": item} if isinstance(item, str) else item
        for item in value
        if isinstance(item, str) or (isinstance(item, dict) and isinstance(item.get("name"), str))
    ]
