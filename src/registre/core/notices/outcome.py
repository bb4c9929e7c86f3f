"""What a client's notice comes to: an objection, a consent, or silence once its window has passed.

- An answer counts only while the window is open: from the day the notice is
  sent until the day before it closes (the effective date, or later for a
  late notice). One answer per notice: it cannot be changed by the link.
- Silence is acceptance only when the window has passed and the client's
  terms are an objection window; where its agreement demands prior consent,
  silence is a refusal (Art. 28(2) GDPR: "prior specific or general written
  authorisation").
- An objection, or a refusal by silence, blocks the change for that client.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from registre.core.notices.campaign import Terms

Answer = Literal["objected", "consented"]
Outcome = Literal["not_sent", "awaiting", "objected", "consented", "accepted", "refused"]
ANSWERS: tuple[Answer, ...] = ("objected", "consented")
OUTCOMES: tuple[Outcome, ...] = ("not_sent", "awaiting", "objected", "consented", "accepted", "refused")


class NoticeError(ValueError):
    """An answer the rules refuse; `code` names why (`not-sent`, `window-closed`, `answered`, `unknown-answer`)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def decide_outcome(
    terms: Terms, *, sent_on: dt.date | None, closes: dt.date | None, answer: Answer | None, today: dt.date
) -> Outcome:
    """Where a notice stands on `today`: its answer, else awaiting one, else what its silence means."""
    if answer is not None:
        return answer
    if sent_on is None or closes is None:
        return "not_sent"
    if today < closes:
        return "awaiting"
    return "accepted" if terms == "objection" else "refused"


def check_answer(
    answer: str, *, sent_on: dt.date | None, closes: dt.date | None, answered: bool, today: dt.date
) -> Answer:
    """`answer` as an Answer when it may be recorded on `today`; NoticeError otherwise."""
    if answer not in ANSWERS:
        raise NoticeError("unknown-answer")
    if sent_on is None or closes is None:
        raise NoticeError("not-sent")
    if answered:
        raise NoticeError("answered")
    if today >= closes:
        raise NoticeError("window-closed")
    return answer


def blocks_change(outcome: Outcome) -> bool:
    """Whether the change must not apply to the client: it objected, or its consent is owed and was not given."""
    return outcome in ("objected", "refused")
