"""The vocabulary of a policy: the shipped taxonomy extended with the terms the policy declares."""

from __future__ import annotations

from registre.core.policy.model import Policy
from registre.core.taxonomy import DataCategory, Taxonomy, Term, load_taxonomy


def policy_taxonomy(policy: Policy) -> Taxonomy:
    """The taxonomy extended with the data categories and subjects that `policy` declares.

    Declared terms that redefine a shipped one, or name an unknown category
    group, are left out: `check_policy` reports them.
    """
    shipped = load_taxonomy()
    return shipped.with_extensions(
        categories={
            key: DataCategory(key=key, label=spec.label, group=spec.group, description=spec.description)
            for key, spec in policy.categories.items()
            if key not in shipped.data_categories and spec.group in shipped.category_groups
        },
        subjects={
            key: Term(key=key, label=spec.label, description=spec.description)
            for key, spec in policy.subjects.items()
            if key not in shipped.data_subjects
        },
    )
