"""Where Registre keeps its files, read from the environment without Django (the CLI asks before setting it up)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Registre's own files: keys, the default application database (`REGISTRE_DATA_DIR`, default `.registre`)."""
    value = (os.environ if environ is None else environ).get("REGISTRE_DATA_DIR", "").strip()
    return Path(value or ".registre").resolve()


def default_database_path(environ: Mapping[str, str] | None = None) -> Path:
    """The SQLite application database used when `REGISTRE_DATABASE_URL` is not set."""
    return data_dir(environ) / "registre.sqlite"
