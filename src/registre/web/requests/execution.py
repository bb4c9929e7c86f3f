"""Running the engine for a request: the parts of its plan, executed; no state of Registre is changed here.

The outcome carries the engine's results (for the letter), a summary without
personal data (kept on the request), and, for an access, the bundle zipped
in a work folder (encrypted by `exports.create_export`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from registre.core.documents.access_report import access_report_renderers
from registre.core.engine import (
    AccessResult,
    ChangeResult,
    ErasureResult,
    RectificationError,
    SubjectError,
    execute_access,
    execute_erasure,
    execute_rectification,
    execute_restriction,
    write_access_bundle,
)
from registre.core.policy import Policy
from registre.web.audit.trail import recorded_changes
from registre.web.requests.exports import zip_folder
from registre.web.requests.models import DataRequest
from registre.web.requests.plans import Part, request_parts
from registre.web.retention.actions import record_restriction

Result = AccessResult | ErasureResult | ChangeResult
Progress = Callable[[str], None]


@dataclass
class Outcome:
    """What an execution did: `error` when any part failed (its systems were rolled back)."""

    results: list[Result] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    archive: Path | None = None


def execute_parts(
    request: DataRequest, policy: Policy, *, today: dt.date, work: Path, progress: Progress | None = None
) -> Outcome:
    """Run every part of the request's plan for its verified identities, in order; stop at the first failure."""
    outcome = Outcome()
    try:
        subject = request.engine_subject()
        for part in request_parts(policy, request.kind, request.details):
            result = _run(part, request, subject, today, progress)
            outcome.results.append(result)
            outcome.summary.setdefault("parts", []).append(summarise(result))
            if not result.ok:
                outcome.error = failure_of(result)
                return outcome
            if isinstance(result, AccessResult):
                outcome.archive = write_bundle(request, result, policy, subject, work)
    except (SubjectError, RectificationError, ValueError) as error:
        outcome.error = str(error)
    return outcome


def _run(part: Part, request: DataRequest, subject: Any, today: dt.date, progress: Progress | None) -> Result:
    """One part, with each system's change recorded in the audit log as `request.data_changed`."""
    with recorded_changes(
        "system", "request.data_changed", request_id=request.reference, subject_ref=request.subject_ref
    ):
        return _execute(part, request, subject, today, progress)


def _execute(part: Part, request: DataRequest, subject: Any, today: dt.date, progress: Progress | None) -> Result:
    tenant = request.tenant
    if part.action == "access":
        return execute_access(part.policy, subject, tenant=tenant, today=today, progress=progress, **part.options)
    if part.action == "erase":
        return execute_erasure(part.policy, subject, tenant=tenant, today=today, progress=progress, **part.options)
    if part.action == "rectify":
        return execute_rectification(part.policy, subject, part.options["changes"], tenant=tenant, progress=progress)
    result = execute_restriction(part.policy, subject, tenant=tenant, progress=progress)
    if result.ok:
        # Datasets without a flag column are restricted through Registre's own record, which erasures and
        # sweeps read; its reference is the request's, which says on which ground.
        record_restriction("system", list(subject.identities), ground=request.reference, tenant=tenant or "")
    return result


def write_bundle(request: DataRequest, result: AccessResult, policy: Policy, subject: Any, work: Path) -> Path:
    """data.json, one CSV per dataset and the report (HTML, PDF) in the person's language, zipped."""
    folder = work / "bundle"
    renderers = access_report_renderers(
        (request.lang,),
        portability=result.portability,
        subject=subject,
        requester_name=request.requester_name or None,
        received=request.received_on,
    )
    write_access_bundle(result, policy, folder, portability=result.portability, renderers=renderers)
    return zip_folder(folder, work / f"{request.reference}.zip")


def summarise(result: Result) -> dict[str, Any]:
    """The result without personal data: counts by dataset (an access keeps its rows in the bundle only)."""
    if isinstance(result, AccessResult):
        return {
            "action": "access",
            "portability": result.portability,
            "rows": result.rows,
            "datasets": {dataset.reference: len(dataset.rows) for dataset in result.datasets},
            "errors": dict(result.errors),
        }
    return result.to_dict()


def failure_of(result: Result) -> str:
    if isinstance(result, AccessResult):
        return "; ".join(f"{system}: {error}" for system, error in sorted(result.errors.items()))
    return "; ".join(f"{system.system}: {system.error}" for system in result.systems if system.error)
