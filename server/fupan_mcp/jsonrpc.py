"""The JSON-RPC envelope check both transports share: what to answer a message the SDK would not.

A message that is not JSON gets -32700 (Parse error); JSON that is not one JSON-RPC 2.0 message gets
-32600 (Invalid Request). That covers malformed JSON, a lone surrogate (``"\\ud800"``, which no
UTF-8 text can carry), batches (removed from MCP in protocol 2025-06-18; every version this server
speaks refuses them), nesting deeper than `MAX_NESTING` levels and ids longer than `MAX_ID_CHARS`
characters (so a megabyte id is never echoed into answers or logs). Reasons are one line and never
repeat the input.

Pure: no I/O, no MCP imports, so the stdio server can use it without the HTTP stack.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600

MAX_NESTING = 256
"""Deepest nesting of arrays and objects in one message (a review document needs about 10)."""
MAX_ID_CHARS = 200
"""Longest request id accepted; longer ids are refused rather than echoed."""


@dataclass(frozen=True)
class Refusal:
    code: int
    message: str
    id: str | int | None = None
    """The request's id when it could be read and is short enough to echo; else None."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _too_deep(value: Any) -> bool:
    """Nesting deeper than `MAX_NESTING`, walked without recursion."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_NESTING:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _has_lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def echoable_id(message: dict[str, Any]) -> str | int | None:
    value = message.get("id")
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    if isinstance(value, str) and (len(value) > MAX_ID_CHARS or _has_lone_surrogate(value)):
        return None
    if isinstance(value, int) and abs(value) >= 2**63:
        return None
    return value


def check_message(body: bytes | str) -> Refusal | None:
    """Why ``body`` is not one acceptable JSON-RPC 2.0 message, or None when its envelope is sound."""
    checked = read_message(body)
    return checked if isinstance(checked, Refusal) else None


def read_message(body: bytes | str) -> dict[str, Any] | Refusal:
    """The one JSON-RPC 2.0 message ``body`` holds, or why it is not acceptable (`check_message`)."""
    try:
        message: Any = json.loads(body, parse_constant=_reject_constant)
    except RecursionError:
        return Refusal(PARSE_ERROR, f"Parse error: nested deeper than {MAX_NESTING} levels")
    except ValueError:  # also UnicodeDecodeError
        return Refusal(PARSE_ERROR, "Parse error")
    if isinstance(message, list):
        return Refusal(INVALID_REQUEST, "Invalid Request: batches are not supported; send one message at a time")
    if not isinstance(message, dict):
        return Refusal(INVALID_REQUEST, "Invalid Request: the body must be one JSON-RPC 2.0 object")
    if _too_deep(message):
        return Refusal(INVALID_REQUEST, f"Invalid Request: nested deeper than {MAX_NESTING} levels")
    if _has_lone_surrogate(message):
        return Refusal(PARSE_ERROR, "Parse error: a string holds a lone surrogate (not valid Unicode)")
    echo = echoable_id(message)
    if message.get("jsonrpc") != "2.0":
        return Refusal(INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"', echo)
    has_id = "id" in message
    request_id = message.get("id")
    if has_id and (isinstance(request_id, bool) or not isinstance(request_id, (str, int, type(None)))):
        return Refusal(INVALID_REQUEST, 'Invalid Request: "id" must be a string or an integer')
    if isinstance(request_id, str) and len(request_id) > MAX_ID_CHARS:
        return Refusal(INVALID_REQUEST, f'Invalid Request: "id" is longer than {MAX_ID_CHARS} characters')
    if "method" in message:
        if not isinstance(message["method"], str):
            return Refusal(INVALID_REQUEST, 'Invalid Request: "method" must be a string', echo)
        if has_id and request_id is None:
            return Refusal(INVALID_REQUEST, 'Invalid Request: "id" must be a string or an integer')
        if "params" in message and not isinstance(message["params"], dict):
            return Refusal(INVALID_REQUEST, 'Invalid Request: "params" must be an object', echo)
        return message
    if has_id and ("result" in message) != ("error" in message):
        error = message.get("error", {})
        if (
            isinstance(error, dict)
            and isinstance(error.get("code", 0), int)
            and isinstance(error.get("message", ""), str)
        ):
            return message
    return Refusal(INVALID_REQUEST, "Invalid Request: neither a request, a notification nor a response", echo)


def error_message(refusal: Refusal) -> dict[str, Any]:
    """The JSON-RPC error object answering ``refusal``."""
    return {"jsonrpc": "2.0", "id": refusal.id, "error": {"code": refusal.code, "message": refusal.message}}
