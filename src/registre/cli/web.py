"""The one door from the command line into the web layer: Django is set up here, and only here.

Every function calls `setup_django()` first and then imports what it needs
from `registre.web`. Those imports sit inside the functions on purpose:
Django's models cannot be imported before Django is set up, and the other
commands (check, ropa...) must not pay for Django at all.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from registre.cli.errors import CommandError, first_line
from registre.core.dpia import DpiaRecord
from registre.core.sources.connection import display_url
from registre.core.sources.trail import audit_trail, trail_in_force

if TYPE_CHECKING:
    from registre.web.appdb import ApplicationDatabase

SETTINGS_MODULE = "registre.web.settings"
DATABASE_SETTING = "REGISTRE_DATABASE_URL"
_NOT_MIGRATED = ("no such table", "does not exist", "doesn't exist")
_DIRECT_MODULE = "registre.web.appdb"  # its ApplicationDatabaseError: a fault of the database reached directly

P = ParamSpec("P")
R = TypeVar("R")


def setup_django(policy: Path | None = None) -> None:
    """Configure and start Django (idempotent). `policy` overrides REGISTRE_POLICY for this process.

    Raises CommandError when a setting cannot be used (an application database URL that is not one).
    """
    if policy is not None:
        os.environ["REGISTRE_POLICY"] = str(policy)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:  # a setting read from the environment, with its fix
        raise CommandError(first_line(error)) from None
    except (ValueError, KeyError, ImportError) as error:
        raise CommandError(
            f"{DATABASE_SETTING}={_database_url()} cannot be used ({first_line(error)}): give a URL such as "
            "sqlite:///path/registre.sqlite, postgresql://user@host/registre or mysql://user@host/registre"
        ) from None


def on_application_database(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function`; the application database down, misconfigured or not migrated raises CommandError."""

    @functools.wraps(function)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        with _application_database_faults():
            return function(*args, **kwargs)

    return guarded


def _database_problem(error: Exception) -> str | None:
    """One line for a fault of the application database (through Django or `registre.web.appdb`), or None for
    any other error."""
    modules = {cls.__module__ for cls in type(error).__mro__}
    direct = _DIRECT_MODULE in modules
    if not direct and not any(module.startswith("django.db") for module in modules):
        return None
    message = first_line(error)
    where = f"{DATABASE_SETTING}={_database_url()}"
    if not direct:
        from django.db import OperationalError, ProgrammingError

        if isinstance(error, OperationalError | ProgrammingError) and any(s in message for s in _NOT_MIGRATED):
            return f"the application database ({where}) has no Registre tables yet ({message}): run registre migrate"
    return f"cannot use the application database ({where}): {message}; check {DATABASE_SETTING} and the server"


@contextmanager
def _application_database_faults() -> Iterator[None]:
    """A fault of the application database raised in the block, as one line (CommandError)."""
    try:
        yield
    except CommandError:
        raise
    except Exception as error:
        problem = _database_problem(error)
        if problem is None:
            raise
        raise CommandError(problem) from None


def preload_direct_database() -> None:
    """Import what an erasure needs to reach the application database without Django (the preloader's warm-up).

    Nothing is set up or read: Django's settings and the database are the command's own business.
    """
    import registre.web.appdb  # noqa: F401


def _database_url() -> str:
    url = os.environ.get(DATABASE_SETTING)
    return display_url(url) if url else f"not set, so {_default_database()}"


def application_database_exists() -> bool:
    """Whether the CLI has an application database to read: the one configured, or the default file.

    The default (`<REGISTRE_DATA_DIR>/registre.sqlite`) is where `registre serve` keeps the console's
    records and where the CLI's writes are audited: the case holds and restriction records placed there
    count as much as in a configured database. Without either there is nothing to read, and reading
    commands do not create the file.
    """
    return bool(os.environ.get(DATABASE_SETTING)) or _default_database().exists()


def _default_database() -> Path:
    from registre.web.locations import default_database_path

    return default_database_path()


