"""Insight across reviews: do we do what we decide, what keeps going wrong, where do results move.

Pure: compact rows in (`domain.insights.InsightRows`), figures out. The as-of date is a parameter
(the caller passes the filter's end date, else the latest review date), never the clock.

Similarity of problems, root causes and lessons is deterministic and works for both languages: a
text's grams are its CJK character bigrams plus its lowercased Latin words and numbers; two texts
are alike when the Jaccard similarity of their grams reaches `RECURRING_THRESHOLD`. Pairs are found
with prefix filtering (`analysis.text.similar_pairs`, near-linear) and joined by union-find, so a
chain of alike texts is one group.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from fupan_mcp.analysis.text import Fingerprint, jaccard, normalize_text, similar_pairs
from fupan_mcp.domain.insights import (
    AGING_BUCKETS,
    RECURRING_KINDS,
    AgingBucket,
    CarriedAction,
    FollowThrough,
    InsightAction,
    InsightRows,
    InsightsResult,
    MetricTrend,
    RecurringGroup,
    ReviewRef,
    TrendPoint,
)

__all__ = [
    "NOT_LEARNED_REVIEWS",
    "RECURRING_THRESHOLD",
    "compute_insights",
    "default_as_of",
    "issue_fingerprint",
    "issue_similarity",
    "text_grams",
]

RECURRING_THRESHOLD = 0.5
"""Gram Jaccard at or above which two texts count as the same issue (the threshold `seen_before` uses)."""
NOT_LEARNED_REVIEWS = 3
"""A lesson written down in this many reviews or more has not been learned yet."""
FLAT_CHANGE = 0.005
"""A trend moving less than half a percentage point is flat."""

_OPEN = frozenset({"open", "in_progress"})
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+")


def text_grams(text: str) -> frozenset[str]:
    """CJK character bigrams (a lone character as itself) and lowercased Latin words and numbers."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    grams: set[str] = set()
    for run in _CJK_RUN.findall(folded):
        if len(run) > 1:
            grams.update(run[k : k + 2] for k in range(len(run) - 1))
        else:
            grams.add(run)
    for word in _WORD.findall(_CJK_RUN.sub(" ", folded)):
        grams.add(word)
    return frozenset(grams)


def issue_fingerprint(text: str) -> Fingerprint:
    """What two problems, root causes or lessons are compared by: the normal form and `text_grams`."""
    return Fingerprint(normalize_text(text), text_grams(text))


def issue_similarity(a: str, b: str) -> float:
    """Gram Jaccard of two texts, 0 to 1 (1 for the same normal form): the measure `_recurring` groups by,
    and the one a stored review's "seen before" notes use, so both name the same earlier reviews."""
    return jaccard(issue_fingerprint(a), issue_fingerprint(b))


def default_as_of(rows: InsightRows, date_to: dt.date | None) -> dt.date | None:
    """The filter's end date, else the latest review date (None for an empty store)."""
    if date_to is not None:
        return date_to
    return max((r.review_date for r in rows.reviews), default=None)


def compute_insights(rows: InsightRows, as_of: dt.date | None) -> InsightsResult:
    actions = rows.actions
    return InsightsResult(
        as_of=as_of,
        reviews=len(rows.reviews),
        similarity_threshold=RECURRING_THRESHOLD,
        follow_through=_follow_through(None, actions, as_of),
        by_owner=_breakdown(actions, lambda a: a.owner, as_of),
        by_project=_breakdown(actions, lambda a: a.project, as_of),
        by_quarter=_breakdown(actions, lambda a: _quarter(a.review_date), as_of),
        carried_over=_carried_over(actions),
        recurring=_recurring(rows),
        trends=_trends(rows),
    )


# --- action follow-through ----------------------------------------------------------------


def _quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def _bucket(days: int) -> AgingBucket:
    if days <= 30:
        return "0-30"
    if days <= 90:
        return "31-90"
    if days <= 180:
        return "91-180"
    return ">180"


def _follow_through(key: str | None, actions: Iterable[InsightAction], as_of: dt.date | None) -> FollowThrough:
    total = done = wont_do = open_ = overdue = 0
    aging: dict[AgingBucket, int] = dict.fromkeys(AGING_BUCKETS, 0)
    days_to_close: list[int] = []
    for action in actions:
        total += 1
        if action.status == "done":
            done += 1
            if action.closed_on is not None:
                days_to_close.append(max(0, (action.closed_on - action.review_date).days))
        elif action.status == "wont_do":
            wont_do += 1
        else:
            open_ += 1
            if as_of is not None and action.due is not None and action.due < as_of:
                overdue += 1
                aging[_bucket((as_of - action.due).days)] += 1
    base = total - wont_do
    return FollowThrough(
        key=key,
        total=total,
        done=done,
        wont_do=wont_do,
        open=open_,
        overdue=overdue,
        closure_rate=done / base if base else None,
        median_days_to_close=float(statistics.median(days_to_close)) if days_to_close else None,
        closed_with_date=len(days_to_close),
        aging=aging,
    )


