"""The allocator settings of `fupan_mcp.memory`: big blocks keep their own pages after a big free.

Why it matters: glibc raises its mmap threshold each time an mmapped block is freed; after one big
call the next big answer would come from the heap and stay resident. Each case runs in a fresh
interpreter, since the settings are process-wide.
"""

from __future__ import annotations

import ctypes.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parent.parent / "server"

PROBE = """
import ctypes, ctypes.util, sys
from fupan_mcp.memory import tune_allocator
tuned = tune_allocator() if sys.argv[1] == "tune" else None
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
big = libc.malloc(8 * 1024 * 1024)
libc.free(big)  # untuned, glibc now raises its mmap threshold to 8 MiB
block = libc.malloc(2 * 1024 * 1024)
mmapped = bool(ctypes.c_size_t.from_address(block - ctypes.sizeof(ctypes.c_size_t)).value & 0x2)
print(tuned, mmapped)
"""


def probe(mode: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(SERVER)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, env=env, timeout=60, check=True
    )
    return done.stdout.strip()


glibc = pytest.mark.skipif(
    sys.platform != "linux" or "glibc" not in " ".join(os.confstr("CS_GNU_LIBC_VERSION").split()[:1]),
    reason="the settings are glibc's",
)


@glibc
def test_a_big_block_after_a_big_free_keeps_its_own_pages() -> None:
    assert ctypes.util.find_library("c")
    assert probe("tune") == "True True"


@glibc
def test_without_the_settings_glibc_moves_it_into_the_heap() -> None:
    """The control: shows the probe can tell the two apart."""
    assert probe("plain") == "None False"


def test_input_text_is_stripped_without_pydantic_cache_of_short_strings() -> None:
    """Input models strip the whitespace around their text (each field's string, each string of a list
    field, before length checks), and not through pydantic-core's cache of short strings: under the
    SDK's argument model (a plain model, the cache on), ``str_strip_whitespace`` made every stripped string
    through that cache, where a big call's strings stayed (and the memory they sit in)."""
    from pydantic import BaseModel, ValidationError

    from fupan_mcp.domain.attainment import MetricInput
    from fupan_mcp.domain.review import Overview
    from fupan_mcp.domain.timeline import TimelineEvent

    class Arguments(BaseModel):  # as the SDK's argument model: no config of ours
        metrics: list[MetricInput]

    padded = "".join([" 拣货", "准确率 "])  # made at run time: not interned
    first = Arguments.model_validate({"metrics": [{"name": padded, "unit": " % "}]}).metrics[0]
    again = Arguments.model_validate({"metrics": [{"name": padded[:]}]}).metrics[0]
    assert first.name == again.name == "拣货准确率" and first.unit == "%"
    assert first.name is not again.name  # two strings, not one kept in a cache
    with pytest.raises(ValidationError):
        TimelineEvent.model_validate({"at": "   ", "text": "x"})  # blank once stripped: below the minimum length
    overview = Overview.model_validate({"scope": " 仓储 ", "deliverables": [" 看板 ", "接口"]})
    assert overview.scope == "仓储" and overview.deliverables == ["看板", "接口"]
