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


@pytest.fixture(autouse=True, scope="session")
def checked_output() -> Iterator[None]:
    """Every structured result is validated against its tool's output model, in process and in the
    servers tests start, as the SDK does: the server skips the check for its own models' dumps
    (`fupan_mcp.callpath`), the tests still catch a model built without validation."""
    from fupan_mcp import callpath

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FUPAN_MCP_CHECK_OUTPUT", "1")
        patch.setattr(callpath, "CHECK_OUTPUT", True)
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
