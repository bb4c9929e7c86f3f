"""API tests generated from the OpenAPI schemas: every documented operation exists and keeps its word.

For each operation of /api/openapi.json and /opengdpr/openapi.json, the walk:

1. finds an example call in EXAMPLES (an operation without one fails: document it, then add it);
2. checks the example's body against the operation's request schema;
3. calls the operation without a token, with a token that may do nothing, and with the example: each
   answer has a status code the operation documents, the media type it documents for that status,
   and a body that validates against that status' schema (JSON Schema 2020-12, formats checked).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker

from registre.web.accounts.actions import create_token
from registre.web.api.actions import file_request
from registre.web.api.webhooks import create_webhook, ping_webhook
from registre.web.authorised.actions import designate
from registre.web.authority.actions import record_request as record_authority_request
from registre.web.breaches.actions import declare_breach
from registre.web.inspections.actions import schedule_inspection
from registre.web.instructions.actions import record_instruction
from registre.web.notices.models import Campaign
from registre.web.policy import current_policy
from registre.web.requests import actions
from registre.web.requests.models import DataRequest
from registre.web.requests.tasks import perform_execution
from registre.web.versions.actions import publish_version

SCHEMAS = ("/api/openapi.json", "/opengdpr/openapi.json")  # the namespace of each API is its first segment


@dataclass
class Call:
    """An example call of an operation: its path parameters, query, body, and whether a token is sent."""

    path: dict[str, str] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None


@dataclass
class World:
    """What the examples act on: the demo workspace, a DPO, and a token of theirs with every API action."""

    workspace: Any
    dpo: Any
    clients: list[Any]
    token: str = ""

    def __post_init__(self) -> None:
        actions_ = ["requests.view", "requests.handle", "requests.approve_erasure", "requests.create"]
        consent = ["consent.view", "consent.record", "consent.suppressions", "consent.links"]
        registers = ["authority.view", "authority.manage", "retention.hold", "authorised.view", "authorised.manage"]
        registers += ["instructions.view", "instructions.record", "instructions.flag"]
        registers += ["inspections.view", "inspections.manage", "audit.export", "notices.view", "notices.manage"]
        every = [*actions_, "webhooks.manage", "breaches.view", "breaches.manage", *consent, *registers]
        self.token_row, self.token = create_token(self.dpo, "walk", every)

    def email(self, sample: int = 1) -> str:
        return str(self.workspace.sample(sample)["email"])

    def received(self, kind: str = "access") -> DataRequest:
        return actions.create_request(kind=kind, channel="email", email=self.email(), actor="system")

    def in_review(self, kind: str = "access") -> DataRequest:
        request = self.received(kind)
        actions.verify_identity(request, "system", method="manual")
        request.refresh_from_db()
        return request

    def awaiting_approval(self) -> DataRequest:
        request = self.in_review("erasure")
        actions.request_approval(request, "system")
        return request

    def forwarded(self) -> DataRequest:
        request = self.in_review()
        actions.forward_to_client(request, "system", self.clients[0])
        return request

    def completed_access_filed_by_the_token(self) -> DataRequest:
        self.token_row.actions = [*self.token_row.actions, "requests.create_verified"]
        self.token_row.save()
        request, _status = file_request(self.token_row, kind="access", email=self.email())
        actions.execute_request(request, "system")
        perform_execution(request.pk)
        return request

    def breach(self) -> str:
        aware_at = dt.datetime.fromisoformat(BREACH["aware_at"])
        return declare_breach(self.dpo, **{**BREACH, "aware_at": aware_at}).reference

    def campaign(self) -> str:
        """A campaign with one notice sent to the first demo client."""
        effective = dt.date.today() + dt.timedelta(days=30)
        campaign = Campaign.objects.create(
            reference="N-2026-0001", effective=effective, old_label="v1.yaml", new_label="v2.yaml"
        )
        campaign.notices.create(
            client=self.clients[0],
            terms="objection",
            days=15,
            opens=effective - dt.timedelta(days=15),
            effective=effective,
            items=[{"processor": "zendesk", "name": "Zendesk Inc.", "purpose": {}, "country": "US", "location": "US"}],
        )
        return campaign.reference

    def published_change(self) -> int:
        """Two published versions: the second engages Zendesk for the hosted messaging of the demo's clients."""
        policy = current_policy()
        assert policy is not None
        today = dt.date.today()
        publish_version("system", policy, effective=today - dt.timedelta(days=10))
        messaging = policy.activities["hosted-messaging"]
        wider = messaging.model_copy(update={"processors": [*messaging.processors, "zendesk"]})
        new = policy.model_copy(update={"activities": {**policy.activities, "hosted-messaging": wider}})
        return publish_version("system", new, effective=today + dt.timedelta(days=40)).pk

    def authority_request(self) -> str:
        found = record_authority_request(self.dpo, **{**AUTHORITY, "email": self.email()})
        return found.reference

    def authorised_person(self) -> str:
        return str(designate(self.dpo, **PERSON, activities=[], systems=[]).pk)

    def instruction(self) -> str:
        return record_instruction(self.dpo, client=self.clients[0], **INSTRUCTION).reference

    def inspection(self) -> str:
        today = dt.date.today()
        return schedule_inspection(
            self.dpo, by="authority", auditor="CNIL", requested_on=today, onsite_on=today
        ).reference

    def webhook(self) -> str:
        hook, _secret = create_webhook(self.dpo, url="https://ops.example.com/registre")
        ping_webhook(hook, self.dpo)
        return str(hook.public_id)

    def opengdpr_submission(self) -> dict[str, Any]:
        return {
            "subject_request_id": str(uuid.uuid4()),
            "subject_request_type": "erasure",
            "submitted_time": "2026-01-05T10:00:00+00:00",
            "subject_identities": [
                {"identity_type": "email", "identity_value": self.email(), "identity_format": "raw"}
            ],
            "status_callback_urls": ["https://controller.example.com/callbacks"],
        }

    def opengdpr_request(self) -> str:
        body = self.opengdpr_submission()
        response = Client().post(
            "/opengdpr/v1/requests", body, content_type="application/json", headers={"Authorization": self.bearer}
        )
        assert response.status_code == 201, response.content
        return str(body["subject_request_id"])

    @property
    def bearer(self) -> str:
        return f"Bearer {self.token}"


