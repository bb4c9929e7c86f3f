"""Mentions: a person named on a row that someone else owns.

An account names its main contact, a site its contact person, a contact
their manager, an intervention its technician: the row is the account's,
the site's owner's, the colleague's, the customer's, and only the column
(with the `fields` about that person) is about the one it names. A dataset
declares such columns under `mentions:`; they are never ownership:

- access discloses, for each row that names the person, the row's key, the
  mention's column and its fields, nothing else of the owner's row;
- erasure cuts the mention by its `erase` method (`nullify`, `pseudonymise`,
  `redact`, or `keep` the link and blank the fields) and leaves the row;
  rows of the naming dataset that a legal hold keeps are left as they are;
- restriction and rectification never reach them (they are not the
  person's rows).

The rows that name a subject are found in one statement per mention: the
mention's column `IN (SELECT target FROM person's dataset WHERE <subject>)`,
or, for a mention by identity, the identity comparison of `scope`. Mentions
are cut at the start of an erasure, while the person's rows still exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from registre.core.engine.anonymisation import REDACTED, AnonymisationError, still_personal
from registre.core.engine.holds import held_condition
from registre.core.engine.scope import BatchIdentities, SystemScope
from registre.core.policy.model import Dataset, Mention

Condition = sa.ColumnElement[bool]


@dataclass(frozen=True)
class MentionLink:
    """`dataset.column` names a person: the key `person.target` of their row, or an identity of type `identity`."""

    dataset: str
    column: str
    mention: Mention
    person: str | None
    target: str | None

    @property
    def identity(self) -> str | None:
        return self.mention.identity

    def __str__(self) -> str:
        named = f"{self.person}.{self.target}" if self.person else f"identity {self.identity}"
        return f"{self.dataset}.{self.column} names {named}"


def mention_links(datasets: Mapping[str, Dataset]) -> list[MentionLink]:
    """Every mention declared by the datasets of one system, in declaration order."""
    links = []
    for name, dataset in datasets.items():
        for column, mention in dataset.mentions.items():
            person, _, target = (mention.person or "").partition(".")
            links.append(MentionLink(name, column, mention, person or None, target or None))
    return links


def reached_mentions(
    datasets: Mapping[str, Dataset], reached: list[str], types: frozenset[str], tenant: str | None
) -> list[MentionLink]:
    """The mentions a request reaches: those naming rows of a reached dataset, or an identity type it gives."""
    found = []
    for link in mention_links(datasets):
        if (datasets[link.dataset].tenant is not None) != (tenant is not None):
            continue
        if (link.person is not None and link.person in reached) or (
            link.identity is not None and link.identity in types
        ):
            found.append(link)
    return found


def mention_condition(scope: SystemScope, link: MentionLink) -> Condition | None:
    """True for the rows of `link.dataset` that name a subject of the request; None when none can."""
    table = scope.tables[link.dataset]
    column = table.c[link.column]
    keys = _person_keys(scope, link)
    if keys is not None:
        named: Condition = column.in_(sa.select(keys.c.row_key))
    elif link.person is not None and link.target is not None:
        # The person's rows read on aliases, through a derived table: MariaDB refuses a subquery on the
        # table being updated (a manager named on a colleague's row) unless it is materialised.
        aliased = scope.aliased()
        parent_condition = aliased.condition(link.person)
        if parent_condition is None:
            return None
        parent = aliased.tables[link.person]
        people = sa.select(parent.c[link.target].label("person")).where(parent_condition).subquery()
        named = column.in_(sa.select(people.c.person))
    elif link.identity is not None and link.identity in scope.identities.types:
        named = scope.identities.match(column, link.identity)
    else:
        return None
    tenant = scope.tenant_condition(link.dataset)
    return named if tenant is None else sa.and_(tenant, named)


def mention_attribution(
    scope: SystemScope, link: MentionLink
) -> tuple[sa.FromClause, sa.ColumnElement[str], list[Condition]]:
    """For a batch: the naming dataset joined to the subjects it names, the subject's reference, and conditions."""
    identities = scope.identities
    if not isinstance(identities, BatchIdentities):
        raise TypeError("attributing mentions needs a batch of identities")
    table = scope.tables[link.dataset]
    tenant = scope.tenant_condition(link.dataset)
    conditions = [] if tenant is None else [tenant]
    if link.person is not None and link.target is not None:
        owners = scope.attribution(link.person, link.target).subquery()
        return table.join(owners, table.c[link.column] == owners.c.row_value), owners.c.subject_ref, conditions
    assert link.identity is not None
    batch = identities.table
    joined = table.join(batch, identities.equals(table.c[link.column], link.identity))
    return joined, batch.c.subject_ref, [batch.c.identity_type == link.identity, *conditions]


