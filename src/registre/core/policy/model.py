"""The policy: one typed declaration from which every register, notice and action derives.

The models check the shape of each value (types, closed vocabularies, formats).
Whether references point to something declared, and whether the declaration
is lawful and complete, is the job of `checks.py`, which reports every problem
at once with its position.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

from registre.core.i18n import LANGUAGES, Lang, Localized
from registre.core.policy.durations import Duration

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_\-]*$"
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
# A name printed in documents: never empty or only spaces.
Text = Annotated[str, Field(pattern=r"\S")]
# Notice delays in days: ten years is more than any promise, and keeps dates computable.
Days = Annotated[int, Field(ge=0, le=3650)]


def _parse_duration(value: object) -> object:
    return Duration.parse(value) if isinstance(value, str) else value


DurationField = Annotated[Duration, BeforeValidator(_parse_duration), PlainSerializer(str)]

Role = Literal["controller", "processor"]
ErasureStrategy = Literal["delete", "anonymize"]
AnonymizeMethod = Literal["null", "constant", "hash", "year", "month", "redact"]
FieldType = Literal["string", "email", "phone", "date", "datetime", "integer", "decimal", "boolean"]
MentionErasure = Literal["nullify", "pseudonymise", "redact", "keep"]
Normalisation = Literal["email", "phone", "casefold", "exact"]


class Model(BaseModel):
    """Base of all policy models: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Address(Model):
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: CountryCode | None = None

    def one_line(self) -> str:
        locality = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.street, locality, self.country) if part)


class Contact(Model):
    """A person or office that can be reached."""

    name: str | None = None
    first_name: str | None = None
    company: str | None = None
    email: str | None = None
    phone: str | None = None
    address: Address | None = None
    url: str | None = None

    @field_validator("email")
    @classmethod
    def _email_has_at(cls, value: str | None) -> str | None:
        if value is not None and "@" not in value:
            raise ValueError(f"{value!r} is not an email address")
        return value

    @model_validator(mode="after")
    def _can_be_reached(self) -> Contact:
        if not any((self.name, self.first_name, self.company, self.email, self.phone, self.address, self.url)):
            raise ValueError("a contact needs at least a name, a company, an email, a phone, an address or a url")
        return self


class Contacts(Model):
    dpo: Contact | None = None
    requests: Contact
    security: Contact | None = None


