"""Entry point of the fupan-mcp Claude Desktop bundle (manifest ``server.type: python``).

The client runs ``python ${__dirname}/server/main.py`` with ``PYTHONPATH=${__dirname}/server/lib``,
where ``lib`` holds fupan-mcp and every dependency (``python3 dev.py bundle`` installs them there for
the Python version and platform it runs on: ``build.json`` says which). The settings a user leaves
empty reach us as empty strings (or, in some clients, as the unexpanded ``${user_config...}``): they
are dropped, so the server falls back to its defaults instead of opening a store at "".
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIB = HERE / "lib"
SETTINGS = ("FUPAN_MCP_DB", "FUPAN_MCP_OUTPUT_DIR")


def _built_for() -> str:
    try:
        info = json.loads((HERE / "build.json").read_text(encoding="utf-8"))
        return f"Python {info['python']} on {info['platform']}"
    except (OSError, ValueError, KeyError):
        return "the Python it was built with"


def main() -> None:
    if sys.version_info < (3, 10):  # noqa: UP036 - the client may start any python on PATH
        sys.exit(f"fupan-mcp needs Python 3.10 or newer; this is {sys.version.split()[0]}")
    if str(LIB) not in sys.path:
        sys.path.insert(0, str(LIB))
    for name in SETTINGS:
        value = os.environ.get(name, "").strip()
        if not value or value.startswith("${"):
            os.environ.pop(name, None)
    try:
        import pydantic_core  # noqa: F401 - the compiled part: the first import to fail on a foreign Python

        from fupan_mcp.cli import main as cli_main
    except ImportError as error:
        sys.exit(f"fupan-mcp bundle: cannot load its libraries ({error}); this bundle was built for {_built_for()}")
    cli_main(["serve", *sys.argv[1:]])


if __name__ == "__main__":
    main()
