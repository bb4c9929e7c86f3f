"""Retention: which rows have outlived every purpose that kept them, and the sweeps that delete or anonymise them.

Driven by the policy: each activity's `retention: {keep, from, then}` on the
datasets it lists, the datasets' legal `holds:`, and the case holds staff
place on a subject or a client. Everything compiles to set-based SQL run by
the target databases: a plan is one `SELECT` per dataset, a sweep batches of
`UPDATE` and `DELETE` cut along the key.

    plan = plan_retention(policy, as_of=date(2026, 11, 23))       # counts, changes nothing
    run = run_retention(policy, as_of=date(2026, 11, 23))         # commits batch by batch
    assert run.deleted == plan.total("delete")
"""

from registre.core.retention.case_holds import CaseHold
from registre.core.retention.census import DatasetFigures, RuleFigures
from registre.core.retention.plan import DatasetRetention, RetentionPlan, RuleStatus, SystemRetention, plan_retention
from registre.core.retention.rules import Anchor, RetentionRule, retention_rules, sweep_action
from registre.core.retention.sweep import (
    DEFAULT_BATCH_SIZE,
    DatasetSweep,
    RetentionRun,
    SweepBatch,
    SweepProgress,
    SystemSweep,
    planned_run,
    run_retention,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "Anchor",
    "CaseHold",
    "DatasetFigures",
    "DatasetRetention",
    "DatasetSweep",
    "RetentionPlan",
    "RetentionRule",
    "RetentionRun",
    "RuleFigures",
    "RuleStatus",
    "SweepBatch",
    "SweepProgress",
    "SystemRetention",
    "SystemSweep",
    "plan_retention",
    "planned_run",
    "retention_rules",
    "run_retention",
    "sweep_action",
]
