"""The data map: which systems hold which personal data, how it is found, and who uses it.

Built from the policy alone (no connection): systems, then their datasets,
then every declared column with its data category and labels, its role in
finding a data subject (identity, key, tenant, reference), and the activities
that use each dataset. `inspect_drift` says whether the databases still match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registre.core.i18n import Localized
from registre.core.policy.model import Activity, Dataset, FieldSpec, Hold, Policy, System
from registre.core.sources.connection import display_url
from registre.core.taxonomy import LegalReference, load_taxonomy


@dataclass(frozen=True)
class MappedField:
    """A declared column of a dataset; `category` is None when it holds no personal data."""

    name: str
    category: str | None = None
    category_label: Localized | None = None
    required: bool = False
    type: str | None = None
    identity: list[str] = field(default_factory=list)
    key: bool = False
    tenant: bool = False
    references: str | None = None
    anonymize: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "category": self.category,
            "category_label": _localized(self.category_label),
            "required": self.required,
            "type": self.type,
            "identity": list(self.identity),
            "key": self.key,
            "tenant": self.tenant,
            "references": self.references,
            "anonymize": self.anonymize,
        }


@dataclass(frozen=True)
class MappedActivity:
    """An activity that uses a dataset."""

    key: str
    name: Localized
    role: str

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": _localized(self.name), "role": self.role}


@dataclass(frozen=True)
class MappedDataset:
    """A dataset: its table, whose data it holds, how it is erased, what it must keep, and its users."""

    reference: str
    table: str
    schema: str | None
    label: Localized | None
    subject: str | None
    fields: list[MappedField]
    erase: str
    restrict: str | None = None
    holds: list[dict[str, Any]] = field(default_factory=list)
    activities: list[MappedActivity] = field(default_factory=list)

    @property
    def categories(self) -> list[str]:
        """The data categories of its columns, in declaration order."""
        return list(dict.fromkeys(f.category for f in self.fields if f.category))

    def to_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "table": self.table,
            "schema": self.schema,
            "label": _localized(self.label),
            "subject": self.subject,
            "categories": self.categories,
            "fields": [mapped.to_dict() for mapped in self.fields],
            "erase": self.erase,
            "restrict": self.restrict,
            "holds": [dict(hold) for hold in self.holds],
            "activities": [activity.to_dict() for activity in self.activities],
        }


@dataclass(frozen=True)
class MappedSystem:
    """A system and its datasets; `url` has its password hidden."""

    key: str
    name: str | None
    url: str
    location: str
    host: str | None
    datasets: list[MappedDataset]

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "url": self.url,
            "location": self.location,
            "host": self.host,
            "datasets": [dataset.to_dict() for dataset in self.datasets],
        }


@dataclass(frozen=True)
class DataMap:
    systems: list[MappedSystem]

    def dataset(self, reference: str) -> MappedDataset | None:
        """The dataset named `system.dataset`, or None."""
        return next((d for s in self.systems for d in s.datasets if d.reference == reference), None)

    def to_dict(self) -> dict[str, Any]:
        return {"systems": [system.to_dict() for system in self.systems]}


@dataclass(frozen=True)
class _Vocabulary:
    category_labels: dict[str, Localized]
    legal_references: dict[str, LegalReference]


def build_data_map(policy: Policy) -> DataMap:
    """The map of every system, dataset and declared column of `policy`, in declaration order.

    Category labels come from the taxonomy, or from the policy's own
    categories; an unknown category keeps its key with no label (`registre
    check` reports it).
    """
    taxonomy = load_taxonomy()
    labels = {key: category.label for key, category in taxonomy.data_categories.items()}
    labels.update({key: category.label for key, category in policy.categories.items()})
    vocabulary = _Vocabulary(labels, taxonomy.legal_references)
    return DataMap([_map_system(key, system, policy, vocabulary) for key, system in policy.systems.items()])


def _map_system(key: str, system: System, policy: Policy, vocabulary: _Vocabulary) -> MappedSystem:
    datasets = [
        _map_dataset(f"{key}.{name}", name, dataset, policy.activities_using(f"{key}.{name}"), vocabulary)
        for name, dataset in system.datasets.items()
    ]
    return MappedSystem(key, system.name, display_url(system.url), system.location, system.host, datasets)


def _map_dataset(
    reference: str, name: str, dataset: Dataset, users: dict[str, Activity], vocabulary: _Vocabulary
) -> MappedDataset:
    # Columns named only as identity, key, tenant, reference or hold anchor are part of the map too.
    others = sorted(dataset.declared_columns() - set(dataset.fields))
    columns = [*dataset.fields.items(), *((column, FieldSpec()) for column in others)]
    return MappedDataset(
        reference=reference,
        table=dataset.table_name(name),
        schema=dataset.schema_,
        label=dataset.label,
        subject=dataset.subject,
        fields=[_map_field(column, spec, dataset, vocabulary.category_labels) for column, spec in columns],
        erase=dataset.erase,
        restrict=dataset.restrict,
        holds=[_describe_hold(hold, vocabulary.legal_references) for hold in dataset.holds],
        activities=[MappedActivity(key, activity.name, activity.role) for key, activity in users.items()],
    )


def _map_field(column: str, spec: FieldSpec, dataset: Dataset, labels: dict[str, Localized]) -> MappedField:
    return MappedField(
        name=column,
        category=spec.category,
        category_label=labels.get(spec.category) if spec.category else None,
        required=spec.required,
        type=spec.type,
        identity=[kind for kind, identity_column in dataset.identity.items() if identity_column == column],
        key=column == dataset.key,
        tenant=column == dataset.tenant,
        references=dataset.references.get(column),
        anonymize=spec.anonymize,
    )


def _describe_hold(hold: Hold, legal_references: dict[str, LegalReference]) -> dict[str, Any]:
    """A hold with its basis and duration; both default to those of the legal reference it cites."""
    legal = legal_references.get(hold.reference) if hold.reference else None
    keep = str(hold.keep) if hold.keep else (legal.keep if legal else None)
    return {
        "reference": hold.reference,
        "citation": legal.citation if legal else None,
        "basis": _localized(hold.basis or (legal.label if legal else None)),
        "keep": keep,
        "from": hold.from_,
    }


def _localized(text: Localized | None) -> dict[str, str | None] | None:
    return {"fr": text.fr, "en": text.en} if text else None
