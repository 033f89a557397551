"""The work around each tool call, done once: the result's structured content is dumped from our own
model a single time, not validated back against that model, and sized without a second JSON pass.

The SDK's ``Tool.run(convert_result=True)`` validates a returned `CallToolResult`'s structured content
against the tool's output model. When that content is ``model.model_dump(mode="json")`` of an instance
of the very output model (`ModelResult`, made by `model_result`), the check is a round trip of data the
model already validated: for a 10,000-metric attainment it cost about as much as serialising the
answer. Every other result (an error, a result some tool builds by hand, a model of another type)
still goes through the SDK's own conversion, with the SDK's errors. ``FUPAN_MCP_CHECK_OUTPUT=1``
validates every result as the SDK does (the test suite sets it, so a model built without validation
would still be caught there).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import pydantic_core
from mcp.server.mcpserver.exceptions import UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, InputRequiredResult, TextContent
from pydantic import BaseModel, PrivateAttr

from fupan_mcp.limits import MAX_RESULT_BYTES

if TYPE_CHECKING:
    from mcp.server.mcpserver import Context
    from mcp.server.mcpserver.tools import Tool

log = logging.getLogger(__name__)

CHECK_OUTPUT = os.environ.get("FUPAN_MCP_CHECK_OUTPUT", "").strip().lower() in {"1", "true", "yes", "on"}
"""Validate every structured result against the output model, as the SDK does (tests, debugging)."""

OFF_LOOP: ContextVar[bool] = ContextVar("fupan_off_loop", default=False)
"""True while a heavy call runs on its own event loop in a worker thread (`FupanServer._run_tool`) or in a
worker process (`isolation`): the tool's work then runs right there (`tools.calls.run_tool`), not on one
more thread of that private loop."""


T = TypeVar("T")

HEARTBEAT: ContextVar[Callable[[], Coroutine[Any, Any, None]] | None] = ContextVar("fupan_heartbeat", default=None)
"""The progress heartbeat of the current call (`FupanServer._call_reporting`), for `off_loop`."""


async def off_loop(work: Callable[[], T], limiter: anyio.CapacityLimiter | None = None) -> T:
    """``work`` on a worker thread, the current call's `HEARTBEAT` beating meanwhile.

    The heartbeat runs only while a call waits on a thread: work on the event loop blocks the loop, so
    no beat could be sent then anyway, and starting and cancelling a heartbeat task for every call cost
    about 0.15 ms, a third of a trivial tool's round trip. The thread's context has no heartbeat (a heavy
    call runs its own event loop there, which must not talk to this one's session)."""
    beat = HEARTBEAT.get()
    if beat is None:
        return await anyio.to_thread.run_sync(work, limiter=limiter)
    token = HEARTBEAT.set(None)
    failure: BaseException | None = None
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(beat)
            try:
                result = await anyio.to_thread.run_sync(work, limiter=limiter)
            except Exception as error:  # re-raised below, outside the task group (no ExceptionGroup)
                failure = error
            finally:
                group.cancel_scope.cancel()
    finally:
        HEARTBEAT.reset(token)
    if failure is not None:
        raise failure
    return result


class ModelResult(CallToolResult):
    """A `CallToolResult` whose structured content is the JSON dump of `model` (kept, not sent)."""

    _model: BaseModel | None = PrivateAttr(default=None)

    @property
    def model(self) -> BaseModel | None:
        return self._model


def model_result(model: BaseModel, text: str) -> ModelResult:
    """Structured content dumped once from ``model``, markdown ``text`` for people.

    Built without validation (``model_construct``): a str and a JSON dump of a validated model need no
    check, and validating them cost about a tenth of a small call's own work. The same fields are set,
    so the result serialises the same; ``FUPAN_MCP_CHECK_OUTPUT=1`` validates it as before."""
    if CHECK_OUTPUT:
        result = ModelResult(
            content=[TextContent(type="text", text=text)], structured_content=model.model_dump(mode="json")
        )
    else:
        block = TextContent.model_construct(type="text", text=text)
        result = ModelResult.model_construct(content=[block], structured_content=model.model_dump(mode="json"))
    result._model = model
    return result


def wire_form(result: object) -> object:
    """``result`` as the runner puts it on the wire: a plain `ModelResult` (text blocks, structured content,
    no error, no ``_meta``) as the dict ``model_dump(by_alias=True, mode="json", exclude_none=True)`` makes
    of it, built by hand; anything else unchanged.

    The SDK's runner dumps a returned model before it validates and dumps that dump against the protocol
    version's result shape; the structured content is already a JSON dump of our model, so dumping the
    result walked it once more for nothing (about 55 us of a 5-metric ``compute_attainment``). The runner
    takes a dict as the dump itself; what reaches the wire is the same (its own shape check still runs).
    ``FUPAN_MCP_CHECK_OUTPUT=1`` dumps the model as well and fails on any difference."""
    if (
        type(result) is not ModelResult
        or result.meta is not None
        or result.is_error is not False
        or result.result_type != "complete"
        or not isinstance(result.structured_content, dict)
    ):
        return result
    content: list[dict[str, Any]] = []
    for block in result.content:
        if type(block) is not TextContent or block.annotations is not None or block.meta is not None:
            return result
        content.append({"type": "text", "text": block.text})
    wire = {"content": content, "structuredContent": result.structured_content, "isError": False}
    wire["resultType"] = "complete"
    if CHECK_OUTPUT:
        dumped = result.model_dump(by_alias=True, mode="json", exclude_none=True)
        if dumped != wire:
            raise AssertionError("wire_form differs from the result's dump")
        return dumped
    return wire


def vouched(tool: Tool, result: object) -> bool:
    """Whether ``result``'s structured content is the dump of an instance of ``tool``'s output model."""
    metadata = tool.fn_metadata
    output_model = metadata.output_model
    return (
        not CHECK_OUTPUT
        and isinstance(result, ModelResult)
        and not result.is_error
        and metadata.output_schema is not None
        and isinstance(output_model, type)
        and isinstance(result.model, output_model)
    )


async def run_tool(
    tool: Tool, arguments: dict[str, Any], context: Context[Any, Any]
) -> CallToolResult | InputRequiredResult:
    """``tool.run(arguments, context, convert_result=True)``, without the output round trip of a
    `vouched` result. Same argument validation, same errors: a conversion failure is the SDK's
    `UnexpectedToolError` with its message."""
    result = await tool.run(arguments, context)
    if vouched(tool, result):
        assert isinstance(result, ModelResult)
        return result
    try:
        return tool.fn_metadata.convert_result(result)
    except MCPError:
        raise
    except Exception as exc:  # as Tool.run words a failed conversion
        raise UnexpectedToolError(f"Error executing tool {tool.name}") from exc


def result_size(result: CallToolResult) -> int:
    """About the bytes ``result`` takes on the wire (text, images, embedded data, structured content).

    The structured content is measured as compact JSON (what the transport sends), by pydantic-core:
    about 3x faster than ``json.dumps`` on a big answer."""
    size = 0
    for block in result.content:
        if type(block) is TextContent:  # the usual block: no lookups of fields it lacks (~3 us each)
            size += _utf8_len(block.text)
            continue
        for name in ("text", "data", "blob"):
            value = getattr(block, name, None)
            if isinstance(value, str):
                size += _utf8_len(value)
        resource = getattr(block, "resource", None)
        for name in ("text", "blob"):
            value = getattr(resource, name, None)
            if isinstance(value, str):
                size += _utf8_len(value)
    if result.structured_content is not None:
        size += len(pydantic_core.to_json(result.structured_content, fallback=str))
    return size


def _utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", errors="replace"))


def bounded(result: CallToolResult, name: str) -> CallToolResult:
    """``result``, or a tool error saying it is larger than `MAX_RESULT_BYTES` (what a call may return)."""
    size = result_size(result)
    if size <= MAX_RESULT_BYTES:
        return result
    log.warning("refused a %d-byte result of %s (limit %d)", size, name, MAX_RESULT_BYTES)
    from fupan_mcp.i18n import tr
    from fupan_mcp.report.shell import SHELL_TEXT

    mb, limit = f"{size / 1024**2:.1f}", f"{MAX_RESULT_BYTES / 1024**2:.0f}"
    text = " / ".join(tr(SHELL_TEXT, "result_too_large", lang, mb=mb, limit=limit) for lang in ("zh", "en"))
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
