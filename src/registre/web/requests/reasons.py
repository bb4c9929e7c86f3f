"""The engine's decisions and their reasons, in the reader's language, for the plan shown to staff.

A stored plan's decision carries a reason code and its parameters, which
the core's catalogs render in the reader's language (`engine.reasons`).
Plans stored before reasons had codes hold only the English sentence: those
are translated here, by pattern, or shown as the engine wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from registre.core.engine.reasons import DECISION_KINDS, UnknownReason, render_decision_kind, render_reason

DECISIONS = {
    "export": pgettext_lazy("plan decision", "Exported"),
    "delete": pgettext_lazy("plan decision", "Deleted"),
    "anonymise": pgettext_lazy("plan decision", "Anonymised"),
    "keep": pgettext_lazy("plan decision", "Kept"),
    "restrict": pgettext_lazy("plan decision", "Restricted"),
    "lift": pgettext_lazy("plan decision", "Restriction lifted"),
    "rectify": pgettext_lazy("plan decision", "Corrected"),
    "skip": pgettext_lazy("plan decision", "Not concerned"),
}

PART_ACTIONS = {
    "access": pgettext_lazy("plan part", "Export"),
    "erase": pgettext_lazy("plan part", "Erasure"),
    "restrict": pgettext_lazy("plan part", "Restriction"),
    "rectify": pgettext_lazy("plan part", "Rectification"),
}

_FIXED = {
    "declared fields and key, with their categories": gettext_lazy(
        "the declared fields and the key, with their data categories"
    ),
    "erase: delete": gettext_lazy("the dataset is erased by deleting rows"),
    "already anonymised": gettext_lazy("already anonymised"),
    "no row of the subject": gettext_lazy("no row of the person"),
    "already restricted": gettext_lazy("already restricted"),
    "already not restricted": gettext_lazy("not restricted"),
    "already up to date": gettext_lazy("already up to date"),
    "cannot restrict: no restrict column": gettext_lazy(
        "cannot be restricted: the dataset declares no restrict column"
    ),
    "declares none of the rectified fields as personal": gettext_lazy("holds none of the corrected fields"),
    "not a processor dataset: a client's request reaches only its tenant's data": gettext_lazy(
        "not a client's dataset: a client's request reaches only its tenant's data"
    ),
    "not portable: no activity processes it on consent or contract (Art. 20(1)(a))": gettext_lazy(
        "not portable: no activity processes it on consent or contract (Art. 20(1)(a))"
    ),
    "referenced by rows that are kept: anonymised instead of deleted": gettext_lazy(
        "rows that are kept refer to it: anonymised instead of deleted"
    ),
    "referenced by rows that are kept: anonymised and restricted instead of deleted": gettext_lazy(
        "rows that are kept refer to it: anonymised and restricted instead of deleted"
    ),
}

_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^kept: (?P<rule>.*?)(, until (?P<until>\d{4}-\d{2}-\d{2}))?$"),
        lambda m: _("kept under a legal obligation (%(rule)s)") % {"rule": m["rule"]},
    ),
    (
        re.compile(r"^erase: anonymize \((?P<methods>.*)\)$"),
        lambda m: _("the dataset is erased by anonymisation (%(methods)s)") % {"methods": m["methods"]},
    ),
    (re.compile(r"^set (?P<column>\w+) to True$"), lambda m: _("its flag %(column)s is set") % {"column": m["column"]}),
    (
        re.compile(r"^set (?P<column>\w+) to False$"),
        lambda m: _("its flag %(column)s is cleared") % {"column": m["column"]},
    ),
    (re.compile(r"^set (?P<fields>[\w, ]+)$"), lambda m: _("new values for %(fields)s") % {"fields": m["fields"]}),
    (
        re.compile(r"^processor dataset \(tenant column (?P<column>\w+)\).*$"),
        lambda m: _("a client's dataset: reached only for a request about that client's data"),
    ),
    (
        re.compile(r"^no identity of type (?P<types>.*) leads to it$"),
        lambda m: _("no identity of the person leads to it"),
    ),
]


def translate_reason(reason: str) -> str:
    if reason in _FIXED:
        return str(_FIXED[reason])
    for pattern, render in _PATTERNS:
        match = pattern.match(reason)
        if match:
            return render(match)
    return reason


def explain(decision: dict[str, Any], rows: int) -> str:
    """Why: the engine's reason, translated; for a dataset without the person's rows, just that."""
    if not rows and decision["kind"] != "skip":
        return str(_FIXED["no row of the subject"])
    if decision.get("code"):
        try:
            return render_reason(decision["code"], decision.get("params") or {}, _language())
        except (UnknownReason, KeyError, ValueError):
            pass
    return translate_reason(decision["reason"])


def _language() -> str:
    return (get_language() or "en")[:2]


def label_decision(kind: str) -> str:
    """What a decision does, in the reader's language: the console's label, else the core's catalog."""
    if kind in DECISIONS:
        return str(DECISIONS[kind])
    return render_decision_kind(kind, _language()) if kind in DECISION_KINDS else kind


def present_plan(plan: dict[str, Any] | None, names: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The parts of a stored plan, with each dataset's decisions labelled and explained for people.

    `names` gives each system's name from the policy ("CRM and billing database").
    """
    parts = []
    for part in (plan or {}).get("parts", []):
        systems = []
        targets = set(part.get("datasets") or [])
        for system in part["plan"]["systems"]:
            shown = [d for d in system["datasets"] if not targets or f"{system['system']}.{d['dataset']}" in targets]
            datasets = [
                {
                    **dataset,
                    "decisions": [
                        {**d, "label": label_decision(d["kind"]), "why": explain(d, dataset["rows"])}
                        for d in dataset["decisions"]
                    ],
                }
                for dataset in shown
            ]
            name = (names or {}).get(system["system"], "")
            systems.append({**system, "name": name, "datasets": datasets, "found": sum(d["rows"] for d in datasets)})
        parts.append({**part, "label": PART_ACTIONS.get(part["action"], part["action"]), "systems": systems})
    return parts
