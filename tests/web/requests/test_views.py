"""The console's request pages: the inbox, intake, a request's page, and the whole life of a request through them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from registre.web.accounts.models import StaffScope
from registre.web.jobs.worker import make_worker
from registre.web.requests import actions
from registre.web.requests.models import DataRequest
from registre.web.requests.plans import planned_datasets
from registre.web.requests.storage import attachment_path
from registre.web.requests.workflow import State

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_test_transaction")]


def new_request(workspace, kind="access", sample=1, **options):
    options.setdefault("actor", "system")
    email = options.pop("email", None) or workspace.sample(sample)["email"]
    return actions.create_request(kind=kind, channel="email", email=email, **options)


def run_jobs():
    make_worker(batch=True, interval=0).run()


def page(client, reference):
    return client.get(reverse("requests:detail", args=[reference])).content.decode()


# --- The inbox -----------------------------------------------------------------------------------------------


def test_the_inbox_lists_open_requests_with_their_deadline(workspace, dpo, client_for):
    request = new_request(workspace)
    response = client_for(dpo).get(reverse("requests:inbox"))
    body = response.content.decode()
    assert request.reference in body
    assert "30 days left" in body or "jours restants" in body or "days left" in body


def test_overdue_and_close_deadlines_are_highlighted(workspace, dpo, client_for):
    late = new_request(workspace, received_at=timezone.now() - dt.timedelta(days=45))
    close = new_request(workspace, received_at=timezone.now() - dt.timedelta(days=27))
    body = client_for(dpo).get(reverse("requests:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="urgency-overdue"' in body and 'class="urgency-close"' in body
    assert "days late" in body
    overdue = client_for(dpo).get(reverse("requests:inbox"), {"overdue": "on", "state": "open"}).content.decode()
    assert late.reference in overdue and close.reference not in overdue


def test_the_inbox_filters_by_state_and_kind(workspace, dpo, client_for):
    access, erasure = new_request(workspace), new_request(workspace, kind="erasure", sample=2)
    actions.cancel_request(access, "system")
    client = client_for(dpo)
    body = client.get(reverse("requests:inbox")).content.decode()
    assert access.reference not in body and erasure.reference in body  # open ones by default
    body = client.get(reverse("requests:inbox"), {"state": "cancelled"}).content.decode()
    assert access.reference in body and erasure.reference not in body
    body = client.get(reverse("requests:inbox"), {"state": "", "kind": "erasure"}).content.decode()
    assert access.reference not in body and erasure.reference in body


def test_agents_see_only_the_requests_of_their_scope(workspace, agent, client_for, demo_clients):
    ours = new_request(workspace)
    actions.verify_identity(ours, "system", method="manual")
    theirs = new_request(workspace, sample=2, client=demo_clients[0])
    StaffScope.objects.create(user=agent, activities=["security-logs"])
    body = client_for(agent).get(reverse("requests:inbox")).content.decode()
    assert ours.reference not in body and theirs.reference not in body
    assert client_for(agent).get(reverse("requests:detail", args=[ours.reference])).status_code == 403
    StaffScope.objects.filter(user=agent).update(activities=["contract-management"])
    body = client_for(agent).get(reverse("requests:inbox")).content.decode()
    assert ours.reference in body and theirs.reference not in body


def test_a_client_scoped_agent_sees_that_clients_requests_only(workspace, agent, client_for, demo_clients):
    ours = new_request(workspace)
    theirs = new_request(workspace, sample=2, client=demo_clients[0])
    StaffScope.objects.create(user=agent, clients=[demo_clients[0].tenant])
    body = client_for(agent).get(reverse("requests:inbox")).content.decode()
    assert theirs.reference in body and ours.reference not in body


# --- Intake ------------------------------------------------------------------------------------------------


def test_a_request_by_post_is_recorded_with_its_proof_of_identity_encrypted(workspace, agent, client_for):
    proof = SimpleUploadedFile("passport.pdf", b"%PDF-1.4 the passport of Marie", content_type="application/pdf")
    data = {
        "kind": "access",
        "channel": "post",
        "received_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "email": workspace.sample(1)["email"],
        "name": "Marie",
        "lang": "en",
        "attachments": [proof],
        "verified": "on",
    }
    response = client_for(agent).post(reverse("requests:intake"), data)
    request = DataRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("requests:detail", args=[request.reference])
    assert request.state == State.REVIEW and request.channel == "post" and request.plan["ok"]
    assert request.received_on == timezone.localdate() - dt.timedelta(days=3)
    attachment = request.attachments.get()
    assert b"passport of Marie" not in attachment_path(attachment.stored_as).read_bytes()
    download = client_for(agent).get(reverse("requests:attachment", args=[request.reference, attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the passport of Marie"


def test_intake_refuses_a_rectification_without_corrections(workspace, agent, client_for):
    data = {
        "kind": "rectification",
        "channel": "email",
        "received_on": timezone.localdate().isoformat(),
        "email": "someone@example.org",
        "lang": "fr",
    }
    response = client_for(agent).post(reverse("requests:intake"), data)
    assert response.status_code == 400 and not DataRequest.objects.exists()


# --- A request's page and its steps ----------------------------------------------------------------------------


def test_the_page_shows_the_plan_before_execution(workspace, dpo, client_for):
    request = new_request(workspace, kind="erasure", lang="en")
    actions.verify_identity(request, "system", method="manual")
    body = client_for(dpo).get(reverse("requests:detail", args=[request.reference]), HTTP_ACCEPT_LANGUAGE="en")
    text = body.content.decode()
    assert "Plan" in text and "invoices" in text and "kept under a legal obligation" in text
    assert "Anonymised" in text or "Deleted" in text
    assert workspace.sample(1)["email"] in text  # staff see the identities


def test_the_plan_in_french_gives_the_day_kept_rows_may_go_in_words(workspace, dpo, client_for):
    request = new_request(workspace, kind="erasure")
    actions.verify_identity(request, "system", method="manual")
    request.refresh_from_db()
    untils = {decision["until"] for _, dataset in planned_datasets(request.plan) for decision in dataset["decisions"]}
    untils.discard(None)
    assert untils, "the sample's invoices are kept until a day"
    text = client_for(dpo).get(reverse("requests:detail", args=[request.reference]), HTTP_ACCEPT_LANGUAGE="fr")
    html = text.content.decode()
    for until in untils:
        assert until not in html
        with translation.override("fr"):
            assert date_format(dt.date.fromisoformat(until), "DATE_FORMAT") in html


def test_an_access_from_intake_to_download_through_the_console(workspace, agent, client_for):
    client = client_for(agent)
    request = new_request(workspace)
    assert client.post(reverse("requests:verify", args=[request.reference]), {"note": ""}).status_code == 302
    client.post(reverse("requests:execute", args=[request.reference]), {"note": ""})
    assert DataRequest.objects.get(pk=request.pk).state == State.EXECUTING
    run_jobs()
    request.refresh_from_db()
    assert request.state == State.COMPLETED
    text = page(client, request.reference)
    assert "crm.contacts" in text
    letter = request.letters.get()
    shown = client.get(reverse("requests:letter", args=[request.reference, letter.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert shown.status_code == 200
    assert " · Français</p>" in shown.content.decode()  # the letter's language named in French, not "fr"
    pdf = client.get(reverse("requests:letter", args=[request.reference, letter.pk]), {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_an_erasure_through_the_console_needs_a_dpo(workspace, agent, dpo, client_for):
    request = new_request(workspace, kind="erasure")
    actions.verify_identity(request, "system", method="manual")
    client_for(agent).post(reverse("requests:request-approval", args=[request.reference]), {"note": ""})
    assert client_for(agent).post(reverse("requests:approve", args=[request.reference])).status_code == 403
    assert "Approve and execute" not in page(client_for(agent), request.reference)
    assert "Approve" in page(client_for(dpo), request.reference) or "Approuver" in page(
        client_for(dpo), request.reference
    )
    client_for(dpo).post(reverse("requests:approve", args=[request.reference]), {"note": "ok"})
    run_jobs()
    request.refresh_from_db()
    assert request.state == State.COMPLETED
    assert workspace.count("contacts", email=workspace.sample(1)["email"]) == 0


def test_a_step_the_state_does_not_allow_is_reported(workspace, agent, client_for):
    request = new_request(workspace)
    response = client_for(agent).post(reverse("requests:execute", args=[request.reference]), {"note": ""}, follow=True)
    assert DataRequest.objects.get(pk=request.pk).state == State.RECEIVED
    assert "message error" in response.content.decode()


def test_refuse_extend_and_cancel_through_the_console(workspace, agent, client_for):
    client = client_for(agent)
    first, second = new_request(workspace), new_request(workspace, sample=2)
    client.post(reverse("requests:extend", args=[first.reference]), {"months": "1", "reason": "Many systems."})
    first.refresh_from_db()
    assert first.extension_months == 1 and "Many systems." in mail.outbox[-1].body
    client.post(reverse("requests:refuse", args=[first.reference]), {"reason": "Not you."})
    client.post(reverse("requests:cancel", args=[second.reference]), {"note": "duplicate"})
    assert DataRequest.objects.get(pk=first.pk).state == State.REFUSED
    assert DataRequest.objects.get(pk=second.pk).state == State.CANCELLED


def test_forward_and_instruction_through_the_console(workspace, agent, client_for, demo_clients):
    client = client_for(agent)
    request = new_request(workspace, sample=0)  # also a user of a client
    actions.verify_identity(request, "system", method="manual")
    client.post(reverse("requests:forward", args=[request.reference]), {"client": demo_clients[0].pk})
    request.refresh_from_db()
    assert request.state == State.FORWARDED
    client.post(
        reverse("requests:instruct", args=[request.reference]),
        {"instruction": "Give the person their data.", "given_by": "Client's DPO"},
    )
    run_jobs()
    request.refresh_from_db()
    assert request.state == State.COMPLETED and request.tenant == demo_clients[0].tenant
    assert request.letters.order_by("pk").last().recipient == "client"


def test_the_directive_page_shows_the_text_and_records_the_reading(workspace, agent, auditor, client_for):
    request = new_request(workspace, kind="post_mortem", details={"directive": "Delete everything."})
    assert (
        "Delete everything."
        in client_for(agent).get(reverse("requests:directive", args=[request.reference])).content.decode()
    )
    assert client_for(auditor).get(reverse("requests:directive", args=[request.reference])).status_code == 403
    assert "Delete everything." not in page(client_for(auditor), request.reference)


def test_the_request_page_names_the_language_in_french(workspace, agent, client_for):
    request = new_request(workspace, lang="en")
    page = client_for(agent).get(
        reverse("requests:detail", args=[request.reference]), headers={"accept-language": "fr"}
    )
    text = page.content.decode()
    assert "<dd>Anglais</dd>" in text and "English" not in text.split("<dt>Langue</dt>", 1)[1][:40]
