"""Argument errors a model can fix: pydantic's validation errors, localized, one line per field.

Each line names the field as a path (``metrics[2].actual``), says what was expected with an example
and what was received; no documentation URL, no traceback, no file path. Union branches are folded:
an item that is "a string or an object" reports the object's bad field, not both failed branches.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from fupan_mcp.domain.dates import DATE_ERROR_TYPE
from fupan_mcp.domain.items import ItemError, SetAside
from fupan_mcp.i18n import Language, tr
from fupan_mcp.report.strings import TEXT

__all__ = ["MAX_LINES", "describe_validation_error", "field_path", "item_errors", "language_of"]

MAX_LINES = 8
"""Errors listed one by one; the rest are counted."""


_TYPE_KEYS: dict[str, str] = {
    "int_parsing": "int_type",
    "int_parsing_size": "int_type",
    "float_parsing": "float_type",
    "decimal_type": "float_type",
    "decimal_parsing": "float_type",
    "bool_parsing": "bool_type",
    "enum": "literal_error",
    "list_too_long": "too_long",
    "set_type": "list_type",
    "tuple_type": "list_type",
    "iterable_type": "list_type",
    "model_type": "dict_type",
    "model_attributes_type": "dict_type",
    "dataclass_type": "dict_type",
    "mapping_type": "dict_type",
    "json_type": "json_invalid",
    "url_type": "url",
    "url_parsing": "url",
    "url_scheme": "url",
    "union_tag_invalid": "union_tag",
    "union_tag_not_found": "union_tag",
    "assertion_error": "value_error",
    "bytes_type": "string_type",
    "string_sub_type": "string_type",
}
for _kind in ("type", "parsing", "from_datetime_parsing", "from_datetime_inexact", "future", "past"):
    _TYPE_KEYS[f"date_{_kind}"] = "date"
for _kind in ("type", "parsing", "from_date_parsing", "object_invalid", "future", "past"):
    _TYPE_KEYS[f"datetime_{_kind}"] = "datetime"
_TYPE_KEYS["timezone_aware"] = "datetime"

_SCALAR_TAGS = frozenset({"str", "int", "float", "bool", "none", "bytes", "date", "datetime", "decimal"})
_CLASS_TAG = re.compile(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*")
_URL = re.compile(r"\s*For further information visit \S+", re.IGNORECASE)


def language_of(arguments: Mapping[str, Any] | None) -> Language:
    """The call's ``language`` argument when it is one of ours (any case, 'en-US' -> en), else zh."""
    value = (arguments or {}).get("language")
    if isinstance(value, str):
        key = value.strip().lower()
        if key == "en" or key.startswith(("en-", "en_")) or key == "english":
            return "en"
    return "zh"


_SCALAR_TAG = re.compile(r"(?:constrained|lax|strict)-(?:str|int|float|bytes|decimal|date|datetime|bool)")


def _is_tag(part: str | int) -> tuple[bool, bool]:
    """(is a union-branch tag, is a scalar branch) for one location part."""
    if isinstance(part, int):
        return False, False
    if part in _SCALAR_TAGS or _SCALAR_TAG.fullmatch(part) or part.startswith(("list[", "dict[", "literal[")):
        return True, True
    if "[" in part or part.startswith(("function-", "json-or-python", "constrained-", "lax-", "tagged-union")):
        return True, False
    return bool(_CLASS_TAG.fullmatch(part)), False


def field_path(loc: Sequence[str | int], root: str = "") -> str:
    """('metrics', 2, 'MetricInput', 'actual') -> 'metrics[2].actual' (branch tags left out)."""
    path = root
    for part in loc:
        if _is_tag(part)[0]:
            continue
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def _folded(errors: Sequence[ErrorDetails]) -> list[ErrorDetails]:
    """Drop an error of a scalar union branch ('it is not a string') when another branch of the same
    value reports something more useful (the object's bad field)."""
    keep: list[ErrorDetails] = []
    bases: list[tuple[tuple[str | int, ...], bool]] = []
    for error in errors:
        loc = tuple(error["loc"])
        cut = next((i for i, part in enumerate(loc) if _is_tag(part)[0]), len(loc))
        scalar = cut < len(loc) and _is_tag(loc[cut])[1]
        bases.append((loc[:cut], scalar))
    merged: dict[tuple[str | int, ...], list[ErrorDetails]] = {}
    for error, (base, scalar) in zip(errors, bases, strict=True):
        if scalar and any(other == base and not other_scalar for other, other_scalar in bases):
            continue
        if scalar and sum(1 for other, other_scalar in bases if other == base and other_scalar) > 1:
            if base not in merged:  # 'a number or text': one line for the failed scalar branches
                merged[base] = []
                keep.append(_union_error(base, error, merged[base]))
            merged[base].append(error)
            continue
        keep.append(error)
    for base, group in merged.items():
        kinds = [kind for kind in dict.fromkeys(_KIND_OF.get(e["type"], "") for e in group) if kind]
        for item in keep:
            if item["type"] == _UNION_TYPE and tuple(item["loc"]) == base:
                item["ctx"] = {"kinds": kinds}
    seen: set[tuple[str, str]] = set()
    unique: list[ErrorDetails] = []
    for error in keep:
        key = (field_path(error["loc"]), error["type"])
        if key not in seen:
            seen.add(key)
            unique.append(error)
    return unique


