"""What the changes of a policy oblige the organisation to do, for whom, and by when.

- A sub-processor new to a processor activity (added, replaced, or newly
  used) is put to that activity's clients as their agreements say
  (Art. 28(2)): an objection window of N days, silence being acceptance; or,
  where a client's agreement demands it (for any sub-processor, or for one
  outside the EEA), its prior written consent. Without declared clients, one
  window for all of them, of `notices.subprocessor_objection_days`.
- A new purpose or a wider use by a controller activity, a new recipient
  (sub-processor) included, is announced to the data subjects
  `purpose_change_notice_days` before it takes effect (Art. 13(3), 14(4));
  a new basis of consent is collected first (Art. 7); a new transfer outside
  the EEA is named in the notice (Art. 13(1)(f)).
- Anything else about an activity updates the register (Art. 30). A
  sub-processor that leaves needs nothing.

Each obligation carries its reason as a message of the catalogs with its
values (`message`, `values`, `changes`), so that every language renders it;
`reason` is the English rendering, for JSON readers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from babel.dates import format_date
from pydantic import BaseModel, ConfigDict, Field, JsonValue

from registre.core.i18n import Lang, get_translations
from registre.core.policy.diff.changes import Change
from registre.core.policy.diff.transfers import OutgoingTransfer, outgoing_transfers
from registre.core.policy.model import Client, Policy
from registre.core.taxonomy import load_taxonomy

Audience = Literal["processor_clients", "data_subjects", "supervisory_record"]
ObligationKind = Literal[
    "subprocessor_objection",
    "subprocessor_consent",
    "purpose_notice",
    "consent",
    "transfer_notice",
    "notice_update",
    "register_update",
]


def N_(message: str) -> str:
    """Mark `message` for the catalogs; it is translated where it is rendered."""
    return message


class Obligation(BaseModel):
    """What the organisation must do because of the changes, for whom, and by when.

    `subject` is the sub-processor, activity, transfer recipient or contact
    concerned; `activities`, the activities whose people or clients are
    concerned; `clients`, the declared clients it is owed to (empty: every
    client of the activities). With `opens`, [`opens`, `deadline`] is a window
    given to others; alone, `deadline` is the last day to act. `late` is true
    when the day to act (for a window: the day it opens) is already past.
    `message` and `values` give the reason in any language (`changes` are
    the indexes of the changes it lists); `reason` is it in English.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ObligationKind
    audience: Audience
    subject: str
    activities: list[str] = Field(default_factory=list)
    clients: list[str] = Field(default_factory=list)
    reason: str
    citation: str
    opens: dt.date | None = None
    deadline: dt.date | None = None
    late: bool = False
    message: str = ""
    values: dict[str, JsonValue] = Field(default_factory=dict)
    changes: list[int] = Field(default_factory=list)

    def describe_reason(self, changes: list[Change], lang: Lang) -> str:
        """The reason in `lang`, from the message of the catalogs; `reason` when there is none."""
        if not self.message:
            return self.reason
        return render_message(self.message, self.values, [changes[index] for index in self.changes], lang)


def render_message(message: str, values: Mapping[str, JsonValue], changes: list[Change], lang: Lang) -> str:
    """A reason in `lang`: `message` translated, with localized values, dates and the changes it lists."""
    _ = get_translations(lang).gettext
    resolved: dict[str, Any] = {key: _localized(value, lang) for key, value in values.items()}
    resolved["changes"] = "; ".join(change.describe(lang) for change in changes)
    return _(message) % resolved


