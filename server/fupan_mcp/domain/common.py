"""Types shared by every tool."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from fupan_mcp.i18n import DEFAULT_LANGUAGE, Language

__all__ = [
    "DEFAULT_LANGUAGE",
    "SEVERITY_ORDER",
    "Finding",
    "Language",
    "Model",
    "Severity",
    "SeverityCounts",
    "built",
]

Severity = Literal["info", "warning", "error"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
"""Sort key of findings: the most severe first."""


class Model(BaseModel):
    """Base for input models: unknown fields are an error, so typos are caught and named."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


ModelT = TypeVar("ModelT", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


def built(cls: type[ModelT], /, **values: object) -> ModelT:
    """An instance of ``cls`` from ``values`` that already have its field types, every field given.

    For results an analysis computes from validated input, on hot paths (one per metric or KPI node):
    nothing is validated again. Pydantic's `model_construct` skips validation too, but fills defaults
    and sorts fields in Python and costs more than validating (pydantic 2.14: 27 µs against 16 µs for
    an 18-field node evaluation; this takes 4 µs). With a field missing or unknown, or private
    attributes, it is `model_construct`. The test suite validates every tool's structured output
    against its model (FUPAN_MCP_CHECK_OUTPUT=1), so a value of a wrong type built here fails there.
    """
    if cls.__private_attributes__ or values.keys() != cls.__pydantic_fields__.keys():
        return cls.model_construct(None, **values)
    instance = _new(cls)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


class Finding(BaseModel):
    """One thing a check noticed: a stable code for programs, a sentence for people."""

    code: str = Field(description="Stable machine-readable code, e.g. 'blame_person'.")
    severity: Severity
    message: str = Field(description="Localized explanation with a hint on how to fix it.")
    path: str | None = Field(
        default=None, description="Where it applies, as a dotted path into the input, e.g. 'whys[2]'."
    )


class SeverityCounts(BaseModel):
    """How many findings of each severity."""

    error: int = 0
    warning: int = 0
    info: int = 0

    @classmethod
    def of(cls, findings: Sequence[Finding]) -> SeverityCounts:
        return cls(
            error=sum(f.severity == "error" for f in findings),
            warning=sum(f.severity == "warning" for f in findings),
            info=sum(f.severity == "info" for f in findings),
        )


class DataGap(BaseModel):
    """A figure the review needs but does not have: listed, never guessed."""

    subject: str = Field(description="What it concerns: a metric name, a KPI node id, an action...")
    field: str = Field(description="The missing or unverifiable value, e.g. 'actual', 'owner'.")
    message: str = Field(description="Localized sentence saying what to supply.")
    path: str | None = Field(default=None, description="Dotted path into the input.")
