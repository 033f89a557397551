"""KPI / driver trees: the nodes a caller gives and what `build_kpi_tree` returns (methods.md §3).

A node's values may be numbers or strings as people write them ("28.6%", "1628万", "2,842"); they
are parsed with `domain.numbers.parse_quantity`. A node whose unit is ``%`` holds percent numbers
(32.5 means 32.5 %) and enters formulas as a fraction (0.325); a percent written on a value
("32.5%") sets the unit when none is given.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    FiniteFloat,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from fupan_mcp.domain.common import DataGap, Finding, Language, Model, renamed_keys
from fupan_mcp.domain.identifiers import is_identifier
from fupan_mcp.domain.items import ItemError
from fupan_mcp.domain.numbers import (
    ScaledQuantity,
    canonical_unit,
    convert,
    normalize,
    parse_quantity,
    parse_scaled_quantity,
    split_magnitude_unit,
)
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_TEXT_CHARS

__all__ = [
    "DEFAULT_TOLERANCE",
    "Contribution",
    "Decomposition",
    "DecompositionMethod",
    "KpiNode",
    "KpiNodeEvaluation",
    "KpiTemplateInfo",
    "KpiTreeResult",
    "NodeKind",
    "NodeMethod",
    "PeriodValue",
    "is_percent_unit",
]

DEFAULT_TOLERANCE = 0.005
"""Relative gap between a reported value and its formula that still counts as consistent (0.5 %)."""

DecompositionMethod = Literal["lmdi", "chain", "shapley"]
NodeMethod = Literal["additive", "lmdi", "chain", "shapley", "chain_average"]
NodeKind = Literal["leaf", "constant", "additive", "multiplicative", "mixed"]
ValueField = Literal["actual", "baseline", "target"]
VALUE_FIELDS: tuple[ValueField, ...] = ("actual", "baseline", "target")
_MAX_VALUE_CHARS = 100
_BLANKS = frozenset({"", "-", "—", "n/a", "na", "none", "null"})


def is_percent_unit(unit: str | None) -> bool:
    return canonical_unit(unit) == "%"


def _number_from_text(value: object) -> object:
    """Strings become numbers ("1628万" → 16280000); blanks become None; the rest is left to pydantic."""
    if isinstance(value, str):
        if value.strip().lower() in _BLANKS:
            return None
        if len(value) > _MAX_VALUE_CHARS:
            raise ValueError(f"a value is at most {_MAX_VALUE_CHARS} characters")
        return parse_quantity(value).value
    return value


NumberInput = Annotated[
    FiniteFloat | None,  # an infinite figure (1e400) is refused by name, it would break every ratio
    BeforeValidator(_number_from_text),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number"},
                {"type": "string", "maxLength": _MAX_VALUE_CHARS},
                {"type": "null"},
            ],
            "description": "A number or a string with a unit, e.g. 2842, '28.6%', '1628万', '39.6元'.",
        },
        mode="validation",
    ),
]


_NODE_ALIASES: Mapping[str, str] = {
    "label": "name",
    "title": "name",
    "expression": "formula",
    "equation": "formula",
    "value": "actual",
    "current": "actual",
    "result": "actual",
    "previous": "baseline",
    "before": "baseline",
    "goal": "target",
    "plan": "target",
}
"""A node's fields as driver-tree sheets name them (label, expression, value / current, previous, goal)."""


