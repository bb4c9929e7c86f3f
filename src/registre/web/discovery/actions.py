"""Every change of state in discovery: running a scan, and deciding on its findings. Each is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from registre.core.discovery import scan_policy
from registre.core.discovery.scan import DEFAULT_ROWS, policy_snippet, save_last_scan
from registre.core.sources import SourceError
from registre.web.audit.actions import Actor, record
from registre.web.discovery.models import FindingDecision, ScanRun
from registre.web.policy import current_policy


def run_scan(actor: Any, rows: int = DEFAULT_ROWS) -> ScanRun:
    """Scan the policy's systems, keep the report (here and beside the policy for `map --live`), audit it.

    A failure (no policy, an unreachable database) is recorded on the run with its error.
    """
    run = ScanRun.objects.create(rows=rows, actor_name=Actor.of(actor).name)
    policy = current_policy()
    try:
        if policy is None:
            raise SourceError("the policy is missing or has errors: run `registre check`")
        report = scan_policy(policy, rows=rows)
    except (SourceError, OSError) as error:
        run.status, run.error = ScanRun.Status.FAILED, str(error)
    else:
        run.status, run.report = ScanRun.Status.DONE, report.to_dict()
        save_last_scan(report, settings.REGISTRE_POLICY, timezone.now())
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        record(
            actor,
            "scan.run",
            counts={"columns": len(run.report.get("columns", [])), "findings": len(run.findings)},
            details={"scan": run.pk, "status": run.status},
        )
    return run


def decide(scan: ScanRun, finding_key: str, decision: str, actor: Any) -> FindingDecision:
    """Accept or dismiss one finding of `scan` (`system.table.column`); a new decision replaces the old one."""
    finding = next((f for f in scan.findings if _key(f) == finding_key), None)
    if finding is None:
        raise ValueError(f"the scan has no finding {finding_key}")
    if decision not in FindingDecision.Decision.values:
        raise ValueError(f"a decision is accepted or dismissed, not {decision!r}")
    with transaction.atomic():
        chosen, _created = FindingDecision.objects.update_or_create(
            scan=scan,
            system=finding["system"],
            table=finding["table"],
            column=finding["column"],
            defaults={"decision": decision, "decided_by": _user(actor), "decided_at": timezone.now()},
        )
        record(
            actor,
            f"scan.finding_{decision}",
            details={"scan": scan.pk, "column": finding_key, "category": finding.get("category")},
        )
    return chosen


def accepted_snippet(scan: ScanRun) -> str:
    """The YAML to paste into the policy for the accepted findings (the DPO's proposed change)."""
    accepted = {d.key for d in scan.decisions.filter(decision=FindingDecision.Decision.ACCEPTED)}
    return policy_snippet(finding for finding in scan.findings if _key(finding) in accepted)


def finding_rows(scan: ScanRun) -> list[dict[str, Any]]:
    """The findings with their key and current decision, for the page."""
    decisions = {d.key: d for d in scan.decisions.all()}
    return [{**finding, "key": _key(finding), "decision": decisions.get(_key(finding))} for finding in scan.findings]


def _key(finding: dict[str, Any]) -> str:
    return f"{finding['system']}.{finding['table']}.{finding['column']}"


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
