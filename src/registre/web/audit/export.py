"""The audit log as CSV, for the console download and `registre audit export`."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from registre.web.audit.chain import HASHED_FIELDS
from registre.web.audit.models import AuditEntry

COLUMNS = [*HASHED_FIELDS, "hash"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def audit_row(entry: AuditEntry) -> list[str]:
    values: list[Any] = [getattr(entry, column) for column in COLUMNS]
    values[COLUMNS.index("created_at")] = entry.created_at.isoformat(timespec="microseconds")
    for column in ("counts", "details"):
        values[COLUMNS.index(column)] = json.dumps(getattr(entry, column), sort_keys=True, ensure_ascii=False)
    return [_cell(value) for value in values]


def write_audit_csv(entries: Iterable[AuditEntry], stream: TextIO) -> int:
    """Write the header and one row per entry to `stream`; the number of entries written."""
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    written = 0
    for entry in entries:
        writer.writerow(audit_row(entry))
        written += 1
    return written


def audit_csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The CSV, line by line, for a streaming response."""
    line = _Line()
    writer = csv.writer(line)
    yield writer.writerow(COLUMNS)
    for entry in entries:
        yield writer.writerow(audit_row(entry))


class _Line:
    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell that starts like a formula (CSV injection): quote it.
    return "'" + text if text.startswith(FORMULA_START) else text
