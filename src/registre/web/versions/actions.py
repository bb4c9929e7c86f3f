"""Publishing a version of the policy, finding the one in force on a date, and announcing changes ahead of it.

Publishing records the policy as it is (one transaction, one audit entry). When
its changes since the last version oblige the organisation to tell the data
subjects beforehand (`core/policy/versions.announced_obligations`) and the
version takes effect later, an announcement is recorded, shown on the portal
until that date and e-mailed to the list given. An announcement published after
its last day is flagged late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from registre.core.policy import Policy
from registre.core.policy.diff import diff_policies
from registre.core.policy.versions import announced_obligations, late_announcement, version_in_force
from registre.core.sources.connection import display_url
from registre.web.accounts.permissions import require
from registre.web.audit.actions import record
from registre.web.policy import current_policy
from registre.web.versions import mail
from registre.web.versions.models import Announcement, PolicyVersion


def publish_version(
    actor: Any,
    policy: Policy,
    *,
    effective: dt.date | None = None,
    revision: str = "",
    source: str = "",
    recipients: Iterable[str] = (),
    now: dt.datetime | None = None,
) -> PolicyVersion:
    """Record `policy` as a published version effective on `effective` (default: its `effective:`, else today)."""
    if actor != "system":
        require(actor, "policy.manage")
    now = now or timezone.now()
    today = timezone.localdate(now)
    effective = effective or policy.effective or today
    previous = PolicyVersion.objects.order_by("-pk").first()
    addresses = sorted({address.strip() for address in recipients if address.strip()})
    with transaction.atomic():
        version = PolicyVersion.objects.create(
            effective=effective,
            revision=revision[:64],
            source=source[:500],
            policy=_storable(policy),
            published_at=now,
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        details: dict[str, Any] = {"version": version.pk, "effective": effective.isoformat(), "revision": revision}
        record(actor, "policy.version_published", details=details)
        if previous is not None and effective > today:
            diff = diff_policies(previous.as_policy(), policy, effective=effective, today=today)
            obligations = announced_obligations(diff)
            if obligations:
                _announce(actor, version, diff.changes, obligations, late_announcement(diff, today), addresses)
    return version


def _announce(actor: Any, version: PolicyVersion, changes: Any, obligations: Any, late: bool, to: list[str]) -> None:
    announcement = Announcement.objects.create(
        version=version,
        obligations=[item.model_dump(mode="json") for item in obligations],
        changes=[item.model_dump(mode="json") for item in changes],
        late=late,
        recipients=len(to),
    )
    if to:
        mail.send_announcement(announcement, to)
        announcement.emailed_at = timezone.now()
        announcement.save(update_fields=["emailed_at"])
    details = {"version": version.pk, "obligations": len(obligations), "recipients": len(to), "late": late}
    record(actor, "policy.announced", details=details)


def _storable(policy: Policy) -> dict[str, Any]:
    """The policy as JSON, its systems' URLs without their passwords (the application database keeps no secret)."""
    data = policy.model_dump(mode="json", by_alias=True)
    for system in data.get("systems", {}).values():
        if system.get("url"):
            system["url"] = display_url(system["url"])
    return data


def version_on(day: dt.date) -> PolicyVersion | None:
    """The published version in force on `day`, or None when none was in force yet."""
    return version_in_force(list(PolicyVersion.objects.order_by("pk")), day)


def policy_on(day: dt.date) -> Policy | None:
    """The policy in force on `day`: its published version; with none published at all, the policy file."""
    version = version_on(day)
    if version is not None:
        return version.as_policy()
    return None if PolicyVersion.objects.exists() else current_policy()


def current_announcements(now: dt.datetime | None = None) -> list[Announcement]:
    """The announcements of versions not yet in force, soonest first."""
    today = timezone.localdate(now or timezone.now())
    found = Announcement.objects.select_related("version").filter(version__effective__gt=today)
    return list(found.order_by("version__effective", "pk"))
