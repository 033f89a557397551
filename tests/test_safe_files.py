"""Export files stay inside the output directory, whatever a concurrent process does to it.

A thread swaps a folder and a file of the output directory for symlinks to a folder outside, many
times a second, while exports are written and ``fupan://exports/`` files are read. Nothing may be
written outside, nothing outside may be read, and an existing export is never replaced unless the
call asks for it.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from pathlib import Path

import pytest

from fupan_mcp import safefs, workspace
from fupan_mcp.errors import InputError

ROUNDS = 400


def swapper(out: Path, outside: Path, stop: threading.Event, swaps: list[int]) -> None:
    """Flip out/sub between the real folder and a link to ``outside``; out/victim.md between a file and a link."""
    sub, hold, victim = out / "sub", out / ".sub-held", out / "victim.md"
    sub.mkdir(exist_ok=True)
    while not stop.is_set():
        try:
            os.rename(sub, hold)  # the real folder aside ...
            os.symlink(outside, sub)  # ... a link in its place ...
            os.unlink(sub)
            os.rename(hold, sub)  # ... and back
        except OSError:
            pass
        try:
            tmp = out / "victim.swap"
            os.symlink(outside / "victim.md", tmp)
            os.replace(tmp, victim)  # now a link
            os.unlink(victim)
            victim.write_text("inside\n", encoding="utf-8")
        except OSError:
            pass
        swaps[0] += 1


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (outside / "victim.md").write_text("SECRET outside\n", encoding="utf-8")
    (outside / "report.md").write_text("SECRET outside report\n", encoding="utf-8")
    return out, outside


def test_a_symlink_swapped_in_at_any_moment_never_leads_outside(dirs: tuple[Path, Path]) -> None:
    out, outside = dirs
    stop, swaps = threading.Event(), [0]
    thread = threading.Thread(target=swapper, args=(out, outside, stop, swaps), daemon=True)
    thread.start()
    outcomes: Counter[str] = Counter()
    try:
        for index in range(ROUNDS):
            for name in (f"sub/report{index}", "victim"):
                try:
                    workspace.write_export(out, name, ".md", f"round {index}\n", overwrite=index % 2 == 0)
                    outcomes["written"] += 1
                except InputError as error:
                    outcomes["refused: " + error.reason.split(";")[0][:40]] += 1
            for name in ("sub/report.md", "victim.md"):
                data = workspace.read_export(out, name, 1 << 20)
                outcomes["read" if data is not None else "not found"] += 1
                assert data is None or b"SECRET" not in data
    finally:
        stop.set()
        thread.join(timeout=60)
    print(f"\nsymlink swaps {swaps[0]}, export outcomes {dict(outcomes)}")
    assert swaps[0] > 0 and outcomes["written"] > 0
    assert sorted(p.name for p in outside.iterdir()) == ["report.md", "victim.md"]
    assert (outside / "victim.md").read_text(encoding="utf-8") == "SECRET outside\n"
    assert (outside / "report.md").read_text(encoding="utf-8") == "SECRET outside report\n"


def test_a_symlink_in_place_is_refused_for_reading_and_writing(dirs: tuple[Path, Path]) -> None:
    out, outside = dirs
    (out / "link").symlink_to(outside)
    (out / "file.md").symlink_to(outside / "victim.md")
    for overwrite in (False, True):
        with pytest.raises(InputError, match="symbolic link"):
            workspace.write_export(out, "link/new", ".md", "x", overwrite=overwrite)
    with pytest.raises(InputError, match="already exists"):
        workspace.write_export(out, "file", ".md", "x")
    assert workspace.read_export(out, "link/report.md", 1 << 20) is None
    assert workspace.read_export(out, "file.md", 1 << 20) is None
    # Replacing renames a new file over the link itself: the file it pointed to is untouched.
    workspace.write_export(out, "file", ".md", "mine", overwrite=True)
    assert not (out / "file.md").is_symlink() and (out / "file.md").read_text(encoding="utf-8") == "mine"
    assert (outside / "victim.md").read_text(encoding="utf-8") == "SECRET outside\n"
    assert not (outside / "new.md").exists()


def test_an_existing_export_is_replaced_only_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path, relative = workspace.write_export(out, "r", ".md", "first")
    assert relative == "r.md" and path.read_text(encoding="utf-8") == "first"
    with pytest.raises(InputError, match="already exists; pass overwrite: true"):
        workspace.write_export(out, "r", ".md", "second")
    assert path.read_text(encoding="utf-8") == "first"
    workspace.write_export(out, "r", ".md", "third", overwrite=True)
    assert path.read_text(encoding="utf-8") == "third"
    assert sorted(p.name for p in out.iterdir()) == ["r.md"]  # no temporary file left behind


@pytest.mark.parametrize("name", ["../x", "/etc/passwd", "a/../../b", "a//b", "./x", "a/./b"])
def test_names_that_could_leave_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(InputError, match="must stay inside"):
        workspace.write_export(tmp_path, name, ".md", "x")


def test_reads_refuse_fifos_and_files_over_the_limit(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    assert workspace.read_export(tmp_path, "pipe.md", 100) is None  # and returns at once: O_NONBLOCK
    (tmp_path / "big.md").write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="larger than 100 bytes"):
        workspace.read_export(tmp_path, "big.md", 100)
    assert safefs.read_file(tmp_path, "big.md", 101) == b"x" * 101
