"""The deletion certificate a processor gives its client at the end of the contract, in French and English.

Art. 28(3)(g) GDPR: at the end of the services, the processor deletes all
the personal data processed on behalf of the client, and existing copies,
unless Union or Member State law requires their storage. The certificate
states what was deleted (systems, sets of data, records), when, under which
rule (the data processing agreement's end-of-contract clause), what was kept
and why (legal basis, until when), what happens to the backups, and the
audit-log hash that anchors it; it is signed by the data protection officer
under the organisation's letterhead (the letters' look).

The deletion comes from `retention.delete_tenant`; the documents do not
import the retention layer, so it is read through the shape it has
(`TenantDeletionRecord`).

    pdf = render_deletion_certificate(deletion, policy, client_name="Acme SAS", contract_end=date(2026, 11, 13),
                                      deletion_delay_days=10, lang="fr", fmt="pdf", audit_anchor=entry_hash,
                                      issued=date(2026, 11, 23))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from babel.numbers import format_decimal

from registre.core.documents.access_report.records import dataset_title
from registre.core.documents.dates import format_long_date
from registre.core.documents.environment import render_template
from registre.core.documents.letters.letter import legal_line, signatory
from registre.core.documents.parties import Party, contact_party, organisation_party
from registre.core.documents.pdf import write_pdf
from registre.core.documents.retention_text import describe_duration
from registre.core.documents.vocabulary import cite_article, country_name, in_sentence, policy_taxonomy, translator
from registre.core.engine import KeptRows
from registre.core.i18n import Lang, get_translations
from registre.core.policy import Dataset, Policy
from registre.core.taxonomy import Taxonomy

CertificateFormat = Literal["pdf", "html"]
ARTICLE = "28(3)(g)"
_NUMBER_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


class DeletedDataset(Protocol):
    """One processor dataset of a tenant deletion (`retention.DatasetDeletion`)."""

    @property
    def system(self) -> str: ...
    @property
    def dataset(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def deleted(self) -> int: ...
    @property
    def held(self) -> Sequence[KeptRows]: ...
    @property
    def case_held(self) -> int: ...
    @property
    def referenced(self) -> int: ...


class TenantDeletionRecord(Protocol):
    """A tenant deletion (`retention.TenantDeletion`), as the certificate reads it."""

    @property
    def tenant(self) -> str: ...
    @property
    def started_at(self) -> dt.datetime: ...
    @property
    def finished_at(self) -> dt.datetime: ...
    @property
    def complete(self) -> bool: ...
    @property
    def case_references(self) -> Sequence[str]: ...
    @property
    def datasets(self) -> Sequence[DeletedDataset]: ...


@dataclass(frozen=True)
class DeletedLine:
    """A row of the table of deleted data."""

    system: str
    dataset: str
    records: str


@dataclass(frozen=True)
class KeptLine:
    """A row of the table of kept data: what, how many, on which basis, until when."""

    dataset: str
    records: str
    basis: str
    until: str


@dataclass(frozen=True)
class Certificate:
    """Everything the certificate says, in one language."""

    lang: str
    date: dt.date
    title: str
    subtitle: str
    organisation: Party
    legal_line: str
    place_date: str
    facts: tuple[tuple[str, str], ...]
    statement: str
    rule: tuple[str, ...]
    deleted: tuple[DeletedLine, ...]
    deleted_total: str
    kept: tuple[KeptLine, ...]
    kept_text: str
    copies: tuple[str, ...]
    anchor: str | None
    anchor_text: tuple[str, ...]
    signatory: tuple[str, ...]
    subprocessors: tuple[str, ...] = ()


def render_deletion_certificate(
    deletion: TenantDeletionRecord,
    policy: Policy,
    *,
    client_name: str,
    contract_end: dt.date,
    deletion_delay_days: int,
    lang: Lang = "fr",
    fmt: CertificateFormat = "pdf",
    audit_anchor: str | None = None,
    issued: dt.date,
) -> bytes:
    """The certificate of a tenant deletion, as PDF or HTML (UTF-8).

    `contract_end` and `deletion_delay_days` are the client's contract end
    and the agreement's deletion delay; `audit_anchor` is the hash of the
    audit-log entry recording the deletion (no anchor section without it);
    `issued` dates the certificate. Raises ValueError when the deletion is
    not complete (stopped by a case hold, a system failed, rows left): a
    certificate must not state what was not done.
    """
    certificate = build_deletion_certificate(
        deletion,
        policy,
        client_name=client_name,
        contract_end=contract_end,
        deletion_delay_days=deletion_delay_days,
        lang=lang,
        audit_anchor=audit_anchor,
        issued=issued,
    )
    html = render_template(
        "certificate.html.j2",
        lang,
        certificate=certificate,
        title=certificate.title,
        author=certificate.organisation.name,
        date=issued,
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown certificate format {fmt!r}: choose pdf or html")


def build_deletion_certificate(
    deletion: TenantDeletionRecord,
    policy: Policy,
    *,
    client_name: str,
    contract_end: dt.date,
    deletion_delay_days: int,
    lang: Lang = "fr",
    audit_anchor: str | None = None,
    issued: dt.date,
) -> Certificate:
    """The certificate of `render_deletion_certificate`, laid out but not written."""
    if not deletion.complete:
        raise ValueError("the deletion is not complete (stopped, failed or rows left): no certificate can state it")
    if deletion_delay_days < 0:
        raise ValueError("the deletion delay cannot be negative")
    _ = translator(lang)
    taxonomy = policy_taxonomy(policy)
    organisation = organisation_party(policy.organisation, taxonomy, lang)
    dpo = contact_party(policy.organisation.contacts.dpo, taxonomy, lang)
    datasets = _in_policy_order(deletion.datasets, policy)
    deadline = contract_end + dt.timedelta(days=deletion_delay_days)
    kept = _kept_lines(deletion, datasets, policy, lang)
    return Certificate(
        lang=lang,
        date=issued,
        title=_("Certificate of deletion of personal data"),
        subtitle=_("End of the contract with %(client)s") % {"client": client_name},
        organisation=organisation,
        legal_line=legal_line(policy, organisation),
        place_date=_signed_at(organisation, issued, lang),
        facts=_facts(deletion, datasets, client_name, contract_end, deadline, lang),
        statement=_statement(organisation, dpo, client_name, lang),
        rule=_rule(organisation, contract_end, deadline, deletion_delay_days, deletion.finished_at, lang),
        deleted=tuple(_deleted_line(dataset, policy, lang) for dataset in datasets),
        deleted_total=number(sum(dataset.deleted for dataset in datasets), lang),
        kept=kept,
        kept_text=_kept_text(bool(kept), lang),
        copies=_copies(policy, datasets, deletion.finished_at, lang),
        subprocessors=_subprocessors(policy, datasets, taxonomy, lang),
        anchor=audit_anchor,
        anchor_text=_anchor_text(organisation, lang),
        signatory=signatory(dpo, organisation, lang),
    )


def certificate_summary(deletion: TenantDeletionRecord) -> dict[str, Any]:
    """What the certificate states, as JSON-ready values, to store with it."""
    return {
        "tenant": deletion.tenant,
        "started_at": deletion.started_at.isoformat(),
        "finished_at": deletion.finished_at.isoformat(),
        "complete": deletion.complete,
        "deleted": sum(dataset.deleted for dataset in deletion.datasets),
        "kept": sum(_kept_count(dataset) for dataset in deletion.datasets),
        "case_references": list(deletion.case_references),
        "datasets": [
            {
                "system": dataset.system,
                "dataset": dataset.dataset,
                "deleted": dataset.deleted,
                "kept": _kept_count(dataset),
                "held": [
                    {
                        "basis": kept.rule.basis,
                        "citation": kept.rule.citation,
                        "rows": kept.rows,
                        "until": kept.until.isoformat() if kept.until else None,
                    }
                    for kept in dataset.held
                ],
                "case_held": dataset.case_held,
                "referenced": dataset.referenced,
            }
            for dataset in deletion.datasets
        ],
    }


def number(value: int, lang: str) -> str:
    """A count as `lang` writes it: 12 345 (French, narrow no-break space), 12,345 (English)."""
    return str(format_decimal(value, locale=_NUMBER_LOCALES.get(lang, lang)))


def moment(value: dt.datetime, lang: str) -> str:
    """ "23 novembre 2026 à 9 h 30 (UTC)", "23 November 2026 at 09:30 (UTC)"."""
    _ = translator(lang)
    utc = value.astimezone(dt.UTC) if value.tzinfo else value
    time = f"{utc.hour}\u00a0h\u00a0{utc.minute:02d}" if lang == "fr" else f"{utc.hour:02d}:{utc.minute:02d}"
    return _("%(date)s at %(time)s (UTC)") % {"date": format_long_date(utc.date(), lang), "time": time}


def _signed_at(organisation: Party, issued: dt.date, lang: str) -> str:
    """ "Fait à Lille, le 23 novembre 2026", "Signed in Lille on 23 November 2026"."""
    _ = translator(lang)
    values = {"city": organisation.city, "date": format_long_date(issued, lang)}
    return _("Signed in %(city)s on %(date)s") % values if organisation.city else _("Signed on %(date)s") % values


def _kept_count(dataset: DeletedDataset) -> int:
    return sum(kept.rows for kept in dataset.held) + dataset.case_held + dataset.referenced


def _in_policy_order(datasets: Sequence[DeletedDataset], policy: Policy) -> list[DeletedDataset]:
    """The datasets as the policy declares them (the deletion goes children first)."""
    order = {reference: index for index, (reference, *_rest) in enumerate(policy.iter_datasets())}
    return sorted(datasets, key=lambda dataset: order.get(dataset.reference, len(order)))


def _title(policy: Policy, reference: str, lang: str) -> str:
    return dataset_title(reference.partition(".")[2], policy.dataset(reference) or Dataset(), lang)


def _system_name(policy: Policy, name: str) -> str:
    system = policy.systems.get(name)
    return system.name if system is not None and system.name else name


def _facts(
    deletion: TenantDeletionRecord,
    datasets: Sequence[DeletedDataset],
    client_name: str,
    contract_end: dt.date,
    deadline: dt.date,
    lang: str,
) -> tuple[tuple[str, str], ...]:
    _ = translator(lang)
    return (
        (_("Client"), client_name),
        (_("Client's tenant key"), deletion.tenant),
        (_("End of the contract"), format_long_date(contract_end, lang)),
        (_("Deletion due by"), format_long_date(deadline, lang)),
        (_("Deletion completed on"), moment(deletion.finished_at, lang)),
        (_("Records deleted"), number(sum(dataset.deleted for dataset in datasets), lang)),
        (_("Records kept"), number(sum(_kept_count(dataset) for dataset in datasets), lang)),
    )


def _statement(organisation: Party, dpo: Party, client_name: str, lang: str) -> str:
    """Who certifies what: the DPO by name, else the organisation."""
    _ = translator(lang)
    values = {"name": dpo.full_name, "organisation": organisation.name, "client": client_name}
    if signatory(dpo, organisation, lang) == (organisation.name,):
        return (
            _(
                "%(organisation)s certifies that the personal data it processed as a processor on behalf of its "
                "client %(client)s have been deleted, as set out below."
            )
            % values
        )
    return (
        _(
            "%(name)s, data protection officer of %(organisation)s, certifies that the personal data processed by "
            "%(organisation)s as a processor on behalf of its client %(client)s have been deleted, as set out below."
        )
        % values
    )


def _rule(
    organisation: Party, contract_end: dt.date, deadline: dt.date, days: int, finished: dt.datetime, lang: str
) -> tuple[str, ...]:
    """The agreement's clause (Art. 28(3)(g)), the deadline it sets, and when the deletion was done."""
    _ = translator(lang)
    translations = get_translations(lang)
    clause = translations.ngettext(
        "The data processing agreement provides that, at the end of the contract, %(organisation)s deletes all "
        "of the client's personal data and the existing copies within %(num)d day, unless Union or Member State "
        "law requires their storage (%(article)s).",
        "The data processing agreement provides that, at the end of the contract, %(organisation)s deletes all "
        "of the client's personal data and the existing copies within %(num)d days, unless Union or Member State "
        "law requires their storage (%(article)s).",
        days,
    ) % {"organisation": organisation.name, "num": days, "article": cite_article(ARTICLE, lang)}
    due = _("The contract ended on %(end)s; the deletion was due by %(deadline)s at the latest.") % {
        "end": format_long_date(contract_end, lang),
        "deadline": format_long_date(deadline, lang),
    }
    done = moment(finished, lang)
    late = (finished.astimezone(dt.UTC).date() if finished.tzinfo else finished.date()) - deadline
    if late.days <= 0:
        when = _("It was completed on %(moment)s, within that time limit.") % {"moment": done}
    else:
        when = translations.ngettext(
            "It was completed on %(moment)s, %(num)d day after that time limit.",
            "It was completed on %(moment)s, %(num)d days after that time limit.",
            late.days,
        ) % {"moment": done, "num": late.days}
    return (str(clause), due, str(when))


