"""Fast seeded draws: fair, bounded and reproducible."""

from __future__ import annotations

import random
from collections import Counter

from registre.core.demo.chance import pick, pick_count


def test_pick_returns_every_item_about_as_often() -> None:
    rng = random.Random(1)
    counts = Counter(pick(rng, "abcd") for _ in range(8_000))
    assert set(counts) == set("abcd")
    assert all(1_700 < count < 2_300 for count in counts.values())


def test_pick_count_includes_both_bounds() -> None:
    rng = random.Random(1)
    drawn = {pick_count(rng, 2, 5) for _ in range(1_000)}
    assert drawn == {2, 3, 4, 5}


def test_the_same_seed_gives_the_same_draws() -> None:
    first, second = random.Random(9), random.Random(9)
    assert [pick_count(first, 0, 100) for _ in range(50)] == [pick_count(second, 0, 100) for _ in range(50)]
