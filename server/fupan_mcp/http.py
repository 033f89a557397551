"""The team server: MCP over streamable HTTP, behind a small ASGI guard.

``fupan-mcp serve --http`` imports this module (and with it uvicorn and starlette); the stdio
server never does, so its start-up stays light.

Shape of one request, outermost first:

1. **Host and Origin** (DNS-rebinding protection) on *every* path, ``/health`` included: a Host
   outside the allowlist gets 421, an Origin outside it 403. Requests without an Origin (every
   non-browser client) pass the Origin check.
2. **Bearer token**, when one is configured (env ``FUPAN_MCP_TOKEN`` or ``--token-file``): every
   request except ``GET /health`` and ``GET /`` must carry ``Authorization: Bearer <token>``; compared in
   constant time; 401 with ``WWW-Authenticate: Bearer`` otherwise. ``/health`` stays open so
   load balancers and orchestrators can probe it without a secret; it answers only
   ``{"status": "ok", "version": ...}``.
3. **Body size limit** (``--max-body``, 4 MiB by default): 413 for a larger declared
   ``Content-Length`` and for a chunked body that grows past the limit.
4. **JSON-RPC envelope** of POSTs to the MCP path: a body that is not JSON (-32700) or not one
   JSON-RPC 2.0 message (-32600) gets a 400 with a one-line reason. The SDK's own answer on the
   handshake-era path would be the full pydantic report, echoing the input back.
5. The routes: ``GET /health`` and the MCP endpoint (``--path``, ``/mcp`` by default), served by
   the SDK's session manager in stateless mode, so any replica can answer any request.

Refusals are small JSON-RPC error objects (``id: null``); no response carries a traceback.
Shutdown: uvicorn handles SIGTERM/SIGINT and gives in-flight requests
`GRACEFUL_SHUTDOWN_SECONDS`.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import re
import sys
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fupan_mcp import __version__, isolation
from fupan_mcp.i18n import tr
from fupan_mcp.jsonrpc import INVALID_REQUEST, PARSE_ERROR, check_message
from fupan_mcp.netguard import DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT, default_max_connections

if TYPE_CHECKING:
    from fupan_mcp.oauth import JwtVerifier, OAuthSettings

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_PATH = "/mcp"
HEALTH_PATH = "/health"
METADATA_PATH = "/.well-known/oauth-protected-resource"
HOME_PATH = "/"
"""``GET /``: a small HTML page for a person who opens the server's address in a browser."""
OPEN_PATHS = (HEALTH_PATH, HOME_PATH)
"""Paths a GET needs no token for: they tell only what the server is and its version."""
DEFAULT_MAX_BODY = 4 * 1024 * 1024
GRACEFUL_SHUTDOWN_SECONDS = 10.0
SWITCH_INTERVAL_SECONDS = 0.001
"""GIL hand-over interval of the HTTP server (CPython's default: 5 ms), see `serve_http`."""
"""How long uvicorn lets in-flight requests finish after SIGTERM/SIGINT before closing them."""

EXCHANGE_BYTES = 65536
"""A POSTed body this large is parsed off the event loop; a pure tool's call that large is answered
whole in a worker process (`isolation.exchange`) under ``serve --http``."""

MAX_HEADER_BYTES = 16 * 1024
"""Largest request line plus headers (h11's incomplete-event limit); larger gets 400 or a close."""
KEEP_ALIVE_SECONDS = 5
"""An idle kept-alive connection is closed after this long."""
__all__ = ["INVALID_REQUEST", "PARSE_ERROR"]

ENV_TOKEN = "FUPAN_MCP_TOKEN"
ENV_ALLOWED_HOSTS = "FUPAN_MCP_ALLOWED_HOSTS"
ENV_ALLOWED_ORIGINS = "FUPAN_MCP_ALLOWED_ORIGINS"

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


class ConfigError(ValueError):
    """A start-up setting that cannot be used; the message says what to pass instead."""


@dataclass(frozen=True)
class HttpSettings:
    """Everything ``serve --http`` needs, already validated (build it with `resolve_settings`)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    path: str = DEFAULT_PATH
    allowed_hosts: tuple[str, ...] = ()
    """Host header patterns: ``name``, ``name:port`` or ``name:*`` (any port)."""
    allowed_origins: tuple[str, ...] = ()
    """Origin patterns: ``scheme://name[:port]`` or ``scheme://name:*``."""
    token: str | None = field(default=None, repr=False)
    max_body: int = DEFAULT_MAX_BODY
    access_log: bool = False
    header_timeout: float = DEFAULT_HEADER_TIMEOUT
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    max_connections: int = field(default_factory=default_max_connections)
    insecure_no_auth: bool = False
    """Serve a non-local interface with neither token nor OAuth (only with ``--insecure-no-auth``)."""
    oauth: OAuthSettings | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{self.path}"


