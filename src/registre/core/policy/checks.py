"""The checks of meaning: is the policy complete, consistent and lawful as declared?

Each rule is a method that walks one part of the policy and reports problems
with the position of the value at fault. All rules run; nothing stops at the
first problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path

from registre.core.policy.composer import PathKey
from registre.core.policy.diagnostics import Diagnostic, Severity, sort_diagnostics, suggest
from registre.core.policy.dpia import assess_dpia
from registre.core.policy.durations import Duration
from registre.core.policy.loader import LoadedPolicy, PolicyError, parse_policy
from registre.core.policy.model import Activity, Address, Contact, Dataset, Policy, Site
from registre.core.policy.ownership import mention_findings, ownership_findings
from registre.core.policy.vocabulary import policy_taxonomy
from registre.core.taxonomy import Taxonomy, load_taxonomy

_DATE_TYPES = {"date", "datetime"}
COOKIE_MAX = Duration(months=13)  # CNIL: trackers last at most 13 months
_COOKIE_FROM = dt.date(2025, 1, 1)  # lifetimes are compared as calendar periods from one day


def check_policy(
    path: str | Path, environ: Mapping[str, str] | None = None, *, today: dt.date | None = None
) -> LoadedPolicy:
    """Load a policy and run every check; the diagnostics come sorted by position."""
    loaded = parse_policy(path, environ)
    if loaded.policy is not None:
        checker = _Checker(loaded, loaded.policy, today or dt.date.today())
        checker.run()
        loaded.diagnostics.extend(checker.diagnostics)
    loaded.diagnostics = sort_diagnostics(loaded.diagnostics)
    return loaded


def load_policy(path: str | Path, environ: Mapping[str, str] | None = None) -> Policy:
    """Load a policy checked for shape and meaning; raise PolicyError if it has errors.

    Warnings do not stop loading: `registre check --strict` is where they count.
    """
    loaded = check_policy(path, environ)
    if loaded.errors or loaded.policy is None:
        raise PolicyError(loaded.diagnostics)
    return loaded.policy


class _Checker:
    def __init__(self, loaded: LoadedPolicy, policy: Policy, today: dt.date) -> None:
        self.loaded = loaded
        self.policy = policy
        self.today = today
        self.taxonomy: Taxonomy = policy_taxonomy(policy)
        self.diagnostics: list[Diagnostic] = []

    def run(self) -> None:
        self.check_custom_categories()
        self.check_organisation_countries()
        for system_name, system in self.policy.systems.items():
            self.check_country(system.location, ("systems", system_name, "location"))
            for name, dataset in system.datasets.items():
                self.check_dataset(system_name, name, dataset)
        for key, activity in self.policy.activities.items():
            self.check_activity(key, activity)
        self.check_uncovered_datasets()
        self.check_processors()
        self.check_transfers()
        self.check_activity_references_are_unique()
        self.check_hosting_transfers()
        self.check_derogations()
        self.check_clients()
        self.check_disclosures()
        self.check_ownership()
        self.check_dpias()
        for site_key, site in self.policy.sites.items():
            self.check_site(site_key, site)

    def check_ownership(self) -> None:
        """Mentions well declared (errors); cycles and ambiguous ownership (warnings, see `ownership`)."""
        for path, message, code in mention_findings(self.policy):
            self.report(path, message, code)
        for path, message, code in ownership_findings(self.policy):
            self.report(path, message, code, "warning")

    def check_dpias(self) -> None:
        """Art. 35: an activity meeting two EDPB criteria needs a DPIA, recorded under `dpia:` and reviewed."""
        for key in self.policy.activities:
            found = assess_dpia(self.policy, key, self.today)
            criteria = ", ".join(found.criteria)
            if found.status == "required":
                message = (
                    f"activity '{key}' meets {len(found.criteria)} criteria of the EDPB ({criteria}): a DPIA is "
                    f"required (Art. 35): write it with `registre dpia {key}` or the console's impact assessments, "
                    "then record it as dpia: {done: DATE, review: DATE, version: N}"
                )
                self.report(("activities", key), message, "dpia", "warning")
            elif found.status == "review_due" and found.review is not None:
                message = f"the DPIA of activity '{key}' was due for review on {found.review.isoformat()}"
                self.report(("activities", key, "dpia", "review"), message, "dpia", "warning")

    # Reporting ---------------------------------------------------------------

    def report(self, path: PathKey, message: str, code: str, severity: Severity = "error") -> None:
        position = self.loaded.source_map.locate(path)
        self.diagnostics.append(Diagnostic(position, severity, message, code))

    def check_reference(
        self, value: str, known: Iterable[str], path: PathKey, what: str, section: str | None = None
    ) -> bool:
        """Report `value` if it is not among `known`; True when it is declared."""
        known = list(known)
        if value in known or (section and value in self.loaded.invalid_names.get(section, set())):
            return True
        self.report(path, f"{what} '{value}' is not declared{suggest(value, known)}", "unknown-reference")
        return False

    def check_country(self, code: str | None, path: PathKey) -> None:
        if code is not None:
            self.check_reference(code, self.taxonomy.countries, path, "country code")

    def check_organisation_countries(self) -> None:
        organisation = self.policy.organisation
        self.check_country(organisation.country, ("organisation", "country"))
        contacts: dict[PathKey, Contact | None] = {
            ("head",): organisation.head,
            ("representative",): organisation.representative,
        }
        for role in ("dpo", "requests", "security"):
            contacts[("contacts", role)] = getattr(organisation.contacts, role)
        addresses: dict[PathKey, Address | None] = {(): organisation.address}
        for where, contact in contacts.items():
            addresses[where] = contact.address if contact else None
        for where, address in addresses.items():
            if address is not None:
                self.check_country(address.country, ("organisation", *where, "address", "country"))
        for key, processor in self.policy.processors.items():
            if processor.address is not None:
                self.check_country(processor.address.country, ("processors", key, "address", "country"))

    # Categories and datasets -------------------------------------------------

    def check_custom_categories(self) -> None:
        shipped = load_taxonomy()
        for section, declared, known in (
            ("categories", self.policy.categories, shipped.data_categories),
            ("subjects", self.policy.subjects, shipped.data_subjects),
        ):
            for key in declared:
                if key in known:
                    message = f"{section}.{key} is already defined by the taxonomy: use it without declaring it"
                    self.report((section, key), message, "duplicate-key")
        for key, spec in self.policy.categories.items():
            self.check_reference(
                spec.group, self.taxonomy.category_groups, ("categories", key, "group"), "category group"
            )

    def check_dataset(self, system_name: str, name: str, dataset: Dataset) -> None:
        path: PathKey = ("systems", system_name, "datasets", name)
        if dataset.subject is not None:
            self.check_reference(dataset.subject, self.taxonomy.data_subjects, (*path, "subject"), "data subject")
        for field_name, spec in dataset.fields.items():
            field_path = (*path, "fields", field_name)
            if spec.category is not None:
                self.check_reference(spec.category, self.taxonomy.data_categories, field_path, "data category")
            if spec.anonymize == "constant" and spec.value is None:
                self.report(
                    field_path,
                    f"field '{field_name}' is anonymised to a constant but has no value (value:)",
                    "field",
                )
        for identity_type, column in dataset.identity.items():
            if column not in dataset.fields:
                self.report(
                    (*path, "identity", identity_type),
                    f"identity column '{column}' is not a declared field of {system_name}.{name}"
                    f"{suggest(column, dataset.fields)}",
                    "unknown-reference",
                )
        for column, target in dataset.references.items():
            self.check_dataset_reference(system_name, target, (*path, "references", column))
        for index, hold in enumerate(dataset.holds):
            hold_path = (*path, "holds", index)
            if hold.reference is not None:
                self.check_reference(
                    hold.reference,
                    self.taxonomy.legal_references,
                    (*hold_path, "reference"),
                    "legal reference",
                )
            self.check_column(hold.from_, dataset, f"{system_name}.{name}", (*hold_path, "from"))
        if dataset.erase == "anonymize" and not any(spec.category for spec in dataset.fields.values()):
            self.report(path, f"{system_name}.{name} is anonymised on erasure but declares no personal field", "erase")

    def check_dataset_reference(self, system_name: str, target: str, path: PathKey) -> None:
        parts = target.split(".")
        if len(parts) != 2:
            self.report(path, f"reference '{target}' must be written dataset.column (same system)", "reference-format")
            return
        dataset_name, column = parts
        datasets = self.policy.systems[system_name].datasets
        if not self.check_reference(dataset_name, datasets, path, f"dataset of system {system_name}"):
            return
        self.check_column(column, datasets[dataset_name], f"{system_name}.{dataset_name}", path)

    def check_column(self, column: str, dataset: Dataset, dataset_name: str, path: PathKey) -> None:
        known = set(dataset.fields) | {dataset.key}
        if column not in known:
            self.report(
                path,
                f"column '{column}' is not a declared field of {dataset_name}{suggest(column, sorted(known))}",
                "unknown-reference",
            )

    def check_uncovered_datasets(self) -> None:
        covered = {reference for activity in self.policy.activities.values() for reference in activity.datasets}
        # An activity set aside for a shape error still covers the datasets it lists.
        raw_activities = self.loaded.raw.get("activities")
        for name in self.loaded.invalid_names.get("activities", set()):
            raw_activity = raw_activities.get(name) if isinstance(raw_activities, dict) else None
            raw_datasets = raw_activity.get("datasets") if isinstance(raw_activity, dict) else None
            if isinstance(raw_datasets, list):
                covered.update(item for item in raw_datasets if isinstance(item, str))
        for reference, _system, _name, dataset in self.policy.iter_datasets():
            system_name, _, name = reference.partition(".")
            if dataset.personal_fields() and reference not in covered:
                self.report(
                    ("systems", system_name, "datasets", name),
                    f"dataset {reference} holds personal data but no activity lists it: "
                    "every processing needs a purpose and a legal basis",
                    "uncovered-dataset",
                )

    # Activities ---------------------------------------------------------------

    def check_activity(self, key: str, activity: Activity) -> None:
        path: PathKey = ("activities", key)
        self.check_legal_basis(key, activity)
        for index, subject in enumerate(activity.data_subjects):
            self.check_reference(subject, self.taxonomy.data_subjects, (*path, "data_subjects", index), "data subject")
        for index, reference in enumerate(activity.datasets):
            self.check_activity_dataset(reference, (*path, "datasets", index))
        for index, category in enumerate(activity.categories):
            self.check_reference(category, self.taxonomy.data_categories, (*path, "categories", index), "data category")
        for index, processor in enumerate(activity.processors):
            self.check_reference(
                processor, self.policy.processors, (*path, "processors", index), "sub-processor", "processors"
            )
        for index, recipient in enumerate(activity.recipients):
            recipient_path = (*path, "recipients", index)
            self.check_reference(
                recipient.type, self.taxonomy.recipient_types, (*recipient_path, "type"), "recipient type"
            )
            self.check_country(recipient.country, (*recipient_path, "country"))
        for index, measure in enumerate(activity.security):
            self.check_reference(
                measure.type, self.taxonomy.security_measures, (*path, "security", index), "security measure"
            )
        self.check_special_categories(key, activity)
        self.check_retention(key, activity)
        self.check_contract_end(key, activity)
        self.check_role(key, activity)
        self.check_consent_terms(key, activity)
        if not activity.data_subjects and not self.policy.activity_subjects(activity):
            self.report(path, f"activity '{key}' names no data subjects (data_subjects: [...])", "data-subjects")

    def check_consent_terms(self, key: str, activity: Activity) -> None:
        """Art. 7(1): a consent is proven with the exact text the person saw, so each version is kept and named once."""
        path: PathKey = ("activities", key)
        terms = activity.consent
        if activity.legal_basis == "consent" and activity.role == "controller" and (terms is None or not terms.wording):
            message = f"activity '{key}' is based on consent but declares no wording (consent: {{wording: [...]}})"
            self.report(path, message, "consent", "warning")
        if terms is None:
            return
        seen: set[str] = set()
        for index, wording in enumerate(terms.wording):
            if wording.version in seen:
                message = f"wording version '{wording.version}' is declared twice in activity '{key}'"
                self.report((*path, "consent", "wording", index, "version"), message, "consent")
            seen.add(wording.version)
        if activity.legal_basis not in ("consent", "legitimate_interest"):
            message = f"activity '{key}' declares consent terms but its legal basis is {activity.legal_basis}"
            self.report((*path, "consent"), message, "consent", "warning")
        if activity.sale_or_sharing and activity.role != "controller":
            message = f"activity '{key}' is a processor activity: sale or sharing is its client's decision"
            self.report((*path, "sale_or_sharing"), message, "consent", "warning")

    def check_site(self, key: str, site: Site) -> None:
        """CNIL guidelines on cookies (2020): only strictly necessary trackers go without consent; 13 months at most."""
        for index, cookie in enumerate(site.cookies):
            path: PathKey = ("sites", key, "cookies", index)
            if not cookie.consent and not cookie.essential:
                message = f"cookie '{cookie.name}' of site '{key}' is not strictly necessary: it needs consent"
                self.report((*path, "consent"), message, "cookies")
            duration = cookie.duration
            if isinstance(duration, Duration) and duration.add_to(_COOKIE_FROM) > COOKIE_MAX.add_to(_COOKIE_FROM):
                message = f"cookie '{cookie.name}' of site '{key}' lasts {duration}, more than 13 months"
                self.report((*path, "duration"), message, "cookies")
        if any(cookie.consent for cookie in site.cookies) and not site.wording:
            message = f"site '{key}' sets cookies that need consent but declares no wording (wording: [...])"
            self.report(("sites", key), message, "cookies", "warning")

    def check_activity_dataset(self, reference: str, path: PathKey) -> None:
        system_name, _, dataset_name = reference.partition(".")
        if not self.check_reference(system_name, self.policy.systems, path, "system", "systems"):
            return
        if system_name in self.loaded.invalid_names.get("systems", set()):
            return
        datasets = self.policy.systems[system_name].datasets
        self.check_reference(dataset_name, datasets, path, f"dataset of system {system_name}")

    def check_legal_basis(self, key: str, activity: Activity) -> None:
        path: PathKey = ("activities", key)
        if activity.legal_basis is None:
            if activity.role == "controller":
                self.report(
                    path,
                    f"activity '{key}' has no legal basis: choose one of "
                    f"{', '.join(self.taxonomy.legal_bases)} (Art. 6(1))",
                    "legal-basis",
                )
            return
        if not self.check_reference(
            activity.legal_basis, self.taxonomy.legal_bases, (*path, "legal_basis"), "legal basis"
        ):
            return
        if activity.legal_basis == "legitimate_interest" and activity.legitimate_interest is None:
            self.report(
                (*path, "legal_basis"),
                f"activity '{key}' relies on legitimate interest without stating the interest "
                "(legitimate_interest: {fr: ..., en: ...}; Art. 13(1)(d))",
                "legitimate-interest",
            )
        if activity.legal_basis == "legal_obligation" and activity.legal_obligation is not None:
            self.check_reference(
                activity.legal_obligation,
                self.taxonomy.legal_references,
                (*path, "legal_obligation"),
                "legal reference",
            )

    def check_special_categories(self, key: str, activity: Activity) -> None:
        path: PathKey = ("activities", key)
        kinds = {
            category: self.taxonomy.category_kind(category)
            for category in self.policy.activity_categories(activity)
            if category in self.taxonomy.data_categories
        }
        special = sorted(category for category, kind in kinds.items() if kind == "special")
        if activity.special_condition is not None:
            self.check_reference(
                activity.special_condition,
                self.taxonomy.art9_conditions,
                (*path, "special_condition"),
                "Art. 9 condition",
            )
        elif special:
            self.report(
                path,
                f"activity '{key}' processes special categories ({', '.join(special)}) without an Art. 9(2) "
                f"condition: set special_condition to one of {', '.join(self.taxonomy.art9_conditions)}",
                "special-category",
            )
        criminal = sorted(category for category, kind in kinds.items() if kind == "criminal")
        if criminal:
            self.report(
                path,
                f"activity '{key}' processes data relating to criminal convictions ({', '.join(criminal)}): "
                "Art. 10 allows it only under official authority or when the law authorises it",
                "criminal-data",
                "warning",
            )

    def check_retention(self, key: str, activity: Activity) -> None:
        path: PathKey = ("activities", key, "retention")
        retention = activity.retention
        if retention is None:
            if activity.role == "controller":
                self.report(
                    ("activities", key),
                    f"activity '{key}' has no retention rule (retention: {{keep: P3Y, from: ...}}; Art. 5(1)(e))",
                    "retention",
                    "warning",
                )
            return
        if retention.from_ is None:
            if retention.after is None:
                self.report(
                    path,
                    f"the retention of '{key}' has no anchor: give from: system.dataset.field, "
                    "or describe the starting event with after:",
                    "retention",
                )
            return
        self.check_anchor(key, activity, retention.from_, (*path, "from"))
        dataset_reference = retention.from_.rpartition(".")[0]
        for index, fallback in enumerate(retention.fallback):
            full = fallback if "." in fallback else f"{dataset_reference}.{fallback}"
            if full.rpartition(".")[0] != dataset_reference:
                self.report(
                    (*path, "fallback", index),
                    f"fallback date {fallback} of '{key}' is not a column of {dataset_reference}, where `from` is",
                    "retention",
                )
            else:
                self.check_anchor(key, activity, full, (*path, "fallback", index))

    def check_contract_end(self, key: str, activity: Activity) -> None:
        """`contract_end`: a date column of one of the activity's datasets, on the legal basis contract."""
        end, path = activity.contract_end, ("activities", key, "contract_end")
        if end is None:
            return
        if activity.legal_basis != "contract":
            self.report(path, f"contract_end of '{key}' needs legal_basis: contract", "retention")
            return
        parts = end.split(".")
        if len(parts) != 3:
            self.report(path, f"contract_end '{end}' must be written system.dataset.field", "reference-format")
            return
        reference, column = ".".join(parts[:2]), parts[2]
        dataset = self.policy.dataset(reference)
        if dataset is None:
            self.check_activity_dataset(reference, path)
        elif column not in dataset.fields:
            message = f"contract_end column '{column}' is not a declared field of {reference}"
            self.report(path, message + suggest(column, dataset.fields), "retention")
        elif dataset.fields[column].type not in _DATE_TYPES:
            self.report(path, f"declare contract_end {end} as a date (type: date or datetime)", "retention")
        elif reference not in activity.datasets:
            self.report(
                path, f"contract_end {end} is in {reference}, which '{key}' does not list in datasets", "retention"
            )

    def check_anchor(self, key: str, activity: Activity, anchor: str, path: PathKey) -> None:
        parts = anchor.split(".")
        if len(parts) != 3:
            self.report(path, f"retention anchor '{anchor}' must be written system.dataset.field", "reference-format")
            return
        dataset_reference, column = ".".join(parts[:2]), parts[2]
        dataset = self.policy.dataset(dataset_reference)
        if dataset is None:
            self.check_activity_dataset(dataset_reference, path)
            return
        if column not in dataset.fields:
            self.report(
                path,
                f"retention anchor column '{column}' is not a declared field of {dataset_reference}"
                f"{suggest(column, dataset.fields)}",
                "retention",
            )
            return
        field_type = dataset.fields[column].type
        if field_type is None:
            self.report(
                path,
                f"declare the type of retention anchor {anchor} (type: date or datetime)",
                "retention",
                "warning",
            )
        elif field_type not in _DATE_TYPES:
            self.report(path, f"retention anchor {anchor} is of type {field_type}, not a date", "retention")
        if dataset_reference not in activity.datasets:
            self.report(
                path,
                f"retention anchor {anchor} is in a dataset that activity '{key}' does not list",
                "retention",
                "warning",
            )

    def check_role(self, key: str, activity: Activity) -> None:
        path: PathKey = ("activities", key)
        if activity.role == "processor":
            if not activity.controllers:
                self.report(
                    path,
                    f"processor activity '{key}' names no controller it acts for (controllers:; Art. 30(2)(a))",
                    "processor",
                )
            if not activity.security:
                self.report(
                    path,
                    f"processor activity '{key}' describes no security measures (security:; Art. 30(2)(d))",
                    "processor",
                )
            for index, reference in enumerate(activity.datasets):
                dataset = self.policy.dataset(reference)
                if dataset is not None and dataset.tenant is None:
                    self.report(
                        ("activities", key, "datasets", index),
                        f"{reference} holds data for clients but has no tenant column (tenant:): "
                        "a client's data could not be exported or deleted on its own, and requests never touch it",
                        "tenant",
                    )
        elif not activity.security:
            self.report(
                path,
                f"activity '{key}' describes no security measures (security:; Art. 32)",
                "security",
                "warning",
            )

    def check_activity_references_are_unique(self) -> None:
        seen: dict[str, str] = {}
        for key, activity in self.policy.activities.items():
            if activity.reference is None:
                continue
            if activity.reference in seen:
                self.report(
                    ("activities", key, "reference"),
                    f"reference '{activity.reference}' is already used by activity '{seen[activity.reference]}'",
                    "duplicate-reference",
                )
            seen[activity.reference] = key

    # Sub-processors and transfers -----------------------------------------------

    def check_processors(self) -> None:
        used = {name for activity in self.policy.activities.values() for name in activity.processors}
        for key, processor in self.policy.processors.items():
            path: PathKey = ("processors", key)
            self.check_country(processor.country, (*path, "country"))
            self.check_country(processor.location, (*path, "location"))
            if processor.safeguard is not None:
                self.check_reference(processor.safeguard, self.taxonomy.safeguards, (*path, "safeguard"), "safeguard")
            self.check_transfer(
                processor.name, processor.data_location, processor.safeguard, processor.adequacy_scope, path
            )
            if key not in used:
                self.report(path, f"sub-processor '{key}' is used by no activity", "unused-processor", "warning")

    def check_transfers(self) -> None:
        for index, transfer in enumerate(self.policy.transfers):
            path: PathKey = ("transfers", index)
            self.check_country(transfer.country, (*path, "country"))
            if transfer.safeguard is not None:
                self.check_reference(transfer.safeguard, self.taxonomy.safeguards, (*path, "safeguard"), "safeguard")
            for position, name in enumerate(transfer.activities):
                self.check_reference(
                    name, self.policy.activities, (*path, "activities", position), "activity", "activities"
                )
            self.check_transfer(transfer.recipient, transfer.country, transfer.safeguard, transfer.adequacy_scope, path)
        for key, activity in self.policy.activities.items():
            for index, recipient in enumerate(activity.recipients):
                if recipient.country is not None:
                    self.check_transfer(
                        recipient.name.get("en"),
                        recipient.country,
                        None,
                        None,
                        ("activities", key, "recipients", index, "country"),
                        declared_elsewhere=True,
                    )

    def check_transfer(
        self,
        recipient: str,
        country_code: str,
        safeguard: str | None,
        scope: str | None,
        path: PathKey,
        *,
        declared_elsewhere: bool = False,
    ) -> None:
        """Chapter V: a transfer outside the EEA needs adequacy (within its scope) or a safeguard."""
        country = self.taxonomy.countries.get(country_code)
        if country is None or country.eea:
            return
        adequacy = country.adequacy
        relies_on_adequacy = safeguard in (None, "adequacy", "dpf")
        if declared_elsewhere:
            if adequacy is None and not self.transfer_declared(recipient):
                self.report(
                    path,
                    f"recipient '{recipient}' in {country.name('en')} is outside the EEA with no adequacy "
                    "decision: declare the transfer and its safeguard under transfers:",
                    "transfer",
                )
            return
        if safeguard == "dpf" and country_code != "US":
            self.report(
                path,
                f"the Data Privacy Framework covers only the United States, not {country_code}",
                "transfer",
            )
        elif not relies_on_adequacy:
            return
        elif adequacy is None:
            self.report(
                path,
                f"'{recipient}' receives data in {country.name('en')}, which has no EU adequacy decision: "
                "declare a safeguard (scc, bcr, ...; Art. 46)",
                "transfer",
            )
        elif adequacy.scope is not None and scope != adequacy.scope and safeguard != "dpf":
            scope_label = adequacy.scope_label.get("en") if adequacy.scope_label else adequacy.scope
            scope_label = scope_label[:1].lower() + scope_label[1:]
            self.report(
                path,
                f"the adequacy decision for {country.name('en')} covers only {scope_label}: "
                f"set adequacy_scope: {adequacy.scope} if '{recipient}' is covered"
                + (" (safeguard: dpf)" if adequacy.scope == "dpf" else "")
                + ", or declare another safeguard such as scc",
                "transfer",
            )
        elif adequacy.review_until is not None and adequacy.review_until < self.today:
            self.report(
                path,
                f"the adequacy decision for {country.name('en')} expired on {adequacy.review_until.isoformat()}",
                "transfer",
            )

    def transfer_declared(self, recipient: str) -> bool:
        return any(transfer.recipient == recipient for transfer in self.policy.transfers)

    # Hosting, derogations, clients, disclosures ------------------------------------

    def check_hosting_transfers(self) -> None:
        """Where a system is hosted is where its data go: outside the EEA, a transfer like any other."""
        for name, system in self.policy.systems.items():
            path: PathKey = ("systems", name)
            if system.safeguard is not None:
                self.check_reference(system.safeguard, self.taxonomy.safeguards, (*path, "safeguard"), "safeguard")
            host = system.host or system.name or name
            self.check_transfer(host, system.location, system.safeguard, system.adequacy_scope, (*path, "location"))

    def check_derogations(self) -> None:
        """Art. 49 derogations cover occasional transfers only; a sub-processor transfers as a matter of course."""
        for key, processor in self.policy.processors.items():
            if processor.safeguard == "derogation":
                self.report(
                    ("processors", key, "safeguard"),
                    f"sub-processor '{key}' transfers data repeatedly, as part of its service: an Art. 49 derogation "
                    "covers occasional transfers only (EDPB Guidelines 2/2018); declare scc, bcr or an adequacy "
                    "decision",
                    "transfer",
                )
        for name, system in self.policy.systems.items():
            if system.safeguard == "derogation":
                self.report(
                    ("systems", name, "safeguard"),
                    f"system '{name}' is hosted outside the EEA for good: an Art. 49 derogation covers occasional "
                    "transfers only; declare scc, bcr or an adequacy decision",
                    "transfer",
                )

    def check_clients(self) -> None:
        processing = self.policy.activities_by_role("processor")
        for key, client in self.policy.clients.items():
            path: PathKey = ("clients", key)
            for index, activity in enumerate(client.activities):
                activity_path = (*path, "activities", index)
                declared = self.check_reference(activity, self.policy.activities, activity_path, "activity")
                if declared and activity in self.policy.activities and activity not in processing:
                    self.report(
                        activity_path,
                        f"activity '{activity}' is not a processor activity: clients are the controllers "
                        "of processor activities (Art. 30(2)(a))",
                        "processor",
                    )
            if client.contact is None:
                self.report(
                    path,
                    f"client '{key}' has no contact: the processor record names each controller with its contact "
                    "details (Art. 30(2)(a))",
                    "processor",
                    "warning",
                )
        if self.policy.clients and not processing:
            self.report(("clients",), "clients are declared but no activity has role: processor", "processor")

    def check_disclosures(self) -> None:
        """What the notice must say of automated decisions: the logic and its consequences (Art. 13(2)(f))."""
        for key, activity in self.policy.activities.items():
            stated = activity.decision_logic is not None and activity.decision_consequences is not None
            if activity.automated_decisions and not stated:
                self.report(
                    ("activities", key, "automated_decisions"),
                    f"activity '{key}' takes automated decisions: state the logic involved (decision_logic:) and "
                    "their significance and consequences for the person (decision_consequences:); "
                    "Art. 13(2)(f) and 15(1)(h)",
                    "automated-decisions",
                )
