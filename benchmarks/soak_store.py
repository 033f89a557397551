"""A longer soak of the store battery (tests/store_battery.py): more writers, more rounds.

Processes and MCP clients over streamable HTTP (``serve --http`` on 127.0.0.1 only) save into
one review at the same time; afterwards every acknowledged save must be found, nothing else, each
owned section must hold its owner's last value and the search index must match the stored text.
Prints acknowledged / made and found / acknowledged per store; exits 1 on any loss. Bounded by
its arguments (default about a minute per store on 2 CPUs), nothing leaves the machine.

Run: ``.venv/bin/python benchmarks/soak_store.py [--processes 4] [--clients 6] [--rounds 25]
[--postgres URL]`` (default ``$FUPAN_MCP_TEST_POSTGRES_URL``; ``bash .ci/pg.sh`` starts one).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import store_battery as battery
from store_backends import with_search_path


@contextlib.contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    import psycopg

    schema = f"soak_{secrets.token_hex(5)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def soak(name: str, location: str, work: Path, processes: int, clients: int, rounds: int) -> bool:
    started = time.monotonic()
    reviews = battery.new_reviews(location, battery.reviews_needed(processes + clients, rounds))
    workers = battery.spawn_workers(location, reviews, rounds, processes)
    try:
        server = battery.start_http(location, work / f"{name}-server.log")
        try:
            battery.release(workers)
            over_http = anyio.run(battery.http_clients, server.url, reviews, clients, rounds)
        finally:
            server.stop()
    finally:
        from_processes = battery.collect_workers(workers, rounds, timeout=600)
    tally = battery.Tally()
    tally.merge(from_processes)
    tally.merge(over_http)
    found = battery.verify(location, reviews, tally)
    seconds = time.monotonic() - started
    print(
        f"## {name}: {processes} processes and {clients} HTTP clients x {rounds} rounds into "
        f"{len(reviews)} reviews ({seconds:.0f} s)"
    )
    print(f"- acknowledged / made: processes {from_processes.acknowledged}/{from_processes.made}, ", end="")
    print(f"HTTP {over_http.acknowledged}/{over_http.made}")
    print(f"- found / acknowledged: chains {found.chains}/{len(tally.chains)}, actions {found.actions}/", end="")
    print(f"{len(tally.actions)}, owned sections {found.sections}/{len(tally.sections)}")
    print(f"- search index: {found.index_entries} entries equal to the stored text; {found.searches} searches")
    for line in [*tally.failures[:10], *found.problems[:10]]:
        print(f"  ! {line}")
    return not tally.failures and not found.problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--postgres", default=os.environ.get("FUPAN_MCP_TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    if not (1 <= args.processes <= 16 and 1 <= args.clients <= 32 and 1 <= args.rounds <= 500):
        parser.error("keep it bounded: 1-16 processes, 1-32 clients, 1-500 rounds")
    ok = True
    with tempfile.TemporaryDirectory(prefix="fupan-soak-") as tmp:
        work = Path(tmp)
        ok &= soak("sqlite", str(work / "soak.db"), work, args.processes, args.clients, args.rounds)
        if args.postgres:
            with postgres_schema(args.postgres) as url:
                ok &= soak("postgres", url, work, args.processes, args.clients, args.rounds)
        else:
            print("## postgres: skipped (no --postgres URL and no $FUPAN_MCP_TEST_POSTGRES_URL)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
