"""The model-facing part of ``tools/list``, made compact: what a model reads before it does anything.

Every tool's name, description and input schema cost context in every conversation, so the listing
keeps what tells a model how to call a tool and drops what pydantic adds for its own sake: the
``title`` it derives from each field name, ``"default": null``, the ``anyOf [X, null]`` that only
says a field may be left out (leaving it out is already said by ``required``), and the indentation
of docstrings. Validation is unchanged: the server still checks every argument against the full
models, and argument errors name the field and what it expects.
"""

from __future__ import annotations

import inspect
from typing import Any


def compact_description(text: str | None) -> str | None:
    """A docstring without its source indentation."""
    return inspect.cleandoc(text) if text else text


def compact_schema(schema: Any) -> Any:
    """``schema`` without pydantic's derived titles, null defaults and nullable wrappers."""
    if isinstance(schema, list):
        return [compact_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "title" and isinstance(value, str):
            continue  # "Name" for `name`: the property key says it already
        if key == "default" and value is None:
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: compact_schema(prop) for name, prop in value.items()}
            continue
        out[key] = compact_schema(value)
    options = out.get("anyOf")
    if isinstance(options, list):
        kept = [option for option in options if option != {"type": "null"}]
        if len(kept) == 1 and len(kept) < len(options) and isinstance(kept[0], dict):
            del out["anyOf"]
            out = {**kept[0], **out}
    return out
