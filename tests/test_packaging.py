"""Installing fupan-mcp as a new user would: the package, the registry entry, the Desktop bundle, the
container, the web entry of the team server, and every snippet of the README.

- The sdist and the wheel are built (`python -m build`, offline: no isolation) and checked as PyPI
  would (`twine check --strict`); the wheel, unpacked on its own, serves MCP over stdio.
- `server.json` is validated against the MCP Registry schema 2025-12-11 (stored in tests/data,
  fetched from the registry's repository) and checked against the CLI, the code and the README.
- The Desktop bundle is built by `dev.py`'s own functions, validated and packed with the official
  `mcpb` CLI when Node and tests/interop/node_modules are there, unpacked and started the way a
  client runs a `server.type: python` bundle (``mcp_config`` with its variables substituted), under
  ``python -S`` so that nothing outside the bundle can be imported.
- No container engine runs on this CI machine (``docker info`` fails): the image's start-up steps
  are run without it (its ENTRYPOINT, ENV and HEALTHCHECK, parsed from the Dockerfile; the compose
  file's PostgreSQL URL against the CI's PostgreSQL). Where an engine answers, the image is built and
  run as well.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import httpx2
import jsonschema
import pytest
import yaml
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client

from fupan_mcp import __version__
from fupan_mcp.app import Settings, create_server
from fupan_mcp.cli import build_parser
from test_http import TOKEN, Running, console_script, free_port, start, stop

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
README = ROOT / "README.md"
SERVER_JSON = ROOT / "server.json"
MANIFEST = ROOT / "bundle" / "manifest.json"
MCPB_CLI = ROOT / "tests" / "interop" / "node_modules" / ".bin" / "mcpb"
HAVE_MCPB = MCPB_CLI.exists() and shutil.which("node") is not None
WEBSITE = "https://github.com/fupan-mcp/fupan-mcp"
REGISTRY_NAME = "io.github.fupan-mcp/fupan-mcp"
SUBPROCESS_TIMEOUT = 600  # hang guard for builds and pip: generous, the machine is shared

sys.path.insert(0, str(ROOT))
dev: Any = import_module("dev")  # dev.py: the bundle builder and the manifest's derived fields


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without the suite's store settings (PYTHONPATH stays: it names the code under test)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FUPAN_MCP_")}
    env.update(extra)
    return env


async def initialize_and_list(client: Client) -> list[str]:
    assert client.server_info is not None and client.server_info.version == __version__
    return [tool.name for tool in (await client.list_tools()).tools]


async def server_tools() -> list[str]:
    async with Client(create_server(Settings(db=":memory:"))) as client:
        return await initialize_and_list(client)


# --- release metadata -------------------------------------------------------------------------


def test_version_is_written_once_and_reported_by_the_cli() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject
    assert not re.search(r"^version\s*=", pyproject, re.MULTILINE), "the version belongs in __init__.py only"
    assert 'path = "server/fupan_mcp/__init__.py"' in pyproject
    run = subprocess.run([console_script(), "--version"], capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout.strip() == f"fupan-mcp {__version__}"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{__version__}]" in changelog


@pytest.mark.anyio
async def test_license_and_urls_back_what_the_server_advertises() -> None:
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'Homepage = "{WEBSITE}"' in pyproject and f'Source = "{WEBSITE}"' in pyproject
    async with Client(create_server(Settings(db=":memory:"))) as client:
        assert client.server_info is not None and client.server_info.website_url == WEBSITE


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist and the wheel, built from the tree the way a release is (without isolation: offline)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=SUBPROCESS_TIMEOUT,
        env=clean_env(),
    )
    (sdist,) = out.glob("fupan_mcp-*.tar.gz")
    (wheel,) = out.glob("fupan_mcp-*.whl")
    return sdist, wheel


@pytest.mark.slow
def test_build_and_twine_check_pass(dists: tuple[Path, Path]) -> None:
    sdist, wheel = dists
    assert sdist.name == f"fupan_mcp-{__version__}.tar.gz" and wheel.name == f"fupan_mcp-{__version__}-py3-none-any.whl"
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(sdist), str(wheel)],
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASSED") == 2, check.stdout

    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(f"fupan_mcp-{__version__}.dist-info/METADATA").decode("utf-8")
    assert f"fupan_mcp-{__version__}.dist-info/licenses/LICENSE" in names
    assert {"fupan_mcp/samples/b2b_mvp.json", "fupan_mcp/__main__.py"} <= set(names)
    assert "fupan_mcp/listing.json" in names  # the packaged tools/list (fupan_mcp.listing)
    assert any(name.startswith("fupan_mcp/prompts/") for name in names)
    assert any(name.startswith("fupan_mcp/ui/") for name in names)
    assert f"Version: {__version__}" in metadata
    assert "License-Expression: MIT" in metadata
    assert f"Project-URL: Homepage, {WEBSITE}" in metadata
    assert "Classifier: Programming Language :: Python :: 3.10" in metadata
    assert f"mcp-name: {REGISTRY_NAME}" in metadata  # what the registry looks for on PyPI


@pytest.mark.slow
@pytest.mark.anyio
async def test_the_wheel_alone_serves_mcp_over_stdio(dists: tuple[Path, Path], tmp_path: Path) -> None:
    """Unpacked on its own path, the wheel's code (not the tree's) answers initialize and tools/list."""
    _, wheel = dists
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = clean_env(PYTHONPATH=str(site), FUPAN_MCP_DB=str(tmp_path / "r.db"))
    where = subprocess.run(
        [sys.executable, "-c", "import fupan_mcp; print(fupan_mcp.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(site)
    params = StdioServerParameters(command=sys.executable, args=["-m", "fupan_mcp"], env=env)
    async with Client(params) as client:
        assert await initialize_and_list(client) == await server_tools()


# --- the MCP Registry entry -------------------------------------------------------------------


def registry_validator() -> jsonschema.Draft7Validator:
    schema = json.loads((DATA / "server.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def test_server_json_is_valid_against_the_registry_schema() -> None:
    entry = json.loads(SERVER_JSON.read_text(encoding="utf-8"))
    validator = registry_validator()
    assert entry["$schema"] == validator.schema["$id"]
    assert [error.message for error in validator.iter_errors(entry)] == []

    # the validator bites: the registry's own limits are enforced
    too_long = {**entry, "description": "x" * 101}
    assert any("too long" in error.message for error in validator.iter_errors(too_long))
    latest = json.loads(json.dumps(entry))
    latest["packages"][0]["version"] = "latest"
    assert list(validator.iter_errors(latest))


def test_server_json_describes_this_package() -> None:
    entry = json.loads(SERVER_JSON.read_text(encoding="utf-8"))
    assert entry["name"] == REGISTRY_NAME
    assert f"<!-- mcp-name: {REGISTRY_NAME} -->" in README.read_text(encoding="utf-8")
    assert entry["version"] == __version__
    assert entry["websiteUrl"] == WEBSITE and entry["repository"]["url"] == WEBSITE
    (package,) = entry["packages"]
    assert (package["registryType"], package["identifier"], package["version"]) == ("pypi", "fupan-mcp", __version__)
    assert package["runtimeHint"] == "uvx" and package["transport"] == {"type": "stdio"}

    # the arguments are the CLI's: the fixed subcommand, then each named flag with a value
    positional = [arg["value"] for arg in package["packageArguments"] if arg["type"] == "positional"]
    named = [arg["name"] for arg in package["packageArguments"] if arg["type"] == "named"]
    assert positional == ["serve"] and named == ["--db", "--output-dir"]
    parsed = build_parser().parse_args([*positional, *(part for flag in named for part in (flag, "value"))])
    assert (parsed.command, parsed.db, parsed.output_dir) == ("serve", "value", "value")

    # the environment variables are the ones the code reads
    code = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "server" / "fupan_mcp").rglob("*.py"))
    for variable in package["environmentVariables"]:
        assert f'"{variable["name"]}"' in code, variable["name"]
    assert [v["name"] for v in package["environmentVariables"]] == ["FUPAN_MCP_DB", "FUPAN_MCP_OUTPUT_DIR"]


# --- the Claude Desktop bundle ----------------------------------------------------------------


def test_bundle_manifest_lists_what_the_server_serves() -> None:
    """Tools, prompt and version as the server has them (after a change: `python3 dev.py manifest`)."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert manifest["manifest_version"] == "0.3"
    fresh = dev.manifest_from_server(manifest)
    assert manifest["version"] == __version__
    assert manifest["tools"] == fresh["tools"], "bundle/manifest.json is stale: run `python3 dev.py manifest`"
    assert manifest["prompts"] == fresh["prompts"], "bundle/manifest.json is stale: run `python3 dev.py manifest`"
    assert [prompt["name"] for prompt in manifest["prompts"]] == ["project_review"]
    assert manifest["tools"][0] == {
        "name": "compute_attainment",
        "description": "Compare targets with actuals: status, attainment rate, gap, change against the baseline.",
    }
    assert "${arguments.project_info}" in manifest["prompts"][0]["text"]

    env = manifest["server"]["mcp_config"]["env"]
    assert env["FUPAN_MCP_DB"] == "${user_config.review_store}"
    assert env["FUPAN_MCP_OUTPUT_DIR"] == "${user_config.export_folder}"
    assert set(manifest["user_config"]) == {"review_store", "export_folder"}
    assert manifest["user_config"]["export_folder"]["type"] == "directory"

    icon = (ROOT / "bundle" / manifest["icon"]).read_bytes()
    assert icon[:8] == b"\x89PNG\r\n\x1a\n" and icon[16:24] == (512).to_bytes(4, "big") * 2


