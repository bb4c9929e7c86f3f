"""What every console page knows: the organisation and the navigation the user may follow."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registre.web.accounts.permissions import can
from registre.web.policy import organisation_name

# (URL name, label, action needed): an app adds its page here.
NAVIGATION = [
    ("console:home", _("Home"), "console.view"),
    ("requests:inbox", _("Requests"), "requests.view"),
    ("clients:list", _("Clients"), "clients.view"),
    ("retention:overview", _("Retention"), "retention.view"),
    ("discovery:overview", _("Discovery"), "discovery.view"),
    ("breaches:list", _("Breaches"), "breaches.view"),
    ("authority:list", _("Authority requests"), "authority.view"),
    ("authorised:list", _("Authorised staff"), "authorised.view"),
    ("dpia:list", _("Impact assessments"), "dpia.view"),
    ("instructions:list", _("Client instructions"), "instructions.view"),
    ("inspections:list", _("Audits"), "inspections.view"),
    ("consent:ledger", _("Consent"), "consent.view"),
    ("notices:list", _("Notices"), "notices.view"),
    ("versions:list", _("Policy versions"), "policy.view"),
    ("audit:list", _("Audit log"), "audit.view"),
    ("jobs:list", _("Jobs"), "jobs.view"),
    ("accounts:staff", _("Staff"), "staff.view"),
    ("accounts:tokens", _("API tokens"), "tokens.create"),
    ("webhooks:list", _("Webhooks"), "webhooks.manage"),
]


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    navigation = []
    if user is not None and user.is_authenticated:
        navigation = [
            {"url": reverse(name), "label": label, "current": False}
            for name, label, action in NAVIGATION
            if can(user, action)
        ]
        # The current section: the longest link that the path starts with.
        matching = [item for item in navigation if request.path.startswith(str(item["url"]))]
        if matching:
            max(matching, key=lambda item: len(str(item["url"])))["current"] = True
    return {"organisation_name": organisation_name(), "navigation": navigation}
