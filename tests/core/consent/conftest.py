"""A small policy with a consent purpose, an opt-out purpose and a purpose that is neither."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from registre.core.policy import Policy, check_policy

POLICY = """\
registre: 1
effective: 2026-01-01
organisation:
  name: Petite Boîte SAS
  contacts:
    requests: {email: privacy@petite.fr}
systems:
  crm:
    url: sqlite:///crm.sqlite
    location: FR
    datasets:
      contacts:
        subject: prospects
        identity: {email: email}
        fields:
          email: {category: contact.email}
          last_contact_at: {type: datetime}
activities:
  partners:
    name: {fr: Offres des partenaires, en: Partners' offers}
    purpose: {fr: Transmission aux partenaires, en: Sharing with partners}
    legal_basis: consent
    data_subjects: [prospects]
    datasets: [crm.contacts]
    retention: {keep: P3Y, from: crm.contacts.last_contact_at}
    security: [access_control]
    sale_or_sharing: true
    consent:
      renewal: P2Y
      wording:
        - {version: v1, since: 2025-01-01, text: {fr: J'accepte (v1), en: I agree (v1)}}
        - {version: v2, since: 2026-06-01, text: {fr: J'accepte (v2), en: I agree (v2)}}
  newsletter:
    name: Lettre d'information
    purpose: Lettre d'information
    legal_basis: legitimate_interest
    legitimate_interest: Faire connaître nos services
    data_subjects: [prospects]
    datasets: [crm.contacts]
    retention: {keep: P3Y, from: crm.contacts.last_contact_at}
    security: [access_control]
  billing:
    name: Facturation
    purpose: Facturation
    legal_basis: legal_obligation
    data_subjects: [prospects]
    datasets: [crm.contacts]
    retention: {keep: P10Y, from: crm.contacts.last_contact_at}
    security: [backup]
"""


@pytest.fixture
def write_policy(tmp_path: Path) -> Callable[..., Path]:
    """The policy above with `(old, new)` replacements, each of which must match once."""

    def write(*replacements: tuple[str, str]) -> Path:
        text = POLICY
        for old, new in replacements:
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        path = tmp_path / "registre.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def policy(write_policy: Callable[..., Path]) -> Policy:
    loaded = check_policy(write_policy(), {})
    assert loaded.policy is not None and not loaded.errors, loaded.diagnostics
    return loaded.policy


SITES = """\
sites:
  www:
    url: https://www.petite.fr
    name: {fr: Site public, en: Public website}
    wording:
      - {version: c1, text: {fr: Accepter les cookies de mesure, en: Accept measurement cookies}}
    cookies:
      - {name: sessionid, purpose: {fr: Session, en: Session}, duration: session, essential: true, consent: false}
      - name: _pk_id
        purpose: {fr: Mesure d'audience, en: Audience measurement}
        duration: P13M
        party: third
        provider: Matomo
  app:
    url: https://app.petite.fr
    cookies: []
"""


@pytest.fixture
def sites_policy_path(write_policy: Callable[..., Path]) -> Path:
    return write_policy(("activities:\n", SITES + "activities:\n"))
