"""The checks that keep the documents truthful: hosting transfers, derogations, clients, automated decisions."""

from __future__ import annotations

from pathlib import Path

from registre.core.policy import Diagnostic, check_policy

SCC_PROCESSOR = (
    "processors:\n  offshore:\n    name: Offshore Support Ltd\n    country: IN\n    purpose: Support\n"
    "    safeguard: {safeguard}\n"
)
USES_OFFSHORE = ("    security: [backup]\n", "    security: [backup]\n    processors: [offshore]\n")
PROCESSOR_ACTIVITY = """\
  hosting:
    name: Hébergement
    role: processor
    purpose: Hébergement pour les clients
    controllers: [{name: Les clients}]
    data_subjects: [client_contacts]
    security: [encryption]
"""


def diagnostics(path: Path) -> list[Diagnostic]:
    return check_policy(path, environ={}).diagnostics


def test_a_system_hosted_in_the_united_states_without_certification_fails_the_strict_check(write_policy):
    path = write_policy(("    location: FR\n", "    location: US\n    host: Acme Cloud Inc.\n"))
    (diagnostic,) = diagnostics(path)
    assert (diagnostic.code, diagnostic.severity) == ("transfer", "error")
    assert "'Acme Cloud Inc.'" in diagnostic.message
    assert "covers only organisations certified under the EU–US Data Privacy Framework" in diagnostic.message
    assert "Only Organisations" not in diagnostic.message and "only Only" not in diagnostic.message


def test_a_system_hosted_outside_the_eea_under_standard_clauses_passes(write_policy):
    path = write_policy(("    location: FR\n", "    location: IN\n    host: Offshore DC\n    safeguard: scc\n"))
    assert diagnostics(path) == []


def test_an_article_49_derogation_is_refused_for_a_sub_processor(write_policy, valid_text):
    path = write_policy(USES_OFFSHORE, text=valid_text + SCC_PROCESSOR.format(safeguard="derogation"))
    (diagnostic,) = diagnostics(path)
    assert diagnostic.code == "transfer"
    assert "occasional transfers only" in diagnostic.message
    assert diagnostic.position.line == path.read_text().splitlines().index("    safeguard: derogation") + 1


def test_a_client_must_name_processor_activities(write_policy, valid_text):
    text = valid_text.replace("activities:\n", "activities:\n" + PROCESSOR_ACTIVITY, 1) + (
        "clients:\n  acme:\n    name: Acme SAS\n    contact: {email: dpo@acme.example}\n    activities: [billing]\n"
    )
    path = write_policy(text=text)
    found = [d for d in diagnostics(path) if d.code == "processor"]
    assert len(found) == 1 and "'billing' is not a processor activity" in found[0].message


def test_a_client_without_contact_gets_a_warning(write_policy, valid_text):
    text = valid_text.replace("activities:\n", "activities:\n" + PROCESSOR_ACTIVITY, 1) + (
        "clients:\n  acme:\n    name: Acme SAS\n"
    )
    found = [d for d in diagnostics(write_policy(text=text)) if d.code == "processor"]
    assert [(d.severity, "has no contact" in d.message) for d in found] == [("warning", True)]


def test_automated_decisions_need_their_logic_and_consequences(write_policy):
    path = write_policy(
        ("    security: [access_control]\n", "    security: [access_control]\n    automated_decisions: true\n")
    )
    (diagnostic,) = diagnostics(path)
    assert diagnostic.code == "automated-decisions"
    declared = write_policy(
        (
            "    security: [access_control]\n",
            "    security: [access_control]\n    automated_decisions: true\n"
            "    decision_logic: {fr: Un score, en: A score}\n"
            "    decision_consequences: {fr: Des offres, en: Offers}\n",
        )
    )
    assert diagnostics(declared) == []
