"""Review-store backends for the store tests: SQLite, and PostgreSQL when one can be had.

PostgreSQL comes from, in order:
1. ``$FUPAN_MCP_TEST_POSTGRES_URL`` (a ``postgresql://`` URL of a database the tests may create
   and drop schemas in; CI sets it through ``.ci/pg.sh``). When it is set the PostgreSQL tests
   must run: a failure to connect fails them instead of skipping.
2. a throwaway server started once per test session from the ``initdb``/``pg_ctl`` binaries (on
   PATH or under /usr/lib/postgresql/<version>/bin): a cluster in a fresh temporary directory,
   listening on a free port of 127.0.0.1 (its unix socket in that directory too), trust
   authentication, fsync off, one database ``fupan_test``. It is stopped and deleted when the
   session ends, failed or not (``config.add_cleanup``, and ``atexit`` as a backstop).
   PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user when it
   exists, else ``nobody`` (``subprocess`` switches uid/gid; no sudo/runuser needed). Permissions
   that work: the temporary directory is created by root with mode 0700 and then chowned to that
   user; its parent (the system temp directory, normally /tmp, mode 1777) must be traversable by
   the user, else /tmp is used.
Otherwise the PostgreSQL tests skip, saying why.

Each test gets its own schema (``CREATE SCHEMA``, selected with ``options=-csearch_path=...`` in
the URL, dropped afterwards), which costs a few milliseconds instead of a database per test.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import pytest

from fupan_mcp.store import ReviewStore, SQLiteStore

ENV_URL = "FUPAN_MCP_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgres"]
TEST_DATABASE = "fupan_test"
_BINARIES = ("initdb", "pg_ctl", "postgres")


@dataclass
class _Server:
    """A throwaway PostgreSQL cluster (see the module docstring)."""

    bindir: Path
    root: Path = field(default_factory=Path)
    port: int = 0
    uid: int | None = None
    gid: int | None = None

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            user=self.uid,
            group=self.gid,
            extra_groups=[] if self.uid is not None else None,
        )

    def start(self) -> str:
        if os.geteuid() == 0:
            account = _unprivileged_account()
            self.uid, self.gid = account.pw_uid, account.pw_gid
        parent = tempfile.gettempdir()
        if self.uid is not None and not _traversable(Path(parent)):
            parent = "/tmp"
        self.root = Path(tempfile.mkdtemp(prefix="fupan-pg-", dir=parent))
        if self.uid is not None:
            os.chown(self.root, self.uid, self.gid or -1)
        data = self.root / "data"
        done = self._run(
            "initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        for _ in range(3):  # a free port may be taken before the server binds it
            self.port = _free_port()
            options = f"-h 127.0.0.1 -p {self.port} -k {self.root} -F -c full_page_writes=off"
            done = self._run("pg_ctl", "-D", str(data), "-l", str(self.root / "log"), "-w", "-o", options, "start")
            if done.returncode == 0:
                break
        else:
            log = (self.root / "log").read_text(errors="replace")[-2000:] if (self.root / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr.strip()}\n{log}")
        admin = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEST_DATABASE}")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{TEST_DATABASE}"

    def stop(self) -> None:
        if not self.root.parts or not self.root.exists():
            return
        if (self.root / "data" / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop", timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


def _unprivileged_account() -> pwd.struct_passwd:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists")


def _traversable(path: Path) -> bool:
    """Whether every directory down to ``path`` lets other users through."""
    return all(p.stat().st_mode & stat.S_IXOTH for p in [path.resolve(), *path.resolve().parents])


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _version(bindir: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in bindir.parent.name.split(".") if part.isdigit())


def find_bindir() -> Path | None:
    """The directory with initdb, pg_ctl and postgres: PATH first, then Debian's layout."""
    found = [shutil.which(name) for name in _BINARIES]
    if all(found):
        return Path(str(found[0])).resolve().parent
    debian = sorted(map(Path, glob.glob("/usr/lib/postgresql/*/bin")), key=_version, reverse=True)
    for candidate in [*debian, Path("/usr/local/pgsql/bin")]:
        if all((candidate / name).exists() for name in _BINARIES):
            return candidate
    return None


class _Session:
    """The session's PostgreSQL: resolved once, shared by every test (module state)."""

    url: str | None = None
    skip_reason: str | None = None
    error: str | None = None
    server: _Server | None = None


def _stop_server() -> None:
    server, _Session.server = _Session.server, None
    if server is not None:
        server.stop()


def postgres_base_url(config: pytest.Config) -> str:
    """The URL of the test database; skips (or fails, when required) if there is none."""
    if _Session.url is None and _Session.skip_reason is None and _Session.error is None:
        _resolve(config)
    if _Session.error is not None:
        pytest.fail(_Session.error, pytrace=False)
    if _Session.skip_reason is not None:
        pytest.skip(_Session.skip_reason)
    assert _Session.url is not None
    return _Session.url


def _resolve(config: pytest.Config) -> None:
    env = os.environ.get(ENV_URL, "").strip()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        message = "psycopg is not installed (pip install -e '.[test]')"
        if env:
            _Session.error = f"{ENV_URL} is set but {message}"
        else:
            _Session.skip_reason = f"PostgreSQL tests: {message}"
        return
    if env:
        _Session.url = env
        return
    bindir = find_bindir()
    if bindir is None:
        _Session.skip_reason = (
            f"PostgreSQL tests: no initdb/pg_ctl/postgres found and {ENV_URL} is not set "
            "(apt-get install postgresql, or source .ci/pg.sh)"
        )
        return
    server = _Session.server = _Server(bindir)
    config.add_cleanup(_stop_server)
    atexit.register(_stop_server)
    try:
        _Session.url = server.start()
    except Exception as exc:  # the binaries are there, so this is a real failure
        _stop_server()
        _Session.error = f"could not start a throwaway PostgreSQL from {bindir}: {exc}"


def with_search_path(url: str, schema: str) -> str:
    """``url`` with ``options=-c search_path=<schema>`` added to its query."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"{query.get('options', '')} -c search_path={schema}".strip()
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))  # libpq: %20, not +


@contextlib.contextmanager
def postgres_schema_url(config: pytest.Config) -> Iterator[str]:
    """A fresh, empty schema of the test database, as a URL selecting it; dropped afterwards."""
    import psycopg

    base = postgres_base_url(config)
    schema = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(base, schema)
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute("SET lock_timeout = '20s'")
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextlib.contextmanager
def open_backend(backend: str, config: pytest.Config, fts: bool | None = None) -> Iterator[ReviewStore]:
    """A new, empty store of ``backend``: "sqlite" in memory (``fts`` as for `SQLiteStore`),
    "postgres" in a fresh schema."""
    if backend == "sqlite":
        with SQLiteStore(":memory:", fts=fts) as store:
            yield store
        return
    from fupan_mcp.store.postgres import PostgresStore

    with postgres_schema_url(config) as url, PostgresStore(url) as store:
        yield store
