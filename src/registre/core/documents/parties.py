"""The people and organisations that documents name, with their contact details.

Art. 30(1)(a) and 30(2)(a) ask for "the name and contact details" of the
controller or processor, its representative and its data protection
officer; Art. 13(1)(a) and (b) ask the same of a privacy notice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from registre.core.documents.vocabulary import country_name
from registre.core.policy.model import Address, Contact, Organisation
from registre.core.taxonomy import Taxonomy


@dataclass(frozen=True)
class Party:
    """A person or an organisation, flattened to the fields of the CNIL contact blocks.

    `name` is a person's family name or an organisation's name; `country` is
    the country's name in the document's language. Missing values are "".
    """

    name: str = ""
    first_name: str = ""
    company: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""

    @property
    def full_name(self) -> str:
        """ "Claire MARTIN", or the organisation's name."""
        return " ".join(part for part in (self.first_name, self.name) if part) or self.company

    @property
    def address_line(self) -> str:
        """ "12 rue de la Clef, 59000 Lille, France"."""
        locality = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street, locality, self.country) if part)

    @property
    def is_empty(self) -> bool:
        return not any(vars(self).values())


def contact_party(contact: Contact | None, taxonomy: Taxonomy, lang: str, *, address: Address | None = None) -> Party:
    """A declared contact as a Party; `address` stands in when the contact gives none."""
    if contact is None:
        return Party()
    return Party(
        name=contact.name or "",
        first_name=contact.first_name or "",
        company=contact.company or "",
        phone=contact.phone or "",
        email=contact.email or "",
        url=contact.url or "",
        **_address_fields(contact.address or address, taxonomy, lang),
    )


def organisation_party(organisation: Organisation, taxonomy: Taxonomy, lang: str) -> Party:
    """The organisation itself: its name, address, switchboard, email and website."""
    return Party(
        name=organisation.name,
        company=organisation.name,
        phone=organisation.phone or "",
        email=organisation.email or organisation.contacts.requests.email or "",
        url=organisation.website or "",
        **_address_fields(organisation.address, taxonomy, lang),
    )


def head_party(organisation: Organisation, taxonomy: Taxonomy, lang: str) -> Party:
    """The head of the organisation (the CNIL's "responsable de l'organisme"), reached at its address.

    Without a declared head, the organisation stands for itself.
    """
    if organisation.head is None:
        return organisation_party(organisation, taxonomy, lang)
    head = contact_party(organisation.head, taxonomy, lang, address=organisation.address)
    return replace(
        head,
        company=head.company or organisation.name,
        phone=head.phone or organisation.phone or "",
        email=head.email or organisation.email or "",
    )


def _address_fields(address: Address | None, taxonomy: Taxonomy, lang: str) -> dict[str, str]:
    if address is None:
        return {}
    return {
        "street": address.street or "",
        "postal_code": address.postal_code or "",
        "city": address.city or "",
        "country": country_name(taxonomy, address.country, lang),
    }
