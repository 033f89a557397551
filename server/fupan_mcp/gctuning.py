"""Garbage-collector settings for a long-running server: fewer collections on the objects of one call.

Why: a large call (10,000 KPI nodes or metrics) allocates hundreds of thousands of short-lived
objects; with CPython's default threshold (700 allocations) the collector runs thousands of times
during the call and each older-generation pass walks every object the server holds since start-up
(modules, tool schemas, pydantic validators). Measured on the 2-core VM (benchmarks/bench_core.py
``--floors``): collection was 20-37 % of a 10,000-item call and made growth from 1,000 to 10,000 items
superlinear. Freezing what exists after start-up moves it out of every later collection; a larger
first-generation threshold lets one call's temporaries die young without a collection. Cycles are
still collected (the collector stays on), only less often, so memory stays bounded.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

GEN0_THRESHOLD = 20_000
"""Allocations between young collections (CPython's default is 700)."""
GEN1_THRESHOLD = 50
GEN2_THRESHOLD = 100


_tuned = False


def tune_gc(*, collect: bool = True) -> None:
    """Call once after start-up (modules imported): freeze the survivors, raise the thresholds. Safe to
    call again (later calls freeze what was built since).

    ``collect=False`` freezes without a full collection first, as the server does at start-up: there
    the collector finds about 90 unreachable objects among 86,000 (a few KiB kept for good) and the
    full pass costs 50 ms of CPU on the 2-core VM, a quarter of what the server adds to a bare
    MCPServer's start-up (issue 15)."""
    global _tuned
    if collect:
        gc.collect()
    gc.freeze()
    gc.set_threshold(GEN0_THRESHOLD, GEN1_THRESHOLD, GEN2_THRESHOLD)
    _tuned = True


def freeze_new() -> None:
    """Once `tune_gc` ran: leave what was built since (the tools, registered on first use) out of every
    later collection too. Costs nothing (no collection); does nothing in a process that did not tune."""
    if _tuned:
        gc.freeze()


_pause_lock = threading.Lock()
_pauses = 0
_resume = False


@contextlib.contextmanager
def collections_paused() -> Iterator[None]:
    """No collection while the block runs (the calls in other threads meanwhile included), the collector
    as it was once the last paused block has left.

    Why: review_insights over 10,000 reviews keeps some 240,000 container objects alive at once (the
    store's rows, the analysis's groups, the result and its dump), which die with the call or live in
    its result; none is in a cycle. With the first-generation threshold at `GEN0_THRESHOLD` the collector
    still ran 12 times during such a call, each time walking 20,000 live young objects to find nothing:
    42-47 ms of a 0.33-0.36 s call (benchmarks/README.md). The block's allocations are bounded by its
    input; what it leaves for the collector is collected at the next collection after it."""
    global _pauses, _resume
    with _pause_lock:
        if _pauses == 0:
            _resume = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _resume:
                gc.enable()
