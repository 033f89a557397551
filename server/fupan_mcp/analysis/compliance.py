"""Tone and privacy: find and mask personal data, flag blaming and loaded language (methods.md §8).

Personal data is found by pattern, in a fixed order, each pattern bounded by digit look-arounds so
that one never eats part of another and a longer digit run never matches partially:

1. e-mail addresses (first, so that a phone number used as a mailbox name stays one address);
2. 18-digit resident IDs (GB 11643: province code, real YYYYMMDD date, check digit) and legacy
   15-digit IDs (real YYMMDD date in the 1900s);
3. bank cards: 13–19 digits, plain or in groups of four, passing Luhn;
4. mobile numbers, optionally with +86 / 86- in front;
5. names from the roster the caller gives (names cannot be found by pattern).

Full-width digits and letters are folded one-for-one before matching, so offsets stay valid.
Masks keep enough to recognise the kind: 110105********002X, 4111********1111, 138****8000,
a***@example.com, and the role (or 成员A / Member A) for a name.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple

from fupan_mcp.analysis.lexicon import blame_hits
from fupan_mcp.analysis.text import letters
from fupan_mcp.domain.common import Language, Severity
from fupan_mcp.domain.compliance import (
    MAX_COMPLIANCE_FIELDS,
    MAX_COMPLIANCE_TEXT_CHARS,
    MAX_ROSTER,
    ComplianceCounts,
    ComplianceResult,
    PiiHit,
    PiiKind,
    RosterEntry,
    ToneFinding,
)
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import localized, tr
from fupan_mcp.limits import MAX_LISTED_FINDINGS, MAX_NAME_CHARS, MAX_TEXT_CHARS

__all__ = [
    "Span",
    "apply_spans",
    "check_compliance",
    "find_pii",
    "luhn_valid",
    "mask_text",
    "resident_id_check_digit",
    "valid_resident_id",
]

_TEXT = {
    "member": {"zh": "成员{letter}", "en": "Member {letter}"},
    "role_letter": {"zh": "{role}{letter}", "en": "{role} {letter}"},
    "blame_language": {
        "zh": "“{excerpt}”带有指责意味。建议：{hint}。",
        "en": '"{excerpt}" assigns blame. Suggestion: {hint}.',
    },
    "blame_person": {
        "zh": "“{excerpt}”把问题归到具体的人身上。建议：{hint}。",
        "en": '"{excerpt}" pins the problem on a person. Suggestion: {hint}.',
    },
    "blame_person.hint": {
        "zh": "描述当时的流程、信息或条件，例如把“某人引入了缺陷”改写为“该变更在没有覆盖此路径的测试时被合入”",
        "en": 'describe the process, information or conditions instead, e.g. rewrite "Bob introduced a bug" '
        'as "the change merged without a test covering this path"',
    },
    "absolute_language": {
        "zh": "“{excerpt}”是绝对化的说法。建议：{hint}。",
        "en": '"{excerpt}" is an absolute or loaded word. Suggestion: {hint}.',
    },
    "absolute_language.hint": {
        "zh": "用具体的事实和数据代替，例如“最近三次发布中有两次……”",
        "en": 'state the facts and numbers instead, e.g. "in two of the last three releases…"',
    },
}

# ---------------------------------------------------------------------------------------------
# Validity of identifiers
# ---------------------------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes, plus 83 (Taiwan residents' permits); 9x are foreigners' permanent
# residence IDs, which use the same layout and check digit.
_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)
_ID_MIN_YEAR = 1800
_ID_MAX_YEAR = 2099


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _region_ok(code: str) -> bool:
    return code[0] == "9" or int(code[:2]) in _PROVINCES


def resident_id_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits of an ID."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11]


def valid_resident_id(value: str) -> bool:
    """True for an 18-digit ID with a real birth date and the right check digit, or a legacy
    15-digit ID (no check digit) with a real YYMMDD birth date in the 1900s."""
    value = value.strip().upper()
    if len(value) == 18:
        if not (value[:17].isascii() and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")):
            return False
        year, month, day = int(value[6:10]), int(value[10:12]), int(value[12:14])
        return (
            _region_ok(value)
            and _ID_MIN_YEAR <= year <= _ID_MAX_YEAR
            and _real_date(year, month, day)
            and resident_id_check_digit(value[:17]) == value[17]
        )
    if len(value) == 15 and value.isascii() and value.isdigit():
        year, month, day = 1900 + int(value[6:8]), int(value[8:10]), int(value[10:12])
        return _region_ok(value) and _real_date(year, month, day)
    return False


def luhn_valid(value: str) -> bool:
    """The Luhn (mod 10) check over the digits of ``value``; spaces and dashes are ignored.

    Any length of two digits or more is checked (79927398713 passes); whether a number is long enough
    to be a card (13–19 digits) is decided by the detector, not here.
    """
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) < 2 or not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


# ---------------------------------------------------------------------------------------------
# Detection
# ---------------------------------------------------------------------------------------------

# Full-width ASCII (digits, letters, + - . @ _) folded one character for one, so offsets hold.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FOLD[0x3000] = 0x20
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def _fold(text: str) -> str:
    """Full-width ASCII to ASCII, one character for one (a no-op on most text, so checked first)."""
    return text.translate(_FOLD) if _FULL_WIDTH.search(text) else text


_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]*)@"
    r"((?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})(?![A-Za-z0-9-])"
)
_ID18 = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
_ID15 = re.compile(r"(?<![0-9])[0-9]{15}(?![0-9])")
_CARD_PATTERNS = (
    re.compile(r"(?<![0-9+])[0-9]{13,19}(?![0-9])"),
    re.compile(r"(?<![0-9+])[0-9]{4}([ -])[0-9]{4}(?:\1[0-9]{4}){1,2}(?:\1[0-9]{1,3})?(?![0-9]|[ -][0-9])"),
    re.compile(r"(?<![0-9+])[0-9]{4}([ -])[0-9]{6}\1[0-9]{4,5}(?![0-9]|[ -][0-9])"),
)
# A 13-digit run that is a mobile number with its 86 country code is a phone, not a card.
_MOBILE_LIKE = re.compile(r"(?:86)?1[3-9][0-9]{9}")
_MOBILE = re.compile(
    r"(?<![0-9])(?P<prefix>\+?86[- ]?)?(?P<head>1[3-9][0-9])(?P<sep>[- ]?)(?P<mid>[0-9]{4})(?P=sep)"
    r"(?P<tail>[0-9]{4})(?![0-9])"
)


class Span(NamedTuple):
    """One piece of personal data in a string, with the text that replaces it."""

    start: int
    end: int
    kind: PiiKind
    replacement: str


class _Claims:
    """Non-overlapping spans, kept sorted: the first detector to claim characters keeps them."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.spans: list[Span] = []

    def add(self, span: Span) -> bool:
        index = bisect_left(self.starts, span.start)
        if index > 0 and self.spans[index - 1].end > span.start:
            return False
        if index < len(self.spans) and self.spans[index].start < span.end:
            return False
        self.starts.insert(index, span.start)
        self.spans.insert(index, span)
        return True


