"""The body of each kind of response letter, from the request, the engine's result and the policy.

Art. 12(3): the controller tells the person what action was taken on their
request; Art. 12(4): when it takes none, it says why, and that the person
may complain to a supervisory authority and seek a judicial remedy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from registre.core.deadlines import MAX_EXTENSION_MONTHS, response_deadline
from registre.core.documents.access_report.view import reported_exports
from registre.core.documents.dates import format_long_date
from registre.core.documents.letters.letter import Block, Items, Paragraph
from registre.core.documents.letters.outcomes import (
    change_items,
    erasure_items,
    found_items,
    kept_sentences,
    pseudonymised_erasure,
)
from registre.core.documents.notice import supervisory_authority
from registre.core.documents.vocabulary import in_sentence, policy_taxonomy, translator
from registre.core.engine import AccessResult, ChangeResult, ErasureResult
from registre.core.i18n import get_translations
from registre.core.policy import Policy

R = TypeVar("R", AccessResult, ErasureResult, ChangeResult)

LetterKind = Literal[
    "access", "erasure", "rectification", "restriction", "objection", "refusal", "extension", "forwarded_to_client"
]
LETTER_KINDS: tuple[LetterKind, ...] = (
    "access",
    "erasure",
    "rectification",
    "restriction",
    "objection",
    "refusal",
    "extension",
    "forwarded_to_client",
)


@dataclass(frozen=True)
class LetterRequest:
    """What a letter answers: the request's kind and receipt, the engine's result, and what the DPO adds."""

    kind: LetterKind
    policy: Policy
    lang: str
    today: dt.date
    received: dt.date | None = None
    result: ErasureResult | ChangeResult | AccessResult | None = None
    reason: str | None = None
    extended_until: dt.date | None = None
    client: str | None = None
    activities: tuple[str, ...] = field(default_factory=tuple)
    download_url: str | None = None
    available_until: dt.date | None = None


def letter_subject(kind: LetterKind, lang: str) -> str:
    """The subject line of a letter, also the subject of its email."""
    _ = translator(lang)
    subjects = {
        "access": _("Your request for access to your personal data"),
        "erasure": _("Your request for the erasure of your personal data"),
        "rectification": _("Your request for the rectification of your personal data"),
        "restriction": _("Your request for the restriction of the processing of your personal data"),
        "objection": _("Your objection to the processing of your personal data"),
        "refusal": _("Your request concerning your personal data"),
        "extension": _("Extension of the time limit for answering your request"),
        "forwarded_to_client": _("Your request has been forwarded to the controller"),
    }
    return subjects[kind]


def letter_body(request: LetterRequest) -> tuple[Block, ...]:
    """The paragraphs of the letter: the receipt of the request, then what the kind of letter says."""
    return (Paragraph(_receipt(request)), *_BODIES[request.kind](request))


def _receipt(request: LetterRequest) -> str:
    """ "Votre demande d'effacement de vos données personnelles (article 17 du RGPD) nous est parvenue le …"."""
    _ = translator(request.lang)
    requests = {
        "access": _("Your request for access to your personal data (Article 15 GDPR)"),
        "erasure": _("Your request for the erasure of your personal data (Article 17 GDPR)"),
        "rectification": _("Your request for the rectification of your personal data (Article 16 GDPR)"),
        "restriction": _("Your request for the restriction of the processing of your personal data (Article 18 GDPR)"),
        "objection": _("Your objection to the processing of your personal data (Article 21 GDPR)"),
    }
    phrase = requests.get(request.kind) or _("Your request concerning your personal data")
    if request.received is None:
        return _("We have received %(request)s.") % {"request": in_sentence(phrase)}
    return _("%(request)s reached us on %(date)s.") % {
        "request": phrase,
        "date": format_long_date(request.received, request.lang),
    }


def _access(request: LetterRequest) -> tuple[Block, ...]:
    result = _result(request, AccessResult)
    blocks: list[Block] = []
    if result is not None and not result.ok:
        raise ValueError(f"the access failed in {', '.join(sorted(result.errors))}: run it again before answering")
    if result is not None:
        items = found_items(result, request.policy, request.lang)
        if not items:
            return (Paragraph(_nothing_found(request.lang)),)
        rows = sum(len(export.rows) for export, _activities in reported_exports(result, request.policy))
        total = get_translations(request.lang).ngettext(
            "We found %(num)d record about you, in the following data:",
            "We found %(num)d records about you, in the following data:",
            rows,
        )
        blocks.append(Items(str(total) % {"num": rows}, items))
    return (*blocks, _files(request, portability=bool(result and result.portability)))


def _files(request: LetterRequest, *, portability: bool) -> Block:
    """The bundle: where to find it, and what its files hold."""
    _ = translator(request.lang)
    copy = _(
        "a complete copy of your data in a structured, commonly used and machine-readable format: the file "
        "data.json and one CSV file per set of data, which a spreadsheet opens."
    )
    report = _(
        "a report (report-%(lang)s.pdf, also in HTML) that presents your data and, for each processing, its "
        "purpose, legal basis, recipients, retention period and source, followed by your rights;"
    ) % {"lang": request.lang}
    items = (copy,) if portability else (report, copy)
    if request.download_url is None:
        return Items(_("You will find attached:"), items)
    if request.available_until is None:
        lead = _("You can download the following files from this secure link: %(url)s")
    else:
        lead = _("You can download the following files from this secure link, until %(date)s: %(url)s")
    until = format_long_date(request.available_until, request.lang)
    lead = lead % {"url": request.download_url, "date": until}
    return Items(lead, items)


def _erasure(request: LetterRequest) -> tuple[Block, ...]:
    _ = translator(request.lang)
    result = _result(request, ErasureResult, required=True)
    assert result is not None
    if not result.ok:
        failed = ", ".join(system.system for system in result.systems if system.error)
        raise ValueError(f"the erasure failed in {failed}: run it again before answering the person")
    items = erasure_items(result, request.policy, request.lang)
    if not items:
        return (Paragraph(_("We searched all our systems and found no personal data about you to erase.")),)
    blocks: list[Block] = [
        Items(_("We have acted on it. Here is what we have done with the data we held about you:"), items)
    ]
    pseudonymised, anonymised = pseudonymised_erasure(result, request.policy)
    if anonymised:
        blocks.append(
            Paragraph(_("In anonymised records, the data that identified you have been deleted or replaced."))
        )
    if pseudonymised:
        blocks.append(
            Paragraph(
                _(
                    "In pseudonymised records, the data that identified you have been deleted or replaced by a "
                    "pseudonym, which only a secret key that we hold could link back to you: these records remain "
                    "personal data, kept only for the purposes stated."
                )
            )
        )
    blocks.extend(Paragraph(sentence) for sentence in kept_sentences(result, request.policy, request.lang))
    return tuple(blocks)


def _rectification(request: LetterRequest) -> tuple[Block, ...]:
    _ = translator(request.lang)
    result = _change_result(request, "rectify")
    if result is None:
        return (Paragraph(_("We have corrected your data as you asked.")),)
    items = change_items(result, request.policy, request.lang)
    if not items:
        return (Paragraph(_("Your data in our systems already matched your request: nothing needed correcting.")),)
    return (Items(_("We have corrected your data as you asked, in the following data:"), items),)


def _restriction(request: LetterRequest) -> tuple[Block, ...]:
    _ = translator(request.lang)
    result = _change_result(request, "restrict")
    items = change_items(result, request.policy, request.lang) if result is not None else ()
    lead = Items(_("We have restricted the processing of your data, in the following data:"), items) if items else None
    meaning = Paragraph(
        _(
            "Restricted data are kept, but we no longer use them, except to store them, with your consent, for the "
            "establishment, exercise or defence of legal claims, for the protection of the rights of another person, "
            "or for reasons of important public interest (Article 18(2) GDPR). We will tell you before the "
            "restriction is lifted (Article 18(3) GDPR)."
        )
    )
    return (lead or Paragraph(_("We have restricted the processing of your data.")), meaning)


def _objection(request: LetterRequest) -> tuple[Block, ...]:
    _ = translator(request.lang)
    policy = request.policy
    taxonomy = policy_taxonomy(policy)
    keys = request.activities or tuple(
        key
        for key, activity in policy.activities_by_role("controller").items()
        if activity.legal_basis in taxonomy.legal_bases and taxonomy.legal_bases[activity.legal_basis].objection
    )
    purposes = tuple(policy.activities[key].purpose.get(request.lang) for key in keys if key in policy.activities)
    stopped: Block = (
        Items(_("We have taken it into account: we no longer process your data for the following purposes:"), purposes)
        if purposes
        else Paragraph(_("We have taken it into account."))
    )
    others = Paragraph(
        _(
            "Processing of your data that rests on another legal basis, such as the performance of a contract with "
            "you or compliance with a legal obligation, continues, for those purposes only."
        )
    )
    return (stopped, others)


def _refusal(request: LetterRequest) -> tuple[Block, ...]:
    _ = translator(request.lang)
    reason = _required(request.reason, "a refusal states its reason (Art. 12(4) GDPR)")
    authority = supervisory_authority(request.policy.organisation.supervisory_authority, request.lang)
    contact = ", ".join(part for part in (authority.name, authority.address, authority.website) if part)
    return (
        Paragraph(_("We cannot act on it, for the following reason:")),
        Paragraph(reason, quoted=True),
        Paragraph(
            _(
                "If you disagree with this decision, you can lodge a complaint with the supervisory authority and "
                "seek a judicial remedy before the competent court (Articles 12(4), 77 and 79 GDPR). The supervisory "
                "authority is: %(authority)s."
            )
            % {"authority": contact}
        ),
    )


def _extension(request: LetterRequest) -> tuple[Block, ...]:
    _ = translator(request.lang)
    reason = _required(request.reason, "an extension states its reasons (Art. 12(3) GDPR)")
    until = _extended_until(request)
    return (
        Paragraph(
            _(
                "We need more time to answer it, given its complexity and the number of requests we are handling. "
                "Article 12(3) GDPR allows us to extend the one-month time limit by two further months where "
                "necessary: we will answer you by %(date)s at the latest."
            )
            % {"date": format_long_date(until, request.lang)}
        ),
        Paragraph(_("The reasons for this extension:")),
        Paragraph(reason, quoted=True),
    )


def _extended_until(request: LetterRequest) -> dt.date:
    """The new deadline: the one given, within three months of receipt; else the latest one the law allows."""
    country = request.policy.organisation.country
    latest = (
        response_deadline(request.received, country=country, extension_months=MAX_EXTENSION_MONTHS)
        if request.received
        else None
    )
    until = request.extended_until or latest
    if until is None:
        raise ValueError("an extension needs the new deadline (extended_until) or the day the request was received")
    if latest is not None and until > latest:
        raise ValueError(f"the deadline can be extended to {latest.isoformat()} at most (Art. 12(3) GDPR)")
    return until


def _forwarded_to_client(request: LetterRequest) -> tuple[Block, ...]:
    _ = translator(request.lang)
    organisation = request.policy.organisation.name
    if request.client:
        concerns = _(
            "It concerns data that %(organisation)s processes on behalf of one of its clients, %(client)s, as a "
            "processor (Article 28 GDPR). That client, as the controller, decides how these data are used and "
            "answers requests about them."
        ) % {"organisation": organisation, "client": request.client}
    else:
        concerns = _(
            "It concerns data that %(organisation)s processes on behalf of one of its clients, as a processor "
            "(Article 28 GDPR). That client, as the controller, decides how these data are used and answers "
            "requests about them."
        ) % {"organisation": organisation}
    forwarded = _(
        "We forwarded your request to it on %(date)s; it will answer you directly, and we will help it to do so "
        "(Article 28(3)(e) GDPR)."
    ) % {"date": format_long_date(request.today, request.lang)}
    return (Paragraph(concerns), Paragraph(forwarded))


def _nothing_found(lang: str) -> str:
    _ = translator(lang)
    return _(
        "We searched all our systems with the identifiers you gave us and found no personal data about you. "
        "We therefore process no data about you."
    )


def _result(request: LetterRequest, kind: type[R], *, required: bool = False) -> R | None:
    if request.result is None:
        if required:
            raise ValueError(f"a letter of kind {request.kind!r} needs the result of the request ({kind.__name__})")
        return None
    if not isinstance(request.result, kind):
        raise TypeError(
            f"a letter of kind {request.kind!r} takes a {kind.__name__}, not {type(request.result).__name__}"
        )
    return request.result


def _change_result(request: LetterRequest, action: str) -> ChangeResult | None:
    result = _result(request, ChangeResult)
    if result is not None and result.action != action:
        raise ValueError(f"a letter of kind {request.kind!r} takes the result of {action!r}, not {result.action!r}")
    if result is not None and not result.ok:
        failed = ", ".join(system.system for system in result.systems if system.error)
        raise ValueError(f"the request failed in {failed}: run it again before answering the person")
    return result


def _required(value: str | None, message: str) -> str:
    if not value or not value.strip():
        raise ValueError(message)
    return value.strip()


_BODIES: dict[LetterKind, Callable[[LetterRequest], tuple[Block, ...]]] = {
    "access": _access,
    "erasure": _erasure,
    "rectification": _rectification,
    "restriction": _restriction,
    "objection": _objection,
    "refusal": _refusal,
    "extension": _extension,
    "forwarded_to_client": _forwarded_to_client,
}
