"""When a processing activity needs a data protection impact assessment (Art. 35 GDPR).

The EDPB's guidelines (WP248 rev.01, endorsed by the EDPB) list nine criteria; an
activity that meets two or more of them is likely to result in a high risk and
needs a DPIA. Some are read from the policy (derived), the others are declared
on the activity (`dpia: {criteria: [...]}`):

- derived: `sensitive` (a data category of Art. 9, Art. 10 or the French NIR),
  `automated_decisions` (`automated_decisions: true`), `vulnerable` (employees
  or job candidates among the data subjects: the power imbalance of WP248),
  `combined` (datasets of two or more systems matched in one activity);
- declared: `evaluation`, `monitoring`, `large_scale`, `innovative`,
  `rights_prevention`, and any of the above.

A DPIA is recorded with `dpia: {done: DATE, review: DATE}` (or `dpia: true`);
a prior consultation of the authority (Art. 36) with `consultation: DATE`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from registre.core.policy.model import Activity, Dpia, Policy
from registre.core.policy.vocabulary import policy_taxonomy

CRITERIA = (
    "evaluation",
    "automated_decisions",
    "monitoring",
    "sensitive",
    "large_scale",
    "combined",
    "vulnerable",
    "innovative",
    "rights_prevention",
)
THRESHOLD = 2  # WP248: two criteria or more
VULNERABLE_SUBJECTS = frozenset({"employees", "candidates"})
SENSITIVE_KINDS = frozenset({"special", "criminal", "nir"})
DpiaStatus = Literal["not_required", "required", "recorded", "review_due"]


@dataclass(frozen=True)
class DpiaAssessment:
    """The criteria an activity meets (declared, then derived), and where its DPIA stands."""

    activity: str
    declared: tuple[str, ...]
    derived: tuple[str, ...]
    status: DpiaStatus
    done: dt.date | None = None
    review: dt.date | None = None
    consultation: dt.date | None = None

    @property
    def criteria(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.declared + self.derived))

    @property
    def required(self) -> bool:
        return len(self.criteria) >= THRESHOLD


def derived_criteria(policy: Policy, activity: Activity) -> tuple[str, ...]:
    """The criteria the policy shows for `activity`, in the order of CRITERIA."""
    taxonomy = policy_taxonomy(policy)
    found: set[str] = set()
    for key in policy.activity_categories(activity):
        category = taxonomy.data_categories.get(key)
        group = taxonomy.category_groups.get(category.group) if category else None
        if group is not None and group.kind in SENSITIVE_KINDS:
            found.add("sensitive")
    if activity.automated_decisions:
        found.add("automated_decisions")
    if VULNERABLE_SUBJECTS & set(policy.activity_subjects(activity)):
        found.add("vulnerable")
    if len({reference.partition(".")[0] for reference in activity.datasets}) >= 2:
        found.add("combined")
    return tuple(name for name in CRITERIA if name in found)


def assess_dpia(policy: Policy, key: str, today: dt.date) -> DpiaAssessment:
    """Where the DPIA of activity `key` stands on `today`.

    1. The criteria: those declared under `dpia.criteria`, then those derived from the policy.
    2. Fewer than two: not required. Else recorded when `dpia` is `true` or has `done`;
       `review_due` once its `review` date has passed; `required` otherwise.
    """
    activity = policy.activities[key]
    record = activity.dpia if isinstance(activity.dpia, Dpia) else None
    declared = tuple(record.criteria) if record else ()
    assessment = DpiaAssessment(key, declared, derived_criteria(policy, activity), "not_required")
    done = activity.dpia is True or (record is not None and record.done is not None)
    status: DpiaStatus = "not_required"
    if assessment.required:
        status = "required"
        if done:
            status = "review_due" if record and record.review and record.review < today else "recorded"
    return DpiaAssessment(
        key,
        declared,
        assessment.derived,
        status,
        done=record.done if record else None,
        review=record.review if record else None,
        consultation=record.consultation if record else None,
    )
