"""The MCP shell: the only module that knows MCP.

Each tool validates its arguments (pydantic, through the SDK), calls one pure function of
``fupan_mcp.analysis`` and returns its result twice: as structured content matching the published
output schema, and as markdown text for clients that only show text. Input a caller can fix becomes a
``ToolError`` naming the field, so the model can retry and the server keeps serving.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import logging
import os
import threading
import time
import urllib.parse
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast

import anyio
from mcp import MCPDeprecationWarning, MCPError
from mcp.server import MCPServer
from mcp.server.apps import client_supports_apps
from mcp.server.lowlevel.helper_types import ReadResourceContents
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError, UnexpectedToolError
from mcp.server.mcpserver.resources import TextResource
from mcp.types import (
    INVALID_PARAMS,
    CallToolResult,
    Completion,
    CompletionArgument,
    CompletionContext,
    GetPromptResult,
    Icon,
    ImageContent,
    InputRequiredResult,
    PromptReference,
    ResourceLink,
    ResourceTemplateReference,
    TextContent,
    ToolAnnotations,
)
from mcp.types import Resource as MCPResource
from mcp.types import ResourceTemplate as MCPResourceTemplate
from mcp.types import Tool as MCPTool
from pydantic import AnyUrl, BaseModel, Field, ValidationError

from fupan_mcp import __version__, catalog, knowledge, ui, workspace
from fupan_mcp.analysis.insights import compute_insights, default_as_of
from fupan_mcp.analysis.kpi_templates import TEMPLATE_KEYS
from fupan_mcp.callpath import bounded, model_result, run_tool
from fupan_mcp.domain.actions import ActionCheckResult, ActionItem, ActionStatus, Risk, RiskCheckResult
from fupan_mcp.domain.asof import reference_date
from fupan_mcp.domain.attainment import AttainmentResult, MetricInput
from fupan_mcp.domain.compliance import ComplianceResult, RosterEntry
from fupan_mcp.domain.dates import HumanDate
from fupan_mcp.domain.dates import reference_date as dates_resolved_against
from fupan_mcp.domain.insights import InsightsResult
from fupan_mcp.domain.kpi import DecompositionMethod, KpiNode, KpiTreeResult
from fupan_mcp.domain.materials import AuditResult, MetricImportResult, TrackerImportResult
from fupan_mcp.domain.review import Audience, RenderedReport, Review
from fupan_mcp.domain.stored import LessonKind, OpenAction, ReviewRecord, StoredAction
from fupan_mcp.domain.swot import StrategyLike, SwotItemLike, SwotResult
from fupan_mcp.domain.timeline import MAX_EVENTS, TimelineEvent, TimelineResult
from fupan_mcp.domain.whys import CountermeasureLike, FiveWhysResult, WhyLike
from fupan_mcp.errors import InputError, MissingExtra
from fupan_mcp.i18n import Language, tr
from fupan_mcp.limits import (
    HEAVY_CALLS,
    MAX_ACTIONS,
    MAX_KPI_NODES,
    MAX_MESSAGE_CHARS,
    MAX_METRICS,
    MAX_NAME_CHARS,
    MAX_RESULT_BYTES,
    MAX_SWOT_ITEMS,
    MAX_TEXT_CHARS,
    MAX_WHYS,
    OFF_LOOP_WEIGHT,
    argument_weight,
    oversized,
)
from fupan_mcp.outputschemas import declared_output_model, output_schemas
from fupan_mcp.prompting import argument_description, render_review_prompt
from fupan_mcp.samples import load_sample
from fupan_mcp.store.base import ReviewStore, StoreError
from fupan_mcp.workspace import ActionList, Deleted, Exported, LessonSearch, ReviewList

if TYPE_CHECKING:
    from fupan_mcp.report.render import BuiltReport

SERVER_NAME = "fupan-mcp"

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "复盘 (project review) server. Start with the `project_review` prompt; call the tools for every "
    "figure (attainment rates, changes, KPI contributions, scores) instead of computing them yourself, "
    "leave missing data as gaps, keep the tone blameless. Language: 'zh' (default) or 'en'."
)

LanguageArg = Annotated[Language, Field(description="Output language.")]

ReportLanguageArg = Annotated[
    Language | None, Field(description="'zh' or 'en'; default: the review's own language, else 'zh'.")
]
AudienceArg = Annotated[
    Audience | None,
    Field(
        description="Who the report is for: 'reader' (management: no finding codes, paths or lint tables; the "
        "checks become open questions in the appendix) or 'author' (every finding with its code and place). "
        "Default: reader for html, author for markdown."
    ),
]
ReviewIdArg = Annotated[
    str | None,
    Field(description="A stored review (create_review) to save the input and result into."),
]

REVIEW_SCHEMA_URI = "fupan://schema/review"
REVIEW_ARG_TEXT = (
    "The review document, a JSON object: project (required), title, project_type, review_date, language, "
    "goals, metrics[{name,target,actual,unit,weight}], kpi_tree, five_whys[{problem,whys,root_cause}], "
    "swot{strengths,weaknesses,opportunities,threats,strategies}, actions[{action,owner,due}], "
    "risks[{risk,indicator,yellow_threshold,red_threshold}], timeline[{at,text}], lessons, and more. "
    "Full JSON schema: resource " + REVIEW_SCHEMA_URI + "."
)
"""How render_report and create_review describe `review`: the shape in one line, the schema once as a
resource, so tools/list does not carry the whole schema twice (issue 14)."""
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
SAVES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
"""A tool that computes, and with `review_id` saves its input and result into that review: not read-only
(a client that auto-approves read-only tools must ask), idempotent (the same input saved twice leaves the
same state)."""
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


ResultT = TypeVar("ResultT")

REPORTING_TOOLS = frozenset(
    {
        "render_report",
        "export_report",
        "compute_attainment",
        "build_kpi_tree",
        "five_whys",
        "swot",
        "check_actions",
        "check_risks",
        "check_timeline",
        "check_compliance",
    }
)
"""Tools whose work can take more than a second on big input: they report progress."""
LOGGED_TOOLS = frozenset({"render_report", "export_report"})
"""Tools that also send log messages (start, end, failure) to clients that take them."""
HEARTBEAT_SECONDS = 1.0


async def client_log(context: Context[Any, Any], level: Literal["info", "warning"], message: str) -> None:
    """A log notification to the client. Protocol logging is deprecated on the 2026-07-28 era (SEP-2577)
    but still delivered to clients that opt in, and live on the handshake era: we keep sending it and
    silence the SDK's deprecation warning for this one call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MCPDeprecationWarning)
        try:
            await context.log(level, message, logger_name=SERVER_NAME)
        except Exception:  # a client that cannot take logs must not fail the tool
            log.debug("log notification not sent", exc_info=True)


def _call_summary(arguments: dict[str, Any]) -> str:
    """A short, data-free account of a call for the log: which options, not the review's content."""
    keys = ("review_id", "format", "depth", "language", "filename")
    parts = [f"{key}={arguments[key]}" for key in keys if isinstance(arguments.get(key), str | int)]
    if isinstance(arguments.get("review"), dict):
        parts.append("review=…")
    return ", ".join(parts) or "-"


def _review_schema() -> dict[str, Any]:
    """The review document's JSON schema, to list the fields allowed where an unknown one was given."""
    global _REVIEW_SCHEMA
    if _REVIEW_SCHEMA is None:
        _REVIEW_SCHEMA = Review.model_json_schema()
    return _REVIEW_SCHEMA


_REVIEW_SCHEMA: dict[str, Any] | None = None

INLINE_ITEMS = 100
"""Analyses of up to this many items run on the event loop (see `run_tool` in `_add_tools`)."""


def tool_result(result: BaseModel, text: str) -> CallToolResult:
    """Structured content for programs, markdown for people; a big KPI tree in summary (`report.sizing`)."""
    if isinstance(result, KpiTreeResult):
        from fupan_mcp.report.sizing import summarised

        result = summarised(result)
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


def insights_call(
    store: ReviewStore,
    project: str | None,
    review_type: str | None,
    owner: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
    language: Language,
) -> CallToolResult:
    """`review_insights`: the store's rows for the filter, the pure analysis as of the filter's end."""
    from fupan_mcp.report.tool_text import insights_text

    rows = run_core(lambda: store.insight_rows(project, review_type, owner, date_from, date_to), language)
    result = compute_insights(rows, default_as_of(rows, date_to))
    return tool_result(result, insights_text(result, language))


def run_core(compute: Callable[[], ResultT], language: Language | None = None) -> ResultT:
    """Call the pure core, turning input errors into tool errors the model can read.

    A store failure becomes its cause's code and message (`store.messages`: full, read-only, newer
    schema, corrupt, unreachable, busy) in ``language``, or in both languages when the tool has none;
    the technical detail (a path, the driver's words) goes to the server log only."""
    try:
        return compute()
    except InputError as error:
        raise ToolError(clip_message(f"{error.field}: {error.reason}")) from error
    except StoreError as error:
        raise ToolError(store_error_text(error, language)) from error


def not_saved_note(review_id: str, error: InputError | StoreError) -> str:
    """The note after a result that could not be saved into a review: the id clipped, a store failure as
    its cause's message (never a path or SQL), an input error as its reason."""
    shown = clip_message(review_id, 200)
    reason = store_error_text(error) if isinstance(error, StoreError) else clip_message(str(error))
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


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _env_names(name: str) -> frozenset[str] | None:
    value = os.environ.get(name, "").strip()
    return parse_tool_list(value) if value else None


