"""Reference texts the server publishes as resources: the review methods, and a section checklist per
project type. Written for this project, Chinese first, then English.

The method notes are markdown files listed in ``index.json``. The checklists live in one JSON file
(``checklists.json``, published as is) and are also offered one per project type as markdown, built
from that JSON, so the two can never disagree. Files are read with `importlib.resources` only.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fupan_mcp.catalog import PROJECT_TYPES
from fupan_mcp.domain.review import SECTION_IDS
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import tr
from fupan_mcp.report.strings import TEXT

__all__ = ["KnowledgeDoc", "checklist", "list_knowledge", "read_knowledge"]

CHECKLISTS_NAME = "checklists"
CHECKLIST_PREFIX = "checklist-"
SECTIONS_NAME = "report-sections"


class KnowledgeDoc(BaseModel):
    """One knowledge resource: its name in the URI, a title, a MIME type and what it is for."""

    model_config = ConfigDict(frozen=True)

    uri_name: str = Field(description="Name used in the resource URI, e.g. 'method-grai'.")
    title: str
    mime: str = Field(description="text/markdown or application/json.")
    description: str

    @property
    def name(self) -> str:
        """The same as `uri_name` (the name an MCP resource is listed under)."""
        return self.uri_name


def _read(path: str) -> str:
    return resources.files(__package__).joinpath(path).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _index() -> tuple[tuple[KnowledgeDoc, str], ...]:
    """The method notes: (doc, file) pairs from index.json."""
    entries: list[dict[str, str]] = json.loads(_read("index.json"))
    return tuple((KnowledgeDoc(**{k: v for k, v in entry.items() if k != "file"}), entry["file"]) for entry in entries)


@functools.lru_cache(maxsize=1)
def _checklists() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_read("checklists.json"))
    return data


def _checklist_doc(key: str) -> KnowledgeDoc:
    zh, en = PROJECT_TYPES[key]
    return KnowledgeDoc(
        uri_name=f"{CHECKLIST_PREFIX}{key}",
        title=f"复盘清单:{zh} / Review checklist: {en}",
        mime="text/markdown",
        description=(
            f"{zh}项目的复盘报告各章节应写什么。What a review of a {en.lower()} should cover, section by section."
        ),
    )


def list_knowledge() -> list[KnowledgeDoc]:
    """Every knowledge resource: method notes, the checklists (JSON and one per project type), sections."""
    docs = [doc for doc, _ in _index()]
    docs.append(
        KnowledgeDoc(
            uri_name=CHECKLISTS_NAME,
            title="复盘清单(全部项目类型)/ Review checklists (all project types)",
            mime="application/json",
            description="按项目类型列出各章节的检查项、推荐 KPI 模板与分析模型。Checklist items by project "
            "type and section, with the suggested KPI template and analysis models.",
        )
    )
    docs += [_checklist_doc(key) for key in PROJECT_TYPES]
    docs.append(
        KnowledgeDoc(
            uri_name=SECTIONS_NAME,
            title="报告章节 / Report sections",
            mime="text/markdown",
            description="render_report 的章节 id、中英文标题与各深度包含哪些章节。Section ids, titles and depths.",
        )
    )
    return docs


def read_knowledge(name: str) -> str:
    """The text of one knowledge resource by its ``uri_name``. Raises `InputError` for an unknown name."""
    for doc, path in _index():
        if doc.uri_name == name:
            return _read(path)
    if name == CHECKLISTS_NAME:
        return _read("checklists.json")
    if name.startswith(CHECKLIST_PREFIX) and name[len(CHECKLIST_PREFIX) :] in PROJECT_TYPES:
        return checklist(name[len(CHECKLIST_PREFIX) :])
    if name == SECTIONS_NAME:
        return _sections_markdown()
    known = ", ".join(doc.uri_name for doc in list_knowledge())
    raise InputError("name", f"unknown knowledge resource {name!r}; choose one of {known}")


def checklist_entry(project_type: str) -> dict[str, Any] | None:
    """The checklist of one project type (a catalog key) as data: kpi_template, models, sections."""
    entry = _checklists().get(project_type)
    return entry if isinstance(entry, dict) else None


def checklist(project_type: str) -> str:
    """The checklist of one project type (a catalog key) as bilingual markdown."""
    entry = _checklists()[project_type]
    zh, en = PROJECT_TYPES[project_type]
    lines = [f"# 复盘清单:{zh}", "", f"*Review checklist: {en}*", ""]
    if entry.get("kpi_template"):
        lines.append(f"- KPI 模板 / KPI template: `{entry['kpi_template']}`")
    lines += [f"- 推荐模型 / Suggested models: {', '.join(entry['models'])}", ""]
    for section in SECTION_IDS:
        items = [item for item in entry["sections"] if item["section"] == section]
        if not items:
            continue
        lines += [f"## {tr(TEXT, f'section.{section}', 'zh')} / {tr(TEXT, f'section.{section}', 'en')}", ""]
        lines += [f"- [ ] {item['zh']}  \n  {item['en']}" for item in items]
        lines.append("")
    return "\n".join(lines)


def _sections_markdown() -> str:
    from fupan_mcp.report.sections import BRIEF_SECTIONS

    lines = [
        "# 报告章节 / Report sections",
        "",
        "`render_report` 按以下顺序输出章节;“备注与数据缺口”总在最后。brief 只含标 ● 的章节;standard 与 "
        "full 含全部有内容的章节(核心章节即使为空也输出并标注待补充),full 另含全部检查发现与 Mermaid 图。",
        "",
        "Sections in output order; notes and data gaps always come last. brief has the ● sections only; "
        "standard and full have every section with content (core sections even when empty, marked as not "
        "provided); full adds every finding and the Mermaid diagrams.",
        "",
        "| id | 中文 | English | brief |",
        "|---|---|---|---|",
    ]
    for section in SECTION_IDS:
        brief = "●" if section in BRIEF_SECTIONS else ""
        zh = tr(TEXT, f"section.{section}", "zh")
        en = tr(TEXT, f"section.{section}", "en")
        lines.append(f"| `{section}` | {zh} | {en} | {brief} |")
    return "\n".join(lines) + "\n"
