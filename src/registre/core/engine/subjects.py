"""Data subjects and the identities by which the policy finds them.

An identity is a type declared in datasets' `identity:` (email, phone,
customer_number...) and a value. Values are compared in the normal form of
their type (`identities`): `Ada@Example.org ` finds `ada@example.org`, and
`06 12 34 56 78` finds `+33 6 12 34 56 78`.

A person's canonical identity (the base of their pseudonym) is their first
identity in that normal form: `email:ada@example.org`, `phone:+33612345678`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from registre.core.engine.identities import candidate_values, identity_normalisations, normal_form
from registre.core.policy.model import Normalisation, Policy
from registre.core.sources.batches import IDENTITY_TYPE_LENGTH, IDENTITY_VALUE_LENGTH, SUBJECT_REF_LENGTH

DEFAULT_COUNTRY = "FR"


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
    """Each identity type of the policy and its normalisation (`email`, `phone`, `casefold` or `exact`)."""
    return dict(identity_normalisations(policy))


def check_subjects(declared: Mapping[str, str | None], subjects: Iterable[Subject]) -> None:
    """Raise SubjectError when a subject has an identity type that is not `declared` (see `identity_kinds`)."""
    unknown = sorted({t for subject in subjects for t in subject.types()} - set(declared))
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise SubjectError(f"unknown identity type {', '.join(unknown)}: the policy declares {known}")


def _normalisation(kind: str | None) -> Normalisation:
    if kind in ("email", "phone", "casefold"):
        return kind  # type: ignore[return-value]
    return "exact"


def match_values(identity: Identity, kind: str | None, country: str = DEFAULT_COUNTRY) -> tuple[str, ...]:
    """The values to look for with the normalisation `kind`: the normal form first, then other written forms."""
    return candidate_values(identity.value, _normalisation(kind), country)


def canonical_identity(subject: Subject, kinds: Mapping[str, str | None], country: str = DEFAULT_COUNTRY) -> str:
    """`type:value` of the subject's first identity in normal form: the base of their pseudonym."""
    first = subject.identities[0]
    return f"{first.type}:{normal_form(first.value, _normalisation(kinds.get(first.type)), country)}"


def unique_references(subjects: Sequence[Subject]) -> None:
    """Raise SubjectError when two subjects of a batch share a reference."""
    seen: set[str] = set()
    for subject in subjects:
        if subject.reference in seen:
            raise SubjectError(f"subject reference {subject.reference!r} appears twice in the batch")
        seen.add(subject.reference)
