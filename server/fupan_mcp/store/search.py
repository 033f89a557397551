"""Chinese-capable lesson search: our own tokenization, ranked by SQLite FTS5 (BM25).

The problem. Chinese is written without spaces, and FTS5's tokenizers do not segment it:
``unicode61`` makes a whole run of Han characters one token (so 权限 never matches
权限细粒度), and ``trigram`` (SQLite >= 3.34) cannot match queries shorter than three
characters, while the most common Chinese search words (权限, 需求, 延期) are two.

The approach: overlapping character bigrams, computed here in Python, indexed by FTS5.
- Text is NFKC-normalized (full-width ＡＰＩ -> API) and lower-cased, then split into runs of
  CJK characters (Han, kana, Hangul) and runs of other letters/digits (Latin words).
- A CJK run ``c1 c2 ... cn`` becomes its bigrams ``c1c2 c2c3 ... c(n-1)cn`` plus the last
  character alone: every character occurrence then starts exactly one token. A Latin run is
  one lower-cased word, stemmed (below). The tokens are stored space-separated in ``lessons.terms`` and indexed by
  an FTS5 table with the plain ``unicode61`` tokenizer, which keeps each of our tokens whole.
- A query is split the same way. A CJK run of two or more characters becomes a *phrase* of its
  bigrams (FTS5 phrases need adjacent tokens, so this is an exact substring match); a single
  CJK character becomes a prefix query (``"权" *``: the tokens that start with it, which by the
  construction above are all of its occurrences); a Latin word of three or more letters is a
  prefix query (permission -> permissions), a shorter one an exact token.
- All query terms must match (AND). When that finds nothing and the query has several tokens,
  the search is relaxed to any token (OR over single bigrams and words), still BM25-ranked,
  so a long Chinese question finds the items sharing most of its words; such hits carry
  ``matched_all=False``.
English words are stemmed, in Python, before they are stored or searched: every Latin run is
replaced by its Snowball English stem (``permissions`` and ``permission`` -> ``permiss``,
``deployed`` and ``deployment`` -> ``deploy``), so singular and plural, tenses and most derived
forms find each other. Why `snowballstemmer` and not FTS5's ``porter`` tokenizer beside the Chinese
index: it runs where our tokens are made, so the SQLite FTS5 index, the LIKE-free token lists and
PostgreSQL's tsvector (store/postgres.py) hold the SAME tokens and give the same results (a porter
index exists only in SQLite, and PostgreSQL's ``english`` configuration is another stemmer with
its own stop words); it is pure Python, without dependencies, maintained by the Snowball project
and deterministic for a given version (Snowball's English algorithm has been stable for years).
A stemmed query word keeps the prefix rule below (the stem of ``permission`` also finds
``permissiveness``), which costs a little precision for recall, what a lesson search wants.
Digits and words of fewer than three letters are not stemmed.

Why not jieba or another segmenter: a dependency with a dictionary, non-deterministic across
versions, and word segmentation misses substrings that bigrams always find. Bigrams cost about
two tokens per character, which FTS5 handles easily at the scale of a team's lessons (see
``benchmarks/bench_search.py``).

Fallback without FTS5 (a SQLite built without it): the same query terms become ``LIKE`` filters
on the original text, scored here by term frequency with a length penalty. Correct but a full
scan, and ASCII-only case-insensitivity for what ``LIKE`` pre-filters (this module re-checks on
normalized text).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from fupan_mcp.analysis.text import stem

__all__ = [
    "QueryTerm",
    "fallback_score",
    "fts_match_expression",
    "index_terms",
    "make_snippet",
    "normalize",
    "parse_query",
    "stem",
]

# Han (with extensions and compatibility ideographs), kana, Hangul, and the iteration marks.
_CJK = "\u3005\u3007\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")
_MIN_PREFIX_WORD = 3
SNIPPET_BEFORE = 20
SNIPPET_AFTER = 40


@dataclass(frozen=True)
class QueryTerm:
    """One AND-ed query term: a CJK phrase (its bigrams), a CJK character, or a Latin word."""

    text: str  # normalized substring it stands for, used for LIKE and snippets
    tokens: tuple[str, ...]  # index tokens it matches in sequence (a phrase)
    prefix: bool  # the last token is a prefix


def normalize(text: str) -> str:
    """NFKC (full-width -> ASCII, compatibility ideographs -> unified) then lower-case."""
    return unicodedata.normalize("NFKC", text).lower()


def _runs(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, run) pairs of a normalized text; punctuation and spaces separate runs."""
    return [(m.lastgroup == "cjk", m.group()) for m in _RUN.finditer(text)]


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n] or a


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_terms(text: str) -> str:
    """The space-separated tokens stored for one item (see the module docstring)."""
    tokens: list[str] = []
    for is_cjk, run in _runs(normalize(text)):
        if is_cjk:
            tokens.extend(_bigrams(run))
            tokens.append(run[-1])
        else:
            tokens.append(stem(run))
    return " ".join(tokens)


