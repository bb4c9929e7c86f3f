"""Diffs between two versions of a policy, and the obligations each kind of change creates."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest

from registre.core.policy import Policy, load_policy
from registre.core.policy.diff import Obligation, PolicyDiff, diff_policies

BASE = """\
registre: 1
effective: 2026-03-01
organisation:
  name: Petite Boîte SAS
  contacts:
    dpo: {name: DPO, email: dpo@petite.fr}
    requests: {email: privacy@petite.fr}
systems:
  crm:
    url: sqlite:///crm.sqlite
    location: FR
    datasets:
      contacts:
        subject: client_contacts
        identity: {email: email}
        fields:
          email: {category: contact.email, required: true}
          last_name: identification.last_name
          last_contact_at: {type: datetime}
  platform:
    url: sqlite:///platform.sqlite
    location: FR
    datasets:
      messages:
        subject: end_users_of_clients
        tenant: tenant_id
        identity: {phone: recipient_phone}
        fields:
          tenant_id: {}
          recipient_phone: contact.phone
          sent_at: {type: datetime}
activities:
  prospecting:
    name: Prospection
    purpose: {fr: Prospection commerciale, en: Commercial prospecting}
    legal_basis: legitimate_interest
    legitimate_interest: Développer notre activité
    data_subjects: [client_contacts]
    datasets: [crm.contacts]
    processors: [brevo]
    retention: {keep: P3Y, from: crm.contacts.last_contact_at}
    security: [access_control]
  messaging:
    name: Messagerie
    role: processor
    controllers: [{name: Les clients}]
    purpose: Envoi des messages des clients
    datasets: [platform.messages]
    processors: [smsco]
    retention: {keep: P10D, after: la fin du contrat}
    security: [encryption]
processors:
  brevo: {name: Brevo, country: FR, purpose: Envoi des courriels}
  smsco: {name: SMS Co, country: FR, purpose: Acheminement des SMS}