# --- settings ---------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_env(value: str | None) -> list[str]:
    return [item for item in re.split(r"[,\s]+", value or "") if item]


def _host_patterns(entry: str) -> list[str]:
    """``mcp.example.com`` allows that name on any port; ``name:port`` and ``name:*`` are kept."""
    entry = entry.strip().lower()
    if not entry or "/" in entry or entry == "*" or entry.startswith("*"):
        raise ConfigError(
            f"--allowed-host {entry!r}: give a host name or address, optionally with :port or :* "
            "(wildcard names are not supported)"
        )
    if entry.count(":") > 1 and not entry.startswith("["):  # a bare IPv6 address
        entry = f"[{entry}]"
    name, _, port = entry.rpartition(":") if not entry.endswith("]") else ("", "", "")
    if name and (port == "*" or (port.isascii() and port.isdigit())):
        return [entry]
    if name:
        raise ConfigError(f"--allowed-host {entry!r}: the port must be a number or *")
    return [entry, f"{entry}:*"]


def _origin_patterns(entry: str) -> list[str]:
    entry = entry.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^/\s?#]+", entry, flags=re.IGNORECASE):
        raise ConfigError(
            f"--allowed-origin {entry!r}: an origin is scheme://host[:port], e.g. https://app.example.com"
        )
    return [entry.lower()]


def _read_token(token_file: Path | None, environ: Mapping[str, str]) -> str | None:
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError(
                f"--token-file {str(token_file)!r}: cannot read it ({error.__class__.__name__})"
            ) from None
        source = "--token-file"
    elif ENV_TOKEN in environ:
        token = environ[ENV_TOKEN].strip()
        source = ENV_TOKEN
    else:
        return None
    if not token:
        raise ConfigError(f"{source} is set but empty; refusing to start without the intended token")
    if not re.fullmatch(r"[\x21-\x7e]+", token):
        raise ConfigError(f"{source}: the token must be printable ASCII without spaces")
    return token


def parse_size(text: str) -> int:
    """``4194304``, ``4MiB``, ``512KiB``, ``4M`` → bytes."""
    match = re.fullmatch(r"\s*([0-9]+)\s*([kmg]i?b?|b)?\s*", text, flags=re.IGNORECASE)
    if not match:
        raise ConfigError(f"--max-body {text!r}: expected a number of bytes, or e.g. 512KiB, 4MiB")
    unit = (match.group(2) or "b").lower()[0]
    size = int(match.group(1)) * {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]
    if size <= 0:
        raise ConfigError("--max-body must be at least 1 byte")
    return size