def parse_tool_list(value: str) -> frozenset[str]:
    """'a,b, c' -> {'a', 'b', 'c'} (commas or spaces)."""
    return frozenset(part for part in value.replace(",", " ").split() if part)


@dataclass(frozen=True)
class Settings:
    """Where the server keeps reviews and writes exports, and which tools it offers. Defaults come from
    the environment (``FUPAN_MCP_DB``, ``FUPAN_MCP_OUTPUT_DIR``, ``FUPAN_MCP_READ_ONLY``, ``FUPAN_MCP_TOOLS``)."""

    db: str | None = field(default_factory=lambda: os.environ.get("FUPAN_MCP_DB"))
    output_dir: Path = field(
        default_factory=lambda: Path(os.environ.get("FUPAN_MCP_OUTPUT_DIR") or Path.home() / "fupan-reports")
    )
    input_dirs: tuple[Path, ...] = field(default_factory=lambda: _input_dirs_from_env())
    """Where import_metrics, import_actions and audit_review may read files; empty: the output directory."""

    read_only: bool = field(default_factory=lambda: _env_flag("FUPAN_MCP_READ_ONLY"))
    """Team mode: no tool that writes is listed or callable, and the store refuses every write."""
    mask_at_ingest: bool = field(default_factory=lambda: _env_flag("FUPAN_MCP_MASK_AT_INGEST"))
    """Personal data is masked before it is stored (`store.masking`); by default it is masked on the way out."""
    tools: frozenset[str] | None = field(default_factory=lambda: _env_names("FUPAN_MCP_TOOLS"))
    """An allow-list of tool names; None offers every tool."""

    def readable_dirs(self) -> tuple[Path, ...]:
        return self.input_dirs or (self.output_dir,)


def _input_dirs_from_env() -> tuple[Path, ...]:
    from fupan_mcp.materials.files import input_dirs_from_env

    return input_dirs_from_env()


_STORE_WRITES = frozenset(
    {"create_review", "delete_review", "update_sections", "add_actions", "update_action", "index_lessons"}
)


