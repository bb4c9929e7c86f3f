"""Every URL of the application, for every named user: the status they get.

The matrix is data: one `Route` per URL name, the status for each person.
URLs are collected from the URLconf, so a URL that an app adds later fails
`test_every_url_is_in_the_matrix` until its row is written here.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from registre.web.accounts.actions import create_token
from registre.web.authorised.actions import designate as designate_person
from registre.web.authority.actions import record_request as record_authority_request
from registre.web.breaches.actions import declare_breach
from registre.web.clients.actions import ensure_client
from registre.web.clients.models import Offboarding
from registre.web.clients.offboarding import client_file, token_digest
from registre.web.consent.links import issue_token
from registre.web.discovery.models import ScanRun
from registre.web.dpia.actions import create_version as create_dpia_version
from registre.web.inspections.actions import package_file
from registre.web.inspections.actions import schedule_inspection as schedule_audit
from registre.web.instructions.actions import record_instruction
from registre.web.jobs.tasks import verify_audit_chain
from registre.web.notices.links import issue_token as issue_notice_token
from registre.web.notices.links import token_digest as notice_digest
from registre.web.notices.models import Campaign, ClientNotice
from registre.web.policy import current_policy
from registre.web.portal.actions import issue_challenge
from registre.web.requests import actions as requests
from registre.web.requests.exports import create_export
from registre.web.requests.models import DataRequest, Letter
from registre.web.retention.actions import place_hold
from registre.web.vault.files import encrypt_file
from registre.web.versions.actions import publish_version

PEOPLE = ("anonymous", "outsider", "agent", "auditor", "dpo", "admin")
LOGIN = 302  # anonymous people are sent to the login page
DENIED = 403


@dataclass(frozen=True)
class Route:
    """What each person gets from one URL. `kwargs` builds the URL's arguments (objects it points at)."""

    expect: dict[str, int]
    method: str = "get"
    kwargs: Callable[[dict[str, User | None]], dict[str, Any]] | None = None
    data: dict[str, str] = field(default_factory=dict)


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PEOPLE, status)


def staff(allowed: set[str], ok: int = 200) -> dict[str, int]:
    """Anonymous: to the login page; the people in `allowed`: `ok`; everyone else: 403."""
    return {person: LOGIN if person == "anonymous" else ok if person in allowed else DENIED for person in PEOPLE}


ROLES = {"agent", "auditor", "dpo", "admin"}
READERS = {"auditor", "dpo", "admin"}


def a_token_of_the_admin(people: dict[str, User | None]) -> dict[str, Any]:
    admin = people["admin"]
    assert admin is not None
    token, _raw = create_token(admin, "matrix", ["console.view"])
    return {"pk": token.pk}


def a_job(people: dict[str, User | None]) -> dict[str, Any]:
    return {"pk": verify_audit_chain.enqueue().id}


def a_closed_request(kind: str = "access") -> DataRequest:
    """A request that every step refuses (so no step reaches the target databases), with an attachment."""
    details = {"directive": "Close my accounts."} if kind == "post_mortem" else {}
    request = requests.create_request(
        kind=kind, channel="email", email="ada@example.org", actor="system", details=details
    )
    requests.add_attachment(request, "system", SimpleUploadedFile("proof.pdf", b"%PDF proof"))
    requests.cancel_request(request, "system")
    return request


def a_request(people: dict[str, User | None]) -> dict[str, Any]:
    return {"reference": a_closed_request().reference}


def a_scan(people: dict[str, User | None]) -> dict[str, Any]:
    finding = {"system": "crm", "table": "contacts", "column": "c9", "category": "contact.email", "undeclared": True}
    return {"pk": ScanRun.objects.create(rows=10, status="done", report={"columns": [finding]}).pk}


def a_case_hold(people: dict[str, User | None]) -> dict[str, Any]:
    return {"pk": place_hold("system", reason="litigation", reference="TJ-1", tenant="tenant-001").pk}


def a_directive(people: dict[str, User | None]) -> dict[str, Any]:
    return {"reference": a_closed_request("post_mortem").reference}


def an_attachment(people: dict[str, User | None]) -> dict[str, Any]:
    request = a_closed_request()
    return {"reference": request.reference, "pk": request.attachments.get().pk}


