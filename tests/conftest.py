from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from mcp import Client

from fupan_mcp.app import create_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["auto", "legacy"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[Client]:
    """An in-process client on both protocol eras: 2026-07-28 (auto) and the initialize handshake."""
    async with Client(create_server(), mode=request.param) as connected:
        yield connected
