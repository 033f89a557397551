"""What the tools share: the settings a server runs with and the review store they read and write.

Below both the MCP shell (`app`) and the tools (`tools/`): a tool takes the one `Services` of its server as
its first argument, so it is a plain module-level function (issue 14).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from fupan_mcp.i18n import tr

if TYPE_CHECKING:
    from fupan_mcp.store.base import ReviewStore


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
    from fupan_mcp.materials.dirs import input_dirs_from_env

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
            from fupan_mcp.store.base import StoreError

            def refused(*args: Any, **kwargs: Any) -> Any:
                raise StoreError(tr(SHELL_TEXT, "read_only_store", "en"))

            return refused
        return getattr(self._inner, name)


class Services:
    """What the tools share: the review store, opened (and its modules imported) on first use so
    start-up stays light."""

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

                    opened = cast("ReviewStore", MaskingStore(opened))
                self._store = cast("ReviewStore", ReadOnlyStore(opened)) if self.settings.read_only else opened
            return self._store