def a_letter(people: dict[str, User | None]) -> dict[str, Any]:
    request = a_closed_request()
    letter = Letter.objects.create(request=request, kind="refusal", subject="Your request", text="Dear Sir or Madam,")
    return {"reference": request.reference, "pk": letter.pk}


def a_challenge(people: dict[str, User | None]) -> dict[str, Any]:
    request = requests.create_request(kind="access", channel="portal", email="ada@example.org", actor="subject")
    requests.start_verification(request, "system")
    return {"challenge_id": issue_challenge(request).public_id}


def a_status_link(people: dict[str, User | None]) -> dict[str, Any]:
    request = a_closed_request()
    token = requests.issue_status_token(request)
    archive = Path(tempfile.mkdtemp()) / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("data.json", "{}")
    create_export(request, archive)
    return {"token": token}


def a_download_link(people: dict[str, User | None]) -> dict[str, Any]:
    request = a_closed_request()
    archive = Path(tempfile.mkdtemp()) / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("data.json", "{}")
    return {"token": create_export(request, archive)[1]}


def a_client(people: dict[str, User | None]) -> dict[str, Any]:
    return {"pk": ensure_client("Client", "tenant-001", "dpo@client.example").pk}


def an_offboarded_client(people: dict[str, User | None]) -> dict[str, Any]:
    """A client whose data is deleted: its certificate, and its export's link (`token`), still valid."""
    client = ensure_client("Client", "tenant-001", "dpo@client.example")
    for name in ("export.rgf", "certificate.rgf"):
        encrypt_file([b"content"], client_file(name))
    Offboarding.objects.create(
        client=client,
        contract_end=date(2026, 1, 1),
        deletion_due=date(2026, 1, 11),
        export_stored_as="export.rgf",
        export_digest=token_digest("t" * 43),
        export_expires_at=timezone.now() + timedelta(days=1),
        certificate_stored_as="certificate.rgf",
    )
    return {"pk": client.pk}


def an_export_link(people: dict[str, User | None]) -> dict[str, Any]:
    an_offboarded_client(people)
    return {"token": "t" * 43}


def a_staff_member(people: dict[str, User | None]) -> dict[str, Any]:
    agent = people["agent"]
    assert agent is not None
    return {"pk": agent.pk}


def a_webhook(people: dict[str, User | None]) -> dict[str, Any]:
    from registre.web.api.models import Webhook

    return {"pk": Webhook.objects.create(url="https://93.184.215.14/hooks", secret="s" * 32).pk}


def a_letter_to_preview(people: dict[str, User | None]) -> dict[str, Any]:
    return {"reference": a_closed_request().reference, "kind": "refusal"}


def a_breach(people: dict[str, User | None]) -> dict[str, Any]:
    """A breach on controller data only (no target database is read), declared by the DPO."""
    breach = declare_breach(
        people["dpo"],
        title="Lost laptop",
        aware_at=timezone.now() - timedelta(hours=48),
        datasets=["crm.contacts"],
        natures=["confidentiality"],
        description="A laptop with an export was lost.",
    )
    return {"pk": breach.pk}


def a_breach_document(people: dict[str, User | None]) -> dict[str, Any]:
    return {**a_breach(people), "kind": "record"}


def an_authority_request(people: dict[str, User | None]) -> dict[str, Any]:
    """A compelled request about a person (no client: telling the person is the only notice)."""
    found = record_authority_request(
        people["dpo"],
        authority="Tribunal judiciaire",
        legal_basis="CPP art. 60-1",
        data_requested="Connection logs",
        compelled=True,
        email="ada@example.org",
    )
    return {"pk": found.pk}


def an_authorised_person(people: dict[str, User | None]) -> dict[str, Any]:
    """A designated person without a console account (ending their mission logs no one out of the matrix)."""
    person = designate_person(
        people["dpo"], full_name="I. M.", job_title="Support", designated_on=date(2026, 1, 5), activities=[], systems=[]
    )
    return {"pk": person.pk}


def a_dpia_version(people: dict[str, User | None]) -> dict[str, Any]:
    """A draft version of the support activity's impact assessment."""
    return {"pk": create_dpia_version(people["dpo"], "support").pk}


