"""Anonymisation methods on each backend: null, constant, keyed hash, year, month, redact, and defaults."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from registre.core.engine.anonymisation import (
    REDACTED,
    AnonymisationError,
    anonymised_columns,
    anonymised_values,
    pseudonym_key,
    pseudonym_of,
    still_personal,
)
from registre.core.policy.model import Dataset

METADATA = sa.MetaData()
PEOPLE = sa.Table(
    "anonymised_people",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("code", sa.String(12), nullable=False),
    sa.Column("name", sa.String(6), nullable=False),
    sa.Column("nickname", sa.String(50)),
    sa.Column("born_on", sa.Date, nullable=False),
    sa.Column("seen_at", sa.DateTime),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("team_id", sa.Integer),
)
DATASET = Dataset.model_validate(
    {
        "identity": {"email": "email", "code": "code"},
        "references": {"team_id": "teams.id"},
        "fields": {
            "email": {"category": "contact.email", "anonymize": "hash"},
            "name": {"category": "identification.name"},
            "nickname": {"category": "identification.name", "anonymize": "constant", "value": "X"},
            "born_on": {"category": "identification.birth_date", "anonymize": "month"},
            "seen_at": {"category": "connection.logs", "anonymize": "year"},
            "score": {"category": "usage.service_usage"},
            "team_id": {"category": "contact.company"},
        },
    }
)
ROW = {
    "id": 1, "email": "ada@example.org", "code": "C-12345", "name": "Ada Lovelace"[:6], "nickname": "ada",
    "born_on": dt.date(1990, 7, 14), "seen_at": dt.datetime(2025, 8, 3, 12, 30), "score": 42, "team_id": 7,
}  # fmt: skip


@pytest.fixture
def table(database_url):
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        METADATA.create_all(connection)
        connection.execute(PEOPLE.insert(), [ROW])
    yield engine
    engine.dispose()


def anonymise(engine, pseudonym="f" * 64):
    values = anonymised_values(PEOPLE, DATASET, sa.bindparam("pseudonym", type_=sa.String()))
    with engine.begin() as connection:
        changed = connection.execute(
            sa.update(PEOPLE).where(still_personal(PEOPLE, values)).values(values), {"pseudonym": pseudonym}
        ).rowcount
        return changed, dict(connection.execute(sa.select(PEOPLE)).mappings().one())


def test_each_field_is_anonymised_by_its_method(table):
    _, row = anonymise(table)
    assert row["email"] == "f" * 64
    assert row["nickname"] == "X"
    assert row["born_on"] == dt.date(1990, 7, 1)
    assert row["seen_at"] == dt.datetime(2025, 1, 1)


def test_defaults_are_null_when_allowed_else_a_marker_that_fits_or_zero(table):
    _, row = anonymise(table)
    assert row["name"] == REDACTED[:6]
    assert row["score"] == 0


def test_identity_columns_never_keep_their_value_even_when_not_declared_personal(table):
    _, row = anonymise(table)
    assert row["code"] == REDACTED, "an undeclared identity column is redacted"
    assert "code" in anonymised_columns(DATASET)


def test_reference_columns_are_kept_so_that_the_row_stays_linked(table):
    _, row = anonymise(table)
    assert row["team_id"] == 7
    assert "team_id" not in anonymised_columns(DATASET)


def test_a_second_anonymisation_changes_nothing(table):
    assert anonymise(table)[0] == 1
    assert anonymise(table)[0] == 0


def test_a_pseudonym_is_truncated_to_the_column(table):
    short = Dataset.model_validate({"fields": {"name": {"category": "identification.name", "anonymize": "hash"}}})
    values = anonymised_values(PEOPLE, short, sa.bindparam("pseudonym", type_=sa.String()))
    with table.begin() as connection:
        connection.execute(sa.update(PEOPLE).values(values), {"pseudonym": "abcdef0123456789"})
        assert connection.execute(sa.select(PEOPLE.c.name)).scalar_one() == "abcdef"


def test_null_on_a_not_null_column_is_refused():
    dataset = Dataset.model_validate({"fields": {"name": {"category": "identification.name", "anonymize": "null"}}})
    with pytest.raises(AnonymisationError, match="NOT NULL"):
        anonymised_values(PEOPLE, dataset, sa.bindparam("pseudonym"))


def test_the_same_person_gets_the_same_pseudonym_and_only_with_the_key():
    first = pseudonym_of("email:ada@example.org", b"key")
    assert first == pseudonym_of("email:ada@example.org", b"key")
    assert first != pseudonym_of("email:ada@example.org", b"other key")
    assert len(first) == 64 and "ada" not in first


def test_the_key_comes_from_the_argument_or_the_environment():
    assert pseudonym_key("given", {"REGISTRE_PSEUDONYM_KEY": "env"}) == b"given"
    assert pseudonym_key(None, {"REGISTRE_PSEUDONYM_KEY": "env"}) == b"env"
    assert pseudonym_key(None, {}) is None
