"""`registre holds list|place|lift` in-process on the test database, and the retention commands reading the
holds in force from the application database when REGISTRE_DATABASE_URL is set."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from tests.conftest import ROOT

from registre.core.engine import Identity
from registre.web.audit.models import AuditEntry
from registre.web.retention.actions import place_hold
from registre.web.retention.models import CaseHold

pytestmark = pytest.mark.django_db


def test_a_hold_placed_with_several_identities_is_listed_without_their_values_and_audited(registre_web):
    result = registre_web(
        "holds", "place", "--reference", "RG 26/0142", "--subject", "email=ada@example.org",
        "--subject", "phone=+33612345678", "--reason", "litigation",
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout
    hold = CaseHold.objects.get()
    assert [item["type"] for item in hold.identities] == ["email", "phone"]
    listed = json.loads(registre_web("holds", "list", "--json").stdout)
    assert [(item["reference"], item["identity_types"]) for item in listed] == [("RG 26/0142", ["email", "phone"])]
    assert "ada@example.org" not in registre_web("holds", "list").stdout
    assert AuditEntry.objects.filter(action="case_hold.placed").count() == 1


def test_a_hold_is_lifted_once_and_audited(registre_web):
    registre_web("holds", "place", "--reference", "C-1", "--tenant", "acme")
    number = CaseHold.objects.get().pk
    assert f"case hold {number} lifted" in registre_web("holds", "lift", str(number)).stdout
    assert "already lifted" in registre_web("holds", "lift", str(number)).stdout
    assert json.loads(registre_web("holds", "list", "--json").stdout) == []
    assert len(json.loads(registre_web("holds", "list", "--all", "--json").stdout)) == 1
    assert AuditEntry.objects.filter(action="case_hold.lifted").count() == 1


@pytest.mark.parametrize(
    "arguments",
    [
        ("holds", "place", "--reference", "C-2"),
        ("holds", "place", "--reference", "C-2", "--subject", "ada@example.org"),
        ("holds", "place", "--reference", "C-2", "--tenant", "acme", "--reason", "whim"),
    ],
)
def test_a_hold_that_names_nothing_or_is_malformed_is_refused_without_a_traceback(registre_web, arguments):
    result = registre_web(*arguments)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not CaseHold.objects.exists()


def test_a_missing_hold_cannot_be_lifted(registre_web):
    result = registre_web("holds", "lift", "999")
    assert result.exit_code == 1 and "no case hold 999" in result.output


def test_retention_plan_respects_the_holds_in_force_when_the_application_database_is_set(
    registre_web, monkeypatch, tmp_path
):
    from registre.core.demo import DEMO_TODAY, generate_demo_databases
    from registre.core.sources.catalog import close_catalogs

    crm, platform = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    generate_demo_databases(crm, platform, subjects=300, tenants=3)
    close_catalogs()
    monkeypatch.setenv("CRM_DATABASE_URL", crm)
    monkeypatch.setenv("PLATFORM_DATABASE_URL", platform)
    policy = ROOT / "examples" / "cloud-host" / "registre.yaml"
    # 100 holds, each on a contact's phone given as the second identity after an email nobody has.
    with sa.create_engine(crm).connect() as connection:
        phones = connection.execute(sa.text("SELECT phone FROM contacts WHERE phone IS NOT NULL LIMIT 100")).scalars()
        for number, phone in enumerate(phones):
            identities = [Identity("email", f"nobody-{number}@example.org"), Identity("phone", phone)]
            place_hold("system", reason="litigation", reference=f"C-{number}", identities=identities)

    def plan() -> dict[str, object]:
        result = registre_web("retention", "plan", "--policy", policy, "--as-of", DEMO_TODAY.isoformat(), "-f", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    free = plan()
    monkeypatch.setenv("REGISTRE_DATABASE_URL", "the test database")
    held = plan()
    close_catalogs()
    assert len(held["case_holds"]) == 100 and free["case_holds"] == []
    held_rows = sum(found["held_case"] for system in held["systems"] for found in system["datasets"])
    assert held_rows > 0 and held["due"] == free["due"] - held_rows


def test_dsr_erase_keeps_a_subject_a_hold_covers_by_any_identity(registre_web, monkeypatch, tmp_path):
    from registre.core.demo import generate_demo_databases
    from registre.core.sources.catalog import close_catalogs

    crm, platform = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    generate_demo_databases(crm, platform, subjects=40, tenants=1)
    close_catalogs()
    monkeypatch.setenv("CRM_DATABASE_URL", crm)
    monkeypatch.setenv("PLATFORM_DATABASE_URL", platform)
    monkeypatch.setenv("REGISTRE_PSEUDONYM_KEY", "test-key")
    engine = sa.create_engine(crm)
    with engine.connect() as connection:
        email, phone = connection.execute(sa.text("SELECT email, phone FROM contacts WHERE phone IS NOT NULL")).first()
    # The hold names the phone second; the erasure asks by email: the same person.
    place_hold(
        "system", reason="litigation", reference="RG-9", identities=[Identity("phone", "+0"), Identity("email", email)]
    )
    policy = ROOT / "examples" / "cloud-host" / "registre.yaml"
    monkeypatch.setenv("REGISTRE_DATABASE_URL", "the test database")
    result = registre_web("dsr", "erase", "--policy", policy, "--subject", f"email={email}")
    close_catalogs()
    assert result.exit_code == 1
    assert "under case hold" in result.stderr and "RG-9" in result.stderr
    with engine.connect() as connection:
        left = connection.execute(
            sa.text("SELECT COUNT(*) FROM contacts WHERE email = :email"), {"email": email}
        ).scalar()
    engine.dispose()
    assert left == 1, "nothing erased"
    assert phone


def test_dsr_plan_erase_plans_a_held_subjects_rows_as_kept_under_the_hold(registre_web, monkeypatch, tmp_path):
    from registre.core.demo import generate_demo_databases
    from registre.core.sources.catalog import close_catalogs

    crm, platform = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    generate_demo_databases(crm, platform, subjects=40, tenants=1)
    close_catalogs()
    monkeypatch.setenv("CRM_DATABASE_URL", crm)
    monkeypatch.setenv("PLATFORM_DATABASE_URL", platform)
    engine = sa.create_engine(crm)
    with engine.connect() as connection:
        (email,) = connection.execute(sa.text("SELECT email FROM contacts ORDER BY id")).first()
    engine.dispose()
    # Staff typed the address in capitals: the core compares it in its normal form.
    place_hold("system", reason="litigation", reference="RG-10", identities=[Identity("email", email.upper())])
    monkeypatch.setenv("REGISTRE_DATABASE_URL", "the test database")
    policy = ROOT / "examples" / "cloud-host" / "registre.yaml"
    result = registre_web("dsr", "plan", "erase", "--policy", policy, "--subject", f"email={email}", "--format", "json")
    close_catalogs()
    assert result.exit_code == 0, result.stdout
    plan = json.loads(result.stdout)
    assert [held["hold"] for held in plan["held"]] == ["RG-10"]
    decisions = [d for s in plan["systems"] for ds in s["datasets"] for d in ds["decisions"] if d["rows"]]
    assert decisions and {d["code"] for d in decisions} == {"keep.case_hold"}
    assert all(ds["sql"] == [] for s in plan["systems"] for ds in s["datasets"])
