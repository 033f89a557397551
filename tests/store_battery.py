"""A concurrency battery for the review store: acknowledged saves must all be found afterwards.

Writers, all into the SAME review at the same time:
- processes (each its own store connection), each calling the workspace helpers the tools use:
  a 5 Whys chain saved with the review (``save_tool_run``: a read-modify-write of the
  ``five_whys`` section, which appends the chain) and an edit of a section it owns
  (``update_review``), which also rebuilds the review's search entries;
- MCP clients over streamable HTTP (one ``fupan-mcp serve --http`` on loopback), each calling the
  ``five_whys`` tool with ``review_id`` (a chain), and ``update_review`` with a section it owns
  plus one new action.
A save counts as acknowledged when the call returned without error (for the analysis tool: without
the "not saved" line). Afterwards every acknowledged chain and action must be in the review, and
nothing that was not acknowledged; each owned section must hold its owner's last acknowledged
value; the search entries must equal what the stored text yields, every acknowledged root cause
and final section text must be found by search, and no overwritten text may be.

Used by tests/test_store_battery.py (bounded) and benchmarks/soak_store.py (longer).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVER_DIR = Path(__file__).resolve().parents[1] / "server"
PROCESS_SECTIONS = ("lessons", "problems", "success_factors")  # indexed: the search must follow them
HTTP_SECTIONS = ("goals", "notes", "qualitative_results", "review_dimensions", "outlook", "conclusion")
WHYS = ["提醒与通知策略不足", "通知策略没有负责人"]

WORKER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])
    from fupan_mcp import workspace
    from fupan_mcp.analysis.five_whys import five_whys
    from fupan_mcp.errors import InputError
    from fupan_mcp.store import StoreError, open_store

    location, review_id, tag, section, rounds = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
    whys = sys.argv[7:]
    store = open_store(location)
    print("READY", flush=True)
    sys.stdin.readline()  # everyone starts writing at once
    for i in range(rounds):
        problem = f"问题 {tag}x{i:03d}"
        root = f"根因 {tag}x{i:03d}z"
        result = five_whys(problem, whys, root, None, "zh", None)
        chain = {"problem": problem, "whys": whys, "root_cause": root}
        try:
            workspace.save_tool_run(store, review_id, "five_whys", chain, "five_whys", result)
            print("ACK chain", problem, flush=True)
        except (InputError, StoreError) as error:
            print("NACK chain", problem, type(error).__name__, flush=True)
        text = f"{section} {tag}s{i:03d}z"
        try:
            workspace.update_review(store, review_id, {section: [text]})
            print("ACK section", section, text, flush=True)
        except (InputError, StoreError) as error:
            print("NACK section", section, type(error).__name__, flush=True)
    store.close()
    """
)


@dataclass
class Tally:
    """What the writers attempted and what was acknowledged."""

    made: int = 0
    chains: set[str] = field(default_factory=set)  # acknowledged problems
    actions: set[str] = field(default_factory=set)  # acknowledged action texts
    sections: dict[str, list[Any]] = field(default_factory=dict)  # owner's last acknowledged value
    written: dict[str, list[str]] = field(default_factory=dict)  # every value an owner wrote, in order
    failures: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> int:
        return len(self.chains) + sum(len(values) for values in self.written.values())

    def merge(self, other: Tally) -> None:
        self.made += other.made
        self.chains |= other.chains
        self.actions |= other.actions
        self.sections.update(other.sections)
        for name, values in other.written.items():
            self.written.setdefault(name, []).extend(values)
        self.failures.extend(other.failures)


# --- processes ----------------------------------------------------------------------------------


