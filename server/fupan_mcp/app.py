"""The MCP shell: the only module that knows MCP.

The tools themselves live in `fupan_mcp.tools` (one module per family, one registration list); this
module builds the server around them: registration on first use, the compact listing, team modes
(read-only, allow-list), dates, progress, bounded results, argument errors a model can fix, the
resources, the prompt and its completions. Input a caller can fix becomes a ``ToolError`` naming the
field, so the model can retry and the server keeps serving.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Annotated, Any, Literal

import anyio
from mcp import MCPDeprecationWarning, MCPError
from mcp.server import MCPServer
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
    InputRequiredResult,
    PromptReference,
    ResourceTemplateReference,
    ToolAnnotations,
)
from mcp.types import Resource as MCPResource
from mcp.types import ResourceTemplate as MCPResourceTemplate
from mcp.types import Tool as MCPTool
from pydantic import AnyUrl, BaseModel, Field, ValidationError

from fupan_mcp import __version__, catalog, ui
from fupan_mcp.annotations import READ_ONLY, SAVES
from fupan_mcp.callpath import HEARTBEAT, OFF_LOOP, bounded, off_loop, run_tool, wire_form
from fupan_mcp.errors import InputError
from fupan_mcp.gctuning import freeze_new
from fupan_mcp.i18n import Language, tr
from fupan_mcp.limits import (
    HEAVY_CALLS,
    MAX_RESULT_BYTES,
    OFF_LOOP_WEIGHT,
    argument_weight,
    oversized,
    unknown_arguments,
)
from fupan_mcp.prompting import argument_description, render_review_prompt
from fupan_mcp.services import Services
from fupan_mcp.services import Settings as Settings  # what the CLI, the HTTP server and the tests build
from fupan_mcp.services import parse_tool_list as parse_tool_list

# The tools, the domain models, the store and the report are imported where they are first needed
# (registration, a call, a resource), not here: `initialize`, and `tools/list` from the packaged
# listing (`fupan_mcp.listing`), are answered without them (issue 15).

SERVER_NAME = "fupan-mcp"

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "复盘 (project review) server. Start with the `project_review` prompt; call the tools for every "
    "figure (attainment rates, changes, KPI contributions, scores) instead of computing them yourself, "
    "leave missing data as gaps, keep the tone blameless. Language: 'zh' (default) or 'en'."
)


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
        from fupan_mcp.domain.review import Review

        _REVIEW_SCHEMA = Review.model_json_schema()
    return _REVIEW_SCHEMA


_REVIEW_SCHEMA: dict[str, Any] | None = None


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


def team_mode(
    name: str, annotations: ToolAnnotations | None, settings: Settings
) -> tuple[ToolAnnotations | None, str | None]:
    """A tool under the team modes: the annotations it is listed with, and why it is left out
    ('read_only' or 'not_allowed'), None when it is offered.

    A tool that only saves with `review_id` (`SAVES`) stays in read-only mode, where the store refuses
    every write: there it cannot write, so it is marked read-only."""
    if settings.read_only and annotations == SAVES:
        annotations = READ_ONLY
    writes = not (annotations is not None and annotations.read_only_hint)
    if settings.read_only and writes:
        return annotations, "read_only"
    if settings.tools is not None and name not in settings.tools:
        return annotations, "not_allowed"
    return annotations, None


class FupanServer(MCPServer[Any]):
    """An MCPServer whose tools and resources are registered on first use.

    Importing the tools and generating their JSON schemas costs more than the rest of our start-up;
    doing it when a client first calls a tool or reads a resource lets the server answer `initialize`
    about as fast as a bare MCPServer, and `tools/list` too, from the packaged listing
    (`fupan_mcp.listing`, for servers made by `create_server`). Every other path that reads tools or
    resources registers them first.
    """

    def __init__(
        self,
        register: Callable[[FupanServer], None],
        settings: Settings | None = None,
        packaged: Callable[[], list[MCPTool] | None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._register: Callable[[FupanServer], None] | None = register
        self._packaged = packaged
        """What ``register`` would list, without registering (`fupan_mcp.listing`); None: build it."""
        self._register_lock = threading.Lock()
        self._listed: list[MCPTool] | None = None
        self.register_after_listing = False
        """Register the tools on a background thread once a packaged listing is served (`fupan-mcp serve`
        over stdio): the ~0.6 s of imports and schemas then overlaps the client's and the model's time
        between ``tools/list`` and the first call, instead of delaying that call."""
        self.background_registration: threading.Thread | None = None
        self.fupan_settings = settings or Settings()
        self.disabled_tools: dict[str, str] = {}
        """Tools this server does not offer, with why: 'read_only' or 'not_allowed'."""
        self._heavy_limiter: anyio.CapacityLimiter | None = None
        self._declared_outputs: list[tuple[str, type[BaseModel]]] | None = None
        """While registering: the tools added without their output schema, with their output model."""
        self._answer_calls_in_wire_form()

    def _answer_calls_in_wire_form(self) -> None:
        """The ``tools/call`` handler (the SDK's, with any interceptors) returning our plain results as the
        dict the runner would dump them to (`callpath.wire_form`): one walk of the structured content less
        per call. Not done when the server sets cache hints for calls (the runner treats a dict and a model
        differently there)."""
        lowlevel = self._lowlevel_server
        entry = lowlevel.get_request_handler("tools/call")
        if entry is None or lowlevel.cache_hints.get("tools/call") is not None:
            return
        handler = entry.handler

        async def answer(ctx: Any, params: Any) -> Any:
            return wire_form(await handler(ctx, params))

        lowlevel.add_request_handler("tools/call", entry.params_type, answer)

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
                freeze_new()  # the tools, like the modules before them, out of later collections

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
        from fupan_mcp.outputschemas import declared_output_model

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
        from fupan_mcp.outputschemas import output_schemas

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
        for tool in self._tool_manager.list_tools():
            tool.annotations, left_out = team_mode(tool.name, tool.annotations, self.fupan_settings)
            if left_out is not None:
                self.disabled_tools[tool.name] = left_out
        for name in self.disabled_tools:
            self.remove_tool(name)

    def _offer_detail(self) -> None:
        """The ``detail`` argument of the tools whose answer can be summarised; `call_tool` takes it off
        the arguments before the SDK validates them (`report.sizing`)."""
        from fupan_mcp.report.sizing import DETAIL_SCHEMAS

        for name, schema in DETAIL_SCHEMAS.items():
            if (tool := self._tool_manager.get_tool(name)) is not None:
                tool.parameters.setdefault("properties", {})["detail"] = dict(schema)

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
        Built once: the tools are fixed after registration. Before registration, from the packaged
        listing when there is one (`fupan_mcp.listing`), with the team modes applied as
        `_restrict_tools` applies them; the tools are then registered on first use."""
        if self._listed is None:
            unregistered = self._register is not None and not self._tool_manager.list_tools()  # none added by hand
            packaged = self._packaged() if self._packaged is not None and unregistered else None
            if packaged is None:
                self._listed = await self.built_tools()
            else:
                self._listed = []
                for tool in packaged:
                    annotations, left_out = team_mode(tool.name, tool.annotations, self.fupan_settings)
                    if left_out is None:
                        same = annotations is tool.annotations
                        self._listed.append(tool if same else tool.model_copy(update={"annotations": annotations}))
                if self.register_after_listing:
                    self.background_registration = threading.Thread(
                        target=self.ensure_registered, name="fupan-register", daemon=True
                    )
                    self.background_registration.start()
        return list(self._listed)

    async def built_tools(self) -> list[MCPTool]:
        """The listing made from the registered tools (registering them first)."""
        self.ensure_registered()
        from fupan_mcp.surface import compact_tool

        return [
            compact_tool(tool).model_copy(
                update={"output_schema": shallow_schema(tool.output_schema) if tool.output_schema else None}
            )
            for tool in await super().list_tools()
        ]

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """Every call: relative dates read against today, progress and logs on long work, and argument
        errors turned into lines a model can fix (localized, with field paths and examples)."""
        self.ensure_registered()
        from fupan_mcp.report.shell import SHELL_TEXT
        from fupan_mcp.report.validation import language_of, unknown_arguments_text

        language = language_of(arguments)
        if name in self.disabled_tools:
            raise ToolError(tr(SHELL_TEXT, f"disabled.{self.disabled_tools[name]}", language, tool=name))
        schema = super()._tool_input_schema(name)
        if (too_big := oversized(arguments, schema)) is not None:
            field, kind, size, limit = too_big
            raise ToolError(
                tr(SHELL_TEXT, f"limit.{kind}", language, tool=name, field=field, size=f"{size:,}", limit=f"{limit:,}")
            )
        if unknown := unknown_arguments(arguments, schema):
            raise ToolError(unknown_arguments_text(name, unknown, schema, language))
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
        from fupan_mcp.domain.dates import reference_date as dates_resolved_against

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
        logs) talks to the session, so it stays here. Under ``serve --http`` a heavy call of a pure tool
        (`tools.PURE_TOOLS`, no ``review_id``) runs in a worker process instead (`isolation`): on a
        thread it would still hold the GIL the event loop needs."""
        tool = self._tool_manager.get_tool(name)
        if (
            tool is None
            or tool.context_kwarg is not None
            or tool.resolved_params
            or OFF_LOOP.get()  # this loop is a private one already: a worker process's (`isolation`)
            or argument_weight(arguments) <= OFF_LOOP_WEIGHT
        ):
            if tool is None:
                result = await super().call_tool(name, arguments, context)  # the SDK's unknown-tool error
            else:
                result = await run_tool(tool, arguments, context or self._context())
            return bounded(result, name) if isinstance(result, CallToolResult) else result
        from fupan_mcp import isolation, tools

        if isolation.available() and name in tools.PURE_TOOLS and arguments.get("review_id") is None:
            from fupan_mcp.domain.dates import current_reference
            from fupan_mcp.report.sizing import DETAIL
            from fupan_mcp.report.validation import language_of

            return await isolation.run(name, arguments, DETAIL.get(), current_reference(), language_of(arguments))
        if context is None:
            context = self._context()

        def run() -> CallToolResult | InputRequiredResult:
            token = OFF_LOOP.set(True)  # the tool's work needs no further hop off this private loop
            try:
                result: CallToolResult | InputRequiredResult = anyio.run(run_tool, tool, arguments, context)
            finally:
                OFF_LOOP.reset(token)
            return bounded(result, name) if isinstance(result, CallToolResult) else result

        from fupan_mcp.memory import trim_soon

        if self._heavy_limiter is None:
            self._heavy_limiter = anyio.CapacityLimiter(HEAVY_CALLS)
        try:
            return await off_loop(run, self._heavy_limiter)
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
        tool = self._tool_manager.get_tool(name)
        if tool is not None and tool.is_async:  # it waits on threads through `off_loop`: beats only then
            token = HEARTBEAT.set(heartbeat)
            try:
                result = await self._run_tool(name, arguments, context)
            except Exception as error:
                failure = error
            finally:
                HEARTBEAT.reset(token)
        else:  # the SDK runs a plain function on a thread of its own: the heartbeat runs throughout
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
        from fupan_mcp import tools

        tools.register(server, services)
        _add_resources(server, services)

    from fupan_mcp.listing import packaged_tools

    server = FupanServer(
        register,
        services.settings,
        packaged_tools,
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
    from fupan_mcp.store.base import StoreError

    try:
        return _prefixed((summary.project for summary in services.store.list_reviews(limit=1000)), typed)
    except (InputError, StoreError):
        return []


def resource_completions(services: Services, template: str, argument: str, typed: str) -> list[str]:
    """Completion values of a resource template's variable: example names, stored review ids, exported files."""
    from fupan_mcp.samples import SAMPLES
    from fupan_mcp.store.base import StoreError

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


