"""Size limits, documented in the README and enforced by the input models.

They bound the work one call can demand; each is far above what a real review needs.
"""

from __future__ import annotations

from typing import Any

MAX_METRICS = 10_000
MAX_KPI_NODES = 20_000
MAX_FORMULA_CHARS = 2_000
MAX_WHYS = 200
MAX_SWOT_ITEMS = 200
MAX_ACTIONS = 5_000
MAX_TEXT_CHARS = 20_000
MAX_NAME_CHARS = 500
MAX_REF_CHARS = 64
"""An id: of a stored review or action, a KPI node, a why, a SWOT factor."""
MAX_DATE_CHARS = 100
"""A date as people write it ('2025年7月3日', 'T+30', '下周五', 'end of next month')."""
MAX_PATH_CHARS = 4_096
"""A file path (PATH_MAX on Linux)."""
MAX_FILENAME_CHARS = 255
"""A file name (NAME_MAX on Linux)."""

MAX_RESULT_BYTES = 16 * 1024 * 1024
"""Largest answer one tool call or resource read may return (JSON); larger is refused with a note."""
MAX_LISTED_FINDINGS = 1_000
"""Findings listed one by one per kind in a result; the counts still cover every finding."""
MAX_LISTED_GROUPS = 1_000
"""Carried-over actions, recurring issues and trends review_insights lists, the most-repeated first;
its counts cover them all (10,000 reviews can hold 30,000 carried-over actions: 14 MB of JSON)."""
MAX_MESSAGE_CHARS = 1_000
"""Longest error message passed to a client; longer ones keep their head and tail."""

MAX_ARGUMENT_ITEMS = 20_000
"""Items of a list (or keys of an object) argument whose own schema sets no smaller bound."""
MAX_ARGUMENT_CHARS = 200_000
"""Characters of a string argument whose own schema sets no smaller bound."""
OFF_LOOP_WEIGHT = 100
"""Arguments weighing more than this (`argument_weight`) are validated, run and converted on a worker
thread: a hop costs about 0.3 ms, less than validating a hundred items, and keeps the event loop free."""
CHARS_PER_WEIGHT = 50
"""Characters of a string argument that weigh as much as one item of a list. Text is scanned character
by character (personal data and tone: `check_compliance`, the masking in timelines and reports), about
1 us a character on the 2-core VM, while an item costs about 50 us (100 metrics computed and phrased:
4.6 ms). Counted by the thousand, a 60,000-character `check_compliance` (a 60 KB request, under
`http.EXCHANGE_BYTES`) weighed 60 and ran its 60 ms scan on the event loop, /health waiting 6x its idle
p99; now anything above 5,000 characters leaves the loop."""
HEAVY_CALLS = 4
"""Heavy calls run at once on worker threads; more wait their turn instead of sharing two cores."""


def argument_weight(arguments: dict[str, Any]) -> int:
    """Items, and characters by `CHARS_PER_WEIGHT`, in the arguments, two levels deep: a cheap measure,
    linear in the number of fields, not in the size of the input, so the event loop can afford it."""
    weight = 0
    for value in arguments.values():
        weight += _weight(value)
        if isinstance(value, dict):
            weight += sum(_weight(inner) for inner in value.values())
    return weight


def _weight(value: object) -> int:
    if isinstance(value, list | dict):
        return len(value)
    if isinstance(value, str):
        return text_weight(len(value))
    return 0


def text_weight(chars: int) -> int:
    """The weight of ``chars`` characters of text (`CHARS_PER_WEIGHT`)."""
    return chars // CHARS_PER_WEIGHT


def oversized(arguments: dict[str, Any], schema: dict[str, Any] | None) -> tuple[str, str, int, int] | None:
    """The first top-level argument larger than its bound, as (field, 'items'|'chars', size, limit); None
    when all fit. The bound is the schema's own ``maxItems``/``maxProperties``/``maxLength`` (also inside
    ``anyOf``), else `MAX_ARGUMENT_ITEMS` / `MAX_ARGUMENT_CHARS`: every field has one. Checked on the raw
    arguments, before any model is built, so a 100,000-item list costs a ``len()``, not a parse."""
    properties = (schema or {}).get("properties", {})
    for field, value in arguments.items():
        if isinstance(value, list | dict):
            kind, size = "items", len(value)
            limit = _schema_bound(properties.get(field), "maxProperties" if isinstance(value, dict) else "maxItems")
            limit = MAX_ARGUMENT_ITEMS if limit is None else limit
        elif isinstance(value, str):
            kind, size = "chars", len(value)
            limit = _schema_bound(properties.get(field), "maxLength")
            limit = MAX_ARGUMENT_CHARS if limit is None else limit
        else:
            continue
        if size > limit:
            return field, kind, size, limit
    return None


def _schema_bound(schema: object, keyword: str) -> int | None:
    if not isinstance(schema, dict):
        return None
    if isinstance(bound := schema.get(keyword), int):
        return bound
    bounds = [b for option in schema.get("anyOf", ()) if (b := _schema_bound(option, keyword)) is not None]
    return max(bounds) if bounds else None


TOLERATED_ARGUMENTS = frozenset({"language"})
"""Sent to every tool by some callers; a tool without it still answers its errors in that language."""


def unknown_arguments(arguments: dict[str, Any], schema: dict[str, Any] | None) -> list[tuple[str, str | None]]:
    """The top-level arguments the tool does not take, each with the parameter it is closest to (a typo:
    'langauge', 'reviewdate') or None. The SDK drops them silently: 'actions' given beside `review`
    instead of inside it was lost, a misspelt 'review_date' moved every overdue count to today."""
    properties = (schema or {}).get("properties")
    if not isinstance(properties, dict):
        return []
    unknown = [name for name in arguments if name not in properties and name not in TOLERATED_ARGUMENTS]
    if not unknown:
        return []

    names = list(properties)
    return [(name, _closest(name, names)) for name in unknown]


def _closest(name: str, names: list[str]) -> str | None:
    """The parameter a wrong name most likely meant: a near spelling, or a review section given beside
    the document it belongs in ('actions' next to `review` is `review.actions`)."""
    import difflib

    near = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
    if near:
        return near[0]
    container = next((c for c in ("review", "sections") if c in names), None)
    if container is None:
        return None
    from fupan_mcp.domain.review import Review

    return f"{container}.{name}" if name in Review.model_fields else None
