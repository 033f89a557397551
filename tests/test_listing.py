"""The packaged tools/list (`fupan_mcp.listing`): what the tools make, served without building them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fupan_mcp import listing
from fupan_mcp.app import Settings, create_server

pytestmark = pytest.mark.anyio

Mode = tuple[bool, "frozenset[str] | None"]


def settings(tmp_path: Path, mode: Mode = (False, None)) -> Settings:
    read_only, tools = mode
    return Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "out", read_only=read_only, tools=tools)


async def test_the_packaged_listing_is_what_the_tools_make(tmp_path: Path) -> None:
    built = listing.render(await listing.built_listing(create_server(settings(tmp_path))))
    packaged = listing.LISTING_FILE.read_text(encoding="utf-8")
    assert packaged == built, "server/fupan_mcp/listing.json is stale: run `python3 dev.py listing`"


TEAM_MODES: list[Mode] = [
    (False, None),
    (True, None),
    (False, frozenset({"compute_attainment", "render_report", "delete_review"})),
    (True, frozenset({"compute_attainment", "render_report", "delete_review", "nothing"})),
]


@pytest.mark.parametrize("mode", TEAM_MODES, ids=["all", "read_only", "allow_list", "read_only_allow_list"])
async def test_every_team_mode_lists_the_packaged_tools_as_the_registered_ones(tmp_path: Path, mode: Mode) -> None:
    assert listing.packaged_tools() is not None
    packaged_server = create_server(settings(tmp_path, mode))
    packaged = [listing.wire(tool) for tool in await packaged_server.list_tools()]
    assert packaged_server._register is not None, "listing from the packaged file registers nothing"
    built = [listing.wire(tool) for tool in await create_server(settings(tmp_path, mode)).built_tools()]
    assert json.dumps(packaged, ensure_ascii=False) == json.dumps(built, ensure_ascii=False)  # order too
    assert [listing.wire(tool) for tool in await packaged_server.list_tools()] == packaged  # after registering


async def test_a_listing_of_other_versions_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    foreign = json.loads(listing.LISTING_FILE.read_text(encoding="utf-8"))
    foreign["stamp"]["pydantic"] = "0.0.0"
    foreign["tools"] = foreign["tools"][:1]
    file = tmp_path / "listing.json"
    file.write_text(json.dumps(foreign), encoding="utf-8")
    monkeypatch.setattr(listing, "LISTING_FILE", file)
    listing._packaged_data.cache_clear()
    try:
        assert listing.packaged_tools() is None
        server = create_server(settings(tmp_path))
        assert len(await server.list_tools()) > 1  # built from the tools
        assert server._register is None
    finally:
        monkeypatch.undo()
        listing._packaged_data.cache_clear()


def test_the_first_listing_imports_no_tool_and_no_domain_model() -> None:
    code = (
        "import sys, anyio, fupan_mcp.app as app\n"
        "server = app.create_server()\n"
        "names = [tool.name for tool in anyio.run(server.list_tools)]\n"
        "light = {'fupan_mcp.materials', 'fupan_mcp.materials.dirs'}\n"
        "loaded = sorted(n for n in set(sys.modules) - light if n.startswith(('fupan_mcp.tools', "
        "'fupan_mcp.domain', 'fupan_mcp.store', 'fupan_mcp.report', 'fupan_mcp.analysis', 'fupan_mcp.materials', "
        "'fupan_mcp.knowledge', 'fupan_mcp.workspace', 'jinja2')))\n"
        "print(len(names), loaded)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=60)
    assert out.stdout.split(" ", 1)[1].strip() == "[]"
    assert int(out.stdout.split(" ", 1)[0]) == len(json.loads(listing.LISTING_FILE.read_text("utf-8"))["tools"])


async def test_a_tool_added_by_hand_is_listed_with_the_others(tmp_path: Path) -> None:
    server = create_server(settings(tmp_path))

    def ping() -> str:
        """Answer pong."""
        return "pong"

    server.add_tool(ping)
    names = [tool.name for tool in await server.list_tools()]
    assert "ping" in names and len(names) == len(json.loads(listing.LISTING_FILE.read_text("utf-8"))["tools"]) + 1


async def test_a_stdio_server_registers_its_tools_in_the_background_after_a_packaged_listing(tmp_path: Path) -> None:
    """`fupan-mcp serve` over stdio sets `register_after_listing`: the first call then finds the tools
    registered (or waits for the one registration already under way), with the listing unchanged."""
    server = create_server(settings(tmp_path))
    server.register_after_listing = True
    listed = [listing.wire(tool) for tool in await server.list_tools()]
    thread = server.background_registration
    assert thread is not None
    thread.join(timeout=120)
    assert not thread.is_alive() and server._register is None
    assert [listing.wire(tool) for tool in await server.built_tools()] == listed
    metrics = [{"name": "GMV", "target": "≥100", "actual": 120}]
    result = await server.call_tool("compute_attainment", {"metrics": metrics})
    assert not result.is_error


async def test_an_in_process_server_registers_on_first_use_only(tmp_path: Path) -> None:
    server = create_server(settings(tmp_path))
    await server.list_tools()
    assert server.background_registration is None and server._register is not None
