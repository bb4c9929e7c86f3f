"""Staff scopes, API tokens and failed logins. Roles are Django groups (see permissions.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaffScope(models.Model):
    """What part of the work a staff member may see: some activities of the policy, some clients.

    An empty list leaves that axis open; a staff member without a scope row sees everything their role allows.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_scope")
    activities = models.JSONField(_("activities"), default=list, blank=True)
    clients = models.JSONField(_("clients"), default=list, blank=True)

    def __str__(self) -> str:
        return f"scope of user {self.user_id}"


class ApiToken(models.Model):
    """A staff member's credential for the REST API, limited to a set of actions and revocable.

    Only the SHA-256 digest of the token is stored; the token itself is shown once, at creation.
    """

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    actions = models.JSONField(_("actions"), default=list)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.owner.is_active

    def allows(self, action: str) -> bool:
        """Whether this token was given `action` (the owner's permissions are checked by `can`)."""
        return self.revoked_at is None and action in self.actions


class LoginFailure(models.Model):
    """One failed login. `key` is a keyed hash of the username and address: no personal data is stored."""

    key = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
