"""Number cells as people type them, made plain before they are read. Pure.

- Full-width digits and signs ("１２３", "４．５％", "1，234") become ASCII (NFKC), except superscripts; a
  minus typed as "−" (U+2212) or an en dash before a number is a minus.
- A footnote mark after a number ("12.3*", "12.3¹", "12.3[1]", "12.3†", "12.3※", "12.3（注1）") is taken off, and
  said: "12.3¹" is never read as 12.31.
- Blanks grouping thousands ("1 234", "1 234 567", with a no-break or thin space) are removed.
- Decimal comma ("1.234,5", "12,5"): a sheet whose cells show it (or a semicolon-separated file) is read
  with the comma as the decimal mark; a cell that reads differently in the two conventions there
  ("1.234", "1,234") is refused rather than guessed, as is a sheet mixing the two conventions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["CleanNumber", "Convention", "clean_number", "decimal_convention"]

Convention = Literal["point", "comma", "mixed"]

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻"
_FOOTNOTE = re.compile(
    r"(?<=[\d%％万亿元kKmMbB\s])\s*(?:["
    + _SUPERSCRIPTS
    + r"]+|[*＊†‡§※]+|\[\s*\d{1,2}\s*\]|[（(]\s*注\s*\d{0,2}\s*[)）]|注\d{0,2})$"
)
_MINUS = re.compile(r"(?<![\d.])[\u2212\u2013\u2012\ufe63](?=\s?\d)")
"""A minus sign typed as U+2212 or an en dash before a number ("−5%"), not the dash of a range ("95–99%")."""
_GROUP_BLANK = re.compile(r"(?<![\d.,])(\d{1,3})((?:[ \u00a0\u2009\u202f]\d{3})+)(?![\d])")
_NUMBER_RUN = re.compile(r"\d[\d.,]*\d|\d")
_EURO_FULL = re.compile(r"^\d{1,3}(?:\.\d{3})+,\d+$|^\d+,\d{1,2}$|^\d+,\d{4,}$|^\d{1,3}(?:\.\d{3}){2,}$")
_POINT_FULL = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$|^\d+\.\d{1,2}$|^\d+\.\d{4,}$|^\d{1,3}(?:,\d{3}){2,}$")
_AMBIGUOUS = re.compile(r"^\d{1,3}[.,]\d{3}$")


@dataclass(frozen=True)
class CleanNumber:
    text: str
    """The cell's text made plain, to be read."""
    footnote: str | None = None
    """The footnote mark taken off, if any."""
    refused: str | None = None
    """Why the cell is not read: 'ambiguous_decimal' or 'mixed_decimal'."""


def _fold(text: str) -> str:
    """NFKC for everything but superscripts (NFKC would make '12.3¹' into '12.31')."""
    if text.isascii():
        return text
    return "".join(ch if ch in _SUPERSCRIPTS else unicodedata.normalize("NFKC", ch) for ch in text)


def _runs(text: str) -> list[str]:
    return _NUMBER_RUN.findall(text)


def decimal_convention(texts: Iterable[str], semicolon_file: bool) -> Convention:
    """Which decimal mark the number cells of a sheet use: evidence from cells that read one way only."""
    comma = point = False
    for text in texts:
        for run in _runs(_fold(text).replace("，", ",")):
            if _EURO_FULL.match(run):
                comma = True
            elif _POINT_FULL.match(run):
                point = True
    if comma and point:
        return "mixed"
    if comma or (semicolon_file and not point):
        return "comma"
    return "point"


def _to_point(run: str) -> str:
    return run.replace(".", "").replace(",", ".")


def clean_number(text: str, convention: Convention = "point") -> CleanNumber:
    """``text`` with full-width forms folded, footnote marks and thousands blanks taken off, and (under the
    comma convention) the decimal comma made a point."""
    folded = _MINUS.sub("-", _fold(text).strip())
    footnote: str | None = None
    match = _FOOTNOTE.search(folded)
    if match and re.search(r"\d", folded[: match.start()]):
        footnote = match.group(0).strip()
        folded = folded[: match.start()].rstrip()
    folded = _GROUP_BLANK.sub(lambda m: m.group(1) + re.sub(r"[ \u00a0\u2009\u202f]", "", m.group(2)), folded)
    if convention == "point":
        return CleanNumber(folded, footnote)
    runs = _runs(folded)
    if any(_AMBIGUOUS.match(run) for run in runs):
        return CleanNumber(folded, footnote, "ambiguous_decimal")
    if convention == "mixed":
        if any("," in run and "." in run for run in runs) or any(_EURO_FULL.match(run) for run in runs):
            return CleanNumber(folded, footnote, "mixed_decimal")
        return CleanNumber(folded, footnote)
    if any(_POINT_FULL.match(run) and not _EURO_FULL.match(run) for run in runs if "," in run and "." in run):
        return CleanNumber(folded, footnote, "mixed_decimal")
    return CleanNumber(_NUMBER_RUN.sub(lambda m: _to_point(m.group(0)), folded), footnote)
