"""The census of a dataset: the day a dated row runs out, and figures counted in one statement."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.policy import Duration
from registre.core.retention.census import release_day, take_census
from registre.core.retention.due import load_system
from registre.core.sources import read_only_connection
from registre.core.sources.catalog import catalog_for


@pytest.mark.parametrize(
    ("keep", "anchor", "expected"),
    [
        ("P1Y", dt.date(2025, 6, 15), dt.date(2026, 6, 15)),
        ("P6M", dt.datetime(2025, 8, 31, 17, 30), dt.date(2026, 2, 28)),  # no 31 February: its last day
        ("P1Y", dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
        ("P10D", dt.date(2026, 1, 1), dt.date(2026, 1, 11)),
    ],
)
def test_a_row_runs_out_on_its_anniversary_clamped_to_a_shorter_month(keep, anchor, expected):
    duration = Duration.parse(keep)
    assert release_day(duration, anchor) == expected
    day = anchor.date() if isinstance(anchor, dt.datetime) else anchor
    assert day <= duration.last_start_run_out(expected)
    assert day > duration.last_start_run_out(expected - dt.timedelta(days=1))


def census(crm, dataset, as_of=None):
    rules = load_system(crm.policy, "crm", as_of or crm.AS_OF, ())
    with read_only_connection(catalog_for(crm.policy.systems["crm"]).engine) as connection:
        return take_census(connection, rules, dataset)


def test_a_census_counts_due_held_and_coming_rows(sqlite_crm):
    figures = census(sqlite_crm, "logs")
    assert (figures.rows, figures.delete, figures.held_legal, figures.held_case) == (6, 2, 3, 0)
    # The hold of log-hold-starts (2023-06-15 00:00) keeps it through 2026-06-15; log-recent runs out on 2027-01-01.
    assert figures.due_within == {30: 1, 90: 1, 365: 2}
    (security,) = figures.rules
    assert security.oldest == dt.date(2022, 1, 1)
    assert security.next_release == dt.date(2027, 1, 1)


def test_a_rule_on_a_related_dataset_dates_a_row_by_its_latest_related_row(sqlite_crm):
    figures = census(sqlite_crm, "customers")
    (contracts,) = figures.rules
    # Customer B has a running contract: undated. Customer C has none: contract management keeps nothing of it.
    assert contracts.undated == 1
    assert contracts.oldest == dt.date(2020, 5, 1)  # customer A: its latest contract ended on 2020-05-01
    assert contracts.next_release == dt.date(2026, 6, 16)  # customer E: ended on 2021-06-16
    assert figures.anonymise == 3


def test_a_dataset_that_cannot_be_due_is_only_counted(sqlite_crm):
    figures = census(sqlite_crm, "notes")
    assert figures.rows == 1
    assert (figures.delete, figures.anonymise, figures.due_within) == (0, 0, {})
