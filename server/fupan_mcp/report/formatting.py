"""The report's formatter: the one set of number and date functions, `fupan_mcp.numfmt`.

The report's modules import it from here (``from fupan_mcp.report import formatting as fmt``); the
analyses, which import nothing from `report/`, import `numfmt` directly. Same functions, one rounding.
"""

from __future__ import annotations

from fupan_mcp.numfmt import (
    COUNT_UNITS,
    axis_scale,
    day_span,
    difference_unit,
    fmt_number,
    iso,
    number,
    percent,
    quantity,
    quantity_in,
    signed_change,
    signed_quantity,
)

__all__ = [
    "COUNT_UNITS",
    "axis_scale",
    "day_span",
    "difference_unit",
    "fmt_number",
    "iso",
    "number",
    "percent",
    "quantity",
    "quantity_in",
    "signed_change",
    "signed_quantity",
]
