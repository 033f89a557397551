"""End to end over real stdio: the console script a client such as Claude Desktop starts."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import PromptReference, TextContent

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


def console_script() -> str:
    beside_python = Path(sys.executable).with_name("fupan-mcp")
    found = str(beside_python) if beside_python.exists() else shutil.which("fupan-mcp")
    assert found, "the fupan-mcp console script is not installed"
    return found


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_console_script_serves_prompt_completion_and_tool(mode: str) -> None:
    params = StdioServerParameters(command=console_script(), args=[])
    async with Client(params, mode=mode) as client:
        assert "compute_attainment" in [t.name for t in (await client.list_tools()).tools]
        assert "project_review" in [p.name for p in (await client.list_prompts()).prompts]

        for language, marker in (("zh", "GRAI"), ("en", "GRAI")):
            prompt = await client.get_prompt("project_review", {"project_info": "MVP", "language": language})
            content = prompt.messages[0].content
            assert isinstance(content, TextContent) and marker in content.text

        ref = PromptReference(type="ref/prompt", name="project_review")
        completion = await client.complete(ref, {"name": "project_type", "value": "市场"})
        assert completion.completion.values == ["市场营销活动"]

        result = await client.call_tool(
            "compute_attainment",
            {"metrics": [{"name": "关账周期", "target": "≤T+1", "baseline": "T+3", "actual": "T+1"}]},
        )
        assert result.structured_content is not None
        assert result.structured_content["metrics"][0]["status"] == "achieved"

        bad = await client.call_tool("compute_attainment", {"metrics": [{"name": 3}]})
        assert bad.is_error


def test_help_lists_subcommands() -> None:
    import subprocess

    out = subprocess.run([console_script(), "--help"], capture_output=True, text=True, check=True).stdout
    for command in ("serve", "prompt", "demo"):
        assert command in out


def test_prompt_subcommand_prints_the_filled_prompt() -> None:
    import subprocess

    out = subprocess.run(
        [console_script(), "prompt", "--project-info", "年中大促", "--language", "en"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "年中大促" in out and "Goals" in out


MALFORMED_LINES = [
    (b"{not json", -32700),
    (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\\ud800"}}', -32700),
    (b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":"\xed\xa0\x80"}}', None),  # bytes: replaced, served
    (b'[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]', -32600),
    (b"[]", -32600),
    (b'{"a":' * 300 + b"1" + b"}" * 300, -32700),
    (b'{"jsonrpc":"2.0","id":3,"method":"ping","params":{"x":' + b"[" * 3000 + b"]" * 3000 + b"}}", -32700),
    (b'{"jsonrpc":"2.0","id":5,"method":3}', -32600),
    (b'"just a string"', -32600),
    (b"\xff\xfe\x00", -32700),
    (b'{"jsonrpc":"2.0","id":"' + b"x" * 1_000_000 + b'","method":"ping"}', -32600),
]


def test_every_line_over_stdio_gets_an_answer() -> None:
    """Malformed JSON, lone surrogates, batches, deep nesting, a megabyte id: each line gets its answer,
    in order, and the server still serves the request that follows."""
    import json
    import subprocess
    import threading

    lines = [line for line, _ in MALFORMED_LINES] + [b'{"jsonrpc":"2.0","id":"last","method":"ping"}']
    process = subprocess.Popen(
        [console_script()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    guard = threading.Timer(120, process.kill)  # a hang guard, not a threshold
    guard.start()
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(b"\n".join(lines) + b"\n")
        process.stdin.flush()
        raw = [process.stdout.readline() for _ in lines]  # the input stays open until every answer is in
        process.stdin.close()
        stderr = process.stderr.read() if process.stderr else b""
        process.wait()
    finally:
        guard.cancel()
    answers = [json.loads(line) for line in raw if line]
    codes = [answer.get("error", {}).get("code") for answer in answers]
    print(f"\nstdio: {len(lines)} lines, {len(answers)} answers, codes {codes}")
    assert len(answers) == len(lines)
    assert codes == [code for _, code in MALFORMED_LINES] + [None]
    assert answers[4]["id"] is None and answers[7]["id"] == 5  # the id is echoed when it can be read
    assert answers[-1] == {"jsonrpc": "2.0", "id": "last", "result": {}}
    assert max(len(line) for line in raw) < 500  # the megabyte id is not echoed
    assert b"x" * 1000 not in stderr and b"Traceback" not in stderr


async def test_the_stdout_writer_writes_small_answers_in_place_and_big_ones_alike() -> None:
    """`DirectWriter`: a message up to `DIRECT_WRITE_CHARS` is written on the event loop, a longer one
    through a worker thread; both reach the wire whole, in order, as UTF-8."""
    import io

    import anyio.to_thread

    from fupan_mcp import stdio

    wire = io.BytesIO()
    text = io.TextIOWrapper(wire, encoding="utf-8", write_through=False)
    writer = stdio.DirectWriter(text)
    hops = 0
    real = anyio.to_thread.run_sync

    async def counted(*args: object, **kwargs: object) -> object:
        nonlocal hops
        hops += 1
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    small, big = '{"复盘":1}\n', '{"x":"' + "盘" * (stdio.DIRECT_WRITE_CHARS + 1) + '"}\n'
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(anyio.to_thread, "run_sync", counted)
        await writer.write(small)
        await writer.flush()
        assert hops == 0 and wire.getvalue() == small.encode()
        await writer.write(big)
        await writer.flush()
        assert hops == 2  # write and flush, each on a thread
        await writer.write(small)
        await writer.flush()
    assert hops == 2
    assert wire.getvalue() == (small + big + small).encode()


def test_a_big_answer_over_stdio_arrives_whole_after_small_ones() -> None:
    """Answers on both sides of `DIRECT_WRITE_CHARS` over the real console script, each whole."""
    import json
    import subprocess
    import threading

    from fupan_mcp.stdio import DIRECT_WRITE_CHARS

    metrics = [{"name": f"指标 {i}", "target": "≥98%", "actual": "99.2%"} for i in range(150)]
    calls = [metrics[:1], metrics, metrics[:2]]
    lines = [
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-11-25",
                    "capabilities": {},
                    "clientInfo": {"name": "t", "version": "0"},
                },
            }
        ),
        json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    ] + [
        json.dumps(
            {
                "jsonrpc": "2.0",
                "id": 10 + n,
                "method": "tools/call",
                "params": {"name": "compute_attainment", "arguments": {"metrics": given, "detail": "full"}},
            },
            ensure_ascii=False,
        )
        for n, given in enumerate(calls)
    ]
    process = subprocess.Popen(
        [console_script()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    guard = threading.Timer(120, process.kill)  # a hang guard, not a threshold
    guard.start()
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("\n".join(lines).encode() + b"\n")
        process.stdin.flush()
        raw = [process.stdout.readline().decode("utf-8") for _ in range(4)]  # input open until all are in
        process.stdin.close()
        process.wait()
    finally:
        guard.cancel()
    answers = [json.loads(line) for line in raw]
    assert sorted(answer["id"] for answer in answers) == [1, 10, 11, 12]
    answers.sort(key=lambda answer: answer["id"])
    raw = [json.dumps(answer, ensure_ascii=False) for answer in answers]
    sizes = [len(line) for line in raw[1:]]
    assert sizes[0] < DIRECT_WRITE_CHARS < sizes[1] and sizes[2] < DIRECT_WRITE_CHARS
    counts = [len(answer["result"]["structuredContent"]["metrics"]) for answer in answers[1:]]
    assert counts == [1, 150, 2]


CHUNKED_INPUT = [
    '{"a":1}\r\n{"b":"复'.encode(),
    '盘"}\n\n{"c":'.encode()[:-1],  # a line split across reads, a multi-byte character across two of them
    b":2}\r",
    b'\n{"d":"\xff"}\r{"e":3}',  # an invalid byte, a lone CR, a last line with no newline
]


async def test_the_stdin_reader_reads_lines_as_the_sdk_does_without_a_thread() -> None:
    """`LineReader`: the lines the SDK's threaded text reader gives (UTF-8 with errors replaced, universal
    newlines, the last line without its newline), in order, whatever the reads' boundaries; no thread."""
    import io
    import os

    import anyio
    import anyio.to_thread

    from fupan_mcp.stdio import LineReader

    expected = list(io.TextIOWrapper(io.BytesIO(b"".join(CHUNKED_INPUT)), encoding="utf-8", errors="replace"))
    assert len(expected) == 6 and expected[-1] == '{"e":3}'
    read_fd, write_fd = os.pipe()
    hops = 0
    real = anyio.to_thread.run_sync

    async def counted(*args: object, **kwargs: object) -> object:
        nonlocal hops
        hops += 1
        return await real(*args, **kwargs)  # type: ignore[arg-type]

    lines: list[str] = []
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(anyio.to_thread, "run_sync", counted)
            reader = LineReader(read_fd)
            async with anyio.create_task_group() as group:

                async def collect() -> None:
                    async for line in reader:
                        lines.append(line)

                group.start_soon(collect)
                for chunk in CHUNKED_INPUT:
                    os.write(write_fd, chunk)
                    await anyio.sleep(0.01)  # each chunk its own read (the order holds either way)
                os.close(write_fd)
                write_fd = -1
    finally:
        os.close(read_fd)
        if write_fd >= 0:
            os.close(write_fd)
    assert lines == expected
    assert hops == 0


