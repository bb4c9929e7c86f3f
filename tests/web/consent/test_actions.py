"""Recording in the ledger through `consent/actions.py`, on the demo workspace: what the console and the API call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.test import RequestFactory
from django.utils import timezone
from tests.web.consent.conftest import subscriber, with_sale_or_sharing

from registre.core.consent import ConsentError
from registre.web.audit.actions import verify_chain
from registre.web.audit.models import AuditEntry
from registre.web.consent import actions
from registre.web.consent.models import ConsentEvent
from registre.web.vault.keys import lookup_hash

pytestmark = pytest.mark.django_db


def given(email, purpose="prospecting", actor="system", **options):
    options.setdefault("method", "form")
    return actions.record_consent(actor, email=email, purpose=purpose, state="given", **options)


def test_an_event_keeps_the_wording_shown_in_the_persons_language(workspace):
    event = given("ada@example.org", lang="fr")
    assert (event.wording_version, event.basis, event.state) == ("2026-01", "opt_out", "given")
    assert event.wording_text.startswith("Recevoir la lettre d'information")
    assert event.subject_ref == lookup_hash("email:ada@example.org")


def test_each_event_is_an_audit_entry_without_the_address(workspace):
    event = given("ada@example.org")
    entry = AuditEntry.objects.get(action="consent.given")
    assert entry.subject_ref == event.subject_ref
    assert entry.details["purpose"] == "prospecting" and entry.details["event"] == event.pk
    assert "ada@example.org" not in str(entry.details)
    assert verify_chain() == []


def test_the_address_is_encrypted_in_the_ledger(workspace):
    event = given("ada@example.org")
    with connection.cursor() as cursor:
        cursor.execute("SELECT email FROM consent_consentevent WHERE id = %s", [event.pk])
        stored = cursor.fetchone()[0]
    assert "ada" not in stored


def test_an_unknown_purpose_is_refused_and_nothing_is_recorded(workspace):
    with pytest.raises(ConsentError) as raised:
        given("ada@example.org", purpose="billing")
    assert raised.value.code == "unknown-purpose"
    assert not ConsentEvent.objects.exists() and not AuditEntry.objects.filter(action__startswith="consent").exists()


def test_a_malformed_address_is_refused(workspace):
    with pytest.raises(ConsentError) as raised:
        given("not an address")
    assert raised.value.code == "invalid-email"


def test_staff_need_the_right_to_record(workspace, auditor, agent):
    with pytest.raises(PermissionDenied):
        given("ada@example.org", actor=auditor)
    assert given("ada@example.org", actor=agent).recorded_by_name == "agent"


def test_an_opt_out_is_executed_on_the_target_database_like_an_objection(workspace):
    email = subscriber(workspace)
    rows = workspace.query("SELECT count(*) FROM newsletter WHERE lower(email) = lower(:e)", e=email)[0][0]
    event = actions.record_consent("system", email=email, purpose="prospecting", state="withdrawn", method="api")
    assert workspace.query("SELECT count(*) FROM newsletter WHERE lower(email) = lower(:e)", e=email)[0][0] == 0
    assert event.execution["ok"] is True
    assert [part["datasets"] for part in event.execution["parts"]] == [["crm.newsletter"]]
    assert AuditEntry.objects.get(action="consent.withdrawn").counts["crm.newsletter"] == rows


def test_giving_consent_again_changes_nothing_in_the_target_database(workspace):
    email = subscriber(workspace)
    before = workspace.query("SELECT count(*) FROM newsletter")[0][0]
    event = given(email)
    assert event.execution is None
    assert workspace.query("SELECT count(*) FROM newsletter")[0][0] == before


def test_the_state_of_a_person_is_their_last_event_per_purpose(workspace):
    given("ada@example.org")
    actions.record_consent("system", email="ada@example.org", purpose="call-quality", state="withdrawn", method="form")
    given("ada@example.org", purpose="call-quality")
    actions.record_consent("system", email="ada@example.org", purpose="prospecting", state="withdrawn", method="form")
    last = actions.last_events(lookup_hash("email:ada@example.org"))
    expected = {
        purpose: state
        for purpose, state in ConsentEvent.objects.filter(subject_ref=lookup_hash("email:ada@example.org"))
        .order_by("id")
        .values_list("purpose", "state")
    }
    assert {purpose: event.state for purpose, event in last.items()} == expected
    assert expected == {"prospecting": "withdrawn", "call-quality": "given"}
    standing = {item.purpose: item for item in actions.person_standing("ada@example.org")}
    assert standing["prospecting"].allowed is False and standing["call-quality"].allowed is True


def test_the_state_is_read_in_one_query(workspace, django_assert_num_queries):
    given("ada@example.org")
    given("bob@example.org")
    with django_assert_num_queries(1):
        actions.last_events(lookup_hash("email:ada@example.org"))


def test_a_consent_older_than_the_renewal_period_is_flagged(workspace):
    text = workspace.policy.read_text(encoding="utf-8")
    text = text.replace("    consent:\n", "    consent:\n      renewal: P1Y\n")
    text = text.replace(
        'legal_basis: legitimate_interest\n    legitimate_interest: {fr: "Promouvoir',
        'legal_basis: consent\n    legitimate_interest: {fr: "Promouvoir',
    )
    workspace.policy.write_text(text, encoding="utf-8")
    given("ada@example.org", wording_version="2026-01", at=timezone.now() - dt.timedelta(days=400))
    given("bob@example.org", wording_version="2026-01", at=timezone.now() - dt.timedelta(days=300))
    old, recent = (
        {item.purpose: item for item in actions.person_standing(email)}["prospecting"]
        for email in ("ada@example.org", "bob@example.org")
    )
    assert (old.basis, old.expired, old.allowed) == ("consent", True, False)
    assert (recent.expired, recent.allowed) == (False, True)


def test_the_proof_of_consent_holds_every_event_with_its_wording_and_evidence(workspace, dpo):
    given("ada@example.org", evidence={"ip_hash": "h" * 64})
    actions.record_consent("system", email="ada@example.org", purpose="call-quality", state="withdrawn", method="form")
    given("someone.else@example.org")
    proof = actions.proof_of_consent(dpo, "ada@example.org")
    assert [(e["purpose"], e["state"]) for e in proof["events"]] == [
        ("prospecting", "given"),
        ("call-quality", "withdrawn"),
    ]
    assert proof["events"][0]["wording_text"].startswith("Recevoir") and proof["events"][0]["evidence"]["ip_hash"]
    assert AuditEntry.objects.filter(action="consent.proof_exported").count() == 1


def test_the_proof_needs_the_right_to_export(workspace, agent):
    with pytest.raises(PermissionDenied):
        actions.proof_of_consent(agent, "ada@example.org")


def test_the_suppression_list_holds_the_withdrawals_still_in_force(workspace):
    actions.record_consent("system", email="a@example.org", purpose="call-quality", state="withdrawn", method="form")
    actions.record_consent("system", email="b@example.org", purpose="call-quality", state="withdrawn", method="form")
    given("b@example.org", purpose="call-quality")
    assert [event.email for event in actions.suppressions()] == ["a@example.org"]


def test_the_suppression_list_starts_from_a_date_and_pages_by_id(workspace):
    old = timezone.now() - dt.timedelta(days=10)
    actions.record_consent(
        "system", email="a@example.org", purpose="call-quality", state="withdrawn", method="form", at=old
    )
    for name in ("b", "c", "d"):
        actions.record_consent(
            "system", email=f"{name}@example.org", purpose="call-quality", state="withdrawn", method="form"
        )
    since = timezone.now() - dt.timedelta(days=1)
    first = list(actions.suppressions(since, limit=2))
    rest = list(actions.suppressions(since, after=first[-1].pk, limit=2))
    assert [e.email for e in first + rest] == ["b@example.org", "c@example.org", "d@example.org"]


def test_a_gpc_request_objects_once_to_the_sale_or_sharing_purposes(workspace):
    with_sale_or_sharing(workspace)
    request = RequestFactory().post("/privacy/request/access/", headers={"Sec-GPC": "1"})
    assert [event.method for event in actions.record_gpc(request, "ada@example.org")] == ["gpc"]
    assert actions.record_gpc(request, "ada@example.org") == []


def test_without_the_signal_or_a_declared_sale_nothing_is_recorded(workspace):
    signalled = RequestFactory().post("/privacy/", headers={"Sec-GPC": "1"})
    assert actions.record_gpc(signalled, "ada@example.org") == []
    with_sale_or_sharing(workspace)
    assert actions.record_gpc(RequestFactory().post("/privacy/"), "ada@example.org") == []


def test_a_cookie_consent_enters_the_ledger_and_is_asked_again_after_six_months(workspace):
    seven_months = timezone.now() - dt.timedelta(days=213)
    event = given("ada@example.org", purpose="cookies:www", at=seven_months)
    assert (event.basis, event.wording_version) == ("consent", "2026-01")
    assert event.wording_text.startswith("Nous utilisons un cookie de mesure d'audience")
    given("bob@example.org", purpose="cookies:www")
    old, fresh = (
        {s.purpose: s for s in actions.person_standing(email)}["cookies:www"]
        for email in ("ada@example.org", "bob@example.org")
    )
    assert (old.expired, old.allowed) == (True, False)
    assert (fresh.expired, fresh.allowed) == (False, True)


def test_nothing_is_executed_when_a_cookie_consent_is_withdrawn(workspace):
    before = workspace.query("SELECT count(*) FROM newsletter")[0][0]
    event = actions.record_consent(
        "system", email="ada@example.org", purpose="cookies:www", state="withdrawn", method="form"
    )
    assert event.execution is None
    assert workspace.query("SELECT count(*) FROM newsletter")[0][0] == before


@pytest.mark.postgresql
@pytest.mark.django_db(databases=["default", "postgresql"])
def test_on_postgresql_the_state_is_a_prepared_statement_and_equals_plain_sql(workspace):
    saved = connections["default"]
    connections["default"] = connections["postgresql"]
    try:
        given("ada@example.org")
        actions.record_consent(
            "system", email="ada@example.org", purpose="prospecting", state="withdrawn", method="form"
        )
        given("ada@example.org", purpose="call-quality")
        given("bob@example.org", purpose="prospecting")
        ref = lookup_hash("email:ada@example.org")
        last = actions.last_events(ref)
        with connections["postgresql"].cursor() as cursor:
            cursor.execute(
                "SELECT e.purpose, e.id, e.state FROM consent_consentevent e WHERE e.subject_ref = %s AND NOT EXISTS "
                "(SELECT 1 FROM consent_consentevent l WHERE l.subject_ref = e.subject_ref "
                "AND l.purpose = e.purpose AND l.id > e.id)",
                [ref],
            )
            expected = {purpose: (pk, state) for purpose, pk, state in cursor.fetchall()}
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [statement for (statement,) in cursor.fetchall()]
        assert {purpose: (event.id, event.state) for purpose, event in last.items()} == expected
        assert expected.keys() == {"prospecting", "call-quality"} and expected["prospecting"][1] == "withdrawn"
        assert all(event.at.tzinfo is not None for event in last.values())
        assert any("DISTINCT ON" in statement for statement in prepared)
    finally:
        connections["default"] = saved