@on_application_database
def migrate(verbosity: int = 0) -> None:
    """Create or update the application database's tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)


@on_application_database
def ensure_migrated() -> None:
    """Migrate the application database unless every migration on disk is recorded as applied.

    Commands that write to it (the audit log of an erasure) call this on every
    run: one query and a listing of the migration folders, instead of loading
    every migration to build Django's plan. Anything unexpected (a squashed
    migration, a missing table) takes the full `migrate`, which knows.
    """
    setup_django()
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table() or _migrations_on_disk() - set(recorder.applied_migrations()):
        migrate()


def _migrations_on_disk() -> set[tuple[str, str]]:
    """(app label, migration name) of every migration module of the installed applications, as Django finds them."""
    from django.apps import apps

    from registre.web.appdb import migrations_on_disk

    return migrations_on_disk({config.label: config.name for config in apps.get_app_configs()})


def uses_sqlite() -> bool:
    setup_django()
    from registre.web.server import uses_sqlite as sqlite

    return sqlite()


def serve(host: str, port: int, *, threads: int, with_worker: bool, on_ready: Callable[[str], None]) -> None:
    setup_django()
    from registre.web.server import serve as serve_http

    serve_http(host, port, threads=threads, with_worker=with_worker, on_ready=on_ready)


@on_application_database
def run_worker(*, queues: str, interval: float, batch: bool, max_tasks: int | None) -> None:
    setup_django()
    from registre.web.jobs.worker import run_worker as run

    run(queues=queues, interval=interval, batch=batch, max_tasks=max_tasks)


@on_application_database
def verify_audit(anchors: Path | None = None) -> list[str]:
    """The problems of the audit chain, and of each anchor of the file `anchors`, as sentences; empty when intact."""
    setup_django()
    from registre.web.audit.actions import verify_chain
    from registre.web.audit.anchors import read_anchors, verify_anchor

    problems = [str(problem) for problem in verify_chain()]
    try:
        published = read_anchors(anchors) if anchors is not None else []
    except ValueError as error:
        raise CommandError(str(error)) from None
    for anchor in published:
        problems.extend(verify_anchor(anchor))
    return problems


@on_application_database
def anchor_audit(output: Path | None, emails: list[str]) -> str:
    """Make an anchor of the audit log, append it to `output` and mail it to `emails`; its JSON line."""
    setup_django()
    from registre.web.audit.anchors import append_anchor, email_anchor, make_anchor

    anchor = make_anchor()
    if output is not None:
        append_anchor(anchor, output)
    if emails:
        email_anchor(anchor, emails)
    return anchor.to_json()


@on_application_database
def audit_size() -> int:
    setup_django()
    from registre.web.audit.models import AuditEntry

    return AuditEntry.objects.count()


@on_application_database
def export_audit(path: Path) -> int:
    """Write the whole audit log to `path` as CSV; the number of entries."""
    setup_django()
    from registre.web.audit.export import write_audit_csv
    from registre.web.audit.models import AuditEntry

    with path.open("w", encoding="utf-8", newline="") as stream:
        return write_audit_csv(AuditEntry.objects.order_by("sequence").iterator(chunk_size=2000), stream)


def audit_package(output: Path, *, lang: str, tenant: str | None) -> int:
    """Write the signed audit package (for the client of `tenant`, or the authority); the number of files."""
    setup_django()
    from registre.web.audit.package import audit_package as build
    from registre.web.clients.models import Client
    from registre.web.policy import current_policy

    policy = current_policy()
    if policy is None:
        raise ValueError("the policy is missing or has errors: run `registre check`")
    client = None
    if tenant is not None:
        client = Client.objects.filter(tenant=tenant).first()
        if client is None:
            raise ValueError(f"no client has the tenant {tenant!r}")
    output.write_bytes(build(policy, "system", lang=lang, client=client))
    with zipfile.ZipFile(output) as archive:
        return len(archive.namelist())


@on_application_database
def dpia_version(activity: str, version: int) -> DpiaRecord:
    """The `version` of `activity`'s impact assessment recorded in the console (a `core.dpia.DpiaRecord`)."""
    setup_django()
    from registre.web.dpia.models import DpiaVersion

    found = DpiaVersion.objects.filter(activity=activity, version=version).first()
    if found is None:
        raise CommandError(f"the console records no version {version} of the DPIA of '{activity}'")
    return found.record()


def generate_key() -> str:
    from registre.web.vault.keys import generate_key as new_key

    return new_key()


@on_application_database
def rotate_keys(batch_size: int, progress: Callable[[str, int], None]) -> dict[str, int]:
    setup_django()
    from registre.web.vault.rotation import rotate_encrypted_fields

    return rotate_encrypted_fields(batch_size, progress)


@on_application_database
def ensure_clients(clients: list[tuple[str, str, str]]) -> None:
    """A client for each (name, tenant, contact email) that has none yet (the demo's tenants)."""
    setup_django()
    from registre.web.clients.actions import ensure_client

    for name, tenant, contact_email in clients:
        ensure_client(name, tenant, contact_email)


