"""Case holds are an input of the core's erasure: plans and execution leave a held person's rows as they are.

The same rule for an erasure request and for the erase part of an objection or of a withdrawal of
consent (Art. 17(3)(e)): the console, the API and the command line all go through these calls.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tests.core.engine.chantiers import KEY, TABLES, TODAY, Chantiers

from registre.core.engine import Subject, execute_erasure, plan_request
from registre.core.engine.case_holds import covering_hold, separate_held
from registre.core.engine.objections import consent_activities, objection_parts
from registre.core.engine.reasons import render_reason
from registre.core.policy import Policy
from registre.core.retention import CaseHold

MARC = "email=marc.tech@chantiers.example"
NINA = "email=nina.tech@chantiers.example"


@pytest.fixture
def chantiers(database_url):
    found = Chantiers(database_url)
    with found.engine.begin() as connection:
        nina = {"id": 41, "email": "Nina.Tech@Chantiers.example", "nom": "Nina"}
        connection.execute(TABLES["techniciens"].insert(), nina)
    yield found
    found.dispose()


def on_consent(policy: Policy) -> Policy:
    """The technicians' activity, on consent instead of contract: a withdrawal of consent concerns it."""
    equipes = policy.activities["equipes"].model_copy(update={"legal_basis": "consent"})
    return policy.model_copy(update={"activities": {**policy.activities, "equipes": equipes}})


def on_legitimate_interest(policy: Policy) -> Policy:
    equipes = policy.activities["equipes"].model_copy(update={"legal_basis": "legitimate_interest"})
    return policy.model_copy(update={"activities": {**policy.activities, "equipes": equipes}})


def technicians(chantiers: Chantiers) -> dict[int, dict]:
    return {row["id"]: row for row in chantiers.query("SELECT id, email, nom FROM techniciens ORDER BY id")}


@pytest.mark.parametrize("kind", ["objection", "withdrawal"])
def test_a_held_subjects_objection_or_withdrawal_erase_part_leaves_the_held_rows(chantiers, kind):
    policy = on_consent(chantiers.policy) if kind == "withdrawal" else on_legitimate_interest(chantiers.policy)
    activities = consent_activities(policy) if kind == "withdrawal" else ["equipes"]
    (part,) = objection_parts(policy, activities)
    assert (part.action, part.datasets) == ("erase", ("gestion.techniciens",))
    # The hold names Marc as staff typed it: capitals and spaces; the request gives the normal form.
    holds = [CaseHold(Subject.of("email= Marc.TECH@chantiers.example "), reference="RG-2026-7", key=7)]
    before = chantiers.snapshot()
    held_row = chantiers.query("SELECT * FROM techniciens WHERE lower(trim(email)) = 'marc.tech@chantiers.example'")

    plan = plan_request(part.policy, "erase", Subject.of(MARC), today=TODAY, key=KEY, case_holds=holds)
    (dataset,) = plan.datasets
    assert [(d.kind, d.rows, d.code) for d in dataset.decisions] == [("keep", 1, "keep.case_hold")]
    assert dataset.sql == () and [held.subject for held in plan.held] == [plan.subjects[0]]

    result = execute_erasure(part.policy, Subject.of(MARC), today=TODAY, key=KEY, case_holds=holds)
    assert result.ok and result.systems == () and result.erased == 0
    assert [(held.hold.reference, held.hold.key) for held in result.held] == [("RG-2026-7", 7)]
    assert chantiers.snapshot() == before, "nothing changed for a held person"
    assert chantiers.query("SELECT * FROM techniciens WHERE id = 40") == held_row

    # Another technician's objection, under the same holds, is erased as usual.
    nina_before = chantiers.query("SELECT nom FROM techniciens WHERE id = 41")
    result = execute_erasure(part.policy, Subject.of(NINA), today=TODAY, key=KEY, case_holds=holds)
    assert result.ok and result.held == () and result.erased == 1
    assert nina_before == [{"nom": "Nina"}]
    assert chantiers.query("SELECT nom FROM techniciens WHERE id = 41") == [{"nom": "ANONYME"}]
    assert chantiers.query("SELECT * FROM techniciens WHERE id = 40") == held_row


