# What the test suite needs beyond Python, for CI on a fresh machine. Sourced by .ci/run.
#
# - Node clients for the interop tests: the official TypeScript SDK clients, the MCP Inspector CLI
#   and the conformance suite, pinned by tests/interop/package-lock.json (skipped without Node);
#   the same lock pins the official bundle CLI (@anthropic-ai/mcpb) that tests/test_packaging.py uses
#   to validate and pack the Claude Desktop bundle.
# - Debian's Chromium and CJK fonts for the screenshot tests of the HTML report and the app view.
# - LibreOffice Writer (no GUI) and poppler-utils for tests/test_docx_pages.py, which lays the Word
#   export out as PDF and PNG pages; with CI=true that test fails instead of skipping without them.
#   Carlito stands in for Calibri with the same metrics, so the pages break as they do in Word.
# - A throwaway PostgreSQL server for the store tests (.ci/pg.sh): it exports
#   FUPAN_MCP_TEST_POSTGRES_URL, so the PostgreSQL tests must pass instead of skipping.

if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/interop --no-audit --no-fund
else
  echo "services.sh: node/npm not found, the interop clients are not installed" >&2
fi

if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk fonts-noto-color-emoji >&2 \
      || echo "services.sh: chromium or fonts-noto-cjk could not be installed" >&2
  fi
fi

if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi carlito; then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-crosextra-carlito fonts-noto-cjk >&2 \
      || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer poppler-utils fonts-crosextra-carlito fonts-noto-cjk >&2 \
      || echo "services.sh: LibreOffice or poppler-utils could not be installed" >&2
  fi
fi

source .ci/pg.sh
