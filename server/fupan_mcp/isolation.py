"""Heavy pure calls in worker processes, so that one big analysis cannot slow everybody else down (#15).

A heavy call on a worker *thread* still holds the GIL while it computes: the event loop waits for it
at every hand-over (each ``select``, each socket read and write), and under a 10,000-node
`build_kpi_tree` ``/health`` took 3.5x its idle p99. The HTTP server therefore forks a few worker
processes at start-up (`start`, before any thread exists, so nothing is forked half-locked) and
sends them the heavy calls of the tools in `tools.PURE_TOOLS` that name no ``review_id``: those read
and write nothing but their arguments. A worker runs the very call the thread would have run (the
SDK's validation, our `callpath.run_tool`, `bounded`) on its inherited copy of the server, with the
caller's detail and reference date, and sends back the result or the error as the caller would
have seen it.

The workers run at a lower CPU priority (`WORKER_NICENESS`) and end with the server. Without `start`
(the stdio server, a server called in process, a platform without ``fork``) or once the pool broke (a
worker was killed), `run` is never reached: `available` is False and calls take the thread path.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, InputRequiredResult
from pydantic import ValidationError

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Scope

    from fupan_mcp.app import FupanServer
    from fupan_mcp.i18n import Language
    from fupan_mcp.jsonrpc import Refusal
    from fupan_mcp.report.sizing import Detail

log = logging.getLogger(__name__)

_server: FupanServer | None = None
"""The server the workers inherit (set before they are forked)."""
_pool: ProcessPoolExecutor | None = None
_app: ASGIApp | None = None
"""The SDK's streamable-HTTP app the workers inherit, to answer whole exchanges (`exchange`); None when
the server gave none (then only `run` is offered)."""
_host: _AppHost | None = None
"""In a worker: `_app` served on the worker's own event loop (made on its first exchange)."""

WORKER_NICENESS = 10
"""Added to the workers' nice value: when the cores are busy, the scheduler gives the server process
(the event loop: routing, small calls, /health) about nine tenths of a contended core and a heavy call
the rest; on idle cores a heavy call still gets all of one."""


def available() -> bool:
    return _pool is not None


def exchanges() -> bool:
    """Whether `exchange` can be called: a pool, and the SDK's app in its workers."""
    return _pool is not None and _app is not None


def start(server: FupanServer, workers: int, app: ASGIApp | None = None) -> bool:
    """Fork ``workers`` processes that serve `run` with a copy of ``server`` (and `exchange` with a copy
    of ``app``, the SDK's streamable-HTTP app of ``server``, its lifespan not started); False (and no
    pool) where that cannot be done safely: no ``fork`` (macOS, Windows) or other threads already
    running."""
    global _server, _pool, _app
    if _pool is not None:
        return True
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    if threading.active_count() > 1:
        log.warning("heavy calls stay on worker threads: %d threads run already", threading.active_count())
        return False
    server.ensure_registered()  # once, here: the workers inherit the tools instead of building them again
    _server, _app = server, app
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_ready)
    try:
        pool.submit(os.getpid)  # forks every worker now, from this thread, before the pool's own threads start
    except Exception:
        log.exception("heavy calls stay on worker threads: the worker processes did not start")
        pool.shutdown(wait=False, cancel_futures=True)
        _app = None
        return False
    _pool = pool
    return True


def stop() -> None:
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _ready() -> None:
    """In each new worker: ignore Ctrl-C (it reaches the whole process group; the server shuts down
    gracefully, the workers with it), end with the server, yield the cores to it when they are short
    (`WORKER_NICENESS`), and run each tool's work on the event loop of the call (`callpath.OFF_LOOP`):
    that loop is the worker's own and serves that one call, so a hop to one more thread (started by each
    call's new loop, `anyio.run`) bought nothing."""
    from fupan_mcp.callpath import OFF_LOOP

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    OFF_LOOP.set(True)  # in this thread's context, which every call's loop and task copies


PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Have the kernel end this worker when the server ends, however it ends: uvicorn re-raises
    SIGTERM after its graceful shutdown, so no ``finally`` of the server runs to stop the pool."""
    import ctypes

    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the server ended before the line above
        os._exit(0)


@dataclass(frozen=True)
class Failure:
    """An error of a call in a worker, as `_run_tool` would have raised it: its kind, its text and (for
    an argument error) the pydantic error the text describes."""

    kind: str
    """'tool' (`ToolError`), 'unexpected' (`UnexpectedToolError`) or 'mcp' (`MCPError`)."""
    message: str
    cause: ValidationError | None = None
    code: int = 0
    data: Any = None

    def exception(self) -> Exception:
        if self.kind == "mcp":
            return MCPError(self.code, self.message, self.data)
        error = UnexpectedToolError(self.message) if self.kind == "unexpected" else ToolError(self.message)
        error.__cause__ = self.cause
        return error


async def run(
    name: str, arguments: dict[str, Any], detail: Detail, reference: dt.date | None, language: Language
) -> CallToolResult | InputRequiredResult:
    """The bounded result of tool ``name`` on ``arguments``, computed in a worker process; its error
    raised here. A broken pool (a worker was killed) answers this call as a crash and sends later ones
    to threads."""
    global _pool
    pool = _pool
    assert pool is not None
    loop = asyncio.get_running_loop()
    try:
        outcome = await loop.run_in_executor(pool, _call, name, arguments, detail, reference, language)
    except BrokenExecutor:
        log.exception("a worker process died running %s; heavy calls go to worker threads from now on", name)
        if _pool is pool:
            _pool = None
            pool.shutdown(wait=False, cancel_futures=True)
        raise UnexpectedToolError(f"Error executing tool {name}") from None
    if isinstance(outcome, Failure):
        raise outcome.exception()
    return outcome


def _call(
    name: str, arguments: dict[str, Any], detail: Detail, reference: dt.date | None, language: Language
) -> CallToolResult | InputRequiredResult | Failure:
    """In a worker: what the thread path (`FupanServer._run_tool`) computes, with the caller's context."""
    import anyio

    from fupan_mcp.callpath import ModelResult, bounded, run_tool
    from fupan_mcp.domain.dates import reference_date
    from fupan_mcp.report.sizing import DETAIL

    server = _server
    assert server is not None
    tool = server._tool_manager.get_tool(name)
    assert tool is not None
    token = DETAIL.set(detail)
    try:
        with reference_date(reference):
            result = anyio.run(run_tool, tool, arguments, server._context())
        result = bounded(result, name) if isinstance(result, CallToolResult) else result
        if isinstance(result, ModelResult):
            result._model = None  # only `run_tool` reads it; not worth sending back
        return result
    except MCPError as error:
        return Failure("mcp", error.message, code=error.code, data=error.data)
    except ToolError as error:
        final = server._fixable_error(name, error, language) or error
        cause = final.__cause__ if final is error else error.__cause__
        kind = "unexpected" if isinstance(final, UnexpectedToolError) else "tool"
        if kind == "unexpected":
            log.error("%s in a worker process", error, exc_info=error)
        return Failure(kind, str(final), cause if isinstance(cause, ValidationError) else None)
    except Exception as error:
        log.error("%s crashed in a worker process", name, exc_info=error)
        return Failure("unexpected", f"Error executing tool {name}")
    finally:
        DETAIL.reset(token)
        from fupan_mcp.memory import trim_soon

        trim_soon()


# --- whole HTTP exchanges -----------------------------------------------------------------------

SCOPE_KEYS = (
    "type",
    "asgi",
    "http_version",
    "server",
    "client",
    "scheme",
    "method",
    "root_path",
    "path",
    "raw_path",
    "query_string",
    "headers",
)
"""What a worker is told of the request besides its body: the ASGI scope minus the server's own state."""


