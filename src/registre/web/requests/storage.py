"""Where the encrypted files of requests live: REGISTRE_FILES_DIR/attachments and /exports."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def files_dir(kind: str) -> Path:
    """The folder of `kind` (`attachments`, `exports`, `work`), created with mode 0700."""
    folder = Path(settings.REGISTRE_FILES_DIR) / kind
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def attachment_path(stored_as: str) -> Path:
    return files_dir("attachments") / stored_as


def export_path(stored_as: str) -> Path:
    return files_dir("exports") / stored_as
