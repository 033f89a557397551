"""`gctuning.collections_paused`: no collection inside the block, the collector as it was once the last
block has left (blocks in several threads overlap); review_insights runs inside one."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from fupan_mcp.gctuning import collections_paused
from fupan_mcp.store import SQLiteStore
from fupan_mcp.tools.workspace import insights_call


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_overlapping_pauses_resume_the_collector_after_the_last() -> None:
    gc.enable()
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with collections_paused():
            entered.set()
            release.wait(60)

    thread = threading.Thread(target=other)
    with collections_paused():
        assert not gc.isenabled()
        thread.start()
        assert entered.wait(60)
    assert not gc.isenabled()  # the other thread's block is still running
    release.set()
    thread.join(60)
    assert gc.isenabled()


def test_a_failing_block_resumes_and_a_disabled_collector_stays_disabled() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collections_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()
    gc.disable()
    with collections_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_review_insights_runs_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.enable()
    seen: list[bool] = []
    with SQLiteStore(":memory:") as store:
        store.create_review_document("p", "r", None, "2025-01-01", lessons=[("lesson", "上线前做容量评估")])
        rows = store.insight_rows

        def watched(*args: object) -> object:
            seen.append(gc.isenabled())
            return rows(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(store, "insight_rows", watched)
        result = insights_call(store, None, None, None, None, None, "zh")
    assert seen == [False] and gc.isenabled()
    assert result.structured_content is not None and result.structured_content["reviews"] == 1
