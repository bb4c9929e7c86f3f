from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.core.engine import Identity
from registre.web.retention.models import CaseHold


class CaseHoldForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CaseHold.Reason.choices)
    reference = forms.CharField(
        label=_("Case reference"), max_length=100, help_text=_("A file number; no personal data.")
    )
    email = forms.EmailField(label=_("Data subject's email"), required=False)
    tenant = forms.CharField(label=_("Client tenant"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("tenant"):
            raise forms.ValidationError(_("Name a data subject, a client tenant, or both."))
        return data

    def identities(self) -> list[Identity]:
        email = self.cleaned_data.get("email")
        return [Identity("email", email)] if email else []


class SweepForm(forms.Form):
    dry_run = forms.BooleanField(label=_("Dry run (count only)"), required=False)