def main_server() -> MCPServer[Any]:
    """The default server instance (what `fupan-mcp` serves over stdio)."""
    return create_server()


def _add_resources(server: MCPServer[Any], services: Services) -> None:
    """Methods, checklists and example reviews; stored reviews by URI; exported files."""
    from fupan_mcp import knowledge, workspace
    from fupan_mcp.analysis.insights import compute_insights, default_as_of
    from fupan_mcp.analysis.stored_masking import mask_insights, team_roster
    from fupan_mcp.domain.review import Review
    from fupan_mcp.samples import load_sample
    from fupan_mcp.tools.args import REVIEW_SCHEMA_URI
    from fupan_mcp.tools.calls import clip_message
    from fupan_mcp.tools.reports import EXPORT_TYPES, render_review

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
        result = compute_insights(rows, default_as_of(rows, None))
        roster = team_roster(services.store.team_roster())
        return mask_insights(result, roster, "zh").model_dump_json(indent=2)  # masked as the tool is

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
            seen = workspace.report_seen_before(services.store, review_id)
        except InputError as error:
            raise ResourceNotFoundError(clip_message(str(error))) from error
        language = document.language or "zh"
        return render_review(
            document, "markdown", "full", language, True, follow_up=follow_up, seen_before=seen
        ).content

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
