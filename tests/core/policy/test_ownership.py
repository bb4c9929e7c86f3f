"""`registre check` on references and mentions: cycles with the path kept, ambiguous ownership, mentions."""

from __future__ import annotations

from registre.core.policy.checks import check_policy
from registre.core.policy.model import Policy
from registre.core.policy.ownership import SystemGraph, ownership_findings

CONTACT_MANAGER = (
    "        fields:\n          email: {category: contact.email, required: true}\n",
    "        references: {manager_id: contacts.id}\n"
    "        fields:\n          email: {category: contact.email, required: true}\n          manager_id: {}\n",
)


def _messages(path, severity=None):
    return [d for d in check_policy(path).diagnostics if severity is None or d.severity == severity]


def test_a_self_reference_is_reported_as_not_followed(write_policy):
    path = write_policy(CONTACT_MANAGER)
    (found,) = [d for d in _messages(path) if d.code == "reference-cycle"]
    assert found.severity == "warning"
    assert "crm.contacts.manager_id -> contacts.id refers to its own dataset" in found.message
    assert "declare it under mentions:" in found.message


def test_a_cycle_is_reported_with_the_path_kept(write_policy):
    path = write_policy(
        (
            "          last_contact_at: {type: datetime}\n",
            "          last_contact_at: {type: datetime}\n          last_invoice_id: {}\n"
            "        references: {last_invoice_id: invoices.id}\n",
        )
    )
    (found,) = [d for d in _messages(path) if d.code == "reference-cycle"]
    # The link declared first is kept; the one closing the loop is set aside, and the message says which.
    assert "crm.invoices.contact_id -> contacts.id closes a cycle: not followed" in found.message
    assert "ownership follows contacts -> invoices" in found.message


def test_a_manager_declared_as_a_mention_passes(write_policy):
    path = write_policy(
        (
            "        fields:\n          email: {category: contact.email, required: true}\n",
            "        mentions: {manager_id: contacts.id}\n"
            "        fields:\n          email: {category: contact.email, required: true}\n          manager_id: {}\n",
        )
    )
    assert _messages(path) == []


def test_ownership_through_two_subjects_on_separate_paths_is_ambiguous(write_policy):
    path = write_policy(
        (
            "      invoices:\n        references: {contact_id: contacts.id}\n",
            "      technicians:\n        subject: employees\n        identity: {email: email}\n"
            "        fields:\n          email: {category: contact.email}\n"
            "      invoices:\n        references: {contact_id: contacts.id, technician_id: technicians.id}\n",
        ),
        ("          contact_id: {}\n", "          contact_id: {}\n          technician_id: {}\n"),
        ("datasets: [crm.invoices]", "datasets: [crm.invoices, crm.technicians]"),
    )
    found = [d for d in _messages(path, "warning") if d.code == "ownership"]
    assert len(found) == 1
    assert "crm.invoices is owned through contacts (subject client_contacts), technicians (subject employees)" in (
        found[0].message
    )


def test_a_mention_must_name_a_declared_column(write_policy):
    path = write_policy(
        (
            "        fields:\n          email: {category: contact.email, required: true}\n",
            "        mentions: {manager_id: {person: contacts.ident, fields: [manager_name]}}\n"
            "        fields:\n          email: {category: contact.email, required: true}\n          manager_id: {}\n",
        )
    )
    messages = [d.message for d in _messages(path, "error") if d.code == "mention"]
    assert "mention column 'manager_name' is not a declared field of contacts" in messages
    assert "mention manager_id names 'contacts.ident': ident is not a declared field of contacts" in messages


def test_a_mention_by_identity_needs_a_declared_identity_type(write_policy):
    path = write_policy(
        (
            "          issued_at: {type: date}\n",
            "          issued_at: {type: date}\n          phone: {}\n        mentions: {phone: {identity: phone}}\n",
        )
    )
    (found,) = [d for d in _messages(path, "error") if d.code == "mention"]
    assert "names identity type 'phone', which no dataset declares" in found.message


def test_a_hierarchy_of_owners_is_not_ambiguous():
    policy = Policy.model_validate(
        {
            "registre": 1,
            "organisation": {"name": "X", "contacts": {"requests": {"email": "a@b.fr"}}},
            "systems": {
                "s": {
                    "url": "sqlite://",
                    "location": "FR",
                    "datasets": {
                        "customers": {"subject": "customers", "fields": {}},
                        "contacts": {"subject": "client_contacts", "references": {"customer_id": "customers.id"}},
                        "invoices": {"references": {"customer_id": "customers.id", "contact_id": "contacts.id"}},
                    },
                }
            },
        }
    )
    assert ownership_findings(policy) == []
    graph = SystemGraph(policy.systems["s"].datasets)
    assert graph.path("invoices", "customers") == ["invoices", "customers"]
