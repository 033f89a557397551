"""The packaged ``tools/list``: a client's first listing answered without building the tools (issue 15).

Building the listing from the tools means importing every tool module and the domain models behind
them, making each tool's argument model and generating every input and output JSON schema: on the
2-core VM that was two thirds of the time a client waited for its first ``tools/list``, more than the
rest of our start-up. The listing is the same on every start of one version, so it is built once, at
development time, into ``listing.json`` beside this module: the tools exactly as `FupanServer.list_tools`
builds them for a server that offers every tool. A server made by ``create_server`` answers its
``tools/list`` from that file, with its team modes applied (`app.team_mode`), and registers the real
tools on the first call or resource read, as before.

The file is derived, never edited: ``python3 dev.py listing`` regenerates it from the models (``manifest``
and ``bundle`` do too), and tests/test_listing.py fails while it differs from what they produce. It is
only read when it was made with the fupan-mcp, MCP SDK and pydantic versions that are running (`stamp`):
another SDK or pydantic may generate other schemas, so then the server builds the listing itself.
"""

from __future__ import annotations

import functools
import json
import re
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mcp.types import Tool as MCPTool

if TYPE_CHECKING:
    from fupan_mcp.app import FupanServer

LISTING_FILE = Path(__file__).with_name("listing.json")


def stamp() -> dict[str, str]:
    """What the listing depends on besides our own code: the versions that generated it."""
    import pydantic

    from fupan_mcp import __version__

    return {"fupan-mcp": __version__, "mcp": _version("mcp"), "pydantic": pydantic.VERSION}


def _version(distribution: str) -> str:
    """An installed distribution's version, read from the ``Version:`` line of its metadata: what
    ``metadata.version`` returns, without parsing the whole file as an e-mail (5 ms for the SDK's)."""
    try:
        text = metadata.distribution(distribution).read_text("METADATA") or ""
    except metadata.PackageNotFoundError:  # pragma: no cover - the SDK is a dependency
        return "unknown"
    found = re.search(r"^Version:[ \t]*(\S+)", text, re.MULTILINE)
    return found.group(1) if found else "unknown"


@functools.lru_cache(maxsize=1)
def _packaged_data() -> tuple[dict[str, Any], ...] | None:
    try:
        data = json.loads(LISTING_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("stamp") != stamp() or not isinstance(data.get("tools"), list):
        return None
    return tuple(data["tools"])


def packaged_tools() -> list[MCPTool] | None:
    """The packaged listing of every tool, or None when there is none for the versions running."""
    tools = _packaged_data()
    return None if tools is None else [MCPTool.model_validate(tool) for tool in tools]


def wire(tool: MCPTool) -> dict[str, Any]:
    """A tool as the SDK sends it (``mcp.server.runner``: by alias, JSON mode, no ``None``)."""
    return tool.model_dump(by_alias=True, mode="json", exclude_none=True)


def listing_data(tools: list[MCPTool]) -> dict[str, Any]:
    """What ``listing.json`` holds for ``tools`` (as `FupanServer.list_tools` lists them)."""
    return {
        "stamp": stamp(),
        "tools": [wire(tool) for tool in tools],
    }


async def built_listing(server: FupanServer) -> dict[str, Any]:
    """The listing as the tools themselves make it, for a server made by ``create_server`` with no team
    mode (every tool offered)."""
    return listing_data(await server.built_tools())


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def refresh() -> bool:
    """Regenerate ``listing.json`` from the tools; True when it changed."""
    import anyio

    from fupan_mcp.app import Settings, create_server

    server = create_server(Settings(read_only=False, tools=None))
    text = render(anyio.run(built_listing, server))
    try:
        if LISTING_FILE.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    LISTING_FILE.write_text(text, encoding="utf-8")
    _packaged_data.cache_clear()
    return True