def _deleted_line(dataset: DeletedDataset, policy: Policy, lang: str) -> DeletedLine:
    return DeletedLine(
        system=_system_name(policy, dataset.system),
        dataset=_title(policy, dataset.reference, lang),
        records=number(dataset.deleted, lang),
    )


def _kept_lines(
    deletion: TenantDeletionRecord, datasets: Sequence[DeletedDataset], policy: Policy, lang: str
) -> tuple[KeptLine, ...]:
    """One line per reason rows of a dataset are kept: each legal hold, a case hold, references to kept rows."""
    _ = translator(lang)
    lines = []
    for dataset in datasets:
        title = _title(policy, dataset.reference, lang)
        for kept in dataset.held:
            if kept.rows:
                lines.append(KeptLine(title, number(kept.rows, lang), _legal_basis(kept, lang), _until(kept, lang)))
        if dataset.case_held:
            lines.append(
                KeptLine(
                    title,
                    number(dataset.case_held, lang),
                    _case_basis(deletion.case_references, lang),
                    _("Until the hold is lifted"),
                )
            )
        if dataset.referenced:
            basis = _("Records that the kept records refer to (kept with them)")
            until = _("Until the records that refer to them are deleted")
            lines.append(KeptLine(title, number(dataset.referenced, lang), basis, until))
    return tuple(lines)


