"""A processor with two activities and five clients, before and after it engages a sub-processor in the US.

Messaging engages Zendesk (United States, Data Privacy Framework) from 1 March
2026. Acme, Delta and Patient (30 days) accept sub-processors unless they
object; Online's agreement demands its consent to transfers outside the EEA;
Quiet's contract covers archiving only, which does not change.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from registre.core.policy import Policy, load_policy

BEFORE = """\
registre: 1
effective: 2026-01-01
organisation:
  name: Petite Boîte SAS
  contacts:
    dpo: {name: DPO, email: dpo@petite.example}
    requests: {email: privacy@petite.example}
systems:
  platform:
    url: sqlite:///platform.sqlite
    location: FR
    datasets:
      messages:
        subject: end_users_of_clients
        tenant: tenant_id
        identity: {phone: recipient_phone}
        fields:
          tenant_id: {}
          recipient_phone: contact.phone
          sent_at: {type: datetime}
      archives:
        subject: end_users_of_clients
        tenant: tenant_id
        identity: {phone: recipient_phone}
        fields:
          tenant_id: {}
          recipient_phone: contact.phone
activities:
  messaging:
    name: Messagerie
    role: processor
    controllers: [{name: Les clients}]
    purpose: Envoi des messages des clients
    datasets: [platform.messages]
    processors: [smsco]
    retention: {keep: P10D, after: la fin du contrat}
    security: [encryption]
  archiving:
    name: Archivage
    role: processor
    controllers: [{name: Les clients}]
    purpose: Archivage des messages des clients
    datasets: [platform.archives]
    processors: [smsco]
    retention: {keep: P1Y, after: l'envoi}
    security: [encryption]
processors:
  smsco: {name: SMS Co, country: FR, purpose: Acheminement des SMS}
clients:
  acme:
    name: Acme SAS
    tenant: tenant-a
    contact: {email: dpo@acme.example}
    activities: [messaging]
  online:
    name: Online Client SA
    tenant: tenant-b
    contact: {email: dpo@online.example}
    activities: [messaging]
    agreement: {transfers: consent}
  patient:
    name: Patient SARL
    tenant: tenant-c
    contact: {email: rgpd@patient.example}
    agreement: {objection_days: 30}
  delta:
    name: Delta SAS
    tenant: tenant-d
    contact: {email: dpo@delta.example}
    activities: [messaging]
  quiet:
    name: Quiet SAS
    tenant: tenant-e
    contact: {email: dpo@quiet.example}
    activities: [archiving]
"""

ZENDESK = (
    "  zendesk:\n"
    "    name: Zendesk Inc.\n"
    "    country: US\n"
    "    purpose: {fr: Outil d'assistance, en: Support ticketing tool}\n"
    "    safeguard: dpf\n"
    "    adequacy_scope: dpf\n"
)
AFTER = (
    BEFORE.replace("effective: 2026-01-01", "effective: 2026-03-01")
    .replace(
        "Envoi des messages des clients\n    datasets: [platform.messages]\n    processors: [smsco]",
        "Envoi des messages des clients\n    datasets: [platform.messages]\n    processors: [smsco, zendesk]",
    )
    .replace("clients:\n", ZENDESK + "clients:\n", 1)
)


def write_versions(folder: Path) -> tuple[Path, Path]:
    """The two versions as files of `folder`: (before, after)."""
    before, after = folder / "before.yaml", folder / "after.yaml"
    before.write_text(BEFORE, encoding="utf-8")
    after.write_text(AFTER, encoding="utf-8")
    return before, after


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Policy, Policy]:
    before, after = write_versions(tmp_path)
    return load_policy(before, environ={}), load_policy(after, environ={})
