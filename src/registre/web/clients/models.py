"""The client companies for which the organisation acts as a processor.

A client owns the rows of the processor datasets whose `tenant` column holds
its tenant value: a request about those rows is forwarded to the client's
contact and executed only on its instruction (Art. 28(3)(e) GDPR).
The retention work extends this model (contract start and end, deletion delay).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.web.accounts.permissions import ScopeKeys

LANGUAGES = [("fr", "Français"), ("en", "English")]


class Client(models.Model):
    name = models.CharField(_("name"), max_length=200)
    tenant = models.CharField(
        _("tenant"),
        max_length=100,
        unique=True,
        help_text=_("The value of the tenant column that marks this client's rows."),
    )
    contact_email = models.EmailField(_("contact email"), help_text=_("Where requests about its data are sent."))
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES, default="fr")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return self.name

    def scope_keys(self) -> ScopeKeys:
        """A staff scope names clients by their tenant value."""
        return ScopeKeys(client=self.tenant)
