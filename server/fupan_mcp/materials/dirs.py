"""Where the material tools may read files from: the setting, read at start-up.

Apart from `materials.files` (the reading itself, with its messages and format sniffing) so that the
CLI and `Settings` read the setting without importing the readers (issue 15).
"""

from __future__ import annotations

import os
from pathlib import Path

INPUT_DIRS_ENV = "FUPAN_MCP_INPUT_DIRS"


def input_dirs_from_env() -> tuple[Path, ...]:
    value = os.environ.get(INPUT_DIRS_ENV, "")
    return tuple(Path(part).expanduser() for part in value.split(os.pathsep) if part.strip())


def default_input_dirs(output_dir: Path, *, stdio: bool) -> tuple[Path, ...]:
    """The export directory, and the working directory of a stdio server (the user's own folder)."""
    return (output_dir, Path.cwd()) if stdio else (output_dir,)
