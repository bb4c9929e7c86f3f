"""The e-mail of an announcement: French then English, as the list the company gives has no languages."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registre.web.versions.models import Announcement, PolicyVersion


def notice_url(version: PolicyVersion) -> str:
    """The portal's notice as it will read on the version's effective date."""
    return f"{settings.REGISTRE_BASE_URL}{reverse('versions:notice')}?at={version.effective.isoformat()}"


def announcement_text(announcement: Announcement, lang: str) -> tuple[str, str]:
    """(subject, body) in `lang`: the date, each change the data subjects must hear of, the new notice's address."""
    version = announcement.version
    with translation.override(lang):
        values = {
            "organisation": version.as_policy().organisation.name,
            "date": date_format(version.effective, "DATE_FORMAT"),
            "url": notice_url(version),
        }
        subject = _("%(organisation)s: our privacy policy changes on %(date)s") % values
        lines = [_("Our privacy policy changes on %(date)s:") % values, ""]
        lines += ["- " + line for line in announcement.lines(lang)]
        lines += ["", _("The new privacy notice: %(url)s") % values]
    return subject, "\n".join(lines)


def send_announcement(announcement: Announcement, recipients: list[str]) -> None:
    """One message to each address of the list, in French then in English."""
    french, english = announcement_text(announcement, "fr"), announcement_text(announcement, "en")
    subject = f"{french[0]} / {english[0]}"
    body = f"{french[1]}\n\n---\n\n{english[1]}\n"
    for address in recipients:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]).send()
