"""`registre ropa`, `registre notice`, `registre subprocessors`: documents derived from the policy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from registre.cli.console import (
    LangOption,
    Language,
    OutputOption,
    PolicyOption,
    fail,
    require_policy,
    write_output,
)
from registre.core.documents import render_notice, render_register, render_subprocessors
from registre.core.policy import Policy
from registre.core.policy.clients import ClientListError, load_clients
from registre.core.policy.model import Client

BINARY_FORMATS = {"xlsx", "pdf"}


class Role(StrEnum):
    controller = "controller"
    processor = "processor"


class RegisterFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    html = "html"
    pdf = "pdf"
    md = "md"


class NoticeFormat(StrEnum):
    html = "html"
    md = "md"
    pdf = "pdf"


class ListFormat(StrEnum):
    html = "html"
    md = "md"
    csv = "csv"
    xlsx = "xlsx"
    pdf = "pdf"


def ropa(
    policy: PolicyOption = None,
    role: Annotated[
        Role,
        typer.Option("--role", "-r", help="Controller record (Art. 30(1)) or processor record (Art. 30(2))."),
    ] = Role.controller,
    lang: LangOption = Language.fr,
    output_format: Annotated[
        RegisterFormat, typer.Option("--format", "-f", help="Document format.")
    ] = RegisterFormat.xlsx,
    output: OutputOption = None,
    clients: Annotated[
        Path | None,
        typer.Option(
            "--clients",
            help="(processor) A YAML list of the clients (controllers) to name, instead of the policy's clients:.",
        ),
    ] = None,
    client: Annotated[
        str | None,
        typer.Option("--client", help="(processor) One client's copy: only the activities carried out for it."),
    ] = None,
) -> None:
    """Export the record of processing activities, laid out like the CNIL's model."""
    checked = require_policy(policy)
    if role is Role.processor and not checked.activities_by_role("processor"):
        fail("the policy declares no processor activity (role: processor): there is no processor record to write")
    if role is Role.controller and (clients is not None or client is not None):
        fail("--clients and --client are for the processor record: add --role processor", 2)
    served = served_clients(checked, clients, client)
    content = render_register(
        checked,
        role=role.value,  # type: ignore[arg-type]
        lang=lang.value,  # type: ignore[arg-type]
        fmt=output_format.value,  # type: ignore[arg-type]
        clients=served,
        client=client,
    )
    suffix = f"-{client}" if client else ""
    name = f"registre-{role.value}{suffix}-{lang.value}.{output_format.value}"
    write_output(content, output, name, binary=output_format.value in BINARY_FORMATS)


def served_clients(policy: Policy, path: Path | None, client: str | None) -> dict[str, Client]:
    """The clients the processor record names: those of `--clients FILE`, else the policy's."""
    try:
        served = load_clients(path) if path is not None else dict(policy.clients)
    except ClientListError as error:
        fail(str(error))
    if client is not None and client not in served:
        known = ", ".join(served) or "none declared"
        fail(f"client '{client}' is not in the list of clients ({known})")
    return served


def notice(
    policy: PolicyOption = None,
    lang: LangOption = Language.fr,
    output_format: Annotated[NoticeFormat, typer.Option("--format", "-f", help="Document format.")] = NoticeFormat.html,
    output: OutputOption = None,
) -> None:
    """Render the privacy notice (Art. 13) for the controller activities."""
    checked = require_policy(policy)
    content = render_notice(checked, lang=lang.value, fmt=output_format.value)  # type: ignore[arg-type]
    name = f"privacy-notice-{lang.value}.{output_format.value}"
    write_output(content, output, name, binary=output_format.value in BINARY_FORMATS)


def subprocessors(
    policy: PolicyOption = None,
    lang: LangOption = Language.fr,
    output_format: Annotated[ListFormat, typer.Option("--format", "-f", help="Document format.")] = ListFormat.html,
    output: OutputOption = None,
) -> None:
    """Render the sub-processor list, as it appears in a data processing agreement's annex."""
    checked = require_policy(policy)
    if not checked.activities_by_role("processor"):
        fail(
            "the policy declares no processor activity (role: processor): there are no clients, hence no "
            "sub-processor annex; the organisation's own processors are recipients, named in the notice"
        )
    content = render_subprocessors(checked, lang=lang.value, fmt=output_format.value)  # type: ignore[arg-type]
    name = f"subprocessors-{lang.value}.{output_format.value}"
    write_output(content, output, name, binary=output_format.value in BINARY_FORMATS)
