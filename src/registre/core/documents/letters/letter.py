"""A response letter laid out once, then written as HTML, PDF or a plain-text email body.

The frame is the same for every kind of letter: the organisation's
letterhead, the place and date, the subject and the day the request was
received (Art. 12(3) counts the time limit from receipt), the salutation, the
body, the closing and the signature of the data protection officer (Art.
38(4): people may contact the DPO about all issues related to their rights),
or of the organisation when it has none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from registre.core.documents.dates import format_long_date
from registre.core.documents.parties import Party, contact_party, organisation_party
from registre.core.documents.vocabulary import policy_taxonomy, translator
from registre.core.policy import Policy


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the body; `quoted` sets apart a text we did not write (the stated reason)."""

    text: str
    quoted: bool = False

    @property
    def items(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Items:
    """A sentence introducing a list, and the list."""

    text: str
    items: tuple[str, ...]

    @property
    def quoted(self) -> bool:
        return False


Block = Paragraph | Items


@dataclass(frozen=True)
class Letter:
    """Everything a letter says, in one language."""

    lang: str
    date: dt.date
    organisation: Party
    legal_line: str
    addressee: str
    place_date: str
    subject: str
    received: str
    salutation: str
    blocks: tuple[Block, ...]
    closing: str
    email_closing: str
    signatory: tuple[str, ...]


def frame_letter(
    policy: Policy,
    lang: str,
    *,
    subject: str,
    blocks: tuple[Block, ...],
    today: dt.date,
    received: dt.date | None,
    requester_name: str | None,
) -> Letter:
    """The letter of `blocks`, with the organisation's letterhead and the DPO's signature."""
    _ = translator(lang)
    taxonomy = policy_taxonomy(policy)
    organisation = organisation_party(policy.organisation, taxonomy, lang)
    dpo = contact_party(policy.organisation.contacts.dpo, taxonomy, lang)
    received_line = _("Request received on %(date)s") % {"date": format_long_date(received, lang)} if received else ""
    return Letter(
        lang=lang,
        date=today,
        organisation=organisation,
        legal_line=legal_line(policy, organisation),
        addressee=requester_name or "",
        place_date=place_and_date(organisation, today, lang),
        subject=subject,
        received=received_line,
        salutation=_("Dear %(name)s,") % {"name": requester_name} if requester_name else _("Dear Sir or Madam,"),
        blocks=(*blocks, contact_paragraph(policy, dpo, lang)),
        # British usage: "sincerely" to a named person, "faithfully" otherwise.
        closing=_("Yours sincerely,") if requester_name else _("Yours faithfully,"),
        email_closing=_("Kind regards,"),
        signatory=signatory(dpo, organisation, lang),
    )


def legal_line(policy: Policy, organisation: Party) -> str:
    """ "Nuage Exemple SAS, SAS au capital de 120 000 €, RCS Lille Métropole 912 345 678 — 12 rue de la Clef…"."""
    identity = ", ".join(
        part for part in (organisation.name, policy.organisation.legal_form, policy.organisation.registration) if part
    )
    return " — ".join(part for part in (identity, organisation.address_line) if part)


def place_and_date(organisation: Party, today: dt.date, lang: str) -> str:
    """ "Lille, le 23 novembre 2026" / "Lille, 23 November 2026"; the date alone without a city."""
    date = format_long_date(today, lang)
    if not organisation.city:
        return date
    _ = translator(lang)
    return _("%(city)s, %(date)s") % {"city": organisation.city, "date": date}


def signatory(dpo: Party, organisation: Party, lang: str) -> tuple[str, ...]:
    """The DPO's name and title, then the organisation; the organisation alone when no DPO is named."""
    _ = translator(lang)
    if not dpo.full_name or dpo.full_name == dpo.company:
        return (organisation.name,)
    return (dpo.full_name, _("Data protection officer"), organisation.name)


def contact_paragraph(policy: Policy, dpo: Party, lang: str) -> Paragraph:
    """Where to write with a question: the DPO's address, else the address for requests."""
    _ = translator(lang)
    email = dpo.email or policy.organisation.contacts.requests.email
    if dpo.email:
        return Paragraph(
            _("For any question about this letter, you can contact our data protection officer at %(email)s.")
            % {"email": email}
        )
    if email:
        return Paragraph(_("For any question about this letter, you can write to us at %(email)s.") % {"email": email})
    return Paragraph(_("For any question about this letter, you can write to us at the address above."))
