"""Rows of the `platform` system: the users and messages that clients host on the platform.

The company is a processor here: each client (a tenant, `tenant-001`, ...)
owns its rows, marked by `tenant_id`. Tenants differ in size (a few large
clients, a tail of small ones). Some tenant users are people of the CRM, with
the same email, and some messages go to CRM contacts' phones: a person can be
both a customer's contact and a user of a client, and a request about them
must never reach a client's data by accident.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate

from registre.core.demo.chance import pick, pick_count
from registre.core.demo.crm import SAMPLES, Batch, Person, Row, new_batch
from registre.core.demo.identities import make_domain, make_email, make_phone
from registre.core.demo.schema import platform_metadata
from registre.core.demo.timeline import Timeline, pick_between, pick_recent
from registre.core.demo.vocabulary import LOCALES, MESSAGES, Pools

SHARED_USER_SHARE = 0.05  # tenant users who are also people of the CRM
SHARED_RECIPIENT_SHARE = 0.03  # messages sent to the phone of a person of the CRM
RECIPIENT_NUMBERS = 60_000_000  # phone numbering of message recipients, above every contact id


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str
    pools: Pools
    domain: str
    since: int


class PlatformGenerator:
    """Builds the rows of the `platform` system for `users` tenant users spread over `tenants` clients."""

    def __init__(
        self,
        rng: random.Random,
        pools: dict[str, Pools],
        timeline: Timeline,
        *,
        users: int,
        tenants: int,
        shared: list[Person],
    ) -> None:
        self.rng = rng
        self.timeline = timeline
        self.users = users
        self.shared = shared
        self.next_shared = 0  # each shared person joins one tenant only
        self.ids = {table.name: 0 for table in platform_metadata.sorted_tables}
        self.tenants = [self.make_tenant(index, pools) for index in range(tenants)]
        # Zipf-like sizes: the first client is the largest.
        self.tenant_weights = list(accumulate(1.0 / (index + 1) for index in range(tenants)))
        self.recipients = max(50, users * 2)
        self.shared_samples: list[Row] = []

    def make_tenant(self, index: int, pools: dict[str, Pools]) -> Tenant:
        rng = self.rng
        locale_pools = pools[LOCALES[0].code] if rng.random() < 0.7 else pools[pick(rng, LOCALES[1:]).code]
        since = pick_between(rng, 0, self.timeline.seconds_before_end(90))
        return Tenant(f"tenant-{index + 1:03d}", locale_pools, make_domain(pick(rng, locale_pools.companies)), since)

    def batches(self, batch_users: int) -> Iterator[tuple[Batch, int]]:
        """Yield (rows by table, users generated so far) until `users` tenant users exist."""
        done = 0
        while done < self.users:
            batch = new_batch(list(self.ids))
            for _ in range(min(batch_users, self.users - done)):
                self.add_user(batch, first=done == 0)
                done += 1
            yield batch, done

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def add_user(self, batch: Batch, *, first: bool) -> None:
        rng, timeline = self.rng, self.timeline
        tenant = rng.choices(self.tenants, cum_weights=self.tenant_weights)[0]
        user_id = self.next_id("tenant_users")
        person = self.pick_person(tenant, user_id, first=first)
        created = pick_between(rng, tenant.since, timeline.end)
        last_login = pick_recent(rng, created, timeline.end) if rng.random() < 0.9 else None
        batch["tenant_users"].append(
            {
                "id": user_id,
                "tenant_id": tenant.id,
                "email": person.email,
                "full_name": f"{person.first_name} {person.last_name}",
                "password_hash": make_password_hash(rng),
                "last_login_at": None if last_login is None else timeline.datetime_at(last_login),
            }
        )
        for _ in range(pick_count(rng, 0, 6)):
            self.add_message(batch, tenant, user_id, created)

    def pick_person(self, tenant: Tenant, user_id: int, *, first: bool) -> Person:
        """A new person, or (for the first user and a few others) a person of the CRM."""
        rng = self.rng
        if self.next_shared < len(self.shared) and (first or rng.random() < SHARED_USER_SHARE):
            person = self.shared[self.next_shared]
            self.next_shared += 1
            self.remember(person, tenant, user_id)
            return person
        first_name, last_name = pick(rng, tenant.pools.first_names), pick(rng, tenant.pools.last_names)
        email = make_email(first_name, last_name, f"u{user_id}", tenant.domain)
        return Person(first_name, last_name, email, None, tenant.pools.locale)

    def remember(self, person: Person, tenant: Tenant, user_id: int) -> None:
        """Keep the first few people who are both CRM contacts and tenant users, as samples."""
        if len(self.shared_samples) < SAMPLES:
            self.shared_samples.append(
                {
                    "email": person.email,
                    "phone": person.phone or "",
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "tenant_id": tenant.id,
                    "tenant_user_id": str(user_id),
                }
            )

    def add_message(self, batch: Batch, tenant: Tenant, user_id: int, since: int) -> None:
        rng = self.rng
        person = pick(rng, self.shared) if self.shared and rng.random() < SHARED_RECIPIENT_SHARE else None
        if person is not None and person.phone is not None:
            phone = person.phone
        else:
            phone = make_phone(tenant.pools.locale, RECIPIENT_NUMBERS + pick_count(rng, 0, self.recipients - 1))
        template = pick(rng, MESSAGES[tenant.pools.locale.language])
        batch["tenant_messages"].append(
            {
                "id": self.next_id("tenant_messages"),
                "tenant_id": tenant.id,
                "user_id": user_id,
                "recipient_phone": phone,
                "content": template.format(code=pick_count(rng, 100_000, 999_999)),
                "sent_at": self.timeline.datetime_at(pick_recent(rng, since, self.timeline.end)),
            }
        )


def make_password_hash(rng: random.Random) -> str:
    """A string shaped like a Django PBKDF2 hash; it is the hash of no password."""
    return f"pbkdf2_sha256$600000${rng.getrandbits(64):016x}${rng.getrandbits(256):064x}"
