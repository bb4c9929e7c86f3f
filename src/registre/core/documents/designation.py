"""The written designation of a person authorised to process personal data, in French and English.

A letter from the organisation to the person (SOURCES 13, GDPR Art. 29 and 32(4): "any natural person
acting under the authority of the controller or of the processor who has access to personal data does
not process them except on instructions"): the role, the processing activities and the systems they may
reach (from the policy), the duty of confidentiality, the yearly training, and the end of access with the
end of the mission; with a place for the person's signature.

    pdf = render_designation(designation, policy, lang="fr", fmt="pdf", today=date(2026, 12, 2))
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from registre.core.designation import Designation
from registre.core.documents.dates import format_long_date
from registre.core.documents.environment import render_template
from registre.core.documents.letters.letter import Items, Letter, Paragraph, frame_letter
from registre.core.documents.pdf import write_pdf
from registre.core.documents.vocabulary import translator
from registre.core.i18n import Lang
from registre.core.policy import Policy

DesignationFormat = Literal["pdf", "html"]


def build_designation(designation: Designation, policy: Policy, *, lang: Lang = "fr", today: dt.date) -> Letter:
    """The designation laid out as a letter signed for the organisation."""
    _ = translator(lang)
    activities = tuple(
        f"{activity.reference} — {activity.name.get(lang)}" if activity.reference else activity.name.get(lang)
        for key, activity in policy.activities.items()
        if key in designation.activities
    )
    systems = tuple(system.name or key for key, system in policy.systems.items() if key in designation.systems)
    blocks = (
        Paragraph(
            _(
                "From %(date)s, you are authorised, as %(role)s, to process personal data on behalf of "
                "%(organisation)s, only on its instructions and only as far as your tasks require."
            )
            % {
                "date": format_long_date(designation.designated_on, lang),
                "role": designation.job_title,
                "organisation": policy.organisation.name,
            }
        ),
        Items(_("The processing activities you may take part in:"), activities or (_("None"),)),
        Items(_("The systems you may reach:"), systems or (_("None"),)),
        Paragraph(
            _(
                "You are bound to confidentiality about the personal data you learn of, during your mission and "
                "after it ends. You sign a confidentiality undertaking with this designation."
            )
        ),
        Paragraph(
            _(
                "You follow a training in the protection of personal data at least once a year; the date of the "
                "next one is recorded in the register of authorised staff."
            )
        ),
        Paragraph(_("Your access to personal data and to the systems above ends with your mission, on its last day.")),
        Paragraph(_("Read and accepted by %(name)s, on ____________ (signature):") % {"name": designation.full_name}),
    )
    return frame_letter(
        policy,
        lang,
        subject=_("Designation as a person authorised to process personal data"),
        blocks=blocks,
        today=today,
        received=None,
        requester_name=designation.full_name,
    )


def render_designation(
    designation: Designation, policy: Policy, *, lang: Lang = "fr", fmt: DesignationFormat = "pdf", today: dt.date
) -> bytes:
    """The designation as PDF or HTML (UTF-8). Raises ValueError for another format."""
    letter = build_designation(designation, policy, lang=lang, today=today)
    html = render_template(
        "letter.html.j2", lang, letter=letter, title=letter.subject, author=letter.organisation.name, date=today
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown designation format {fmt!r}: choose pdf or html")
