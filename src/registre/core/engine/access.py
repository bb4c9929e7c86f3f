"""Access (Art. 15) and portability (Art. 20): the subject's rows, declared fields only, JSON-ready.

One `SELECT` per reached dataset, in a read-only transaction per system. A
row carries its key and the fields the policy declares (never an undeclared
column), each field with its data category; values are JSON-safe (dates in
ISO 8601, decimals as strings). Portability keeps only the datasets used by
an activity whose legal basis is consent or contract (Art. 20(1)(a)).

Rows that only name the person (mentions, see `mentions`) are disclosed
apart, as "mentioned in": each such row's key, the column naming the person
and the fields about them, never the rest of the owner's row (Art. 15(4)).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from registre.core.engine.anonymisation import pseudonym_key
from registre.core.engine.freetext import FreeTextField, text_condition
from registre.core.engine.mentions import MentionLink, disclosed_columns, mention_attribution, mention_condition
from registre.core.engine.request import Progress, Request, make_request
from registre.core.engine.subjects import Subject, check_subjects
from registre.core.engine.systems import SystemWork, open_system, policy_kinds, systems_reached
from registre.core.engine.texthits import text_hits
from registre.core.i18n import Localized
from registre.core.policy.model import Policy
from registre.core.sources.connection import SourceError, describe_error
from registre.core.taxonomy import load_taxonomy

JsonValue = str | int | float | bool | None
_PLAIN = frozenset({str, int, float, bool})


@dataclass(frozen=True)
class ExportedField:
    """A declared column of an exported dataset; `category` is None when it holds no personal data."""

    name: str
    category: str | None
    label: Localized | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "category": self.category, "label": _localized(self.label)}


@dataclass(frozen=True)
class DatasetExport:
    """The subject's rows of one dataset, with what a report needs to explain them.

    `activities` are the keys of the activities that use the dataset (their
    purposes, legal bases, recipients and retention are in the policy).
    """

    system: str
    dataset: str
    label: Localized | None
    key: str
    fields: tuple[ExportedField, ...]
    rows: tuple[dict[str, JsonValue], ...]
    activities: tuple[str, ...]
    portable: bool

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    @property
    def categories(self) -> list[str]:
        return list(dict.fromkeys(f.category for f in self.fields if f.category))

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "label": _localized(self.label),
            "key": self.key,
            "fields": [exported.to_dict() for exported in self.fields],
            "categories": self.categories,
            "activities": list(self.activities),
            "portable": self.portable,
            "rows": [dict(row) for row in self.rows],
        }


@dataclass(frozen=True)
class MentionExport:
    """The rows of a dataset owned by someone else that name the subject: `column` names them."""

    system: str
    dataset: str
    label: Localized | None
    key: str
    column: str
    fields: tuple[ExportedField, ...]
    rows: tuple[dict[str, JsonValue], ...]

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "label": _localized(self.label),
            "key": self.key,
            "column": self.column,
            "fields": [exported.to_dict() for exported in self.fields],
            "rows": [dict(row) for row in self.rows],
        }


@dataclass(frozen=True)
class AccessResult:
    """Everything found for one subject, by system and dataset; `errors` names the systems not read."""

    subject: str
    tenant: str | None
    today: dt.date
    portability: bool
    datasets: tuple[DatasetExport, ...]
    errors: dict[str, str] = field(default_factory=dict)
    mentions: tuple[MentionExport, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows(self) -> int:
        return sum(len(dataset.rows) for dataset in self.datasets)

    def by_system(self) -> dict[str, list[DatasetExport]]:
        systems: dict[str, list[DatasetExport]] = {}
        for dataset in self.datasets:
            systems.setdefault(dataset.system, []).append(dataset)
        return systems

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": "access",
            "subject": self.subject,
            "tenant": self.tenant,
            "today": self.today.isoformat(),
            "portability": self.portability,
            "errors": dict(self.errors),
            "systems": {
                system: {dataset.dataset: dataset.to_dict() for dataset in datasets}
                for system, datasets in self.by_system().items()
            },
            "mentioned_in": [mention.to_dict() for mention in self.mentions],
        }


def execute_access(
    policy: Policy,
    subject: Subject,
    *,
    tenant: str | None = None,
    portability: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    key: str | bytes | None = None,
) -> AccessResult:
    """The subject's data in every system (read-only). Raises SubjectError for an unknown identity type.

    `key` (default `$REGISTRE_PSEUDONYM_KEY`) finds, besides, the rows an
    erasure kept under a hold with the person's identity pseudonymised.
    """
    return execute_access_batch(
        policy, [subject], tenant=tenant, portability=portability, today=today, progress=progress, key=key
    )[subject.reference]


def execute_access_batch(
    policy: Policy,
    subjects: Sequence[Subject],
    *,
    tenant: str | None = None,
    portability: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    key: str | bytes | None = None,
) -> dict[str, AccessResult]:
    """`execute_access` for many subjects at once: one statement per dataset, results by subject reference."""
    request = make_request("access", subjects, tenant=tenant, today=today, portability=portability)
    check_subjects(policy_kinds(policy), request.subjects)
    exports: dict[str, list[DatasetExport]] = {subject.reference: [] for subject in request.subjects}
    mentions: dict[str, list[MentionExport]] = {subject.reference: [] for subject in request.subjects}
    errors: dict[str, str] = {}
    for name in systems_reached(policy, request):
        try:
            secret = pseudonym_key(key)
            with open_system(policy, name, request, write=False, progress=progress, key=secret) as work:
                for dataset in work.reached:
                    if portability and not is_portable(policy, work.reference(dataset)):
                        continue
                    for ref, export in export_dataset(work, dataset).items():
                        exports[ref].append(export)
                for link in [] if portability else work.template.mentions:
                    for ref, mention in export_mention(work, link).items():
                        mentions[ref].append(mention)
                for found in [] if portability else work.template.free_text:
                    for ref, mention in export_free_text_of(work, found).items():
                        mentions[ref].append(mention)
        except SourceError as error:
            errors[name] = str(error)
        except sa.exc.SQLAlchemyError as error:
            errors[name] = describe_error(error, policy.systems[name].url)
    return {ref: _result(request, ref, found, errors, mentions[ref]) for ref, found in exports.items()}


def _result(
    request: Request, ref: str, found: list[DatasetExport], errors: dict[str, str], mentions: list[MentionExport]
) -> AccessResult:
    return AccessResult(
        ref, request.tenant, request.today, request.portability, tuple(found), dict(errors), tuple(mentions)
    )


def is_portable(policy: Policy, reference: str) -> bool:
    """Whether an activity using dataset `reference` rests on a legal basis to which Art. 20 applies."""
    bases = load_taxonomy().legal_bases
    return any(
        activity.legal_basis in bases and bases[activity.legal_basis].portable
        for activity in policy.activities_using(reference).values()
    )


def access_statement(work: SystemWork, name: str) -> sa.Select[Any]:
    """`SELECT key, declared fields FROM dataset WHERE <subject>` (with the subject's reference for a batch)."""
    return work.template.statement(("access", name), lambda: _build_access(work, name))


def _build_access(work: SystemWork, name: str) -> sa.Select[Any]:
    dataset, table = work.dataset(name), work.table(name)
    names = list(dict.fromkeys([dataset.key, *dataset.fields]))
    missing = [column for column in names if column not in table.c]
    if missing:
        raise SourceError(f"{work.reference(name)}: declared column(s) {', '.join(missing)} missing from the table")
    columns = [table.c[column] for column in names]
    if not work.request.batch:
        condition = work.scope.condition(name)
        assert condition is not None, f"{name} is not reached"
        return sa.select(*columns).where(condition).order_by(table.c[dataset.key])
    paths = work.scope.owners(name)
    if len(paths) == 1:
        (path,) = paths
        subject_ref = path.subject_ref.label("subject_ref")
        selected = sa.select(subject_ref, *columns).select_from(path.joined).where(*path.conditions)
        return selected.order_by(subject_ref, table.c[dataset.key])
    owners = work.scope.attribution(name, dataset.key).subquery("owners")
    return (
        sa.select(owners.c.subject_ref, *columns)
        .select_from(table.join(owners, table.c[dataset.key] == owners.c.row_value))
        .order_by(owners.c.subject_ref, table.c[dataset.key])
    )


def export_dataset(work: SystemWork, name: str) -> dict[str, DatasetExport]:
    """Run the access statement of dataset `name`; an export per subject that has rows in it."""
    dataset = work.dataset(name)
    statement = access_statement(work, name)
    columns, fields, activities, portable = work.template.statement(("export", name), lambda: _describe(work, name))
    rows: dict[str, list[dict[str, JsonValue]]] = {}
    single = work.request.subjects[0].reference
    for record in work.rows(statement, f"read {name}"):
        row = record._mapping
        ref = row["subject_ref"] if work.request.batch else single
        rows.setdefault(ref, []).append({column: json_value(row[column]) for column in columns})
    return {
        ref: DatasetExport(work.name, name, dataset.label, dataset.key, fields, tuple(found), activities, portable)
        for ref, found in rows.items()
    }


def _describe(work: SystemWork, name: str) -> tuple[list[str], tuple[ExportedField, ...], tuple[str, ...], bool]:
    """The exported columns, fields, the activities using the dataset and whether it is portable."""
    dataset, reference = work.dataset(name), work.reference(name)
    columns = list(dict.fromkeys([dataset.key, *dataset.fields]))
    fields = tuple(ExportedField(n, spec.category, spec.label) for n, spec in dataset.fields.items())
    return columns, fields, tuple(work.policy.activities_using(reference)), is_portable(work.policy, reference)


def mention_statement(work: SystemWork, link: MentionLink) -> sa.Select[Any] | None:
    """`SELECT [subject_ref,] key, mention column, its fields FROM dataset WHERE <names the subject>`."""

    def build() -> sa.Select[Any] | None:
        dataset, table = work.dataset(link.dataset), work.table(link.dataset)
        columns = [table.c[name] for name in disclosed_columns(dataset, link)]
        if not work.request.batch:
            condition = mention_condition(work.scope, link)
            if condition is None:
                return None
            return sa.select(*columns).where(condition).order_by(table.c[dataset.key])
        joined, subject_ref, conditions = mention_attribution(work.scope, link)
        labelled = subject_ref.label("subject_ref")
        return (
            sa.select(labelled, *columns)
            .select_from(joined)
            .where(*conditions)
            .order_by(labelled, table.c[dataset.key])
        )

    return work.template.statement(("mention", link.dataset, link.column), build)


def export_mention(work: SystemWork, link: MentionLink) -> dict[str, MentionExport]:
    """Run the mention's statement; an export per subject that the dataset names."""
    statement = mention_statement(work, link)
    if statement is None:
        return {}
    dataset = work.dataset(link.dataset)
    names = disclosed_columns(dataset, link)
    fields = tuple(
        ExportedField(name, dataset.fields[name].category if name in dataset.fields else None,
                      dataset.fields[name].label if name in dataset.fields else None)
        for name in names
    )  # fmt: skip
    rows: dict[str, list[dict[str, JsonValue]]] = {}
    single = work.request.subjects[0].reference
    for record in work.rows(statement, f"read mentions in {link.dataset}"):
        row = record._mapping
        ref = row["subject_ref"] if work.request.batch else single
        rows.setdefault(ref, []).append({name: json_value(row[name]) for name in names})
    return {
        ref: MentionExport(work.name, link.dataset, dataset.label, dataset.key, link.column, fields, tuple(found))
        for ref, found in rows.items()
    }


def free_text_statement(work: SystemWork, found: FreeTextField) -> sa.Select[Any]:
    """`SELECT key, field FROM dataset WHERE lower(field) LIKE :text_1 OR ...` (one subject)."""

    def build() -> sa.Select[Any]:
        dataset, table = work.dataset(found.dataset), work.table(found.dataset)
        condition = text_condition(table, found, work.template.searched, work.scope.tenant_condition(found.dataset))
        key = table.c[dataset.key]
        return sa.select(key, table.c[found.field]).where(condition).order_by(key)

    return work.template.statement(("free text", found.dataset, found.field), build)


def export_free_text(work: SystemWork, found: FreeTextField) -> list[MentionExport]:
    """The rows whose free text names the subject, as a mention of the field (none: an empty list)."""
    dataset = work.dataset(found.dataset)
    result: Any = work.execute(free_text_statement(work, found), f"searched free text of {found.dataset}")
    rows = tuple({dataset.key: json_value(row[0]), found.field: json_value(row[1])} for row in result)
    if not rows:
        return []
    spec = dataset.fields[found.field]
    fields = (ExportedField(dataset.key, None), ExportedField(found.field, spec.category, spec.label))
    return [MentionExport(work.name, found.dataset, dataset.label, dataset.key, found.field, fields, rows)]


def export_free_text_of(work: SystemWork, found: FreeTextField) -> dict[str, MentionExport]:
    """The rows whose free text names each subject (one statement per field, for a batch too), by subject."""
    if not work.request.batch:
        exported = export_free_text(work, found)
        return {work.request.subjects[0].reference: exported[0]} if exported else {}
    dataset = work.dataset(found.dataset)
    rows: dict[str, list[dict[str, JsonValue]]] = {}
    for hit in sorted(text_hits(work, found), key=lambda hit: (hit.subject, str(hit.key))):
        rows.setdefault(hit.subject, []).append({dataset.key: json_value(hit.key), found.field: json_value(hit.text)})
    spec = dataset.fields[found.field]
    fields = (ExportedField(dataset.key, None), ExportedField(found.field, spec.category, spec.label))
    return {
        ref: MentionExport(work.name, found.dataset, dataset.label, dataset.key, found.field, fields, tuple(found_rows))
        for ref, found_rows in rows.items()
    }


def json_value(value: object) -> JsonValue:
    """A database value as JSON can hold it: ISO 8601 dates, decimals as text, bytes in hex."""
    if value is None or type(value) in _PLAIN:
        return value  # type: ignore[return-value]
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def _localized(text: Localized | None) -> dict[str, str | None] | None:
    return {"fr": text.fr, "en": text.en} if text else None
