"""MCP over stdio, with an answer for every line.

The SDK's stdio transport reads one JSON-RPC message per line; a line it cannot parse (malformed
JSON, a lone surrogate, a batch, nesting deeper than its parser allows, a shape that is no JSON-RPC
message) reaches the server loop as an exception, which logs it and answers nothing: the client
waits forever. `GuardedReadStream` sits between the two and answers such a line itself, the way
the HTTP transport does (`fupan_mcp.jsonrpc`): -32700 for what is not JSON, -32600 for what is not
one message, with the request's id when it can be read and is short, else ``null``. A parsed
request whose id is longer than `MAX_ID_CHARS` is refused the same way instead of being echoed.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

import mcp_types as types
from mcp.shared.message import SessionMessage
from pydantic import ValidationError
from typing_extensions import Self

from fupan_mcp.jsonrpc import INVALID_REQUEST, MAX_ID_CHARS, PARSE_ERROR, Refusal, echoable_id

__all__ = ["GuardedReadStream", "refusal_for"]


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


async def run_stdio(server: Any) -> None:
    """Serve ``server`` (an ``MCPServer``) over stdin/stdout, answering every line."""
    from mcp.server.stdio import stdio_server

    lowlevel = server._lowlevel_server
    async with stdio_server() as (read_stream, write_stream):
        await lowlevel.run(
            GuardedReadStream(read_stream, write_stream),
            write_stream,
            lowlevel.create_initialization_options(),
        )
