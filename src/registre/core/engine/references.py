"""How the datasets of one system point at each other, and in which order they are erased.

A declared reference `invoices.contact_id -> contacts.id` makes a contact's
invoices part of the contact's data: the engine follows references from the
referenced dataset (the parent) to the referencing one (the child), never
the other way (a contact's company is not the contact's data). References
that would close a cycle (a table pointing at itself, or a loop through
several tables) are not followed: the link that closes the loop, in
declaration order, is set aside and reported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from registre.core.policy.model import Dataset


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
