"""What the changes of a policy oblige the organisation to do, for whom, and by when.

- A sub-processor new to a processor activity (added, replaced, or newly
  used) opens an objection window for that activity's clients (Art. 28(2)).
- A new purpose or a wider use by a controller activity is announced to the
  data subjects `purpose_change_notice_days` before it takes effect
  (Art. 13(3), 14(4)); a new basis of consent is collected first (Art. 7);
  a new transfer outside the EEA is named in the notice (Art. 13(1)(f)).
- Anything else about an activity updates the register (Art. 30). A
  sub-processor that leaves needs nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from registre.core.policy.diff.changes import Change
from registre.core.policy.diff.transfers import outgoing_transfers
from registre.core.policy.model import Policy
from registre.core.taxonomy import load_taxonomy

Audience = Literal["processor_clients", "data_subjects", "supervisory_record"]
ObligationKind = Literal[
    "subprocessor_objection", "purpose_notice", "consent", "transfer_notice", "notice_update", "register_update"
]


class Obligation(BaseModel):
    """What the organisation must do because of the changes, for whom, and by when.

    `subject` is the sub-processor, activity, transfer recipient or contact
    concerned; `activities`, the activities whose people or clients are
    concerned. With `opens`, [`opens`, `deadline`] is a window given to
    others; alone, `deadline` is the last day to act. `late` is true when the
    day to act (for a window: the day it opens) is already past.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ObligationKind
    audience: Audience
    subject: str
    activities: list[str] = Field(default_factory=list)
    reason: str
    citation: str
    opens: dt.date | None = None
    deadline: dt.date | None = None
    late: bool = False


def find_obligations(
    old: Policy, new: Policy, changes: list[Change], *, effective: dt.date, today: dt.date
) -> list[Obligation]:
    """The obligations created by `changes` from `old` to `new`, with the delays of `new`."""
    return _Finder(old, new, changes, effective, today).find()


def _activity_of(change: Change) -> str | None:
    return change.subject if change.area == "activity" else change.activity


def _as_list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


