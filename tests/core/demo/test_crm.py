"""The CRM generator: batches in foreign-key order, exact contact counts, lives that make sense."""

from __future__ import annotations

import random

from registre.core.demo.crm import CrmGenerator, customer_number
from registre.core.demo.timeline import DEMO_TODAY, Timeline
from registre.core.demo.vocabulary import draw_all_pools


def _generator(subjects: int, seed: int = 1) -> CrmGenerator:
    return CrmGenerator(random.Random(seed), draw_all_pools(seed), Timeline(DEMO_TODAY), subjects)


def test_it_generates_exactly_the_number_of_contacts_asked() -> None:
    generator = _generator(1_234)
    batches = list(generator.batches(500))
    assert [done for _, done in batches] == [500, 1_000, 1_234]
    assert sum(len(batch["contacts"]) for batch, _ in batches) == 1_234


def test_a_batch_holds_every_row_its_references_need() -> None:
    for batch, _ in _generator(300).batches(100):
        customers = {row["id"] for row in batch["customers"]}
        contacts = {row["id"] for row in batch["contacts"]}
        assert {row["customer_id"] for row in batch["contacts"]} <= customers
        assert {row["signatory_id"] for row in batch["contracts"]} <= contacts
        for table in ("invoices", "tickets", "calls", "access_logs"):
            assert {row["contact_id"] for row in batch[table]} <= contacts


def test_ids_are_consecutive_across_batches() -> None:
    ids = [row["id"] for batch, _ in _generator(250).batches(60) for row in batch["invoices"]]
    assert ids == list(range(1, len(ids) + 1))


def test_a_customer_has_one_to_five_contacts() -> None:
    batch, _ = next(_generator(500).batches(500))
    per_customer: dict[int, int] = {}
    for row in batch["contacts"]:
        per_customer[row["customer_id"]] = per_customer.get(row["customer_id"], 0) + 1
    assert set(per_customer.values()) == {1, 2, 3, 4, 5}


def test_invoices_are_billed_to_their_contact_with_the_account_iban() -> None:
    batch, _ = next(_generator(200).batches(200))
    names = {row["id"]: f"{row['first_name']} {row['last_name']}" for row in batch["contacts"]}
    ibans: dict[int, set[str | None]] = {}
    for invoice in batch["invoices"]:
        assert invoice["billing_name"] == names[invoice["contact_id"]]
        assert invoice["number"] == f"F{invoice['issued_at'].year}-{invoice['id']:08d}"
        ibans.setdefault(invoice["customer_id"], set()).add(invoice["iban"])
    assert all(len(values) == 1 for values in ibans.values())


def test_nothing_happens_before_the_customer_exists() -> None:
    batch, _ = next(_generator(300).batches(300))
    created = {row["id"]: row["created_at"] for row in batch["customers"]}
    for contact in batch["contacts"]:
        assert contact["created_at"] >= created[contact["customer_id"]]
        assert contact["last_contact_at"] >= contact["created_at"]
    for contract in batch["contracts"]:
        assert contract["started_at"] >= created[contract["customer_id"]].date()
        assert contract["ended_at"] is None or contract["ended_at"] >= contract["started_at"]


def test_samples_are_contacts_with_a_phone() -> None:
    generator = _generator(100)
    list(generator.batches(100))
    assert len(generator.samples) == 3
    for sample in generator.samples:
        assert sample["phone"].startswith("+")
        assert sample["customer_number"].startswith("C")


def test_shared_people_are_a_small_bounded_share() -> None:
    generator = _generator(5_000)
    list(generator.batches(1_000))
    assert 0 < len(generator.shared) <= 100
    assert all(person.phone for person in generator.shared)


def test_customer_numbers_are_padded() -> None:
    assert customer_number(42) == "C00000042"
