"""Writes the database accepts, on a schema of our own (SQLite, PostgreSQL, MariaDB): a table that references
itself, a reference cycle, a UNIQUE NOT NULL personal column, and a row the database refuses.

Expected rows are computed in each test by plain SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from registre.core.policy import Policy
from registre.core.retention import plan_retention, run_retention
from registre.core.sources.catalog import close_catalogs

AS_OF = dt.date(2026, 6, 15)
CUT = dt.date(2023, 6, 15)  # three years before AS_OF: a departure on or before it has run out

METADATA = sa.MetaData()
sa.Table(
    "equipes",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("libelle", sa.String(50), nullable=False),
    sa.Column(
        "chef_id", sa.Integer, sa.ForeignKey("techniciens.id", use_alter=True, name="fk_equipes_chef"), nullable=True
    ),
    sa.Column("dissoute_le", sa.Date),
)
sa.Table(
    "techniciens",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("matricule", sa.String(40), nullable=False, unique=True),
    sa.Column("nom", sa.String(100), nullable=False),
    sa.Column("responsable_id", sa.Integer, sa.ForeignKey("techniciens.id"), nullable=True),
    sa.Column("equipe_id", sa.Integer, sa.ForeignKey("equipes.id"), nullable=True),
    sa.Column("parti_le", sa.Date, index=True),
)
sa.Table(
    "badges",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("technicien_id", sa.Integer, sa.ForeignKey("techniciens.id"), nullable=False),
    sa.Column("numero", sa.String(20), nullable=False, unique=True),
    sa.Column("rendu_le", sa.Date),
)


def atelier_policy(url: str, **changes: Any) -> Policy:
    techniciens = {
        "references": {"responsable_id": "techniciens.id", "equipe_id": "equipes.id"},
        "fields": {"matricule": {"category": "identification.employee_number"},
                   "nom": {"category": "identification.name", "anonymize": "redact"},
                   "responsable_id": {}, "equipe_id": {}, "parti_le": {"type": "date"}},
        "erase": "delete",
    }  # fmt: skip
    techniciens.update(changes.get("techniciens", {}))
    datasets = {
        "equipes": {
            "references": {"chef_id": "techniciens.id"},
            "fields": {"libelle": {}, "chef_id": {}, "dissoute_le": {"type": "date"}},
        },
        "techniciens": techniciens,
        "badges": {
            "references": {"technicien_id": "techniciens.id"},
            "fields": {"technicien_id": {}, "numero": {"category": "identification.badge"},
                       "rendu_le": {"type": "date"}},
            "erase": "anonymize",
        },
    }  # fmt: skip

    def activity(dataset: str, anchor: str, then: str = "delete") -> dict[str, Any]:
        return {"name": "Personnel", "purpose": "Gestion du personnel", "legal_basis": "contract",
                "datasets": [f"atelier.{dataset}"],
                "retention": {"keep": "P3Y", "from": f"atelier.{dataset}.{anchor}", "then": then}}  # fmt: skip

    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "Atelier SAS", "contacts": {"requests": {"email": "rgpd@atelier.example"}}},
            "systems": {"atelier": {"url": url, "location": "FR", "datasets": datasets}},
            "activities": {
                "personnel": activity("techniciens", "parti_le"),
                "equipes": activity("equipes", "dissoute_le"),
                "badges": activity("badges", "rendu_le", "anonymize"),
            },
        }
    )


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


TECHNICIENS = [
    # 1 manages 2 and 3; all three left long ago: all due. 4 left long ago, manages 5 who stays.
    {"id": 1, "matricule": "T-001", "nom": "Anne", "responsable_id": None, "equipe_id": None,
     "parti_le": d("2019-01-01")},
    {"id": 2, "matricule": "T-002", "nom": "Bruno", "responsable_id": 1, "equipe_id": None,
     "parti_le": d("2019-02-01")},
    {"id": 3, "matricule": "T-003", "nom": "Chloé", "responsable_id": 1, "equipe_id": None,
     "parti_le": d("2020-01-01")},
    {"id": 4, "matricule": "T-004", "nom": "Denis", "responsable_id": None, "equipe_id": 1,
     "parti_le": d("2020-03-01")},
    {"id": 5, "matricule": "T-005", "nom": "Émilie", "responsable_id": 4, "equipe_id": 1,
     "parti_le": None},
    # 6 and 7 left long ago but still have a badge that stays: anonymised, their matricules must stay unique.
    {"id": 6, "matricule": "T-006", "nom": "Fabrice", "responsable_id": None, "equipe_id": None,
     "parti_le": d("2019-01-01")},
    {"id": 7, "matricule": "T-007", "nom": "Gaëlle", "responsable_id": None, "equipe_id": None,
     "parti_le": d("2019-01-01")},
    # 8 left long ago and manages 9, who stays: 8 goes, 9's link to him is cut.
    {"id": 8, "matricule": "T-008", "nom": "Hugo", "responsable_id": None, "equipe_id": None,
     "parti_le": d("2019-01-01")},
    {"id": 9, "matricule": "T-009", "nom": "Inès", "responsable_id": 8, "equipe_id": 2, "parti_le": None},
]  # fmt: skip
EQUIPES = [
    # A cycle: team 1's head is technician 4 who belongs to team 1; team 1 dissolved long ago.
    {"id": 1, "libelle": "Nord", "chef_id": 4, "dissoute_le": d("2020-01-01")},
    {"id": 2, "libelle": "Sud", "chef_id": None, "dissoute_le": None},
]
BADGES = [
    {"id": 1, "technicien_id": 6, "numero": "B-1", "rendu_le": None},
    {"id": 2, "technicien_id": 7, "numero": "B-2", "rendu_le": None},
]


@pytest.fixture
def atelier(database_url: str) -> Iterator[sa.Engine]:
    close_catalogs()
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        METADATA.create_all(connection)
        connection.execute(METADATA.tables["equipes"].insert(), [{**row, "chef_id": None} for row in EQUIPES])
        connection.execute(METADATA.tables["techniciens"].insert(), TECHNICIENS)
        for row in EQUIPES:
            table = METADATA.tables["equipes"]
            connection.execute(table.update().where(table.c.id == row["id"]).values(chef_id=row["chef_id"]))
        connection.execute(METADATA.tables["badges"].insert(), BADGES)
    yield engine
    close_catalogs()
    engine.dispose()  # the fixture's database (a file, a schema, a database) is dropped with everything in it


def rows(engine: sa.Engine, sql: str, **parameters: Any) -> set[Any]:
    with engine.connect() as connection:
        return {tuple(row) if len(row) > 1 else row[0] for row in connection.execute(sa.text(sql), parameters)}


def url_of(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_a_table_that_references_itself_is_swept_with_its_links_cut(atelier):
    # Plain SQL: technicians that left on or before CUT, referenced by no badge and by no team.
    due = rows(
        atelier,
        "SELECT t.id FROM techniciens t WHERE t.parti_le <= :cut "
        "AND NOT EXISTS (SELECT 1 FROM badges b WHERE b.technicien_id = t.id) "
        "AND NOT EXISTS (SELECT 1 FROM equipes e WHERE e.chef_id = t.id)",
        cut=CUT,
    )
    assert due == {1, 2, 3, 8}
    policy = atelier_policy(url_of(atelier))
    plan = plan_retention(policy, as_of=AS_OF)
    run = run_retention(policy, as_of=AS_OF, batch_size=1)
    assert run.ok, run.to_text()
    assert rows(atelier, "SELECT id FROM techniciens") == {4, 5, 6, 7, 9}
    swept = run.dataset("atelier.techniciens")
    assert (swept.deleted, swept.anonymised) == (
        plan.dataset("atelier.techniciens").figures.delete,
        plan.dataset("atelier.techniciens").figures.anonymise,
    )


def test_a_deleted_manager_s_link_is_cut_on_the_rows_that_stay(atelier):
    policy = atelier_policy(url_of(atelier))
    run_retention(policy, as_of=AS_OF)
    assert rows(atelier, "SELECT id, responsable_id FROM techniciens WHERE id IN (5, 9)") == {(5, 4), (9, None)}, (
        "Hugo (8) is deleted: Inès's link to him is cut; Denis (4) stays (his team names him head), so Émilie's stays"
    )


def test_a_reference_cycle_is_swept_without_breaking_a_foreign_key(atelier):
    policy = atelier_policy(url_of(atelier))
    run = run_retention(policy, as_of=AS_OF)
    assert run.ok, run.to_text()
    # Team 1 (dissolved) and Denis (left) name each other: neither can go first, so both stay, anonymised.
    assert rows(atelier, "SELECT id FROM equipes") == {1, 2}
    assert rows(atelier, "SELECT nom FROM techniciens WHERE id = 4") == {"[redacted]"}


def test_a_unique_not_null_column_gets_a_value_unique_to_each_row(atelier):
    policy = atelier_policy(url_of(atelier))
    run = run_retention(policy, as_of=AS_OF)
    assert run.ok, run.to_text()
    matricules = rows(atelier, "SELECT id, matricule FROM techniciens WHERE id IN (4, 6, 7)")
    assert matricules == {(4, "anonymised-4"), (6, "anonymised-6"), (7, "anonymised-7")}


def test_a_declared_method_the_unique_constraint_refuses_is_reported_and_the_rest_of_the_sweep_completes(atelier):
    policy = atelier_policy(
        url_of(atelier),
        techniciens={"fields": {"matricule": {"category": "identification.employee_number", "anonymize": "redact"},
                                "nom": {"category": "identification.name", "anonymize": "redact"},
                                "responsable_id": {}, "equipe_id": {}, "parti_le": {"type": "date"}}},
    )  # fmt: skip
    plan = plan_retention(policy, as_of=AS_OF)
    assert "column matricule is UNIQUE" in " ".join(plan.dataset("atelier.techniciens").refused)
    run = run_retention(policy, as_of=AS_OF)
    assert not run.ok
    assert len(run.failures) == 2, "the first of the three rows takes the constant, the database refuses the others"
    failure = run.failures[0]
    assert (failure.system, failure.dataset) == ("atelier", "techniciens")
    assert {found.key for found in run.failures} < {"4", "6", "7"} and "anonymize" in failure.fix
    assert failure.rule.startswith("delete")
    assert f"row {failure.key}" in run.to_text()
    # The other rows were swept: one of the three anonymised rows carries the marker, the rest of the table too.
    assert rows(atelier, "SELECT COUNT(*) FROM techniciens WHERE matricule = '[redacted]'") == {1}
    assert rows(atelier, "SELECT id FROM techniciens WHERE id IN (1, 2, 3)") == set()


def test_a_row_an_undeclared_table_references_is_named_and_the_rest_is_swept(atelier):
    with atelier.begin() as connection:
        connection.execute(sa.text(
            "CREATE TABLE affectations (id INTEGER PRIMARY KEY, technicien_id INTEGER NOT NULL "
            "REFERENCES techniciens (id))"
        ))  # fmt: skip
        connection.execute(sa.text("INSERT INTO affectations (id, technicien_id) VALUES (1, 2)"))
    try:
        run = run_retention(atelier_policy(url_of(atelier)), as_of=AS_OF, batch_size=10)
        (failure,) = run.failures
        assert (failure.dataset, failure.key) == ("techniciens", "2")
        assert "references:" in failure.fix
        assert rows(atelier, "SELECT id FROM techniciens WHERE id IN (1, 2, 3)") == {2}
    finally:
        with atelier.begin() as connection:
            connection.execute(sa.text("DROP TABLE affectations"))
