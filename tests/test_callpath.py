"""The tool call path (`fupan_mcp.callpath`): our own model's dump is not validated back against that
model, everything else still is, with the SDK's errors; results are sized as compact JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from fupan_mcp import callpath
from fupan_mcp.app import FupanServer, Settings, create_server
from fupan_mcp.callpath import ModelResult, model_result, result_size, vouched
from fupan_mcp.domain.attainment import AttainmentResult

pytestmark = pytest.mark.anyio

METRICS = [
    {"name": "库存准确率", "target": "≥98%", "baseline": "93.1%", "actual": "99.2%", "unit": "%"},
    {"name": "DAU", "target": "≥300", "actual": 318},
]


class Score(BaseModel):
    value: int


class Other(BaseModel):
    value: str


def _server(tmp_path: Path) -> FupanServer:
    """A server with two small tools: one returns a dump of its output model, one a dump that does not
    match it (what a model built without validation would give)."""

    def register(server: FupanServer) -> None:
        @server.tool()
        async def good() -> Annotated[CallToolResult, Score]:
            return model_result(Score(value=3), "3")

        @server.tool()
        async def wrong() -> Annotated[CallToolResult, Score]:
            return CallToolResult(content=[TextContent(type="text", text="x")], structured_content={"value": "x"})

        @server.tool()
        async def other_model() -> Annotated[CallToolResult, Score]:
            return model_result(Other(value="x"), "x")

    return FupanServer(register, Settings(db=str(tmp_path / "r.db"), output_dir=tmp_path), name="t")


async def test_a_dump_of_the_output_model_is_sent_unchecked_and_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "exports"))
    async with Client(server) as client:
        checked = await client.call_tool("compute_attainment", {"metrics": METRICS, "language": "en"})
        monkeypatch.setattr(callpath, "CHECK_OUTPUT", False)
        unchecked = await client.call_tool("compute_attainment", {"metrics": METRICS, "language": "en"})
    assert not unchecked.is_error
    assert unchecked.structured_content == checked.structured_content
    assert unchecked.content == checked.content
    parsed = AttainmentResult.model_validate(unchecked.structured_content)
    assert [m.status for m in parsed.metrics] == ["achieved", "achieved"]
    assert parsed.metrics[0].change_pp == pytest.approx(6.1)


async def test_what_is_not_our_models_dump_is_still_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(callpath, "CHECK_OUTPUT", False)
    async with Client(_server(tmp_path)) as client:
        good = await client.call_tool("good", {})
        wrong = await client.call_tool("wrong", {})
        other = await client.call_tool("other_model", {})
    assert not good.is_error and good.structured_content == {"value": 3}
    for result, name in ((wrong, "wrong"), (other, "other_model")):
        assert result.is_error
        assert [block.text for block in result.content if isinstance(block, TextContent)] == [
            f"Error executing tool {name}"
        ]


def test_vouched_only_for_a_dump_of_an_instance_of_the_output_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(callpath, "CHECK_OUTPUT", False)
    server = _server(tmp_path)
    server.ensure_registered()
    tool = server._tool_manager.get_tool("good")
    assert tool is not None
    assert vouched(tool, model_result(Score(value=1), "1"))
    assert not vouched(tool, model_result(Other(value="1"), "1"))
    assert not vouched(tool, CallToolResult(content=[], structured_content={"value": 1}))
    failed = model_result(Score(value=1), "1")
    failed.is_error = True
    assert not vouched(tool, failed)
    monkeypatch.setattr(callpath, "CHECK_OUTPUT", True)
    assert not vouched(tool, model_result(Score(value=1), "1"))


def test_a_model_result_goes_on_the_wire_as_a_call_tool_result() -> None:
    made = model_result(Score(value=7), "七")
    plain = CallToolResult(content=[TextContent(type="text", text="七")], structured_content={"value": 7})
    assert isinstance(made, ModelResult) and made.model == Score(value=7)
    assert made.model_dump(by_alias=True, mode="json", exclude_none=True) == plain.model_dump(
        by_alias=True, mode="json", exclude_none=True
    )


def test_result_size_counts_utf8_text_and_compact_json() -> None:
    result = CallToolResult(
        content=[TextContent(type="text", text="ab"), TextContent(type="text", text="复盘")],
        structured_content={"a": 1, "b": ["中"]},
    )
    # "ab" 2 + "复盘" 6 bytes; {"a":1,"b":["中"]} is 17 characters, 19 bytes with "中" in UTF-8
    assert result_size(result) == 2 + 6 + 19


def test_result_size_counts_every_kind_of_block_alike() -> None:
    """Text blocks take a short path; images and embedded resources are still counted by their data."""
    from mcp.types import EmbeddedResource, ImageContent, TextResourceContents

    resource = TextResourceContents(uri="fupan://x", text="复")
    result = CallToolResult(
        content=[
            TextContent(type="text", text="复盘"),
            ImageContent(type="image", data="QUJD", mime_type="image/png"),
            EmbeddedResource(type="resource", resource=resource),
        ]
    )
    assert result_size(result) == 6 + 4 + 3


async def test_the_heartbeat_beats_while_a_call_waits_on_a_thread_and_only_then() -> None:
    """`off_loop` runs the current call's heartbeat beside the thread (and not in it); without a
    heartbeat it is a plain thread hop; an error of the work comes out as itself."""
    import threading

    import anyio

    beaten = threading.Event()
    seen_in_thread: list[object] = []

    async def beat() -> None:
        beaten.set()
        await anyio.sleep_forever()

    def work() -> str:
        seen_in_thread.append(callpath.HEARTBEAT.get())
        assert beaten.wait(timeout=60)  # only set by the heartbeat, which must run meanwhile
        return "done"

    token = callpath.HEARTBEAT.set(beat)
    try:
        assert await callpath.off_loop(work) == "done"
        assert callpath.HEARTBEAT.get() is beat  # the call's heartbeat is back after the hop

        def fail() -> None:
            raise ValueError("bad")

        with pytest.raises(ValueError, match="bad"):
            await callpath.off_loop(fail)
    finally:
        callpath.HEARTBEAT.reset(token)
    assert seen_in_thread == [None]
    beaten.clear()
    assert await callpath.off_loop(lambda: "plain") == "plain" and not beaten.is_set()
