"""`registre dpia ACTIVITY --version N`: a version recorded in the console, read from the application database."""

from __future__ import annotations

import pytest
from django.utils import timezone

from registre.cli.errors import CommandError
from registre.core.dpia import RiskAssessment
from registre.web.dpia import actions

pytestmark = pytest.mark.django_db

HIGH = [RiskAssessment("illegitimate_access", 4, 4, 3, 3), RiskAssessment("unwanted_modification")]


def test_it_writes_a_validated_version_with_its_validation(registre_web, dpo, cloud_host_policy_path):
    version = actions.create_version(dpo, "support")
    risks = [*HIGH, RiskAssessment("disappearance")]
    actions.assess(version, dpo, context="Tickets", principles="", risks=risks, review_on=None)
    actions.validate(version, dpo, name="Hugo Leroy", role="dpo", on=timezone.localdate())
    result = registre_web(
        "dpia",
        "support",
        "--policy",
        str(cloud_host_policy_path),
        "--version",
        "1",
        "--lang",
        "en",
        "-f",
        "md",
        "-o",
        "-",
    )
    assert result.exit_code == 0, result.output
    assert "Version 1, validated on" in result.stdout
    assert "**Validated by**: Hugo Leroy, data protection officer" in result.stdout
    assert "The residual risk remains high" in result.stdout


def test_an_unrecorded_version_is_refused_with_one_line(registre_web, cloud_host_policy_path):
    with pytest.raises(CommandError, match="the console records no version 7 of the DPIA of 'support'"):
        registre_web("dpia", "support", "--policy", str(cloud_host_policy_path), "--version", "7", "-o", "-")