def _localized(value: JsonValue, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    if isinstance(value, list):
        return ", ".join(_localized(item, lang) for item in value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return format_day(dt.date.fromisoformat(value), lang)
    return "" if value is None else str(value)


def format_day(day: dt.date, lang: str) -> str:
    """ "2 décembre 2026" in French, "2 December 2026" in English (scripts read the JSON, with ISO dates)."""
    return str(format_date(day, "d MMMM y", locale="fr" if lang == "fr" else "en_GB"))


def find_obligations(
    old: Policy, new: Policy, changes: list[Change], *, effective: dt.date, today: dt.date
) -> list[Obligation]:
    """The obligations created by `changes` from `old` to `new`, with the delays of `new`."""
    return _Finder(old, new, changes, effective, today).find()


def _activity_of(change: Change) -> str | None:
    return change.subject if change.area == "activity" else change.activity


def _as_list(value: JsonValue) -> list[JsonValue]:
    return value if isinstance(value, list) else []


def _place(country_code: str) -> dict[str, JsonValue]:
    country = load_taxonomy().countries.get(country_code)
    if country is None:
        return {"fr": country_code, "en": country_code}
    return {"fr": country.name("fr"), "en": country.name("en")}


def _safeguard(key: str | None) -> dict[str, JsonValue]:
    term = load_taxonomy().safeguards.get(key or "")
    if term is not None:
        return {"fr": term.label.get("fr"), "en": term.label.get("en")}
    return {"fr": key or "aucune garantie déclarée", "en": key or "no safeguard declared"}


def needs_consent(policy: Policy, processor: str, client: Client) -> bool:
    """Whether `client`'s agreement demands its prior consent to `processor` as a new sub-processor.

    It does for any new sub-processor when its agreement says so
    (`subprocessors: consent`), and for one that processes data outside the
    EEA when it says so of transfers (`transfers: consent`).
    """
    if client.agreement.subprocessors == "consent":
        return True
    found = policy.processors.get(processor)
    if found is None or client.agreement.transfers != "consent":
        return False
    country = load_taxonomy().countries.get(found.data_location)
    return country is None or not country.eea


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

    def obligation(
        self,
        kind: ObligationKind,
        audience: Audience,
        subject: str,
        message: str,
        values: dict[str, JsonValue],
        changes: list[int] | None = None,
        **fields: Any,
    ) -> Obligation:
        """An obligation whose last day to act is the effective date unless given; its reason from `message`."""
        fields.setdefault("deadline", self.effective)
        acts_by = fields.get("opens") or fields["deadline"]
        indexes = changes or []
        reason = render_message(message, values, [self.changes[index] for index in indexes], "en")
        return Obligation(
            kind=kind,
            audience=audience,
            subject=subject,
            late=acts_by < self.today,
            reason=reason,
            message=message,
            values=values,
            changes=indexes,
            **fields,
        )

    def dates(self, **days: dt.date) -> dict[str, JsonValue]:
        return {key: day.isoformat() for key, day in days.items()}

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
            if processing:
                found.extend(self.clients_terms(key, processing))
            if not activities:
                message = N_("Record %(processor)s in the list of sub-processors; no activity uses it yet.")
                found.append(
                    self.obligation(
                        "register_update",
                        "supervisory_record",
                        key,
                        message,
                        {"processor": self.processor_label(key)},
                        citation=N_("Art. 30 GDPR"),
                    )
                )
        return found

    def clients_terms(self, key: str, activities: list[str]) -> list[Obligation]:
        """What each client's agreement asks for a new sub-processor: an objection window, or prior consent.

        Without declared clients, every client of the activities gets the
        policy's window. A client whose agreement demands consent to any new
        sub-processor, or to any transfer outside the EEA when this one
        processes data there (seed DPAs: "without the Client's prior and
        express consent"), is asked for it: its silence is not acceptance.
        """
        concerned = {
            client_key: client
            for client_key, client in self.new.clients.items()
            if set(self.new.client_activities(client)) & set(activities)
        }
        if not concerned:
            return [self.objection_window(key, activities, self.new.notices.subprocessor_objection_days, [])]
        consent: list[Client] = []
        windows: dict[int, list[Client]] = {}
        for client in concerned.values():
            if self.needs_consent(key, client):
                consent.append(client)
            else:
                days = client.agreement.objection_days
                windows.setdefault(self.new.notices.subprocessor_objection_days if days is None else days, []).append(
                    client
                )
        found = [
            self.objection_window(key, activities, days, [client.name for client in clients])
            for days, clients in sorted(windows.items(), reverse=True)
        ]
        if consent:
            found.append(self.consent_request(key, activities, [client.name for client in consent]))
        return found

    def needs_consent(self, key: str, client: Client) -> bool:
        return needs_consent(self.new, key, client)

    def objection_window(self, key: str, activities: list[str], days: int, clients: list[str]) -> Obligation:
        """Art. 28(2): clients hear of a new or replaced sub-processor N days before it starts, and may object.

        The window is the N days that end on the effective date: the notice
        goes out when it opens at the latest, and the change takes effect only
        when it has closed.
        """
        opens = self.effective - dt.timedelta(days=days)
        message = N_(
            "Notify the clients of %(activities)s of %(processor)s by %(opens)s, %(days)s days before it takes "
            "effect on %(effective)s; clients may object until then; silence is acceptance."
        )
        if clients:
            message = N_(
                "Notify %(clients)s (clients of %(activities)s) of %(processor)s by %(opens)s, %(days)s days "
                "before it takes effect on %(effective)s; they may object until then; silence is acceptance."
            )
        values: dict[str, JsonValue] = {
            "activities": list(activities),
            "clients": list(clients),
            "processor": self.processor_label(key),
            "days": days,
            **self.dates(opens=opens, effective=self.effective),
        }
        return self.obligation(
            "subprocessor_objection",
            "processor_clients",
            key,
            message,
            values,
            activities=activities,
            clients=clients,
            citation=N_("Art. 28(2) and 28(4) GDPR; data processing agreement, sub-processors clause"),
            opens=opens,
            deadline=self.effective,
        )

    def consent_request(self, key: str, activities: list[str], clients: list[str]) -> Obligation:
        """Art. 28(2): a client whose agreement demands it gives its prior written consent; silence is a refusal."""
        message = N_(
            "Obtain the prior written consent of %(clients)s (clients of %(activities)s) to %(processor)s before "
            "%(effective)s; their agreement requires it, and silence is not acceptance: without their consent, "
            "their data must not be entrusted to it."
        )
        values: dict[str, JsonValue] = {
            "activities": list(activities),
            "clients": list(clients),
            "processor": self.processor_label(key),
            **self.dates(effective=self.effective),
        }
        return self.obligation(
            "subprocessor_consent",
            "processor_clients",
            key,
            message,
            values,
            activities=activities,
            clients=clients,
            citation=N_("Art. 28(2) and 46 GDPR; data processing agreement, sub-processors and transfers clauses"),
        )

    def processor_label(self, key: str) -> dict[str, JsonValue]:
        """ "Brevo (France, safeguard: scc)" in each language."""
        processor = self.new.processors.get(key)
        if processor is None:
            return {"fr": f"le sous-traitant « {key} »", "en": f"sub-processor '{key}'"}
        place = _place(processor.data_location)
        if processor.safeguard is None:
            return {lang: f"{processor.name} ({place[lang]})" for lang in ("fr", "en")}
        labels = {}
        for lang in ("fr", "en"):
            _ = get_translations(lang).gettext
            values = {"name": processor.name, "country": place[lang], "safeguard": processor.safeguard}
            labels[lang] = _("%(name)s (%(country)s, safeguard: %(safeguard)s)") % values
        return dict(labels)

    # Controller activities

    def purpose_notices(self) -> list[Obligation]:
        """A new purpose or a wider use by a controller activity: the data subjects hear of it beforehand.

        A new recipient is a wider use: a sub-processor newly engaged for the
        activity (Art. 13(1)(e)), named with its country.
        """
        widened: dict[str, list[int]] = {}
        extra: dict[str, list[dict[str, JsonValue]]] = {}
        for index, change in enumerate(self.changes):
            activity = _activity_of(change)
            if activity and change.effect == "wider" and change.area != "sub_processor":
                widened.setdefault(activity, []).append(index)
        for key, activities in self.newly_engaged().items():
            for activity in self.controllers(activities):
                widened.setdefault(activity, [])
                label = self.processor_label(key)
                extra.setdefault(activity, []).append(
                    {lang: _new_recipient(lang) % {"recipient": label[lang]} for lang in ("fr", "en")}
                )
        for recipient, activities in self.new_transfers().items():
            for activity in activities:
                widened.setdefault(activity, [])
                text = self.transfers[recipient]
                extra.setdefault(activity, []).append(
                    {lang: _new_transfer(lang) % {"transfer": _describe(text, lang)} for lang in ("fr", "en")}
                )
        found = []
        for activity, indexes in widened.items():
            if self.role(activity) != "controller":
                continue
            more = extra.get(activity, [])
            reasons = {
                lang: "; ".join(
                    [*(self.changes[index].describe(lang) for index in indexes), *(str(item[lang]) for item in more)]
                )
                for lang in ("fr", "en")
            }
            message = N_(
                "Inform the data subjects of %(activity)s at least %(days)s days before %(effective)s: %(reasons)s."
            )
            values: dict[str, JsonValue] = {
                "activity": activity,
                "days": self.notice_days,
                "reasons": dict(reasons),
                **self.dates(effective=self.effective),
            }
            found.append(
                self.obligation(
                    "purpose_notice",
                    "data_subjects",
                    activity,
                    message,
                    values,
                    activities=[activity],
                    citation=N_("Art. 12(1), 13(3) and 14(4) GDPR; notices.purpose_change_notice_days"),
                    deadline=self.notice_deadline,
                )
            )
        return found

    def consents(self) -> list[Obligation]:
        """Art. 6(1)(a) and 7: processing based on consent starts once consent is given, and provable."""
        found: list[Obligation] = []
        for change in self.changes:
            activity = _activity_of(change)
            if activity is None or self.role(activity) != "controller" or change.kind == "removed":
                continue
            new_basis = change.area == "legal_basis" or (change.area == "activity" and change.kind == "added")
            if new_basis and self.new.activities[activity].legal_basis == "consent":
                message = N_(
                    "Collect the consent of each data subject of %(activity)s before processing from "
                    "%(effective)s, and keep its proof."
                )
                values: dict[str, JsonValue] = {"activity": activity, **self.dates(effective=self.effective)}
                found.append(
                    self.obligation(
                        "consent",
                        "data_subjects",
                        activity,
                        message,
                        values,
                        activities=[activity],
                        citation=N_("Art. 6(1)(a) and 7 GDPR"),
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
        they hear of it through the objection window (or give their consent).
        """
        found = []
        for recipient, activities in self.new_transfers().items():
            if not activities and self.transfers[recipient].activities:
                continue
            transfer = self.transfers[recipient]
            message = N_("The privacy notice must mention the transfer to %(transfer)s.")
            values: dict[str, JsonValue] = {"transfer": {lang: _describe(transfer, lang) for lang in ("fr", "en")}}
            found.append(
                self.obligation(
                    "transfer_notice",
                    "data_subjects",
                    recipient,
                    message,
                    values,
                    activities=activities,
                    citation=N_("Art. 13(1)(f) and 14(1)(f) GDPR"),
                    deadline=self.notice_deadline,
                )
            )
        return found

    # Contacts and the register

    def contact_updates(self) -> list[Obligation]:
        """Art. 13(1)(a)-(b): the notice says who the controller is and how to reach the DPO."""
        found: list[Obligation] = []
        for index, change in enumerate(self.changes):
            if change.area not in ("organisation", "contact") or change.subject == "security":
                continue
            citation = N_("Art. 13(1)(a)-(b) and 14(1)(a)-(b) GDPR")
            message = N_("Update the privacy notice and the register: %(changes)s.")
            if change.subject == "dpo":
                citation = N_("Art. 13(1)(a)-(b) and 14(1)(a)-(b) GDPR; Art. 37(7) GDPR")
                message = N_(
                    "Update the privacy notice and the register: %(changes)s. Communicate the DPO's contact "
                    "details to the supervisory authority."
                )
            found.append(
                self.obligation(
                    "notice_update", "data_subjects", change.subject, message, {}, [index], citation=citation
                )
            )
        return found

    def register_updates(self, noticed: set[str]) -> list[Obligation]:
        """Art. 30: the other changes of activities (narrower uses, removals, processor activities)."""
        pending: dict[str, list[int]] = {}
        for index, change in enumerate(self.changes):
            activity = _activity_of(change)
            # Sub-processors are handled above; one that leaves needs nothing.
            if activity is None or change.area == "sub_processor":
                continue
            if activity not in noticed or change.effect != "wider":
                pending.setdefault(activity, []).append(index)
        message = N_("Update the record of processing activities: %(changes)s.")
        return [
            self.obligation(
                "register_update",
                "supervisory_record",
                activity,
                message,
                {},
                indexes,
                activities=[activity],
                citation=N_("Art. 30 GDPR"),
            )
            for activity, indexes in pending.items()
        ]


def _new_recipient(lang: str) -> str:
    _ = get_translations(lang).gettext
    return _("new recipient: %(recipient)s")


def _new_transfer(lang: str) -> str:
    _ = get_translations(lang).gettext
    return _("new transfer to %(transfer)s")


def _describe(transfer: OutgoingTransfer, lang: str) -> str:
    """ "Zendesk Inc. in United States, safeguard: <label>", in `lang`."""
    _ = get_translations(lang).gettext
    place, safeguard = _place(transfer.country), _safeguard(transfer.safeguard)
    return _("%(recipient)s in %(country)s, safeguard: %(safeguard)s") % {
        "recipient": transfer.recipient,
        "country": place[lang],
        "safeguard": safeguard[lang],
    }
