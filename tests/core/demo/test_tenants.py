"""The platform generator: clients' users and messages, separated by tenant, some people shared with the CRM."""

from __future__ import annotations

import random
from collections import Counter

from registre.core.demo.crm import Person
from registre.core.demo.tenants import PlatformGenerator, make_password_hash
from registre.core.demo.timeline import DEMO_TODAY, Timeline
from registre.core.demo.vocabulary import LOCALES, draw_all_pools


def _people(count: int) -> list[Person]:
    return [
        Person("Anne", "Morel", f"anne.morel.{index}@morel.example", f"+3361234{index:04d}", LOCALES[0])
        for index in range(count)
    ]


def _generator(users: int, tenants: int = 5, shared: list[Person] | None = None) -> PlatformGenerator:
    return PlatformGenerator(
        random.Random(4),
        draw_all_pools(4),
        Timeline(DEMO_TODAY),
        users=users,
        tenants=tenants,
        shared=_people(20) if shared is None else shared,
    )


def _rows(generator: PlatformGenerator, table: str) -> list[dict[str, object]]:
    return [row for batch, _ in generator.batches(250) for row in batch[table]]


def test_it_generates_exactly_the_number_of_users_asked() -> None:
    generator = _generator(1_000)
    assert [done for _, done in generator.batches(300)] == [300, 600, 900, 1_000]


def test_tenant_ids_are_numbered_and_sizes_differ() -> None:
    sizes = Counter(row["tenant_id"] for row in _rows(_generator(2_000, tenants=4), "tenant_users"))
    assert set(sizes) == {"tenant-001", "tenant-002", "tenant-003", "tenant-004"}
    assert sizes["tenant-001"] > sizes["tenant-004"]


def test_a_message_carries_the_tenant_of_its_sender() -> None:
    generator = _generator(300)
    tenant_of: dict[object, object] = {}
    for batch, _ in generator.batches(100):
        tenant_of.update((row["id"], row["tenant_id"]) for row in batch["tenant_users"])
        assert all(tenant_of[row["user_id"]] == row["tenant_id"] for row in batch["tenant_messages"])


def test_the_first_user_is_a_person_of_the_crm() -> None:
    people = _people(3)
    generator = _generator(10, shared=people)
    first = _rows(generator, "tenant_users")[0]
    assert first["email"] == people[0].email
    assert first["full_name"] == "Anne Morel"
    assert generator.shared_samples[0]["tenant_id"] == first["tenant_id"]


def test_each_shared_person_joins_one_tenant_only() -> None:
    people = _people(5)
    emails = Counter(row["email"] for row in _rows(_generator(3_000, shared=people), "tenant_users"))
    assert all(emails[person.email] == 1 for person in people)


def test_some_messages_go_to_phones_of_crm_people() -> None:
    people = _people(20)
    phones = {person.phone for person in people}
    messages = _rows(_generator(2_000, shared=people), "tenant_messages")
    assert 0 < sum(row["recipient_phone"] in phones for row in messages) < len(messages) / 10


def test_without_crm_people_every_user_is_new() -> None:
    users = _rows(_generator(50, shared=[]), "tenant_users")
    assert all(".u" in str(row["email"]) for row in users)


def test_password_hashes_look_like_django_hashes() -> None:
    algorithm, iterations, salt, digest = make_password_hash(random.Random(1)).split("$")
    assert (algorithm, iterations) == ("pbkdf2_sha256", "600000")
    assert len(salt) == 16 and len(digest) == 64
