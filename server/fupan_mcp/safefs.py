"""Files under the output directory, opened so that no symlink and no race can lead outside it.

Checking a path and then opening it leaves a window in which a component can be swapped for a
symlink. Here every component below the output directory is opened relative to its parent's
descriptor with ``O_NOFOLLOW`` (``openat``), directories with ``O_DIRECTORY``: a symlink anywhere
below the root is refused (``ELOOP`` / ``ENOTDIR``) at the moment of opening, whatever was there a
moment before. New files are created with ``O_CREAT | O_EXCL``, so an existing file (or a link
planted in its place) is never written through; replacing a file is a write to a fresh temporary
name followed by ``rename`` inside the same directory descriptor, which replaces the entry itself
and never follows it. Reads refuse anything that is not a regular file (FIFOs, devices) and
anything larger than the caller's limit.

The output directory itself is configuration, trusted as given (it may be a symlink to a data
volume). Platforms without ``dir_fd`` support (Windows) fall back to a resolve-and-compare check.

Names are relative POSIX paths: no empty, ``.`` or ``..`` component, no NUL. Errors are
``SafePathError`` with a short reason (no absolute paths), or ``FileExistsError`` for a file that
exists and may not be replaced.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

__all__ = ["SafePathError", "TooLarge", "read_file", "split_name", "write_file"]

_SUPPORTED = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW") and hasattr(os, "O_DIRECTORY")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIR_FLAGS = os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC


class SafePathError(ValueError):
    """A name that cannot be opened safely; the message is the reason."""


class TooLarge(SafePathError):
    """A file larger than the reader's limit."""


def split_name(name: str) -> list[str]:
    """``"sub/report.html"`` -> ``["sub", "report.html"]``; refuses names that could leave the directory."""
    if "\x00" in name:
        raise SafePathError("must not hold NUL bytes")
    parts = name.replace("\\", "/").split("/") if os.sep == "\\" else name.split("/")
    if not name or name.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise SafePathError("must stay inside the output directory (a relative name without . or ..)")
    return parts


def _open_parent(root: Path, parts: list[str], create: bool) -> int:
    """A descriptor of the directory holding ``parts[-1]``, each step opened without following links."""
    if create:
        root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    raise
                with contextlib.suppress(FileExistsError):  # another writer made it first: fine
                    os.mkdir(part, 0o755, dir_fd=fd)
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = child
    except OSError as error:
        os.close(fd)
        raise _refusal(error) from error
    return fd


def _refusal(error: OSError) -> Exception:
    """ELOOP/ENOTDIR from O_NOFOLLOW and O_DIRECTORY mean a link or a file where a folder was expected."""
    import errno

    if error.errno in (errno.ELOOP, errno.ENOTDIR, getattr(errno, "EMLINK", -1)):
        return SafePathError("a symbolic link or a file is in the way; symlinks are not followed")
    return error


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def write_file(root: Path, name: str, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``root/name``; a new file unless ``overwrite``. Returns the path written."""
    parts = split_name(name)
    if not _SUPPORTED:  # pragma: no cover - Windows
        return _write_fallback(root, parts, data, overwrite)
    parent = _open_parent(root, parts, create=True)
    leaf = parts[-1]
    try:
        if not overwrite:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
            fd = os.open(leaf, flags, 0o644, dir_fd=parent)
            try:
                _write_all(fd, data)
            except OSError:
                os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(leaf, dir_fd=parent)
                raise
            os.close(fd)
        else:
            temporary = f".{leaf[:100]}.{secrets.token_hex(6)}.tmp"
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o644, dir_fd=parent)
            try:
                _write_all(fd, data)
                os.close(fd)
                fd = -1
                try:
                    existing = os.stat(leaf, dir_fd=parent, follow_symlinks=False)
                except FileNotFoundError:
                    existing = None
                if existing is not None and stat.S_ISDIR(existing.st_mode):
                    raise SafePathError("a folder of that name is in the way")
                os.replace(temporary, leaf, src_dir_fd=parent, dst_dir_fd=parent)
            except BaseException:
                if fd >= 0:
                    os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(temporary, dir_fd=parent)
                raise
    except OSError as error:
        raise _refusal(error) from error
    finally:
        os.close(parent)
    return root.resolve().joinpath(*parts)


def read_file(root: Path, name: str, limit: int) -> bytes:
    """The bytes of the regular file ``root/name``; FileNotFoundError when there is none (or a link)."""
    parts = split_name(name)
    if not _SUPPORTED:  # pragma: no cover - Windows
        return _read_fallback(root, parts, limit)
    try:
        parent = _open_parent(root, parts, create=False)
    except (SafePathError, NotADirectoryError) as error:
        raise FileNotFoundError(str(error)) from error
    try:
        fd = os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=parent)
    except OSError as error:
        raise FileNotFoundError("no such file, or not a regular file") from error
    finally:
        os.close(parent)
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise FileNotFoundError("not a regular file")
        if info.st_size > limit:
            raise TooLarge(f"the file is larger than {limit} bytes")
        data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"the file is larger than {limit} bytes")
    return data


def _inside(root: Path, parts: list[str]) -> Path:  # pragma: no cover - Windows
    base = root.resolve()
    target = base.joinpath(*parts).resolve()
    if not target.is_relative_to(base) or target == base:
        raise SafePathError("must stay inside the output directory")
    return target


def _write_fallback(root: Path, parts: list[str], data: bytes, overwrite: bool) -> Path:  # pragma: no cover
    target = _inside(root, parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb" if overwrite else "xb") as file:
        file.write(data)
    return target


def _read_fallback(root: Path, parts: list[str], limit: int) -> bytes:  # pragma: no cover
    target = _inside(root, parts)
    if not target.is_file():
        raise FileNotFoundError("no such file")
    if target.stat().st_size > limit:
        raise TooLarge(f"the file is larger than {limit} bytes")
    return target.read_bytes()