class ReadOnlyStore:
    """A store that answers every read and refuses every write (``--read-only``): even a tool that
    saves as a side effect (an analysis given a review_id) cannot change anything."""

    def __init__(self, inner: ReviewStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name in _STORE_WRITES or name.startswith(("save_", "create_", "update_", "delete_", "add_", "put_")):
            from fupan_mcp.report.shell import SHELL_TEXT

            def refused(*args: Any, **kwargs: Any) -> Any:
                raise StoreError(tr(SHELL_TEXT, "read_only_store", "en"))

            return refused
        return getattr(self._inner, name)


class Services:
    """What the tools share: the review store, opened on first use so start-up stays light."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: ReviewStore | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> ReviewStore:
        with self._lock:
            if self._store is None:
                from fupan_mcp.store import open_store

                opened = open_store(self.settings.db)
                if self.settings.mask_at_ingest:
                    from fupan_mcp.store.masking import MaskingStore

                    opened = cast(ReviewStore, MaskingStore(opened))
                self._store = cast(ReviewStore, ReadOnlyStore(opened)) if self.settings.read_only else opened
            return self._store


_JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "array", "object", "null"})


def shallow_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its top-level properties only: their types, titles and descriptions.

    A client checks every structured result against the published schema; with the full model
    (nested ``$defs``, ``anyOf`` per optional field) the official Python client spent about 60 % of a
    small call's round trip in jsonschema. Each result is still the dump of the full model or checked
    against it before it is sent (`callpath`), so the shallow schema loses no guarantee; the
    nested shape is described field by field in the models' docs (README, result models)."""
    defs = schema.get("$defs", {})
    properties = {name: _shallow_property(value, defs) for name, value in schema.get("properties", {}).items()}
    shallow: dict[str, Any] = {"type": "object", "properties": properties}
    for key in ("title", "description", "required"):
        if key in schema:
            shallow[key] = schema[key]
    return shallow


def _shallow_property(schema: object, defs: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(schema, dict):
        return {}
    types: set[str] = set()
    for option in [schema, *schema.get("anyOf", ())]:
        if isinstance(option, dict) and isinstance(ref := option.get("$ref"), str):
            option = defs.get(ref.rsplit("/", 1)[-1], {})  # a named type: its own shape
        if not isinstance(option, dict):
            continue
        kind = option.get("type")
        if isinstance(kind, str) and kind in _JSON_TYPES:
            types.add(kind)
        elif "properties" in option:
            types.add("object")
        elif "enum" in option or "const" in option:
            return {key: schema[key] for key in ("title", "description") if key in schema}  # any value
    shallow: dict[str, Any] = {key: schema[key] for key in ("title", "description") if key in schema}
    if types:
        ordered = sorted(types)
        shallow["type"] = ordered[0] if len(ordered) == 1 else ordered
    return shallow


class FupanServer(MCPServer[Any]):
    """An MCPServer whose tools and resources are registered on first use.

    Generating the JSON schemas of the tools costs about 100 ms, more than the rest of our start-up;
    doing it when a client first lists or calls something lets the server answer `initialize` about
    as fast as a bare MCPServer. Every path that reads tools or resources registers them first.
    """

    def __init__(
        self, register: Callable[[FupanServer], None], settings: Settings | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._register: Callable[[FupanServer], None] | None = register
        self._register_lock = threading.Lock()
        self._listed: list[MCPTool] | None = None
        self.fupan_settings = settings or Settings()
        self.disabled_tools: dict[str, str] = {}
        """Tools this server does not offer, with why: 'read_only' or 'not_allowed'."""
        self._heavy_limiter: anyio.CapacityLimiter | None = None
        self._declared_outputs: list[tuple[str, type[BaseModel]]] | None = None
        """While registering: the tools added without their output schema, with their output model."""

    def ensure_registered(self) -> None:
        with self._register_lock:
            register, self._register = self._register, None
            if register is not None:
                self._declared_outputs = []
                try:
                    register(self)
                    self._set_output_schemas(self._declared_outputs)
                finally:
                    self._declared_outputs = None
                self._restrict_tools()
                self._offer_detail()

    def add_tool(
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        title: str | None = None,
        description: str | None = None,
        annotations: ToolAnnotations | None = None,
        icons: list[Icon] | None = None,
        meta: dict[str, Any] | None = None,
        structured_output: bool | None = None,
    ) -> None:
        """The SDK's `add_tool`; during registration, a tool declaring ``Annotated[CallToolResult, Model]``
        is added without its output schema, which `_set_output_schemas` then sets from one joint pass."""
        model = None
        if self._declared_outputs is not None and structured_output is None:
            model = declared_output_model(fn)
        if model is not None and self._tool_manager.get_tool(name or fn.__name__) is None:
            assert self._declared_outputs is not None
            self._declared_outputs.append((name or fn.__name__, model))
            structured_output = False
        super().add_tool(fn, name, title, description, annotations, icons, meta, structured_output)

    def _set_output_schemas(self, declared: list[tuple[str, type[BaseModel]]]) -> None:
        """Each declared tool's output model and schema, as the SDK would have set them (`outputschemas`)."""
        schemas = output_schemas([model for _, model in declared])
        given: set[int] = set()
        for name, model in declared:
            tool = self._tool_manager.get_tool(name)
            if tool is None:
                continue
            schema = schemas[model]
            if id(schema) in given:  # two tools of one model: each its own copy, as the SDK makes them
                schema = copy.deepcopy(schema)
            given.add(id(schema))
            tool.fn_metadata.output_model = model
            tool.fn_metadata.output_schema = schema

    def _restrict_tools(self) -> None:
        """Team modes: drop the tools that write (``read_only``) and those off the allow-list.

        A tool that only saves with `review_id` (`SAVES`) stays in read-only mode, where the store refuses
        every write: there it cannot write, so it is marked read-only, and a `review_id` is refused."""
        allowed = self.fupan_settings.tools
        for tool in self._tool_manager.list_tools():
            if self.fupan_settings.read_only and tool.annotations == SAVES:
                tool.annotations = READ_ONLY
            writes = not (tool.annotations is not None and tool.annotations.read_only_hint)
            if self.fupan_settings.read_only and writes:
                self.disabled_tools[tool.name] = "read_only"
            elif allowed is not None and tool.name not in allowed:
                self.disabled_tools[tool.name] = "not_allowed"
        for name in self.disabled_tools:
            self.remove_tool(name)

    def _offer_detail(self) -> None:
        """The ``detail`` argument of the tools whose answer can be summarised; `call_tool` takes it off
        the arguments before the SDK validates them (`report.sizing`)."""
        from fupan_mcp.report.sizing import DETAIL_SCHEMA, SIZED_TOOLS

        for name in SIZED_TOOLS:
            if (tool := self._tool_manager.get_tool(name)) is not None:
                tool.parameters.setdefault("properties", {})["detail"] = dict(DETAIL_SCHEMA)

    def unknown_tool_names(self) -> list[str]:
        """Names on the allow-list that name no tool of this server."""
        self.ensure_registered()
        known = {tool.name for tool in self._tool_manager.list_tools()} | set(self.disabled_tools)
        return sorted(set(self.fupan_settings.tools or ()) - known)

    def _tool_input_schema(self, name: str) -> dict[str, Any] | None:
        self.ensure_registered()
        return super()._tool_input_schema(name)

    async def list_tools(self) -> list[MCPTool]:
        """The tools as a model reads them: the compact surface (`surface`; calls are still checked
        against the full schema), each ``outputSchema`` published one level deep (`shallow_schema`).
        Built once: the tools are fixed after registration."""
        self.ensure_registered()
        if self._listed is None:
            from fupan_mcp.surface import compact_tool

            self._listed = [
                compact_tool(tool).model_copy(
                    update={"output_schema": shallow_schema(tool.output_schema) if tool.output_schema else None}
                )
                for tool in await super().list_tools()
            ]
        return list(self._listed)

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """Every call: relative dates read against today, progress and logs on long work, and argument
        errors turned into lines a model can fix (localized, with field paths and examples)."""
        self.ensure_registered()
        from fupan_mcp.report.shell import SHELL_TEXT
        from fupan_mcp.report.validation import language_of

        language = language_of(arguments)
        if name in self.disabled_tools:
            raise ToolError(tr(SHELL_TEXT, f"disabled.{self.disabled_tools[name]}", language, tool=name))
        if (too_big := oversized(arguments, super()._tool_input_schema(name))) is not None:
            field, kind, size, limit = too_big
            raise ToolError(
                tr(SHELL_TEXT, f"limit.{kind}", language, tool=name, field=field, size=f"{size:,}", limit=f"{limit:,}")
            )
        from fupan_mcp.report.sizing import DETAIL, SIZED_TOOLS

        detail = None
        if name in SIZED_TOOLS and "detail" in arguments:
            arguments = dict(arguments)
            detail = arguments.pop("detail")
            if detail not in ("summary", "full"):
                raise ToolError(tr(SHELL_TEXT, "detail.invalid", language, tool=name))
        token = DETAIL.set(detail or "auto")
        try:
            return await self._call_with_dates(name, arguments, context, language)
        finally:
            DETAIL.reset(token)

    async def _call_with_dates(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None, language: Language
    ) -> CallToolResult | InputRequiredResult:
        with dates_resolved_against(dt.date.today()):
            try:
                if context is not None and name in REPORTING_TOOLS:
                    result = await self._call_reporting(name, arguments, context, language)
                else:
                    result = await self._run_tool(name, arguments, context)
                return result
            except ToolError as error:
                try:
                    fixable = self._fixable_error(name, error, language)
                except Exception:  # describing must never hide the error itself
                    log.exception("could not describe the argument error of %s", name)
                    fixable = None
                if fixable is None:
                    raise
                raise fixable from error.__cause__

    async def _run_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None
    ) -> CallToolResult | InputRequiredResult:
        """The SDK's tool call (`callpath.run_tool`: its ``Tool.run``, without validating our own
        model's dump back against that model), bounded (`bounded`); off the event loop when the
        arguments are heavy.

        The SDK validates the arguments and converts the result on the event loop: for a 10,000-node
        tree that is a second during which no other client, not even ``/health``, is answered. A heavy
        call (`argument_weight` above `OFF_LOOP_WEIGHT`) of a tool that takes no context runs the whole
        ``Tool.run`` (same validation, same errors) on a private event loop in a worker thread,
        `HEAVY_CALLS` at a time; the shared loop only routes. A tool that takes a context (progress,
        logs) talks to the session, so it stays here."""
        tool = self._tool_manager.get_tool(name)
        if (
            tool is None
            or tool.context_kwarg is not None
            or tool.resolved_params
            or argument_weight(arguments) <= OFF_LOOP_WEIGHT
        ):
            if tool is None:
                result = await super().call_tool(name, arguments, context)  # the SDK's unknown-tool error
            else:
                result = await run_tool(tool, arguments, context or self._context())
            return bounded(result, name) if isinstance(result, CallToolResult) else result
        if context is None:
            context = self._context()

        def run() -> CallToolResult | InputRequiredResult:
            result: CallToolResult | InputRequiredResult = anyio.run(run_tool, tool, arguments, context)
            return bounded(result, name) if isinstance(result, CallToolResult) else result

        from fupan_mcp.memory import trim_soon

        if self._heavy_limiter is None:
            self._heavy_limiter = anyio.CapacityLimiter(HEAVY_CALLS)
        try:
            return await anyio.to_thread.run_sync(run, limiter=self._heavy_limiter)
        finally:
            trim_soon()

    def _context(self) -> Context[Any, Any]:
        """The context of a call made without one (in process), as the SDK's `call_tool` makes it."""
        return Context(mcp_server=self, subscriptions=self._subscriptions)

    def _fixable_error(self, name: str, error: ToolError, language: Language) -> ToolError | None:
        """A localized, complete description of an argument error; None for any other error."""
        from fupan_mcp.report.validation import describe_validation_error

        cause = error.__cause__
        if isinstance(error, UnexpectedToolError):
            return None
        if isinstance(cause, ToolError) and isinstance(cause.__cause__, InputError):
            cause = cause.__cause__  # the SDK wraps the ToolError `run_core` made of a document's InputError
        if isinstance(cause, ValidationError):
            schema = super()._tool_input_schema(name)
            return ToolError(describe_validation_error(cause, language, schema=schema, tool=name))
        if isinstance(cause, InputError) and cause.validation is not None:
            schema = _review_schema() if cause.root in ("review", "sections") else None
            text = describe_validation_error(cause.validation, language, root=cause.root, schema=schema, tool=name)
            return ToolError(text)
        return None

    async def _call_reporting(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any], language: Language
    ) -> CallToolResult | InputRequiredResult:
        """Run a tool that can take seconds: progress at the start, every `HEARTBEAT_SECONDS` while it
        runs and at the end (only sent when the caller asked for progress), and log messages."""
        from fupan_mcp.report.shell import SHELL_TEXT

        def say(key: str, **values: object) -> str:
            return tr(SHELL_TEXT, key, language, tool=name, **values)

        started = time.monotonic()
        logged = name in LOGGED_TOOLS
        await context.report_progress(0, 1, say("progress.start"))
        if logged:
            await client_log(context, "info", say("log.start", detail=_call_summary(arguments)))

        async def heartbeat() -> None:
            beat = 0
            while True:
                await anyio.sleep(HEARTBEAT_SECONDS)
                beat += 1
                seconds = round(time.monotonic() - started)
                await context.report_progress(1 - 0.5**beat, 1, say("progress.working", seconds=seconds))

        failure: BaseException | None = None
        result: CallToolResult | InputRequiredResult | None = None
        async with anyio.create_task_group() as group:
            group.start_soon(heartbeat)
            try:
                result = await self._run_tool(name, arguments, context)
            except Exception as error:  # re-raised below, outside the task group (no ExceptionGroup)
                failure = error
            finally:
                group.cancel_scope.cancel()
        if failure is not None:
            if logged:
                reason = str(failure) if isinstance(failure, ToolError) else type(failure).__name__
                await client_log(context, "warning", say("log.failed", reason=reason[:300]))
            raise failure
        assert result is not None
        await context.report_progress(1, 1, say("progress.done"))
        if logged:
            await client_log(context, "info", say("log.done", seconds=f"{time.monotonic() - started:.1f}"))
        return result

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Context[Any, Any] | None = None
    ) -> GetPromptResult | InputRequiredResult:
        """A missing required argument is an invalid-params error that names it, in the call's language
        (the SDK's own check ends as 'Internal server error' on the 2026-07-28 era)."""
        from fupan_mcp.report.shell import SHELL_TEXT
        from fupan_mcp.report.validation import language_of

        prompt = self._prompt_manager.get_prompt(name)
        if prompt is not None and prompt.arguments:
            given = arguments or {}
            missing = [
                arg.name for arg in prompt.arguments if arg.required and not str(given.get(arg.name) or "").strip()
            ]
            if missing:
                language = language_of(given)
                example = tr(SHELL_TEXT, "prompt.example", language)
                message = tr(
                    SHELL_TEXT, "prompt.missing", language, prompt=name, names=", ".join(missing), example=example
                )
                raise MCPError(INVALID_PARAMS, message)
        return await super().get_prompt(name, arguments, context)

    async def list_resources(self) -> list[MCPResource]:
        self.ensure_registered()
        return await super().list_resources()

    async def list_resource_templates(self) -> list[MCPResourceTemplate]:
        self.ensure_registered()
        return await super().list_resource_templates()

    async def read_resource(
        self, uri: AnyUrl | str, context: Context[Any, Any] | None = None
    ) -> Iterable[ReadResourceContents] | InputRequiredResult:
        self.ensure_registered()
        return await super().read_resource(uri, context)

    async def run_stdio_async(self) -> None:
        """Serve stdio, answering every line (`fupan_mcp.stdio`): the SDK drops lines it cannot parse."""
        from fupan_mcp.stdio import run_stdio

        await run_stdio(self)


def create_server(settings: Settings | None = None) -> FupanServer:
    """Build the server: the prompt and completions now, tools and resources on first use."""
    services = Services(settings or Settings())

    def register(server: FupanServer) -> None:
        _add_tools(server, services)
        _add_workspace_tools(server, services)
        _add_material_tools(server, services)
        _add_resources(server, services)

    server = FupanServer(
        register,
        services.settings,
        name=SERVER_NAME,
        title="复盘 fupan-mcp",
        version=__version__,
        instructions=INSTRUCTIONS,
        website_url="https://github.com/fupan-mcp/fupan-mcp",
        extensions=[ui.build_apps()],
    )
    _add_prompt(server, services)
    return server


