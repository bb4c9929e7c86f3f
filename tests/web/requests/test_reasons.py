"""The engine's reasons, in the reader's language."""

from __future__ import annotations

from django.utils import translation

from registre.web.requests.reasons import present_plan, translate_reason


def test_known_reasons_are_translated_and_unknown_ones_kept():
    with translation.override("fr"):
        assert translate_reason("erase: delete") == "l’ensemble de données est effacé par suppression des lignes"
        assert translate_reason("something new") == "something new"


def test_a_hold_keeps_its_legal_reference():
    with translation.override("en"):
        reason = "kept: fr.commerce.L123-22, Code de commerce, art. L123-22, 10 years from issued_at, until 2036-03-13"
        assert translate_reason(reason) == (
            "kept under a legal obligation "
            "(fr.commerce.L123-22, Code de commerce, art. L123-22, 10 years from issued_at)"
        )


def test_the_plan_shows_only_the_datasets_a_part_acts_on():
    plan = {
        "parts": [
            {
                "action": "restrict",
                "datasets": ["crm.calls"],
                "plan": {
                    "systems": [
                        {
                            "system": "crm",
                            "datasets": [
                                {
                                    "dataset": "contacts",
                                    "rows": 1,
                                    "decisions": [{"kind": "skip", "rows": 1, "reason": "x"}],
                                },
                                {
                                    "dataset": "calls",
                                    "rows": 2,
                                    "decisions": [{"kind": "restrict", "rows": 2, "reason": "y"}],
                                },
                            ],
                        }
                    ]
                },
            }
        ]
    }
    (part,) = present_plan(plan)
    assert [d["dataset"] for d in part["systems"][0]["datasets"]] == ["calls"]
    assert part["systems"][0]["found"] == 2


def test_a_decision_with_a_code_is_rendered_by_the_core_catalogs():
    from registre.web.requests.reasons import explain, label_decision

    decision = {
        "kind": "keep",
        "rows": 2,
        "code": "keep.hold",
        "params": {"rule": "fr.commerce.L123-22, 10 years", "basis": "fr.commerce.L123-22", "until": "2034-02-10"},
        "reason": "kept: fr.commerce.L123-22, 10 years",
    }
    with translation.override("fr"):
        assert explain(decision, 2) == (
            "conservées en application d’une obligation légale (fr.commerce.L123-22) jusqu’au 10 février 2034"
        )
        assert label_decision("cut") == "mention effacée"
    with translation.override("en"):
        assert explain(decision, 2) == "kept under a legal obligation (fr.commerce.L123-22) until 10 February 2034"