def _legal_basis(kept: KeptRows, lang: str) -> str:
    """ "Code des postes…, art. L34-1 et R10-13 (données de trafic et de connexion)"; the basis as stated otherwise."""
    label = kept.rule.label.get(lang) if kept.rule.label else ""
    if kept.rule.citation:
        return f"{kept.rule.citation} ({in_sentence(label)})" if label else kept.rule.citation
    return label or kept.rule.basis


def _until(kept: KeptRows, lang: str) -> str:
    _ = translator(lang)
    return format_long_date(kept.until, lang) if kept.until else _("As long as the obligation applies")


def _case_basis(references: Sequence[str], lang: str) -> str:
    _ = translator(lang)
    if not references:
        return _("Hold placed for a dispute or an authority's request")
    return _("Hold placed for a dispute or an authority's request (reference: %(references)s)") % {
        "references": ", ".join(references)
    }


def _kept_text(kept: bool, lang: str) -> str:
    _ = translator(lang)
    if not kept:
        return _("No data of the client was kept: every record has been deleted.")
    return _(
        "The following records are kept only because the law or a pending case requires it. They are used for no "
        "other purpose, and will be deleted as soon as nothing requires keeping them any longer."
    )


def _copies(policy: Policy, datasets: Sequence[DeletedDataset], finished: dt.datetime, lang: str) -> tuple[str, ...]:
    """What happens to backups: when the last one holding the data expires, where the policy says it.

    1. Each system whose backups are declared (`backups: {keep: ...}`): its
       last backup taken before the deletion expires `keep` after it.
    2. Else the backup measures the processor activities describe.
    3. Else the neutral rule: backups expire on their cycle.
    """
    _ = translator(lang)
    scope = _("This certificate covers the systems listed above.")
    done = finished.astimezone(dt.UTC).date() if finished.tzinfo else finished.date()
    declared = _backup_expiries(policy, datasets, done, lang)
    if declared:
        restored = _("The deleted data are never restored from them.")
        return (*declared, restored, scope)
    references = {dataset.reference for dataset in datasets}
    stated = dict.fromkeys(
        measure.details.get(lang)
        for activity in policy.activities_by_role("processor").values()
        if references & set(activity.datasets)
        for measure in activity.security
        if measure.type == "backup" and measure.details is not None
    )
    if not stated:
        return (
            _(
                "Backups are not modified: they expire at the end of their normal rotation cycle, and the deleted "
                "data are never restored from them."
            ),
            scope,
        )
    backups = " ".join(_sentence(text) for text in stated)
    restored = _("The deleted data are never restored from them, and disappear from them as they expire.")
    return (f"{backups} {restored}", scope)


