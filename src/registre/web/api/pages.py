"""Pages of a list in the REST API: `limit` and `offset` in, `items`, `count`, `limit`, `offset` out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

MAX_OFFSET = 1_000_000_000  # past it, a database's integer overflows: the page is refused as invalid input
Row = TypeVar("Row", bound=Model)


def page_of(found: QuerySet[Row], body: Callable[[Row], dict[str, Any]], *, limit: int, offset: int) -> dict[str, Any]:
    """One page of `found` (in its order), each row as `body` writes it, with the count of them all."""
    return {
        "items": [body(row) for row in found[offset : offset + limit]],
        "count": found.count(),
        "limit": limit,
        "offset": offset,
    }
