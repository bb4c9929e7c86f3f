from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DesignationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    job_title = forms.CharField(label=_("Role"), max_length=200)
    designated_on = forms.DateField(label=_("Designated on"), widget=DATE)
    activities = forms.MultipleChoiceField(
        label=_("Processing activities"), required=False, widget=forms.CheckboxSelectMultiple
    )
    systems = forms.MultipleChoiceField(label=_("Systems"), required=False, widget=forms.CheckboxSelectMultiple)
    user = forms.ModelChoiceField(
        label=_("Console account"),
        queryset=User.objects.filter(is_active=True, authorisation__isnull=True),
        required=False,
        help_text=_("Deactivated when the mission ends."),
    )

    def __init__(self, *args: Any, activities: list[tuple[str, str]], systems: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["activities"].choices = activities
        self.fields["systems"].choices = systems


class DateForm(forms.Form):
    on = forms.DateField(label=_("On"), widget=DATE)
