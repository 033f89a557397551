"""Localized strings. Each module keeps its own table of ``key -> {zh, en}``; this picks one.

Chinese is the default language; English is the other. Code never forks on language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from fupan_mcp.errors import InputError

Language = Literal["zh", "en"]
DEFAULT_LANGUAGE: Language = "zh"

Table = Mapping[str, Mapping[str, str]]


def tr(table: Table, key: str, language: Language, /, **values: object) -> str:
    """Look up ``key`` in ``table`` for ``language`` and fill ``{placeholders}``."""
    entry = table[key]
    text = entry.get(language) or entry["en"]  # `localized`, inline: tr runs for every figure of a big result
    return text.format(**values) if values else text


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
    raise InputError("language", "language must be 'zh' or 'en'")


LIST_SEPARATOR: Mapping[str, str] = {"zh": "、", "en": ", "}
"""Between the items of a list in running text."""


def join_list(items: Iterable[str], language: Language) -> str:
    """Items of a list in running text: 甲、乙 / a, b."""
    return localized(LIST_SEPARATOR, language).join(items)
