"""One line per #15 target, printed by every benchmark and collected by ``python3 dev.py bench``.

    TARGET <name> ours=<x> base=<y> ratio=<r> limit=<l> ok|MISS

``ours`` and ``base`` are measured in the same run (any unit, the same for both), ``ratio`` is
ours / base and ``limit`` the largest ratio the target allows. A benchmark needs nothing from here
but the format: this module only saves writing it by hand.
"""

from __future__ import annotations

import re
import sys

LINE = re.compile(
    r"^TARGET (?P<name>\S+) ours=(?P<ours>\S+) base=(?P<base>\S+) ratio=(?P<ratio>\S+) "
    r"limit=(?P<limit>\S+) (?P<verdict>ok|MISS)\s*$"
)


def target(name: str, ours: float, base: float, limit: float) -> bool:
    """Print the TARGET line of one target; True when it holds."""
    ratio = ours / base if base > 0 else float("inf")
    holds = ratio <= limit
    verdict = "ok" if holds else "MISS"
    print(f"TARGET {name} ours={ours:.4g} base={base:.4g} ratio={ratio:.3f} limit={limit:g} {verdict}")
    sys.stdout.flush()
    return holds