@on_application_database
def offboard_client(client_id: int, *, contract_end: date | None, now: bool) -> dict[str, Any]:
    """End a client's contract (see `registre.web.clients.actions.end_contract`); with `now`, do it all here.

    LookupError for an unknown client, ValueError for a contract already ended.
    """
    setup_django()
    from django.utils import timezone

    from registre.web.clients.actions import end_contract, offboard_now
    from registre.web.clients.models import Client

    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        raise LookupError(f"no client {client_id}")
    end = contract_end or timezone.localdate()
    offboarding = (offboard_now if now else end_contract)(client, "system", contract_end=end)
    return {
        "client": client.name,
        "tenant": client.tenant,
        "deletion_due": offboarding.deletion_due.isoformat(),
        "exported_rows": offboarding.export_rows if now else None,
        "deleted": offboarding.certificate_summary.get("deleted") if now else None,
        "audit_hash": offboarding.audit_hash or None,
    }


@on_application_database
def open_notice_campaign(
    old: Any, new: Any, *, old_label: str, new_label: str, effective: date | None, allow_late: bool
) -> dict[str, Any]:
    """Open and send the notice campaign of the change from `old` to `new` (see `registre.web.notices.actions`).

    ValueError (CampaignRefused) when no client is concerned, or a notice would be late without `allow_late`.
    """
    setup_django()
    from django.utils import translation

    from registre.web.notices.actions import open_campaign
    from registre.web.notices.api import campaign_body

    # The command line speaks English; each client's e-mail is in the client's language.
    with translation.override("en"):
        opened = open_campaign(
            "system", old, new, old_label=old_label, new_label=new_label, effective=effective, allow_late=allow_late
        )
    return _jsonable(campaign_body(opened))


@on_application_database
def settle_change_notices() -> int:
    """Record the silences of the notices whose window has passed; the number recorded."""
    setup_django()
    from registre.web.notices.actions import settle_notices

    return settle_notices()


@on_application_database
def notice_campaign(reference: str) -> dict[str, Any]:
    """Campaign `reference` and where each client stands. LookupError for an unknown one."""
    setup_django()
    from registre.web.notices.api import campaign_body
    from registre.web.notices.models import Campaign

    found = Campaign.objects.filter(reference=reference).first()
    if found is None:
        raise LookupError(f"no campaign {reference}")
    return _jsonable(campaign_body(found))


def _jsonable(body: dict[str, Any]) -> dict[str, Any]:
    """Dates and times as ISO 8601 strings."""
    return dict(json.loads(json.dumps(body, default=lambda value: value.isoformat())))


@on_application_database
def publish_policy_version(
    policy: Any, *, effective: date | None, revision: str, source: str, recipients: list[str]
) -> dict[str, Any]:
    """Publish `policy` as a version (see `registre.web.versions.actions.publish_version`), by the system."""
    setup_django()
    from registre.web.versions.actions import publish_version
    from registre.web.versions.models import Announcement

    version = publish_version(
        "system", policy, effective=effective, revision=revision, source=source, recipients=recipients
    )
    announcement = Announcement.objects.filter(version=version).first()
    return {
        "version": version.pk,
        "effective": version.effective.isoformat(),
        "revision": version.revision,
        "announcement": announcement is not None,
        "late": bool(announcement and announcement.late),
        "recipients": announcement.recipients if announcement else 0,
    }


@on_application_database
def policy_versions() -> list[dict[str, Any]]:
    """The published versions, oldest first, with the one in force today marked."""
    setup_django()
    from django.utils import timezone

    from registre.web.versions.actions import version_on
    from registre.web.versions.models import PolicyVersion

    in_force = version_on(timezone.localdate())
    return [
        {
            "version": version.pk,
            "effective": version.effective.isoformat(),
            "revision": version.revision,
            "source": version.source,
            "published_at": version.published_at.isoformat(timespec="seconds"),
            "in_force": in_force is not None and version.pk == in_force.pk,
            "announced": hasattr(version, "announcement"),
            "late": hasattr(version, "announcement") and version.announcement.late,
        }
        for version in PolicyVersion.objects.select_related("announcement").order_by("pk")
    ]


@on_application_database
def create_staff(
    email: str, role: str, *, username: str | None, activities: list[str], clients: list[str]
) -> tuple[str, str]:
    """A new staff member; (username, generated password). ValueError for an unknown role."""
    setup_django()
    from registre.web.accounts.actions import create_staff as create

    user, password = create(email, role, username=username, activities=activities, clients=clients)
    return user.get_username(), password


