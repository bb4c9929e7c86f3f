"""Fixtures of the version tests: the example policy, and a next version that widens a purpose."""

from __future__ import annotations

import pytest
from django.db import connections

from registre.core.policy import Policy, load_policy

ROOT_POLICY = "examples/cloud-host/registre.yaml"
WIDER = {"fr": "Prospection commerciale et profilage", "en": "Commercial prospecting and profiling"}


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
def first(cloud_host_policy_path) -> Policy:
    return load_policy(cloud_host_policy_path, environ={})


@pytest.fixture
def wider(first) -> Policy:
    """The next version: prospecting gains profiling, a wider purpose the data subjects must hear of first."""
    prospecting = first.activities["prospecting"]
    purpose = prospecting.purpose.model_copy(update=WIDER)
    return first.model_copy(
        update={"activities": {**first.activities, "prospecting": prospecting.model_copy(update={"purpose": purpose})}}
    )