def test_a_batch_erasure_leaves_out_the_held_subject_and_erases_the_others(chantiers):
    # Paul is held by his phone as he wrote it; the batch asks for him by e-mail, and for Julie.
    holds = [CaseHold(Subject.of("phone=06 12 34 56 78"), reference="RG-1", key=1)]
    paul = Subject.of("email=paul.martin@exemple.fr", "phone=+33612345678", reference="paul")
    julie = Subject.of("email=julie.roux@exemple.fr", reference="julie")
    owned_by_paul = {
        "contacts": "SELECT * FROM contacts WHERE id = 10",
        "interventions": "SELECT * FROM interventions WHERE contact_id = 10 ORDER BY id",
        "devis": "SELECT * FROM devis WHERE contact_id = 10 ORDER BY id",
        "factures": "SELECT * FROM factures WHERE contact_id = 10 ORDER BY id",
    }
    paul_before = {name: chantiers.query(sql) for name, sql in owned_by_paul.items()}
    contacts_left = chantiers.ids("SELECT id FROM contacts WHERE lower(trim(email)) <> 'julie.roux@exemple.fr'")
    julie_interventions = chantiers.ids("SELECT id FROM interventions WHERE contact_id = 11")
    assert julie_interventions

    plan = plan_request(chantiers.policy, "erase", [paul, julie], today=TODAY, key=KEY, case_holds=holds)
    assert plan.subjects == ("julie",) and [held.subject for held in plan.held] == ["paul"]
    assert "held: paul: case hold RG-1" in plan.to_text()

    result = execute_erasure(chantiers.policy, [paul, julie], today=TODAY, key=KEY, case_holds=holds)
    assert result.ok, result.to_dict()
    assert result.subjects == ("paul", "julie") and result.to_dict()["held"] == [
        {"subject": "paul", "hold": "RG-1", "key": 1}
    ]
    assert {name: chantiers.query(sql) for name, sql in owned_by_paul.items()} == paul_before
    assert chantiers.ids("SELECT id FROM contacts") == contacts_left
    assert not chantiers.ids("SELECT id FROM interventions") & julie_interventions


def test_a_tenant_hold_covers_the_tenants_requests_only():
    hold = CaseHold(tenant="acme", reference="RG-3")
    subject = Subject.of("email=a@example.org")
    assert covering_hold([hold], [subject], "acme") is hold
    assert covering_hold([hold], [subject], None) is None


def test_a_hold_matches_identities_in_their_normal_form(sqlite_url):
    policy = Chantiers(sqlite_url).policy
    holds = [CaseHold(Subject.of("phone=+33 6 12 34 56 78"), reference="RG-4")]
    free, held = separate_held(policy, [Subject.of("phone=06.12.34.56.78"), Subject.of("phone=0698765432")], holds)
    assert [h.hold.reference for h in held] == ["RG-4"] and len(free) == 1


def test_the_case_hold_reason_reads_in_french_and_english():
    assert render_reason("keep.case_hold", {"hold": "RG-1"}, "en") == "kept: case hold RG-1 (Art. 17(3)(e))"
    french = render_reason("keep.case_hold", {"hold": "RG-1"}, "fr")
    assert french.startswith("conservées\u00a0: gel RG-1")


def test_holds_change_nothing_for_a_request_no_hold_covers(sqlite_url):
    chantiers = Chantiers(sqlite_url)
    try:
        holds = [CaseHold(Subject.of("email=someone@else.example"), reference="RG-5")]
        plan = plan_request(chantiers.policy, "erase", Subject.of(MARC), today=TODAY, key=KEY, case_holds=holds)
        plain = plan_request(chantiers.policy, "erase", Subject.of(MARC), today=TODAY, key=KEY)
        assert plan.held == () and plan.to_dict() == plain.to_dict()
        with chantiers.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM techniciens")).scalar() == 1
    finally:
        chantiers.dispose()
