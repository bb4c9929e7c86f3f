"""Fast seeded draws for the generators.

`random.Random.choice` and `randint` cost about a microsecond each, several
times `random()`; at ten million rows that is most of the generation time.
These draws use `random()` alone and stay deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

_Item = TypeVar("_Item")


def pick(rng: random.Random, items: Sequence[_Item]) -> _Item:
    """One of `items`, each equally likely."""
    return items[int(rng.random() * len(items))]


def pick_count(rng: random.Random, low: int, high: int) -> int:
    """An integer from `low` to `high` inclusive, each equally likely."""
    return low + int(rng.random() * (high - low + 1))
