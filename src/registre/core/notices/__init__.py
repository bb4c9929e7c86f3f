"""Notices of change to the clients of processor activities: who is told of which sub-processor, on which terms.

A policy change that engages a sub-processor for processor activities is put
to the clients of those activities (Art. 28(2) GDPR): a campaign sends each
of them one notice, and each notice ends in an outcome (an objection, a
consent, or silence once its window has passed). These are the rules; the
application database keeps the campaigns, the deliveries and the answers.
"""

from registre.core.notices.campaign import CampaignPlan, ClientNotice, NoticeItem, Terms, describe_item, plan_campaign
from registre.core.notices.outcome import (
    ANSWERS,
    OUTCOMES,
    Answer,
    NoticeError,
    Outcome,
    blocks_change,
    check_answer,
    decide_outcome,
)

__all__ = [
    "ANSWERS",
    "OUTCOMES",
    "Answer",
    "CampaignPlan",
    "ClientNotice",
    "NoticeError",
    "NoticeItem",
    "Outcome",
    "Terms",
    "blocks_change",
    "check_answer",
    "decide_outcome",
    "describe_item",
    "plan_campaign",
]
