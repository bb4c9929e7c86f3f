"""Documents derived from the policy, in French and English.

The register of processing activities (Art. 30, after the CNIL template),
the privacy notice (Art. 13) and the sub-processor list of a data processing
agreement. Each is built as a neutral view, then written by the renderer of
the requested format.
"""

from registre.core.documents.notice import NoticeFormat, render_notice
from registre.core.documents.register import RegisterFormat, render_register
from registre.core.documents.retention_text import describe_retention
from registre.core.documents.subprocessors import SubprocessorFormat, render_subprocessors

__all__ = [
    "NoticeFormat",
    "RegisterFormat",
    "SubprocessorFormat",
    "describe_retention",
    "render_notice",
    "render_register",
    "render_subprocessors",
]