def _described(name: str) -> Any:
    return Field(description=argument_description(name))


_PROMPT_LANGUAGES: dict[str, Language] = {
    "zh": "zh",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "zh_cn": "zh",
    "cn": "zh",
    "chinese": "zh",
    "中文": "zh",
    "简体中文": "zh",
    "en": "en",
    "en-us": "en",
    "en-gb": "en",
    "en_us": "en",
    "english": "en",
    "英文": "en",
    "英语": "en",
}


def prompt_language(value: str) -> Language:
    """The prompt's language argument as one of ours ('' -> zh), or an invalid-params error."""
    from fupan_mcp.report.shell import SHELL_TEXT

    key = value.strip().lower()
    if not key:
        return "zh"
    if key in _PROMPT_LANGUAGES:
        return _PROMPT_LANGUAGES[key]
    shown = json.dumps(value[:40], ensure_ascii=False)
    raise MCPError(
        INVALID_PARAMS,
        tr(SHELL_TEXT, "prompt.language", "zh", value=shown)
        + " / "
        + tr(SHELL_TEXT, "prompt.language", "en", value=shown),
    )


def _prefixed(values: Iterable[str], typed: str) -> list[str]:
    """Values starting with what was typed first, then those containing it (case-insensitive)."""
    needle = typed.strip().casefold()
    unique = list(dict.fromkeys(values))
    first = [v for v in unique if v.casefold().startswith(needle)]
    inside = [v for v in unique if needle and needle in v.casefold() and v not in first]
    return first + inside


def _stored_projects(services: Services, typed: str) -> list[str]:
    try:
        return _prefixed((summary.project for summary in services.store.list_reviews(limit=1000)), typed)
    except (InputError, StoreError):
        return []


def resource_completions(services: Services, template: str, argument: str, typed: str) -> list[str]:
    """Completion values of a resource template's variable: example names, stored review ids, exported files."""
    from fupan_mcp.samples import SAMPLES

    if template.startswith("fupan://examples/") and argument == "name":
        return _prefixed(SAMPLES, typed)
    if template.startswith("fupan://reviews/") and argument == "review_id":
        try:
            return _prefixed((summary.id for summary in services.store.list_reviews(limit=1000)), typed)
        except (InputError, StoreError):
            return []
    if template.startswith("fupan://exports/") and argument == "name":
        suffix = template.rsplit(".", 1)[-1]
        root = services.settings.output_dir
        if not root.is_dir():
            return []
        found = sorted(
            path.relative_to(root).as_posix()[: -len(suffix) - 1]
            for path in root.rglob(f"*.{suffix}")
            if path.is_file()
        )
        return _prefixed(found, typed)
    return []


def _add_prompt(server: MCPServer[Any], services: Services | None = None) -> None:
    @server.prompt(name="project_review", title="项目复盘 / Project review")
    async def project_review(
        project_info: Annotated[str, _described("project_info")],
        period_and_phases: Annotated[str, _described("period_and_phases")] = "",
        review_dimensions: Annotated[str, _described("review_dimensions")] = "",
        key_data: Annotated[str, _described("key_data")] = "",
        project_type: Annotated[str, _described("project_type")] = "",
        report_focus: Annotated[str, _described("report_focus")] = "",
        analysis_models: Annotated[str, _described("analysis_models")] = "",
        language: Annotated[str, Field(description="输出语言 / Output language: zh (default) or en")] = "zh",
    ) -> str:
        """复盘报告提示词(GRAI)/ The GRAI project-review prompt: guides the model through a full report."""
        lang = prompt_language(language)
        return render_review_prompt(
            project_info=project_info,
            period_and_phases=period_and_phases,
            review_dimensions=review_dimensions,
            key_data=key_data,
            project_type=project_type,
            report_focus=report_focus,
            analysis_models=analysis_models,
            language=lang,
            tools=[tool.name for tool in await server.list_tools()],
        )

    @server.completion()  # type: ignore[no-untyped-call, untyped-decorator]  # untyped in the SDK
    async def complete(
        ref: PromptReference | ResourceTemplateReference,
        argument: CompletionArgument,
        context: CompletionContext | None,
    ) -> Completion | None:
        if isinstance(ref, PromptReference) and ref.name == "project_review":
            if argument.name == "project_info" and services is not None:
                values = await anyio.to_thread.run_sync(lambda: _stored_projects(services, argument.value))
            else:
                values = catalog.complete(argument.name, argument.value)
            return Completion(values=values[:100], total=len(values), has_more=len(values) > 100)
        if isinstance(ref, ResourceTemplateReference) and services is not None:
            values = await anyio.to_thread.run_sync(
                lambda: resource_completions(services, ref.uri, argument.name, argument.value)
            )
            return Completion(values=values[:100], total=len(values), has_more=len(values) > 100)
        return None


