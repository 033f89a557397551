"""Give the memory of a big call back to the system once its answer has left.

CPython frees the objects of a big call, but glibc keeps the freed pages in the process: after a
10,000-node tree the server stayed at about three times its idle size. ``malloc_trim(0)`` returns
them; it runs in C without the GIL, on a timer thread a moment after the call, when the answer has
been serialised and sent, so it costs the event loop nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

TRIM_DELAY_SECONDS = 2.0
"""How long after a heavy call the pages are returned: enough for its answer to be sent."""

_pending = threading.Lock()


@functools.cache
def _load_trim() -> Callable[[int], int] | None:
    """malloc_trim, looked up once; None where the C library has none."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim
        return None
    return trim


def trim_soon() -> None:
    """Return freed heap pages to the system `TRIM_DELAY_SECONDS` from now (at most one timer waits)."""
    if not _pending.acquire(blocking=False):
        return
    timer = threading.Timer(TRIM_DELAY_SECONDS, _run)
    timer.daemon = True
    timer.start()


def _run() -> None:
    try:
        if (trim := _load_trim()) is not None:
            trim(0)
    except Exception:  # giving memory back must never fail anything
        log.debug("malloc_trim failed", exc_info=True)
    finally:
        _pending.release()