"""

NEWSLETTER = """\
  newsletter:
    name: Lettre d'information
    purpose: {fr: Envoi de la lettre d'information, en: Sending the newsletter}
    legal_basis: consent
    datasets: [crm.contacts]
    retention: {keep: P3Y, from: crm.contacts.last_contact_at}
    security: [access_control]
processors:
"""

ROUTEUR = "  routeur: {name: Routeur GmbH, country: DE, purpose: Acheminement des SMS}\n"
ZENDESK = "  zendesk: {name: Zendesk Inc., country: US, purpose: Assistance, safeguard: dpf, adequacy_scope: dpf}\n"
BEFORE = dt.date(2026, 1, 15)
_versions = itertools.count()


@pytest.fixture
def version(tmp_path: Path):
    """Write the base policy with `(old, new)` replacements, each matching once, and load it."""

    def write(*replacements: tuple[str, str]) -> Policy:
        text = BASE
        for old, new in replacements:
            assert text.count(old) == 1, f"{old!r} must appear once in the base policy"
            text = text.replace(old, new)
        path = tmp_path / f"registre-{next(_versions)}.yaml"
        path.write_text(text, encoding="utf-8")
        return load_policy(path, environ={})

    return write


def diff(old: Policy, new: Policy, today: dt.date = BEFORE) -> PolicyDiff:
    return diff_policies(old, new, today=today)


def kinds(found: PolicyDiff) -> list[str]:
    return [obligation.kind for obligation in found.obligations]


def only(found: PolicyDiff, kind: str) -> Obligation:
    matching = [obligation for obligation in found.obligations if obligation.kind == kind]
    assert len(matching) == 1, found.to_text()
    return matching[0]


# Versions ---------------------------------------------------------------------


def test_identical_policies_have_no_changes(version):
    found = diff(version(), version())
    assert found.changes == []
    assert found.obligations == []
    assert found.to_text().endswith("No changes.")


def test_the_effective_date_is_the_given_one_else_the_new_policys_else_today(version):
    old, new = version(), version()
    assert diff_policies(old, new, effective=dt.date(2026, 6, 1)).effective == dt.date(2026, 6, 1)
    assert diff_policies(old, new).effective == dt.date(2026, 3, 1)
    undated = new.model_copy(update={"effective": None})
    assert diff_policies(old, undated, today=dt.date(2026, 2, 2)).effective == dt.date(2026, 2, 2)


# Sub-processors -----------------------------------------------------------------


def test_a_new_subprocessor_for_processor_activities_opens_a_fifteen_day_objection_window(version):
    new = version(("processors: [smsco]", "processors: [smsco, routeur]"), ("  smsco:", ROUTEUR + "  smsco:"))
    found = diff(version(), new)
    added = next(change for change in found.changes if change.area == "sub_processor" and change.activity is None)
    assert (added.kind, added.subject) == ("added", "routeur")
    window = only(found, "subprocessor_objection")
    assert window.audience == "processor_clients"
    assert window.subject == "routeur"
    assert window.activities == ["messaging"]
    # Notified 15 days before the effective date; clients may object until it.
    assert (window.opens, window.deadline) == (dt.date(2026, 2, 14), dt.date(2026, 3, 1))
    assert "by 14 February 2026, 15 days before it takes effect on 1 March 2026" in window.reason
    assert "may object until then; silence is acceptance" in window.reason
    assert "Art. 28(2)" in window.citation
    assert not window.late


def test_the_objection_window_follows_the_policy_setting(version):
    settings = ("organisation:", "notices: {subprocessor_objection_days: 30}\norganisation:")
    new = version(("processors: [smsco]", "processors: [smsco, routeur]"), ("  smsco:", ROUTEUR + "  smsco:"), settings)
    assert only(diff(version(), new), "subprocessor_objection").opens == dt.date(2026, 1, 30)


def test_an_objection_window_opening_in_the_past_is_late(version):
    new = version(("processors: [smsco]", "processors: [smsco, routeur]"), ("  smsco:", ROUTEUR + "  smsco:"))
    assert only(diff(version(), new, today=dt.date(2026, 2, 15)), "subprocessor_objection").late
    assert not only(diff(version(), new, today=dt.date(2026, 2, 14)), "subprocessor_objection").late


def test_replacing_a_subprocessor_under_the_same_key_opens_an_objection_window(version):
    new = version(("{name: SMS Co, country: FR", "{name: SMS Co, country: FR, location: DE"))
    found = diff(version(), new)
    (change,) = found.changes
    assert (change.kind, change.attribute, change.before, change.after) == ("changed", "location", "FR", "DE")
    assert change.summary == "sub-processor 'smsco' location changed from FR to DE"
    assert only(found, "subprocessor_objection").activities == ["messaging"]


def test_an_existing_subprocessor_newly_used_by_a_processor_activity_opens_an_objection_window(version):
    found = diff(version(), version(("processors: [smsco]", "processors: [smsco, brevo]")))
    window = only(found, "subprocessor_objection")
    assert (window.subject, window.activities) == ("brevo", ["messaging"])


def test_a_new_recipient_of_a_controller_activity_gives_the_data_subjects_thirty_days_notice(version):
    # A US CRM added to prospecting: a new recipient, announced to the people in advance, not only a notice update.
    new = version(("processors: [brevo]", "processors: [brevo, routeur]"), ("  smsco:", ROUTEUR + "  smsco:"))
    found = diff(version(), new)
    assert kinds(found) == ["purpose_notice"]
    notice = found.obligations[0]
    assert (notice.subject, notice.activities, notice.audience) == ("prospecting", ["prospecting"], "data_subjects")
    assert notice.deadline == dt.date(2026, 1, 30)
    assert "new recipient: Routeur GmbH (Germany)" in notice.reason
    assert notice.opens is None


def test_removing_a_subprocessor_needs_no_notice(version):
    new = version(
        ("processors: [smsco]", "processors: []"),
        ("  smsco: {name: SMS Co, country: FR, purpose: Acheminement des SMS}\n", ""),
    )
    found = diff(version(), new)
    removed = [change for change in found.changes if change.kind == "removed" and change.area == "sub_processor"]
    assert {(change.subject, change.activity) for change in removed} == {("smsco", None), ("messaging", "messaging")}
    assert found.obligations == []


def test_a_subprocessor_changing_its_stated_purpose_opens_no_window(version):
    found = diff(version(), version(("purpose: Acheminement des SMS}", "purpose: Envoi des SMS}")))
    assert [change.attribute for change in found.changes] == ["purpose"]
    assert "subprocessor_objection" not in kinds(found)


# Controller activities ----------------------------------------------------------


def test_a_new_purpose_gives_data_subjects_thirty_days_notice(version):
    found = diff(version(), version(("processors:\n  brevo", NEWSLETTER + "  brevo")))
    added = found.changes[0]
    assert (added.kind, added.area, added.subject, added.effect) == ("added", "activity", "newsletter", "wider")
    notice = only(found, "purpose_notice")
    assert notice.audience == "data_subjects"
    assert notice.subject == "newsletter"
    assert notice.deadline == dt.date(2026, 1, 30)
    assert "at least 30 days before 1 March 2026" in notice.reason
    assert not notice.late


def test_a_notice_that_can_no_longer_be_sent_in_time_is_late(version):
    new = version(("processors:\n  brevo", NEWSLETTER + "  brevo"))
    assert only(diff(version(), new, today=dt.date(2026, 2, 10)), "purpose_notice").late


def test_the_notice_delay_follows_the_policy_setting(version):
    settings = ("organisation:", "notices: {purpose_change_notice_days: 60}\norganisation:")
    new = version(("processors:\n  brevo", NEWSLETTER + "  brevo"), settings)
    assert only(diff(version(), new), "purpose_notice").deadline == dt.date(2025, 12, 31)


def test_a_changed_purpose_gives_notice(version):
    found = diff(version(), version(("en: Commercial prospecting}", "en: Prospecting and profiling}")))
    (change,) = found.changes
    assert change.area == "purpose"
    assert change.after == {"fr": "Prospection commerciale", "en": "Prospecting and profiling"}
    assert kinds(found) == ["purpose_notice"]


def test_a_new_sub_purpose_gives_notice(version):
    found = diff(
        version(),
        version(
            (
                "    legal_basis: legitimate_interest",
                "    sub_purposes: [Mesure d'audience]\n    legal_basis: legitimate_interest",
            )
        ),
    )
    assert [(c.kind, c.area) for c in found.changes] == [("added", "sub_purpose")]
    assert kinds(found) == ["purpose_notice"]


def test_a_longer_retention_gives_notice(version):
    found = diff(version(), version(("keep: P3Y", "keep: P5Y")))
    (change,) = found.changes
    assert (change.area, change.attribute, change.before, change.after) == ("retention", "keep", "P3Y", "P5Y")
    assert change.effect == "wider"
    assert "prospecting: retention keep changed from P3Y to P5Y" in only(found, "purpose_notice").reason


def test_a_shorter_retention_only_updates_the_register(version):
    found = diff(version(), version(("keep: P3Y", "keep: P1Y")))
    assert found.changes[0].effect == "narrower"
    assert kinds(found) == ["register_update"]
    assert found.obligations[0].audience == "supervisory_record"


def test_a_new_data_category_from_a_dataset_gives_notice(version):
    found = diff(
        version(),
        version(
            (
                "          last_contact_at: {type: datetime}\n  platform",
                "          phone: contact.phone\n          last_contact_at: {type: datetime}\n  platform",
            )
        ),
    )
    (change,) = found.changes
    assert (change.kind, change.area, change.subject, change.after) == (
        "added",
        "data_category",
        "prospecting",
        "contact.phone",
    )
    assert kinds(found) == ["purpose_notice"]


def test_a_removed_data_category_only_updates_the_register(version):
    found = diff(version(), version(("          last_name: identification.last_name\n", "          last_name: {}\n")))
    assert [(c.kind, c.area, c.before) for c in found.changes] == [
        ("removed", "data_category", "identification.last_name")
    ]
    assert kinds(found) == ["register_update"]


def test_a_new_data_subject_gives_notice(version):
    found = diff(
        version(), version(("data_subjects: [client_contacts]", "data_subjects: [client_contacts, prospects]"))
    )
    assert [(c.area, c.after) for c in found.changes] == [("data_subject", "prospects")]
    assert kinds(found) == ["purpose_notice"]


def test_a_new_recipient_gives_notice(version):
    recipients = "    recipients: [{type: partners, name: {fr: Partenaires, en: Partners}}]\n    retention: {keep: P3Y"
    found = diff(version(), version(("    retention: {keep: P3Y", recipients)))
    (change,) = found.changes
    assert change.area == "recipient"
    assert change.summary == "prospecting: recipient added: 'Partners'"
    assert kinds(found) == ["purpose_notice"]


def test_a_change_of_legal_basis_to_consent_requires_consent_before_processing(version):
    found = diff(
        version(),
        version(
            (
                "    legal_basis: legitimate_interest\n    legitimate_interest: Développer notre activité\n",
                "    legal_basis: consent\n",
            )
        ),
    )
    assert [(c.area, c.kind) for c in found.changes] == [("legal_basis", "changed"), ("legitimate_interest", "removed")]
    consent = only(found, "consent")
    assert (consent.subject, consent.deadline, consent.audience) == (
        "prospecting",
        dt.date(2026, 3, 1),
        "data_subjects",
    )
    assert consent.citation == "Art. 6(1)(a) and 7 GDPR"
    assert "purpose_notice" in kinds(found)


def test_a_new_activity_based_on_consent_requires_consent(version):
    found = diff(version(), version(("processors:\n  brevo", NEWSLETTER + "  brevo")))
    assert only(found, "consent").subject == "newsletter"


def test_removing_an_activity_only_updates_the_register(version):
    newsletter = version(("processors:\n  brevo", NEWSLETTER + "  brevo"))
    found = diff(newsletter, version())
    assert [(c.kind, c.area, c.subject) for c in found.changes] == [("removed", "activity", "newsletter")]
    update = only(found, "register_update")
    assert update.subject == "newsletter"
    assert kinds(found) == ["register_update"]


def test_a_wider_use_by_a_processor_activity_only_updates_the_register(version):
    # The clients, as controllers, decide the purposes: the processor keeps its register (Art. 30(2)).
    found = diff(version(), version(("keep: P10D", "keep: P30D")))
    assert found.changes[0].effect == "wider"
    assert kinds(found) == ["register_update"]


# Transfers ----------------------------------------------------------------------


def test_a_new_transfer_outside_the_eea_must_be_in_the_notice(version):
    new = version(("processors: [brevo]", "processors: [brevo, zendesk]"), ("  smsco:", ZENDESK + "  smsco:"))
    found = diff(version(), new)
    transfer = next(change for change in found.changes if change.area == "transfer")
    assert (transfer.kind, transfer.subject) == ("added", "zendesk")
    assert transfer.after == {
        "name": "Zendesk Inc.",
        "country": "US",
        "safeguard": "dpf",
        "activities": ["prospecting"],
    }
    notice = only(found, "transfer_notice")
    assert notice.activities == ["prospecting"]
    assert "Zendesk Inc. in United States" in notice.reason
    assert "Art. 13(1)(f)" in notice.citation
    assert notice.deadline == dt.date(2026, 1, 30)
    assert "new transfer to Zendesk Inc." in only(found, "purpose_notice").reason


def test_a_transfer_for_processor_activities_only_goes_through_the_objection_window(version):
    new = version(("processors: [smsco]", "processors: [smsco, zendesk]"), ("  smsco:", ZENDESK + "  smsco:"))
    found = diff(version(), new)
    assert sorted(kinds(found)) == ["subprocessor_objection"]
    assert "United States" in found.obligations[0].reason


def test_a_declared_transfer_is_compared_too(version):
    transfer = "{recipient: Cabinet Conseil, country: US, safeguard: scc, activities: [prospecting]}"
    found = diff(version(), version(("\nprocessors:", f"\ntransfers:\n  - {transfer}\nprocessors:")))
    assert [(c.kind, c.area, c.subject) for c in found.changes] == [("added", "transfer", "Cabinet Conseil")]
    assert only(found, "transfer_notice").activities == ["prospecting"]


# Organisation, systems, datasets --------------------------------------------------


def test_a_new_dpo_updates_the_notice_and_is_communicated_to_the_authority(version):
    found = diff(version(), version(("email: dpo@petite.fr", "email: nouveau-dpo@petite.fr")))
    (change,) = found.changes
    assert (change.area, change.subject, change.after) == (
        "contact",
        "dpo",
        {"name": "DPO", "email": "nouveau-dpo@petite.fr"},
    )
    update = only(found, "notice_update")
    assert "Art. 37(7)" in update.citation


def test_systems_and_datasets_added_and_removed_are_listed(version):
    archive = "  archive:\n    url: sqlite:///archive.sqlite\n    location: FR\n  platform:"
    found = diff(
        version(),
        version(("  platform:", archive), ("      messages:", "      sms:"), ("[platform.messages]", "[platform.sms]")),
    )
    listed = [(c.kind, c.area, c.subject) for c in found.changes if c.area in ("system", "dataset")]
    assert ("added", "system", "archive") in listed
    assert ("added", "dataset", "platform.sms") in listed
    assert ("removed", "dataset", "platform.messages") in listed


# Output ----------------------------------------------------------------------------


def test_json_output_round_trips(version):
    new = version(
        ("keep: P3Y", "keep: P5Y"),
        ("processors: [smsco]", "processors: [smsco, routeur]"),
        ("  smsco:", ROUTEUR + "  smsco:"),
    )
    found = diff(version(), new)
    document = json.loads(json.dumps(found.to_dict()))
    assert PolicyDiff.from_dict(document) == found
    assert document["effective"] == "2026-03-01"
    window = next(o for o in document["obligations"] if o["kind"] == "subprocessor_objection")
    assert (window["opens"], window["deadline"]) == ("2026-02-14", "2026-03-01")


def test_the_text_report_lists_changes_and_obligations_with_their_dates(version):
    found = diff(version(), version(("keep: P3Y", "keep: P5Y")), today=dt.date(2026, 2, 10))
    text = found.to_text()
    assert text.startswith("Policy changes effective 1 March 2026")
    assert "  ~ prospecting: retention keep changed from P3Y to P5Y" in text
    assert "purpose notice: prospecting by 30 January 2026 (LATE)" in text


def test_the_text_report_shows_declared_texts_in_the_language_asked(version):
    found = diff(
        version(),
        version(("{fr: Prospection commerciale, en: Commercial prospecting}", "{fr: Prospection, en: Prospecting}")),
    )
    assert "« Prospection commerciale » devient « Prospection »" in found.to_text("fr")
    assert "from 'Commercial prospecting' to 'Prospecting'" in found.to_text("en")


# Language and client agreements --------------------------------------------------


def test_the_french_report_is_in_french_headings_and_obligations_included(version):
    found = diff(version(), version(("keep: P3Y", "keep: P5Y")), today=dt.date(2026, 2, 10))
    text = found.to_text("fr")
    assert text.startswith("Modifications de la politique applicables au 1 mars 2026")
    assert "Modifications (1)" in text and "Obligations (" in text
    assert "prospecting: conservation durée, modification\u00a0: P3Y devient P5Y" in text
    assert (
        "[personnes concernées] information préalable: prospecting au plus tard le 30 janvier 2026 (EN RETARD)" in text
    )
    assert "Informer les personnes concernées par prospecting au moins 30 jours avant le 1 mars 2026" in text
    assert "(Articles 12.1, 13.3 et 14.4 du RGPD ; notices.purpose_change_notice_days)".replace(" ;", "\u00a0;") in text
    for english in ("Policy changes", "Obligations (", "Inform the data subjects", "changed from", "by 2026"):
        assert english not in text or english == "Obligations ("


CLIENTS = """\
clients:
  acme:
    name: Acme SAS
    contact: {email: dpo@acme.example}
  online:
    name: Online Client SA
    contact: {email: dpo@online.example}
    agreement: {transfers: consent}
  patient:
    name: Patient SARL
    contact: {email: rgpd@patient.example}
    agreement: {objection_days: 30}
"""


def test_a_client_whose_agreement_demands_consent_to_transfers_is_asked_for_it_not_given_a_window(version):
    old = version(("processors:\n  brevo", CLIENTS + "processors:\n  brevo"))
    new = version(
        ("processors:\n  brevo", CLIENTS + "processors:\n  brevo"),
        ("processors: [smsco]", "processors: [smsco, zendesk]"),
        ("  smsco:", ZENDESK + "  smsco:"),
    )
    found = diff(old, new)
    windows = [o for o in found.obligations if o.kind == "subprocessor_objection"]
    assert [(w.clients, w.opens) for w in windows] == [
        (["Patient SARL"], dt.date(2026, 1, 30)),
        (["Acme SAS"], dt.date(2026, 2, 14)),
    ]
    consent = only(found, "subprocessor_consent")
    assert (consent.clients, consent.activities, consent.deadline) == (
        ["Online Client SA"],
        ["messaging"],
        dt.date(2026, 3, 1),
    )
    assert "silence is not acceptance" in consent.reason
    assert all("Online Client SA" not in w.reason for w in windows)


def test_a_sub_processor_inside_the_eea_needs_no_consent_from_a_client_that_only_guards_transfers(version):
    old = version(("processors:\n  brevo", CLIENTS + "processors:\n  brevo"))
    new = version(
        ("processors:\n  brevo", CLIENTS + "processors:\n  brevo"),
        ("processors: [smsco]", "processors: [smsco, brevo]"),
    )
    found = diff(old, new)
    assert "subprocessor_consent" not in kinds(found)
    assert sorted(name for o in found.obligations for name in o.clients) == [
        "Acme SAS",
        "Online Client SA",
        "Patient SARL",
    ]


def test_a_client_demanding_consent_for_every_sub_processor_is_asked_even_inside_the_eea(version):
    clients = CLIENTS.replace("agreement: {transfers: consent}", "agreement: {subprocessors: consent}")
    old = version(("processors:\n  brevo", clients + "processors:\n  brevo"))
    new = version(
        ("processors:\n  brevo", clients + "processors:\n  brevo"),
        ("processors: [smsco]", "processors: [smsco, brevo]"),
    )
    assert only(diff(old, new), "subprocessor_consent").clients == ["Online Client SA"]


def test_obligations_read_back_from_json_render_in_any_language(version):
    found = diff(version(), version(("keep: P3Y", "keep: P5Y")))
    again = PolicyDiff.from_dict(json.loads(json.dumps(found.to_dict())))
    assert again.to_text("fr") == found.to_text("fr")
