"""Published versions of the policy: which one is in force on a date, and what must be announced ahead of it.

Each applied policy is a version with its effective date. On a date the
version in force is the one with the latest effective date on or before it
(of two with the same date, the one published last). A version whose changes
oblige the organisation to tell the data subjects beforehand (a new purpose,
a wider use, a new transfer, a new basis of consent) is announced: the
announcement runs from its publication until the version takes effect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol, TypeVar

from registre.core.i18n import Lang, get_translations
from registre.core.policy.diff import Change, Obligation, PolicyDiff
from registre.core.policy.model import Policy


class Dated(Protocol):
    @property
    def effective(self) -> dt.date: ...


V = TypeVar("V", bound=Dated)

# The obligations that the data subjects must hear of before the effective date (Art. 13(3), 14(4)).
ANNOUNCED = ("purpose_notice", "transfer_notice", "consent", "notice_update")


def version_in_force(versions: Sequence[V], on: dt.date) -> V | None:
    """The version in force on `on`: the latest effective on or before it; `versions` in order of publication."""
    found: V | None = None
    for version in versions:
        if version.effective <= on and (found is None or version.effective >= found.effective):
            found = version
    return found


def announced_obligations(diff: PolicyDiff) -> list[Obligation]:
    """The obligations of `diff` owed to the data subjects: what an announcement must tell them."""
    return [item for item in diff.obligations if item.audience == "data_subjects" and item.kind in ANNOUNCED]


def late_announcement(diff: PolicyDiff, today: dt.date) -> bool:
    """Whether `today` is past the last day to announce one of the obligations owed to the data subjects."""
    return any(item.deadline is not None and item.deadline < today for item in announced_obligations(diff))


def describe_for_people(obligation: Obligation, changes: Sequence[Change], policy: Policy, lang: Lang) -> str:
    """What an announced obligation tells the data subjects, in `lang`: the change itself, not the duty.

    `changes` are those of the diff (`obligation.changes` indexes them); `policy` is the new version, which
    names the activities.
    """
    _ = get_translations(lang).gettext
    activity = policy.activities.get(obligation.subject)
    name = activity.purpose.get(lang) if activity is not None else obligation.subject
    values = obligation.values
    if obligation.kind == "purpose_notice":
        reasons = values.get("reasons")
        text = str(reasons.get(lang) or reasons.get("en") or "") if isinstance(reasons, dict) else ""
        return _("%(activity)s: %(changes)s") % {"activity": name, "changes": text}
    if obligation.kind == "transfer_notice":
        transfer = values.get("transfer")
        text = str(transfer.get(lang) or "") if isinstance(transfer, dict) else obligation.subject
        return _("a new transfer outside the European Economic Area: %(transfer)s") % {"transfer": text}
    if obligation.kind == "consent":
        return _("%(activity)s: your consent will be asked for") % {"activity": name}
    described = "; ".join(changes[index].describe(lang) for index in obligation.changes if index < len(changes))
    return _("who we are and how to reach us: %(changes)s") % {"changes": described}
