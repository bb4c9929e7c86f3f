"""Batches search free text too: one statement per field finds which rows name which subject.

On the adversarial schema of `chantiers` (reports naming people in capitals, with national phone formats),
a batch's access lists each subject's hits, and a batch erasure redacts exactly what one-subject erasures
redact. Expected rows come from plain SQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from tests.core.engine.chantiers import KEY, TABLES, TODAY, Chantiers

from registre.core.engine import Subject, execute_access_batch, execute_erasure, plan_request
from registre.core.policy import Policy

PAUL = Subject.of("email=paul.martin@exemple.fr", "phone=+33612345678", "name=Paul Martin", reference="paul")
LEA = Subject.of("email=lea.petit@autre.fr", "phone=0711223344", "name=Léa Petit", reference="lea")
REPORTS = [
    {"id": 53, "contact_id": 11, "technicien_id": 40, "compte_rendu": "Rappeler Léa Petit au 07 11 22 33 44"},
    {"id": 54, "contact_id": 11, "technicien_id": 40, "compte_rendu": "Réunion avec paul martin et Léa Petit"},
    {"id": 55, "contact_id": 11, "technicien_id": 40, "compte_rendu": "Personne d'autre: Paul Martinez"},
]


def schema(url: str) -> Chantiers:
    found = Chantiers(url)
    found.policy = hashed_emails(found.policy)
    with found.engine.begin() as connection:
        rows = [{**row, "terminee_le": dt.date(2025, 1, 1)} for row in REPORTS]
        connection.execute(TABLES["interventions"].insert(), rows)
    return found


def hashed_emails(policy: Policy) -> Policy:
    """Contacts' UNIQUE e-mails pseudonymised per person: Paul and Léa are both kept (held invoices name them)."""
    system = policy.systems["gestion"]
    contacts = system.datasets["contacts"]
    email = contacts.fields["email"].model_copy(update={"anonymize": "hash"})
    contacts = contacts.model_copy(update={"fields": {**contacts.fields, "email": email}})
    system = system.model_copy(update={"datasets": {**system.datasets, "contacts": contacts}})
    return policy.model_copy(update={"systems": {"gestion": system}})


@pytest.fixture
def chantiers(database_url):
    found = schema(database_url)
    yield found
    found.dispose()


def naming(chantiers: Chantiers, name: str, phone: str) -> set[int]:
    """The reports naming a person by full name (any case) or by phone as written, in plain SQL.

    `Paul Martinez` contains `Paul Martin`: a plain text search finds it, as the engine does.
    """
    sql = "SELECT id FROM interventions WHERE lower(compte_rendu) LIKE :name OR compte_rendu LIKE :phone"
    return chantiers.ids(sql, name=f"%{name.lower()}%", phone=f"%{phone}%")


def test_a_batch_access_lists_the_free_text_naming_each_subject(chantiers):
    results = execute_access_batch(chantiers.policy, [PAUL, LEA], today=TODAY)
    for subject, name, phone in ((PAUL, "Paul Martin", "06 12 34 56 78"), (LEA, "Léa Petit", "07 11 22 33 44")):
        result = results[subject.reference]
        assert result.ok, result.errors
        (texts,) = [m for m in result.mentions if m.column == "compte_rendu"]
        assert {row["id"] for row in texts.rows} == naming(chantiers, name, phone)
        assert all(set(row) == {"id", "compte_rendu"} for row in texts.rows), "only the key and the text"


def test_a_batch_erasure_redacts_what_one_subject_erasures_redact(database_url):
    one_by_one = schema(database_url)
    try:
        expected_rows = naming(one_by_one, "Paul Martin", "06 12 34 56 78") | naming(
            one_by_one, "Léa Petit", "07 11 22 33 44"
        )
        for subject in (PAUL, LEA):
            assert execute_erasure(one_by_one.policy, subject, today=TODAY, key=KEY).ok
        expected = one_by_one.snapshot()
    finally:
        one_by_one.dispose()
    batch = schema(database_url)
    try:
        plan = plan_request(batch.policy, "erase", [PAUL, LEA], today=TODAY, key=KEY)
        (reports,) = [d for d in plan.datasets if d.dataset == "interventions"]
        redact = [d for d in reports.decisions if d.code == "redact.free_text"]
        # Paul's own reports (50, 51) are deleted with him; those of others naming them are redacted.
        assert sum(d.rows for d in redact) == len(expected_rows)
        result = execute_erasure(batch.policy, [PAUL, LEA], today=TODAY, key=KEY)
        assert result.ok, result.to_dict()
        (cut,) = [d.cut for d in result.datasets if d.dataset == "interventions"]
        assert cut == len(expected_rows - {50, 51})
        after = batch.snapshot()
        assert after["interventions"] == expected["interventions"]
        assert "[redacted]" in after["interventions"][54]["compte_rendu"]
        assert after["interventions"][55]["compte_rendu"].endswith("ez"), "Martinez keeps its ending"
    finally:
        batch.dispose()