def _add_tools(server: MCPServer[Any], services: Services) -> None:
    def remember(
        review_id: str | None, section: str, value: Any, tool: str, result: BaseModel, text: str
    ) -> CallToolResult:
        """Return the result; with a review id, also keep the input and the result in that review.

        The id is checked before any work is done; should saving still fail, the computed result is
        returned anyway, with a line that says it was not saved.
        """
        if review_id is not None:
            try:
                workspace.save_tool_run(services.store, review_id, section, workspace.to_jsonable(value), tool, result)
            except (InputError, StoreError) as error:
                text += not_saved_note(review_id, error)
        return tool_result(result, text)

    async def run_tool(work: Callable[[], CallToolResult], items: int, review_id: str | None) -> CallToolResult:
        """Run a tool's work on the event loop when it is small and touches no store: a hop to a worker
        thread costs more (about 0.3 ms) than analysing a few dozen items. Larger inputs and anything
        that reads or writes a review go to a worker thread, so other requests keep flowing."""
        if review_id is None and items <= INLINE_ITEMS:
            return work()
        return await anyio.to_thread.run_sync(work)

    def check_review(review_id: str | None) -> None:
        if review_id is not None:
            run_core(lambda: services.store.get_review(review_id))

    @server.tool(title="目标达成度 / Target attainment", annotations=SAVES, meta=ui.TOOL_META)
    async def compute_attainment(
        metrics: Annotated[
            list[MetricInput],
            Field(
                min_length=1,
                max_length=MAX_METRICS,
                description="Targets with their actuals. Target strings as people write them: '≥2,000', "
                "'下降30%', '+5pp', '不超过45元', '≤T+1', '95~99'.",
            ),
        ],
        review_id: ReviewIdArg = None,
        chart: Annotated[
            bool, Field(description="Add a PNG chart of the rates after the text (needs the `export` extra).")
        ] = False,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, AttainmentResult]:
        """Compare targets with actuals: status, attainment rate, gap, change against the baseline.

        Statuses: achieved, not_achieved, needs_verification (e.g. a peak reported against the target),
        not_evaluable (missing actual; listed among the data gaps). Lower-is-better targets use the
        rate target / actual. A metric that cannot be parsed gets its own error entry; the rest are
        computed. With `chart` (and the `export` extra installed), a PNG chart of the rates follows the text.
        """

        def work() -> CallToolResult:
            check_review(review_id)
            from fupan_mcp.analysis.attainment import compute_attainment as compute
            from fupan_mcp.report.tool_text import attainment_text

            result = run_core(lambda: compute(metrics, language))
            out = remember(review_id, "metrics", metrics, "compute_attainment", result, attainment_text(result))
            if chart:
                out.content.extend(chart_images(lambda: _attainment_png(result, language)))
            return out

        return await run_tool(work, len(metrics) + (INLINE_ITEMS if chart else 0), review_id)  # drawing is slow

    @server.tool(title="KPI 指标树 / KPI driver tree", annotations=SAVES, meta=ui.TOOL_META)
    async def build_kpi_tree(
        nodes: Annotated[
            list[KpiNode] | None,
            Field(
                max_length=MAX_KPI_NODES,
                description="KPI nodes. A node with a formula over other ids ('traffic * cvr * aov', "
                "'gmv / spend') is computed; a '%' node enters formulas as a fraction. Omit to get a template.",
            ),
        ] = None,
        root: Annotated[str | None, Field(description="Id of the root KPI; default: the node no one uses.")] = None,
        template: Annotated[
            str | None,
            Field(description="A ready skeleton for a project type: " + ", ".join(TEMPLATE_KEYS) + "."),
        ] = None,
        method: Annotated[
            DecompositionMethod,
            Field(
                description="How the root's change is split among drivers: lmdi (default, exact and "
                "order-free), chain (chain substitution in `order`), shapley."
            ),
        ] = "lmdi",
        order: Annotated[
            list[str] | None,
            Field(description="Factor order for chain substitution, e.g. quantity before quality."),
        ] = None,
        review_id: ReviewIdArg = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, KpiTreeResult]:
        """Evaluate a KPI / driver tree: compute formulas, check reported values against them, flag cycles,
        unknown ids and missing data, and split the root's change into each driver's contribution."""

        def work() -> CallToolResult:
            check_review(review_id)
            from fupan_mcp.analysis.kpi_tree import build_kpi_tree as build
            from fupan_mcp.report.tool_text import kpi_tree_text

            result = run_core(lambda: build(nodes, root, template, language, method, order))
            text = kpi_tree_text(result)
            section = {"nodes": result.nodes, "root": root, "template": template, "method": method, "order": order}
            return remember(review_id, "kpi_tree", section, "build_kpi_tree", result, text)

        return await run_tool(work, len(nodes or ()), review_id)

    @server.tool(title="5 Whys 根因分析 / 5 Whys", annotations=SAVES, meta=ui.TOOL_META)
    async def five_whys(
        problem: Annotated[
            str,
            Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The problem, specific and measurable."),
        ],
        whys: Annotated[
            list[WhyLike],
            Field(
                min_length=1,
                max_length=MAX_WHYS,
                description="Answers to 'why?'. A plain list is a chain; `parent` makes branches.",
            ),
        ],
        root_cause: Annotated[
            str | list[str] | None, Field(description="The root cause(s); default: the last answers.")
        ] = None,
        countermeasures: Annotated[
            list[CountermeasureLike] | None,
            Field(
                max_length=MAX_WHYS,
                description="Actions against the root causes (owner, due, success_metric).",
            ),
        ] = None,
        review_date: Annotated[
            str | None, Field(description="Review date YYYY-MM-DD; due dates must come after it.")
        ] = None,
        review_id: ReviewIdArg = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, FiveWhysResult]:
        """Check a root-cause chain: too shallow, circular, blaming a person, unverified links, root causes
        without countermeasures, vague countermeasures. Returns the 'therefore' read-back and a category."""

        def work() -> CallToolResult:
            check_review(review_id)
            from fupan_mcp.analysis.five_whys import five_whys as analyse_whys
            from fupan_mcp.report.tool_text import five_whys_text

            result = run_core(lambda: analyse_whys(problem, whys, root_cause, countermeasures, language, review_date))
            chain = {
                "problem": problem,
                "whys": whys,
                "root_cause": root_cause,
                "countermeasures": countermeasures or [],
            }
            return remember(review_id, "five_whys", chain, "five_whys", result, five_whys_text(result))

        return await run_tool(work, len(whys), review_id)

    @server.tool(title="SWOT / TOWS", annotations=SAVES, meta=ui.TOOL_META)
    async def swot(
        strengths: Annotated[list[SwotItemLike], Field(max_length=MAX_SWOT_ITEMS, description="Internal strengths.")],
        weaknesses: Annotated[list[SwotItemLike], Field(max_length=MAX_SWOT_ITEMS, description="Internal weaknesses.")],
        opportunities: Annotated[
            list[SwotItemLike], Field(max_length=MAX_SWOT_ITEMS, description="External opportunities.")
        ],
        threats: Annotated[list[SwotItemLike], Field(max_length=MAX_SWOT_ITEMS, description="External threats.")],
        strategies: Annotated[
            list[StrategyLike] | None,
            Field(max_length=MAX_SWOT_ITEMS, description="TOWS strategies (SO/ST/WO/WT) citing factor ids."),
        ] = None,
        review_id: ReviewIdArg = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, SwotResult]:
        """Check a SWOT (empty quadrants, duplicates, misplaced factors, weights and ratings), compute IFE/EFE
        scores, and place TOWS strategies in the SO/ST/WO/WT matrix."""

        def work() -> CallToolResult:
            check_review(review_id)
            from fupan_mcp.analysis.swot import swot as analyse_swot
            from fupan_mcp.report.tool_text import swot_text

            result = run_core(lambda: analyse_swot(strengths, weaknesses, opportunities, threats, strategies, language))
            section = {
                "strengths": strengths,
                "weaknesses": weaknesses,
                "opportunities": opportunities,
                "threats": threats,
                "strategies": strategies or [],
            }
            return remember(review_id, "swot", section, "swot", result, swot_text(result))

        return await run_tool(work, len(strengths) + len(weaknesses) + len(opportunities) + len(threats), review_id)

    @server.tool(title="行动项检查 / Check action items", annotations=SAVES, meta=ui.TOOL_META)
    async def check_actions(
        actions: Annotated[list[ActionItem], Field(min_length=1, max_length=MAX_ACTIONS)],
        review_date: Annotated[
            HumanDate | None,
            Field(description="Review date; due dates must come after it (relative ones are read against it)."),
        ] = None,
        problems: Annotated[
            list[str] | None, Field(description="Known problems, to check what each action answers.")
        ] = None,
        root_causes: Annotated[list[str] | None, Field(description="Known root causes.")] = None,
        review_id: ReviewIdArg = None,
        language: LanguageArg = "zh",
        as_of: Annotated[
            dt.date | None,
            Field(description="Count overdue as of this day instead of the review date (YYYY-MM-DD)."),
        ] = None,
    ) -> Annotated[CallToolResult, ActionCheckResult]:
        """Check improvement actions: a verb, one owner, a due date after the review, a priority, the problem
        it answers, a measurable result; vague verbs flagged; done needs evidence, won't-do a reason.
        Overdue is counted as of the review date (today only when there is none); `as_of` in the result
        says which date was used."""

        def work() -> CallToolResult:
            reviewed_on = review_date
            if review_id is not None:
                stored = run_core(lambda: services.store.get_review(review_id))
                reviewed_on = reviewed_on or stored.review_date
            from fupan_mcp.analysis.actions import check_actions as check
            from fupan_mcp.analysis.actions import resolve_due
            from fupan_mcp.report.tool_text import actions_text

            today = dt.date.today()  # only the fallback when no review date is known
            resolved = [resolve_due(action, reviewed_on) for action in actions]  # 'T+30' from the review date
            result = run_core(
                lambda: check(resolved, reviewed_on, problems or (), root_causes or (), language, today, as_of=as_of)
            )
            return remember(review_id, "actions", actions, "check_actions", result, actions_text(result, resolved))

        return await run_tool(work, len(actions), review_id)

    @server.tool(title="风险检查 / Check risks", annotations=SAVES)
    async def check_risks(
        risks: Annotated[list[Risk], Field(min_length=1, max_length=MAX_ACTIONS)],
        review_id: ReviewIdArg = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, RiskCheckResult]:
        """Check risks for an indicator, yellow and red thresholds in the right order, a response, an owner."""

        def work() -> CallToolResult:
            check_review(review_id)
            from fupan_mcp.analysis.actions import check_risks as check
            from fupan_mcp.report.tool_text import risks_text

            result = run_core(lambda: check(risks, language))
            return remember(review_id, "risks", risks, "check_risks", result, risks_text(result, risks))

        return await run_tool(work, len(risks), review_id)

    @server.tool(title="事件时间线 / Check an incident timeline", annotations=SAVES)
    async def check_timeline(
        timeline: Annotated[
            list[TimelineEvent],
            Field(
                min_length=1,
                max_length=MAX_EVENTS,
                description="Events {at, kind, text, source}. at: ISO 8601 with a zone, 'YYYY-MM-DD HH:MM' in "
                "`timezone`, or 'HH:MM' (the date of the event before). kind: impact_start, detected, escalated, "
                "mitigated, resolved, impact_end, trigger, change, communication, or a free label.",
            ),
        ],
        timezone: Annotated[
            str | None, Field(description="Zone of times written without one: 'UTC', 'Asia/Shanghai', '+08:00'.")
        ] = None,
        review_date: Annotated[HumanDate | None, Field(description="Review date; events after it are flagged.")] = None,
        roster: Annotated[
            list[RosterEntry] | None, Field(description="People whose names should be roles in the timeline.")
        ] = None,
        review_id: ReviewIdArg = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, TimelineResult]:
        """Compute an incident's time to detect, escalate, mitigate and resolve, the impact duration and the time
        from trigger to impact from its timeline; flag unreadable times, events out of order, duplicates,
        impossible sequences (resolved before detected) and blaming text. With review_id the timeline and the
        result are saved into the review."""

        def work() -> CallToolResult:
            check_review(review_id)
            from fupan_mcp.analysis.timeline import check_timeline as check
            from fupan_mcp.report.postmortem import timeline_markdown

            result = run_core(lambda: check(timeline, timezone, language, review_date=review_date, roster=roster or ()))
            text = timeline_markdown(result)
            out = remember(review_id, "timeline", timeline, "check_timeline", result, text)
            if review_id is not None and timezone:
                try:
                    workspace.update_review(services.store, review_id, {"timezone": timezone})
                except (InputError, StoreError) as error:
                    out.content.append(TextContent(type="text", text=f"timezone not saved: {error}"))
            return out

        return await run_tool(work, len(timeline), review_id)

    @server.tool(title="语气与隐私检查 / Tone and privacy", annotations=READ_ONLY)
    async def check_compliance(
        text: Annotated[str | None, Field(max_length=200_000, description="One text to check.")] = None,
        fields: Annotated[
            dict[str, str] | None,
            Field(description="Several texts keyed by where they come from, e.g. {'problems[0]': '...'}."),
        ] = None,
        roster: Annotated[
            list[RosterEntry] | None, Field(description="People whose names must be replaced by their role.")
        ] = None,
        mask: Annotated[bool, Field(description="Return the texts with personal data masked.")] = True,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, ComplianceResult]:
        """Find personal data (mobile numbers, resident IDs, bank cards, e-mail, roster names) and mask it;
        flag blaming or loaded language with a neutral rewrite hint."""

        def work() -> CallToolResult:
            from fupan_mcp.analysis.compliance import check_compliance as check
            from fupan_mcp.report.tool_text import compliance_text

            result = run_core(lambda: check(text, fields, roster or (), mask, language))
            return tool_result(result, compliance_text(result))

        return await run_tool(work, len(fields or ()) + len(text or "") // 1000, None)


def _attainment_png(result: AttainmentResult, language: Language) -> list[bytes]:
    from fupan_mcp.report import charts

    png = charts.attainment_chart(result, language, fmt="png")
    return [png] if png else []


def _review_pngs(built: BuiltReport, today: dt.date) -> list[bytes]:
    from fupan_mcp.report import charts

    found = charts.review_charts(built.analysis, built.review, "png", language=built.language, today=today)
    return [chart.data for chart in found if isinstance(chart.data, bytes)]


def main_server() -> MCPServer[Any]:
    """The default server instance (what `fupan-mcp` serves over stdio)."""
    return create_server()


Format = Literal["markdown", "html"]
ExportFormat = Literal["markdown", "html", "docx"]
Depth = Literal["brief", "standard", "full"]

EXPORT_TYPES: dict[str, tuple[str, str]] = {
    "markdown": (".md", "text/markdown"),
    "html": (".html", "text/html"),
    "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}
"""Export format -> file suffix and MIME type (also the `fupan://exports/{name}.<suffix>` resources)."""


def render_review(
    review: Review,
    format: Format,
    depth: Depth,
    language: Language | None,
    mask_personal_data: bool,
    *,
    follow_up: Sequence[OpenAction] = (),
) -> RenderedReport:
    """The report renderer, imported on first use (Jinja2 and the section builders are not light)."""
    from fupan_mcp.report.render import render_report

    return render_report(review, format, depth, language, mask_personal_data, follow_up=follow_up)


def build_review_report(
    review: Review,
    depth: Depth,
    language: Language | None,
    mask_personal_data: bool,
    follow_up: Sequence[OpenAction],
    audience: Audience = "reader",
    today: dt.date | None = None,
) -> BuiltReport:
    """The laid-out report (for rendering, the charts, the app view and Word), imported on first use.

    Overdue is counted as of the review's date; ``today`` is the fallback for a review without one."""
    from fupan_mcp.report.render import build_report

    return build_report(
        review, depth, language, mask_personal_data, follow_up=follow_up, audience=audience, today=today
    )


def render_built_report(built: BuiltReport, format: Format, today: dt.date) -> RenderedReport:
    from fupan_mcp.report.render import render_built

    return render_built(built, format, today=today, charts=True)


def _add_workspace_tools(server: MCPServer[Any], services: Services) -> None:
    """Reviews that last: create, read, list, update and delete them; track actions; search lessons."""

    def store() -> ReviewStore:
        return services.store

    @server.tool(title="渲染复盘报告 / Render the report", annotations=SAVES, meta=ui.TOOL_META)
    def render_report(
        review: Annotated[
            dict[str, Any] | None,
            Field(description=REVIEW_ARG_TEXT + " Omit it to render the stored review `review_id`."),
        ] = None,
        review_id: Annotated[
            str | None,
            Field(description="A stored review: with `review`, the document is saved into it first."),
        ] = None,
        format: Annotated[Format, Field(description="markdown, or self-contained HTML.")] = "markdown",
        depth: Annotated[Depth, Field(description="brief, standard or full.")] = "standard",
        mask_personal_data: Annotated[
            bool, Field(description="Mask phone numbers, IDs, bank cards, e-mail and roster names.")
        ] = True,
        language: ReportLanguageArg = None,
        audience: AudienceArg = None,
        *,
        ctx: Context[Any, Any],
    ) -> Annotated[CallToolResult, RenderedReport]:
        """Render the complete 复盘 report. Every figure is computed from the raw inputs (attainment, KPI
        tree, 5 Whys, SWOT, action and risk checks); the report ends with the data gaps. HTML carries
        inline SVG charts; with depth 'full', PNG charts also follow the text (the PNGs need the
        `export` extra)."""
        if review is None and review_id is None:
            raise ToolError("review: give the review document, or the review_id of a stored review")
        data = review
        document_in = None if data is None else run_core(lambda: workspace.validate_review(data, "review"))
        if review_id is not None:
            if document_in is not None:
                saved = document_in
                run_core(lambda: workspace.save_review(store(), review_id, saved))
            document = run_core(lambda: workspace.load_review(store(), review_id))
            follow_up = run_core(lambda: workspace.earlier_open_actions(store(), review_id))
        else:
            assert document_in is not None
            document, follow_up = document_in, []
        today = dt.date.today()  # only the fallback for a review without a date: overdue is as of the review
        reader = audience or ("author" if format == "markdown" else "reader")
        built = run_core(
            lambda: build_review_report(document, depth, language, mask_personal_data, follow_up, reader, today)
        )
        result = run_core(lambda: render_built_report(built, format, today))
        out = tool_result(result, result.content)
        if depth == "full":
            out.content.extend(chart_images(lambda: _review_pngs(built, today)))
        if client_supports_apps(ctx):  # the view's data: for the app only, the model never reads _meta
            out.meta = {ui.VIEW_META_KEY: ui.review_view(built, today)}
        return out

    @server.tool(title="新建复盘 / Create a review", annotations=WRITES)
    def create_review(
        project: Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS, description="Project name.")],
        title: Annotated[str | None, Field(max_length=MAX_NAME_CHARS, description="Title of the review.")] = None,
        project_type: Annotated[str | None, Field(description="Project type, e.g. 技术研发与实施.")] = None,
        review_date: Annotated[HumanDate | None, Field(description="Date of the review; default today.")] = None,
        review: Annotated[
            dict[str, Any] | None, Field(description="Sections to start with: " + REVIEW_ARG_TEXT)
        ] = None,
        language: LanguageArg = "zh",
        idempotency_key: Annotated[
            str | None,
            Field(
                max_length=200,
                description="Any string you choose for this document (e.g. a UUID): a retry with the same key "
                "returns the review already stored instead of making a duplicate.",
            ),
        ] = None,
        new_project: Annotated[
            bool, Field(description="Create the project even though its name is close to a stored one.")
        ] = False,
    ) -> workspace.CreatedReview:
        """Start a stored review; returns its id and the open or overdue actions of earlier reviews of the same
        project, to follow up. Pass `review_id` to the analysis tools to save their inputs and results.
        Everything is stored in one transaction; give `idempotency_key` to make a retry safe."""
        data = dict(review) if review is not None else {}
        data.update(project=project, language=language)
        for key, value in (("title", title), ("project_type", project_type), ("review_date", review_date)):
            if value is not None:
                data[key] = value
        document = run_core(lambda: workspace.validate_review(data, "review"))
        today = dt.date.today()
        return run_core(
            lambda: workspace.create_review(store(), document, today, idempotency_key, new_project), language
        )

    @server.tool(title="读取复盘 / Get a review", annotations=READ_ONLY)
    def get_review(
        review_id: Annotated[str, Field(description="Id returned by create_review.")],
        raw: Annotated[
            bool, Field(description="The stored text as written (author use); by default personal data is masked.")
        ] = False,
    ) -> ReviewRecord:
        """A stored review: metadata, every saved section and tool result, its actions and lessons;
        personal data masked with the review's roster unless `raw`."""
        return run_core(lambda: workspace.read_review(store(), review_id, raw))

    @server.tool(title="复盘列表 / List reviews", annotations=READ_ONLY)
    def list_reviews(
        project: Annotated[str | None, Field(description="Only this project.")] = None,
        project_type: Annotated[str | None, Field(description="Only this project type.")] = None,
        date_from: Annotated[HumanDate | None, Field(description="Reviews on or after this date.")] = None,
        date_to: Annotated[HumanDate | None, Field(description="Reviews on or before this date.")] = None,
        limit: Annotated[int, Field(ge=1, le=1000)] = 50,
        offset: Annotated[int, Field(ge=0)] = 0,
        raw: Annotated[
            bool, Field(description="The stored text as written (author use); by default personal data is masked.")
        ] = False,
    ) -> ReviewList:
        """Stored reviews, newest first, filtered by project, type and date (masked unless `raw`)."""
        reviews = run_core(
            lambda: workspace.read_reviews(store(), project, project_type, date_from, date_to, limit, offset, raw)
        )
        return ReviewList(reviews=reviews)

    @server.tool(title="更新复盘 / Update a review", annotations=WRITES)
    def update_review(
        review_id: Annotated[str, Field(description="Id returned by create_review.")],
        sections: Annotated[
            dict[str, Any],
            Field(
                description="Top-level sections of the review document to replace, e.g. {'lessons': [...], "
                "'swot': {...}}. Actions are added, or updated by id; nothing else is touched."
            ),
        ],
    ) -> ReviewRecord:
        """Replace sections of a stored review; the merged document is validated before anything is saved."""
        return run_core(lambda: workspace.update_review(store(), review_id, sections))

    @server.tool(title="删除复盘 / Delete a review", annotations=DESTRUCTIVE)
    def delete_review(review_id: Annotated[str, Field(description="Id of the review to delete.")]) -> Deleted:
        """Delete a stored review with its sections, actions and lessons. This cannot be undone."""
        run_core(lambda: store().delete_review(review_id))
        return Deleted(review_id=review_id)

    @server.tool(title="行动项列表 / List actions", annotations=READ_ONLY)
    def list_actions(
        owner: Annotated[str | None, Field(description="Only this owner.")] = None,
        status: Annotated[list[ActionStatus] | None, Field(description="Only these statuses.")] = None,
        overdue: Annotated[
            bool, Field(description="Only open actions past their due date as of `as_of` (default today).")
        ] = False,
        project: Annotated[str | None, Field(description="Only this project.")] = None,
        review_id: Annotated[str | None, Field(description="Only this review.")] = None,
        limit: Annotated[int, Field(ge=1, le=1000)] = 100,
        offset: Annotated[int, Field(ge=0)] = 0,
        as_of: Annotated[
            dt.date | None,
            Field(
                description="With `overdue`: the day to count from (YYYY-MM-DD); default today. Also implies `overdue`."
            ),
        ] = None,
        raw: Annotated[
            bool, Field(description="The stored text as written (author use); by default personal data is masked.")
        ] = False,
    ) -> ActionList:
        """Improvement actions across reviews, by owner, status, overdue, project or review. With `overdue`
        the result's `as_of` says which date the actions were overdue on. Masked with each review's roster
        unless `raw`."""
        reference = reference_date(given=as_of, today=dt.date.today()) if overdue or as_of else None
        overdue_on = reference.date if reference else None
        found = run_core(
            lambda: store().list_actions(owner, status, overdue_on, project, review_id, limit=limit, offset=offset)
        )
        if not raw:
            found = run_core(lambda: workspace.mask_actions(store(), found))
        return ActionList(actions=found, as_of=reference)

    @server.tool(title="更新行动项 / Update an action", annotations=WRITES)
    def update_action(
        action_id: Annotated[str, Field(description="Id of the action, e.g. A-7c1e0b9d42.")],
        status: Annotated[ActionStatus | None, Field(description="New status.")] = None,
        owner: Annotated[str | None, Field(description="New owner.")] = None,
        due: Annotated[
            HumanDate | None, Field(description="New due date: YYYY-MM-DD, or 'in 2 weeks', '月底前' (from today).")
        ] = None,
        evidence: Annotated[str | None, Field(description="Proof that it is done (required for done).")] = None,
        status_reason: Annotated[
            str | None, Field(description="Why it will not be done (required for wont_do).")
        ] = None,
    ) -> StoredAction:
        """Move an action along: open → in_progress → done (with evidence) or wont_do (with a reason)."""
        return run_core(
            lambda: store().update_action(
                action_id, status=status, owner=owner, due=due, evidence=evidence, status_reason=status_reason
            )
        )

    @server.tool(title="经验检索 / Search lessons", annotations=READ_ONLY)
    def search_lessons(
        query: Annotated[str, Field(min_length=1, max_length=500, description="Words to find, Chinese or English.")],
        kinds: Annotated[
            list[LessonKind] | None,
            Field(description="lesson, root_cause, success_factor, problem, swot, risk, action."),
        ] = None,
        project: Annotated[str | None, Field(description="Only this project (any of its names).")] = None,
        limit: Annotated[int, Field(ge=1, le=200)] = 20,
        review_type: Annotated[str | None, Field(description="Only reviews of this type.")] = None,
        date_from: Annotated[HumanDate | None, Field(description="Reviews dated on or after.")] = None,
        date_to: Annotated[HumanDate | None, Field(description="Reviews dated on or before.")] = None,
        raw: Annotated[
            bool, Field(description="The stored text as written (author use); by default personal data is masked.")
        ] = False,
    ) -> LessonSearch:
        """Search the lessons, root causes, success factors, problems, SWOT factors, risks and actions of every
        stored review, best first; English words match their other forms (permission/permissions). Masked
        with each review's roster unless `raw`."""
        hits = run_core(
            lambda: workspace.find_lessons(
                store(),
                query,
                kinds,
                project,
                limit,
                raw,
                review_type=review_type,
                date_from=date_from,
                date_to=date_to,
            )
        )
        return LessonSearch(query=query, hits=hits)

    @server.tool(title="跨复盘洞察 / Insight across reviews", annotations=READ_ONLY)
    async def review_insights(
        project: Annotated[str | None, Field(description="Only this project.")] = None,
        project_type: Annotated[str | None, Field(description="Only this project type.")] = None,
        owner: Annotated[str | None, Field(description="Only this owner's actions.")] = None,
        date_from: Annotated[HumanDate | None, Field(description="Reviews on or after this date.")] = None,
        date_to: Annotated[
            HumanDate | None, Field(description="Reviews on or before this date; also the date overdue is counted at.")
        ] = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, InsightsResult]:
        """Across stored reviews: closure rate, median days to close, open and overdue actions with aging, by
        owner, project and quarter; actions carried over reviews; problems, root causes and lessons that recur
        (a lesson in 3+ reviews is not yet learned); attainment trends per project and metric. Overdue is
        counted as of `date_to`, else the latest review date."""
        return await anyio.to_thread.run_sync(
            lambda: insights_call(store(), project, project_type, owner, date_from, date_to, language)
        )

    @server.tool(title="导出报告 / Export the report", annotations=WRITES)
    def export_report(
        review_id: Annotated[str, Field(description="The stored review to export.")],
        format: Annotated[
            ExportFormat,
            Field(
                description="html (self-contained and printable, with charts: print it to PDF from a "
                "browser), markdown, or docx (Word, with tables and charts; needs the `export` extra)."
            ),
        ] = "html",
        depth: Annotated[Depth, Field(description="brief, standard or full.")] = "full",
        filename: Annotated[
            str | None, Field(description="File name inside the output directory; default from the title.")
        ] = None,
        language: ReportLanguageArg = None,
        audience: Annotated[
            Audience,
            Field(description="reader (default: a document for management) or author (every finding and its place)."),
        ] = "reader",
        overwrite: Annotated[
            bool, Field(description="Replace a file of the same name; without it an existing file is an error.")
        ] = False,
    ) -> Annotated[CallToolResult, Exported]:
        """Write a stored review's report to a file under the configured output directory; returns its
        path and a link to the `fupan://exports/...` resource that serves it."""
        today = dt.date.today()  # only the fallback: a stored review has a date, overdue is as of it
        document = run_core(lambda: workspace.load_review(store(), review_id))
        follow_up = run_core(lambda: workspace.earlier_open_actions(store(), review_id))
        built = run_core(lambda: build_review_report(document, depth, language, True, follow_up, audience, today))
        content: str | bytes
        if format == "docx":
            from fupan_mcp.report.docx import review_docx

            try:
                content = review_docx(built, today=today)
            except MissingExtra as error:
                raise ToolError(f"format: {error}") from error
        else:
            content = run_core(lambda: render_built_report(built, format, today)).content
        suffix, mime = EXPORT_TYPES[format]
        root = services.settings.output_dir
        path, relative = run_core(
            lambda: workspace.write_export(root, filename or review_id, suffix, content, overwrite=overwrite)
        )
        uri = "fupan://exports/" + urllib.parse.quote(relative, safe="/")
        size = len(content if isinstance(content, bytes) else content.encode("utf-8"))
        exported = Exported(review_id=review_id, path=str(path), format=format, bytes=size, uri=uri)
        link = ResourceLink(
            type="resource_link", uri=uri, name=path.name, title=built.title, mime_type=mime, size=exported.bytes
        )
        return CallToolResult(
            content=[TextContent(type="text", text=exported.model_dump_json(indent=2)), link],
            structured_content=exported.model_dump(mode="json"),
        )


