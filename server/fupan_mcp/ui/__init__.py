"""The MCP Apps view: one self-contained HTML document that shows a review interactively.

``ui://fupan/report.html`` (served as ``text/html;profile=mcp-app``) is bound to `render_report`,
the analysis tools and `review_insights` through ``_meta.ui.resourceUri`` (`TOOL_META`). A host
that supports MCP Apps renders it in a sandboxed iframe and hands it the tool's input and result
over the MCP Apps postMessage protocol (``ui/initialize``, ``ui/notifications/tool-input``,
``ui/notifications/tool-result``). The page draws what it gets: the analysis tools' structured
content as is, and for `render_report` the view payload `review_view` builds, carried in the result's
``_meta`` under `VIEW_META_KEY` (only for clients that negotiated Apps: the model never reads it).

The page also works on its own, for a browser or a screenshot: data in a
``<script type="application/json" id="fupan-data">`` block (`standalone_html`) or in a ``#data=``
fragment (URI-encoded JSON) is rendered the same way; ``{"tool_input": ..., "tool_result": ...}`` there
replays what a host posts (a `review_insights` result takes its language from the input). It loads
nothing from outside, and writes user text only as text (``textContent``), never as markup.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from importlib import resources
from typing import TYPE_CHECKING, Any

from fupan_mcp.i18n import Language, tr

if TYPE_CHECKING:
    from mcp.server.apps import Apps

    from fupan_mcp.report.render import BuiltReport

__all__ = [
    "RESOURCE_URI",
    "TOOL_META",
    "VIEW_META_KEY",
    "build_apps",
    "html",
    "review_view",
    "standalone_html",
]

RESOURCE_URI = "ui://fupan/report.html"
TOOL_META: dict[str, Any] = {"ui": {"resourceUri": RESOURCE_URI}}
"""``meta=`` for a tool shown with the view (what ``Apps.tool`` stamps)."""
VIEW_META_KEY = "fupan-mcp/view"
"""Key of the view payload in a tool result's ``_meta``."""

_DROP = frozenset({"markdown", "mermaid"})
"""Text renderings the view does not need: they only make the payload larger."""


@functools.lru_cache(maxsize=1)
def html() -> str:
    """The view's HTML document (inline CSS and script, no outside resource), with its words
    (`ui.words`) injected as a JSON block: the page itself holds no words."""
    from fupan_mcp.ui.words import view_words

    page = resources.files(__package__).joinpath("report.html").read_text(encoding="utf-8")
    marker = "<!-- fupan-words -->"
    if marker not in page:  # pragma: no cover - the marker is part of report.html
        raise RuntimeError("report.html lost its words marker")
    words = _json_block("fupan-words", view_words())
    return page.replace(marker, words, 1)


def _json_block(element_id: str, data: Any) -> str:
    """A ``<script type="application/json">`` block that no text inside can close or turn into markup."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/json" id="{element_id}">{payload}</script>'


def build_apps() -> Apps:
    """The MCP Apps extension with the view registered: pass it to ``MCPServer(extensions=[...])``."""
    from mcp.server.apps import Apps

    apps = Apps()
    apps.add_html_resource(
        RESOURCE_URI,
        html(),
        name="fupan-report-view",
        title="复盘视图 / Review view",
        description="Interactive view of a review: attainment chart, KPI tree, SWOT, actions filterable "
        "by status and owner; of review_insights: closure, overdue aging, what recurs, trends. Rendered by "
        "hosts that support MCP Apps.",
        prefers_border=True,
    )
    return apps


def _dump(model: Any) -> Any:
    if model is None:
        return None
    data = model.model_dump(mode="json")
    return {key: value for key, value in data.items() if key not in _DROP}


def review_view(built: BuiltReport, today: dt.date | None = None) -> dict[str, Any]:
    """What the view shows for a whole review: the analyses plus the action and risk inputs.

    The review is the one reported (personal data masked when the report masks it). Overdue is as of
    the analysis's reference date (the review date); ``today`` is only the fallback when it has none.
    """
    from fupan_mcp.analysis.actions import is_overdue

    review, analysis, document = built.review, built.analysis, built.document
    as_of = analysis.as_of.date if analysis.as_of is not None else today
    titles = _section_titles(built.language)
    checks = {check.index: check for check in analysis.actions.actions} if analysis.actions else {}
    actions = []
    for index, action in enumerate(review.actions):
        check = checks.get(index)
        actions.append(
            {
                **action.model_dump(mode="json", exclude_none=True),
                "index": index,
                "overdue": bool(as_of and is_overdue(action, as_of)),
                "score": check.score if check else None,
                "findings": [finding.message for finding in check.findings] if check else [],
            }
        )
    risk_checks = {check.index: check for check in analysis.risks.risks} if analysis.risks else {}
    risks = [
        {
            **risk.model_dump(mode="json", exclude_none=True),
            "complete": risk_checks[index].complete if index in risk_checks else None,
        }
        for index, risk in enumerate(review.risks)
    ]
    return {
        "kind": "review",
        "title": built.title,
        "language": built.language,
        "summary": built.summary,
        "meta": [list(pair) for pair in document.meta],
        "today": today.isoformat() if today else None,
        "as_of": as_of.isoformat() if as_of else None,
        "as_of_source": analysis.as_of.source if analysis.as_of is not None else ("today" if today else None),
        "review_date": review.review_date.isoformat() if review.review_date else None,
        "sections": [{"id": s.id, "number": s.number, "title": s.title} for s in document.sections],
        "attainment": _dump(analysis.attainment),
        "kpi_tree": _dump(analysis.kpi_tree),
        "swot": _dump(analysis.swot),
        "five_whys": [_dump(chain) for chain in analysis.five_whys if chain is not None],
        "actions": actions,
        "risks": risks,
        "data_gaps": [gap.model_dump(mode="json") for gap in analysis.data_gaps],
        "findings": analysis.counts.model_dump(mode="json"),
        "finding_list": [
            {**finding.model_dump(mode="json"), "section_title": titles.get(finding.section, finding.section)}
            for finding in analysis.findings
        ],
    }


def _section_titles(language: Language) -> dict[str, str]:
    from fupan_mcp.domain.review import SECTION_IDS
    from fupan_mcp.report.strings import TEXT

    return {section: tr(TEXT, f"section.{section}", language) for section in SECTION_IDS}


def standalone_html(data: Any) -> str:
    """The view with ``data`` (a view payload or a tool result) embedded: opens in any browser."""
    block = _json_block("fupan-data", data) + "\n"
    page = html()
    marker = "<!-- fupan-data -->"
    if marker not in page:  # pragma: no cover - the marker is part of report.html
        raise RuntimeError("report.html lost its data marker")
    return page.replace(marker, block, 1)
