"""MCP over stdio, with an answer for every line.

The SDK's stdio transport reads one JSON-RPC message per line; a line it cannot parse (malformed
JSON, a lone surrogate, a batch, nesting deeper than its parser allows, a shape that is no JSON-RPC
message) reaches the server loop as an exception, which logs it and answers nothing: the client
waits forever. `GuardedReadStream` sits between the two and answers such a line itself, the way
the HTTP transport does (`fupan_mcp.jsonrpc`): -32700 for what is not JSON, -32600 for what is not
one message, with the request's id when it can be read and is short, else ``null``. A parsed
request whose id is longer than `MAX_ID_CHARS` is refused the same way instead of being echoed.

On the way in, `LineReader` reads stdin on the event loop (a pipe or a socket) instead of a
worker-thread hop per line; on the way out, `DirectWriter` writes a small answer on the event loop
instead of the SDK's two hops per message (write, flush); a big one still goes through a thread.
`AnswerOrder` keeps the transport's own answers in line order and ends the input only once every
request read is answered, by construction, not by the time a thread hop happens to take.
"""

from __future__ import annotations

import io
import os
import sys
from collections import deque
from contextlib import suppress
from io import TextIOWrapper
from types import TracebackType
from typing import Any, TextIO

import mcp_types as types
from mcp.shared.message import SessionMessage
from pydantic import ValidationError
from typing_extensions import Self

from fupan_mcp.jsonrpc import INVALID_REQUEST, MAX_ID_CHARS, PARSE_ERROR, Refusal, echoable_id

__all__ = ["AnswerOrder", "DirectWriter", "GuardedReadStream", "LineReader", "refusal_for"]


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


class AnswerOrder:
    """Answers to the lines of stdin in the order the lines came, where the transport answers a line itself.

    The server loop answers requests concurrently; a line the transport refuses (`GuardedReadStream`) is
    answered by the transport. Were the refusal written at once, it could overtake the answer to a
    request read before it (with the SDK's threaded reader that rarely happened only because each line
    took a thread hop), and at the end of input the loop cancels what is still running. Here, by
    construction: a refusal is written after the answers to every request read before it and before the
    answers to the requests read after it; the end of input reaches the server loop once every request
    read has its answer (a cancelled request is owed none). Requests with no refusal among them are never
    held: their answers go out as they come."""

    def __init__(self, inner: Any) -> None:
        import anyio

        self._inner = inner
        self._line = 0
        self._open: dict[Any, int] = {}
        """Requests read and not yet answered: id -> line number (the first, for a repeated id)."""
        self._held: deque[tuple[int, SessionMessage]] = deque()
        """Refusals waiting for earlier requests' answers, in line order."""
        self._changed = anyio.Condition()
        self._draining = False

    async def read(self, message: Any) -> None:
        """A message handed to the server loop."""
        self._line += 1
        if isinstance(message, types.JSONRPCRequest):
            self._open.setdefault(message.id, self._line)
        elif isinstance(message, types.JSONRPCNotification) and message.method == "notifications/cancelled":
            request_id = (message.params or {}).get("requestId")
            if isinstance(request_id, (int, str)) and self._open.pop(request_id, None) is not None:
                async with self._changed:
                    await self._release()

    async def refuse(self, answer: SessionMessage) -> None:
        """The transport's answer to a line it refused, in its place among the answers."""
        self._line += 1
        if not self._held and not self._earlier_open(self._line):
            await self._inner.send(answer)
            return
        async with self._changed:
            self._held.append((self._line, answer))
            await self._release()

    async def send(self, item: SessionMessage, /) -> None:
        """The server's write stream: an answer waits for the refusals of the lines before its request."""
        message = item.message
        if not isinstance(message, (types.JSONRPCResponse, types.JSONRPCError)) or message.id not in self._open:
            await self._inner.send(item)
            return
        line = self._open[message.id]
        if self._held:  # a refusal of a line before this request was held before the request was read
            async with self._changed:
                while self._held and self._held[0][0] < line:
                    await self._changed.wait()
        try:
            await self._inner.send(item)
        finally:
            self._open.pop(message.id, None)
        if self._held or self._draining:
            async with self._changed:
                await self._release()

    async def drained(self) -> None:
        """Until every request read has its answer and every refusal is written."""
        self._draining = True
        async with self._changed:
            await self._release()
            while self._open or self._held:
                await self._changed.wait()

    def _earlier_open(self, line: int) -> bool:
        return any(opened < line for opened in self._open.values())

    async def _release(self) -> None:
        """Write the held refusals no open request precedes (the condition's lock held)."""
        while self._held and not self._earlier_open(self._held[0][0]):
            await self._inner.send(self._held[0][1])
            self._held.popleft()
        self._changed.notify_all()

    async def aclose(self) -> None:
        await self._inner.aclose()

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


