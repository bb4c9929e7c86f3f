"""`registre ropa`, `registre notice`, `registre subprocessors`: documents derived from the policy."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from registre.cli.console import (
    LangOption,
    Language,
    OutputOption,
    PolicyOption,
    require_policy,
    write_output,
)
from registre.core.documents import render_notice, render_register, render_subprocessors

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
) -> None:
    """Export the record of processing activities, laid out like the CNIL's model."""
    checked = require_policy(policy)
    content = render_register(checked, role=role.value, lang=lang.value, fmt=output_format.value)  # type: ignore[arg-type]
    name = f"registre-{role.value}-{lang.value}.{output_format.value}"
    write_output(content, output, name, binary=output_format.value in BINARY_FORMATS)


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
    content = render_subprocessors(checked, lang=lang.value, fmt=output_format.value)  # type: ignore[arg-type]
    name = f"subprocessors-{lang.value}.{output_format.value}"
    write_output(content, output, name, binary=output_format.value in BINARY_FORMATS)
