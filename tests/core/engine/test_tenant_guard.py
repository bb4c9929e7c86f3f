"""Processor datasets without a tenant column and empty tenants: the engine refuses, whatever the policy says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from registre.core.engine import Subject, SubjectError
from registre.core.engine.request import make_request
from registre.core.engine.systems import systems_reached, untenanted_processor_datasets
from registre.core.policy import check_policy
from registre.core.policy.loader import parse_policy

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "cloud-host"


@pytest.fixture
def untenanted(tmp_path):
    """The cloud-host example whose platform.tenant_users has lost its `tenant:` line."""
    for source in EXAMPLE.glob("*.yaml"):
        shutil.copyfile(source, tmp_path / source.name)
    path = tmp_path / "registre.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    first = next(n for n, line in enumerate(lines) if line.strip() == "tenant: tenant_id")
    del lines[first]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_processor_dataset_without_a_tenant_column_is_an_error_in_check(untenanted):
    errors = [d for d in check_policy(untenanted, {}).errors if d.code == "tenant"]
    assert len(errors) == 1
    assert "platform.tenant_users holds data for clients but has no tenant column" in errors[0].message


def test_the_engine_never_reaches_a_processor_dataset_without_a_tenant(untenanted):
    policy = parse_policy(untenanted, {}).policy
    assert policy is not None
    assert untenanted_processor_datasets(policy, "platform") == {"tenant_users"}
    request = make_request("erase", Subject.of("email=ada@example.org"))
    reached = systems_reached(policy, request)
    assert "tenant_users" not in reached.get("platform", [])
    # Its messages reference it: without their parent they are not reached either.
    assert "tenant_messages" not in reached.get("platform", [])


@pytest.mark.parametrize("tenant", ["", " ", "\t"])
def test_an_empty_tenant_is_refused_not_taken_for_no_tenant(tenant):
    with pytest.raises(SubjectError, match="tenant is empty"):
        make_request("erase", Subject.of("email=ada@example.org"), tenant=tenant)