def spawn_workers(location: str, review_id: str, rounds: int, count: int) -> list[subprocess.Popen[str]]:
    """Start the writer processes; they open the store and wait for `release`."""
    env = {**os.environ, "PYTHONPATH": str(SERVER_DIR)}
    return [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(SERVER_DIR), location, review_id, f"p{n}", section, str(rounds), *WHYS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n, section in zip(range(count), PROCESS_SECTIONS * (count // len(PROCESS_SECTIONS) + 1), strict=False)
    ]


def release(workers: Sequence[subprocess.Popen[str]]) -> None:
    """Wait until every worker has its store open, then let them all write."""
    for worker in workers:
        assert worker.stdout is not None and worker.stdin is not None
        line = worker.stdout.readline()
        if line.strip() != "READY":
            raise RuntimeError(f"worker did not start: {line!r} {worker.stderr.read() if worker.stderr else ''}")
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()


def collect_workers(workers: Sequence[subprocess.Popen[str]], rounds: int, timeout: float) -> Tally:
    tally = Tally()
    for worker in workers:
        out, err = worker.communicate(timeout=timeout)
        if worker.returncode != 0:
            tally.failures.append(f"worker exited with {worker.returncode}: {err[-2000:]}")
        tally.made += 2 * rounds
        for line in out.splitlines():
            kind, what, *rest = line.split(" ", 2)
            if kind != "ACK":
                tally.failures.append(line)
            elif what == "chain":
                tally.chains.add(rest[0])
            else:
                section, text = rest[0].split(" ", 1)
                tally.sections[section] = [text]
                tally.written.setdefault(section, []).append(text)
    return tally


# --- an HTTP server and its clients -------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class HttpServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_http(location: str, log: Path, timeout: float = 30.0) -> HttpServer:
    """``python -m fupan_mcp serve --http`` on a free loopback port, storing into ``location``."""
    import httpx2

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUPAN_MCP_")}
    env.update(PYTHONPATH=str(SERVER_DIR), FUPAN_MCP_DB=location, FUPAN_MCP_OUTPUT_DIR=str(log.parent / "exports"))
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "fupan_mcp", "serve", "--http", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    server = HttpServer(f"http://127.0.0.1:{port}/mcp", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1.0).status_code == 200:
                return server
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"server did not answer /health within {timeout}s")


def _text(result: Any) -> str:
    return "\n".join(getattr(block, "text", "") for block in result.content)


async def http_client(url: str, review_id: str, tag: str, section: str, rounds: int) -> Tally:
    """One MCP client over HTTP: per round a 5 Whys chain saved with the review, then its own
    section plus one new action through update_review."""
    from mcp import Client

    tally = Tally()
    async with Client(url) as client:
        for i in range(rounds):
            problem = f"问题 {tag}x{i:03d}"
            arguments = {"problem": problem, "whys": WHYS, "root_cause": f"根因 {tag}x{i:03d}z", "review_id": review_id}
            result = await client.call_tool("five_whys", arguments)
            tally.made += 1
            if result.is_error or "not saved to review" in _text(result):
                tally.failures.append(f"{tag} chain {i}: {_text(result)[-300:]}")
            else:
                tally.chains.add(problem)
            text = f"{section} {tag}s{i:03d}z"
            value: Any = text if section == "conclusion" else [text]
            action = f"行动 {tag}x{i:03d}"
            sections = {section: value, "actions": [{"action": action, "owner": tag}]}
            result = await client.call_tool("update_review", {"review_id": review_id, "sections": sections})
            tally.made += 1
            if result.is_error:
                tally.failures.append(f"{tag} update {i}: {_text(result)[-300:]}")
            else:
                tally.sections[section] = value
                tally.written.setdefault(section, []).append(text)
                tally.actions.add(action)
    return tally


async def http_clients(url: str, review_id: str, clients: int, rounds: int) -> Tally:
    import anyio

    results: list[Tally] = []

    async def run(n: int) -> None:
        results.append(await http_client(url, review_id, f"h{n}", HTTP_SECTIONS[n % len(HTTP_SECTIONS)], rounds))

    async with anyio.create_task_group() as group:
        for n in range(clients):
            group.start_soon(run, n)
    total = Tally()
    for tally in results:
        total.merge(tally)
    return total


# --- the check ------------------------------------------------------------------------------------


@dataclass
class Found:
    chains: int
    actions: int
    sections: int
    index_entries: int
    searches: int
    problems: list[str]


def verify(location: str, review_id: str, tally: Tally) -> Found:
    """Everything acknowledged is stored, nothing else; the search index matches the stored text."""
    from fupan_mcp import workspace
    from fupan_mcp.store import open_store

    problems: list[str] = []
    store = open_store(location)
    try:
        record = store.get_review(review_id)
        chains: Any = record.sections.get("five_whys") or []
        stored_chains = {str(chain["problem"]) for chain in chains}
        if stored_chains != tally.chains:
            problems.append(
                f"chains: {len(tally.chains - stored_chains)} acknowledged missing, "
                f"{len(stored_chains - tally.chains)} not acknowledged present"
            )
        stored_actions = {action.action for action in record.actions}
        if stored_actions != tally.actions:
            problems.append(f"actions: {len(tally.actions - stored_actions)} acknowledged missing")
        sections_ok = 0
        for section, value in tally.sections.items():
            if record.sections.get(section) == value:
                sections_ok += 1
            else:
                problems.append(f"section {section}: {record.sections.get(section)!r} instead of {value!r}")
        expected = [(lesson.kind, lesson.text) for lesson in workspace.lessons_of(workspace.review_of(record))]
        stored = [(lesson.kind, lesson.text) for lesson in record.lessons]
        if stored != expected:
            problems.append(f"index: {len(stored)} entries, {len(expected)} expected from the stored text")
        searches = 0
        for problem in sorted(tally.chains):
            token = problem.split(" ")[1] + "z"
            hits = [hit for hit in store.search_lessons(token) if hit.review_id == review_id]
            searches += 1
            if [hit.text for hit in hits] != [f"根因 {token}"]:
                problems.append(f"search {token}: {[hit.text for hit in hits]}")
        for section in PROCESS_SECTIONS:
            for n, text in enumerate(tally.written.get(section, [])):
                token = text.split(" ")[1]
                hits = [hit.text for hit in store.search_lessons(token) if hit.review_id == review_id]
                searches += 1
                final = n == len(tally.written[section]) - 1
                if hits != ([text] if final else []):
                    problems.append(f"search {token} ({'final' if final else 'overwritten'}): {hits}")
        return Found(
            chains=len(stored_chains & tally.chains),
            actions=len(stored_actions & tally.actions),
            sections=sections_ok,
            index_entries=len(stored),
            searches=searches,
            problems=problems,
        )
    finally:
        store.close()


def new_review(location: str) -> str:
    from fupan_mcp import workspace
    from fupan_mcp.domain.review import Review
    from fupan_mcp.store import open_store

    store = open_store(location)
    try:
        review = Review(project="并发电池", title="同时写入的复盘", review_date=dt.date(2024, 7, 1))
        return workspace.create_review(store, review, dt.date(2024, 7, 1)).review.id
    finally:
        store.close()
