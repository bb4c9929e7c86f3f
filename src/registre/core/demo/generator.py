"""The demo databases of the cloud-host example, generated deterministically at any size."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from registre.core.demo.crm import CrmGenerator
from registre.core.demo.loading import load_system
from registre.core.demo.schema import crm_metadata, platform_metadata
from registre.core.demo.tenants import PlatformGenerator
from registre.core.demo.timeline import DEMO_TODAY, Timeline
from registre.core.demo.vocabulary import draw_all_pools
from registre.core.sources.connection import create_engine_for_url

Progress = Callable[[int, int], None]

BATCH_SUBJECTS = 2_000  # about 20,000 rows per transaction
USERS_PER_SUBJECT = 0.2  # tenant users, per CRM contact


@dataclass(frozen=True)
class GenerationReport:
    """What `generate_demo_databases` wrote.

    `rows` counts rows by `system.table`. `sample_contacts` holds a few CRM
    contacts to try requests with (keys `email`, `phone`, `first_name`,
    `last_name`, and `id`, `customer_number` for most); those with a
    `tenant_id` key are also users of that client (`tenant_user_id`). The
    first sample is always such a person.
    """

    rows: dict[str, int]
    duration: float
    sample_contacts: list[dict[str, str]]
    subjects: int
    tenants: int
    seed: int
    today: dt.date
    tenant_ids: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.duration if self.duration > 0 else float("inf")

    @property
    def shared_contact(self) -> dict[str, str]:
        """A CRM contact who is also a user of a client's tenant."""
        return next(sample for sample in self.sample_contacts if "tenant_id" in sample)


def generate_demo_databases(
    crm_url: str,
    platform_url: str | None = None,
    *,
    subjects: int = 1000,
    tenants: int = 5,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> GenerationReport:
    """Create the tables of the `crm` and `platform` systems and fill them with synthetic people.

    The tables of each system are dropped and created again, so running twice
    leaves the same data. `subjects` is the number of CRM contacts (about ten
    rows each across all tables); the platform gets `subjects / 5` users over
    `tenants` clients. The same seed, sizes and `today` give identical data
    (with the same version of Faker); dates spread over the twelve years
    before `today` (default 2026-11-23, never the wall clock). `progress` is
    called after each batch with (people written, people in total), counting
    the contacts and then the tenant users.

    1. Draw the pools of names and phrases (Faker, seeded).
    2. Load the CRM: tables recreated (`platform_url` None: the CRM database
       holds both systems), then batch after batch, each in a transaction.
    3. Load the platform, reusing some CRM people as tenant users.
    """
    if subjects < 1 or tenants < 1:
        raise ValueError("subjects and tenants must be at least 1")
    started = time.perf_counter()
    timeline = Timeline(today or DEMO_TODAY)
    pools = draw_all_pools(seed)
    users = max(1, round(subjects * USERS_PER_SUBJECT))
    crm = CrmGenerator(random.Random(f"{seed}:crm"), pools, timeline, subjects)
    platform = PlatformGenerator(
        random.Random(f"{seed}:platform"), pools, timeline, users=users, tenants=tenants, shared=crm.shared
    )
    crm_engine = create_engine_for_url(crm_url)
    platform_engine = crm_engine if platform_url is None else create_engine_for_url(platform_url)
    try:
        crm_batches = crm.batches(BATCH_SUBJECTS)
        crm_rows = load_system(crm_engine, crm_metadata, crm_batches, _reporter(progress, subjects + users))
        platform_batches = platform.batches(BATCH_SUBJECTS)
        on_batch = _reporter(progress, subjects + users, offset=subjects)
        platform_rows = load_system(platform_engine, platform_metadata, platform_batches, on_batch)
    finally:
        crm_engine.dispose()
        platform_engine.dispose()
    return GenerationReport(
        rows={**_by_system("crm", crm_rows), **_by_system("platform", platform_rows)},
        duration=time.perf_counter() - started,
        sample_contacts=_merge_samples(crm.samples, platform.shared_samples),
        subjects=subjects,
        tenants=tenants,
        seed=seed,
        today=timeline.today,
        tenant_ids=[tenant.id for tenant in platform.tenants],
    )


def _reporter(progress: Progress | None, total: int, offset: int = 0) -> Callable[[int], None]:
    """Turn "`done` people of this system" into a call of `progress` with the overall figures."""

    def report(done: int) -> None:
        if progress is not None:
            progress(offset + done, total)

    return report


def _by_system(system: str, counts: dict[str, int]) -> dict[str, int]:
    return {f"{system}.{table}": count for table, count in counts.items()}


def _merge_samples(contacts: list[dict[str, str]], users: list[dict[str, str]]) -> list[dict[str, str]]:
    """Sample contacts, with the tenant of those who are also tenant users; then the other such users."""
    by_email = {user["email"]: user for user in users}
    merged = [{**contact, **by_email.pop(contact["email"], {})} for contact in contacts]
    return merged + list(by_email.values())
