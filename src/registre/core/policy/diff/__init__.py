"""What changed between two versions of a policy, and what each change obliges the organisation to do.

A version of the policy is an event: a new sub-processor opens an objection
window for the clients of processor activities, a new or wider use of data by
a controller activity must be announced to the data subjects before it takes
effect, a new basis of consent must be collected. `diff_policies` lists the
changes (`changes.py`, `transfers.py`), then derives the obligations
(`obligations.py`) with the delays that the new policy promises (`notices:`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from registre.core.i18n import Lang
from registre.core.policy.diff.changes import Area, Change, ChangeKind, Effect, find_changes
from registre.core.policy.diff.obligations import Audience, Obligation, ObligationKind, find_obligations
from registre.core.policy.diff.transfers import OutgoingTransfer, outgoing_transfers, transfer_changes
from registre.core.policy.model import Policy

__all__ = [
    "Area",
    "Audience",
    "Change",
    "ChangeKind",
    "Effect",
    "Obligation",
    "ObligationKind",
    "OutgoingTransfer",
    "PolicyDiff",
    "diff_policies",
    "outgoing_transfers",
]

_SIGNS = {"added": "+", "removed": "-", "changed": "~"}
_AUDIENCES = {"processor_clients": "clients", "data_subjects": "data subjects", "supervisory_record": "register"}


class PolicyDiff(BaseModel):
    """The changes from one version of the policy to the next, and the obligations they create."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    effective: dt.date
    changes: list[Change]
    obligations: list[Obligation]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (dates as ISO 8601 strings), read back by `from_dict`."""
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PolicyDiff:
        return cls.model_validate(data)

    def to_text(self, lang: Lang = "en") -> str:
        """A plain-text report: the changes, then the obligations with their dates.

        The wording is English whatever `lang` until the catalogs translate it;
        `lang` already picks the language of declared texts (purposes...).
        """
        lines = [f"Policy changes effective {self.effective.isoformat()}", ""]
        if not self.changes:
            return "\n".join([*lines, "No changes."])
        lines.append(f"Changes ({len(self.changes)})")
        lines += [f"  {_SIGNS[change.kind]} {change.describe(lang)}" for change in self.changes]
        lines += ["", f"Obligations ({len(self.obligations)})"]
        lines += [line for obligation in self.obligations for line in _describe(obligation)]
        return "\n".join(lines if self.obligations else [*lines, "  None."])


def _describe(obligation: Obligation) -> list[str]:
    if obligation.opens and obligation.deadline:
        when = f" from {obligation.opens.isoformat()} until {obligation.deadline.isoformat()}"
    else:
        when = f" by {obligation.deadline.isoformat()}" if obligation.deadline else ""
    late = " (LATE)" if obligation.late else ""
    title = f"[{_AUDIENCES[obligation.audience]}] {obligation.kind.replace('_', ' ')}: {obligation.subject}"
    return [f"  * {title}{when}{late}", f"    {obligation.reason}", f"    ({obligation.citation})"]


def diff_policies(
    old: Policy, new: Policy, *, effective: dt.date | None = None, today: dt.date | None = None
) -> PolicyDiff:
    """The changes from `old` to `new`, and the obligations they create.

    `effective` is the day `new` applies: given, else `new.effective`, else
    `today` (the current date unless given; it also decides what is late).
    The delays come from the new policy's `notices:`. Identical policies give
    neither changes nor obligations.
    """
    today = today or dt.date.today()
    effective = effective or new.effective or today
    changes = [*find_changes(old, new), *transfer_changes(old, new)]
    obligations = find_obligations(old, new, changes, effective=effective, today=today)
    return PolicyDiff(effective=effective, changes=changes, obligations=obligations)
