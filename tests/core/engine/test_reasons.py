"""Plan reasons are codes with parameters, rendered by the catalogs in English and French."""

from __future__ import annotations

import pytest

from registre.core.engine import Subject, plan_request
from registre.core.engine.reasons import (
    DECISION_KINDS,
    REASONS,
    UnknownReason,
    english_reason,
    render_decision_kind,
    render_reason,
)
from registre.core.i18n import gettext

ADA = Subject.of("email=ada@example.org")


def test_every_reason_and_decision_kind_has_a_french_text():
    for message in [*REASONS.values(), *DECISION_KINDS.values()]:
        assert gettext("fr", message) != message, message


def test_a_hold_is_rendered_with_its_basis_and_its_date_in_each_language():
    params = {
        "rule": "fr.commerce.L123-22, 10 years from issued_at",
        "basis": "fr.commerce.L123-22",
        "until": "2026-12-02",
    }
    assert render_reason("keep.hold", params, "fr") == (
        "conservées en application d’une obligation légale (fr.commerce.L123-22) jusqu’au 2 décembre 2026"
    )
    assert render_reason("keep.hold", params, "en") == (
        "kept under a legal obligation (fr.commerce.L123-22) until 2 December 2026"
    )
    assert english_reason("keep.hold", params) == "kept: fr.commerce.L123-22, 10 years from issued_at"


def test_an_unknown_code_is_an_error_not_a_sentence():
    with pytest.raises(UnknownReason):
        render_reason("nothing.known", {}, "fr")


def test_decision_kinds_have_labels():
    assert render_decision_kind("cut", "fr") == "mention effacée"
    assert render_decision_kind("keep", "en") == "kept"


def test_a_plan_carries_codes_and_parameters_that_no_caller_parses(shop):
    shop.add_person("ada@example.org", orders=(shop.RECENT,))
    shop.write()
    plan = plan_request(shop.policy, "erase", ADA, today=shop.TODAY, key=shop.KEY)
    decisions = {(d.reference, x.kind): x for d in plan.datasets for x in d.decisions}
    kept = decisions["shop.orders", "keep"]
    assert kept.code == "keep.hold" and kept.params["until"] == "2034-02-10"
    assert "Code de commerce" in kept.params["basis"]
    assert kept.explain("fr").endswith("jusqu’au 10 février 2034")
    stored = plan.to_dict()["systems"][0]["datasets"]
    codes = {x["code"] for dataset in stored for x in dataset["decisions"]}
    assert codes <= set(REASONS)
    skipped = decisions["shop.customers", "skip"]
    assert (skipped.code, dict(skipped.params)) == ("skip.no_identity", {"types": "email"})