BREACH: dict[str, Any] = {
    "title": "Misdirected export",
    "aware_at": "2026-01-05T10:00:00+00:00",
    "datasets": ["crm.contacts"],
    "natures": ["confidentiality"],
    "description": "An export was sent to the wrong customer.",
}


AUTHORITY: dict[str, Any] = {
    "authority": "Tribunal judiciaire de Lille",
    "legal_basis": "CPP art. 60-1",
    "data_requested": "Connection logs",
    "compelled": True,
}
PERSON: dict[str, Any] = {"full_name": "Inès Martin", "job_title": "Support", "designated_on": dt.date(2026, 1, 5)}
INSTRUCTION: dict[str, Any] = {
    "channel": "letter",
    "given_by": "Their DPO",
    "text": "Keep the message logs 90 days.",
    "activities": ["hosted-messaging"],
}


def request_call(state: Callable[[World], DataRequest], body: Any = None) -> Callable[[World], Call]:
    return lambda world: Call(path={"request_id": state(world).reference}, body=body)


EXAMPLES: dict[str, Callable[[World], Call]] = {
    # /api/v1/
    "api:request_create": lambda w: Call(body={"kind": "access", "identities": {"email": w.email()}, "lang": "en"}),
    "api:request_list": lambda w: (w.in_review(), Call(query={"state": "review", "limit": 10}))[1],
    "api:request_detail": request_call(World.in_review),
    "api:request_export": lambda w: Call(path={"request_id": str(w.completed_access_filed_by_the_token().public_id)}),
    "api:request_verify": request_call(World.received, {"note": "proof of identity attached"}),
    "api:request_plan": request_call(World.in_review),
    "api:request_request_approval": request_call(lambda w: w.in_review("erasure"), {"note": ""}),
    "api:request_approve": request_call(World.awaiting_approval, {"note": "checked"}),
    "api:request_execute": request_call(World.in_review, {}),
    "api:request_refuse": request_call(World.received, {"reason": "Manifestly unfounded."}),
    "api:request_extend": request_call(World.received, {"months": 1, "reason": "Many systems to search."}),
    "api:request_cancel": request_call(World.received, {"reason": "duplicate"}),
    "api:request_forward": lambda w: Call(
        path={"request_id": w.in_review().reference}, body={"client": w.clients[0].tenant}
    ),
    "api:request_instruction": request_call(World.forwarded, {"instruction": "Please erase.", "given_by": "Their DPO"}),
    "api:token": lambda w: Call(),
    "api:breach_list": lambda w: (w.breach(), Call())[1],
    "api:breach_create": lambda w: Call(body=BREACH),
    "api:breach_detail": lambda w: Call(path={"reference": w.breach()}),
    "api:breach_notification": lambda w: Call(
        path={"reference": w.breach()},
        body={"recipient": "authority", "sent_at": "2026-01-06T09:00:00+00:00", "reference": "CNIL-1"},
    ),
    "api:breach_notify_clients": lambda w: Call(path={"reference": w.breach()}, body={}),
    "api:notice_campaign_list": lambda w: (w.campaign(), Call())[1],
    "api:notice_campaign_detail": lambda w: Call(path={"reference": w.campaign()}),
    "api:notice_campaign_create": lambda w: Call(body={"version": w.published_change()}),
    "api:authority_list": lambda w: (w.authority_request(), Call(query={"limit": 10}))[1],
    "api:authority_create": lambda w: Call(body={**AUTHORITY, "client": w.clients[0].tenant}),
    "api:authority_detail": lambda w: Call(path={"reference": w.authority_request()}),
    "api:authority_plan": lambda w: Call(path={"reference": w.authority_request()}),
    "api:authority_disclose": lambda w: Call(path={"reference": w.authority_request()}),
    "api:authority_refuse": lambda w: Call(
        path={"reference": w.authority_request()}, body={"reason": "Not compelled."}
    ),
    "api:authority_tell_client": lambda w: Call(
        path={"reference": record_authority_request(w.dpo, **AUTHORITY, client=w.clients[0]).reference}
    ),
    "api:authority_person_told": lambda w: Call(path={"reference": w.authority_request()}),
    "api:authority_hold": lambda w: Call(path={"reference": w.authority_request()}),
    "api:authorised_list": lambda w: (w.authorised_person(), Call(query={"active": True}))[1],
    "api:authorised_create": lambda w: Call(
        body={**PERSON, "designated_on": "2026-01-05", "activities": ["support"], "systems": ["crm"]}
    ),
    "api:authorised_detail": lambda w: Call(path={"person_id": w.authorised_person()}),
    "api:authorised_update": lambda w: Call(
        path={"person_id": w.authorised_person()}, body={"last_trained_on": "2026-02-01"}
    ),
    "api:instruction_list": lambda w: (w.instruction(), Call(query={"client": w.clients[0].tenant}))[1],
    "api:instruction_create": lambda w: Call(body={**INSTRUCTION, "client": w.clients[0].tenant}),
    "api:instruction_detail": lambda w: Call(path={"reference": w.instruction()}),
    "api:instruction_flag": lambda w: Call(path={"reference": w.instruction()}, body={"reason": "No legal basis."}),
    "api:inspection_list": lambda w: (w.inspection(), Call())[1],
    "api:inspection_create": lambda w: Call(
        body={
            "by": "client",
            "client": w.clients[0].tenant,
            "auditor": "Audit & Co",
            "requested_on": "2027-01-02",
            "onsite_on": "2027-03-31",
        }
    ),
    "api:inspection_detail": lambda w: Call(path={"reference": w.inspection()}),
    "api:inspection_package": lambda w: Call(path={"reference": w.inspection()}, body={"lang": "en"}),
    "api:inspection_close": lambda w: Call(path={"reference": w.inspection()}, body={"status": "done"}),
    "api:webhook_list": lambda w: (w.webhook(), Call())[1],
    "api:webhook_create": lambda w: Call(body={"url": "https://ops.example.com/registre", "description": "ops"}),
    "api:webhook_detail": lambda w: Call(path={"webhook_id": w.webhook()}),
    "api:webhook_update": lambda w: Call(path={"webhook_id": w.webhook()}, body={"active": False}),
    "api:webhook_delete": lambda w: Call(path={"webhook_id": w.webhook()}),
    "api:webhook_rotate_secret": lambda w: Call(path={"webhook_id": w.webhook()}),
    "api:webhook_ping": lambda w: Call(path={"webhook_id": w.webhook()}),
    "api:webhook_deliveries": lambda w: Call(path={"webhook_id": w.webhook()}),
    "api:consent_suppressions": lambda w: Call(query={"since": "2026-01-01T00:00:00+00:00", "limit": 10}),
    "api:consent_record": lambda w: Call(
        body={"email": w.email(), "purpose": "prospecting", "state": "given", "method": "form", "lang": "en"}
    ),
    "api:consent_standing": lambda w: Call(body={"email": w.email()}),
    "api:consent_links": lambda w: Call(
        body={"recipients": [{"email": w.email(), "purpose": "prospecting", "lang": "en"}]}
    ),
    # /opengdpr/v1/
    "opengdpr:discovery": lambda w: Call(),
    "opengdpr:request_submit": lambda w: Call(body=w.opengdpr_submission()),
    "opengdpr:request_status": lambda w: Call(path={"subject_request_id": w.opengdpr_request()}),
    "opengdpr:request_cancel": lambda w: Call(path={"subject_request_id": w.opengdpr_request()}),
}

