"""An opt-out on the target databases, through the objection path of requests (`consent/optout.py`)."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.web.consent.conftest import subscriber

from registre.web.consent.optout import execute_opt_out
from registre.web.policy import current_policy

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 2)


def changed(summary):
    """Rows changed per dataset (`system.dataset`), from the engine's summaries."""
    found = {}
    for part in summary["parts"]:
        for system in part["systems"]:
            for dataset in system["datasets"]:
                name = f"{system['system']}.{dataset['dataset']}"
                found[name] = sum(int(dataset.get(key) or 0) for key in ("changed", "deleted", "anonymised"))
    return found


def test_the_newsletter_is_erased_and_the_shared_contacts_left_to_the_other_activities(workspace):
    email = subscriber(workspace)
    newsletter = workspace.query("SELECT count(*) FROM newsletter WHERE lower(email) = lower(:e)", e=email)[0][0]
    summary = execute_opt_out(current_policy(), "prospecting", email, reference="c-test", today=TODAY)
    assert summary["ok"] is True
    assert [part["datasets"] for part in summary["parts"]] == [["crm.newsletter"]]
    assert changed(summary) == {"crm.newsletter": newsletter}
    restricted = workspace.query("SELECT count(*) FROM contacts WHERE lower(email) = lower(:e) AND restricted", e=email)
    assert restricted[0][0] == 0, "contract and support still use the contact: an objection does not restrict it"


def test_a_second_opt_out_changes_nothing_more(workspace):
    email = subscriber(workspace)
    execute_opt_out(current_policy(), "prospecting", email, reference="c-test", today=TODAY)
    again = execute_opt_out(current_policy(), "prospecting", email, reference="c-test", today=TODAY)
    assert again["ok"] is True and set(changed(again).values()) == {0}


def test_someone_unknown_to_the_databases_changes_nothing(workspace):
    before = workspace.query("SELECT count(*) FROM newsletter")[0][0]
    summary = execute_opt_out(current_policy(), "prospecting", "nobody@nowhere.example", reference="c-x", today=TODAY)
    assert summary["ok"] is True and set(changed(summary).values()) == {0}
    assert workspace.query("SELECT count(*) FROM newsletter")[0][0] == before


def test_the_summary_holds_no_identity_value(workspace):
    email = subscriber(workspace)
    summary = execute_opt_out(current_policy(), "prospecting", email, reference="c-test", today=TODAY)
    assert email not in str(summary) and email.split("@")[0] not in str(summary)
