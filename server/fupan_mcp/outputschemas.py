"""The tools' output schemas, generated in one pydantic pass instead of one pass per tool.

For each tool the SDK generates the JSON schema of its output model on its own, so the models the
results share (findings, gaps, evaluations, stored actions...) are generated again for every tool:
about 40 % of registration, which a client waits for on its first ``tools/list``. Tools that declare
their output as ``Annotated[CallToolResult, Model]`` (all of ours) are registered without it
(`declared_output_model`), then `output_schemas` generates every model in a single
``models_json_schema`` pass, where each shared model is generated once, and hands each tool the schema
the SDK would have made: the model's own definition at the root (``_inline_root_ref``), with the
definitions it reaches under ``$defs``. `FupanServer.ensure_registered` sets them on the tools' SDK
metadata, whose fields the SDK reads live (``FuncMetadata``).
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any

from mcp.server.mcpserver.utilities.func_metadata import StrictJsonSchema
from mcp.types import CallToolResult
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import models_json_schema

DEFS = "#/$defs/"


def declared_output_model(fn: Callable[..., Any]) -> type[BaseModel] | None:
    """``Model`` when ``fn`` returns ``Annotated[CallToolResult, Model]``; None for any other annotation
    (or one that cannot be read here), which the SDK then handles as always."""
    try:
        returned = typing.get_type_hints(fn, include_extras=True).get("return")
    except Exception:  # an annotation only the SDK's own reading accepts: leave it to the SDK
        return None
    if typing.get_origin(returned) is not Annotated:
        return None
    arguments = typing.get_args(returned)
    if len(arguments) != 2 or arguments[0] is not CallToolResult:
        return None
    model = arguments[1]
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def output_schemas(models: Sequence[type[BaseModel]]) -> dict[type[BaseModel], dict[str, Any]]:
    """Each model's output schema as the SDK makes it, from one pass over all of them.

    When two different models share a name, pydantic names their definitions after their modules in a
    joint pass (``fupan_mcp__domain__x__Name``) but not alone; then every schema is made alone, as the
    SDK does, so that what is published never depends on which other tools exist."""
    unique = list(dict.fromkeys(models))
    if not unique:
        return {}
    refs, combined = models_json_schema([(model, "validation") for model in unique], schema_generator=StrictJsonSchema)
    defs: dict[str, Any] = combined.get("$defs", {})
    if any("__" in name for name in defs):
        return {model: alone(model) for model in unique}
    schemas: dict[type[BaseModel], dict[str, Any]] = {}
    for model in unique:
        entry = refs[(model, "validation")]
        ref = entry.get("$ref")
        root = defs[ref.removeprefix(DEFS)] if isinstance(ref, str) and ref.startswith(DEFS) else entry
        schema = copy.deepcopy(root)
        reached = _reached(root, defs)
        if reached:
            schema["$defs"] = {name: copy.deepcopy(defs[name]) for name in sorted(reached)}
        schemas[model] = schema
    return schemas


def alone(model: type[BaseModel]) -> dict[str, Any]:
    """The schema the SDK makes for one output model (``FuncMetadata.model_post_init``)."""
    from mcp.server.mcpserver.utilities.func_metadata import _inline_root_ref

    schema: dict[str, Any] = TypeAdapter(model).json_schema(schema_generator=StrictJsonSchema)
    return _inline_root_ref(schema)


def _reached(root: Any, defs: dict[str, Any]) -> set[str]:
    """The definitions ``root`` refers to, directly or through other definitions."""
    reached: set[str] = set()
    pending = list(_refs(root))
    while pending:
        name = pending.pop()
        if name not in reached and name in defs:
            reached.add(name)
            pending.extend(_refs(defs[name]))
    return reached


def _refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(DEFS):
                yield item.removeprefix(DEFS)
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)
