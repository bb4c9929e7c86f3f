from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.web.clients.models import Client
from registre.web.inspections.models import Inspection
from registre.web.languages import LANGUAGES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class InspectionForm(forms.Form):
    by = forms.ChoiceField(label=_("Audited by"), choices=Inspection.Auditor.choices)
    client = forms.ModelChoiceField(label=_("Client"), queryset=Client.objects.none(), required=False)
    trigger = forms.ChoiceField(label=_("Reason"), choices=Inspection.Trigger.choices)
    trigger_reference = forms.CharField(
        label=_("Breach or demand"), max_length=100, required=False, help_text=_("Its reference, B-2026-0001…")
    )
    auditor = forms.CharField(label=_("Auditing firm"), max_length=200)
    scope = forms.CharField(label=_("Scope"), widget=TEXT, required=False)
    requested_on = forms.DateField(label=_("Requested on"), widget=DATE)
    onsite_on = forms.DateField(label=_("On-site audit on"), widget=DATE)

    def __init__(self, *args: Any, clients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients


class PackageForm(forms.Form):
    lang = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)


class CloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"), choices=[(Inspection.Status.DONE, _("Done")), (Inspection.Status.CANCELLED, _("Cancelled"))]
    )