class Organisation(Model):
    name: Text
    legal_form: str | None = None
    registration: str | None = None
    address: Address | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    country: CountryCode = "FR"
    languages: list[Lang] = Field(default_factory=lambda: list(LANGUAGES))
    head: Contact | None = None
    contacts: Contacts
    representative: Contact | None = None
    supervisory_authority: str = "CNIL"
    # `MM-DD`, the last day of the financial year (Code de commerce L123-22 counts from its close);
    # unset: the calendar year (12-31).
    financial_year_end: str | None = Field(None, pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")

    @field_validator("financial_year_end")
    @classmethod
    def _a_real_day(cls, value: str | None) -> str | None:
        if value is not None:
            month, day = (int(part) for part in value.split("-"))
            dt.date(2001, month, day)  # ValueError (reported with its position) for 02-30; 02-29 is never a year end
        return value

    def year_end(self) -> tuple[int, int]:
        """The last day of the financial year as (month, day); 31 December when not declared."""
        if self.financial_year_end is None:
            return (12, 31)
        month, day = self.financial_year_end.split("-")
        return (int(month), int(day))


class Notices(Model):
    """Delays that the policy promises when it changes."""

    subprocessor_objection_days: Days = 15
    purpose_change_notice_days: Days = 30
    response_days: Annotated[int, Field(ge=1, le=3650)] = 30
    # The DPA's delay, in hours, to notify a client of a breach (Art. 33(2)); None: "without undue delay".
    breach_client_hours: int | None = Field(None, ge=0)


class FieldSpec(Model):
    """A column of a dataset. A field without a category holds no personal data."""

    category: str | None = None
    required: bool = False
    label: Localized | None = None
    type: FieldType | None = None
    anonymize: AnonymizeMethod | None = None
    value: str | None = None
    free_text: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_category(cls, value: object) -> object:
        # `email: contact.email` is short for `email: {category: contact.email}`.
        if isinstance(value, str):
            return {"category": value}
        if value is None:
            return {}
        return value


class Hold(Model):
    """Rows that the law requires to keep, whatever a person asks."""

    reference: str | None = None
    basis: Localized | None = None
    keep: DurationField | None = None
    from_: str = Field(alias="from")
    after: Localized | None = None
    # `financial_year_end`: the period runs from the close of the financial year that contains the date.
    start: Literal["date", "financial_year_end"] = "date"

    @model_validator(mode="after")
    def _needs_a_basis(self) -> Hold:
        if self.reference is None and self.basis is None:
            raise ValueError("a hold needs a legal reference (reference:) or a stated basis (basis:)")
        return self


class Mention(Model):
    """A column that names a person on a row that someone else owns (an account's main contact, a manager).

    The person is found through `person` (`dataset.column` of the same
    system: the column holds the key of the person's row there) or through
    `identity` (the column holds an identity value of that type, such as a
    phone number). `fields` are the other columns of the row about the named
    person. Access discloses the mention; erasure cuts it by `erase` and
    leaves the row to its owner.
    """

    person: str | None = None
    identity: str | None = None
    fields: list[str] = Field(default_factory=list)
    erase: MentionErasure = "nullify"

    @model_validator(mode="before")
    @classmethod
    def _from_person(cls, value: object) -> object:
        # `main_contact_id: contacts.id` is short for `main_contact_id: {person: contacts.id}`.
        return {"person": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_way_to_the_person(self) -> Mention:
        if (self.person is None) == (self.identity is None):
            raise ValueError("a mention names its person by person: dataset.column or by identity: TYPE (one of them)")
        return self

    def columns(self, column: str) -> list[str]:
        """The mention's column and the fields about the person, once each."""
        return list(dict.fromkeys([column, *self.fields]))


class IdentityType(Model):
    """How values of an identity type are compared: `email`, `phone` (E.164), `casefold` or `exact`."""

    normalise: Normalisation = "exact"
    label: Localized | None = None


class Dataset(Model):
    """A table of a system, and how a data subject is found in it."""

    table: str | None = None
    schema_: str | None = Field(None, alias="schema")
    label: Localized | None = None
    subject: str | None = None
    identity: dict[str, str] = Field(default_factory=dict)
    key: str = "id"
    tenant: str | None = None
    fields: dict[str, FieldSpec] = Field(default_factory=dict)
    references: dict[str, str] = Field(default_factory=dict)
    mentions: dict[str, Mention] = Field(default_factory=dict)
    erase: ErasureStrategy = "delete"
    restrict: str | None = None
    holds: list[Hold] = Field(default_factory=list)

    @field_validator("fields", mode="before")
    @classmethod
    def _fields_may_be_empty(cls, value: object) -> object:
        return {} if value is None else value

    def table_name(self, name: str) -> str:
        return self.table or name

    def personal_fields(self) -> dict[str, FieldSpec]:
        return {name: spec for name, spec in self.fields.items() if spec.category}

    @property
    def pseudonymises(self) -> bool:
        """True when anonymising keeps a keyed pseudonym (a field anonymised by `hash`).

        Recital 26: data that can be attributed to a person with additional
        information (the key) are pseudonymised, still personal data; only an
        irreversible method anonymises.
        """
        return any(spec.anonymize == "hash" for spec in self.fields.values())

    def declared_columns(self) -> set[str]:
        """Every column the policy names for this dataset."""
        columns = {self.key, *self.fields, *self.identity.values(), *self.references}
        columns.update(column for column in (self.tenant, self.restrict) if column)
        columns.update(hold.from_ for hold in self.holds)
        for column, mention in self.mentions.items():
            columns.update(mention.columns(column))
        return columns

    def mention_columns(self) -> set[str]:
        """Every column of the dataset that names or describes a mentioned person."""
        return {name for column, mention in self.mentions.items() for name in mention.columns(column)}


class Backups(Model):
    """How long the backups of a system keep a copy of deleted data (Art. 28(3)(g): "existing copies")."""

    keep: DurationField
    note: Localized | None = None


class System(Model):
    """A database that holds personal data, reached through a SQLAlchemy URL.

    `location` is where its data are hosted, by `host`: outside the EEA,
    that is a transfer (Chapter V) under `safeguard`, like any other.
    """

    name: str | None = None
    url: str
    location: CountryCode
    host: str | None = None
    safeguard: str | None = None
    adequacy_scope: str | None = None
    documentation: str | None = None
    backups: Backups | None = None
    datasets: dict[Name, Dataset] = Field(default_factory=dict)


class Retention(Model):
    """How long an activity keeps data, counted from a column, and what happens then."""

    keep: DurationField
    from_: str | None = Field(None, alias="from")
    after: Localized | None = None
    then: ErasureStrategy = "delete"
    note: Localized | None = None
    # Columns of the same dataset counted from, in order, where `from` is NULL (`from: [a, b]` is short for it).
    fallback: list[str] = Field(default_factory=list)
    # A row with no date at all: `keep` it (the event has not happened yet) or `release` it (nothing keeps it).
    undated: Literal["keep", "release"] = "keep"

    @model_validator(mode="before")
    @classmethod
    def _from_a_list(cls, value: object) -> object:
        # `from: [crm.contacts.last_contact_at, crm.contacts.subscribed_at]`: the first date that is not NULL.
        if isinstance(value, dict) and isinstance(value.get("from"), list) and value["from"]:
            first, *others = value["from"]
            return {**value, "from": first, "fallback": [*others, *value.get("fallback", [])]}
        return value

    def anchors(self) -> list[str]:
        """`from`, then its fallbacks: the date columns counted from, first not NULL wins."""
        return [*([self.from_] if self.from_ else []), *self.fallback]


class Recipient(Model):
    """Who receives the data of an activity, besides the sub-processors."""

    type: str
    name: Localized
    country: CountryCode | None = None


class ServedController(Model):
    """A controller on whose behalf a processor activity runs (Art. 30(2)(a))."""

    name: Localized
    contact: Contact | None = None
    description: Localized | None = None


class Measure(Model):
    type: str
    details: Localized | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_type(cls, value: object) -> object:
        return {"type": value} if isinstance(value, str) else value


DpiaCriterion = Literal[
    "evaluation",
    "automated_decisions",
    "monitoring",
    "sensitive",
    "large_scale",
    "combined",
    "vulnerable",
    "innovative",
    "rights_prevention",
]


class Dpia(Model):
    """The impact assessment of an activity (Art. 35): criteria declared, when it was done and is reviewed."""

    criteria: list[DpiaCriterion] = Field(default_factory=list)
    done: dt.date | None = None
    review: dt.date | None = None
    consultation: dt.date | None = None  # prior consultation of the supervisory authority (Art. 36)
    version: int | None = Field(default=None, ge=1)  # the version of the DPIA document recorded in the console


class Wording(Model):
    """One version of the text shown to a person asked to consent, or told they may opt out."""

    version: str = Field(min_length=1, max_length=40)
    text: Localized
    since: dt.date | None = None


class ConsentTerms(Model):
    """How an activity records consents or opt-outs: the versioned wording, and when consent is asked again."""

    wording: list[Wording] = Field(default_factory=list)
    renewal: DurationField | None = None


class Activity(Model):
    """A processing activity: one entry of the register."""

    name: Localized
    reference: str | None = None
    role: Role = "controller"
    created: dt.date | None = None
    updated: dt.date | None = None
    controllers: list[ServedController] = Field(default_factory=list)
    joint_controllers: list[Contact] = Field(default_factory=list)
    purpose: Localized
    sub_purposes: list[Localized] = Field(default_factory=list)
    legal_basis: str | None = None
    legitimate_interest: Localized | None = None
    legal_obligation: str | None = None
    special_condition: str | None = None
    data_subjects: list[str] = Field(default_factory=list)
    datasets: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    source: Localized | None = None
    recipients: list[Recipient] = Field(default_factory=list)
    processors: list[str] = Field(default_factory=list)
    retention: Retention | None = None
    security: list[Measure] = Field(default_factory=list)
    dpia: bool | Dpia = False
    automated_decisions: bool = False
    # Art. 13(2)(f), 15(1)(h): the logic involved, and the significance and consequences for the person.
    decision_logic: Localized | None = None
    decision_consequences: Localized | None = None
    marketing: bool = False
    # `system.dataset.column`, the day a contract ends: its rows are kept while it runs (legal basis contract).
    contract_end: str | None = None
    consent: ConsentTerms | None = None
    sale_or_sharing: bool = False


class SubProcessor(Model):
    """A processor that the organisation engages (a sub-processor for its clients)."""

    name: Text
    legal_form: str | None = None
    address: Address | None = None
    country: CountryCode
    location: CountryCode | None = None
    purpose: Localized
    safeguard: str | None = None
    adequacy_scope: str | None = None
    documentation: str | None = None
    since: dt.date | None = None

    @property
    def data_location(self) -> str:
        """Where the data are processed: the declared location, else the country."""
        return self.location or self.country


class Transfer(Model):
    """A transfer outside the EEA to a recipient that is not a sub-processor."""

    recipient: Text
    country: CountryCode
    safeguard: str | None = None
    adequacy_scope: str | None = None
    documentation: str | None = None
    activities: list[str] = Field(default_factory=list)


SubprocessorTerms = Literal["objection", "consent"]


class ClientAgreement(Model):
    """What a client's data processing agreement says about new sub-processors and transfers.

    `objection`: the client is told `objection_days` beforehand (default
    `notices.subprocessor_objection_days`) and its silence is acceptance;
    `consent`: nothing starts before its prior written consent (Art. 28(2)).
    `audit_notice_days` and `onsite_audits_per_year`: the audit clause (default 30 days, once a year).
    """

    subprocessors: SubprocessorTerms = "objection"
    objection_days: int | None = Field(None, ge=0)
    transfers: SubprocessorTerms = "objection"
    # Audits (004 Art. 6): the days of notice before an on-site audit, and how many routine on-site audits
    # the client may make within any 12 months.
    audit_notice_days: int = Field(30, ge=0, le=365)
    onsite_audits_per_year: int = Field(1, ge=1, le=12)


class Client(Model):
    """A client on whose behalf processor activities run: a controller of Art. 30(2)(a)."""

    name: str
    contact: Contact | None = None
    tenant: str | None = None
    activities: list[str] = Field(default_factory=list)
    agreement: ClientAgreement = Field(default_factory=ClientAgreement)


def _parse_cookie_duration(value: object) -> object:
    if value == "session":
        return value
    return _parse_duration(value)


CookieDuration = Annotated[Duration | Literal["session"], BeforeValidator(_parse_cookie_duration), PlainSerializer(str)]


class Cookie(Model):
    """A cookie (or similar tracker) that a site sets or lets a third party set."""

    name: str = Field(min_length=1)
    purpose: Localized
    duration: CookieDuration
    party: Literal["first", "third"] = "first"
    provider: str | None = None
    essential: bool = False
    consent: bool = True


class Site(Model):
    """A website or application of the organisation, and the cookies it sets (an empty list: none at all)."""

    url: str
    name: Localized | None = None
    cookies: list[Cookie] = Field(default_factory=list)
    wording: list[Wording] = Field(default_factory=list)


class CustomCategory(Model):
    label: Localized
    group: str
    description: Localized | None = None


class CustomSubject(Model):
    label: Localized
    description: Localized | None = None


class Policy(Model):
    """The whole declaration."""

    registre: Literal[1]
    effective: dt.date | None = None
    organisation: Organisation
    notices: Notices = Field(default_factory=Notices)
    subjects: dict[Name, CustomSubject] = Field(default_factory=dict)
    identities: dict[Name, IdentityType] = Field(default_factory=dict)
    categories: dict[str, CustomCategory] = Field(default_factory=dict)
    systems: dict[Name, System] = Field(default_factory=dict)
    activities: dict[Name, Activity] = Field(default_factory=dict)
    processors: dict[Name, SubProcessor] = Field(default_factory=dict)
    transfers: list[Transfer] = Field(default_factory=list)
    clients: dict[Name, Client] = Field(default_factory=dict)
    sites: dict[Name, Site] = Field(default_factory=dict)

    def dataset(self, reference: str) -> Dataset | None:
        """The dataset named `system.dataset`, or None if it is not declared."""
        system_name, _, dataset_name = reference.partition(".")
        system = self.systems.get(system_name)
        return system.datasets.get(dataset_name) if system else None

    def iter_datasets(self) -> list[tuple[str, System, str, Dataset]]:
        """(`system.dataset`, system, dataset name, dataset) for every declared dataset."""
        return [
            (f"{system_name}.{name}", system, name, dataset)
            for system_name, system in self.systems.items()
            for name, dataset in system.datasets.items()
        ]

    def activities_using(self, dataset_reference: str) -> dict[str, Activity]:
        return {key: act for key, act in self.activities.items() if dataset_reference in act.datasets}

    def activity_categories(self, activity: Activity) -> list[str]:
        """The data categories of an activity: those of its datasets' fields, then the extra ones."""
        seen: dict[str, None] = {}
        for reference in activity.datasets:
            dataset = self.dataset(reference)
            for spec in dataset.personal_fields().values() if dataset else ():
                seen[str(spec.category)] = None
        seen.update(dict.fromkeys(activity.categories))
        return list(seen)

    def activity_subjects(self, activity: Activity) -> list[str]:
        """The data subjects of an activity: those it names, then those of its datasets."""
        subjects = dict.fromkeys(activity.data_subjects)
        for reference in activity.datasets:
            dataset = self.dataset(reference)
            if dataset is not None and dataset.subject:
                subjects.setdefault(dataset.subject)
        return list(subjects)

    def activities_by_role(self, role: Role) -> dict[str, Activity]:
        return {key: act for key, act in self.activities.items() if act.role == role}

    def client_activities(self, client: Client) -> list[str]:
        """The processor activities run for `client`: those it lists, else every processor activity."""
        processing = self.activities_by_role("processor")
        return [key for key in client.activities if key in processing] if client.activities else list(processing)

    def activity_systems(self, activity: Activity) -> dict[str, System]:
        """The systems that hold the datasets of `activity`, by name, in the activity's order."""
        systems: dict[str, System] = {}
        for reference in activity.datasets:
            name = reference.partition(".")[0]
            if name in self.systems:
                systems.setdefault(name, self.systems[name])
        return systems


def policy_json_schema() -> dict[str, Any]:
    """The JSON Schema of the policy, for editors and documentation."""
    return Policy.model_json_schema(by_alias=True)
