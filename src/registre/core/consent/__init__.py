"""Consents and opt-outs: which purposes need which, what a recorded event must hold, and what state it leaves.

The ledger itself (rows, evidence, who recorded them) lives in the application
database; these are the rules every interface applies to it.
"""

from registre.core.consent.errors import ConsentError
from registre.core.consent.ledger import (
    METHODS,
    STATES,
    Standing,
    check_event,
    renewal_due_on,
    standing_of,
)
from registre.core.consent.mail import gpc_document, unsubscribe_headers
from registre.core.consent.purposes import (
    CONSENT,
    OPT_OUT,
    Purpose,
    ledger_purposes,
    purpose_of,
    sale_or_sharing_purposes,
)

__all__ = [
    "CONSENT",
    "METHODS",
    "OPT_OUT",
    "STATES",
    "ConsentError",
    "Purpose",
    "Standing",
    "check_event",
    "gpc_document",
    "ledger_purposes",
    "purpose_of",
    "renewal_due_on",
    "sale_or_sharing_purposes",
    "standing_of",
    "unsubscribe_headers",
]
