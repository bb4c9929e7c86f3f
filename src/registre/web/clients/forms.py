from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.web.clients.models import Client

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "tenant", "contact_email", "language"]


class ClientEditForm(forms.ModelForm):
    """The client's details; the tenant stays: its rows are found by it."""

    class Meta:
        model = Client
        fields = ["name", "contact_email", "language", "contract_start", "contract_end", "deletion_delay_days"]
        widgets = {"contract_start": DATE, "contract_end": DATE}


class EndContractForm(forms.Form):
    contract_end = forms.DateField(label=_("Contract end"), widget=DATE)