def parse_query(query: str) -> list[QueryTerm]:
    """The AND-ed terms of a query, in order, without duplicates."""
    terms: list[QueryTerm] = []
    for is_cjk, run in _runs(normalize(query)):
        if is_cjk and len(run) == 1:
            term = QueryTerm(run, (run,), prefix=True)
        elif is_cjk:
            term = QueryTerm(run, tuple(_bigrams(run)), prefix=False)
        else:
            word = stem(run)  # the text (LIKE, snippets) is what the stem and the word share: inventori/y
            term = QueryTerm(_common_prefix(run, word), (word,), prefix=len(word) >= _MIN_PREFIX_WORD)
        if term not in terms:
            terms.append(term)
    return terms


def relaxed_terms(terms: list[QueryTerm]) -> list[QueryTerm]:
    """Every single token of ``terms`` as its own term, for the any-term fallback."""
    out: list[QueryTerm] = []
    for term in terms:
        last = len(term.tokens) - 1
        for i, token in enumerate(term.tokens):
            text = term.text if len(term.tokens) == 1 else token  # a stemmed word keeps its text
            single = QueryTerm(text, (token,), prefix=term.prefix and i == last)
            if single not in out:
                out.append(single)
    return out


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def fts_match_expression(terms: list[QueryTerm], any_term: bool = False) -> str:
    """An FTS5 MATCH expression: phrases and prefix tokens joined by AND (or OR)."""
    parts = []
    for term in terms:
        phrase = _quote(" ".join(term.tokens))
        parts.append(f"{phrase} *" if term.prefix else phrase)
    return (" OR " if any_term else " AND ").join(parts)


def like_pattern(term: QueryTerm) -> str:
    """``%text%`` with LIKE wildcards escaped (use with ``ESCAPE '\\'``)."""
    escaped = term.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _aligned_haystack(text: str) -> str:
    """Normalized text with the same length as ``text``, so positions map back one to one."""
    out = []
    for ch in text:
        folded = normalize(ch)
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def fallback_score(text: str, terms: list[QueryTerm], any_term: bool = False) -> float:
    """Coarse relevance without FTS5: matched-term frequency damped by length; 0 if no match.

    With ``any_term`` false every term must occur.
    """
    hay = normalize(text)
    counts = [hay.count(term.text) for term in terms]
    if not any(counts) or (not any_term and not all(counts)):
        return 0.0
    tf = sum(math.log1p(c) for c in counts)
    return round(tf / (1.0 + len(hay) / 200.0), 4)


def _match_spans(hay: str, needles: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """Merged [a, b) spans of all needle occurrences overlapping hay[start:end]."""
    spans: list[tuple[int, int]] = []
    for needle in needles:
        pos = hay.find(needle, max(0, start - len(needle) + 1))
        while pos != -1 and pos < end:
            stop = pos + len(needle)
            while needle.isascii() and stop < len(hay) and hay[stop].isascii() and hay[stop].isalnum():
                stop += 1  # a stem or prefix is marked as the whole word it starts
            spans.append((pos, stop))
            pos = hay.find(needle, pos + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def make_snippet(text: str, terms: list[QueryTerm]) -> str:
    """An excerpt around the first match with every match in it wrapped in ``**``."""
    hay = _aligned_haystack(text)
    needles = [t.text for t in terms if t.text]
    hits = [p for p in (hay.find(n) for n in needles) if p != -1]
    first = min(hits) if hits else 0
    start = max(0, first - SNIPPET_BEFORE)
    end = min(len(text), first + SNIPPET_AFTER + SNIPPET_BEFORE)
    pieces: list[str] = ["…"] if start > 0 else []
    cursor = start
    for a, b in _match_spans(hay, needles, start, end):
        a, b = max(a, start), min(b, end)
        pieces.append(text[cursor:a])
        pieces.append(f"**{text[a:b]}**")
        cursor = b
    pieces.append(text[cursor:end])
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)