# What any valid token may call: reading what the token itself may do.
NEEDS_NO_ACTION = {"api:token"}


def load_schemas() -> list[tuple[str, dict[str, Any]]]:
    return [(url, Client(HTTP_HOST="localhost").get(url).json()) for url in SCHEMAS]


def operations(with_body: bool = False) -> list[tuple[str, str, str, str]]:
    """(schema URL, path, method, example key) of every documented operation (that takes a body)."""
    found = []
    for url, schema in load_schemas():
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                key = f"{url.split('/')[1]}:{operation['operationId']}"  # the URL name: api:request_create
                if "requestBody" in operation or not with_body:
                    found.append((url, path, method, key))
    return found


OPERATIONS, WITH_BODY = operations(), operations(with_body=True)


def test_every_documented_operation_has_an_example_and_every_example_an_operation():
    documented = {key for *_rest, key in OPERATIONS}
    assert documented == set(EXAMPLES), f"missing: {documented - set(EXAMPLES)}; gone: {set(EXAMPLES) - documented}"


def test_the_schemas_are_openapi_3_1_with_the_bearer_scheme():
    for _url, schema in load_schemas():
        assert schema["openapi"].startswith("3.1")
        assert schema["components"]["securitySchemes"]["StaffToken"] == {"type": "http", "scheme": "bearer"}


