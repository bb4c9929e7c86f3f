"""`registre demo --serve`: the demo workspace, served: the console and the portal on 127.0.0.1, one process.

The demo's application data (database, secrets, files) live in `<workspace>/.registre` and start afresh
each time, like the demo databases: a demo staff account is created and its password printed once, the
demo's client tenants become clients (processor mode), emails are printed on the terminal, and the
server runs the background jobs itself.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from registre.cli import web
from registre.cli.console import cannot_listen, err, fail, out
from registre.core.demo import GenerationReport

DEMO_USERNAME = "demo"
DEMO_EMAIL = "demo@registre.invalid"
# Settings the demo decides, whatever the environment says: a demo must never touch real data.
DEMO_OVERRIDES = (
    "REGISTRE_DATABASE_URL",
    "REGISTRE_FILES_DIR",
    "REGISTRE_SECRET_KEY",
    "REGISTRE_ENCRYPTION_KEYS",
    "REGISTRE_LOOKUP_KEY",
    "REGISTRE_PSEUDONYM_KEY",
    "REGISTRE_EMAIL_HOST",
)


def serve_demo(directory: Path, report: GenerationReport, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the workspace in `directory` (built by `registre demo`) until Ctrl+C.

    1. Point the application at the workspace: its policy, a fresh data directory, emails on the terminal.
    2. Create the tables, a DPO account (its password printed once) and a client per demo tenant.
    3. Serve on `host:port` with the job worker in the same process, and say where to go.
    """
    directory = directory.resolve()
    data_dir = directory / ".registre"
    shutil.rmtree(data_dir, ignore_errors=True)
    for name in DEMO_OVERRIDES:
        os.environ.pop(name, None)
        os.environ.pop(f"{name}_FILE", None)
    os.environ.update(
        {
            "REGISTRE_DATA_DIR": str(data_dir),
            "REGISTRE_BASE_URL": f"http://{host}:{port}",
            "REGISTRE_EMAIL_URL": "console:",
        }
    )
    web.setup_django(directory / "registre.yaml")
    web.migrate()
    username, password = web.create_staff(DEMO_EMAIL, "dpo", username=DEMO_USERNAME, activities=[], clients=[])
    web.ensure_clients(
        [
            (f"Client {tenant.removeprefix('tenant-')}", tenant, f"privacy@{tenant}.invalid")
            for tenant in report.tenant_ids
        ]
    )

    def ready(url: str) -> None:
        samples = [sample["email"] for sample in report.sample_contacts if "tenant_id" not in sample]
        shared = [sample["email"] for sample in report.sample_contacts if "tenant_id" in sample]
        out.print(
            f"\n[bold]Registre is running[/] (Ctrl+C stops it)\n"
            f"  Privacy portal   {url}privacy/\n"
            f"  Staff console    {url}console/   user [bold]{username}[/]  password [bold]{password}[/]"
            f"  (shown once)\n"
            f"  Try a request as {', '.join(samples[:1] or shared[:1])}"
            + (f"  (or {shared[0]}, also a user of a client: processor mode)" if shared and samples else "")
            + "\n  Emails (verification codes, letters) are printed on this terminal.\n"
        )

    err.print(f"Application data in {data_dir}")
    try:
        web.serve(host, port, threads=8, with_worker=True, on_ready=ready)
    except OSError as error:  # taken meanwhile
        fail(cannot_listen(host, port, error))
