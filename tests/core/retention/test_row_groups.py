"""Rows grouped by the conditions a census counts: the same counts and minima as the conditions counted row by row.

Every count read from the groups (dates in buckets, other conditions in
masks, conditions made of others) is compared with plain SQL over the
table: `COUNT(CASE WHEN condition THEN 1 END)` and `MIN(...)`, on SQLite,
PostgreSQL and MariaDB.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from registre.core.retention.due import certainly
from registre.core.retention.row_groups import RowGroups

METADATA = sa.MetaData()
ROWS = sa.Table(
    "rows",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("day", sa.Date),
    sa.Column("moment", sa.DateTime),
    sa.Column("number", sa.Integer),
    sa.Column("flag", sa.Boolean),
)
DAYS = [dt.date(2020, 1, 1) + dt.timedelta(days=91 * step) for step in range(12)]
MOMENTS = [None, dt.datetime(2021, 3, 1, 12, 30), dt.datetime(2022, 7, 1), dt.datetime(2024, 1, 1)]


def fill(engine: sa.Engine) -> None:
    draw = random.Random(2026)
    METADATA.create_all(engine)
    rows = [
        {
            "id": key,
            "day": draw.choice([None, *DAYS, *(day + dt.timedelta(days=1) for day in DAYS)]),
            "moment": draw.choice(MOMENTS),
            "number": draw.choice([None, *range(40)]),
            "flag": draw.choice([None, True, False]),
        }
        for key in range(300)
    ]
    with engine.begin() as connection:
        connection.execute(ROWS.insert(), rows)


def before(column: sa.ColumnElement[object], day: object) -> sa.ColumnElement[bool]:
    return sa.and_(column.is_not(None), column < sa.literal(day, column.type))


def from_(column: sa.ColumnElement[object], day: object) -> sa.ColumnElement[bool]:
    return sa.and_(column.is_not(None), column >= sa.literal(day, column.type))


def conditions() -> list[sa.ColumnElement[bool]]:
    """Two-valued conditions, as `due` builds them: bounds on dates, more than a mask's worth of others."""
    day, moment, number = ROWS.c.day, ROWS.c.moment, ROWS.c.number
    bounds = [before(day, found) for found in DAYS[::2]] + [from_(day, found) for found in DAYS[1::3]]
    bounds += [day.is_(None), before(moment, dt.datetime(2022, 7, 1)), certainly(moment >= dt.datetime(2021, 3, 2))]
    others = [certainly(number == value) for value in range(34)] + [certainly(ROWS.c.flag == sa.true())]
    made = [
        sa.and_(bounds[0], sa.not_(bounds[7])),
        sa.or_(bounds[2], others[3], sa.not_(others[34])),
        sa.not_(sa.and_(bounds[9], others[1])),
        sa.and_(before(day, DAYS[4]), from_(day, DAYS[1]), sa.not_(bounds[-1])),
    ]
    return bounds + others + made


def test_counts_and_minima_from_the_groups_are_those_of_the_rows(database_url):
    engine = sa.create_engine(database_url)
    fill(engine)
    groups = RowGroups()
    flagged = [groups.flag(condition) for condition in conditions()]
    least_day, least_moment = groups.value(ROWS.c.day), groups.value(ROWS.c.moment)
    columns = [groups.count().label("rows")]
    columns += [groups.count(found).label(f"count_{index}") for index, found in enumerate(flagged)]
    columns += [
        sa.func.min(sa.case((sa.and_(flagged[0], least_day.is_not(None)), least_day))).label("least_day"),
        sa.func.min(sa.case((sa.and_(sa.not_(flagged[-1]), least_moment.is_not(None)), least_moment))).label(
            "least_moment"
        ),
    ]
    expected = [sa.func.count().label("rows")]
    expected += [sa.func.count(sa.case((found, 1))).label(f"count_{index}") for index, found in enumerate(conditions())]
    expected += [
        sa.func.min(sa.case((conditions()[0], ROWS.c.day))).label("least_day"),
        sa.func.min(sa.case((sa.not_(conditions()[-1]), ROWS.c.moment))).label("least_moment"),
    ]
    with engine.connect() as connection:
        for fenced in (True, False):
            found = connection.execute(groups.select(columns, ROWS, fenced=fenced)).one()._mapping
            wanted = connection.execute(sa.select(*expected)).one()._mapping
            assert {label: int(found[label] or 0) for label in wanted if label.startswith(("rows", "count"))} == {
                label: int(wanted[label]) for label in wanted if label.startswith(("rows", "count"))
            }
            assert (found["least_day"], found["least_moment"]) == (wanted["least_day"], wanted["least_moment"])
    engine.dispose()


def test_a_condition_made_of_conditions_counted_costs_no_new_bit():
    groups = RowGroups()
    expired, held = before(ROWS.c.day, DAYS[3]), certainly(ROWS.c.number > 3)
    groups.flag(expired)
    groups.flag(held)
    assert groups.flag(sa.and_(expired, sa.not_(held))) is not None
    assert groups.flag(sa.not_(certainly(ROWS.c.number > 3))) is not None
    assert len(groups.conditions) == 2
