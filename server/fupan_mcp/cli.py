"""Command line: `fupan-mcp [serve | prompt | demo | export-workspace | import-workspace | export-actions]`.
With no subcommand it serves MCP over stdio."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from fupan_mcp.i18n import Language
    from fupan_mcp.store import ReviewStore
    from fupan_mcp.store.transfer import TransferStore

from fupan_mcp import __version__
from fupan_mcp.samples import SAMPLES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fupan-mcp",
        description="复盘 MCP server: the GRAI review prompt plus tools that compute, check and render. "
        "Run without a subcommand to serve MCP over stdio.",
    )
    parser.add_argument("--version", action="version", version=f"fupan-mcp {__version__}")
    sub = parser.add_subparsers(
        dest="command", metavar="{serve,prompt,demo,export-workspace,import-workspace,export-actions}"
    )

    serve = sub.add_parser(
        "serve",
        help="serve MCP over stdio (the default), or over streamable HTTP with --http",
        description="Serve MCP over stdio (the default) or, with --http, over streamable HTTP for a team: "
        "stateless (replicas scale behind any load balancer), loopback-only unless told otherwise, "
        "Host/Origin checked against DNS rebinding, optional bearer token, GET /health.",
    )
    serve.add_argument(
        "--db",
        metavar="PATH",
        help="review store: a SQLite file or a postgresql:// URL; default $FUPAN_MCP_DB or the user data directory",
    )
    serve.add_argument(
        "--output-dir",
        metavar="DIR",
        help="where export_report writes files; default $FUPAN_MCP_OUTPUT_DIR or ~/fupan-reports",
    )
    serve.add_argument(
        "--input-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="a directory import_metrics, import_actions and audit_review may read files from, repeatable "
        "(also $FUPAN_MCP_INPUT_DIRS); default the output directory and, over stdio, the working directory",
    )
    serve.add_argument(
        "--read-only",
        action="store_true",
        help="team mode: list and accept only the tools that do not write, and refuse every write to the store "
        "(also FUPAN_MCP_READ_ONLY=1)",
    )
    serve.add_argument(
        "--mask-at-ingest",
        action="store_true",
        help="mask personal data before it is stored, for teams that must not keep it at all "
        "(also FUPAN_MCP_MASK_AT_INGEST=1); by default the text is kept and masked on every read",
    )
    serve.add_argument(
        "--tools",
        metavar="NAME,NAME",
        help="offer only these tools, comma-separated, e.g. compute_attainment,render_report "
        "(also FUPAN_MCP_TOOLS); with --read-only, the writing ones among them are still left out",
    )
    serve.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to bind (default 8000)")
    serve.add_argument("--path", help="path of the MCP endpoint (default /mcp)")
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME[:PORT]",
        help="a Host header clients may send, repeatable; required when --host is not loopback "
        "(also FUPAN_MCP_ALLOWED_HOSTS, comma-separated). NAME alone allows any port.",
    )
    serve.add_argument(
        "--allowed-origin",
        action="append",
        default=[],
        metavar="URL",
        help="a browser Origin allowed to call the server, repeatable, e.g. https://app.example.com "
        "(also FUPAN_MCP_ALLOWED_ORIGINS). Requests without an Origin header are not affected.",
    )
    serve.add_argument(
        "--token-file",
        type=Path,
        metavar="FILE",
        help="require 'Authorization: Bearer <token>' on every request, token read from FILE "
        "(or set FUPAN_MCP_TOKEN); GET /health stays open",
    )
    serve.add_argument("--max-body", metavar="SIZE", help="largest request body, e.g. 4MiB (default); 413 above")
    serve.add_argument("--access-log", action="store_true", help="log every HTTP request")
    serve.add_argument(
        "--header-timeout",
        type=float,
        metavar="SECONDS",
        help="a request's line and headers must arrive within this time (default 10); 408 and close otherwise",
    )
    serve.add_argument(
        "--body-timeout",
        type=float,
        metavar="SECONDS",
        help="a request's body must arrive within this time after its headers (default 60)",
    )
    serve.add_argument(
        "--max-connections",
        type=int,
        metavar="N",
        help="open connections at most (default: from the file limit, at most 1000); at the cap the "
        "longest-idle connection is closed, or a newcomer gets 503 when all are busy",
    )
    serve.add_argument(
        "--insecure-no-auth",
        action="store_true",
        help="allow a non-loopback --host with neither a token nor OAuth (trusted networks only; logged loudly)",
    )
    serve.add_argument(
        "--oauth-issuer",
        metavar="URL",
        help="accept JWT access tokens from this OAuth 2.1 authorization server (checked as `iss`, and "
        "listed in /.well-known/oauth-protected-resource); a static token still works beside it",
    )
    serve.add_argument(
        "--oauth-jwks",
        metavar="URL|FILE",
        help="the issuer's JSON Web Key Set (a URL or a file); default: the jwks_uri the issuer publishes",
    )
    serve.add_argument(
        "--oauth-resource",
        metavar="URL",
        help="public URL of the MCP endpoint, e.g. https://mcp.example.com/mcp (required with a "
        "non-loopback --host); also the expected audience unless --oauth-audience is given",
    )
    serve.add_argument("--oauth-audience", metavar="AUD", help="expected `aud` claim (default: --oauth-resource)")
    serve.add_argument(
        "--oauth-scope",
        action="append",
        default=[],
        metavar="SCOPE",
        help="a scope every token must carry, repeatable (403 insufficient_scope otherwise)",
    )

    prompt = sub.add_parser("prompt", help="print the filled review prompt, to paste into a chat app")
    prompt.add_argument("--project-info", required=True, help="项目核心信息 / core project information")
    prompt.add_argument("--period-and-phases", default="", help="项目周期与阶段 / period and phases")
    prompt.add_argument("--review-dimensions", default="", help="复盘核心维度 / review dimensions")
    prompt.add_argument("--key-data", default="", help="关键数据与材料 / key data (or @file to read a file)")
    prompt.add_argument("--project-type", default="", help="项目类型 / project type")
    prompt.add_argument("--report-focus", default="", help="期望报告侧重 / report focus")
    prompt.add_argument("--analysis-models", default="", help="分析模型偏好 / preferred analysis models")
    prompt.add_argument("--language", choices=["zh", "en"], default="zh")

    demo = sub.add_parser("demo", help="run a real MCP session over stdio on bundled sample data")
    demo.add_argument("--sample", choices=list(SAMPLES), default="b2b_mvp")
    demo.add_argument("--language", choices=["zh", "en"], default="zh")
    demo.add_argument("--out", type=Path, default=Path("out"), help="folder for the files the demo writes")
    _transfer_commands(sub)
    return parser


_DB_HELP = "review store: a SQLite file or a postgresql:// URL; default $FUPAN_MCP_DB or the user data directory"


def _transfer_commands(sub: Any) -> None:
    """The commands that move data out of and into the store (store/transfer.py, report/tracker_csv.py)."""
    export = sub.add_parser(
        "export-workspace",
        help="write every stored project, review, action and lesson to a JSON-lines file (a backup)",
        description="Write the whole workspace to FILE as JSON lines, exactly as stored (not masked: keep the "
        "file like the database). import-workspace loads it into another store, SQLite or PostgreSQL.",
    )
    export.add_argument("file", type=Path, metavar="FILE")
    export.add_argument("--db", metavar="PATH", help=_DB_HELP)
    export.add_argument("--language", choices=["zh", "en"], default="zh")
    load = sub.add_parser(
        "import-workspace",
        help="load a file of export-workspace into an empty store, all or nothing",
        description="Check every line of FILE, then load it into the store in one transaction and rebuild the "
        "search index. Any bad line and nothing is written. The store must be empty unless --replace or --merge.",
    )
    load.add_argument("file", type=Path, metavar="FILE")
    load.add_argument("--db", metavar="PATH", help=_DB_HELP)
    load.add_argument(
        "--replace",
        action="store_true",
        help="delete everything the store holds first, in the same transaction as the load",
    )
    load.add_argument(
        "--merge",
        action="store_true",
        help="add the file to what the store holds: projects it knows by name are joined, a review, action "
        "or key it holds already is a conflict and nothing is written",
    )
    load.add_argument("--language", choices=["zh", "en"], default="zh")
    actions = sub.add_parser(
        "export-actions",
        help="write the stored actions as a CSV file that Jira, Linear or GitHub (github-csv-tools) imports",
        description="Write the stored improvement actions to FILE in the columns the tracker's CSV import "
        "reads. Personal data is masked with each review's roster unless --raw.",
    )
    actions.add_argument("file", type=Path, metavar="FILE")
    actions.add_argument(
        "--format",
        required=True,
        choices=["jira", "linear", "github"],
        dest="tracker",
        help="the tracker whose CSV import reads the file (github: github-csv-tools)",
    )
    actions.add_argument("--db", metavar="PATH", help=_DB_HELP)
    actions.add_argument("--project", help="only the actions of this project (any of its names)")
    actions.add_argument(
        "--status",
        action="append",
        choices=["open", "in_progress", "done", "wont_do"],
        help="only actions with this status, repeatable",
    )
    actions.add_argument("--raw", action="store_true", help="the text as stored, personal data not masked")
    actions.add_argument("--bom", action="store_true", help="start with a UTF-8 byte order mark (for Excel)")
    actions.add_argument("--language", choices=["zh", "en"], default="zh", help="language of the descriptions")


def _read_arg(value: str) -> str:
    return Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    # The server reads its storage settings from the environment, whatever the transport.
    if getattr(args, "db", None):
        url = args.db.startswith(("postgres://", "postgresql://"))
        os.environ["FUPAN_MCP_DB"] = args.db if url else str(Path(args.db).expanduser().resolve())
    if getattr(args, "output_dir", None):
        os.environ["FUPAN_MCP_OUTPUT_DIR"] = str(Path(args.output_dir).expanduser().resolve())
    if args.command in (None, "serve"):
        _set_input_dirs(getattr(args, "input_dir", None) or [], stdio=not getattr(args, "http", False))
    if args.command == "serve":
        _team_modes(args)
    if args.command == "serve" and args.http:
        _serve_http(args)
    elif args.command == "serve" and _http_flags(args):
        sys.exit(f"fupan-mcp serve: {', '.join(_http_flags(args))} only apply with --http")
    elif args.command in (None, "serve"):
        from fupan_mcp.app import create_server
        from fupan_mcp.gctuning import tune_gc
        from fupan_mcp.memory import tune_allocator

        tune_allocator()  # before any worker thread: big calls' memory can go back to the system
        server = create_server()
        server.register_after_listing = True  # stdio: one client, which calls a tool seconds after listing
        tune_gc(collect=False)  # after start-up: what exists now is left out of every later collection
        server.run()
    elif args.command == "prompt":
        from fupan_mcp.prompting import render_review_prompt

        try:
            text = render_review_prompt(
                project_info=_read_arg(args.project_info),
                period_and_phases=_read_arg(args.period_and_phases),
                review_dimensions=args.review_dimensions,
                key_data=_read_arg(args.key_data),
                project_type=args.project_type,
                report_focus=args.report_focus,
                analysis_models=args.analysis_models,
                language=args.language,
                tools=_tool_names(),
            )
        except (OSError, ValueError) as error:
            sys.exit(f"fupan-mcp prompt: {error}")
        sys.stdout.write(text)
    elif args.command == "demo":
        from fupan_mcp.demo import run_demo

        run_demo(sample=args.sample, language=args.language, out_dir=args.out)
    elif args.command in ("export-workspace", "import-workspace", "export-actions"):
        sys.exit(_run_transfer(args))


def _set_input_dirs(dirs: Sequence[str], *, stdio: bool) -> None:
    """Where the server may read materials: the given directories, else the output directory and, for a
    stdio server (a local user's own process), the working directory it was started in."""
    from fupan_mcp.materials.dirs import INPUT_DIRS_ENV, default_input_dirs

    if dirs:
        os.environ[INPUT_DIRS_ENV] = os.pathsep.join(str(Path(d).expanduser().resolve()) for d in dirs)
    elif not os.environ.get(INPUT_DIRS_ENV):
        output = Path(os.environ.get("FUPAN_MCP_OUTPUT_DIR") or Path.home() / "fupan-reports")
        os.environ[INPUT_DIRS_ENV] = os.pathsep.join(str(d) for d in default_input_dirs(output, stdio=stdio))


_HTTP_FLAGS = (
    "host",
    "port",
    "path",
    "allowed_host",
    "allowed_origin",
    "token_file",
    "max_body",
    "access_log",
    "header_timeout",
    "body_timeout",
    "max_connections",
    "insecure_no_auth",
    "oauth_issuer",
    "oauth_jwks",
    "oauth_resource",
    "oauth_audience",
    "oauth_scope",
)


def _http_flags(args: argparse.Namespace) -> list[str]:
    return ["--" + name.replace("_", "-") for name in _HTTP_FLAGS if getattr(args, name) not in (None, [], False)]


def _serve_http(args: argparse.Namespace) -> None:
    from fupan_mcp.http import (
        DEFAULT_HOST,
        DEFAULT_PATH,
        DEFAULT_PORT,
        parse_size,
        resolve_settings,
        serve_http,
    )
    from fupan_mcp.netguard import DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_TIMEOUT

    try:
        oauth = _oauth_settings(args, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PATH)
        settings = resolve_settings(
            host=args.host or DEFAULT_HOST,
            port=DEFAULT_PORT if args.port is None else args.port,
            path=args.path or DEFAULT_PATH,
            allowed_hosts=args.allowed_host,
            allowed_origins=args.allowed_origin,
            token_file=args.token_file,
            max_body=parse_size(args.max_body or "4MiB"),
            access_log=args.access_log,
            header_timeout=DEFAULT_HEADER_TIMEOUT if args.header_timeout is None else args.header_timeout,
            body_timeout=DEFAULT_BODY_TIMEOUT if args.body_timeout is None else args.body_timeout,
            max_connections=args.max_connections,
            insecure_no_auth=args.insecure_no_auth,
            oauth=oauth,
        )
    except ValueError as error:  # ConfigError, OAuthConfigError
        sys.exit(f"fupan-mcp serve: {error}")
    serve_http(settings)


def _oauth_settings(args: argparse.Namespace, default_host: str, default_port: int, default_path: str) -> Any:
    """OAuthSettings from the --oauth-* flags, or None without --oauth-issuer."""
    others = [name for name in ("oauth_jwks", "oauth_resource", "oauth_audience", "oauth_scope") if getattr(args, name)]
    if not args.oauth_issuer:
        if others:
            raise ValueError(f"--{others[0].replace('_', '-')} needs --oauth-issuer")
        return None
    from fupan_mcp.http import ConfigError, is_loopback
    from fupan_mcp.oauth import OAuthSettings

    if not args.oauth_issuer.lower().startswith(("https://", "http://")):
        raise ConfigError(
            f"--oauth-issuer {args.oauth_issuer!r}: expected the issuer URL, e.g. https://idp.example.com"
        )
    resource = args.oauth_resource
    if resource is None:
        host = (args.host or default_host).strip("[]")
        if not is_loopback(host):
            raise ConfigError("--oauth-resource is required with a non-loopback --host: the public URL of the endpoint")
        shown = f"[{host}]" if ":" in host else host
        resource = f"http://{shown}:{args.port or default_port}{args.path or default_path}"
    return OAuthSettings(
        issuer=args.oauth_issuer,
        resource=resource,
        audience=args.oauth_audience or resource,
        jwks=args.oauth_jwks,
        scopes=tuple(args.oauth_scope),
    )


def _team_modes(args: argparse.Namespace) -> None:
    """--read-only and --tools reach the server through the environment, like --db, whatever the transport."""
    if args.read_only:
        os.environ["FUPAN_MCP_READ_ONLY"] = "1"
    if args.mask_at_ingest:
        os.environ["FUPAN_MCP_MASK_AT_INGEST"] = "1"
    if args.tools is not None:
        from fupan_mcp.app import parse_tool_list

        wanted = parse_tool_list(args.tools)
        known = set(_tool_names(every=True))
        unknown = sorted(wanted - known)
        if not wanted or unknown:
            sys.exit(
                f"fupan-mcp serve: --tools: unknown tool {', '.join(unknown) or '(none given)'}; "
                f"choose from {', '.join(sorted(known))}"
            )
        os.environ["FUPAN_MCP_TOOLS"] = ",".join(sorted(wanted))


def _tool_names(every: bool = False) -> list[str]:
    """The tools the server offers (``every``: whatever the team-mode settings say)."""
    import anyio

    from fupan_mcp.app import Settings, create_server

    async def names() -> list[str]:
        settings = Settings(read_only=False, tools=None) if every else None
        return [tool.name for tool in await create_server(settings).list_tools()]

    return anyio.run(names)


def _run_transfer(args: argparse.Namespace) -> str | None:
    """export-workspace, import-workspace, export-actions: None when done (a line on stderr says what
    was moved), else the localized reason, printed by `sys.exit` with status 1."""
    from fupan_mcp.errors import InputError
    from fupan_mcp.store import open_store
    from fupan_mcp.store.base import StoreError
    from fupan_mcp.store.messages import describe
    from fupan_mcp.store.transfer import ImportRefused, NotEmpty

    language: Language = args.language
    try:
        store = open_store()
    except StoreError as error:
        return describe(error, language)
    try:
        if args.command == "export-workspace":
            message = _export_workspace(cast("TransferStore", store), args.file, language)
        elif args.command == "import-workspace":
            message = _import_workspace(cast("TransferStore", store), args, language)
        else:
            message = _export_actions(store, args, language)
    except (ImportRefused, NotEmpty) as error:
        return error.describe(language)
    except StoreError as error:
        return describe(error, language)
    except InputError as error:
        return f"fupan-mcp {args.command}: {error}"
    except OSError as error:
        return f"fupan-mcp {args.command}: {args.file}: {error.strerror or error}"
    finally:
        store.close()
    print(message, file=sys.stderr)
    return None


def _write_atomically(path: Path, write: Callable[[IO[str]], object], newline: str) -> None:
    """Write through a temporary file beside ``path`` and rename it: a failed export leaves no half file."""
    target = path.expanduser()
    temporary = target.with_name(f".{target.name}.partial")
    try:
        with temporary.open("w", encoding="utf-8", newline=newline) as out:
            write(out)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _export_workspace(store: TransferStore, path: Path, language: Language) -> str:
    from fupan_mcp.i18n import tr
    from fupan_mcp.store.transfer import TRANSFER_MESSAGES, Counts, export_workspace

    counts = Counts()
    _write_atomically(path, lambda out: counts.by_kind.update(export_workspace(store, out).by_kind), "\n")
    return tr(
        TRANSFER_MESSAGES,
        "exported",
        language,
        records=counts.records,
        path=path,
        reviews=counts.of("review"),
        actions=counts.of("action"),
        projects=counts.of("project"),
    )


def _import_workspace(store: TransferStore, args: argparse.Namespace, language: Language) -> str:
    from fupan_mcp.i18n import tr
    from fupan_mcp.store.transfer import TRANSFER_MESSAGES, import_workspace

    with Path(args.file).expanduser().open("rb") as lines:
        counts = import_workspace(lines, store, replace=args.replace, merge=args.merge)
    return tr(
        TRANSFER_MESSAGES,
        "imported",
        language,
        records=counts.records,
        reviews=counts.of("review"),
        actions=counts.of("action"),
        projects=counts.of("project"),
    )


def _export_actions(store: ReviewStore, args: argparse.Namespace, language: Language) -> str:
    from fupan_mcp.domain.stored import StoredAction
    from fupan_mcp.i18n import tr
    from fupan_mcp.limits import MAX_ACTIONS
    from fupan_mcp.report.strings import TEXT
    from fupan_mcp.report.tracker_csv import tracker_csv
    from fupan_mcp.workspace import mask_actions

    actions: list[StoredAction] = []
    while True:  # every matching action, a page at a time
        page = store.list_actions(status=args.status, project=args.project, limit=MAX_ACTIONS, offset=len(actions))
        actions.extend(page)
        if len(page) < MAX_ACTIONS:
            break
    shown = actions if args.raw else mask_actions(store, actions)
    text = tracker_csv(shown, args.tracker, language, bom=args.bom)
    _write_atomically(args.file, lambda out: out.write(text), "")
    key = "tracker.exported_raw" if args.raw else "tracker.exported"
    return tr(TEXT, key, language, count=len(shown), path=args.file, tracker=args.tracker)
