"""The export of a client's tenant: every row of its processor datasets, as JSON and CSV, in one archive.

Art. 28(3)(g) GDPR: at the end of the services the processor returns all
the personal data to the controller, or deletes them, at the controller's
choice; the client gets its data back before they are deleted. The
client's rows are those of the processor datasets (a `tenant` column)
whose tenant column holds its tenant value, with every column of the table.

1. For each system with processor datasets, in one read-only connection,
   and each of its processor datasets in declaration order: read the
   tenant's rows in key order, batch after batch (`WHERE tenant = :tenant
   AND key > :last ORDER BY key LIMIT :n`), writing each batch to the
   dataset's JSON file and CSV file before reading the next, so that memory
   stays flat whatever the size of the tenant.
2. Hash each file as it is written (SHA-256).
3. Write the manifest: systems, datasets, columns, row counts, each file's
   size and hash, the date.
4. Zip the files and the manifest into one archive, dated `today` (the
   same data on the same day give the same archive, byte for byte).

Files: `<system>.<dataset>.json` (an array of objects, one per row, values
as JSON can hold them: ISO 8601 dates, decimals as text), `<system>.<dataset>.csv`
(UTF-8 with a byte order mark so that spreadsheets read accents; an empty
cell for NULL), `manifest.json`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from registre.core.engine.access import json_value
from registre.core.policy.model import Dataset, Policy
from registre.core.retention.sweep import DEFAULT_BATCH_SIZE
from registre.core.retention.tenant_rows import tenant_systems
from registre.core.sources.catalog import catalog_for
from registre.core.sources.connection import SourceError, describe_error, read_only_connection

MANIFEST = "manifest.json"
FORMAT = "registre-tenant-export"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_BOM = "\ufeff".encode()
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ExportedFile:
    """A file of the archive, with its size and SHA-256."""

    name: str
    bytes: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "bytes": self.bytes, "sha256": self.sha256}


@dataclass(frozen=True)
class ExportedDataset:
    """One processor dataset in the export: its columns, the tenant's rows, and its two files."""

    system: str
    dataset: str
    table: str
    label: dict[str, str | None] | None
    columns: tuple[str, ...]
    rows: int
    files: tuple[ExportedFile, ...]

    @property
    def reference(self) -> str:
        return f"{self.system}.{self.dataset}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dataset": self.dataset,
            "table": self.table,
            "label": self.label,
            "columns": list(self.columns),
            "rows": self.rows,
            "files": [file.to_dict() for file in self.files],
        }


@dataclass(frozen=True)
class TenantExport:
    """The archive of a tenant's data: where it is, its SHA-256, and what it holds (the manifest)."""

    tenant: str
    today: dt.date
    organisation: str
    archive: Path
    sha256: str
    datasets: tuple[ExportedDataset, ...]

    @property
    def rows(self) -> int:
        return sum(dataset.rows for dataset in self.datasets)

    def dataset(self, reference: str) -> ExportedDataset:
        """The dataset `system.dataset`; KeyError if it is not in the export."""
        for dataset in self.datasets:
            if dataset.reference == reference:
                return dataset
        raise KeyError(reference)

    def manifest(self) -> dict[str, Any]:
        """The manifest stored in the archive (it cannot hold the archive's own hash)."""
        systems = dict.fromkeys(dataset.system for dataset in self.datasets)
        return {
            "format": FORMAT,
            "version": 1,
            "organisation": self.organisation,
            "tenant": self.tenant,
            "date": self.today.isoformat(),
            "rows": self.rows,
            "systems": [
                {"system": system, "datasets": [d.to_dict() for d in self.datasets if d.system == system]}
                for system in systems
            ],
        }

    def to_dict(self) -> dict[str, Any]:
        return {**self.manifest(), "archive": self.archive.name, "sha256": self.sha256}


