"""How a tool call runs, for every tool alike: input errors become tool errors a model can read, a result
goes out twice (structured and as text), an analysis given a `review_id` is saved into that review, and
work that is small stays on the event loop while the rest goes to a worker thread.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, ImageContent
from pydantic import BaseModel

from fupan_mcp import workspace
from fupan_mcp.callpath import OFF_LOOP, model_result, off_loop
from fupan_mcp.domain.attainment import AttainmentResult
from fupan_mcp.domain.items import ItemError
from fupan_mcp.domain.kpi import KpiTreeResult
from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, tr
from fupan_mcp.limits import MAX_MESSAGE_CHARS
from fupan_mcp.services import Services
from fupan_mcp.store.base import StoreError

log = logging.getLogger(__name__)

ResultT = TypeVar("ResultT")

INLINE_ITEMS = 100
"""Analyses of up to this many items run on the event loop (see `run_tool`)."""


def tool_result(result: BaseModel, text: str) -> CallToolResult:
    """Structured content for programs, markdown for people; a big KPI tree or metric list in summary
    (`report.sizing`)."""
    if isinstance(result, KpiTreeResult):
        from fupan_mcp.report.sizing import summarised

        result = summarised(result)
    elif isinstance(result, AttainmentResult):
        from fupan_mcp.report.sizing import summarised_attainment

        result = summarised_attainment(result)
    return model_result(result, text)


def chart_images(draw: Callable[[], list[bytes]]) -> list[ImageContent]:
    """PNG charts as image content, after the text; none without matplotlib (the optional ``export``
    extra) or when drawing fails: the text and the structured content already say everything."""
    from fupan_mcp.report import charts

    if not charts.available():
        return []
    try:
        pngs = draw()
    except Exception:  # an illustration must not fail the tool
        log.exception("chart images could not be drawn")
        return []
    return [
        ImageContent(type="image", data=base64.b64encode(png).decode("ascii"), mime_type="image/png") for png in pngs
    ]


def run_core(
    compute: Callable[[], ResultT], language: Language | None = None, set_aside: Iterable[ItemError] = ()
) -> ResultT:
    """Call the pure core, turning input errors into tool errors the model can read.

    A store failure becomes its cause's code and message (`store.messages`: full, read-only, newer
    schema, corrupt, unreachable, busy) in ``language``, or in both languages when the tool has none;
    the technical detail (a path, the driver's words) goes to the server log only. An input error of
    a call with items ``set_aside`` (`domain.items`) lists them after it: the error may be theirs (a
    why's parent, a KPI root set aside), and a refusal must not hide them."""
    try:
        return compute()
    except InputError as error:
        lines = [f"{error.field}: {error.reason}", *(f"- {entry.message}" for entry in set_aside)]
        raise ToolError(clip_message("\n".join(lines))) from error
    except StoreError as error:
        raise ToolError(store_error_text(error, language)) from error


def not_saved_note(review_id: str, error: InputError | StoreError) -> str:
    """The note after a result that could not be saved into a review: the id clipped, a store failure as
    its cause's message (never a path or SQL), an input error as its reason."""
    reason = store_error_text(error) if isinstance(error, StoreError) else clip_message(str(error))
    return not_saved_text(review_id, reason)


def not_saved_text(review_id: str, reason: str) -> str:
    shown = clip_message(review_id, 200)
    return f"\n\n> 未保存到复盘 {shown} / not saved to review {shown}: {reason}"


def clip_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` whole when short; else its head and tail around a count, so a megabyte id is never echoed."""
    if len(text) <= limit:
        return text
    head, tail = limit * 2 // 3, limit // 5
    return f"{text[:head]}…[{len(text) - head - tail} characters omitted]…{text[-tail:]}"


def store_error_text(error: StoreError, language: Language | None = None) -> str:
    """What the client reads about a store failure; the detail is logged here."""
    from fupan_mcp.store.messages import describe

    log.warning("review store: %s (%s)", error.code, error)
    return describe(error, language)


def set_aside_items(items: Iterable[Any] | None, argument: str, item_type: Any, language: Language) -> list[ItemError]:
    """The items of the list argument ``argument`` that `domain.items.ItemWise` set aside, as error entries
    in ``language`` (`report.validation.item_errors`); none when the list was valid (the usual case)."""
    from fupan_mcp.domain.items import set_aside_of

    left_out = set_aside_of(items)
    if not left_out:
        return []
    from fupan_mcp.report.validation import item_errors

    return item_errors(left_out, argument, item_type, language)


def remember(
    services: Services,
    review_id: str | None,
    section: str,
    value: Any,
    tool: str,
    result: BaseModel,
    text: str,
    set_aside: int = 0,
) -> CallToolResult:
    """Return the result; with a review id, also keep the input and the result in that review.

    The id is checked before any work is done; should saving still fail, the computed result is
    returned anyway, with a line that says it was not saved. With items ``set_aside`` (a wrong shape,
    `domain.items`) nothing is saved: the stored section would lose them; the line says so.
    """
    if review_id is not None and set_aside:
        from fupan_mcp.report.strings import TEXT

        reason = " / ".join(tr(TEXT, "set_aside.not_saved", language, n=set_aside) for language in ("zh", "en"))
        text += not_saved_text(review_id, reason)
    elif review_id is not None:
        try:
            workspace.save_tool_run(services.store, review_id, section, workspace.to_jsonable(value), tool, result)
        except (InputError, StoreError) as error:
            text += not_saved_note(review_id, error)
    return tool_result(result, text)


async def run_tool(work: Callable[[], CallToolResult], items: int, review_id: str | None) -> CallToolResult:
    """Run a tool's work on the event loop when it is small and touches no store: a hop to a worker
    thread costs more (about 0.3 ms) than analysing a few dozen items. Larger inputs and anything
    that reads or writes a review go to a worker thread, so other requests keep flowing. A heavy call
    already runs on a worker thread of its own (`callpath.OFF_LOOP`): its work stays there."""
    if (review_id is None and items <= INLINE_ITEMS) or OFF_LOOP.get():
        return work()
    return await off_loop(work)


def check_review(services: Services, review_id: str | None) -> None:
    """A `review_id` that names no stored review is an error before any work is done."""
    if review_id is not None:
        run_core(lambda: services.store.get_review(review_id))
