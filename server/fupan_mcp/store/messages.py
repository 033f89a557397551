"""What a user reads when the store fails: one message per cause, in their language.

A `StoreError`'s own text is for the server log (it may name a file or quote the driver); the
client gets `describe(error, language)`: the cause's code, what happened, whether anything was
saved, and what to do — never a path, a URL or SQL. With no language (a tool that has no
``language`` argument) the Chinese and the English text are both given.
"""

from __future__ import annotations

from fupan_mcp.i18n import Language, Table, tr
from fupan_mcp.store.base import StoreError, StoreSchemaTooNew

__all__ = ["STORE_MESSAGES", "describe"]

STORE_MESSAGES: Table = {
    "store_full": {
        "zh": "复盘存储空间已满，本次修改没有保存。请释放磁盘空间（或为数据库扩容）后重试。",
        "en": "The review store is out of space; this change was not saved. Free disk space (or enlarge the "
        "database) and try again.",
    },
    "store_read_only": {
        "zh": "复盘存储是只读的（文件、目录或数据库不允许写入），本次修改没有保存。请让管理员检查存储的写权限后重试。",
        "en": "The review store is read-only (its file, folder or database does not allow writing); this change "
        "was not saved. Ask the administrator to check write permission on the store, then try again.",
    },
    "store_schema_newer": {
        "zh": "复盘数据库由更新版本的 fupan-mcp 写入（结构版本 {found}，本版本只认识到 {known}），"
        "为保护数据，没有读写任何内容。请升级 fupan-mcp。",
        "en": "The review database was written by a newer fupan-mcp (schema version {found}; this version knows "
        "up to {known}); to protect it, nothing was read or written. Upgrade fupan-mcp.",
    },
    "store_corrupt": {
        "zh": "复盘数据库文件已损坏，或不是 fupan-mcp 的数据库，无法读写。"
        "请从备份恢复，或把 FUPAN_MCP_DB 指向另一个文件。",
        "en": "The review database file is damaged or is not a fupan-mcp database, so it cannot be read or "
        "written. Restore it from a backup, or point FUPAN_MCP_DB to another file.",
    },
    "store_cannot_open": {
        "zh": "无法打开复盘存储（位置是目录、不存在或没有权限）。请检查 FUPAN_MCP_DB 的设置。",
        "en": "The review store cannot be opened (its location is a folder, missing, or not permitted). Check "
        "the FUPAN_MCP_DB setting.",
    },
    "store_unavailable": {
        "zh": "暂时连接不上复盘数据库，本次操作没有执行。请稍等片刻后重试；"
        "如果一直如此，请检查数据库服务是否在运行、网络是否可达。",
        "en": "The review database cannot be reached right now; nothing was done. Wait a moment and try again; "
        "if it persists, check that the database server is running and reachable.",
    },
    "store_busy": {
        "zh": "复盘存储正忙（另一个写入占用太久），本次修改没有保存。请稍后重试。",
        "en": "The review store is busy (another write held it too long); this change was not saved. Try again "
        "in a moment.",
    },
    "store_error": {
        "zh": "复盘存储出错，本次操作没有完成。请稍后重试；具体原因已记录在服务器日志中。",
        "en": "The review store failed; the operation was not completed. Try again later; the cause is in the "
        "server log.",
    },
}


def describe(error: StoreError, language: Language | None = None) -> str:
    """``<code>: <message>`` for the user, in ``language`` (both languages when None)."""
    key = error.code if error.code in STORE_MESSAGES else "store_error"
    values: dict[str, object] = {}
    if isinstance(error, StoreSchemaTooNew):
        values = {"found": error.found, "known": error.known}
    languages: tuple[Language, ...] = ("zh", "en") if language is None else (language,)
    return f"{error.code}: " + " / ".join(tr(STORE_MESSAGES, key, lang, **values) for lang in languages)
