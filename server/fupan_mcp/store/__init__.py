"""Persistence of reviews, their sections, improvement actions and searchable lessons.

Tools depend on the `ReviewStore` protocol only; `open_store()` picks the backend: the embedded
SQLite file (the default), or a shared PostgreSQL database for a team server when given a
``postgresql://`` URL (``pip install 'fupan-mcp[postgres]'``).

    store = open_store()  # $FUPAN_MCP_DB (a path or a postgresql:// URL) or the user data directory
    review = store.create_review("商城", "618 复盘", "ecommerce", "2024-07-05", "zh")
    store.update_sections(review.id, {"attainment": {"input": ..., "result": ...}})
    store.add_actions(review.id, [ActionItem(action="补齐压测", owner="王", due=...)])
    store.index_lessons(review.id, [("lesson", "权限细粒度要在设计阶段定下来")])
    store.search_lessons("权限")
"""

from __future__ import annotations

import os

from fupan_mcp.store.base import NotFound, ReviewStore, StoreError
from fupan_mcp.store.sqlite import ENV_DB, SQLiteStore, default_db_path

__all__ = ["NotFound", "ReviewStore", "SQLiteStore", "StoreError", "default_db_path", "is_postgres_url", "open_store"]

_URL_PREFIXES = ("postgresql://", "postgres://")


def is_postgres_url(location: object) -> bool:
    """Whether ``location`` is a PostgreSQL URL rather than a SQLite file path."""
    return isinstance(location, str) and location.strip().startswith(_URL_PREFIXES)


def open_store(location: str | os.PathLike[str] | None = None) -> ReviewStore:
    """The store at ``location``: a ``postgresql://`` URL, a SQLite file path or ``:memory:``.

    None means ``$FUPAN_MCP_DB`` when it is set (either kind), else `default_db_path()`.
    The PostgreSQL backend is imported only when asked for: psycopg is an optional dependency.
    """
    if location is None and is_postgres_url(os.environ.get(ENV_DB, "")):
        location = os.environ[ENV_DB]
    if isinstance(location, str) and is_postgres_url(location):
        try:
            from fupan_mcp.store.postgres import PostgresStore
        except ImportError as exc:
            raise StoreError(
                f"the PostgreSQL store needs psycopg 3 ({exc}); install it with: pip install 'fupan-mcp[postgres]'"
            ) from exc
        return PostgresStore(location)
    return SQLiteStore(location)
