"""The breach register as a workbook and a PDF: one line per breach, each notification or why none was owed."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from registre.core.breaches import BreachFacts, derive_scope
from registre.core.documents.breach import NotificationRecord
from registre.core.documents.breach_register import RegisterEntry, render_breach_register
from registre.core.policy import load_policy

PARIS = ZoneInfo("Europe/Paris")
AWARE = dt.datetime(2026, 12, 4, 17, 0, tzinfo=PARIS)


@pytest.fixture(scope="module")
def policy():
    return load_policy(Path(__file__).resolve().parents[3] / "examples" / "cloud-host" / "registre.yaml", {})


def entry(policy, reference, datasets, risk, notifications=(), clients=0) -> RegisterEntry:
    facts = BreachFacts(
        reference=reference,
        title=f"Breach {reference}",
        aware_at=AWARE,
        occurred_at=None,
        ongoing=False,
        discovery="",
        natures=("availability",),
        description="Outage.",
        cause="",
        scope=derive_scope(policy, datasets),
        subject_count=10,
        record_count=None,
        consequences="",
        measures_taken="Restored from backup.",
        measures_proposed="",
        risk=risk,
        risk_reasons="",
    )
    return RegisterEntry(facts, tuple(notifications), clients)


def test_the_workbook_has_a_line_per_breach_with_its_notifications(policy):
    late = NotificationRecord("authority", 1, AWARE + dt.timedelta(hours=80), late_reasons="Weekend.")
    client = NotificationRecord("client", 1, AWARE + dt.timedelta(hours=3), client_name="Acme")
    entries = [
        entry(policy, "B-2026-0001", ["crm.contacts"], "risk", [late]),
        entry(policy, "B-2026-0002", ["platform.tenant_users"], "none", [client], clients=2),
    ]
    content = render_breach_register(entries, policy, lang="fr", today=dt.date(2026, 12, 10), tz=PARIS)
    values = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    by_reference = {row[0]: row for row in values if row[0] and str(row[0]).startswith("B-")}
    first, second = by_reference["B-2026-0001"], by_reference["B-2026-0002"]
    assert first[2] == "4 décembre 2026, 17:00" and first[3] == "Disponibilité"
    assert first[8] == "Phase 1\u00a0: 8 décembre 2026, 01:00 — en retard"
    assert first[9] == "Non due"
    assert second[8] == "Non due" and second[9] == "1 notifié(s) sur 2"
    assert second[4] == "S-001"


def test_a_notification_owed_and_not_made_is_to_do(policy):
    content = render_breach_register(
        [entry(policy, "B-2026-0003", ["crm.contacts"], "high")], policy, lang="en", fmt="html", today=dt.date.today()
    ).decode()
    assert content.count("To do") == 2  # the authority and the people


def test_an_empty_register_prints(policy):
    pdf = render_breach_register([], policy, lang="en", fmt="pdf", today=dt.date(2026, 12, 10))
    assert pdf.startswith(b"%PDF")


def test_an_unknown_format_is_refused(policy):
    with pytest.raises(ValueError, match="docx"):
        render_breach_register([], policy, fmt="docx", today=dt.date(2026, 12, 10))  # type: ignore[arg-type]
