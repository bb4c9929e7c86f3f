"""End to end, in a real browser: a person asks on the portal, staff handle it in the console, the person downloads.

`registre serve` runs in a subprocess on a free port, with a temporary data
directory, the demo policy and databases, and emails written to files (the
verification link is read from there). The browser is Debian's Chromium
driven by Playwright (no browser download). Without Chromium these tests are
skipped, except under CI=true, where they must run.

With REGISTRE_SCREENSHOTS=docs/screenshots, the screenshots of the daily screens
(in French and English) are written there; otherwise to a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() == "true"

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # pragma: no cover - the skip below says why
    sync_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    not IN_CI and (sync_playwright is None or not CHROMIUM.exists()),
    reason="needs Playwright and Debian's Chromium (/usr/bin/chromium); under CI=true they are required",
)


@dataclass
class Server:
    url: str
    folder: Path
    mail: Path
    staff: dict[str, str]  # role -> password
    samples: list[dict[str, str]]

    def emails_to(self, address: str) -> list[str]:
        """Every message sent to `address`, oldest first (Django's file backend: one file per connection)."""
        messages = []
        for path in sorted(self.mail.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for message in path.read_text(encoding="utf-8").split("-" * 79):
                if re.search(rf"^To: {re.escape(address)}$", message, re.MULTILINE):
                    messages.append(message)
        return messages

    def link_in_last_email(self, address: str, kind: str) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            for message in reversed(self.emails_to(address)):
                found = re.search(rf"(http://127\.0\.0\.1:\d+/privacy/{kind}/[^/\s]+/)", message)
                if found:
                    return found[1]
            time.sleep(0.2)
        raise AssertionError(f"no {kind} link was emailed to {address}")

    def crm_count(self, sql: str, *parameters: object) -> int:
        import sqlite3

        with sqlite3.connect(self.folder / "workspace" / "crm.sqlite") as connection:
            return int(connection.execute(sql, parameters).fetchone()[0])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def registre(*args: str, env: dict[str, str]) -> str:
    command = [sys.executable, "-c", "from registre.cli.main import app; app()", *args]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True, timeout=120).stdout


def build_workspace(folder: Path) -> list[dict[str, str]]:
    """The demo policy and databases; a few CRM contacts who are no client's users (their requests are ours)."""
    import sqlite3

    from registre.core.demo import generate_demo_databases

    folder.mkdir(parents=True)
    for source in (ROOT / "examples" / "cloud-host").glob("*.yaml"):
        shutil.copyfile(source, folder / source.name)
    generate_demo_databases(
        f"sqlite:///{folder / 'crm.sqlite'}", f"sqlite:///{folder / 'platform.sqlite'}", subjects=120, tenants=3
    )
    with sqlite3.connect(folder / "platform.sqlite") as platform:
        users = {email.lower() for (email,) in platform.execute("SELECT email FROM tenant_users")}
    with sqlite3.connect(folder / "crm.sqlite") as crm:
        # People with invoices first: their erasure shows what the law keeps.
        contacts = crm.execute(
            "SELECT id, email FROM contacts ORDER BY"
            " (SELECT count(*) FROM invoices WHERE invoices.contact_id = contacts.id) DESC, id LIMIT 40"
        ).fetchall()
    return [{"id": str(key), "email": email} for key, email in contacts if email.lower() not in users][:6]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("e2e")
    samples = build_workspace(folder / "workspace")
    port = free_port()
    # The example policy reads its databases from CRM_ and PLATFORM_DATABASE_URL: the workspace's own files here.
    ours = ("REGISTRE_", "DJANGO_", "CRM_DATABASE_URL", "PLATFORM_DATABASE_URL")
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.update(
        {
            "REGISTRE_DATA_DIR": str(folder / "data"),
            "REGISTRE_POLICY": str(folder / "workspace" / "registre.yaml"),
            "REGISTRE_BASE_URL": f"http://127.0.0.1:{port}",
            "REGISTRE_EMAIL_URL": f"file://{folder / 'mail'}",
            "REGISTRE_LOG_LEVEL": "WARNING",
        }
    )
    registre("migrate", env=env)
    staff = {}
    for role in ("agent", "dpo"):
        output = registre("staff", "create", "--email", f"{role}@e2e.test", "--role", role, env=env)
        staff[role] = re.search(r"password: (\S+)", output)[1]
    command = [sys.executable, "-c", "from registre.cli.main import app; app()", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/health/", process)
        yield Server(url, folder, folder / "mail", staff, samples)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"registre serve stopped: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"registre serve did not answer on {url}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser: Browser, lang: str = "fr") -> Page:
    context = browser.new_context(locale=lang, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    return context.new_page()


# --- The steps, as people take them ---------------------------------------------------------------------------


def person_asks(browser: Browser, server: Server, kind: str, email: str, lang: str = "fr") -> Page:
    """On the portal: choose the right, give the email, confirm by the link from the email; on the status page."""
    page = new_page(browser, lang)
    page.goto(f"{server.url}/privacy/")
    page.click(f"a[href='/privacy/request/{kind}/']")
    page.fill("#id_email", email)
    page.fill("#id_name", "Camille Test")
    page.click("form.portal-form button[type=submit]")
    page.wait_for_url(re.compile(r"/privacy/verify/"))
    page.goto(server.link_in_last_email(email, "confirm"))
    page.click("form button[type=submit].primary")
    page.wait_for_url(re.compile(r"/privacy/status/"))
    return page


def staff_logs_in(browser: Browser, server: Server, role: str, lang: str = "fr") -> Page:
    page = new_page(browser, lang)
    page.goto(f"{server.url}/console/")
    page.fill("#id_username", f"{role}@e2e.test")
    page.fill("#id_password", server.staff[role])
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r"/console/$"))
    return page


