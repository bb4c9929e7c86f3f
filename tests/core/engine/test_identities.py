"""Identities as people type them, compared exactly as their normalisation says, on every database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from registre.core.engine import Subject, execute_access, execute_erasure
from registre.core.engine.identities import candidate_values, identity_normalisations, normal_form
from registre.core.engine.indexes import identity_indexes
from registre.core.policy import Policy
from registre.core.sources.catalog import close_catalogs

METADATA = sa.MetaData()
ABONNES = sa.Table(
    "abonnes",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("courriel", sa.String(120), nullable=False, index=True),
    sa.Column("portable", sa.String(40), index=True),
    sa.Column("numero", sa.String(20), index=True),
)
UTILISATEURS = sa.Table(
    "utilisateurs",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("locataire", sa.String(40), nullable=False, index=True),
    sa.Column("courriel", sa.String(120), nullable=False, index=True),
)

SUBSCRIBERS: list[dict[str, Any]] = [
    {"id": 1, "courriel": "maurice.barbe@exemple.fr", "portable": "+33612345678", "numero": "A-100"},
    {"id": 2, "courriel": "Maurice.Barbe@Exemple.FR", "portable": "06 12 34 56 78", "numero": "a-100"},
    {"id": 3, "courriel": "maurice.barbe@exemple.fr  ", "portable": "06.12.34.56.78", "numero": "A-100 "},
    {"id": 4, "courriel": "  maurice.barbe@exemple.fr", "portable": "0033 6 12 34 56 78", "numero": "A-101"},
    {"id": 5, "courriel": "maurîce.barbe@exemple.fr", "portable": "+33 (0)6 12-34-56-78", "numero": "À-100"},
    {"id": 6, "courriel": "MAURÎCE.BARBE@exemple.fr", "portable": "06 12 34 56 79", "numero": "B-200"},
]
USERS: list[dict[str, Any]] = [
    {"id": 1, "locataire": "tenant-004", "courriel": "maurice.barbe@exemple.fr"},
    {"id": 2, "locataire": "Tenant-004", "courriel": "maurice.barbe@exemple.fr"},
    {"id": 3, "locataire": "tenant-004 ", "courriel": "maurice.barbe@exemple.fr"},
    {"id": 4, "locataire": "TENANT-004", "courriel": "maurice.barbe@exemple.fr"},
    {"id": 5, "locataire": "tenant-004", "courriel": "autre@exemple.fr"},
]


def _policy(url: str, identities: dict[str, Any] | None = None) -> Policy:
    subscribers = {
        "identity": {"email": "courriel", "phone": "portable", "member_number": "numero"},
        "fields": {
            "courriel": {"category": "contact.email", "type": "email", "required": True},
            "portable": {"category": "contact.phone", "type": "phone"},
            "numero": {"category": "identification.customer_number"},
        },
        "erase": "delete",
    }
    users = {
        "identity": {"email": "courriel"},
        "tenant": "locataire",
        "fields": {"locataire": {}, "courriel": {"category": "contact.email", "type": "email", "required": True}},
        "erase": "delete",
    }
    activity = {"name": "A", "purpose": "P", "legal_basis": "consent", "datasets": ["lettre.abonnes"]}
    hosting = {"name": "H", "purpose": "P", "role": "processor", "controllers": [{"name": "Clients"}],
               "datasets": ["lettre.utilisateurs"]}  # fmt: skip
    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Lettre SAS", "contacts": {"requests": {"email": "rgpd@lettre.example"}}},
            "identities": identities or {},
            "systems": {
                "lettre": {"url": url, "location": "FR", "datasets": {"abonnes": subscribers, "utilisateurs": users}}
            },
            "activities": {"lettre": activity, "hebergement": hosting},
        }
    )


@pytest.fixture
def lettre(database_url: str) -> Iterator[tuple[str, sa.Engine]]:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        METADATA.create_all(connection)
        connection.execute(ABONNES.insert(), SUBSCRIBERS)
        connection.execute(UTILISATEURS.insert(), USERS)
    yield database_url, engine
    close_catalogs()
    engine.dispose()


def _ids(engine: sa.Engine, table: sa.Table) -> set[int]:
    with engine.connect() as connection:
        return set(connection.execute(sa.select(table.c.id)).scalars())


def _found(result: Any, name: str) -> set[int]:
    return {row["id"] for dataset in result.datasets if dataset.dataset == name for row in dataset.rows}


def test_phone_numbers_have_every_written_form_of_their_e164_number():
    assert normal_form(" 06 12 34 56 78 ", "phone", "FR") == "+33612345678"
    assert set(candidate_values("+33 6 12 34 56 78", "phone", "FR")) == {
        "+33612345678", "0612345678", "0033612345678", "33612345678", "+330612345678",
    }  # fmt: skip
    assert normal_form("020 7946 0958", "phone", "GB") == "+442079460958"
    assert normal_form("not a number", "phone", "FR") == "notanumber"


def test_emails_are_trimmed_and_lower_cased_and_exact_types_only_trimmed():
    assert candidate_values("  Ada@Example.ORG ", "email", "FR") == ("ada@example.org",)
    assert candidate_values(" A-100 ", "exact", "FR") == ("A-100",)


def test_declared_identity_types_override_the_field_types(sqlite_url):
    policy = _policy(sqlite_url, {"member_number": {"normalise": "casefold"}, "email": {"normalise": "exact"}})
    assert identity_normalisations(policy) == {"member_number": "casefold", "email": "exact", "phone": "phone"}
    assert identity_normalisations(_policy(sqlite_url)) == {
        "email": "email",
        "phone": "phone",
        "member_number": "exact",
    }


def test_an_email_finds_case_and_space_variants_but_never_an_accented_one(lettre):
    url, _engine = lettre
    expected = {row["id"] for row in SUBSCRIBERS if row["courriel"].strip().lower() == "maurice.barbe@exemple.fr"}
    result = execute_access(_policy(url), Subject.of("email=Maurice.BARBE@exemple.fr "))
    assert _found(result, "abonnes") == expected == {1, 2, 3, 4}


def test_an_accented_email_finds_its_case_variants_only(lettre):
    url, engine = lettre
    expected = {row["id"] for row in SUBSCRIBERS if row["courriel"].strip().lower() == "maurîce.barbe@exemple.fr"}
    if engine.dialect.name == "sqlite":
        # SQLite's lower() folds ASCII letters only (see docs/policy.md, "Identities").
        expected -= {6}
    result = execute_access(_policy(url), Subject.of("email=maurîce.barbe@exemple.fr"))
    assert _found(result, "abonnes") == expected


def test_a_phone_finds_national_and_international_formats(lettre):
    url, _engine = lettre
    expected = {row["id"] for row in SUBSCRIBERS if normal_form(row["portable"], "phone", "FR") == "+33612345678"}
    result = execute_access(_policy(url), Subject.of("phone=06 12 34 56 78"))
    assert _found(result, "abonnes") == expected == {1, 2, 3, 4, 5}


def test_an_exact_identity_matches_case_accents_and_trailing_spaces_exactly(lettre):
    url, _engine = lettre
    result = execute_access(_policy(url), Subject.of("member_number=A-100"))
    assert _found(result, "abonnes") == {row["id"] for row in SUBSCRIBERS if row["numero"] == "A-100"} == {1}


def test_a_tenant_reaches_only_its_exact_rows(lettre):
    url, engine = lettre
    before = _ids(engine, UTILISATEURS)
    result = execute_erasure(_policy(url), Subject.of("email=maurice.barbe@exemple.fr"), tenant="tenant-004")
    assert result.ok, result.to_dict()
    erased = {
        row["id"] for row in USERS if row["locataire"] == "tenant-004" and row["courriel"] == "maurice.barbe@exemple.fr"
    }
    assert before - _ids(engine, UTILISATEURS) == erased == {1}
    # Nothing of the controller's own dataset is reached by a client's request.
    assert _ids(engine, ABONNES) == {row["id"] for row in SUBSCRIBERS}


def test_an_erasure_deletes_the_same_rows_as_on_postgresql(lettre):
    url, engine = lettre
    execute_erasure(_policy(url), Subject.of("email=MAURICE.barbe@exemple.fr", "phone=+33612345678"))
    # email: 1-4; phone (E.164 in any form): 1-5; 6 is another number and another (accented) address.
    assert _ids(engine, ABONNES) == {6}


def test_map_live_prints_the_index_each_normalised_identity_needs(lettre):
    url, engine = lettre
    policy = _policy(url)
    advice, errors = identity_indexes(policy)
    assert errors == {}
    by_column = {(a.dataset, a.column): a for a in advice}
    assert set(by_column) == {("abonnes", "courriel"), ("abonnes", "portable"), ("utilisateurs", "courriel")}
    if engine.dialect.name in ("mysql", "mariadb"):
        assert by_column["abonnes", "courriel"].present  # the case-blind column index narrows, then exact
        assert not by_column["abonnes", "portable"].present and by_column["abonnes", "portable"].note
        return
    email = by_column["abonnes", "courriel"]
    assert not email.present
    assert email.statement == "CREATE INDEX ix_abonnes_courriel_email ON abonnes (lower(trim(courriel)))"
    with engine.begin() as connection:
        for found in advice:
            connection.execute(sa.text(str(found.statement)))
    close_catalogs()
    assert all(found.present for found in identity_indexes(policy)[0])
