"""The letters of a request: composed in the person's language, kept (encrypted) and sent by email.

The answers the core knows (access, erasure, rectification, restriction,
objection, refusal, extension, forwarded_to_client) come from
`render_response_letter`; the acknowledgement of a withdrawal of consent and
of directives for after death use the same letterhead and signature
(`frame_letter`) with a body written here. Notices to a client, for whom the
organisation is a processor, are plain emails in the client's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registre.core.documents import render_response_letter, response_letter_subject
from registre.core.documents.environment import render_template
from registre.core.documents.letters import LETTER_KINDS, Paragraph
from registre.core.documents.letters.letter import frame_letter
from registre.core.policy import Policy
from registre.web.clients.models import Client
from registre.web.requests.history import add_event
from registre.web.requests.models import DataRequest, Letter, Transition

# Letters written here, with the core's letterhead: their subject and their paragraphs.
OWN_LETTERS = ("withdrawal", "directive")


@dataclass(frozen=True)
class Composed:
    """A letter ready to send: to the person or to a client."""

    kind: str
    lang: str
    recipient: str  # "person" or "client"
    to: str
    subject: str
    text: str
    html: str = ""


def person_letter(request: DataRequest, kind: str, policy: Policy, **arguments: Any) -> Composed:
    """The letter of `kind` to the person, in their language; `arguments` as `render_response_letter` takes them."""
    common = {
        "lang": request.lang,
        "today": timezone.localdate(),
        "requester_name": request.requester_name or None,
        "received": request.received_on,
    }
    if kind in LETTER_KINDS:
        text = render_response_letter(kind, policy, fmt="txt", **common, **arguments).decode("utf-8")
        html = render_response_letter(kind, policy, fmt="html", **common, **arguments).decode("utf-8")
        subject = response_letter_subject(kind, request.lang)
    elif kind in OWN_LETTERS:
        subject, text, html = _own_letter(request, kind, policy, common["today"])
    else:
        raise ValueError(f"unknown letter {kind!r}")
    return Composed(kind, request.lang, "person", request.requester_email, subject, text, html)


def _own_letter(request: DataRequest, kind: str, policy: Policy, today: dt.date) -> tuple[str, str, str]:
    with translation.override(request.lang):
        if kind == "withdrawal":
            subject = _("Your withdrawal of consent")
            body = [
                _("We have recorded the withdrawal of your consent. We no longer process your data on that basis."),
                _(
                    "The withdrawal does not affect the lawfulness of processing based on consent before it "
                    "(Article 7(3) GDPR). Processing that rests on another legal basis continues, "
                    "for its purposes only."
                ),
            ]
        else:
            subject = _("Your directives for after your death")
            body = [
                _(
                    "We have recorded your directives on the storage, erasure and communication of your personal "
                    "data after your death."
                ),
                _(
                    "They will be carried out as you asked (Article 85 of the French Data Protection Act). You may "
                    "change or revoke them at any time by writing to us."
                ),
            ]
        blocks = tuple(Paragraph(str(text)) for text in body)
    letter = frame_letter(
        policy,
        request.lang,
        subject=str(subject),
        blocks=blocks,
        today=today,
        received=request.received_on,
        requester_name=request.requester_name or None,
    )
    text = render_template("letter.txt.j2", request.lang, letter=letter)
    html = render_template(
        "letter.html.j2", request.lang, letter=letter, title=letter.subject, author=letter.organisation.name, date=today
    )
    return str(subject), text, html


def client_notice(request: DataRequest, client: Client, policy: Policy, kind: str, **context: Any) -> Composed:
    """An email to `client`'s contact: `client_notice` (a request to answer) or `client_done` (executed)."""
    with translation.override(client.language):
        context = {
            "request": request,
            "client": client,
            "organisation": policy.organisation,
            "requests_email": policy.organisation.contacts.requests.email,
            "detail_lines": detail_lines(request),
            "summary_lines": summary_lines(context.pop("summary", None) or {}),
            **context,
        }
        text = render_to_string(f"requests/letters/{kind}.txt", context)
        subject = (
            _("Rights request %(reference)s about your data: your instruction is needed")
            if kind == "client_notice"
            else _("Rights request %(reference)s: executed on your instruction")
        ) % {"reference": request.reference}
    return Composed(kind, client.language, "client", client.contact_email, str(subject), text)


def send_letter(request: DataRequest, letter: Composed, policy: Policy, actor: Any = "system") -> Letter:
    """Keep `letter` with the request, record it in the timeline and the audit log, and email it."""
    reply_to = [policy.organisation.contacts.requests.email] if policy.organisation.contacts.requests.email else []
    email = EmailMultiAlternatives(
        subject=letter.subject,
        body=letter.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[letter.to],
        reply_to=reply_to,
    )
    if letter.html:
        email.attach_alternative(letter.html, "text/html")
    email.send()  # first: a letter is recorded as sent only once it is
    row = Letter.objects.create(
        request=request,
        kind=letter.kind,
        lang=letter.lang,
        recipient=letter.recipient,
        subject=letter.subject[:300],
        text=letter.text,
        html=letter.html,
    )
    add_event(
        request,
        "request.letter_sent",
        actor,
        event=Transition.Event.LETTER,
        note=letter.subject,
        details={"letter": letter.kind, "recipient": letter.recipient},
    )
    return row


def detail_lines(request: DataRequest) -> list[str]:
    """What the person asked for beyond the right itself, as lines (in the active language)."""
    details = request.details or {}
    lines = [
        _("Field to rectify: %(field)s, new value: %(value)s") % {"field": f, "value": v}
        for f, v in (details.get("changes") or {}).items()
    ]
    if details.get("message"):
        lines.append(_("Message: %(message)s") % {"message": details["message"]})
    return lines


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """What an execution did, dataset by dataset (in the active language)."""
    lines = []
    for part in summary.get("parts", []):
        if part.get("action") == "access":
            lines += [
                _("%(dataset)s: %(rows)d record(s) exported") % {"dataset": d, "rows": n}
                for d, n in part["datasets"].items()
                if n
            ]
            continue
        for system in part.get("systems", []):
            for dataset in system.get("datasets", []):
                reference = f"{dataset['system']}.{dataset['dataset']}"
                if "deleted" in dataset:
                    lines.append(
                        _("%(dataset)s: %(deleted)d deleted, %(anonymised)d anonymised, %(kept)d kept")
                        % {"dataset": reference, **{k: dataset[k] for k in ("deleted", "anonymised", "kept")}}
                    )
                elif dataset.get("changed"):
                    lines.append(
                        _("%(dataset)s: %(changed)d record(s) changed")
                        % {"dataset": reference, "changed": dataset["changed"]}
                    )
    return lines or [_("No record of the person was found.")]
