"""Scanning databases for personal data, and holding the findings against the policy's data map.

`scan_database` samples every table of one database and classifies each of
its columns; `scan_policy` does so for every system of a policy and reports:
personal columns the policy does not declare (a YAML snippet to paste), and
declared columns whose values contradict their category.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.engine import Connection, Engine

from registre.core.discovery.columns import CATEGORIES, FREE_TEXT, ColumnVerdict, classify_column
from registre.core.policy.model import Dataset, Policy
from registre.core.sources import create_engine_for_url, read_only_connection
from registre.core.sources.sampling import sample_rows

DEFAULT_ROWS = 1000
DEFAULT_SECONDS_PER_TABLE = 5.0
# Types whose values are never read: binary payloads and flags say nothing the scanner can check.
_SKIPPED_TYPES = (sa.LargeBinary, sa.Boolean, sa.Float, sa.Numeric)


@dataclass
class ColumnFinding:
    """One column's verdict, where it is, and how the policy declares it."""

    system: str
    table: str
    verdict: ColumnVerdict
    sql_type: str
    dataset: str | None = None
    declared: str | None = None

    @property
    def column(self) -> str:
        return self.verdict.name

    @property
    def undeclared(self) -> bool:
        """Personal data with no category in the policy."""
        return self.verdict.personal and self.declared is None

    @property
    def contradicted(self) -> bool:
        """A declared category that the values disagree with: another kind found, or none of its kind."""
        if self.declared is None or self.verdict.sampled == 0 or self.verdict.kind == FREE_TEXT:
            return False
        expected = {kind for kind, category in CATEGORIES.items() if category == self.declared}
        if not expected:
            return False
        if self.verdict.personal:
            return self.verdict.category != self.declared and self.verdict.kind not in expected
        return not any(self.verdict.counts.get(kind) for kind in expected)

    def to_dict(self) -> dict[str, Any]:
        verdict = self.verdict
        return {
            "system": str(self.system),
            "table": str(self.table),
            "dataset": self.dataset,
            "column": str(self.column),
            "type": self.sql_type,
            "personal": verdict.personal,
            "kind": verdict.kind,
            "category": verdict.category,
            "confidence": verdict.confidence,
            "sampled": verdict.sampled,
            "evidence": dict(verdict.counts),
            "name_says": verdict.name_says,
            "declared": self.declared,
            "undeclared": self.undeclared,
            "contradicted": self.contradicted,
        }


