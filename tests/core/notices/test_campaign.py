"""Who a sub-processor change is told to, of what, on which terms, and by when."""

from __future__ import annotations

import datetime as dt

from registre.core.notices import describe_item, plan_campaign
from registre.core.policy.diff import diff_policies

TODAY = dt.date(2026, 1, 10)
EFFECTIVE = dt.date(2026, 3, 1)


def plan(versions, today=TODAY):
    old, new = versions
    return plan_campaign(diff_policies(old, new, today=today), new, new.clients)


def test_exactly_the_clients_of_the_activity_that_engages_the_sub_processor_are_told(versions):
    found = plan(versions)
    # Quiet runs archiving only, which keeps its sub-processors: it hears nothing.
    assert [notice.client for notice in found.notices] == ["acme", "online", "patient", "delta"]
    assert found.effective == EFFECTIVE
    for notice in found.notices:
        assert [(item.processor, item.activities) for item in notice.items] == [("zendesk", ["messaging"])]


def test_each_client_gets_its_agreements_terms_and_window(versions):
    found = {notice.client: notice for notice in plan(versions).notices}
    assert (found["acme"].terms, found["acme"].days, found["acme"].opens) == ("objection", 15, dt.date(2026, 2, 14))
    assert (found["patient"].terms, found["patient"].days, found["patient"].opens) == (
        "objection",
        30,
        dt.date(2026, 1, 30),
    )
    # Zendesk processes data in the United States: Online's agreement demands its consent to such a transfer.
    assert found["online"].terms == "consent" and found["online"].items[0].consent is True
    assert found["acme"].items[0].consent is False


def test_the_notice_says_who_where_and_under_which_safeguard(versions):
    item = plan(versions).notices[0].items[0]
    assert (item.name, item.country, item.location, item.safeguard) == ("Zendesk Inc.", "US", "US", "dpf")
    english = describe_item(item, "en")
    french = describe_item(item, "fr")
    assert english.startswith(
        "Zendesk Inc. (established: United States; data processed: United States; safeguard: EU–US"
    )
    assert english.endswith("). Support ticketing tool")
    assert french.startswith(
        "Zendesk Inc. (établissement\u00a0: États-Unis\u00a0; lieu de traitement\u00a0: États-Unis"
    )
    assert "garantie\u00a0: Data Privacy Framework UE–États-Unis" in french and french.endswith("Outil d'assistance")


def test_a_notice_sent_after_its_window_opened_is_late_and_pushes_the_date_back_for_that_client(versions):
    found = plan(versions)
    # On 1 February Patient's 30-day window has already opened (30 January); the others' (14 February) has not.
    assert found.late(dt.date(2026, 2, 1)) == ["patient"]
    assert found.late(dt.date(2026, 1, 30)) == []
    patient = found.notices[2]
    assert patient.closes(dt.date(2026, 1, 20)) == EFFECTIVE
    assert patient.closes(dt.date(2026, 2, 10)) == dt.date(2026, 3, 12)


def test_without_declared_clients_every_given_client_gets_the_policys_window(versions):
    old, new = versions
    bare_old = old.model_copy(update={"clients": {}})
    bare_new = new.model_copy(update={"clients": {}})
    found = plan_campaign(diff_policies(bare_old, bare_new, today=TODAY), bare_new, new.clients)
    by_client = {notice.client: notice for notice in found.notices}
    assert set(by_client) == {"acme", "online", "patient", "delta"}
    assert by_client["patient"].days == 30  # its own agreement still rules its window


def test_a_change_that_engages_no_sub_processor_for_processor_activities_tells_no_client(versions):
    old, _new = versions
    assert plan((old, old)).notices == []
