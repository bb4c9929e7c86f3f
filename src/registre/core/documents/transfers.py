"""Transfers of personal data outside the EEA, derived from where recipients process data.

Chapter V GDPR: a transfer needs an adequacy decision (Art. 45) or
appropriate safeguards (Art. 46, 47), failing which a derogation (Art. 49).
The register lists them (Art. 30(1)(e), 30(2)(c)) and so does the notice
(Art. 13(1)(f)). Nothing is declared twice: a sub-processor's transfer
follows from its data location, a recipient's from its country, and only
other transfers are declared under `transfers:`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from registre.core.documents.vocabulary import cite_article, country_name, translator
from registre.core.policy import Policy, SubProcessor
from registre.core.policy.model import Activity, Recipient, Transfer
from registre.core.taxonomy import Taxonomy, Term


@dataclass(frozen=True)
class TransferLine:
    """One transfer: to whom, to which country, under which safeguard, documented where."""

    recipient: str
    country_code: str
    country: str
    safeguard: str
    article: str
    documentation: str

    @property
    def safeguard_reference(self) -> str:
        """The safeguard with its article: "Clauses contractuelles types (CCT), art. 46(2)(c) du RGPD"."""
        return f"{self.safeguard}, {self.article}" if self.article else self.safeguard


def is_transfer(country_code: str, taxonomy: Taxonomy) -> bool:
    """True when data sent to `country_code` leave the EEA (an unknown code counts as leaving)."""
    country = taxonomy.countries.get(country_code)
    return country is None or not country.eea


def subprocessor_transfer(processor: SubProcessor, taxonomy: Taxonomy, lang: str) -> TransferLine | None:
    """The transfer that a sub-processor's data location makes; None inside the EEA."""
    if not is_transfer(processor.data_location, taxonomy):
        return None
    return _transfer_line(
        processor.name, processor.data_location, processor.safeguard, processor.documentation, taxonomy, lang
    )


def activity_transfers(policy: Policy, key: str, taxonomy: Taxonomy, lang: str) -> list[TransferLine]:
    """Every transfer of the activity `key`, once each.

    1. The systems holding its datasets that are hosted outside the EEA
       (the host receives the data where it hosts them).
    2. Its sub-processors whose data location is outside the EEA.
    3. Its recipients located outside the EEA, unless a declared transfer names them.
    4. The policy's `transfers:` that list the activity, or list no activity
       (they then concern every activity).
    """
    activity = policy.activities[key]
    lines: dict[tuple[str, str], TransferLine] = {}
    for name, system in policy.activity_systems(activity).items():
        if is_transfer(system.location, taxonomy):
            host = system.host or system.name or name
            hosting = _transfer_line(host, system.location, system.safeguard, system.documentation, taxonomy, lang)
            lines.setdefault((hosting.recipient, hosting.country_code), hosting)
    for name in activity.processors:
        processor = policy.processors.get(name)
        line = subprocessor_transfer(processor, taxonomy, lang) if processor else None
        if line is not None:
            lines.setdefault((line.recipient, line.country_code), line)
    for line in _recipient_transfers(policy, activity, taxonomy, lang):
        lines.setdefault((line.recipient, line.country_code), line)
    for transfer in policy.transfers:
        if not transfer.activities or key in transfer.activities:
            line = _declared_transfer(transfer, taxonomy, lang)
            lines.setdefault((line.recipient, line.country_code), line)
    return list(lines.values())


def activity_hosting(policy: Policy, activities: Iterable[Activity], taxonomy: Taxonomy, lang: str) -> tuple[str, ...]:
    """Who hosts the data of `activities`, and in which country: "Scaleway SAS (Paris), France", once each."""
    _ = translator(lang)
    hosts: dict[str, None] = {}
    for activity in activities:
        for name, system in policy.activity_systems(activity).items():
            values = {
                "host": system.host or system.name or name,
                "country": country_name(taxonomy, system.location, lang),
            }
            hosts[_("%(host)s, %(country)s") % values] = None
    return tuple(hosts)


def transfer_safeguard(country_code: str, declared: str | None, taxonomy: Taxonomy) -> Term | None:
    """The safeguard of a transfer: the declared one, else the adequacy decision covering the country."""
    if declared is not None:
        return taxonomy.safeguards.get(declared)
    country = taxonomy.countries.get(country_code)
    if country is not None and country.adequacy is not None:
        return taxonomy.safeguards.get("adequacy")
    return None


def _recipient_transfers(policy: Policy, activity: Activity, taxonomy: Taxonomy, lang: str) -> list[TransferLine]:
    declared = {transfer.recipient for transfer in policy.transfers}
    lines = []
    for recipient in activity.recipients:
        if recipient.country is None or _names(recipient) & declared:
            continue
        if is_transfer(recipient.country, taxonomy):
            lines.append(_transfer_line(recipient.name.get(lang), recipient.country, None, None, taxonomy, lang))
    return lines


def _names(recipient: Recipient) -> set[str]:
    return {name for name in (recipient.name.fr, recipient.name.en) if name}


def _declared_transfer(transfer: Transfer, taxonomy: Taxonomy, lang: str) -> TransferLine:
    return _transfer_line(
        transfer.recipient, transfer.country, transfer.safeguard, transfer.documentation, taxonomy, lang
    )


def _transfer_line(
    recipient: str,
    country_code: str,
    safeguard_key: str | None,
    documentation: str | None,
    taxonomy: Taxonomy,
    lang: str,
) -> TransferLine:
    _ = translator(lang)
    safeguard = transfer_safeguard(country_code, safeguard_key, taxonomy)
    country = taxonomy.countries.get(country_code)
    if documentation is None and safeguard is not None and safeguard.key == "adequacy" and country:
        documentation = country.adequacy.decision if country.adequacy else None
    return TransferLine(
        recipient=recipient,
        country_code=country_code,
        country=country_name(taxonomy, country_code, lang),
        safeguard=safeguard.label.get(lang) if safeguard else _("No safeguard declared"),
        article=cite_article(safeguard.article, lang) if safeguard else "",
        documentation=documentation or "",
    )