class KpiNode(Model):
    """One KPI in a driver tree."""

    @model_validator(mode="before")
    @classmethod
    def _sheet_words(cls, data: object) -> object:
        return renamed_keys(data, _NODE_ALIASES)

    id: str = Field(
        min_length=1,
        max_length=64,
        description="Identifier used in formulas: letters (CJK too), digits, underscore: 'gmv', '注册数'.",
    )
    name: str | None = Field(default=None, max_length=MAX_NAME_CHARS, description="Display name; the id if empty.")
    formula: str | None = Field(
        default=None,
        max_length=MAX_TEXT_CHARS,
        description="Formula over other node ids: + - * / ( ) sum() min() max(), e.g. 'traffic * cvr * aov' "
        "(names that match one node are read as its id).",
    )
    actual: NumberInput = Field(default=None, description="Value in the review period.")
    baseline: NumberInput = Field(default=None, description="Value before (comparison period).")
    target: NumberInput = None
    unit: str | None = Field(
        default=None, max_length=32, description="'%': the values are percents. 32.5 means 32.5 %."
    )
    tolerance: float | None = Field(
        default=None,
        ge=0,
        le=1,
        description=f"Relative tolerance for reported vs formula values (default {DEFAULT_TOLERANCE}, plus the "
        "rounding of the digits as written: '1.2亿' may be 1.15亿-1.25亿); one set here is applied strictly.",
    )

    def model_post_init(self, context: Any, /) -> None:
        """Take the written precision `_units_from_values` noted for this node (a wrap validator, the
        direct way, made validating a node three times slower)."""
        pending = _PENDING.rounding
        unread = _PENDING.unread
        if pending is not None or unread is not None:  # kept where pydantic keeps private state, only for
            private: dict[str, Any] = {}  # the nodes that have some
            if pending is not None:
                private[_WRITTEN] = pending
            if unread is not None:
                private[_UNREAD] = unread
            object.__setattr__(self, "__pydantic_private__", private)
            _PENDING.rounding = None
            _PENDING.unread = None

    def rounding(self, key: ValueField) -> float:
        """Relative rounding of a value as written: "3.2%" ±1.6 %, 107 ±0.47 %; 0 when not known."""
        written = self._written()
        if key in written:
            return _text_half_unit(written[key])
        value = getattr(self, key)
        return 0.0 if value is None else _number_half_unit(value)

    def with_rounding_of(self, other: KpiNode) -> KpiNode:
        """Keep the written precision of ``other``'s values (a template node filled by a caller's node)."""
        written = {**self._written(), **other._written()}
        unread = {**self.unread_values, **other.unread_values}
        if written or unread:
            object.__setattr__(self, "__pydantic_private__", {_WRITTEN: written, _UNREAD: unread})
        return self

    @property
    def unread_values(self) -> dict[str, tuple[str, str]]:
        """The values given as text that read as no number ('abc', '12..5'): field -> (text, reason).
        The field is left empty so that the rest of the tree is computed; `build_kpi_tree` reports it."""
        private = self.__pydantic_private__
        found: dict[str, tuple[str, str]] = private.get(_UNREAD, {}) if private else {}
        return found

    def _written(self) -> dict[str, str]:
        """The values written as text ("1.2亿"), kept for their precision; empty for numbers."""
        private = self.__pydantic_private__
        found: dict[str, str] = private.get(_WRITTEN, {}) if private else {}
        return found

    @field_validator("id")
    @classmethod
    def _id_is_identifier(cls, value: str) -> str:
        if not is_identifier(value):
            raise ValueError(
                "an id is one word of letters (CJK allowed), digits or '_', not a plain number "
                "and not sum/min/max, so that formulas can refer to it"
            )
        return value

    @field_validator("formula", "name", "unit")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="before")
    @classmethod
    def _units_from_values(cls, data: Any) -> Any:
        """Take the unit from values like "28.6%" when none is given; convert time units; refuse clashes."""
        _PENDING.rounding = None  # this node's, taken by `model_post_init` (validation is one node at a time)
        _PENDING.unread = None
        if not isinstance(data, dict):
            return data
        original = data
        for key in VALUE_FIELDS:
            raw = data.get(key)
            if not isinstance(raw, str) or raw.strip().lower() in _BLANKS:
                continue
            try:
                quantity = parse_scaled_quantity(raw)
            except ValueError as error:
                if len(raw) > _MAX_VALUE_CHARS:
                    continue  # a limit: the field validator refuses it with the field's name
                try:  # the field's own reading, when it reads what the scaled one does not
                    parse_quantity(raw)
                except ValueError:
                    # one bad value does not refuse the whole tree: left empty, reported for this node
                    if _PENDING.unread is None:
                        _PENDING.unread = {}
                    _PENDING.unread[key] = (raw[:_MAX_VALUE_CHARS], str(error))
                    if data is original:
                        data = dict(data)
                    data[key] = None
                    continue
                quantity = None
            if _PENDING.rounding is None:
                _PENDING.rounding = {}
            _PENDING.rounding[key] = raw  # read only when a check needs it (`rounding`)
            if quantity is None:
                continue
            scaled = _in_node_magnitude(data.get("unit"), quantity)
            if scaled is not None:
                if data is original:
                    data = dict(data)
                data[key] = scaled
                continue
            if quantity.unit is None:
                continue
            if data is original:  # copied when something changes, not for every node (most have numbers)
                data = dict(data)
            if not data.get("unit"):
                data["unit"] = quantity.unit
                continue
            node_unit = canonical_unit(str(data["unit"]))
            if quantity.unit == node_unit:
                continue
            if "%" in (quantity.unit, node_unit):  # one node's clash: left empty and reported, the tree computed
                if _PENDING.unread is None:
                    _PENDING.unread = {}
                _PENDING.unread[key] = (raw[:_MAX_VALUE_CHARS], f"does not match the node's unit {data['unit']!r}")
                data[key] = None
                continue
            converted = convert(quantity.value, quantity.unit, node_unit)
            if converted is not None:
                data[key] = converted
        return data

    @property
    def magnitude(self) -> float:
        """The magnitude a unit like '万元' or '$M' carries (1e4, 1e6); 1 for a plain unit."""
        return split_magnitude_unit(self.unit)[1] if self.unit else 1.0

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def is_percent(self) -> bool:
        return is_percent_unit(self.unit)


