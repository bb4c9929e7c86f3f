"""The changes between two versions of a policy, one per attribute that the register or the notice shows.

Each change says whether it widens the use of personal data (`effect`): more
data, people, recipients, time or purposes. The obligations depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, JsonValue

from registre.core.i18n import Lang, Localized, get_translations
from registre.core.policy.model import Activity, Contact, Policy, Recipient, Retention, SubProcessor, System

ChangeKind = Literal["added", "removed", "changed"]
Area = Literal[
    "organisation",
    "contact",
    "system",
    "dataset",
    "activity",
    "purpose",
    "sub_purpose",
    "legal_basis",
    "legitimate_interest",
    "data_category",
    "data_subject",
    "recipient",
    "sub_processor",
    "retention",
    "transfer",
]
Effect = Literal["wider", "narrower", "neutral"]

_NOUNS = {
    "purpose": "purpose",
    "sub_purpose": "sub-purpose",
    "legal_basis": "legal basis",
    "legitimate_interest": "legitimate interest",
    "data_category": "data category",
    "data_subject": "data subject",
    "dataset": "dataset",
    "recipient": "recipient",
    "sub_processor": "sub-processor",
    "retention": "retention",
}
_PROCESSOR_ATTRIBUTES = ("name", "country", "location", "purpose", "safeguard")
# A new name, country or location replaces the sub-processor that the clients accepted.
_IDENTITY = frozenset({"name", "country", "location"})

_Entry = TypeVar("_Entry")


class Change(BaseModel):
    """One difference between two versions; `before` and `after` are JSON values, None when absent.

    `subject` names what changed: the activity key for the changes of an
    activity (then also given as `activity`), else the sub-processor,
    transfer recipient, system, `system.dataset` or contact role.
    `attribute` tells which attribute changed when `area` does not.
    `summary` is the change in English.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: ChangeKind
    area: Area
    subject: str
    activity: str | None = None
    attribute: str | None = None
    before: JsonValue = None
    after: JsonValue = None
    effect: Effect = "neutral"
    summary: str = ""

    def describe(self, lang: Lang = "en") -> str:
        """The change in one line, in `lang`, with declared texts (purposes...) in `lang`."""
        _ = get_translations(lang).gettext
        label = self.label(lang)
        if self.kind == "changed":
            return _("%(label)s changed from %(before)s to %(after)s") % {
                "label": label,
                "before": _show(self.before, lang),
                "after": _show(self.after, lang),
            }
        if self.kind == "added":
            return _("%(label)s added: %(value)s") % {"label": label, "value": _show(self.after, lang)}
        return _("%(label)s removed: %(value)s") % {"label": label, "value": _show(self.before, lang)}

    def label(self, lang: Lang = "en") -> str:
        """What the change is about: `prospecting: retention keep`, `sub-processor 'brevo'`."""
        nouns, attributes = _nouns(lang), _attributes(lang)
        attribute = attributes.get(self.attribute or "", self.attribute)
        noun = " ".join(part for part in (nouns.get(self.area, "") if self.area in _NOUNS else "", attribute) if part)
        if self.activity is not None and self.area != "activity":
            return f"{self.activity}: {noun}"
        owner = _quoted(nouns.get(self.area, self.area.replace("_", "-")), self.subject, lang)
        return f"{owner} {attribute}" if attribute else owner


def _quoted(noun: str, name: str, lang: Lang) -> str:
    return f"{noun} « {name} »" if lang == "fr" else f"{noun} '{name}'"


def _nouns(lang: Lang) -> dict[str, str]:
    """The areas of a policy as words of `lang`."""
    _ = get_translations(lang).gettext
    return {
        "organisation": _("organisation"),
        "contact": _("contact"),
        "system": _("system"),
        "dataset": _("dataset"),
        "activity": _("activity"),
        "purpose": _("purpose"),
        "sub_purpose": _("sub-purpose"),
        "legal_basis": _("legal basis"),
        "legitimate_interest": _("legitimate interest"),
        "data_category": _("data category"),
        "data_subject": _("data subject"),
        "recipient": _("recipient"),
        "sub_processor": _("sub-processor"),
        "retention": _("retention"),
        "transfer": _("transfer"),
    }


def _attributes(lang: Lang) -> dict[str, str]:
    """The attributes a change can be about, as words of `lang` (English keeps the policy's keys)."""
    if lang == "en":
        return {}
    _ = get_translations(lang).gettext
    return {
        "keep": _("period"),
        "from": _("starting point"),
        "then": _("end of period"),
        "name": _("name"),
        "role": _("role"),
        "country": _("country"),
        "location": _("location of the data"),
        "purpose": _("purpose"),
        "safeguard": _("safeguard"),
        "table": _("table"),
        "activities": _("activities"),
    }


