"""The client companies for which the organisation acts as a processor.

A client owns the rows of the processor datasets whose `tenant` column holds
its tenant value: a request about those rows is forwarded to the client's
contact and executed only on its instruction (Art. 28(3)(e) GDPR).

When its contract ends, an `Offboarding` follows the return and deletion of its
data (Art. 28(3)(g) GDPR): the export it may download until a date, the
deletion due at the contract's end plus the DPA's delay, and the certificate.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registre.web.accounts.permissions import ScopeKeys
from registre.web.languages import LANGUAGES
from registre.web.vault.fields import EncryptedJSONField


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
    contract_start = models.DateField(_("contract start"), null=True, blank=True)
    contract_end = models.DateField(_("contract end"), null=True, blank=True)
    deletion_delay_days = models.PositiveSmallIntegerField(
        _("deletion delay (days)"),
        default=10,
        help_text=_("Days after the end of the contract within which the DPA has its data deleted."),
    )
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


class Offboarding(models.Model):
    """The end of a client's contract: its data exported for it, then deleted, with a certificate."""

    client = models.OneToOneField(Client, on_delete=models.CASCADE, related_name="offboarding")
    contract_end = models.DateField()
    deletion_due = models.DateField(db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The export: a zip encrypted at rest; only the SHA-256 of its download token is stored.
    export_stored_as = models.CharField(max_length=64, blank=True)
    export_digest = models.CharField(max_length=64, blank=True, db_index=True)
    export_rows = models.PositiveBigIntegerField(default=0)
    export_expires_at = models.DateTimeField(null=True, blank=True)
    export_deleted_at = models.DateTimeField(null=True, blank=True)
    export_downloads = models.PositiveIntegerField(default=0)
    # The deletion and its certificate (PDF encrypted at rest, in the client's language).
    deleted_at = models.DateTimeField(null=True, blank=True)
    result = EncryptedJSONField(default=dict, blank=True)
    audit_hash = models.CharField(max_length=64, blank=True)
    certificate_stored_as = models.CharField(max_length=64, blank=True)
    certificate_summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"offboarding of {self.client}"

    @property
    def export_available(self) -> bool:
        expires = self.export_expires_at
        return (
            bool(self.export_stored_as)
            and self.export_deleted_at is None
            and expires is not None
            and (expires > timezone.now())
        )
