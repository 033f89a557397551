"""MCP over stdio, with an answer for every line.

The SDK's stdio transport reads one JSON-RPC message per line; a line it cannot parse (malformed
JSON, a lone surrogate, a batch, nesting deeper than its parser allows, a shape that is no JSON-RPC
message) reaches the server loop as an exception, which logs it and answers nothing: the client
waits forever. `GuardedReadStream` sits between the two and answers such a line itself, the way
the HTTP transport does (`fupan_mcp.jsonrpc`): -32700 for what is not JSON, -32600 for what is not
one message, with the request's id when it can be read and is short, else ``null``. A parsed
request whose id is longer than `MAX_ID_CHARS` is refused the same way instead of being echoed.

On the way out, `DirectWriter` writes a small answer on the event loop instead of the SDK's two
worker-thread hops per message (write, flush); a big one still goes through a thread.
"""

from __future__ import annotations

import sys
from contextlib import suppress
from io import TextIOWrapper
from types import TracebackType
from typing import Any, TextIO

import mcp_types as types
from mcp.shared.message import SessionMessage
from pydantic import ValidationError
from typing_extensions import Self

from fupan_mcp.jsonrpc import INVALID_REQUEST, MAX_ID_CHARS, PARSE_ERROR, Refusal, echoable_id

__all__ = ["DirectWriter", "GuardedReadStream", "refusal_for"]


def refusal_for(error: Exception) -> Refusal:
    """What to answer a line the SDK could not turn into a message."""
    if isinstance(error, ValidationError):
        details = error.errors(include_url=False)
        if any(detail["type"] == "json_invalid" for detail in details):
            reason = " ".join(str(detail.get("msg", "")) for detail in details[:1])
            if "recursion" in reason.lower():
                return Refusal(PARSE_ERROR, "Parse error: nested too deeply")
            if "surrogate" in reason.lower():
                return Refusal(PARSE_ERROR, "Parse error: a string holds a lone surrogate (not valid Unicode)")
            return Refusal(PARSE_ERROR, "Parse error")
        # The whole message is the input of the errors about a missing member; take the first such.
        sent = next((d["input"] for d in details if isinstance(d.get("input"), (dict, list))), None)
        if isinstance(sent, list):
            return Refusal(INVALID_REQUEST, "Invalid Request: batches are not supported; send one message at a time")
        if isinstance(sent, dict):
            return Refusal(INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message", echoable_id(sent))
        return Refusal(INVALID_REQUEST, "Invalid Request: the line must be one JSON-RPC 2.0 object")
    return Refusal(PARSE_ERROR, "Parse error")


def _answer(refusal: Refusal) -> SessionMessage:
    error = types.ErrorData(code=refusal.code, message=refusal.message)
    return SessionMessage(types.JSONRPCError(jsonrpc="2.0", id=refusal.id, error=error))


def _long_id(message: Any) -> bool:
    request_id = getattr(message, "id", None)
    return isinstance(request_id, str) and len(request_id) > MAX_ID_CHARS


class GuardedReadStream:
    """The read side of the stdio transport, answering what the server loop would drop.

    Satisfies the SDK's ``ReadStream`` protocol; ``last_context`` is passed through.
    """

    def __init__(self, inner: Any, write_stream: Any) -> None:
        self._inner = inner
        self._write = write_stream
        self.refused: dict[int, int] = {}
        """Refusals by JSON-RPC code (for the log and the tests)."""

    @property
    def last_context(self) -> Any:
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> SessionMessage | Exception:
        while True:
            item: SessionMessage | Exception = await self._inner.receive()
            if isinstance(item, Exception):
                refusal = refusal_for(item)
            elif isinstance(item, SessionMessage) and _long_id(item.message):
                refusal = Refusal(INVALID_REQUEST, f'Invalid Request: "id" is longer than {MAX_ID_CHARS} characters')
            else:
                return item
            self.refused[refusal.code] = self.refused.get(refusal.code, 0) + 1
            await self._write.send(_answer(refusal))

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except Exception as error:  # anyio's end-of-stream
            import anyio

            if isinstance(error, (anyio.EndOfStream, anyio.ClosedResourceError)):
                raise StopAsyncIteration from None
            raise

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> bool | None:
        await self.aclose()
        return None


DIRECT_WRITE_CHARS = 16 * 1024
"""Answers up to this many characters are written to stdout on the event loop (`DirectWriter`)."""


class _UnownedText(TextIOWrapper):
    """UTF-8 text over the wire's buffer; closing it (or collecting it) never closes that buffer."""

    def close(self) -> None:
        with suppress(ValueError):
            self.detach()


class DirectWriter:
    """The stdout side of the transport: a small message is written and flushed right on the event loop.

    The SDK's stdout writes each message through a worker thread twice (write, then flush): for a small
    answer those two hops cost more than the write itself (0.2-0.4 ms of the server's CPU per
    call of a 5-metric ``compute_attainment``, about 15 %, measured against the SDK's writer in one
    run). A pipe takes a few KiB at once unless the client stopped reading, so a small write does not
    wait; a message longer than `DIRECT_WRITE_CHARS` still goes through a worker thread, so a big answer
    to a slow reader never holds the loop."""

    def __init__(self, text: TextIO) -> None:
        import anyio

        self._text = text
        self._threaded = anyio.wrap_file(text)
        self._small = True

    async def write(self, data: str) -> int:
        self._small = len(data) <= DIRECT_WRITE_CHARS
        if self._small:
            return self._text.write(data)
        return await self._threaded.write(data)

    async def flush(self) -> None:
        if self._small:
            self._text.flush()
        else:
            await self._threaded.flush()


async def run_stdio(server: Any) -> None:
    """Serve ``server`` (an ``MCPServer``) over stdin/stdout, answering every line; small answers are
    written on the event loop (`DirectWriter`). stdout is claimed as the SDK claims it (fd 1 diverted to
    stderr while serving, so stray prints miss the wire); where the SDK offers no such claim, its own
    transport serves as before."""
    from mcp.server import stdio as sdk_stdio

    claim = getattr(sdk_stdio, "_claim_fd", None)
    diversion = getattr(sdk_stdio, "_open_stdout_diversion", None)
    if claim is None or diversion is None:
        await _serve(server, None)
        return
    buffer, release = claim(1, sys.stdout, "wb", diversion)
    try:
        await _serve(server, DirectWriter(_UnownedText(buffer, encoding="utf-8")))
    finally:
        if release is not None:
            release()


async def _serve(server: Any, stdout: DirectWriter | None) -> None:
    from mcp.server.stdio import stdio_server

    lowlevel = server._lowlevel_server
    async with stdio_server(stdout=stdout) as (read_stream, write_stream):  # type: ignore[arg-type]
        await lowlevel.run(
            GuardedReadStream(read_stream, write_stream),
            write_stream,
            lowlevel.create_initialization_options(),
        )