def _mask_email(match: re.Match[str]) -> str:
    return f"{match.group(1)[0]}***@{match.group(2)}"


def _mask_id(value: str) -> str:
    value = value.upper()
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) == 18 else value[:6] + "******" + value[-3:]


def _mask_card(digits: str) -> str:
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def _mask_mobile(match: re.Match[str]) -> str:
    return f"{match.group('prefix') or ''}{match.group('head')}****{match.group('tail')}"


def _emails(folded: str) -> Iterator[Span]:
    for match in _EMAIL.finditer(folded):
        yield Span(match.start(), match.end(), "email", _mask_email(match))


def _resident_ids(folded: str) -> Iterator[Span]:
    for pattern in (_ID18, _ID15):
        for match in pattern.finditer(folded):
            if valid_resident_id(match.group()):
                yield Span(match.start(), match.end(), "resident_id", _mask_id(match.group()))


def _bank_cards(folded: str) -> Iterator[Span]:
    for pattern in _CARD_PATTERNS:
        for match in pattern.finditer(folded):
            digits = match.group().replace(" ", "").replace("-", "")
            if 13 <= len(digits) <= 19 and not _MOBILE_LIKE.fullmatch(digits) and luhn_valid(digits):
                yield Span(match.start(), match.end(), "bank_card", _mask_card(digits))


