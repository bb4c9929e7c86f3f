import sqlalchemy as sa

from registre.core.sources import create_engine_for_url
from registre.core.sources.sampling import sample_rows

ROWS = 5000


def _table(url: str) -> tuple[sa.Engine, sa.Table, sa.Table]:
    metadata = sa.MetaData()
    keyed = sa.Table("mesures", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer))
    unkeyed = sa.Table("journal", metadata, sa.Column("ligne", sa.String(20)))
    engine = create_engine_for_url(url)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(keyed.insert(), [{"id": i, "v": i * 10} for i in range(1, ROWS + 1)])
        connection.execute(unkeyed.insert(), [{"ligne": f"l{i}"} for i in range(50)])
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("ANALYZE mesures"))
    return engine, keyed, unkeyed


def test_a_sample_is_bounded_spread_and_repeatable(database_url):
    engine, keyed, _ = _table(database_url)
    with engine.connect() as connection:
        first = sample_rows(connection, keyed, list(keyed.columns), 100, seed=1)
        again = sample_rows(connection, keyed, list(keyed.columns), 100, seed=1)
    engine.dispose()
    assert 50 <= len(first) <= 100
    assert all(value == key * 10 for key, value in first)
    assert max(key for key, _ in first) > ROWS // 2, "the sample is spread over the table, not its first rows"
    assert sorted(first) == sorted(again)


def test_a_table_without_an_integer_key_gives_its_first_rows(database_url):
    engine, _, unkeyed = _table(database_url)
    with engine.connect() as connection:
        rows = sample_rows(connection, unkeyed, list(unkeyed.columns), 20)
    engine.dispose()
    assert len(rows) == 20


def test_a_table_a_little_larger_than_twice_the_sample_is_sampled(database_url):
    engine, keyed, _ = _table(database_url)
    with engine.connect() as connection:
        rows = sample_rows(connection, keyed, list(keyed.columns), 2000)
    engine.dispose()
    assert 1000 <= len(rows) <= 2000