def test_first_sentence_of_a_description() -> None:
    assert (
        dev.first_sentence("Check risks for an indicator.  More here.\n\nDetails.") == "Check risks for an indicator."
    )
    assert dev.first_sentence("Render the complete 复盘 report. Every figure") == "Render the complete 复盘 report."
    assert dev.first_sentence("No full stop at all") == "No full stop at all"
    assert dev.first_sentence("Version 1.5 is out. Next") == "Version 1.5 is out."


def substitute(value: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$\{([^}]+)\}", lambda match: variables.get(match.group(1), match.group(0)), value)


@pytest.fixture(scope="module")
def unpacked_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build with dev.py's own functions (pip into server/lib), pack (official CLI when present), unzip."""
    out = tmp_path_factory.mktemp("bundle")
    mcpb = dev.build_bundle(Path(sys.executable), out, official=HAVE_MCPB)
    assert mcpb.name == f"fupan-mcp-{__version__}.mcpb"
    if HAVE_MCPB:
        info = subprocess.run(
            [str(MCPB_CLI), "info", str(mcpb)], capture_output=True, text=True, timeout=120, env=clean_env()
        )
        assert info.returncode == 0 and "fupan-mcp" in info.stdout, info.stdout + info.stderr
    extension = out / "installed"
    with zipfile.ZipFile(mcpb) as archive:
        archive.extractall(extension)
    return extension


