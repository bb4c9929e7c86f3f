"""Every change of state of the impact assessments; each one audited in its transaction.

A version is created from the policy (the next number, the previous version's assessment carried over),
assessed while it is a draft, validated once (then frozen), and, when its residual risk stays high, given
the prior consultation of the supervisory authority (Art. 36).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from registre.core.dpia import (
    Consultation,
    DpiaError,
    RiskAssessment,
    Validation,
    check_consultation,
    check_validation,
    next_version,
)
from registre.core.policy import Policy
from registre.core.policy.dpia import assess_dpia
from registre.web.accounts.permissions import require
from registre.web.audit.actions import record
from registre.web.dpia.models import DpiaVersion
from registre.web.policy import current_policy


class AssessmentError(ValueError):
    """A change the assessment refuses, with a message for the person who asked."""


def messages() -> dict[str, str]:
    """The core's refusal codes, said in the active language."""
    return {
        "already_validated": _("This version is validated: create a new version to change the assessment."),
        "future_date": _("This date is in the future."),
        "unknown_role": _("Choose who validates: the data protection officer or the controller."),
        "no_name": _("Name the person who validates."),
        "not_validated": _("Validate the assessment before recording the consultation of the authority."),
        "not_high": _("The residual risk is not high: no prior consultation of the authority is required."),
        "answer_before_sent": _("The answer cannot come before the consultation was sent."),
        "unknown_activity": _("This activity is not in the policy."),
        "concurrent": _("Another version was created at the same time: reload the page."),
    }


def refuse(code: str) -> AssessmentError:
    return AssessmentError(messages()[code])


def latest(activity: str) -> DpiaVersion | None:
    return DpiaVersion.objects.filter(activity=activity).order_by("-version").first()


def create_version(actor: Any, activity: str, policy: Policy | None = None) -> DpiaVersion:
    """A new version of `activity`'s assessment: the previous one carried over, or the draft pre-filled."""
    require(actor, "dpia.manage")
    policy = policy or current_policy()
    if policy is None or activity not in policy.activities:
        raise refuse("unknown_activity")
    today = timezone.localdate()
    previous = latest(activity)
    sensitive = "sensitive" in assess_dpia(policy, activity, today).criteria
    draft = next_version(previous.record() if previous else None, activity, created_on=today, sensitive=sensitive)
    try:
        with transaction.atomic():
            version = DpiaVersion.objects.create(**DpiaVersion.fields_of(draft), created_by=_user(actor))
            record(actor, "dpia.created", details=_details(version))
    except IntegrityError:
        raise refuse("concurrent") from None
    return version


def assess(
    version: DpiaVersion,
    actor: Any,
    *,
    context: str,
    principles: str,
    risks: list[RiskAssessment],
    review_on: dt.date | None,
) -> DpiaVersion:
    """Record the assessed parts of a draft version: the texts, the three risks rated, the review date."""
    require(actor, "dpia.manage")
    with transaction.atomic():
        version = DpiaVersion.objects.select_for_update().get(pk=version.pk)
        if version.validated_on is not None:
            raise refuse("already_validated")
        try:
            assessed = replace(
                version.record(), context=context, principles=principles, risks=tuple(risks), review_on=review_on
            )
        except ValueError as error:
            raise AssessmentError(str(error)) from None
        for name, value in DpiaVersion.fields_of(assessed).items():
            setattr(version, name, value)
        version.save()
        record(actor, "dpia.assessed", details={**_details(version), "residual_high": assessed.residual_high})
    return version


def validate(version: DpiaVersion, actor: Any, *, name: str, role: str, on: dt.date, opinion: str = "") -> DpiaVersion:
    """Validate a version (by the DPO or the controller): it is frozen from then on."""
    require(actor, "dpia.manage")
    validation = Validation(name.strip(), role, on, opinion.strip())  # type: ignore[arg-type]
    with transaction.atomic():
        version = DpiaVersion.objects.select_for_update().get(pk=version.pk)
        try:
            check_validation(version.record(), validation, timezone.localdate())
        except DpiaError as error:
            raise refuse(error.code) from None
        version.validated_by, version.validator_role = validation.name, validation.role
        version.validated_on, version.opinion = validation.on, validation.opinion
        version.save(update_fields=["validated_by", "validator_role", "validated_on", "opinion"])
        details = {
            **_details(version),
            "role": role,
            "on": on.isoformat(),
            "residual_high": version.record().residual_high,
        }
        record(actor, "dpia.validated", details=details)
    return version


def record_consultation(
    version: DpiaVersion,
    actor: Any,
    *,
    sent_on: dt.date,
    reference: str = "",
    answer: str = "",
    answered_on: dt.date | None = None,
) -> DpiaVersion:
    """Record the prior consultation of the authority (Art. 36) on a validated version whose residual risk is high."""
    require(actor, "dpia.manage")
    consultation = Consultation(sent_on, reference.strip(), answer.strip(), answered_on)
    with transaction.atomic():
        version = DpiaVersion.objects.select_for_update().get(pk=version.pk)
        try:
            check_consultation(version.record(), consultation, timezone.localdate())
        except DpiaError as error:
            raise refuse(error.code) from None
        version.consultation_sent_on, version.consultation_reference = sent_on, consultation.reference
        version.consultation_answer, version.consultation_answered_on = consultation.answer, answered_on
        version.save(
            update_fields=[
                "consultation_sent_on",
                "consultation_reference",
                "consultation_answer",
                "consultation_answered_on",
            ]
        )
        details = {**_details(version), "sent_on": sent_on.isoformat(), "answered": answered_on is not None}
        record(actor, "dpia.consultation_recorded", details=details)
    return version


def policy_entry(version: DpiaVersion, criteria: tuple[str, ...]) -> str:
    """The `dpia:` entry that records a validated version in the policy (the declaration kept in git)."""
    parts = []
    if criteria:
        parts.append(f"criteria: [{', '.join(criteria)}]")
    if version.validated_on is not None:
        parts.append(f"done: {version.validated_on.isoformat()}")
    if version.review_on is not None:
        parts.append(f"review: {version.review_on.isoformat()}")
    if version.consultation_sent_on is not None:
        parts.append(f"consultation: {version.consultation_sent_on.isoformat()}")
    parts.append(f"version: {version.version}")
    return "dpia: {" + ", ".join(parts) + "}"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _details(version: DpiaVersion) -> dict[str, Any]:
    return {"activity": version.activity, "version": version.version, "dpia": version.pk}
