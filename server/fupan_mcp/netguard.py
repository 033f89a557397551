"""Connection-level protection for the team server: slow and idle clients, too many connections, log floods.

uvicorn serves each connection with an ``asyncio.Protocol``; `protocol_class` returns a subclass of
its h11 protocol that adds what uvicorn lacks:

- **Header timeout**: a request's line and headers must arrive within ``header_timeout`` seconds
  of the connection opening (or of the first byte of the next request on a kept-alive
  connection). A slow-loris client gets 408 and the connection is closed; a client that sent
  nothing is closed quietly.
- **Body timeout**: the whole body must arrive within ``body_timeout`` seconds of the headers.
- **Connection cap** (``max_connections``, by default well below the process's file limit): when
  the cap is reached, the longest-idle connection (one waiting for a request, not one being
  served) is closed to make room, so idle or half-open connections can never lock out the
  clients that do send requests. When every connection is busy with a request, the newcomer is
  read (so the kernel does not reset it) and answered ``503`` with ``Retry-After`` and
  ``Connection: close``. At most `MAX_REFUSING` refusals are pending at once; past that a
  newcomer is closed at once.

`RateLimitFilter` keeps the log to one line per cause per interval, with a count of what it held
back, so a flood of bad requests (or the event loop's "out of system resource" errors) cannot fill
the disk.

Counts of what happened are kept in `GuardStats` (the test battery reads them through the log).
"""

from __future__ import annotations

import asyncio
import json
import logging
import resource
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

logger = logging.getLogger("fupan_mcp.http")

DEFAULT_HEADER_TIMEOUT = 10.0
DEFAULT_BODY_TIMEOUT = 60.0
MAX_REFUSING = 32
"""Refused connections that may wait for their request (to be answered 503) at the same time."""
REFUSAL_GRACE = 1.0
"""How long a refused connection may take to send its request before it is closed without an answer."""
FD_RESERVE = 64
"""File descriptors kept free for the store, logs and worker threads."""
ACCEPT_BACKLOG = 64
"""The listen backlog, which is also how many connections asyncio accepts in one burst before any of
them reaches `GuardedProtocol.connection_made`: the cap must leave room for one burst."""


