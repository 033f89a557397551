"""The review store interface, its errors, and the input checks every backend shares.

`ReviewStore` is the only thing the MCP tools (and the CLI) should depend on. SQLite
(`store.sqlite.SQLiteStore`) is the embedded default; a PostgreSQL backend implements the same
protocol and reuses the validators below, so tools never change.

Conventions of every method:
- ids are strings the store generates: ``R-<hex>`` for reviews, ``A-<hex>`` for actions;
- an unknown id raises `NotFound` (a `KeyError` and an `InputError` naming the id argument);
- a bad argument (a date that is not ``YYYY-MM-DD``, an unknown status or kind, a limit out of
  range) raises `InputError(field, reason)`;
- dates may be given as `datetime.date` or ISO strings; records always carry `datetime.date`;
- each write is one transaction: it happens completely or not at all, and returns only after it
  committed. A save that depends on what is stored (`modify_review`) reads it inside that
  transaction, under the write lock, so two saves never overwrite each other's changes;
- a store that cannot do its job raises a `StoreError` subclass with a ``code`` saying why (full,
  read-only, newer schema, corrupt, unreachable, busy); `store.messages` words it for the user.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python

from fupan_mcp.domain.actions import ActionItem, ActionStatus
from fupan_mcp.domain.insights import InsightRows
from fupan_mcp.domain.stored import (
    LESSON_KINDS,
    Lesson,
    LessonHit,
    LessonKind,
    OpenAction,
    ReviewRecord,
    ReviewSummary,
    StoredAction,
)
from fupan_mcp.errors import InputError, input_error_from
from fupan_mcp.i18n import Language, Table, tr
from fupan_mcp.limits import MAX_ACTIONS, MAX_NAME_CHARS
from fupan_mcp.store.projects import Project

__all__ = [
    "ACTION_STATUSES",
    "MAX_IDEMPOTENCY_KEY_CHARS",
    "MAX_LESSONS_PER_REVIEW",
    "MAX_QUERY_CHARS",
    "MAX_SECTION_CHARS",
    "ActionChange",
    "Created",
    "DateLike",
    "NotFound",
    "ReviewChanges",
    "ReviewStore",
    "StoreBusy",
    "StoreCannotOpen",
    "StoreCorrupt",
    "StoreError",
    "StoreFull",
    "StoreReadOnly",
    "StoreSchemaTooNew",
    "StoreUnavailable",
]

DateLike = dt.date | str
ACTION_STATUSES: tuple[ActionStatus, ...] = get_args(ActionStatus)
LANGUAGES: tuple[Language, ...] = get_args(Language)

MAX_SECTION_CHARS = 5_000_000  # one section's JSON text; a rendered report is far smaller
MAX_SECTION_NAME_CHARS = 200
MAX_LESSONS_PER_REVIEW = 5_000
MAX_QUERY_CHARS = 500
MAX_PAGE = 1_000
MAX_OFFSET = 2**63 - 1  # the largest integer SQLite and PostgreSQL (bigint) accept
MAX_IDEMPOTENCY_KEY_CHARS = 200


class StoreError(Exception):
    """The store cannot do its job. ``code`` says why (the subclasses below); the message is the
    technical detail for the server log (it may hold a path or a driver message), never for the
    client: `store.messages.describe` gives the user's text."""

    code: ClassVar[str] = "store_error"
    retry: ClassVar[bool] = False  # whether the same call may succeed when simply tried again later


class StoreFull(StoreError):
    """No space left: the disk (SQLITE_FULL, PostgreSQL 53100) or the database's size limit."""

    code = "store_full"


class StoreReadOnly(StoreError):
    """The store refuses writes: a read-only file, directory or file system, a read-only
    transaction (a standby), or no write permission."""

    code = "store_read_only"


class StoreSchemaTooNew(StoreError):
    """The database was written by a newer fupan-mcp; nothing is touched."""

    code = "store_schema_newer"

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"database schema version {found} is newer than this fupan-mcp knows ({known}); upgrade fupan-mcp"
        )
        self.found = found
        self.known = known


