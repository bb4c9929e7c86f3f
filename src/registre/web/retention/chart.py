"""The history chart: an SVG bar chart of rows deleted and anonymised per run, drawn on the server.

Coordinates are numbers with a decimal point in every language: the template writes them unlocalised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registre.web.retention.models import SweepRun

WIDTH, HEIGHT, GAP = 600, 120, 4


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    deleted_y: float
    deleted_height: float
    anonymised_y: float
    anonymised_height: float
    failed: bool
    title: str


def sweep_chart(runs: Sequence[SweepRun]) -> list[Bar]:
    """One stacked bar per run, oldest first: deleted below, anonymised above, scaled to the largest run."""
    if not runs:
        return []
    largest = max(max(run.deleted + run.anonymised for run in runs), 1)
    width = WIDTH / len(runs)
    bars = []
    for index, run in enumerate(runs):
        deleted = HEIGHT * run.deleted / largest
        anonymised = HEIGHT * run.anonymised / largest
        title = _("%(day)s: %(deleted)s deleted, %(anonymised)s anonymised") % {
            "day": date_format(run.as_of),
            "deleted": run.deleted,
            "anonymised": run.anonymised,
        }
        bars.append(
            Bar(
                x=round(index * width, 1),
                width=round(max(width - GAP, 1), 1),
                deleted_y=round(HEIGHT - deleted, 1),
                deleted_height=round(deleted, 1),
                anonymised_y=round(HEIGHT - deleted - anonymised, 1) + 0.0,  # never "-0.0"
                anonymised_height=round(anonymised, 1),
                failed=run.failed,
                title=_("%(title)s (failed)") % {"title": title} if run.failed else title,
            )
        )
    return bars
