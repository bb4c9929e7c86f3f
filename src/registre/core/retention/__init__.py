"""Retention: which rows have outlived every purpose that kept them, and the sweeps that delete or anonymise them.

Driven by the policy: each activity's `retention: {keep, from, then}` on the
datasets it lists, the datasets' legal `holds:`, and the case holds staff
place on a subject or a client. Everything compiles to set-based SQL run by
the target databases: a plan is one `SELECT` per dataset, a sweep batches of
`UPDATE` and `DELETE` cut along the key.

    plan = plan_retention(policy, as_of=date(2026, 11, 23))       # counts, changes nothing
    run = run_retention(policy, as_of=date(2026, 11, 23))         # commits batch by batch
    assert run.deleted == plan.total("delete")

At the end of a client's contract (processor side), the client's tenant is
exported, then deleted from every processor dataset, but what the law keeps:

    export = export_tenant(policy, "tenant-001", Path("exports"), today=date(2026, 11, 23))
    deletion = delete_tenant(policy, "tenant-001", as_of=date(2026, 11, 23))
"""

from registre.core.engine.case_holds import CaseHold
from registre.core.retention.census import DatasetFigures, RuleFigures
from registre.core.retention.offboarding import (
    DatasetDeletion,
    SystemDeletion,
    TenantDeletion,
    TenantDeletionPlan,
    delete_tenant,
    plan_tenant_deletion,
)
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
from registre.core.retention.tenant_export import ExportedDataset, ExportedFile, TenantExport, export_tenant

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "Anchor",
    "CaseHold",
    "DatasetDeletion",
    "DatasetFigures",
    "DatasetRetention",
    "DatasetSweep",
    "ExportedDataset",
    "ExportedFile",
    "RetentionPlan",
    "RetentionRule",
    "RetentionRun",
    "RuleFigures",
    "RuleStatus",
    "SweepBatch",
    "SweepProgress",
    "SystemDeletion",
    "SystemRetention",
    "SystemSweep",
    "TenantDeletion",
    "TenantDeletionPlan",
    "TenantExport",
    "delete_tenant",
    "export_tenant",
    "plan_retention",
    "plan_tenant_deletion",
    "planned_run",
    "retention_rules",
    "run_retention",
    "sweep_action",
]
