from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.web.notices.models import ClientNotice
from registre.web.versions.models import PolicyVersion


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Your answer"), choices=ClientNotice.Answer.choices)
    name = forms.CharField(label=_("Your name and role"), max_length=200)
    note = forms.CharField(label=_("Your reasons (optional)"), widget=forms.Textarea, required=False)


class CampaignForm(forms.Form):
    """Put a published version to the clients: the change from the version published before it."""

    version = forms.ModelChoiceField(label=_("Version"), queryset=PolicyVersion.objects.none())
    allow_late = forms.BooleanField(label=_("Send the late notices too, flagged"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first = PolicyVersion.objects.order_by("pk").values_list("pk", flat=True).first()
        field = self.fields["version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = PolicyVersion.objects.exclude(pk=first).order_by("-pk")