class _Wire:
    """A write stream that records what is sent, in order."""

    def __init__(self) -> None:
        self.sent: list[object] = []

    async def send(self, item: object) -> None:
        self.sent.append(item.message)  # type: ignore[attr-defined]

    async def aclose(self) -> None:
        pass


async def test_a_refusal_keeps_its_place_among_the_answers() -> None:
    """`AnswerOrder`: request 1, a refused line, request 2: the refusal waits for answer 1, answer 2 waits
    for the refusal, whichever the server finishes first; the end of input waits for every answer."""
    import anyio
    import mcp_types as types
    from mcp.shared.message import SessionMessage

    from fupan_mcp.stdio import AnswerOrder

    wire = _Wire()
    order = AnswerOrder(wire)

    def request(n: int) -> types.JSONRPCRequest:
        return types.JSONRPCRequest(jsonrpc="2.0", id=n, method="ping")

    def answer(n: int) -> SessionMessage:
        return SessionMessage(types.JSONRPCResponse(jsonrpc="2.0", id=n, result={}))

    refusal = SessionMessage(
        types.JSONRPCError(jsonrpc="2.0", id=None, error=types.ErrorData(code=-32700, message="Parse error"))
    )
    drained = False
    async with anyio.create_task_group() as group:
        await order.read(request(1))
        await order.refuse(refusal)  # as the read loop does: held, and the loop reads on
        await order.read(request(2))
        group.start_soon(order.send, answer(2))  # the server answers request 2 first
        await anyio.sleep(0.01)
        assert wire.sent == []  # both wait for answer 1

        async def end() -> None:
            nonlocal drained
            await order.drained()
            drained = True

        group.start_soon(end)
        await anyio.sleep(0.01)
        assert not drained
        await order.send(answer(1))
    assert drained
    ids = [getattr(message, "id", "?") for message in wire.sent]
    assert ids == [1, None, 2]
    unheld = AnswerOrder(_Wire())  # no refusal among them: answers go out as they come
    await unheld.read(request(1))
    await unheld.read(request(2))
    await unheld.send(answer(2))
    await unheld.send(answer(1))
    assert [getattr(m, "id", "?") for m in unheld._inner.sent] == [2, 1]