_WRITTEN = "written"
_UNREAD = "unread"


class _Pending(threading.local):
    """The written precision of the node being validated, per thread, from its before-validator to its
    `model_post_init`."""

    rounding: dict[str, str] | None = None
    unread: dict[str, tuple[str, str]] | None = None


_PENDING = _Pending()


def _in_node_magnitude(unit: object, quantity: ScaledQuantity) -> float | None:
    """A value written in base units ("3,500万元", "1.2亿", "¥86") on a node whose unit carries a magnitude
    ("万元"): the value in the node's unit (3500, 12000, 0.0086), so that "1.2亿" is not read as 1.2亿万元.
    None when nothing is to convert: a plain number ("3500") is already in the node's unit."""
    if not unit or not isinstance(unit, str):
        return None
    base, factor = split_magnitude_unit(unit)
    if factor == 1.0:
        return None
    if quantity.unit is not None and quantity.unit != base:
        return None  # another unit: left to the checks below
    if quantity.magnitude == 1.0 and quantity.unit is None:
        return None
    return quantity.value / factor


_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _text_half_unit(text: str) -> float:
    """Relative half-unit of the one number in a value's text; 0 when there is not exactly one."""
    folded = normalize(text)
    numbers = _DIGITS.findall(folded)
    if len(numbers) != 1 or "/" in folded or ":" in folded:
        return 0.0
    digits = numbers[0]
    mantissa = float(digits)
    if mantissa == 0:
        return 0.0
    decimals = len(digits) - digits.index(".") - 1 if "." in digits else 0
    return 0.5 * 10.0**-decimals / mantissa


def _number_half_unit(value: float) -> float:
    """Relative half-unit of the last digit of a number as JSON writes it (3.2: 0.05 / 3.2; 107: 0.5 / 107)."""
    if value == 0 or not math.isfinite(value):
        return 0.0
    text = repr(float(value))
    mantissa, _, exponent = text.partition("e")
    if mantissa.endswith(".0"):
        mantissa = mantissa[:-2]
    decimals = len(mantissa) - mantissa.index(".") - 1 if "." in mantissa else 0
    return 0.5 * 10.0 ** (int(exponent or 0) - decimals) / abs(value)


# --------------------------------------------------------------------------- results


class PeriodValue(BaseModel):
    """One period of one node: what was reported, what the formula gives, and what was used."""

    reported: float | None = None
    computed: float | None = Field(default=None, description="From the formula and the inputs' used values.")
    used: float | None = Field(default=None, description="The reported value if given, else the computed one.")
    deviation: float | None = Field(default=None, description="Relative gap |reported − computed| / |computed|.")
    consistent: bool | None = Field(default=None, description="Within tolerance; None when not both known.")