@contextmanager
def recorded_changes(action: str, **details: Any) -> Iterator[None]:
    """Record each change the block makes to a target database in the application's audit log.

    The actor is `cli:<login>`. A trail already in force (Registre embedded in another program that
    records changes its own way) is kept. The entries are written without starting Django where the
    database allows it (`registre.web.appdb`).
    """
    if trail_in_force() is not None:
        yield
        return
    direct = _direct_database()
    if direct is not None:
        with _application_database_faults(), audit_trail(direct.trail(f"cli:{_login()}", action, details)):
            yield
        return
    ensure_migrated()
    from registre.web.audit.actions import Actor
    from registre.web.audit.trail import recorded_changes as recorded

    with recorded(Actor("system", None, f"cli:{_login()}"), action, details=details):
        yield


def _direct_database() -> ApplicationDatabase | None:
    """The application database through SQLAlchemy, or None: through Django.

    Django's way is taken where Django already runs in this process (its connection, its transactions)
    and wherever `ApplicationDatabase.open` declines the database. The vault's keys, which decrypt the
    holds, are read from Django's settings, named here as for `setup_django`.
    """
    apps = sys.modules.get("django.apps")
    if apps is not None and apps.apps.ready:
        return None
    from django.core.exceptions import ImproperlyConfigured

    from registre.web.environment import env_str
    from registre.web.locations import default_database_path

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    try:
        url = env_str(DATABASE_SETTING, f"sqlite:///{default_database_path()}")
    except ImproperlyConfigured as error:
        raise CommandError(first_line(error)) from None
    return _open_direct(url)


@functools.cache
def _open_direct(url: str) -> ApplicationDatabase | None:
    from registre.web.appdb import ApplicationDatabase

    return ApplicationDatabase.open(url)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name for this uid (a container)
        return str(os.getuid())


@on_application_database
def record_restrictions(subjects: list[Any], *, lift: bool, reason: str, tenant: str | None) -> int:
    """Record (or lift) each subject's restriction in the application database; how many records changed.

    Datasets without a flag column are restricted through this record, which erasures and sweeps read.
    """
    setup_django()
    from registre.web.audit.actions import Actor
    from registre.web.retention.actions import lift_restriction, record_restriction

    actor = Actor("system", None, f"cli:{_login()}")
    changed = 0
    for subject in subjects:
        identities = list(subject.identities)
        if lift:
            changed += len(lift_restriction(actor, identities, tenant=tenant or ""))
        else:
            record_restriction(actor, identities, ground=reason, tenant=tenant or "")
            changed += 1
    return changed


@on_application_database
def active_case_holds() -> list[Any]:
    """The case holds in force in the application database, as the core takes them (`CaseHold`).

    A database without Registre's tables is an error, not a database without holds: it may not be the
    one the holds were placed in.
    """
    direct = _direct_database()
    if direct is not None:
        return list(direct.case_holds())
    setup_django()
    from registre.web.retention.actions import active_case_holds as active

    return list(active())


def list_case_holds(*, lifted: bool) -> list[dict[str, Any]]:
    """The case holds (in force, or all with `lifted`), newest first, without their identity values."""
    setup_django()
    from registre.web.retention.models import CaseHold

    holds = CaseHold.objects.all() if lifted else CaseHold.objects.filter(lifted_at__isnull=True)
    return [
        {
            "id": hold.pk,
            "reference": hold.reference,
            "reason": hold.reason,
            "identity_types": [item["type"] for item in hold.identities],
            "tenant": hold.tenant or None,
            "placed_at": hold.placed_at.isoformat(timespec="seconds"),
            "lifted_at": hold.lifted_at.isoformat(timespec="seconds") if hold.lifted_at else None,
        }
        for hold in holds
    ]


def place_case_hold(*, reason: str, reference: str, identities: list[tuple[str, str]], tenant: str) -> int:
    """Place a case hold (audited, by the system); its number. ValueError for a hold that names nothing."""
    setup_django()
    from registre.core.engine import Identity
    from registre.web.retention.actions import place_hold
    from registre.web.retention.models import CaseHold

    if reason not in CaseHold.Reason.values:
        raise ValueError(f"unknown reason {reason!r} (one of {', '.join(CaseHold.Reason.values)})")
    found = [Identity(kind, value) for kind, value in identities]
    return int(place_hold("system", reason=reason, reference=reference, identities=found, tenant=tenant).pk)


def lift_case_hold(number: int) -> bool:
    """Lift case hold `number` (audited); False when it was already lifted. LookupError for an unknown one."""
    setup_django()
    from registre.web.retention.actions import lift_hold
    from registre.web.retention.models import CaseHold

    hold = CaseHold.objects.filter(pk=number).first()
    if hold is None:
        raise LookupError(f"no case hold {number}")
    was_active = hold.active
    lift_hold(hold, "system")
    return was_active
