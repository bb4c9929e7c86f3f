"""The access bundle: the subject's data as files a person can keep and a program can read.

- `data.json`: nested by system and dataset, each field with its data
  category, each dataset with the activities that use it;
- one CSV per dataset (`system.dataset.csv`): UTF-8 with a byte order mark
  so that spreadsheets read accents, the key and declared fields as
  columns, values exactly as exported (nothing is rewritten);
- the human-readable report (HTML, PDF), rendered by the callers that know
  the documents (`renderers`), so that the engine does not depend on them.

For portability (Art. 20) the bundle holds only the datasets processed on
consent or contract, as JSON and CSV: a structured, commonly used and
machine-readable format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from registre.core.engine.access import AccessResult, DatasetExport
from registre.core.policy.model import Policy

Renderer = Callable[[AccessResult, Policy], bytes]


def write_access_bundle(
    result: AccessResult,
    policy: Policy,
    out_dir: Path,
    *,
    portability: bool = False,
    renderers: Mapping[str, Renderer] | None = None,
) -> list[Path]:
    """Write the bundle of `result` into `out_dir` (created if needed); return the files written.

    With `portability`, datasets not processed on consent or contract are
    left out. `renderers` maps a file name (`report-fr.html`...) to a
    function rendering it; they are not called for portability.
    """
    if portability:
        result = portable_part(result)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [_write(out_dir / "data.json", data_json(result))]
    for dataset in result.datasets:
        written.append(_write(out_dir / f"{dataset.reference}.csv", dataset_csv(dataset)))
    for name, render in ({} if portability else (renderers or {})).items():
        written.append(_write(out_dir / name, render(result, policy)))
    return written


def portable_part(result: AccessResult) -> AccessResult:
    """The result without the datasets to which portability does not apply."""
    kept = tuple(dataset for dataset in result.datasets if dataset.portable)
    return AccessResult(result.subject, result.tenant, result.today, True, kept, dict(result.errors))


def data_json(result: AccessResult) -> bytes:
    return (json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def dataset_csv(dataset: DatasetExport) -> bytes:
    """One dataset's rows as CSV: a header of column names, then the rows; NULL is an empty cell."""
    columns = list(dict.fromkeys([dataset.key, *(exported.name for exported in dataset.fields)]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in dataset.rows:
        writer.writerow(["" if row.get(column) is None else row[column] for column in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path