_UNION_TYPE = "fupan_union"
_KIND_OF: dict[str, str] = {
    "string_type": "text",
    "string_too_long": "text",
    "string_too_short": "text",
    "float_type": "number",
    "float_parsing": "number",
    "int_type": "integer",
    "int_parsing": "integer",
    "finite_number": "number",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "list_type": "list",
    "dict_type": "object",
    "model_type": "object",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "none_required": "null",
}


def _union_error(base: tuple[str | int, ...], first: ErrorDetails, group: list[ErrorDetails]) -> ErrorDetails:
    """One error standing for every failed scalar branch of a union (its kinds filled in later)."""
    del group
    return ErrorDetails(type=_UNION_TYPE, loc=base, msg=first["msg"], input=first.get("input"), ctx={})


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except RecursionError:  # a 10,000-deep list: say what it is, not what is in it
        text = f"<{type(value).__name__}>"
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _properties_at(schema: Mapping[str, Any] | None, loc: Sequence[str | int]) -> list[str]:
    """The property names of the object at ``loc`` in a JSON schema (refs and unions followed)."""
    if not schema:
        return []
    defs = schema.get("$defs", {})

    def expand(node: Any, depth: int = 0) -> list[Mapping[str, Any]]:
        if not isinstance(node, Mapping) or depth > 8:
            return []
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return expand(defs.get(ref.rsplit("/", 1)[-1]), depth + 1)
        branches = node.get("anyOf") or node.get("oneOf") or node.get("allOf")
        if isinstance(branches, list):
            return [found for branch in branches for found in expand(branch, depth + 1)]
        return [node]

    nodes = expand(schema)
    for part in loc:
        if _is_tag(part)[0]:
            continue
        following: list[Mapping[str, Any]] = []
        for node in nodes:
            if isinstance(part, int):
                following += expand(node.get("items"))
            else:
                props = node.get("properties")
                if isinstance(props, Mapping) and part in props:
                    following += expand(props[part])
        nodes = following
    names = [name for node in nodes for name in (node.get("properties") or {})]
    return list(dict.fromkeys(names))


def _message(error: ErrorDetails, language: Language, schema: Mapping[str, Any] | None) -> str:
    kind = error["type"]
    ctx: dict[str, Any] = dict(error.get("ctx") or {})
    if kind == _UNION_TYPE:
        kinds = [str(k) for k in ctx.get("kinds", [])] or ["text"]
        names = tr(TEXT, "validation.or.words", language).join(
            tr(TEXT, f"validation.kind.{k}", language) for k in kinds
        )
        examples = tr(TEXT, "validation.or", language).join(
            tr(TEXT, f"validation.example.{k}", language) for k in kinds
        )
        return tr(TEXT, "validation.union", language, kinds=names, examples=examples)
    if kind == DATE_ERROR_TYPE:
        return tr(TEXT, f"validation.{DATE_ERROR_TYPE}.{ctx.get('code', 'unreadable')}", language)
    key = _TYPE_KEYS.get(kind, kind)
    if key == "string_too_short" and ctx.get("min_length") == 1:
        key = "string_empty"
    if key == "extra_forbidden":
        fields = _properties_at(schema, error["loc"][:-1])
        names = tr(TEXT, "list_sep", language).join(fields[:30])
        allowed = tr(TEXT, "validation.allowed", language, names=names) if fields else ""
        return tr(TEXT, f"validation.{key}", language, allowed=allowed)
    if key in ("literal_error", "union_tag"):
        expected = str(ctx.get("expected") or ctx.get("expected_tags") or "")
        return tr(
            TEXT, f"validation.{key}", language, expected=expected.replace(" or ", tr(TEXT, "validation.or", language))
        )
    if key in ("value_error", "other") or f"validation.{key}" not in TEXT:
        reason = _URL.sub("", str(ctx.get("error") or error.get("msg") or kind))
        reason = re.sub(r"^(?:Value|Assertion) error,\s*", "", reason).strip()
        return tr(
            TEXT, "validation.value_error" if key == "value_error" else "validation.other", language, error=reason
        )
    try:
        return tr(
            TEXT, f"validation.{key}", language, **{k: v for k, v in ctx.items() if isinstance(v, (str, int, float))}
        )
    except (KeyError, IndexError):
        return tr(TEXT, "validation.other", language, error=_URL.sub("", error["msg"]))