def _backup_expiries(policy: Policy, datasets: Sequence[DeletedDataset], done: dt.date, lang: str) -> list[str]:
    """ "The backups of X keep a copy for 7 days: the last one holding the client's data expires on ...", per system."""
    _ = translator(lang)
    sentences = []
    for name in dict.fromkeys(dataset.system for dataset in datasets):
        system = policy.systems.get(name)
        if system is None or system.backups is None:
            continue
        values = {
            "system": _system_name(policy, name),
            "duration": describe_duration(system.backups.keep, lang),
            "date": format_long_date(system.backups.keep.add_to(done), lang),
        }
        sentence = (
            _(
                "The backups of %(system)s keep a copy for %(duration)s: the last backup holding the client's data "
                "expires on %(date)s, after which no copy of the deleted data remains."
            )
            % values
        )
        if system.backups.note is not None:
            sentence = f"{sentence} {_sentence(system.backups.note.get(lang))}"
        sentences.append(sentence)
    return sentences


def _subprocessors(
    policy: Policy, datasets: Sequence[DeletedDataset], taxonomy: Taxonomy, lang: str
) -> tuple[str, ...]:
    """The sub-processors of the processor activities whose data were deleted: their copies must go too."""
    _ = translator(lang)
    references = {dataset.reference for dataset in datasets}
    keys = dict.fromkeys(
        key
        for activity in policy.activities_by_role("processor").values()
        if references & set(activity.datasets)
        for key in activity.processors
    )
    lines = []
    for key in keys:
        processor = policy.processors.get(key)
        if processor is not None:
            lines.append(
                _("%(name)s, %(country)s: %(purpose)s")
                % {
                    "name": processor.name,
                    "country": country_name(taxonomy, processor.data_location, lang),
                    "purpose": in_sentence(processor.purpose.get(lang)),
                }
            )
    return tuple(lines)


def _sentence(text: str) -> str:
    """A text declared in the policy, as a sentence: a capital first, a full stop last."""
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


def _anchor_text(organisation: Party, lang: str) -> tuple[str, ...]:
    _ = translator(lang)
    return (
        _("This deletion is recorded in the audit log of %(organisation)s. The hash of the entry that records it is:")
        % {"organisation": organisation.name},
        _(
            "How to verify it: each entry of the log holds the SHA-256 hash of its content and of the hash of the "
            "entry before it, so that no entry can be changed, removed or inserted without changing every hash that "
            "follows. On request, we provide the log up to this entry: computing its hashes again must give this "
            "value."
        ),
    )
