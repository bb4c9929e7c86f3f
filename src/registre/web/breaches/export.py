"""The breach register as a file: every breach, with its notifications and its clients."""

from __future__ import annotations

from django.utils import timezone

from registre.core.documents.breach_register import RegisterEntry, render_breach_register
from registre.core.policy import Policy
from registre.web.breaches.models import Breach

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def register_entries() -> list[RegisterEntry]:
    """Every breach, oldest first, as the register lists them."""
    breaches = Breach.objects.order_by("aware_at", "pk").prefetch_related("affected_clients")
    return [
        RegisterEntry(breach.facts(), tuple(breach.records()), breach.affected_clients.count()) for breach in breaches
    ]


def register_file(policy: Policy, fmt: str, lang: str) -> tuple[bytes, str]:
    """The register as XLSX or PDF in `lang`, and its content type."""
    content = render_breach_register(
        register_entries(),
        policy,
        lang=lang,  # type: ignore[arg-type]
        fmt=fmt,  # type: ignore[arg-type]
        today=timezone.localdate(),
        tz=timezone.get_current_timezone(),
    )
    return content, CONTENT_TYPES[fmt]