def _mobiles(folded: str) -> Iterator[Span]:
    for match in _MOBILE.finditer(folded):
        yield Span(match.start(), match.end(), "mobile", _mask_mobile(match))


# ---------------------------------------------------------------------------------------------
# Names from the roster
# ---------------------------------------------------------------------------------------------


class _Roster(NamedTuple):
    pattern: re.Pattern[str] | None
    labels: Mapping[str, str]  # casefolded name or alias -> label


def _labels(entries: Sequence[tuple[str, str | None]], language: Language) -> list[str]:
    """The replacement for each roster entry, in roster order.

    A role shared by one person is used as is; a role shared by several gets a letter (前端A, 前端B);
    people without a role become 成员A, 成员B... (Member A, Member B...).
    """
    role_totals = Counter(role for _, role in entries if role)
    role_seen: Counter[str] = Counter()
    anonymous = 0
    labels: list[str] = []
    for _, role in entries:
        if not role:
            labels.append(tr(_TEXT, "member", language, letter=letters(anonymous)))
            anonymous += 1
        elif role_totals[role] == 1:
            labels.append(role)
        else:
            labels.append(tr(_TEXT, "role_letter", language, role=role, letter=letters(role_seen[role])))
            role_seen[role] += 1
    return labels


def _name_regex(name: str) -> str:
    escaped = re.escape(name)
    if name.isascii():
        return rf"(?<![A-Za-z0-9_]){escaped}(?![A-Za-z0-9_])"
    return escaped


RosterKey = tuple[tuple[str, str | None, tuple[str, ...]], ...]


@lru_cache(maxsize=64)
def _compile_roster(key: RosterKey, language: Language) -> _Roster:
    labels = _labels([(name, role) for name, role, _ in key], language)
    by_name: dict[str, str] = {}
    for (name, _, aliases), label in zip(key, labels, strict=True):
        for spelling in (name, *aliases):
            spelling = _fold(spelling.strip())
            if spelling and spelling.casefold() not in by_name:
                by_name[spelling.casefold()] = label
    if not by_name:
        return _Roster(None, {})
    alternatives = sorted(by_name, key=len, reverse=True)
    pattern = re.compile("|".join(_name_regex(name) for name in alternatives), re.IGNORECASE)
    return _Roster(pattern, by_name)


def _roster_key(roster: Sequence[RosterEntry]) -> RosterKey:
    return tuple((entry.name, entry.role, tuple(entry.aliases)) for entry in roster)


def _names(folded: str, roster: _Roster) -> Iterator[Span]:
    if roster.pattern is None:
        return
    for match in roster.pattern.finditer(folded):
        label = roster.labels.get(match.group().casefold(), "***")  # "***": a case-folding oddity
        yield Span(match.start(), match.end(), "name", label)


def find_pii(text: str, roster: Sequence[RosterEntry] = (), language: Language = "zh") -> list[Span]:
    """Every piece of personal data in ``text``, sorted, without overlaps (see the module order)."""
    return _spans(_fold(text), _compile_roster(_roster_key(roster), language))


def _spans(folded: str, compiled: _Roster) -> list[Span]:
    claims = _Claims()
    for detector in (_emails(folded), _resident_ids(folded), _bank_cards(folded), _mobiles(folded)):
        for span in detector:
            claims.add(span)
    for span in _names(folded, compiled):
        claims.add(span)
    return claims.spans


def apply_spans(text: str, spans: Sequence[Span]) -> str:
    """``text`` with each (sorted, non-overlapping) span replaced by its mask."""
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(span.replacement)
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)


def _hits(spans: Iterable[Span], path: str | None) -> list[PiiHit]:
    return [PiiHit(kind=s.kind, path=path, start=s.start, end=s.end, masked=s.replacement) for s in spans]


