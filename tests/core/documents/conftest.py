"""Fixtures of the document tests: the cloud-host example and small policies built in code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from registre.core.policy import Activity, Policy, load_policy

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "cloud-host" / "registre.yaml"
FIELD_SERVICES = Path(__file__).resolve().parents[3] / "examples" / "field-services" / "registre.yaml"


@pytest.fixture(scope="session")
def cloud_host() -> Policy:
    """The cloud-host example: six controller activities, one processor activity, sub-processors in FR/IE/US."""
    return load_policy(EXAMPLE, environ={})


@pytest.fixture(scope="session")
def field_services() -> Policy:
    """The field-services example: controller only, hosted in France, no cookies."""
    return load_policy(FIELD_SERVICES, environ={})


def _minimal_policy(**sections: Any) -> Policy:
    """A small valid policy; keyword arguments replace or add top-level sections."""
    data: dict[str, Any] = {
        "registre": 1,
        "organisation": {
            "name": "Petite Boîte SARL",
            "address": {"street": "1 rue Haute", "postal_code": "69001", "city": "Lyon", "country": "FR"},
            "contacts": {"requests": {"email": "rgpd@petite-boite.fr"}},
        },
        "systems": {
            "app": {
                "url": "sqlite://",
                "location": "FR",
                "datasets": {
                    "people": {
                        "subject": "customers",
                        "fields": {
                            "email": {"category": "contact.email", "required": True},
                            "phone": {"category": "contact.phone"},
                            "signed_up_at": {"type": "date", "label": {"fr": "l'inscription", "en": "sign-up"}},
                            "left_at": {"type": "date"},
                        },
                    }
                },
            }
        },
        "activities": {
            "accounts": {
                "name": {"fr": "Comptes", "en": "Accounts"},
                "purpose": {"fr": "Gestion des comptes", "en": "Account management"},
                "legal_basis": "contract",
                "datasets": ["app.people"],
                "retention": {"keep": "P2Y", "from": "app.people.left_at"},
            }
        },
    }
    data.update(sections)
    return Policy.model_validate(data)


def _with_activity(policy: Policy, key: str, **changes: Any) -> Policy:
    activity = policy.activities[key]
    data = {**activity.model_dump(by_alias=True, exclude_unset=True), **changes}
    return policy.model_copy(update={"activities": {**policy.activities, key: Activity.model_validate(data)}})


@pytest.fixture
def make_policy() -> Callable[..., Policy]:
    """Build a small valid policy; keyword arguments replace or add top-level sections."""
    return _minimal_policy


@pytest.fixture
def with_activity() -> Callable[..., Policy]:
    """A copy of a policy where one activity has the given fields changed (validated again)."""
    return _with_activity


@pytest.fixture
def small_policy() -> Policy:
    return _minimal_policy()
