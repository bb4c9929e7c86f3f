"""The life of a request through `actions.py`, on the demo databases: what the REST API will call too."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from unittest.mock import ANY

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from registre.core.deadlines import days_deadline, response_deadline
from registre.core.engine import Identity
from registre.web.accounts.models import StaffScope
from registre.web.audit.actions import verify_chain
from registre.web.audit.models import AuditEntry
from registre.web.requests import actions
from registre.web.requests.exports import find_export
from registre.web.requests.models import DataRequest, Transition
from registre.web.requests.storage import export_path
from registre.web.requests.tasks import perform_execution
from registre.web.requests.workflow import State, TransitionError
from registre.web.retention import actions as retention
from registre.web.vault.keys import lookup_hash

pytestmark = pytest.mark.django_db


def new_request(workspace, kind="access", sample=1, **options):
    email = options.pop("email", None) or workspace.sample(sample)["email"]
    options.setdefault("actor", "system")
    return actions.create_request(kind=kind, channel="email", email=email, **options)


def verified(workspace, kind="access", sample=1, **options):
    request = new_request(workspace, kind, sample, **options)
    actions.verify_identity(request, "system", method="manual")
    request.refresh_from_db()
    return request


def run(request):
    """What the worker does with the job that `execute_request` enqueued."""
    perform_execution(request.pk)
    request.refresh_from_db()
    return request


# --- Receiving -----------------------------------------------------------------------------------------------


def test_a_new_request_gets_a_reference_of_the_year_and_the_deadline_of_article_12(workspace):
    first, second = new_request(workspace), new_request(workspace, sample=2)
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"R-{year}-0001", f"R-{year}-0002")
    assert first.state == State.RECEIVED
    assert first.due_on == min(
        response_deadline(timezone.localdate(), country="FR"), days_deadline(timezone.localdate(), 30, country="FR")
    )


def test_the_notices_promise_of_30_days_is_tracked_when_earlier_than_the_month(workspace, dpo, client_for):
    received = timezone.make_aware(dt.datetime(2027, 3, 15, 10))
    request = new_request(workspace, received_at=received)
    assert request.due_on == dt.date(2027, 4, 14)  # the law would give 15 April
    client = client_for(dpo)
    page = client.get(reverse("requests:detail", args=[request.reference]), headers={"accept-language": "fr"})
    text = page.content.decode()
    assert "14 avril 2027" in text and "plus courte que le délai légal (15 avril 2027)" in text


def test_the_portal_says_the_notices_promise(workspace):
    from django.test import Client

    page = Client().get(reverse("portal:home"), headers={"accept-language": "fr"}).content.decode()
    assert "sous 30 jours" in page and "dans un délai d’un mois" not in page


def test_a_request_received_earlier_counts_from_its_day_of_receipt(workspace):
    # Received Friday 31 October 2025: one month ends on Sunday 30 November, so Monday 1 December.
    received = timezone.make_aware(dt.datetime(2025, 10, 31, 12))
    request = new_request(workspace, received_at=received)
    assert request.due_on == dt.date(2025, 12, 1)
    assert request.reference.startswith("R-2025-")


def test_the_requester_email_is_not_in_the_database_in_clear(workspace):
    email = workspace.sample(1)["email"]
    request = new_request(workspace, name="Marie Curie", identities={"phone": "+33 6 12 34 56 78"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM requests_datarequest WHERE id = %s", [request.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert email not in row and email.split("@")[0] not in row
    assert "Marie Curie" not in row and "12 34 56 78" not in row
    assert request.email_hash == lookup_hash(email)
    assert DataRequest.objects.get(email_hash=lookup_hash(email.upper())).requester_email == email


def test_unknown_identity_types_and_invalid_rectifications_are_refused(workspace):
    with pytest.raises(ValueError, match="unknown identity type"):
        new_request(workspace, identities={"passport": "X1"})
    with pytest.raises(ValueError, match="not a declared personal field"):
        new_request(workspace, kind="rectification", details={"changes": {"colour": "blue"}})
    with pytest.raises(ValueError, match=r"[Dd]irective"):
        new_request(workspace, kind="post_mortem")


def test_every_step_is_a_transition_and_an_audit_entry_without_the_identity(workspace):
    email = workspace.sample(1)["email"]
    request = verified(workspace)
    steps = list(request.transitions.values_list("event", "from_state", "to_state"))
    assert steps[:2] == [("state", "", "received"), ("state", "received", "review")]
    assert ("planned", "review", "review") in steps
    entries = AuditEntry.objects.filter(request_id=request.reference)
    assert {e.action for e in entries} >= {"request.created", "request.verified", "request.planned"}
    assert {e.subject_ref for e in entries} == {lookup_hash(f"email:{email}")}
    dumped = json.dumps([[e.details, e.counts] for e in entries])
    assert email not in dumped
    assert verify_chain() == []


# --- Access ------------------------------------------------------------------------------------------------


def test_an_access_is_planned_executed_exported_and_answered(workspace):
    request = verified(workspace)
    assert request.state == State.REVIEW
    contacts = next(
        d for s in request.plan["parts"][0]["plan"]["systems"] for d in s["datasets"] if d["dataset"] == "contacts"
    )
    assert contacts["rows"] == 1 and contacts["decisions"][0]["kind"] == "export"
    assert set(request.activity_rows.values_list("activity", flat=True)) >= {"contract-management"}
    job_id = actions.execute_request(request, "system")
    request.refresh_from_db()
    assert request.state == State.EXECUTING and request.job_id == job_id
    run(request)
    assert request.state == State.COMPLETED and request.completed_at
    assert request.result["parts"][0]["datasets"]["crm.contacts"] == 1
    export = request.exports.get()
    assert export.available and export.expires_at > timezone.now() + dt.timedelta(days=13)
    letter = mail.outbox[-1]
    assert letter.to == [workspace.sample(1)["email"]]
    assert "/privacy/download/" in letter.body
    assert request.letters.get().kind == "access"


def test_the_bundle_is_encrypted_at_rest_and_opens_as_a_zip_of_the_data(workspace):
    request = verified(workspace)
    actions.execute_request(request, "system")
    run(request)
    export = request.exports.get()
    stored = export_path(export.stored_as).read_bytes()
    assert stored.startswith(b"RGF1") and workspace.sample(1)["email"].encode() not in stored
    token = mail.outbox[-1].body.split("/privacy/download/")[1].split("/")[0]
    assert find_export(token) == export
    archive = zipfile.ZipFile(io.BytesIO(b"".join(actions.download_export(export))))
    assert {"data.json", "crm.contacts.csv", "report-fr.pdf", "report-fr.html"} <= set(archive.namelist())
    assert workspace.sample(1)["email"] in archive.read("data.json").decode()
    assert AuditEntry.objects.filter(action="request.export_downloaded", request_id=request.reference).exists()


def test_a_portability_export_holds_only_data_on_consent_or_contract(workspace):
    request = verified(workspace, kind="portability")
    actions.execute_request(request, "system")
    run(request)
    datasets = request.result["parts"][0]["datasets"]
    assert "crm.contacts" in datasets and "crm.invoices" not in datasets  # invoices: legal obligation


# --- Erasure ------------------------------------------------------------------------------------------------


def test_an_erasure_needs_the_approval_of_a_dpo(workspace, agent, dpo):
    request = verified(workspace, kind="erasure")
    with pytest.raises(TransitionError):
        actions.execute_request(request, dpo)
    actions.request_approval(request, agent)
    with pytest.raises(PermissionDenied):
        actions.approve_erasure(request, agent)
    actions.approve_erasure(request, dpo, "checked the plan")
    request.refresh_from_db()
    assert request.state == State.EXECUTING and request.approved_by == dpo
    run(request)
    assert request.state == State.COMPLETED
    email = workspace.sample(1)["email"]
    assert workspace.count("contacts", email=email) == 0
    assert workspace.count("invoices", contact_id=int(workspace.sample(1)["id"])) > 0  # kept: Code de commerce
    assert request.letters.get().kind == "erasure"


def test_a_failed_execution_goes_back_to_review_with_its_error(workspace, settings):
    request = verified(workspace, kind="access")
    actions.execute_request(request, "system")
    (workspace.folder / "crm.sqlite").unlink()
    (workspace.folder / "crm.sqlite").mkdir()  # the database cannot be opened any more
    from registre.core.sources.catalog import close_catalogs

    close_catalogs()
    run(request)
    assert request.state == State.REVIEW
    assert request.transitions.last().note.startswith("Execution failed")
    assert not request.letters.exists()


# --- Rectification, restriction -------------------------------------------------------------------------------


def test_a_rectification_changes_the_declared_fields(workspace):
    sample = workspace.sample(1)
    request = verified(workspace, kind="rectification", details={"changes": {"job_title": "Directrice"}})
    actions.execute_request(request, "system")
    run(request)
    assert workspace.query("SELECT job_title FROM contacts WHERE id = :id", id=sample["id"]) == [("Directrice",)]
    assert request.letters.get().kind == "rectification"


def test_a_restriction_sets_the_flag(workspace):
    sample = workspace.sample(1)
    request = verified(workspace, kind="restriction")
    actions.execute_request(request, "system")
    run(request)
    assert workspace.query("SELECT restricted FROM contacts WHERE id = :id", id=sample["id"]) == [(1,)]


# --- Objection, consent, directives ------------------------------------------------------------------------------


def test_an_objection_to_direct_marketing_is_honoured_at_once(workspace):
    email = workspace.query("SELECT email FROM newsletter ORDER BY id LIMIT 1")[0][0]
    request = new_request(workspace, kind="objection", email=email, details={"scope": "direct_marketing"})
    actions.verify_identity(request, "subject", method="email")
    request.refresh_from_db()
    assert request.state == State.COMPLETED
    assert workspace.count("newsletter", email=email) == 0
    states = list(request.transitions.filter(event="state").values_list("to_state", flat=True))
    assert states == ["received", "review", "executing", "completed"]
    assert request.letters.get().kind == "objection"
    assert "prospecting" in request.activity_rows.values_list("activity", flat=True)


def test_a_case_hold_keeps_the_rows_an_objection_would_erase(workspace, dpo):
    email = workspace.query("SELECT email FROM newsletter ORDER BY id LIMIT 1")[0][0]
    # The hold names the person as staff typed the address: the core compares normal forms.
    typed = Identity("email", f" {email.upper()} ")
    retention.place_hold(dpo, reason="litigation", reference="TJ-2026-18", identities=[typed])
    request = new_request(workspace, kind="objection", email=email, details={"scope": "direct_marketing"})
    actions.verify_identity(request, "subject", method="email")
    request.refresh_from_db()
    (part,) = request.plan["parts"]
    assert part["action"] == "erase" and part["plan"]["held"][0]["hold"] == "TJ-2026-18"
    decisions = [d for s in part["plan"]["systems"] for ds in s["datasets"] for d in ds["decisions"] if d["rows"]]
    assert decisions and {d["code"] for d in decisions} == {"keep.case_hold"}
    assert workspace.count("newsletter", email=email) == 1, "the held row stays"
    assert request.result["parts"][0]["held"] == [{"subject": request.plan["parts"][0]["plan"]["subjects"][0],
                                                   "hold": "TJ-2026-18", "key": ANY}]  # fmt: skip


def test_an_objection_on_grounds_waits_for_review(workspace):
    request = verified(workspace, kind="objection", details={"scope": "situation", "activities": ["call-quality"]})
    assert request.state == State.REVIEW
    assert [part["datasets"] for part in request.plan["parts"]] == [["crm.calls"]]  # reached through contacts
    assert request.plan["parts"][0]["action"] == "restrict"


def test_a_withdrawal_of_consent_without_consent_processing_is_acknowledged(workspace):
    request = verified(workspace, kind="withdraw_consent")
    assert request.plan["parts"] == []  # the example policy processes nothing on consent
    actions.execute_request(request, "system")
    run(request)
    assert request.state == State.COMPLETED
    assert request.letters.get().kind == "withdrawal"


def test_directives_for_after_death_are_kept_encrypted_and_each_reading_recorded(workspace, agent, auditor):
    request = verified(workspace, kind="post_mortem", details={"directive": "Close my accounts; tell my sister."})
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM requests_datarequest WHERE id = %s", [request.pk])
        assert "sister" not in cursor.fetchone()[0]
    assert actions.read_directive(request, agent) == "Close my accounts; tell my sister."
    with pytest.raises(PermissionDenied):
        actions.read_directive(request, auditor)
    assert AuditEntry.objects.filter(action="request.directive_read", actor_name="agent").count() == 1
    actions.execute_request(request, agent)
    run(request)
    assert request.letters.get().kind == "directive"


# --- Refusal, extension, cancellation ----------------------------------------------------------------------------


def test_a_refusal_states_the_reason_and_the_right_to_complain(workspace):
    request = verified(workspace)
    actions.refuse_request(request, "system", "Manifestly excessive: the fifth identical request this month.")
    request.refresh_from_db()
    assert request.state == State.REFUSED
    body = mail.outbox[-1].body
    assert "fifth identical request" in body and "CNIL" in body
    with pytest.raises(TransitionError):
        actions.execute_request(request, "system")


def test_an_extension_moves_the_deadline_and_tells_the_person_why(workspace):
    request = verified(workspace)
    due = actions.extend_deadline(request, "system", months=2, reason="Several hundred records across five systems.")
    request.refresh_from_db()
    assert request.due_on == due == response_deadline(request.received_on, country="FR", extension_months=2)
    assert request.transitions.filter(event=Transition.Event.EXTENDED).exists()
    assert "Several hundred records" in mail.outbox[-1].body
    with pytest.raises(ValueError):
        actions.extend_deadline(request, "system", months=2, reason="again")


def test_an_extension_after_the_first_month_is_refused(workspace):
    received = timezone.now() - dt.timedelta(days=40)
    request = new_request(workspace, received_at=received)
    with pytest.raises(ValueError, match=r"first month|premier mois"):
        actions.extend_deadline(request, "system", months=1, reason="late")


def test_a_cancelled_request_is_closed(workspace):
    request = new_request(workspace)
    actions.cancel_request(request, "system", "duplicate of another request")
    request.refresh_from_db()
    assert request.state == State.CANCELLED and not request.is_open
    with pytest.raises(TransitionError):
        actions.verify_identity(request, "system", method="manual")


# --- Processor mode ------------------------------------------------------------------------------------------


def test_a_person_found_only_in_a_clients_data_is_forwarded_to_that_client(workspace, demo_clients):
    email = workspace.query("SELECT email FROM tenant_users ORDER BY id DESC LIMIT 1", workspace.platform)[0][0]
    tenant = workspace.query(
        "SELECT tenant_id FROM tenant_users WHERE email = :email", workspace.platform, email=email
    )[0][0]
    request = verified(workspace, email=email)
    assert request.state == State.FORWARDED and request.client.tenant == tenant
    person, client = request.letters.order_by("pk")
    assert person.kind == "forwarded_to_client" and client.recipient == "client"
    assert mail.outbox[-1].to == [f"privacy@{tenant}.example"]
    assert email in mail.outbox[-1].body  # the client, as controller, needs to know who asks
    with pytest.raises(TransitionError):
        actions.execute_request(request, "system")


def test_a_forwarded_request_is_executed_for_the_tenant_on_the_clients_instruction(workspace, demo_clients, dpo):
    email = workspace.query("SELECT email FROM tenant_users ORDER BY id DESC LIMIT 1", workspace.platform)[0][0]
    request = verified(workspace, kind="erasure", email=email)
    actions.record_instruction(
        request, dpo, instruction="Erase the user's account.", given_by="Jane Roe, DPO of the client"
    )
    request.refresh_from_db()
    assert request.state == State.EXECUTING and request.instruction_by.startswith("Jane Roe")
    run(request)
    assert request.state == State.COMPLETED
    assert workspace.count("tenant_users", workspace.platform, email=email) == 0
    assert request.letters.order_by("pk").last().kind == "client_done"


def test_a_request_filed_with_a_client_is_forwarded_at_verification(workspace, demo_clients):
    request = verified(workspace, client=demo_clients[1])
    assert request.state == State.FORWARDED


def test_a_person_found_in_our_data_and_a_clients_stays_in_review_with_the_client_named(workspace, demo_clients):
    request = verified(workspace, sample=0)  # sample 0 is a contact and a tenant user
    assert request.state == State.REVIEW
    assert request.plan["clients"] == [workspace.sample(0)["tenant_id"]]


# --- Permissions inside the actions ----------------------------------------------------------------------------


def test_an_agent_scoped_to_other_activities_cannot_act_on_the_request(workspace, agent):
    request = verified(workspace)
    StaffScope.objects.create(user=agent, activities=["security-logs"])
    agent.refresh_from_db()
    with pytest.raises(PermissionDenied):
        actions.execute_request(request, agent)


def test_an_auditor_cannot_change_a_request(workspace, auditor):
    with pytest.raises(PermissionDenied):
        new_request(workspace, actor=auditor)


def test_a_case_hold_stops_an_erasure_until_it_is_lifted(workspace, agent, dpo):
    email = workspace.sample(1)["email"]
    request = verified(workspace, kind="erasure")
    actions.request_approval(request, agent)
    hold = retention.place_hold(dpo, reason="litigation", reference="TJ-2026-17", identities=[Identity("email", email)])
    with pytest.raises(TransitionError, match="TJ-2026-17"):
        actions.approve_erasure(request, dpo)
    retention.lift_hold(hold, dpo)
    actions.approve_erasure(request, dpo)
    assert run(request).state == State.COMPLETED
    assert workspace.count("contacts", email=email) == 0


def test_a_case_hold_placed_after_approval_sends_the_erasure_back_to_review(workspace, agent, dpo):
    email = workspace.sample(1)["email"]
    request = verified(workspace, kind="erasure")
    actions.request_approval(request, agent)
    actions.approve_erasure(request, dpo)
    retention.place_hold(dpo, reason="authority", reference="CNIL-42", identities=[Identity("email", email)])
    assert run(request).state == State.REVIEW
    assert workspace.count("contacts", email=email) == 1
