"""A store that masks personal data before it writes (``--mask-at-ingest``, ``FUPAN_MCP_MASK_AT_INGEST=1``).

The default keeps what the author wrote and masks on every path out (`analysis.stored_masking`), so
the author can still correct a review. A team that must not hold personal data at all wraps its store
in `MaskingStore`: every text a write carries (sections, actions, lessons, project and title) is
masked with the review's roster and the personal-data rules first, and the roster itself is stored
with its names replaced by their labels. Later writes mask with the roster they carry; since the
stored roster no longer holds names, a later edit that names a person must carry the roster again
(update_review with a ``roster`` section), and update_action masks by the pattern rules only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fupan_mcp.analysis.stored_masking import mask_value, roster_from, roster_of
from fupan_mcp.domain.actions import ActionItem
from fupan_mcp.domain.common import Language
from fupan_mcp.domain.compliance import RosterEntry
from fupan_mcp.domain.stored import Lesson, ReviewRecord, StoredAction
from fupan_mcp.store.base import ActionChange, Created, DateLike, ReviewChanges, ReviewStore

__all__ = ["MaskingStore"]


def _roster(sections: Mapping[str, Any] | None, fallback: Sequence[RosterEntry]) -> list[RosterEntry]:
    """The roster a write carries (as models or plain data), else ``fallback``."""
    given = (sections or {}).get("roster")
    if given is None:
        return list(fallback)
    return roster_from(given)


class _Masker:
    def __init__(self, roster: Sequence[RosterEntry], language: Language) -> None:
        self.roster = list(roster)
        self.language = language

    def text(self, value: str) -> str:
        masked = mask_value(value, self.roster, self.language)
        assert isinstance(masked, str)
        return masked

    def optional(self, value: str | None) -> str | None:
        return None if value is None else self.text(value)

    def sections(self, sections: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if sections is None:
            return None
        from fupan_mcp.workspace import to_jsonable

        return {name: mask_value(to_jsonable(value), self.roster, self.language) for name, value in sections.items()}

    def actions(self, actions: Sequence[ActionItem]) -> list[ActionItem]:
        return [
            ActionItem.model_validate(mask_value(a.model_dump(mode="json"), self.roster, self.language, _IDS))
            for a in actions
        ]

    def lessons(self, lessons: Sequence[Lesson | tuple[str, str]]) -> list[Lesson | tuple[str, str]]:
        return [
            item.model_copy(update={"text": self.text(item.text)})
            if isinstance(item, Lesson)
            else (item[0], self.text(item[1]))
            for item in lessons
        ]

    def change(self, change: ActionChange) -> ActionChange:
        return dataclasses.replace(
            change,
            owner=self.optional(change.owner),
            evidence=self.optional(change.evidence),
            status_reason=self.optional(change.status_reason),
        )


_IDS = frozenset({"id", "status", "due"})


class MaskingStore:
    """Forwards every call to the inner store, masking what each write carries first."""

    def __init__(self, inner: ReviewStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def _stored_roster(self, review_id: str) -> tuple[list[RosterEntry], Language]:
        record = self._inner.get_review(review_id)
        return roster_of(record), record.language

    def create_review(
        self,
        project: str,
        title: str,
        review_type: str | None,
        review_date: DateLike,
        language: Language = "zh",
        sections: Mapping[str, Any] | None = None,
    ) -> ReviewRecord:
        masker = _Masker(_roster(sections, ()), language)
        return self._inner.create_review(
            masker.text(project), masker.text(title), review_type, review_date, language, masker.sections(sections)
        )

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
        masker = _Masker(_roster(sections, ()), language)
        return self._inner.create_review_document(
            masker.text(project),
            masker.text(title),
            review_type,
            review_date,
            language,
            masker.sections(sections),
            actions=masker.actions(actions),
            lessons=masker.lessons(lessons),
            idempotency_key=idempotency_key,
        )

    def update_sections(self, review_id: str, sections: Mapping[str, Any]) -> ReviewRecord:
        roster, language = self._stored_roster(review_id)
        masked = _Masker(_roster(sections, roster), language).sections(sections)
        return self._inner.update_sections(review_id, masked or {})

    def modify_review(self, review_id: str, change: Callable[[ReviewRecord], ReviewChanges]) -> ReviewRecord:
        def masked_change(record: ReviewRecord) -> ReviewChanges:
            changes = change(record)
            masker = _Masker(_roster(changes.sections, roster_of(record)), record.language)
            return ReviewChanges(
                sections=masker.sections(changes.sections) or {},
                new_actions=masker.actions(changes.new_actions),
                action_updates={key: masker.change(value) for key, value in changes.action_updates.items()},
                lessons=None if changes.lessons is None else masker.lessons(changes.lessons),
            )

        return self._inner.modify_review(review_id, masked_change)

    def add_actions(self, review_id: str, items: Sequence[ActionItem]) -> list[StoredAction]:
        roster, language = self._stored_roster(review_id)
        return self._inner.add_actions(review_id, _Masker(roster, language).actions(items))

    def update_action(
        self,
        action_id: str,
        status: Any = None,
        owner: str | None = None,
        due: DateLike | None = None,
        evidence: str | None = None,
        status_reason: str | None = None,
    ) -> StoredAction:
        # The stored roster holds labels, not names, so only the pattern rules apply here.
        masker = _Masker((), "zh")
        return self._inner.update_action(
            action_id, status, masker.optional(owner), due, masker.optional(evidence), masker.optional(status_reason)
        )

    def index_lessons(self, review_id: str, items: Sequence[Lesson | tuple[str, str]]) -> int:
        roster, language = self._stored_roster(review_id)
        return self._inner.index_lessons(review_id, _Masker(roster, language).lessons(items))