def _show(value: JsonValue, lang: Lang) -> str:
    """A JSON value as it reads in a summary."""
    if isinstance(value, dict):
        if "fr" in value or "en" in value:
            text = value.get(lang) or value.get("fr") or value.get("en")
            return f"« {text} »" if lang == "fr" else f"'{text}'"
        name, email = value.get("name"), value.get("email")
        if email is not None:
            return f"{_show(name, lang)} <{email}>" if name else str(email)
        where = value.get("country") or value.get("location")
        if name is None:
            return _show(list(value.values()), lang)
        return f"{_show(name, lang)} ({where})" if where else _show(name, lang)
    if isinstance(value, list):
        return ", ".join(_show(item, lang) for item in value)
    if value is None:
        return get_translations(lang).gettext("none")
    return str(value)


def find_changes(old: Policy, new: Policy) -> list[Change]:
    """The changes of the organisation, systems, activities and sub-processors (transfers apart)."""
    return [
        *_organisation_changes(old, new),
        *_system_changes(old, new),
        *_activity_changes(old, new),
        *_processor_changes(old, new),
    ]


def compare_values(
    area: Area,
    subject: str,
    before: JsonValue,
    after: JsonValue,
    *,
    attribute: str | None = None,
    activity: str | None = None,
    effect: Effect = "neutral",
) -> list[Change]:
    """A change if `before` differs from `after`: added or removed when one of them is None."""
    if before == after:
        return []
    kind: ChangeKind = "added" if before is None else "removed" if after is None else "changed"
    change = Change(
        kind=kind,
        area=area,
        subject=subject,
        activity=activity,
        attribute=attribute,
        before=before,
        after=after,
        effect=effect,
    )
    return [change.model_copy(update={"summary": change.describe("en")})]


def compare_entries(
    area: Area,
    old: Mapping[str, _Entry],
    new: Mapping[str, _Entry],
    describe: Callable[[str, _Entry], JsonValue],
    compare: Callable[[str, _Entry, _Entry], list[Change]],
    effects: tuple[Effect, Effect] = ("neutral", "neutral"),
) -> list[Change]:
    """Entries added (with effect `effects[0]`), removed (`effects[1]`), and `compare` for those kept."""
    changes: list[Change] = []
    for key in [*new, *(key for key in old if key not in new)]:
        if key not in old:
            changes += compare_values(area, key, None, describe(key, new[key]), effect=effects[0])
        elif key not in new:
            changes += compare_values(area, key, describe(key, old[key]), None, effect=effects[1])
        else:
            changes += compare(key, old[key], new[key])
    return changes


def _compare_items(
    area: Area, activity: str, before: Iterable[JsonValue], after: Iterable[JsonValue], *, neutral: bool = False
) -> list[Change]:
    """One change per item added to, or removed from, a list of an activity."""
    old, new = list(before), list(after)
    wider: Effect = "neutral" if neutral else "wider"
    narrower: Effect = "neutral" if neutral else "narrower"
    changes: list[Change] = []
    for item in new:
        if item not in old:
            changes += compare_values(area, activity, None, item, activity=activity, effect=wider)
    for item in old:
        if item not in new:
            changes += compare_values(area, activity, item, None, activity=activity, effect=narrower)
    return changes


# Values as they appear in changes


def _text(value: Localized | None) -> JsonValue:
    return {"fr": value.fr, "en": value.en} if value else None


def _contact(contact: Contact | None) -> JsonValue:
    return contact.model_dump(mode="json", exclude_none=True) if contact else None


def _recipient(recipient: Recipient) -> JsonValue:
    return {"name": _text(recipient.name), "type": recipient.type, "country": recipient.country}


def _processor(processor: SubProcessor) -> dict[str, JsonValue]:
    return {
        "name": processor.name,
        "country": processor.country,
        "location": processor.data_location,
        "purpose": _text(processor.purpose),
        "safeguard": processor.safeguard,
    }


def _subjects(policy: Policy, activity: Activity) -> list[str]:
    """The data subjects of an activity: those declared, then those of its datasets."""
    subjects = dict.fromkeys(activity.data_subjects)
    for reference in activity.datasets:
        dataset = policy.dataset(reference)
        if dataset is not None and dataset.subject:
            subjects[dataset.subject] = None
    return list(subjects)


# Comparisons


def _organisation_changes(old: Policy, new: Policy) -> list[Change]:
    before, after = old.organisation, new.organisation
    changes = compare_values("organisation", "name", before.name, after.name)
    for role in ("dpo", "requests", "security"):
        old_contact, new_contact = getattr(before.contacts, role), getattr(after.contacts, role)
        changes += compare_values("contact", role, _contact(old_contact), _contact(new_contact))
    representative = (_contact(before.representative), _contact(after.representative))
    return changes + compare_values("contact", "representative", *representative)


