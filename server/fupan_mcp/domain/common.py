"""Types shared by every tool."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

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
    "built",
    "share_as_written",
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
    """Base for input models: unknown fields are an error, so typos are caught and named; text is taken
    without the whitespace around it (each field's string, and each string of a list field).

    The strip is Python's ``str.strip`` before validation, not pydantic's ``str_strip_whitespace``:
    pydantic-core makes each stripped string through its cache of short strings (16,384 entries, on by
    default for the tool arguments, whose top-level model is the SDK's), which kept the strings of a
    big call, and the object arenas they sit in, resident after it (benchmarks/bench_sizes.py, memory
    after the big calls 1.46x -> 1.14x idle)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _stripped(cls, data: Any) -> Any:
        """``data`` with its strings stripped; the same dict when none changes (the usual case)."""
        if not isinstance(data, dict):
            return data
        changed: dict[Any, Any] | None = None
        for key, value in data.items():
            if value is None:  # most fields of most items are not given: one test for them
                continue
            if isinstance(value, str):  # `_stripped` of a string, inline: it runs for every field of every item
                stripped: object = value.strip()
            elif isinstance(value, list):
                stripped = _stripped(value)
            else:
                continue
            if stripped is not value:
                if changed is None:
                    changed = dict(data)
                changed[key] = stripped
        return data if changed is None else changed


def _stripped(value: object) -> object:
    """``value`` stripped if it is a string (``str.strip`` gives back the string itself when there is
    nothing to strip), or a list with a string to strip; else ``value`` itself."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and any(isinstance(item, str) and item.strip() is not item for item in value):
        return [item.strip() if isinstance(item, str) else item for item in value]
    return value


ModelT = TypeVar("ModelT", bound=BaseModel)
_new = object.__new__
_set = object.__setattr__


_BUILT_FIELDS: dict[type[BaseModel], Any] = {}
"""Per model class that `built` made: its fields' names, or False (it has private attributes).
Read from the class once: two class attribute lookups through pydantic's metaclass were a fifth of a
`built` call."""


def built(cls: type[ModelT], /, **values: object) -> ModelT:
    """An instance of ``cls`` from ``values`` that already have its field types, every field given.

    For results an analysis computes from validated input, on hot paths (one per metric or KPI node):
    nothing is validated again. Pydantic's `model_construct` skips validation too, but fills defaults
    and sorts fields in Python and costs more than validating (pydantic 2.14: 27 µs against 16 µs for
    an 18-field node evaluation; this takes 4 µs). With a field missing or unknown, or private
    attributes, it is `model_construct`. The test suite validates every tool's structured output
    against its model (FUPAN_MCP_CHECK_OUTPUT=1), so a value of a wrong type built here fails there.
    """
    fields = _BUILT_FIELDS.get(cls)
    if fields is None:  # first use of ``cls``: its field names, or False when it has private attributes
        fields = _BUILT_FIELDS[cls] = not cls.__private_attributes__ and frozenset(cls.__pydantic_fields__)
    if fields is False or values.keys() != fields:
        return cls.model_construct(None, **values)
    instance = _new(cls)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", set(values))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


def assembled(cls: type[ModelT], values: dict[str, Any], /) -> ModelT:
    """`built` without its check: ``values``, a dict literal at the call site naming every field of ``cls``
    in the model's order, becomes the instance's ``__dict__`` as it is.

    Only for the hottest call sites, each with a test that compares the keys it writes with the
    model's fields (a missing field would fail every dump of the instance). Why: for the four models of
    one KPI node's evaluation, the keyword copy and the key check of `built` were a fifth of the
    evaluations of a 1,000-node tree (1.8 ms of 8.8)."""
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


def share_as_written(value: object) -> object:
    """A weight as sheets write it (a before-validator): '60%' is 0.6, '0.6' and '3' are numbers (as
    import_metrics reads a weight column); anything else is left for the number check to refuse, with the
    field named."""
    if not isinstance(value, str):
        return value
    text = value.strip().replace("％", "%")
    percent = text.endswith("%")
    try:
        number = float(text[:-1].strip() if percent else text)
    except ValueError:
        return value
    return number / 100 if percent else number


def renamed_keys(data: object, aliases: Mapping[str, str]) -> object:
    """``data`` with each alias key under its field's name ('task' as 'action', 'goal' as 'target'), when
    the field itself is not given too (then the alias stays and is refused as an unknown field, naming it).
    A before-validator: the models' other before-validators look for the fields' own names."""
    if not isinstance(data, dict) or aliases.keys().isdisjoint(data):
        return data
    renamed = dict(data)
    for alias, name in aliases.items():
        if alias in renamed and name not in renamed:
            renamed[name] = renamed.pop(alias)
    return renamed
