"""Persistence of reviews, their sections, improvement actions and searchable lessons.

Tools depend on the `ReviewStore` protocol only; `open_store()` picks the backend (today the
embedded SQLite file; a PostgreSQL URL later).

    store = open_store()  # $FUPAN_MCP_DB or the user data directory
    review = store.create_review("商城", "618 复盘", "ecommerce", "2024-07-05", "zh")
    store.update_sections(review.id, {"attainment": {"input": ..., "result": ...}})
    store.add_actions(review.id, [ActionItem(action="补齐压测", owner="王", due=...)])
    store.index_lessons(review.id, [("lesson", "权限细粒度要在设计阶段定下来")])
    store.search_lessons("权限")
"""

from __future__ import annotations

import os

from fupan_mcp.store.base import NotFound, ReviewStore, StoreError
from fupan_mcp.store.sqlite import SQLiteStore, default_db_path

__all__ = ["NotFound", "ReviewStore", "SQLiteStore", "StoreError", "default_db_path", "open_store"]


def open_store(location: str | os.PathLike[str] | None = None) -> ReviewStore:
    """The store at ``location`` (a file path or ``:memory:``); None means `default_db_path()`.

    A ``postgresql://`` URL is reserved for the future PostgreSQL backend.
    """
    if isinstance(location, str) and location.startswith(("postgres://", "postgresql://")):
        raise StoreError("the PostgreSQL store is not implemented yet; use a SQLite file path")
    return SQLiteStore(location)
