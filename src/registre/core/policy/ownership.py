"""Whose row is it: the references between the datasets of a system, and what `registre check` says of them.

A declared reference `tickets.contact_id -> contacts.id` makes a contact's
tickets part of the contact's data (ownership): requests follow references
from the referenced dataset (the parent) to the referencing one (the child),
never the other way (a contact's company is not the contact's data). A
column that only names a person on a row someone else owns is a mention
(`mentions:`), not a reference: it is never followed.

References that would close a cycle (a table pointing at itself, or a loop
through several tables) are not followed: the link that closes the loop, in
declaration order, is set aside, and `registre check` reports it with the
path kept. A dataset owned through parents of different data subjects on
separate paths (an intervention under its customer and under its
technician) is ambiguous: one of them is most likely a mention.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from registre.core.policy.composer import PathKey
from registre.core.policy.model import Dataset, Policy


@dataclass(frozen=True)
class Link:
    """`child.column` holds values of `parent.target`."""

    child: str
    column: str
    parent: str
    target: str

    def __str__(self) -> str:
        return f"{self.child}.{self.column} -> {self.parent}.{self.target}"


class SystemGraph:
    """The references between the datasets of one system, as a graph without cycles."""

    def __init__(self, datasets: Mapping[str, Dataset]) -> None:
        self.datasets = dict(datasets)
        self.links: list[Link] = []
        self.cut: list[Link] = []
        for child, dataset in datasets.items():
            for column, target in dataset.references.items():
                parent, _, target_column = target.partition(".")
                if parent in datasets:
                    self._add(Link(child, column, parent, target_column))

    def _add(self, link: Link) -> None:
        # A link child -> parent closes a cycle when the parent already reaches the child.
        if link.parent == link.child or link.child in self.ancestors(link.parent):
            self.cut.append(link)
        else:
            self.links.append(link)

    def parents_of(self, name: str) -> list[Link]:
        return [link for link in self.links if link.child == name]

    def children_of(self, name: str) -> list[Link]:
        return [link for link in self.links if link.parent == name]

    def ancestors(self, name: str) -> set[str]:
        """Every dataset that `name` reaches by following references to parents."""
        seen: set[str] = set()
        pending = [name]
        while pending:
            for link in self.parents_of(pending.pop()):
                if link.parent not in seen:
                    seen.add(link.parent)
                    pending.append(link.parent)
        return seen

    def path(self, start: str, end: str) -> list[str]:
        """The datasets from `start` up to its ancestor `end` along followed links (empty if none)."""
        if start == end:
            return [start]
        for link in self.parents_of(start):
            rest = self.path(link.parent, end)
            if rest:
                return [start, *rest]
        return []

    def erasure_order(self) -> list[str]:
        """Every dataset, children before parents, else in declaration order.

        Deleting a child first keeps foreign keys valid, and the child's rows
        are found through their parent while the parent still holds the
        identity values.
        1. Repeat: take, in declaration order, the first dataset none of whose
           children is still waiting.
        2. Until every dataset is taken (the graph has no cycle, so one always can be).
        """
        waiting = list(self.datasets)
        order: list[str] = []
        while waiting:
            ready = next(name for name in waiting if not any(link.child in waiting for link in self.children_of(name)))
            order.append(ready)
            waiting.remove(ready)
        return order

    def owners_of(self, name: str) -> dict[str, str]:
        """For an ambiguous dataset, each parent on a separate path with its data subject; else empty.

        Parents that another parent reaches are on the same path (an
        intervention's site belongs to its customer). Among the others, two
        with different declared subjects make the ownership ambiguous.
        """
        parents = list(dict.fromkeys(link.parent for link in self.parents_of(name)))
        separate = [p for p in parents if not any(p in self.ancestors(other) for other in parents if other != p)]
        subjects = {p: self.datasets[p].subject for p in separate}
        known = {p: s for p, s in subjects.items() if s is not None}
        return known if len(set(known.values())) > 1 else {}


Finding = tuple[PathKey, str, str]


def ownership_findings(policy: Policy) -> list[Finding]:
    """Warnings about references: cycles not followed (with the path kept) and ambiguous ownership.

    Each is (path in the policy, message, rule code); `check --strict` fails on them.
    """
    findings: list[Finding] = []
    for system_name, system in policy.systems.items():
        graph = SystemGraph(system.datasets)
        for link in graph.cut:
            path: PathKey = ("systems", system_name, "datasets", link.child, "references", link.column)
            if link.child == link.parent:
                message = f"{system_name}.{link} refers to its own dataset: not followed as ownership"
            else:
                kept = " -> ".join(graph.path(link.parent, link.child)) or link.parent
                message = f"{system_name}.{link} closes a cycle: not followed; ownership follows {kept}"
            hint = f"; if {link.column} only names a person, declare it under mentions:"
            findings.append((path, message + hint, "reference-cycle"))
        for name in system.datasets:
            owners = graph.owners_of(name)
            if owners:
                described = ", ".join(f"{parent} (subject {subject})" for parent, subject in owners.items())
                findings.append(
                    (
                        ("systems", system_name, "datasets", name, "references"),
                        f"{system_name}.{name} is owned through {described} on separate paths: declare the "
                        "column that only names a person under mentions:",
                        "ownership",
                    )
                )
    return findings


def mention_findings(policy: Policy) -> list[Finding]:
    """Errors in `mentions:`: a person that is no dataset's column, fields or identity types not declared."""
    findings: list[Finding] = []
    declared_types = set(policy.identities) | {t for *_, d in policy.iter_datasets() for t in d.identity}
    for system_name, system in policy.systems.items():
        for name, dataset in system.datasets.items():
            for column, mention in dataset.mentions.items():
                path: PathKey = ("systems", system_name, "datasets", name, "mentions", column)
                findings += [(path, m, "mention") for m in _mention_problems(system.datasets, name, column, dataset)]
                if mention.identity is not None and mention.identity not in declared_types:
                    message = f"mention {column} names identity type {mention.identity!r}, which no dataset declares"
                    findings.append((path, message, "mention"))
    return findings


def _mention_problems(datasets: Mapping[str, Dataset], name: str, column: str, dataset: Dataset) -> list[str]:
    mention = dataset.mentions[column]
    known = {*dataset.fields, dataset.key}
    problems = [
        f"mention column {f!r} is not a declared field of {name}" for f in mention.columns(column) if f not in known
    ]
    if column in dataset.references:
        problems.append(f"{column} is both a reference (ownership) and a mention: declare it once")
    if mention.person is not None:
        parent, _, target = mention.person.partition(".")
        if parent not in datasets or not target:
            problems.append(f"mention {column} names {mention.person!r}: write dataset.column of the same system")
        elif target not in {*datasets[parent].fields, datasets[parent].key}:
            problems.append(f"mention {column} names {mention.person!r}: {target} is not a declared field of {parent}")
    return problems
