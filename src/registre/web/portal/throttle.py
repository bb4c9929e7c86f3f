"""A small rate limiter on Django's cache: at most `limit` hits per key within a fixed window.

Keys are hashed with the lookup key (an address or an email never sits in the
cache in clear). With the default local-memory cache each process counts for
itself; configure a shared cache (CACHES) to count across servers.
"""

from __future__ import annotations

from django.core.cache import cache

from registre.web.vault.keys import lookup_hash


def allow(key: str, limit: int, window: int) -> bool:
    """Count one hit for `key`; False once it has had more than `limit` hits in the current `window` seconds."""
    name = f"registre:throttle:{lookup_hash(key)}"
    cache.add(name, 0, timeout=window)
    try:
        hits = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.set(name, 1, timeout=window)
        hits = 1
    return hits <= limit