class KpiNodeEvaluation(BaseModel):
    """Everything computed for one node. Changes are in the node's unit (percentage points for '%')."""

    id: str
    name: str
    unit: str | None = None
    formula: str | None = None
    kind: NodeKind = Field(description="leaf, constant, additive, multiplicative (product/ratio) or mixed.")
    inputs: list[str] = Field(default_factory=list, description="Ids the formula uses (known ones only).")
    in_root_tree: bool = Field(description="Whether the root depends on this node.")
    actual: PeriodValue
    baseline: PeriodValue
    target: PeriodValue
    change_abs: float | None = Field(default=None, description="actual − baseline (pp for a '%' node).")
    change_rel: float | None = Field(default=None, description="(actual − baseline) / |baseline|.")
    contribution: float | None = Field(default=None, description="Part of the root's change due to this node.")
    share: float | None = Field(default=None, description="contribution / root change.")
    elasticity: float | None = Field(default=None, description="% change of the root per 1 % change of this node.")
    decomposition_method: NodeMethod | None = Field(
        default=None, description="How this node's change was split among its inputs."
    )
    flags: list[str] = Field(default_factory=list, description="Codes of the findings about this node.")
    path: str | None = Field(default=None, description="Where the node came from: 'nodes[3]' or 'template.gmv'.")


class Contribution(BaseModel):
    """A terminal node's part of the root's change (in the root's unit)."""

    id: str
    name: str
    value: float
    share: float | None = Field(default=None, description="value / total change; None when the change is 0.")


class Decomposition(BaseModel):
    """The root's change split over the nodes where the split stops (the leaves, as a rule).

    ``sum(contributions) + residual == total_change``. The residual is the part the formulas do not
    explain: reported values that differ from their formula (rounding, or an inconsistency).
    """

    root: str
    reference: Literal["baseline", "target"] = Field(
        default="baseline",
        description="What the change is measured from: the baseline, or the target when the root has no "
        "baseline (then `baseline` holds the target and `total_change` is the gap to it).",
    )
    method: Literal["lmdi", "chain", "shapley", "additive"] = Field(
        description="The method asked for; 'additive' when every split was a plain sum."
    )
    order: list[str] | None = Field(
        default=None,
        description="Chain substitution order as given; None means each node's formula order.",
    )
    unit: str | None = None
    baseline: float = Field(description="The value the change is measured from (see `reference`).")
    actual: float
    total_change: float
    contributions: list[Contribution]
    residual: float
    fallback_nodes: list[str] = Field(
        default_factory=list,
        description="Nodes split another way than asked (zeros, negatives, mixed formulas → Shapley).",
    )


class KpiTemplateInfo(BaseModel):
    """A ready driver-tree skeleton for a project type."""

    key: str
    name: str
    description: str
    root: str
    node_count: int


class KpiTreeResult(BaseModel):
    """The result of `build_kpi_tree`."""

    root: str = Field(description="The root node's id: given, the template's, or the one no formula uses.")
    template: str | None = None
    language: Language
    method: DecompositionMethod
    nodes: list[KpiNode] = Field(description="The nodes evaluated (template nodes merged in, values parsed).")
    evaluations: list[KpiNodeEvaluation]
    decomposition: Decomposition | None = Field(
        default=None, description="None when the root's baseline or actual is unknown."
    )
    findings: list[Finding]
    data_gaps: list[DataGap]
    set_aside: list[ItemError] = Field(
        default_factory=list,
        description="Nodes left out because their shape is wrong (an unknown field, a wrong type, not an object): "
        "each with its place and the fix, and an error finding 'item_set_aside'; a formula naming one has an "
        "unknown id.",
    )
    detail: Literal["full", "summary"] = Field(
        default="full",
        description="summary: `nodes` not echoed, `evaluations` and contributions limited to the root, the nodes "
        "with findings and the largest contributors (call again with detail 'full' for every node).",
    )
    omitted_nodes: int = Field(default=0, description="Evaluations left out of a summary.")
