#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store tests (tests/store_backends.py).
#
# Sourced by .ci/run:   source .ci/pg.sh
#   installs PostgreSQL with apt-get when its binaries are missing, starts a server in a fresh
#   temporary directory on a free port of 127.0.0.1, creates the database fupan_test, exports
#   FUPAN_MCP_TEST_POSTGRES_URL (so the PostgreSQL tests must run: they fail instead of skipping),
#   and stops and deletes the server when the sourcing shell exits (an EXIT trap).
# Run by hand:          eval "$(bash .ci/pg.sh)"    ... then: bash .ci/pg.sh stop <dir>
#
# PostgreSQL refuses to run as root: as root the server runs as the 'postgres' user when it
# exists (the apt package creates it), else 'nobody'. The temporary directory is created by root
# (mode 0700) in /tmp and then chowned to that user; nothing else needs to change.
# Fails (non-zero) when PostgreSQL cannot be installed or started.

fupan_pg_bindir() {
  local name dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5nr) /usr/local/pgsql/bin; do
    for name in initdb pg_ctl postgres; do
      [[ -x "$dir/$name" ]] || continue 2
    done
    echo "$dir"
    return 0
  done
  return 1
}

fupan_pg_install() {
  local sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "pg.sh: PostgreSQL is missing and there is no sudo to install it" >&2; return 1; }
    sudo="sudo -n"
  fi
  command -v apt-get >/dev/null 2>&1 || { echo "pg.sh: PostgreSQL is missing and apt-get is not available" >&2; return 1; }
  echo "pg.sh: installing PostgreSQL with apt-get" >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql >&2
}

# Run a command as the server's user (root may not run PostgreSQL).
fupan_pg_as() {
  if [[ -z "${FUPAN_PG_USER:-}" ]]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$FUPAN_PG_USER" -- "$@"
  else
    su -s /bin/sh "$FUPAN_PG_USER" -c "$(printf '%q ' "$@")"
  fi
}

fupan_pg_start() {
  local bindir port attempt
  bindir="$(fupan_pg_bindir)" || { fupan_pg_install && bindir="$(fupan_pg_bindir)"; } || {
    echo "pg.sh: no initdb/pg_ctl/postgres after installing PostgreSQL" >&2
    return 1
  }
  FUPAN_PG_USER=""
  if [[ "$(id -u)" == 0 ]]; then
    if id postgres >/dev/null 2>&1; then FUPAN_PG_USER=postgres; else FUPAN_PG_USER=nobody; fi
  fi
  FUPAN_PG_DIR="$(mktemp -d /tmp/fupan-pg-XXXXXXXX)"
  [[ -z "$FUPAN_PG_USER" ]] || chown "$FUPAN_PG_USER:" "$FUPAN_PG_DIR"
  (cd "$FUPAN_PG_DIR" && fupan_pg_as "$bindir/initdb" -D "$FUPAN_PG_DIR/data" -U postgres -A trust \
    -E UTF8 --locale=C --no-sync >"$FUPAN_PG_DIR/initdb.log" 2>&1) || {
    cat "$FUPAN_PG_DIR/initdb.log" >&2
    return 1
  }
  for attempt in 1 2 3; do  # a free port may be taken before the server binds it
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    if (cd "$FUPAN_PG_DIR" && fupan_pg_as "$bindir/pg_ctl" -D "$FUPAN_PG_DIR/data" -l "$FUPAN_PG_DIR/server.log" -w \
      -o "-h 127.0.0.1 -p $port -k $FUPAN_PG_DIR -F -c full_page_writes=off" start >/dev/null); then
      break
    fi
    [[ "$attempt" != 3 ]] || { tail -n 20 "$FUPAN_PG_DIR/server.log" >&2; return 1; }
  done
  "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres fupan_test || return 1
  FUPAN_PG_BINDIR="$bindir"
  export FUPAN_MCP_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/fupan_test"
  echo "pg.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') at $FUPAN_MCP_TEST_POSTGRES_URL (data in $FUPAN_PG_DIR, user ${FUPAN_PG_USER:-$(id -un)})" >&2
}

fupan_pg_stop() {
  local dir="${1:-${FUPAN_PG_DIR:-}}"
  [[ -n "$dir" && -d "$dir/data" ]] || return 0
  local owner bindir="${FUPAN_PG_BINDIR:-$(fupan_pg_bindir)}"
  owner="$(stat -c %U "$dir/data")"
  if [[ "$(id -u)" == 0 && "$owner" != root ]]; then FUPAN_PG_USER="$owner"; else FUPAN_PG_USER=""; fi
  (cd "$dir" && fupan_pg_as "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1) || true
  rm -rf "$dir"
}

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then  # sourced: start now, stop when the shell exits
  fupan_pg_start || return 1
  trap 'fupan_pg_stop "$FUPAN_PG_DIR"' EXIT
else
  set -euo pipefail
  case "${1:-start}" in
    start)
      fupan_pg_start
      echo "export FUPAN_MCP_TEST_POSTGRES_URL='$FUPAN_MCP_TEST_POSTGRES_URL'"
      echo "# stop with: bash .ci/pg.sh stop $FUPAN_PG_DIR"
      ;;
    stop) fupan_pg_stop "${2:?usage: pg.sh stop <dir>}" ;;
    *) echo "usage: source .ci/pg.sh | bash .ci/pg.sh [start | stop <dir>]" >&2; exit 2 ;;
  esac
fi
