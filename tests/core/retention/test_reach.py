"""Retention that reaches every row, on a schema of our own: fallback dates, rows without a date, rows no
activity has data for, restricted rows, and the day a period ends (SQLite, PostgreSQL, MariaDB).

Expected rows are computed in each test by plain SQL, with the cut-off dates written out by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from registre.core.policy import Policy
from registre.core.policy.durations import Duration
from registre.core.retention import plan_retention, run_retention
from registre.core.sources.catalog import close_catalogs

AS_OF = dt.date(2026, 6, 15)
METADATA = sa.MetaData()
sa.Table(
    "comptes",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("raison_sociale", sa.String(100), nullable=False),
)
sa.Table(
    "contacts_clients",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("compte_id", sa.Integer, sa.ForeignKey("comptes.id"), nullable=True),
    sa.Column("courriel", sa.String(254), nullable=False),
    sa.Column("nom", sa.String(100)),
    sa.Column("dernier_contact_le", sa.Date, index=True),
    sa.Column("inscrit_le", sa.Date),
    sa.Column("restreint", sa.Boolean, nullable=False, server_default=sa.false()),
)
sa.Table(
    "interventions",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("contact_id", sa.Integer, sa.ForeignKey("contacts_clients.id"), nullable=False),
    sa.Column("compte_rendu", sa.Text),
    sa.Column("cloturee_le", sa.Date),
)
sa.Table(
    "factures",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("nom_facture", sa.String(100)),
    sa.Column("emise_le", sa.Date, nullable=False),
)
sa.Table(
    "abonnements",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("courriel", sa.String(254)),
    sa.Column("fin_le", sa.Date),
)
sa.Table(
    "journaux",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("adresse_ip", sa.String(45)),
    sa.Column("connecte_le", sa.DateTime),
)


def _activity(datasets: list[str], retention: dict[str, Any]) -> dict[str, Any]:
    return {"name": "Traitement", "purpose": "Finalité", "legal_basis": "contract", "datasets": datasets,
            "retention": retention}  # fmt: skip


def terrain_policy(url: str, **changes: Any) -> Policy:
    """A field-services company: contacts kept 3 years after their last contact (else their sign-up) and
    1 year after their interventions are closed; invoices 1 year, held 10 years from the close of the
    financial year (31 March); subscriptions 6 months; connection logs 1 year, held 1 year."""
    email = {"category": "contact.email", "type": "email", "anonymize": "hash"}
    datasets = {
        "comptes": {"fields": {"raison_sociale": {"category": "contact.company"}}},
        "contacts_clients": {
            "identity": {"email": "courriel"},
            "references": {"compte_id": "comptes.id"},
            "restrict": "restreint",
            "fields": {"compte_id": {}, "courriel": email, "nom": {"category": "identification.name"},
                       "dernier_contact_le": {"type": "date"}, "inscrit_le": {"type": "date"},
                       "restreint": {"type": "boolean"}},
        },
        "interventions": {
            "references": {"contact_id": "contacts_clients.id"},
            "fields": {"contact_id": {}, "compte_rendu": {"category": "relationship.correspondence"},
                       "cloturee_le": {"type": "date"}},
        },
        "factures": {
            "fields": {"nom_facture": {"category": "identification.name"}, "emise_le": {"type": "date"}},
            "holds": [{"reference": "fr.commerce.L123-22", "from": "emise_le", "start": "financial_year_end"}],
        },
        "abonnements": {"fields": {"courriel": email, "fin_le": {"type": "date"}}},
        "journaux": {
            "fields": {"adresse_ip": {"category": "connection.ip_address"}, "connecte_le": {"type": "datetime"}},
            "holds": [{"basis": "LCEN", "keep": "P1Y", "from": "connecte_le"}],
        },
    }  # fmt: skip
    prospection = {"keep": "P3Y", "from": ["terrain.contacts_clients.dernier_contact_le", "inscrit_le"]}
    prospection.update(changes.get("prospection", {}))
    activities = {
        "prospection": _activity(["terrain.contacts_clients"], prospection),
        "interventions": _activity(["terrain.interventions", "terrain.contacts_clients", "terrain.comptes"],
                                   {"keep": "P1Y", "from": "terrain.interventions.cloturee_le"}),
        "facturation": _activity(["terrain.factures"], {"keep": "P1Y", "from": "terrain.factures.emise_le"}),
        "lettre": _activity(["terrain.abonnements"], {"keep": "P6M", "from": "terrain.abonnements.fin_le"}),
        "securite": _activity(["terrain.journaux"], {"keep": "P1Y", "from": "terrain.journaux.connecte_le"}),
    }  # fmt: skip
    organisation = {"name": "Terrain SAS", "financial_year_end": "03-31",
                    "contacts": {"requests": {"email": "privacy@terrain.example"}}}  # fmt: skip
    return Policy.model_validate(
        {
            "registre": 1,
            "organisation": organisation,
            "systems": {"terrain": {"url": url, "location": "FR", "datasets": datasets}},
            "activities": activities,
        }
    )


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


ROWS: dict[str, list[dict[str, Any]]] = {
    "comptes": [{"id": 1, "raison_sociale": "Plomberie Martin"}, {"id": 2, "raison_sociale": "Sans contact"}],
    "contacts_clients": [
        # last contact 2020: prospection ran out; interventions: one closed in 2024
        {"id": 1, "compte_id": 1, "courriel": "a@x.fr", "nom": "Aline", "dernier_contact_le": d("2020-01-01"),
         "inscrit_le": d("2019-01-01"), "restreint": False},
        # no last contact: counted from sign-up (2020): ran out; no intervention: that activity keeps nothing
        {"id": 2, "compte_id": None, "courriel": "b@x.fr", "nom": "Benoît", "dernier_contact_le": None,
         "inscrit_le": d("2020-02-01"), "restreint": False},
        # no date at all: never due under `undated: keep`
        {"id": 3, "compte_id": None, "courriel": "c@x.fr", "nom": "Céline", "dernier_contact_le": None,
         "inscrit_le": None, "restreint": False},
        # due, but restricted at her request (Art. 18): kept as is
        {"id": 4, "compte_id": None, "courriel": "d@x.fr", "nom": "Damien", "dernier_contact_le": d("2019-05-05"),
         "inscrit_le": None, "restreint": True},
        # an intervention still open (no closing date): kept
        {"id": 5, "compte_id": 1, "courriel": "e@x.fr", "nom": "Élodie", "dernier_contact_le": d("2019-05-05"),
         "inscrit_le": None, "restreint": False},
        # sign-up recent: kept by prospection
        {"id": 6, "compte_id": None, "courriel": "f@x.fr", "nom": "Fanny", "dernier_contact_le": None,
         "inscrit_le": d("2025-01-01"), "restreint": False},
    ],
    "interventions": [
        {"id": 1, "contact_id": 1, "compte_rendu": "Fuite", "cloturee_le": d("2024-01-01")},
        {"id": 2, "contact_id": 5, "compte_rendu": "En cours", "cloturee_le": None},
    ],
    "factures": [
        # closes its year 2016-03-31: held through 2026-03-31, due from 2026-04-01
        {"id": 1, "nom_facture": "Aline", "emise_le": d("2016-02-10")},
        # closes its year 2017-03-31: held through 2027-03-31
        {"id": 2, "nom_facture": "Aline", "emise_le": d("2016-04-01")},
    ],
    "abonnements": [
        {"id": 1, "courriel": "x@x.fr", "fin_le": d("2026-08-31")},
        {"id": 2, "courriel": "y@x.fr", "fin_le": d("2026-08-30")},
        {"id": 3, "courriel": "z@x.fr", "fin_le": d("2026-08-15")},
        {"id": 4, "courriel": "w@x.fr", "fin_le": d("2026-09-15")},
    ],
    "journaux": [
        {"id": 1, "adresse_ip": "192.0.2.1", "connecte_le": dt.datetime(2025, 6, 15, 23, 59)},
        {"id": 2, "adresse_ip": "192.0.2.2", "connecte_le": dt.datetime(2025, 6, 14, 8, 0)},
    ],
}  # fmt: skip


@pytest.fixture
def terrain(database_url: str) -> Iterator[sa.Engine]:
    close_catalogs()
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        METADATA.create_all(connection)
        for table in METADATA.sorted_tables:
            connection.execute(table.insert(), ROWS[table.name])
    yield engine
    close_catalogs()
    engine.dispose()


def ids(engine: sa.Engine, sql: str, **parameters: Any) -> set[int]:
    with engine.connect() as connection:
        return {row[0] for row in connection.execute(sa.text(sql), parameters)}


def test_a_contact_is_counted_from_its_fallback_date_and_not_kept_by_an_activity_without_data(terrain):
    # Plain SQL: prospection ran out (first non-NULL date on or before 2023-06-15), no intervention open or
    # closed after 2025-06-15, not restricted.
    expected = ids(
        terrain,
        "SELECT c.id FROM contacts_clients c WHERE COALESCE(c.dernier_contact_le, c.inscrit_le) <= :prospection "
        "AND NOT EXISTS (SELECT 1 FROM interventions i WHERE i.contact_id = c.id "
        "AND (i.cloturee_le IS NULL OR i.cloturee_le > :interventions)) AND c.restreint = :no",
        prospection=d("2023-06-15"),
        interventions=d("2025-06-15"),
        no=False,
    )
    assert expected == {1, 2}
    url = terrain.url.render_as_string(hide_password=False)
    plan = plan_retention(terrain_policy(url), as_of=AS_OF)
    contacts = plan.dataset("terrain.contacts_clients")
    assert contacts.due == 2 and contacts.figures.restricted == 1
    run = run_retention(terrain_policy(url), as_of=AS_OF)
    assert run.ok, run.to_dict()
    left = ids(terrain, "SELECT id FROM contacts_clients")
    assert {1, 2} & left == set() or ids(terrain, "SELECT id FROM contacts_clients WHERE courriel LIKE 'anonymised-%'")
    swept = {1, 2} - left | ids(terrain, "SELECT id FROM contacts_clients WHERE courriel LIKE 'anonymised-%'")
    assert swept == expected
    assert ids(terrain, "SELECT id FROM contacts_clients WHERE restreint = :yes", yes=True) == {4}
    assert ids(terrain, "SELECT id FROM contacts_clients WHERE id = 4 AND courriel = 'd@x.fr'") == {4}


def test_an_account_no_intervention_covers_is_not_kept_by_the_activity(terrain):
    url = terrain.url.render_as_string(hide_password=False)
    plan = plan_retention(terrain_policy(url), as_of=AS_OF)
    # Account 2 has no contact with an intervention: nothing keeps it. Account 1: Élodie's intervention is open.
    expected = ids(
        terrain,
        "SELECT a.id FROM comptes a WHERE NOT EXISTS (SELECT 1 FROM contacts_clients c JOIN interventions i "
        "ON i.contact_id = c.id WHERE c.compte_id = a.id AND (i.cloturee_le IS NULL OR i.cloturee_le > :cut))",
        cut=d("2025-06-15"),
    )
    assert expected == {2}
    assert plan.dataset("terrain.comptes").figures.delete == len(expected)
    run_retention(terrain_policy(url), as_of=AS_OF)
    assert ids(terrain, "SELECT id FROM comptes") == {1}


def test_the_plan_lists_the_rows_that_can_never_become_due_and_why(terrain):
    url = terrain.url.render_as_string(hide_password=False)
    plan = plan_retention(terrain_policy(url), as_of=AS_OF)
    never = plan.dataset("terrain.contacts_clients").never_due()
    undated = ids(terrain, "SELECT id FROM contacts_clients WHERE dernier_contact_le IS NULL AND inscrit_le IS NULL")
    open_interventions = ids(
        terrain, "SELECT DISTINCT contact_id FROM interventions WHERE cloturee_le IS NULL"
    )  # still open: kept until they close
    assert [(found.code, found.rows) for found in never] == [
        ("undated", len(undated)),
        ("undated", len(open_interventions)),
    ]
    assert "undated: release" in never[0].reason and "prospection" in never[0].reason
    assert "never due: 1 row: no date to count from for prospection" in plan.to_text()
    assert plan.to_dict()["systems"][0]["datasets"][1]["never_due"][0]["rows"] == 1


def test_rows_without_a_date_go_when_the_rule_says_undated_release(terrain):
    url = terrain.url.render_as_string(hide_password=False)
    policy = terrain_policy(url, prospection={"undated": "release"})
    plan = plan_retention(policy, as_of=AS_OF)
    assert [found.reason.split(" (")[0] for found in plan.dataset("terrain.contacts_clients").never_due()] == [
        "no date to count from for interventions"
    ], "prospection's undated rows are no longer kept"
    run_retention(policy, as_of=AS_OF)
    assert not ids(terrain, "SELECT id FROM contacts_clients WHERE id = 3")


def test_six_months_from_the_31st_of_august_run_out_on_the_28th_of_february_like_from_the_30th(terrain):
    url = terrain.url.render_as_string(hide_password=False)
    policy = terrain_policy(url)
    assert run_retention(policy, as_of=d("2027-02-14")).dataset("terrain.abonnements").deleted == 0
    assert run_retention(policy, as_of=d("2027-02-15")).dataset("terrain.abonnements").deleted == 1
    assert ids(terrain, "SELECT id FROM abonnements") == {1, 2, 4}, "the 15th runs out on the 15th"
    assert run_retention(policy, as_of=d("2027-02-27")).dataset("terrain.abonnements").deleted == 0
    assert plan_retention(policy, as_of=d("2027-02-27")).dataset("terrain.abonnements").next_due_date == d("2027-02-28")
    assert run_retention(policy, as_of=d("2027-02-28")).dataset("terrain.abonnements").deleted == 2
    assert ids(terrain, "SELECT id FROM abonnements") == {4}


def test_a_legal_hold_keeps_a_row_through_its_whole_anniversary_day(terrain):
    url = terrain.url.render_as_string(hide_password=False)
    policy = terrain_policy(url)
    # Plain SQL: the 1-year hold on 2026-06-15 keeps logs of 2025-06-15 (any time), not those of the day before.
    held = ids(terrain, "SELECT id FROM journaux WHERE connecte_le >= :first", first=dt.datetime(2025, 6, 15))
    assert held == {1}
    plan = plan_retention(policy, as_of=AS_OF)
    assert plan.dataset("terrain.journaux").figures.held_legal == 1
    assert plan.dataset("terrain.journaux").next_due_date == d("2026-06-16")
    run_retention(policy, as_of=AS_OF)
    assert ids(terrain, "SELECT id FROM journaux") == held
    run_retention(policy, as_of=d("2026-06-16"))
    assert ids(terrain, "SELECT id FROM journaux") == set()


def test_an_accounting_hold_counts_from_the_close_of_the_financial_year(terrain):
    url = terrain.url.render_as_string(hide_password=False)
    policy = terrain_policy(url)
    assert run_retention(policy, as_of=d("2026-03-31")).dataset("terrain.factures").deleted == 0
    assert run_retention(policy, as_of=d("2026-04-01")).dataset("terrain.factures").deleted == 1
    assert ids(terrain, "SELECT id FROM factures") == {2}
    assert run_retention(policy, as_of=d("2027-03-31")).dataset("terrain.factures").deleted == 0
    assert run_retention(policy, as_of=d("2027-04-01")).dataset("terrain.factures").deleted == 1


@pytest.mark.parametrize(
    ("start", "runs_out"),
    [("2026-08-31", "2027-02-28"), ("2026-08-30", "2027-02-28"), ("2026-08-15", "2027-02-15"),
     ("2027-08-31", "2028-02-29"), ("2026-01-31", "2026-07-31")],
)  # fmt: skip
def test_a_period_runs_out_on_its_anniversary_clamped_to_the_end_of_a_shorter_month(start, runs_out):
    six_months = Duration.parse("P6M")
    assert six_months.add_to(d(start)) == d(runs_out)
    assert six_months.last_start_run_out(d(runs_out)) >= d(start)
    assert six_months.last_start_run_out(d(runs_out) - dt.timedelta(days=1)) < d(start)
    assert six_months.first_start_running(d(runs_out)) <= d(start), "a hold still runs on that day"
    assert six_months.first_start_running(d(runs_out) + dt.timedelta(days=1)) > d(start)


def test_fallback_dates_must_be_in_the_anchor_s_dataset(sqlite_url):
    policy = terrain_policy(sqlite_url, prospection={"from": ["terrain.contacts_clients.dernier_contact_le",
                                                               "terrain.interventions.cloturee_le"]})  # fmt: skip
    (prospection,) = [rule for rule in _rules(policy) if rule.activity == "prospection"]
    assert not prospection.executable and "fallback" in (prospection.waits or "")


def _rules(policy: Policy) -> list[Any]:
    from registre.core.retention import retention_rules

    return retention_rules(policy, "terrain", "contacts_clients")
