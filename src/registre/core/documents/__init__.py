"""Documents derived from the policy, in French and English.

The register of processing activities (Art. 30, after the CNIL template),
the privacy notice (Art. 13) and the sub-processor list of a data processing
agreement. Each is built as a neutral view, then written by the renderer of
the requested format. The answers to a person's request are derived from
the policy and the engine's result: the access report (Art. 15) and the
response letters (Art. 12(3) and (4)). At the end of a client's contract,
the processor's deletion certificate (Art. 28(3)(g)).

Each document loads its own templates and libraries; the names below are
imported on first use, so that a command needing one document (the access
report of `registre dsr access`) does not load them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from registre.core.documents.access_report import (
        AccessReportFormat,
        access_report_renderers,
        render_access_report,
        write_access_report,
    )
    from registre.core.documents.certificate import (
        CertificateFormat,
        certificate_summary,
        render_deletion_certificate,
    )
    from registre.core.documents.letters import (
        LetterFormat,
        LetterKind,
        render_response_letter,
        response_letter_subject,
    )
    from registre.core.documents.notice import NoticeFormat, render_notice
    from registre.core.documents.register import RegisterFormat, render_register
    from registre.core.documents.retention_text import describe_retention
    from registre.core.documents.subprocessors import SubprocessorFormat, render_subprocessors

_HOMES = {
    "AccessReportFormat": "access_report",
    "access_report_renderers": "access_report",
    "render_access_report": "access_report",
    "write_access_report": "access_report",
    "CertificateFormat": "certificate",
    "certificate_summary": "certificate",
    "render_deletion_certificate": "certificate",
    "LetterFormat": "letters",
    "LetterKind": "letters",
    "render_response_letter": "letters",
    "response_letter_subject": "letters",
    "NoticeFormat": "notice",
    "render_notice": "notice",
    "RegisterFormat": "register",
    "render_register": "register",
    "describe_retention": "retention_text",
    "SubprocessorFormat": "subprocessors",
    "render_subprocessors": "subprocessors",
}

__all__ = [
    "AccessReportFormat",
    "CertificateFormat",
    "LetterFormat",
    "LetterKind",
    "NoticeFormat",
    "RegisterFormat",
    "SubprocessorFormat",
    "access_report_renderers",
    "certificate_summary",
    "describe_retention",
    "render_access_report",
    "render_deletion_certificate",
    "render_notice",
    "render_register",
    "render_response_letter",
    "render_subprocessors",
    "response_letter_subject",
    "write_access_report",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
