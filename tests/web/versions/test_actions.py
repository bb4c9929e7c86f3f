"""Publishing versions of the policy: the one in force on a date, and the announcement of a wider use."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.utils import timezone
from tests.web.versions.conftest import WIDER

from registre.web.audit.actions import verify_chain
from registre.web.audit.models import AuditEntry
from registre.web.versions import actions
from registre.web.versions.models import Announcement, PolicyVersion

TODAY = timezone.localdate()


def days(number: int) -> dt.date:
    return TODAY + dt.timedelta(days=number)


def test_the_version_in_force_on_a_date_is_the_one_published_for_it(first, wider, app_database):
    v1 = actions.publish_version("system", first, effective=days(-100), revision="a1b2c3d")
    v2 = actions.publish_version("system", wider, effective=days(40), revision="e4f5a6b")

    assert actions.version_on(days(-101)) is None
    assert actions.version_on(days(-100)) == v1 and actions.version_on(days(39)) == v1
    assert actions.version_on(days(40)) == v2
    assert actions.policy_on(days(50)).activities["prospecting"].purpose.en == WIDER["en"]
    assert actions.policy_on(TODAY).activities["prospecting"].purpose.en != WIDER["en"]
    assert actions.policy_on(days(-200)) is None  # before the first version, no notice was published
    assert PolicyVersion.objects.get(pk=v1.pk).revision == "a1b2c3d"


def test_a_wider_purpose_published_ahead_is_announced_on_the_portal_and_to_the_list(first, wider, app_database):
    actions.publish_version("system", first, effective=days(-100))

    version = actions.publish_version(
        "system", wider, effective=days(40), recipients=["users@list.example", " team@list.example ", ""]
    )

    announcement = Announcement.objects.get(version=version)
    assert not announcement.late and announcement.recipients == 2
    assert [item["kind"] for item in announcement.obligations] == ["purpose_notice"]
    assert actions.current_announcements() == [announcement]
    assert sorted(message.to[0] for message in mail.outbox) == ["team@list.example", "users@list.example"]
    message = mail.outbox[0]
    assert "notre politique de confidentialité change le" in message.subject.casefold()
    assert "our privacy policy changes on" in message.subject.casefold()
    assert "Commercial prospecting and profiling" in message.body and "profilage" in message.body
    assert f"/privacy/notice/?at={days(40).isoformat()}" in message.body
    assert sorted(AuditEntry.objects.filter(action__startswith="policy.").values_list("action", flat=True)) == [
        "policy.announced",
        "policy.version_published",
        "policy.version_published",
    ]
    assert verify_chain() == []
    # Once the version is in force, the announcement leaves the portal.
    assert actions.current_announcements(timezone.now() + dt.timedelta(days=41)) == []


def test_an_announcement_published_less_than_the_notice_period_ahead_is_flagged_late(first, wider, app_database):
    actions.publish_version("system", first, effective=days(-100))
    version = actions.publish_version("system", wider, effective=days(10))
    assert Announcement.objects.get(version=version).late is True


def test_a_version_that_changes_nothing_the_people_must_hear_of_is_not_announced(first, app_database):
    actions.publish_version("system", first, effective=days(-100))
    actions.publish_version("system", first, effective=days(40))
    assert not Announcement.objects.exists() and not mail.outbox


def test_the_stored_version_keeps_no_database_password(first, app_database):
    crm = first.systems["crm"].model_copy(update={"url": "postgresql://registre:s3cret@db.example/crm"})
    policy = first.model_copy(update={"systems": {**first.systems, "crm": crm}})
    version = actions.publish_version("system", policy, effective=days(-1))
    stored = PolicyVersion.objects.get(pk=version.pk)
    assert "s3cret" not in str(stored.policy)
    assert stored.as_policy().systems["crm"].url == "postgresql://registre:***@db.example/crm"
