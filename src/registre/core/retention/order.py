"""The order in which a sweep visits the datasets of one system.

Two needs pull in different directions:

- a dataset whose rule counts from the rows of another (contacts, kept one
  year after their tickets are closed) must be swept while those rows are
  still there: deleting the tickets first would leave the contacts with
  nothing to count from, and the sweep would no longer do what its plan
  said;
- a row referenced by others is best removed after them (children before
  parents), so that deleting the children frees the parent for deletion.

The first is a matter of correctness and wins; the second is a preference
(a parent swept before its children is anonymised instead of deleted where
they still reference it). Only datasets whose rows may disappear constrain
the order: an anonymised row keeps its keys, references and dates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from registre.core.engine.references import SystemGraph
from registre.core.policy.model import ErasureStrategy
from registre.core.retention.rules import RetentionRule


@dataclass(frozen=True)
class SweepOrder:
    """The datasets of a system in sweep order, and notes on constraints that could not all be met."""

    datasets: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def position(self, name: str) -> int:
        return self.datasets.index(name)


def sweep_order(
    graph: SystemGraph, rules: Mapping[str, Sequence[RetentionRule]], actions: Mapping[str, ErasureStrategy]
) -> SweepOrder:
    """Every dataset of the system, readers before the datasets they read, else children before parents.

    1. Start from the erasure order (children before parents, then declaration order).
    2. Repeatedly take the first dataset that no waiting dataset reads
       (reads: its rules count from rows of that dataset, and the dataset
       deletes rows).
    3. When every waiting dataset is read by another (rules that count
       from each other), take the first and note the cycle.
    """
    readers = {
        name: {reader for reader, found in rules.items() for rule in found if name in rule.reads()}
        for name in graph.datasets
        if actions.get(name) == "delete"
    }
    waiting = graph.erasure_order()
    order: list[str] = []
    notes: list[str] = []
    while waiting:
        ready = [name for name in waiting if not (readers.get(name, set()) - {name}) & set(waiting)]
        chosen = ready[0] if ready else waiting[0]
        if not ready:
            notes.append(f"retention rules of {', '.join(sorted(readers[chosen]))} and {chosen} count from each other")
        order.append(chosen)
        waiting.remove(chosen)
    return SweepOrder(tuple(order), tuple(notes))