def resolve_settings(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    path: str = DEFAULT_PATH,
    allowed_hosts: Sequence[str] = (),
    allowed_origins: Sequence[str] = (),
    token_file: Path | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    access_log: bool = False,
    header_timeout: float = DEFAULT_HEADER_TIMEOUT,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
    max_connections: int | None = None,
    insecure_no_auth: bool = False,
    oauth: OAuthSettings | None = None,
    environ: Mapping[str, str] | None = None,
) -> HttpSettings:
    """Merge flags and environment, apply the safe defaults, refuse unsafe combinations."""
    env = os.environ if environ is None else environ
    host = _bind_host(host)
    if not 0 < port < 65536:
        raise ConfigError(f"--port {port}: expected 1-65535")
    if not re.fullmatch(r"(/[A-Za-z0-9._~-]+)+", path):
        raise ConfigError(f"--path {path!r}: expected an absolute path such as /mcp")
    if path == HEALTH_PATH:
        raise ConfigError(f"--path {HEALTH_PATH} is taken by the health check")

    host_entries = [*allowed_hosts, *_split_env(env.get(ENV_ALLOWED_HOSTS))]
    origin_entries = [*allowed_origins, *_split_env(env.get(ENV_ALLOWED_ORIGINS))]
    hosts = [pattern for entry in host_entries for pattern in _host_patterns(entry)]
    origins = [pattern for entry in origin_entries for pattern in _origin_patterns(entry)]

    if is_loopback(host):
        # The names a local client uses, on any port; origins of local pages (the SDK's default).
        hosts += [pattern for name in LOOPBACK_NAMES for pattern in (name, f"{name}:*")]
        origins += [pattern for name in LOOPBACK_NAMES for pattern in (f"http://{name}", f"http://{name}:*")]
    elif not host_entries:
        where = "all interfaces" if host in WILDCARD_HOSTS else host
        raise ConfigError(
            f"refusing to listen on {where} without a Host allowlist: DNS-rebinding protection needs the "
            "names clients use to reach this server. Pass --allowed-host NAME[:PORT] (repeatable) or set "
            f"{ENV_ALLOWED_HOSTS}=mcp.example.com,10.0.0.5:{port}; browser front ends also need "
            f"--allowed-origin https://app.example.com (or {ENV_ALLOWED_ORIGINS})."
        )

    if not header_timeout > 0 or not body_timeout > 0:
        raise ConfigError("--header-timeout and --body-timeout must be more than 0 seconds")
    if max_connections is not None and max_connections < 1:
        raise ConfigError("--max-connections must be at least 1")
    token = _read_token(token_file, env)
    if not is_loopback(host) and token is None and oauth is None and not insecure_no_auth:
        where = "all interfaces" if host in WILDCARD_HOSTS else host
        raise ConfigError(
            f"refusing to listen on {where} without authentication: anyone who can reach it could read and "
            f"change every stored review. Set {ENV_TOKEN} or pass --token-file FILE, or configure OAuth "
            "(--oauth-issuer ...); to serve without any (a trusted network only), pass --insecure-no-auth."
        )
    return HttpSettings(
        host=host,
        port=port,
        path=path,
        allowed_hosts=tuple(dict.fromkeys(hosts)),
        allowed_origins=tuple(dict.fromkeys(origins)),
        token=token,
        max_body=max_body,
        access_log=access_log,
        header_timeout=header_timeout,
        body_timeout=body_timeout,
        max_connections=max_connections or default_max_connections(),
        insecure_no_auth=insecure_no_auth,
        oauth=oauth,
    )


def _bind_host(host: str) -> str:
    """``[::1]`` (as in a URL) binds ``::1``; other spellings are kept."""
    host = host.strip()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host.strip("[]"):
        raise ConfigError("--host: give an interface address or name, e.g. 127.0.0.1, ::1 or 0.0.0.0")
    if "[" in host or "]" in host:
        raise ConfigError(f"--host {host!r}: write an IPv6 address as ::1 or [::1]")
    return host


def transport_security(settings: HttpSettings) -> TransportSecuritySettings:
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=list(settings.allowed_hosts),
        allowed_origins=list(settings.allowed_origins),
    )


# --- the ASGI guard ---------------------------------------------------------------------------


def _matches(value: str, patterns: Iterable[str]) -> bool:
    """Exact match, or ``base:*`` for ``base`` on any port (the SDK's rule)."""
    value = value.lower()
    for pattern in patterns:
        if value == pattern:
            return True
        if pattern.endswith(":*"):
            base = pattern[:-2]
            port = value[len(base) + 1 :]
            if value.startswith(base + ":") and port.isascii() and port.isdigit():
                return True
    return False