def _said(detail: ErrorDetails, language: Language, schema: Mapping[str, Any] | None) -> tuple[str, str]:
    """What is wrong at one error's place, and what was received (or the full stop that ends the line)."""
    message = _message(detail, language, schema)
    shown = detail["type"] not in ("missing", "extra_forbidden") and "input" in detail
    got = (
        tr(TEXT, "validation.got", language, value=_shown(detail["input"]))
        if shown
        else tr(TEXT, "validation.end", language)
    )
    return message, got


def describe_validation_error(
    error: ValidationError,
    language: Language = "zh",
    *,
    root: str = "",
    schema: Mapping[str, Any] | None = None,
    tool: str = "",
) -> str:
    """The errors of ``error`` as lines a model can act on, in ``language``.

    ``root`` prefixes every path (the argument a nested document came in); ``schema`` is the input
    schema the arguments were checked against, used to list the fields allowed where an unknown one was
    given.
    """
    errors = _folded(error.errors(include_url=False))
    named = tr(TEXT, "validation.header.tool", language, tool=tool) if tool else ""
    lines = [tr(TEXT, "validation.header", language, count=len(errors), tool=named)]
    for detail in errors[:MAX_LINES]:
        path = field_path(detail["loc"], root) or tr(TEXT, "validation.root", language)
        message, got = _said(detail, language, schema)
        lines.append(tr(TEXT, "validation.line", language, path=path, message=message, got=got))
    if len(errors) > MAX_LINES:
        lines.append(tr(TEXT, "validation.more", language, count=len(errors) - MAX_LINES))
    return "\n".join(lines).encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be sent


_NAME_KEYS = ("name", "action", "task", "risk", "id", "text", "answer", "title", "metric")
"""Where an item set aside says what it is called, first found first."""


@functools.lru_cache(maxsize=32)
def _item_schema(item_type: Any) -> dict[str, Any]:
    return TypeAdapter(item_type).json_schema()


def _item_name(value: object) -> str:
    if isinstance(value, dict):
        for key in _NAME_KEYS:
            name = value.get(key)
            if isinstance(name, str) and name.strip():
                return _shown(name.strip()).strip('"')
    return ""


def item_errors(set_aside: Sequence[SetAside], argument: str, item_type: Any, language: Language) -> list[ItemError]:
    """The items `domain.items.ItemWise` set aside from the list ``argument`` as error entries: where each
    is, the field at fault, why, and the fix in ``language``, in the words of a refusal (`describe_validation_error`,
    with the fields allowed where an unknown one was given). ``item_type`` is the list's item model."""
    schema = _item_schema(item_type) if set_aside else {}
    entries = []
    for item in set_aside:
        errors = _folded(list(item.errors))
        problems = []
        for detail in errors[:MAX_LINES]:
            message, got = _said(detail, language, schema)
            path = field_path((item.index, *detail["loc"]), argument)
            problems.append(tr(TEXT, "validation.item_problem", language, path=path, message=message, got=got))
        first = errors[0] if errors else None
        inner = field_path(first["loc"]) if first is not None else ""
        name = _item_name(item.value)
        message = tr(
            TEXT,
            "validation.set_aside",
            language,
            argument=argument,
            number=item.index + 1,
            name=tr(TEXT, "validation.set_aside.name", language, name=name) if name else "",
            problems=tr(TEXT, "validation.item_sep", language).join(
                [problem[:-1] if problem.endswith(("。", ".")) else problem for problem in problems[:-1]]
                + problems[-1:]
            ),
        )
        entries.append(
            ItemError(
                index=item.index,
                name=name,
                field=inner,
                path=field_path((item.index, *first["loc"]), argument)
                if first is not None
                else f"{argument}[{item.index}]",
                reason="; ".join(f"{e['type']}: {_URL.sub('', e['msg'])}" for e in errors[:MAX_LINES]),
                message=message.encode("utf-8", "replace").decode("utf-8"),
            )
        )
    return entries


def unknown_arguments_text(
    tool: str, unknown: Sequence[tuple[str, str | None]], schema: Mapping[str, Any] | None, language: Language
) -> str:
    """The refusal of arguments a tool does not take: each one, its likely intended name, and the tool's own."""
    lines = "\n".join(
        tr(TEXT, "shell.unknown_argument.near", language, field=name, near=near)
        if near
        else tr(TEXT, "shell.unknown_argument", language, field=name)
        for name, near in unknown
    )
    allowed = tr(TEXT, "list_sep", language).join((schema or {}).get("properties", {}))
    return tr(TEXT, "shell.unknown_arguments", language, tool=tool, count=len(unknown), lines=lines, allowed=allowed)
