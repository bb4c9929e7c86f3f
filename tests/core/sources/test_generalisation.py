"""Dates generalised to their year or month, in each database's SQL, keeping the column's type."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mssql

from registre.core.sources.generalisation import month_start, year_start

METADATA = sa.MetaData()
EVENTS = sa.Table(
    "events",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("on_day", sa.Date),
    sa.Column("at", sa.DateTime),
)


@pytest.fixture
def engine(database_url):
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        METADATA.create_all(connection)
        connection.execute(
            EVENTS.insert(),
            [
                {"id": 1, "on_day": dt.date(2020, 5, 17), "at": dt.datetime(2021, 7, 9, 13, 4, 5)},
                {"id": 2, "on_day": None, "at": None},
            ],
        )
    yield engine
    engine.dispose()


def generalised(engine, construct):
    with engine.connect() as connection:
        query = sa.select(construct(EVENTS.c.on_day), construct(EVENTS.c.at)).order_by(EVENTS.c.id)
        return [tuple(row) for row in connection.execute(query)]


def test_a_date_goes_to_the_first_day_of_its_year(engine):
    assert generalised(engine, year_start) == [(dt.date(2020, 1, 1), dt.datetime(2021, 1, 1)), (None, None)]


def test_a_date_goes_to_the_first_day_of_its_month(engine):
    assert generalised(engine, month_start) == [(dt.date(2020, 5, 1), dt.datetime(2021, 7, 1)), (None, None)]


def test_a_generalised_column_can_be_written_back(engine):
    with engine.begin() as connection:
        connection.execute(sa.update(EVENTS).values(on_day=month_start(EVENTS.c.on_day), at=year_start(EVENTS.c.at)))
        row = connection.execute(sa.select(EVENTS).where(EVENTS.c.id == 1)).one()
    assert (row.on_day, row.at) == (dt.date(2020, 5, 1), dt.datetime(2021, 1, 1))


def test_an_unsupported_database_is_told_so():
    with pytest.raises(sa.exc.CompileError, match="not implemented for mssql"):
        year_start(EVENTS.c.on_day).compile(dialect=mssql.dialect())
