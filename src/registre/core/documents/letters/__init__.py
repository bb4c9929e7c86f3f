"""Letters answering a person's request, signed by the DPO, in French and English.

One letter per outcome of a rights request: the access answer (the bundle
and what it holds), the erasure (what was erased, anonymised, and what the
law requires to keep, until when), the rectification, the restriction, the
objection, a refusal (Art. 12(4)), an extension of the time limit (Art.
12(3)), and, for a processor, the forwarding of the request to the client
that controls the data (Art. 28(3)(e)). Each is laid out once (`Letter`)
and written as HTML, PDF or the plain-text body of an email.

    letter = render_response_letter("erasure", policy, result=erasure, received=dt.date(2026, 11, 2))
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from registre.core.documents.environment import render_template
from registre.core.documents.letters.bodies import LETTER_KINDS, LetterKind, LetterRequest, letter_body, letter_subject
from registre.core.documents.letters.letter import Block, Items, Letter, Paragraph, frame_letter
from registre.core.documents.pdf import write_pdf
from registre.core.engine import AccessResult, ChangeResult, ErasureResult
from registre.core.i18n import Lang
from registre.core.policy import Policy

__all__ = [
    "LETTER_KINDS",
    "Block",
    "Items",
    "Letter",
    "LetterFormat",
    "LetterKind",
    "Paragraph",
    "build_response_letter",
    "render_response_letter",
    "response_letter_subject",
]

LetterFormat = Literal["html", "pdf", "txt"]


def render_response_letter(
    kind: LetterKind,
    policy: Policy,
    *,
    lang: Lang = "fr",
    fmt: LetterFormat = "html",
    today: dt.date | None = None,
    requester_name: str | None = None,
    received: dt.date | None = None,
    result: ErasureResult | ChangeResult | AccessResult | None = None,
    reason: str | None = None,
    extended_until: dt.date | None = None,
    client: str | None = None,
    activities: Sequence[str] = (),
    download_url: str | None = None,
    available_until: dt.date | None = None,
) -> bytes:
    """The letter answering a request, as HTML, PDF or plain text (an email body, UTF-8).

    `today` dates the letter (default: the day of the result, else today);
    `received` is the day the request was received. What each kind needs:

    - erasure: `result` (ErasureResult), required;
    - access: `result` (AccessResult) to summarise what was found, and
      `download_url` (with `available_until`) when the bundle is downloaded
      rather than attached;
    - rectification, restriction: `result` (ChangeResult), optional;
    - objection: `activities`, the keys of the activities objected to
      (default: every controller activity on a basis open to objection);
    - refusal: `reason`, required (Art. 12(4));
    - extension: `reason`, required, and `extended_until` (default: the
      latest day Art. 12(3) allows, counted from `received`);
    - forwarded_to_client: `client`, the client's name, when it may be given.

    Raises ValueError when a required value is missing or the result shows
    a failure (a letter must not claim what was not done), TypeError for a
    result of the wrong kind.
    """
    letter = build_response_letter(
        kind,
        policy,
        lang=lang,
        today=today,
        requester_name=requester_name,
        received=received,
        result=result,
        reason=reason,
        extended_until=extended_until,
        client=client,
        activities=activities,
        download_url=download_url,
        available_until=available_until,
    )
    if fmt == "txt":
        return render_template("letter.txt.j2", lang, letter=letter).encode("utf-8")
    html = render_template(
        "letter.html.j2", lang, letter=letter, title=letter.subject, author=letter.organisation.name, date=letter.date
    )
    if fmt == "html":
        return html.encode("utf-8")
    if fmt == "pdf":
        return write_pdf(html)
    raise ValueError(f"unknown letter format {fmt!r}: choose html, pdf or txt")


def build_response_letter(
    kind: LetterKind,
    policy: Policy,
    *,
    lang: Lang = "fr",
    today: dt.date | None = None,
    requester_name: str | None = None,
    received: dt.date | None = None,
    result: ErasureResult | ChangeResult | AccessResult | None = None,
    reason: str | None = None,
    extended_until: dt.date | None = None,
    client: str | None = None,
    activities: Sequence[str] = (),
    download_url: str | None = None,
    available_until: dt.date | None = None,
) -> Letter:
    """The letter of `render_response_letter`, laid out but not written."""
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter {kind!r}: choose one of {', '.join(LETTER_KINDS)}")
    result_day = result.today if isinstance(result, AccessResult | ErasureResult) else None
    day = today or result_day or dt.date.today()
    request = LetterRequest(
        kind=kind,
        policy=policy,
        lang=lang,
        today=day,
        received=received,
        result=result,
        reason=reason,
        extended_until=extended_until,
        client=client,
        activities=tuple(activities),
        download_url=download_url,
        available_until=available_until,
    )
    return frame_letter(
        policy,
        lang,
        subject=letter_subject(kind, lang),
        blocks=letter_body(request),
        today=day,
        received=received,
        requester_name=requester_name,
    )


def response_letter_subject(kind: LetterKind, lang: Lang = "fr") -> str:
    """The subject of the letter, for the email that carries it."""
    return letter_subject(kind, lang)