def dpia_assessment_form() -> dict[str, str]:
    data = {"context": "", "principles": "", "review_on": "2027-12-01"}
    for kind in ("illegitimate_access", "unwanted_modification", "disappearance"):
        for name in ("severity", "likelihood", "residual_severity", "residual_likelihood"):
            data[f"{kind}-{name}"] = "2"
    return data


def an_instruction(people: dict[str, User | None]) -> dict[str, Any]:
    """An instruction of the client of tenant-001, covering its hosting, logged by the DPO."""
    client = ensure_client("Client", "tenant-001", "dpo@client.example")
    found = record_instruction(
        people["dpo"],
        client=client,
        channel="email",
        given_by="A. Martin, DPO",
        text="Keep the message logs 90 days.",
        activities=["hosted-messaging"],
    )
    return {"pk": found.pk}


def an_inspection(people: dict[str, User | None]) -> dict[str, Any]:
    """The authority's inspection (no client, no notice), with a package kept (a file, not a real build)."""
    today = timezone.localdate()
    found = schedule_audit(people["dpo"], by="authority", auditor="CNIL", requested_on=today, onsite_on=today)
    encrypt_file([b"PK package"], package_file("package.rgf"))
    found.package_stored_as, found.package_sha256, found.package_built_at = "package.rgf", "0" * 64, timezone.now()
    found.save()
    return {"pk": found.pk}


AUDIT_FORM = {
    "by": "authority",
    "trigger": "routine",
    "auditor": "CNIL",
    "requested_on": f"{timezone.localdate():%Y-%m-%d}",
    "onsite_on": f"{timezone.localdate() + timedelta(days=3):%Y-%m-%d}",
}
DESIGNATION_FORM = {
    "full_name": "I. M.",
    "job_title": "Support",
    "designated_on": "2026-01-05",
    "activities": "support",
}
AUTHORITY_FORM = {"authority": "DGFiP", "legal_basis": "LPF art. L81", "data_requested": "Invoices", "compelled": "on"}
BREACH_EDIT = {"title": "Lost laptop", "natures": "confidentiality", "description": "Found again.", "risk": "risk"}
# Within the 72 hours of the breach above: after its awareness, not in the future.
BREACH_NOTICE = {"recipient": "authority", "sent_at": f"{timezone.localtime() - timedelta(hours=1):%Y-%m-%dT%H:%M}"}
A_BREACH = {"reference": "B-2026-0001"}


def an_unsubscribe_link(people: dict[str, User | None]) -> dict[str, Any]:
    return {"token": issue_token("ada@example.org", "prospecting")}


def a_sent_notice() -> tuple[Campaign, ClientNotice]:
    """A campaign whose one notice is sent (sending again sends nothing), with a window still open."""
    client = ensure_client("Client", "tenant-001", "dpo@client.example")
    campaign = Campaign.objects.create(
        reference="N-2026-0001", effective=date.today() + timedelta(days=30), old_label="v1", new_label="v2"
    )
    notice = ClientNotice.objects.create(
        campaign=campaign,
        client=client,
        terms="objection",
        days=15,
        opens=campaign.effective - timedelta(days=15),
        effective=campaign.effective,
        items=[{"processor": "zendesk", "name": "Zendesk Inc.", "purpose": {}, "country": "US", "location": "US"}],
        sent_at=timezone.now(),
        closes=campaign.effective,
    )
    return campaign, notice


def a_campaign(people: dict[str, User | None]) -> dict[str, Any]:
    return {"pk": a_sent_notice()[0].pk}


def a_notice_link(people: dict[str, User | None]) -> dict[str, Any]:
    notice = a_sent_notice()[1]
    token = issue_notice_token(notice.pk)
    notice.link_digest = notice_digest(token)
    notice.save()
    return {"token": token}


def a_published_version(people: dict[str, User | None]) -> dict[str, Any]:
    version = publish_version("system", current_policy(), effective=date(2026, 1, 1))
    return {"pk": version.pk, "document": "register", "lang": "fr"}


CLIENT_EDIT = {"name": "Client", "contact_email": "dpo@client.example", "language": "fr", "deletion_delay_days": "10"}


def a_token(people: dict[str, User | None]) -> dict[str, Any]:
    return {"token": "x" * 43}


