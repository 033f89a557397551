"""Localized strings. Each module keeps its own table of ``key -> {zh, en}``; this picks one.

Chinese is the default language; English is the other. Code never forks on language.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Literal

from fupan_mcp.errors import InputError

Language = Literal["zh", "en"]
DEFAULT_LANGUAGE: Language = "zh"

Table = Mapping[str, Mapping[str, str]]


_PLURALS = {
    "actions": "action", "alerts": "alert", "causes": "cause", "days": "day", "entries": "entry",
    "errors": "error", "events": "event", "factors": "factor", "fields": "field", "files": "file",
    "findings": "finding",
    "gaps": "gap", "groups": "group", "hits": "hit", "hours": "hour", "incidents": "incident",
    "items": "item", "lessons": "lesson", "lines": "line", "metrics": "metric", "minutes": "minute",
    "months": "month", "nodes": "node", "owners": "owner", "points": "point", "problems": "problem",
    "projects": "project", "questions": "question", "records": "record", "reviews": "review", "risks": "risk",
    "rows": "row", "sections": "section", "strategies": "strategy", "texts": "text", "times": "time",
    "warnings": "warning", "weeks": "week", "whys": "why", "years": "year", "notes": "note",
    "statements": "statement",
}  # fmt: skip
_VERBS = {"are": "is", "were": "was", "have": "has", "need": "needs", "remain": "remains"}
_COUNTED = re.compile(
    r"\{(\w+)\} ((?:(?:open|overdue|closed|done|recurring|earlier|unread|blank|new|more|other|root|working"
    r"|business|personal data|data|similar|action) ){0,2})"
    rf"({'|'.join(_PLURALS)})\b(?: ({'|'.join(_VERBS)})\b)?"
)


@lru_cache(maxsize=1024)
def _counted(template: str) -> tuple[tuple[str, int, int, str], ...]:
    """Where ``template`` puts a plural noun right after a placeholder: (name, start, end, singular)."""
    return tuple(
        (m[1], m.start(2), m.end(), m[2] + _PLURALS[m[3]] + (f" {_VERBS[m[4]]}" if m[4] else ""))
        for m in _COUNTED.finditer(template)
    )


def _english_counts(template: str, values: Mapping[str, object]) -> str:
    """``template`` with '{n} metrics' as '{n} metric' (and '{n} rows are' as '{n} row is') where n is 1:
    English agrees with a count of one. Only the template's own words change, never a value (a target the
    user typed as '1 days' is quoted as typed)."""
    for name, start, end, singular in reversed(_counted(template)):
        if str(values.get(name)) == "1":
            template = template[:start] + singular + template[end:]
    return template


def one_forms(template: str, language: Language) -> dict[str, str]:
    """Per placeholder that counts something in ``template``: the template as it reads when that count
    is 1 (for the MCP Apps view, which fills its words in the browser)."""
    agree = _AGREEMENT.get(language)
    if agree is None:
        return {}
    return {name: agree(template, {name: "1"}) for name, *_ in _counted(template)}


_AGREEMENT: Mapping[str, Callable[[str, Mapping[str, object]], str]] = {"en": _english_counts}
"""What each language does to a template before it is filled (only English has counts to agree with)."""


def tr(table: Table, key: str, language: Language, /, **values: object) -> str:
    """Look up ``key`` in ``table`` for ``language`` and fill ``{placeholders}``."""
    entry = table[key]
    text = entry.get(language) or entry["en"]  # `localized`, inline: tr runs for every figure of a big result
    if not values:
        return text
    agree = _AGREEMENT.get(language)
    return (agree(text, values) if agree else text).format(**values)


def template_parts(template: str, fields: Sequence[str]) -> tuple[str, ...]:
    """The literal text around ``fields`` in ``template``, for a text written by concatenation on a hot
    path: 'a{x}b{y}c' with (x, y) is ('a', 'b', 'c'), and ``a + x + b + y + c`` is its ``format``.

    Why: ``str.format`` parses its template on every call (about 0.28 us for a one-field Chinese template,
    against 0.05 us for a concatenation), and a metric's statement fills seven. A template whose fields
    are not exactly ``fields`` in that order, or that escapes braces or formats a field, is refused, so
    a translation that reorders its fields fails at import, never writes a figure in the wrong place."""
    literals: list[str] = []
    names: list[str] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if spec or conversion or "{" in literal or "}" in literal:
            raise ValueError(f"template {template!r}: plain {{field}} placeholders only")
        literals.append(literal)
        if name is not None:
            names.append(name)
    if tuple(names) != tuple(fields):
        raise ValueError(f"template {template!r} must have the fields {tuple(fields)} in that order")
    if len(literals) == len(names):  # the template ends with a field
        literals.append("")
    return tuple(literals)


def counts_agree(template: str, language: Language) -> bool:
    """Whether `tr` may change ``template``'s own words for a count of one in ``language`` ('{n} metrics'
    in English): such a template is filled by `tr`, never by its parts (`template_parts`)."""
    return language in _AGREEMENT and bool(_counted(template))


def localized(entry: Mapping[str, str], language: Language) -> str:
    """The ``language`` text of one ``{zh, en}`` entry (English when it has none for that language).

    For texts kept beside their data (a lexicon term's hint, a template's name): code that holds
    both languages picks one here, never with an ``if`` of its own.
    """
    return entry.get(language) or entry["en"]


def prefixed(prefix: str, table: Table) -> dict[str, Mapping[str, str]]:
    """The entries of ``table`` under keys starting with ``prefix``, to merge into another table."""
    return {f"{prefix}{key}": entry for key, entry in table.items()}


def check_language(language: str) -> Language:
    """``language`` if it is one of ours; `InputError` otherwise."""
    if language == "zh":
        return "zh"
    if language == "en":
        return "en"
    raise InputError("language", "只能是 'zh' 或 'en' / language must be 'zh' or 'en'")


LIST_SEPARATOR: Mapping[str, str] = {"zh": "、", "en": ", "}
"""Between the items of a list in running text."""


def join_list(items: Iterable[str], language: Language) -> str:
    """Items of a list in running text: 甲、乙 / a, b."""
    return localized(LIST_SEPARATOR, language).join(items)
