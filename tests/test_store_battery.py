"""The concurrency battery (tests/store_battery.py), bounded, on SQLite and on PostgreSQL.

Three processes and four HTTP clients write into one review at the same time; every acknowledged
save must be found afterwards, concurrent edits of different sections must all survive, and the
search index must match the stored text. The counts are printed (``pytest -s`` shows them).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest

import store_battery as battery
from store_backends import BACKENDS, postgres_schema_url

PROCESSES = 3
PROCESS_ROUNDS = 6
CLIENTS = 4
CLIENT_ROUNDS = 5
HANG_GUARD_S = 120  # a hang guard only; a run takes a few seconds


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "battery.db")
        return
    with postgres_schema_url(request.config) as url:
        yield url


@pytest.mark.slow
def test_acknowledged_saves_from_processes_and_http_clients_are_all_found(location: str, tmp_path: Path) -> None:
    backend = "sqlite" if location.endswith(".db") else "postgres"
    reviews = battery.new_reviews(location, 1)  # all writers into the same review
    workers = battery.spawn_workers(location, reviews, PROCESS_ROUNDS, PROCESSES)  # start while the server does
    try:
        server = battery.start_http(location, tmp_path / "server.log")
        try:
            battery.release(workers)
            over_http = anyio.run(battery.http_clients, server.url, reviews, CLIENTS, CLIENT_ROUNDS)
        finally:
            server.stop()
    finally:
        from_processes = battery.collect_workers(workers, PROCESS_ROUNDS, HANG_GUARD_S)
    tally = battery.Tally()
    tally.merge(from_processes)
    tally.merge(over_http)
    found = battery.verify(location, reviews, tally)

    print(
        f"\n[store battery, {backend}] processes: {PROCESSES} x {PROCESS_ROUNDS} rounds, "
        f"acknowledged {from_processes.acknowledged}/{from_processes.made} saves; "
        f"HTTP clients: {CLIENTS} x {CLIENT_ROUNDS} rounds, acknowledged {over_http.acknowledged}/{over_http.made}"
    )
    print(
        f"[store battery, {backend}] found: chains {found.chains}/{len(tally.chains)}, "
        f"actions {found.actions}/{len(tally.actions)}, owned sections {found.sections}/{len(tally.sections)}; "
        f"index {found.index_entries} entries = stored text, {found.searches} searches as expected; "
        f"problems: {len(found.problems)}"
    )
    assert tally.failures == [], tally.failures[:5]
    assert from_processes.acknowledged == from_processes.made == 2 * PROCESSES * PROCESS_ROUNDS
    assert over_http.acknowledged == over_http.made == 2 * CLIENTS * CLIENT_ROUNDS
    assert found.problems == []
    assert found.chains == PROCESSES * PROCESS_ROUNDS + CLIENTS * CLIENT_ROUNDS
    assert found.actions == CLIENTS * CLIENT_ROUNDS
    assert found.sections == PROCESSES + CLIENTS
    # 3 indexed sections of one entry each, one root cause per chain and one text per action
    assert found.index_entries == PROCESSES + found.chains + found.actions
