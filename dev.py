#!/usr/bin/env python3
"""Set-up and tasks on a fresh machine with only Python 3.10+: no uv, no global installs.

    python3 dev.py demo    # create .venv if needed, install runtime + export extra, run a real MCP session
    python3 dev.py test    # create .venv if needed, install with test extras, lint, type-check, test
    python3 dev.py bench   # run the benchmarks
    python3 dev.py bundle  # build the Claude Desktop bundle dist/fupan-mcp-<version>.mcpb
    python3 dev.py manifest  # only refresh bundle/manifest.json from the server (tools, prompt, version)
    python3 dev.py listing   # only refresh server/fupan_mcp/listing.json, the packaged tools/list

The virtual environment lives in .venv next to this file and is refreshed when pyproject.toml changes
or a task needs an extra it does not have yet (`demo` needs only `export`; `test` has everything).

`listing` regenerates the packaged tools/list answer (server/fupan_mcp/listing.json, see
fupan_mcp/listing.py) from the tools; run it after changing a tool, an argument or a result model
(tests/test_listing.py says when it is stale). `manifest` and `bundle` refresh it too.

`bundle` refreshes the derived parts of bundle/manifest.json (version, tools, prompt) from the server,
stages the bundle in build/bundle (manifest, icon, server/main.py, and fupan-mcp with every dependency
installed into server/lib for this Python and platform), then validates and packs it with the official
`mcpb` CLI from tests/interop/node_modules (`npm ci --prefix tests/interop`); without Node it packs
the same layout as a zip itself and says so (`--official` makes the CLI mandatory). The bundle carries
Word export; `--charts` adds matplotlib for the chart pictures (a bundle about three times larger).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".fupan-installed"

BUNDLE_SOURCE = ROOT / "bundle"
MANIFEST = BUNDLE_SOURCE / "manifest.json"
MCPB_CLI = ROOT / "tests" / "interop" / "node_modules" / ".bin" / ("mcpb.cmd" if os.name == "nt" else "mcpb")
EXTRAS_IMPLIED = {"test": {"test", "export", "postgres"}, "export": {"export"}, "": set()}
"""What each install provides (the test extra pulls in export and postgres)."""


def run(*cmd: str | Path, cwd: Path = ROOT) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=cwd)
    if code:
        sys.exit(code)


def _stamp() -> dict[str, Any]:
    try:
        value = json.loads(STAMP.read_text())
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _pip_version(python: str | Path) -> tuple[int, ...] | None:
    """The version of the pip that `python` can import, or None."""
    try:
        out = subprocess.run(
            [str(python), "-c", "import pip; print(pip.__version__)"], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    numbers = re.findall(r"\d+", out.stdout.split(" ")[0]) if out.returncode == 0 else []
    return tuple(int(n) for n in numbers[:2]) if numbers else None


def pip_for(python: Path) -> list[str]:
    """A pip command that installs into `python`'s environment.

    The venv's own pip when it has one; else the pip of the Python running dev.py, pointed at the
    venv with ``--python`` (pip >= 22.3). Using that one spares the first run ensurepip's copy of pip.
    """
    if _pip_version(python) is not None:
        return [str(python), "-m", "pip"]
    base = getattr(sys, "_base_executable", "") or sys.executable  # the interpreter a venv was made from
    for outer in dict.fromkeys([sys.executable, base, str(Path(sys.base_prefix) / "bin" / "python3")]):
        version = _pip_version(outer)
        if version is not None and version >= (22, 3):
            return [outer, "-m", "pip", "--python", str(python)]
    sys.exit(f"no pip for {python}: install pip (python3 -m ensurepip) or recreate {VENV}")


def ensure_env(extra: str) -> None:
    """A .venv with the project installed (editable) with at least `extra` ("" = runtime only)."""
    if sys.version_info < (3, 10):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("fupan-mcp needs Python 3.10 or newer")
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    stamp = _stamp()
    fresh = stamp.get("pyproject") == want and PYTHON.exists()
    have = {str(name) for name in stamp.get("extras", [])} if fresh else set()
    provided = set().union(*(EXTRAS_IMPLIED.get(name, {name}) for name in have))
    if fresh and (not extra or extra in provided):
        return
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        outer = _pip_version(sys.executable)
        venv.EnvBuilder(with_pip=outer is None or outer < (22, 3)).create(VENV)
    extras = sorted((have | {extra}) - {""})
    target = f".[{','.join(extras)}]" if extras else "."
    # --no-compile: modules are byte-compiled when first imported, not all of them up front
    run(*pip_for(PYTHON), "install", "--quiet", "--disable-pip-version-check", "--no-compile", "-e", target)
    STAMP.write_text(json.dumps({"pyproject": want, "extras": extras}))


# --- the Claude Desktop bundle ------------------------------------------------------------------


def first_sentence(text: str) -> str:
    """The first sentence of a tool description's first paragraph, whitespace collapsed."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    match = re.match(r"(.+?[.。])(\s|$)", paragraph)
    return match.group(1) if match else paragraph


