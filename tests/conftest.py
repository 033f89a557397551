from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from mcp import Client

from fupan_mcp.app import Settings, create_server


@pytest.fixture(autouse=True, scope="session")
def isolated_storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test, and no server a test starts, touches the user's own reviews or export folder."""
    root = tmp_path_factory.mktemp("fupan-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUPAN_MCP_DB", str(root / "reviews.db"))
        patch.setenv("FUPAN_MCP_OUTPUT_DIR", str(root / "exports"))
        yield


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["auto", "legacy"])
async def client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Client]:
    """An in-process client on both protocol eras: 2026-07-28 (auto) and the initialize handshake."""
    server = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "exports"))
    async with Client(server, mode=request.param) as connected:
        yield connected
