"""The policy the application runs on: the file named by REGISTRE_POLICY, loaded once per change."""

from __future__ import annotations

import threading
from pathlib import Path

from django.conf import settings

from registre.core.policy import LoadedPolicy, Policy, check_policy

_lock = threading.Lock()
_cache: dict[tuple[Path, int], LoadedPolicy] = {}


def loaded_policy() -> LoadedPolicy | None:
    """The checked policy (with its diagnostics), or None when the file does not exist.

    Read again when the file's modification time changes: a new policy applies without a restart.
    """
    path = Path(settings.REGISTRE_POLICY)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    with _lock:
        loaded = _cache.get((path, stamp))
        if loaded is None:
            loaded = check_policy(path)
            _cache.clear()
            _cache[(path, stamp)] = loaded
        return loaded


def current_policy() -> Policy | None:
    """The policy, or None when the file is missing or has errors."""
    loaded = loaded_policy()
    return None if loaded is None or loaded.errors else loaded.policy


def organisation_name() -> str:
    policy = current_policy()
    return policy.organisation.name if policy is not None else "Registre"