HANDLERS = {"agent", "dpo", "admin"}
MANAGERS = {"dpo", "admin"}
# Every step of a request is a POST that comes back to the request's page (the closed request refuses it).
REQUEST_STEPS = [
    "start-verification",
    "verify",
    "plan",
    "request-approval",
    "execute",
    "refuse",
    "extend",
    "cancel",
    "forward",
    "instruct",
    "attach",
]


def api(method: str = "get", **kwargs: str) -> Route:
    """An operation of the REST API: 401 for every console session, whatever its role."""
    return Route(everyone(401), method=method, kwargs=(lambda people: kwargs) if kwargs else None)


A_REQUEST = {"request_id": "R-2026-0001"}
AN_AUTHORITY_REQUEST = {"reference": "A-2026-0001"}
A_PERSON = {"person_id": "1"}
AN_INSTRUCTION = {"reference": "I-2026-0001"}
AN_AUDIT = {"reference": "AU-2026-0001"}
A_WEBHOOK = {"webhook_id": "00000000-0000-4000-8000-000000000000"}
A_SUBJECT_REQUEST = {"subject_request_id": "00000000-0000-4000-8000-000000000000"}
API_MATRIX: dict[str, Route] = {
    "api:api-root": Route(everyone(404)),
    "api:openapi-json": Route(everyone(200)),
    "api:openapi-view": Route(everyone(200)),
    "api:request_create": api("post"),
    "api:request_list": api(),
    "api:request_detail": api(**A_REQUEST),
    "api:request_export": api(**A_REQUEST),
    **{
        f"api:request_{step}": api("post", **A_REQUEST)
        for step in (
            "verify",
            "plan",
            "request_approval",
            "approve",
            "execute",
            "refuse",
            "extend",
            "cancel",
            "forward",
            "instruction",
        )
    },
    "api:token": api(),
    "api:webhook_list": api(),
    "api:webhook_create": api("post"),
    "api:webhook_detail": api(**A_WEBHOOK),
    "api:webhook_update": api("patch", **A_WEBHOOK),
    "api:webhook_delete": api("delete", **A_WEBHOOK),
    "api:webhook_rotate_secret": api("post", **A_WEBHOOK),
    "api:webhook_ping": api("post", **A_WEBHOOK),
    "api:webhook_deliveries": api(**A_WEBHOOK),
    "api:breach_list": api(),
    "api:breach_create": api("post"),
    "api:breach_detail": api(**A_BREACH),
    "api:breach_notification": api("post", **A_BREACH),
    "api:breach_notify_clients": api("post", **A_BREACH),
    "api:authority_list": api(),
    "api:authority_create": api("post"),
    "api:authority_detail": api(**AN_AUTHORITY_REQUEST),
    **{
        f"api:authority_{step}": api("post", **AN_AUTHORITY_REQUEST)
        for step in ("plan", "disclose", "refuse", "tell_client", "person_told", "hold")
    },
    "api:authorised_list": api(),
    "api:authorised_create": api("post"),
    "api:authorised_detail": api(**A_PERSON),
    "api:authorised_update": api("patch", **A_PERSON),
    "api:instruction_list": api(),
    "api:instruction_create": api("post"),
    "api:instruction_detail": api(**AN_INSTRUCTION),
    "api:instruction_flag": api("post", **AN_INSTRUCTION),
    "api:inspection_list": api(),
    "api:inspection_create": api("post"),
    "api:inspection_detail": api(**AN_AUDIT),
    "api:inspection_package": api("post", **AN_AUDIT),
    "api:inspection_close": api("post", **AN_AUDIT),
    "api:consent_suppressions": api(),
    "api:consent_record": api("post"),
    "api:consent_standing": api("post"),
    "api:consent_links": api("post"),
    "api:notice_campaign_list": api(),
    "api:notice_campaign_create": api("post"),
    "api:notice_campaign_detail": api(reference="N-2026-0001"),
    "opengdpr:api-root": Route(everyone(404)),
    "opengdpr:openapi-json": Route(everyone(200)),
    "opengdpr:openapi-view": Route(everyone(200)),
    "opengdpr:discovery": Route(everyone(200)),
    "opengdpr:certificate": Route(everyone(200)),
    **{f"opengdpr:{noun}request_submit": api("post") for noun in ("", "opengdpr_")},
    **{f"opengdpr:{noun}request_status": api(**A_SUBJECT_REQUEST) for noun in ("", "opengdpr_")},
    **{f"opengdpr:{noun}request_cancel": api("delete", **A_SUBJECT_REQUEST) for noun in ("", "opengdpr_")},
}

