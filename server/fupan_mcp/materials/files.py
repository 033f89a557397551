"""The one module of `materials` that touches the file system: reading a file the user allowed.

Rules:
- only files under the allowed directories: the ``--input-dir`` directories (``$FUPAN_MCP_INPUT_DIRS``,
  separated by the OS path separator), by default the export directory and, for a stdio server, its
  working directory (`default_input_dirs`);
- the path is resolved (``..`` and every symlink followed) before it is checked, so neither a ``..`` nor a
  symlink leads out of an allowed directory; a relative path is taken under each allowed directory in turn;
- regular files only, at most ``MAX_INPUT_BYTES`` (also for inline content), read with a bound so a file
  that grows while it is read is still refused;
- the format comes from the file name's suffix or the caller (``format``), checked against the content by
  the readers (an encrypted Office file, a legacy .xls, a corrupt zip each get a clear error).
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from fupan_mcp.errors import InputError
from fupan_mcp.i18n import Language, tr
from fupan_mcp.materials.dirs import INPUT_DIRS_ENV, default_input_dirs, input_dirs_from_env
from fupan_mcp.materials.strings import TEXT
from fupan_mcp.materials.tables import CFB_MAGIC, ZIP_MAGIC

__all__ = [
    "INPUT_DIRS_ENV",
    "MAX_INPUT_BYTES",
    "default_input_dirs",
    "input_dirs_from_env",
    "load_material",
    "read_allowed_file",
]

MAX_INPUT_BYTES = 20 * 1024 * 1024

Kind = Literal["table", "document"]
_SUFFIXES: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".md": "markdown",
    ".markdown": "markdown",
    ".docx": "docx",
    ".doc": "docx",
}
_BINARY = frozenset({"xlsx", "docx"})


def _roots(allowed: Sequence[Path]) -> list[Path]:
    roots: list[Path] = []
    for directory in allowed:
        try:
            roots.append(directory.expanduser().resolve())
        except (OSError, RuntimeError, ValueError):
            continue
    return roots


def read_allowed_file(path: str, allowed: Sequence[Path], language: Language, field_name: str = "path") -> bytes:
    """The bytes of ``path`` if it lies under one of ``allowed``; `InputError` otherwise."""
    roots = _roots(allowed)
    shown = ", ".join(str(root) for root in roots) or "—"
    if not path.strip() or "\x00" in path:
        raise InputError(field_name, tr(TEXT, "err.path_bad", language))
    given = Path(path).expanduser()
    candidates = [given] if given.is_absolute() else [root / given for root in roots]
    resolved: Path | None = None
    for candidate in candidates:
        try:
            target = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        except ValueError as error:
            raise InputError(field_name, tr(TEXT, "err.path_bad", language)) from error
        if any(target.is_relative_to(root) for root in roots):
            resolved = target
            break
        raise InputError(field_name, tr(TEXT, "err.path_outside", language, roots=shown))
    if resolved is None:
        if given.is_absolute() and not any(_lexically_under(given, root) for root in roots):
            raise InputError(field_name, tr(TEXT, "err.path_outside", language, roots=shown))
        raise InputError(field_name, tr(TEXT, "err.path_missing", language, name=given.name[:120]))
    if not resolved.is_file():
        raise InputError(field_name, tr(TEXT, "err.path_not_file", language, name=resolved.name[:120]))
    try:
        size = resolved.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise InputError(field_name, tr(TEXT, "err.too_large", language, size=size, limit=MAX_INPUT_BYTES))
        with resolved.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(field_name, tr(TEXT, "err.read_failed", language, reason=reason)) from error
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(field_name, tr(TEXT, "err.too_large", language, size=len(data), limit=MAX_INPUT_BYTES))
    return data


def _lexically_under(path: Path, root: Path) -> bool:
    try:
        return Path(os.path.normpath(path)).is_relative_to(root)
    except ValueError:
        return False


def _sniff(data: bytes, kind: Kind) -> str | None:
    if data.startswith(ZIP_MAGIC) or data.startswith(CFB_MAGIC):
        return "xlsx" if kind == "table" else "docx"
    return None


def load_material(
    *,
    path: str | None,
    content: str | None,
    format: str | None,
    allowed: Sequence[Path],
    kind: Kind,
    choices: Sequence[str],
    language: Language,
) -> tuple[bytes, str]:
    """The bytes and the format of the material given as a path or inline ``content``.

    Inline content is text for CSV, TSV and markdown, base64 for XLSX and DOCX.
    """
    if path is None and content is None:
        raise InputError("path", tr(TEXT, "err.no_source", language))
    if path is not None and content is not None:
        raise InputError("content", tr(TEXT, "err.both_sources", language))
    chosen = format
    if path is not None:
        data = read_allowed_file(path, allowed, language)
        suffix = _SUFFIXES.get(Path(path).suffix.lower())
        if kind == "table" and suffix == "markdown":
            suffix = "csv"  # a .md file holding a table: the text reader finds the pipe table in it
        chosen = chosen or suffix
        chosen = chosen or _sniff(data, kind)
    else:
        assert content is not None
        if len(content) > MAX_INPUT_BYTES * 4 // 3 + 4:
            raise InputError("content", tr(TEXT, "err.too_large", language, size=len(content), limit=MAX_INPUT_BYTES))
        if chosen in _BINARY:
            try:
                data = base64.b64decode("".join(content.split()), validate=True)
            except (binascii.Error, ValueError) as error:
                raise InputError(
                    "content", tr(TEXT, "err.base64", language, format=chosen, reason=str(error))
                ) from error
        else:
            data = content.encode("utf-8")
            if chosen is None:
                chosen = "csv" if kind == "table" else "markdown"
        if len(data) > MAX_INPUT_BYTES:
            raise InputError("content", tr(TEXT, "err.too_large", language, size=len(data), limit=MAX_INPUT_BYTES))
    if chosen is None or chosen not in choices:
        raise InputError("format", tr(TEXT, "err.format", language, choices=", ".join(choices)))
    return data, chosen