class GuardedReadStream:
    """The read side of the stdio transport, answering what the server loop would drop.

    Satisfies the SDK's ``ReadStream`` protocol; ``last_context`` is passed through. Refusals and the
    end of input keep their place among the answers (`AnswerOrder`, the server's write stream).
    """

    def __init__(self, inner: Any, order: AnswerOrder) -> None:
        self._inner = inner
        self._order = order
        self.refused: dict[int, int] = {}
        """Refusals by JSON-RPC code (for the log and the tests)."""

    @property
    def last_context(self) -> Any:
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> SessionMessage | Exception:
        import anyio

        while True:
            try:
                item: SessionMessage | Exception = await self._inner.receive()
            except (anyio.EndOfStream, anyio.ClosedResourceError):
                await self._order.drained()  # the end of input after every answer owed
                raise
            if isinstance(item, Exception):
                refusal = refusal_for(item)
            elif isinstance(item, SessionMessage) and _long_id(item.message):
                refusal = Refusal(INVALID_REQUEST, f'Invalid Request: "id" is longer than {MAX_ID_CHARS} characters')
            else:
                await self._order.read(item.message)
                return item
            self.refused[refusal.code] = self.refused.get(refusal.code, 0) + 1
            await self._order.refuse(_answer(refusal))

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


class LineReader:
    """stdin lines as the SDK's transport reads them (UTF-8 with errors replaced, universal newlines, the
    last line without its newline at the end), read on the event loop instead of a worker thread per line.

    One task reads, in the order the bytes came; a line is handed on only when the server loop takes it
    (the SDK's stream holds none), so the order of messages is the order of the lines. The descriptor is
    left blocking: it is read once the loop reports it readable, and a pipe or socket then returns what it
    holds at once."""

    def __init__(self, fd: int) -> None:
        import codecs

        self._fd = fd
        self._decoder = io.IncrementalNewlineDecoder(codecs.getincrementaldecoder("utf-8")(errors="replace"), True)
        self._lines: deque[str] = deque()
        self._partial: list[str] = []
        self._ended = False

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> str:
        import anyio

        while not self._lines:
            if self._ended:
                raise StopAsyncIteration
            await anyio.wait_readable(self._fd)
            try:
                data = os.read(self._fd, READ_BYTES)
            except BlockingIOError:  # someone made the descriptor non-blocking: wait again
                continue
            self._take(self._decoder.decode(data, final=not data))
            if not data:
                self._ended = True
                if tail := "".join(self._partial):
                    self._lines.append(tail)
                self._partial.clear()
        return self._lines.popleft()

    def _take(self, text: str) -> None:
        start = 0
        while (end := text.find("\n", start)) >= 0:
            if self._partial:
                self._partial.append(text[start : end + 1])
                self._lines.append("".join(self._partial))
                self._partial.clear()
            else:
                self._lines.append(text[start : end + 1])
            start = end + 1
        if start < len(text):
            self._partial.append(text[start:])


READ_BYTES = 1 << 16


def _pollable(fd: int) -> bool:
    """Whether the event loop can wait on ``fd`` (a pipe or a socket, off Windows)."""
    import stat

    if sys.platform == "win32":
        return False
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


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
    stdin_diversion = getattr(sdk_stdio, "_open_stdin_diversion", None)
    reader: Any = None
    stdin_release = None
    if stdin_diversion is not None:
        import anyio

        stdin_buffer, stdin_release = claim(0, sys.stdin, "rb", stdin_diversion)
        if stdin_buffer is not sys.stdin.buffer and _pollable(stdin_buffer.fileno()):
            reader = LineReader(stdin_buffer.fileno())
        else:  # a file, a terminal, Windows, the stream served in place: the SDK's threaded reader
            reader = anyio.wrap_file(_UnownedText(stdin_buffer, encoding="utf-8", errors="replace"))
    buffer, release = claim(1, sys.stdout, "wb", diversion)
    try:
        await _serve(server, DirectWriter(_UnownedText(buffer, encoding="utf-8")), reader)
    finally:
        if release is not None:
            release()
        if stdin_release is not None:
            stdin_release()


async def _serve(server: Any, stdout: DirectWriter | None, stdin: Any = None) -> None:
    from mcp.server.stdio import stdio_server

    lowlevel = server._lowlevel_server
    async with stdio_server(stdin=stdin, stdout=stdout) as (read_stream, write_stream):  # type: ignore[arg-type]
        order = AnswerOrder(write_stream)
        await lowlevel.run(
            GuardedReadStream(read_stream, order),
            order,
            lowlevel.create_initialization_options(),
        )
