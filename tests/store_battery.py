"""A concurrency battery for the review store: acknowledged saves must all be found afterwards.

Writers, all into the SAME reviews at the same time (round ``i`` of every writer goes to review
``i % len(reviews)``: a review holds at most 50 5 Whys chains, so a long run spreads over several):
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
and final section text must be found by search, and no overwritten text may be. A section has one
owner: writers beyond the owned sections only add chains (and, over HTTP, actions).

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

    location, ids, tag, section, count, *whys = sys.argv[2:]
    reviews, rounds = ids.split(","), int(count)
    store = open_store(location)
    print("READY", flush=True)
    sys.stdin.readline()  # everyone starts writing at once
    for i in range(rounds):
        review_id = reviews[i % len(reviews)]
        problem = f"问题 {tag}x{i:03d}"
        root = f"根因 {tag}x{i:03d}z"
        result = five_whys(problem, whys, root, None, "zh", None)
        chain = {"problem": problem, "whys": whys, "root_cause": root}
        try:
            workspace.save_tool_run(store, review_id, "five_whys", chain, "five_whys", result)
            print("ACK chain", review_id, problem, flush=True)
        except (InputError, StoreError) as error:
            print("NACK chain", problem, type(error).__name__, flush=True)
        if section == "-":
            continue
        text = f"{section} {tag}s{i:03d}z"
        try:
            workspace.update_review(store, review_id, {section: [text]})
            print("ACK section", review_id, section, text, flush=True)
        except (InputError, StoreError) as error:
            print("NACK section", section, type(error).__name__, flush=True)
    store.close()
    """
)


@dataclass
class Tally:
    """What the writers attempted and what was acknowledged."""

    made: int = 0
    chains: set[tuple[str, str]] = field(default_factory=set)  # (review id, problem) acknowledged
    actions: set[tuple[str, str]] = field(default_factory=set)  # (review id, action text) acknowledged
    sections: dict[tuple[str, str], Any] = field(default_factory=dict)  # owner's last acknowledged value
    written: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # every text an owner wrote
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


def _owned(sections: Sequence[str], n: int) -> str:
    return sections[n] if n < len(sections) else "-"


