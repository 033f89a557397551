"""Types shared by every tool."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from fupan_mcp.i18n import DEFAULT_LANGUAGE, Language
from fupan_mcp.limits import MAX_NAME_CHARS, MAX_REF_CHARS, MAX_TEXT_CHARS

__all__ = [
    "DEFAULT_LANGUAGE",
    "SEVERITY_ORDER",
    "Finding",
    "IdStr",
    "Language",
    "Model",
    "NameStr",
    "Severity",
    "SeverityCounts",
    "TextStr",
]

TextStr = Annotated[str, StringConstraints(max_length=MAX_TEXT_CHARS)]
"""Free text of an input: a why, a factor, a problem (each tool and field has a bound, #15)."""
NameStr = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS)]
"""A name of an input: a project, an owner, a project type, a filter."""
IdStr = Annotated[str, StringConstraints(max_length=MAX_REF_CHARS)]
"""An id of an input: a stored review or action, a KPI node, a why, a factor."""

Severity = Literal["info", "warning", "error"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}
"""Sort key of findings: the most severe first."""


class Model(BaseModel):
    """Base for input models: unknown fields are an error, so typos are caught and named."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


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
