"""The console home shows real numbers; the health check answers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registre.web.accounts.actions import create_token
from registre.web.audit.actions import record
from registre.web.jobs.tasks import verify_audit_chain

pytestmark = pytest.mark.django_db


def test_the_home_shows_counts_of_staff_tokens_audit_entries_and_jobs(people, client_for):
    create_token(people["dpo"], "product", ["requests.view"])
    record("system", "request.created")
    verify_audit_chain.enqueue()
    response = client_for(people["dpo"]).get(reverse("console:home"))
    assert response.context["staff_count"] == 4
    assert response.context["token_count"] == 1
    assert response.context["audit_count"] == 2  # the token's creation and the request
    assert response.context["job_counts"] == {"READY": 1}
    html = response.content.decode()
    assert "Nuage Exemple SAS" in html, "the organisation of the policy"
    assert "request.created" in html


def test_an_agent_sees_neither_the_audit_log_nor_the_jobs(agent, client_for):
    response = client_for(agent).get(reverse("console:home"))
    assert "audit_count" not in response.context and "job_counts" not in response.context
    labels = [str(item["label"]) for item in response.context["navigation"]]
    assert labels == [
        "Accueil",
        "Demandes",
        "Clients",
        "Rétention",
        "Instructions des clients",
        "Consentement",
        "Versions de la politique",
        "Jetons d’API",
    ]


def test_the_navigation_marks_the_current_section(dpo, client_for):
    navigation = client_for(dpo).get(reverse("audit:list")).context["navigation"]
    assert [str(item["label"]) for item in navigation if item["current"]] == ["Journal d’audit"]


def test_without_a_policy_file_the_home_says_so(dpo, client_for, settings, tmp_path):
    settings.REGISTRE_POLICY = tmp_path / "missing.yaml"
    html = client_for(dpo).get(reverse("console:home")).content.decode()
    assert "REGISTRE_POLICY" in html


def test_the_health_check_answers_ok():
    response = Client().get(reverse("health"))
    assert (response.status_code, response.content) == (200, b"ok")
