"""The baseline for the benchmarks: a bare MCPServer with one trivial tool and nothing else.

    python benchmarks/bare_server.py                      # stdio
    python benchmarks/bare_server.py --http --port 8123   # streamable HTTP, stateless, like `serve --http`
    python benchmarks/bare_server.py --http --fupan-layer --port 8123   # the same behind fupan_mcp.http

It imports nothing from fupan_mcp (except with --fupan-layer), so its start-up is the SDK's floor.
"""

from __future__ import annotations

import argparse
import logging

from mcp.server import MCPServer

mcp: MCPServer = MCPServer("bare", version="0.0.0")


@mcp.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fupan-layer", action="store_true", help="serve through fupan_mcp.http's guard")
    args = parser.parse_args()
    if not args.http:
        mcp.run()
        return
    if args.fupan_layer:
        from fupan_mcp.http import resolve_settings, serve_http

        logging.disable(logging.INFO)
        serve_http(resolve_settings(host=args.host, port=args.port, environ={}), server=mcp)
        return

    import uvicorn

    app = mcp.streamable_http_app(stateless_http=True, host=args.host)
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning", ws="none")


if __name__ == "__main__":
    main()
