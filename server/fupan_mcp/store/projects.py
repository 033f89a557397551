"""Projects as identities: when two names are the same project, and when they are only close.

Why: a review's follow-up (the open actions of the project's earlier reviews) and every filter by
project used to compare the name as typed, so "2024 双十一大促" and "2024双十一大促" were two
histories and the open actions of the first silently vanished from the second.

- `project_key` is the identity of a name: NFKC (full-width ２０２４ -> 2024, ＡＰＩ -> API),
  case-folded, with everything that is not a letter or a digit removed (spaces, punctuation of
  both scripts, symbols). Names with the same key are the same project; the store keeps one row
  per key (`project_names`) pointing at the project's id.
- `similarity` tells a near miss: the Jaccard index of the character bigrams of two keys
  (|A ∩ B| / |A ∪ B|). Deterministic, needs no dictionary and works the same for Chinese and
  English. A name whose key is new but has a similarity of at least `SIMILAR_AT` (0.5) to a stored
  project is a likely typo or variant: `create_review` answers "did you mean" instead of starting a
  new history (the caller passes ``new_project: true`` to create it anyway). 0.5 is where
  "双十一大促" meets "2024双十一大促" (4 shared bigrams of 8) and "2024双十二大促" meets
  "2024双十一大促" (6 of 10), while unrelated names share almost nothing (0 to 0.2).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from fupan_mcp.domain.numbers import chinese_to_digits
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, Table, join_list, tr

__all__ = [
    "MAX_CANDIDATES",
    "SIMILAR_AT",
    "Project",
    "bigrams",
    "did_you_mean",
    "project_key",
    "similar_projects",
    "similarity",
]

SIMILAR_AT = 0.5
"""Bigram Jaccard similarity from which a new name is taken for a variant of a stored one."""
MAX_CANDIDATES = 5


class Project(BaseModel):
    """A project: its id, the name it is shown with, and the other names that mean it."""

    id: str = Field(description="Store-assigned id, e.g. 'P-3f9a0c2b1d'.")
    name: str = Field(description="Display name: the name the project was first stored under.")
    aliases: list[str] = Field(
        default_factory=list, description="Other names of the project (added with add_project_alias)."
    )


def project_key(name: str) -> str:
    """The identity of a project name: NFKC, case-folded, letters and digits only.

    A name of punctuation only keeps its normalized, stripped text, so it is still a name."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    key = "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")
    return key or folded.strip()


def bigrams(text: str) -> frozenset[str]:
    """The set of character bigrams of ``text`` (a one-character text is its own bigram)."""
    if len(text) < 2:
        return frozenset([text]) if text else frozenset()
    return frozenset(text[i : i + 2] for i in range(len(text) - 1))


def similarity(a: str, b: str) -> float:
    """Jaccard index of the bigrams of two project keys, 0.0 to 1.0; of the keys with their Chinese
    numerals as digits too, whichever is higher: "2024双11大促" and "2024双十一大促" share 4 bigrams of
    12 as written (0.33, taken for another project) and are one name read as numbers."""
    best = _jaccard(a, b)
    if best < 1.0 and (_CN_NUMERAL.search(a) or _CN_NUMERAL.search(b)):
        best = max(best, _jaccard(chinese_to_digits(a), chinese_to_digits(b)))
    return best


_CN_NUMERAL = re.compile("[零〇一二两三四五六七八九十百千万亿]")


def _jaccard(a: str, b: str) -> float:
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def similar_projects(name: str, projects: Iterable[Project]) -> list[tuple[Project, float]]:
    """Stored projects whose name or an alias is close to ``name``, most similar first."""
    key = project_key(name)
    scored: list[tuple[Project, float]] = []
    for project in projects:
        best = max(similarity(key, project_key(known)) for known in (project.name, *project.aliases))
        if best >= SIMILAR_AT:
            scored.append((project, round(best, 3)))
    scored.sort(key=lambda pair: (-pair[1], pair[0].name))
    return scored[:MAX_CANDIDATES]


PROJECT_MESSAGES: Table = {
    "quoted": {"zh": "“{name}”", "en": "'{name}'"},
    "did_you_mean": {
        "zh": "没有名为“{name}”的项目，但有相近的项目：{candidates}。是同一个项目吗？请用已有的名称，"
        "这样之前复盘未关闭的行动才能被跟进；确实是新项目时，传 new_project: true。",
        "en": "there is no project named '{name}', but there are similar ones: {candidates}. Is it the same "
        "project? Use the existing name so that the open actions of its earlier reviews are followed up; "
        "if it really is a new project, pass new_project: true.",
    },
    "alias_taken": {
        "zh": "名称“{alias}”已属于另一个项目“{other}”。",
        "en": "the name '{alias}' already belongs to another project, '{other}'.",
    },
    "unknown_project": {
        "zh": "没有名为“{name}”的项目。",
        "en": "there is no project named '{name}'.",
    },
}


class DidYouMean(InputError):
    """A new project name close to stored ones; ``candidates`` are their display names."""

    def __init__(self, name: str, candidates: Sequence[str], language: Language) -> None:
        quoted = [tr(PROJECT_MESSAGES, "quoted", language, name=c) for c in candidates]
        super().__init__(
            "project", tr(PROJECT_MESSAGES, "did_you_mean", language, name=name, candidates=join_list(quoted, language))
        )
        self.candidates = list(candidates)


def did_you_mean(name: str, projects: Iterable[Project], language: Language) -> DidYouMean | None:
    """The "did you mean" error for a new name close to stored projects, or None.

    None too when a listed project has the very key of ``name``: it was created after the caller looked
    the name up (a concurrent create of the same project), so the name is that project, not a near miss."""
    projects = list(projects)
    key = project_key(name)
    if any(project_key(known) == key for project in projects for known in (project.name, *project.aliases)):
        return None
    close = similar_projects(name, projects)
    return DidYouMean(name, [project.name for project, _ in close], language) if close else None
