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
    from fupan_mcp.app import FupanServer
    from fupan_mcp.i18n import Language
    from fupan_mcp.report.sizing import Detail

log = logging.getLogger(__name__)

_server: FupanServer | None = None
"""The server the workers inherit (set before they are forked)."""
_pool: ProcessPoolExecutor | None = None

WORKER_NICENESS = 10
"""Added to the workers' nice value: when the cores are busy, the scheduler gives the server process
(the event loop: routing, small calls, /health) about nine tenths of a contended core and a heavy call
the rest; on idle cores a heavy call still gets all of one."""


def available() -> bool:
    return _pool is not None


def start(server: FupanServer, workers: int) -> bool:
    """Fork ``workers`` processes that serve `run` with a copy of ``server``; False (and no pool) where
    that cannot be done safely: no ``fork`` (macOS, Windows) or other threads already running."""
    global _server, _pool
    if _pool is not None:
        return True
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return False
    if threading.active_count() > 1:
        log.warning("heavy calls stay on worker threads: %d threads run already", threading.active_count())
        return False
    server.ensure_registered()  # once, here: the workers inherit the tools instead of building them again
    _server = server
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_ready)
    try:
        pool.submit(os.getpid)  # forks every worker now, from this thread, before the pool's own threads start
    except Exception:
        log.exception("heavy calls stay on worker threads: the worker processes did not start")
        pool.shutdown(wait=False, cancel_futures=True)
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
    gracefully, the workers with it), end with the server, and yield the cores to it when they are
    short (`WORKER_NICENESS`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)


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
