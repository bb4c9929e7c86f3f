"""`registre map`: systems, datasets and fields with their categories; `--live` adds drift."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.table import Table

from registre.cli.console import LangOption, Language, PolicyOption, err, out, require_policy
from registre.core.discovery.scan import load_last_scan
from registre.core.engine.indexes import IdentityIndex, identity_indexes
from registre.core.policy import resolve_policy_path
from registre.core.retention.indexes import missing_anchor_indexes
from registre.core.sources.datamap import DataMap, MappedDataset, build_data_map
from registre.core.sources.drift import SystemDrift, inspect_drift


class MapFormat(StrEnum):
    text = "text"
    json = "json"


def map_systems(
    policy: PolicyOption = None,
    live: Annotated[
        bool, typer.Option("--live", help="Connect to each system and report drift from the declared schema.")
    ] = False,
    system: Annotated[
        list[str] | None,
        typer.Option("--system", "-s", help="Only this system (repeatable).", show_default=False),
    ] = None,
    lang: LangOption = Language.en,
    output_format: Annotated[MapFormat, typer.Option("--format", "-f", help="text or json.")] = MapFormat.text,
) -> None:
    """Show where personal data live; with --live, exit 1 when a database differs from the policy."""
    checked = require_policy(policy)
    unknown = sorted(set(system or ()) - set(checked.systems))
    if unknown:
        raise typer.BadParameter(f"no system named {', '.join(unknown)}", param_hint="--system")
    data_map = build_data_map(checked)
    if system:
        data_map = DataMap(systems=[mapped for mapped in data_map.systems if mapped.key in system])
    drifts = inspect_drift(checked, systems=system) if live else []
    indexes = missing_anchor_indexes(checked, system) if live else []
    identity_advice = identity_indexes(checked, system)[0] if live and all(drift.ok for drift in drifts) else []
    if output_format is MapFormat.json:
        payload: dict[str, object] = {"map": data_map.to_dict()}
        if live:
            payload["drift"] = [drift.to_dict() for drift in drifts]
            payload["last_scan"] = load_last_scan(resolve_policy_path(policy))
            payload["missing_indexes"] = [advice.to_dict() for advice in indexes]
            payload["identity_indexes"] = [index.to_dict() for index in identity_advice]
        out.print(json.dumps(payload, indent=2, ensure_ascii=False), markup=False)
    else:
        print_map(data_map, lang.value)
        for drift in drifts:
            print_drift(drift)
        if live:
            print_last_scan(load_last_scan(resolve_policy_path(policy)))
        for advice in indexes:
            err.print(
                f"[yellow]index:[/] {advice.system}.{advice.dataset}: retention counts from {advice.column}, "
                f"which no index starts with; create one: {advice.statement.strip()}",
                highlight=False,
            )
        print_indexes(identity_advice)
    if any(not drift.ok for drift in drifts):
        raise typer.Exit(1)


def print_map(data_map: DataMap, lang: str) -> None:
    for mapped in data_map.systems:
        out.print(f"[bold]{mapped.key}[/] {mapped.name or ''} ({mapped.url}, hosted in {mapped.location})")
        for dataset in mapped.datasets:
            out.print(dataset_table(dataset, lang))


def dataset_table(dataset: MappedDataset, lang: str) -> Table:
    users = ", ".join(activity.key for activity in dataset.activities) or "no activity"
    title = f"{dataset.reference} (table {dataset.table}; erase: {dataset.erase}; used by {users})"
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in ("field", "category", "required", "role"):
        table.add_column(column)
    for mapped_field in dataset.fields:
        roles = [f"identity:{kind}" for kind in mapped_field.identity]
        roles += ["key"] if mapped_field.key else []
        roles += ["tenant"] if mapped_field.tenant else []
        roles += [f"-> {mapped_field.references}"] if mapped_field.references else []
        label = mapped_field.category_label.get(lang) if mapped_field.category_label else ""
        category = f"{mapped_field.category} ({label})" if mapped_field.category else ""
        table.add_row(mapped_field.name, category, "yes" if mapped_field.required else "", " ".join(roles))
    return table


def print_indexes(indexes: list[IdentityIndex]) -> None:
    """The identity columns that no index serves as the engine compares them, with the index to create."""
    missing = [index for index in indexes if not index.present]
    if missing:
        out.print("[bold yellow]Identity lookups without an index:[/]")
    for index in missing:
        out.print(f"  - {index.message()}", markup=False)


def print_drift(drift: SystemDrift) -> None:
    if drift.ok:
        out.print(f"[green]{drift.system}: the database matches the policy[/]")
        return
    out.print(f"[bold red]{drift.system}: the database differs from the policy[/]")
    for message in drift.messages():
        out.print(f"  - {message}", markup=False)


def print_last_scan(scan: dict[str, Any] | None) -> None:
    """What the last `registre scan` found that the policy does not say, or how to get one."""
    if scan is None:
        out.print("No scan of the databases yet: `registre scan` finds undeclared personal data.", markup=False)
        return
    flagged = [column for column in scan["columns"] if column.get("undeclared") or column.get("contradicted")]
    out.print(f"Last scan ({scan.get('scanned_at', '?')}): {len(flagged)} finding(s)", markup=False)
    for column in flagged:
        where = f"{column['system']}.{column['table']}.{column['column']}"
        if column.get("contradicted"):
            out.print(f"  - {where}: declared {column['declared']}, values say {column['category']}", markup=False)
        else:
            out.print(f"  - {where}: undeclared {column['category']}", markup=False)