@dataclass
class ScanReport:
    """The findings of one scan, table by table; `skipped` names tables that could not be read."""

    findings: list[ColumnFinding] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def personal(self) -> list[ColumnFinding]:
        return [finding for finding in self.findings if finding.verdict.personal]

    @property
    def undeclared(self) -> list[ColumnFinding]:
        return [finding for finding in self.findings if finding.undeclared]

    @property
    def contradicted(self) -> list[ColumnFinding]:
        return [finding for finding in self.findings if finding.contradicted]

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON: verdicts, counts and declarations, never a sampled value."""
        return {
            "seconds": round(self.seconds, 3),
            "skipped": dict(self.skipped),
            "columns": [finding.to_dict() for finding in self.findings],
            "snippet": self.snippet(),
        }

    def snippet(self) -> str:
        """YAML to paste under `systems:` declaring the undeclared personal columns, by system and dataset."""
        return policy_snippet(finding.to_dict() for finding in self.undeclared)


def policy_snippet(columns: Iterable[Mapping[str, Any]]) -> str:
    """YAML declaring `columns` (as `ColumnFinding.to_dict()` gives them) under `systems:`; "" for none."""
    systems: dict[str, Any] = {}
    for column in columns:
        datasets = systems.setdefault(column["system"], {"datasets": {}})["datasets"]
        dataset = datasets.setdefault(column.get("dataset") or column["table"], {"fields": {}})
        dataset["fields"][column["column"]] = {"category": column["category"]}
    return yaml.safe_dump({"systems": systems}, sort_keys=False, allow_unicode=True) if systems else ""


Progress = Callable[[str], None]


def scan_database(
    engine: Engine,
    system: str = "database",
    *,
    rows: int = DEFAULT_ROWS,
    seed: int = 0,
    tables: list[str] | None = None,
    schema: str | None = None,
    progress: Progress | None = None,
) -> ScanReport:
    """Sample every table (or `tables`) of a database and classify every column. Reads only."""
    started = time.perf_counter()
    report = ScanReport()
    with read_only_connection(engine) as connection:
        names = tables if tables is not None else sa.inspect(connection).get_table_names(schema=schema)
        for name in sorted(names):
            if progress:
                progress(name)
            try:
                table = sa.Table(name, sa.MetaData(), schema=schema, autoload_with=connection)
            except sa.exc.NoSuchTableError:
                report.skipped[name] = "no such table"
                continue
            report.findings.extend(_scan_table(connection, system, table, rows, seed))
    report.seconds = time.perf_counter() - started
    return report


def _scan_table(connection: Connection, system: str, table: sa.Table, rows: int, seed: int) -> Iterator[ColumnFinding]:
    columns = [column for column in table.columns if not isinstance(column.type, _SKIPPED_TYPES)]
    sampled = sample_rows(connection, table, columns, rows, seed)
    for index, column in enumerate(columns):
        verdict = classify_column(column.name, (row[index] for row in sampled))
        yield ColumnFinding(system, table.name, verdict, _type_name(column))


def _type_name(column: sa.Column[Any]) -> str:
    try:
        return str(column.type)
    except sa.exc.CompileError:
        return type(column.type).__name__


def scan_policy(
    policy: Policy,
    *,
    systems: list[str] | None = None,
    rows: int = DEFAULT_ROWS,
    seed: int = 0,
    progress: Progress | None = None,
) -> ScanReport:
    """Scan the databases of the policy's systems (all, or those named) and compare with the declarations."""
    report = ScanReport()
    started = time.perf_counter()
    for name, system in policy.systems.items():
        if systems and name not in systems:
            continue
        engine = create_engine_for_url(system.url, read_only=True)
        try:
            scanned = scan_database(engine, name, rows=rows, seed=seed, progress=progress)
        finally:
            engine.dispose()
        _attach_declarations(scanned, system.datasets)
        report.findings.extend(scanned.findings)
        report.skipped.update({f"{name}.{table}": why for table, why in scanned.skipped.items()})
    report.seconds = time.perf_counter() - started
    return report


def _attach_declarations(report: ScanReport, datasets: dict[str, Dataset]) -> None:
    by_table = {dataset.table_name(name): (name, dataset) for name, dataset in datasets.items()}
    for finding in report.findings:
        declared = by_table.get(finding.table)
        if declared is None:
            continue
        finding.dataset = declared[0]
        spec = declared[1].fields.get(finding.column)
        finding.declared = spec.category if spec else None


LAST_SCAN_FILE = ".registre-scan.json"


def last_scan_path(policy_path: Path) -> Path:
    """Where the last scan of a policy's systems is kept: beside the policy file."""
    return policy_path.parent / LAST_SCAN_FILE


def save_last_scan(report: ScanReport, policy_path: Path, when: dt.datetime) -> Path | None:
    """Keep `report` as the policy's last scan (for `map --live`); None when the folder is not writable."""
    path = last_scan_path(policy_path)
    payload = {"scanned_at": when.isoformat(timespec="seconds"), **report.to_dict()}
    try:
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    except OSError:
        return None
    return path


def load_last_scan(policy_path: Path) -> dict[str, Any] | None:
    """The last scan kept for the policy, or None (never scanned, or the file is unreadable)."""
    try:
        payload = json.loads(last_scan_path(policy_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("columns"), list) else None
