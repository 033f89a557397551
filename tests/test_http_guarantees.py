"""The team server's guarantees under slow, idle and hostile clients (README: "Guarantees and limits").

Each test starts the real ``fupan-mcp serve --http`` on a free loopback port and prints what it
counted (connections held and served, refusals by cause, the largest answer), so a run with ``-s``
doubles as a small report. Bounded: every socket has a timeout of at least 60 s as a hang guard;
nothing waits on the wall clock otherwise.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import resource
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from fupan_mcp.cli import main as cli_main
from fupan_mcp.http import ConfigError, _matches, resolve_settings
from test_http import INITIALIZE, MCP_HEADERS, TOKEN, Running, console_script, free_port, stop

pytestmark = pytest.mark.slow

GUARD = 60.0
"""Hang guard for every socket read (never a threshold: a healthy server answers far sooner)."""


def launch(
    tmp: Path,
    name: str,
    *args: str,
    env: dict[str, str] | None = None,
    nofile: int | None = None,
    host: str = "127.0.0.1",
    port: int | None = None,
) -> Running:
    """Spawn the server (optionally under a file-descriptor limit) and wait until /health answers."""
    port = port or free_port()
    log = tmp / f"{name}.log"
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FUPAN_MCP_")}
    environ.update({"FUPAN_MCP_DB": str(tmp / f"{name}.db"), "FUPAN_MCP_OUTPUT_DIR": str(tmp / f"{name}-out")})
    environ.update(env or {})

    def limit_files() -> None:
        if nofile is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    with log.open("wb") as sink:
        process = subprocess.Popen(
            [console_script(), "serve", "--http", "--port", str(port), *args],
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=environ,
            preexec_fn=limit_files,
        )
    shown = f"[{host}]" if ":" in host else host
    running = Running(f"http://{shown}:{port}", process, log)
    deadline = time.monotonic() + GUARD  # a hang guard: the machine may be loaded
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{running.output()}")
        try:
            if httpx2.get(f"{running.base}/health", timeout=1.0).status_code == 200:
                return running
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    stop(running)
    raise AssertionError(f"server did not answer /health within {GUARD}s:\n{running.output()}")


def port_of(running: Running) -> int:
    return int(running.base.rsplit(":", 1)[1])


def raw_exchange(running: Running, data: bytes, *, host: str = "127.0.0.1") -> bytes:
    """Send ``data``, read until the server closes (or the hang guard)."""
    with socket.create_connection((host, port_of(running)), timeout=GUARD) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def status_line(answer: bytes) -> bytes:
    return answer.split(b"\r\n", 1)[0]


def closed_by_peer(sock: socket.socket) -> bool:
    """Whether the server has closed this connection (a peek that does not block; no select: fds > 1024)."""
    sock.setblocking(False)
    try:
        return sock.recv(1, socket.MSG_PEEK) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        sock.settimeout(GUARD)


@pytest.fixture(scope="module")
def tmp_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("guarantees")


@pytest.fixture(scope="module")
def fast_deadlines(tmp_module: Path) -> Iterator[Running]:
    running = launch(tmp_module, "deadlines", "--header-timeout", "2", "--body-timeout", "2", "--max-connections", "4")
    try:
        yield running
    finally:
        stop(running)
        assert "Traceback" not in running.output(), running.output()[-3000:]


# --- idle and half-open connections -------------------------------------------------------------


def test_1100_idle_connections_under_a_1024_file_limit_do_not_stop_the_server(tmp_module: Path) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1300:  # this process holds the 1,100 client ends
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    running = launch(tmp_module, "idle", nofile=1024)
    sockets: list[socket.socket] = []
    try:
        for _ in range(1100):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.settimeout(GUARD)
            sock.connect(("127.0.0.1", port_of(running)))  # connected, and never a byte sent
            sockets.append(sock)
        served = 0
        for _ in range(20):  # other clients, while every idle connection is still open on our side
            response = httpx2.get(f"{running.base}/health", timeout=GUARD)
            served += response.status_code == 200
        listed = httpx2.post(
            running.mcp, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers=MCP_HEADERS, timeout=GUARD
        )
        held = sum(not closed_by_peer(sock) for sock in sockets)
        log = running.output()
        print(
            f"\nidle connections opened 1100, held open by the server {held}, closed to make room {1100 - held}; "
            f"health probes served {served}/20; tools/list {listed.status_code}; log {len(log)} bytes"
        )
        assert served == 20 and listed.status_code == 200
        assert 0 < held < 1100  # the cap (below the file limit) held, the longest-idle made room
        assert running.process.poll() is None
        assert "Traceback" not in log and "out of system resource" not in log
        assert len(log) < 100_000, log[-2000:]  # rate-limited: one line per cause per interval
        assert log.count("closed the longest-idle") <= 3
    finally:
        for sock in sockets:
            sock.close()
        stop(running)


def test_a_slow_loris_header_gets_408_and_the_connection_is_closed(fast_deadlines: Running) -> None:
    answer = raw_exchange(fast_deadlines, b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    print(f"\nslow header answered: {status_line(answer)!r}")
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"connection: close" in answer.lower()


def test_a_slow_body_gets_408(fast_deadlines: Running) -> None:
    head = b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    answer = raw_exchange(fast_deadlines, head + b'{"jsonrpc"')
    print(f"\nslow body answered: {status_line(answer)!r}")
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_a_silent_connection_is_closed_without_an_answer(fast_deadlines: Running) -> None:
    assert raw_exchange(fast_deadlines, b"") == b""


def test_when_every_connection_is_busy_a_newcomer_gets_503(tmp_module: Path) -> None:
    """Four connections (the cap) each in the middle of a body; a fifth is refused cleanly, not queued."""
    running = launch(tmp_module, "busy", "--max-connections", "4", "--body-timeout", "120")
    head = b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{"
    probe = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    busy: list[socket.socket] = []
    answers: Counter[bytes] = Counter()
    try:
        answer = b""
        for attempt in range(50):
            # Until the server has read the four bodies' starts, a probe may find one still idle and close
            # it to make room: replace what it closed, give the server a growing moment to read the new
            # one (a settle, not a timed assertion: under load the read can lag the probe every time),
            # probe again.
            for sock in [sock for sock in busy if closed_by_peer(sock)]:
                busy.remove(sock)
                sock.close()
            while len(busy) < 4:
                sock = socket.create_connection(("127.0.0.1", port_of(running)), timeout=GUARD)
                sock.sendall(head)
                busy.append(sock)
            time.sleep(0.02 * attempt)
            answer = raw_exchange(running, probe)
            answers[status_line(answer)] += 1
            if answer.startswith(b"HTTP/1.1 503"):
                break
        print(f"\nwith 4/4 connections busy, newcomers got: {dict(answers)}")
        assert answer.startswith(b"HTTP/1.1 503 ")
        assert b"retry-after: 1" in answer.lower() and b"connection: close" in answer.lower()
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["message"].startswith("Server busy")
    finally:
        for sock in busy:
            sock.close()
    try:
        served = b""
        for _ in range(100):  # the busy connections are gone: served again
            served = raw_exchange(running, probe)
            if served.startswith(b"HTTP/1.1 200"):
                break
        assert served.startswith(b"HTTP/1.1 200")
        assert "Traceback" not in running.output()
    finally:
        stop(running)


def test_get_on_the_stateless_endpoint_is_405_not_an_endless_stream(fast_deadlines: Running) -> None:
    headers = {"Accept": "text/event-stream"}
    for method in ("GET", "DELETE"):
        response = httpx2.request(method, fast_deadlines.mcp, headers=headers, timeout=GUARD)
        assert response.status_code == 405 and response.headers["allow"] == "POST"


# --- amplification and bounded answers ----------------------------------------------------------


def test_a_38mb_compliance_request_gets_a_bounded_answer(tmp_module: Path) -> None:
    running = launch(tmp_module, "amplify")
    try:
        unit = "13800138000 "  # a mobile number per 12 characters: the densest personal data
        fields = {f"problems[{i}].detail": unit * (19_000 // len(unit)) for i in range(200)}
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "tools/call",
                "params": {"name": "check_compliance", "arguments": {"fields": fields}},
            }
        ).encode()
        response = httpx2.post(running.mcp, content=body, headers=MCP_HEADERS, timeout=300)
        answer = response.content
        text = answer.decode()
        if response.headers.get("content-type", "").startswith("text/event-stream"):
            text = next(line[5:] for line in text.splitlines() if line.startswith("data:"))
        result = json.loads(text)["result"]
        counts = result["structuredContent"]["counts"]
        print(
            f"\ncheck_compliance: request {len(body):,} bytes, answer {len(answer):,} bytes "
            f"({len(answer) / len(body):.2f}x), findings {counts['pii']:,}, "
            f"listed {len(result['structuredContent']['pii'])}"
        )
        assert counts["pii"] == 200 * (19_000 // len(unit))  # 1,583 numbers in each of 200 fields
        assert len(result["structuredContent"]["pii"]) == 1000
        assert result["structuredContent"]["listed_limit"] == 1000
        assert len(answer) < 3 * len(body)  # the masked fields echo the input once, findings are capped
        assert httpx2.get(f"{running.base}/health", timeout=GUARD).status_code == 200
    finally:
        stop(running)


# --- authentication and start-up settings -------------------------------------------------------


def test_a_non_local_bind_needs_a_token_or_a_loud_opt_out(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli_main(["serve", "--http", "--host", "0.0.0.0", "--allowed-host", "mcp.example.com"])
    assert "without authentication" in str(exited.value.code) and "--insecure-no-auth" in str(exited.value.code)
    with pytest.raises(ConfigError, match="without authentication"):
        resolve_settings(host="10.0.0.5", allowed_hosts=["10.0.0.5"], environ={})
    opted_out = resolve_settings(host="10.0.0.5", allowed_hosts=["10.0.0.5"], insecure_no_auth=True, environ={})
    assert opted_out.token is None and opted_out.insecure_no_auth
    with_token = resolve_settings(host="10.0.0.5", allowed_hosts=["10.0.0.5"], environ={"FUPAN_MCP_TOKEN": TOKEN})
    assert with_token.token == TOKEN


def test_ipv6_loopback_in_brackets_starts(tmp_module: Path) -> None:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        pytest.skip("this machine has no IPv6 loopback")
    assert resolve_settings(host="[::1]", environ={}).host == "::1"
    running = launch(tmp_module, "ipv6", "--host", "[::1]", host="::1")
    try:
        assert httpx2.get(f"{running.base}/health", timeout=GUARD).status_code == 200
    finally:
        stop(running)


@pytest.mark.parametrize("port", ["²", "１２", "٣", "8000²"])
def test_non_ascii_digits_never_match_a_port(port: str) -> None:
    assert not _matches(f"localhost:{port}", ["localhost:*", "localhost"])


def test_non_ascii_port_in_host_is_421_and_a_megabyte_id_is_not_echoed(fast_deadlines: Running) -> None:
    refused = raw_exchange(
        fast_deadlines,
        "GET /health HTTP/1.1\r\nHost: localhost:²\r\nConnection: close\r\n\r\n".encode(),
        host="127.0.0.1",
    )
    assert refused.startswith(b"HTTP/1.1 421 ") or refused.startswith(b"HTTP/1.1 400 ")
    huge = "x" * 1_000_000
    body = json.dumps({"jsonrpc": "2.0", "id": huge, "method": "tools/list"}).encode()
    response = httpx2.post(fast_deadlines.mcp, content=body, headers=MCP_HEADERS, timeout=GUARD)
    print(f"\n1 MB id: {response.status_code}, answer {len(response.content)} bytes")
    assert response.status_code == 400 and len(response.content) < 500
    assert response.json()["error"]["code"] == -32600
    assert "x" * 1000 not in fast_deadlines.output()


def test_bad_requests_are_logged_once_per_cause_per_interval(tmp_module: Path) -> None:
    running = launch(tmp_module, "ratelimit")
    try:
        causes: Counter[int] = Counter()
        with httpx2.Client(timeout=GUARD) as client:
            for index in range(300):
                response = client.get(f"{running.base}/health", headers={"Host": f"evil{index}.example"})
                causes[response.status_code] += 1
        log = running.output()
        lines = log.count("refused a request with Host")
        print(f"\n300 foreign Hosts answered {dict(causes)}; log lines for that cause: {lines}")
        assert causes == {421: 300}
        assert 1 <= lines <= 3
    finally:
        stop(running)


# --- JSON-RPC answers over HTTP -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{oops", -32700),
        (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\\ud800"}}', -32700),
        (b'[{"jsonrpc":"2.0","id":1,"method":"ping"}]', -32600),
        (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":' + b"[" * 300 + b"]" * 300 + b"}}", -32600),
        (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":' + b"[" * 5000 + b"]" * 5000 + b"}}", -32700),
        (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":NaN}}', -32700),
    ],
)
def test_every_malformed_message_gets_a_json_rpc_error(fast_deadlines: Running, body: bytes, code: int) -> None:
    response = httpx2.post(fast_deadlines.mcp, content=body, headers=MCP_HEADERS, timeout=GUARD)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert len(response.content) < 500


def test_initialize_still_works_after_the_abuse(fast_deadlines: Running) -> None:
    response = httpx2.post(fast_deadlines.mcp, json=INITIALIZE, headers=MCP_HEADERS, timeout=GUARD)
    assert response.status_code == 200


# --- OAuth 2.1 resource server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def oauth_keys(tmp_module: Path) -> dict[str, Any]:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    public.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    jwks = tmp_module / "jwks.json"
    jwks.write_text(json.dumps({"keys": [public]}), encoding="utf-8")
    return {"key": key, "other": other, "jwks": jwks}


ISSUER = "https://idp.example.test/realms/team"


def make_token(keys: dict[str, Any], resource: str, **changes: Any) -> str:
    import jwt

    now = int(time.time())
    claims = {"iss": ISSUER, "aud": resource, "sub": "alice", "exp": now + 600, "iat": now, "scope": "fupan"}
    signer = keys["other"] if changes.pop("wrong_key", False) else keys["key"]
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, signer, algorithm="RS256", headers={"kid": "k1"})


@pytest.fixture(scope="module")
def oauth_server(tmp_module: Path, oauth_keys: dict[str, Any]) -> Iterator[Running]:
    port = free_port()
    resource_url = f"http://127.0.0.1:{port}/mcp"
    args = ("--oauth-issuer", ISSUER, "--oauth-jwks", str(oauth_keys["jwks"]), "--oauth-scope", "fupan")
    running = launch(tmp_module, "oauth", *args, env={"FUPAN_MCP_TOKEN": TOKEN}, port=port)
    assert running.mcp == resource_url
    try:
        yield running
    finally:
        stop(running)
        assert "Traceback" not in running.output()


def test_protected_resource_metadata_is_served(oauth_server: Running) -> None:
    for path in ("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"):
        document = httpx2.get(f"{oauth_server.base}{path}", timeout=GUARD).json()
        assert document["resource"] == oauth_server.mcp
        assert document["authorization_servers"] == [ISSUER]
        assert document["scopes_supported"] == ["fupan"]
        assert document["bearer_methods_supported"] == ["header"]


def test_a_valid_jwt_is_accepted_and_so_is_the_static_token(oauth_server: Running, oauth_keys: dict[str, Any]) -> None:
    for bearer in (make_token(oauth_keys, oauth_server.mcp), TOKEN):
        headers = {**MCP_HEADERS, "Authorization": f"Bearer {bearer}"}
        response = httpx2.post(oauth_server.mcp, json=INITIALIZE, headers=headers, timeout=GUARD)
        assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"aud": "https://other.example/mcp"}, "audience"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"wrong_key": True}, "bad signature"),
        ({"iss": "https://evil.example"}, "another issuer"),
        ({"exp": None}, "invalid token"),
    ],
)
def test_a_bad_jwt_is_401_with_the_metadata_url(
    oauth_server: Running, oauth_keys: dict[str, Any], changes: dict[str, Any], reason: str
) -> None:
    token = make_token(oauth_keys, oauth_server.mcp, **changes)
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
    response = httpx2.post(oauth_server.mcp, json=INITIALIZE, headers=headers, timeout=GUARD)
    challenge = response.headers["www-authenticate"]
    print(f"\n{reason}: {response.status_code} {challenge}")
    assert response.status_code == 401
    assert f'resource_metadata="{oauth_server.base}/.well-known/oauth-protected-resource/mcp"' in challenge
    assert 'error="invalid_token"' in challenge and reason in response.json()["error"]["message"]
    assert token not in oauth_server.output()


def test_no_token_is_401_and_a_missing_scope_is_403(oauth_server: Running, oauth_keys: dict[str, Any]) -> None:
    response = httpx2.post(oauth_server.mcp, json=INITIALIZE, headers=MCP_HEADERS, timeout=GUARD)
    assert response.status_code == 401 and "resource_metadata=" in response.headers["www-authenticate"]
    token = make_token(oauth_keys, oauth_server.mcp, scope="other")
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
    response = httpx2.post(oauth_server.mcp, json=INITIALIZE, headers=headers, timeout=GUARD)
    assert response.status_code == 403 and 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_none_and_hmac_algorithms_are_refused(oauth_keys: dict[str, Any]) -> None:
    import jwt

    from fupan_mcp.oauth import JwtVerifier, OAuthSettings

    resource_url = "http://127.0.0.1:1/mcp"
    verifier = JwtVerifier(OAuthSettings(ISSUER, resource_url, resource_url, str(oauth_keys["jwks"])))
    claims = {"iss": ISSUER, "aud": resource_url, "exp": int(time.time()) + 60}

    # The public key misused as an HMAC secret (the classic confusion): signed by hand, as PyJWT refuses to.
    def part(value: dict[str, Any]) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")

    signing_input = part({"alg": "HS256", "typ": "JWT", "kid": "k1"}) + b"." + part(claims)
    mac = hmac.new(oauth_keys["jwks"].read_bytes(), signing_input, hashlib.sha256).digest()
    confused = (signing_input + b"." + base64.urlsafe_b64encode(mac).rstrip(b"=")).decode()
    assert verifier.check(confused) == "algorithm not allowed"
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert verifier.check(unsigned) == "algorithm not allowed"
    assert verifier.check("not.a.jwt") == "not a JWT"
    accepted = verifier.check(make_token(oauth_keys, resource_url))
    assert not isinstance(accepted, str) and accepted.subject == "alice" and accepted.scopes == ["fupan"]
