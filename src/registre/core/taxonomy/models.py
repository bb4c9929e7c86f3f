"""The typed terms of the taxonomy: categories, bases, rights, countries...

Every model is frozen: the taxonomy is loaded once and shared, so nothing may
change it in place. `Taxonomy.with_extensions` builds a new one instead.
"""

from __future__ import annotations

import datetime
import re
from functools import cache
from typing import Annotated, Literal

from babel import Locale
from pydantic import AfterValidator, BaseModel, ConfigDict, field_validator, model_validator

from registre.core.i18n import Localized

CategoryKind = Literal["standard", "special", "criminal", "nir"]

# ISO 8601 durations as used for retention: P10Y, P6M, P1Y6M, P30D, P2W, PT24H.
_DURATION = re.compile(
    r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$",
)


def _check_duration(value: str) -> str:
    if not _DURATION.match(value):
        raise ValueError(f"{value!r} is not an ISO 8601 duration (e.g. P5Y, P6M, P30D)")
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Term(_Frozen):
    """One entry of a controlled vocabulary (data subject, legal basis, right...).

    `article` is the GDPR article as written in the regulation ("15",
    "6(1)(a)"); a provision of another text is cited in full (the French
    post-mortem directives: "Loi n° 78-17 du 6 janvier 1978, art. 85").
    `portable` and `objection` only matter for legal bases: Art. 20 applies to
    consent and contract, Art. 21 to public task and legitimate interest.
    """

    key: str
    label: Localized
    description: Localized | None = None
    article: str | None = None
    portable: bool = False
    objection: bool = False


class CategoryGroup(_Frozen):
    """A section of the CNIL register template; its kind drives the rules.

    `special` is Art. 9 (needs an Art. 9(2) condition), `criminal` is Art. 10,
    `nir` is the French social security number (Art. 87 and Loi n° 78-17).
    """

    key: str
    label: Localized
    kind: CategoryKind


class DataCategory(_Frozen):
    """A category of personal data, filed under one `CategoryGroup`."""

    key: str
    label: Localized
    description: Localized | None = None
    group: str


class LegalReference(_Frozen):
    """A legal retention obligation that a hold can cite, with how long it keeps data."""

    key: str
    label: Localized
    description: Localized | None = None
    citation: str
    keep: Annotated[str, AfterValidator(_check_duration)]


class Adequacy(_Frozen):
    """An EU adequacy decision (Art. 45) covering a country, or part of it.

    `scope` is set when the decision covers only some recipients (the United
    States: organisations certified under the Data Privacy Framework);
    `review_until` when the decision expires unless renewed.
    """

    decision: str
    scope: str | None = None
    scope_label: Localized | None = None
    review_until: datetime.date | None = None

    @model_validator(mode="after")
    def _scope_has_a_label(self) -> Adequacy:
        if (self.scope is None) != (self.scope_label is None):
            raise ValueError("give both scope and scope_label, or neither")
        return self


@cache
def _territory_names(lang: str) -> dict[str, str]:
    return dict(Locale.parse(lang).territories)


class Country(_Frozen):
    """A country or territory by ISO 3166-1 alpha-2 code; its name comes from Babel.

    `eea` is true where the GDPR applies directly: the 30 EEA states, and the
    territories with their own code that are part of one of them (`part_of`),
    such as the French outermost regions (Art. 355(1) TFEU).
    """

    code: str
    eea: bool = False
    part_of: str | None = None
    adequacy: Adequacy | None = None

    @field_validator("code", "part_of")
    @classmethod
    def _is_an_alpha2_code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Z]{2}", value):
            raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 code")
        return value

    def name(self, lang: str) -> str:
        """The country's name in `lang` (CLDR data through Babel); the code if unknown."""
        return _territory_names(lang).get(self.code, self.code)


class Taxonomy(_Frozen):
    """The whole vocabulary that policies are written in, with FR/EN labels.

    Keys of each mapping are the terms' own keys. Build one with
    `load_taxonomy()`; add user-declared terms with `with_extensions`.
    """

    category_groups: dict[str, CategoryGroup]
    data_categories: dict[str, DataCategory]
    data_subjects: dict[str, Term]
    legal_bases: dict[str, Term]
    art9_conditions: dict[str, Term]
    rights: dict[str, Term]
    recipient_types: dict[str, Term]
    safeguards: dict[str, Term]
    security_measures: dict[str, Term]
    legal_references: dict[str, LegalReference]
    countries: dict[str, Country]

    @model_validator(mode="after")
    def _is_consistent(self) -> Taxonomy:
        for name in type(self).model_fields:
            for key, item in getattr(self, name).items():
                own_key = item.code if isinstance(item, Country) else item.key
                if own_key != key:
                    raise ValueError(f"{name}: entry {key!r} carries the key {own_key!r}")
        for category in self.data_categories.values():
            if category.group not in self.category_groups:
                raise ValueError(
                    f"data category {category.key!r}: unknown group {category.group!r} "
                    f"(known: {', '.join(sorted(self.category_groups))})"
                )
        for country in self.countries.values():
            if country.part_of is not None and country.part_of not in self.countries:
                raise ValueError(f"country {country.code!r}: part of unknown country {country.part_of!r}")
        return self

    def category_kind(self, category_key: str) -> CategoryKind:
        """The kind of the group of a data category; KeyError for an unknown category."""
        try:
            category = self.data_categories[category_key]
        except KeyError:
            raise KeyError(f"unknown data category {category_key!r}") from None
        return self.category_groups[category.group].kind

    def with_extensions(
        self,
        categories: dict[str, DataCategory],
        subjects: dict[str, Term],
    ) -> Taxonomy:
        """A copy with user-declared data categories and data subjects added.

        Extensions add terms, they never redefine one: a key that the taxonomy
        already holds raises ValueError, as does a category whose group is
        unknown (checked when the copy is validated).
        """
        for name, existing, extra in (
            ("data category", self.data_categories, categories),
            ("data subject", self.data_subjects, subjects),
        ):
            clashes = sorted(set(existing) & set(extra))
            if clashes:
                raise ValueError(f"{name} already defined by the taxonomy: {', '.join(clashes)}")
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        fields["data_categories"] = {**self.data_categories, **categories}
        fields["data_subjects"] = {**self.data_subjects, **subjects}
        return Taxonomy.model_validate(fields)