def test_the_documentation_pages_are_served():
    for page in ("/api/docs", "/opengdpr/docs"):
        response = Client().get(page)
        assert response.status_code == 200 and b"swagger-ui" in response.content


def validate(schema_doc: dict[str, Any], schema: dict[str, Any], instance: Any) -> None:
    """Validate `instance` against `schema`, whose $refs point into the OpenAPI document's components."""
    Draft202012Validator({**schema, "components": schema_doc["components"]}, format_checker=FormatChecker()).validate(
        instance
    )


def check_answer(schema_doc: dict[str, Any], operation: dict[str, Any], response: Any, label: str) -> None:
    status = str(response.status_code)
    assert status in operation["responses"], f"{label}: {status} is not documented ({response.content[:300]!r})"
    documented = operation["responses"][status].get("content", {})
    if not documented:
        assert not response.content, f"{label}: {status} documents no body"
        return
    media_type = response["Content-Type"].split(";")[0]
    assert media_type in documented, f"{label}: {media_type} not among {list(documented)}"
    if media_type.endswith("json"):
        validate(schema_doc, documented[media_type]["schema"], response.json())


def call(client: Client, method: str, path: str, example: Call, bearer: str | None) -> Any:
    url = path.format(**example.path)
    headers = {"Authorization": bearer} if bearer else {}
    if method in ("get", "delete"):
        return getattr(client, method)(url, example.query, headers=headers)
    return getattr(client, method)(url, example.body or {}, content_type="application/json", headers=headers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "path", "method", "key"), OPERATIONS, ids=[f"{m.upper()} {p}" for _u, p, m, _k in OPERATIONS]
)
def test_each_operation_answers_as_documented(url, path, method, key, workspace, dpo, demo_clients):
    schema_doc = dict(load_schemas())[url]
    operation = schema_doc["paths"][path][method]
    world = World(workspace, dpo, demo_clients)
    example = EXAMPLES[key](world)
    if example.body is not None:
        body_schema = operation["requestBody"]["content"]["application/json"]["schema"]
        validate(schema_doc, body_schema, example.body)
    client = Client()

    if operation.get("security"):
        anonymous = call(client, method, path, example, None)
        assert anonymous.status_code == 401
        check_answer(schema_doc, operation, anonymous, f"{key} without a token")
        powerless = f"Bearer {create_token(dpo, 'powerless', ['console.view'])[1]}"
        refused = call(client, method, path, example, powerless)
        assert refused.status_code in (403, 404) or key in NEEDS_NO_ACTION
        check_answer(schema_doc, operation, refused, f"{key} with a powerless token")

    answer = call(client, method, path, example, world.bearer)
    assert answer.status_code < 300, f"{key}: {answer.status_code} {answer.content[:500]!r}"
    check_answer(schema_doc, operation, answer, key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "path", "method", "key"), WITH_BODY, ids=[f"{m.upper()} {p}" for _u, p, m, _k in WITH_BODY]
)
def test_each_operation_refuses_a_malformed_body_as_documented(url, path, method, key, workspace, dpo, demo_clients):
    schema_doc = dict(load_schemas())[url]
    operation = schema_doc["paths"][path][method]
    world = World(workspace, dpo, demo_clients)
    example = EXAMPLES[key](world)
    response = Client().generic(
        method.upper(),
        path.format(**example.path),
        '{"not json',
        content_type="application/json",
        headers={"Authorization": world.bearer},
    )
    assert 400 <= response.status_code < 500
    check_answer(schema_doc, operation, response, f"{key} with a malformed body")
