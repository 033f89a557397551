"""Names a formula can refer to: the rule shared by the KPI node model and the formula parser.

An id is a run of word characters (letters including CJK, digits, underscore) such as ``gmv``,
``注册数`` or ``D7留存``. It may start with digits (``7日留存``) as long as it is not a plain number
(``123``, ``1e5``), and it is not one of the formula functions.
"""

from __future__ import annotations

import re

from fupan_mcp.limits import MAX_FORMULA_CHARS

__all__ = ["FUNCTIONS", "is_identifier"]

FUNCTIONS = ("sum", "min", "max")
"""Function names a formula may call; never usable as ids."""

_NAME = re.compile(r"\w+")
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def is_identifier(text: str) -> bool:
    """True when ``text`` can be written in a formula as one id (and is not a function name)."""
    if text.isascii() and text.isidentifier():  # 'gmv', 'traffic_12': a word that starts with no digit,
        return len(text) <= MAX_FORMULA_CHARS and text.lower() not in FUNCTIONS  # without the two regexes
    if not text or len(text) > MAX_FORMULA_CHARS or text.lower() in FUNCTIONS:
        return False
    if _NAME.fullmatch(text) is None:
        return False
    number = _NUMBER.match(text)
    return number is None or number.end() < len(text)
