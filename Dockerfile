# The fupan-mcp team server: MCP over streamable HTTP on port 8000, GET /health for probes.
#
#   docker build -t fupan-mcp .
#   docker run --rm -p 127.0.0.1:8000:8000 -e FUPAN_MCP_TOKEN=change-me fupan-mcp
#   docker compose up --build          # with PostgreSQL as the shared store (compose.yaml)
#
# Reviews go to the SQLite file /data/fupan.db unless FUPAN_MCP_DB names a postgresql:// URL;
# exports go to /data/reports. Clients must reach the server under a name listed in
# FUPAN_MCP_ALLOWED_HOSTS (DNS-rebinding protection): add yours, e.g. mcp.example.com.

FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY server ./server
# Every wheel the image needs, built or fetched here so the runtime stage installs offline.
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres,export]"

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    FUPAN_MCP_DB=/data/fupan.db \
    FUPAN_MCP_OUTPUT_DIR=/data/reports \
    FUPAN_MCP_ALLOWED_HOSTS=localhost,127.0.0.1
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels "fupan-mcp[postgres,export]" \
    && useradd --system --uid 10001 --user-group --home-dir /data --create-home --shell /usr/sbin/nologin fupan \
    && mkdir -p /data/reports && chown -R fupan:fupan /data
USER fupan
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["fupan-mcp", "serve", "--http", "--host", "0.0.0.0", "--port", "8000"]