def desktop_launch(extension: Path, user_config: dict[str, str], home: Path) -> StdioServerParameters:
    """What a client does for `server.type: python`: substitute the variables, run mcp_config.

    The command (python3) is this interpreter started with -S: no site-packages, so everything the
    server imports comes from the bundle's own server/lib (PYTHONPATH) or the standard library.
    """
    manifest = json.loads((extension / "manifest.json").read_text(encoding="utf-8"))
    config = manifest["server"]["mcp_config"]
    variables = {"__dirname": str(extension), "HOME": str(home), "/": os.sep, "pathSeparator": os.sep}
    variables.update({f"user_config.{key}": value for key, value in user_config.items()})
    assert config["command"] == "python3"
    args = [substitute(arg, variables) for arg in config["args"]]
    env = clean_env(HOME=str(home), XDG_DATA_HOME="")
    env.update({key: substitute(value, variables) for key, value in config["env"].items()})
    return StdioServerParameters(command=sys.executable, args=["-S", *args], env=env)


@pytest.mark.slow
@pytest.mark.anyio
async def test_bundle_installs_and_serves_as_desktop_would(unpacked_bundle: Path, tmp_path: Path) -> None:
    manifest = json.loads((unpacked_bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tools"] == json.loads(MANIFEST.read_text(encoding="utf-8"))["tools"]
    assert manifest["compatibility"]["platforms"] == [dev.python_platform()]
    assert (unpacked_bundle / "icon.png").is_file() and (unpacked_bundle / manifest["server"]["entry_point"]).is_file()
    lib = unpacked_bundle / "server" / "lib"
    assert (lib / "fupan_mcp" / "__init__.py").is_file() and (lib / "docx").is_dir()

    store, exports = tmp_path / "store" / "reviews.db", tmp_path / "exports"
    store.parent.mkdir()
    params = desktop_launch(
        unpacked_bundle, {"review_store": str(store), "export_folder": str(exports)}, tmp_path / "home"
    )
    async with Client(params) as client:
        assert await initialize_and_list(client) == [tool["name"] for tool in manifest["tools"]]
        created = await client.call_tool("create_review", {"project": "Bundle check", "title": "复盘"})
        assert not created.is_error and created.structured_content is not None
        review_id = created.structured_content["review"]["id"]
        exported = await client.call_tool("export_report", {"review_id": review_id, "format": "docx"})
        assert not exported.is_error, exported.content
    assert store.is_file()
    assert [path.suffix for path in exports.iterdir()] == [".docx"]


@pytest.mark.slow
@pytest.mark.anyio
async def test_bundle_settings_left_empty_fall_back_to_the_defaults(unpacked_bundle: Path, tmp_path: Path) -> None:
    """An empty store setting must not open a store at "": reviews go to the user data folder."""
    home = tmp_path / "home"
    params = desktop_launch(unpacked_bundle, {"review_store": "", "export_folder": ""}, home)
    async with Client(params) as client:
        created = await client.call_tool("create_review", {"project": "Defaults"})
        assert not created.is_error, created.content
    if sys.platform.startswith("linux"):
        assert (home / ".local" / "share" / "fupan-mcp" / "fupan.db").is_file()


@pytest.mark.skipif(not HAVE_MCPB, reason="the mcpb CLI is missing: npm ci --prefix tests/interop")
def test_the_official_cli_validates_the_source_manifest() -> None:
    run = subprocess.run(
        [str(MCPB_CLI), "validate", str(MANIFEST)], capture_output=True, text=True, timeout=120, env=clean_env()
    )
    assert run.returncode == 0 and "validation passes" in run.stdout, run.stdout + run.stderr


# --- the container ----------------------------------------------------------------------------


@dataclass
class Image:
    base: str
    env: dict[str, str]
    user: str
    expose: int
    entrypoint: list[str]
    healthcheck: list[str]


def parse_dockerfile() -> Image:
    """The final stage of the Dockerfile: base image, ENV, USER, EXPOSE, ENTRYPOINT, HEALTHCHECK CMD."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = re.sub(r"\\\n\s*", " ", text).splitlines()
    instructions = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    last = max(i for i, line in enumerate(instructions) if line.startswith("FROM "))
    image = Image(base=instructions[last].split()[1], env={}, user="root", expose=0, entrypoint=[], healthcheck=[])
    for line in instructions[last + 1 :]:
        keyword, _, rest = line.partition(" ")
        if keyword == "ENV":
            image.env.update(dict(part.split("=", 1) for part in shlex.split(rest)))
        elif keyword == "USER":
            image.user = rest.strip()
        elif keyword == "EXPOSE":
            image.expose = int(rest.split("/")[0])
        elif keyword == "ENTRYPOINT":
            image.entrypoint = json.loads(rest)
        elif keyword == "HEALTHCHECK":
            image.healthcheck = json.loads(rest[rest.index("CMD ") + 4 :])
    return image


def test_dockerfile_is_slim_non_root_and_probes_health() -> None:
    image = parse_dockerfile()
    assert image.base.startswith("python:3.") and image.base.endswith("-slim")
    assert image.user not in ("root", "0", "")
    assert image.entrypoint[:3] == ["fupan-mcp", "serve", "--http"]
    assert image.entrypoint[image.entrypoint.index("--port") + 1] == str(image.expose) == "8000"
    assert "http://127.0.0.1:8000/health" in " ".join(image.healthcheck)
    assert image.env["FUPAN_MCP_DB"].startswith("/data/") and image.env["FUPAN_MCP_OUTPUT_DIR"].startswith("/data/")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    assert "!server/" in ignored and "!pyproject.toml" in ignored


def test_compose_runs_the_image_on_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    db, app = compose["services"]["db"], compose["services"]["fupan"]
    assert db["image"].startswith("postgres:") and "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert app["build"] == "." and app["depends_on"]["db"]["condition"] == "service_healthy"
    url = app["environment"]["FUPAN_MCP_DB"]
    user, database = db["environment"]["POSTGRES_USER"], db["environment"]["POSTGRES_DB"]
    assert re.fullmatch(rf"postgresql://{user}:\$\{{POSTGRES_PASSWORD:-fupan\}}@db:5432/{database}", url), url
    assert app["environment"]["FUPAN_MCP_TOKEN"].startswith("${FUPAN_MCP_TOKEN:?")  # no token, no start
    assert app["ports"] == ["127.0.0.1:8000:8000"]


def entrypoint_command(image: Image, port: int) -> list[str]:
    command = [console_script(), *image.entrypoint[1:]]
    command[command.index("--port") + 1] = str(port)
    return command


@dataclass
class Container:
    base: str
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
def container_env(tmp_path: Path) -> Iterator[tuple[Image, dict[str, str]]]:
    image = parse_dockerfile()
    data = tmp_path / "data"
    env = {key: value.replace("/data", str(data)) for key, value in image.env.items()}
    (data / "reports").mkdir(parents=True)
    yield image, env


def run_entrypoint(image: Image, env: dict[str, str], log: Path) -> Container:
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            entrypoint_command(image, port),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=clean_env(**env),
        )
    container = Container(f"http://127.0.0.1:{port}", process, log)
    running = Running(container.base, process, log)
    for _ in range(900):  # bounded: about 90 s (a hang guard, generous for a loaded machine)
        if process.poll() is not None:
            raise AssertionError(f"entrypoint exited with {process.returncode}:\n{running.output()}")
        try:
            if httpx2.get(f"{container.base}/health", timeout=1.0).status_code == 200:
                return container
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    stop(running)
    raise AssertionError(f"entrypoint did not answer /health:\n{running.output()}")


@pytest.mark.slow
@pytest.mark.anyio
async def test_container_start_up_steps_without_an_engine(
    container_env: tuple[Image, dict[str, str]], tmp_path: Path
) -> None:
    """The image's ENTRYPOINT with its ENV binds all interfaces, passes its HEALTHCHECK, serves MCP with a
    token, and refuses to start without one (all interfaces, no authentication)."""
    image, env = container_env
    refused = subprocess.run(
        entrypoint_command(image, free_port()), capture_output=True, text=True, timeout=60, env=clean_env(**env)
    )
    assert refused.returncode != 0 and "FUPAN_MCP_TOKEN" in refused.stderr
    container = run_entrypoint(image, {**env, "FUPAN_MCP_TOKEN": TOKEN}, tmp_path / "entrypoint.log")
    try:
        port = container.base.rsplit(":", 1)[1]
        probe = [
            sys.executable if part == "python" else part.replace(":8000/", f":{port}/") for part in image.healthcheck
        ]
        assert subprocess.run(probe, timeout=30, env=clean_env()).returncode == 0
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=60) as http,
            Client(streamable_http_client(f"http://localhost:{port}/mcp", http_client=http)) as client,
        ):
            assert await initialize_and_list(client) == await server_tools()
            created = await client.call_tool("create_review", {"project": "Container check"})
            assert not created.is_error, created.content
        assert Path(env["FUPAN_MCP_DB"]).is_file()
        foreign = httpx2.get(f"{container.base}/health", headers={"Host": "evil.example"}, timeout=60)
        assert foreign.status_code == 421  # bound to 0.0.0.0, yet only the allowlisted names pass
    finally:
        stop(Running(container.base, container.process, container.log))


@pytest.mark.slow
@pytest.mark.anyio
@pytest.mark.skipif(not os.environ.get("FUPAN_MCP_TEST_POSTGRES_URL"), reason="no PostgreSQL (CI starts one)")
async def test_container_start_up_with_the_compose_environment(
    container_env: tuple[Image, dict[str, str]], tmp_path: Path
) -> None:
    """compose.yaml's settings (the PostgreSQL URL, a required token) on the CI's PostgreSQL."""
    image, env = container_env
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]["fupan"]["environment"]
    env = {**env, **{key: value for key, value in compose.items() if not value.startswith("${")}}
    assert env["FUPAN_MCP_DB"].startswith("postgresql://")
    env.update(FUPAN_MCP_DB=os.environ["FUPAN_MCP_TEST_POSTGRES_URL"], FUPAN_MCP_TOKEN=TOKEN)
    container = run_entrypoint(image, env, tmp_path / "compose.log")
    try:
        port = container.base.rsplit(":", 1)[1]
        assert httpx2.post(f"{container.base}/mcp", json={}, timeout=60).status_code == 401
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30) as http,
            Client(streamable_http_client(f"http://localhost:{port}/mcp", http_client=http)) as client,
        ):
            assert await initialize_and_list(client) == await server_tools()
            created = await client.call_tool("create_review", {"project": "Compose check"})
            assert not created.is_error, created.content
    finally:
        stop(Running(container.base, container.process, container.log))


def container_engine() -> str | None:
    docker = shutil.which("docker")
    if docker is None:
        return None
    try:
        answered = subprocess.run([docker, "info"], capture_output=True, timeout=30).returncode == 0
    except subprocess.TimeoutExpired:
        return None
    return docker if answered else None


@pytest.mark.slow
@pytest.mark.skipif(container_engine() is None, reason="no container engine answers `docker info` here")
def test_container_image_builds_and_serves(tmp_path: Path) -> None:
    docker = container_engine()
    assert docker is not None
    tag = "fupan-mcp:test"
    subprocess.run([docker, "build", "-t", tag, str(ROOT)], check=True, timeout=1800)
    port = free_port()
    name = f"fupan-mcp-test-{port}"
    subprocess.run(
        [docker, "run", "-d", "--name", name, "-e", f"FUPAN_MCP_TOKEN={TOKEN}", "-p", f"127.0.0.1:{port}:8000", tag],
        check=True,
        timeout=120,
    )
    try:
        for _ in range(60):
            status = subprocess.run(
                [docker, "inspect", "-f", "{{.State.Health.Status}}", name], capture_output=True, text=True, timeout=30
            ).stdout.strip()
            if status == "healthy":
                break
            time.sleep(2)
        assert status == "healthy"
        answer = httpx2.post(
            f"http://127.0.0.1:{port}/mcp",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}},
            headers={"Accept": "application/json, text/event-stream", "Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        assert answer.status_code == 200 and "compute_attainment" in answer.text
        assert subprocess.run([docker, "exec", name, "id", "-u"], capture_output=True, text=True).stdout.strip() != "0"
    finally:
        subprocess.run([docker, "rm", "-f", name], capture_output=True, timeout=60)


# --- the web entry of the team server ---------------------------------------------------------


@pytest.mark.slow
def test_home_page_says_what_the_server_is(tmp_path: Path) -> None:
    running = start(tmp_path, "home", "--path", "/team")
    try:
        page = httpx2.get(f"{running.base}/", timeout=60)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        text = page.text
        assert text.lstrip().lower().startswith("<!doctype html>")
        assert f"<small>{__version__}</small>" in text and f"Version {__version__}." in text
        assert '<code id="endpoint">/team</code>' in text and "/health" in text and WEBSITE in text
        assert '"url": "https://mcp.example.com/team"' in text and "No token is configured." in text
        assert httpx2.head(f"{running.base}/", timeout=5).status_code == 200
        assert httpx2.get(f"{running.base}/", headers={"Host": "evil.example"}, timeout=60).status_code == 421
        assert httpx2.get(f"{running.base}/nothing-here", timeout=60).status_code == 404
    finally:
        stop(running)


@pytest.mark.slow
def test_home_page_is_open_but_the_endpoint_keeps_its_token(tmp_path: Path) -> None:
    running = start(tmp_path, "home-token", env={"FUPAN_MCP_TOKEN": TOKEN})
    try:
        page = httpx2.get(f"{running.base}/", timeout=60)
        assert page.status_code == 200 and "Authorization: Bearer &lt;token&gt;" in page.text
        assert TOKEN not in page.text
        assert httpx2.post(f"{running.base}/", json={}, timeout=60).status_code == 401  # only GET/HEAD are open
        assert httpx2.post(f"{running.base}/mcp", json={}, timeout=60).status_code == 401
    finally:
        stop(running)


# --- the README's snippets --------------------------------------------------------------------


@dataclass
class Snippet:
    language: str
    text: str
    heading: str
    before: str
    """The prose between the previous snippet and this one."""


def readme_snippets() -> list[Snippet]:
    text = README.read_text(encoding="utf-8")
    snippets: list[Snippet] = []
    heading, last_end = "", 0
    for match in re.finditer(r"^```(\w*)\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
        prose = text[last_end : match.start()]
        headings = re.findall(r"^#+ (.+)$", text[: match.start()], re.MULTILINE)
        heading = headings[-1] if headings else ""
        snippets.append(Snippet(match.group(1), match.group(2), heading, prose))
        last_end = match.end()
    return snippets


def test_readme_snippets_are_found() -> None:
    languages = [snippet.language for snippet in readme_snippets()]
    assert languages.count("json") >= 10 and languages.count("bash") >= 8


def outline_to_json(text: str) -> str:
    """The review-document outline: `[ … x … ]`, `{ … x … }` and `[ … ]` placeholders become empty, and
    the placeholder texts `"…"` a short text."""
    text = re.sub(r"\[ …( [^\]]*? …)? \]", "[]", text)
    text = re.sub(r"\{ …( [^}]*? …)? \}", "{}", text)
    return text.replace("[ {} ]", "[]").replace('"…"', '"示例"')


@pytest.mark.anyio
async def test_readme_json_snippets_parse_and_the_tool_examples_run(tmp_path: Path) -> None:
    from fupan_mcp.domain.review import Review

    server = create_server(Settings(db=str(tmp_path / "r.db"), output_dir=tmp_path / "exports"))
    checked_tools: list[str] = []
    configs = 0
    async with Client(server) as client:
        for snippet in (s for s in readme_snippets() if s.language == "json"):
            if " … " in snippet.text:  # the one outline: the review document
                assert snippet.heading == "The review document"
                Review.model_validate(json.loads(outline_to_json(snippet.text)))
                continue
            value = json.loads(snippet.text)
            servers = value.get("mcpServers") or value.get("servers")
            if servers:
                configs += 1
                (entry,) = servers.values()
                if entry["command"] == "uvx":
                    assert entry["args"][0] == "fupan-mcp" and "PyPI" in snippet.before
                else:
                    assert entry["command"] == "/path/to/fupan-mcp/.venv/bin/fupan-mcp"
                if entry["args"]:
                    build_parser().parse_args(entry["args"][1:] if entry["command"] == "uvx" else entry["args"])
                continue
            tool = re.match(r"`(\w+)\(", snippet.heading)
            assert tool, f"a JSON snippet under {snippet.heading!r} is neither a config nor a tool call"
            result = await client.call_tool(tool.group(1), value)
            assert not result.is_error, (tool.group(1), result.content)
            checked_tools.append(tool.group(1))
    assert configs == 4
    assert {"compute_attainment", "build_kpi_tree", "five_whys", "swot", "check_actions"} <= set(checked_tools)


DEV_TASKS = ("demo", "test", "bench", "bundle", "manifest")
KNOWN_COMMANDS = {"python3", "fupan-mcp", ".venv/bin/fupan-mcp", ".venv/bin/pip", "pip", "uvx", "claude", "npx"}
KNOWN_COMMANDS |= {"docker", "curl", "export", "printf"}


def command_lines(snippet: Snippet) -> list[tuple[str, list[str]]]:
    """Each command of a bash snippet, as its line and its words: comments, `&`, leading VAR=value removed."""
    commands = []
    for raw in re.sub(r"\\\n\s*", " ", snippet.text).splitlines():  # a trailing backslash continues the line
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        line = line.removesuffix("&").strip()
        if not line:
            continue
        words = shlex.split(line)
        while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
            words.pop(0)
        commands.append((raw.rstrip(), words))
    return commands


def test_readme_shell_snippets_name_real_commands_and_flags() -> None:
    parser = build_parser()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    seen: set[str] = set()
    for snippet in (s for s in readme_snippets() if s.language == "bash"):
        for raw, words in command_lines(snippet):
            command = words[0]
            assert command in KNOWN_COMMANDS, raw
            seen.add(command)
            if command == "python3" and words[1] == "dev.py":
                assert words[2] in DEV_TASKS, raw
            elif command in ("fupan-mcp", ".venv/bin/fupan-mcp") and words[1:] != ["--version"]:
                parser.parse_args(words[1:])  # an unknown flag exits (--version is run by the test below)
            elif command == "uvx":
                assert words[1:3] == ["fupan-mcp", "--version"] and raw.endswith("# needs the published package")
            elif command in (".venv/bin/pip", "pip"):
                extras = re.findall(r"\[([\w,]+)\]", raw)[0].split(",")
                assert all(f"\n{extra} = [" in pyproject for extra in extras), raw
                if command == "pip":
                    assert raw.endswith("# needs the published package")
            elif command == "claude":
                assert words[1:4] == ["mcp", "add", "fupan"] and words[4] == "--"
                if words[5] == "uvx":
                    assert raw.endswith("# needs the published package")
                else:
                    assert words[5] == "/path/to/fupan-mcp/.venv/bin/fupan-mcp"
            elif command == "docker":
                assert words[1] in ("build", "run", "compose")
                assert (ROOT / "Dockerfile").is_file() and (ROOT / "compose.yaml").is_file()
                if words[1] == "run":
                    assert "fupan-mcp" in words and "FUPAN_MCP_TOKEN=change-me" in words
    assert {"python3", "fupan-mcp", ".venv/bin/fupan-mcp", "docker", "uvx", "claude"} <= seen


@pytest.mark.slow
def test_readme_prompt_and_version_examples_run(tmp_path: Path) -> None:
    """The `Without an MCP client` snippet and `--version`, with the installed console script."""
    (snippet,) = [s for s in readme_snippets() if s.language == "bash" and "fupan-mcp prompt" in s.text]
    (_, printf), (_, prompt) = command_lines(snippet)
    assert printf[0] == "printf" and printf[-2:] == [">", "data.txt"]
    (tmp_path / "data.txt").write_text(printf[1].replace("\\n", "\n"), encoding="utf-8")
    run = subprocess.run(
        [console_script(), *prompt[1:]], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=clean_env()
    )
    assert run.returncode == 0, run.stderr
    assert "B2B 协作工具 MVP" in run.stdout and "实际签约 6 家" in run.stdout and "GRAI" in run.stdout
    version = subprocess.run([console_script(), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout.strip() == f"fupan-mcp {__version__}"
