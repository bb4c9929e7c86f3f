"""Without REGISTRE_DATABASE_URL, the CLI's application database is the default file, where `registre serve`
keeps the console's records and the CLI audits its changes: the holds and restriction records placed there bind
`dsr erase`, `dsr plan` and `retention plan` as a configured database's do. Real processes, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from registre.core.demo import DEMO_TODAY, generate_demo_databases
from registre.core.sources.catalog import close_catalogs

ROOT = Path(__file__).resolve().parents[2]
POLICY = ROOT / "examples" / "cloud-host" / "registre.yaml"


def run(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).with_name("registre")), *args]
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)


def test_holds_and_restrictions_in_the_default_application_database_bind_the_cli(tmp_path):
    crm, platform = f"sqlite:///{tmp_path / 'crm.sqlite'}", f"sqlite:///{tmp_path / 'platform.sqlite'}"
    generate_demo_databases(crm, platform, subjects=30, tenants=1)
    close_catalogs()
    engine = sa.create_engine(crm)
    with engine.connect() as connection:
        held, restricted, free = connection.execute(sa.text("SELECT email FROM contacts ORDER BY id LIMIT 3")).scalars()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("REGISTRE_")}
    environment.update(
        CRM_DATABASE_URL=crm,
        PLATFORM_DATABASE_URL=platform,
        REGISTRE_PSEUDONYM_KEY="test-key",
        REGISTRE_POLICY=str(POLICY),
        REGISTRE_DATA_DIR=str(tmp_path / "data"),
    )
    today = ("--today", DEMO_TODAY.isoformat())

    # No application database yet: reading commands do not create one, and see no hold.
    planned = run(environment, "dsr", "plan", "erase", "--subject", f"email={held}", *today, "-f", "json")
    assert planned.returncode == 0, planned.stderr
    assert not (tmp_path / "data" / "registre.sqlite").exists()

    assert run(environment, "migrate").returncode == 0
    placed = run(environment, "holds", "place", "--reference", "RG-7", "--subject", f"email={held}")
    assert placed.returncode == 0, placed.stderr
    restriction = run(environment, "dsr", "restrict", "--subject", f"email={restricted}", "--reason", "accuracy")
    assert restriction.returncode == 0, restriction.stderr
    assert "recorded for 1 subject(s)" in restriction.stderr

    refused = run(environment, "dsr", "erase", "--subject", f"email={held}", *today)
    assert refused.returncode == 1 and "under case hold" in refused.stderr and "RG-7" in refused.stderr
    kept = run(environment, "dsr", "plan", "erase", "--subject", f"email={restricted}", *today, "-f", "json")
    assert kept.returncode == 0, kept.stderr
    assert "restricted" in json.dumps(json.loads(kept.stdout))
    erased = run(environment, "dsr", "erase", "--subject", f"email={free}", *today)
    assert erased.returncode == 0, erased.stderr

    with engine.connect() as connection:
        left = connection.execute(
            sa.text("SELECT email FROM contacts WHERE email IN (:a, :b, :c)"), {"a": held, "b": restricted, "c": free}
        ).scalars()
        assert set(left) == {held, restricted}
    engine.dispose()
    audit = sa.create_engine(f"sqlite:///{tmp_path / 'data' / 'registre.sqlite'}")
    with audit.connect() as connection:
        actions = list(connection.execute(sa.text("SELECT action FROM audit_auditentry ORDER BY sequence")).scalars())
    audit.dispose()
    assert "request.data_changed" in actions
