"""Which datasets an objection (Art. 21) or a withdrawal of consent (Art. 7(3)) touches, and how.

The rule lives in the core (`registre.core.engine.objections`), so that the console, the API and
the command line cannot disagree: marketing activities are those the policy declares
`marketing: true`, datasets only the objected activities use are erased (or restricted where no
identity reaches them alone), and datasets other activities still use are left as they are.
"""

from registre.core.engine.objections import (
    Split,
    consent_activities,
    marketing_activities,
    narrowed_policy,
    objection_parts,
    objectionable_activities,
    split_datasets,
)

__all__ = [
    "Split",
    "consent_activities",
    "marketing_activities",
    "narrowed_policy",
    "objection_parts",
    "objectionable_activities",
    "split_datasets",
]
