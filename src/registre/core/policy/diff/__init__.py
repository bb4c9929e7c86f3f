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

from registre.core.i18n import Lang, get_translations
from registre.core.policy.diff.changes import Area, Change, ChangeKind, Effect, find_changes
from registre.core.policy.diff.obligations import Audience, Obligation, ObligationKind, find_obligations, format_day
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
        """A plain-text report in `lang`: the changes, then the obligations with their dates."""
        _ = get_translations(lang).gettext
        lines = [_("Policy changes effective %(date)s") % {"date": format_day(self.effective, lang)}, ""]
        if not self.changes:
            return "\n".join([*lines, _("No changes.")])
        lines.append(_("Changes (%(num)d)") % {"num": len(self.changes)})
        lines += [f"  {_SIGNS[change.kind]} {change.describe(lang)}" for change in self.changes]
        lines += ["", _("Obligations (%(num)d)") % {"num": len(self.obligations)}]
        lines += [line for obligation in self.obligations for line in _describe(obligation, self.changes, lang)]
        return "\n".join(lines if self.obligations else [*lines, "  " + _("None.")])


def _describe(obligation: Obligation, changes: list[Change], lang: Lang) -> list[str]:
    _ = get_translations(lang).gettext
    values = {
        "opens": format_day(obligation.opens, lang) if obligation.opens else "",
        "deadline": format_day(obligation.deadline, lang) if obligation.deadline else "",
    }
    if obligation.opens and obligation.deadline:
        when = " " + _("from %(opens)s until %(deadline)s") % values
    else:
        when = " " + _("by %(deadline)s") % values if obligation.deadline else ""
    late = " " + _("(LATE)") if obligation.late else ""
    audience = _audiences(lang)[obligation.audience]
    kind = _kinds(lang)[obligation.kind]
    title = f"[{audience}] {kind}: {obligation.subject}"
    reason = obligation.describe_reason(changes, lang)
    return [f"  * {title}{when}{late}", f"    {reason}", f"    ({_(obligation.citation)})"]


def _audiences(lang: Lang) -> dict[str, str]:
    _ = get_translations(lang).gettext
    return {"processor_clients": _("clients"), "data_subjects": _("data subjects"), "supervisory_record": _("register")}


def _kinds(lang: Lang) -> dict[str, str]:
    _ = get_translations(lang).gettext
    return {
        "subprocessor_objection": _("subprocessor objection"),
        "subprocessor_consent": _("subprocessor consent"),
        "purpose_notice": _("purpose notice"),
        "consent": _("consent"),
        "transfer_notice": _("transfer notice"),
        "notice_update": _("notice update"),
        "register_update": _("register update"),
    }


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
