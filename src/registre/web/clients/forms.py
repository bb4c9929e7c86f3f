from __future__ import annotations

from django import forms

from registre.web.clients.models import Client


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = ["name", "tenant", "contact_email", "language"]