class _Finder:
    def __init__(self, old: Policy, new: Policy, changes: list[Change], effective: dt.date, today: dt.date):
        self.old, self.new, self.changes = old, new, changes
        self.effective, self.today = effective, today
        self.transfers = outgoing_transfers(new)
        self.notice_days = new.notices.purpose_change_notice_days
        self.notice_deadline = effective - dt.timedelta(days=self.notice_days)

    def find(self) -> list[Obligation]:
        notices = self.purpose_notices()
        return [
            *self.subprocessor_obligations(),
            *notices,
            *self.consents(),
            *self.transfer_notices(),
            *self.contact_updates(),
            *self.register_updates({notice.subject for notice in notices}),
        ]

    def role(self, activity: str) -> str | None:
        found = self.new.activities.get(activity)
        return found.role if found else None

    def controllers(self, activities: Iterable[str]) -> list[str]:
        return [key for key in activities if self.role(key) == "controller"]

    def obligation(self, kind: ObligationKind, audience: Audience, subject: str, **values: Any) -> Obligation:
        """An obligation whose last day to act is the effective date unless given."""
        values.setdefault("deadline", self.effective)
        acts_by = values.get("opens") or values["deadline"]
        return Obligation(kind=kind, audience=audience, subject=subject, late=acts_by < self.today, **values)

    # Sub-processors

    def newly_engaged(self) -> dict[str, list[str]]:
        """Sub-processors new to some activities, with those activities.

        An added or replaced sub-processor is new to every activity that uses
        it; an existing one is new to an activity that starts using it.
        """
        engaged: dict[str, dict[str, None]] = {}
        for change in self.changes:
            if change.area != "sub_processor" or change.effect != "wider":
                continue
            if change.activity is None:
                users = [key for key, activity in self.new.activities.items() if change.subject in activity.processors]
                engaged.setdefault(change.subject, {}).update(dict.fromkeys(users))
            else:
                engaged.setdefault(str(change.after), {})[change.activity] = None
        return {key: list(activities) for key, activities in engaged.items()}

    def subprocessor_obligations(self) -> list[Obligation]:
        found: list[Obligation] = []
        for key, activities in self.newly_engaged().items():
            processing = [activity for activity in activities if self.role(activity) == "processor"]
            controlling = self.controllers(activities)
            if processing:
                found.append(self.objection_window(key, processing))
            if controlling:
                reason = (
                    f"Name {self.processor_label(key)} among the recipients in the privacy notice and the register."
                )
                citation = "Art. 13(1)(e), 14(1)(e) and 30(1)(d) GDPR"
                found.append(
                    self.obligation(
                        "notice_update", "data_subjects", key, activities=controlling, reason=reason, citation=citation
                    )
                )
            if not activities:
                reason = f"Record {self.processor_label(key)} in the list of sub-processors; no activity uses it yet."
                found.append(
                    self.obligation(
                        "register_update", "supervisory_record", key, reason=reason, citation="Art. 30 GDPR"
                    )
                )
        return found

    def objection_window(self, key: str, activities: list[str]) -> Obligation:
        """Art. 28(2): clients hear of a new or replaced sub-processor N days before it starts, and may object.

        The window is the N days (`notices.subprocessor_objection_days`) that
        end on the effective date: the notice goes out when it opens at the
        latest, and the change takes effect only when it has closed.
        """
        days = self.new.notices.subprocessor_objection_days
        opens = self.effective - dt.timedelta(days=days)
        reason = (
            f"Notify the clients of {', '.join(activities)} of {self.processor_label(key)} by {opens.isoformat()}, "
            f"{days} days before it takes effect on {self.effective.isoformat()}; clients may object until then; "
            "silence is acceptance."
        )
        return self.obligation(
            "subprocessor_objection",
            "processor_clients",
            key,
            activities=activities,
            reason=reason,
            citation="Art. 28(2) and 28(4) GDPR; data processing agreement, sub-processors clause",
            opens=opens,
            deadline=self.effective,
        )

    def processor_label(self, key: str) -> str:
        processor = self.new.processors.get(key)
        if processor is None:
            return f"sub-processor '{key}'"
        country = load_taxonomy().countries.get(processor.data_location)
        place = country.name("en") if country else processor.data_location
        safeguard = f", safeguard: {processor.safeguard}" if processor.safeguard else ""
        return f"{processor.name} ({place}{safeguard})"

    # Controller activities

    def purpose_notices(self) -> list[Obligation]:
        """A new purpose or a wider use by a controller activity: the data subjects hear of it beforehand."""
        widened: dict[str, list[str]] = {}
        for change in self.changes:
            activity = _activity_of(change)
            if activity and change.effect == "wider" and change.area != "sub_processor":
                widened.setdefault(activity, []).append(change.summary)
        for recipient, activities in self.new_transfers().items():
            for activity in activities:
                widened.setdefault(activity, []).append(f"new transfer to {self.transfers[recipient].describe()}")
        return [
            self.obligation(
                "purpose_notice",
                "data_subjects",
                activity,
                activities=[activity],
                reason=(
                    f"Inform the data subjects of {activity} at least {self.notice_days} days before "
                    f"{self.effective.isoformat()}: " + "; ".join(reasons) + "."
                ),
                citation="Art. 12(1), 13(3) and 14(4) GDPR; notices.purpose_change_notice_days",
                deadline=self.notice_deadline,
            )
            for activity, reasons in widened.items()
            if self.role(activity) == "controller"
        ]

    def consents(self) -> list[Obligation]:
        """Art. 6(1)(a) and 7: processing based on consent starts once consent is given, and provable."""
        found: list[Obligation] = []
        for change in self.changes:
            activity = _activity_of(change)
            if activity is None or self.role(activity) != "controller" or change.kind == "removed":
                continue
            new_basis = change.area == "legal_basis" or (change.area == "activity" and change.kind == "added")
            if new_basis and self.new.activities[activity].legal_basis == "consent":
                reason = (
                    f"Collect the consent of each data subject of {activity} before processing from "
                    f"{self.effective.isoformat()}, and keep its proof."
                )
                citation = "Art. 6(1)(a) and 7 GDPR"
                found.append(
                    self.obligation(
                        "consent", "data_subjects", activity, activities=[activity], reason=reason, citation=citation
                    )
                )
        return found

    # Transfers

    def new_transfers(self) -> dict[str, list[str]]:
        """Transfers new to some activities (to all of them when added or moved to another country)."""
        found: dict[str, list[str]] = {}
        for change in self.changes:
            if change.area != "transfer" or change.effect != "wider" or not isinstance(change.after, dict):
                continue
            after = [str(key) for key in _as_list(change.after.get("activities"))]
            before = _as_list(change.before.get("activities")) if isinstance(change.before, dict) else []
            exposed = after if change.attribute in (None, "country") else [key for key in after if key not in before]
            found[change.subject] = self.controllers(exposed)
        return found

    def transfer_notices(self) -> list[Obligation]:
        """Art. 13(1)(f), 14(1)(f): the notice names each transfer outside the EEA and its safeguard.

        A transfer for processor activities only is the clients' to announce:
        they hear of it through the objection window.
        """
        return [
            self.obligation(
                "transfer_notice",
                "data_subjects",
                recipient,
                activities=activities,
                reason=f"The privacy notice must mention the transfer to {self.transfers[recipient].describe()}.",
                citation="Art. 13(1)(f) and 14(1)(f) GDPR",
                deadline=self.notice_deadline,
            )
            for recipient, activities in self.new_transfers().items()
            if activities or not self.transfers[recipient].activities
        ]

    # Contacts and the register

    def contact_updates(self) -> list[Obligation]:
        """Art. 13(1)(a)-(b): the notice says who the controller is and how to reach the DPO."""
        found: list[Obligation] = []
        for change in self.changes:
            if change.area not in ("organisation", "contact") or change.subject == "security":
                continue
            citation = "Art. 13(1)(a)-(b) and 14(1)(a)-(b) GDPR"
            reason = f"Update the privacy notice and the register: {change.summary}."
            if change.subject == "dpo":
                citation += "; Art. 37(7) GDPR"
                reason += " Communicate the DPO's contact details to the supervisory authority."
            found.append(
                self.obligation("notice_update", "data_subjects", change.subject, reason=reason, citation=citation)
            )
        return found

    def register_updates(self, noticed: set[str]) -> list[Obligation]:
        """Art. 30: the other changes of activities (narrower uses, removals, processor activities)."""
        pending: dict[str, list[str]] = {}
        for change in self.changes:
            activity = _activity_of(change)
            # Sub-processors are handled above; one that leaves needs nothing.
            if activity is None or change.area == "sub_processor":
                continue
            if activity not in noticed or change.effect != "wider":
                pending.setdefault(activity, []).append(change.summary)
        return [
            self.obligation(
                "register_update",
                "supervisory_record",
                activity,
                activities=[activity],
                reason="Update the record of processing activities: " + "; ".join(summaries) + ".",
                citation="Art. 30 GDPR",
            )
            for activity, summaries in pending.items()
        ]
