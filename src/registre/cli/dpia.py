"""`registre dpia ACTIVITY`: the impact assessment document of an activity (Art. 35), after the CNIL's method."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

import typer

from registre.cli import web
from registre.cli.console import LangOption, Language, OutputOption, PolicyOption, fail, require_policy, write_output
from registre.core.documents.dpia import render_dpia
from registre.core.dpia import DpiaRecord, draft_dpia
from registre.core.policy import Policy
from registre.core.policy.dpia import assess_dpia


class DpiaFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    md = "md"


def dpia(
    activity: Annotated[str, typer.Argument(help="The key of the activity in the policy.", show_default=False)],
    policy: PolicyOption = None,
    version: Annotated[
        int | None,
        typer.Option(
            "--version",
            help="A version recorded in the console (read from the application database); default: the draft "
            "pre-filled from the policy.",
            show_default=False,
            min=1,
        ),
    ] = None,
    lang: LangOption = Language.fr,
    output_format: Annotated[DpiaFormat, typer.Option("--format", "-f", help="Document format.")] = DpiaFormat.pdf,
    output: OutputOption = None,
) -> None:
    """Render the impact assessment (DPIA) of an activity, after the CNIL's PIA method."""
    checked = require_policy(policy)
    if activity not in checked.activities:
        known = ", ".join(checked.activities) or "none declared"
        fail(f"activity '{activity}' is not in the policy (activities: {known})", 2)
    record = web.dpia_version(activity, version) if version is not None else policy_draft(checked, activity)
    content = render_dpia(checked, record, lang=lang.value, fmt=output_format.value)  # type: ignore[arg-type]
    suffix = f"-v{record.version}" if version is not None else ""
    name = f"dpia-{activity}{suffix}-{lang.value}.{output_format.value}"
    write_output(content, output, name, binary=output_format.value == "pdf")


def policy_draft(policy: Policy, activity: str) -> DpiaRecord:
    """The draft of the next version: numbered after the version the policy records, sensitive data rated so."""
    found = assess_dpia(policy, activity, dt.date.today())
    record = policy.activities[activity].dpia
    recorded = getattr(record, "version", None) or 0
    return draft_dpia(
        activity, version=recorded + 1, created_on=dt.date.today(), sensitive="sensitive" in found.criteria
    )
