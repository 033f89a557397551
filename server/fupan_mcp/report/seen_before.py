"""The report's "seen before" notes: a problem or root cause that earlier reviews already recorded.

Why: a team that writes the same root cause into review after review has not learned it; the report
says so where the item stands ("此前在《客服系统升级》（2024-03-01）中也出现过"). The shell looks the
earlier items up in the store (`workspace.report_seen_before`, the similarity review_insights groups
recurring problems by) and hands them in as data; this module only places and words them.

Placing: a note belongs to the item whose text it was found for. The report shows the review with
personal data masked, so the item is found by the normal form of its text masked the same way.
Wording: a reader gets the earlier reviews' titles and dates only; the author also their ids, the
earlier wording and the similarity.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from fupan_mcp.analysis.text import normalize_text
from fupan_mcp.domain.stored import SeenBefore
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report import formatting as fmt
from fupan_mcp.report.strings import TEXT

__all__ = ["NOTED_REVIEWS", "SeenIndex", "index_seen", "seen_notes"]

NOTED_REVIEWS = 3
"""Earlier reviews named under one item; more are counted ("and 2 more reviews")."""

SeenIndex = Mapping[tuple[str, str], tuple[SeenBefore, ...]]
"""(kind, normal form of the item's text as reported) -> the earlier reviews that recorded it, earliest first."""


def index_seen(
    found: Sequence[SeenBefore], mask: Callable[[str], str]
) -> dict[tuple[str, str], tuple[SeenBefore, ...]]:
    """The notes by item, one per earlier review (its most similar item), earliest review first.

    ``mask`` is what the report does to the review's text (identity when it masks nothing), applied
    here to the notes too: the key matches the item as reported, and the earlier text is shown masked."""
    best: dict[tuple[str, str], dict[str, SeenBefore]] = {}
    for seen in found:
        key = (seen.kind, normalize_text(mask(seen.text)))
        kept = best.setdefault(key, {}).get(seen.review_id)
        if kept is None or seen.similarity > kept.similarity:
            update = {name: mask(getattr(seen, name)) for name in ("earlier_text", "title", "project")}
            best[key][seen.review_id] = seen.model_copy(update=update)
    return {
        key: tuple(sorted(by_review.values(), key=lambda s: (s.review_date, s.review_id)))
        for key, by_review in best.items()
    }


def seen_notes(index: SeenIndex, kind: str, text: str, language: Language, author: bool) -> tuple[str, ...]:
    """The lines under one reported item: none when no earlier review recorded it.

    A reader gets one sentence naming the earlier reviews by title and date; the author one line per
    earlier review with its id, its wording and the similarity."""
    earlier = index.get((kind, normalize_text(text)), ())
    if not earlier:
        return ()
    shown, more = earlier[:NOTED_REVIEWS], len(earlier) - NOTED_REVIEWS

    def t(key: str, **values: object) -> str:
        return tr(TEXT, key, language, **values)

    if author:
        lines = [
            t(
                "seen.author",
                title=seen.title,
                date=seen.review_date.isoformat(),
                id=seen.review_id,
                text=seen.earlier_text,
                similarity=fmt.percent(seen.similarity),
            )
            for seen in shown
        ]
        if more > 0:
            lines.append(t("seen.more_author", n=more))
        return tuple(lines)
    reviews = t("list_sep").join(t("seen.review", title=s.title, date=s.review_date.isoformat()) for s in shown)
    key = "seen.reader_more" if more > 0 else "seen.reader"
    return (t(key, reviews=reviews, n=len(earlier)),)
