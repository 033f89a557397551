"""`fupan-mcp demo`: a real MCP session over stdio against this server, on a bundled sample review.

It starts the server as a subprocess (exactly what a client such as Claude Desktop does), lists what
it offers, completes a prompt argument, fills the review prompt, calls every tool on the sample's
data, stores the review, renders the report and writes it (markdown and HTML) into the output folder.
The store used by the demo lives in that folder too, so the user's own reviews are never touched.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import CallToolResult, PromptReference, TextContent

from fupan_mcp.samples import METRIC_SHEETS, METRICS_SHEET, load_sample, metrics_sheet_bytes


def server_parameters(out_dir: Path) -> StdioServerParameters:
    """How to start this server: the same interpreter, `python -m fupan_mcp serve`, storing under out_dir."""
    env = {**os.environ, "FUPAN_MCP_DB": str(out_dir / "demo.db"), "FUPAN_MCP_OUTPUT_DIR": str(out_dir)}
    return StdioServerParameters(command=sys.executable, args=["-m", "fupan_mcp", "serve"], env=env)


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def show(title: str, body: str, max_lines: int = 14) -> None:
    lines = body.strip().splitlines()
    more = f"\n… ({len(lines) - max_lines} more lines)" if len(lines) > max_lines else ""
    print(f"\n{'=' * 8} {title} {'=' * 8}\n" + "\n".join(lines[:max_lines]) + more, flush=True)


class Session:
    """A client that fails loudly: the demo must show real results, not swallow errors."""

    def __init__(self, client: Client) -> None:
        self.client = client

    async def call(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        result = await self.client.call_tool(tool, arguments)
        if result.is_error:
            raise SystemExit(f"{tool} failed: {text_of(result)}")
        return result


async def import_sample_sheet(
    client: Client, sample_name: str, out_dir: Path, typed: list[dict[str, Any]], language: str
) -> list[dict[str, Any]]:
    """The sample's metrics as the server reads them from the bundled workbook, dropped into the output
    folder (a directory the server may read); the typed JSON for a sample without a sheet, or when XLSX
    support is not installed."""
    if sample_name not in METRIC_SHEETS:  # the workbook holds the three project samples
        return typed
    sheet = out_dir / METRICS_SHEET
    sheet.write_bytes(metrics_sheet_bytes())
    arguments = {"path": str(sheet), "sheet": METRIC_SHEETS[sample_name], "language": language}
    result = await client.call_tool("import_metrics", arguments)
    if result.is_error:  # XLSX needs the optional `import` extra (openpyxl)
        show("import_metrics", text_of(result) + "\n→ using the metrics typed in the sample instead", 4)
        return typed
    show(f"import_metrics {sheet.name} [{METRIC_SHEETS[sample_name]}]", text_of(result), 16)
    metrics: list[dict[str, Any]] = (result.structured_content or {})["metrics"]
    return metrics


async def demo_session(sample_name: str, language: str, out_dir: Path) -> dict[str, Path]:
    sample = load_sample(sample_name)
    out_dir.mkdir(parents=True, exist_ok=True)
    async with Client(server_parameters(out_dir.resolve())) as client:
        session = Session(client)
        tools = [tool.name for tool in (await client.list_tools()).tools]
        prompts = [prompt.name for prompt in (await client.list_prompts()).prompts]
        show("server", f"tools ({len(tools)}): {', '.join(tools)}\nprompts: {', '.join(prompts)}")

        ref = PromptReference(type="ref/prompt", name="project_review")
        completion = await client.complete(ref, {"name": "project_type", "value": "新产品"})
        show("completion/complete project_type='新产品'", ", ".join(completion.completion.values))

        key_data = "\n".join(
            f"- {m['name']}: {m.get('actual', '—')} (目标 {m.get('target', '—')})" for m in sample["metrics"]
        )
        prompt = await client.get_prompt(
            "project_review",
            {
                "project_info": sample["project"],
                "project_type": sample["project_type"],
                "key_data": key_data,
                "language": language,
            },
        )
        first = prompt.messages[0].content
        show("prompt project_review", first.text if isinstance(first, TextContent) else str(first), 8)

        lang = {"language": language}
        metrics = await import_sample_sheet(client, sample_name, out_dir.resolve(), sample["metrics"], language)
        show("compute_attainment", text_of(await session.call("compute_attainment", {"metrics": metrics, **lang})))
        if "kpi_tree" in sample:
            show("build_kpi_tree", text_of(await session.call("build_kpi_tree", {**sample["kpi_tree"], **lang})))
        for chain in sample.get("five_whys", []):
            result = await session.call("five_whys", {**chain, "review_date": sample["review_date"], **lang})
            show("five_whys", text_of(result))
        if "timeline" in sample:
            timeline = {
                "timeline": sample["timeline"],
                "timezone": sample.get("timezone"),
                "roster": sample.get("roster", []),
            }
            show("check_timeline", text_of(await session.call("check_timeline", {**timeline, **lang})), 24)
        if "swot" in sample:
            show("swot", text_of(await session.call("swot", {**sample["swot"], **lang})))
        actions = {"actions": sample["actions"], "review_date": sample["review_date"], **lang}
        show("check_actions", text_of(await session.call("check_actions", actions)))
        if sample.get("risks"):
            show("check_risks", text_of(await session.call("check_risks", {"risks": sample["risks"], **lang})))
        notes = {f"notes[{i}]": note for i, note in enumerate(sample.get("notes", []))}
        compliance = {"fields": notes, "roster": sample.get("roster", []), **lang}
        show("check_compliance", text_of(await session.call("check_compliance", compliance)))

        # Action ids are global in a store: the sample's own labels (B2B-A1...) would collide with the
        # previous run's, so the store assigns fresh ones and the demo runs any number of times.
        document = {**sample, "actions": [{k: v for k, v in a.items() if k != "id"} for a in sample["actions"]]}
        created = (
            await session.call("create_review", {"project": sample["project"], "review": document})
        ).structured_content
        assert created is not None
        review_id = created["review"]["id"]
        query = "权限" if sample.get("language", "zh") == "zh" else _first_word(sample)
        hits = (await session.call("search_lessons", {"query": query})).structured_content or {}
        show(
            f"create_review + search_lessons '{query}'",
            f"review {review_id}\n" + "\n".join(f"- [{hit['kind']}] {hit['text']}" for hit in hits.get("hits", [])),
        )

        written: dict[str, Path] = {}
        for fmt, suffix in (("markdown", "md"), ("html", "html")):
            result = await session.call(
                "render_report", {"review_id": review_id, "format": fmt, "depth": "full", **lang}
            )
            data = result.structured_content or {}
            path = out_dir / f"{sample_name}.{language}.report.{suffix}"
            path.write_text(data["content"], encoding="utf-8")
            written[fmt] = path
        show("render_report (markdown, first lines)", written["markdown"].read_text(encoding="utf-8"), 24)
        summary = {key: data.get(key) for key in ("title", "sections", "masked_count", "findings")}
        show("render_report summary", json.dumps(summary, ensure_ascii=False, indent=1), 30)

        tracked = (await session.call("list_actions", {"review_id": review_id})).structured_content or {}
        show("list_actions", "\n".join(f"- {a['id']} [{a['status']}] {a['action']}" for a in tracked["actions"]))
        exported = await client.call_tool("export_report", {"review_id": review_id, "format": "docx", **lang})
        if exported.is_error:  # Word needs the optional `export` extra; HTML always works
            exported = await session.call("export_report", {"review_id": review_id, "format": "html", **lang})
        written["export"] = Path((exported.structured_content or {})["path"])
    print("\nwritten:")
    for fmt, path in written.items():
        print(f"  {fmt:8} {path}")
    return written


def _first_word(sample: dict[str, Any]) -> str:
    """A word of the sample's first lesson, to search the lessons for."""
    lessons = sample.get("lessons") or [""]
    first = lessons[0] if isinstance(lessons[0], str) else lessons[0].get("title", "")
    words = [w for w in first.split() if len(w) > 3]
    return words[0] if words else "lesson"


def run_demo(sample: str = "b2b_mvp", language: str = "zh", out_dir: Path = Path("out")) -> dict[str, Path]:
    return anyio.run(demo_session, sample, language, out_dir)
