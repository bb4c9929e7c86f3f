"""The history of the demo: twelve years before a fixed day, never the wall clock."""

from __future__ import annotations

import datetime as dt
import random
import statistics

from registre.core.demo.timeline import DAY, DEMO_TODAY, Timeline, pick_between, pick_early, pick_recent


def test_the_history_ends_at_the_midnight_that_starts_today() -> None:
    timeline = Timeline(dt.date(2026, 11, 23))
    assert timeline.datetime_at(timeline.end) == dt.datetime(2026, 11, 23)
    assert timeline.date_at(timeline.end - 1) == dt.date(2026, 11, 22)


def test_the_history_starts_twelve_years_back() -> None:
    timeline = Timeline(DEMO_TODAY)
    assert timeline.datetime_at(0) == dt.datetime(2026, 11, 23) - dt.timedelta(days=12 * 365)
    assert timeline.seconds_before_end(30) == timeline.end - 30 * DAY


def test_instants_stay_within_their_bounds() -> None:
    rng = random.Random(5)
    for pick in (pick_between, pick_early, pick_recent):
        drawn = [pick(rng, 100, 200) for _ in range(1_000)]
        assert min(drawn) >= 100
        assert max(drawn) < 200


def test_recent_instants_lean_towards_the_end_and_early_ones_towards_the_start() -> None:
    rng = random.Random(5)
    assert statistics.mean(pick_recent(rng, 0, 1_000) for _ in range(5_000)) > 600
    assert statistics.mean(pick_early(rng, 0, 1_000) for _ in range(5_000)) < 450
    assert 450 < statistics.mean(pick_between(rng, 0, 1_000) for _ in range(5_000)) < 550