def export_tenant(
    policy: Policy, tenant: str, out_dir: Path, *, today: dt.date, batch_size: int = DEFAULT_BATCH_SIZE
) -> TenantExport:
    """Write the archive of every row of `tenant` in the processor datasets into `out_dir`; see the module.

    The archive is `<tenant>-export-<today>.zip` in `out_dir` (created if
    needed), replaced if it exists. Reads through read-only connections.
    Raises ValueError for an empty tenant or a batch size below 1, and
    SourceError when a system cannot be read (no archive is left behind:
    an export is whole or nothing).
    """
    if not tenant:
        raise ValueError("name the tenant to export")
    if batch_size < 1:
        raise ValueError("the batch size must be at least 1")
    out_dir.mkdir(parents=True, exist_ok=True)
    archive = out_dir / f"{_UNSAFE.sub('_', tenant)}-export-{today.isoformat()}.zip"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".export-") as work:
        folder = Path(work)
        datasets = tuple(
            exported
            for system in tenant_systems(policy)
            for exported in _export_system(policy, system, tenant, folder, batch_size)
        )
        export = TenantExport(tenant, today, policy.organisation.name, archive, "", datasets)
        manifest = json.dumps(export.manifest(), indent=2, ensure_ascii=False) + "\n"
        (folder / MANIFEST).write_text(manifest, encoding="utf-8")
        names = [file.name for dataset in datasets for file in dataset.files] + [MANIFEST]
        partial = folder / archive.name
        _zip(partial, folder, names, today)
        digest = _sha256_of(partial)
        partial.replace(archive)
    return TenantExport(tenant, today, policy.organisation.name, archive, digest, datasets)


def _export_system(policy: Policy, name: str, tenant: str, folder: Path, batch_size: int) -> list[ExportedDataset]:
    system = policy.systems[name]
    datasets = {key: dataset for key, dataset in system.datasets.items() if dataset.tenant}
    catalog = catalog_for(system)
    try:
        with read_only_connection(catalog.engine) as connection:
            tables = catalog.tables(connection, datasets)
            return [
                _export_dataset(connection, name, key, dataset, tables[key], tenant, folder, batch_size)
                for key, dataset in datasets.items()
            ]
    except sa.exc.SQLAlchemyError as error:
        raise SourceError(f"system {name}: {describe_error(error, system.url)}") from None


def _export_dataset(
    connection: Connection,
    system: str,
    name: str,
    dataset: Dataset,
    table: sa.Table,
    tenant: str,
    folder: Path,
    batch_size: int,
) -> ExportedDataset:
    """Step 1 of the module for one dataset: its rows, batch after batch, into its JSON and CSV files."""
    columns = tuple(column.name for column in table.columns)
    base = f"{system}.{name}"
    rows = 0
    with _HashedFile(folder / f"{base}.json") as json_file, _HashedFile(folder / f"{base}.csv") as csv_file:
        json_file.write(b"[")
        csv_file.write(_BOM + _csv_lines([columns]))
        for batch in _batches(connection, table, dataset, tenant, batch_size):
            values = [[json_value(row[column]) for column in columns] for row in batch]
            objects = (json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) for row in values)
            json_file.write(("," if rows else "") + "\n" + ",\n".join(objects))
            csv_file.write(_csv_lines([[_csv_cell(value) for value in row] for row in values]))
            rows += len(batch)
        json_file.write("\n]\n" if rows else "]\n")
    label = {"fr": dataset.label.fr, "en": dataset.label.en} if dataset.label else None
    files = (json_file.exported(), csv_file.exported())
    return ExportedDataset(system, name, table.name, label, columns, rows, files)


def _batches(
    connection: Connection, table: sa.Table, dataset: Dataset, tenant: str, size: int
) -> Iterator[Sequence[sa.RowMapping]]:
    """The tenant's rows in key order, `size` at a time (keyset pagination: no OFFSET to rescan)."""
    assert dataset.tenant is not None
    key = table.c[dataset.key]
    query = sa.select(table).where(table.c[dataset.tenant] == tenant).order_by(key).limit(size)
    after: Any = None
    while True:
        batch = connection.execute(query if after is None else query.where(key > after)).mappings().all()
        if batch:
            yield batch
        if len(batch) < size:
            return
        after = batch[-1][key.name]


def _csv_lines(rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _csv_cell(value: object) -> object:
    """NULL as an empty cell, booleans as JSON writes them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class _HashedFile:
    """A file written in pieces, hashed (SHA-256) and measured as it goes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.hash = hashlib.sha256()
        self.size = 0
        self.file: BinaryIO | None = None

    def __enter__(self) -> _HashedFile:
        self.file = self.path.open("wb")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.file is not None
        self.file.close()

    def write(self, content: str | bytes) -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        assert self.file is not None
        self.file.write(data)
        self.hash.update(data)
        self.size += len(data)

    def exported(self) -> ExportedFile:
        return ExportedFile(self.path.name, self.size, self.hash.hexdigest())


def _zip(archive: Path, folder: Path, names: Sequence[str], today: dt.date) -> None:
    """Step 4 of the module: each file, compressed, dated `today` at midnight (never the file's own time)."""
    with zipfile.ZipFile(archive, "w") as zipped:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(today.year, today.month, today.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with (folder / name).open("rb") as source, zipped.open(info, "w", force_zip64=True) as target:
                shutil.copyfileobj(source, target, _CHUNK)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
