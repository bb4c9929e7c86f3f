from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from registre.web.accounts.actions import clear_login_failures, is_locked_out, record_login_failure
from registre.web.accounts.permissions import ACTIONS, allowed_actions
from registre.web.security import client_address


class StaffLoginForm(AuthenticationForm):
    """Django's login form, throttled: too many failures for a username from an address lock it for a while."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Try again in a few minutes."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request else ""
        if username and is_locked_out(username, address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                record_login_failure(username, address)
            raise
        clear_login_failures(username, address)
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What uses it, e.g. “product account page”."))
    actions = forms.MultipleChoiceField(label=_("Allowed actions"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, owner: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [
            (name, f"{ACTIONS[name].description} ({name})") for name in allowed_actions(owner)
        ]
