"""The answer to an access request (Art. 15), or to a portability request (Art. 20), for a person to read.

The engine finds the person's rows (`execute_access`) and writes them as
`data.json` and CSV files (`write_access_bundle`); this report explains them:
what was found where, why it is processed and on which legal basis, who
receives it, how long it is kept and where it comes from, and the person's
rights. It is written in HTML and PDF, in French and English, next to the
bundle's files.

    result = execute_access(policy, subject)
    files = write_access_bundle(result, policy, out_dir)
    files += write_access_report(result, policy, out_dir, subject=subject)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from registre.core.documents.access_report.records import MAX_ROWS
from registre.core.documents.access_report.view import AccessReportView, build_access_report
from registre.core.documents.environment import render_template
from registre.core.documents.pdf import write_pdf
from registre.core.documents.vocabulary import translator
from registre.core.engine import AccessResult, Subject
from registre.core.engine.bundle import portable_part
from registre.core.i18n import LANGUAGES, Lang
from registre.core.policy import Policy

__all__ = [
    "AccessReportFormat",
    "AccessReportView",
    "access_report_renderers",
    "build_access_report",
    "render_access_report",
    "write_access_report",
]

AccessReportFormat = Literal["html", "pdf"]
REPORT_FORMATS: tuple[AccessReportFormat, ...] = ("html", "pdf")


def render_access_report(
    result: AccessResult,
    policy: Policy,
    *,
    lang: Lang = "fr",
    fmt: AccessReportFormat = "html",
    today: dt.date | None = None,
    portability: bool = False,
    subject: Subject | None = None,
    requester_name: str | None = None,
    received: dt.date | None = None,
) -> bytes:
    """The report of `result` as a standalone HTML page or a PDF, in `lang`.

    `today` dates the answer (default: the day of the result). With
    `portability` (or a result of a portability request), only the datasets
    processed on consent or contract are shown (Art. 20(1)(a)). `subject`
    gives the identifiers the person was looked for by, shown in the
    summary: they are the person's own data. `requester_name` and `received`
    (the day the request was received) complete the summary when known.
    """
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown access report format {fmt!r}: choose html or pdf")
    if not result.ok:
        # Art. 15(1) asks for all the data: a report missing a system would mislead the person.
        raise ValueError(f"cannot report an incomplete access: {', '.join(sorted(result.errors))} not read")
    if portability and not result.portability:
        result = portable_part(result)
    view = build_access_report(
        result,
        policy,
        lang,
        today=today or result.today,
        subject=subject,
        requester_name=requester_name,
        received=received,
    )
    html = _html(view)
    return html.encode("utf-8") if fmt == "html" else write_pdf(html)


def write_access_report(
    result: AccessResult,
    policy: Policy,
    out_dir: Path,
    *,
    langs: Sequence[Lang] = LANGUAGES,
    portability: bool = False,
    subject: Subject | None = None,
    requester_name: str | None = None,
    received: dt.date | None = None,
) -> list[Path]:
    """Write `report-<lang>.html` and `report-<lang>.pdf` for each of `langs` into `out_dir`; return them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    renderers = access_report_renderers(
        langs, portability=portability, subject=subject, requester_name=requester_name, received=received
    )
    written = []
    for name, render in renderers.items():
        path = out_dir / name
        path.write_bytes(render(result, policy))
        written.append(path)
    return written


def access_report_renderers(
    langs: Sequence[Lang] = LANGUAGES,
    *,
    formats: Sequence[AccessReportFormat] = REPORT_FORMATS,
    portability: bool = False,
    subject: Subject | None = None,
    requester_name: str | None = None,
    received: dt.date | None = None,
) -> dict[str, Callable[[AccessResult, Policy], bytes]]:
    """The reports by file name (`report-fr.html`...), as `write_access_bundle(renderers=...)` takes them.

    One per language of `langs` and format of `formats` (HTML and PDF by default).
    """

    def renderer(lang: Lang, fmt: AccessReportFormat) -> Callable[[AccessResult, Policy], bytes]:
        def render(result: AccessResult, policy: Policy) -> bytes:
            return render_access_report(
                result,
                policy,
                lang=lang,
                fmt=fmt,
                portability=portability,
                subject=subject,
                requester_name=requester_name,
                received=received,
            )

        return render

    return {f"report-{lang}.{fmt}": renderer(lang, fmt) for lang in langs for fmt in formats}


def _html(view: AccessReportView) -> str:
    _ = translator(view.lang)
    title = _("Your personal data")
    return render_template(
        "access_report.html.j2",
        view.lang,
        report=view,
        max_rows=MAX_ROWS,
        title=title,
        author=view.organisation.name,
        date=view.today,
    )
