"""The console's forms of the ledger."""

from __future__ import annotations

from registre.web.consent.forms import PersonForm, RecordForm

PURPOSES = [("prospecting", "Prospecting"), ("cookies:www", "Website")]


def test_the_purposes_to_choose_from_are_those_given():
    form = RecordForm(purposes=PURPOSES)
    assert list(form.fields["purpose"].choices) == PURPOSES


def test_a_consent_names_a_known_purpose_and_state():
    data = {"email": "ada@example.org", "purpose": "prospecting", "state": "given", "lang": "fr"}
    assert RecordForm(data, purposes=PURPOSES).is_valid()
    assert not RecordForm({**data, "purpose": "billing"}, purposes=PURPOSES).is_valid()
    assert not RecordForm({**data, "state": "maybe"}, purposes=PURPOSES).is_valid()


def test_the_wording_and_the_note_are_optional_but_bounded():
    data = {"email": "ada@example.org", "purpose": "prospecting", "state": "withdrawn", "lang": "en"}
    assert RecordForm({**data, "wording_version": "", "note": ""}, purposes=PURPOSES).is_valid()
    assert not RecordForm({**data, "note": "x" * 201}, purposes=PURPOSES).is_valid()


def test_a_person_is_looked_up_by_a_valid_address():
    assert PersonForm({"email": "ada@example.org"}).is_valid()
    assert not PersonForm({"email": "ada"}).is_valid()