def open_request(page: Page, server: Server, reference: str) -> None:
    page.goto(f"{server.url}/console/requests/?state=")
    page.click(f"text={reference}")
    page.wait_for_url(re.compile(rf"/console/requests/{reference}/"))


def reference_of(status_page: Page) -> str:
    return re.search(r"R-\d{4}-\d{4}", status_page.inner_text("h1"))[0]


def take_step(page: Page, step: str) -> None:
    """Press the button of a step on a request's page, and wait for the page to come back."""
    with page.expect_navigation():
        page.click(f"form[action$='/{step}/'] button[type=submit]")


def wait_until_completed(page: Page) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        page.reload()
        if page.locator(".heading-state .state-completed").count():
            return
        time.sleep(0.5)
    raise AssertionError("the request was not completed in time")


# --- The tests --------------------------------------------------------------------------------------------------


def test_an_access_request_from_the_portal_to_the_download(browser, server):
    email = server.samples[0]["email"]
    status = person_asks(browser, server, "access", email)
    reference = reference_of(status)
    console = staff_logs_in(browser, server, "agent")
    open_request(console, server, reference)
    plan = console.locator("section.plan")
    assert "contacts" in plan.inner_text() and "Exporté" in plan.inner_text()
    take_step(console, "execute")
    wait_until_completed(console)
    status.reload()
    with status.expect_download() as download:
        status.click("a[href$='/download/']")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {"data.json", "crm.contacts.csv", "report-fr.pdf"} <= set(archive.namelist())
    assert email in json.dumps(json.loads(archive.read("data.json")))


def test_an_erasure_approved_by_the_dpo_is_carried_out_in_the_database(browser, server):
    email = server.samples[1]["email"]
    contact_id = server.samples[1]["id"]
    assert server.crm_count("SELECT count(*) FROM contacts WHERE email = ?", email) == 1
    status = person_asks(browser, server, "erasure", email, lang="en")
    reference = reference_of(status)
    agent = staff_logs_in(browser, server, "agent", lang="en")
    open_request(agent, server, reference)
    assert "kept under a legal obligation" in agent.inner_text("section.plan")
    take_step(agent, "request-approval")
    assert agent.locator("form[action$='/approve/']").count() == 0  # agents cannot approve
    dpo = staff_logs_in(browser, server, "dpo", lang="en")
    open_request(dpo, server, reference)
    take_step(dpo, "approve")
    wait_until_completed(dpo)
    assert server.crm_count("SELECT count(*) FROM contacts WHERE email = ?", email) == 0
    assert server.crm_count("SELECT count(*) FROM invoices WHERE contact_id = ?", contact_id) > 0  # held
    letter = server.emails_to(email)[-1]
    assert "erasure" in letter.lower()


