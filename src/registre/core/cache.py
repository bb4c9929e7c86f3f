"""Where Registre keeps what it can compute again: reflected tables, compiled templates and catalogs.

Everything in it is derived (never rows, never secrets) and rebuilt when
missing or out of date, so deleting the folder is always safe. It speeds up
the next process: a command of the CLI starts with nothing in memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def cache_directory(kind: str) -> Path:
    """The folder of `kind` (`reflection`, `templates`, `catalogs`): in $REGISTRE_CACHE_DIR, else
    $XDG_CACHE_HOME/registre, else ~/.cache/registre. Not created here."""
    configured = os.environ.get("REGISTRE_CACHE_DIR")
    if configured:
        return Path(configured) / kind
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "registre" / kind


def private_directory(path: Path) -> Path | None:
    """`path`, created readable by its owner only; None when it cannot be made or someone else may write in it."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = path.stat()
    except OSError:
        return None
    if status.st_uid != os.getuid() or status.st_mode & 0o022:
        return None
    return path


def keep(path: Path, content: bytes) -> bool:
    """Write `content` to `path` in its folder atomically: a process reading at the same time sees the old
    file or the new one, never a part. False when it could not be written (a cache loses nothing by it)."""
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except OSError:
        return False
    return True
