"""Rows of the `crm` system: customers, their contacts and everything that follows them.

Each customer (a company) has one to five contacts (the data subjects); each
contact brings invoices, tickets, calls, connection logs and sometimes a
newsletter subscription, all dated within the life of the customer so that a
closed customer has no activity after its closing. Rows come in batches, one
list per table in the order of the foreign keys, so that a batch can be
written as soon as it is built and memory stays flat.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from registre.core.demo.chance import pick, pick_count
from registre.core.demo.identities import (
    make_domain,
    make_email,
    make_iban,
    make_phone,
    make_vat_number,
)
from registre.core.demo.schema import crm_metadata
from registre.core.demo.timeline import DAY, HOUR, Timeline, pick_between, pick_early, pick_recent
from registre.core.demo.vocabulary import (
    LOCALES,
    PRODUCTS,
    TICKET_OPENINGS,
    TICKET_SENTENCES,
    TICKET_SUBJECTS,
    USER_AGENTS,
    Locale,
    Pools,
)

Row = dict[str, Any]
Batch = dict[str, list[Row]]

CLOSED_SHARE = 0.25  # customers whose account is closed
RUNNING_SHARE = 0.65  # contracts of open customers still running
EARLY_CONTACT_SHARE = 0.6  # contacts who join when the account opens
SHARED_SHARE = 0.02  # contacts who may also be users of a client's tenant
SAMPLES = 3  # sample identities kept for the report
SWITCHBOARD_NUMBERS = 50_000_000  # phone numbering of switchboards, above every contact id
PROSPECT_DOMAINS = ("courriel.example", "mail.example", "inbox.example")
_LOCALE_WEIGHTS = list(accumulate(locale.weight for locale in LOCALES))


@dataclass(frozen=True, slots=True)
class Person:
    """Someone of the CRM who may also appear in a client's tenant."""

    first_name: str
    last_name: str
    email: str
    phone: str | None
    locale: Locale


@dataclass(slots=True)
class Account:
    """The customer being generated and the span of its life."""

    id: int
    pools: Pools
    company_name: str
    domain: str
    address: str
    iban: str | None
    created: int
    end: int
    contact_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Contact:
    id: int
    person: Person
    created: int


def customer_number(customer_id: int) -> str:
    return f"C{customer_id:08d}"


def new_batch(tables: list[str]) -> Batch:
    return {name: [] for name in tables}


