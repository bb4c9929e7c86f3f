"""The written designation of an authorised person, FR and EN."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from registre.core.designation import Designation
from registre.core.documents.designation import build_designation, render_designation
from registre.core.policy import load_policy

PERSON = Designation(
    full_name="Inès Moreau",
    job_title="support engineer",
    activities=("support", "hosted-messaging"),
    systems=("crm",),
    designated_on=dt.date(2026, 12, 1),
)


@pytest.fixture
def policy(cloud_host_policy_path):
    return load_policy(cloud_host_policy_path, {})


def test_it_lists_the_activities_and_systems_of_the_policy(policy):
    letter = build_designation(PERSON, policy, lang="en", today=dt.date(2026, 12, 1))
    activities, systems = (block.items for block in letter.blocks if block.items)
    assert activities == ("T-003 — Customer support", "S-001 — Hosting and sending of clients' messages")
    assert systems == ("CRM and billing database",)
    assert letter.addressee == "Inès Moreau"


def test_the_french_designation_reads_as_french(policy):
    pdf = render_designation(PERSON, policy, lang="fr", today=dt.date(2026, 12, 1))
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Désignation" in text and "1er décembre 2026" in text and "confidentialité" in text


def test_an_unknown_format_is_refused(policy):
    with pytest.raises(ValueError, match="docx"):
        render_designation(PERSON, policy, fmt="docx", today=dt.date(2026, 12, 1))  # type: ignore[arg-type]