def mask_text(text: str, roster: Sequence[RosterEntry] = (), language: Language = "zh") -> tuple[str, list[PiiHit]]:
    """Mask every piece of personal data in ``text``; also return what was masked.

    Labels for roster names depend only on the roster and the language, so separate calls with the
    same roster (one per report field, say) replace a person with the same label.
    """
    spans = find_pii(text, roster, language)
    return apply_spans(text, spans), _hits(spans, None)


# ---------------------------------------------------------------------------------------------
# Tone
# ---------------------------------------------------------------------------------------------

# Verbs that pin a failure on whoever stands just before them ("张三导致", "Bob broke").
_NEGATIVE_VERBS_ZH = (
    "导致",
    "造成",
    "引起",
    "引发",
    r"引入了?(?:一个|一些|新的)?(?:缺陷|bug|问题|故障|错误|回归)",
    "忘记",
    "忘了",
    "遗漏",
    "漏掉",
    "漏了",
    "搞砸",
    "搞坏",
    "弄坏",
    "弄错",
    "搞错",
    "写错",
    "出错",
    "失误",
    "拖延",
    "延误",
    "耽误",
    "误操作",
    "误删",
    "疏忽",
    "忽略",
    "无视",
)
_NEGATIVE_VERBS_EN = (
    r"broke",
    r"breaks",
    r"broken",
    r"caused",
    r"causes",
    r"introduced\s+(?:[a-z]+\s+){0,2}?(?:bugs?|defects?|regressions?|errors?|issues?|problems?|outages?|incidents?)",
    r"forgot",
    r"forgotten",
    r"forgets",
    r"missed",
    r"misses",
    r"failed",
    r"fails",
    r"neglected",
    r"ignored",
    r"overlooked",
    r"skipped",
    r"messed\s+up",
    r"screwed\s+up",
    r"mistakenly",
    r"accidentally",
)
# Plain negations blame only when they follow the name almost directly ("张三没有", "Bob didn't").
_NEGATIONS_ZH = ("没有", "没", "未(?!来|知|必)")
_NEGATIONS_EN = (r"didn't", r"did\s+not", r"never")


def _verb_alternation(zh: Sequence[str], en: Sequence[str]) -> str:
    return "|".join([*zh, *(rf"\b{verb}\b" for verb in en)])


# After a name: a short gap inside the same clause, then the verb.
_CLAUSE_GAP = r"[^\n。;；.!?！？,，、:：]"
_AFTER_NAME = re.compile(
    rf"(?P<gap>{_CLAUSE_GAP}{{0,24}}?)(?P<verb>{_verb_alternation(_NEGATIVE_VERBS_ZH, _NEGATIVE_VERBS_EN)})",
    re.IGNORECASE,
)
_NEGATION_AFTER_NAME = re.compile(
    rf"(?P<gap>{_CLAUSE_GAP}{{0,8}}?)(?P<verb>{_verb_alternation(_NEGATIONS_ZH, _NEGATIONS_EN)})",
    re.IGNORECASE,
)
_MAX_GAP_CJK = 4
_MAX_GAP_WORDS = 2
_MAX_NEGATION_GAP_CJK = 1
_MAX_NEGATION_GAP_WORDS = 1
# Before a name: attribution of the cause to the person.
_BEFORE_NAME = re.compile(
    r"(?:由于|因为|都怪|怪|归咎于|归因于|\bbecause of|\bdue to|\bthanks to|\bblamed? on|\bcaused by)\s*$",
    re.IGNORECASE,
)
_BEFORE_WINDOW = 16