def test_input_that_ends_at_once_still_gets_every_answer() -> None:
    """Requests written and stdin closed straight away (``printf ... | fupan-mcp``), the last line with no
    newline: each request is answered before the server ends, a tool call included."""
    import json
    import subprocess

    call = {
        "name": "compute_attainment",
        "arguments": {"metrics": [{"name": "库存", "target": "≥98%", "actual": "99%"}]},
    }
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call},
        {"jsonrpc": "2.0", "id": 3, "method": "ping"},
    ]
    data = "\r\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode() + b"\r\nnot json"
    done = subprocess.run([console_script()], input=data, capture_output=True, timeout=120, check=True)
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(str(answer["id"]) for answer in answers) == ["1", "2", "3", "None"]
    assert answers[-1]["error"]["code"] == -32700  # the refusal after every earlier answer
    called = next(answer for answer in answers if answer["id"] == 2)
    assert "error" in called or called["result"]["structuredContent"]["metrics"][0]["status"] == "achieved"


def test_requests_read_from_a_file_are_answered(tmp_path: Path) -> None:
    """stdin a regular file (``fupan-mcp < requests.jsonl``): no event loop can wait on it, so the SDK's
    threaded reader serves it, behind the same claim of fd 0; every request is answered, in order."""
    import json
    import subprocess

    requests = tmp_path / "requests.jsonl"
    requests.write_text(
        "".join(json.dumps({"jsonrpc": "2.0", "id": n, "method": "ping"}) + "\n" for n in (1, 2)) + "not json\n",
        encoding="utf-8",
    )
    with requests.open("rb") as stdin:
        done = subprocess.run([console_script()], stdin=stdin, capture_output=True, timeout=120, check=True)
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [answer["id"] for answer in answers] == [1, 2, None]
    assert answers[-1]["error"]["code"] == -32700
