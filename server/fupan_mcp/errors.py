"""The one exception the pure core raises for input a caller can fix, and how pydantic's become it;
and the one an optional feature raises when its extra is not installed (`MissingExtra`).

`app.py` turns it into an MCP `ToolError`; the CLI prints it. It always names the field
(a dotted path such as ``metrics[3].target``) and the reason, so a model can retry.
"""

from __future__ import annotations

import importlib.util
from typing import TypeVar

from pydantic import TypeAdapter, ValidationError

_T = TypeVar("_T")


class InputError(ValueError):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.validation: ValidationError | None = None
        """The pydantic error this one was made from (see `input_error_from`), to describe it in full."""
        self.root = ""
        """The argument the validated value came in, the prefix of the validation error's paths."""


def input_error_from(exc: ValidationError, field: str) -> InputError:
    """The first pydantic error as an `InputError` with a dotted path under ``field``."""
    first = exc.errors()[0]
    path = ".".join(str(p) for p in first["loc"])
    full = f"{field}.{path}" if field and path else field or path
    error = InputError(full, first["msg"])
    error.validation, error.root = exc, field
    return error


def validate_union(adapter: TypeAdapter[_T], value: object, field: str, union_tags: frozenset[str]) -> _T:
    """Validate input typed ``str | Model`` (or lists of it); report the first useful error as an
    `InputError` under ``field``, indexes as ``[i]`` and the union's branch tags left out.

    ``union_tags`` are the tags pydantic puts in error locations (``"str"`` and the model names);
    an error of a model branch is preferred, since it names the bad key.
    """
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        errors = exc.errors()
        chosen = next((e for e in errors if any(p in union_tags - {"str"} for p in e["loc"])), errors[0])
        path = field
        for part in chosen["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif part not in union_tags:
                path += f".{part}"
        raise InputError(path, chosen["msg"]) from None


INSTALL_HINT = "pip install 'fupan-mcp[export]'"
"""How to get the optional dependencies of the charts and the Word export (python-docx, matplotlib)."""


class MissingExtra(RuntimeError):
    """An optional dependency is not installed; the message names it and the install command."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is not installed: {INSTALL_HINT}")


def require(module: str, what: str) -> None:
    """Raise `MissingExtra` unless ``module`` can be imported (checked without importing it)."""
    if importlib.util.find_spec(module) is None:
        raise MissingExtra(what)
