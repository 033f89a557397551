"""Output schemas made in one joint pass (`fupan_mcp.outputschemas`) are the ones the SDK makes per tool."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from mcp.server.mcpserver.utilities.func_metadata import func_metadata
from mcp.types import CallToolResult
from pydantic import BaseModel, create_model

from fupan_mcp.app import FupanServer, Settings, create_server
from fupan_mcp.callpath import model_result
from fupan_mcp.outputschemas import alone, declared_output_model, output_schemas


def test_every_tool_has_the_output_schema_and_model_the_sdk_gives_it(tmp_path: Path) -> None:
    server = create_server(Settings(db=str(tmp_path / "reviews.db"), output_dir=tmp_path / "exports"))
    server.ensure_registered()
    tools = server._tool_manager.list_tools()
    assert len(tools) >= 20
    for tool in tools:
        sdk = func_metadata(tool.fn, skip_names=[tool.context_kwarg] if tool.context_kwarg else [])
        assert tool.fn_metadata.output_model is sdk.output_model, tool.name
        assert tool.fn_metadata.output_schema == sdk.output_schema, tool.name
        assert tool.fn_metadata.wrap_output is sdk.wrap_output, tool.name


def test_two_models_of_one_name_are_each_made_alone() -> None:
    first = create_model("Item", a=(int, ...))
    second = create_model("Item", b=(str, ...))
    holder_one = create_model("HolderOne", item=(first, ...))
    holder_two = create_model("HolderTwo", item=(second, ...))
    schemas = output_schemas([holder_one, holder_two])
    assert schemas[holder_one] == alone(holder_one)
    assert schemas[holder_two] == alone(holder_two)
    assert set(schemas[holder_one]["$defs"]) == {"Item"}


def test_a_self_referring_model_keeps_itself_under_defs() -> None:
    class Node(BaseModel):
        name: str
        children: list[Node] = []

    Node.model_rebuild()
    schema = output_schemas([Node])[Node]
    assert schema == alone(Node)
    assert schema["type"] == "object" and set(schema["$defs"]) == {"Node"}


class Score(BaseModel):
    value: int


def test_only_the_annotated_call_tool_result_form_is_taken_over(tmp_path: Path) -> None:
    async def declared() -> Annotated[CallToolResult, Score]:
        return model_result(Score(value=1), "1")

    async def plain() -> Score:
        return Score(value=1)

    assert declared_output_model(declared) is Score
    assert declared_output_model(plain) is None

    def register(server: FupanServer) -> None:
        server.add_tool(declared)
        server.add_tool(plain)

    server = FupanServer(register, Settings(db=str(tmp_path / "r.db"), output_dir=tmp_path), name="t")
    server.ensure_registered()
    for name in ("declared", "plain"):
        tool = server._tool_manager.get_tool(name)
        assert tool is not None
        assert tool.fn_metadata.output_model is Score
        assert tool.output_schema == {
            "properties": {"value": {"title": "Value", "type": "integer"}},
            "required": ["value"],
            "title": "Score",
            "type": "object",
        }


def test_two_tools_of_one_model_get_equal_schemas_not_one_shared_dict(tmp_path: Path) -> None:
    async def first() -> Annotated[CallToolResult, Score]:
        return model_result(Score(value=1), "1")

    async def second() -> Annotated[CallToolResult, Score]:
        return model_result(Score(value=2), "2")

    def register(server: FupanServer) -> None:
        server.add_tool(first)
        server.add_tool(second)

    server = FupanServer(register, Settings(db=str(tmp_path / "r.db"), output_dir=tmp_path), name="t")
    server.ensure_registered()
    one, two = server._tool_manager.get_tool("first"), server._tool_manager.get_tool("second")
    assert one is not None and two is not None
    assert one.output_schema == two.output_schema
    assert one.output_schema is not two.output_schema  # a caller changing one must not change both
