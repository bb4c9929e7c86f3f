"""The documents of a breach: to the authority (the CNIL's form), to a client, to the people, the record."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from registre.core.breaches import BreachFacts, derive_scope
from registre.core.documents.breach import (
    ClientShare,
    NotificationRecord,
    build_breach_document,
    render_breach_document,
)
from registre.core.policy import load_policy

PARIS = ZoneInfo("Europe/Paris")
AWARE = dt.datetime(2026, 12, 4, 17, 0, tzinfo=PARIS)
TODAY = dt.date(2026, 12, 5)


@pytest.fixture(scope="module")
def policy():
    from pathlib import Path

    return load_policy(Path(__file__).resolve().parents[3] / "examples" / "cloud-host" / "registre.yaml", {})


def facts(policy, **changes) -> BreachFacts:
    values = {
        "reference": "B-2026-0001",
        "title": "Export left public",
        "aware_at": AWARE,
        "occurred_at": AWARE - dt.timedelta(hours=20),
        "ongoing": False,
        "discovery": "Access monitoring alert",
        "natures": ("confidentiality", "integrity"),
        "description": "A bucket with an export was readable without authentication.",
        "cause": "A misconfigured migration.",
        "scope": derive_scope(policy, ["crm.contacts", "platform.tenant_users"]),
        "subject_count": 1250,
        "record_count": 5400,
        "consequences": "Phishing using the contacts' details.",
        "measures_taken": "Bucket made private.",
        "measures_proposed": "Review of access rights.",
        "risk": "high",
        "risk_reasons": "Contact details and password hashes.",
    }
    values.update(changes)
    return BreachFacts(**values)


def rows(document) -> dict[str, str]:
    return {label: value for part in document.parts for label, value in part.rows}


def test_the_notification_to_the_authority_follows_the_cnil_form(policy):
    document = build_breach_document("authority", facts(policy), policy, lang="fr", today=TODAY, tz=PARIS)
    titles = [part.title for part in document.parts]
    assert titles == [
        "Type de notification",
        "Organisme et contact",
        "Chronologie",
        "Nature de la violation",
        "Données et personnes concernées",
        "Conséquences probables pour les personnes",
        "Mesures prises ou proposées",
        "Information des personnes",
        "Aspects transfrontaliers",
    ]
    found = rows(document)
    assert found["Prise de connaissance le"] == "4 décembre 2026, 17:00 (UTC+01:00)"
    assert found["Échéance de cette notification"] == "7 décembre 2026, 17:00 (UTC+01:00)"
    assert found["Nombre approximatif de personnes concernées"] == "1\u202f250"
    assert found["Pays de l’établissement principal"] == "France"
    assert "T-001 — Gestion des clients et des contrats" in found["Traitements concernés"]
    assert "S-001" in found["Traitements concernés"]
    assert found["Notification"] == "Notification initiale"


def test_a_second_notification_to_the_authority_completes_the_first(policy):
    earlier = [NotificationRecord("authority", 1, AWARE + dt.timedelta(hours=30), "online form", "N-1")]
    document = build_breach_document(
        "authority", facts(policy), policy, lang="en", today=TODAY, tz=PARIS, notifications=earlier
    )
    assert rows(document)["Notification"].startswith("Additional notification no. 2, completing")
    assert document.subtitle.endswith("phase 2")


def test_the_delay_reasons_appear_when_given(policy):
    late = facts(policy, delay_reasons="Logs arrived on Monday.")
    assert rows(build_breach_document("authority", late, policy, lang="en", today=TODAY))["Reasons for the delay"] == (
        "Logs arrived on Monday."
    )


def test_the_client_notice_gives_the_clients_own_records(policy):
    client = ClientShare("Acme SAS", "tenant-001", 1234)
    document = build_breach_document("client", facts(policy), policy, lang="en", today=TODAY, client=client)
    assert document.addressee == "Acme SAS"
    assert rows(document)["Approximate number of records"] == "1,234 of your records in the sets of data concerned"
    assert "tenant-001" in document.subtitle


def test_the_client_notice_needs_its_client(policy):
    with pytest.raises(ValueError, match="client"):
        build_breach_document("client", facts(policy), policy, lang="en", today=TODAY)


def test_the_communication_to_the_people_gives_advice_by_category(policy):
    document = build_breach_document("people", facts(policy), policy, lang="en", today=TODAY)
    [advice] = [part for part in document.parts if part.items]
    assert any("emails" in item for item in advice.items)  # contact.email is concerned
    assert any("password" in item for item in advice.items)  # security.password (tenant users)
    contact = document.parts[-1].paragraphs[0]
    assert "dpo@nuage-exemple.fr" in contact


def test_the_record_lists_every_notification_with_lateness(policy):
    made = [
        NotificationRecord("client", 1, AWARE + dt.timedelta(hours=2), "email", client_name="Acme SAS"),
        NotificationRecord("authority", 1, AWARE + dt.timedelta(hours=80), "online form", late_reasons="Weekend."),
    ]
    document = build_breach_document("record", facts(policy), policy, lang="en", today=TODAY, notifications=made)
    [timeline] = [part for part in document.parts if part.title == "Notifications made"]
    assert [value.split(" — ")[0] for _, value in timeline.rows] == ["Client Acme SAS", "CNIL"]
    assert "Reasons for the delay: Weekend." in timeline.rows[1][1]


def test_no_risk_owes_nothing_to_the_authority_in_the_record(policy):
    calm = facts(policy, risk="none", scope=derive_scope(policy, ["crm.contacts"]))
    found = rows(build_breach_document("record", calm, policy, lang="en", today=TODAY))
    assert found["Supervisory authority (Art. 33(1))"] == "Not owed: no risk, or not controller"
    assert found["Data subjects (Art. 34(1))"] == "Not owed: no high risk"


@pytest.mark.parametrize("kind", ["authority", "people", "record"])
def test_each_document_prints_in_french(policy, kind):
    pdf = render_breach_document(kind, facts(policy), policy, lang="fr", today=TODAY, tz=PARIS)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "violation de données" in text and "Hugo LEROY" in text


def test_an_unknown_kind_or_format_is_refused(policy):
    with pytest.raises(ValueError, match="memo"):
        build_breach_document("memo", facts(policy), policy, today=TODAY)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="docx"):
        render_breach_document("record", facts(policy), policy, today=TODAY, fmt="docx")  # type: ignore[arg-type]
