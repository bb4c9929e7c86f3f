"""Mentions on an adversarial schema: a person named on rows others own is disclosed and cut, never owned.

Expected rows are computed with plain SQL on the database, before the engine runs.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.core.engine.chantiers import KEY, TODAY, Chantiers

from registre.core.engine import (
    Subject,
    execute_access,
    execute_access_batch,
    execute_erasure,
    execute_rectification,
    execute_restriction,
    plan_request,
)
from registre.core.sources.catalog import close_catalogs

PAUL_EMAIL = "email=PAUL.martin@exemple.fr"
PAUL = ("email=PAUL.martin@exemple.fr", "phone=06 12 34 56 78", "name=Paul Martin")
PAUL_IDS = "SELECT id FROM contacts WHERE lower(trim(email)) = 'paul.martin@exemple.fr'"


def _paul(sql: str) -> str:
    """A query with Paul's contact ids in place of `{paul}`."""
    return sql.replace("{paul}", PAUL_IDS)


@pytest.fixture
def chantiers(database_url: str) -> Iterator[Chantiers]:
    built = Chantiers(database_url)
    yield built
    close_catalogs()
    built.dispose()


def _dataset(result, name):
    return next(dataset for dataset in result.datasets if dataset.dataset == name)


def test_access_discloses_mentions_but_not_the_owners_data(chantiers):
    named_accounts = chantiers.ids(_paul("SELECT id FROM comptes WHERE contact_principal_id IN ({paul})"))
    managed = chantiers.ids(_paul("SELECT id FROM contacts WHERE responsable_id IN ({paul})"))
    invoices = chantiers.ids(_paul("SELECT id FROM factures WHERE contact_id IN ({paul})"))
    own_interventions = chantiers.ids(_paul("SELECT id FROM interventions WHERE contact_id IN ({paul})"))
    result = execute_access(chantiers.policy, Subject.of(PAUL_EMAIL), today=TODAY)
    owned = {dataset.dataset: {row["id"] for row in dataset.rows} for dataset in result.datasets}
    assert owned["contacts"] == chantiers.ids(PAUL_IDS)
    assert owned["interventions"] == own_interventions
    # Nothing of the accounts, their sites or their invoices as if they were Paul's.
    assert not {"comptes", "sites", "factures"} & set(owned)
    mentions = {(m.dataset, m.column): m for m in result.mentions}
    assert {row["id"] for row in mentions["comptes", "contact_principal_id"].rows} == named_accounts
    assert {row["id"] for row in mentions["contacts", "responsable_id"].rows} == managed
    assert {row["id"] for row in mentions["factures", "contact_id"].rows} == invoices
    account = mentions["comptes", "contact_principal_id"].rows[0]
    assert set(account) == {"id", "contact_principal_id"}  # never the company name or its billing email
    colleague = mentions["contacts", "responsable_id"].rows[0]
    assert set(colleague) == {"id", "responsable_id"}
    invoice = mentions["factures", "contact_id"].rows[0]
    assert set(invoice) == {"id", "contact_id", "nom_facturation"}


def test_access_by_phone_finds_national_formats_and_the_site_that_names_him(chantiers):
    sites = chantiers.ids(
        "SELECT id FROM sites WHERE replace(replace(replace(replace(replace(tel_interlocuteur, ' ', ''), '.', ''),"
        " '-', ''), '(', ''), ')', '') IN ('+33612345678', '0612345678', '+330612345678')"
    )
    result = execute_access(chantiers.policy, Subject.of("phone=+33612345678"), today=TODAY)
    assert {row["id"] for row in _dataset(result, "contacts").rows} == chantiers.ids(PAUL_IDS)
    site_mentions = [m for m in result.mentions if m.dataset == "sites"]
    assert {row["id"] for m in site_mentions for row in m.rows} == sites == {30}
    assert set(site_mentions[0].rows[0]) == {"id", "tel_interlocuteur", "nom_interlocuteur"}


