"""Data subjects and the identities by which the policy finds them.

An identity is a type declared in datasets' `identity:` (email, phone,
customer_number...) and a value. Matching is exact on the value as stored,
so that every lookup uses the column's index, with two tolerances:

- values are stripped of surrounding spaces;
- for a column declared `type: email`, the value is also tried in lower
  case (`Ada@Example.org` finds `ada@example.org`); for `type: phone`, also
  without spaces, dots, dashes and parentheses (`+33 6 12 34 56 78` finds
  `+33612345678`). Each variant is one more value of the same `IN` list, so
  indexes still serve; `lower(column)` would not use a plain index.

A person's canonical identity (the base of their pseudonym) is their first
identity in that normal form: `email:ada@example.org`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from registre.core.policy.model import Policy
from registre.core.sources.batches import IDENTITY_TYPE_LENGTH, IDENTITY_VALUE_LENGTH, SUBJECT_REF_LENGTH

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")


class SubjectError(ValueError):
    """A data subject cannot be looked for as given (unknown identity type, empty or overlong value)."""


@dataclass(frozen=True)
class Identity:
    """One identity value of a data subject: `Identity("email", "ada@example.org")`."""

    type: str
    value: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", self.type.strip())
        object.__setattr__(self, "value", self.value.strip())
        if not self.type or not self.value:
            raise SubjectError("an identity needs a type and a value (TYPE=VALUE)")
        if len(self.type) > IDENTITY_TYPE_LENGTH or len(self.value) > IDENTITY_VALUE_LENGTH:
            raise SubjectError(f"identity types and values are at most {IDENTITY_VALUE_LENGTH} characters")

    @classmethod
    def parse(cls, text: str) -> Identity:
        """`email=ada@example.org` -> Identity("email", "ada@example.org"); SubjectError otherwise."""
        identity_type, separator, value = text.partition("=")
        if not separator:
            raise SubjectError(f"expected TYPE=VALUE, such as email=ada@example.org, not {text!r}")
        return cls(identity_type, value)


@dataclass(frozen=True)
class Subject:
    """A data subject: a reference for reports (never personal data) and the identities to find them by."""

    reference: str
    identities: tuple[Identity, ...]

    def __post_init__(self) -> None:
        if not self.identities:
            raise SubjectError(f"subject {self.reference!r} has no identity")
        if not self.reference or len(self.reference) > SUBJECT_REF_LENGTH:
            raise SubjectError(f"a subject reference has 1 to {SUBJECT_REF_LENGTH} characters")

    @classmethod
    def of(cls, *identities: Identity | str, reference: str | None = None) -> Subject:
        """A subject from identities or `TYPE=VALUE` texts; the default reference is a digest of the first.

        The digest (`s-` and 10 hex digits) names the subject in file names
        and reports without writing their email address there.
        """
        parsed = tuple(item if isinstance(item, Identity) else Identity.parse(item) for item in identities)
        if not parsed:
            raise SubjectError("a subject needs at least one identity")
        if reference is None:
            first = parsed[0]
            digest = hashlib.sha256(f"{first.type}:{first.value.lower()}".encode()).hexdigest()
            reference = f"s-{digest[:10]}"
        return cls(reference, parsed)

    def types(self) -> set[str]:
        return {identity.type for identity in self.identities}


def identity_kinds(policy: Policy) -> dict[str, str | None]:
    """Each declared identity type and the field type of its columns (`email`, `phone`, or None)."""
    kinds: dict[str, str | None] = {}
    for _reference, _system, _name, dataset in policy.iter_datasets():
        for identity_type, column in dataset.identity.items():
            spec = dataset.fields.get(column)
            if kinds.get(identity_type) is None:
                kinds[identity_type] = spec.type if spec is not None else None
    return kinds


def check_subjects(declared: Mapping[str, str | None], subjects: Iterable[Subject]) -> None:
    """Raise SubjectError when a subject has an identity type that is not `declared` (see `identity_kinds`)."""
    unknown = sorted({t for subject in subjects for t in subject.types()} - set(declared))
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise SubjectError(f"unknown identity type {', '.join(unknown)}: the policy declares {known}")


def match_values(identity: Identity, kind: str | None) -> tuple[str, ...]:
    """The values to look for in a column of field type `kind`: the value as given, then its variants."""
    variants = [identity.value]
    if kind == "email":
        variants.append(identity.value.lower())
    elif kind == "phone":
        variants.append(_PHONE_SEPARATORS.sub("", identity.value))
    return tuple(dict.fromkeys(variants))


def canonical_identity(subject: Subject, kinds: dict[str, str | None]) -> str:
    """`type:value` of the subject's first identity in normal form: the base of their pseudonym."""
    first = subject.identities[0]
    return f"{first.type}:{match_values(first, kinds.get(first.type))[-1]}"


def unique_references(subjects: Sequence[Subject]) -> None:
    """Raise SubjectError when two subjects of a batch share a reference."""
    seen: set[str] = set()
    for subject in subjects:
        if subject.reference in seen:
            raise SubjectError(f"subject reference {subject.reference!r} appears twice in the batch")
        seen.add(subject.reference)
