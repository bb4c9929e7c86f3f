"""Pools drawn from Faker once per seed, in the demo's three locales."""

from __future__ import annotations

import math

from registre.core.demo.vocabulary import LOCALES, POOL_SIZE, draw_pools


def test_locales_are_mostly_french_and_their_weights_sum_to_one() -> None:
    assert [locale.code for locale in LOCALES] == ["fr_FR", "en_GB", "en_US"]
    assert math.isclose(sum(locale.weight for locale in LOCALES), 1.0)
    assert LOCALES[0].weight == 0.70


def test_the_same_seed_draws_the_same_pools() -> None:
    assert draw_pools(LOCALES[0], 11, size=20) == draw_pools(LOCALES[0], 11, size=20)
    assert draw_pools(LOCALES[0], 11, size=20) != draw_pools(LOCALES[0], 12, size=20)


def test_pools_hold_single_line_values() -> None:
    pools = draw_pools(LOCALES[1], 3)
    assert len(pools.streets) == POOL_SIZE
    for values in (pools.streets, pools.localities, pools.companies, pools.job_titles):
        assert all(value and "\n" not in value and value == value.strip() for value in values)


def test_job_titles_start_with_a_capital() -> None:
    pools = draw_pools(LOCALES[0], 3, size=50)
    assert all(title[0].isupper() for title in pools.job_titles)


def test_companies_carry_more_than_a_bare_surname() -> None:
    pools = draw_pools(LOCALES[0], 3, size=100)
    assert all(" " in company for company in pools.companies)
