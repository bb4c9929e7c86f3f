"""Which rights the notice states, and for which activities."""

from __future__ import annotations

from collections.abc import Callable

from registre.core.documents.rights import NoticeRight, notice_rights
from registre.core.documents.vocabulary import policy_taxonomy
from registre.core.policy import Policy


def rights(policy: Policy, lang: str = "en") -> dict[str, NoticeRight]:
    found = notice_rights(policy.activities_by_role("controller"), policy_taxonomy(policy), lang)
    return {right.key: right for right in found}


def test_every_right_that_applies_is_stated_in_taxonomy_order(cloud_host: Policy) -> None:
    keys = list(rights(cloud_host))
    assert keys == [
        "access",
        "rectification",
        "erasure",
        "restriction",
        "portability",
        "objection",
        "automated_decision",
        "post_mortem",
        "complaint",
    ]


def test_withdrawal_of_consent_appears_only_where_processing_rests_on_consent(
    cloud_host: Policy, with_activity: Callable[..., Policy]
) -> None:
    assert "withdraw_consent" not in rights(cloud_host)
    policy = with_activity(cloud_host, "prospecting", legal_basis="consent", legitimate_interest=None)
    withdraw = rights(policy)["withdraw_consent"]
    assert withdraw.applies_to == ("Prospecting and newsletter",)
    assert withdraw.article == "Article 7(3) GDPR"


def test_objection_concerns_the_legitimate_interest_activities(cloud_host: Policy) -> None:
    objection = rights(cloud_host, "fr")["objection"]
    assert objection.applies_to == (
        "Enregistrement des appels au support",
        "Prospection commerciale et lettre d'information",
    )


def test_portability_concerns_consent_and_contract(cloud_host: Policy) -> None:
    portability = rights(cloud_host)["portability"]
    assert portability.applies_to == ("Customer and contract management", "Customer support")


def test_without_automated_decisions_the_notice_says_so(cloud_host: Policy) -> None:
    right = rights(cloud_host, "fr")["automated_decision"]
    assert right.note == (
        "Nous ne prenons aucune décision vous concernant fondée exclusivement sur un traitement automatisé."
    )


def test_post_mortem_directives_cite_french_law(cloud_host: Policy) -> None:
    assert rights(cloud_host)["post_mortem"].article.startswith("Loi n° 78-17")
