"""Every change of the log of client instructions; each one audited in its transaction.

The processor acts only on the client's documented instructions (Art. 28(3)(a) GDPR): each is logged
with the processing it covers (`core.instructions.check_covered_activities`). When one looks unlawful,
it is flagged with the reason and the client is told at once, in its language (Art. 28(3), last
paragraph). A forwarded rights request executed on the client's instruction logs it here too
(`log_forwarded_instruction`, called by `requests.actions.record_instruction`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registre.core.documents.dates import format_long_date
from registre.core.instructions import UncoveredActivity, check_covered_activities, check_unlawful_reason
from registre.web.accounts.permissions import require
from registre.web.audit.actions import record
from registre.web.clients.models import Client
from registre.web.instructions.models import Instruction
from registre.web.policy import current_policy
from registre.web.requests.models import DataRequest


class InstructionError(ValueError):
    """A change the log refuses, with a message for the person who asked."""


def record_instruction(
    actor: Any,
    *,
    client: Client,
    channel: str,
    given_by: str,
    text: str,
    activities: list[str],
    received_at: dt.datetime | None = None,
) -> Instruction:
    """Log a client's documented instruction, with the processor activities it covers."""
    require(actor, "instructions.record", client)
    if channel not in Instruction.Channel.values or channel == Instruction.Channel.REQUEST:
        raise InstructionError(_("Choose how the instruction was received."))
    if not given_by.strip() or not text.strip():
        raise InstructionError(_("An instruction needs its text and who gave it."))
    if received_at is not None and received_at > timezone.now():
        raise InstructionError(_("This date is in the future."))
    policy = current_policy()
    if policy is None:
        raise InstructionError(_("The policy is missing or has errors: run `registre check`."))
    try:
        covered = check_covered_activities(policy, activities, tenant=client.tenant)
    except UncoveredActivity as error:
        raise InstructionError(_uncovered_message(error)) from None
    with transaction.atomic():
        return _log(actor, client, channel, given_by, text, covered, received_at or timezone.now())


def log_forwarded_instruction(request: DataRequest, actor: Any) -> Instruction:
    """The instruction recorded on a forwarded request, as an entry of its client's log (same transaction).

    The caller has checked `requests.handle` on the request. The activities are those of its plan that are
    processing done for the client; when the plan names none (a request forwarded before any tenant was
    searched), every processor activity done for the client: the instruction concerns its data.
    """
    assert request.client is not None
    tenant = request.client.tenant
    policy = current_policy()
    covered = []
    if policy is not None:
        found = sorted(request.activity_rows.values_list("activity", flat=True))
        covered = [key for key in found if _covers(policy, key, tenant)]
        covered = covered or [key for key in policy.activities_by_role("processor") if _covers(policy, key, tenant)]
    entry = _log(
        actor,
        request.client,
        Instruction.Channel.REQUEST,
        request.instruction_by,
        request.instruction,
        covered,
        request.instruction_at or timezone.now(),
        request=request,
    )
    return entry


def flag_unlawful(instruction: Instruction, actor: Any, *, reason: str) -> Instruction:
    """Flag an instruction that looks unlawful and e-mail the client the reason, in its language, at once."""
    require(actor, "instructions.flag", instruction)
    if instruction.flagged:
        raise InstructionError(_("This instruction is already flagged."))
    try:
        reason = check_unlawful_reason(reason)
    except ValueError:
        raise InstructionError(_("State why the instruction looks unlawful.")) from None
    client = instruction.client
    with transaction.atomic():
        now = timezone.now()
        instruction.unlawful_reason, instruction.flagged_at, instruction.client_told_at = reason, now, now
        instruction.flagged_by = _user(actor)
        instruction.save(update_fields=["unlawful_reason", "flagged_at", "client_told_at", "flagged_by"])
        details = {"instruction": instruction.reference, "client_id": client.pk}
        record(actor, "instruction.flagged_unlawful", details=details)
        record(actor, "instruction.client_told", details=details)
        _unlawful_notice(instruction).send()
    return instruction


def _unlawful_notice(instruction: Instruction) -> EmailMessage:
    """Art. 28(3), last paragraph: the processor immediately informs the controller, with its reason."""
    client = instruction.client
    with translation.override(client.language):
        subject = _("An instruction that we consider unlawful (%(reference)s)") % {"reference": instruction.reference}
        body = _(
            "Hello,\n\nOn %(date)s, you gave us the following instruction (%(channel)s):\n\n%(text)s\n\n"
            "In our view, this instruction infringes the data protection rules, for this reason:\n\n%(reason)s\n\n"
            "We inform you of it as Article 28(3) of the GDPR requires. Please confirm, change or withdraw "
            "this instruction.\n"
        ) % {
            "date": format_long_date(timezone.localdate(instruction.received_at), client.language),
            "channel": instruction.get_channel_display(),
            "text": instruction.text,
            "reason": instruction.unlawful_reason,
        }
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [client.contact_email])


def _log(
    actor: Any,
    client: Client,
    channel: str,
    given_by: str,
    text: str,
    activities: list[str],
    received_at: dt.datetime,
    request: DataRequest | None = None,
) -> Instruction:
    entry = Instruction.objects.create(
        reference=_next_reference(timezone.localdate(received_at).year),
        client=client,
        received_at=received_at,
        channel=channel,
        given_by=given_by.strip(),
        text=text.strip(),
        activities=activities,
        request=request,
        recorded_by=_user(actor),
    )
    details: dict[str, Any] = {"instruction": entry.reference, "client_id": client.pk, "channel": channel}
    details.update(activities=activities, request=request.reference if request else None)
    record(actor, "instruction.recorded", request_id=request.reference if request else None, details=details)
    return entry


def _covers(policy: Any, key: str, tenant: str) -> bool:
    try:
        check_covered_activities(policy, [key], tenant=tenant)
    except UncoveredActivity:
        return False
    return True


def _uncovered_message(error: UncoveredActivity) -> str:
    messages = {
        "unknown": _("%(activity)s is not an activity of the policy."),
        "controller": _("%(activity)s is processing done as controller: a client does not instruct it."),
        "not_for_client": _("%(activity)s is not processing done for this client."),
    }
    return messages[error.reason] % {"activity": error.activity}


def _next_reference(year: int) -> str:
    last = (
        Instruction.objects.select_for_update()
        .filter(reference__startswith=f"I-{year}-")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"I-{year}-{number:04d}"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