def test_a_batch_access_attributes_mentions_to_each_subject(chantiers):
    paul, julie = Subject.of(PAUL_EMAIL, reference="paul"), Subject.of("email=Julie.Roux@exemple.fr", reference="julie")
    results = execute_access_batch(chantiers.policy, [paul, julie], today=TODAY)
    named = {(m.dataset, m.column): {row["id"] for row in m.rows} for m in results["paul"].mentions}
    assert named[("contacts", "responsable_id")] == chantiers.ids(
        _paul("SELECT id FROM contacts WHERE responsable_id IN ({paul})")
    )
    assert not results["julie"].mentions
    assert {row["id"] for row in _dataset(results["julie"], "interventions").rows} == {52}


def test_erasure_cuts_mentions_and_leaves_the_owners_rows(chantiers):
    before = chantiers.snapshot()
    paul = chantiers.ids(PAUL_IDS)
    held_invoices = chantiers.ids(
        _paul("SELECT id FROM factures WHERE contact_id IN ({paul}) AND emise_le >= :first_held"),
        first_held="2016-06-16",
    )
    cut_invoices = chantiers.ids(_paul("SELECT id FROM factures WHERE contact_id IN ({paul})")) - held_invoices
    deleted_interventions = chantiers.ids(_paul("SELECT id FROM interventions WHERE contact_id IN ({paul})"))
    quotes = chantiers.ids(_paul("SELECT id FROM devis WHERE contact_id IN ({paul})"))
    ordered_quotes = chantiers.ids("SELECT devis_id FROM commandes WHERE devis_id IS NOT NULL") & quotes

    result = execute_erasure(chantiers.policy, Subject.of(*PAUL), today=TODAY, key=KEY)
    assert result.ok, result.to_dict()
    after = chantiers.snapshot()

    # The account he was main contact of: only the link is cut.
    for account_id, row in before["comptes"].items():
        expected = {**row, "contact_principal_id": None} if row["contact_principal_id"] in paul else row
        assert after["comptes"][account_id] == expected
    # His colleague's row: only the manager link is cut; her own data stay.
    julie = before["contacts"][11]
    assert after["contacts"][11] == {**julie, "responsable_id": None}
    assert after["contacts"][12] == before["contacts"][12]
    # The site of another company that names him by phone: the mention is redacted, the address stays.
    assert after["sites"][30] == {
        **before["sites"][30],
        "nom_interlocuteur": "[redacted]",
        "tel_interlocuteur": "[redacted]",
    }
    assert {k: after["sites"][k] for k in (31, 32)} == {k: before["sites"][k] for k in (31, 32)}
    # Invoices are the account's: the mention stays on those held by law, is cut on the others.
    for invoice_id in held_invoices:
        assert after["factures"][invoice_id] == before["factures"][invoice_id]
    for invoice_id in cut_invoices:
        assert after["factures"][invoice_id] == {
            **before["factures"][invoice_id],
            "contact_id": None,
            "nom_facturation": None,
        }
    assert after["factures"][62] == before["factures"][62]
    # His own rows go; his colleague's intervention stays whole.
    assert set(after["interventions"]) == set(before["interventions"]) - deleted_interventions
    # Her report names him in free text: the spans are redacted, the rest of her row stays.
    assert after["interventions"][52] == {
        **before["interventions"][52],
        "compte_rendu": "Vu avec [redacted] ([redacted])",
    }
    # Quotes in the cycle: those an order still points at are anonymised, the others deleted.
    assert set(after["devis"]) == set(before["devis"]) - (quotes - ordered_quotes)
    assert all(after["devis"][q]["objet"] is None for q in ordered_quotes)
    # His contact row stays for the held invoice that still names him, without its identity, restricted.
    ((key, contact),) = ((i, after["contacts"][i]) for i in paul)
    # The e-mail column is UNIQUE: a value unique to the row, not one constant for every person erased.
    assert contact["email"] == f"anonymised-{key}" and contact["telephone"] is None and bool(contact["restreint"])

    accounts = next(d for d in result.datasets if d.dataset == "comptes")
    assert accounts.cut == 1 and accounts.erased == 0
    again = execute_erasure(chantiers.policy, Subject.of(*PAUL), today=TODAY, key=KEY)
    assert again.erased == 0 and again.cut == 0
    assert chantiers.snapshot() == after


