"""Insight across reviews: do we do what we decide, what keeps going wrong, where do results move.

Pure: compact rows in (`domain.insights.InsightRows`), figures out. The as-of date is the filter's end
date, else the latest review date, never the clock; the store counts overdue actions at it in SQL, by
review and by owner, and this module sums those tallies into the project and quarter slices (a review
has one project and one quarter), so no per-action work is left here but the carried-over texts.

Similarity of problems, root causes and lessons is deterministic and works for both languages: a
text's grams are its CJK character bigrams plus its lowercased Latin words and numbers; two texts
are alike when the Jaccard similarity of their grams reaches `RECURRING_THRESHOLD`. Pairs are found
with prefix filtering (`analysis.text.similar_pairs`, near-linear) and joined by union-find, so a
chain of alike texts is one group.

Over the whole store the store hands over what it keeps at write time for the carried-over actions
instead of every action line (``rows.carried``: one key per review and normal form of its actions, only
for the groups that can be listed, and ``rows.carried_count``), and the groups are made from those: the
same groups and figures as from the lines themselves (tests/test_insights_kept.py).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from operator import itemgetter
from typing import Any

from pydantic import BaseModel

from fupan_mcp.analysis.lexicon import (
    ISSUE_FILLERS_ZH,
    ISSUE_NEGATIONS_EN,
    ISSUE_STOP_EN,
    ISSUE_SYNONYMS_EN,
    ISSUE_SYNONYMS_ZH,
)
from fupan_mcp.analysis.text import Fingerprint, jaccard, normalize_text, similar_pairs, stem
from fupan_mcp.domain.actions import ActionStatus
from fupan_mcp.domain.common import built
from fupan_mcp.domain.insights import (
    AGING_BUCKETS,
    RECURRING_KINDS,
    ActionTally,
    CarriedAction,
    CarriedKey,
    CellTally,
    FollowThrough,
    InsightReview,
    InsightRows,
    InsightsResult,
    MetricTrend,
    RecurringGroup,
    RecurringKind,
    ReviewRef,
    TrendPoint,
)
from fupan_mcp.limits import MAX_LISTED_GROUPS

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
_new = object.__new__  # what `built` sets, inline where tens of thousands of results are made
_SLOTS = BaseModel.__dict__  # the four slots of a model instance, set through their descriptors: a sixth
_set_dict = _SLOTS["__dict__"].__set__  # less than object.__setattr__ looking each name up
_set_fields = _SLOTS["__pydantic_fields_set__"].__set__
_set_extra = _SLOTS["__pydantic_extra__"].__set__
_set_private = _SLOTS["__pydantic_private__"].__set__
_REVIEW_OF = itemgetter(1)  # of a trend's value: (date, review id, name, rate)
_POINT_FIELDS = frozenset(TrendPoint.model_fields)
_REF_FIELDS = frozenset(ReviewRef.model_fields)
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[^\W_]+")


def text_grams(text: str) -> frozenset[str]:
    """CJK character bigrams (a lone character as itself) and Latin words by their stem, after the words
    that say one thing are written one way and the fillers are taken out (`analysis.lexicon`): so
    '数据库连接池耗尽' meets '连接池被耗尽导致数据库超时' (0.36 -> 0.6) and 'Database connection pool
    exhausted' meets 'Connection pool exhaustion on the primary database' (0.38 -> 0.8), while texts of
    other issues stay apart ('第三方支付接口超时' and '第三方物流接口超时': 0.45)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    grams: set[str] = set()
    runs = _CJK_RUN.findall(folded)
    for run in runs:
        run = _ZH_WORDS.sub(_zh_canonical, run)
        if len(run) > 1:
            grams.update(run[k : k + 2] for k in range(len(run) - 1))
        elif run:
            grams.add(run)
    for word in _WORD.findall(_CJK_RUN.sub(" ", folded) if runs else folded):
        if word in ISSUE_STOP_EN:
            continue
        stemmed = "no" if word in ISSUE_NEGATIONS_EN else stem(word)
        grams.add(ISSUE_SYNONYMS_EN.get(stemmed, stemmed))
    if not grams:  # fillers only ('问题', 'the'): the text as written, so that it still has grams
        grams.update(_WORD.findall(folded))
    return frozenset(grams)