def _breakdown(
    actions: Sequence[InsightAction], key: Callable[[InsightAction], str | None], as_of: dt.date | None
) -> list[FollowThrough]:
    """One row per key (actions without one, e.g. no owner, are left out), most open first."""
    groups: dict[str, list[InsightAction]] = defaultdict(list)
    for action in actions:
        value = key(action)
        if value:
            groups[value].append(action)
    rows = [_follow_through(name, members, as_of) for name, members in groups.items()]
    return sorted(rows, key=lambda row: (-row.overdue, -row.open, row.key or ""))


def _carried_over(actions: Sequence[InsightAction]) -> list[CarriedAction]:
    by_text: dict[tuple[str, str], list[InsightAction]] = defaultdict(list)
    for action in actions:
        norm = normalize_text(action.action)
        if norm:
            by_text[(action.project, norm)].append(action)
    carried: list[CarriedAction] = []
    for (project, _), members in by_text.items():
        if len({m.review_id for m in members}) < 2:
            continue
        members.sort(key=lambda a: (a.review_date, a.review_id))
        reviews = _refs((m.review_id, project, m.review_date) for m in members)
        if len(reviews) >= 2:
            carried.append(
                CarriedAction(
                    project=project, action=members[0].action, reviews=reviews, latest_status=members[-1].status
                )
            )
    return sorted(carried, key=lambda c: (-len(c.reviews), c.project, c.action))


def _refs(items: Iterable[tuple[str, str, dt.date]]) -> list[ReviewRef]:
    """Distinct reviews, in date order."""
    seen: dict[str, ReviewRef] = {}
    for review_id, project, day in items:
        seen.setdefault(review_id, ReviewRef(review_id=review_id, project=project, review_date=day))
    return sorted(seen.values(), key=lambda r: (r.review_date, r.review_id))


# --- recurring problems -------------------------------------------------------------------


def _recurring(rows: InsightRows) -> list[RecurringGroup]:
    reviews = {r.id: r for r in rows.reviews}
    groups: list[RecurringGroup] = []
    for kind in RECURRING_KINDS:
        items = [t for t in rows.texts if t.kind == kind and t.review_id in reviews and normalize_text(t.text)]
        items.sort(key=lambda t: (reviews[t.review_id].review_date, t.review_id))
        # The same text in many reviews is compared once: pairs are found between distinct normal forms.
        by_norm: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(items):
            by_norm[normalize_text(item.text)].append(i)
        distinct = list(by_norm)
        prints = [issue_fingerprint(items[by_norm[norm][0]].text) for norm in distinct]
        joined = _union_find(len(distinct), similar_pairs(prints, RECURRING_THRESHOLD))
        for group in joined:
            indexes = sorted(i for k in group for i in by_norm[distinct[k]])
            refs = _refs(
                (items[i].review_id, reviews[items[i].review_id].project, reviews[items[i].review_id].review_date)
                for i in indexes
            )
            if len(refs) < 2:
                continue
            texts = list(dict.fromkeys(items[i].text.strip() for i in indexes))
            groups.append(
                RecurringGroup(
                    kind=kind,
                    text=texts[0],
                    texts=texts,
                    reviews=refs,
                    not_yet_learned=kind == "lesson" and len(refs) >= NOT_LEARNED_REVIEWS,
                )
            )
    return sorted(groups, key=lambda g: (-len(g.reviews), RECURRING_KINDS.index(g.kind), g.text))


def _union_find(size: int, pairs: Iterable[tuple[int, int, float]]) -> list[list[int]]:
    """The connected groups of ``size`` items joined by ``pairs`` (each group's indexes ascending)."""
    parent = list(range(size))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for j, i, _ in pairs:
        root_i, root_j = find(i), find(j)
        if root_i != root_j:
            parent[max(root_i, root_j)] = min(root_i, root_j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(size):
        members[find(i)].append(i)
    return list(members.values())


# --- trends -------------------------------------------------------------------------------


def _trends(rows: InsightRows) -> list[MetricTrend]:
    reviews = {r.id: r for r in rows.reviews}
    series: dict[tuple[str, str], list[tuple[dt.date, str, str, float]]] = defaultdict(list)
    for metric in rows.metrics:
        review = reviews.get(metric.review_id)
        norm = normalize_text(metric.name)
        if review is None or metric.attainment_rate is None or not norm:
            continue
        series[(review.project, norm)].append((review.review_date, review.id, metric.name, metric.attainment_rate))
    trends: list[MetricTrend] = []
    for (project, _), values in series.items():
        values.sort()
        points = list({review_id: (day, review_id, rate) for day, review_id, _, rate in values}.values())
        if len(points) < 2:
            continue
        change = points[-1][2] - points[0][2]
        direction = "flat" if abs(change) < FLAT_CHANGE else "up" if change > 0 else "down"
        trends.append(
            MetricTrend(
                project=project,
                metric=values[0][2],
                points=[TrendPoint(review_id=r, review_date=d, attainment_rate=v) for d, r, v in points],
                change=round(change, 12),
                direction=direction,
            )
        )
    return sorted(trends, key=lambda t: (t.project, t.metric))
