"""Fixtures for the policy tests: a small valid policy as text, and a writer of its variants."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

VALID = """\
registre: 1
effective: 2026-01-01
organisation:
  name: Petite Boîte SAS
  country: FR
  contacts:
    dpo: {name: DPO, email: dpo@petite.fr}
    requests: {email: privacy@petite.fr}
systems:
  crm:
    url: ${CRM_URL:-sqlite:///crm.sqlite}
    location: FR
    datasets:
      contacts:
        subject: client_contacts
        identity: {email: email}
        fields:
          email: {category: contact.email, required: true}
          last_name: identification.last_name
          last_contact_at: {type: datetime}
      invoices:
        references: {contact_id: contacts.id}
        fields:
          contact_id: {}
          number: economic.invoice
          issued_at: {type: date}
        holds:
          - {reference: fr.commerce.L123-22, from: issued_at}
activities:
  prospecting:
    name: {fr: Prospection, en: Prospecting}
    purpose: {fr: Prospection commerciale, en: Prospecting}
    legal_basis: legitimate_interest
    legitimate_interest: {fr: Développer notre activité, en: Growing our business}
    data_subjects: [client_contacts]
    datasets: [crm.contacts]
    retention: {keep: P3Y, from: crm.contacts.last_contact_at}
    security: [access_control]
  billing:
    name: Facturation
    purpose: Facturation
    legal_basis: legal_obligation
    data_subjects: [customers]
    datasets: [crm.invoices]
    retention: {keep: P10Y, from: crm.invoices.issued_at}
    security: [backup]
"""


PolicyWriter = Callable[..., Path]


@pytest.fixture
def valid_text() -> str:
    return VALID


@pytest.fixture
def write_policy(tmp_path: Path) -> PolicyWriter:
    """Write the valid policy with `(old, new)` replacements applied, each of which must match once."""

    def write(*replacements: tuple[str, str], text: str = VALID, name: str = "registre.yaml") -> Path:
        for old, new in replacements:
            assert text.count(old) == 1, f"{old!r} must appear once in the policy text"
            text = text.replace(old, new)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