_ZH_WORDS = re.compile("|".join(sorted((*ISSUE_SYNONYMS_ZH, *ISSUE_FILLERS_ZH), key=len, reverse=True)))


def _zh_canonical(match: re.Match[str]) -> str:
    return ISSUE_SYNONYMS_ZH.get(match.group(), "")


def issue_fingerprint(text: str) -> Fingerprint:
    """What two problems, root causes or lessons are compared by: the normal form and `text_grams`."""
    return Fingerprint(normalize_text(text), text_grams(text))


def issue_similarity(a: str, b: str) -> float:
    """Gram Jaccard of two texts, 0 to 1 (1 for the same normal form): the measure `_recurring` groups by,
    and the one a stored review's "seen before" notes use, so both name the same earlier reviews."""
    return jaccard(issue_fingerprint(a), issue_fingerprint(b))


def default_as_of(rows: InsightRows, date_to: dt.date | None) -> dt.date | None:
    """The filter's end date, else the latest review date (None for an empty store): the date the
    store counted overdue actions at (``rows.as_of``)."""
    return date_to if date_to is not None else rows.as_of


def compute_insights(rows: InsightRows, as_of: dt.date | None) -> InsightsResult:
    """Follow-through, carried-over actions, recurring issues and trends of the rows.

    ``as_of`` must be the date the store counted overdue at (`default_as_of`): the counts come from SQL.
    """
    if as_of != rows.as_of:
        raise ValueError(f"the rows count overdue as of {rows.as_of}, not {as_of}")
    reviews = {r.id: r for r in rows.reviews}
    by_project: dict[str, _Slice] = {}
    by_quarter: dict[str, _Slice] = {}
    total = _Slice()
    quarters: dict[dt.date, str] = {}
    quarters_of: dict[str, str] = {}  # month ('2025-01') -> quarter
    cells: dict[tuple[str, str], list[ActionTally]] = defaultdict(list)  # (project, quarter) -> its reviews
    for tally in rows.review_tallies:
        review = reviews.get(tally.key or "")
        if review is None:
            total.add(tally)
            continue
        quarter = quarters.get(review.review_date)
        if quarter is None:
            quarter = quarters[review.review_date] = _quarter(review.review_date)
        cells[(review.project, quarter)].append(tally)
    for cell in rows.cell_tallies or ():  # one project and month each: added to its slices at once
        total.add(cell)
        _slice(by_project, cell.project).add(cell)
        _slice(by_quarter, _month_quarter(cell.month, quarters_of)).add(cell)
    for (project, quarter), tallies in cells.items():  # sums of counts: the order they are added in is free
        summed = _summed(tallies)
        total.add(summed)
        _slice(by_project, project).add(summed)
        _slice(by_quarter, quarter).add(summed)
    for close in rows.review_closes:
        total.days[close.days] += close.closed
        review = reviews.get(close.key or "")
        if review is not None:
            _slice(by_project, review.project).days[close.days] += close.closed
            _slice(by_quarter, _quarter(review.review_date)).days[close.days] += close.closed
    by_owner: dict[str, _Slice] = {}
    for tally in rows.owner_tallies:
        if tally.key:  # actions without an owner are left out of the owner breakdown
            _slice(by_owner, tally.key).add(tally)
    for close in rows.owner_closes:
        if close.key:
            _slice(by_owner, close.key).days[close.days] += close.closed
    refs: dict[str, ReviewRef] = {}  # a review's ReviewRef, built once per call: it is in several groups
    carried = _carried_over(rows, reviews, refs)
    recurring = _recurring(rows, reviews, refs)
    trends = _trends(rows, reviews)
    # Built, not validated again: every value already has its field's type (the suite's
    # FUPAN_MCP_CHECK_OUTPUT=1 validates the tool's structured output against the model).
    return built(
        InsightsResult,
        as_of=as_of,
        reviews=len(rows.reviews),
        similarity_threshold=RECURRING_THRESHOLD,
        follow_through=total.result(None),
        by_owner=_breakdown(by_owner),
        by_project=_breakdown(by_project),
        by_quarter=_breakdown(by_quarter),
        carried_over=carried[0],
        carried_over_count=carried[1],
        recurring=recurring[0],
        recurring_count=recurring[1],
        trends=trends[0],
        trend_count=trends[1],
    )