class CrmGenerator:
    """Builds the rows of the `crm` system for `subjects` contacts, batch after batch."""

    def __init__(self, rng: random.Random, pools: dict[str, Pools], timeline: Timeline, subjects: int) -> None:
        self.rng = rng
        self.pools = pools
        self.timeline = timeline
        self.subjects = subjects
        self.ids = {table.name: 0 for table in crm_metadata.sorted_tables}
        self.shared: list[Person] = []
        self.samples: list[Row] = []
        self.shared_limit = max(1, int(subjects * SHARED_SHARE))

    def batches(self, batch_subjects: int) -> Iterator[tuple[Batch, int]]:
        """Yield (rows by table, contacts generated so far) until `subjects` contacts exist."""
        done = 0
        while done < self.subjects:
            batch = new_batch(list(self.ids))
            target = min(self.subjects, done + batch_subjects)
            while done < target:
                done += self.add_customer(batch, target - done)
            yield batch, done

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def add_customer(self, batch: Batch, room: int) -> int:
        """Add a customer with up to `room` contacts and their history; return the number of contacts."""
        rng, timeline = self.rng, self.timeline
        pools = self.pools[rng.choices(LOCALES, cum_weights=_LOCALE_WEIGHTS)[0].code]
        company = pick(rng, pools.companies)
        created = pick_early(rng, 0, timeline.seconds_before_end(30))
        closed = pick_between(rng, created, timeline.end) if rng.random() < CLOSED_SHARE else None
        address = f"{pick(rng, pools.streets)}, {pick(rng, pools.localities)}"
        account = Account(
            self.next_id("customers"),
            pools,
            company,
            make_domain(company),
            address,
            make_iban(pools.locale, rng),
            created,
            closed or timeline.end,
        )
        batch["customers"].append(
            {
                "id": account.id,
                "customer_number": customer_number(account.id),
                "company_name": company,
                "vat_number": make_vat_number(pools.locale, rng),
                "country": pools.locale.country,
                "created_at": timeline.datetime_at(created),
                "closed_at": None if closed is None else timeline.datetime_at(closed),
            }
        )
        for _ in range(min(room, pick_count(rng, 1, 5))):
            self.add_contact(batch, account)
        self.add_contracts(batch, account)
        return len(account.contact_ids)

    def add_contact(self, batch: Batch, account: Account) -> None:
        rng, pools = self.rng, account.pools
        contact_id = self.next_id("contacts")
        first_name, last_name = pick(rng, pools.first_names), pick(rng, pools.last_names)
        phone = make_phone(pools.locale, contact_id) if rng.random() < 0.85 else None
        person = Person(
            first_name,
            last_name,
            make_email(first_name, last_name, str(contact_id), account.domain),
            phone,
            pools.locale,
        )
        contact = Contact(contact_id, person, self.pick_arrival(account))
        batch["contacts"].append(
            {
                "id": contact_id,
                "customer_id": account.id,
                "email": person.email,
                "first_name": first_name,
                "last_name": last_name,
                "phone": phone,
                "job_title": pick(rng, pools.job_titles),
                "created_at": self.timeline.datetime_at(contact.created),
                "last_contact_at": self.timeline.datetime_at(pick_recent(rng, contact.created, account.end)),
            }
        )
        account.contact_ids.append(contact_id)
        self.remember(batch["contacts"][-1], person)
        self.add_history(batch, account, contact)

    def pick_arrival(self, account: Account) -> int:
        """When a contact joins: most come with the account, some join later."""
        if self.rng.random() < EARLY_CONTACT_SHARE:
            return pick_between(self.rng, account.created, min(account.end, account.created + 30 * DAY))
        return pick_between(self.rng, account.created, account.end)

    def remember(self, row: Row, person: Person) -> None:
        """Keep a few contacts as samples, and some as people who are also users of a client.

        Only contacts with a phone qualify, so that every sample can be looked up
        by email and by phone.
        """
        if person.phone is None:
            return
        if len(self.samples) < SAMPLES:
            sample = {key: str(row[key]) for key in ("id", "email", "phone", "first_name", "last_name")}
            self.samples.append({**sample, "customer_number": customer_number(row["customer_id"])})
        if len(self.shared) < self.shared_limit and (not self.shared or self.rng.random() < SHARED_SHARE):
            self.shared.append(person)

    def add_history(self, batch: Batch, account: Account, contact: Contact) -> None:
        rng = self.rng
        for _ in range(pick_count(rng, 0, 6)):
            self.add_invoice(batch, account, contact)
        for _ in range(pick_count(rng, 0, 3)):
            self.add_ticket(batch, account, contact)
        for _ in range(pick_count(rng, 0, 2)):
            self.add_call(batch, account, contact)
        for _ in range(pick_count(rng, 0, 4)):
            self.add_access_log(batch, account, contact)
        if rng.random() < 0.4:
            self.add_subscription(batch, contact.person, contact.created, account.end)
        if rng.random() < 0.1:
            self.add_prospect(batch, account)

    def add_contracts(self, batch: Batch, account: Account) -> None:
        rng, timeline = self.rng, self.timeline
        for _ in range(pick_count(rng, 1, 2)):
            started = pick_between(rng, account.created, account.end)
            if account.end < timeline.end or rng.random() >= RUNNING_SHARE:
                ended: int | None = pick_between(rng, started, account.end)
            else:
                ended = None
            batch["contracts"].append(
                {
                    "id": self.next_id("contracts"),
                    "customer_id": account.id,
                    "signatory_id": pick(rng, account.contact_ids),
                    "product": pick(rng, PRODUCTS),
                    "started_at": timeline.date_at(started),
                    "ended_at": None if ended is None else timeline.date_at(ended),
                    "monthly_amount": Decimal(pick_count(rng, 900, 249_999)).scaleb(-2),
                }
            )

    def add_invoice(self, batch: Batch, account: Account, contact: Contact) -> None:
        rng, timeline = self.rng, self.timeline
        invoice_id = self.next_id("invoices")
        issued = timeline.date_at(pick_between(rng, contact.created, account.end))
        batch["invoices"].append(
            {
                "id": invoice_id,
                "customer_id": account.id,
                "contact_id": contact.id,
                "number": f"F{issued.year}-{invoice_id:08d}",
                "issued_at": issued,
                "amount": Decimal(pick_count(rng, 900, 499_999)).scaleb(-2),
                "billing_name": f"{contact.person.first_name} {contact.person.last_name}",
                "billing_address": account.address,
                "iban": account.iban,
            }
        )

    def add_ticket(self, batch: Batch, account: Account, contact: Contact) -> None:
        rng, timeline, person = self.rng, self.timeline, contact.person
        language = person.locale.language
        opened = pick_recent(rng, contact.created, account.end)
        closed = opened + pick_between(rng, HOUR, 10 * DAY)
        still_open = closed >= timeline.end or rng.random() < 0.03
        sentences = " ".join(pick(rng, TICKET_SENTENCES[language]) for _ in range(pick_count(rng, 1, 3)))
        batch["tickets"].append(
            {
                "id": self.next_id("tickets"),
                "contact_id": contact.id,
                "subject": pick(rng, TICKET_SUBJECTS[language]),
                "body": f"{pick(rng, TICKET_OPENINGS[language])}\n\n{sentences}\n\n"
                f"{person.first_name} {person.last_name}",
                "opened_at": timeline.datetime_at(opened),
                "closed_at": None if still_open else timeline.datetime_at(closed),
            }
        )

    def add_call(self, batch: Batch, account: Account, contact: Contact) -> None:
        rng, timeline = self.rng, self.timeline
        call_id = self.next_id("calls")
        started = timeline.datetime_at(pick_recent(rng, contact.created, account.end))
        # Most calls come from the contact's own phone; some from a switchboard.
        number = contact.person.phone
        if number is None or rng.random() < 0.2:
            number = make_phone(account.pools.locale, SWITCHBOARD_NUMBERS + call_id % 10_000_000)
        batch["calls"].append(
            {
                "id": call_id,
                "contact_id": contact.id,
                "caller_number": number,
                "started_at": started,
                "duration_seconds": pick_count(rng, 20, 1_800),
                "recording_ref": f"recordings/{started.year}/{call_id:09d}.ogg",
            }
        )

    def add_access_log(self, batch: Batch, account: Account, contact: Contact) -> None:
        rng = self.rng
        if rng.random() < 0.1:
            address = "2001:db8:{:x}:{:x}::{:x}".format(*(rng.getrandbits(16) for _ in range(3)))
        else:
            address = "{}.{}.{}.{}".format(pick_count(rng, 2, 223), *(rng.getrandbits(8) for _ in range(3)))
        batch["access_logs"].append(
            {
                "id": self.next_id("access_logs"),
                "contact_id": contact.id,
                "ip_address": address,
                "user_agent": pick(rng, USER_AGENTS),
                "logged_at": self.timeline.datetime_at(pick_recent(rng, contact.created, account.end)),
            }
        )

    def add_subscription(self, batch: Batch, person: Person, since: int, until: int) -> None:
        rng, timeline = self.rng, self.timeline
        subscribed = pick_between(rng, since, until)
        opened = pick_recent(rng, subscribed, until) if rng.random() < 0.7 else None
        unsubscribed = pick_between(rng, subscribed, until) if rng.random() < 0.15 else None
        batch["newsletter"].append(
            {
                "id": self.next_id("newsletter"),
                "email": person.email,
                "language": person.locale.language,
                "subscribed_at": timeline.datetime_at(subscribed),
                "last_opened_at": None if opened is None else timeline.datetime_at(opened),
                "unsubscribed_at": None if unsubscribed is None else timeline.datetime_at(unsubscribed),
            }
        )

    def add_prospect(self, batch: Batch, account: Account) -> None:
        """A subscriber who is no contact of any customer: a prospect met at a fair or on the website."""
        rng, pools = self.rng, account.pools
        first_name, last_name = pick(rng, pools.first_names), pick(rng, pools.last_names)
        tag = f"p{self.ids['newsletter'] + 1}"
        email = make_email(first_name, last_name, tag, pick(rng, PROSPECT_DOMAINS))
        prospect = Person(first_name, last_name, email, None, pools.locale)
        self.add_subscription(batch, prospect, 0, self.timeline.end)