def manifest_from_server(manifest: dict[str, Any]) -> dict[str, Any]:
    """`manifest` with its derived fields (version, tools, prompts) taken from the server itself.

    Needs fupan_mcp importable: runs inside .venv (``dev.py _manifest``) or in the test suite.
    """
    import anyio

    from fupan_mcp import __version__
    from fupan_mcp.app import create_server
    from fupan_mcp.prompting import render_review_prompt

    async def listing() -> tuple[list[dict[str, str]], list[dict[str, Any]]]:
        server = create_server()
        listed = await server.list_tools()
        tools = [{"name": tool.name, "description": first_sentence(tool.description or "")} for tool in listed]
        names = [t["name"] for t in tools]
        prompts = []
        for prompt in await server.list_prompts():
            arguments = [argument.name for argument in prompt.arguments or []]
            placeholders = {name: f"${{arguments.{name}}}" for name in arguments if name != "language"}
            text = render_review_prompt(**placeholders, language="zh", tools=names)
            prompts.append(
                {"name": prompt.name, "description": prompt.description or "", "arguments": arguments, "text": text}
            )
        return tools, prompts

    tools, prompts = anyio.run(listing)
    return {**manifest, "version": __version__, "tools": tools, "prompts": prompts}


def refresh_manifest() -> None:
    current = json.loads(MANIFEST.read_text(encoding="utf-8"))
    fresh = manifest_from_server(current)
    if fresh != current:
        MANIFEST.write_text(json.dumps(fresh, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"updated {MANIFEST.relative_to(ROOT)} from the server (version, tools, prompt)", flush=True)


def refresh_listing() -> None:
    from fupan_mcp import listing

    if listing.refresh():
        print(f"updated {listing.LISTING_FILE.relative_to(ROOT / 'server')} from the tools", flush=True)


def python_platform() -> str:
    return "win32" if sys.platform == "win32" else "darwin" if sys.platform == "darwin" else "linux"


PROBE = "import sys, sysconfig; print(f'{sys.version_info[0]}.{sys.version_info[1]}', sysconfig.get_platform())"


def extra_requirements(extra: str) -> list[str]:
    """The requirements of one optional-dependency group, read from pyproject.toml (one line each)."""
    match = re.search(rf"^{extra} = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.MULTILINE)
    if not match:
        sys.exit(f"pyproject.toml: no one-line '{extra} = [...]' extra")
    return re.findall(r'"([^"]+)"', match.group(1))


def word_requirements() -> list[str]:
    """The export extra without matplotlib: Word export works, charts are left out (about 130 MB less)."""
    return [req for req in extra_requirements("export") if not req.startswith("matplotlib")]


def stage_bundle(python: Path, stage: Path, wheel_dir: Path, *, charts: bool = False) -> Path:
    """Lay out the bundle in `stage` as the client will unpack it; returns the staged manifest path.

    fupan-mcp is built as a wheel and installed with its dependencies and python-docx (Word export;
    with `charts`, the whole export extra, matplotlib included) into server/lib by `python`'s pip:
    compiled dependencies (pydantic-core, lxml) are then the ones for that Python and platform, and
    the staged manifest's compatibility says so.
    """
    shutil.rmtree(stage, ignore_errors=True)
    shutil.rmtree(wheel_dir, ignore_errors=True)
    (stage / "server").mkdir(parents=True)
    shutil.copy2(BUNDLE_SOURCE / "icon.png", stage / "icon.png")
    shutil.copy2(BUNDLE_SOURCE / "server" / "main.py", stage / "server" / "main.py")
    quiet = ["--quiet", "--quiet", "--disable-pip-version-check"]  # -qq: errors only
    pip = pip_for(python)
    run(*pip, "wheel", *quiet, "--no-deps", "--wheel-dir", wheel_dir, ROOT)
    (wheel,) = wheel_dir.glob("fupan_mcp-*.whl")
    lib = stage / "server" / "lib"
    wanted = [str(wheel), *(extra_requirements("export") if charts else word_requirements())]
    run(*pip, "install", *quiet, "--no-compile", "--target", lib, *wanted)
    shutil.rmtree(lib / "bin", ignore_errors=True)  # console scripts with this machine's paths
    info = subprocess.run(
        [str(python), "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    minor = int(info[0].split(".")[1])
    build = {"python": info[0], "platform": info[1], "wheel": wheel.name}
    (stage / "server" / "build.json").write_text(json.dumps(build, indent=2) + "\n", encoding="utf-8")
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    manifest["compatibility"] = {
        **manifest.get("compatibility", {}),
        "platforms": [python_platform()],
        "runtimes": {"python": f">={info[0]},<3.{minor + 1}"},
    }
    staged = stage / "manifest.json"
    staged.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return staged


def pack_bundle(stage: Path, output: Path, *, official: bool) -> bool:
    """Validate and pack with the official CLI when it is installed; else zip the stage. True if official."""
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    if MCPB_CLI.exists() and shutil.which("node"):
        run(MCPB_CLI, "validate", stage / "manifest.json")
        run(MCPB_CLI, "pack", stage, output)
        return True
    if official:
        sys.exit(f"the mcpb CLI is missing ({MCPB_CLI}): run `npm ci --prefix tests/interop`")
    print("mcpb CLI not installed (npm ci --prefix tests/interop): packing the same layout as a zip", flush=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(stage).as_posix())
    return False


def build_bundle(python: Path, out_dir: Path, *, official: bool = False, charts: bool = False) -> Path:
    """Stage and pack the bundle; returns the .mcpb path (out_dir/fupan-mcp-<version>.mcpb)."""
    version = json.loads(MANIFEST.read_text(encoding="utf-8"))["version"]
    work = out_dir / "bundle-build"
    stage = stage_bundle(python, work / "stage", work / "wheel", charts=charts).parent
    output = out_dir / f"fupan-mcp-{version}.mcpb"
    pack_bundle(stage, output, official=official)
    print(f"bundle: {output} ({output.stat().st_size / 1e6:.1f} MB, for {sysconfig.get_platform()})", flush=True)
    return output


# --- tasks ------------------------------------------------------------------------------------


TARGET_LINE = re.compile(
    r"^TARGET (?P<name>\S+) ours=(?P<ours>\S+) base=(?P<base>\S+) ratio=(?P<ratio>\S+) "
    r"limit=(?P<limit>\S+) (?P<verdict>ok|MISS)\s*$"
)
"""The line every benchmark prints per target (benchmarks/README.md, benchmarks/targets.py)."""


def bench(extra: list[str]) -> None:
    """Every benchmarks/bench_*.py in turn, its output shown as it comes, then one table of all the
    TARGET lines they printed: the whole of #15 in one run. Exit status 1 when a target is missed
    or a benchmark failed."""
    rows: list[dict[str, str]] = []
    failed: list[str] = []
    for script in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        print("+", PYTHON, script.name, *extra, flush=True)
        process = subprocess.Popen(
            [str(PYTHON), str(script), *extra], cwd=ROOT, stdout=subprocess.PIPE, text=True, encoding="utf-8"
        )
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            if match := TARGET_LINE.match(line.strip()):
                rows.append({"script": script.stem, **match.groupdict()})
        if process.wait():
            failed.append(f"{script.name} (exit {process.returncode})")
    header = ["target", "benchmark", "ours", "baseline", "ratio", "limit", ""]
    cells = [[r["name"], r["script"], r["ours"], r["base"], r["ratio"], r["limit"], r["verdict"]] for r in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(header)]
    print("\n## Summary: every target, ours / baseline in this run\n")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for c in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |")
    missed = [r["name"] for r in rows if r["verdict"] == "MISS"]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} targets hold.")
    for name in failed:
        print(f"benchmark failed: {name}")
    if missed or failed:
        sys.exit(1)


def main() -> None:
    task = sys.argv[1] if len(sys.argv) > 1 else "help"
    extra = sys.argv[2:]
    if task == "demo":
        ensure_env("export")
        run(PYTHON, "-m", "fupan_mcp", "demo", *extra)
    elif task == "test":
        ensure_env("test")
        run(PYTHON, "-m", "ruff", "check", "server", "tests", "benchmarks", "dev.py")
        run(PYTHON, "-m", "ruff", "format", "--check", "server", "tests", "benchmarks", "dev.py")
        run(PYTHON, "-m", "mypy")
        run(PYTHON, "-m", "pytest", *extra)
    elif task == "bench":
        ensure_env("test")
        bench(extra)
    elif task == "bundle":
        ensure_env("")
        run(PYTHON, Path(__file__), "_listing")
        run(PYTHON, Path(__file__), "_manifest")
        build_bundle(PYTHON, ROOT / "dist", official="--official" in extra, charts="--charts" in extra)
    elif task == "manifest":  # only refresh bundle/manifest.json (after a tool or the prompt changed)
        ensure_env("")
        run(PYTHON, Path(__file__), "_listing")
        run(PYTHON, Path(__file__), "_manifest")
    elif task == "listing":  # only refresh server/fupan_mcp/listing.json (after a tool or a model changed)
        ensure_env("")
        run(PYTHON, Path(__file__), "_listing")
    elif task == "_manifest":  # inside .venv: fupan_mcp is importable here
        refresh_manifest()
    elif task == "_listing":  # inside .venv: fupan_mcp is importable here
        refresh_listing()
    else:
        print(__doc__)


if __name__ == "__main__":
    main()
