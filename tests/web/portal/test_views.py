"""The privacy portal: choose a right, prove the email address, follow the request, download the data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registre.web.portal.models import Challenge
from registre.web.requests import actions
from registre.web.requests.models import DataRequest, Export
from registre.web.requests.storage import export_path
from registre.web.requests.tasks import perform_execution
from registre.web.requests.workflow import Kind, State

pytestmark = pytest.mark.django_db


def submit(workspace, kind="access", client=None, **fields):
    client = client or Client()
    data = {"email": workspace.sample(1)["email"], "name": "Marie", **fields}
    response = client.post(reverse("portal:form", args=[kind]), data, HTTP_ACCEPT_LANGUAGE="en")
    return client, response


def sent_link_and_code():
    body = mail.outbox[-1].body
    link = re.search(r"http://testserver(/privacy/confirm/[^/\s]+/)", body)[1]
    code = re.search(r"\b(\d{6})\b", body)[1]
    return link, code


def status_link():
    return re.search(r"http://testserver(/privacy/status/[^/\s]+/)", mail.outbox[-1].body)[1]


def test_the_home_page_offers_every_right_with_an_explanation(workspace):
    body = Client().get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for kind in Kind:
        assert reverse("portal:form", args=[kind.value]) in body
    assert "Article 15" in body and "Article 85" in body


@pytest.mark.parametrize("kind", [k.value for k in Kind])
def test_each_rights_form_has_labelled_fields_and_works_without_javascript(workspace, kind):
    body = Client().get(reverse("portal:form", args=[kind])).content.decode()
    assert "<script" not in body
    assert '<label for="id_email">' in body
    for field_id in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', body):
        if field_id != "language":
            assert f'for="{field_id}"' in body, f"{field_id} has no label"


def test_the_policy_identity_types_are_asked(workspace):
    body = Client().get(reverse("portal:form", args=["access"]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Phone number" in body and "Customer number" in body


def test_an_unknown_right_is_not_found(workspace):
    assert Client().get(reverse("portal:form", args=["everything"])).status_code == 404


def test_submitting_sends_a_link_and_a_code_and_asks_for_the_code(workspace):
    client, response = submit(workspace)
    request = DataRequest.objects.get()
    challenge = Challenge.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("portal:verify", args=[challenge.public_id])
    assert request.state == State.VERIFYING and request.channel == "portal" and request.lang == "en"
    assert mail.outbox[-1].to == [workspace.sample(1)["email"]]
    link, code = sent_link_and_code()
    assert code not in challenge.code_digest and link.split("/")[-2] not in challenge.link_digest
    page = client.get(response["Location"]).content.decode()
    assert "•••@" in page and workspace.sample(1)["email"] not in page


def test_the_code_verifies_the_request_and_opens_the_status_page(workspace):
    client, response = submit(workspace)
    _link, code = sent_link_and_code()
    verified = client.post(response["Location"], {"code": code})
    request = DataRequest.objects.get()
    assert request.state == State.REVIEW and request.verification_method == "email"
    assert verified.status_code == 302 and verified["Location"] == status_link()
    status = client.get(verified["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert request.reference in status and "handling your request" in status


def test_the_link_verifies_on_a_button_not_on_opening(workspace):
    client, _response = submit(workspace)
    link, _code = sent_link_and_code()
    assert client.get(link).status_code == 200  # a mail scanner opening the link changes nothing
    assert DataRequest.objects.get().state == State.VERIFYING
    confirmed = client.post(link)
    assert confirmed.status_code == 302 and DataRequest.objects.get().state == State.REVIEW
    again = client.post(link)
    assert (again.status_code == 400 and "already used" in again.content.decode()) or "déjà" in again.content.decode()


def test_a_wrong_code_counts_and_five_end_the_challenge(workspace):
    client, response = submit(workspace)
    _link, code = sent_link_and_code()
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(4):
        answer = client.post(response["Location"], {"code": wrong}, HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 400 and "not the right one" in answer.content.decode()
    answer = client.post(response["Location"], {"code": wrong}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Too many wrong codes" in answer.content.decode()
    answer = client.post(response["Location"], {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and DataRequest.objects.get().state == State.VERIFYING
    assert Challenge.objects.get().attempts == 5


def test_a_code_expires_after_thirty_minutes(workspace):
    client, response = submit(workspace)
    _link, code = sent_link_and_code()
    challenge = Challenge.objects.get()
    assert challenge.expires_at - challenge.created_at == dt.timedelta(minutes=30)
    Challenge.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    answer = client.post(response["Location"], {"code": code}, HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and "expired" in answer.content.decode()


def test_a_new_code_replaces_the_old_one(workspace):
    client, _response = submit(workspace)
    old_link, _old_code = sent_link_and_code()
    challenge = Challenge.objects.get()
    fresh = client.post(reverse("portal:resend", args=[challenge.public_id]))
    _new_link, new_code = sent_link_and_code()
    assert client.post(old_link).status_code == 400
    assert client.post(fresh["Location"], {"code": new_code}).status_code == 302


def test_codes_are_limited_per_email_and_per_hour(workspace):
    client, _response = submit(workspace)
    challenge = Challenge.objects.get()
    client.post(reverse("portal:resend", args=[challenge.public_id]))
    client.post(reverse("portal:resend", args=[Challenge.objects.first().public_id]))
    assert Challenge.objects.count() == 3
    refused = client.post(reverse("portal:resend", args=[Challenge.objects.first().public_id]))
    assert refused.status_code == 429 and Challenge.objects.count() == 3
    _client, again = submit(workspace)
    assert again.status_code == 429 and DataRequest.objects.count() == 1


def test_posts_are_limited_per_address(workspace, settings, whole_rate_window):
    client = Client()
    statuses = [
        client.post(reverse("portal:form", args=["access"]), {"email": f"p{n}@example.org"}).status_code
        for n in range(22)
    ]
    assert statuses[:20] == [302] * 20 and statuses[20:] == [429, 429]


def test_a_rectification_form_checks_the_new_values(workspace):
    _client, response = submit(workspace, "rectification", field_1="phone", value_1="not a phone")
    assert response.status_code == 400 and not DataRequest.objects.exists()
    _client, response = submit(workspace, "rectification", field_1="job_title", value_1="Directrice")
    assert DataRequest.objects.get().details == {"changes": {"job_title": "Directrice"}}


def test_an_objection_to_marketing_is_done_as_soon_as_the_email_is_confirmed(workspace):
    email = workspace.query("SELECT email FROM newsletter ORDER BY id LIMIT 1")[0][0]
    client, response = submit(workspace, "objection", email=email, scope="direct_marketing")
    _link, code = sent_link_and_code()
    verified = client.post(response["Location"], {"code": code})
    assert DataRequest.objects.get().state == State.COMPLETED
    assert "answered" in client.get(verified["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()


def verified_access(workspace):
    client, response = submit(workspace)
    _link, code = sent_link_and_code()
    status = client.post(response["Location"], {"code": code})["Location"]
    request = DataRequest.objects.get()
    actions.execute_request(request, "system")
    perform_execution(request.pk)
    return client, status, request


def test_the_person_downloads_their_data_from_the_status_page(workspace):
    client, status, _request = verified_access(workspace)
    body = client.get(status, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your data are ready" in body
    download = client.get(reverse("portal:status-download", args=[status.split("/")[-2]]))
    content = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/zip" and content.startswith(b"PK")
    assert Export.objects.get().downloads == 1


def test_the_download_link_of_the_letter_works_until_it_expires_then_the_file_is_gone(workspace):
    client, _status, _request = verified_access(workspace)
    link = re.search(r"http://testserver(/privacy/download/[^/\s]+/)", mail.outbox[-1].body)[1]
    assert client.get(link).status_code == 200
    export = Export.objects.get()
    Export.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(link).status_code == 410
    export.refresh_from_db()
    assert export.deleted_at is not None and not export_path(export.stored_as).exists()


def test_expired_exports_are_deleted_by_their_job(workspace, in_test_transaction):
    from django_tasks_db.models import DBTaskResult

    from registre.web.jobs.worker import make_worker

    _client, _status, _request = verified_access(workspace)
    export = Export.objects.get()
    job = DBTaskResult.objects.get(task_path="registre.web.requests.tasks.delete_expired")
    assert job.run_after == export.expires_at
    Export.objects.update(expires_at=timezone.now())
    DBTaskResult.objects.filter(pk=job.pk).update(run_after=timezone.now())
    make_worker(batch=True, interval=0).run()
    export.refresh_from_db()
    assert export.deleted_at is not None and not export_path(export.stored_as).exists()


def test_an_unknown_status_link_is_not_found(workspace):
    assert Client().get(reverse("portal:status", args=["x" * 43])).status_code == 404


def test_the_person_can_withdraw_a_request_not_yet_carried_out(workspace):
    client, response = submit(workspace)
    _link, code = sent_link_and_code()
    status = client.post(response["Location"], {"code": code})["Location"]
    client.post(status, {"cancel": "1"})
    assert DataRequest.objects.get().state == State.CANCELLED


def test_the_wait_said_on_the_429_page_is_the_wait_of_retry_after(workspace, whole_rate_window):
    client = Client(headers={"accept-language": "fr"})
    responses = [
        client.post(reverse("portal:form", args=["access"]), {"email": f"p{n}@example.org"}) for n in range(21)
    ]
    refused = responses[-1]
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 1 <= wait <= 600  # the address window is ten minutes
    page = refused.content.decode()
    assert "une heure" not in page
    assert f"dans {-(-wait // 60)} minute" in page


def test_the_codes_429_says_when_the_oldest_code_of_the_hour_stops_counting(workspace):
    client, _response = submit(workspace)
    for _ in range(2):
        client.post(reverse("portal:resend", args=[Challenge.objects.first().public_id]))
    refused = client.post(reverse("portal:resend", args=[Challenge.objects.first().public_id]))
    assert refused.status_code == 429 and 3500 <= int(refused["Retry-After"]) <= 3600


def progress_items(page: str) -> list[tuple[str, str]]:
    listed = page.split('<ol class="progress"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<li class="stage-(\w+)"[^>]*>([^<]+)</li>', listed)


def test_a_withdrawn_request_shows_the_steps_it_passed_and_no_answer(workspace):
    client, response = submit(workspace)
    _link, code = sent_link_and_code()
    status = client.post(response["Location"], {"code": code})["Location"]
    client.post(status, {"cancel": "1"})
    page = client.get(status, headers={"accept-language": "fr"}).content.decode()
    stages = progress_items(page)
    assert ("done", "Réponse envoyée") not in stages and all(label != "Réponse envoyée" for _s, label in stages)
    assert stages[-1][0] == "stopped" and "Retir" in stages[-1][1]
    assert [state for state, _label in stages[:-1]] == ["done", "done"]  # received, identity confirmed


def test_a_forwarded_request_can_be_withdrawn(workspace, demo_clients):
    client, response = submit(workspace)
    _link, code = sent_link_and_code()
    status = client.post(response["Location"], {"code": code})["Location"]
    request = DataRequest.objects.get()
    actions.forward_to_client(request, "system", demo_clients[0])
    assert DataRequest.objects.get().state == State.FORWARDED
    assert 'name="cancel"' in client.get(status).content.decode()
    client.post(status, {"cancel": "1"})
    assert DataRequest.objects.get().state == State.CANCELLED
