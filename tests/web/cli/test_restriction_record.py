"""Registre's own record of a restriction (Art. 18): what keeps the rows of datasets without a flag column.

`registre dsr restrict` sets the flag where a dataset has one and, with REGISTRE_DATABASE_URL set, records the
restriction with its reason in the application database; erasures read it as they read case holds, until
`--lift`. The newsletter of the cloud-host example has no flag column. Expected rows by plain SQL.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from tests.conftest import ROOT

from registre.web.audit.models import AuditEntry
from registre.web.retention.models import CaseHold

pytestmark = pytest.mark.django_db
POLICY = ROOT / "examples" / "cloud-host" / "registre.yaml"


@pytest.fixture
def crm(monkeypatch, tmp_path):
    from registre.core.demo import generate_demo_databases
    from registre.core.sources.catalog import close_catalogs

    crm, platform = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    generate_demo_databases(crm, platform, subjects=60, tenants=1)
    close_catalogs()
    monkeypatch.setenv("CRM_DATABASE_URL", crm)
    monkeypatch.setenv("PLATFORM_DATABASE_URL", platform)
    monkeypatch.setenv("REGISTRE_PSEUDONYM_KEY", "test-key")
    monkeypatch.setenv("REGISTRE_DATABASE_URL", "the test database")
    engine = sa.create_engine(crm)
    yield engine
    engine.dispose()
    close_catalogs()


def newsletter_rows(engine: sa.Engine, email: str) -> int:
    with engine.connect() as connection:
        sql = "SELECT COUNT(*) FROM newsletter WHERE lower(trim(email)) = lower(:email)"
        return int(connection.execute(sa.text(sql), {"email": email}).scalar_one())


def subscriber(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(sa.text("SELECT email FROM newsletter ORDER BY id")).scalars().first())


def test_a_restriction_recorded_with_its_reason_keeps_rows_no_flag_can_carry_until_it_is_lifted(registre_web, crm):
    from registre.core.sources.catalog import close_catalogs

    email = subscriber(crm)
    assert newsletter_rows(crm, email) >= 1
    subject = ("--policy", POLICY, "--subject", f"email={email}")
    restricted = registre_web("dsr", "restrict", *subject, "--reason", "accuracy contested, R-2026-0042")
    assert restricted.exit_code == 0, restricted.output
    (record,) = CaseHold.objects.filter(reason=CaseHold.Reason.RESTRICTION, lifted_at__isnull=True)
    assert record.reference == "accuracy contested, R-2026-0042"
    assert AuditEntry.objects.filter(action="case_hold.placed").count() == 1
    again = registre_web("dsr", "restrict", *subject, "--reason", "accuracy contested, R-2026-0042")
    assert again.exit_code == 0 and CaseHold.objects.filter(reason=CaseHold.Reason.RESTRICTION).count() == 1

    plan = registre_web("dsr", "plan", "erase", *subject, "-f", "json")
    close_catalogs()
    assert plan.exit_code == 0, plan.output
    codes = {d["code"] for s in json.loads(plan.stdout)["systems"] for ds in s["datasets"] for d in ds["decisions"]}
    assert "keep.restricted" in codes and "keep.case_hold" not in codes

    refused = registre_web("dsr", "erase", *subject)
    close_catalogs()
    assert refused.exit_code == 1 and "is restricted (accuracy contested, R-2026-0042)" in refused.stderr
    assert newsletter_rows(crm, email) >= 1, "restricted rows are only stored"

    lifted = registre_web("dsr", "restrict", "--lift", *subject)
    close_catalogs()
    assert lifted.exit_code == 0, lifted.output
    assert not CaseHold.objects.filter(reason=CaseHold.Reason.RESTRICTION, lifted_at__isnull=True).exists()
    erased = registre_web("dsr", "erase", *subject)
    close_catalogs()
    assert erased.exit_code == 0, erased.output
    assert newsletter_rows(crm, email) == 0


def test_a_blank_reason_is_refused(registre_web, crm):
    result = registre_web("dsr", "restrict", "--policy", POLICY, "--subject", "email=a@example.org", "--reason", " ")
    assert result.exit_code == 2 and "--reason is empty" in result.output
