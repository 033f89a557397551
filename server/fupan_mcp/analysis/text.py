"""Comparing short texts: one normal form, bigram similarity, near-duplicate pairs, one-line display.

Used by the 5 Whys checks (an answer restating the problem or an earlier answer, a countermeasure
citing a root cause) and the SWOT duplicate check.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

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
    grams = frozenset(norm[k : k + 2] for k in range(len(norm) - 1)) if len(norm) > 1 else frozenset({norm})
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
    bigram are compared, so near-linear work replaces the all-pairs loop.
    """
    frequency = Counter(gram for fp in prints for gram in fp.grams)
    rank = {gram: position for position, gram in enumerate(sorted(frequency, key=lambda g: (frequency[g], g)))}
    index: dict[str, list[int]] = defaultdict(list)
    pairs: list[tuple[int, int, float]] = []
    for i, fp in enumerate(prints):
        size = len(fp.grams)
        prefix = sorted(fp.grams, key=rank.__getitem__)[: size - math.ceil(threshold * size - 1e-9) + 1]
        candidates: set[int] = set()
        for gram in prefix:
            candidates.update(index[gram])
        low, high = threshold * size, size / threshold  # Jaccard <= min/max of the two sizes
        grams, norm = fp.grams, fp.norm
        for j in sorted(candidates):
            other = prints[j]
            other_size = len(other.grams)
            if other.norm == norm:
                score = 1.0
            elif not low <= other_size <= high:
                continue
            else:  # `jaccard`, inline: this loop runs once per candidate pair
                inter = len(other.grams & grams)
                score = inter / (other_size + size - inter)
            if score >= threshold:
                pairs.append((j, i, score))
        for gram in prefix:
            index[gram].append(i)
    return pairs


def near_duplicates(texts: Sequence[str], threshold: float = SIMILARITY_THRESHOLD) -> list[tuple[int, int, float]]:
    """Pairs (j, i, similarity), j < i, of texts that are the same once normalized, or nearly so."""
    return similar_pairs([fingerprint(text) for text in texts], threshold)
