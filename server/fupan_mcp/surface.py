"""The compact form of tools/list: what a model pays in context before its first call (issue 14).

Tool descriptions keep their first paragraph, dedented; in input schemas the generated `title` of every
field goes (it repeats the name), each field description keeps its first sentence, an optional field shows
its type without the `null` branch and `default: null` (omit it), and upper length bounds,
`additionalProperties: true|false` and `default: false` go; an enum of strings drops `type: string` (the values
say it) and a choice of bare types becomes one list of types (`type: [number, string]`). Arguments are
still validated, and errors described, against the full schema; the review document's full schema is ``fupan://schema/review``."""

from __future__ import annotations

import inspect
import re
from typing import Any

from mcp.types import Tool

SENTENCE_END = re.compile(r"(?<!e\.g\.)(?<!i\.e\.)(?<=[.;])\s+(?=[A-Z`'(])|(?<=[。；])")
"""Where a field description's first sentence ends: '. ' before a capital, or a Chinese full stop."""

LOOSE_BOUNDS = ("maxLength", "maxItems", "maxProperties", "minLength")

BUDGET_CHARS = 25_000
"""The ceiling for the model-facing part of tools/list, all tools together (names, descriptions, input
schemas), held by tests/test_surface.py; `benchmarks/bench_surface.py` prints where it stands."""


FIELD_CHARS = 72
NESTED_FIELD_CHARS = 30
"""A tool's own argument keeps a first sentence up to FIELD_CHARS (longer ones are cut at a word, with an
ellipsis); a field of an object inside it (`$defs`) keeps one up to NESTED_FIELD_CHARS, or none: a
half sentence misleads more than the field's name alone."""


def first_sentence(text: str, limit: int = FIELD_CHARS) -> str:
    sentence = SENTENCE_END.split(text.strip(), maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence
    if limit == NESTED_FIELD_CHARS:
        return ""
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:(") + "…"


def dropped(key: str, value: Any) -> bool:
    """Keywords a model does not need to write a valid call (the server still checks them)."""
    if key == "title":
        return isinstance(value, str)
    if key in LOOSE_BOUNDS:
        return isinstance(value, int)
    if key == "additionalProperties":
        return isinstance(value, bool)  # true is JSON Schema's default; false is still checked by the server
    return key == "default" and value is False


def compact_schema(node: Any, in_properties: bool = False, limit: int = FIELD_CHARS) -> Any:
    """The schema without generated titles and with first-sentence field descriptions."""
    if isinstance(node, list):
        return [compact_schema(item, limit=limit) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    if not in_properties and node.get("default", 0) is None:
        branches = [branch for branch in node.get("anyOf", []) if branch != {"type": "null"}]
        node = {key: value for key, value in node.items() if key not in ("default", "anyOf")}
        if len(branches) == 1:
            node = {**branches[0], **node}
        elif branches:
            node["anyOf"] = branches
    if not in_properties:
        node = _merged_types(node)
    for key, value in node.items():
        if in_properties:  # keys are field names here, never schema keywords
            out[key] = compact_schema(value, limit=limit)
        elif dropped(key, value):
            continue
        elif key == "propertyNames" and isinstance(value, dict) and all(dropped(k, v) for k, v in value.items()):
            continue  # only a bound on the keys: nothing a model needs
        elif key == "description" and isinstance(value, str):
            if short := first_sentence(value, limit):
                out[key] = short
        else:
            inner = NESTED_FIELD_CHARS if key == "$defs" else limit
            out[key] = compact_schema(value, in_properties=key in ("properties", "$defs"), limit=inner)
    return out


def _merged_types(node: dict[str, Any]) -> dict[str, Any]:
    """``anyOf`` of bare types as one ``type`` list; ``type: string`` beside an enum of strings dropped."""
    branches = node.get("anyOf")
    if isinstance(branches, list) and branches and all(_bare_type(branch) for branch in branches):
        node = {key: value for key, value in node.items() if key != "anyOf"}
        node["type"] = [branch["type"] for branch in branches]
    values = node.get("enum")
    if node.get("type") == "string" and isinstance(values, list) and all(isinstance(v, str) for v in values):
        node = {key: value for key, value in node.items() if key != "type"}
    return node


def _bare_type(branch: object) -> bool:
    """A branch that is one type and nothing the listing keeps (a bound goes anyway)."""
    return (
        isinstance(branch, dict)
        and isinstance(branch.get("type"), str)
        and all(key == "type" or dropped(key, value) for key, value in branch.items())
    )


TOOL_CHARS = 260
"""A tool description keeps its first paragraph, and of a longer one the sentences that fit in this."""


def tool_description(text: str) -> str:
    paragraph = " ".join(inspect.cleandoc(text).split("\n\n")[0].split())
    kept = ""
    for sentence in re.split(r"(?<=[.。])\s+", paragraph):
        if kept and len(kept) + len(sentence) + 1 > TOOL_CHARS:
            break
        kept = f"{kept} {sentence}".strip()
    return kept


def compact_tool(tool: Tool) -> Tool:
    description = tool_description(tool.description) if tool.description else tool.description
    return tool.model_copy(update={"description": description, "input_schema": compact_schema(tool.input_schema)})
