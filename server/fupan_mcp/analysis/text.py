"""Comparing short texts: one normal form, bigram similarity, near-duplicate pairs, one-line display.

Used by the 5 Whys checks (an answer restating the problem or an earlier answer, a countermeasure
citing a root cause) and the SWOT duplicate check.
"""

from __future__ import annotations

import itertools
import math
import operator
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = [
    "SIMILARITY_THRESHOLD",
    "Fingerprint",
    "fingerprint",
    "jaccard",
    "letters",
    "near_duplicates",
    "normalize_text",
    "one_line",
    "similar_pairs",
    "text_similarity",
]

SIMILARITY_THRESHOLD = 0.85
"""Character-bigram Jaccard similarity at or above which two answers count as the same."""


def letters(index: int) -> str:
    """A, B, ..., Z, AA, AB, ... for 0, 1, ...: a spreadsheet-style label."""
    text = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        text = chr(ord("A") + remainder) + text
    return text


def one_line(text: str) -> str:
    """The text with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


_NON_WORD = re.compile(r"[\W_]+")


def normalize_text(text: str) -> str:
    """Fold width and case, keep only letters and digits: the form texts are compared in."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text).casefold())


class Fingerprint(NamedTuple):
    norm: str
    grams: frozenset[str]


def fingerprint(text: str) -> Fingerprint:
    norm = normalize_text(text)
    grams = frozenset(map(operator.add, norm, norm[1:])) if len(norm) > 1 else frozenset({norm})  # bigrams
    return Fingerprint(norm, grams)


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    if a.norm == b.norm:
        return 1.0
    inter = len(a.grams & b.grams)
    return inter / (len(a.grams) + len(b.grams) - inter)


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigrams of two normalized texts (1.0 = same text)."""
    return jaccard(fingerprint(a), fingerprint(b))


def similar_pairs(prints: Sequence[Fingerprint], threshold: float) -> list[tuple[int, int, float]]:
    """Every pair (j, i, score), j < i, with Jaccard >= threshold, ordered by i then j.

    Prefix filtering: with the bigrams of each text sorted rarest first, two sets whose Jaccard
    reaches t share a bigram within their first ``n - ceil(t * n) + 1``. Only texts sharing such a
    bigram are compared, so near-linear work replaces the all-pairs loop. Each text's bigrams are
    also one integer with a bit per distinct bigram: an intersection is an ``&`` and a bit count.
    """
    frequency = Counter(itertools.chain.from_iterable(fp.grams for fp in prints))
    by_rarity = sorted((count, gram) for gram, count in frequency.items())  # rarest first, then by text
    rank = dict(zip((gram for _, gram in by_rarity), range(len(by_rarity)), strict=True))
    index: dict[int, list[int]] = defaultdict(list)
    pairs: list[tuple[int, int, float]] = []
    sizes: list[int] = []
    masks: list[int] = []
    for i, fp in enumerate(prints):
        ranks = sorted(map(rank.__getitem__, fp.grams))
        size = len(ranks)
        mask = 0
        for position in ranks:
            mask |= 1 << position
        sizes.append(size)
        masks.append(mask)
        prefix = ranks[: size - math.ceil(threshold * size - 1e-9) + 1]
        candidates: set[int] = set()
        for position in prefix:
            candidates.update(index[position])
        low, high = threshold * size, size / threshold  # Jaccard <= min/max of the two sizes
        for j in sorted(candidates):
            other_size = sizes[j]
            if prints[j].norm == fp.norm:
                score = 1.0
            elif not low <= other_size <= high:
                continue
            else:
                inter = (masks[j] & mask).bit_count()
                score = inter / (other_size + size - inter)
            if score >= threshold:
                pairs.append((j, i, score))
        for position in prefix:
            index[position].append(i)
    return pairs


def near_duplicates(texts: Sequence[str], threshold: float = SIMILARITY_THRESHOLD) -> list[tuple[int, int, float]]:
    """Pairs (j, i, similarity), j < i, of texts that are the same once normalized, or nearly so."""
    return similar_pairs([fingerprint(text) for text in texts], threshold)


_MIN_STEMMED = 3


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # type: ignore[import-untyped]  # imported on first use, not at start-up

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball English stem of a normalized Latin word (digits and words of fewer than three letters
    as they are): the lesson search's tokens (`store.search`) and the words issues are compared by
    (`analysis.insights.text_grams`), so 'permissions' finds 'permission' and groups with it."""
    if len(word) < _MIN_STEMMED or not any(ch.isalpha() for ch in word):
        return word
    return str(_stemmer().stemWord(word)) or word
