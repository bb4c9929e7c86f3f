from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.web.clients.models import Client

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class AuthorityRequestForm(forms.Form):
    authority = forms.CharField(label=_("Authority"), max_length=200, help_text=_("Who asked: a court, the police…"))
    authority_reference = forms.CharField(label=_("The authority's reference"), max_length=100, required=False)
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)
    data_requested = forms.CharField(label=_("Data requested"), widget=TEXT)
    compelled = forms.BooleanField(label=_("The company is legally compelled to answer"), required=False)
    gag_until = forms.DateField(
        label=_("Telling the client or the person forbidden until"), required=False, widget=DATE
    )
    gag_basis = forms.CharField(label=_("Basis of the prohibition"), max_length=300, required=False)
    email = forms.EmailField(label=_("Email address of the person concerned"), required=False)
    client = forms.ModelChoiceField(label=_("Client concerned"), queryset=Client.objects.all(), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("gag_until") and not data.get("gag_basis"):
            self.add_error("gag_basis", _("State the legal basis that forbids telling the client or the person."))
        return data


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusing"), widget=TEXT)