def _add_resources(server: MCPServer[Any], services: Services) -> None:
    """Methods, checklists and example reviews; stored reviews by URI; exported files."""
    for doc in knowledge.list_knowledge():
        server.add_resource(
            TextResource(
                uri=f"fupan://knowledge/{doc.name}",
                name=doc.name,
                title=doc.title,
                description=doc.description,
                mime_type=doc.mime,
                text=knowledge.read_knowledge(doc.name),
            )
        )

    @server.resource(REVIEW_SCHEMA_URI, mime_type="application/schema+json", title="Review document schema")
    def review_schema() -> str:
        """The JSON schema of the review document that render_report and create_review take as `review`."""
        return json.dumps(_review_schema(), ensure_ascii=False, indent=2)

    @server.resource("fupan://examples/{name}", mime_type="application/json", title="Example review (input)")
    def example_review(name: str) -> str:
        """An example review document: pass it to render_report."""
        try:
            return json.dumps(load_sample(name), ensure_ascii=False, indent=2)
        except KeyError as error:
            raise ResourceNotFoundError(clip_message(str(error))) from error

    @server.resource("fupan://examples/{name}/report", mime_type="text/markdown", title="Example report")
    def example_report(name: str) -> str:
        """The example review rendered as a markdown report."""
        try:
            review = Review.model_validate(load_sample(name))
        except KeyError as error:
            raise ResourceNotFoundError(clip_message(str(error))) from error
        return render_review(review, "markdown", "full", review.language or "zh", True).content

    @server.resource("fupan://reviews", mime_type="application/json", title="Stored reviews")
    def stored_reviews() -> str:
        """Every stored review (newest first, up to 1,000) with the URIs of its JSON and its report."""
        listed = [
            {
                **summary.model_dump(mode="json"),
                "uri": f"fupan://reviews/{summary.id}",
                "report_uri": f"fupan://reviews/{summary.id}/report",
            }
            for summary in workspace.read_reviews(services.store, limit=1000)
        ]
        return json.dumps(listed, ensure_ascii=False, indent=2)

    @server.resource("fupan://insights", mime_type="application/json", title="Insight across reviews")
    def insights_resource() -> str:
        """`review_insights` over the whole store, as JSON."""
        rows = services.store.insight_rows()
        return compute_insights(rows, default_as_of(rows, None)).model_dump_json(indent=2)

    @server.resource("fupan://reviews/{review_id}", mime_type="application/json", title="Stored review")
    def stored_review(review_id: str) -> str:
        """A stored review as JSON: metadata, sections, tool results, actions, lessons."""
        try:
            return workspace.read_review(services.store, review_id).model_dump_json(indent=2)
        except InputError as error:
            raise ResourceNotFoundError(clip_message(str(error))) from error

    @server.resource("fupan://reviews/{review_id}/report", mime_type="text/markdown", title="Stored review report")
    def stored_review_report(review_id: str) -> str:
        """A stored review rendered as a markdown report."""
        try:
            document = workspace.load_review(services.store, review_id)
            follow_up = workspace.earlier_open_actions(services.store, review_id)
        except InputError as error:
            raise ResourceNotFoundError(clip_message(str(error))) from error
        language = document.language or "zh"
        return render_review(document, "markdown", "full", language, True, follow_up=follow_up).content

    def exported_file(name: str, format: str) -> bytes:
        """Read relative to the output directory without following symlinks (`fupan_mcp.safefs`)."""
        suffix = EXPORT_TYPES[format][0]
        try:
            data = workspace.read_export(services.settings.output_dir, name + suffix, MAX_RESULT_BYTES)
        except InputError as error:
            raise ResourceNotFoundError(f"{name[:200]}{suffix}: {error.reason}") from error
        if data is None:
            raise ResourceNotFoundError(f"No exported file {name[:200]}{suffix}; call export_report first")
        return data

    @server.resource("fupan://exports/{+name}.html", mime_type="text/html", title="Exported report (HTML)")
    def exported_html(name: str) -> str:
        """A report written by export_report as HTML."""
        return exported_file(name, "html").decode("utf-8", errors="replace")

    @server.resource("fupan://exports/{+name}.md", mime_type="text/markdown", title="Exported report (markdown)")
    def exported_markdown(name: str) -> str:
        """A report written by export_report as markdown."""
        return exported_file(name, "markdown").decode("utf-8", errors="replace")

    @server.resource("fupan://exports/{+name}.docx", mime_type=EXPORT_TYPES["docx"][1], title="Exported report (Word)")
    def exported_docx(name: str) -> bytes:
        """A report written by export_report as a Word document."""
        return exported_file(name, "docx")


