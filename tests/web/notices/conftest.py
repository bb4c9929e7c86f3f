"""Fixtures of the notice tests: the two versions of a processor's policy, its clients, and their links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone
from tests.core.notices.conftest import write_versions

from registre.core.policy import load_policy
from registre.web.clients.models import Client

# (name, tenant, contact, language) as the application knows them; Quiet runs archiving only.
CLIENTS = [
    ("Acme SAS", "tenant-a", "dpo@acme.example", "fr"),
    ("Online Client SA", "tenant-b", "dpo@online.example", "en"),
    ("Patient SARL", "tenant-c", "rgpd@patient.example", "fr"),
    ("Delta SAS", "tenant-d", "dpo@delta.example", "en"),
    ("Quiet SAS", "tenant-e", "dpo@quiet.example", "fr"),
]
LINK = re.compile(r"https?://\S+/privacy/sub-processors/([^/\s]+)/")


@pytest.fixture
def app_database(database):
    """Every query of the application (views, actions, audit) on the alias under test."""
    if database == "default":
        yield database
        return
    saved = connections["default"]
    connections["default"] = connections["postgresql"]
    try:
        yield database
    finally:
        connections["default"] = saved


@pytest.fixture
def versions(tmp_path, settings):
    """The two versions, as loaded policies; the application runs on the new one (its DPO gets the alerts)."""
    before, after = write_versions(tmp_path)
    settings.REGISTRE_POLICY = str(after)
    return load_policy(before, environ={}), load_policy(after, environ={})


@pytest.fixture
def clients(app_database):
    return {
        tenant: Client.objects.create(name=name, tenant=tenant, contact_email=email, language=lang)
        for name, tenant, email, lang in CLIENTS
    }


def effective_in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def with_effective(policy, day: dt.date):
    return policy.model_copy(update={"effective": day})


def link_sent_to(address: str) -> str:
    """The token of the last notice e-mailed to `address`."""
    found = [message for message in mail.outbox if message.to == [address]]
    assert found, f"no e-mail to {address}"
    match = LINK.search(found[-1].body)
    assert match, found[-1].body
    return match.group(1)
