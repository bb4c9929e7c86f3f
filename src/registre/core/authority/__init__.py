"""Requests from public authorities: answered only when compelled; the client and the person told unless forbidden.

The promises (SOURCES 19): data go to a public authority only under a legal
obligation to disclose them; the client whose data they are (processor mode)
is told, unless the law forbids it, and then once the prohibition ends.

    check_disclosure(compelled=True)                            # or DisclosureRefused
    notice_allowed(gag_until=date(2027, 3, 1), today=...)       # False while the gag runs
    disclosed = disclosure_summary(plan)                        # rows per dataset, no identity values
"""

from registre.core.authority.rules import (
    DisclosedDataset,
    DisclosureRefused,
    NoticeForbidden,
    check_disclosure,
    check_notice,
    disclosure_summary,
    notice_allowed,
)

__all__ = [
    "DisclosedDataset",
    "DisclosureRefused",
    "NoticeForbidden",
    "check_disclosure",
    "check_notice",
    "disclosure_summary",
    "notice_allowed",
]