def spawn_workers(location: str, reviews: Sequence[str], rounds: int, count: int) -> list[subprocess.Popen[str]]:
    """Start the writer processes; they open the store and wait for `release`."""
    env = {**os.environ, "PYTHONPATH": str(SERVER_DIR)}
    ids = ",".join(reviews)
    command = [sys.executable, "-c", WORKER, str(SERVER_DIR), location, ids]
    return [
        subprocess.Popen(
            [*command, f"p{n}", _owned(PROCESS_SECTIONS, n), str(rounds), *WHYS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(count)
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
        for line in out.splitlines():
            kind, what, review_id, rest = line.split(" ", 3)
            tally.made += 1
            if kind != "ACK":
                tally.failures.append(line)
            elif what == "chain":
                tally.chains.add((review_id, rest))
            else:
                section, text = rest.split(" ", 1)
                tally.sections[review_id, section] = [text]
                tally.written.setdefault((review_id, section), []).append(text)
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


def start_http(location: str, log: Path, timeout: float = 90.0) -> HttpServer:
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


async def http_client(url: str, reviews: Sequence[str], tag: str, section: str, rounds: int) -> Tally:
    """One MCP client over HTTP: per round a 5 Whys chain saved with the review, then its own
    section (unless it owns none: "-") plus one new action through update_review."""
    from mcp import Client

    tally = Tally()
    async with Client(url) as client:
        for i in range(rounds):
            review_id = reviews[i % len(reviews)]
            problem = f"问题 {tag}x{i:03d}"
            arguments = {"problem": problem, "whys": WHYS, "root_cause": f"根因 {tag}x{i:03d}z", "review_id": review_id}
            result = await client.call_tool("five_whys", arguments)
            tally.made += 1
            if result.is_error or "not saved to review" in _text(result):
                tally.failures.append(f"{tag} chain {i}: {_text(result)[-300:]}")
            else:
                tally.chains.add((review_id, problem))
            text = f"{section} {tag}s{i:03d}z"
            value: Any = text if section == "conclusion" else [text]
            action = f"行动 {tag}x{i:03d}"
            sections: dict[str, Any] = {"actions": [{"action": action, "owner": tag}]}
            if section != "-":
                sections[section] = value
            result = await client.call_tool("update_review", {"review_id": review_id, "sections": sections})
            tally.made += 1
            if result.is_error:
                tally.failures.append(f"{tag} update {i}: {_text(result)[-300:]}")
            else:
                if section != "-":
                    tally.sections[review_id, section] = value
                    tally.written.setdefault((review_id, section), []).append(text)
                tally.actions.add((review_id, action))
    return tally


async def http_clients(url: str, reviews: Sequence[str], clients: int, rounds: int) -> Tally:
    import anyio

    results: list[Tally] = []

    async def run(n: int) -> None:
        results.append(await http_client(url, reviews, f"h{n}", _owned(HTTP_SECTIONS, n), rounds))

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
    chains: int = 0
    actions: int = 0
    sections: int = 0
    index_entries: int = 0
    searches: int = 0
    problems: list[str] = field(default_factory=list)


def verify(location: str, reviews: Sequence[str], tally: Tally) -> Found:
    """Everything acknowledged is stored, nothing else; the search index matches the stored text."""
    from fupan_mcp.store import open_store

    found = Found()
    store = open_store(location)
    try:
        for review_id in reviews:
            _verify_review(store, review_id, tally, found)
    finally:
        store.close()
    return found


def _verify_review(store: Any, review_id: str, tally: Tally, found: Found) -> None:
    from fupan_mcp import workspace

    problems = found.problems
    record = store.get_review(review_id)
    chains: Any = record.sections.get("five_whys") or []
    stored_chains = {(review_id, str(chain["problem"])) for chain in chains}
    acked_chains = {key for key in tally.chains if key[0] == review_id}
    if stored_chains != acked_chains:
        problems.append(
            f"{review_id} chains: {len(acked_chains - stored_chains)} acknowledged missing, "
            f"{len(stored_chains - acked_chains)} not acknowledged present"
        )
    found.chains += len(stored_chains & acked_chains)
    stored_actions = {(review_id, action.action) for action in record.actions}
    acked_actions = {key for key in tally.actions if key[0] == review_id}
    if stored_actions != acked_actions:
        problems.append(f"{review_id} actions: {len(acked_actions - stored_actions)} acknowledged missing")
    found.actions += len(stored_actions & acked_actions)
    for (rid, section), value in tally.sections.items():
        if rid != review_id:
            continue
        if record.sections.get(section) == value:
            found.sections += 1
        else:
            problems.append(f"{review_id} {section}: {record.sections.get(section)!r} instead of {value!r}")
    expected = [(lesson.kind, lesson.text) for lesson in workspace.lessons_of(workspace.review_of(record))]
    stored = [(lesson.kind, lesson.text) for lesson in record.lessons]
    if stored != expected:
        problems.append(f"{review_id} index: {len(stored)} entries, {len(expected)} expected from the stored text")
    found.index_entries += len(stored)
    for _, problem in sorted(acked_chains):
        token = problem.split(" ")[1] + "z"
        hits = [hit.text for hit in store.search_lessons(token) if hit.review_id == review_id]
        found.searches += 1
        if hits != [f"根因 {token}"]:
            problems.append(f"{review_id} search {token}: {hits}")
    for section in PROCESS_SECTIONS:
        written = tally.written.get((review_id, section), [])
        for n, text in enumerate(written):
            token = text.split(" ")[1]
            hits = [hit.text for hit in store.search_lessons(token) if hit.review_id == review_id]
            found.searches += 1
            final = n == len(written) - 1
            if hits != ([text] if final else []):
                problems.append(f"{review_id} search {token} ({'final' if final else 'overwritten'}): {hits}")


def new_reviews(location: str, count: int) -> list[str]:
    from fupan_mcp import workspace
    from fupan_mcp.domain.review import Review
    from fupan_mcp.store import open_store

    store = open_store(location)
    try:
        day = dt.date(2024, 7, 1)
        reviews = [Review(project="并发电池", title=f"同时写入的复盘 {n}", review_date=day) for n in range(count)]
        return [workspace.create_review(store, review, day).review.id for review in reviews]
    finally:
        store.close()


def reviews_needed(writers: int, rounds: int, chains_per_review: int = 50) -> int:
    """How many reviews keep every review under its chain limit when rounds go round-robin."""
    count = 1
    while writers * -(-rounds // count) > chains_per_review:
        count += 1
    return count