MaterialPathArg = Annotated[
    str | None,
    Field(
        description="A file the server may read: under an --input-dir (default: the export directory and, "
        "for a stdio server, its working directory). Relative paths are taken under those directories."
    ),
]
MaterialSheetArg = Annotated[
    str | None, Field(description="XLSX: the sheet to read, by name; default the first (the result lists them all).")
]


def _add_material_tools(server: MCPServer[Any], services: Services) -> None:
    """Materials as they come: metric sheets, tracker exports and written reviews, read by the server."""

    def check_review(review_id: str | None) -> None:
        if review_id is not None:
            run_core(lambda: services.store.get_review(review_id))

    def load(
        path: str | None,
        content: str | None,
        format: str | None,
        kind: Literal["table", "document"],
        language: Language,
    ) -> tuple[bytes, str]:
        from fupan_mcp.materials.files import load_material

        choices = ("csv", "tsv", "xlsx") if kind == "table" else ("markdown", "docx")
        return run_core(
            lambda: load_material(
                path=path,
                content=content,
                format=format,
                allowed=services.settings.readable_dirs(),
                kind=kind,
                choices=choices,
                language=language,
            )
        )

    @server.tool(title="导入指标表 / Import a metrics sheet", annotations=SAVES)
    async def import_metrics(
        path: MaterialPathArg = None,
        content: Annotated[
            str | None,
            Field(
                max_length=30_000_000,
                description="The file inline instead of a path: text for CSV/TSV, base64 for XLSX.",
            ),
        ] = None,
        format: Annotated[
            Literal["csv", "tsv", "xlsx"] | None, Field(description="Default: from the file name, else csv.")
        ] = None,
        sheet: MaterialSheetArg = None,
        compute: Annotated[bool, Field(description="Also run compute_attainment on the imported metrics.")] = False,
        review_id: Annotated[
            str | None,
            Field(
                description="A stored review: the metrics and compute_attainment's result are saved into it "
                "(implies compute)."
            ),
        ] = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, MetricImportResult]:
        """Read a table of metrics (CSV, TSV, XLSX) into compute_attainment's `metrics`, without retyping.

        Columns are found by their headers in Chinese or English (指标/metric, 目标/target, 实际/完成/actual,
        基线/上期/去年同期/baseline, 单位/unit, 口径/aggregation, 权重/weight, 维度/dimension, 备注/note), below a
        title row and over merged two-row headers. Numbers, percents formatted in the sheet, 万/亿 and thousands
        separators keep their meaning; formulas are read as their cached values. Cells that cannot be read
        are listed by row and column; columns not used are listed.
        """

        def work() -> CallToolResult:
            from fupan_mcp.materials.api import import_metrics as read
            from fupan_mcp.report.materials import metrics_text

            check_review(review_id)
            data, chosen = load(path, content, format, "table", language)
            result = run_core(lambda: read(data, chosen, sheet, language, compute or review_id is not None))
            text = metrics_text(result, language)
            if review_id is not None and result.attainment is not None:
                try:
                    workspace.save_tool_run(
                        services.store,
                        review_id,
                        "metrics",
                        workspace.to_jsonable(result.metrics),
                        "compute_attainment",
                        result.attainment,
                    )
                    result = result.model_copy(update={"saved_to": review_id})
                    text = metrics_text(result, language)
                except (InputError, StoreError) as error:
                    text += not_saved_note(review_id, error)
            return tool_result(result, text)

        return await anyio.to_thread.run_sync(work)

    @server.tool(title="导入行动项 / Import tracker actions", annotations=SAVES)
    async def import_actions(
        path: MaterialPathArg = None,
        content: Annotated[
            str | None,
            Field(
                max_length=30_000_000,
                description="The export inline instead of a path: text for CSV/TSV, base64 for XLSX.",
            ),
        ] = None,
        format: Annotated[
            Literal["csv", "tsv", "xlsx"] | None, Field(description="Default: from the file name, else csv.")
        ] = None,
        sheet: MaterialSheetArg = None,
        review_id: Annotated[
            str | None,
            Field(
                description="A stored review: the actions are added to it (tracked until closed), the risks "
                "appended to its risks."
            ),
        ] = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, TrackerImportResult]:
        """Read a Jira, Linear or GitHub issues export (CSV) into action items (owner, due, status, priority,
        ticket) and risks (rows typed or labelled as risks). Unknown columns are listed, not dropped;
        ambiguous dates and unknown statuses are reported by row and column."""

        def work() -> CallToolResult:
            from fupan_mcp.materials.api import import_actions as read
            from fupan_mcp.report.materials import tracker_text

            check_review(review_id)
            data, chosen = load(path, content, format, "table", language)
            result = run_core(lambda: read(data, chosen, sheet, language))
            text = tracker_text(result, language)
            if review_id is not None and (result.actions or result.risks):
                try:
                    changes: dict[str, Any] = {}
                    if result.actions:
                        changes["actions"] = workspace.to_jsonable(result.actions)
                    if result.risks:
                        existing = workspace.load_review(services.store, review_id).risks
                        known = {risk.risk for risk in existing}
                        added = [risk for risk in result.risks if risk.risk not in known]
                        changes["risks"] = workspace.to_jsonable([*existing, *added])
                    workspace.update_review(services.store, review_id, changes)
                    result = result.model_copy(update={"saved_to": review_id})
                    text = tracker_text(result, language)
                except (InputError, StoreError) as error:
                    text += not_saved_note(review_id, error)
            return tool_result(result, text)

        return await anyio.to_thread.run_sync(work)

    @server.tool(title="审阅复盘文档 / Audit a written review", annotations=READ_ONLY)
    async def audit_review(
        path: MaterialPathArg = None,
        content: Annotated[
            str | None,
            Field(
                max_length=30_000_000,
                description="The document inline instead of a path: markdown text, or base64 for .docx.",
            ),
        ] = None,
        format: Annotated[
            Literal["markdown", "docx"] | None, Field(description="Default: from the file name, else markdown.")
        ] = None,
        project_type: Annotated[
            str | None,
            Field(
                description="Project type (catalog key or label, e.g. marketing_campaign or 市场营销活动): its "
                "checklist says which sections must be there. Default: the core sections."
            ),
        ] = None,
        roster: Annotated[
            list[RosterEntry] | None, Field(description="People whose names count as personal data.")
        ] = None,
        review_date: Annotated[
            dt.date | None, Field(description="Date of the review; due dates must come after it.")
        ] = None,
        language: LanguageArg = "zh",
    ) -> Annotated[CallToolResult, AuditResult]:
        """Audit a review already written (markdown, or .docx from Word, Feishu, WPS or Confluence): find its
        sections by their headings, read its target/actual statements (tables and sentences such as
        "GMV目标2000万，实际完成1800万，完成率95%") and action items, recompute every figure it can, and report
        stated rates or verdicts that disagree, sections the checklist expects but the document lacks, actions
        without owner or date, blaming language and personal data. What it cannot read is listed, not guessed."""

        def work() -> CallToolResult:
            from fupan_mcp.materials.api import audit_review as audit
            from fupan_mcp.report.materials import audit_text

            data, chosen = load(path, content, format, "document", language)
            result = run_core(lambda: audit(data, chosen, language, project_type, roster or (), review_date))
            return tool_result(result, audit_text(result, language))

        return await anyio.to_thread.run_sync(work)
