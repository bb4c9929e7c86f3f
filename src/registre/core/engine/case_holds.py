"""Case holds: rows that staff keep beyond their retention, for a litigation or an authority's request.

A case hold names a data subject (their rows in the controller's datasets,
found as the engine finds them for a rights request), a client tenant (every
row of that tenant in the processor datasets), or both (the subject's rows
in that tenant's datasets). Staff place and lift them in the console or
with `registre holds`; the core receives those in force, wherever the
request comes from: plans and execution of erasure (an erasure request, and
the erase part of an objection or of a withdrawal of consent), retention
plans, sweeps and their forecast, and tenant deletion. Art. 17(3)(e) GDPR:
erasure does not apply where processing is necessary for the
establishment, exercise or defence of legal claims; the same need stops the
storage limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from registre.core.engine.scope import BoundIdentities, SystemScope
from registre.core.engine.subjects import (
    DEFAULT_COUNTRY,
    Identity,
    Subject,
    check_subjects,
    identity_kinds,
    match_values,
)
from registre.core.policy.model import Dataset, Policy

Condition = sa.ColumnElement[bool]


@dataclass(frozen=True)
class CaseHold:
    """A hold placed by staff on a subject, a client tenant, or a subject within a tenant.

    `reference` names the case in reports (a file number; never personal data).
    """

    subject: Subject | None = None
    tenant: str | None = None
    reference: str | None = None
    key: int | None = None  # the hold's number where it is recorded (the application database)
    # A restriction at the person's request (Art. 18) recorded by Registre, for datasets that have no flag
    # column to carry it: the rows are kept as under a case hold (Art. 18(2): only stored), its reference
    # saying why (the ground of Art. 18(1)).
    restriction: bool = False

    def __post_init__(self) -> None:
        if self.subject is None and not self.tenant:
            raise ValueError("a case hold names a subject, a client tenant, or both")

    @classmethod
    def recorded(
        cls, key: int, identities: Iterable[tuple[str, str]], *, tenant: str, reference: str, restriction: bool
    ) -> CaseHold:
        """The hold numbered `key` where it is recorded: on every one of `identities` (type, value), a tenant
        ("" for none), or both. Its subject goes by `h-KEY`, so that reports never show the identities."""
        found = [Identity(kind, value) for kind, value in identities]
        subject = Subject.of(*found, reference=f"h-{key}") if found else None
        return cls(subject=subject, tenant=tenant or None, reference=reference, key=key, restriction=restriction)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject.reference if self.subject else None,
            "tenant": self.tenant,
            "reference": self.reference,
            **({"restriction": True} if self.restriction else {}),
        }


def covering_hold(
    holds: Iterable[CaseHold],
    subjects: Sequence[Subject],
    tenant: str | None = None,
    kinds: Mapping[str, str | None] | None = None,
    country: str = DEFAULT_COUNTRY,
) -> CaseHold | None:
    """The first hold that covers one of `subjects` (in `tenant`), or None.

    A hold on a subject matches when any of its identities is one of any
    subject's (every identity counts, not only the first), compared in the
    normal form of its type (`kinds`, see `identity_kinds`: `Ada@Example.org`
    is `ada@example.org`, `06 12 34 56 78` is `+33612345678`); a hold on a
    tenant matches a request about that tenant's data; a hold on both needs
    both. What stops an erasure (Art. 17(3)(e)) in the console, the API and
    on the command line alike.
    """
    known = kinds or {}

    def normal(identity: Identity) -> tuple[str, str]:
        return identity.type, match_values(identity, known.get(identity.type), country)[0]

    wanted = {normal(identity) for subject in subjects for identity in subject.identities}
    for hold in holds:
        held = {normal(identity) for identity in hold.subject.identities} if hold.subject else set()
        subject_matches = hold.subject is None or bool(held & wanted)
        tenant_matches = not hold.tenant or hold.tenant == tenant
        if subject_matches and tenant_matches:
            return hold
    return None


@dataclass(frozen=True)
class HeldSubject:
    """A subject of a request that a case hold covers: none of their rows is erased while it lasts."""

    subject: str
    hold: CaseHold

    def to_dict(self) -> dict[str, Any]:
        return {"subject": self.subject, "hold": self.hold.reference, "key": self.hold.key}


def separate_held(
    policy: Policy, subjects: Sequence[Subject], holds: Sequence[CaseHold], tenant: str | None = None
) -> tuple[list[Subject], list[HeldSubject]]:
    """The subjects no case hold covers, in order, and those one does, with the hold (see `covering_hold`)."""
    free: list[Subject] = []
    held: list[HeldSubject] = []
    kinds, country = identity_kinds(policy), policy.organisation.country
    for subject in subjects:
        hold = covering_hold(holds, [subject], tenant, kinds, country) if holds else None
        if hold is None:
            free.append(subject)
        else:
            held.append(HeldSubject(subject.reference, hold))
    return free, held


def check_case_holds(policy: Policy, holds: Iterable[CaseHold]) -> None:
    """Raise SubjectError when a held subject has an identity type that the policy does not declare."""
    check_subjects(identity_kinds(policy), [hold.subject for hold in holds if hold.subject is not None])


class _Identities:
    """The identity values of held subjects as SQL, each value bound to the statement (engine's IdentitySource)."""

    def __init__(self, values: Mapping[str, list[str]]) -> None:
        self.values = values
        self.types = frozenset(values)

    def match(self, column: sa.Column[Any], identity_type: str) -> Condition:
        return column.in_(self.values[identity_type])


class _TenantScope(SystemScope):
    """The engine's scope, with the tenant value bound to the statement instead of named as a parameter."""

    def tenant_condition(self, name: str) -> Condition | None:
        column = self.datasets[name].tenant
        if self.tenant is None or column is None:
            return None
        return self.tables[name].c[column] == self.tenant


class CaseHoldConditions:
    """The rows of each dataset of one system that case holds cover, as SQL conditions with bound values."""

    def __init__(
        self, policy: Policy, datasets: Mapping[str, Dataset], tables: Mapping[str, sa.Table], holds: Sequence[CaseHold]
    ) -> None:
        self.datasets = dict(datasets)
        self.tables = dict(tables)
        self.tenants = sorted({hold.tenant for hold in holds if hold.tenant and hold.subject is None})
        kinds = identity_kinds(policy)
        groups: dict[str | None, list[Subject]] = {}
        for hold in holds:
            if hold.subject is not None:
                groups.setdefault(hold.tenant or None, []).append(hold.subject)
        country = policy.organisation.country
        self.identities = {
            tenant: _Identities(BoundIdentities.values_of(found, kinds, country)) for tenant, found in groups.items()
        }

    def condition(self, name: str, row: sa.FromClause) -> Condition | None:
        """True for the rows of `row` (dataset `name`'s table, or an alias of it) that a case hold covers.

        1. A tenant hold: `tenant IN (held tenants)`, for a processor dataset.
        2. Subject holds, grouped by tenant: the engine's condition for those
           subjects (identity columns, then references to their rows), built
           on fresh aliases of the other tables so that it can sit in any
           subquery.
        Not two-valued: a NULL identity column makes it unknown (see `due.certainly`).
        """
        dataset = self.datasets[name]
        parts: list[Condition] = []
        if self.tenants and dataset.tenant is not None:
            parts.append(row.c[dataset.tenant].in_(self.tenants))
        for tenant, identities in self.identities.items():
            tables = {other: row if other == name else table.alias() for other, table in self.tables.items()}
            scope = _TenantScope(self.datasets, tables, identities, tenant)  # type: ignore[arg-type]
            found = scope.condition(name)
            if found is not None:
                parts.append(found)
        return sa.or_(*parts) if parts else None
