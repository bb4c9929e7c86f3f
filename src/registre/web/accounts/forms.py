from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import AbstractBaseUser
from django.utils.translation import gettext_lazy as _

from registre.web.accounts.actions import clear_login_failures, is_locked_out, record_login_failure
from registre.web.accounts.permissions import ACTIONS, ROLES, allowed_actions
from registre.web.clients.models import Client
from registre.web.policy import current_policy
from registre.web.security import client_address

ROLE_LABELS = {
    "administrator": _("Administrator"),
    "dpo": _("DPO"),
    "agent": _("Agent"),
    "auditor": _("Auditor"),
}


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


class StaffForm(forms.Form):
    """A staff member's role and scope; with their email (and a username) when creating them."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    username = forms.CharField(label=_("Username"), max_length=150, required=False, help_text=_("Default: the email."))
    role = forms.ChoiceField(label=_("Role"))
    clients = forms.MultipleChoiceField(
        label=_("Clients"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every client."),
    )
    activities = forms.MultipleChoiceField(
        label=_("Activities"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every activity."),
    )

    def __init__(self, *args: Any, creating: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, ROLE_LABELS[role]) for role in ROLES]
        self.fields["clients"].choices = [(c.tenant, f"{c.name} ({c.tenant})") for c in Client.objects.order_by("name")]
        policy = current_policy()
        self.fields["activities"].choices = [(name, name) for name in (policy.activities if policy else {})]
        if not creating:
            del self.fields["email"], self.fields["username"]
