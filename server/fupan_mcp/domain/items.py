"""A list argument of an analysis whose bad items are set aside instead of refusing the whole list.

One item with a typo in a field name, a wrong type or a missing required field used to refuse the whole
call: the other metrics, actions or events were not computed. `ItemWise` on a list argument validates
the list as it always did, in one pass (the happy path costs nothing more); only when that fails, and
every error lies inside some items (not the list itself: not a list, too short, too long), and at least
one item is good, does it validate the good items again, in one pass, and return them as a `Checked`
list that remembers the items it set aside, each with its pydantic errors (locations inside the item).
When every item is bad, or an error is about the list itself, the list's error is raised as before.

Only the analysis tools' arguments take `ItemWise`: a tool that stores what it is given keeps refusing,
so a typo never loses an item silently. The tool turns the set-aside items into its result's per-item
error entries (`ItemError`, localized by `report.validation.item_errors`); the analysis computes the rest
with their input positions (`kept_positions`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import ErrorDetails

from fupan_mcp.domain.common import Finding

__all__ = [
    "SET_ASIDE_CODE",
    "Checked",
    "ItemError",
    "ItemWise",
    "SetAside",
    "kept_positions",
    "set_aside_findings",
    "set_aside_of",
]


@dataclass(frozen=True)
class SetAside:
    """One item left out of a list: where it was, what it was, and why (locations inside the item)."""

    index: int
    value: object
    errors: tuple[ErrorDetails, ...]


class Checked(list[Any]):
    """The good items of a list argument, with the items set aside (`SetAside`, in input order)."""

    set_aside: tuple[SetAside, ...] = ()


class ItemError(BaseModel):
    """An item of a list that was set aside: its shape is wrong (an unknown field, a wrong type, a required
    field missing, not an object). The other items are computed as if it were absent."""

    index: int = Field(description="Position of the item in the input list.")
    name: str = Field(default="", description="What the item is called, when that could be read ('' otherwise).")
    field: str = Field(description="The field at fault, inside the item ('owner', 'target.kind'); '' for the item.")
    path: str = Field(description="Dotted path into the input, e.g. 'actions[1].owner'.")
    reason: str = Field(description="Why it was set aside (English, technical).")
    message: str = Field(description="Localized sentence with the fix.")


def _items_apart(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError as error:
        if not isinstance(value, list):
            raise
        by_item: dict[int, list[ErrorDetails]] = {}
        for detail in error.errors(include_url=False):
            loc = detail["loc"]
            if not loc or not isinstance(loc[0], int) or not 0 <= loc[0] < len(value):
                raise  # about the list itself: refused as before
            inner = ErrorDetails(**{**detail, "loc": loc[1:]})
            by_item.setdefault(loc[0], []).append(inner)
        if len(by_item) >= len(value):
            raise  # nothing left to compute
        kept = [item for index, item in enumerate(value) if index not in by_item]
        try:
            checked = Checked(handler(kept))
        except ValidationError:  # a rule over the whole list: the list's own error
            raise error from None
        checked.set_aside = tuple(
            SetAside(index, value[index], tuple(errors)) for index, errors in sorted(by_item.items())
        )
        return checked


ItemWise = WrapValidator(_items_apart)
"""On a list argument: the list validated whole, else its bad items set aside (see the module docstring).
The JSON schema is the list's own: clients see the item schema unchanged."""


def set_aside_of(items: Iterable[Any] | None) -> tuple[SetAside, ...]:
    """The items `ItemWise` set aside from ``items``; none for any other list."""
    return items.set_aside if isinstance(items, Checked) else ()


def kept_positions(count: int, set_aside: Sequence[ItemError | SetAside]) -> list[int]:
    """The input positions of the ``count`` items left once ``set_aside`` is taken out, in order."""
    if not set_aside:
        return list(range(count))
    gone = {entry.index for entry in set_aside}
    positions = [index for index in range(count + len(gone)) if index not in gone]
    return positions[:count]


SET_ASIDE_CODE = "item_set_aside"
"""The code of the finding that names an item set aside, in the results whose per-item errors are findings."""


def set_aside_findings(set_aside: Sequence[ItemError]) -> list[Finding]:
    """Each item set aside as an error finding at its path, for the results that report an item's errors as
    findings (timeline, KPI tree, SWOT, 5 Whys): counted with the others, listed with them."""
    return [Finding(code=SET_ASIDE_CODE, severity="error", message=e.message, path=e.path) for e in set_aside]