async def exchange(scope: Scope, body: bytes) -> list[Message] | Refusal | None:
    """The whole answer to the POST of ``body`` (an HTTP request as ``scope`` describes it) when it is a
    call a worker can take (`_takes`): the ASGI messages the SDK's app sent in the worker (response
    start, body chunks), for the event loop only to write. The worker parses, validates, runs and
    serialises; the loop does not even parse the body.

    Otherwise: the `Refusal` of a body that is not one sound JSON-RPC message (`jsonrpc.read_message`,
    checked in the worker too), or None for a message the worker leaves to the event loop's path (any
    other method or tool, a ``review_id``, a progress token: progress is streamed as the work goes,
    which a buffered answer cannot do). When no worker could answer (a broken pool: a worker was
    killed, and later calls go to threads), the envelope is checked on a thread here and the message
    left to the event loop's path."""
    global _pool
    pool = _pool
    assert pool is not None
    loop = asyncio.get_running_loop()
    request = {key: scope[key] for key in SCOPE_KEYS if key in scope}
    try:
        return await loop.run_in_executor(pool, _exchange, request, body)
    except BrokenExecutor:
        log.exception("a worker process died answering a request; heavy calls go to worker threads from now on")
        if _pool is pool:
            _pool = None
            pool.shutdown(wait=False, cancel_futures=True)
    except Exception:
        log.exception("a worker process could not answer a request; the server answers it itself")
    import anyio

    from fupan_mcp.jsonrpc import check_message

    return await anyio.to_thread.run_sync(check_message, body)


def _takes(message: dict[str, Any]) -> bool:
    """A call of a pure tool (`tools.PURE_TOOLS`) without ``review_id`` and without a progress token."""
    from fupan_mcp import tools

    params = message.get("params")
    if message.get("method") != "tools/call" or "id" not in message or not isinstance(params, dict):
        return False
    arguments = params.get("arguments")
    meta = params.get("_meta")
    return (
        params.get("name") in tools.PURE_TOOLS
        and (not isinstance(arguments, dict) or arguments.get("review_id") is None)
        and (not isinstance(meta, dict) or meta.get("progressToken") is None)
    )


def _exchange(scope: Scope, body: bytes) -> list[Message] | Refusal | None:
    """In a worker: what `exchange` returns."""
    global _host
    from fupan_mcp.jsonrpc import Refusal, read_message

    message = read_message(body)
    if isinstance(message, Refusal):
        return message
    if not _takes(message):
        return None
    assert _app is not None
    if _host is None:
        _host = _AppHost(_app)
    try:
        return _host.serve(scope, body)
    finally:
        from fupan_mcp.memory import trim_soon

        trim_soon()


class _AppHost:
    """In a worker: the SDK's app on an event loop of its own, its lifespan (the session manager) started
    once and kept running between exchanges, so each request is served as the server would serve it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        self.loop = asyncio.new_event_loop()  # runs during exchanges only; its tasks wait in between
        self.lifespan: asyncio.Task[None] | None = None
        self.loop.run_until_complete(self._start())

    async def _start(self) -> None:
        started: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        startup: list[Message] = [{"type": "lifespan.startup"}]

        async def receive() -> Message:
            if startup:
                return startup.pop()
            await asyncio.Event().wait()  # never shut down: the worker ends with the server
            raise AssertionError("unreachable")

        async def send(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                started.set_result(None)
            elif message["type"] == "lifespan.startup.failed":
                started.set_exception(RuntimeError(message.get("message", "lifespan startup failed")))

        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self.lifespan = asyncio.ensure_future(self.app(scope, receive, send))
        done, _ = await asyncio.wait([started, self.lifespan], return_when=asyncio.FIRST_COMPLETED)
        if started not in done:
            started.cancel()
            await self.lifespan  # raises what ended it
            raise RuntimeError("the app's lifespan ended before it started")
        started.result()

    def serve(self, scope: Scope, body: bytes) -> list[Message]:
        return self.loop.run_until_complete(self._serve(scope, body))

    async def _serve(self, scope: Scope, body: bytes) -> list[Message]:
        sent: list[Message] = []
        unread = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> Message:
            if unread:
                return unread.pop()
            await asyncio.Event().wait()  # the client stays until the answer is complete
            raise AssertionError("unreachable")

        async def send(message: Message) -> None:
            sent.append(message)

        await self.app({**scope, "state": dict(self.state)}, receive, send)
        return sent