# --- action follow-through ----------------------------------------------------------------


def _quarter(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


class _Slice:
    """The counts of one slice summed from the store's tallies, and its close days (days -> actions)."""

    def __init__(self) -> None:
        self.total = self.done = self.wont_do = self.overdue = 0
        self.aging = [0, 0, 0, 0]
        self.days: Counter[int] = Counter()

    def add(self, tally: ActionTally | CellTally) -> None:
        self.total += tally.total
        self.done += tally.done
        self.wont_do += tally.wont_do
        self.overdue += tally.overdue
        aging, (a, b, c, d) = self.aging, tally.aging  # unrolled: called once per tally
        aging[0] += a
        aging[1] += b
        aging[2] += c
        aging[3] += d

    def result(self, key: str | None) -> FollowThrough:
        base = self.total - self.wont_do
        closed = sum(self.days.values())
        return built(
            FollowThrough,
            key=key,
            total=self.total,
            done=self.done,
            wont_do=self.wont_do,
            open=self.total - self.done - self.wont_do,
            overdue=self.overdue,
            closure_rate=self.done / base if base else None,
            median_days_to_close=_median(self.days, closed),
            closed_with_date=closed,
            aging=dict(zip(AGING_BUCKETS, self.aging, strict=True)),
        )


def _month_quarter(month: str, known: dict[str, str]) -> str:
    """The quarter of a month given as 'YYYY-MM' (what `_quarter` gives for any day of it)."""
    quarter = known.get(month)
    if quarter is None:
        quarter = known[month] = f"{int(month[:4])}Q{(int(month[5:7]) - 1) // 3 + 1}"
    return quarter


def _summed(tallies: list[ActionTally]) -> ActionTally:
    """One tally of several, column by column."""
    _, total, done, wont_do, overdue, aging = zip(*tallies, strict=True)
    bands = tuple(map(sum, zip(*aging, strict=True)))
    return ActionTally(None, sum(total), sum(done), sum(wont_do), sum(overdue), bands)  # type: ignore[arg-type]


def _slice(slices: dict[str, _Slice], key: str) -> _Slice:
    found = slices.get(key)
    if found is None:
        found = slices[key] = _Slice()
    return found


def _median(days: Counter[int], count: int) -> float | None:
    """The median of a multiset given as value -> how many times (what `statistics.median` gives)."""
    if not count:
        return None
    wanted = [(count - 1) // 2, count // 2]  # the middle position(s), from 0
    values: list[int] = []
    seen = 0
    for value in sorted(days):
        seen += days[value]
        while wanted and wanted[0] < seen:
            values.append(value)
            wanted.pop(0)
    return float(values[0]) if count % 2 else (values[0] + values[1]) / 2


def _breakdown(slices: dict[str, _Slice]) -> list[FollowThrough]:
    """One row per key, most overdue first, then most open."""
    rows = [part.result(key) for key, part in slices.items()]
    return sorted(rows, key=lambda row: (-row.overdue, -row.open, row.key or ""))


def _carried_over(
    rows: InsightRows, reviews: dict[str, InsightReview], refs: dict[str, ReviewRef]
) -> tuple[list[CarriedAction], int]:
    """The same action (normalized text) in two or more reviews of one project: the most-repeated
    `MAX_LISTED_GROUPS`, and how many there are.

    One pass over the actions, which the store gives in review order (date, id, position): a group's
    first line gives its text, its last line the latest status, and its reviews come in date order. When
    the store gives the groups' keys instead (``rows.carried``, one per review and normal form), the same
    from them: the earliest review's first text, the latest one's last status."""
    if rows.carried is not None:
        return _carried_from_keys(rows, reviews, refs)
    norms: dict[str, str] = {}  # most action texts repeat: each distinct one is normalized once
    groups: dict[tuple[str, str], list[Any]] = {}  # key -> [first text, latest status, review ids]
    for review_id, _, action, status in rows.actions:
        review = reviews.get(review_id)
        if review is None:
            continue
        project = review.project
        norm = norms.get(action)
        if norm is None:
            norm = norms[action] = normalize_text(action)
        if not norm:
            continue
        group = groups.get((project, norm))
        if group is None:
            groups[(project, norm)] = [action, status, [review_id]]
            continue
        group[1] = status
        if group[2][-1] != review_id:
            group[2].append(review_id)
    found = [(project, *group) for (project, _), group in groups.items() if len(group[2]) >= 2]
    return _listed_carried(found, reviews, refs), len(found)


def _carried_from_keys(
    rows: InsightRows, reviews: dict[str, InsightReview], refs: dict[str, ReviewRef]
) -> tuple[list[CarriedAction], int]:
    keys: dict[tuple[str, str], list[CarriedKey]] = defaultdict(list)
    for key in rows.carried or ():
        if key.review_id in reviews:
            keys[(key.project, key.norm)].append(key)
    found: list[tuple[str, str, ActionStatus, list[str]]] = []
    for (project, _), group in keys.items():
        if len(group) < 2:
            continue
        group.sort(key=lambda k: (reviews[k.review_id].review_date, k.review_id))
        found.append((project, group[0].action, group[-1].status, [k.review_id for k in group]))
    return _listed_carried(found, reviews, refs), len(found) if rows.carried_count is None else rows.carried_count


# --- recurring problems -------------------------------------------------------------------


def _recurring(
    rows: InsightRows, reviews: dict[str, InsightReview], refs: dict[str, ReviewRef]
) -> tuple[list[RecurringGroup], int]:
    """Similar texts of one kind in two or more reviews: the most-repeated `MAX_LISTED_GROUPS`, and how
    many groups there are. Each distinct text is normalized once, each distinct normal form compared once.

    The texts are gathered by kind and normal form in one pass, each normal form's texts in review order
    (date, id, then as given); only the groups of several normal forms are merged again, and the normal
    forms are taken in the order of their first text, so the groups and their order are what one sort of
    every text gave."""
    norms: dict[str, str] = {}
    grams: dict[str, frozenset[str]] = {}  # a text in two kinds (a root cause also a lesson) is split once
    found: list[tuple[int, int, str, RecurringKind, list[_Text], list[str]]] = []
    by_kind: dict[str, dict[str, list[_Text]]] = {kind: {} for kind in RECURRING_KINDS}
    for position, (review_id, text_kind, text) in enumerate(rows.texts):
        review = reviews.get(review_id)
        by_norm = by_kind.get(text_kind)
        if review is None or by_norm is None:
            continue
        norm = norms.get(text)
        if norm is None:
            norm = norms[text] = normalize_text(text)
        if norm:
            entry = (review.review_date, review_id, position, text)  # the position: no two compare equal
            members = by_norm.get(norm)
            if members is None:
                by_norm[norm] = [entry]
            else:
                members.append(entry)
    ordered: list[list[str]] = []  # per kind, its normal forms by their first text in review order
    for kind in RECURRING_KINDS:
        by_norm = by_kind[kind]
        for members in by_norm.values():
            if len(members) > 1:
                members.sort()
        firsts = {norm: members[0] for norm, members in by_norm.items()}
        ordered.append(sorted(firsts, key=firsts.__getitem__))  # by their first text in review order
    by_kinds = [by_kind[kind] for kind in RECURRING_KINDS]
    alike = _kind_pairs(by_kinds, ordered, grams) if rows.pairs is None else _kept_pairs(by_kinds, ordered, rows.pairs)
    for kind_index, kind in enumerate(RECURRING_KINDS):
        by_norm, distinct = by_kind[kind], ordered[kind_index]
        merged = _merged(alike[kind_index])
        inside = {k for group in merged.values() for k in group[1:]}  # in a group led by a smaller index
        # The groups by their first normal form (what a union-find over every index gives, in its order):
        # most are one normal form, its texts already in order, and only those of two texts or more count.
        for index, norm in enumerate(distinct):
            members = by_norm[norm]
            group = merged.get(index) if merged else None
            if group is None:
                if len(members) < 2 or index in inside:
                    continue
            else:
                members = sorted(entry for k in group for entry in by_norm[distinct[k]])
            ids = list(dict.fromkeys([entry[1] for entry in members]))  # a review id gives its project and date
            if len(ids) < 2:
                continue
            found.append((-len(ids), kind_index, members[0][3].strip(), kind, members, ids))
    found.sort(key=lambda g: (g[0], g[1], g[2]))  # stable: ties keep the order the groups were found in
    listed: list[RecurringGroup] = []
    for _, _, _, kind, members, ids in found[:MAX_LISTED_GROUPS]:  # only the listed ones are built
        texts = list(dict.fromkeys([entry[3].strip() for entry in members]))
        listed.append(
            built(
                RecurringGroup,
                kind=kind,
                text=texts[0],
                texts=texts,
                reviews=_refs_of(refs, ids, reviews),
                not_yet_learned=kind == "lesson" and len(ids) >= NOT_LEARNED_REVIEWS,
            )
        )
    return listed, len(found)


def _kind_pairs(
    by_kinds: list[dict[str, list[_Text]]], ordered: list[list[str]], grams: dict[str, frozenset[str]]
) -> list[list[tuple[int, int]]]:
    """Per kind, `similar_pairs` of its normal forms (``ordered``: their indexes), each compared by the
    grams of its first text. Found in one pass over the distinct fingerprints of every kind: a root cause
    is often written again as a lesson, and a pair is alike or not whatever kind it is in, so each kind
    gets the pairs whose two ends it has (the same pairs as a pass per kind, the order aside, which the
    groups do not depend on)."""
    union: dict[Fingerprint, int] = {}  # a distinct fingerprint -> its index among all
    places: list[list[tuple[int, int]]] = []  # per index: (kind, index in that kind) of each kind with it
    for kind_index, (by_norm, distinct) in enumerate(zip(by_kinds, ordered, strict=True)):
        for local, norm in enumerate(distinct):
            found = Fingerprint(norm, _grams_of(grams, by_norm[norm][0][3]))
            at = union.get(found)
            if at is None:
                at = union[found] = len(places)
                places.append([])
            places[at].append((kind_index, local))
    pairs: list[list[tuple[int, int]]] = [[] for _ in by_kinds]
    for j, i, _ in similar_pairs(list(union), RECURRING_THRESHOLD):
        ends = dict(places[j])  # kind -> index there (a kind has each normal form once)
        for kind_index, local_i in places[i]:
            local_j = ends.get(kind_index)
            if local_j is not None:
                pairs[kind_index].append((min(local_i, local_j), max(local_i, local_j)))
    return pairs


def _kept_pairs(
    by_kinds: list[dict[str, list[_Text]]], ordered: list[list[str]], pairs: list[tuple[str, str]]
) -> list[list[tuple[int, int]]]:
    """What `_kind_pairs` finds, from the alike texts the store keeps (``rows.pairs``): per kind, the pairs of
    its normal forms (their indexes) whose first texts are a kept pair. The same pairs: two normal forms are
    compared by their first texts' grams, and a kept pair is two texts of different normal forms whose grams
    reach the threshold."""
    found: list[list[tuple[int, int]]] = []
    for by_norm, distinct in zip(by_kinds, ordered, strict=True):
        at = {by_norm[norm][0][3]: local for local, norm in enumerate(distinct)}  # first text -> index
        kind_pairs: list[tuple[int, int]] = []
        for a, b in pairs:
            i, j = at.get(a), at.get(b)
            if i is not None and j is not None:
                kind_pairs.append((min(i, j), max(i, j)))
        found.append(kind_pairs)
    return found


_Text = tuple[dt.date, str, int, str]
"""A text to group: its review's date and id, its position in the rows, the text as written."""


def _grams_of(grams: dict[str, frozenset[str]], text: str) -> frozenset[str]:
    found = grams.get(text)
    if found is None:
        found = grams[text] = text_grams(text)
    return found


def _refs_of(refs: dict[str, ReviewRef], ids: list[str], reviews: dict[str, InsightReview]) -> list[ReviewRef]:
    """The reviews' `ReviewRef`s, each built once per call (a review is in several groups), as `built`
    makes them, inline: 12,000 of them are listed at 10,000 reviews."""
    listed: list[ReviewRef] = []
    for review_id in ids:
        ref = refs.get(review_id)
        if ref is None:
            review = reviews[review_id]
            ref = refs[review_id] = _new(ReviewRef)
            fields = {"review_id": review_id, "project": review.project, "review_date": review.review_date}
            _set_dict(ref, fields)
            _set_fields(ref, set(_REF_FIELDS))
            _set_extra(ref, None)
            _set_private(ref, None)
        listed.append(ref)
    return listed


def _merged(pairs: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    """The groups that ``pairs`` join, by their least item: its members ascending (a union-find over the
    items in a pair only: an item in none is a group of its own, and most are)."""
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        parent.setdefault(i, i)
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for j, i in pairs:
        root_i, root_j = find(i), find(j)
        if root_i != root_j:
            parent[max(root_i, root_j)] = min(root_i, root_j)  # a group's root is its least item
    members: dict[int, list[int]] = defaultdict(list)
    for i in sorted(parent):
        members[find(i)].append(i)
    return dict(members)


# --- trends -------------------------------------------------------------------------------


def _trends(rows: InsightRows, reviews: dict[str, InsightReview]) -> tuple[list[MetricTrend], int]:
    """The listed `MetricTrend`s, by project and metric (only those are built), and how many there are."""
    names: dict[str, str] = {}
    series: dict[tuple[str, str], list[tuple[dt.date, str, str, float]]] = defaultdict(list)
    for review_id, name, rate in rows.metrics:  # unpacked: 20,000 rows at 10,000 reviews
        if rate is None:
            continue
        review = reviews.get(review_id)
        if review is None:
            continue
        norm = names.get(name)
        if norm is None:
            norm = names[name] = normalize_text(name)
        if norm:
            series[(review.project, norm)].append((review.review_date, review_id, name, rate))
    trends: list[tuple[str, str, list[tuple[dt.date, str, str, float]], float]] = []
    for (project, _), values in series.items():
        values.sort()
        points = values
        if len(set(map(_REVIEW_OF, values))) < len(values):  # a review with two rates of the metric: the last
            points = list({value[1]: value for value in values}.values())  # (in its place) is its point
        if len(points) < 2:
            continue
        trends.append((project, values[0][2], points, points[-1][3] - points[0][3]))
    trends.sort(key=lambda t: (t[0], t[1]))  # stable, as the dicts were sorted before
    listed = [
        built(
            MetricTrend,
            project=project,
            metric=metric,
            points=_points(points),
            change=float(round(change, 12)),
            direction="flat" if abs(change) < FLAT_CHANGE else "up" if change > 0 else "down",
        )
        for project, metric, points, change in trends[:MAX_LISTED_GROUPS]
    ]
    return listed, len(trends)


def _points(points: list[tuple[dt.date, str, str, float]]) -> list[TrendPoint]:
    """The `TrendPoint`s of (date, review id, name, rate) as `built` makes them, in one loop: a trend point is
    the most numerous object of the result (20,400 at 10,000 reviews), and `built`'s keyword arguments and
    field check cost a third of it."""
    made: list[TrendPoint] = []
    for day, review_id, _, rate in points:
        point = _new(TrendPoint)
        _set_dict(point, {"review_id": review_id, "review_date": day, "attainment_rate": float(rate)})
        _set_fields(point, set(_POINT_FIELDS))
        _set_extra(point, None)
        _set_private(point, None)
        made.append(point)
    return made


def _listed_carried(
    found: list[tuple[str, str, ActionStatus, list[str]]],
    reviews: dict[str, InsightReview],
    refs: dict[str, ReviewRef],
) -> list[CarriedAction]:
    """The carried-over groups as listed: most reviews first, then by project and text, at most
    `MAX_LISTED_GROUPS` (sorts ``found`` in place)."""
    found.sort(key=lambda c: (-len(c[3]), c[0], c[1]))
    return [
        built(
            CarriedAction,
            project=project,
            action=action,
            reviews=_refs_of(refs, ids, reviews),
            latest_status=status,
        )
        for project, action, status, ids in found[:MAX_LISTED_GROUPS]
    ]
