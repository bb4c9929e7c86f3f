"""What a notice comes to: an answer in its window, or what silence means once the window has passed."""

from __future__ import annotations

import datetime as dt

import pytest

from registre.core.notices import NoticeError, blocks_change, check_answer, decide_outcome

SENT = dt.date(2026, 2, 1)
CLOSES = dt.date(2026, 3, 1)


def test_silence_is_acceptance_only_once_the_window_has_passed():
    before = decide_outcome("objection", sent_on=SENT, closes=CLOSES, answer=None, today=dt.date(2026, 2, 28))
    after = decide_outcome("objection", sent_on=SENT, closes=CLOSES, answer=None, today=CLOSES)
    assert (before, after) == ("awaiting", "accepted")
    assert not blocks_change("accepted")


def test_silence_is_a_refusal_where_the_agreement_demands_prior_consent():
    outcome = decide_outcome("consent", sent_on=SENT, closes=CLOSES, answer=None, today=dt.date(2026, 4, 1))
    assert outcome == "refused" and blocks_change(outcome)


def test_a_notice_never_sent_is_never_accepted_by_silence():
    outcome = decide_outcome("objection", sent_on=None, closes=None, answer=None, today=dt.date(2027, 1, 1))
    assert outcome == "not_sent" and not blocks_change(outcome)


def test_an_answer_stands_whatever_the_date():
    assert decide_outcome("objection", sent_on=SENT, closes=CLOSES, answer="objected", today=CLOSES) == "objected"
    assert decide_outcome("consent", sent_on=SENT, closes=CLOSES, answer="consented", today=CLOSES) == "consented"
    assert blocks_change("objected") and not blocks_change("consented")


def test_an_answer_is_taken_until_the_day_before_the_window_closes():
    assert check_answer("objected", sent_on=SENT, closes=CLOSES, answered=False, today=dt.date(2026, 2, 28)) == (
        "objected"
    )
    with pytest.raises(NoticeError) as refused:
        check_answer("objected", sent_on=SENT, closes=CLOSES, answered=False, today=CLOSES)
    assert refused.value.code == "window-closed"


@pytest.mark.parametrize(
    ("answer", "sent_on", "answered", "code"),
    [
        ("approved", SENT, False, "unknown-answer"),
        ("consented", None, False, "not-sent"),
        ("consented", SENT, True, "answered"),
    ],
)
def test_answers_the_rules_refuse_carry_a_code(answer, sent_on, answered, code):
    with pytest.raises(NoticeError) as refused:
        check_answer(answer, sent_on=sent_on, closes=CLOSES, answered=answered, today=dt.date(2026, 2, 2))
    assert refused.value.code == code
