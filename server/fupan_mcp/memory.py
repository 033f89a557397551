"""Give the memory of a big call back to the system once its answer has left.

CPython frees the objects of a big call, but glibc keeps the freed pages in the process: after a
10,000-node tree the server stayed at about three times its idle size. ``malloc_trim(0)`` returns
them; it runs in C without the GIL, on a timer thread a moment after the call, when the answer has
been serialised and sent, so it costs the event loop nothing.

Trimming alone left the server at 1.7x its idle size (benchmarks/bench_sizes.py): glibc raises its
mmap threshold each time a big block is freed, so after the first big call the answer's megabytes
came from the heap, between small blocks that stay, and heavy calls on worker threads got arenas of
their own. `tune_allocator` fixes the threshold and keeps one arena (see its docstring for figures).
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

MMAP_THRESHOLD_BYTES = 1024 * 1024
"""Blocks from this size up get pages of their own (mmap) and give them back when freed. Setting it
at all stops glibc from raising it (up to 32 MiB) after the first big free, which is what let a
10 MB answer settle in the heap for good. 1 MiB, not glibc's 128 KiB start: the same memory after the
big calls, and the 200,000-character compliance check, which makes many strings of a few hundred
KiB, did not slow down (at 128 KiB it took 20-70 % longer, each such string being a fresh mapping)."""
TRIM_THRESHOLD_BYTES = 128 * 1024
"""Free memory at the top of the heap above this is returned at once (glibc's starting value, fixed)."""
ARENA_MAX = 1
"""One malloc arena for all threads: the ≤4 worker threads of heavy calls otherwise get one each
(64 MiB reserved, their freed pages kept apart from the main heap). The GIL serialises Python's
allocations anyway, so contention is small."""

# mallopt parameter numbers from glibc's <malloc.h>
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8

_pending = threading.Lock()


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, loaded once; None where it cannot be found."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


@functools.cache
def _load_trim() -> Callable[[int], int] | None:
    """malloc_trim, looked up once; None where the C library has none."""
    libc = _libc()
    try:
        trim: Callable[[int], int] | None = None if libc is None else libc.malloc_trim
    except AttributeError:  # not glibc (musl, macOS): nothing to trim
        return None
    return trim


def tune_allocator() -> bool:
    """Call once at start-up, before worker threads exist: set glibc's malloc so that the memory of
    big calls can go back to the system (`MMAP_THRESHOLD_BYTES`, `TRIM_THRESHOLD_BYTES`, `ARENA_MAX`).
    Measured (benchmarks/bench_sizes.py, 2-core VM): resident memory after the big calls went from
    1.69x to 1.34x the idle figure (145 -> 115 MiB, idle 85 MiB). Returns whether the settings took
    (False off glibc, where nothing is changed)."""
    libc = _libc()
    mallopt: Callable[[int, int], int] | None = getattr(libc, "mallopt", None) if libc is not None else None
    if mallopt is None or _load_trim() is None:
        return False
    settings = ((_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES), (_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    return all(mallopt(param, value) == 1 for param, value in (*settings, (_M_ARENA_MAX, ARENA_MAX)))


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
