"""Rows a running contract needs are kept under the contract until it ends, and the plan says so.

An adversarial schema of a French subscription service: `abonnes` (subscribers, used by two activities),
`contrats` (their contracts, with an end date that is empty while no end is agreed) and `tickets`. The
activity on contract declares `contract_end: svc.contrats.date_fin`. Expected rows are computed by plain SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
import yaml

from registre.core.documents.letters.outcomes import kept_sentences
from registre.core.engine import Subject, execute_erasure, plan_request
from registre.core.policy import Policy
from registre.core.policy.checks import check_policy

TODAY = dt.date(2026, 6, 15)
KEY = "cle-contrats"

METADATA = sa.MetaData()
ABONNES = sa.Table(
    "abonnes",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("email", sa.String(254), nullable=False, unique=True),
    sa.Column("nom", sa.String(100), nullable=False),
    sa.Column("restreint", sa.Boolean, nullable=False, server_default=sa.false()),
)
CONTRATS = sa.Table(
    "contrats",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("abonne_id", sa.Integer, sa.ForeignKey("abonnes.id"), nullable=False, index=True),
    sa.Column("date_fin", sa.Date),
    sa.Column("iban", sa.String(34)),
    sa.Column("restreint", sa.Boolean, nullable=False, server_default=sa.false()),
)
TICKETS = sa.Table(
    "tickets",
    METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("abonne_id", sa.Integer, sa.ForeignKey("abonnes.id"), nullable=False, index=True),
    sa.Column("texte", sa.Text),
)

ROWS: dict[str, list[dict[str, Any]]] = {
    "abonnes": [
        {"id": 1, "email": "ana@exemple.fr", "nom": "Ana Lopes"},  # a contract with no end yet, one ended
        {"id": 2, "email": "bruno@exemple.fr", "nom": "Bruno Diaz"},  # ends next year
        {"id": 3, "email": "chloe@exemple.fr", "nom": "Chloé Roy"},  # ends today (still running), and yesterday
        {"id": 4, "email": "denis@exemple.fr", "nom": "Denis Faure"},  # long ended
    ],
    "contrats": [
        {"id": 10, "abonne_id": 1, "date_fin": None, "iban": "FR7610000000000000000000001"},
        {"id": 11, "abonne_id": 1, "date_fin": dt.date(2020, 1, 31), "iban": "FR7610000000000000000000002"},
        {"id": 20, "abonne_id": 2, "date_fin": dt.date(2027, 6, 30), "iban": "FR7610000000000000000000003"},
        {"id": 30, "abonne_id": 3, "date_fin": TODAY, "iban": "FR7610000000000000000000004"},
        {"id": 31, "abonne_id": 3, "date_fin": TODAY - dt.timedelta(days=1), "iban": "FR7610000000000000000000005"},
        {"id": 40, "abonne_id": 4, "date_fin": dt.date(2019, 5, 1), "iban": "FR7610000000000000000000006"},
    ],
    "tickets": [
        {"id": 100, "abonne_id": 1, "texte": "Box en panne"},
        {"id": 101, "abonne_id": 4, "texte": "Résiliation"},
    ],
}


def contracts_policy(url: str, basis: str = "contract") -> Policy:
    return Policy.model_validate(contracts_declaration(url, basis))


def contracts_declaration(url: str, basis: str) -> dict[str, Any]:
    return {
        "registre": 1,
        "organisation": {"name": "Abonnements SAS", "contacts": {"requests": {"email": "rgpd@abo.example"}}},
        "systems": {
            "svc": {
                "url": url,
                "location": "FR",
                "datasets": {
                    "abonnes": {
                        "subject": "customers",
                        "identity": {"email": "email"},
                        "restrict": "restreint",
                        "fields": {
                            # UNIQUE: a pseudonym per person, never one constant for all.
                            "email": {
                                "category": "contact.email",
                                "required": True,
                                "type": "email",
                                "anonymize": "hash",
                            },
                            "nom": {"category": "identification.name", "required": True},
                            "restreint": {"type": "boolean"},
                        },
                        "erase": "delete",
                    },
                    "contrats": {
                        "references": {"abonne_id": "abonnes.id"},
                        "restrict": "restreint",
                        "fields": {
                            "abonne_id": {},
                            "date_fin": {"type": "date"},
                            "iban": {"category": "economic.bank_account"},
                            "restreint": {"type": "boolean"},
                        },
                        "erase": "anonymize",
                    },
                    "tickets": {
                        "references": {"abonne_id": "abonnes.id"},
                        "fields": {"abonne_id": {}, "texte": {"category": "relationship.intervention_report"}},
                        "erase": "delete",
                    },
                },
            }
        },
        "activities": {
            "abonnement": {
                "name": "Abonnement",
                "purpose": "Exécution du contrat",
                "legal_basis": basis,
                "datasets": ["svc.abonnes", "svc.contrats"],
                "contract_end": "svc.contrats.date_fin",
                "retention": {"keep": "P5Y", "from": "svc.contrats.date_fin"},
            },
            "support": {
                "name": "Support",
                "purpose": "Assistance",
                "legal_basis": "legitimate_interest",
                "legitimate_interest": "Répondre aux demandes",
                "datasets": ["svc.abonnes", "svc.tickets"],
            },
        },
    }


@pytest.fixture
def contracts(database_url):
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        METADATA.drop_all(connection)
        METADATA.create_all(connection)
        for table in METADATA.sorted_tables:
            connection.execute(table.insert(), ROWS[table.name])
    yield engine, contracts_policy(database_url)
    with engine.begin() as connection:
        METADATA.drop_all(connection)
    engine.dispose()


def query(engine: sa.Engine, sql: str, **parameters: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(sa.text(sql), parameters).mappings()]


RUNNING = "SELECT * FROM contrats WHERE abonne_id = :person AND (date_fin IS NULL OR date_fin >= :today) ORDER BY id"


def keep_decisions(plan):
    (dataset,) = [d for d in plan.datasets if d.dataset == "contrats"]
    return [d for d in dataset.decisions if d.kind == "keep"]


@pytest.mark.parametrize(("person", "email"), [(1, "ana@exemple.fr"), (2, "bruno@exemple.fr"), (3, "chloe@exemple.fr")])
def test_an_erasure_keeps_the_rows_of_a_running_contract_and_erases_the_ended_ones(contracts, person, email):
    engine, policy = contracts
    running = query(engine, RUNNING, person=person, today=TODAY)
    every = {row["id"] for row in query(engine, "SELECT id FROM contrats WHERE abonne_id = :person", person=person)}
    ended = every - {row["id"] for row in running}
    assert running, "every person here has a contract still running"
    result = execute_erasure(policy, Subject.of(f"email={email}"), today=TODAY, key=KEY)
    assert result.ok, result.to_dict()
    # The running contract's rows are as they were: not anonymised, and not restricted (the contract uses them).
    assert query(engine, RUNNING, person=person, today=TODAY) == running
    after = {row["id"]: row for row in query(engine, "SELECT * FROM contrats WHERE abonne_id = :person", person=person)}
    assert all(after[key]["iban"] is None for key in ended)
    # The subscriber's row stays, anonymised: the kept contract still references it.
    (subscriber,) = query(engine, "SELECT email, nom FROM abonnes WHERE id = :person", person=person)
    assert subscriber["email"] != email and subscriber["nom"] == "[redacted]"
    (contrats,) = [d for d in result.datasets if d.dataset == "contrats"]
    assert contrats.kept == len(running) and contrats.restricted == 0
    assert contrats.holds[0].rule.running


def test_the_plan_says_until_when_the_contract_keeps_the_rows_in_french_and_english(contracts):
    _engine, policy = contracts
    (bruno,) = keep_decisions(plan_request(policy, "erase", Subject.of("email=bruno@exemple.fr"), today=TODAY))
    assert (bruno.code, bruno.rows, bruno.until) == ("keep.contract", 1, dt.date(2027, 6, 30))
    assert bruno.explain("en") == "kept under the running contract until 30 June 2027"
    assert bruno.explain("fr") == "conservées au titre du contrat en cours jusqu’au 30 juin 2027"
    assert "running contract of abonnement (date_fin), until 2027-06-30" in bruno.reason
    (ana,) = keep_decisions(plan_request(policy, "erase", Subject.of("email=ana@exemple.fr"), today=TODAY))
    assert (ana.rows, ana.until) == (1, None), "no end agreed yet: kept until it ends"
    assert ana.explain("fr") == "conservées au titre du contrat en cours jusqu’à sa fin"
    assert ana.explain("en") == "kept under the running contract until it ends"


def test_a_contract_that_has_ended_keeps_nothing(contracts):
    engine, policy = contracts
    plan = plan_request(policy, "erase", Subject.of("email=denis@exemple.fr"), today=TODAY)
    assert keep_decisions(plan) == []
    result = execute_erasure(policy, Subject.of("email=denis@exemple.fr"), today=TODAY, key=KEY)
    assert result.kept == 0
    assert query(engine, "SELECT iban FROM contrats WHERE abonne_id = 4") == [{"iban": None}]
    assert query(engine, "SELECT id FROM tickets WHERE abonne_id = 4") == []
    assert query(engine, "SELECT email FROM abonnes WHERE id = 4")[0]["email"] != "denis@exemple.fr"


def test_contract_end_is_checked(sqlite_url, tmp_path):
    def messages(basis: str) -> list[str]:
        path = tmp_path / "registre.yaml"
        path.write_text(yaml.safe_dump(contracts_declaration(sqlite_url, basis), allow_unicode=True))
        return [d.message for d in check_policy(path, {}).diagnostics if "contract_end" in d.message]

    assert messages("contract") == []
    assert messages("legitimate_interest") == ["contract_end of 'abonnement' needs legal_basis: contract"]


def test_the_answer_letter_says_the_contract_keeps_the_rows(contracts):
    _engine, policy = contracts
    result = execute_erasure(policy, Subject.of("email=bruno@exemple.fr"), today=TODAY, key=KEY)
    assert kept_sentences(result, policy, "fr") == (
        "Nous conservons vos données de l’ensemble «\u00a0contrats\u00a0» jusqu’au 30 juin 2027, fin de votre contrat, "
        "qui en a encore besoin.",
    )
    result = execute_erasure(policy, Subject.of("email=ana@exemple.fr"), today=TODAY, key=KEY)
    assert result.ok, result.to_dict()
    assert kept_sentences(result, policy, "en") == (
        "We keep your data in “contrats” for as long as your contract runs: it still needs them.",
    )
