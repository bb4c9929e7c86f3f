from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.web.breaches.models import Breach

MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
NATURE_CHOICES = [
    ("confidentiality", _("Confidentiality")),
    ("integrity", _("Integrity")),
    ("availability", _("Availability")),
]
TEXT = forms.Textarea(attrs={"rows": 3})


class AssessmentForm(forms.Form):
    """The facts and the assessment of a breach, as declared and as they become known."""

    title = forms.CharField(label=_("Title"), max_length=200, help_text=_("A few words; no personal data."))
    occurred_at = forms.DateTimeField(label=_("Started on"), required=False, widget=MOMENT)
    ongoing = forms.BooleanField(label=_("The breach is ongoing"), required=False)
    discovery = forms.CharField(label=_("How it was discovered"), required=False, widget=TEXT)
    natures = forms.MultipleChoiceField(label=_("Nature"), choices=NATURE_CHOICES, widget=forms.CheckboxSelectMultiple)
    description = forms.CharField(label=_("Circumstances"), widget=TEXT)
    cause = forms.CharField(label=_("Cause"), required=False, widget=TEXT)
    subject_count = forms.IntegerField(label=_("Approximate number of data subjects"), required=False, min_value=0)
    record_count = forms.IntegerField(label=_("Approximate number of records"), required=False, min_value=0)
    consequences = forms.CharField(label=_("Likely consequences"), required=False, widget=TEXT)
    measures_taken = forms.CharField(label=_("Measures taken"), required=False, widget=TEXT)
    measures_proposed = forms.CharField(label=_("Measures proposed"), required=False, widget=TEXT)
    risk = forms.ChoiceField(label=_("Risk"), choices=Breach.Risk.choices, initial=Breach.Risk.RISK)
    risk_reasons = forms.CharField(label=_("Reasons for the risk assessment"), required=False, widget=TEXT)
    delay_reasons = forms.CharField(label=_("Reasons for a late notification"), required=False, widget=TEXT)
    people_exemption = forms.CharField(
        label=_("Why the people are not informed (Art. 34(3))"), required=False, widget=TEXT
    )


class DeclareForm(AssessmentForm):
    aware_at = forms.DateTimeField(
        label=_("Became aware on"), widget=MOMENT, help_text=_("The 72-hour clock starts here (Art. 33(1) GDPR).")
    )
    datasets = forms.MultipleChoiceField(
        label=_("Sets of data concerned"), widget=forms.CheckboxSelectMultiple, choices=()
    )

    field_order = ["title", "aware_at", "occurred_at", "ongoing", "datasets", "natures"]

    def __init__(self, *args: Any, datasets: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["datasets"].choices = [(reference, reference) for reference in datasets or []]


class NotificationForm(forms.Form):
    recipient = forms.ChoiceField(
        label=_("Recipient"), choices=[("authority", _("Supervisory authority")), ("people", _("Data subjects"))]
    )
    sent_at = forms.DateTimeField(label=_("Sent on"), widget=MOMENT)
    channel = forms.CharField(
        label=_("Channel"), max_length=100, required=False, help_text=_("Online form, letter, e-mail…")
    )
    reference = forms.CharField(label=_("Reference given by the recipient"), max_length=100, required=False)
    details = forms.CharField(label=_("What this notification adds"), required=False, widget=TEXT)
    late_reasons = forms.CharField(label=_("Reasons for the delay"), required=False, widget=TEXT)


class ClientNoticeForm(forms.Form):
    details = forms.CharField(
        label=_("What this notification adds"),
        required=False,
        widget=TEXT,
        help_text=_("Empty: first notices to the clients not yet told. Filled: the next phase, to every client."),
    )
    late_reasons = forms.CharField(label=_("Reasons for the delay"), required=False, widget=TEXT)


def assessment_initial(breach: Breach) -> dict[str, Any]:
    return {name: getattr(breach, name) for name in AssessmentForm.base_fields}
