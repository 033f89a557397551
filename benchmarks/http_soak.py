"""A longer soak of the team server under idle floods and heavy calls (loopback only, bounded in time).

    python benchmarks/http_soak.py --seconds 120 --idle 1100 --nofile 1024

Starts ``fupan-mcp serve --http`` on a free loopback port under the given file limit, then for
``--seconds`` keeps ``--idle`` connections open that never send a byte (re-opening those the server
closes), sends a large ``check_compliance`` call now and then, and probes ``/health`` every 0.2 s.
Prints: probes served / made, the slowest probe, connections the server closed to make room, the
largest answer, the server's peak memory, and the size of its log.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2

HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--idle", type=int, default=1100)
    parser.add_argument("--nofile", type=int, default=1024)
    parser.add_argument("--fields", type=int, default=200, help="fields of the large check_compliance call")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.idle + 500)), hard))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="fupan-soak-"))
    log = (work / "server.log").open("wb")
    env = {**os.environ, "FUPAN_MCP_DB": str(work / "soak.db"), "FUPAN_MCP_OUTPUT_DIR": str(work / "out")}
    server = subprocess.Popen(
        [sys.executable, "-m", "fupan_mcp", "serve", "--http", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (args.nofile, args.nofile)),
    )
    try:
        for _ in range(600):
            try:
                if httpx2.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.1)
        stop = threading.Event()
        counts = {"reopened": 0, "largest": 0, "calls": 0}

        def idle_flood() -> None:
            sockets: list[socket.socket] = []
            while not stop.is_set():
                alive = []
                for sock in sockets:
                    sock.setblocking(False)
                    try:
                        closed = sock.recv(1, socket.MSG_PEEK) == b""
                    except BlockingIOError:
                        closed = False
                    except OSError:
                        closed = True
                    if closed:
                        sock.close()
                        counts["reopened"] += 1
                    else:
                        alive.append(sock)
                sockets = alive
                while len(sockets) < args.idle and not stop.is_set():
                    try:
                        sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
                    except OSError:
                        break
                time.sleep(0.5)
            for sock in sockets:
                sock.close()

        def heavy_calls() -> None:
            unit = "13800138000 "
            fields = {f"f{i}": unit * (19_000 // len(unit)) for i in range(args.fields)}
            body = json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": "check_compliance", "arguments": {"fields": fields}},
                }
            ).encode()
            while not stop.is_set():
                try:
                    answer = httpx2.post(f"{base}/mcp", content=body, headers=HEADERS, timeout=300)
                    counts["largest"] = max(counts["largest"], len(answer.content))
                    counts["calls"] += 1
                except httpx2.TransportError:
                    pass

        threads = [threading.Thread(target=idle_flood), threading.Thread(target=heavy_calls)]
        for thread in threads:
            thread.start()
        probes, served, slowest = 0, 0, 0.0
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            probes += 1
            with contextlib.suppress(httpx2.TransportError):
                served += httpx2.get(f"{base}/health", timeout=30).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            time.sleep(0.2)
        stop.set()
        for thread in threads:
            thread.join(timeout=330)
        peak = peak_rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    size = (work / "server.log").stat().st_size
    print(
        f"probes served {served}/{probes}, slowest {slowest:.2f} s; idle connections closed by the server "
        f"{counts['reopened']}; check_compliance calls {counts['calls']}, largest answer {counts['largest']:,} "
        f"bytes; server peak RSS {peak / 1024:.0f} MiB; log {size:,} bytes ({work / 'server.log'})"
    )


if __name__ == "__main__":
    main()
