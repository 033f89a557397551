#!/usr/bin/env python3
"""Set-up and tasks on a fresh machine with only Python 3.10+: no uv, no global installs.

    python3 dev.py demo    # create .venv if needed, install, run a real MCP session on sample data
    python3 dev.py test    # create .venv if needed, install with test extras, lint, type-check, test
    python3 dev.py bench   # run the benchmarks

The virtual environment lives in .venv next to this file and is refreshed when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".fupan-installed"


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)
    if code:
        sys.exit(code)


def ensure_env() -> None:
    if sys.version_info < (3, 10):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("fupan-mcp needs Python 3.10 or newer")
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == want and PYTHON.exists():
        return
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", ".[test]")
    STAMP.write_text(want)


def main() -> None:
    task = sys.argv[1] if len(sys.argv) > 1 else "help"
    extra = sys.argv[2:]
    if task == "demo":
        ensure_env()
        run(PYTHON, "-m", "fupan_mcp", "demo", *extra)
    elif task == "test":
        ensure_env()
        run(PYTHON, "-m", "ruff", "check", "server", "tests", "benchmarks", "dev.py")
        run(PYTHON, "-m", "ruff", "format", "--check", "server", "tests", "benchmarks", "dev.py")
        run(PYTHON, "-m", "mypy")
        run(PYTHON, "-m", "pytest", *extra)
    elif task == "bench":
        ensure_env()
        for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
            run(PYTHON, script, *extra)
    else:
        print(__doc__)


if __name__ == "__main__":
    main()
