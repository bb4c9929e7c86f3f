"""The portal's notice on any date, the banner of an announced change, and the documents of past versions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as Browser
from django.utils import timezone
from tests.web.versions.conftest import WIDER

from registre.web.versions import actions

TODAY = timezone.localdate()


def days(number: int) -> dt.date:
    return TODAY + dt.timedelta(days=number)


@pytest.fixture
def published(first, wider, app_database):
    return (
        actions.publish_version("system", first, effective=days(-100)),
        actions.publish_version("system", wider, effective=days(40)),
    )


def english(path: str):
    return Browser().get(path, headers={"Accept-Language": "en"})


def test_the_notice_served_is_the_one_in_force_on_the_date_asked(published):
    today = english("/privacy/notice/").content.decode()
    past = english(f"/privacy/notice/?at={days(-50).isoformat()}").content.decode()
    announced = english(f"/privacy/notice/?at={days(40).isoformat()}").content.decode()

    assert WIDER["en"] not in today and WIDER["en"] not in past
    assert WIDER["en"] in announced
    french = Browser().get(f"/privacy/notice/?at={days(40).isoformat()}").content.decode()
    assert WIDER["fr"] in french


def test_a_date_before_any_version_or_not_a_date_is_refused(published):
    assert english(f"/privacy/notice/?at={days(-101).isoformat()}").status_code == 404
    assert english("/privacy/notice/?at=last-year").status_code == 400


def test_without_any_published_version_the_notice_is_the_policy_file(app_database):
    response = english("/privacy/notice/")
    assert response.status_code == 200 and "Nuage Exemple SAS" in response.content.decode()


def test_the_portal_shows_the_announcement_until_the_version_takes_effect(published):
    page = english("/privacy/").content.decode()
    assert "Our privacy policy changes on" in page and WIDER["en"] in page
    assert f"/privacy/notice/?at={days(40).isoformat()}" in page
    french = Browser().get("/privacy/").content.decode()
    assert "Notre politique de confidentialité change le" in french and WIDER["fr"] in french


def test_staff_download_the_documents_of_a_past_version(published, client_for, auditor):
    first, _second = published
    browser = client_for(auditor)

    listing = browser.get("/console/policy/", headers={"Accept-Language": "en"})
    register = browser.get(f"/console/policy/{first.pk}/register/fr/")
    annex = browser.get(f"/console/policy/{first.pk}/annex/en/")

    assert listing.status_code == 200 and "in force" in listing.content.decode()
    assert register.status_code == 200 and register["Content-Type"].startswith("application/vnd.openxml")
    assert annex.status_code == 200 and "Twilio" in annex.content.decode()  # the processor activities' only
    assert browser.get(f"/console/policy/{first.pk}/minutes/fr/").status_code == 404