MATRIX: dict[str, Route] = {
    "root": Route(everyone(302)),
    "health": Route(everyone(200)),
    "set_language": Route(everyone(302), method="post", data={"language": "en", "next": "/console/"}),
    "console:home": Route(staff(ROLES)),
    "accounts:login": Route({**everyone(302), "anonymous": 200}),
    "accounts:logout": Route(everyone(302), method="post"),
    # Sign-in through the identity provider: absent unless configured (tests/web/accounts/test_oidc.py runs it);
    # the refusal page is public, and says why with a 403.
    "accounts:oidc-sign-in": Route(everyone(404)),
    "accounts:oidc-callback": Route(everyone(404)),
    "accounts:oidc-refused": Route(everyone(403)),
    "accounts:password": Route(staff(ROLES | {"outsider"})),
    "accounts:staff": Route(staff(READERS)),
    # Creating, changing and deactivating staff: the administrator only.
    "accounts:staff-edit": Route(staff({"admin"}), kwargs=a_staff_member),
    "accounts:staff-deactivate": Route(staff({"admin"}, ok=302), method="post", kwargs=a_staff_member),
    "favicon": Route(everyone(301)),
    "webhooks:list": Route(staff(MANAGERS)),
    **{
        f"webhooks:{name}": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_webhook)
        for name in ("toggle", "ping", "delete")
    },
    # A letter shown, not sent: for those who handle requests.
    "requests:letter-preview": Route(
        staff(HANDLERS), method="post", kwargs=a_letter_to_preview, data={"reason": "Unfounded."}
    ),
    "accounts:tokens": Route(staff(ROLES)),
    # Revoking someone else's token needs tokens.manage: the administrator only.
    "accounts:token-revoke": Route(staff({"admin"}, ok=302), method="post", kwargs=a_token_of_the_admin),
    "audit:list": Route(staff(READERS)),
    "audit:export": Route(staff(READERS)),
    "audit:package": Route(staff(READERS), method="post", data={"lang": "en"}),
    "jobs:list": Route(staff(READERS)),
    "jobs:detail": Route(staff(READERS), kwargs=a_job),
    "requests:inbox": Route(staff(ROLES)),
    "requests:intake": Route(staff(HANDLERS)),
    "requests:detail": Route(staff(ROLES), kwargs=a_request),
    **{f"requests:{step}": Route(staff(HANDLERS, ok=302), method="post", kwargs=a_request) for step in REQUEST_STEPS},
    # Agents handle requests but cannot approve an erasure.
    "requests:approve": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_request),
    # Proofs of identity: for those who handle requests, not for auditors.
    "requests:attachment": Route(staff(HANDLERS), kwargs=an_attachment),
    "requests:letter": Route(staff(ROLES), kwargs=a_letter),
    "requests:directive": Route(staff(HANDLERS), kwargs=a_directive),
    "retention:overview": Route(staff(ROLES)),
    "retention:run": Route(staff(MANAGERS, ok=302), method="post", data={"dry_run": "on"}),
    "retention:forecast": Route(staff(MANAGERS, ok=302), method="post"),
    "retention:hold_place": Route(
        staff(MANAGERS, ok=302), method="post", data={"reason": "authority", "reference": "CNIL-1", "tenant": "t-1"}
    ),
    "retention:hold_lift": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_case_hold),
    "discovery:overview": Route(staff(READERS)),
    "discovery:run": Route(staff(MANAGERS, ok=302), method="post", data={"rows": "50"}),
    "discovery:decision": Route(
        staff(MANAGERS, ok=302),
        method="post",
        kwargs=a_scan,
        data={"finding": "crm.contacts.c9", "decision": "accepted"},
    ),
    # The breach register: read by the DPO, the administrator and auditors; kept by the first two.
    "breaches:list": Route(staff(READERS)),
    "breaches:declare": Route(staff(MANAGERS)),
    "breaches:export": Route(staff(READERS)),
    "breaches:detail": Route(staff(READERS), kwargs=a_breach),
    "breaches:edit": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_breach, data=BREACH_EDIT),
    "breaches:notify": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_breach, data=BREACH_NOTICE),
    "breaches:notify_clients": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_breach),
    "breaches:count_clients": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_breach),
    "breaches:close": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_breach),
    "breaches:document": Route(staff(READERS), kwargs=a_breach_document),
    # Authority requests: read like the breach register; each step comes back to the request's page.
    "authority:list": Route(staff(READERS)),
    "authority:create": Route(staff(MANAGERS, ok=302), method="post", data=AUTHORITY_FORM),
    "authority:detail": Route(staff(READERS), kwargs=an_authority_request),
    **{
        f"authority:{step}": Route(staff(MANAGERS, ok=302), method="post", kwargs=an_authority_request)
        for step in ("plan", "disclose", "tell_client", "person_told", "hold")
    },
    "authority:refuse": Route(
        staff(MANAGERS, ok=302), method="post", kwargs=an_authority_request, data={"reason": "Not compelled."}
    ),
    # Authorised staff: read like the other registers; every record comes back to the person's page.
    "authorised:list": Route(staff(READERS)),
    "authorised:create": Route(staff(MANAGERS, ok=302), method="post", data=DESIGNATION_FORM),
    "authorised:detail": Route(staff(READERS), kwargs=an_authorised_person),
    "authorised:designation": Route(staff(READERS), kwargs=an_authorised_person),
    **{
        f"authorised:{step}": Route(
            staff(MANAGERS, ok=302), method="post", kwargs=an_authorised_person, data={"on": "2026-02-01"}
        )
        for step in ("signed", "undertaking", "trained", "end")
    },
    # Impact assessments: read like the registers; every change comes back to the version's page.
    "dpia:list": Route(staff(READERS)),
    "dpia:create": Route(staff(MANAGERS, ok=302), method="post", data={"activity": "support"}),
    "dpia:detail": Route(staff(READERS), kwargs=a_dpia_version),
    "dpia:document": Route(staff(READERS), kwargs=a_dpia_version),
    "dpia:assess": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_dpia_version, data=dpia_assessment_form()),
    "dpia:validate": Route(
        staff(MANAGERS, ok=302),
        method="post",
        kwargs=a_dpia_version,
        data={"name": "Hugo Leroy", "role": "dpo", "on": "2026-02-01"},
    ),
    # The draft's residual risk is not high: the consultation is refused with the form again (400).
    "dpia:consultation": Route(
        staff(MANAGERS, ok=400), method="post", kwargs=a_dpia_version, data={"sent_on": "2026-02-01"}
    ),
    # Client instructions: everyone on the clients sees their log; those who handle requests log them; only
    # the DPO and the administrator flag one as unlawful (the client is e-mailed). An empty form: 400.
    "instructions:list": Route(staff(ROLES)),
    "instructions:create": Route(staff(HANDLERS, ok=400), method="post"),
    "instructions:export": Route(staff(ROLES)),
    "instructions:detail": Route(staff(ROLES), kwargs=an_instruction),
    "instructions:flag": Route(
        staff(MANAGERS, ok=302), method="post", kwargs=an_instruction, data={"reason": "No legal basis."}
    ),
    # Audits: read like the registers; scheduled, packaged and closed by the DPO and the administrator.
    "inspections:list": Route(staff(READERS)),
    "inspections:create": Route(staff(MANAGERS, ok=302), method="post", data=AUDIT_FORM),
    "inspections:detail": Route(staff(READERS), kwargs=an_inspection),
    "inspections:download": Route(staff(READERS), kwargs=an_inspection),
    "inspections:package": Route(staff(MANAGERS, ok=302), method="post", kwargs=an_inspection, data={"lang": "en"}),
    "inspections:close": Route(staff(MANAGERS, ok=302), method="post", kwargs=an_inspection, data={"status": "done"}),
    "clients:list": Route(staff(ROLES)),
    "clients:create": Route(
        staff(MANAGERS, ok=302),
        method="post",
        data={"name": "Client", "tenant": "tenant-042", "contact_email": "dpo@client.example", "language": "fr"},
    ),
    "clients:detail": Route(staff(ROLES), kwargs=a_client),
    "clients:edit": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_client, data=CLIENT_EDIT),
    "clients:end": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_client, data={"contract_end": "2026-01-01"}),
    "clients:certificate": Route(staff(ROLES), kwargs=an_offboarded_client),
    # The processor record (Art. 30(2)) names the clients: those who see the clients may download it.
    "clients:record": Route(staff(ROLES)),
    "clients:client_record": Route(staff(ROLES), kwargs=a_client),
    # The client's contact has no account: the export's secret link is enough, for anyone, until it expires.
    "clients:export": Route(everyone(200), kwargs=an_export_link),
    "consent:ledger": Route(staff(ROLES)),
    "consent:person": Route(staff(ROLES), method="post", data={"email": "ada@example.org"}),
    "consent:record": Route(
        staff(HANDLERS, ok=302),
        method="post",
        data={"email": "ada@example.org", "purpose": "prospecting", "state": "given", "lang": "fr"},
    ),
    "consent:proof": Route(staff(READERS), method="post", data={"email": "ada@example.org"}),
    # The unsubscribe link and the privacy signal are public: the link's secret is the only proof needed.
    "consent:unsubscribe": Route(everyone(200), kwargs=an_unsubscribe_link),
    "consent:gpc": Route(everyone(200)),
    # Sub-processor notices: read like the registers, sent by the DPO and the administrator.
    "notices:list": Route(staff(READERS)),
    "notices:detail": Route(staff(READERS), kwargs=a_campaign),
    "notices:send": Route(staff(MANAGERS, ok=302), method="post", kwargs=a_campaign),
    "notices:settle": Route(staff(MANAGERS, ok=302), method="post"),
    "notices:open": Route(staff(MANAGERS, ok=302), method="post"),
    # The client's contact has no account: the notice's signed link is enough, for anyone, while it is the last.
    "notices:answer": Route(everyone(200), kwargs=a_notice_link),
    # Published versions: every role reads them and their documents; the notice on any date is public.
    "versions:list": Route(staff(ROLES)),
    "versions:document": Route(staff(ROLES), kwargs=a_published_version),
    "versions:notice": Route(everyone(200)),
    # The privacy portal is public: the same for everyone, staff or not.
    "portal:home": Route(everyone(200)),
    "portal:form": Route(everyone(200), kwargs=lambda people: {"kind": "access"}),
    "portal:verify": Route(everyone(200), kwargs=a_challenge),
    "portal:resend": Route(everyone(302), method="post", kwargs=a_challenge),
    "portal:confirm": Route(everyone(200), kwargs=a_token),
    "portal:status": Route(everyone(200), kwargs=a_status_link),
    "portal:status-download": Route(everyone(200), kwargs=a_status_link),
    "portal:download": Route(everyone(200), kwargs=a_download_link),
    # The REST API and the OpenGDPR intake: a console session does not authenticate them (bearer tokens only;
    # tests/web/api/ walks their permissions token by token). Their schemas and documentation are public.
    **API_MATRIX,
}


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """The name of every URL pattern, with its namespace (`audit:list`); an unnamed pattern fails."""
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names.extend(url_names(pattern, prefix))
        else:
            assert isinstance(pattern, URLPattern)
            assert pattern.name, f"URL pattern {pattern.pattern} has no name: the matrix cannot cover it"
            names.append(namespace + pattern.name)
    return names


def test_every_url_is_in_the_matrix():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert not missing, f"add these URLs to the permission matrix: {missing}"


def test_the_matrix_names_no_url_that_is_gone():
    assert not sorted(set(MATRIX) - set(url_names()))


@pytest.mark.parametrize("row", sorted(MATRIX.items()), ids=lambda item: item[0])
def test_every_row_says_what_every_person_gets(row):
    name, route = row
    assert set(route.expect) == set(PEOPLE), name


CASES = [(name, person) for name in sorted(MATRIX) for person in PEOPLE]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "person"), CASES, ids=[f"{name}-{person}" for name, person in CASES])
def test_each_person_gets_the_expected_status(name, person, people, client_for):
    route = MATRIX[name]
    url = reverse(name, kwargs=route.kwargs(people) if route.kwargs else None)
    response = getattr(client_for(people[person]), route.method)(url, route.data)
    assert response.status_code == route.expect[person], f"{route.method.upper()} {url} as {person}"
    if person == "anonymous" and route.expect[person] == LOGIN and name != "root":
        assert response["Location"].startswith(reverse("accounts:login")) or route.method == "post"