def default_max_connections() -> int:
    """Seven eighths of what the file limit leaves after a reserve, refusals and one accept burst, at most 1,000,
    at least 8 (756 under a limit of 1,024)."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1000
    return max(8, min(1000, (soft - FD_RESERVE - MAX_REFUSING - ACCEPT_BACKLOG) * 7 // 8))


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    max_connections: int = field(default_factory=default_max_connections)


@dataclass
class GuardStats:
    accepted: int = 0
    evicted_idle: int = 0
    refused_busy: int = 0
    closed_at_once: int = 0
    header_timeouts: int = 0
    body_timeouts: int = 0


def _raw_response(status: int, reason: str, message: str, extra: str = "") -> bytes:
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
        f"{extra}connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


BUSY_RESPONSE = _raw_response(
    503,
    "Service Unavailable",
    "Server busy: every connection is serving a request; retry shortly",
    "retry-after: 1\r\n",
)
TIMEOUT_RESPONSE = _raw_response(408, "Request Timeout", "Request Timeout: the request did not arrive in time")


class _Table:
    """The server-wide view: which connections wait for a request (oldest first), how many refusals wait."""

    def __init__(self) -> None:
        self.idle: dict[GuardedProtocol, None] = {}
        self.refusing = 0


class GuardedProtocol(H11Protocol):
    """uvicorn's h11 protocol with read deadlines and a connection cap (see the module docstring)."""

    limits: ClassVar[ConnectionLimits]
    stats: ClassVar[GuardStats]
    table: ClassVar[_Table]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._deadline_kind = ""
        self._bytes_this_request = 0
        self._refusing = False

    # --- connection life ---

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        open_before = len(self.connections)
        super().connection_made(transport)
        if open_before >= self.limits.max_connections and not self._make_room():
            self._refuse()
            return
        self.stats.accepted += 1
        self._arm(self.limits.header_timeout, "header")
        self.table.idle[self] = None

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self.table.idle.pop(self, None)
        if self._refusing:
            self._refusing = False
            self.table.refusing -= 1
        super().connection_lost(exc)

    def _make_room(self) -> bool:
        """Close the longest-idle connection; False when every connection is serving a request."""
        for victim in self.table.idle:
            if victim is not self:
                self.table.idle.pop(victim)
                self.stats.evicted_idle += 1
                logger.warning(
                    "connection cap (%d) reached: closed the longest-idle connection", self.limits.max_connections
                )
                victim._disarm()
                victim.transport.close()
                return True
        return False

    def _refuse(self) -> None:
        self.connections.discard(self)  # a refused connection does not count against the cap
        if self.table.refusing >= MAX_REFUSING:
            self.stats.closed_at_once += 1
            logger.warning("connection cap (%d) reached, refusals pending: closed at once", self.limits.max_connections)
            self.transport.close()
            return
        self.stats.refused_busy += 1
        logger.warning("connection cap (%d) reached, all busy: answering 503", self.limits.max_connections)
        self._refusing = True
        self.table.refusing += 1
        self._arm(REFUSAL_GRACE, "refusal")

    # --- reading ---

    def data_received(self, data: bytes) -> None:
        if self._refusing:  # read the request, so that closing does not reset the connection, then answer
            if not self.transport.is_closing():
                self.transport.write(BUSY_RESPONSE)
                self.transport.close()
            return
        if self._deadline is None and self.conn.their_state is h11.IDLE:  # the next request on a kept-alive connection
            self._bytes_this_request = 0
            self._arm(self.limits.header_timeout, "header")
        self._bytes_this_request += len(data)
        super().data_received(data)
        self._track()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._track()

    def _track(self) -> None:
        if self.transport.is_closing():
            return
        state = self.conn.their_state
        if state is h11.IDLE:  # waiting for (the rest of) a request line and headers
            if self.cycle is None or self.cycle.response_complete:
                self.table.idle.pop(self, None)
                self.table.idle[self] = None  # the most recently active goes last
        elif state is h11.SEND_BODY:
            self.table.idle.pop(self, None)
            if self._deadline_kind != "body":
                self._arm(self.limits.body_timeout, "body")
        else:  # the request is in; the response takes what it takes
            self.table.idle.pop(self, None)
            self._disarm()

    # --- deadlines ---

    def _arm(self, seconds: float, kind: str) -> None:
        self._disarm()
        self._deadline_kind = kind
        self._deadline = self.loop.call_later(seconds, self._expired, kind)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = None
        self._deadline_kind = ""

    def _expired(self, kind: str) -> None:
        self._deadline = None
        self._deadline_kind = ""
        if self.transport.is_closing():
            return
        if kind == "header":
            self.stats.header_timeouts += 1
            if self._bytes_this_request:
                logger.warning("closed a connection: request headers incomplete after %ss", self.limits.header_timeout)
                self.transport.write(TIMEOUT_RESPONSE)
        elif kind == "body":
            self.stats.body_timeouts += 1
            logger.warning("closed a connection: request body incomplete after %ss", self.limits.body_timeout)
            if self.cycle is None or not self.cycle.response_started:
                self.transport.write(TIMEOUT_RESPONSE)
        self.table.idle.pop(self, None)
        self.transport.close()


def protocol_class(limits: ConnectionLimits, stats: GuardStats | None = None) -> type[GuardedProtocol]:
    """A protocol class bound to one server's limits, counters and connection table."""
    return type(
        "FupanH11Protocol",
        (GuardedProtocol,),
        {"limits": limits, "stats": stats or GuardStats(), "table": _Table()},
    )


class RateLimitFilter(logging.Filter):
    """At most one record per cause per ``interval`` seconds; the next one says how many were held back.

    The cause is the logger, the level and the first line of the message template (not the
    arguments), so "refused a request with Host 'a'" and "... 'b'" are one cause. Repeated
    tracebacks of the same cause are reduced to their last line.
    """

    def __init__(self, interval: float = 10.0, clock: Any = time.monotonic) -> None:
        super().__init__()
        self.interval = interval
        self.clock = clock
        self._last: dict[tuple[str, int, str], float] = {}
        self._held: dict[tuple[str, int, str], int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        cause = (record.name, record.levelno, str(record.msg).split("\n", 1)[0][:200])
        now = self.clock()
        last = self._last.get(cause)
        if last is not None and now - last < self.interval:
            self._held[cause] = self._held.get(cause, 0) + 1
            return False
        if len(self._last) > 10_000:  # causes are templates, so this only trips on odd loggers
            self._last.clear()
            self._held.clear()
        self._last[cause] = now
        held = self._held.pop(cause, 0)
        if held:
            record.msg = f"{record.getMessage()} [{held} similar lines held back in the last {self.interval:g}s]"
            record.args = None
            if record.exc_info and last is not None:
                record.msg += f" ({record.exc_info[1]!r})"
                record.exc_info = None
                record.exc_text = None
        return True


def install_rate_limit(interval: float = 10.0) -> RateLimitFilter:
    """Put one shared `RateLimitFilter` on every handler of the root logger (where uvicorn's and ours end up)."""
    limiter = RateLimitFilter(interval)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO)
    for handler in root.handlers:
        handler.addFilter(limiter)
    return limiter
