"""The e-mails of a campaign: the notice to each client, in its language, and the alert to the DPO."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from registre.core.notices import describe_item
from registre.core.policy import Policy
from registre.web.notices.models import ClientNotice


def day(value: dt.date) -> str:
    """ "2 December 2026", "2 décembre 2026": the format of the active language."""
    return date_format(value, "DATE_FORMAT")


def send_notice(notice: ClientNotice, url: str, policy: Policy) -> None:
    """E-mail `notice` to its client's contact, in the client's language, with the link to answer."""
    lang = "en" if notice.client.language == "en" else "fr"
    with translation.override(lang):
        subject = _("Change of sub-processors from %(date)s") % {"date": day(notice.effective)}
        values = {
            "organisation": policy.organisation.name,
            "date": day(notice.effective),
            "last_day": day(notice.closes - dt.timedelta(days=1)) if notice.closes else "",
            "closes": day(notice.closes) if notice.closes else "",
            "days": notice.days,
            "url": url,
        }
        lines = [
            _("Hello,"),
            "",
            _(
                "As your processor, %(organisation)s informs you of a change of the sub-processors that process "
                "personal data on your behalf (Article 28(2) GDPR). From %(date)s:"
            )
            % values,
            "",
        ]
        for item in notice.planned().items:
            lines.append("- " + describe_item(item, lang))
            lines.append("  " + _("For: %(activities)s") % {"activities": ", ".join(item.activities)})
        lines.append("")
        if notice.terms == ClientNotice.Terms.CONSENT:
            lines.append(
                _(
                    "Your agreement requires your prior consent to this change. Give it, or object, until "
                    "%(last_day)s at this address: %(url)s. Without your consent, your data will not be entrusted "
                    "to this sub-processor."
                )
                % values
            )
        else:
            lines.append(
                _(
                    "You may object until %(last_day)s at this address: %(url)s. Without an objection by then, the "
                    "change is accepted, as your agreement provides."
                )
                % values
            )
        if notice.late:
            lines += [
                "",
                _(
                    "This notice reaches you later than your agreement provides: the change will not apply to your "
                    "data before %(closes)s."
                )
                % values,
            ]
        body = "\n".join(lines) + "\n"
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.client.contact_email]).send()


def alert_dpo(notice: ClientNotice, recipient: str) -> None:
    """Tell the DPO that a client objected (or withheld its consent): the change must not apply to its data."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "client": notice.client.name,
            "campaign": notice.campaign.reference,
            "date": day(notice.effective),
            "processors": ", ".join(item["name"] for item in notice.items),
            "url": settings.REGISTRE_BASE_URL + reverse("notices:detail", args=[notice.campaign.pk]),
        }
        if notice.answer == ClientNotice.Answer.OBJECTED:
            subject = _("%(client)s objects to the sub-processor change %(campaign)s") % values
            first = _("%(client)s objected to %(processors)s before %(date)s.") % values
        else:
            subject = _("%(client)s did not consent to the sub-processor change %(campaign)s") % values
            first = _("%(client)s did not give its consent to %(processors)s before %(date)s.") % values
        body = "\n\n".join(
            [
                first,
                _("The change must not apply to the data processed for this client."),
                _("The campaign in the console: %(url)s") % values,
            ]
        )
    EmailMessage(subject, body + "\n", settings.DEFAULT_FROM_EMAIL, [recipient]).send()