def _system_changes(old: Policy, new: Policy) -> list[Change]:
    def describe(key: str, system: System) -> JsonValue:
        return {"name": system.name or key, "location": system.location, "datasets": list(system.datasets)}

    def compare(key: str, before: System, after: System) -> list[Change]:
        changes = compare_values("system", key, before.location, after.location, attribute="location")
        return changes + compare_entries("dataset", _tables(key, before), _tables(key, after), _same, _table_change)

    return compare_entries("system", old.systems, new.systems, describe, compare)


def _tables(system_key: str, system: System) -> dict[str, str]:
    """The table of each dataset of a system, by `system.dataset`."""
    return {f"{system_key}.{name}": dataset.table_name(name) for name, dataset in system.datasets.items()}


def _same(_key: str, value: str) -> JsonValue:
    return value


def _table_change(reference: str, before: str, after: str) -> list[Change]:
    return compare_values("dataset", reference, before, after, attribute="table")


def _activity_changes(old: Policy, new: Policy) -> list[Change]:
    def describe(_key: str, activity: Activity) -> JsonValue:
        return {"name": _text(activity.name), "role": activity.role, "purpose": _text(activity.purpose)}

    def compare(key: str, before: Activity, after: Activity) -> list[Change]:
        return _compare_activity(key, (old, before), (new, after))

    return compare_entries("activity", old.activities, new.activities, describe, compare, ("wider", "narrower"))


def _compare_activity(key: str, old: tuple[Policy, Activity], new: tuple[Policy, Activity]) -> list[Change]:
    """Every attribute of an activity that the register or the notice shows."""
    (old_policy, before), (new_policy, after) = old, new
    to_controller: Effect = "wider" if after.role == "controller" else "neutral"
    changes = compare_values(
        "activity", key, before.role, after.role, attribute="role", activity=key, effect=to_controller
    )
    names = (_text(before.name), _text(after.name))
    changes += compare_values("activity", key, *names, attribute="name", activity=key)
    values: list[tuple[Area, JsonValue, JsonValue]] = [
        ("purpose", _text(before.purpose), _text(after.purpose)),
        ("legal_basis", before.legal_basis, after.legal_basis),
        ("legitimate_interest", _text(before.legitimate_interest), _text(after.legitimate_interest)),
    ]
    for area, old_value, new_value in values:
        changes += compare_values(area, key, old_value, new_value, activity=key, effect="wider")
    lists: list[tuple[Area, list[JsonValue], list[JsonValue]]] = [
        ("sub_purpose", [_text(p) for p in before.sub_purposes], [_text(p) for p in after.sub_purposes]),
        ("data_category", [*old_policy.activity_categories(before)], [*new_policy.activity_categories(after)]),
        ("data_subject", [*_subjects(old_policy, before)], [*_subjects(new_policy, after)]),
        ("recipient", [_recipient(r) for r in before.recipients], [_recipient(r) for r in after.recipients]),
        ("sub_processor", [*before.processors], [*after.processors]),
    ]
    for area, old_items, new_items in lists:
        changes += _compare_items(area, key, old_items, new_items)
    changes += _compare_items("dataset", key, before.datasets, after.datasets, neutral=True)
    return changes + _retention_changes(key, before.retention, after.retention)


def _retention_changes(key: str, before: Retention | None, after: Retention | None) -> list[Change]:
    """Keep, from and then, one change each. A longer limit, or none, widens the use."""
    if before is not None and after is not None:
        longer = after.keep.approximate_days() > before.keep.approximate_days()
        keep_effect: Effect = "wider" if longer else "narrower"
    else:
        keep_effect = "wider" if after is None else "narrower"
    changes = compare_values(
        "retention", key, _keep(before), _keep(after), attribute="keep", activity=key, effect=keep_effect
    )
    for attribute, old_value, new_value in (
        ("from", before.from_ if before else None, after.from_ if after else None),
        ("then", before.then if before else None, after.then if after else None),
    ):
        changes += compare_values("retention", key, old_value, new_value, attribute=attribute, activity=key)
    return changes


def _keep(retention: Retention | None) -> JsonValue:
    return str(retention.keep) if retention else None


def _processor_changes(old: Policy, new: Policy) -> list[Change]:
    def compare(key: str, before: SubProcessor, after: SubProcessor) -> list[Change]:
        old_values, new_values = _processor(before), _processor(after)
        return [
            change
            for attribute in _PROCESSOR_ATTRIBUTES
            for change in compare_values(
                "sub_processor",
                key,
                old_values[attribute],
                new_values[attribute],
                attribute=attribute,
                effect="wider" if attribute in _IDENTITY else "neutral",
            )
        ]

    processors = (old.processors, new.processors)
    return compare_entries(
        "sub_processor", *processors, lambda _key, entry: _processor(entry), compare, ("wider", "narrower")
    )
