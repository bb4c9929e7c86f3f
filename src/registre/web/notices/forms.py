from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registre.web.notices.models import ClientNotice


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(label=_("Your answer"), choices=ClientNotice.Answer.choices)
    name = forms.CharField(label=_("Your name and role"), max_length=200)
    note = forms.CharField(label=_("Your reasons (optional)"), widget=forms.Textarea, required=False)