_ABSOLUTE = re.compile(
    r"总是|总会|从来不|从来没有?|从不|从未|每次都|一直都|完全|根本|绝对|显然|明显是|肯定是|毫无|永远"
    r"|\b(?:always|never|obviously|clearly|completely|totally|entirely|utterly|of course|everyone knows"
    r"|nobody)\b",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[A-Za-z']+")


def _gap_is_short(gap: str, max_cjk: int, max_words: int) -> bool:
    return len(_CJK.findall(gap)) <= max_cjk and len(_WORD.findall(gap)) <= max_words


def _blames_after(folded: str, position: int) -> int | None:
    """End of a negative verb close after ``position`` (the end of a name), if there is one."""
    strong = _AFTER_NAME.match(folded, position)
    if strong and _gap_is_short(strong.group("gap"), _MAX_GAP_CJK, _MAX_GAP_WORDS):
        return strong.end()
    negation = _NEGATION_AFTER_NAME.match(folded, position)
    if negation and _gap_is_short(negation.group("gap"), _MAX_NEGATION_GAP_CJK, _MAX_NEGATION_GAP_WORDS):
        return negation.end()
    return None


class _Phrase(NamedTuple):
    start: int
    end: int
    code: str
    severity: Severity
    hint: str


def _blame_phrases(text: str, language: Language) -> Iterator[_Phrase]:
    for hit in blame_hits(text):
        hint = localized({"zh": hit.term.hint_zh, "en": hit.term.hint_en}, language)
        yield _Phrase(hit.start, hit.end, "blame_language", "warning", hint)


def _person_phrases(folded: str, names: Sequence[Span], language: Language) -> Iterator[_Phrase]:
    hint = tr(_TEXT, "blame_person.hint", language)
    for name in names:
        after = _blames_after(folded, name.end)
        if after is not None:
            yield _Phrase(name.start, after, "blame_person", "warning", hint)
            continue
        before = _BEFORE_NAME.search(folded, max(0, name.start - _BEFORE_WINDOW), name.start)
        if before:
            yield _Phrase(before.start(), name.end, "blame_person", "warning", hint)


def _absolute_phrases(text: str, language: Language) -> Iterator[_Phrase]:
    hint = tr(_TEXT, "absolute_language.hint", language)
    for match in _ABSOLUTE.finditer(text):
        yield _Phrase(match.start(), match.end(), "absolute_language", "info", hint)


def _masked_excerpt(text: str, spans: Sequence[Span], start: int, end: int) -> str:
    """``text[start:end]`` with personal data masked; a span cut by the edges is taken whole."""
    inside = [s for s in spans if s.start < end and s.end > start]
    if inside:
        start, end = min(start, inside[0].start), max(end, inside[-1].end)
    parts: list[str] = []
    cursor = start
    for span in inside:
        parts.append(text[cursor : span.start])
        parts.append(span.replacement)
        cursor = span.end
    parts.append(text[cursor:end])
    return "".join(parts)


def _tone(
    text: str,
    folded: str,
    spans: Sequence[Span],
    path: str | None,
    language: Language,
    limit: int | None = None,
    phrases_out: list[_Phrase] | None = None,
) -> list[ToneFinding]:
    """The tone findings of one text; with ``limit`` only the first ones are built (all land in ``phrases_out``)."""
    names = [s for s in spans if s.kind == "name"]
    phrases = [
        *_blame_phrases(folded, language),
        *_person_phrases(folded, names, language),
        *_absolute_phrases(folded, language),
    ]
    phrases.sort(key=lambda p: (p.start, p.end))
    if phrases_out is not None:
        phrases_out.extend(phrases)
    findings: list[ToneFinding] = []
    for phrase in phrases if limit is None else phrases[:limit]:
        excerpt = _masked_excerpt(text, spans, phrase.start, phrase.end)
        findings.append(
            ToneFinding(
                code=phrase.code,
                severity=phrase.severity,
                message=tr(_TEXT, phrase.code, language, excerpt=excerpt, hint=phrase.hint),
                path=path,
                start=phrase.start,
                end=phrase.end,
                excerpt=excerpt,
                hint=phrase.hint,
            )
        )
    return findings


# ---------------------------------------------------------------------------------------------
# The tool
# ---------------------------------------------------------------------------------------------


class _Checked(NamedTuple):
    path: str | None
    masked: str
    pii: list[PiiHit]
    tone: list[ToneFinding]
    pii_kinds: Counter[str]
    tone_severities: Counter[str]
    tone_codes: Counter[str]


def _check_one(
    text: str, path: str | None, roster: _Roster, language: Language, pii_limit: int, tone_limit: int
) -> _Checked:
    """One text: its masked form, its first ``pii_limit`` / ``tone_limit`` findings and the counts of all.

    Findings past the limits are counted, never built: a text dense with personal data would
    otherwise turn a few megabytes of input into hundreds of megabytes of answer (each finding
    repeats its path and carries a message).
    """
    folded = _fold(text)
    spans = _spans(folded, roster)
    phrases: list[_Phrase] = []
    tone = _tone(text, folded, spans, path, language, tone_limit, phrases)
    return _Checked(
        path,
        apply_spans(text, spans),
        _hits(spans[:pii_limit], path),
        tone,
        Counter(span.kind for span in spans),
        Counter(phrase.severity for phrase in phrases),
        Counter(phrase.code for phrase in phrases),
    )


def _validate(text: str | None, fields: Mapping[str, str] | None, roster: Sequence[RosterEntry]) -> None:
    if (text is None) == (fields is None):
        raise InputError("text", "give either `text` (one string) or `fields` (path -> string), not both or neither")
    if text is not None and len(text) > MAX_COMPLIANCE_TEXT_CHARS:
        raise InputError("text", f"longer than {MAX_COMPLIANCE_TEXT_CHARS} characters; split it into `fields`")
    if fields is not None:
        if len(fields) > MAX_COMPLIANCE_FIELDS:
            raise InputError("fields", f"more than {MAX_COMPLIANCE_FIELDS} fields")
        for path, value in fields.items():
            if not isinstance(value, str):
                raise InputError(f"fields.{path}", "must be a string")
            if len(path) > MAX_NAME_CHARS:
                raise InputError("fields", f"a path is longer than {MAX_NAME_CHARS} characters")
            if len(value) > MAX_TEXT_CHARS:
                raise InputError(f"fields.{path}", f"longer than {MAX_TEXT_CHARS} characters")
    if len(roster) > MAX_ROSTER:
        raise InputError("roster", f"more than {MAX_ROSTER} people")


def _counts(checked: Sequence[_Checked]) -> ComplianceCounts:
    kinds: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for item in checked:
        kinds.update(item.pii_kinds)
        severities.update(item.tone_severities)
        codes.update(item.tone_codes)
    return ComplianceCounts(
        pii=sum(kinds.values()),
        pii_by_kind=dict(kinds),
        tone=sum(severities.values()),
        tone_by_severity=dict(severities),
        tone_by_code=dict(codes),
        fields_checked=len(checked),
    )


def check_compliance(
    text: str | None = None,
    fields: Mapping[str, str] | None = None,
    roster: Sequence[RosterEntry] = (),
    mask: bool = True,
    language: Language = "zh",
) -> ComplianceResult:
    """Find personal data and blaming or loaded language in ``text`` or in each of ``fields``.

    With ``mask`` the masked text (or fields) is returned as well; findings never echo a raw value
    either way. Offsets refer to the original string of their path.
    """
    _validate(text, fields, roster)
    items: Iterable[tuple[str | None, str]] = [(None, text or "")] if fields is None else fields.items()
    compiled = _compile_roster(_roster_key(roster), language)
    checked: list[_Checked] = []
    pii: list[PiiHit] = []
    tone: list[ToneFinding] = []
    for path, value in items:
        item = _check_one(
            value, path, compiled, language, MAX_LISTED_FINDINGS - len(pii), MAX_LISTED_FINDINGS - len(tone)
        )
        pii.extend(item.pii)
        tone.extend(item.tone)
        checked.append(item._replace(pii=[], tone=[]))
    counts = _counts(checked)
    return ComplianceResult(
        pii=pii,
        tone=tone,
        listed_limit=MAX_LISTED_FINDINGS if counts.pii > len(pii) or counts.tone > len(tone) else None,
        masked_text=checked[0].masked if mask and fields is None else None,
        masked_fields={item.path or "": item.masked for item in checked} if mask and fields is not None else None,
        counts=counts,
        language=language,
    )
