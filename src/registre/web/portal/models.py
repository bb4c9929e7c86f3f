"""The portal's proof that a person holds the email address they gave: a one-time link and a 6-digit code.

Neither is stored: the link's SHA-256, and the code's keyed hash (HMAC under
REGISTRE_LOOKUP_KEY, with the challenge's id: a million codes cannot be tried
offline without the key). A challenge expires, is used once, and allows
MAX_ATTEMPTS wrong codes.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from registre.web.requests.models import DataRequest


class Challenge(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="challenges")
    link_digest = models.CharField(max_length=64, unique=True)
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