class StoreCorrupt(StoreError):
    """The file is not a database, or its pages are damaged."""

    code = "store_corrupt"


class StoreCannotOpen(StoreError):
    """The SQLite file cannot be opened or created (a directory in the way, no permission)."""

    code = "store_cannot_open"


class StoreUnavailable(StoreError):
    """The database server cannot be reached or dropped the connection; worth retrying."""

    code = "store_unavailable"
    retry = True


class StoreBusy(StoreError):
    """Another writer held the lock past the timeout, or a conflict aborted the transaction;
    nothing was written and the same call may succeed when tried again."""

    code = "store_busy"
    retry = True


class NotFound(InputError, KeyError):
    """No review or action with that id. Names the id argument, so a model can retry."""

    def __init__(self, field: str, kind: str, id_: str) -> None:
        super().__init__(field, f"no {kind} with id {id_!r}")
        self.kind = kind
        self.id = id_

    def __str__(self) -> str:  # KeyError would quote the message
        return f"{self.field}: {self.reason}"


class ReviewStore(Protocol):
    """Persistence for reviews, their sections, improvement actions and searchable lessons."""

    # --- reviews -------------------------------------------------------------------------
    def create_review(
        self,
        project: str,
        title: str,
        review_type: str | None,
        review_date: DateLike,
        language: Language = "zh",
        sections: Mapping[str, Any] | None = None,
    ) -> ReviewRecord:
        """Save a new review (optionally with initial sections) and return it with its id."""
        ...

    def create_review_document(
        self,
        project: str,
        title: str,
        review_type: str | None,
        review_date: DateLike,
        language: Language = "zh",
        sections: Mapping[str, Any] | None = None,
        *,
        actions: Sequence[ActionItem] = (),
        lessons: Sequence[Lesson | tuple[str, str]] = (),
        idempotency_key: str | None = None,
    ) -> Created:
        """Save a whole new review in ONE transaction: the review, its sections, its actions and
        its searchable lessons appear together or not at all.

        ``idempotency_key`` (any string the caller chooses, e.g. a UUID per document) makes a retry
        safe: a second call with the same key and the same content returns the review the first
        one created (``replayed=True``) instead of a duplicate; the same key with other content is
        an `InputError` naming ``idempotency_key``. A key is kept as long as its review.
        """
        ...

    def get_review(self, review_id: str) -> ReviewRecord:
        """The whole review: sections, actions (in order) and indexed lessons."""
        ...

    def list_reviews(
        self,
        project: str | None = None,
        review_type: str | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[ReviewSummary]:
        """Newest review date first; date bounds are inclusive."""
        ...

    def delete_review(self, review_id: str) -> None:
        """Delete a review with its sections, actions and lessons."""
        ...

    def update_sections(self, review_id: str, sections: Mapping[str, Any]) -> ReviewRecord:
        """Merge sections into a review: each named section is replaced, the others kept.

        A value is any JSON-able data (dicts, lists, pydantic models, dates...), typically an
        analysis tool's ``{"input": ..., "result": ...}`` under names such as ``attainment``,
        ``kpi_tree``, ``five_whys:0``, ``swot``, ``report``.
        """
        ...

    def modify_review(self, review_id: str, change: Callable[[ReviewRecord], ReviewChanges]) -> ReviewRecord:
        """Read-modify-write of one review in ONE write transaction.

        The review is read under the write lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL a row
        lock on the review), ``change`` computes what to write from that fresh copy (it may raise
        `InputError`: then nothing is written), the changes are applied, and the review is
        returned as committed. Concurrent saves of one review are serialized, so each sees the
        other's result: edits of different sections both survive, and the lessons replaced with
        the sections stay in step with them.
        """
        ...

    # --- actions -------------------------------------------------------------------------
    def add_actions(self, review_id: str, items: Sequence[ActionItem]) -> list[StoredAction]:
        """Append actions to a review; ids are generated when empty. Same rules as update_action."""
        ...

    def list_actions(
        self,
        owner: str | None = None,
        status: ActionStatus | Sequence[ActionStatus] | None = None,
        overdue_on: DateLike | None = None,
        project: str | None = None,
        review_id: str | None = None,
        limit: int = 500,
        offset: int = 0,
    ) -> list[StoredAction]:
        """Filter actions; ``overdue_on=d`` keeps open/in-progress ones due before ``d``."""
        ...

    def update_action(
        self,
        action_id: str,
        status: ActionStatus | None = None,
        owner: str | None = None,
        due: DateLike | None = None,
        evidence: str | None = None,
        status_reason: str | None = None,
    ) -> StoredAction:
        """Change an action; None leaves a field as it is.

        Rules: ``done`` needs evidence, ``wont_do`` needs a status_reason (given now or already
        stored); otherwise `InputError` naming ``evidence`` / ``status_reason``.
        """
        ...

    def open_actions_for_project(
        self, project: str, today: DateLike, exclude_review_id: str | None = None
    ) -> list[OpenAction]:
        """Open and in-progress actions of the project's reviews (except ``exclude_review_id``,
        typically the review being written), overdue ones first."""
        ...

    def insight_rows(
        self,
        project: str | None = None,
        review_type: str | None = None,
        owner: str | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
    ) -> InsightRows:
        """The compact rows `analysis.insights` reads, filtered and counted in SQL: the reviews in the
        range (inclusive dates); their actions (only ``owner``'s when given: the owner narrows actions, not
        reviews) counted per review and per owner, overdue as of ``date_to``, else the latest review date
        (``as_of``), with the days to close of done actions whose close time (``closed_at``) is known;
        each action's text and status; the problem, root-cause and lesson texts; and each metric's
        attainment rate from the stored `compute_attainment` result. Without any filter, what the store
        keeps at write time stands for the action texts: the carried-over keys of the groups that can be
        listed, and how many groups there are (derived from the actions, deleted with their review, made
        again on import)."""
        ...

    # --- lessons -------------------------------------------------------------------------
    def index_lessons(self, review_id: str, items: Sequence[Lesson | tuple[str, str]]) -> int:
        """Replace the review's searchable items with ``items`` ((kind, text) pairs); returns the count."""
        ...

    def search_lessons(
        self,
        query: str,
        kinds: Sequence[LessonKind] | None = None,
        project: str | None = None,
        limit: int = 20,
        *,
        review_type: str | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        any_term: bool = False,
    ) -> list[LessonHit]:
        """Ranked search over all reviews' lessons; Chinese, English (stemmed) and mixed queries.
        ``project`` matches the project's identity (any of its names); date bounds are inclusive.
        ``any_term``: rank the items sharing any query token (the fallback of a search that finds
        nothing with all terms) even when some item has them all: what finding the same problem in
        other words needs, since the review's own wording always matches all of its terms."""
        ...

    def team_roster(self) -> list[dict[str, Any]]:
        """Every roster entry saved with any review, as stored (plain data, earliest review first): what
        masks a reader's view across reviews (review_insights), where a text may come from any of them."""
        ...

    # --- projects ------------------------------------------------------------------------
    def find_project(self, name: str) -> Project | None:
        """The project a name stands for (same key as its name or an alias, see store.projects), or None."""
        ...

    def list_projects(self) -> list[Project]:
        """Every project with its aliases, by display name."""
        ...

    def add_project_alias(self, project: str, alias: str) -> Project:
        """Make ``alias`` another name of the project named ``project`` (an `InputError` naming
        ``project`` when there is none, naming ``alias`` when it belongs to another project)."""
        ...

    def close(self) -> None:
        """Release connections. The store is unusable afterwards."""
        ...


@dataclass(frozen=True)
class ActionChange:
    """New values for a stored action's tracked fields; None leaves a field as it is."""

    status: ActionStatus | None = None
    owner: str | None = None
    due: DateLike | None = None
    evidence: str | None = None
    status_reason: str | None = None


@dataclass(frozen=True)
class ReviewChanges:
    """What one `ReviewStore.modify_review` writes, all in the same transaction.

    ``sections``: section name -> value, each replaced (others kept). ``new_actions``: appended.
    ``action_updates``: action id (of this review) -> its changes. ``lessons``: when not None,
    the review's searchable items are replaced by these.
    """

    sections: Mapping[str, Any] = field(default_factory=dict)
    new_actions: Sequence[ActionItem] = ()
    action_updates: Mapping[str, ActionChange] = field(default_factory=dict)
    lessons: Sequence[Lesson | tuple[str, str]] | None = None


@dataclass(frozen=True)
class Created:
    """A review `ReviewStore.create_review_document` stored, or found stored under the same key."""

    record: ReviewRecord
    replayed: bool = False


# --- shared validators (every backend uses the same rules and field names) ----------------

_T = TypeVar("_T")


def new_id(prefix: str) -> str:
    """A short random id such as ``R-3f9a0c2b1d`` (40 bits; the store checks for collisions)."""
    return f"{prefix}-{secrets.token_hex(5)}"


def parse_date(value: DateLike, field: str) -> dt.date:
    """A `date` from a date or an ISO ``YYYY-MM-DD`` string; `InputError` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(field, both("date", value=repr(value)))


REASONS: Table = {
    "date": {"zh": "应为 YYYY-MM-DD 格式的日期，收到 {value}", "en": "expected a date YYYY-MM-DD, got {value}"},
    "empty": {"zh": "不能为空", "en": "must be a non-empty string"},
    "too_long": {"zh": "超过 {n} 个字符", "en": "longer than {n} characters"},
    "choice": {"zh": "未知的取值 {value}，可选：{allowed}", "en": "unknown value {value}; expected one of: {allowed}"},
    "between": {"zh": "应为 {low} 到 {high} 之间的整数", "en": "must be an integer from {low} to {high}"},
    "date_order": {"zh": "{date_to} 早于 date_from {date_from}", "en": "{date_to} is before date_from {date_from}"},
    "done_evidence": {
        "zh": "状态为 done（已完成）时必填：什么能证明已完成",
        "en": "required when status is 'done' (what shows it is done)",
    },
    "wont_do_reason": {
        "zh": "状态为 wont_do（不做）时必填：为什么放弃",
        "en": "required when status is 'wont_do' (why it is dropped)",
    },
    "too_many": {"zh": "超过 {n} 项", "en": "more than {n} items"},
    "section_too_large": {"zh": "JSON 超过 {n} 个字符", "en": "larger than {n} characters of JSON"},
    "query_empty": {
        "zh": "没有可搜索的文字（字母、数字或汉字）",
        "en": "contains no letters, digits or CJK characters to search for",
    },
    "not_its_action": {"zh": "{id} 不是复盘 {review} 的行动", "en": "{id} is not an action of review {review}"},
    "nul": {
        "zh": "含有 NUL 字符（\\u0000），PostgreSQL 无法保存",
        "en": "contains a NUL character (\\u0000), which PostgreSQL cannot store",
    },
}
"""The store's reasons for refusing an input, in both languages: its callers pass it no language."""


def both(key: str, **values: object) -> str:
    """A reason of `REASONS` in Chinese, then English."""
    return " / ".join(tr(REASONS, key, language, **values) for language in ("zh", "en"))


def optional_date(value: DateLike | None, field: str) -> dt.date | None:
    return None if value is None else parse_date(value, field)


def require_text(value: str, field: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """A stripped, non-empty string of bounded length."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, both("empty"))
    text = value.strip()
    if len(text) > max_chars:
        raise InputError(field, both("too_long", n=max_chars))
    return text


def optional_text(value: str | None, field: str, max_chars: int = MAX_NAME_CHARS) -> str | None:
    return None if value is None else require_text(value, field, max_chars)


def check_choice(value: str, choices: Iterable[_T], field: str) -> _T:
    """``value`` if it is one of ``choices``; `InputError` listing them otherwise."""
    options = tuple(choices)
    for option in options:
        if value == option:
            return option
    allowed = ", ".join(str(o) for o in options)
    raise InputError(field, both("choice", value=repr(value), allowed=allowed))


def check_statuses(status: str | Sequence[str] | None) -> tuple[ActionStatus, ...]:
    """Normalize a status filter to a tuple (empty = no filter)."""
    if status is None:
        return ()
    values = [status] if isinstance(status, str) else list(status)
    return tuple(check_choice(s, ACTION_STATUSES, "status") for s in values)


def check_kinds(kinds: Sequence[str] | None) -> tuple[LessonKind, ...]:
    if kinds is None:
        return ()
    values = [kinds] if isinstance(kinds, str) else list(kinds)
    return tuple(check_choice(k, LESSON_KINDS, "kinds") for k in values)


def check_page(limit: int, offset: int, max_limit: int = MAX_PAGE) -> None:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= max_limit:
        raise InputError("limit", both("between", low=1, high=max_limit))
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise InputError("offset", both("between", low=0, high=MAX_OFFSET))


def check_date_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    if date_from and date_to and date_from > date_to:
        raise InputError("date_to", both("date_order", date_to=date_to, date_from=date_from))


def encode_sections(sections: Mapping[str, Any] | None) -> dict[str, str]:
    """Section name -> JSON text. Names are stripped and bounded; values must be JSON-able."""
    if sections is None:
        return {}
    if not isinstance(sections, Mapping):
        raise InputError("sections", "must be an object of section name -> JSON value")
    encoded: dict[str, str] = {}
    for raw_name, value in sections.items():
        name = require_text(raw_name, "sections", MAX_SECTION_NAME_CHARS)
        encoded[name] = encode_json(value, f"sections.{name}")
    return encoded


def encode_json(value: Any, field: str) -> str:
    """Strict JSON text (no NaN/Infinity) of any JSON-able value, pydantic models included."""
    try:
        text = json.dumps(to_jsonable_python(value), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError(field, f"not JSON-serializable: {exc}") from exc
    if len(text) > MAX_SECTION_CHARS:
        raise InputError(field, both("section_too_large", n=MAX_SECTION_CHARS))
    return text


def validate_action(data: Mapping[str, Any] | ActionItem, field: str) -> ActionItem:
    """An `ActionItem` from data, its model errors turned into `InputError` under ``field``."""
    raw = data.model_dump() if isinstance(data, BaseModel) else dict(data)
    try:
        item = ActionItem.model_validate(raw)
    except ValidationError as exc:
        raise input_error_from(exc, field) from exc
    check_action_rules(item, field)
    return item


def check_action_rules(item: ActionItem, field: str = "") -> None:
    """Closing an action needs a proof: done -> evidence, wont_do -> status_reason."""
    prefix = f"{field}." if field else ""
    if item.status == "done" and not (item.evidence or "").strip():
        raise InputError(f"{prefix}evidence", both("done_evidence"))
    if item.status == "wont_do" and not (item.status_reason or "").strip():
        raise InputError(f"{prefix}status_reason", both("wont_do_reason"))


def check_action_count(items: Sequence[object]) -> None:
    if len(items) > MAX_ACTIONS:
        raise InputError("actions", both("too_many", n=MAX_ACTIONS))


def check_lessons(items: Sequence[Lesson | tuple[str, str]]) -> list[Lesson]:
    """`Lesson` models from models or (kind, text) pairs; errors name ``items[i].kind`` etc."""
    if len(items) > MAX_LESSONS_PER_REVIEW:
        raise InputError("items", both("too_many", n=MAX_LESSONS_PER_REVIEW))
    lessons: list[Lesson] = []
    for i, item in enumerate(items):
        field = f"items[{i}]"
        if isinstance(item, Lesson):
            lessons.append(item)
            continue
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise InputError(field, "expected a (kind, text) pair")
        try:
            lessons.append(Lesson(kind=check_choice(item[0], LESSON_KINDS, f"{field}.kind"), text=item[1]))
        except ValidationError as exc:
            raise input_error_from(exc, field) from exc
    return lessons
