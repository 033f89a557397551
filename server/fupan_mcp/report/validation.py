"""Argument errors a model can fix: pydantic's validation errors, localized, one line per field.

Each line names the field as a path (``metrics[2].actual``), says what was expected with an example
and what was received; no documentation URL, no traceback, no file path. Union branches are folded:
an item that is "a string or an object" reports the object's bad field, not both failed branches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from fupan_mcp.domain.dates import DATE_ERROR_TYPE
from fupan_mcp.i18n import Language, Table, tr

__all__ = ["MAX_LINES", "describe_validation_error", "field_path", "language_of"]

MAX_LINES = 8
"""Errors listed one by one; the rest are counted."""

_TEXT: Table = {
    "header": {
        "zh": "{tool}参数有误（{count} 处），请按提示改正后重试：",
        "en": "Invalid arguments{tool} ({count}); fix them and call again:",
    },
    "header.tool": {"zh": "{tool} 的", "en": " to {tool}"},
    "line": {"zh": "- {path}：{message}{got}", "en": "- {path}: {message}{got}"},
    "got": {"zh": "；收到 {value}。", "en": "; got {value}."},
    "end": {"zh": "。", "en": "."},
    "more": {
        "zh": "- 另有 {count} 处，改正以上各处后会一并列出。",
        "en": "- {count} more, listed once these are fixed.",
    },
    "root": {"zh": "（参数整体）", "en": "(the arguments)"},
    "or": {"zh": " 或 ", "en": " or "},
    "or.words": {"zh": "或", "en": " or "},
    "allowed": {"zh": "；可用字段：{names}", "en": "; fields here: {names}"},
    # by pydantic error type
    "missing": {"zh": "必填，但没有提供", "en": "required, but not given"},
    "extra_forbidden": {
        "zh": "不是这里的字段（拼写有误或放错了层级）{allowed}",
        "en": "not a field here (misspelt, or at the wrong level){allowed}",
    },
    "string_type": {"zh": '应为文本，例如 "上线告警"', "en": 'expected text, e.g. "add an alert"'},
    "string_too_short": {"zh": "至少 {min_length} 个字符", "en": "at least {min_length} characters"},
    "string_empty": {"zh": "不能为空", "en": "must not be empty"},
    "string_too_long": {"zh": "最多 {max_length} 个字符", "en": "at most {max_length} characters"},
    "string_pattern_mismatch": {"zh": "格式不符，应匹配 {pattern}", "en": "wrong format, expected {pattern}"},
    "int_type": {"zh": "应为整数，例如 3", "en": "expected a whole number, e.g. 3"},
    "int_from_float": {"zh": "应为整数（不带小数），例如 3", "en": "expected a whole number (no fraction), e.g. 3"},
    "float_type": {
        "zh": '应为数字，例如 28.6（带单位的值写成文本，如 "28.6%"）',
        "en": 'expected a number, e.g. 28.6 (a value with a unit goes as text, e.g. "28.6%")',
    },
    "finite_number": {
        "zh": "应为有限的数字，不能是 NaN 或 Infinity",
        "en": "expected a finite number, not NaN or Infinity",
    },
    "greater_than": {"zh": "应大于 {gt}", "en": "must be greater than {gt}"},
    "greater_than_equal": {"zh": "应不小于 {ge}", "en": "must be at least {ge}"},
    "less_than": {"zh": "应小于 {lt}", "en": "must be less than {lt}"},
    "less_than_equal": {"zh": "应不大于 {le}", "en": "must be at most {le}"},
    "bool_type": {"zh": "应为 true 或 false", "en": "expected true or false"},
    "literal_error": {"zh": "应为以下之一：{expected}", "en": "expected one of: {expected}"},
    "list_type": {"zh": '应为列表，例如 ["…", "…"]', "en": 'expected a list, e.g. ["…", "…"]'},
    "too_short": {"zh": "至少 {min_length} 项", "en": "at least {min_length} items"},
    "too_long": {
        "zh": "最多 {max_length} 项（收到 {actual_length} 项），请分批提交",
        "en": "at most {max_length} items (got {actual_length}); send them in batches",
    },
    "dict_type": {"zh": '应为对象，例如 {{"name": "…"}}', "en": 'expected an object, e.g. {{"name": "…"}}'},
    "date": {
        "zh": "应为日期，例如 2025-07-03（也可写 2025年7月3日、2025/7/3）",
        "en": "expected a date, e.g. 2025-07-03 (or 2025/7/3, July 3, 2025)",
    },
    "datetime": {
        "zh": "应为带时区的时间，例如 2025-07-03T14:30:00+08:00",
        "en": "expected a time with its zone, e.g. 2025-07-03T14:30:00+08:00",
    },
    "json_invalid": {"zh": "不是合法的 JSON", "en": "not valid JSON"},
    "url": {"zh": "应为网址，例如 https://example.com/x", "en": "expected a URL, e.g. https://example.com/x"},
    "recursion_loop": {"zh": "嵌套过深", "en": "nested too deeply"},
    "none_required": {"zh": "这里应为空（null）", "en": "must be null here"},
    "union_tag": {"zh": "类型不符：{expected}", "en": "unknown kind; expected {expected}"},
    "value_error": {"zh": "取值无效：{error}", "en": "invalid value: {error}"},
    "other": {"zh": "取值无效：{error}", "en": "invalid value: {error}"},
    "union": {"zh": "应为{kinds}，例如 {examples}", "en": "expected {kinds}, e.g. {examples}"},
    "kind.text": {"zh": "文本", "en": "text"},
    "kind.number": {"zh": "数字", "en": "a number"},
    "kind.integer": {"zh": "整数", "en": "a whole number"},
    "kind.bool": {"zh": "true/false", "en": "true/false"},
    "kind.list": {"zh": "列表", "en": "a list"},
    "kind.object": {"zh": "对象", "en": "an object"},
    "kind.date": {"zh": "日期", "en": "a date"},
    "kind.null": {"zh": "null", "en": "null"},
    "example.text": {"zh": '"28.6%"', "en": '"28.6%"'},
    "example.number": {"zh": "28.6", "en": "28.6"},
    "example.integer": {"zh": "3", "en": "3"},
    "example.bool": {"zh": "true", "en": "true"},
    "example.list": {"zh": '["…"]', "en": '["…"]'},
    "example.object": {"zh": '{{"text": "…"}}', "en": '{{"text": "…"}}'},
    "example.date": {"zh": "2025-07-03", "en": "2025-07-03"},
    "example.null": {"zh": "null", "en": "null"},
    # the server's own date type (domain.dates)
    f"{DATE_ERROR_TYPE}.unreadable": {
        "zh": "无法识别为日期，请写成 2025-07-03、2025年7月3日、7月3日、T+30 或 月底前",
        "en": "cannot be read as a date; write 2025-07-03, July 3, T+30 or end of month",
    },
    f"{DATE_ERROR_TYPE}.vague": {
        "zh": "不是具体日期，请给出日期，例如 2025-07-03 或 T+30",
        "en": "is not a date; give one, e.g. 2025-07-03 or T+30",
    },
    f"{DATE_ERROR_TYPE}.needs_reference": {
        "zh": "是相对日期，这里需要具体日期，例如 2025-07-03",
        "en": "is a relative date; an absolute one is needed here, e.g. 2025-07-03",
    },
    f"{DATE_ERROR_TYPE}.invalid_date": {"zh": "不是日历上存在的日期", "en": "is not a day on the calendar"},
}

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
    "string_unicode": "string_type",
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
        names = tr(_TEXT, "or.words", language).join(tr(_TEXT, f"kind.{k}", language) for k in kinds)
        examples = tr(_TEXT, "or", language).join(tr(_TEXT, f"example.{k}", language) for k in kinds)
        return tr(_TEXT, "union", language, kinds=names, examples=examples)
    if kind == DATE_ERROR_TYPE:
        return tr(_TEXT, f"{DATE_ERROR_TYPE}.{ctx.get('code', 'unreadable')}", language)
    key = _TYPE_KEYS.get(kind, kind)
    if key == "string_too_short" and ctx.get("min_length") == 1:
        key = "string_empty"
    if key == "extra_forbidden":
        fields = _properties_at(schema, error["loc"][:-1])
        allowed = tr(_TEXT, "allowed", language, names=", ".join(fields[:30])) if fields else ""
        return tr(_TEXT, key, language, allowed=allowed)
    if key in ("literal_error", "union_tag"):
        expected = str(ctx.get("expected") or ctx.get("expected_tags") or "")
        return tr(_TEXT, key, language, expected=expected.replace(" or ", tr(_TEXT, "or", language)))
    if key in ("value_error", "other") or key not in _TEXT:
        reason = _URL.sub("", str(ctx.get("error") or error.get("msg") or kind))
        reason = re.sub(r"^(?:Value|Assertion) error,\s*", "", reason).strip()
        return tr(_TEXT, "value_error" if key == "value_error" else "other", language, error=reason)
    try:
        return tr(_TEXT, key, language, **{k: v for k, v in ctx.items() if isinstance(v, (str, int, float))})
    except (KeyError, IndexError):
        return tr(_TEXT, "other", language, error=_URL.sub("", error["msg"]))


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
    named = tr(_TEXT, "header.tool", language, tool=tool) if tool else ""
    lines = [tr(_TEXT, "header", language, count=len(errors), tool=named)]
    for detail in errors[:MAX_LINES]:
        path = field_path(detail["loc"], root) or tr(_TEXT, "root", language)
        message = _message(detail, language, schema)
        shown = detail["type"] not in ("missing", "extra_forbidden") and "input" in detail
        got = tr(_TEXT, "got", language, value=_shown(detail["input"])) if shown else tr(_TEXT, "end", language)
        lines.append(tr(_TEXT, "line", language, path=path, message=message, got=got))
    if len(errors) > MAX_LINES:
        lines.append(tr(_TEXT, "more", language, count=len(errors) - MAX_LINES))
    return "\n".join(lines).encode("utf-8", "replace").decode("utf-8")  # a lone surrogate cannot be sent
