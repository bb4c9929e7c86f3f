"""Chains of declared references between the datasets of one system, followed in either direction.

A retention rule may count from a date held in another dataset: contract
management keeps a customer's account five years after the end of its
contracts (`customers ← contracts.customer_id`), support keeps a contact one
year after its tickets are closed (`contacts ← tickets.contact_id`). The
rows of the two datasets are related by the shortest chain of declared
references between them: upwards (a row to the row it references) or
downwards (a row to the rows that reference it).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass

from registre.core.policy.model import Dataset


@dataclass(frozen=True)
class Hop:
    """One step of a chain: the rows of `target` whose `target_column` equals `source_column` of a `source` row."""

    source: str
    source_column: str
    target: str
    target_column: str

    def __str__(self) -> str:
        return f"{self.source}.{self.source_column} = {self.target}.{self.target_column}"


def describe_path(path: tuple[Hop, ...]) -> str:
    """`contacts.customer_id = customers.id, customers.id = contracts.customer_id`."""
    return ", ".join(str(hop) for hop in path)


def reference_path(datasets: Mapping[str, Dataset], start: str, goal: str) -> tuple[Hop, ...] | None:
    """The shortest chain of references from `start` to `goal` (empty when they are the same); None if none.

    Breadth-first: every chain of the fewest steps is a candidate, and the
    first found wins, following references in the order they are declared
    (a dataset's own references, then those pointing at it). References to
    a dataset the system does not declare, and a dataset's references to
    itself, are not followed.
    """
    if start == goal:
        return ()
    previous: dict[str, Hop] = {}
    pending = deque([start])
    while pending:
        current = pending.popleft()
        for hop in _hops_from(datasets, current):
            if hop.target == start or hop.target in previous:
                continue
            previous[hop.target] = hop
            if hop.target == goal:
                return _walk_back(previous, start, goal)
            pending.append(hop.target)
    return None


def _hops_from(datasets: Mapping[str, Dataset], name: str) -> list[Hop]:
    """Upwards along `name`'s own references, then downwards along the references to it."""
    upwards = [
        Hop(name, column, parent, target)
        for column, (parent, target) in _references(datasets, name).items()
        if parent != name
    ]
    downwards = [
        Hop(name, target, child, column)
        for child in datasets
        if child != name
        for column, (parent, target) in _references(datasets, child).items()
        if parent == name
    ]
    return upwards + downwards


def _references(datasets: Mapping[str, Dataset], name: str) -> dict[str, tuple[str, str]]:
    """`column -> (dataset, column)` for each reference of `name` to a dataset of the system."""
    found = {}
    for column, target in datasets[name].references.items():
        parent, _, target_column = target.partition(".")
        if parent in datasets and target_column:
            found[column] = (parent, target_column)
    return found


def _walk_back(previous: dict[str, Hop], start: str, goal: str) -> tuple[Hop, ...]:
    path = []
    node = goal
    while node != start:
        hop = previous[node]
        path.append(hop)
        node = hop.source
    return tuple(reversed(path))