def test_erasure_of_a_technician_keeps_the_interventions_of_customers(chantiers):
    before = chantiers.snapshot()
    result = execute_erasure(chantiers.policy, Subject.of("email=marc.tech@chantiers.example"), today=TODAY, key=KEY)
    assert result.ok, result.to_dict()
    after = chantiers.snapshot()
    assert after["interventions"] == before["interventions"]  # erase: keep, and the technician row is anonymised
    assert after["techniciens"][40]["nom"] == "ANONYME"


def test_free_text_naming_him_is_disclosed_and_planned_for_redaction(chantiers):
    reports = chantiers.ids(
        "SELECT id FROM interventions WHERE lower(compte_rendu) LIKE '%paul martin%' "
        "OR compte_rendu LIKE '%06 12 34 56 78%'"
    )
    result = execute_access(chantiers.policy, Subject.of(*PAUL), today=TODAY)
    (found,) = [m for m in result.mentions if m.column == "compte_rendu"]
    assert {row["id"] for row in found.rows} == reports == {52}
    assert set(found.rows[0]) == {"id", "compte_rendu"}
    plan = plan_request(chantiers.policy, "erase", Subject.of(*PAUL), today=TODAY, key=KEY)
    (interventions,) = [d for d in plan.datasets if d.dataset == "interventions"]
    assert {d.kind: d.rows for d in interventions.decisions}["redact"] == 1
    assert any("replace(" in sql for sql in interventions.sql)


def test_restriction_and_rectification_touch_only_his_own_rows(chantiers):
    before = chantiers.snapshot()
    execute_restriction(chantiers.policy, Subject.of(PAUL_EMAIL))
    after = chantiers.snapshot()
    restricted = {
        (name, row_id)
        for name, table in after.items()
        for row_id, row in table.items()
        if "restreint" in row and bool(row["restreint"]) != bool(before[name][row_id]["restreint"])
    }
    expected = {("contacts", i) for i in chantiers.ids(PAUL_IDS)}
    expected |= {
        ("interventions", i) for i in chantiers.ids(_paul("SELECT id FROM interventions WHERE contact_id IN ({paul})"))
    }
    assert restricted == expected

    execute_rectification(chantiers.policy, Subject.of(PAUL_EMAIL), {"nom": "Paul Martin-Durand"})
    names = {row["id"]: row["nom"] for row in chantiers.query("SELECT id, nom FROM contacts")}
    assert names == {10: "Paul Martin-Durand", 11: "Julie Roux", 12: "Léa Petit"}


def test_the_plan_states_the_cuts_and_the_mentions_kept_under_a_hold(chantiers):
    plan = plan_request(chantiers.policy, "erase", Subject.of(*PAUL), today=TODAY, key=KEY)
    decisions = {(d.reference, decision.kind): decision.rows for d in plan.datasets for decision in d.decisions}
    assert decisions["gestion.comptes", "cut"] == 1
    assert decisions["gestion.sites", "cut"] == 1
    assert decisions["gestion.factures", "cut"] == 1
    assert decisions["gestion.factures", "keep"] == 1
    assert ("gestion.comptes", "anonymise") not in decisions
    assert chantiers.snapshot() == chantiers.snapshot()  # a plan changes nothing
    access = plan_request(chantiers.policy, "access", Subject.of(PAUL_EMAIL), today=TODAY)
    disclosed = {d.reference: [x for x in d.decisions if x.kind == "disclose"] for d in access.datasets}
    assert disclosed["gestion.comptes"][0].rows == 1
