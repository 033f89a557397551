"""Types shared by every tool."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from fupan_mcp.i18n import DEFAULT_LANGUAGE, Language

__all__ = ["DEFAULT_LANGUAGE", "Finding", "Language", "Model", "Severity"]

Severity = Literal["info", "warning", "error"]


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


class DataGap(BaseModel):
    """A figure the review needs but does not have: listed, never guessed."""

    subject: str = Field(description="What it concerns: a metric name, a KPI node id, an action...")
    field: str = Field(description="The missing or unverifiable value, e.g. 'actual', 'owner'.")
    message: str = Field(description="Localized sentence saying what to supply.")
    path: str | None = Field(default=None, description="Dotted path into the input.")