def mention_pseudonym(scope: SystemScope, link: MentionLink) -> sa.ColumnElement[Any]:
    """The pseudonym of the person a row names: the bound `pseudonym` (one subject), per row for a batch."""
    identities = scope.identities
    if not isinstance(identities, BatchIdentities):
        return sa.bindparam("pseudonym", type_=sa.String())
    table, batch = scope.tables[link.dataset], identities.table
    keys = _person_keys(scope, link)
    if keys is not None:
        by_key = sa.select(sa.func.min(keys.c.pseudonym)).where(keys.c.row_key == table.c[link.column])
        return by_key.correlate(table).scalar_subquery()
    if link.person is not None and link.target is not None:
        aliased = scope.aliased()
        parent = aliased.tables[link.person]
        return (
            sa.select(sa.func.min(aliased.pseudonym(link.person)))
            .select_from(parent)
            .where(parent.c[link.target] == table.c[link.column])
            .correlate(table)
            .scalar_subquery()
        )
    assert link.identity is not None
    return (
        sa.select(sa.func.min(batch.c.pseudonym))
        .where(batch.c.identity_type == link.identity, identities.equals(table.c[link.column], link.identity))
        .correlate(table)
        .scalar_subquery()
    )


def cut_values(
    table: sa.Table, dataset: Dataset, link: MentionLink, pseudonym: sa.ColumnElement[Any]
) -> dict[str, sa.ColumnElement[Any]]:
    """The new value of each column of the mention, by its `erase` method.

    The column holding a person's key is set to NULL (every method but
    `keep`, which leaves it); text columns get the pseudonym or the redaction
    marker as the method says; any other column NULL. Raises
    AnonymisationError for a NOT NULL column that the method would set to NULL.
    """
    method = link.mention.erase
    values: dict[str, sa.ColumnElement[Any]] = {}
    for name in link.mention.columns(link.column):
        column = table.c[name]
        if name == link.column and link.person is not None:
            if method == "keep":
                continue
            values[name] = _null(column, dataset, link)
        elif isinstance(column.type, sa.String) and method == "pseudonymise":
            length = getattr(column.type, "length", None) or 64
            values[name] = pseudonym if length >= 64 else sa.func.substr(pseudonym, 1, length)
        elif isinstance(column.type, sa.String) and (method == "redact" or not column.nullable):
            length = getattr(column.type, "length", None) or len(REDACTED)
            values[name] = sa.bindparam(f"{name}_mention_redacted", REDACTED[:length], type_=column.type)
        else:
            values[name] = _null(column, dataset, link)
    return values


def _null(column: sa.Column[Any], dataset: Dataset, link: MentionLink) -> sa.ColumnElement[Any]:
    if not column.nullable:
        raise AnonymisationError(
            f"{link.dataset}.{column.name} is NOT NULL: the mention {link.column} cannot be cut by "
            f"{link.mention.erase} (declare erase: keep, or redact for text)"
        )
    return sa.null()


def cut_statement(scope: SystemScope, dataset: Dataset, link: MentionLink, rules: list[Any]) -> sa.Update | None:
    """`UPDATE dataset SET <cut values> WHERE <names the subject> AND NOT <held> AND <not yet cut>`."""
    condition = mention_condition(scope, link)
    if condition is None:
        return None
    table = scope.tables[link.dataset]
    values = cut_values(table, dataset, link, mention_pseudonym(scope, link))
    if not values:
        return None
    held = held_condition(table, rules, link.dataset)
    kept = [] if held is None else [sa.not_(held)]
    return sa.update(table).where(condition, *kept, still_personal(table, values)).values(values)


def disclosed_columns(dataset: Dataset, link: MentionLink) -> list[str]:
    """The columns an access discloses for a mention: the row's key, the mention's column and its fields."""
    return list(dict.fromkeys([dataset.key, *link.mention.columns(link.column)]))


def _person_keys(scope: SystemScope, link: MentionLink) -> sa.Table | None:
    """The resolved keys of the rows of the person a mention names by reference, when the batch holds them all."""
    if link.person is None or link.target is None:
        return None
    return scope.found_keys(link.person, link.target)