def error_response(
    status: int, message: str, headers: Mapping[str, str] | None = None, *, code: int = INVALID_REQUEST
) -> Response:
    """A JSON-RPC error without an id: what the SDK sends for transport-level refusals."""
    body = {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def jsonrpc_problem(body: bytes) -> tuple[int, str] | None:
    """Why a POSTed body is not one JSON-RPC 2.0 message, or None when its envelope is sound.

    Checked before the SDK sees the body, because the SDK's legacy path answers a malformed
    envelope with the full pydantic validation report, which echoes the input back.
    (`fupan_mcp.jsonrpc.check_message`, shared with the stdio server.)
    """
    refusal = check_message(body)
    return None if refusal is None else (refusal.code, refusal.message)


class Guard:
    """One pure-ASGI layer in front of the SDK's app: checks, /health, body limit, envelope check."""

    def __init__(self, app: ASGIApp, settings: HttpSettings) -> None:
        self.app = app
        self.path = settings.path
        self.max_body = settings.max_body
        self.hosts = settings.allowed_hosts
        self.origins = settings.allowed_origins
        self.token = settings.token.encode("ascii") if settings.token else None
        self.oauth = settings.oauth
        self.verifier: JwtVerifier | None = None
        self.metadata_paths: tuple[str, ...] = ()
        self.metadata_body = b""
        if settings.oauth is not None:
            from fupan_mcp.oauth import JwtVerifier, metadata

            self.verifier = JwtVerifier(settings.oauth)
            well_known = urllib.parse.urlsplit(settings.oauth.metadata_url).path
            self.metadata_paths = tuple(dict.fromkeys((well_known, METADATA_PATH)))
            self.metadata_body = json.dumps(metadata(settings.oauth)).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # the SDK app's lifespan runs its session manager
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets here
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = Headers(scope=scope)
        refusal = self.refusal(scope, headers)
        if refusal is None:
            refusal = await self.unauthorized(scope, headers)
        if refusal is not None:
            await refusal(scope, receive, send)
        elif scope["path"] == HEALTH_PATH:
            await health(scope["method"])(scope, receive, send)
        elif scope["path"] == HOME_PATH and scope["method"] in ("GET", "HEAD"):
            await home_page(self.path, self.token is not None)(scope, receive, send)
        elif scope["path"] in self.metadata_paths:
            await self.resource_metadata(scope["method"])(scope, receive, send)
        elif scope["path"] == self.path and scope["method"] != "POST":
            # Stateless: no session to resume (GET would open an event stream that never ends), none to
            # delete. 405 is what the spec tells clients to expect; the SDK client handles it.
            await error_response(405, "Method Not Allowed: this server is stateless; POST only", {"Allow": "POST"})(
                scope, receive, send
            )
        elif scope["method"] == "POST" and scope["path"] == self.path:
            await self.post(scope, receive, send, headers)
        else:  # unknown paths: the SDK answers 404
            await self.app(scope, receive, send)

    def _open_path(self, scope: Scope) -> bool:
        """/health, the home page and the protected-resource metadata need no credentials."""
        return scope["method"] in ("GET", "HEAD") and (
            scope["path"] in OPEN_PATHS or scope["path"] in self.metadata_paths
        )

    async def unauthorized(self, scope: Scope, headers: Headers) -> Response | None:
        """With OAuth: 401 (with the RFC 9728 metadata URL) or 403 for a missing scope; else None."""
        if self.verifier is None or self.oauth is None or self._open_path(scope):
            return None
        challenge = f'Bearer resource_metadata="{self.oauth.metadata_url}"'
        scheme, _, presented = headers.get("authorization", "").partition(" ")
        presented = presented.strip()
        if scheme.lower() != "bearer" or not presented:
            return error_response(401, "Authentication required", {"WWW-Authenticate": challenge})
        if self.token is not None and hmac.compare_digest(presented.encode("latin-1"), self.token):
            return None
        checked = await self.verifier.check_async(presented)
        if isinstance(checked, str):
            logger.warning("refused a bearer token: %s", checked)
            return error_response(
                401,
                f"Invalid token: {checked}",
                {"WWW-Authenticate": f'{challenge}, error="invalid_token", error_description="{checked}"'},
            )
        missing = [name for name in self.oauth.scopes if name not in checked.scopes]
        if missing:
            return error_response(
                403,
                f"Insufficient scope: needs {' '.join(missing)}",
                {"WWW-Authenticate": f'{challenge}, error="insufficient_scope", scope="{" ".join(self.oauth.scopes)}"'},
            )
        return None

    def resource_metadata(self, method: str) -> Response:
        if method not in ("GET", "HEAD"):
            return error_response(405, "Method Not Allowed", {"Allow": "GET, HEAD"})
        return Response(self.metadata_body, media_type="application/json", headers={"Cache-Control": "max-age=3600"})

    def refusal(self, scope: Scope, headers: Headers) -> Response | None:
        """421 for a foreign Host, 403 for a foreign Origin, 401 without the token; else None."""
        host = headers.get("host")
        if not host or not _matches(host, self.hosts):
            logger.warning("refused a request with Host %r", (host or "")[:100])
            return error_response(421, "Invalid Host header")
        origin = headers.get("origin")
        if origin is not None and not _matches(origin.rstrip("/"), self.origins):
            logger.warning("refused a request with Origin %r", origin[:100])
            return error_response(403, "Invalid Origin header")
        if self.token is None or self.verifier is not None or self._open_path(scope):
            return None  # with OAuth, `unauthorized` checks the static token too
        scheme, _, presented = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not presented.strip():
            return error_response(401, "Authentication required", {"WWW-Authenticate": 'Bearer realm="fupan-mcp"'})
        if not hmac.compare_digest(presented.strip().encode("latin-1"), self.token):
            return error_response(
                401,
                "Invalid token",
                {"WWW-Authenticate": 'Bearer realm="fupan-mcp", error="invalid_token"'},
            )
        return None

    async def post(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        """Read the body once (413 past the limit, chunked or not), check its envelope, replay it."""
        declared = headers.get("content-length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > self.max_body:
            await too_large(self.max_body)(scope, receive, send)
            return
        body = bytearray()
        trailing: list[Message] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                trailing.append(message)  # the client went away; let the SDK see it
                break
            body.extend(message.get("body", b""))
            if len(body) > self.max_body:
                await too_large(self.max_body)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        if not trailing and headers.get("content-type", "").lower().startswith("application/json"):
            data = bytes(body)
            problem: tuple[int, str] | None
            if len(data) >= EXCHANGE_BYTES and isolation.exchanges():
                # A heavy call answered whole in a worker process: this loop neither parses nor serialises.
                answer = await isolation.exchange(scope, data)
                if isinstance(answer, list):
                    for message in answer:
                        await send(message)
                    return
                problem = None if answer is None else (answer.code, answer.message)
            elif len(data) >= EXCHANGE_BYTES:
                # Parsing megabytes takes a while: off the event loop, so /health and small calls keep flowing.
                problem = await anyio.to_thread.run_sync(jsonrpc_problem, data)
            else:
                problem = jsonrpc_problem(data)
            if problem is not None:
                await error_response(400, problem[1], code=problem[0])(scope, receive, send)
                return
        # else: the SDK answers a wrong Content-Type with 400 itself
        replay: list[Message] = [{"type": "http.request", "body": bytes(body), "more_body": False}, *trailing]

        async def replayed() -> Message:
            return replay.pop(0) if replay else await receive()

        await self.app(scope, replayed, send)


def too_large(limit: int) -> Response:
    """413 naming the limit, in both languages (zh first): the body is refused unread, so no
    `language` argument is known yet."""
    from fupan_mcp.report.shell import SHELL_TEXT

    message = " / ".join(tr(SHELL_TEXT, "body_too_large", lang, limit=f"{limit:,}") for lang in ("zh", "en"))
    return error_response(413, message)


def health(method: str) -> Response:
    if method not in ("GET", "HEAD"):
        return error_response(405, "Method Not Allowed", {"Allow": "GET, HEAD"})
    return JSONResponse({"status": "ok", "version": __version__}, headers={"Cache-Control": "no-store"})


# --- the application --------------------------------------------------------------------------


def build_app(server: MCPServer[Any], settings: HttpSettings) -> ASGIApp:
    """The whole ASGI application: the guard in front of the SDK's stateless streamable-HTTP app.

    The SDK app keeps its own Host/Origin check (same allowlists) and body limit (same size) as a
    second line; its lifespan runs the session manager.
    """
    mcp_app = server.streamable_http_app(
        streamable_http_path=settings.path,
        stateless_http=True,
        max_request_body_size=settings.max_body,
        transport_security=transport_security(settings),
        host=settings.host,
    )
    return Guard(mcp_app, settings)


def serve_http(settings: HttpSettings, server: MCPServer[Any] | None = None) -> None:
    """Run until SIGINT/SIGTERM; in-flight requests get `GRACEFUL_SHUTDOWN_SECONDS` to finish."""
    import uvicorn

    if server is None:
        from fupan_mcp.app import create_server

        server = create_server()
    from fupan_mcp.netguard import ACCEPT_BACKLOG, ConnectionLimits, install_rate_limit, protocol_class

    # Stateless mode opens and "terminates" a transport per request; that INFO line is noise here.
    logging.getLogger("mcp.server.streamable_http").setLevel(logging.WARNING)
    install_rate_limit()
    # A heavy call computes on a worker thread; the event loop gets the GIL back after at most this
    # long instead of CPython's 5 ms, so small calls and /health are routed in between.
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    if not is_loopback(settings.host) and settings.token is None and settings.oauth is None:
        for _ in range(3):  # --insecure-no-auth: say it loudly, at the top and more than once
            logger.warning(
                "INSECURE: serving %s with no authentication (--insecure-no-auth): anyone who can reach it "
                "can read, change and delete every stored review",
                settings.host,
            )
    logger.info(
        "fupan-mcp %s: MCP on %s (stateless; token %s; OAuth %s; hosts %s; at most %d connections, "
        "headers within %gs, body within %gs)",
        __version__,
        settings.url,
        "required" if settings.token else "off",
        settings.oauth.issuer if settings.oauth else "off",
        json.dumps(list(settings.allowed_hosts)),
        settings.max_connections,
        settings.header_timeout,
        settings.body_timeout,
    )
    limits = ConnectionLimits(settings.header_timeout, settings.body_timeout, settings.max_connections)
    config = uvicorn.Config(
        build_app(server, settings),
        http=protocol_class(limits),
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
        backlog=ACCEPT_BACKLOG,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        host=settings.host,
        port=settings.port,
        lifespan="on",
        ws="none",
        access_log=settings.access_log,
        server_header=False,
        timeout_graceful_shutdown=int(GRACEFUL_SHUTDOWN_SECONDS),
        log_config=None,  # keep the root handler MCPServer set up (stderr)
        log_level="info",  # an explicit level: left unset, uvicorn formats TRACE lines for every request
    )
    from fupan_mcp.gctuning import tune_gc
    from fupan_mcp.memory import tune_allocator

    tune_allocator()  # before any worker thread: big calls' memory can go back to the system
    tune_gc()  # after start-up: what exists now is left out of every later collection
    from fupan_mcp.app import FupanServer

    if isinstance(server, FupanServer):  # after the tuning (the workers inherit it), before any thread
        app = config.app
        isolation.start(server, worker_processes(), app.app if isinstance(app, Guard) else None)
    try:
        uvicorn.Server(config).run()
    finally:
        isolation.stop()


def worker_processes() -> int:
    """Worker processes for heavy pure calls: `HEAVY_CALLS`, at most one per core."""
    from fupan_mcp.limits import HEAVY_CALLS

    return max(1, min(HEAVY_CALLS, os.cpu_count() or 1))


# --- the web entry ----------------------------------------------------------------------------

HOME_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fupan-mcp {version}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
code, pre {{ background: #f3f4f6; border-radius: 4px; padding: 0.1rem 0.3rem; }}
pre {{ padding: 0.6rem; overflow-x: auto; }}
</style>
</head>
<body>
<h1>复盘 fupan-mcp <small>{version}</small></h1>
<p>An MCP server for project reviews (复盘) and incident postmortems: the GRAI review prompt plus tools
that compute target attainment and KPI trees, check root causes, actions and risks, and render the
report. This address is for MCP clients, not for browsing.</p>
<h2>MCP endpoint</h2>
<p>Streamable HTTP at <code id="endpoint">{path}</code> on this host (POST JSON-RPC; stateless).
{auth}</p>
<h2>Configure a client</h2>
<p>Replace <code>https://mcp.example.com</code> with the address you opened this page at.
VS Code (<code>.vscode/mcp.json</code>):</p>
<pre>{{"servers": {{"fupan": {{"type": "http", "url": "https://mcp.example.com{path}"{headers}}}}}}}</pre>
<p>Claude Code: <code>claude mcp add --transport http fupan https://mcp.example.com{path}{header_flag}</code></p>
<h2>Status</h2>
<p>Health: <a href="{health}">{health}</a> answers <code>{{"status": "ok", "version": "{version}"}}</code>.
Version {version}. Source and documentation: <a href="{website}">{website}</a>.</p>
</body>
</html>
"""

WEBSITE = "https://github.com/fupan-mcp/fupan-mcp"


def home_page(path: str, token_required: bool) -> Response:
    """The page behind ``GET /``: what this server is, its endpoint, a client snippet, health and version."""
    from html import escape

    auth = (
        "Every request to it needs <code>Authorization: Bearer &lt;token&gt;</code>; ask the operator for the token."
        if token_required
        else "No token is configured."
    )
    page = HOME_PAGE.format(
        version=escape(__version__),
        path=escape(path),
        auth=auth,
        headers=', "headers": {"Authorization": "Bearer &lt;token&gt;"}' if token_required else "",
        header_flag=' --header "Authorization: Bearer &lt;token&gt;"' if token_required else "",
        health=HEALTH_PATH,
        website=WEBSITE,
    )
    return Response(page, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})
