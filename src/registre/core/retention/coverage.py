"""What `registre check --live` says about retention: the rows no sweep can reach, counted on the databases,
and the anonymisation methods that the columns' constraints would refuse.

A retention rule only keeps its promise on the rows it can release. Rows
whose date is missing (under `undated: keep`), rows of a dataset that no
rule can release, and rows that stay referenced with nothing to anonymise
are kept for ever as the data stand (Art. 5(1)(e) GDPR). The plan counts
them (`DatasetRetention.never_due`); this turns the count into findings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from registre.core.policy.model import Policy
from registre.core.retention.plan import plan_retention


@dataclass(frozen=True)
class CoverageFinding:
    """One dataset whose rows a sweep cannot reach (`rows` of them), or a system that could not be read."""

    dataset: str
    rows: int
    code: str
    message: str


def retention_coverage(policy: Policy, *, as_of: dt.date) -> list[CoverageFinding]:
    """The rows that can never become due on `as_of`, per dataset and reason; a system that cannot be read too."""
    plan = plan_retention(policy, as_of=as_of)
    findings = [
        CoverageFinding(system.system, 0, "unreadable", f"system {system.system}: {system.error}")
        for system in plan.systems
        if system.error
    ]
    for dataset in plan.datasets:
        constraints = [*([dataset.problem] if dataset.problem else []), *dataset.refused]
        findings += [
            CoverageFinding(dataset.reference, 0, "constraint", f"{dataset.reference}: {problem}")
            for problem in constraints
        ]
        for found in dataset.never_due():
            message = f"{dataset.reference}: {found.rows:,} row(s) can never become due: {found.reason}"
            findings.append(CoverageFinding(dataset.reference, found.rows, found.code, message))
    return findings