def test_screenshots_of_the_daily_screens(browser, server):
    """The portal's form and status page, the inbox and an erasure with its plan, in French and English."""
    target = Path(os.environ.get("REGISTRE_SCREENSHOTS") or server.folder / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    for number, lang in enumerate(("fr", "en"), start=2):
        status = person_asks(browser, server, "erasure", server.samples[number]["email"], lang)
        status.screenshot(path=str(target / f"portal-status-{lang}.png"), full_page=True)
        form = new_page(browser, lang)
        form.goto(f"{server.url}/privacy/request/rectification/")
        form.screenshot(path=str(target / f"portal-form-{lang}.png"), full_page=True)
        console = staff_logs_in(browser, server, "dpo", lang)
        console.goto(f"{server.url}/console/requests/?state=")
        console.screenshot(path=str(target / f"requests-inbox-{lang}.png"), full_page=True)
        open_request(console, server, reference_of(status))
        console.screenshot(path=str(target / f"request-plan-{lang}.png"), full_page=True)
    assert len(list(target.glob("*.png"))) >= 8


def test_a_withdrawn_request_and_a_sweep_run_from_the_french_console(browser, server):
    """Withdrawn on the portal: the steps passed, then "Retirée"; a real sweep from the console, charted and audited."""
    target = Path(os.environ.get("REGISTRE_SCREENSHOTS") or server.folder / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    status = person_asks(browser, server, "access", server.samples[4]["email"], "fr")
    with status.expect_navigation():
        status.click("button[name=cancel]")
    stages = status.locator("ol.progress li")
    assert stages.last.get_attribute("class") == "stage-stopped" and "Retirée" in stages.last.inner_text()
    assert "Réponse envoyée" not in status.inner_text("ol.progress")
    status.screenshot(path=str(target / "portal-withdrawn-fr.png"), full_page=True)

    console = staff_logs_in(browser, server, "dpo", "fr")
    console.goto(f"{server.url}/console/retention/")
    console.uncheck("input[name=dry_run]")
    with console.expect_navigation():
        console.click("form[action$='/run/'] button[type=submit]")
    deadline = time.monotonic() + 120
    while not console.locator("svg.chart rect").count() or "En cours" in console.inner_text("section.card >> nth=0"):
        assert time.monotonic() < deadline, "the sweep did not finish"
        time.sleep(0.5)
        console.reload()
    heights = [console.locator("svg.chart rect").nth(n).get_attribute("height") for n in range(2)]
    assert all(height and "," not in height for height in heights)
    assert "Terminé" in console.inner_text("section.card >> nth=0")
    console.screenshot(path=str(target / "retention-fr.png"), full_page=True)
    console.goto(f"{server.url}/console/audit/")
    assert "retention.data_changed" in console.content()


def test_screenshots_of_the_accountability_registers(browser, server):
    """A client and its instruction, the authority's audit and an impact assessment, in the French console."""
    target = Path(os.environ.get("REGISTRE_SCREENSHOTS") or server.folder / "screenshots")
    target.mkdir(parents=True, exist_ok=True)
    console = staff_logs_in(browser, server, "dpo", "fr")

    console.goto(f"{server.url}/console/clients/")
    console.fill("#id_name", "Transports Lemoine SAS")
    console.fill("#id_tenant", "tenant-001")
    console.fill("#id_contact_email", "dpo@lemoine.example")
    with console.expect_navigation():
        console.click("form[action$='/clients/new/'] button[type=submit]")

    console.goto(f"{server.url}/console/instructions/")
    console.select_option("#id_client", label="Transports Lemoine SAS")
    console.fill("#id_received_at", "2026-11-30T10:15")
    console.select_option("#id_channel", "email")
    console.fill("#id_given_by", "Mme Lemoine, déléguée à la protection des données du client")
    console.fill("#id_text", "Conserver les journaux de la messagerie hébergée 90 jours, puis les supprimer.")
    console.locator("input[name=activities]").first.check()
    with console.expect_navigation():
        console.click("form[action$='/instructions/new/'] button[type=submit]")
    assert re.search(r"I-\d{4}-\d{4}", console.inner_text("main"))
    console.screenshot(path=str(target / "instruction-fr.png"), full_page=True)

    today = dt.date.today()
    console.goto(f"{server.url}/console/inspections/")
    console.select_option("#id_by", "authority")
    console.fill("#id_auditor", "CNIL, service des contrôles")
    console.fill("#id_scope", "Registre des activités de traitement, sécurité des données hébergées")
    console.fill("#id_requested_on", f"{today:%Y-%m-%d}")
    console.fill("#id_onsite_on", f"{today + dt.timedelta(days=12):%Y-%m-%d}")
    with console.expect_navigation():
        console.click("form[action$='/inspections/new/'] button[type=submit]")
    assert re.search(r"AU-\d{4}-\d{4}", console.inner_text("main"))
    console.goto(f"{server.url}/console/inspections/")
    console.screenshot(path=str(target / "audits-register-fr.png"), full_page=True)

    console.goto(f"{server.url}/console/dpia/")
    console.screenshot(path=str(target / "dpia-register-fr.png"), full_page=True)
    with console.expect_navigation():
        console.locator("form[action$='/dpia/new/'] button[type=submit]").first.click()
    assert "Accès illégitime" in console.inner_text("main")
    console.screenshot(path=str(target / "dpia-version-fr.png"), full_page=True)
